//! A roller kept between rolls: it reuses its buffers and remembers the
//! trees of texts it parsed, as d20's `Roller` keeps its parse cache.

use std::mem::ManuallyDrop;
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
    /// Never dropped: [`Buffers::recycle`] leaves it holding the emptied,
    /// unallocated vectors [`Buffers::take`] left in the roller, so there is
    /// nothing to free and dropping would only test that.
    rolled: ManuallyDrop<Rolled<'e>>,
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
        Roll::fill(&mut self.buffers, expr, None, adv, rng)
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
        let comment = parsed.comment.as_deref();
        Roll::fill(&mut self.buffers, &parsed.expr, comment, adv, rng)
    }
}

impl<'r, 'e> Roll<'r, 'e> {
    /// Rolls `expr` with the buffers of `home`, giving them back on an error.
    /// The roll is built once filled: one move of it instead of two.
    fn fill<E: From<RollError>, R: DieRoller + ?Sized>(
        home: &'r mut Buffers,
        expr: &'e Expr,
        comment: Option<&'e str>,
        adv: Advantage,
        rng: &mut R,
    ) -> Result<Self, E> {
        let mut rolled = home.take();
        if let Err(e) = home.fill(&mut rolled, expr, adv, rng) {
            home.recycle(&mut rolled);
            return Err(e.into());
        }
        Ok(Roll {
            rolled: ManuallyDrop::new(rolled),
            comment,
            home,
        })
    }

    /// The trailing comment of a text rolled with [`Roller::roll_commented`].
    pub fn comment(&self) -> Option<&'e str> {
        self.comment
    }

    /// Keeps the roll beyond the roller's next one; its buffers stay with it.
    /// A roll of a text borrows the roller's cached tree, so the roller stays
    /// borrowed while it is kept; a roll of a tree of your own does not.
    pub fn into_rolled(mut self) -> Rolled<'e> {
        std::mem::replace(&mut *self.rolled, Rolled::empty())
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

/// The last [`PARSE_CACHE_SIZE`] texts parsed, by exact text; when it is
/// full the least recently used is replaced (exact LRU, as d20's cache
/// bound; d20 itself evicts the least frequently used).
///
/// The index is an open-addressing table of entry positions probed
/// linearly, twice as large as the cache so probes stay short; a lookup is
/// one hash of the text, a slot or two and one comparison of the text.
#[derive(Debug, Default)]
struct ParseCache {
    /// Position in `entries` plus one, 0 for an empty slot; allocated on the
    /// first insertion.
    slots: Vec<u16>,
    entries: Vec<Entry>,
    /// Counts lookups, to date each entry's last use.
    clock: u64,
}

#[derive(Debug)]
struct Entry {
    hash: u64,
    text: Box<str>,
    /// Parsed allowing a comment.
    comments: bool,
    parsed: Parsed,
    used: u64,
}

/// Slots of the index: a power of two, at least twice [`PARSE_CACHE_SIZE`].
const SLOT_BITS: u32 = 9;
const SLOTS: usize = 1 << SLOT_BITS;
const _: () = assert!(SLOTS >= 2 * PARSE_CACHE_SIZE && PARSE_CACHE_SIZE < u16::MAX as usize);

impl ParseCache {
    fn get(&mut self, text: &str, comments: bool) -> Result<&Parsed, ParseError> {
        self.clock += 1;
        let hash = hash_text(text.as_bytes());
        let found = self.find(hash, text);
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
            hash,
            text: text.into(),
            comments,
            parsed,
            used: self.clock,
        };
        let i = match found {
            // Same text, so the same slot: only the entry changes.
            Some(i) => i,
            None if self.entries.len() < PARSE_CACHE_SIZE => {
                if self.slots.is_empty() {
                    self.slots = vec![0; SLOTS];
                }
                self.entries.push(entry);
                let i = self.entries.len() - 1;
                self.link(i);
                return Ok(&self.entries[i].parsed);
            }
            None => {
                let oldest = self
                    .entries
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, e)| e.used)
                    .map_or(0, |(i, _)| i);
                self.entries[oldest] = entry;
                // Linear probing cannot simply empty a slot, so the index is
                // rebuilt: a few hundred steps, next to the parse just done.
                self.slots.fill(0);
                for i in 0..self.entries.len() {
                    self.link(i);
                }
                return Ok(&self.entries[oldest].parsed);
            }
        };
        self.entries[i] = entry;
        Ok(&self.entries[i].parsed)
    }

    /// The position of `text` in `entries`.
    fn find(&self, hash: u64, text: &str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mut s = slot_of(hash);
        loop {
            // The table is at most half full, so an empty slot ends every probe.
            let e = usize::from(self.slots[s]);
            let entry = self.entries.get(e.checked_sub(1)?)?;
            if entry.hash == hash && same_text(&entry.text, text) {
                return Some(e - 1);
            }
            s = (s + 1) % SLOTS;
        }
    }

    /// Puts entry `i` in the first free slot of its probe sequence.
    fn link(&mut self, i: usize) {
        let mut s = slot_of(self.entries[i].hash);
        while self.slots[s] != 0 {
            s = (s + 1) % SLOTS;
        }
        self.slots[s] = (i + 1) as u16;
    }
}

/// The first slot to probe: the top bits of the hash, its best mixed.
fn slot_of(hash: u64) -> usize {
    (hash >> (64 - SLOT_BITS)) as usize
}

/// A quick hash for short texts: one multiply per 8 bytes, where SipHash's
/// rounds took most of a cached `1d20`'s time. SipHash guards a map against
/// texts crafted to collide; this table holds at most [`PARSE_CACHE_SIZE`]
/// entries, so such texts cost one scan of them at worst.
fn hash_text(bytes: &[u8]) -> u64 {
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        h = mix(h, word_of(word));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        h = mix(h, tail_of(rest));
    }
    h
}

/// Whether two texts are equal, compared a word at a time: for texts this
/// short a call to `memcmp` costs more than the comparison.
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let (mut wa, mut wb) = (a.chunks_exact(8), b.chunks_exact(8));
    if !(&mut wa)
        .zip(&mut wb)
        .all(|(x, y)| word_of(x) == word_of(y))
    {
        return false;
    }
    let (ra, rb) = (wa.remainder(), wb.remainder());
    ra.is_empty() || tail_of(ra) == tail_of(rb)
}

/// Eight bytes as a word.
fn word_of(bytes: &[u8]) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(w)
}

/// One to seven bytes as a word, from loads that may overlap (no byte-wise
/// copy); two tails of the same length are equal exactly when their words are.
fn tail_of(rest: &[u8]) -> u64 {
    let n = rest.len();
    if n >= 4 {
        let lo = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let hi = u32::from_le_bytes([rest[n - 4], rest[n - 3], rest[n - 2], rest[n - 1]]);
        u64::from(lo) | u64::from(hi) << 32
    } else {
        u64::from(rest[0]) | u64::from(rest[n / 2]) << 8 | u64::from(rest[n - 1]) << 16
    }
}

/// An odd constant with well-spread bits (2⁶⁴ divided by the golden ratio).
const SPREAD: u64 = 0x9e37_79b9_7f4a_7c15;

fn mix(h: u64, word: u64) -> u64 {
    (h.rotate_left(5) ^ word).wrapping_mul(SPREAD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_the_same_only_when_every_byte_is() {
        let base = "1d20+5*(2d6kh1)-3 [fire]";
        for len in 0..=base.len() {
            let a = &base[..len];
            assert!(same_text(a, &String::from(a)));
            for i in 0..len {
                let mut b = a.as_bytes().to_vec();
                b[i] = b'#';
                let b = String::from_utf8(b).expect("ASCII");
                assert!(!same_text(a, &b), "{a:?} vs {b:?}");
                assert_eq!(hash_text(a.as_bytes()), hash_text(a.as_bytes()));
            }
            if len > 0 {
                assert!(!same_text(a, &base[..len - 1]));
            }
        }
    }

    #[test]
    fn the_cache_finds_every_text_it_holds_and_forgets_the_least_recently_used() {
        let mut cache = ParseCache::default();
        let texts: Vec<String> = (1..=PARSE_CACHE_SIZE as u64 + 1)
            .map(|n| format!("{n}"))
            .collect();
        for t in &texts[..PARSE_CACHE_SIZE] {
            cache.get(t, false).expect("a number parses");
        }
        // Using the first text makes the second the least recently used.
        cache.get(&texts[0], false).expect("a number parses");
        cache
            .get(&texts[PARSE_CACHE_SIZE], false)
            .expect("a number parses");
        assert_eq!(cache.entries.len(), PARSE_CACHE_SIZE);
        assert!(
            cache
                .find(hash_text(texts[1].as_bytes()), &texts[1])
                .is_none()
        );
        for t in texts.iter().filter(|t| *t != &texts[1]) {
            let i = cache.find(hash_text(t.as_bytes()), t).expect(t);
            assert_eq!(&*cache.entries[i].text, t.as_str());
        }
    }
}
