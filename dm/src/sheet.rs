//! What a character sheet keeps of how it was built: its class levels
//! (multiclassing), background, feats, languages and tools, the wizard's
//! spellbook, the choices still open to its player, whether the DM locked
//! it, and the history of every change (who, when, why).
//!
//! Every field of [`crate::character::Character`] that holds these is
//! `#[serde(default)]`, so sheets saved before them still load: an empty
//! [`Character::classes`](crate::character::Character::classes) means the
//! sheet's `class` at its `level`.

use serde::{Deserialize, Serialize};

/// The levels a character has in one class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassLevels {
    /// The class id ("fighter").
    pub class: String,
    /// Levels in it, 1–20.
    pub level: u8,
    /// The subclass id ("champion"), once the class's level grants one.
    #[serde(default)]
    pub subclass: Option<String>,
    /// The hit die's part of the hit points gained at each level of this
    /// class, in order (the die's maximum at the character's first level,
    /// then the roll or the fixed average). Empty on older sheets.
    #[serde(default)]
    pub hit_dice: Vec<u8>,
}

/// What kind of choice a player still has to (or may) make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceKind {
    /// Skill proficiencies (class list, background, half-elf's two).
    Skills,
    /// Cantrips known.
    Cantrips,
    /// Spells known (bard, ranger, sorcerer, warlock) or prepared
    /// (cleric, druid, paladin, wizard from the spellbook).
    Spells,
    /// Spells written in a wizard's spellbook.
    Spellbook,
    /// An Ability Score Improvement (two +1s or one +2) or a feat.
    Asi,
    /// The subclass.
    Subclass,
    /// Languages.
    Languages,
    /// Tool proficiencies.
    Tools,
    /// The half-elf's (or another race's) free ability bonuses.
    AbilityBonus,
    /// The dragonborn's draconic ancestry.
    Ancestry,
    /// One choice of a class's starting equipment package: (a) or (b),
    /// and the items its "any martial weapon" parts name.
    Equipment,
}

impl ChoiceKind {
    /// The word a player types for it (`ch spells 2 5 7`).
    pub fn word(self) -> &'static str {
        match self {
            Self::Skills => "skills",
            Self::Cantrips => "cantrips",
            Self::Spells => "spells",
            Self::Spellbook => "book",
            Self::Asi => "asi",
            Self::Subclass => "subclass",
            Self::Languages => "languages",
            Self::Tools => "tools",
            Self::AbilityBonus => "bonus",
            Self::Ancestry => "ancestry",
            Self::Equipment => "equipment",
        }
    }
}

/// A choice the builder made by default, which the player may still make
/// themselves (`char choose` / `ch skills 1 4`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// What is chosen.
    pub kind: ChoiceKind,
    /// The class it belongs to, if any ("wizard": its spells).
    #[serde(default)]
    pub class: Option<String>,
    /// How many to pick.
    pub count: u8,
    /// The ids to pick from, numbered from 1 in replies.
    pub from: Vec<String>,
    /// What the default picked (already on the sheet).
    pub chosen: Vec<String>,
}

/// One change to a sheet: who made it, when, what changed and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetChange {
    /// The player who made it (or "dm:…" for the DM's).
    pub by: String,
    /// When, in seconds since the Unix epoch.
    pub at: u64,
    /// What changed: "str 15 → 16", "took the Grappler feat".
    pub what: String,
    /// Why, as given ("level 4 ASI", "found a shield").
    pub why: String,
}
