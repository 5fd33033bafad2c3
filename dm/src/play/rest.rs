//! Rest and recovery: short and long rests out of a fight, and the death
//! saves of the dying.

use rules::dice::DieRoller;

use super::Dice;
use rules::mechanics::{Ability, Conditions, D20Test, Health, LifeState, ZeroHp};

use super::creatures::{health_mut, name_of};
use super::economy::{economy, my_turn};
use super::{Result, classes, no};
use crate::event::{Line, Reply};
use crate::table::Table;

pub(super) fn rest(
    table: &mut Table,
    me: &str,
    long: bool,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    if table.encounter.as_ref().is_some_and(|e| e.round > 0) {
        return Err(no("no resting in a fight"));
    }
    let c = table
        .character_mut(me)
        .ok_or_else(|| no("only characters rest"))?;
    if c.health.state() == LifeState::Dead {
        return Err(no(format!("{} is dead", c.name)));
    }
    let name = c.name.clone();
    if long {
        let max = c.health.max();
        c.health = Health::new(max, ZeroHp::DeathSaves);
        c.slots.restore_all();
        c.hit_dice_left = c
            .hit_dice_left
            .saturating_add((c.level / 2).max(1))
            .min(c.level);
        c.conditions = Conditions::new();
        c.spent.clear();
        super::build::after_long_rest(c);
        reply.say(format!(
            "{name} takes a long rest: HP {max}/{max}, slots restored."
        ));
        // Sleep ends concentration.
        if let Some(spell) = table.concentrations_mut().remove(me) {
            reply.say(format!("{name} no longer concentrates on {spell}."));
        }
        return Ok(());
    }
    // Short rest: spend hit dice while hurt.
    let die = u64::from(c.class().hit_die);
    let con = c.modifier(Ability::Constitution);
    let mut spent = 0;
    while c.hit_dice_left > 0
        && c.health.current() < c.health.max()
        && c.health.state() == LifeState::Conscious
    {
        let face = dice.roll_die(die);
        let heal = (i64::try_from(face).unwrap_or(0) + i64::from(con)).max(0);
        let _ = c.health.heal(u32::try_from(heal).unwrap_or(0));
        c.hit_dice_left -= 1;
        spent += 1;
    }
    c.slots.restore_pact();
    c.spent
        .retain(|id, _| !classes::SHORT_REST.contains(&id.as_str()));
    reply.say(format!(
        "{name} takes a short rest: {spent} hit dice spent, HP {}/{}.",
        c.health.current(),
        c.health.max()
    ));
    Ok(())
}

pub(super) fn death_save(
    table: &mut Table,
    me: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    my_turn(table, me)?;
    let name = name_of(table, me);
    let h = health_mut(table, me).ok_or_else(|| no("no such creature"))?;
    let outcome = h
        .death_save(&D20Test::new(0), dice)
        .map_err(|_| no(format!("{name} is not dying")))?;
    reply.lines.push(Line::Roll {
        who: name.clone(),
        label: "death save".into(),
        detail: format!("{:?}", outcome.result),
        total: i64::from(outcome.total),
    });
    match outcome.state {
        LifeState::Dead => reply.say(format!("{name} dies.")),
        LifeState::Stable => reply.say(format!("{name} is stable.")),
        LifeState::Conscious => reply.say(format!("{name} is back with 1 HP!")),
        LifeState::Dying {
            successes,
            failures,
        } => {
            reply.say(format!(
                "{name}: {successes} successes, {failures} failures."
            ));
        }
    }
    if let Some(e) = economy(table, me) {
        e.action_used = true;
    }
    Ok(())
}
