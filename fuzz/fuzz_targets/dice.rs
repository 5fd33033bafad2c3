//! Fuzzes the dice parser and roller: any bytes give a value or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rules::dice::{self, Advantage, FixedRolls};

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
});
