//! The dice language: d20's grammar and meaning (the engine Avrae players know).
//!
//! Parse first, roll second: [`parse`] turns text into an [`Expr`] tree (or a
//! [`ParseError`] naming the column and what was expected); [`roll`] evaluates
//! a tree with an injected [`DieRoller`] and keeps every die — kept, dropped,
//! rerolled, exploded — so that transports can show the whole story. A
//! [`Roller`] does both again and again: it keeps its buffers between rolls
//! (no allocation once warmed up) and the trees of texts it parsed.
//!
//! ```
//! use rules::dice::{self, FixedRolls};
//! let expr = dice::parse("4d6kh3").unwrap();
//! let rolled = dice::roll(&expr, &mut FixedRolls::new([4, 4, 6, 3])).unwrap();
//! assert_eq!(rolled.total, 14);
//! assert_eq!(rolled.markdown(), "4d6kh3 (4, 4, **6**, ~~3~~) = `14`");
//! ```
//!
//! Where this engine differs from d20 1.1.2, on purpose:
//! - integers are 64-bit: a literal or a result beyond ±9.2×10¹⁸ is an error
//!   ("number too large") where Python would carry on with big integers;
//! - d20 caches parse trees under a key with spaces removed, so in a
//!   long-running d20 process `1 d20` may roll a d20 if `1d20` was parsed
//!   before; a [`Roller`]'s cache is keyed by the exact text, so `1 d20` is
//!   always rejected (as a fresh d20 rejects it).
//!
//! `d%` is kept as d20 has it: a tens die showing 0–90 in steps of 10. For a
//! percentile roll of 1–100, roll `1d100`.

mod ast;
mod bounds;
mod eval;
mod num;
mod parse;
mod render;
mod reusable;
mod roller;

pub use ast::{Annotated, BinOp, Dice, DieSize, Expr, Op, OpKind, Selector, SelectorKind, UnOp};
pub use bounds::Bounds;
pub use eval::{
    Crit, DiceTerm, Die, Face, MAX_ROLLS, NodeId, RollError, Rolled, RolledKind, RolledNode, roll,
    roll_with,
};
pub use num::Num;
pub use parse::{ParseError, Parsed, parse, parse_with_comment};
pub use reusable::{DiceError, PARSE_CACHE_SIZE, Roll, Roller};
pub use roller::{DieRoller, FixedRolls};

/// Advantage state of a d20 roll. Any advantage plus any disadvantage is a normal roll.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Advantage {
    /// Roll one d20.
    #[default]
    Normal,
    /// Roll two d20s and keep the higher.
    Advantage,
    /// Roll two d20s and keep the lower.
    Disadvantage,
}

impl Advantage {
    /// Reconciles sources of advantage and disadvantage: one of each (or any
    /// number of each) cancels to a normal roll, as the rules say.
    pub fn from_sources(advantages: usize, disadvantages: usize) -> Self {
        match (advantages > 0, disadvantages > 0) {
            (true, false) => Advantage::Advantage,
            (false, true) => Advantage::Disadvantage,
            _ => Advantage::Normal,
        }
    }

    /// Combines two advantage states under the same cancelling rule.
    pub fn combine(self, other: Advantage) -> Self {
        let count = |a: Advantage, want: Advantage| usize::from(a == want);
        Self::from_sources(
            count(self, Advantage::Advantage) + count(other, Advantage::Advantage),
            count(self, Advantage::Disadvantage) + count(other, Advantage::Disadvantage),
        )
    }
}
