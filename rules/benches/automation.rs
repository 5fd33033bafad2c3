//! Criterion benchmarks of the automation engine on SRD content: a dragon's
//! multiattack, a Fireball on four targets, a breath weapon, and a round of
//! the board with a save-ends effect.
//!
//! `cargo bench -p rules --bench automation`.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use rules::automation::{
    Board, Caster, Target, cast_spell, run_action, run_area_action, spell_context,
};
use rules::content;
use rules::dice::Advantage;
use rules::mechanics::CreatureId;

fn bench_automation(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let dragon = content::monster("Adult Red Dragon").unwrap();
    let knight = Target::monster(content::monster("Knight").unwrap());
    let multiattack = dragon.action("Multiattack").unwrap();
    c.bench_function("dragon_multiattack", |b| {
        b.iter(|| {
            run_action(
                dragon,
                multiattack,
                black_box(&knight),
                Advantage::Normal,
                &mut rng,
            )
            .unwrap()
        })
    });
    let party = vec![knight.clone(); 4];
    let breath = dragon.action("Fire Breath").unwrap();
    c.bench_function("fire_breath_4_targets", |b| {
        b.iter(|| run_area_action(dragon, breath, None, black_box(&party), &mut rng).unwrap())
    });
    let wizard = Caster {
        attack_bonus: 7,
        save_dc: 15,
        modifier: 4,
        level: 5,
    };
    let fireball = content::spell("Fireball").unwrap();
    c.bench_function("fireball_4_targets", |b| {
        b.iter(|| {
            cast_spell(
                fireball,
                3,
                &wizard,
                black_box(&party),
                Advantage::Normal,
                &mut rng,
            )
            .unwrap()
        })
    });
    let hold = content::spell("Hold Person").unwrap();
    let figures = spell_context(hold, 2, &wizard, 1).unwrap().figures;
    let (wiz, orc) = (CreatureId::new("wiz"), CreatureId::new("orc"));
    c.bench_function("hold_person_cast_and_one_round", |b| {
        b.iter(|| {
            let mut board = Board::new();
            let out = cast_spell(
                hold,
                2,
                &wizard,
                std::slice::from_ref(&knight),
                Advantage::Normal,
                &mut rng,
            )
            .unwrap();
            board.apply(&wiz, std::slice::from_ref(&orc), &out, figures, true);
            board.start_turn(&orc, &knight, &mut rng).unwrap();
            board.end_turn(&orc, &knight, &mut rng).unwrap();
            board.effects().len()
        })
    });
}

criterion_group!(benches, bench_automation);
criterion_main!(benches);
