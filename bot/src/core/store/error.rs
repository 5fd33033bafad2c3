//! What can go wrong in the store, each variant saying what to do about it.

use thiserror::Error;

/// An error of the store. `Conflict` is the expected outcome of losing the
/// race for a table's next seq; the rest are mistakes or outages.
///
/// The database's own error is part of each message rather than a `source`,
/// so `anyhow`'s `{:#}` prints it once, next to the advice.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The URL names no backend the store speaks.
    #[error(
        "unsupported database URL {url}: use sqlite://path?mode=rwc, a file path or postgres://user@host/db — check DATABASE_URL"
    )]
    UnsupportedUrl {
        /// The URL, with any password masked.
        url: String,
    },
    /// The database could not be reached or opened.
    #[error(
        "cannot open database at {url}: {cause} — check DATABASE_URL and that the database is running"
    )]
    Open {
        /// The URL, with any password masked.
        url: String,
        /// What the driver said.
        cause: sqlx::Error,
    },
    /// The schema could not be brought up to date.
    #[error(
        "cannot migrate database at {url}: {cause} — was it written by a newer dungeon, or edited by hand?"
    )]
    Migrate {
        /// The URL, with any password masked.
        url: String,
        /// What the migrator said.
        cause: sqlx::migrate::MigrateError,
    },
    /// Another writer already wrote this seq of the table: reload and retry.
    #[error(
        "seq {seq} of table {table_id} is already written by another writer — reload the table and retry"
    )]
    Conflict {
        /// The table.
        table_id: String,
        /// The seq that was taken.
        seq: u64,
    },
    /// The append would leave a hole in the table's log.
    #[error(
        "table {table_id} continues at seq {next}, not {expected} — reload the table before appending"
    )]
    Gap {
        /// The table.
        table_id: String,
        /// The seq the caller asked for.
        expected: u64,
        /// The seq the log continues at.
        next: u64,
    },
    /// The table was never created.
    #[error("unknown table {table_id} — create it with create_table first")]
    UnknownTable {
        /// The table.
        table_id: String,
    },
    /// The request already has a stored reply: answer with `reply_for`.
    #[error(
        "request {request_id} of table {table_id} was already answered — send the stored reply"
    )]
    DuplicateRequest {
        /// The table.
        table_id: String,
        /// The request.
        request_id: String,
    },
    /// An append without events.
    #[error("nothing to append to table {table_id} — pass at least one event")]
    NoEvents {
        /// The table.
        table_id: String,
    },
    /// A seq beyond what the database stores (a signed 64-bit integer).
    #[error("seq {seq} is out of range — seqs stop at {max}", max = i64::MAX)]
    SeqOutOfRange {
        /// The seq.
        seq: u64,
    },
    /// Any other failure of the database while it was open.
    #[error("database error: {0} — check that the database is reachable and not full")]
    Database(sqlx::Error),
}

/// Not `#[from]`: that would also make the driver's error the `source`, and
/// the message already carries it.
impl From<sqlx::Error> for StoreError {
    fn from(cause: sqlx::Error) -> Self {
        StoreError::Database(cause)
    }
}
