//! The `dungeon` binary's library. A library so that tests and benchmarks
//! drive the same code the binary runs.
//!
//! Layers, bottom to top; a module imports only from its own layer or the
//! ones below it (`tests/layers.rs` checks this):
//!
//! 1. [`config`]: the settings types and where they come from.
//! 2. [`ops`]: telemetry (metrics, logs) and the health and metrics
//!    endpoint; they know nothing of games.
//! 3. [`core`]: the service core: router, bus, store, monster turns,
//!    planner selection.
//! 4. [`transport`]: one module per way in (console, Discord, radio), each
//!    on top of the core and never using another transport.
//! 5. [`commands`]: the binary's command line and the operator commands.

pub mod commands;
pub mod config;
pub mod core;
pub mod ops;
pub mod transport;
