//! A Discord player and a radio player at the same table: the real
//! serenity/poise client against the fake Discord, the radio adapter and
//! link against the fake Meshtastic node, one router. The Discord DM runs
//! the fight in a channel; a node plays a character at that channel's
//! table by DM; each side sees what the other does.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;
#[allow(dead_code)]
mod fake_discord;

use std::sync::Arc;
use std::time::Duration;

use bot::core::router::{Config, Router, system_clock};
use bot::core::turns::MonsterTurns;
use bot::transport::discord::table_id;
use bot::transport::radio::sender;
use common::db::Db;
use dm::PlayerId;
use fake_discord::FakeDiscord;
use radio::identity::TrustConfig;
use radio::pace::PaceConfig;
use serde_json::{Value, json};
use tests::fake_node::FakeNode;

const DM: u64 = 100_000_000_000_000_001;
const CHANNEL: u64 = 500_000_000_000_000_777;
const NODE: u32 = 0x0BAD_F00D;
const KEY: &[u8] = &[0x42; 32];
const WAIT: Duration = Duration::from_secs(20);

fn sub(name: &str, options: Vec<Value>) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

fn body_text(body: &Value) -> String {
    let data = body.get("data").unwrap_or(body);
    let mut out = data["content"].as_str().unwrap_or_default().to_owned();
    for e in data["embeds"].as_array().into_iter().flatten() {
        for part in [&e["title"], &e["description"], &e["footer"]["text"]] {
            if let Some(s) = part.as_str() {
                out.push('\n');
                out.push_str(s);
            }
        }
    }
    out
}

/// The node DMs `text`; returns the DMs it got back.
async fn say(node: &FakeNode, text: &str) -> Vec<String> {
    let before = node.texts_to(NODE).len();
    assert!(node.say(NODE, KEY, text));
    assert!(
        node.wait_until(WAIT, |s| s.iter().filter(|s| s.to == NODE).count() > before)
            .await,
        "no answer to {text:?}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    node.texts_to(NODE)[before..].to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discord_player_and_a_radio_player_share_a_fight() {
    // The metrics recorder, installed before anything counts.
    let metrics = bot::ops::telemetry::metrics();
    let db = Db::sqlite();
    let store = db.open().await;
    let config = Config {
        rate_limit: None,
        ..Config::for_store(&store)
    };
    let router = Arc::new(Router::start(store, config, system_clock()).await.unwrap());
    let turns = MonsterTurns::new(router.clone(), None, Duration::from_secs(2));
    // Discord.
    let fake = FakeDiscord::start().await;
    let settings = bot::transport::discord::Settings {
        token: "fake-token".to_owned(),
        api: Some(fake.api.clone()),
        seed: Some(7),
        defer_after: bot::transport::discord::DEFER_AFTER,
        go_vote_secs: bot::config::DISCORD_GO_VOTE_SECS,
    };
    let (r, t) = (router.clone(), turns.clone());
    tokio::spawn(async move {
        let _ = bot::transport::discord::run(r, t, settings, std::future::pending()).await;
    });
    // The radio, seated at the channel's table.
    let node = FakeNode::new(0xB0B0_0001).with_node(NODE, KEY);
    node.set_rate_limit(Duration::from_millis(10));
    let link = radio::link::spawn(
        node.connector(),
        radio::link::LinkConfig {
            pace: PaceConfig {
                min_gap: Duration::from_millis(40),
                hourly_airtime: None,
                node_hourly_airtime: None,
                ..PaceConfig::default()
            },
            ..radio::link::LinkConfig::default()
        },
    );
    let table = table_id(CHANNEL.into());
    let radio_settings = bot::transport::radio::Settings {
        table: table.clone(),
        channel: 0,
        trust: TrustConfig::default(),
        seed: Some(7),
        health: None,
        tally: bot::transport::radio::Tally::default(),
        go_vote_secs: bot::config::RADIO_GO_VOTE_SECS,
    };
    tokio::spawn(bot::transport::radio::run(
        router.clone(),
        turns,
        radio_settings,
        link,
        std::future::pending(),
    ));
    assert!(node.wait_handshakes(1, WAIT).await);

    // The Discord DM opens the table; the radio player makes a character.
    fake.ask(DM, CHANNEL, "init", sub("begin", vec![])).await;
    let made = say(&node, "char new Bo fighter 5 human").await;
    assert!(made[0].starts_with("Bo"), "{made:?}");
    let joined = say(&node, "init").await;
    assert!(joined[0].contains("initiative"), "{joined:?}");
    fake.ask(
        DM,
        CHANNEL,
        "dm",
        sub(
            "madd",
            vec![json!({"name": "monster", "type": 3, "value": "goblin"})],
        ),
    )
    .await;
    fake.ask(DM, CHANNEL, "init", sub("next", vec![])).await;
    // Bo plays his turns by radio until the goblin is down (the goblin's
    // turns are played by whichever transport's command made them due).
    let bo = PlayerId::new(sender(NODE));
    let mut acted = false;
    for _ in 0..200 {
        let t = router.table(&table).await.unwrap();
        if bot::core::game::fight_over(&t) {
            break;
        }
        let current = t.encounter.as_ref().unwrap().current().unwrap().to_owned();
        if t.players.get(&bo) != Some(&current) {
            tokio::time::sleep(Duration::from_millis(30)).await;
            continue;
        }
        let got = say(&node, "a").await;
        if let Some((_, rest)) = got.iter().find_map(|g| g.split_once("`move ")) {
            let target = rest.split_once('`').unwrap().0;
            say(&node, &format!("move {target}")).await;
            say(&node, "a").await;
        }
        say(&node, "e").await;
        acted = true;
    }
    assert!(acted, "Bo had a turn");
    // Discord saw Bo's radio actions in the channel.
    let path = format!("channels/{CHANNEL}/messages");
    let posted: Vec<String> = fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "POST" && c.path == path)
        .map(|c| body_text(&c.body))
        .collect();
    assert!(
        posted
            .iter()
            .any(|p| p.contains("Bo") && p.contains("radio")),
        "{posted:#?}"
    );
    // The radio player heard Discord's side: the turn handed to Bo by
    // `/init next` or a goblin's attack on him.
    // The radio's traffic is in the metrics.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let text = metrics.render();
    for want in [
        "dungeon_radio_packets_total{direction=\"rx\"}",
        "dungeon_radio_packets_total{direction=\"tx\"}",
        "dungeon_radio_airtime_milliseconds_total",
        "dungeon_radio_queue_length",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    let heard = node.texts_to(NODE);
    if std::env::var_os("RADIO_DUMP").is_some() {
        println!("{posted:#?}\n{heard:#?}");
    }
    assert!(
        heard
            .iter()
            .any(|h| h.contains("Bo's turn") || h.contains("→Bo")),
        "{heard:#?}"
    );
}
