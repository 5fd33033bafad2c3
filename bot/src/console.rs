//! `dungeon play`: the console transport. Several players share one
//! keyboard (`as aria: a longsword -t g1`), the DM types `dm …` / `madd …`,
//! and monsters take a simple built-in turn. Lines come from the keyboard,
//! a script (`--script FILE`) or the shipped demo (`--demo`).
//!
//! Every accepted command's events are committed before its reply is
//! printed (to the store when one is open), then applied to the table.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context as _, Result};
use dm::seed::TableSeed;
use dm::{Command, Ctx, DmCommand, Event, Line, PlayerId, Reply, Table};
use serde::Serialize;

use crate::cli::PlayArgs;

/// The demo: a goblin ambush for a party of four level-3 characters.
pub const DEMO: &str = include_str!("../demo/goblin-ambush.txt");

/// Where committed events go before anyone is told.
pub trait Sink {
    /// Makes `events` durable; an error means nothing may be told.
    fn commit(&mut self, events: &[Event]) -> Result<()>;
}

/// Keeps the log in memory (no store).
#[derive(Default)]
pub struct MemorySink {
    /// Everything committed.
    pub log: Vec<Event>,
}

impl Sink for MemorySink {
    fn commit(&mut self, events: &[Event]) -> Result<()> {
        self.log.extend_from_slice(events);
        Ok(())
    }
}

/// One console game.
pub struct Session<S: Sink> {
    /// The table.
    pub table: Table,
    seed: TableSeed,
    sink: S,
    /// Who plays at this keyboard unless a line says `as NAME:`.
    pub default_player: PlayerId,
    /// Monsters take their turns by themselves.
    pub auto_monsters: bool,
    /// Characters take their turns by themselves too (the demo).
    pub auto_players: bool,
    json: bool,
    clock: u64,
    out: Box<dyn Write>,
    /// How many commands were refused.
    pub refused: usize,
}

/// The DM's id at the console.
pub fn dm_id() -> PlayerId {
    PlayerId::new("console:dm")
}

/// A seed from a number (`--seed N`): reproducible runs.
pub fn seed_from_number(n: u64) -> TableSeed {
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let word = n ^ (0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(i as u64 + 1));
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    TableSeed::from_entropy_bytes(bytes)
}

impl<S: Sink> Session<S> {
    /// Opens a table committed to `seed`, with the console DM.
    pub fn open(seed: TableSeed, mut sink: S, json: bool, out: Box<dyn Write>) -> Result<Self> {
        let opened = Table::opened(dm_id(), seed.commitment().to_string());
        sink.commit(std::slice::from_ref(&opened))?;
        let mut table = Table::default();
        table
            .apply(&opened)
            .map_err(|e| anyhow::anyhow!("opening the table: {e}"))?;
        let mut s = Self {
            table,
            seed,
            sink,
            // At one keyboard the DM sits too: lines without `as NAME:` are the DM's.
            default_player: dm_id(),
            auto_monsters: true,
            auto_players: false,
            json,
            clock: 1_700_000_000,
            out,
            refused: 0,
        };
        if !json {
            s.print(&format!(
                "Table open. Dice commitment: {}",
                s.table.commitment
            ))?;
        }
        Ok(s)
    }

    fn print(&mut self, text: &str) -> Result<()> {
        writeln!(self.out, "{text}").context("writing to the console")
    }

    /// One line of input: `as NAME: …`, a DM command, or a player's command.
    pub fn line(&mut self, input: &str) -> Result<()> {
        let input = input.trim();
        if input.is_empty() || input.starts_with('#') {
            return Ok(());
        }
        if input == "quit" || input == "exit" {
            return Ok(());
        }
        let (player, text) = match input.strip_prefix("as ").and_then(|r| r.split_once(':')) {
            Some((name, rest)) => (
                PlayerId::new(format!("console:{}", name.trim().to_lowercase())),
                rest.trim(),
            ),
            None => (self.default_player.clone(), input),
        };
        let command = match dm::parse(text) {
            Ok(c) => c,
            Err(e) => {
                self.refused += 1;
                return self.say_refused(&player, text, &e.to_string());
            }
        };
        let who = if matches!(command, Command::Dm(_)) {
            dm_id()
        } else {
            player
        };
        self.command(&who, &command)?;
        self.run_automatic_turns()
    }

    /// Runs one command through the DM core: commit, apply, print.
    pub fn command(&mut self, who: &PlayerId, command: &Command) -> Result<()> {
        self.clock += 6;
        let mut dice = self.seed.stream(self.table.next_roll);
        let outcome = dm::handle(
            &self.table,
            command,
            Ctx {
                actor: who.clone(),
                dice: &mut dice,
                now: self.clock,
            },
        );
        let outcome = match outcome {
            Ok(o) => o,
            Err(why) => {
                self.refused += 1;
                return self.say_refused(who, &format!("{command:?}"), &why.0);
            }
        };
        // Commit before reply.
        self.sink.commit(&outcome.events)?;
        for e in &outcome.events {
            self.table
                .apply(e)
                .map_err(|e| anyhow::anyhow!("applying a committed event: {e}"))?;
        }
        if let Command::Dm(DmCommand::RevealSeed) = command {
            let reveal = Event::SeedRevealed {
                seed: self.seed.to_string(),
            };
            self.sink.commit(std::slice::from_ref(&reveal))?;
            self.table
                .apply(&reveal)
                .map_err(|e| anyhow::anyhow!("revealing the seed: {e}"))?;
        }
        self.render(who, &outcome.reply)
    }

    fn say_refused(&mut self, who: &PlayerId, what: &str, why: &str) -> Result<()> {
        if self.json {
            let line =
                serde_json::json!({"type": "rejected", "actor": who.0, "input": what, "why": why});
            self.print(&line.to_string())
        } else {
            self.print(&format!("  ✗ {why}"))
        }
    }

    /// Plays the turns of whoever the console runs by itself.
    fn run_automatic_turns(&mut self) -> Result<()> {
        // A generous cap: a fight of 20 combatants for 100 rounds.
        for _ in 0..2_000 {
            let Some(enc) = &self.table.encounter else {
                return Ok(());
            };
            let Some(current) = enc.current().map(str::to_string) else {
                return Ok(());
            };
            if fight_over(&self.table) {
                return Ok(());
            }
            let monster = enc.monster(&current).is_some();
            let owner = self
                .table
                .players
                .iter()
                .find(|(_, h)| **h == current)
                .map(|(p, _)| p.clone());
            let auto = (monster && self.auto_monsters) || (!monster && self.auto_players);
            if !auto {
                return Ok(());
            }
            let round_before = (enc.round, current.clone());
            for (as_dm, command) in dm::auto::turn(&self.table) {
                let who = if as_dm {
                    dm_id()
                } else {
                    owner.clone().unwrap_or_else(dm_id)
                };
                if !self.json {
                    self.print(&format!("  [{}] {}", current, describe(&command)))?;
                }
                self.command(&who, &command)?;
            }
            let enc = self.table.encounter.as_ref();
            let now = enc.map(|e| (e.round, e.current().unwrap_or_default().to_string()));
            if now == Some(round_before) {
                // Nothing moved the turn on (a refused end): let the DM's `n` do it.
                self.command(&dm_id(), &Command::EndTurn)?;
            }
        }
        Ok(())
    }

    fn render(&mut self, who: &PlayerId, reply: &Reply) -> Result<()> {
        if self.json {
            for line in &reply.lines {
                let record = JsonLine {
                    seq: self.table.applied,
                    actor: &who.0,
                    line,
                };
                let text = serde_json::to_string(&record)?;
                self.print(&text)?;
            }
            return Ok(());
        }
        for line in &reply.lines {
            let text = render_line(line).replace('\n', "\n  ");
            self.print(&format!("  {text}"))?;
        }
        Ok(())
    }
}

/// Whether one side has no one standing.
pub fn fight_over(table: &Table) -> bool {
    use rules::mechanics::LifeState;
    let Some(enc) = &table.encounter else {
        return false;
    };
    let monsters_up = enc
        .monsters
        .iter()
        .any(|m| m.health.state() == LifeState::Conscious);
    let party_up = enc.order.iter().any(|s| {
        table
            .character(&s.handle)
            .is_some_and(|c| c.health.state() == LifeState::Conscious)
    });
    !enc.monsters.is_empty() && (!monsters_up || !party_up)
}

#[derive(Serialize)]
struct JsonLine<'a> {
    seq: u64,
    actor: &'a str,
    #[serde(flatten)]
    line: &'a Line,
}

fn describe(command: &Command) -> String {
    match command {
        Command::Dm(DmCommand::As { monster, command }) => {
            format!("{monster}: {}", describe(command))
        }
        Command::Attack {
            targets, weapon, ..
        } => format!("attack {} {}", weapon, targets.join(" ")).replace("  ", " "),
        Command::Cast { spell, targets, .. } => format!("cast {spell} {}", targets.join(" ")),
        Command::Move { to, target } => format!("move {to} {target}"),
        Command::EndTurn => "end turn".into(),
        Command::DeathSave => "death save".into(),
        other => format!("{other:?}"),
    }
}

/// One reply line as console text.
pub fn render_line(line: &Line) -> String {
    match line {
        Line::Roll {
            who,
            label,
            detail,
            total,
        } => {
            if detail.contains('=') {
                format!("{who} — {label}: {detail}")
            } else {
                format!("{who} — {label}: {detail} = {total}")
            }
        }
        Line::Attack {
            attacker,
            target,
            with,
            d20,
            total,
            ac,
            result,
        } => format!("{attacker} → {target} ({with}): d20 {d20} → {total} vs AC {ac}: {result}"),
        Line::Save {
            who,
            what,
            total,
            dc,
            success,
        } => format!(
            "{who} saves ({what}): {} vs DC {dc}: {}",
            total.map_or_else(|| "auto-fail".to_string(), |t| t.to_string()),
            if *success { "success" } else { "failure" }
        ),
        Line::Damage {
            target,
            amount,
            types,
            hp,
            max_hp,
            state,
            ..
        } => {
            let kind = if types.is_empty() {
                String::new()
            } else {
                format!(" {types}")
            };
            let st = if state.is_empty() {
                String::new()
            } else {
                format!(" — {state}")
            };
            format!("{target} takes {amount}{kind} damage: {hp}/{max_hp} HP{st}")
        }
        Line::Heal {
            target,
            amount,
            hp,
            max_hp,
            ..
        } => format!("{target} heals {amount}: {hp}/{max_hp} HP"),
        Line::Effect {
            target,
            what,
            began,
        } => {
            if *began {
                format!("{target}: {what}")
            } else {
                format!("{target}: {what} ends")
            }
        }
        Line::Note { text } => text.clone(),
    }
}

/// `dungeon play`.
pub fn run(args: &PlayArgs) -> Result<()> {
    let seed = match args.seed {
        Some(n) => seed_from_number(n),
        None => {
            let mut bytes = [0u8; 32];
            rand::fill(&mut bytes);
            TableSeed::from_entropy_bytes(bytes)
        }
    };
    let out: Box<dyn Write> = Box::new(std::io::stdout());
    let mut session = Session::open(seed, MemorySink::default(), args.json, out)?;
    if args.demo {
        session.auto_players = true;
        for line in DEMO.lines() {
            if let Some(text) = line.strip_prefix("# ")
                && !args.json
            {
                session.print(text)?;
                continue;
            }
            session.line(line)?;
        }
        return Ok(());
    }
    if let Some(path) = &args.script {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the script {}", path.display()))?;
        for line in text.lines() {
            if !args.json && !line.trim().is_empty() && !line.starts_with('#') {
                session.print(&format!("> {line}"))?;
            }
            session.line(line)?;
        }
        return Ok(());
    }
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        session.print(
            "Type `help` for the commands, `as NAME: …` to play someone else, `quit` to leave.",
        )?;
    }
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            print!("> ");
            std::io::stdout().flush().ok();
        }
        let Some(line) = lines.next() else {
            break;
        };
        let line = line.context("reading the console")?;
        if matches!(line.trim(), "quit" | "exit") {
            break;
        }
        session.line(&line)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn demo(json: bool) -> (Session<MemorySink>, String) {
        let out = Shared::default();
        let mut s = Session::open(
            seed_from_number(7),
            MemorySink::default(),
            json,
            Box::new(out.clone()),
        )
        .unwrap();
        s.auto_players = true;
        for line in DEMO.lines() {
            s.line(line).unwrap();
        }
        let text = String::from_utf8(out.0.borrow().clone()).unwrap();
        (s, text)
    }

    #[test]
    fn the_demo_plays_a_whole_fight_and_its_log_replays_to_the_same_table() {
        let (s, text) = demo(false);
        assert!(text.contains("The fight is over after"), "{text}");
        assert!(text.contains("4 of 4 monsters fell"), "{text}");
        assert!(s.table.encounter.is_none());
        assert!(s.table.revealed_seed.is_some());
        let replayed = Table::replay(&s.sink.log).unwrap();
        assert_eq!(replayed, s.table);
        // Every roll checks out against the revealed seed.
        let rolls: Vec<_> = s
            .sink
            .log
            .iter()
            .filter_map(|e| match e {
                Event::Did { rolls, .. } => rolls.clone(),
                _ => None,
            })
            .collect();
        let v = dm::seed::verify(&s.seed, &s.seed.commitment(), &rolls);
        assert!(v.is_ok(), "{v}");
    }

    #[test]
    fn the_same_seed_plays_the_same_game_and_json_lines_parse() {
        let (a, text) = demo(true);
        let (b, _) = demo(true);
        assert_eq!(a.sink.log, b.sink.log);
        let mut kinds = std::collections::BTreeSet::new();
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            kinds.insert(
                v["kind"]
                    .as_str()
                    .or(v["type"].as_str())
                    .unwrap()
                    .to_string(),
            );
            assert!(v["actor"].is_string(), "{line}");
        }
        for k in ["attack", "damage", "roll", "note"] {
            assert!(kinds.contains(k), "{kinds:?}");
        }
    }

    #[test]
    fn a_player_out_of_turn_is_refused_and_the_log_does_not_grow() {
        let out = Shared::default();
        let mut s = Session::open(
            seed_from_number(3),
            MemorySink::default(),
            false,
            Box::new(out.clone()),
        )
        .unwrap();
        s.auto_monsters = false;
        for line in [
            "as aria: char new Aria fighter 2 human",
            "as bo: char new Bo rogue 2 human",
            "dm encounter",
            "madd goblin -n 1 --avg",
            "n",
        ] {
            s.line(line).unwrap();
        }
        let current = s
            .table
            .encounter
            .as_ref()
            .unwrap()
            .current()
            .unwrap()
            .to_string();
        let other = ["aria", "bo"].into_iter().find(|h| *h != current).unwrap();
        let before = s.sink.log.len();
        s.line(&format!("as {other}: a -t g1")).unwrap();
        assert_eq!(s.sink.log.len(), before);
        assert_eq!(s.refused, 1);
        let text = String::from_utf8(out.0.borrow().clone()).unwrap();
        assert!(text.contains("✗ not your turn — it's"), "{text}");
        s.line("as aria: atack g1").unwrap();
        let text = String::from_utf8(out.0.borrow().clone()).unwrap();
        assert!(text.contains("did you mean"), "{text}");
    }
}
