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

use crate::config::PlannerConfig;
use crate::config::PlannerKind;
use crate::config::{NarratorConfig, NarratorKind};
use crate::core::narrator::Narrator;

/// How long a monster's turn may wait for a model before the tactician plays it.
pub const TURN_BUDGET: Duration = Duration::from_millis(2_500);

/// The planner `kind` names, its settings from the environment (the
/// `DUNGEON_PLANNER__*` names and the older ones); `None` for the tactician.
pub fn from_env(kind: PlannerKind) -> Result<Option<Arc<dyn Planner>>> {
    if matches!(kind, PlannerKind::Tactician | PlannerKind::Random) {
        // No settings to read: a stray variable cannot stop a local game.
        return Ok(None);
    }
    let loaded = crate::config::parse(None, None, std::env::vars())
        .context("reading the planner's settings from the environment")?;
    let mut config = loaded.config.planner;
    config.kind = kind;
    from_config(&config)
}

/// The planner `config` names; `None` for the tactician (no network).
pub fn from_config(config: &PlannerConfig) -> Result<Option<Arc<dyn Planner>>> {
    match config.kind {
        PlannerKind::Tactician | PlannerKind::Random => Ok(None),
        PlannerKind::Gemini => Ok(Some(Arc::new(gemini_client(config)?))),
        PlannerKind::Openai => Ok(Some(Arc::new(openai_client(config)?))),
    }
}

/// The Gemini client `config` describes.
fn gemini_client(config: &PlannerConfig) -> Result<GeminiPlanner> {
    let budget = Duration::from_millis(config.turn_budget_ms.max(1));
    let Some(key) = &config.gemini_api_key else {
        bail!(
            "--planner gemini needs GEMINI_API_KEY (a key from Google AI Studio); \
             without one the built-in tactician plays"
        );
    };
    let mut gemini = GeminiConfig::new(key.expose().to_owned());
    if let Some(model) = &config.gemini_model {
        gemini.model.clone_from(model);
    }
    if let Some(base) = &config.gemini_base_url {
        gemini.base_url.clone_from(base);
    }
    gemini.timeout = budget;
    GeminiPlanner::new(gemini).context("setting up the Gemini client")
}

/// The OpenAI-compatible client `config` describes.
fn openai_client(config: &PlannerConfig) -> Result<OpenAiPlanner> {
    let budget = Duration::from_millis(config.turn_budget_ms.max(1));
    let (Some(base), Some(model)) = (&config.openai_base_url, &config.openai_model) else {
        bail!(
            "--planner openai needs DUNGEON_OPENAI_BASE_URL (e.g. http://localhost:11434/v1) \
             and DUNGEON_OPENAI_MODEL; OPENAI_API_KEY if the server wants one"
        );
    };
    let mut openai = OpenAiConfig::new(base.clone(), model.clone());
    if let Some(key) = &config.openai_api_key {
        openai.api_key = key.expose().to_owned().into();
    }
    openai.timeout = budget;
    OpenAiPlanner::new(openai).context("setting up the OpenAI-compatible client")
}

/// The narrator `narrator` names, connecting as `planner`'s settings say;
/// `None` when narration is off.
pub fn narrator_from_config(
    narrator: &NarratorConfig,
    planner: &PlannerConfig,
) -> Result<Option<Narrator>> {
    if matches!(narrator.kind, NarratorKind::Off) {
        return Ok(None);
    }
    if matches!(narrator.kind, NarratorKind::Templates) {
        return Ok(Some(Narrator::templates()));
    }
    let budget = Duration::from_millis(narrator.budget_ms.max(1));
    let model = narrator_model(narrator, planner)?;
    Ok(Some(Narrator::with_model(
        model,
        budget,
        narrator.tone.clone(),
    )))
}

/// The model `narrator` names (Gemini or an OpenAI-style server),
/// connecting as `planner`'s settings say.
pub fn narrator_model(
    narrator: &NarratorConfig,
    planner: &PlannerConfig,
) -> Result<Arc<dyn monsters::llm::narrate::Narrator>> {
    let mut connection = planner.clone();
    connection.turn_budget_ms = narrator.budget_ms;
    Ok(match narrator.kind {
        NarratorKind::Gemini => Arc::new(gemini_client(&connection)?),
        NarratorKind::Openai => Arc::new(openai_client(&connection)?),
        NarratorKind::Off | NarratorKind::Templates => {
            bail!("--narrator gemini or openai names a model; templates and off need none")
        }
    })
}

/// [`narrator_from_config`] with `kind` and the environment's settings.
pub fn narrator_from_env(kind: NarratorKind) -> Result<Option<Narrator>> {
    if matches!(kind, NarratorKind::Off | NarratorKind::Templates) {
        return narrator_from_config(
            &NarratorConfig {
                kind,
                ..NarratorConfig::default()
            },
            &PlannerConfig::default(),
        );
    }
    let loaded = crate::config::parse(None, None, std::env::vars())
        .context("reading the narrator's settings from the environment")?;
    let mut narrator = loaded.config.narrator;
    narrator.kind = kind;
    narrator_from_config(&narrator, &loaded.config.planner)
}
