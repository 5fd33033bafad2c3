//! Property tests of the dice language: any text gives a value or an error
//! (never a panic), and random valid expressions roll within their bounds.
#![allow(clippy::unwrap_used, missing_docs)]

use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rules::dice::{self, Advantage};

/// Valid expressions, built from d20's grammar with its whitespace rules.
fn expr() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        (0u32..30).prop_map(|n| n.to_string()),
        (0u32..100, 1u32..10).prop_map(|(a, b)| format!("{a}.{b}")),
    ];
    let sel = (
        prop_oneof![Just(""), Just("h"), Just("l"), Just(">"), Just("<")],
        0u32..8,
    )
        .prop_map(|(k, n)| format!("{k}{n}"));
    let dice_op = prop_oneof![
        (
            prop_oneof![
                Just("k"),
                Just("p"),
                Just("rr"),
                Just("ro"),
                Just("ra"),
                Just("e")
            ],
            sel.clone()
        )
            .prop_map(|(o, s)| format!("{o}{s}")),
        (prop_oneof![Just("mi"), Just("ma")], 0u32..8).prop_map(|(o, n)| format!("{o}{n}")),
    ];
    let dice = (
        prop_oneof![Just(String::new()), (0u32..12).prop_map(|n| n.to_string())],
        prop_oneof![
            Just("20".to_string()),
            Just("%".to_string()),
            (1u32..13).prop_map(|n| n.to_string())
        ],
        prop::collection::vec(dice_op, 0..3),
    )
        .prop_map(|(n, s, ops)| format!("{n}d{s}{}", ops.concat()));
    let ws = prop_oneof![Just(""), Just(""), Just(" "), Just("\t")];
    let label = prop_oneof![
        Just(""),
        Just(""),
        Just(" [fire]"),
        Just("[cold] [magical]")
    ];
    let leaf = (prop_oneof![number, dice], label).prop_map(|(a, l)| format!("{a}{l}"));
    leaf.prop_recursive(4, 32, 4, move |inner| {
        let set_op =
            (prop_oneof![Just("k"), Just("p")], sel.clone()).prop_map(|(o, s)| format!("{o}{s}"));
        prop_oneof![
            (
                inner.clone(),
                ws.clone(),
                prop_oneof![
                    Just("+"),
                    Just("-"),
                    Just("*"),
                    Just("/"),
                    Just("//"),
                    Just("%"),
                    Just("=="),
                    Just("!="),
                    Just("<"),
                    Just(">"),
                    Just("<="),
                    Just(">=")
                ],
                ws.clone(),
                inner.clone()
            )
                .prop_map(|(a, w1, op, w2, b)| format!("{a}{w1}{op}{w2}({b})")),
            (prop_oneof![Just("-"), Just("+")], inner.clone())
                .prop_map(|(s, a)| format!("{s}({a})")),
            (
                prop::collection::vec(inner, 0..4),
                prop::collection::vec(set_op, 0..3)
            )
                .prop_map(|(items, ops)| match items.len() {
                    1 => format!("({},){}", items[0], ops.concat()),
                    _ => format!("({}){}", items.join(", "), ops.concat()),
                }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn any_text_gives_a_value_or_an_error(text in "\\PC{0,40}", seed in any::<u64>()) {
        for parsed in [dice::parse(&text).ok(), dice::parse_with_comment(&text).ok().map(|p| p.expr)].into_iter().flatten() {
            if let Ok(rolled) = dice::roll_with(&parsed, Advantage::Advantage, &mut ChaCha8Rng::seed_from_u64(seed)) {
                let _ = (rolled.markdown(), rolled.compact(), rolled.ansi());
            }
        }
    }

    #[test]
    fn dice_alphabet_gives_a_value_or_an_error(text in "[0-9d%()\\[\\],+\\-*/<>=!khlpreoami .\n]{0,30}", seed in any::<u64>()) {
        if let Ok(p) = dice::parse_with_comment(&text)
            && let Ok(rolled) = dice::roll(&p.expr, &mut ChaCha8Rng::seed_from_u64(seed))
        {
            prop_assert!(!rolled.markdown().is_empty());
        }
    }

    #[test]
    fn valid_expressions_parse_and_roll_within_their_bounds(text in expr(), seed in any::<u64>()) {
        let parsed = dice::parse(&text);
        prop_assert!(parsed.is_ok(), "{text:?}: {}", parsed.unwrap_err());
        let e = parsed.unwrap();
        let bounds = e.bounds();
        if let Ok(rolled) = dice::roll(&e, &mut ChaCha8Rng::seed_from_u64(seed)) {
            let v = match rolled.value { dice::Num::Int(i) => i as f64, dice::Num::Float(f) => f };
            prop_assert!(bounds.contains(v) || v.is_nan(), "{text:?} rolled {v}, bounds {bounds:?}");
        }
    }

    #[test]
    fn a_reused_roller_rolls_exactly_as_a_fresh_parse_and_roll(
        texts in prop::collection::vec(prop_oneof![expr(), "[0-9d%()\\[\\],+\\-*/<>=khlpreoami .]{0,20}"], 1..6),
        seed in any::<u64>(),
    ) {
        let mut roller = dice::Roller::new();
        // Twice through: the second pass rolls every text from the cache.
        for (i, text) in texts.iter().chain(texts.iter()).enumerate() {
            let seed = seed.wrapping_add(i as u64);
            let adv = if i % 2 == 0 { Advantage::Normal } else { Advantage::Advantage };
            let fresh = dice::parse(text).map_err(dice::DiceError::from).and_then(|e| {
                dice::roll_with(&e, adv, &mut ChaCha8Rng::seed_from_u64(seed))
                    .map(|r| (r.markdown(), r.value, r.crit))
                    .map_err(dice::DiceError::from)
            });
            let reused = roller
                .roll_str_with(text, adv, &mut ChaCha8Rng::seed_from_u64(seed))
                .map(|r| (r.markdown(), r.value, r.crit));
            prop_assert_eq!(reused, fresh, "{:?}", text);
            let fresh = dice::parse_with_comment(text).map_err(dice::DiceError::from).and_then(|p| {
                dice::roll_with(&p.expr, adv, &mut ChaCha8Rng::seed_from_u64(seed))
                    .map(|r| (r.markdown(), p.comment.clone()))
                    .map_err(dice::DiceError::from)
            });
            let reused = roller
                .roll_commented(text, adv, &mut ChaCha8Rng::seed_from_u64(seed))
                .map(|r| (r.markdown(), r.comment().map(str::to_string)));
            prop_assert_eq!(reused, fresh, "{:?} with a comment", text);
        }
    }

    #[test]
    fn printing_a_tree_and_parsing_it_again_gives_the_same_tree(text in expr()) {
        let e = dice::parse(&text).unwrap();
        let again = dice::parse(&e.to_string());
        prop_assert_eq!(again.as_ref().ok(), Some(&e), "{:?} printed as {:?}", text, e.to_string());
    }
}

/// Inputs the fuzzer once broke (fuzz/seeds/dice/regress-*): round-trips and bounds hold.
#[test]
fn fuzz_regressions_hold() {
    for text in [
        "888888888888888888888888882.938-0",
        "2-5*5555555555555550+05",
        "2d4e1ma00e0p1",
        "d3mi46333333333333333632",
    ] {
        let e = dice::parse(text).unwrap();
        assert_eq!(
            dice::parse(&e.to_string()).as_ref(),
            Ok(&e),
            "{text} printed as {e}"
        );
        for seed in 0..200 {
            if let Ok(rolled) = dice::roll(&e, &mut ChaCha8Rng::seed_from_u64(seed)) {
                let v = match rolled.value {
                    dice::Num::Int(i) => i as f64,
                    dice::Num::Float(f) => f,
                };
                assert!(
                    e.bounds().contains(v),
                    "{text} rolled {v} outside {:?}",
                    e.bounds()
                );
            }
        }
    }
}

/// More texts than the cache holds: the oldest are dropped and parsed again,
/// and every roll still matches a fresh parse and roll.
#[test]
fn a_roller_past_its_cache_size_still_rolls_every_text_right() {
    let texts: Vec<String> = (0..dice::PARSE_CACHE_SIZE + 40)
        .map(|i| format!("{}d6kh1+{i}", 1 + i % 4))
        .collect();
    let mut roller = dice::Roller::new();
    for round in 0..3u64 {
        for (i, text) in texts.iter().enumerate() {
            let seed = round * 1_000 + i as u64;
            let tree = dice::parse(text).unwrap();
            let fresh = dice::roll(&tree, &mut ChaCha8Rng::seed_from_u64(seed)).unwrap();
            let reused = roller
                .roll_str(text, &mut ChaCha8Rng::seed_from_u64(seed))
                .unwrap();
            assert_eq!(*reused, fresh, "{text}");
            drop(reused);
            assert_eq!(roller_parse(&mut roller, text), dice::parse(text).unwrap());
        }
    }
    // A roll kept past the next one is still whole.
    let tree = dice::parse("4d6kh3").unwrap();
    let kept = roller
        .roll(&tree, &mut dice::FixedRolls::new([4, 4, 6, 3]))
        .unwrap()
        .into_rolled();
    let next = roller
        .roll_str("1d20", &mut dice::FixedRolls::new([20]))
        .unwrap();
    assert_eq!(next.crit, dice::Crit::Crit);
    assert_eq!(kept.compact(), "4d6kh3(4,4,6,x3)=14");
    drop(next);
    // Errors come back as such, and the roller still works after them.
    assert!(matches!(
        roller.roll_str("1d", &mut dice::FixedRolls::new([1])),
        Err(dice::DiceError::Parse(_))
    ));
    assert!(matches!(
        roller.roll_str("1001d6", &mut dice::FixedRolls::new([1])),
        Err(dice::DiceError::Roll(dice::RollError::TooManyRolls))
    ));
    assert_eq!(
        roller
            .roll_str("2d6", &mut dice::FixedRolls::new([3, 5]))
            .unwrap()
            .total,
        8
    );
}

fn roller_parse(roller: &mut dice::Roller, text: &str) -> dice::Expr {
    roller.parse(text).unwrap().clone()
}
