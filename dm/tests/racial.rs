//! A dragonborn's breath weapon (by ancestry: type, shape, save, dice by
//! level, once per short rest) and the Grappler feat's advantage, played
//! through `handle` with chosen dice; every log replays.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{Dice, Game, attack_results, notes};

/// All ones: every save fails, every die shows 1.
const ONES: Dice = Dice::Faces(&[1; 12]);

#[test]
fn a_dragonborn_breathes_its_ancestrys_damage_on_several_targets_once_per_rest() {
    let mut g = Game::new(5);
    // Fighter 3: Con 14 (+2), proficiency +2: DC 12. Black: a 30-ft acid line, Dex.
    g.ok("r", "char new Rhog fighter 3 dragonborn");
    assert_eq!(g.sheet("rhog").ancestry.as_deref(), Some("black"));
    g.fight(&[("goblin", 2)]);
    g.skip_to("rhog");
    let (a, b) = (g.hp("g1"), g.hp("g2"));
    let r = g.ok_with("r", "a breath -t g1 g2", ONES);
    let text = notes(&r);
    assert!(
        text.contains("Rhog breathes acid in a 30-ft line (DC 12"),
        "{text}"
    );
    // 2d6 at level 3, both failed: 2 each.
    assert_eq!((g.hp("g1"), g.hp("g2")), (a - 2, b - 2), "{r:?}");
    // The action is spent, and the breath until a rest.
    g.next_turn_of("rhog");
    let no = g.refused("r", "a breath -t g1");
    assert!(no.contains("breath weapon is spent"), "{no}");
    g.ok("dm", "dm end");
    g.ok("r", "rest short");
    assert!(!g.sheet("rhog").spent.contains_key("breath-weapon"));
    g.assert_replays();
}

#[test]
fn the_ancestry_sets_the_shape_and_the_level_sets_the_dice() {
    let mut g = Game::new(6);
    g.ok("r", "char new Vorn sorcerer 6 dragonborn");
    g.ok("r", "char set ancestry red \"my family\"");
    g.fight(&[("goblin", 1)]);
    g.skip_to("vorn");
    let hp = g.hp("g1");
    let r = g.ok_with("r", "a breath -t g1", ONES);
    assert!(notes(&r).contains("breathes fire in a 15-ft cone"), "{r:?}");
    assert_eq!(g.hp("g1"), hp.saturating_sub(3), "3d6 at level 6: {r:?}");
    g.assert_replays();
}

#[test]
fn only_a_dragonborn_breathes_and_never_on_a_far_target() {
    let mut g = Game::new(7);
    g.ok("a", "char new Aria fighter 1 human");
    g.ok("r", "char new Rhog fighter 1 dragonborn");
    g.fight(&[("goblin", 1)]);
    g.skip_to("aria");
    let no = g.refused("a", "a breath -t g1");
    assert!(no.contains("Aria has no breath weapon"), "{no}");
    g.skip_to("rhog");
    g.ok("dm", "dm place rhog far g1");
    let no = g.refused("r", "a breath -t g1");
    assert!(no.contains("out of reach of a 30-ft line"), "{no}");
    g.assert_replays();
}

/// A human fighter 4 whose ASI became the Grappler feat, at a goblin.
fn grappler(feat: bool) -> Game {
    let mut g = Game::new(8);
    g.ok("k", "char new Kai fighter 4 human");
    if feat {
        g.ok("k", "ch asi grappler");
        assert!(g.sheet("kai").feats.iter().any(|f| f == "grappler"));
    }
    g.fight(&[("goblin", 1)]);
    g.skip_to("kai");
    g
}

#[test]
fn the_grappler_feat_gives_advantage_on_attacks_against_the_creature_it_grapples() {
    // Without the grapple: a 2 on the d20 misses the goblin (AC 15).
    let mut g = grappler(true);
    let r = g.ok_with("k", "a longsword -t g1", Dice::Faces(&[2, 19, 5]));
    assert_eq!(attack_results(&r), ["miss"], "{r:?}");
    // Grappled (20 against 1): the same 2 is the lower of two d20s.
    let mut g = grappler(true);
    g.ok("dm", "dm set kai weapons longsword \"one hand free\"");
    g.ok_with("k", "grapple g1", Dice::Faces(&[20, 1]));
    g.ok("k", "surge");
    let r = g.ok_with("k", "a longsword -t g1", Dice::Faces(&[2, 19, 5]));
    assert_eq!(attack_results(&r), ["hit"], "{r:?}");
    // No feat, the same grapple and dice: no advantage.
    let mut g = grappler(false);
    g.ok_with("k", "grapple g1", Dice::Faces(&[20, 1]));
    g.ok("k", "surge");
    let r = g.ok_with("k", "a longsword -t g1", Dice::Faces(&[2, 19, 5]));
    assert_eq!(attack_results(&r), ["miss"], "{r:?}");
    g.assert_replays();
}
