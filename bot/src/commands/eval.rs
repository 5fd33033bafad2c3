//! `dungeon eval monsters`: the monster planners measured over whole
//! encounters played in memory, beside a random-legal baseline on the same
//! encounters and dice.

use std::io::Write;
use std::time::Duration;

use anyhow::{Result, bail};
use monsters::eval::{Outcome, Picker, encounter, pick_monsters, random_legal};
use serde_json::json;

use crate::commands::cli::{EvalArgs, EvalNarrationArgs};
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

/// The facts of `n` seeded moments of play: party members' blows against
/// SRD monsters with SRD weapons, hits, misses, falls and deaths, and some
/// fights' ends with their loot.
fn sample_facts(n: usize, seed: u64) -> Vec<dm::narration::Facts> {
    use dm::narration::{Fact, Facts};
    let mut pick = Picker::new(seed);
    let party = ["Aria", "Brom", "Cade", "Dara"];
    let monsters = rules::content::monsters();
    let weapons = rules::content::weapons();
    (0..n)
        .map(|i| {
            let attacker = party[pick.below(party.len())].to_owned();
            let m = &monsters[pick.below(monsters.len())];
            let target = format!("{} (m{})", m.name, 1 + pick.below(4));
            let with = weapons[pick.below(weapons.len())].name.clone();
            let mut facts = Vec::new();
            let roll = pick.below(20);
            let result = match roll {
                0..=6 => "miss",
                19 => "critical",
                _ => "hit",
            };
            facts.push(Fact::Attack {
                attacker,
                target: target.clone(),
                with,
                result: result.into(),
            });
            if result != "miss" {
                let state = match pick.below(6) {
                    0 => "dead",
                    1 => "down",
                    _ => "",
                };
                facts.push(Fact::Damage {
                    target,
                    amount: u32::try_from(1 + pick.below(20)).unwrap_or(1),
                    types: "slashing".into(),
                    state: state.into(),
                });
            }
            if i % 5 == 4 {
                facts.push(Fact::FightOver { won: true });
                facts.push(Fact::Loot {
                    who: party[pick.below(party.len())].to_owned(),
                    gold: u32::try_from(pick.below(100)).unwrap_or(0),
                    items: Vec::new(),
                });
            }
            Facts { facts }
        })
        .collect()
}

/// `dungeon eval narration`.
pub fn narration(args: &EvalNarrationArgs) -> Result<()> {
    use dm::narration::{template, vet};
    use monsters::llm::narrate::{NarrationRequest, prompt};
    if args.samples == 0 {
        bail!("--samples must be at least 1");
    }
    let samples = sample_facts(args.samples, args.seed);
    // The templates' cost: every sample, many times over.
    let rounds = 200;
    let started = std::time::Instant::now();
    let mut bytes = 0usize;
    for _ in 0..rounds {
        for f in &samples {
            bytes += template(f).map_or(0, |t| t.len());
        }
    }
    let per_template = started.elapsed() / u32::try_from(rounds * samples.len()).unwrap_or(1);
    let templates_pass = samples
        .iter()
        .filter(|f| template(f).is_none_or(|t| vet(&t, f).is_ok()))
        .count();
    let prompt_tokens: Vec<usize> = samples
        .iter()
        .filter_map(|f| {
            prompt(&NarrationRequest {
                facts: f.clone(),
                ..NarrationRequest::default()
            })
            .ok()
        })
        .map(|p| p.estimated_tokens())
        .collect();
    let mean_prompt =
        prompt_tokens.iter().sum::<usize>() as f64 / prompt_tokens.len().max(1) as f64;
    let mut figures = json!({
        "samples": samples.len(),
        "template_us_per_line": per_template.as_secs_f64() * 1e6,
        "template_acceptance": templates_pass as f64 / samples.len() as f64,
        "estimated_prompt_tokens_mean": mean_prompt,
        "template_bytes": bytes / rounds,
    });
    let kind = args.narrator;
    if matches!(
        kind,
        crate::config::NarratorKind::Gemini | crate::config::NarratorKind::Openai
    ) {
        monsters::llm::install_crypto_provider();
        let loaded = crate::config::parse(None, None, std::env::vars())?;
        let mut config = loaded.config.narrator;
        config.kind = kind;
        let budget = Duration::from_millis(config.budget_ms.max(1));
        let model = crate::core::planner::narrator_model(&config, &loaded.config.planner)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (mut kept, mut took, mut prompt_used, mut output_used) =
            (0usize, Vec::new(), 0u64, 0u64);
        let mut dropped: std::collections::BTreeMap<&'static str, usize> = Default::default();
        for (i, f) in samples.iter().enumerate() {
            let request = NarrationRequest {
                facts: f.clone(),
                tone: config.tone.clone(),
                memory: String::new(),
            };
            let started = std::time::Instant::now();
            match rt.block_on(model.narrate(&request, budget)) {
                Ok(n) => {
                    kept += 1;
                    if let Some(u) = n.usage {
                        prompt_used += u64::from(u.prompt);
                        output_used += u64::from(u.output);
                    }
                }
                Err(e) => *dropped.entry(e.kind()).or_default() += 1,
            }
            took.push(started.elapsed());
            if !args.json && (i + 1) % 10 == 0 {
                eprintln!("{} of {} narrated", i + 1, samples.len());
            }
        }
        took.sort();
        let pct = |p: f64| took[((took.len() - 1) as f64 * p).round() as usize];
        figures["model"] = json!(model.name());
        figures["acceptance"] = json!(kept as f64 / samples.len() as f64);
        figures["dropped"] = json!(dropped);
        figures["latency_ms_p50"] = json!(pct(0.5).as_secs_f64() * 1e3);
        figures["latency_ms_p95"] = json!(pct(0.95).as_secs_f64() * 1e3);
        figures["prompt_tokens_per_line"] = json!(prompt_used as f64 / kept.max(1) as f64);
        figures["output_tokens_per_line"] = json!(output_used as f64 / kept.max(1) as f64);
    }
    if args.json {
        return emit(&figures.to_string());
    }
    emit(&format!(
        "{} samples. Templates: {:.2} µs per line, {:.0}% pass the fact check. \
         Prompt: about {mean_prompt:.0} tokens.",
        samples.len(),
        per_template.as_secs_f64() * 1e6,
        100.0 * templates_pass as f64 / samples.len() as f64,
    ))?;
    if let Some(model) = figures.get("model") {
        emit(&format!(
            "{model}: {:.0}% accepted (dropped: {}), latency p50 {:.0} ms, p95 {:.0} ms, \
             {:.0} prompt + {:.0} output tokens per line.",
            100.0 * figures["acceptance"].as_f64().unwrap_or(0.0),
            figures["dropped"],
            figures["latency_ms_p50"].as_f64().unwrap_or(0.0),
            figures["latency_ms_p95"].as_f64().unwrap_or(0.0),
            figures["prompt_tokens_per_line"].as_f64().unwrap_or(0.0),
            figures["output_tokens_per_line"].as_f64().unwrap_or(0.0),
        ))?;
    }
    Ok(())
}
