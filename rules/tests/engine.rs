//! The automation interpreter and the board of ongoing effects on trees
//! written here as JSON, in the same schema as the content files: shared
//! and per-hit dice, critical hits, halves, missiles, conditions and
//! immunities, durations counted on turns, saves that end effects,
//! concentration, used-up effects and monster resources.
#![allow(clippy::unwrap_used, missing_docs)]

use rules::automation::{
    Board, CastFigures, Context, EndReason, Resources, Target, TurnEvent, run,
};
use rules::content::{self, Effect, Modifiers, UsedBy};
use rules::dice::{Advantage, FixedRolls};
use rules::mechanics::{AttackResult, Condition, CreatureId, DamageType};

fn tree(json: &str) -> Vec<Effect> {
    serde_json::from_str(json).unwrap()
}

fn target(ac: i32, save: i32) -> Target {
    Target {
        ac,
        saves: [save; 6],
        ..Target::default()
    }
}

fn ctx(figures: CastFigures) -> Context {
    Context {
        name: "test".into(),
        figures,
        ..Context::default()
    }
}

fn dc(save_dc: i32) -> CastFigures {
    CastFigures {
        save_dc,
        ..CastFigures::default()
    }
}

fn id(s: &str) -> CreatureId {
    CreatureId::new(s)
}

const FIREBALL: &str = r#"[{"type":"save","ability":"dexterity",
  "fail":[{"type":"damage","amount":{"dice":"8d6","by_slot_level":{"4":"9d6"}},"damage_type":"fire"}],
  "success":[{"type":"damage","amount":{"dice":"8d6","by_slot_level":{"4":"9d6"}},"damage_type":"fire","half":true}]}]"#;

#[test]
fn area_damage_is_rolled_once_and_halved_for_those_who_save() {
    // Eight d6 of 3 (24), rolled once for everyone before anyone saves, then
    // the two saves: 2 (fails DC 15) and 19 (succeeds).
    let mut dice = FixedRolls::new([3, 3, 3, 3, 3, 3, 3, 3, 2, 19]);
    let out = run(
        &tree(FIREBALL),
        &ctx(dc(15)),
        &[target(10, 0), target(10, 0)],
        &mut dice,
    )
    .unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!((out[0].target, out[0].total_taken()), (0, 24));
    assert_eq!((out[1].target, out[1].total_taken()), (1, 12));
    assert!(!out[0].save.as_ref().unwrap().success());
    assert!(out[1].save.as_ref().unwrap().success());
    assert_eq!(
        dice.rolled(),
        10,
        "eight damage dice and two saves, no more"
    );
}

#[test]
fn upcasting_takes_the_dice_of_the_highest_slot_at_or_below() {
    let figures = CastFigures {
        save_dc: 15,
        spell_level: 3,
        slot: 5,
        ..CastFigures::default()
    };
    // 9d6 of 1, then a failed save.
    let mut dice = FixedRolls::new([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    let out = run(&tree(FIREBALL), &ctx(figures), &[target(10, 0)], &mut dice).unwrap();
    assert_eq!(out[0].total_taken(), 9);
}

#[test]
fn a_resistant_target_halves_after_the_save_and_an_immune_one_takes_nothing() {
    let mut resistant = target(10, 0);
    resistant.defenses.resistances.insert(DamageType::Fire);
    let mut immune = target(10, 0);
    immune.defenses.immunities.insert(DamageType::Fire);
    // 24 damage; the resistant target saves (20): 12, halved again by its
    // resistance to 6; the immune one fails (1) and takes nothing of 24.
    let mut dice = FixedRolls::new([3, 3, 3, 3, 3, 3, 3, 3, 20, 1]);
    let out = run(
        &tree(FIREBALL),
        &ctx(dc(15)),
        &[resistant, immune],
        &mut dice,
    )
    .unwrap();
    assert_eq!((out[0].damage[0].rolled, out[0].total_taken()), (12, 6));
    assert_eq!((out[1].damage[0].rolled, out[1].total_taken()), (24, 0));
}

const SCIMITAR: &str = r#"[{"type":"attack","bonus":4,
  "hit":[{"type":"damage","amount":{"dice":"1d6+2"},"damage_type":"slashing"}]}]"#;

#[test]
fn a_critical_hit_doubles_the_dice_but_not_the_modifier() {
    let mut dice = FixedRolls::new([20, 6, 5]);
    let out = run(&tree(SCIMITAR), &ctx(dc(0)), &[target(30, 0)], &mut dice).unwrap();
    assert_eq!(
        out[0].attack.as_ref().unwrap().result,
        AttackResult::Critical
    );
    assert_eq!(out[0].total_taken(), 6 + 5 + 2);
}

#[test]
fn a_miss_deals_nothing_and_rolls_no_damage() {
    let mut dice = FixedRolls::new([2]);
    let out = run(&tree(SCIMITAR), &ctx(dc(0)), &[target(15, 0)], &mut dice).unwrap();
    assert_eq!(out[0].attack.as_ref().unwrap().result, AttackResult::Miss);
    assert!(out[0].damage.is_empty());
    assert_eq!(dice.rolled(), 1);
}

#[test]
fn attack_dice_from_bless_can_turn_a_miss_into_a_hit() {
    // d20 of 10 + 4 = 14 misses AC 15; Bless's d4 of 2 makes 16.
    let mut blessed = ctx(dc(0));
    blessed.modifiers = Modifiers {
        attack_dice: Some("1d4".into()),
        ..Modifiers::default()
    };
    let mut dice = FixedRolls::new([2, 10, 3]);
    let out = run(&tree(SCIMITAR), &blessed, &[target(15, 0)], &mut dice).unwrap();
    assert_eq!(out[0].attack.as_ref().unwrap().result, AttackResult::Hit);
    assert_eq!(out[0].total_taken(), 5);
}

#[test]
fn advantage_and_disadvantage_from_any_sources_cancel() {
    // Attacked-with-advantage (Faerie Fire) and a situational disadvantage: one d20.
    let mut t = target(15, 0);
    t.modifiers.attacked = 1;
    let mut c = ctx(dc(0));
    c.advantage = Advantage::Disadvantage;
    let mut dice = FixedRolls::new([12, 1]);
    let out = run(&tree(SCIMITAR), &c, &[t], &mut dice).unwrap();
    assert_eq!(out[0].attack.as_ref().unwrap().result, AttackResult::Hit);
    assert_eq!(dice.rolled(), 2, "one d20 and one damage die");
}

#[test]
fn a_paralyzed_target_fails_dexterity_saves_without_rolling() {
    let mut t = target(10, 10);
    t.conditions.add(Condition::Paralyzed);
    let mut dice = FixedRolls::new([1, 1, 1, 1, 1, 1, 1, 1]);
    let out = run(&tree(FIREBALL), &ctx(dc(15)), &[t], &mut dice).unwrap();
    assert!(!out[0].save.as_ref().unwrap().success());
    assert_eq!(dice.rolled(), 8, "the damage dice only");
}

const MAGIC_MISSILE: &str = r#"[{"type":"split","count":{"base":3,"per_slot_above":1},
  "each":[{"type":"damage","amount":{"dice":"1d4+1"},"damage_type":"force"}]}]"#;

#[test]
fn missiles_split_among_targets_in_turn_and_share_one_roll() {
    let figures = CastFigures {
        spell_level: 1,
        slot: 2,
        ..CastFigures::default()
    };
    let mut dice = FixedRolls::new([3]);
    let out = run(
        &tree(MAGIC_MISSILE),
        &ctx(figures),
        &[target(30, 0), target(30, 0)],
        &mut dice,
    )
    .unwrap();
    let hits: Vec<(usize, u32)> = out.iter().map(|r| (r.target, r.total_taken())).collect();
    assert_eq!(hits, vec![(0, 4), (1, 4), (0, 4), (1, 4)]);
    assert_eq!(dice.rolled(), 1, "one roll for every dart");
}

const HOLD: &str = r#"[{"type":"save","ability":"wisdom","fail":[{"type":"apply","effect":{
  "name":"Hold Person","conditions":["paralyzed"],"duration":{"until":"rounds","rounds":10},
  "save_ends":{"ability":"wisdom","when":"end"}}}]}]"#;

#[test]
fn hold_person_paralyzes_until_a_save_at_the_end_of_a_turn() {
    let mut dice = FixedRolls::new([3]);
    let out = run(&tree(HOLD), &ctx(dc(14)), &[target(12, 1)], &mut dice).unwrap();
    assert_eq!(out[0].conditions, vec![Condition::Paralyzed]);
    assert_eq!(out[0].applied[0].dc, 14);

    let mut board = Board::new();
    let (added, ended) = board.apply(&id("wiz"), &[id("orc")], &out, dc(14), true);
    assert_eq!(added.len(), 1);
    assert!(ended.is_empty());
    assert!(board.concentrating(&id("wiz")));
    assert_eq!(board.conditions(&id("orc")), vec![Condition::Paralyzed]);

    // End of the orc's turn: 5 + 1 = 6 fails, still held.
    let mut held = target(12, 1);
    held.conditions.add(Condition::Paralyzed);
    let events = board
        .end_turn(&id("orc"), &held, &mut FixedRolls::new([5]))
        .unwrap();
    assert!(matches!(&events[..], [TurnEvent::Save { outcome, .. }] if !outcome.success()));
    assert_eq!(board.conditions(&id("orc")), vec![Condition::Paralyzed]);

    // Next turn: 13 + 1 = 14 meets the DC, and the paralysis ends.
    let events = board
        .end_turn(&id("orc"), &held, &mut FixedRolls::new([13]))
        .unwrap();
    assert!(matches!(
        &events[..],
        [TurnEvent::Save { .. }, TurnEvent::Ended(e)] if e.why == EndReason::Saved && e.conditions == vec![Condition::Paralyzed]
    ));
    assert!(board.conditions(&id("orc")).is_empty());
    assert!(!board.concentrating(&id("wiz")));
}

#[test]
fn breaking_concentration_ends_every_linked_effect() {
    let out = run(
        &tree(HOLD),
        &ctx(dc(14)),
        &[target(12, 0), target(12, 0)],
        &mut FixedRolls::new([1, 1]),
    )
    .unwrap();
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("a"), id("b")], &out, dc(14), true);
    assert_eq!(board.effects().len(), 2);
    let ended = board.end_concentration(&id("wiz"));
    assert_eq!(ended.len(), 2);
    assert!(ended.iter().all(|e| e.why == EndReason::ConcentrationEnded));
    assert!(board.effects().is_empty());
}

#[test]
fn a_new_concentration_spell_ends_the_old_one() {
    let out = run(
        &tree(HOLD),
        &ctx(dc(14)),
        &[target(12, 0)],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("a")], &out, dc(14), true);
    let (_, ended) = board.apply(&id("wiz"), &[id("b")], &out, dc(14), true);
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].on, id("a"));
    assert_eq!(board.effects().len(), 1);
    assert_eq!(board.effects()[0].on, id("b"));
}

#[test]
fn a_creature_immune_to_the_condition_gets_nothing() {
    let mut ghoul = target(12, 0);
    ghoul.condition_immunities.push(Condition::Paralyzed);
    let out = run(
        &tree(HOLD),
        &ctx(dc(14)),
        &[ghoul],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    assert!(out[0].conditions.is_empty());
    assert!(out[0].applied.is_empty());
    assert_eq!(out[0].immune, vec![Condition::Paralyzed]);
}

#[test]
fn a_duration_in_rounds_ends_as_the_source_starts_its_turn_that_many_rounds_later() {
    let out = run(
        &tree(HOLD),
        &ctx(dc(30)),
        &[target(12, 0)],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    let mut board = Board::new();
    let t = target(12, 0);
    board
        .start_turn(&id("wiz"), &t, &mut FixedRolls::new([1]))
        .unwrap();
    board.apply(&id("wiz"), &[id("orc")], &out, dc(30), true);
    board
        .end_turn(&id("wiz"), &t, &mut FixedRolls::new([1]))
        .unwrap();
    for round in 2..=10 {
        board
            .start_turn(&id("wiz"), &t, &mut FixedRolls::new([1]))
            .unwrap();
        assert_eq!(board.effects().len(), 1, "still on in round {round}");
        board
            .end_turn(&id("wiz"), &t, &mut FixedRolls::new([1]))
            .unwrap();
    }
    let events = board
        .start_turn(&id("wiz"), &t, &mut FixedRolls::new([1]))
        .unwrap();
    assert!(matches!(&events[..], [TurnEvent::Ended(e)] if e.why == EndReason::Expired));
}

const SHIELD: &str = r#"[{"type":"apply","on_self":true,"effect":{"name":"Shield",
  "duration":{"until":"start_of_source_turn"},"modifiers":{"ac":5}}}]"#;

#[test]
fn shield_raises_ac_by_5_until_the_start_of_the_casters_next_turn() {
    let caster = target(13, 0);
    let out = run(
        &tree(SHIELD),
        &ctx(dc(0)),
        std::slice::from_ref(&caster),
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    let mut board = Board::new();
    // Cast as a reaction on the goblin's turn.
    let goblin = target(15, 0);
    board
        .start_turn(&id("gob"), &goblin, &mut FixedRolls::new([1]))
        .unwrap();
    board.apply(&id("wiz"), &[id("wiz")], &out, dc(0), false);
    let mut shielded = caster.clone();
    shielded.modifiers = board.modifiers(&id("wiz"));
    assert_eq!(shielded.effective_ac(), 18);
    // The goblin's 14 + 4 = 18 now hits... only just: AC 18 is met.
    let hit = run(
        &tree(SCIMITAR),
        &ctx(dc(0)),
        &[shielded.clone()],
        &mut FixedRolls::new([13, 1]),
    )
    .unwrap();
    assert_eq!(hit[0].attack.as_ref().unwrap().result, AttackResult::Miss);
    board
        .end_turn(&id("gob"), &goblin, &mut FixedRolls::new([1]))
        .unwrap();
    assert_eq!(
        board.modifiers(&id("wiz")).ac,
        5,
        "still up through the round"
    );
    let events = board
        .start_turn(&id("wiz"), &caster, &mut FixedRolls::new([1]))
        .unwrap();
    assert!(matches!(&events[..], [TurnEvent::Ended(e)] if e.name == "Shield"));
    assert_eq!(board.modifiers(&id("wiz")).ac, 0);
}

#[test]
fn until_the_end_of_the_sources_next_turn_skips_the_turn_it_was_cast_in() {
    let json = r#"[{"type":"apply","effect":{"name":"Glimmer","duration":{"until":"end_of_source_turn"},
      "used_by":"attack_against","modifiers":{"attacked":1}}}]"#;
    let out = run(
        &tree(json),
        &ctx(dc(0)),
        &[target(10, 0)],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    let t = target(10, 0);
    let mut board = Board::new();
    board
        .start_turn(&id("cleric"), &t, &mut FixedRolls::new([1]))
        .unwrap();
    board.apply(&id("cleric"), &[id("orc")], &out, dc(0), false);
    board
        .end_turn(&id("cleric"), &t, &mut FixedRolls::new([1]))
        .unwrap();
    assert_eq!(
        board.modifiers(&id("orc")).attacked,
        1,
        "survives the casting turn"
    );
    // The next attack against the orc uses it up.
    let ended = board.used(&id("orc"), UsedBy::AttackAgainst);
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].why, EndReason::UsedUp);
}

#[test]
fn acid_burns_once_at_the_end_of_the_targets_next_turn() {
    let json = r#"[{"type":"attack","hit":[
        {"type":"damage","amount":{"dice":"4d4"},"damage_type":"acid"},
        {"type":"apply","effect":{"name":"Acid Arrow","each_turn":{"when":"end","once":true,
          "effects":[{"type":"damage","amount":{"dice":"2d4"},"damage_type":"acid"}]}}}]}]"#;
    let mut figures = dc(0);
    figures.attack_bonus = 5;
    let out = run(
        &tree(json),
        &ctx(figures),
        &[target(10, 0)],
        &mut FixedRolls::new([15, 1, 1, 1, 1]),
    )
    .unwrap();
    assert_eq!(out[0].total_taken(), 4);
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("orc")], &out, figures, false);
    let events = board
        .end_turn(&id("orc"), &target(10, 0), &mut FixedRolls::new([2, 3]))
        .unwrap();
    let [
        TurnEvent::Triggered { resolutions, .. },
        TurnEvent::Ended(e),
    ] = &events[..]
    else {
        panic!("a burn then the end: {events:?}");
    };
    assert_eq!(resolutions[0].total_taken(), 5);
    assert_eq!(e.why, EndReason::Expired);
    assert!(board.effects().is_empty());
}

#[test]
fn a_cloud_damages_at_the_start_of_each_turn_with_the_casts_dc() {
    let json = r#"[{"type":"apply","effect":{"name":"Cloud","each_turn":{"when":"start",
      "effects":[{"type":"save","ability":"constitution",
        "fail":[{"type":"damage","amount":{"dice":"5d8"},"damage_type":"poison"}],
        "success":[{"type":"damage","amount":{"dice":"5d8"},"damage_type":"poison","half":true}]}]}}}]"#;
    let out = run(
        &tree(json),
        &ctx(dc(15)),
        &[target(10, 0)],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("orc")], &out, dc(15), true);
    for (save, taken) in [(2, 10), (20, 5)] {
        let events = board
            .start_turn(
                &id("orc"),
                &target(10, 0),
                &mut FixedRolls::new([2, 2, 2, 2, 2, save]),
            )
            .unwrap();
        let [TurnEvent::Triggered { resolutions, .. }] = &events[..] else {
            panic!("{events:?}");
        };
        assert_eq!(resolutions[0].total_taken(), taken);
        board
            .end_turn(&id("orc"), &target(10, 0), &mut FixedRolls::new([1]))
            .unwrap();
    }
}

#[test]
fn same_named_effects_do_not_stack_but_different_ones_do() {
    let bless = r#"[{"type":"apply","effect":{"name":"Bless","modifiers":{"attack_dice":"1d4","save_dice":"1d4"}}}]"#;
    let bane = r#"[{"type":"apply","effect":{"name":"Bane","modifiers":{"attack_dice":"-1d4"}}}]"#;
    let mut board = Board::new();
    for (who, json) in [("cleric", bless), ("paladin", bless), ("witch", bane)] {
        let out = run(
            &tree(json),
            &ctx(dc(0)),
            &[target(10, 0)],
            &mut FixedRolls::new([1]),
        )
        .unwrap();
        board.apply(&id(who), &[id("fighter")], &out, dc(0), true);
    }
    let m = board.modifiers(&id("fighter"));
    assert_eq!(m.attack_dice.as_deref(), Some("1d4-1d4"));
    assert_eq!(m.save_dice.as_deref(), Some("1d4"));
}

#[test]
fn damage_ends_effects_that_damage_ends() {
    let json = r#"[{"type":"apply","effect":{"name":"Sleep","conditions":["unconscious"],"ends_on_damage":true}}]"#;
    let out = run(
        &tree(json),
        &ctx(dc(0)),
        &[target(10, 0)],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("orc")], &out, dc(0), false);
    let events = board
        .damaged(&id("orc"), &target(10, 0), &mut FixedRolls::new([1]))
        .unwrap();
    let [TurnEvent::Ended(ended)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(ended.why, EndReason::Damaged);
    assert!(board.conditions(&id("orc")).is_empty());
}

#[test]
fn a_spent_breath_weapon_recharges_on_a_5_or_6() {
    let dragon = content::monster("Adult Red Dragon").unwrap();
    let mut res = Resources::of(dragon);
    res.spend("Fire Breath", 0).unwrap();
    let err = res.spend("Fire Breath", 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Fire Breath is not ready: it recharges on 5–6 at the start of its turn"
    );
    assert_eq!(
        res.start_turn(&mut FixedRolls::new([4])),
        vec![("Fire Breath".to_string(), 4, false)]
    );
    assert!(!res.ready("Fire Breath"));
    res.start_turn(&mut FixedRolls::new([6]));
    assert!(res.ready("Fire Breath"));
}

#[test]
fn legendary_actions_are_three_a_round_and_cost_what_they_say() {
    let dragon = content::monster("Adult Red Dragon").unwrap();
    let mut res = Resources::of(dragon);
    res.spend("Wing Attack (Costs 2 Actions)", 2).unwrap();
    res.spend("Tail Attack", 1).unwrap();
    let err = res.spend("Tail Attack", 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tail Attack costs 1 legendary actions and 0 are left this round"
    );
    res.start_turn(&mut FixedRolls::new([1]));
    res.spend("Tail Attack", 1).unwrap();
}

#[test]
fn uses_per_day_come_back_on_a_long_rest_only() {
    let mut res = Resources::default();
    res.uses.insert(
        "Teleport".into(),
        rules::automation::UseState::PerDay { left: 1, max: 1 },
    );
    res.spend("Teleport", 0).unwrap();
    assert!(res.spend("Teleport", 0).is_err());
    res.rest(content::RestKind::Short);
    assert!(!res.ready("Teleport"));
    res.rest(content::RestKind::Long);
    assert!(res.ready("Teleport"));
}

const CLAW: &str = r#"[{"type":"attack","bonus":6,"hit":[
  {"type":"damage","amount":{"dice":"2d6"},"damage_type":"slashing"},
  {"type":"only","max_size":"large","then":[{"type":"apply","effect":{"name":"Grappled by Claw",
    "conditions":["grappled"],"escape_dc":14}}]}]}]"#;

#[test]
fn a_rider_limited_by_size_skips_bigger_targets() {
    let mut huge = target(10, 0);
    huge.size = rules::mechanics::Size::Huge;
    let out = run(
        &tree(CLAW),
        &ctx(dc(0)),
        &[target(10, 0), huge],
        &mut FixedRolls::new([15, 3, 3, 15, 3, 3]),
    )
    .unwrap();
    assert_eq!(out[0].conditions, vec![Condition::Grappled]);
    assert_eq!(out[0].applied[0].effect.escape_dc, Some(14));
    assert!(out[1].conditions.is_empty());
    assert_eq!(out[1].total_taken(), 6);
}

#[test]
fn failing_a_save_by_5_or_more_adds_its_own_effects() {
    let json = r#"[{"type":"save","ability":"constitution","dc":13,
      "fail":[{"type":"apply","effect":{"name":"Poisoned","conditions":["poisoned"],"duration":{"until":"rounds","rounds":10}}}],
      "fail_by_5":[{"type":"apply","effect":{"name":"Poisoned","conditions":["unconscious"],"ends_on_damage":true}}]}]"#;
    let out = run(
        &tree(json),
        &ctx(dc(0)),
        &[target(10, 0), target(10, 0)],
        &mut FixedRolls::new([8, 12]),
    )
    .unwrap();
    assert_eq!(
        out[0].conditions,
        vec![Condition::Poisoned, Condition::Unconscious]
    );
    assert_eq!(out[1].conditions, vec![Condition::Poisoned]);
}

#[test]
fn a_successful_save_can_make_the_target_immune_for_a_day() {
    let json = r#"[{"type":"save","ability":"wisdom","dc":16,"immunity_rounds":14400,
      "fail":[{"type":"apply","effect":{"name":"Frightful Presence","conditions":["frightened"]}}]}]"#;
    let mut c = ctx(dc(0));
    c.name = "Frightful Presence".into();
    let out = run(
        &tree(json),
        &c,
        &[target(10, 0)],
        &mut FixedRolls::new([18]),
    )
    .unwrap();
    assert!(out[0].conditions.is_empty());
    let mut board = Board::new();
    board.apply(&id("drg"), &[id("hero")], &out, dc(16), false);
    assert_eq!(board.immunities(&id("hero")), ["Frightful Presence"]);
    let mut hero = target(10, 0);
    hero.immune_to = board.immunities(&id("hero"));
    let mut dice = FixedRolls::new([1]);
    let again = run(&tree(json), &c, &[hero], &mut dice).unwrap();
    assert!(again[0].immune_to_action);
    assert!(again[0].save.is_none() && again[0].conditions.is_empty());
    assert_eq!(dice.rolled(), 0);
}

#[test]
fn a_draining_hit_lowers_the_maximum_by_the_damage_it_dealt() {
    let json = r#"[{"type":"attack","bonus":4,"hit":[
      {"type":"damage","amount":{"dice":"1d6+2"},"damage_type":"necrotic"},
      {"type":"save","ability":"constitution","dc":13,"fail":[
        {"type":"apply","effect":{"name":"Life Drain","drain":true}}]}]}]"#;
    let out = run(
        &tree(json),
        &ctx(dc(0)),
        &[target(10, 0)],
        &mut FixedRolls::new([15, 4, 2]),
    )
    .unwrap();
    assert_eq!(out[0].total_taken(), 6);
    assert_eq!(out[0].applied[0].effect.modifiers.max_hp, -6);
}

#[test]
fn a_tree_reads_as_one_line() {
    let claws = content::monster("Ghoul").unwrap().action("Claws").unwrap();
    assert!(content::has_riders(&claws.effects));
    assert_eq!(
        content::summary(&claws.effects),
        "+4 to hit → 2d4+2 slashing, if not elf or undead: DC 10 CON save: fail → \
         Paralyzed by Ghoul (paralyzed; 1 minute; CON save ends at end of turn)"
    );
    let bite = content::monster("Ghoul").unwrap().action("Bite").unwrap();
    assert!(!content::has_riders(&bite.effects));
    assert_eq!(
        content::summary(&tree(SHIELD)),
        "self: Shield (AC +5; until the start of the source's next turn)"
    );
}

#[test]
fn a_choice_runs_the_named_option_and_asks_when_none_is_named() {
    let json = r#"[{"type":"save","ability":"constitution","fail":[{"type":"choice","options":[
      {"name":"blinded","effects":[{"type":"apply","effect":{"name":"Blindness","conditions":["blinded"]}}]},
      {"name":"deafened","effects":[{"type":"apply","effect":{"name":"Deafness","conditions":["deafened"]}}]}]}]}]"#;
    let mut c = ctx(dc(15));
    let err = run(&tree(json), &c, &[target(10, 0)], &mut FixedRolls::new([1])).unwrap_err();
    assert!(
        err.to_string().contains("choose one of: blinded, deafened"),
        "{err}"
    );
    c.choice = Some("Deafened".into());
    let out = run(&tree(json), &c, &[target(10, 0)], &mut FixedRolls::new([1])).unwrap();
    assert_eq!(out[0].conditions, [Condition::Deafened]);
}

#[test]
fn a_hit_point_pool_takes_the_weakest_first_while_it_lasts() {
    let json = r#"[{"type":"pool","amount":{"dice":"5d8"},"then":[
      {"type":"apply","effect":{"name":"Sleep","conditions":["unconscious"],"ends_on_damage":true}}]}]"#;
    let hp = |hp: u32| Target {
        hp,
        ..target(10, 0)
    };
    // A pool of 20 (5d8 of 4): 7 first (13 left), then 12 (1 left); 30 is too many.
    let out = run(
        &tree(json),
        &ctx(dc(0)),
        &[hp(30), hp(12), hp(7)],
        &mut FixedRolls::new([4]),
    )
    .unwrap();
    let asleep: Vec<bool> = out.iter().map(|r| !r.conditions.is_empty()).collect();
    assert_eq!(asleep, [false, true, true]);
    assert_eq!(out.iter().map(|r| r.target).collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn noted_damage_is_an_alternative_picked_by_the_choice() {
    let json = r#"[{"type":"attack","bonus":5,"hit":[
      {"type":"damage","amount":{"dice":"1d8+3"},"damage_type":"slashing","note":"One handed"},
      {"type":"damage","amount":{"dice":"1d10+3"},"damage_type":"slashing","note":"Two handed"},
      {"type":"damage","amount":{"dice":"1d6"},"damage_type":"fire"}]}]"#;
    let mut c = ctx(dc(0));
    let one = run(
        &tree(json),
        &c,
        &[target(10, 0)],
        &mut FixedRolls::new([15, 8, 2]),
    )
    .unwrap();
    assert_eq!(one[0].damage.len(), 2, "one grip and the fire");
    assert_eq!(one[0].total_taken(), 8 + 3 + 2);
    c.choice = Some("two handed".into());
    let two = run(
        &tree(json),
        &c,
        &[target(10, 0)],
        &mut FixedRolls::new([15, 10, 2]),
    )
    .unwrap();
    assert_eq!(two[0].total_taken(), 10 + 3 + 2);
    // A plain default with a noted alternative: the alternative only when chosen.
    let json = r#"[{"type":"attack","bonus":5,"hit":[
      {"type":"damage","amount":{"dice":"1d8"},"damage_type":"bludgeoning"},
      {"type":"damage","amount":{"dice":"2d8"},"damage_type":"bludgeoning","note":"enlarged"}]}]"#;
    let plain = run(
        &tree(json),
        &ctx(dc(0)),
        &[target(10, 0)],
        &mut FixedRolls::new([15, 5]),
    )
    .unwrap();
    assert_eq!((plain[0].damage.len(), plain[0].total_taken()), (1, 5));
    let mut big = ctx(dc(0));
    big.choice = Some("enlarged".into());
    let enlarged = run(
        &tree(json),
        &big,
        &[target(10, 0)],
        &mut FixedRolls::new([15, 5]),
    )
    .unwrap();
    assert_eq!(
        (enlarged[0].damage.len(), enlarged[0].total_taken()),
        (1, 10)
    );
}

#[test]
fn immunity_after_a_save_is_to_that_creatures_action_only() {
    let json = r#"[{"type":"save","ability":"wisdom","dc":16,"immunity_rounds":14400,
      "fail":[{"type":"apply","effect":{"name":"Frightened","conditions":["frightened"]}}]}]"#;
    let mut red = ctx(dc(0));
    red.name = "Frightful Presence".into();
    red.source = Some("adult-red-dragon".into());
    let out = run(
        &tree(json),
        &red,
        &[target(10, 0)],
        &mut FixedRolls::new([20]),
    )
    .unwrap();
    let mut board = Board::new();
    board.apply(&id("red"), &[id("hero")], &out, dc(16), false);
    let mut hero = target(10, 0);
    hero.immune_to = board.immunities(&id("hero"));
    assert_eq!(hero.immune_to, ["adult-red-dragon / Frightful Presence"]);
    assert!(
        run(
            &tree(json),
            &red,
            std::slice::from_ref(&hero),
            &mut FixedRolls::new([1])
        )
        .unwrap()[0]
            .immune_to_action
    );
    let mut blue = red.clone();
    blue.source = Some("adult-blue-dragon".into());
    let scared = run(&tree(json), &blue, &[hero], &mut FixedRolls::new([1])).unwrap();
    assert_eq!(scared[0].conditions, [Condition::Frightened]);
}

#[test]
fn aid_raises_the_maximum_and_web_escapes_at_the_casters_dc() {
    let aid = r#"[{"type":"apply","effect":{"name":"Aid","max_hp_amount":{"dice":"5","by_slot_level":{"3":"10"}}}}]"#;
    let figures = CastFigures {
        spell_level: 2,
        slot: 3,
        ..dc(0)
    };
    let out = run(
        &tree(aid),
        &ctx(figures),
        &[target(10, 0)],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    assert_eq!(out[0].applied[0].effect.modifiers.max_hp, 10);
    let web = r#"[{"type":"save","ability":"dexterity","fail":[{"type":"apply","effect":{"name":"Web",
      "conditions":["restrained"],"escape_at_save_dc":true}}]}]"#;
    let out = run(
        &tree(web),
        &ctx(dc(14)),
        &[target(10, 0)],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    assert_eq!(out[0].applied[0].effect.escape_dc, Some(14));
}

#[test]
fn heroism_keeps_fear_away_and_slow_weakens_dexterity_saves() {
    let mut brave = target(10, 0);
    brave
        .modifiers
        .condition_immunities
        .push(Condition::Frightened);
    let fear = r#"[{"type":"save","ability":"wisdom","fail":[{"type":"apply","effect":{"name":"Fear","conditions":["frightened"]}}]}]"#;
    let out = run(
        &tree(fear),
        &ctx(dc(15)),
        &[brave],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    assert!(out[0].conditions.is_empty());
    assert_eq!(out[0].immune, [Condition::Frightened]);
    let mut slowed = target(10, 0);
    slowed
        .modifiers
        .save_bonus
        .insert(rules::mechanics::Ability::Dexterity, -2);
    // 16 would meet DC 15 but 16 - 2 does not.
    let out = run(
        &tree(FIREBALL),
        &ctx(dc(15)),
        &[slowed],
        &mut FixedRolls::new([1, 1, 1, 1, 1, 1, 1, 1, 16]),
    )
    .unwrap();
    assert!(!out[0].save.as_ref().unwrap().success());
}

#[test]
fn restoration_revival_stabilizing_and_pushes_are_reported() {
    let json = r#"[{"type":"remove","conditions":["poisoned"]},{"type":"revive","hp":1},{"type":"stabilize"},{"type":"push","feet":10}]"#;
    let out = run(
        &tree(json),
        &ctx(dc(0)),
        &[target(10, 0)],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    assert_eq!(out[0].removed, [Condition::Poisoned]);
    assert_eq!(
        (out[0].revived, out[0].stabilized, out[0].pushed_ft),
        (Some(1), true, 10)
    );
}

#[test]
fn a_rider_can_spare_a_subtype_such_as_elves() {
    let claws = content::monster("Ghoul").unwrap().action("Claws").unwrap();
    let mut elf = target(10, 0);
    elf.creature_type = "humanoid".into();
    elf.subtype = Some("elf".into());
    let mut human = elf.clone();
    human.subtype = Some("human".into());
    let out = run(
        &claws.effects,
        &ctx(dc(0)),
        &[elf, human],
        &mut FixedRolls::new([15, 2, 2, 15, 2, 2, 1]),
    )
    .unwrap();
    assert!(out[0].conditions.is_empty(), "elves are spared");
    assert_eq!(out[1].conditions, [Condition::Paralyzed]);
}
