//! The character builder against the SRD's tables: every class at levels
//! 1, 3, 5, 11 and 20 (hit points, proficiency, saves, features, slots,
//! cantrips and spells known or prepared), the multiclass spellcaster
//! table, rolled scores checked against the table's seed, and the choices
//! a player makes after the defaults, each replaying exactly.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{Game, pid};
use dm::Line;
use dm::character::{Character, modifier};
use dm::command::{NewCharacter, Scores};
use dm::seed::verify;
use rules::automation::features::attacks_per_action;
use rules::dice::DieRoller;
use rules::mechanics::{Ability, SpellLevel};

const LEVELS: [u8; 5] = [1, 3, 5, 11, 20];

/// The SRD's hit die and saving throws per class.
const CLASSES: [(&str, u32, [Ability; 2]); 12] = {
    use Ability::*;
    [
        ("barbarian", 12, [Strength, Constitution]),
        ("bard", 8, [Dexterity, Charisma]),
        ("cleric", 8, [Wisdom, Charisma]),
        ("druid", 8, [Intelligence, Wisdom]),
        ("fighter", 10, [Strength, Constitution]),
        ("monk", 8, [Strength, Dexterity]),
        ("paladin", 10, [Wisdom, Charisma]),
        ("ranger", 10, [Strength, Dexterity]),
        ("rogue", 8, [Dexterity, Intelligence]),
        ("sorcerer", 6, [Constitution, Charisma]),
        ("warlock", 8, [Wisdom, Charisma]),
        ("wizard", 6, [Intelligence, Wisdom]),
    ]
};

/// The SRD's spell slots, 1st to 9th, at levels 1, 3, 5, 11, 20.
const FULL: [[u8; 9]; 5] = [
    [2, 0, 0, 0, 0, 0, 0, 0, 0],
    [4, 2, 0, 0, 0, 0, 0, 0, 0],
    [4, 3, 2, 0, 0, 0, 0, 0, 0],
    [4, 3, 3, 3, 2, 1, 0, 0, 0],
    [4, 3, 3, 3, 3, 2, 2, 1, 1],
];
const HALF: [[u8; 9]; 5] = [
    [0; 9],
    [3, 0, 0, 0, 0, 0, 0, 0, 0],
    [4, 2, 0, 0, 0, 0, 0, 0, 0],
    [4, 3, 3, 0, 0, 0, 0, 0, 0],
    [4, 3, 3, 3, 2, 0, 0, 0, 0],
];
/// Pact magic: (slots, slot level).
const PACT: [(u8, u8); 5] = [(1, 1), (2, 2), (2, 3), (3, 5), (4, 5)];

/// Cantrips known at levels 1, 3, 5, 11, 20 (SRD class tables).
fn cantrips(class: &str) -> [u8; 5] {
    match class {
        "bard" | "druid" | "warlock" => [2, 2, 3, 4, 4],
        "cleric" | "wizard" => [3, 3, 4, 5, 5],
        "sorcerer" => [4, 4, 5, 6, 6],
        _ => [0; 5],
    }
}

/// Spells known at levels 1, 3, 5, 11, 20, for the classes that know them.
fn known(class: &str) -> Option<[u8; 5]> {
    match class {
        "bard" => Some([4, 6, 8, 15, 22]),
        "sorcerer" => Some([2, 4, 6, 12, 15]),
        "warlock" => Some([2, 4, 6, 11, 15]),
        "ranger" => Some([0, 3, 4, 7, 11]),
        _ => None,
    }
}

fn make(class: &str, level: u8) -> Character {
    Character::create(&NewCharacter {
        name: "Gold".into(),
        class: class.into(),
        level,
        race: "human".into(),
        scores: Scores::StandardArray,
        ..NewCharacter::default()
    })
    .unwrap()
}

fn slots_of(c: &Character) -> [u8; 9] {
    let mut out = [0; 9];
    for l in SpellLevel::all() {
        out[usize::from(l.get() - 1)] = c.slots.max(l);
    }
    out
}

fn score(c: &Character, a: Ability) -> u8 {
    c.scores[Ability::ALL.iter().position(|x| *x == a).unwrap()]
}

fn on_list(id: &str, class: &str) -> Option<u8> {
    let s = rules::content::spell(id)?;
    s.classes.iter().any(|c| c == class).then_some(s.level)
}

#[test]
fn every_class_at_levels_1_3_5_11_20_matches_the_srd_tables() {
    for (class, die, saves) in CLASSES {
        for (i, level) in LEVELS.into_iter().enumerate() {
            let c = make(class, level);
            let at = format!("{class} {level}");
            // Hit points: the die's maximum, then its average, each with the
            // Constitution modifier (an ASI to Con counts at every level).
            let con = modifier(score(&c, Ability::Constitution));
            let avg = die / 2 + 1;
            let hp = i64::from(die)
                + i64::from(level - 1) * i64::from(avg)
                + i64::from(level) * i64::from(con);
            assert_eq!(i64::from(c.health.max()), hp, "{at}: hit points");
            assert_eq!(
                c.proficiency(),
                [2, 2, 3, 4, 6][i],
                "{at}: proficiency bonus"
            );
            for a in Ability::ALL {
                let m = modifier(score(&c, a));
                let want = if saves.contains(&a) {
                    m + c.proficiency()
                } else {
                    m
                };
                assert_eq!(c.save_bonus(a), want, "{at}: {a:?} save");
            }
            // Slots from the SRD's tables.
            let slots = slots_of(&c);
            match class {
                "bard" | "cleric" | "druid" | "sorcerer" | "wizard" => {
                    assert_eq!(slots, FULL[i], "{at}: slots");
                }
                "paladin" | "ranger" => assert_eq!(slots, HALF[i], "{at}: slots"),
                "warlock" => {
                    let (n, lvl) = PACT[i];
                    assert_eq!(
                        c.slots.pact_level().map(|l| l.get()),
                        Some(lvl),
                        "{at}: pact slot level"
                    );
                    assert_eq!(slots[usize::from(lvl - 1)], n, "{at}: pact slots");
                }
                _ => assert_eq!(slots, [0; 9], "{at}: no slots"),
            }
            // Cantrips and spells known or prepared, all from the class list.
            let leveled: Vec<&String> = c
                .spells
                .iter()
                .filter(|s| on_list(s, class).is_some_and(|l| l > 0))
                .collect();
            let cantrip_count = c
                .spells
                .iter()
                .filter(|s| on_list(s, class) == Some(0))
                .count();
            assert_eq!(
                c.spells.len(),
                leveled.len() + cantrip_count,
                "{at}: every spell is on the class list: {:?}",
                c.spells
            );
            assert_eq!(
                cantrip_count,
                usize::from(cantrips(class)[i]),
                "{at}: cantrips"
            );
            let top = slots
                .iter()
                .rposition(|n| *n > 0)
                .map_or(0, |p| u8::try_from(p + 1).unwrap());
            for s in &leveled {
                assert!(on_list(s, class).unwrap() <= top, "{at}: {s} is castable");
            }
            let expect = match class {
                "cleric" | "druid" => {
                    Some((modifier(score(&c, Ability::Wisdom)) + i32::from(level)).max(1))
                }
                "wizard" => {
                    Some((modifier(score(&c, Ability::Intelligence)) + i32::from(level)).max(1))
                }
                "paladin" if level >= 2 => {
                    Some((modifier(score(&c, Ability::Charisma)) + i32::from(level / 2)).max(1))
                }
                _ => known(class).map(|k| i32::from(k[i])),
            };
            assert_eq!(
                i32::try_from(leveled.len()).unwrap(),
                expect.unwrap_or(0),
                "{at}: spells known or prepared"
            );
            if class == "wizard" {
                assert_eq!(
                    c.spellbook.len(),
                    usize::from(6 + 2 * (level - 1)),
                    "{at}: spellbook"
                );
                assert!(
                    leveled.iter().all(|s| c.spellbook.contains(s)),
                    "{at}: prepared from the book"
                );
            }
            // Features: the subclass at the SRD's level, Extra Attack.
            let sub_at = match class {
                "cleric" | "sorcerer" | "warlock" => 1,
                "druid" | "wizard" => 2,
                _ => 3,
            };
            assert_eq!(
                c.classes[0].subclass.is_some(),
                level >= sub_at,
                "{at}: subclass"
            );
            let attacks = match (class, level) {
                ("fighter", 20) => 4,
                ("fighter", 11) => 3,
                ("barbarian" | "fighter" | "monk" | "paladin" | "ranger", l) if l >= 5 => 2,
                _ => 1,
            };
            assert_eq!(
                attacks_per_action(c.class(), c.class_level()),
                attacks,
                "{at}: attacks"
            );
            // ASIs taken by default: 4, 8, 12, 16, 19 (fighter 6, 14; rogue 10).
            let asis = match class {
                "fighter" => [4, 6, 8, 12, 14, 16, 19]
                    .iter()
                    .filter(|l| **l <= level)
                    .count(),
                "rogue" => [4, 8, 10, 12, 16, 19]
                    .iter()
                    .filter(|l| **l <= level)
                    .count(),
                _ => [4, 8, 12, 16, 19].iter().filter(|l| **l <= level).count(),
            };
            let base: u32 = c
                .base_scores
                .as_ref()
                .unwrap()
                .0
                .iter()
                .map(|s| u32::from(*s))
                .sum();
            let now: u32 = c.scores.iter().map(|s| u32::from(*s)).sum();
            // Human: +1 to each score; each ASI adds two points.
            assert_eq!(
                now,
                base + 6 + 2 * u32::try_from(asis).unwrap(),
                "{at}: ASIs"
            );
            assert_eq!(c.hit_dice_left, level);
            assert_eq!(c.classes[0].hit_dice.len(), usize::from(level));
        }
    }
}

#[test]
fn fighter_5_wizard_3_has_the_multiclass_slots_and_needs_int_13() {
    let mut game = Game::new(7);
    // Standard array for a fighter: Int 8 (+1 human) is short of 13.
    game.ok("ann", "char new Ann fighter 5 human");
    let no = game.refused("dm", "dm levelup ann wizard");
    assert_eq!(no, "multiclassing into Wizard needs Int 13 for wizard");
    game.ok(
        "bo",
        "char new Bo fighter 5 human pointbuy 15,13,14,12,10,8",
    );
    for n in 1..=3 {
        let r = game.ok("dm", "dm levelup bo wizard");
        let text = common::notes(&r);
        assert!(text.contains(&format!("(Wizard {n})")), "{text}");
    }
    let bo = game.sheet("bo");
    assert_eq!(bo.level, 8);
    assert_eq!(bo.class_level(), 5);
    assert_eq!(
        bo.classes
            .iter()
            .map(|c| (c.class.as_str(), c.level))
            .collect::<Vec<_>>(),
        [("fighter", 5), ("wizard", 3)]
    );
    // A single caster class uses its own table: wizard 3.
    assert_eq!(slots_of(bo), [4, 2, 0, 0, 0, 0, 0, 0, 0]);
    // Extra Attack stays the fighter's; the wizard's subclass comes at 2.
    assert_eq!(attacks_per_action(bo.class(), bo.class_level()), 2);
    assert_eq!(bo.classes[1].subclass.as_deref(), Some("evocation"));
    assert_eq!(
        bo.spellbook.len(),
        10,
        "6 + 2 per wizard level after the first"
    );
    assert_eq!(bo.proficiency(), 3);
    // Hit points: fighter 10 + 4×6, wizard 3×4, Con 15 (+2) at each of 8 levels.
    assert_eq!(bo.health.max(), 10 + 4 * 6 + 3 * 4 + 8 * 2);
    // In a fight the fighter's features go by the fighter's level: Second
    // Wind heals 1d10 + 5, not + 8.
    game.ok("dm", "dm hp bo -30");
    let hp = game.hp("bo");
    game.fight(&[("goblin", 1)]);
    game.skip_to("bo");
    game.ok_with("bo", "sw", common::Dice::Faces(&[4]));
    assert_eq!(game.hp("bo"), hp + 4 + 5);
    game.assert_replays();
}

#[test]
fn two_caster_classes_share_the_multiclass_spellcaster_table() {
    let mut game = Game::new(8);
    // Cleric 3 / wizard 3: caster level 6 → 4, 3, 3.
    game.ok("cy", "char new Cy cleric 3 human manual 10,10,14,13,15,8");
    for _ in 0..3 {
        game.ok("dm", "dm levelup cy wizard");
    }
    assert_eq!(slots_of(game.sheet("cy")), [4, 3, 3, 0, 0, 0, 0, 0, 0]);
    // Paladin 4 / sorcerer 2: half of 4 + 2 = caster level 4 → 4, 3.
    game.ok("pa", "char new Pa paladin 4 human manual 15,10,12,8,8,15");
    for _ in 0..2 {
        game.ok("dm", "dm levelup pa sorcerer");
    }
    assert_eq!(slots_of(game.sheet("pa")), [4, 3, 0, 0, 0, 0, 0, 0, 0]);
    // Warlock 2 / wizard 1: the wizard's 2 slots plus 2 pact slots of 1st level apart.
    game.ok("wl", "char new Wl warlock 2 human manual 8,10,12,14,10,15");
    game.ok("dm", "dm levelup wl wizard");
    let wl = game.sheet("wl");
    assert_eq!(wl.slots.pact_level().map(|l| l.get()), Some(1));
    assert_eq!(slots_of(wl)[0], 2 + 2);
    game.assert_replays();
}

#[test]
fn rolled_scores_are_the_tables_dice_and_verify_against_the_seed() {
    let mut game = Game::new(9);
    let seq = game.table.next_roll;
    let r = game.ok("ro", "char roll");
    let rolled = game.table.rolled_scores[&pid("ro")].clone();
    assert_eq!(rolled.roll, seq);
    // The same six 4d6-drop-lowest from the seed's stream for that roll.
    let mut stream = game.seed.stream(seq);
    let mut expect = [0u8; 6];
    for s in &mut expect {
        let mut four: Vec<u64> = (0..4).map(|_| stream.roll_die(6)).collect();
        four.sort_unstable();
        *s = u8::try_from(four[1..].iter().sum::<u64>()).unwrap();
    }
    assert_eq!(rolled.scores, expect);
    assert!(common::notes(&r).contains(&format!("roll #{seq}")));
    // Anyone can check the logged dice against the seed.
    let records: Vec<_> = game
        .log
        .iter()
        .filter_map(|e| match e {
            dm::Event::Did { rolls, .. } => rolls.clone(),
            _ => None,
        })
        .collect();
    assert!(verify(&game.seed, &game.seed.commitment(), &records).is_ok());
    // A second roll before using the first is refused.
    assert!(game.refused("ro", "char roll").contains("already"));
    // Another set than the rolled one is refused, the rolled one in any order accepted.
    let mut wrong = expect;
    wrong[0] = if wrong[0] == 18 { 3 } else { wrong[0] + 1 };
    let typed = |s: [u8; 6]| s.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
    let no = game.refused(
        "ro",
        &format!("char new Ro fighter 1 human rolled {}", typed(wrong)),
    );
    assert!(no.contains("not your rolled scores"), "{no}");
    let mut reversed = expect;
    reversed.reverse();
    game.ok(
        "ro",
        &format!("char new Ro fighter 1 human rolled {}", typed(reversed)),
    );
    let ro = game.sheet("ro");
    let base = ro.base_scores.clone().unwrap();
    assert_eq!(base, (reversed, "rolled".to_string()));
    assert_eq!(ro.scores, reversed.map(|s| s + 1), "human +1 each");
    assert!(ro.history[0].what.contains(&format!("roll #{seq}")));
    // Used up: a second character needs a new roll.
    let no = game.refused("ro", "char new Ro2 fighter 1 human rolled");
    assert!(no.contains("char roll"), "{no}");
    game.assert_replays();
}

#[test]
fn rolled_alone_places_the_set_by_the_class_and_manual_can_be_forbidden() {
    let mut game = Game::new(10);
    game.ok("ka", "char roll");
    let mut set = game.table.rolled_scores[&pid("ka")].scores;
    game.ok("ka", "char new Ka wizard 1 elf rolled");
    set.sort_unstable();
    let ka = game.sheet("ka");
    // The highest goes to Int (then Con, Dex...).
    assert_eq!(ka.base_scores.as_ref().unwrap().0[3], set[5]);
    // Typed scores: allowed until the DM says no.
    game.ok("ma", "char new Ma rogue 1 human manual 18,18,18,18,18,18");
    assert_eq!(game.sheet("ma").scores, [19; 6]);
    let r = game.ok("dm", "dm allow manual off");
    assert!(common::notes(&r).contains("not allowed"));
    let no = game.refused("mo", "char new Mo rogue 1 human manual 18,18,18,18,18,18");
    assert!(no.contains("does not allow typed scores"), "{no}");
    assert!(game.refused("ka", "dm allow manual on").contains("DM"));
    game.assert_replays();
}

#[test]
fn defaults_then_player_choices_for_skills_spells_asi_and_half_elf() {
    let mut game = Game::new(11);
    game.ok("hal", "char new Hal wizard 4 half-elf bg acolyte");
    let before = game.sheet("hal").clone();
    assert_eq!(before.background.as_deref(), Some("acolyte"));
    assert!(before.languages.contains(&"Elvish".to_string()));
    // Pending: the class skills, the half-elf's skills and +1s, languages,
    // cantrips, spellbook, prepared spells, the level-4 ASI.
    let r = game.ok("hal", "ch");
    let text = common::notes(&r);
    for word in [
        "equipment 4",
        "skills",
        "bonus",
        "languages",
        "cantrips",
        "book",
        "spells",
        "asi",
    ] {
        assert!(text.contains(word), "{word} in {text}");
    }
    assert!(text.len() <= 200, "fits a packet: {text}");
    // The ASI: the default +2 Int, replaced by the Grappler feat needs Str 13.
    let int_before = score(&before, Ability::Intelligence);
    let no = game.refused("hal", "ch asi grappler");
    assert!(no.contains("Grappler needs Str 13"), "{no}");
    game.ok("hal", "ch asi int con");
    let hal = game.sheet("hal");
    assert_eq!(score(hal, Ability::Intelligence), int_before - 1);
    assert_eq!(
        score(hal, Ability::Constitution),
        score(&before, Ability::Constitution) + 1
    );
    // Choose cantrips by number from the listed options.
    let r = game.ok("hal", "ch cantrips");
    let list = common::notes(&r);
    assert!(list.contains("1 "), "{list}");
    let n = game
        .sheet("hal")
        .pending
        .iter()
        .find(|p| p.kind == dm::sheet::ChoiceKind::Cantrips)
        .unwrap()
        .clone();
    let picks: Vec<String> = (1..=n.count).map(|i| (i + 1).to_string()).collect();
    game.ok("hal", &format!("ch cantrips {}", picks.join(" ")));
    let hal = game.sheet("hal");
    for i in 1..=usize::from(n.count) {
        assert!(hal.spells.contains(&n.from[i]), "picked {}", n.from[i]);
    }
    assert!(
        !hal.pending
            .iter()
            .any(|p| p.kind == dm::sheet::ChoiceKind::Cantrips)
    );
    // A wrong count or an unknown pick is refused.
    assert!(game.refused("hal", "ch skills 1").contains("pick 2"));
    assert!(game.refused("hal", "ch skills 1 99").contains("not among"));
    game.ok("hal", "ch skills arcana history");
    let hal = game.sheet("hal");
    assert!(hal.skills.contains(&rules::mechanics::Skill::History));
    // Every choice went into the history, with who and when.
    assert!(
        hal.history
            .iter()
            .any(|h| h.what.starts_with("asi:") && h.by == "console:hal")
    );
    game.assert_replays();
}

#[test]
fn char_set_until_the_dm_locks_the_sheet_with_history() {
    let mut game = Game::new(12);
    game.ok("dra", "char new Dra paladin 3 dragonborn");
    assert_eq!(game.sheet("dra").ancestry.as_deref(), Some("black"));
    game.ok("dra", "char set ancestry red \"family is red\"");
    let dra = game.sheet("dra");
    assert_eq!(dra.ancestry.as_deref(), Some("red"));
    assert!(dra.resists(rules::mechanics::DamageType::Fire));
    assert!(!dra.resists(rules::mechanics::DamageType::Acid));
    let h = dra.history.last().unwrap();
    assert_eq!(
        (h.by.as_str(), h.why.as_str()),
        ("console:dra", "family is red")
    );
    assert!(
        game.refused("dra", "char set ancestry purple")
            .contains("purple")
    );
    game.ok("dra", "char set languages Common, Draconic, Elvish");
    assert_eq!(game.sheet("dra").languages.len(), 3);
    game.ok("dra", "char set background acolyte");
    assert!(
        game.sheet("dra")
            .skills
            .contains(&rules::mechanics::Skill::Religion)
    );
    game.ok("dm", "dm lock dra");
    let no = game.refused("dra", "char set languages Common");
    assert!(no.contains("locked"), "{no}");
    game.ok("dm", "dm unlock dra");
    game.ok("dra", "char set languages Common");
    // The DM's `dm set` goes into the same history.
    game.ok("dm", "dm set dra gold 99 \"treasure\"");
    let last = game.sheet("dra").history.last().unwrap().clone();
    assert_eq!(last.why, "treasure");
    assert!(last.what.contains("gold"));
    // Not in a fight.
    game.fight(&[("goblin", 1)]);
    assert!(
        game.refused("dra", "char set languages Common")
            .contains("fight")
    );
    game.assert_replays();
}

#[test]
fn levelup_with_rolled_hit_points_and_choices() {
    let mut game = Game::new(13);
    game.ok("gr", "char new Gr fighter 3 human");
    let max = game.sheet("gr").health.max();
    assert!(game.refused("gr", "levelup roll").contains("XP"));
    game.ok("dm", "dm xp 2700 gr");
    let seq = game.table.next_roll;
    let r = game.ok("gr", "levelup roll");
    let face = game.seed.stream(seq).roll_die(10);
    let text = common::notes(&r);
    assert!(
        text.contains(&format!("rolled {face} on the d10")),
        "{text}"
    );
    let gr = game.sheet("gr");
    // Con 15: +2.
    assert_eq!(gr.health.max(), max + u32::try_from(face).unwrap() + 2);
    // Level 4: an ASI by default, offered.
    assert!(text.contains("asi"), "{text}");
    assert!(
        gr.pending
            .iter()
            .any(|p| p.kind == dm::sheet::ChoiceKind::Asi)
    );
    assert_eq!(
        gr.classes[0].hit_dice.last(),
        Some(&u8::try_from(face).unwrap())
    );
    assert!(game.refused("gr", "levelup").contains("6500 XP"));
    game.assert_replays();
}

#[test]
fn a_long_rest_lets_a_cleric_prepare_again() {
    let mut game = Game::new(14);
    game.ok("cl", "char new Cl cleric 1 human");
    let prepared = game
        .sheet("cl")
        .pending
        .iter()
        .find(|p| p.kind == dm::sheet::ChoiceKind::Spells)
        .unwrap()
        .clone();
    let picks: Vec<String> = (1..=prepared.count).map(|i| i.to_string()).collect();
    game.ok("cl", &format!("ch spells {}", picks.join(" ")));
    assert!(
        game.refused("cl", "ch spells 1")
            .contains("no spells choice")
    );
    game.ok("cl", "rest long");
    assert!(
        game.sheet("cl")
            .pending
            .iter()
            .any(|p| p.kind == dm::sheet::ChoiceKind::Spells)
    );
    game.assert_replays();
}

#[test]
fn one_line_creation_still_works_and_bad_choices_are_refused() {
    let mut game = Game::new(15);
    let r = game.ok("a", "char new Aria wizard 3 elf");
    assert!(matches!(r.lines[0], Line::Character { .. }));
    assert!(
        game.refused("b", "char new Bo fighter 1 human sub battlemaster")
            .contains("champion")
    );
    assert!(
        game.refused("b", "char new Bo fighter 1 human sub champion")
            .contains("level 3")
    );
    assert!(
        game.refused("b", "char new Bo fighter 1 human bg noble")
            .contains("background")
    );
    game.ok("b", "char new Bo fighter 3 human sub champion bg custom");
    assert_eq!(
        game.sheet("bo").classes[0].subclass.as_deref(),
        Some("champion")
    );
    game.assert_replays();
}

mod parsing {
    use dm::command::{Command, NewCharacter, Scores};
    use dm::grammar::{MAX_ERROR_BYTES, parse};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn builder_lines_never_panic_and_read_back_from_the_log(
            line in r#"(char new Aa fighter 3 human|char new Aa wizard 1 elf rolled|ch|char choose|char set|levelup|dm levelup aa|dm lock|dm unlock|dm allow|char roll|cn|cs) [-a-z0-9 ,"]{0,60}"#
        ) {
            match parse(&line) {
                Err(err) => {
                    let message = err.to_string();
                    prop_assert!(!message.is_empty() && message.len() <= MAX_ERROR_BYTES, "{message}");
                }
                Ok(command) => {
                    let stored = serde_json::to_value(&command).unwrap();
                    let back: Command = serde_json::from_value(stored.clone())
                        .map_err(|e| TestCaseError::fail(format!("{e}: {stored}")))?;
                    prop_assert_eq!(back, command);
                }
            }
        }

        #[test]
        fn char_new_options_round_trip(
            class in prop::sample::select(vec!["fighter", "wizard", "cleric", "rogue"]),
            level in 1u8..=20,
            race in prop::sample::select(vec!["human", "hill dwarf", "half-elf"]),
            method in 0usize..4,
            scores in prop::array::uniform6(8u8..=15),
            sub in prop::option::of("[a-z]{3,10}"),
            bg in prop::option::of(prop::sample::select(vec!["acolyte", "custom"])),
        ) {
            let list = scores.map(|s| s.to_string()).join(",");
            let (words, want) = match method {
                0 => (String::new(), Scores::StandardArray),
                1 => (format!(" rolled {list}"), Scores::Rolled { scores: scores.to_vec() }),
                2 => (format!(" manual {list}"), Scores::Manual { scores: scores.to_vec() }),
                _ => (" rolled".to_string(), Scores::Rolled { scores: Vec::new() }),
            };
            let mut line = format!("char new Ab {class} {level} {race}{words}");
            if let Some(s) = &sub {
                line.push_str(&format!(" sub {s}"));
            }
            if let Some(b) = &bg {
                line.push_str(&format!(" bg {b}"));
            }
            let parsed = parse(&line).map_err(|e| TestCaseError::fail(format!("{line}: {e}")))?;
            prop_assert_eq!(
                parsed,
                Command::NewCharacter(NewCharacter {
                    name: "Ab".into(),
                    class: class.into(),
                    level,
                    race: race.into(),
                    scores: want,
                    subclass: sub,
                    background: bg.map(str::to_string),
                    starting_gold: false,
                })
            );
        }

        #[test]
        fn choose_picks_round_trip(
            kind in prop::sample::select(vec!["spells", "skills", "asi", "cantrips", "book"]),
            picks in prop::collection::vec(1u8..60, 0..8),
        ) {
            let words: Vec<String> = picks.iter().map(u8::to_string).collect();
            let line = format!("ch {kind} {}", words.join(" "));
            prop_assert_eq!(
                parse(line.trim()).unwrap(),
                Command::Choose { kind: Some(kind.into()), picks: words }
            );
        }
    }
}

mod engine_properties {
    use super::common::Game;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Whatever a player picks, a choice is made or refused (and then
        /// nothing changed: the harness checks it), and the log replays.
        #[test]
        fn any_choice_is_made_or_refused_and_replays(
            class in prop::sample::select(vec!["wizard", "cleric", "bard", "fighter"]),
            kind in prop::sample::select(vec!["spells", "skills", "asi", "cantrips", "book", "languages", "bonus", "equipment"]),
            picks in prop::collection::vec(0u8..40, 0..5),
        ) {
            let mut game = Game::new(20);
            game.ok("p", &format!("char new Pe {class} 4 half-elf"));
            let words: Vec<String> = picks.iter().map(u8::to_string).collect();
            let _ = game.run("p", format!("ch {kind} {}", words.join(" ")).trim());
            game.assert_replays();
        }
    }
}

#[test]
fn starting_gold_instead_of_the_package_is_rolled_with_the_tables_dice() {
    let mut game = Game::new(16);
    let seq = game.table.next_roll;
    game.ok("g", "char new Gil fighter 1 human gold");
    let mut stream = game.seed.stream(seq);
    let d4s: u64 = (0..5).map(|_| stream.roll_die(4)).sum();
    let gil = game.sheet("gil");
    assert_eq!(u64::from(gil.gold), d4s * 10, "5d4 × 10 gp for a fighter");
    assert!(gil.weapons.is_empty() && gil.armor.is_none() && gil.items.is_empty());
    assert!(
        gil.pending
            .iter()
            .all(|p| p.kind != dm::sheet::ChoiceKind::Equipment),
        "no package, no package choices"
    );
    assert!(gil.history[0].what.contains("starting gold"));
    // The kit is bought by hand, out of a fight.
    game.ok("g", "char set weapons longsword \"bought\"");
    assert_eq!(game.sheet("gil").weapons, ["longsword"]);
    game.assert_replays();
}

#[test]
fn long_option_lists_come_a_page_at_a_time() {
    let mut game = Game::new(17);
    game.ok("w", "char new Wiz wizard 5 human");
    let book = game
        .sheet("wiz")
        .pending
        .iter()
        .find(|p| p.kind == dm::sheet::ChoiceKind::Spellbook)
        .unwrap()
        .clone();
    assert!(book.from.len() > 24, "{} options", book.from.len());
    let first = common::notes(&game.ok("w", "ch book"));
    assert!(
        first.contains(": 1 ") && first.contains(", 12 ") && !first.contains(", 13 "),
        "{first}"
    );
    assert!(first.contains("more: `ch book p2`"), "{first}");
    let second = common::notes(&game.ok("w", "ch book p2"));
    assert!(
        second.contains(": 13 ") && !second.contains(", 12 "),
        "{second}"
    );
    let pages = book.from.len().div_ceil(12);
    let no = game.refused("w", &format!("ch book p{}", pages + 1));
    assert!(no.contains(&format!("{pages} pages")), "{no}");
    game.assert_replays();
}

fn equipment_sets(game: &Game, who: &str) -> Vec<dm::sheet::Choice> {
    game.sheet(who)
        .pending
        .iter()
        .filter(|p| p.kind == dm::sheet::ChoiceKind::Equipment)
        .cloned()
        .collect()
}

#[test]
fn a_fighter_gets_the_srd_package_by_default_and_each_choice_is_offered() {
    let mut game = Game::new(18);
    game.ok("f", "char new Fen fighter 1 human");
    let fen = game.sheet("fen");
    assert_eq!(fen.armor.as_deref(), Some("chain-mail"));
    assert!(fen.shield);
    assert_eq!(fen.weapons, ["longsword", "crossbow-light"]);
    assert_eq!(fen.ammo_left("crossbow-bolt"), 20);
    assert!(
        fen.items.iter().any(|i| i == "dungeoneers-pack"),
        "{:?}",
        fen.items
    );
    let sets = equipment_sets(&game, "fen");
    assert_eq!(sets.len(), 4);
    assert_eq!(
        sets[1].from,
        ["@martial-weapons+shield", "2*@martial-weapons"]
    );
    assert_eq!(sets[1].chosen, ["longsword+shield"]);
    let list = common::notes(&game.ok("f", "ch equipment"));
    assert!(
        list.contains(
            "1: (a) chain mail or (b) leather armor, longbow, 20 arrows — now chain mail"
        ),
        "{list}"
    );
    assert!(
        list.contains("(a) a martial weapon, shield or (b) 2 martial weapons"),
        "{list}"
    );
    let one = common::notes(&game.ok("f", "ch equipment 2"));
    assert!(one.contains("martial-weapons: battleaxe, flail"), "{one}");
}

#[test]
fn equipment_choices_swap_the_default_items_for_the_chosen_ones() {
    let mut game = Game::new(19);
    game.ok("f", "char new Fen fighter 1 human");
    // Two martial weapons instead of a longsword and a shield.
    let r = common::notes(&game.ok("f", "ch equipment 2 b greatsword maul"));
    assert!(r.contains("equipment: greatsword, maul"), "{r}");
    let fen = game.sheet("fen");
    assert!(!fen.shield);
    assert_eq!(fen.weapons, ["crossbow-light", "greatsword", "maul"]);
    // The chain mail set is still the first open one: leather, longbow, arrows.
    game.ok("f", "ch eq b");
    let fen = game.sheet("fen");
    assert_eq!(fen.armor.as_deref(), Some("leather-armor"));
    assert!(fen.weapons.iter().any(|w| w == "longbow"));
    assert_eq!(fen.ammo_left("arrow"), 20);
    // Two handaxes instead of the crossbow: its bolts go with it.
    game.ok("f", "ch equipment 1 b");
    let fen = game.sheet("fen");
    assert!(!fen.weapons.iter().any(|w| w == "crossbow-light"));
    assert_eq!(fen.ammo_left("crossbow-bolt"), 0);
    assert!(fen.weapons.iter().any(|w| w == "handaxe"));
    assert_eq!(equipment_sets(&game, "fen").len(), 1);
    assert!(
        game.sheet("fen")
            .history
            .iter()
            .any(|h| h.what.contains("handaxe"))
    );
    game.assert_replays();
}

#[test]
fn a_bad_equipment_choice_is_refused_and_changes_nothing() {
    let mut game = Game::new(21);
    game.ok("f", "char new Fen fighter 1 human");
    let no = game.refused("f", "ch equipment 2 a club");
    assert!(
        no.contains("`club` is not one of the martial weapons"),
        "{no}"
    );
    let no = game.refused("f", "ch equipment 1 c");
    assert!(no.contains("`c` is not an option: a to b"), "{no}");
    let no = game.refused("f", "ch equipment 9 a");
    assert!(no.contains("there are 4 equipment choices"), "{no}");
    let no = game.refused("f", "ch equipment 2 a longsword rapier");
    assert!(no.contains("one pick too many"), "{no}");
    // A wizard's focus: any arcane focus, by name.
    game.ok("w", "char new Wiz wizard 1 human");
    game.ok("w", "ch equipment 2 b orb");
    assert!(game.sheet("wiz").items.iter().any(|i| i == "orb"));
    assert!(
        !game
            .sheet("wiz")
            .items
            .iter()
            .any(|i| i == "component-pouch")
    );
    game.assert_replays();
}

#[test]
fn an_acolyte_brings_its_background_equipment_and_picks_its_holy_symbol() {
    let mut game = Game::new(22);
    game.ok("f", "char new Fen fighter 1 human bg acolyte");
    let fen = game.sheet("fen");
    for id in ["clothes-common", "pouch", "amulet"] {
        assert!(fen.items.iter().any(|i| i == id), "{id} in {:?}", fen.items);
    }
    assert_eq!(fen.gold, 10 + 15, "the pouch's 15 gp");
    let sets = equipment_sets(&game, "fen");
    assert_eq!(sets.len(), 5);
    assert_eq!(sets[4].class.as_deref(), Some("background"));
    game.ok("f", "ch equipment 5 a emblem");
    let fen = game.sheet("fen");
    assert!(fen.items.iter().any(|i| i == "emblem"));
    assert!(!fen.items.iter().any(|i| i == "amulet"));
    // Set later with `char set background`, it brings the same.
    game.ok("g", "char new Gil wizard 1 human");
    game.ok("g", "char set background acolyte \"temple raised\"");
    assert!(game.sheet("gil").items.iter().any(|i| i == "amulet"));
    game.assert_replays();
}
