//! A simple explorer: the next exploring command for a party played by the
//! machine (the console's adventure demo, `dungeon eval adventures`).
//! Light the dark, search a new area once, use what can be used, take the
//! treasure, ask a friend for help, rest when hurt where it is allowed,
//! open the way on (key, lock, force), then walk to the nearest area not
//! visited yet. Fights are not its business: the turn players take them.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rules::mechanics::LifeState;

use crate::adventure::{Attitude, Light, Rest, Verb, When};
use crate::command::Command;
use crate::explore::{Exploration, exit_name};
use crate::table::Table;

/// The next command for the party, or none when a fight is on, the
/// adventure is over, or there is nothing left to try.
pub fn next(table: &Table) -> Option<Command> {
    let ex = table.adventure.as_deref()?;
    if ex.ended.is_some() || table.encounter.is_some() {
        return None;
    }
    let a = ex.here()?;
    let party: Vec<_> = table
        .characters
        .iter()
        .filter(|c| table.players.values().any(|h| *h == c.handle))
        .collect();
    let seeing = ex.lit() || party.iter().any(|c| c.darkvision_ft() > 0);
    if a.light == Light::Dark && ex.torch == 0 && ex.torches > 0 {
        return Some(Command::Light { on: true });
    }
    if seeing && !ex.searched.contains(&a.id) {
        return Some(Command::Search);
    }
    if seeing {
        let unused = a
            .features
            .iter()
            .find(|f| f.verb == Verb::Use && !ex.used.contains(&format!("{}/{}", a.id, f.id)));
        if let Some(f) = unused {
            return Some(Command::Use {
                item: f.name.clone(),
                target: None,
            });
        }
        if let Some(t) = &a.treasure
            && !ex.taken.contains(&a.id)
            && (t.hidden.is_none() || ex.treasure_found.contains(&a.id))
        {
            return Some(Command::Take);
        }
    }
    let friend = ex.npcs_here().find(|n| {
        ex.attitude(n) == Attitude::Friendly
            && !n.helps.is_empty()
            && !ex.used.contains(&format!("npc:{}", n.id))
    });
    if let Some(n) = friend {
        return Some(Command::Talk {
            npc: n.id.clone(),
            say: "help".into(),
        });
    }
    // Rest when the party is at half its hit points or less, if it can
    // gain anything by it here.
    let (hp, max) = party
        .iter()
        .filter(|c| c.health.state() != LifeState::Dead)
        .fold((0, 0), |(h, m), c| {
            (h + c.health.current(), m + c.health.max())
        });
    let hurt = max > 0 && hp * 2 <= max;
    let dice_left = party.iter().any(|c| c.hit_dice_left > 0);
    match a.rest {
        Rest::Long if hurt => return Some(Command::Rest { long: true }),
        Rest::Short if hurt && dice_left => return Some(Command::Rest { long: false }),
        _ => {}
    }
    let carried = |item: &str| {
        let k = item.trim().to_lowercase().replace(' ', "-");
        party.iter().any(|c| c.items.contains(&k))
    };
    // New ground first; then the goals the party carries something for.
    let step = step_toward(ex, |id| !ex.visited.contains(id)).or_else(|| {
        step_toward(ex, |id| {
            ex.adventure.goals.iter().any(|g| {
                !ex.goals.contains(&g.id)
                    && matches!(&g.when, When::Carry { item, to } if to == id && carried(item))
            })
        })
    })?;
    let exit = ex.visible_exits().into_iter().find(|e| e.to == step)?;
    let name = exit_name(exit);
    if ex.locked(&ex.area, exit) {
        let door = exit.door.as_ref()?;
        let key = door.key.as_ref().is_some_and(|k| {
            let k = k.trim().to_lowercase().replace(' ', "-");
            party.iter().any(|c| c.items.contains(&k))
        });
        let picker = party
            .iter()
            .any(|c| c.class == "rogue" && c.health.state() == LifeState::Conscious);
        return Some(if key {
            Command::Open { exit: name }
        } else if door.pick.is_some() && picker {
            Command::Pick { exit: name }
        } else if door.force.is_some() {
            Command::Force { exit: name }
        } else {
            return None;
        });
    }
    Some(Command::Go {
        exit: name,
        vote_secs: None,
    })
}

/// The first area to walk to on the shortest way, through exits players
/// can see, to an area that is `wanted`; none when no reachable area is.
fn step_toward(ex: &Exploration, wanted: impl Fn(&str) -> bool) -> Option<String> {
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    let mut seen: BTreeSet<String> = BTreeSet::from([ex.area.clone()]);
    let mut queue = VecDeque::from([ex.area.clone()]);
    while let Some(at) = queue.pop_front() {
        let area = ex.area_by(&at)?;
        for e in area.exits.iter().filter(|e| ex.exit_visible(&at, e)) {
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
