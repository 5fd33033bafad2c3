//! Casting a spell: the caster's spellbook (a character's sheet or a
//! monster's stat block), finding the spell by name, what it spends.

use super::Dice;
use rules::automation::{self, Caster, Target};
use rules::content::{self, Targeting};
use rules::mechanics::SpellLevel;

use super::attack::{Via, targets_of};
use super::creatures::{conditions, enc_monster, name_of, target};
use super::economy::{economy, my_turn};
use super::outcome::land;
use super::{Result, classes, limits, no, reach, reactions};
use crate::character::Character;
use crate::encounter::Encounter;
use crate::event::Reply;
use crate::table::Table;

#[allow(clippy::too_many_arguments)]
pub(super) fn cast(
    table: &mut Table,
    me: &str,
    spell_name: &str,
    targets: &[String],
    level: Option<u8>,
    choice: Option<String>,
    via: Via,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let c = spellbook(table, me)?;
    let spell = find_in(&c.name, &c.spells, spell_name)?;
    let slot = if spell.is_cantrip() {
        0
    } else {
        level.unwrap_or(spell.level).max(spell.level)
    };
    use rules::content::CastingKind;
    let kind = spell.casting_time.kind;
    let in_fight = table.encounter.as_ref().is_some_and(|e| e.round > 0);
    if in_fight && kind != CastingKind::Reaction && via == Via::Normal {
        my_turn(table, me)?;
    }
    if conditions(table, me).is_incapacitated() {
        return Err(no(format!("{} can't cast (incapacitated)", c.name)));
    }
    if classes::raging(table, me) {
        return Err(no(format!("{} can't cast spells while raging", c.name)));
    }
    if slot > 0 && via == Via::Normal {
        let lvl = SpellLevel::new(slot).ok_or_else(|| no("spell levels go from 1 to 9"))?;
        if c.slots.remaining(lvl) == 0 {
            return Err(no(format!(
                "no level-{slot} slot left — slots: {}",
                c.slots.describe_remaining()
            )));
        }
    }
    let mut handles = targets_of(table, targets)?;
    if spell.targeting == Targeting::Caster {
        handles = vec![me.to_string()];
    } else if handles.is_empty() && !harmful(spell) {
        handles.push(me.to_string());
    }
    if handles.is_empty() {
        return Err(no(format!(
            "{} needs a target: `cast {} -t g1`",
            spell.name, spell.id
        )));
    }
    if in_fight {
        reach::spell(table, me, spell, &handles)?;
    }
    let ts: Vec<Target> = handles.iter().map(|h| target(table, h, me)).collect();
    let mut ctx = automation::spell_context(spell, slot, &c.caster, ts.len())
        .map_err(|e| no(e.to_string()))?;
    ctx.choice = choice;
    ctx.conditions = conditions(table, me);
    if let Some(enc) = &table.encounter {
        ctx.modifiers = enc.board.modifiers(&Encounter::id(me));
    }
    let effects: &[content::Effect] = &spell.effects;
    if effects.is_empty() {
        return Err(no(format!(
            "{} isn't automated ({}) — describe it and let the DM adjudicate",
            spell.name,
            spell.automation.missing.join("; ")
        )));
    }
    let resolutions = automation::run(effects, &ctx, &ts, dice).map_err(|e| no(e.to_string()))?;
    // Spend: the slot, then the action, bonus action or reaction.
    if in_fight && (via == Via::Readied || kind == CastingKind::Reaction) {
        if !reactions::can_react(table, me) {
            return Err(no(format!(
                "{} can't react now (reaction spent, or unable to act)",
                c.name
            )));
        }
    } else if in_fight && kind == CastingKind::BonusAction {
        limits::spend(table, me, limits::Spend::Bonus)?;
    } else if in_fight {
        limits::spend(table, me, limits::Spend::Action)?;
    }
    if in_fight {
        let e = economy(table, me).ok_or_else(|| no("no fight"))?;
        let used = match kind {
            _ if via == Via::Readied => &mut e.reaction_used,
            CastingKind::BonusAction => &mut e.bonus_action_used,
            CastingKind::Reaction => &mut e.reaction_used,
            _ => &mut e.action_used,
        };
        if *used {
            return Err(no(
                "you have already used that (action, bonus action or reaction) this turn",
            ));
        }
        *used = true;
    }
    if via == Via::Readied {
        // The readied spell's hold ends as it is let go.
        table.concentrations_mut().remove(me);
    }
    if slot > 0
        && via == Via::Normal
        && let Some(lvl) = SpellLevel::new(slot)
    {
        let slots = match table.character_mut(me) {
            Some(ch) => Some(&mut ch.slots),
            None => table
                .encounter
                .as_mut()
                .and_then(|e| e.monster_mut(me))
                .map(|m| &mut m.slots),
        };
        if let Some(slots) = slots {
            slots.spend(lvl).map_err(|e| no(e.to_string()))?;
        }
    }
    reply.say(format!(
        "{} casts {}{}.",
        c.name,
        spell.name,
        if slot > spell.level {
            format!(" at level {slot}")
        } else {
            String::new()
        }
    ));
    if spell.concentration
        && let Some(old) = table
            .concentrations_mut()
            .insert(me.to_string(), spell.name.clone())
    {
        if let Some(enc) = table.encounter.as_mut() {
            reactions::drop_readied_spell(enc, me);
        }
        reply.say(format!("{} stops concentrating on {old}.", c.name));
    }
    land(
        table,
        me,
        &handles,
        &resolutions,
        Some((ctx.figures, spell.concentration)),
        dice,
        reply,
    );
    Ok(())
}

/// Who casts, with what: a character's sheet or a spellcasting monster's
/// stat block and the slots it has left.
struct Spellbook {
    name: String,
    spells: Vec<String>,
    slots: rules::mechanics::SpellSlots,
    caster: Caster,
}

fn spellbook(table: &Table, me: &str) -> Result<Spellbook> {
    if let Some(c) = table.character(me) {
        let (attack_bonus, save_dc) = c.spell_figures();
        return Ok(Spellbook {
            name: c.name.clone(),
            spells: c.spells.clone(),
            slots: c.slots.clone(),
            caster: Caster {
                attack_bonus,
                save_dc,
                modifier: c.spellcasting().map_or(0, |a| c.modifier(a)),
                level: c.level,
            },
        });
    }
    let state = enc_monster(table, me).ok_or_else(|| no("no such creature"))?;
    let m = state.data().ok_or_else(|| no("no such creature"))?;
    let sc = m.spellcasting.as_ref().ok_or_else(|| {
        no(format!(
            "{} casts no spells — monsters use `a ACTION`",
            name_of(table, me)
        ))
    })?;
    let score = i32::from(m.abilities[sc.ability].get());
    Ok(Spellbook {
        name: name_of(table, me),
        spells: sc.spells.clone(),
        slots: state.slots.clone(),
        caster: Caster {
            attack_bonus: sc.attack_bonus,
            save_dc: sc.dc,
            modifier: (score - 10).div_euclid(2),
            level: sc.level,
        },
    })
}

pub(super) fn harmful(spell: &content::Spell) -> bool {
    spell.attack.is_some() || spell.save.is_some()
}

pub(super) fn find_spell(c: &Character, query: &str) -> Result<&'static content::Spell> {
    find_in(&c.name, &c.spells, query)
}

/// A spell of `spells` (ids) by id, beginning or initials.
fn find_in(name: &str, spells: &[String], query: &str) -> Result<&'static content::Spell> {
    let q = query.trim().to_lowercase().replace(' ', "-");
    let id = spells
        .iter()
        .find(|s| **s == q)
        .or_else(|| spells.iter().find(|s| s.starts_with(&q)))
        .or_else(|| {
            // Initials: `fb` → fire-bolt? Only when unique.
            let hits: Vec<&String> = spells
                .iter()
                .filter(|s| {
                    s.split('-')
                        .filter_map(|w| w.chars().next())
                        .collect::<String>()
                        == q
                })
                .collect();
            (hits.len() == 1).then(|| hits[0])
        })
        .ok_or_else(|| {
            no(format!(
                "{name} doesn't know `{query}` — knows: {}",
                if spells.is_empty() {
                    "no spells".to_string()
                } else {
                    spells.join(", ")
                }
            ))
        })?;
    content::spell(id).ok_or_else(|| no(format!("unknown spell {id}")))
}
