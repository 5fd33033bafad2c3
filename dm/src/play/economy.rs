//! The action economy on a combatant's turn: whose turn it is, and
//! spending the action (or Haste's or Action Surge's) and the bonus action.

use rules::mechanics::Economy;

use super::creatures::{conditions, name_of};
use super::{Result, classes, limits, no};
use crate::encounter::Encounter;
use crate::table::Table;

/// In a fight that has started, only the current combatant acts.
pub(super) fn my_turn(table: &Table, me: &str) -> Result<()> {
    if let Some(cur) = table.encounter.as_ref().and_then(Encounter::current)
        && cur != me
    {
        return Err(no(format!(
            "not your turn — it's {}'s",
            name_of(table, cur)
        )));
    }
    Ok(())
}

pub(super) fn economy<'t>(table: &'t mut Table, me: &str) -> Option<&'t mut Economy> {
    let enc = table.encounter.as_mut()?;
    (enc.round > 0).then(|| enc.economy.entry(me.to_string()).or_default())
}

/// Whether `me` may spend `spend` now: on its turn, able to act, and
/// with nothing forbidding it.
fn may_spend(table: &mut Table, me: &str, spend: limits::Spend) -> Result<()> {
    my_turn(table, me)?;
    if conditions(table, me).is_incapacitated() {
        return Err(no(format!(
            "{} can't act (incapacitated)",
            name_of(table, me)
        )));
    }
    limits::spend(table, me, spend)
}

pub(super) fn spend_action(table: &mut Table, me: &str) -> Result<()> {
    spend_action_or_haste(table, me, false).map(drop)
}

/// Spends `me`'s action; once it is spent, an action from Action Surge, or
/// when `haste_ok` (one weapon attack, Dash, Disengage, Hide, Use an
/// Object) Haste's extra action. True when Haste's paid.
pub(super) fn spend_action_or_haste(table: &mut Table, me: &str, haste_ok: bool) -> Result<bool> {
    may_spend(table, me, limits::Spend::Action)?;
    if classes::surge_action(table, me) {
        return Ok(false);
    }
    let hasted = limits::limits(table, me).extra_action;
    if let Some(e) = economy(table, me) {
        if e.action_used && haste_ok && hasted && !e.extra_action_used {
            e.extra_action_used = true;
            return Ok(true);
        }
        if e.action_used {
            return Err(no(
                "you have already used your action this turn — `n` ends your turn",
            ));
        }
        e.action_used = true;
    }
    Ok(false)
}

/// Spends `me`'s bonus action on its turn.
pub(super) fn spend_bonus(table: &mut Table, me: &str) -> Result<()> {
    may_spend(table, me, limits::Spend::Bonus)?;
    if let Some(e) = economy(table, me) {
        if e.bonus_action_used {
            return Err(no(
                "you have already used your bonus action this turn — `n` ends your turn",
            ));
        }
        e.bonus_action_used = true;
    }
    Ok(())
}
