//! Fuzzes what the web table reads from a browser before anything else: the
//! `Cookie` header, the session cookie, a typed sign-in code and a player
//! name. Nothing panics; a cookie is never accepted unless it was signed
//! with the secret, and one that is re-encodes to itself.
#![no_main]

#[allow(dead_code, missing_docs)]
#[path = "../../bot/src/transport/web/auth.rs"]
mod auth;

use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzzing secret, not a real one";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(value) = auth::cookie_value(text) {
        assert!(text.contains(value));
        if let Ok(s) = auth::Session::decode(value, SECRET, 0) {
            // Only a real signature gets here: then it round-trips.
            assert_eq!(s.encode(SECRET), value);
        }
    }
    let _ = auth::Session::decode(text, SECRET, 0);
    if let Some(code) = auth::normalize_code(text) {
        assert!(code.len() <= 16);
        assert!(code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    }
    if let Ok(player) = auth::player_for_name(text) {
        assert!(!player.is_empty() && !player.chars().any(char::is_whitespace));
    }
    // A session made here (for a player id of up to 40 bytes, as transports
    // make them) always survives its own cookie.
    let mut end = text.len().min(40);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let s = auth::Session::new(&text[..end], 5, 60);
    assert_eq!(auth::Session::decode(&s.encode(SECRET), SECRET, 6).as_ref(), Ok(&s));
});
