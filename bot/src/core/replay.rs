//! Reading a table's stored log back: its events, and the check of every
//! roll against the seed. The router answers `verify` with it; the
//! `replay` and `verify` commands use it on stored games.

use anyhow::{Context as _, Result};
use dm::Event;
use dm::seed::{Commitment, RollRecord, TableSeed, Verification};

use crate::core::store::StoredEvent;

/// A table's log, read back as events.
pub fn decode(stored: Vec<StoredEvent>) -> Result<Vec<Event>> {
    stored
        .into_iter()
        .map(|e| {
            serde_json::from_value(e.payload)
                .with_context(|| format!("event {} does not read back as an event", e.seq))
        })
        .collect()
}

/// Checks every roll of a log against the seed it revealed (or `seed`, the
/// stored secret, for the DM before the reveal).
pub fn verify_log(events: &[Event], seed: Option<&TableSeed>) -> Result<Verification, String> {
    let mut commitment = None;
    let mut revealed = None;
    let mut rolls: Vec<RollRecord> = Vec::new();
    for e in events {
        match e {
            Event::Opened { commitment: c, .. } => commitment = Some(c.clone()),
            Event::SeedRevealed { seed } => revealed = Some(seed.clone()),
            Event::Did { rolls: Some(r), .. } => rolls.push(r.clone()),
            Event::Did { .. }
            | Event::DmGranted { .. }
            | Event::DmRevoked { .. }
            | Event::Closed { .. } => {}
        }
    }
    let commitment: Commitment = commitment
        .ok_or("the log has no opening event")?
        .parse()
        .map_err(|e| format!("the commitment in the log is not valid: {e}"))?;
    let seed = match (revealed, seed) {
        (Some(text), _) => text
            .parse::<TableSeed>()
            .map_err(|e| format!("the revealed seed is not valid: {e}"))?,
        (None, Some(s)) => s.clone(),
        (None, None) => {
            return Err(
                "the seed is not revealed yet: the DM reveals it with `dm reveal` \
                 (or checks now with --use-stored-seed)"
                    .to_owned(),
            );
        }
    };
    Ok(dm::seed::verify(&seed, &commitment, &rolls))
}
