//! Every class's starting kit is content the rules can run: each weapon,
//! armor and item resolves by id and by name, and the weapons come with
//! what their properties need (ammunition to fire, free hands for a
//! two-handed grip).
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{Dice, Game, notes, picked};
use dm::Line;
use dm::builder;
use dm::character::Character;
use dm::command::{NewCharacter, Scores};
use dm::options::turn_options;
use rules::automation::features::attacks_per_action;
use rules::content::{self, Found, GearKind, WeaponKind, WeaponProperty};

fn make(class: &str, level: u8) -> Character {
    Character::create(&NewCharacter {
        name: "Kit".into(),
        class: class.into(),
        level,
        race: "human".into(),
        scores: Scores::StandardArray,
        ..NewCharacter::default()
    })
    .unwrap()
}

#[test]
fn every_starting_kit_item_resolves_and_is_usable() {
    for class in content::classes() {
        let c = make(&class.id, 1);
        assert!(!c.weapons.is_empty(), "{} starts with a weapon", class.id);
        assert_eq!(c.items[0], "potion-of-healing", "{}", class.id);
        // Every default option of the package is on the sheet.
        let equipment = c
            .pending
            .iter()
            .filter(|p| p.kind == dm::character::ChoiceKind::Equipment);
        for p in equipment {
            for (_, id) in builder::decode_option(&p.chosen[0]) {
                let on = c.armor.as_deref() == Some(id)
                    || (id == "shield" && c.shield)
                    || c.weapons.iter().any(|w| w == id)
                    || c.items.iter().any(|i| i == id);
                assert!(on, "{}: {id} from {:?}", class.id, p.chosen);
            }
        }
        for id in &c.weapons {
            let w = content::weapon(id).unwrap_or_else(|| panic!("{}: no weapon {id}", class.id));
            assert_eq!(&w.id, id, "{}: the sheet holds the content id", class.id);
            assert_eq!(content::weapon(&w.name).unwrap().id, w.id);
            for name in std::iter::once(&w.name).chain(&w.aliases) {
                match content::find(content::weapons(), name) {
                    Found::One(found) => assert_eq!(found.id, w.id, "{name}"),
                    other => panic!("`{name}` finds {other:?}"),
                }
                assert_eq!(c.weapon(name).unwrap().id, w.id, "{}: `{name}`", class.id);
            }
            assert!(w.damage.is_some(), "{}: {} deals damage", class.id, w.id);
            if w.kind == WeaponKind::Ranged {
                assert!(w.range.is_some(), "{}: {} has a range", class.id, w.id);
            }
            if w.has(WeaponProperty::Loading) {
                assert!(w.has(WeaponProperty::Ammunition), "{}", w.id);
            }
            if w.has(WeaponProperty::Ammunition) {
                let ammo = w.ammunition.as_deref().unwrap();
                assert!(
                    c.items.iter().any(|i| i == ammo),
                    "{}: {} comes with its {ammo}",
                    class.id,
                    w.id
                );
            }
        }
        // A shield leaves one hand: the default attack must not need two.
        let first = content::weapon(&c.weapons[0]).unwrap();
        if c.shield {
            assert!(!first.has(WeaponProperty::TwoHanded), "{}", class.id);
        }
        if let Some(id) = &c.armor {
            let a = content::armor(id).unwrap_or_else(|| panic!("{}: no armor {id}", class.id));
            assert_eq!(&a.id, id);
            assert_eq!(content::armor(&a.name).unwrap().id, a.id);
        }
        if c.shield {
            assert!(content::armor("shield").is_some());
        }
        for id in &c.items {
            // Packs, foci and tools are SRD items; only gear has rules to run.
            let Some(g) = content::gear(id) else {
                assert!(content::item(id).is_some(), "{}: no item {id}", class.id);
                continue;
            };
            assert_eq!(&g.id, id);
            assert_eq!(content::gear(&g.name).unwrap().id, g.id);
            match g.kind {
                GearKind::Potion => {
                    let dice = g.healing.as_deref().unwrap();
                    assert!(rules::dice::parse(dice).is_ok(), "{dice}");
                }
                GearKind::Ammunition => assert!(
                    c.weapons
                        .iter()
                        .any(|w| content::weapon(w).unwrap().ammunition.as_deref() == Some(id)),
                    "{}: {id} is fired by a weapon it carries",
                    class.id
                ),
            }
        }
    }
}

#[test]
fn the_fighter_and_the_cleric_carry_a_light_crossbow_and_its_bolts() {
    for class in ["fighter", "cleric"] {
        let c = make(class, 3);
        let crossbow = c.weapon("light crossbow").unwrap();
        assert_eq!(crossbow.id, "crossbow-light");
        assert!(crossbow.has(WeaponProperty::Loading));
        assert!(crossbow.has(WeaponProperty::TwoHanded));
        assert_eq!(crossbow.range, Some([80, 320]));
        assert!(c.items.contains(&"crossbow-bolt".to_string()));
        assert_eq!(content::gear("crossbow bolt").unwrap().quantity, 20);
    }
    // A sheet saved before the ids were fixed still resolves its crossbow.
    let mut old = make("fighter", 1);
    old.weapons = vec!["longsword".into(), "light-crossbow".into()];
    assert_eq!(old.weapon("light crossbow").unwrap().id, "crossbow-light");
    assert_eq!(old.weapon("").unwrap().id, "longsword");
    assert!(old.weapon("greataxe").is_none());
}

/// A table where `line` (`name class level`) is in a fight with an ogre,
/// on its turn; the ogre's handle.
fn at_the_ogre(line: &str) -> (Game, String) {
    let mut g = Game::new(23);
    let name = line.split_whitespace().next().unwrap().to_lowercase();
    g.ok(&name, &format!("char new {line} human"));
    g.fight(&[("ogre", 1)]);
    let ogre = g.table.encounter.as_ref().unwrap().monsters[0]
        .handle
        .clone();
    g.skip_to(&name);
    (g, ogre)
}

/// A d20 of 1: the shot misses and the ogre stays up for the next.
const MISS: Dice = Dice::Faces(&[1]);

#[test]
fn every_kit_weapon_fires_its_counted_ammunition_as_the_rules_say() {
    // How many kits met each rule: none of them may go unchecked.
    let (mut shot, mut doffed, mut loading) = (0, 0, 0);
    for class in content::classes() {
        let (mut g, ogre) = at_the_ogre(&format!("Kit {} 5", class.id));
        let c = g.sheet("kit").clone();
        let attacks = attacks_per_action(c.class(), c.level);
        for id in &c.weapons {
            let w = content::weapon(id).unwrap();
            let Some(ammo) = w.ammunition.as_deref() else {
                continue;
            };
            let bundle = content::gear(ammo).unwrap().quantity;
            assert_eq!(c.ammo.get(ammo), Some(&bundle), "{}: {ammo}", class.id);
            if w.has(WeaponProperty::TwoHanded) && g.sheet("kit").shield {
                let why = g.refused("kit", &format!("a {id} -t {ogre}"));
                assert!(why.contains("needs both hands"), "{}: {why}", class.id);
                g.ok("dm", "dm set kit shield no \"both hands for the bow\"");
                doffed += 1;
            }
            shot += 1;
            g.ok_with("kit", &format!("a {id} -t {ogre}"), MISS);
            assert_eq!(g.sheet("kit").ammo_left(ammo), bundle - 1, "{}", class.id);
            let again = g.run_with("kit", &format!("a {id} -t {ogre}"), MISS);
            match (w.has(WeaponProperty::Loading), attacks) {
                (true, 2..) => {
                    let why = again.unwrap_err().0;
                    assert!(why.contains("once per action"), "{}: {why}", class.id);
                    loading += 1;
                }
                (false, 2..) => assert!(again.is_ok(), "{}: {again:?}", class.id),
                (_, _) => {
                    let why = again.unwrap_err().0;
                    assert!(
                        why.contains("already used your action"),
                        "{}: {why}",
                        class.id
                    );
                }
            }
            g.next_turn_of("kit");
        }
        g.assert_replays();
    }
    // Fighter and cleric doff a shield; the fighter's Extra Attack meets loading.
    assert!(
        shot >= 5 && doffed >= 2 && loading >= 1,
        "{shot} {doffed} {loading}"
    );
}

#[test]
fn an_attack_with_a_crossbow_spends_a_bolt() {
    let (mut g, ogre) = at_the_ogre("Brom sorcerer 3");
    assert_eq!(g.sheet("brom").ammo_left("crossbow-bolt"), 20);
    for _ in 0..3 {
        g.ok_with("brom", &format!("a light crossbow -t {ogre}"), MISS);
        g.next_turn_of("brom");
    }
    assert_eq!(g.sheet("brom").ammo_left("crossbow-bolt"), 17);
    let sheet = notes(&g.ok("brom", "sheet"));
    assert!(sheet.contains("crossbow bolts 17"), "{sheet}");
    // After the fight, half the 3 spent are found again (1, rounded down).
    let end = notes(&g.ok("dm", "dm end"));
    assert!(
        end.contains("Brom recovers 1 of the 3 crossbow bolts spent (18 left)"),
        "{end}"
    );
    assert_eq!(g.sheet("brom").ammo_left("crossbow-bolt"), 18);
    // A thrown dagger is no ammunition: it spends none.
    let (mut g, ogre) = at_the_ogre("Brom sorcerer 3");
    g.ok_with("brom", &format!("a dagger -t {ogre}"), MISS);
    assert_eq!(g.sheet("brom").ammo, starting_ammo_of("sorcerer"));
    g.assert_replays();
}

fn starting_ammo_of(class: &str) -> std::collections::BTreeMap<String, u32> {
    make(class, 1).ammo
}

#[test]
fn no_ammunition_no_shot() {
    let (mut g, ogre) = at_the_ogre("Brom sorcerer 3");
    g.ok("dm", "dm set brom ammo 0 \"lost in the river\"");
    let shot = format!("a light crossbow -t {ogre}");
    assert_eq!(g.refused("brom", &shot), "Brom has no crossbow bolts left");
    // The turn's options leave out a crossbow with nothing to fire.
    let ids: Vec<String> = turn_options(&g.table, "brom")
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert!(ids.iter().any(|i| i.contains("dagger")), "{ids:?}");
    assert!(ids.iter().all(|i| !i.contains("crossbow")), "{ids:?}");
    // Looted bolts come as a bundle of 20 and add to the count.
    g.ok("dm", "dm loot crossbow bolts -to brom");
    assert_eq!(g.sheet("brom").ammo_left("crossbow-bolt"), 20);
    assert_eq!(
        g.sheet("brom")
            .items
            .iter()
            .filter(|i| *i == "crossbow-bolt")
            .count(),
        1
    );
    g.ok_with("brom", &shot, MISS);
    assert_eq!(g.sheet("brom").ammo_left("crossbow-bolt"), 19);
    g.assert_replays();
}

#[test]
fn a_sheet_saved_before_counting_carries_one_bundle() {
    let mut old = make("sorcerer", 1);
    old.ammo.clear();
    assert_eq!(old.ammo_left("crossbow-bolt"), 20);
    assert_eq!(old.ammo_left("arrow"), 0);
    let json = serde_json::to_value(make("sorcerer", 1)).unwrap();
    let mut fields = json.as_object().unwrap().clone();
    fields.remove("ammo");
    let loaded: Character = serde_json::from_value(fields.into()).unwrap();
    assert_eq!(loaded.ammo_left("crossbow-bolt"), 20);
}

#[test]
fn a_loading_weapon_fires_once_per_action() {
    let (mut g, ogre) = at_the_ogre("Aria fighter 5");
    g.ok(
        "dm",
        "dm set aria shield no \"both hands for the crossbow\"",
    );
    let shot = format!("a light crossbow -t {ogre}");
    let r = g.ok_with("aria", &shot, MISS);
    assert!(notes(&r).contains("1 more attack(s) this action"), "{r:?}");
    let why = g.refused("aria", &shot);
    assert!(why.contains("fires once per action (loading)"), "{why}");
    // Extra Attack's second attack goes with another weapon.
    g.ok_with("aria", &format!("a longsword -t {ogre}"), MISS);
    // The next turn's action loads it again.
    g.next_turn_of("aria");
    g.ok_with("aria", &shot, MISS);
    assert_eq!(g.sheet("aria").ammo_left("crossbow-bolt"), 18);
    g.assert_replays();
}

#[test]
fn a_two_handed_weapon_needs_both_hands() {
    let (mut g, ogre) = at_the_ogre("Aria fighter 1");
    assert!(g.sheet("aria").shield);
    let shot = format!("a light crossbow -t {ogre}");
    let why = g.refused("aria", &shot);
    assert!(
        why.contains("needs both hands: doff the shield first"),
        "{why}"
    );
    // A versatile longsword with the shield on is one-handed: a d8, not a
    // d10 (a face of 20 comes out as the die's highest).
    let damage = |r: &dm::Reply| {
        picked(r, |l| match l {
            Line::Damage { amount, .. } => Some(*amount),
            _ => None,
        })
    };
    let sword = format!("a longsword -t {ogre}");
    let one_hand = damage(&g.ok_with("aria", &sword, Dice::Faces(&[19, 20])));
    g.ok("dm", "dm set aria shield no \"both hands\"");
    g.next_turn_of("aria");
    let two_hands = damage(&g.ok_with("aria", &sword, Dice::Faces(&[19, 20])));
    assert_eq!(two_hands[0], one_hand[0] + 2, "{one_hand:?} {two_hands:?}");
    g.next_turn_of("aria");
    g.ok_with("aria", &shot, MISS);
    g.assert_replays();
}

#[test]
fn the_built_in_turn_fires_a_loading_weapon_once_and_skips_what_cannot_attack() {
    let (mut g, _) = at_the_ogre("Aria fighter 5");
    g.ok(
        "dm",
        "dm set aria weapons crossbow-light,longsword \"crossbow first\"",
    );
    g.ok("dm", "dm set aria shield no \"both hands\"");
    let weapons = |g: &Game| -> Vec<String> {
        dm::auto::turn(&g.table)
            .into_iter()
            .filter_map(|(_, c)| match c {
                dm::Command::Attack { weapon, .. } => Some(weapon),
                _ => None,
            })
            .collect()
    };
    // The default crossbow for the first attack, the longsword for Extra Attack's.
    assert_eq!(weapons(&g), ["", "longsword"]);
    for (_, c) in dm::auto::turn(&g.table) {
        g.ok_command(&common::pid("aria"), c);
    }
    assert_eq!(g.sheet("aria").ammo_left("crossbow-bolt"), 19);
    // With the shield back on, the crossbow is no choice at all.
    g.ok("dm", "dm set aria shield yes \"strapped on\"");
    g.skip_to("aria");
    assert_eq!(weapons(&g), ["longsword", "longsword"]);
    g.assert_replays();
}

#[test]
fn the_dm_sets_an_ammunition_count() {
    let mut g = Game::new(24);
    g.ok("vex", "char new Vex ranger 3 human");
    g.ok("dm", "dm set vex ammo 30 \"a full quiver\"");
    assert_eq!(g.sheet("vex").ammo_left("arrow"), 30);
    let sheet = notes(&g.ok("vex", "sheet"));
    assert!(sheet.contains("arrows 30"), "{sheet}");
    assert!(
        g.refused("dm", "dm set vex ammo lots \"why\"")
            .contains("not a count")
    );
    let why = g.refused("dm", "dm set vex ammo pebbles=3 \"why\"");
    assert!(why.contains("no ammunition `pebbles`"), "{why}");
    // With bolts as well, the DM says which.
    g.ok("dm", "dm loot crossbow bolt -to vex");
    let why = g.refused("dm", "dm set vex ammo 5 \"why\"");
    assert!(why.contains("`arrow=5` or `crossbow-bolt=5`"), "{why}");
    g.ok("dm", "dm set vex ammo crossbow-bolts=5 \"wet\"");
    assert_eq!(g.sheet("vex").ammo_left("crossbow-bolt"), 5);
    assert_eq!(g.sheet("vex").ammo_left("arrow"), 30);
    g.assert_replays();
}

#[test]
fn the_dm_sets_a_shield_on_or_off_and_nothing_else() {
    let mut g = Game::new(25);
    g.ok("aria", "char new Aria fighter 3 human");
    assert!(g.sheet("aria").shield);
    let said = notes(&g.ok("dm", "dm set aria shield off \"both hands\""));
    assert!(!g.sheet("aria").shield);
    assert!(said.contains("shield yes → off"), "{said}");
    let why = g.refused("dm", "dm set aria shield maybe \"unsure\"");
    assert!(why.contains("`yes` or `no`"), "{why}");
    g.ok("dm", "dm set aria shield YES \"strapped on\"");
    assert!(g.sheet("aria").shield);
    g.assert_replays();
}
