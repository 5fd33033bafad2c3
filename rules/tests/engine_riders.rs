//! The riders that single out some targets or answer what others do, run
//! from the real spell content: saves with advantage by creature type or
//! when fighting, maximum damage, damage that leaves 1 hit point, shared
//! and maximised healing, magical and nonmagical damage, duplicates,
//! effects aimed at one creature, hits answered, damage shared, movement,
//! death warded off.
#![allow(clippy::unwrap_used, missing_docs)]

use rules::automation::{Board, Caster, Target, cast_spell};
use rules::content::{self, UsedBy};
use rules::dice::{Advantage, FixedRolls};
use rules::mechanics::{Condition, Conditions, CreatureId, DamageType, TestOutcome};

const CASTER: Caster = Caster {
    attack_bonus: 7,
    save_dc: 15,
    modifier: 4,
    level: 9,
};

fn target(kind: &str) -> Target {
    Target {
        ac: 12,
        saves: [2; 6],
        creature_type: kind.into(),
        hp: 40,
        max_hp: 40,
        ..Target::default()
    }
}

fn id(s: &str) -> CreatureId {
    CreatureId::new(s)
}

fn cast(
    spell: &str,
    slot: u8,
    targets: &[Target],
    faces: impl IntoIterator<Item = u64>,
) -> Vec<rules::automation::Resolution> {
    let s = content::spell(spell).unwrap();
    let mut dice = FixedRolls::new(faces);
    cast_spell(s, slot, &CASTER, targets, Advantage::Normal, &mut dice).unwrap()
}

fn kept(spell: &str) -> content::Ongoing {
    let out = cast(spell, 9, &[target("humanoid")], [1]);
    out[0].applied[0].effect.clone()
}

/// The d20s a save rolled.
fn save_dice(outcome: &TestOutcome) -> usize {
    match outcome {
        TestOutcome::Rolled { roll, .. } => roll.faces.len(),
        TestOutcome::AutoFailed { .. } => 0,
    }
}

#[test]
fn undead_save_against_sunburst_with_disadvantage() {
    // Damage dice first (12d6 of 3s), then the save: 15 and 4.
    let faces = || std::iter::repeat_n(3, 12).chain([15, 4]);
    let undead = cast("sunburst", 8, &[target("undead")], faces());
    let beast = cast("sunburst", 8, &[target("beast")], faces());
    assert!(!undead[0].save.as_ref().unwrap().success(), "took the 4");
    assert!(
        beast[0].save.as_ref().unwrap().success(),
        "only one d20: 15"
    );
    assert_eq!(save_dice(undead[0].save.as_ref().unwrap()), 2);
    assert_eq!(undead[0].conditions, [Condition::Blinded]);
}

#[test]
fn a_creature_being_fought_saves_against_charm_person_with_advantage() {
    let mut foe = target("humanoid");
    foe.hostile = true;
    let out = cast("charm-person", 2, &[foe, target("humanoid")], [4, 16]);
    // The foe rolls 4 and 16 and keeps 16; the other rolls 16 alone... the
    // fixed dice repeat their last face, so it rolls 16 too.
    assert!(out[0].save.as_ref().unwrap().success());
    assert_eq!(save_dice(out[0].save.as_ref().unwrap()), 2);
    assert_eq!(save_dice(out[1].save.as_ref().unwrap()), 1);
}

#[test]
fn blight_deals_its_maximum_to_a_plant() {
    let plant = cast("blight", 4, &[target("plant")], [2]);
    assert_eq!(plant[0].damage[0].rolled, 64, "8d8 at most");
    assert_eq!(
        save_dice(plant[0].save.as_ref().unwrap()),
        2,
        "disadvantage"
    );
    let beast = cast("blight", 4, &[target("beast")], [2]);
    assert_eq!(beast[0].damage[0].rolled, 16, "8d8 of 2s");
}

#[test]
fn harm_leaves_its_target_at_1_hit_point_and_cuts_the_maximum_as_much() {
    let mut frail = target("humanoid");
    frail.hp = 10;
    let out = cast("harm", 6, &[frail], [6]);
    assert_eq!(out[0].damage[0].rolled, 84);
    assert_eq!(out[0].damage[0].taken, 9, "left at 1");
    assert_eq!(out[0].applied[0].effect.modifiers.max_hp, -9);
}

#[test]
fn mass_heal_shares_700_hit_points_among_the_wounded() {
    let wounded = |hp: u32, max_hp: u32| Target {
        hp,
        max_hp,
        ..target("humanoid")
    };
    let out = cast(
        "mass-heal",
        9,
        &[wounded(10, 510), wounded(0, 300), wounded(5, 9)],
        [1],
    );
    let healed: Vec<u32> = out.iter().map(|r| r.healing).collect();
    assert_eq!(healed, [500, 200, 0]);
    assert_eq!(out[0].removed, [Condition::Blinded, Condition::Deafened]);
}

#[test]
fn beacon_of_hope_makes_healing_roll_its_maximum() {
    let mut hopeful = target("humanoid");
    hopeful.modifiers = kept("beacon-of-hope").modifiers;
    assert!(hopeful.modifiers.death_save_advantage);
    let out = cast("cure-wounds", 1, &[hopeful], [1]);
    assert_eq!(out[0].healing, 12, "1d8 at most + 4");
    let out = cast("cure-wounds", 1, &[target("humanoid")], [1]);
    assert_eq!(out[0].healing, 5, "1 + 4");
}

#[test]
fn sleep_passes_over_undead_and_the_unsleeping_without_using_the_pool() {
    let small = |kind: &str, hp: u32| Target { hp, ..target(kind) };
    let mut elf = small("humanoid", 6);
    elf.condition_immunities = vec![Condition::Charmed];
    // 5d8 of 2s: a pool of 10.
    let out = cast(
        "sleep",
        1,
        &[small("undead", 3), elf, small("humanoid", 9)],
        [2],
    );
    assert!(out[0].conditions.is_empty(), "undead");
    assert!(out[1].conditions.is_empty(), "can't be charmed");
    assert_eq!(out[2].conditions, [Condition::Unconscious], "9 of the 10");
}

#[test]
fn shocking_grasp_has_advantage_against_metal_armor() {
    let mut knight = target("humanoid");
    knight.tags = vec!["metal armor".into()];
    // Attack d20s 3 then 17 (advantage keeps 17), then 1d8.
    let out = cast("shocking-grasp", 0, &[knight], [3, 17, 5]);
    assert!(out[0].attack.as_ref().unwrap().result.is_hit());
    let out = cast("shocking-grasp", 0, &[target("humanoid")], [3, 17, 5]);
    assert!(
        !out[0].attack.as_ref().unwrap().result.is_hit(),
        "3 + 7 < 12"
    );
}

#[test]
fn faerie_fire_takes_away_the_cover_of_invisibility() {
    let mut ghost = target("humanoid");
    let mut conditions = Conditions::default();
    conditions.add(Condition::Invisible);
    ghost.conditions = conditions;
    // Against an invisible target: disadvantage, 18 and 4 keeps 4.
    let out = cast("fire-bolt", 0, std::slice::from_ref(&ghost), [18, 4, 5]);
    assert!(!out[0].attack.as_ref().unwrap().result.is_hit());
    ghost.modifiers = kept("faerie-fire").modifiers;
    // Revealed, and attacks against it have advantage: 18 and 4 keeps 18.
    let out = cast("fire-bolt", 0, &[ghost], [18, 4, 5]);
    assert!(out[0].attack.as_ref().unwrap().result.is_hit());
}

#[test]
fn an_attack_may_strike_a_mirror_image_instead() {
    let mut caster = target("humanoid");
    caster.ac = 18;
    caster.dex_modifier = 2;
    caster.duplicates = 3;
    // The duplicate d20 (6: a duplicate with three left), then the attack: 5 + 7 = 12 ≥ 12.
    let out = cast("fire-bolt", 0, std::slice::from_ref(&caster), [6, 5, 4]);
    assert_eq!(out[0].duplicate, Some(true));
    assert!(out[0].damage.is_empty(), "the caster took nothing");
    // A 5 on the duplicate d20 leaves the attack on the caster: 12 < 18.
    let out = cast("fire-bolt", 0, &[caster], [5, 5, 4]);
    assert_eq!(out[0].duplicate, None);
    assert!(!out[0].attack.as_ref().unwrap().result.is_hit());
}

#[test]
fn stoneskin_resists_nonmagical_blows_but_not_spells() {
    let mut stone = target("humanoid");
    stone.modifiers = kept("stoneskin").modifiers;
    assert_eq!(stone.take(10, DamageType::Slashing), 5);
    assert_eq!(stone.take_from(10, DamageType::Slashing, true), 10);
    // A werewolf's immunity is to nonmagical weapons only.
    let wolf = Target::monster(content::monster("werewolf-human").unwrap());
    assert_eq!(wolf.take(10, DamageType::Slashing), 0);
    assert_eq!(wolf.take_from(10, DamageType::Slashing, true), 10);
}

#[test]
fn magic_weapon_grows_with_the_slot() {
    let at = |slot: u8| {
        let out = cast("magic-weapon", slot, &[target("humanoid")], [1]);
        out[0].applied[0].effect.modifiers.weapon_attack
    };
    assert_eq!((at(2), at(4), at(5), at(6), at(9)), (1, 2, 2, 3, 3));
}

#[test]
fn hunters_mark_counts_only_toward_its_quarry() {
    let mut board = Board::new();
    let out = cast("hunters-mark", 1, &[target("beast")], [1]);
    board.apply(&id("ranger"), &[id("wolf")], &out, out_figures(), true);
    let wolf = target("beast");
    assert!(board.modifiers(&id("ranger")).weapon_damage.is_none());
    let toward = board.modifiers_toward(&id("ranger"), &id("wolf"), &wolf);
    assert_eq!(toward.weapon_damage.unwrap().dice, "1d6");
    let other = board.modifiers_toward(&id("ranger"), &id("bear"), &wolf);
    assert!(other.weapon_damage.is_none());
}

#[test]
fn protection_from_evil_and_good_works_against_fiends_only() {
    let mut board = Board::new();
    let out = cast(
        "protection-from-evil-and-good",
        1,
        &[target("humanoid")],
        [1],
    );
    board.apply(&id("cleric"), &[id("paladin")], &out, out_figures(), true);
    let fiend = board.modifiers_toward(&id("paladin"), &id("imp"), &target("fiend"));
    assert_eq!(fiend.attacked, -1);
    assert!(fiend.condition_immunities.contains(&Condition::Frightened));
    let orc = board.modifiers_toward(&id("paladin"), &id("orc"), &target("humanoid"));
    assert_eq!(orc.attacked, 0);
}

#[test]
fn true_strike_is_spent_by_the_first_attack_on_its_target_only() {
    let mut board = Board::new();
    let out = cast("true-strike", 0, &[target("humanoid")], [1]);
    board.apply(&id("rogue"), &[id("orc")], &out, out_figures(), true);
    assert!(
        board
            .used_toward(&id("rogue"), UsedBy::OwnAttack, &id("goblin"))
            .is_empty()
    );
    assert_eq!(
        board
            .used_toward(&id("rogue"), UsedBy::OwnAttack, &id("orc"))
            .len(),
        1
    );
}

#[test]
fn invisibility_ends_with_a_spell_as_with_an_attack() {
    let mut board = Board::new();
    let out = cast("invisibility", 2, &[target("humanoid")], [1]);
    board.apply(&id("wiz"), &[id("rogue")], &out, out_figures(), true);
    assert!(board.used(&id("rogue"), UsedBy::OwnCheck).is_empty());
    assert_eq!(board.used(&id("rogue"), UsedBy::OwnSpell).len(), 1);
}

#[test]
fn fire_shield_burns_a_creature_that_hits_in_melee() {
    let mut board = Board::new();
    let s = content::spell("fire-shield").unwrap();
    let mut ctx = rules::automation::spell_context(s, 4, &CASTER, 1).unwrap();
    ctx.choice = Some("warm".into());
    let out = rules::automation::run(
        &s.effects,
        &ctx,
        &[target("humanoid")],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    board.apply(&id("wiz"), &[id("wiz")], &out, ctx.figures, false);
    let ogre = target("giant");
    let mut dice = FixedRolls::new([5]);
    let ranged = board
        .hit(&id("wiz"), &id("ogre"), &ogre, false, &mut dice)
        .unwrap();
    assert!(ranged.is_empty(), "only melee hits");
    let melee = board
        .hit(&id("wiz"), &id("ogre"), &ogre, true, &mut dice)
        .unwrap();
    let [rules::automation::TurnEvent::Triggered { resolutions, .. }] = &melee[..] else {
        panic!("{melee:?}")
    };
    assert_eq!(resolutions[0].damage[0].damage_type, DamageType::Fire);
    assert_eq!(resolutions[0].damage[0].rolled, 10);
}

#[test]
fn holy_aura_blinds_an_undead_that_hits_until_the_spell_ends() {
    let mut board = Board::new();
    let out = cast("holy-aura", 8, &[target("humanoid")], [1]);
    board.apply(&id("cleric"), &[id("fighter")], &out, out_figures(), true);
    let mut dice = FixedRolls::new([2]);
    let orc = board
        .hit(
            &id("fighter"),
            &id("orc"),
            &target("humanoid"),
            true,
            &mut dice,
        )
        .unwrap();
    assert!(orc.is_empty(), "only fiends and undead");
    board
        .hit(
            &id("fighter"),
            &id("wight"),
            &target("undead"),
            true,
            &mut dice,
        )
        .unwrap();
    assert_eq!(board.conditions(&id("wight")), [Condition::Blinded]);
    board.end_concentration(&id("cleric"));
    assert!(board.conditions(&id("wight")).is_empty());
}

#[test]
fn warding_bond_shares_damage_until_its_caster_falls() {
    let mut board = Board::new();
    let out = cast("warding-bond", 2, &[target("humanoid")], [1]);
    board.apply(&id("cleric"), &[id("fighter")], &out, out_figures(), false);
    assert_eq!(board.shares_damage(&id("fighter")), [id("cleric")]);
    assert_eq!(board.modifiers(&id("fighter")).ac, 1);
    board.dropped_to_zero(&id("cleric"));
    assert!(board.shares_damage(&id("fighter")).is_empty());
}

#[test]
fn spike_growth_hurts_every_5_feet_moved() {
    let mut board = Board::new();
    let out = cast("spike-growth", 2, &[target("humanoid")], [1]);
    board.apply(&id("druid"), &[id("orc")], &out, out_figures(), true);
    let mut dice = FixedRolls::new([2]);
    let events = board
        .moved(&id("orc"), 15, &target("humanoid"), &mut dice)
        .unwrap();
    let [rules::automation::TurnEvent::Triggered { resolutions, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    let total: u32 = resolutions.iter().map(|r| r.total_taken()).sum();
    assert_eq!((resolutions.len(), total), (3, 12), "three steps of 2d4");
}

#[test]
fn death_ward_is_spent_once() {
    let mut board = Board::new();
    let out = cast("death-ward", 4, &[target("humanoid")], [1]);
    board.apply(&id("cleric"), &[id("fighter")], &out, out_figures(), false);
    assert!(board.ward_off_death(&id("fighter")).is_some());
    assert!(board.ward_off_death(&id("fighter")).is_none());
}

#[test]
fn sanctuary_asks_attackers_for_a_wisdom_save_until_the_ward_attacks() {
    let mut board = Board::new();
    let out = cast("sanctuary", 1, &[target("humanoid")], [1]);
    board.apply(&id("cleric"), &[id("bard")], &out, out_figures(), false);
    assert_eq!(board.sanctuary_dc(&id("bard")), Some(15));
    board.used(&id("bard"), UsedBy::OwnAttack);
    assert_eq!(board.sanctuary_dc(&id("bard")), None);
}

#[test]
fn mirror_image_ends_with_its_last_duplicate() {
    let mut board = Board::new();
    let out = cast("mirror-image", 2, &[target("humanoid")], [1]);
    board.apply(&id("wiz"), &[id("wiz")], &out, out_figures(), false);
    assert_eq!(board.duplicates(&id("wiz")), 3);
    assert!(board.duplicate_destroyed(&id("wiz")).is_none());
    assert!(board.duplicate_destroyed(&id("wiz")).is_none());
    assert!(board.duplicate_destroyed(&id("wiz")).is_some());
    assert_eq!(board.duplicates(&id("wiz")), 0);
}

#[test]
fn sleet_storm_breaks_only_a_concentrating_creatures_focus() {
    let s = content::spell("sleet-storm").unwrap();
    let content::Effect::Apply(storm) = &s.effects[0] else {
        panic!()
    };
    let each = &storm.effect.each_turn.as_ref().unwrap().effects;
    let ctx = rules::automation::spell_context(s, 3, &CASTER, 2).unwrap();
    let mut focused = target("humanoid");
    focused.concentrating = true;
    let out = rules::automation::run(
        each,
        &ctx,
        &[focused, target("humanoid")],
        &mut FixedRolls::new([2]),
    )
    .unwrap();
    assert!(out[0].concentration_broken);
    assert!(!out[1].concentration_broken);
    assert!(out[1].save.is_some(), "the Dexterity save");
}

#[test]
fn black_tentacles_crush_the_restrained_without_a_save() {
    let mut board = Board::new();
    let out = cast("black-tentacles", 4, &[target("humanoid")], [1]);
    board.apply(&id("wiz"), &[id("orc")], &out, out_figures(), true);
    let mut dice = FixedRolls::new([2]);
    // First turn in the area: the save fails (2 + 2 < 15), 3d6 and restrained.
    let events = board
        .start_turn(&id("orc"), &target("humanoid"), &mut dice)
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(board.conditions(&id("orc")), [Condition::Restrained]);
    board
        .end_turn(&id("orc"), &target("humanoid"), &mut dice)
        .unwrap();
    // Next turn: the restraint crushes, and the area asks no new save.
    let mut held = target("humanoid");
    held.effects = board
        .on(&id("orc"))
        .map(|e| e.effect.name.clone())
        .collect();
    let events = board.start_turn(&id("orc"), &held, &mut dice).unwrap();
    let saves = events
        .iter()
        .filter_map(|e| match e {
            rules::automation::TurnEvent::Triggered { resolutions, .. } => Some(resolutions),
            _ => None,
        })
        .flatten()
        .filter(|r| r.save.is_some())
        .count();
    let damage: u32 = events
        .iter()
        .filter_map(|e| match e {
            rules::automation::TurnEvent::Triggered { resolutions, .. } => Some(resolutions),
            _ => None,
        })
        .flatten()
        .map(|r| r.total_taken())
        .sum();
    assert_eq!((saves, damage), (0, 6));
}

#[test]
fn protection_from_poison_gives_advantage_on_saves_against_being_poisoned() {
    let mut ward = target("humanoid");
    ward.modifiers = kept("protection-from-poison").modifiers;
    // The ettercap's bite poisons on a failed save: advantage.
    let ettercap = content::monster("ettercap").unwrap();
    let bite = ettercap.action("Bite").unwrap();
    // Attack 15 hits; 1d8+2 and 1d8 poison; then the save: 3 and 12.
    let mut dice = FixedRolls::new([15, 1, 1, 3, 12]);
    let out =
        rules::automation::run_action(ettercap, bite, &ward, Advantage::Normal, &mut dice).unwrap();
    assert_eq!(save_dice(out[0].save.as_ref().unwrap()), 2);
    assert!(out[0].conditions.is_empty(), "saved with the 12");
    // A purple worm's sting only deals poison damage: a save against damage
    // is not a save against being poisoned.
    let worm = content::monster("purple-worm").unwrap();
    let sting = worm.action("Tail Stinger").unwrap();
    let mut dice = FixedRolls::new([15, 1, 1, 1, 3, 12]);
    let out =
        rules::automation::run_action(worm, sting, &ward, Advantage::Normal, &mut dice).unwrap();
    assert_eq!(save_dice(out[0].save.as_ref().unwrap()), 1);
}

#[test]
fn reduce_takes_1d4_from_weapon_damage_but_never_below_1() {
    let s = content::spell("enlarge-reduce").unwrap();
    let mut ctx = rules::automation::spell_context(s, 2, &CASTER, 1).unwrap();
    ctx.choice = Some("reduce".into());
    let out = rules::automation::run(
        &s.effects,
        &ctx,
        &[target("humanoid")],
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    let reduced = &out[0].applied[0].effect;
    assert_eq!(reduced.modifiers.size, -1);
    let goblin = content::monster("goblin").unwrap();
    let scimitar = goblin.action("Scimitar").unwrap();
    let mut actx = rules::automation::action_context(scimitar, Advantage::Normal);
    actx.modifiers = reduced.modifiers.clone();
    // Attack 15, 1d6+2 of 1 = 3, less a d4 of 4: 1 at least.
    let out = rules::automation::run(
        &scimitar.effects,
        &actx,
        &[target("humanoid")],
        &mut FixedRolls::new([15, 1, 4]),
    )
    .unwrap();
    assert_eq!(out[0].damage[0].rolled, 1);
}

fn out_figures() -> rules::automation::CastFigures {
    rules::automation::CastFigures {
        save_dc: CASTER.save_dc,
        attack_bonus: CASTER.attack_bonus,
        ..Default::default()
    }
}

#[test]
fn branding_smite_brands_the_next_hit_and_its_light_lasts_with_concentration() {
    let mut board = Board::new();
    let out = cast("branding-smite", 3, &[target("humanoid")], [1]);
    board.apply(&id("paladin"), &[id("paladin")], &out, out_figures(), true);
    let smite = board.modifiers(&id("paladin"));
    assert_eq!(
        smite.weapon_damage.as_ref().unwrap().dice,
        "3d6",
        "3rd-level slot"
    );
    let goblin = content::monster("goblin").unwrap();
    let scimitar = goblin.action("Scimitar").unwrap();
    let mut ctx = rules::automation::action_context(scimitar, Advantage::Normal);
    ctx.modifiers = smite;
    let mut ghost = target("humanoid");
    ghost.ac = 5;
    let hit = rules::automation::run(
        &scimitar.effects,
        &ctx,
        &[ghost],
        &mut FixedRolls::new([15, 2]),
    )
    .unwrap();
    assert_eq!(hit[0].damage[1].damage_type, DamageType::Radiant);
    assert_eq!(hit[0].damage[1].rolled, 6);
    board.apply(&id("paladin"), &[id("ghost")], &hit, out_figures(), false);
    assert!(board.modifiers(&id("ghost")).revealed);
    assert_eq!(board.used(&id("paladin"), UsedBy::OwnHit).len(), 1);
    board.end_concentration(&id("paladin"));
    assert!(
        !board.modifiers(&id("ghost")).revealed,
        "the light ends with the spell"
    );
}

#[test]
fn greater_restoration_lifts_a_reduced_maximum_or_one_exhaustion_level() {
    let s = content::spell("greater-restoration").unwrap();
    let restore = |choice: &str| {
        let mut ctx = rules::automation::spell_context(s, 5, &CASTER, 1).unwrap();
        ctx.choice = Some(choice.into());
        rules::automation::run(
            &s.effects,
            &ctx,
            &[target("humanoid")],
            &mut FixedRolls::new([1]),
        )
        .unwrap()
        .remove(0)
    };
    assert_eq!(restore("exhaustion").exhaustion_removed, 1);
    let mut board = Board::new();
    let harm = cast("harm", 6, &[target("humanoid")], [1]);
    board.apply(&id("cleric"), &[id("fighter")], &harm, out_figures(), false);
    assert!(board.modifiers(&id("fighter")).max_hp < 0);
    let lift = restore("hit point maximum");
    assert_eq!(
        board
            .remove_kinds(&id("fighter"), &lift.removed_effects)
            .len(),
        1
    );
    assert_eq!(board.modifiers(&id("fighter")).max_hp, 0);
}
