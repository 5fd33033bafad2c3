//! The narrator: one or two sentences of prose for what the rules decided,
//! from Gemini or an OpenAI-style server, through the same HTTP exchange and
//! key handling as the planners.
//!
//! The model is given the facts ([`dm::narration::Facts`]) inside the same
//! kind of data block as the planner's prompt, player-written names cleaned
//! and quoted; its answer is cleaned ([`super::sanitize`]) and then vetted
//! against the facts ([`dm::narration::vet`]): anything that names a number,
//! a creature, an item or an outcome the facts don't hold is turned down,
//! and the caller tells the template instead.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

use dm::narration::{Fact, Facts, Invented, NARRATION_CAP, vet};
use serde_json::json;
use tera::{Context, Tera};
use tokio::time::Instant;

use super::gemini::{GeminiConfig, GeminiPlanner};
use super::openai::{OpenAiConfig, OpenAiPlanner};
use super::prompt::{Prompt, PromptError};
use super::sanitize::{DATA_CLOSE, DATA_OPEN, sanitize_name};
use super::{gemini, http, openai};
use crate::{PlanError, Usage};

/// The most characters a memory block keeps (about 300 tokens).
pub const MEMORY_CAP: usize = 1200;

/// What the narrator is asked to tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NarrationRequest {
    /// What the rules decided.
    pub facts: Facts,
    /// The table's tone ("grim and terse", "light-hearted").
    pub tone: String,
    /// A short memory of the table (who the party is, what happened lately).
    pub memory: String,
}

/// A narration the model gave and the facts allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Narration {
    /// The prose.
    pub text: String,
    /// Tokens the call used, if the server said.
    pub usage: Option<Usage>,
}

/// Why there is no narration from the model (the template is told instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NarrationError {
    /// The call failed, was late or was unusable.
    #[error(transparent)]
    Call(#[from] PlanError),
    /// The answer invented something.
    #[error("the narration {0}")]
    Invented(Invented),
}

impl NarrationError {
    /// A short, stable name for metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            NarrationError::Call(e) => e.kind(),
            NarrationError::Invented(_) => "invented",
        }
    }
}

/// The future a narrator returns.
pub type NarrationFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Narration, NarrationError>> + Send + 'a>>;

/// A model that narrates.
pub trait Narrator: Send + Sync {
    /// Its name in metrics (`gemini`, `openai`).
    fn name(&self) -> &'static str;
    /// Narrates `request` within `budget`: vetted prose, or why not.
    fn narrate<'a>(
        &'a self,
        request: &'a NarrationRequest,
        budget: Duration,
    ) -> NarrationFuture<'a>;
}

/// The facts as the prompt lists them, one line each, names cleaned and quoted.
fn fact_lines(facts: &Facts) -> Vec<String> {
    let q = |name: &str| format!("\"{}\"", sanitize_name(name));
    facts
        .facts
        .iter()
        .map(|f| match f {
            Fact::Attack {
                attacker,
                target,
                with,
                result,
            } => format!(
                "{} attacks {} with {}: {result}",
                q(attacker),
                q(target),
                q(with)
            ),
            Fact::Damage {
                target,
                amount,
                types,
                state,
            } => {
                let state = match state.as_str() {
                    "" => String::new(),
                    s => format!(", and is {s}"),
                };
                format!("{} takes {amount} {types} damage{state}", q(target))
            }
            Fact::Heal { target, amount } => format!("{} regains {amount} hit points", q(target)),
            Fact::Save { who, what, success } => format!(
                "{} {} a {}",
                q(who),
                if *success { "succeeds on" } else { "fails" },
                q(what)
            ),
            Fact::Effect {
                target,
                what,
                began,
            } => format!(
                "{} on {} {}",
                q(what),
                q(target),
                if *began { "begins" } else { "ends" }
            ),
            Fact::FightOver { won: true } => "the fight is over: every foe is down".to_owned(),
            Fact::FightOver { won: false } => "the fight is over, foes still standing".to_owned(),
            Fact::Loot { who, gold, items } => {
                let items: Vec<String> = items.iter().map(|i| q(i)).collect();
                format!("{} gains {gold} gp and {}", q(who), items.join(", "))
            }
            Fact::Told { text } => format!("the scene: {}", q(text)),
        })
        .collect()
}

/// The prompt for `request`: the narrator's instruction and the facts.
pub fn prompt(request: &NarrationRequest) -> Result<Prompt, PromptError> {
    let tera = templates()?;
    let mut system = Context::new();
    system.insert("open", DATA_OPEN);
    system.insert("close", DATA_CLOSE);
    system.insert("cap", &NARRATION_CAP);
    let tone = sanitize_name(&request.tone);
    system.insert(
        "tone",
        if tone.is_empty() {
            "vivid but brief"
        } else {
            tone.as_str()
        },
    );
    let mut turn = Context::new();
    turn.insert("open", DATA_OPEN);
    turn.insert("close", DATA_CLOSE);
    turn.insert("facts", &fact_lines(&request.facts));
    let memory: String = super::sanitize::sanitize_summary_capped(&request.memory, MEMORY_CAP);
    turn.insert("memory", &memory);
    let render = |name: &str, ctx: &Context| {
        tera.render(name, ctx)
            .map_err(|e| PromptError::new(e.to_string()))
    };
    Ok(Prompt {
        system: render(SYSTEM, &system)?,
        turn: render(FACTS, &turn)?,
    })
}

const SYSTEM: &str = "narrate.tera";
const FACTS: &str = "narrate_facts.tera";

fn templates() -> Result<&'static Tera, PromptError> {
    static TERA: OnceLock<Result<Tera, PromptError>> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut tera = Tera::new();
        tera.add_raw_templates([
            (SYSTEM, include_str!("../../../prompts/narrate.tera")),
            (FACTS, include_str!("../../../prompts/narrate_facts.tera")),
        ])
        .map_err(|e| PromptError::new(e.to_string()))?;
        Ok(tera)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The model's answer made safe and checked: cleaned of markup, mentions
/// and links, then vetted against the facts.
pub fn accept(answer: &str, facts: &Facts) -> Result<String, NarrationError> {
    let cleaned = super::sanitize::sanitize_prose(answer, NARRATION_CAP);
    vet(&cleaned, facts).map_err(NarrationError::Invented)?;
    Ok(cleaned)
}

fn finish(
    answer: Result<(String, Option<Usage>), PlanError>,
    facts: &Facts,
) -> Result<Narration, NarrationError> {
    let (text, usage) = answer?;
    Ok(Narration {
        text: accept(&text, facts)?,
        usage,
    })
}

impl GeminiPlanner {
    async fn narration(
        &self,
        request: &NarrationRequest,
        budget: Duration,
    ) -> Result<Narration, NarrationError> {
        let config: &GeminiConfig = self.config();
        let deadline = Instant::now() + budget.min(config.timeout);
        let prompt = prompt(request).map_err(|e| PlanError::Malformed(e.to_string()))?;
        let body = json!({
            "systemInstruction": { "parts": [{ "text": prompt.system }] },
            "contents": [{ "role": "user", "parts": [{ "text": prompt.turn }] }],
            "generationConfig": {
                "temperature": 0.8,
                "maxOutputTokens": 160,
                "responseMimeType": "text/plain",
            },
        });
        let text = http::post(
            || {
                self.client()
                    .post(self.url())
                    .header("x-goog-api-key", config.api_key.expose())
                    .json(&body)
            },
            deadline,
            &config.api_key,
        )
        .await?;
        finish(gemini::answer_of(&text), &request.facts)
    }
}

impl Narrator for GeminiPlanner {
    fn name(&self) -> &'static str {
        "gemini"
    }

    fn narrate<'a>(
        &'a self,
        request: &'a NarrationRequest,
        budget: Duration,
    ) -> NarrationFuture<'a> {
        Box::pin(self.narration(request, budget))
    }
}

impl OpenAiPlanner {
    async fn narration(
        &self,
        request: &NarrationRequest,
        budget: Duration,
    ) -> Result<Narration, NarrationError> {
        let config: &OpenAiConfig = self.config();
        let deadline = Instant::now() + budget.min(config.timeout);
        let prompt = prompt(request).map_err(|e| PlanError::Malformed(e.to_string()))?;
        let body = json!({
            "model": config.model,
            "messages": [
                { "role": "system", "content": prompt.system },
                { "role": "user", "content": prompt.turn },
            ],
            "temperature": 0.8,
            "max_tokens": 160,
        });
        let text = http::post(
            || {
                let post = self.client().post(self.url()).json(&body);
                if config.api_key.is_empty() {
                    post
                } else {
                    post.bearer_auth(config.api_key.expose())
                }
            },
            deadline,
            &config.api_key,
        )
        .await?;
        finish(openai::answer_of(&text), &request.facts)
    }
}

impl Narrator for OpenAiPlanner {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn narrate<'a>(
        &'a self,
        request: &'a NarrationRequest,
        budget: Duration,
    ) -> NarrationFuture<'a> {
        Box::pin(self.narration(request, budget))
    }
}
