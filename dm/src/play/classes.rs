//! Class features in play: Sneak Attack, Rage, Second Wind, Action Surge
//! and two-weapon fighting. The figures come from `rules`' class data
//! through `rules::automation::features`; this file decides when they
//! apply at the table and what they spend.

use std::borrow::Cow;

use super::Dice;
use rules::automation::{self, Context, DamageDealt, Resolution, Target, features};
use rules::content::{self, ArmorCategory, Effect, Weapon, WeaponKind, WeaponProperty};
use rules::mechanics::{Ability, AttackResult, Distance, LifeState};

use super::attack::{Via, find_weapon};
use super::creatures::{conditions, health, name_of, target, team};
use super::economy::{economy, my_turn, spend_bonus};
use super::outcome::{drop_concentration, land};
use super::{Result, no};
use crate::character::Character;
use crate::command::Feature;
use crate::encounter::Encounter;
use crate::event::Reply;
use crate::table::Table;

/// The ids under which a character's spent uses are kept.
const RAGE: &str = "rage";
const SECOND_WIND: &str = "second-wind";
const ACTION_SURGE: &str = "action-surge";

/// The features whose uses a short rest restores (Rage needs a long one),
/// and a dragonborn's breath weapon.
pub(super) const SHORT_REST: &[&str] = &[SECOND_WIND, ACTION_SURGE, super::racial::BREATH];

/// Whether `who` rages now.
pub(super) fn raging(table: &Table, who: &str) -> bool {
    table.encounter.as_ref().is_some_and(|e| {
        e.board
            .on(&Encounter::id(who))
            .any(|x| x.effect.name == "Rage")
    })
}

/// `rage`, `secondwind`, `surge`.
pub(super) fn feature(
    table: &mut Table,
    me: &str,
    which: Feature,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let c = table
        .character(me)
        .cloned()
        .ok_or_else(|| no("only characters have class features here"))?;
    match which {
        Feature::Rage => rage(table, &c, dice, reply),
        Feature::SecondWind => second_wind(table, &c, dice, reply),
        Feature::ActionSurge => action_surge(table, &c, reply),
    }
}

/// Uses left of a feature with `max` uses (`None`: unlimited).
fn uses_left(c: &Character, id: &str, max: Option<u32>) -> Option<u32> {
    let spent = c.spent.get(id).copied().unwrap_or(0);
    max.map(|m| m.saturating_sub(spent))
}

fn spend_use(table: &mut Table, me: &str, id: &str) {
    if let Some(c) = table.character_mut(me) {
        *c.spent.entry(id.to_string()).or_default() += 1;
    }
}

fn in_fight(table: &Table) -> bool {
    table.encounter.as_ref().is_some_and(|e| e.round > 0)
}

fn rage(table: &mut Table, c: &Character, dice: &mut Dice<'_>, reply: &mut Reply) -> Result<()> {
    let barbarian = c.level_in("barbarian");
    if barbarian == 0 {
        return Err(no(format!(
            "{} is no barbarian: only barbarians rage",
            c.name
        )));
    }
    if !in_fight(table) {
        return Err(no("rage in a fight: it lasts a minute"));
    }
    my_turn(table, &c.handle)?;
    if raging(table, &c.handle) {
        return Err(no(format!("{} is already raging", c.name)));
    }
    let heavy = c
        .armor
        .as_deref()
        .and_then(content::armor)
        .is_some_and(|a| a.category == ArmorCategory::Heavy);
    if heavy {
        return Err(no("no rage in heavy armor — take it off first"));
    }
    // The 20th level's rages are unlimited: the table has no number then.
    let max = features::rage_count(barbarian).filter(|_| barbarian < 20);
    let left = uses_left(c, RAGE, max);
    if left == Some(0) {
        return Err(no(format!(
            "{} has no rage left — a long rest restores them",
            c.name
        )));
    }
    let feature = content::class("barbarian")
        .and_then(|b| b.combat_feature(RAGE))
        .ok_or_else(|| no("rage is not in the class data"))?;
    // The damage bonus is added to Strength melee attacks by the attack
    // itself (`add_rage_damage`), not to every weapon attack.
    let mut tree = feature.effects.clone();
    for e in &mut tree {
        if let Effect::Apply(a) = e {
            a.effect.modifiers.weapon_damage = None;
        }
    }
    spend_bonus(table, &c.handle)?;
    // A rager can't concentrate on spells.
    let held = table.concentrations().get(&c.handle).cloned();
    if let Some(spell) = held {
        drop_concentration(table, &c.handle, &spell, reply);
    }
    let me = [target(table, &c.handle, &c.handle)];
    let ctx = Context {
        name: "Rage".into(),
        ..Context::default()
    };
    let out = automation::run(&tree, &ctx, &me, dice).map_err(|e| no(e.to_string()))?;
    spend_use(table, &c.handle, RAGE);
    if let Some(enc) = table.encounter.as_mut() {
        // The turn it begins counts as kept.
        enc.rage_kept.push(c.handle.clone());
    }
    let bonus = features::rage_damage(barbarian).unwrap_or(2);
    reply.say(format!(
        "{} rages: +{bonus} damage with Strength melee weapons, resistance to bludgeoning, piercing and slashing for 1 minute{}.",
        c.name,
        left.map_or_else(String::new, |l| format!(" ({} left)", l - 1))
    ));
    let handle = c.handle.clone();
    land(
        table,
        &handle,
        std::slice::from_ref(&handle),
        &out,
        Some((ctx.figures, false)),
        dice,
        reply,
    );
    Ok(())
}

/// Rage ends when the barbarian drops (or falls unconscious).
pub(super) fn end_rage(table: &mut Table, who: &str, reply: &mut Reply) {
    let name = name_of(table, who);
    let Some(enc) = table.encounter.as_mut() else {
        return;
    };
    let id = Encounter::id(who);
    let rages: Vec<_> = enc
        .board
        .on(&id)
        .filter(|x| x.effect.name == "Rage")
        .map(|x| x.id)
        .collect();
    for r in rages {
        if enc.board.remove(r).is_some() {
            reply.lines.push(crate::event::Line::Effect {
                target: name.clone(),
                what: "Rage".into(),
                began: false,
            });
        }
    }
}

/// Notes that `who`, if raging, attacked a hostile creature or took damage.
pub(super) fn keep_rage(table: &mut Table, who: &str) {
    if raging(table, who)
        && let Some(enc) = table.encounter.as_mut()
        && !enc.rage_kept.iter().any(|h| h == who)
    {
        enc.rage_kept.push(who.to_string());
    }
}

/// At the end of a rager's turn: the rage ends if it is unconscious, or if
/// since its last turn it neither attacked a hostile creature nor took damage.
pub(super) fn rage_turn_end(table: &mut Table, who: &str, reply: &mut Reply) {
    if !raging(table, who) {
        return;
    }
    let kept = table
        .encounter
        .as_ref()
        .is_some_and(|e| e.rage_kept.iter().any(|h| h == who));
    let out = conditions(table, who).has(rules::mechanics::Condition::Unconscious);
    if !kept || out {
        reply.say(format!(
            "{}'s rage ends: {}.",
            name_of(table, who),
            if out {
                "unconscious"
            } else {
                "no attack and no damage taken this turn"
            }
        ));
        end_rage(table, who, reply);
    }
    if let Some(enc) = table.encounter.as_mut() {
        enc.rage_kept.retain(|h| h != who);
    }
}

/// Rage's bonus on a raging barbarian's melee weapon attack with Strength.
pub(super) fn add_rage_damage(
    table: &Table,
    c: &Character,
    w: &Weapon,
    ability: Ability,
    tree: &mut [Effect],
) {
    let barbarian = c.level_in("barbarian");
    if barbarian > 0
        && ability == Ability::Strength
        && w.kind == WeaponKind::Melee
        && raging(table, &c.handle)
    {
        features::add_flat_damage(tree, features::rage_damage(barbarian).unwrap_or(2));
    }
}

fn second_wind(
    table: &mut Table,
    c: &Character,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let fighter = c.level_in("fighter");
    if fighter == 0 {
        return Err(no(format!(
            "{} is no fighter: Second Wind is a fighter's",
            c.name
        )));
    }
    let max = features::uses("fighter", SECOND_WIND, fighter, 0);
    if uses_left(c, SECOND_WIND, max) == Some(0) {
        return Err(no(
            "Second Wind is spent — a short or long rest restores it",
        ));
    }
    if c.health.state() != LifeState::Conscious {
        return Err(no(format!("{} can't act now", c.name)));
    }
    let feature = content::class("fighter")
        .and_then(|f| f.combat_feature(SECOND_WIND))
        .ok_or_else(|| no("Second Wind is not in the class data"))?;
    if in_fight(table) {
        spend_bonus(table, &c.handle)?;
    }
    let me = [target(table, &c.handle, &c.handle)];
    let mut ctx = Context {
        name: "Second Wind".into(),
        ..Context::default()
    };
    ctx.figures.level = fighter;
    let out = automation::run(&feature.effects, &ctx, &me, dice).map_err(|e| no(e.to_string()))?;
    spend_use(table, &c.handle, SECOND_WIND);
    reply.say(format!("{} catches a second wind.", c.name));
    let handle = c.handle.clone();
    land(
        table,
        &handle,
        std::slice::from_ref(&handle),
        &out,
        None,
        dice,
        reply,
    );
    Ok(())
}

fn action_surge(table: &mut Table, c: &Character, reply: &mut Reply) -> Result<()> {
    // A fighter 1's table has no use yet: no Action Surge, not a spent one.
    let max = features::uses("fighter", "action-surge-1-use", c.level_in("fighter"), 0)
        .filter(|m| *m > 0);
    let Some(max) = max else {
        return Err(no(format!(
            "{} has no Action Surge (fighters from 2nd level)",
            c.name
        )));
    };
    if !in_fight(table) {
        return Err(no("Action Surge is for a fight's turn"));
    }
    my_turn(table, &c.handle)?;
    if conditions(table, &c.handle).is_incapacitated() {
        return Err(no(format!("{} can't act (incapacitated)", c.name)));
    }
    if uses_left(c, ACTION_SURGE, Some(max)) == Some(0) {
        return Err(no(
            "Action Surge is spent — a short or long rest restores it",
        ));
    }
    let Some(enc) = table.encounter.as_mut() else {
        return Err(no("no fight is on"));
    };
    if enc.extra_actions.contains_key(&c.handle) {
        return Err(no("one Action Surge per turn"));
    }
    enc.extra_actions.insert(c.handle.clone(), 1);
    spend_use(table, &c.handle, ACTION_SURGE);
    reply.say(format!("{} surges: one more action this turn.", c.name));
    Ok(())
}

/// With its action spent, uses an action from Action Surge instead; false
/// when there is none (or the action is still free).
pub(super) fn surge_action(table: &mut Table, me: &str) -> bool {
    let used = economy(table, me).is_some_and(|e| e.action_used);
    let Some(enc) = table.encounter.as_mut() else {
        return false;
    };
    match enc.extra_actions.get_mut(me) {
        Some(n) if used && *n > 0 => {
            *n -= 1;
            true
        }
        _ => false,
    }
}

/// An Attack action with a light melee weapon opens two-weapon fighting.
pub(super) fn note_light_attack(table: &mut Table, me: &str, w: &Weapon, via: Via) {
    if via == Via::Normal
        && w.kind == WeaponKind::Melee
        && w.has(WeaponProperty::Light)
        && let Some(enc) = table.encounter.as_mut()
        && !enc.light_attack.iter().any(|h| h == me)
    {
        enc.light_attack.push(me.to_string());
    }
}

/// The light melee weapon for the other hand: the one named, or the first
/// carried, after an Attack action with a light melee weapon this turn.
pub(super) fn off_hand_weapon(
    table: &Table,
    c: &Character,
    query: &str,
) -> Result<Cow<'static, Weapon>> {
    let light = |w: &Weapon| w.kind == WeaponKind::Melee && w.has(WeaponProperty::Light);
    let opened = table
        .encounter
        .as_ref()
        .is_some_and(|e| e.light_attack.contains(&c.handle));
    if !opened {
        return Err(no(
            "the off-hand attack follows an Attack action with a light melee weapon: `a dagger -t g1` first",
        ));
    }
    let w = if query.trim().is_empty() {
        c.weapons
            .iter()
            .filter_map(|id| c.weapon(id))
            .find(|w| light(w))
            .ok_or_else(|| no(format!("{} carries no light melee weapon", c.name)))?
    } else {
        find_weapon(c, query)?
    };
    if !light(&w) {
        return Err(no(format!(
            "the off hand needs a light melee weapon; the {} is not one",
            w.name
        )));
    }
    Ok(w)
}

/// A rogue's Sneak Attack on the first hit of a turn that qualifies: a
/// finesse or ranged weapon, and advantage on the roll, or another enemy
/// of the target engaged with it (not incapacitated) and no disadvantage.
/// The dice are the level table's, doubled on a critical hit.
#[allow(clippy::too_many_arguments)]
pub(super) fn sneak_attack(
    table: &mut Table,
    me: &str,
    w: &Weapon,
    on: &str,
    t: &Target,
    resolutions: &mut [Resolution],
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) {
    let Some(c) = table.character(me) else {
        return;
    };
    let level = c.level_in("rogue");
    if level == 0 {
        return;
    }
    let Some(enc) = table.encounter.as_ref() else {
        return;
    };
    if enc.sneak_attacked.iter().any(|h| h == me) {
        return;
    }
    let mine = team(table, me);
    let ally = enc.order.iter().map(|s| s.handle.as_str()).any(|h| {
        h != me
            && h != on
            && team(table, h) == mine
            && health(table, h).is_some_and(|x| x.state() == LifeState::Conscious)
            && !conditions(table, h).is_incapacitated()
            && enc.distance(h, on) == Distance::Engaged
    });
    for r in resolutions.iter_mut() {
        let Some(a) = &r.attack else {
            continue;
        };
        if !a.result.is_hit() || r.duplicate.is_some() {
            continue;
        }
        let Ok(extra) = features::sneak_attack(level, w, a.roll.advantage, ally, false) else {
            return;
        };
        let crit = a.result == AttackResult::Critical;
        let text = if crit {
            double_dice(&extra.dice)
        } else {
            extra.dice.clone()
        };
        let Some(rolled) = dice
            .roll_str(&text)
            .ok()
            .and_then(|r| u32::try_from(r.total.max(0)).ok())
        else {
            return;
        };
        let damage_type = extra
            .damage_type
            .or_else(|| r.damage.first().map(|d| d.damage_type))
            .unwrap_or(rules::mechanics::DamageType::Piercing);
        r.damage.push(DamageDealt {
            damage_type,
            rolled,
            taken: t.take_from(rolled, damage_type, false),
        });
        if let Some(enc) = table.encounter.as_mut() {
            enc.sneak_attacked.push(me.to_string());
        }
        reply.say(format!("Sneak Attack: +{text} ({rolled})."));
        return;
    }
}

/// "3d6" → "6d6", for a critical hit.
fn double_dice(d: &str) -> String {
    match d
        .split_once('d')
        .and_then(|(n, s)| Some((n.parse::<u32>().ok()?, s)))
    {
        Some((n, size)) => format!("{}d{size}", n.saturating_mul(2)),
        None => d.to_string(),
    }
}

/// Whether `me` has the Grappler feat and grapples `on` now (a grapple it
/// won in this fight, the condition still on): its attacks on `on` have
/// advantage.
pub(super) fn grappling_with_feat(table: &Table, me: &str, on: &str) -> bool {
    table
        .character(me)
        .is_some_and(|c| c.feats.iter().any(|f| f == "grappler"))
        && table
            .encounter
            .as_ref()
            .is_some_and(|e| e.grapples.iter().any(|(by, held)| by == me && held == on))
        && conditions(table, on).has(rules::mechanics::Condition::Grappled)
}
