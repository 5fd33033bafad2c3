//! The prompt: a system instruction and one turn, rendered from the tera
//! templates in `prompts/` (compiled into the crate).
//!
//! Everything about the fight goes inside one data block; player-written
//! names are cleaned by [`sanitize_name`] and quoted there. Option
//! summaries are cleaned too, since they may carry a target's name.

use std::sync::OnceLock;

use serde::Serialize;
use tera::{Context, Tera};

use super::sanitize::{DATA_CLOSE, DATA_OPEN, FLAVOUR_CAP, sanitize_name, sanitize_summary};
use crate::{Side, TurnRequest};

const SYSTEM: &str = "system.tera";
const TURN: &str = "turn.tera";

/// A rendered prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// The system instruction: the rules of the game the model plays.
    pub system: String,
    /// The turn: the state of the fight and the options, as data.
    pub turn: String,
}

impl Prompt {
    /// A rough token count of system and turn together: characters / 4,
    /// rounded up (close enough for English and JSON-like text to budget with).
    pub fn estimated_tokens(&self) -> usize {
        estimate_tokens(&self.system) + estimate_tokens(&self.turn)
    }
}

/// Tokens in `text`, estimated as characters / 4 rounded up.
pub fn estimate_tokens(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// The templates failed to render (a bug in a template, not in the request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the prompt template failed: {0}")]
pub struct PromptError(String);

impl PromptError {
    /// A template failure saying `why`.
    pub(crate) fn new(why: String) -> Self {
        PromptError(why)
    }
}

/// Renders the prompt for `request`.
pub fn render(request: &TurnRequest) -> Result<Prompt, PromptError> {
    let tera = templates()?;
    let mut system = Context::new();
    system.insert("open", DATA_OPEN);
    system.insert("close", DATA_CLOSE);
    system.insert("flavour_cap", &FLAVOUR_CAP);
    let mut turn =
        Context::from_serialize(&TurnData::new(request)).map_err(|e| PromptError(e.to_string()))?;
    turn.insert("open", DATA_OPEN);
    turn.insert("close", DATA_CLOSE);
    Ok(Prompt {
        system: tera
            .render(SYSTEM, &system)
            .map_err(|e| PromptError(e.to_string()))?,
        turn: tera
            .render(TURN, &turn)
            .map_err(|e| PromptError(e.to_string()))?,
    })
}

/// The parsed templates, once per process.
fn templates() -> Result<&'static Tera, PromptError> {
    static TERA: OnceLock<Result<Tera, PromptError>> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut tera = Tera::new();
        tera.add_raw_templates([
            (SYSTEM, include_str!("../../../prompts/system.tera")),
            (TURN, include_str!("../../../prompts/turn.tera")),
        ])
        .map_err(|e| PromptError(e.to_string()))?;
        Ok(tera)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// What the turn template sees: strings ready to print, so the template
/// stays a layout.
#[derive(Serialize)]
struct TurnData {
    round: u32,
    combatants: Vec<CombatantRow>,
    actors: Vec<ActorRow>,
    handles: String,
    memory: String,
}

#[derive(Serialize)]
struct CombatantRow {
    handle: String,
    name: String,
    side: &'static str,
    hp: u32,
    max_hp: u32,
    ac: i32,
    conditions: String,
    concentrating: String,
    distances: String,
}

#[derive(Serialize)]
struct ActorRow {
    handle: String,
    kind: String,
    intelligence: u8,
    options: Vec<OptionRow>,
}

#[derive(Serialize)]
struct OptionRow {
    id: String,
    summary: String,
    score: String,
}

impl TurnData {
    fn new(request: &TurnRequest) -> Self {
        let combatants = request
            .combatants
            .iter()
            .map(|c| {
                let name = sanitize_name(&c.name);
                CombatantRow {
                    handle: c.handle.clone(),
                    // A name cleaned down to nothing still needs a label.
                    name: if name.is_empty() {
                        c.handle.clone()
                    } else {
                        name
                    },
                    side: match c.side {
                        Side::Party => "party",
                        Side::Monsters => "monsters",
                    },
                    hp: c.hp,
                    max_hp: c.max_hp,
                    ac: c.ac,
                    conditions: c.conditions.join(", "),
                    concentrating: c.concentrating.clone().unwrap_or_default(),
                    distances: c
                        .distances
                        .iter()
                        .map(|(actor, how)| format!("{how} to {actor}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })
            .collect();
        let actors = request
            .actors
            .iter()
            .map(|a| ActorRow {
                handle: a.handle.clone(),
                kind: a.kind.clone(),
                intelligence: a.intelligence,
                options: a
                    .options
                    .iter()
                    .map(|o| OptionRow {
                        id: o.id.clone(),
                        summary: sanitize_summary(&o.summary),
                        score: format!("{:.1}", o.score),
                    })
                    .collect(),
            })
            .collect();
        let handles = request
            .actors
            .iter()
            .map(|a| a.handle.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        TurnData {
            memory: super::sanitize::sanitize_summary_capped(
                &request.memory,
                super::narrate::MEMORY_CAP,
            ),
            round: request.round,
            combatants,
            actors,
            handles,
        }
    }
}
