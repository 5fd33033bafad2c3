//! The DM core of Distributed Dungeon: tables, characters, encounters, turn
//! order, the `Command` / `Event` / `Reply` types, the text command grammar
//! and the sans-IO session state machine. Like `rules`, it does no I/O.

pub mod adventure;
pub mod auto;
pub mod builder;
pub mod character;
pub mod command;
pub mod encounter;
pub mod event;
pub mod explore;
pub mod explorer;
pub mod grammar;
pub mod journal;
pub mod narration;
pub mod options;
mod play;
pub mod seed;
pub mod sheet;
pub mod table;

pub use command::{Command, DmCommand, Feature, NewCharacter, PartyAction, Scores, Simple};
pub use event::{Event, HealthBand, Line, PlayerId, Reply};
pub use grammar::{ParseError, parse};
pub use play::{HELP, resolve, xp_for_level};
pub use rules;
pub use table::{Ctx, Outcome, Rejection, ReplayError, Table, handle};
