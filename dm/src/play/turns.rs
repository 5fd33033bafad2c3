//! Turns and initiative: who may move the fight on, rolling and joining
//! initiative, ending a turn, and what happens as a turn ends and the next
//! one starts.

use rules::automation::{Target, TurnEvent};
use rules::content::TurnPoint;
use rules::dice::Advantage;

use super::Dice;
use rules::mechanics::{Ability, D20Roll, Economy, LifeState};

use super::creatures::{check_bonus, fight, handles, health, name_of, target};
use super::economy::{economy, my_turn};
use super::movement::speed_of;
use super::outcome::land;
use super::rolls::{d20_text, push_save};
use super::{Result, classes, no, reactions};
use crate::encounter::Encounter;
use crate::event::{Line, PlayerId, Reply, TurnNote};
use crate::table::Table;

/// The DM's `n` starts the fight or ends whoever's turn it is (a monster's,
/// or a player's who is away), unless it is the DM's own character's turn.
pub(super) fn dm_moves_turn(table: &Table, actor: &PlayerId) -> bool {
    if !table.is_dm(actor) {
        return false;
    }
    let own = table.players.get(actor);
    let current = table.encounter.as_ref().and_then(Encounter::current);
    own.is_none() || current.is_none_or(|c| Some(&c.to_string()) != own)
}

/// The DM's `n` when [`dm_moves_turn`]: starts the fight or moves it on.
pub(super) fn dm_end_turn(table: &mut Table, dice: &mut Dice<'_>, reply: &mut Reply) -> Result<()> {
    if table.encounter.is_none() {
        return Err(no("no fight is on — `dm encounter` starts one"));
    }
    advance(table, dice, reply);
    Ok(())
}

pub(super) fn note_turn(table: &Table, reply: &mut Reply) {
    let Some(enc) = &table.encounter else {
        return;
    };
    if let Some(h) = enc.current() {
        let player = table
            .players
            .iter()
            .find(|(_, c)| c.as_str() == h)
            .map(|(p, _)| p.clone());
        reply.turn = Some(TurnNote {
            round: enc.round,
            handle: h.to_string(),
            name: name_of(table, h),
            player,
        });
    }
}

pub(super) fn roll_initiative(
    table: &Table,
    handle: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> i32 {
    let bonus = check_bonus(table, handle, Ability::Dexterity, None);
    let roll = D20Roll::roll(Advantage::Normal, dice);
    let total = i32::from(roll.face()) + bonus;
    reply.lines.push(Line::Roll {
        who: name_of(table, handle),
        label: "initiative".into(),
        detail: format!("{} {bonus:+}", d20_text(&roll)),
        total: i64::from(total),
    });
    total
}

/// `init`: `me` rolls initiative and joins the fight that is on.
pub(super) fn join_initiative(
    table: &mut Table,
    me: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let enc = fight(
        table,
        "no fight is on — the DM starts one with `dm encounter`",
    )?;
    if enc.has(me) {
        return Err(no("you are already in the initiative order"));
    }
    let init = roll_initiative(table, me, dice, reply);
    if let Some(enc) = table.encounter.as_mut() {
        enc.insert(me.to_string(), init);
    }
    Ok(())
}

pub(super) fn end_turn(
    table: &mut Table,
    me: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let enc = fight(table, "no fight is on")?;
    if enc.round == 0 {
        return Err(no("the fight hasn't started — the DM begins it with `n`"));
    }
    my_turn(table, me)?;
    advance(table, dice, reply);
    Ok(())
}

/// Ends the current turn and starts the next living combatant's.
fn advance(table: &mut Table, dice: &mut Dice<'_>, reply: &mut Reply) {
    if let Some(cur) = table
        .encounter
        .as_ref()
        .and_then(|e| e.current().map(str::to_string))
    {
        classes::rage_turn_end(table, &cur, reply);
        let events = board_turn_point(table, &cur, TurnPoint::End, dice);
        if let Some(enc) = table.encounter.as_mut() {
            enc.disengaged.retain(|h| h != &cur);
            turn_events(table, &cur, events, dice, reply);
        }
    }
    // The next one alive (monsters that died left the order; one that died
    // on its own turn leaves it now).
    let dead_current = table.encounter.as_ref().and_then(|e| {
        let cur = e.current()?;
        e.monster(cur)
            .filter(|m| m.health.state() == LifeState::Dead)
            .map(|_| cur.to_string())
    });
    let Some(enc) = table.encounter.as_mut() else {
        return;
    };
    let at = enc.turn;
    if let Some(dead) = &dead_current {
        enc.order.retain(|s| &s.handle != dead);
    }
    if enc.order.is_empty() {
        return;
    }
    if enc.round == 0 {
        enc.round = 1;
        enc.turn = 0;
    } else {
        // Without the dead one, the next creature already sits at its place.
        enc.turn = if dead_current.is_some() { at } else { at + 1 };
        if enc.turn >= enc.order.len() {
            enc.turn = 0;
            enc.round += 1;
        }
    }
    let next = enc.order[enc.turn].handle.clone();
    enc.economy.insert(next.clone(), Economy::default());
    let speed = speed_of(table, &next);
    if let Some(e) = economy(table, &next) {
        e.movement_left = speed;
    }
    let Some(enc) = table.encounter.as_mut() else {
        return;
    };
    enc.attacks_left.remove(&next);
    enc.sneak_attacked.clear();
    enc.light_attack.clear();
    enc.loaded_fired.clear();
    enc.extra_actions.clear();
    enc.dodging.retain(|h| h != &next);
    let round = enc.round;
    reply.say(crate::event::turn_call(round, &name_of(table, &next)));
    reactions::expire_readied(table, &next, reply);
    let events = board_turn_point(table, &next, TurnPoint::Start, dice);
    if let Some(enc) = table.encounter.as_mut() {
        if let Some(m) = enc.monster_mut(&next) {
            for (name, face, back) in m.resources.start_turn(dice) {
                if back {
                    reply.say(format!("{name} recharges ({face})."));
                }
            }
        }
        turn_events(table, &next, events, dice, reply);
    }
    if health(table, &next).is_some_and(|h| matches!(h.state(), LifeState::Dying { .. })) {
        reply.say(format!(
            "{} is dying: `ds` rolls the death save.",
            name_of(table, &next)
        ));
    }
}

/// The board's start or end of `who`'s turn: its own effects (saves, damage
/// on its turn, durations), then the effects it keeps on others that act on
/// its turns.
fn board_turn_point(
    table: &mut Table,
    who: &str,
    point: TurnPoint,
    dice: &mut Dice<'_>,
) -> Vec<TurnEvent> {
    let me = target(table, who, who);
    let others: Vec<(String, Target)> = handles(table)
        .into_iter()
        .map(|h| {
            let t = target(table, &h, who);
            (h, t)
        })
        .collect();
    let id = Encounter::id(who);
    let Some(enc) = table.encounter.as_mut() else {
        return Vec::new();
    };
    let mut events = match point {
        TurnPoint::Start => enc.board.start_turn(&id, &me, dice),
        TurnPoint::End => enc.board.end_turn(&id, &me, dice),
    }
    .unwrap_or_default();
    let describe = |c: &rules::mechanics::CreatureId| {
        others
            .iter()
            .find(|(h, _)| *h == c.as_str())
            .map(|(_, t)| t.clone())
    };
    events.extend(
        enc.board
            .source_turn(&id, point, describe, dice)
            .unwrap_or_default(),
    );
    events
}

/// What the board did at a turn point: saves, ends and triggered damage.
pub(super) fn turn_events(
    table: &mut Table,
    turn_of: &str,
    events: Vec<TurnEvent>,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) {
    for e in events {
        match e {
            TurnEvent::Ended(end) => reply.lines.push(Line::Effect {
                target: name_of(table, end.on.as_str()),
                what: end.name,
                began: false,
            }),
            TurnEvent::Save {
                name, on, outcome, ..
            } => {
                push_save(reply, name_of(table, on.as_str()), &name, &outcome);
            }
            TurnEvent::Triggered {
                name,
                resolutions,
                id,
            } => {
                let (on, source) = table
                    .encounter
                    .as_ref()
                    .and_then(|enc| enc.board.effects().iter().find(|x| x.id == id))
                    .map_or_else(
                        || (turn_of.to_string(), turn_of.to_string()),
                        |x| (x.on.as_str().to_string(), x.source.as_str().to_string()),
                    );
                reply.say(format!("{name} on {}:", name_of(table, &on)));
                land(table, &source, &[on], &resolutions, None, dice, reply);
            }
        }
    }
}
