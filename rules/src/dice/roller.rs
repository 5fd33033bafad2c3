//! Where die faces come from.

/// A source of die faces: the only way randomness enters the rules engine.
///
/// Any `rand` generator is a `DieRoller`; tests and replays use a scripted one.
pub trait DieRoller {
    /// Rolls one die with `sides` faces (`sides >= 1`) and returns a face in `1..=sides`.
    fn roll_die(&mut self, sides: u64) -> u64;
}

impl<R: rand::Rng + ?Sized> DieRoller for R {
    fn roll_die(&mut self, sides: u64) -> u64 {
        rand::RngExt::random_range(self, 1..=sides.max(1))
    }
}

/// A roller that replays a fixed list of faces, then repeats the last one.
///
/// For tests and worked examples: `FixedRolls::new([20, 3])` makes the first
/// die show 20 and every later die show 3. A face larger than the die is
/// clamped to the die's size.
#[derive(Debug, Clone)]
pub struct FixedRolls {
    faces: Vec<u64>,
    next: usize,
}

impl FixedRolls {
    /// A roller that returns `faces` in order (the last one forever after).
    pub fn new(faces: impl IntoIterator<Item = u64>) -> Self {
        let faces: Vec<u64> = faces.into_iter().collect();
        Self { faces, next: 0 }
    }

    /// How many dice have been rolled so far.
    pub fn rolled(&self) -> usize {
        self.next
    }
}

impl DieRoller for FixedRolls {
    fn roll_die(&mut self, sides: u64) -> u64 {
        let face = match self.faces.get(self.next) {
            Some(&f) => f,
            None => self.faces.last().copied().unwrap_or(1),
        };
        self.next += 1;
        face.clamp(1, sides.max(1))
    }
}
