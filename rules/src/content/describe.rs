//! Automation trees in one line of text, for lookups and replies:
//! `+4 to hit → 2d4+2 slashing, DC 10 CON save: fail → Paralyzed by Ghoul
//! (paralyzed; 10 rounds; CON save ends at end of turn)`.

use std::fmt::Write as _;

use super::{Effect, Lasting, Modifiers, Ongoing, TurnPoint};

/// The whole tree as one line.
pub fn summary(effects: &[Effect]) -> String {
    effects.iter().map(one).collect::<Vec<_>>().join(", ")
}

/// Whether the tree does more than roll to hit or save and deal damage:
/// conditions, ongoing effects, riders limited to some targets, missiles.
pub fn has_riders(effects: &[Effect]) -> bool {
    effects.iter().any(|e| match e {
        Effect::Apply(_) | Effect::Only(_) | Effect::Split(_) | Effect::TempHp(_) => true,
        Effect::Attack(a) => {
            a.note.is_some()
                || a.crit_dice.is_some()
                || !a.advantage_if.is_empty()
                || a.advantage_if_effect.is_some()
                || !a.auto_hit_if.is_empty()
                || a.auto_hit_if_effect.is_some()
                || a.hit.iter().any(|e| matches!(e, Effect::Save(_)))
                || has_riders(&a.hit)
                || has_riders(&a.miss)
        }
        Effect::Save(s) => {
            has_riders(&s.fail)
                || has_riders(&s.success)
                || !s.fail_by_5.is_empty()
                || s.immunity_rounds.is_some()
        }
        Effect::Choice(c) => c.options.iter().any(|o| has_riders(&o.effects)),
        Effect::Pool(_)
        | Effect::Remove(_)
        | Effect::Revive(_)
        | Effect::Stabilize
        | Effect::Push(_)
        | Effect::BreakConcentration
        | Effect::Kill
        | Effect::HealSelf(_)
        | Effect::Contest(_)
        | Effect::LoseHp(_) => true,
        Effect::Damage(_) | Effect::Heal(_) => false,
        Effect::Table(_) | Effect::Drop => true,
    })
}

fn one(effect: &Effect) -> String {
    match effect {
        Effect::Attack(a) => {
            let mut s = match a.bonus {
                Some(b) => format!("{b:+} to hit → {}", summary(&a.hit)),
                None => format!("spell attack → {}", summary(&a.hit)),
            };
            if !a.miss.is_empty() {
                let _ = write!(s, "; miss → {}", summary(&a.miss));
            }
            more_attack(a, &mut s);
            s
        }
        Effect::Save(save) => {
            let dc = save
                .dc
                .map_or_else(|| "spell DC".to_string(), |dc| format!("DC {dc}"));
            let mut s = format!("{dc} {} save", save.ability.abbreviation());
            if !save.fail.is_empty() {
                let _ = write!(s, ": fail → {}", summary(&save.fail));
            }
            if !save.fail_by_5.is_empty() {
                let _ = write!(s, "; fail by 5 → {}", summary(&save.fail_by_5));
            }
            if !save.success.is_empty() {
                let _ = write!(s, "; success → {}", summary(&save.success));
            }
            if let Some(rounds) = save.immunity_rounds {
                let _ = write!(s, "; immune for {} after a success", rounds_text(rounds));
            }
            if !save.disadvantage_types.is_empty() {
                let _ = write!(
                    s,
                    "; {} save with disadvantage",
                    save.disadvantage_types.join(" and ")
                );
            }
            s
        }
        Effect::Damage(d) => {
            let kind = d
                .damage_type
                .map_or_else(|| "damage of a chosen type".to_string(), |t| t.to_string());
            let mut s = format!(
                "{}{} {kind}",
                d.amount.dice,
                plus(d.amount.add_modifier, d.amount.add_level)
            );
            if d.half {
                s.push_str(" (half)");
            }
            if let Some(note) = &d.note {
                let _ = write!(s, " ({note})");
            }
            s
        }
        Effect::Heal(h) => format!(
            "heal {}{}",
            h.amount.dice,
            plus(h.amount.add_modifier, h.amount.add_level)
        ),
        Effect::TempHp(t) => format!(
            "{}{} temporary HP",
            t.amount.dice,
            plus(t.amount.add_modifier, t.amount.add_level)
        ),
        Effect::Apply(a) => {
            let who = if a.on_self { "self: " } else { "" };
            format!("{who}{}", ongoing(&a.effect))
        }
        Effect::Split(s) => format!("{} × ({})", s.count.base, summary(&s.each)),
        Effect::Only(o) => {
            let mut only = Vec::new();
            if let Some(size) = o.max_size {
                only.push(format!("{size} or smaller"));
            }
            if !o.types.is_empty() {
                only.push(o.types.join(" or "));
            }
            if !o.not_types.is_empty() {
                only.push(format!("not {}", o.not_types.join(" or ")));
            }
            if let Some(hp) = o.max_hp {
                only.push(format!("{hp} HP or fewer"));
            }
            if let Some(hp) = o.min_hp {
                only.push(format!("{hp} HP or more"));
            }
            if let Some(int) = o.max_intelligence {
                only.push(format!("Intelligence {int} or less"));
            }
            if let Some(int) = o.min_intelligence {
                only.push(format!("Intelligence {int} or more"));
            }
            if o.concentrating {
                only.push("concentrating".into());
            }
            if let Some(name) = &o.without {
                only.push(format!("not already under {name}"));
            }
            only.extend(more_only(o));
            format!("if {}: {}", only.join(", "), summary(&o.then))
        }
        Effect::Choice(c) => {
            let options: Vec<String> = c
                .options
                .iter()
                .map(|o| format!("{} → {}", o.name, summary(&o.effects)))
                .collect();
            format!("one of: {}", options.join(" | "))
        }
        Effect::Pool(p) => format!(
            "{} HP pool, lowest HP first: {}",
            p.amount.dice,
            summary(&p.then)
        ),
        Effect::Remove(r) => {
            let mut names: Vec<String> = r.conditions.iter().map(ToString::to_string).collect();
            names.extend(r.effects.iter().cloned());
            format!("ends {}", names.join(", "))
        }
        Effect::Revive(r) => format!("back to life with {} HP", r.hp),
        Effect::Stabilize => "stabilized".into(),
        Effect::BreakConcentration => "concentration broken".into(),
        Effect::Push(p) if p.feet >= 0 => format!("pushed {} ft.", p.feet),
        Effect::Push(p) => format!("pulled {} ft.", -p.feet),
        Effect::Kill => "dies".into(),
        Effect::HealSelf(h) => {
            let part = if h.half { "half" } else { "all" };
            match h.damage_type {
                Some(t) => format!("attacker heals {part} the {t} damage"),
                None => format!("attacker heals {part} the damage"),
            }
        }
        Effect::Contest(c) => {
            let names: Vec<&str> = c.against.iter().map(|a| a.abbreviation()).collect();
            let bonus = c
                .bonus
                .map_or_else(|| "spellcasting modifier".to_string(), |b| format!("{b:+}"));
            let mut s = format!("contest {bonus} vs {}", names.join("/"));
            if !c.win.is_empty() {
                let _ = write!(s, ": win → {}", summary(&c.win));
            }
            if !c.lose.is_empty() {
                let _ = write!(s, "; lose → {}", summary(&c.lose));
            }
            s
        }
        Effect::LoseHp(l) => format!("loses {} HP", l.amount.dice),
        Effect::Table(t) => {
            let rows: Vec<String> = t
                .rows
                .iter()
                .map(|r| {
                    let roll = if r.min == r.max {
                        r.min.to_string()
                    } else {
                        format!("{}-{}", r.min, r.max)
                    };
                    let what = if r.effects.is_empty() {
                        "nothing".to_string()
                    } else {
                        summary(&r.effects)
                    };
                    format!("{roll} → {what}")
                })
                .collect();
            format!("roll {}: {}", t.dice, rows.join(" | "))
        }
        Effect::Drop => "drops what it holds".into(),
    }
}

fn plus(modifier: bool, level: bool) -> &'static str {
    match (modifier, level) {
        (true, true) => " + modifier + level",
        (true, false) => " + modifier",
        (false, true) => " + level",
        (false, false) => "",
    }
}

fn rounds_text(rounds: u32) -> String {
    match rounds {
        14400 => "24 hours".into(),
        600 => "1 hour".into(),
        10 => "1 minute".into(),
        n if n % 600 == 0 => format!("{} hours", n / 600),
        n if n % 10 == 0 => format!("{} minutes", n / 10),
        1 => "1 round".into(),
        n => format!("{n} rounds"),
    }
}

fn ongoing(o: &Ongoing) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !o.conditions.is_empty() {
        parts.push(
            o.conditions
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    parts.extend(modifiers(&o.modifiers));
    if o.drain {
        parts.push("max HP falls by the damage".into());
    }
    if let Some(each) = &o.each_turn {
        let when = match each.when {
            TurnPoint::Start => "start",
            TurnPoint::End => "end",
        };
        let how = if each.once {
            "once at the"
        } else {
            "each turn at the"
        };
        parts.push(format!("{how} {when}: {}", summary(&each.effects)));
    }
    if let Some(d) = o.duration {
        parts.push(match d {
            Lasting::Rounds { rounds } => rounds_text(rounds),
            Lasting::StartOfSourceTurn => "until the start of the source's next turn".into(),
            Lasting::EndOfSourceTurn => "until the end of the source's next turn".into(),
            Lasting::StartOfOwnTurn => "until the start of its next turn".into(),
            Lasting::EndOfOwnTurn => "until the end of its next turn".into(),
            Lasting::EndOfThisTurn => "until the end of its turn".into(),
        });
    }
    if let Some(s) = o.save_ends {
        let when = match s.when {
            TurnPoint::Start => "start",
            TurnPoint::End => "end",
        };
        if !s.damage_only {
            let unseen = if s.out_of_sight {
                " out of the source's sight"
            } else {
                ""
            };
            let whose = if s.on_source_turn {
                "the source's "
            } else {
                ""
            };
            parts.push(format!(
                "{} save ends at {when} of {whose}turn{unseen}",
                s.ability.abbreviation()
            ));
        }
        if s.on_damage {
            let with = if s.advantage_on_damage {
                " (with advantage)"
            } else {
                ""
            };
            parts.push(format!(
                "{} save{with} when damaged ends it",
                s.ability.abbreviation()
            ));
        }
    }
    if let Some(dc) = o.escape_dc {
        parts.push(format!("escape DC {dc}"));
    } else if o.escape_at_save_dc {
        parts.push("escape at the save DC".into());
    }
    if let Some(a) = &o.max_hp_amount {
        parts.push(format!("max HP +{}", a.dice));
    }
    if o.removed {
        parts.push("out of the fight".into());
    }
    if let Some(g) = &o.grants {
        let how = if g.bonus_action {
            "bonus action"
        } else {
            "action"
        };
        let ends = if g.ends_effect { ", which ends it" } else { "" };
        parts.push(format!(
            "{how} on later turns: {}{ends}",
            summary(&g.effects)
        ));
    }
    if o.ends_on_damage {
        parts.push("ends on damage".into());
    }
    if o.used_by.is_some() {
        parts.push("used up by the next roll".into());
    }
    parts.extend(more_parts(o));
    if let Some(b) = o.behaviour {
        parts.push(b.name().replace('_', " "));
    }
    if parts.is_empty() {
        o.name.clone()
    } else {
        format!("{} ({})", o.name, parts.join("; "))
    }
}

fn modifiers(m: &Modifiers) -> Vec<String> {
    let mut out = Vec::new();
    if m.ac != 0 {
        out.push(format!("AC {:+}", m.ac));
    }
    if let Some(floor) = m.ac_floor {
        out.push(format!("AC at least {floor}"));
    }
    if let Some(base) = m.ac_base {
        out.push(format!("AC {base} + Dex"));
    }
    for (what, dice) in [
        ("attacks", &m.attack_dice),
        ("saves", &m.save_dice),
        ("checks", &m.check_dice),
    ] {
        if let Some(d) = dice {
            let d = if d.starts_with('-') {
                d.clone()
            } else {
                format!("+{d}")
            };
            out.push(format!("{what} {d}"));
        }
    }
    match m.attacks.signum() {
        1 => out.push("advantage on attacks".into()),
        -1 => out.push("disadvantage on attacks".into()),
        _ => {}
    }
    match m.attacked.signum() {
        1 => out.push("attacks against it have advantage".into()),
        -1 => out.push("attacks against it have disadvantage".into()),
        _ => {}
    }
    for (what, list) in [
        ("advantage on", &m.save_advantage),
        ("disadvantage on", &m.save_disadvantage),
    ] {
        if !list.is_empty() {
            let abilities: Vec<&str> = list.iter().map(|a| a.abbreviation()).collect();
            out.push(format!("{what} {} saves", abilities.join("/")));
        }
    }
    for (ability, bonus) in &m.save_bonus {
        out.push(format!("{} saves {bonus:+}", ability.abbreviation()));
    }
    if !m.condition_immunities.is_empty() {
        let names: Vec<String> = m
            .condition_immunities
            .iter()
            .map(ToString::to_string)
            .collect();
        out.push(format!("can't be {}", names.join(", ")));
    }
    if !m.resistances.is_empty() {
        let types: Vec<String> = m.resistances.iter().map(ToString::to_string).collect();
        out.push(format!("resists {}", types.join(", ")));
    }
    if !m.immunities.is_empty() {
        let types: Vec<String> = m.immunities.iter().map(ToString::to_string).collect();
        out.push(format!("immune to {}", types.join(", ")));
    }
    if let Some(extra) = &m.weapon_damage {
        let kind = extra
            .damage_type
            .map(|t| format!(" {t}"))
            .unwrap_or_default();
        out.push(format!("weapon hits +{}{kind}", extra.dice));
    }
    if m.speed != 0 {
        out.push(format!("speed {:+} ft.", m.speed));
    }
    match m.speed_halves {
        Some(0) => out.push("speed 0".into()),
        Some(4) => out.push("speed doubled".into()),
        Some(1) => out.push("speed halved".into()),
        Some(n) => out.push(format!("speed ×{n}/2")),
        None => {}
    }
    if m.no_reactions {
        out.push("no reactions".into());
    }
    if m.no_healing {
        out.push("can't regain hit points".into());
    }
    if m.max_hp != 0 {
        out.push(format!("max HP {:+}", m.max_hp));
    }
    if m.half_weapon_damage {
        out.push("half damage with weapons".into());
    }
    for (on, what) in [
        (m.no_actions, "no action"),
        (m.action_or_bonus, "an action or a bonus action"),
        (m.one_attack, "one attack a turn"),
        (m.delayed_spells, "spells may be delayed"),
        (m.extra_action, "an extra action"),
        (m.true_form, "true form, can't change shape"),
        (m.free_movement, "speed can't be reduced, slips grapples"),
    ] {
        if on {
            out.push(what.into());
        }
    }
    if let Some(d) = &m.weapon_die {
        let ability = if d.spellcasting {
            " with the spellcasting ability"
        } else {
            ""
        };
        out.push(format!("{} {}{ability}", d.weapons.join("/"), d.dice));
    }
    out
}

/// The parts of an ongoing effect's line for the fields added with counted
/// saves, stacking, objects and ability score loss.
fn more_parts(o: &Ongoing) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(s) = o.save_ends
        && (s.successes > 1 || s.failures > 0)
    {
        parts.push(format!(
            "ends after {} successes, {} failures",
            s.successes.max(1),
            s.failures
        ));
    }
    if let Some(next) = &o.on_failures {
        parts.push(format!("then {}", ongoing(next)));
    }
    if let Some(next) = &o.after {
        let when = if o.after_full_duration {
            "after its full duration"
        } else {
            "afterwards"
        };
        parts.push(format!("{when} {}", ongoing(next)));
    }
    if o.stacks {
        parts.push("stacks".into());
    }
    if let Some(t) = o.drain_type {
        parts.push(format!("max HP falls by the {t} damage"));
    }
    if o.ends_on_healing {
        parts.push("ends on magical healing".into());
    }
    if let Some(obj) = &o.object {
        parts.push(format!("object: AC {}, {} HP", obj.ac, obj.hp));
    }
    if let Some(loss) = &o.score_loss {
        parts.push(format!(
            "{} score −{}",
            loss.ability.abbreviation(),
            loss.amount.dice
        ));
    }
    if o.escape_disadvantage {
        parts.push("escape checks with disadvantage".into());
    }
    if let Some(each) = &o.each_turn
        && each.on_source_turn
    {
        parts.push("on the source's turns".into());
    }
    if let Some(each) = &o.each_turn
        && let Some(limit) = each.hp_limit
    {
        let all = if each.shared_limit { " in all" } else { "" };
        parts.push(format!("ends after taking {limit} HP{all}"));
    }
    parts
}

/// The limits of an [`super::OnlyStep`] added with tags, effects and drops to 0.
fn more_only(o: &super::OnlyStep) -> Vec<String> {
    let mut only = Vec::new();
    if o.dropped_to_0 {
        only.push("dropped to 0 HP".into());
    }
    if !o.tags.is_empty() {
        only.push(o.tags.join(", "));
    }
    if let Some(name) = &o.effect {
        only.push(format!("under {name}"));
    }
    if let Some(name) = &o.not_effect {
        only.push(format!("not under {name}"));
    }
    if o.attack_advantage {
        only.push("the attack had advantage".into());
    }
    only
}

/// The notes of an [`super::AttackStep`]: its alternative's name, crit dice,
/// advantage and automatic hits.
fn more_attack(a: &super::AttackStep, s: &mut String) {
    if let Some(note) = &a.note {
        s.insert_str(0, &format!("{note}: "));
    }
    if let Some(n) = a.crit_dice {
        let _ = write!(s, "; crit rolls the dice {n} times");
    }
    let mut against: Vec<String> = a.advantage_if.iter().map(ToString::to_string).collect();
    against.extend(a.advantage_if_effect.clone());
    if !against.is_empty() {
        let _ = write!(s, "; advantage against {}", against.join(" or "));
    }
    let mut held: Vec<String> = a.auto_hit_if.iter().map(ToString::to_string).collect();
    held.extend(a.auto_hit_if_effect.clone());
    if !held.is_empty() {
        let _ = write!(s, "; hits {} automatically", held.join(" or "));
    }
}
