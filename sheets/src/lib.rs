//! Character files players bring, read into a [`dm::character::Character`]: the Foundry
//! VTT dnd5e system's actor JSON ([`foundry`]), Fight Club 5 / Game Master 5
//! character XML ([`fc5`]), and our own JSON export ([`ours`]), which
//! round-trips exactly.
//!
//! Pure: bytes in, a sheet and its notes out. Every reader first checks the
//! limits ([`MAX_BYTES`], [`MAX_DEPTH`], [`MAX_ENTRIES`]) and fails whole,
//! with a short error that says what to do, so a broken or hostile file
//! creates nothing. What a file holds that the rules don't know (a feat
//! outside the SRD, a homebrew item, a second class) is said line by line in
//! [`Imported::notes`], never dropped silently.
//!
//! ```
//! let exported = sheets::ours::export(&sample());
//! let back = sheets::import(exported.as_bytes(), None).unwrap();
//! assert_eq!(back.character, sample());
//! # fn sample() -> dm::character::Character {
//! #     dm::character::Character::create(&dm::command::NewCharacter {
//! #         name: "Aria".into(), class: "wizard".into(), level: 3,
//! #         race: "elf".into(), scores: dm::command::Scores::StandardArray,
//! #         subclass: None, background: None,
//! #         ..Default::default()
//! #     }).unwrap()
//! # }
//! ```

pub mod fc5;
pub mod foundry;
pub mod ours;

mod draft;
mod limits;

use dm::character::Character;

pub use draft::{Draft, DraftArmor, DraftWeapon};

/// The largest file read: 2 MiB (a Foundry hero with every spell is ~170 KB).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// The deepest nesting of JSON arrays and objects or XML elements read.
pub const MAX_DEPTH: usize = 48;
/// The most items, spells, features or XML elements a file may hold.
pub const MAX_ENTRIES: usize = 20_000;

/// Which kind of file a character came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// A Foundry VTT dnd5e actor, with the system version it states
    /// ("3.0.0"; "unknown" when the file doesn't say).
    Foundry(String),
    /// A Fight Club 5 / Game Master 5 character.
    FightClub5,
    /// Our own export.
    Ours,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Format::Foundry(v) => write!(f, "Foundry VTT dnd5e {v}"),
            Format::FightClub5 => f.write_str("Fight Club 5"),
            Format::Ours => f.write_str("Distributed Dungeon export"),
        }
    }
}

/// A character read from a file, and what could not be carried over.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The sheet, ready for a table.
    pub character: Character,
    /// The file's format.
    pub format: Format,
    /// What was changed, approximated or left out, one line each
    /// ("feat Alert: not in the SRD, kept as a note").
    pub notes: Vec<String>,
}

/// Why a file could not be imported. Nothing is created when this happens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Over [`MAX_BYTES`].
    #[error("the file is {0} bytes; the most a character file may be is {MAX_BYTES} bytes")]
    TooLarge(usize),
    /// Nested deeper than [`MAX_DEPTH`].
    #[error("the file nests deeper than {MAX_DEPTH} levels; export the character again")]
    TooDeep,
    /// More than [`MAX_ENTRIES`] entries.
    #[error("the file holds more than {MAX_ENTRIES} entries; export one character at a time")]
    TooMany,
    /// Neither JSON nor XML, or not UTF-8.
    #[error("not a character file: expected Foundry VTT JSON, Fight Club 5 XML or our export")]
    UnknownFormat,
    /// Malformed JSON.
    #[error("broken JSON: {0}")]
    Json(String),
    /// Malformed XML, or XML with a DTD (entities are never expanded).
    #[error("broken XML: {0}")]
    Xml(String),
    /// A format or version this reader does not handle.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A field the rules need is absent or of the wrong type.
    #[error("{field}: {why}")]
    Field {
        /// Where in the file ("system.abilities.str.value").
        field: String,
        /// What is wrong with it.
        why: String,
    },
    /// The file's character breaks the rules (no SRD class, a bad name).
    #[error("{0}")]
    Character(String),
}

impl ImportError {
    pub(crate) fn field(field: impl Into<String>, why: impl Into<String>) -> Self {
        ImportError::Field {
            field: field.into(),
            why: why.into(),
        }
    }
}

/// Reads a character file of any known format. `name` replaces the file's
/// character name (which must otherwise be usable as a handle, or is cut
/// to its first word).
pub fn import(bytes: &[u8], name: Option<&str>) -> Result<Imported, ImportError> {
    limits::size(bytes)?;
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::UnknownFormat)?;
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('<') {
        fc5::import(text, name)
    } else if text.starts_with('{') {
        limits::json_depth(text)?;
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ImportError::Json(e.to_string()))?;
        if ours::is_ours(&value) {
            ours::from_value(value, name)
        } else {
            foundry::from_value(&value, name)
        }
    } else {
        Err(ImportError::UnknownFormat)
    }
}
