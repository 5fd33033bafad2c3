//! Hit points, temporary hit points, dropping to 0, death saves and dying.

use serde::{Deserialize, Serialize};

use super::{D20Roll, D20Test};
use crate::dice::DieRoller;

/// What happens to a creature at 0 hit points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZeroHp {
    /// It falls unconscious and makes death saves (player characters, important NPCs).
    #[default]
    DeathSaves,
    /// It dies (most monsters, as the SRD suggests).
    Dies,
}

/// Where a creature stands between life and death.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifeState {
    /// Above 0 hit points.
    #[default]
    Conscious,
    /// At 0 hit points, unconscious, making death saves.
    Dying {
        /// Successful death saves so far (three make it stable).
        successes: u8,
        /// Failed death saves so far (three kill).
        failures: u8,
    },
    /// At 0 hit points, unconscious, no longer making death saves.
    Stable,
    /// Dead.
    Dead,
}

impl LifeState {
    /// Whether the creature is alive (conscious or not).
    pub fn is_alive(self) -> bool {
        self != LifeState::Dead
    }

    /// Whether the creature is alive at 0 hit points (and so unconscious).
    pub fn is_down(self) -> bool {
        matches!(self, LifeState::Dying { .. } | LifeState::Stable)
    }
}

/// A creature's hit points and life state, changed only through the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    current: u32,
    max: u32,
    temp: u32,
    state: LifeState,
    at_zero: ZeroHp,
}

/// What one damage event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DamageReport {
    /// Damage taken by temporary hit points.
    pub absorbed: u32,
    /// Hit points lost.
    pub lost: u32,
    /// Damage beyond what the hit points held: past 0, or taken while
    /// already at 0. Still damage taken, for a concentration save.
    #[serde(default)]
    pub overflow: u32,
    /// Whether this damage took the creature from above 0 to 0 hit points.
    pub dropped_to_zero: bool,
    /// Death save failures this damage added (1, or 2 for a critical hit).
    pub death_save_failures: u8,
    /// Whether the damage killed outright (massive damage).
    pub instant_death: bool,
    /// The life state afterwards.
    pub state: LifeState,
}

impl DamageReport {
    /// All damage taken: what temporary hit points absorbed, the hit points
    /// lost and what went beyond 0. A concentration save's DC is half of it,
    /// not half of the hit points lost.
    pub fn taken(&self) -> u32 {
        self.absorbed
            .saturating_add(self.lost)
            .saturating_add(self.overflow)
    }
}

/// Why healing did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HealError {
    /// The creature is dead.
    #[error("the target is dead; only magic like revivify brings it back")]
    Dead,
}

/// A death save was asked of a creature that is not dying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("only a dying creature makes death saves")]
pub struct NotDying;

/// What a death save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeathSaveResult {
    /// 10 or higher: one success.
    Success,
    /// The third success: the creature is stable.
    Stabilized,
    /// Below 10: one failure.
    Failure,
    /// A natural 1: two failures.
    DoubleFailure,
    /// The third failure: the creature dies.
    Died,
    /// A natural 20: the creature regains 1 hit point and wakes.
    Revived,
}

/// The result of a death save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeathSaveOutcome {
    /// The d20s and which one counted.
    pub roll: D20Roll,
    /// The counted face plus any modifier.
    pub total: i32,
    /// What the save did.
    pub result: DeathSaveResult,
    /// The life state afterwards.
    pub state: LifeState,
}

/// The death save DC, fixed by the rules.
const DEATH_SAVE_DC: i32 = 10;

impl Health {
    /// Full health with this hit point maximum.
    pub fn new(max: u32, at_zero: ZeroHp) -> Self {
        Self {
            current: max,
            max,
            temp: 0,
            state: if max > 0 {
                LifeState::Conscious
            } else {
                LifeState::Dead
            },
            at_zero,
        }
    }

    /// Current hit points.
    pub fn current(&self) -> u32 {
        self.current
    }

    /// Hit point maximum.
    pub fn max(&self) -> u32 {
        self.max
    }

    /// Temporary hit points.
    pub fn temp(&self) -> u32 {
        self.temp
    }

    /// The life state.
    pub fn state(&self) -> LifeState {
        self.state
    }

    /// Changes the maximum (exhaustion 4 halves it); current hit points above
    /// the new maximum drop to it.
    pub fn set_max(&mut self, max: u32) {
        self.max = max;
        self.current = self.current.min(max);
    }

    /// Loses all temporary hit points (they end with a long rest).
    pub fn clear_temp(&mut self) {
        self.temp = 0;
    }

    /// Gains temporary hit points; they don't stack, so the higher amount stays.
    pub fn grant_temp(&mut self, amount: u32) -> u32 {
        self.temp = self.temp.max(amount);
        self.temp
    }

    /// Takes damage (already adjusted for resistances): temporary hit points
    /// first, never below 0 hit points. At 0 hit points, remaining damage of
    /// at least the maximum kills outright; otherwise damage while down adds
    /// a death save failure (two for a critical hit).
    pub fn take_damage(&mut self, amount: u32, critical: bool) -> DamageReport {
        let mut report = DamageReport {
            state: self.state,
            ..DamageReport::default()
        };
        if self.state == LifeState::Dead {
            return report;
        }
        report.absorbed = amount.min(self.temp);
        self.temp -= report.absorbed;
        let rest = amount - report.absorbed;
        if rest == 0 {
            return report;
        }
        if self.current > 0 {
            report.lost = rest.min(self.current);
            self.current -= report.lost;
            if self.current == 0 {
                report.dropped_to_zero = true;
                report.overflow = rest - report.lost;
                if report.overflow >= self.max {
                    report.instant_death = true;
                    self.state = LifeState::Dead;
                } else if self.at_zero == ZeroHp::Dies {
                    self.state = LifeState::Dead;
                } else {
                    self.state = LifeState::Dying {
                        successes: 0,
                        failures: 0,
                    };
                }
            }
        } else if rest >= self.max {
            report.overflow = rest;
            report.instant_death = true;
            self.state = LifeState::Dead;
        } else {
            report.overflow = rest;
            let added = if critical { 2 } else { 1 };
            report.death_save_failures = added;
            // A stable creature that takes damage starts dying again from a clean slate.
            let (successes, failures) = match self.state {
                LifeState::Dying {
                    successes,
                    failures,
                } => (successes, failures),
                _ => (0, 0),
            };
            self.state = Self::dying(successes, failures + added);
        }
        report.state = self.state;
        report
    }

    /// Regains hit points up to the maximum and returns how many. Any healing
    /// at 0 hit points wakes the creature and clears its death saves.
    pub fn heal(&mut self, amount: u32) -> Result<u32, HealError> {
        if self.state == LifeState::Dead {
            return Err(HealError::Dead);
        }
        let healed = amount.min(self.max - self.current);
        self.current += healed;
        if self.current > 0 {
            self.state = LifeState::Conscious;
        }
        Ok(healed)
    }

    /// Makes a death save (DC 10) with the test's modifier and advantage: a
    /// natural 20 restores 1 hit point, a natural 1 counts as two failures,
    /// three successes stabilize and three failures kill.
    pub fn death_save(
        &mut self,
        test: &D20Test,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Result<DeathSaveOutcome, NotDying> {
        let LifeState::Dying {
            successes,
            failures,
        } = self.state
        else {
            return Err(NotDying);
        };
        let roll = D20Roll::roll_with_floor(test.advantage, test.min_face, roller);
        let total = i32::from(roll.face()) + test.modifier;
        let (result, state) = if roll.natural() == 20 {
            self.current = 1;
            (DeathSaveResult::Revived, LifeState::Conscious)
        } else if roll.natural() == 1 || total < DEATH_SAVE_DC {
            let added = if roll.natural() == 1 { 2 } else { 1 };
            let state = Self::dying(successes, failures + added);
            let result = match (state, added) {
                (LifeState::Dead, _) => DeathSaveResult::Died,
                (_, 2) => DeathSaveResult::DoubleFailure,
                _ => DeathSaveResult::Failure,
            };
            (result, state)
        } else if successes + 1 >= 3 {
            (DeathSaveResult::Stabilized, LifeState::Stable)
        } else {
            let state = LifeState::Dying {
                successes: successes + 1,
                failures,
            };
            (DeathSaveResult::Success, state)
        };
        self.state = state;
        Ok(DeathSaveOutcome {
            roll,
            total,
            result,
            state,
        })
    }

    /// Stabilizes a dying creature (a DC 10 Medicine check, spare the dying).
    pub fn stabilize(&mut self) -> Result<(), NotDying> {
        match self.state {
            LifeState::Dying { .. } => {
                self.state = LifeState::Stable;
                Ok(())
            }
            _ => Err(NotDying),
        }
    }

    /// Kills the creature whatever its hit points (exhaustion level 6, disintegration).
    pub fn kill(&mut self) {
        self.current = 0;
        self.temp = 0;
        self.state = LifeState::Dead;
    }

    fn dying(successes: u8, failures: u8) -> LifeState {
        if failures >= 3 {
            LifeState::Dead
        } else {
            LifeState::Dying {
                successes,
                failures,
            }
        }
    }
}
