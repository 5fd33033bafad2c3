//! Character levels, challenge ratings, proficiency bonus and experience.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::UnknownName;

/// A character level that is out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("level {0} is out of range (use 1 to 20)")]
pub struct LevelError(pub u8);

/// A character (or class) level, 1 to 20.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Level(u8);

impl Level {
    /// A level, if it is within 1..=20.
    pub fn new(level: u8) -> Result<Self, LevelError> {
        if (1..=20).contains(&level) {
            Ok(Self(level))
        } else {
            Err(LevelError(level))
        }
    }

    /// The level itself.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Proficiency bonus: +2 at levels 1–4, rising by 1 every four levels to +6.
    pub fn proficiency_bonus(self) -> i32 {
        2 + (i32::from(self.0) - 1) / 4
    }
}

impl TryFrom<u8> for Level {
    type Error = LevelError;

    fn try_from(level: u8) -> Result<Self, LevelError> {
        Self::new(level)
    }
}

impl From<Level> for u8 {
    fn from(level: Level) -> u8 {
        level.0
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Experience points by challenge rating, indexed like [`ChallengeRating`]'s
/// steps: 0, 1/8, 1/4, 1/2, then 1 to 30.
const XP: [u32; 34] = [
    10, 25, 50, 100, 200, 450, 700, 1_100, 1_800, 2_300, 2_900, 3_900, 5_000, 5_900, 7_200, 8_400,
    10_000, 11_500, 13_000, 15_000, 18_000, 20_000, 22_000, 25_000, 33_000, 41_000, 50_000, 62_000,
    75_000, 90_000, 105_000, 120_000, 135_000, 155_000,
];

/// A monster's challenge rating: 0, 1/8, 1/4, 1/2 or a whole number 1 to 30.
///
/// ```
/// use rules::mechanics::ChallengeRating;
/// let cr: ChallengeRating = "1/4".parse().unwrap();
/// assert_eq!(cr.xp(), 50);
/// assert_eq!(cr.to_string(), "1/4");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChallengeRating(u8);

impl ChallengeRating {
    /// Challenge 0.
    pub const ZERO: Self = Self(0);
    /// Challenge 1/8.
    pub const EIGHTH: Self = Self(1);
    /// Challenge 1/4.
    pub const QUARTER: Self = Self(2);
    /// Challenge 1/2.
    pub const HALF: Self = Self(3);

    /// A whole challenge rating 1 to 30.
    pub fn whole(cr: u8) -> Option<Self> {
        (1..=30).contains(&cr).then(|| Self(cr + 3))
    }

    /// The rating as a number (1/8 → 0.125).
    pub fn value(self) -> f64 {
        match self.0 {
            0 => 0.0,
            1 => 0.125,
            2 => 0.25,
            3 => 0.5,
            n => f64::from(n - 3),
        }
    }

    /// Proficiency bonus: +2 up to CR 4, then +1 every four ratings (+9 at CR 29–30).
    pub fn proficiency_bonus(self) -> i32 {
        match self.0 {
            0..=3 => 2,
            n => 2 + (i32::from(n - 3) - 1) / 4,
        }
    }

    /// Experience points for defeating the monster (SRD table; CR 0 gives 10,
    /// which the table lists as "0 or 10": a harmless creature may give 0).
    pub fn xp(self) -> u32 {
        XP[usize::from(self.0)]
    }
}

impl fmt::Display for ChallengeRating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("0"),
            1 => f.write_str("1/8"),
            2 => f.write_str("1/4"),
            3 => f.write_str("1/2"),
            n => write!(f, "{}", n - 3),
        }
    }
}

impl FromStr for ChallengeRating {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase();
        let key = key.strip_prefix("cr").unwrap_or(&key).trim();
        let found = match key {
            "0" => Some(Self::ZERO),
            "1/8" | "0.125" | ".125" => Some(Self::EIGHTH),
            "1/4" | "0.25" | ".25" => Some(Self::QUARTER),
            "1/2" | "0.5" | ".5" => Some(Self::HALF),
            other => other.parse::<u8>().ok().and_then(Self::whole),
        };
        found.ok_or_else(|| UnknownName::new("challenge rating", s, "0, 1/8, 1/4, 1/2, 1 to 30"))
    }
}

impl TryFrom<String> for ChallengeRating {
    type Error = UnknownName;

    fn try_from(s: String) -> Result<Self, UnknownName> {
        s.parse()
    }
}

impl From<ChallengeRating> for String {
    fn from(cr: ChallengeRating) -> String {
        cr.to_string()
    }
}
