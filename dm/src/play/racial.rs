//! Racial traits in play that are actions: a dragonborn's breath weapon
//! (`a breath -t g1 g2`), run from its ancestry's figures by the same
//! automation engine as a monster's breath.

use rules::automation::{self, Context, Target};
use rules::mechanics::{Ability, Distance};

use super::creatures::{conditions, name_of, target};
use super::economy::{my_turn, spend_action_or_haste};
use super::outcome::land;
use super::{Dice, Result, no};
use crate::event::Reply;
use crate::table::Table;

/// The id under which a spent breath weapon is kept (a short or long rest
/// restores it).
pub(super) const BREATH: &str = "breath-weapon";

/// Whether what a player typed after `a` names the breath weapon.
pub(super) fn names_breath(weapon: &str) -> bool {
    matches!(
        weapon.trim().to_lowercase().as_str(),
        "breath" | "breath weapon" | "breath-weapon"
    )
}

/// A dragonborn's breath weapon on `handles`, on its turn, as its action:
/// each target saves against 8 + Constitution modifier + proficiency bonus
/// (the ancestry's ability) for half of the dice its level gives. No
/// target may be far: the line is 30 feet, the cone 15.
pub(super) fn breath(
    table: &mut Table,
    me: &str,
    handles: &[String],
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let c = table
        .character(me)
        .cloned()
        .ok_or_else(|| no("only a dragonborn character breathes"))?;
    let (race, _) = c
        .race_and_subrace()
        .ok_or_else(|| no("no SRD race on the sheet"))?;
    let colour = c.ancestry.clone().unwrap_or_default();
    let ancestry = race
        .ancestries
        .iter()
        .find(|a| a.id.trim_start_matches("draconic-ancestry-") == colour)
        .ok_or_else(|| {
            no(format!(
                "{} has no breath weapon (a dragonborn's, by ancestry)",
                c.name
            ))
        })?;
    let breath = ancestry
        .breath
        .as_ref()
        .ok_or_else(|| no("that ancestry has no breath in the content"))?;
    my_turn(table, me)?;
    if conditions(table, me).is_incapacitated() {
        return Err(no(format!("{} can't act (incapacitated)", c.name)));
    }
    if c.spent.get(BREATH).copied().unwrap_or(0) >= 1 {
        return Err(no(format!(
            "{}'s breath weapon is spent — a short or long rest restores it",
            c.name
        )));
    }
    if let Some(far) = handles.iter().find(|h| {
        table
            .encounter
            .as_ref()
            .is_some_and(|e| e.distance(me, h) == Distance::Far)
    }) {
        return Err(no(format!(
            "{} is out of reach of a {}-ft {}",
            name_of(table, far),
            breath.feet,
            breath.area.word()
        )));
    }
    let dc = 8 + c.modifier(Ability::Constitution) + c.proficiency();
    let mut ctx = Context {
        name: "Breath Weapon".into(),
        ..Context::default()
    };
    ctx.figures.save_dc = dc;
    ctx.figures.level = c.level;
    let ts: Vec<Target> = handles.iter().map(|h| target(table, h, me)).collect();
    let out = automation::run(&breath.effects, &ctx, &ts, dice).map_err(|e| no(e.to_string()))?;
    spend_action_or_haste(table, me, false)?;
    if let Some(sheet) = table.character_mut(me) {
        *sheet.spent.entry(BREATH.to_string()).or_default() += 1;
    }
    let save = breath
        .effects
        .iter()
        .find_map(|e| match e {
            rules::content::Effect::Save(s) => Some(s.ability.abbreviation()),
            _ => None,
        })
        .unwrap_or("DEX");
    reply.say(format!(
        "{} breathes {} in a {}-ft {} (DC {dc} {save}).",
        c.name,
        ancestry.damage_type.name(),
        breath.feet,
        breath.area.word()
    ));
    land(
        table,
        me,
        handles,
        &out,
        Some((ctx.figures, false)),
        dice,
        reply,
    );
    Ok(())
}
