//! The embedded SRD content: it loads, its figures match the stat blocks,
//! every dice string parses, and automation coverage stays above a floor.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::{BTreeMap, HashSet};

use rules::content::{self, AttackKind, AutomationLevel, Damage, Monster, OnSuccess, Usage};
use rules::dice;
use rules::mechanics::{Ability, ChallengeRating, DamageType, Size};

fn monster(id: &str) -> &'static Monster {
    content::monster(id).unwrap_or_else(|| panic!("no monster {id}"))
}

fn damage(dice: &str, damage_type: DamageType) -> Damage {
    Damage {
        dice: dice.to_owned(),
        damage_type,
        note: None,
        save: None,
    }
}

#[test]
fn all_334_monsters_load_with_unique_ids() {
    let all = content::monsters();
    assert_eq!(all.len(), 334);
    let ids: HashSet<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "duplicate ids");
    assert!(
        all.windows(2).all(|w| w[0].id < w[1].id),
        "not sorted by id"
    );
}

#[test]
fn the_schema_keeps_every_field_the_generator_writes() {
    // Serializing back must give the file's own JSON: nothing the script
    // writes is dropped or renamed on the way in.
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../content/monsters.json")).unwrap();
    let ours = serde_json::to_value(content::monsters()).unwrap();
    assert!(file == ours, "monsters.json and the Rust schema disagree");
}

#[test]
fn lookup_by_id_or_name_ignores_case_and_separators() {
    for key in ["Goblin", "goblin", "GOBLIN"] {
        assert_eq!(monster(key).id, "goblin");
    }
    for key in ["adult red dragon", "adult-red-dragon", "Adult Red Dragon"] {
        assert_eq!(monster(key).id, "adult-red-dragon");
    }
    assert_eq!(
        monster("Deep Gnome (Svirfneblin)").id,
        "deep-gnome-svirfneblin"
    );
    assert!(content::monster("tarrasque-jr").is_none());
}

#[test]
fn goblin() {
    let g = monster("goblin");
    assert_eq!(g.name, "Goblin");
    assert_eq!(g.size, Size::Small);
    assert_eq!((g.ac, g.hp, g.hit_dice.as_str()), (15, 7, "2d6"));
    assert_eq!(g.speed.walk, 30);
    assert_eq!(g.cr, ChallengeRating::QUARTER);
    assert_eq!(g.xp, 50);
    assert_eq!(g.senses.darkvision, 60);
    assert_eq!(g.abilities.dexterity.get(), 14);

    let scimitar = g.action("Scimitar").unwrap();
    let attack = scimitar.attack.unwrap();
    assert_eq!((attack.bonus, attack.kind), (4, AttackKind::Melee));
    assert_eq!((attack.reach_ft, attack.range_ft), (Some(5), None));
    assert_eq!(scimitar.damage, [damage("1d6+2", DamageType::Slashing)]);
    assert_eq!(scimitar.automation.level, AutomationLevel::Full);

    let shortbow = g.action("Shortbow").unwrap();
    let attack = shortbow.attack.unwrap();
    assert_eq!((attack.bonus, attack.kind), (4, AttackKind::Ranged));
    assert_eq!((attack.reach_ft, attack.range_ft), (None, Some([80, 320])));
    assert_eq!(shortbow.damage, [damage("1d6+2", DamageType::Piercing)]);
}

#[test]
fn adult_red_dragon() {
    let d = monster("Adult Red Dragon");
    let multiattack = d.action("Multiattack").unwrap();
    let steps: Vec<(&str, u32)> = multiattack
        .multiattack
        .iter()
        .map(|s| (s.action.as_str(), s.count))
        .collect();
    assert_eq!(steps, [("Frightful Presence", 1), ("Bite", 1), ("Claw", 2)]);
    assert_eq!(multiattack.automation.level, AutomationLevel::Full);

    let breath = d.action("Fire Breath").unwrap();
    let save = breath.save.unwrap();
    assert_eq!(
        (save.ability, save.dc, save.on_success),
        (Ability::Dexterity, 21, OnSuccess::Half)
    );
    assert_eq!(breath.usage, Some(Usage::Recharge { min: 5 }));
    assert_eq!(breath.damage, [damage("18d6", DamageType::Fire)]);

    let wing = d
        .legendary_actions
        .iter()
        .find(|a| a.name.starts_with("Wing Attack"))
        .unwrap();
    assert_eq!(wing.cost, Some(2));
    assert_eq!(d.damage_immunities[0].types, [DamageType::Fire]);
}

#[test]
fn every_dice_string_parses() {
    let check = |who: &str, text: &str| {
        if let Err(err) = dice::parse(text) {
            panic!("{who}: {text:?} does not parse: {err}");
        }
    };
    for m in content::monsters() {
        check(&m.id, &m.hp_roll);
        check(&m.id, &m.hit_dice);
        for action in m.all_actions() {
            let variants = action.variants.iter().flat_map(|v| &v.damage);
            for d in action
                .damage
                .iter()
                .chain(&action.damage_choice)
                .chain(variants)
            {
                check(&format!("{} {}", m.id, action.name), &d.dice);
            }
        }
    }
}

#[test]
fn every_multiattack_step_names_an_action_or_says_it_does_not() {
    for m in content::monsters() {
        for action in m.all_actions() {
            let steps = action
                .multiattack
                .iter()
                .chain(action.multiattack_options.iter().flatten());
            for step in steps {
                if m.action(&step.action).is_some() {
                    continue;
                }
                // Only a trait (the glabrezu's Innate Spellcasting) may stand
                // in, and then the action is not fully automated.
                assert!(
                    m.traits.iter().any(|t| t.name == step.action),
                    "{}: multiattack step {:?} names nothing",
                    m.id,
                    step.action
                );
                assert_eq!(
                    action.automation.level,
                    AutomationLevel::Partial,
                    "{}",
                    m.id
                );
            }
        }
    }
}

#[test]
fn xp_follows_the_challenge_rating() {
    for m in content::monsters() {
        // The SRD table gives "0 or 10" XP at CR 0.
        let harmless = m.cr == ChallengeRating::ZERO && m.xp == 0;
        assert!(
            m.xp == m.cr.xp() || harmless,
            "{}: CR {} with {} XP",
            m.id,
            m.cr,
            m.xp
        );
        assert_eq!(m.proficiency_bonus, m.cr.proficiency_bonus(), "{}", m.id);
    }
}

#[test]
fn automation_is_explained_and_above_the_floor() {
    let mut levels: BTreeMap<AutomationLevel, usize> = BTreeMap::new();
    let mut attacks = 0;
    let mut full_attacks = 0;
    for m in content::monsters() {
        for action in m.all_actions() {
            let automation = &action.automation;
            *levels.entry(automation.level).or_default() += 1;
            let full = automation.level == AutomationLevel::Full;
            assert_eq!(
                full,
                automation.missing.is_empty(),
                "{} {}",
                m.id,
                action.name
            );
            if action.attack.is_some() {
                attacks += 1;
                full_attacks += usize::from(full);
            }
        }
    }
    println!("automation: {levels:?}; attacks: {full_attacks}/{attacks} full");
    // Attacks with a rider only in the text (a condition, a save on hit) are
    // partial on purpose, which keeps this well under 100 %.
    assert!(
        full_attacks * 100 >= attacks * 75,
        "{full_attacks}/{attacks}"
    );
    assert!(levels[&AutomationLevel::Full] >= 650, "{levels:?}");
}
