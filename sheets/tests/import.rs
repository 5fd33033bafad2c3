//! Importing character files: our fixtures in the Foundry VTT dnd5e and
//! Fight Club 5 formats (written for these tests from the formats' public
//! shape), hostile files, and the exact round trip of our own export.

use proptest::prelude::*;

use dm::character::Character;
use dm::command::{NewCharacter, Scores};
use rules::mechanics::{Ability, Condition, Skill};
use sheets::{Format, ImportError, Imported, MAX_BYTES, import, ours};

fn fixture(name: &str) -> Imported {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    import(&bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn has_note(i: &Imported, text: &str) -> bool {
    i.notes.iter().any(|n| n.contains(text))
}

#[test]
fn a_foundry_3x_fighter_keeps_its_figures() {
    let i = fixture("foundry-fighter-3x.json");
    let c = &i.character;
    assert_eq!(i.format, Format::Foundry("3.3.1".into()));
    assert_eq!((c.name.as_str(), c.handle.as_str()), ("Brannoc", "brannoc"));
    assert_eq!(
        (c.class.as_str(), c.level, c.race.as_str()),
        ("fighter", 4, "human")
    );
    assert_eq!(c.scores, [16, 14, 15, 9, 13, 11]);
    assert_eq!(
        (c.health.current(), c.health.max(), c.health.temp()),
        (31, 44, 3)
    );
    // Chain mail 16 + shield 2.
    assert_eq!(c.ac(), 18);
    assert_eq!(c.xp, 6500);
    // 1 pp + 37 gp + 5 sp = 47.5 gp.
    assert_eq!(c.gold, 47);
    assert_eq!(c.weapons, ["longsword", "handaxe", "longbow"]);
    assert_eq!(
        c.skills,
        [Skill::Athletics, Skill::Intimidation, Skill::Perception]
    );
    assert_eq!(c.ammo_left("arrow"), 17);
    assert!(c.items.iter().any(|i| i == "potion-of-healing"));
    assert_eq!(c.hit_dice_left, 3);
    assert!(has_note(&i, "feat Alert: not in the SRD, kept as a note"));
    assert_eq!(c.classes.len(), 1);
    assert_eq!(c.classes[0].subclass.as_deref(), Some("champion"));
    assert_eq!(c.background.as_deref(), Some("Soldier"));
    assert!(has_note(
        &i,
        "background Soldier: not in the SRD, kept by name"
    ));
    assert_eq!(c.feats, ["Alert"]);
    // Foundry's language codes read as the SRD names them.
    assert_eq!(c.languages, ["Common"]);
    // The notes stay on the sheet too.
    assert_eq!(c.notes, i.notes);
    assert!(has_note(&i, "played as Brannoc"));
}

#[test]
fn a_foundry_2x_wizard_brings_its_prepared_spells() {
    let i = fixture("foundry-wizard-2x.json");
    let c = &i.character;
    assert_eq!(i.format, Format::Foundry("2.4.1".into()));
    assert_eq!(
        (c.race.as_str(), c.subrace.as_deref()),
        ("elf", Some("high-elf"))
    );
    assert_eq!(
        c.spells,
        [
            "fire-bolt",
            "mage-hand",
            "ray-of-frost",
            "magic-missile",
            "shield",
            "sleep",
            "scorching-ray",
            "misty-step"
        ]
    );
    // The file says 3 first-level and 1 second-level slots are left (of 4 and 3).
    assert_eq!(c.slots.describe_remaining(), "1st ×3, 2nd ×1");
    // Int 17 (+3) and proficiency +2 at 4th level.
    assert_eq!(c.spell_figures(), (5, 13));
    assert!(has_note(
        &i,
        "1 spells not prepared, kept in the spellbook: Detect Magic"
    ));
    assert!(c.spellbook.contains(&"detect-magic".to_string()));
    assert!(c.spellbook.contains(&"magic-missile".to_string()));
    assert!(
        !c.spellbook.contains(&"fire-bolt".to_string()),
        "no cantrips in the book"
    );
    assert_eq!(c.classes[0].subclass.as_deref(), Some("evocation"));
    assert!(has_note(&i, "spell Tasha's Mind Whip: not in the SRD"));
}

#[test]
fn a_foundry_multiclass_keeps_each_class_with_combined_slots() {
    let i = fixture("foundry-multiclass.json");
    let c = &i.character;
    assert_eq!((c.class.as_str(), c.level), ("fighter", 8));
    assert_eq!(c.proficiency(), 3);
    assert_eq!(c.health.max(), 62);
    assert_eq!(c.armor.as_deref(), Some("splint-armor"));
    let levels: Vec<(&str, u8)> = c
        .classes
        .iter()
        .map(|k| (k.class.as_str(), k.level))
        .collect();
    assert_eq!(levels, [("fighter", 5), ("wizard", 3)]);
    // The SRD's multiclass table at caster level 3 (the wizard's): 4 and 2,
    // all left as the file says.
    assert_eq!(c.slots.describe_remaining(), "1st ×4, 2nd ×2");
    assert!(has_note(&i, "subclass Eldritch Knight: not in the SRD"));
}

#[test]
fn homebrew_weapons_keep_their_dice_and_other_homebrew_is_noted() {
    let i = fixture("foundry-homebrew.json");
    let c = &i.character;
    assert_eq!(c.race, "tabaxi");
    assert_eq!(c.speed, 35);
    assert_eq!(c.weapons, ["rapier", "moonblade"]);
    let blade = c.weapon("moon").expect("the homebrew weapon is carried");
    let damage = blade.damage.as_ref().expect("it states its damage");
    assert_eq!(damage.dice, "1d10");
    assert_eq!(damage.damage_type.name(), "radiant");
    assert_eq!(
        c.weapon("rapier").map(|w| w.id.clone()).as_deref(),
        Some("rapier")
    );
    // The homebrew jerkin as its file states it, light: 13 + Dex 4.
    assert_eq!(c.ac(), 17);
    assert_eq!(c.homebrew_armor.as_ref().map(|h| h.ac), Some(13));
    // Expertise is kept: Stealth counts the proficiency bonus twice.
    assert_eq!(c.expertise, [Skill::SleightOfHand, Skill::Stealth]);
    assert_eq!(
        c.skill_bonus(Skill::Stealth),
        c.modifier(Ability::Dexterity) + 2 * c.proficiency()
    );
    assert!(c.items.iter().any(|i| i == "Whirling Chakram"));
    for note in [
        "race Tabaxi: not in the SRD",
        "feat Mobile: not in the SRD, kept as a note",
        "weapon Rapier of Warning: played as a rapier",
        "weapon Moonblade: not in the SRD, kept as homebrew (1d10 radiant)",
        "weapon Whirling Chakram: not in the SRD and no damage stated, kept as an item",
        "armor Shadowweave Jerkin (AC 13): not in the SRD, worn as homebrew (AC 13 + Dex)",
        "spell Booming Blade: not in the SRD",
    ] {
        assert!(
            has_note(&i, note),
            "missing note {note:?} in {:#?}",
            i.notes
        );
    }
}

/// Each line of a report names one thing; none is said twice.
fn one_line_each(i: &Imported) {
    let mut seen = std::collections::BTreeSet::new();
    for n in &i.notes {
        assert!(seen.insert(n), "said twice: {n}");
    }
}

#[test]
fn a_foundry_dragonborn_keeps_expertise_tools_languages_ancestry_armor_and_magic() {
    let i = fixture("foundry-dragonborn-3x.json");
    let c = &i.character;
    assert_eq!(
        (c.class.as_str(), c.level, c.race.as_str()),
        ("rogue", 3, "dragonborn")
    );
    // Mapped: no report line for these.
    assert_eq!(c.ancestry.as_deref(), Some("gold"));
    assert_eq!(c.expertise, [Skill::Investigation, Skill::Stealth]);
    assert_eq!(c.skill_bonus(Skill::Stealth), 3 + 2 * 2);
    assert_eq!(c.skill_bonus(Skill::Acrobatics), 3 + 2);
    assert_eq!(c.weapons, ["rapier"]);
    assert_eq!(c.magic_bonus.get("rapier"), Some(&1));
    assert_eq!(c.feats, ["Sentinel"], "the ancestry is no feat");
    assert!(!has_note(&i, "Rapier"), "{:#?}", i.notes);
    // Medium homebrew armor: 14 + Dex 3 capped at 2.
    assert_eq!(c.ac(), 16);
    assert_eq!(c.armor.as_deref(), Some("dragonhide-vest"));
    assert_eq!(c.tools, ["Thieves' Tools", "glassblower"]);
    assert_eq!(
        c.languages,
        ["Common", "Draconic", "Deep Speech", "Thieves' Cant"]
    );
    assert!(c.items.iter().any(|i| i == "ring-of-protection"));
    assert!(c.items.iter().any(|i| i == "Lucky Coin"));
    // Not mapped: one line each.
    for note in [
        "armor Dragonhide Vest (AC 14): not in the SRD, worn as homebrew (AC 14 + Dex, at most +2)",
        "tool glassblower: not in the SRD list, kept by name",
        "language Thieves' Cant: not in the SRD list, kept by name",
        "magic item Ring of Protection: carried, its magic is not applied by the rules",
        "item Lucky Coin: not in the SRD, kept by name",
        "feat Sentinel: not in the SRD, kept as a note",
    ] {
        assert!(has_note(&i, note), "missing {note:?} in {:#?}", i.notes);
    }
    assert!(!has_note(&i, "draconic ancestry"), "{:#?}", i.notes);
    assert!(!has_note(&i, "tool Thieves"), "{:#?}", i.notes);
    assert!(!has_note(&i, "language Common"), "{:#?}", i.notes);
    one_line_each(&i);
    // Our export keeps every new figure.
    let back = import(ours::export(c).as_bytes(), None).expect("our export imports");
    assert_eq!(&back.character, c);
}

#[test]
fn a_fight_club_dragonborn_without_its_ancestry_says_so_and_keeps_its_magic() {
    let i = fixture("fc5-dragonborn.xml");
    let c = &i.character;
    assert_eq!(
        (c.class.as_str(), c.race.as_str()),
        ("fighter", "dragonborn")
    );
    assert_eq!(c.ancestry, None);
    assert!(
        has_note(&i, "draconic ancestry: not in the file, none set"),
        "{:#?}",
        i.notes
    );
    assert_eq!(c.magic_bonus.get("longsword"), Some(&2));
    assert_eq!(c.magic_bonus.get("splint-armor"), Some(&1));
    // Splint 17 + 1.
    assert_eq!(c.armor.as_deref(), Some("splint-armor"));
    assert_eq!(c.ac(), 18);
    assert_eq!(c.tools, ["Smith's Tools"]);
    assert_eq!(c.languages, ["Draconic", "Common"]);
    assert!(c.items.iter().any(|i| i == "bag-of-holding"));
    assert!(c.items.iter().any(|i| i == "rope-hempen-50-feet"));
    for note in [
        "proficiency Glassblower's Tools: not a skill, save, SRD tool or language, kept as a note",
        "feat Great Weapon Master: not in the SRD, kept as a note",
        "magic item Bag of Holding: carried, its magic is not applied by the rules",
        "background Guild Artisan: not in the SRD, kept by name",
    ] {
        assert!(has_note(&i, note), "missing {note:?} in {:#?}", i.notes);
    }
    assert!(
        !has_note(&i, "Rope"),
        "an SRD item needs no line: {:#?}",
        i.notes
    );
    assert!(!has_note(&i, "Longsword"), "{:#?}", i.notes);
    one_line_each(&i);
}

#[test]
fn a_foundry_4x_file_is_read_and_its_activities_are_said_to_be_skipped() {
    let i = fixture("foundry-paladin-4x.json");
    let c = &i.character;
    assert_eq!(i.format, Format::Foundry("4.3.0".into()));
    assert_eq!((c.class.as_str(), c.level), ("paladin", 3));
    assert_eq!(c.weapons, ["longsword", "javelin"]);
    assert_eq!(c.spells, ["bless", "cure-wounds"]);
    // No maximum stated: 10 + 2 at 1st level, 6 + 2 per level after.
    assert_eq!(c.health.max(), 28);
    assert_eq!(c.hit_dice_left, 2);
    assert!(has_note(&i, "activities (dnd5e 4.x) are not read"));
    assert!(has_note(&i, "maximum hit points not stated"));
}

#[test]
fn a_fight_club_paladin_gets_racial_bonuses_and_coded_proficiencies() {
    let i = fixture("fc5-paladin.xml");
    let c = &i.character;
    assert_eq!(i.format, Format::FightClub5);
    assert_eq!((c.class.as_str(), c.level), ("paladin", 3));
    assert_eq!(
        (c.race.as_str(), c.subrace.as_deref()),
        ("dwarf", Some("hill-dwarf"))
    );
    // 15,10,13,8,12,14 plus the hill dwarf's +2 Con and +1 Wis.
    assert_eq!(c.scores, [15, 10, 15, 8, 13, 14]);
    assert_eq!((c.health.current(), c.health.max()), (21, 28));
    assert_eq!(c.ac(), 18);
    assert_eq!(c.hit_dice_left, 2);
    // 106 and 114 are Insight and Religion; 103 Athletics.
    for s in [
        Skill::Perception,
        Skill::Insight,
        Skill::Religion,
        Skill::Athletics,
        Skill::Intimidation,
    ] {
        assert!(c.skills.contains(&s), "{s} missing from {:?}", c.skills);
    }
    assert_eq!(c.weapons, ["longsword", "javelin", "sunforged-maul"]);
    let maul = c.weapon("sunforged").expect("homebrew maul");
    assert_eq!(maul.damage.as_ref().map(|d| d.dice.as_str()), Some("2d6"));
    assert!(
        c.cannot_attack_with(&maul).is_some(),
        "two-handed with a shield"
    );
    assert_eq!(
        c.spells,
        ["bless", "cure-wounds", "protection-from-evil-and-good"]
    );
    assert!(has_note(&i, "feat Alert: not in the SRD, kept as a note"));
    assert_eq!(c.classes[0].subclass.as_deref(), Some("devotion"));
    assert_eq!(c.background.as_deref(), Some("acolyte"));
    assert_eq!(
        c.base_scores,
        Some(([15, 10, 13, 8, 12, 14], "import".to_string()))
    );
}

#[test]
fn a_fight_club_multiclass_leaves_off_a_homebrew_class() {
    let i = fixture("fc5-multiclass.xml");
    let c = &i.character;
    assert_eq!((c.class.as_str(), c.level), ("warlock", 5));
    assert!(has_note(
        &i,
        "class Blood Hunter 1: not an SRD class, left off"
    ));
    let levels: Vec<(&str, u8, Option<&str>)> = c
        .classes
        .iter()
        .map(|k| (k.class.as_str(), k.level, k.subclass.as_deref()))
        .collect();
    assert_eq!(
        levels,
        [("warlock", 3, Some("fiend")), ("sorcerer", 2, None)]
    );
    // Sorcerer 2 on the multiclass table, the warlock's pact slots apart.
    assert_eq!(c.slots.describe_remaining(), "1st ×3, 2nd ×2");
    assert!(has_note(&i, "spell Hex: not in the SRD"));
    assert_eq!(c.save_bonus(Ability::Charisma), 3 + 3);
}

fn err(text: &str) -> ImportError {
    import(text.as_bytes(), None).expect_err("refused")
}

#[test]
fn hostile_and_broken_files_get_a_clear_error() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<pc version="5"><character><name>&lol2;</name></character></pc>"#;
    assert!(err(laughs).to_string().contains("DTD"), "{}", err(laughs));
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE pc [<!ENTITY x SYSTEM "file:///etc/passwd">]><pc><character><name>&x;</name></character></pc>"#;
    assert!(err(xxe).to_string().contains("DTD"));
    let undeclared = "<pc><character><name>&x;</name></character></pc>";
    assert!(matches!(err(undeclared), ImportError::Xml(_)));
    let deep_xml = format!("<pc>{}{}</pc>", "<a>".repeat(200), "</a>".repeat(200));
    assert_eq!(err(&deep_xml), ImportError::TooDeep);
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(err(&format!("{{\"a\":{deep_json}}}")), ImportError::TooDeep);
    let huge = vec![b' '; MAX_BYTES + 1];
    assert_eq!(
        import(&huge, None),
        Err(ImportError::TooLarge(MAX_BYTES + 1))
    );
    assert_eq!(err("hello"), ImportError::UnknownFormat);
    assert_eq!(
        import(&[0xff, 0xfe, 0x00], None),
        Err(ImportError::UnknownFormat)
    );
    assert!(matches!(
        err("{\"type\": \"character\", "),
        ImportError::Json(_)
    ));
    let wrong_type =
        r#"{"type":"character","name":"Bo","system":{"abilities":{"str":{"value":"strong"}}}}"#;
    assert_eq!(
        err(wrong_type).to_string(),
        "system.abilities.str.value: `strong` is not a number"
    );
    let npc = r#"{"type":"npc","name":"Goblin","system":{}}"#;
    assert!(err(npc).to_string().contains("player character"));
    let v9 = r#"{"type":"character","name":"Old","data":{}}"#;
    assert!(err(v9).to_string().contains("Foundry v10"));
    let no_class = r#"<pc version="5"><character><name>Bo</name><abilities>10,10,10,10,10,10</abilities><class><name>Gunslinger</name></class></character></pc>"#;
    assert!(err(no_class).to_string().contains("no SRD class"));
    let bad_scores = r#"<pc version="5"><character><name>Bo</name><abilities>10,10,x</abilities></character></pc>"#;
    assert!(err(bad_scores).to_string().starts_with("abilities:"));
    let other_xml = "<html><body/></html>";
    assert!(err(other_xml).to_string().contains("Fight Club 5"));
}

#[test]
fn the_name_can_be_replaced_and_a_bad_one_is_refused() {
    let path = format!(
        "{}/tests/fixtures/fc5-paladin.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(path).expect("fixture");
    let i = import(&bytes, Some("Aldric")).expect("renamed");
    assert_eq!(i.character.handle, "aldric");
    assert!(matches!(
        import(&bytes, Some("two words")),
        Err(ImportError::Character(_))
    ));
}

const CLASSES: [&str; 12] = [
    "barbarian",
    "bard",
    "cleric",
    "druid",
    "fighter",
    "monk",
    "paladin",
    "ranger",
    "rogue",
    "sorcerer",
    "warlock",
    "wizard",
];
const RACES: [&str; 9] = [
    "dwarf",
    "hill-dwarf",
    "elf",
    "high-elf",
    "halfling",
    "human",
    "dragonborn",
    "half-orc",
    "tiefling",
];

/// A valid sheet as play leaves them: made by `char new`, then changed.
fn character() -> impl Strategy<Value = Character> {
    (
        (
            0..CLASSES.len(),
            1u8..=20,
            0..RACES.len(),
            "[A-Z][a-z]{0,10}(-[A-Z][a-z]{1,6})?",
        ),
        (any::<bool>(), prop::array::uniform6(8u8..=15)),
        (0u32..400, 0u32..400_000, 0u32..5000, 0u32..60),
        (
            prop::collection::vec("[a-z ]{1,12}", 0..4),
            any::<bool>(),
            0u8..20,
        ),
        prop::option::of(("[a-z]{1,10}", "[1-4]d(4|6|8|10|12)", any::<bool>())),
        (
            prop::collection::vec(0usize..18, 0..3),
            prop::option::of(("[a-z]{1,10}", 10i32..19, prop::option::of(0i32..3))),
            prop::option::of(1i32..4),
        ),
    )
        .prop_map(
            |(
                (class, level, race, name),
                (point_buy, base),
                (damage, xp, gold, temp),
                (items, prone, spent_dice),
                homebrew,
                (expert, armor, magic),
            )| {
                let scores =
                    if point_buy && base.iter().map(|s| u32::from(*s) - 8).sum::<u32>() <= 10 {
                        Scores::PointBuy { scores: base }
                    } else {
                        Scores::StandardArray
                    };
                let mut c = Character::create(&NewCharacter {
                    name,
                    class: CLASSES[class].into(),
                    level,
                    race: RACES[race].into(),
                    scores,
                    subclass: None,
                    background: None,
                    ..NewCharacter::default()
                })
                .expect("valid");
                c.health.take_damage(damage, false);
                c.health.grant_temp(temp);
                c.xp = xp;
                c.gold = gold;
                c.items.extend(items);
                c.notes.extend(c.items.clone());
                if prone {
                    c.conditions.add(Condition::Prone);
                }
                c.hit_dice_left = c.hit_dice_left.saturating_sub(spent_dice);
                c.spent
                    .insert("second-wind".into(), u32::from(spent_dice % 2));
                if let Some((name, dice, ranged)) = homebrew {
                    let id = format!("brew-{name}");
                    c.weapons.push(id.clone());
                    c.homebrew_weapons.push(dm::character::HomebrewWeapon {
                        id,
                        name,
                        dice,
                        damage_type: rules::mechanics::DamageType::Force,
                        versatile: None,
                        ranged,
                        martial: true,
                        properties: Vec::new(),
                        range: ranged.then_some([30, 120]),
                    });
                }
                for s in expert.into_iter().map(|n| Skill::ALL[n]) {
                    if !c.skills.contains(&s) {
                        c.skills.push(s);
                    }
                    if !c.expertise.contains(&s) {
                        c.expertise.push(s);
                    }
                }
                if let Some((name, ac, dex_cap)) = armor {
                    let id = format!("brew-{name}");
                    c.armor = Some(id.clone());
                    c.homebrew_armor = Some(dm::character::HomebrewArmor {
                        id,
                        name,
                        ac,
                        dex_cap,
                    });
                }
                if let (Some(bonus), Some(w)) = (magic, c.weapons.first().cloned()) {
                    c.magic_bonus.insert(w, bonus);
                }
                c
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Export then import gives the identical sheet.
    #[test]
    fn our_export_round_trips_exactly(c in character()) {
        let text = ours::export(&c);
        let back = import(text.as_bytes(), None).expect("our own export imports");
        prop_assert_eq!(back.format, Format::Ours);
        prop_assert!(back.notes.is_empty());
        prop_assert_eq!(back.character, c);
    }
}

proptest! {
    /// No text panics the importer, whatever its shape.
    #[test]
    fn any_text_is_refused_or_read_without_panicking(s in "\\PC{0,300}") {
        let _ = import(s.as_bytes(), None);
        let _ = import(format!("<pc version=\"5\"><character>{s}</character></pc>").as_bytes(), None);
        let _ = import(format!("{{\"type\":\"character\",\"system\":{s}}}").as_bytes(), None);
    }

    /// A fixture cut anywhere is refused or read, never a panic.
    #[test]
    fn cut_fixtures_never_panic(cut in 0usize..9000, which in 0usize..3) {
        let name = ["foundry-fighter-3x.json", "fc5-paladin.xml", "foundry-homebrew.json"][which];
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(path).expect("fixture");
        let _ = import(&bytes[..cut.min(bytes.len())], None);
    }
}
