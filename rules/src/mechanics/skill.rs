//! The eighteen skills, proficiency levels and a creature's check and save bonuses.

use std::fmt;
use std::ops::{Index, IndexMut};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Ability, AbilityScores, ByAbility, UnknownName, normalize};

/// One of the eighteen skills.
///
/// ```
/// use rules::mechanics::{Ability, Skill};
/// let skill: Skill = "sleight".parse().unwrap();
/// assert_eq!(skill, Skill::SleightOfHand);
/// assert_eq!(skill.ability(), Ability::Dexterity);
/// assert_eq!(skill.to_string(), "Sleight of Hand");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skill {
    /// Dexterity: tumbling, balance.
    Acrobatics,
    /// Wisdom: calming and reading animals.
    AnimalHandling,
    /// Intelligence: magic lore.
    Arcana,
    /// Strength: climbing, jumping, swimming, grappling.
    Athletics,
    /// Charisma: lying convincingly.
    Deception,
    /// Intelligence: historical lore.
    History,
    /// Wisdom: reading intentions.
    Insight,
    /// Charisma: threats.
    Intimidation,
    /// Intelligence: deduction from clues.
    Investigation,
    /// Wisdom: stabilizing and diagnosing.
    Medicine,
    /// Intelligence: nature lore.
    Nature,
    /// Wisdom: noticing things.
    Perception,
    /// Charisma: entertaining.
    Performance,
    /// Charisma: honest influence.
    Persuasion,
    /// Intelligence: religious lore.
    Religion,
    /// Dexterity: pickpocketing, tricks of the hand.
    SleightOfHand,
    /// Dexterity: hiding and moving quietly.
    Stealth,
    /// Wisdom: tracking, foraging, navigating.
    Survival,
}

impl Skill {
    /// All eighteen, alphabetically (the order of the SRD's list).
    pub const ALL: [Skill; 18] = [
        Skill::Acrobatics,
        Skill::AnimalHandling,
        Skill::Arcana,
        Skill::Athletics,
        Skill::Deception,
        Skill::History,
        Skill::Insight,
        Skill::Intimidation,
        Skill::Investigation,
        Skill::Medicine,
        Skill::Nature,
        Skill::Perception,
        Skill::Performance,
        Skill::Persuasion,
        Skill::Religion,
        Skill::SleightOfHand,
        Skill::Stealth,
        Skill::Survival,
    ];

    /// The ability the skill normally uses.
    pub fn ability(self) -> Ability {
        use Skill::*;
        match self {
            Athletics => Ability::Strength,
            Acrobatics | SleightOfHand | Stealth => Ability::Dexterity,
            Arcana | History | Investigation | Nature | Religion => Ability::Intelligence,
            AnimalHandling | Insight | Medicine | Perception | Survival => Ability::Wisdom,
            Deception | Intimidation | Performance | Persuasion => Ability::Charisma,
        }
    }

    /// The name as the rules print it, e.g. "Animal Handling".
    pub fn name(self) -> &'static str {
        use Skill::*;
        match self {
            Acrobatics => "Acrobatics",
            AnimalHandling => "Animal Handling",
            Arcana => "Arcana",
            Athletics => "Athletics",
            Deception => "Deception",
            History => "History",
            Insight => "Insight",
            Intimidation => "Intimidation",
            Investigation => "Investigation",
            Medicine => "Medicine",
            Nature => "Nature",
            Perception => "Perception",
            Performance => "Performance",
            Persuasion => "Persuasion",
            Religion => "Religion",
            SleightOfHand => "Sleight of Hand",
            Stealth => "Stealth",
            Survival => "Survival",
        }
    }

    /// Short forms players type; "per" is left out on purpose because it
    /// could be Perception, Performance or Persuasion.
    fn aliases(self) -> &'static [&'static str] {
        use Skill::*;
        match self {
            Acrobatics => &["acro", "acr"],
            AnimalHandling => &["animal", "ani", "handling"],
            Arcana => &["arc"],
            Athletics => &["ath", "athl"],
            Deception => &["dec", "decep", "deceive", "lie"],
            History => &["his", "hist"],
            Insight => &["ins"],
            Intimidation => &["intim", "intimidate", "itm"],
            Investigation => &["inv", "invest", "investigate"],
            Medicine => &["med"],
            Nature => &["nat"],
            Perception => &["perc", "prc", "spot"],
            Performance => &["perf", "prf", "perform"],
            Persuasion => &["pers", "persuade"],
            Religion => &["rel", "reli"],
            SleightOfHand => &["sleight", "soh", "sleightofhands"],
            Stealth => &["ste", "stl", "sneak"],
            Survival => &["sur", "surv"],
        }
    }
}

impl fmt::Display for Skill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Skill {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = normalize(s);
        Skill::ALL
            .into_iter()
            .find(|skill| normalize(skill.name()) == key || skill.aliases().contains(&key.as_str()))
            .ok_or_else(|| {
                UnknownName::new("skill", s, "ath, acro, stealth, perc, sleight, arcana, ...")
            })
    }
}

/// One value per skill: a typed map, so a missing skill cannot happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BySkill<T>([T; 18]);

impl<T> BySkill<T> {
    /// Builds the map by calling `f` once per skill.
    pub fn from_fn(mut f: impl FnMut(Skill) -> T) -> Self {
        Self(std::array::from_fn(|i| f(Skill::ALL[i])))
    }

    /// Every skill with its value, alphabetically.
    pub fn iter(&self) -> impl Iterator<Item = (Skill, &T)> {
        Skill::ALL.into_iter().zip(self.0.iter())
    }
}

impl<T: Default> Default for BySkill<T> {
    fn default() -> Self {
        Self::from_fn(|_| T::default())
    }
}

impl<T> Index<Skill> for BySkill<T> {
    type Output = T;

    fn index(&self, skill: Skill) -> &T {
        &self.0[skill as usize]
    }
}

impl<T> IndexMut<Skill> for BySkill<T> {
    fn index_mut(&mut self, skill: Skill) -> &mut T {
        &mut self.0[skill as usize]
    }
}

/// How much of the proficiency bonus applies to a roll.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ProficiencyLevel {
    /// No bonus.
    #[default]
    None,
    /// Half the bonus, rounded down (Jack of All Trades).
    Half,
    /// The whole bonus.
    Proficient,
    /// Twice the bonus.
    Expertise,
}

impl ProficiencyLevel {
    /// The bonus this level adds, given the proficiency bonus.
    pub fn bonus(self, proficiency_bonus: i32) -> i32 {
        match self {
            ProficiencyLevel::None => 0,
            ProficiencyLevel::Half => proficiency_bonus.div_euclid(2),
            ProficiencyLevel::Proficient => proficiency_bonus,
            ProficiencyLevel::Expertise => proficiency_bonus * 2,
        }
    }
}

impl fmt::Display for ProficiencyLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProficiencyLevel::None => "none",
            ProficiencyLevel::Half => "half",
            ProficiencyLevel::Proficient => "proficient",
            ProficiencyLevel::Expertise => "expertise",
        })
    }
}

impl FromStr for ProficiencyLevel {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalize(s).as_str() {
            "none" | "no" | "untrained" => Ok(ProficiencyLevel::None),
            "half" | "jack" | "jackofalltrades" => Ok(ProficiencyLevel::Half),
            "prof" | "proficient" | "proficiency" | "yes" => Ok(ProficiencyLevel::Proficient),
            "expert" | "expertise" | "double" => Ok(ProficiencyLevel::Expertise),
            _ => Err(UnknownName::new(
                "proficiency level",
                s,
                "none, half, proficient, expertise",
            )),
        }
    }
}

/// What a creature adds to its checks and saves: scores, proficiency bonus and
/// which saves and skills it is proficient in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Proficiencies {
    /// The six ability scores.
    pub scores: AbilityScores,
    /// The proficiency bonus (from level or challenge rating).
    pub proficiency_bonus: i32,
    /// Saving throws the creature is proficient in.
    pub saves: ByAbility<bool>,
    /// Proficiency per skill.
    pub skills: BySkill<ProficiencyLevel>,
    /// What applies to ability checks without a proficiency: `Half` with Jack
    /// of All Trades (which also covers initiative), otherwise `None`.
    pub untrained: ProficiencyLevel,
}

impl Proficiencies {
    /// The modifier for an ability check, with or without a skill.
    pub fn check_modifier(&self, ability: Ability, skill: Option<Skill>) -> i32 {
        let level = skill.map_or(ProficiencyLevel::None, |s| self.skills[s]);
        let level = level.max(self.untrained);
        self.scores.modifier(ability) + level.bonus(self.proficiency_bonus)
    }

    /// The modifier for a saving throw.
    pub fn save_modifier(&self, ability: Ability) -> i32 {
        let level = if self.saves[ability] {
            ProficiencyLevel::Proficient
        } else {
            ProficiencyLevel::None
        };
        self.scores.modifier(ability) + level.bonus(self.proficiency_bonus)
    }

    /// The initiative modifier: a Dexterity check without a skill.
    pub fn initiative_modifier(&self) -> i32 {
        self.check_modifier(Ability::Dexterity, None)
    }
}
