//! The DM core of Distributed Dungeon: tables, characters, encounters, turn
//! order, the `Command` / `Event` / `Reply` types, the text command grammar
//! and the sans-IO session state machine. Like `rules`, it does no I/O.
//!
pub mod command;
pub mod grammar;

pub use command::{Command, DmCommand, NewCharacter, Scores, Simple};
pub use grammar::{ParseError, parse};
pub use rules;
