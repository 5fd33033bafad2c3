//! The DM's commands: fights and monsters, hit points and conditions,
//! sheet fields, rewards, positions, narration and deciding votes.

use std::collections::BTreeMap;

use super::Dice;
use rules::automation;
use rules::content::{self, GearKind};
use rules::mechanics::{Ability, Condition, Conditions, Health, LifeState, ZeroHp};

use super::characters::xp_for_level;
use super::creatures::{
    conditions_mut, enc_monster, find_character, handles, health_mut, name_of, resolve,
};
use super::outcome::{harm, heal_line};
use super::turns::roll_initiative;
use super::votes::pick_option;
use super::{Result, act, no};
use crate::character::{Character, index};
use crate::command::{Command, DmCommand};
use crate::encounter::{Encounter, MonsterState};
use crate::event::{Line, PlayerId, Reply};
use crate::table::Table;

pub(super) fn dm_command(
    table: &mut Table,
    actor: &PlayerId,
    command: &DmCommand,
    now: u64,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    match command {
        DmCommand::Lock { character, locked } => {
            let h = find_character(table, character)?.handle.clone();
            let c = table
                .character_mut(&h)
                .ok_or_else(|| no("no such character"))?;
            if c.locked == *locked {
                return Err(no(format!(
                    "{}'s sheet is {} already",
                    c.name,
                    if *locked { "locked" } else { "unlocked" }
                )));
            }
            c.locked = *locked;
            let what = if *locked {
                "sheet locked"
            } else {
                "sheet unlocked"
            };
            reply.say(format!("{}: {what}.", c.name));
            super::build::record(c, actor, now, what.to_string(), "the DM's decision");
        }
        DmCommand::AllowManual { on } => {
            table.manual_scores_forbidden = !*on;
            reply.say(if *on {
                "Typed ability scores are allowed at this table."
            } else {
                "Typed ability scores are not allowed at this table: array, point buy or `char roll`."
            });
        }
        DmCommand::LevelUpIn {
            character,
            class,
            roll,
        } => {
            let h = find_character(table, character)?.handle.clone();
            super::build::level_up(
                table,
                actor,
                &h,
                class.as_deref(),
                *roll,
                true,
                now,
                dice,
                reply,
            )?;
        }
        DmCommand::StartEncounter => {
            if table.encounter.is_some() {
                return Err(no("a fight is already on — `dm end` closes it"));
            }
            // Concentration goes on into the fight, held there until it ends.
            table.encounter = Some(Encounter {
                concentration: std::mem::take(&mut table.concentration),
                ..Encounter::default()
            });
            reply.say("A fight begins! Initiative:");
            // With an adventure on, its party (others may `init` to join).
            let adventure = table.adventure.as_deref().filter(|e| e.ended.is_none());
            let party: Vec<String> = table
                .players
                .values()
                .filter(|h| {
                    table
                        .character(h)
                        .is_some_and(|c| c.health.state().is_alive())
                        && adventure.is_none_or(|ex| ex.in_party(h))
                })
                .cloned()
                .collect();
            for h in party {
                let init = roll_initiative(table, &h, dice, reply);
                if let Some(enc) = table.encounter.as_mut()
                    && !enc.has(&h)
                {
                    enc.insert(h, init);
                }
            }
            reply.say("Add monsters with `madd NAME -n COUNT`, then `n` starts round 1.");
        }
        DmCommand::EndEncounter => {
            let enc = table.encounter.take().ok_or_else(|| no("no fight is on"))?;
            // The monsters leave with the fight, and so do held spells; a
            // character's concentration goes on out of the fight.
            table.concentration = enc.concentration;
            table.concentration.retain(|h, spell| {
                enc.monsters.iter().all(|m| &m.handle != h) && !spell.ends_with("(readied)")
            });
            for c in &mut table.characters {
                c.conditions.remove(Condition::Grappled);
                c.conditions.remove(Condition::Prone);
            }
            let fallen = enc
                .monsters
                .iter()
                .filter(|m| m.health.state() == LifeState::Dead)
                .count();
            reply.say(format!(
                "The fight is over after {} round(s); {fallen} of {} monsters fell.",
                enc.round,
                enc.monsters.len()
            ));
            recover_ammo(table, &enc.ammo_spent, reply);
        }
        DmCommand::AddMonster {
            monster,
            count,
            average_hp,
        } => {
            let m = content::monster(monster).ok_or_else(|| {
                no(format!(
                    "no SRD monster `{monster}` — try `dungeon monster {monster}` for close names"
                ))
            })?;
            if table.encounter.is_none() {
                return Err(no("start a fight first: `dm encounter`"));
            }
            if *count == 0 || *count > 20 {
                return Err(no("add 1 to 20 at a time"));
            }
            let mut joined: Vec<(String, u32)> = Vec::new();
            for _ in 0..*count {
                let handle = next_handle(table, &m.id);
                let hp = if *average_hp {
                    m.hp
                } else {
                    roll_hp(&m.hp_roll, dice).unwrap_or(m.hp)
                };
                let state = MonsterState {
                    handle: handle.clone(),
                    monster: m.id.clone(),
                    health: Health::new(hp.max(1), ZeroHp::Dies),
                    conditions: Conditions::new(),
                    resources: automation::Resources::of(m),
                    slots: m
                        .spellcasting
                        .as_ref()
                        .map(content::MonsterSpellcasting::spell_slots)
                        .unwrap_or_default(),
                };
                if let Some(enc) = table.encounter.as_mut() {
                    enc.monsters.push(state);
                }
                let init = roll_initiative(table, &handle, dice, reply);
                if let Some(enc) = table.encounter.as_mut() {
                    enc.insert(handle.clone(), init);
                }
                joined.push((name_of(table, &handle), hp));
            }
            reply.say(joining(&joined));
        }
        DmCommand::Hp { target: t, delta } => {
            let h = resolve(table, t)?;
            if *delta < 0 {
                harm(table, &h, delta.unsigned_abs(), false, &[], dice, reply);
            } else {
                let name = name_of(table, &h);
                let hp = health_mut(table, &h).ok_or_else(|| no("no such creature"))?;
                let hp_before = hp.current();
                let healed = hp
                    .heal(delta.unsigned_abs())
                    .map_err(|e| no(e.to_string()))?;
                if healed == 0 && hp_before == hp.max() {
                    reply.say(format!(
                        "{name} is already at full HP ({hp_before}/{hp_before})."
                    ));
                } else {
                    reply.lines.push(heal_line(name, hp_before, healed, hp));
                }
            }
        }
        DmCommand::Condition {
            target: t,
            condition,
            add,
        } => {
            let h = resolve(table, t)?;
            let name = name_of(table, &h);
            let cs = conditions_mut(table, &h).ok_or_else(|| no("no such creature"))?;
            if *add {
                cs.add(*condition);
            } else {
                cs.remove(*condition);
            }
            reply.lines.push(Line::Effect {
                target: name,
                what: condition.name().into(),
                began: *add,
            });
        }
        DmCommand::SetField {
            character,
            field,
            value,
            reason,
        } => {
            let h = find_character(table, character)?.handle.clone();
            let c = table
                .character_mut(&h)
                .ok_or_else(|| no("no such character"))?;
            let before = set_field(c, field, value)?;
            reply.say(format!(
                "{}: {field} {before} → {value} ({reason}), by {actor}.",
                c.name
            ));
            super::build::record(c, actor, now, format!("{field} {before} → {value}"), reason);
        }
        DmCommand::Xp { amount, to } => {
            let who = recipients(table, to)?;
            for h in who {
                if let Some(c) = table.character_mut(&h) {
                    c.xp = c.xp.saturating_add(*amount);
                    let next = xp_for_level(c.level + 1);
                    reply.lines.push(Line::Xp {
                        who: c.name.clone(),
                        amount: *amount,
                        total: c.xp,
                        level_up: next.is_some_and(|n| c.xp >= n),
                    });
                }
            }
        }
        DmCommand::Loot { gold, items, to } => {
            let who = recipients(table, to)?;
            if who.is_empty() {
                return Err(no("there is no one to give it to"));
            }
            let share = gold / u32::try_from(who.len()).unwrap_or(1);
            for (i, h) in who.iter().enumerate() {
                if let Some(c) = table.character_mut(h) {
                    c.gold = c.gold.saturating_add(share);
                    if i == 0 {
                        for item in items {
                            match ammunition(item) {
                                // Ammunition comes by the bundle and adds to the count.
                                Some(g) => c.add_ammo(&g.id, g.quantity),
                                None => c.items.push(item.to_lowercase().replace(' ', "-")),
                            }
                        }
                    }
                }
            }
            reply.say(format!(
                "Loot: {share} gp each{}.",
                if items.is_empty() {
                    String::new()
                } else {
                    format!("; {} to {}", items.join(", "), who[0])
                }
            ));
        }
        DmCommand::LevelUp { character } => {
            let h = find_character(table, character)?.handle.clone();
            super::build::level_up(table, actor, &h, None, false, true, now, dice, reply)?;
        }
        DmCommand::Place { who, to, other } => {
            let (a, b) = (resolve(table, who)?, resolve(table, other)?);
            if a == b {
                return Err(no("place two different creatures"));
            }
            let enc = table
                .encounter
                .as_mut()
                .ok_or_else(|| no("positions matter in a fight only — `dm encounter` first"))?;
            if !enc.has(&a) || !enc.has(&b) {
                return Err(no("both must be in the fight (`init` to join)"));
            }
            enc.set_distance(&a, &b, *to);
            reply.say(format!(
                "{} is {to} {}.",
                name_of(table, &a),
                name_of(table, &b)
            ));
        }
        DmCommand::Narrate { text } => {
            reply.say(text.clone());
            table.recent.push(text.clone());
            if table.recent.len() > 5 {
                table.recent.remove(0);
            }
        }
        DmCommand::Decide { option } => {
            let vote = table.vote.take().ok_or_else(|| no("no vote is open"))?;
            let pick = pick_option(&vote.options, option)?;
            reply.say(format!("The DM decides: {}.", vote.options[pick]));
            table.settled_vote = Some(vote.options[pick].clone());
            if let Some(to) = vote.go.filter(|_| pick == 0) {
                super::explore::vote_won(table, actor, &to, dice, reply);
            }
        }
        DmCommand::RevealSeed => {
            reply.say("The shell reveals the seed (see `verify`).");
        }
        DmCommand::As { monster, command } => {
            let h = resolve(table, monster)?;
            if matches!(**command, Command::Dm(_)) {
                return Err(no(
                    "`dm as` runs a combatant's command, not another DM command",
                ));
            }
            let dead = enc_monster(table, &h).is_some_and(|m| m.health.state() == LifeState::Dead);
            if dead && !matches!(**command, Command::EndTurn) {
                return Err(no(format!("{} is dead — `n` moves on", name_of(table, &h))));
            }
            act(table, &h, command, dice, reply)?;
        }
        // `play::execute` writes DM notes itself (it knows the time).
        DmCommand::Note { .. } => return Err(no("`dm note` could not be written here")),
        DmCommand::Adventure { .. }
        | DmCommand::MoveParty { .. }
        | DmCommand::RevealArea { .. }
        | DmCommand::Map
        | DmCommand::Access { .. }
        | DmCommand::Invite
        | DmCommand::PartyMember { .. } => {
            super::explore::dm_command(table, actor, command, dice, reply)?;
        }
    }
    Ok(())
}

/// After a fight, searching finds half the ammunition each shooter spent
/// in it (rounded down), as the SRD's ammunition property says.
fn recover_ammo(
    table: &mut Table,
    spent_by: &BTreeMap<String, BTreeMap<String, u32>>,
    reply: &mut Reply,
) {
    for (who, spent) in spent_by {
        for (id, &n) in spent {
            let back = n / 2;
            if let Some(c) = table.character_mut(who) {
                c.add_ammo(id, back);
                reply.say(format!(
                    "{} recovers {back} of the {n} {} spent ({} left).",
                    c.name,
                    crate::character::ammo_name(id),
                    c.ammo_left(id)
                ));
            }
        }
    }
}

/// The DM's commands the whole table hears of (see [`Reply::announce`]):
/// rewards given to some players concern only them.
pub(super) fn announced(command: &DmCommand) -> bool {
    match command {
        DmCommand::StartEncounter
        | DmCommand::EndEncounter
        | DmCommand::Narrate { .. }
        | DmCommand::Decide { .. }
        | DmCommand::RevealSeed
        | DmCommand::Adventure { .. }
        | DmCommand::MoveParty { .. }
        | DmCommand::RevealArea { .. } => true,
        DmCommand::Xp { to, .. } | DmCommand::Loot { to, .. } => to.is_empty(),
        _ => false,
    }
}

/// Who joined a fight with how many hit points, in one sentence:
/// `g1 and g2 join with 7 HP each.`, `g1 (7 HP) and g2 (5 HP) join.`
pub(super) fn joining(joined: &[(String, u32)]) -> String {
    let list = |items: Vec<String>| match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    match joined {
        [(name, hp)] => format!("{name} joins with {hp} HP."),
        [(_, hp), ..] if joined.iter().all(|(_, h)| h == hp) => format!(
            "{} join with {hp} HP each.",
            list(joined.iter().map(|(n, _)| n.clone()).collect())
        ),
        _ => format!(
            "{} join.",
            list(
                joined
                    .iter()
                    .map(|(n, hp)| format!("{n} ({hp} HP)"))
                    .collect()
            )
        ),
    }
}

/// The characters a reward goes to: those named, or everyone's.
fn recipients(table: &Table, to: &[String]) -> Result<Vec<String>> {
    if to.is_empty() {
        return Ok(table.characters.iter().map(|c| c.handle.clone()).collect());
    }
    to.iter()
        .map(|n| find_character(table, n).map(|c| c.handle.clone()))
        .collect()
}

fn next_handle(table: &mut Table, monster: &str) -> String {
    let prefix: String = monster
        .split('-')
        .filter_map(|w| w.chars().next())
        .collect();
    let taken: Vec<String> = handles(table);
    let enc = table.encounter.get_or_insert_with(Encounter::default);
    // A prefix another kind already uses takes the id's first letters instead.
    let clash = enc.monsters.iter().any(|m| {
        m.monster != monster && m.handle.trim_end_matches(|c: char| c.is_ascii_digit()) == prefix
    });
    let prefix = if clash {
        monster
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(3)
            .collect()
    } else {
        prefix
    };
    let n = enc.counters.entry(prefix.clone()).or_insert(0);
    loop {
        *n += 1;
        let h = format!("{prefix}{n}");
        if !taken.contains(&h) {
            return h;
        }
    }
}

fn roll_hp(expr: &str, dice: &mut Dice<'_>) -> Option<u32> {
    let total = dice.roll_str(expr).ok()?.total;
    u32::try_from(total.max(1)).ok()
}

/// The ids of a comma-separated list of `what`s, each found by `find`.
fn ids(value: &str, what: &str, find: impl Fn(&str) -> Option<String>) -> Result<Vec<String>> {
    value
        .split(',')
        .map(|x| find(x.trim()).ok_or_else(|| no(format!("no {what} `{x}`"))))
        .collect()
}

/// An ammunition by its id or name, one or several ("crossbow-bolts").
fn ammunition(name: &str) -> Option<&'static content::Gear> {
    content::gear(name)
        .or_else(|| content::gear(name.strip_suffix('s')?))
        .filter(|g| g.kind == GearKind::Ammunition)
}

pub(super) fn set_field(c: &mut Character, field: &str, value: &str) -> Result<String> {
    let num = || {
        value
            .parse::<i64>()
            .map_err(|_| no(format!("`{value}` is not a number")))
    };
    let f = field.to_lowercase();
    let before;
    match f.as_str() {
        "hp" => {
            before = c.health.current().to_string();
            let v = u32::try_from(num()?.max(0))
                .unwrap_or(0)
                .min(c.health.max());
            let max = c.health.max();
            let mut h = Health::new(max, ZeroHp::DeathSaves);
            let _ = h.take_damage(max - v, false);
            if v == 0 {
                return Err(no(
                    "set hp to at least 1 (use `dm hp NAME -N` to drop someone)",
                ));
            }
            c.health = h;
        }
        "max_hp" | "maxhp" => {
            before = c.health.max().to_string();
            let v = u32::try_from(num()?.max(1)).unwrap_or(1);
            c.health.set_max(v);
        }
        "level" => {
            before = c.level.to_string();
            let v = u8::try_from(num()?)
                .ok()
                .filter(|l| (1..=20).contains(l))
                .ok_or_else(|| no("level is 1 to 20"))?;
            c.level = v;
            if let Some(s) = c.class().spell_slots(v) {
                c.slots = s;
            }
        }
        "xp" => {
            before = c.xp.to_string();
            c.xp = u32::try_from(num()?.max(0)).unwrap_or(0);
        }
        "gold" | "gp" => {
            before = c.gold.to_string();
            c.gold = u32::try_from(num()?.max(0)).unwrap_or(0);
        }
        "speed" => {
            before = c.speed.to_string();
            c.speed = u32::try_from(num()?.max(0)).unwrap_or(0);
        }
        "armor" => {
            before = c.armor.clone().unwrap_or_else(|| "none".into());
            c.armor = match value {
                "none" => None,
                v => Some(
                    content::armor(v)
                        .ok_or_else(|| no(format!("no armor `{v}`")))?
                        .id
                        .clone(),
                ),
            };
        }
        "shield" => {
            before = if c.shield { "yes" } else { "no" }.to_owned();
            c.shield = match value.to_lowercase().as_str() {
                "yes" | "true" | "on" | "1" => true,
                "no" | "none" | "false" | "off" | "0" => false,
                _ => return Err(no(format!("shield is `yes` or `no`, not `{value}`"))),
            };
        }
        "weapons" => {
            before = c.weapons.join(",");
            c.weapons = ids(value, "weapon", |w| {
                content::weapon(w).map(|x| x.id.clone())
            })?;
        }
        "spells" => {
            before = c.spells.join(",");
            c.spells = ids(value, "spell", |s| content::spell(s).map(|x| x.id.clone()))?;
        }
        "ac" => {
            return Err(no(
                "AC comes from armor, shield and Dexterity: set `armor` (e.g. chain mail) or `shield`",
            ));
        }
        "ammo" => {
            // `30` for the one ammunition carried, `arrows=30` to say which.
            let (which, count) = value.rsplit_once(['=', ':']).unwrap_or(("", value));
            let g = if which.is_empty() {
                let carried: Vec<&str> = c
                    .items
                    .iter()
                    .filter(|i| ammunition(i).is_some())
                    .map(String::as_str)
                    .collect();
                match carried.as_slice() {
                    [one] => ammunition(one),
                    [] => return Err(no("say which ammunition: `arrows=20`")),
                    several => {
                        return Err(no(format!(
                            "say which ammunition: {}",
                            several
                                .iter()
                                .map(|i| format!("`{i}={count}`"))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        )));
                    }
                }
            } else {
                ammunition(which)
            }
            .ok_or_else(|| no(format!("no ammunition `{which}` — arrows, crossbow-bolts, blowgun-needles or sling-bullets")))?;
            before = c.ammo_left(&g.id).to_string();
            let v = count
                .trim()
                .parse::<u32>()
                .map_err(|_| no(format!("`{count}` is not a count")))?;
            c.set_ammo(&g.id, v);
        }
        other => {
            let ability = other
                .parse::<Ability>()
                .map_err(|_| no("fields: hp, max_hp, level, xp, gold, speed, armor, shield, weapons, spells, ammo, str…cha"))?;
            let i = index(ability);
            before = c.scores[i].to_string();
            let v = u8::try_from(num()?)
                .ok()
                .filter(|s| (1..=30).contains(s))
                .ok_or_else(|| no("scores are 1 to 30"))?;
            c.scores[i] = v;
        }
    }
    Ok(before)
}
