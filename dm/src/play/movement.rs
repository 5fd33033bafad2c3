//! Moving between engaged, near and far, and the opportunity attacks a
//! move provokes. What reaches whom from there is `reach.rs`.

use rules::automation::{self, CastFigures};
use rules::content;
use rules::dice::Advantage;

use super::Dice;
use rules::mechanics::{Distance, LifeState};

use super::creatures::{fight, health, is_monster, monster_of, name_of, resolve, target, team};
use super::economy::{economy, my_turn};
use super::outcome::land;
use super::{Result, no, reactions};
use crate::encounter::ReadyWhen;
use crate::event::Reply;
use crate::table::Table;

pub(super) fn move_to(
    table: &mut Table,
    me: &str,
    to: Distance,
    other: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let t = resolve(table, other)?;
    my_turn(table, me)?;
    let enc = fight(table, "positions matter in a fight only")?;
    let was = enc.distance(me, &t);
    // Theater of mind: each step between engaged, near and far costs the
    // mover's movement, up to 30 ft (a speed-25 dwarf still makes one step).
    let steps = to.band().abs_diff(was.band());
    if steps == 0 {
        return Err(no(format!(
            "{} and {} are already {to}",
            name_of(table, me),
            name_of(table, &t)
        )));
    }
    let cost = steps * speed_of(table, me).clamp(1, 30);
    let left = enc.economy.get(me).map_or(0, |e| e.movement_left);
    if left < cost {
        return Err(no(format!(
            "{} has {left} ft of movement left and {to} {} takes {cost} ft — `dash` for more",
            name_of(table, me),
            name_of(table, &t)
        )));
    }
    let disengaged = enc.disengaged.iter().any(|h| h == me);
    let engaged_before: Vec<String> = enc
        .order
        .iter()
        .filter(|s| enc.distance(me, &s.handle) == Distance::Engaged)
        .map(|s| s.handle.clone())
        .collect();
    // Leaving a foe's reach provokes its opportunity attack (monsters take
    // theirs at once; players are told they may).
    let leaving: Vec<String> = enc
        .order
        .iter()
        .map(|s| s.handle.clone())
        .filter(|h| h != me && team(table, h) != team(table, me))
        .filter(|h| enc.distance(me, h) == Distance::Engaged)
        .filter(|h| !(to == Distance::Engaged && *h == t))
        .collect();
    if let Some(e) = economy(table, me) {
        e.movement_left -= cost;
    }
    // Opportunity attacks come right before the mover leaves reach.
    for foe in leaving.iter().filter(|_| !disengaged) {
        if !reactions::can_react(table, foe) {
            continue;
        }
        if is_monster(table, foe) {
            opportunity_attack(table, foe, me, dice, reply);
        } else {
            reactions::player_opportunity_attack(table, foe, me, dice, reply);
        }
    }
    if health(table, me).is_some_and(|h| h.state() != LifeState::Conscious) {
        reply.say(format!("{} falls before getting away.", name_of(table, me)));
        return Ok(());
    }
    if let Some(enc) = table.encounter.as_mut() {
        enc.set_distance(me, &t, to);
        // Engaging one creature takes you away from the others you were engaged with.
        if to != Distance::Engaged || was != Distance::Engaged {
            for h in &leaving {
                if *h != t {
                    enc.set_distance(me, h, Distance::Near);
                }
            }
        }
    }
    reply.say(format!(
        "{} moves {} {}.",
        name_of(table, me),
        to,
        name_of(table, &t)
    ));
    reactions::fire_readied(table, me, ReadyWhen::Moves, None, dice, reply);
    // Coming within reach: ending the move engaged with the reader.
    let reached: Vec<String> = table.encounter.as_ref().map_or_else(Vec::new, |enc| {
        enc.order
            .iter()
            .map(|s| s.handle.clone())
            .filter(|h| !engaged_before.contains(h) && enc.distance(me, h) == Distance::Engaged)
            .collect()
    });
    reactions::fire_readied(table, me, ReadyWhen::Comes, Some(&reached), dice, reply);
    Ok(())
}

/// A creature's speed in feet: a character's, or a monster's walking or
/// flying speed, whichever is faster.
pub(crate) fn speed_of(table: &Table, who: &str) -> u32 {
    if let Some(c) = table.character(who) {
        return c.speed;
    }
    monster_of(table, who).map_or(30, |m| m.speed.walk.max(m.speed.fly))
}

fn opportunity_attack(
    table: &mut Table,
    foe: &str,
    on: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) {
    let Some(m) = monster_of(table, foe) else {
        return;
    };
    let Some(action) = m.actions.iter().find(|a| {
        a.attack
            .is_some_and(|x| x.kind != content::AttackKind::Ranged)
    }) else {
        return;
    };
    let t = target(table, on, foe);
    let Ok(mut out) = automation::run_action(m, action, &t, Advantage::Normal, dice) else {
        return;
    };
    if let Some(enc) = table.encounter.as_mut() {
        enc.economy
            .entry(foe.to_string())
            .or_default()
            .reaction_used = true;
    }
    reply.say(format!(
        "{} makes an opportunity attack.",
        name_of(table, foe)
    ));
    reactions::shield(table, foe, on, &mut out, dice, reply);
    land(
        table,
        foe,
        &[on.to_string()],
        &out,
        Some((CastFigures::default(), false)),
        dice,
        reply,
    );
}
