//! Every standard action at a table, by text command: what it costs, what it
//! changes, and what refuses it (refusals change nothing). Each test ends by
//! replaying its log to the live table.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{Game, damaged, notes, totals};
use dm::Line;
use rules::mechanics::{Condition, Distance, LifeState};

/// Aria (fighter), Bo (rogue) and Cy (cleric) against two goblins, round 1.
fn fight(seed: u8) -> Game {
    let mut g = Game::new(seed);
    g.ok("aria", "char new Aria fighter 3 human");
    g.ok("bo", "char new Bo rogue 3 lightfoot halfling");
    g.ok("cy", "char new Cy cleric 3 hill dwarf");
    g.ok("dm", "dm encounter");
    g.ok("dm", "madd goblin -n 2 --avg");
    g.ok("dm", "n");
    g
}

fn distance(g: &Game, a: &str, b: &str) -> Distance {
    g.table.encounter.as_ref().unwrap().distance(a, b)
}

#[test]
fn checks_saves_and_rolls_add_the_sheet_s_bonus() {
    let mut g = Game::new(1);
    g.ok("aria", "char new Aria fighter 3 human");
    let aria = g.table.character("aria").unwrap().clone();
    let reply = g.ok("aria", "check ath");
    let Line::Roll {
        label,
        detail,
        total,
        ..
    } = &reply.lines[0]
    else {
        panic!("{reply:?}");
    };
    assert!(label.contains("Athletics"), "{label}");
    let face: i64 = detail
        .trim_start_matches("d20 (")
        .split(')')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let bonus = aria.skill_bonus(rules::mechanics::Skill::Athletics);
    assert_eq!(*total, face + i64::from(bonus), "{detail}");
    let save = g.ok("aria", "save str");
    assert_eq!(totals(&save).len(), 1);
    let roll = g.ok("aria", "r 2d6+3");
    let t = totals(&roll)[0];
    assert!((5..=15).contains(&t), "{t}");
    assert_eq!(
        g.table.next_roll, 3,
        "each command with dice is one numbered roll"
    );
    g.assert_replays();
}

#[test]
fn one_action_a_turn_dodge_dash_disengage_hide() {
    let mut g = fight(2);
    g.skip_to("aria");
    g.ok("aria", "dodge");
    assert!(
        g.table
            .encounter
            .as_ref()
            .unwrap()
            .dodging
            .contains(&"aria".to_owned())
    );
    let why = g.refused("aria", "dash");
    assert!(why.contains("already"), "{why}");
    g.ok("aria", "n");
    g.skip_to("bo");
    g.ok("bo", "disengage");
    assert!(
        g.table
            .encounter
            .as_ref()
            .unwrap()
            .disengaged
            .contains(&"bo".to_owned())
    );
    g.refused("bo", "hide");
    g.ok("bo", "n");
    g.skip_to("cy");
    let hide = g.ok("cy", "hide");
    assert!(format!("{hide:?}").contains("Stealth"), "{hide:?}");
    g.ok("cy", "n");
    // A new round: Aria's dodge lasts until her next turn, then ends.
    g.skip_to("aria");
    assert!(
        !g.table
            .encounter
            .as_ref()
            .unwrap()
            .dodging
            .contains(&"aria".to_owned())
    );
    g.ok("aria", "dash");
    g.assert_replays();
}

#[test]
fn only_the_current_combatant_acts() {
    let mut g = fight(3);
    g.skip_to("aria");
    let why = g.refused("bo", "dodge");
    assert!(why.contains("not your turn — it's Aria"), "{why}");
    let why = g.refused("zed", "dodge");
    assert!(why.contains("char new"), "{why}");
    let why = g.refused("aria", "dm hp g1 -3");
    assert!(why.to_lowercase().contains("dm"), "{why}");
    g.assert_replays();
}

#[test]
fn help_gives_the_next_ally_attack_advantage_once() {
    let mut g = fight(4);
    g.skip_to("bo");
    g.ok("bo", "help g1");
    assert!(
        g.table
            .encounter
            .as_ref()
            .unwrap()
            .helped
            .contains(&"g1".to_owned())
    );
    g.ok("bo", "n");
    g.skip_to("aria");
    g.ok("aria", "move engaged g1");
    let attack = g.ok("aria", "a longsword -t g1");
    let d20 = attack
        .lines
        .iter()
        .find_map(|l| match l {
            Line::Attack { .. } => Some(format!("{l:?}")),
            _ => None,
        })
        .unwrap();
    assert!(
        !g.table
            .encounter
            .as_ref()
            .unwrap()
            .helped
            .contains(&"g1".to_owned())
    );
    // Advantage rolls two d20s: the roll record holds both faces.
    let last = g.log.last().unwrap();
    let dm::Event::Did { rolls: Some(r), .. } = last else {
        panic!("{last:?}");
    };
    let d20s = r.faces.iter().filter(|f| f.sides == 20).count();
    assert!(d20s >= 2, "{d20} {:?}", r.faces);
    g.assert_replays();
}

#[test]
fn grapple_and_shove_follow_the_contest() {
    for seed in 5..12 {
        let mut g = fight(seed);
        g.skip_to("aria");
        g.ok("aria", "move engaged g1");
        let reply = g.ok("aria", "grapple g1");
        let t = totals(&reply);
        let grappled = g
            .table
            .encounter
            .as_ref()
            .unwrap()
            .monster("g1")
            .unwrap()
            .conditions
            .has(Condition::Grappled);
        assert_eq!(grappled, t[0] > t[1], "{reply:?}");
        g.ok("aria", "n");
        g.skip_to("aria");
        let reply = g.ok("aria", "shove g1");
        let t = totals(&reply);
        assert_eq!(
            distance(&g, "aria", "g1") == Distance::Near,
            t[0] > t[1],
            "{reply:?}"
        );
        g.assert_replays();
    }
}

#[test]
fn a_potion_heals_once_and_is_used_up() {
    let mut g = fight(6);
    g.ok("dm", "dm hp aria -12");
    let potions = |g: &Game| {
        g.table
            .character("aria")
            .unwrap()
            .items
            .iter()
            .filter(|i| i.starts_with("potion-of-healing"))
            .count()
    };
    let had = potions(&g);
    if had == 0 {
        g.ok("dm", "dm loot potion of healing -to aria");
    }
    let had = potions(&g);
    assert!(had >= 1);
    g.skip_to("aria");
    let before = g.table.character("aria").unwrap().health.current();
    let reply = g.ok("aria", "use potion of healing");
    let healed = reply
        .lines
        .iter()
        .find_map(|l| match l {
            Line::Heal { amount, .. } => Some(*amount),
            _ => None,
        })
        .unwrap();
    assert!((4..=10).contains(&healed), "{healed}");
    assert_eq!(
        g.table.character("aria").unwrap().health.current(),
        before + healed
    );
    assert_eq!(potions(&g), had - 1);
    g.refused("aria", "use potion of healing");
    g.ok("aria", "n");
    g.skip_to("aria");
    g.refused("aria", "use rope");
    g.assert_replays();
}

#[test]
fn leaving_a_monster_provokes_unless_disengaged() {
    let mut g = fight(7);
    g.skip_to("aria");
    g.ok("aria", "move engaged g1");
    assert_eq!(distance(&g, "aria", "g1"), Distance::Engaged);
    g.ok("aria", "n");
    g.skip_to("aria");
    let reply = g.ok("aria", "move near g1");
    assert_eq!(distance(&g, "aria", "g1"), Distance::Near);
    assert!(notes(&reply).contains("opportunity attack"), "{reply:?}");
    assert!(
        reply.lines.iter().any(|l| matches!(l, Line::Attack { attacker, .. } if attacker.contains("g1") || attacker.contains("Goblin"))),
        "{reply:?}"
    );
    let enc = g.table.encounter.as_ref().unwrap();
    assert!(enc.economy.get("g1").unwrap().reaction_used);
    g.ok("aria", "n");
    // Disengaged, Bo walks away freely.
    g.skip_to("bo");
    g.ok("bo", "move engaged g2");
    g.ok("bo", "disengage");
    g.ok("bo", "n");
    g.skip_to("bo");
    g.ok("bo", "disengage");
    let reply = g.ok("bo", "move near g2");
    assert!(!notes(&reply).contains("opportunity attack"), "{reply:?}");
    g.assert_replays();
}

#[test]
fn dying_characters_roll_death_saves_and_healing_brings_them_back() {
    let mut g = fight(8);
    // Exactly to 0: more than the hit point maximum past 0 would kill outright.
    let hp = g.table.character("cy").unwrap().health.current();
    g.ok("dm", &format!("dm hp cy -{hp}"));
    let state = g.table.character("cy").unwrap().health.state();
    assert!(matches!(state, LifeState::Dying { .. }), "{state:?}");
    g.skip_to("cy");
    g.refused("bo", "ds");
    let reply = g.ok("cy", "ds");
    assert_eq!(totals(&reply).len(), 1);
    // Healing a dying character brings them back conscious.
    g.ok("dm", "dm hp cy +5");
    let cy = g.table.character("cy").unwrap();
    assert_eq!(cy.health.state(), LifeState::Conscious);
    assert_eq!(cy.health.current(), 5);
    // Damage of the hit point maximum past 0 kills outright.
    let max = cy.health.max();
    g.ok("dm", &format!("dm hp cy -{}", 5 + max));
    assert_eq!(
        g.table.character("cy").unwrap().health.state(),
        LifeState::Dead
    );
    g.assert_replays();
}

#[test]
fn three_failed_death_saves_kill_and_three_successes_stabilize() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in 20..40 {
        let mut g = fight(seed);
        let hp = g.table.character("cy").unwrap().health.current();
        g.ok("dm", &format!("dm hp cy -{hp}"));
        // The goblins stand aside; Cy rolls on each of her turns.
        for _ in 0..6 {
            g.skip_to("cy");
            let state = g.table.character("cy").unwrap().health.state();
            if !matches!(state, LifeState::Dying { .. }) {
                break;
            }
            g.ok("cy", "ds");
            g.ok("cy", "n");
        }
        let state = g.table.character("cy").unwrap().health.state();
        assert!(
            matches!(
                state,
                LifeState::Dead | LifeState::Stable | LifeState::Conscious
            ),
            "{state:?}"
        );
        seen.insert(format!("{state:?}"));
        g.assert_replays();
    }
    assert!(seen.contains("Dead") && seen.contains("Stable"), "{seen:?}");
}

#[test]
fn rests_restore_what_they_should_and_not_in_a_fight() {
    let mut g = Game::new(9);
    g.ok("cy", "char new Cy cleric 3 hill dwarf");
    g.ok("dm", "dm hp cy -10");
    let slots_before = g.table.character("cy").unwrap().slots.clone();
    g.ok("cy", "cast cure wounds -t cy");
    assert_ne!(g.table.character("cy").unwrap().slots, slots_before);
    g.ok("dm", "dm hp cy -10");
    let dice_before = g.table.character("cy").unwrap().hit_dice_left;
    let reply = g.ok("cy", "rest short");
    let cy = g.table.character("cy").unwrap();
    assert!(cy.hit_dice_left < dice_before, "{reply:?}");
    g.ok("cy", "rest long");
    let cy = g.table.character("cy").unwrap();
    assert_eq!(cy.health.current(), cy.health.max());
    assert_eq!(cy.slots, slots_before);
    g.ok("dm", "dm encounter");
    g.ok("dm", "madd goblin");
    g.ok("dm", "n");
    let why = g.refused("cy", "rest long");
    assert!(why.contains("fight"), "{why}");
    g.assert_replays();
}

#[test]
fn votes_close_by_majority_at_the_deadline_and_the_dm_breaks_ties() {
    let mut g = Game::new(10);
    for (p, c) in [("aria", "fighter"), ("bo", "rogue"), ("cy", "cleric")] {
        g.ok(p, &format!("char new {p} {c} 1 human"));
    }
    g.ok("aria", r#"vote "left door" "right door""#);
    g.refused("bo", r#"vote "a" "b""#);
    g.refused("bo", "v 3");
    g.ok("aria", "v 1");
    g.ok("bo", "v right");
    // Tie at the deadline: the DM decides.
    g.now += 400;
    let reply = g.ok("cy", "r d20");
    assert!(notes(&reply).contains("tied"), "{reply:?}");
    assert!(g.table.vote.is_some());
    g.refused("aria", "dm decide 1");
    let reply = g.ok("dm", "dm decide 2");
    assert!(notes(&reply).contains("right door"), "{reply:?}");
    assert!(g.table.vote.is_none());
    // Everyone voted: majority at once.
    g.ok("bo", r#"vote "rest" "press on""#);
    g.ok("aria", "v 2");
    g.ok("bo", "v 2");
    let reply = g.ok("cy", "v 1");
    assert!(notes(&reply).contains("press on"), "{reply:?}");
    assert!(g.table.vote.is_none());
    g.assert_replays();
}

#[test]
fn xp_and_loot_reach_the_sheets() {
    let mut g = Game::new(11);
    g.ok("aria", "char new Aria fighter 1 human");
    g.ok("bo", "char new Bo rogue 1 human");
    let reply = g.ok("dm", "dm xp 300");
    assert_eq!(g.table.character("aria").unwrap().xp, 300);
    assert_eq!(g.table.character("bo").unwrap().xp, 300);
    assert!(notes(&reply).to_lowercase().contains("level"), "{reply:?}");
    g.ok("dm", "dm xp 50 -to bo");
    assert_eq!(g.table.character("bo").unwrap().xp, 350);
    let gold = g.table.character("aria").unwrap().gold;
    g.ok("dm", "dm loot 40gp rope, lantern -to aria");
    let aria = g.table.character("aria").unwrap();
    assert_eq!(aria.gold, gold + 40);
    assert!(
        aria.items.iter().any(|i| i.contains("rope")),
        "{:?}",
        aria.items
    );
    g.refused("aria", "dm xp 1000");
    g.assert_replays();
}

#[test]
fn characters_take_their_opportunity_attacks_unless_switched_off() {
    let mut g = fight(12);
    g.skip_to("aria");
    g.ok("aria", "move engaged g1");
    g.ok("aria", "n");
    g.skip_to("g1");
    let reply = g.ok("dm", "dm as g1 move near aria");
    assert!(
        notes(&reply).contains("Aria makes an opportunity attack"),
        "{reply:?}"
    );
    assert!(
        reply
            .lines
            .iter()
            .any(|l| matches!(l, Line::Attack { attacker, .. } if attacker == "Aria")),
        "{reply:?}"
    );
    assert!(g.table.encounter.as_ref().unwrap().economy["aria"].reaction_used);
    g.assert_replays();

    // Switched off: the player is told instead, and keeps the reaction.
    let mut g = fight(12);
    g.ok("bo", "react oa off");
    g.skip_to("bo");
    g.ok("bo", "move engaged g2");
    g.ok("bo", "n");
    g.skip_to("g2");
    let reply = g.ok("dm", "dm as g2 move near bo");
    assert!(
        notes(&reply).contains("Bo may take an opportunity attack"),
        "{reply:?}"
    );
    assert!(
        !reply
            .lines
            .iter()
            .any(|l| matches!(l, Line::Attack { attacker, .. } if attacker == "Bo")),
        "{reply:?}"
    );
    g.assert_replays();
}

#[test]
fn moving_costs_movement_and_dash_gives_more() {
    let mut g = fight(13);
    g.skip_to("aria");
    // Near to engaged: one step, her whole 30 ft.
    g.ok("aria", "move engaged g1");
    let why = g.refused("aria", "move near g1");
    assert!(
        why.contains("0 ft of movement left") && why.contains("dash"),
        "{why}"
    );
    g.refused("aria", "move engaged g1");
    g.ok("aria", "n");
    g.skip_to("aria");
    // Engaged to far is two steps: a dash makes it.
    let why = g.refused("aria", "move far g1");
    assert!(why.contains("takes 60 ft"), "{why}");
    g.ok("aria", "dash");
    g.ok("aria", "move far g1");
    assert_eq!(distance(&g, "aria", "g1"), Distance::Far);
    g.ok("aria", "n");
    // A speed-25 halfling still makes one step a turn.
    g.skip_to("bo");
    assert_eq!(g.table.character("bo").unwrap().speed, 25);
    g.ok("bo", "move engaged g2");
    g.refused("bo", "move near g2");
    g.assert_replays();
}

#[test]
fn reach_and_range_follow_the_distances() {
    let mut g = Game::new(14);
    g.ok("aria", "char new Aria fighter 3 human");
    g.ok("wiz", "char new Wiz wizard 5 high elf");
    g.ok("cy", "char new Cy cleric 3 hill dwarf");
    g.ok("dm", "dm encounter");
    g.ok("dm", "madd goblin -n 6 --avg");
    g.ok("dm", "n");
    g.skip_to("aria");
    // A longsword needs the goblin engaged; a thrown handaxe does not.
    let why = g.refused("aria", "a longsword -t g1");
    assert!(
        why.contains("out of reach") && why.contains("move engaged g1"),
        "{why}"
    );
    let aria = g.table.character("aria").unwrap().clone();
    if aria
        .weapons
        .iter()
        .any(|w| w.starts_with("handaxe") || w.starts_with("javelin"))
    {
        let thrown = if aria.weapons.iter().any(|w| w.starts_with("handaxe")) {
            "handaxe"
        } else {
            "javelin"
        };
        g.ok("aria", &format!("a {thrown} -t g1"));
    }
    g.ok("aria", "n");
    g.skip_to("wiz");
    // A 20-ft-radius Fireball holds four creatures without a grid.
    let why = g.refused("wiz", "cast fireball -t g1 -t g2 -t g3 -t g4 -t g5");
    assert!(why.contains("at most 4"), "{why}");
    g.ok("wiz", "cast fireball -t g1 -t g2 -t g3 -t g4");
    g.ok("wiz", "n");
    // A touch spell needs its target engaged.
    g.skip_to("cy");
    g.ok("dm", "dm place cy near aria");
    let why = g.refused("cy", "cast cure wounds -t aria");
    assert!(why.contains("out of range"), "{why}");
    g.ok("cy", "move engaged aria");
    g.ok("cy", "cast cure wounds -t aria");
    g.assert_replays();
}

#[test]
fn the_dm_places_combatants_and_a_monster_dying_on_its_turn_hands_over_properly() {
    let mut g = fight(15);
    g.ok("dm", "dm place aria engaged g1");
    assert_eq!(distance(&g, "aria", "g1"), Distance::Engaged);
    g.refused("aria", "dm place aria far g1");
    let why = g.refused("dm", "dm place aria near aria");
    assert!(why.contains("two different"), "{why}");
    // g1 tries to walk away from Aria and her opportunity attack may drop
    // it; whatever happens, the next combatant's turn starts with its
    // movement.
    g.skip_to("g1");
    g.ok("dm", "dm as g1 disengage");
    g.ok("dm", "dm hp g1 -99");
    let why = g.refused("dm", "dm as g1 dodge");
    assert!(why.contains("dead"), "{why}");
    g.ok("dm", "n");
    let enc = g.table.encounter.as_ref().unwrap();
    assert!(
        !enc.order.iter().any(|s| s.handle == "g1"),
        "the dead leave the order"
    );
    let next = enc.current().unwrap().to_owned();
    assert!(
        enc.economy[&next].movement_left > 0,
        "{next} starts its turn with movement"
    );
    g.assert_replays();
}

#[test]
fn a_breath_weapon_covers_several_targets_and_must_recharge() {
    let mut g = Game::new(16);
    g.ok("aria", "char new Aria fighter 5 human");
    g.ok("bo", "char new Bo rogue 5 lightfoot halfling");
    g.ok("dm", "dm encounter");
    g.ok("dm", "madd young red dragon --avg");
    g.ok("dm", "n");
    let dragon = g.table.encounter.as_ref().unwrap().monsters[0]
        .handle
        .clone();
    g.skip_to(&dragon);
    let reply = g.ok("dm", &format!("dm as {dragon} a fire breath -t aria -t bo"));
    let saves = reply
        .lines
        .iter()
        .filter(|l| matches!(l, Line::Save { .. }))
        .count();
    assert_eq!(saves, 2, "{reply:?}");
    let hit: Vec<u32> = reply
        .lines
        .iter()
        .filter_map(|l| match l {
            Line::Damage { amount, .. } => Some(*amount),
            _ => None,
        })
        .collect();
    assert_eq!(hit.len(), 2, "{reply:?}");
    let why = g.refused("dm", &format!("dm as {dragon} a fire breath -t aria"));
    assert!(
        why.contains("not ready") || why.contains("already"),
        "{why}"
    );
    let state = g
        .table
        .encounter
        .as_ref()
        .unwrap()
        .monster(&dragon)
        .unwrap();
    assert!(!state.resources.ready("Fire Breath"));
    g.assert_replays();
}

#[test]
fn a_player_switches_between_their_own_characters_out_of_a_fight() {
    let mut g = Game::new(3);
    g.ok("aria", "char new Aria wizard 3 high elf");
    g.ok("aria", "char new Vex rogue 3 human");
    g.ok("bo", "char new Bo fighter 3 human");
    assert_eq!(g.table.players[&common::pid("aria")], "vex");
    let said = notes(&g.ok("aria", "char use aria"));
    assert!(said.contains("You now play Aria"), "{said}");
    assert_eq!(g.table.players[&common::pid("aria")], "aria");
    // Someone else's, or one being played, is not yours to take.
    let why = g.refused("aria", "char use bo");
    assert!(why.contains("someone else's"), "{why}");
    let why = g.refused("bo", "char use vex");
    assert!(why.contains("someone else's"), "{why}");
    let why = g.refused("aria", "char use nobody");
    assert!(!why.is_empty());
    // Not in the middle of a fight.
    g.ok("dm", "dm encounter");
    let why = g.refused("aria", "char use vex");
    assert!(why.contains("middle of a fight"), "{why}");
    g.ok("dm", "dm end");
    g.ok("aria", "char use vex");
    assert_eq!(g.table.players[&common::pid("aria")], "vex");
    g.assert_replays();
}

#[test]
fn the_dm_sees_monster_hit_points_in_status_privately_players_see_words() {
    let mut g = Game::new(4);
    g.ok("aria", "char new Aria fighter 3 human");
    g.ok("dm", "dm encounter");
    g.ok("dm", "madd goblin --avg");
    let player = g.ok("aria", "status");
    assert!(!player.private);
    let text = notes(&player);
    assert!(text.contains("healthy") && !text.contains("7/7"), "{text}");
    let dm = g.ok("dm", "status");
    assert!(dm.private, "the DM's status with numbers is private");
    let text = notes(&dm);
    assert!(text.contains("7/7"), "{text}");
}

#[test]
fn what_the_whole_table_hears_is_marked_and_a_reward_for_some_is_not() {
    let mut g = Game::new(3);
    g.ok("aria", "char new Aria fighter 3 human");
    g.ok("bo", "char new Bo rogue 3 lightfoot halfling");
    assert!(!g.ok("aria", "r d20").announce, "a player's own roll");
    assert!(g.ok("dm", "dm narrate Rain on the road.").announce);
    assert!(g.ok("dm", "dm xp 50").announce, "XP for the party");
    assert!(!g.ok("dm", "dm xp 50 bo").announce, "XP for Bo only");
    assert!(
        !g.ok("dm", "dm loot 10gp -to aria").announce,
        "loot for Aria only"
    );
    let vote = g.ok("aria", r#"vote "left" "right""#);
    assert!(vote.announce, "a vote opens for everyone");
    assert!(!g.ok("aria", "v 1").announce, "one ballot of two");
    assert!(g.ok("bo", "v 1").announce, "the last ballot settles it");
    assert!(g.ok("dm", "dm encounter").announce);
    assert!(!g.ok("dm", "madd goblin --avg").announce);
    assert!(!g.ok("dm", "n").announce, "turns are told as turn calls");
    assert!(g.ok("dm", "dm end").announce);
}

#[test]
fn monsters_added_together_are_told_in_one_sentence_after_their_initiative() {
    let mut g = Game::new(4);
    g.ok("dm", "dm encounter");
    let three = g.ok("dm", "madd goblin -n 3 --avg");
    let rolls = three
        .lines
        .iter()
        .filter(|l| matches!(l, Line::Roll { label, .. } if label == "initiative"))
        .count();
    assert_eq!(rolls, 3, "{three:?}");
    assert_eq!(
        three.lines.last(),
        Some(&Line::Note {
            text: "Goblin (g1), Goblin (g2) and Goblin (g3) join with 7 HP each.".into()
        })
    );
    let one = g.ok("dm", "madd wolf --avg");
    assert!(
        notes(&one).contains("Wolf (w1) joins with 11 HP."),
        "{one:?}"
    );
}

#[test]
fn a_new_character_is_told_in_brief_with_its_sheet_s_figures() {
    let mut g = Game::new(5);
    let reply = g.ok("aria", "char new Aria fighter 3 human");
    let aria = g.table.character("aria").unwrap();
    assert_eq!(
        reply.lines,
        vec![Line::Character {
            name: "Aria".into(),
            level: 3,
            race: aria.race.clone(),
            class: "fighter".into(),
            max_hp: aria.health.max(),
            ac: aria.ac(),
            speed: 30,
            scores: aria.scores,
        }]
    );
}

/// Without `-t`, a spell's name of several words is read whole, and the
/// words after it are its targets; a name no spell has is refused by name.
#[test]
fn a_multi_word_spell_without_t_targets_the_words_after_its_name() {
    let mut g = fight(21);
    g.ok("wiz", "char new Wiz wizard 3 high elf");
    g.ok("wiz", "init");
    g.skip_to("wiz");
    let r = g.ok("wiz", "c magic missile g1 g2");
    assert!(notes(&r).contains("Wiz casts Magic Missile."), "{r:?}");
    let damaged = damaged(&r);
    for goblin in ["Goblin (g1)", "Goblin (g2)"] {
        assert!(damaged.iter().any(|d| d == goblin), "{damaged:?}");
    }
    let why = g.refused("wiz", "c witch bolt g1");
    assert!(why.contains("doesn't know `witch`"), "{why}");
    g.ok("dm", "dm end");
    g.ok("dm", "dm hp aria -5");
    let r = g.ok("cy", "cast cure wounds Aria");
    assert!(notes(&r).contains("Cy casts Cure Wounds."), "{r:?}");
    assert!(
        r.lines
            .iter()
            .any(|l| matches!(l, Line::Heal { target, .. } if target == "Aria")),
        "{r:?}"
    );
    g.assert_replays();
}
