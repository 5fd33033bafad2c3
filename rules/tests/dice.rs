//! The dice language against every case and bound in shared/notes/dice.md
//! (d20's own tests), plus the parser's trees, errors and renderings.
#![allow(clippy::unwrap_used, missing_docs)]

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rules::dice::{self, Advantage, Crit, FixedRolls, RollError};

/// Rolls `expr` with a seeded RNG and returns the total.
fn total(expr: &str, seed: u64) -> i64 {
    let e = dice::parse(expr).unwrap_or_else(|err| panic!("{expr}: {err}"));
    dice::roll(&e, &mut ChaCha8Rng::seed_from_u64(seed))
        .unwrap_or_else(|err| panic!("{expr}: {err}"))
        .total
}

/// A deterministic expression: the same value whatever the dice.
fn check_value(expr: &str, want: i64) {
    for seed in 0..20 {
        assert_eq!(total(expr, seed), want, "{expr} (seed {seed})");
    }
}

/// A random expression: 2,000 rolls, all within [lo, hi], and both ends reached.
fn check_bounds(expr: &str, lo: i64, hi: i64) {
    check_within(expr, lo, hi, true);
}

/// 2,000 rolls within [lo, hi]; with `reach`, both ends must show up too.
fn check_within(expr: &str, lo: i64, hi: i64, reach: bool) {
    let (mut seen_lo, mut seen_hi) = (i64::MAX, i64::MIN);
    for seed in 0..2_000 {
        let t = total(expr, seed);
        assert!(
            (lo..=hi).contains(&t),
            "{expr} rolled {t}, outside [{lo}, {hi}]"
        );
        seen_lo = seen_lo.min(t);
        seen_hi = seen_hi.max(t);
    }
    if reach {
        assert_eq!(
            (seen_lo, seen_hi),
            (lo, hi),
            "{expr}: extremes never reached in 2,000 rolls"
        );
    }
    let b = dice::parse(expr).unwrap().bounds();
    assert!(
        b.min <= lo as f64 && b.max >= hi as f64,
        "{expr}: computed bounds {b:?} miss [{lo}, {hi}]"
    );
}

fn check_error(expr: &str, want: RollError) {
    let e = dice::parse(expr).unwrap_or_else(|err| panic!("{expr}: {err}"));
    assert_eq!(
        dice::roll(&e, &mut ChaCha8Rng::seed_from_u64(1)).unwrap_err(),
        want,
        "{expr}"
    );
}

fn check_tree(expr: &str, want: &str) {
    assert_eq!(dice::parse(expr).unwrap().sexpr(), want, "{expr}");
}

fn check_syntax_error(expr: &str, want: &str) {
    assert_eq!(dice::parse(expr).unwrap_err().to_string(), want, "{expr}");
}

fn check_markdown(expr: &str, faces: &[u64], want: &str) {
    let e = dice::parse(expr).unwrap();
    let rolled = dice::roll(&e, &mut FixedRolls::new(faces.iter().copied())).unwrap();
    assert_eq!(rolled.markdown(), want, "{expr}");
}

#[test]
fn d20_arithmetic_cases() {
    check_value("1 + 3 * 6", 19);
    check_value("(1 + 3) * 6", 24);
    check_value("1 + (2 == 2)", 2);
    check_value("1.5", 1);
    check_value(".5", 0);
    check_value("-+-++---+1", -1);
    check_value("15 // 2", 7);
    check_value("15 / 2", 7);
    check_value("13 % 2", 1);
    check_value("1 + 2 == 2", 0);
    check_value("--1", 1);
}

#[test]
fn python_division_semantics() {
    check_value("-7 // 2", -4);
    check_value("-7 % 3", 2);
    check_value("7 % -3", -2);
    check_value("-7 / 2", -3);
    check_value("-15 // 2.0", -8);
}

#[test]
fn d20_set_cases() {
    check_value("(1, 2, 3, 4, 5)k<3", 3);
    check_value("(1, 2, 3, 4, 5)k>3", 9);
    check_value("(1, 2, 3, 4, 5)kl2", 3);
    check_value("(1, 2, 3, 4, 5)kh2", 9);
    check_value("(1)k2", 0);
    check_value("(1,2,3,4,5)p3", 12);
    check_value("(1,2,3,4,5)p1p2", 12);
    check_value("(1,2,3,4,5)k1k2", 3);
    check_value("(1,2,3,4,5)kh1kl1", 6);
    check_value("(1,2,3,4,5)ph1pl1", 9);
    check_value("(1, 2, 3)k1k2", 3);
    check_value("(1,)", 1);
    check_value("()", 0);
}

#[test]
fn d20_dice_operator_cases() {
    check_value("1d20rr<20", 20);
    check_value("1d20rr>1", 1);
    check_value("1d1ro1", 1);
    check_value("1d1ra1", 2);
    check_value("10d6mi6", 60);
    check_value("10d6mi10", 100);
    check_value("10d6ma1", 10);
    check_value("10d6ma0", 0);
    check_value("0d6", 0);
    for seed in 0..500 {
        assert_eq!(total("1d2e2", seed) % 2, 1, "1d2e2 must be odd");
    }
}

#[test]
fn d20_bounds() {
    check_bounds("4d6kh3", 3, 18);
    check_bounds("(1d4, 2+2, 3d6kl1)kh1", 4, 6);
    check_within("((10d6kh5)kl2)kh1", 1, 6, false);
    // Some extremes need ten alike dice (1 in 60,000 or rarer): only the range is checked.
    check_within("10d6k1ph1", 0, 9, false);
    check_bounds("1d6ral1", 2, 12);
    check_within("10d6mi2", 20, 60, false);
    check_within("10d6ma5", 10, 50, false);
    check_bounds("1d%", 0, 90);
}

#[test]
fn roll_limits_and_value_errors() {
    for expr in [
        "1001d6",
        "1d20rr<21",
        "1d1rr1",
        "1d1e1",
        "1d20e<21",
        "99999999999999999999d6",
    ] {
        check_error(expr, RollError::TooManyRolls);
    }
    check_value("1000d1", 1000);
    check_error("6d0", RollError::ZeroSides);
    check_value("0d0", 0);
    check_error("1 / 0", RollError::DivideByZero);
    check_error("1 // 0", RollError::DivideByZero);
    check_error("1 % 0.0", RollError::DivideByZero);
    check_error(
        "10d6mil1",
        RollError::BadSelector {
            selector: "l1".into(),
            op: "mi",
        },
    );
    check_error(
        "10d6mah2",
        RollError::BadSelector {
            selector: "h2".into(),
            op: "ma",
        },
    );
    check_error("9223372036854775807 + 1", RollError::TooLarge);
}

#[test]
fn parser_trees() {
    check_tree("4d6kh3+2", "(+ (kh3 4d6) 2)");
    check_tree("1 + 3 * 6", "(+ 1 (* 3 6))");
    check_tree("d20", "1d20");
    check_tree("d%", "1d%");
    check_tree("(1, 2)k1k2", "(k1k2 (set 1 2))");
    check_tree("(1,)", "(set 1)");
    check_tree("()", "(set)");
    check_tree("(1d20)", "(paren 1d20)");
    check_tree("1d20kh1kl1", "(kh1kl1 1d20)");
    check_tree("1d20kh1pl1", "(pl1 (kh1 1d20))");
    check_tree("10d6mi2mi3", "(mi3 (mi2 10d6))");
    check_tree("-1", "(neg 1)");
    check_tree("1 < 2 < 3", "(< (< 1 2) 3)");
    check_tree("10 // 3 // 2", "(// (// 10 3) 2)");
    check_tree(
        "3d6 [fire] + 1d4 [piercing]",
        "(+ ([fire] 3d6) ([piercing] 1d4))",
    );
    check_tree("1d20 [a] [b]", "([a][b] 1d20)");
    check_tree("( 1 , 2 ,3 )", "(set 1 2 3)");
    check_tree("1.5 + 3.", "(+ 1.5 3.0)");
}

#[test]
fn syntax_errors_name_the_column_and_what_was_expected() {
    check_syntax_error("1d20+", "1d20+ ← expected a number after '+' (col 6)");
    check_syntax_error("", " ← expected a number, dice like 1d20, or '(' (col 1)");
    check_syntax_error(
        " 1d20",
        " ← expected a number, dice like 1d20, or '(', found a space (col 1)",
    );
    check_syntax_error(
        "2d",
        "2d ← expected the number of sides after 'd' (like d20 or d%) (col 3)",
    );
    check_syntax_error(
        "1d20k",
        "1d20k ← expected what to select after 'k' (like k1, kh1, kl1, k>2 or k<2) (col 6)",
    );
    check_syntax_error("1d20kh", "1d20kh ← expected a number after 'kh' (col 7)");
    check_syntax_error("(1, 2", "(1, 2 ← expected ',' or ')' (col 6)");
    check_syntax_error(
        "1d20 keep it",
        "1d20  ← unexpected 'keep' after the expression (col 6)",
    );
    check_syntax_error(
        "(1, )",
        "(1,  ← expected a number after ',', found ')' (col 5)",
    );
    check_syntax_error("1d20 ++", "1d20 ++ ← expected a number after '+' (col 8)");
}

#[test]
fn limits_are_errors_not_panics() {
    let deep = format!("{}1{}", "(".repeat(65), ")".repeat(65));
    assert!(dice::parse(&deep).unwrap_err().limit);
    let long = vec!["1"; 2_000].join("+");
    assert!(dice::parse(&long).unwrap_err().limit);
    assert!(dice::parse("99999999999999999999").unwrap_err().limit);
    assert!(dice::parse("1d99999999999999999999").unwrap_err().limit);
}

#[test]
fn comments_follow_d20() {
    let comment = |s: &str| dice::parse_with_comment(s).map(|p| p.comment);
    assert_eq!(
        comment("1d20 keep the dragon grappled").unwrap().as_deref(),
        Some("keep the dragon grappled")
    );
    assert_eq!(comment("1d20+5 to hit").unwrap().as_deref(), Some("to hit"));
    assert_eq!(comment("4d6 kh3").unwrap().as_deref(), Some("kh3"));
    assert_eq!(
        comment("1d20 *sneak attack*").unwrap().as_deref(),
        Some("*sneak attack*")
    );
    assert_eq!(comment("1d20**2").unwrap().as_deref(), Some("**2"));
    assert_eq!(comment("1d20 (adv)").unwrap().as_deref(), Some("(adv)"));
    assert_eq!(comment("1d20").unwrap(), None);
    assert!(
        comment("1d20, 2").is_err(),
        "a comma is read as a token, not a comment"
    );
    assert!(
        comment("1d20keep").is_err(),
        "k is read as the keep operator"
    );
    assert!(
        comment("1d20+5dmg").is_err(),
        "d after a number starts a die"
    );
    assert!(comment("1d20 foo\nbar").is_err(), "a comment is one line");
}

#[test]
fn advantage_rewrites_the_leftmost_d20() {
    let adv = |s: &str, a| dice::parse(s).unwrap().with_advantage(a).to_string();
    assert_eq!(adv("1d20+5", Advantage::Advantage), "2d20kh1 + 5");
    assert_eq!(adv("1d20+5", Advantage::Disadvantage), "2d20kl1 + 5");
    assert_eq!(adv("1d20+5", Advantage::Normal), "1d20 + 5");
    assert_eq!(
        adv("5+1d20", Advantage::Advantage),
        "5 + 1d20",
        "only the leftmost term"
    );
    assert_eq!(
        adv("2d20", Advantage::Advantage),
        "2d20",
        "only a single d20"
    );
    assert_eq!(adv("1d20kl1", Advantage::Advantage), "2d20kh1kl1");
    assert_eq!(Advantage::from_sources(2, 1), Advantage::Normal);
    assert_eq!(
        Advantage::Advantage.combine(Advantage::Disadvantage),
        Advantage::Normal
    );
    assert_eq!(
        Advantage::Normal.combine(Advantage::Disadvantage),
        Advantage::Disadvantage
    );
}

#[test]
fn crits_and_fumbles_come_from_the_leftmost_kept_d20() {
    let crit = |s: &str, faces: &[u64]| {
        let e = dice::parse(s).unwrap();
        dice::roll(&e, &mut FixedRolls::new(faces.iter().copied()))
            .unwrap()
            .crit
    };
    assert_eq!(crit("1d20+5", &[20]), Crit::Crit);
    assert_eq!(crit("1d20+5", &[1]), Crit::Fumble);
    assert_eq!(crit("1d20+5", &[19]), Crit::None);
    assert_eq!(crit("2d20kh1", &[1, 20]), Crit::Crit);
    assert_eq!(crit("2d20kl1", &[1, 20]), Crit::Fumble);
    assert_eq!(
        crit("2d20", &[20, 20]),
        Crit::None,
        "two kept dice are no crit"
    );
    assert_eq!(crit("5+1d20", &[20]), Crit::None, "not leftmost");
    assert_eq!(
        crit("1d20mi20", &[3]),
        Crit::Crit,
        "d20 counts the forced value"
    );
}

#[test]
fn critical_damage_doubles_dice_not_modifiers() {
    let e = dice::parse("2d6+1d8 [fire]+3").unwrap();
    assert_eq!(e.with_doubled_dice().to_string(), "4d6 + 2d8 [fire] + 3");
}

#[test]
fn markdown_matches_avrae() {
    check_markdown(
        "4d6kh3",
        &[4, 4, 6, 3],
        "4d6kh3 (4, 4, **6**, ~~3~~) = `14`",
    );
    check_markdown("1d20+5", &[1], "1d20 (**1**) + 5 = `6`");
    check_markdown("2d6ro1", &[1, 4, 5], "2d6ro1 (**~~1~~**, 5, 4) = `9`");
    check_markdown("1d6e6", &[6, 2], "1d6e6 (**6!**, 2) = `8`");
    check_markdown("2d6mi3", &[1, 5], "2d6mi3 (1 -> 3, 5) = `8`");
    check_markdown(
        "(1d4, 3)kh1 [fire]",
        &[2],
        "(~~1d4 (2)~~, 3)kh1 [fire] = `3`",
    );
    check_markdown("(1d4, 3)kl1", &[4], "(~~1d4 (**4**)~~, 3)kl1 = `3`");
    check_markdown("1.5 * 3", &[], "1.5 * 3 = `4`");
    check_markdown("1d%", &[10], "1d% (90) = `90`");
}

#[test]
fn compact_fits_radio() {
    let e = dice::parse("4d6kh3").unwrap();
    let rolled = dice::roll(&e, &mut FixedRolls::new([4, 4, 6, 3])).unwrap();
    assert_eq!(rolled.compact(), "4d6kh3(4,4,6,x3)=14");
    let e = dice::parse("1d20+5").unwrap();
    let rolled = dice::roll(&e, &mut FixedRolls::new([14])).unwrap();
    assert_eq!(rolled.compact(), "1d20(14)+5=19");
}
