//! Reading an adventure file: TOML or JSON, size-limited, with the line and
//! column of the first thing wrong.

use std::fmt;

use super::Adventure;

/// The largest adventure file accepted, in bytes.
pub const MAX_BYTES: usize = 1 << 20;

/// Why a file could not be read as an adventure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The file is larger than [`MAX_BYTES`].
    #[error("the file is {0} bytes; an adventure may have at most {MAX_BYTES}")]
    TooLarge(usize),
    /// The text is not a well-formed adventure.
    #[error("{format} {at}: {message}")]
    Syntax {
        /// "TOML" or "JSON".
        format: &'static str,
        /// Where in the text.
        at: At,
        /// What is wrong.
        message: String,
    },
}

/// A place in a text: 1-based line and column (0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct At {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str("(end of file)")
        } else {
            write!(f, "line {}, column {}", self.line, self.column)
        }
    }
}

impl At {
    /// The line and column of byte `offset` in `text`.
    pub fn of(text: &str, offset: usize) -> At {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        At { line, column }
    }
}

/// Reads an adventure from TOML, or from JSON when the text starts with `{`.
/// It does not check the adventure's consistency: see [`super::check`].
///
/// ```
/// let text = r#"
/// id = "tiny"
/// title = "Tiny"
/// levels = [1, 1]
/// start = "hall"
/// [[areas]]
/// id = "hall"
/// name = "Hall"
/// short = "A bare hall."
/// "#;
/// let adventure = dm::adventure::load(text).unwrap();
/// assert_eq!(adventure.areas[0].name, "Hall");
/// let err = dm::adventure::load("id = 3").unwrap_err();
/// assert!(err.to_string().starts_with("TOML line 1, column 6"), "{err}");
/// ```
pub fn load(text: &str) -> Result<Adventure, LoadError> {
    if text.len() > MAX_BYTES {
        return Err(LoadError::TooLarge(text.len()));
    }
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| LoadError::Syntax {
            format: "JSON",
            at: At {
                line: e.line(),
                column: e.column(),
            },
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string(),
        })
    } else {
        toml::from_str(text).map_err(|e| LoadError::Syntax {
            format: "TOML",
            at: e.span().map_or_else(At::default, |s| At::of(text, s.start)),
            message: e.message().trim().to_string(),
        })
    }
}

/// Writes an adventure as TOML.
pub fn to_toml(adventure: &Adventure) -> String {
    // Every type serializes to a TOML-representable shape (no floats, no
    // maps with non-string keys, no None in arrays), so this cannot fail.
    toml::to_string(adventure).unwrap_or_else(|e| format!("# cannot be written as TOML: {e}\n"))
}
