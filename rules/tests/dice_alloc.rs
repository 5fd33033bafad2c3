//! A warmed-up `Roller` rolls without touching the heap, counted by an
//! instrumented global allocator. One test only: the count is process-wide,
//! and a second test running beside it would add its own allocations.
#![allow(missing_docs, clippy::unwrap_used)]

use std::alloc::System;

use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use rules::dice::{self, Advantage, FixedRolls, Roller};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const EXPRESSIONS: &[&str] = &[
    "1d20",
    "1d20+5",
    "4d6kh3",
    "2d20kh1+7 [piercing]",
    "8d6 [fire]",
];

/// Heap allocations and reallocations made while `f` runs, the fewest of
/// three runs: the count is process-wide, and the test harness's own
/// thread may allocate now and then on a loaded machine. Code that
/// allocates allocates every run, so it still shows.
fn allocations(mut f: impl FnMut()) -> usize {
    (0..3)
        .map(|_| {
            let region = Region::new(GLOBAL);
            f();
            let change = region.change();
            change.allocations + change.reallocations
        })
        .min()
        .unwrap_or(usize::MAX)
}

#[test]
fn a_warm_roller_rolls_without_allocating() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);

    // The counter sees allocations: the free function starts from empty
    // vectors every time, and parsing builds a tree.
    let tree = dice::parse("4d6kh3").unwrap();
    assert!(allocations(|| assert!(dice::roll(&tree, &mut rng).unwrap().total >= 3)) > 0);
    assert!(allocations(|| assert!(dice::parse("4d6kh3").is_ok())) > 0);

    // Texts through the parse cache, after one warm-up roll each.
    let mut roller = Roller::new();
    for text in EXPRESSIONS {
        roller.roll_str(text, &mut rng).unwrap();
    }
    let mut sum = 0;
    let n = allocations(|| {
        for _ in 0..1_000 {
            for text in EXPRESSIONS {
                sum += roller.roll_str(text, &mut rng).unwrap().total;
            }
        }
    });
    assert_eq!(n, 0, "allocations in 5,000 cached rolls");
    assert!(sum >= 5_000 * 3);

    // Trees parsed beforehand, at advantage too.
    let trees: Vec<_> = EXPRESSIONS
        .iter()
        .map(|t| dice::parse(t).unwrap())
        .collect();
    for tree in &trees {
        roller
            .roll_with(tree, Advantage::Advantage, &mut rng)
            .unwrap();
    }
    let mut sum = 0;
    let n = allocations(|| {
        for _ in 0..1_000 {
            for tree in &trees {
                sum += roller.roll(tree, &mut rng).unwrap().total;
                sum += roller
                    .roll_with(tree, Advantage::Advantage, &mut rng)
                    .unwrap()
                    .total;
            }
        }
    });
    assert_eq!(n, 0, "allocations in 10,000 rolls of parsed trees");
    assert!(sum >= 10_000 * 3);

    // A 51-term chain, and rerolls: each die's history of rerolled faces
    // comes from the roller's pool. Every roll draws the same faces, so the
    // histories it kept are long enough once warmed up.
    let chain = format!("{}1d20", "1d20+".repeat(50));
    let mut faces: Vec<u64> = (0..300).map(|i| (i * 7 % 20) + 1).collect();
    faces.push(20);
    let scripted =
        |n| -> Vec<FixedRolls> { (0..n).map(|_| FixedRolls::new(faces.clone())).collect() };
    for mut rolls in scripted(3) {
        roller.roll_str("10d20rr<20", &mut rolls).unwrap();
        roller.roll_str(&chain, &mut rolls).unwrap();
    }
    let mut many = scripted(1_000);
    let n = allocations(|| {
        for rolls in &mut many {
            assert_eq!(roller.roll_str("10d20rr<20", rolls).unwrap().total, 200);
            sum += roller.roll_str(&chain, rolls).unwrap().total;
        }
    });
    assert_eq!(
        n, 0,
        "allocations in 1,000 rolls of 10d20rr<20 and of the chain"
    );
    // Each roll of 10d20rr<20 drew far more than its 10 dice, then 51 for the chain.
    assert!(many.iter().all(|r| r.rolled() > 10 * 10 + 51));
}
