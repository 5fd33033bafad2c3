//! Dice in the open: `r EXPR`, ability and skill checks, saving throws,
//! and how a d20 roll and a save read in a reply.

use rules::dice::Advantage;

use super::Dice;
use rules::mechanics::{Ability, D20Roll, D20Test, Skill, TestOutcome};

use super::characters::actor_name;
use super::creatures::{check_bonus, name_of, save_bonus};
use super::{Result, no};
use crate::event::{Line, PlayerId, Reply};
use crate::table::Table;

pub(super) fn d20_text(roll: &D20Roll) -> String {
    let faces: Vec<String> = roll.faces.iter().map(u8::to_string).collect();
    if faces.len() > 1 {
        format!("d20 ({}→{})", faces.join(", "), roll.face())
    } else {
        format!("d20 ({})", roll.face())
    }
}

pub(super) fn roll_expr(
    who: &str,
    expr: &str,
    advantage: Advantage,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<i64> {
    let rolled = dice
        .roll_commented(expr, advantage)
        .map_err(|e| no(format!("dice: {e}")))?;
    let label = rolled
        .comment()
        .map_or_else(|| expr.to_string(), str::to_string);
    reply.lines.push(Line::Roll {
        who: who.to_string(),
        label,
        detail: rolled.compact(),
        total: rolled.total,
    });
    Ok(rolled.total)
}

/// `r EXPR`: a roll in the open, under the name of the player's character.
pub(super) fn roll(
    table: &Table,
    actor: &PlayerId,
    expr: &str,
    advantage: Advantage,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let who = actor_name(table, actor);
    roll_expr(&who, expr, advantage, dice, reply)?;
    Ok(())
}

pub(super) fn check(
    table: &mut Table,
    me: &str,
    what: &str,
    advantage: Advantage,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let (ability, skill, label) = if let Ok(skill) = what.parse::<Skill>() {
        (
            skill.ability(),
            Some(skill),
            format!("{} check", skill.name()),
        )
    } else if let Ok(ability) = what.parse::<Ability>() {
        (ability, None, format!("{} check", ability.name()))
    } else {
        return Err(no(format!(
            "no skill or ability `{what}` — try ath, acro, stealth, perc, str, dex…"
        )));
    };
    let bonus = check_bonus(table, me, ability, skill);
    let roll = D20Roll::roll(advantage, dice);
    let total = i32::from(roll.face()) + bonus;
    reply.lines.push(Line::Roll {
        who: name_of(table, me),
        label,
        detail: format!("{} {bonus:+}", d20_text(&roll)),
        total: i64::from(total),
    });
    Ok(())
}

/// `save ABIL`: a saving throw the player asks for.
pub(super) fn save(
    table: &Table,
    me: &str,
    ability: Ability,
    advantage: Advantage,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let bonus = save_bonus(table, me, ability);
    let test = D20Test::new(bonus).with_advantage(advantage);
    let roll = D20Roll::roll(test.advantage, dice);
    let total = i32::from(roll.face()) + bonus;
    reply.lines.push(Line::Roll {
        who: name_of(table, me),
        label: format!("{} save", ability.name()),
        detail: format!("{} {bonus:+}", d20_text(&roll)),
        total: i64::from(total),
    });
    Ok(())
}

pub(super) fn push_save(reply: &mut Reply, who: String, what: &str, outcome: &TestOutcome) {
    let (total, dc) = match outcome {
        TestOutcome::Rolled { total, dc, .. } => (Some(*total), *dc),
        TestOutcome::AutoFailed { dc } => (None, *dc),
    };
    reply.lines.push(Line::Save {
        who,
        what: what.to_string(),
        total,
        dc,
        success: outcome.success(),
    });
}
