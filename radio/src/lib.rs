//! The Meshtastic transport of Distributed Dungeon: the serial/TCP link to a
//! node, the compact radio grammar, byte-budgeted rendering (≤ 200 bytes per
//! packet), send pacing and node identity. Only this crate knows Meshtastic.
//!
//! This crate is filled in by the radio work; it builds on `dm`.

pub use dm;
