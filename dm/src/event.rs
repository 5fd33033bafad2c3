//! What the DM core returns and what the store keeps: [`Event`]s, the
//! structured [`Reply`], and the roller wrappers that make every accepted
//! command replayable.
//!
//! An accepted command becomes one [`Event::Did`]: who, what, and every die
//! face the command rolled (with its roll number at the table, so the faces
//! can be checked against the table's seed). Applying it runs the same rules
//! again with those faces, so state = fold(events), exactly.

use serde::{Deserialize, Serialize};

use rules::dice::DieRoller;

use crate::command::Command;
use crate::seed::{DieFace, RollRecord};

/// Who sends commands: a player (by transport identity) or the table's DM.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PlayerId(pub String);

impl PlayerId {
    /// A player id from any string ("console:aria", "discord:1234").
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
}

impl std::fmt::Display for PlayerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A fact that happened at a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The table opened: its DM and the commitment to its dice seed.
    Opened {
        /// The DM.
        dm: PlayerId,
        /// The SHA-256 commitment to the dice seed, hex (empty: none).
        commitment: String,
        /// The rules and content that opened it ([`rules::content::build`]):
        /// replaying re-runs the rules, so a log says which ones it expects.
        #[serde(default)]
        build: String,
    },
    /// A command was accepted and carried out.
    Did {
        /// Who sent it.
        actor: PlayerId,
        /// What it was.
        command: Command,
        /// The dice it rolled, if any.
        rolls: Option<RollRecord>,
        /// When, in seconds since the Unix epoch (as the shell said).
        at: u64,
    },
    /// The dice seed was revealed: every roll can now be checked.
    SeedRevealed {
        /// The seed, hex.
        seed: String,
    },
    /// A player was given the DM's rights at the table by a transport that
    /// vouches for them (a Discord member with Manage Server, a radio node
    /// listed as a DM in the config).
    DmGranted {
        /// The player.
        player: PlayerId,
        /// Why, as the transport put it.
        reason: String,
    },
    /// A co-DM's rights were taken back (by an operator, through the admin
    /// API). The table's own DM keeps theirs.
    DmRevoked {
        /// The player.
        player: PlayerId,
        /// Why, as the operator put it.
        reason: String,
    },
    /// An operator closed the table: no command changes it any more.
    Closed {
        /// Why, as the operator put it.
        reason: String,
    },
}

/// The structured answer to a command, rendered by each transport.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// What happened, in order.
    pub lines: Vec<Line>,
    /// Whose turn it is now, if a fight is on: (handle, display name, owner).
    pub turn: Option<TurnNote>,
    /// Only the sender should see it (a full sheet).
    pub private: bool,
    /// The whole table should hear it, whoever it names: narration, a fight
    /// beginning or ending, rewards for the party, a vote settled.
    /// Transports that answer in private (radio) tell it to every player.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub announce: bool,
}

/// Whose turn it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnNote {
    /// The round.
    pub round: u32,
    /// The combatant's handle.
    pub handle: String,
    /// Its display name.
    pub name: String,
    /// The player to ping, if a player's character.
    pub player: Option<PlayerId>,
}

/// One part of a reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Line {
    /// A dice roll: what was rolled, the breakdown, the total.
    Roll {
        /// Who rolled.
        who: String,
        /// What for ("1d20+5", "Athletics check").
        label: String,
        /// The dice breakdown ("1d20 (14) + 5 = 19").
        detail: String,
        /// The total.
        total: i64,
    },
    /// An attack roll against one target.
    Attack {
        /// The attacker.
        attacker: String,
        /// The target.
        target: String,
        /// The weapon, action or spell.
        with: String,
        /// The kept d20 face.
        d20: u64,
        /// Every d20 rolled, in order: two with advantage or disadvantage,
        /// so the log shows the one left aside too.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        d20s: Vec<u64>,
        /// The total.
        total: i32,
        /// The AC it was against.
        ac: i32,
        /// Hit, critical or miss.
        result: String,
    },
    /// A saving throw or check against a DC.
    Save {
        /// Who saved.
        who: String,
        /// The ability or what for.
        what: String,
        /// The total (none: failed automatically).
        total: Option<i32>,
        /// The DC.
        dc: i32,
        /// Whether it succeeded.
        success: bool,
    },
    /// Damage taken.
    Damage {
        /// Who.
        target: String,
        /// After defenses.
        amount: u32,
        /// Hit points before.
        hp_before: u32,
        /// Types, joined ("slashing", "fire+cold").
        types: String,
        /// Hit points after.
        hp: u32,
        /// Hit point maximum.
        max_hp: u32,
        /// "down", "dead" or "" .
        state: String,
        /// Each type's part of the damage, as rolled and as taken through
        /// resistance, vulnerability and immunity (none: the DM's `dm hp`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        parts: Vec<DamagePart>,
    },
    /// Healing or temporary hit points.
    Heal {
        /// Who.
        target: String,
        /// How much.
        amount: u32,
        /// Hit points before.
        hp_before: u32,
        /// Hit points after.
        hp: u32,
        /// Maximum.
        max_hp: u32,
    },
    /// A condition or an effect began or ended.
    Effect {
        /// On whom.
        target: String,
        /// What ("paralyzed", "Bless").
        what: String,
        /// Began (true) or ended.
        began: bool,
    },
    /// A new character in brief: what it is and the figures a table asks
    /// for first.
    Character {
        /// Its name.
        name: String,
        /// Its level.
        level: u8,
        /// Its race (subrace, if any).
        race: String,
        /// Its class.
        class: String,
        /// Hit point maximum.
        max_hp: u32,
        /// Armour class.
        ac: i32,
        /// Walking speed in feet.
        speed: u32,
        /// STR, DEX, CON, INT, WIS, CHA.
        scores: [u8; 6],
    },
    /// Experience points awarded.
    Xp {
        /// To whom.
        who: String,
        /// How many.
        amount: u32,
        /// Their total now.
        total: u32,
        /// Whether the total is enough for the next level.
        level_up: bool,
    },
    /// Anything else worth saying.
    Note {
        /// The text.
        text: String,
    },
    /// Narration of what the rules decided (see [`crate::narration`]): told
    /// after the reply it decorates, never part of the log.
    Narration {
        /// The prose.
        text: String,
        /// The radio's line (≤ 120 bytes), only for area entries and fight
        /// ends at a table that turned radio narration on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        radio: Option<String>,
    },
    /// A recap of a session (see [`crate::journal::Recap`]).
    Recap {
        /// In full sentences.
        text: String,
        /// In one radio packet (≤ 200 bytes).
        brief: String,
    },
    /// An area of an adventure as players see it: only what they may know.
    Area {
        /// Its name.
        name: String,
        /// What is read out (the long text on a first visit).
        text: String,
        /// The short text (≤ 170 bytes): what the radio tells.
        short: String,
        /// The exits players can see: `n door (locked)`, `e arch`.
        exits: Vec<String>,
        /// What is there to use, take or talk to.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        things: Vec<String>,
    },
}

/// One damage type's part of a hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DamagePart {
    /// The type ("fire").
    pub damage_type: String,
    /// As rolled (doubled dice on a critical hit, halved on a save for half).
    pub rolled: u32,
    /// What got through resistance, vulnerability and immunity.
    pub taken: u32,
}

/// The note that calls whose turn it is: `Round 2: Cade's turn.`
pub fn turn_call(round: u32, name: &str) -> String {
    format!("Round {round}: {name}'s turn.")
}

/// Ability scores with their abbreviations, STR to CHA: `("STR", 15)`.
pub fn abilities(scores: &[u8; 6]) -> impl Iterator<Item = (&'static str, u8)> + '_ {
    rules::mechanics::Ability::ALL
        .iter()
        .map(|a| a.abbreviation())
        .zip(scores.iter().copied())
}

/// Ability scores as a sheet lists them: `STR 15, DEX 13, …`.
pub fn scores_text(scores: &[u8; 6]) -> String {
    abilities(scores)
        .map(|(a, s)| format!("{a} {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Reply {
    /// A reply of one note.
    pub fn note(text: impl Into<String>) -> Self {
        let mut r = Self::default();
        r.say(text);
        r
    }

    /// Adds a note.
    pub fn say(&mut self, text: impl Into<String>) {
        self.lines.push(Line::Note { text: text.into() });
    }
}

/// A roller that passes faces through from another and writes them down.
pub struct Recorder<'a> {
    inner: &'a mut dyn DieRoller,
    /// The faces so far.
    pub faces: Vec<DieFace>,
}

impl<'a> Recorder<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a mut dyn DieRoller) -> Self {
        Self {
            inner,
            faces: Vec::new(),
        }
    }
}

impl DieRoller for Recorder<'_> {
    fn roll_die(&mut self, sides: u64) -> u64 {
        let face = self.inner.roll_die(sides).clamp(1, sides.max(1));
        self.faces.push(DieFace { sides, face });
        face
    }
}

/// A roller that gives back recorded faces in order; it notes any die that
/// differs from the record (a log from other rules or tampered with).
pub struct Replayer<'a> {
    faces: &'a [DieFace],
    next: usize,
    /// Set when a die was asked for that the record doesn't hold.
    pub diverged: bool,
}

impl<'a> Replayer<'a> {
    /// Replays `faces`.
    pub fn new(faces: &'a [DieFace]) -> Self {
        Self {
            faces,
            next: 0,
            diverged: false,
        }
    }

    /// Whether every recorded face was used, and no other.
    pub fn exact(&self) -> bool {
        !self.diverged && self.next == self.faces.len()
    }
}

impl DieRoller for Replayer<'_> {
    fn roll_die(&mut self, sides: u64) -> u64 {
        match self.faces.get(self.next) {
            Some(f) if f.sides == sides => {
                self.next += 1;
                f.face
            }
            _ => {
                self.diverged = true;
                1
            }
        }
    }
}

/// How badly hurt a creature is, as players may see a monster's health:
/// a band, never the numbers. Each transport words it its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthBand {
    /// At full hit points.
    Unhurt,
    /// Above half.
    Hurt,
    /// Half or less, still up.
    Bloodied,
    /// At 0.
    Down,
}

impl HealthBand {
    /// The word every transport shows for it, as Avrae does: `healthy`,
    /// `injured`, `bloodied`, `down`.
    pub fn word(self) -> &'static str {
        match self {
            Self::Unhurt => "healthy",
            Self::Hurt => "injured",
            Self::Bloodied => "bloodied",
            Self::Down => "down",
        }
    }

    /// The band of `hp` out of `max_hp`.
    pub fn of(hp: u32, max_hp: u32) -> Self {
        if hp >= max_hp {
            Self::Unhurt
        } else if hp * 2 > max_hp {
            Self::Hurt
        } else if hp > 0 {
            Self::Bloodied
        } else {
            Self::Down
        }
    }
}
