//! Ad-hoc differential run: `D20_CASES=file.jsonl cargo test -p tests --test d20_generated -- --nocapture`.
#![allow(missing_docs)]

use tests::d20::{Case, compare};

#[test]
fn generated_cases_match_d20() {
    let Ok(path) = std::env::var("D20_CASES") else {
        eprintln!("skipped: generated_cases_match_d20 (set D20_CASES to a file of oracle answers)");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("read cases");
    let mut bad = 0;
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        n += 1;
        let case: Case = serde_json::from_str(line).expect("case");
        if let Err(diff) = compare(&case) {
            bad += 1;
            if bad <= 40 {
                eprintln!(
                    "{:?} comments={} adv={} seed={}\n  {diff}",
                    case.expr, case.comments, case.adv, case.seed
                );
            }
        }
    }
    assert_eq!(bad, 0, "{bad} of {n} cases differ from d20");
}
