//! A combatant's legal choices for its turn, as the rules engine lists them
//! from the table's state ([`rules::mechanics::legal_options`]), and the
//! commands that carry each one out.
//!
//! Theater of mind adds one thing the rules engine's list leaves to the
//! table: getting there. For every foe the combatant can reach this turn
//! the list also holds "move engaged with it, then …" (the rules engine's
//! options as they would be once there), and "dash to it" for one only a
//! dash reaches. Every option is a whole turn's worth: its commands, then
//! the end of the turn.

use rules::automation;
use rules::content::{self, WeaponKind, WeaponProperty};
use rules::mechanics::{
    ActionOption, AttackReach, Combatant, Distance, LifeState, Snapshot, SpecialProfile,
    SpellLevel, Team, legal_options,
};

use crate::command::{Command, DmCommand, Simple};
use crate::encounter::Encounter;
use crate::table::Table;

/// One choice for a whole turn.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnOption {
    /// Its id: the rules engine's (`attack:scimitar:aria`), or with the
    /// approach first (`move:aria+attack:scimitar:aria`, `dash:aria`).
    pub id: String,
    /// The action it takes, as the rules engine names it (`None` for a dash
    /// to a foe).
    pub action: Option<ActionOption>,
    /// The foe it moves to first, if any.
    pub approach: Option<String>,
    /// Moving there leaves the reach of other foes (opportunity attacks).
    pub provokes: bool,
    /// The commands, in order (the turn's end not included). A monster's
    /// are wrapped in `dm as`.
    pub commands: Vec<Command>,
}

/// How many creatures a monster's area action is aimed at, at most, when
/// its area's size is not in the data.
const AREA_TARGETS: usize = 4;

/// The fight as the rules engine's option lister sees it.
pub fn snapshot(table: &Table) -> Option<Snapshot> {
    let enc = table.encounter.as_ref()?;
    let mut combatants = Vec::new();
    for slot in &enc.order {
        let h = slot.handle.as_str();
        let id = Encounter::id(h);
        let mut c = if let Some(ch) = table.character(h) {
            character_combatant(ch)
        } else if let Some(m) = enc.monster(h) {
            let Some(data) = m.data() else { continue };
            let mut c = automation::combatant(h, Team(1), data);
            if let Some(multi) = data.actions.iter().find(|a| !a.multiattack.is_empty()) {
                // A multiattack is one option; it reaches as its steps do.
                let melee = multi.multiattack.iter().any(|step| {
                    data.action(&step.action)
                        .and_then(|a| a.attack)
                        .is_some_and(|a| a.kind != content::AttackKind::Ranged)
                });
                let reach = if melee {
                    AttackReach::Melee
                } else {
                    AttackReach::Ranged { long_range: true }
                };
                c = c.with_attack(automation::option_slug(&multi.name), reach);
            }
            if let Some(sc) = &data.spellcasting {
                c.spells = sc
                    .spells
                    .iter()
                    .filter_map(|s| content::spell(s))
                    .filter(|s| !s.effects.is_empty())
                    .map(automation::spell_profile)
                    .collect();
                c.slots = (1..=9u8)
                    .filter(|l| SpellLevel::new(*l).is_some_and(|lvl| m.slots.remaining(lvl) > 0))
                    .collect();
            }
            // As the DM core moves it.
            c.speed = crate::play::speed_of(table, h);
            c.hp = m.health.current();
            c.life = m.health.state();
            c.conditions = m.conditions.clone();
            for special in &mut c.specials {
                special.ready = data
                    .actions
                    .iter()
                    .find(|a| automation::option_slug(&a.name) == special.id)
                    .is_some_and(|a| m.resources.ready(&a.name));
            }
            c
        } else {
            continue;
        };
        if let Some(e) = enc.economy.get(h) {
            c.economy = *e;
        }
        c.dodging = enc.dodging.iter().any(|d| d == h);
        c.disengaged = enc.disengaged.iter().any(|d| d == h);
        c.limits = enc.board.limits(&id);
        combatants.push(c);
    }
    let mut snap = Snapshot::new(combatants);
    for (a, b, d) in &enc.distances {
        snap.set_distance(a, b, *d);
    }
    Some(snap)
}

fn character_combatant(ch: &crate::character::Character) -> Combatant {
    let mut c = Combatant::new(
        ch.handle.as_str(),
        Team(0),
        ch.health.current(),
        ch.ac(),
        ch.speed,
    );
    c.life = ch.health.state();
    c.conditions = ch.conditions.clone();
    // A weapon it cannot use now (no ammunition, two hands but a shield) is no option.
    for w in ch
        .weapons
        .iter()
        .filter_map(|w| content::weapon(w))
        .filter(|w| ch.cannot_attack_with(w).is_none())
    {
        let long_range = w.range.is_some_and(|[normal, long]| long > normal);
        match w.kind {
            WeaponKind::Ranged => {
                c = c.with_attack(w.id.clone(), AttackReach::Ranged { long_range });
            }
            WeaponKind::Melee => {
                c = c.with_attack(w.id.clone(), AttackReach::Melee);
                if w.has(WeaponProperty::Thrown) {
                    c = c.with_attack(
                        format!("{}-thrown", w.id),
                        AttackReach::Ranged { long_range: true },
                    );
                }
            }
        }
    }
    c.spells = ch
        .spells
        .iter()
        .filter_map(|s| content::spell(s))
        .map(automation::spell_profile)
        .collect();
    c.slots = (1..=9u8)
        .filter(|l| SpellLevel::new(*l).is_some_and(|lvl| ch.slots.remaining(lvl) > 0))
        .collect();
    c
}

/// Every whole-turn option of `handle` now (empty if it is not in a fight
/// or cannot act).
pub fn turn_options(table: &Table, handle: &str) -> Vec<TurnOption> {
    let Some(snap) = snapshot(table) else {
        return Vec::new();
    };
    let me = Encounter::id(handle);
    let Some(mine) = snap.get(&me).cloned() else {
        return Vec::new();
    };
    let mut out: Vec<TurnOption> = legal_options(&snap, &me)
        .into_iter()
        .filter_map(|o| {
            let commands = commands_for(table, handle, &o)?;
            Some(TurnOption {
                id: o.id(),
                action: Some(o),
                approach: None,
                provokes: false,
                commands,
            })
        })
        .collect();
    if mine.life != LifeState::Conscious || mine.effective_conditions().speed_is_zero() {
        return out;
    }
    let step = mine.speed.clamp(1, 30);
    let engaged_foes: Vec<String> = snap
        .combatants
        .iter()
        .filter(|c| c.team != mine.team && c.life == LifeState::Conscious)
        .filter(|c| snap.distance(&me, &c.id) == Distance::Engaged)
        .map(|c| c.id.to_string())
        .collect();
    if let Some(flee) = flee(table, handle, &snap, &mine, step) {
        out.push(flee);
    }
    // Stepping back out of reach, then shooting (ranged attackers in melee).
    let ranged = mine
        .attacks
        .iter()
        .any(|a| matches!(a.reach, AttackReach::Ranged { .. }));
    if ranged && !engaged_foes.is_empty() && mine.economy.movement_left >= step {
        let mut back = snap.clone();
        for other in &engaged_foes {
            back.set_distance(handle, other, Distance::Near);
        }
        if let Some(c) = back.combatants.iter_mut().find(|c| c.id == me) {
            c.economy.movement_left -= step;
        }
        let away: Vec<Command> = engaged_foes
            .iter()
            .take(1)
            .map(|f| {
                wrap(
                    table,
                    handle,
                    Command::Move {
                        to: Distance::Near,
                        target: f.clone(),
                    },
                )
            })
            .collect();
        // One step back from the one foe in reach (with several, no single
        // step gets clear of them all).
        if engaged_foes.len() == 1 {
            for o in legal_options(&back, &me) {
                let ActionOption::Attack { attack, .. } = &o else {
                    continue;
                };
                let shoots = mine
                    .attacks
                    .iter()
                    .any(|a| &a.id == attack && matches!(a.reach, AttackReach::Ranged { .. }));
                if !shoots {
                    continue;
                }
                let Some(commands) = commands_for(table, handle, &o) else {
                    continue;
                };
                out.push(TurnOption {
                    id: format!("back+{}", o.id()),
                    action: Some(o),
                    approach: None,
                    provokes: !mine.disengaged,
                    commands: away.iter().cloned().chain(commands).collect(),
                });
            }
        }
    }
    for foe in snap
        .combatants
        .iter()
        .filter(|c| c.team != mine.team && !matches!(c.life, LifeState::Dead))
    {
        let steps = snap.distance(&me, &foe.id).band();
        if steps == 0 {
            continue;
        }
        let foe_h = foe.id.to_string();
        let cost = steps * step;
        let left = mine.economy.movement_left;
        let go = move_command(table, handle, &foe_h);
        let provokes = !mine.disengaged && !engaged_foes.is_empty();
        if left >= cost {
            // Once there: what the rules engine lists against that foe.
            let mut there = snap.clone();
            there.set_distance(handle, &foe_h, Distance::Engaged);
            for other in &engaged_foes {
                there.set_distance(handle, other, Distance::Near);
            }
            if let Some(c) = there.combatants.iter_mut().find(|c| c.id == me) {
                c.economy.movement_left -= cost;
            }
            for o in legal_options(&there, &me) {
                if !aims_at(&o, &foe_h) {
                    continue;
                }
                let Some(mut commands) = commands_for(table, handle, &o) else {
                    continue;
                };
                commands.insert(0, go.clone());
                out.push(TurnOption {
                    id: format!("move:{foe_h}+{}", o.id()),
                    action: Some(o),
                    approach: Some(foe_h.clone()),
                    provokes,
                    commands,
                });
            }
        } else if !mine.economy.action_used && left + mine.speed >= cost {
            out.push(TurnOption {
                id: format!("dash:{foe_h}"),
                action: None,
                approach: Some(foe_h.clone()),
                provokes,
                commands: vec![wrap(table, handle, Command::Act(Simple::Dash)), go],
            });
        }
    }
    out
}

/// Running away: a dash, then far from the closest foe (opportunity
/// attacks and all). Only with the action free and somewhere to run from.
fn flee(
    table: &Table,
    handle: &str,
    snap: &Snapshot,
    mine: &Combatant,
    step: u32,
) -> Option<TurnOption> {
    if mine.economy.action_used {
        return None;
    }
    let me = Encounter::id(handle);
    let (d, foe) = snap
        .combatants
        .iter()
        .filter(|c| c.team != mine.team && c.life == LifeState::Conscious)
        .map(|c| (snap.distance(&me, &c.id).band(), c.id.to_string()))
        .filter(|(d, _)| *d < 2)
        .min()?;
    let cost = (2 - d) * step;
    if mine.economy.movement_left + mine.speed < cost {
        return None;
    }
    Some(TurnOption {
        id: "flee".to_owned(),
        action: Some(ActionOption::Dash),
        approach: None,
        provokes: d == 0 && !mine.disengaged,
        commands: vec![
            wrap(table, handle, Command::Act(Simple::Dash)),
            wrap(
                table,
                handle,
                Command::Move {
                    to: Distance::Far,
                    target: foe,
                },
            ),
        ],
    })
}

fn aims_at(o: &ActionOption, foe: &str) -> bool {
    match o {
        ActionOption::Attack { target, .. }
        | ActionOption::Grapple { target }
        | ActionOption::Shove { target } => target.to_string() == foe,
        ActionOption::Special {
            target: Some(t), ..
        }
        | ActionOption::Cast {
            target: Some(t), ..
        } => t.to_string() == foe,
        _ => false,
    }
}

fn move_command(table: &Table, handle: &str, foe: &str) -> Command {
    wrap(
        table,
        handle,
        Command::Move {
            to: Distance::Engaged,
            target: foe.to_owned(),
        },
    )
}

/// A monster's command goes through the DM (`dm as g1 …`).
fn wrap(table: &Table, handle: &str, command: Command) -> Command {
    let monster = table
        .encounter
        .as_ref()
        .is_some_and(|e| e.monster(handle).is_some());
    if monster {
        Command::Dm(DmCommand::As {
            monster: handle.to_owned(),
            command: Box::new(command),
        })
    } else {
        command
    }
}

/// The commands that carry out `option` for `handle`, if the DM core has
/// them.
pub fn commands_for(table: &Table, handle: &str, option: &ActionOption) -> Option<Vec<Command>> {
    let command = match option {
        ActionOption::Attack { attack, target, .. } => Command::Attack {
            weapon: weapon_name(table, handle, attack)?,
            targets: vec![target.to_string()],
            advantage: rules::dice::Advantage::Normal,
        },
        ActionOption::Dash => Command::Act(Simple::Dash),
        ActionOption::Dodge => Command::Act(Simple::Dodge),
        ActionOption::Disengage => Command::Act(Simple::Disengage),
        ActionOption::Hide => Command::Act(Simple::Hide),
        ActionOption::Help { ally } => Command::Help {
            target: ally.to_string(),
        },
        ActionOption::Grapple { target } => Command::Grapple {
            target: target.to_string(),
        },
        ActionOption::Shove { target } => Command::Shove {
            target: target.to_string(),
            prone: true,
        },
        ActionOption::Cast {
            spell,
            slot,
            target,
        } => {
            let data = content::spell(spell)?;
            let targets = match (target, &data.area) {
                (Some(t), _) => vec![t.to_string()],
                // An area spell: the foes it would catch, as many as fit.
                (None, Some(area)) if data.attack.is_some() || data.save.is_some() => {
                    let fit = crate::play::area_capacity(area);
                    let mut ts = area_targets(table, handle);
                    ts.truncate(fit);
                    if ts.is_empty() {
                        return None;
                    }
                    ts
                }
                (None, _) => Vec::new(),
            };
            if !crate::play::spell_in_reach(table, handle, data, &targets) {
                return None;
            }
            // A spell that asks for a choice (Command's word) gets its first.
            let choice = data.default_choice();
            Command::Cast {
                spell: spell.clone(),
                targets,
                level: (*slot > 0).then_some(*slot),
                choice,
            }
        }
        ActionOption::Special { action, target } => {
            let name = special_name(table, handle, action)?;
            let targets = match target {
                Some(t) => vec![t.to_string()],
                None => area_targets(table, handle),
            };
            if targets.is_empty() {
                return None;
            }
            Command::Attack {
                weapon: name,
                targets,
                advantage: rules::dice::Advantage::Normal,
            }
        }
        ActionOption::DeathSave => Command::DeathSave,
        ActionOption::EndTurn => return Some(Vec::new()),
        // Not a turn's choice here (readying, objects, standing up, reactions).
        ActionOption::Ready
        | ActionOption::UseObject
        | ActionOption::StandUp
        | ActionOption::OpportunityAttack { .. }
        | ActionOption::Pass => return None,
    };
    Some(vec![wrap(table, handle, command)])
}

/// The weapon or action name the DM core knows for an attack profile id.
fn weapon_name(table: &Table, handle: &str, attack: &str) -> Option<String> {
    let base = attack.strip_suffix("-thrown").unwrap_or(attack);
    if table.character(handle).is_some() {
        return Some(base.to_owned());
    }
    let m = table.encounter.as_ref()?.monster(handle)?.data()?;
    m.actions
        .iter()
        .find(|a| automation::option_slug(&a.name) == base)
        .map(|a| a.name.clone())
}

fn special_name(table: &Table, handle: &str, id: &str) -> Option<String> {
    let m = table.encounter.as_ref()?.monster(handle)?.data()?;
    m.actions
        .iter()
        .find(|a| automation::option_slug(&a.name) == id)
        .map(|a| a.name.clone())
}

/// Who a monster's area action covers: living foes engaged with it or near
/// it, the engaged first, a few at most.
fn area_targets(table: &Table, handle: &str) -> Vec<String> {
    let Some(enc) = table.encounter.as_ref() else {
        return Vec::new();
    };
    let mine = enc.monster(handle).is_some();
    let mut foes: Vec<(u32, String)> = enc
        .order
        .iter()
        .map(|s| s.handle.clone())
        .filter(|h| enc.monster(h).is_some() != mine)
        .filter(|h| {
            table
                .character(h)
                .map(|c| c.health.state())
                .or_else(|| enc.monster(h).map(|m| m.health.state()))
                .is_some_and(|s| s != LifeState::Dead)
        })
        .filter_map(|h| match enc.distance(handle, &h) {
            Distance::Far => None,
            d => Some((d.band(), h)),
        })
        .collect();
    foes.sort();
    foes.into_iter()
        .take(AREA_TARGETS)
        .map(|(_, h)| h)
        .collect()
}

/// The special actions' readiness as the snapshot reports it (for tests).
pub fn specials(table: &Table, handle: &str) -> Vec<SpecialProfile> {
    snapshot(table)
        .and_then(|s| s.get(&Encounter::id(handle)).map(|c| c.specials.clone()))
        .unwrap_or_default()
}
