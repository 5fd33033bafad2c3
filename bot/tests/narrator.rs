//! The narrator through the router, against a local fake of Gemini's
//! `generateContent`: narration is published after the committed reply as
//! its own message; a late, failed or inventing model leaves the game as it
//! was and the template tells the scene instead; templates alone tell only
//! area entries and fight ends.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bot::core::narrator::Narrator;
use bot::core::router::{Answer, Clock, Config, Envelope, Published, Router, Transport};
use common::db::{Db, unique};
use dm::seed::TableSeed;
use dm::{Line, PlayerId};
use monsters::llm::gemini::{GeminiConfig, GeminiPlanner};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::broadcast;

fn clock() -> Clock {
    let t = Arc::new(AtomicU64::new(1_750_000_000));
    Arc::new(move || t.fetch_add(6, Ordering::Relaxed))
}

/// A Gemini that answers every call with `text` after `delay`.
async fn model(text: &'static str, delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(move || async move {
        tokio::time::sleep(delay).await;
        let answer = json!({
            "candidates": [{
                "content": {"role": "model", "parts": [{"text": text}]},
                "finishReason": "STOP"
            }],
            "usageMetadata": {"promptTokenCount": 300, "candidatesTokenCount": 20}
        });
        (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            answer.to_string(),
        )
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn gemini(url: String) -> Arc<GeminiPlanner> {
    let mut config = GeminiConfig::new("AIza-test");
    config.base_url = url;
    Arc::new(GeminiPlanner::new(config).unwrap())
}

async fn table(narrator: Option<Narrator>) -> (Db, Router, String, broadcast::Receiver<Published>) {
    let db = Db::sqlite();
    let mut config = Config::for_store(&db.open().await);
    config.rate_limit = None;
    let router = Router::start(db.open().await, config, clock())
        .await
        .unwrap();
    let id = unique("narrated");
    let seed = TableSeed::from_entropy_bytes([3; 32]);
    router
        .open_table(&id, &json!({}), PlayerId::new("console:dm"), &seed)
        .await
        .unwrap();
    router.set_narrator(narrator);
    let rx = router.subscribe(&id);
    (db, router, id, rx)
}

async fn say(router: &Router, table: &str, who: &str, line: &str) -> dm::Reply {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let answer = router
        .submit(Envelope {
            transport: Transport::Console,
            table: table.to_owned(),
            sender: format!("console:{who}"),
            request_id: format!("n-{}", NEXT.fetch_add(1, Ordering::Relaxed)),
            command: dm::parse(line).unwrap(),
        })
        .await
        .unwrap();
    match answer {
        Answer::Done { reply, .. } => reply,
        other => panic!("`{line}`: {other:?}"),
    }
}

/// Sets up Aria against one goblin and kills it through the DM; returns
/// what was published, in order, within `wait`.
async fn a_fight_ends(narrator: Option<Narrator>, wait: Duration) -> (Vec<Published>, dm::Table) {
    let (_db, router, id, mut rx) = table(narrator).await;
    say(&router, &id, "aria", "char new Aria fighter 1 human").await;
    say(&router, &id, "dm", "dm encounter").await;
    say(&router, &id, "dm", "madd goblin --avg").await;
    say(&router, &id, "dm", "dm hp g1 -50").await;
    say(&router, &id, "dm", "dm end").await;
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Ok(p)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        seen.push(p);
    }
    (seen, router.table(&id).await.unwrap())
}

fn narrations(seen: &[Published]) -> Vec<String> {
    seen.iter()
        .filter(|p| p.via == Transport::Narrator)
        .flat_map(|p| p.reply.lines.iter())
        .filter_map(|l| match l {
            Line::Narration { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn templates_tell_the_fight_s_end_after_its_reply() {
    let (seen, _) = a_fight_ends(Some(Narrator::templates()), Duration::from_millis(500)).await;
    let told = narrations(&seen);
    assert_eq!(
        told,
        ["The last foe falls, and the fight is over."],
        "{seen:#?}"
    );
    let end = seen.iter().position(|p| {
        p.via == Transport::Console
            && p.reply
                .lines
                .iter()
                .any(|l| matches!(l, Line::Note { text } if text.starts_with("The fight is over")))
    });
    let narration = seen.iter().position(|p| p.via == Transport::Narrator);
    assert!(
        end.unwrap() < narration.unwrap(),
        "the rules' reply comes first"
    );
}

#[tokio::test]
async fn an_honest_model_narrates_every_command() {
    let url = model(
        "The goblin is slain, and the fight is over.",
        Duration::ZERO,
    )
    .await;
    let narrator = Narrator::with_model(gemini(url), Duration::from_secs(2), "grim".into());
    let (seen, _) = a_fight_ends(Some(narrator), Duration::from_millis(800)).await;
    let told = narrations(&seen);
    assert!(
        told.iter()
            .filter(|t| *t == "The goblin is slain, and the fight is over.")
            .count()
            >= 1,
        "{told:?}"
    );
}

#[tokio::test]
async fn an_inventing_or_late_model_changes_nothing_and_the_template_tells_it() {
    let without = a_fight_ends(None, Duration::from_millis(300)).await.1;
    for (text, delay) in [
        ("The goblin dies and drops 500 gold.", Duration::ZERO),
        ("The goblin is slain.", Duration::from_secs(3)),
    ] {
        let url = model(text, delay).await;
        let narrator = Narrator::with_model(gemini(url), Duration::from_millis(300), String::new());
        let (seen, table) = a_fight_ends(Some(narrator), Duration::from_millis(1500)).await;
        let told = narrations(&seen);
        assert!(!told.iter().any(|t| t.contains("500")), "{told:?}");
        assert!(
            told.contains(&"The last foe falls, and the fight is over.".to_owned()),
            "{told:?}"
        );
        // The game is exactly the game without a narrator.
        assert_eq!(table.characters, without.characters);
        assert_eq!(table.journal.entries, without.journal.entries);
        assert_eq!(table.applied, without.applied);
    }
}

#[tokio::test]
async fn no_narrator_tells_nothing() {
    let (seen, _) = a_fight_ends(None, Duration::from_millis(300)).await;
    assert!(narrations(&seen).is_empty());
}

/// An OpenAI-style server that answers the n-th call with `answers[n % len]`.
async fn chat_server(answers: &'static [&'static str]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let calls = Arc::new(AtomicU64::new(0));
    let app = axum::Router::new().fallback(move || {
        let calls = Arc::clone(&calls);
        async move {
            let n = calls.fetch_add(1, Ordering::Relaxed) as usize;
            let answer = json!({
                "choices": [{ "index": 0, "finish_reason": "stop",
                              "message": { "role": "assistant", "content": answers[n % answers.len()] } }],
                "usage": { "prompt_tokens": 250, "completion_tokens": 20 }
            });
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                answer.to_string(),
            )
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eval_narration_counts_what_a_local_model_invents() {
    // Half the answers invent 500 gold: half are turned down.
    let url = chat_server(&["The blow is struck.", "A purse of 500 gold spills out."]).await;
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_dungeon"))
            .args([
                "eval",
                "narration",
                "--narrator",
                "openai",
                "--samples",
                "20",
                "--json",
            ])
            .env("DUNGEON_OPENAI_BASE_URL", &url)
            .env("DUNGEON_OPENAI_MODEL", "local-test")
            .env_remove("OPENAI_API_KEY")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let figures: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(figures["samples"], 20);
    assert_eq!(figures["model"], "openai");
    let acceptance = figures["acceptance"].as_f64().unwrap();
    assert!(acceptance < 0.75, "{figures}");
    assert!(
        figures["dropped"]["invented"].as_u64().unwrap() >= 5,
        "{figures}"
    );
    assert_eq!(figures["template_acceptance"], 1.0);
    assert!(figures["prompt_tokens_per_line"].as_f64().unwrap() > 0.0);
}
