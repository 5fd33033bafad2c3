//! A fight: initiative order, whose turn it is, the monsters, what each
//! combatant has spent this turn, theater-of-mind distances and the board of
//! ongoing effects.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use rules::automation::{Board, Resources};
use rules::content::{self, Monster};
use rules::mechanics::{Conditions, CreatureId, Distance, Economy, Health};

use crate::command::Command;

/// One place in the initiative order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// The combatant's handle ("aria", "g1").
    pub handle: String,
    /// Its initiative total.
    pub initiative: i32,
}

/// A monster in the fight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonsterState {
    /// Its handle ("g1").
    pub handle: String,
    /// The SRD monster id ("goblin").
    pub monster: String,
    /// Hit points and life.
    pub health: Health,
    /// Conditions set on it directly (not by an ongoing effect).
    pub conditions: Conditions,
    /// Recharges, uses per day, legendary actions.
    pub resources: Resources,
    /// Spell slots left, for a spellcasting monster.
    #[serde(default)]
    pub slots: rules::mechanics::SpellSlots,
}

impl MonsterState {
    /// Its SRD entry.
    pub fn data(&self) -> Option<&'static Monster> {
        content::monster(&self.monster)
    }

    /// Its display name: "Goblin (g1)".
    pub fn name(&self) -> String {
        let kind = self
            .data()
            .map_or(self.monster.as_str(), |m| m.name.as_str());
        format!("{kind} ({})", self.handle)
    }
}

/// What sets off a readied action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadyWhen {
    /// The creature moves (any `move`).
    Moves,
    /// The creature ends a move engaged with the reader (comes within reach).
    Comes,
    /// The creature makes an attack.
    Attacks,
}

/// An attack or a spell held for a trigger until the start of the reader's
/// next turn (`ready a -t g1 when g1 comes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readied {
    /// The reader's handle.
    pub who: String,
    /// The attack or spell to run as the reader's reaction (a spell's slot
    /// is spent already, its level fixed in the command).
    pub command: Command,
    /// The creature whose move or attack sets it off.
    pub by: String,
    /// What that creature must do.
    pub when: ReadyWhen,
}

/// A fight at a table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Encounter {
    /// The round; 0 until the first turn starts.
    pub round: u32,
    /// Initiative order, highest first.
    pub order: Vec<Slot>,
    /// Index of the current turn in `order`.
    pub turn: usize,
    /// The monsters.
    pub monsters: Vec<MonsterState>,
    /// What each combatant has spent this turn.
    pub economy: BTreeMap<String, Economy>,
    /// Attacks left in the current Attack action (Extra Attack, Multiattack).
    pub attacks_left: BTreeMap<String, u32>,
    /// Ongoing effects.
    pub board: Board,
    /// Distances between pairs (unlisted: near).
    pub distances: Vec<(String, String, Distance)>,
    /// Who concentrates on what.
    pub concentration: BTreeMap<String, String>,
    /// Who took the Dodge action (until the start of its next turn).
    pub dodging: Vec<String>,
    /// Creatures the Help action was used against: the next ally attack on
    /// each has advantage.
    pub helped: Vec<String>,
    /// Who disengaged this turn.
    pub disengaged: Vec<String>,
    /// How many of each monster kind were added, for handles (g1, g2…).
    pub counters: BTreeMap<String, u32>,
    /// Actions held for a trigger, oldest first.
    #[serde(default)]
    pub readied: Vec<Readied>,
    /// Grapples won in this fight: (grappler, grappled). One counts while
    /// the grappled creature still has the condition (the Grappler feat's
    /// advantage goes by it).
    #[serde(default)]
    pub grapples: Vec<(String, String)>,
    /// Who dealt Sneak Attack this turn (once per turn, anyone's turn).
    #[serde(default)]
    pub sneak_attacked: Vec<String>,
    /// Who attacked with a light melee weapon in an Attack action this
    /// turn, and may attack with the other hand as a bonus action.
    #[serde(default)]
    pub light_attack: Vec<String>,
    /// Actions left from Action Surge this turn (listed: it surged this turn).
    #[serde(default)]
    pub extra_actions: BTreeMap<String, u32>,
    /// Ragers who attacked a hostile creature or took damage since their
    /// turn last ended (or began raging this turn): their rage goes on.
    #[serde(default)]
    pub rage_kept: Vec<String>,
    /// Who fired a loading weapon in its current Attack action: no second
    /// shot with one until the next action.
    #[serde(default)]
    pub loaded_fired: Vec<String>,
    /// Ammunition spent in this fight, by shooter and gear id: half of it
    /// is found again when the fight ends.
    #[serde(default)]
    pub ammo_spent: BTreeMap<String, BTreeMap<String, u32>>,
}

impl Encounter {
    /// The handle whose turn it is, once the fight has started.
    pub fn current(&self) -> Option<&str> {
        (self.round > 0)
            .then(|| self.order.get(self.turn).map(|s| s.handle.as_str()))
            .flatten()
    }

    /// A monster by handle.
    pub fn monster(&self, handle: &str) -> Option<&MonsterState> {
        self.monsters.iter().find(|m| m.handle == handle)
    }

    /// A monster by handle, to change.
    pub fn monster_mut(&mut self, handle: &str) -> Option<&mut MonsterState> {
        self.monsters.iter_mut().find(|m| m.handle == handle)
    }

    /// Whether `handle` is in the initiative order.
    pub fn has(&self, handle: &str) -> bool {
        self.order.iter().any(|s| s.handle == handle)
    }

    /// Puts a combatant in the order by its initiative (ties: later joiners after).
    pub fn insert(&mut self, handle: String, initiative: i32) {
        let at = self
            .order
            .iter()
            .position(|s| s.initiative < initiative)
            .unwrap_or(self.order.len());
        // Keep the current turn on the same combatant.
        if self.round > 0 && at <= self.turn {
            self.turn += 1;
        }
        self.order.insert(at, Slot { handle, initiative });
    }

    /// Takes a combatant out of the order, keeping the turn on whoever has it.
    pub fn remove(&mut self, handle: &str) {
        if let Some(at) = self.order.iter().position(|s| s.handle == handle) {
            self.order.remove(at);
            if at < self.turn {
                self.turn -= 1;
            }
            if self.turn >= self.order.len() {
                self.turn = 0;
            }
        }
    }

    /// The distance between two combatants.
    pub fn distance(&self, a: &str, b: &str) -> Distance {
        self.distances
            .iter()
            .find(|(x, y, _)| (x == a && y == b) || (x == b && y == a))
            .map_or(Distance::Near, |(_, _, d)| *d)
    }

    /// Sets the distance between two combatants.
    pub fn set_distance(&mut self, a: &str, b: &str, d: Distance) {
        self.distances
            .retain(|(x, y, _)| !((x == a && y == b) || (x == b && y == a)));
        if d != Distance::Near {
            self.distances.push((a.to_string(), b.to_string(), d));
        }
    }

    /// A creature id for the board.
    pub fn id(handle: &str) -> CreatureId {
        CreatureId::new(handle)
    }
}
