//! Reactions the DM core takes for players, since nobody can pause a chat
//! to ask: Shield when it turns a hit into a miss.

use rules::automation::Resolution;
use rules::mechanics::{AttackResult, LifeState, SpellLevel};

use super::{Result, cast, conditions, health, name_of, no};
use crate::encounter::Encounter;
use crate::event::Reply;
use crate::table::Table;
use rules::dice::DieRoller;

/// The reactions the DM core takes on its own unless a player turns them
/// off (`react shield off`).
pub(super) const AUTOMATIC: &[&str] = &["shield"];

/// Shield's bonus to AC.
const SHIELD_AC: i32 = 5;

/// Whether `who` may take a reaction now: conscious, not incapacitated, its
/// reaction unspent, and no effect forbidding reactions.
pub(super) fn can_react(table: &Table, who: &str) -> bool {
    let Some(enc) = &table.encounter else {
        return false;
    };
    health(table, who).is_some_and(|h| h.state() == LifeState::Conscious)
        && !enc.economy.get(who).is_some_and(|e| e.reaction_used)
        && !conditions(table, who).is_incapacitated()
        && !enc.board.limits(&Encounter::id(who)).no_reactions
}

/// `react NAME on|off`.
pub(super) fn switch(table: &mut Table, me: &str, reaction: &str, on: bool) -> Result<String> {
    let key = reaction.trim().to_lowercase();
    if !AUTOMATIC.contains(&key.as_str()) {
        return Err(no(format!(
            "no automatic reaction `{reaction}` — there is: {}",
            AUTOMATIC.join(", ")
        )));
    }
    let c = table
        .character_mut(me)
        .ok_or_else(|| no("only characters have automatic reactions"))?;
    c.reactions_off.retain(|r| *r != key);
    if !on {
        c.reactions_off.push(key.clone());
    }
    Ok(if on {
        format!("{}: automatic {key} is on.", c.name)
    } else {
        format!(
            "{}: automatic {key} is off — cast it yourself with `cast {key}` when hit.",
            c.name
        )
    })
}

/// The lowest spell slot `who` has left, if it knows Shield and lets the
/// DM core cast it.
fn shield_slot(table: &Table, who: &str) -> Option<u8> {
    let c = table.character(who)?;
    if !c.spells.iter().any(|s| s == "shield") || c.reactions_off.iter().any(|r| r == "shield") {
        return None;
    }
    (1..=9).find(|l| SpellLevel::new(*l).is_some_and(|lvl| c.slots.remaining(lvl) > 0))
}

/// Before an attack's results on `target` land: when a hit (never a
/// critical one) would miss against 5 more AC and `target` can cast Shield,
/// it does, with its reaction and its lowest slot; that hit and the later
/// ones of the same attack that the new AC turns away become misses.
/// Their damage dice were rolled already and are dropped, so a replay
/// rolls the same.
pub(super) fn shield(
    table: &mut Table,
    attacker: &str,
    target: &str,
    resolutions: &mut [Resolution],
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) {
    let turned = |r: &Resolution| {
        r.duplicate.is_none()
            && !r.auto_hit
            && r.attack.as_ref().is_some_and(|a| {
                a.result == AttackResult::Hit && a.total < a.target_ac.saturating_add(SHIELD_AC)
            })
    };
    let Some(first) = resolutions.iter().position(turned) else {
        return;
    };
    let shielded = table.encounter.as_ref().is_some_and(|e| {
        e.board
            .on(&Encounter::id(target))
            .any(|x| x.effect.name == "Shield")
    });
    if shielded || !can_react(table, target) {
        return;
    }
    let Some(slot) = shield_slot(table, target) else {
        return;
    };
    if cast(table, target, "shield", &[], Some(slot), None, dice, reply).is_err() {
        return;
    }
    reply.say(format!(
        "Shield (+5 AC) turns {}'s hit into a miss (`react shield off` saves the slot).",
        name_of(table, attacker)
    ));
    for r in &mut resolutions[first..] {
        if r.duplicate.is_some() {
            continue;
        }
        let now_misses = turned(r);
        if let Some(a) = r.attack.as_mut() {
            a.target_ac = a.target_ac.saturating_add(SHIELD_AC);
            if now_misses {
                a.result = AttackResult::Miss;
                clear_hit(r);
            }
        }
    }
}

/// What a hit did, undone: the attack roll stays, its effects go.
fn clear_hit(r: &mut Resolution) {
    r.save = None;
    r.damage.clear();
    r.healing = 0;
    r.temp_hp = 0;
    r.conditions.clear();
    r.immune.clear();
    r.applied.clear();
    r.removed.clear();
    r.revived = None;
    r.stabilized = false;
    r.pushed_ft = 0;
    r.concentration_broken = false;
    r.removed_effects.clear();
    r.exhaustion_removed = 0;
    r.killed = false;
    r.source_healing = 0;
    r.hp_lost = 0;
    r.contest = None;
    r.ended.clear();
    r.table_rolls.clear();
    r.dropped = false;
}
