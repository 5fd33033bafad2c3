//! Whole adventures played in memory through the DM core, for
//! `dungeon eval adventures` and the tests of shipped adventures: the
//! built-in party (fighter, cleric, rogue, wizard) led by
//! [`dm::explorer`], its fights played by the built-in turn for the party
//! and the planner under test for the monsters.
//!
//! Pure: the dice come from the seed, time is a counter.

use dm::adventure::Adventure;
use dm::seed::TableSeed;
use dm::{Command, DmCommand, PlayerId, Table};
use rules::dice::Roller;

use crate::eval::{Game, party};
use crate::{Plan, TurnRequest, view};

/// What one adventure came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The adventure ended by a goal.
    pub completed: bool,
    /// The whole party fell.
    pub party_died: bool,
    /// The party walked out (`leave`) with the goals unmet.
    pub left: bool,
    /// Not ended: a command the explorer chose was refused, the explorer
    /// had nothing to offer, or the command cap was hit. A bug, always.
    pub stalled: bool,
    /// Areas visited.
    pub visited: usize,
    /// Fights fought.
    pub fights: u32,
    /// Traps that sprang.
    pub traps: u32,
    /// Exploring commands and fight turns played.
    pub turns: u32,
    /// Minutes of game time passed.
    pub minutes: u32,
    /// The last exploring commands, oldest first (where a stalled run stuck).
    pub last: Vec<String>,
}

/// The most commands one adventure may take before it counts as stalled.
pub const MAX_COMMANDS: u32 = 4_000;

const DM: &str = "eval:dm";

/// Plays `adventure` at `level` with dice from `seed`, the monsters
/// choosing with `choose`.
pub fn play(
    adventure: &Adventure,
    level: u8,
    seed: u64,
    choose: &mut dyn FnMut(&TurnRequest) -> Plan,
) -> Run {
    play_observed(adventure, level, seed, choose, &mut |_, _| {})
}

/// [`play`], showing `observe` every accepted command's reply with the
/// table after it.
pub fn play_observed(
    adventure: &Adventure,
    level: u8,
    seed: u64,
    choose: &mut dyn FnMut(&TurnRequest) -> Plan,
    observe: &mut dyn FnMut(&Table, &dm::Reply),
) -> Run {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = 0xad;
    let table_seed = TableSeed::from_entropy_bytes(bytes);
    let mut g = Game {
        table: Table::default(),
        seed: table_seed.clone(),
        now: 1_000,
        roller: Roller::new(),
    };
    let open = Table::opened(PlayerId::new(DM), table_seed.commitment().to_string());
    let _ = g.table.apply(&open);
    for (who, line) in party(level) {
        g.line(&format!("eval:{who}"), &line);
    }
    let start = Command::Dm(DmCommand::Adventure {
        id: adventure.id.clone(),
        adventure: Some(Box::new(adventure.clone())),
    });
    let mut run = Run {
        completed: false,
        party_died: false,
        left: false,
        stalled: false,
        visited: 0,
        fights: 0,
        traps: 0,
        turns: 0,
        minutes: 0,
        last: Vec::new(),
    };
    if !observed(&mut g, DM, &start, observe) {
        run.stalled = true;
        return run;
    }
    g.line("eval:brom", "leader brom");
    for _ in 0..MAX_COMMANDS {
        let Some(ex) = g.table.adventure.as_deref() else {
            break;
        };
        if ex.ended.is_some() {
            break;
        }
        run.turns += 1;
        if g.table.encounter.is_some() {
            fight_turn(&mut g, choose, observe);
            continue;
        }
        match dm::explorer::step(&g.table) {
            Some(step) => {
                if run.last.len() == 8 {
                    run.last.remove(0);
                }
                run.last
                    .push(format!("{:?} by {:?}", step.command, step.by));
                let by = step.by.as_deref().unwrap_or("brom");
                let sender = g
                    .table
                    .players
                    .iter()
                    .find(|(_, h)| h.as_str() == by)
                    .map_or_else(|| DM.to_owned(), |(p, _)| p.0.clone());
                let c = step.command;
                if !observed(&mut g, &sender, &c, observe)
                    && (step.by.is_some() || !observed(&mut g, DM, &c, observe))
                {
                    run.stalled = true;
                    break;
                }
            }
            None => {
                run.stalled = true;
                break;
            }
        }
    }
    if let Some(ex) = g.table.adventure.as_deref() {
        run.party_died = ex.ended.as_deref() == Some("the party has fallen");
        run.left = ex.ended.as_deref() == Some(dm::explore::LEFT);
        run.completed = ex.ended.is_some() && !run.party_died && !run.left;
        run.stalled |= ex.ended.is_none();
        run.visited = ex.visited.len();
        run.fights = ex.fights;
        run.traps = ex.traps_sprung;
        run.minutes = ex.minutes;
    }
    run
}

/// One turn of the fight on: a monster by `choose`, a character by the
/// built-in turn; a turn nothing ended is ended by the DM.
fn fight_turn(
    g: &mut Game,
    choose: &mut dyn FnMut(&TurnRequest) -> Plan,
    observe: &mut dyn FnMut(&Table, &dm::Reply),
) {
    let Some(enc) = g.table.encounter.as_ref() else {
        return;
    };
    let before = (enc.round, enc.current().map(str::to_owned));
    let Some(current) = before.1.clone() else {
        observed(g, DM, &Command::EndTurn, observe);
        return;
    };
    if enc.monster(&current).is_some() {
        let request = view::request(&g.table, std::slice::from_ref(&current));
        let plan = choose(&request);
        let chosen = plan
            .moves
            .iter()
            .find(|(a, _)| *a == current)
            .and_then(|(_, id)| view::commands(&g.table, &current, id));
        for c in chosen.unwrap_or_default() {
            if !observed(g, DM, &c, observe) {
                break;
            }
        }
    } else {
        let owner = g
            .table
            .players
            .iter()
            .find(|(_, h)| **h == current)
            .map_or_else(|| DM.to_owned(), |(p, _)| p.0.clone());
        for (as_dm, c) in dm::auto::turn(&g.table) {
            observed(g, if as_dm { DM } else { owner.as_str() }, &c, observe);
        }
    }
    let now = g
        .table
        .encounter
        .as_ref()
        .map(|e| (e.round, e.current().map(str::to_owned)));
    if now == Some(before) {
        observed(g, DM, &Command::EndTurn, observe);
    }
}

/// Runs a command; an accepted one's reply goes to `observe`.
fn observed(
    g: &mut Game,
    who: &str,
    command: &Command,
    observe: &mut dyn FnMut(&Table, &dm::Reply),
) -> bool {
    match g.run_reply(who, command) {
        Some(reply) => {
            observe(&g.table, &reply);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn tactician(request: &TurnRequest) -> Plan {
        crate::tactician::best(request)
    }

    #[test]
    fn the_shipped_adventures_play_to_an_end_with_fights_traps_and_many_areas() {
        for adventure in dm::adventure::shipped() {
            let run = play(adventure, adventure.levels[1], 1, &mut tactician);
            assert!(!run.stalled, "{}: {run:?}", adventure.id);
            assert!(run.completed || run.party_died, "{}: {run:?}", adventure.id);
            assert!(run.visited >= 10, "{}: {run:?}", adventure.id);
            assert!(run.traps >= 1, "{}: {run:?}", adventure.id);
            assert!(run.fights >= 3, "{}: {run:?}", adventure.id);
        }
    }

    /// Thirty generated dungeons each end: won, lost or left; never
    /// stalled, never a panic.
    #[test]
    fn generated_dungeons_always_end() {
        for seed in 1..=30 {
            let params = dm::adventure::Params {
                level: 3,
                party: 4,
                rooms: 12,
                seed,
            };
            let run = play(&dm::adventure::generate(params), 3, seed, &mut tactician);
            assert!(!run.stalled, "seed {seed}: {run:?}");
            let ends = [run.completed, run.party_died, run.left];
            assert_eq!(
                ends.iter().filter(|e| **e).count(),
                1,
                "seed {seed}: {run:?}"
            );
        }
    }

    /// With the lair's door beyond every way in (no key, no lock to pick,
    /// too strong to force), the party explores, searches again, and
    /// leaves by the way in.
    #[test]
    fn a_party_that_cannot_reach_its_goal_searches_again_then_leaves() {
        let params = dm::adventure::Params {
            level: 3,
            party: 4,
            rooms: 8,
            seed: 3,
        };
        let mut dungeon = dm::adventure::generate(params);
        for area in &mut dungeon.areas {
            area.features.retain(|f| f.id != "key");
            for exit in &mut area.exits {
                if let Some(door) = &mut exit.door {
                    door.key = None;
                    door.pick = None;
                    door.force = Some(30);
                }
            }
        }
        let mut searched_again = false;
        let run = play_observed(&dungeon, 3, 2, &mut tactician, &mut |t, _| {
            let ex = t.adventure.as_deref().unwrap();
            searched_again |= ex.searches.values().any(|n| *n >= 2);
        });
        assert!(run.left, "{run:?}");
        assert!(!run.stalled && !run.completed, "{run:?}");
        assert!(searched_again, "{run:?}");
        assert!(run.last.last().unwrap().starts_with("Leave"), "{run:?}");
    }

    #[test]
    fn a_generated_dungeon_plays_the_same_twice() {
        let params = dm::adventure::Params {
            level: 3,
            party: 4,
            rooms: 10,
            seed: 5,
        };
        let dungeon = dm::adventure::generate(params);
        let a = play(&dungeon, 3, 9, &mut tactician);
        let b = play(&dungeon, 3, 9, &mut tactician);
        assert_eq!(a, b);
        assert!(a.visited >= 2, "{a:?}");
    }
}
