//! The binary's commands: the command line ([`cli`]) and what each
//! subcommand runs (`serve`, the stored-game commands, `bench`, `eval`, the
//! content look-ups, `roll`, `radio rebind`).
//!
//! The top layer: it may import every other layer; nothing imports it. Its
//! argument types stay here: a command turns them into the settings or
//! options of the layer it calls.

pub mod adventure;
pub mod bench;
mod bench_multi;
pub mod characters;
pub mod cli;
pub mod content;
pub mod eval;
pub mod eval_adventures;
pub mod games;
pub mod output;
pub mod play;
pub mod rebind;
pub mod roll;
pub mod serve;
pub mod web;
