//! The 5e rules engine of Distributed Dungeon.
//!
//! This crate owns the dice language (a d20-compatible parser and roller),
//! the core mechanics of the fifth edition rules (abilities, checks, attacks,
//! damage, death saves, conditions, rests, spell slots) and the list of legal
//! options for an actor, and the SRD's game figures (monsters) compiled into
//! the binary. It does no I/O: randomness comes in through
//! [`dice::DieRoller`], so every result can be replayed exactly.

pub mod automation;
pub mod content;
pub mod dice;
pub mod mechanics;
