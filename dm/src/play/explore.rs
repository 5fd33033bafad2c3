//! Exploring an adventure out of a fight: looking, moving (by the leader,
//! or by a vote), searching, doors, traps, features, talking, taking
//! treasure, light, rests with wandering monsters, and the fights areas
//! start by themselves (surprise, initiative, the end of the fight, XP).
//! The state is [`crate::explore::Exploration`]; everything here changes it
//! only through the command being carried out, so a log replays exactly.

use rules::automation::{self, Context};
use rules::dice::DieRoller;
use rules::mechanics::{Ability, D20Roll, LifeState, Skill};

use super::creatures::{check_bonus, conditions_mut, find_character, monster_of, name_of, target};
use super::outcome::land;
use super::rolls::d20_text;
use super::{Dice, Result, dm, no, rest, turns};
use crate::adventure::{
    self, Adventure, Area, Attitude, Check, Exit, Feature, Group, Outcome, Place, Rest, Trap,
    Trigger, Verb, When,
};
use crate::command::PartyAction;
use crate::command::{Command, DmCommand};
use crate::event::{Line, PlayerId, Reply};
use crate::explore::{
    Access, Exploration, Fight, LEFT, Lingering, TORCH_MINUTES, TURN_MINUTES, door_key, exit_name,
};
use crate::table::{Table, Vote};

/// How long a vote on where to go stays open when the transport says
/// nothing (Discord's two minutes).
pub const GO_VOTE_SECONDS: u32 = 120;

/// The adventure running at the table.
/// A DM step the adventure takes for the table (a fight begun or ended,
/// monsters placed, experience and loot shared). None of these writes a
/// sheet's history, the one use of the time in a DM command, so the time
/// given is none (0).
fn dm_step(
    table: &mut Table,
    actor: &PlayerId,
    command: &DmCommand,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    dm::dm_command(table, actor, command, 0, dice, reply)
}

fn running(table: &Table) -> Result<&Exploration> {
    let ex = table
        .adventure
        .as_deref()
        .ok_or_else(|| no("no adventure is running — the DM starts one with `dm adventure ID`"))?;
    if let Some(end) = &ex.ended {
        return Err(no(format!("the adventure is over: {end}")));
    }
    Ok(ex)
}

/// Whether the adventure has ended (during the command being carried out).
fn over(table: &Table) -> bool {
    table.adventure.as_deref().is_none_or(|e| e.ended.is_some())
}

fn ex_mut(table: &mut Table) -> &mut Exploration {
    table
        .adventure
        .as_deref_mut()
        .expect("checked by `running` before any change")
}

/// Exploring waits while a fight is on.
fn calm(table: &Table) -> Result<&Exploration> {
    let ex = running(table)?;
    if table.encounter.is_some() {
        return Err(no("not during a fight — win it first"));
    }
    Ok(ex)
}

fn here(ex: &Exploration) -> Result<&Area> {
    ex.here()
        .ok_or_else(|| no("the party is nowhere — the DM moves it with `dm move party AREA`"))
}

/// The characters in the adventure's party (played at the table and in
/// it, see [`Exploration::in_party`]), in the order they were made.
fn party(table: &Table) -> Vec<String> {
    let ex = table.adventure.as_deref();
    table
        .characters
        .iter()
        .filter(|c| table.players.values().any(|h| h == &c.handle))
        .filter(|c| ex.is_none_or(|ex| ex.in_party(&c.handle)))
        .map(|c| c.handle.clone())
        .collect()
}

/// How a player outside the party gets in, as the access says.
fn how_to_join(ex: &Exploration) -> &'static str {
    match ex.access {
        Access::Open => "`party join` to join it",
        Access::Invite => "ask the DM for the invite code, then `party join CODE`",
        Access::Closed => "the DM closed it to newcomers (`dm party add NAME` lets you in)",
    }
}

/// Whether `actor` may give an exploring command: the DM may, and a
/// player whose character is in the party; others are told how to join.
/// (No adventure, or no character: the command itself says what is wrong.)
pub(super) fn member(table: &Table, actor: &PlayerId) -> Result<()> {
    let Some(ex) = table.adventure.as_deref().filter(|e| e.ended.is_none()) else {
        return Ok(());
    };
    if table.is_dm(actor) {
        return Ok(());
    }
    match table.players.get(actor) {
        Some(h) if !ex.in_party(h) => Err(no(format!(
            "{} is not in the party — {}",
            name_of(table, h),
            how_to_join(ex)
        ))),
        _ => Ok(()),
    }
}

/// Whether `actor` may look on: the DM, the party, and others unless the
/// DM keeps watchers out (`dm access watch off`).
pub(super) fn watcher(table: &Table, actor: &PlayerId) -> Result<()> {
    let Some(ex) = table.adventure.as_deref() else {
        return Ok(());
    };
    let in_party = table.players.get(actor).is_some_and(|h| ex.in_party(h));
    if ex.no_watchers && !in_party && !table.is_dm(actor) {
        return Err(no(format!(
            "only the party sees this adventure — {}",
            how_to_join(ex)
        )));
    }
    Ok(())
}

/// Whether a player may vote on where the party goes: the DM's vote is
/// anyone's, a go vote is the party's.
pub(super) fn may_vote_go(table: &Table, actor: &PlayerId) -> bool {
    table.adventure.as_deref().is_none_or(|ex| {
        table.is_dm(actor) || table.players.get(actor).is_some_and(|h| ex.in_party(h))
    })
}

/// The players whose characters are in the party (a go vote's voters).
pub(super) fn party_players(table: &Table) -> usize {
    let members = party(table);
    table
        .players
        .values()
        .filter(|h| members.contains(h))
        .count()
}

/// The party standing (not down or dead), in marching order: those the
/// order names first, the others after.
fn marching(table: &Table) -> Vec<String> {
    let up = |h: &String| {
        table
            .character(h)
            .is_some_and(|c| c.health.state() == LifeState::Conscious)
    };
    let all = party(table);
    let order = table.adventure.as_deref().map_or(&[][..], |e| &e.order[..]);
    let mut out: Vec<String> = order
        .iter()
        .filter(|h| all.contains(h) && up(h))
        .cloned()
        .collect();
    let rest: Vec<String> = all
        .into_iter()
        .filter(|h| up(h) && !out.contains(h))
        .collect();
    out.extend(rest);
    out
}

/// Who acts for a command: the sender's character, or for the DM the one
/// at the front.
fn doer(table: &Table, actor: &PlayerId) -> Result<String> {
    if let Some(h) = table.players.get(actor) {
        let up = table
            .character(h)
            .is_some_and(|c| c.health.state() == LifeState::Conscious);
        return if up {
            Ok(h.clone())
        } else {
            Err(no(format!("{} can't — down or dead", name_of(table, h))))
        };
    }
    if table.is_dm(actor) {
        return marching(table)
            .into_iter()
            .next()
            .ok_or_else(|| no("no one in the party is standing"));
    }
    Err(no(
        "you have no character here — make one with `char new NAME CLASS LEVEL RACE`",
    ))
}

/// Whether a character sees in the party's area: light there, or darkvision.
fn sees(table: &Table, ex: &Exploration, h: &str) -> bool {
    ex.lit() || table.character(h).is_some_and(|c| c.darkvision_ft() > 0)
}

fn passive_perception(table: &Table, h: &str) -> i32 {
    10 + check_bonus(table, h, Ability::Wisdom, Some(Skill::Perception))
}

/// The best passive Perception among those who can see.
fn best_passive(table: &Table, ex: &Exploration) -> Option<i32> {
    marching(table)
        .iter()
        .filter(|h| sees(table, ex, h))
        .map(|h| passive_perception(table, h))
        .max()
}

/// What a check names: a skill, an ability, or thieves' tools (Dexterity,
/// proficient for rogues and whoever carries the tools).
fn check_figures(table: &Table, who: &str, skill: &str) -> Option<(i32, String)> {
    let s = skill.trim().to_lowercase();
    if s.starts_with("thieves") || s == "tools" {
        let c = table.character(who)?;
        let proficient = c.class == "rogue" || c.items.iter().any(|i| i.starts_with("thieves"));
        let bonus = c.modifier(Ability::Dexterity) + if proficient { c.proficiency() } else { 0 };
        return Some((bonus, "thieves' tools".into()));
    }
    if let Ok(sk) = s.parse::<Skill>() {
        return Some((
            check_bonus(table, who, sk.ability(), Some(sk)),
            sk.name().into(),
        ));
    }
    let ab = s.parse::<Ability>().ok()?;
    Some((check_bonus(table, who, ab, None), ab.name().into()))
}

/// Rolls `who`'s check against `dc` and reports it; whether it succeeded
/// and by how much it missed.
fn roll_check(
    table: &Table,
    who: &str,
    check: &Check,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> (bool, i32) {
    let (bonus, label) =
        check_figures(table, who, &check.skill).unwrap_or((0, check.skill.clone()));
    let roll = D20Roll::roll(rules::dice::Advantage::Normal, dice);
    let total = i32::from(roll.face()) + bonus;
    let dc = i32::from(check.dc);
    reply.lines.push(Line::Roll {
        who: name_of(table, who),
        label: format!("{label} check"),
        detail: format!("{} {bonus:+}", d20_text(&roll)),
        total: i64::from(total),
    });
    (total >= dc, dc - total)
}

/// `look`: the party's area as players may see it.
pub(super) fn look(table: &Table, reply: &mut Reply) -> Result<()> {
    let ex = running(table)?;
    describe(table, ex, false, reply);
    Ok(())
}

/// The area as players may see it: its name and text, the exits they can
/// see, what is there to search, use, take or talk to; in the dark only
/// what darkvision shows.
fn describe(table: &Table, ex: &Exploration, first: bool, reply: &mut Reply) {
    let Some(a) = ex.here() else {
        return;
    };
    let seeing = marching(table).iter().any(|h| sees(table, ex, h));
    let mut things = Vec::new();
    if seeing {
        for f in &a.features {
            let used = f.once && ex.used.contains(&format!("{}/{}", a.id, f.id));
            if f.verb == Verb::Use && !used {
                things.push(f.name.clone());
            }
        }
        for t in &a.traps {
            let key = format!("{}/{}", a.id, t.id);
            if ex.spotted.contains(&key) && !ex.sprung.contains(&key) {
                things.push(format!("{} (trap)", t.name));
            }
        }
        if let Some(t) = &a.treasure
            && !ex.taken.contains(&a.id)
            && (t.hidden.is_none() || ex.treasure_found.contains(&a.id))
        {
            things.push("treasure".into());
        }
    }
    for n in ex.npcs_here() {
        things.push(n.name.clone());
    }
    let text = if !seeing {
        "It is pitch dark: you can't see a thing. `light` a torch.".to_string()
    } else if first && !a.text.is_empty() {
        a.text.clone()
    } else {
        a.short.clone()
    };
    reply.lines.push(Line::Area {
        name: a.name.clone(),
        text,
        short: if seeing {
            a.short.clone()
        } else {
            "Pitch dark.".into()
        },
        exits: ex.visible_exits().iter().map(|e| ex.exit_text(e)).collect(),
        things,
    });
}

/// `dm adventure ID`: starts an adventure (a shipped one by id, or the one
/// the command carries), the party at its start.
fn start(
    table: &mut Table,
    actor: &PlayerId,
    id: &str,
    given: Option<&Adventure>,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    if table.encounter.is_some() {
        return Err(no("a fight is on — `dm end` it first"));
    }
    if table
        .adventure
        .as_deref()
        .is_some_and(|e| e.ended.is_none())
    {
        return Err(no("an adventure is running already"));
    }
    let adventure = match given {
        Some(a) => a.clone(),
        None => adventure::find(id).cloned().ok_or_else(|| {
            let ids: Vec<String> = adventure::shipped().iter().map(|a| a.id.clone()).collect();
            no(format!("no adventure `{id}` — shipped: {}", ids.join(", ")))
        })?,
    };
    if let Some(p) = adventure::check(&adventure).first() {
        let p: String = p.to_string().chars().take(120).collect();
        return Err(no(format!("the adventure has a problem: {p}")));
    }
    reply.say(format!("{} begins.", adventure.title));
    if !adventure.intro.is_empty() {
        reply.say(adventure.intro.clone());
    }
    let start = adventure.start.clone();
    let mut ex = Exploration::start(adventure);
    ex.owner = Some(actor.clone());
    table.adventure = Some(Box::new(ex));
    let members = party(table);
    ex_mut(table).members = members.into_iter().collect();
    reply.say(format!(
        "The party carries {} torches.",
        ex_mut(table).torches
    ));
    reply.announce = true;
    enter(table, actor, &start, dice, reply)
}

/// The party arrives in `area`: the text, what passive Perception spots,
/// traps that spring on entry, goals reached, and the area's fight.
fn enter(
    table: &mut Table,
    actor: &PlayerId,
    area: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = ex_mut(table);
    ex.area = area.to_string();
    let first = ex.visited.insert(area.to_string());
    let ex = running(table)?;
    describe(table, ex, first, reply);
    let a = here(ex)?.clone();
    spot(table, &a, reply);
    // Traps that spring on entry get the one in front, unless spotted.
    let front = marching(table).into_iter().next();
    for t in &a.traps {
        let key = format!("{}/{}", a.id, t.id);
        let ex = running(table)?;
        if t.trigger != Trigger::Enter || ex.sprung.contains(&key) {
            continue;
        }
        if ex.spotted.contains(&key) {
            reply.say(format!("You step around the {}.", t.name));
            continue;
        }
        if let Some(f) = &front {
            spring(table, &a, t, std::slice::from_ref(f), dice, reply);
        }
    }
    goals_on_arrival(table, actor, dice, reply);
    if over(table) {
        return Ok(());
    }
    own_fight(table, actor, &a, dice, reply)
}

/// The area's own encounter breaks out, unless it has already or a fight
/// is on: its text, then the fight.
fn own_fight(
    table: &mut Table,
    actor: &PlayerId,
    a: &Area,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let Some(enc) = &a.encounter else {
        return Ok(());
    };
    if running(table)?.fought.contains(&a.id) || table.encounter.is_some() {
        return Ok(());
    }
    if let Some(t) = &enc.text {
        reply.say(t.clone());
    }
    start_fight(
        table,
        actor,
        &a.id,
        &enc.monsters,
        enc.surprise,
        false,
        dice,
        reply,
    )
}

/// What the party's best passive Perception notices in `a`: secret exits
/// and traps.
fn spot(table: &mut Table, a: &Area, reply: &mut Reply) {
    let Some(ex) = table.adventure.as_deref() else {
        return;
    };
    let Some(pp) = best_passive(table, ex) else {
        return;
    };
    let mut found = Vec::new();
    let mut spotted = Vec::new();
    for e in &a.exits {
        if let Some(dc) = e.hidden
            && pp >= i32::from(dc)
            && !ex.exit_visible(&a.id, e)
        {
            found.push(e.clone());
        }
    }
    for t in &a.traps {
        let key = format!("{}/{}", a.id, t.id);
        if let Some(dc) = detect_dc(t)
            && pp >= i32::from(dc)
            && !ex.spotted.contains(&key)
            && !ex.sprung.contains(&key)
        {
            spotted.push(t.clone());
        }
    }
    let ex = ex_mut(table);
    for e in found {
        ex.found.insert(format!("{}>{}", a.id, e.to));
        reply.say(format!("You notice a hidden way: {}.", ex.exit_text(&e)));
    }
    for t in spotted {
        ex.spotted.insert(format!("{}/{}", a.id, t.id));
        reply.say(format!("You spot a trap: {}.", t.name));
    }
}

/// A trap's detection DC, its own or its sample's.
fn detect_dc(t: &Trap) -> Option<u8> {
    t.resolved().detect
}

/// A trap's disarm check, its own or its sample's.
fn disarm_check(t: &Trap) -> Option<Check> {
    t.resolved().disarm
}

/// Springs trap `t` of area `a` on `victims`, through the automation engine.
fn spring(
    table: &mut Table,
    a: &Area,
    t: &Trap,
    victims: &[String],
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) {
    let full = t.resolved();
    let (effects, text) = (full.effect, full.text);
    let ex = ex_mut(table);
    ex.sprung.insert(format!("{}/{}", a.id, t.id));
    ex.traps_sprung += 1;
    reply.say(
        format!("A trap springs: {}! {text}", t.name)
            .trim()
            .to_string(),
    );
    let ctx = Context {
        name: t.name.clone(),
        ..Context::default()
    };
    let targets: Vec<_> = victims.iter().map(|h| target(table, h, "trap")).collect();
    match automation::run(&effects, &ctx, &targets, dice) {
        Ok(res) => {
            land(table, "trap", victims, &res, None, dice, reply);
            linger(table, victims, &res);
        }
        Err(e) => reply.say(format!("(the trap's effect could not run: {e})")),
    }
}

/// The conditions a trap's lasting effects impose go on the characters,
/// and the clock wears them off: after their duration (a minute is 10
/// rounds), or at the next turn that passes for those measured in turns
/// or held until removed (the prone stand, the caught work free).
fn linger(table: &mut Table, victims: &[String], resolutions: &[automation::Resolution]) {
    let now = table.adventure.as_deref().map_or(0, |e| e.minutes);
    for r in resolutions {
        let Some(h) = victims.get(r.target) else {
            continue;
        };
        let alive = table
            .character(h)
            .is_some_and(|c| c.health.state().is_alive());
        for a in r
            .applied
            .iter()
            .filter(|a| !a.on_self && !a.conditions.is_empty())
        {
            if !alive {
                continue;
            }
            let minutes = match a.effect.duration {
                Some(rules::content::Lasting::Rounds { rounds }) => rounds.div_ceil(10).max(1),
                _ => 1,
            };
            if let Some(cs) = conditions_mut(table, h) {
                for c in &a.conditions {
                    cs.add(*c);
                }
            }
            ex_mut(table).lingering.push(Lingering {
                on: h.clone(),
                name: a.effect.name.clone(),
                conditions: a.conditions.clone(),
                until: now.saturating_add(minutes),
            });
        }
    }
}

/// Lets `minutes` of adventure time pass: the torch burns (whether it
/// went out is returned) and lingering conditions wear off.
fn clock(table: &mut Table, minutes: u32, reply: &mut Reply) -> bool {
    let ex = ex_mut(table);
    let out = ex.pass(minutes);
    let now = ex.minutes;
    let (done, kept): (Vec<Lingering>, Vec<Lingering>) = std::mem::take(&mut ex.lingering)
        .into_iter()
        .partition(|l| l.until <= now);
    ex.lingering = kept;
    for l in done {
        let still: Vec<_> = table
            .adventure
            .as_deref()
            .map(|e| {
                e.lingering
                    .iter()
                    .filter(|o| o.on == l.on)
                    .flat_map(|o| o.conditions.clone())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(cs) = conditions_mut(table, &l.on) {
            for c in l.conditions.iter().filter(|c| !still.contains(c)) {
                cs.remove(*c);
            }
        }
        reply.lines.push(Line::Effect {
            target: name_of(table, &l.on),
            what: l.name,
            began: false,
        });
    }
    out
}

/// Starts a fight in `area` with `groups`: the monsters join at their
/// places, try to surprise the party, and round 1 begins.
#[allow(clippy::too_many_arguments)]
fn start_fight(
    table: &mut Table,
    actor: &PlayerId,
    area: &str,
    groups: &[Group],
    surprise: bool,
    wandering: bool,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    {
        let ex = ex_mut(table);
        if !wandering {
            ex.fought.insert(area.to_string());
        }
        ex.fight = Some(Fight {
            area: area.to_string(),
            wandering,
        });
        ex.fights += 1;
        ex.surprised.clear();
    }
    dm_step(table, actor, &DmCommand::StartEncounter, dice, reply)?;
    let party = party(table);
    let mut added: Vec<String> = Vec::new();
    for g in groups {
        let before: Vec<String> = monsters_in(table);
        dm_step(
            table,
            actor,
            &DmCommand::AddMonster {
                monster: g.monster.clone(),
                count: g.count,
                average_hp: true,
            },
            dice,
            reply,
        )?;
        let new: Vec<String> = monsters_in(table)
            .into_iter()
            .filter(|m| !before.contains(m))
            .collect();
        let distance = match g.place {
            Place::Engaged => rules::mechanics::Distance::Engaged,
            Place::Near => rules::mechanics::Distance::Near,
            Place::Far => rules::mechanics::Distance::Far,
        };
        if let Some(enc) = table.encounter.as_mut() {
            for m in &new {
                for c in &party {
                    enc.set_distance(m, c, distance);
                }
            }
        }
        added.extend(new);
    }
    if surprise && !added.is_empty() {
        // The stealthiest showing of the group is its worst: one monster
        // heard gives them all away.
        let mut lowest = i32::MAX;
        for m in &added {
            let bonus = check_bonus(table, m, Ability::Dexterity, Some(Skill::Stealth));
            let roll = D20Roll::roll(rules::dice::Advantage::Normal, dice);
            lowest = lowest.min(i32::from(roll.face()) + bonus);
        }
        reply.say(format!(
            "The monsters try to surprise you (Stealth {lowest})."
        ));
        let surprised: Vec<String> = party
            .iter()
            .filter(|h| passive_perception(table, h) < lowest)
            .cloned()
            .collect();
        if !surprised.is_empty() {
            let names: Vec<String> = surprised.iter().map(|h| name_of(table, h)).collect();
            reply.say(format!(
                "Surprised: {} (no action in the first round).",
                names.join(", ")
            ));
        }
        ex_mut(table).surprised = surprised;
    }
    reply.announce = true;
    turns::dm_end_turn(table, dice, reply)
}

fn monsters_in(table: &Table) -> Vec<String> {
    table.encounter.as_ref().map_or_else(Vec::new, |e| {
        e.monsters.iter().map(|m| m.handle.clone()).collect()
    })
}

/// A surprised character does nothing in the first round but end its turn.
pub(super) fn surprised(table: &Table, me: &str, command: &Command) -> Result<()> {
    let Some(ex) = table.adventure.as_deref() else {
        return Ok(());
    };
    let first_round = table.encounter.as_ref().is_some_and(|e| e.round == 1);
    if first_round
        && ex.surprised.iter().any(|h| h == me)
        && !matches!(command, Command::EndTurn | Command::DeathSave)
    {
        return Err(no(format!(
            "{} is surprised: no action this first round — `n`",
            name_of(table, me)
        )));
    }
    Ok(())
}

/// After every command: a fight the adventure started ends when its
/// monsters are all down (XP for the party, `boss` goals), and the
/// adventure ends when the whole party is.
pub(super) fn after(
    table: &mut Table,
    actor: &PlayerId,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let Some(ex) = table.adventure.as_deref() else {
        return Ok(());
    };
    if ex.ended.is_some() {
        return Ok(());
    }
    let Some(fight) = ex.fight.clone() else {
        return Ok(());
    };
    let Some(enc) = &table.encounter else {
        // The DM ended it with `dm end`: exploring goes on, no reward.
        let ex = ex_mut(table);
        ex.fight = None;
        ex.surprised.clear();
        return Ok(());
    };
    let party = party(table);
    let party_up = party.iter().any(|h| {
        table
            .character(h)
            .is_some_and(|c| c.health.state() == LifeState::Conscious)
    });
    if !party_up && !party.is_empty() {
        ex_mut(table).ended = Some("the party has fallen".into());
        reply.say("The whole party is down. The adventure ends here.");
        reply.announce = true;
        return Ok(());
    }
    let monsters_up = enc
        .monsters
        .iter()
        .any(|m| m.health.state() == LifeState::Conscious);
    if monsters_up || enc.monsters.is_empty() {
        return Ok(());
    }
    let xp: u32 = enc
        .monsters
        .iter()
        .filter_map(|m| monster_of(table, &m.handle).map(|d| d.xp))
        .sum();
    dm_step(table, actor, &DmCommand::EndEncounter, dice, reply)?;
    let ex = ex_mut(table);
    ex.fight = None;
    ex.surprised.clear();
    if !fight.wandering {
        ex.cleared.insert(fight.area.clone());
    }
    share_xp(table, actor, xp, party.len(), dice, reply)?;
    reply.say("Exploration resumes.");
    reply.announce = true;
    if !fight.wandering {
        let defeat: Vec<String> = running(table)?
            .adventure
            .goals
            .iter()
            .filter(|g| matches!(&g.when, When::Defeat { area } if *area == fight.area))
            .map(|g| g.id.clone())
            .collect();
        for g in defeat {
            reach_goal(table, actor, &g, dice, reply)?;
        }
    }
    Ok(())
}

/// `xp` shared evenly among a party of `members` (the DM's `dm xp` path).
fn share_xp(
    table: &mut Table,
    actor: &PlayerId,
    xp: u32,
    members: usize,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let share = u32::try_from(members.max(1)).map_or(xp, |n| xp / n);
    if share == 0 {
        return Ok(());
    }
    dm_step(
        table,
        actor,
        &DmCommand::Xp {
            amount: share,
            to: Vec::new(),
        },
        dice,
        reply,
    )
}

/// Marks a goal reached: its XP for the party, and the end if it ends it.
fn reach_goal(
    table: &mut Table,
    actor: &PlayerId,
    id: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = ex_mut(table);
    if ex.ended.is_some() || ex.goals.contains(id) {
        return Ok(());
    }
    let Some(goal) = ex.adventure.goals.iter().find(|g| g.id == id).cloned() else {
        return Ok(());
    };
    ex.goals.insert(id.to_string());
    reply.say(format!("Goal: {}", goal.text));
    reply.announce = true;
    let party = party(table).len();
    share_xp(table, actor, goal.xp, party, dice, reply)?;
    if goal.ends {
        let title = ex_mut(table).adventure.title.clone();
        ex_mut(table).ended = Some(goal.text.clone());
        reply.say(format!("{title} is over. Well played!"));
    }
    Ok(())
}

/// Goals reached by being here: `reach` this area, `carry` an item here.
fn goals_on_arrival(table: &mut Table, actor: &PlayerId, dice: &mut Dice<'_>, reply: &mut Reply) {
    let Some(ex) = table.adventure.as_deref() else {
        return;
    };
    let carried = |item: &str| {
        let key = item_key(item);
        party(table)
            .iter()
            .filter_map(|h| table.character(h))
            .any(|c| c.items.contains(&key))
    };
    let due: Vec<String> = ex
        .adventure
        .goals
        .iter()
        .filter(|g| match &g.when {
            When::Reach { area } => *area == ex.area,
            When::Carry { item, to } => *to == ex.area && carried(item),
            When::Defeat { .. } => false,
        })
        .map(|g| g.id.clone())
        .collect();
    for g in due {
        // A goal with a missing id was refused by the checker; nothing to report.
        let _ = reach_goal(table, actor, &g, dice, reply);
    }
}

/// How an item is kept on a sheet (as `dm loot` keeps it).
fn item_key(item: &str) -> String {
    item.trim().to_lowercase().replace(' ', "-")
}

/// An exploration turn passes: the torch burns, and wandering monsters may
/// come (a d20 at or under the area's chance).
fn turn_passes(
    table: &mut Table,
    actor: &PlayerId,
    minutes: u32,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    if clock(table, minutes, reply) {
        reply.say("The torch gutters out.");
    }
    wandering(table, actor, dice, reply).map(|_| ())
}

/// Rolls for wandering monsters in the party's area; whether they came.
fn wandering(
    table: &mut Table,
    actor: &PlayerId,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<bool> {
    if table.encounter.is_some() || over(table) {
        return Ok(false);
    }
    let ex = running(table)?;
    let Some(w) = here(ex)?.wandering.clone() else {
        return Ok(false);
    };
    let area = ex.area.clone();
    let face = dice.roll_die(20);
    if face > u64::from(w.chance) {
        return Ok(false);
    }
    reply.say("Something is coming — wandering monsters!");
    start_fight(table, actor, &area, &w.monsters, false, true, dice, reply)?;
    Ok(true)
}

/// `go EXIT`: the party moves on, if the sender may decide for it (the
/// leader or the DM; without a leader, a vote when several play).
pub(super) fn go(
    table: &mut Table,
    actor: &PlayerId,
    exit: &str,
    vote_secs: Option<u32>,
    now: u64,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = calm(table)?;
    let chosen = ex.find_exit(exit).map_err(no)?.clone();
    let is_dm = table.is_dm(actor) && !table.players.contains_key(actor);
    if !is_dm {
        let me = doer(table, actor)?;
        match &ex.leader {
            Some(l) if *l != me => {
                return Err(no(format!(
                    "only the leader ({}) moves the party",
                    name_of(table, l)
                )));
            }
            Some(_) => {}
            None if party(table).len() > 1 => {
                return open_go_vote(table, actor, &chosen, vote_secs, now, reply);
            }
            None => {}
        }
    }
    move_through(table, actor, &chosen, dice, reply)
}

/// Several players and no leader: `go` asks the party.
fn open_go_vote(
    table: &mut Table,
    actor: &PlayerId,
    exit: &Exit,
    vote_secs: Option<u32>,
    now: u64,
    reply: &mut Reply,
) -> Result<()> {
    if table.vote.is_some() {
        return Err(no("a vote is open — vote with `v N` first"));
    }
    let ex = running(table)?;
    let name = ex.exit_text(exit);
    let secs = vote_secs.unwrap_or(GO_VOTE_SECONDS);
    table.vote = Some(Vote {
        opened_by: actor.clone(),
        options: vec![format!("go {name}"), "stay".into()],
        ballots: Default::default(),
        deadline: now.saturating_add(u64::from(secs)),
        go: Some(exit.to.clone()),
    });
    reply.say(format!(
        "Vote: 1. go {name}  2. stay — `v 1` or `v 2` ({} min; `leader NAME` skips votes).",
        secs.div_ceil(60)
    ));
    reply.announce = true;
    Ok(())
}

/// The vote went for going through the exit to `to`: the party goes, if it
/// still can (else the reason is told and it stays).
pub(super) fn vote_won(
    table: &mut Table,
    actor: &PlayerId,
    to: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) {
    let exit = calm(table)
        .ok()
        .and_then(|ex| ex.visible_exits().into_iter().find(|e| e.to == to).cloned());
    let result = match exit {
        Some(e) => move_through(table, actor, &e, dice, reply),
        None => Err(no("that way is gone")),
    };
    if let Err(why) = result {
        reply.say(format!("The party can't go: {why}"));
    }
}

/// Moves the party through `exit`: locked doors stop it, exit traps
/// spring, a turn passes, then the party enters.
fn move_through(
    table: &mut Table,
    actor: &PlayerId,
    exit: &Exit,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = running(table)?;
    if ex.locked(&ex.area, exit) {
        return Err(no(format!(
            "the {} is locked — `pick`, `force` or `open` it with its key",
            ex.exit_text(exit).replace(" (locked)", "")
        )));
    }
    let a = here(ex)?.clone();
    let front = marching(table).into_iter().next();
    for t in &a.traps {
        let key = format!("{}/{}", a.id, t.id);
        let ex = running(table)?;
        if matches!(&t.trigger, Trigger::Exit { to } if *to == exit.to)
            && !ex.sprung.contains(&key)
            && let Some(f) = &front
        {
            spring(table, &a, t, std::slice::from_ref(f), dice, reply);
        }
    }
    if clock(table, TURN_MINUTES, reply) {
        reply.say("The torch gutters out.");
    }
    reply.announce = true;
    enter(table, actor, &exit.to, dice, reply)?;
    if over(table) {
        return Ok(());
    }
    if table.encounter.is_none() {
        wandering(table, actor, dice, reply)?;
    }
    Ok(())
}

/// `search`: a Wisdom (Perception) check against secret exits, traps and
/// hidden treasure, and the area's search features.
pub(super) fn search(
    table: &mut Table,
    actor: &PlayerId,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = calm(table)?;
    let me = doer(table, actor)?;
    if !sees(table, ex, &me) {
        return Err(no("too dark to search — `light` a torch first"));
    }
    let a = here(ex)?.clone();
    let check = Check {
        skill: "perception".into(),
        dc: 0,
    };
    let (_, short) = roll_check(table, &me, &check, dice, reply);
    let total = -short;
    let ex = running(table)?;
    let mut news = Vec::new();
    let mut found_exits = Vec::new();
    for e in &a.exits {
        if let Some(dc) = e.hidden
            && total >= i32::from(dc)
            && !ex.exit_visible(&a.id, e)
        {
            found_exits.push(e.clone());
        }
    }
    let mut spotted = Vec::new();
    for t in &a.traps {
        let key = format!("{}/{}", a.id, t.id);
        if detect_dc(t).is_some_and(|dc| total >= i32::from(dc))
            && !ex.spotted.contains(&key)
            && !ex.sprung.contains(&key)
        {
            spotted.push(t.clone());
        }
    }
    let treasure = a.treasure.as_ref().is_some_and(|t| {
        t.hidden.is_some_and(|dc| total >= i32::from(dc))
            && !ex.treasure_found.contains(&a.id)
            && !ex.taken.contains(&a.id)
    });
    let ex = ex_mut(table);
    ex.searched.insert(a.id.clone());
    *ex.searches.entry(a.id.clone()).or_insert(0) += 1;
    for e in found_exits {
        ex.found.insert(format!("{}>{}", a.id, e.to));
        news.push(format!("a hidden way: {}", ex.exit_text(&e)));
    }
    for t in spotted {
        ex.spotted.insert(format!("{}/{}", a.id, t.id));
        news.push(format!("a trap: {}", t.name));
    }
    if treasure {
        ex.treasure_found.insert(a.id.clone());
        news.push("something of value (`take`)".into());
    }
    if news.is_empty() {
        reply.say(format!("{} finds nothing new.", name_of(table, &me)));
    } else {
        reply.say(format!(
            "{} finds {}.",
            name_of(table, &me),
            news.join("; ")
        ));
    }
    for f in a.features.iter().filter(|f| f.verb == Verb::Search) {
        if !over(table) && table.encounter.is_none() {
            feature(table, actor, &me, &a, f, dice, reply)?;
        }
    }
    if table.encounter.is_none() && !over(table) {
        turn_passes(table, actor, TURN_MINUTES, dice, reply)?;
    }
    Ok(())
}

/// Runs a feature of area `a` for `me`: its trap, its check, its outcomes.
#[allow(clippy::too_many_arguments)]
fn feature(
    table: &mut Table,
    actor: &PlayerId,
    me: &str,
    a: &Area,
    f: &Feature,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let key = format!("{}/{}", a.id, f.id);
    if f.once && running(table)?.used.contains(&key) {
        if f.verb == Verb::Use {
            reply.say(format!("The {} does nothing more.", f.name));
        }
        return Ok(());
    }
    ex_mut(table).used.insert(key);
    if !f.text.is_empty() {
        reply.say(f.text.clone());
    }
    for t in &a.traps {
        let tkey = format!("{}/{}", a.id, t.id);
        if matches!(&t.trigger, Trigger::Feature { id } if *id == f.id)
            && !running(table)?.sprung.contains(&tkey)
        {
            spring(table, a, t, &[me.to_string()], dice, reply);
        }
    }
    let success = match &f.check {
        None => true,
        Some(c) => roll_check(table, me, c, dice, reply).0,
    };
    let outcomes = if success { &f.success } else { &f.failure };
    for o in outcomes {
        if over(table) {
            break;
        }
        outcome(table, actor, me, a, o, dice, reply)?;
    }
    Ok(())
}

/// One outcome of a feature or of an NPC's help.
fn outcome(
    table: &mut Table,
    actor: &PlayerId,
    me: &str,
    a: &Area,
    o: &Outcome,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    match o {
        Outcome::Say { text } => reply.say(text.clone()),
        Outcome::Reveal { exit } => {
            if let Some(e) = a.exits.iter().find(|e| e.to == *exit) {
                let ex = ex_mut(table);
                ex.found.insert(format!("{}>{}", a.id, e.to));
                reply.say(format!("A way opens: {}.", exit_name(e)));
            }
        }
        Outcome::Unlock { exit } => {
            if let Some(e) = a.exits.iter().find(|e| e.to == *exit) {
                ex_mut(table).unlocked.insert(door_key(&a.id, exit));
                reply.say(format!("The {} unlocks.", exit_name(e)));
            }
        }
        Outcome::Give { item } => give(table, me, item, reply),
        Outcome::Gold { gp } => loot(table, actor, *gp, Vec::new(), dice, reply)?,
        Outcome::Trap { id } => {
            if let Some(t) = a.traps.iter().find(|t| t.id == *id)
                && !running(table)?.sprung.contains(&format!("{}/{id}", a.id))
            {
                spring(table, a, t, &[me.to_string()], dice, reply);
            }
        }
        Outcome::Fight => own_fight(table, actor, a, dice, reply)?,
        Outcome::Goal { id } => reach_goal(table, actor, id, dice, reply)?,
        Outcome::Attitude { npc, to } => {
            ex_mut(table).attitudes.insert(npc.clone(), *to);
            if let Some(n) = running(table)?.adventure.npcs.iter().find(|n| n.id == *npc) {
                reply.say(format!("{} is now {}.", n.name, attitude_word(*to)));
            }
        }
    }
    Ok(())
}

fn attitude_word(a: Attitude) -> &'static str {
    match a {
        Attitude::Hostile => "hostile",
        Attitude::Indifferent => "indifferent",
        Attitude::Friendly => "friendly",
    }
}

/// An item for `me`: torches join the party's supply.
fn give(table: &mut Table, me: &str, item: &str, reply: &mut Reply) {
    let key = item_key(item);
    if key == "torch" || key == "torches" {
        ex_mut(table).torches += 1;
        reply.say("The party gains a torch.");
        return;
    }
    if let Some(c) = table.character_mut(me) {
        c.items.push(key);
        reply.say(format!("{} takes the {item}.", c.name));
    }
}

/// Gold and items for the party, through the DM's loot.
fn loot(
    table: &mut Table,
    actor: &PlayerId,
    gold: u32,
    items: Vec<String>,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    dm_step(
        table,
        actor,
        &DmCommand::Loot {
            gold,
            items,
            to: Vec::new(),
        },
        dice,
        reply,
    )
}

/// `use THING`: a feature of the area used by name, if there is one.
/// Returns false when none matches (then it is an item of the sheet).
pub(super) fn use_feature(
    table: &mut Table,
    actor: &PlayerId,
    thing: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<bool> {
    let Some(ex) = table.adventure.as_deref() else {
        return Ok(false);
    };
    if ex.ended.is_some() || table.encounter.is_some() {
        return Ok(false);
    }
    let Some(a) = ex.here().cloned() else {
        return Ok(false);
    };
    let q = thing.trim().to_lowercase();
    let Some(f) = a
        .features
        .iter()
        .find(|f| f.verb == Verb::Use && (f.id == q || f.name.to_lowercase().starts_with(&q)))
    else {
        return Ok(false);
    };
    member(table, actor)?;
    let me = doer(table, actor)?;
    if !sees(table, ex, &me) {
        return Err(no("too dark to find it — `light` a torch first"));
    }
    feature(table, actor, &me, &a, f, dice, reply)?;
    if table.encounter.is_none() && !over(table) {
        turn_passes(table, actor, 1, dice, reply)?;
    }
    Ok(true)
}

/// Which door: the exit named, which must have one.
fn door<'e>(ex: &'e Exploration, exit: &str) -> Result<&'e Exit> {
    let e = ex.find_exit(exit).map_err(no)?;
    if e.door.is_none() {
        return Err(no(format!("the {} has no door", exit_name(e))));
    }
    Ok(e)
}

/// Opening the door through `e`: the traps on it spring on `me`.
fn opened(
    table: &mut Table,
    me: &str,
    e: &Exit,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = ex_mut(table);
    ex.unlocked.insert(door_key(&ex.area, &e.to));
    let a = here(running(table)?)?.clone();
    for t in &a.traps {
        let key = format!("{}/{}", a.id, t.id);
        if matches!(&t.trigger, Trigger::Open { exit } if *exit == e.to)
            && !running(table)?.sprung.contains(&key)
        {
            spring(table, &a, t, &[me.to_string()], dice, reply);
        }
    }
    Ok(())
}

/// `open EXIT`: a door, unlocked, or locked with its key carried.
pub(super) fn open(
    table: &mut Table,
    actor: &PlayerId,
    exit: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = calm(table)?;
    let e = door(ex, exit)?.clone();
    let me = doer(table, actor)?;
    if ex.locked(&ex.area, &e) {
        let key = e.door.as_ref().and_then(|d| d.key.clone());
        let has = key.as_ref().is_some_and(|k| {
            let k = item_key(k);
            party(table)
                .iter()
                .filter_map(|h| table.character(h))
                .any(|c| c.items.contains(&k))
        });
        if !has {
            return Err(no(format!(
                "the {} is locked — `pick` or `force` it, or find its key",
                exit_name(&e)
            )));
        }
        reply.say(format!(
            "{} unlocks the {} with the {}.",
            name_of(table, &me),
            exit_name(&e),
            key.unwrap_or_default()
        ));
    } else {
        reply.say(format!(
            "{} opens the {}.",
            name_of(table, &me),
            exit_name(&e)
        ));
    }
    opened(table, &me, &e, dice, reply)
}

/// `pick EXIT` / `force EXIT`: a check against the lock or the door.
pub(super) fn pick_or_force(
    table: &mut Table,
    actor: &PlayerId,
    exit: &str,
    force: bool,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = calm(table)?;
    let e = door(ex, exit)?.clone();
    if !ex.locked(&ex.area, &e) {
        return Err(no(format!(
            "the {} is not locked — `go` through",
            exit_name(&e)
        )));
    }
    let me = doer(table, actor)?;
    let Some(d) = e.door.clone() else {
        return Err(no(format!("the {} has no door", exit_name(&e))));
    };
    let check = if force {
        d.force.map(|dc| Check {
            skill: "athletics".into(),
            dc,
        })
    } else {
        d.pick.map(|dc| Check {
            skill: "thieves' tools".into(),
            dc,
        })
    };
    let Some(check) = check else {
        return Err(no(format!(
            "the {} can't be {} — {}",
            exit_name(&e),
            if force { "forced" } else { "picked" },
            if force { "try `pick`" } else { "try `force`" }
        )));
    };
    if !force {
        let c = table
            .character(&me)
            .ok_or_else(|| no("only characters pick locks"))?;
        if c.class != "rogue" && !c.items.iter().any(|i| i.starts_with("thieves")) {
            return Err(no(format!(
                "{} has no thieves' tools — a rogue can `pick`, anyone can `force`",
                c.name
            )));
        }
    }
    let (ok, _) = roll_check(table, &me, &check, dice, reply);
    if ok {
        let verb = if force { "forces" } else { "picks" };
        reply.say(format!(
            "{} {verb} the {}.",
            name_of(table, &me),
            exit_name(&e)
        ));
        opened(table, &me, &e, dice, reply)?;
    } else {
        reply.say(format!("The {} holds.", exit_name(&e)));
    }
    turn_passes(table, actor, TURN_MINUTES, dice, reply)
}

/// `disarm TRAP`: a spotted trap, by its check; failing by 5 or more
/// springs it.
pub(super) fn disarm(
    table: &mut Table,
    actor: &PlayerId,
    trap: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = calm(table)?;
    let a = here(ex)?.clone();
    let q = trap.trim().to_lowercase();
    let t = a
        .traps
        .iter()
        .find(|t| {
            let key = format!("{}/{}", a.id, t.id);
            ex.spotted.contains(&key)
                && !ex.sprung.contains(&key)
                && (t.id == q || t.name.to_lowercase().starts_with(&q))
        })
        .cloned()
        .ok_or_else(|| {
            no(format!(
                "no trap `{}` spotted here",
                trap.chars().take(24).collect::<String>()
            ))
        })?;
    let me = doer(table, actor)?;
    let check = disarm_check(&t).ok_or_else(|| no(format!("the {} can't be disarmed", t.name)))?;
    let (ok, short) = roll_check(table, &me, &check, dice, reply);
    if ok {
        ex_mut(table).sprung.insert(format!("{}/{}", a.id, t.id));
        reply.say(format!("{} disarms the {}.", name_of(table, &me), t.name));
    } else if short >= 5 {
        spring(table, &a, &t, std::slice::from_ref(&me), dice, reply);
    } else {
        reply.say(format!(
            "{} fails to disarm the {}.",
            name_of(table, &me),
            t.name
        ));
    }
    Ok(())
}

/// `talk NPC [help|persuade|words]`.
pub(super) fn talk(
    table: &mut Table,
    actor: &PlayerId,
    npc: &str,
    say: &str,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = calm(table)?;
    let q = npc.trim().to_lowercase();
    let n = ex
        .npcs_here()
        .find(|n| n.id == q || n.name.to_lowercase().starts_with(&q))
        .cloned()
        .ok_or_else(|| {
            let here: Vec<String> = ex.npcs_here().map(|n| n.name.clone()).collect();
            if here.is_empty() {
                no("no one here to talk to")
            } else {
                no(format!("talk to whom? here: {}", here.join(", ")))
            }
        })?;
    let attitude = ex.attitude(&n);
    let me = doer(table, actor)?;
    let words = say.trim().to_lowercase();
    if words == "persuade" {
        let dc = n
            .persuade
            .ok_or_else(|| no(format!("{} won't be persuaded", n.name)))?;
        if attitude == Attitude::Friendly {
            return Err(no(format!("{} is friendly already", n.name)));
        }
        let check = Check {
            skill: "persuasion".into(),
            dc,
        };
        let (ok, _) = roll_check(table, &me, &check, dice, reply);
        if ok {
            let up = match attitude {
                Attitude::Hostile => Attitude::Indifferent,
                _ => Attitude::Friendly,
            };
            ex_mut(table).attitudes.insert(n.id.clone(), up);
            reply.say(format!("{} is now {}.", n.name, attitude_word(up)));
        } else {
            reply.say(format!("{} is not moved.", n.name));
        }
        return Ok(());
    }
    if attitude == Attitude::Hostile {
        reply.say(format!("{} glares and says nothing.", n.name));
        return Ok(());
    }
    if words.is_empty() {
        reply.say(format!("{}: {}", n.name, n.greeting));
        return Ok(());
    }
    if words == "help" {
        if attitude != Attitude::Friendly {
            reply.say(format!(
                "{} won't help yet — `talk {} persuade`.",
                n.name,
                n.name.split(' ').next().unwrap_or("").to_lowercase()
            ));
            return Ok(());
        }
        let key = format!("npc:{}", n.id);
        if n.helps.is_empty() || running(table)?.used.contains(&key) {
            reply.say(format!("{} has done what they can.", n.name));
            return Ok(());
        }
        ex_mut(table).used.insert(key);
        let a = here(running(table)?)?.clone();
        for o in &n.helps {
            if over(table) {
                break;
            }
            outcome(table, actor, &me, &a, o, dice, reply)?;
        }
        return Ok(());
    }
    let topic = n
        .lines
        .iter()
        .find(|t| t.needs <= attitude && t.about.iter().any(|k| words.contains(&k.to_lowercase())));
    match topic {
        Some(t) => reply.say(format!("{}: {}", n.name, t.text)),
        None => reply.say(format!("{} has nothing to say about that.", n.name)),
    }
    Ok(())
}

/// `take`: the area's treasure, if it is in sight, for the party.
pub(super) fn take(
    table: &mut Table,
    actor: &PlayerId,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = calm(table)?;
    let a = here(ex)?.clone();
    let t = a
        .treasure
        .clone()
        .filter(|t| {
            !ex.taken.contains(&a.id) && (t.hidden.is_none() || ex.treasure_found.contains(&a.id))
        })
        .ok_or_else(|| no("nothing to take here — `search` first?"))?;
    let me = doer(table, actor)?;
    if !sees(table, ex, &me) {
        return Err(no("too dark to find it — `light` a torch first"));
    }
    ex_mut(table).taken.insert(a.id.clone());
    // Silver and copper are counted in gold, rounded down.
    let gold = t.gp + t.sp / 10 + t.cp / 100;
    let (torches, items): (Vec<String>, Vec<String>) = t
        .items
        .iter()
        .cloned()
        .partition(|i| matches!(item_key(i).as_str(), "torch" | "torches"));
    for _ in &torches {
        give(table, &me, "torch", reply);
    }
    if t.sp > 0 || t.cp > 0 {
        reply.say(format!("Coins: {} gp, {} sp, {} cp.", t.gp, t.sp, t.cp));
    }
    if gold > 0 || !items.is_empty() {
        loot(table, actor, gold, items, dice, reply)?;
    }
    goals_on_arrival(table, actor, dice, reply);
    Ok(())
}

/// `leave`: the party walks out by the way it came in, ending the
/// adventure neither won nor lost. Only from the start area, out of a
/// fight; the leader or the DM decides when a leader is chosen.
pub(super) fn leave(table: &mut Table, actor: &PlayerId, reply: &mut Reply) -> Result<()> {
    let ex = calm(table)?;
    if ex.area != ex.adventure.start {
        let way_in = ex
            .area_by(&ex.adventure.start)
            .map_or_else(|| ex.adventure.start.clone(), |a| a.name.clone());
        return Err(no(format!(
            "the way out is at the {way_in} — go back there to `leave`"
        )));
    }
    let is_dm = table.is_dm(actor) && !table.players.contains_key(actor);
    if !is_dm {
        let me = doer(table, actor)?;
        match ex.leader.as_ref() {
            Some(l) if *l != me => {
                return Err(no(format!(
                    "only the leader ({}) leads the party out",
                    name_of(table, l)
                )));
            }
            // Ending the adventure is the whole party's call: one player
            // of several can't do it alone.
            None if party(table).len() > 1 => {
                return Err(no(
                    "the party leaves together: choose a leader first (`leader NAME`), who leads it out",
                ));
            }
            _ => {}
        }
    }
    let title = ex.adventure.title.clone();
    ex_mut(table).ended = Some(LEFT.into());
    reply.say(format!(
        "The party leaves the dungeon. {title} ends here, its goals unmet."
    ));
    reply.announce = true;
    Ok(())
}

/// `light` / `douse`: a torch.
pub(super) fn light(table: &mut Table, on: bool, reply: &mut Reply) -> Result<()> {
    let ex = running(table)?;
    if on {
        if ex.torch > 0 {
            return Err(no(format!(
                "a torch is lit already ({} min left)",
                ex.torch
            )));
        }
        if ex.torches == 0 {
            return Err(no("the party has no torches left"));
        }
        let ex = ex_mut(table);
        ex.torches -= 1;
        ex.torch = TORCH_MINUTES;
        reply.say(format!(
            "A torch is lit ({TORCH_MINUTES} min; {} left).",
            ex.torches
        ));
    } else {
        if ex.torch == 0 {
            return Err(no("no torch is lit"));
        }
        ex_mut(table).torch = 0;
        reply.say("The torch is put out.");
    }
    Ok(())
}

/// `leader NAME` / `leader none`.
pub(super) fn leader(table: &mut Table, name: Option<&str>, reply: &mut Reply) -> Result<()> {
    running(table)?;
    let pick = match name {
        None => None,
        Some(n) => Some(party_member(table, n)?),
    };
    match &pick {
        Some(h) => reply.say(format!("{} leads the party.", name_of(table, h))),
        None => reply.say("No leader: `go` opens a vote."),
    }
    ex_mut(table).leader = pick;
    reply.announce = true;
    Ok(())
}

fn party_member(table: &Table, query: &str) -> Result<String> {
    let q = query.trim().to_lowercase();
    let all = party(table);
    all.iter()
        .find(|h| **h == q)
        .or_else(|| {
            all.iter().find(|h| {
                table
                    .character(h)
                    .is_some_and(|c| c.name.to_lowercase().starts_with(&q))
            })
        })
        .cloned()
        .ok_or_else(|| {
            no(format!(
                "no one called `{}` in the party",
                query.chars().take(24).collect::<String>()
            ))
        })
}

/// `order A B C`: the marching order, front first.
pub(super) fn march(table: &mut Table, order: &[String], reply: &mut Reply) -> Result<()> {
    running(table)?;
    let mut handles = Vec::new();
    for n in order {
        let h = party_member(table, n)?;
        if !handles.contains(&h) {
            handles.push(h);
        }
    }
    ex_mut(table).order = handles;
    let names: Vec<String> = marching(table).iter().map(|h| name_of(table, h)).collect();
    reply.say(format!("Marching order: {}.", names.join(", ")));
    Ok(())
}

/// `rest short|long` with an adventure running: the whole party rests,
/// where the area allows, unless wandering monsters interrupt.
pub(super) fn party_rest(
    table: &mut Table,
    actor: &PlayerId,
    long: bool,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = calm(table)?;
    let allowed = here(ex)?.rest;
    match (allowed, long) {
        (Rest::None, _) => return Err(no("no resting here — it isn't safe")),
        (Rest::Short, true) => return Err(no("only a short rest here — `rest short`")),
        _ => {}
    }
    if wandering(table, actor, dice, reply)? {
        reply.say("The rest is interrupted!");
        return Ok(());
    }
    for h in party(table) {
        let alive = table
            .character(&h)
            .is_some_and(|c| c.health.state() != LifeState::Dead);
        if alive {
            rest::rest(table, &h, long, dice, reply)?;
        }
    }
    let minutes = if long { 8 * 60 } else { 60 };
    if clock(table, minutes, reply) {
        reply.say("The torch burns out.");
    }
    reply.announce = true;
    Ok(())
}

/// The DM's exploration commands: start an adventure, move the party,
/// reveal an area, the map.
pub(super) fn dm_command(
    table: &mut Table,
    actor: &PlayerId,
    command: &DmCommand,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    match command {
        DmCommand::Adventure { id, adventure } => {
            start(table, actor, id, adventure.as_deref(), dice, reply)
        }
        DmCommand::MoveParty { area } => {
            let ex = calm(table)?;
            let id = find_area(ex, area)?;
            reply.say("The DM moves the party.");
            enter(table, actor, &id, dice, reply)
        }
        DmCommand::RevealArea { area } => {
            let ex = running(table)?;
            let id = find_area(ex, area)?;
            let ex = ex_mut(table);
            ex.revealed.insert(id.clone());
            // Its ways in from where the party is are no secret any more.
            let here = ex.area.clone();
            if let Some(a) = ex.area_by(&here).cloned() {
                for e in a.exits.iter().filter(|e| e.to == id) {
                    ex.found.insert(format!("{here}>{}", e.to));
                }
            }
            let name = ex.area_by(&id).map(|a| a.name.clone()).unwrap_or(id);
            reply.say(format!("The party learns of {name}."));
            Ok(())
        }
        DmCommand::Access { join, watch } => access(table, *join, *watch, dice, reply),
        DmCommand::Invite => {
            running(table)?;
            freeze(table);
            let code = invite_code(dice);
            let ex = ex_mut(table);
            ex.access = Access::Invite;
            ex.invite = Some(code.clone());
            reply.say(format!(
                "Invite code: {code} — players join with `party join {code}` (the old code no longer works)."
            ));
            reply.private = true;
            Ok(())
        }
        DmCommand::PartyMember { character, add } => {
            running(table)?;
            if table.encounter.is_some() {
                return Err(no("not during a fight — after it"));
            }
            let h = find_character(table, character)?.handle.clone();
            let name = name_of(table, &h);
            if *add {
                if !table.players.values().any(|p| *p == h) {
                    return Err(no(format!(
                        "no one plays {name} here — its player picks it with `char use {name}` first"
                    )));
                }
                join_party(table, &h);
                reply.say(format!("The DM brings {name} into the party."));
            } else {
                leave_party(table, &h);
                reply.say(format!("The DM takes {name} out of the party."));
            }
            reply.announce = true;
            Ok(())
        }
        DmCommand::Map => {
            let ex = table
                .adventure
                .as_deref()
                .ok_or_else(|| no("no adventure is running — `dm adventure ID`"))?;
            reply.say(ex.map());
            reply.private = true;
            Ok(())
        }
        _ => Err(no("that is not an exploration command")),
    }
}

fn find_area(ex: &Exploration, query: &str) -> Result<String> {
    let q = query.trim().to_lowercase();
    ex.adventure
        .areas
        .iter()
        .find(|a| a.id == q)
        .or_else(|| {
            ex.adventure
                .areas
                .iter()
                .find(|a| a.name.to_lowercase().starts_with(&q))
        })
        .map(|a| a.id.clone())
        .ok_or_else(|| {
            no(format!(
                "no area `{}` — `dm map` lists them",
                query.chars().take(24).collect::<String>()
            ))
        })
}

/// The letters invite codes are made of: no 0/O or 1/I to mistake.
const CODE_LETTERS: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A six-letter invite code rolled from the table's dice (so replay makes
/// the same one).
fn invite_code(dice: &mut Dice<'_>) -> String {
    (0..6)
        .map(|_| {
            let face = dice.roll_die(32).clamp(1, 32);
            char::from(CODE_LETTERS[usize::try_from(face - 1).unwrap_or(0)])
        })
        .collect()
}

/// Before the party stops being open to all: who is in it now is written
/// down, so changing the access never drops anyone.
fn freeze(table: &mut Table) {
    let now: Vec<String> = party(table);
    ex_mut(table).members.extend(now);
}

fn join_party(table: &mut Table, h: &str) {
    let ex = ex_mut(table);
    ex.left.remove(h);
    ex.members.insert(h.to_owned());
}

fn leave_party(table: &mut Table, h: &str) {
    let ex = ex_mut(table);
    ex.members.remove(h);
    ex.left.insert(h.to_owned());
    ex.order.retain(|o| o != h);
    if ex.leader.as_deref() == Some(h) {
        ex.leader = None;
    }
}

/// `dm access open|invite|closed`, `dm access watch on|off`.
fn access(
    table: &mut Table,
    join: Option<Access>,
    watch: Option<bool>,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    running(table)?;
    if let Some(access) = join {
        if access != Access::Open {
            freeze(table);
        }
        let needs_code = access == Access::Invite && ex_mut(table).invite.is_none();
        let code = needs_code.then(|| invite_code(dice));
        let ex = ex_mut(table);
        ex.access = access;
        if let Some(code) = code {
            ex.invite = Some(code);
        }
        reply.say(match access {
            Access::Open => "The adventure is open: anyone at the table may join.".to_owned(),
            Access::Invite => format!(
                "The adventure is invite-only: code {} (`party join CODE`; `dm invite` makes a new one).",
                ex.invite.as_deref().unwrap_or("?")
            ),
            Access::Closed => "The adventure is closed: only the DM adds players now.".to_owned(),
        });
        // The code is the DM's to hand out.
        reply.private = access == Access::Invite;
    }
    if let Some(on) = watch {
        ex_mut(table).no_watchers = !on;
        reply.say(if on {
            "Others at the table may watch the adventure."
        } else {
            "Only the party and the DM see the adventure now."
        });
    }
    Ok(())
}

/// `party`, `party join [CODE]`, `party leave`.
pub(super) fn party_command(
    table: &mut Table,
    actor: &PlayerId,
    action: Option<&PartyAction>,
    reply: &mut Reply,
) -> Result<()> {
    let ex = running(table)?;
    let Some(action) = action else {
        watcher(table, actor)?;
        let names: Vec<String> = party(table).iter().map(|h| name_of(table, h)).collect();
        let who = if names.is_empty() {
            "no one".to_owned()
        } else {
            names.join(", ")
        };
        let mut text = format!("{} — party: {who}.", ex.adventure.title);
        if let Some(l) = &ex.leader {
            text.push_str(&format!(" Leader: {}.", name_of(table, l)));
        }
        text.push_str(match ex.access {
            Access::Open => " Open to all here.",
            Access::Invite => " Invite only.",
            Access::Closed => " Closed.",
        });
        if ex.no_watchers {
            text.push_str(" No watchers.");
        }
        if let Some(owner) = &ex.owner {
            text.push_str(&format!(" DM: {}.", owner.0));
        }
        if table.is_dm(actor)
            && let Some(code) = &ex.invite
        {
            text.push_str(&format!(" Code: {code}."));
            reply.private = true;
        }
        reply.say(text);
        return Ok(());
    };
    if table.encounter.is_some() {
        return Err(no("not during a fight — after it"));
    }
    let h = table.players.get(actor).cloned().ok_or_else(|| {
        no("you have no character here — make one with `char new NAME CLASS LEVEL RACE`")
    })?;
    let name = name_of(table, &h);
    match action {
        PartyAction::Join { code } => {
            if ex.members.contains(&h) && ex.in_party(&h) {
                return Err(no(format!("{name} is in the party already")));
            }
            match ex.access {
                Access::Open => {}
                Access::Closed => {
                    return Err(no(format!("{name} can't join — {}", how_to_join(ex))));
                }
                Access::Invite => {
                    let given = code.as_deref().map(|c| c.trim().to_uppercase());
                    match (given, &ex.invite) {
                        (None, _) => {
                            return Err(no(
                                "this adventure is invite-only — `party join CODE` with the DM's code",
                            ));
                        }
                        (Some(g), Some(code)) if g == *code => {}
                        _ => {
                            return Err(no(
                                "that invite code is wrong — ask the DM for the current one",
                            ));
                        }
                    }
                }
            }
            join_party(table, &h);
            reply.say(format!("{name} joins the party."));
        }
        PartyAction::Leave => {
            if !ex.in_party(&h) {
                return Err(no(format!("{name} is not in the party")));
            }
            leave_party(table, &h);
            reply.say(format!("{name} leaves the party."));
        }
    }
    reply.announce = true;
    Ok(())
}
