//! Our own export: the sheet exactly as the table keeps it, in a small
//! envelope that names the format and its version, so that `char export`
//! then `char import` gives back the identical sheet.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use dm::character::{Character, valid_name};

use crate::{Format, ImportError, Imported};

/// The envelope's format name.
pub const FORMAT: &str = "distributed-dungeon/character";
/// The envelope's version.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: String,
    version: u32,
    character: Character,
}

/// The sheet as export JSON (pretty-printed).
pub fn export(character: &Character) -> String {
    let envelope = serde_json::json!({
        "format": FORMAT,
        "version": VERSION,
        "character": character,
    });
    serde_json::to_string_pretty(&envelope).unwrap_or_default()
}

/// Whether a parsed file is our export.
pub fn is_ours(value: &Value) -> bool {
    value.get("format").and_then(Value::as_str) == Some(FORMAT)
}

/// Reads our export; `name` renames the character.
pub fn from_value(value: Value, name: Option<&str>) -> Result<Imported, ImportError> {
    let envelope: Envelope =
        serde_json::from_value(value).map_err(|e| ImportError::Json(e.to_string()))?;
    if envelope.version != VERSION {
        return Err(ImportError::Unsupported(format!(
            "export version {} (this build reads version {VERSION})",
            envelope.version
        )));
    }
    let mut c = envelope.character;
    if let Some(name) = name {
        c.name = name.to_string();
        c.handle = name.to_lowercase();
    }
    check(&c)?;
    Ok(Imported {
        character: c,
        format: Format::Ours,
        notes: Vec::new(),
    })
}

/// What a sheet must be for the table to take it: a handle from its name,
/// an SRD class, a level and scores in range, no more hit dice than levels,
/// homebrew weapons that roll.
fn check(c: &Character) -> Result<(), ImportError> {
    let bad = |why: String| Err(ImportError::Character(why));
    if !valid_name(&c.name) || c.handle != c.name.to_lowercase() {
        return bad(format!(
            "name `{}`: use 1 to 24 letters, digits, `-` or `'`, starting with a letter",
            c.name.chars().take(40).collect::<String>()
        ));
    }
    if rules::content::class(&c.class).is_none_or(|k| k.id != c.class) {
        return bad(format!("class `{}` is not an SRD class id", c.class));
    }
    if !(1..=20).contains(&c.level) {
        return bad(format!("level {} is outside 1 to 20", c.level));
    }
    if let Some(s) = c.scores.iter().find(|s| !(1..=30).contains(*s)) {
        return bad(format!("score {s} is outside 1 to 30"));
    }
    if c.hit_dice_left > c.level {
        return bad(format!(
            "{} hit dice left at level {}",
            c.hit_dice_left, c.level
        ));
    }
    if c.health.current() > c.health.max() {
        return bad("more hit points than the maximum".to_string());
    }
    for h in &c.homebrew_weapons {
        if rules::content::weapon(&h.id).is_some()
            || rules::dice::parse(&h.dice).is_err()
            || h.versatile
                .as_deref()
                .is_some_and(|v| rules::dice::parse(v).is_err())
        {
            return bad(format!("homebrew weapon `{}` has bad figures", h.id));
        }
    }
    Ok(())
}
