//! The `dungeon` binary's library: the CLI, the store, the router and the
//! console transport. A library so that tests and benchmarks drive the
//! same code the binary runs.

pub mod bench;
mod bench_multi;
pub mod bus;
pub mod cli;
pub mod config;
pub mod console;
pub mod content;
pub mod discord;
pub mod eval;
pub mod games;
pub mod http;
pub mod output;
pub mod planner;
pub mod radio;
pub mod roll;
pub mod router;
pub mod serve;
pub mod store;
pub mod telemetry;
pub mod turns;
