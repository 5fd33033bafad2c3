//! A monster's stat block as figures: the schema of `rules/content/monsters.json`.
//!
//! Empty lists, absent options, zero distances and `false` flags are left out
//! of the file, so each field says what it means when absent. Unknown fields
//! are rejected, so a typo in the generator cannot be silently ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Effect;

use crate::mechanics::{
    Ability, AbilityScores, ChallengeRating, Condition, DamageType, Size, Skill,
};

/// One monster's stat block, without its descriptive text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Monster {
    /// Stable id, lowercase with hyphens: "adult-red-dragon".
    pub id: String,
    /// Display name: "Adult Red Dragon".
    pub name: String,
    /// Size category.
    pub size: Size,
    /// Creature type as the stat block gives it: "humanoid", "swarm of Tiny beasts".
    pub creature_type: String,
    /// Subtype, e.g. "goblinoid".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// Alignment, e.g. "neutral evil".
    pub alignment: String,
    /// Armor class. When the SRD lists alternatives (natural armor, or a
    /// higher figure with mage armor) this is the first one.
    pub ac: i32,
    /// Average hit points.
    pub hp: u32,
    /// Hit dice without the Constitution bonus: "2d6".
    pub hit_dice: String,
    /// Hit points as a dice expression with the Constitution bonus: "18d10+36".
    pub hp_roll: String,
    /// Speeds in feet.
    pub speed: Speed,
    /// The six ability scores.
    pub abilities: AbilityScores,
    /// Saving throw bonuses the stat block lists (the others are the plain modifier).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub saves: BTreeMap<Ability, i32>,
    /// Skill bonuses the stat block lists.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub skills: BTreeMap<Skill, i32>,
    /// Damage vulnerabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub damage_vulnerabilities: Vec<DamageDefense>,
    /// Damage resistances.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub damage_resistances: Vec<DamageDefense>,
    /// Damage immunities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub damage_immunities: Vec<DamageDefense>,
    /// Conditions the monster cannot suffer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_immunities: Vec<Condition>,
    /// Special senses and passive Perception.
    pub senses: Senses,
    /// Languages as the stat block lists them: "Common, Goblin", "telepathy 120 ft.".
    pub languages: String,
    /// Challenge rating.
    pub cr: ChallengeRating,
    /// Experience points: `cr.xp()`, or 0 for a few harmless CR 0 creatures.
    pub xp: u32,
    /// Proficiency bonus.
    pub proficiency_bonus: i32,
    /// Special traits, by name (their rules are not automated yet).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traits: Vec<Trait>,
    /// Spellcasting with slots, if it has any (the innate kind is not carried yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spellcasting: Option<MonsterSpellcasting>,
    /// Actions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// Legendary actions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legendary_actions: Vec<Action>,
    /// Reactions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Action>,
    /// Words riders and saves may single it out by beyond its type and
    /// subtype: "metal armor" (it wears some), "inorganic" (made of stone,
    /// crystal or metal), "shapechanger".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl Monster {
    /// One of the monster's actions (not legendary actions or reactions) by exact name.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// Every action, legendary action and reaction, in stat block order.
    pub fn all_actions(&self) -> impl Iterator<Item = &Action> {
        self.actions
            .iter()
            .chain(&self.legendary_actions)
            .chain(&self.reactions)
    }
}

/// Speeds in feet; 0 means the monster lacks that kind of movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Speed {
    /// Walking speed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub walk: u32,
    /// Flying speed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub fly: u32,
    /// Swimming speed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub swim: u32,
    /// Climbing speed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub climb: u32,
    /// Burrowing speed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub burrow: u32,
    /// Whether it can hover (does not fall when its flying speed drops to 0).
    #[serde(default, skip_serializing_if = "is_false")]
    pub hover: bool,
}

/// Special senses in feet (0 = none) and passive Perception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Senses {
    /// Darkvision range.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub darkvision: u32,
    /// Blindsight range.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub blindsight: u32,
    /// Whether the monster is blind beyond its blindsight (oozes, grimlocks).
    #[serde(default, skip_serializing_if = "is_false")]
    pub blind_beyond: bool,
    /// Truesight range.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub truesight: u32,
    /// Tremorsense range.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tremorsense: u32,
    /// Passive Wisdom (Perception).
    pub passive_perception: u32,
}

/// One line of vulnerabilities, resistances or immunities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DamageDefense {
    /// The damage types; empty means damage of any type (qualified, e.g. "spells").
    pub types: Vec<DamageType>,
    /// When it applies, as a short tag: "nonmagical", "nonmagical, not
    /// silvered", "nonmagical, not adamantine", "spells", ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
}

/// A special trait, by name; its rules are not automated yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trait {
    /// The trait's name: "Nimble Escape".
    pub name: String,
    /// How often it can be used, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

/// A monster's spellcasting: a slot caster's figures and its spells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonsterSpellcasting {
    /// Its caster level.
    pub level: u8,
    /// Its spellcasting ability.
    pub ability: Ability,
    /// Its spell save DC.
    pub dc: i32,
    /// Its spell attack bonus.
    pub attack_bonus: i32,
    /// Slots per spell level (`"1": 4`).
    pub slots: BTreeMap<String, u8>,
    /// The spells it knows or has prepared, by id, cantrips included.
    pub spells: Vec<String>,
}

impl MonsterSpellcasting {
    /// Its slots as the rules count them.
    pub fn spell_slots(&self) -> crate::mechanics::SpellSlots {
        let mut max = [0u8; 9];
        for (level, count) in &self.slots {
            if let Ok(l) = level.parse::<usize>()
                && (1..=9).contains(&l)
            {
                max[l - 1] = *count;
            }
        }
        crate::mechanics::SpellSlots::from_max(max)
    }
}

/// An action, legendary action or reaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The action's name: "Scimitar", "Fire Breath", "Wing Attack (Costs 2 Actions)".
    pub name: String,
    /// The attack roll, if the action is an attack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<Attack>,
    /// Damage dealt on a hit or a failed save, all of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub damage: Vec<Damage>,
    /// Damage of which the monster chooses one (versatile grip, the djinni's
    /// lightning or thunder), added to `damage`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub damage_choice: Vec<Damage>,
    /// The saving throw the action forces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save: Option<Save>,
    /// Conditions the action's stat block text names; who gets them and for
    /// how long is not structured yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Multiattack: the actions taken, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub multiattack: Vec<MultiattackStep>,
    /// Multiattack with alternatives: the monster picks one list of steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub multiattack_options: Vec<Vec<MultiattackStep>>,
    /// Named alternatives of one action (a dragon's two breath weapons).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
    /// How often it can be used, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// For legendary actions that cost more than one: how many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<u8>,
    /// What the action does, as an automation tree run against each target
    /// (empty for a multiattack, which runs its steps, and for actions whose
    /// effect is only in the stat block's text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Effect>,
    /// How much of this action the engine can resolve from these figures.
    pub automation: Automation,
}

/// An attack roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attack {
    /// Bonus to hit.
    pub bonus: i32,
    /// Melee, ranged, or either (a thrown dagger).
    pub kind: AttackKind,
    /// Melee reach in feet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach_ft: Option<u32>,
    /// Normal and long range in feet (equal when there is only one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range_ft: Option<[u32; 2]>,
}

/// How an attack is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttackKind {
    /// Within reach.
    Melee,
    /// At range.
    Ranged,
    /// Either, e.g. a javelin stabbed or thrown; it has both reach and range.
    MeleeOrRanged,
}

/// Typed damage as a dice expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Damage {
    /// Dice in the dice language: "1d6+2".
    pub dice: String,
    /// The damage type.
    pub damage_type: DamageType,
    /// A short label for a choice: "Two handed".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A save against this part only (an assassin's poison on a hit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save: Option<Save>,
}

/// A saving throw an action forces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Save {
    /// The ability that saves.
    pub ability: Ability,
    /// The difficulty class.
    pub dc: u32,
    /// What a successful save leaves of the damage.
    pub on_success: OnSuccess,
}

/// What a successful saving throw leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnSuccess {
    /// Half the damage.
    Half,
    /// Nothing: the save negates the effect.
    #[serde(rename = "none")]
    Negated,
}

/// One step of a multiattack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultiattackStep {
    /// The exact name of one of the monster's actions (or, rarely, a trait
    /// such as "Innate Spellcasting"; then the automation says so).
    pub action: String,
    /// How many times.
    pub count: u32,
    /// Set when the count depends on the game state ("number of heads"):
    /// `count` is then 1 and the automation is partial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_by: Option<String>,
}

/// A named alternative of an action: one breath weapon, one roar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Its name: "Fire Breath".
    pub name: String,
    /// The save it forces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save: Option<Save>,
    /// Damage on a failed save.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub damage: Vec<Damage>,
    /// What it does, as an automation tree.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Effect>,
}

/// How often a limited action or trait can be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Usage {
    /// Available again when a d6 at the start of the monster's turn shows `min` or more.
    Recharge {
        /// The lowest d6 face that recharges it: 5 for "Recharge 5–6".
        min: u8,
    },
    /// A number of times per day.
    PerDay {
        /// How many times.
        times: u32,
    },
    /// Once, then again after one of these rests.
    PerRest {
        /// The rests that restore it.
        rests: Vec<RestKind>,
    },
}

/// A kind of rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestKind {
    /// A short rest.
    Short,
    /// A long rest.
    Long,
}

/// How much of an action the engine can resolve from the figures alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Automation {
    /// Full, partial or listed.
    pub level: AutomationLevel,
    /// What is missing for full automation, e.g. "condition on hit"; empty when full.
    pub missing: Vec<String>,
}

/// Coverage of an action by structured figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutomationLevel {
    /// Everything the action does is in the figures: an attack with its
    /// damage, a save with its DC and damage or conditions, or a multiattack
    /// whose steps all name actions.
    Full,
    /// Some figures, but a part of the effect is only in the stat block's text.
    Partial,
    /// Only the name: the effect is not structured at all.
    Listed,
}

// `skip_serializing_if` hands the field by reference, hence `&u32` and `&bool`.
fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}
