//! Putting on the table what an attack or a spell did: damage (and the
//! concentration save it calls for), healing, conditions, ongoing effects,
//! pushes and deaths.

use super::Dice;
use rules::automation::{CastFigures, Resolution};
use rules::mechanics::{Ability, AttackResult, Condition, D20Test, Distance, Health, LifeState};

use super::creatures::{conditions_mut, health_mut, is_monster, name_of, save_bonus, target};
use super::rolls::push_save;
use super::turns::turn_events;
use super::{classes, reactions};
use crate::encounter::Encounter;
use crate::event::{DamagePart, Line, Reply};
use crate::table::Table;

/// Puts what a run did on the table: damage, healing, conditions, ongoing
/// effects (with `figures` and concentration), deaths.
pub(super) fn land(
    table: &mut Table,
    source: &str,
    targets: &[String],
    resolutions: &[Resolution],
    kept: Option<(CastFigures, bool)>,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) {
    let source_name = name_of(table, source);
    for r in resolutions {
        let Some(h) = targets.get(r.target).cloned() else {
            continue;
        };
        let tname = name_of(table, &h);
        if let Some(a) = &r.attack {
            reply.lines.push(Line::Attack {
                attacker: source_name.clone(),
                target: tname.clone(),
                with: r.action.clone(),
                d20: u64::from(a.roll.face()),
                d20s: a.roll.faces.iter().map(|f| u64::from(*f)).collect(),
                total: a.total,
                ac: a.target_ac,
                result: match a.result {
                    AttackResult::Miss => "miss",
                    AttackResult::Hit => "hit",
                    AttackResult::Critical => "critical hit",
                }
                .into(),
            });
        }
        if let Some(save) = &r.save {
            push_save(reply, tname.clone(), &r.action, save);
        }
        let damage = r.total_taken().saturating_add(r.hp_lost);
        let crit = r
            .attack
            .as_ref()
            .is_some_and(|a| a.result == AttackResult::Critical);
        if damage > 0 || !r.damage.is_empty() {
            harm(table, &h, damage, crit, &parts_of(r), dice, reply);
        }
        if r.healing > 0
            && let Some(hp) = health_mut(table, &h)
        {
            let hp_before = hp.current();
            let healed = hp.heal(r.healing).unwrap_or(0);
            reply
                .lines
                .push(heal_line(tname.clone(), hp_before, healed, hp));
        }
        if r.temp_hp > 0
            && let Some(hp) = health_mut(table, &h)
        {
            hp.grant_temp(r.temp_hp);
            reply.say(format!("{tname} gains {} temporary HP.", r.temp_hp));
        }
        // Conditions that no ongoing effect holds go on the creature itself.
        let held: Vec<Condition> = r
            .applied
            .iter()
            .flat_map(|a| a.conditions.clone())
            .collect();
        for c in &r.conditions {
            if !held.contains(c) {
                if let Some(cs) = conditions_mut(table, &h) {
                    cs.add(*c);
                }
                reply.lines.push(Line::Effect {
                    target: tname.clone(),
                    what: c.name().into(),
                    began: true,
                });
            }
        }
        for c in &r.removed {
            if let Some(cs) = conditions_mut(table, &h) {
                cs.remove(*c);
            }
        }
        for a in &r.applied {
            let on = if a.on_self {
                source_name.clone()
            } else {
                tname.clone()
            };
            reply.lines.push(Line::Effect {
                target: on,
                what: a.effect.name.clone(),
                began: true,
            });
        }
        if r.killed
            && let Some(hp) = health_mut(table, &h)
        {
            hp.kill();
            reply.say(format!("{tname} dies."));
            after_death(table, &h);
        }
        if let Some(ft) = (r.pushed_ft > 0).then_some(r.pushed_ft)
            && let Some(enc) = table.encounter.as_mut()
        {
            enc.set_distance(
                source,
                &h,
                if ft >= 30 {
                    Distance::Far
                } else {
                    Distance::Near
                },
            );
            reply.say(format!("{tname} is pushed {ft} ft."));
        }
    }
    if let (Some((figures, concentration)), Some(enc)) = (kept, table.encounter.as_mut()) {
        let ids: Vec<_> = targets.iter().map(|h| Encounter::id(h)).collect();
        let (_, ended) = enc.board.apply(
            &Encounter::id(source),
            &ids,
            resolutions,
            figures,
            concentration,
        );
        for e in ended {
            reply.lines.push(Line::Effect {
                target: e.on.as_str().to_string(),
                what: e.name,
                began: false,
            });
        }
    }
}

fn parts_of(r: &Resolution) -> Vec<DamagePart> {
    r.damage
        .iter()
        .map(|d| DamagePart {
            damage_type: d.damage_type.to_string(),
            rolled: d.rolled,
            taken: d.taken,
        })
        .collect()
}

/// The types of `parts`, each once, joined: "slashing+fire".
fn types_of(parts: &[DamagePart]) -> String {
    let mut types: Vec<&str> = Vec::new();
    for p in parts {
        if !types.contains(&p.damage_type.as_str()) {
            types.push(&p.damage_type);
        }
    }
    types.join("+")
}

/// Damage to a creature: hit points, concentration, effects damage ends, death.
pub(super) fn harm(
    table: &mut Table,
    h: &str,
    amount: u32,
    crit: bool,
    parts: &[DamagePart],
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) {
    let name = name_of(table, h);
    let Some(hp) = health_mut(table, h) else {
        return;
    };
    let hp_before = hp.current();
    let report = hp.take_damage(amount, crit);
    let (now, max, state) = (hp.current(), hp.max(), hp.state());
    if report.taken() > 0 {
        classes::keep_rage(table, h);
    }
    reply.lines.push(Line::Damage {
        target: name.clone(),
        amount,
        hp_before,
        types: types_of(parts),
        hp: now,
        max_hp: max,
        state: match state {
            LifeState::Dead => "dead",
            LifeState::Dying { .. } | LifeState::Stable => "down",
            LifeState::Conscious => "",
        }
        .into(),
        parts: parts.to_vec(),
    });
    // Concentration: a Constitution save, DC 10 or half the damage.
    if report.taken() > 0
        && let Some(spell) = table.concentrations().get(h).cloned()
    {
        let dc = rules::mechanics::concentration_dc(report.taken());
        let bonus = save_bonus(table, h, Ability::Constitution);
        let outcome = D20Test::new(bonus).roll(dc, dice);
        push_save(reply, name.clone(), "concentration", &outcome);
        if !outcome.success() || state != LifeState::Conscious {
            drop_concentration(table, h, &spell, reply);
        }
    }
    let t = target(table, h, h);
    if let Some(enc) = table.encounter.as_mut() {
        let id = Encounter::id(h);
        if let Ok(events) = enc.board.damaged(&id, &t, dice) {
            turn_events(table, h, events, dice, reply);
        }
    }
    if report.dropped_to_zero || state == LifeState::Dead {
        classes::end_rage(table, h, reply);
        if let Some(enc) = table.encounter.as_mut() {
            let ended = enc.board.dropped_to_zero(&Encounter::id(h));
            for e in ended {
                reply.lines.push(Line::Effect {
                    target: e.on.as_str().to_string(),
                    what: e.name,
                    began: false,
                });
            }
        }
        table.concentrations_mut().remove(h);
        if state == LifeState::Dead {
            after_death(table, h);
        }
    }
}

pub(super) fn drop_concentration(table: &mut Table, h: &str, spell: &str, reply: &mut Reply) {
    let name = name_of(table, h);
    table.concentrations_mut().remove(h);
    reply.say(format!("{name} loses concentration on {spell}."));
    if let Some(enc) = table.encounter.as_mut() {
        reactions::drop_readied_spell(enc, h);
        let ended = enc.board.end_concentration(&Encounter::id(h));
        for e in ended {
            reply.lines.push(Line::Effect {
                target: e.on.as_str().to_string(),
                what: e.name,
                began: false,
            });
        }
    }
}

/// A dead monster leaves the order and its effects end; a character stays.
fn after_death(table: &mut Table, h: &str) {
    let monster = is_monster(table, h);
    table.concentrations_mut().remove(h);
    if let Some(enc) = table.encounter.as_mut() {
        enc.board.remove_creature(&Encounter::id(h));
        // A monster that dies on its own turn keeps its place until the
        // turn moves on, so the next one's turn starts properly.
        if monster && enc.current() != Some(h) {
            enc.remove(h);
        }
    }
    let foes_left = table.encounter.as_ref().is_some_and(|e| {
        e.monsters
            .iter()
            .any(|m| m.health.state() != LifeState::Dead)
    });
    if monster && !foes_left {
        table
            .recent
            .push("All monsters are down — `dm end` closes the fight.".into());
    }
}

/// The line that tells `target` was healed by `healed` from `hp_before`
/// to `hp`.
pub(super) fn heal_line(target: String, hp_before: u32, healed: u32, hp: &Health) -> Line {
    Line::Heal {
        target,
        amount: healed,
        hp_before,
        hp: hp.current(),
        max_hp: hp.max(),
    }
}
