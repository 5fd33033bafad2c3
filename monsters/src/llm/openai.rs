//! Any OpenAI-style `chat/completions` server (OpenAI, Ollama, llama.cpp,
//! vLLM, Gemini's compatibility endpoint), with strict JSON-schema output.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::{
    ApiKey, SchemaDialect, answer_schema, http, install_crypto_provider, parse_answer, prompt,
};
use crate::{Plan, PlanError, PlanFuture, Planner, TurnRequest, Usage};

/// How to reach the server. `Debug` never shows the key.
#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    /// Everything before `/chat/completions`, path prefix included:
    /// `https://api.openai.com/v1`, `http://localhost:11434/v1` (Ollama),
    /// `https://generativelanguage.googleapis.com/v1beta/openai`.
    pub base_url: String,
    /// The model name as the server knows it.
    pub model: String,
    /// Sent as `Authorization: Bearer …` unless empty (local servers).
    pub api_key: ApiKey,
    /// The longest a call may take; the turn's budget may cut it shorter.
    pub timeout: Duration,
    /// Sampling temperature.
    pub temperature: f32,
    /// `max_tokens`, the cap most servers understand; `None` sends none
    /// (OpenAI's reasoning models refuse the field).
    pub max_tokens: Option<u32>,
}

impl OpenAiConfig {
    /// The defaults (2.5 s, temperature 0.4, 256 tokens, no key) for
    /// `model` at `base_url`.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        OpenAiConfig {
            base_url: base_url.into(),
            model: model.into(),
            api_key: ApiKey::default(),
            timeout: Duration::from_millis(2500),
            temperature: 0.4,
            max_tokens: Some(256),
        }
    }
}

/// The OpenAI-compatible planner.
#[derive(Debug)]
pub struct OpenAiPlanner {
    config: OpenAiConfig,
    url: String,
    client: reqwest::Client,
}

impl OpenAiPlanner {
    /// A planner for `config`. Installs the TLS crypto provider if none is;
    /// fails only if the HTTP client cannot be built ([`PlanError::Transport`]).
    pub fn new(config: OpenAiConfig) -> Result<Self, PlanError> {
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| PlanError::Transport(config.api_key.redact(&e.to_string())))?;
        let url = format!("{}/chat/completions", config.base_url.trim_end_matches('/'));
        Ok(OpenAiPlanner {
            config,
            url,
            client,
        })
    }

    /// Its configuration.
    pub(crate) fn config(&self) -> &OpenAiConfig {
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
        let mut body = json!({
            "model": self.config.model,
            "messages": [
                { "role": "system", "content": prompt.system },
                { "role": "user", "content": prompt.turn },
            ],
            "temperature": self.config.temperature,
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": "monster_moves",
                    "strict": true,
                    "schema": answer_schema(request, SchemaDialect::OpenAiStrict),
                },
            },
        });
        if let Some(max) = self.config.max_tokens {
            body["max_tokens"] = json!(max);
        }
        Ok(body)
    }

    async fn call(&self, request: &TurnRequest, budget: Duration) -> Result<Plan, PlanError> {
        let deadline = Instant::now() + budget.min(self.config.timeout);
        let body = self.body(request)?;
        let text = http::post(
            || {
                let post = self.client.post(&self.url).json(&body);
                if self.config.api_key.is_empty() {
                    post
                } else {
                    post.bearer_auth(self.config.api_key.expose())
                }
            },
            deadline,
            &self.config.api_key,
        )
        .await?;
        read_response(&text, request)
    }
}

impl Planner for OpenAiPlanner {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn plan<'a>(&'a self, request: &'a TurnRequest, budget: Duration) -> PlanFuture<'a> {
        Box::pin(self.call(request, budget))
    }
}

/// Reads a 200 answer: the first choice's finish reason, refusal and
/// content, and the token counts.
fn read_response(text: &str, request: &TurnRequest) -> Result<Plan, PlanError> {
    let (content, usage) = answer_of(text)?;
    let mut plan = parse_answer(&content, request)?;
    plan.usage = usage;
    Ok(plan)
}

/// The content of a 200 answer's first choice and the token counts, or
/// why there is none usable.
pub(super) fn answer_of(text: &str) -> Result<(String, Option<Usage>), PlanError> {
    let response: Value = serde_json::from_str(text)
        .map_err(|e| PlanError::Malformed(format!("the response is not JSON ({e})")))?;
    let Some(choice) = response.pointer("/choices/0") else {
        return Err(PlanError::Malformed("no choices in the response".into()));
    };
    match choice.get("finish_reason").and_then(Value::as_str) {
        Some("length") => {
            return Err(PlanError::Malformed(
                "the answer was cut off (length)".into(),
            ));
        }
        Some("content_filter") => {
            return Err(PlanError::Blocked("answer blocked: content_filter".into()));
        }
        _ => {}
    }
    if let Some(refusal) = choice.pointer("/message/refusal").and_then(Value::as_str) {
        let refusal = super::truncate(refusal, 100);
        return Err(PlanError::Blocked(format!("the model refused: {refusal}")));
    }
    let content = choice
        .pointer("/message/content")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if content.trim().is_empty() {
        return Err(PlanError::Malformed("the answer is empty".into()));
    }
    let usage = response.get("usage").map(|usage| {
        let count = |field: &str| {
            usage
                .get(field)
                .and_then(Value::as_u64)
                .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        Usage {
            prompt: count("prompt_tokens"),
            output: count("completion_tokens"),
        }
    });
    Ok((content.to_owned(), usage))
}
