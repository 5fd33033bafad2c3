//! Lasting effects that act on their own schedule or change how a creature
//! fights, run from the real spell content with fixed dice: a guard that
//! bites on its caster's turns, a damage budget shared by everyone an
//! effect struck, a banishment that becomes permanent only after its full
//! minute, a true form forced by moonlight, movement nothing can slow, a
//! weapon's new die, and a ward whose touches end it.
#![allow(clippy::unwrap_used, missing_docs)]

use rules::automation::features::{empowered_weapon_attack, weapon_context};
use rules::automation::{
    Board, CastFigures, Caster, EndReason, Resolution, Target, TurnEvent, cast_spell, run,
    spell_context,
};
use rules::content::{self, Effect, TurnPoint};
use rules::dice::{Advantage, FixedRolls};
use rules::mechanics::{Condition, CreatureId, DamageType, TestOutcome};

const CASTER: Caster = Caster {
    attack_bonus: 7,
    save_dc: 15,
    modifier: 4,
    level: 9,
};

fn figures() -> CastFigures {
    CastFigures {
        save_dc: 15,
        attack_bonus: 7,
        ..CastFigures::default()
    }
}

fn target(kind: &str) -> Target {
    Target {
        ac: 12,
        saves: [2; 6],
        creature_type: kind.into(),
        hp: 60,
        max_hp: 60,
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
) -> Vec<Resolution> {
    let s = content::spell(spell).unwrap();
    let mut dice = FixedRolls::new(faces);
    cast_spell(s, slot, &CASTER, targets, Advantage::Normal, &mut dice).unwrap()
}

fn triggered(events: &[TurnEvent]) -> Vec<&Resolution> {
    events
        .iter()
        .filter_map(|e| match e {
            TurnEvent::Triggered { resolutions, .. } => Some(resolutions),
            _ => None,
        })
        .flatten()
        .collect()
}

fn ended(events: &[TurnEvent]) -> Vec<&rules::automation::Ended> {
    events
        .iter()
        .filter_map(|e| match e {
            TurnEvent::Ended(end) => Some(end),
            _ => None,
        })
        .collect()
}

#[test]
fn the_faithful_hound_bites_at_the_start_of_its_casters_turns_only() {
    let out = cast("faithful-hound", 4, &[target("humanoid")], [1]);
    assert!(out[0].attack.is_none(), "no bite as it is cast");
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("orc")], &out, figures(), false);

    let orc = target("humanoid");
    let own = board
        .start_turn(&id("orc"), &orc, &mut FixedRolls::new([20]))
        .unwrap();
    assert!(triggered(&own).is_empty(), "not on the orc's own turn");

    // The caster's turn: d20 15 + 7 hits AC 12; 4d8 of 5.
    let bite = board
        .source_turn(
            &id("wiz"),
            TurnPoint::Start,
            |_| Some(orc.clone()),
            &mut FixedRolls::new([15, 5]),
        )
        .unwrap();
    let bites = triggered(&bite);
    assert_eq!(bites.len(), 1);
    assert_eq!(bites[0].total_taken(), 20);
    assert_eq!(bites[0].damage[0].damage_type, DamageType::Piercing);
}

#[test]
fn the_guardian_of_faith_vanishes_after_60_damage_in_all() {
    let foes = [target("humanoid"), target("humanoid"), target("humanoid")];
    let out = cast("guardian-of-faith", 4, &foes, [1]);
    let mut board = Board::new();
    let ids = [id("a"), id("b"), id("c")];
    board.apply(&id("cleric"), &ids, &out, figures(), false);
    assert_eq!(board.effects().len(), 3);

    // Each fails its Dexterity save (a 1) and takes the full 20 radiant.
    let mut spent = Vec::new();
    for (who, t) in ids.iter().zip(&foes) {
        let events = board.start_turn(who, t, &mut FixedRolls::new([1])).unwrap();
        assert_eq!(triggered(&events)[0].total_taken(), 20);
        spent.push(ended(&events).len());
    }
    assert_eq!(spent, [0, 0, 3], "40 is not enough; 60 ends all three");
    assert!(board.effects().is_empty());
}

#[test]
fn a_banished_fiend_is_gone_for_good_only_after_the_full_minute() {
    let pair = [target("fiend"), target("humanoid")];
    // A 5th-level slot: two targets.
    let out = cast("banishment", 5, &pair, [1]);
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("imp"), id("man")], &out, figures(), true);
    let wiz = target("humanoid");
    let mut events = Vec::new();
    for _ in 0..10 {
        events.extend(
            board
                .start_turn(&id("wiz"), &wiz, &mut FixedRolls::new([10]))
                .unwrap(),
        );
    }
    let ends = ended(&events);
    assert_eq!(ends.len(), 2);
    let imp = ends.iter().find(|e| e.on == id("imp")).unwrap();
    let man = ends.iter().find(|e| e.on == id("man")).unwrap();
    assert!(man.followed_by.is_none(), "a native comes back");
    let home = board
        .effects()
        .iter()
        .find(|e| Some(e.id) == imp.followed_by)
        .unwrap();
    assert!(home.effect.removed);
    assert_eq!(home.effect.duration, None, "for good");
    assert!(!home.concentration);

    // Concentration broken sooner: the fiend comes back too.
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("imp"), id("man")], &out, figures(), true);
    let early = board.end_concentration(&id("wiz"));
    assert_eq!(early.len(), 2);
    assert!(early.iter().all(|e| e.followed_by.is_none()));
    assert!(early.iter().all(|e| e.why == EndReason::ConcentrationEnded));
    assert!(board.effects().is_empty());
}

#[test]
fn moonbeam_forces_a_shapechanger_into_its_true_form() {
    let mut werewolf = target("humanoid");
    werewolf.tags = vec!["shapechanger".into()];
    let wolf = target("beast");
    let out = cast("moonbeam", 2, &[werewolf.clone(), wolf.clone()], [1]);
    let mut board = Board::new();
    board.apply(
        &id("druid"),
        &[id("were"), id("wolf")],
        &out,
        figures(),
        true,
    );

    // 2d10 of 3s, then the save: 3s fail for both.
    let were = board
        .start_turn(&id("were"), &werewolf, &mut FixedRolls::new([3]))
        .unwrap();
    let hit = triggered(&were)[0];
    assert_eq!(hit.total_taken(), 6);
    match hit.save.as_ref().unwrap() {
        TestOutcome::Rolled { roll, success, .. } => {
            assert_eq!(roll.faces.len(), 2, "disadvantage");
            assert!(!success);
        }
        TestOutcome::AutoFailed { .. } => panic!("rolled"),
    }
    assert!(board.modifiers(&id("were")).true_form);

    let beast = board
        .start_turn(&id("wolf"), &wolf, &mut FixedRolls::new([3]))
        .unwrap();
    match triggered(&beast)[0].save.as_ref().unwrap() {
        TestOutcome::Rolled { roll, .. } => assert_eq!(roll.faces.len(), 1),
        TestOutcome::AutoFailed { .. } => panic!("rolled"),
    }
    assert!(!board.modifiers(&id("wolf")).true_form);

    // The forced form goes with the caster's concentration.
    board.end_concentration(&id("druid"));
    assert!(!board.modifiers(&id("were")).true_form);
}

#[test]
fn freedom_of_movement_keeps_speed_and_slips_a_web() {
    let rogue = target("humanoid");
    let mut board = Board::new();
    // Caught in a web first: the save fails (1) and the restraint lands.
    let web = cast("web", 2, std::slice::from_ref(&rogue), [1]);
    board.apply(&id("mage"), &[id("rogue")], &web, figures(), true);
    let caught = board
        .start_turn(&id("rogue"), &rogue, &mut FixedRolls::new([1]))
        .unwrap();
    assert_eq!(triggered(&caught)[0].conditions, [Condition::Restrained]);
    assert!(
        board.slip_free(&id("rogue")).is_empty(),
        "no free movement yet"
    );

    // Ray of Frost hits (15 + 7): -10 feet; Haste doubles the speed.
    let frost = cast("ray-of-frost", 0, std::slice::from_ref(&rogue), [15, 3]);
    board.apply(&id("mage"), &[id("rogue")], &frost, figures(), false);
    let haste = cast("haste", 3, std::slice::from_ref(&rogue), [1]);
    board.apply(&id("bard"), &[id("rogue")], &haste, figures(), false);
    let slow = cast("slow", 3, std::slice::from_ref(&rogue), [1]);
    board.apply(&id("priest"), &[id("rogue")], &slow, figures(), false);
    let before = board.modifiers(&id("rogue"));
    assert_eq!((before.speed, before.speed_halves), (-10, Some(2)));

    let freedom = cast("freedom-of-movement", 4, std::slice::from_ref(&rogue), [1]);
    board.apply(&id("cleric"), &[id("rogue")], &freedom, figures(), false);
    let after = board.modifiers(&id("rogue"));
    assert_eq!(
        (after.speed, after.speed_halves),
        (0, Some(4)),
        "neither the ray nor Slow lowers it; Haste still doubles it"
    );
    let slipped = board.slip_free(&id("rogue"));
    assert_eq!(slipped.len(), 1);
    assert_eq!(slipped[0].name, "Web (restrained)");
    assert!(board.slip_free(&id("rogue")).is_empty());
}

#[test]
fn shillelagh_turns_a_club_into_a_magical_d8_with_the_casting_ability() {
    let out = cast("shillelagh", 0, &[target("humanoid")], [1]);
    let mut board = Board::new();
    board.apply(&id("druid"), &[id("druid")], &out, figures(), false);
    let mods = board.modifiers(&id("druid"));
    let club = content::weapon("Club").unwrap();
    let dagger = content::weapon("Dagger").unwrap();

    // Strength -1, Wisdom +4, proficiency +2.
    let tree = empowered_weapon_attack(club, &mods, -1, 4, 2, true);
    let Effect::Attack(step) = &tree[0] else {
        panic!("an attack")
    };
    assert_eq!(step.bonus, Some(6));
    let Effect::Damage(damage) = &step.hit[0] else {
        panic!("damage")
    };
    assert_eq!(damage.amount.dice, "1d8+4");
    let plain = empowered_weapon_attack(dagger, &mods, -1, 4, 2, true);
    let Effect::Attack(step) = &plain[0] else {
        panic!("an attack")
    };
    assert_eq!(step.bonus, Some(1), "a dagger is left alone");

    // The club's blow is magical: a werewolf's immunity doesn't stop it.
    let mut ctx = weapon_context(club, 1);
    ctx.modifiers = mods;
    let mut werewolf = target("humanoid");
    werewolf
        .nonmagical_defenses
        .immunities
        .insert(DamageType::Bludgeoning);
    let hit = run(&tree, &ctx, &[werewolf], &mut FixedRolls::new([15, 5])).unwrap();
    assert_eq!(hit[0].total_taken(), 9);
}

#[test]
fn dispel_evil_and_good_wards_and_dismisses_then_ends() {
    let out = cast("dispel-evil-and-good", 5, &[target("humanoid")], [1]);
    let mut board = Board::new();
    board.apply(&id("cleric"), &[id("cleric")], &out, figures(), true);
    let fiend = target("fiend");
    let bandit = target("humanoid");
    let toward_fiend = board.modifiers_toward(&id("cleric"), &id("imp"), &fiend);
    let toward_bandit = board.modifiers_toward(&id("cleric"), &id("bandit"), &bandit);
    assert_eq!((toward_fiend.attacked, toward_bandit.attacked), (-1, 0));

    let ward = &board.effects()[0];
    let grant = ward.effect.grants.clone().unwrap();
    assert!(grant.ends_effect, "either touch ends the spell");
    let spell = content::spell("dispel-evil-and-good").unwrap();
    let mut ctx = spell_context(spell, 5, &CASTER, 1).unwrap();
    ctx.choice = Some("dismissal".into());
    // The melee spell attack hits (15 + 7); the Charisma save fails (1).
    let sent = run(
        &grant.effects,
        &ctx,
        &[fiend],
        &mut FixedRolls::new([15, 1]),
    )
    .unwrap();
    let home = &sent[0].applied[0].effect;
    assert!(home.removed);
    assert_eq!(home.duration, None);
    let kept = run(
        &grant.effects,
        &ctx,
        &[bandit],
        &mut FixedRolls::new([15, 1]),
    )
    .unwrap();
    assert!(kept[0].applied.is_empty(), "only the five kinds go home");

    ctx.choice = Some("break enchantment".into());
    let mut charmed = target("humanoid");
    charmed.conditions.add(Condition::Charmed);
    let freed = run(&grant.effects, &ctx, &[charmed], &mut FixedRolls::new([1])).unwrap();
    assert_eq!(
        freed[0].removed,
        [Condition::Charmed, Condition::Frightened]
    );
}
