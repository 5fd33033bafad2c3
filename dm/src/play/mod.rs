//! Carrying out one command on a table: the rules of play between the
//! command and the rules engine. [`execute`] changes the table it is given;
//! [`crate::handle`] runs it on a copy, [`crate::Table::apply`] on the real one.
//!
//! [`execute`] (and `act`, for a combatant's commands) only routes each
//! command to the file for what it does:
//! - `attack.rs`: weapon attacks, monsters' attack and area actions;
//!   `spells.rs`: casting; `outcome.rs`: what either did to its targets
//!   (damage, healing, conditions, effects, deaths);
//! - `actions.rs`: the other actions in a fight (dash, dodge, disengage,
//!   hide, help, grapple, shove, use an item);
//! - `movement.rs`: moving and opportunity attacks; `reach.rs`: who reaches
//!   whom from where;
//! - `turns.rs`: initiative, ending turns, turn starts and ends;
//! - `rest.rs`: rests and death saves;
//! - `votes.rs`: votes; `dm.rs`: the DM's commands;
//! - `characters.rs`: making, switching, showing and levelling characters;
//!   `text.rs`: the sheet, status, commitment and command list as text;
//! - `rolls.rs`: rolls, checks and saves;
//! - `classes.rs`: class features; `reactions.rs`: reactions and readied
//!   actions; `limits.rs`: what conditions and effects forbid;
//! - `creatures.rs` and `economy.rs`: the shared helpers, looking creatures
//!   up on the table and spending actions on one's turn.
//!
//! - `explore.rs`: exploring an adventure out of a fight (look, go, search,
//!   doors, traps, features, talk, take, light, rest) and the fights its
//!   areas start.

use rules::dice::{DieRoller, Roller};

use crate::command::Command;
use crate::event::{PlayerId, Reply};
use crate::table::{Rejection, Table};

mod actions;
mod attack;
mod build;
mod characters;
mod classes;
mod creatures;
mod dm;
mod economy;
mod explore;
mod limits;
mod movement;
mod notebook;
mod outcome;
mod racial;
mod reach;
mod reactions;
mod rest;
mod rolls;
mod spells;
mod text;
mod turns;
mod votes;

pub use characters::xp_for_level;
pub use creatures::resolve;
pub(crate) use movement::speed_of;
pub(crate) use reach::{area_capacity, spell_in_reach};
pub use text::HELP;

type Result<T> = std::result::Result<T, Rejection>;

fn no(why: impl Into<String>) -> Rejection {
    Rejection::new(why)
}

/// Where a command's dice come from: the faces, and the table's [`Roller`]
/// that parses and rolls its dice texts (its parse cache and buffers kept
/// between commands). It is a [`DieRoller`] itself, drawing from the faces.
pub(crate) struct Dice<'a> {
    faces: &'a mut dyn DieRoller,
    roller: &'a mut Roller,
}

impl<'a> Dice<'a> {
    /// Faces from `faces`, texts rolled by `roller`.
    pub(crate) fn new(faces: &'a mut dyn DieRoller, roller: &'a mut Roller) -> Self {
        Self { faces, roller }
    }

    /// Rolls a dice text allowing a trailing comment (`1d20+5 stealth`).
    fn roll_commented(
        &mut self,
        text: &str,
        advantage: rules::dice::Advantage,
    ) -> std::result::Result<rules::dice::Roll<'_, '_>, rules::dice::DiceError> {
        self.roller
            .roll_commented(text, advantage, &mut *self.faces)
    }

    /// Rolls a dice text.
    fn roll_str(
        &mut self,
        text: &str,
    ) -> std::result::Result<rules::dice::Roll<'_, '_>, rules::dice::DiceError> {
        self.roller.roll_str(text, &mut *self.faces)
    }
}

impl DieRoller for Dice<'_> {
    fn roll_die(&mut self, sides: u64) -> u64 {
        self.faces.roll_die(sides)
    }
}

/// Carries out `command` from `actor` on `table`.
pub fn execute(
    table: &mut Table,
    actor: &PlayerId,
    command: &Command,
    now: u64,
    dice: &mut Dice<'_>,
) -> Result<Reply> {
    let mut reply = Reply::default();
    if let Some(to) = votes::close_vote_if_due(table, now, &mut reply) {
        explore::vote_won(table, actor, &to, dice, &mut reply);
    }
    match command {
        Command::Look => explore::watcher(table, actor)?,
        Command::Go { .. }
        | Command::Search
        | Command::Open { .. }
        | Command::Pick { .. }
        | Command::Force { .. }
        | Command::Disarm { .. }
        | Command::Talk { .. }
        | Command::Take
        | Command::Light { .. }
        | Command::Leader { .. }
        | Command::March { .. }
        | Command::Leave
        | Command::Rest { .. } => explore::member(table, actor)?,
        Command::VoteFor { .. }
            if table.vote.as_ref().is_some_and(|v| v.go.is_some())
                && !explore::may_vote_go(table, actor) =>
        {
            return Err(no("only the party votes on where it goes"));
        }
        _ => {}
    }
    match command {
        Command::Dm(crate::command::DmCommand::Note { text, private }) => {
            if !table.is_dm(actor) {
                return Err(no("only the table's DM can do that"));
            }
            notebook::write(table, actor, text, *private, now, &mut reply)?;
        }
        Command::Note { text } => notebook::write(table, actor, text, false, now, &mut reply)?,
        Command::Notes { about } => notebook::read(table, actor, about.as_deref(), &mut reply),
        Command::Recap => notebook::recap(table, &mut reply),
        Command::RadioNarration { on } => {
            if !table.is_dm(actor) && !table.players.contains_key(actor) {
                return Err(no("only the table's players and DM can change that"));
            }
            table.radio_narration = *on;
            reply.say(if *on {
                "Radio narration on: area entries and fight ends, one short line."
            } else {
                "Radio narration off."
            });
        }
        Command::Dm(dm) => {
            if !table.is_dm(actor) {
                return Err(no("only the table's DM can do that"));
            }
            dm::dm_command(table, actor, dm, now, dice, &mut reply)?;
            reply.announce |= dm::announced(dm);
        }
        Command::NewCharacter(new) => characters::create(table, actor, new, now, dice, &mut reply)?,
        Command::ImportCharacter { character, notes } => {
            characters::import(table, actor, character, notes, &mut reply)?;
        }
        Command::UseCharacter { name } => {
            if !characters::switch(table, actor, name, &mut reply)? {
                return Ok(reply);
            }
        }
        Command::Sheet { name } => characters::sheet(table, actor, name.as_deref(), &mut reply)?,
        Command::Status => text::status(table, actor, &mut reply),
        Command::Commands => reply.say(HELP),
        Command::Verify => reply.say(text::verify(table)),
        Command::Roll { expr, advantage } => {
            rolls::roll(table, actor, expr, *advantage, dice, &mut reply)?;
        }
        Command::Vote { options } => votes::open(table, actor, options, now, &mut reply)?,
        Command::VoteFor { option } => {
            if let Some(to) = votes::ballot(table, actor, option, &mut reply)? {
                explore::vote_won(table, actor, &to, dice, &mut reply);
            }
        }
        Command::EndTurn if turns::dm_moves_turn(table, actor) => {
            turns::dm_end_turn(table, dice, &mut reply)?;
        }
        Command::RollScores => build::roll_scores(table, actor, dice, &mut reply)?,
        Command::Choose { kind, picks } => {
            let me = characters::acting_character(table, actor)?;
            if !build::choose(table, actor, &me, kind.as_deref(), picks, now, &mut reply)? {
                return Ok(reply);
            }
        }
        Command::SetOwn {
            field,
            value,
            reason,
        } => {
            let me = characters::acting_character(table, actor)?;
            build::set_own(table, actor, &me, field, value, reason, now, &mut reply)?;
        }
        Command::LevelUp | Command::LevelUpIn { .. } => {
            let me = characters::acting_character(table, actor)?;
            let (class, roll) = match command {
                Command::LevelUpIn { class, roll } => (class.as_deref(), *roll),
                _ => (None, false),
            };
            build::level_up(table, actor, &me, class, roll, false, now, dice, &mut reply)?;
        }
        Command::Look => explore::look(table, &mut reply)?,
        Command::Go { exit, vote_secs } => {
            explore::go(table, actor, exit, *vote_secs, now, dice, &mut reply)?;
        }
        Command::Search => explore::search(table, actor, dice, &mut reply)?,
        Command::Open { exit } => explore::open(table, actor, exit, dice, &mut reply)?,
        Command::Pick { exit } => {
            explore::pick_or_force(table, actor, exit, false, dice, &mut reply)?;
        }
        Command::Force { exit } => {
            explore::pick_or_force(table, actor, exit, true, dice, &mut reply)?;
        }
        Command::Disarm { trap } => explore::disarm(table, actor, trap, dice, &mut reply)?,
        Command::Talk { npc, say } => explore::talk(table, actor, npc, say, dice, &mut reply)?,
        Command::Take => explore::take(table, actor, dice, &mut reply)?,
        Command::Leave => explore::leave(table, actor, &mut reply)?,
        Command::Light { on } => explore::light(table, *on, &mut reply)?,
        Command::Leader { name } => explore::leader(table, name.as_deref(), &mut reply)?,
        Command::March { order } => explore::march(table, order, &mut reply)?,
        Command::Party { action } => {
            explore::party_command(table, actor, action.as_ref(), &mut reply)?;
        }
        Command::Rest { long } if table.adventure.as_ref().is_some_and(|e| e.ended.is_none()) => {
            explore::party_rest(table, actor, *long, dice, &mut reply)?;
        }
        Command::Use { item, target: None }
            if explore::use_feature(table, actor, item, dice, &mut reply)? => {}
        other => {
            let me = characters::acting_character(table, actor)?;
            act(table, &me, other, dice, &mut reply)?;
        }
    }
    explore::after(table, actor, dice, &mut reply)?;
    turns::note_turn(table, &mut reply);
    Ok(reply)
}

/// A command a combatant (a character, or a monster the DM runs) carries out.
fn act(
    table: &mut Table,
    me: &str,
    command: &Command,
    dice: &mut Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    explore::surprised(table, me, command)?;
    limits::check(table, me, command)?;
    match command {
        Command::Check { what, advantage } => {
            rolls::check(table, me, what, *advantage, dice, reply)
        }
        Command::Save { ability, advantage } => {
            rolls::save(table, me, *ability, *advantage, dice, reply)
        }
        Command::JoinInitiative => turns::join_initiative(table, me, dice, reply),
        Command::EndTurn => turns::end_turn(table, me, dice, reply),
        Command::DeathSave => rest::death_save(table, me, dice, reply),
        Command::Attack { .. } | Command::Cast { .. } | Command::OffHand { .. } => {
            attack::attack_or_cast(table, me, command, attack::Via::Normal, dice, reply)
        }
        Command::Act(simple) => actions::simple_action(table, me, *simple, dice, reply),
        Command::Help { target } => actions::help(table, me, target, reply),
        Command::Grapple { target } => actions::contest(table, me, target, None, dice, reply),
        Command::Shove { target, prone } => {
            actions::contest(table, me, target, Some(*prone), dice, reply)
        }
        Command::Ready { action } => reactions::ready(table, me, action, reply),
        Command::Feature(f) => classes::feature(table, me, *f, dice, reply),
        Command::React { reaction, on } => {
            let said = reactions::switch(table, me, reaction, *on)?;
            reply.say(said);
            Ok(())
        }
        Command::Use { item, target } => {
            actions::use_item(table, me, item, target.as_deref(), dice, reply)
        }
        Command::Move { to, target } => movement::move_to(table, me, *to, target, dice, reply),
        Command::Rest { long } => rest::rest(table, me, *long, dice, reply),
        _ => Err(no("that command is not for a combatant")),
    }
}
