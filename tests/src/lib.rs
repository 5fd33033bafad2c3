//! End-to-end tests across the crates of Distributed Dungeon, and the fakes of
//! the outside world they run against (Discord, a Meshtastic node, Gemini,
//! the d20 reference roller). The tests themselves live in `tests/tests/`.
