//! `dungeon bench load`: drives commands through the router and the store
//! (no transports) and reports latency, throughput and memory per table.
//!
//! Each table gets five players (configurable) with a character each; then
//! every table sends actions (rolls, checks, saves: commands that make
//! events and dice) at `--rate` per second with random (Poisson) spacing,
//! or back to back with `--rate 0`. Latency is measured from sending to
//! the answer, and also from when the action was due: a store that falls
//! behind shows in the second figure (no coordinated omission), while the
//! timer's 1 ms grain does not blur the first. Every action counted is
//! committed before its answer, as in play.
//!
//! With `--processes N` it runs as a coordinator: it sets the tables up,
//! starts N workers of itself on them (sharing Redis and Postgres), can
//! kill -9 one and start it again (`--faults kill`), merges their figures,
//! and then checks the store: every acknowledged action is stored once at
//! the seq it was acknowledged with, and every table's log replays through
//! the states the workers reported.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use dm::{PlayerId, Table};
use serde_json::json;
use tokio::task::JoinSet;

use crate::commands::cli::LoadArgs;
use crate::config::database_url;
use crate::core::bus::{Bus, BusOptions};
use crate::core::game::random_seed;
use crate::core::router::{self, Answer, Envelope, Router, Transport};
use crate::core::store::Store;

/// What players do under load, in turn.
const ACTIONS: &[&str] = &["r 1d20+5", "check ath", "save dex", "r 2d6+3", "check perc"];

/// What players do with `--explore`: search the shipped adventure's first
/// area (a roll, a turn of the clock) and look around (read-only).
const EXPLORE_ACTIONS: &[&str] = &["sr", "l"];

/// The adventure `--explore` plays.
const EXPLORE_ADVENTURE: &str = "the-sunken-chapel";

/// The classes the benchmark party is made of.
const CLASSES: &[&str] = &[
    "fighter 3 human",
    "wizard 3 elf",
    "cleric 3 dwarf",
    "rogue 3 halfling",
    "barbarian 3 half-orc",
];

/// A stable hash of a table's whole state (for crash tests: what a process
/// acknowledged against what the log replays to).
pub fn state_hash(table: &Table) -> u64 {
    let mut h = DefaultHasher::new();
    serde_json::to_string(table)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

/// The resident memory of this process, in bytes (Linux), if known.
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The `p`-th percentile of sorted samples.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `dungeon bench load`.
pub fn load(args: &LoadArgs) -> Result<()> {
    if args.tables == 0 || args.players == 0 {
        bail!("--tables and --players must be at least 1");
    }
    if !args.faults.is_empty() && args.processes < 2 {
        bail!("--faults needs --processes 2 or more (a fault kills one worker of several)");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    if args.processes > 1 {
        rt.block_on(crate::commands::bench_multi::coordinate(args))
    } else {
        rt.block_on(run(args))
    }
}

/// Opens tables `ids` with `players` players each, each with a character
/// (`P0`…); tables and characters that exist already are kept.
pub async fn set_up(router: &Arc<Router>, ids: &[String], players: usize) -> Result<()> {
    let mut setup = JoinSet::new();
    for id in ids {
        let router = router.clone();
        let id = id.clone();
        setup.spawn(async move {
            let dm = PlayerId::new(format!("bench:{id}:dm"));
            router
                .open_table(&id, &json!({"transport": "bench"}), dm, &random_seed())
                .await?;
            for p in 0..players {
                let class = CLASSES[p % CLASSES.len()];
                let answer = router
                    .submit(Envelope {
                        transport: Transport::Bench,
                        table: id.clone(),
                        sender: format!("bench:{id}:{p}"),
                        request_id: format!("{id}:setup:{p}"),
                        command: dm::parse(&format!("char new P{p} {class}"))?,
                    })
                    .await?;
                if !matches!(answer, Answer::Done { .. } | Answer::Repeated { .. }) {
                    bail!("setting up {id}: {answer:?}");
                }
            }
            anyhow::Ok(())
        });
        // Keep a bounded number of set-ups in flight.
        if setup.len() >= 64
            && let Some(done) = setup.join_next().await
        {
            done??;
        }
    }
    while let Some(done) = setup.join_next().await {
        done??;
    }
    Ok(())
}

/// The DM of each table starts the shipped adventure (`--explore`).
async fn start_adventures(router: &Arc<Router>, ids: &[String]) -> Result<()> {
    for id in ids {
        let answer = router
            .submit(Envelope {
                transport: Transport::Bench,
                table: id.clone(),
                sender: format!("bench:{id}:dm"),
                request_id: format!("{id}:setup:adventure"),
                command: dm::parse(&format!("dm adventure {EXPLORE_ADVENTURE}"))?,
            })
            .await?;
        if !matches!(answer, Answer::Done { .. } | Answer::Repeated { .. }) {
            bail!("starting the adventure at {id}: {answer:?}");
        }
    }
    Ok(())
}

/// Prints one line to stdout at once (acks and heard lines interleave
/// between tasks, whole lines only).
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

struct Tally {
    /// From sending to the answer.
    latencies: Vec<Duration>,
    /// From when the action was due (includes any lag of the generator).
    from_due: Vec<Duration>,
    refused: u64,
    failed: u64,
}

async fn run(args: &LoadArgs) -> Result<()> {
    let url = database_url(args.database.as_deref());
    let store = Store::open(&url).await?;
    let backend = if store.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let mut config = router::Config::for_store(&store);
    config.rate_limit = None;
    if let Some(w) = args.writers {
        config.writers = w;
    }
    let prefix = args
        .prefix
        .clone()
        .unwrap_or_else(|| crate::core::game::new_table_id("bench"));
    let bus = match crate::core::bus::redis_url(args.redis.as_deref()) {
        Some(url) => Bus::redis(
            &url,
            BusOptions {
                prefix: format!("dungeon-bench:{prefix}"),
                ..BusOptions::default()
            },
        )?,
        None => Bus::in_process(),
    };
    let router =
        Arc::new(Router::start_with_bus(store, config, router::system_clock(), bus).await?);
    let acks = args.acks;
    let worker = args.worker;
    let workers = args.workers.max(1);
    // A lone first run keeps the plain ids, so that running it again on the
    // same tables repeats them (the crash test counts on it).
    let tag = if workers == 1 && args.generation == 0 {
        String::new()
    } else {
        format!("w{worker}g{}:", args.generation)
    };
    let quiet = args.json || acks || args.heard;

    // Set up: tables, players, characters.
    let rss_before = rss_bytes();
    let started = Instant::now();
    let ids: Vec<String> = (0..args.tables).map(|t| format!("{prefix}-{t}")).collect();
    if args.skip_setup {
        // Load every table before the clock starts, as a set-up here would
        // have: the figures are of play, not of a cold start.
        let mut loads = JoinSet::new();
        for id in &ids {
            let (router, id) = (router.clone(), id.clone());
            loads.spawn(async move { router.seq(&id).await });
            if loads.len() >= 64
                && let Some(done) = loads.join_next().await
            {
                done??;
            }
        }
        while let Some(done) = loads.join_next().await {
            done??;
        }
    } else {
        set_up(&router, &ids, args.players).await?;
        if args.explore {
            start_adventures(&router, &ids).await?;
        }
    }
    let actions = if args.explore {
        EXPLORE_ACTIONS
    } else {
        ACTIONS
    };
    let mut listeners = JoinSet::new();
    if args.heard {
        for id in &ids {
            let mut replies = router.subscribe(id);
            listeners.spawn(async move {
                while let Ok(p) = replies.recv().await {
                    say(&format!("heard {} {} {}", p.table, p.seq, p.actor.0));
                }
            });
        }
        // The other workers start about now too: give their listeners time
        // to come up before anyone acts, so that every reply has a listener.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let rss_after = rss_bytes();
    let per_table = match (rss_before, rss_after) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a) / args.tables as u64),
        _ => None,
    };
    if !quiet {
        eprintln!(
            "set up {} tables × {} players on {backend} in {:.1} s; running for {} s…",
            args.tables,
            args.players,
            started.elapsed().as_secs_f64(),
            args.duration
        );
    }

    // Run.
    let duration = Duration::from_secs(args.duration);
    let begin = Instant::now();
    let mut tasks = JoinSet::new();
    for (t, id) in ids.iter().enumerate() {
        let router = router.clone();
        let id = id.clone();
        let players = args.players;
        // This worker's share of the table's players (every one when alone).
        let mine: Vec<usize> = (0..players)
            .filter(|p| *p % workers as usize == worker as usize)
            .collect();
        let rate = args.rate * mine.len() as f64 / players as f64;
        let tag = tag.clone();
        tasks.spawn(async move {
            let mut tally = Tally {
                latencies: Vec::new(),
                from_due: Vec::new(),
                refused: 0,
                failed: 0,
            };
            let mut due = Instant::now();
            let mut i: u64 = 0;
            while begin.elapsed() < duration && !mine.is_empty() {
                if rate > 0.0 {
                    // Exponential gaps: arrivals of a Poisson process.
                    let u: f64 = rand::random::<f64>().max(1e-12);
                    due += Duration::from_secs_f64(-u.ln() / rate);
                    tokio::time::sleep_until(due.min(begin + duration).into()).await;
                    if begin.elapsed() >= duration {
                        break;
                    }
                } else {
                    due = Instant::now();
                }
                let p = mine[(i as usize + t) % mine.len()];
                let line = actions[(i as usize) % actions.len()];
                let request_id = format!("{id}:{tag}{i}");
                i += 1;
                let command = match dm::parse(line) {
                    Ok(c) => c,
                    Err(_) => continue,
                };
                let sent = Instant::now();
                let answer = router
                    .submit(Envelope {
                        transport: Transport::Bench,
                        table: id.clone(),
                        sender: format!("bench:{id}:{p}"),
                        request_id: request_id.clone(),
                        command,
                    })
                    .await;
                match answer {
                    Ok(Answer::Done { seq, .. }) => {
                        tally.latencies.push(sent.elapsed());
                        tally.from_due.push(due.elapsed());
                        if acks {
                            let hash = match router.table(&id).await {
                                Ok(table) => state_hash(&table),
                                Err(_) => 0,
                            };
                            say(&format!("ack {id} {seq} {request_id} {hash}"));
                        }
                    }
                    Ok(_) => tally.refused += 1,
                    Err(_) => tally.failed += 1,
                }
            }
            tally
        });
    }
    let mut all = Tally {
        latencies: Vec::new(),
        from_due: Vec::new(),
        refused: 0,
        failed: 0,
    };
    while let Some(done) = tasks.join_next().await {
        let t = done?;
        all.latencies.extend(t.latencies);
        all.from_due.extend(t.from_due);
        all.refused += t.refused;
        all.failed += t.failed;
    }
    let elapsed = begin.elapsed();
    all.latencies.sort_unstable();
    all.from_due.sort_unstable();
    let n = all.latencies.len();
    let throughput = n as f64 / elapsed.as_secs_f64();
    let due_p99 = percentile(&all.from_due, 99.0);
    let (p50, p99, max) = (
        percentile(&all.latencies, 50.0),
        percentile(&all.latencies, 99.0),
        all.latencies.last().copied().unwrap_or_default(),
    );
    if args.heard {
        // Replies from the other workers' last actions are still on their way.
        tokio::time::sleep(Duration::from_secs(2)).await;
        listeners.abort_all();
    }
    if workers > 1 {
        // For the coordinator: the figures and every sample, in microseconds.
        let micros = |v: &[Duration]| -> Vec<u64> {
            v.iter()
                .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
                .collect()
        };
        say(&format!(
            "summary {}",
            json!({
                "committed": n,
                "refused": all.refused,
                "failed": all.failed,
                "latencies_us": micros(&all.latencies),
                "from_due_us": micros(&all.from_due),
            })
        ));
        return Ok(());
    }
    if acks {
        return Ok(());
    }
    if args.json {
        crate::commands::output::emit(
            &json!({
                "backend": backend,
                "tables": args.tables,
                "players": args.players,
                "rate_per_table": args.rate,
                "seconds": elapsed.as_secs_f64(),
                "committed": n,
                "refused": all.refused,
                "failed": all.failed,
                "actions_per_second": throughput,
                "p50_ms": ms(p50),
                "p99_ms": ms(p99),
                "max_ms": ms(max),
                "p99_from_due_ms": ms(due_p99),
                "memory_per_table_bytes": per_table,
            })
            .to_string(),
        )?;
    } else {
        crate::commands::output::emit(&format!(
            "{backend}: {} tables × {} players, {} per table per s: {n} actions committed in {:.1} s \
             = {throughput:.0}/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms \
             (p99 {:.2} ms from when due); refused {}, failed {}; memory {} per live table",
            args.tables,
            args.players,
            if args.rate > 0.0 {
                format!("{}", args.rate)
            } else {
                "as fast as possible".to_owned()
            },
            elapsed.as_secs_f64(),
            ms(p50),
            ms(p99),
            ms(max),
            ms(due_p99),
            all.refused,
            all.failed,
            per_table.map_or("unknown".to_owned(), |b| format!(
                "{:.1} KB",
                b as f64 / 1024.0
            )),
        ))?;
    }
    if all.failed > 0 {
        bail!("{} actions failed", all.failed);
    }
    Ok(())
}
