//! What every transport needs to start and follow a game: a table's seed
//! (random, or from a number for a run that repeats), a fresh table id, and
//! whether the fight is over.

use dm::Table;
use dm::seed::TableSeed;

/// A seed from a number (`--seed N`): reproducible runs.
pub fn seed_from_number(n: u64) -> TableSeed {
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let word = n ^ (0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(i as u64 + 1));
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    TableSeed::from_entropy_bytes(bytes)
}

/// A fresh random seed.
pub fn random_seed() -> TableSeed {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    TableSeed::from_entropy_bytes(bytes)
}

/// A new table id, `PREFIX-SECONDS-RANDOM`.
pub fn new_table_id(prefix: &str) -> String {
    let mut bytes = [0u8; 3];
    rand::fill(&mut bytes);
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{prefix}-{secs}-{:02x}{:02x}{:02x}",
        bytes[0], bytes[1], bytes[2]
    )
}

/// Whether one side has no one standing.
pub fn fight_over(table: &Table) -> bool {
    use rules::mechanics::LifeState;
    let Some(enc) = &table.encounter else {
        return false;
    };
    let monsters_up = enc
        .monsters
        .iter()
        .any(|m| m.health.state() == LifeState::Conscious);
    let party_up = enc.order.iter().any(|s| {
        table
            .character(&s.handle)
            .is_some_and(|c| c.health.state() == LifeState::Conscious)
    });
    !enc.monsters.is_empty() && (!monsters_up || !party_up)
}
