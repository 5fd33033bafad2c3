//! The other actions in a fight: dash, dodge, disengage, hide, help,
//! grapple and shove, and using an item.

use rules::content::{self, GearKind};
use rules::dice::Advantage;

use super::Dice;
use rules::mechanics::{Ability, Condition, D20Roll, Distance, Skill};

use super::creatures::{check_bonus, conditions_mut, health_mut, name_of, resolve};
use super::economy::{spend_action, spend_action_or_haste};
use super::movement::speed_of;
use super::outcome::heal_line;
use super::rolls::{d20_text, roll_expr};
use super::{Result, no};
use crate::command::Simple;
use crate::event::{Line, Reply};
use crate::table::Table;

pub(super) fn simple_action(
    table: &mut Table,
    me: &str,
    simple: Simple,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    spend_action_or_haste(table, me, simple != Simple::Dodge)?;
    let name = name_of(table, me);
    let speed = speed_of(table, me);
    let enc = table.encounter.as_mut();
    match simple {
        Simple::Dash => {
            if let Some(enc) = enc
                && let Some(e) = enc.economy.get_mut(me)
            {
                e.movement_left = e.movement_left.saturating_add(speed);
            }
            reply.say(format!("{name} dashes."));
        }
        Simple::Dodge => {
            if let Some(enc) = enc {
                enc.dodging.push(me.to_string());
            }
            reply.say(format!(
                "{name} dodges: attacks against them have disadvantage until their next turn."
            ));
        }
        Simple::Disengage => {
            if let Some(enc) = enc {
                enc.disengaged.push(me.to_string());
            }
            reply.say(format!(
                "{name} disengages: moving away provokes no opportunity attacks."
            ));
        }
        Simple::Hide => {
            let bonus = check_bonus(table, me, Ability::Dexterity, Some(Skill::Stealth));
            let roll = D20Roll::roll(Advantage::Normal, dice);
            let total = i32::from(roll.face()) + bonus;
            reply.lines.push(Line::Roll {
                who: name,
                label: "Stealth (hide)".into(),
                detail: format!("{} {bonus:+}", d20_text(&roll)),
                total: i64::from(total),
            });
        }
    }
    Ok(())
}

/// The Help action: the next ally attack against `target` has advantage.
pub(super) fn help(table: &mut Table, me: &str, target: &str, reply: &mut Reply) -> Result<()> {
    let t = resolve(table, target)?;
    spend_action(table, me)?;
    reply.say(format!(
        "{} helps: the next ally attack against {} has advantage.",
        name_of(table, me),
        name_of(table, &t)
    ));
    if let Some(enc) = table.encounter.as_mut()
        && !enc.helped.contains(&t)
    {
        enc.helped.push(t);
    }
    Ok(())
}

/// Grapple (None) or shove (Some(prone)): Athletics against the target's
/// best of Athletics and Acrobatics.
pub(super) fn contest(
    table: &mut Table,
    me: &str,
    target_name: &str,
    shove: Option<bool>,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let t = resolve(table, target_name)?;
    spend_action(table, me)?;
    let mine = check_bonus(table, me, Ability::Strength, Some(Skill::Athletics));
    let theirs = check_bonus(table, &t, Ability::Strength, Some(Skill::Athletics)).max(
        check_bonus(table, &t, Ability::Dexterity, Some(Skill::Acrobatics)),
    );
    let a = D20Roll::roll(Advantage::Normal, dice);
    let b = D20Roll::roll(Advantage::Normal, dice);
    let (x, y) = (i32::from(a.face()) + mine, i32::from(b.face()) + theirs);
    let (me_name, t_name) = (name_of(table, me), name_of(table, &t));
    reply.lines.push(Line::Roll {
        who: me_name.clone(),
        label: "Athletics".into(),
        detail: format!("{} {mine:+}", d20_text(&a)),
        total: i64::from(x),
    });
    reply.lines.push(Line::Roll {
        who: t_name.clone(),
        label: "resists".into(),
        detail: format!("{} {theirs:+}", d20_text(&b)),
        total: i64::from(y),
    });
    if x <= y {
        reply.say(format!("{t_name} holds firm."));
        return Ok(());
    }
    let condition = match shove {
        None => Some(Condition::Grappled),
        Some(true) => Some(Condition::Prone),
        Some(false) => None,
    };
    match condition {
        Some(c) => {
            if let Some(cs) = conditions_mut(table, &t) {
                cs.add(c);
            }
            if c == Condition::Grappled
                && let Some(enc) = table.encounter.as_mut()
            {
                enc.grapples.retain(|(_, held)| held != &t);
                enc.grapples.push((me.to_string(), t.clone()));
            }
            reply.lines.push(Line::Effect {
                target: t_name,
                what: c.name().into(),
                began: true,
            });
        }
        None => {
            if let Some(enc) = table.encounter.as_mut() {
                enc.set_distance(me, &t, Distance::Near);
            }
            reply.say(format!("{t_name} is pushed 5 ft away."));
        }
    }
    Ok(())
}

pub(super) fn use_item(
    table: &mut Table,
    me: &str,
    item: &str,
    on: Option<&str>,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let key = item.trim().to_lowercase().replace(' ', "-");
    let c = table
        .character(me)
        .ok_or_else(|| no("only characters carry items"))?;
    let have = c
        .items
        .iter()
        .position(|i| i.starts_with(&key))
        .ok_or_else(|| {
            no(format!(
                "{} has no `{item}` — carries: {}",
                c.name,
                c.items.join(", ")
            ))
        })?;
    let name = c.items[have].clone();
    // A potion by its gear id; an item named after a potion of healing
    // ("potion-of-healing-from-the-vault") is one.
    let potion = content::gear(&name)
        .or_else(|| {
            name.starts_with("potion-of-healing")
                .then(|| content::gear("potion-of-healing"))
                .flatten()
        })
        .filter(|g| g.kind == GearKind::Potion)
        .and_then(|g| Some((g.healing.as_deref()?, g.name.to_lowercase())));
    let Some((healing, potion)) = potion else {
        return Err(no(format!(
            "{name} has no automated use — describe it to the DM"
        )));
    };
    let who = match on {
        Some(t) => resolve(table, t)?,
        None => me.to_string(),
    };
    spend_action_or_haste(table, me, true)?;
    let amount = roll_expr(
        &name_of(table, me),
        &format!("{healing} {potion}"),
        Advantage::Normal,
        dice,
        reply,
    )?;
    if let Some(ch) = table.character_mut(me) {
        ch.items.remove(have);
    }
    let tname = name_of(table, &who);
    if let Some(hp) = health_mut(table, &who) {
        let hp_before = hp.current();
        let healed = hp.heal(u32::try_from(amount).unwrap_or(0)).unwrap_or(0);
        reply.lines.push(heal_line(tname, hp_before, healed, hp));
    }
    Ok(())
}
