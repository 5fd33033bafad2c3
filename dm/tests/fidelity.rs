//! Rules fidelity outside the fight (issue 22): concentration holds in and
//! out of fights, racial traits reach the rules engine, kits and potions
//! play by their content, and the log shows every die and every part of
//! the damage.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{Dice, Game, notes, picked};
use dm::Line;

/// A table with these characters (`name class level race`), each played
/// by the player named after it, and no fight.
fn party(seed: u8, characters: &[&str]) -> Game {
    let mut g = Game::new(seed);
    for c in characters {
        let name = c.split_whitespace().next().unwrap().to_lowercase();
        g.ok(&name, &format!("char new {c}"));
    }
    g
}

fn concentrating(g: &Game, handle: &str) -> Option<String> {
    g.table.concentrations().get(handle).cloned()
}

/// The reply's saves: (what for, total, DC, success).
fn saves(reply: &dm::Reply) -> Vec<(String, Option<i32>, i32, bool)> {
    picked(reply, |l| match l {
        Line::Save {
            what,
            total,
            dc,
            success,
            ..
        } => Some((what.clone(), *total, *dc, *success)),
        _ => None,
    })
}

#[test]
fn a_second_concentration_spell_ends_the_first_out_of_a_fight() {
    let mut g = party(22, &["Cleo cleric 5 human"]);
    g.ok("cleo", "cast bless -t cleo");
    assert_eq!(concentrating(&g, "cleo").as_deref(), Some("Bless"));
    let r = g.ok("cleo", "cast spirit guardians");
    assert!(
        notes(&r).contains("Cleo stops concentrating on Bless."),
        "{r:?}"
    );
    assert_eq!(
        concentrating(&g, "cleo").as_deref(),
        Some("Spirit Guardians")
    );
    // A spell without concentration leaves it alone.
    g.ok("cleo", "cast cure wounds -t cleo");
    assert_eq!(
        concentrating(&g, "cleo").as_deref(),
        Some("Spirit Guardians")
    );
    g.assert_replays();
}

#[test]
fn damage_out_of_a_fight_rolls_a_concentration_save() {
    let mut g = party(22, &["Cleo cleric 5 human"]);
    let max = g.hp("cleo");
    assert!(max > 30, "{max}");
    g.ok("cleo", "cast bless -t cleo");
    // 4 damage: DC 10; a 20 keeps the spell.
    let r = g.ok_with("dm", "dm hp cleo -4", Dice::Faces(&[20]));
    let [(what, _, dc, success)] = saves(&r).try_into().unwrap();
    assert_eq!((what.as_str(), dc, success), ("concentration", 10, true));
    assert_eq!(concentrating(&g, "cleo").as_deref(), Some("Bless"));
    // 30 damage: DC 15, half the damage taken; a 1 fails and ends it.
    let r = g.ok_with("dm", "dm hp cleo -30", Dice::Faces(&[1]));
    let [(_, _, dc, success)] = saves(&r).try_into().unwrap();
    assert_eq!((dc, success), (15, false));
    assert!(
        notes(&r).contains("Cleo loses concentration on Bless."),
        "{r:?}"
    );
    assert_eq!(concentrating(&g, "cleo"), None);
    // Without concentration, damage rolls no save.
    let r = g.ok("dm", "dm hp cleo -1");
    assert!(saves(&r).is_empty(), "{r:?}");
    g.assert_replays();
}

#[test]
fn concentration_goes_into_a_fight_and_out_of_it() {
    let mut g = party(22, &["Cleo cleric 5 human"]);
    g.ok("cleo", "cast bless -t cleo");
    g.ok_with("dm", "dm encounter", Dice::Faces(&[1]));
    g.ok_with("dm", "madd goblin -n 1 --avg", Dice::Faces(&[20]));
    // One place holds it: the fight, while it is on.
    assert!(g.table.concentration.is_empty());
    let enc = g.table.encounter.as_ref().unwrap();
    assert_eq!(
        enc.concentration.get("cleo").map(String::as_str),
        Some("Bless")
    );
    g.ok("dm", "n");
    g.skip_to("cleo");
    let r = g.ok("cleo", "cast spirit guardians");
    assert!(
        notes(&r).contains("Cleo stops concentrating on Bless."),
        "{r:?}"
    );
    g.ok("dm", "dm end");
    assert_eq!(
        g.table.concentration.get("cleo").map(String::as_str),
        Some("Spirit Guardians")
    );
    // A snapshot keeps it.
    let json = serde_json::to_string(&g.table).unwrap();
    assert_eq!(serde_json::from_str::<dm::Table>(&json).unwrap(), g.table);
    // Sleep ends it.
    let r = g.ok("cleo", "rest long");
    assert!(notes(&r).contains("no longer concentrates"), "{r:?}");
    assert_eq!(concentrating(&g, "cleo"), None);
    g.assert_replays();
}

#[test]
fn dwarven_resilience_gives_advantage_on_saves_against_poison() {
    // A dretch's Fetid Cloud: DC 11 Constitution or poisoned. Thor's
    // Constitution save is +5 as a hill dwarf (Con 16), +4 as a human (Con
    // 15); the first d20 is a 1, the second a 20.
    let run = |race: &str| {
        let mut g = party(22, &[&format!("Thor fighter 1 {race}")]);
        g.fight(&[("dretch", 1)]);
        g.skip_to("d1");
        g.ok_with(
            "dm",
            "dm as d1 a fetid cloud -t thor",
            Dice::Faces(&[1, 20]),
        )
    };
    let dwarf = run("hill dwarf");
    let [(_, total, dc, success)] = saves(&dwarf).try_into().unwrap();
    assert_eq!((total, dc, success), (Some(25), 11, true), "{dwarf:?}");
    let human = run("human");
    let [(_, total, _, success)] = saves(&human).try_into().unwrap();
    assert_eq!((total, success), (Some(5), false), "{human:?}");
}

#[test]
fn fey_ancestry_is_no_advantage_against_poison() {
    let mut g = party(22, &["Ela fighter 1 high elf"]);
    g.fight(&[("dretch", 1)]);
    g.skip_to("d1");
    let r = g.ok_with("dm", "dm as d1 a fetid cloud -t ela", Dice::Faces(&[1, 20]));
    let [(_, _, _, success)] = saves(&r).try_into().unwrap();
    assert!(!success, "one d20, the 1: {r:?}");
}

#[test]
fn a_weapon_answers_to_its_common_name() {
    let mut g = party(22, &["Aria fighter 3 human"]);
    g.fight(&[("goblin", 1)]);
    g.skip_to("aria");
    // The crossbow is two-handed: the fighter's shield comes off first.
    g.ok("dm", "dm set aria shield no \"both hands\"");
    let r = g.ok("aria", "a light crossbow -t g1");
    let with = picked(&r, |l| match l {
        Line::Attack { with, .. } => Some(with.clone()),
        _ => None,
    });
    assert_eq!(with, ["Crossbow, light"], "{r:?}");
    g.skip_to("aria");
    let why = g.refused("aria", "a greataxe -t g1");
    assert!(why.contains("carries: longsword, crossbow-light"), "{why}");
    g.assert_replays();
}

#[test]
fn a_potion_heals_by_its_own_dice() {
    let mut g = party(22, &["Aria fighter 5 human"]);
    g.ok("dm", "dm loot potion of supreme healing -to aria");
    g.ok("dm", "dm hp aria -40");
    let before = g.hp("aria");
    // 10d4+20 with every d4 a 1: 30.
    let r = g.ok_with("aria", "use potion of supreme", Dice::Faces(&[1; 10]));
    let healed = picked(&r, |l| match l {
        Line::Heal { amount, .. } => Some(*amount),
        _ => None,
    });
    assert_eq!(healed, [30], "{r:?}");
    assert_eq!(g.hp("aria"), before + 30);
    assert!(notes(&r).contains("potion of supreme healing"), "{r:?}");
    assert!(
        !g.sheet("aria")
            .items
            .contains(&"potion-of-supreme-healing".to_owned())
    );
    g.assert_replays();
}

#[test]
fn the_sheet_shows_darkvision() {
    let mut g = party(22, &["Thor fighter 1 hill dwarf", "Hal wizard 1 human"]);
    assert!(notes(&g.ok("thor", "sheet")).contains("darkvision 60 ft"));
    assert!(!notes(&g.ok("hal", "sheet")).contains("darkvision"));
}

#[test]
fn a_dead_character_is_marked_dead_in_status() {
    let mut g = party(22, &["Cleo cleric 5 human", "Hal wizard 1 human"]);
    let max = g.hp("cleo");
    // Massive damage: what is left after 0 reaches the maximum.
    g.ok("dm", &format!("dm hp cleo -{}", 2 * max));
    let status = notes(&g.ok("hal", "status"));
    assert!(status.contains(&format!("HP 0/{max} dead")), "{status}");
    let hal = status.lines().find(|l| l.starts_with("Hal")).unwrap();
    assert!(!hal.contains("dead"), "{status}");
}

#[test]
fn healing_a_creature_at_full_hp_says_so() {
    let mut g = party(22, &["Aria fighter 3 human"]);
    let max = g.hp("aria");
    let r = g.ok("dm", "dm hp aria 200");
    assert!(
        notes(&r).contains(&format!("Aria is already at full HP ({max}/{max}).")),
        "{r:?}"
    );
    assert!(picked(&r, |l| matches!(l, Line::Heal { .. }).then_some(())).is_empty());
    g.fight(&[("bandit", 1)]);
    let r = g.ok("dm", "dm hp b1 200");
    assert!(
        notes(&r).contains("Bandit (b1) is already at full HP"),
        "{r:?}"
    );
    // Hurt, it heals as before.
    g.ok("dm", "dm hp aria -5");
    let r = g.ok("dm", "dm hp aria 200");
    let healed = picked(&r, |l| match l {
        Line::Heal { amount, .. } => Some(*amount),
        _ => None,
    });
    assert_eq!(healed, [5]);
}

#[test]
fn an_attack_logs_both_d20s_and_the_resisted_damage_split() {
    // A giant poisonous snake bites a hill dwarf with advantage: d20s 5 and
    // 18; 1d4+4 piercing (4 + 4); Thor fails the DC 11 save with a 1 and
    // takes 3d6 poison (18), halved by Dwarven Resilience to 9.
    let mut g = party(22, &["Thor fighter 5 hill dwarf"]);
    g.fight(&[("giant-poisonous-snake", 1)]);
    g.skip_to("gps1");
    let r = g.ok_with(
        "dm",
        "dm as gps1 a bite -t thor adv",
        Dice::Faces(&[5, 18, 4, 1, 6, 6, 6]),
    );
    let json = serde_json::to_value(&r).unwrap();
    let lines = json["lines"].as_array().unwrap();
    let attack = lines.iter().find(|l| l["kind"] == "attack").unwrap();
    assert_eq!(attack["d20s"], serde_json::json!([5, 18]), "{attack}");
    assert_eq!(attack["d20"], 18);
    let damage = lines.iter().find(|l| l["kind"] == "damage").unwrap();
    assert_eq!(
        damage["parts"],
        serde_json::json!([
            {"damage_type": "piercing", "rolled": 8, "taken": 8},
            {"damage_type": "poison", "rolled": 18, "taken": 9},
        ]),
        "{damage}"
    );
    assert_eq!(damage["amount"], 17);
    // The reply read back from its JSON is the same reply.
    assert_eq!(serde_json::from_value::<dm::Reply>(json).unwrap(), r);
    g.assert_replays();
}
