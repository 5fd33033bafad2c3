//! The web table over HTTP and WebSocket, without a browser: rights, bad
//! input (unknown table, forged cookie, stale code, missing CSRF token,
//! another site's form, oversized and flooding sockets) and the admin API.
//! Each refusal is checked to change nothing.

#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::Duration;

use bot::transport::web::auth::{COOKIE, Session};
use common::web::{ADMIN_TOKEN, SECRET, Site, site};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

fn client() -> reqwest::Client {
    monsters::llm::install_crypto_provider();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A session cookie for `player`, signed as the site signs them.
fn cookie(player: &str) -> (Session, String) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let s = Session::new(player, now, 600);
    let c = format!("{COOKIE}={}", s.encode(SECRET));
    (s, c)
}

fn encode(form: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish()
}

async fn get(s: &Site, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut r = client().get(s.url(path));
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    let resp = r.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn post(
    s: &Site,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
    origin: Option<&str>,
) -> (u16, String) {
    let mut r = client()
        .post(s.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(form));
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    if let Some(o) = origin {
        r = r.header("origin", o);
    }
    let resp = r.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn seq(s: &Site) -> u64 {
    s.router.seq(&s.table).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_table_is_404_and_leaves_nothing_behind() {
    let s = site().await;
    let (_, aria) = cookie("console:aria");
    let (status, body) = get(&s, "/t/no-such-table", Some(&aria)).await;
    assert_eq!(status, 404);
    assert!(body.contains("no such table"));
    let (status, _) = get(&s, "/t/no-such-table/dm", Some(&aria)).await;
    assert_eq!(status, 404);
    // The router never loaded it.
    assert!(matches!(
        s.router.table("no-such-table").await,
        Err(bot::core::router::RouterError::UnknownTable(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_or_tampered_cookies_are_401_and_cleared() {
    let s = site().await;
    let page = format!("/t/{}", s.table);
    let now = 4_000_000_000;
    let forged = Session::new("console:dm", now - 10, 600).encode(b"not the site's secret");
    let resp = client()
        .get(s.url(&page))
        .header("cookie", format!("{COOKIE}={forged}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let cleared = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(resp.text().await.unwrap().contains("not ours"));
    // Aria's real cookie with the player changed to the DM's.
    let (_, aria) = cookie("console:aria");
    let hex_dm: String = b"console:dm".iter().map(|b| format!("{b:02x}")).collect();
    let mut parts: Vec<String> = aria.split('.').map(str::to_owned).collect();
    parts[1] = hex_dm;
    let (status, _) = get(&s, &page, Some(&parts.join("."))).await;
    assert_eq!(status, 401);
    let (status, _) = get(&s, &page, Some(&format!("{COOKIE}=garbage"))).await;
    assert_eq!(status, 401);
    // A real one works.
    let (status, body) = get(&s, &page, Some(&aria)).await;
    assert_eq!(status, 200);
    assert!(body.contains("Goblin (g1)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_unknown_and_spent_codes_sign_no_one_in() {
    let s = site().await;
    let (status, body) = post(&s, "/signin", None, &[("code", "ABCDEFGH")], None).await;
    assert_eq!(status, 401);
    assert!(body.contains("unknown, used or expired"));
    let (status, body) = post(&s, "/signin", None, &[("code", "<b>x</b>")], None).await;
    assert_eq!(status, 401);
    assert!(!body.contains("<b>x</b>"));
    // Expired a second ago.
    let past = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        - 1_000;
    let store = s.router.store();
    assert!(
        store
            .add_web_code("OLDCODE2", "console:aria", past)
            .await
            .unwrap()
    );
    let (status, _) = post(&s, "/signin", None, &[("code", "oldcode2")], None).await;
    assert_eq!(status, 401);
    // A good one works once, and sets a strict, HttpOnly cookie.
    let code = s.code("aria");
    let resp = client()
        .post(s.url("/signin"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(&[("code", code.as_str())]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let set = resp.headers()["set-cookie"].to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let (status, _) = post(&s, "/signin", None, &[("code", &code)], None).await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_from_discord_or_the_radio_signs_in_as_that_player() {
    let s = site().await;
    // `/char link` on Discord and `link` on the radio ask the router for a code.
    let code = s.router.link_code("discord:4242");
    let resp = client()
        .post(s.url("/signin"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(&[("code", code.as_str())]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let set = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    let value = set
        .split(';')
        .next()
        .unwrap()
        .strip_prefix(&format!("{COOKIE}="))
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let session = Session::decode(value, SECRET, now).unwrap();
    assert_eq!(session.player, "discord:4242");
    // The browser plays as that player through the router.
    assert_eq!(
        s.router.player_of(&session.sender()),
        dm::PlayerId::new("discord:4242")
    );
    // Spent.
    let (status, _) = post(&s, "/signin", None, &[("code", &code)], None).await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_the_token_or_from_another_site_change_nothing() {
    let s = site().await;
    let (aria_s, aria) = cookie("console:aria");
    let path = format!("/t/{}/do", s.table);
    let before = seq(&s).await;
    let (status, _) = post(&s, &path, Some(&aria), &[("cmd", "dodge")], None).await;
    assert_eq!(status, 403);
    let csrf = aria_s.csrf(SECRET);
    let (status, _) = post(
        &s,
        &path,
        Some(&aria),
        &[("cmd", "dodge"), ("csrf", &csrf)],
        Some("http://evil.example"),
    )
    .await;
    assert_eq!(status, 403);
    // Not signed in at all.
    let (status, _) = post(&s, &path, None, &[("cmd", "dodge"), ("csrf", &csrf)], None).await;
    assert_eq!(status, 401);
    // A player at the DM's desk.
    let desk = format!("/t/{}/dm", s.table);
    let (status, body) = post(
        &s,
        &desk,
        Some(&aria),
        &[
            ("action", "hp"),
            ("target", "g1"),
            ("value", "-5"),
            ("csrf", &csrf),
        ],
        None,
    )
    .await;
    assert_eq!(status, 403);
    assert!(body.contains("the desk is the DM"), "{body}");
    assert_eq!(seq(&s).await, before);
    // With the token, from this site: done, through the router.
    let (status, body) = post(
        &s,
        &path,
        Some(&aria),
        &[("cmd", "dodge"), ("csrf", &csrf), ("rid", "r1")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("Aria dodges"), "{body}");
    let after = seq(&s).await;
    assert!(after > before);
    // The same form sent again (a reload) is carried out once.
    let (status, _) = post(
        &s,
        &path,
        Some(&aria),
        &[("cmd", "dodge"), ("csrf", &csrf), ("rid", "r1")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(seq(&s).await, after);
}

/// A WebSocket to the table with `cookie`.
async fn socket(
    s: &Site,
    cookie: &str,
) -> tokio_tungstenite::WebSocketStream<tokio::net::TcpStream> {
    let mut req = format!("ws://{}/t/{}/ws", s.addr, s.table)
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let tcp = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let (ws, _) = tokio_tungstenite::client_async(req, tcp).await.unwrap();
    ws
}

/// The close code the server ends `ws` with (skipping other messages).
async fn closed_with(
    ws: &mut tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
) -> Option<CloseCode> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| f.code),
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_plays_and_an_oversized_message_closes_it_with_1009() {
    let s = site().await;
    let (_, aria) = cookie("console:aria");
    let mut ws = socket(&s, &aria).await;
    ws.send(Message::Text(r#"{"cmd":"r 1d20","rid":"w1"}"#.into()))
        .await
        .unwrap();
    let answer = loop {
        let Some(Ok(Message::Text(t))) = ws.next().await else {
            panic!("the socket closed")
        };
        let v: serde_json::Value = serde_json::from_str(&t).unwrap();
        if v["type"] == "answer" {
            break v["text"].as_str().unwrap().to_owned();
        }
    };
    assert!(answer.contains("1d20"), "{answer}");
    let before = seq(&s).await;
    let big = format!(r#"{{"cmd":"dodge","pad":"{}"}}"#, "x".repeat(10_000));
    ws.send(Message::Text(big)).await.unwrap();
    assert_eq!(closed_with(&mut ws).await, Some(CloseCode::Size));
    assert_eq!(
        seq(&s).await,
        before,
        "the oversized message changed the table"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_socket_is_closed_with_1008() {
    let s = site().await;
    let (_, aria) = cookie("console:aria");
    let mut ws = socket(&s, &aria).await;
    for _ in 0..40 {
        if ws
            .send(Message::Text(r#"{"nonsense":true}"#.into()))
            .await
            .is_err()
        {
            break;
        }
    }
    assert_eq!(closed_with(&mut ws).await, Some(CloseCode::Policy));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_check_rights_like_pages() {
    let s = site().await;
    let url = s.url(&format!("/t/{}/ws", s.table));
    // No cookie and no watchers: refused before the upgrade.
    let resp = client()
        .get(&url)
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    // Someone who plays elsewhere: forbidden here.
    let (_, other) = cookie("console:stranger");
    let resp = client()
        .get(&url)
        .header("cookie", other)
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_api_lists_tables_and_exports_the_log() {
    let s = site().await;
    let c = client();
    let resp = c.get(s.url("/api/tables")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let resp = c
        .get(s.url("/api/tables"))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let tables: serde_json::Value = c
        .get(s.url("/api/tables"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = tables.as_array().unwrap();
    let ours = listed.iter().find(|t| t["id"] == s.table.as_str()).unwrap();
    let last = seq(&s).await;
    assert_eq!(ours["events"], last);
    let log = c
        .get(s.url(&format!("/api/tables/{}/log", s.table)))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, last);
    assert_eq!(lines[0]["seq"], 1);
    let resp = c
        .get(s.url("/api/tables/nope/log"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    // A co-DM's rights taken back, logged; the table's DM keeps theirs.
    assert!(
        s.router
            .grant_dm(&s.table, "discord:77", "Manage Server on Discord")
            .await
            .unwrap()
    );
    let revoke = |who: &str| {
        c.delete(s.url(&format!("/api/tables/{}/co-dms/{who}?reason=left", s.table)))
            .bearer_auth(ADMIN_TOKEN)
            .send()
    };
    let r: serde_json::Value = revoke("discord:77").await.unwrap().json().await.unwrap();
    assert_eq!(r["revoked"], true);
    let t = s.router.table(&s.table).await.unwrap();
    assert!(!t.is_dm(&dm::PlayerId::new("discord:77")));
    let r: serde_json::Value = revoke("console:dm").await.unwrap().json().await.unwrap();
    assert_eq!(r["revoked"], false);
    assert!(
        s.router
            .table(&s.table)
            .await
            .unwrap()
            .is_dm(&dm::PlayerId::new("console:dm"))
    );
    let unauthorized = c
        .delete(s.url(&format!("/api/tables/{}/co-dms/x", s.table)))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status().as_u16(), 401);
    // Closing: logged, then nothing changes the table, but it can be read.
    let close = || {
        c.post(s.url(&format!("/api/tables/{}/close?reason=over", s.table)))
            .bearer_auth(ADMIN_TOKEN)
            .send()
    };
    let r: serde_json::Value = close().await.unwrap().json().await.unwrap();
    assert_eq!(r["closed"], true);
    let r: serde_json::Value = close().await.unwrap().json().await.unwrap();
    assert_eq!(r["closed"], false);
    let before = seq(&s).await;
    match s.say("dm", "n").await {
        bot::core::router::Answer::Refused { why } => assert!(why.contains("closed"), "{why}"),
        other => panic!("a closed table took a command: {other:?}"),
    }
    assert_eq!(seq(&s).await, before);
    let (_, dm) = cookie("console:dm");
    let (status, _) = get(&s, &format!("/t/{}", s.table), Some(&dm)).await;
    assert_eq!(status, 200);
    let doc: serde_json::Value = c
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/tables/{table}/log"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_page_is_small_and_loads_nothing_from_elsewhere() {
    let s = site().await;
    let (_, dm) = cookie("console:dm");
    let (status, page) = get(&s, &format!("/t/{}", s.table), Some(&dm)).await;
    assert_eq!(status, 200);
    let (_, css) = get(&s, "/assets/style.css", None).await;
    let (_, js) = get(&s, "/assets/app.js", None).await;
    let weight = page.len() + css.len() + js.len();
    println!(
        "page weight of /t/{{table}}: {weight} bytes (html {}, css {}, js {})",
        page.len(),
        css.len(),
        js.len()
    );
    assert!(weight < 60 * 1024, "{weight} bytes");
    for attr in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "src=\"//",
        "href=\"//",
    ] {
        assert!(!page.contains(attr) && !css.contains(attr), "{attr}");
    }
}

#[test]
fn serve_with_only_the_web_is_a_valid_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("d.db").display());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(["config", "check", "--web", "--database", &db])
        .current_dir(dir.path())
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("configuration OK"));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("[web]") && shown.contains("enabled = true"),
        "{shown}"
    );
    // Secrets never print.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(["config", "check", "--web", "--database", &db])
        .current_dir(dir.path())
        .env("DUNGEON_WEB__ADMIN_TOKEN", "a-very-secret-admin-token")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(!shown.contains("a-very-secret-admin-token"), "{shown}");
    assert!(out.status.success());
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Figures, run by hand: memory per idle socket and fan-out time with
/// `DD_WEB_SOCKETS` (1,000) WebSockets on one table:
/// `cargo test -p bot --release --test web -- --ignored figures --nocapture`.
/// The memory is the whole test process's (server and clients both), so
/// the figure per socket is an upper bound on the server's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run by hand"]
async fn figures_socket_memory_and_fan_out() {
    let n: usize = std::env::var("DD_WEB_SOCKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let s = site().await;
    let (_, dm) = cookie("console:dm");
    // Warm up: templates, the table, one socket.
    drop(socket(&s, &dm).await);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = rss_kb();
    let mut sockets = Vec::with_capacity(n);
    for _ in 0..n {
        sockets.push(socket(&s, &dm).await);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kb();
    let per_socket = (after.saturating_sub(before)) as f64 * 1024.0 / n as f64;
    // Fan-out: every socket reads until it has the live part of each command.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, std::time::Instant)>();
    for (i, mut ws) in sockets.into_iter().enumerate() {
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(Ok(m)) = ws.next().await {
                if let Message::Text(t) = m
                    && t.contains("\"type\":\"live\"")
                {
                    let _ = tx.send((i, std::time::Instant::now()));
                }
            }
        });
    }
    drop(tx);
    let rounds = 20;
    let mut fan_out = Vec::new();
    for round in 0..rounds {
        let at = std::time::Instant::now();
        s.say("dm", "r 1d20").await;
        let mut got = 0;
        let mut last = at;
        while got < n {
            let (_, when) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .unwrap_or_else(|_| panic!("round {round}: {got} of {n} sockets heard"))
                .unwrap();
            got += 1;
            last = last.max(when);
        }
        fan_out.push(last.duration_since(at).as_secs_f64() * 1000.0);
    }
    fan_out.sort_by(f64::total_cmp);
    println!(
        "figures: {n} idle sockets: {:.1} KB each (process RSS {before} → {after} KB); \
         commit → last of {n} sockets: p50 {:.1} ms, p99 {:.1} ms over {rounds} commands",
        per_socket / 1024.0,
        fan_out[fan_out.len() / 2],
        fan_out[((fan_out.len() - 1) as f64 * 0.99).round() as usize],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_the_adventure_as_the_party_knows_it_and_the_dm_all_of_it() {
    let s = site().await;
    s.say("dm", "dm end").await;
    s.say("dm", "dm adventure the-sunken-chapel").await;
    let page = |who: &'static str| {
        let s = &s;
        async move {
            let (_, c) = cookie(&format!("console:{who}"));
            let (status, body) = get(s, &format!("/t/{}", s.table), Some(&c)).await;
            assert_eq!(status, 200, "{body}");
            body
        }
    };
    let player = page("aria").await;
    assert!(player.contains("The Sunken Chapel"), "{player}");
    assert!(player.contains("Causeway End"), "{player}");
    assert!(
        player.contains("n porch → ?"),
        "the far side is unknown yet: {player}"
    );
    // The secret way and the areas not yet found are nowhere on the page.
    for unknown in ["Old Sluice", "Sagging Porch", "DM's map"] {
        assert!(!player.contains(unknown), "{unknown} on a player's page");
    }
    let dm = page("dm").await;
    assert!(dm.contains("DM's map") && dm.contains("Old Sluice"), "{dm}");
    // After the party walks on, the map shows where it has been.
    s.say("aria", "leader aria").await;
    s.say("aria", "go n").await;
    let player = page("aria").await;
    assert!(
        player.contains("Sagging Porch") && player.contains("s causeway → Causeway End"),
        "{player}"
    );
    // The DM keeps watchers out: a signed-in stranger sees only that it runs.
    s.say("dm", "dm access watch off").await;
    s.say("dm", "dm access closed").await;
    s.say("cy", "char new Cy wizard 3 elf").await;
    let outsider = page("cy").await;
    assert!(
        outsider.contains("Only the party sees this adventure"),
        "{outsider}"
    );
    assert!(!outsider.contains("Causeway End"), "{outsider}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_character_is_imported_with_its_report_and_bad_pastes_change_nothing() {
    let s = site().await;
    let (bram_s, bram) = cookie("console:bram");
    let csrf = bram_s.csrf(SECRET);
    let path = format!("/t/{}/import", s.table);
    let sheet = include_str!("../../sheets/tests/fixtures/foundry-homebrew.json");
    // The table's page offers the paste to a signed-in player.
    let (status, page) = get(&s, &format!("/t/{}", s.table), Some(&bram)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("action=\"/t/") && page.contains("/import\""),
        "{page}"
    );
    assert!(
        page.contains("<textarea id=\"sheet\" name=\"sheet\""),
        "{page}"
    );
    let before = seq(&s).await;
    // Without the form's token, or signed out: refused.
    let (status, _) = post(&s, &path, Some(&bram), &[("sheet", sheet)], None).await;
    assert_eq!(status, 403);
    let (status, _) = post(&s, &path, None, &[("sheet", sheet), ("csrf", &csrf)], None).await;
    assert_eq!(status, 401);
    // Nothing pasted, or more than a character file may be.
    let (status, body) = post(
        &s,
        &path,
        Some(&bram),
        &[("sheet", "  "), ("csrf", &csrf)],
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("paste a character"), "{body}");
    let huge = "x".repeat(sheets::MAX_BYTES + 1);
    let (status, body) = post(
        &s,
        &path,
        Some(&bram),
        &[("sheet", &huge), ("csrf", &csrf)],
        None,
    )
    .await;
    assert_eq!(status, 413);
    assert!(body.contains("at most 2097152 bytes"), "{body}");
    // Not a character: the reader's short reason as the answer.
    let (status, body) = post(
        &s,
        &path,
        Some(&bram),
        &[("sheet", "just some notes"), ("csrf", &csrf), ("rid", "a1")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("import: ") && body.contains("not a character file"),
        "{body}"
    );
    assert_eq!(seq(&s).await, before, "a refused paste changes nothing");
    // A Foundry actor: imported as Bram's character, the report shown.
    let (status, body) = post(
        &s,
        &path,
        Some(&bram),
        &[("sheet", sheet), ("csrf", &csrf), ("rid", "b2")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("Vex"), "{body}");
    assert!(body.contains("feat Mobile: not in the SRD"), "{body}");
    let t = s.router.table(&s.table).await.unwrap();
    let vex = t.character("vex").expect("imported");
    assert_eq!(vex.weapons, ["rapier", "moonblade"]);
    assert_eq!(
        t.players.get(&dm::PlayerId::new("console:bram")),
        Some(&"vex".to_owned())
    );
    // The same form again (a reload): imported once.
    let after = seq(&s).await;
    let (status, _) = post(
        &s,
        &path,
        Some(&bram),
        &[("sheet", sheet), ("csrf", &csrf), ("rid", "b2")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(seq(&s).await, after);
}
