//! `dungeon`: the Distributed Dungeon binary.
fn main() {}
