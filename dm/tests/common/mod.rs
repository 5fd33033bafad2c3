//! The one game harness of the `dm` tests: a table driven as the shells
//! drive it, each command handled with dice the test chooses, its events
//! logged and applied (applying must give the same reply), refusals checked
//! to change nothing. The dice are a parameter ([`Dice`]): the table's
//! seeded dice, chosen faces first and then the seeded dice, or another
//! seed's dice.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::VecDeque;

use dm::seed::TableSeed;
use dm::{Command, Ctx, Event, Line, PlayerId, Rejection, Reply, Table, handle};
use rules::dice::{DieRoller, Roller};

/// Which dice a command rolls.
#[derive(Debug, Clone, Copy)]
pub enum Dice<'a> {
    /// The table's seeded dice for its next roll number, as the shell rolls.
    Seeded,
    /// These faces first (each clamped to its die), then the seeded dice.
    Faces(&'a [u64]),
    /// Another seed's dice for the table's next roll number.
    Seed(&'a TableSeed),
}

/// Chosen faces first, then another roller's.
struct Scripted<'a> {
    faces: VecDeque<u64>,
    rest: &'a mut dyn DieRoller,
}

impl DieRoller for Scripted<'_> {
    fn roll_die(&mut self, sides: u64) -> u64 {
        match self.faces.pop_front() {
            Some(f) => f.clamp(1, sides.max(1)),
            None => self.rest.roll_die(sides),
        }
    }
}

/// A table with its log, its seed and its clock.
#[derive(Clone)]
pub struct Game {
    pub table: Table,
    pub log: Vec<Event>,
    pub seed: TableSeed,
    pub now: u64,
    /// The table's roller, kept beside it as the shell keeps it.
    pub roller: Roller,
}

/// `dm` is the table's DM; any other name is `console:<name>`.
pub fn pid(who: &str) -> PlayerId {
    PlayerId::new(format!("console:{who}"))
}

impl Game {
    /// A table opened by `dm`, its dice seeded from `seed`.
    pub fn new(seed: u8) -> Self {
        let seed = TableSeed::from_entropy_bytes([seed; 32]);
        let open = Table::opened(pid("dm"), seed.commitment().to_string());
        let mut table = Table::default();
        table.apply(&open).unwrap();
        Self {
            table,
            log: vec![open],
            seed,
            now: 10_000,
            roller: Roller::new(),
        }
    }

    /// Carries out `command` from `who` with `dice` as the shell would:
    /// handle, log and apply the events. A refusal changes nothing and
    /// fits a radio packet.
    pub fn play(
        &mut self,
        who: &PlayerId,
        command: &Command,
        dice: Dice,
    ) -> Result<Reply, Rejection> {
        self.now += 6;
        let seed = match dice {
            Dice::Seed(other) => other,
            Dice::Seeded | Dice::Faces(_) => &self.seed,
        };
        let mut stream = seed.stream(self.table.next_roll);
        let faces = match dice {
            Dice::Faces(faces) => faces,
            Dice::Seeded | Dice::Seed(_) => &[],
        };
        let mut dice = Scripted {
            faces: faces.iter().copied().collect(),
            rest: &mut stream,
        };
        let (before, logged) = (self.table.clone(), self.log.len());
        let outcome = handle(
            &self.table,
            command,
            Ctx {
                actor: who.clone(),
                dice: &mut dice,
                roller: &mut self.roller,
                now: self.now,
            },
        );
        let outcome = match outcome {
            Ok(o) => o,
            Err(why) => {
                assert_eq!(self.table, before, "a refusal changed the table");
                assert_eq!(self.log.len(), logged, "a refusal was logged");
                assert!(why.0.len() <= 160, "too long for a packet: {why}");
                return Err(why);
            }
        };
        for e in &outcome.events {
            self.log.push(e.clone());
            let again = self.table.apply_with(e, &mut self.roller).unwrap();
            assert_eq!(again, outcome.reply, "applying gives the same reply");
        }
        Ok(outcome.reply)
    }

    /// Runs one line from `who` with `dice`: parse, then [`Game::play`].
    /// A test's line is always a command: one that does not parse panics,
    /// so a refusal is always the DM core's.
    #[track_caller]
    pub fn run_with(&mut self, who: &str, line: &str, dice: Dice) -> Result<Reply, Rejection> {
        let command = dm::parse(line).unwrap_or_else(|e| panic!("`{line}` does not parse: {e}"));
        self.play(&pid(who), &command, dice)
    }

    /// Runs one line from `who` with the seeded dice.
    #[track_caller]
    pub fn run(&mut self, who: &str, line: &str) -> Result<Reply, Rejection> {
        self.run_with(who, line, Dice::Seeded)
    }

    /// Runs a line that must be accepted, with the seeded dice.
    #[track_caller]
    pub fn ok(&mut self, who: &str, line: &str) -> Reply {
        self.ok_with(who, line, Dice::Seeded)
    }

    /// Runs a line that must be accepted, with `dice`.
    #[track_caller]
    pub fn ok_with(&mut self, who: &str, line: &str, dice: Dice) -> Reply {
        self.run_with(who, line, dice)
            .unwrap_or_else(|e| panic!("`{line}` from {who} refused: {e}"))
    }

    /// Carries out a command that must be accepted, with the seeded dice.
    #[track_caller]
    pub fn ok_command(&mut self, who: &PlayerId, command: Command) -> Reply {
        self.play(who, &command, Dice::Seeded)
            .unwrap_or_else(|e| panic!("{command:?} refused: {e}"))
    }

    /// Runs a line that must be refused (and so changes nothing) and
    /// returns why.
    #[track_caller]
    pub fn refused(&mut self, who: &str, line: &str) -> String {
        match self.run(who, line) {
            Ok(reply) => panic!("`{line}` from {who} was accepted: {reply:?}"),
            Err(why) => why.0,
        }
    }

    /// Whose turn it is.
    pub fn current(&self) -> String {
        self.table
            .encounter
            .as_ref()
            .and_then(|e| e.current())
            .unwrap_or_default()
            .to_owned()
    }

    /// The DM moves the turn on until it is `handle`'s.
    pub fn skip_to(&mut self, handle: &str) {
        for _ in 0..40 {
            if self.current() == handle {
                return;
            }
            self.ok("dm", "n");
        }
        panic!("{handle} never got a turn");
    }

    /// The DM ends the current turn, then turns until it is `handle`'s again.
    pub fn next_turn_of(&mut self, handle: &str) {
        self.ok("dm", "n");
        self.skip_to(handle);
    }

    /// Opens a fight with these monsters (average hit points) and starts
    /// round 1. The party rolls 1s for initiative, the monsters 20s: the
    /// monsters go first, in the order they were added. Everyone stands in
    /// melee with everyone, as a DM would set the scene.
    pub fn fight(&mut self, monsters: &[(&str, u8)]) {
        self.ok_with("dm", "dm encounter", Dice::Faces(&[1; 8]));
        for (m, n) in monsters {
            let line = format!("madd {m} -n {n} --avg");
            self.ok_with("dm", &line, Dice::Faces(&[20; 20]));
        }
        self.ok("dm", "n");
        let enc = self.table.encounter.as_ref().unwrap();
        let (pcs, foes): (Vec<String>, Vec<String>) = enc
            .order
            .iter()
            .map(|s| s.handle.clone())
            .partition(|h| self.table.character(h).is_some());
        for pc in &pcs {
            for foe in &foes {
                self.ok("dm", &format!("dm place {pc} engaged {foe}"));
            }
        }
    }

    /// A character's sheet.
    pub fn sheet(&self, handle: &str) -> &dm::character::Character {
        self.table.character(handle).unwrap()
    }

    /// A creature's current hit points.
    pub fn hp(&self, handle: &str) -> u32 {
        if let Some(c) = self.table.character(handle) {
            return c.health.current();
        }
        let enc = self.table.encounter.as_ref().unwrap();
        enc.monster(handle).unwrap().health.current()
    }

    /// The log replays to the live table.
    pub fn assert_replays(&self) {
        assert_eq!(Table::replay(&self.log).unwrap(), self.table);
    }
}

/// Every note of a reply, joined.
pub fn notes(reply: &Reply) -> String {
    reply
        .lines
        .iter()
        .map(|l| match l {
            Line::Note { text } => text.clone(),
            other => format!("{other:?}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What `pick` takes from each of the reply's lines, in order.
pub fn picked<T>(reply: &Reply, pick: impl Fn(&Line) -> Option<T>) -> Vec<T> {
    reply.lines.iter().filter_map(pick).collect()
}

/// The totals of the reply's roll lines, in order.
pub fn totals(reply: &Reply) -> Vec<i64> {
    picked(reply, |l| match l {
        Line::Roll { total, .. } => Some(*total),
        _ => None,
    })
}

/// Who took damage in the reply, in order.
pub fn damaged(reply: &Reply) -> Vec<String> {
    picked(reply, |l| match l {
        Line::Damage { target, .. } => Some(target.clone()),
        _ => None,
    })
}

/// The results of the reply's attacks (`hit`, `miss`, `critical hit`).
pub fn attack_results(reply: &Reply) -> Vec<String> {
    picked(reply, |l| match l {
        Line::Attack { result, .. } => Some(result.clone()),
        _ => None,
    })
}
