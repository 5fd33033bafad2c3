//! d20 tests: rolling the d20 (with advantage and a floor) and comparing with a DC.

use serde::{Deserialize, Serialize};

use crate::dice::{Advantage, DieRoller};

/// A rolled d20, keeping every face so a transport can show both dice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct D20Roll {
    /// Every d20 rolled, in order: one, or two with advantage or disadvantage.
    pub faces: Vec<u8>,
    /// Index in `faces` of the die that counts.
    pub kept: usize,
    /// How the dice were rolled.
    pub advantage: Advantage,
    /// A floor on the kept face (Reliable Talent treats 9 or lower as 10); 1 means none.
    pub min_face: u8,
}

impl D20Roll {
    /// Rolls one d20, or two with advantage or disadvantage.
    pub fn roll(advantage: Advantage, roller: &mut (impl DieRoller + ?Sized)) -> Self {
        Self::roll_with_floor(advantage, 1, roller)
    }

    /// Rolls like [`D20Roll::roll`], then treats a kept face below `min_face` as `min_face`.
    pub fn roll_with_floor(
        advantage: Advantage,
        min_face: u8,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Self {
        let mut d20 = || u8::try_from(roller.roll_die(20).clamp(1, 20)).unwrap_or(20);
        let faces = match advantage {
            Advantage::Normal => vec![d20()],
            Advantage::Advantage | Advantage::Disadvantage => vec![d20(), d20()],
        };
        let kept = match (advantage, faces.as_slice()) {
            (Advantage::Advantage, [a, b]) if b > a => 1,
            (Advantage::Disadvantage, [a, b]) if b < a => 1,
            _ => 0,
        };
        Self {
            faces,
            kept,
            advantage,
            min_face: min_face.clamp(1, 20),
        }
    }

    /// The kept die as it landed (what "natural 20" and "natural 1" look at).
    pub fn natural(&self) -> u8 {
        self.faces.get(self.kept).copied().unwrap_or(1)
    }

    /// The kept die after the floor: the number added to the modifier.
    pub fn face(&self) -> u8 {
        self.natural().max(self.min_face)
    }
}

/// An ability check or saving throw about to be rolled: everything but the DC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct D20Test {
    /// Everything added to the d20: ability modifier, proficiency, flat bonuses.
    pub modifier: i32,
    /// Advantage state after reconciling every source.
    pub advantage: Advantage,
    /// A floor on the kept face (10 for Reliable Talent); 1 means none.
    pub min_face: u8,
    /// The test fails without a roll (a paralyzed creature's Dexterity save).
    pub auto_fail: bool,
}

impl D20Test {
    /// A plain test with this modifier.
    pub fn new(modifier: i32) -> Self {
        Self {
            modifier,
            advantage: Advantage::Normal,
            min_face: 1,
            auto_fail: false,
        }
    }

    /// Adds a flat bonus (or penalty) to the modifier.
    pub fn plus(mut self, bonus: i32) -> Self {
        self.modifier += bonus;
        self
    }

    /// Adds a source of advantage or disadvantage; opposite sources cancel.
    pub fn with_advantage(mut self, advantage: Advantage) -> Self {
        self.advantage = self.advantage.combine(advantage);
        self
    }

    /// Treats a kept d20 below `min_face` as `min_face` (Reliable Talent: 10).
    pub fn with_min_face(mut self, min_face: u8) -> Self {
        self.min_face = self.min_face.max(min_face);
        self
    }

    /// Makes the test fail automatically (no dice are rolled).
    pub fn auto_failing(mut self) -> Self {
        self.auto_fail = true;
        self
    }

    /// Rolls against a DC: the test succeeds if the total meets or beats it.
    pub fn roll(&self, dc: i32, roller: &mut (impl DieRoller + ?Sized)) -> TestOutcome {
        if self.auto_fail {
            return TestOutcome::AutoFailed { dc };
        }
        let roll = D20Roll::roll_with_floor(self.advantage, self.min_face, roller);
        let total = i32::from(roll.face()) + self.modifier;
        TestOutcome::Rolled {
            roll,
            modifier: self.modifier,
            total,
            dc,
            success: total >= dc,
        }
    }
}

/// The result of an ability check or saving throw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TestOutcome {
    /// The dice were rolled.
    Rolled {
        /// The d20s and which one counted.
        roll: D20Roll,
        /// The modifier that was added.
        modifier: i32,
        /// The counted face plus the modifier.
        total: i32,
        /// The difficulty class.
        dc: i32,
        /// Whether the total met the DC.
        success: bool,
    },
    /// The test failed without a roll, because of a condition.
    AutoFailed {
        /// The difficulty class.
        dc: i32,
    },
}

impl TestOutcome {
    /// Whether the test succeeded.
    pub fn success(&self) -> bool {
        matches!(self, TestOutcome::Rolled { success: true, .. })
    }

    /// The total, if dice were rolled.
    pub fn total(&self) -> Option<i32> {
        match self {
            TestOutcome::Rolled { total, .. } => Some(*total),
            TestOutcome::AutoFailed { .. } => None,
        }
    }

    /// The d20s, if dice were rolled.
    pub fn roll(&self) -> Option<&D20Roll> {
        match self {
            TestOutcome::Rolled { roll, .. } => Some(roll),
            TestOutcome::AutoFailed { .. } => None,
        }
    }
}
