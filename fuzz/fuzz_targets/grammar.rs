//! Fuzzes the text command grammar: any line gives a command or a short,
//! non-empty error that fits a radio packet.
#![no_main]

use dm::grammar::{self, MAX_ERROR_BYTES, MAX_LINE_BYTES, ParseError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else { return };
    match grammar::parse(line) {
        Ok(_) => assert!(line.len() <= MAX_LINE_BYTES, "{line:?}"),
        Err(err) => {
            let message = err.to_string();
            assert!(!message.is_empty(), "{line:?}");
            assert!(message.len() <= MAX_ERROR_BYTES, "{line:?} gave {message:?}");
            assert!(!message.contains('\n'), "{line:?} gave {message:?}");
            if line.len() > MAX_LINE_BYTES {
                assert_eq!(err, ParseError::TooLong { len: line.len() });
            }
        }
    }
});
