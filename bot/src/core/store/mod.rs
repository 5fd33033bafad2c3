//! The store: a durable, append-only event log per table, with snapshots,
//! stored replies for duplicate requests and the history of sheet edits.
//!
//! It knows nothing of the game: kinds are strings and payloads are JSON.
//! SQLite (a file, the embedded default) or Postgres (production), chosen by
//! the URL given to [`Store::open`].
//!
//! **Backend choice:** an enum of two typed pools, not sqlx's `Any` driver.
//! `Any` carries only booleans, numbers, text and blobs, so JSON would cross
//! it as text and every read would re-parse it by hand; it needs its own
//! feature and a driver registry installed at start; and it does not
//! translate SQL anyway. The typed pools keep `JSONB` on Postgres (queryable
//! in place), let SQLite open write transactions with `BEGIN IMMEDIATE`, and
//! the `on_pool!` macro runs one copy of each query on either pool: both
//! dialects accept the same SQL here (`$n` placeholders, `ON CONFLICT`,
//! `RETURNING`).
//!
//! **Invariants:** an append is one transaction (its events and its request's
//! reply, or nothing); `(table_id, seq)` is unique, so of two writers racing
//! for a seq exactly one wins and the other gets [`StoreError::Conflict`];
//! SQLite commits with `synchronous=FULL`, so an acknowledged append survives
//! a power cut.

mod error;
mod migrate;

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::types::Json;

pub use error::StoreError;

use crate::ops::http::Probe;

/// How long a SQLite writer waits for another one to commit before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A handle on the store; cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
}

/// The two backends; see the module docs for why not `Any`.
#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code against whichever pool the store holds. `$begin` is
/// bound to the statement that opens a write transaction: SQLite takes the
/// write lock up front (`BEGIN IMMEDIATE`) so that a read-then-write
/// transaction waits for the lock instead of failing with `SQLITE_BUSY`.
macro_rules! on_pool {
    ($store:expr, |$pool:ident, $begin:ident| $body:expr) => {
        match &$store.pool {
            Pool::Sqlite($pool) => {
                let $begin = "BEGIN IMMEDIATE";
                $body
            }
            Pool::Postgres($pool) => {
                let $begin = "BEGIN";
                $body
            }
        }
    };
}

/// An event to append: what kind of fact it is and its data.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The kind, as the game names it (the store does not interpret it).
    pub kind: String,
    /// The data of the event.
    pub payload: Value,
}

/// An event as stored, with its place in the table's log.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Its position in the table's log; the first event has seq 1.
    pub seq: u64,
    /// The kind it was appended with.
    pub kind: String,
    /// The data it was appended with.
    pub payload: Value,
    /// When it was committed, in Unix milliseconds.
    pub created_at_ms: i64,
}

/// A table as listed by [`Store::list_tables`].
#[derive(Debug, Clone, PartialEq)]
pub struct TableInfo {
    /// The table's id.
    pub id: String,
    /// What the table was created with (transport, channel, name…).
    pub meta: Value,
    /// When it was created, in Unix milliseconds.
    pub created_at_ms: i64,
}

/// One edit of a character sheet, for the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetEdit {
    /// The character whose sheet changed.
    pub character: String,
    /// Who changed it.
    pub who: String,
    /// When, in Unix milliseconds (given by the caller, who owns the clock).
    pub at_ms: i64,
    /// Why, in the editor's words.
    pub reason: String,
    /// The sheet before the edit.
    pub before: Value,
    /// The sheet after the edit.
    pub after: Value,
}

/// One table's append, for [`Store::append_batch`]: its events at seqs
/// `expected_next_seq..`, the reply to the request that made them, and the
/// sheet edits they carry, all in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Append {
    /// The table.
    pub table_id: String,
    /// The seq the first event must get.
    pub expected_next_seq: u64,
    /// The events, in order; at least one.
    pub events: Vec<NewEvent>,
    /// The request's id and its reply, for answering a retry.
    pub request: Option<(String, Value)>,
    /// Sheet edits to record with the events.
    pub sheet_edits: Vec<SheetEdit>,
}

/// Rows per multi-row `INSERT` (and tables per `SELECT`). Small on purpose:
/// sqlx 0.9.0 leaves Nagle's algorithm on (its TCP_NODELAY went missing,
/// sqlx issue #4335), so a statement longer than one TCP segment waits ~40 ms
/// for a delayed ACK. 32 rows stay well inside a loopback segment; a batch
/// of 1,000 appends went from 95 ms to a few ms. Far below SQLite's 32,766
/// bound parameters too.
const ROWS_PER_INSERT: usize = 32;

impl Store {
    /// Opens the store at `url` and brings its schema up to date.
    ///
    /// `sqlite://path?mode=rwc` or a plain file path opens SQLite (WAL,
    /// `synchronous=FULL`, a busy timeout); `postgres://…` opens Postgres.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let shown = crate::config::mask_password(url);
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(|cause| StoreError::Open {
                url: shown.clone(),
                cause,
            })?;
            // One plain connection first: a pool retries a refused connection
            // until its acquire timeout, this fails at once with the cause.
            let probe = PgConnection::connect_with(&options)
                .await
                .map_err(|cause| StoreError::Open {
                    url: shown.clone(),
                    cause,
                })?;
            probe.close().await?;
            // Twice sqlx's default: the group-commit writers hold connections
            // while they commit, and reads (a writer catching up on another
            // process's events) should not queue behind them.
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(20)
                    .connect_lazy_with(options),
            )
        } else if url.starts_with("sqlite:") || !url.contains("://") {
            let options = if url.starts_with("sqlite:") {
                SqliteConnectOptions::from_str(url).map_err(|cause| StoreError::Open {
                    url: shown.clone(),
                    cause,
                })?
            } else {
                SqliteConnectOptions::new()
                    .filename(url)
                    .create_if_missing(true)
            };
            let options = options
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
                // Commits never pay for a checkpoint: a background task runs
                // them instead (see `checkpoint_in_background`).
                .pragma("wal_autocheckpoint", "0");
            // Every connection to `:memory:` is a database of its own.
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let pool = SqlitePoolOptions::new()
                .max_connections(if in_memory { 1 } else { 4 })
                .connect_with(options)
                .await
                .map_err(|cause| StoreError::Open {
                    url: shown.clone(),
                    cause,
                })?;
            if !in_memory {
                checkpoint_in_background(pool.clone());
            }
            Pool::Sqlite(pool)
        } else {
            return Err(StoreError::UnsupportedUrl { url: shown });
        };
        let store = Store { pool };
        let migrated = match &store.pool {
            Pool::Sqlite(pool) => migrate::migrator(migrate::SQLITE).run(pool).await,
            Pool::Postgres(pool) => migrate::migrator(migrate::POSTGRES).run(pool).await,
        };
        migrated.map_err(|cause| StoreError::Migrate { url: shown, cause })?;
        Ok(store)
    }

    /// Whether this is the Postgres backend (else SQLite).
    pub fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// Closes every connection, waiting for those in use to come back.
    pub async fn close(&self) {
        on_pool!(self, |pool, _begin| pool.close().await)
    }

    /// One round trip to the database (`SELECT 1`), for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, |pool, _begin| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// The store as a readiness check: a [`ping`](Self::ping).
    pub fn probe(&self) -> Probe {
        let store = self.clone();
        Arc::new(move || {
            let store = store.clone();
            Box::pin(async move { store.ping().await.map_err(|e| e.to_string()) })
        })
    }

    /// Creates the table `id` with `meta`; returns whether it was new. A table
    /// that exists already keeps its meta.
    pub async fn create_table(&self, id: &str, meta: &Value) -> Result<bool, StoreError> {
        self.create_table_with_secret(id, meta, None).await
    }

    /// Creates the table `id` with `meta` and a secret (its dice seed) that
    /// only [`Store::secret`] reads back; returns whether it was new. A table
    /// that exists already keeps its meta and secret.
    pub async fn create_table_with_secret(
        &self,
        id: &str,
        meta: &Value,
        secret: Option<&str>,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let done = on_pool!(self, |pool, _begin| {
            sqlx::query(
                "INSERT INTO tables (id, created_at, meta, secret) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(id)
            .bind(now)
            .bind(Json(meta))
            .bind(secret)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Every table, by id.
    pub async fn list_tables(&self) -> Result<Vec<TableInfo>, StoreError> {
        let rows: Vec<(String, Json<Value>, i64)> = on_pool!(self, |pool, _begin| {
            sqlx::query_as("SELECT id, meta, created_at FROM tables ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, Json(meta), created_at_ms)| TableInfo {
                id,
                meta,
                created_at_ms,
            })
            .collect())
    }

    /// The table's secret; `None` if it has none. An unknown table is an error.
    pub async fn secret(&self, table_id: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>,)> = on_pool!(self, |pool, _begin| {
            sqlx::query_as("SELECT secret FROM tables WHERE id = $1")
                .bind(table_id)
                .fetch_optional(pool)
                .await?
        });
        match row {
            Some((secret,)) => Ok(secret),
            None => Err(StoreError::UnknownTable {
                table_id: table_id.to_owned(),
            }),
        }
    }

    /// Links a transport identity (`discord:123`) to a player, replacing any
    /// earlier link of that identity.
    pub async fn link_identity(&self, identity: &str, player: &str) -> Result<(), StoreError> {
        let now = now_ms();
        on_pool!(self, |pool, _begin| {
            sqlx::query(
                "INSERT INTO identities (identity, player, linked_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (identity) DO UPDATE SET player = excluded.player, \
                 linked_at = excluded.linked_at",
            )
            .bind(identity)
            .bind(player)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The public key (hex) a radio node is bound to, if any.
    pub async fn radio_binding(&self, node: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = on_pool!(self, |pool, _begin| {
            sqlx::query_as("SELECT public_key FROM radio_bindings WHERE node = $1")
                .bind(node)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(k,)| k))
    }

    /// Binds a radio node to `public_key` (hex) unless it is bound already;
    /// `true` if this call bound it.
    pub async fn bind_radio(&self, node: &str, public_key: &str) -> Result<bool, StoreError> {
        let now = now_ms();
        let done = on_pool!(self, |pool, _begin| {
            sqlx::query(
                "INSERT INTO radio_bindings (node, public_key, bound_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (node) DO NOTHING",
            )
            .bind(node)
            .bind(public_key)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Forgets a radio node's key, so its next encrypted DM binds it again;
    /// `true` if it was bound.
    pub async fn unbind_radio(&self, node: &str) -> Result<bool, StoreError> {
        let done = on_pool!(self, |pool, _begin| {
            sqlx::query("DELETE FROM radio_bindings WHERE node = $1")
                .bind(node)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// Every linked identity and its player.
    pub async fn identities(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(on_pool!(self, |pool, _begin| {
            sqlx::query_as("SELECT identity, player FROM identities ORDER BY identity")
                .fetch_all(pool)
                .await?
        }))
    }

    /// Appends `events` to the table's log at seqs `expected_next_seq..`, and
    /// with them the reply to `request` (its id and reply), in one transaction.
    /// Returns the seq of the last event.
    ///
    /// If any of those seqs is taken, nothing is written and the error is
    /// [`StoreError::Conflict`]: another writer got there first, so reload the
    /// table and decide again.
    pub async fn append(
        &self,
        table_id: &str,
        expected_next_seq: u64,
        events: &[NewEvent],
        request: Option<(&str, &Value)>,
    ) -> Result<u64, StoreError> {
        self.append_one(&Append {
            table_id: table_id.to_owned(),
            expected_next_seq,
            events: events.to_vec(),
            request: request.map(|(id, reply)| (id.to_owned(), reply.clone())),
            sheet_edits: Vec::new(),
        })
        .await
    }

    /// Appends for several tables in one transaction (group commit): one
    /// result per append, in order, each as [`Store::append`] would give it.
    /// Appends to the same table are taken in order. If the batch cannot
    /// commit as a whole (a race with another writer, a repeated request id),
    /// each append is retried on its own so that only the offending ones fail.
    pub async fn append_batch(&self, batch: &[Append]) -> Vec<Result<u64, StoreError>> {
        if batch.len() > 1 {
            match self.try_batch(batch).await {
                Ok(results) => return results,
                Err(_) => {
                    // Fall through: one transaction per append.
                }
            }
        }
        let mut results = Vec::with_capacity(batch.len());
        for append in batch {
            results.push(self.append_one(append).await);
        }
        results
    }

    /// The whole batch in one transaction, or an error and nothing written.
    async fn try_batch(
        &self,
        batch: &[Append],
    ) -> Result<Vec<Result<u64, StoreError>>, StoreError> {
        let now = now_ms();
        on_pool!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            // Where each table's log ends now.
            let mut current: std::collections::HashMap<&str, i64> =
                std::collections::HashMap::new();
            let mut ids: Vec<&str> = batch.iter().map(|a| a.table_id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(ROWS_PER_INSERT) {
                // One MAX per table, each answered from the primary key's
                // index; a GROUP BY over the tables would read all their rows.
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT column1, (SELECT COALESCE(MAX(seq), 0) FROM events \
                     WHERE table_id = column1) FROM (VALUES ",
                );
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push("(");
                    list.push_bind_unseparated(*id);
                    list.push_unseparated(")");
                }
                q.push(") AS v");
                let rows: Vec<(String, i64)> = q.build_query_as().fetch_all(&mut *tx).await?;
                for (id, seq) in rows {
                    if let Some(key) = chunk.iter().find(|k| **k == id) {
                        current.insert(key, seq);
                    }
                }
            }
            // Check each append against the log as the batch grows it.
            let mut results = Vec::with_capacity(batch.len());
            let mut events: Vec<(&str, i64, &NewEvent)> = Vec::new();
            let mut requests: Vec<(&str, &str, i64, &Value)> = Vec::new();
            let mut edits: Vec<(&str, &SheetEdit)> = Vec::new();
            for append in batch {
                let table_id = append.table_id.as_str();
                let (first, last) = match seq_range(append) {
                    Ok(range) => range,
                    Err(err) => {
                        results.push(Err(err));
                        continue;
                    }
                };
                let now_at = current.get(table_id).copied().unwrap_or(0);
                if let Err(err) = check_next(table_id, now_at, first) {
                    results.push(Err(err));
                    continue;
                }
                for (seq, event) in (first..=last).zip(&append.events) {
                    events.push((table_id, seq, event));
                }
                if let Some((request_id, reply)) = &append.request {
                    requests.push((table_id, request_id, last, reply));
                }
                edits.extend(append.sheet_edits.iter().map(|e| (table_id, e)));
                current.insert(table_id, last);
                results.push(Ok(from_db_seq(last)));
            }
            for chunk in events.chunks(ROWS_PER_INSERT) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO events (table_id, seq, kind, payload, created_at) ",
                );
                q.push_values(chunk, |mut row, (table_id, seq, event)| {
                    row.push_bind(*table_id)
                        .push_bind(*seq)
                        .push_bind(event.kind.as_str())
                        .push_bind(Json(&event.payload))
                        .push_bind(now);
                });
                q.build().execute(&mut *tx).await?;
            }
            for chunk in requests.chunks(ROWS_PER_INSERT) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO requests (table_id, request_id, seq, reply, created_at) ",
                );
                q.push_values(chunk, |mut row, (table_id, request_id, seq, reply)| {
                    row.push_bind(*table_id)
                        .push_bind(*request_id)
                        .push_bind(*seq)
                        .push_bind(Json(*reply))
                        .push_bind(now);
                });
                q.build().execute(&mut *tx).await?;
            }
            for chunk in edits.chunks(ROWS_PER_INSERT) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO sheet_history (table_id, character, who, at, reason, before, after) ",
                );
                q.push_values(chunk, |mut row, (table_id, edit)| {
                    row.push_bind(*table_id)
                        .push_bind(edit.character.as_str())
                        .push_bind(edit.who.as_str())
                        .push_bind(edit.at_ms)
                        .push_bind(edit.reason.as_str())
                        .push_bind(Json(&edit.before))
                        .push_bind(Json(&edit.after));
                });
                q.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(results)
        })
    }

    /// One append in a transaction of its own, with precise errors.
    async fn append_one(&self, append: &Append) -> Result<u64, StoreError> {
        let table_id = append.table_id.as_str();
        let events = &append.events;
        let (first, last_db) = seq_range(append)?;
        let last = from_db_seq(last_db);
        let now = now_ms();
        let conflict = |seq: u64| StoreError::Conflict {
            table_id: table_id.to_owned(),
            seq,
        };
        on_pool!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let (current,): (i64,) =
                sqlx::query_as("SELECT COALESCE(MAX(seq), 0) FROM events WHERE table_id = $1")
                    .bind(table_id)
                    .fetch_one(&mut *tx)
                    .await?;
            // Checked up front for a clear answer; the primary key still
            // decides a race between two writers that both passed this check.
            check_next(table_id, current, first)?;
            for (seq, event) in (first..=last_db).zip(events) {
                sqlx::query(
                    "INSERT INTO events (table_id, seq, kind, payload, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(table_id)
                .bind(seq)
                .bind(&event.kind)
                .bind(Json(&event.payload))
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|err| match classify(&err) {
                    Violation::Unique => conflict(from_db_seq(seq)),
                    Violation::ForeignKey => StoreError::UnknownTable {
                        table_id: table_id.to_owned(),
                    },
                    Violation::Other => StoreError::Database(err),
                })?;
            }
            if let Some((request_id, reply)) = &append.request {
                sqlx::query(
                    "INSERT INTO requests (table_id, request_id, seq, reply, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(table_id)
                .bind(request_id)
                .bind(last_db)
                .bind(Json(reply))
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|err| match classify(&err) {
                    Violation::Unique => StoreError::DuplicateRequest {
                        table_id: table_id.to_owned(),
                        request_id: request_id.to_owned(),
                    },
                    _ => StoreError::Database(err),
                })?;
            }
            for edit in &append.sheet_edits {
                sqlx::query(
                    "INSERT INTO sheet_history (table_id, character, who, at, reason, before, after) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(table_id)
                .bind(&edit.character)
                .bind(&edit.who)
                .bind(edit.at_ms)
                .bind(&edit.reason)
                .bind(Json(&edit.before))
                .bind(Json(&edit.after))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(last)
    }

    /// The table's events after `after_seq` (0 for all), in order.
    pub async fn events(
        &self,
        table_id: &str,
        after_seq: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let after = to_db_seq(after_seq)?;
        let rows: Vec<(i64, String, Json<Value>, i64)> = on_pool!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT seq, kind, payload, created_at FROM events \
                 WHERE table_id = $1 AND seq > $2 ORDER BY seq",
            )
            .bind(table_id)
            .bind(after)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(seq, kind, Json(payload), created_at_ms)| StoredEvent {
                seq: from_db_seq(seq),
                kind,
                payload,
                created_at_ms,
            })
            .collect())
    }

    /// The seq of the table's last event, 0 if it has none.
    pub async fn last_seq(&self, table_id: &str) -> Result<u64, StoreError> {
        let (seq,): (i64,) = on_pool!(self, |pool, _begin| {
            sqlx::query_as("SELECT COALESCE(MAX(seq), 0) FROM events WHERE table_id = $1")
                .bind(table_id)
                .fetch_one(pool)
                .await?
        });
        Ok(from_db_seq(seq))
    }

    /// Saves `state` as the table's state after event `seq`. Saving the same
    /// seq again replaces that snapshot.
    pub async fn save_snapshot(
        &self,
        table_id: &str,
        seq: u64,
        state: &Value,
    ) -> Result<(), StoreError> {
        let seq = to_db_seq(seq)?;
        let now = now_ms();
        on_pool!(self, |pool, _begin| {
            sqlx::query(
                "INSERT INTO snapshots (table_id, seq, state, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (table_id, seq) DO UPDATE SET state = excluded.state, \
                 created_at = excluded.created_at",
            )
            .bind(table_id)
            .bind(seq)
            .bind(Json(state))
            .bind(now)
            .execute(pool)
            .await
            .map_err(|err| match classify(&err) {
                Violation::ForeignKey => StoreError::UnknownTable {
                    table_id: table_id.to_owned(),
                },
                _ => StoreError::Database(err),
            })?;
        });
        Ok(())
    }

    /// The table's most recent snapshot: the seq it was taken after, and the
    /// state.
    pub async fn latest_snapshot(
        &self,
        table_id: &str,
    ) -> Result<Option<(u64, Value)>, StoreError> {
        let row: Option<(i64, Json<Value>)> = on_pool!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT seq, state FROM snapshots WHERE table_id = $1 ORDER BY seq DESC LIMIT 1",
            )
            .bind(table_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(seq, Json(state))| (from_db_seq(seq), state)))
    }

    /// The stored reply to a request already handled, and the seq of the last
    /// event it appended; `None` if the request is new.
    pub async fn reply_for(
        &self,
        table_id: &str,
        request_id: &str,
    ) -> Result<Option<(u64, Value)>, StoreError> {
        let row: Option<(i64, Json<Value>)> = on_pool!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT seq, reply FROM requests WHERE table_id = $1 AND request_id = $2",
            )
            .bind(table_id)
            .bind(request_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(seq, Json(reply))| (from_db_seq(seq), reply)))
    }

    /// Every request id handled at a table with the seq of its last event,
    /// in seq order (for checks that no request applied twice).
    pub async fn requests(&self, table_id: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let rows: Vec<(String, i64)> = on_pool!(self, |pool, _begin| {
            sqlx::query_as("SELECT request_id, seq FROM requests WHERE table_id = $1 ORDER BY seq")
                .bind(table_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, seq)| (id, from_db_seq(seq)))
            .collect())
    }

    /// The edits of one character's sheet at a table, oldest first.
    pub async fn sheet_history(
        &self,
        table_id: &str,
        character: &str,
    ) -> Result<Vec<SheetEdit>, StoreError> {
        type Row = (String, String, i64, String, Json<Value>, Json<Value>);
        let rows: Vec<Row> = on_pool!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT character, who, at, reason, before, after FROM sheet_history \
                 WHERE table_id = $1 AND character = $2 ORDER BY id",
            )
            .bind(table_id)
            .bind(character)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(character, who, at_ms, reason, Json(before), Json(after))| SheetEdit {
                    character,
                    who,
                    at_ms,
                    reason,
                    before,
                    after,
                },
            )
            .collect())
    }
}

/// Which constraint a failed statement broke, told apart portably through
/// sqlx's error kinds rather than each database's error codes.
enum Violation {
    Unique,
    ForeignKey,
    Other,
}

/// The first and last seq an append would take, as database integers.
fn seq_range(append: &Append) -> Result<(i64, i64), StoreError> {
    let count = u64::try_from(append.events.len()).unwrap_or(u64::MAX);
    let last = match count {
        0 => {
            return Err(StoreError::NoEvents {
                table_id: append.table_id.clone(),
            });
        }
        n => append
            .expected_next_seq
            .checked_add(n - 1)
            .ok_or(StoreError::SeqOutOfRange { seq: u64::MAX })?,
    };
    Ok((to_db_seq(append.expected_next_seq)?, to_db_seq(last)?))
}

/// Whether an append starting at `first` follows a log that ends at `current`.
fn check_next(table_id: &str, current: i64, first: i64) -> Result<(), StoreError> {
    if current >= first {
        return Err(StoreError::Conflict {
            table_id: table_id.to_owned(),
            seq: from_db_seq(first),
        });
    }
    if current + 1 < first {
        return Err(StoreError::Gap {
            table_id: table_id.to_owned(),
            expected: from_db_seq(first),
            next: from_db_seq(current + 1),
        });
    }
    Ok(())
}

/// How often the SQLite write-ahead log is copied back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies the write-ahead log into the database file every
/// [`CHECKPOINT_EVERY`] from a connection of its own, so that no commit stalls
/// on a checkpoint (SQLite's automatic one runs inside the commit that fills
/// the log). `PASSIVE` never blocks writers; the task ends with the pool.
fn checkpoint_in_background(pool: SqlitePool) {
    tokio::spawn(async move {
        for tick in 1u64.. {
            tokio::time::sleep(CHECKPOINT_EVERY).await;
            if pool.is_closed() {
                return;
            }
            // Under steady writes a passive checkpoint never catches the end
            // of the log, so the log would only grow: now and then, once the
            // passive ones have copied nearly everything, a RESTART copies the
            // rest (holding writers for that short moment) and lets the next
            // commit start the log over.
            let mode = if tick % RESTART_EVERY_TICKS == 0 {
                "PRAGMA wal_checkpoint(RESTART)"
            } else {
                "PRAGMA wal_checkpoint(PASSIVE)"
            };
            // A busy or failed checkpoint is retried next time; the log keeps
            // every commit meanwhile.
            let _ = sqlx::query(mode).execute(&pool).await;
        }
    });
}

/// Every how many checkpoints one is a `RESTART`.
const RESTART_EVERY_TICKS: u64 = 4;

fn classify(err: &sqlx::Error) -> Violation {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => Violation::Unique,
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => Violation::ForeignKey,
        _ => Violation::Other,
    }
}

/// Seqs are `u64` to callers and `BIGINT` (signed) in the database.
fn to_db_seq(seq: u64) -> Result<i64, StoreError> {
    i64::try_from(seq).map_err(|_| StoreError::SeqOutOfRange { seq })
}

/// The database only ever holds seqs written through [`to_db_seq`].
fn from_db_seq(seq: i64) -> u64 {
    u64::try_from(seq).unwrap_or(0)
}

/// Now, in Unix milliseconds.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        })
}

mod adventurers;
mod web;
