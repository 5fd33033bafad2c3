//! The DM core end to end: a party made with `char new`, a fight with
//! goblins played turn by turn through `handle` and `Table::apply`, turn
//! enforcement, rejections that change nothing, the dice log checked
//! against the seed, and a replay of the log equal to the live table.
#![allow(clippy::unwrap_used, missing_docs)]

use dm::command::{Command, DmCommand, NewCharacter, Scores, Simple};
use dm::seed::{RollRecord, TableSeed, verify};
use dm::{Ctx, Event, Line, PlayerId, Table, handle};
use rules::dice::Advantage;
use rules::mechanics::{Condition, Distance, LifeState};

struct Game {
    table: Table,
    log: Vec<Event>,
    seed: TableSeed,
    now: u64,
}

impl Game {
    fn new() -> Self {
        let seed = TableSeed::from_entropy_bytes([7; 32]);
        let open = Table::opened(dm_id(), seed.commitment().to_string());
        let mut table = Table::default();
        table.apply(&open).unwrap();
        Self {
            table,
            log: vec![open],
            seed,
            now: 1_000,
        }
    }

    /// Runs a command as the shell would: seeded dice for the next roll
    /// number, commit the events, then apply them.
    fn run(&mut self, who: &PlayerId, command: Command) -> Result<dm::Reply, dm::Rejection> {
        self.now += 1;
        let mut dice = self.seed.stream(self.table.next_roll);
        let outcome = handle(
            &self.table,
            &command,
            Ctx {
                actor: who.clone(),
                dice: &mut dice,
                now: self.now,
            },
        )?;
        for e in &outcome.events {
            self.log.push(e.clone());
            let replayed = self.table.apply(e).unwrap();
            assert_eq!(replayed, outcome.reply, "applying gives the same reply");
        }
        Ok(outcome.reply)
    }

    fn ok(&mut self, who: &PlayerId, command: Command) -> dm::Reply {
        match self.run(who, command.clone()) {
            Ok(r) => r,
            Err(e) => panic!("{command:?} refused: {e}"),
        }
    }
}

fn dm_id() -> PlayerId {
    PlayerId::new("console:dm")
}

fn player(name: &str) -> PlayerId {
    PlayerId::new(format!("console:{name}"))
}

fn new_char(name: &str, class: &str, level: u8, race: &str) -> Command {
    Command::NewCharacter(NewCharacter {
        name: name.into(),
        class: class.into(),
        level,
        race: race.into(),
        scores: Scores::StandardArray,
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
                        game.ok(&p, Command::DeathSave);
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
                            game.ok(
                                &p,
                                Command::Move {
                                    to: Distance::Engaged,
                                    target: foe.clone(),
                                },
                            );
                        }
                        game.ok(&p, attack(&foe));
                    }
                    _ => {}
                }
                game.ok(&p, Command::EndTurn);
            }
            None => {
                // The goblins go for whoever still stands, the fighter first.
                let standing = ["grek", "aria"].into_iter().find(|h| {
                    game.table.character(h).unwrap().health.state() == LifeState::Conscious
                });
                if let Some(victim) = standing {
                    let enc = game.table.encounter.as_ref().unwrap();
                    if enc.distance(&current, victim) != Distance::Engaged {
                        game.ok(
                            &dm_id(),
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
                        game.ok(&dm_id(), Command::EndTurn);
                        continue;
                    }
                    game.ok(
                        &dm_id(),
                        dm(DmCommand::As {
                            monster: current.clone(),
                            command: Box::new(attack(victim)),
                        }),
                    );
                }
                game.ok(&dm_id(), Command::EndTurn);
            }
        }
    }
    panic!("the fight did not end");
}

#[test]
fn a_party_fights_goblins_to_the_end_and_the_log_replays_exactly() {
    let mut game = Game::new();
    let (aria, grek) = (player("aria"), player("grek"));
    let reply = game.ok(&aria, new_char("Aria", "wizard", 3, "high elf"));
    assert!(
        matches!(&reply.lines[0], Line::Character { name, level: 3, .. } if name == "Aria"),
        "{reply:?}"
    );
    game.ok(&grek, new_char("Grek", "fighter", 3, "half-orc"));
    let grek_sheet = game.table.character("grek").unwrap();
    assert_eq!(grek_sheet.ac(), 18, "chain mail and a shield");
    assert_eq!(grek_sheet.scores[0], 17, "15 + 2 for a half-orc");

    game.ok(&dm_id(), dm(DmCommand::StartEncounter));
    game.ok(
        &dm_id(),
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
    game.ok(&dm_id(), Command::EndTurn);
    assert_eq!(game.table.encounter.as_ref().unwrap().round, 1);

    // Whoever is not up is refused, and nothing changes.
    let current = game
        .table
        .encounter
        .as_ref()
        .unwrap()
        .current()
        .unwrap()
        .to_string();
    let outsider = if current == "aria" { &grek } else { &aria };
    let before = game.table.clone();
    let refused = game.run(outsider, attack("g1")).unwrap_err();
    assert!(refused.0.starts_with("not your turn — it's "), "{refused}");
    assert_eq!(game.table, before);

    play_out(&mut game);
    let enc = game.table.encounter.as_ref().unwrap();
    assert!(
        enc.monsters
            .iter()
            .all(|m| m.health.state() == LifeState::Dead)
    );
    game.ok(&dm_id(), dm(DmCommand::EndEncounter));
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
    let mut game = Game::new();
    let aria = player("aria");
    game.ok(&aria, new_char("Aria", "wizard", 1, "human"));
    game.ok(
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
    let mut game = Game::new();
    let aria = player("aria");
    game.ok(&aria, new_char("Aria", "cleric", 2, "hill dwarf"));
    let before = game.table.clone();
    let no = game.run(&aria, dm(DmCommand::StartEncounter)).unwrap_err();
    assert_eq!(no.0, "only the table's DM can do that");
    let no = game
        .run(&aria, new_char("Aria", "wizard", 1, "elf"))
        .unwrap_err();
    assert!(no.0.contains("already a character"), "{no}");
    let no = game
        .run(&player("bo"), new_char("Bo", "necromancer", 1, "elf"))
        .unwrap_err();
    assert!(
        no.0.starts_with("unknown class `necromancer` — try one of:"),
        "{no}"
    );
    let no = game.run(&aria, attack("g1")).unwrap_err();
    assert!(no.0.contains("dm encounter"), "{no}");
    assert_eq!(game.table, before);
    assert_eq!(game.log.len(), 2, "opened + one character");
}

#[test]
fn spells_spend_slots_and_concentration_ends_with_damage_or_a_new_spell() {
    let mut game = Game::new();
    let (aria, grek) = (player("aria"), player("grek"));
    game.ok(&aria, new_char("Aria", "wizard", 5, "human"));
    game.ok(&grek, new_char("Grek", "fighter", 5, "human"));
    game.ok(&dm_id(), dm(DmCommand::StartEncounter));
    game.ok(
        &dm_id(),
        dm(DmCommand::AddMonster {
            monster: "bandit".into(),
            count: 2,
            average_hp: true,
        }),
    );
    game.ok(&dm_id(), Command::EndTurn);
    // Skip to Aria's turn.
    while game.table.encounter.as_ref().unwrap().current() != Some("aria") {
        let cur = game
            .table
            .encounter
            .as_ref()
            .unwrap()
            .current()
            .unwrap()
            .to_string();
        let who = if cur == "grek" { grek.clone() } else { dm_id() };
        game.ok(&who, Command::EndTurn);
    }
    let slots_before = game
        .table
        .character("aria")
        .unwrap()
        .slots
        .remaining(rules::mechanics::SpellLevel::new(2).unwrap());
    game.ok(
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
    let no = game.run(&aria, Command::Act(Simple::Dodge)).unwrap_err();
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
        game.ok(
            &dm_id(),
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
    let mut game = Game::new();
    let (aria, grek) = (player("aria"), player("grek"));
    game.ok(&aria, new_char("Aria", "wizard", 1, "human"));
    game.ok(&grek, new_char("Grek", "fighter", 1, "human"));
    game.ok(
        &aria,
        Command::Vote {
            options: vec!["left door".into(), "right door".into()],
        },
    );
    game.ok(&aria, Command::VoteFor { option: "2".into() });
    assert!(game.table.vote.is_some());
    let r = game.ok(
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
