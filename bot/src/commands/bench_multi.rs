//! `dungeon bench load --processes N`: the coordinator. It sets the tables
//! up, runs N workers of this same binary on them, causes the faults asked
//! for, merges the workers' figures and checks the store afterwards.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use dm::{Event, Table};
use serde_json::{Value, json};

use crate::commands::bench::{ms, percentile, set_up, state_hash};
use crate::commands::cli::{Fault, LoadArgs};
use crate::config::database_url;
use crate::core::bus::redis_url;
use crate::core::router::{self, Router};
use crate::core::store::Store;

/// One acknowledged action, as a worker printed it.
#[derive(Debug, Clone)]
pub struct Ack {
    /// The table.
    pub table: String,
    /// The seq the worker was told.
    pub seq: u64,
    /// The request id (without the transport).
    pub request: String,
    /// The hash of the worker's table state right after it.
    pub hash: u64,
}

impl Ack {
    /// Reads an `ack TABLE SEQ REQUEST HASH` line.
    pub fn parse(line: &str) -> Option<Ack> {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts[..] {
            ["ack", table, seq, request, hash] => Some(Ack {
                table: table.to_owned(),
                seq: seq.parse().ok()?,
                request: request.to_owned(),
                hash: hash.parse().ok()?,
            }),
            _ => None,
        }
    }
}

/// What a worker printed before it ended (or was killed).
#[derive(Default)]
struct Output {
    acks: Vec<Ack>,
    summary: Option<Value>,
}

/// A running worker and the thread reading its output.
struct Worker {
    child: Child,
    reader: JoinHandle<Output>,
}

/// What the check of the store found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Check {
    /// Tables checked.
    pub tables: usize,
    /// Acknowledged actions checked.
    pub acks: usize,
    /// Acknowledged actions not stored at the seq they were acknowledged with.
    pub lost: usize,
    /// Requests stored twice at one seq, acks that share a seq, or events
    /// without a request of their own (a command applied twice).
    pub doubled: usize,
    /// Acknowledged states the log does not replay to, and logs that do not replay.
    pub diverged: usize,
    /// The first few problems, in words.
    pub problems: Vec<String>,
}

impl Check {
    fn problem(&mut self, what: String) {
        if self.problems.len() < 10 {
            self.problems.push(what);
        }
    }

    /// Whether nothing was lost, doubled or diverged.
    pub fn clean(&self) -> bool {
        self.lost == 0 && self.doubled == 0 && self.diverged == 0
    }
}

/// Checks `acks` against the store: each is stored at its seq once, each
/// table's log replays and passes through every acknowledged state, and
/// every event-making command has exactly one request (setup included).
pub async fn check_store(store: &Store, acks: &[Ack]) -> Result<Check> {
    let mut by_table: BTreeMap<&str, Vec<&Ack>> = BTreeMap::new();
    for ack in acks {
        by_table.entry(&ack.table).or_default().push(ack);
    }
    let mut check = Check {
        tables: by_table.len(),
        acks: acks.len(),
        ..Check::default()
    };
    for (table, acks) in by_table {
        let requests = store.requests(table).await?;
        let stored: HashMap<&str, u64> = requests.iter().map(|(r, s)| (r.as_str(), *s)).collect();
        let mut seqs: HashMap<u64, &Ack> = HashMap::new();
        for ack in &acks {
            if let Some(other) = seqs.insert(ack.seq, ack) {
                check.doubled += 1;
                check.problem(format!(
                    "{table}: {} and {} were both acknowledged at seq {}",
                    other.request, ack.request, ack.seq
                ));
            }
            match stored.get(format!("bench:{}", ack.request).as_str()) {
                Some(seq) if *seq == ack.seq => {}
                found => {
                    check.lost += 1;
                    check.problem(format!(
                        "{table}: {} acknowledged at seq {} is stored at {found:?}",
                        ack.request, ack.seq
                    ));
                }
            }
        }
        let events = store.events(table, 0).await?;
        let mut request_seqs: Vec<u64> = requests.iter().map(|(_, s)| *s).collect();
        request_seqs.dedup();
        if request_seqs.len() != requests.len() || requests.len() + 1 != events.len() {
            check.doubled += 1;
            check.problem(format!(
                "{table}: {} events but {} requests at {} seqs",
                events.len(),
                requests.len(),
                request_seqs.len()
            ));
        }
        let mut state = Table::default();
        for stored in events {
            let applied = serde_json::from_value::<Event>(stored.payload)
                .map_err(|e| e.to_string())
                .and_then(|e| state.apply(&e).map_err(|e| e.to_string()));
            if let Err(why) = applied {
                check.diverged += 1;
                check.problem(format!(
                    "{table}: event {} does not replay: {why}",
                    stored.seq
                ));
                break;
            }
            if let Some(ack) = seqs.get(&stored.seq)
                && state_hash(&state) != ack.hash
            {
                check.diverged += 1;
                check.problem(format!(
                    "{table}: at seq {} the log replays to another state than {} saw",
                    stored.seq, ack.request
                ));
            }
        }
    }
    Ok(check)
}

/// Starts worker `k` (restart `generation`) for `seconds`.
fn spawn_worker(
    args: &LoadArgs,
    database: &str,
    redis: &str,
    prefix: &str,
    k: u32,
    generation: u32,
    seconds: u64,
) -> Result<Worker> {
    let exe = std::env::current_exe().context("finding this program to start workers")?;
    let mut command = Command::new(exe);
    command
        .args(["bench", "load", "--acks", "--skip-setup"])
        .args(["--tables", &args.tables.to_string()])
        .args(["--players", &args.players.to_string()])
        .args(["--rate", &args.rate.to_string()])
        .args(["--duration", &seconds.to_string()])
        .args(["--prefix", prefix, "--database", database, "--redis", redis])
        .args(["--worker", &k.to_string()])
        .args(["--workers", &args.processes.to_string()])
        .args(["--generation", &generation.to_string()]);
    if let Some(w) = args.writers {
        command.args(["--writers", &w.to_string()]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting a worker")?;
    let stdout = child.stdout.take().context("a worker's output")?;
    let reader = std::thread::spawn(move || {
        let mut out = Output::default();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(ack) = Ack::parse(&line) {
                out.acks.push(ack);
            } else if let Some(summary) = line.strip_prefix("summary ") {
                out.summary = serde_json::from_str(summary).ok();
            }
        }
        out
    });
    Ok(Worker { child, reader })
}

/// Waits for a worker to end and returns what it printed.
fn finish(mut worker: Worker) -> Result<(Output, bool)> {
    let status = worker.child.wait().context("waiting for a worker")?;
    let out = worker
        .reader
        .join()
        .map_err(|_| anyhow::anyhow!("a worker's reader panicked"))?;
    Ok((out, status.success()))
}

/// The coordinator of `dungeon bench load --processes N`.
pub async fn coordinate(args: &LoadArgs) -> Result<()> {
    let database = database_url(args.database.as_deref());
    let Some(redis) = redis_url(args.redis.as_deref()) else {
        bail!(
            "--processes {} needs Redis to share the tables: --redis redis://127.0.0.1:6379 or REDIS_URL",
            args.processes
        );
    };
    if !database.starts_with("postgres") {
        bail!(
            "--processes needs a Postgres store (--database postgres://…): SQLite is one process's"
        );
    }
    let store = Store::open(&database).await?;
    let prefix = args
        .prefix
        .clone()
        .unwrap_or_else(|| crate::core::game::new_table_id("bench"));
    let started = Instant::now();
    {
        let router = Arc::new(
            Router::start(
                store.clone(),
                router::Config::for_store(&store),
                router::system_clock(),
            )
            .await?,
        );
        let ids: Vec<String> = (0..args.tables).map(|t| format!("{prefix}-{t}")).collect();
        set_up(&router, &ids, args.players).await?;
    }
    if !args.json {
        eprintln!(
            "set up {} tables × {} players in {:.1} s; {} workers running for {} s…",
            args.tables,
            args.players,
            started.elapsed().as_secs_f64(),
            args.processes,
            args.duration
        );
    }

    let begin = Instant::now();
    let mut running = Vec::new();
    for k in 0..args.processes {
        running.push(spawn_worker(
            args,
            &database,
            &redis,
            &prefix,
            k,
            0,
            args.duration,
        )?);
    }
    let mut outputs = Vec::new();
    let mut kills = 0;
    if args.faults.contains(&Fault::Kill) {
        let at = Duration::from_secs(args.duration) / 3;
        tokio::time::sleep(at).await;
        let last = args.processes - 1;
        if let Some(mut victim) = running.pop() {
            // SIGKILL: no chance to flush, release leases or say goodbye.
            victim.child.kill().context("killing a worker")?;
            let (out, _) = finish(victim)?;
            outputs.push(out);
            kills += 1;
            let left = args
                .duration
                .saturating_sub(begin.elapsed().as_secs())
                .max(1);
            if !args.json {
                eprintln!(
                    "killed worker {last} (kill -9) after {:.1} s; starting it again for {left} s",
                    begin.elapsed().as_secs_f64()
                );
            }
            running.push(spawn_worker(
                args, &database, &redis, &prefix, last, 1, left,
            )?);
        }
    }
    let mut workers_failed = 0;
    for worker in running {
        let (out, ok) = finish(worker)?;
        if !ok || out.summary.is_none() {
            workers_failed += 1;
        }
        outputs.push(out);
    }
    let elapsed = begin.elapsed();

    let mut latencies = Vec::new();
    let mut from_due = Vec::new();
    let (mut refused, mut failed) = (0u64, 0u64);
    let mut acks = Vec::new();
    for out in outputs {
        acks.extend(out.acks);
        if let Some(s) = out.summary {
            let samples = |key: &str| -> Vec<Duration> {
                s[key]
                    .as_array()
                    .map(|v| {
                        v.iter()
                            .filter_map(Value::as_u64)
                            .map(Duration::from_micros)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            latencies.extend(samples("latencies_us"));
            from_due.extend(samples("from_due_us"));
            refused += s["refused"].as_u64().unwrap_or(0);
            failed += s["failed"].as_u64().unwrap_or(0);
        }
    }
    latencies.sort_unstable();
    from_due.sort_unstable();
    // A new pool: the set-up's connections may have died with a Postgres restart.
    store.close().await;
    let store = Store::open(&database).await?;
    let check = check_store(&store, &acks).await?;
    let throughput = acks.len() as f64 / elapsed.as_secs_f64();
    let (p50, p99) = (percentile(&latencies, 50.0), percentile(&latencies, 99.0));
    let max = latencies.last().copied().unwrap_or_default();
    let due_p99 = percentile(&from_due, 99.0);
    if args.json {
        crate::commands::output::emit(
            &json!({
                "backend": "postgres",
                "processes": args.processes,
                "tables": args.tables,
                "players": args.players,
                "rate_per_table": args.rate,
                "seconds": elapsed.as_secs_f64(),
                "committed": acks.len(),
                "actions_per_second": throughput,
                "p50_ms": ms(p50),
                "p99_ms": ms(p99),
                "max_ms": ms(max),
                "p99_from_due_ms": ms(due_p99),
                "refused": refused,
                "errors": failed,
                "kills": kills,
                "workers_failed": workers_failed,
                "lost": check.lost,
                "doubled": check.doubled,
                "diverged": check.diverged,
                "problems": check.problems,
            })
            .to_string(),
        )?;
    } else {
        crate::commands::output::emit(&format!(
            "postgres, {} processes: {} tables × {} players, {} per table per s: {} actions \
             acknowledged in {:.1} s = {throughput:.0}/s; latency p50 {:.2} ms, p99 {:.2} ms, \
             max {:.2} ms (p99 {:.2} ms from when due; samples of killed workers are not \
             counted); refused {refused}, errors {failed}, workers killed {kills}\n\
             check of {} tables: lost {}, doubled {}, diverged {}",
            args.processes,
            args.tables,
            args.players,
            args.rate,
            acks.len(),
            elapsed.as_secs_f64(),
            ms(p50),
            ms(p99),
            ms(max),
            ms(due_p99),
            check.tables,
            check.lost,
            check.doubled,
            check.diverged,
        ))?;
        for problem in &check.problems {
            eprintln!("  {problem}");
        }
    }
    if !check.clean() {
        bail!(
            "the store does not match what was acknowledged: lost {}, doubled {}, diverged {}",
            check.lost,
            check.doubled,
            check.diverged
        );
    }
    if workers_failed > 0 {
        bail!("{workers_failed} worker(s) failed (see their errors above)");
    }
    Ok(())
}
