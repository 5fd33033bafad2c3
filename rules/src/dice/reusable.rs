//! A roller kept between rolls: it reuses its buffers and remembers the
//! trees of texts it parsed, as d20's `Roller` keeps its parse cache.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Deref;

use super::Advantage;
use super::ast::Expr;
use super::eval::{Buffers, RollError, Rolled};
use super::parse::{ParseError, Parsed, parse, parse_with_comment};
use super::roller::DieRoller;

/// Most texts a [`Roller`] remembers (d20 keeps 256 trees too).
pub const PARSE_CACHE_SIZE: usize = 256;

/// Why a text could not be rolled: it did not parse, or its roll failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiceError {
    /// The text is not a dice expression.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The expression parsed but could not be rolled.
    #[error(transparent)]
    Roll(#[from] RollError),
}

/// Rolls expressions again and again without allocating once warmed up.
///
/// A `Roller` owns the vectors a roll fills and gets them back when the
/// [`Roll`] it handed out is dropped, and it keeps the trees of the last
/// [`PARSE_CACHE_SIZE`] texts it parsed (least recently used goes first), so
/// rolling the same text again skips the parser. Results are exactly those
/// of [`super::roll_with`] on a freshly parsed tree: same dice asked for in
/// the same order, same totals.
///
/// ```
/// use rules::dice::{FixedRolls, Roller};
/// let mut roller = Roller::new();
/// let roll = roller.roll_str("4d6kh3", &mut FixedRolls::new([4, 4, 6, 3])).unwrap();
/// assert_eq!(roll.total, 14);
/// assert_eq!(roll.compact(), "4d6kh3(4,4,6,x3)=14");
/// ```
#[derive(Debug, Default)]
pub struct Roller {
    buffers: Buffers,
    cache: ParseCache,
}

/// A clone starts empty: buffers and cache make rolling faster, never
/// different, so there is nothing of them worth copying.
impl Clone for Roller {
    fn clone(&self) -> Self {
        Self::new()
    }
}

/// A roll made by a [`Roller`]: read it as a [`Rolled`]. Its buffers go back
/// to the roller when it is dropped; [`Roll::into_rolled`] keeps them instead.
#[derive(Debug)]
pub struct Roll<'r, 'e> {
    rolled: Rolled<'e>,
    comment: Option<&'e str>,
    home: &'r mut Buffers,
}

impl Roller {
    /// A roller with empty buffers and an empty cache (nothing is allocated yet).
    pub fn new() -> Self {
        Self::default()
    }

    /// Rolls a parsed expression.
    pub fn roll<'e, R: DieRoller + ?Sized>(
        &mut self,
        expr: &'e Expr,
        rng: &mut R,
    ) -> Result<Roll<'_, 'e>, RollError> {
        self.roll_with(expr, Advantage::Normal, rng)
    }

    /// Rolls a parsed expression at advantage or disadvantage (its leftmost `1d20`).
    pub fn roll_with<'e, R: DieRoller + ?Sized>(
        &mut self,
        expr: &'e Expr,
        adv: Advantage,
        rng: &mut R,
    ) -> Result<Roll<'_, 'e>, RollError> {
        let mut roll = Roll {
            rolled: self.buffers.take(),
            comment: None,
            home: &mut self.buffers,
        };
        // On an error `roll` is dropped, which hands the buffers back.
        roll.home.fill(&mut roll.rolled, expr, adv, rng)?;
        Ok(roll)
    }

    /// Parses `text` (from the cache when it was parsed before) and rolls it,
    /// as d20's `roll(text)` does. Trailing text is an error.
    pub fn roll_str<R: DieRoller + ?Sized>(
        &mut self,
        text: &str,
        rng: &mut R,
    ) -> Result<Roll<'_, '_>, DiceError> {
        self.roll_str_with(text, Advantage::Normal, rng)
    }

    /// [`Roller::roll_str`] at advantage or disadvantage.
    pub fn roll_str_with<R: DieRoller + ?Sized>(
        &mut self,
        text: &str,
        adv: Advantage,
        rng: &mut R,
    ) -> Result<Roll<'_, '_>, DiceError> {
        self.roll_text(text, false, adv, rng)
    }

    /// Parses `text` allowing a trailing comment, as Avrae's `!roll` does
    /// (see [`super::parse_with_comment`]), and rolls it; the comment is
    /// [`Roll::comment`].
    pub fn roll_commented<R: DieRoller + ?Sized>(
        &mut self,
        text: &str,
        adv: Advantage,
        rng: &mut R,
    ) -> Result<Roll<'_, '_>, DiceError> {
        self.roll_text(text, true, adv, rng)
    }

    /// The tree of `text`, from the cache when it was parsed before.
    pub fn parse(&mut self, text: &str) -> Result<&Expr, ParseError> {
        self.cache.get(text, false).map(|p| &p.expr)
    }

    fn roll_text<R: DieRoller + ?Sized>(
        &mut self,
        text: &str,
        comments: bool,
        adv: Advantage,
        rng: &mut R,
    ) -> Result<Roll<'_, '_>, DiceError> {
        let parsed = self.cache.get(text, comments)?;
        let mut roll = Roll {
            rolled: self.buffers.take(),
            comment: parsed.comment.as_deref(),
            home: &mut self.buffers,
        };
        roll.home.fill(&mut roll.rolled, &parsed.expr, adv, rng)?;
        Ok(roll)
    }
}

impl<'e> Roll<'_, 'e> {
    /// The trailing comment of a text rolled with [`Roller::roll_commented`].
    pub fn comment(&self) -> Option<&'e str> {
        self.comment
    }

    /// Keeps the roll beyond the roller's next one; its buffers stay with it.
    /// A roll of a text borrows the roller's cached tree, so the roller stays
    /// borrowed while it is kept; a roll of a tree of your own does not.
    pub fn into_rolled(mut self) -> Rolled<'e> {
        std::mem::replace(&mut self.rolled, Rolled::empty())
    }
}

impl<'e> Deref for Roll<'_, 'e> {
    type Target = Rolled<'e>;

    fn deref(&self) -> &Rolled<'e> {
        &self.rolled
    }
}

impl Drop for Roll<'_, '_> {
    fn drop(&mut self) {
        self.home.recycle(&mut self.rolled);
    }
}

/// The last [`PARSE_CACHE_SIZE`] texts parsed, by exact text; the least
/// recently used is replaced when it is full.
#[derive(Debug, Default)]
struct ParseCache {
    /// Text → position in `entries`.
    index: HashMap<Box<str>, usize, BuildHasherDefault<TextHasher>>,
    entries: Vec<Entry>,
    /// Counts lookups, to date each entry's last use.
    clock: u64,
}

#[derive(Debug)]
struct Entry {
    text: Box<str>,
    /// Parsed allowing a comment.
    comments: bool,
    parsed: Parsed,
    used: u64,
}

impl ParseCache {
    fn get(&mut self, text: &str, comments: bool) -> Result<&Parsed, ParseError> {
        self.clock += 1;
        let found = self.index.get(text).copied();
        if let Some(i) = found
            && self.entries[i].comments == comments
        {
            self.entries[i].used = self.clock;
            return Ok(&self.entries[i].parsed);
        }
        let parsed = if comments {
            parse_with_comment(text)?
        } else {
            Parsed {
                expr: parse(text)?,
                comment: None,
            }
        };
        let entry = Entry {
            text: text.into(),
            comments,
            parsed,
            used: self.clock,
        };
        let i = match found {
            Some(i) => i,
            None if self.entries.len() < PARSE_CACHE_SIZE => {
                self.entries.push(entry);
                let i = self.entries.len() - 1;
                self.index.insert(text.into(), i);
                return Ok(&self.entries[i].parsed);
            }
            None => {
                let oldest = self
                    .entries
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, e)| e.used)
                    .map_or(0, |(i, _)| i);
                self.index.remove(&self.entries[oldest].text);
                self.index.insert(text.into(), oldest);
                oldest
            }
        };
        self.entries[i] = entry;
        Ok(&self.entries[i].parsed)
    }
}

/// A quick hash for short texts: one multiply per 8 bytes instead of SipHash's
/// rounds, which took most of a cached `1d20`'s time. SipHash guards a map
/// against texts crafted to collide; this map holds at most
/// [`PARSE_CACHE_SIZE`] entries, so such texts cost one scan of them at worst.
#[derive(Debug, Default)]
struct TextHasher(u64);

/// An odd constant with well-spread bits (2⁶⁴ divided by the golden ratio).
const SPREAD: u64 = 0x9e37_79b9_7f4a_7c15;

impl TextHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SPREAD);
    }
}

impl Hasher for TextHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0; 8];
            w.copy_from_slice(word);
            self.add(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        // The multiply leaves its best bits high; the table indexes by the low ones.
        self.0 ^ (self.0 >> 29)
    }
}
