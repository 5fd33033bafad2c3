//! Times parse + roll per expression, for `scripts/bench-vs-d20.sh`.
//!
//! `cargo run --release -p rules --example dice_timing -- EXPR...` prints one
//! line per expression, tab-separated: the expression, then the median
//! nanoseconds of
//! 1. `Roller::roll_str(text)`: a reused roller parsing through its cache and
//!    rolling, as d20's `roll(text)` does with its parse cache;
//! 2. `Roller::roll(&tree)`: rolling a tree parsed beforehand;
//! 3. `parse(text)` then `roll(&tree)` with no roller: parsing every time.
//!
//! Medians of 31 batches of about 20 ms each.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use rules::dice;

fn main() {
    for expr in std::env::args().skip(1) {
        if let Err(e) = dice::parse(&expr) {
            eprintln!("{e}");
            std::process::exit(2);
        }
        let tree = dice::parse(&expr).map_err(|e| e.to_string());
        let mut roller = dice::Roller::new();
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let cached = median_ns(|| {
            roller
                .roll_str(black_box(&expr), &mut rng)
                .map(|r| r.total)
                .map_err(|e| e.to_string())
        });
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let roll_only = median_ns(|| {
            let tree = tree.as_ref().map_err(Clone::clone)?;
            roller
                .roll(black_box(tree), &mut rng)
                .map(|r| r.total)
                .map_err(|e| e.to_string())
        });
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let uncached = median_ns(|| {
            let tree = dice::parse(black_box(&expr)).map_err(|e| e.to_string())?;
            dice::roll(&tree, &mut rng)
                .map(|r| r.total)
                .map_err(|e| e.to_string())
        });
        println!("{expr}\t{cached:.1}\t{roll_only:.1}\t{uncached:.1}");
    }
}
/// Calibrates a batch to about 20 ms, then returns the median time per call over 31 batches.
fn median_ns(mut once: impl FnMut() -> Result<i64, String>) -> f64 {
    let mut batch = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            let _ = black_box(once());
        }
        if start.elapsed().as_millis() >= 20 {
            break;
        }
        batch *= 2;
    }
    let mut per_call: Vec<f64> = (0..31)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                let _ = black_box(once());
            }
            start.elapsed().as_nanos() as f64 / batch as f64
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    per_call[per_call.len() / 2]
}
