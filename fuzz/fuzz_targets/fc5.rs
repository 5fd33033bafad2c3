//! Fuzzes the Fight Club 5 XML reader (no DTD, so no entities): any bytes give a sheet the table
//! would take, or a short error; a sheet read exports and reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    check(sheets::fc5::import(text, None));
    check(sheets::import(data, None));
});

fn check(result: Result<sheets::Imported, sheets::ImportError>) {
    match result {
        Ok(imported) => {
            let c = &imported.character;
            assert!((1..=20).contains(&c.level), "{c:?}");
            assert!(c.scores.iter().all(|s| (1..=30).contains(s)), "{c:?}");
            assert!(c.health.current() <= c.health.max(), "{c:?}");
            assert!(dm::character::valid_name(&c.name), "{c:?}");
            let again = sheets::import(sheets::ours::export(c).as_bytes(), None)
                .expect("an imported sheet exports and imports back");
            assert_eq!(&again.character, c);
        }
        Err(err) => {
            let message = err.to_string();
            assert!(!message.is_empty());
            assert!(message.len() <= 400, "{message:?}");
        }
    }
}
