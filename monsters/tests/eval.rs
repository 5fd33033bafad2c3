//! The evaluation harness: every tactician choice is legal as made, and on
//! the same encounters and dice the tactician wins clearly more often than
//! a random legal choice does.
#![allow(clippy::unwrap_used, missing_docs)]

use monsters::eval::{Picker, encounter, pick_monsters, random_legal};
use monsters::tactician::best;

#[test]
fn the_tactician_is_always_legal_and_beats_random_choices() {
    let mut picker = Picker::new(7);
    let mut random = Picker::new(8);
    let (mut tactician_wins, mut random_wins, mut decisions) = (0, 0, 0);
    for _ in 0..40 {
        let level = u8::try_from(1 + picker.below(5)).unwrap();
        let (kind, count) = pick_monsters(level, &mut picker);
        let seed = picker.next_u64();
        let t = encounter(seed, level, &kind, count, &mut |r| best(r));
        assert_eq!(t.illegal, 0, "{} at level {level}", t.monsters);
        decisions += t.decisions;
        tactician_wins += u32::from(t.monsters_won);
        let r = encounter(seed, level, &kind, count, &mut |r| {
            random_legal(r, &mut random)
        });
        random_wins += u32::from(r.monsters_won);
    }
    assert!(decisions > 100, "{decisions}");
    assert!(
        tactician_wins >= random_wins + 3,
        "tactician {tactician_wins} vs random {random_wins}"
    );
}
