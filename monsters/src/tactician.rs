//! The built-in tactician: a score for every legal option, the best one
//! chosen (ties: the first listed), deterministic given the table.
//!
//! A score is roughly the damage the option is expected to do this turn,
//! with the judgement a DM plays monsters with:
//! - hits are weighed by the chance to hit the target's AC (advantage and
//!   disadvantage as the rules engine reports them; Pack Tactics when an
//!   ally is engaged with the target), and by what the target has left:
//!   damage past a foe's hit points is wasted, a likely kill is worth more;
//! - a multiattack counts all its attacks; an area action counts every
//!   creature it covers (with the save's chance), so a recharged breath
//!   weapon is used when it catches several;
//! - smarter monsters break concentration and go for casters; nobody
//!   bothers with the fallen while someone still stands;
//! - walking away from a foe in reach costs what its opportunity attack
//!   would do; ranged attackers engaged in melee shoot with disadvantage,
//!   so they prefer to step back or fight hand to hand;
//! - morale: a badly hurt creature that is not mindless, or one whose side
//!   has lost half its number, flees.

use dm::Table;
use dm::options::TurnOption;
use rules::content::{Action, Monster, OnSuccess};
use rules::dice::Advantage;
use rules::mechanics::{Ability, ActionOption, Distance, LifeState};

use crate::{Plan, PlanFuture, Planner, TurnRequest};

/// The tactician as a planner: the best-scored option of each actor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tactician;

impl Planner for Tactician {
    fn name(&self) -> &'static str {
        "tactician"
    }

    fn plan<'a>(
        &'a self,
        request: &'a TurnRequest,
        _budget: std::time::Duration,
    ) -> PlanFuture<'a> {
        let plan = best(request);
        Box::pin(async move { Ok(plan) })
    }
}

/// The tactician's plan: each actor's best-scored option.
pub fn best(request: &TurnRequest) -> Plan {
    Plan {
        moves: request
            .actors
            .iter()
            .filter_map(|a| {
                let mut best: Option<&crate::OptionView> = None;
                for o in &a.options {
                    if best.is_none_or(|b| o.score > b.score) {
                        best = Some(o);
                    }
                }
                best.map(|o| (a.handle.clone(), o.id.clone()))
            })
            .collect(),
        flavour: None,
        usage: None,
    }
}

/// The average of a dice expression such as `2d6+3` (0 if it is not one).
pub fn average(dice: &str) -> f64 {
    let mut total = 0.0;
    let mut sign = 1.0;
    let mut term = String::new();
    let flush = |term: &str, sign: f64, total: &mut f64| {
        let t = term.trim();
        if t.is_empty() {
            return;
        }
        let value = match t.split_once('d') {
            Some((n, s)) => {
                let n: f64 = if n.is_empty() {
                    1.0
                } else {
                    n.parse().unwrap_or(0.0)
                };
                let s: f64 = s.parse().unwrap_or(0.0);
                n * (s + 1.0) / 2.0
            }
            None => t.parse().unwrap_or(0.0),
        };
        *total += sign * value;
    };
    for ch in dice.chars() {
        match ch {
            '+' | '-' => {
                flush(&term, sign, &mut total);
                term.clear();
                sign = if ch == '+' { 1.0 } else { -1.0 };
            }
            c if c.is_ascii_alphanumeric() || c == ' ' => term.push(c),
            _ => {}
        }
    }
    flush(&term, sign, &mut total);
    total.max(0.0)
}

/// The chance that an attack with `bonus` hits `ac` (a natural 1 misses, a
/// natural 20 hits).
pub fn hit_chance(bonus: i32, ac: i32, advantage: Advantage) -> f64 {
    let needed = ac - bonus; // the d20 face that hits
    let p = (f64::from(21 - needed) / 20.0).clamp(0.05, 0.95);
    match advantage {
        Advantage::Advantage => 1.0 - (1.0 - p) * (1.0 - p),
        Advantage::Disadvantage => p * p,
        Advantage::Normal => p,
    }
}

/// What a foe looks like to a monster choosing whom to hit.
struct Foe {
    ac: i32,
    hp: u32,
    down: bool,
    concentrating: bool,
    caster: bool,
}

fn foe(table: &Table, h: &str) -> Option<Foe> {
    let enc = table.encounter.as_ref()?;
    if let Some(c) = table.character(h) {
        return Some(Foe {
            ac: c.ac(),
            hp: c.health.current(),
            down: c.health.state() != LifeState::Conscious,
            concentrating: enc.concentration.contains_key(h),
            caster: c.spellcasting().is_some(),
        });
    }
    let m = enc.monster(h)?;
    Some(Foe {
        ac: m.data().map_or(10, |d| d.ac),
        hp: m.health.current(),
        down: m.health.state() != LifeState::Conscious,
        concentrating: enc.concentration.contains_key(h),
        caster: false,
    })
}

/// Expected damage of one of a monster's actions against a foe.
fn action_damage(m: &Monster, action: &Action, ac: i32, advantage: Advantage) -> f64 {
    if !action.multiattack.is_empty() {
        return action
            .multiattack
            .iter()
            .filter_map(|step| {
                let a = m.action(&step.action)?;
                Some(f64::from(step.count) * action_damage(m, a, ac, advantage))
            })
            .sum();
    }
    let dice: f64 = action.damage.iter().map(|d| average(&d.dice)).sum();
    match (&action.attack, &action.save) {
        (Some(attack), _) => {
            let p = hit_chance(attack.bonus, ac, advantage);
            // A critical doubles the dice: about 5 % more.
            dice * p * 1.05
        }
        (None, Some(save)) => {
            let fail = 0.6;
            let on_success = if save.on_success == OnSuccess::Half {
                0.5
            } else {
                0.0
            };
            dice * (fail + (1.0 - fail) * on_success)
        }
        (None, None) => 0.0,
    }
}

/// Whether an ally of `me` (another conscious monster) is engaged with `target`.
fn ally_engaged(table: &Table, me: &str, target: &str) -> bool {
    table.encounter.as_ref().is_some_and(|enc| {
        enc.monsters.iter().any(|m| {
            m.handle != me
                && m.health.state() == LifeState::Conscious
                && enc.distance(&m.handle, target) == Distance::Engaged
        })
    })
}

/// The least and the most a dice expression such as `2d6+3` comes to.
pub fn range(dice: &str) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0, 0.0);
    let mut sign = 1.0;
    for part in dice.replace('-', "+-").split('+') {
        let t = part.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, t),
        };
        let s = if neg { -sign } else { sign };
        let (a, b) = match t.split_once('d') {
            Some((n, d)) => {
                let n: f64 = if n.is_empty() {
                    1.0
                } else {
                    n.parse().unwrap_or(0.0)
                };
                let d: f64 = d.trim().parse().unwrap_or(0.0);
                (n, n * d)
            }
            None => {
                let v: f64 = t.parse().unwrap_or(0.0);
                (v, v)
            }
        };
        if s > 0.0 {
            lo += a;
            hi += b;
        } else {
            lo -= b;
            hi -= a;
        }
        sign = 1.0;
    }
    (lo.max(0.0), hi.max(0.0))
}

/// The chance that `hp` or more comes up between `lo` and `hi` (evenly spread).
fn at_least(hp: f64, lo: f64, hi: f64) -> f64 {
    if hp <= lo {
        1.0
    } else if hp > hi {
        0.0
    } else {
        (hi - hp + 1.0) / (hi - lo + 1.0)
    }
}

/// The chance that one use of `action` drops a foe with `hp` left.
fn kill_chance(m: &Monster, action: &Action, ac: i32, advantage: Advantage, hp: u32) -> f64 {
    let hp = f64::from(hp.max(1));
    if !action.multiattack.is_empty() {
        // Any one of its attacks may do it (ignoring that they add up).
        let spared: f64 = action
            .multiattack
            .iter()
            .filter_map(|step| {
                let a = m.action(&step.action)?;
                let p = kill_chance(m, a, ac, advantage, hp as u32);
                Some((1.0 - p).powi(i32::try_from(step.count).unwrap_or(1)))
            })
            .product();
        return 1.0 - spared;
    }
    let (lo, hi) = action
        .damage
        .iter()
        .map(|d| range(&d.dice))
        .fold((0.0, 0.0), |(a, b), (c, d)| (a + c, b + d));
    match (&action.attack, &action.save) {
        (Some(attack), _) => hit_chance(attack.bonus, ac, advantage) * at_least(hp, lo, hi),
        (None, Some(_)) => 0.6 * at_least(hp, lo, hi),
        (None, None) => 0.0,
    }
}

/// What hitting a foe is worth to a monster of intelligence `int`: the
/// damage that counts (not past its hit points), more for a likely kill.
fn worth(f: &Foe, damage: f64, kill: f64, int: u8) -> f64 {
    let hp = f64::from(f.hp.max(1));
    // A kill takes an attacker out of the fight.
    let mut v = damage.min(hp) + 8.0 * kill;
    if f.down {
        v *= 0.1;
    }
    if int >= 8 {
        if f.concentrating {
            v += 3.0;
        }
        if f.caster {
            v += 1.5;
        }
    }
    v
}

/// Whether the monster's nerve breaks: badly hurt and not mindless, or its
/// side has lost half its number and it is hurt.
fn morale_broken(table: &Table, me: &str, m: &Monster, int: u8) -> bool {
    let Some(enc) = table.encounter.as_ref() else {
        return false;
    };
    let Some(state) = enc.monster(me) else {
        return false;
    };
    let mindless = int <= 3 || ["undead", "construct", "ooze"].contains(&m.creature_type.as_str());
    if mindless {
        return false;
    }
    let hp = f64::from(state.health.current()) / f64::from(state.health.max().max(1));
    let total = enc.monsters.len().max(1);
    let lost = enc
        .monsters
        .iter()
        .filter(|x| x.health.state() == LifeState::Dead)
        .count();
    let side_broken = lost * 2 >= total && total > 1;
    (hp < 0.25 && int <= 7) || (hp < 0.5 && side_broken)
}

/// The tactician's score of `option` for `me` (higher is better).
pub fn score(table: &Table, me: &str, option: &TurnOption) -> f64 {
    let Some(enc) = table.encounter.as_ref() else {
        return 0.0;
    };
    let Some(m) = enc.monster(me).and_then(|s| s.data()) else {
        // A character run by the tactician: attack the weakest, else end.
        return match &option.action {
            Some(ActionOption::Attack { target, .. }) => {
                foe(table, &target.to_string()).map_or(0.0, |f| 10.0 - f64::from(f.hp).min(9.0))
            }
            _ => 0.0,
        };
    };
    let int = m.abilities[Ability::Intelligence].get();
    let broken = morale_broken(table, me, m, int);
    if option.id == "flee" {
        return if broken { 1_000.0 } else { -1.0 };
    }
    // Walking off from a foe in reach invites its opportunity attack.
    let risk = if option.provokes { 3.0 } else { 0.0 };
    let value = match &option.action {
        None => 1.0, // a dash toward a foe: better than standing still
        Some(ActionOption::Attack {
            attack,
            target,
            advantage,
            ..
        }) => {
            let t = target.to_string();
            let Some(f) = foe(table, &t) else {
                return 0.0;
            };
            let base = attack.strip_suffix("-thrown").unwrap_or(attack);
            let Some(action) = m
                .actions
                .iter()
                .find(|a| rules::automation::option_slug(&a.name) == base)
            else {
                return 0.0;
            };
            let mut adv = *advantage;
            let pack = m.traits.iter().any(|tr| tr.name == "Pack Tactics");
            if pack && ally_engaged(table, me, &t) {
                adv = match adv {
                    Advantage::Disadvantage => Advantage::Normal,
                    _ => Advantage::Advantage,
                };
            }
            let kill = kill_chance(m, action, f.ac, adv, f.hp);
            worth(&f, action_damage(m, action, f.ac, adv), kill, int)
        }
        Some(ActionOption::Special { action, .. }) => {
            let Some(a) = m
                .actions
                .iter()
                .find(|a| rules::automation::option_slug(&a.name) == *action)
            else {
                return 0.0;
            };
            let targets = crate::view::targets(option);
            targets
                .iter()
                .filter_map(|t| foe(table, t))
                .map(|f| {
                    let kill = kill_chance(m, a, f.ac, Advantage::Normal, f.hp);
                    worth(&f, action_damage(m, a, f.ac, Advantage::Normal), kill, int)
                })
                .sum()
        }
        Some(ActionOption::Cast { spell, slot, .. }) => {
            cast_value(table, me, m, spell, *slot, option, int)
        }
        Some(ActionOption::Dodge) => {
            if broken {
                5.0
            } else {
                0.5
            }
        }
        Some(ActionOption::Disengage | ActionOption::Help { .. }) => 0.3,
        Some(ActionOption::Grapple { .. } | ActionOption::Shove { .. }) => 0.4,
        Some(ActionOption::Hide) => 0.1,
        Some(ActionOption::Dash) => 0.2,
        Some(_) => 0.0,
    };
    value - risk
}

/// What casting `spell` with a slot of `slot` at the option's targets is
/// worth: its expected damage to foes (by attack roll or save), its healing
/// of badly hurt allies (more for one about to fall), a flat worth for
/// spells that hinder foes; less what the slot is worth kept.
fn cast_value(
    table: &Table,
    me: &str,
    m: &Monster,
    spell: &str,
    slot: u8,
    option: &TurnOption,
    int: u8,
) -> f64 {
    let (Some(data), Some(sc)) = (rules::content::spell(spell), m.spellcasting.as_ref()) else {
        return 0.0;
    };
    let targets = crate::view::targets(option);
    let level = rules::mechanics::SpellLevel::new(slot.max(1));
    let dice = |by_slot: &std::collections::BTreeMap<rules::mechanics::SpellLevel, String>,
                by_char: &std::collections::BTreeMap<u8, String>| {
        if let Some(d) = level
            .and_then(|l| by_slot.get(&l))
            .or_else(|| by_slot.values().next())
        {
            return d.clone();
        }
        by_char
            .iter()
            .filter(|(lvl, _)| **lvl <= sc.level)
            .map(|(_, d)| d.clone())
            .next_back()
            .unwrap_or_default()
    };
    // A slot is worth keeping for later, the higher the more.
    let cost = 1.2 * f64::from(slot);
    if let Some(damage) = &data.damage {
        let text = dice(&damage.by_slot_level, &damage.by_character_level);
        let (lo, hi) = range(&text);
        let avg = average(&text);
        let value: f64 = targets
            .iter()
            .filter_map(|t| foe(table, t).map(|f| (t, f)))
            .filter(|(t, _)| is_foe(table, me, t))
            .map(|(_, f)| {
                let (chance, kill) = match (&data.attack, &data.save) {
                    (Some(_), _) => {
                        let p = hit_chance(sc.attack_bonus, f.ac, Advantage::Normal);
                        (p, p * at_least(f64::from(f.hp.max(1)), lo, hi))
                    }
                    (None, Some(save)) => {
                        let half = save.on_success == Some(OnSuccess::Half);
                        (
                            0.6 + if half { 0.2 } else { 0.0 },
                            0.6 * at_least(f64::from(f.hp.max(1)), lo, hi),
                        )
                    }
                    (None, None) => (1.0, at_least(f64::from(f.hp.max(1)), lo, hi)),
                };
                worth(&f, avg * chance, kill, int)
            })
            .sum();
        return value - cost;
    }
    if let Some(healing) = &data.healing {
        let text = dice(&healing.by_slot_level, &std::collections::BTreeMap::new());
        let modifier = if healing.add_modifier {
            let score = i32::from(m.abilities[sc.ability].get());
            f64::from((score - 10).div_euclid(2))
        } else {
            0.0
        };
        let avg = average(&text) + modifier;
        let value: f64 = targets
            .iter()
            .filter(|t| !is_foe(table, me, t))
            .filter_map(|t| {
                let enc = table.encounter.as_ref()?;
                let h = enc.monster(t)?.health;
                let missing = f64::from(h.max().saturating_sub(h.current()));
                // Worth it for an ally badly hurt, not for a scratch; an
                // ally about to fall is kept in the fight.
                let frac = f64::from(h.current()) / f64::from(h.max().max(1));
                let saved = if frac < 0.25 { 6.0 } else { 0.0 };
                (frac < 0.6).then_some(avg.min(missing) * 1.5 + saved)
            })
            .sum();
        return value - cost;
    }
    // Hindering foes (Hold Person, Command): about a lost turn of theirs.
    let hinders = data.save.is_some() && targets.iter().any(|t| is_foe(table, me, t));
    if hinders {
        return 4.0 * targets.len() as f64 - cost;
    }
    0.1 - cost
}

fn is_foe(table: &Table, me: &str, other: &str) -> bool {
    table
        .encounter
        .as_ref()
        .is_some_and(|e| e.monster(me).is_some() != e.monster(other).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_and_chances() {
        assert!((average("2d6+3") - 10.0).abs() < 1e-9);
        assert!((average("1d8") - 4.5).abs() < 1e-9);
        assert!((average("3d10 - 2") - 14.5).abs() < 1e-9);
        assert!((hit_chance(4, 15, Advantage::Normal) - 0.5).abs() < 1e-9);
        assert!((hit_chance(4, 15, Advantage::Advantage) - 0.75).abs() < 1e-9);
        assert!((hit_chance(4, 15, Advantage::Disadvantage) - 0.25).abs() < 1e-9);
        assert!((hit_chance(20, 10, Advantage::Normal) - 0.95).abs() < 1e-9);
        assert!((hit_chance(0, 30, Advantage::Normal) - 0.05).abs() < 1e-9);
        assert_eq!(range("2d6+3"), (5.0, 15.0));
        assert_eq!(range("1d4-1"), (0.0, 3.0));
        assert!((at_least(3.0, 3.0, 8.0) - 1.0).abs() < 1e-9);
        assert!((at_least(8.0, 3.0, 8.0) - 1.0 / 6.0).abs() < 1e-9);
        assert!(at_least(9.0, 3.0, 8.0).abs() < 1e-9);
    }
}
