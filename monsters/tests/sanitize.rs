//! Property tests of the two sanitizers: they never panic, their output is
//! bounded, and nothing forbidden survives.

use monsters::llm::sanitize::{FLAVOUR_CAP, NAME_CAP, sanitize_flavour, sanitize_name};
use proptest::prelude::*;

/// Hostile fragments mixed with arbitrary text.
fn hostile() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("<data>".to_owned()),
        Just("</data>".to_owned()),
        Just("<@123456789>".to_owned()),
        Just("<@!42>".to_owned()),
        Just("<#7>".to_owned()),
        Just("@everyone".to_owned()),
        Just("@here".to_owned()),
        Just("https://evil.example/x".to_owned()),
        Just("hxxp://a".to_owned()),
        Just("www.example.com".to_owned()),
        Just("discord.gg/abc".to_owned()),
        Just("**".to_owned()),
        Just("`".to_owned()),
        Just("[a](b)".to_owned()),
        Just("\"".to_owned()),
        Just("“”".to_owned()),
        Just(":/".to_owned()),
        Just("/".to_owned()),
        Just("\u{202E}".to_owned()),
        Just("\u{200B}".to_owned()),
        Just("\n\t\r\u{0}".to_owned()),
        "\\PC{0,8}",
        ".{0,8}",
    ];
    prop::collection::vec(fragment, 0..24).prop_map(|parts| parts.concat())
}

/// What no cleaned text may contain.
fn assert_clean(text: &str, cap: usize) {
    assert!(text.chars().count() <= cap, "{text:?} is too long");
    assert_eq!(text, text.trim(), "{text:?}");
    assert!(!text.contains("  "), "{text:?}");
    for c in text.chars() {
        assert!(!c.is_control(), "{text:?} has a control character");
        assert!(
            !"`*_~|<>[]{}()#\\\"“”@\u{202E}\u{200B}".contains(c),
            "{text:?} has {c:?}"
        );
    }
    let lower = text.to_lowercase();
    for forbidden in ["://", "<data>", "</data>", "@everyone", "@here"] {
        assert!(!lower.contains(forbidden), "{text:?} has {forbidden}");
    }
    assert!(
        !lower
            .split(' ')
            .any(|w| w.starts_with("www.") || (w.contains('.') && w.contains('/'))),
        "{text:?} has a link"
    );
}

proptest! {
    #[test]
    fn names_are_clean(raw in hostile()) {
        assert_clean(&sanitize_name(&raw), NAME_CAP);
    }

    #[test]
    fn flavour_is_clean(raw in hostile()) {
        if let Some(text) = sanitize_flavour(&raw) {
            assert!(!text.is_empty());
            assert_clean(&text, FLAVOUR_CAP);
        }
    }

    #[test]
    fn any_text_is_clean(raw in "\\PC*|.*") {
        assert_clean(&sanitize_name(&raw), NAME_CAP);
        if let Some(text) = sanitize_flavour(&raw) {
            assert_clean(&text, FLAVOUR_CAP);
        }
    }

    #[test]
    fn cleaning_is_idempotent(raw in hostile()) {
        let once = sanitize_name(&raw);
        prop_assert_eq!(sanitize_name(&once), once);
    }
}
