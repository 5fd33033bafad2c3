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

fn monster_action(m: &str, a: &str) -> (&'static content::Monster, &'static content::Action) {
    let m = content::monster(m).unwrap();
    (m, m.action(a).unwrap())
}

fn run_monster(
    m: &str,
    a: &str,
    target: &Target,
    faces: &[u64],
) -> Vec<rules::automation::Resolution> {
    let (m, a) = monster_action(m, a);
    rules::automation::run_action(
        m,
        a,
        target,
        Advantage::Normal,
        &mut FixedRolls::new(faces.iter().copied()),
    )
    .unwrap()
}

#[test]
fn a_slaying_longbow_kills_a_creature_of_190_hit_points_or_fewer_that_fails() {
    // Hit (15), 2d8+6 and 6d8 of 1s, then a Constitution save of 2.
    let mut weak = target(10, 0);
    weak.hp = 150;
    let out = run_monster(
        "solar",
        "Slaying Longbow",
        &weak,
        &[15, 1, 1, 1, 1, 1, 1, 1, 1, 2],
    );
    assert!(out[0].killed);
    let mut strong = weak.clone();
    strong.hp = 250;
    let out = run_monster(
        "solar",
        "Slaying Longbow",
        &strong,
        &[15, 1, 1, 1, 1, 1, 1, 1, 1, 2],
    );
    assert!(!out[0].killed, "too many hit points to be slain");
    // Power Word Kill: 100 hit points or fewer, no save.
    let pwk = content::spell("Power Word Kill").unwrap();
    let mut ctx = ctx(dc(15));
    ctx.figures.slot = 9;
    let mut low = target(10, 0);
    low.hp = 100;
    let out = run(
        &pwk.effects,
        &ctx,
        &[low, strong],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    assert_eq!((out[0].killed, out[1].killed), (true, false));
}

#[test]
fn a_vampire_bite_heals_the_vampire_and_drains_only_the_necrotic_damage() {
    // Hit (15), 1d6+3 piercing (4 → 7), 2d6 necrotic (3, 3 → 6).
    let mut resists = target(10, 0);
    resists.defenses.resistances.insert(DamageType::Necrotic);
    let out = run_monster("vampire-spawn", "Bite", &resists, &[15, 4, 3, 3]);
    assert_eq!(out[0].total_taken(), 7 + 3);
    assert_eq!(out[0].source_healing, 3, "the necrotic damage taken");
    assert_eq!(out[0].applied[0].effect.modifiers.max_hp, -3);
    // Vampiric Touch: half of all the damage.
    let touch = content::spell("Vampiric Touch").unwrap();
    let mut ctx = ctx(dc(15));
    ctx.figures.attack_bonus = 7;
    ctx.figures.slot = 3;
    let out = run(
        &touch.effects,
        &ctx,
        &[target(10, 0)],
        &mut FixedRolls::new([15, 3, 3, 3]),
    )
    .unwrap();
    assert_eq!(out[0].total_taken(), 9);
    assert_eq!(out[0].source_healing, 4);
}

#[test]
fn a_balor_rolls_its_damage_dice_three_times_on_a_critical_hit() {
    let mut dice = FixedRolls::new([20]);
    let (m, a) = monster_action("balor", "Longsword");
    let out =
        rules::automation::run_action(m, a, &target(10, 0), Advantage::Normal, &mut dice).unwrap();
    // 9d8+8 slashing and 9d8 lightning, every die a 20 → capped at 8.
    assert_eq!(dice.rolled(), 1 + 9 + 9);
    assert_eq!(
        out[0].attack.as_ref().unwrap().result,
        AttackResult::Critical
    );
}

#[test]
fn poison_that_drops_the_target_to_0_leaves_it_stable_poisoned_and_paralyzed() {
    // Hit (15), 1d8+3 piercing (1 → 4), a failed save (2), 2d8 poison (1, 1 → 2).
    let mut frail = target(10, 0);
    frail.hp = 6;
    let out = run_monster("giant-spider", "Bite", &frail, &[15, 1, 2, 1, 1]);
    assert!(out[0].stabilized);
    assert_eq!(
        out[0].conditions,
        [Condition::Poisoned, Condition::Paralyzed]
    );
    let mut hale = frail.clone();
    hale.hp = 30;
    let out = run_monster("giant-spider", "Bite", &hale, &[15, 1, 2, 1, 1]);
    assert!(out[0].conditions.is_empty() && !out[0].stabilized);
}

#[test]
fn an_attached_stirge_drains_on_its_own_turns_until_it_has_drunk_10() {
    let out = run_monster("stirge", "Blood Drain", &target(10, 0), &[15, 1]);
    let mut board = Board::new();
    board.apply(&id("stirge"), &[id("pc")], &out, dc(0), false);
    // Nothing on the victim's own turn.
    let events = board
        .start_turn(&id("pc"), &target(10, 0), &mut FixedRolls::new([4]))
        .unwrap();
    assert!(events.is_empty());
    // 1d4+3 = 7 on the stirge's turn, then 7 more: 14 ≥ 10, it detaches.
    let describe = |_: &CreatureId| Some(target(10, 0));
    let first = board
        .source_turn(
            &id("stirge"),
            content::TurnPoint::Start,
            describe,
            &mut FixedRolls::new([4]),
        )
        .unwrap();
    let TurnEvent::Triggered { resolutions, .. } = &first[0] else {
        panic!("{first:?}")
    };
    assert_eq!(resolutions[0].hp_lost, 7);
    assert_eq!(board.effects().len(), 1);
    let second = board
        .source_turn(
            &id("stirge"),
            content::TurnPoint::Start,
            describe,
            &mut FixedRolls::new([4]),
        )
        .unwrap();
    assert!(matches!(second.last(), Some(TurnEvent::Ended(_))));
    assert!(board.effects().is_empty());
}

#[test]
fn corroded_armor_stacks_and_needs_the_armor_tag() {
    let mut armored = target(18, 0);
    armored.tags = vec!["nonmagical metal armor".into()];
    let mut board = Board::new();
    for _ in 0..2 {
        let out = run_monster("gray-ooze", "Pseudopod", &armored, &[19, 1, 1, 1]);
        board.apply(&id("ooze"), &[id("pc")], &out, dc(0), false);
    }
    assert_eq!(board.modifiers(&id("pc")).ac, -2);
    let out = run_monster("gray-ooze", "Pseudopod", &target(18, 0), &[19, 1, 1, 1]);
    assert!(
        out[0].applied.is_empty(),
        "no metal armor, nothing to corrode"
    );
}

#[test]
fn attacks_have_advantage_on_or_hit_outright_the_creature_the_monster_holds() {
    let mut held = target(15, 0);
    held.effects = vec!["Grappled by Ankheg".into()];
    // Advantage: 1 and 20, the 20 counts.
    let out = run_monster("ankheg", "Bite", &held, &[1, 20, 1, 1, 1]);
    assert_eq!(
        out[0].attack.as_ref().unwrap().result,
        AttackResult::Critical
    );
    let out = run_monster("ankheg", "Bite", &target(15, 0), &[1, 20, 1, 1, 1]);
    assert_eq!(out[0].attack.as_ref().unwrap().result, AttackResult::Miss);
    // A marilith's tail hits the creature it grapples without a roll.
    let mut grappled = target(30, 0);
    grappled.effects = vec!["Grappled by Marilith".into()];
    let out = run_monster("marilith", "Tail", &grappled, &[1]);
    assert!(out[0].auto_hit && out[0].attack.is_none());
    assert_eq!(out[0].total_taken(), 2 + 4);
}

#[test]
fn a_contest_pulls_the_loser_and_disadvantage_on_checks_counts() {
    // Hit (15), 2d6+4 (1, 1), then the merrow's Strength check 15 + 4 against 10 + 0.
    let out = run_monster("merrow", "Harpoon", &target(10, 0), &[15, 1, 1, 15, 10]);
    assert_eq!(out[0].contest, Some([19, 10]));
    assert_eq!(out[0].pushed_ft, -20);
    let mut strong = target(10, 0);
    strong.checks = [10, 0, 0, 0, 0, 0];
    let out = run_monster("merrow", "Harpoon", &strong, &[15, 1, 1, 15, 10]);
    assert_eq!(out[0].pushed_ft, 0, "a tie or a loss moves nothing");
    // With disadvantage on Strength checks (a roper's tendril) the lower die counts.
    strong.modifiers.check_disadvantage = vec![rules::mechanics::Ability::Strength];
    let out = run_monster("merrow", "Harpoon", &strong, &[15, 1, 1, 15, 10, 1]);
    assert_eq!(out[0].contest, Some([19, 11]));
    assert_eq!(out[0].pushed_ft, -20);
}

#[test]
fn counted_saves_turn_a_creature_to_stone_or_let_it_go() {
    // Cockatrice: hit, 1d4+1, a failed save (2): restrained while turning.
    let out = run_monster("cockatrice", "Bite", &target(10, 0), &[15, 1, 2]);
    let mut board = Board::new();
    board.apply(&id("cockatrice"), &[id("pc")], &out, dc(11), false);
    assert_eq!(board.conditions(&id("pc")), [Condition::Restrained]);
    board
        .end_turn(&id("pc"), &target(10, 0), &mut FixedRolls::new([2]))
        .unwrap();
    assert_eq!(board.conditions(&id("pc")), [Condition::Petrified]);
    // Flesh to Stone: three successes end it.
    let flesh = content::spell("Flesh to Stone").unwrap();
    let out = run(
        &flesh.effects,
        &ctx(dc(15)),
        &[target(10, 0)],
        &mut FixedRolls::new([2]),
    )
    .unwrap();
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("pc")], &out, dc(15), true);
    for n in 0..3 {
        assert_eq!(
            board.conditions(&id("pc")),
            [Condition::Restrained],
            "save {n}"
        );
        board
            .end_turn(&id("pc"), &target(10, 0), &mut FixedRolls::new([19]))
            .unwrap();
    }
    assert!(board.effects().is_empty());
}

#[test]
fn a_monster_choice_defaults_to_its_first_option_and_attacks_have_alternatives() {
    // Vampire spawn claws: damage by default, a grapple when the planner says so.
    let out = run_monster("vampire-spawn", "Claws", &target(10, 0), &[15, 1, 1]);
    assert_eq!(out[0].total_taken(), 5);
    let (m, a) = monster_action("vampire-spawn", "Claws");
    let mut ctx = rules::automation::action_context(a, Advantage::Normal);
    ctx.source = Some(m.id.clone());
    ctx.choice = Some("Grapple".into());
    let out = run(
        &a.effects,
        &ctx,
        &[target(10, 0)],
        &mut FixedRolls::new([15, 1, 1]),
    )
    .unwrap();
    assert_eq!(
        (out[0].total_taken(), out[0].conditions.clone()),
        (0, vec![Condition::Grappled])
    );
    // A druid's quarterstaff with shillelagh: +4 to hit, 1d8+2.
    let (_, staff) = monster_action("druid", "Quarterstaff");
    let mut ctx = rules::automation::action_context(staff, Advantage::Normal);
    ctx.choice = Some("With shillelagh".into());
    let out = run(
        &staff.effects,
        &ctx,
        &[target(14, 0)],
        &mut FixedRolls::new([10, 1]),
    )
    .unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].attack.as_ref().unwrap().total, 14);
    assert_eq!(out[0].total_taken(), 3);
    ctx.choice = None;
    let out = run(
        &staff.effects,
        &ctx,
        &[target(14, 0)],
        &mut FixedRolls::new([10, 1]),
    )
    .unwrap();
    assert_eq!(out[0].attack.as_ref().unwrap().total, 12);
}

#[test]
fn webbing_is_an_object_that_ends_when_destroyed_and_escapes_can_have_disadvantage() {
    let out = run_monster("giant-spider", "Web", &target(10, 0), &[15]);
    let mut board = Board::new();
    let (added, _) = board.apply(&id("spider"), &[id("pc")], &out, dc(0), false);
    let (taken, ended) = board
        .damage_object(added[0], 3, DamageType::Bludgeoning)
        .unwrap();
    assert_eq!((taken, ended.is_none()), (0, true), "immune to bludgeoning");
    let (taken, ended) = board.damage_object(added[0], 3, DamageType::Fire).unwrap();
    assert_eq!(taken, 6);
    assert!(ended.is_some() && board.effects().is_empty());
    // A mimic in object form: escape checks at disadvantage (18 and 2: 2 + 5 fails DC 13).
    let (m, a) = monster_action("mimic", "Pseudopod");
    let mut ctx = rules::automation::action_context(a, Advantage::Normal);
    ctx.source = Some(m.id.clone());
    ctx.choice = Some("Object form".into());
    let out = run(
        &a.effects,
        &ctx,
        &[target(10, 0)],
        &mut FixedRolls::new([15, 1]),
    )
    .unwrap();
    let (added, _) = board.apply(&id("mimic"), &[id("pc")], &out, dc(0), false);
    let (outcome, ended) = board
        .escape(added[0], 5, &mut FixedRolls::new([18, 2]))
        .unwrap();
    assert!(!outcome.success() && ended.is_none());
}

#[test]
fn strength_drain_kills_at_0_and_a_disease_takes_hold_after_a_minute() {
    let mut weak = target(10, 0);
    weak.scores = [3, 10, 10, 10, 10, 10];
    // Hit, 2d6+2 (1, 1), 1d4 = 3: Strength 3 → 0.
    let out = run_monster("shadow", "Strength Drain", &weak, &[15, 1, 1, 3]);
    assert!(out[0].killed);
    let mut board = Board::new();
    board.apply(&id("shadow"), &[id("pc")], &out, dc(0), false);
    let m = board.modifiers(&id("pc"));
    assert_eq!(
        m.scores.get(&rules::mechanics::Ability::Strength),
        Some(&-3)
    );
    // Aboleth: a failed save, nothing for 10 rounds, then no healing.
    let out = run_monster("aboleth", "Tentacle", &target(10, 0), &[15, 1, 1, 2]);
    let mut board = Board::new();
    board.apply(&id("aboleth"), &[id("pc")], &out, dc(0), false);
    for _ in 0..10 {
        assert!(!board.modifiers(&id("pc")).no_healing);
        board
            .start_turn(&id("aboleth"), &target(10, 0), &mut FixedRolls::new([10]))
            .unwrap();
    }
    assert!(board.modifiers(&id("pc")).no_healing);
}

#[test]
fn infernal_wounds_grow_with_each_hit_and_close_on_healing() {
    // Bearded devil: hit, 1d10+3, a failed save: a 1d10 wound.
    let out = run_monster("bearded-devil", "Glaive", &target(10, 0), &[15, 1, 2]);
    let mut board = Board::new();
    board.apply(&id("devil"), &[id("pc")], &out, dc(0), false);
    // The next hit on the wounded target adds a wound without a save.
    let mut wounded = target(10, 0);
    wounded.effects = board.names(&id("pc"));
    let out = run_monster("bearded-devil", "Glaive", &wounded, &[15, 1]);
    assert!(out[0].save.is_none());
    board.apply(&id("devil"), &[id("pc")], &out, dc(0), false);
    let events = board
        .start_turn(&id("pc"), &target(10, 0), &mut FixedRolls::new([5]))
        .unwrap();
    let lost: u32 = events
        .iter()
        .filter_map(|e| match e {
            TurnEvent::Triggered { resolutions, .. } => Some(resolutions[0].hp_lost),
            _ => None,
        })
        .sum();
    assert_eq!(lost, 10, "two wounds of 1d10");
    assert_eq!(board.healed(&id("pc")).len(), 2);
}

#[test]
fn a_kraken_swallows_the_creature_it_grapples_and_digests_it_on_its_own_turns() {
    let mut held = target(10, 0);
    held.size = rules::mechanics::Size::Medium;
    let tentacle = run_monster("kraken", "Tentacle", &held, &[15, 1, 1, 1]);
    let mut board = Board::new();
    board.apply(&id("kraken"), &[id("pc")], &tentacle, dc(0), false);
    held.effects = board.names(&id("pc"));
    let bite = run_monster("kraken", "Bite", &held, &[15, 1, 1, 1]);
    board.apply(&id("kraken"), &[id("pc")], &bite, dc(0), false);
    assert_eq!(board.names(&id("pc")), ["Swallowed by Kraken"]);
    let events = board
        .source_turn(
            &id("kraken"),
            content::TurnPoint::Start,
            |_| Some(target(10, 0)),
            &mut FixedRolls::new([1]),
        )
        .unwrap();
    let TurnEvent::Triggered { resolutions, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(resolutions[0].total_taken(), 12);
}

#[test]
fn metal_armor_gives_shocking_grasp_advantage_and_undead_save_against_sunbeam_with_disadvantage() {
    let grasp = content::spell("Shocking Grasp").unwrap();
    let mut c = ctx(dc(13));
    c.figures.attack_bonus = 5;
    let mut plate = target(18, 0);
    plate.tags = vec!["metal armor".into()];
    // 2 and 19: with advantage the 19 hits AC 18.
    let out = run(
        &grasp.effects,
        &c,
        &[plate],
        &mut FixedRolls::new([2, 19, 4]),
    )
    .unwrap();
    assert!(out[0].attack.as_ref().unwrap().result.is_hit());
    let out = run(
        &grasp.effects,
        &c,
        &[target(18, 0)],
        &mut FixedRolls::new([2, 19, 4]),
    )
    .unwrap();
    assert!(!out[0].attack.as_ref().unwrap().result.is_hit());
    // Sunburst: 12d6 of 1s, then saves of 20 and 1 for the undead, 20 for the living.
    let burst = content::spell("Sunburst").unwrap();
    let mut undead = target(10, 0);
    undead.creature_type = "undead".into();
    let mut faces = vec![1; 12];
    faces.extend([20, 1, 20]);
    let out = run(
        &burst.effects,
        &ctx(dc(15)),
        &[undead, target(10, 0)],
        &mut FixedRolls::new(faces),
    )
    .unwrap();
    assert!(
        !out[0].save.as_ref().unwrap().success(),
        "the lower die counts"
    );
    assert!(out[1].save.as_ref().unwrap().success());
}

#[test]
fn psychic_drain_heals_the_aboleth_by_the_damage_taken() {
    let m = content::monster("aboleth").unwrap();
    let drain = m
        .legendary_actions
        .iter()
        .find(|a| a.name.starts_with("Psychic Drain"))
        .unwrap();
    let mut resists = target(10, 0);
    resists.defenses.resistances.insert(DamageType::Psychic);
    let out = rules::automation::run_action(
        m,
        drain,
        &resists,
        Advantage::Normal,
        &mut FixedRolls::new([3, 3, 3]),
    )
    .unwrap();
    assert_eq!((out[0].total_taken(), out[0].source_healing), (4, 4));
}
