//! Fuzzes the dice parser and roller: any bytes give a value or an error, and
//! a reused `Roller` (through its parse cache) rolls exactly as a fresh parse
//! and roll.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

use rules::dice::{self, Advantage, FixedRolls, Roller};

thread_local! {
    /// One roller for the whole run, so its cache and buffers carry over between inputs.
    static ROLLER: RefCell<Roller> = RefCell::new(Roller::new());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let faces: Vec<u64> = data.iter().map(|b| u64::from(*b)).collect();
    if let Ok(expr) = dice::parse(text) {
        // The canonical spelling must parse back to the same tree.
        assert_eq!(dice::parse(&expr.to_string()).as_ref(), Ok(&expr), "{text:?}");
    }
    if let Ok(parsed) = dice::parse_with_comment(text) {
        for adv in [Advantage::Normal, Advantage::Advantage] {
            if let Ok(rolled) = dice::roll_with(&parsed.expr, adv, &mut FixedRolls::new(faces.clone())) {
                let b = parsed.expr.with_advantage(adv).bounds();
                let v = match rolled.value {
                    dice::Num::Int(i) => i as f64,
                    dice::Num::Float(f) => f,
                };
                assert!(v.is_nan() || b.contains(v), "{text:?} rolled {v} outside {b:?}");
                let _ = (rolled.markdown(), rolled.compact(), rolled.ansi());
            }
        }
    }
    let parsed = dice::parse_with_comment(text);
    ROLLER.with_borrow_mut(|roller| {
        for _ in 0..2 {
            let fresh = parsed.as_ref().map_err(|e| dice::DiceError::from(e.clone())).and_then(|p| {
                dice::roll_with(&p.expr, Advantage::Advantage, &mut FixedRolls::new(faces.clone()))
                    .map_err(dice::DiceError::from)
            });
            let reused = roller.roll_commented(text, Advantage::Advantage, &mut FixedRolls::new(faces.clone()));
            match (&reused, &fresh) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(**a, *b, "{text:?}");
                    assert_eq!(a.comment(), parsed.as_ref().ok().and_then(|p| p.comment.as_deref()), "{text:?}");
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{text:?}"),
                _ => panic!("{text:?}: the roller and a fresh roll disagree"),
            }
        }
    });
});
