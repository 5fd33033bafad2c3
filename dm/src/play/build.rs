//! The character builder at the table: rolling scores with the table's
//! dice (`char roll`), the choices a player makes after the defaults
//! (`char choose` / `ch`), editing one's own sheet (`char set`) until the
//! DM locks it (`dm lock`), levelling up in a class with rolled or average
//! hit points, and the sheet history every change goes into.

use rules::mechanics::{Ability, LifeState, Skill};

use super::characters::xp_for_level;
use super::{Dice, Result, no};
use crate::builder;
use crate::character::{Character, index, priorities};
use crate::command::Scores;
use crate::event::{PlayerId, Reply};
use crate::sheet::{ChoiceKind, SheetChange};
use crate::table::{RolledScores, Table};

/// `char roll`: six ability scores, 4d6 dropping the lowest, rolled with
/// the table's dice and kept for the roller's `char new … rolled`.
pub(super) fn roll_scores(
    table: &mut Table,
    actor: &PlayerId,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    if let Some(r) = table.rolled_scores.get(actor) {
        return Err(no(format!(
            "you rolled {} already (roll #{}): use them with `char new NAME CLASS LEVEL RACE rolled`",
            list(&r.scores),
            r.roll
        )));
    }
    let mut scores = [0u8; 6];
    for s in &mut scores {
        let roll = dice
            .roll_str("4d6kh3")
            .map_err(|e| no(format!("the dice failed: {e}")))?;
        *s = u8::try_from(roll.total).unwrap_or(0);
    }
    let roll = table.next_roll;
    table
        .rolled_scores
        .insert(actor.clone(), RolledScores { roll, scores });
    reply.say(format!(
        "Rolled (roll #{roll}, 4d6 drop lowest): {}. Use: char new NAME CLASS LVL RACE rolled [Str..Cha order]",
        list(&scores),
    ));
    Ok(())
}

fn list(scores: &[u8]) -> String {
    scores
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks and settles the scores of a `char new` against the table: rolled
/// scores must be the actor's rolled set (any order; none typed: placed by
/// the class's priorities), typed ones must be allowed. Returns the scores
/// to build with, and whether the rolled set is used up.
pub(super) fn settle_scores(
    table: &Table,
    actor: &PlayerId,
    class: &str,
    scores: &Scores,
) -> Result<(Scores, bool)> {
    match scores {
        Scores::Rolled { scores } => {
            let rolled = table.rolled_scores.get(actor).ok_or_else(|| {
                no("roll your scores first with `char roll` (4d6 drop the lowest, six times)")
            })?;
            if scores.is_empty() {
                let class = rules::content::class(class).map_or("wizard", |c| c.id.as_str());
                let mut sorted = rolled.scores;
                sorted.sort_unstable_by(|a, b| b.cmp(a));
                let mut placed = [0u8; 6];
                for (ability, score) in priorities(class).iter().zip(sorted) {
                    placed[index(*ability)] = score;
                }
                return Ok((
                    Scores::Rolled {
                        scores: placed.to_vec(),
                    },
                    true,
                ));
            }
            let (mut a, mut b) = (scores.clone(), rolled.scores.to_vec());
            a.sort_unstable();
            b.sort_unstable();
            if a != b {
                return Err(no(format!(
                    "those are not your rolled scores: you rolled {} (roll #{})",
                    list(&rolled.scores),
                    rolled.roll
                )));
            }
            Ok((
                Scores::Rolled {
                    scores: scores.clone(),
                },
                true,
            ))
        }
        Scores::Manual { .. } if table.manual_scores_forbidden => Err(no(
            "the DM does not allow typed scores here: use array, pointbuy or `char roll`",
        )),
        other => Ok((other.clone(), false)),
    }
}

/// Records a change in a sheet's history.
pub(super) fn record(c: &mut Character, by: &PlayerId, at: u64, what: String, why: &str) {
    c.history.push(SheetChange {
        by: by.0.clone(),
        at,
        what,
        why: if why.trim().is_empty() {
            "no reason given".to_string()
        } else {
            why.to_string()
        },
    });
}

/// `char choose` / `ch`: without a kind, the pending choices; with a kind
/// and no picks, its numbered options; with picks, makes the choice.
pub(super) fn choose(
    table: &mut Table,
    actor: &PlayerId,
    me: &str,
    kind: Option<&str>,
    picks: &[String],
    now: u64,
    reply: &mut Reply,
) -> Result<bool> {
    let in_fight = table.encounter.as_ref().is_some_and(|e| e.has(me));
    let c = table
        .character_mut(me)
        .ok_or_else(|| no("only characters choose"))?;
    let Some(kind) = kind else {
        if c.pending.is_empty() {
            reply.say(format!("{} has no choices pending.", c.name));
        } else {
            // The package's several choices read as one entry: "equipment (fighter) 4".
            let sets = c
                .pending
                .iter()
                .filter(|p| p.kind == ChoiceKind::Equipment)
                .count();
            let mut parts: Vec<String> = c
                .pending
                .iter()
                .filter(|p| p.kind != ChoiceKind::Equipment)
                .map(|p| {
                    format!(
                        "{}{} {}",
                        p.kind.word(),
                        p.class
                            .as_deref()
                            .map(|c| format!(" ({c})"))
                            .unwrap_or_default(),
                        p.count
                    )
                })
                .collect();
            if sets > 0 {
                parts.insert(0, format!("equipment {sets}"));
            }
            reply.say(format!(
                "Pending (defaults on): {}. `ch KIND` lists.",
                parts.join(", ")
            ));
        }
        reply.private = true;
        return Ok(false);
    };
    let want = kind_of(kind)
        .ok_or_else(|| no(format!("no choice `{kind}`: spells, cantrips, book, skills, asi, languages, tools, bonus, ancestry, equipment")))?;
    if want == ChoiceKind::Equipment {
        return choose_equipment(c, actor, picks, in_fight, now, reply);
    }
    // `ch spells cleric 1 2`: the class's choice when there are several.
    let (class, picks) = match picks.split_first() {
        Some((first, rest)) if rules::content::class(first).is_some() => {
            (Some(first.to_lowercase()), rest)
        }
        _ => (None, picks),
    };
    let at = c
        .pending
        .iter()
        .position(|p| p.kind == want && class.as_ref().is_none_or(|k| p.class.as_ref() == Some(k)))
        .ok_or_else(|| no(format!("{} has no {} choice pending", c.name, want.word())))?;
    let choice = c.pending[at].clone();
    // `ch spells` lists the options a page at a time (`ch spells p2`), so
    // a long list costs the radio a few packets, not dozens.
    let page = match picks {
        [] => Some(1),
        [p] => p
            .strip_prefix(['p', 'P'])
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n >= 1),
        _ => None,
    };
    if let Some(page) = page {
        let pages = choice.from.len().div_ceil(PAGE).max(1);
        if page > pages {
            return Err(no(format!("there are {pages} pages of options")));
        }
        let options: Vec<String> = choice
            .from
            .iter()
            .enumerate()
            .skip((page - 1) * PAGE)
            .take(PAGE)
            .map(|(i, id)| format!("{} {}", i + 1, short(id)))
            .collect();
        let more = if page < pages {
            format!(" · more: `ch {} p{}`", want.word(), page + 1)
        } else {
            String::new()
        };
        reply.say(format!(
            "{} {} (pick {}; now {}): {}{more}",
            c.name,
            want.word(),
            choice.count,
            choice
                .chosen
                .iter()
                .map(|s| short(s))
                .collect::<Vec<_>>()
                .join(","),
            options.join(", ")
        ));
        reply.private = true;
        return Ok(false);
    }
    if in_fight {
        return Err(no(format!("{} chooses after the fight", c.name)));
    }
    let mut chosen = Vec::new();
    for p in picks {
        let id = resolve_pick(p, &choice.from).ok_or_else(|| {
            no(format!(
                "`{p}` is not among the options: `ch {}` lists them",
                want.word()
            ))
        })?;
        chosen.push(id);
    }
    let distinct = {
        let mut d = chosen.clone();
        d.sort();
        d.dedup();
        d.len() == chosen.len()
    };
    if want == ChoiceKind::Asi {
        if !(1..=2).contains(&chosen.len()) {
            return Err(no(
                "an ASI is `ch asi str dex`, `ch asi str` (+2) or `ch asi grappler`",
            ));
        }
    } else if chosen.len() != usize::from(choice.count) || !distinct {
        return Err(no(format!(
            "pick {} different {}",
            choice.count,
            want.word()
        )));
    }
    let said = apply_choice(c, want, choice.class.as_deref(), &choice.chosen, &chosen)?;
    c.pending.remove(at);
    let what = format!("{}: {said}", want.word());
    reply.say(format!("{} — {what}.", c.name));
    record(c, actor, now, what, "player's choice");
    Ok(true)
}

/// `ch equipment [SET] [LETTER [ITEM…]]`: without a letter, the open
/// equipment choices (or one set's options and what its categories hold);
/// with one, takes that option of the set (the first open one by
/// default), the items naming its category picks in order.
fn choose_equipment(
    c: &mut Character,
    actor: &PlayerId,
    picks: &[String],
    in_fight: bool,
    now: u64,
    reply: &mut Reply,
) -> Result<bool> {
    let sets: Vec<usize> = c
        .pending
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == ChoiceKind::Equipment)
        .map(|(i, _)| i)
        .collect();
    if sets.is_empty() {
        return Err(no(format!("{} has no equipment choice pending", c.name)));
    }
    let letters = |from: &[String], chosen: &str| -> String {
        from.iter()
            .zip('a'..)
            .map(|(o, l)| format!("({l}) {}", builder::option_text(o)))
            .collect::<Vec<_>>()
            .join(" or ")
            + &format!(" — now {}", builder::option_text(chosen))
    };
    let (set, rest) = match picks.split_first() {
        Some((n, rest)) if n.parse::<usize>().is_ok() => {
            let n: usize = n.parse().unwrap_or(0);
            let at = n
                .checked_sub(1)
                .and_then(|i| sets.get(i))
                .ok_or_else(|| no(format!("there are {} equipment choices", sets.len())))?;
            (Some(*at), rest)
        }
        _ => (None, picks),
    };
    reply.private = true;
    let Some((letter, items)) = rest.split_first() else {
        let shown: Vec<String> = match set {
            Some(at) => {
                let p = &c.pending[at];
                let mut text = letters(&p.from, p.chosen.first().map_or("", String::as_str));
                for cat in p.from.iter().flat_map(|o| builder::decode_option(o)) {
                    if let Some(members) =
                        cat.1.strip_prefix('@').and_then(builder::category_members)
                    {
                        text.push_str(&format!(
                            "; {}: {}",
                            cat.1.trim_start_matches('@'),
                            members.join(", ")
                        ));
                    }
                }
                vec![text]
            }
            None => sets
                .iter()
                .zip(1..)
                .map(|(at, n)| {
                    let p = &c.pending[*at];
                    format!(
                        "{n}: {}",
                        letters(&p.from, p.chosen.first().map_or("", String::as_str))
                    )
                })
                .collect(),
        };
        reply.say(format!(
            "{} equipment: {}. Choose: `ch equipment [N] LETTER [weapon…]`.",
            c.name,
            shown.join("; ")
        ));
        return Ok(false);
    };
    reply.private = false;
    if in_fight {
        return Err(no(format!("{} chooses after the fight", c.name)));
    }
    let at = set.unwrap_or(sets[0]);
    let choice = c.pending[at].clone();
    let index = match letter.to_lowercase().as_str() {
        l if l.len() == 1 => l.chars().next().map_or(usize::MAX, |ch| {
            usize::try_from(u32::from(ch).wrapping_sub(u32::from('a'))).unwrap_or(usize::MAX)
        }),
        _ => usize::MAX,
    };
    let option = choice.from.get(index).ok_or_else(|| {
        no(format!(
            "`{letter}` is not an option: a to {}",
            char::from(b'a' + u8::try_from(choice.from.len().saturating_sub(1)).unwrap_or(0))
        ))
    })?;
    let filled = builder::fill_option(option, items).map_err(no)?;
    for old in &choice.chosen {
        builder::remove_equipment(c, old);
    }
    builder::add_equipment(c, &filled);
    c.pending.remove(at);
    let what = format!("equipment: {}", builder::option_text(&filled));
    reply.say(format!("{} — {what}.", c.name));
    record(c, actor, now, what, "player's choice");
    Ok(true)
}

/// Options per page of `ch KIND`.
const PAGE: usize = 12;

/// The kind a player's word names.
fn kind_of(word: &str) -> Option<ChoiceKind> {
    Some(match word {
        "skills" | "skill" => ChoiceKind::Skills,
        "cantrips" | "cantrip" => ChoiceKind::Cantrips,
        "spells" | "spell" | "prepare" => ChoiceKind::Spells,
        "book" | "spellbook" => ChoiceKind::Spellbook,
        "asi" | "feat" => ChoiceKind::Asi,
        "subclass" => ChoiceKind::Subclass,
        "languages" | "language" | "lang" => ChoiceKind::Languages,
        "tools" | "tool" => ChoiceKind::Tools,
        "bonus" | "bonuses" => ChoiceKind::AbilityBonus,
        "ancestry" => ChoiceKind::Ancestry,
        "equipment" | "equip" | "eq" | "gear" => ChoiceKind::Equipment,
        _ => return None,
    })
}

/// A short form of an option for a numbered list: a spell's name, else the id.
fn short(id: &str) -> String {
    rules::content::spell(id).map_or_else(|| id.to_string(), |s| s.name.clone())
}

/// An option by its number (from 1) or its id or name.
fn resolve_pick(pick: &str, from: &[String]) -> Option<String> {
    if let Ok(n) = pick.parse::<usize>() {
        return from.get(n.checked_sub(1)?).cloned();
    }
    let norm = |s: &str| s.to_lowercase().replace([' ', '-', '\''], "");
    let key = norm(pick);
    from.iter()
        .find(|o| norm(o) == key || norm(&short(o)) == key)
        .cloned()
        .or_else(|| {
            // An ability's full name for its abbreviation; a skill's alias.
            let a = pick.parse::<Ability>().ok()?;
            let abbr = a.abbreviation().to_lowercase();
            from.iter().find(|o| **o == abbr).cloned()
        })
        .or_else(|| {
            let s = pick.parse::<Skill>().ok()?;
            from.iter().find(|o| o.as_str() == s.name()).cloned()
        })
}

/// Replaces the default `old` picks of a choice by `new` on the sheet.
fn apply_choice(
    c: &mut Character,
    kind: ChoiceKind,
    class: Option<&str>,
    old: &[String],
    new: &[String],
) -> Result<String> {
    let swap = |list: &mut Vec<String>| {
        list.retain(|x| !old.contains(x));
        for n in new {
            if !list.contains(n) {
                list.push(n.clone());
            }
        }
    };
    match kind {
        ChoiceKind::Skills => {
            let parse = |s: &String| s.parse::<Skill>().ok();
            let old: Vec<Skill> = old.iter().filter_map(parse).collect();
            c.skills.retain(|s| !old.contains(s));
            for s in new.iter().filter_map(parse) {
                if !c.skills.contains(&s) {
                    c.skills.push(s);
                }
            }
        }
        ChoiceKind::Cantrips | ChoiceKind::Spells => swap(&mut c.spells),
        ChoiceKind::Spellbook => {
            swap(&mut c.spellbook);
            // Prepared spells no longer in the book go; the preparation is offered anew.
            let book = c.spellbook.clone();
            let wizard = rules::content::class("wizard").ok_or_else(|| no("no wizard class"))?;
            let level = builder::level_in(c, "wizard");
            let count = builder::prepared_count(wizard, level, c.modifier(Ability::Intelligence));
            c.spells.retain(|s| !old.contains(s));
            builder::prepare(c, "wizard", &book, count, &[]);
        }
        ChoiceKind::Asi => {
            builder::undo_asi(c, old);
            let said = builder::apply_asi(c, new).map_err(no)?;
            refresh_prepared(c);
            return Ok(said);
        }
        ChoiceKind::Languages => swap(&mut c.languages),
        ChoiceKind::Tools => swap(&mut c.tools),
        ChoiceKind::AbilityBonus => {
            let mut scores = c.scores;
            for a in old.iter().filter_map(|s| s.parse::<Ability>().ok()) {
                scores[index(a)] = scores[index(a)].saturating_sub(1);
            }
            for a in new.iter().filter_map(|s| s.parse::<Ability>().ok()) {
                scores[index(a)] = scores[index(a)].saturating_add(1).min(20);
            }
            builder::set_scores(c, scores);
            refresh_prepared(c);
        }
        ChoiceKind::Ancestry => c.ancestry = new.first().cloned(),
        // `choose_equipment` makes these: an option is a package, not ids.
        ChoiceKind::Equipment => return Err(no("choose equipment with `ch equipment`")),
        ChoiceKind::Subclass => {
            let class = class.unwrap_or(&c.class).to_string();
            if let Some(cl) = c.classes.iter_mut().find(|cl| cl.class == class) {
                cl.subclass = new.first().cloned();
            }
        }
    }
    Ok(new.iter().map(|s| short(s)).collect::<Vec<_>>().join(", "))
}

/// After a score change: the number of spells each preparing class
/// prepares follows its modifier.
fn refresh_prepared(c: &mut Character) {
    for cl in c.class_levels() {
        let Some(class) = rules::content::class(&cl.class) else {
            continue;
        };
        let Some(ability) = builder::casting_ability(class) else {
            continue;
        };
        if !builder::prepares(&class.id) {
            continue;
        }
        let from = if class.id == "wizard" {
            c.spellbook.clone()
        } else {
            builder::ids(&builder::spell_options(
                &class.id,
                false,
                builder::top_spell_level(class, cl.level),
            ))
        };
        let count = builder::prepared_count(class, cl.level, c.modifier(ability));
        builder::prepare(c, &class.id, &from, count, &[]);
    }
}

/// After a long rest: the preparing classes may prepare anew.
pub(super) fn after_long_rest(c: &mut Character) {
    refresh_prepared(c);
}

/// `char set FIELD VALUE ["why"]`: a player edits their own sheet, out of
/// a fight, until the DM locks it.
#[allow(clippy::too_many_arguments)]
pub(super) fn set_own(
    table: &mut Table,
    actor: &PlayerId,
    me: &str,
    field: &str,
    value: &str,
    reason: &str,
    now: u64,
    reply: &mut Reply,
) -> Result<()> {
    if table.encounter.as_ref().is_some_and(|e| e.has(me)) {
        return Err(no("no sheet edits in a fight"));
    }
    let c = table
        .character_mut(me)
        .ok_or_else(|| no("only characters have sheets"))?;
    if c.locked {
        return Err(no(format!(
            "{}'s sheet is locked by the DM (`dm unlock {}`); ask them",
            c.name, c.handle
        )));
    }
    let before = match field {
        "background" => set_background(c, value)?,
        "subclass" => {
            let class = c.class();
            let (sub, at) = builder::subclass_of(class)
                .ok_or_else(|| no(format!("{} has no subclass", class.name)))?;
            let wanted = value.trim().to_lowercase().replace(' ', "-");
            if wanted != sub {
                return Err(no(format!("the SRD {} subclass is {sub}", class.name)));
            }
            if c.class_level() < at {
                return Err(no(format!(
                    "a {} takes a subclass at level {at}",
                    class.name
                )));
            }
            let entry = c
                .classes
                .iter_mut()
                .find(|cl| cl.class == class.id)
                .ok_or_else(|| no("no class levels on the sheet"))?;
            entry
                .subclass
                .replace(sub.to_string())
                .unwrap_or_else(|| "none".into())
        }
        "ancestry" => {
            let (race, _) = c
                .race_and_subrace()
                .ok_or_else(|| no("no SRD race on the sheet"))?;
            let colour = value.trim().to_lowercase();
            if !race
                .ancestries
                .iter()
                .any(|a| a.id == format!("draconic-ancestry-{colour}"))
            {
                return Err(no(format!(
                    "no draconic ancestry `{colour}` for a {}",
                    race.name
                )));
            }
            c.pending.retain(|p| p.kind != ChoiceKind::Ancestry);
            c.ancestry.replace(colour).unwrap_or_else(|| "none".into())
        }
        "languages" => {
            let langs = names(value, builder::LANGUAGES, "language")?;
            std::mem::replace(&mut c.languages, langs).join(",")
        }
        "tools" => {
            let tools = names(value, builder::TOOLS, "tool")?;
            std::mem::replace(&mut c.tools, tools).join(",")
        }
        other => super::dm::set_field(c, other, value)?,
    };
    let what = format!("{field} {before} → {value}");
    reply.say(format!("{}: {what}.", c.name));
    record(c, actor, now, what, reason);
    Ok(())
}

/// Names from a comma list, each one of `known` (any case).
fn names(value: &str, known: &[&str], what: &str) -> Result<Vec<String>> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(s))
                .map(|k| (*k).to_string())
                .ok_or_else(|| {
                    no(format!(
                        "no {what} `{s}` in the SRD list; separate them with commas"
                    ))
                })
        })
        .collect()
}

fn set_background(c: &mut Character, value: &str) -> Result<String> {
    let bg = builder::background(value).ok_or_else(|| {
        no(format!(
            "unknown background `{value}` — try acolyte or custom"
        ))
    })?;
    if let Some(old) = &c.background {
        return Err(no(format!(
            "{} already has the {old} background; the DM can change it",
            c.name
        )));
    }
    c.background = Some(bg.id.to_string());
    builder::equip_background(c, bg);
    for s in bg.skills {
        if !c.skills.contains(s) {
            c.skills.push(*s);
        }
    }
    let all: Vec<String> = Skill::ALL.iter().map(|s| s.name().to_string()).collect();
    if bg.skill_choices > 0 {
        let have: Vec<String> = c.skills.iter().map(|s| s.name().to_string()).collect();
        let picks = builder::default_picks(&[], &all, bg.skill_choices, &have);
        for p in &picks {
            if let Ok(s) = p.parse::<Skill>() {
                c.skills.push(s);
            }
        }
        let from = all.into_iter().filter(|s| !have.contains(s)).collect();
        builder::offer(
            c,
            builder::choice(
                ChoiceKind::Skills,
                "background",
                bg.skill_choices,
                from,
                picks,
            ),
        );
    }
    if bg.languages > 0 {
        let from: Vec<String> = builder::LANGUAGES
            .iter()
            .filter(|l| !c.languages.iter().any(|x| x == *l))
            .map(|l| (*l).to_string())
            .collect();
        let picks = builder::default_picks(&[], &from, bg.languages, &[]);
        c.languages.extend(picks.iter().cloned());
        builder::offer(
            c,
            builder::choice(ChoiceKind::Languages, "", bg.languages, from, picks),
        );
    }
    Ok("none".into())
}

/// `levelup [CLASS] [roll|avg]` or `dm levelup NAME [CLASS] [roll|avg]`:
/// one level in a class (the one it began with by default), out of a
/// fight, when the XP reach the next level's (or the DM says so).
#[allow(clippy::too_many_arguments)]
pub(super) fn level_up(
    table: &mut Table,
    actor: &PlayerId,
    me: &str,
    class: Option<&str>,
    roll: bool,
    by_dm: bool,
    now: u64,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let in_fight = table.encounter.as_ref().is_some_and(|e| e.has(me));
    let c = table
        .character(me)
        .ok_or_else(|| no("only characters level up"))?;
    if in_fight {
        return Err(no(format!("{} levels up after the fight", c.name)));
    }
    if c.health.state() != LifeState::Conscious {
        return Err(no(format!("{} levels up once back on their feet", c.name)));
    }
    let next = c.level.saturating_add(1);
    let Some(need) = xp_for_level(next) else {
        return Err(no(format!("{} is level 20, the highest", c.name)));
    };
    if !by_dm && c.xp < need {
        return Err(no(format!(
            "{} needs {need} XP for level {next} (has {}) — or the DM's `dm levelup {}`",
            c.name, c.xp, c.handle
        )));
    }
    let class = class.map_or_else(|| c.class.clone(), str::to_string);
    let found =
        rules::content::class(&class).ok_or_else(|| no(format!("unknown class `{class}`")))?;
    // Check the multiclass before any die is rolled.
    let mut trial = c.clone();
    trial.level_up_in(&found.id, None).map_err(no)?;
    let face = if roll {
        let r = dice
            .roll_str(&format!("1d{}", found.hit_die))
            .map_err(|e| no(format!("the dice failed: {e}")))?;
        Some(u8::try_from(r.total).unwrap_or(1))
    } else {
        None
    };
    let c = table
        .character_mut(me)
        .ok_or_else(|| no("only characters level up"))?;
    let attacks_before = c.attacks_per_action();
    let up = c.level_up_in(&found.id, face).map_err(no)?;
    let multi = c.classes.len() > 1;
    let mut text = format!(
        "{} reaches level {}{}: +{} HP{} (max {}), proficiency +{}",
        c.name,
        c.level,
        if multi {
            format!(" ({} {})", found.name, up.class_level)
        } else {
            String::new()
        },
        up.hp_gain,
        face.map(|f| format!(" (rolled {f} on the d{})", found.hit_die))
            .unwrap_or_default(),
        c.health.max(),
        c.proficiency()
    );
    let attacks = c.attacks_per_action();
    if attacks > attacks_before {
        text.push_str(&format!(", {attacks} attacks per Attack action"));
    }
    if !c.spells.is_empty() {
        text.push_str(&format!(", slots {}", c.slots.describe_remaining()));
    }
    // A wizard learns into the spellbook and prepares from it.
    let (learned, prepared): (Vec<String>, Vec<String>) = if found.id == "wizard" {
        (up.learned_in_book.clone(), up.learned.clone())
    } else {
        (up.learned.clone(), Vec::new())
    };
    if !learned.is_empty() {
        text.push_str(&format!(", learns {}", learned.join(", ")));
    }
    if !prepared.is_empty() {
        text.push_str(&format!(", prepares {}", prepared.join(", ")));
    }
    if !up.choices.is_empty() {
        let kinds: Vec<&str> = up.choices.iter().map(|k| k.word()).collect();
        text.push_str(&format!(
            " (defaults taken; `ch` to choose {})",
            kinds.join(", ")
        ));
    }
    text.push('.');
    if !up.features.is_empty() {
        text.push_str(&format!(" Gains {}.", up.features.join(", ")));
    }
    let what = format!("level {} in {} (+{} HP)", c.level, found.name, up.hp_gain);
    let why = if by_dm {
        "the DM's level up"
    } else {
        "enough XP"
    };
    record(c, actor, now, what, why);
    reply.say(text);
    Ok(())
}

/// `char new … gold`: the class's starting gold, rolled with the table's
/// dice, instead of its equipment package (armor, weapons, items).
pub(super) fn take_starting_gold(
    c: &mut Character,
    actor: &PlayerId,
    now: u64,
    dice: &mut Dice<'_>,
) -> Result<()> {
    let expr = builder::starting_gold(&c.class);
    let roll = dice
        .roll_str(expr)
        .map_err(|e| no(format!("the dice failed: {e}")))?;
    let gold = u32::try_from(roll.total).unwrap_or(0);
    c.gold = gold;
    c.armor = None;
    c.shield = false;
    c.weapons.clear();
    c.items.clear();
    c.ammo.clear();
    c.pending.retain(|p| p.kind != ChoiceKind::Equipment);
    record(
        c,
        actor,
        now,
        format!("starting gold {expr} = {gold} gp instead of the equipment package"),
        "player's choice",
    );
    Ok(())
}
