//! Monster turns through the router with a model that never answers (a
//! local server that accepts the connection and stays silent): the turn is
//! played by the tactician once the budget runs out, other tables are not
//! held up meanwhile, and an answer the table no longer waits for is
//! dropped.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use bot::core::router::{Answer, Config, Envelope, Router, Transport, system_clock};
use bot::core::turns::MonsterTurns;
use common::db::{Db, on_both_backends, unique};
use dm::PlayerId;
use dm::seed::TableSeed;
use monsters::llm::gemini::{GeminiConfig, GeminiPlanner};
use serde_json::json;
use tokio::net::TcpListener;

/// A "model" that takes every connection and never says a word.
async fn silent_model() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    url
}

async fn setup(db: &Db) -> (Arc<Router>, MonsterTurns, String, String) {
    let config = Config {
        rate_limit: None,
        snapshot_every: 100,
        max_batch: 64,
        writers: 1,
    };
    let router = Arc::new(
        Router::start(db.open().await, config, system_clock())
            .await
            .unwrap(),
    );
    let mut gemini = GeminiConfig::new("test-key");
    gemini.base_url = silent_model().await;
    let planner = Arc::new(GeminiPlanner::new(gemini).unwrap());
    let turns = MonsterTurns::new(router.clone(), Some(planner), Duration::from_millis(400));
    let (a, b) = (unique("slow-a"), unique("slow-b"));
    for t in [&a, &b] {
        router
            .open_table(
                t,
                &json!({}),
                PlayerId::new("dm"),
                &TableSeed::from_entropy_bytes([2; 32]),
            )
            .await
            .unwrap();
    }
    for (who, line) in [
        ("p1", "char new Aria fighter 3 human"),
        ("dm", "dm encounter"),
        ("dm", "madd goblin --avg"),
        ("dm", "n"),
    ] {
        say(&router, &a, who, line).await;
    }
    // Up to the goblin's turn.
    for _ in 0..4 {
        let t = router.table(&a).await.unwrap();
        if t.encounter.as_ref().unwrap().current() == Some("g1") {
            break;
        }
        say(&router, &a, "dm", "n").await;
    }
    (router, turns, a, b)
}

async fn say(r: &Router, table: &str, who: &str, line: &str) -> Answer {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    r.submit(Envelope {
        transport: Transport::Console,
        table: table.to_owned(),
        sender: who.to_owned(),
        request_id: format!("t{n}"),
        command: dm::parse(line).unwrap(),
    })
    .await
    .unwrap()
}

on_both_backends!(
    a_silent_model_costs_its_table_the_budget_and_no_other_table_anything,
    an_answer_the_table_no_longer_waits_for_is_dropped,
    a_group_of_monsters_is_decided_in_one_call,
);

async fn a_silent_model_costs_its_table_the_budget_and_no_other_table_anything(db: &Db) {
    let (router, turns, a, b) = setup(db).await;
    let turns = Arc::new(turns);
    let slow = {
        let (turns, a) = (turns.clone(), a.clone());
        tokio::spawn(async move { turns.play_due(&a).await })
    };
    // Meanwhile, another table plays on.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let answer = say(&router, &b, "p2", "r 1d20+3").await;
    assert!(matches!(answer, Answer::Done { .. }), "{answer:?}");
    assert!(
        !slow.is_finished(),
        "the other table did not wait for the model"
    );
    let report = slow.await.unwrap().unwrap().unwrap();
    assert_eq!(report.error.as_ref().map(|e| e.kind()), Some("timeout"));
    assert!(!report.dropped);
    // The tactician's choice was played, and the turn ended.
    assert_ne!(report.option, "end");
    let (last, answer) = report.played.last().unwrap();
    assert_eq!(*last, dm::Command::EndTurn);
    assert!(matches!(answer, Answer::Done { .. }), "{answer:?}");
    let t = router.table(&a).await.unwrap();
    assert_ne!(t.encounter.as_ref().unwrap().current(), Some("g1"));
}

async fn an_answer_the_table_no_longer_waits_for_is_dropped(db: &Db) {
    let (router, turns, a, _) = setup(db).await;
    let turns = Arc::new(turns);
    let slow = {
        let (turns, a) = (turns.clone(), a.clone());
        tokio::spawn(async move { turns.play_due(&a).await })
    };
    // The DM does not wait: the goblin's turn is over.
    tokio::time::sleep(Duration::from_millis(50)).await;
    say(&router, &a, "dm", "n").await;
    let seq = router.seq(&a).await.unwrap();
    let report = slow.await.unwrap().unwrap().unwrap();
    assert!(report.dropped);
    assert!(report.played.is_empty());
    assert_eq!(
        router.seq(&a).await.unwrap(),
        seq,
        "nothing more was applied"
    );
}

async fn a_group_of_monsters_is_decided_in_one_call(db: &Db) {
    let config = Config {
        rate_limit: None,
        snapshot_every: 100,
        max_batch: 64,
        writers: 1,
    };
    let router = Arc::new(
        Router::start(db.open().await, config, system_clock())
            .await
            .unwrap(),
    );
    let turns = MonsterTurns::new(router.clone(), None, Duration::from_millis(400));
    let t = unique("group");
    router
        .open_table(
            &t,
            &json!({}),
            PlayerId::new("dm"),
            &TableSeed::from_entropy_bytes([3; 32]),
        )
        .await
        .unwrap();
    for (who, line) in [
        ("p1", "char new Aria fighter 5 human"),
        ("dm", "dm encounter"),
        ("dm", "madd goblin -n 4 --avg"),
        ("dm", "n"),
    ] {
        say(&router, &t, who, line).await;
    }
    let order: Vec<String> = router
        .table(&t)
        .await
        .unwrap()
        .encounter
        .unwrap()
        .order
        .iter()
        .map(|s| s.handle.clone())
        .collect();
    let consecutive = order
        .windows(2)
        .any(|w| w[0].starts_with('g') && w[1].starts_with('g'));
    assert!(
        consecutive,
        "the test needs goblins acting one after another: {order:?}"
    );
    let (mut called, mut reused) = (0, 0);
    for _ in 0..10 {
        let table = router.table(&t).await.unwrap();
        let Some(enc) = table.encounter.as_ref() else {
            break;
        };
        if enc.round > 2 {
            break;
        }
        let current = enc.current().unwrap().to_owned();
        if current == "aria" {
            say(&router, &t, "p1", "n").await;
            continue;
        }
        let report = turns.play_due(&t).await.unwrap().unwrap();
        assert!(!report.dropped);
        if report.from_group {
            reused += 1;
        } else {
            called += 1;
        }
    }
    assert!(
        reused > 0,
        "later goblins use the group's call ({called} calls)"
    );
    assert!(called > 0);
}
