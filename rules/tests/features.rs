//! The class combat features of levels 1 to 5: their figures in
//! `classes.json`, the rules of `automation::features`, and their trees run
//! through the engine.
#![allow(clippy::unwrap_used, missing_docs)]

use rules::automation::{Board, Context, Target, features, run};
use rules::content::{
    self, Activation, Class, ClassFeature, Cost, Effect, Grant, RestKind, UseCount,
};
use rules::dice::{self, Advantage, FixedRolls};
use rules::mechanics::{Ability, Condition, CreatureId, DamageType};

fn class(id: &str) -> &'static Class {
    content::class(id).unwrap_or_else(|| panic!("no class {id}"))
}

fn feature(class_id: &str, id: &str) -> &'static ClassFeature {
    class(class_id)
        .combat_feature(id)
        .unwrap_or_else(|| panic!("no feature {id} for {class_id}"))
}

fn target(ac: i32, save: i32) -> Target {
    Target {
        ac,
        saves: [save; 6],
        ..Target::default()
    }
}

#[test]
fn every_feature_is_in_its_level_table_and_its_figures_hold() {
    let mut count = 0;
    for c in content::classes() {
        assert!(
            !c.combat_features.is_empty(),
            "{} has no combat features",
            c.id
        );
        for f in &c.combat_features {
            count += 1;
            let row = c.level(f.level).unwrap();
            assert!(
                row.features.iter().any(|r| r.id == f.id),
                "{} is not in the {} level {} row",
                f.id,
                c.id,
                f.level
            );
            assert!(f.level <= 5, "{}", f.id);
            if let Some(uses) = &f.uses {
                assert!(
                    uses.count.at(row, 1).is_some(),
                    "{}: no use count at its level",
                    f.id
                );
            }
            if let Some(scale) = &f.scales_with {
                assert!(row.counter(&scale.counter).is_some(), "{}", f.id);
            }
            if let Some(Cost::Uses { feature, .. }) = &f.cost {
                assert!(c.combat_feature(feature).is_some(), "{}", f.id);
            }
            if let Some(old) = &f.replaces {
                assert!(c.combat_feature(old).unwrap().level < f.level, "{}", f.id);
            }
            let full = f.automation.level == content::AutomationLevel::Full;
            assert_eq!(full, f.automation.missing.is_empty(), "{}", f.id);
            // Every tree's dice parse, at every level the feature is held.
            for level in f.level..=20 {
                let tree = serde_json::to_string(&f.effects_at(c, level)).unwrap();
                for dice in dice_in(&tree) {
                    assert!(dice::parse(&dice).is_ok(), "{}: {dice:?}", f.id);
                }
            }
        }
    }
    assert!(count >= 40, "only {count} combat features");
}

/// Every "dice" value of a serialized tree.
fn dice_in(json: &str) -> Vec<String> {
    json.split("\"dice\":\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn sneak_attack_dice_follow_the_rogue_table() {
    let rogue = class("rogue");
    let sneak = feature("rogue", "sneak-attack");
    assert_eq!(sneak.activation, Activation::OnHit);
    assert!(sneak.once_per_turn);
    for (level, dice) in [(1, "1d6"), (2, "1d6"), (3, "2d6"), (4, "2d6"), (5, "3d6")] {
        assert_eq!(
            features::sneak_attack_dice(level).as_deref(),
            Some(dice),
            "{level}"
        );
        let Effect::Damage(d) = &sneak.effects_at(rogue, level)[0] else {
            panic!("damage")
        };
        assert_eq!(d.amount.dice, dice, "{level}");
    }
}

#[test]
fn sneak_attack_is_refused_for_a_reason() {
    let rapier = content::weapon("Rapier").unwrap();
    let greataxe = content::weapon("Greataxe").unwrap();
    let err = features::sneak_attack(3, greataxe, Advantage::Normal, false, false).unwrap_err();
    assert!(matches!(err, features::NoSneakAttack::WrongWeapon { .. }));
    assert!(err.to_string().contains("Greataxe"), "{err}");
    // Even with advantage, a heavy non-finesse weapon does not qualify.
    assert!(features::sneak_attack(3, greataxe, Advantage::Advantage, true, false).is_err());
    assert_eq!(
        features::sneak_attack(3, rapier, Advantage::Advantage, false, true),
        Err(features::NoSneakAttack::AlreadyThisTurn)
    );
    assert_eq!(
        features::sneak_attack(3, rapier, Advantage::Disadvantage, true, false),
        Err(features::NoSneakAttack::Disadvantage)
    );
    let extra = features::sneak_attack(3, rapier, Advantage::Normal, true, false).unwrap();
    assert_eq!(extra.dice, "2d6");
    assert_eq!(extra.damage_type, Some(DamageType::Piercing));
}

#[test]
fn sneak_attack_rides_a_rapier_hit_and_doubles_on_a_critical() {
    let rapier = content::weapon("Rapier").unwrap();
    let rogue = class("rogue");
    let mut tree = features::weapon_attack(rapier, 3, 2, true, false);
    features::add_on_hit(
        &mut tree,
        &feature("rogue", "sneak-attack").effects_at(rogue, 1),
    );
    // A natural 20, then 1d8 doubled (2 + 2) + 3 and 1d6 doubled (2 + 2).
    let out = run(
        &tree,
        &features::weapon_context(rapier, 1),
        &[target(15, 0)],
        &mut FixedRolls::new([20, 2]),
    )
    .unwrap();
    let dealt: Vec<(DamageType, u32)> = out[0]
        .damage
        .iter()
        .map(|d| (d.damage_type, d.rolled))
        .collect();
    assert_eq!(
        dealt,
        vec![(DamageType::Piercing, 7), (DamageType::Piercing, 4)]
    );
}

#[test]
fn second_wind_heals_1d10_plus_the_fighter_level() {
    let wind = feature("fighter", "second-wind");
    assert_eq!(wind.activation, Activation::BonusAction);
    let uses = wind.uses.as_ref().unwrap();
    assert_eq!(uses.count, UseCount::Fixed { times: 1 });
    assert_eq!(uses.restored_by, RestKind::Short);
    let ctx = Context {
        name: wind.name.clone(),
        figures: rules::automation::CastFigures {
            level: 3,
            ..Default::default()
        },
        ..Context::default()
    };
    let out = run(
        &wind.effects,
        &ctx,
        &[target(16, 0)],
        &mut FixedRolls::new([7]),
    )
    .unwrap();
    assert_eq!(out[0].healing, 10);
}

#[test]
fn divine_smite_dice_by_slot() {
    assert_eq!(
        features::divine_smite_dice(1, false).as_deref(),
        Some("2d8")
    );
    assert_eq!(
        features::divine_smite_dice(2, false).as_deref(),
        Some("3d8")
    );
    assert_eq!(
        features::divine_smite_dice(4, false).as_deref(),
        Some("5d8")
    );
    assert_eq!(
        features::divine_smite_dice(5, false).as_deref(),
        Some("5d8")
    );
    assert_eq!(
        features::divine_smite_dice(9, false).as_deref(),
        Some("5d8")
    );
    assert_eq!(features::divine_smite_dice(1, true).as_deref(), Some("3d8"));
    assert_eq!(features::divine_smite_dice(5, true).as_deref(), Some("6d8"));
    assert_eq!(features::divine_smite_dice(0, false), None);
    let smite = feature("paladin", "divine-smite");
    assert_eq!(smite.cost, Some(Cost::SpellSlot { min_level: 1 }));
    // The tree's slot scaling, through the engine: a 2nd-level slot, 3d8 of 4.
    let ctx = Context {
        name: smite.name.clone(),
        figures: rules::automation::CastFigures {
            slot: 2,
            ..Default::default()
        },
        ..Context::default()
    };
    let out = run(
        &smite.effects,
        &ctx,
        &[target(10, 0)],
        &mut FixedRolls::new([4]),
    )
    .unwrap();
    assert_eq!(out[0].damage[0].damage_type, DamageType::Radiant);
    assert_eq!(out[0].damage[0].rolled, 12);
}

#[test]
fn rage_count_and_damage_at_levels_1_to_5() {
    for (level, count) in [(1, 2), (2, 2), (3, 3), (4, 3), (5, 3)] {
        assert_eq!(features::rage_count(level), Some(count), "{level}");
        assert_eq!(features::rage_damage(level), Some(2), "{level}");
    }
    let rage = feature("barbarian", "rage");
    assert_eq!(rage.uses.as_ref().unwrap().restored_by, RestKind::Long);
    let Effect::Apply(apply) = &rage.effects_at(class("barbarian"), 5)[0] else {
        panic!("an apply")
    };
    assert!(apply.on_self);
    let m = &apply.effect.modifiers;
    assert_eq!(m.weapon_damage.as_ref().unwrap().dice, "2");
    assert_eq!(m.save_advantage, vec![Ability::Strength]);
    assert_eq!(m.resistances.len(), 3);
    assert!(!rage.automation.missing.is_empty());
}

#[test]
fn a_raging_greataxe_hit_adds_the_rage_bonus() {
    let greataxe = content::weapon("Greataxe").unwrap();
    let barbarian = class("barbarian");
    let rage = feature("barbarian", "rage");
    let mut ctx = features::weapon_context(greataxe, 1);
    let mut board = Board::new();
    let me = CreatureId::new("barbarian");
    let on_me = run(
        &rage.effects_at(barbarian, 1),
        &Context::default(),
        &[target(10, 0)],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    board.apply(
        &me,
        std::slice::from_ref(&me),
        &on_me,
        rules::automation::CastFigures::default(),
        false,
    );
    ctx.modifiers = board.modifiers(&me);
    let tree = features::weapon_attack(greataxe, 3, 2, true, true);
    let out = run(&tree, &ctx, &[target(10, 0)], &mut FixedRolls::new([15, 6])).unwrap();
    let total: u32 = out[0].damage.iter().map(|d| d.rolled).sum();
    assert_eq!(total, 6 + 3 + 2);
}

#[test]
fn extra_attack_at_fighter_4_and_5() {
    let fighter = class("fighter");
    assert_eq!(features::attacks_per_action(fighter, 4), 1);
    assert_eq!(features::attacks_per_action(fighter, 5), 2);
    assert!(
        feature("fighter", "extra-attack-1")
            .grants
            .contains(&Grant::ExtraAttacks { count: 1 })
    );
    let surge = feature("fighter", "action-surge-1-use");
    assert!(surge.grants(&Grant::ExtraAction));
    assert_eq!(
        features::uses("fighter", "action-surge-1-use", 1, 0),
        Some(0)
    );
    assert_eq!(
        features::uses("fighter", "action-surge-1-use", 2, 0),
        Some(1)
    );
}

#[test]
fn monk_martial_arts_die_and_stunning_strike() {
    for level in 1..=4 {
        assert_eq!(
            features::martial_arts_die(level).as_deref(),
            Some("1d4"),
            "{level}"
        );
    }
    assert_eq!(features::martial_arts_die(5).as_deref(), Some("1d6"));
    let stun = feature("monk", "stunning-strike");
    assert_eq!(stun.level, 5);
    assert_eq!(
        stun.cost,
        Some(Cost::Uses {
            feature: "ki".into(),
            amount: 1
        })
    );
    assert_eq!(stun.save_dc_ability, Some(Ability::Wisdom));
    let ctx = Context {
        name: stun.name.clone(),
        figures: rules::automation::CastFigures {
            save_dc: features::save_dc(3, 3),
            ..Default::default()
        },
        ..Context::default()
    };
    // The target's Constitution save: 5 + 0 fails DC 14.
    let out = run(
        &stun.effects,
        &ctx,
        &[target(12, 0)],
        &mut FixedRolls::new([5]),
    )
    .unwrap();
    assert_eq!(out[0].conditions, vec![Condition::Stunned]);
}

#[test]
fn turn_undead_turns_for_a_minute_until_damaged() {
    let turn = feature("cleric", "channel-divinity-turn-undead");
    assert_eq!(
        turn.cost,
        Some(Cost::Uses {
            feature: "channel-divinity-1-rest".into(),
            amount: 1
        })
    );
    let Effect::Save(save) = &turn.effects[0] else {
        panic!("a save")
    };
    assert_eq!(save.ability, Ability::Wisdom);
    let Effect::Apply(apply) = &save.fail[0] else {
        panic!("an apply")
    };
    assert!(apply.effect.ends_on_damage);
    assert_eq!(
        apply.effect.duration,
        Some(content::Lasting::Rounds { rounds: 10 })
    );
    assert!(!features::destroys_undead(4, 0.5));
    assert!(features::destroys_undead(5, 0.5));
}

#[test]
fn a_longsword_in_two_hands_rolls_1d10_plus_strength() {
    let longsword = content::weapon("Longsword").unwrap();
    let tree = features::weapon_attack(longsword, 3, 2, true, true);
    let Effect::Attack(step) = &tree[0] else {
        panic!("an attack")
    };
    assert_eq!(step.bonus, Some(5));
    // 12 + 5 hits AC 15; the d10 shows 10: 13 slashing.
    let out = run(
        &tree,
        &features::weapon_context(longsword, 1),
        &[target(15, 0)],
        &mut FixedRolls::new([12, 10]),
    )
    .unwrap();
    assert_eq!(out[0].damage[0].damage_type, DamageType::Slashing);
    assert_eq!(out[0].damage[0].rolled, 13);
    // One-handed, the same die face is clamped to the d8.
    let one_hand = features::weapon_attack(longsword, 3, 2, true, false);
    let out = run(
        &one_hand,
        &features::weapon_context(longsword, 1),
        &[target(15, 0)],
        &mut FixedRolls::new([12, 10]),
    )
    .unwrap();
    assert_eq!(out[0].damage[0].rolled, 11);
}

#[test]
fn replaced_features_drop_out() {
    let bard = class("bard");
    let at = |level| -> Vec<&str> {
        bard.combat_features_at(level)
            .iter()
            .map(|f| f.id.as_str())
            .collect()
    };
    assert_eq!(at(1), vec!["bardic-inspiration-d6"]);
    assert_eq!(at(5), vec!["bardic-inspiration-d8"]);
    let Effect::Apply(apply) = &feature("bard", "bardic-inspiration-d8").effects_at(bard, 5)[0]
    else {
        panic!("an apply")
    };
    assert_eq!(apply.effect.modifiers.attack_dice.as_deref(), Some("1d8"));
    let uses = feature("bard", "bardic-inspiration-d6")
        .uses
        .as_ref()
        .unwrap();
    assert!(!uses.restored(RestKind::Short, 4));
    assert!(uses.restored(RestKind::Short, 5));
}

#[test]
fn lay_on_hands_pool_is_five_per_level() {
    let pool = feature("paladin", "lay-on-hands").pool.unwrap();
    assert_eq!(pool.at(1), 5);
    assert_eq!(features::lay_on_hands_pool(5), Some(25));
    let tree = features::lay_on_hands(25, 12).unwrap();
    let out = run(
        &tree,
        &Context::default(),
        &[target(10, 0)],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    assert_eq!(out[0].healing, 12);
}
