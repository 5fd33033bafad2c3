//! An imported character at a table: `Command::ImportCharacter` through
//! the `dm` game harness (logged, applied, replayed), the same refusals as
//! `char new`, and a whole fight against goblins won with a homebrew
//! weapon from a Foundry file.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../dm/tests/common/mod.rs"]
mod common;

use common::{Dice, Game, attack_results, pid};

use dm::command::{Command, DmCommand};
use dm::{Line, Table};
use rules::dice::Advantage;
use rules::mechanics::{Distance, LifeState};

fn imported(file: &str, name: Option<&str>) -> Command {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let i = sheets::import(&std::fs::read(path).unwrap(), name).unwrap();
    Command::ImportCharacter {
        character: Box::new(i.character),
        notes: i.notes,
    }
}

#[test]
fn an_import_joins_the_table_as_its_importer_s_character_and_replays() {
    let mut game = Game::new(3);
    let vex = pid("vex");
    let reply = game.ok_command(&vex, imported("foundry-homebrew.json", None));
    assert!(matches!(&reply.lines[0], Line::Character { name, level: 3, .. } if name == "Vex"));
    let told = common::notes(&reply);
    assert!(
        told.contains("feat Mobile: not in the SRD, kept as a note"),
        "{told}"
    );
    assert_eq!(
        game.table.players.get(&vex).map(String::as_str),
        Some("vex")
    );
    // The same name again is refused and changes nothing.
    let again = imported("foundry-homebrew.json", None);
    let refused = game.play(&pid("other"), &again, Dice::Seeded).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("already a character called Vex"),
        "{refused}"
    );
    // The sheet is in the log: replay reads no file.
    game.assert_replays();
    assert_eq!(
        Table::replay(&game.log)
            .unwrap()
            .character("vex")
            .unwrap()
            .weapons,
        ["rapier", "moonblade"]
    );
}

#[test]
fn a_forged_import_is_refused() {
    let mut game = Game::new(4);
    let Command::ImportCharacter {
        mut character,
        notes,
    } = imported("fc5-paladin.xml", Some("Aldric"))
    else {
        unreachable!()
    };
    character.class = "gunslinger".into();
    let forged = Command::ImportCharacter {
        character: character.clone(),
        notes: notes.clone(),
    };
    let err = game.play(&pid("p"), &forged, Dice::Seeded).unwrap_err();
    assert!(err.to_string().contains("no SRD class"), "{err}");
    character.class = "paladin".into();
    character.name = "two words".into();
    let forged = Command::ImportCharacter { character, notes };
    let err = game.play(&pid("p"), &forged, Dice::Seeded).unwrap_err();
    assert!(err.to_string().starts_with("name `two words`"), "{err}");
    game.ok_command(&pid("p"), imported("fc5-paladin.xml", Some("Aldric")));
    assert_eq!(game.sheet("aldric").ac(), 18);
}

#[test]
fn an_imported_rogue_wins_a_whole_fight_with_its_homebrew_blade() {
    let mut game = Game::new(11);
    let vex = pid("vex");
    game.ok_command(&vex, imported("foundry-homebrew.json", None));
    game.fight(&[("goblin", 2)]);
    let mut blade_hits = 0;
    for _ in 0..60 {
        let enc = game.table.encounter.as_ref().unwrap();
        let foes: Vec<String> = enc
            .monsters
            .iter()
            .filter(|m| m.health.state() != LifeState::Dead)
            .map(|m| m.handle.clone())
            .collect();
        if foes.is_empty() {
            break;
        }
        let current = enc.current().unwrap().to_string();
        if current == "vex" {
            match game.sheet("vex").health.state() {
                LifeState::Dying { .. } => {
                    game.ok_command(&vex, Command::DeathSave);
                }
                LifeState::Conscious => {
                    let reply = game.ok_command(
                        &vex,
                        Command::Attack {
                            weapon: "moonblade".into(),
                            targets: vec![foes[0].clone()],
                            advantage: Advantage::Normal,
                        },
                    );
                    let results = attack_results(&reply);
                    assert!(
                        common::notes(&reply).contains("Moonblade") || !results.is_empty(),
                        "the homebrew blade attacks: {reply:?}"
                    );
                    blade_hits += results.iter().filter(|r| r.contains("hit")).count();
                }
                _ => {}
            }
            game.ok_command(&vex, Command::EndTurn);
        } else {
            if game.sheet("vex").health.state() == LifeState::Conscious {
                let near = enc.distance(&current, "vex") == Distance::Engaged;
                if near {
                    game.ok_command(
                        &pid("dm"),
                        Command::Dm(DmCommand::As {
                            monster: current.clone(),
                            command: Box::new(Command::Attack {
                                weapon: String::new(),
                                targets: vec!["vex".into()],
                                advantage: Advantage::Normal,
                            }),
                        }),
                    );
                }
            }
            game.ok_command(&pid("dm"), Command::EndTurn);
        }
    }
    let enc = game.table.encounter.as_ref().unwrap();
    assert!(
        enc.monsters
            .iter()
            .all(|m| m.health.state() == LifeState::Dead),
        "the goblins fall"
    );
    assert!(blade_hits > 0, "the moonblade hit at least once");
    game.ok("dm", "dm end");
    game.assert_replays();
}

#[test]
fn an_imported_dragonborn_attacks_with_its_magic_rapier_and_breathes_its_ancestrys_fire() {
    let mut game = Game::new(9);
    let p = pid("sythra");
    game.ok_command(&p, imported("foundry-dragonborn-3x.json", None));
    game.fight(&[("goblin", 2)]);
    game.skip_to("sythra");
    let hp = game.hp("g1");
    // Rapier +1: d20 10 + Dex 3 + proficiency 2 + 1 = 16; 1d8 (4) + 3 + 1.
    let reply = game.ok_with("sythra", "a rapier -t g1", Dice::Faces(&[10, 4]));
    let totals: Vec<i32> = common::picked(&reply, |l| match l {
        Line::Attack { total, .. } => Some(*total),
        _ => None,
    });
    assert_eq!(totals, [16], "{reply:?}");
    assert_eq!(game.hp("g1"), hp.saturating_sub(8), "{reply:?}");
    game.next_turn_of("sythra");
    // Gold: a 15-ft cone of fire, DC 8 + Con 2 + proficiency 2.
    let reply = game.ok_with("sythra", "a breath -t g2", Dice::Faces(&[1, 1, 1]));
    let told = common::notes(&reply);
    assert!(
        told.contains("Sythra breathes fire in a 15-ft cone (DC 12"),
        "{told}"
    );
    game.assert_replays();
}
