//! The web table over a router and a SQLite store on a free port, for the
//! web tests (HTTP and browser).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bot::core::router::{Answer, Config, Envelope, Router, Transport, system_clock};
use bot::core::turns::MonsterTurns;
use bot::transport::web::{Settings, Web};
use dm::PlayerId;
use dm::seed::TableSeed;
use serde_json::json;

use super::db::{Db, unique};

/// The secret the test sites sign sessions with.
pub const SECRET: &[u8] = b"a test secret, sixteen+ bytes";
/// The admin API's token on the test sites.
pub const ADMIN_TOKEN: &str = "admin-token-for-tests";

/// The web table over a router and a SQLite store, on a free port, with
/// one table: Aria (console:aria) and Bram (console:bram) against a goblin,
/// at Aria's turn; its DM is console:dm.
pub struct Site {
    pub db: Db,
    pub router: Arc<Router>,
    pub addr: SocketAddr,
    pub table: String,
}

pub async fn site() -> Site {
    let db = Db::sqlite();
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
    site_with(db, router).await
}

/// The web table served on `router` (whose store is `db`), with the table
/// set up as [`site`] says.
pub async fn site_with(db: Db, router: Arc<Router>) -> Site {
    let turns = MonsterTurns::new(router.clone(), None, Duration::from_millis(200));
    let settings = Settings {
        allow_watchers: false,
        secret: SECRET.to_vec(),
        admin_token: Some(ADMIN_TOKEN.to_owned()),
        session_life: Duration::from_secs(3600),
    };
    let web = Web::new(router.clone(), turns, settings).unwrap();
    tokio::spawn(web.clone().listen());
    let app =
        bot::ops::http::app(bot::ops::http::Health::default()).merge(bot::transport::web::app(web));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(bot::ops::http::serve(listener, app, std::future::pending()));
    let table = unique("web");
    router
        .open_table(
            &table,
            &json!({}),
            PlayerId::new("console:dm"),
            &TableSeed::from_entropy_bytes([9; 32]),
        )
        .await
        .unwrap();
    let s = Site {
        db,
        router,
        addr,
        table,
    };
    for (who, line) in [
        ("aria", "char new Aria fighter 3 human"),
        ("bram", "char new Bram cleric 3 dwarf"),
        ("dm", "dm encounter"),
        ("dm", "madd goblin --avg"),
        ("dm", "n"),
    ] {
        s.say(who, line).await;
    }
    for _ in 0..6 {
        if s.current().await.as_deref() == Some("aria") {
            break;
        }
        s.say("dm", "n").await;
    }
    assert_eq!(s.current().await.as_deref(), Some("aria"));
    s
}

impl Site {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn say(&self, who: &str, line: &str) -> Answer {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.router
            .submit(Envelope {
                transport: Transport::Console,
                table: self.table.clone(),
                sender: format!("console:{who}"),
                request_id: format!("c{n}"),
                command: dm::parse(line).unwrap(),
            })
            .await
            .unwrap()
    }

    pub async fn current(&self) -> Option<String> {
        let t = self.router.table(&self.table).await.unwrap();
        t.encounter
            .as_ref()
            .and_then(|e| e.current().map(str::to_owned))
    }

    /// A sign-in code from the console: `dungeon web link NAME`, the
    /// binary, against this site's database.
    pub fn code(&self, name: &str) -> String {
        let out = super::dungeon(&["web", "link", name, "--database", &self.db.url]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        super::stdout(&out)
            .lines()
            .next()
            .unwrap()
            .trim()
            .to_owned()
    }
}
