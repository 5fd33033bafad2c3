//! Metrics and logs: the names of every metric the bot exports, the small
//! functions the router, the monster turns and the transports call to move
//! them, the Prometheus recorder behind `/metrics`, and the log subscriber.
//!
//! Labels are few and bounded (a transport, a command kind, an outcome),
//! never a table, a player or free text, so the series stay countable.

use std::sync::OnceLock;
use std::time::Duration;

use dm::Command;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::config::{LogConfig, LogFormat};

/// Commands through the router: `transport`, `kind`, `outcome` (`done`,
/// `repeated`, `refused`, `limited`, `error`).
pub const COMMANDS: &str = "dungeon_commands_total";
/// Seconds from a command's arrival at the router to its answer: `transport`, `kind`.
pub const COMMAND_SECONDS: &str = "dungeon_command_seconds";
/// Commands that changed nothing: `transport`, `reason` (`refused` by the rules,
/// `rate_limited`, `error`).
pub const REJECTIONS: &str = "dungeon_rejections_total";
/// Planner (LLM) calls: `planner`.
pub const LLM_CALLS: &str = "dungeon_llm_calls_total";
/// Calls whose answer was not used (the tactician played): `planner`, `reason`.
pub const LLM_FALLBACKS: &str = "dungeon_llm_fallbacks_total";
/// Tokens the calls used: `planner`, `kind` (`prompt`, `output`).
pub const LLM_TOKENS: &str = "dungeon_llm_tokens_total";
/// Seconds a planner call took: `planner`.
pub const LLM_SECONDS: &str = "dungeon_llm_seconds";
/// Narrations told, by source and why a model's was dropped.
pub const NARRATIONS: &str = "dungeon_narrations_total";
/// Discord interactions that reached a command: `command`.
pub const DISCORD_INTERACTIONS: &str = "dungeon_discord_interactions_total";
/// Interactions answered late enough to be deferred first.
pub const DISCORD_DEFERS: &str = "dungeon_discord_defers_total";
/// Radio packets: `direction` (`rx`, `tx`).
pub const RADIO_PACKETS: &str = "dungeon_radio_packets_total";
/// Radio payload bytes: `direction`.
pub const RADIO_BYTES: &str = "dungeon_radio_bytes_total";
/// Milliseconds of airtime the packets sent took, as the adapter estimates
/// it (a counter: `metrics` counters are integers, and LoRa packets take
/// tens to hundreds of milliseconds).
pub const RADIO_AIRTIME: &str = "dungeon_radio_airtime_milliseconds_total";
/// Milliseconds of airtime the console's rendering of what the radio told
/// would have taken (a text per reply, to the same places): against
/// [`RADIO_AIRTIME`], what the radio rendering saves.
pub const RADIO_CONSOLE_AIRTIME: &str =
    "dungeon_radio_console_equivalent_airtime_milliseconds_total";
/// Packets waiting to be sent.
pub const RADIO_QUEUE: &str = "dungeon_radio_queue_length";

/// Histogram buckets in seconds: a commit takes milliseconds, an LLM seconds.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's Prometheus recorder, installed on first use (the
/// `metrics` macros write to one global recorder; tests in one process
/// share it).
pub fn metrics() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder set first (an embedding program): we still
        // render ours, which then stays empty.
        let _ = metrics::set_global_recorder(recorder);
        describe();
        handle
    })
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        COMMANDS,
        "Commands through the router by transport, kind and outcome."
    );
    describe_histogram!(
        COMMAND_SECONDS,
        Unit::Seconds,
        "Router latency per command."
    );
    describe_counter!(REJECTIONS, "Commands that changed nothing, by reason.");
    describe_counter!(LLM_CALLS, "Monster planner (LLM) calls.");
    describe_counter!(
        NARRATIONS,
        "Narrator model calls, by model and outcome (kept, or why the template told it)."
    );
    describe_counter!(
        LLM_FALLBACKS,
        "Planner calls the tactician covered, by reason."
    );
    describe_counter!(LLM_TOKENS, "Tokens the planner calls used.");
    describe_histogram!(LLM_SECONDS, Unit::Seconds, "Planner call latency.");
    describe_counter!(DISCORD_INTERACTIONS, "Discord slash command interactions.");
    describe_counter!(
        DISCORD_DEFERS,
        "Discord interactions deferred before the answer."
    );
    describe_counter!(RADIO_PACKETS, "Radio packets by direction.");
    describe_counter!(
        RADIO_BYTES,
        Unit::Bytes,
        "Radio payload bytes by direction."
    );
    describe_counter!(
        RADIO_AIRTIME,
        Unit::Milliseconds,
        "Radio airtime used sending."
    );
    describe_counter!(
        RADIO_CONSOLE_AIRTIME,
        Unit::Milliseconds,
        "Radio airtime the console's rendering of the same replies would have used."
    );
    describe_gauge!(RADIO_QUEUE, "Radio packets waiting to be sent.");
}

/// A stable, bounded name for a command (DM commands are all `dm`).
pub fn command_kind(command: &Command) -> &'static str {
    match command {
        Command::Roll { .. } => "roll",
        Command::Check { .. } => "check",
        Command::Save { .. } => "save",
        Command::Attack { .. } => "attack",
        Command::OffHand { .. } => "off_hand",
        Command::Feature(_) => "feature",
        Command::Cast { .. } => "cast",
        Command::Act(_) => "act",
        Command::Help { .. } => "help",
        Command::Grapple { .. } => "grapple",
        Command::Shove { .. } => "shove",
        Command::Ready { .. } => "ready",
        Command::React { .. } => "react",
        Command::Use { .. } => "use",
        Command::Move { .. } => "move",
        Command::EndTurn => "end_turn",
        Command::DeathSave => "death_save",
        Command::JoinInitiative => "join_initiative",
        Command::Status => "status",
        Command::Sheet { .. } => "sheet",
        Command::NewCharacter(_) => "new_character",
        Command::UseCharacter { .. } => "use_character",
        Command::Rest { .. } => "rest",
        Command::Vote { .. } => "vote",
        Command::VoteFor { .. } => "vote_for",
        Command::Verify => "verify",
        Command::LevelUp => "level_up",
        Command::Commands => "commands",
        Command::Dm(_) => "dm",
        Command::ImportCharacter { .. } => "import_character",
        Command::RollScores => "roll_scores",
        Command::Choose { .. } => "choose",
        Command::SetOwn { .. } => "set_own",
        Command::LevelUpIn { .. } => "level_up",
        Command::Note { .. } => "note",
        Command::Notes { .. } => "notes",
        Command::Recap => "recap",
        Command::RadioNarration { .. } => "radio_narration",
        Command::Look => "look",
        Command::Go { .. } => "go",
        Command::Search => "search",
        Command::Open { .. } => "open",
        Command::Pick { .. } => "pick",
        Command::Force { .. } => "force",
        Command::Disarm { .. } => "disarm",
        Command::Talk { .. } => "talk",
        Command::Take => "take",
        Command::Leave => "leave",
        Command::Light { .. } => "light",
        Command::Leader { .. } => "leader",
        Command::March { .. } => "march",
        Command::Party { .. } => "party",
    }
}

/// Counts one command the router answered (or failed on) after `took`:
/// through transport `via`, with `outcome` (`done`, `repeated`, `refused`,
/// `limited`, `error`) and, for a rejection, its `rejected` reason.
pub fn command(
    via: &'static str,
    kind: &'static str,
    outcome: &'static str,
    rejected: Option<&'static str>,
    took: Duration,
) {
    counter!(COMMANDS, "transport" => via, "kind" => kind, "outcome" => outcome).increment(1);
    histogram!(COMMAND_SECONDS, "transport" => via, "kind" => kind).record(took.as_secs_f64());
    if let Some(reason) = rejected {
        counter!(REJECTIONS, "transport" => via, "reason" => reason).increment(1);
    }
}

/// Counts one planner call by `planner`: its latency, tokens, and the
/// reason it fell back to the tactician, if it did.
pub fn llm_call(
    planner: &'static str,
    took: Duration,
    tokens: Option<monsters::Usage>,
    fallback: Option<&'static str>,
) {
    counter!(LLM_CALLS, "planner" => planner).increment(1);
    histogram!(LLM_SECONDS, "planner" => planner).record(took.as_secs_f64());
    if let Some(usage) = tokens {
        counter!(LLM_TOKENS, "planner" => planner, "kind" => "prompt")
            .increment(u64::from(usage.prompt));
        counter!(LLM_TOKENS, "planner" => planner, "kind" => "output")
            .increment(u64::from(usage.output));
    }
    if let Some(reason) = fallback {
        counter!(LLM_FALLBACKS, "planner" => planner, "reason" => reason).increment(1);
    }
}

/// Counts one narrator call by `model`: kept, or dropped for `dropped`.
pub fn narration(model: &'static str, dropped: Option<&'static str>, took: Duration) {
    counter!(NARRATIONS, "model" => model, "outcome" => dropped.unwrap_or("kept")).increment(1);
    histogram!(LLM_SECONDS, "planner" => "narrator").record(took.as_secs_f64());
}

/// Counts one Discord interaction for `/command`.
pub fn discord_interaction(command: &str) {
    counter!(DISCORD_INTERACTIONS, "command" => command.to_owned()).increment(1);
}

/// Counts one deferred Discord interaction.
pub fn discord_defer() {
    counter!(DISCORD_DEFERS).increment(1);
}

/// Which way a radio packet went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Heard from the mesh.
    Rx,
    /// Sent to the mesh.
    Tx,
}

impl Direction {
    fn label(self) -> &'static str {
        match self {
            Direction::Rx => "rx",
            Direction::Tx => "tx",
        }
    }
}

/// Counts one radio packet of `bytes` payload that took `airtime` on the
/// air (zero for one heard); the radio adapter calls it.
pub fn radio_packet(direction: Direction, bytes: usize, airtime: Duration) {
    let d = direction.label();
    counter!(RADIO_PACKETS, "direction" => d).increment(1);
    counter!(RADIO_BYTES, "direction" => d).increment(u64::try_from(bytes).unwrap_or(u64::MAX));
    if !airtime.is_zero() {
        counter!(RADIO_AIRTIME).increment(u64::try_from(airtime.as_millis()).unwrap_or(u64::MAX));
    }
}

/// Counts the airtime the console's rendering of replies the radio just
/// told would have taken; the radio adapter calls it.
pub fn radio_console_airtime(airtime: Duration) {
    counter!(RADIO_CONSOLE_AIRTIME)
        .increment(u64::try_from(airtime.as_millis()).unwrap_or(u64::MAX));
}

/// Sets how many radio packets wait to be sent; the radio adapter calls it.
pub fn radio_queue(len: usize) {
    #[allow(clippy::cast_precision_loss)] // queue lengths are far below 2^52
    gauge!(RADIO_QUEUE).set(len as f64);
}

/// Starts logging to stderr as `log` says; `RUST_LOG`, if set, wins over
/// its level. Once per process; later calls change nothing.
pub fn init_logs(log: &LogConfig) -> anyhow::Result<()> {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("RUST_LOG") {
        Ok(f) if !f.trim().is_empty() => EnvFilter::builder().parse(f),
        _ => EnvFilter::builder().parse(&log.level),
    }
    .map_err(|e| anyhow::anyhow!("log.level: {e}"))?;
    use std::io::IsTerminal as _;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, never into a journal or a file.
        .with_ansi(std::io::stderr().is_terminal());
    let installed = match log.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
    // Already set (a test that serves twice): the first one stays.
    drop(installed);
    Ok(())
}
