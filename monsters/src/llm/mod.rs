//! The LLM planners: Gemini's REST API ([`gemini::GeminiPlanner`]) and any
//! OpenAI-style chat completions server ([`openai::OpenAiPlanner`]), with
//! the prompt ([`prompt`]) and the cleaning of text that crosses the trust
//! boundary ([`sanitize`]).
//!
//! Both planners send one request per monster group, ask for JSON
//! constrained by a schema whose only allowed values are each actor's
//! option ids ([`answer_schema`]), and read the answer leniently
//! ([`parse_answer`]): moves for unknown actors or ids that are not among
//! the actor's options are dropped, and the shell falls back for them.

pub mod gemini;
mod http;
pub mod narrate;
pub mod openai;
pub mod prompt;
pub mod sanitize;

use std::fmt;

use serde_json::{Map, Value, json};

use crate::{Plan, PlanError, TurnRequest};
use sanitize::{FLAVOUR_CAP, sanitize_flavour};

/// An API key. It never prints: `Debug` and `Display` show `[redacted]`,
/// and errors have it cut out of any text a server sent back.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The key itself, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether there is no key (a local server may need none).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with every occurrence of the key replaced by `[redacted]`.
    pub(crate) fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_owned()
        } else {
            text.replace(&self.0, "[redacted]")
        }
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey(key)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Installs rustls' `ring` crypto provider for the process unless one is
/// installed already; needed before any HTTPS client is built, since the
/// tree carries no default provider. Safe to call any number of times.
pub fn install_crypto_provider() {
    // An error only says a provider is already installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The JSON Schema dialect a server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaDialect {
    /// Gemini's `responseJsonSchema`: standard JSON Schema, optional
    /// properties allowed.
    Gemini,
    /// OpenAI's strict structured outputs: every property required
    /// (`flavour` may be null), no `maxLength`.
    OpenAiStrict,
}

/// The schema of the answer: `moves` maps each actor's handle to one of its
/// option ids (an enum), plus an optional `flavour` line.
pub fn answer_schema(request: &TurnRequest, dialect: SchemaDialect) -> Value {
    let mut moves = Map::new();
    for actor in &request.actors {
        let ids: Vec<&str> = actor.options.iter().map(|o| o.id.as_str()).collect();
        moves.insert(
            actor.handle.clone(),
            json!({ "type": "string", "enum": ids }),
        );
    }
    let handles: Vec<&str> = request.actors.iter().map(|a| a.handle.as_str()).collect();
    let moves = json!({
        "type": "object",
        "properties": moves,
        "required": handles,
        "additionalProperties": false,
    });
    match dialect {
        SchemaDialect::Gemini => json!({
            "type": "object",
            "properties": {
                "moves": moves,
                "flavour": { "type": "string", "maxLength": FLAVOUR_CAP },
            },
            "required": ["moves"],
            "additionalProperties": false,
        }),
        SchemaDialect::OpenAiStrict => json!({
            "type": "object",
            "properties": {
                "moves": moves,
                "flavour": { "type": ["string", "null"] },
            },
            "required": ["moves", "flavour"],
            "additionalProperties": false,
        }),
    }
}

/// Reads the model's JSON answer. Moves for actors not in the request, and
/// ids not among that actor's options, are dropped; the flavour line is
/// cleaned. Anything that is not an object with a `moves` object is
/// [`PlanError::Malformed`].
pub fn parse_answer(text: &str, request: &TurnRequest) -> Result<Plan, PlanError> {
    let value: Value = serde_json::from_str(strip_fence(text))
        .map_err(|e| PlanError::Malformed(format!("the answer is not JSON ({e})")))?;
    let Some(moves) = value.get("moves").and_then(Value::as_object) else {
        return Err(PlanError::Malformed(
            "the answer has no \"moves\" object".into(),
        ));
    };
    let mut plan = Plan::default();
    for actor in &request.actors {
        let Some(id) = moves.get(&actor.handle).and_then(Value::as_str) else {
            continue;
        };
        if actor.options.iter().any(|o| o.id == id) {
            plan.moves.push((actor.handle.clone(), id.to_owned()));
        }
    }
    plan.flavour = value
        .get("flavour")
        .and_then(Value::as_str)
        .and_then(sanitize_flavour);
    Ok(plan)
}

/// Some OpenAI-style servers wrap JSON in a Markdown fence despite the
/// response format; accept that.
fn strip_fence(text: &str) -> &str {
    let trimmed = text.trim();
    trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|t| t.strip_suffix("```"))
        .map_or(trimmed, str::trim)
}

/// `text` cut to at most `max` characters, for error messages.
fn truncate(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}
