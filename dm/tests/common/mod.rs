//! A table driven by text commands, as the console and the radio send them:
//! each line parsed, handled with the table's seeded dice, its events
//! logged and applied; refusals checked to change nothing.
#![allow(dead_code, clippy::unwrap_used)]

use dm::seed::TableSeed;
use dm::{Ctx, Event, Line, PlayerId, Rejection, Reply, Table, handle};

pub struct Game {
    pub table: Table,
    pub log: Vec<Event>,
    seed: TableSeed,
    pub now: u64,
}

/// `dm` is the table's DM; any other name is `console:<name>`.
pub fn pid(who: &str) -> PlayerId {
    PlayerId::new(format!("console:{who}"))
}

impl Game {
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
        }
    }

    /// Runs one line from `who`: parse, handle, log and apply.
    pub fn run(&mut self, who: &str, line: &str) -> Result<Reply, Rejection> {
        self.now += 6;
        let command = dm::parse(line).map_err(|e| Rejection::new(e.to_string()))?;
        let mut dice = self.seed.stream(self.table.next_roll);
        let outcome = handle(
            &self.table,
            &command,
            Ctx {
                actor: pid(who),
                dice: &mut dice,
                now: self.now,
            },
        )?;
        for e in &outcome.events {
            self.log.push(e.clone());
            let again = self.table.apply(e).unwrap();
            assert_eq!(again, outcome.reply, "applying gives the same reply");
        }
        Ok(outcome.reply)
    }

    /// Runs a line that must be accepted.
    pub fn ok(&mut self, who: &str, line: &str) -> Reply {
        self.run(who, line)
            .unwrap_or_else(|e| panic!("`{line}` from {who} refused: {e}"))
    }

    /// Runs a line that must be refused, checks that nothing changed, and
    /// returns why.
    pub fn refused(&mut self, who: &str, line: &str) -> String {
        let (before, log) = (self.table.clone(), self.log.len());
        match self.run(who, line) {
            Ok(reply) => panic!("`{line}` from {who} was accepted: {reply:?}"),
            Err(why) => {
                assert_eq!(self.table, before, "a refusal changed the table");
                assert_eq!(self.log.len(), log, "a refusal was logged");
                assert!(why.0.len() <= 160, "too long: {why}");
                why.0
            }
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

/// The totals of the reply's roll lines, in order.
pub fn totals(reply: &Reply) -> Vec<i64> {
    reply
        .lines
        .iter()
        .filter_map(|l| match l {
            Line::Roll { total, .. } => Some(*total),
            _ => None,
        })
        .collect()
}
