//! Crash recovery: `kill -9` the `dungeon` process in the middle of a
//! scripted load, then check that every action it acknowledged is in the
//! log, that the log replays to exactly the state it acknowledged, and that
//! a restarted process carries on without applying any request twice.
//! On SQLite, and on the Postgres at `TEST_DATABASE_URL` when it is set.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bot::commands::bench::state_hash;
use bot::core::router::{Config, Router, system_clock};
use common::db::{Db, on_both_backends, unique};
use dm::{Event, Table};

/// One acknowledged action: its table, seq, request id and the state hash
/// the process reported after it.
#[derive(Debug, Clone)]
struct Ack {
    table: String,
    seq: u64,
    request: String,
    hash: u64,
}

/// Runs `dungeon bench load … --acks` on `db`; with `kill_after`, sends
/// SIGKILL once that many actions were acknowledged. Returns the acks read.
fn run_load(db: &Db, prefix: &str, duration: u64, kill_after: Option<usize>) -> Vec<Ack> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args([
            "bench",
            "load",
            "--tables",
            "6",
            "--players",
            "3",
            "--rate",
            "40",
            "--duration",
            &duration.to_string(),
            "--prefix",
            prefix,
            "--acks",
            "--database",
            &db.url,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start dungeon");
    let stdout = child.stdout.take().unwrap();
    let mut acks = Vec::new();
    let started = Instant::now();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let ["ack", table, seq, request, hash] = parts[..] {
            acks.push(Ack {
                table: table.to_owned(),
                seq: seq.parse().unwrap(),
                request: request.to_owned(),
                hash: hash.parse().unwrap(),
            });
        }
        if kill_after.is_some_and(|n| acks.len() >= n) {
            // SIGKILL: no chance to flush, close or clean up.
            child.kill().unwrap();
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "load hung");
    }
    let status = child.wait().unwrap();
    if kill_after.is_none() {
        assert!(status.success(), "the restarted load failed: {status:?}");
    }
    acks
}

async fn log(router: &Router, table: &str) -> Vec<Event> {
    router
        .store()
        .events(table, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|e| serde_json::from_value(e.payload).unwrap())
        .collect()
}

on_both_backends!(every_acknowledged_action_survives_kill_9);

async fn every_acknowledged_action_survives_kill_9(db: &Db) {
    let prefix = unique("crash");
    let acks = run_load(db, &prefix, 60, Some(150));
    assert!(
        acks.len() >= 150,
        "only {} acks before the kill",
        acks.len()
    );

    let config = Config {
        rate_limit: None,
        snapshot_every: 50,
        max_batch: 64,
        writers: 1,
    };
    let router = Router::start(db.open().await, config.clone(), system_clock())
        .await
        .unwrap();
    let mut by_table: BTreeMap<String, Vec<Ack>> = BTreeMap::new();
    for ack in &acks {
        by_table
            .entry(ack.table.clone())
            .or_default()
            .push(ack.clone());
    }
    let mut events_before = BTreeMap::new();
    for (table, acks) in &by_table {
        // Every acknowledged request is stored with the seq it was told.
        for ack in acks {
            let stored = router
                .store()
                .reply_for(table, &format!("bench:{}", ack.request))
                .await
                .unwrap();
            assert_eq!(stored.map(|(seq, _)| seq), Some(ack.seq), "{ack:?}");
        }
        // The log replays, and at each acknowledged seq it is the state
        // the process reported.
        let events = log(&router, table).await;
        let wanted: BTreeMap<u64, u64> = acks.iter().map(|a| (a.seq, a.hash)).collect();
        let mut state = Table::default();
        for (i, e) in events.iter().enumerate() {
            state.apply(e).unwrap();
            if let Some(hash) = wanted.get(&(i as u64 + 1)) {
                assert_eq!(state_hash(&state), *hash, "{table} at seq {}", i + 1);
            }
        }
        assert!(events.len() as u64 >= *wanted.keys().last().unwrap());
        // A restarted process loads exactly the replayed state.
        assert_eq!(router.table(table).await.unwrap(), state);
        events_before.insert(table.clone(), events.len());
    }
    drop(router);

    // Restart the load on the same tables: its request ids start over, so the
    // early ones are repeats and must not apply again.
    let again = run_load(db, &prefix, 3, None);
    let router = Router::start(db.open().await, config, system_clock())
        .await
        .unwrap();
    for (table, before) in &events_before {
        let new_acks = again.iter().filter(|a| &a.table == table).count();
        let events = log(&router, table).await;
        assert_eq!(
            events.len(),
            before + new_acks,
            "{table}: only new requests may add events"
        );
        let replayed = Table::replay(&events).unwrap();
        assert_eq!(router.table(table).await.unwrap(), replayed);
    }
    assert!(!again.is_empty(), "the restarted load made progress");
}
