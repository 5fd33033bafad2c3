//! The router against both backends: commit before reply, duplicates,
//! rate limits, identity links, fan-out, sheet history, restarts and two
//! routers (two processes) sharing one store.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bot::core::router::{
    Answer, Clock, Config, Envelope, RateLimit, Router, RouterError, Transport,
};
use common::db::{Db, on_both_backends, unique};
use dm::seed::TableSeed;
use dm::{Event, PlayerId, Table};
use serde_json::json;

fn clock() -> Clock {
    let t = Arc::new(AtomicU64::new(1_750_000_000));
    Arc::new(move || t.fetch_add(6, Ordering::Relaxed))
}

fn config() -> Config {
    Config {
        rate_limit: None,
        snapshot_every: 3,
        max_batch: 64,
        writers: 2,
    }
}

async fn router(db: &Db, config: Config) -> Router {
    Router::start(db.open().await, config, clock())
        .await
        .unwrap()
}

fn seed(n: u8) -> TableSeed {
    TableSeed::from_entropy_bytes([n; 32])
}

fn dm() -> PlayerId {
    PlayerId::new("discord:dm")
}

/// Opens a fresh table with `discord:dm` as its DM.
async fn table(r: &Router, name: &str) -> String {
    let id = unique(name);
    assert!(r.open_table(&id, &json!({}), dm(), &seed(7)).await.unwrap());
    id
}

/// Sends one line from `sender` with a fresh request id.
async fn say(r: &Router, table: &str, sender: &str, line: &str) -> Answer {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    send(r, table, sender, &format!("req-{id}"), line).await
}

async fn send(r: &Router, table: &str, sender: &str, request: &str, line: &str) -> Answer {
    let transport = match sender.split(':').next() {
        Some("radio") => Transport::Radio,
        Some("console") => Transport::Console,
        _ => Transport::Discord,
    };
    r.submit(Envelope {
        transport,
        table: table.to_owned(),
        sender: sender.to_owned(),
        request_id: request.to_owned(),
        command: dm::parse(line).unwrap(),
    })
    .await
    .unwrap()
}

fn done(a: &Answer) -> u64 {
    match a {
        Answer::Done { seq, .. } => *seq,
        other => panic!("expected Done, got {other:?}"),
    }
}

fn text(a: &Answer) -> String {
    a.reply()
        .map(|r| format!("{:?}", r.lines))
        .unwrap_or_default()
}

/// The table as its stored log rebuilds it.
async fn replayed(r: &Router, id: &str) -> Table {
    let events: Vec<Event> = r
        .store()
        .events(id, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|e| serde_json::from_value(e.payload).unwrap())
        .collect();
    Table::replay(&events).unwrap()
}

on_both_backends!(
    an_encounter_commits_before_each_reply_and_survives_a_restart,
    a_repeated_request_applies_once_even_after_a_restart,
    the_rate_limit_refuses_without_changing_anything,
    a_linked_radio_node_plays_the_discord_players_character,
    every_attached_transport_hears_the_reply,
    dm_edits_are_in_the_sheet_history,
    two_routers_on_one_store_never_diverge,
    a_character_is_in_one_running_adventure_at_a_time,
);

async fn an_encounter_commits_before_each_reply_and_survives_a_restart(db: &Db) {
    let r = router(db, config()).await;
    let t = table(&r, "enc").await;
    done(&say(&r, &t, "discord:1", "char new Aria fighter 3 human").await);
    done(&say(&r, &t, "radio:!b0", "char new Bo rogue 3 halfling").await);
    done(&say(&r, &t, "discord:dm", "dm encounter").await);
    done(&say(&r, &t, "discord:dm", "madd goblin -n 2 --avg").await);
    done(&say(&r, &t, "discord:dm", "n").await);
    let live = r.table(&t).await.unwrap();
    let current = live
        .encounter
        .as_ref()
        .unwrap()
        .current()
        .unwrap()
        .to_owned();
    // Whoever is not up is refused, and nothing is written.
    let idle = if current == "aria" {
        "radio:!b0"
    } else {
        "discord:1"
    };
    let before = r.store().last_seq(&t).await.unwrap();
    let refused = say(&r, &t, idle, "a -t g1").await;
    assert!(
        matches!(&refused, Answer::Refused { why } if why.contains("not your turn")),
        "{refused:?}"
    );
    assert_eq!(r.store().last_seq(&t).await.unwrap(), before);
    // The current combatant acts; the answer's seq is already durable.
    let actor = match current.as_str() {
        "aria" => "discord:1",
        "bo" => "radio:!b0",
        _ => "discord:dm",
    };
    let (me, foe) = if actor == "discord:dm" {
        (current.as_str(), "aria")
    } else {
        (current.as_str(), "g1")
    };
    // The DM sets the scene: the two are in melee.
    done(
        &say(
            &r,
            &t,
            "discord:dm",
            &format!("dm place {me} engaged {foe}"),
        )
        .await,
    );
    let line = if actor == "discord:dm" {
        format!("dm as {current} a -t aria")
    } else {
        "a -t g1".to_owned()
    };
    let seq = done(&say(&r, &t, actor, &line).await);
    assert_eq!(r.store().last_seq(&t).await.unwrap(), seq);
    let live = r.table(&t).await.unwrap();
    assert_eq!(replayed(&r, &t).await, live);
    // A new process (router) loads the same state from snapshot and log.
    drop(r);
    let again = router(db, config()).await;
    assert_eq!(again.table(&t).await.unwrap(), live);
    assert_eq!(again.seq(&t).await.unwrap(), seq);
}

async fn a_repeated_request_applies_once_even_after_a_restart(db: &Db) {
    let r = router(db, config()).await;
    let t = table(&r, "dup").await;
    let first = send(&r, &t, "discord:1", "i-1", "r 1d20+5").await;
    let seq = done(&first);
    let again = send(&r, &t, "discord:1", "i-1", "r 1d20+5").await;
    assert_eq!(
        again,
        Answer::Repeated {
            reply: first.reply().unwrap().clone(),
            seq
        }
    );
    assert_eq!(r.store().last_seq(&t).await.unwrap(), seq);
    // A retry that the table would refuse now still gets its first answer.
    let made = send(&r, &t, "discord:1", "i-2", "char new Aria wizard 3 elf").await;
    let made_seq = done(&made);
    let retried = send(&r, &t, "discord:1", "i-2", "char new Aria wizard 3 elf").await;
    assert!(
        matches!(retried, Answer::Repeated { seq: s, .. } if s == made_seq),
        "{retried:?}"
    );
    // The same id from another transport is another request.
    let radio = r
        .submit(Envelope {
            transport: Transport::Radio,
            table: t.clone(),
            sender: "radio:!c3".into(),
            request_id: "i-1".into(),
            command: dm::parse("r 1d20").unwrap(),
        })
        .await
        .unwrap();
    assert_eq!(done(&radio), made_seq + 1);
    drop(r);
    let r = router(db, config()).await;
    let third = send(&r, &t, "discord:1", "i-1", "r 1d20+5").await;
    assert!(matches!(third, Answer::Repeated { seq: s, .. } if s == seq));
    assert_eq!(r.store().last_seq(&t).await.unwrap(), made_seq + 1);
    assert_eq!(r.table(&t).await.unwrap(), replayed(&r, &t).await);
}

async fn the_rate_limit_refuses_without_changing_anything(db: &Db) {
    let mut c = config();
    c.rate_limit = Some(RateLimit {
        burst: 2.0,
        per_second: 0.01,
    });
    let r = router(db, c).await;
    let t = table(&r, "limit").await;
    done(&say(&r, &t, "discord:1", "r d20").await);
    done(&say(&r, &t, "discord:1", "r d20").await);
    let seq = r.store().last_seq(&t).await.unwrap();
    let limited = say(&r, &t, "discord:1", "r d20").await;
    let Answer::Limited { retry_after } = limited else {
        panic!("expected Limited, got {limited:?}");
    };
    assert!(retry_after.as_secs() >= 50, "{retry_after:?}");
    assert_eq!(r.store().last_seq(&t).await.unwrap(), seq);
    // Someone else is not held back.
    done(&say(&r, &t, "discord:2", "r d20").await);
}

async fn a_linked_radio_node_plays_the_discord_players_character(db: &Db) {
    let r = router(db, config()).await;
    let t = table(&r, "link").await;
    done(&say(&r, &t, "discord:42", "char new Aria wizard 3 elf").await);
    let code = r.link_code("discord:42");
    assert!(matches!(
        r.redeem_link("radio:!a1b2", "000000x").await,
        Err(RouterError::BadLinkCode)
    ));
    let node = unique("radio:!a1b2");
    assert_eq!(
        r.redeem_link(&node, &code).await.unwrap(),
        PlayerId::new("discord:42")
    );
    // A code works once.
    assert!(r.redeem_link("radio:!ffff", &code).await.is_err());
    let sheet = say(&r, &t, &node, "sheet").await;
    assert!(text(&sheet).contains("Aria"), "{}", text(&sheet));
    // The link is stored: a restarted router knows it.
    drop(r);
    let r = router(db, config()).await;
    assert_eq!(r.player_of(&node), PlayerId::new("discord:42"));
}

async fn every_attached_transport_hears_the_reply(db: &Db) {
    let r = router(db, config()).await;
    let t = table(&r, "fanout").await;
    let mut discord_side = r.subscribe(&t);
    let answer = say(&r, &t, "radio:!77", "r 2d6").await;
    let heard = discord_side.recv().await.unwrap();
    assert_eq!(heard.table, t);
    assert_eq!(heard.via, Transport::Radio);
    assert_eq!(heard.actor, PlayerId::new("radio:!77"));
    assert_eq!(Some(&heard.reply), answer.reply());
    assert_eq!(heard.seq, done(&answer));
    // A refusal is told to its sender only.
    let _ = say(&r, &t, "radio:!77", "dm encounter").await;
    assert!(discord_side.try_recv().is_err());
}

async fn dm_edits_are_in_the_sheet_history(db: &Db) {
    let r = router(db, config()).await;
    let t = table(&r, "sheet").await;
    done(&say(&r, &t, "discord:1", "char new Aria fighter 3 human").await);
    done(
        &say(
            &r,
            &t,
            "discord:dm",
            r#"dm set aria str 18 "a belt of giant strength""#,
        )
        .await,
    );
    // Not the DM: refused, and no history.
    let refused = say(&r, &t, "discord:1", r#"dm set aria str 20 "because""#).await;
    assert!(matches!(refused, Answer::Refused { .. }), "{refused:?}");
    let history = r.store().sheet_history(&t, "aria").await.unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history[0].reason, "created");
    assert!(history[0].before.is_null());
    let edit = &history[1];
    assert_eq!(edit.who, "discord:dm");
    assert_eq!(edit.reason, "a belt of giant strength");
    assert_ne!(edit.before, edit.after);
    let after = serde_json::to_string(&edit.after).unwrap();
    assert!(after.contains("18"), "{after}");
}

async fn two_routers_on_one_store_never_diverge(db: &Db) {
    let a = Arc::new(router(db, config()).await);
    let t = table(&a, "two").await;
    let b = Arc::new(router(db, config()).await);
    // Both load the table, then write to it in turns and at once.
    done(&say(&a, &t, "discord:1", "r d20").await);
    done(&say(&b, &t, "discord:2", "r d20").await);
    done(&say(&a, &t, "discord:1", "r d20").await);
    let mut tasks = Vec::new();
    for i in 0..16 {
        let r = if i % 2 == 0 { a.clone() } else { b.clone() };
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            say(&r, &t, &format!("discord:{i}"), "r d20").await
        }));
    }
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(done(&task.await.unwrap()));
    }
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), 16, "every command got a seq of its own");
    // Opened + 3 + 16 rolls, each exactly once, replaying cleanly.
    assert_eq!(a.store().last_seq(&t).await.unwrap(), 20);
    let truth = replayed(&a, &t).await;
    assert_eq!(truth.applied, 20);
    assert_eq!(truth.next_roll, 19);
    let fresh = router(db, config()).await;
    assert_eq!(fresh.table(&t).await.unwrap(), truth);
}

async fn a_character_is_in_one_running_adventure_at_a_time(db: &Db) {
    let r = router(db, config()).await;
    let (a, b) = (table(&r, "keep-a").await, table(&r, "keep-b").await);
    // A player of this run only: a shared database keeps other runs' rows.
    let pat = format!("discord:{}", unique("pat"));
    let pat = pat.as_str();
    // Brom is made at both tables by the same player: one character.
    for t in [&a, &b] {
        done(&say(&r, t, pat, "char new Brom fighter 2 human").await);
    }
    done(&say(&r, &a, "discord:dm", "dm adventure the-sunken-chapel").await);
    assert_eq!(
        r.store().adventure_of(pat, "brom").await.unwrap(),
        Some(a.clone())
    );
    // At the other table the adventure can't take Brom along…
    let refused = say(&r, &b, "discord:dm", "dm adventure the-sunken-chapel").await;
    let Answer::Refused { why } = &refused else {
        panic!("{refused:?}")
    };
    assert!(
        why.contains("brom is in a running adventure") && why.contains(&a),
        "{why}"
    );
    assert!(
        r.table(&b).await.unwrap().adventure.is_none(),
        "nothing changed"
    );
    // …until Brom leaves the first party; then it can, and holds him.
    done(&say(&r, &a, pat, "party leave").await);
    assert_eq!(r.store().adventure_of(pat, "brom").await.unwrap(), None);
    done(&say(&r, &b, "discord:dm", "dm adventure the-sunken-chapel").await);
    assert_eq!(
        r.store().adventure_of(pat, "brom").await.unwrap(),
        Some(b.clone())
    );
    let back = say(&r, &a, pat, "party join").await;
    assert!(matches!(back, Answer::Refused { .. }), "{back:?}");
    assert!(
        !r.table(&a)
            .await
            .unwrap()
            .adventure
            .unwrap()
            .in_party("brom"),
        "Brom stays out of the first party"
    );
}
