//! The automation tree: what an attack, a spell or a monster action *does*,
//! as data that one interpreter ([`crate::automation`]) runs.
//!
//! A tree is a list of [`Effect`]s run against each target in turn. Branching
//! steps (an attack roll, a saving throw) hold the effects of each outcome;
//! leaves deal damage, heal, grant temporary hit points or put an
//! [`Ongoing`] effect (conditions, bonuses, damage on later turns) on the
//! target or on the caster. Figures that depend on the caster (spell attack
//! bonus, save DC, spellcasting modifier) are left out and filled in when the
//! tree runs; monsters' actions carry their own.
//!
//! ```
//! use rules::content::{self, Effect};
//! let hold = content::spell("Hold Person").unwrap();
//! let Effect::Only(humanoids) = &hold.effects[0] else { panic!("humanoids only") };
//! assert_eq!(humanoids.types, ["humanoid"]);
//! let Effect::Save(save) = &humanoids.then[0] else { panic!("a save") };
//! let Effect::Apply(apply) = &save.fail[0] else { panic!("an effect on a failed save") };
//! assert_eq!(apply.effect.name, "Hold Person");
//! assert!(apply.effect.save_ends.is_some());
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::mechanics::{Ability, Behaviour, Condition, DamageType, Size, SpellLevel};

/// One step of an automation tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// An attack roll against the target's AC.
    Attack(AttackStep),
    /// A saving throw by the target.
    Save(SaveStep),
    /// Typed damage.
    Damage(DamageStep),
    /// Hit points restored.
    Heal(HealStep),
    /// Temporary hit points.
    TempHp(TempHpStep),
    /// An effect that lasts: conditions, bonuses, damage on later turns.
    Apply(ApplyStep),
    /// Several missiles, rays or beams, each running `each`, split among the
    /// targets in the order they were named (Magic Missile, Scorching Ray).
    Split(SplitStep),
    /// Effects that only apply to some targets ("a Large or smaller
    /// creature", "a humanoid").
    Only(OnlyStep),
    /// One of several named options the caster picks when casting (Blindness
    /// or Deafness, Command's words, the damage type of Protection from Energy).
    Choice(ChoiceStep),
    /// A pool of hit points rolled once (Sleep, Color Spray): targets are
    /// taken from the lowest current hit points up; each whose hit points fit
    /// in what is left of the pool is affected and uses that much of it.
    Pool(PoolStep),
    /// Ends conditions on the target (Lesser Restoration, Heal).
    Remove(RemoveStep),
    /// Brings a dead target back with this many hit points (Revivify).
    Revive(ReviveStep),
    /// Stabilizes a dying target (Spare the Dying).
    Stabilize,
    /// Pushes the target away (positive feet) or pulls it closer (negative).
    Push(PushStep),
    /// Ends the target's concentration (Sleet Storm, Earthquake: under a save).
    BreakConcentration,
    /// The target dies outright (Power Word Kill, a solar's Slaying Longbow).
    Kill,
    /// The one who acts regains hit points equal to the damage this run dealt
    /// to the target so far (after its defenses), or half of it (a vampire's
    /// bite, Vampiric Touch).
    HealSelf(HealSelfStep),
    /// An ability contest between the one who acts and the target (a merrow's
    /// harpoon, Telekinesis): `win` runs when the actor's check beats the
    /// target's, `lose` otherwise (a tie changes nothing).
    Contest(ContestStep),
    /// Hit points lost, not damage: no type, no resistance (a stirge's blood
    /// drain, an infernal wound).
    LoseHp(LoseHpStep),
    /// A random table rolled for each target: the row the roll falls in
    /// runs (Prismatic Spray's ray, Confusion's behaviour, Blink's d20).
    Table(TableStep),
    /// The target drops what it is holding (Fear, Heat Metal); the DM core
    /// carries it out.
    Drop,
}

/// Named options, one picked when cast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceStep {
    /// The options, in the order the spell lists them.
    pub options: Vec<Choice>,
}

/// One option of a [`ChoiceStep`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Its name, as the caster says it: "blinded", "grovel", "fire".
    pub name: String,
    /// What it does.
    pub effects: Vec<Effect>,
}

/// A hit point pool rolled once for the whole cast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolStep {
    /// The pool's dice.
    pub amount: Amount,
    /// What happens to each target the pool reaches.
    pub then: Vec<Effect>,
}

/// Conditions ended on the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveStep {
    /// The conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Ongoing effects on the target that end, by name (a kraken's grapple
    /// ending as it swallows); the board ends them when it applies the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<String>,
    /// One ongoing effect of each of these kinds ends (Greater Restoration:
    /// a curse, a reduced hit point maximum).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<EffectKind>,
    /// Exhaustion levels taken away (Greater Restoration: one).
    #[serde(default, skip_serializing_if = "is_zero_u8")]
    pub exhaustion: u8,
}

/// Kinds of ongoing effect a [`RemoveStep`] ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectKind {
    /// A curse ([`Ongoing::curse`]).
    Curse,
    /// A reduction of an ability score.
    AbilityReduction,
    /// A reduction of the hit point maximum (a drain).
    MaxHpReduction,
}

/// A dead creature brought back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviveStep {
    /// The hit points it comes back with.
    pub hp: u32,
}

/// Forced movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushStep {
    /// Feet away from the source (negative: toward it).
    pub feet: i32,
}

/// Runs `then` only on targets that fit: no larger than `max_size`, of one
/// of `types` (when any are listed) and of none of `not_types`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnlyStep {
    /// The largest size it works on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<Size>,
    /// The most current hit points a target may have (Power Word Kill: 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_hp: Option<u32>,
    /// The fewest current hit points a target may have (Divine Word's bands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_hp: Option<u32>,
    /// Creature types it works on ("humanoid"); empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// Creature types it does not work on ("undead", "construct").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_types: Vec<String>,
    /// What runs on a target that fits.
    pub then: Vec<Effect>,
    /// The highest Intelligence score it works on (Animal Friendship: 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_intelligence: Option<u8>,
    /// Only on a creature that is concentrating (Sleet Storm's saves).
    #[serde(default, skip_serializing_if = "is_false")]
    pub concentrating: bool,
    /// Not on a creature already under the named effect (Black Tentacles'
    /// save is for those it has not restrained yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without: Option<String>,
    /// Not on a creature immune to one of these conditions (Sleep passes
    /// over those that can't be charmed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_immune_to: Vec<Condition>,
    /// Runs only if the damage dealt so far in this run drops the target
    /// to 0 hit points (a giant spider's poison paralyzing the fallen).
    #[serde(default, skip_serializing_if = "is_false")]
    pub dropped_to_0: bool,
    /// Tags the target must all carry ([`crate::automation::Target::tags`]:
    /// "nonmagical armor", "nonmagical metal armor").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The target must have an ongoing effect of this name ("Grappled by
    /// Kraken", "Infernal wound by Bearded Devil").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// The target must not have an ongoing effect of this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_effect: Option<String>,
    /// Runs only when the attack roll above had advantage (a cloaker
    /// engulfing the head).
    #[serde(default, skip_serializing_if = "is_false")]
    pub attack_advantage: bool,
    /// The lowest Intelligence score it works on (Hideous Laughter: 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_intelligence: Option<u8>,
}

/// An attack roll: `hit` runs on a hit (dice doubled on a critical hit),
/// `miss` on a miss.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttackStep {
    /// The bonus to hit; absent for a spell attack (the caster's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus: Option<i32>,
    /// What runs on a hit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hit: Vec<Effect>,
    /// What runs on a miss.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub miss: Vec<Effect>,
    /// The attack has advantage against a target of one of these types or
    /// tags (Shocking Grasp: "metal armor").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advantage_against: Vec<String>,
    /// How many times the damage dice are rolled on a critical hit (absent: 2;
    /// a balor's longsword: 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crit_dice: Option<u8>,
    /// The roll has advantage against a target with any of these conditions
    /// (an ankheg biting the creature it grapples).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advantage_if: Vec<Condition>,
    /// The attack hits without a roll (and does not crit) a target with any
    /// of these conditions (a marilith's tail on the creature it holds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auto_hit_if: Vec<Condition>,
    /// The roll has advantage against a target with an ongoing effect of
    /// this name (a cloaker attached to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advantage_if_effect: Option<String>,
    /// An alternative attack the actor may make instead (the context's
    /// choice names it, "With shillelagh"): it replaces the plain attack of
    /// the same list; with no such choice, only the plain attack runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The attack hits without a roll a target with an ongoing effect of
    /// this name (a marilith's tail on the creature it grapples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_hit_if_effect: Option<String>,
    /// The roll has advantage against a target with this tag (Shocking
    /// Grasp against "metal armor").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advantage_if_tag: Option<String>,
}

/// A saving throw: `fail` runs on a failure, `success` on a success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveStep {
    /// The ability that saves.
    pub ability: Ability,
    /// The DC; absent for a spell (the caster's spell save DC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dc: Option<u32>,
    /// What runs on a failed save.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fail: Vec<Effect>,
    /// What runs on a successful save.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub success: Vec<Effect>,
    /// What runs as well when the save fails by 5 or more.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fail_by_5: Vec<Effect>,
    /// On a success, the target is immune to this action or spell for this
    /// many rounds (24 hours: 14400); an immune target does not save again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immunity_rounds: Option<u32>,
    /// Targets of these types or tags save with advantage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advantage_types: Vec<String>,
    /// Targets of these types or tags save with disadvantage (Sunbeam:
    /// undead and oozes; Shatter: "inorganic"; Moonbeam: "shapechanger").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disadvantage_types: Vec<String>,
    /// A target the caster's side is fighting saves with advantage (Charm
    /// Person, the Dominate spells).
    #[serde(default, skip_serializing_if = "is_false")]
    pub advantage_if_hostile: bool,
}

/// An amount of dice that may grow with the spell slot or the caster's level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    /// Dice in the dice language at the lowest level: "8d6", "1d4+1", "10".
    pub dice: String,
    /// Other dice from a slot level on (the highest entry at or below the
    /// slot wins): 4 → "9d6".
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "level_keys"
    )]
    pub by_slot_level: BTreeMap<SpellLevel, String>,
    /// Other dice from a character level on, for cantrips: 5 → "2d10".
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "level_keys"
    )]
    pub by_character_level: BTreeMap<u8, String>,
    /// Whether the caster's spellcasting ability modifier is added.
    #[serde(default, skip_serializing_if = "is_false")]
    pub add_modifier: bool,
    /// Whether the character's level is added (Second Wind: 1d10 + level).
    #[serde(default, skip_serializing_if = "is_false")]
    pub add_level: bool,
}

impl Amount {
    /// Fixed dice that do not scale.
    pub fn fixed(dice: impl Into<String>) -> Self {
        Self {
            dice: dice.into(),
            by_slot_level: BTreeMap::new(),
            by_character_level: BTreeMap::new(),
            add_modifier: false,
            add_level: false,
        }
    }

    /// The dice for a cast at `slot` (0 for a cantrip or an action) by a
    /// caster of character level `level`.
    pub fn dice_at(&self, slot: u8, level: u8) -> &str {
        if let Some((_, dice)) = self.by_character_level.range(..=level).next_back() {
            return dice;
        }
        match SpellLevel::new(slot.min(9)) {
            Some(slot) => self
                .by_slot_level
                .range(..=slot)
                .next_back()
                .map_or(self.dice.as_str(), |(_, d)| d.as_str()),
            None => &self.dice,
        }
    }
}

/// A count that may grow with the slot or the caster's level: darts, rays,
/// beams, targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    /// How many at the spell's own level.
    pub base: u32,
    /// How many more per slot level above the spell's.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub per_slot_above: u32,
    /// Other counts from a character level on, for cantrips: 5 → 2 beams.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "level_keys"
    )]
    pub by_character_level: BTreeMap<u8, u32>,
}

impl Count {
    /// The count for a spell of `spell_level` cast at `slot` by a caster of
    /// character level `level`.
    pub fn at(&self, spell_level: u8, slot: u8, level: u8) -> u32 {
        if let Some((_, n)) = self.by_character_level.range(..=level).next_back() {
            return *n;
        }
        let above = u32::from(slot.saturating_sub(spell_level));
        self.base
            .saturating_add(self.per_slot_above.saturating_mul(above))
    }
}

/// Typed damage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DamageStep {
    /// The dice.
    pub amount: Amount,
    /// The type; absent when the caster chooses it as the spell is cast
    /// (Chromatic Orb, a dragonborn's breath), which the cast must then name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damage_type: Option<DamageType>,
    /// Half of it (a successful save against Fireball). Outside an attack the
    /// dice are rolled once for every target, so the half is of the same roll.
    #[serde(default, skip_serializing_if = "is_false")]
    pub half: bool,
    /// Damage the caster may choose instead (a versatile weapon held in two hands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Targets of these types or tags take the most the dice can roll
    /// (Blight: plants).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub max_against: Vec<String>,
    /// It cannot drop the target below 1 hit point (Harm).
    #[serde(default, skip_serializing_if = "is_false")]
    pub leaves_one: bool,
}

/// Hit points restored to the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealStep {
    /// The dice.
    pub amount: Amount,
    /// The amount is one pool shared by the targets in the order named,
    /// each healed up to its hit point maximum (Mass Heal's 700).
    #[serde(default, skip_serializing_if = "is_false")]
    pub shared: bool,
}

/// Temporary hit points for the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TempHpStep {
    /// The dice.
    pub amount: Amount,
}

/// Puts an [`Ongoing`] effect on the target, or on the one who acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyStep {
    /// On the caster instead of the target (Shield, a reckless attack).
    #[serde(default, skip_serializing_if = "is_false")]
    pub on_self: bool,
    /// The effect (boxed: it is the largest step).
    pub effect: Box<Ongoing>,
}

/// Runs `each` `count` times, one missile at a time, against the targets in
/// turn (the first named gets the first, the second the next, and around).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitStep {
    /// How many.
    pub count: Count,
    /// What each one does.
    pub each: Vec<Effect>,
}

/// An effect that lasts on a creature: conditions, bonuses and penalties,
/// and what happens on its later turns, until its duration runs out, a save
/// ends it, or the concentration it depends on breaks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ongoing {
    /// Its name, as the table sees it: "Hold Person", "Grappled by Giant Crab".
    pub name: String,
    /// Conditions it imposes (a creature immune to one does not get that one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// How long it lasts at most; absent: until removed (a grapple, until
    /// escaped; a concentration spell, until concentration ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Lasting>,
    /// A saving throw that ends it, repeated on each of the creature's turns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_ends: Option<SaveEnds>,
    /// The DC to escape it with an action (a grapple or restraint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escape_dc: Option<u32>,
    /// A roll that uses it up, ending it (Guiding Bolt, Vicious Mockery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_by: Option<UsedBy>,
    /// Its hit point maximum falls by the damage this hit dealt, until it
    /// finishes a long rest (a wight's Life Drain).
    #[serde(default, skip_serializing_if = "is_false")]
    pub drain: bool,
    /// It makes the creature immune to the named action or spell while it
    /// lasts (what a successful save against a frightful presence gives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immunity_to: Option<String>,
    /// Its hit point maximum rises by this much, rolled when it lands (Aid,
    /// Heroes' Feast); the creature gains as many hit points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_hp_amount: Option<Amount>,
    /// The escape DC is the DC of the save that imposed it (the caster's
    /// spell save DC for Web or Entangle).
    #[serde(default, skip_serializing_if = "is_false")]
    pub escape_at_save_dc: bool,
    /// The creature is out of the fight while it lasts (Banishment, Maze).
    #[serde(default, skip_serializing_if = "is_false")]
    pub removed: bool,
    /// An action the one who caused it can take on later turns while it
    /// lasts (Spiritual Weapon's attack, moving a Flaming Sphere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grants: Option<Granted>,
    /// Whether damage ends it (Sleep, Hideous Laughter's prone victims).
    #[serde(default, skip_serializing_if = "is_false")]
    pub ends_on_damage: bool,
    /// Bonuses and penalties while it lasts.
    #[serde(default, skip_serializing_if = "Modifiers::is_empty")]
    pub modifiers: Modifiers,
    /// What happens on each of the creature's turns while it lasts (acid
    /// that keeps burning, a cloud the creature starts its turn in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each_turn: Option<EachTurn>,
    /// Several of it add up instead of the new one replacing the old
    /// (corroded armor's −1 AC, an infernal wound's growing loss).
    #[serde(default, skip_serializing_if = "is_false")]
    pub stacks: bool,
    /// With `drain`: only the damage of this type lowers the maximum (a
    /// vampire's bite: the necrotic damage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drain_type: Option<DamageType>,
    /// What follows on the same creature when it runs out or its source's
    /// concentration ends (an aboleth's disease after its minute of
    /// incubation, Haste's lethargy); not when it is removed or saved against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Box<Ongoing>>,
    /// What takes its place when the saves to end it fail as often as
    /// [`SaveEnds::failures`] says (a cockatrice's bite: petrified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failures: Option<Box<Ongoing>>,
    /// Magical healing ends it (an infernal wound).
    #[serde(default, skip_serializing_if = "is_false")]
    pub ends_on_healing: bool,
    /// It is an object others can attack to end it (webbing): its AC, hit
    /// points and defenses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectStats>,
    /// An ability score falls by an amount rolled when it lands; the
    /// creature dies if the score reaches 0 (a shadow's Strength Drain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_loss: Option<ScoreLoss>,
    /// Ability checks to escape it have disadvantage (a mimic's adhesive).
    #[serde(default, skip_serializing_if = "is_false")]
    pub escape_disadvantage: bool,
    /// Its bonuses and penalties count only toward one other creature or
    /// kind of creature: attacks against the caster (Chill Touch), the
    /// creature a spell marks (Hunter's Mark, True Strike), six creature
    /// types (Protection from Evil and Good).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versus: Option<Versus>,
    /// What happens to a creature that hits the affected one (Fire Shield,
    /// Holy Aura): run against the attacker with the cast's figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when_hit: Option<WhenHit>,
    /// The one who caused it takes the same damage as the affected creature
    /// (Warding Bond).
    #[serde(default, skip_serializing_if = "is_false")]
    pub shares_damage: bool,
    /// Illusory duplicates that attacks may hit instead (Mirror Image: 3);
    /// it ends when the last is destroyed.
    #[serde(default, skip_serializing_if = "is_zero_u8")]
    pub duplicates: u8,
    /// What happens as the creature moves (Spike Growth: damage per 5 feet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_move: Option<OnMove>,
    /// Other bonuses from a slot level on (the highest entry at or below the
    /// slot replaces `modifiers` when it lands): Magic Weapon's +2 and +3.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "level_keys"
    )]
    pub modifiers_by_slot: BTreeMap<SpellLevel, Modifiers>,
    /// It is a curse (Remove Curse and Greater Restoration end it).
    #[serde(default, skip_serializing_if = "is_false")]
    pub curse: bool,
    /// It ends with its source's concentration even when it lands through
    /// something else (the light of a Branding Smite landing with a weapon).
    #[serde(default, skip_serializing_if = "is_false")]
    pub tied_to_concentration: bool,
    /// Its `after` follows only when it lasts its full duration, not when
    /// its source's concentration ends sooner (Banishment: gone for good).
    #[serde(default, skip_serializing_if = "is_false")]
    pub after_full_duration: bool,
    /// What the creature must do on its turns while it lasts (flee from the
    /// source, approach it, do nothing, obey it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behaviour: Option<Behaviour>,
    /// A longer duration in rounds from a slot level on (the highest entry
    /// at or below the slot wins): Dominate Person from a 6th-level slot,
    /// 100 rounds.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "level_keys"
    )]
    pub rounds_by_slot: BTreeMap<SpellLevel, u32>,
}

/// Whom an effect's bonuses and penalties count toward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Versus {
    /// The one who caused it (Chill Touch: an undead's attacks against the caster).
    Source,
    /// The target of the cast, for an effect on the caster (Hunter's Mark,
    /// True Strike).
    Target,
    /// Creatures of these types or tags (Protection from Evil and Good).
    Types {
        /// The types.
        types: Vec<String>,
    },
}

/// Effects on a creature that hits the affected one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhenHit {
    /// Only melee attacks trigger it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub melee: bool,
    /// Only attackers of these types or tags trigger it (empty: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// What happens to the attacker.
    pub effects: Vec<Effect>,
}

/// Effects for every so many feet a creature moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnMove {
    /// Feet per step.
    pub per_feet: u32,
    /// What each step does.
    pub effects: Vec<Effect>,
}

/// An action an ongoing effect lets its source take again on later turns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Granted {
    /// It takes a bonus action rather than an action.
    #[serde(default, skip_serializing_if = "is_false")]
    pub bonus_action: bool,
    /// What it does, with the figures of the cast.
    pub effects: Vec<Effect>,
    /// Using it ends the effect that grants it (Dispel Evil and Good's
    /// break enchantment and dismissal).
    #[serde(default, skip_serializing_if = "is_false")]
    pub ends_effect: bool,
}

/// How long an [`Ongoing`] effect lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "until", rename_all = "snake_case", deny_unknown_fields)]
pub enum Lasting {
    /// A number of rounds (a minute is 10), counted on the turns of the one
    /// who caused it: it ends as that creature's turn starts, `rounds` later.
    Rounds {
        /// How many.
        rounds: u32,
    },
    /// Until the start of the next turn of the one who caused it (Shield,
    /// Guiding Bolt's glimmer).
    StartOfSourceTurn,
    /// Until the end of the next turn of the one who caused it.
    EndOfSourceTurn,
    /// Until the start of the affected creature's next turn.
    StartOfOwnTurn,
    /// Until the end of the affected creature's next turn (Vicious Mockery).
    EndOfOwnTurn,
    /// Until the end of the affected creature's current turn, or of its
    /// next one when it is not its turn (Confusion's behaviour for the turn
    /// it rolled, Stinking Cloud's lost action).
    EndOfThisTurn,
}

/// A roll that uses an effect up: it ends once the roll is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsedBy {
    /// The next attack roll against the creature (Guiding Bolt's glimmer).
    AttackAgainst,
    /// The creature's own next attack roll (Vicious Mockery, True Strike).
    OwnAttack,
    /// The creature's next saving throw (Resistance).
    OwnSave,
    /// The creature's next ability check (Guidance).
    OwnCheck,
    /// The creature's next hit with an attack (Branding Smite).
    OwnHit,
    /// The creature's next spell.
    OwnSpell,
    /// The creature's next attack or spell, whichever comes first
    /// (Invisibility, Sanctuary).
    OwnAttackOrSpell,
}

impl UsedBy {
    /// Whether an effect used up by `self` ends when `roll` is made.
    pub fn ended_by(self, roll: UsedBy) -> bool {
        self == roll
            || (self == UsedBy::OwnAttackOrSpell
                && matches!(roll, UsedBy::OwnAttack | UsedBy::OwnSpell))
    }
}

/// When a turn-based trigger happens: at the start or end of the affected
/// creature's turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnPoint {
    /// At the start of its turn.
    Start,
    /// At the end of its turn.
    End,
}

/// A saving throw that ends an effect, repeated on each of the creature's
/// turns. The DC is the one of the save that imposed the effect, or the
/// caster's spell save DC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveEnds {
    /// The ability that saves.
    pub ability: Ability,
    /// When on its turn it saves.
    pub when: TurnPoint,
    /// The DC when it differs from the imposing save (absent: the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dc: Option<u32>,
    /// It also saves each time it takes damage (Dominate Person, Hideous
    /// Laughter).
    #[serde(default, skip_serializing_if = "is_false")]
    pub on_damage: bool,
    /// A save that damage triggers has advantage (Hideous Laughter).
    #[serde(default, skip_serializing_if = "is_false")]
    pub advantage_on_damage: bool,
    /// It saves only when it takes damage, not on its turns (Dominate
    /// Person); `when` is then unused.
    #[serde(default, skip_serializing_if = "is_false")]
    pub damage_only: bool,
    /// It saves on its turn only when it can't see the effect's source
    /// (Fear: out of the caster's line of sight; see
    /// [`crate::automation::Target::out_of_sight_of`]).
    #[serde(default, skip_serializing_if = "is_false")]
    pub out_of_sight: bool,
    /// Successes it takes to end the effect (0 or 1: the first; Prismatic
    /// Spray's indigo ray: 3).
    #[serde(default, skip_serializing_if = "is_zero_u8")]
    pub successes: u8,
    /// Failures after which the effect gives way to its
    /// [`Ongoing::on_failures`] (0: never; indigo: 3, violet: 1).
    #[serde(default, skip_serializing_if = "is_zero_u8")]
    pub failures: u8,
    /// It saves at `when` of its source's turn rather than its own
    /// (Prismatic Spray's violet ray; see [`crate::automation::Board::source_turn`]).
    #[serde(default, skip_serializing_if = "is_false")]
    pub on_source_turn: bool,
}

/// Effects run on the affected creature on each of its turns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EachTurn {
    /// At the start or at the end of its turn.
    pub when: TurnPoint,
    /// What happens (damage, a save against damage), with the DC and the
    /// dice of the cast that created the effect.
    pub effects: Vec<Effect>,
    /// Whether it happens once only (Acid Arrow's later burn) rather than
    /// on every turn.
    #[serde(default, skip_serializing_if = "is_false")]
    pub once: bool,
    /// It happens on the turns of the one who caused it rather than on the
    /// affected creature's (a stirge's drain, a kraken's stomach).
    #[serde(default, skip_serializing_if = "is_false")]
    pub on_source_turn: bool,
    /// It ends once it has taken this many hit points in all (a stirge
    /// detaches after draining 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hp_limit: Option<u32>,
    /// `hp_limit` counts what every effect of the same name from the same
    /// source has taken, and all of them end together (Guardian of Faith
    /// vanishes after dealing 60 damage in all).
    #[serde(default, skip_serializing_if = "is_false")]
    pub shared_limit: bool,
}

/// Bonuses and penalties an ongoing effect grants.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Modifiers {
    /// Added to AC (Shield +5, Shield of Faith +2).
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub ac: i32,
    /// A floor for AC (Barkskin 16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ac_floor: Option<i32>,
    /// AC becomes 13 + Dexterity modifier when that is higher (Mage Armor):
    /// the base before Dexterity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ac_base: Option<i32>,
    /// Dice added to (or, with a leading minus, taken from) attack rolls:
    /// "1d4" (Bless), "-1d4" (Bane).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack_dice: Option<String>,
    /// Dice added to or taken from saving throws.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_dice: Option<String>,
    /// Dice added to or taken from ability checks (Guidance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_dice: Option<String>,
    /// Its own attack rolls have advantage (+1) or disadvantage (-1).
    #[serde(default, skip_serializing_if = "is_zero_i8")]
    pub attacks: i8,
    /// Attack rolls against it have advantage (+1) or disadvantage (-1).
    #[serde(default, skip_serializing_if = "is_zero_i8")]
    pub attacked: i8,
    /// Flat bonuses or penalties to some saving throws (Slow: −2 Dexterity).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub save_bonus: BTreeMap<Ability, i32>,
    /// Conditions it cannot be given while this lasts (Heroism: frightened).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_immunities: Vec<Condition>,
    /// Saving throws with advantage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub save_advantage: Vec<Ability>,
    /// Saving throws with disadvantage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub save_disadvantage: Vec<Ability>,
    /// Damage types it resists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resistances: Vec<DamageType>,
    /// Damage types it is immune to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub immunities: Vec<DamageType>,
    /// Extra damage its weapon attacks deal on a hit (Divine Favor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon_damage: Option<ExtraDamage>,
    /// Feet added to (or taken from) its speed; -10 for Ray of Frost.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub speed: i32,
    /// Its speed is multiplied by this over 2: 4 doubles it (Haste), 1 halves it (Slow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_halves: Option<u8>,
    /// It cannot take reactions.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_reactions: bool,
    /// It cannot regain hit points.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_healing: bool,
    /// Its hit point maximum rises (positive) or falls.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub max_hp: i32,
    /// Its weapon attacks deal half damage (Ray of Enfeeblement).
    #[serde(default, skip_serializing_if = "is_false")]
    pub half_weapon_damage: bool,
    /// Ability checks with advantage (Enhance Ability, Enlarge).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check_advantage: Vec<Ability>,
    /// Ability checks with disadvantage (Reduce, Bestow Curse).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check_disadvantage: Vec<Ability>,
    /// Saves against effects that would impose these conditions have
    /// advantage (Protection from Poison: poisoned).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub save_advantage_against: Vec<Condition>,
    /// Healing it receives rolls the most its dice can (Beacon of Hope).
    #[serde(default, skip_serializing_if = "is_false")]
    pub max_healing: bool,
    /// Death saving throws with advantage (Beacon of Hope).
    #[serde(default, skip_serializing_if = "is_false")]
    pub death_save_advantage: bool,
    /// The first time it would drop to 0 hit points or be killed outright,
    /// it drops to 1 hit point instead and the effect ends (Death Ward).
    #[serde(default, skip_serializing_if = "is_false")]
    pub death_ward: bool,
    /// It can't benefit from being invisible (Faerie Fire).
    #[serde(default, skip_serializing_if = "is_false")]
    pub revealed: bool,
    /// Damage types it resists from nonmagical attacks only (Stoneskin).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nonmagical_resistances: Vec<DamageType>,
    /// Added to its weapon attack rolls (Magic Weapon); its weapon attacks
    /// count as magical while any is set.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub weapon_attack: i32,
    /// Size categories up (positive) or down (Enlarge/Reduce).
    #[serde(default, skip_serializing_if = "is_zero_i8")]
    pub size: i8,
    /// It can't be surprised (Foresight).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unsurprisable: bool,
    /// A creature that attacks it or aims a harmful spell at it must first
    /// succeed on a Wisdom save against the effect's DC or pick another
    /// target (Sanctuary).
    #[serde(default, skip_serializing_if = "is_false")]
    pub sanctuary: bool,
    /// It reverts to its true form and can't change shape while this lasts
    /// (a shapechanger failing its save in Moonbeam).
    #[serde(default, skip_serializing_if = "is_false")]
    pub true_form: bool,
    /// Freedom of Movement: effects can't reduce its speed (a bonus still
    /// counts), difficult terrain costs it no extra movement, and 5 feet of
    /// movement frees it from a grapple or restraint
    /// ([`crate::automation::Board::slip_free`]).
    #[serde(default, skip_serializing_if = "is_false")]
    pub free_movement: bool,
    /// Its attacks with some weapons use other dice and may use its
    /// spellcasting ability (Shillelagh; see
    /// [`crate::automation::features::empowered_weapon_attack`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon_die: Option<WeaponDie>,
    /// Changes to ability scores (a shadow's Strength Drain: negative).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scores: BTreeMap<Ability, i32>,
    /// It can't take its action (Stinking Cloud's retching, Irresistible
    /// Dance, where the action goes to the save).
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_actions: bool,
    /// On its turn it takes an action or a bonus action, not both (Slow).
    #[serde(default, skip_serializing_if = "is_false")]
    pub action_or_bonus: bool,
    /// It makes at most one attack on its turn (Slow).
    #[serde(default, skip_serializing_if = "is_false")]
    pub one_attack: bool,
    /// A spell with a casting time of one action it casts takes effect on
    /// its next turn on a d20 of 11 or higher (Slow; see
    /// [`crate::automation::spell_delayed`]).
    #[serde(default, skip_serializing_if = "is_false")]
    pub delayed_spells: bool,
    /// It has an extra action on each of its turns, for one weapon attack,
    /// Dash, Disengage, Hide or Use an Object (Haste).
    #[serde(default, skip_serializing_if = "is_false")]
    pub extra_action: bool,
}

impl Modifiers {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// New dice for attacks with some weapons (Shillelagh).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeaponDie {
    /// The weapons it works with, by name ("Club", "Quarterstaff").
    pub weapons: Vec<String>,
    /// Their damage dice: "1d8".
    pub dice: String,
    /// The spellcasting ability may replace Strength or Dexterity for the
    /// attack and damage rolls (the better one counts).
    #[serde(default, skip_serializing_if = "is_false")]
    pub spellcasting: bool,
}

impl WeaponDie {
    /// Whether it works with the weapon of this name.
    pub fn applies_to(&self, weapon: &str) -> bool {
        self.weapons.iter().any(|w| super::same_key(w, weapon))
    }
}

/// Extra damage dealt on hits while an effect lasts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraDamage {
    /// The dice: "1d4"; with a leading minus, taken from the weapon's
    /// damage, never below 1 (Reduce: "-1d4").
    pub dice: String,
    /// The type; absent: the weapon's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damage_type: Option<DamageType>,
    /// What else the hit does to the target (Branding Smite's light).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Effect>,
}

/// Who a spell is aimed at, for checking the targets a cast names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Targeting {
    /// The caster only.
    #[serde(rename = "self")]
    Caster,
    /// Up to a number of creatures, which may grow with the slot
    /// (Hold Person: 1, +1 per slot above 2nd).
    Creatures {
        /// How many at most.
        count: Count,
    },
    /// Everyone in an area; the table says who is inside.
    Area,
    /// Missiles split among targets (at most one per missile).
    Split,
}

/// A random table: `dice` is rolled for each target and the row whose
/// range holds the roll runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableStep {
    /// The dice rolled: "1d8".
    pub dice: String,
    /// The rows; a roll no row holds does nothing.
    pub rows: Vec<TableRow>,
}

/// One row of a [`TableStep`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableRow {
    /// The lowest roll it takes.
    pub min: u32,
    /// The highest roll it takes.
    pub max: u32,
    /// What runs on a roll in its range.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Effect>,
}

/// Reads a map keyed by level. JSON keys are strings, and inside a tagged
/// [`Effect`] serde buffers them as strings too, so the keys are read as
/// text and then turned into levels: `{"4": "9d6"}`.
fn level_keys<'de, D, K, V>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Ord + TryFrom<u8>,
    V: Deserialize<'de>,
{
    use serde::de::Error;
    let raw = BTreeMap::<String, V>::deserialize(deserializer)?;
    raw.into_iter()
        .map(|(k, v)| {
            let level: u8 = k
                .parse()
                .map_err(|_| D::Error::custom(format!("level key {k:?} is not a number")))?;
            let key = K::try_from(level)
                .map_err(|_| D::Error::custom(format!("level {level} is out of range")))?;
            Ok((key, v))
        })
        .collect()
}

// `skip_serializing_if` hands the field by reference.
fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_zero_i32(n: &i32) -> bool {
    *n == 0
}

fn is_zero_i8(n: &i8) -> bool {
    *n == 0
}

fn is_zero_u8(n: &u8) -> bool {
    *n == 0
}

/// Healing for the one who acts, from the damage a run dealt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealSelfStep {
    /// Half of the damage rather than all of it (Vampiric Touch).
    #[serde(default, skip_serializing_if = "is_false")]
    pub half: bool,
    /// Only the damage of this type counts (a vampire's necrotic bite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damage_type: Option<DamageType>,
}

/// An ability contest: the actor's check against the target's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestStep {
    /// The actor's check bonus; absent: the caster's spellcasting modifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus: Option<i32>,
    /// The abilities the target may contest with; it uses its best
    /// ([`crate::automation::Target::checks`]).
    pub against: Vec<Ability>,
    /// What runs when the actor wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub win: Vec<Effect>,
    /// What runs when the actor does not win.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lose: Vec<Effect>,
}

/// Hit points lost without damage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoseHpStep {
    /// The dice.
    pub amount: Amount,
}

/// The figures of an effect others can attack and destroy (webbing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectStats {
    /// Its armor class.
    pub ac: i32,
    /// Its hit points.
    pub hp: u32,
    /// Damage types it is vulnerable to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerabilities: Vec<DamageType>,
    /// Damage types it is immune to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub immunities: Vec<DamageType>,
}

/// An ability score lowered by a roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreLoss {
    /// The ability.
    pub ability: Ability,
    /// How much it falls.
    pub amount: Amount,
}
