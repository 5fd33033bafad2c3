//! The embedded SRD spells: they load, their figures match the SRD, every
//! dice string parses, and automation coverage stays above a floor.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::{BTreeMap, HashSet};

use rules::content::{
    self, AutomationLevel, CastingKind, DurationKind, Effect, Lasting, OnSuccess, RangeKind,
    School, Shape, Spell, SpellAttack, Targeting, TurnPoint, UsedBy,
};
use rules::dice;
use rules::mechanics::{Ability, Condition, DamageType, SpellLevel};

fn spell(id: &str) -> &'static Spell {
    content::spell(id).unwrap_or_else(|| panic!("no spell {id}"))
}

fn slot(level: u8) -> SpellLevel {
    SpellLevel::new(level).unwrap()
}

/// Full: the tree carries every combat figure.
fn assert_full(s: &Spell) {
    assert_eq!(
        s.automation.level,
        AutomationLevel::Full,
        "{}: {:?}",
        s.id,
        s.automation.missing
    );
    assert!(s.automation.missing.is_empty(), "{}", s.id);
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
    assert_full(s);
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
    assert_full(s);
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
    assert_full(s);
}

#[test]
fn bless_needs_concentration() {
    let s = spell("bless");
    assert!(s.concentration);
    assert_eq!(
        (s.duration.kind, s.duration.amount),
        (DurationKind::Minute, Some(1))
    );
    // Its d4 on attacks and saves is in the tree: a combat spell, fully automated.
    assert!(s.combat);
    assert_eq!(s.automation.level, AutomationLevel::Full);
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
    // The repeated save at the end of each of the target's turns is in the tree.
    assert_eq!(s.automation.level, AutomationLevel::Full);
    assert!(s.automation.missing.is_empty());
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
            // Full means the tree says what it does.
            assert!(!s.effects.is_empty(), "{}: full without a tree", s.id);
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
    let combat: Vec<&Spell> = content::spells().iter().filter(|s| s.combat).collect();
    let combat_full = combat
        .iter()
        .filter(|s| s.automation.level == AutomationLevel::Full)
        .count();
    println!("combat spells: {combat_full}/{} full", combat.len());
    // The floor is a little below the coverage once choices, hit point
    // pools, thresholds, granted attacks, removal, behaviours, random
    // tables, action economy limits, follow-up effects and saves on damage
    // were in the schema (99 full; 95 of 162 combat spells full): a
    // generator change that loses
    // structure fails here instead of silently lowering coverage. Raise it
    // when coverage grows. "Full" is strict (every combat
    // figure of the spell is in its tree), so the floor is low by design.
    assert!(count(AutomationLevel::Full) >= 150, "{levels:?}");
    assert!(
        count(AutomationLevel::Full) + count(AutomationLevel::Partial) >= 170,
        "{levels:?}"
    );
    assert!(combat_full >= 146, "{combat_full} of {}", combat.len());
    assert!(full_damage >= 10, "{full_damage} of {with_damage}");
}

// ---------------------------------------------------------------------------
// The automation tree (`targeting`, `effects`, `combat`).
// ---------------------------------------------------------------------------

/// Every step of a tree, depth first, including the effects an ongoing
/// effect runs on later turns.
fn steps(tree: &[Effect]) -> Vec<&Effect> {
    let mut out = Vec::new();
    for effect in tree {
        out.push(effect);
        match effect {
            Effect::Attack(a) => {
                out.extend(steps(&a.hit));
                out.extend(steps(&a.miss));
            }
            Effect::Save(s) => {
                out.extend(steps(&s.fail));
                out.extend(steps(&s.success));
                out.extend(steps(&s.fail_by_5));
            }
            Effect::Split(s) => out.extend(steps(&s.each)),
            Effect::Only(o) => out.extend(steps(&o.then)),
            Effect::Pool(p) => out.extend(steps(&p.then)),
            Effect::Choice(c) => {
                for o in &c.options {
                    out.extend(steps(&o.effects));
                }
            }
            Effect::Remove(_)
            | Effect::Revive(_)
            | Effect::Stabilize
            | Effect::Push(_)
            | Effect::BreakConcentration => {}
            Effect::Kill | Effect::HealSelf(_) | Effect::LoseHp(_) => {}
            Effect::Contest(c) => {
                out.extend(steps(&c.win));
                out.extend(steps(&c.lose));
            }
            Effect::Apply(a) => {
                if let Some(turn) = &a.effect.each_turn {
                    out.extend(steps(&turn.effects));
                }
                if let Some(hit) = &a.effect.when_hit {
                    out.extend(steps(&hit.effects));
                }
                if let Some(moved) = &a.effect.on_move {
                    out.extend(steps(&moved.effects));
                }
            }
            Effect::Damage(_) | Effect::Heal(_) | Effect::TempHp(_) => {}
            Effect::Table(t) => {
                for row in &t.rows {
                    out.extend(steps(&row.effects));
                }
            }
            Effect::Drop => {}
        }
    }
    out
}

/// The first list of sibling effects that deals damage, depth first (the
/// hit of an attack, the failure of a save, each missile of a split), with
/// the split's count when the damage is per missile.
fn first_damage(tree: &[Effect]) -> Option<(Vec<&content::DamageStep>, Option<&content::Count>)> {
    let here: Vec<&content::DamageStep> = tree
        .iter()
        .filter_map(|e| match e {
            Effect::Damage(d) => Some(d),
            _ => None,
        })
        .collect();
    if !here.is_empty() {
        return Some((here, None));
    }
    for effect in tree {
        let found = match effect {
            Effect::Attack(a) => first_damage(&a.hit),
            Effect::Save(s) => first_damage(&s.fail),
            Effect::Split(s) => first_damage(&s.each).map(|(d, _)| (d, Some(&s.count))),
            Effect::Apply(a) => a
                .effect
                .each_turn
                .as_ref()
                .and_then(|t| first_damage(&t.effects)),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn ongoing_effects(tree: &[Effect]) -> Vec<&content::ApplyStep> {
    steps(tree)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Apply(a) => Some(a),
            _ => None,
        })
        .collect()
}

#[test]
fn every_attack_and_save_in_the_flat_figures_is_in_the_tree() {
    for s in content::spells() {
        let all = steps(&s.effects);
        if s.attack.is_some() {
            assert!(
                all.iter().any(|e| matches!(e, Effect::Attack(_))),
                "{}: an attack but no attack step",
                s.id
            );
        }
        // Dispel Evil and Good's save is its later dismissal, made by the
        // dismissed creature, not by the caster it targets.
        if let Some(save) = s.save.filter(|_| s.id != "dispel-evil-and-good") {
            let in_tree = all.iter().any(|e| match e {
                Effect::Save(step) => step.ability == save.ability,
                Effect::Apply(a) => a
                    .effect
                    .save_ends
                    .is_some_and(|ends| ends.ability == save.ability),
                _ => false,
            });
            assert!(in_tree, "{}: no {:?} save in the tree", s.id, save.ability);
        }
    }
}

/// The damage of the first damaging branch of the tree, at every slot (or
/// character level), is the flat table's: "4d6+4d6" for Flame Strike is its
/// fire and radiant steps, Magic Missile's "3d4+3" is three darts of "1d4+1".
#[test]
fn the_trees_damage_dice_are_the_flat_tables() {
    let mut compared = 0;
    for s in content::spells() {
        let (Some(flat), Some((steps, split))) = (&s.damage, first_damage(&s.effects)) else {
            continue;
        };
        let levels: Vec<(u8, u8)> = if s.is_cantrip() {
            (1..=20).map(|l| (0, l)).collect()
        } else {
            (s.level..=9).map(|slot| (slot, 5)).collect()
        };
        for (at_slot, at_level) in levels {
            let expected = if s.is_cantrip() {
                flat.at_character_level(at_level).unwrap().to_owned()
            } else {
                flat.by_slot_level
                    .range(..=slot(at_slot))
                    .next_back()
                    .unwrap()
                    .1
                    .clone()
            };
            let tree: Vec<&str> = steps
                .iter()
                .map(|d| d.amount.dice_at(at_slot, at_level))
                .collect();
            let mut got = tree.join("+");
            if s.id == "magic-missile" {
                // The flat table is all the darts together.
                let darts = split.unwrap().at(s.level, at_slot, at_level);
                let (dice, bonus) = got.split_once('+').unwrap();
                let (n, die) = dice.split_once('d').unwrap();
                let (n, bonus): (u32, u32) = (n.parse().unwrap(), bonus.parse().unwrap());
                got = format!("{}d{die}+{}", n * darts, bonus * darts);
            }
            let base = if s.is_cantrip() {
                at_level == 1
            } else {
                at_slot == s.level
            };
            assert_eq!(
                got, expected,
                "{} at slot {at_slot}, level {at_level} (base level: {base}): the tree and the table disagree",
                s.id
            );
            compared += 1;
        }
        if let ([one], Some(table)) = (&steps[..], flat.damage_type) {
            assert_eq!(one.damage_type, Some(table), "{}", s.id);
        }
    }
    assert!(compared > 400, "{compared}");
}

#[test]
fn every_combat_spell_and_every_full_spell_has_a_tree() {
    let mut combat = 0;
    for s in content::spells() {
        if s.combat {
            combat += 1;
            assert!(!s.effects.is_empty(), "{}: combat without a tree", s.id);
            assert_ne!(s.automation.level, AutomationLevel::Listed, "{}", s.id);
        }
        if s.automation.level == AutomationLevel::Full {
            assert!(!s.effects.is_empty(), "{}: full without a tree", s.id);
        }
        // Damage, healing or a save-or-attack with conditions is combat,
        // unless the generator says why not (a nightmare, a ward, a scrying).
        let heals = s.healing.is_some()
            || steps(&s.effects)
                .iter()
                .any(|e| matches!(e, Effect::TempHp(_)));
        if heals || s.attack.is_some() {
            assert!(s.combat, "{}: heals or attacks but is not combat", s.id);
        }
    }
    assert!(combat >= 150, "{combat} combat spells");
    // Buffs once filed as "utility effect" are combat spells with a tree.
    for id in [
        "bless",
        "shield",
        "haste",
        "mage-armor",
        "bane",
        "faerie-fire",
        "guidance",
        "heroism",
    ] {
        assert!(spell(id).combat, "{id}");
    }
    for id in [
        "alarm",
        "comprehend-languages",
        "find-familiar",
        "identify",
        "scrying",
    ] {
        assert!(!spell(id).combat, "{id}");
    }
}

fn creatures(s: &Spell) -> &content::Count {
    match &s.targeting {
        Targeting::Creatures { count } => count,
        other => panic!("{}: {other:?}", s.id),
    }
}

#[test]
fn target_counts_grow_with_the_slot() {
    let hold = spell("hold-person");
    let count = creatures(hold);
    assert_eq!((count.base, count.per_slot_above), (1, 1));
    assert_eq!([2, 3, 9].map(|slot| count.at(2, slot, 5)), [1, 2, 8]);
    let bless = spell("bless");
    let count = creatures(bless);
    assert_eq!((count.base, count.per_slot_above), (3, 1));
    assert_eq!([1, 2, 4].map(|slot| count.at(1, slot, 5)), [3, 4, 6]);
    assert_eq!(creatures(spell("chain-lightning")).at(6, 8, 15), 6);
    assert_eq!(creatures(spell("mass-cure-wounds")).at(5, 9, 15), 6);
    assert_eq!(spell("fireball").targeting, Targeting::Area);
    assert_eq!(spell("shield").targeting, Targeting::Caster);
    assert_eq!(spell("magic-missile").targeting, Targeting::Split);
}

fn the_split(s: &Spell) -> &content::SplitStep {
    match &s.effects[..] {
        [Effect::Split(split)] => split,
        other => panic!("{}: {other:?}", s.id),
    }
}

#[test]
fn magic_missile_fires_three_darts_and_one_more_per_slot() {
    let s = spell("magic-missile");
    let split = the_split(s);
    assert_eq!([1, 3].map(|slot| split.count.at(1, slot, 5)), [3, 5]);
    let [Effect::Damage(dart)] = &split.each[..] else {
        panic!("{:?}", split.each)
    };
    assert_eq!(
        (dart.amount.dice.as_str(), dart.damage_type),
        ("1d4+1", Some(DamageType::Force))
    );
    assert_eq!(s.automation.level, AutomationLevel::Full);
    let rays = the_split(spell("scorching-ray"));
    assert_eq!([2, 4].map(|slot| rays.count.at(2, slot, 5)), [3, 5]);
    assert!(matches!(&rays.each[..], [Effect::Attack(_)]));
}

#[test]
fn eldritch_blast_fires_more_beams_at_levels_5_11_and_17() {
    let s = spell("eldritch-blast");
    let split = the_split(s);
    let [Effect::Attack(beam)] = &split.each[..] else {
        panic!("{:?}", split.each)
    };
    let [Effect::Damage(hit)] = &beam.hit[..] else {
        panic!("{:?}", beam.hit)
    };
    assert_eq!(
        (hit.amount.dice.as_str(), hit.damage_type),
        ("1d10", Some(DamageType::Force))
    );
    assert_eq!(split.count.base, 1);
    let beams = [1, 4, 5, 10, 11, 16, 17, 20].map(|level| split.count.at(0, 0, level));
    assert_eq!(beams, [1, 1, 2, 2, 3, 3, 4, 4]);
    assert_full(s);
}

#[test]
fn shield_adds_5_to_ac_until_the_start_of_the_casters_next_turn() {
    let s = spell("shield");
    let [Effect::Apply(apply)] = &s.effects[..] else {
        panic!("{:?}", s.effects)
    };
    assert!(apply.on_self);
    assert_eq!(apply.effect.modifiers.ac, 5);
    assert_eq!(apply.effect.duration, Some(Lasting::StartOfSourceTurn));
    assert!(s.combat);
    assert_eq!(apply.effect.immunity_to.as_deref(), Some("Magic Missile"));
    assert_full(s);
}

#[test]
fn fireball_deals_half_on_a_successful_dexterity_save() {
    let s = spell("fireball");
    let [Effect::Save(save)] = &s.effects[..] else {
        panic!("{:?}", s.effects)
    };
    assert_eq!(save.ability, Ability::Dexterity);
    assert_eq!(save.dc, None, "the caster's DC");
    let ([Effect::Damage(fail)], [Effect::Damage(success)]) = (&save.fail[..], &save.success[..])
    else {
        panic!("{save:?}")
    };
    assert!(!fail.half && success.half);
    assert_eq!(fail.amount, success.amount);
    assert_eq!(
        (fail.amount.dice.as_str(), fail.damage_type),
        ("8d6", Some(DamageType::Fire))
    );
    assert_eq!(fail.amount.dice_at(3, 5), "8d6");
    assert_eq!(fail.amount.dice_at(5, 5), "10d6");
}

#[test]
fn hold_person_paralyzes_until_a_wisdom_save_at_the_end_of_a_turn() {
    let s = spell("hold-person");
    let [Effect::Only(humanoids)] = &s.effects[..] else {
        panic!("{:?}", s.effects)
    };
    assert_eq!(humanoids.types, ["humanoid"]);
    let [Effect::Save(save)] = &humanoids.then[..] else {
        panic!("{humanoids:?}")
    };
    assert_eq!(save.ability, Ability::Wisdom);
    let [Effect::Apply(apply)] = &save.fail[..] else {
        panic!("{save:?}")
    };
    let held = &apply.effect;
    assert_eq!(held.name, "Hold Person");
    assert_eq!(held.conditions, [Condition::Paralyzed]);
    assert_eq!(held.duration, Some(Lasting::Rounds { rounds: 10 }));
    let ends = held.save_ends.unwrap();
    assert_eq!((ends.ability, ends.when), (Ability::Wisdom, TurnPoint::End));
    assert!(save.success.is_empty());
}

#[test]
fn buffs_and_debuffs_carry_their_figures() {
    let only = |id: &str| -> &'static content::Ongoing {
        match &ongoing_effects(&spell(id).effects)[..] {
            [apply] => &apply.effect,
            other => panic!("{id}: {other:?}"),
        }
    };
    let bless = only("bless");
    assert_eq!(
        (
            bless.modifiers.attack_dice.as_deref(),
            bless.modifiers.save_dice.as_deref()
        ),
        (Some("1d4"), Some("1d4"))
    );
    assert_eq!(bless.duration, Some(Lasting::Rounds { rounds: 10 }));
    assert_eq!(only("bane").modifiers.attack_dice.as_deref(), Some("-1d4"));
    assert_eq!(only("shield-of-faith").modifiers.ac, 2);
    assert_eq!(only("mage-armor").modifiers.ac_base, Some(13));
    assert_eq!(
        only("mage-armor").duration,
        Some(Lasting::Rounds { rounds: 4800 })
    );
    assert_eq!(only("barkskin").modifiers.ac_floor, Some(16));
    assert_eq!(only("blur").modifiers.attacked, -1);
    assert_eq!(only("faerie-fire").modifiers.attacked, 1);
    let haste = only("haste");
    assert_eq!(
        (haste.modifiers.ac, haste.modifiers.speed_halves),
        (2, Some(4))
    );
    let slow = only("slow");
    assert_eq!(
        (slow.modifiers.ac, slow.modifiers.speed_halves),
        (-2, Some(1))
    );
    assert!(slow.modifiers.no_reactions);
    let guidance = only("guidance");
    assert_eq!(
        (guidance.modifiers.check_dice.as_deref(), guidance.used_by),
        (Some("1d4"), Some(UsedBy::OwnCheck))
    );
    let resistance = only("resistance");
    assert_eq!(
        (
            resistance.modifiers.save_dice.as_deref(),
            resistance.used_by
        ),
        (Some("1d4"), Some(UsedBy::OwnSave))
    );
    let favor = only("divine-favor")
        .modifiers
        .weapon_damage
        .as_ref()
        .unwrap();
    assert_eq!(
        (favor.dice.as_str(), favor.damage_type),
        ("1d4", Some(DamageType::Radiant))
    );
    assert_eq!(
        only("stoneskin").modifiers.nonmagical_resistances,
        [
            DamageType::Bludgeoning,
            DamageType::Piercing,
            DamageType::Slashing
        ]
    );
    let heroism = only("heroism").each_turn.as_ref().unwrap();
    assert_eq!(heroism.when, TurnPoint::Start);
    let [Effect::TempHp(temp)] = &heroism.effects[..] else {
        panic!("{heroism:?}")
    };
    assert!(temp.amount.add_modifier);
    let pattern = only("hypnotic-pattern");
    assert_eq!(
        pattern.conditions,
        [Condition::Charmed, Condition::Incapacitated]
    );
    assert!(pattern.ends_on_damage);
    assert_eq!(pattern.modifiers.speed_halves, Some(0), "speed 0");
    let [Effect::TempHp(life)] = &spell("false-life").effects[..] else {
        panic!()
    };
    assert_eq!(life.amount.dice, "1d4+4");
}

#[test]
fn damage_spells_carry_their_riders() {
    let rider = |id: &str| -> &'static content::Ongoing {
        let s = spell(id);
        let Effect::Attack(attack) = &s.effects[0] else {
            panic!("{id}: {:?}", s.effects)
        };
        let [Effect::Damage(_), Effect::Apply(apply), ..] = &attack.hit[..] else {
            panic!("{id}: {:?}", attack.hit)
        };
        &apply.effect
    };
    let frost = rider("ray-of-frost");
    assert_eq!(
        (frost.modifiers.speed, frost.duration),
        (-10, Some(Lasting::StartOfSourceTurn))
    );
    let grasp = rider("shocking-grasp");
    assert!(grasp.modifiers.no_reactions);
    assert_eq!(grasp.duration, Some(Lasting::StartOfOwnTurn));
    let chill = rider("chill-touch");
    assert!(chill.modifiers.no_healing);
    let bolt = rider("guiding-bolt");
    assert_eq!(
        (bolt.modifiers.attacked, bolt.used_by, bolt.duration),
        (
            1,
            Some(UsedBy::AttackAgainst),
            Some(Lasting::EndOfSourceTurn)
        )
    );
    assert_full(spell("guiding-bolt"));
    let acid = rider("acid-arrow");
    let burn = acid.each_turn.as_ref().unwrap();
    assert!(burn.once);
    assert_eq!(burn.when, TurnPoint::End);
    let [Effect::Damage(later)] = &burn.effects[..] else {
        panic!("{burn:?}")
    };
    assert_eq!(
        (later.amount.dice.as_str(), later.damage_type),
        ("2d4", Some(DamageType::Acid))
    );
    let Effect::Attack(arrow) = &spell("acid-arrow").effects[0] else {
        panic!()
    };
    let [Effect::Damage(splash)] = &arrow.miss[..] else {
        panic!("{arrow:?}")
    };
    assert!(splash.half, "half the initial damage on a miss");

    let mockery = spell("vicious-mockery");
    let [Effect::Save(save)] = &mockery.effects[..] else {
        panic!()
    };
    let [Effect::Damage(_), Effect::Apply(apply)] = &save.fail[..] else {
        panic!("{save:?}")
    };
    assert_eq!(
        (
            apply.effect.modifiers.attacks,
            apply.effect.used_by,
            apply.effect.duration
        ),
        (-1, Some(UsedBy::OwnAttack), Some(Lasting::EndOfOwnTurn))
    );
}

#[test]
fn areas_that_linger_deal_damage_on_later_turns() {
    for (id, when, ability, initial) in [
        ("moonbeam", TurnPoint::Start, Ability::Constitution, false),
        ("cloudkill", TurnPoint::Start, Ability::Constitution, false),
        ("spirit-guardians", TurnPoint::Start, Ability::Wisdom, false),
        ("insect-plague", TurnPoint::End, Ability::Constitution, true),
        ("incendiary-cloud", TurnPoint::End, Ability::Dexterity, true),
    ] {
        let s = spell(id);
        assert_eq!(s.targeting, Targeting::Area, "{id}");
        assert_eq!(
            matches!(s.effects[0], Effect::Save(_)),
            initial,
            "{id}: damage as it appears"
        );
        let Some(Effect::Apply(apply)) = s.effects.last() else {
            panic!("{id}")
        };
        let turn = apply.effect.each_turn.as_ref().unwrap();
        assert_eq!(turn.when, when, "{id}");
        let [Effect::Save(save)] = &turn.effects[..] else {
            panic!("{id}: {turn:?}")
        };
        assert_eq!(save.ability, ability, "{id}");
        let [Effect::Damage(success)] = &save.success[..] else {
            panic!("{id}")
        };
        assert!(success.half, "{id}");
    }
    // Spirit Guardians' type is the caster's to name (radiant or necrotic).
    let guardians = spell("spirit-guardians");
    let (damage, _) = first_damage(&guardians.effects).unwrap();
    assert_eq!(
        (damage[0].amount.dice.as_str(), damage[0].damage_type),
        ("3d8", None)
    );
    // Phantasmal Killer: frightened, 4d10 psychic on a failed save at the
    // start of each of its turns, and a success ends it.
    let killer = spell("phantasmal-killer");
    let killer = ongoing_effects(&killer.effects)[0];
    assert_eq!(killer.effect.conditions, [Condition::Frightened]);
    assert_eq!(killer.effect.save_ends.unwrap().when, TurnPoint::Start);
    assert_eq!(
        killer.effect.each_turn.as_ref().unwrap().when,
        TurnPoint::Start
    );
}

#[test]
fn partial_combat_spells_say_what_is_missing() {
    for s in content::spells().iter().filter(|s| s.combat) {
        let full = s.automation.level == AutomationLevel::Full;
        assert_eq!(full, s.automation.missing.is_empty(), "{}", s.id);
    }
    let s = spell("contagion");
    assert_eq!(s.automation.level, AutomationLevel::Partial);
    assert!(
        s.automation.missing.iter().any(|m| m.contains("disease")),
        "{:?}",
        s.automation.missing
    );
    // Killing, healing the caster, contests and counted saves are in the schema.
    for id in [
        "power-word-kill",
        "divine-word",
        "vampiric-touch",
        "telekinesis",
        "flesh-to-stone",
    ] {
        assert_eq!(spell(id).automation.level, AutomationLevel::Full, "{id}");
    }
}

#[test]
fn sleep_puts_creatures_to_sleep_from_a_hit_point_pool() {
    let s = spell("sleep");
    // Undead and creatures that can't be charmed are passed over.
    assert_full(s);
    assert_full(spell("color-spray"));
    let [Effect::Pool(pool)] = &s.effects[..] else {
        panic!("{:?}", s.effects)
    };
    assert_eq!(pool.amount.dice_at(1, 1), "5d8");
    assert_eq!(pool.amount.dice_at(3, 5), "9d8");
    let [Effect::Only(living)] = &pool.then[..] else {
        panic!("{pool:?}")
    };
    assert_eq!(living.not_types, ["undead"]);
    assert_eq!(living.not_immune_to, [Condition::Charmed]);
    let asleep = ongoing_effects(&living.then)[0];
    assert_eq!(asleep.effect.conditions, [Condition::Unconscious]);
    assert!(asleep.effect.ends_on_damage);
}

#[test]
fn power_words_work_below_a_hit_point_threshold() {
    let [Effect::Only(kill)] = &spell("power-word-kill").effects[..] else {
        panic!("an only step")
    };
    assert_eq!((kill.max_hp, kill.min_hp), (Some(100), None));
    let stun = spell("power-word-stun");
    assert_full(stun);
    let [Effect::Only(stun)] = &stun.effects[..] else {
        panic!("an only step")
    };
    assert_eq!(stun.max_hp, Some(150));
    assert_eq!(
        ongoing_effects(&stun.then)[0].effect.conditions,
        [Condition::Stunned]
    );
}

#[test]
fn spiritual_weapon_grants_its_attack_as_a_bonus_action() {
    let s = spell("spiritual-weapon");
    assert_full(s);
    let [Effect::Attack(first), Effect::Apply(weapon)] = &s.effects[..] else {
        panic!("{:?}", s.effects)
    };
    assert!(weapon.on_self);
    let grants = weapon.effect.grants.as_ref().unwrap();
    assert!(grants.bonus_action);
    assert_eq!(grants.effects, [Effect::Attack(first.clone())]);
    assert_eq!(weapon.effect.duration, Some(Lasting::Rounds { rounds: 10 }));
}

#[test]
fn lesser_restoration_ends_the_chosen_condition() {
    let s = spell("lesser-restoration");
    assert_full(s);
    let [Effect::Choice(choice)] = &s.effects[..] else {
        panic!("{:?}", s.effects)
    };
    let names: Vec<&str> = choice.options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["blinded", "deafened", "paralyzed", "poisoned"]);
    let [Effect::Remove(remove)] = &choice.options[3].effects[..] else {
        panic!("{choice:?}")
    };
    assert_eq!(remove.conditions, [Condition::Poisoned]);
}

#[test]
fn healing_spares_undead_and_constructs_and_charms_pick_their_creatures() {
    for id in [
        "cure-wounds",
        "healing-word",
        "mass-cure-wounds",
        "spare-the-dying",
    ] {
        let [Effect::Only(living)] = &spell(id).effects[..] else {
            panic!("{id}: {:?}", spell(id).effects)
        };
        assert_eq!(living.not_types, ["undead", "construct"], "{id}");
        assert!(living.types.is_empty(), "{id}");
    }
    for (id, kind) in [("charm-person", "humanoid"), ("dominate-beast", "beast")] {
        let [Effect::Only(only)] = &spell(id).effects[..] else {
            panic!("{id}")
        };
        assert_eq!(only.types, [kind], "{id}");
    }
    let [Effect::Choice(wait)] = &spell("delayed-blast-fireball").effects[..] else {
        panic!("a choice of when the bead bursts")
    };
    assert_eq!(wait.options.len(), 11);
    let [Effect::Save(save)] = &wait.options[3].effects[..] else {
        panic!("{wait:?}")
    };
    let Effect::Damage(fire) = &save.fail[0] else {
        panic!("{save:?}")
    };
    assert_eq!(fire.amount.dice_at(7, 13), "15d6");
    assert_eq!(fire.amount.dice_at(9, 17), "17d6");
}
