//! The narrator at a table: after a command is committed and its reply
//! published, one or two sentences of prose about what the rules decided,
//! told as a separate message (via [`Transport::Narrator`]).
//!
//! It never blocks a turn: it runs on its own task after the reply has
//! gone out. A model (Gemini or an OpenAI-style server) gets `budget` to
//! answer; a late, failed or invented answer is dropped and the template
//! tells it instead, so the game reads the same with no model at all.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dm::journal::{self, Journal};
use dm::narration::{Fact, Facts, RADIO_NARRATION, cut, template};
use dm::{Line, Reply, Table};
use monsters::llm::narrate::{MEMORY_CAP, NarrationRequest, Narrator as Model};

use crate::ops::telemetry;

/// Who narrates, and how long a model may take.
#[derive(Clone)]
pub struct Narrator {
    model: Option<Arc<dyn Model>>,
    budget: Duration,
    tone: String,
}

/// A narration, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Told {
    /// The line to show.
    pub line: Line,
    /// `template` or the model's name.
    pub source: &'static str,
}

impl Narrator {
    /// Templates only (no network).
    pub fn templates() -> Self {
        Narrator {
            model: None,
            budget: Duration::ZERO,
            tone: String::new(),
        }
    }

    /// `model` within `budget`, the templates when it fails.
    pub fn with_model(model: Arc<dyn Model>, budget: Duration, tone: String) -> Self {
        Narrator {
            model: Some(model),
            budget,
            tone,
        }
    }

    /// What a model is asked to narrate for one command: the facts of its
    /// `reply` and of what the journal gained, and the table's memory.
    pub fn request(&self, reply: &Reply, before: &Journal, after: &Table) -> NarrationRequest {
        let happened: Vec<_> = journal::added(before, &after.journal)
            .iter()
            .map(|e| e.what.clone())
            .collect();
        NarrationRequest {
            facts: Facts::of(reply, &happened),
            tone: self.tone.clone(),
            memory: journal::memory(after, MEMORY_CAP),
        }
    }

    /// The narration of `request` (none: nothing to tell): the model's
    /// vetted prose if it answers in time, the template's otherwise.
    /// `radio` adds the radio's short line for area entries and fight ends.
    pub async fn tell(&self, request: &NarrationRequest, radio: bool) -> Option<Told> {
        let scene = request
            .facts
            .facts
            .iter()
            .any(|f| matches!(f, Fact::FightOver { .. } | Fact::Told { .. }));
        // Without a model the templates tell only area entries and fight
        // ends: the rules' own lines already say every blow.
        if self.model.is_none() && !scene {
            return None;
        }
        let fallback = template(&request.facts)?;
        let (text, source) = match &self.model {
            None => (fallback, "template"),
            Some(model) => {
                let started = Instant::now();
                match model.narrate(request, self.budget).await {
                    Ok(n) => {
                        telemetry::narration(model.name(), None, started.elapsed());
                        (n.text, model.name())
                    }
                    Err(e) => {
                        telemetry::narration(model.name(), Some(e.kind()), started.elapsed());
                        (fallback, "template")
                    }
                }
            }
        };
        let for_radio = radio && scene;
        Some(Told {
            line: Line::Narration {
                radio: for_radio.then(|| cut(&text, RADIO_NARRATION)),
                text,
            },
            source,
        })
    }
}
