//! Short and long rests: hit dice, hit points, spell slots and exhaustion.

use serde::{Deserialize, Serialize};

use super::{Conditions, Health, LifeState, SpellSlots};
use crate::dice::DieRoller;

/// A character's hit dice (one die size; a multiclass character with mixed
/// sizes keeps one pool per size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HitDice {
    sides: u32,
    total: u32,
    spent: u32,
}

/// Why a rest can't go ahead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestError {
    /// More hit dice asked for than are left.
    #[error("only {left} hit dice left; spend {left} or fewer")]
    NotEnoughHitDice {
        /// Hit dice left.
        left: u32,
    },
    /// A long rest needs at least 1 hit point at its start.
    #[error("a long rest needs at least 1 hit point; heal first")]
    NoHitPoints,
    /// The dead don't rest.
    #[error("the dead can't rest")]
    Dead,
}

/// What a short rest did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ShortRestReport {
    /// The face of each hit die spent.
    pub faces: Vec<u32>,
    /// Hit points regained.
    pub healed: u32,
    /// Hit dice left afterwards.
    pub hit_dice_left: u32,
}

/// What a long rest did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LongRestReport {
    /// Hit points regained.
    pub healed: u32,
    /// Spent hit dice regained.
    pub hit_dice_regained: u32,
    /// The exhaustion level afterwards.
    pub exhaustion: u8,
}

impl HitDice {
    /// `total` unspent dice with `sides` faces (a d8 class at level 5: `new(8, 5)`).
    pub fn new(sides: u32, total: u32) -> Self {
        Self {
            sides,
            total,
            spent: 0,
        }
    }

    /// Faces per die.
    pub fn sides(&self) -> u32 {
        self.sides
    }

    /// All hit dice (the character level for a single class).
    pub fn total(&self) -> u32 {
        self.total
    }

    /// Hit dice not yet spent.
    pub fn remaining(&self) -> u32 {
        self.total - self.spent
    }

    /// Regains spent dice up to half the total (at least one), as a long rest does.
    fn regain_half(&mut self) -> u32 {
        let regained = (self.total / 2).max(1).min(self.spent);
        self.spent -= regained;
        regained
    }
}

/// Takes a short rest spending `dice` hit dice: each heals its roll plus the
/// Constitution modifier (at least 0); pact magic slots come back.
pub fn short_rest(
    health: &mut Health,
    hit_dice: &mut HitDice,
    dice: u32,
    con_modifier: i32,
    slots: &mut SpellSlots,
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<ShortRestReport, RestError> {
    if health.state() == LifeState::Dead {
        return Err(RestError::Dead);
    }
    if dice > hit_dice.remaining() {
        return Err(RestError::NotEnoughHitDice {
            left: hit_dice.remaining(),
        });
    }
    let mut report = ShortRestReport::default();
    for _ in 0..dice {
        let face =
            u32::try_from(roller.roll_die(u64::from(hit_dice.sides))).unwrap_or(hit_dice.sides);
        hit_dice.spent += 1;
        let amount = i64::from(face) + i64::from(con_modifier);
        let amount = u32::try_from(amount.max(0)).unwrap_or(u32::MAX);
        report.faces.push(face);
        report.healed += health.heal(amount).map_err(|_| RestError::Dead)?;
    }
    slots.restore_pact();
    report.hit_dice_left = hit_dice.remaining();
    Ok(report)
}

/// Takes a long rest: temporary hit points end, exhaustion drops one level, the hit point maximum is
/// reset from `base_max_hp` (no longer halved if exhaustion fell below 4), all
/// hit points and spell slots come back, and up to half the hit dice (at least
/// one). Food and drink are assumed.
pub fn long_rest(
    health: &mut Health,
    hit_dice: &mut HitDice,
    slots: &mut SpellSlots,
    conditions: &mut Conditions,
    base_max_hp: u32,
) -> Result<LongRestReport, RestError> {
    match health.state() {
        LifeState::Dead => return Err(RestError::Dead),
        _ if health.current() == 0 => return Err(RestError::NoHitPoints),
        _ => {}
    }
    conditions.reduce_exhaustion();
    health.clear_temp();
    health.set_max(conditions.hit_point_maximum(base_max_hp));
    let healed = health
        .heal(health.max() - health.current())
        .map_err(|_| RestError::Dead)?;
    let hit_dice_regained = hit_dice.regain_half();
    slots.restore_all();
    Ok(LongRestReport {
        healed,
        hit_dice_regained,
        exhaustion: conditions.exhaustion(),
    })
}
