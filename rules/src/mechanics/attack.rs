//! Attack rolls against Armor Class: natural 20s and 1s, critical range, cover.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{D20Roll, UnknownName, normalize};
use crate::dice::{Advantage, DieRoller};

/// Cover between an attacker and its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cover {
    /// Nothing in the way.
    #[default]
    None,
    /// +2 to AC and Dexterity saves.
    Half,
    /// +5 to AC and Dexterity saves.
    ThreeQuarters,
    /// The target can't be targeted directly.
    Total,
}

impl Cover {
    /// What the cover adds to AC and Dexterity saves; `None` for total cover,
    /// because then there is no roll at all.
    pub fn ac_bonus(self) -> Option<i32> {
        match self {
            Cover::None => Some(0),
            Cover::Half => Some(2),
            Cover::ThreeQuarters => Some(5),
            Cover::Total => None,
        }
    }
}

impl fmt::Display for Cover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Cover::None => "no cover",
            Cover::Half => "half cover",
            Cover::ThreeQuarters => "three-quarters cover",
            Cover::Total => "total cover",
        })
    }
}

impl FromStr for Cover {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = normalize(s);
        let key = key.strip_suffix("cover").unwrap_or(&key);
        match key {
            "" | "none" | "no" => Ok(Cover::None),
            "half" | "1/2" => Ok(Cover::Half),
            "threequarters" | "threequarter" | "3/4" | "tq" => Ok(Cover::ThreeQuarters),
            "total" | "full" => Ok(Cover::Total),
            _ => Err(UnknownName::new("cover", s, "none, half, 3/4, total")),
        }
    }
}

/// Why an attack can't be rolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttackError {
    /// The target is behind total cover.
    #[error("target has total cover; pick another target or move")]
    Untargetable,
}

/// An attack roll about to be made: everything but the target's AC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attack {
    /// The attack bonus (ability modifier, proficiency, magic).
    pub bonus: i32,
    /// Advantage state after reconciling every source.
    pub advantage: Advantage,
    /// The lowest natural face that scores a critical hit: 20, or 19 with Improved Critical.
    pub crit_on: u8,
    /// Any hit is a critical hit (melee against a paralyzed or unconscious target within 5 ft).
    pub auto_crit: bool,
}

impl Attack {
    /// A plain attack with this bonus.
    pub fn new(bonus: i32) -> Self {
        Self {
            bonus,
            advantage: Advantage::Normal,
            crit_on: 20,
            auto_crit: false,
        }
    }

    /// Adds a source of advantage or disadvantage; opposite sources cancel.
    pub fn with_advantage(mut self, advantage: Advantage) -> Self {
        self.advantage = self.advantage.combine(advantage);
        self
    }

    /// Scores a critical hit on a natural `face` or higher (clamped to 2..=20).
    pub fn with_crit_on(mut self, face: u8) -> Self {
        self.crit_on = face.clamp(2, 20);
        self
    }

    /// Makes any hit a critical hit.
    pub fn with_auto_crit(mut self, auto_crit: bool) -> Self {
        self.auto_crit = auto_crit;
        self
    }

    /// Rolls against `ac` with `cover`: a natural 1 misses, a natural face in
    /// the critical range hits and crits, otherwise total ≥ AC (+ cover) hits.
    pub fn roll(
        &self,
        ac: i32,
        cover: Cover,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Result<AttackOutcome, AttackError> {
        let cover_bonus = cover.ac_bonus().ok_or(AttackError::Untargetable)?;
        let target_ac = ac + cover_bonus;
        let roll = D20Roll::roll(self.advantage, roller);
        let natural = roll.natural();
        let total = i32::from(natural) + self.bonus;
        let result = if natural == 1 {
            AttackResult::Miss
        } else if natural >= self.crit_on {
            AttackResult::Critical
        } else if total >= target_ac {
            if self.auto_crit {
                AttackResult::Critical
            } else {
                AttackResult::Hit
            }
        } else {
            AttackResult::Miss
        };
        Ok(AttackOutcome {
            roll,
            total,
            target_ac,
            result,
        })
    }
}

/// Whether an attack hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttackResult {
    /// No damage.
    Miss,
    /// Normal damage.
    Hit,
    /// A hit that rolls its damage dice twice.
    Critical,
}

impl AttackResult {
    /// Whether the attack hit (critical or not).
    pub fn is_hit(self) -> bool {
        self != AttackResult::Miss
    }
}

/// The result of an attack roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttackOutcome {
    /// The d20s and which one counted.
    pub roll: D20Roll,
    /// Natural face plus attack bonus.
    pub total: i32,
    /// The AC that was rolled against, cover included.
    pub target_ac: i32,
    /// Miss, hit or critical hit.
    pub result: AttackResult,
}
