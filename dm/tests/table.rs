//! The DM core end to end: a party made with `char new`, a fight with
//! goblins played turn by turn through `handle` and `Table::apply`, turn
//! enforcement, rejections that change nothing, the dice log checked
//! against the seed, and a replay of the log equal to the live table.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{Dice, Game, pid};

use dm::command::{Command, DmCommand, NewCharacter, Scores, Simple};
use dm::seed::{RollRecord, verify};
use dm::{Event, Line, Table};
use rules::dice::Advantage;
use rules::mechanics::{Condition, Distance, LifeState};

fn new_char(name: &str, class: &str, level: u8, race: &str) -> Command {
    Command::NewCharacter(NewCharacter {
        name: name.into(),
        class: class.into(),
        level,
        race: race.into(),
        scores: Scores::StandardArray,
        ..NewCharacter::default()
    })
}

fn dm(c: DmCommand) -> Command {
    Command::Dm(c)
}

fn attack(target: &str) -> Command {
    Command::Attack {
        weapon: String::new(),
        targets: vec![target.into()],
        advantage: Advantage::Normal,
    }
}

/// Everyone's turn, played simply until the goblins are dead (or 30 rounds).
fn play_out(game: &mut Game) {
    for _ in 0..200 {
        let Some(enc) = &game.table.encounter else {
            return;
        };
        if enc
            .monsters
            .iter()
            .all(|m| m.health.state() == LifeState::Dead)
        {
            return;
        }
        let current = enc.current().unwrap().to_string();
        let owner = game
            .table
            .players
            .iter()
            .find(|(_, h)| **h == current)
            .map(|(p, _)| p.clone());
        match owner {
            Some(p) => {
                let me = game.table.character(&current).unwrap();
                match me.health.state() {
                    LifeState::Dying { .. } => {
                        game.ok_command(&p, Command::DeathSave);
                    }
                    LifeState::Conscious => {
                        let foe = enc
                            .monsters
                            .iter()
                            .find(|m| m.health.state() != LifeState::Dead)
                            .unwrap()
                            .handle
                            .clone();
                        let far = enc.distance(&current, &foe) != Distance::Engaged;
                        if far {
                            game.ok_command(
                                &p,
                                Command::Move {
                                    to: Distance::Engaged,
                                    target: foe.clone(),
                                },
                            );
                        }
                        game.ok_command(&p, attack(&foe));
                    }
                    _ => {}
                }
                game.ok_command(&p, Command::EndTurn);
            }
            None => {
                // The goblins go for whoever still stands, the fighter first.
                let standing = ["grek", "aria"].into_iter().find(|h| {
                    game.table.character(h).unwrap().health.state() == LifeState::Conscious
                });
                if let Some(victim) = standing {
                    let enc = game.table.encounter.as_ref().unwrap();
                    if enc.distance(&current, victim) != Distance::Engaged {
                        game.ok_command(
                            &pid("dm"),
                            dm(DmCommand::As {
                                monster: current.clone(),
                                command: Box::new(Command::Move {
                                    to: Distance::Engaged,
                                    target: victim.into(),
                                }),
                            }),
                        );
                    }
                    // An opportunity attack on the way in may have killed it.
                    let alive = game
                        .table
                        .encounter
                        .as_ref()
                        .and_then(|e| e.monster(&current));
                    if alive.is_none_or(|m| m.health.state() == LifeState::Dead) {
                        game.ok_command(&pid("dm"), Command::EndTurn);
                        continue;
                    }
                    game.ok_command(
                        &pid("dm"),
                        dm(DmCommand::As {
                            monster: current.clone(),
                            command: Box::new(attack(victim)),
                        }),
                    );
                }
                game.ok_command(&pid("dm"), Command::EndTurn);
            }
        }
    }
    panic!("the fight did not end");
}

#[test]
fn a_party_fights_goblins_to_the_end_and_the_log_replays_exactly() {
    let mut game = Game::new(7);
    let (aria, grek) = (pid("aria"), pid("grek"));
    let reply = game.ok_command(&aria, new_char("Aria", "wizard", 3, "high elf"));
    assert!(
        matches!(&reply.lines[0], Line::Character { name, level: 3, .. } if name == "Aria"),
        "{reply:?}"
    );
    game.ok_command(&grek, new_char("Grek", "fighter", 3, "half-orc"));
    let grek_sheet = game.table.character("grek").unwrap();
    assert_eq!(grek_sheet.ac(), 18, "chain mail and a shield");
    assert_eq!(grek_sheet.scores[0], 17, "15 + 2 for a half-orc");

    game.ok_command(&pid("dm"), dm(DmCommand::StartEncounter));
    game.ok_command(
        &pid("dm"),
        dm(DmCommand::AddMonster {
            monster: "goblin".into(),
            count: 3,
            average_hp: true,
        }),
    );
    let enc = game.table.encounter.as_ref().unwrap();
    let handles: Vec<&str> = enc.monsters.iter().map(|m| m.handle.as_str()).collect();
    assert_eq!(handles, ["g1", "g2", "g3"]);
    assert_eq!(enc.order.len(), 5);
    // The DM starts round 1.
    game.ok_command(&pid("dm"), Command::EndTurn);
    assert_eq!(game.table.encounter.as_ref().unwrap().round, 1);

    // Whoever is not up is refused, and nothing changes.
    let current = game.current();
    assert!(!current.is_empty(), "round 1 has someone up");
    let outsider = if current == "aria" { &grek } else { &aria };
    let before = game.table.clone();
    let refused = game
        .play(outsider, &attack("g1"), Dice::Seeded)
        .unwrap_err();
    assert!(refused.0.starts_with("not your turn — it's "), "{refused}");
    assert_eq!(game.table, before);

    play_out(&mut game);
    let enc = game.table.encounter.as_ref().unwrap();
    assert!(
        enc.monsters
            .iter()
            .all(|m| m.health.state() == LifeState::Dead)
    );
    game.ok_command(&pid("dm"), dm(DmCommand::EndEncounter));
    assert!(game.table.encounter.is_none());

    // State = fold(events).
    let replayed = Table::replay(&game.log).unwrap();
    assert_eq!(replayed, game.table);

    // Every roll checks out against the seed.
    let rolls: Vec<RollRecord> = game
        .log
        .iter()
        .filter_map(|e| match e {
            Event::Did { rolls, .. } => rolls.clone(),
            _ => None,
        })
        .collect();
    assert!(rolls.len() > 10);
    let check = verify(&game.seed, &game.seed.commitment(), &rolls);
    assert!(check.is_ok(), "{check}");
}

#[test]
fn a_tampered_die_in_the_log_is_caught_on_replay_and_by_the_seed() {
    let mut game = Game::new(7);
    let aria = pid("aria");
    game.ok_command(&aria, new_char("Aria", "wizard", 1, "human"));
    game.ok_command(
        &aria,
        Command::Roll {
            expr: "1d20+5".into(),
            advantage: Advantage::Normal,
        },
    );
    let mut log = game.log.clone();
    if let Some(Event::Did { rolls: Some(r), .. }) = log.last_mut() {
        r.faces[0].face = if r.faces[0].face == 20 { 19 } else { 20 };
    }
    let rolls: Vec<RollRecord> = log
        .iter()
        .filter_map(|e| match e {
            Event::Did { rolls, .. } => rolls.clone(),
            _ => None,
        })
        .collect();
    assert!(!verify(&game.seed, &game.seed.commitment(), &rolls).is_ok());
    // Replay applies the logged faces as they are: the state follows the log.
    assert!(Table::replay(&log).is_ok());
}

#[test]
fn only_the_dm_runs_dm_commands_and_rejections_change_nothing() {
    let mut game = Game::new(7);
    let aria = pid("aria");
    game.ok_command(&aria, new_char("Aria", "cleric", 2, "hill dwarf"));
    let before = game.table.clone();
    let no = game
        .play(&aria, &dm(DmCommand::StartEncounter), Dice::Seeded)
        .unwrap_err();
    assert_eq!(no.0, "only the table's DM can do that");
    let no = game
        .play(&aria, &new_char("Aria", "wizard", 1, "elf"), Dice::Seeded)
        .unwrap_err();
    assert!(no.0.contains("already a character"), "{no}");
    let no = game
        .play(
            &pid("bo"),
            &new_char("Bo", "necromancer", 1, "elf"),
            Dice::Seeded,
        )
        .unwrap_err();
    assert!(
        no.0.starts_with("unknown class `necromancer` — try one of:"),
        "{no}"
    );
    let no = game.play(&aria, &attack("g1"), Dice::Seeded).unwrap_err();
    assert!(no.0.contains("dm encounter"), "{no}");
    assert_eq!(game.table, before);
    assert_eq!(game.log.len(), 2, "opened + one character");
}

#[test]
fn spells_spend_slots_and_concentration_ends_with_damage_or_a_new_spell() {
    let mut game = Game::new(7);
    let (aria, grek) = (pid("aria"), pid("grek"));
    game.ok_command(&aria, new_char("Aria", "wizard", 5, "human"));
    game.ok_command(&grek, new_char("Grek", "fighter", 5, "human"));
    game.ok_command(&pid("dm"), dm(DmCommand::StartEncounter));
    game.ok_command(
        &pid("dm"),
        dm(DmCommand::AddMonster {
            monster: "bandit".into(),
            count: 2,
            average_hp: true,
        }),
    );
    game.ok_command(&pid("dm"), Command::EndTurn);
    // Skip to Aria's turn.
    while game.table.encounter.as_ref().unwrap().current() != Some("aria") {
        let cur = game.current();
        let who = if cur == "grek" {
            grek.clone()
        } else {
            pid("dm")
        };
        game.ok_command(&who, Command::EndTurn);
    }
    let slots_before = game
        .table
        .character("aria")
        .unwrap()
        .slots
        .remaining(rules::mechanics::SpellLevel::new(2).unwrap());
    game.ok_command(
        &aria,
        Command::Cast {
            spell: "hold person".into(),
            targets: vec!["b1".into()],
            level: None,
            choice: None,
        },
    );
    let aria_sheet = game.table.character("aria").unwrap();
    assert_eq!(
        aria_sheet
            .slots
            .remaining(rules::mechanics::SpellLevel::new(2).unwrap()),
        slots_before - 1
    );
    let enc = game.table.encounter.as_ref().unwrap();
    assert_eq!(
        enc.concentration.get("aria").map(String::as_str),
        Some("Hold Person")
    );
    // A second action is refused.
    let no = game
        .play(&aria, &Command::Act(Simple::Dodge), Dice::Seeded)
        .unwrap_err();
    assert!(no.0.contains("already used your action"), "{no}");
    // Damage forces a concentration save; the DM hurts Aria until it fails.
    for _ in 0..10 {
        if !game
            .table
            .encounter
            .as_ref()
            .unwrap()
            .concentration
            .contains_key("aria")
        {
            break;
        }
        game.ok_command(
            &pid("dm"),
            dm(DmCommand::Hp {
                target: "aria".into(),
                delta: -1,
            }),
        );
    }
    let enc = game.table.encounter.as_ref().unwrap();
    assert!(
        !enc.concentration.contains_key("aria"),
        "a save failed at last"
    );
    assert!(
        enc.board
            .effects()
            .iter()
            .all(|e| e.effect.name != "Hold Person"),
        "the hold ended with it"
    );
    let b1 = rules::mechanics::CreatureId::new("b1");
    assert!(!enc.board.conditions(&b1).contains(&Condition::Paralyzed));
    assert_eq!(enc.distance("aria", "b1"), Distance::Near);
    assert_eq!(Table::replay(&game.log).unwrap(), game.table);
}

#[test]
fn a_vote_closes_when_everyone_voted() {
    let mut game = Game::new(7);
    let (aria, grek) = (pid("aria"), pid("grek"));
    game.ok_command(&aria, new_char("Aria", "wizard", 1, "human"));
    game.ok_command(&grek, new_char("Grek", "fighter", 1, "human"));
    game.ok_command(
        &aria,
        Command::Vote {
            options: vec!["left door".into(), "right door".into()],
        },
    );
    game.ok_command(&aria, Command::VoteFor { option: "2".into() });
    assert!(game.table.vote.is_some());
    let r = game.ok_command(
        &grek,
        Command::VoteFor {
            option: "right".into(),
        },
    );
    assert!(game.table.vote.is_none());
    assert!(
        r.lines
            .iter()
            .any(|l| matches!(l, Line::Note { text } if text.contains("right door (2 votes)"))),
        "{r:?}"
    );
}
