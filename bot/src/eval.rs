//! `dungeon eval monsters`: the monster planners measured over whole
//! encounters played in memory, beside a random-legal baseline on the same
//! encounters and dice.

use std::io::Write;
use std::time::Duration;

use anyhow::{Result, bail};
use monsters::eval::{Outcome, Picker, encounter, pick_monsters, random_legal};
use serde_json::json;

use crate::cli::{EvalArgs, PlannerKind};
use crate::output::emit;

/// Figures over a set of encounters.
struct Figures {
    encounters: usize,
    monster_wins: usize,
    draws: usize,
    decisions: u64,
    illegal: u64,
    latencies: Vec<Duration>,
    rounds: u64,
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

    fn legality(&self) -> f64 {
        1.0 - self.illegal as f64 / self.decisions.max(1) as f64
    }

    fn json(&self, name: &str) -> serde_json::Value {
        json!({
            "planner": name,
            "encounters": self.encounters,
            "monster_win_rate": self.win_rate(),
            "draws": self.draws,
            "decisions": self.decisions,
            "legality_before_validation": self.legality(),
            "fallback_rate": 0.0,
            "decision_p50_us": self.percentile(50.0).as_secs_f64() * 1e6,
            "decision_p95_us": self.percentile(95.0).as_secs_f64() * 1e6,
            "tokens_per_turn": 0,
            "rounds_per_encounter": self.rounds as f64 / self.encounters.max(1) as f64,
        })
    }

    fn line(&self, name: &str) -> String {
        format!(
            "{name:<13} monsters won {:>5.1} % ({} of {}, {} draws) · legal before validation {:.1} % · \
             fallbacks 0 % · decision p50 {:.0} µs, p95 {:.0} µs · tokens/turn 0 · {:.1} rounds",
            self.win_rate() * 100.0,
            self.monster_wins,
            self.encounters,
            self.draws,
            self.legality() * 100.0,
            self.percentile(50.0).as_secs_f64() * 1e6,
            self.percentile(95.0).as_secs_f64() * 1e6,
            self.rounds as f64 / self.encounters.max(1) as f64,
        )
    }
}

/// `dungeon eval monsters`.
pub fn monsters(args: &EvalArgs) -> Result<()> {
    if args.encounters == 0 {
        bail!("--encounters must be at least 1");
    }
    match args.planner {
        PlannerKind::Tactician => {}
        PlannerKind::Random => {}
    }
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
        let outcome = match args.planner {
            PlannerKind::Tactician => encounter(seed, level, &kind, count, &mut |r| {
                monsters::tactician::best(r)
            }),
            PlannerKind::Random => encounter(seed, level, &kind, count, &mut |r| {
                random_legal(r, &mut planner_picker)
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
        PlannerKind::Random => "random-legal",
    };
    let (a, b) = (Figures::of(&tested), Figures::of(&baseline));
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
