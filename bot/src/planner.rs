//! Which planner plays the monsters, from the command line and the
//! environment: the built-in tactician (the default, no network), Gemini
//! (`GEMINI_API_KEY`), or any OpenAI-compatible server
//! (`DUNGEON_OPENAI_BASE_URL`, `DUNGEON_OPENAI_MODEL`, optional
//! `OPENAI_API_KEY`). Keys are read here and never printed.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use monsters::Planner;
use monsters::llm::gemini::{GeminiConfig, GeminiPlanner};
use monsters::llm::openai::{OpenAiConfig, OpenAiPlanner};

use crate::cli::PlannerKind;

/// How long a monster's turn may wait for a model before the tactician plays it.
pub const TURN_BUDGET: Duration = Duration::from_millis(2_500);

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The planner `kind` names; `None` for the tactician (no network).
pub fn from_env(kind: PlannerKind) -> Result<Option<Arc<dyn Planner>>> {
    match kind {
        PlannerKind::Tactician | PlannerKind::Random => Ok(None),
        PlannerKind::Gemini => {
            let Some(key) = env("GEMINI_API_KEY").or_else(|| env("DUNGEON_GEMINI_API_KEY")) else {
                bail!(
                    "--planner gemini needs GEMINI_API_KEY (a key from Google AI Studio); \
                     without one the built-in tactician plays"
                );
            };
            let mut config = GeminiConfig::new(key);
            if let Some(model) = env("DUNGEON_GEMINI_MODEL") {
                config.model = model;
            }
            if let Some(base) = env("DUNGEON_GEMINI_BASE_URL") {
                config.base_url = base;
            }
            config.timeout = TURN_BUDGET;
            let planner = GeminiPlanner::new(config).context("setting up the Gemini client")?;
            Ok(Some(Arc::new(planner)))
        }
        PlannerKind::Openai => {
            let (Some(base), Some(model)) =
                (env("DUNGEON_OPENAI_BASE_URL"), env("DUNGEON_OPENAI_MODEL"))
            else {
                bail!(
                    "--planner openai needs DUNGEON_OPENAI_BASE_URL (e.g. http://localhost:11434/v1) \
                     and DUNGEON_OPENAI_MODEL; OPENAI_API_KEY if the server wants one"
                );
            };
            let mut config = OpenAiConfig::new(base, model);
            if let Some(key) = env("OPENAI_API_KEY") {
                config.api_key = key.into();
            }
            config.timeout = TURN_BUDGET;
            let planner =
                OpenAiPlanner::new(config).context("setting up the OpenAI-compatible client")?;
            Ok(Some(Arc::new(planner)))
        }
    }
}
