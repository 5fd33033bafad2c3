//! Concentration: one spell at a time, a Constitution save on each damage.

use serde::{Deserialize, Serialize};

use super::{D20Test, TestOutcome};
use crate::dice::DieRoller;

/// The Constitution save DC to keep concentrating after `damage`: 10 or half
/// the damage (rounded down), whichever is higher.
pub fn concentration_dc(damage: u32) -> i32 {
    i32::try_from(damage / 2).unwrap_or(i32::MAX).max(10)
}

/// The spell a creature concentrates on, if any.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Concentration {
    spell: Option<String>,
}

/// The result of a concentration save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcentrationCheck {
    /// The DC that was rolled against.
    pub dc: i32,
    /// The Constitution save.
    pub outcome: TestOutcome,
    /// The spell that ended, if the save failed.
    pub lost: Option<String>,
}

impl Concentration {
    /// The spell being concentrated on.
    pub fn spell(&self) -> Option<&str> {
        self.spell.as_deref()
    }

    /// Starts concentrating on `spell`; the previous one, if any, ends and is returned.
    pub fn start(&mut self, spell: impl Into<String>) -> Option<String> {
        self.spell.replace(spell.into())
    }

    /// Ends concentration and returns the spell that ended.
    pub fn end(&mut self) -> Option<String> {
        self.spell.take()
    }

    /// Being incapacitated (or killed) ends concentration.
    pub fn on_incapacitated(&mut self) -> Option<String> {
        self.end()
    }

    /// Rolls the Constitution save `save` after one damage instance (each
    /// source of damage gets its own save); `None` when not concentrating or
    /// when no damage got through. `damage` is what the creature took after
    /// resistances, temporary hit points and damage beyond 0 included:
    /// [`crate::mechanics::DamageReport::taken`], not the hit points lost.
    pub fn on_damage(
        &mut self,
        damage: u32,
        save: &D20Test,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Option<ConcentrationCheck> {
        if self.spell.is_none() || damage == 0 {
            return None;
        }
        let dc = concentration_dc(damage);
        let outcome = save.roll(dc, roller);
        let lost = if outcome.success() { None } else { self.end() };
        Some(ConcentrationCheck { dc, outcome, lost })
    }
}
