//! Reactions the DM core takes for players, since nobody can pause a chat
//! to ask: Shield when it turns a hit into a miss, and readied actions that
//! fire on their trigger.

use super::Dice;
use rules::automation::Resolution;
use rules::content::{CastingKind, WeaponKind};
use rules::mechanics::{AttackResult, LifeState, SpellLevel};

use super::attack::{Via, attack, attack_or_cast, find_action, find_weapon, targets_of};
use super::creatures::{conditions, health, monster_of, name_of, resolve};
use super::economy::{economy, my_turn, spend_action};
use super::outcome::drop_concentration;
use super::spells::{cast, find_spell};
use super::{Result, no};
use crate::command::Command;
use crate::encounter::{Encounter, Readied, ReadyWhen};
use crate::event::Reply;
use crate::table::Table;

/// The reactions the DM core takes on its own unless a player turns them
/// off (`react shield off`).
pub(super) const AUTOMATIC: &[&str] = &["shield", "oa"];

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

/// Spends `me`'s reaction, or says why it has none to spend.
pub(super) fn spend_reaction(table: &mut Table, me: &str) -> Result<()> {
    if !can_react(table, me) {
        return Err(no(format!(
            "{} can't react now (reaction spent, or unable to act)",
            name_of(table, me)
        )));
    }
    if let Some(e) = economy(table, me) {
        e.reaction_used = true;
    }
    Ok(())
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
    Ok(match (on, key.as_str()) {
        (true, _) => format!("{}: automatic {key} is on.", c.name),
        (false, "oa") => format!(
            "{}: automatic opportunity attacks are off — you'll be told when you may take one.",
            c.name
        ),
        (false, _) => format!(
            "{}: automatic {key} is off — cast it yourself with `cast {key}` when hit.",
            c.name
        ),
    })
}

/// A character's opportunity attack on `on`, who is leaving its reach:
/// with its first melee weapon, as its reaction, unless its player turned
/// `oa` off (then they are told they may take it).
pub(super) fn player_opportunity_attack(
    table: &mut Table,
    who: &str,
    on: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) {
    let Some(c) = table.character(who) else {
        return;
    };
    let weapon = c
        .weapons
        .iter()
        .find(|w| rules::content::weapon(w).is_some_and(|w| w.kind == WeaponKind::Melee))
        .cloned();
    let (name, off) = (c.name.clone(), c.reactions_off.iter().any(|r| r == "oa"));
    let Some(weapon) = weapon.filter(|_| !off) else {
        reply.say(format!(
            "{name} may take an opportunity attack on {} (`react oa on` takes it by itself).",
            name_of(table, on)
        ));
        return;
    };
    reply.say(format!("{name} makes an opportunity attack."));
    if let Err(why) = attack(
        table,
        who,
        &weapon,
        &[on.to_string()],
        rules::dice::Advantage::Normal,
        Via::Readied,
        dice,
        reply,
    ) {
        reply.say(format!("{name}'s opportunity attack fails: {why}"));
    }
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
    dice: &mut Dice<'_>,
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
    if cast(
        table,
        target,
        "shield",
        &[],
        Some(slot),
        None,
        Via::Normal,
        dice,
        reply,
    )
    .is_err()
    {
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

/// How to ready, for rejections.
const READY_USAGE: &str = "`ready a -t g1 when g1 comes|moves|attacks`";

/// Splits `a -t g1 when g1 comes` into the command and its trigger.
fn split_trigger(action: &str) -> Option<(String, &str, ReadyWhen)> {
    let words: Vec<&str> = action.split_whitespace().collect();
    let at = words.iter().rposition(|w| w.eq_ignore_ascii_case("when"))?;
    let [by, verb] = words.get(at + 1..)? else {
        return None;
    };
    let when = match verb.to_lowercase().as_str() {
        "moves" | "move" => ReadyWhen::Moves,
        "comes" | "approaches" | "engages" | "closes" => ReadyWhen::Comes,
        "attacks" | "attack" | "strikes" => ReadyWhen::Attacks,
        _ => return None,
    };
    Some((words[..at].join(" "), by, when))
}

/// `ready COMMAND when CREATURE comes|moves|attacks`: the action is spent
/// now; an attack or a spell is held until the trigger or the start of the
/// reader's next turn. A readied spell's slot is spent now and it is held
/// with concentration, as in 5e.
pub(super) fn ready(table: &mut Table, me: &str, action: &str, reply: &mut Reply) -> Result<()> {
    if table.encounter.as_ref().is_none_or(|e| e.round == 0) {
        return Err(no("readying is for a fight — act now instead"));
    }
    my_turn(table, me)?;
    let (what, by, when) =
        split_trigger(action).ok_or_else(|| no(format!("say when: {READY_USAGE}")))?;
    let mut command = crate::grammar::parse(&what).map_err(|e| no(e.to_string()))?;
    let by = resolve(table, by)?;
    if by == me {
        return Err(no(format!(
            "the trigger is another creature's move or attack: {READY_USAGE}"
        )));
    }
    let mut held_spell = None;
    match &mut command {
        Command::Attack {
            weapon, targets, ..
        } => {
            if let Some(c) = table.character(me) {
                find_weapon(c, weapon)?;
            } else if let Some(m) = monster_of(table, me) {
                find_action(m, weapon)?;
            }
            targets_of(table, targets)?;
        }
        Command::Cast {
            spell,
            targets,
            level,
            ..
        } => {
            let c = table
                .character(me)
                .ok_or_else(|| no("only characters ready spells here"))?;
            let s = find_spell(c, spell)?;
            if s.casting_time.kind != CastingKind::Action {
                return Err(no(format!(
                    "only a spell cast with an action can be readied; {} is not",
                    s.name
                )));
            }
            let slot = if s.is_cantrip() {
                0
            } else {
                level.unwrap_or(s.level).max(s.level)
            };
            if let Some(lvl) = SpellLevel::new(slot)
                && c.slots.remaining(lvl) == 0
            {
                return Err(no(format!(
                    "no level-{slot} slot left — slots: {}",
                    c.slots.describe_remaining()
                )));
            }
            targets_of(table, targets)?;
            *spell = s.id.clone();
            *level = (slot > 0).then_some(slot);
            held_spell = Some((s.name.clone(), SpellLevel::new(slot)));
        }
        _ => {
            return Err(no(format!(
                "only an attack or a spell can be readied: {READY_USAGE}"
            )));
        }
    }
    spend_action(table, me)?;
    let name = name_of(table, me);
    if let Some((spell, slot)) = held_spell {
        if let (Some(c), Some(lvl)) = (table.character_mut(me), slot) {
            c.slots.spend(lvl).map_err(|e| no(e.to_string()))?;
        }
        if let Some(old) = table.concentrations().get(me).cloned() {
            drop_concentration(table, me, &old, reply);
        }
        table
            .concentrations_mut()
            .insert(me.to_string(), format!("{spell} (readied)"));
    }
    let by_name = name_of(table, &by);
    if let Some(enc) = table.encounter.as_mut() {
        enc.readied.retain(|r| r.who != me);
        enc.readied.push(Readied {
            who: me.to_string(),
            command,
            by,
            when,
        });
    }
    let trigger = match when {
        ReadyWhen::Moves => "moves",
        ReadyWhen::Comes => "comes within reach",
        ReadyWhen::Attacks => "attacks",
    };
    reply.say(format!(
        "{name} readies `{what}`: it fires as a reaction when {by_name} {trigger}, until {name}'s next turn."
    ));
    Ok(())
}

/// Fires the actions readied for `by` doing `when` (only those of `readers`,
/// if given), each as its reader's reaction. One a reader can't take now
/// stays ready.
pub(super) fn fire_readied(
    table: &mut Table,
    by: &str,
    when: ReadyWhen,
    readers: Option<&[String]>,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) {
    let due: Vec<Readied> = table.encounter.as_ref().map_or_else(Vec::new, |enc| {
        enc.readied
            .iter()
            .filter(|r| r.by == by && r.when == when)
            .filter(|r| readers.is_none_or(|only| only.contains(&r.who)))
            .cloned()
            .collect()
    });
    for r in due {
        if !can_react(table, &r.who) {
            continue;
        }
        if let Some(enc) = table.encounter.as_mut() {
            enc.readied.retain(|x| x != &r);
        }
        let name = name_of(table, &r.who);
        reply.say(format!("{name}'s readied action goes off!"));
        let done = match &r.command {
            Command::Attack { .. } | Command::Cast { .. } => {
                attack_or_cast(table, &r.who, &r.command, Via::Readied, dice, reply)
            }
            _ => Ok(()),
        };
        if let Err(why) = done {
            drop_held_spell(table, &r.who);
            reply.say(format!("{name}'s readied action is lost: {why}"));
        }
    }
}

/// At the start of `who`'s turn, what it readied and never used lapses
/// (a held spell and its slot are lost).
pub(super) fn expire_readied(table: &mut Table, who: &str, reply: &mut Reply) {
    let name = name_of(table, who);
    let Some(enc) = table.encounter.as_mut() else {
        return;
    };
    if !enc.readied.iter().any(|r| r.who == who) {
        return;
    }
    enc.readied.retain(|r| r.who != who);
    drop_held_spell(table, who);
    reply.say(format!("{name}'s readied action lapses."));
}

/// The concentration holding a readied spell ends (the spell is lost).
pub(super) fn drop_held_spell(table: &mut Table, who: &str) {
    if table
        .concentrations()
        .get(who)
        .is_some_and(|c| c.ends_with("(readied)"))
    {
        table.concentrations_mut().remove(who);
    }
}

/// A held spell is lost with the concentration holding it.
pub(super) fn drop_readied_spell(enc: &mut Encounter, who: &str) {
    enc.readied
        .retain(|r| !(r.who == who && matches!(r.command, Command::Cast { .. })));
}
