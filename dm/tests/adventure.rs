//! Adventures as data: loading, the checker, the shipped adventure, the
//! sample traps, encounter difficulty and the seeded generator.

#![allow(clippy::unwrap_used)]

use dm::adventure::{
    self, Adventure, Difficulty, LoadError, Outcome, Params, SAMPLE_TRAPS, Trigger, When, check,
    difficulty, generate, load,
};
use proptest::prelude::*;

fn chapel() -> Adventure {
    adventure::find("the-sunken-chapel")
        .expect("shipped")
        .clone()
}

fn paths(adv: &Adventure) -> Vec<String> {
    check(adv).into_iter().map(|p| p.path).collect()
}

#[test]
fn every_shipped_adventure_loads_and_checks_clean() {
    assert!(!adventure::shipped().is_empty());
    for (id, text) in adventure::shipped_files() {
        let adv = load(text).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(adv.id, *id);
        assert_eq!(check(&adv), [], "{id}");
        assert!(
            adv.attribution.contains("Creative Commons Attribution 4.0"),
            "{id}"
        );
    }
}

#[test]
fn the_sunken_chapel_has_what_the_brief_asks() {
    let adv = chapel();
    assert!(adv.areas.len() >= 12);
    assert_eq!((adv.levels, adv.party), ([1, 3], 4));
    let fights: Vec<_> = adv
        .areas
        .iter()
        .filter_map(|a| a.encounter.as_ref())
        .collect();
    assert!(fights.len() >= 3);
    assert!(fights.iter().any(|e| e.surprise), "an ambush");
    assert!(fights.iter().any(|e| e.boss), "a boss");
    assert!(
        adv.areas.iter().any(|a| a.wandering.is_some()),
        "a wandering patrol"
    );
    let traps: Vec<_> = adv.areas.iter().flat_map(|a| &a.traps).collect();
    assert!(traps.len() >= 2);
    // The locked grate: a key found in the vestry, a pick and a force DC,
    // and a secret way around through the apse and the ossuary.
    let nave = adv.areas.iter().find(|a| a.id == "nave").unwrap();
    let grate = nave.exits.iter().find(|e| e.to == "crypt-stair").unwrap();
    let door = grate.door.as_ref().unwrap();
    assert!(door.locked && door.pick.is_some() && door.force.is_some());
    let key = door.key.as_deref().unwrap();
    let vestry = adv.areas.iter().find(|a| a.id == "vestry").unwrap();
    assert!(
        vestry
            .features
            .iter()
            .any(|f| f.success.contains(&Outcome::Give { item: key.into() }))
    );
    let apse = adv.areas.iter().find(|a| a.id == "apse").unwrap();
    assert!(
        apse.exits
            .iter()
            .any(|e| e.to == "ossuary" && e.hidden.is_some())
    );
    let ossuary = adv.areas.iter().find(|a| a.id == "ossuary").unwrap();
    assert!(
        ossuary
            .exits
            .iter()
            .any(|e| e.to == "crypt" && e.door.is_none())
    );
    // A secret exit out of the shrine.
    let shrine = adv.areas.iter().find(|a| a.id == "shrine").unwrap();
    assert!(shrine.exits.iter().any(|e| e.hidden.is_some()));
    // An NPC who can be persuaded and helps, and whom the party can anger.
    let orrin = &adv.npcs[0];
    assert!(orrin.persuade.is_some() && !orrin.helps.is_empty());
    assert!(nave.features.iter().any(|f| {
        f.success
            .iter()
            .any(|o| matches!(o, Outcome::Attitude { npc, .. } if npc == "orrin"))
    }));
    assert!(adv.areas.iter().filter(|a| a.treasure.is_some()).count() >= 3);
    assert!(adv.goals.iter().filter(|g| g.ends).count() >= 1);
    assert!(adv.goals.iter().all(|g| g.xp > 0));
    assert!(
        adv.goals
            .iter()
            .any(|g| matches!(g.when, When::Defeat { .. }))
    );
}

#[test]
fn the_chapels_fights_are_balanced_for_its_party() {
    let adv = chapel();
    for area in &adv.areas {
        let Some(enc) = &area.encounter else { continue };
        let at_2 = difficulty(&enc.monsters, 2, adv.party);
        if enc.boss {
            // The boss is deadly at level 1 and still hard or deadly at 2.
            assert_eq!(
                difficulty(&enc.monsters, 1, adv.party),
                Difficulty::Deadly,
                "{}",
                area.id
            );
            assert!(at_2 >= Difficulty::Hard, "{}: {at_2:?}", area.id);
        } else {
            // Other fights are a fair test at level 1, never deadly.
            let at_1 = difficulty(&enc.monsters, 1, adv.party);
            assert!(
                (Difficulty::Easy..=Difficulty::Hard).contains(&at_1),
                "{}: {at_1:?}",
                area.id
            );
        }
    }
}

#[test]
fn every_sample_trap_is_ready_with_its_srd_figures() {
    for slug in SAMPLE_TRAPS {
        let trap = adventure::sample_trap(slug).unwrap_or_else(|| panic!("{slug}"));
        assert!(!trap.effect.is_empty(), "{slug}");
        assert!(trap.detect.is_some(), "{slug}");
        assert!(!trap.text.is_empty(), "{slug}");
    }
    let roof = adventure::sample_trap("collapsing-roof").unwrap();
    assert_eq!(roof.detect, Some(10));
    assert_eq!(roof.disarm.as_ref().map(|c| c.dc), Some(15));
    let json = serde_json::to_value(&roof.effect).unwrap();
    assert_eq!(json[0]["type"], "save");
    assert_eq!(json[0]["dc"], 15);
    assert_eq!(json[0]["fail"][0]["amount"]["dice"], "4d10");
    let darts =
        serde_json::to_value(&adventure::sample_trap("poison-darts").unwrap().effect).unwrap();
    assert_eq!(darts[0]["count"]["base"], 4);
    assert_eq!(darts[0]["each"][0]["bonus"], 8);
}

#[test]
fn a_trap_with_a_sample_is_filled_in_and_its_own_figures_win() {
    let adv = chapel();
    let stair = adv.areas.iter().find(|a| a.id == "tower-stair").unwrap();
    let net = stair.traps[0].resolved();
    assert_eq!(net.detect, Some(10));
    assert!(!net.effect.is_empty());
    assert!(net.text.starts_with("A cord parts"), "its own text is kept");
    assert_eq!(
        net.trigger,
        Trigger::Exit {
            to: "belfry".into()
        }
    );
}

#[test]
fn check_finds_each_kind_of_problem_at_its_path() {
    type Break = fn(&mut Adventure);
    let cases: [(Break, &str); 16] = [
        (
            |a| a.areas[0].exits[0].to = "nowhere".into(),
            "areas[0].exits[0].to",
        ),
        (
            |a| a.areas[1].encounter.as_mut().unwrap().monsters[0].monster = "goblin-king".into(),
            "areas[1].encounter.monsters[0].monster",
        ),
        (|a| a.areas[2].short = "x".repeat(171), "areas[2].short"),
        (|a| a.areas[3].traps[0].sample = None, "areas[3].traps[0]"),
        (
            |a| a.areas[3].traps[0].sample = Some("spiky-floor".into()),
            "areas[3].traps[0].sample",
        ),
        (|a| a.areas[3].id = "lane".into(), "areas[3].id"),
        (|a| a.goals.iter_mut().for_each(|g| g.ends = false), "goals"),
        (
            |a| {
                a.goals[0].when = When::Defeat {
                    area: "apse".into(),
                }
            },
            "goals[0].when.area",
        ),
        (
            |a| {
                a.goals[2].when = When::Carry {
                    item: "golden fleece".into(),
                    to: "lane".into(),
                }
            },
            "goals[2].when.item",
        ),
        (|a| a.levels = [3, 1], "levels"),
        (|a| a.npcs[0].greeting = "y".repeat(171), "npcs[0].greeting"),
        (|a| a.npcs[0].area = "moon".into(), "npcs[0].area"),
        (
            |a| a.areas[3].features[1].failure[0] = Outcome::Trap { id: "nope".into() },
            "areas[3].features[1].failure[0].id",
        ),
        (
            |a| a.areas[3].features[1].check.as_mut().unwrap().skill = "juggling".into(),
            "areas[3].features[1].check.skill",
        ),
        (|a| a.start = "attic".into(), "start"),
        (|a| a.id = "Not A Slug".into(), "id"),
    ];
    for (i, (break_it, path)) in cases.into_iter().enumerate() {
        let mut adv = chapel();
        break_it(&mut adv);
        let found = paths(&adv);
        assert!(
            found.iter().any(|p| p == path),
            "case {i}: no problem at {path}: {found:?}"
        );
    }
}

#[test]
fn check_reports_a_locked_door_with_no_way_past_and_unreachable_areas() {
    let mut adv = chapel();
    // The grate (nave exit 4) with no pick, force or key.
    let door = adv.areas[2].exits[4].door.as_mut().unwrap();
    (door.pick, door.force, door.key) = (None, None, None);
    assert!(paths(&adv).contains(&"areas[2].exits[4].door".to_string()));
    // A key that is never found, with no other way.
    let mut adv = chapel();
    let door = adv.areas[2].exits[4].door.as_mut().unwrap();
    (door.pick, door.force) = (None, None);
    adv.areas[3].features[0].success.clear();
    let problems = check(&adv);
    assert!(
        problems
            .iter()
            .any(|p| p.path == "areas[2].exits[4].door" && p.message.contains("never found")),
        "{problems:?}"
    );
    // Cut the belfry off: no exit leads to it any more.
    let mut adv = chapel();
    adv.areas[4].exits.retain(|e| e.to != "belfry");
    adv.areas[4].traps.clear();
    assert!(
        paths(&adv).contains(&"areas[5]".to_string()),
        "{:?}",
        check(&adv)
    );
}

#[test]
fn hidden_exits_count_as_reachable() {
    // The sluice is only reached by the shrine's hidden crack.
    let adv = chapel();
    let shrine = adv.areas.iter().find(|a| a.id == "shrine").unwrap();
    assert!(
        shrine
            .exits
            .iter()
            .any(|e| e.to == "sluice" && e.hidden.is_some())
    );
    assert_eq!(check(&adv), []);
}

#[test]
fn load_reports_line_and_column_and_unknown_keys() {
    let text = adventure::shipped_files()[0]
        .1
        .replacen("light = \"dim\"", "lihgt = \"dim\"", 1);
    let err = load(&text).unwrap_err();
    let LoadError::Syntax {
        format,
        at,
        message,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*format, "TOML");
    assert!(message.contains("lihgt"), "{message}");
    let line = text.lines().position(|l| l.starts_with("lihgt")).unwrap() + 1;
    assert_eq!(at.line, line);
    assert_eq!(at.column, 1);

    let err = load("{\"id\": \"x\",\n \"title\": 7}").unwrap_err();
    assert!(err.to_string().starts_with("JSON line 2, column"), "{err}");

    let big = "#".repeat(adventure::MAX_BYTES + 1);
    assert_eq!(
        load(&big),
        Err(LoadError::TooLarge(adventure::MAX_BYTES + 1))
    );
}

#[test]
fn toml_and_json_round_trip() {
    let adv = chapel();
    assert_eq!(load(&adventure::to_toml(&adv)).unwrap(), adv);
    assert_eq!(
        load(&serde_json::to_string_pretty(&adv).unwrap()).unwrap(),
        adv
    );
    let generated = generate(Params {
        level: 5,
        party: 4,
        rooms: 20,
        seed: 3,
    });
    assert_eq!(load(&adventure::to_toml(&generated)).unwrap(), generated);
}

#[test]
fn thresholds_and_multipliers_follow_the_tables() {
    let t = adventure::thresholds(3, 4);
    assert_eq!((t.easy, t.medium, t.hard, t.deadly), (300, 600, 900, 1600));
    let t = adventure::thresholds(20, 1);
    assert_eq!((t.easy, t.deadly), (2800, 12700));
    let steps: Vec<u32> = [1, 2, 3, 6, 7, 10, 11, 14, 15, 30]
        .iter()
        .map(|&n| adventure::multiplier(n, 4))
        .collect();
    assert_eq!(steps, [2, 3, 4, 4, 5, 5, 6, 6, 8, 8]);
    assert_eq!(adventure::multiplier(15, 1), 10, "a lone hero: x5");
}

#[test]
fn generated_dungeons_have_every_part() {
    let adv = generate(Params {
        level: 3,
        party: 4,
        rooms: 15,
        seed: 42,
    });
    assert_eq!(adv.areas.len(), 15);
    assert_eq!(check(&adv), []);
    let all_exits = || adv.areas.iter().flat_map(|a| &a.exits);
    assert!(all_exits().any(|e| e.door.as_ref().is_some_and(|d| d.locked && d.key.is_some())));
    assert!(all_exits().filter(|e| e.hidden.is_some()).count() >= 2);
    assert!(adv.areas.iter().flat_map(|a| &a.traps).count() >= 2);
    assert_eq!(adv.npcs.len(), 1);
    assert!(adv.goals.iter().any(|g| g.ends));
    let boss = adv
        .areas
        .iter()
        .find_map(|a| a.encounter.as_ref().filter(|e| e.boss))
        .unwrap();
    assert!(difficulty(&boss.monsters, 3, 4) >= Difficulty::Hard);
    // The hub-and-spokes map has loops: more connections than a tree.
    let links = all_exits().count() / 2;
    assert!(
        links >= adv.areas.len(),
        "{links} links for {} areas",
        adv.areas.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_dungeons_check_clean_and_repeat(
        seed in any::<u64>(), level in 1u8..=20, party in 1u8..=8, rooms in 6u8..=40,
    ) {
        let params = Params { level, party, rooms, seed };
        let adv = generate(params);
        prop_assert_eq!(check(&adv), vec![]);
        prop_assert_eq!(adv.areas.len(), usize::from(rooms));
        prop_assert_eq!(&adv, &generate(params));
        // Fights land in their budget: none below easy, the boss at least hard.
        for area in &adv.areas {
            if let Some(enc) = &area.encounter {
                let d = difficulty(&enc.monsters, level, party);
                prop_assert!(d >= Difficulty::Easy, "{}: {:?}", area.id, d);
                if enc.boss {
                    prop_assert!(d >= Difficulty::Hard, "boss {}: {:?}", area.id, d);
                }
            }
        }
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(adv) = load(&text) {
            let _ = check(&adv);
        }
    }

    #[test]
    fn mutated_files_are_errors_or_checked_never_panics(
        at in 0usize..20_000, cut in 0usize..40, insert in "[ -~\n]{0,12}",
    ) {
        let text = adventure::shipped_files()[0].1;
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) { at -= 1; }
        let mut end = (at + cut).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        let mutated = format!("{}{}{}", &text[..at], insert, &text[end..]);
        match load(&mutated) {
            Ok(adv) => {
                let _ = check(&adv);
                // What loads writes back to TOML that loads to the same value.
                prop_assert_eq!(load(&adventure::to_toml(&adv)), Ok(adv));
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

#[test]
fn the_readme_example_loads_and_checks_clean() {
    let readme = include_str!("../../adventures/README.md");
    let start = readme.find("## A small, complete example").unwrap();
    let block = &readme[start..];
    let body = &block[block.find("```toml\n").unwrap() + 8..];
    let body = &body[..body.find("```").unwrap()];
    let adv = load(body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check(&adv), []);
    assert_eq!(adv.areas.len(), 2);
}
