//! Every class's starting kit is content the rules can run: each weapon,
//! armor and item resolves by id and by name, and the weapons come with
//! what their properties need (ammunition to fire, free hands for a
//! two-handed grip).
#![allow(clippy::unwrap_used, missing_docs)]

use dm::character::{Character, kit, starting_items};
use dm::command::{NewCharacter, Scores};
use rules::content::{self, Found, GearKind, WeaponKind, WeaponProperty};

fn make(class: &str, level: u8) -> Character {
    Character::create(&NewCharacter {
        name: "Kit".into(),
        class: class.into(),
        level,
        race: "human".into(),
        scores: Scores::StandardArray,
    })
    .unwrap()
}

#[test]
fn every_starting_kit_item_resolves_and_is_usable() {
    for class in content::classes() {
        let c = make(&class.id, 1);
        let (armor, shield, weapons) = kit(&class.id);
        assert_eq!(c.armor.as_deref(), armor, "{}", class.id);
        assert_eq!(c.shield, shield, "{}", class.id);
        assert_eq!(c.items, starting_items(&class.id), "{}", class.id);
        assert!(!weapons.is_empty(), "{} starts with a weapon", class.id);
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
            let g = content::gear(id).unwrap_or_else(|| panic!("{}: no item {id}", class.id));
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
