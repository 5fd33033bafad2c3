//! Theater-of-mind reach and range: who can be hit from where, with no grid.
//!
//! Each pair of combatants is engaged (within 5 ft), near (within about
//! 30 ft) or far. A melee attack needs its target engaged; a thrown weapon
//! or a ranged one reaches anyone (far beyond normal range, with
//! disadvantage, which the attack context already gives). A spell reaches
//! engaged targets from touch up, near ones from 10 ft up and far ones from
//! 60 ft up. An area spell hits at most as many creatures as the DMG's
//! table for areas without a grid gives (a 20-ft-radius sphere: 4).

use rules::content::{self, Area, RangeKind, Shape, Spell, WeaponKind, WeaponProperty};
use rules::mechanics::Distance;

use super::creatures::name_of;
use super::{Result, no};
use crate::table::Table;

fn distance(table: &Table, a: &str, b: &str) -> Distance {
    table
        .encounter
        .as_ref()
        .map_or(Distance::Engaged, |e| e.distance(a, b))
}

fn out_of_reach(table: &Table, me: &str, target: &str) -> super::Rejection {
    no(format!(
        "{} is out of reach of {} — `move engaged {target}` first",
        name_of(table, target),
        name_of(table, me)
    ))
}

/// A character's weapon attack on `target`.
pub(super) fn weapon(table: &Table, me: &str, target: &str, w: &content::Weapon) -> Result<()> {
    let melee_only = w.kind == WeaponKind::Melee && !w.has(WeaponProperty::Thrown);
    if melee_only && distance(table, me, target) != Distance::Engaged {
        return Err(out_of_reach(table, me, target));
    }
    Ok(())
}

/// A monster's attack action on `target`.
pub(super) fn action(table: &Table, me: &str, target: &str, a: &content::Action) -> Result<()> {
    let melee_only = a
        .attack
        .is_some_and(|x| x.kind == content::AttackKind::Melee);
    if melee_only && distance(table, me, target) != Distance::Engaged {
        return Err(out_of_reach(table, me, target));
    }
    Ok(())
}

/// The farthest band a spell's range reaches.
fn spell_reach(spell: &Spell) -> Distance {
    let feet = match spell.range.kind {
        RangeKind::Touch => 5,
        RangeKind::Caster => spell.area.map_or(0, |a| a.size_ft),
        RangeKind::Feet => spell.range.amount.unwrap_or(0),
        RangeKind::Mile | RangeKind::Sight | RangeKind::Unlimited | RangeKind::Special => u32::MAX,
    };
    match feet {
        0..10 => Distance::Engaged,
        10..60 => Distance::Near,
        _ => Distance::Far,
    }
}

/// How many creatures an area holds without a grid (DMG, "Targets in Areas
/// of Effect"): cone length ÷ 10, cube side ÷ 5, cylinder or sphere radius
/// ÷ 5, line length ÷ 30, rounded up, at least one.
pub(crate) fn area_capacity(area: &Area) -> usize {
    let per = match area.shape {
        Shape::Cone => 10,
        Shape::Cube | Shape::Cylinder | Shape::Sphere => 5,
        Shape::Line => 30,
    };
    usize::try_from(area.size_ft.div_ceil(per).max(1)).unwrap_or(usize::MAX)
}

/// A spell cast by `me` on `targets`.
pub(super) fn spell(table: &Table, me: &str, spell: &Spell, targets: &[String]) -> Result<()> {
    let reach = spell_reach(spell);
    for t in targets.iter().filter(|t| *t != me) {
        if distance(table, me, t).band() > reach.band() {
            return Err(no(format!(
                "{} is out of range of {} — move closer first",
                name_of(table, t),
                spell.name
            )));
        }
    }
    if let Some(area) = &spell.area {
        let most = area_capacity(area);
        if targets.len() > most {
            return Err(no(format!(
                "{}'s {} ft {} holds at most {most} creature{} without a grid",
                spell.name,
                area.size_ft,
                shape_name(area.shape),
                if most == 1 { "" } else { "s" }
            )));
        }
    }
    Ok(())
}

fn shape_name(shape: Shape) -> &'static str {
    match shape {
        Shape::Cone => "cone",
        Shape::Cube => "cube",
        Shape::Cylinder => "cylinder",
        Shape::Line => "line",
        Shape::Sphere => "sphere",
    }
}

/// Whether `me` reaches `targets` with `spell` from where everyone stands.
pub(crate) fn spell_in_reach(table: &Table, me: &str, spell: &Spell, targets: &[String]) -> bool {
    self::spell(table, me, spell, targets).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dmg_area_table() {
        let a = |shape, size_ft| area_capacity(&Area { shape, size_ft });
        assert_eq!(a(Shape::Sphere, 20), 4); // Fireball
        assert_eq!(a(Shape::Cone, 15), 2); // Burning Hands
        assert_eq!(a(Shape::Line, 100), 4); // Lightning Bolt
        assert_eq!(a(Shape::Cube, 15), 3); // Thunderwave
        assert_eq!(a(Shape::Sphere, 5), 1);
        assert_eq!(a(Shape::Cylinder, 10), 2);
        assert_eq!(a(Shape::Cylinder, 5), 1); // Moonbeam
    }
}
