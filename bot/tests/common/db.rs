//! A store for each check: a fresh SQLite file, or the Postgres at
//! `TEST_DATABASE_URL` (skipped, and said so, when it is not set).

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use bot::core::store::Store;
use tempfile::TempDir;

/// Where a check's store lives; `open` may be called again to reopen it.
pub struct Db {
    pub url: String,
    /// Kept so the SQLite file outlives the check.
    _dir: Option<TempDir>,
}

impl Db {
    pub fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("store.db").display()
        );
        Db {
            url,
            _dir: Some(dir),
        }
    }

    /// The Postgres under test, or `None` after reporting the skip.
    pub fn postgres(test: &str) -> Option<Db> {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => Some(Db { url, _dir: None }),
            _ => {
                // Straight to stdout: the harness captures `println!` of a
                // passing test, and CI counts these lines.
                let _ = writeln!(
                    std::io::stdout(),
                    "skipped: {test} (TEST_DATABASE_URL not set)"
                );
                None
            }
        }
    }

    pub async fn open(&self) -> Store {
        Store::open(&self.url)
            .await
            .unwrap_or_else(|err| panic!("{err}"))
    }
}

/// A table id no other check or run uses.
pub fn unique(name: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{name}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Each check, once per backend: `sqlite::<check>` and `postgres::<check>`.
macro_rules! on_both_backends_impl {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    super::$check(&super::Db::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    if let Some(db) = super::Db::postgres(concat!("postgres::", stringify!($check))) {
                        super::$check(&db).await;
                    }
                }
            )*
        }
    };
}

pub(crate) use on_both_backends_impl as on_both_backends;
