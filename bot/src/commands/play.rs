//! `dungeon play`: the console transport, started from the command line.

use anyhow::Result;

use crate::commands::cli::PlayArgs;
use crate::transport::console::{self, Play};

/// `dungeon play`.
pub fn play(args: &PlayArgs) -> Result<()> {
    console::run(&Play {
        script: args.script.clone(),
        demo: args.demo,
        seed: args.seed,
        json: args.json,
        table: args.table.clone(),
        database: args.database.clone(),
        planner: args.planner,
        narrator: args.narrator,
        adventure: args.adventure.clone(),
    })
}
