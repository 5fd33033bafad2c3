//! Carrying out one command on a table: the rules of play between the
//! command and the rules engine. [`execute`] changes the table it is given;
//! [`crate::handle`] runs it on a copy, [`crate::Table::apply`] on the real one.

use rules::automation::{self, CastFigures, Caster, Resolution, Target, TurnEvent, features};
use rules::content::{self, Targeting, TurnPoint};
use rules::dice::{self, Advantage, DieRoller};
use rules::mechanics::{
    Ability, AttackContext, AttackResult, Condition, Conditions, D20Roll, D20Test, DamageType,
    Distance, Economy, Health, LifeState, Skill, SpellLevel, TestOutcome, ZeroHp,
};

use crate::character::{Character, index};
use crate::command::{Command, DmCommand, Scores, Simple};
use crate::encounter::{Encounter, MonsterState, ReadyWhen};
use crate::event::{Line, PlayerId, Reply, TurnNote};
use crate::table::{Rejection, Table, Vote};

mod classes;
mod limits;
mod reach;
pub(crate) use reach::area_capacity;

/// Whether `me` reaches `targets` with `spell` from where everyone stands.
pub(crate) fn spell_in_reach(
    table: &Table,
    me: &str,
    spell: &content::Spell,
    targets: &[String],
) -> bool {
    reach::spell(table, me, spell, targets).is_ok()
}
mod reactions;

type Result<T> = std::result::Result<T, Rejection>;

fn no(why: impl Into<String>) -> Rejection {
    Rejection::new(why)
}

/// How long a vote stays open, in seconds.
pub const VOTE_SECONDS: u64 = 300;

/// Carries out `command` from `actor` on `table`.
pub fn execute(
    table: &mut Table,
    actor: &PlayerId,
    command: &Command,
    now: u64,
    dice: &mut dyn DieRoller,
) -> Result<Reply> {
    let mut reply = Reply::default();
    close_vote_if_due(table, now, &mut reply);
    match command {
        Command::Dm(dm) => {
            if !table.is_dm(actor) {
                return Err(no("only the table's DM can do that"));
            }
            dm_command(table, actor, dm, dice, &mut reply)?;
            reply.announce |= announced(dm);
        }
        Command::NewCharacter(new) => {
            let mut new = new.clone();
            if let Scores::PointBuy { .. } = new.scores {
            } else {
                new.scores = Scores::StandardArray;
            }
            let c = Character::create(&new).map_err(|e| no(e.to_string()))?;
            if table.character(&c.handle).is_some() {
                return Err(no(format!(
                    "there is already a character called {}",
                    c.name
                )));
            }
            reply.lines.push(Line::Character {
                name: c.name.clone(),
                level: c.level,
                race: c.race.clone(),
                class: c.class.clone(),
                max_hp: c.health.max(),
                ac: c.ac(),
                speed: c.speed,
                scores: c.scores,
            });
            table.players.insert(actor.clone(), c.handle.clone());
            table.owners.insert(c.handle.clone(), actor.clone());
            table.characters.push(c);
        }
        Command::UseCharacter { name } => {
            let c = find_character(table, name)?;
            let (handle, shown) = (c.handle.clone(), c.name.clone());
            if table.players.get(actor) == Some(&handle) {
                reply.say(format!("You already play {shown}."));
                return Ok(reply);
            }
            let owner = table.owners.get(&handle);
            let played_by = table
                .players
                .iter()
                .find(|(_, h)| **h == handle)
                .map(|(p, _)| p);
            let allowed = match (owner, played_by) {
                (Some(o), _) => o == actor,
                // Made before owners were kept: whoever played it last.
                (None, Some(p)) => p == actor,
                (None, None) => table.is_dm(actor),
            };
            if !allowed {
                return Err(no(format!(
                    "{shown} is someone else's character; make your own with `char new`"
                )));
            }
            if let Some(p) = played_by.filter(|p| *p != actor) {
                return Err(no(format!("{shown} is being played by {p} right now")));
            }
            if let Some(enc) = &table.encounter {
                let current = table.players.get(actor);
                let fighting = |h: &String| enc.order.iter().any(|s| &s.handle == h);
                if fighting(&handle) || current.is_some_and(fighting) {
                    return Err(no("you can't switch characters in the middle of a fight; \
                         wait for the DM to end it"));
                }
            }
            table.players.insert(actor.clone(), handle);
            reply.say(format!("You now play {shown}."));
        }
        Command::Sheet { name } => {
            let c = match name {
                Some(n) => find_character(table, n)?,
                None => table.character_of(actor).ok_or_else(|| {
                    no("you have no character — make one with `char new NAME CLASS LEVEL RACE`")
                })?,
            };
            reply.say(sheet_text(c));
            reply.private = true;
        }
        Command::Status => {
            let dm_eyes = table.is_dm(actor)
                && table
                    .encounter
                    .as_ref()
                    .is_some_and(|e| !e.monsters.is_empty());
            reply.say(status_text(table, dm_eyes));
            // The monsters' numbers are for the DM alone.
            reply.private = dm_eyes;
        }
        Command::Commands => reply.say(HELP),
        Command::Verify => reply.say(match &table.revealed_seed {
            Some(seed) => format!(
                "seed revealed: {seed} (commitment {}); `dungeon verify` checks every roll",
                table.commitment
            ),
            None => format!(
                "dice commitment {} — the DM reveals the seed with `dm reveal`",
                table.commitment
            ),
        }),
        Command::Roll { expr, advantage } => {
            let who = actor_name(table, actor);
            roll_expr(&who, expr, *advantage, dice, &mut reply)?;
        }
        Command::Vote { options } => {
            if table.vote.is_some() {
                return Err(no("a vote is already open — vote with `v N`"));
            }
            if options.len() < 2 {
                return Err(no("a vote needs at least two options"));
            }
            table.vote = Some(Vote {
                opened_by: actor.clone(),
                options: options.clone(),
                ballots: Default::default(),
                deadline: now.saturating_add(VOTE_SECONDS),
            });
            let list: Vec<String> = options
                .iter()
                .enumerate()
                .map(|(i, o)| format!("{}. {o}", i + 1))
                .collect();
            reply.say(format!("Vote open for 5 minutes: {}", list.join("  ")));
            reply.announce = true;
        }
        Command::VoteFor { option } => {
            let vote = table
                .vote
                .as_mut()
                .ok_or_else(|| no("no vote is open — open one with `vote \"a\" \"b\"`"))?;
            let pick = pick_option(&vote.options, option)?;
            vote.ballots.insert(actor.clone(), pick);
            reply.say(format!("Vote for {}.", vote.options[pick]));
            let voters = table.players.len().max(1);
            if table
                .vote
                .as_ref()
                .is_some_and(|v| v.ballots.len() >= voters)
            {
                close_vote(table, &mut reply);
            }
        }
        Command::EndTurn if dm_moves_turn(table, actor) => {
            if table.encounter.is_none() {
                return Err(no("no fight is on — `dm encounter` starts one"));
            }
            advance(table, dice, &mut reply);
        }
        other => {
            let me = acting_character(table, actor)?;
            act(table, &me, other, dice, &mut reply)?;
        }
    }
    note_turn(table, &mut reply);
    Ok(reply)
}

/// The DM's `n` starts the fight or ends whoever's turn it is (a monster's,
/// or a player's who is away), unless it is the DM's own character's turn.
fn dm_moves_turn(table: &Table, actor: &PlayerId) -> bool {
    if !table.is_dm(actor) {
        return false;
    }
    let own = table.players.get(actor);
    let current = table.encounter.as_ref().and_then(Encounter::current);
    own.is_none() || current.is_none_or(|c| Some(&c.to_string()) != own)
}

/// The character the player acts as.
fn acting_character(table: &Table, actor: &PlayerId) -> Result<String> {
    table.players.get(actor).cloned().ok_or_else(|| {
        no("you have no character here — make one with `char new NAME CLASS LEVEL RACE`")
    })
}

fn actor_name(table: &Table, actor: &PlayerId) -> String {
    table
        .character_of(actor)
        .map_or_else(|| actor.0.clone(), |c| c.name.clone())
}

/// A command a combatant (a character, or a monster the DM runs) carries out.
fn act(
    table: &mut Table,
    me: &str,
    command: &Command,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<()> {
    limits::check(table, me, command)?;
    match command {
        Command::Check { what, advantage } => check(table, me, what, *advantage, dice, reply),
        Command::Save { ability, advantage } => {
            let bonus = save_bonus(table, me, *ability);
            let test = D20Test::new(bonus).with_advantage(*advantage);
            let roll = D20Roll::roll(test.advantage, dice);
            let total = i32::from(roll.face()) + bonus;
            reply.lines.push(Line::Roll {
                who: name_of(table, me),
                label: format!("{} save", ability.name()),
                detail: format!("{} {bonus:+}", d20_text(&roll)),
                total: i64::from(total),
            });
            Ok(())
        }
        Command::JoinInitiative => {
            let enc = table
                .encounter
                .as_ref()
                .ok_or_else(|| no("no fight is on — the DM starts one with `dm encounter`"))?;
            if enc.has(me) {
                return Err(no("you are already in the initiative order"));
            }
            let init = roll_initiative(table, me, dice, reply);
            if let Some(enc) = table.encounter.as_mut() {
                enc.insert(me.to_string(), init);
            }
            Ok(())
        }
        Command::EndTurn => end_turn(table, me, dice, reply),
        Command::DeathSave => death_save(table, me, dice, reply),
        Command::Attack { .. } | Command::Cast { .. } | Command::OffHand { .. } => {
            attack_or_cast(table, me, command, Via::Normal, dice, reply)
        }
        Command::Act(simple) => simple_action(table, me, *simple, dice, reply),
        Command::Help { target } => {
            let t = resolve(table, target)?;
            spend_action(table, me)?;
            reply.say(format!(
                "{} helps: the next ally attack against {} has advantage.",
                name_of(table, me),
                name_of(table, &t)
            ));
            if let Some(enc) = table.encounter.as_mut()
                && !enc.helped.contains(&t)
            {
                enc.helped.push(t);
            }
            Ok(())
        }
        Command::Grapple { target } => contest(table, me, target, None, dice, reply),
        Command::Shove { target, prone } => contest(table, me, target, Some(*prone), dice, reply),
        Command::Ready { action } => reactions::ready(table, me, action, reply),
        Command::Feature(f) => classes::feature(table, me, *f, dice, reply),
        Command::React { reaction, on } => {
            let said = reactions::switch(table, me, reaction, *on)?;
            reply.say(said);
            Ok(())
        }
        Command::Use { item, target } => use_item(table, me, item, target.as_deref(), dice, reply),
        Command::Move { to, target } => move_to(table, me, *to, target, dice, reply),
        Command::Rest { long } => rest(table, me, *long, dice, reply),
        Command::LevelUp => level_up(table, me, false, reply),
        _ => Err(no("that command is not for a combatant")),
    }
}

// ---------------------------------------------------------------- names

/// A creature's display name.
fn name_of(table: &Table, handle: &str) -> String {
    if let Some(c) = table.character(handle) {
        return c.name.clone();
    }
    table
        .encounter
        .as_ref()
        .and_then(|e| e.monster(handle))
        .map_or_else(|| handle.to_string(), MonsterState::name)
}

fn is_monster(table: &Table, handle: &str) -> bool {
    table
        .encounter
        .as_ref()
        .is_some_and(|e| e.monster(handle).is_some())
}

/// Every creature handle at the table: characters, then monsters.
fn handles(table: &Table) -> Vec<String> {
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

fn find_character<'t>(table: &'t Table, query: &str) -> Result<&'t Character> {
    let h = resolve(table, query)?;
    table
        .character(&h)
        .ok_or_else(|| no(format!("{query} is not a character")))
}

// ---------------------------------------------------------------- figures

fn save_bonus(table: &Table, handle: &str, ability: Ability) -> i32 {
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

fn monster_of(table: &Table, handle: &str) -> Option<&'static content::Monster> {
    table.encounter.as_ref()?.monster(handle)?.data()
}

fn check_bonus(table: &Table, handle: &str, ability: Ability, skill: Option<Skill>) -> i32 {
    if let Some(c) = table.character(handle) {
        return skill.map_or_else(|| c.modifier(ability), |s| c.skill_bonus(s));
    }
    monster_of(table, handle).map_or(0, |m| {
        skill
            .and_then(|s| m.skills.get(&s).copied())
            .unwrap_or_else(|| m.abilities[ability].modifier())
    })
}

fn health(table: &Table, handle: &str) -> Option<Health> {
    if let Some(c) = table.character(handle) {
        return Some(c.health);
    }
    table.encounter.as_ref()?.monster(handle).map(|m| m.health)
}

fn health_mut<'t>(table: &'t mut Table, handle: &str) -> Option<&'t mut Health> {
    if table.character(handle).is_some() {
        return table.character_mut(handle).map(|c| &mut c.health);
    }
    table
        .encounter
        .as_mut()?
        .monster_mut(handle)
        .map(|m| &mut m.health)
}

fn own_conditions(table: &Table, handle: &str) -> Conditions {
    if let Some(c) = table.character(handle) {
        return c.conditions.clone();
    }
    table
        .encounter
        .as_ref()
        .and_then(|e| e.monster(handle))
        .map(|m| m.conditions.clone())
        .unwrap_or_default()
}

fn conditions_mut<'t>(table: &'t mut Table, handle: &str) -> Option<&'t mut Conditions> {
    if table.character(handle).is_some() {
        return table.character_mut(handle).map(|c| &mut c.conditions);
    }
    table
        .encounter
        .as_mut()?
        .monster_mut(handle)
        .map(|m| &mut m.conditions)
}

/// Conditions from the sheet, the board and hit points (unconscious at 0).
fn conditions(table: &Table, handle: &str) -> Conditions {
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

fn team(table: &Table, handle: &str) -> u8 {
    u8::from(is_monster(table, handle))
}

/// A creature as the rules engine sees it, from `from`'s side.
fn target(table: &Table, handle: &str, from: &str) -> Target {
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
        if let Some(race) = content::race(&c.race) {
            for r in &race.resistances {
                t.defenses.resistances.insert(*r);
            }
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
    if let (Some(board), Some(enc)) = (board, table.encounter.as_ref()) {
        t.modifiers = board.modifiers(&id);
        t.effects = board.names(&id);
        t.duplicates = board.duplicates(&id);
        t.immune_to = board.immunities(&id);
        t.concentrating = enc.concentration.contains_key(handle);
        let engaged = enc.distance(handle, from) == Distance::Engaged;
        t.situation = AttackContext {
            within_5ft: engaged,
            beyond_normal_range: enc.distance(handle, from) == Distance::Far,
            target_dodging: enc.dodging.iter().any(|d| d == handle),
            ..AttackContext::default()
        };
    }
    t
}

// ---------------------------------------------------------------- turns

fn note_turn(table: &Table, reply: &mut Reply) {
    let Some(enc) = &table.encounter else {
        return;
    };
    if let Some(h) = enc.current() {
        let player = table
            .players
            .iter()
            .find(|(_, c)| c.as_str() == h)
            .map(|(p, _)| p.clone());
        reply.turn = Some(TurnNote {
            round: enc.round,
            handle: h.to_string(),
            name: name_of(table, h),
            player,
        });
    }
}

/// In a fight that has started, only the current combatant acts.
fn my_turn(table: &Table, me: &str) -> Result<()> {
    if let Some(cur) = table.encounter.as_ref().and_then(Encounter::current)
        && cur != me
    {
        return Err(no(format!(
            "not your turn — it's {}'s",
            name_of(table, cur)
        )));
    }
    Ok(())
}

fn economy<'t>(table: &'t mut Table, me: &str) -> Option<&'t mut Economy> {
    let enc = table.encounter.as_mut()?;
    (enc.round > 0).then(|| enc.economy.entry(me.to_string()).or_default())
}

fn spend_action(table: &mut Table, me: &str) -> Result<()> {
    spend_action_or_haste(table, me, false).map(drop)
}

/// Spends `me`'s action; once it is spent, an action from Action Surge, or
/// when `haste_ok` (one weapon attack, Dash, Disengage, Hide, Use an
/// Object) Haste's extra action. True when Haste's paid.
fn spend_action_or_haste(table: &mut Table, me: &str, haste_ok: bool) -> Result<bool> {
    my_turn(table, me)?;
    if conditions(table, me).is_incapacitated() {
        return Err(no(format!(
            "{} can't act (incapacitated)",
            name_of(table, me)
        )));
    }
    limits::spend(table, me, limits::Spend::Action)?;
    if classes::surge_action(table, me) {
        return Ok(false);
    }
    let hasted = limits::limits(table, me).extra_action;
    if let Some(e) = economy(table, me) {
        if e.action_used && haste_ok && hasted && !e.extra_action_used {
            e.extra_action_used = true;
            return Ok(true);
        }
        if e.action_used {
            return Err(no(
                "you have already used your action this turn — `n` ends your turn",
            ));
        }
        e.action_used = true;
    }
    Ok(false)
}

/// Spends `me`'s bonus action on its turn.
fn spend_bonus(table: &mut Table, me: &str) -> Result<()> {
    my_turn(table, me)?;
    if conditions(table, me).is_incapacitated() {
        return Err(no(format!(
            "{} can't act (incapacitated)",
            name_of(table, me)
        )));
    }
    limits::spend(table, me, limits::Spend::Bonus)?;
    if let Some(e) = economy(table, me) {
        if e.bonus_action_used {
            return Err(no(
                "you have already used your bonus action this turn — `n` ends your turn",
            ));
        }
        e.bonus_action_used = true;
    }
    Ok(())
}

/// Who joined a fight with how many hit points, in one sentence:
/// `g1 and g2 join with 7 HP each.`, `g1 (7 HP) and g2 (5 HP) join.`
fn joining(joined: &[(String, u32)]) -> String {
    let list = |items: Vec<String>| match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    match joined {
        [(name, hp)] => format!("{name} joins with {hp} HP."),
        [(_, hp), ..] if joined.iter().all(|(_, h)| h == hp) => format!(
            "{} join with {hp} HP each.",
            list(joined.iter().map(|(n, _)| n.clone()).collect())
        ),
        _ => format!(
            "{} join.",
            list(
                joined
                    .iter()
                    .map(|(n, hp)| format!("{n} ({hp} HP)"))
                    .collect()
            )
        ),
    }
}

/// The DM's commands the whole table hears of (see [`Reply::announce`]):
/// rewards given to some players concern only them.
fn announced(command: &DmCommand) -> bool {
    match command {
        DmCommand::StartEncounter
        | DmCommand::EndEncounter
        | DmCommand::Narrate { .. }
        | DmCommand::Decide { .. }
        | DmCommand::RevealSeed => true,
        DmCommand::Xp { to, .. } | DmCommand::Loot { to, .. } => to.is_empty(),
        _ => false,
    }
}

fn roll_initiative(
    table: &Table,
    handle: &str,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> i32 {
    let bonus = check_bonus(table, handle, Ability::Dexterity, None);
    let roll = D20Roll::roll(Advantage::Normal, dice);
    let total = i32::from(roll.face()) + bonus;
    reply.lines.push(Line::Roll {
        who: name_of(table, handle),
        label: "initiative".into(),
        detail: format!("{} {bonus:+}", d20_text(&roll)),
        total: i64::from(total),
    });
    total
}

fn end_turn(
    table: &mut Table,
    me: &str,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<()> {
    let enc = table
        .encounter
        .as_ref()
        .ok_or_else(|| no("no fight is on"))?;
    if enc.round == 0 {
        return Err(no("the fight hasn't started — the DM begins it with `n`"));
    }
    my_turn(table, me)?;
    advance(table, dice, reply);
    Ok(())
}

/// Ends the current turn and starts the next living combatant's.
fn advance(table: &mut Table, dice: &mut dyn DieRoller, reply: &mut Reply) {
    if let Some(cur) = table
        .encounter
        .as_ref()
        .and_then(|e| e.current().map(str::to_string))
    {
        classes::rage_turn_end(table, &cur, reply);
        let events = board_turn_point(table, &cur, TurnPoint::End, dice);
        if let Some(enc) = table.encounter.as_mut() {
            enc.disengaged.retain(|h| h != &cur);
            turn_events(table, &cur, events, dice, reply);
        }
    }
    // The next one alive (monsters that died left the order; one that died
    // on its own turn leaves it now).
    let dead_current = table.encounter.as_ref().and_then(|e| {
        let cur = e.current()?;
        e.monster(cur)
            .filter(|m| m.health.state() == LifeState::Dead)
            .map(|_| cur.to_string())
    });
    let Some(enc) = table.encounter.as_mut() else {
        return;
    };
    let at = enc.turn;
    if let Some(dead) = &dead_current {
        enc.order.retain(|s| &s.handle != dead);
    }
    if enc.order.is_empty() {
        return;
    }
    if enc.round == 0 {
        enc.round = 1;
        enc.turn = 0;
    } else {
        // Without the dead one, the next creature already sits at its place.
        enc.turn = if dead_current.is_some() { at } else { at + 1 };
        if enc.turn >= enc.order.len() {
            enc.turn = 0;
            enc.round += 1;
        }
    }
    let next = enc.order[enc.turn].handle.clone();
    enc.economy.insert(next.clone(), Economy::default());
    let speed = speed_of(table, &next);
    if let Some(e) = economy(table, &next) {
        e.movement_left = speed;
    }
    let Some(enc) = table.encounter.as_mut() else {
        return;
    };
    enc.attacks_left.remove(&next);
    enc.sneak_attacked.clear();
    enc.light_attack.clear();
    enc.extra_actions.clear();
    enc.dodging.retain(|h| h != &next);
    let round = enc.round;
    reply.say(crate::event::turn_call(round, &name_of(table, &next)));
    reactions::expire_readied(table, &next, reply);
    let events = board_turn_point(table, &next, TurnPoint::Start, dice);
    if let Some(enc) = table.encounter.as_mut() {
        if let Some(m) = enc.monster_mut(&next) {
            for (name, face, back) in m.resources.start_turn(dice) {
                if back {
                    reply.say(format!("{name} recharges ({face})."));
                }
            }
        }
        turn_events(table, &next, events, dice, reply);
    }
    if health(table, &next).is_some_and(|h| matches!(h.state(), LifeState::Dying { .. })) {
        reply.say(format!(
            "{} is dying: `ds` rolls the death save.",
            name_of(table, &next)
        ));
    }
}

/// The board's start or end of `who`'s turn: its own effects (saves, damage
/// on its turn, durations), then the effects it keeps on others that act on
/// its turns.
fn board_turn_point(
    table: &mut Table,
    who: &str,
    point: TurnPoint,
    dice: &mut dyn DieRoller,
) -> Vec<TurnEvent> {
    let me = target(table, who, who);
    let others: Vec<(String, Target)> = handles(table)
        .into_iter()
        .map(|h| {
            let t = target(table, &h, who);
            (h, t)
        })
        .collect();
    let id = Encounter::id(who);
    let Some(enc) = table.encounter.as_mut() else {
        return Vec::new();
    };
    let mut events = match point {
        TurnPoint::Start => enc.board.start_turn(&id, &me, dice),
        TurnPoint::End => enc.board.end_turn(&id, &me, dice),
    }
    .unwrap_or_default();
    let describe = |c: &rules::mechanics::CreatureId| {
        others
            .iter()
            .find(|(h, _)| *h == c.as_str())
            .map(|(_, t)| t.clone())
    };
    events.extend(
        enc.board
            .source_turn(&id, point, describe, dice)
            .unwrap_or_default(),
    );
    events
}

/// What the board did at a turn point: saves, ends and triggered damage.
fn turn_events(
    table: &mut Table,
    turn_of: &str,
    events: Vec<TurnEvent>,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) {
    for e in events {
        match e {
            TurnEvent::Ended(end) => reply.lines.push(Line::Effect {
                target: name_of(table, end.on.as_str()),
                what: end.name,
                began: false,
            }),
            TurnEvent::Save {
                name, on, outcome, ..
            } => {
                push_save(reply, name_of(table, on.as_str()), &name, &outcome);
            }
            TurnEvent::Triggered {
                name,
                resolutions,
                id,
            } => {
                let (on, source) = table
                    .encounter
                    .as_ref()
                    .and_then(|enc| enc.board.effects().iter().find(|x| x.id == id))
                    .map_or_else(
                        || (turn_of.to_string(), turn_of.to_string()),
                        |x| (x.on.as_str().to_string(), x.source.as_str().to_string()),
                    );
                reply.say(format!("{name} on {}:", name_of(table, &on)));
                land(table, &source, &[on], &resolutions, None, dice, reply);
            }
        }
    }
}

fn death_save(
    table: &mut Table,
    me: &str,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<()> {
    my_turn(table, me)?;
    let name = name_of(table, me);
    let h = health_mut(table, me).ok_or_else(|| no("no such creature"))?;
    let outcome = h
        .death_save(&D20Test::new(0), dice)
        .map_err(|_| no(format!("{name} is not dying")))?;
    reply.lines.push(Line::Roll {
        who: name.clone(),
        label: "death save".into(),
        detail: format!("{:?}", outcome.result),
        total: i64::from(outcome.total),
    });
    match outcome.state {
        LifeState::Dead => reply.say(format!("{name} dies.")),
        LifeState::Stable => reply.say(format!("{name} is stable.")),
        LifeState::Conscious => reply.say(format!("{name} is back with 1 HP!")),
        LifeState::Dying {
            successes,
            failures,
        } => {
            reply.say(format!(
                "{name}: {successes} successes, {failures} failures."
            ));
        }
    }
    if let Some(e) = economy(table, me) {
        e.action_used = true;
    }
    Ok(())
}

// ---------------------------------------------------------------- dice

fn d20_text(roll: &D20Roll) -> String {
    let faces: Vec<String> = roll.faces.iter().map(u8::to_string).collect();
    if faces.len() > 1 {
        format!("d20 ({}→{})", faces.join(", "), roll.face())
    } else {
        format!("d20 ({})", roll.face())
    }
}

fn roll_expr(
    who: &str,
    expr: &str,
    advantage: Advantage,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<i64> {
    let parsed = dice::parse_with_comment(expr).map_err(|e| no(format!("dice: {e}")))?;
    let rolled =
        dice::roll_with(&parsed.expr, advantage, dice).map_err(|e| no(format!("dice: {e}")))?;
    let label = parsed.comment.clone().unwrap_or_else(|| expr.to_string());
    reply.lines.push(Line::Roll {
        who: who.to_string(),
        label,
        detail: rolled.compact(),
        total: rolled.total,
    });
    Ok(rolled.total)
}

fn check(
    table: &mut Table,
    me: &str,
    what: &str,
    advantage: Advantage,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<()> {
    let (ability, skill, label) = if let Ok(skill) = what.parse::<Skill>() {
        (
            skill.ability(),
            Some(skill),
            format!("{} check", skill.name()),
        )
    } else if let Ok(ability) = what.parse::<Ability>() {
        (ability, None, format!("{} check", ability.name()))
    } else {
        return Err(no(format!(
            "no skill or ability `{what}` — try ath, acro, stealth, perc, str, dex…"
        )));
    };
    let bonus = check_bonus(table, me, ability, skill);
    let roll = D20Roll::roll(advantage, dice);
    let total = i32::from(roll.face()) + bonus;
    reply.lines.push(Line::Roll {
        who: name_of(table, me),
        label,
        detail: format!("{} {bonus:+}", d20_text(&roll)),
        total: i64::from(total),
    });
    Ok(())
}

fn push_save(reply: &mut Reply, who: String, what: &str, outcome: &TestOutcome) {
    let (total, dc) = match outcome {
        TestOutcome::Rolled { total, dc, .. } => (Some(*total), *dc),
        TestOutcome::AutoFailed { dc } => (None, *dc),
    };
    reply.lines.push(Line::Save {
        who,
        what: what.to_string(),
        total,
        dc,
        success: outcome.success(),
    });
}

// ---------------------------------------------------------------- attacks and spells

fn targets_of(table: &Table, names: &[String]) -> Result<Vec<String>> {
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
enum Via {
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
    dice: &mut dyn DieRoller,
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
fn attack_or_cast(
    table: &mut Table,
    me: &str,
    command: &Command,
    via: Via,
    dice: &mut dyn DieRoller,
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
fn attack(
    table: &mut Table,
    me: &str,
    weapon: &str,
    targets: &[String],
    advantage: Advantage,
    via: Via,
    dice: &mut dyn DieRoller,
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
    let t = target(table, &target_handle, me);
    let mut wielded = None;
    let (mut resolutions, per_action) = if let Some(c) = table.character(me).cloned() {
        let w = if via == Via::OffHand {
            classes::off_hand_weapon(table, &c, weapon)?
        } else {
            find_weapon(&c, weapon)?
        };
        reach::weapon(table, me, &target_handle, w)?;
        wielded = Some(w);
        let ability = weapon_ability(&c, w);
        let two_handed = w.versatile_damage.is_some() && !c.shield;
        let mut tree = if via == Via::OffHand {
            features::off_hand_attack(w, c.modifier(ability), c.proficiency(), true)
        } else {
            features::weapon_attack(w, c.modifier(ability), c.proficiency(), true, two_handed)
        };
        classes::add_rage_damage(table, &c, w, ability, &mut tree);
        let mut ctx = features::weapon_context(w, c.level);
        ctx.advantage = adv;
        ctx.conditions = conditions(table, me);
        if let Some(enc) = &table.encounter {
            ctx.modifiers =
                enc.board
                    .modifiers_toward(&Encounter::id(me), &Encounter::id(&target_handle), &t);
        }
        let out = automation::run(&tree, &ctx, std::slice::from_ref(&t), dice)
            .map_err(|e| no(e.to_string()))?;
        (out, features::attacks_per_action(c.class(), c.level))
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
    if let Some(w) = wielded {
        classes::note_light_attack(table, me, w, via);
    }
    if team(table, &target_handle) != team(table, me) {
        classes::keep_rage(table, me);
    }
    reactions::shield(table, me, &target_handle, &mut resolutions, dice, reply);
    if let Some(w) = wielded {
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

fn find_weapon(c: &Character, query: &str) -> Result<&'static content::Weapon> {
    let q = query.trim().to_lowercase().replace(' ', "-");
    let pick = if q.is_empty() {
        c.weapons.first()
    } else {
        c.weapons
            .iter()
            .find(|w| **w == q)
            .or_else(|| c.weapons.iter().find(|w| w.starts_with(&q)))
    };
    let id = pick.ok_or_else(|| {
        no(format!(
            "{} has no weapon `{query}` — carries: {}",
            c.name,
            c.weapons.join(", ")
        ))
    })?;
    content::weapon(id).ok_or_else(|| no(format!("unknown weapon {id}")))
}

fn weapon_ability(c: &Character, w: &content::Weapon) -> Ability {
    use rules::content::{WeaponKind, WeaponProperty};
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

fn find_action<'m>(m: &'m content::Monster, query: &str) -> Result<&'m content::Action> {
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

#[allow(clippy::too_many_arguments)]
fn cast(
    table: &mut Table,
    me: &str,
    spell_name: &str,
    targets: &[String],
    level: Option<u8>,
    choice: Option<String>,
    via: Via,
    dice: &mut dyn DieRoller,
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
    if via == Via::Readied
        && let Some(enc) = table.encounter.as_mut()
    {
        // The readied spell's hold ends as it is let go.
        enc.concentration.remove(me);
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
        && let Some(enc) = table.encounter.as_mut()
        && let Some(old) = enc.concentration.insert(me.to_string(), spell.name.clone())
    {
        reactions::drop_readied_spell(enc, me);
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

fn harmful(spell: &content::Spell) -> bool {
    spell.attack.is_some() || spell.save.is_some()
}

fn find_spell(c: &Character, query: &str) -> Result<&'static content::Spell> {
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

/// Puts what a run did on the table: damage, healing, conditions, ongoing
/// effects (with `figures` and concentration), deaths.
fn land(
    table: &mut Table,
    source: &str,
    targets: &[String],
    resolutions: &[Resolution],
    kept: Option<(CastFigures, bool)>,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) {
    let source_name = name_of(table, source);
    for r in resolutions {
        let Some(h) = targets.get(r.target).cloned() else {
            continue;
        };
        let tname = name_of(table, &h);
        if let Some(a) = &r.attack {
            reply.lines.push(Line::Attack {
                attacker: source_name.clone(),
                target: tname.clone(),
                with: r.action.clone(),
                d20: u64::from(a.roll.face()),
                total: a.total,
                ac: a.target_ac,
                result: match a.result {
                    AttackResult::Miss => "miss",
                    AttackResult::Hit => "hit",
                    AttackResult::Critical => "critical hit",
                }
                .into(),
            });
        }
        if let Some(save) = &r.save {
            push_save(reply, tname.clone(), &r.action, save);
        }
        let damage = r.total_taken().saturating_add(r.hp_lost);
        let crit = r
            .attack
            .as_ref()
            .is_some_and(|a| a.result == AttackResult::Critical);
        if damage > 0 || !r.damage.is_empty() {
            harm(table, &h, damage, crit, &types_of(r), dice, reply);
        }
        if r.healing > 0
            && let Some(hp) = health_mut(table, &h)
        {
            let hp_before = hp.current();
            let healed = hp.heal(r.healing).unwrap_or(0);
            let (now, max) = (hp.current(), hp.max());
            reply.lines.push(Line::Heal {
                target: tname.clone(),
                amount: healed,
                hp_before,
                hp: now,
                max_hp: max,
            });
        }
        if r.temp_hp > 0
            && let Some(hp) = health_mut(table, &h)
        {
            hp.grant_temp(r.temp_hp);
            reply.say(format!("{tname} gains {} temporary HP.", r.temp_hp));
        }
        // Conditions that no ongoing effect holds go on the creature itself.
        let held: Vec<Condition> = r
            .applied
            .iter()
            .flat_map(|a| a.conditions.clone())
            .collect();
        for c in &r.conditions {
            if !held.contains(c) {
                if let Some(cs) = conditions_mut(table, &h) {
                    cs.add(*c);
                }
                reply.lines.push(Line::Effect {
                    target: tname.clone(),
                    what: c.name().into(),
                    began: true,
                });
            }
        }
        for c in &r.removed {
            if let Some(cs) = conditions_mut(table, &h) {
                cs.remove(*c);
            }
        }
        for a in &r.applied {
            let on = if a.on_self {
                source_name.clone()
            } else {
                tname.clone()
            };
            reply.lines.push(Line::Effect {
                target: on,
                what: a.effect.name.clone(),
                began: true,
            });
        }
        if r.killed
            && let Some(hp) = health_mut(table, &h)
        {
            hp.kill();
            reply.say(format!("{tname} dies."));
            after_death(table, &h);
        }
        if let Some(ft) = (r.pushed_ft > 0).then_some(r.pushed_ft)
            && let Some(enc) = table.encounter.as_mut()
        {
            enc.set_distance(
                source,
                &h,
                if ft >= 30 {
                    Distance::Far
                } else {
                    Distance::Near
                },
            );
            reply.say(format!("{tname} is pushed {ft} ft."));
        }
    }
    if let (Some((figures, concentration)), Some(enc)) = (kept, table.encounter.as_mut()) {
        let ids: Vec<_> = targets.iter().map(|h| Encounter::id(h)).collect();
        let (_, ended) = enc.board.apply(
            &Encounter::id(source),
            &ids,
            resolutions,
            figures,
            concentration,
        );
        for e in ended {
            reply.lines.push(Line::Effect {
                target: e.on.as_str().to_string(),
                what: e.name,
                began: false,
            });
        }
    }
}

fn types_of(r: &Resolution) -> String {
    let mut types: Vec<DamageType> = Vec::new();
    for d in &r.damage {
        if !types.contains(&d.damage_type) {
            types.push(d.damage_type);
        }
    }
    types
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join("+")
}

/// Damage to a creature: hit points, concentration, effects damage ends, death.
fn harm(
    table: &mut Table,
    h: &str,
    amount: u32,
    crit: bool,
    types: &str,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) {
    let name = name_of(table, h);
    let Some(hp) = health_mut(table, h) else {
        return;
    };
    let hp_before = hp.current();
    let report = hp.take_damage(amount, crit);
    let (now, max, state) = (hp.current(), hp.max(), hp.state());
    if report.taken() > 0 {
        classes::keep_rage(table, h);
    }
    reply.lines.push(Line::Damage {
        target: name.clone(),
        amount,
        hp_before,
        types: types.to_string(),
        hp: now,
        max_hp: max,
        state: match state {
            LifeState::Dead => "dead",
            LifeState::Dying { .. } | LifeState::Stable => "down",
            LifeState::Conscious => "",
        }
        .into(),
    });
    // Concentration: a Constitution save, DC 10 or half the damage.
    if report.taken() > 0
        && let Some(spell) = table
            .encounter
            .as_ref()
            .and_then(|e| e.concentration.get(h).cloned())
    {
        let dc = rules::mechanics::concentration_dc(report.taken());
        let bonus = save_bonus(table, h, Ability::Constitution);
        let outcome = D20Test::new(bonus).roll(dc, dice);
        push_save(reply, name.clone(), "concentration", &outcome);
        if !outcome.success() || state != LifeState::Conscious {
            drop_concentration(table, h, &spell, reply);
        }
    }
    let t = target(table, h, h);
    if let Some(enc) = table.encounter.as_mut() {
        let id = Encounter::id(h);
        if let Ok(events) = enc.board.damaged(&id, &t, dice) {
            turn_events(table, h, events, dice, reply);
        }
    }
    if report.dropped_to_zero || state == LifeState::Dead {
        classes::end_rage(table, h, reply);
        if let Some(enc) = table.encounter.as_mut() {
            let ended = enc.board.dropped_to_zero(&Encounter::id(h));
            for e in ended {
                reply.lines.push(Line::Effect {
                    target: e.on.as_str().to_string(),
                    what: e.name,
                    began: false,
                });
            }
            enc.concentration.remove(h);
        }
        if state == LifeState::Dead {
            after_death(table, h);
        }
    }
}

fn drop_concentration(table: &mut Table, h: &str, spell: &str, reply: &mut Reply) {
    let name = name_of(table, h);
    if let Some(enc) = table.encounter.as_mut() {
        enc.concentration.remove(h);
        reactions::drop_readied_spell(enc, h);
        let ended = enc.board.end_concentration(&Encounter::id(h));
        reply.say(format!("{name} loses concentration on {spell}."));
        for e in ended {
            reply.lines.push(Line::Effect {
                target: e.on.as_str().to_string(),
                what: e.name,
                began: false,
            });
        }
    }
}

/// A dead monster leaves the order and its effects end; a character stays.
fn after_death(table: &mut Table, h: &str) {
    let monster = is_monster(table, h);
    if let Some(enc) = table.encounter.as_mut() {
        enc.board.remove_creature(&Encounter::id(h));
        enc.concentration.remove(h);
        // A monster that dies on its own turn keeps its place until the
        // turn moves on, so the next one's turn starts properly.
        if monster && enc.current() != Some(h) {
            enc.remove(h);
        }
    }
    let foes_left = table.encounter.as_ref().is_some_and(|e| {
        e.monsters
            .iter()
            .any(|m| m.health.state() != LifeState::Dead)
    });
    if monster && !foes_left {
        table
            .recent
            .push("All monsters are down — `dm end` closes the fight.".into());
    }
}

// ---------------------------------------------------------------- other actions

fn simple_action(
    table: &mut Table,
    me: &str,
    simple: Simple,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<()> {
    spend_action_or_haste(table, me, simple != Simple::Dodge)?;
    let name = name_of(table, me);
    let speed = speed_of(table, me);
    let enc = table.encounter.as_mut();
    match simple {
        Simple::Dash => {
            if let Some(enc) = enc
                && let Some(e) = enc.economy.get_mut(me)
            {
                e.movement_left = e.movement_left.saturating_add(speed);
            }
            reply.say(format!("{name} dashes."));
        }
        Simple::Dodge => {
            if let Some(enc) = enc {
                enc.dodging.push(me.to_string());
            }
            reply.say(format!(
                "{name} dodges: attacks against them have disadvantage until their next turn."
            ));
        }
        Simple::Disengage => {
            if let Some(enc) = enc {
                enc.disengaged.push(me.to_string());
            }
            reply.say(format!(
                "{name} disengages: moving away provokes no opportunity attacks."
            ));
        }
        Simple::Hide => {
            let bonus = check_bonus(table, me, Ability::Dexterity, Some(Skill::Stealth));
            let roll = D20Roll::roll(Advantage::Normal, dice);
            let total = i32::from(roll.face()) + bonus;
            reply.lines.push(Line::Roll {
                who: name,
                label: "Stealth (hide)".into(),
                detail: format!("{} {bonus:+}", d20_text(&roll)),
                total: i64::from(total),
            });
        }
    }
    Ok(())
}

/// Grapple (None) or shove (Some(prone)): Athletics against the target's
/// best of Athletics and Acrobatics.
fn contest(
    table: &mut Table,
    me: &str,
    target_name: &str,
    shove: Option<bool>,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<()> {
    let t = resolve(table, target_name)?;
    spend_action(table, me)?;
    let mine = check_bonus(table, me, Ability::Strength, Some(Skill::Athletics));
    let theirs = check_bonus(table, &t, Ability::Strength, Some(Skill::Athletics)).max(
        check_bonus(table, &t, Ability::Dexterity, Some(Skill::Acrobatics)),
    );
    let a = D20Roll::roll(Advantage::Normal, dice);
    let b = D20Roll::roll(Advantage::Normal, dice);
    let (x, y) = (i32::from(a.face()) + mine, i32::from(b.face()) + theirs);
    let (me_name, t_name) = (name_of(table, me), name_of(table, &t));
    reply.lines.push(Line::Roll {
        who: me_name.clone(),
        label: "Athletics".into(),
        detail: format!("{} {mine:+}", d20_text(&a)),
        total: i64::from(x),
    });
    reply.lines.push(Line::Roll {
        who: t_name.clone(),
        label: "resists".into(),
        detail: format!("{} {theirs:+}", d20_text(&b)),
        total: i64::from(y),
    });
    if x <= y {
        reply.say(format!("{t_name} holds firm."));
        return Ok(());
    }
    let condition = match shove {
        None => Some(Condition::Grappled),
        Some(true) => Some(Condition::Prone),
        Some(false) => None,
    };
    match condition {
        Some(c) => {
            if let Some(cs) = conditions_mut(table, &t) {
                cs.add(c);
            }
            reply.lines.push(Line::Effect {
                target: t_name,
                what: c.name().into(),
                began: true,
            });
        }
        None => {
            if let Some(enc) = table.encounter.as_mut() {
                enc.set_distance(me, &t, Distance::Near);
            }
            reply.say(format!("{t_name} is pushed 5 ft away."));
        }
    }
    Ok(())
}

fn use_item(
    table: &mut Table,
    me: &str,
    item: &str,
    on: Option<&str>,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<()> {
    let key = item.trim().to_lowercase().replace(' ', "-");
    let c = table
        .character(me)
        .ok_or_else(|| no("only characters carry items"))?;
    let have = c
        .items
        .iter()
        .position(|i| i.starts_with(&key))
        .ok_or_else(|| {
            no(format!(
                "{} has no `{item}` — carries: {}",
                c.name,
                c.items.join(", ")
            ))
        })?;
    let name = c.items[have].clone();
    if !name.starts_with("potion-of-healing") {
        return Err(no(format!(
            "{name} has no automated use — describe it to the DM"
        )));
    }
    let who = match on {
        Some(t) => resolve(table, t)?,
        None => me.to_string(),
    };
    spend_action_or_haste(table, me, true)?;
    let amount = roll_expr(
        &name_of(table, me),
        "2d4+2 potion of healing",
        Advantage::Normal,
        dice,
        reply,
    )?;
    if let Some(ch) = table.character_mut(me) {
        ch.items.remove(have);
    }
    let tname = name_of(table, &who);
    if let Some(hp) = health_mut(table, &who) {
        let hp_before = hp.current();
        let healed = hp.heal(u32::try_from(amount).unwrap_or(0)).unwrap_or(0);
        let (now, max) = (hp.current(), hp.max());
        reply.lines.push(Line::Heal {
            target: tname,
            amount: healed,
            hp_before,
            hp: now,
            max_hp: max,
        });
    }
    Ok(())
}

fn move_to(
    table: &mut Table,
    me: &str,
    to: Distance,
    other: &str,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<()> {
    let t = resolve(table, other)?;
    my_turn(table, me)?;
    let enc = table
        .encounter
        .as_ref()
        .ok_or_else(|| no("positions matter in a fight only"))?;
    let was = enc.distance(me, &t);
    // Theater of mind: each step between engaged, near and far costs the
    // mover's movement, up to 30 ft (a speed-25 dwarf still makes one step).
    let steps = to.band().abs_diff(was.band());
    if steps == 0 {
        return Err(no(format!(
            "{} and {} are already {to}",
            name_of(table, me),
            name_of(table, &t)
        )));
    }
    let cost = steps * speed_of(table, me).clamp(1, 30);
    let left = enc.economy.get(me).map_or(0, |e| e.movement_left);
    if left < cost {
        return Err(no(format!(
            "{} has {left} ft of movement left and {to} {} takes {cost} ft — `dash` for more",
            name_of(table, me),
            name_of(table, &t)
        )));
    }
    let disengaged = enc.disengaged.iter().any(|h| h == me);
    let engaged_before: Vec<String> = enc
        .order
        .iter()
        .filter(|s| enc.distance(me, &s.handle) == Distance::Engaged)
        .map(|s| s.handle.clone())
        .collect();
    // Leaving a foe's reach provokes its opportunity attack (monsters take
    // theirs at once; players are told they may).
    let leaving: Vec<String> = enc
        .order
        .iter()
        .map(|s| s.handle.clone())
        .filter(|h| h != me && team(table, h) != team(table, me))
        .filter(|h| enc.distance(me, h) == Distance::Engaged)
        .filter(|h| !(to == Distance::Engaged && *h == t))
        .collect();
    if let Some(e) = economy(table, me) {
        e.movement_left -= cost;
    }
    // Opportunity attacks come right before the mover leaves reach.
    for foe in leaving.iter().filter(|_| !disengaged) {
        if !reactions::can_react(table, foe) {
            continue;
        }
        if is_monster(table, foe) {
            opportunity_attack(table, foe, me, dice, reply);
        } else {
            reactions::player_opportunity_attack(table, foe, me, dice, reply);
        }
    }
    if health(table, me).is_some_and(|h| h.state() != LifeState::Conscious) {
        reply.say(format!("{} falls before getting away.", name_of(table, me)));
        return Ok(());
    }
    if let Some(enc) = table.encounter.as_mut() {
        enc.set_distance(me, &t, to);
        // Engaging one creature takes you away from the others you were engaged with.
        if to != Distance::Engaged || was != Distance::Engaged {
            for h in &leaving {
                if *h != t {
                    enc.set_distance(me, h, Distance::Near);
                }
            }
        }
    }
    reply.say(format!(
        "{} moves {} {}.",
        name_of(table, me),
        to,
        name_of(table, &t)
    ));
    reactions::fire_readied(table, me, ReadyWhen::Moves, None, dice, reply);
    // Coming within reach: ending the move engaged with the reader.
    let reached: Vec<String> = table.encounter.as_ref().map_or_else(Vec::new, |enc| {
        enc.order
            .iter()
            .map(|s| s.handle.clone())
            .filter(|h| !engaged_before.contains(h) && enc.distance(me, h) == Distance::Engaged)
            .collect()
    });
    reactions::fire_readied(table, me, ReadyWhen::Comes, Some(&reached), dice, reply);
    Ok(())
}

/// A creature's speed in feet: a character's, or a monster's walking or
/// flying speed, whichever is faster.
pub(crate) fn speed_of(table: &Table, who: &str) -> u32 {
    if let Some(c) = table.character(who) {
        return c.speed;
    }
    monster_of(table, who).map_or(30, |m| m.speed.walk.max(m.speed.fly))
}

fn opportunity_attack(
    table: &mut Table,
    foe: &str,
    on: &str,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) {
    let Some(m) = monster_of(table, foe) else {
        return;
    };
    let Some(action) = m.actions.iter().find(|a| {
        a.attack
            .is_some_and(|x| x.kind != content::AttackKind::Ranged)
    }) else {
        return;
    };
    let t = target(table, on, foe);
    let Ok(mut out) = automation::run_action(m, action, &t, Advantage::Normal, dice) else {
        return;
    };
    if let Some(enc) = table.encounter.as_mut() {
        enc.economy
            .entry(foe.to_string())
            .or_default()
            .reaction_used = true;
    }
    reply.say(format!(
        "{} makes an opportunity attack.",
        name_of(table, foe)
    ));
    reactions::shield(table, foe, on, &mut out, dice, reply);
    land(
        table,
        foe,
        &[on.to_string()],
        &out,
        Some((CastFigures::default(), false)),
        dice,
        reply,
    );
}

fn rest(
    table: &mut Table,
    me: &str,
    long: bool,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<()> {
    if table.encounter.as_ref().is_some_and(|e| e.round > 0) {
        return Err(no("no resting in a fight"));
    }
    let c = table
        .character_mut(me)
        .ok_or_else(|| no("only characters rest"))?;
    if c.health.state() == LifeState::Dead {
        return Err(no(format!("{} is dead", c.name)));
    }
    let name = c.name.clone();
    if long {
        let max = c.health.max();
        c.health = Health::new(max, ZeroHp::DeathSaves);
        c.slots.restore_all();
        c.hit_dice_left = c
            .hit_dice_left
            .saturating_add((c.level / 2).max(1))
            .min(c.level);
        c.conditions = Conditions::new();
        c.spent.clear();
        reply.say(format!(
            "{name} takes a long rest: HP {max}/{max}, slots restored."
        ));
        return Ok(());
    }
    // Short rest: spend hit dice while hurt.
    let die = u64::from(c.class().hit_die);
    let con = c.modifier(Ability::Constitution);
    let mut spent = 0;
    while c.hit_dice_left > 0
        && c.health.current() < c.health.max()
        && c.health.state() == LifeState::Conscious
    {
        let face = dice.roll_die(die);
        let heal = (i64::try_from(face).unwrap_or(0) + i64::from(con)).max(0);
        let _ = c.health.heal(u32::try_from(heal).unwrap_or(0));
        c.hit_dice_left -= 1;
        spent += 1;
    }
    c.slots.restore_pact();
    c.spent
        .retain(|id, _| !classes::SHORT_REST.contains(&id.as_str()));
    reply.say(format!(
        "{name} takes a short rest: {spent} hit dice spent, HP {}/{}.",
        c.health.current(),
        c.health.max()
    ));
    Ok(())
}

// ---------------------------------------------------------------- DM

fn dm_command(
    table: &mut Table,
    actor: &PlayerId,
    command: &DmCommand,
    dice: &mut dyn DieRoller,
    reply: &mut Reply,
) -> Result<()> {
    match command {
        DmCommand::StartEncounter => {
            if table.encounter.is_some() {
                return Err(no("a fight is already on — `dm end` closes it"));
            }
            table.encounter = Some(Encounter::default());
            reply.say("A fight begins! Initiative:");
            let party: Vec<String> = table
                .players
                .values()
                .filter(|h| {
                    table
                        .character(h)
                        .is_some_and(|c| c.health.state().is_alive())
                })
                .cloned()
                .collect();
            for h in party {
                let init = roll_initiative(table, &h, dice, reply);
                if let Some(enc) = table.encounter.as_mut()
                    && !enc.has(&h)
                {
                    enc.insert(h, init);
                }
            }
            reply.say("Add monsters with `madd NAME -n COUNT`, then `n` starts round 1.");
        }
        DmCommand::EndEncounter => {
            let enc = table.encounter.take().ok_or_else(|| no("no fight is on"))?;
            for c in &mut table.characters {
                c.conditions.remove(Condition::Grappled);
                c.conditions.remove(Condition::Prone);
            }
            let fallen = enc
                .monsters
                .iter()
                .filter(|m| m.health.state() == LifeState::Dead)
                .count();
            reply.say(format!(
                "The fight is over after {} round(s); {fallen} of {} monsters fell.",
                enc.round,
                enc.monsters.len()
            ));
        }
        DmCommand::AddMonster {
            monster,
            count,
            average_hp,
        } => {
            let m = content::monster(monster).ok_or_else(|| {
                no(format!(
                    "no SRD monster `{monster}` — try `dungeon monster {monster}` for close names"
                ))
            })?;
            if table.encounter.is_none() {
                return Err(no("start a fight first: `dm encounter`"));
            }
            if *count == 0 || *count > 20 {
                return Err(no("add 1 to 20 at a time"));
            }
            let mut joined: Vec<(String, u32)> = Vec::new();
            for _ in 0..*count {
                let handle = next_handle(table, &m.id);
                let hp = if *average_hp {
                    m.hp
                } else {
                    roll_hp(&m.hp_roll, dice).unwrap_or(m.hp)
                };
                let state = MonsterState {
                    handle: handle.clone(),
                    monster: m.id.clone(),
                    health: Health::new(hp.max(1), ZeroHp::Dies),
                    conditions: Conditions::new(),
                    resources: automation::Resources::of(m),
                    slots: m
                        .spellcasting
                        .as_ref()
                        .map(content::MonsterSpellcasting::spell_slots)
                        .unwrap_or_default(),
                };
                if let Some(enc) = table.encounter.as_mut() {
                    enc.monsters.push(state);
                }
                let init = roll_initiative(table, &handle, dice, reply);
                if let Some(enc) = table.encounter.as_mut() {
                    enc.insert(handle.clone(), init);
                }
                joined.push((name_of(table, &handle), hp));
            }
            reply.say(joining(&joined));
        }
        DmCommand::Hp { target: t, delta } => {
            let h = resolve(table, t)?;
            if *delta < 0 {
                harm(table, &h, delta.unsigned_abs(), false, "", dice, reply);
            } else {
                let name = name_of(table, &h);
                let hp = health_mut(table, &h).ok_or_else(|| no("no such creature"))?;
                let hp_before = hp.current();
                let healed = hp
                    .heal(delta.unsigned_abs())
                    .map_err(|e| no(e.to_string()))?;
                let (now, max) = (hp.current(), hp.max());
                reply.lines.push(Line::Heal {
                    target: name,
                    amount: healed,
                    hp_before,
                    hp: now,
                    max_hp: max,
                });
            }
        }
        DmCommand::Condition {
            target: t,
            condition,
            add,
        } => {
            let h = resolve(table, t)?;
            let name = name_of(table, &h);
            let cs = conditions_mut(table, &h).ok_or_else(|| no("no such creature"))?;
            if *add {
                cs.add(*condition);
            } else {
                cs.remove(*condition);
            }
            reply.lines.push(Line::Effect {
                target: name,
                what: condition.name().into(),
                began: *add,
            });
        }
        DmCommand::SetField {
            character,
            field,
            value,
            reason,
        } => {
            let h = find_character(table, character)?.handle.clone();
            let c = table
                .character_mut(&h)
                .ok_or_else(|| no("no such character"))?;
            let before = set_field(c, field, value)?;
            reply.say(format!(
                "{}: {field} {before} → {value} ({reason}), by {actor}.",
                c.name
            ));
        }
        DmCommand::Xp { amount, to } => {
            let who: Vec<String> = if to.is_empty() {
                table.characters.iter().map(|c| c.handle.clone()).collect()
            } else {
                to.iter()
                    .map(|n| find_character(table, n).map(|c| c.handle.clone()))
                    .collect::<Result<_>>()?
            };
            for h in who {
                if let Some(c) = table.character_mut(&h) {
                    c.xp = c.xp.saturating_add(*amount);
                    let next = xp_for_level(c.level + 1);
                    reply.lines.push(Line::Xp {
                        who: c.name.clone(),
                        amount: *amount,
                        total: c.xp,
                        level_up: next.is_some_and(|n| c.xp >= n),
                    });
                }
            }
        }
        DmCommand::Loot { gold, items, to } => {
            let who: Vec<String> = if to.is_empty() {
                table.characters.iter().map(|c| c.handle.clone()).collect()
            } else {
                to.iter()
                    .map(|n| find_character(table, n).map(|c| c.handle.clone()))
                    .collect::<Result<_>>()?
            };
            if who.is_empty() {
                return Err(no("there is no one to give it to"));
            }
            let share = gold / u32::try_from(who.len()).unwrap_or(1);
            for (i, h) in who.iter().enumerate() {
                if let Some(c) = table.character_mut(h) {
                    c.gold = c.gold.saturating_add(share);
                    if i == 0 {
                        c.items
                            .extend(items.iter().map(|s| s.to_lowercase().replace(' ', "-")));
                    }
                }
            }
            reply.say(format!(
                "Loot: {share} gp each{}.",
                if items.is_empty() {
                    String::new()
                } else {
                    format!("; {} to {}", items.join(", "), who[0])
                }
            ));
        }
        DmCommand::LevelUp { character } => {
            let h = find_character(table, character)?.handle.clone();
            level_up(table, &h, true, reply)?;
        }
        DmCommand::Place { who, to, other } => {
            let (a, b) = (resolve(table, who)?, resolve(table, other)?);
            if a == b {
                return Err(no("place two different creatures"));
            }
            let enc = table
                .encounter
                .as_mut()
                .ok_or_else(|| no("positions matter in a fight only — `dm encounter` first"))?;
            if !enc.has(&a) || !enc.has(&b) {
                return Err(no("both must be in the fight (`init` to join)"));
            }
            enc.set_distance(&a, &b, *to);
            reply.say(format!(
                "{} is {to} {}.",
                name_of(table, &a),
                name_of(table, &b)
            ));
        }
        DmCommand::Narrate { text } => {
            reply.say(text.clone());
            table.recent.push(text.clone());
            if table.recent.len() > 5 {
                table.recent.remove(0);
            }
        }
        DmCommand::Decide { option } => {
            let vote = table.vote.take().ok_or_else(|| no("no vote is open"))?;
            let pick = pick_option(&vote.options, option)?;
            reply.say(format!("The DM decides: {}.", vote.options[pick]));
        }
        DmCommand::RevealSeed => {
            reply.say("The shell reveals the seed (see `verify`).");
        }
        DmCommand::As { monster, command } => {
            let h = resolve(table, monster)?;
            if matches!(**command, Command::Dm(_)) {
                return Err(no(
                    "`dm as` runs a combatant's command, not another DM command",
                ));
            }
            let dead = enc_monster(table, &h).is_some_and(|m| m.health.state() == LifeState::Dead);
            if dead && !matches!(**command, Command::EndTurn) {
                return Err(no(format!("{} is dead — `n` moves on", name_of(table, &h))));
            }
            act(table, &h, command, dice, reply)?;
        }
    }
    Ok(())
}

fn enc_monster<'t>(table: &'t Table, h: &str) -> Option<&'t MonsterState> {
    table.encounter.as_ref().and_then(|e| e.monster(h))
}

fn next_handle(table: &mut Table, monster: &str) -> String {
    let prefix: String = monster
        .split('-')
        .filter_map(|w| w.chars().next())
        .collect();
    let taken: Vec<String> = handles(table);
    let enc = table.encounter.get_or_insert_with(Encounter::default);
    // A prefix another kind already uses takes the id's first letters instead.
    let clash = enc.monsters.iter().any(|m| {
        m.monster != monster && m.handle.trim_end_matches(|c: char| c.is_ascii_digit()) == prefix
    });
    let prefix = if clash {
        monster
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(3)
            .collect()
    } else {
        prefix
    };
    let n = enc.counters.entry(prefix.clone()).or_insert(0);
    loop {
        *n += 1;
        let h = format!("{prefix}{n}");
        if !taken.contains(&h) {
            return h;
        }
    }
}

fn roll_hp(expr: &str, dice: &mut dyn DieRoller) -> Option<u32> {
    let e = dice::parse(expr).ok()?;
    let r = dice::roll(&e, dice).ok()?;
    u32::try_from(r.total.max(1)).ok()
}

fn set_field(c: &mut Character, field: &str, value: &str) -> Result<String> {
    let num = || {
        value
            .parse::<i64>()
            .map_err(|_| no(format!("`{value}` is not a number")))
    };
    let f = field.to_lowercase();
    let before;
    match f.as_str() {
        "hp" => {
            before = c.health.current().to_string();
            let v = u32::try_from(num()?.max(0))
                .unwrap_or(0)
                .min(c.health.max());
            let max = c.health.max();
            let mut h = Health::new(max, ZeroHp::DeathSaves);
            let _ = h.take_damage(max - v, false);
            if v == 0 {
                return Err(no(
                    "set hp to at least 1 (use `dm hp NAME -N` to drop someone)",
                ));
            }
            c.health = h;
        }
        "max_hp" | "maxhp" => {
            before = c.health.max().to_string();
            let v = u32::try_from(num()?.max(1)).unwrap_or(1);
            c.health.set_max(v);
        }
        "level" => {
            before = c.level.to_string();
            let v = u8::try_from(num()?)
                .ok()
                .filter(|l| (1..=20).contains(l))
                .ok_or_else(|| no("level is 1 to 20"))?;
            c.level = v;
            if let Some(s) = c.class().spell_slots(v) {
                c.slots = s;
            }
        }
        "xp" => {
            before = c.xp.to_string();
            c.xp = u32::try_from(num()?.max(0)).unwrap_or(0);
        }
        "gold" | "gp" => {
            before = c.gold.to_string();
            c.gold = u32::try_from(num()?.max(0)).unwrap_or(0);
        }
        "speed" => {
            before = c.speed.to_string();
            c.speed = u32::try_from(num()?.max(0)).unwrap_or(0);
        }
        "armor" => {
            before = c.armor.clone().unwrap_or_else(|| "none".into());
            c.armor = match value {
                "none" => None,
                v => Some(
                    content::armor(v)
                        .ok_or_else(|| no(format!("no armor `{v}`")))?
                        .id
                        .clone(),
                ),
            };
        }
        "shield" => {
            before = c.shield.to_string();
            c.shield = matches!(value, "yes" | "true" | "on" | "1");
        }
        "weapons" => {
            before = c.weapons.join(",");
            let mut ws = Vec::new();
            for w in value.split(',') {
                ws.push(
                    content::weapon(w.trim())
                        .ok_or_else(|| no(format!("no weapon `{w}`")))?
                        .id
                        .clone(),
                );
            }
            c.weapons = ws;
        }
        "spells" => {
            before = c.spells.join(",");
            let mut ss = Vec::new();
            for s in value.split(',') {
                ss.push(
                    content::spell(s.trim())
                        .ok_or_else(|| no(format!("no spell `{s}`")))?
                        .id
                        .clone(),
                );
            }
            c.spells = ss;
        }
        "ac" => {
            return Err(no(
                "AC comes from armor, shield and Dexterity: set `armor` (e.g. chain mail) or `shield`",
            ));
        }
        other => {
            let ability = other
                .parse::<Ability>()
                .map_err(|_| no("fields: hp, max_hp, level, xp, gold, speed, armor, shield, weapons, spells, str…cha"))?;
            let i = index(ability);
            before = c.scores[i].to_string();
            let v = u8::try_from(num()?)
                .ok()
                .filter(|s| (1..=30).contains(s))
                .ok_or_else(|| no("scores are 1 to 30"))?;
            c.scores[i] = v;
        }
    }
    Ok(before)
}

/// `levelup` (the XP must reach the next level's) or `dm levelup NAME`
/// (whatever the XP): one level up, out of a fight.
fn level_up(table: &mut Table, me: &str, by_dm: bool, reply: &mut Reply) -> Result<()> {
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
    let c = table
        .character_mut(me)
        .ok_or_else(|| no("only characters level up"))?;
    let attacks_before = features::attacks_per_action(c.class(), c.level);
    let up = c.level_up().ok_or_else(|| no("level 20 is the highest"))?;
    let mut text = format!(
        "{} reaches level {}: +{} HP (max {}), proficiency +{}",
        c.name,
        c.level,
        up.hp_gain,
        c.health.max(),
        c.proficiency()
    );
    let attacks = features::attacks_per_action(c.class(), c.level);
    if attacks > attacks_before {
        text.push_str(&format!(", {attacks} attacks per Attack action"));
    }
    if !c.spells.is_empty() {
        text.push_str(&format!(", slots {}", c.slots.describe_remaining()));
    }
    if !up.learned.is_empty() {
        text.push_str(&format!(", learns {}", up.learned.join(", ")));
    }
    text.push('.');
    reply.say(text);
    Ok(())
}

/// XP needed for a level (SRD table).
pub fn xp_for_level(level: u8) -> Option<u32> {
    const TABLE: [u32; 20] = [
        0, 300, 900, 2700, 6500, 14000, 23000, 34000, 48000, 64000, 85000, 100000, 120000, 140000,
        165000, 195000, 225000, 265000, 305000, 355000,
    ];
    TABLE.get(usize::from(level).checked_sub(1)?).copied()
}

// ---------------------------------------------------------------- votes

fn pick_option(options: &[String], query: &str) -> Result<usize> {
    if let Ok(n) = query.trim().parse::<usize>() {
        return (1..=options.len())
            .contains(&n)
            .then(|| n - 1)
            .ok_or_else(|| no(format!("pick 1 to {}", options.len())));
    }
    let q = query.trim().to_lowercase();
    let hits: Vec<usize> = options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.to_lowercase().starts_with(&q))
        .map(|(i, _)| i)
        .collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        _ => Err(no(format!("pick one of 1 to {}", options.len()))),
    }
}

fn close_vote_if_due(table: &mut Table, now: u64, reply: &mut Reply) {
    if table.vote.as_ref().is_some_and(|v| now >= v.deadline) {
        close_vote(table, reply);
    }
}

fn close_vote(table: &mut Table, reply: &mut Reply) {
    let Some(vote) = table.vote.take() else {
        return;
    };
    reply.announce = true;
    let mut counts = vec![0usize; vote.options.len()];
    for &b in vote.ballots.values() {
        if let Some(c) = counts.get_mut(b) {
            *c += 1;
        }
    }
    let best = counts.iter().copied().max().unwrap_or(0);
    let winners: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] == best).collect();
    if best == 0 || winners.len() > 1 {
        reply.say("The vote is tied — the DM decides with `dm decide N`.");
        table.vote = Some(Vote {
            deadline: u64::MAX,
            ..vote
        });
    } else {
        let w = winners[0];
        reply.say(format!(
            "The party chooses: {} ({best} votes).",
            vote.options[w]
        ));
    }
}

// ---------------------------------------------------------------- text

fn sheet_text(c: &Character) -> String {
    let (atk, dc) = c.spell_figures();
    let mut s = format!(
        "{} — level {} {} {} · HP {}/{} (+{} temp) · AC {} · speed {} ft · XP {} · {} gp\n{}\nSaves: {}\nWeapons: {}",
        c.name,
        c.level,
        c.race,
        c.class,
        c.health.current(),
        c.health.max(),
        c.health.temp(),
        c.ac(),
        c.speed,
        c.xp,
        c.gold,
        crate::event::scores_text(&c.scores),
        Ability::ALL
            .iter()
            .map(|a| format!("{} {:+}", a.abbreviation(), c.save_bonus(*a)))
            .collect::<Vec<_>>()
            .join(", "),
        c.weapons.join(", "),
    );
    if !c.spells.is_empty() {
        s.push_str(&format!(
            "\nSpells (attack {atk:+}, DC {dc}): {}\nSlots: {}",
            c.spells.join(", "),
            c.slots.describe_remaining()
        ));
    }
    if !c.items.is_empty() {
        s.push_str(&format!("\nItems: {}", c.items.join(", ")));
    }
    s
}

/// The table's status; `dm_eyes`: with the monsters' hit points as
/// numbers (only ever shown to the DM).
fn status_text(table: &Table, dm_eyes: bool) -> String {
    let mut out = Vec::new();
    match &table.encounter {
        Some(enc) => {
            out.push(if enc.round == 0 {
                "Fight: not started (the DM begins with `n`)".to_string()
            } else {
                format!("Fight: round {}", enc.round)
            });
            for (i, s) in enc.order.iter().enumerate() {
                let mark = if enc.round > 0 && i == enc.turn {
                    "▶"
                } else {
                    " "
                };
                let hp = health(table, &s.handle)
                    .map(|h| {
                        if is_monster(table, &s.handle) && !dm_eyes {
                            hp_word(h)
                        } else {
                            format!("{}/{}", h.current(), h.max())
                        }
                    })
                    .unwrap_or_default();
                let conds: Vec<&str> = conditions(table, &s.handle)
                    .iter()
                    .map(Condition::name)
                    .collect();
                out.push(format!(
                    "{mark}{:>3} {} {hp}{}",
                    s.initiative,
                    name_of(table, &s.handle),
                    if conds.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", conds.join(", "))
                    }
                ));
            }
        }
        None => {
            if table.characters.is_empty() {
                out.push("No characters yet — `char new Aria wizard 3 elf`".into());
            }
            for c in &table.characters {
                out.push(format!(
                    "{} ({} {}) HP {}/{}",
                    c.name,
                    c.class,
                    c.level,
                    c.health.current(),
                    c.health.max()
                ));
            }
        }
    }
    if let Some(v) = &table.vote {
        out.push(format!(
            "Vote open: {} ({} voted)",
            v.options.join(" / "),
            v.ballots.len()
        ));
    }
    out.extend(table.recent.iter().rev().take(1).cloned());
    out.join("\n")
}

/// How a monster's health reads to players: no exact numbers.
fn hp_word(h: Health) -> String {
    if h.state() == LifeState::Dead {
        return "dead".into();
    }
    crate::event::HealthBand::of(h.current(), h.max())
        .word()
        .into()
}

/// The command list.
pub const HELP: &str = "r EXPR · check SKILL · save ABIL · a WEAPON -t T · oh WEAPON -t T (off hand) · \
rage · sw (second wind) · surge · cast SPELL -t T [-l N] · \
dash · dodge · disengage · hide · help T · grapple T · shove T [prone] · ready CMD when T comes|moves|attacks · \
react shield on|off · use ITEM · move engaged|near|far T · \
n (end turn) · ds · init · status · sheet · char new NAME CLASS LVL RACE · rest short|long · levelup · vote \"A\" \"B\" · v N · verify · \
DM: dm encounter · madd NAME -n N · dm hp T ±N · dm cond T add|remove C · dm set NAME FIELD VALUE \"why\" · dm xp N · \
dm loot · dm levelup NAME · dm place A engaged|near|far B · dm narrate TEXT · dm decide N · dm as T CMD · dm end";
