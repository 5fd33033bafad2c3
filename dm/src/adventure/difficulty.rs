//! Encounter difficulty by the XP thresholds of fifth edition: each
//! character level has an easy, medium, hard and deadly XP figure; a group
//! of monsters counts its XP times a multiplier that grows with their number
//! (one step up for a party of fewer than three, one down for six or more).

use super::Group;

/// How hard a fight is for a party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    /// Below the easy threshold.
    Trivial,
    /// Easy.
    Easy,
    /// Medium.
    Medium,
    /// Hard.
    Hard,
    /// Deadly.
    Deadly,
}

/// The XP thresholds of one character, or of a party summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Thresholds {
    /// Easy.
    pub easy: u32,
    /// Medium.
    pub medium: u32,
    /// Hard.
    pub hard: u32,
    /// Deadly.
    pub deadly: u32,
}

/// Easy, medium, hard and deadly XP for one character of levels 1 to 20.
const BY_LEVEL: [[u32; 4]; 20] = [
    [25, 50, 75, 100],
    [50, 100, 150, 200],
    [75, 150, 225, 400],
    [125, 250, 375, 500],
    [250, 500, 750, 1100],
    [300, 600, 900, 1400],
    [350, 750, 1100, 1700],
    [450, 900, 1400, 2100],
    [550, 1100, 1600, 2400],
    [600, 1200, 1900, 2800],
    [800, 1600, 2400, 3600],
    [1000, 2000, 3000, 4500],
    [1100, 2200, 3400, 5100],
    [1250, 2500, 3800, 5700],
    [1400, 2800, 4300, 6400],
    [1600, 3200, 4800, 7200],
    [2000, 3900, 5900, 8800],
    [2100, 4200, 6300, 9500],
    [2400, 4900, 7300, 10900],
    [2800, 5700, 8500, 12700],
];

/// The adjusted XP of fights one character of levels 1 to 20 can take
/// between long rests: the adventuring day of fifth edition's guidance for
/// building encounters.
const DAY_BY_LEVEL: [u32; 20] = [
    300, 600, 1200, 1700, 3500, 4000, 5000, 6000, 7500, 9000, 10500, 11500, 13500, 15000, 18000,
    20000, 25000, 27000, 30000, 40000,
];

/// The party's adventuring day: the adjusted XP of all the fights `party`
/// characters of `level` (clamped to 1-20) can take between long rests.
///
/// ```
/// assert_eq!(dm::adventure::day_budget(3, 4), 4800);
/// ```
pub fn day_budget(level: u8, party: u8) -> u32 {
    DAY_BY_LEVEL[usize::from(level.clamp(1, 20)) - 1] * u32::from(party)
}

/// The party's thresholds: `party` characters of `level` (clamped to 1-20).
///
/// ```
/// let t = dm::adventure::thresholds(1, 4);
/// assert_eq!((t.easy, t.medium, t.hard, t.deadly), (100, 200, 300, 400));
/// ```
pub fn thresholds(level: u8, party: u8) -> Thresholds {
    let [easy, medium, hard, deadly] = BY_LEVEL[usize::from(level.clamp(1, 20)) - 1];
    let n = u32::from(party);
    Thresholds {
        easy: easy * n,
        medium: medium * n,
        hard: hard * n,
        deadly: deadly * n,
    }
}

/// The encounter multiplier for `monsters` monsters against a party of
/// `party`, in halves (3 is ×1.5), so no float is needed.
///
/// ```
/// use dm::adventure::multiplier;
/// assert_eq!(multiplier(1, 4), 2); // ×1
/// assert_eq!(multiplier(4, 4), 4); // ×2
/// assert_eq!(multiplier(1, 2), 3); // a small party: one step up
/// assert_eq!(multiplier(1, 6), 1); // a large party: one step down, ×0.5
/// ```
pub fn multiplier(monsters: u32, party: u8) -> u32 {
    // ×0.5, 1, 1.5, 2, 2.5, 3, 4, 5 in halves.
    const STEPS: [u32; 8] = [1, 2, 3, 4, 5, 6, 8, 10];
    let step: usize = match monsters {
        0 => return 0,
        1 => 1,
        2 => 2,
        3..=6 => 3,
        7..=10 => 4,
        11..=14 => 5,
        _ => 6,
    };
    let step = match party {
        0..=2 => step + 1,
        3..=5 => step,
        _ => step - 1,
    };
    STEPS[step]
}

/// The adjusted XP of some groups of monsters against a party of `party`:
/// their XP summed, times the multiplier for their number. Unknown monster
/// ids count nothing.
pub fn xp_of(groups: &[Group], party: u8) -> u32 {
    let mut total = 0;
    let mut count = 0;
    for g in groups {
        if let Some(m) = rules::content::monster(&g.monster) {
            total += m.xp * u32::from(g.count);
            count += u32::from(g.count);
        }
    }
    total * multiplier(count, party) / 2
}

/// How hard `groups` are for `party` characters of `level`.
///
/// ```
/// use dm::adventure::{Difficulty, Group, Place, difficulty};
/// let goblins = |count| [Group { monster: "goblin".into(), count, place: Place::Near }];
/// // Four goblins (50 XP each, ×2) against four level-1 characters: 400, deadly.
/// assert_eq!(difficulty(&goblins(4), 1, 4), Difficulty::Deadly);
/// assert_eq!(difficulty(&goblins(2), 1, 4), Difficulty::Easy);
/// assert_eq!(difficulty(&goblins(3), 1, 4), Difficulty::Hard);
/// assert_eq!(difficulty(&goblins(2), 3, 4), Difficulty::Trivial);
/// ```
pub fn difficulty(groups: &[Group], level: u8, party: u8) -> Difficulty {
    let xp = xp_of(groups, party);
    let t = thresholds(level, party);
    if xp >= t.deadly {
        Difficulty::Deadly
    } else if xp >= t.hard {
        Difficulty::Hard
    } else if xp >= t.medium {
        Difficulty::Medium
    } else if xp >= t.easy {
        Difficulty::Easy
    } else {
        Difficulty::Trivial
    }
}
