//! The Meshtastic transport of Distributed Dungeon: the serial/TCP link to a
//! node, the compact radio grammar, byte-budgeted rendering (≤ 200 bytes per
//! packet), send pacing and node identity. Only this crate knows Meshtastic.
//!
//! Everything but [`link`] is pure: [`frame`] (the stream framing),
//! [`filter`] (which packets are commands), [`alias`] (what players type),
//! [`render`] (replies as packets), [`pace`] (the outbound queue, with time
//! passed in), [`identity`] (who may act), [`airtime`] (LongFast estimate).

pub mod airtime;
pub mod alias;
pub mod filter;
pub mod frame;
pub mod identity;
pub mod link;
pub mod pace;
pub mod render;

pub use dm;
/// Protobuf encoding and decoding of [`protobufs`].
pub use meshtastic::Message;
/// The Meshtastic protobufs (for fakes and tests).
pub use meshtastic::protobufs;
