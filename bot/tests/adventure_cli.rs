//! `dungeon adventure check|generate|list`, as a user runs them.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{dungeon, stdout};

fn chapel_path() -> String {
    format!(
        "{}/../adventures/the-sunken-chapel.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn the_shipped_adventure_checks_ok() {
    let out = dungeon(&["adventure", "check", &chapel_path()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).ends_with(": ok\n") || stdout(&out).ends_with(": ok"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_broken_file_lists_its_problems_with_paths_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(chapel_path()).unwrap().replacen(
        "monster = \"goblin\"",
        "monster = \"gobbo\"",
        1,
    );
    std::fs::write(&file, text).unwrap();
    let path = file.to_str().unwrap();
    let out = dungeon(&["adventure", "check", path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("areas[1].encounter.monsters[0].monster: unknown monster \"gobbo\""),
        "{}",
        stdout(&out)
    );
    let out = dungeon(&["adventure", "check", path, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v["problems"][0]["path"],
        "areas[1].encounter.monsters[0].monster"
    );

    std::fs::write(&file, "id = [\n").unwrap();
    let out = dungeon(&["adventure", "check", path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("TOML line 2, column 1"),
        "{}",
        stdout(&out)
    );
    let out = dungeon(&["adventure", "check", "/no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn generate_writes_a_file_that_checks_and_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    for f in [&a, &b] {
        let out = dungeon(&[
            "adventure",
            "generate",
            "--level",
            "3",
            "--party",
            "4",
            "--rooms",
            "15",
            "--seed",
            "9",
            "-o",
            f.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let out = dungeon(&["adventure", "check", a.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stdout(&out));
    let out = dungeon(&["adventure", "generate", "--rooms", "3"]);
    assert!(!out.status.success(), "too few rooms is refused");
}

#[test]
fn list_shows_the_shipped_adventure() {
    let out = dungeon(&["adventure", "list", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v[0]["id"], "the-sunken-chapel");
    assert_eq!(v[0]["areas"], 14);
    for sub in ["check", "generate", "list", "bench"] {
        let out = dungeon(&["adventure", sub, "--help"]);
        assert!(out.status.success(), "{sub} --help");
    }
}
