//! Criterion benchmarks of adventures: generating a 15-room dungeon (the
//! target is under 5 ms), checking it, and loading the shipped adventure.
//!
//! `cargo bench -p dm --bench adventure`.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dm::adventure::{self, Params};

fn bench_adventure(c: &mut Criterion) {
    // Content lists parse on first use; keep that out of the figures.
    let _ = adventure::generate(Params {
        level: 3,
        party: 4,
        rooms: 15,
        seed: 0,
    });
    let mut seed = 0u64;
    c.bench_function("generate_15_rooms", |b| {
        b.iter(|| {
            seed += 1;
            adventure::generate(black_box(Params {
                level: 3,
                party: 4,
                rooms: 15,
                seed,
            }))
        });
    });
    let dungeon = adventure::generate(Params {
        level: 3,
        party: 4,
        rooms: 15,
        seed: 1,
    });
    c.bench_function("check_15_rooms", |b| {
        b.iter(|| adventure::check(black_box(&dungeon)))
    });
    let text = adventure::shipped_files()[0].1;
    c.bench_function("load_sunken_chapel", |b| {
        b.iter(|| adventure::load(black_box(text)).unwrap())
    });
}

criterion_group!(benches, bench_adventure);
criterion_main!(benches);
