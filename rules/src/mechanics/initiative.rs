//! Initiative: a Dexterity check for each combatant, highest first.

use serde::{Deserialize, Serialize};

use super::{AbilityScore, CreatureId, D20Roll};
use crate::dice::{Advantage, DieRoller};

/// A combatant about to roll initiative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entrant {
    /// Who rolls.
    pub id: CreatureId,
    /// Dexterity modifier plus any bonus (Alert, Jack of All Trades).
    pub modifier: i32,
    /// The Dexterity score, which breaks ties.
    pub dexterity: AbilityScore,
    /// Advantage on initiative (e.g. a feature, or invisible at the start).
    pub advantage: Advantage,
}

/// One combatant's initiative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeRoll {
    /// Who rolled.
    pub id: CreatureId,
    /// The d20s and which one counted.
    pub roll: D20Roll,
    /// The counted face plus the modifier.
    pub total: i32,
    /// The Dexterity score, which breaks ties.
    pub dexterity: AbilityScore,
}

/// Rolls initiative for everyone (in the order given) and returns the turn order.
pub fn roll_initiative(
    entrants: &[Entrant],
    roller: &mut (impl DieRoller + ?Sized),
) -> Vec<InitiativeRoll> {
    let mut rolls: Vec<InitiativeRoll> = entrants
        .iter()
        .map(|e| {
            let roll = D20Roll::roll(e.advantage, roller);
            InitiativeRoll {
                id: e.id.clone(),
                total: i32::from(roll.face()) + e.modifier,
                roll,
                dexterity: e.dexterity,
            }
        })
        .collect();
    sort_initiative(&mut rolls);
    rolls
}

/// Sorts rolls into turn order: higher total first, ties to the higher
/// Dexterity score, remaining ties keep the order given (a stable sort), so
/// a caller that wants a tie-break roll can order its input by it.
///
/// The SRD leaves ties to the table (the DM decides, or the tied roll again);
/// the Dexterity tie-break is the common table rule this engine adopts.
pub fn sort_initiative(rolls: &mut [InitiativeRoll]) {
    rolls.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| b.dexterity.cmp(&a.dexterity))
    });
}
