//! Verifiable dice: known answers, bounds, fairness and the verifier.
#![allow(clippy::unwrap_used, missing_docs)]

use dm::rules::dice::{self, DieRoller};
use dm::seed::{Commitment, DieFace, Mismatch, RollRecord, TableSeed, verify};
use proptest::prelude::*;

/// The seed 00 01 02 … 1f.
fn fixed_seed() -> TableSeed {
    TableSeed::from_entropy_bytes(std::array::from_fn(|i| i as u8))
}

/// Obtained independently of this crate, with coreutils:
/// `{ printf 'distributed-dungeon/seed/commitment/v1'; printf '\x00\x01…\x1f'; } | sha256sum`
const FIXED_COMMITMENT: &str = "bbb25db0a174435683c835e81dd87666692f25806eb0b89293976a4e0d0596f8";

fn roll_all(seed: &TableSeed, seq: u64, sides: &[u64]) -> Vec<u64> {
    let mut stream = seed.stream(seq);
    sides.iter().map(|&s| stream.roll_die(s)).collect()
}

/// An honest log: roll `seq` rolls the dice sizes `sides[seq]`.
fn honest_log(seed: &TableSeed, sides: &[Vec<u64>]) -> Vec<RollRecord> {
    honest_log_from(seed, 0, sides)
}

/// An honest log whose first roll is number `first`.
fn honest_log_from(seed: &TableSeed, first: u64, sides: &[Vec<u64>]) -> Vec<RollRecord> {
    sides
        .iter()
        .zip(first..)
        .map(|(dice, seq)| {
            let mut stream = seed.stream(seq);
            for &s in dice {
                stream.roll_die(s);
            }
            stream.into_record()
        })
        .collect()
}

#[test]
fn known_answers() {
    let seed = fixed_seed();
    assert_eq!(seed.commitment().to_string(), FIXED_COMMITMENT);
    assert_eq!(
        seed.to_string(),
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    );
    // These faces were also computed by an independent Python
    // re-implementation of the module docs' derivation (hashlib plus a
    // hand-written ChaCha20 checked against RFC 7539's first test vector).
    assert_eq!(roll_all(&seed, 0, &[20; 8]), [6, 16, 11, 13, 9, 2, 17, 8]);
    assert_eq!(roll_all(&seed, 1, &[20; 8]), [8, 5, 7, 19, 8, 15, 5, 18]);
    assert_eq!(
        roll_all(&seed, 0, &[1, 2, 6, 100, u64::MAX, 0, 20, 3]),
        [1, 2, 3, 13, 8_481_783_043_653_521_289, 1, 17, 3]
    );
    assert_eq!(roll_all(&seed, 7, &[6; 4]), [1, 1, 4, 5]);
}

#[test]
fn hex_and_serde_round_trip() {
    let seed = fixed_seed();
    let commitment = seed.commitment();
    assert_eq!(seed.to_string().parse::<TableSeed>().unwrap(), seed);
    assert_eq!(
        FIXED_COMMITMENT
            .to_uppercase()
            .parse::<Commitment>()
            .unwrap(),
        commitment
    );
    let json = serde_json::to_string(&commitment).unwrap();
    assert_eq!(json, format!("\"{FIXED_COMMITMENT}\""));
    assert_eq!(
        serde_json::from_str::<Commitment>(&json).unwrap(),
        commitment
    );
    let json = serde_json::to_string(&seed).unwrap();
    assert_eq!(serde_json::from_str::<TableSeed>(&json).unwrap(), seed);

    assert_eq!(
        "abc".parse::<TableSeed>().unwrap_err().to_string(),
        "expected 64 hex digits, got 3 characters"
    );
    let bad = format!("{}g", &FIXED_COMMITMENT[1..]);
    assert_eq!(
        bad.parse::<Commitment>().unwrap_err().to_string(),
        "'g' is not a hex digit"
    );
    assert!(serde_json::from_str::<TableSeed>("\"00\"").is_err());
    assert_eq!(format!("{seed:?}"), "TableSeed(<secret>)");
}

#[test]
fn same_seed_and_seq_same_faces() {
    let seed = fixed_seed();
    let sides = [20, 6, 6, 100, 4, 8, 12, 20];
    assert_eq!(roll_all(&seed, 42, &sides), roll_all(&seed, 42, &sides));
    assert_ne!(
        roll_all(&seed, 42, &[20; 16]),
        roll_all(&seed, 43, &[20; 16])
    );
    let other = TableSeed::from_entropy_bytes([7; 32]);
    assert_ne!(
        roll_all(&seed, 0, &[20; 16]),
        roll_all(&other, 0, &[20; 16])
    );
}

#[test]
fn faces_within_bounds() {
    let seed = fixed_seed();
    for sides in [1, 2, 20, 100, u64::MAX] {
        let mut stream = seed.stream(sides);
        for _ in 0..1000 {
            let face = stream.roll_die(sides);
            assert!((1..=sides).contains(&face), "d{sides} showed {face}");
        }
    }
    assert!(roll_all(&seed, 3, &[0; 10]).iter().all(|&f| f == 1));
}

#[test]
fn stream_records_every_face() {
    let mut stream = fixed_seed().stream(5);
    let a = stream.roll_die(20);
    let b = stream.roll_die(6);
    assert_eq!(
        stream.faces(),
        [
            DieFace { sides: 20, face: a },
            DieFace { sides: 6, face: b }
        ]
    );
    assert_eq!(stream.seq(), 5);
    let record = stream.into_record();
    let json = serde_json::to_string(&record).unwrap();
    assert_eq!(serde_json::from_str::<RollRecord>(&json).unwrap(), record);
}

#[test]
fn d20_faces_are_even() {
    let seed = fixed_seed();
    let mut counts = [0u32; 20];
    // 600 rolls of 100 dice each: 60,000 d20s.
    for seq in 0..600 {
        let mut stream = seed.stream(seq);
        for _ in 0..100 {
            counts[(stream.roll_die(20) - 1) as usize] += 1;
        }
    }
    let expected = 3000.0;
    for (face, &n) in counts.iter().enumerate() {
        let off = (f64::from(n) - expected).abs() / expected;
        assert!(off <= 0.15, "face {} came up {n} times", face + 1);
    }
    let chi2: f64 = counts
        .iter()
        .map(|&n| (f64::from(n) - expected).powi(2) / expected)
        .sum();
    // 19 degrees of freedom: 43.8 is the 0.1 % critical value.
    assert!(chi2 < 43.8, "chi-square {chi2}");
}

#[test]
fn honest_log_verifies() {
    let seed = fixed_seed();
    let sides: Vec<Vec<u64>> = (0..12).map(|i| vec![20, 6 + i, 4]).collect();
    let log = honest_log(&seed, &sides);
    let report = verify(&seed, &seed.commitment(), &log);
    assert!(report.is_ok());
    assert_eq!(report.rolls_checked, 12);
    assert_eq!(report.dice_checked, 36);
    assert_eq!(report.to_string(), "12 rolls checked, all match");
    let one = verify(&seed, &seed.commitment(), &log[..1]);
    assert_eq!(one.to_string(), "1 roll checked, all match");
}

#[test]
fn tampered_face_is_reported() {
    let seed = fixed_seed();
    let mut log = honest_log(&seed, &vec![vec![20, 20, 20]; 10]);
    let honest = log[7].faces[1].face;
    log[7].faces[1].face = if honest == 20 { 19 } else { 20 };
    let report = verify(&seed, &seed.commitment(), &log);
    assert!(!report.is_ok());
    assert_eq!(
        report.mismatches,
        [Mismatch::Face {
            seq: 7,
            die: 1,
            expected: honest,
            logged: log[7].faces[1].face,
        }]
    );
    assert_eq!(
        report.to_string(),
        format!(
            "10 rolls checked, 1 mismatch: roll 7 die 2: logged {}, seed gives {honest}",
            log[7].faces[1].face
        )
    );
}

#[test]
fn summary_names_the_first_three_mismatches() {
    let seed = fixed_seed();
    let mut log = honest_log(&seed, &vec![vec![1]; 5]);
    for roll in &mut log {
        roll.faces[0].face = 2;
    }
    let report = verify(&seed, &seed.commitment(), &log);
    assert_eq!(report.mismatches.len(), 5);
    assert_eq!(
        report.to_string(),
        "5 rolls checked, 5 mismatches: roll 0 die 1: logged 2, seed gives 1; \
         roll 1 die 1: logged 2, seed gives 1; roll 2 die 1: logged 2, seed gives 1; \
         and 2 more"
    );
}

#[test]
fn wrong_seed_fails_the_commitment() {
    let seed = fixed_seed();
    let log = honest_log(&seed, &[vec![20]]);
    let other = TableSeed::from_entropy_bytes([9; 32]);
    let report = verify(&other, &seed.commitment(), &log);
    assert!(!report.commitment_matches);
    assert!(!report.is_ok());
    assert_eq!(report.to_string(), "seed does not match the commitment");
}

#[test]
fn missing_and_extra_dice_are_reported() {
    let seed = fixed_seed();
    let log = honest_log(&seed, &[vec![20; 6], vec![20; 6]]);

    let mut missing = log.clone();
    let removed = missing[1].faces.remove(2);
    let report = verify(&seed, &seed.commitment(), &missing);
    assert_eq!(
        report.mismatches,
        [Mismatch::MissingDie {
            seq: 1,
            die: 2,
            sides: 20,
            expected: removed.face,
        }]
    );
    assert_eq!(
        report.mismatches[0].to_string(),
        format!("roll 1 die 3: missing, seed gives {}", removed.face)
    );

    let mut extra = log;
    let honest = extra[0].faces[1].face;
    let inserted = DieFace {
        sides: 20,
        face: if honest == 20 { 19 } else { 20 },
    };
    extra[0].faces.insert(1, inserted);
    let report = verify(&seed, &seed.commitment(), &extra);
    assert_eq!(
        report.mismatches,
        [Mismatch::ExtraDie {
            seq: 0,
            die: 1,
            logged: inserted.face,
        }]
    );
}

#[test]
fn missing_and_repeated_roll_numbers_are_reported() {
    let seed = fixed_seed();
    let mut log = honest_log(&seed, &vec![vec![20]; 6]);
    log.remove(4);
    log.remove(1);
    log.remove(1);
    log.push(log[0].clone());
    let report = verify(&seed, &seed.commitment(), &log);
    assert_eq!(
        report.mismatches,
        [
            Mismatch::DuplicateRoll { seq: 0 },
            Mismatch::MissingRolls { from: 1, to: 2 },
            Mismatch::MissingRolls { from: 4, to: 4 },
        ]
    );
    assert_eq!(
        report.to_string(),
        "4 rolls checked, 3 mismatches: roll 0 logged more than once; \
         rolls 1-2 missing from the log; roll 4 missing from the log"
    );
}

#[test]
fn dice_language_rolls_verify() {
    let seed = fixed_seed();
    let expr = dice::parse("4d6kh3").unwrap();
    let mut stream = seed.stream(0);
    let rolled = dice::roll(&expr, &mut stream).unwrap();
    assert!((3..=18).contains(&rolled.total));

    let shown: Vec<u64> = rolled
        .dice_terms()
        .into_iter()
        .flat_map(|(term, _, _)| rolled.dice(term).iter())
        .flat_map(|die| die.faces().map(|f| u64::try_from(f.rolled).unwrap()))
        .collect();
    let recorded: Vec<u64> = stream.faces().iter().map(|d| d.face).collect();
    assert_eq!(shown, recorded);
    assert!(stream.faces().iter().all(|d| d.sides == 6));
    assert_eq!(stream.faces().len(), 4);

    let mut sorted = recorded.clone();
    sorted.sort_unstable();
    assert_eq!(rolled.total, sorted[1..].iter().sum::<u64>() as i64);

    let record = stream.into_record();
    let report = verify(&seed, &seed.commitment(), &[record]);
    assert!(report.is_ok(), "{report}");
}

proptest! {
    #[test]
    fn faces_in_range_and_honest_logs_verify(
        seed in any::<[u8; 32]>(),
        first_seq in 0u64..4,
        sides in prop::collection::vec(
            prop::collection::vec(
                prop_oneof![0u64..=30, any::<u64>(), Just(u64::MAX)],
                0..8,
            ),
            1..6,
        ),
    ) {
        let seed = TableSeed::from_entropy_bytes(seed);
        let log = honest_log(&seed, &sides);
        for (record, dice) in log.iter().zip(&sides) {
            prop_assert_eq!(record.faces.len(), dice.len());
            for die in &record.faces {
                prop_assert!((1..=die.sides.max(1)).contains(&die.face));
            }
        }
        let report = verify(&seed, &seed.commitment(), &log);
        prop_assert!(report.is_ok(), "{}", report);
        // A log that starts late is missing its first rolls.
        if first_seq > 0 {
            let late = honest_log_from(&seed, first_seq, &sides);
            let report = verify(&seed, &seed.commitment(), &late);
            prop_assert_eq!(
                report.mismatches,
                vec![Mismatch::MissingRolls { from: 0, to: first_seq - 1 }]
            );
        }
    }
}
