//! The DM core of Distributed Dungeon: tables, characters, encounters, turn
//! order, the `Command` / `Event` / `Reply` types, the text command grammar
//! and the sans-IO session state machine. Like `rules`, it does no I/O.
//!
//! This crate is filled in by the DM-core work; for now it only re-exports the
//! rules engine it is built on.

pub use rules;
