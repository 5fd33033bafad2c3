//! Writing to standard output the way command-line tools should.

use std::io::Write;

use anyhow::Result;

/// Prints `text` and a newline. A reader that stopped listening
/// (`dungeon monster goblin --json | head -3`) is no error.
pub fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .or_else(quiet_if_closed)
}

/// Turns a closed pipe into success and any other write error into a clear one.
pub fn quiet_if_closed(e: std::io::Error) -> Result<()> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(anyhow::Error::new(e).context("could not write to standard output"))
    }
}
