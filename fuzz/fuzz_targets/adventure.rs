//! Fuzzes the adventure loader and checker: any bytes give an adventure or
//! an error, never a panic; a loaded adventure checks without panicking,
//! and one that writes to TOML loads back to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;

use dm::adventure;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match adventure::load(text) {
        Ok(adv) => {
            for problem in adventure::check(&adv) {
                assert!(!problem.path.is_empty() && !problem.message.is_empty(), "{problem:?}");
            }
            let toml = adventure::to_toml(&adv);
            if !toml.starts_with('#') {
                assert_eq!(adventure::load(&toml).as_ref(), Ok(&adv), "{toml}");
            }
            for trap in adv.areas.iter().flat_map(|a| &a.traps) {
                let _ = trap.resolved();
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
