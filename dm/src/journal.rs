//! The table's memory: a journal of what happened (fights, falls, loot,
//! experience, votes), the players' and the DM's notebook, and the recap
//! made from them.
//!
//! The journal is part of the table's state, so like everything else it is
//! a fold of the event log: [`Table::apply_with`](crate::Table::apply_with)
//! compares a [`Glance`] at the table before and after each command and
//! writes down what changed, dated by the event. A recap is therefore the
//! same on every replay, and on every process that loaded the log.
//!
//! Sessions: an event that comes [`SESSION_GAP`] seconds or more after the
//! one before starts a new session (a table that stopped for the night).

use serde::{Deserialize, Serialize};

use rules::mechanics::LifeState;

use crate::event::PlayerId;
use crate::table::Table;

/// A pause this long (3 hours) between two events starts a new session.
pub const SESSION_GAP: u64 = 3 * 3600;
/// The journal keeps this many happenings (the notebook keeps every note).
pub const JOURNAL_CAP: usize = 500;
/// The longest note, in bytes.
pub const NOTE_CAP: usize = 280;
/// The radio's recap fits one packet.
pub const RADIO_RECAP: usize = 200;

/// What the table remembers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// What happened, oldest first (the last [`JOURNAL_CAP`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<Entry>,
    /// The notebook: every note, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<NoteEntry>,
    /// The session now (1 from the first event).
    #[serde(default)]
    pub session: u32,
    /// When the last event came (seconds since the epoch).
    #[serde(default)]
    pub last_at: u64,
    /// How many happenings were ever written (the journal keeps the last
    /// [`JOURNAL_CAP`]).
    #[serde(default)]
    pub written: u64,
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// When (seconds since the epoch).
    pub at: u64,
    /// In which session.
    pub session: u32,
    /// What.
    pub what: Happening,
}

/// What the journal records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Happening {
    /// A fight began against these monsters (names, as the table shows them).
    FightBegan {
        /// The monsters in it when it began (more may join).
        against: Vec<String>,
    },
    /// A monster in a fight dropped (dead or at 0 hit points).
    MonsterFell {
        /// What it is (the SRD's name: "Goblin").
        name: String,
    },
    /// A fight ended.
    FightOver {
        /// After how many rounds.
        rounds: u32,
        /// Whether every monster in it was down.
        won: bool,
    },
    /// A character dropped to 0 hit points.
    Fell {
        /// Its name.
        who: String,
    },
    /// A character died.
    Died {
        /// Its name.
        who: String,
    },
    /// A character gained gold or items.
    Gained {
        /// Its name.
        who: String,
        /// Gold pieces gained.
        gold: u32,
        /// Items gained.
        items: Vec<String>,
    },
    /// A character gained experience.
    Xp {
        /// Its name.
        who: String,
        /// How much.
        amount: u32,
    },
    /// A character reached a level.
    Levelled {
        /// Its name.
        who: String,
        /// The level.
        level: u8,
    },
    /// The party entered an area of its adventure.
    Entered {
        /// The area's name.
        area: String,
        /// For the first time.
        first: bool,
    },
    /// The party met someone of its adventure (on first entering their area).
    Met {
        /// Their name.
        npc: String,
    },
    /// A party vote was settled.
    Voted {
        /// The options.
        options: Vec<String>,
        /// The one chosen.
        chosen: String,
    },
}

/// A note in the notebook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteEntry {
    /// When.
    pub at: u64,
    /// In which session.
    pub session: u32,
    /// Who wrote it (a player, the DM; none: the table noted it itself).
    pub by: Option<PlayerId>,
    /// The name it is signed with (a character's name, "DM", "table").
    pub signed: String,
    /// The text.
    pub text: String,
    /// Only the DM may read it.
    pub private: bool,
}

/// What the journal compares before and after a command.
#[derive(Debug, Clone, Default)]
pub struct Glance {
    /// The adventure's area and the areas visited, if one is running.
    place: Option<(String, std::collections::BTreeSet<String>)>,
    characters: Vec<CharacterGlance>,
    fight: Option<FightGlance>,
    vote: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
struct CharacterGlance {
    handle: String,
    down: bool,
    dead: bool,
    gold: u32,
    items: usize,
    xp: u32,
    level: u8,
}

#[derive(Debug, Clone)]
struct FightGlance {
    round: u32,
    monsters: Vec<(String, bool)>,
}

fn is_down(state: LifeState) -> bool {
    !matches!(state, LifeState::Conscious)
}

impl Glance {
    /// What the journal needs to know of `table` now.
    pub fn of(table: &Table) -> Self {
        Glance {
            place: table
                .adventure
                .as_deref()
                .map(|ex| (ex.area.clone(), ex.visited.clone())),
            characters: table
                .characters
                .iter()
                .map(|c| {
                    let state = c.health.state();
                    CharacterGlance {
                        handle: c.handle.clone(),
                        down: is_down(state),
                        dead: state == LifeState::Dead,
                        gold: c.gold,
                        items: c.items.len(),
                        xp: c.xp,
                        level: c.level,
                    }
                })
                .collect(),
            fight: table.encounter.as_ref().map(|e| FightGlance {
                round: e.round,
                monsters: e
                    .monsters
                    .iter()
                    .map(|m| (m.handle.clone(), is_down(m.health.state())))
                    .collect(),
            }),
            vote: table.vote.as_ref().map(|v| v.options.clone()),
        }
    }
}

impl Journal {
    /// Dates the event that comes at `at`: a long pause starts a session.
    pub(crate) fn tick(&mut self, at: u64) {
        if self.session == 0 || at.saturating_sub(self.last_at) >= SESSION_GAP {
            self.session += 1;
        }
        self.last_at = self.last_at.max(at);
    }

    fn push(&mut self, at: u64, what: Happening) {
        self.written += 1;
        self.entries.push(Entry {
            at,
            session: self.session,
            what,
        });
        if self.entries.len() > JOURNAL_CAP {
            let extra = self.entries.len() - JOURNAL_CAP;
            self.entries.drain(..extra);
        }
    }

    /// Adds a note (already checked for length).
    pub(crate) fn note(
        &mut self,
        at: u64,
        by: Option<PlayerId>,
        signed: &str,
        text: &str,
        private: bool,
    ) {
        self.notes.push(NoteEntry {
            at,
            session: self.session,
            by,
            signed: signed.to_owned(),
            text: text.to_owned(),
            private,
        });
    }

    /// The notes `reader` may see (`dm`: every note), newest first, that
    /// mention every word of `about` (any case), at most `max`.
    pub fn search<'a>(&'a self, about: &str, dm: bool, max: usize) -> Vec<&'a NoteEntry> {
        let words: Vec<String> = about.split_whitespace().map(str::to_lowercase).collect();
        self.notes
            .iter()
            .rev()
            .filter(|n| dm || !n.private)
            .filter(|n| {
                let text = n.text.to_lowercase();
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .take(max)
            .collect()
    }
}

/// Writes down what the command dated `at` changed at `table`, seen
/// against `before`; `settled` is the vote it settled, if any.
pub(crate) fn record(table: &mut Table, before: &Glance, at: u64) {
    let after = Glance::of(table);
    let name = |t: &Table, h: &str| {
        t.character(h)
            .map_or_else(|| h.to_owned(), |c| c.name.clone())
    };
    let mut found = Vec::new();
    match (&before.fight, &after.fight) {
        (None, Some(f)) => found.push(Happening::FightBegan {
            against: f
                .monsters
                .iter()
                .map(|(h, _)| monster_name(table, h))
                .collect(),
        }),
        (Some(b), Some(a)) => {
            for (h, down) in &a.monsters {
                let was = b
                    .monsters
                    .iter()
                    .find(|(bh, _)| bh == h)
                    .is_some_and(|(_, d)| *d);
                if *down && !was {
                    found.push(Happening::MonsterFell {
                        name: monster_kind(table, h),
                    });
                }
            }
        }
        (Some(b), None) => {
            found.push(Happening::FightOver {
                rounds: b.round,
                won: !b.monsters.is_empty() && b.monsters.iter().all(|(_, d)| *d),
            });
        }
        (None, None) => {}
    }
    for c in &after.characters {
        let Some(b) = before.characters.iter().find(|b| b.handle == c.handle) else {
            continue;
        };
        let who = name(table, &c.handle);
        if c.dead && !b.dead {
            found.push(Happening::Died { who: who.clone() });
        } else if c.down && !b.down {
            found.push(Happening::Fell { who: who.clone() });
        }
        let items: Vec<String> = table
            .character(&c.handle)
            .map(|ch| ch.items.iter().skip(b.items).cloned().collect())
            .unwrap_or_default();
        if c.gold > b.gold || c.items > b.items {
            found.push(Happening::Gained {
                who: who.clone(),
                gold: c.gold.saturating_sub(b.gold),
                items: if c.items > b.items { items } else { Vec::new() },
            });
        }
        if c.xp > b.xp {
            found.push(Happening::Xp {
                who: who.clone(),
                amount: c.xp - b.xp,
            });
        }
        if c.level > b.level {
            found.push(Happening::Levelled {
                who,
                level: c.level,
            });
        }
    }
    let none = std::collections::BTreeSet::new();
    let (was, visited) = match &before.place {
        Some((area, visited)) => (Some(area.as_str()), visited),
        None => (None, &none),
    };
    if let Some(ex) = table.adventure.as_deref()
        && was != Some(ex.area.as_str())
        && let Some(area) = ex.area_by(&ex.area)
    {
        // The start counts as entered when the adventure begins.
        let first = was.is_none() || !visited.contains(&ex.area);
        found.push(Happening::Entered {
            area: area.name.clone(),
            first,
        });
        if first {
            for npc in ex.adventure.npcs.iter().filter(|n| n.area == ex.area) {
                found.push(Happening::Met {
                    npc: npc.name.clone(),
                });
            }
        }
    }
    if let (Some(options), Some(chosen)) = (&before.vote, table.settled_vote.take()) {
        found.push(Happening::Voted {
            options: options.clone(),
            chosen,
        });
    }
    for what in found {
        // Places and people met go in the notebook too, for `notes`.
        let noted = match &what {
            Happening::Entered { area, first: true } => Some(format!("Place: {area}")),
            Happening::Met { npc } => Some(format!("Met {npc}")),
            _ => None,
        };
        if let Some(text) = noted {
            table.journal.note(at, None, "table", &text, false);
        }
        table.journal.push(at, what);
    }
}

/// What a monster is ("Goblin"), for counting the fallen by kind.
fn monster_kind(table: &Table, handle: &str) -> String {
    table
        .encounter
        .as_ref()
        .and_then(|e| e.monsters.iter().find(|m| m.handle == handle))
        .and_then(|m| m.data())
        .map_or_else(|| monster_name(table, handle), |d| d.name.clone())
}

fn monster_name(table: &Table, handle: &str) -> String {
    table
        .encounter
        .as_ref()
        .and_then(|e| e.monsters.iter().find(|m| m.handle == handle))
        .map_or_else(|| handle.to_owned(), |m| m.name())
}

/// A session's story in figures: what `recap` tells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recap {
    /// Which session.
    pub session: u32,
    /// Fights won, and the others (fled, ended by the DM).
    pub fights_won: u32,
    /// Fights that ended with monsters standing.
    pub fights_other: u32,
    /// Monsters that fell, by name, with how many.
    pub foes: Vec<(String, u32)>,
    /// Characters that fell (0 HP), in order, once each.
    pub fell: Vec<String>,
    /// Characters that died.
    pub died: Vec<String>,
    /// Gold gained by the party.
    pub gold: u32,
    /// Items gained, in order.
    pub items: Vec<String>,
    /// Experience, per character.
    pub xp: Vec<(String, u32)>,
    /// Levels reached.
    pub levels: Vec<(String, u8)>,
    /// Votes and what was chosen.
    pub votes: Vec<String>,
    /// Areas explored for the first time, in order.
    pub explored: Vec<String>,
    /// People met, in order.
    pub met: Vec<String>,
    /// Shared notes written that session.
    pub notes: usize,
}

impl Recap {
    /// The recap of the last session that has anything in it (none: the
    /// table has no story yet).
    pub fn last(journal: &Journal) -> Option<Self> {
        let session = journal
            .entries
            .iter()
            .map(|e| e.session)
            .chain(
                journal
                    .notes
                    .iter()
                    .filter(|n| !n.private)
                    .map(|n| n.session),
            )
            .max()?;
        Some(Self::of(journal, session))
    }

    /// The recap of `session`.
    pub fn of(journal: &Journal, session: u32) -> Self {
        let mut r = Recap {
            session,
            ..Recap::default()
        };
        let once = |list: &mut Vec<String>, who: &str| {
            if !list.iter().any(|w| w == who) {
                list.push(who.to_owned());
            }
        };
        for e in journal.entries.iter().filter(|e| e.session == session) {
            match &e.what {
                Happening::FightBegan { .. } => {}
                Happening::MonsterFell { name } => match r.foes.iter_mut().find(|(n, _)| n == name)
                {
                    Some((_, n)) => *n += 1,
                    None => r.foes.push((name.clone(), 1)),
                },
                Happening::FightOver { won, .. } => {
                    if *won {
                        r.fights_won += 1;
                    } else {
                        r.fights_other += 1;
                    }
                }
                Happening::Fell { who } => once(&mut r.fell, who),
                Happening::Died { who } => once(&mut r.died, who),
                Happening::Gained { gold, items, .. } => {
                    r.gold += gold;
                    r.items.extend(items.iter().cloned());
                }
                Happening::Xp { who, amount } => match r.xp.iter_mut().find(|(w, _)| w == who) {
                    Some((_, n)) => *n += amount,
                    None => r.xp.push((who.clone(), *amount)),
                },
                Happening::Levelled { who, level } => r.levels.push((who.clone(), *level)),
                Happening::Voted { chosen, .. } => r.votes.push(chosen.clone()),
                Happening::Entered { area, first } => {
                    if *first {
                        once(&mut r.explored, area);
                    }
                }
                Happening::Met { npc } => once(&mut r.met, npc),
            }
        }
        r.notes = journal
            .notes
            .iter()
            .filter(|n| n.session == session && !n.private)
            .count();
        r
    }

    /// The recap in full sentences, for Discord, the web and the console.
    pub fn text(&self) -> String {
        let mut parts = vec![format!("Session {} so far:", self.session)];
        let fights = self.fights_won + self.fights_other;
        if fights > 0 {
            let mut s = format!("{} fight{} won", self.fights_won, plural(self.fights_won));
            if self.fights_other > 0 {
                s.push_str(&format!(", {} ended otherwise", self.fights_other));
            }
            if !self.foes.is_empty() {
                s.push_str(&format!(" ({} fell)", counted(&self.foes)));
            }
            parts.push(format!("{s}."));
        }
        if !self.fell.is_empty() {
            parts.push(format!("{} fell.", and_list(&self.fell)));
        }
        if !self.died.is_empty() {
            parts.push(format!("{} died.", and_list(&self.died)));
        }
        if self.gold > 0 || !self.items.is_empty() {
            let mut loot = Vec::new();
            if self.gold > 0 {
                loot.push(format!("{} gp", self.gold));
            }
            loot.extend(self.items.iter().cloned());
            parts.push(format!("Loot: {}.", loot.join(", ")));
        }
        if !self.xp.is_empty() {
            let xp: Vec<String> = self.xp.iter().map(|(w, n)| format!("{w} {n}")).collect();
            parts.push(format!("XP: {}.", xp.join(", ")));
        }
        for (who, level) in &self.levels {
            parts.push(format!("{who} reached level {level}."));
        }
        if !self.votes.is_empty() {
            parts.push(format!("The party chose: {}.", self.votes.join("; ")));
        }
        if !self.explored.is_empty() {
            parts.push(format!("Explored: {}.", self.explored.join(", ")));
        }
        if !self.met.is_empty() {
            parts.push(format!("Met: {}.", and_list(&self.met)));
        }
        if self.notes > 0 {
            parts.push(format!(
                "{} note{} (`notes`).",
                self.notes,
                plural(self.notes as u32)
            ));
        }
        if parts.len() == 1 {
            parts.push("nothing of note yet.".into());
        }
        parts.join(" ")
    }

    /// The recap in one radio packet (at most [`RADIO_RECAP`] bytes).
    pub fn brief(&self) -> String {
        let mut parts = vec![format!("S{}:", self.session)];
        if self.fights_won + self.fights_other > 0 {
            let foes: u32 = self.foes.iter().map(|(_, n)| n).sum();
            parts.push(format!("{}W {}foes", self.fights_won, foes));
        }
        if !self.fell.is_empty() {
            parts.push(format!("fell:{}", self.fell.join(",")));
        }
        if !self.died.is_empty() {
            parts.push(format!("died:{}", self.died.join(",")));
        }
        if self.gold > 0 {
            parts.push(format!("{}gp", self.gold));
        }
        if !self.items.is_empty() {
            parts.push(format!("{}items", self.items.len()));
        }
        let xp: u32 = self.xp.iter().map(|(_, n)| n).sum();
        if xp > 0 {
            parts.push(format!("{xp}xp"));
        }
        if !self.explored.is_empty() {
            parts.push(format!("{}areas", self.explored.len()));
        }
        if !self.met.is_empty() {
            parts.push(format!("met:{}", self.met.join(",")));
        }
        if let Some(v) = self.votes.last() {
            parts.push(format!("chose {v}"));
        }
        let mut out = parts.join(" ");
        if out.len() > RADIO_RECAP {
            let mut cut = RADIO_RECAP - 3;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
            out.push_str("...");
        }
        out
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn counted(list: &[(String, u32)]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|(n, c)| {
            if *c == 1 {
                n.clone()
            } else {
                format!("{n} ×{c}")
            }
        })
        .collect();
    items.join(", ")
}

fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A short memory of the table for a model's prompt (at most `cap`
/// bytes): who the party is, what happened lately, the latest shared notes.
pub fn memory(table: &Table, cap: usize) -> String {
    let party: Vec<String> = table
        .characters
        .iter()
        .map(|c| format!("{} ({} {})", c.name, c.class, c.level))
        .collect();
    let mut parts = Vec::new();
    if !party.is_empty() {
        parts.push(format!("Party: {}.", party.join(", ")));
    }
    if let Some(r) = Recap::last(&table.journal) {
        parts.push(r.text());
    }
    let notes: Vec<&str> = table
        .journal
        .notes
        .iter()
        .rev()
        .filter(|n| !n.private)
        .take(3)
        .map(|n| n.text.as_str())
        .collect();
    if !notes.is_empty() {
        parts.push(format!("Notes: {}.", notes.join("; ")));
    }
    crate::narration::cut(&parts.join(" "), cap)
}

/// The happenings `after` holds that `before` did not: what one event added.
pub fn added<'a>(before: &Journal, after: &'a Journal) -> &'a [Entry] {
    let new = usize::try_from(after.written.saturating_sub(before.written)).unwrap_or(usize::MAX);
    &after.entries[after.entries.len().saturating_sub(new)..]
}
