//! Forgiving lookups: what players type finds what they mean.
#![allow(clippy::unwrap_used, missing_docs)]

use rules::content::{self, Found, Named};

fn check<T: Named + std::fmt::Debug>(items: &[T], query: &str, want: &str) {
    let got = match content::find(items, query) {
        Found::One(t) => format!("one {}", t.name()),
        Found::Several(list) => format!(
            "several {}",
            list.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
        ),
        Found::Nothing(near) => format!(
            "nothing; near {}",
            near.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
        ),
    };
    assert_eq!(got, want, "{query:?}");
}

#[test]
fn monsters_by_id_name_prefix_and_typo() {
    let m = content::monsters();
    check(m, "Goblin", "one Goblin");
    check(m, "goblin", "one Goblin");
    check(m, "gobln", "one Goblin");
    check(m, "adult red", "one Adult Red Dragon");
    check(m, "adult-red-dragon", "one Adult Red Dragon");
    check(m, "deep gnome", "one Deep Gnome (Svirfneblin)");
    check(m, "owlbaer", "one Owlbear");
}

#[test]
fn ambiguous_names_list_the_candidates() {
    let m = content::monsters();
    check(
        m,
        "adult",
        "several Adult Black Dragon, Adult Blue Dragon, Adult Brass Dragon, Adult Bronze Dragon, Adult Copper Dragon, Adult Gold Dragon, Adult Green Dragon, Adult Red Dragon",
    );
    let w = content::weapons();
    check(w, "sword", "several Greatsword, Longsword, Shortsword");
}

#[test]
fn unknown_names_suggest_the_nearest() {
    let m = content::monsters();
    let Found::Nothing(near) = content::find(m, "xyzzy") else {
        panic!("xyzzy should match nothing")
    };
    assert_eq!(near.len(), 3);
    assert!(matches!(content::find(m, ""), Found::Nothing(v) if v.is_empty()));
    assert!(matches!(content::find(m, "!!!"), Found::Nothing(v) if v.is_empty()));
}

#[test]
fn spells_and_gear() {
    check(content::spells(), "fire ball", "one Fireball");
    check(content::spells(), "cure wound", "one Cure Wounds");
    check(content::weapons(), "longsowrd", "one Longsword");
    check(content::armor_list(), "half plate", "one Half Plate Armor");
}
