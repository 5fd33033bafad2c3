//! A simple built-in choice for a combatant's turn, used by the console for
//! monsters (and, in the demo, for everyone) until the monster planner
//! takes over: heal a fallen ally if it can, otherwise attack the weakest
//! foe it is engaged with, or the nearest one; then end the turn.

use rules::mechanics::{Distance, LifeState};

use crate::command::{Command, DmCommand, Simple};
use crate::encounter::Encounter;
use crate::table::Table;
use rules::dice::Advantage;

/// The commands that play the current combatant's turn, as its controller
/// sends them: `(as_dm, command)` — monsters' commands go through `dm as`.
/// Empty when no fight is on or it has not started.
pub fn turn(table: &Table) -> Vec<(bool, Command)> {
    let Some(enc) = &table.encounter else {
        return Vec::new();
    };
    let Some(me) = enc.current() else {
        return Vec::new();
    };
    let monster = enc.monster(me).is_some();
    let wrap = |c: Command| {
        if monster {
            (
                true,
                Command::Dm(DmCommand::As {
                    monster: me.to_string(),
                    command: Box::new(c),
                }),
            )
        } else {
            (false, c)
        }
    };
    let mut out = Vec::new();
    let state = life(table, enc, me);
    match state {
        Some(LifeState::Dying { .. }) => out.push((false, Command::DeathSave)),
        Some(LifeState::Conscious) => {
            if let Some(c) = heal_fallen(table, enc, me) {
                // Cure Wounds is a touch: get there first (Healing Word reaches).
                if let Command::Cast { spell, targets, .. } = &c
                    && spell == "cure-wounds"
                    && let Some(fallen) = targets.first()
                    && enc.distance(me, fallen) != Distance::Engaged
                {
                    out.push((
                        false,
                        Command::Move {
                            to: Distance::Engaged,
                            target: fallen.clone(),
                        },
                    ));
                }
                out.push((false, c));
            } else if let Some(foe) = pick_foe(table, enc, me) {
                if let Some(cantrip) = attack_cantrip(table, me) {
                    out.push((
                        false,
                        Command::Cast {
                            spell: cantrip.into(),
                            targets: vec![foe],
                            level: None,
                            choice: None,
                        },
                    ));
                    out.push((monster, Command::EndTurn));
                    return out;
                }
                if enc.distance(me, &foe) != Distance::Engaged && melee_first(table, enc, me) {
                    let far = enc.distance(me, &foe) == Distance::Far;
                    if far {
                        // Two steps away: dash to close in, no attack this turn.
                        out.push(wrap(Command::Act(Simple::Dash)));
                    }
                    out.push(wrap(Command::Move {
                        to: Distance::Engaged,
                        target: foe.clone(),
                    }));
                    if far {
                        out.push((monster, Command::EndTurn));
                        return out;
                    }
                }
                let attacks = attacks_per_turn(table, me);
                for i in 0..attacks {
                    let Some(weapon) = weapon_for(table, me, i == 0) else {
                        break;
                    };
                    out.push(wrap(Command::Attack {
                        weapon,
                        targets: vec![foe.clone()],
                        advantage: Advantage::Normal,
                    }));
                }
            }
        }
        _ => {}
    }
    out.push((monster, Command::EndTurn));
    out
}

fn life(table: &Table, enc: &Encounter, h: &str) -> Option<LifeState> {
    table
        .character(h)
        .map(|c| c.health.state())
        .or_else(|| enc.monster(h).map(|m| m.health.state()))
}

fn hp(table: &Table, enc: &Encounter, h: &str) -> u32 {
    table
        .character(h)
        .map(|c| c.health.current())
        .or_else(|| enc.monster(h).map(|m| m.health.current()))
        .unwrap_or(0)
}

/// A healer with Healing Word or Cure Wounds and a slot brings a dying ally back.
fn heal_fallen(table: &Table, enc: &Encounter, me: &str) -> Option<Command> {
    let c = table.character(me)?;
    let spell = ["healing-word", "cure-wounds"]
        .into_iter()
        .find(|s| c.spells.iter().any(|k| k == s))?;
    // The lowest slot left at or above the spell's level.
    let base = rules::content::spell(spell).map_or(1, |s| s.level.max(1));
    let slot = (base..=9u8).find(|l| {
        rules::mechanics::SpellLevel::new(*l).is_some_and(|lvl| c.slots.remaining(lvl) > 0)
    })?;
    let fallen = enc.order.iter().map(|s| s.handle.as_str()).find(|h| {
        table
            .character(h)
            .is_some_and(|x| x.health.state().is_down())
    })?;
    Some(Command::Cast {
        spell: spell.into(),
        targets: vec![fallen.to_string()],
        level: Some(slot),
        choice: None,
    })
}

/// The weakest foe in reach, else the nearest (ties: initiative order).
fn pick_foe(table: &Table, enc: &Encounter, me: &str) -> Option<String> {
    let my_side = enc.monster(me).is_some();
    let foes: Vec<&str> = enc
        .order
        .iter()
        .map(|s| s.handle.as_str())
        .filter(|h| enc.monster(h).is_some() != my_side)
        .filter(|h| life(table, enc, h) == Some(LifeState::Conscious))
        .collect();
    let engaged = foes
        .iter()
        .filter(|h| enc.distance(me, h) == Distance::Engaged)
        .min_by_key(|h| hp(table, enc, h));
    engaged
        .or_else(|| foes.iter().min_by_key(|h| hp(table, enc, h)))
        .map(|h| (*h).to_string())
}

/// Whether its default attack is a melee one (then it closes in first).
fn melee_first(table: &Table, enc: &Encounter, me: &str) -> bool {
    if let Some(c) = table.character(me) {
        return c
            .weapons
            .first()
            .and_then(|w| rules::content::weapon(w))
            .is_some_and(|w| w.kind == rules::content::WeaponKind::Melee);
    }
    enc.monster(me)
        .and_then(|m| m.data())
        .and_then(|m| m.actions.iter().find(|a| a.attack.is_some()))
        .and_then(|a| a.attack)
        .is_some_and(|a| a.kind != rules::content::AttackKind::Ranged)
}

/// The weapon for an attack: a monster's default action (empty), or a
/// character's first weapon it can use now, a loading one only for the
/// action's first attack (`first`), empty when that is its default (first)
/// weapon. None: nothing it carries can attack.
fn weapon_for(table: &Table, me: &str, first: bool) -> Option<String> {
    let Some(c) = table.character(me) else {
        return Some(String::new());
    };
    let usable = |w: &&rules::content::Weapon| {
        c.cannot_attack_with(w).is_none()
            && (first || !w.has(rules::content::WeaponProperty::Loading))
    };
    let mut carried = c.weapons.iter().filter_map(|w| rules::content::weapon(w));
    if carried.next().is_some_and(|w| usable(&w)) {
        return Some(String::new());
    }
    carried.find(usable).map(|w| w.id.clone())
}

/// Attacks in one Attack action (Extra Attack); a monster's multiattack is one command.
fn attacks_per_turn(table: &Table, me: &str) -> u32 {
    table.character(me).map_or(1, |c| c.attacks_per_action())
}

/// A damaging cantrip a caster knows, which it prefers to its weapon.
fn attack_cantrip(table: &Table, me: &str) -> Option<&'static str> {
    let c = table.character(me)?;
    [
        "fire-bolt",
        "eldritch-blast",
        "sacred-flame",
        "produce-flame",
        "ray-of-frost",
        "vicious-mockery",
    ]
    .into_iter()
    .find(|s| c.spells.iter().any(|k| k == s))
}
