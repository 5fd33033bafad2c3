//! `dungeon`: the Distributed Dungeon binary.
//!
//! Thin by design: it parses the command line and calls into the library
//! crates; errors reach the user through `anyhow` with their context.

mod cli;
mod roll;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Roll(args) => roll::run(&args),
        cli::Command::Credits => {
            println!("{}", cli::CREDITS);
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
