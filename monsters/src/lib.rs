//! Monster turns for Distributed Dungeon: the situation a monster sees and
//! the legal options the rules engine lists for it ([`TurnRequest`]), the
//! deterministic tactician, and the LLM planners (Gemini, OpenAI-compatible)
//! with their prompts.
//!
//! **The LLM has no authority.** Every planner answers with option ids
//! taken from the request; the shell checks each id again against the
//! options legal at that moment, and anything else (no answer in time, an
//! error, an unknown id) falls back to the tactician for that turn.

pub mod eval;
pub mod explore_eval;
pub mod tactician;
pub mod view;

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

pub mod decide;
pub mod llm;

pub use decide::{Decision, Source, decide};

/// One decision to make: one monster's turn, or several monsters of a group
/// that act together in a round (one planner call for all of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnRequest {
    /// The round of the fight.
    pub round: u32,
    /// Everyone in the fight as the monsters see them.
    pub combatants: Vec<CombatantView>,
    /// The monsters deciding now, each with its own legal options.
    pub actors: Vec<ActorTurn>,
    /// What the table remembers (the party, the last session, notes): a
    /// short block from [`dm::journal::memory`]; may be empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub memory: String,
}

/// One monster deciding, and what it may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorTurn {
    /// Its handle (`g1`), as in [`CombatantView::handle`].
    pub handle: String,
    /// Its SRD kind (`goblin`): trusted content, not player text.
    pub kind: String,
    /// Its Intelligence score (low ones fight simply, high ones cleverly).
    pub intelligence: u8,
    /// The legal options, in the rules engine's order. Never empty: at
    /// least `end` is there.
    pub options: Vec<OptionView>,
}

/// One legal option: the id a planner answers with and what it means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionView {
    /// The stable id (`attack:scimitar:aria`, `cast:fire-bolt:0:g2`, `dash`,
    /// `end`): short, ASCII, no spaces.
    pub id: String,
    /// What it does, in a few words from content and numbers only
    /// (`Scimitar vs Aria: +4 to hit vs AC 15, 1d6+2 slashing`). Never holds
    /// player-written text except a target's sanitized name.
    pub summary: String,
    /// The tactician's own estimate of its worth (higher is better), shown
    /// to LLMs as a hint and used by the tactician itself.
    pub score: f64,
}

/// A combatant as the monsters see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CombatantView {
    /// Its handle (`aria`, `g1`): short, ASCII.
    pub handle: String,
    /// Its display name. For characters this is **player-written text**:
    /// sanitize, cap and mark it as data before it enters a prompt.
    pub name: String,
    /// Which side: `party` or `monsters`.
    pub side: Side,
    /// Hit points now and at most.
    pub hp: u32,
    /// Hit point maximum.
    pub max_hp: u32,
    /// Armor Class.
    pub ac: i32,
    /// Conditions by name (`prone`, `poisoned`), and `down` or `dead`.
    pub conditions: Vec<String>,
    /// Concentrating on a spell, if so (its name: content, not player text).
    pub concentrating: Option<String>,
    /// How far it is from each deciding actor: `(actor handle, engaged|near|far)`.
    pub distances: Vec<(String, String)>,
}

/// The two sides of a fight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The players' characters and their allies.
    Party,
    /// The monsters.
    Monsters,
}

/// A planner's answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// One option id per actor that got one: `(actor handle, option id)`.
    /// Actors left out, and ids not among their options, fall back to the
    /// tactician.
    pub moves: Vec<(String, String)>,
    /// An optional line of narration (≤ 140 characters once cleaned).
    pub flavour: Option<String>,
    /// Tokens the call used, if the planner called a model.
    pub usage: Option<Usage>,
}

/// Tokens a model call used, as the response reported them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    pub prompt: u32,
    /// Output tokens (answer plus any thinking).
    pub output: u32,
}

/// Why a planner gave no plan; the shell falls back to the tactician and
/// counts the kind in its metrics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// No answer within the turn's budget.
    #[error("the planner took longer than the turn's budget")]
    Timeout,
    /// Rate limited (429), also after the one retry the budget allowed.
    #[error("the model is rate limited: {0}")]
    RateLimited(String),
    /// The service is unavailable or overloaded (503, 5xx).
    #[error("the model service is unavailable: {0}")]
    Unavailable(String),
    /// The model does not exist (404) or the request was refused (400, 401, 403).
    #[error("the model refused the request: {0}")]
    Refused(String),
    /// The prompt or the answer was blocked for safety.
    #[error("the answer was blocked: {0}")]
    Blocked(String),
    /// The answer was cut off, empty or not the JSON asked for.
    #[error("the answer was unusable: {0}")]
    Malformed(String),
    /// The connection failed.
    #[error("the model could not be reached: {0}")]
    Transport(String),
}

impl PlanError {
    /// A short, stable name for metrics (`timeout`, `rate_limited`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            PlanError::Timeout => "timeout",
            PlanError::RateLimited(_) => "rate_limited",
            PlanError::Unavailable(_) => "unavailable",
            PlanError::Refused(_) => "refused",
            PlanError::Blocked(_) => "blocked",
            PlanError::Malformed(_) => "malformed",
            PlanError::Transport(_) => "transport",
        }
    }
}

/// A boxed future, so that planners can sit behind `dyn Planner`.
pub type PlanFuture<'a> = Pin<Box<dyn Future<Output = Result<Plan, PlanError>> + Send + 'a>>;

/// Something that picks options for monsters. LLM planners do network I/O
/// and must respect `budget` themselves (the shell also cuts them off).
pub trait Planner: Send + Sync {
    /// A short name for logs and metrics (`tactician`, `gemini`, `openai`).
    fn name(&self) -> &'static str;

    /// Picks an option for each actor of `request`.
    fn plan<'a>(&'a self, request: &'a TurnRequest, budget: std::time::Duration) -> PlanFuture<'a>;
}
