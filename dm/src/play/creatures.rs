//! Looking creatures up on the table: names, handles, the figures a roll
//! needs, health, conditions, and a creature as the rules engine sees it.
//! Characters and the monsters of the fight alike.

use rules::automation::Target;
use rules::content;
use rules::mechanics::{Ability, AttackContext, Condition, Conditions, Distance, Health, Skill};

use super::{Result, no};
use crate::character::{Character, index};
use crate::encounter::{Encounter, MonsterState};
use crate::table::Table;

/// Something of a character's sheet or, failing that, of a monster's state.
fn part<T>(
    table: &Table,
    handle: &str,
    of_character: impl FnOnce(&Character) -> T,
    of_monster: impl FnOnce(&MonsterState) -> T,
) -> Option<T> {
    if let Some(c) = table.character(handle) {
        return Some(of_character(c));
    }
    table.encounter.as_ref()?.monster(handle).map(of_monster)
}

/// A creature's display name.
pub(super) fn name_of(table: &Table, handle: &str) -> String {
    part(table, handle, |c| c.name.clone(), MonsterState::name)
        .unwrap_or_else(|| handle.to_string())
}

pub(super) fn is_monster(table: &Table, handle: &str) -> bool {
    table
        .encounter
        .as_ref()
        .is_some_and(|e| e.monster(handle).is_some())
}

/// Every creature handle at the table: characters, then monsters.
pub(super) fn handles(table: &Table) -> Vec<String> {
    let mut out: Vec<String> = table.characters.iter().map(|c| c.handle.clone()).collect();
    if let Some(enc) = &table.encounter {
        out.extend(enc.monsters.iter().map(|m| m.handle.clone()));
    }
    out
}

/// A target by handle or unique prefix.
pub fn resolve(table: &Table, query: &str) -> Result<String> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Err(no("name a target (a handle such as g1 or aria)"));
    }
    let all = handles(table);
    if all.contains(&q) {
        return Ok(q);
    }
    let found: Vec<&String> = all.iter().filter(|h| h.starts_with(&q)).collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(no(format!(
            "no one here is called `{query}` — targets: {}",
            all.join(", ")
        ))),
        many => Err(no(format!(
            "`{query}` could be {}",
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

pub(super) fn find_character<'t>(table: &'t Table, query: &str) -> Result<&'t Character> {
    let h = resolve(table, query)?;
    table
        .character(&h)
        .ok_or_else(|| no(format!("{query} is not a character")))
}

pub(super) fn enc_monster<'t>(table: &'t Table, h: &str) -> Option<&'t MonsterState> {
    table.encounter.as_ref().and_then(|e| e.monster(h))
}

pub(super) fn monster_of(table: &Table, handle: &str) -> Option<&'static content::Monster> {
    table.encounter.as_ref()?.monster(handle)?.data()
}

pub(super) fn save_bonus(table: &Table, handle: &str, ability: Ability) -> i32 {
    if let Some(c) = table.character(handle) {
        return c.save_bonus(ability);
    }
    monster_of(table, handle).map_or(0, |m| {
        m.saves
            .get(&ability)
            .copied()
            .unwrap_or_else(|| m.abilities[ability].modifier())
    })
}

pub(super) fn check_bonus(
    table: &Table,
    handle: &str,
    ability: Ability,
    skill: Option<Skill>,
) -> i32 {
    if let Some(c) = table.character(handle) {
        return skill.map_or_else(|| c.modifier(ability), |s| c.skill_bonus(s));
    }
    monster_of(table, handle).map_or(0, |m| {
        skill
            .and_then(|s| m.skills.get(&s).copied())
            .unwrap_or_else(|| m.abilities[ability].modifier())
    })
}

pub(super) fn health(table: &Table, handle: &str) -> Option<Health> {
    part(table, handle, |c| c.health, |m| m.health)
}

/// A part of a character's sheet or, failing that, of a monster's state.
fn part_mut<'t, T>(
    table: &'t mut Table,
    handle: &str,
    of_character: impl FnOnce(&'t mut Character) -> &'t mut T,
    of_monster: impl FnOnce(&'t mut MonsterState) -> &'t mut T,
) -> Option<&'t mut T> {
    if table.character(handle).is_some() {
        return table.character_mut(handle).map(of_character);
    }
    table
        .encounter
        .as_mut()?
        .monster_mut(handle)
        .map(of_monster)
}

pub(super) fn health_mut<'t>(table: &'t mut Table, handle: &str) -> Option<&'t mut Health> {
    part_mut(table, handle, |c| &mut c.health, |m| &mut m.health)
}

fn own_conditions(table: &Table, handle: &str) -> Conditions {
    part(
        table,
        handle,
        |c| c.conditions.clone(),
        |m| m.conditions.clone(),
    )
    .unwrap_or_default()
}

pub(super) fn conditions_mut<'t>(table: &'t mut Table, handle: &str) -> Option<&'t mut Conditions> {
    part_mut(table, handle, |c| &mut c.conditions, |m| &mut m.conditions)
}

/// The fight that is on, or a refusal saying `why` not.
pub(super) fn fight<'t>(table: &'t Table, why: &str) -> Result<&'t Encounter> {
    table.encounter.as_ref().ok_or_else(|| no(why))
}

/// Conditions from the sheet, the board and hit points (unconscious at 0).
pub(super) fn conditions(table: &Table, handle: &str) -> Conditions {
    let mut all = own_conditions(table, handle);
    if let Some(enc) = &table.encounter {
        for c in enc.board.conditions(&Encounter::id(handle)) {
            all.add(c);
        }
    }
    if health(table, handle).is_some_and(|h| h.state().is_down()) {
        all.add(Condition::Unconscious);
    }
    all
}

pub(super) fn team(table: &Table, handle: &str) -> u8 {
    u8::from(is_monster(table, handle))
}

/// A creature as the rules engine sees it, from `from`'s side.
pub(super) fn target(table: &Table, handle: &str, from: &str) -> Target {
    let board = table.encounter.as_ref().map(|e| &e.board);
    let id = Encounter::id(handle);
    let mut t = if let Some(c) = table.character(handle) {
        let mut t = Target {
            ac: c.ac(),
            saves: c.saves(),
            dex_modifier: c.modifier(Ability::Dexterity),
            creature_type: "humanoid".into(),
            subtype: Some(c.race.clone()),
            intelligence: Some(c.scores[index(Ability::Intelligence)]),
            scores: c.scores.map(i32::from),
            checks: Ability::ALL.map(|a| c.modifier(a)),
            ..Target::default()
        };
        for r in c.racial_resistances() {
            t.defenses.resistances.insert(r);
        }
        t
    } else if let Some(m) = monster_of(table, handle) {
        Target::monster(m)
    } else {
        Target::default()
    };
    if let Some(h) = health(table, handle) {
        t.hp = h.current();
        t.max_hp = h.max();
    }
    t.conditions = conditions(table, handle);
    t.hostile = team(table, handle) != team(table, from);
    t.concentrating = table.concentrations().contains_key(handle);
    if let (Some(board), Some(enc)) = (board, table.encounter.as_ref()) {
        t.modifiers = board.modifiers(&id);
        t.effects = board.names(&id);
        t.duplicates = board.duplicates(&id);
        t.immune_to = board.immunities(&id);
        let engaged = enc.distance(handle, from) == Distance::Engaged;
        t.situation = AttackContext {
            within_5ft: engaged,
            beyond_normal_range: enc.distance(handle, from) == Distance::Far,
            target_dodging: enc.dodging.iter().any(|d| d == handle),
            ..AttackContext::default()
        };
    }
    // Racial traits hold in a fight and out of one (Dwarven Resilience,
    // Fey Ancestry, Brave).
    if let Some(c) = table.character(handle) {
        for cond in c.racial_save_advantages() {
            if !t.modifiers.save_advantage_against.contains(cond) {
                t.modifiers.save_advantage_against.push(*cond);
            }
        }
    }
    t
}
