//! `dungeon monster|spell|item` and `dungeon content coverage`, as a user runs them.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{dungeon, stdout};

#[test]
fn a_typo_still_finds_the_goblin() {
    let out = dungeon(&["monster", "gobln"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.starts_with("Goblin — small humanoid"), "{text}");
    assert!(text.contains("AC 15 · HP 7 (2d6)"), "{text}");
    assert!(
        text.contains("Scimitar: melee +4, reach 5 ft.; 1d6+2 slashing"),
        "{text}"
    );
}

#[test]
fn monster_json_carries_the_figures() {
    let out = dungeon(&["monster", "adult", "red", "dragon", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["ac"], 19);
    assert_eq!(v["hp"], 256);
    assert_eq!(v["cr"], "17");
    let breath = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Fire Breath")
        .unwrap();
    assert_eq!(breath["save"]["dc"], 21);
    assert_eq!(breath["damage"][0]["dice"], "18d6");
}

#[test]
fn an_ambiguous_name_lists_candidates_and_fails() {
    let out = dungeon(&["item", "sword"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("Greatsword, Longsword, Shortsword"), "{err}");
}

#[test]
fn spell_lookup_shows_upcasting() {
    let out = dungeon(&["spell", "fire", "ball"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("Dexterity save, half on success"), "{text}");
    assert!(text.contains("3rd: 8d6, 4th: 9d6"), "{text}");
}

#[test]
fn coverage_counts_monsters_and_spells() {
    let out = dungeon(&["content", "coverage", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let total = |k: &str| {
        ["full", "partial", "listed"]
            .iter()
            .map(|l| v[k][l].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(total("monsters"), 334);
    assert_eq!(total("spells"), 319);
    assert!(total("monster_attack_actions") > 500);
    let text = stdout(&dungeon(&["content", "coverage"]));
    assert!(text.contains("What is missing most often:"), "{text}");
}

#[test]
fn coverage_has_a_races_row_naming_every_trait_not_automated() {
    let out = dungeon(&["content", "coverage", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let traits = rules::content::race_traits();
    let counted: u64 = ["full", "partial", "listed"]
        .iter()
        .map(|l| v["race_traits"][l].as_u64().unwrap())
        .sum();
    assert_eq!(counted, traits.len() as u64);
    let text = stdout(&dungeon(&["content", "coverage"]));
    assert!(text.contains("racial traits"), "{text}");
    for t in traits {
        let named = text.contains(&format!("\n  {} (", t.name));
        let full = t.automation.level == rules::content::AutomationLevel::Full;
        assert_eq!(named, !full, "{} in:\n{text}", t.name);
    }
    assert!(text.contains("Lucky (listed)"), "{text}");
    // The breath weapon runs by ancestry now; the Grappler feat in part.
    assert!(!text.contains("\n  Breath Weapon ("), "{text}");
    assert_eq!(v["feats"]["partial"].as_u64(), Some(1), "{v}");
    assert!(
        text.contains("Grappler: not the pin action (both restrained)"),
        "{text}"
    );
}

#[test]
fn item_finds_the_light_crossbow_and_a_potion() {
    let text = stdout(&dungeon(&["item", "light", "crossbow"]));
    assert!(
        text.starts_with("Crossbow, light — simple ranged weapon"),
        "{text}"
    );
    assert!(text.contains("range 80/320 ft."), "{text}");
    let text = stdout(&dungeon(&["item", "potion of greater healing"]));
    assert!(text.contains("heals 4d4+4"), "{text}");
}

#[test]
fn coverage_has_a_class_features_row_naming_what_the_engine_runs() {
    let out = dungeon(&["content", "coverage", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let count = |l: &str| v["class_features"][l].as_u64().unwrap();
    // Every distinct feature of the level tables and subclasses, once.
    let mut total = 0u64;
    let mut run = 0u64;
    for class in rules::content::classes() {
        let mut ids: Vec<&str> = class
            .levels
            .iter()
            .flat_map(|l| &l.features)
            .chain(
                class
                    .subclasses
                    .iter()
                    .flat_map(|s| s.levels.iter().flat_map(|l| &l.features)),
            )
            .map(|f| f.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        total += ids.len() as u64;
        run += ids
            .iter()
            .filter(|id| class.combat_feature(id).is_some())
            .count() as u64;
    }
    assert_eq!(count("full") + count("partial") + count("listed"), total);
    assert!(count("listed") >= total - run);
    let text = stdout(&dungeon(&["content", "coverage"]));
    assert!(text.contains("class features"), "{text}");
    assert!(text.contains("Fighter: Fighting Style"), "{text}");
    assert!(text.contains("Second Wind"), "{text}");
}
