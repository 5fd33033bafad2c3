//! Verifiable dice: every roll at a table derives from a secret seed the
//! table committed to when it started, so players can check afterwards that
//! the DM never fudged a die.
//!
//! The flow: a table starts with a [`TableSeed`] (32 bytes of randomness the
//! caller supplies; this crate does no I/O) and shows its [`Commitment`] to
//! the players. Roll number `seq` uses [`TableSeed::stream`]`(seq)`, a
//! [`RollStream`] that records every face it produced; the log keeps them as
//! a [`RollRecord`]. When the seed is revealed, [`verify`] recomputes every
//! logged die and reports each mismatch.
//!
//! ```
//! use dm::rules::dice;
//! use dm::seed::{TableSeed, verify};
//!
//! let seed = TableSeed::from_entropy_bytes([42; 32]);
//! let commitment = seed.commitment(); // shown to the players
//!
//! let expr = dice::parse("4d6kh3").unwrap();
//! let mut stream = seed.stream(0);
//! let rolled = dice::roll(&expr, &mut stream).unwrap();
//! assert!((3..=18).contains(&rolled.total));
//! assert_eq!(stream.faces().len(), 4);
//! let log = vec![stream.into_record()];
//!
//! // Later, with the seed revealed:
//! let report = verify(&seed, &commitment, &log);
//! assert!(report.is_ok());
//! assert_eq!(report.to_string(), "1 roll checked, all match");
//! ```
//!
//! # The derivation, precisely
//!
//! Enough to re-implement the check with any SHA-256 and ChaCha20:
//!
//! 1. **Seed**: 32 bytes, written as 64 lowercase hex digits when revealed.
//! 2. **Commitment**: `SHA-256(b"distributed-dungeon/seed/commitment/v1" || seed)`,
//!    written as 64 hex digits. The tag is the ASCII text, no terminator.
//! 3. **Roll key** for roll number `seq` (an unsigned 64-bit integer):
//!    `key = SHA-256(b"distributed-dungeon/seed/roll/v1" || seed || seq as 8 bytes big-endian)`.
//! 4. **Keystream**: ChaCha20 (20 rounds, as in RFC 8439) with `key`, an
//!    all-zero nonce and the block counter starting at 0. Read it as
//!    consecutive 8-byte **little-endian** unsigned words `w0, w1, w2, …`
//!    (bytes 0–7 are `w0`, bytes 8–15 are `w1`, and so on).
//! 5. **Dice**, in the order the roll asked for them (the order of
//!    [`RollRecord::faces`]): for a die with `n` sides (`n = 0` counts as
//!    `n = 1`), let `r = 2^64 mod n`. Take the next word `w`; if
//!    `w >= 2^64 - r`, discard it and take the next one (rejection sampling,
//!    so no face is favoured). The face is `(w mod n) + 1`. Every die takes
//!    at least one word, a one-sided die included.
//!
//! So the faces of roll `seq` depend only on the seed, `seq` and the sizes of
//! the dice asked for. The tags keep the commitment and the roll keys apart:
//! knowing the commitment says nothing about any roll.
//!
//! # What the check catches
//!
//! A logged face that differs from the seed's; a die inserted into or
//! removed from the middle of a roll; a roll number that is missing from the
//! log (a roll made and thrown away) or logged twice. A die cut off the *end*
//! of a roll looks like a shorter roll: the log's dice expression, stored
//! beside the faces, is what shows how many dice a roll needed.

use std::fmt;
use std::str::FromStr;

use rand::rngs::ChaCha20Rng;
use rand::{Rng as _, SeedableRng as _};
use rules::dice::DieRoller;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};

/// Domain-separation tag hashed in front of the seed for the commitment.
pub const COMMITMENT_TAG: &[u8] = b"distributed-dungeon/seed/commitment/v1";

/// Domain-separation tag hashed in front of the seed and sequence number for a roll key.
pub const ROLL_TAG: &[u8] = b"distributed-dungeon/seed/roll/v1";

/// A table's secret seed: every roll at the table derives from it.
///
/// `Display` writes the 64 hex digits (for revealing it); `Debug` hides them
/// so the seed never lands in a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct TableSeed([u8; 32]);

/// SHA-256 of a table's seed under [`COMMITMENT_TAG`]: shown to players when
/// the table starts, it pins the seed without revealing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Commitment([u8; 32]);

/// A hex string that is not 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// Wrong length.
    #[error("expected 64 hex digits, got {0} characters")]
    Length(usize),
    /// A character that is not a hex digit.
    #[error("{0:?} is not a hex digit")]
    Digit(char),
}

impl TableSeed {
    /// A seed from 32 bytes of randomness the caller drew from a good source
    /// (the operating system's, in the binary).
    pub fn from_entropy_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The seed's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The commitment players see before any roll.
    pub fn commitment(&self) -> Commitment {
        let mut hash = Sha256::new();
        hash.update(COMMITMENT_TAG);
        hash.update(self.0);
        Commitment(hash.finalize().into())
    }

    /// The dice of roll number `seq`.
    pub fn stream(&self, seq: u64) -> RollStream {
        let mut hash = Sha256::new();
        hash.update(ROLL_TAG);
        hash.update(self.0);
        hash.update(seq.to_be_bytes());
        RollStream {
            seq,
            rng: ChaCha20Rng::from_seed(hash.finalize().into()),
            faces: Vec::new(),
        }
    }
}

impl fmt::Debug for TableSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TableSeed(<secret>)")
    }
}

impl Commitment {
    /// The commitment's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

fn write_hex(bytes: &[u8; 32], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
}

fn parse_hex(s: &str) -> Result<[u8; 32], HexError> {
    if let Some(c) = s.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(HexError::Digit(c));
    }
    // Only ASCII is left, so bytes are characters.
    if s.len() != 64 {
        return Err(HexError::Length(s.len()));
    }
    let value = |digit: u8| match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    };
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
        *byte = (value(pair[0]) << 4) | value(pair[1]);
    }
    Ok(out)
}

macro_rules! hex_string_type {
    ($ty:ident) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_hex(&self.0, f)
            }
        }

        impl FromStr for $ty {
            type Err = HexError;

            fn from_str(s: &str) -> Result<Self, HexError> {
                parse_hex(s).map(Self)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_string_type!(TableSeed);
hex_string_type!(Commitment);

/// One die a roll produced: its size and the face it showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DieFace {
    /// Sides of the die, as asked for (0 is rolled as a one-sided die).
    pub sides: u64,
    /// The face, in `1..=sides`.
    pub face: u64,
}

/// The dice of one roll, derived from a table's seed and the roll's number.
///
/// A [`DieRoller`], so the dice language and the rules engine roll with it
/// unchanged; it remembers every face for the log.
pub struct RollStream {
    seq: u64,
    rng: ChaCha20Rng,
    faces: Vec<DieFace>,
}

impl RollStream {
    /// The roll's sequence number.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Every die rolled so far, in order.
    pub fn faces(&self) -> &[DieFace] {
        &self.faces
    }

    /// The log entry for this roll.
    pub fn into_record(self) -> RollRecord {
        RollRecord {
            seq: self.seq,
            faces: self.faces,
        }
    }

    /// Step 5 of the derivation: an unbiased face in `1..=sides`.
    fn draw(&mut self, sides: u64) -> u64 {
        let n = sides.max(1);
        // 2^64 mod n, without 128-bit arithmetic: u64::MAX % n is (2^64 - 1) mod n.
        let rejected = (u64::MAX % n + 1) % n;
        let last_accepted = u64::MAX - rejected;
        loop {
            let word = self.rng.next_u64();
            if word <= last_accepted {
                return word % n + 1;
            }
        }
    }
}

impl fmt::Debug for RollStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The generator's state would reveal the roll key: leave it out.
        f.debug_struct("RollStream")
            .field("seq", &self.seq)
            .field("faces", &self.faces)
            .finish_non_exhaustive()
    }
}

impl DieRoller for RollStream {
    fn roll_die(&mut self, sides: u64) -> u64 {
        let face = self.draw(sides);
        self.faces.push(DieFace { sides, face });
        face
    }
}

/// One roll as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollRecord {
    /// The roll's sequence number at its table (0, 1, 2, …).
    pub seq: u64,
    /// Every die the roll produced, in order.
    pub faces: Vec<DieFace>,
}

/// One thing wrong with a log, found by [`verify`].
///
/// Die indices count from 0 (the position in [`RollRecord::faces`]); the
/// human summary counts from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mismatch {
    /// A die shows a face the seed does not give.
    Face {
        /// The roll.
        seq: u64,
        /// The die's index in the roll.
        die: usize,
        /// The face the seed gives.
        expected: u64,
        /// The face in the log.
        logged: u64,
    },
    /// A die is missing from the log: the later dice (two or more) match once it is put back.
    MissingDie {
        /// The roll.
        seq: u64,
        /// Where the die belongs.
        die: usize,
        /// Its size (assumed to be that of the die logged after it).
        sides: u64,
        /// The face the seed gives it.
        expected: u64,
    },
    /// A die in the log the seed does not account for: the later dice (two or more) match without it.
    ExtraDie {
        /// The roll.
        seq: u64,
        /// The die's index in the roll.
        die: usize,
        /// Its face in the log.
        logged: u64,
    },
    /// Roll numbers absent from the log: rolls made and not recorded.
    MissingRolls {
        /// First missing number.
        from: u64,
        /// Last missing number (inclusive).
        to: u64,
    },
    /// A roll number logged more than once.
    DuplicateRoll {
        /// The roll.
        seq: u64,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Mismatch::Face {
                seq,
                die,
                expected,
                logged,
            } => write!(
                f,
                "roll {seq} die {}: logged {logged}, seed gives {expected}",
                die + 1
            ),
            Mismatch::MissingDie {
                seq, die, expected, ..
            } => write!(
                f,
                "roll {seq} die {}: missing, seed gives {expected}",
                die + 1
            ),
            Mismatch::ExtraDie { seq, die, logged } => write!(
                f,
                "roll {seq} die {}: logged {logged}, seed gives no such die",
                die + 1
            ),
            Mismatch::MissingRolls { from, to } if from == to => {
                write!(f, "roll {from} missing from the log")
            }
            Mismatch::MissingRolls { from, to } => {
                write!(f, "rolls {from}-{to} missing from the log")
            }
            Mismatch::DuplicateRoll { seq } => write!(f, "roll {seq} logged more than once"),
        }
    }
}

/// The result of [`verify`]: `Display` is a short summary for players
/// (naming the first three mismatches).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The revealed seed hashes to the commitment shown at the start. When it
    /// does not, no roll is checked: a wrong seed would flag every die.
    pub commitment_matches: bool,
    /// Rolls recomputed.
    pub rolls_checked: usize,
    /// Dice recomputed.
    pub dice_checked: usize,
    /// Everything that does not match, in log order (missing roll numbers last).
    pub mismatches: Vec<Mismatch>,
}

impl Verification {
    /// Mismatches the summary spells out; the full list is in `mismatches`.
    /// The summary has to fit a chat line or a radio packet.
    const LISTED: usize = 3;

    /// The seed matches its commitment and every logged die matches the seed.
    pub fn is_ok(&self) -> bool {
        self.commitment_matches && self.mismatches.is_empty()
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.commitment_matches {
            return f.write_str("seed does not match the commitment");
        }
        let rolls = self.rolls_checked;
        let plural = if rolls == 1 { "" } else { "s" };
        write!(f, "{rolls} roll{plural} checked, ")?;
        match self.mismatches.as_slice() {
            [] => f.write_str("all match"),
            [one] => write!(f, "1 mismatch: {one}"),
            many => {
                write!(f, "{} mismatches: ", many.len())?;
                for (i, m) in many.iter().take(Self::LISTED).enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{m}")?;
                }
                match many.len().checked_sub(Self::LISTED) {
                    Some(more) if more > 0 => write!(f, "; and {more} more"),
                    _ => Ok(()),
                }
            }
        }
    }
}

/// Recomputes every logged roll from the revealed seed.
///
/// Checks that `seed` hashes to `commitment`, that the roll numbers run
/// 0, 1, 2, … without gaps or repeats (in any order), and that every die
/// shows the face the seed gives it.
pub fn verify(seed: &TableSeed, commitment: &Commitment, rolls: &[RollRecord]) -> Verification {
    if seed.commitment() != *commitment {
        return Verification {
            commitment_matches: false,
            rolls_checked: 0,
            dice_checked: 0,
            mismatches: Vec::new(),
        };
    }
    let mut mismatches = Vec::new();
    let mut dice_checked = 0;
    for roll in rolls {
        dice_checked += roll.faces.len();
        check_roll(seed, roll, &mut mismatches);
    }
    check_numbering(rolls, &mut mismatches);
    Verification {
        commitment_matches: true,
        rolls_checked: rolls.len(),
        dice_checked,
        mismatches,
    }
}

/// The faces the seed gives roll `seq` for dice of these sizes.
fn recompute(seed: &TableSeed, seq: u64, sides: impl IntoIterator<Item = u64>) -> Vec<u64> {
    let mut stream = seed.stream(seq);
    sides.into_iter().map(|s| stream.draw(s)).collect()
}

fn check_roll(seed: &TableSeed, roll: &RollRecord, out: &mut Vec<Mismatch>) {
    let logged = &roll.faces;
    let sides = |dice: &[DieFace]| dice.iter().map(|d| d.sides).collect::<Vec<_>>();
    let expected = recompute(seed, roll.seq, sides(logged));
    let Some(first) = (0..logged.len()).find(|&i| logged[i].face != expected[i]) else {
        return;
    };
    let seq = roll.seq;
    let matches_from = |from: usize, faces: &[u64]| {
        logged[from..]
            .iter()
            .zip(faces)
            .all(|(die, &face)| die.face == face)
    };

    // A single-die explanation counts only when at least two later dice
    // confirm it: one die agreeing by chance is too likely on a d4.
    const CONFIRMING: usize = 2;

    // One die removed before `first`: put back a die the size of the one
    // logged there, and everything after must line up.
    let with_missing = recompute(
        seed,
        seq,
        sides(&logged[..first])
            .into_iter()
            .chain([logged[first].sides])
            .chain(sides(&logged[first..])),
    );
    if logged.len() - first >= CONFIRMING && matches_from(first, &with_missing[first + 1..]) {
        out.push(Mismatch::MissingDie {
            seq,
            die: first,
            sides: logged[first].sides,
            expected: with_missing[first],
        });
        return;
    }

    // One die inserted at `first`: without it, everything after must line up.
    if logged.len() - (first + 1) >= CONFIRMING {
        let without = recompute(
            seed,
            seq,
            sides(&logged[..first])
                .into_iter()
                .chain(sides(&logged[first + 1..])),
        );
        if matches_from(first + 1, &without[first..]) {
            out.push(Mismatch::ExtraDie {
                seq,
                die: first,
                logged: logged[first].face,
            });
            return;
        }
    }

    out.extend(
        logged
            .iter()
            .zip(&expected)
            .enumerate()
            .filter(|(_, (die, face))| die.face != **face)
            .map(|(die, (logged, &expected))| Mismatch::Face {
                seq,
                die,
                expected,
                logged: logged.face,
            }),
    );
}

fn check_numbering(rolls: &[RollRecord], out: &mut Vec<Mismatch>) {
    let mut seqs: Vec<u64> = rolls.iter().map(|r| r.seq).collect();
    seqs.sort_unstable();
    let mut next = 0u64;
    for (i, &seq) in seqs.iter().enumerate() {
        if i > 0 && seqs[i - 1] == seq {
            out.push(Mismatch::DuplicateRoll { seq });
            continue;
        }
        if seq > next {
            out.push(Mismatch::MissingRolls {
                from: next,
                to: seq - 1,
            });
        }
        next = seq.saturating_add(1);
    }
}
