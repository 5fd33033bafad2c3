//! What a monster sees: a [`TurnRequest`] built from the table, with its
//! whole-turn options (`dm::options`) described and scored by the
//! tactician; and the commands of a chosen option, checked against what is
//! legal at the moment it runs.

use dm::Table;
use dm::command::Command;
use dm::options::{TurnOption, turn_options};
use rules::mechanics::{Ability, ActionOption, Distance, LifeState};

use crate::tactician::score;
use crate::{ActorTurn, CombatantView, OptionView, Side, TurnRequest};

/// The request for `actors` (monsters of the table's fight) to decide now.
pub fn request(table: &Table, actors: &[String]) -> TurnRequest {
    let Some(enc) = table.encounter.as_ref() else {
        return TurnRequest {
            round: 0,
            combatants: Vec::new(),
            actors: Vec::new(),
            memory: String::new(),
        };
    };
    let combatants = enc
        .order
        .iter()
        .filter_map(|slot| {
            let h = slot.handle.as_str();
            let (name, side, health, ac, mut conditions): (_, _, _, _, Vec<String>) =
                match table.character(h) {
                    Some(c) => (
                        c.name.clone(),
                        Side::Party,
                        c.health,
                        c.ac(),
                        c.conditions.iter().map(|x| x.name().to_owned()).collect(),
                    ),
                    None => {
                        let m = enc.monster(h)?;
                        let data = m.data();
                        (
                            data.map_or_else(|| h.to_owned(), |d| d.name.clone()),
                            Side::Monsters,
                            m.health,
                            data.map_or(10, |d| d.ac),
                            m.conditions.iter().map(|x| x.name().to_owned()).collect(),
                        )
                    }
                };
            match health.state() {
                LifeState::Dead => conditions.push("dead".to_owned()),
                LifeState::Dying { .. } | LifeState::Stable => conditions.push("down".to_owned()),
                LifeState::Conscious => {}
            }
            Some(CombatantView {
                handle: h.to_owned(),
                name,
                side,
                hp: health.current(),
                max_hp: health.max(),
                ac,
                conditions,
                concentrating: enc.concentration.get(h).cloned(),
                distances: actors
                    .iter()
                    .filter(|a| a.as_str() != h)
                    .map(|a| (a.clone(), distance_word(enc.distance(a, h)).to_owned()))
                    .collect(),
            })
        })
        .collect();
    let actors = actors
        .iter()
        .map(|a| {
            let data = enc.monster(a).and_then(|m| m.data());
            ActorTurn {
                handle: a.clone(),
                kind: data.map_or_else(|| "character".to_owned(), |d| d.id.clone()),
                intelligence: data.map_or(10, |d| d.abilities[Ability::Intelligence].get()),
                options: turn_options(table, a)
                    .iter()
                    .map(|o| OptionView {
                        id: o.id.clone(),
                        summary: summary(table, o),
                        score: score(table, a, o),
                    })
                    .collect(),
            }
        })
        .collect();
    TurnRequest {
        round: enc.round,
        combatants,
        actors,
        memory: dm::journal::memory(table, crate::llm::narrate::MEMORY_CAP),
    }
}

/// The commands of option `id` for `actor`, if it is legal right now.
pub fn commands(table: &Table, actor: &str, id: &str) -> Option<Vec<Command>> {
    turn_options(table, actor)
        .into_iter()
        .find(|o| o.id == id)
        .map(|o| o.commands)
}

/// Whom an option's attack, area action or spell is aimed at.
pub(crate) fn targets(option: &TurnOption) -> Vec<String> {
    option
        .commands
        .iter()
        .map(|c| match c {
            Command::Dm(dm::DmCommand::As { command, .. }) => command.as_ref(),
            other => other,
        })
        .find_map(|c| match c {
            Command::Attack { targets, .. } | Command::Cast { targets, .. } => {
                Some(targets.clone())
            }
            _ => None,
        })
        .unwrap_or_default()
}

fn distance_word(d: Distance) -> &'static str {
    match d {
        Distance::Engaged => "engaged",
        Distance::Near => "near",
        Distance::Far => "far",
    }
}

/// A creature's display name (a character's is player-written).
fn name(table: &Table, h: &str) -> String {
    if let Some(c) = table.character(h) {
        return c.name.clone();
    }
    table
        .encounter
        .as_ref()
        .and_then(|e| e.monster(h))
        .and_then(|m| m.data())
        .map_or_else(|| h.to_owned(), |d| format!("{} ({h})", d.name))
}

/// A few words on what an option does, from content and numbers.
fn summary(table: &Table, o: &TurnOption) -> String {
    let approach = o
        .approach
        .as_deref()
        .map(|f| format!("move to {}, then ", name(table, f)))
        .unwrap_or_default();
    let risk = if o.provokes {
        " (provokes opportunity attacks)"
    } else {
        ""
    };
    let what = match &o.action {
        None => {
            let to = o
                .approach
                .as_deref()
                .map_or_else(String::new, |f| name(table, f));
            return format!("dash toward {to}{risk}");
        }
        Some(_) if o.id == "flee" => return format!("flee: dash away{risk}"),
        Some(ActionOption::Attack {
            attack,
            target,
            advantage,
            ..
        }) => {
            let t = target.to_string();
            let adv = match advantage {
                rules::dice::Advantage::Advantage => " with advantage",
                rules::dice::Advantage::Disadvantage => " with disadvantage",
                rules::dice::Advantage::Normal => "",
            };
            format!("{approach}{attack} vs {}{adv}", name(table, &t))
        }
        Some(ActionOption::Special { action, target }) => match target {
            Some(t) => format!("{approach}{action} on {}", name(table, &t.to_string())),
            None => {
                let who: Vec<String> = targets(o).iter().map(|h| name(table, h)).collect();
                format!("{action} on {}", who.join(", "))
            }
        },
        Some(ActionOption::Cast { spell, target, .. }) => match target {
            Some(t) => format!("{approach}cast {spell} on {}", name(table, &t.to_string())),
            None => format!("cast {spell}"),
        },
        Some(ActionOption::Grapple { target }) => {
            format!("{approach}grapple {}", name(table, &target.to_string()))
        }
        Some(ActionOption::Shove { target }) => {
            format!("{approach}shove {} prone", name(table, &target.to_string()))
        }
        Some(ActionOption::Help { ally }) => format!("help {}", name(table, &ally.to_string())),
        Some(ActionOption::EndTurn) => "end the turn".to_owned(),
        Some(other) => other.id(),
    };
    format!("{what}{risk}")
}
