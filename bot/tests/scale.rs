//! Several processes, one truth: routers sharing the Postgres at
//! `TEST_DATABASE_URL` and the Redis at `TEST_REDIS_URL` (each check is
//! skipped, and says so, without both).
//!
//! - Two real `dungeon bench load` worker processes play the same tables at
//!   once: no divergence (each table's log replays through every state a
//!   worker acknowledged), no doubled command, every reply reaches the
//!   other process's subscribers.
//! - In one test process, two routers with buses of their own stand for two
//!   processes: shared request ids, rate limits and fan-out, and what
//!   happens when Redis goes away (a TCP relay in front of the real Redis is
//!   cut and restored) — refused with others around, carried on alone, and
//!   recovered when it returns.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bot::commands::bench::{set_up, state_hash};
use bot::core::bus::{Bus, BusError, BusOptions};
use bot::core::router::{
    Answer, Config, Envelope, RateLimit, Router, RouterError, Transport, system_clock,
};
use common::db::unique;
use dm::{Event, PlayerId, Table};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// The Postgres and Redis under test, or `None` after reporting the skip.
fn servers(test: &str) -> Option<(String, String)> {
    let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (get("TEST_DATABASE_URL"), get("TEST_REDIS_URL")) {
        (Some(db), Some(redis)) => Some((db, redis)),
        _ => {
            let _ = writeln!(
                std::io::stdout(),
                "skipped: {test} (TEST_DATABASE_URL and TEST_REDIS_URL must both be set)"
            );
            None
        }
    }
}

fn config() -> Config {
    Config {
        rate_limit: None,
        snapshot_every: 50,
        max_batch: 64,
        writers: 2,
    }
}

/// What one worker printed.
#[derive(Default)]
struct WorkerOutput {
    /// (table, seq, request, hash)
    acks: Vec<(String, u64, String, u64)>,
    /// (table, seq, actor)
    heard: BTreeSet<(String, u64, String)>,
}

fn worker(db: &str, redis: &str, prefix: &str, tables: usize, k: u32) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(["bench", "load", "--acks", "--heard", "--skip-setup"])
        .args(["--tables", &tables.to_string(), "--players", "4"])
        .args(["--rate", "8", "--duration", "4", "--prefix", prefix])
        .args(["--database", db, "--redis", redis])
        .args(["--worker", &k.to_string(), "--workers", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start dungeon")
}

fn read(child: &mut std::process::Child) -> WorkerOutput {
    let mut out = WorkerOutput::default();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts[..] {
            ["ack", table, seq, request, hash] => out.acks.push((
                table.to_owned(),
                seq.parse().unwrap(),
                request.to_owned(),
                hash.parse().unwrap(),
            )),
            ["heard", table, seq, actor] => {
                out.heard
                    .insert((table.to_owned(), seq.parse().unwrap(), actor.to_owned()));
            }
            _ => {}
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_serve_the_same_tables_as_one() {
    let Some((db, redis)) = servers("two_processes_serve_the_same_tables_as_one") else {
        return;
    };
    let prefix = unique("scale");
    let tables = 8;
    let store = bot::core::store::Store::open(&db).await.unwrap();
    let router = Arc::new(
        Router::start(store.clone(), config(), system_clock())
            .await
            .unwrap(),
    );
    let ids: Vec<String> = (0..tables).map(|t| format!("{prefix}-{t}")).collect();
    set_up(&router, &ids, 4).await.unwrap();
    drop(router);

    let mut children = [
        worker(&db, &redis, &prefix, tables, 0),
        worker(&db, &redis, &prefix, tables, 1),
    ];
    let outputs: Vec<WorkerOutput> = std::thread::scope(|s| {
        let handles: Vec<_> = children
            .iter_mut()
            .map(|c| s.spawn(move || read(c)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for child in &mut children {
        assert!(child.wait().unwrap().success(), "a worker failed");
    }

    let router = Router::start(store.clone(), config(), system_clock())
        .await
        .unwrap();
    for (k, out) in outputs.iter().enumerate() {
        assert!(
            out.acks.len() > 20,
            "worker {k} made only {} acks",
            out.acks.len()
        );
        // Every reply of the other worker reached this one's subscribers.
        let other = &outputs[1 - k];
        for (table, seq, request, _) in &other.acks {
            let actor_heard = out.heard.iter().any(|(t, s, _)| t == table && s == seq);
            assert!(
                actor_heard,
                "worker {k} never heard {table} seq {seq} ({request})"
            );
        }
    }
    let mut by_table: BTreeMap<&str, Vec<(usize, u64, &str, u64)>> = BTreeMap::new();
    for (k, out) in outputs.iter().enumerate() {
        for (table, seq, request, hash) in &out.acks {
            by_table
                .entry(table)
                .or_default()
                .push((k, *seq, request, *hash));
        }
    }
    assert_eq!(by_table.len(), tables, "every table was played");
    for (table, acks) in by_table {
        let workers: BTreeSet<usize> = acks.iter().map(|a| a.0).collect();
        assert_eq!(workers.len(), 2, "{table}: both processes wrote it");
        // One seq, one acknowledged command.
        let by_seq: HashMap<u64, (&str, u64)> = acks.iter().map(|a| (a.1, (a.2, a.3))).collect();
        assert_eq!(by_seq.len(), acks.len(), "{table}: two acks at one seq");
        // Each acknowledged request is stored once, at its seq; every
        // event after the opening has exactly one request.
        let requests = router.store().requests(table).await.unwrap();
        let stored: HashMap<String, u64> = requests.iter().cloned().collect();
        assert_eq!(stored.len(), requests.len());
        for (_, seq, request, _) in &acks {
            assert_eq!(
                stored.get(&format!("bench:{request}")),
                Some(seq),
                "{table} {request}"
            );
        }
        let events: Vec<Event> = router
            .store()
            .events(table, 0)
            .await
            .unwrap()
            .into_iter()
            .map(|e| serde_json::from_value(e.payload).unwrap())
            .collect();
        assert_eq!(
            events.len(),
            requests.len() + 1,
            "{table}: a command without its request"
        );
        // The log replays through every state either process acknowledged.
        let mut state = Table::default();
        for (i, e) in events.iter().enumerate() {
            state.apply(e).unwrap();
            if let Some((request, hash)) = by_seq.get(&(i as u64 + 1)) {
                assert_eq!(
                    state_hash(&state),
                    *hash,
                    "{table} at seq {} ({request})",
                    i + 1
                );
            }
        }
        assert_eq!(router.table(table).await.unwrap(), state);
    }
}

/// A TCP relay in front of the real Redis that can be cut (every
/// connection dropped, new ones refused at once) and restored.
struct Relay {
    url: String,
    down: Arc<AtomicBool>,
    connections: Arc<std::sync::Mutex<JoinSet<()>>>,
}

impl Relay {
    async fn start(redis_url: &str) -> Relay {
        let target = redis_url
            .trim_start_matches("redis://")
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("redis://{}", listener.local_addr().unwrap());
        let down = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(std::sync::Mutex::new(JoinSet::new()));
        let (d, c) = (down.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if d.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees its connection closed
                }
                let target = target.clone();
                c.lock().unwrap().spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Relay {
            url,
            down,
            connections,
        }
    }

    fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        self.connections.lock().unwrap().abort_all();
    }

    fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

fn options(prefix: &str) -> BusOptions {
    BusOptions {
        prefix: prefix.to_owned(),
        heartbeat: Duration::from_millis(100),
        timeout: Duration::from_millis(300),
        ..BusOptions::default()
    }
}

/// A router with a Redis bus of its own: a process, as far as the bus knows.
async fn process(db: &str, redis: &str, prefix: &str, config: Config) -> Router {
    let store = bot::core::store::Store::open(db).await.unwrap();
    let bus = Bus::redis(redis, options(prefix)).unwrap();
    Router::start_with_bus(store, config, system_clock(), bus)
        .await
        .unwrap()
}

async fn open(router: &Router, table: &str) {
    let seed = dm::seed::TableSeed::from_entropy_bytes([7; 32]);
    router
        .open_table(table, &json!({}), PlayerId::new("dm"), &seed)
        .await
        .unwrap();
}

fn roll(table: &str, sender: &str, request: &str) -> Envelope {
    Envelope {
        transport: Transport::Bench,
        table: table.to_owned(),
        sender: sender.to_owned(),
        request_id: request.to_owned(),
        command: dm::parse("r 1d20+2").unwrap(),
    }
}

/// Submits `envelope` until the bus stops refusing it (Redis is coming back).
async fn once_back(router: &Router, envelope: Envelope) -> Answer {
    let started = Instant::now();
    loop {
        match router.submit(envelope.clone()).await {
            Ok(answer) => return answer,
            Err(RouterError::Bus(_)) if started.elapsed() < Duration::from_secs(10) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{e}"),
        }
    }
}

async fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ok() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "timed out: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_share_request_ids_rate_limits_and_replies() {
    let Some((db, redis)) = servers("processes_share_request_ids_rate_limits_and_replies") else {
        return;
    };
    let prefix = unique("bus");
    let mut limited = config();
    limited.rate_limit = Some(RateLimit {
        burst: 3.0,
        per_second: 0.01,
    });
    let a = process(&db, &redis, &prefix, limited.clone()).await;
    let b = process(&db, &redis, &prefix, limited).await;
    let table = unique("bus-table");
    open(&a, &table).await;
    let mut heard = b.subscribe(&table);

    // A reply made in one process reaches the other's subscribers.
    let first = a.submit(roll(&table, "p1", "r1")).await.unwrap();
    let Answer::Done { seq, .. } = first else {
        panic!("{first:?}")
    };
    let published = tokio::time::timeout(Duration::from_secs(5), heard.recv())
        .await
        .expect("the reply crossed over")
        .unwrap();
    assert_eq!(
        (published.table.as_str(), published.seq),
        (table.as_str(), seq)
    );

    // The same request in the other process is a repeat: first reply, nothing applied.
    let again = b.submit(roll(&table, "p1", "r1")).await.unwrap();
    assert_eq!(
        again,
        Answer::Repeated {
            reply: first.reply().unwrap().clone(),
            seq
        }
    );
    assert_eq!(a.store().last_seq(&table).await.unwrap(), seq);

    // The player's bucket is shared: three in all, wherever they are sent.
    assert!(matches!(
        b.submit(roll(&table, "p1", "r2")).await.unwrap(),
        Answer::Done { .. }
    ));
    let over = a.submit(roll(&table, "p1", "r3")).await.unwrap();
    assert!(matches!(over, Answer::Limited { .. }), "{over:?}");

    // Both processes wrote the table; each sees the other's commands.
    let seq_b = b.seq(&table).await.unwrap();
    assert_eq!(seq_b, seq + 1);
    let c = a.submit(roll(&table, "p2", "r4")).await.unwrap();
    assert!(
        matches!(c, Answer::Done { seq, .. } if seq == seq_b + 1),
        "{c:?}"
    );
    let events = a.store().events(&table, 0).await.unwrap();
    let log: Vec<Event> = events
        .into_iter()
        .map(|e| serde_json::from_value(e.payload).unwrap())
        .collect();
    assert_eq!(a.table(&table).await.unwrap(), Table::replay(&log).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_several_processes_refuse_and_one_carries_on() {
    let Some((db, redis)) = servers("without_redis_several_processes_refuse_and_one_carries_on")
    else {
        return;
    };
    let relay = Relay::start(&redis).await;
    let (shared, alone) = (unique("bus-two"), unique("bus-one"));
    let a = process(&db, &relay.url, &shared, config()).await;
    let b = process(&db, &relay.url, &shared, config()).await;
    let solo = process(&db, &relay.url, &alone, config()).await;
    let (t1, t2) = (unique("bus-t1"), unique("bus-t2"));
    open(&a, &t1).await;
    open(&solo, &t2).await;
    wait_for("the two processes see each other", || {
        a.bus().peers() == 1 && b.bus().peers() == 1
    })
    .await;
    assert!(matches!(
        a.submit(roll(&t1, "p", "1")).await.unwrap(),
        Answer::Done { .. }
    ));
    assert!(matches!(
        solo.submit(roll(&t2, "p", "1")).await.unwrap(),
        Answer::Done { .. }
    ));
    let before = a.store().last_seq(&t1).await.unwrap();

    relay.cut();
    // With another process around, the writer cannot be confirmed: refused.
    let refused = a.submit(roll(&t1, "p", "2")).await;
    assert!(
        matches!(refused, Err(RouterError::Bus(BusError::Unconfirmed(ref t))) if *t == t1),
        "{refused:?}"
    );
    assert!(refused.unwrap_err().to_string().contains("try again"));
    assert_eq!(
        a.store().last_seq(&t1).await.unwrap(),
        before,
        "nothing applied"
    );
    // Alone, it carries on.
    for i in 2..5 {
        let answer = solo.submit(roll(&t2, "p", &i.to_string())).await.unwrap();
        assert!(matches!(answer, Answer::Done { .. }), "{answer:?}");
    }

    relay.restore();
    // Redis is back: the refused command goes through, once.
    let answer = once_back(&a, roll(&t1, "p", "2")).await;
    assert!(
        matches!(answer, Answer::Done { seq, .. } if seq == before + 1),
        "{answer:?}"
    );
    let again = once_back(&b, roll(&t1, "p", "2")).await;
    assert!(matches!(again, Answer::Repeated { .. }), "{again:?}");
    assert_eq!(a.store().last_seq(&t1).await.unwrap(), before + 1);
}

#[test]
fn the_load_survives_a_worker_killed_and_restarted() {
    let Some((db, redis)) = servers("the_load_survives_a_worker_killed_and_restarted") else {
        return;
    };
    let prefix = unique("scale-kill");
    let out = Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args([
            "bench",
            "load",
            "--processes",
            "2",
            "--faults",
            "kill",
            "--json",
        ])
        .args([
            "--tables",
            "10",
            "--players",
            "5",
            "--rate",
            "5",
            "--duration",
            "6",
        ])
        .args(["--prefix", &prefix, "--database", &db, "--redis", &redis])
        .stderr(Stdio::inherit())
        .output()
        .expect("run dungeon");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    let figures: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(figures["kills"], 1, "{figures}");
    for zero in ["lost", "doubled", "diverged", "workers_failed"] {
        assert_eq!(figures[zero], 0, "{zero}: {figures}");
    }
    // The workers made progress around the kill (10 tables at 5 a second for 6 s).
    assert!(figures["committed"].as_u64().unwrap() > 100, "{figures}");
}
