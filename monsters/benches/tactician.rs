//! The tactician's decision in a 10-combatant fight: four characters
//! against six goblins, a goblin to move. `cargo bench -p monsters --bench tactician`.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dm::seed::TableSeed;
use dm::{Ctx, PlayerId, Table, handle};
use rules::dice::Roller;

fn run(table: &mut Table, roller: &mut Roller, seed: &TableSeed, who: &str, line: &str) {
    let command = dm::parse(line).unwrap();
    let mut dice = seed.stream(table.next_roll);
    let outcome = handle(
        table,
        &command,
        Ctx {
            actor: PlayerId::new(who),
            dice: &mut dice,
            roller: &mut *roller,
            now: 1_000,
        },
    )
    .unwrap();
    for e in &outcome.events {
        table.apply_with(e, roller).unwrap();
    }
}

fn fight() -> (Table, String) {
    let seed = TableSeed::from_entropy_bytes([5; 32]);
    let mut t = Table::default();
    let mut roller = Roller::new();
    t.apply(&Table::opened(
        PlayerId::new("dm"),
        seed.commitment().to_string(),
    ))
    .unwrap();
    for (who, line) in [
        ("brom", "char new Brom fighter 3 hill dwarf"),
        ("dara", "char new Dara cleric 3 human"),
        ("cade", "char new Cade rogue 3 lightfoot halfling"),
        ("aria", "char new Aria wizard 3 high elf"),
    ] {
        run(&mut t, &mut roller, &seed, who, line);
    }
    run(&mut t, &mut roller, &seed, "dm", "dm encounter");
    run(&mut t, &mut roller, &seed, "dm", "madd goblin -n 6 --avg");
    run(&mut t, &mut roller, &seed, "dm", "n");
    // Some goblins in melee, as mid-fight.
    run(&mut t, &mut roller, &seed, "dm", "dm place g1 engaged brom");
    run(&mut t, &mut roller, &seed, "dm", "dm place g2 engaged brom");
    run(&mut t, &mut roller, &seed, "dm", "dm place g3 engaged dara");
    for _ in 0..12 {
        let current = t.encounter.as_ref().unwrap().current().unwrap().to_owned();
        if current.starts_with('g') {
            return (t, current);
        }
        run(&mut t, &mut roller, &seed, "dm", "n");
    }
    panic!("no goblin turn");
}

fn decision(c: &mut Criterion) {
    let (table, goblin) = fight();
    assert_eq!(table.encounter.as_ref().unwrap().order.len(), 10);
    let actors = [goblin];
    c.bench_function("tactician_decision_10_combatants", |b| {
        b.iter(|| {
            let request = monsters::view::request(black_box(&table), &actors);
            monsters::tactician::best(&request)
        })
    });
}

criterion_group!(benches, decision);
criterion_main!(benches);
