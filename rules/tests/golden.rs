//! Golden cases from the SRD for the automation engine, with the real
//! content: Fireball, Magic Missile, Hold Person, Shield, Cure Wounds,
//! Bless, a recharging breath weapon, a multiattack, and a creature immune
//! to a condition. Dice are fixed so every number can be checked by hand.
#![allow(clippy::unwrap_used, missing_docs)]

use rules::automation::{
    Board, Caster, EndReason, Resources, Target, TurnEvent, cast_spell, run, run_action,
    run_area_action, spell_context,
};
use rules::content::{self, CastingKind, Spell};
use rules::dice::{Advantage, FixedRolls};
use rules::mechanics::{AttackResult, Condition, CreatureId, DamageType};

const WIZARD: Caster = Caster {
    attack_bonus: 7,
    save_dc: 15,
    modifier: 4,
    level: 5,
};

fn spell(name: &str) -> &'static Spell {
    content::spell(name).unwrap()
}

fn target(ac: i32, save: i32) -> Target {
    Target {
        ac,
        saves: [save; 6],
        creature_type: "humanoid".into(),
        ..Target::default()
    }
}

fn id(s: &str) -> CreatureId {
    CreatureId::new(s)
}

/// `n` dice showing `face`, then `rest`.
fn faces(n: usize, face: u64, rest: &[u64]) -> FixedRolls {
    let mut all = vec![face; n];
    all.extend_from_slice(rest);
    FixedRolls::new(all)
}

#[test]
fn fireball_rolls_8d6_once_and_halves_for_a_successful_dex_save() {
    let out = cast_spell(
        spell("Fireball"),
        3,
        &WIZARD,
        &[target(12, 0), target(12, 5)],
        Advantage::Normal,
        &mut faces(8, 4, &[3, 14]),
    )
    .unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].damage[0].damage_type, DamageType::Fire);
    assert_eq!(out[0].total_taken(), 32, "3 fails DC 15: all 32");
    assert_eq!(out[1].total_taken(), 16, "14 + 5 saves: half");
    // Cast with a 5th-level slot: 10d6.
    let upcast = cast_spell(
        spell("Fireball"),
        5,
        &WIZARD,
        &[target(12, 0)],
        Advantage::Normal,
        &mut faces(10, 1, &[2]),
    )
    .unwrap();
    assert_eq!(upcast[0].total_taken(), 10);
}

#[test]
fn magic_missile_darts_hit_without_a_roll_and_one_more_per_slot_level() {
    for (slot, darts) in [(1u8, 3usize), (3, 5)] {
        let out = cast_spell(
            spell("Magic Missile"),
            slot,
            &WIZARD,
            &[target(30, 0)],
            Advantage::Normal,
            &mut FixedRolls::new([2]),
        )
        .unwrap();
        assert_eq!(out.len(), darts, "slot {slot}");
        assert!(out.iter().all(|r| r.attack.is_none() && r.save.is_none()));
        assert!(out.iter().all(|r| r.total_taken() == 3), "1d4+1 with a 2");
        assert_eq!(out[0].damage[0].damage_type, DamageType::Force);
    }
    // Split between two targets, first named first.
    let out = cast_spell(
        spell("Magic Missile"),
        1,
        &WIZARD,
        &[target(30, 0), target(30, 0)],
        Advantage::Normal,
        &mut FixedRolls::new([4]),
    )
    .unwrap();
    let per: Vec<usize> = out.iter().map(|r| r.target).collect();
    assert_eq!(per, [0, 1, 0]);
}

#[test]
fn hold_person_paralyzes_a_humanoid_who_saves_again_at_the_end_of_each_turn() {
    let hold = spell("Hold Person");
    assert!(hold.concentration);
    let out = cast_spell(
        hold,
        2,
        &WIZARD,
        &[target(13, 2)],
        Advantage::Normal,
        &mut FixedRolls::new([5]),
    )
    .unwrap();
    assert_eq!(out[0].conditions, [Condition::Paralyzed]);
    let figures = spell_context(hold, 2, &WIZARD, 1).unwrap().figures;
    let mut board = Board::new();
    board.apply(
        &id("wiz"),
        &[id("bandit")],
        &out,
        figures,
        hold.concentration,
    );
    let mut held = target(13, 2);
    held.conditions.add(Condition::Paralyzed);
    // End of its turn: 10 + 2 = 12 fails DC 15, then 13 + 2 = 15 succeeds.
    let events = board
        .end_turn(&id("bandit"), &held, &mut FixedRolls::new([10]))
        .unwrap();
    assert!(matches!(&events[..], [TurnEvent::Save { outcome, .. }] if !outcome.success()));
    let events = board
        .end_turn(&id("bandit"), &held, &mut FixedRolls::new([13]))
        .unwrap();
    assert!(matches!(events.last(), Some(TurnEvent::Ended(e)) if e.why == EndReason::Saved));
    assert!(board.conditions(&id("bandit")).is_empty());

    // Held again; the wizard's concentration breaks and the paralysis ends.
    board.apply(&id("wiz"), &[id("bandit")], &out, figures, true);
    let ended = board.end_concentration(&id("wiz"));
    assert_eq!(ended[0].conditions, [Condition::Paralyzed]);
    assert!(board.effects().is_empty());
    // A second target at a 3rd-level slot; a third is one too many.
    assert!(spell_context(hold, 3, &WIZARD, 2).is_ok());
    assert!(spell_context(hold, 3, &WIZARD, 3).is_err());
}

#[test]
fn hold_monster_does_nothing_to_a_golem_immune_to_paralysis() {
    let golem = Target::monster(content::monster("Flesh Golem").unwrap());
    let out = cast_spell(
        spell("Hold Monster"),
        5,
        &WIZARD,
        &[golem],
        Advantage::Normal,
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    assert!(out[0].conditions.is_empty());
    assert_eq!(out[0].immune, [Condition::Paralyzed]);
    assert!(out[0].applied.is_empty());
}

#[test]
fn shield_is_a_reaction_for_5_ac_until_the_start_of_the_casters_next_turn() {
    let shield = spell("Shield");
    assert_eq!(shield.casting_time.kind, CastingKind::Reaction);
    let me = target(13, 0);
    let out = cast_spell(
        shield,
        1,
        &WIZARD,
        std::slice::from_ref(&me),
        Advantage::Normal,
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    let mut board = Board::new();
    let orc = target(13, 0);
    board
        .start_turn(&id("orc"), &orc, &mut FixedRolls::new([1]))
        .unwrap();
    board.apply(&id("wiz"), &[id("wiz")], &out, Default::default(), false);
    let mut shielded = me.clone();
    shielded.modifiers = board.modifiers(&id("wiz"));
    assert_eq!(shielded.effective_ac(), 18);
    // The orc's greataxe, +5: a 12 would have hit AC 13 but misses AC 18.
    let orc_monster = content::monster("Orc").unwrap();
    let axe = orc_monster.action("Greataxe").unwrap();
    let swing = run_action(
        orc_monster,
        axe,
        &shielded,
        Advantage::Normal,
        &mut FixedRolls::new([12]),
    )
    .unwrap();
    assert_eq!(swing[0].attack.as_ref().unwrap().result, AttackResult::Miss);
    board
        .end_turn(&id("orc"), &orc, &mut FixedRolls::new([1]))
        .unwrap();
    board
        .start_turn(&id("wiz"), &me, &mut FixedRolls::new([1]))
        .unwrap();
    assert_eq!(
        board.modifiers(&id("wiz")).ac,
        0,
        "gone at the start of the wizard's turn"
    );
}

#[test]
fn cure_wounds_heals_a_d8_per_slot_level_plus_the_modifier() {
    let cleric = Caster {
        modifier: 3,
        ..WIZARD
    };
    for (slot, healed) in [(1u8, 5 + 3), (3, 15 + 3)] {
        let out = cast_spell(
            spell("Cure Wounds"),
            slot,
            &cleric,
            &[target(10, 0)],
            Advantage::Normal,
            &mut FixedRolls::new([5]),
        )
        .unwrap();
        assert_eq!(out[0].healing, healed, "slot {slot}");
    }
}

#[test]
fn bless_adds_a_d4_to_three_allies_attacks_and_saves_while_concentrating() {
    let bless = spell("Bless");
    assert!(bless.concentration);
    let allies = [target(16, 0), target(16, 0), target(16, 0)];
    let out = cast_spell(
        bless,
        1,
        &WIZARD,
        &allies,
        Advantage::Normal,
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    assert!(
        spell_context(bless, 1, &WIZARD, 4).is_err(),
        "four is one too many at 1st level"
    );
    let mut board = Board::new();
    let ids = [id("a"), id("b"), id("c")];
    board.apply(&id("cleric"), &ids, &out, Default::default(), true);
    let m = board.modifiers(&id("a"));
    assert_eq!(
        (m.attack_dice.as_deref(), m.save_dice.as_deref()),
        (Some("1d4"), Some("1d4"))
    );
    // A blessed ally's Fireball save: 12 + d4 of 3 = 15 meets the DC.
    let mut blessed = target(16, 0);
    blessed.modifiers = m;
    let saved = cast_spell(
        spell("Fireball"),
        3,
        &WIZARD,
        &[blessed],
        Advantage::Normal,
        &mut faces(8, 2, &[3, 12]),
    )
    .unwrap();
    assert!(saved[0].save.as_ref().unwrap().success());
    assert_eq!(board.end_concentration(&id("cleric")).len(), 3);
}

#[test]
fn a_breath_weapon_recharges_and_rolls_once_for_everyone_in_it() {
    let dragon = content::monster("Young Black Dragon").unwrap();
    let breath = dragon.action("Acid Breath").unwrap();
    let mut res = Resources::of(dragon);
    res.spend("Acid Breath", 0).unwrap();
    let out = run_area_action(
        dragon,
        breath,
        None,
        &[target(10, 0), target(10, 9)],
        &mut faces(11, 3, &[5, 20]),
    )
    .unwrap();
    assert_eq!(out[0].total_taken(), 33, "11d8 of 3, failed save");
    assert_eq!(out[1].total_taken(), 16, "saved: half");
    assert!(!res.ready("Acid Breath"));
    assert_eq!(
        res.start_turn(&mut FixedRolls::new([5])),
        vec![("Acid Breath".to_string(), 5, true)]
    );
    assert!(res.ready("Acid Breath"));
}

#[test]
fn a_multiattack_runs_its_steps_in_order() {
    let ogre = content::monster("Owlbear").unwrap();
    let multi = ogre.action("Multiattack").unwrap();
    let out = run_action(
        ogre,
        multi,
        &target(10, 0),
        Advantage::Normal,
        &mut FixedRolls::new([15]),
    )
    .unwrap();
    let names: Vec<&str> = out.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(names, ["Beak", "Claws"]);
    assert!(
        out.iter()
            .all(|r| r.attack.as_ref().unwrap().result == AttackResult::Hit)
    );
}

#[test]
fn a_tree_runs_the_same_through_run_as_through_cast_spell() {
    let ctx = spell_context(spell("Fire Bolt"), 0, &WIZARD, 1).unwrap();
    let out = run(
        &spell("Fire Bolt").effects,
        &ctx,
        &[target(10, 0)],
        &mut FixedRolls::new([15, 6, 6]),
    )
    .unwrap();
    assert_eq!(out[0].total_taken(), 12, "2d10 at 5th level");
}
