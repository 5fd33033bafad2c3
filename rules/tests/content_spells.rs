//! The embedded SRD spells: they load, their figures match the SRD, every
//! dice string parses, and automation coverage stays above a floor.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::{BTreeMap, HashSet};

use rules::content::{
    self, AutomationLevel, CastingKind, DurationKind, OnSuccess, RangeKind, School, Shape, Spell,
    SpellAttack,
};
use rules::dice;
use rules::mechanics::{Ability, Condition, DamageType, SpellLevel};

fn spell(id: &str) -> &'static Spell {
    content::spell(id).unwrap_or_else(|| panic!("no spell {id}"))
}

fn slot(level: u8) -> SpellLevel {
    SpellLevel::new(level).unwrap()
}

#[test]
fn all_319_spells_load_with_unique_ids() {
    let all = content::spells();
    assert_eq!(all.len(), 319);
    let ids: HashSet<&str> = all.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "duplicate ids");
    assert!(
        all.windows(2).all(|w| w[0].id < w[1].id),
        "not sorted by id"
    );
    for s in all {
        assert!(s.level <= 9, "{}: level {}", s.id, s.level);
        assert!(!s.classes.is_empty(), "{}: no class", s.id);
    }
}

#[test]
fn the_schema_keeps_every_field_the_generator_writes() {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../content/spells.json")).unwrap();
    let ours = serde_json::to_value(content::spells()).unwrap();
    assert!(file == ours, "spells.json and the Rust schema disagree");
}

#[test]
fn lookup_by_id_or_name_ignores_case_and_separators() {
    for key in ["Cure Wounds", "cure-wounds", "CURE WOUNDS"] {
        assert_eq!(spell(key).id, "cure-wounds");
    }
    assert!(content::spell("wish-lite").is_none());
}

#[test]
fn fireball() {
    let s = spell("fireball");
    assert_eq!((s.level, s.school), (3, School::Evocation));
    assert_eq!(s.slot_level(), Some(slot(3)));
    assert_eq!(
        (s.casting_time.kind, s.casting_time.amount),
        (CastingKind::Action, 1)
    );
    assert_eq!((s.range.kind, s.range.amount), (RangeKind::Feet, Some(150)));
    let area = s.area.unwrap();
    assert_eq!((area.shape, area.size_ft), (Shape::Sphere, 20));
    assert_eq!(s.duration.kind, DurationKind::Instantaneous);
    assert!(!s.concentration && !s.ritual);
    assert!(s.components.verbal && s.components.somatic && s.components.material);
    let save = s.save.unwrap();
    assert_eq!(
        (save.ability, save.on_success),
        (Ability::Dexterity, Some(OnSuccess::Half))
    );
    assert_eq!(s.attack, None);
    let damage = s.damage.as_ref().unwrap();
    assert_eq!(damage.damage_type, Some(DamageType::Fire));
    assert!(!damage.add_modifier);
    let expected: BTreeMap<SpellLevel, String> = (3..=9)
        .map(|level| (slot(level), format!("{}d6", level + 5)))
        .collect();
    assert_eq!(damage.by_slot_level, expected);
    assert!(damage.by_character_level.is_empty());
    assert_eq!(s.automation.level, AutomationLevel::Full);
}

#[test]
fn cure_wounds_heals_dice_plus_the_modifier_per_slot() {
    let s = spell("cure-wounds");
    assert_eq!(s.level, 1);
    assert_eq!(s.range.kind, RangeKind::Touch);
    let healing = s.healing.as_ref().unwrap();
    assert!(healing.add_modifier);
    let expected: BTreeMap<SpellLevel, String> = (1..=9)
        .map(|level| (slot(level), format!("{level}d8")))
        .collect();
    assert_eq!(healing.by_slot_level, expected);
    assert_eq!(s.damage, None);
    assert_eq!(s.automation.level, AutomationLevel::Full);
}

#[test]
fn fire_bolt_scales_with_character_level() {
    let s = spell("fire-bolt");
    assert!(s.is_cantrip());
    assert_eq!(s.slot_level(), None);
    assert_eq!(s.attack, Some(SpellAttack::Ranged));
    assert_eq!(s.save, None);
    let damage = s.damage.as_ref().unwrap();
    assert_eq!(damage.damage_type, Some(DamageType::Fire));
    assert!(damage.by_slot_level.is_empty());
    let expected: BTreeMap<u8, String> = [(1, "1d10"), (5, "2d10"), (11, "3d10"), (17, "4d10")]
        .into_iter()
        .map(|(level, dice)| (level, dice.to_owned()))
        .collect();
    assert_eq!(damage.by_character_level, expected);
    for (level, dice) in [
        (1, "1d10"),
        (4, "1d10"),
        (5, "2d10"),
        (16, "3d10"),
        (20, "4d10"),
    ] {
        assert_eq!(
            damage.at_character_level(level),
            Some(dice),
            "level {level}"
        );
    }
    assert_eq!(s.automation.level, AutomationLevel::Full);
}

#[test]
fn bless_needs_concentration() {
    let s = spell("bless");
    assert!(s.concentration);
    assert_eq!(
        (s.duration.kind, s.duration.amount),
        (DurationKind::Minute, Some(1))
    );
    // Its d4 on attacks and saves is a buff the figures do not model yet.
    assert_eq!(s.automation.level, AutomationLevel::Listed);
}

#[test]
fn shield_is_a_reaction() {
    let s = spell("shield");
    assert_eq!(
        (s.casting_time.kind, s.casting_time.amount),
        (CastingKind::Reaction, 1)
    );
    assert_eq!(s.range.kind, RangeKind::Caster);
    assert_eq!(
        (s.duration.kind, s.duration.amount),
        (DurationKind::Round, Some(1))
    );
}

#[test]
fn hold_person_paralyzes_on_a_failed_wisdom_save() {
    let s = spell("hold-person");
    assert!(s.concentration);
    let save = s.save.unwrap();
    assert_eq!(
        (save.ability, save.on_success),
        (Ability::Wisdom, Some(OnSuccess::Negated))
    );
    assert_eq!(s.conditions, [Condition::Paralyzed]);
    // The repeated save at the end of each of the target's turns is not
    // structured, so the spell is only partly automated.
    assert_eq!(s.automation.level, AutomationLevel::Partial);
    assert_eq!(s.automation.missing, ["effect on later turns"]);
}

#[test]
fn every_dice_string_parses_and_scales_from_the_spell_level() {
    let check = |who: &str, text: &str| {
        if let Err(err) = dice::parse(text) {
            panic!("{who}: {text:?} does not parse: {err}");
        }
    };
    for s in content::spells() {
        if let Some(damage) = &s.damage {
            assert!(
                damage.by_slot_level.is_empty() != damage.by_character_level.is_empty(),
                "{}: damage needs exactly one table",
                s.id
            );
            for (level, text) in &damage.by_slot_level {
                assert!(level.get() >= s.level, "{}: slot {level}", s.id);
                check(&s.id, text);
            }
            for (level, text) in &damage.by_character_level {
                assert!(s.is_cantrip() && (1..=20).contains(level), "{}", s.id);
                check(&s.id, text);
            }
        }
        if let Some(healing) = &s.healing {
            assert!(!healing.by_slot_level.is_empty(), "{}", s.id);
            for (level, text) in &healing.by_slot_level {
                assert!(level.get() >= s.level, "{}: slot {level}", s.id);
                check(&s.id, text);
            }
        }
    }
}

#[test]
fn concentration_spells_last_a_while() {
    for s in content::spells().iter().filter(|s| s.concentration) {
        assert!(
            s.duration.amount.is_some(),
            "{}: concentration with {:?}",
            s.id,
            s.duration.kind
        );
    }
}

#[test]
fn automation_is_explained_and_above_the_floor() {
    let mut levels: BTreeMap<AutomationLevel, usize> = BTreeMap::new();
    let mut with_damage = 0;
    let mut full_damage = 0;
    for s in content::spells() {
        let automation = &s.automation;
        *levels.entry(automation.level).or_default() += 1;
        let full = automation.level == AutomationLevel::Full;
        assert_eq!(full, automation.missing.is_empty(), "{}", s.id);
        if full {
            // Full means the figures say how it lands (attack or save, or a
            // heal that needs neither) and what it does.
            let delivered = s.attack.is_some() || s.save.is_some() || s.healing.is_some();
            let effect = s.damage.is_some() || s.healing.is_some() || !s.conditions.is_empty();
            assert!(delivered && effect, "{}: full without figures", s.id);
        }
        if automation.level == AutomationLevel::Listed {
            let structured = s.attack.is_some()
                || s.save.is_some()
                || s.damage.is_some()
                || s.healing.is_some()
                || !s.conditions.is_empty();
            assert!(!structured, "{}: listed but has figures", s.id);
        }
        if s.damage.is_some() {
            with_damage += 1;
            full_damage += usize::from(full);
        }
    }
    let count = |level| levels.get(&level).copied().unwrap_or(0);
    println!(
        "spells: {} full, {} partial, {} listed; damage spells {full_damage}/{with_damage} full",
        count(AutomationLevel::Full),
        count(AutomationLevel::Partial),
        count(AutomationLevel::Listed),
    );
    // The floor is the coverage when the generator was written (44 full,
    // 94 partial, 181 listed; 27 of 65 damage spells full), a little below
    // it: a generator change that loses structure fails here instead of
    // silently lowering coverage. Raise it when coverage grows. "Full" is
    // strict (riders, repeated saves and effects on later turns make a
    // spell partial), so the floor is low by design, not by neglect.
    assert!(count(AutomationLevel::Full) >= 40, "{levels:?}");
    assert!(
        count(AutomationLevel::Full) + count(AutomationLevel::Partial) >= 130,
        "{levels:?}"
    );
    assert!(full_damage >= 25, "{full_damage} of {with_damage}");
}
