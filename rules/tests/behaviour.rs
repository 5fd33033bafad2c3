//! What ongoing effects make a creature do on its turns, and the engine
//! steps behind them: behaviours honoured by the legal options, random
//! tables, limits on the action economy, effects that follow others, and
//! saves that damage triggers. Spells come from the content, dice are fixed.
#![allow(clippy::unwrap_used, missing_docs)]

use rules::automation::{
    Board, CastFigures, Caster, EndReason, Resolution, Target, TurnEvent, cast_spell, spell_delayed,
};
use rules::content::{self, Lasting, TurnPoint};
use rules::dice::{Advantage, FixedRolls};
use rules::mechanics::{
    ActionOption, AttackReach, Behaviour, Combatant, Condition, CreatureId, DamageType, Snapshot,
    SpellProfile, Team, controller, legal_options,
};

const WIZARD: Caster = Caster {
    attack_bonus: 7,
    save_dc: 15,
    modifier: 4,
    level: 9,
};

const FIGURES: CastFigures = CastFigures {
    attack_bonus: 7,
    save_dc: 15,
    modifier: 4,
    level: 9,
    spell_level: 0,
    slot: 0,
    chosen_type: None,
};

fn id(s: &str) -> CreatureId {
    CreatureId::new(s)
}

fn target(save: i32) -> Target {
    Target {
        ac: 12,
        saves: [save; 6],
        creature_type: "humanoid".into(),
        hp: 30,
        ..Target::default()
    }
}

/// Casts `name` at its own level on the orc with these dice.
fn cast(name: &str, t: &Target, faces: &[u64]) -> Vec<Resolution> {
    let spell = content::spell(name).unwrap();
    let partial = [
        "Prismatic Spray",
        "Fear",
        "Dominate Person",
        "Dominate Monster",
    ];
    assert!(
        spell.automation.missing.is_empty() || partial.contains(&name),
        "{name}: {:?}",
        spell.automation.missing
    );
    cast_spell(
        spell,
        spell.level,
        &WIZARD,
        std::slice::from_ref(t),
        Advantage::Normal,
        &mut FixedRolls::new(faces.iter().copied()),
    )
    .unwrap()
}

/// Casts `name` by the wizard on the orc and keeps its effects on a board.
fn on_board(name: &str, t: &Target, faces: &[u64]) -> Board {
    let out = cast(name, t, faces);
    let mut board = Board::new();
    let concentration = content::spell(name).unwrap().concentration;
    board.apply(&id("wiz"), &[id("orc")], &out, FIGURES, concentration);
    board
}

/// The wizard and an orc with an axe and a bonus-action spell, near each
/// other; the orc's limits and conditions come from the board.
fn snapshot(board: &Board) -> Snapshot {
    let wizard = Combatant::new("wiz", Team(0), 20, 12, 30);
    let mut orc = Combatant::new("orc", Team(1), 15, 13, 30)
        .with_attack("greataxe", AttackReach::Melee)
        .with_attack("javelin", AttackReach::Ranged { long_range: true });
    orc.spells.push(SpellProfile {
        id: "healing-word".into(),
        level: 1,
        bonus_action: true,
        reaction: false,
        aim: rules::mechanics::Aim::Caster,
    });
    orc.slots = vec![1];
    orc.limits = board.limits(&id("orc"));
    for c in board.conditions(&id("orc")) {
        orc.conditions.add(c);
    }
    Snapshot::new(vec![wizard, orc])
}

fn ids(options: &[ActionOption]) -> Vec<String> {
    options.iter().map(ActionOption::id).collect()
}

#[test]
fn a_frightened_creature_drops_what_it_holds_and_can_only_dash_away() {
    let board = on_board("Fear", &target(0), &[5]);
    let limits = board.limits(&id("orc"));
    assert_eq!(limits.behaviours[0].behaviour, Behaviour::Flee);
    assert_eq!(limits.behaviours[0].source, id("wiz"));
    assert_eq!(
        ids(&legal_options(&snapshot(&board), &id("orc"))),
        ["dash", "end"]
    );
    assert!(cast("Fear", &target(0), &[5])[0].dropped);
}

#[test]
fn a_frightened_creature_saves_again_only_out_of_the_casters_sight() {
    let mut board = on_board("Fear", &target(0), &[5]);
    let events = board
        .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([20]))
        .unwrap();
    assert!(events.is_empty(), "in sight: no save: {events:?}");
    let hidden = Target {
        out_of_sight_of: vec![id("wiz")],
        ..target(0)
    };
    let events = board
        .end_turn(&id("orc"), &hidden, &mut FixedRolls::new([20]))
        .unwrap();
    assert!(
        matches!(&events[..], [TurnEvent::Save { .. }, TurnEvent::Ended(_)]),
        "{events:?}"
    );
    assert!(board.effects().is_empty());
}

#[test]
fn commands_halt_approach_and_drop_take_over_the_targets_next_turn() {
    let spell = content::spell("Command").unwrap();
    for (word, options) in [
        ("halt", &["end"][..]),
        ("drop", &["end"]),
        ("grovel", &["end"]),
        ("approach", &["dash", "end"]),
        ("flee", &["dash", "end"]),
    ] {
        let mut ctx = rules::automation::spell_context(spell, 1, &WIZARD, 1).unwrap();
        ctx.choice = Some(word.into());
        let out = rules::automation::run(
            &spell.effects,
            &ctx,
            &[target(0)],
            &mut FixedRolls::new([3]),
        )
        .unwrap();
        let mut board = Board::new();
        board.apply(&id("wiz"), &[id("orc")], &out, FIGURES, false);
        assert_eq!(
            ids(&legal_options(&snapshot(&board), &id("orc"))),
            options,
            "{word}"
        );
        // It lasts the target's next turn only.
        board
            .start_turn(&id("orc"), &target(0), &mut FixedRolls::new([10]))
            .unwrap();
        board
            .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([10]))
            .unwrap();
        assert!(board.limits(&id("orc")).behaviours.is_empty(), "{word}");
    }
}

#[test]
fn a_dominated_creature_keeps_its_options_but_its_master_picks() {
    let board = on_board("Dominate Person", &target(0), &[5]);
    let snap = snapshot(&board);
    assert_eq!(controller(&snap, &id("orc")), Some(id("wiz")));
    assert!(ids(&legal_options(&snap, &id("orc"))).contains(&"dodge".to_string()));
    assert_eq!(controller(&snapshot(&Board::new()), &id("orc")), None);
}

#[test]
fn calm_emotions_makes_a_creature_indifferent_or_suppresses_its_fear() {
    let spell = content::spell("Calm Emotions").unwrap();
    let mut ctx = rules::automation::spell_context(spell, 2, &WIZARD, 1).unwrap();
    ctx.choice = Some("indifferent".into());
    let out = rules::automation::run(
        &spell.effects,
        &ctx,
        &[target(0)],
        &mut FixedRolls::new([3]),
    )
    .unwrap();
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("orc")], &out, FIGURES, true);
    let options = ids(&legal_options(&snapshot(&board), &id("orc")));
    assert!(
        !options.iter().any(|o| o.starts_with("attack:")),
        "{options:?}"
    );
    assert!(options.contains(&"dodge".to_string()));

    // Suppressed fear comes back when the calm ends.
    let mut board = on_board("Fear", &target(0), &[5]);
    ctx.choice = Some("suppress".into());
    let out = rules::automation::run(
        &spell.effects,
        &ctx,
        &[target(0)],
        &mut FixedRolls::new([3]),
    )
    .unwrap();
    board.apply(&id("cleric"), &[id("orc")], &out, FIGURES, true);
    assert!(board.conditions(&id("orc")).is_empty());
    board.end_concentration(&id("cleric"));
    assert_eq!(board.conditions(&id("orc")), [Condition::Frightened]);
}

#[test]
fn prismatic_spray_rolls_a_ray_per_target_and_two_more_on_an_8() {
    // d8 = 1: red; ten 3s of 10d6 fire; the Dexterity save fails.
    let mut faces = vec![1];
    faces.extend([3; 10]);
    faces.push(5);
    let red = cast("Prismatic Spray", &target(0), &faces);
    assert_eq!(red[0].table_rolls, [1]);
    assert_eq!(red[0].damage[0].damage_type, DamageType::Fire);
    assert_eq!(red[0].damage[0].taken, 30);
    // d8 = 8: two rays, d7 = 2 (orange, acid, failed) and d7 = 5 (blue,
    // cold, the same shared 10d6, saved for half).
    let mut faces = vec![8, 2];
    faces.extend([3; 10]);
    faces.extend([5, 5, 20]);
    let two = cast("Prismatic Spray", &target(0), &faces);
    assert_eq!(two[0].table_rolls, [8, 2, 5]);
    let dealt: Vec<(DamageType, u32)> = two[0]
        .damage
        .iter()
        .map(|d| (d.damage_type, d.taken))
        .collect();
    assert_eq!(dealt, [(DamageType::Acid, 30), (DamageType::Cold, 15)]);
}

#[test]
fn confusion_rolls_its_behaviour_at_the_start_of_each_turn() {
    let mut board = on_board("Confusion", &target(0), &[5]);
    assert!(board.limits(&id("orc")).no_reactions);
    // d10 = 3: it neither moves nor acts this turn.
    let events = board
        .start_turn(&id("orc"), &target(0), &mut FixedRolls::new([3]))
        .unwrap();
    let [TurnEvent::Triggered { resolutions, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(resolutions[0].table_rolls, [3]);
    assert_eq!(ids(&legal_options(&snapshot(&board), &id("orc"))), ["end"]);
    // The end of the turn: the behaviour ends, the save (a 2) fails.
    board
        .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([2]))
        .unwrap();
    assert!(board.limits(&id("orc")).behaviours.is_empty());
    // d10 = 7: it lashes out at whoever is in reach.
    board
        .start_turn(&id("orc"), &target(0), &mut FixedRolls::new([7]))
        .unwrap();
    let mut snap = snapshot(&board);
    snap.set_distance("orc", "wiz", rules::mechanics::Distance::Engaged);
    assert_eq!(
        ids(&legal_options(&snap, &id("orc"))),
        ["attack:greataxe:wiz", "end"]
    );
    board
        .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([2]))
        .unwrap();
    // d10 = 1: it wanders off in the direction of a d8 (6), and does nothing else.
    let events = board
        .start_turn(&id("orc"), &target(0), &mut FixedRolls::new([1, 6]))
        .unwrap();
    let [TurnEvent::Triggered { resolutions, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(resolutions[0].table_rolls, [1, 6]);
    assert_eq!(ids(&legal_options(&snapshot(&board), &id("orc"))), ["end"]);
    assert!(board.limits(&id("orc")).has(Behaviour::Wander));
}

#[test]
fn blink_sends_the_caster_away_on_11_or_more_until_its_next_turn() {
    let spell = content::spell("Blink").unwrap();
    let out = cast_spell(
        spell,
        3,
        &WIZARD,
        &[target(0)],
        Advantage::Normal,
        &mut FixedRolls::new([1]),
    )
    .unwrap();
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("wiz")], &out, FIGURES, false);
    board
        .end_turn(&id("wiz"), &target(0), &mut FixedRolls::new([10]))
        .unwrap();
    assert!(!board.on(&id("wiz")).any(|e| e.effect.removed), "10 stays");
    let events = board
        .end_turn(&id("wiz"), &target(0), &mut FixedRolls::new([11]))
        .unwrap();
    let [TurnEvent::Triggered { resolutions, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(resolutions[0].table_rolls, [11]);
    assert!(
        board.on(&id("wiz")).any(|e| e.effect.removed),
        "11 vanishes"
    );
    board
        .start_turn(&id("wiz"), &target(0), &mut FixedRolls::new([1]))
        .unwrap();
    assert!(!board.on(&id("wiz")).any(|e| e.effect.removed), "back");
}

#[test]
fn stinking_cloud_costs_the_action_of_a_creature_that_fails_its_save() {
    let mut board = on_board("Stinking Cloud", &target(0), &[1]);
    board
        .start_turn(&id("orc"), &target(0), &mut FixedRolls::new([4]))
        .unwrap();
    let options = ids(&legal_options(&snapshot(&board), &id("orc")));
    assert_eq!(
        options,
        ["cast:healing-word:1", "end"],
        "a bonus action is left"
    );
    board
        .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([1]))
        .unwrap();
    assert!(!board.limits(&id("orc")).no_actions, "for that turn only");
    // A creature that can't be poisoned is passed over.
    let mut immune = target(0);
    immune.condition_immunities.push(Condition::Poisoned);
    let events = board
        .start_turn(&id("orc"), &immune, &mut FixedRolls::new([4]))
        .unwrap();
    let [TurnEvent::Triggered { resolutions, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    assert!(resolutions[0].save.is_none());
    assert!(!board.limits(&id("orc")).no_actions);
}

#[test]
fn slow_allows_an_action_or_a_bonus_action_and_may_delay_a_spell() {
    let board = on_board("Slow", &target(0), &[5]);
    let limits = board.limits(&id("orc"));
    assert!(limits.action_or_bonus && limits.one_attack && limits.no_reactions);
    assert!(board.modifiers(&id("orc")).delayed_spells);
    let mut snap = snapshot(&board);
    snap.combatants[1].economy.action_used = true;
    assert_eq!(ids(&legal_options(&snap, &id("orc"))), ["end"]);
    snap.combatants[1].economy.action_used = false;
    let options = ids(&legal_options(&snap, &id("orc")));
    assert!(
        options.contains(&"dash".to_string())
            && options.contains(&"cast:healing-word:1".to_string())
    );
    snap.combatants[1].economy.bonus_action_used = true;
    assert_eq!(ids(&legal_options(&snap, &id("orc"))), ["end"]);
    assert_eq!(spell_delayed(&mut FixedRolls::new([10])), (10, false));
    assert_eq!(spell_delayed(&mut FixedRolls::new([11])), (11, true));
}

#[test]
fn haste_gives_an_extra_action_then_a_turn_of_lethargy() {
    let mut board = on_board("Haste", &target(0), &[]);
    let mut snap = snapshot(&board);
    snap.combatants[1].economy.action_used = true;
    let options = ids(&legal_options(&snap, &id("orc")));
    for extra in ["attack:javelin:wiz", "dash", "disengage", "hide", "use"] {
        assert!(options.contains(&extra.to_string()), "{extra}: {options:?}");
    }
    assert!(!options.contains(&"dodge".to_string()), "{options:?}");
    snap.combatants[1].economy.extra_action_used = true;
    assert!(!ids(&legal_options(&snap, &id("orc"))).contains(&"dash".to_string()));

    let ended = board.end_concentration(&id("wiz"));
    let then = ended[0].followed_by.unwrap();
    let lethargy = board.effects().iter().find(|e| e.id == then).unwrap();
    assert_eq!(lethargy.effect.name, "Haste (lethargy)");
    assert_eq!(lethargy.effect.duration, Some(Lasting::EndOfOwnTurn));
    assert_eq!(board.modifiers(&id("orc")).speed_halves, Some(0));
    // The lethargy outlasts the concentration it followed: the caster's
    // next concentration spell leaves it alone.
    assert!(board.end_concentration(&id("wiz")).is_empty());
    assert!(board.effects().iter().any(|e| e.id == then));
    assert_eq!(
        ids(&legal_options(&snapshot(&board), &id("orc"))),
        ["cast:healing-word:1", "end"]
    );
    board
        .start_turn(&id("orc"), &target(0), &mut FixedRolls::new([1]))
        .unwrap();
    board
        .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([1]))
        .unwrap();
    assert!(board.effects().is_empty(), "over after its next turn");
}

#[test]
fn heat_metal_makes_the_holder_drop_or_suffer_on_checks() {
    let spell = content::spell("Heat Metal").unwrap();
    let mut ctx = rules::automation::spell_context(spell, 2, &WIZARD, 1).unwrap();
    ctx.choice = Some("worn".into());
    let out = rules::automation::run(
        &spell.effects,
        &ctx,
        &[target(0)],
        &mut FixedRolls::new([4, 4, 5]),
    )
    .unwrap();
    assert_eq!(out[0].total_taken(), 8);
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("orc")], &out, FIGURES, true);
    let m = board.modifiers(&id("orc"));
    assert_eq!(m.attacks, -1);
    assert_eq!(
        m.check_disadvantage,
        rules::mechanics::Ability::ALL.to_vec()
    );
    ctx.choice = Some("held".into());
    let out = rules::automation::run(
        &spell.effects,
        &ctx,
        &[target(0)],
        &mut FixedRolls::new([4, 4, 5]),
    )
    .unwrap();
    assert!(out[0].dropped);
}

#[test]
fn hideous_laughter_saves_with_advantage_when_damaged() {
    let mut board = on_board("Hideous Laughter", &target(0), &[5]);
    // Advantage: 4 and 17, the 17 saves against DC 15.
    let events = board
        .damaged(&id("orc"), &target(0), &mut FixedRolls::new([4, 17]))
        .unwrap();
    let [TurnEvent::Save { outcome, .. }, TurnEvent::Ended(e)] = &events[..] else {
        panic!("{events:?}")
    };
    assert!(outcome.success());
    assert_eq!(e.why, EndReason::Saved);
    assert!(board.effects().is_empty());
}

#[test]
fn a_dominated_creature_saves_only_when_damaged() {
    let mut board = on_board("Dominate Monster", &target(0), &[5]);
    let events = board
        .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([20]))
        .unwrap();
    assert!(events.is_empty(), "no save on its turns: {events:?}");
    let events = board
        .damaged(&id("orc"), &target(0), &mut FixedRolls::new([4, 17]))
        .unwrap();
    let [TurnEvent::Save { outcome, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    assert!(!outcome.success(), "no advantage: the 4 counts");
    assert_eq!(board.conditions(&id("orc")), [Condition::Charmed]);
}

#[test]
fn a_creature_that_cant_be_charmed_is_immune_to_the_dance() {
    let mut immune = target(0);
    immune.condition_immunities.push(Condition::Charmed);
    assert!(
        cast("Irresistible Dance", &immune, &[1])[0]
            .applied
            .is_empty()
    );
    let board = on_board("Irresistible Dance", &target(0), &[1]);
    let limits = board.limits(&id("orc"));
    assert!(limits.no_actions, "its action goes to the save");
    assert_eq!(board.modifiers(&id("orc")).speed_halves, Some(0));
}

#[test]
fn behaviours_and_limits_read_in_the_summary() {
    let line = content::summary(&content::spell("Confusion").unwrap().effects);
    assert!(line.contains("roll 1d10"), "{line}");
    assert!(line.contains("lash out"), "{line}");
    let line = content::summary(&content::spell("Haste").unwrap().effects);
    assert!(line.contains("an extra action"), "{line}");
    assert!(line.contains("afterwards Haste (lethargy)"), "{line}");
    let line = content::summary(&content::spell("Hideous Laughter").unwrap().effects);
    assert!(line.contains("when damaged ends it"), "{line}");
}

/// Prismatic Spray's ray `ray` on the orc, failed, on a board.
fn ray(ray: u64) -> Board {
    let out = cast("Prismatic Spray", &target(0), &[ray, 5]);
    assert_eq!(out[0].table_rolls, [u32::try_from(ray).unwrap()]);
    let mut board = Board::new();
    board.apply(&id("wiz"), &[id("orc")], &out, FIGURES, false);
    board
}

#[test]
fn the_indigo_ray_ends_after_three_successes_or_petrifies_after_three_failures() {
    let mut board = ray(6);
    assert_eq!(board.conditions(&id("orc")), [Condition::Restrained]);
    for save in [20, 1, 20, 1] {
        board
            .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([save]))
            .unwrap();
        assert_eq!(board.conditions(&id("orc")), [Condition::Restrained]);
    }
    let events = board
        .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([20]))
        .unwrap();
    assert!(
        matches!(&events[..], [TurnEvent::Save { .. }, TurnEvent::Ended(e)] if e.why == EndReason::Saved),
        "{events:?}"
    );
    assert!(board.effects().is_empty());

    let mut board = ray(6);
    for _ in 0..3 {
        board
            .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([1]))
            .unwrap();
    }
    assert_eq!(board.conditions(&id("orc")), [Condition::Petrified]);
    let stone = &board.effects()[0];
    assert_eq!(stone.effect.name, "Prismatic Spray (stone)");
    assert_eq!(stone.expires, None, "for good");
}

#[test]
fn the_violet_ray_blinds_until_a_save_on_the_casters_turn_or_banishes() {
    let mut board = ray(7);
    assert_eq!(board.conditions(&id("orc")), [Condition::Blinded]);
    // Not on the orc's own turns.
    board
        .end_turn(&id("orc"), &target(0), &mut FixedRolls::new([20]))
        .unwrap();
    assert_eq!(board.conditions(&id("orc")), [Condition::Blinded]);
    let lookup = |c: &CreatureId| (*c == id("orc")).then(|| target(0));
    let events = board
        .source_turn(
            &id("wiz"),
            TurnPoint::Start,
            lookup,
            &mut FixedRolls::new([2]),
        )
        .unwrap();
    let [TurnEvent::Save { .. }, TurnEvent::Ended(e)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(e.why, EndReason::FailedSaves);
    assert!(board.conditions(&id("orc")).is_empty(), "no longer blinded");
    assert!(board.on(&id("orc")).any(|e| e.effect.removed), "banished");

    let mut board = ray(7);
    board
        .source_turn(
            &id("wiz"),
            TurnPoint::Start,
            lookup,
            &mut FixedRolls::new([19]),
        )
        .unwrap();
    assert!(board.effects().is_empty(), "saved: sight back");
}

#[test]
fn dominate_person_lasts_longer_from_higher_slots() {
    let spell = content::spell("Dominate Person").unwrap();
    for (slot, rounds) in [(5, 10), (6, 100), (7, 600), (9, 4800)] {
        let out = cast_spell(
            spell,
            slot,
            &WIZARD,
            &[target(0)],
            Advantage::Normal,
            &mut FixedRolls::new([5]),
        )
        .unwrap();
        assert_eq!(
            out[0].applied[0].effect.duration,
            Some(Lasting::Rounds { rounds }),
            "slot {slot}"
        );
    }
}

#[test]
fn hideous_laughter_spares_a_creature_of_intelligence_4_or_less() {
    let dim = Target {
        intelligence: Some(4),
        ..target(0)
    };
    assert!(cast("Hideous Laughter", &dim, &[1])[0].applied.is_empty());
    let bright = Target {
        intelligence: Some(5),
        ..target(0)
    };
    assert_eq!(
        cast("Hideous Laughter", &bright, &[1])[0].conditions,
        [Condition::Incapacitated, Condition::Prone]
    );
    let wolf = Target::monster(content::monster("Wolf").unwrap());
    assert_eq!(wolf.intelligence, Some(3));
}
