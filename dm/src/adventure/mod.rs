//! Adventures as data: the areas, exits, doors, features, traps, encounters,
//! treasure, NPCs and goals of a dungeon, written by hand in TOML (or JSON)
//! and run by the exploration engine.
//!
//! The types here are the file format: every struct denies unknown keys, so
//! a typo is an error, and nothing holds a float, so an adventure is `Eq` and
//! can ride inside a command or an event (replay never reads a file). The
//! format is documented key by key in `adventures/README.md`.

use serde::{Deserialize, Serialize};

pub use rules::content::Effect;

mod check;
mod difficulty;
mod generate;
mod load;
mod samples;
mod shipped;

pub use check::{Problem, check};
pub use difficulty::{
    Difficulty, Thresholds, day_budget, difficulty, multiplier, thresholds, xp_of,
};
pub use generate::{Params, generate};
pub use load::{At, LoadError, MAX_BYTES, load, to_toml};
pub use samples::{SAMPLE_TRAPS, sample_trap};
pub use shipped::{find, shipped, shipped_files};

/// The CC-BY-4.0 attribution the SRD 5.1 requires, word for word.
pub const SRD_ATTRIBUTION: &str = "This work includes material taken from the System Reference Document 5.1 (\"SRD 5.1\") by Wizards of the Coast LLC and available at https://dnd.wizards.com/resources/systems-reference-document. The SRD 5.1 is licensed under the Creative Commons Attribution 4.0 International License available at https://creativecommons.org/licenses/by/4.0/legalcode.";

/// The most bytes an area's `short` text or an NPC's greeting may have: one
/// radio packet with room for the exits.
pub const SHORT_MAX: usize = 170;

/// A whole adventure: its areas, people and goals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adventure {
    /// A slug of `a-z`, `0-9` and `-`: "the-drowned-bell".
    pub id: String,
    /// The title shown to players.
    pub title: String,
    /// The lowest and highest character level it is written for.
    pub levels: [u8; 2],
    /// The party size it is written for.
    #[serde(default = "default_party")]
    pub party: u8,
    /// Who wrote it.
    #[serde(default)]
    pub author: String,
    /// The CC-BY line for the SRD content it uses.
    #[serde(default)]
    pub attribution: String,
    /// Read when the adventure starts.
    #[serde(default)]
    pub intro: String,
    /// The id of the area the party starts in.
    pub start: String,
    /// Every area.
    #[serde(default)]
    pub areas: Vec<Area>,
    /// The people met on the way.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub npcs: Vec<Npc>,
    /// What the party is after; at least one ends the adventure.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Items of this adventure that are not SRD items: keys, relics, letters.
    /// A treasure, `give` or goal may name these as well as SRD items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
}

/// An item of the adventure's own: "rusted iron key", "the drowned bell".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Its name, as treasure and doors name it.
    pub name: String,
    /// What it looks like.
    #[serde(default)]
    pub text: String,
}

fn default_party() -> u8 {
    4
}

fn default_true() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One place in the dungeon: a room, a cave, a stretch of corridor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// Its id, unique in the adventure.
    pub id: String,
    /// Its name: "Flooded Crypt".
    pub name: String,
    /// At most [`SHORT_MAX`] bytes: the radio text and the revisit text.
    pub short: String,
    /// The longer read-aloud text for a first visit.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// How much light there is.
    #[serde(default)]
    pub light: Light,
    /// What rest the party may take here.
    #[serde(default)]
    pub rest: Rest,
    /// The ways out.
    #[serde(default)]
    pub exits: Vec<Exit>,
    /// Objects to search or use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
    /// Traps in the area.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traps: Vec<Trap>,
    /// The fight that starts when the party enters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Encounter>,
    /// Monsters that may turn up while the party lingers or rests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wandering: Option<Wandering>,
    /// What there is to take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treasure: Option<Treasure>,
}

/// How lit an area is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// Bright light.
    Bright,
    /// Dim light: lightly obscured.
    Dim,
    /// Darkness: heavily obscured without a light or darkvision.
    #[default]
    Dark,
}

/// The rest a party may take in an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rest {
    /// No rest here.
    None,
    /// A short rest only.
    #[default]
    Short,
    /// A short or a long rest.
    Long,
}

/// A way from one area to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exit {
    /// The id of the area it leads to.
    pub to: String,
    /// Its compass direction, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<Dir>,
    /// A label: "arch", "iron door", "rope".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The door in it; none: an open passage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub door: Option<Door>,
    /// A secret exit: the DC to find it (passive Perception, or a `search`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<u8>,
}

/// A compass (or up/down) direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dir {
    /// North.
    N,
    /// South.
    S,
    /// East.
    E,
    /// West.
    W,
    /// Up.
    U,
    /// Down.
    D,
    /// North-east.
    Ne,
    /// North-west.
    Nw,
    /// South-east.
    Se,
    /// South-west.
    Sw,
}

impl Dir {
    /// Every direction.
    pub const ALL: [Dir; 10] = [
        Dir::N,
        Dir::S,
        Dir::E,
        Dir::W,
        Dir::U,
        Dir::D,
        Dir::Ne,
        Dir::Nw,
        Dir::Se,
        Dir::Sw,
    ];

    /// The way back.
    pub fn opposite(self) -> Dir {
        match self {
            Dir::N => Dir::S,
            Dir::S => Dir::N,
            Dir::E => Dir::W,
            Dir::W => Dir::E,
            Dir::U => Dir::D,
            Dir::D => Dir::U,
            Dir::Ne => Dir::Sw,
            Dir::Sw => Dir::Ne,
            Dir::Nw => Dir::Se,
            Dir::Se => Dir::Nw,
        }
    }

    /// Its short name: "n", "ne", "u".
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::N => "n",
            Dir::S => "s",
            Dir::E => "e",
            Dir::W => "w",
            Dir::U => "u",
            Dir::D => "d",
            Dir::Ne => "ne",
            Dir::Nw => "nw",
            Dir::Se => "se",
            Dir::Sw => "sw",
        }
    }
}

/// A door in an exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Door {
    /// Locked at the start.
    #[serde(default)]
    pub locked: bool,
    /// The Dexterity (thieves' tools) DC to pick the lock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pick: Option<u8>,
    /// The Strength (Athletics) DC to force it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<u8>,
    /// The item that opens it when carried: "iron key".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// An object in an area, triggered by `search` or `use NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    /// Its id, unique in the area.
    pub id: String,
    /// Its name as players type it: "lever".
    pub name: String,
    /// What the party sees.
    #[serde(default)]
    pub text: String,
    /// How it is triggered.
    #[serde(default)]
    pub verb: Verb,
    /// The check it takes; none: it just works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    /// What happens on a success.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub success: Vec<Outcome>,
    /// What happens on a failure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure: Vec<Outcome>,
    /// Works only once.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub once: bool,
}

/// How a feature is triggered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verb {
    /// By `search` in the area.
    #[default]
    Search,
    /// By `use NAME`.
    Use,
}

/// An ability check: a skill ("investigation", "thieves' tools") or an
/// ability ("str") against a DC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// The skill, tool or ability name.
    pub skill: String,
    /// The DC.
    pub dc: u8,
}

/// What a feature, or a helpful NPC, does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Outcome {
    /// Tells the party something.
    Say {
        /// The text.
        text: String,
    },
    /// Reveals the hidden exit of this area that leads to `exit`.
    Reveal {
        /// The area id the exit leads to.
        exit: String,
    },
    /// Unlocks the door of this area's exit that leads to `exit`.
    Unlock {
        /// The area id the exit leads to.
        exit: String,
    },
    /// Gives the party an item.
    Give {
        /// An SRD equipment or magic item name, or a named key.
        item: String,
    },
    /// Gives the party gold.
    Gold {
        /// Gold pieces.
        gp: u32,
    },
    /// Springs one of this area's traps.
    Trap {
        /// The trap's id.
        id: String,
    },
    /// Starts this area's encounter now.
    Fight,
    /// Marks a goal reached.
    Goal {
        /// The goal's id.
        id: String,
    },
    /// Changes an NPC's attitude.
    Attitude {
        /// The NPC's id.
        npc: String,
        /// The new attitude.
        to: Attitude,
    },
}

/// A trap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trap {
    /// Its id, unique in the area.
    pub id: String,
    /// Its name: "poison needle".
    pub name: String,
    /// One of the SRD sample traps by slug ([`SAMPLE_TRAPS`]): fills in
    /// the detection DC, disarm check, effect and text left out here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    /// What springs it.
    #[serde(default)]
    pub trigger: Trigger,
    /// The Wisdom (Perception) DC to spot it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detect: Option<u8>,
    /// The check that disarms it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disarm: Option<Check>,
    /// What it does, through the automation engine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effect: Vec<Effect>,
    /// Told when it springs.
    #[serde(default)]
    pub text: String,
}

/// What springs a trap.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// Entering the area.
    #[default]
    Enter,
    /// Leaving the area by the exit to `to`.
    Exit {
        /// The area id the exit leads to.
        to: String,
    },
    /// Searching or using a feature.
    Feature {
        /// The feature's id.
        id: String,
    },
    /// Opening the door of the exit to `exit`.
    Open {
        /// The area id the exit leads to.
        exit: String,
    },
}

/// A fight that starts when the party enters an area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Encounter {
    /// The monsters.
    pub monsters: Vec<Group>,
    /// The monsters try to surprise the party (their Stealth against the
    /// party's passive Perception).
    #[serde(default, skip_serializing_if = "is_false")]
    pub surprise: bool,
    /// The adventure's boss: its defeat may be a goal.
    #[serde(default, skip_serializing_if = "is_false")]
    pub boss: bool,
    /// Told when it starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Some monsters of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The SRD monster id: "goblin".
    pub monster: String,
    /// How many.
    #[serde(default = "default_count")]
    pub count: u8,
    /// Where they start.
    #[serde(default)]
    pub place: Place,
}

fn default_count() -> u8 {
    1
}

/// Where monsters start, relative to the party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// In melee.
    Engaged,
    /// A move away.
    #[default]
    Near,
    /// Out of reach this round.
    Far,
}

/// Monsters that may come by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wandering {
    /// They come on a d20 roll of this or less, once per exploration turn
    /// or rest.
    pub chance: u8,
    /// Who comes.
    pub monsters: Vec<Group>,
}

/// Coins and items to take.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Treasure {
    /// Gold pieces.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gp: u32,
    /// Silver pieces.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sp: u32,
    /// Copper pieces.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cp: u32,
    /// SRD equipment or magic items, or named keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// Hidden: the DC of the `search` that finds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<u8>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Someone the party can talk to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Npc {
    /// Its id, unique in the adventure.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The id of the area where it is.
    pub area: String,
    /// How it feels about the party at the start.
    #[serde(default)]
    pub attitude: Attitude,
    /// At most [`SHORT_MAX`] bytes: what it says first.
    pub greeting: String,
    /// What it says about things.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<Topic>,
    /// The Charisma (Persuasion) DC to move its attitude one step up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persuade: Option<u8>,
    /// What it does when friendly and asked for help.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub helps: Vec<Outcome>,
}

/// An NPC's attitude toward the party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attitude {
    /// Against the party.
    Hostile,
    /// Neither.
    #[default]
    Indifferent,
    /// For the party.
    Friendly,
}

/// Something an NPC talks about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// Keywords that bring it up.
    pub about: Vec<String>,
    /// What it says.
    pub text: String,
    /// The attitude it needs at least to say it.
    #[serde(default)]
    pub needs: Attitude,
}

/// What the party is after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Its id, unique in the adventure.
    pub id: String,
    /// How it is told.
    pub text: String,
    /// The XP it gives the party.
    #[serde(default)]
    pub xp: u32,
    /// Reaching it ends the adventure.
    #[serde(default)]
    pub ends: bool,
    /// When it is reached.
    pub when: When,
}

/// When a goal is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum When {
    /// The encounter of an area is defeated.
    Defeat {
        /// The area id.
        area: String,
    },
    /// An item is carried to an area.
    Carry {
        /// The item.
        item: String,
        /// The area id.
        to: String,
    },
    /// The party reaches an area.
    Reach {
        /// The area id.
        area: String,
    },
}
