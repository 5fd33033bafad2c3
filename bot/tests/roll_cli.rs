//! `dungeon roll` as a user runs it: the real binary, its output and exit codes.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{dungeon, stdout};
use std::process::Command;

#[test]
fn roll_prints_avrae_markdown_when_piped() {
    let out = dungeon(&["roll", "4d6kh3", "--seed", "1"]);
    assert!(out.status.success());
    let line = stdout(&out);
    assert!(line.starts_with("4d6kh3 ("), "{line}");
    assert!(
        line.trim_end().ends_with('`'),
        "total in backticks, as Avrae shows it: {line}"
    );
    assert!(line.contains("~~"), "the dropped die is struck: {line}");
}

#[test]
fn the_same_seed_gives_the_same_dice() {
    let a = stdout(&dungeon(&["roll", "8d6", "--seed", "42", "--times", "3"]));
    let b = stdout(&dungeon(&["roll", "8d6", "--seed", "42", "--times", "3"]));
    assert_eq!(a, b);
    assert_eq!(a.lines().count(), 3);
}

#[test]
fn json_has_total_crit_and_every_die() {
    let out = dungeon(&[
        "roll",
        "1d20 [piercing] + 5 to hit",
        "--adv",
        "--json",
        "--seed",
        "7",
        "-n",
        "20",
    ]);
    assert!(out.status.success());
    let text = stdout(&out);
    let mut crits = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let total = v["total"].as_i64().unwrap();
        assert!((6..=25).contains(&total), "{line}");
        let crit = v["crit"].as_str().unwrap();
        assert!(["crit", "fumble", "none"].contains(&crit));
        crits += usize::from(crit != "none");
        assert_eq!(v["expr"], "2d20kh1 [piercing] + 5");
        assert_eq!(v["comment"], "to hit");
        let dice = &v["dice"][0];
        assert_eq!(dice["expr"], "2d20kh1");
        assert_eq!(dice["label"], "[piercing]");
        let faces: Vec<bool> = dice["dice"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["kept"].as_bool().unwrap())
            .collect();
        assert_eq!(faces.len(), 2, "advantage rolls two d20s");
        assert_eq!(faces.iter().filter(|k| **k).count(), 1, "and keeps one");
    }
    assert_eq!(text.lines().count(), 20);
    assert!(crits < 20);
}

#[test]
fn a_bad_expression_is_a_clear_error_and_a_failure() {
    let out = dungeon(&["roll", "1d20+"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.trim(),
        "error: 1d20+ ← expected a number after '+' (col 6)"
    );
}

#[test]
fn a_roll_error_names_the_limit() {
    let out = dungeon(&["roll", "1001d6"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("too many dice rolled"), "{err}");
}

#[test]
fn leading_minus_goes_after_double_dash() {
    let out = dungeon(&[
        "roll", "--seed", "3", "--format", "compact", "--", "-1d4+10",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout(&out);
    assert!(line.starts_with("-1d4("), "{line}");
}

/// Runs `dungeon roll` with `args` and returns its output, failing on an error.
fn rolled(args: &[&str]) -> String {
    let out = dungeon(&[&["roll"], args].concat());
    assert!(
        out.status.success(),
        "dungeon roll {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

#[test]
fn a_leading_minus_needs_no_double_dash() {
    let line = rolled(&["-1d4", "--seed", "3", "--format", "compact"]);
    assert!(line.starts_with("-1d4("), "{line}");
    assert_eq!(
        rolled(&["-1d4+2", "--seed", "3"]),
        rolled(&["--seed", "3", "--", "-1d4+2"])
    );
}

#[test]
fn flags_still_work_around_a_leading_minus() {
    for args in [
        &["-1d20", "--adv", "--json", "--seed", "5"][..],
        &["--adv", "-1d20", "--json", "--seed", "5"],
        &["-1d20", "-a", "--json", "--seed", "5"],
    ] {
        let line = rolled(args);
        let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
        assert_eq!(v["expr"], "-2d20kh1", "{args:?}: {line}");
    }
    // The rest of an unquoted expression is still read word by word.
    let words: serde_json::Value =
        serde_json::from_str(&rolled(&["-1d4", "+", "2", "--json", "--seed", "3"])).unwrap();
    let joined: serde_json::Value =
        serde_json::from_str(&rolled(&["-1d4+2", "--json", "--seed", "3"])).unwrap();
    assert_eq!(words["total"], joined["total"]);
}

#[test]
fn help_explains_the_grammar() {
    let out = dungeon(&["roll", "--help"]);
    assert!(out.status.success());
    let help = stdout(&out);
    for needle in [
        "--adv", "--dis", "--seed", "--times", "--json", "kh", "Examples",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn credits_carry_the_srd_attribution() {
    let out = dungeon(&["credits"]);
    assert!(stdout(&out).contains("Creative Commons Attribution 4.0 International"));
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(["roll", "4d6kh3", "--times", "10000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("4d6kh3"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
