//! The embedded weapons, armor, classes and races: they load, their figures
//! match the SRD tables, every dice string parses, and the class slot tables
//! agree with the mechanics' own.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::HashSet;

use rules::content::{
    self, Armor, ArmorCategory, AutomationLevel, Class, Race, Weapon, WeaponCategory, WeaponKind,
    WeaponProperty,
};
use rules::dice;
use rules::mechanics::{
    Ability, CasterKind, Condition, DamageType, Level, Size, Skill, SpellLevel, SpellSlots,
};

fn weapon(id: &str) -> &'static Weapon {
    content::weapon(id).unwrap_or_else(|| panic!("no weapon {id}"))
}

fn armor(id: &str) -> &'static Armor {
    content::armor(id).unwrap_or_else(|| panic!("no armor {id}"))
}

fn class(id: &str) -> &'static Class {
    content::class(id).unwrap_or_else(|| panic!("no class {id}"))
}

fn race(id: &str) -> &'static Race {
    content::race(id).unwrap_or_else(|| panic!("no race {id}"))
}

fn sorted_unique<T>(items: &[T], id: impl Fn(&T) -> &str) {
    let ids: HashSet<&str> = items.iter().map(&id).collect();
    assert_eq!(ids.len(), items.len(), "duplicate ids");
    assert!(
        items.windows(2).all(|w| id(&w[0]) < id(&w[1])),
        "not sorted by id"
    );
}

/// Serializing back must give the file's own JSON: nothing the generator
/// writes is dropped or renamed on the way in.
fn round_trips<T: serde::Serialize>(items: &[T], file: &str) {
    let file: serde_json::Value = serde_json::from_str(file).unwrap();
    assert_eq!(serde_json::to_value(items).unwrap(), file);
}

#[test]
fn counts_match_the_srd_and_ids_are_unique() {
    assert_eq!(content::weapons().len(), 37);
    assert_eq!(content::armor_list().len(), 13);
    assert_eq!(content::classes().len(), 12);
    assert_eq!(content::races().len(), 9);
    let subraces: usize = content::races().iter().map(|r| r.subraces.len()).sum();
    assert_eq!(subraces, 4);
    sorted_unique(content::weapons(), |w| &w.id);
    sorted_unique(content::armor_list(), |a| &a.id);
    sorted_unique(content::classes(), |c| &c.id);
    sorted_unique(content::races(), |r| &r.id);
}

#[test]
fn the_schemas_keep_every_field_the_generator_writes() {
    round_trips(content::weapons(), include_str!("../content/weapons.json"));
    round_trips(content::armor_list(), include_str!("../content/armor.json"));
    round_trips(content::classes(), include_str!("../content/classes.json"));
    round_trips(content::races(), include_str!("../content/races.json"));
    round_trips(content::gear_list(), include_str!("../content/gear.json"));
}

#[test]
fn longsword_longbow_dagger_whip() {
    let longsword = weapon("Longsword");
    assert_eq!(longsword.category, WeaponCategory::Martial);
    assert_eq!(longsword.kind, WeaponKind::Melee);
    let damage = longsword.damage.as_ref().unwrap();
    assert_eq!(damage.dice, "1d8");
    assert_eq!(damage.damage_type, DamageType::Slashing);
    assert_eq!(longsword.versatile_damage.as_deref(), Some("1d10"));
    assert_eq!(longsword.properties, vec![WeaponProperty::Versatile]);
    assert_eq!(longsword.range, None);
    assert_eq!(longsword.reach_ft(), Some(5));
    assert_eq!(longsword.cost_cp, 1500);

    let longbow = weapon("longbow");
    assert_eq!(longbow.kind, WeaponKind::Ranged);
    for p in [
        WeaponProperty::Ammunition,
        WeaponProperty::Heavy,
        WeaponProperty::TwoHanded,
    ] {
        assert!(longbow.has(p), "longbow lacks {p:?}");
    }
    assert_eq!(longbow.range, Some([150, 600]));
    assert_eq!(longbow.reach_ft(), None);

    let dagger = weapon("Dagger");
    assert_eq!(dagger.category, WeaponCategory::Simple);
    assert!(dagger.has(WeaponProperty::Finesse));
    assert!(dagger.has(WeaponProperty::Light));
    assert!(dagger.has(WeaponProperty::Thrown));
    assert_eq!(dagger.throw_range, Some([20, 60]));
    assert_eq!(dagger.range, None);

    let whip = weapon("whip");
    assert!(whip.has(WeaponProperty::Reach));
    assert_eq!(whip.reach_ft(), Some(10));

    assert_eq!(weapon("Crossbow, light").id, "crossbow-light");
    assert_eq!(weapon("dart").weight, 0.25);
}

#[test]
fn the_net_deals_no_damage_and_the_blowgun_a_flat_one() {
    let net = weapon("net");
    assert_eq!(net.damage, None);
    assert!(net.has(WeaponProperty::Special));
    assert_eq!(net.throw_range, Some([5, 15]));
    let blowgun = weapon("blowgun");
    assert_eq!(blowgun.damage.as_ref().unwrap().dice, "1");
    // Every other weapon has damage dice.
    let without: Vec<&str> = content::weapons()
        .iter()
        .filter(|w| w.damage.is_none())
        .map(|w| w.id.as_str())
        .collect();
    assert_eq!(without, ["net"]);
}

#[test]
fn every_weapon_is_consistent_with_its_properties() {
    for w in content::weapons() {
        assert_eq!(
            w.versatile_damage.is_some(),
            w.has(WeaponProperty::Versatile),
            "{}",
            w.id
        );
        assert_eq!(
            w.throw_range.is_some(),
            w.has(WeaponProperty::Thrown),
            "{}",
            w.id
        );
        assert_eq!(w.range.is_some(), w.kind == WeaponKind::Ranged, "{}", w.id);
        for [normal, long] in w.range.into_iter().chain(w.throw_range) {
            assert!(normal > 0 && normal <= long, "{}", w.id);
        }
    }
}

#[test]
fn chain_mail_studded_leather_half_plate_shield() {
    let chain = armor("Chain Mail");
    assert_eq!(chain.category, ArmorCategory::Heavy);
    assert_eq!(chain.base_ac, 16);
    assert_eq!(chain.str_minimum, 13);
    assert!(chain.stealth_disadvantage);
    assert_eq!(chain.ac(3), 16);
    assert_eq!(chain.ac(-1), 16);

    let studded = armor("studded leather");
    assert_eq!(studded.category, ArmorCategory::Light);
    assert_eq!(studded.ac(4), 16);
    assert_eq!(studded.ac(-1), 11);
    assert!(!studded.stealth_disadvantage);

    let half_plate = armor("half plate");
    assert_eq!(half_plate.id, "half-plate-armor");
    assert_eq!(half_plate.category, ArmorCategory::Medium);
    assert_eq!(half_plate.max_dex, Some(2));
    assert_eq!(half_plate.ac(1), 16);
    assert_eq!(half_plate.ac(4), 17);
    assert!(half_plate.stealth_disadvantage);

    let shield = armor("shield");
    assert_eq!(shield.category, ArmorCategory::Shield);
    assert_eq!(shield.ac(3), 2);
}

#[test]
fn fighter_table() {
    let fighter = class("Fighter");
    assert_eq!(fighter.hit_die, 10);
    assert_eq!(
        fighter.saving_throws,
        [Ability::Strength, Ability::Constitution]
    );
    assert_eq!(fighter.skill_choices.choose, 2);
    assert!(fighter.skill_choices.from.contains(&Skill::AnimalHandling));
    assert_eq!(fighter.level(1).unwrap().count("action_surges"), Some(0));
    assert_eq!(fighter.level(2).unwrap().count("action_surges"), Some(1));
    assert_eq!(fighter.level(4).unwrap().count("extra_attacks"), Some(0));
    assert_eq!(fighter.level(5).unwrap().count("extra_attacks"), Some(1));
    assert_eq!(fighter.level(17).unwrap().count("action_surges"), Some(2));
    assert_eq!(fighter.spellcasting, None);
    assert_eq!(fighter.subclasses[0].name, "Champion");
}

#[test]
fn rogue_barbarian_monk_counters() {
    let rogue = class("rogue");
    assert_eq!(rogue.level(1).unwrap().dice("sneak_attack"), Some("1d6"));
    assert_eq!(rogue.level(5).unwrap().dice("sneak_attack"), Some("3d6"));
    assert_eq!(rogue.level(20).unwrap().dice("sneak_attack"), Some("10d6"));
    assert!(
        rogue
            .tool_proficiencies
            .iter()
            .any(|t| t.contains("Thieves"))
    );
    let barbarian = class("barbarian");
    assert_eq!(barbarian.level(1).unwrap().count("rage_count"), Some(2));
    assert_eq!(
        barbarian.level(9).unwrap().count("rage_damage_bonus"),
        Some(3)
    );
    let monk = class("monk");
    assert_eq!(monk.level(1).unwrap().dice("martial_arts"), Some("1d4"));
    assert_eq!(monk.level(2).unwrap().count("ki_points"), Some(2));
    let druid = class("druid");
    let cr = druid
        .level(2)
        .unwrap()
        .counter("wild_shape_max_cr")
        .unwrap();
    assert_eq!(cr.as_f64(), Some(0.25));
}

#[test]
fn every_level_table_has_twenty_rows_and_the_proficiency_bonus() {
    for c in content::classes() {
        let levels: Vec<u8> = c.levels.iter().map(|l| l.level).collect();
        assert_eq!(levels, (1..=20).collect::<Vec<u8>>(), "{}", c.id);
        for l in &c.levels {
            let expected = 2 + (i32::from(l.level) - 1) / 4;
            assert_eq!(l.proficiency_bonus, expected, "{} {}", c.id, l.level);
            assert_eq!(l.spellcasting.is_some(), c.spellcasting.is_some());
        }
        assert!(!c.subclasses.is_empty(), "{}", c.id);
    }
}

#[test]
fn caster_kinds() {
    let casters: Vec<(&str, CasterKind)> = content::classes()
        .iter()
        .filter_map(|c| Some((c.id.as_str(), c.spellcasting?.caster)))
        .collect();
    assert_eq!(
        casters,
        [
            ("bard", CasterKind::Full),
            ("cleric", CasterKind::Full),
            ("druid", CasterKind::Full),
            ("paladin", CasterKind::Half),
            ("ranger", CasterKind::Half),
            ("sorcerer", CasterKind::Full),
            ("warlock", CasterKind::Pact),
            ("wizard", CasterKind::Full),
        ]
    );
    assert_eq!(
        class("wizard").spellcasting.unwrap().ability,
        Ability::Intelligence
    );
}

fn same_slots(a: &SpellSlots, b: &SpellSlots) -> bool {
    a.pact_level() == b.pact_level() && SpellLevel::all().all(|l| a.max(l) == b.max(l))
}

#[test]
fn slot_tables_agree_with_the_mechanics() {
    // Every caster's table in classes.json against SpellSlots::for_class.
    for c in content::classes() {
        let Some(spellcasting) = c.spellcasting else {
            continue;
        };
        for level in 1..=20u8 {
            let from_content = c.spell_slots(level).unwrap();
            let from_mechanics =
                SpellSlots::for_class(spellcasting.caster, Level::new(level).unwrap());
            assert!(
                same_slots(&from_content, &from_mechanics),
                "{} level {level}: {from_content:?} vs {from_mechanics:?}",
                c.id
            );
        }
    }
    assert_eq!(
        class("warlock").spell_slots(11).unwrap().pact_level(),
        SpellLevel::new(5)
    );
}

#[test]
fn dwarf_elf_dragonborn_half_elf() {
    let dwarf = race("Dwarf");
    assert_eq!(dwarf.speed, 25);
    assert_eq!(dwarf.size, Size::Medium);
    assert_eq!(dwarf.ability_bonuses[&Ability::Constitution], 2);
    assert_eq!(dwarf.darkvision_ft, 60);
    assert_eq!(dwarf.resistances, [DamageType::Poison]);
    assert!(dwarf.traits.iter().any(|t| t.name == "Dwarven Resilience"));
    let hill = dwarf.subrace("hill dwarf").unwrap();
    assert_eq!(hill.ability_bonuses[&Ability::Wisdom], 1);

    let elf = race("elf");
    assert_eq!(elf.ability_bonuses[&Ability::Dexterity], 2);
    let high = elf.subrace("High Elf").unwrap();
    assert_eq!(high.id, "high-elf");
    assert_eq!(high.ability_bonuses[&Ability::Intelligence], 1);

    assert_eq!(race("human").darkvision_ft, 0);
    assert_eq!(race("halfling").size, Size::Small);
    assert_eq!(race("tiefling").resistances, [DamageType::Fire]);

    let dragonborn = race("dragonborn");
    assert!(dragonborn.resistances.is_empty());
    assert_eq!(dragonborn.ancestries.len(), 10);
    let red = dragonborn
        .ancestries
        .iter()
        .find(|a| a.id == "draconic-ancestry-red")
        .unwrap();
    assert_eq!(red.damage_type, DamageType::Fire);

    let choice = race("half elf").ability_bonus_choice.as_ref().unwrap();
    assert_eq!((choice.choose, choice.bonus), (2, 1));
    assert!(!choice.from.contains(&Ability::Charisma));
}

/// The trait ids of a race and its subraces.
fn trait_ids(race: &Race) -> Vec<&str> {
    race.traits
        .iter()
        .chain(race.subraces.iter().flat_map(|s| &s.traits))
        .map(|t| t.id.as_str())
        .collect()
}

#[test]
fn every_race_trait_is_applied_or_listed_as_not_automated() {
    let all = content::race_traits();
    // The SRD's 28 distinct racial traits (the ten draconic ancestries are
    // options of one of them).
    assert_eq!(all.len(), 28);
    let listed: usize = content::races().iter().map(|r| trait_ids(r).len()).sum();
    assert!(listed > all.len(), "darkvision and fey ancestry are shared");
    for t in &all {
        match t.automation.level {
            AutomationLevel::Full => assert!(t.automation.missing.is_empty(), "{}", t.id),
            _ => assert!(
                !t.automation.missing.is_empty(),
                "{} says what is missing",
                t.id
            ),
        }
    }
    let level = |id: &str| {
        all.iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("no trait {id}"))
            .automation
            .level
    };
    // What the figures carry is applied; each of these has its figure.
    for id in [
        "dwarven-resilience",
        "dwarven-toughness",
        "brave",
        "hellish-resistance",
        "keen-senses",
        "menacing",
        "breath-weapon",
    ] {
        assert_eq!(level(id), AutomationLevel::Full, "{id}");
    }
    for id in [
        "lucky",
        "relentless-endurance",
        "savage-attacks",
        "stonecunning",
        "trance",
        "halfling-nimbleness",
        "gnome-cunning",
    ] {
        assert_eq!(level(id), AutomationLevel::Listed, "{id}");
    }
    assert_eq!(level("fey-ancestry"), AutomationLevel::Partial);
    assert_eq!(level("darkvision"), AutomationLevel::Partial);

    let dwarf = race("dwarf");
    assert_eq!(dwarf.save_advantage_against, [Condition::Poisoned]);
    assert_eq!(dwarf.subrace("hill-dwarf").unwrap().hp_per_level, 1);
    assert_eq!(race("elf").save_advantage_against, [Condition::Charmed]);
    assert_eq!(race("elf").skills, [Skill::Perception]);
    assert_eq!(
        race("half-elf").save_advantage_against,
        [Condition::Charmed]
    );
    assert_eq!(
        race("halfling").save_advantage_against,
        [Condition::Frightened]
    );
    assert_eq!(race("half-orc").skills, [Skill::Intimidation]);
    // A full trait's figure is on its race: no figure, no `full`.
    for r in content::races() {
        let ids = trait_ids(r);
        assert_eq!(
            ids.contains(&"darkvision"),
            r.darkvision_ft > 0,
            "{} darkvision",
            r.id
        );
        let resists = ids.contains(&"dwarven-resilience") || ids.contains(&"hellish-resistance");
        assert_eq!(resists, !r.resistances.is_empty(), "{} resistances", r.id);
        let hp: u32 = r.hp_per_level + r.subraces.iter().map(|s| s.hp_per_level).sum::<u32>();
        assert_eq!(
            ids.contains(&"dwarven-toughness"),
            hp > 0,
            "{} hit points",
            r.id
        );
    }
}

#[test]
fn ammunition_weapons_name_their_ammunition_and_crossbows_answer_to_their_common_names() {
    for w in content::weapons() {
        assert_eq!(
            w.has(WeaponProperty::Ammunition),
            w.ammunition.is_some(),
            "{}",
            w.id
        );
        if let Some(id) = &w.ammunition {
            let ammo = content::gear(id).unwrap_or_else(|| panic!("{}: no gear {id}", w.id));
            assert_eq!(ammo.kind, content::GearKind::Ammunition);
        }
        for alias in &w.aliases {
            assert_eq!(content::weapon(alias).unwrap().id, w.id);
            match content::find(content::weapons(), alias) {
                content::Found::One(found) => assert_eq!(found.id, w.id),
                other => panic!("`{alias}` finds {other:?}"),
            }
        }
    }
    assert_eq!(weapon("light crossbow").id, "crossbow-light");
    assert_eq!(weapon("light-crossbow").id, "crossbow-light");
    assert_eq!(weapon("hand crossbow").id, "crossbow-hand");
    assert_eq!(weapon("longbow").ammunition.as_deref(), Some("arrow"));
    assert_eq!(weapon("sling").ammunition.as_deref(), Some("sling-bullet"));
    let potion = content::gear("potion of healing").unwrap();
    assert_eq!(potion.id, "potion-of-healing");
    assert_eq!(potion.healing.as_deref(), Some("2d4+2"));
    assert_eq!(content::gear_list().len(), 8);
}

#[test]
fn every_dice_string_parses() {
    let mut all: Vec<String> = Vec::new();
    for w in content::weapons() {
        all.extend(w.damage.iter().map(|d| d.dice.clone()));
        all.extend(w.versatile_damage.iter().cloned());
    }
    for c in content::classes() {
        let rows = c.levels.iter().map(|l| &l.counters).chain(
            c.subclasses
                .iter()
                .flat_map(|s| s.levels.iter().map(|l| &l.counters)),
        );
        for counters in rows {
            all.extend(
                counters
                    .values()
                    .filter_map(|v| v.as_dice().map(str::to_owned)),
            );
        }
    }
    assert!(all.len() > 37 + 20 + 20, "too few dice: {}", all.len());
    for d in &all {
        assert!(dice::parse(d).is_ok(), "{d:?} does not parse");
    }
}
