//! End-to-end tests across the crates of Distributed Dungeon, and the fakes of
//! the outside world they run against. The tests themselves live in
//! `tests/tests/`; this library holds what they share.
//!
//! - [`d20`]: d20 1.1.2 (Avrae's dice roller, Python) as a reference oracle,
//!   driven through `scripts/d20_oracle.py` with scripted dice.

pub mod d20;
