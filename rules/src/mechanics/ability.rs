//! The six abilities, ability scores and their modifiers.

use std::fmt;
use std::ops::{Index, IndexMut};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{UnknownName, normalize};

/// One of the six abilities.
///
/// ```
/// use rules::mechanics::Ability;
/// assert_eq!("dex".parse::<Ability>(), Ok(Ability::Dexterity));
/// assert_eq!(Ability::Wisdom.to_string(), "Wisdom");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ability {
    /// Physical power.
    Strength,
    /// Agility.
    Dexterity,
    /// Endurance.
    Constitution,
    /// Reasoning and memory.
    Intelligence,
    /// Perception and insight.
    Wisdom,
    /// Force of personality.
    Charisma,
}

impl Ability {
    /// All six, in the order of a character sheet.
    pub const ALL: [Ability; 6] = [
        Ability::Strength,
        Ability::Dexterity,
        Ability::Constitution,
        Ability::Intelligence,
        Ability::Wisdom,
        Ability::Charisma,
    ];

    /// The three-letter abbreviation, e.g. "STR".
    pub fn abbreviation(self) -> &'static str {
        match self {
            Ability::Strength => "STR",
            Ability::Dexterity => "DEX",
            Ability::Constitution => "CON",
            Ability::Intelligence => "INT",
            Ability::Wisdom => "WIS",
            Ability::Charisma => "CHA",
        }
    }

    /// The full name, e.g. "Strength".
    pub fn name(self) -> &'static str {
        match self {
            Ability::Strength => "Strength",
            Ability::Dexterity => "Dexterity",
            Ability::Constitution => "Constitution",
            Ability::Intelligence => "Intelligence",
            Ability::Wisdom => "Wisdom",
            Ability::Charisma => "Charisma",
        }
    }
}

impl fmt::Display for Ability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Ability {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = normalize(s);
        Ability::ALL
            .into_iter()
            .find(|a| key == a.abbreviation().to_lowercase() || key == a.name().to_lowercase())
            .ok_or_else(|| UnknownName::new("ability", s, "str, dex, con, int, wis, cha"))
    }
}

/// One value per ability: a typed map, so a missing ability cannot happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ByAbility<T> {
    /// The Strength entry.
    pub strength: T,
    /// The Dexterity entry.
    pub dexterity: T,
    /// The Constitution entry.
    pub constitution: T,
    /// The Intelligence entry.
    pub intelligence: T,
    /// The Wisdom entry.
    pub wisdom: T,
    /// The Charisma entry.
    pub charisma: T,
}

impl<T> ByAbility<T> {
    /// Builds the map by calling `f` once per ability.
    pub fn from_fn(mut f: impl FnMut(Ability) -> T) -> Self {
        Self {
            strength: f(Ability::Strength),
            dexterity: f(Ability::Dexterity),
            constitution: f(Ability::Constitution),
            intelligence: f(Ability::Intelligence),
            wisdom: f(Ability::Wisdom),
            charisma: f(Ability::Charisma),
        }
    }

    /// Every ability with its value, in sheet order.
    pub fn iter(&self) -> impl Iterator<Item = (Ability, &T)> {
        Ability::ALL.into_iter().map(move |a| (a, &self[a]))
    }
}

impl<T> Index<Ability> for ByAbility<T> {
    type Output = T;

    fn index(&self, ability: Ability) -> &T {
        match ability {
            Ability::Strength => &self.strength,
            Ability::Dexterity => &self.dexterity,
            Ability::Constitution => &self.constitution,
            Ability::Intelligence => &self.intelligence,
            Ability::Wisdom => &self.wisdom,
            Ability::Charisma => &self.charisma,
        }
    }
}

impl<T> IndexMut<Ability> for ByAbility<T> {
    fn index_mut(&mut self, ability: Ability) -> &mut T {
        match ability {
            Ability::Strength => &mut self.strength,
            Ability::Dexterity => &mut self.dexterity,
            Ability::Constitution => &mut self.constitution,
            Ability::Intelligence => &mut self.intelligence,
            Ability::Wisdom => &mut self.wisdom,
            Ability::Charisma => &mut self.charisma,
        }
    }
}

/// An ability score that is out of the rules' range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("ability score {0} is out of range (use 1 to 30)")]
pub struct ScoreError(pub u8);

/// An ability score, 1 to 30 (the rules' whole range, monsters included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct AbilityScore(u8);

impl AbilityScore {
    /// The lowest score, 1.
    pub const MIN: u8 = 1;
    /// The highest score, 30.
    pub const MAX: u8 = 30;

    /// A score, if it is within 1..=30.
    pub fn new(score: u8) -> Result<Self, ScoreError> {
        if (Self::MIN..=Self::MAX).contains(&score) {
            Ok(Self(score))
        } else {
            Err(ScoreError(score))
        }
    }

    /// The score itself.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The modifier: (score − 10) / 2, rounded down (8 → −1, 9 → −1, 10 → 0).
    pub fn modifier(self) -> i32 {
        (i32::from(self.0) - 10).div_euclid(2)
    }
}

impl Default for AbilityScore {
    /// 10, the average human score.
    fn default() -> Self {
        Self(10)
    }
}

impl TryFrom<u8> for AbilityScore {
    type Error = ScoreError;

    fn try_from(score: u8) -> Result<Self, ScoreError> {
        Self::new(score)
    }
}

impl From<AbilityScore> for u8 {
    fn from(score: AbilityScore) -> u8 {
        score.0
    }
}

impl fmt::Display for AbilityScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:+})", self.0, self.modifier())
    }
}

/// A creature's six ability scores.
pub type AbilityScores = ByAbility<AbilityScore>;

impl AbilityScores {
    /// Scores from six numbers in sheet order (Str, Dex, Con, Int, Wis, Cha).
    pub fn from_array(scores: [u8; 6]) -> Result<Self, ScoreError> {
        let [
            strength,
            dexterity,
            constitution,
            intelligence,
            wisdom,
            charisma,
        ] = scores;
        Ok(Self {
            strength: AbilityScore::new(strength)?,
            dexterity: AbilityScore::new(dexterity)?,
            constitution: AbilityScore::new(constitution)?,
            intelligence: AbilityScore::new(intelligence)?,
            wisdom: AbilityScore::new(wisdom)?,
            charisma: AbilityScore::new(charisma)?,
        })
    }

    /// The modifier of one ability.
    pub fn modifier(&self, ability: Ability) -> i32 {
        self[ability].modifier()
    }
}
