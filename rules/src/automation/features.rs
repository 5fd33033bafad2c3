//! The rules of class features that are not automation trees: when Sneak
//! Attack applies, how many attacks an Attack action makes, unarmored AC,
//! Divine Smite's dice against undead, and a character's weapon attack as a
//! tree (the off hand's too, and with a flat bonus such as Rage's), so that
//! a PC's attack runs through the same engine as a monster's.
//!
//! Figures come from the class data ([`crate::content::class`]): the level
//! tables' columns and the combat features' own figures.
//!
//! ```
//! use rules::automation::features;
//! use rules::content;
//! use rules::dice::Advantage;
//! let rapier = content::weapon("Rapier").unwrap();
//! let extra = features::sneak_attack(5, rapier, Advantage::Normal, true, false).unwrap();
//! assert_eq!(extra.dice, "3d6");
//! ```

use crate::content::{
    self, AttackStep, Class, ClassFeature, DamageStep, Effect, ExtraDamage, Grant, HealStep,
    Weapon, WeaponKind, WeaponProperty,
};
use crate::dice::Advantage;
use crate::mechanics::{Ability, AttackKind};

use super::{CastFigures, Context};

/// A combat feature of an SRD class by ids.
fn feature(class: &str, id: &str) -> Option<&'static ClassFeature> {
    content::class(class)?.combat_feature(id)
}

/// The value of a class's level-table column at a level, as dice.
fn column(class: &str, feature_id: &str, level: u8) -> Option<String> {
    let class = content::class(class)?;
    class
        .combat_feature(feature_id)?
        .scales_with
        .as_ref()?
        .dice_at(class, level)
}

/// Why Sneak Attack does not apply to a hit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoSneakAttack {
    /// The level is not a rogue level.
    #[error("rogue level {0} has no sneak attack: rogue levels run from 1 to 20")]
    NotARogueLevel(u8),
    /// It was already dealt this turn.
    #[error("sneak attack is once per turn, and it was already dealt this turn")]
    AlreadyThisTurn,
    /// The weapon is neither finesse nor ranged.
    #[error("sneak attack needs a finesse or a ranged weapon, and the {weapon} is neither")]
    WrongWeapon {
        /// The weapon's name.
        weapon: String,
    },
    /// The attack roll had disadvantage.
    #[error(
        "no sneak attack on an attack roll with disadvantage, even with an ally next to the target"
    )]
    Disadvantage,
    /// Neither advantage nor an ally next to the target.
    #[error(
        "sneak attack needs advantage on the attack roll, or another enemy of the target within \
         5 ft of it that is not incapacitated"
    )]
    NoOpening,
}

/// Sneak Attack's extra damage on a hit by a rogue of `rogue_level` with
/// `weapon`, or why it does not apply. `advantage` is the attack roll's
/// (all sources combined); `ally_within_5ft` means another enemy of the
/// target, not incapacitated, is within 5 ft of it. The damage type is the
/// weapon's.
pub fn sneak_attack(
    rogue_level: u8,
    weapon: &Weapon,
    advantage: Advantage,
    ally_within_5ft: bool,
    already_this_turn: bool,
) -> Result<ExtraDamage, NoSneakAttack> {
    let dice = sneak_attack_dice(rogue_level).ok_or(NoSneakAttack::NotARogueLevel(rogue_level))?;
    if already_this_turn {
        return Err(NoSneakAttack::AlreadyThisTurn);
    }
    if !weapon.has(WeaponProperty::Finesse) && weapon.kind != WeaponKind::Ranged {
        return Err(NoSneakAttack::WrongWeapon {
            weapon: weapon.name.clone(),
        });
    }
    match advantage {
        Advantage::Advantage => {}
        Advantage::Disadvantage => return Err(NoSneakAttack::Disadvantage),
        Advantage::Normal if ally_within_5ft => {}
        Advantage::Normal => return Err(NoSneakAttack::NoOpening),
    }
    Ok(ExtraDamage {
        dice,
        damage_type: weapon.damage.as_ref().map(|d| d.damage_type),
        effects: Vec::new(),
    })
}

/// Sneak Attack's dice at a rogue level, from the level table: "1d6" at 1.
pub fn sneak_attack_dice(rogue_level: u8) -> Option<String> {
    column("rogue", "sneak-attack", rogue_level)
}

/// The attacks one Attack action makes at a class level: 1, or more with
/// Extra Attack (the level table's `extra_attacks` column where the class
/// has one, a fighter's 3 at 11th).
pub fn attacks_per_action(class: &Class, level: u8) -> u32 {
    extra_attacks(class, level).saturating_add(1)
}

/// The attacks an Attack action makes beyond the first at a class level.
pub fn extra_attacks(class: &Class, level: u8) -> u32 {
    let granted = class
        .combat_features_at(level)
        .iter()
        .flat_map(|f| &f.grants)
        .filter_map(|g| match g {
            Grant::ExtraAttacks { count } => Some(*count),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let column = class
        .level(level)
        .and_then(|row| row.count("extra_attacks"))
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0);
    granted.max(column)
}

/// The AC of a character of `class` at `level` wearing no armor, from its
/// Unarmored Defense: `modifier` gives each ability modifier. `None` when
/// the class has no such feature at that level, or a shield voids it (a
/// monk's).
pub fn unarmored_defense(
    class: &Class,
    level: u8,
    modifier: impl Fn(Ability) -> i32,
    shield: bool,
) -> Option<i32> {
    class
        .combat_features_at(level)
        .iter()
        .flat_map(|f| &f.grants)
        .find_map(|g| match g {
            Grant::ArmorClass(formula) => Some(formula),
            _ => None,
        })?
        .ac(modifier, shield)
}

/// Divine Smite's radiant dice for a spell slot: 2d8 at 1st, 1d8 more per
/// slot level up to 5d8, and 1d8 more against an undead or a fiend. `None`
/// for a slot of level 0 or above 9th.
pub fn divine_smite_dice(slot: u8, undead_or_fiend: bool) -> Option<String> {
    if !(1..=9).contains(&slot) {
        return None;
    }
    let smite = feature("paladin", "divine-smite")?;
    let dice = smite.effects.iter().find_map(|e| match e {
        Effect::Damage(d) => Some(d.amount.dice_at(slot, 0).to_string()),
        _ => None,
    })?;
    if !undead_or_fiend {
        return Some(dice);
    }
    let extra = smite
        .figures
        .get("extra_dice_vs_undead_or_fiend")?
        .as_dice()?;
    Some(add_dice(&dice, extra))
}

/// "5d8" + "1d8" = "6d8"; dice of different sizes are joined: "2d8+1d6".
fn add_dice(a: &str, b: &str) -> String {
    let split = |s: &str| -> Option<(u32, String)> {
        let (n, size) = s.split_once('d')?;
        Some((n.parse().ok()?, size.to_string()))
    };
    match (split(a), split(b)) {
        (Some((n, x)), Some((m, y))) if x == y => format!("{}d{x}", n.saturating_add(m)),
        _ => format!("{a}+{b}"),
    }
}

/// Rage's bonus to damage at a barbarian level, from the level table.
pub fn rage_damage(barbarian_level: u8) -> Option<i32> {
    column("barbarian", "rage", barbarian_level)?.parse().ok()
}

/// Rages per long rest at a barbarian level, from the level table.
pub fn rage_count(barbarian_level: u8) -> Option<u32> {
    uses("barbarian", "rage", barbarian_level, 0)
}

/// The Martial Arts die at a monk level, from the level table: "1d4" at 1.
pub fn martial_arts_die(monk_level: u8) -> Option<String> {
    column("monk", "martial-arts", monk_level)
}

/// The Bardic Inspiration die at a bard level: "1d6" at 1, "1d8" at 5.
pub fn bardic_inspiration_die(bard_level: u8) -> Option<String> {
    let bard = content::class("bard")?;
    bard.combat_features_at(bard_level)
        .into_iter()
        .find(|f| f.id.starts_with("bardic-inspiration"))?
        .scales_with
        .as_ref()?
        .dice_at(bard, bard_level)
}

/// How many uses a feature has at a class level, for a character whose
/// modifier in the ability it counts (if any) is `ability_modifier`.
pub fn uses(class: &str, feature_id: &str, level: u8, ability_modifier: i32) -> Option<u32> {
    let class = content::class(class)?;
    let row = class.level(level)?;
    class
        .combat_feature(feature_id)?
        .uses
        .as_ref()?
        .count
        .at(row, ability_modifier)
}

/// The Lay on Hands pool at a paladin level: 5 × level.
pub fn lay_on_hands_pool(paladin_level: u8) -> Option<u32> {
    content::class("paladin")?.level(paladin_level)?;
    Some(feature("paladin", "lay-on-hands")?.pool?.at(paladin_level))
}

/// The tree of one use of Lay on Hands restoring `hit_points` from a pool
/// with `pool_left` points; `None` if the pool holds too few or none are asked.
pub fn lay_on_hands(pool_left: u32, hit_points: u32) -> Option<Vec<Effect>> {
    if hit_points == 0 || hit_points > pool_left {
        return None;
    }
    Some(vec![Effect::Heal(HealStep {
        amount: content::Amount::fixed(hit_points.to_string()),
        shared: false,
    })])
}

/// Whether Turn Undead destroys an undead of challenge rating `cr` that
/// failed its save, at a cleric level (Destroy Undead's column).
pub fn destroys_undead(cleric_level: u8, cr: f64) -> bool {
    content::class("cleric")
        .and_then(|c| c.level(cleric_level))
        .and_then(|row| row.counter("destroy_undead_cr"))
        .and_then(content::Counter::as_f64)
        .is_some_and(|max| max > 0.0 && cr <= max)
}

/// The damage left after Uncanny Dodge halves an attack's (rounded down).
pub fn uncanny_dodge(damage: u32) -> u32 {
    damage / 2
}

/// The damage left after Deflect Missiles: reduced by the d10 rolled + the
/// Dexterity modifier + the monk level, never below 0.
pub fn deflect_missiles(damage: u32, d10: u32, dex_modifier: i32, monk_level: u8) -> u32 {
    let reduction = i64::from(d10) + i64::from(dex_modifier) + i64::from(monk_level);
    u32::try_from((i64::from(damage) - reduction.max(0)).max(0)).unwrap_or(0)
}

/// A feature's save DC: 8 + proficiency bonus + the ability modifier
/// (`ClassFeature::save_dc_ability`).
pub fn save_dc(proficiency_bonus: i32, ability_modifier: i32) -> i32 {
    8_i32
        .saturating_add(proficiency_bonus)
        .saturating_add(ability_modifier)
}

/// The tree of one attack with a character's weapon: an attack roll at
/// `ability_modifier` + the proficiency bonus (if `proficient`), dealing the
/// weapon's dice + `ability_modifier` of its type — the versatile dice when
/// `two_handed` and the weapon is versatile. The net deals no damage: its
/// hit has no effects.
pub fn weapon_attack(
    weapon: &Weapon,
    ability_modifier: i32,
    proficiency_bonus: i32,
    proficient: bool,
    two_handed: bool,
) -> Vec<Effect> {
    let bonus = ability_modifier.saturating_add(if proficient { proficiency_bonus } else { 0 });
    let hit = weapon
        .damage
        .as_ref()
        .map(|damage| {
            let dice = match (&weapon.versatile_damage, two_handed) {
                (Some(versatile), true) => versatile.as_str(),
                _ => damage.dice.as_str(),
            };
            let dice = match ability_modifier {
                0 => dice.to_string(),
                m if m > 0 => format!("{dice}+{m}"),
                m => format!("{dice}-{}", m.unsigned_abs()),
            };
            Effect::Damage(DamageStep {
                amount: content::Amount::fixed(dice),
                damage_type: Some(damage.damage_type),
                half: false,
                note: None,
                max_against: Vec::new(),
                leaves_one: false,
            })
        })
        .into_iter()
        .collect();
    vec![Effect::Attack(AttackStep {
        bonus: Some(bonus),
        hit,
        miss: Vec::new(),
        advantage_against: Vec::new(),
        crit_dice: None,
        advantage_if: Vec::new(),
        auto_hit_if: Vec::new(),
        advantage_if_effect: None,
        note: None,
        auto_hit_if_effect: None,
        advantage_if_tag: None,
    })]
}

/// The tree of two-weapon fighting's bonus attack with a light melee
/// `weapon` in the other hand: the attack roll of [`weapon_attack`], but
/// the ability modifier is added to the damage only when it is negative.
pub fn off_hand_attack(
    weapon: &Weapon,
    ability_modifier: i32,
    proficiency_bonus: i32,
    proficient: bool,
) -> Vec<Effect> {
    let mut tree = weapon_attack(
        weapon,
        ability_modifier,
        proficiency_bonus,
        proficient,
        false,
    );
    if ability_modifier > 0 {
        add_flat_damage(&mut tree, -ability_modifier);
    }
    tree
}

/// Adds `bonus` (negative: takes it away) to the first damage of every
/// attack roll's hit in a tree, so it is part of the weapon's damage (Rage's
/// bonus; never doubled on a critical hit, since it is no die).
pub fn add_flat_damage(tree: &mut [Effect], bonus: i32) {
    if bonus == 0 {
        return;
    }
    for effect in tree {
        let Effect::Attack(step) = effect else {
            continue;
        };
        if let Some(Effect::Damage(d)) =
            step.hit.iter_mut().find(|e| matches!(e, Effect::Damage(_)))
        {
            d.amount.dice = simplify(&format!("{}{bonus:+}", d.amount.dice));
        }
    }
}

/// "1d6+3-3" → "1d6"; other texts unchanged.
fn simplify(dice: &str) -> String {
    let mut total: i64 = 0;
    let mut rest = dice;
    while let Some(at) = rest.rfind(['+', '-']) {
        let Ok(n) = rest[at + 1..].parse::<i64>() else {
            break;
        };
        total += if rest.as_bytes()[at] == b'+' { n } else { -n };
        rest = &rest[..at];
    }
    match total {
        0 => rest.to_string(),
        t if t > 0 => format!("{rest}+{t}"),
        t => format!("{rest}-{}", t.unsigned_abs()),
    }
}

/// [`weapon_attack`] under the wielder's `modifiers`: with a weapon its
/// [`crate::content::WeaponDie`] names (Shillelagh), the die changes and the
/// better of `ability_modifier` and `spellcasting_modifier` counts for the
/// attack and the damage. Otherwise the same as [`weapon_attack`].
pub fn empowered_weapon_attack(
    weapon: &Weapon,
    modifiers: &content::Modifiers,
    ability_modifier: i32,
    spellcasting_modifier: i32,
    proficiency_bonus: i32,
    proficient: bool,
) -> Vec<Effect> {
    let Some(die) = modifiers
        .weapon_die
        .as_ref()
        .filter(|d| d.applies_to(&weapon.name))
    else {
        return weapon_attack(
            weapon,
            ability_modifier,
            proficiency_bonus,
            proficient,
            false,
        );
    };
    let mut changed = weapon.clone();
    if let Some(damage) = &mut changed.damage {
        damage.dice.clone_from(&die.dice);
    }
    changed.versatile_damage = None;
    let modifier = if die.spellcasting {
        ability_modifier.max(spellcasting_modifier)
    } else {
        ability_modifier
    };
    weapon_attack(&changed, modifier, proficiency_bonus, proficient, false)
}

/// The run of a weapon attack by a character of class `level` (which Second
/// Wind's and Deflect Missiles' amounts add): melee or ranged by the weapon,
/// a weapon attack (for Rage's and Divine Favor's extra damage), and the
/// weapon's damage type for riders that leave it open (Sneak Attack). Set
/// the actor's conditions, modifiers and advantage before [`super::run`].
pub fn weapon_context(weapon: &Weapon, level: u8) -> Context {
    Context {
        name: weapon.name.clone(),
        figures: CastFigures {
            level,
            chosen_type: weapon.damage.as_ref().map(|d| d.damage_type),
            ..CastFigures::default()
        },
        attack_kind: match weapon.kind {
            WeaponKind::Melee => AttackKind::Melee,
            WeaponKind::Ranged => AttackKind::Ranged,
        },
        weapon: true,
        ..Context::default()
    }
}

/// Adds an `on_hit` feature's effects (Sneak Attack's dice, Divine Smite,
/// Stunning Strike) to the hit of every attack roll of a tree, so they are
/// rolled per hit and doubled on a critical hit.
pub fn add_on_hit(tree: &mut [Effect], effects: &[Effect]) {
    for effect in tree {
        if let Effect::Attack(step) = effect {
            step.hit.extend(effects.iter().cloned());
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn weapon(name: &str) -> &'static Weapon {
        content::weapon(name).unwrap()
    }

    #[test]
    fn sneak_attack_reasons() {
        let dagger = weapon("Dagger");
        assert_eq!(
            sneak_attack(0, dagger, Advantage::Advantage, false, false),
            Err(NoSneakAttack::NotARogueLevel(0))
        );
        assert_eq!(
            sneak_attack(3, dagger, Advantage::Normal, false, false),
            Err(NoSneakAttack::NoOpening)
        );
        let bow = sneak_attack(3, weapon("Shortbow"), Advantage::Advantage, false, false).unwrap();
        assert_eq!(bow.dice, "2d6");
        assert_eq!(
            bow.damage_type,
            Some(crate::mechanics::DamageType::Piercing)
        );
        // A thrown handaxe is still a melee weapon, and not a finesse one.
        assert!(matches!(
            sneak_attack(3, weapon("Handaxe"), Advantage::Advantage, true, false),
            Err(NoSneakAttack::WrongWeapon { .. })
        ));
    }

    #[test]
    fn extra_attacks_by_class() {
        let fighter = content::class("fighter").unwrap();
        assert_eq!(attacks_per_action(fighter, 11), 3);
        assert_eq!(attacks_per_action(fighter, 20), 4);
        for class in ["barbarian", "monk", "paladin", "ranger"] {
            let c = content::class(class).unwrap();
            assert_eq!(attacks_per_action(c, 4), 1, "{class}");
            assert_eq!(attacks_per_action(c, 5), 2, "{class}");
        }
        for class in ["rogue", "wizard", "cleric", "bard"] {
            assert_eq!(
                attacks_per_action(content::class(class).unwrap(), 5),
                1,
                "{class}"
            );
        }
    }

    #[test]
    fn unarmored_defense_formulas() {
        let mods = |a: Ability| match a {
            Ability::Dexterity => 3,
            Ability::Constitution => 2,
            Ability::Wisdom => 4,
            _ => 0,
        };
        let barbarian = content::class("barbarian").unwrap();
        let monk = content::class("monk").unwrap();
        assert_eq!(unarmored_defense(barbarian, 1, mods, false), Some(15));
        assert_eq!(unarmored_defense(barbarian, 1, mods, true), Some(17));
        assert_eq!(unarmored_defense(monk, 1, mods, false), Some(17));
        assert_eq!(unarmored_defense(monk, 1, mods, true), None);
        assert_eq!(
            unarmored_defense(content::class("fighter").unwrap(), 5, mods, false),
            None
        );
    }

    #[test]
    fn small_rules() {
        assert_eq!(add_dice("5d8", "1d8"), "6d8");
        assert_eq!(add_dice("2d8", "1d6"), "2d8+1d6");
        assert_eq!(uncanny_dodge(17), 8);
        assert_eq!(deflect_missiles(20, 6, 3, 3), 8);
        assert_eq!(deflect_missiles(5, 6, 3, 3), 0);
        assert_eq!(save_dc(3, 3), 14);
        assert_eq!(lay_on_hands_pool(3), Some(15));
        assert_eq!(lay_on_hands_pool(0), None);
        assert!(lay_on_hands(5, 6).is_none());
        assert!(lay_on_hands(5, 0).is_none());
        assert_eq!(lay_on_hands(15, 6).unwrap().len(), 1);
        assert!(!destroys_undead(4, 0.25));
        assert!(destroys_undead(5, 0.5));
        assert!(!destroys_undead(5, 1.0));
        assert_eq!(bardic_inspiration_die(1).as_deref(), Some("1d6"));
        assert_eq!(bardic_inspiration_die(5).as_deref(), Some("1d8"));
        assert_eq!(uses("bard", "bardic-inspiration-d6", 1, -1), Some(1));
        assert_eq!(uses("paladin", "divine-sense", 1, 3), Some(4));
        assert_eq!(uses("monk", "ki", 5, 0), Some(5));
        assert_eq!(uses("warlock", "pact-magic", 5, 0), Some(2));
    }

    fn hit_dice(tree: &[Effect]) -> String {
        let Effect::Attack(step) = &tree[0] else {
            panic!("an attack")
        };
        let Effect::Damage(d) = &step.hit[0] else {
            panic!("damage")
        };
        d.amount.dice.clone()
    }

    #[test]
    fn off_hand_attacks_and_flat_damage() {
        let dagger = weapon("Dagger");
        let tree = off_hand_attack(dagger, 3, 2, true);
        let Effect::Attack(step) = &tree[0] else {
            panic!("an attack")
        };
        assert_eq!(step.bonus, Some(5), "the attack keeps the modifier");
        assert_eq!(hit_dice(&tree), "1d4", "the damage drops a positive one");
        assert_eq!(hit_dice(&off_hand_attack(dagger, -1, 2, true)), "1d4-1");
        let mut axe = weapon_attack(weapon("Greataxe"), 3, 2, true, false);
        add_flat_damage(&mut axe, 2);
        assert_eq!(hit_dice(&axe), "1d12+5");
        assert_eq!(simplify("2d6-1+3"), "2d6+2");
    }

    #[test]
    fn weapon_attack_with_negative_modifier_and_net() {
        let tree = weapon_attack(weapon("Club"), -1, 2, false, false);
        let Effect::Attack(step) = &tree[0] else {
            panic!("an attack")
        };
        assert_eq!(step.bonus, Some(-1));
        let Effect::Damage(d) = &step.hit[0] else {
            panic!("damage")
        };
        assert_eq!(d.amount.dice, "1d4-1");
        let net = weapon_attack(weapon("Net"), 2, 2, true, false);
        let Effect::Attack(step) = &net[0] else {
            panic!("an attack")
        };
        assert!(step.hit.is_empty());
    }
}
