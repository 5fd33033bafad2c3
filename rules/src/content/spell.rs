//! A spell as figures: the schema of `rules/content/spells.json`.
//!
//! Empty lists, absent options and `false` flags are left out of the file, so
//! each field says what it means when absent. Unknown fields are rejected, so
//! a typo in the generator cannot be silently ignored.
//!
//! ```
//! use rules::content;
//! use rules::mechanics::SpellLevel;
//! let fireball = content::spell("Fireball").unwrap();
//! assert_eq!(fireball.level, 3);
//! let damage = fireball.damage.as_ref().unwrap();
//! assert_eq!(damage.by_slot_level[&SpellLevel::new(4).unwrap()], "9d6");
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{Automation, Effect, OnSuccess, Targeting, same_key};
use crate::mechanics::{Ability, Condition, DamageType, SpellLevel};

/// The generated spell list, embedded so that no file is read at run time.
pub(super) const SPELLS_JSON: &str = include_str!("../../content/spells.json");

/// Every SRD spell, sorted by id.
pub fn spells() -> &'static [Spell] {
    static SPELLS: OnceLock<Vec<Spell>> = OnceLock::new();
    SPELLS.get_or_init(|| {
        // As for the monsters: the embedded file is generated, checked in CI
        // and loaded by every test of `tests/content_spells.rs`, so a
        // malformed file is a build defect, not an input to handle.
        serde_json::from_str(SPELLS_JSON).expect("rules/content/spells.json is malformed")
    })
}

/// A spell by id or name, ignoring case, spaces, hyphens and punctuation:
/// "Cure Wounds", "cure-wounds" and "CURE WOUNDS" all work.
pub fn spell(id_or_name: &str) -> Option<&'static Spell> {
    static BY_ID: OnceLock<std::collections::HashMap<&'static str, &'static Spell>> =
        OnceLock::new();
    let by_id = BY_ID.get_or_init(|| spells().iter().map(|s| (s.id.as_str(), s)).collect());
    // An exact id (what sheets store) without scanning every name.
    if let Some(s) = by_id.get(id_or_name) {
        return Some(s);
    }
    spells()
        .iter()
        .find(|s| same_key(&s.id, id_or_name) || same_key(&s.name, id_or_name))
}

impl Spell {
    /// The first option of the first choice the caster must make (Command's
    /// word), for a caster that does not say: what a planner casts it with.
    pub fn default_choice(&self) -> Option<String> {
        fn find(v: &serde_json::Value) -> Option<String> {
            match v {
                serde_json::Value::Object(map) => {
                    if map.get("type").and_then(|t| t.as_str()) == Some("choice") {
                        let first = map.get("options")?.as_array()?.first()?;
                        return first.get("name")?.as_str().map(str::to_owned);
                    }
                    map.values().find_map(find)
                }
                serde_json::Value::Array(items) => items.iter().find_map(find),
                _ => None,
            }
        }
        find(&serde_json::to_value(&self.effects).ok()?)
    }
}

/// One spell's figures, without its descriptive text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spell {
    /// Stable id, lowercase with hyphens: "cure-wounds".
    pub id: String,
    /// Display name: "Cure Wounds".
    pub name: String,
    /// Spell level, 0 for a cantrip up to 9.
    pub level: u8,
    /// School of magic.
    pub school: School,
    /// How long casting takes.
    pub casting_time: CastingTime,
    /// Whether it can be cast as a ritual.
    pub ritual: bool,
    /// Whether it requires concentration.
    pub concentration: bool,
    /// How long it lasts (for concentration spells, the most it can last).
    pub duration: Duration,
    /// How far away it can be cast.
    pub range: Range,
    /// The area it affects, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
    /// Verbal, somatic and material components.
    pub components: Components,
    /// The classes whose spell list has it, by id: "cleric", "wizard".
    pub classes: Vec<String>,
    /// The spell attack it makes, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<SpellAttack>,
    /// The saving throw it forces, if any (the DC is the caster's spell save DC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save: Option<SpellSave>,
    /// Damage on a hit or a failed save.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damage: Option<SpellDamage>,
    /// Hit points restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healing: Option<Healing>,
    /// Conditions the spell imposes (who gets them and for how long is in
    /// `automation.missing` when not implied by the save or attack).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Whether it has an effect in combat: damage, healing, temporary hit
    /// points, a condition, a buff or a debuff (what coverage counts).
    #[serde(default, skip_serializing_if = "is_false")]
    pub combat: bool,
    /// Who it is aimed at: how many targets a cast may name.
    pub targeting: Targeting,
    /// What it does, as an automation tree run against each target (empty
    /// when its effect is only in the text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Effect>,
    /// How much of the spell the engine can resolve from these figures.
    pub automation: Automation,
}

impl Spell {
    /// Whether it is a cantrip (level 0).
    pub fn is_cantrip(&self) -> bool {
        self.level == 0
    }

    /// The lowest slot it can be cast with; `None` for a cantrip.
    pub fn slot_level(&self) -> Option<SpellLevel> {
        SpellLevel::new(self.level)
    }
}

/// The eight schools of magic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum School {
    /// Protective magic.
    Abjuration,
    /// Creating or transporting creatures and objects.
    Conjuration,
    /// Revealing information.
    Divination,
    /// Affecting minds.
    Enchantment,
    /// Manipulating energy.
    Evocation,
    /// Deceiving the senses.
    Illusion,
    /// Life and death.
    Necromancy,
    /// Changing properties.
    Transmutation,
}

/// How long casting takes: `amount` of `kind` ("1 action", "10 minutes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CastingTime {
    /// The unit.
    pub kind: CastingKind,
    /// How many of them.
    pub amount: u32,
}

/// The unit of a casting time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CastingKind {
    /// An action.
    Action,
    /// A bonus action.
    BonusAction,
    /// A reaction (its trigger is only in the spell's text).
    Reaction,
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
}

/// How long a spell lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duration {
    /// The unit, or a kind without an amount.
    pub kind: DurationKind,
    /// How many units; absent for instantaneous, until dispelled and special.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u32>,
}

/// The unit or kind of a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationKind {
    /// Over at once.
    Instantaneous,
    /// Rounds.
    Round,
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Days.
    Day,
    /// Until dispelled.
    UntilDispelled,
    /// Described in the spell's text.
    Special,
}

/// How far away a spell can be cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// The unit, or a kind without an amount.
    pub kind: RangeKind,
    /// How many feet or miles; absent for the other kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u32>,
}

/// The unit or kind of a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeKind {
    /// The caster (an area, if any, starts from the caster).
    #[serde(rename = "self")]
    Caster,
    /// A creature or object the caster touches.
    Touch,
    /// Feet.
    Feet,
    /// Miles.
    Mile,
    /// Anywhere the caster can see.
    Sight,
    /// Anywhere, even on other planes.
    Unlimited,
    /// Described in the spell's text.
    Special,
}

/// The area a spell affects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// Its shape.
    pub shape: Shape,
    /// Its size in feet: a sphere's or cylinder's radius, a cone's or line's
    /// length, a cube's side.
    pub size_ft: u32,
}

/// The shape of an area of effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A cone.
    Cone,
    /// A cube.
    Cube,
    /// A cylinder.
    Cylinder,
    /// A line.
    Line,
    /// A sphere.
    Sphere,
}

/// A spell's components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Components {
    /// Spoken words (V).
    pub verbal: bool,
    /// Gestures (S).
    pub somatic: bool,
    /// A material component (M).
    pub material: bool,
}

/// How a spell attack is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpellAttack {
    /// A melee spell attack.
    Melee,
    /// A ranged spell attack.
    Ranged,
}

/// The saving throw a spell forces, against the caster's spell save DC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpellSave {
    /// The ability that saves.
    pub ability: Ability,
    /// What a successful save leaves; absent when it is only in the text
    /// (then `automation.missing` says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_success: Option<OnSuccess>,
}

/// A spell's damage, by the slot it is cast with or by the caster's level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpellDamage {
    /// The damage type; absent when the caster chooses it or it is rolled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damage_type: Option<DamageType>,
    /// Dice by slot level, from the spell's own level up: "8d6" at 3rd.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_slot_level: BTreeMap<SpellLevel, String>,
    /// For cantrips, dice from a caster level on: 1 → "1d10", 5 → "2d10".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_character_level: BTreeMap<u8, String>,
    /// Whether the caster's spellcasting ability modifier is added to the dice.
    #[serde(default, skip_serializing_if = "is_false")]
    pub add_modifier: bool,
}

impl SpellDamage {
    /// The dice for a cantrip cast by a character of `level`: the entry of
    /// the highest threshold at or below it.
    pub fn at_character_level(&self, level: u8) -> Option<&str> {
        self.by_character_level
            .range(..=level)
            .next_back()
            .map(|(_, dice)| dice.as_str())
    }
}

/// Hit points a spell restores, by slot level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Healing {
    /// Dice or a fixed number by slot level: "1d8" at 1st, "70" at 6th.
    pub by_slot_level: BTreeMap<SpellLevel, String>,
    /// Whether the caster's spellcasting ability modifier is added.
    #[serde(default, skip_serializing_if = "is_false")]
    pub add_modifier: bool,
}

// `skip_serializing_if` hands the field by reference, hence `&bool`.
fn is_false(b: &bool) -> bool {
    !*b
}
