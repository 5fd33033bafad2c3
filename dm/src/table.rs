//! One table's state and the session state machine: [`handle`] checks a
//! command and returns the [`Event`] it makes and the [`Reply`]; applying
//! events ([`Table::apply`]) is the only way the state changes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use rules::dice::{DieRoller, Roller};

use crate::character::Character;
use crate::command::Command;
use crate::encounter::Encounter;
use crate::event::{Event, PlayerId, Recorder, Replayer, Reply};
use crate::journal::{self, Glance, Journal};
use crate::play;
use crate::seed::RollRecord;

/// A place where a game is played: a Discord channel, a mesh channel, a
/// console game.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Its DM (who opened it).
    pub dm: Option<PlayerId>,
    /// Players with the DM's rights besides the DM, and why they have them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub co_dms: BTreeMap<PlayerId, String>,
    /// The commitment to its dice seed (hex SHA-256), shown to players.
    pub commitment: String,
    /// The rules and content build that opened it (see [`rules::content::build`]).
    #[serde(default)]
    pub build: String,
    /// The seed, once revealed (hex).
    pub revealed_seed: Option<String>,
    /// The characters, in the order they were made.
    pub characters: Vec<Character>,
    /// Which character each player plays (by handle).
    pub players: BTreeMap<PlayerId, String>,
    /// Who made each character (by handle): they may play it again with `char use`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub owners: BTreeMap<String, PlayerId>,
    /// The fight, if one is on.
    pub encounter: Option<Encounter>,
    /// Who concentrates on what (a spell's name) while no fight is on; a
    /// fight holds it meanwhile ([`Encounter::concentration`]): see
    /// [`Table::concentrations`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub concentration: BTreeMap<String, String>,
    /// The open party vote, if any.
    pub vote: Option<Vote>,
    /// The number of the next roll (every roll at the table is numbered).
    pub next_roll: u64,
    /// How many events have been applied.
    pub applied: u64,
    /// Narration and results kept for `status` (the last few lines).
    pub recent: Vec<String>,
    /// Ability scores rolled with `char roll` (4d6 drop the lowest, six
    /// times) and not yet used, by who rolled them: `char new … rolled`
    /// must assign exactly this set.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rolled_scores: BTreeMap<PlayerId, RolledScores>,
    /// The DM forbade typed ability scores (`dm allow manual off`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub manual_scores_forbidden: bool,
    /// Closed by an operator, and why: nothing more happens here (looking
    /// and verifying still work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    /// What the table remembers: the journal of what happened and the
    /// notebook (see [`crate::journal`]).
    #[serde(default, skip_serializing_if = "journal_is_empty")]
    pub journal: Journal,
    /// Radio players hear narration of area entries and fight ends (`narrate on`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub radio_narration: bool,
    /// The option a vote settled by the command being applied (taken by
    /// the journal as the command ends; always empty between commands).
    #[serde(skip)]
    pub(crate) settled_vote: Option<String>,
    /// The adventure being played, if the DM started one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adventure: Option<Box<crate::explore::Exploration>>,
}

fn journal_is_empty(j: &Journal) -> bool {
    *j == Journal::default()
}

/// A set of six ability scores rolled at the table, with the number of the
/// roll that made it, so anyone can check it against the seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolledScores {
    /// The table's roll number.
    pub roll: u64,
    /// The six totals, in the order rolled.
    pub scores: [u8; 6],
}

/// A party vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    /// Who opened it.
    pub opened_by: PlayerId,
    /// The options.
    pub options: Vec<String>,
    /// Each voter's option index.
    pub ballots: BTreeMap<PlayerId, usize>,
    /// When it closes (seconds since the epoch): majority at that time.
    pub deadline: u64,
    /// A vote on where to go: the area its first option leads to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go: Option<String>,
}

/// Why a command was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{0}")]
pub struct Rejection(pub String);

impl Rejection {
    /// A rejection with this reason.
    pub fn new(why: impl Into<String>) -> Self {
        Self(why.into())
    }
}

/// A command's result: the events to commit, then the reply to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What to commit (empty for a command that only reads).
    pub events: Vec<Event>,
    /// What to tell.
    pub reply: Reply,
}

/// What the shell gives a command besides the command itself.
pub struct Ctx<'a> {
    /// Who sent it.
    pub actor: PlayerId,
    /// Where the dice come from (the table's seeded stream for roll `next_roll`).
    pub dice: &'a mut dyn DieRoller,
    /// Parses and rolls the command's dice texts, drawing faces from
    /// `dice`; kept per table so its parse cache and buffers serve every command.
    pub roller: &'a mut Roller,
    /// Now, in seconds since the Unix epoch.
    pub now: u64,
}

/// A log that does not replay to the state it claims.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// A logged command is refused by the state the log built.
    #[error("event {index}: the logged command is refused now: {why}")]
    Refused {
        /// Which event.
        index: u64,
        /// Why.
        why: String,
    },
    /// The dice the command asked for are not the logged ones.
    #[error("event {index}: the logged dice don't match what the command rolls")]
    Dice {
        /// Which event.
        index: u64,
    },
}

/// Checks `command` from `ctx.actor` against `table` and carries it out on
/// a copy: the events it makes and the reply, or why it is refused (and
/// then nothing changed). Commit the events, then [`Table::apply`] them.
pub fn handle(table: &Table, command: &Command, ctx: Ctx<'_>) -> Result<Outcome, Rejection> {
    if let Some(why) = &table.closed
        && mutates(command)
    {
        return Err(Rejection::new(format!(
            "this table is closed ({why}): nothing more happens here"
        )));
    }
    let mut next = table.clone();
    let mut recorder = Recorder::new(ctx.dice);
    let mut dice = play::Dice::new(&mut recorder, ctx.roller);
    let reply = play::execute(&mut next, &ctx.actor, command, ctx.now, &mut dice)?;
    if !mutates(command) {
        return Ok(Outcome {
            events: Vec::new(),
            reply,
        });
    }
    let rolls = (!recorder.faces.is_empty()).then_some(RollRecord {
        seq: table.next_roll,
        faces: recorder.faces,
    });
    Ok(Outcome {
        events: vec![Event::Did {
            actor: ctx.actor,
            command: command.clone(),
            rolls,
            at: ctx.now,
        }],
        reply,
    })
}

/// Whether a command can change the table (read-only ones make no event).
fn mutates(command: &Command) -> bool {
    !matches!(
        command,
        Command::Status
            | Command::Sheet { .. }
            | Command::Commands
            | Command::Verify
            | Command::Notes { .. }
            | Command::Recap
            | Command::Look
            | Command::Party { action: None }
            | Command::Dm(crate::command::DmCommand::Map)
    )
}

impl Table {
    /// A new table, opened by `dm`, committed to a dice seed.
    pub fn opened(dm: PlayerId, commitment: String) -> Event {
        Event::Opened {
            dm,
            commitment,
            build: rules::content::build().to_owned(),
        }
    }

    /// Applies one event: the only way the state changes. Returns the reply
    /// the command gave when it was accepted.
    pub fn apply(&mut self, event: &Event) -> Result<Reply, ReplayError> {
        self.apply_with(event, &mut Roller::new())
    }

    /// [`Table::apply`] rolling the command's dice texts with `roller`, kept
    /// across events (as [`Table::replay`] does) so that its parse cache
    /// and buffers serve them all. The faces are the logged ones either way.
    pub fn apply_with(&mut self, event: &Event, roller: &mut Roller) -> Result<Reply, ReplayError> {
        let index = self.applied;
        let reply = match event {
            Event::Opened {
                dm,
                commitment,
                build,
            } => {
                self.dm = Some(dm.clone());
                self.commitment.clone_from(commitment);
                self.build.clone_from(build);
                Reply::default()
            }
            Event::SeedRevealed { seed } => {
                self.revealed_seed = Some(seed.clone());
                Reply::default()
            }
            Event::DmGranted { player, reason } => {
                if !self.is_dm(player) {
                    self.co_dms.insert(player.clone(), reason.clone());
                }
                Reply::default()
            }
            Event::DmRevoked { player, .. } => {
                self.co_dms.remove(player);
                Reply::default()
            }
            Event::Closed { reason } => {
                self.closed = Some(reason.clone());
                Reply::default()
            }
            Event::Did {
                actor,
                command,
                rolls,
                at,
            } => {
                let faces = rolls.as_ref().map_or(&[][..], |r| &r.faces[..]);
                let mut replay = Replayer::new(faces);
                let mut dice = play::Dice::new(&mut replay, roller);
                self.journal.tick(*at);
                let before = Glance::of(self);
                let reply = play::execute(self, actor, command, *at, &mut dice)
                    .map_err(|r| ReplayError::Refused { index, why: r.0 })?;
                journal::record(self, &before, *at);
                if !replay.exact() {
                    return Err(ReplayError::Dice { index });
                }
                if rolls.is_some() {
                    self.next_roll += 1;
                }
                reply
            }
        };
        self.applied += 1;
        Ok(reply)
    }

    /// Rebuilds a table from its log.
    pub fn replay<'e>(events: impl IntoIterator<Item = &'e Event>) -> Result<Self, ReplayError> {
        let mut table = Self::default();
        let mut roller = Roller::new();
        for e in events {
            table.apply_with(e, &mut roller)?;
        }
        Ok(table)
    }

    /// The character a player plays.
    pub fn character_of(&self, player: &PlayerId) -> Option<&Character> {
        let handle = self.players.get(player)?;
        self.characters.iter().find(|c| &c.handle == handle)
    }

    /// A character by handle.
    pub fn character(&self, handle: &str) -> Option<&Character> {
        self.characters.iter().find(|c| c.handle == handle)
    }

    /// A character by handle, to change.
    pub fn character_mut(&mut self, handle: &str) -> Option<&mut Character> {
        self.characters.iter_mut().find(|c| c.handle == handle)
    }

    /// Who concentrates on what, in a fight or out of one.
    pub fn concentrations(&self) -> &BTreeMap<String, String> {
        self.encounter
            .as_ref()
            .map_or(&self.concentration, |e| &e.concentration)
    }

    /// Who concentrates on what, to change.
    pub fn concentrations_mut(&mut self) -> &mut BTreeMap<String, String> {
        match self.encounter.as_mut() {
            Some(e) => &mut e.concentration,
            None => &mut self.concentration,
        }
    }

    /// Whether `player` has the DM's rights: the table's DM, or a player
    /// granted them ([`Event::DmGranted`]).
    pub fn is_dm(&self, player: &PlayerId) -> bool {
        self.dm.as_ref() == Some(player) || self.co_dms.contains_key(player)
    }
}
