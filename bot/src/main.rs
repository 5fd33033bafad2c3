//! `dungeon`: the Distributed Dungeon binary.
//!
//! Thin by design: it parses the command line and calls into the library
//! crates; errors reach the user through `anyhow` with their context.

use bot::commands::{
    adventure, bench, characters, cli, content, eval, eval_adventures, games, output, play, rebind,
    roll, serve, web,
};

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Roll(args) => roll::run(&args),
        cli::Command::Monster(args) => content::monster(&args.name.join(" "), args.json),
        cli::Command::Spell(args) => content::spell(&args.name.join(" "), args.json),
        cli::Command::Item(args) => content::item(&args.name.join(" "), args.json),
        cli::Command::Content {
            command: cli::ContentCommand::Coverage { json },
        } => content::coverage(json),
        cli::Command::Play(args) => play::play(&args),
        cli::Command::Serve(args) => serve::serve(&args),
        cli::Command::Config {
            command: cli::ConfigCommand::Check(args),
        } => serve::config_check(&args),
        cli::Command::Tables(args) => games::tables(&args),
        cli::Command::Replay(args) => games::replay(&args),
        cli::Command::Verify(args) => games::verify(&args),
        cli::Command::History(args) => games::history(&args),
        cli::Command::Eval {
            command: cli::EvalCommand::Monsters(args),
        } => eval::monsters(&args),
        cli::Command::Eval {
            command: cli::EvalCommand::Narration(args),
        } => eval::narration(&args),
        cli::Command::Eval {
            command: cli::EvalCommand::Adventures(args),
        } => eval_adventures::adventures(&args),
        cli::Command::Radio {
            command: cli::RadioCommand::Rebind(args),
        } => rebind::rebind(&args),
        cli::Command::Bench {
            command: cli::BenchCommand::Load(args),
        } => bench::load(&args),
        cli::Command::Credits => output::emit(cli::CREDITS),
        cli::Command::Web {
            command: cli::WebCommand::Link(args),
        } => web::link(&args),
        cli::Command::Adventure { command } => adventure::run(&command),
        cli::Command::Char {
            command: cli::CharCommand::Import(args),
        } => characters::import(&args),
        cli::Command::Char {
            command: cli::CharCommand::Export(args),
        } => characters::export(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
