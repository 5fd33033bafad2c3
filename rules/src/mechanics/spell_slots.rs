//! Spell slots: the full-caster, half-caster and pact magic tables, spending and recovery.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Level, UnknownName, normalize};

/// A spell slot level, 1 to 9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct SpellLevel(u8);

impl SpellLevel {
    /// A slot level, if within 1..=9.
    pub fn new(level: u8) -> Option<Self> {
        (1..=9).contains(&level).then_some(Self(level))
    }

    /// The level itself.
    pub fn get(self) -> u8 {
        self.0
    }

    /// All nine levels, lowest first.
    pub fn all() -> impl Iterator<Item = SpellLevel> {
        (1..=9).map(SpellLevel)
    }

    fn index(self) -> usize {
        usize::from(self.0 - 1)
    }
}

impl fmt::Display for SpellLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suffix = match self.0 {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        };
        write!(f, "{}{suffix}", self.0)
    }
}

impl FromStr for SpellLevel {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = normalize(s);
        let key = key.strip_prefix("level").unwrap_or(&key);
        let key = key.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        key.parse::<u8>()
            .ok()
            .and_then(Self::new)
            .ok_or_else(|| UnknownName::new("spell level", s, "1 to 9, e.g. 3 or 3rd"))
    }
}

impl TryFrom<u8> for SpellLevel {
    type Error = UnknownName;

    fn try_from(level: u8) -> Result<Self, UnknownName> {
        Self::new(level)
            .ok_or_else(|| UnknownName::new("spell level", &level.to_string(), "1 to 9"))
    }
}

impl From<SpellLevel> for u8 {
    fn from(level: SpellLevel) -> u8 {
        level.0
    }
}

/// How a class gains spell slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CasterKind {
    /// Bard, cleric, druid, sorcerer, wizard.
    Full,
    /// Paladin, ranger: slots from level 2, at about half the pace.
    Half,
    /// Warlock: few slots, all of one level, back after a short rest.
    Pact,
}

impl fmt::Display for CasterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CasterKind::Full => "full caster",
            CasterKind::Half => "half caster",
            CasterKind::Pact => "pact magic",
        })
    }
}

impl FromStr for CasterKind {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalize(s).as_str() {
            "full" | "fullcaster" | "bard" | "cleric" | "druid" | "sorcerer" | "wizard" => {
                Ok(CasterKind::Full)
            }
            "half" | "halfcaster" | "paladin" | "ranger" => Ok(CasterKind::Half),
            "pact" | "pactmagic" | "warlock" => Ok(CasterKind::Pact),
            _ => Err(UnknownName::new(
                "caster kind",
                s,
                "full, half, pact (or a class)",
            )),
        }
    }
}

/// Slots per spell level (1st to 9th) for a full caster, by class level 1–20 (SRD).
const FULL: [[u8; 9]; 20] = [
    [2, 0, 0, 0, 0, 0, 0, 0, 0],
    [3, 0, 0, 0, 0, 0, 0, 0, 0],
    [4, 2, 0, 0, 0, 0, 0, 0, 0],
    [4, 3, 0, 0, 0, 0, 0, 0, 0],
    [4, 3, 2, 0, 0, 0, 0, 0, 0],
    [4, 3, 3, 0, 0, 0, 0, 0, 0],
    [4, 3, 3, 1, 0, 0, 0, 0, 0],
    [4, 3, 3, 2, 0, 0, 0, 0, 0],
    [4, 3, 3, 3, 1, 0, 0, 0, 0],
    [4, 3, 3, 3, 2, 0, 0, 0, 0],
    [4, 3, 3, 3, 2, 1, 0, 0, 0],
    [4, 3, 3, 3, 2, 1, 0, 0, 0],
    [4, 3, 3, 3, 2, 1, 1, 0, 0],
    [4, 3, 3, 3, 2, 1, 1, 0, 0],
    [4, 3, 3, 3, 2, 1, 1, 1, 0],
    [4, 3, 3, 3, 2, 1, 1, 1, 0],
    [4, 3, 3, 3, 2, 1, 1, 1, 1],
    [4, 3, 3, 3, 3, 1, 1, 1, 1],
    [4, 3, 3, 3, 3, 2, 1, 1, 1],
    [4, 3, 3, 3, 3, 2, 2, 1, 1],
];

/// Slots per spell level (1st to 5th) for a paladin or ranger, by class level 1–20 (SRD).
const HALF: [[u8; 5]; 20] = [
    [0, 0, 0, 0, 0],
    [2, 0, 0, 0, 0],
    [3, 0, 0, 0, 0],
    [3, 0, 0, 0, 0],
    [4, 2, 0, 0, 0],
    [4, 2, 0, 0, 0],
    [4, 3, 0, 0, 0],
    [4, 3, 0, 0, 0],
    [4, 3, 2, 0, 0],
    [4, 3, 2, 0, 0],
    [4, 3, 3, 0, 0],
    [4, 3, 3, 0, 0],
    [4, 3, 3, 1, 0],
    [4, 3, 3, 1, 0],
    [4, 3, 3, 2, 0],
    [4, 3, 3, 2, 0],
    [4, 3, 3, 3, 1],
    [4, 3, 3, 3, 1],
    [4, 3, 3, 3, 2],
    [4, 3, 3, 3, 2],
];

/// Warlock pact slots as (count, slot level), by class level 1–20 (SRD).
const PACT: [(u8, u8); 20] = [
    (1, 1),
    (2, 1),
    (2, 2),
    (2, 2),
    (2, 3),
    (2, 3),
    (2, 4),
    (2, 4),
    (2, 5),
    (2, 5),
    (3, 5),
    (3, 5),
    (3, 5),
    (3, 5),
    (3, 5),
    (3, 5),
    (4, 5),
    (4, 5),
    (4, 5),
    (4, 5),
];

/// A spell slot could not be spent or restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    /// No slot of that level is left.
    #[error("no spell slot of level {level} left (have: {have})")]
    NoneLeft {
        /// The level asked for.
        level: u8,
        /// What is left, e.g. "1st ×2" or "none".
        have: String,
    },
    /// Every slot of that level is already unspent.
    #[error("no spent slot of level {0} to restore")]
    NothingToRestore(u8),
}

/// Pact magic slots: all of one level, recovered on a short rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct PactSlots {
    level: SpellLevel,
    max: u8,
    used: u8,
}

/// A caster's spell slots: maximum and spent, per level, plus pact slots.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SpellSlots {
    max: [u8; 9],
    used: [u8; 9],
    pact: Option<PactSlots>,
}

impl SpellSlots {
    /// No slots at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// Fresh slots from the class table for `kind` at class `level`.
    pub fn for_class(kind: CasterKind, level: Level) -> Self {
        let row = usize::from(level.get() - 1);
        match kind {
            CasterKind::Full => Self::from_max(FULL[row]),
            CasterKind::Half => {
                let mut max = [0; 9];
                max[..5].copy_from_slice(&HALF[row]);
                Self::from_max(max)
            }
            CasterKind::Pact => {
                let (count, slot_level) = PACT[row];
                Self {
                    pact: SpellLevel::new(slot_level).map(|level| PactSlots {
                        level,
                        max: count,
                        used: 0,
                    }),
                    ..Self::default()
                }
            }
        }
    }

    /// Fresh slots with these maxima for levels 1st to 9th (e.g. a multiclass
    /// table worked out elsewhere).
    pub fn from_max(max: [u8; 9]) -> Self {
        Self {
            max,
            used: [0; 9],
            pact: None,
        }
    }

    /// Adds pact slots (a warlock multiclass keeps both pools).
    pub fn with_pact(mut self, level: SpellLevel, count: u8) -> Self {
        self.pact = Some(PactSlots {
            level,
            max: count,
            used: 0,
        });
        self
    }

    /// Slots of `level` at full rest, pact slots included.
    pub fn max(&self, level: SpellLevel) -> u8 {
        self.max[level.index()] + self.pact_at(level).map_or(0, |p| p.max)
    }

    /// Unspent slots of `level`, pact slots included.
    pub fn remaining(&self, level: SpellLevel) -> u8 {
        let i = level.index();
        self.max[i] - self.used[i] + self.pact_at(level).map_or(0, |p| p.max - p.used)
    }

    /// The pact slot level, if the caster has pact magic.
    pub fn pact_level(&self) -> Option<SpellLevel> {
        self.pact.map(|p| p.level)
    }

    /// Spends one slot of `level`. A pact slot is used first, because it
    /// comes back on a short rest.
    pub fn spend(&mut self, level: SpellLevel) -> Result<(), SlotError> {
        if let Some(pact) = self
            .pact
            .as_mut()
            .filter(|p| p.level == level && p.used < p.max)
        {
            pact.used += 1;
            return Ok(());
        }
        let i = level.index();
        if self.used[i] < self.max[i] {
            self.used[i] += 1;
            Ok(())
        } else {
            Err(SlotError::NoneLeft {
                level: level.get(),
                have: self.describe_remaining(),
            })
        }
    }

    /// Restores one spent slot of `level` (regular slots first, e.g. Arcane Recovery).
    pub fn restore(&mut self, level: SpellLevel) -> Result<(), SlotError> {
        let i = level.index();
        if self.used[i] > 0 {
            self.used[i] -= 1;
            return Ok(());
        }
        match self
            .pact
            .as_mut()
            .filter(|p| p.level == level && p.used > 0)
        {
            Some(pact) => {
                pact.used -= 1;
                Ok(())
            }
            None => Err(SlotError::NothingToRestore(level.get())),
        }
    }

    /// Restores every slot (a long rest).
    pub fn restore_all(&mut self) {
        self.used = [0; 9];
        self.restore_pact();
    }

    /// Restores pact slots only (a short rest).
    pub fn restore_pact(&mut self) {
        if let Some(pact) = self.pact.as_mut() {
            pact.used = 0;
        }
    }

    /// What is left, for messages: "1st ×2, 3rd ×1", or "none".
    pub fn describe_remaining(&self) -> String {
        let parts: Vec<String> = SpellLevel::all()
            .filter_map(|level| {
                let n = self.remaining(level);
                (n > 0).then(|| format!("{level} ×{n}"))
            })
            .collect();
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        }
    }

    fn pact_at(&self, level: SpellLevel) -> Option<PactSlots> {
        self.pact.filter(|p| p.level == level)
    }
}
