//! The whole-turn options of `dm::options` for every SRD monster: each one
//! the DM core accepts as listed (no illegal option is ever offered).
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{Dice, Game, pid};
use dm::options::turn_options;
use dm::seed::TableSeed;

/// Runs `commands` as the DM on a copy of the game, with `seed`'s dice;
/// the first refusal, if any.
fn refused(game: &Game, commands: &[dm::Command], seed: &TableSeed) -> Option<String> {
    let mut trial = game.clone();
    for c in commands {
        if let Err(why) = trial.play(&pid("dm"), c, Dice::Seed(seed)) {
            return Some(format!("{c:?}: {why}"));
        }
    }
    None
}

#[test]
fn every_srd_monster_has_legal_whole_turn_options() {
    let seed = TableSeed::from_entropy_bytes([9; 32]);
    let mut offered = 0;
    let mut kinds = 0;
    for m in rules::content::monsters() {
        let mut g = Game::new(17);
        g.ok("aria", "char new Aria fighter 5 human");
        g.ok("wiz", "char new Wiz wizard 5 high elf");
        g.ok("dm", "dm encounter");
        g.ok("dm", &format!("madd {} --avg", m.id));
        g.ok("dm", "n");
        let h = g.table.encounter.as_ref().unwrap().monsters[0]
            .handle
            .clone();
        g.skip_to(&h);
        let options = turn_options(&g.table, &h);
        assert!(
            options.iter().any(|o| o.id == "end"),
            "{}: {:?}",
            m.id,
            options.iter().map(|o| &o.id).collect::<Vec<_>>()
        );
        let acting = options.iter().filter(|o| !o.commands.is_empty()).count();
        if acting > 0 {
            kinds += 1;
        }
        for o in &options {
            if let Some(why) = refused(&g, &o.commands, &seed) {
                panic!("{} option {} is refused: {why}", m.id, o.id);
            }
            offered += 1;
        }
    }
    // Nearly every monster can do something besides ending its turn (a few
    // have no automated action at all).
    assert!(kinds >= 320, "only {kinds} monsters can act");
    assert!(offered > 2_000, "{offered}");
}

#[test]
fn a_goblin_can_close_in_and_strike_or_shoot_from_where_it_stands() {
    let mut g = Game::new(18);
    g.ok("aria", "char new Aria fighter 3 human");
    g.ok("dm", "dm encounter");
    g.ok("dm", "madd goblin --avg");
    g.ok("dm", "n");
    g.skip_to("g1");
    let ids: Vec<String> = turn_options(&g.table, "g1")
        .into_iter()
        .map(|o| o.id)
        .collect();
    for want in [
        "attack:shortbow:aria",
        "move:aria+attack:scimitar:aria",
        "dodge",
        "end",
    ] {
        assert!(ids.iter().any(|i| i == want), "{want} missing from {ids:?}");
    }
    // Far away, only a dash reaches her.
    g.ok("dm", "dm place g1 far aria");
    let ids: Vec<String> = turn_options(&g.table, "g1")
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert!(ids.iter().any(|i| i == "dash:aria"), "{ids:?}");
    assert!(!ids.iter().any(|i| i.starts_with("move:aria")), "{ids:?}");
}
