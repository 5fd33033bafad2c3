//! End-to-end tests across the crates of Distributed Dungeon, and the fakes of
//! the outside world they run against. The tests themselves live in
//! `tests/tests/`; this library holds what they share.
//!
//! - [`d20`]: d20 1.1.2 (Avrae's dice roller, Python) as a reference oracle,
//!   driven through `scripts/d20_oracle.py` with scripted dice.
//! - [`fake_node`]: a Meshtastic node speaking the real stream protocol over
//!   TCP or an in-memory pipe, with the firmware's rate limit, size limit
//!   and duplicate rules.

pub mod d20;
pub mod fake_node;

/// Reports a test that cannot run here, by name, where the person running
/// the tests sees it: written straight to standard error, which the test
/// harness does not capture (`eprintln!` in a passing test would be hidden).
pub fn skip(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {test} ({why})");
}
