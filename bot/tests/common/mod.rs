//! What the `dungeon` binary tests share: running it and reading its
//! output, and a store per backend.
#![allow(dead_code, unused_macros, unused_imports)]

pub mod db;
pub mod web;

use std::process::{Command, Output};

/// Runs the built `dungeon` binary with `args` and waits for it.
pub fn dungeon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(args)
        .output()
        .expect("run dungeon")
}

/// Its standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}
