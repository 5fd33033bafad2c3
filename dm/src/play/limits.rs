//! What conditions and ongoing effects forbid a combatant's command: an
//! incapacitated creature takes no actions or reactions, a held one can't
//! move, and the behaviours and economy limits of `Board::limits` (halted,
//! fleeing, lashing out, calmed, no action, an action or a bonus action)
//! hold for players' commands as they do for monsters' options. A refused
//! command changes nothing.

use rules::mechanics::{Behaviour, Condition, Conditions, Limits};

use super::creatures::{conditions, name_of};
use super::economy::economy;
use super::spells::{find_spell, harmful};
use super::{Result, no};
use crate::command::{Command, Simple};
use crate::encounter::Encounter;
use crate::table::Table;

/// What a command asks of the one who gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asks {
    /// Movement.
    Move,
    /// The Dash action: movement by an action.
    Dash,
    /// An attack (or a grapple or shove, which replace one).
    Attack,
    /// A spell that harms someone.
    HarmfulSpell,
    /// Any other action, bonus action or spell.
    Act,
}

fn asks(table: &Table, me: &str, command: &Command) -> Option<Asks> {
    Some(match command {
        Command::Move { .. } => Asks::Move,
        Command::Act(Simple::Dash) => Asks::Dash,
        Command::Attack { .. }
        | Command::OffHand { .. }
        | Command::Grapple { .. }
        | Command::Shove { .. } => Asks::Attack,
        Command::Cast { spell, .. } => {
            let hurts = table
                .character(me)
                .and_then(|c| find_spell(c, spell).ok())
                .is_some_and(harmful);
            if hurts { Asks::HarmfulSpell } else { Asks::Act }
        }
        Command::Act(_)
        | Command::Help { .. }
        | Command::Ready { .. }
        | Command::Use { .. }
        | Command::Feature(_) => Asks::Act,
        _ => return None,
    })
}

/// The condition that explains a state, for the message.
fn which(conds: &Conditions, among: &[Condition]) -> &'static str {
    among
        .iter()
        .find(|c| conds.has(**c))
        .map_or("exhausted", |c| c.name())
}

/// The name of the effect on `me` imposing `behaviour`.
fn cause(table: &Table, me: &str, behaviour: Behaviour) -> String {
    table
        .encounter
        .as_ref()
        .and_then(|e| {
            e.board
                .on(&Encounter::id(me))
                .find(|x| x.effect.behaviour == Some(behaviour))
                .map(|x| x.effect.name.clone())
        })
        .unwrap_or_else(|| behaviour.name().to_string())
}

/// The limits the board puts on `me` (none out of a fight).
pub(super) fn limits(table: &Table, me: &str) -> Limits {
    table
        .encounter
        .as_ref()
        .map(|e| e.board.limits(&Encounter::id(me)))
        .unwrap_or_default()
}

/// Refuses `command` when `me`'s conditions or effects forbid it.
pub(super) fn check(table: &Table, me: &str, command: &Command) -> Result<()> {
    let Some(asks) = asks(table, me, command) else {
        return Ok(());
    };
    let name = name_of(table, me);
    let conds = conditions(table, me);
    use Condition::*;
    if asks == Asks::Move && conds.speed_is_zero() {
        let why = which(
            &conds,
            &[
                Grappled,
                Restrained,
                Paralyzed,
                Stunned,
                Unconscious,
                Petrified,
            ],
        );
        return Err(no(format!(
            "{name} can't move: {why} (speed 0) — act from where you are, or `n`"
        )));
    }
    if asks != Asks::Move && conds.is_incapacitated() {
        let why = which(
            &conds,
            &[Unconscious, Paralyzed, Stunned, Petrified, Incapacitated],
        );
        return Err(no(format!("{name} can't act: {why} — `n` ends the turn")));
    }
    let limits = limits(table, me);
    for b in [Behaviour::Halt, Behaviour::Drop, Behaviour::Wander] {
        if limits.has(b) {
            return Err(no(format!(
                "{name} can't move or act this turn ({}) — `n` ends it",
                cause(table, me, b)
            )));
        }
    }
    for b in [Behaviour::Flee, Behaviour::Approach] {
        if limits.has(b) && !matches!(asks, Asks::Move | Asks::Dash) {
            return Err(no(format!(
                "{name} must {} ({}): only `dash`, `move` or `n`",
                if b == Behaviour::Flee {
                    "flee"
                } else {
                    "approach"
                },
                cause(table, me, b)
            )));
        }
    }
    if limits.has(Behaviour::LashOut) && !matches!(asks, Asks::Attack | Asks::Move) {
        return Err(no(format!(
            "{name} lashes out ({}): only a melee attack, or `n`",
            cause(table, me, Behaviour::LashOut)
        )));
    }
    if limits.has(Behaviour::Indifferent) && matches!(asks, Asks::Attack | Asks::HarmfulSpell) {
        return Err(no(format!(
            "{name} is indifferent ({}): no attacks or harmful spells",
            cause(table, me, Behaviour::Indifferent)
        )));
    }
    Ok(())
}

/// What a command spends, for the economy limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Spend {
    /// The action.
    Action,
    /// The bonus action.
    Bonus,
}

/// Refuses spending an action under "no actions", and an action and a
/// bonus action in the same turn under "one or the other" (Slow).
pub(super) fn spend(table: &mut Table, me: &str, spend: Spend) -> Result<()> {
    let limits = limits(table, me);
    let name = name_of(table, me);
    if spend == Spend::Action && limits.no_actions {
        return Err(no(format!(
            "{name} can't take actions now — a bonus action, a move, or `n`"
        )));
    }
    if limits.action_or_bonus
        && let Some(e) = economy(table, me)
    {
        let other = match spend {
            Spend::Action => e.bonus_action_used,
            Spend::Bonus => e.action_used,
        };
        if other {
            return Err(no(format!(
                "{name} is slowed: an action or a bonus action this turn, not both"
            )));
        }
    }
    Ok(())
}
