//! `dungeon eval monsters`: the monster planners measured over whole
//! encounters played in memory, beside a random-legal baseline on the same
//! encounters and dice.

use std::io::Write;
use std::time::Duration;

use anyhow::{Result, bail};
use monsters::eval::{Outcome, Picker, encounter, pick_monsters, random_legal};
use serde_json::json;

use crate::commands::cli::EvalArgs;
use crate::commands::output::emit;
use crate::config::PlannerKind;

/// Figures over a set of encounters.
struct Figures {
    encounters: usize,
    monster_wins: usize,
    draws: usize,
    decisions: u64,
    illegal: u64,
    latencies: Vec<Duration>,
    rounds: u64,
    llm: Option<LlmStats>,
}

/// What an LLM planner did: answers outside the options, failures and tokens.
#[derive(Debug, Default, Clone)]
struct LlmStats {
    decisions: u64,
    /// Ids the model gave that were not among the options.
    invalid: u64,
    /// Decisions the tactician made instead (failures and invalid ids).
    fallbacks: u64,
    tokens: u64,
    errors: std::collections::BTreeMap<&'static str, u64>,
}

impl LlmStats {
    fn note(&mut self, d: &monsters::Decision) {
        self.decisions += 1;
        let fell_back = d
            .moves
            .iter()
            .any(|(_, _, s)| *s == monsters::Source::Fallback);
        if fell_back {
            self.fallbacks += 1;
            if d.error.is_none() {
                self.invalid += 1;
            }
        }
        if let Some(e) = &d.error {
            *self.errors.entry(e.kind()).or_default() += 1;
        }
        if let Some(u) = d.usage {
            self.tokens += u64::from(u.prompt) + u64::from(u.output);
        }
    }
}

impl Figures {
    fn of(outcomes: &[Outcome]) -> Self {
        let mut latencies: Vec<Duration> = outcomes
            .iter()
            .flat_map(|o| o.latencies.iter().copied())
            .collect();
        latencies.sort_unstable();
        Self {
            encounters: outcomes.len(),
            monster_wins: outcomes.iter().filter(|o| o.monsters_won).count(),
            draws: outcomes.iter().filter(|o| o.draw).count(),
            decisions: outcomes.iter().map(|o| u64::from(o.decisions)).sum(),
            illegal: outcomes.iter().map(|o| u64::from(o.illegal)).sum(),
            latencies,
            rounds: outcomes.iter().map(|o| u64::from(o.rounds)).sum(),
            llm: None,
        }
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = (p / 100.0 * (self.latencies.len() - 1) as f64).round() as usize;
        self.latencies[rank.min(self.latencies.len() - 1)]
    }

    fn win_rate(&self) -> f64 {
        self.monster_wins as f64 / self.encounters.max(1) as f64
    }

    /// The share of decisions legal as the planner made them (a model's
    /// ids outside the options count against it, before validation).
    fn legality(&self) -> f64 {
        let invalid = self.illegal + self.llm.as_ref().map_or(0, |l| l.invalid);
        1.0 - invalid as f64 / self.decisions.max(1) as f64
    }

    fn fallback_rate(&self) -> f64 {
        self.llm
            .as_ref()
            .map_or(0.0, |l| l.fallbacks as f64 / l.decisions.max(1) as f64)
    }

    fn tokens_per_turn(&self) -> f64 {
        self.llm
            .as_ref()
            .map_or(0.0, |l| l.tokens as f64 / l.decisions.max(1) as f64)
    }

    fn json(&self, name: &str) -> serde_json::Value {
        json!({
            "planner": name,
            "encounters": self.encounters,
            "monster_win_rate": self.win_rate(),
            "draws": self.draws,
            "decisions": self.decisions,
            "legality_before_validation": self.legality(),
            "fallback_rate": self.fallback_rate(),
            "fallbacks_by_kind": self.llm.as_ref().map(|l| l.errors.clone()),
            "decision_p50_us": self.percentile(50.0).as_secs_f64() * 1e6,
            "decision_p95_us": self.percentile(95.0).as_secs_f64() * 1e6,
            "tokens_per_turn": self.tokens_per_turn(),
            "rounds_per_encounter": self.rounds as f64 / self.encounters.max(1) as f64,
        })
    }

    fn line(&self, name: &str) -> String {
        format!(
            "{name:<13} monsters won {:>5.1} % ({} of {}, {} draws) · legal before validation {:.1} % · \
             fallbacks {:.1} % · decision p50 {:.0} µs, p95 {:.0} µs · tokens/turn {:.0} · {:.1} rounds",
            self.win_rate() * 100.0,
            self.monster_wins,
            self.encounters,
            self.draws,
            self.legality() * 100.0,
            self.fallback_rate() * 100.0,
            self.percentile(50.0).as_secs_f64() * 1e6,
            self.percentile(95.0).as_secs_f64() * 1e6,
            self.tokens_per_turn(),
            self.rounds as f64 / self.encounters.max(1) as f64,
        )
    }
}

/// `dungeon eval monsters`.
pub fn monsters(args: &EvalArgs) -> Result<()> {
    if args.encounters == 0 {
        bail!("--encounters must be at least 1");
    }
    let llm = crate::core::planner::from_env(args.planner)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // What the model did, over all its decisions.
    let mut llm_stats = LlmStats::default();
    let mut picker = Picker::new(args.seed);
    let mut baseline_picker = Picker::new(args.seed ^ 0x5eed);
    let mut planner_picker = Picker::new(args.seed ^ 0xface);
    let mut tested = Vec::new();
    let mut baseline = Vec::new();
    let progress = !args.json && std::io::stderr().lock().flush().is_ok();
    for i in 0..args.encounters {
        let level = u8::try_from(1 + picker.below(5)).unwrap_or(1);
        let (kind, count) = pick_monsters(level, &mut picker);
        let seed = picker.next_u64();
        let outcome = match (args.planner, &llm) {
            (PlannerKind::Random, _) => encounter(seed, level, &kind, count, &mut |r| {
                random_legal(r, &mut planner_picker)
            }),
            (_, Some(planner)) => encounter(seed, level, &kind, count, &mut |r| {
                let d = rt.block_on(monsters::decide(
                    Some(planner.as_ref()),
                    r,
                    crate::core::planner::TURN_BUDGET,
                ));
                llm_stats.note(&d);
                monsters::Plan {
                    moves: d.moves.into_iter().map(|(a, id, _)| (a, id)).collect(),
                    flavour: d.flavour,
                    usage: d.usage,
                }
            }),
            (_, None) => encounter(seed, level, &kind, count, &mut |r| {
                monsters::tactician::best(r)
            }),
        };
        tested.push(outcome);
        baseline.push(encounter(seed, level, &kind, count, &mut |r| {
            random_legal(r, &mut baseline_picker)
        }));
        if progress && (i + 1) % 10 == 0 {
            eprintln!("{} of {} encounters played", i + 1, args.encounters);
        }
    }
    let name = match args.planner {
        PlannerKind::Tactician => "tactician",
        PlannerKind::Gemini => "gemini",
        PlannerKind::Openai => "openai",
        PlannerKind::Random => "random-legal",
    };
    let (mut a, b) = (Figures::of(&tested), Figures::of(&baseline));
    if llm.is_some() {
        a.llm = Some(llm_stats);
    }
    if args.json {
        emit(
            &json!({"seed": args.seed, "tested": a.json(name), "baseline": b.json("random-legal")})
                .to_string(),
        )
    } else {
        emit(&format!(
            "{} encounters (seed {}), party of four at levels 1–5 against SRD monsters of matching challenge:",
            args.encounters, args.seed
        ))?;
        emit(&a.line(name))?;
        emit(&b.line("random-legal"))
    }
}
