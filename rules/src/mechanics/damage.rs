//! Damage types, damage dice, critical hits and resistance, vulnerability, immunity.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{UnknownName, normalize};
use crate::dice::DieRoller;

/// One of the thirteen damage types.
///
/// ```
/// use rules::mechanics::DamageType;
/// assert_eq!("Fire".parse::<DamageType>(), Ok(DamageType::Fire));
/// assert_eq!("bludg".parse::<DamageType>(), Ok(DamageType::Bludgeoning));
/// assert_eq!(DamageType::Psychic.to_string(), "psychic");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DamageType {
    /// Corrosive liquids, digestive enzymes.
    Acid,
    /// Blunt force: hammers, falling, constriction.
    Bludgeoning,
    /// Freezing cold.
    Cold,
    /// Flames and heat.
    Fire,
    /// Pure magical energy.
    Force,
    /// Electricity.
    Lightning,
    /// Life-draining energy.
    Necrotic,
    /// Puncturing: spears, bites, arrows.
    Piercing,
    /// Venom and toxic gas.
    Poison,
    /// Mental assault.
    Psychic,
    /// Holy, searing light.
    Radiant,
    /// Cutting: swords, axes, claws.
    Slashing,
    /// A concussive burst of sound.
    Thunder,
}

impl DamageType {
    /// All thirteen, alphabetically.
    pub const ALL: [DamageType; 13] = [
        DamageType::Acid,
        DamageType::Bludgeoning,
        DamageType::Cold,
        DamageType::Fire,
        DamageType::Force,
        DamageType::Lightning,
        DamageType::Necrotic,
        DamageType::Piercing,
        DamageType::Poison,
        DamageType::Psychic,
        DamageType::Radiant,
        DamageType::Slashing,
        DamageType::Thunder,
    ];

    /// The lowercase name, as stat blocks print it.
    pub fn name(self) -> &'static str {
        match self {
            DamageType::Acid => "acid",
            DamageType::Bludgeoning => "bludgeoning",
            DamageType::Cold => "cold",
            DamageType::Fire => "fire",
            DamageType::Force => "force",
            DamageType::Lightning => "lightning",
            DamageType::Necrotic => "necrotic",
            DamageType::Piercing => "piercing",
            DamageType::Poison => "poison",
            DamageType::Psychic => "psychic",
            DamageType::Radiant => "radiant",
            DamageType::Slashing => "slashing",
            DamageType::Thunder => "thunder",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for DamageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DamageType {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = normalize(s);
        let found = match key.as_str() {
            "bludg" | "blud" | "blunt" => Some(DamageType::Bludgeoning),
            "pierce" | "pierc" => Some(DamageType::Piercing),
            "slash" => Some(DamageType::Slashing),
            "elec" | "electric" | "electricity" | "light" => Some(DamageType::Lightning),
            "necro" | "nec" => Some(DamageType::Necrotic),
            "psy" | "psych" => Some(DamageType::Psychic),
            "rad" => Some(DamageType::Radiant),
            "thund" => Some(DamageType::Thunder),
            "pois" => Some(DamageType::Poison),
            _ => DamageType::ALL.into_iter().find(|t| t.name() == key),
        };
        found.ok_or_else(|| {
            UnknownName::new(
                "damage type",
                s,
                "fire, cold, slashing, piercing, force, ...",
            )
        })
    }
}

/// A set of damage types (for resistances, vulnerabilities and immunities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(from = "Vec<DamageType>", into = "Vec<DamageType>")]
pub struct DamageTypes(u16);

impl DamageTypes {
    /// No damage type.
    pub const NONE: Self = Self(0);
    /// Every damage type.
    pub const ALL: Self = Self((1 << 13) - 1);

    /// Whether `damage_type` is in the set.
    pub fn contains(self, damage_type: DamageType) -> bool {
        self.0 & damage_type.bit() != 0
    }

    /// Adds a type; adding one twice changes nothing, which is the rule for
    /// two sources of the same resistance.
    pub fn insert(&mut self, damage_type: DamageType) {
        self.0 |= damage_type.bit();
    }

    /// Removes a type.
    pub fn remove(&mut self, damage_type: DamageType) {
        self.0 &= !damage_type.bit();
    }

    /// The types in the set, alphabetically.
    pub fn iter(self) -> impl Iterator<Item = DamageType> {
        DamageType::ALL
            .into_iter()
            .filter(move |t| self.contains(*t))
    }
}

impl FromIterator<DamageType> for DamageTypes {
    fn from_iter<I: IntoIterator<Item = DamageType>>(iter: I) -> Self {
        let mut set = Self::NONE;
        for t in iter {
            set.insert(t);
        }
        set
    }
}

impl From<Vec<DamageType>> for DamageTypes {
    fn from(types: Vec<DamageType>) -> Self {
        types.into_iter().collect()
    }
}

impl From<DamageTypes> for Vec<DamageType> {
    fn from(set: DamageTypes) -> Self {
        set.iter().collect()
    }
}

/// A creature's resistances, vulnerabilities and immunities to damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Defenses {
    /// Damage of these types is halved (rounded down).
    pub resistances: DamageTypes,
    /// Damage of these types is doubled.
    pub vulnerabilities: DamageTypes,
    /// Damage of these types is ignored.
    pub immunities: DamageTypes,
}

impl Defenses {
    /// The same defenses plus resistance to every type (a petrified creature).
    pub fn with_resistance_to_all(mut self) -> Self {
        self.resistances = DamageTypes::ALL;
        self
    }

    /// The damage that gets through: immunity makes it 0; otherwise resistance
    /// halves (rounded down) and then vulnerability doubles, in that order.
    pub fn adjust(&self, amount: u32, damage_type: DamageType) -> u32 {
        if self.immunities.contains(damage_type) {
            return 0;
        }
        let mut amount = amount;
        if self.resistances.contains(damage_type) {
            amount /= 2;
        }
        if self.vulnerabilities.contains(damage_type) {
            amount = amount.saturating_mul(2);
        }
        amount
    }

    /// The total of several damage instances (one hit of slashing plus fire),
    /// each adjusted for its own type.
    pub fn total(&self, instances: &[RolledDamage]) -> u32 {
        instances
            .iter()
            .map(|d| self.adjust(d.total, d.damage_type))
            .fold(0, u32::saturating_add)
    }
}

/// A number of identical dice, like `2d6`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DamageDice {
    /// How many dice.
    pub count: u32,
    /// Faces per die.
    pub sides: u32,
}

impl DamageDice {
    /// `count` dice with `sides` faces.
    pub fn new(count: u32, sides: u32) -> Self {
        Self { count, sides }
    }
}

impl fmt::Display for DamageDice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}d{}", self.count, self.sides)
    }
}

impl FromStr for DamageDice {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = normalize(s);
        let err = || UnknownName::new("damage dice", s, "a form like 2d6");
        let (count, sides) = key.split_once('d').ok_or_else(err)?;
        let count = if count.is_empty() {
            1
        } else {
            count.parse().map_err(|_| err())?
        };
        let sides: u32 = sides.parse().map_err(|_| err())?;
        if sides == 0 {
            return Err(err());
        }
        Ok(Self { count, sides })
    }
}

/// Damage of one type about to be rolled: dice plus a flat bonus.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DamageRoll {
    /// The dice (several groups allowed, e.g. 1d8 + 1d6 of the same type).
    pub dice: Vec<DamageDice>,
    /// Added once, never doubled by a critical hit.
    pub bonus: i32,
    /// The type of the whole roll.
    pub damage_type: DamageType,
}

impl DamageRoll {
    /// One group of dice plus a bonus.
    pub fn new(dice: DamageDice, bonus: i32, damage_type: DamageType) -> Self {
        Self {
            dice: vec![dice],
            bonus,
            damage_type,
        }
    }

    /// Rolls the damage; a critical hit rolls every die twice, not the bonus.
    /// The total never goes below 0.
    pub fn roll(&self, critical: bool, roller: &mut (impl DieRoller + ?Sized)) -> RolledDamage {
        let times = if critical { 2 } else { 1 };
        let faces: Vec<u32> = self
            .dice
            .iter()
            .flat_map(|d| std::iter::repeat_n(d.sides, d.count.saturating_mul(times) as usize))
            .map(|sides| u32::try_from(roller.roll_die(u64::from(sides))).unwrap_or(sides))
            .collect();
        let sum: i64 = faces.iter().map(|f| i64::from(*f)).sum::<i64>() + i64::from(self.bonus);
        RolledDamage {
            damage_type: self.damage_type,
            faces,
            bonus: self.bonus,
            critical,
            total: u32::try_from(sum.max(0)).unwrap_or(u32::MAX),
        }
    }
}

/// Rolled damage of one type, keeping every die for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolledDamage {
    /// The type of the damage.
    pub damage_type: DamageType,
    /// Every die face rolled.
    pub faces: Vec<u32>,
    /// The flat bonus that was added.
    pub bonus: i32,
    /// Whether the dice were doubled for a critical hit.
    pub critical: bool,
    /// Faces plus bonus, at least 0, before any resistance.
    pub total: u32,
}
