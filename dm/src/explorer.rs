//! The built-in explorer: the next exploring step for a party played by the
//! machine (the console's adventure demo, `dungeon eval adventures`),
//! played as a careful table would. In order: light the dark, get a fallen
//! friend back up, search a new area, use what can be used, take the
//! treasure, ask a friend for help, rest when hurt where it is allowed (or
//! walk back to a place for a long one), open the way on (key, lock, force,
//! again after a failure), walk to new ground or to a goal, search known
//! places again when the goals are still out of reach, and at last walk
//! back to the way in and `leave`. Fights are not its business: the turn
//! players take them.
//!
//! It reads only what the players know: areas visited, exits seen, what
//! they carry; never the DM's map.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rules::mechanics::{Ability, LifeState, Skill, SpellLevel};

use crate::adventure::{Attitude, Door, Exit, Light, Rest, Verb, When};
use crate::character::Character;
use crate::command::Command;
use crate::explore::{Exploration, exit_name};
use crate::table::Table;

/// How often the party searches a known area in all before it gives up on
/// it (the first search of a new area included).
pub const SEARCHES: u32 = 3;

/// One step for the party: a command, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The character who should send it (the best searcher, the rogue with
    /// the tools, the strongest at a door, the healer); none for the
    /// party's leader, or the DM when the leader is down.
    pub by: Option<String>,
    /// The command.
    pub command: Command,
}

impl Step {
    fn party(command: Command) -> Self {
        Self { by: None, command }
    }

    fn by(who: &Character, command: Command) -> Self {
        Self {
            by: Some(who.handle.clone()),
            command,
        }
    }
}

/// The party's next step, or none when a fight is on or the adventure is
/// over (or not running).
pub fn step(table: &Table) -> Option<Step> {
    let ex = table.adventure.as_deref()?;
    if ex.ended.is_some() || table.encounter.is_some() {
        return None;
    }
    let a = ex.here()?;
    let party: Vec<&Character> = table
        .characters
        .iter()
        .filter(|c| table.players.values().any(|h| *h == c.handle) && ex.in_party(&c.handle))
        .collect();
    let up: Vec<&Character> = party
        .iter()
        .copied()
        .filter(|c| c.health.state() == LifeState::Conscious)
        .collect();
    let sees = |c: &&Character| ex.lit() || c.darkvision_ft() > 0;
    if a.light == Light::Dark && ex.torch == 0 && ex.torches > 0 {
        return Some(Step::party(Command::Light { on: true }));
    }
    if let Some(s) = revive(&party, &up) {
        return Some(s);
    }
    let searcher = up
        .iter()
        .copied()
        .filter(sees)
        .max_by_key(|c| c.skill_bonus(Skill::Perception));
    if let Some(s) = searcher
        && !ex.searched.contains(&a.id)
    {
        return Some(Step::by(s, Command::Search));
    }
    if let Some(s) = searcher {
        let unused = a
            .features
            .iter()
            .find(|f| f.verb == Verb::Use && !ex.used.contains(&format!("{}/{}", a.id, f.id)));
        if let Some(f) = unused {
            return Some(Step::by(
                s,
                Command::Use {
                    item: f.name.clone(),
                    target: None,
                },
            ));
        }
        if let Some(t) = &a.treasure
            && !ex.taken.contains(&a.id)
            && (t.hidden.is_none() || ex.treasure_found.contains(&a.id))
        {
            return Some(Step::by(s, Command::Take));
        }
    }
    let friend = ex.npcs_here().find(|n| {
        ex.attitude(n) == Attitude::Friendly
            && !n.helps.is_empty()
            && !ex.used.contains(&format!("npc:{}", n.id))
    });
    if let Some(n) = friend {
        return Some(Step::party(Command::Talk {
            npc: n.id.clone(),
            say: "help".into(),
        }));
    }
    let need = Need::of(&party);
    match a.rest {
        Rest::Long if need.long() => return Some(Step::party(Command::Rest { long: true })),
        Rest::Long | Rest::Short if need.short() => {
            return Some(Step::party(Command::Rest { long: false }));
        }
        _ => {}
    }
    let carried = |item: &str| {
        let k = item_key(item);
        party.iter().any(|c| c.items.contains(&k))
    };
    let goals_left = ex.adventure.goals.iter().any(|g| !ex.goals.contains(&g.id));
    let way = Way { ex, up: &up };
    let start = ex.adventure.start.as_str();
    // Too weak to go on: back to the way in, and out.
    if need.give_up() {
        return if ex.area == start {
            Some(Step::party(Command::Leave))
        } else {
            way.toward(|id| id == start)
        };
    }
    // Badly hurt: back to a place for a long rest, if one is known.
    let rest_long =
        |id: &str| ex.visited.contains(id) && ex.area_by(id).is_some_and(|a| a.rest == Rest::Long);
    if need.retreat()
        && let Some(s) = way.toward(rest_long)
    {
        return Some(s);
    }
    // Goals the party carries something for; new ground; places to search
    // again while goals are still out of reach; else home and out.
    let carry = |id: &str| {
        ex.adventure.goals.iter().any(|g| {
            !ex.goals.contains(&g.id)
                && matches!(&g.when, When::Carry { item, to } if to == id && carried(item))
        })
    };
    if let Some(s) = way.toward(carry) {
        return Some(s);
    }
    // Into the unknown only fresh: rest first where the party can.
    if !need.fresh()
        && let Some(s) = way.toward(rest_long)
    {
        return Some(s);
    }
    if let Some(s) = way.toward(|id| !ex.visited.contains(id)) {
        return Some(s);
    }
    if goals_left {
        let again = |id: &str| searches(ex, id) < SEARCHES && ex.visited.contains(id);
        if let Some(s) = searcher
            && again(&a.id)
        {
            return Some(Step::by(s, Command::Search));
        }
        if searcher.is_some()
            && let Some(s) = way.toward(again)
        {
            return Some(s);
        }
    }
    if ex.area == start {
        return Some(Step::party(Command::Leave));
    }
    way.toward(|id| id == start)
}

/// How often the party has searched area `id`.
fn searches(ex: &Exploration, id: &str) -> u32 {
    ex.searches
        .get(id)
        .copied()
        .unwrap_or(u32::from(ex.searched.contains(id)))
}

/// A fallen friend (down, not dead) healed by a standing one: a healing
/// spell with a slot left, else a potion.
fn revive(party: &[&Character], up: &[&Character]) -> Option<Step> {
    let fallen = party.iter().find(|c| c.health.state().is_down())?;
    for c in up {
        let spell = ["healing-word", "cure-wounds"]
            .into_iter()
            .find(|s| c.spells.iter().any(|k| k == s));
        let slot = spell.and_then(|s| {
            let base = rules::content::spell(s).map_or(1, |s| s.level.max(1));
            (base..=9u8).find(|l| SpellLevel::new(*l).is_some_and(|l| c.slots.remaining(l) > 0))
        });
        if let (Some(spell), Some(slot)) = (spell, slot) {
            return Some(Step::by(
                c,
                Command::Cast {
                    spell: spell.into(),
                    targets: vec![fallen.handle.clone()],
                    level: Some(slot),
                    choice: None,
                },
            ));
        }
    }
    for c in up {
        if let Some(p) = c.items.iter().find(|i| i.starts_with("potion-of-healing")) {
            return Some(Step::by(
                c,
                Command::Use {
                    item: p.clone(),
                    target: Some(fallen.handle.clone()),
                },
            ));
        }
    }
    None
}

/// What the party needs, from its sheets.
struct Need {
    /// Hit points of the living, and their most.
    hp: u32,
    max: u32,
    /// Someone down (not dead).
    down: bool,
    /// How many are dead.
    dead: usize,
    /// Someone below two thirds of their hit points with hit dice left.
    dice_help: bool,
    /// A caster with leveled spells has no slot left.
    spent: bool,
    /// Someone standing is below half their hit points.
    weakest_below_half: bool,
}

impl Need {
    fn of(party: &[&Character]) -> Self {
        let living: Vec<&&Character> = party
            .iter()
            .filter(|c| c.health.state() != LifeState::Dead)
            .collect();
        let (hp, max) = living.iter().fold((0, 0), |(h, m), c| {
            (h + c.health.current(), m + c.health.max())
        });
        let spent = living.iter().any(|c| {
            let levels: Vec<SpellLevel> = (1..=9).filter_map(SpellLevel::new).collect();
            levels.iter().any(|l| c.slots.max(*l) > 0)
                && levels.iter().all(|l| c.slots.remaining(*l) == 0)
        });
        Self {
            hp,
            max,
            down: living.iter().any(|c| c.health.state().is_down()),
            dead: party.len() - living.len(),
            dice_help: living.iter().any(|c| {
                c.health.state() == LifeState::Conscious
                    && c.hit_dice_left > 0
                    && c.health.current() * 3 < c.health.max() * 2
            }),
            spent,
            weakest_below_half: living
                .iter()
                .any(|c| c.health.current() * 2 < c.health.max()),
        }
    }

    /// Worth a short rest: hit dice would heal someone hurt.
    fn short(&self) -> bool {
        self.dice_help
    }

    /// Worth a long rest: hurt (below three quarters of the party's hit
    /// points, or someone below half), someone down, or a caster spent.
    fn long(&self) -> bool {
        self.down || self.spent || self.hp * 4 < self.max * 3 || self.weakest_below_half
    }

    /// Badly hurt: time to fall back to a place for a long rest.
    fn retreat(&self) -> bool {
        self.down || self.hp * 2 < self.max
    }

    /// Fit to walk into the unknown: no long rest wanted.
    fn fresh(&self) -> bool {
        !self.long()
    }

    /// Someone dead: the party carries them home (no one at these
    /// levels can raise them here), and a smaller party would not last.
    fn give_up(&self) -> bool {
        self.dead > 0
    }
}

/// The way through the dungeon as the players know it.
struct Way<'a> {
    ex: &'a Exploration,
    up: &'a [&'a Character],
}

impl Way<'_> {
    /// Whether the party can get through this exit of `from`: open, or
    /// locked with its key carried, a lock a standing rogue may pick, or a
    /// door someone could force.
    fn passable(&self, from: &str, exit: &Exit) -> bool {
        if !self.ex.locked(from, exit) {
            return true;
        }
        let Some(door) = &exit.door else {
            return true;
        };
        self.key(door.key.as_deref()) || self.pickable(door) || self.forceable(door)
    }

    /// A lock a standing rogue (or someone with thieves' tools) could pick
    /// on a good roll: Dexterity and proficiency, doubled for expertise.
    fn pickable(&self, door: &Door) -> bool {
        door.pick.is_some_and(|dc| {
            self.picker().is_some_and(|c| {
                c.modifier(Ability::Dexterity) + 2 * c.proficiency() + 20 >= i32::from(dc)
            })
        })
    }

    /// A door the strongest could force on a good roll.
    fn forceable(&self, door: &Door) -> bool {
        door.force
            .is_some_and(|dc| self.forcer().is_some_and(|(_, b)| b + 20 >= i32::from(dc)))
    }

    fn key(&self, key: Option<&str>) -> bool {
        key.is_some_and(|k| {
            let k = item_key(k);
            self.up.iter().any(|c| c.items.contains(&k))
        })
    }

    fn picker(&self) -> Option<&Character> {
        self.up
            .iter()
            .copied()
            .find(|c| c.class == "rogue" || c.items.iter().any(|i| i.starts_with("thieves")))
    }

    fn forcer(&self) -> Option<(&Character, i32)> {
        self.up
            .iter()
            .map(|c| (*c, c.skill_bonus(Skill::Athletics)))
            .max_by_key(|(_, b)| *b)
    }

    /// The step toward the nearest area that is `wanted`, through exits
    /// players can see and can get through: going, or opening the locked
    /// door on the way.
    fn toward(&self, wanted: impl Fn(&str) -> bool) -> Option<Step> {
        let ex = self.ex;
        let to = first_step(ex, |from, e| self.passable(from, e), wanted)?;
        let exit = ex.visible_exits().into_iter().find(|e| e.to == to)?;
        let name = exit_name(exit);
        if !ex.locked(&ex.area, exit) {
            return Some(Step::party(Command::Go {
                exit: name,
                vote_secs: None,
            }));
        }
        let door = exit.door.as_ref()?;
        if self.key(door.key.as_deref()) {
            return Some(Step::party(Command::Open { exit: name }));
        }
        if self.pickable(door)
            && let Some(rogue) = self.picker()
        {
            return Some(Step::by(rogue, Command::Pick { exit: name }));
        }
        let (strong, _) = self.forcer()?;
        Some(Step::by(strong, Command::Force { exit: name }))
    }
}

/// The first area to walk to on the shortest way, through exits players
/// can see and `pass`, to an area that is `wanted`; none when no reachable
/// area is (the party's own area is never wanted).
fn first_step(
    ex: &Exploration,
    pass: impl Fn(&str, &Exit) -> bool,
    wanted: impl Fn(&str) -> bool,
) -> Option<String> {
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    let mut seen: BTreeSet<String> = BTreeSet::from([ex.area.clone()]);
    let mut queue = VecDeque::from([ex.area.clone()]);
    while let Some(at) = queue.pop_front() {
        let area = ex.area_by(&at)?;
        for e in area
            .exits
            .iter()
            .filter(|e| ex.exit_visible(&at, e) && pass(&at, e))
        {
            if !seen.insert(e.to.clone()) {
                continue;
            }
            let step = first.get(&at).cloned().unwrap_or_else(|| e.to.clone());
            if wanted(&e.to) {
                return Some(step);
            }
            if !ex.visited.contains(&e.to) {
                continue;
            }
            first.insert(e.to.clone(), step);
            queue.push_back(e.to.clone());
        }
    }
    None
}

/// How an item is kept on a sheet.
fn item_key(item: &str) -> String {
    item.trim().to_lowercase().replace(' ', "-")
}
