//! The schema migrations, embedded in the binary.
//!
//! Built by hand from `include_str!` rather than with `sqlx::migrate!`: that
//! macro needs sqlx's `macros` feature, a proc-macro crate that compiles the
//! drivers a second time for the host. The checksums are computed the same
//! way, so a database migrated by `sqlx migrate run` is accepted too. A test
//! checks that every file of `migrations/<dialect>/` is listed here.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// One migration file: its version, its description and its SQL.
type Source = (i64, &'static str, &'static str);

/// `migrations/sqlite/`, in version order.
pub(crate) const SQLITE: &[Source] = &[
    (
        1,
        "store",
        include_str!("../../../../migrations/sqlite/0001_store.sql"),
    ),
    (
        2,
        "seeds and identities",
        include_str!("../../../../migrations/sqlite/0002_seeds_and_identities.sql"),
    ),
    (
        3,
        "radio bindings",
        include_str!("../../../../migrations/sqlite/0003_radio_bindings.sql"),
    ),
    (
        4,
        "web",
        include_str!("../../../../migrations/sqlite/0004_web.sql"),
    ),
    (
        5,
        "adventurers",
        include_str!("../../../../migrations/sqlite/0005_adventurers.sql"),
    ),
];

/// `migrations/postgres/`, in version order.
pub(crate) const POSTGRES: &[Source] = &[
    (
        1,
        "store",
        include_str!("../../../../migrations/postgres/0001_store.sql"),
    ),
    (
        2,
        "seeds and identities",
        include_str!("../../../../migrations/postgres/0002_seeds_and_identities.sql"),
    ),
    (
        3,
        "radio bindings",
        include_str!("../../../../migrations/postgres/0003_radio_bindings.sql"),
    ),
    (
        4,
        "web",
        include_str!("../../../../migrations/postgres/0004_web.sql"),
    ),
    (
        5,
        "adventurers",
        include_str!("../../../../migrations/postgres/0005_adventurers.sql"),
    ),
];

/// The migrator for one dialect's sources.
pub(crate) fn migrator(sources: &[Source]) -> Migrator {
    Migrator::with_migrations(
        sources
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files of `migrations/<dialect>/` as `(version, description)`.
    fn files(dialect: &str) -> Vec<(i64, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../migrations")
            .join(dialect);
        let mut found: Vec<(i64, String)> = std::fs::read_dir(&dir)
            .expect("migrations folder")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter_map(|name| {
                let stem = name.strip_suffix(".sql")?;
                let (version, description) = stem.split_once('_')?;
                Some((version.parse().ok()?, description.replace('_', " ")))
            })
            .collect();
        found.sort();
        found
    }

    fn listed(sources: &[Source]) -> Vec<(i64, String)> {
        sources
            .iter()
            .map(|&(version, description, _)| (version, description.to_owned()))
            .collect()
    }

    #[test]
    fn every_migration_file_is_embedded() {
        assert_eq!(listed(SQLITE), files("sqlite"));
        assert_eq!(listed(POSTGRES), files("postgres"));
    }
}
