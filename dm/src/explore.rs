//! A running adventure at a table: where the party is, what it has seen,
//! found, opened and taken, who it has met and fought, the clock and the
//! light. The adventure itself rides in the state (it came in the event
//! that started it), so replaying a log never reads a file.
//!
//! What players may be told is decided here too ([`Exploration::view`]):
//! only areas they have been to, exits they can see, traps they spotted.
//! The DM's map ([`Exploration::map`]) shows everything.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::adventure::{Adventure, Area, Attitude, Exit, Light, Npc};
use crate::event::PlayerId;

/// Minutes in an exploration turn (moving on, a search, a door).
pub const TURN_MINUTES: u32 = 10;
/// How long a torch burns.
pub const TORCH_MINUTES: u32 = 60;
/// The torches a party sets out with.
pub const STARTING_TORCHES: u32 = 6;

/// How an adventure ends when the party walks out (`leave`): neither won
/// nor lost.
pub const LEFT: &str = "the party left the dungeon";

/// The fight an adventure started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fight {
    /// The area it broke out in.
    pub area: String,
    /// Wandering monsters rather than the area's own encounter.
    pub wandering: bool,
}

/// One adventure being played at a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exploration {
    /// The adventure, as it was when the DM started it.
    pub adventure: Adventure,
    /// The id of the area the party is in.
    pub area: String,
    /// Areas the party has been to.
    #[serde(default)]
    pub visited: BTreeSet<String>,
    /// Areas the party has searched at least once.
    #[serde(default)]
    pub searched: BTreeSet<String>,
    /// How often each area was searched (older logs kept only
    /// `searched`).
    #[serde(default)]
    pub searches: BTreeMap<String, u32>,
    /// Areas the DM revealed without a visit (`dm reveal AREA`).
    #[serde(default)]
    pub revealed: BTreeSet<String>,
    /// Secret exits found, as `area>to`.
    #[serde(default)]
    pub found: BTreeSet<String>,
    /// Traps spotted, as `area/trap`.
    #[serde(default)]
    pub spotted: BTreeSet<String>,
    /// Traps sprung or disarmed, as `area/trap`: done with.
    #[serde(default)]
    pub sprung: BTreeSet<String>,
    /// Doors unlocked (by key, pick, force or a lever), as the two area ids
    /// sorted and joined by `|`: a door is one door from both sides.
    #[serde(default)]
    pub unlocked: BTreeSet<String>,
    /// Features used at least once (a `once` one is used up), as
    /// `area/feature`; NPCs who helped, as `npc:id`.
    #[serde(default)]
    pub used: BTreeSet<String>,
    /// Areas whose hidden treasure was found.
    #[serde(default)]
    pub treasure_found: BTreeSet<String>,
    /// Areas whose treasure was taken.
    #[serde(default)]
    pub taken: BTreeSet<String>,
    /// NPCs' attitudes where they changed.
    #[serde(default)]
    pub attitudes: BTreeMap<String, Attitude>,
    /// Goals reached.
    #[serde(default)]
    pub goals: BTreeSet<String>,
    /// Areas whose encounter has broken out.
    #[serde(default)]
    pub fought: BTreeSet<String>,
    /// Areas whose encounter was defeated.
    #[serde(default)]
    pub cleared: BTreeSet<String>,
    /// The fight on, if the adventure started it.
    #[serde(default)]
    pub fight: Option<Fight>,
    /// Characters surprised in the fight's first round.
    #[serde(default)]
    pub surprised: Vec<String>,
    /// Fights so far.
    #[serde(default)]
    pub fights: u32,
    /// Traps sprung so far.
    #[serde(default)]
    pub traps_sprung: u32,
    /// Minutes since the adventure began.
    #[serde(default)]
    pub minutes: u32,
    /// Minutes left on the lit torch (0: none lit).
    #[serde(default)]
    pub torch: u32,
    /// Unlit torches the party carries.
    #[serde(default)]
    pub torches: u32,
    /// The marching order by character handle, front first (who is not
    /// listed walks behind, in the order the characters were made).
    #[serde(default)]
    pub order: Vec<String>,
    /// The character who decides where the party goes, if the table chose one.
    #[serde(default)]
    pub leader: Option<String>,
    /// How it ended, once it has.
    #[serde(default)]
    pub ended: Option<String>,
    /// Who runs it: the DM who started it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<PlayerId>,
    /// Who may join the party ([`Access::Open`] unless the DM changed it).
    #[serde(default, skip_serializing_if = "Access::is_open")]
    pub access: Access,
    /// The code that lets a player join an [`Access::Invite`] adventure,
    /// once the DM made one (`dm invite`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<String>,
    /// Characters in the party by handle: those at the table when it began
    /// and those who joined since. While the adventure is open, every
    /// character played at the table is in it too, unless it left.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub members: BTreeSet<String>,
    /// Characters who left the party (`party leave`, `dm party remove`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub left: BTreeSet<String>,
    /// Players outside the party may not look on (`dm access watch off`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_watchers: bool,
    /// Conditions a trap left on characters out of a fight, until the
    /// clock wears them off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lingering: Vec<Lingering>,
}

/// A condition a trap left on a character (a needle's poison, a fall's
/// prone), kept by the exploration clock since no fight's board holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lingering {
    /// The character's handle.
    pub on: String,
    /// What holds it ("Needle poison").
    pub name: String,
    /// The conditions it imposes.
    pub conditions: Vec<rules::mechanics::Condition>,
    /// The minute of the adventure it wears off at.
    pub until: u32,
}

/// Who may join a running adventure's party.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Anyone at the table: a character played here is in the party.
    #[default]
    Open,
    /// Only with the DM's invite code (`party join CODE`), or the DM's say.
    Invite,
    /// No one new, unless the DM adds them (`dm party add NAME`).
    Closed,
}

impl Access {
    /// The word players type and read.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Invite => "invite",
            Self::Closed => "closed",
        }
    }

    fn is_open(&self) -> bool {
        *self == Self::Open
    }
}

impl std::str::FromStr for Access {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_lowercase().as_str() {
            "open" => Ok(Self::Open),
            "invite" | "invite-only" | "code" => Ok(Self::Invite),
            "closed" | "close" => Ok(Self::Closed),
            other => Err(format!(
                "`{}` is not an access — open, invite or closed",
                clip(other)
            )),
        }
    }
}

/// The way two areas are joined, the same from both sides.
pub fn door_key(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}|{b}")
    } else {
        format!("{b}|{a}")
    }
}

/// An exit's name as players type and read it: `n door`, `arch`.
pub fn exit_name(exit: &Exit) -> String {
    match (exit.dir, &exit.label) {
        (Some(d), Some(l)) => format!("{} {l}", d.as_str()),
        (Some(d), None) => d.as_str().to_string(),
        (None, Some(l)) => l.clone(),
        (None, None) => exit.to.clone(),
    }
}

impl Exploration {
    /// The state at the start of `adventure`, the party at its start.
    pub fn start(adventure: Adventure) -> Self {
        Self {
            area: adventure.start.clone(),
            adventure,
            visited: BTreeSet::new(),
            searched: BTreeSet::new(),
            searches: BTreeMap::new(),
            revealed: BTreeSet::new(),
            found: BTreeSet::new(),
            spotted: BTreeSet::new(),
            sprung: BTreeSet::new(),
            unlocked: BTreeSet::new(),
            used: BTreeSet::new(),
            treasure_found: BTreeSet::new(),
            taken: BTreeSet::new(),
            attitudes: BTreeMap::new(),
            goals: BTreeSet::new(),
            fought: BTreeSet::new(),
            cleared: BTreeSet::new(),
            fight: None,
            surprised: Vec::new(),
            fights: 0,
            traps_sprung: 0,
            minutes: 0,
            torch: 0,
            torches: STARTING_TORCHES,
            order: Vec::new(),
            leader: None,
            ended: None,
            owner: None,
            access: Access::Open,
            invite: None,
            members: BTreeSet::new(),
            left: BTreeSet::new(),
            no_watchers: false,
            lingering: Vec::new(),
        }
    }

    /// Whether the character `handle` (played at the table) is in the
    /// party: it joined, or the adventure is open and it did not leave.
    pub fn in_party(&self, handle: &str) -> bool {
        !self.left.contains(handle) && (self.members.contains(handle) || self.access.is_open())
    }

    /// An area by id.
    pub fn area_by(&self, id: &str) -> Option<&Area> {
        self.adventure.areas.iter().find(|a| a.id == id)
    }

    /// The area the party is in.
    pub fn here(&self) -> Option<&Area> {
        self.area_by(&self.area)
    }

    /// Whether players know of an area: visited or revealed.
    pub fn known(&self, id: &str) -> bool {
        self.visited.contains(id) || self.revealed.contains(id)
    }

    /// Whether players can see this exit of `area`: not secret, or found.
    pub fn exit_visible(&self, area: &str, exit: &Exit) -> bool {
        exit.hidden.is_none() || self.found.contains(&format!("{area}>{}", exit.to))
    }

    /// Whether this exit of `area` has a door that is locked still.
    pub fn locked(&self, area: &str, exit: &Exit) -> bool {
        exit.door.as_ref().is_some_and(|d| d.locked)
            && !self.unlocked.contains(&door_key(area, &exit.to))
    }

    /// The exits of the party's area players can see, in the adventure's
    /// order (the numbers `go 2` counts by).
    pub fn visible_exits(&self) -> Vec<&Exit> {
        self.here().map_or_else(Vec::new, |a| {
            a.exits
                .iter()
                .filter(|e| self.exit_visible(&a.id, e))
                .collect()
        })
    }

    /// An exit as players read it: `n door (locked)`, `e arch`.
    pub fn exit_text(&self, exit: &Exit) -> String {
        let mut t = exit_name(exit);
        if exit.door.is_some() && exit.label.is_none() {
            t.push_str(" door");
        }
        if self.locked(&self.area, exit) {
            t.push_str(" (locked)");
        }
        t
    }

    /// The visible exit a player means: a direction (`n`), a number as
    /// listed (`2`), a label or the start of one (`arch`), or the name of
    /// a known area it leads to.
    pub fn find_exit(&self, query: &str) -> Result<&Exit, String> {
        let exits = self.visible_exits();
        let q = query.trim().to_lowercase();
        let list = || {
            exits
                .iter()
                .enumerate()
                .map(|(i, e)| format!("{} {}", i + 1, exit_name(e)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if exits.is_empty() {
            return Err("there is no way on from here".into());
        }
        if let Ok(n) = q.parse::<usize>() {
            return n
                .checked_sub(1)
                .and_then(|i| exits.get(i).copied())
                .ok_or_else(|| format!("no exit {n} — exits: {}", list()));
        }
        let by_dir: Vec<&Exit> = exits
            .iter()
            .copied()
            .filter(|e| e.dir.is_some_and(|d| d.as_str() == q))
            .collect();
        if let [one] = by_dir.as_slice() {
            return Ok(one);
        }
        let matches: Vec<&Exit> = exits
            .iter()
            .copied()
            .filter(|e| {
                let label = e.label.as_deref().unwrap_or("").to_lowercase();
                let name = exit_name(e).to_lowercase();
                let area = self
                    .area_by(&e.to)
                    .filter(|_| self.known(&e.to))
                    .map(|a| a.name.to_lowercase());
                (!label.is_empty() && (label == q || label.starts_with(&q)))
                    || name == q
                    || area.is_some_and(|a| a == q || a.starts_with(&q))
            })
            .collect();
        match matches.as_slice() {
            [one] => Ok(one),
            [] => Err(format!("no exit `{}` — exits: {}", clip(query), list())),
            _ => Err(format!(
                "`{}` could be several exits — exits: {}",
                clip(query),
                list()
            )),
        }
    }

    /// An NPC's attitude now.
    pub fn attitude(&self, npc: &Npc) -> Attitude {
        self.attitudes.get(&npc.id).copied().unwrap_or(npc.attitude)
    }

    /// The NPCs in the party's area.
    pub fn npcs_here(&self) -> impl Iterator<Item = &Npc> {
        self.adventure
            .npcs
            .iter()
            .filter(move |n| n.area == self.area)
    }

    /// Whether the party's area is lit: by its own light or a torch.
    pub fn lit(&self) -> bool {
        self.torch > 0 || self.here().is_none_or(|a| a.light != Light::Dark)
    }

    /// Whether an adventure fight is on.
    pub fn fighting(&self) -> bool {
        self.fight.is_some()
    }

    /// Lets `minutes` pass: the torch burns down. Returns whether it went
    /// out just now.
    pub fn pass(&mut self, minutes: u32) -> bool {
        self.minutes = self.minutes.saturating_add(minutes);
        let was = self.torch;
        self.torch = self.torch.saturating_sub(minutes);
        was > 0 && self.torch == 0
    }

    /// The DM's map: every area, the party's place, every exit (secret
    /// ones with their DC, locks), traps, encounters and treasure. Never
    /// shown to players.
    pub fn map(&self) -> String {
        let mut out = format!(
            "{} — party in {} after {} min; goals {}/{}.",
            self.adventure.title,
            self.area,
            self.minutes,
            self.goals.len(),
            self.adventure.goals.len()
        );
        for a in &self.adventure.areas {
            let here = if a.id == self.area { "*" } else { "" };
            let seen = if self.visited.contains(&a.id) {
                " (visited)"
            } else {
                ""
            };
            out.push_str(&format!("\n{here}{} [{}]{seen}: ", a.name, a.id));
            let exits: Vec<String> = a
                .exits
                .iter()
                .map(|e| {
                    let mut t = format!("{}→{}", exit_name(e), e.to);
                    if let Some(dc) = e.hidden {
                        let state = if self.exit_visible(&a.id, e) {
                            "found"
                        } else {
                            "hidden"
                        };
                        t.push_str(&format!(" ({state} DC {dc})"));
                    }
                    if self.locked(&a.id, e) {
                        t.push_str(" (locked)");
                    }
                    t
                })
                .collect();
            out.push_str(&exits.join(", "));
            for t in &a.traps {
                let key = format!("{}/{}", a.id, t.id);
                let state = if self.sprung.contains(&key) {
                    "done"
                } else if self.spotted.contains(&key) {
                    "spotted"
                } else {
                    "armed"
                };
                out.push_str(&format!("; trap {} ({state})", t.name));
            }
            if let Some(e) = &a.encounter {
                let who: Vec<String> = e
                    .monsters
                    .iter()
                    .map(|g| format!("{}×{}", g.monster, g.count))
                    .collect();
                let state = if self.cleared.contains(&a.id) {
                    " (defeated)"
                } else {
                    ""
                };
                out.push_str(&format!("; fight {}{state}", who.join(" ")));
            }
            if let Some(t) = &a.treasure {
                let state = if self.taken.contains(&a.id) {
                    " (taken)"
                } else {
                    ""
                };
                out.push_str(&format!("; treasure {} gp{state}", t.gp));
            }
        }
        out
    }
}

/// A typed name cut short for an error message.
fn clip(text: &str) -> String {
    text.chars().take(24).collect()
}

/// Who is in the table's running adventure, as the store keeps it across
/// tables: each party member's player and the character's name in
/// lowercase (a character can be in one running adventure at a time).
/// Empty when no adventure is running.
pub fn adventurers(table: &crate::Table) -> BTreeSet<(String, String)> {
    let Some(ex) = table.adventure.as_deref().filter(|e| e.ended.is_none()) else {
        return BTreeSet::new();
    };
    table
        .players
        .iter()
        .filter(|(_, h)| ex.in_party(h))
        .filter_map(|(p, h)| {
            let c = table.character(h)?;
            Some((p.0.clone(), c.name.to_lowercase()))
        })
        .collect()
}

/// An area on the map as players know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownArea {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The party is here.
    pub here: bool,
    /// The party has been here (else the DM only revealed it).
    pub visited: bool,
    /// Its exits the party has seen (of visited areas): `n door → Nave`,
    /// `e arch → ?` where the far side is unknown, `(locked)` on doors
    /// still locked.
    pub exits: Vec<String>,
}

impl Exploration {
    /// The map as players know it, in the adventure's order: the areas
    /// visited or revealed, and the exits seen in those visited. Secret
    /// exits not found and areas not known never appear.
    pub fn players_map(&self) -> Vec<KnownArea> {
        self.adventure
            .areas
            .iter()
            .filter(|a| self.known(&a.id))
            .map(|a| {
                let visited = self.visited.contains(&a.id);
                let exits = if visited {
                    a.exits
                        .iter()
                        .filter(|e| self.exit_visible(&a.id, e))
                        .map(|e| {
                            let to = self
                                .area_by(&e.to)
                                .filter(|_| self.known(&e.to))
                                .map_or("?", |t| t.name.as_str());
                            let locked = if self.locked(&a.id, e) {
                                " (locked)"
                            } else {
                                ""
                            };
                            format!("{} → {to}{locked}", exit_name(e))
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                KnownArea {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    here: a.id == self.area,
                    visited,
                    exits,
                }
            })
            .collect()
    }
}
