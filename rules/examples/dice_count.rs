//! Rolls one expression N times, for instruction counts under callgrind
//! (`scripts/callgrind-dice.sh`).
//!
//! `dice_count MODE N EXPR`: `parse-roll` parses and rolls the text every
//! time; `roll` rolls a tree parsed once beforehand; `roller` rolls the text
//! with a reused `Roller` (its parse cache, as d20's `roll(text)`);
//! `roller-roll` rolls the parsed tree with a reused `Roller`. Running it for N and 2N
//! and subtracting cancels the start-up cost. `dice_count modes` lists the modes.
#![allow(missing_docs)]

use std::hint::black_box;

use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use rules::dice;

const MODES: &[&str] = &["parse-roll", "roll", "roller", "roller-roll"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("modes") {
        println!("{}", MODES.join(" "));
        return;
    }
    let [mode, n, expr] = args.as_slice() else {
        eprintln!(
            "usage: dice_count modes | dice_count MODE N EXPR (MODE: {})",
            MODES.join(", ")
        );
        std::process::exit(2);
    };
    let Ok(n) = n.parse::<u64>() else {
        eprintln!("N must be a whole number");
        std::process::exit(2);
    };
    let tree = match dice::parse(expr) {
        Ok(tree) => tree,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let mut sum = 0i64;
    match mode.as_str() {
        "parse-roll" => {
            for _ in 0..n {
                if let Ok(tree) = dice::parse(black_box(expr))
                    && let Ok(r) = dice::roll(&tree, &mut rng)
                {
                    sum = sum.wrapping_add(r.total);
                }
            }
        }
        "roll" => {
            for _ in 0..n {
                if let Ok(r) = dice::roll(black_box(&tree), &mut rng) {
                    sum = sum.wrapping_add(r.total);
                }
            }
        }
        "roller" => {
            let mut roller = dice::Roller::new();
            for _ in 0..n {
                if let Ok(r) = roller.roll_str(black_box(expr), &mut rng) {
                    sum = sum.wrapping_add(r.total);
                }
            }
        }
        "roller-roll" => {
            let mut roller = dice::Roller::new();
            for _ in 0..n {
                if let Ok(r) = roller.roll(black_box(&tree), &mut rng) {
                    sum = sum.wrapping_add(r.total);
                }
            }
        }
        _ => {
            eprintln!("unknown mode {mode}");
            std::process::exit(2);
        }
    }
    println!("{}", black_box(sum));
}
