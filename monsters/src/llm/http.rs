//! The HTTP exchange both planners share: one POST under the turn's
//! deadline, one retry on 429 when the server's delay fits, and the mapping
//! of statuses and failures to [`PlanError`].

use std::error::Error as _;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;
use tokio::time::Instant;

use super::{ApiKey, truncate};
use crate::PlanError;

/// Wait before the retry when a 429 names no delay.
const DEFAULT_RETRY: Duration = Duration::from_millis(250);
/// The least time worth leaving a retried request to answer in.
const MIN_ATTEMPT: Duration = Duration::from_millis(100);
/// Longest server text kept in an error.
const MESSAGE_CAP: usize = 200;

/// Sends the request `build` makes and returns the body of a 2xx answer.
/// A 429 is retried once, after the delay the server asked for, if that
/// leaves time before `deadline`; everything stops at `deadline`.
pub(crate) async fn post(
    build: impl Fn() -> RequestBuilder,
    deadline: Instant,
    key: &ApiKey,
) -> Result<String, PlanError> {
    let mut retried = false;
    loop {
        let (status, headers, body) = exchange(build(), deadline, key).await?;
        if status.is_success() {
            return Ok(body);
        }
        let message = error_message(status, &body, key);
        if status != StatusCode::TOO_MANY_REQUESTS {
            return Err(
                if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
                    PlanError::Unavailable(message)
                } else {
                    PlanError::Refused(message)
                },
            );
        }
        let delay = retry_delay(&headers, &body).unwrap_or(DEFAULT_RETRY);
        if retried || Instant::now() + delay + MIN_ATTEMPT > deadline {
            return Err(PlanError::RateLimited(message));
        }
        retried = true;
        tokio::time::sleep(delay).await;
    }
}

/// One request and its whole answer, or the reason there is none.
async fn exchange(
    request: RequestBuilder,
    deadline: Instant,
    key: &ApiKey,
) -> Result<(StatusCode, HeaderMap, String), PlanError> {
    let call = async {
        let response = request.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await?;
        Ok::<_, reqwest::Error>((status, headers, body))
    };
    match tokio::time::timeout_at(deadline, call).await {
        Err(_) => Err(PlanError::Timeout),
        Ok(Err(e)) if e.is_timeout() => Err(PlanError::Timeout),
        Ok(Err(e)) => Err(PlanError::Transport(transport_message(e, key))),
        Ok(Ok(answer)) => Ok(answer),
    }
}

/// The error and its causes on one line, without the URL or the key.
fn transport_message(error: reqwest::Error, key: &ApiKey) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    truncate(&key.redact(&text), MESSAGE_CAP)
}

/// `429 Too Many Requests: <the server's message>`, short and without the key.
fn error_message(status: StatusCode, body: &str, key: &ApiKey) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let detail = parsed
        .as_ref()
        .and_then(|v| {
            let error = v.get("error")?;
            error
                .get("message")
                .and_then(Value::as_str)
                .or_else(|| error.as_str())
        })
        .unwrap_or(body)
        .trim();
    let text = if detail.is_empty() {
        status.to_string()
    } else {
        format!("{status}: {detail}")
    };
    truncate(&key.redact(&text), MESSAGE_CAP)
}

/// The delay a 429 asks for: Google's `google.rpc.RetryInfo.retryDelay`
/// (`"1.5s"`) in the body, else `retry-after-ms` or `retry-after` (seconds).
fn retry_delay(headers: &HeaderMap, body: &str) -> Option<Duration> {
    let from_body = serde_json::from_str::<Value>(body).ok().and_then(|v| {
        v.pointer("/error/details")?
            .as_array()?
            .iter()
            .filter(|d| {
                d.get("@type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.ends_with("google.rpc.RetryInfo"))
            })
            .find_map(|d| seconds(d.get("retryDelay")?.as_str()?.strip_suffix('s')?))
    });
    let header = |name: &str| headers.get(name)?.to_str().ok();
    from_body
        .or_else(|| seconds(header("retry-after-ms")?).map(|ms| ms / 1000))
        .or_else(|| seconds(header("retry-after")?))
}

/// A non-negative number of seconds below a day.
fn seconds(text: &str) -> Option<Duration> {
    let value: f64 = text.trim().parse().ok()?;
    (value.is_finite() && (0.0..86_400.0).contains(&value)).then(|| Duration::from_secs_f64(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_delay_from_google_body_and_headers() {
        let body = r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[
            {"@type":"type.googleapis.com/google.rpc.QuotaFailure"},
            {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}"#;
        let none = HeaderMap::new();
        assert_eq!(retry_delay(&none, body), Some(Duration::from_millis(1500)));
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_delay(&headers, "{}"), Some(Duration::from_secs(2)));
        headers.insert("retry-after-ms", HeaderValue::from_static("300"));
        assert_eq!(retry_delay(&headers, ""), Some(Duration::from_millis(300)));
        assert_eq!(retry_delay(&none, "not json"), None);
        let mut date = HeaderMap::new();
        date.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_delay(&date, ""), None);
    }

    #[test]
    fn error_messages_are_short_and_keyless() {
        let key = ApiKey::new("sekrit-key");
        let body = r#"{"error":{"code":400,"message":"API key sekrit-key not valid","status":"INVALID_ARGUMENT"}}"#;
        let text = error_message(StatusCode::BAD_REQUEST, body, &key);
        assert_eq!(text, "400 Bad Request: API key [redacted] not valid");
        let long = "x".repeat(1000);
        assert!(
            error_message(StatusCode::BAD_GATEWAY, &long, &key)
                .chars()
                .count()
                <= MESSAGE_CAP + 1
        );
    }
}
