//! Racial traits on the sheet: what creation and level-up apply from the
//! race's figures (hit points, skills), and what the sheet answers for the
//! rules engine (darkvision, resistances, saves with advantage).
#![allow(clippy::unwrap_used, missing_docs)]

use dm::character::Character;
use dm::command::{NewCharacter, Scores};
use rules::mechanics::{Condition, DamageType, Skill};

fn make(name: &str, class: &str, level: u8, race: &str) -> Character {
    Character::create(&NewCharacter {
        name: name.into(),
        class: class.into(),
        level,
        race: race.into(),
        scores: Scores::StandardArray,
        ..NewCharacter::default()
    })
    .unwrap()
}

#[test]
fn hill_dwarf_toughness_adds_a_hit_point_per_level() {
    // Fighter d10, Constitution 14 + 2 = 16 (+3): 13 at 1st level, 9 a level
    // after; Dwarven Toughness adds 1 at 1st level and 1 at every level.
    assert_eq!(make("Thor", "fighter", 1, "hill dwarf").health.max(), 14);
    assert_eq!(make("Thor", "fighter", 5, "hill dwarf").health.max(), 54);
    let mut thor = make("Thor", "fighter", 4, "hill dwarf");
    assert_eq!(thor.health.max(), 44);
    assert_eq!(thor.level_up().unwrap().hp_gain, 10);
    assert_eq!(thor.health.max(), 54);
    // Without the trait: Constitution 14 (+2), 12 at 1st level, 8 a level after.
    let elf = make("Ela", "fighter", 5, "high elf");
    assert_eq!(elf.health.max(), 12 + 4 * 8);
}

#[test]
fn keen_senses_and_menacing_make_the_character_proficient() {
    assert!(
        make("Ela", "wizard", 1, "elf")
            .skills
            .contains(&Skill::Perception)
    );
    assert!(
        make("Gor", "barbarian", 1, "half-orc")
            .skills
            .contains(&Skill::Intimidation)
    );
    assert!(
        !make("Hal", "wizard", 1, "human")
            .skills
            .contains(&Skill::Perception)
    );
}

#[test]
fn darkvision_comes_from_the_race() {
    assert_eq!(make("Thor", "fighter", 1, "hill dwarf").darkvision_ft(), 60);
    assert_eq!(make("Tia", "warlock", 1, "tiefling").darkvision_ft(), 60);
    assert_eq!(make("Hal", "wizard", 1, "human").darkvision_ft(), 0);
    assert_eq!(make("Pip", "rogue", 1, "halfling").darkvision_ft(), 0);
}

#[test]
fn dwarven_resilience_fey_ancestry_and_brave_give_advantage_on_saves() {
    let thor = make("Thor", "fighter", 1, "hill dwarf");
    assert_eq!(thor.racial_save_advantages(), [Condition::Poisoned]);
    assert_eq!(thor.racial_resistances(), [DamageType::Poison]);
    let ela = make("Ela", "wizard", 1, "high elf");
    assert_eq!(ela.racial_save_advantages(), [Condition::Charmed]);
    let half = make("Hana", "bard", 1, "half-elf");
    assert_eq!(half.racial_save_advantages(), [Condition::Charmed]);
    let pip = make("Pip", "rogue", 1, "lightfoot halfling");
    assert_eq!(pip.racial_save_advantages(), [Condition::Frightened]);
    let tia = make("Tia", "warlock", 1, "tiefling");
    assert_eq!(tia.racial_resistances(), [DamageType::Fire]);
    assert!(tia.racial_save_advantages().is_empty());
}
