//! What a page shows, worked out from a table for one viewer: the
//! initiative order, the party, the zones, the log, the vote. Monsters'
//! numbers (hit points, AC) are in it only for the DM; others get the
//! health word every transport uses.

use std::collections::BTreeMap;

use dm::event::HealthBand;
use dm::rules::mechanics::Distance;
use dm::{Line, PlayerId, Table};
use serde::Serialize;

use crate::core::router::{Published, Transport};
use crate::transport::text::render_line;

/// What the viewer may do at the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The DM or a co-DM: every number, the desk.
    Dm,
    /// Plays a character here.
    Player,
    /// Signed in or not, plays nothing here: watches (if the table allows).
    Watcher,
}

impl Role {
    /// `player`'s role at `table` (`None`: not signed in).
    pub fn of(table: &Table, player: Option<&PlayerId>) -> Self {
        match player {
            Some(p) if table.is_dm(p) => Role::Dm,
            Some(p) if table.players.contains_key(p) || table.owners.values().any(|o| o == p) => {
                Role::Player
            }
            _ => Role::Watcher,
        }
    }
}

/// One row of the initiative order (or of the party, out of a fight).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Its handle (`aria`, `g1`).
    pub handle: String,
    /// Its display name.
    pub name: String,
    /// Its initiative total, in a fight.
    pub initiative: Option<i32>,
    /// Whose turn it is.
    pub current: bool,
    /// A monster (else a character).
    pub monster: bool,
    /// The health word (`healthy`, `injured`, `bloodied`, `down`).
    pub health: &'static str,
    /// Hit points, maximum and the bar's percentage: characters for all,
    /// monsters for the DM only.
    pub hp: Option<(u32, u32, u32)>,
    /// Armor class: the DM only, for monsters.
    pub ac: Option<i32>,
    /// Conditions, by name.
    pub conditions: Vec<String>,
    /// Who plays it (a character), as the player id.
    pub mine: bool,
}

/// A group in the theater-of-mind picture: combatants engaged with each
/// other, and which other groups are far from it.
#[derive(Debug, Clone, Serialize)]
pub struct Zone {
    /// The names in it.
    pub names: Vec<String>,
    /// The groups far from it (by their first name).
    pub far: Vec<String>,
}

/// One entry of the running log.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The table's seq after it.
    pub seq: u64,
    /// Who acted.
    pub who: String,
    /// Through which transport.
    pub via: &'static str,
    /// Its lines as text, dice breakdowns included.
    pub lines: Vec<String>,
}

/// The open vote.
#[derive(Debug, Clone, Serialize)]
pub struct VoteView {
    /// Each option with its votes.
    pub options: Vec<(String, usize)>,
    /// Ballots cast.
    pub cast: usize,
}

/// A button for one of the player's legal options.
#[derive(Debug, Clone, Serialize)]
pub struct OptionButton {
    /// The option's id, sent back when pressed.
    pub id: String,
    /// What it says.
    pub label: String,
}

/// Everything the live part of a table's page shows.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// The table's id.
    pub table: String,
    /// Its last seq.
    pub seq: u64,
    /// The viewer's role.
    pub role: Role,
    /// The round (0: no fight).
    pub round: u32,
    /// Whose turn it is, by name.
    pub turn: Option<String>,
    /// Initiative order in a fight, else empty.
    pub order: Vec<Row>,
    /// The party.
    pub party: Vec<Row>,
    /// The zones, in a fight.
    pub zones: Vec<Zone>,
    /// The vote, if one is open.
    pub vote: Option<VoteView>,
    /// The log, newest last.
    pub log: Vec<Entry>,
    /// The viewer's options on their turn.
    pub options: Vec<OptionButton>,
    /// The adventure being played, as the viewer may see it.
    pub adventure: Option<AdventureView>,
    /// The dice seed's commitment, and the seed once revealed.
    pub commitment: String,
    /// The revealed seed.
    pub revealed_seed: Option<String>,
}

/// The running adventure on the page: where the party is and the map as
/// the players know it (fog of war); the DM's whole map besides.
#[derive(Debug, Clone, Serialize)]
pub struct AdventureView {
    /// Its title.
    pub title: String,
    /// The party's area.
    pub area: String,
    /// What the party sees there (its short text, or the dark).
    pub text: String,
    /// The areas players know, with the exits they have seen.
    pub map: Vec<dm::explore::KnownArea>,
    /// The party, by name.
    pub party: Vec<String>,
    /// Who may join: open, invite or closed.
    pub access: &'static str,
    /// How it ended, once it has.
    pub ended: Option<String>,
    /// The viewer may not see it (watchers kept out): only that it runs.
    pub hidden: bool,
    /// The DM's whole map, secrets and all (the DM's view only).
    pub dm_map: Option<String>,
}

/// The adventure as `viewer` (with `role`) may see it.
fn adventure_view(table: &Table, role: Role, viewer: Option<&PlayerId>) -> Option<AdventureView> {
    let ex = table.adventure.as_deref()?;
    let dm = role == Role::Dm;
    let member = viewer
        .and_then(|p| table.players.get(p))
        .is_some_and(|h| ex.in_party(h));
    let party: Vec<String> = table
        .players
        .values()
        .filter(|h| ex.in_party(h))
        .filter_map(|h| table.character(h).map(|c| c.name.clone()))
        .collect();
    let hidden = ex.no_watchers && !member && !dm;
    let seeing = ex.lit()
        || table
            .players
            .values()
            .filter(|h| ex.in_party(h))
            .filter_map(|h| table.character(h))
            .any(|c| c.darkvision_ft() > 0);
    let here = ex.here();
    Some(AdventureView {
        title: ex.adventure.title.clone(),
        area: if hidden {
            String::new()
        } else {
            here.map(|a| a.name.clone()).unwrap_or_default()
        },
        text: match here {
            _ if hidden => String::new(),
            Some(a) if seeing => a.short.clone(),
            Some(_) => "Pitch dark.".to_owned(),
            None => String::new(),
        },
        map: if hidden { Vec::new() } else { ex.players_map() },
        party: if hidden { Vec::new() } else { party },
        access: ex.access.as_str(),
        ended: ex.ended.clone(),
        hidden,
        dm_map: dm.then(|| ex.map()),
    })
}

fn percent(hp: u32, max: u32) -> u32 {
    (hp.min(max) * 100).checked_div(max).unwrap_or(0)
}

fn character_row(table: &Table, handle: &str, viewer: Option<&PlayerId>) -> Option<Row> {
    let c = table.character(handle)?;
    let (hp, max) = (c.health.current(), c.health.max());
    let owner = table
        .players
        .iter()
        .find(|(_, h)| h.as_str() == handle)
        .map(|(p, _)| p);
    Some(Row {
        handle: c.handle.clone(),
        name: c.name.clone(),
        initiative: None,
        current: false,
        monster: false,
        health: HealthBand::of(hp, max).word(),
        hp: Some((hp, max, percent(hp, max))),
        ac: None,
        conditions: c.conditions.iter().map(|k| k.to_string()).collect(),
        mine: viewer.is_some() && owner == viewer,
    })
}

/// The view of `table` for a viewer with `role` (and player id, if signed in).
pub fn view(
    id: &str,
    seq: u64,
    table: &Table,
    role: Role,
    viewer: Option<&PlayerId>,
    log: &[Published],
) -> View {
    let dm = role == Role::Dm;
    let mut order = Vec::new();
    let mut zones = Vec::new();
    let mut round = 0;
    let mut turn = None;
    if let Some(enc) = &table.encounter {
        round = enc.round;
        let current = enc.current();
        for slot in &enc.order {
            let row = if let Some(m) = enc.monster(&slot.handle) {
                let (hp, max) = (m.health.current(), m.health.max());
                let mut conditions: Vec<String> =
                    m.conditions.iter().map(|k| k.to_string()).collect();
                conditions.sort();
                Some(Row {
                    handle: m.handle.clone(),
                    name: m.name(),
                    initiative: None,
                    current: false,
                    monster: true,
                    health: HealthBand::of(hp, max).word(),
                    hp: dm.then(|| (hp, max, percent(hp, max))),
                    ac: if dm { m.data().map(|d| d.ac) } else { None },
                    conditions,
                    mine: false,
                })
            } else {
                character_row(table, &slot.handle, viewer)
            };
            if let Some(mut row) = row {
                row.initiative = Some(slot.initiative);
                row.current = current == Some(slot.handle.as_str());
                if row.current {
                    turn = Some(row.name.clone());
                }
                order.push(row);
            }
        }
        zones = zone_groups(&order, |a, b| enc.distance(a, b));
    }
    let party = table
        .characters
        .iter()
        .filter_map(|c| character_row(table, &c.handle, viewer))
        .collect();
    let vote = table.vote.as_ref().map(|v| {
        let mut counts = vec![0usize; v.options.len()];
        for i in v.ballots.values() {
            if let Some(n) = counts.get_mut(*i) {
                *n += 1;
            }
        }
        VoteView {
            options: v.options.iter().cloned().zip(counts).collect(),
            cast: v.ballots.len(),
        }
    });
    let adventure = adventure_view(table, role, viewer);
    // Kept out of the adventure: no area descriptions in the log either.
    let kept_out = adventure.as_ref().is_some_and(|a| a.hidden);
    let log = log
        .iter()
        .filter(|p| !p.reply.private || viewer == Some(&p.actor) || dm)
        .filter(|p| !kept_out || !p.reply.lines.iter().any(|l| matches!(l, Line::Area { .. })))
        .map(|p| entry(table, p, dm))
        .collect();
    let options = viewer
        .and_then(|p| table.players.get(p))
        .filter(|h| table.encounter.as_ref().and_then(|e| e.current()) == Some(h.as_str()))
        .map(|h| {
            dm::options::turn_options(table, h)
                .into_iter()
                .filter(|o| o.id != "end")
                .map(|o| OptionButton {
                    label: option_label(&o.id),
                    id: o.id,
                })
                .collect()
        })
        .unwrap_or_default();
    View {
        table: id.to_owned(),
        seq,
        role,
        round,
        turn,
        order,
        party,
        zones,
        vote,
        log,
        options,
        adventure,
        commitment: table.commitment.clone(),
        revealed_seed: table.revealed_seed.clone(),
    }
}

/// An option's id as a button says it: `move:g1+attack:longsword:g1` →
/// `close in on g1, then longsword → g1`.
pub fn option_label(id: &str) -> String {
    id.split('+')
        .map(|step| {
            let parts: Vec<&str> = step.split(':').collect();
            match parts.as_slice() {
                ["move", who] => format!("close in on {who}"),
                ["dash", who] => format!("dash to {who}"),
                ["attack", with, who] => format!("{with} → {who}"),
                ["cast", spell, rest @ ..] if !rest.is_empty() => {
                    format!("cast {spell} → {}", rest.join(" "))
                }
                _ => parts.join(" "),
            }
        })
        .collect::<Vec<_>>()
        .join(", then ")
}

/// Groups of combatants engaged with each other, each with the groups far from it.
fn zone_groups(order: &[Row], distance: impl Fn(&str, &str) -> Distance) -> Vec<Zone> {
    let n = order.len();
    let mut group: Vec<usize> = (0..n).collect();
    fn root(g: &mut [usize], mut i: usize) -> usize {
        while g[i] != i {
            g[i] = g[g[i]];
            i = g[i];
        }
        i
    }
    for i in 0..n {
        for j in i + 1..n {
            if distance(&order[i].handle, &order[j].handle) == Distance::Engaged {
                let (a, b) = (root(&mut group, i), root(&mut group, j));
                group[b] = a;
            }
        }
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let r = root(&mut group, i);
        members.entry(r).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = members.into_values().collect();
    groups
        .iter()
        .enumerate()
        .map(|(gi, g)| Zone {
            names: g.iter().map(|&i| order[i].name.clone()).collect(),
            far: groups
                .iter()
                .enumerate()
                .filter(|(gj, other)| {
                    *gj != gi
                        && g.iter().any(|&i| {
                            other.iter().any(|&j| {
                                distance(&order[i].handle, &order[j].handle) == Distance::Far
                            })
                        })
                })
                .map(|(_, other)| order[other[0]].name.clone())
                .collect(),
        })
        .collect()
}

/// Whether `name` is one of the table's characters (anything else in a
/// line — a monster — keeps its numbers from players).
fn is_character(table: &Table, name: &str) -> bool {
    table.characters.iter().any(|c| c.name == name)
}

/// One reply line as the viewer may read it.
pub fn line_text(table: &Table, line: &Line, dm: bool) -> String {
    if dm {
        return render_line(line);
    }
    match line {
        Line::Attack {
            attacker,
            target,
            with,
            d20,
            total,
            result,
            ..
        } if !is_character(table, target) => {
            format!("{attacker} → {target} ({with}): d20 {d20} → {total}: {result}")
        }
        Line::Damage {
            target,
            amount,
            types,
            hp,
            max_hp,
            ..
        } if !is_character(table, target) => {
            let kind = if types.is_empty() {
                String::new()
            } else {
                format!(" {types}")
            };
            format!(
                "{target} takes {amount}{kind} damage: {}",
                HealthBand::of(*hp, *max_hp).word()
            )
        }
        Line::Heal {
            target,
            amount,
            hp,
            max_hp,
            ..
        } if !is_character(table, target) => format!(
            "{target} heals {amount}: {}",
            HealthBand::of(*hp, *max_hp).word()
        ),
        Line::Note { text } if reveals_numbers(table, text) => String::new(),
        other => render_line(other),
    }
}

/// Whether a note tells hit points or AC of someone who is not a
/// character ("Goblin (g1) joins with 7 HP"): players do not read those.
fn reveals_numbers(table: &Table, text: &str) -> bool {
    let numbers = text.contains(" HP") || text.contains("AC ");
    numbers
        && !table
            .characters
            .iter()
            .any(|c| text.starts_with(c.name.as_str()))
}

fn entry(table: &Table, p: &Published, dm: bool) -> Entry {
    let who = match p.via {
        Transport::Planner => "Monster turn".to_owned(),
        _ => table
            .character_of(&p.actor)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| {
                if table.is_dm(&p.actor) {
                    "The DM".to_owned()
                } else {
                    p.actor.0.clone()
                }
            }),
    };
    let mut lines: Vec<String> = p
        .reply
        .lines
        .iter()
        .map(|l| line_text(table, l, dm))
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(t) = &p.reply.turn {
        let call = dm::event::turn_call(t.round, &t.name);
        if lines.last() != Some(&call) {
            lines.push(call);
        }
    }
    Entry {
        seq: p.seq,
        who,
        via: p.via.name(),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_ids_read_as_words() {
        assert_eq!(
            option_label("move:g1+attack:longsword:g1"),
            "close in on g1, then longsword → g1"
        );
        assert_eq!(option_label("dodge"), "dodge");
        assert_eq!(option_label("help:bram"), "help bram");
    }
}
