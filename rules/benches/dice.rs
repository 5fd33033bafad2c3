//! Criterion benchmarks: parsing, rolling, and one complete attack resolution.
//!
//! `cargo bench -p rules --bench dice`. The d20 comparison (same expressions
//! in Python's d20 1.1.2) is `scripts/bench-vs-d20.sh`.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use rules::dice;
use rules::mechanics::{
    AttackContext, Condition, Conditions, Cover, DamageDice, DamageRoll, DamageType, Defenses,
    Health, ZeroHp, attack_effects,
};

/// d20's own benchmark expressions (its README) and everyday ones.
const EXPRESSIONS: &[&str] = &[
    "1d20",
    "1d20+5",
    "4d6kh3",
    "100d20",
    "10d20rr<20",
    "2d20kh1+7 [piercing]",
    "8d6 [fire]",
];

fn fifty_one_d20() -> String {
    format!("{}1d20", "1d20+".repeat(50))
}

fn bench_dice(c: &mut Criterion) {
    let long = fifty_one_d20();
    let all: Vec<&str> = EXPRESSIONS.iter().copied().chain([long.as_str()]).collect();
    let mut rng = ChaCha20Rng::seed_from_u64(7);

    let mut parse = c.benchmark_group("parse");
    for expr in &all {
        parse.bench_function(label(expr), |b| {
            b.iter(|| dice::parse(black_box(expr)).unwrap())
        });
    }
    parse.finish();

    let mut roll = c.benchmark_group("roll_parsed");
    for expr in &all {
        let tree = dice::parse(expr).unwrap();
        roll.bench_function(label(expr), |b| {
            b.iter(|| dice::roll(black_box(&tree), &mut rng).unwrap().total)
        });
    }
    roll.finish();

    let mut both = c.benchmark_group("parse_and_roll");
    for expr in &all {
        both.bench_function(label(expr), |b| {
            b.iter(|| {
                dice::roll(&dice::parse(black_box(expr)).unwrap(), &mut rng)
                    .unwrap()
                    .total
            })
        });
    }
    both.finish();
}

/// A goblin's scimitar against a prone, poisoned fighter resistant to
/// slashing: conditions → advantage → attack roll against AC with cover →
/// damage (doubled dice on a crit) → resistance → temporary HP and HP.
fn bench_attack(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let attacker = Conditions::new();
    let target = Conditions::of([Condition::Prone, Condition::Poisoned]);
    let context = AttackContext {
        within_5ft: true,
        fear_source_in_sight: true,
        ..AttackContext::default()
    };
    let damage = DamageRoll::new(DamageDice::new(1, 6), 2, DamageType::Slashing);
    let mut defenses = Defenses::default();
    defenses.resistances.insert(DamageType::Slashing);
    c.bench_function("attack_resolution", |b| {
        b.iter(|| {
            let mut health = Health::new(black_box(44), ZeroHp::DeathSaves);
            health.grant_temp(3);
            let effects = attack_effects(&attacker, &target, &context);
            let outcome = effects
                .attack(4)
                .roll(black_box(16), Cover::Half, &mut rng)
                .unwrap();
            if outcome.result.is_hit() {
                let rolled = damage.roll(
                    outcome.result == rules::mechanics::AttackResult::Critical,
                    &mut rng,
                );
                health.take_damage(defenses.total(std::slice::from_ref(&rolled)), false);
            }
            health.current()
        })
    });
}

fn label(expr: &str) -> String {
    if expr.len() > 24 {
        "1d20+ x50 +1d20".to_string()
    } else {
        expr.to_string()
    }
}

criterion_group!(benches, bench_dice, bench_attack);
criterion_main!(benches);
