//! The web table in a real browser: headless Chromium driven through
//! WebDriver (chromedriver, `fantoccini`), against the web transport served
//! on a real port over a real router and store.
//!
//! Without Chromium and chromedriver each test prints `skipped: <name>`;
//! with `DD_REQUIRE_BROWSER=1` (as `.ci/run` sets) a missing browser fails.
//! Screenshots go to `target/web-shots/`.

#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::io::Write as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bot::core::router::Transport;
use common::web::{Site, site};
use dm::PlayerId;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// One browser test at a time: each drives its own Chromium, and the
/// machine is small.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// chromedriver, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(program))
            .find(|p| p.is_file())
    })
}

/// chromedriver on a free port, or `None` after saying the test is skipped
/// (a failure under `DD_REQUIRE_BROWSER=1`).
async fn driver(test: &str) -> Option<(Driver, std::path::PathBuf)> {
    let driver = find("chromedriver");
    let browser = find("chromium").or_else(|| find("chromium-browser"));
    let (Some(driver), Some(browser)) = (driver, browser) else {
        assert!(
            std::env::var("DD_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "{test}: chromium and chromedriver are required (DD_REQUIRE_BROWSER=1): \
             apt-get install -y --no-install-recommends chromium chromium-driver"
        );
        let _ = writeln!(
            std::io::stdout(),
            "skipped: {test} (no chromium/chromedriver on PATH)"
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let d = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Some((d, browser))
}

/// A new browser (its own cookies) on `driver`.
async fn browser(d: &Driver, chromium: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1100,1300"],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&d.url)
        .await
        .expect("a browser session")
}

/// Signs `b` in as `name` with a console code.
async fn sign_in(s: &Site, b: &Client, name: &str) {
    let code = s.code(name);
    b.goto(&s.url("/signin")).await.unwrap();
    b.find(Locator::Id("code"))
        .await
        .unwrap()
        .send_keys(&code)
        .await
        .unwrap();
    b.find(Locator::Css("form.signin button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("span.me"))
        .await
        .expect("signed in");
}

async fn text(b: &Client, css: &str) -> String {
    b.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn shot(b: &Client, name: &str) {
    let png = b.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/web-shots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Waits until `check` holds on the page's source, up to `secs`.
async fn until(b: &Client, secs: u64, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let src = b.source().await.unwrap();
        if check(&src) {
            return src;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; the page:\n{}",
            b.find(Locator::Css("main"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_with_a_console_code_opens_the_table() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some((d, chromium)) = driver("signing_in_with_a_console_code_opens_the_table").await else {
        return;
    };
    let s = site().await;
    let b = browser(&d, &chromium).await;
    // Not signed in, and watchers not allowed: the table says to sign in.
    b.goto(&s.url(&format!("/t/{}", s.table))).await.unwrap();
    assert!(text(&b, "main").await.contains("sign in to see this table"));
    // A code from the console signs in as Aria's player.
    sign_in(&s, &b, "aria").await;
    assert!(text(&b, "span.me").await.contains("console:aria"));
    assert!(text(&b, "ul.tables").await.contains(&s.table));
    b.goto(&s.url(&format!("/t/{}", s.table))).await.unwrap();
    let order = text(&b, "ol.order").await;
    assert!(
        order.contains("Aria") && order.contains("Goblin (g1)"),
        "{order}"
    );
    assert!(text(&b, "h1").await.contains("player"));
    // Aria's turn: her options are buttons.
    assert!(
        !b.find_all(Locator::Css("button.opt"))
            .await
            .unwrap()
            .is_empty()
    );
    shot(&b, "table-player").await;
    // The code worked once.
    let code = s.code("aria");
    let b2 = browser(&d, &chromium).await;
    for expect_ok in [true, false] {
        b2.goto(&s.url("/signin")).await.unwrap();
        b2.find(Locator::Id("code"))
            .await
            .unwrap()
            .send_keys(&code)
            .await
            .unwrap();
        b2.find(Locator::Css("form.signin button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let src = until(&b2, 10, "the sign-in answer", |s| {
            s.contains("Signed in as") || s.contains("signin-error")
        })
        .await;
        assert_eq!(src.contains("Signed in as"), expect_ok, "{src}");
        if expect_ok {
            // Sign out again to try the spent code.
            b2.find(Locator::Css("form.inline button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            until(&b2, 10, "signed out", |s| !s.contains("Signed in as")).await;
        } else {
            assert!(src.contains("unknown, used or expired"));
        }
    }
    b.close().await.unwrap();
    b2.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attack_from_one_browser_shows_live_in_another_and_in_the_router() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some((d, chromium)) =
        driver("an_attack_from_one_browser_shows_live_in_another_and_in_the_router").await
    else {
        return;
    };
    let s = site().await;
    let mut heard = s.router.subscribe(&s.table);
    let aria = browser(&d, &chromium).await;
    let bram = browser(&d, &chromium).await;
    sign_in(&s, &aria, "aria").await;
    sign_in(&s, &bram, "bram").await;
    let page = s.url(&format!("/t/{}", s.table));
    aria.goto(&page).await.unwrap();
    bram.goto(&page).await.unwrap();
    // Bram's page is live (its socket is open) and is never reloaded: a
    // marker set now would be gone after a reload.
    until(&bram, 10, "the socket", |src| {
        src.contains("data-live=\"on\"")
    })
    .await;
    until(&aria, 10, "the socket", |src| {
        src.contains("data-live=\"on\"")
    })
    .await;
    bram.execute("window.__kept = 'yes';", vec![])
        .await
        .unwrap();
    let before = b_log_len(&bram).await;
    // She closes in with the command box, then attacks with her option's button.
    let cmd = aria.find(Locator::Id("cmd")).await.unwrap();
    cmd.send_keys("move engaged g1").await.unwrap();
    aria.find(Locator::Css("#cmd-form button[type=submit]:not(.opt)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(&aria, 10, "the move", |src| src.contains("engaged")).await;
    let attack = until(&aria, 10, "the attack button", |src| {
        src.contains("value=\"attack:longsword:g1\"")
    })
    .await;
    assert!(attack.contains("data-live=\"on\""));
    aria.find(Locator::Css("button[value='attack:longsword:g1']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Aria gets her answer in place.
    let answer = until(&aria, 10, "the answer", |src| {
        src.contains("role=\"status\">Aria → Goblin (g1)")
    })
    .await;
    assert!(
        answer.contains("data-live=\"on\""),
        "Aria's page was reloaded"
    );
    // Bram sees it in the log without reloading.
    let src = until(&bram, 10, "the attack in Bram's log", |src| {
        src.matches("Aria → Goblin (g1)").count() > 0
    })
    .await;
    assert!(b_log_len(&bram).await > before);
    let kept = bram.execute("return window.__kept;", vec![]).await.unwrap();
    assert_eq!(kept, json!("yes"), "Bram's page was reloaded");
    // Players never see the goblin's numbers (AC 15, 7 hit points).
    assert!(!src.contains("AC 15"), "a player saw the goblin's AC");
    assert!(
        !src.contains("/7 HP"),
        "a player saw the goblin's hit points"
    );
    // The router published it as a web command: every transport hears it.
    let published = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let p = heard.recv().await.unwrap();
            if p.via == Transport::Web {
                return p;
            }
        }
    })
    .await
    .expect("the router published the browser's attack");
    assert_eq!(published.actor, PlayerId::new("console:aria"));
    shot(&bram, "table-live-update").await;
    aria.close().await.unwrap();
    bram.close().await.unwrap();
}

async fn b_log_len(b: &Client) -> usize {
    b.find_all(Locator::Css("ol.log > li")).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_player_cannot_open_the_desk_and_sees_no_monster_numbers() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some((d, chromium)) =
        driver("a_player_cannot_open_the_desk_and_sees_no_monster_numbers").await
    else {
        return;
    };
    let s = site().await;
    let aria = browser(&d, &chromium).await;
    let dm = browser(&d, &chromium).await;
    sign_in(&s, &aria, "aria").await;
    sign_in(&s, &dm, "dm").await;
    aria.goto(&s.url(&format!("/t/{}/dm", s.table)))
        .await
        .unwrap();
    let src = aria.source().await.unwrap();
    assert!(src.contains("the desk is the DM's"), "{src}");
    assert!(!src.contains("Hit points</h2>"));
    aria.goto(&s.url(&format!("/t/{}", s.table))).await.unwrap();
    let src = aria.source().await.unwrap();
    assert!(src.contains("Goblin (g1)") && src.contains("healthy"));
    assert!(!src.contains("AC 15") && !src.contains(">7/7<"), "{src}");
    // The DM sees them, on the table and at the desk.
    dm.goto(&s.url(&format!("/t/{}/dm", s.table)))
        .await
        .unwrap();
    let src = dm.source().await.unwrap();
    assert!(src.contains("AC 15") && src.contains(">7/7<"), "{src}");
    shot(&dm, "desk").await;
    aria.close().await.unwrap();
    dm.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dms_sheet_edit_shows_in_the_history() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some((d, chromium)) = driver("the_dms_sheet_edit_shows_in_the_history").await else {
        return;
    };
    let s = site().await;
    let dm = browser(&d, &chromium).await;
    sign_in(&s, &dm, "dm").await;
    dm.goto(&s.url(&format!("/t/{}/dm", s.table)))
        .await
        .unwrap();
    let form = dm.find(Locator::Id("sheet-form")).await.unwrap();
    for (name, value) in [
        ("target", "aria"),
        ("field", "speed"),
        ("value", "35"),
        ("reason", "found a shield"),
    ] {
        form.find(Locator::Css(&format!("input[name={name}]")))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    form.find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let src = until(&dm, 10, "the edit in the history", |src| {
        src.contains("found a shield")
    })
    .await;
    let history = text(&dm, "table.history").await;
    assert!(history.contains("Aria"), "{history}");
    assert!(history.contains("console:dm"), "{history}");
    assert!(history.contains("speed: 30 → 35"), "{history}");
    assert!(src.contains("id=\"answer\""));
    let t = s.router.table(&s.table).await.unwrap();
    assert_eq!(t.character("aria").unwrap().speed, 35);
    dm.close().await.unwrap();
}

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

/// A router with a Redis bus of its own: a process, as far as the bus knows.
async fn process(db: &str, redis: &str, prefix: &str) -> std::sync::Arc<bot::core::router::Router> {
    use bot::core::bus::{Bus, BusOptions};
    let store = bot::core::store::Store::open(db).await.unwrap();
    let options = BusOptions {
        prefix: prefix.to_owned(),
        heartbeat: Duration::from_millis(100),
        ..BusOptions::default()
    };
    let bus = Bus::redis(redis, options).unwrap();
    let config = bot::core::router::Config {
        rate_limit: None,
        snapshot_every: 100,
        max_batch: 64,
        writers: 2,
    };
    std::sync::Arc::new(
        bot::core::router::Router::start_with_bus(
            store,
            config,
            bot::core::router::system_clock(),
            bus,
        )
        .await
        .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_process_behind_postgres_and_redis_pushes_to_the_browser() {
    const NAME: &str = "another_process_behind_postgres_and_redis_pushes_to_the_browser";
    let _one = ONE_AT_A_TIME.lock().await;
    let Some((db_url, redis)) = servers(NAME) else {
        return;
    };
    let Some((d, chromium)) = driver(NAME).await else {
        return;
    };
    let prefix = common::db::unique("webbus");
    // Process A serves the web table; process B only has a router (as a
    // Discord or radio process would).
    let a = process(&db_url, &redis, &prefix).await;
    let b = process(&db_url, &redis, &prefix).await;
    let db = common::db::Db::postgres(NAME).expect("TEST_DATABASE_URL");
    let s = common::web::site_with(db, a).await;
    let browser = browser(&d, &chromium).await;
    sign_in(&s, &browser, "aria").await;
    browser
        .goto(&s.url(&format!("/t/{}", s.table)))
        .await
        .unwrap();
    until(&browser, 10, "the socket", |src| {
        src.contains("data-live=\"on\"")
    })
    .await;
    browser
        .execute("window.__kept = 'yes';", vec![])
        .await
        .unwrap();
    let answer = b
        .submit(bot::core::router::Envelope {
            transport: Transport::Console,
            table: s.table.clone(),
            sender: "console:dm".to_owned(),
            request_id: "from-b-1".to_owned(),
            command: dm::parse("dm narrate The torches gutter in a cold wind").unwrap(),
        })
        .await
        .unwrap();
    assert!(
        matches!(answer, bot::core::router::Answer::Done { .. }),
        "{answer:?}"
    );
    until(&browser, 15, "process B's narration", |src| {
        src.contains("The torches gutter in a cold wind")
    })
    .await;
    let kept = browser
        .execute("return window.__kept;", vec![])
        .await
        .unwrap();
    assert_eq!(kept, json!("yes"), "the page was reloaded");
    browser.close().await.unwrap();
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// Figures, run by hand: commit → DOM update latency in real browser tabs,
/// `DD_WEB_TABLES` tables (20) × `DD_WEB_WATCHERS` watchers (5), each
/// table getting `DD_WEB_ROUNDS` commands (10):
/// `cargo test -p bot --release --test web_browser -- --ignored figures --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run by hand"]
async fn figures_commit_to_dom_latency() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some((d, chromium)) = driver("figures_commit_to_dom_latency").await else {
        return;
    };
    let (tables, watchers, rounds) = (
        env_or("DD_WEB_TABLES", 20),
        env_or("DD_WEB_WATCHERS", 5),
        env_or("DD_WEB_ROUNDS", 10),
    );
    let s = site().await;
    let mut ids = vec![s.table.clone()];
    for i in 1..tables {
        let id = format!("{}-{i}", s.table);
        s.router
            .open_table(
                &id,
                &json!({}),
                PlayerId::new("console:dm"),
                &dm::seed::TableSeed::from_entropy_bytes([3; 32]),
            )
            .await
            .unwrap();
        ids.push(id);
    }
    let b = browser(&d, &chromium).await;
    sign_in(&s, &b, "dm").await;
    // One tab per watcher; each records when its live part changes.
    let mut tabs = Vec::new();
    for (t, id) in ids.iter().enumerate() {
        for w in 0..watchers {
            if t + w > 0 {
                let h = b.new_window(true).await.unwrap();
                b.switch_to_window(h.handle.clone()).await.unwrap();
            }
            b.goto(&s.url(&format!("/t/{id}"))).await.unwrap();
            until(&b, 20, "the socket", |src| src.contains("data-live=\"on\"")).await;
            b.execute(
                "window.__t = []; new MutationObserver(function () { \
                 window.__t.push(Date.now()); }).observe(document.getElementById('live'), \
                 {childList: true});",
                vec![],
            )
            .await
            .unwrap();
            tabs.push((t, b.window().await.unwrap()));
        }
    }
    let mut sent = vec![Vec::new(); ids.len()];
    for round in 0..rounds {
        for (t, id) in ids.iter().enumerate() {
            let at = now_ms();
            let answer = s
                .router
                .submit(bot::core::router::Envelope {
                    transport: Transport::Console,
                    table: id.clone(),
                    sender: "console:dm".to_owned(),
                    request_id: format!("fig-{round}-{t}"),
                    command: dm::parse("r 1d20").unwrap(),
                })
                .await
                .unwrap();
            assert!(matches!(answer, bot::core::router::Answer::Done { .. }));
            sent[t].push(at);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut latencies = Vec::new();
    let mut missing = 0;
    for (t, handle) in &tabs {
        b.switch_to_window(handle.clone()).await.unwrap();
        let seen = b.execute("return window.__t;", vec![]).await.unwrap();
        let seen: Vec<f64> = seen
            .as_array()
            .unwrap()
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .collect();
        for (k, at) in sent[*t].iter().enumerate() {
            match seen.get(k) {
                Some(dom) => latencies.push(dom - at),
                None => missing += 1,
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "figures: commit → DOM over {tables} tables × {watchers} watchers × {rounds} commands: \
         p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} updates, {missing} missing)",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
        latencies.len()
    );
    assert_eq!(missing, 0, "some tabs missed updates");
}
