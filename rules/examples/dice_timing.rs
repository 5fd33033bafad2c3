//! Times parse + roll per expression, for `scripts/bench-vs-d20.sh`.
//!
//! `cargo run --release -p rules --example dice_timing -- EXPR...` prints one
//! line per expression: the expression, tab, the median nanoseconds of one
//! parse + roll (31 batches, each long enough to take about 20 ms).
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use rules::dice;

fn main() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for expr in std::env::args().skip(1) {
        if let Err(e) = dice::parse(&expr) {
            eprintln!("{e}");
            std::process::exit(2);
        }
        let once = |rng: &mut ChaCha20Rng| {
            let tree = dice::parse(black_box(&expr)).map_err(|e| e.to_string())?;
            dice::roll(&tree, rng)
                .map(|r| r.total)
                .map_err(|e| e.to_string())
        };
        // Calibrate a batch to about 20 ms, then take the median of 31 batches.
        let mut batch = 1u64;
        loop {
            let start = Instant::now();
            for _ in 0..batch {
                let _ = black_box(once(&mut rng));
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
                    let _ = black_box(once(&mut rng));
                }
                start.elapsed().as_nanos() as f64 / batch as f64
            })
            .collect();
        per_call.sort_by(f64::total_cmp);
        println!("{expr}\t{:.1}", per_call[per_call.len() / 2]);
    }
}
