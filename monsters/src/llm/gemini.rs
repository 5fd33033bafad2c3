//! Gemini's REST API (`generateContent`), called with a thin `reqwest`
//! client: one request per monster group, JSON output constrained to the
//! actors' option ids, thinking off.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::{
    ApiKey, SchemaDialect, answer_schema, http, install_crypto_provider, parse_answer, prompt,
};
use crate::{Plan, PlanError, PlanFuture, Planner, TurnRequest, Usage};

/// How to reach Gemini. `Debug` never shows the key.
#[derive(Debug, Clone)]
pub struct GeminiConfig {
    /// Scheme and host, without a path (tests point it at a local fake).
    pub base_url: String,
    /// The model name (`gemini-2.5-flash-lite`); names change, so it is config.
    pub model: String,
    /// The API key, sent in the `x-goog-api-key` header.
    pub api_key: ApiKey,
    /// The longest a call may take; the turn's budget may cut it shorter.
    pub timeout: Duration,
    /// Sampling temperature: low, so monsters play consistently.
    pub temperature: f32,
    /// Output cap. The answer is a few dozen tokens; thinking is off, so
    /// this never has to cover thoughts.
    pub max_output_tokens: u32,
}

impl GeminiConfig {
    /// The defaults (Google's endpoint, `gemini-2.5-flash-lite`, 2.5 s,
    /// temperature 0.4, 256 output tokens) with `api_key`.
    pub fn new(api_key: impl Into<String>) -> Self {
        GeminiConfig {
            base_url: "https://generativelanguage.googleapis.com".into(),
            model: "gemini-2.5-flash-lite".into(),
            api_key: ApiKey::new(api_key),
            timeout: Duration::from_millis(2500),
            temperature: 0.4,
            max_output_tokens: 256,
        }
    }
}

/// The Gemini planner.
#[derive(Debug)]
pub struct GeminiPlanner {
    config: GeminiConfig,
    url: String,
    client: reqwest::Client,
}

impl GeminiPlanner {
    /// A planner for `config`. Installs the TLS crypto provider if none is
    /// (see [`install_crypto_provider`]); fails only if the HTTP client
    /// cannot be built ([`PlanError::Transport`]).
    pub fn new(config: GeminiConfig) -> Result<Self, PlanError> {
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| PlanError::Transport(config.api_key.redact(&e.to_string())))?;
        let url = format!(
            "{}/v1beta/models/{}:generateContent",
            config.base_url.trim_end_matches('/'),
            config.model
        );
        Ok(GeminiPlanner {
            config,
            url,
            client,
        })
    }

    /// Its configuration.
    pub(crate) fn config(&self) -> &GeminiConfig {
        &self.config
    }

    /// Its HTTP client.
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The endpoint it posts to.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The request body for `request`.
    pub fn body(&self, request: &TurnRequest) -> Result<Value, PlanError> {
        let prompt = prompt::render(request).map_err(|e| PlanError::Malformed(e.to_string()))?;
        let mut generation = json!({
            "temperature": self.config.temperature,
            "maxOutputTokens": self.config.max_output_tokens,
            "responseMimeType": "application/json",
            "responseJsonSchema": answer_schema(request, SchemaDialect::Gemini),
        });
        if let Some(thinking) = thinking_off(&self.config.model) {
            generation["thinkingConfig"] = thinking;
        }
        Ok(json!({
            "systemInstruction": { "parts": [{ "text": prompt.system }] },
            "contents": [{ "role": "user", "parts": [{ "text": prompt.turn }] }],
            "generationConfig": generation,
        }))
    }

    async fn call(&self, request: &TurnRequest, budget: Duration) -> Result<Plan, PlanError> {
        let deadline = Instant::now() + budget.min(self.config.timeout);
        let body = self.body(request)?;
        let text = http::post(
            || {
                self.client
                    .post(&self.url)
                    .header("x-goog-api-key", self.config.api_key.expose())
                    .json(&body)
            },
            deadline,
            &self.config.api_key,
        )
        .await?;
        read_response(&text, request)
    }
}

impl Planner for GeminiPlanner {
    fn name(&self) -> &'static str {
        "gemini"
    }

    fn plan<'a>(&'a self, request: &'a TurnRequest, budget: Duration) -> PlanFuture<'a> {
        Box::pin(self.call(request, budget))
    }
}

/// The setting that turns thinking off (or as low as it goes) for `model`:
/// a budget of 0 for 2.5 Flash models, the least 2.5 Pro allows, the
/// `minimal` level for 3.x; nothing for models without thinking.
fn thinking_off(model: &str) -> Option<Value> {
    let name = model.trim_start_matches("models/");
    if name.starts_with("gemini-2.5-pro") {
        Some(json!({ "thinkingBudget": 128 }))
    } else if name.starts_with("gemini-2.5") {
        Some(json!({ "thinkingBudget": 0 }))
    } else if name.starts_with("gemini-3") {
        Some(json!({ "thinkingLevel": "minimal" }))
    } else {
        None
    }
}

/// Reads a 200 answer: a blocked prompt, the first candidate's finish
/// reason, its text and the token counts.
fn read_response(text: &str, request: &TurnRequest) -> Result<Plan, PlanError> {
    let (answer, usage) = answer_of(text)?;
    let mut plan = parse_answer(&answer, request)?;
    plan.usage = usage;
    Ok(plan)
}

/// The text of a 200 answer's first candidate and the token counts, or
/// why there is none usable.
pub(super) fn answer_of(text: &str) -> Result<(String, Option<Usage>), PlanError> {
    let response: Value = serde_json::from_str(text)
        .map_err(|e| PlanError::Malformed(format!("the response is not JSON ({e})")))?;
    if let Some(reason) = response
        .pointer("/promptFeedback/blockReason")
        .and_then(Value::as_str)
    {
        return Err(PlanError::Blocked(format!("prompt blocked: {reason}")));
    }
    let Some(candidate) = response.pointer("/candidates/0") else {
        return Err(PlanError::Malformed("no candidates in the response".into()));
    };
    match candidate.get("finishReason").and_then(Value::as_str) {
        None | Some("STOP" | "FINISH_REASON_UNSPECIFIED") => {}
        Some("MAX_TOKENS") => {
            return Err(PlanError::Malformed(
                "the answer was cut off (MAX_TOKENS)".into(),
            ));
        }
        Some(
            reason @ ("SAFETY" | "PROHIBITED_CONTENT" | "BLOCKLIST" | "SPII" | "RECITATION"
            | "IMAGE_SAFETY"),
        ) => return Err(PlanError::Blocked(format!("answer blocked: {reason}"))),
        Some(other) => {
            return Err(PlanError::Malformed(format!(
                "the answer ended with {other}"
            )));
        }
    }
    let answer: String = candidate
        .pointer("/content/parts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|part| part.get("thought").and_then(Value::as_bool) != Some(true))
        .filter_map(|part| part.get("text").and_then(Value::as_str))
        .collect();
    if answer.trim().is_empty() {
        return Err(PlanError::Malformed("the answer is empty".into()));
    }
    let usage = response.get("usageMetadata").map(|usage| {
        let count = |field: &str| {
            usage
                .get(field)
                .and_then(Value::as_u64)
                .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        Usage {
            prompt: count("promptTokenCount"),
            output: count("candidatesTokenCount").saturating_add(count("thoughtsTokenCount")),
        }
    });
    Ok((answer, usage))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinking_settings_by_model() {
        assert_eq!(
            thinking_off("gemini-2.5-flash-lite"),
            Some(json!({ "thinkingBudget": 0 }))
        );
        assert_eq!(
            thinking_off("models/gemini-2.5-pro"),
            Some(json!({ "thinkingBudget": 128 }))
        );
        assert_eq!(
            thinking_off("gemini-3-flash"),
            Some(json!({ "thinkingLevel": "minimal" }))
        );
        assert_eq!(thinking_off("gemini-2.0-flash"), None);
    }

    #[test]
    fn debug_hides_the_key() {
        let planner = GeminiPlanner::new(GeminiConfig::new("AIza-secret")).expect("client");
        assert!(!format!("{planner:?}").contains("AIza-secret"));
    }
}
