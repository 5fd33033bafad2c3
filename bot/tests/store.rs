//! The store against both backends: every check runs on a fresh SQLite file,
//! and on the Postgres at `TEST_DATABASE_URL` when it is set (each check uses
//! table ids of its own there, so runs and parallel tests do not collide).
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::db::{Db, on_both_backends, unique};

use bot::core::store::{Append, NewEvent, SheetEdit, Store, StoreError};
use serde_json::{Value, json};

fn event(kind: &str, payload: Value) -> NewEvent {
    NewEvent {
        kind: kind.to_owned(),
        payload,
    }
}

on_both_backends!(
    append_then_read_in_order,
    racing_writers_one_wins,
    writers_that_reload_and_retry_all_get_in,
    stale_and_gapped_appends_are_refused,
    request_reply_is_stored_with_its_events,
    snapshots_latest_wins,
    sheet_history_in_order,
    tables_are_created_once_and_listed,
    data_survives_reopening,
    large_payload_round_trips,
    unknown_table_is_refused,
    a_batch_commits_many_tables_at_once,
    a_bad_append_in_a_batch_fails_alone,
    secrets_and_identities_are_kept,
);

fn append(table: &str, next: u64, kinds: &[&str], request: Option<&str>) -> Append {
    Append {
        table_id: table.to_owned(),
        expected_next_seq: next,
        events: kinds.iter().map(|k| event(k, json!({"k": k}))).collect(),
        request: request.map(|r| (r.to_owned(), json!({"reply": r}))),
        sheet_edits: Vec::new(),
    }
}

async fn a_batch_commits_many_tables_at_once(db: &Db) {
    let store = db.open().await;
    let a = unique("batch-a");
    let b = unique("batch-b");
    for t in [&a, &b] {
        store.create_table(t, &json!({})).await.unwrap();
    }
    let mut edited = append(&b, 1, &["set"], Some("req-b1"));
    edited.sheet_edits.push(SheetEdit {
        character: "aria".into(),
        who: "dm".into(),
        at_ms: 5,
        reason: "found a belt".into(),
        before: json!({"str": 10}),
        after: json!({"str": 19}),
    });
    let batch = [
        append(&a, 1, &["x", "y"], Some("req-a1")),
        edited,
        // A second append to the same table follows the first one in the batch.
        append(&a, 3, &["z"], Some("req-a2")),
    ];
    let results = store.append_batch(&batch).await;
    let seqs: Vec<u64> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(seqs, [2, 1, 3]);
    let kinds: Vec<String> = store
        .events(&a, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["x", "y", "z"]);
    assert_eq!(
        store.reply_for(&a, "req-a2").await.unwrap(),
        Some((3, json!({"reply": "req-a2"})))
    );
    let history = store.sheet_history(&b, "aria").await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].after, json!({"str": 19}));
}

async fn a_bad_append_in_a_batch_fails_alone(db: &Db) {
    let store = db.open().await;
    let a = unique("lone-a");
    let b = unique("lone-b");
    let c = unique("lone-c");
    for t in [&a, &b, &c] {
        store.create_table(t, &json!({})).await.unwrap();
    }
    store
        .append(
            &c,
            1,
            &[event("first", json!(1))],
            Some(("done-before", &json!("r"))),
        )
        .await
        .unwrap();
    let batch = [
        append(&a, 1, &["ok"], Some("r1")),
        // Stale: seq 1 of b is free but the writer thinks the log is longer.
        append(&b, 2, &["gap"], None),
        // A request id that was answered already: the batch cannot commit as
        // one, and each append is tried on its own.
        append(&c, 2, &["again"], Some("done-before")),
        append(&b, 1, &["ok"], None),
    ];
    let results = store.append_batch(&batch).await;
    assert_eq!(results[0].as_ref().unwrap(), &1);
    assert!(
        matches!(results[1], Err(StoreError::Gap { .. })),
        "{:?}",
        results[1]
    );
    assert!(
        matches!(results[2], Err(StoreError::DuplicateRequest { .. })),
        "{:?}",
        results[2]
    );
    assert_eq!(results[3].as_ref().unwrap(), &1);
    assert_eq!(store.last_seq(&a).await.unwrap(), 1);
    assert_eq!(store.last_seq(&b).await.unwrap(), 1);
    // The refused append left nothing behind.
    assert_eq!(store.last_seq(&c).await.unwrap(), 1);
    // A conflict found by the batch's own check does not spoil the rest.
    let results = store
        .append_batch(&[
            append(&a, 1, &["late"], None),
            append(&a, 2, &["next"], None),
        ])
        .await;
    assert!(matches!(results[0], Err(StoreError::Conflict { .. })));
    assert_eq!(results[1].as_ref().unwrap(), &2);
}

async fn secrets_and_identities_are_kept(db: &Db) {
    let store = db.open().await;
    let t = unique("secret");
    assert!(
        store
            .create_table_with_secret(&t, &json!({"name": "x"}), Some("c0ffee"))
            .await
            .unwrap()
    );
    assert_eq!(store.secret(&t).await.unwrap().as_deref(), Some("c0ffee"));
    let plain = unique("plain");
    store.create_table(&plain, &json!({})).await.unwrap();
    assert_eq!(store.secret(&plain).await.unwrap(), None);
    assert!(matches!(
        store.secret(&unique("nowhere")).await,
        Err(StoreError::UnknownTable { .. })
    ));
    let who = unique("discord");
    store.link_identity(&who, "player-1").await.unwrap();
    store.link_identity(&who, "player-2").await.unwrap();
    let links = store.identities().await.unwrap();
    let mine: Vec<_> = links.iter().filter(|(i, _)| *i == who).collect();
    assert_eq!(mine, [&(who.clone(), "player-2".to_owned())]);
}

async fn append_then_read_in_order(db: &Db) {
    let store = db.open().await;
    let table = unique("order");
    store.create_table(&table, &json!({})).await.unwrap();
    assert_eq!(store.last_seq(&table).await.unwrap(), 0);
    assert!(store.events(&table, 0).await.unwrap().is_empty());

    let first = [
        event("joined", json!({"who": "ana"})),
        event("joined", json!({"who": "bo"})),
    ];
    assert_eq!(store.append(&table, 1, &first, None).await.unwrap(), 2);
    let second = [event("rolled", json!({"total": 17}))];
    assert_eq!(store.append(&table, 3, &second, None).await.unwrap(), 3);

    let all = store.events(&table, 0).await.unwrap();
    let seen: Vec<(u64, &str, &Value)> = all
        .iter()
        .map(|e| (e.seq, e.kind.as_str(), &e.payload))
        .collect();
    assert_eq!(
        seen,
        [
            (1, "joined", &json!({"who": "ana"})),
            (2, "joined", &json!({"who": "bo"})),
            (3, "rolled", &json!({"total": 17})),
        ]
    );
    assert!(all.iter().all(|e| e.created_at_ms > 0));
    let after: Vec<u64> = store
        .events(&table, 2)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(after, [3]);
    assert_eq!(store.last_seq(&table).await.unwrap(), 3);
}

async fn racing_writers_one_wins(db: &Db) {
    let store = db.open().await;
    let table = unique("race");
    store.create_table(&table, &json!({})).await.unwrap();
    store
        .append(&table, 1, &[event("start", json!(null))], None)
        .await
        .unwrap();

    // Two writers (two stores: two pools, as two processes would have) both
    // believe seq 2 is next; the barrier starts them together.
    let other = db.open().await;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let writer = |store: Store, name: &'static str| {
        let table = table.clone();
        let barrier = barrier.clone();
        tokio::spawn(async move {
            let events = [
                event("attack", json!({"by": name})),
                event("damage", json!({"by": name})),
            ];
            barrier.wait().await;
            store
                .append(&table, 2, &events, Some((name, &json!({"reply": name}))))
                .await
        })
    };
    let a = writer(store.clone(), "a");
    let b = writer(other, "b");
    let results = [a.await.unwrap(), b.await.unwrap()];

    let winners: Vec<usize> = (0..2).filter(|&i| results[i].is_ok()).collect();
    assert_eq!(winners.len(), 1, "exactly one writer wins: {results:?}");
    let (winner, loser) = if winners[0] == 0 {
        ("a", "b")
    } else {
        ("b", "a")
    };
    let lost = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert!(
        matches!(lost, StoreError::Conflict { table_id, seq: 2 } if *table_id == table),
        "the loser gets a conflict on seq 2: {lost:?}"
    );

    let events = store.events(&table, 1).await.unwrap();
    assert_eq!(events.len(), 2, "nothing of the loser is stored");
    assert!(events.iter().all(|e| e.payload == json!({"by": winner})));
    assert_eq!(store.last_seq(&table).await.unwrap(), 3);
    assert_eq!(
        store.reply_for(&table, winner).await.unwrap(),
        Some((3, json!({"reply": winner})))
    );
    assert_eq!(store.reply_for(&table, loser).await.unwrap(), None);
}

/// The protocol of the architecture: a writer that loses reloads and retries.
/// Eight writers on four stores append five events each; the log ends up
/// with all forty, seqs 1..=40 without a hole, each writer's in its order.
async fn writers_that_reload_and_retry_all_get_in(db: &Db) {
    const WRITERS: usize = 8;
    const EACH: usize = 5;
    let table = unique("retry");
    let mut stores = Vec::new();
    for _ in 0..4 {
        stores.push(db.open().await);
    }
    stores[0].create_table(&table, &json!({})).await.unwrap();
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let store = stores[writer % stores.len()].clone();
        let table = table.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..EACH {
                let events = [event("step", json!({"writer": writer, "n": n}))];
                loop {
                    let next = store.last_seq(&table).await.unwrap() + 1;
                    match store.append(&table, next, &events, None).await {
                        Ok(_) => break,
                        Err(StoreError::Conflict { .. }) => continue,
                        Err(other) => panic!("{other}"),
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let events = stores[0].events(&table, 0).await.unwrap();
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    let total = u64::try_from(WRITERS * EACH).unwrap();
    assert_eq!(seqs, (1..=total).collect::<Vec<_>>());
    for writer in 0..WRITERS {
        let steps: Vec<&Value> = events
            .iter()
            .filter(|e| e.payload["writer"] == json!(writer))
            .map(|e| &e.payload["n"])
            .collect();
        assert_eq!(
            steps,
            (0..EACH)
                .map(|n| json!(n))
                .collect::<Vec<_>>()
                .iter()
                .collect::<Vec<_>>()
        );
    }
}

async fn stale_and_gapped_appends_are_refused(db: &Db) {
    let store = db.open().await;
    let table = unique("stale");
    store.create_table(&table, &json!({})).await.unwrap();
    store
        .append(
            &table,
            1,
            &[event("a", json!(1)), event("b", json!(2))],
            None,
        )
        .await
        .unwrap();

    let stale = store
        .append(
            &table,
            2,
            &[event("late", json!(0))],
            Some(("r", &json!(0))),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(stale, StoreError::Conflict { seq: 2, .. }),
        "{stale:?}"
    );
    assert!(
        stale.to_string().contains("reload the table and retry"),
        "{stale}"
    );

    let gap = store
        .append(&table, 5, &[event("far", json!(0))], None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            gap,
            StoreError::Gap {
                expected: 5,
                next: 3,
                ..
            }
        ),
        "{gap:?}"
    );
    let empty = store.append(&table, 3, &[], None).await.unwrap_err();
    assert!(matches!(empty, StoreError::NoEvents { .. }), "{empty:?}");

    assert_eq!(store.last_seq(&table).await.unwrap(), 2);
    assert_eq!(store.reply_for(&table, "r").await.unwrap(), None);
}

async fn request_reply_is_stored_with_its_events(db: &Db) {
    let store = db.open().await;
    let table = unique("dedupe");
    store.create_table(&table, &json!({})).await.unwrap();
    assert_eq!(store.reply_for(&table, "req-1").await.unwrap(), None);

    let reply = json!({"text": "Ana hits for 7", "dice": [4, 3]});
    let last = store
        .append(
            &table,
            1,
            &[
                event("hit", json!({"dmg": 7})),
                event("hp", json!({"left": 3})),
            ],
            Some(("req-1", &reply)),
        )
        .await
        .unwrap();
    assert_eq!(last, 2);
    assert_eq!(
        store.reply_for(&table, "req-1").await.unwrap(),
        Some((2, reply.clone()))
    );

    // The same request again (a retry the router missed): refused as a whole,
    // its events are not written and the first reply stands.
    let again = store
        .append(
            &table,
            3,
            &[event("hit", json!({"dmg": 7}))],
            Some(("req-1", &json!("other"))),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&again, StoreError::DuplicateRequest { request_id, .. } if request_id == "req-1"),
        "{again:?}"
    );
    assert_eq!(store.last_seq(&table).await.unwrap(), 2);
    assert_eq!(
        store.reply_for(&table, "req-1").await.unwrap(),
        Some((2, reply))
    );

    // A request id is per table.
    let elsewhere = unique("dedupe-other");
    store.create_table(&elsewhere, &json!({})).await.unwrap();
    assert_eq!(store.reply_for(&elsewhere, "req-1").await.unwrap(), None);
    store
        .append(
            &elsewhere,
            1,
            &[event("x", json!(1))],
            Some(("req-1", &json!("ok"))),
        )
        .await
        .unwrap();
}

async fn snapshots_latest_wins(db: &Db) {
    let store = db.open().await;
    let table = unique("snap");
    store.create_table(&table, &json!({})).await.unwrap();
    assert_eq!(store.latest_snapshot(&table).await.unwrap(), None);

    store
        .save_snapshot(&table, 10, &json!({"round": 1}))
        .await
        .unwrap();
    store
        .save_snapshot(&table, 30, &json!({"round": 3}))
        .await
        .unwrap();
    store
        .save_snapshot(&table, 20, &json!({"round": 2}))
        .await
        .unwrap();
    assert_eq!(
        store.latest_snapshot(&table).await.unwrap(),
        Some((30, json!({"round": 3})))
    );
    store
        .save_snapshot(&table, 30, &json!({"round": "3b"}))
        .await
        .unwrap();
    assert_eq!(
        store.latest_snapshot(&table).await.unwrap(),
        Some((30, json!({"round": "3b"})))
    );
}

async fn sheet_history_in_order(db: &Db) {
    let store = db.open().await;
    let table = unique("sheets");
    store.create_table(&table, &json!({})).await.unwrap();
    let edit = |character: &str, at_ms: i64, before: i64, after: i64| SheetEdit {
        character: character.to_owned(),
        who: "dm".to_owned(),
        at_ms,
        reason: format!("hp {before} → {after}"),
        before: json!({"hp": before}),
        after: json!({"hp": after}),
    };
    let edits = [
        edit("Ana", 100, 10, 7),
        edit("Bo", 150, 9, 9),
        edit("Ana", 200, 7, 12),
    ];
    // Each edit rides with the event that made it, one append each.
    for (seq, e) in (1u64..).zip(&edits) {
        let mut a = append(&table, seq, &["set"], None);
        a.sheet_edits.push(e.clone());
        assert_eq!(store.append_batch(&[a]).await.pop().unwrap().unwrap(), seq);
    }

    assert_eq!(
        store.sheet_history(&table, "Ana").await.unwrap(),
        [edits[0].clone(), edits[2].clone()]
    );
    assert_eq!(
        store.sheet_history(&table, "Bo").await.unwrap(),
        [edits[1].clone()]
    );
    assert!(store.sheet_history(&table, "Cy").await.unwrap().is_empty());
}

async fn tables_are_created_once_and_listed(db: &Db) {
    let store = db.open().await;
    let a = unique("list-a");
    let b = unique("list-b");
    assert!(
        store
            .create_table(&a, &json!({"transport": "console"}))
            .await
            .unwrap()
    );
    assert!(
        !store
            .create_table(&a, &json!({"transport": "other"}))
            .await
            .unwrap()
    );
    assert!(
        store
            .create_table(&b, &json!({"transport": "discord"}))
            .await
            .unwrap()
    );

    let tables = store.list_tables().await.unwrap();
    let ours: Vec<(&str, &Value)> = tables
        .iter()
        .filter(|t| t.id == a || t.id == b)
        .map(|t| (t.id.as_str(), &t.meta))
        .collect();
    assert_eq!(
        ours,
        [
            (a.as_str(), &json!({"transport": "console"})),
            (b.as_str(), &json!({"transport": "discord"})),
        ],
        "created once, first meta kept, listed by id"
    );
}

async fn data_survives_reopening(db: &Db) {
    let table = unique("reopen");
    {
        let store = db.open().await;
        store
            .create_table(&table, &json!({"name": "crypt"}))
            .await
            .unwrap();
        store
            .append(
                &table,
                1,
                &[event("entered", json!({"room": 1}))],
                Some(("r1", &json!("ok"))),
            )
            .await
            .unwrap();
        store
            .save_snapshot(&table, 1, &json!({"room": 1}))
            .await
            .unwrap();
        // Dropped without `close`: what was acknowledged must already be on disk.
    }
    let store = db.open().await;
    let events = store.events(&table, 0).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].payload, json!({"room": 1}));
    assert_eq!(
        store.reply_for(&table, "r1").await.unwrap(),
        Some((1, json!("ok")))
    );
    assert_eq!(
        store.latest_snapshot(&table).await.unwrap(),
        Some((1, json!({"room": 1})))
    );
    assert_eq!(
        store
            .append(&table, 2, &[event("left", json!(null))], None)
            .await
            .unwrap(),
        2
    );
    store.close().await;
}

async fn large_payload_round_trips(db: &Db) {
    let store = db.open().await;
    let table = unique("large");
    store.create_table(&table, &json!({})).await.unwrap();
    // About 2 MB: a whole map with notes, well past any page or packet size.
    let cells: Vec<Value> = (0..20_000)
        .map(|i| json!({"cell": i, "note": "a dusty flagstone floor, cold to the touch — ünïcödé ✓ "}))
        .collect();
    let payload = json!({"map": cells});
    store
        .append(&table, 1, &[event("map", payload.clone())], None)
        .await
        .unwrap();
    store.save_snapshot(&table, 1, &payload).await.unwrap();
    assert_eq!(store.events(&table, 0).await.unwrap()[0].payload, payload);
    assert_eq!(
        store.latest_snapshot(&table).await.unwrap(),
        Some((1, payload))
    );
}

async fn unknown_table_is_refused(db: &Db) {
    let store = db.open().await;
    let table = unique("missing");
    let err = store
        .append(&table, 1, &[event("x", json!(1))], None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownTable { .. }), "{err:?}");
    assert!(err.to_string().contains("create_table"), "{err}");
    assert!(store.events(&table, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn plain_file_path_opens_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    store.create_table("t", &json!({})).await.unwrap();
    store.close().await;
    assert!(path.exists());
}

#[tokio::test]
async fn bad_urls_say_what_to_do() {
    let unsupported = Store::open("mysql://root:hunter2@db/dungeon")
        .await
        .unwrap_err();
    assert!(
        matches!(unsupported, StoreError::UnsupportedUrl { .. }),
        "{unsupported:?}"
    );
    let text = unsupported.to_string();
    assert!(text.contains("check DATABASE_URL"), "{text}");
    assert!(!text.contains("hunter2"), "the password is masked: {text}");

    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no/such/dir/store.db");
    let missing = Store::open(nowhere.to_str().unwrap()).await.unwrap_err();
    assert!(matches!(missing, StoreError::Open { .. }), "{missing:?}");
    let text = missing.to_string();
    assert!(text.starts_with("cannot open database at "), "{text}");
    assert!(text.contains("check DATABASE_URL"), "{text}");

    // Nothing listens on port 1.
    let refused = Store::open("postgres://dm:hunter2@127.0.0.1:1/dungeon")
        .await
        .unwrap_err();
    let text = refused.to_string();
    assert!(matches!(refused, StoreError::Open { .. }), "{refused:?}");
    assert!(
        text.contains("postgres://dm:***@127.0.0.1:1/dungeon"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
}
