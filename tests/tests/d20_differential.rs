//! Live differential test against d20 1.1.2: random texts (grammar-shaped,
//! mutated, and what players type) are rolled by both engines with the same
//! scripted dice. Runs when `D20_PYTHON` names a Python with d20 installed
//! (`scripts/d20-venv.sh` makes one; `.ci/run` always does).
#![allow(clippy::unwrap_used, missing_docs)]

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use tests::d20::{Oracle, compare};

const CASES: usize = 6_000;

#[test]
fn random_texts_roll_as_in_d20() {
    let Ok(python) = std::env::var("D20_PYTHON") else {
        tests::skip(
            "random_texts_roll_as_in_d20",
            "set D20_PYTHON to a Python with d20==1.1.2; see scripts/d20-venv.sh",
        );
        return;
    };
    let mut oracle = Oracle::start(&python).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(
        std::env::var("D20_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(7),
    );
    let mut diffs = Vec::new();
    for i in 0..CASES {
        let text = match i % 3 {
            0 => grammar(&mut rng, 0),
            1 => {
                let base = grammar(&mut rng, 0);
                mutate(&mut rng, &base)
            }
            _ => player_text(&mut rng),
        };
        let comments = rng.random_bool(0.6);
        let adv = [0, 0, 1, -1][rng.random_range(0..4)];
        let case = oracle.ask(&text, comments, adv, i as u64).unwrap();
        if let Err(d) = compare(&case) {
            diffs.push(format!(
                "{text:?} comments={comments} adv={adv} seed={i}\n  {d}"
            ));
        }
    }
    assert!(
        diffs.is_empty(),
        "{} of {CASES} texts differ from d20:\n{}",
        diffs.len(),
        diffs[..diffs.len().min(20)].join("\n")
    );
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn ws(rng: &mut ChaCha8Rng) -> &'static str {
    pick(rng, &["", "", "", " ", "  ", "\t", "\n"])
}

fn grammar(rng: &mut ChaCha8Rng, depth: u32) -> String {
    let r: f64 = rng.random();
    if depth > 3 || r < 0.35 {
        return atom(rng);
    }
    if r < 0.6 {
        let op = pick(
            rng,
            &[
                "+", "-", "*", "/", "//", "%", "==", "!=", "<", ">", "<=", ">=",
            ],
        );
        let (a, w1, w2, b) = (
            grammar(rng, depth + 1),
            ws(rng),
            ws(rng),
            grammar(rng, depth + 1),
        );
        return format!("{a}{w1}{op}{w2}{b}");
    }
    if r < 0.7 {
        let (s, w, a) = (pick(rng, &["+", "-"]), ws(rng), grammar(rng, depth + 1));
        return format!("{s}{w}{a}");
    }
    let n = rng.random_range(0..4);
    let items: Vec<String> = (0..n).map(|_| grammar(rng, depth + 1)).collect();
    let sep = format!("{},{}", ws(rng), ws(rng));
    let trailing = if n == 1 && rng.random_bool(0.3) {
        ","
    } else {
        ""
    };
    let ops = ops(rng, &["k", "p"]);
    format!(
        "({}{}{trailing}{}){ops}",
        ws(rng),
        items.join(&sep),
        ws(rng)
    )
}

fn atom(rng: &mut ChaCha8Rng) -> String {
    let base = if rng.random_bool(0.3) {
        pick(rng, &["0", "1", "3", "12", "1.5", ".5", "2.", "007"]).to_string()
    } else {
        let count = pick(rng, &["", "1", "2", "4", "8", "0", "10"]);
        let size = pick(rng, &["20", "6", "4", "8", "12", "100", "%", "1", "2", "0"]);
        format!(
            "{count}d{size}{}",
            ops(rng, &["k", "p", "rr", "ro", "ra", "e", "mi", "ma"])
        )
    };
    if rng.random_bool(0.15) {
        let label = pick(rng, &["[fire]", "[cold] [magic]", "[]", "[a b]"]);
        format!("{base}{}{label}", ws(rng))
    } else {
        base
    }
}

fn ops(rng: &mut ChaCha8Rng, kinds: &[&str]) -> String {
    let n = [0, 0, 0, 1, 1, 2][rng.random_range(0..6)];
    (0..n)
        .map(|_| {
            let op = pick(rng, kinds);
            let sel = if op.starts_with('m') && rng.random_bool(0.8) {
                ""
            } else {
                pick(rng, &["", "h", "l", "<", ">"])
            };
            format!("{op}{sel}{}", rng.random_range(0..8))
        })
        .collect()
}

fn mutate(rng: &mut ChaCha8Rng, text: &str) -> String {
    const ALPHABET: &[char] = &[
        '0', '1', '2', '5', 'd', '%', '(', ')', '[', ']', ',', '+', '-', '*', '/', '<', '>', '=',
        '!', 'k', 'h', 'l', 'p', 'r', 'e', 'o', 'a', 'm', 'i', 'x', ' ', '.', '\n', '\t', 'é',
    ];
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..rng.random_range(1..4) {
        let i = rng.random_range(0..=chars.len());
        let c = ALPHABET[rng.random_range(0..ALPHABET.len())];
        match rng.random_range(0..3) {
            0 => chars.insert(i, c),
            1 if i < chars.len() => {
                chars.remove(i);
            }
            _ if i < chars.len() => chars[i] = c,
            _ => chars.push(c),
        }
    }
    chars.into_iter().collect()
}

fn player_text(rng: &mut ChaCha8Rng) -> String {
    let expr = pick(
        rng,
        &[
            "1d20+5",
            "d20",
            "2d6+3",
            "1d8 + 1d6 [fire]",
            "4d6kh3",
            "8d6",
            "1d20+7 adv",
            "3d6ro1",
            "1d12+4",
            "2d20kh1+6",
            "1d20-1",
            "1d4+1",
            "10d6",
            "1d100",
            "d%",
            "1d20 + 1d4",
        ],
    );
    let tail = pick(
        rng,
        &[
            "",
            "",
            " to hit",
            " dmg",
            "dmg",
            " for initiative",
            " *stealth*",
            ", 2",
            " (bless)",
            " [bless",
            " vs AC 15",
            " = attack",
            " ! ",
            "\nsecond line",
            " 🎲",
            " -2",
            " + str",
        ],
    );
    format!("{expr}{tail}")
}
