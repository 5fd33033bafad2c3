//! Attacks: a weapon attack (off hand too), a monster's attack action
//! or its saving-throw area action, on the attacker's turn or readied.

use std::borrow::Cow;

use rules::automation::{self, CastFigures, Target, features};
use rules::content::{self, WeaponProperty};
use rules::dice::Advantage;

use super::Dice;
use rules::mechanics::{Ability, Distance, LifeState};

use super::creatures::{
    conditions, enc_monster, health, monster_of, name_of, resolve, target, team,
};
use super::economy::{my_turn, spend_action_or_haste, spend_bonus};
use super::outcome::land;
use super::spells::cast;
use super::{Result, classes, limits, no, racial, reach, reactions};
use crate::character::Character;
use crate::command::Command;
use crate::encounter::{Encounter, ReadyWhen};
use crate::event::{Line, Reply};
use crate::table::Table;

pub(super) fn targets_of(table: &Table, names: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for n in names {
        let h = resolve(table, n)?;
        if health(table, &h).is_some_and(|h| h.state() == LifeState::Dead) {
            return Err(no(format!("{} is dead", name_of(table, &h))));
        }
        if !out.contains(&h) {
            out.push(h);
        }
    }
    Ok(out)
}

/// The nearest living foe, for an attack with no target named.
fn default_target(table: &Table, me: &str) -> Option<String> {
    let mine = team(table, me);
    let enc = table.encounter.as_ref()?;
    enc.order
        .iter()
        .map(|s| s.handle.clone())
        .filter(|h| team(table, h) != mine)
        .filter(|h| health(table, h).is_some_and(|x| x.state() != LifeState::Dead))
        .min_by_key(|h| match enc.distance(me, h) {
            Distance::Engaged => 0,
            Distance::Near => 1,
            Distance::Far => 2,
        })
}

/// How an attack or a spell comes about, which decides what it spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Via {
    /// As commanded: the action (or an attack left in it), or the spell's
    /// casting time, on the actor's turn unless it is a reaction spell.
    Normal,
    /// A readied attack or spell going off: the reaction, off turn, and
    /// for a spell no slot (spent when it was readied).
    Readied,
    /// Two-weapon fighting's attack with the other hand: the bonus action.
    OffHand,
}

/// A monster's saving-throw action on everyone it covers: recharged or
/// with uses left, the action spent, damage rolled once and a save each.
fn area_action(
    table: &mut Table,
    me: &str,
    m: &'static content::Monster,
    action: &'static content::Action,
    handles: &[String],
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let name = name_of(table, me);
    if conditions(table, me).is_incapacitated() {
        return Err(no(format!("{name} can't act (incapacitated)")));
    }
    let ready = enc_monster(table, me).is_some_and(|s| s.resources.ready(&action.name));
    if !ready {
        return Err(no(format!(
            "{name}'s {} is not ready (it recharges or is used up)",
            action.name
        )));
    }
    if let Some(far) = handles.iter().find(|h| {
        table
            .encounter
            .as_ref()
            .is_some_and(|e| e.distance(me, h) == Distance::Far)
    }) {
        return Err(no(format!(
            "{} is out of range of {}",
            name_of(table, far),
            action.name
        )));
    }
    let ts: Vec<Target> = handles.iter().map(|h| target(table, h, me)).collect();
    let resolutions =
        automation::run_area_action(m, action, None, &ts, dice).map_err(|e| no(e.to_string()))?;
    spend_action_or_haste(table, me, false)?;
    if let Some(state) = table.encounter.as_mut().and_then(|e| e.monster_mut(me)) {
        state
            .resources
            .spend(&action.name, 0)
            .map_err(|e| no(e.to_string()))?;
    }
    reply.say(format!("{name} uses {}.", action.name));
    land(
        table,
        me,
        handles,
        &resolutions,
        Some((CastFigures::default(), false)),
        dice,
        reply,
    );
    Ok(())
}

/// An attack, an off-hand attack or a spell, carried out the way `via`
/// says (on the actor's turn, or as a readied reaction).
pub(super) fn attack_or_cast(
    table: &mut Table,
    me: &str,
    command: &Command,
    via: Via,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    match command {
        Command::Attack {
            weapon,
            targets,
            advantage,
        } => attack(table, me, weapon, targets, *advantage, via, dice, reply),
        Command::OffHand {
            weapon,
            targets,
            advantage,
        } => attack(
            table,
            me,
            weapon,
            targets,
            *advantage,
            Via::OffHand,
            dice,
            reply,
        ),
        Command::Cast {
            spell,
            targets,
            level,
            choice,
        } => cast(
            table,
            me,
            spell,
            targets,
            *level,
            choice.clone(),
            via,
            dice,
            reply,
        ),
        _ => Err(no("only an attack or a spell can be carried out here")),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn attack(
    table: &mut Table,
    me: &str,
    weapon: &str,
    targets: &[String],
    advantage: Advantage,
    via: Via,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    if table.encounter.as_ref().is_none_or(|e| e.round == 0) {
        return Err(no(
            "attacks happen in a fight — the DM starts one with `dm encounter`, then `n`",
        ));
    }
    if via != Via::Readied {
        my_turn(table, me)?;
    }
    let mut handles = targets_of(table, targets)?;
    if handles.is_empty() {
        handles
            .push(default_target(table, me).ok_or_else(|| no("name a target: `a WEAPON -t g1`"))?);
    }
    // A monster's saving-throw action (a breath weapon) covers an area.
    if via == Via::Normal
        && let Some(m) = monster_of(table, me)
        && let Ok(action) = find_action(m, weapon)
        && action.attack.is_none()
        && action.multiattack.is_empty()
        && action.save.is_some()
    {
        return area_action(table, me, m, action, &handles, dice, reply);
    }
    // A dragonborn's breath weapon covers an area too.
    if via == Via::Normal && racial::names_breath(weapon) && table.character(me).is_some() {
        return racial::breath(table, me, &handles, dice, reply);
    }
    if handles.len() > 1 {
        return Err(no("one target per attack — attack again for the next"));
    }
    let target_handle = handles[0].clone();
    if conditions(table, me).is_incapacitated() {
        return Err(no(format!(
            "{} can't act (incapacitated)",
            name_of(table, me)
        )));
    }
    // The Attack action: the first attack spends it; Extra Attack leaves more.
    let left = table
        .encounter
        .as_ref()
        .and_then(|e| e.attacks_left.get(me).copied())
        .unwrap_or(0);
    let mut adv = advantage;
    if let Some(enc) = table.encounter.as_mut()
        && enc.helped.contains(&target_handle)
    {
        enc.helped.retain(|d| d != &target_handle);
        adv = Advantage::from_sources(
            1 + usize::from(adv == Advantage::Advantage),
            usize::from(adv == Advantage::Disadvantage),
        );
    }
    // The Grappler feat: advantage on attacks against a creature it grapples.
    if classes::grappling_with_feat(table, me, &target_handle) {
        adv = Advantage::from_sources(
            1 + usize::from(adv == Advantage::Advantage),
            usize::from(adv == Advantage::Disadvantage),
        );
    }
    let t = target(table, &target_handle, me);
    let mut wielded = None;
    let (mut resolutions, per_action) = if let Some(c) = table.character(me).cloned() {
        let found = if via == Via::OffHand {
            classes::off_hand_weapon(table, &c, weapon)?
        } else {
            find_weapon(&c, weapon)?
        };
        let w: &content::Weapon = &found;
        if let Some(why) = c.cannot_attack_with(w) {
            return Err(no(why));
        }
        // Loading: one shot per action, whatever Extra Attack leaves.
        if via == Via::Normal
            && left > 0
            && w.has(WeaponProperty::Loading)
            && table
                .encounter
                .as_ref()
                .is_some_and(|e| e.loaded_fired.iter().any(|h| h == me))
        {
            return Err(no(format!(
                "{}'s {} fires once per action (loading) — attack with another weapon, or `n`",
                c.name,
                w.name.to_lowercase()
            )));
        }
        reach::weapon(table, me, &target_handle, w)?;
        wielded = Some(found.clone());
        let ability = weapon_ability(&c, w);
        let two_handed = w.versatile_damage.is_some() && !c.shield;
        // A magic weapon's bonus (+1) goes to the attack roll and the damage.
        let magic = c.magic_bonus.get(&w.id).copied().unwrap_or(0);
        let to_hit = c.proficiency() + magic;
        let mut tree = if via == Via::OffHand {
            features::off_hand_attack(w, c.modifier(ability), to_hit, true)
        } else {
            features::weapon_attack(w, c.modifier(ability), to_hit, true, two_handed)
        };
        features::add_flat_damage(&mut tree, magic);
        classes::add_rage_damage(table, &c, w, ability, &mut tree);
        let mut ctx = features::weapon_context(w, c.class_level());
        ctx.advantage = adv;
        ctx.conditions = conditions(table, me);
        if let Some(enc) = &table.encounter {
            ctx.modifiers =
                enc.board
                    .modifiers_toward(&Encounter::id(me), &Encounter::id(&target_handle), &t);
        }
        let out = automation::run(&tree, &ctx, std::slice::from_ref(&t), dice)
            .map_err(|e| no(e.to_string()))?;
        (out, c.attacks_per_action())
    } else {
        let m = monster_of(table, me).ok_or_else(|| no("no such creature"))?;
        let action = find_action(m, weapon)?;
        reach::action(table, me, &target_handle, action)?;
        let out =
            automation::run_action(m, action, &t, adv, dice).map_err(|e| no(e.to_string()))?;
        (out, 1)
    };
    if via == Via::Readied {
        reactions::spend_reaction(table, me)?;
    } else if via == Via::OffHand {
        spend_bonus(table, me)?;
    } else if left > 0 {
        if let Some(enc) = table.encounter.as_mut() {
            enc.attacks_left.insert(me.to_string(), left - 1);
        }
    } else {
        let hasted = spend_action_or_haste(table, me, true)?;
        // Slow, or Haste's extra action: one attack, whatever Extra Attack allows.
        let per_action = if hasted || limits::limits(table, me).one_attack {
            1
        } else {
            per_action
        };
        if let Some(enc) = table.encounter.as_mut() {
            enc.attacks_left
                .insert(me.to_string(), per_action.saturating_sub(1));
        }
    }
    if let Some(w) = &wielded {
        classes::note_light_attack(table, me, w, via);
        fired(table, me, w, via == Via::Normal && left == 0);
    }
    if team(table, &target_handle) != team(table, me) {
        classes::keep_rage(table, me);
    }
    reactions::shield(table, me, &target_handle, &mut resolutions, dice, reply);
    if let Some(w) = &wielded {
        classes::sneak_attack(
            table,
            me,
            w,
            &target_handle,
            &t,
            &mut resolutions,
            dice,
            reply,
        );
    }
    let figures = CastFigures::default();
    land(
        table,
        me,
        &[target_handle],
        &resolutions,
        Some((figures, false)),
        dice,
        reply,
    );
    if let Some(enc) = table.encounter.as_mut() {
        let used = enc
            .board
            .used(&Encounter::id(me), content::UsedBy::OwnAttack);
        for e in used {
            reply.lines.push(Line::Effect {
                target: e.on.as_str().to_string(),
                what: e.name,
                began: false,
            });
        }
    }
    let left = table
        .encounter
        .as_ref()
        .and_then(|e| e.attacks_left.get(me).copied())
        .unwrap_or(0);
    if left > 0 && via == Via::Normal {
        reply.say(format!("{left} more attack(s) this action."));
    }
    reactions::fire_readied(table, me, ReadyWhen::Attacks, None, dice, reply);
    Ok(())
}

/// Spends the piece of ammunition `w` fires and notes the shot of a
/// loading weapon (`new_action`: this attack began an Attack action, so an
/// earlier action's shot no longer counts).
fn fired(table: &mut Table, me: &str, w: &content::Weapon, new_action: bool) {
    let spent = table.character_mut(me).and_then(|c| c.spend_ammo(w));
    let Some(enc) = table.encounter.as_mut() else {
        return;
    };
    if let Some(id) = spent {
        *enc.ammo_spent
            .entry(me.to_string())
            .or_default()
            .entry(id)
            .or_default() += 1;
    }
    if new_action {
        enc.loaded_fired.retain(|h| h != me);
    }
    if w.has(WeaponProperty::Loading) && !enc.loaded_fired.iter().any(|h| h == me) {
        enc.loaded_fired.push(me.to_string());
    }
}

pub(super) fn find_weapon(c: &Character, query: &str) -> Result<Cow<'static, content::Weapon>> {
    c.weapon(query).ok_or_else(|| {
        no(format!(
            "{} has no weapon `{query}` — carries: {}",
            c.name,
            c.weapons.join(", ")
        ))
    })
}

fn weapon_ability(c: &Character, w: &content::Weapon) -> Ability {
    use rules::content::WeaponKind;
    let (s, d) = (
        c.modifier(Ability::Strength),
        c.modifier(Ability::Dexterity),
    );
    if w.kind == WeaponKind::Ranged || (w.has(WeaponProperty::Finesse) && d > s) {
        Ability::Dexterity
    } else {
        Ability::Strength
    }
}

pub(super) fn find_action<'m>(m: &'m content::Monster, query: &str) -> Result<&'m content::Action> {
    let q = query.trim().to_lowercase();
    let attacks = || {
        m.actions
            .iter()
            .filter(|a| a.attack.is_some() || !a.multiattack.is_empty())
    };
    let found = if q.is_empty() {
        m.actions
            .iter()
            .find(|a| !a.multiattack.is_empty())
            .or_else(|| attacks().next())
    } else {
        m.actions
            .iter()
            .find(|a| a.name.to_lowercase() == q)
            .or_else(|| {
                m.actions
                    .iter()
                    .find(|a| a.name.to_lowercase().starts_with(&q))
            })
    };
    found.ok_or_else(|| {
        let names: Vec<&str> = m.actions.iter().map(|a| a.name.as_str()).collect();
        no(format!(
            "{} has no action `{query}` — it has: {}",
            m.name,
            names.join(", ")
        ))
    })
}
