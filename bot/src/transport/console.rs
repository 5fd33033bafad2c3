//! `dungeon play`: the console transport. Several players share one
//! keyboard (`as aria: a longsword -t g1`), the DM types `dm …` / `madd …`,
//! and monsters take a simple built-in turn. Lines come from the keyboard,
//! a script (`--script FILE`) or the shipped demo (`--demo`).
//!
//! Every line goes through the router like any transport's command: its
//! events are committed to the store (a SQLite file by default) before its
//! reply is printed, so a game survives the process and can be resumed
//! with `--table`, replayed and verified.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context as _, Result, bail};
use dm::seed::TableSeed;
use dm::{Command, DmCommand, Line, PlayerId, Reply, Table};
use serde::Serialize;
use serde_json::json;

use crate::config::{NarratorKind, PlannerKind, database_url};
use crate::core::game::{fight_over, new_table_id, random_seed, seed_from_number};
use crate::core::narrator::Narrator;
use crate::core::router::{self, Answer, Envelope, Published, Router, Transport};
use crate::core::store::Store;
use crate::core::turns::MonsterTurns;
use crate::transport::text::render_line;
use tokio::sync::broadcast;

/// The demo: a goblin ambush for a party of four level-3 characters.
pub const DEMO: &str = include_str!("../../demo/goblin-ambush.txt");

/// One console game: a table behind the router.
pub struct Session {
    rt: tokio::runtime::Runtime,
    router: Arc<Router>,
    /// The table's id in the store.
    pub table_id: String,
    /// The table as of the last command.
    pub table: Table,
    /// Who plays at this keyboard unless a line says `as NAME:`.
    pub default_player: PlayerId,
    /// Monsters take their turns by themselves.
    pub auto_monsters: bool,
    /// Characters take their turns by themselves too (the demo).
    pub auto_players: bool,
    json: bool,
    requests: u64,
    out: Box<dyn Write>,
    /// How many commands were refused.
    pub refused: usize,
    /// Plays the monsters' turns (the tactician, or an LLM planner).
    turns: MonsterTurns,
    /// The table's published replies, for the narrator's lines.
    narration: Option<broadcast::Receiver<Published>>,
}

/// The DM's id at the console.
pub fn dm_id() -> PlayerId {
    PlayerId::new("console:dm")
}

/// A clock that starts at a fixed time and moves six seconds (a round) per
/// reading, so that a seeded game is the same game every time.
pub fn round_clock() -> router::Clock {
    let t = Arc::new(AtomicU64::new(1_700_000_000));
    Arc::new(move || t.fetch_add(6, Ordering::Relaxed))
}

impl Session {
    /// Opens the console's router on the store at `database`, and the table
    /// `table_id`: a new one committed to `seed`, or the stored one of that id
    /// (its seed and state as they were; `seed` is then unused).
    pub fn open(
        database: &str,
        table_id: &str,
        seed: &TableSeed,
        clock: router::Clock,
        json: bool,
        out: Box<dyn Write>,
    ) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let (router, fresh, table) = rt.block_on(async {
            let store = Store::open(database).await?;
            let mut config = router::Config::for_store(&store);
            // One keyboard: no rate limit.
            config.rate_limit = None;
            let router = Router::start(store, config, clock).await?;
            let meta = json!({"transport": "console"});
            let fresh = router.open_table(table_id, &meta, dm_id(), seed).await?;
            let table = router.table(table_id).await?;
            anyhow::Ok((router, fresh, table))
        })?;
        let router = Arc::new(router);
        let mut s = Self {
            rt,
            router: Arc::clone(&router),
            table_id: table_id.to_owned(),
            table,
            // At one keyboard the DM sits too: lines without `as NAME:` are the DM's.
            default_player: dm_id(),
            auto_monsters: true,
            auto_players: false,
            json,
            requests: 0,
            out,
            refused: 0,
            turns: MonsterTurns::new(Arc::clone(&router), None, crate::core::planner::TURN_BUDGET),
            narration: None,
        };
        if !json {
            let verb = if fresh { "open" } else { "resumed" };
            s.print(&format!(
                "Table {} {verb}. Dice commitment: {}",
                s.table_id, s.table.commitment
            ))?;
        }
        Ok(s)
    }

    /// Lets `planner` play the monsters (the tactician covers its failures).
    pub fn set_planner(&mut self, planner: Option<Arc<dyn monsters::Planner>>) {
        self.turns = MonsterTurns::new(
            Arc::clone(&self.router),
            planner,
            crate::core::planner::TURN_BUDGET,
        );
    }

    /// Lets `narrator` tell what happened after the rules' lines (none: nobody).
    pub fn set_narrator(&mut self, narrator: Option<Narrator>) {
        self.narration = narrator
            .is_some()
            .then(|| self.router.subscribe(&self.table_id));
        self.router.set_narrator(narrator);
    }

    /// Prints the narrator's lines that are ready (a model's may come
    /// later: they are printed after a later command).
    fn tell_narration(&mut self) -> Result<()> {
        let Some(mut rx) = self.narration.take() else {
            return Ok(());
        };
        // The narrator runs on this runtime: give it a moment to finish.
        self.rt.block_on(async {
            for _ in 0..4 {
                tokio::task::yield_now().await;
            }
        });
        let mut told = Vec::new();
        loop {
            match rx.try_recv() {
                Ok(p) if p.via == Transport::Narrator => told.push(p.reply),
                Ok(_) | Err(broadcast::error::TryRecvError::Lagged(_)) => {}
                Err(_) => break,
            }
        }
        self.narration = Some(rx);
        for reply in told {
            self.render(&PlayerId::new("narrator"), &reply)?;
        }
        Ok(())
    }

    /// The router behind the console (for tests and tools).
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Runs a future on the console's runtime.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
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
        if let Some(done) = self.file_command(&player, text)? {
            return Ok(done);
        }
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

    /// `char import PATH [NAME]` and `char export [NAME]`: the commands
    /// that read or write a file, which only the console can. `None` for
    /// any other line.
    fn file_command(&mut self, player: &PlayerId, text: &str) -> Result<Option<()>> {
        let mut words = text.split_whitespace();
        if !words.next().is_some_and(|w| w.eq_ignore_ascii_case("char")) {
            return Ok(None);
        }
        let verb = words.next().map(str::to_lowercase);
        let rest: Vec<&str> = words.collect();
        match verb.as_deref() {
            Some("import") => {
                let Some((path, name)) = rest.split_first() else {
                    self.refused += 1;
                    return self
                        .say_refused(player, text, "say which file: `char import PATH [NAME]`")
                        .map(Some);
                };
                let name = (!name.is_empty()).then(|| name.join(" "));
                match read_character(std::path::Path::new(path), name.as_deref()) {
                    Ok(command) => self.command(player, &command)?,
                    Err(why) => {
                        self.refused += 1;
                        self.say_refused(player, text, &format!("{why:#}"))?;
                    }
                }
                Ok(Some(()))
            }
            Some("export") => {
                let handle = match rest.first() {
                    Some(n) => Some(n.to_lowercase()),
                    None => self.table.players.get(player).cloned(),
                };
                let found = handle.as_deref().and_then(|h| self.table.character(h));
                match found {
                    Some(c) => {
                        let text = sheets::ours::export(c);
                        self.print(&text)?;
                    }
                    None => {
                        self.refused += 1;
                        self.say_refused(player, text, "no such character: `char export NAME`")?;
                    }
                }
                Ok(Some(()))
            }
            _ => Ok(None),
        }
    }

    /// Runs one command through the router: commit, then print.
    pub fn command(&mut self, who: &PlayerId, command: &Command) -> Result<()> {
        self.requests += 1;
        let envelope = Envelope {
            transport: Transport::Console,
            table: self.table_id.clone(),
            sender: who.0.clone(),
            request_id: format!("{}:{}", self.table.applied, self.requests),
            command: command.clone(),
        };
        let router = Arc::clone(&self.router);
        let id = self.table_id.clone();
        let (answer, table) = self.rt.block_on(async move {
            let answer = router.submit(envelope).await?;
            let table = router.table(&id).await?;
            anyhow::Ok((answer, table))
        })?;
        self.table = table;
        match answer {
            Answer::Done { reply, .. } | Answer::Repeated { reply, .. } => {
                self.render(who, &reply)?;
                self.tell_narration()
            }
            Answer::Refused { why } => {
                self.refused += 1;
                self.say_refused(who, &format!("{command:?}"), &why)
            }
            Answer::Limited { retry_after } => {
                self.refused += 1;
                let why = format!("slow down: try again in {} s", retry_after.as_secs() + 1);
                self.say_refused(who, &format!("{command:?}"), &why)
            }
        }
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
            if monster {
                self.monster_turn()?;
                continue;
            }
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

    /// The monster turn that is due, played through the router by the
    /// planner (see [`MonsterTurns`]), and shown.
    fn monster_turn(&mut self) -> Result<()> {
        let id = self.table_id.clone();
        let report = self.rt.block_on(self.turns.play_due(&id))?;
        let router = Arc::clone(&self.router);
        self.table = self.rt.block_on(async move { router.table(&id).await })?;
        let Some(report) = report else {
            return Ok(());
        };
        if !self.json {
            if let Some(flavour) = &report.flavour {
                self.print(&format!("  {flavour}"))?;
            }
            if let Some(e) = &report.error {
                let why = e.kind();
                self.print(&format!("  ({why} — the tactician played this turn)"))?;
            }
        }
        for (command, answer) in &report.played {
            if !self.json {
                self.print(&format!("  [{}] {}", report.monster, describe(command)))?;
            }
            match answer {
                Answer::Done { reply, .. } | Answer::Repeated { reply, .. } => {
                    self.render(&dm_id(), reply)?;
                }
                Answer::Refused { why } => {
                    self.refused += 1;
                    self.say_refused(&dm_id(), &format!("{command:?}"), why)?;
                }
                Answer::Limited { .. } => {}
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

/// What a console game was asked for (`dungeon play`'s flags).
#[derive(Debug, Clone)]
pub struct Play {
    /// Run the commands of this file, one per line, then stop.
    pub script: Option<PathBuf>,
    /// Play the shipped demo.
    pub demo: bool,
    /// Seed the dice with this number, and run on a clock of its own.
    pub seed: Option<u64>,
    /// Print every event as one JSON line.
    pub json: bool,
    /// Resume the stored game of this table id.
    pub table: Option<String>,
    /// Where games are kept (else `DATABASE_URL`, else `dungeon.db`).
    pub database: Option<String>,
    /// Who plays the monsters.
    pub planner: PlannerKind,
    /// Who narrates.
    pub narrator: NarratorKind,
    /// The adventure to play (a shipped one's id).
    pub adventure: Option<String>,
}

/// Plays a console game: the demo, a script, or the keyboard.
pub fn run(args: &Play) -> Result<()> {
    let seed = args.seed.map_or_else(random_seed, seed_from_number);
    let database = database_url(args.database.as_deref());
    let table_id = match &args.table {
        Some(id) => id.clone(),
        None if args.demo => new_table_id("demo"),
        None => new_table_id("console"),
    };
    if args.table.is_some() && (args.demo || args.seed.is_some()) {
        bail!("--table resumes a stored game with its own seed: leave out --demo and --seed");
    }
    // A seeded game runs on a clock of its own so it is the same game every time.
    let clock = if args.seed.is_some() {
        round_clock()
    } else {
        router::system_clock()
    };
    let out: Box<dyn Write> = Box::new(std::io::stdout());
    let planner = crate::core::planner::from_env(args.planner)?;
    let mut session = Session::open(&database, &table_id, &seed, clock, args.json, out)?;
    session.set_planner(planner);
    session.set_narrator(crate::core::planner::narrator_from_env(args.narrator)?);
    if let Some(id) = &args.adventure {
        if dm::adventure::find(id).is_none() {
            let ids: Vec<&str> = dm::adventure::shipped()
                .iter()
                .map(|a| a.id.as_str())
                .collect();
            bail!(
                "no shipped adventure `{id}` — there are: {}",
                ids.join(", ")
            );
        }
        if args.demo {
            session.adventure_demo(id)?;
            return session.farewell();
        }
        session.line(&format!("dm adventure {id}"))?;
    }
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
        return session.farewell();
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
        return session.farewell();
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
    session.farewell()
}

/// The most exploring commands the adventure demo sends before it stops.
const DEMO_COMMANDS: usize = 2_000;

impl Session {
    /// The adventure demo: the built-in party (the goblin demo's four, at
    /// the adventure's highest level) explores `id` by [`dm::explorer`],
    /// Brom leading, every fight played by the built-in turns, until the
    /// adventure ends or the explorer has nothing left to try.
    pub fn adventure_demo(&mut self, id: &str) -> Result<()> {
        let level = dm::adventure::find(id).map_or(1, |a| a.levels[1].clamp(1, 20));
        self.auto_players = true;
        for line in [
            format!("as brom: char new Brom fighter {level} hill dwarf"),
            format!("as dara: char new Dara cleric {level} hill dwarf"),
            format!("as cade: char new Cade rogue {level} lightfoot halfling"),
            format!("as aria: char new Aria wizard {level} high elf"),
            format!("dm adventure {id}"),
            "as brom: leader brom".to_owned(),
            "as brom: order brom dara cade aria".to_owned(),
        ] {
            self.line(&line)?;
        }
        let brom = PlayerId::new("console:brom");
        for _ in 0..DEMO_COMMANDS {
            let Some(step) = dm::explorer::step(&self.table) else {
                break;
            };
            let command = step.command;
            if !self.json {
                self.print(&format!("> {}", describe(&command)))?;
            }
            // The character the explorer names acts; else the leader while
            // standing, else the DM moves the party on.
            let up = self
                .table
                .character("brom")
                .is_some_and(|c| c.health.state() == rules::mechanics::LifeState::Conscious);
            let named = step.by.as_ref().and_then(|h| {
                self.table
                    .players
                    .iter()
                    .find(|(_, c)| *c == h)
                    .map(|(p, _)| p.clone())
            });
            let who = match named {
                Some(p) => p,
                None if up => brom.clone(),
                None => dm_id(),
            };
            let before = self.table.applied;
            self.command(&who, &command)?;
            self.run_automatic_turns()?;
            if self.table.applied == before && self.table.encounter.is_none() {
                // Refused and nothing moved: the explorer would ask the same again.
                break;
            }
        }
        Ok(())
    }

    /// Says where the game is kept and how to come back to it.
    fn farewell(&mut self) -> Result<()> {
        let router = Arc::clone(&self.router);
        let id = self.table_id.clone();
        self.rt
            .block_on(async move { router.save_snapshot(&id).await })
            .context("saving the table's state")?;
        if self.json {
            return Ok(());
        }
        let id = self.table_id.clone();
        self.print(&format!(
            "Saved as table {id}: `dungeon play --table {id}` resumes it, \
             `dungeon replay {id}` and `dungeon verify {id}` check it."
        ))
    }
}

/// Reads a character file into the command that brings it to a table:
/// Foundry VTT JSON, Fight Club 5 XML or our export. The file is read here,
/// once; the command carries the sheet, so the log never needs the file.
pub fn read_character(path: &std::path::Path, name: Option<&str>) -> Result<Command> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut bytes = Vec::new();
    // One byte over the limit is enough to refuse a file as too large.
    file.take(sheets::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    let imported =
        sheets::import(&bytes, name).with_context(|| format!("importing {}", path.display()))?;
    Ok(Command::ImportCharacter {
        character: Box::new(imported.character),
        notes: imported.notes,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use dm::Event;

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

    /// A session on a fresh SQLite file, writing into `out`.
    fn session(seed: u64, json: bool, out: &Shared) -> (Session, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let s = Session::open(
            &url,
            "t1",
            &seed_from_number(seed),
            round_clock(),
            json,
            Box::new(out.clone()),
        )
        .unwrap();
        (s, dir)
    }

    fn demo(json: bool) -> (Session, String, tempfile::TempDir) {
        let out = Shared::default();
        let (mut s, dir) = session(7, json, &out);
        s.auto_players = true;
        for line in DEMO.lines() {
            s.line(line).unwrap();
        }
        let text = String::from_utf8(out.0.borrow().clone()).unwrap();
        (s, text, dir)
    }

    /// The table's stored log.
    fn log(s: &Session) -> Vec<Event> {
        crate::core::replay::decode(s.block_on(s.router().store().events("t1", 0)).unwrap())
            .unwrap()
    }

    #[test]
    fn the_demo_plays_a_whole_fight_and_its_log_replays_to_the_same_table() {
        let (s, text, _dir) = demo(false);
        assert!(text.contains("The fight is over after"), "{text}");
        assert!(text.contains("4 of 4 monsters fell"), "{text}");
        assert!(s.table.encounter.is_none());
        assert!(s.table.revealed_seed.is_some());
        // The log says which rules and content it was played with.
        assert_eq!(s.table.build, rules::content::build());
        assert!(s.table.build.starts_with("rules "), "{}", s.table.build);
        let log = log(&s);
        let replayed = Table::replay(&log).unwrap();
        assert_eq!(replayed, s.table);
        // Every roll checks out against the revealed seed.
        let rolls: Vec<_> = log
            .iter()
            .filter_map(|e| match e {
                Event::Did { rolls, .. } => rolls.clone(),
                _ => None,
            })
            .collect();
        let seed = seed_from_number(7);
        let v = dm::seed::verify(&seed, &seed.commitment(), &rolls);
        assert!(v.is_ok(), "{v}");
        assert!(v.rolls_checked > 20, "{v}");
    }

    #[test]
    fn the_same_seed_plays_the_same_game_and_json_lines_parse() {
        let (a, text, _d1) = demo(true);
        let (b, _, _d2) = demo(true);
        assert_eq!(log(&a), log(&b));
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
    fn the_adventure_demo_explores_the_shipped_adventure_to_its_end_and_replays() {
        let out = Shared::default();
        let (mut s, _dir) = session(3, true, &out);
        s.adventure_demo("the-sunken-chapel").unwrap();
        let ex = s.table.adventure.as_deref().unwrap();
        assert!(ex.ended.is_some(), "{:?}", ex.area);
        assert!(ex.visited.len() >= 10, "{:?}", ex.visited);
        assert!(ex.traps_sprung >= 1);
        assert!(ex.fights >= 3, "{}", ex.fights);
        let text = String::from_utf8(out.0.borrow().clone()).unwrap();
        let mut areas = 0;
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            areas += usize::from(v["kind"] == "area");
        }
        assert!(areas >= 10, "{areas}");
        assert_eq!(Table::replay(&log(&s)).unwrap(), s.table);
    }

    #[test]
    fn a_game_resumes_from_the_store_where_it_stopped() {
        let out = Shared::default();
        let (mut s, dir) = session(5, false, &out);
        s.line("as aria: char new Aria wizard 3 elf").unwrap();
        s.line("dm hp aria -3").unwrap();
        let before = s.table.clone();
        drop(s);
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let resumed = Session::open(
            &url,
            "t1",
            &seed_from_number(99),
            round_clock(),
            false,
            Box::new(out.clone()),
        )
        .unwrap();
        assert_eq!(resumed.table, before);
        let text = String::from_utf8(out.0.borrow().clone()).unwrap();
        assert!(text.contains("Table t1 resumed"), "{text}");
    }

    #[test]
    fn a_player_out_of_turn_is_refused_and_the_log_does_not_grow() {
        let out = Shared::default();
        let (mut s, _dir) = session(3, false, &out);
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
        let before = log(&s).len();
        s.line(&format!("as {other}: a -t g1")).unwrap();
        assert_eq!(log(&s).len(), before);
        assert_eq!(s.refused, 1);
        let text = String::from_utf8(out.0.borrow().clone()).unwrap();
        assert!(text.contains("✗ not your turn — it's"), "{text}");
        s.line("as aria: atack g1").unwrap();
        let text = String::from_utf8(out.0.borrow().clone()).unwrap();
        assert!(text.contains("did you mean"), "{text}");
    }
}
