//! Operations: the health and metrics endpoint served on an ephemeral port
//! over a real store and read with a real HTTP client, metrics that move as
//! commands go through the router, the configuration's layers, redaction
//! and errors, `dungeon config check`'s exit codes, and `dungeon serve`
//! itself with JSON logs, its endpoint and a fake Discord.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;
#[allow(dead_code)]
mod fake_discord;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bot::config::{self, Config, LogFormat, Overrides, PlannerKind, Secret};
use bot::core::router::{Answer, Envelope, RateLimit, Router, Transport, system_clock};
use bot::ops::http::{Health, Link};
use common::db::{Db, on_both_backends, unique};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

// ---------------------------------------------------------------- helpers

/// The HTTP endpoint on 127.0.0.1 at a port the system picked.
struct Endpoint {
    base: String,
    client: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

impl Endpoint {
    async fn start(health: Health) -> Endpoint {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(bot::ops::http::run(listener, health, async move {
            let _ = stopped.await;
        }));
        Endpoint {
            base,
            client: client(),
            _stop: stop,
        }
    }

    async fn get(&self, path: &str) -> (u16, String) {
        get(&self.client, &format!("{}{path}", self.base)).await
    }

    async fn json(&self, path: &str) -> (u16, Value) {
        let (status, body) = self.get(path).await;
        (status, serde_json::from_str(&body).unwrap())
    }
}

fn client() -> reqwest::Client {
    // reqwest is built without a default TLS provider; plain HTTP needs none,
    // but the builder wants one installed.
    monsters::llm::install_crypto_provider();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn get(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The sum of the samples of `name` whose labels include all of `labels`,
/// read from Prometheus text.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            let wanted = metric == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")));
            if wanted {
                value.parse::<f64>().ok()
            } else {
                None
            }
        })
        .sum()
}

async fn router_on(db: &Db, rate_limit: Option<RateLimit>) -> Arc<Router> {
    let store = db.open().await;
    let mut config = bot::core::router::Config::for_store(&store);
    config.rate_limit = rate_limit;
    Arc::new(Router::start(store, config, system_clock()).await.unwrap())
}

async fn open(router: &Router) -> String {
    let id = unique("ops");
    let dm = dm::PlayerId::new("console:dm");
    let seed = bot::core::game::seed_from_number(7);
    assert!(router.open_table(&id, &json!({}), dm, &seed).await.unwrap());
    id
}

async fn send(router: &Router, via: Transport, table: &str, request: &str, line: &str) -> Answer {
    router
        .submit(Envelope {
            transport: via,
            table: table.to_owned(),
            sender: "console:dm".to_owned(),
            request_id: request.to_owned(),
            command: dm::parse(line).unwrap(),
        })
        .await
        .unwrap()
}

// ------------------------------------------------- health and metrics

/// Live and ready over a real store; readiness follows the Discord link
/// and the database; the command metrics move by exactly what was sent.
async fn endpoint_reports_health_and_counts_commands(db: &Db) {
    // Each backend counts under its own transport, so the two checks,
    // which share the process's recorder, never see each other's commands.
    let via = if db.url.starts_with("postgres") {
        Transport::Bench
    } else {
        Transport::Console
    };
    let router = router_on(db, None).await;
    let discord = Link::new();
    let mut health = Health {
        database: Some(router.store().probe()),
        ..Health::default()
    };
    health.discord = Some(discord.probe());
    let http = Endpoint::start(health).await;

    let (status, live) = http.json("/health/live").await;
    assert_eq!((status, live), (200, json!({"status": "live"})));

    let (status, ready) = http.json("/health/ready").await;
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["status"], "not_ready");
    assert_eq!(ready["checks"]["database"]["status"], "up", "{ready}");
    assert_eq!(ready["checks"]["redis"]["status"], "not_configured");
    assert_eq!(ready["checks"]["radio"]["status"], "not_configured");
    assert_eq!(ready["checks"]["discord"]["status"], "down");
    assert_eq!(ready["checks"]["discord"]["error"], "not connected yet");

    discord.up();
    let (status, ready) = http.json("/health/ready").await;
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["checks"]["discord"]["status"], "up");

    discord.down();
    let (status, ready) = http.json("/health/ready").await;
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["checks"]["discord"]["error"], "connection lost");
    discord.up();

    let t = via.name();
    let count = |text: &str, kind: &str, outcome: &str| {
        sample(
            text,
            "dungeon_commands_total",
            &[("transport", t), ("kind", kind), ("outcome", outcome)],
        )
    };
    let (status, before) = http.get("/metrics").await;
    assert_eq!(status, 200);

    let table = open(&router).await;
    for n in 0..3 {
        let answer = send(&router, via, &table, &format!("r{n}"), "r 1d20").await;
        assert!(matches!(answer, Answer::Done { .. }), "{answer:?}");
    }
    // `r` is read-only; a character makes events, and its retry repeats.
    let made = send(&router, via, &table, "c1", "char new Aria fighter 1 human").await;
    assert!(matches!(made, Answer::Done { .. }), "{made:?}");
    let again = send(&router, via, &table, "c1", "char new Aria fighter 1 human").await;
    assert!(matches!(again, Answer::Repeated { .. }), "{again:?}");
    let refused = send(&router, via, &table, "a1", "a longsword -t g1").await;
    assert!(matches!(refused, Answer::Refused { .. }), "{refused:?}");

    let (_, after) = http.get("/metrics").await;
    let delta =
        |kind: &str, outcome: &str| count(&after, kind, outcome) - count(&before, kind, outcome);
    assert_eq!(delta("roll", "done"), 3.0, "{after}");
    assert_eq!(delta("new_character", "done"), 1.0);
    assert_eq!(delta("new_character", "repeated"), 1.0);
    assert_eq!(delta("attack", "refused"), 1.0);
    let rejected = |text: &str| {
        sample(
            text,
            "dungeon_rejections_total",
            &[("transport", t), ("reason", "refused")],
        )
    };
    assert_eq!(rejected(&after) - rejected(&before), 1.0);
    let timed = |text: &str| {
        sample(
            text,
            "dungeon_command_seconds_count",
            &[("transport", t), ("kind", "roll")],
        )
    };
    assert_eq!(timed(&after) - timed(&before), 3.0);
    // A histogram with buckets, not a summary.
    assert!(after.contains("dungeon_command_seconds_bucket{"), "{after}");
    assert!(after.contains("# HELP dungeon_commands_total"));

    // The database goes away: not ready, and the check says why.
    router.store().close().await;
    let (status, ready) = http.json("/health/ready").await;
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["checks"]["database"]["status"], "down");
    assert!(
        ready["checks"]["database"]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{ready}"
    );
}

on_both_backends!(endpoint_reports_health_and_counts_commands);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_commands_count_as_rejections() {
    let db = Db::sqlite();
    let limit = RateLimit {
        burst: 1.0,
        per_second: 0.001,
    };
    let router = router_on(&db, Some(limit)).await;
    let http = Endpoint::start(Health::default()).await;
    let limited = |text: &str| {
        sample(
            text,
            "dungeon_rejections_total",
            &[("transport", "radio"), ("reason", "rate_limited")],
        )
    };
    let (_, before) = http.get("/metrics").await;
    let table = open(&router).await;
    let first = send(&router, Transport::Radio, &table, "p1", "r 1d6").await;
    assert!(matches!(first, Answer::Done { .. }), "{first:?}");
    let second = send(&router, Transport::Radio, &table, "p2", "r 1d6").await;
    assert!(matches!(second, Answer::Limited { .. }), "{second:?}");
    let (_, after) = http.get("/metrics").await;
    assert_eq!(limited(&after) - limited(&before), 1.0, "{after}");
    assert_eq!(
        sample(
            &after,
            "dungeon_commands_total",
            &[
                ("transport", "radio"),
                ("kind", "roll"),
                ("outcome", "limited")
            ]
        ) - sample(
            &before,
            "dungeon_commands_total",
            &[
                ("transport", "radio"),
                ("kind", "roll"),
                ("outcome", "limited")
            ]
        ),
        1.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn radio_metrics_are_exported_as_the_adapter_reports_them() {
    use bot::ops::telemetry::{Direction, radio_packet, radio_queue};
    let http = Endpoint::start(Health::default()).await;
    let (_, before) = http.get("/metrics").await;
    radio_packet(Direction::Tx, 120, Duration::from_millis(370));
    radio_packet(Direction::Rx, 40, Duration::ZERO);
    radio_packet(Direction::Rx, 60, Duration::ZERO);
    radio_queue(4);
    let (_, after) = http.get("/metrics").await;
    let delta = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    assert_eq!(
        delta("dungeon_radio_packets_total", &[("direction", "tx")]),
        1.0
    );
    assert_eq!(
        delta("dungeon_radio_packets_total", &[("direction", "rx")]),
        2.0
    );
    assert_eq!(
        delta("dungeon_radio_bytes_total", &[("direction", "rx")]),
        100.0
    );
    assert_eq!(
        delta("dungeon_radio_airtime_milliseconds_total", &[]),
        370.0
    );
    assert_eq!(
        sample(&after, "dungeon_radio_queue_length", &[]),
        4.0,
        "{after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_check_that_hangs_counts_as_down() {
    let health = Health {
        redis: Some(Arc::new(|| Box::pin(std::future::pending()))),
        ..Health::default()
    };
    let (ready, report) = health.check().await;
    assert!(!ready);
    assert_eq!(report["checks"]["redis"]["status"], "down");
    assert_eq!(report["checks"]["redis"]["error"], "no answer within 2s");
    assert_eq!(report["checks"]["database"]["status"], "not_configured");
}

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

/// A Gemini that answers every call at once: no moves (the tactician
/// plays them) and the token counts, as `generateContent` reports them.
async fn answering_model() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let answer = json!({
        "candidates": [{
            "content": {"role": "model", "parts": [{"text": "{\"moves\": {}}"}]},
            "finishReason": "STOP"
        }],
        "usageMetadata": {"promptTokenCount": 321, "candidatesTokenCount": 12, "totalTokenCount": 333}
    });
    let app = axum::Router::new().fallback(move || {
        let answer = answer.clone();
        async move {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                answer.to_string(),
            )
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// A table at the goblin's turn, set up through `router` by radio (so the
/// console counts of the endpoint check stay exact).
async fn at_the_goblins_turn(router: &Router) -> String {
    let table = open(router).await;
    let mut n = 0;
    let mut say = async |line: &str| {
        n += 1;
        send(router, Transport::Radio, &table, &format!("s{n}"), line).await
    };
    for line in [
        "char new Aria fighter 3 human",
        "dm encounter",
        "madd goblin --avg",
        "n",
    ] {
        say(line).await;
    }
    for _ in 0..4 {
        let t = router.table(&table).await.unwrap();
        if t.encounter.as_ref().unwrap().current() == Some("g1") {
            break;
        }
        say("n").await;
    }
    table
}

/// Both kinds of call in one check: they share the `gemini` series.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_calls_tokens_latency_and_fallbacks_are_counted() {
    use monsters::llm::gemini::{GeminiConfig, GeminiPlanner};
    let db = Db::sqlite();
    let router = router_on(&db, None).await;
    let http = Endpoint::start(Health::default()).await;
    let turns_with = |base_url: String| {
        let mut gemini = GeminiConfig::new("test-key");
        gemini.base_url = base_url;
        let planner = Arc::new(GeminiPlanner::new(gemini).unwrap());
        bot::core::turns::MonsterTurns::new(
            Arc::clone(&router),
            Some(planner),
            Duration::from_millis(300),
        )
    };
    let gemini = ("planner", "gemini");

    // A model that never answers: one call, one fallback for the timeout.
    let silent = turns_with(silent_model().await);
    let table = at_the_goblins_turn(&router).await;
    let (_, before) = http.get("/metrics").await;
    let report = silent.play_due(&table).await.unwrap().unwrap();
    assert_eq!(
        report.error,
        Some(monsters::PlanError::Timeout),
        "{report:?}"
    );
    let (_, after) = http.get("/metrics").await;
    let delta = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    assert_eq!(delta("dungeon_llm_calls_total", &[gemini]), 1.0, "{after}");
    assert_eq!(
        delta(
            "dungeon_llm_fallbacks_total",
            &[gemini, ("reason", "timeout")]
        ),
        1.0
    );
    assert_eq!(delta("dungeon_llm_seconds_count", &[gemini]), 1.0);
    assert!(
        delta("dungeon_llm_seconds_sum", &[gemini]) >= 0.3,
        "{after}"
    );
    assert_eq!(delta("dungeon_llm_tokens_total", &[gemini]), 0.0);
    // The tactician's commands went through the router as the planner's.
    assert!(delta("dungeon_commands_total", &[("transport", "planner")]) >= 1.0);

    // A model that answers: its tokens are counted, and no fallback.
    let answering = turns_with(answering_model().await);
    let table = at_the_goblins_turn(&router).await;
    let (_, before) = http.get("/metrics").await;
    let report = answering.play_due(&table).await.unwrap().unwrap();
    assert_eq!(report.error, None, "{report:?}");
    let (_, after) = http.get("/metrics").await;
    let delta = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    assert_eq!(delta("dungeon_llm_calls_total", &[gemini]), 1.0, "{after}");
    assert_eq!(delta("dungeon_llm_fallbacks_total", &[gemini]), 0.0);
    assert_eq!(
        delta("dungeon_llm_tokens_total", &[gemini, ("kind", "prompt")]),
        321.0
    );
    assert_eq!(
        delta("dungeon_llm_tokens_total", &[gemini, ("kind", "output")]),
        12.0
    );
}

// ------------------------------------------------------- configuration

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn parse(file: &str, vars: &[(&str, &str)]) -> Result<Config, String> {
    config::parse(Some(file), Some(Path::new("test.toml")), env(vars))
        .map(|l| l.config)
        .map_err(|e| e.to_string())
}

const FULL: &str = r#"
[database]
url = "postgres://dungeon:hunter2@db.internal:5432/dungeon"

[redis]
url = "redis://:redispw@cache:6379"

[discord]
token = "MTAx.discord-secret-token"

[radio]
device = "tcp://meshtastic.local:4403"

[planner]
kind = "gemini"
gemini_api_key = "AIza-gemini-secret"
turn_budget_ms = 4000

[http]
enabled = true
address = "0.0.0.0:9200"

[log]
format = "json"
level = "info,bot=debug"
"#;

#[test]
fn a_full_file_parses_into_every_section() {
    let c = parse(FULL, &[]).unwrap();
    assert_eq!(
        c.database.url,
        "postgres://dungeon:hunter2@db.internal:5432/dungeon"
    );
    assert_eq!(c.redis.url.as_deref(), Some("redis://:redispw@cache:6379"));
    assert_eq!(
        c.discord.token.as_ref().map(Secret::expose),
        Some("MTAx.discord-secret-token")
    );
    assert_eq!(
        c.radio.device.as_deref(),
        Some("tcp://meshtastic.local:4403")
    );
    assert_eq!(c.planner.kind, PlannerKind::Gemini);
    assert_eq!(c.planner.turn_budget_ms, 4000);
    assert_eq!(c.http.address.to_string(), "0.0.0.0:9200");
    assert_eq!(c.log.format, LogFormat::Json);
    assert_eq!(c.problems(), Vec::<String>::new());
}

#[test]
fn defaults_without_a_file() {
    let c = config::parse(None, None, env(&[])).unwrap().config;
    assert_eq!(c, Config::default());
    assert_eq!(c.database.url, "sqlite://dungeon.db?mode=rwc");
    assert!(c.http.enabled);
    assert_eq!(c.http.address.to_string(), "127.0.0.1:9100");
    assert_eq!(c.redis.url, None);
    assert_eq!(
        c.problems(),
        [
            "no transport: set discord.token (or DISCORD_TOKEN), radio.device or \
          web.enabled = true (--web)"
        ]
    );
}

#[test]
fn the_environment_overrides_the_file_and_the_command_line_overrides_both() {
    let vars = [
        ("DUNGEON_HTTP__ADDRESS", "127.0.0.1:9300"),
        ("DUNGEON_PLANNER__TURN_BUDGET_MS", "900"),
        ("DUNGEON_LOG__FORMAT", "text"),
        // Older names still work…
        ("DATABASE_URL", "sqlite://from-env.db"),
        ("DISCORD_TOKEN", "legacy-token"),
        // …but a DUNGEON_SECTION__KEY wins over its older name.
        ("DUNGEON_DISCORD__TOKEN", "sectioned-token"),
        // Not this layer's business: the planner's own older variables.
        ("DUNGEON_GEMINI_MODEL", "gemini-x"),
        ("PATH", "/usr/bin"),
    ];
    let mut loaded = config::parse(Some(FULL), None, env(&vars)).unwrap();
    let c = &loaded.config;
    assert_eq!(c.http.address.to_string(), "127.0.0.1:9300");
    assert_eq!(c.planner.turn_budget_ms, 900);
    assert_eq!(c.log.format, LogFormat::Text);
    assert_eq!(c.database.url, "sqlite://from-env.db");
    assert_eq!(
        c.discord.token.as_ref().map(Secret::expose),
        Some("sectioned-token")
    );
    assert_eq!(c.planner.gemini_model.as_deref(), Some("gemini-x"));
    // The file's values the environment left alone stay.
    assert_eq!(
        c.radio.device.as_deref(),
        Some("tcp://meshtastic.local:4403")
    );
    assert!(loaded.env.contains(&"DUNGEON_HTTP__ADDRESS".to_owned()));
    assert!(!loaded.env.contains(&"PATH".to_owned()));

    loaded.config.apply(&Overrides {
        database: Some("sqlite://flag.db".to_owned()),
        planner: Some(PlannerKind::Tactician),
        http_address: Some("127.0.0.1:9400".parse().unwrap()),
        log_format: Some(LogFormat::Json),
        ..Overrides::default()
    });
    assert_eq!(loaded.config.database.url, "sqlite://flag.db");
    assert_eq!(loaded.config.planner.kind, PlannerKind::Tactician);
    assert_eq!(loaded.config.http.address.to_string(), "127.0.0.1:9400");
    assert_eq!(loaded.config.log.format, LogFormat::Json);
    loaded.config.apply(&Overrides {
        no_http: true,
        ..Overrides::default()
    });
    assert!(!loaded.config.http.enabled);
}

#[test]
fn a_backslash_after_multi_byte_text_in_the_environment_is_kept_as_typed() {
    // figment's own parser panicked on this (a proptest found it).
    let value = "\"®®𖩮a \\ \"";
    let vars = vec![("DUNGEON_PLANNER__GEMINI_MODEL".to_owned(), value.to_owned())];
    let loaded = config::parse(None, None, vars).expect("parses");
    assert_eq!(loaded.config.planner.gemini_model.as_deref(), Some(value));
}

#[test]
fn a_number_looking_value_from_the_environment_is_still_a_string_where_one_is_wanted() {
    let c = parse(
        "",
        &[
            ("DUNGEON_PLANNER__GEMINI_MODEL", "2"),
            ("DUNGEON_DISCORD__TOKEN", "12345"),
        ],
    )
    .unwrap();
    assert_eq!(c.planner.gemini_model.as_deref(), Some("2"));
    assert_eq!(c.discord.token.as_ref().map(Secret::expose), Some("12345"));
}

#[test]
fn secrets_and_passwords_never_print() {
    let c = parse(FULL, &[("OPENAI_API_KEY", "sk-openai-secret")]).unwrap();
    let shown = c.redacted();
    let debug = format!("{c:?}");
    for secret in [
        "hunter2",
        "redispw",
        "discord-secret-token",
        "gemini-secret",
        "sk-openai-secret",
    ] {
        assert!(!shown.contains(secret), "{secret} in:\n{shown}");
        if secret != "hunter2" && secret != "redispw" {
            assert!(!debug.contains(secret), "{secret} in:\n{debug}");
        }
    }
    assert!(
        shown.contains("postgres://dungeon:***@db.internal:5432/dungeon"),
        "{shown}"
    );
    assert!(shown.contains("token = \"<redacted>\""), "{shown}");
    assert!(shown.contains("gemini_api_key = \"<redacted>\""), "{shown}");
    assert!(shown.contains("address = \"0.0.0.0:9200\""), "{shown}");
}

/// One check per kind of mistake: the message names the key and the fix.
#[test]
fn mistakes_get_one_clear_line_each() {
    let check = |file: &str, vars: &[(&str, &str)], expect: &str| {
        let got = match parse(file, vars) {
            Err(e) => e,
            Ok(c) => c.problems().join("\n"),
        };
        assert!(
            got.contains(expect),
            "for {file:?} {vars:?}:\n{got}\nwanted: {expect}"
        );
    };
    check(
        "[databse]\nurl = \"x\"",
        &[],
        "unknown key `databse` (known: database, redis",
    );
    check(
        "[http]\nport = 1",
        &[],
        "http.port: unknown key `port` (known: enabled, address) (in test.toml)",
    );
    check("[http]\naddress = \"localhost\"", &[], "http.address: ");
    check(
        "[http]\nenabled = \"yes\"",
        &[],
        "http.enabled: invalid type",
    );
    check("[planner]\nkind = \"claude\"", &[], "planner.kind: ");
    check("[log]\nformat = \"xml\"", &[], "log.format: ");
    check("[database\n", &[], "not valid TOML at line 1, column 10");
    check("x = [\n", &[], "not valid TOML at line 2");
    check(
        "",
        &[("DUNGEON_HTTP__ENABLED", "maybe")],
        "(in environment variable DUNGEON_HTTP__ENABLED)",
    );
    check(
        "",
        &[("DUNGEON_CACHE__SIZE", "1")],
        "unknown key `cache` (known: database",
    );
    check(
        "",
        &[("DUNGEON_HTTP__PORT", "1")],
        "(in environment variable DUNGEON_HTTP__PORT)",
    );
    // Values that parse but would not serve.
    let with_token = "[discord]\ntoken = \"t\"\n";
    check(
        &format!("{with_token}[database]\nurl = \"mysql://x/y\""),
        &[],
        "database.url: `mysql://x/y` is neither SQLite",
    );
    check(
        &format!("{with_token}[database]\nurl = \"postgres://u:pw@/db\""),
        &[],
        "database.url: `postgres://u:***@/db` is not a URL (empty host)",
    );
    check(
        &format!("{with_token}[redis]\nurl = \"http://cache:6379\""),
        &[],
        "redis.url: `http://cache:6379` should start with redis:// or rediss://",
    );
    check(
        &format!("{with_token}[redis]\nurl = \"rediss://cache:6380\""),
        &[],
        "redis.url: TLS to Redis (rediss://) is not built in yet",
    );
    check(
        &format!("{with_token}[redis]\nurl = \"redis//cache\""),
        &[],
        "redis.url: `redis//cache` is not a URL",
    );
    check(
        &format!("{with_token}[radio]\ndevice = \"tcp://node\""),
        &[],
        "radio.device: `tcp://node` needs a port",
    );
    check(
        &format!("{with_token}[planner]\nkind = \"gemini\""),
        &[],
        "needs planner.gemini_api_key (or GEMINI_API_KEY)",
    );
    check(
        &format!("{with_token}[planner]\nkind = \"openai\"\nopenai_model = \"m\""),
        &[],
        "needs planner.openai_base_url",
    );
    check(
        &format!("{with_token}[planner]\nturn_budget_ms = 0"),
        &[],
        "planner.turn_budget_ms: 0 is out of range",
    );
    check(
        &format!("{with_token}[log]\nlevel = \"info,=[\""),
        &[],
        "log.level: ",
    );
    check(
        "[discord]\ntoken = \"two words\"",
        &[],
        "discord.token: has spaces in it",
    );
}

// ------------------------------------------------------ [radio] keys

/// Every `[radio]` key set to something other than its default.
const RADIO: &str = r#"
[radio]
device = "/dev/ttyUSB0"
table = "discord:1234"
channel = 2
dm_nodes = ["!a1b2c3d4", "2712847316"]
gap_secs = 3.5
hourly_airtime_secs = 0
hop_limit = 5
allow_mqtt = true
allow_plain_dms = true
go_vote_secs = 900
"#;

/// The radio flags of `dungeon serve`, parsed as the binary parses them.
fn radio_flags(flags: &[&str]) -> Overrides {
    use clap::Parser as _;
    let cli =
        bot::commands::cli::Cli::try_parse_from(["dungeon", "serve"].iter().chain(flags)).unwrap();
    match cli.command {
        bot::commands::cli::Command::Serve(args) => args.settings.overrides(),
        other => panic!("not serve: {other:?}"),
    }
}

#[test]
fn radio_defaults_are_the_flags_old_defaults() {
    let r = Config::default().radio;
    assert_eq!(r.device, None);
    assert_eq!(r.table, "radio:main");
    assert_eq!(r.channel, 0);
    assert!(r.dm_nodes.is_empty());
    assert!((r.gap_secs - 2.2).abs() < f64::EPSILON);
    assert_eq!(r.hourly_airtime_secs, 360);
    assert_eq!(r.hop_limit, None);
    assert!(!r.allow_mqtt);
    assert!(!r.allow_plain_dms);
    assert_eq!(r.go_vote_secs, 600);
}

#[test]
fn go_votes_last_two_minutes_on_discord_and_ten_on_the_radio_unless_configured() {
    let c = Config::default();
    assert_eq!(c.discord.go_vote_secs, 120);
    assert_eq!(c.radio.go_vote_secs, 600);
    let c = parse(
        "[discord]\ngo_vote_secs = 300\n[radio]\ngo_vote_secs = 1800",
        &[],
    )
    .unwrap();
    assert_eq!((c.discord.go_vote_secs, c.radio.go_vote_secs), (300, 1800));
    let c = parse(
        "",
        &[
            ("DUNGEON_DISCORD__GO_VOTE_SECS", "45"),
            ("DUNGEON_RADIO__GO_VOTE_SECS", "1200"),
        ],
    )
    .unwrap();
    assert_eq!((c.discord.go_vote_secs, c.radio.go_vote_secs), (45, 1200));
    let bad = parse(
        "[discord]\ngo_vote_secs = 5\n[radio]\ngo_vote_secs = 100000",
        &[],
    )
    .unwrap()
    .problems();
    assert!(
        bad.iter()
            .any(|p| p.starts_with("discord.go_vote_secs: 5 is out of range")),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|p| p.starts_with("radio.go_vote_secs: 100000 is out of range")),
        "{bad:?}"
    );
    assert!(parse("[radio]\ngo_vote_secs = -1", &[]).is_err());
}

#[test]
fn every_radio_key_is_read_from_the_file() {
    let r = parse(RADIO, &[]).unwrap().radio;
    assert_eq!(r.device.as_deref(), Some("/dev/ttyUSB0"));
    assert_eq!(r.table, "discord:1234");
    assert_eq!(r.channel, 2);
    assert_eq!(r.dm_nodes, ["!a1b2c3d4", "2712847316"]);
    assert_eq!(r.dm_node_ids().unwrap(), [0xa1b2_c3d4, 2_712_847_316]);
    assert!((r.gap_secs - 3.5).abs() < f64::EPSILON);
    assert_eq!(r.hourly_airtime_secs, 0);
    assert_eq!(r.hop_limit, Some(5));
    assert!(r.allow_mqtt);
    assert!(r.allow_plain_dms);
    assert_eq!(r.go_vote_secs, 900);
    assert_eq!(parse(RADIO, &[]).unwrap().problems(), Vec::<String>::new());
}

#[test]
fn every_radio_key_is_read_from_the_environment_over_the_file() {
    let vars = [
        ("DUNGEON_RADIO__DEVICE", "tcp://node:4403"),
        ("DUNGEON_RADIO__TABLE", "radio:cellar"),
        ("DUNGEON_RADIO__CHANNEL", "1"),
        ("DUNGEON_RADIO__DM_NODES", "!0000abcd,!e5f6a7b8"),
        ("DUNGEON_RADIO__GAP_SECS", "4"),
        ("DUNGEON_RADIO__HOURLY_AIRTIME_SECS", "120"),
        ("DUNGEON_RADIO__HOP_LIMIT", "2"),
        ("DUNGEON_RADIO__ALLOW_MQTT", "false"),
        ("DUNGEON_RADIO__ALLOW_PLAIN_DMS", "false"),
    ];
    let loaded = config::parse(Some(RADIO), None, env(&vars)).unwrap();
    let r = &loaded.config.radio;
    assert_eq!(r.device.as_deref(), Some("tcp://node:4403"));
    assert_eq!(r.table, "radio:cellar");
    assert_eq!(r.channel, 1);
    assert_eq!(r.dm_node_ids().unwrap(), [0xabcd, 0xe5f6_a7b8]);
    // A whole number of seconds from the environment is still a gap.
    assert!((r.gap_secs - 4.0).abs() < f64::EPSILON);
    assert_eq!(r.hourly_airtime_secs, 120);
    assert_eq!(r.hop_limit, Some(2));
    assert!(!r.allow_mqtt);
    assert!(!r.allow_plain_dms);
    for (name, _) in vars {
        assert!(loaded.env.contains(&name.to_owned()), "{name}");
    }
}

#[test]
fn dm_nodes_from_the_environment_take_a_list_a_comma_list_or_one_number() {
    let nodes = |value: &str| {
        parse("", &[("DUNGEON_RADIO__DM_NODES", value)])
            .unwrap()
            .radio
            .dm_node_ids()
    };
    assert_eq!(
        nodes("[!a1b2c3d4, !0000abcd]"),
        Ok(vec![0xa1b2_c3d4, 0xabcd])
    );
    assert_eq!(nodes("!a1b2c3d4, !0000abcd"), Ok(vec![0xa1b2_c3d4, 0xabcd]));
    assert_eq!(nodes("!a1b2c3d4 !0000abcd"), Ok(vec![0xa1b2_c3d4, 0xabcd]));
    assert_eq!(nodes("2712847316"), Ok(vec![2_712_847_316]));
    assert_eq!(nodes("!a1b2c3d4"), Ok(vec![0xa1b2_c3d4]));
}

#[test]
fn radio_flags_override_the_file_and_the_environment() {
    let vars = [
        ("DUNGEON_RADIO__TABLE", "radio:cellar"),
        ("DUNGEON_RADIO__GAP_SECS", "4"),
        ("DUNGEON_RADIO__HOP_LIMIT", "2"),
    ];
    let mut c = config::parse(Some(RADIO), None, env(&vars)).unwrap().config;
    c.apply(&radio_flags(&[
        "--radio",
        "tcp://flag:4403",
        "--radio-table",
        "radio:flag",
        "--radio-channel",
        "3",
        "--radio-dm",
        "!0000beef",
        "--radio-dm",
        "48879",
        "--radio-gap",
        "1.5",
        "--radio-hourly-airtime",
        "60",
        "--radio-hop-limit",
        "7",
    ]));
    let r = &c.radio;
    assert_eq!(r.device.as_deref(), Some("tcp://flag:4403"));
    assert_eq!(r.table, "radio:flag");
    assert_eq!(r.channel, 3);
    // The flags replace the file's list rather than add to it.
    assert_eq!(r.dm_nodes, ["!0000beef", "!0000beef"]);
    assert!((r.gap_secs - 1.5).abs() < f64::EPSILON);
    assert_eq!(r.hourly_airtime_secs, 60);
    assert_eq!(r.hop_limit, Some(7));

    // The two switches turn on what the configuration left off.
    let mut c = Config::default();
    c.apply(&radio_flags(&[
        "--radio-allow-mqtt",
        "--radio-allow-plain-dms",
    ]));
    assert!(c.radio.allow_mqtt);
    assert!(c.radio.allow_plain_dms);
}

#[test]
fn radio_flags_not_given_leave_the_configuration_alone() {
    let vars = [("DUNGEON_RADIO__TABLE", "radio:cellar")];
    let loaded = config::parse(Some(RADIO), None, env(&vars)).unwrap();
    let mut c = loaded.config.clone();
    c.apply(&radio_flags(&[]));
    assert_eq!(c, loaded.config);
    assert_eq!(c.radio.table, "radio:cellar");
    assert!((c.radio.gap_secs - 3.5).abs() < f64::EPSILON);
    assert_eq!(c.radio.hourly_airtime_secs, 0);
    assert!(c.radio.allow_mqtt);

    // One flag changes its key only.
    c.apply(&radio_flags(&["--radio-gap", "9"]));
    let mut want = loaded.config;
    want.radio.gap_secs = 9.0;
    assert_eq!(c, want);
}

#[test]
fn every_radio_problem_is_listed_at_once_with_its_fix() {
    let file = "[discord]\ntoken = \"t\"\n[radio]\ntable = \"\"\n\
                dm_nodes = [\"!a1b2c3d4\", \"!zz\", \"bob\"]\ngap_secs = 601\nhop_limit = 0\n";
    let problems = parse(file, &[]).unwrap().problems();
    assert_eq!(
        problems,
        [
            "radio.table: is empty; give a table id such as radio:main, or discord:<channel id> \
             to join a Discord channel's table",
            "radio.dm_nodes: `!zz` is not a node id: use the form !a1b2c3d4 (the node's id in \
             the Meshtastic app)",
            "radio.dm_nodes: `bob` is not a node id: use the form !a1b2c3d4 (the node's id in \
             the Meshtastic app)",
            "radio.gap_secs: 601 is out of range (0 to 600 seconds; 2.2 is safe for firmware 2.7+)",
            "radio.hop_limit: 0 is out of range (1 to 7; leave it unset for the node's LoRa \
             setting)",
        ]
    );
}

#[test]
fn radio_values_at_the_edges_of_their_ranges() {
    let problems = |radio: &str| {
        parse(&format!("[discord]\ntoken = \"t\"\n[radio]\n{radio}"), &[])
            .unwrap()
            .problems()
    };
    for good in [
        "gap_secs = 0",
        "gap_secs = 600",
        "hop_limit = 1",
        "hop_limit = 7",
    ] {
        assert_eq!(problems(good), Vec::<String>::new(), "{good}");
    }
    for (bad, expect) in [
        ("gap_secs = -0.1", "radio.gap_secs: -0.1 is out of range"),
        ("gap_secs = nan", "radio.gap_secs: NaN is out of range"),
        ("gap_secs = inf", "radio.gap_secs: inf is out of range"),
        ("hop_limit = 8", "radio.hop_limit: 8 is out of range"),
        ("table = \"  \"", "radio.table: is empty"),
    ] {
        let got = problems(bad).join("\n");
        assert!(got.contains(expect), "{bad}: {got}");
    }
    // The gap flag is checked like the key (serve used to check it apart).
    let mut c = parse("[discord]\ntoken = \"t\"", &[]).unwrap();
    c.apply(&radio_flags(&["--radio-gap", "700"]));
    assert_eq!(
        c.problems(),
        ["radio.gap_secs: 700 is out of range (0 to 600 seconds; 2.2 is safe for firmware 2.7+)"]
    );
}

#[test]
fn wrongly_typed_radio_keys_name_the_key_and_where_it_came_from() {
    let err = |file: &str, vars: &[(&str, &str)]| parse(file, vars).unwrap_err();
    let e = err("[radio]\nchannel = \"primary\"", &[]);
    assert!(
        e.contains("radio.channel: invalid type") && e.contains("(in test.toml)"),
        "{e}"
    );
    let e = err("", &[("DUNGEON_RADIO__ALLOW_MQTT", "maybe")]);
    assert!(
        e.contains("(in environment variable DUNGEON_RADIO__ALLOW_MQTT)"),
        "{e}"
    );
    let e = err("", &[("DUNGEON_RADIO__HOURLY_AIRTIME_SECS", "-1")]);
    assert!(e.contains("radio.hourly_airtime_secs: "), "{e}");
    let e = err("[radio]\ndm_nodes = [[1]]", &[]);
    assert!(e.contains("radio.dm_nodes"), "{e}");
    let e = err("[radio]\ngap = 2", &[]);
    assert!(
        e.contains(
            "radio.gap: unknown key `gap` (known: device, table, channel, dm_nodes, gap_secs"
        ),
        "{e}"
    );
}

#[test]
fn the_example_config_shows_every_radio_key() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dungeon.example.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut every = Config::default();
    every.radio.device = Some("/dev/ttyUSB0".to_owned());
    every.radio.hop_limit = Some(3);
    let shown: toml::Table = toml::from_str(&every.redacted()).unwrap();
    let radio = shown["radio"].as_table().unwrap();
    assert_eq!(radio.len(), 10, "{radio:?}");
    for key in radio.keys() {
        assert!(
            text.lines().any(|l| l
                .trim_start_matches(['#', ' '])
                .starts_with(&format!("{key} = "))),
            "dungeon.example.toml does not show radio.{key}"
        );
    }
}

#[test]
fn the_example_config_in_the_repository_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dungeon.example.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // The token is left to the environment, as the example advises.
    let vars = env(&[("DISCORD_TOKEN", "from-the-environment")]);
    let c = config::parse(Some(&text), Some(&path), vars)
        .unwrap()
        .config;
    assert_eq!(c.problems(), Vec::<String>::new());
    assert_eq!(c.http.address.to_string(), "127.0.0.1:9100");
}

mod properties {
    use super::config;
    use proptest::prelude::*;

    /// `x` as a TOML float (which spells NaN and infinity `nan` and `inf`).
    fn toml_float(x: f64) -> String {
        if x.is_nan() {
            "nan".to_owned()
        } else if x.is_infinite() {
            if x > 0.0 { "inf" } else { "-inf" }.to_owned()
        } else {
            format!("{x:?}")
        }
    }

    /// Text that looks like a config file often enough to reach the
    /// typed layer: section headers, known and unknown keys, any values.
    fn tomlish() -> impl Strategy<Value = String> {
        let section = prop::sample::select(vec![
            "database", "redis", "discord", "radio", "planner", "http", "log", "x",
        ]);
        let key = prop::sample::select(vec![
            "url",
            "token",
            "device",
            "kind",
            "turn_budget_ms",
            "enabled",
            "address",
            "format",
            "level",
            "gemini_api_key",
            "table",
            "channel",
            "dm_nodes",
            "gap_secs",
            "hourly_airtime_secs",
            "hop_limit",
            "allow_mqtt",
            "allow_plain_dms",
            "y",
        ]);
        let value = prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<bool>().prop_map(|b| b.to_string()),
            any::<f64>().prop_map(toml_float),
            ".*".prop_map(|s| format!("{s:?}")),
            prop::collection::vec(".*", 0..3).prop_map(|v| format!("{v:?}")),
            Just("[1, 2]".to_owned()),
            Just("[\"!a1b2c3d4\", 5]".to_owned()),
            Just("{ a = 1 }".to_owned()),
        ];
        prop::collection::vec((section, key, value), 0..8).prop_map(|entries| {
            entries
                .into_iter()
                .map(|(s, k, v)| format!("[{s}]\n{k} = {v}\n"))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn any_text_parses_or_errors_without_panicking(text in "\\PC{0,200}") {
            if let Ok(l) = config::parse(Some(&text), None, Vec::new()) {
                let _ = l.config.problems();
                let _ = l.config.redacted();
            }
        }

        #[test]
        fn config_shaped_text_parses_or_errors_without_panicking(text in tomlish()) {
            match config::parse(Some(&text), None, Vec::new()) {
                Ok(l) => {
                    let _ = l.config.problems();
                    prop_assert!(!l.config.redacted().is_empty());
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }

        #[test]
        fn any_environment_parses_or_errors_without_panicking(
            vars in prop::collection::vec(("(DUNGEON_[A-Z_]{0,12}(__[A-Z_]{0,12})?|DATABASE_URL|REDIS_URL|DISCORD_TOKEN)", "\\PC{0,40}"), 0..6)
        ) {
            if let Ok(l) = config::parse(None, None, vars) {
                let _ = l.config.problems();
                let _ = l.config.redacted();
            }
        }

        #[test]
        fn dm_nodes_from_the_environment_are_the_nodes_given(
            nodes in prop::collection::vec(any::<u32>(), 1..5),
            separator in prop::sample::select(vec![",", ", ", " "]),
        ) {
            let value = nodes.iter().map(|n| format!("!{n:08x}")).collect::<Vec<_>>().join(separator);
            let vars = vec![("DUNGEON_RADIO__DM_NODES".to_owned(), value)];
            let c = config::parse(None, None, vars).unwrap().config;
            prop_assert_eq!(c.radio.dm_node_ids(), Ok(nodes));
            prop_assert!(c.problems().iter().all(|p| !p.starts_with("radio.")));
        }

        #[test]
        fn a_radio_gap_is_a_problem_exactly_when_out_of_range(gap in any::<f64>()) {
            let text = format!("[discord]\ntoken = \"t\"\n[radio]\ngap_secs = {}\n", toml_float(gap));
            let c = config::parse(Some(&text), None, Vec::new()).unwrap().config;
            let flagged = c.problems().iter().any(|p| p.starts_with("radio.gap_secs:"));
            prop_assert_eq!(flagged, !(0.0..=600.0).contains(&gap));
        }

        #[test]
        fn a_secret_never_shows_in_the_redacted_form(token in "[A-Za-z0-9._-]{12,40}") {
            let vars = vec![("DISCORD_TOKEN".to_owned(), token.clone())];
            let c = config::parse(None, None, vars).unwrap().config;
            prop_assert!(!c.redacted().contains(&token));
            let debug = format!("{:?}", c);
            prop_assert!(!debug.contains(&token));
        }
    }
}

// ------------------------------------------------------------ binary

fn config_check(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(["config", "check"])
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn config_check_prints_the_redacted_configuration_and_exits_zero_when_good() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("prod.toml");
    std::fs::write(&file, FULL).unwrap();
    let out = config_check(
        dir.path(),
        &["--config", file.to_str().unwrap()],
        &[("DUNGEON_HTTP__ADDRESS", "127.0.0.1:9555")],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("address = \"127.0.0.1:9555\""), "{stdout}");
    assert!(
        stdout.contains("# environment: DUNGEON_HTTP__ADDRESS"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("hunter2") && !stdout.contains("discord-secret"),
        "{stdout}"
    );
    assert!(stderr.contains("configuration OK"), "{stderr}");
}

#[test]
fn config_check_reads_dungeon_toml_in_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dungeon.toml"), FULL).unwrap();
    let out = config_check(dir.path(), &[], &[]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("# file: dungeon.toml"), "{stdout}");
}

#[test]
fn config_check_exits_non_zero_with_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    // No transport and a bad Redis URL: both reported.
    let out = config_check(dir.path(), &[], &[("REDIS_URL", "http://cache")]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2 problems"), "{stderr}");
    assert!(
        stderr.contains("redis.url: `http://cache` should start with redis://"),
        "{stderr}"
    );
    assert!(stderr.contains("no transport"), "{stderr}");

    // An unknown key in the file.
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "[discord]\ntoken = \"t\"\ncolour = \"red\"\n").unwrap();
    let out = config_check(dir.path(), &["--config", file.to_str().unwrap()], &[]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("discord.colour: unknown key `colour`"),
        "{stderr}"
    );

    // A file that is not there, when named.
    let out = config_check(dir.path(), &["--config", "missing.toml"], &[]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read the configuration file missing.toml"),
        "{stderr}"
    );
}

#[test]
fn config_check_shows_the_radio_keys_and_checks_the_radio_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("radio.toml");
    std::fs::write(&file, RADIO).unwrap();
    let path = file.to_str().unwrap();
    let out = config_check(
        dir.path(),
        &["--config", path, "--radio-hop-limit", "6"],
        &[("DUNGEON_RADIO__DM_NODES", "!0000abcd,!e5f6a7b8")],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for line in [
        "[radio]",
        "device = \"/dev/ttyUSB0\"",
        "table = \"discord:1234\"",
        "channel = 2",
        "dm_nodes = [\"!0000abcd\", \"!e5f6a7b8\"]",
        "gap_secs = 3.5",
        "hourly_airtime_secs = 0",
        "hop_limit = 6",
        "allow_mqtt = true",
        "allow_plain_dms = true",
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "{line} not in:\n{stdout}"
        );
    }

    // A flag out of range is reported like the key it overrides.
    let out = config_check(dir.path(), &["--config", path, "--radio-gap", "700"], &[]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("radio.gap_secs: 700 is out of range (0 to 600 seconds"),
        "{stderr}"
    );
}

// ------------------------------------------------------- dungeon serve

#[test]
fn serve_refuses_radio_settings_out_of_range_from_a_flag_or_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dungeon.toml");
    std::fs::write(&file, "[radio]\nhop_limit = 9\ndm_nodes = [\"!nope\"]\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(["serve", "--no-http", "--radio", "tcp://127.0.0.1:9"])
        .args(["--config", file.to_str().unwrap(), "--radio-gap=-1"])
        .current_dir(dir.path())
        .env_clear()
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("dungeon serve cannot start"), "{stderr}");
    for expect in [
        "radio.gap_secs: -1 is out of range",
        "radio.hop_limit: 9 is out of range",
        "radio.dm_nodes: `!nope` is not a node id",
    ] {
        assert!(stderr.contains(expect), "{expect} not in:\n{stderr}");
    }
}

/// The binary end to end: JSON log lines, the endpoint on the address
/// they name, ready once the (fake) Discord gateway is connected, and a
/// slash command counted in its metrics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_logs_json_and_serves_health_and_metrics() {
    let fake = fake_discord::FakeDiscord::start().await;
    let db = Db::sqlite();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(["serve", "--database", &db.url, "--discord-api", &fake.api])
        .args(["--http", "127.0.0.1:0", "--log-format", "json"])
        .env("DISCORD_TOKEN", "fake-token")
        .env_remove("RUST_LOG")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stderr));
    let address = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let log: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
            assert!(
                log["level"].is_string() && log["timestamp"].is_string(),
                "{line}"
            );
            if let Some(address) = log["address"].as_str() {
                return address.to_owned();
            }
        }
        panic!("serve stopped before naming its address");
    })
    .await
    .expect("serve names its address within 30 s");

    fake.wait_for("command registration", |c| c.method == "PUT")
        .await;
    let client = client();
    let base = format!("http://{address}");
    let (status, live) = get(&client, &format!("{base}/health/live")).await;
    assert_eq!(status, 200, "{live}");
    let mut ready = (0, String::new());
    for _ in 0..100 {
        ready = get(&client, &format!("{base}/health/ready")).await;
        if ready.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ready.0, 200, "{}", ready.1);
    let report: Value = serde_json::from_str(&ready.1).unwrap();
    assert_eq!(report["checks"]["discord"]["status"], "up");
    assert_eq!(report["checks"]["database"]["status"], "up");

    let opt = json!([{"name": "expr", "type": 3, "value": "2d6"}]);
    fake.ask(
        100_000_000_000_000_009,
        500_000_000_000_000_009,
        "roll",
        opt,
    )
    .await;
    let (_, metrics) = get(&client, &format!("{base}/metrics")).await;
    assert_eq!(
        sample(
            &metrics,
            "dungeon_discord_interactions_total",
            &[("command", "roll")]
        ),
        1.0,
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            "dungeon_commands_total",
            &[
                ("transport", "discord"),
                ("kind", "roll"),
                ("outcome", "done")
            ]
        ),
        1.0,
        "{metrics}"
    );
    child.kill().await.unwrap();
}

#[test]
fn serve_refuses_a_bad_configuration_and_says_which_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dungeon.toml");
    std::fs::write(&file, "[http]\nadress = \"127.0.0.1:9100\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(["serve", "--config", file.to_str().unwrap()])
        .current_dir(dir.path())
        .env_clear()
        .env("DISCORD_TOKEN", "fake-token")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("http.adress: unknown key `adress` (known: enabled, address)"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_says_what_to_do_when_its_http_address_is_taken() {
    let fake = fake_discord::FakeDiscord::start().await;
    let db = Db::sqlite();
    let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(["serve", "--database", &db.url, "--discord-api", &fake.api])
        .args(["--http", &address])
        .env("DISCORD_TOKEN", "fake-token")
        .env_remove("RUST_LOG")
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(30), out)
        .await
        .expect("serve stops at once")
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("serving health and metrics on {address}")),
        "{stderr}"
    );
    assert!(stderr.contains("--no-http"), "{stderr}");
    drop(taken);
}

/// The Discord adapter in this process against the fake Discord: its
/// `Link` goes up on READY, and with every response deferred, the
/// interaction and defer counters move by one per command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_keeps_its_link_and_counts_interactions_and_defers() {
    let fake = fake_discord::FakeDiscord::start().await;
    let db = Db::sqlite();
    let router = router_on(&db, None).await;
    let turns = bot::core::turns::MonsterTurns::new(
        Arc::clone(&router),
        None,
        bot::core::planner::TURN_BUDGET,
    );
    let settings = bot::transport::discord::Settings {
        token: "fake-token".to_owned(),
        api: Some(fake.api.clone()),
        seed: Some(7),
        defer_after: Duration::ZERO,
        go_vote_secs: config::DISCORD_GO_VOTE_SECS,
    };
    let link = Link::new();
    let http = Endpoint::start(Health {
        discord: Some(link.probe()),
        ..Health::default()
    })
    .await;
    let (stop, stopped) = oneshot::channel::<()>();
    let running = tokio::spawn(bot::transport::discord::run_linked(
        router,
        turns,
        settings,
        link.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    fake.wait_for("command registration", |c| c.method == "PUT")
        .await;
    for _ in 0..100 {
        if link.is_up() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(link.is_up(), "the link never went up after READY");
    let (status, ready) = http.json("/health/ready").await;
    assert_eq!(status, 200, "{ready}");

    let (_, before) = http.get("/metrics").await;
    let channel = 500_000_000_000_000_077;
    let (id, token) = fake.command(
        100_000_000_000_000_001,
        channel,
        "roll",
        json!([{"name": "expr", "type": 3, "value": "1d4"}]),
    );
    let callback = format!("interactions/{id}/{token}/callback");
    let deferred = fake
        .wait_for("the defer", |c| c.method == "POST" && c.path == callback)
        .await;
    assert_eq!(deferred.body["type"], 5, "{}", deferred.body);
    // After a defer the answer edits or follows the deferred message.
    let answer = format!("webhooks/{}/{token}", fake_discord::APP);
    fake.wait_for("the answer", |c| c.path.starts_with(&answer))
        .await;
    let (_, after) = http.get("/metrics").await;
    let delta = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    assert_eq!(
        delta("dungeon_discord_interactions_total", &[("command", "roll")]),
        1.0,
        "{after}"
    );
    assert_eq!(delta("dungeon_discord_defers_total", &[]), 1.0, "{after}");
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("the bot stops on shutdown")
        .unwrap()
        .unwrap();
}
