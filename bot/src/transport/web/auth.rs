//! Who a browser is: signed session cookies, CSRF tokens, sign-in codes.
//!
//! A session is `sid.player.expires.mac` (the player hex-encoded, the MAC
//! an HMAC-SHA256 over the rest with the web's secret), sent as an
//! `HttpOnly; SameSite=Strict` cookie. Nothing about a session is stored:
//! any process with the same secret accepts it, until it expires. A form's
//! CSRF token is the HMAC of the session id, so a page from another site
//! can neither read nor forge it.

use sha2::{Digest, Sha256};

/// The cookie's name.
pub const COOKIE: &str = "dd_session";

/// How long a sign-in code from `dungeon web link` stays good, in seconds.
pub const CODE_LIFE_SECS: u64 = 600;

/// The longest code or cookie read at all; anything longer is refused unread.
const MAX_COOKIE: usize = 512;

/// HMAC-SHA256 of `msg` under `key` (RFC 2104).
pub fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(msg);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner);
    outer.finalize().into()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    // Digits only: `from_str_radix` would also take a sign.
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Equal, in time that does not depend on where they differ.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Random bytes as hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::fill(&mut bytes[..]);
    hex(&bytes)
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The session's id (random; part of the web identity `web:<sid>`).
    pub sid: String,
    /// The player it is signed in as.
    pub player: String,
    /// When it ends, in Unix seconds.
    pub expires: u64,
}

/// Why a cookie was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CookieError {
    /// Not of the form, or too long.
    #[error("the session cookie is malformed: sign in again")]
    Malformed,
    /// The signature does not match: made or changed by someone else.
    #[error("the session cookie is not ours: sign in again")]
    Forged,
    /// Past its time.
    #[error("the session has expired: sign in again")]
    Expired,
}

impl Session {
    /// A new session for `player`, `life_secs` from `now`.
    pub fn new(player: &str, now: u64, life_secs: u64) -> Self {
        Self {
            sid: random_hex(16),
            player: player.to_owned(),
            expires: now.saturating_add(life_secs),
        }
    }

    fn body(&self) -> String {
        format!(
            "{}.{}.{}",
            self.sid,
            hex(self.player.as_bytes()),
            self.expires
        )
    }

    /// The cookie's value, signed with `secret`.
    pub fn encode(&self, secret: &[u8]) -> String {
        let body = self.body();
        let mac = hmac(secret, format!("session|{body}").as_bytes());
        format!("{body}.{}", hex(&mac))
    }

    /// Reads and checks a cookie's value.
    pub fn decode(value: &str, secret: &[u8], now: u64) -> Result<Self, CookieError> {
        if value.len() > MAX_COOKIE {
            return Err(CookieError::Malformed);
        }
        let mut parts = value.split('.');
        let (Some(sid), Some(player), Some(expires), Some(mac), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(CookieError::Malformed);
        };
        let valid_sid = sid.len() == 32 && sid.bytes().all(|b| b.is_ascii_hexdigit());
        let player = unhex(player).and_then(|p| String::from_utf8(p).ok());
        let expires = expires
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| expires.parse::<u64>().ok())
            .flatten();
        let mac = unhex(mac);
        let (true, Some(player), Some(expires), Some(mac)) = (valid_sid, player, expires, mac)
        else {
            return Err(CookieError::Malformed);
        };
        let session = Session {
            sid: sid.to_owned(),
            player,
            expires,
        };
        let want = hmac(secret, format!("session|{}", session.body()).as_bytes());
        if !same(&want, &mac) {
            return Err(CookieError::Forged);
        }
        if session.expires <= now {
            return Err(CookieError::Expired);
        }
        Ok(session)
    }

    /// The CSRF token of this session's forms.
    pub fn csrf(&self, secret: &[u8]) -> String {
        hex(&hmac(secret, format!("csrf|{}", self.sid).as_bytes()))
    }

    /// Whether `token` is this session's CSRF token.
    pub fn csrf_ok(&self, secret: &[u8], token: &str) -> bool {
        same(self.csrf(secret).as_bytes(), token.as_bytes())
    }

    /// The router identity of this browser.
    pub fn sender(&self) -> String {
        format!("web:{}", self.sid)
    }

    /// The `Set-Cookie` header that keeps it.
    pub fn set_cookie(&self, secret: &[u8], now: u64) -> String {
        format!(
            "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
            self.encode(secret),
            self.expires.saturating_sub(now)
        )
    }
}

/// The `Set-Cookie` header that signs out.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The session cookie's value in a `Cookie` header, if any.
pub fn cookie_value(header: &str) -> Option<&str> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == COOKIE).then_some(value)
    })
}

/// The player a console name stands for: `dm` → `console:dm`; a name with
/// its transport (`discord:1234`) as it is.
pub fn player_for_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 || name.chars().any(char::is_whitespace) {
        return Err(format!(
            "`{name}` is not a player name: one word, at most 64 characters (`aria`, \
             `discord:1234`)"
        ));
    }
    Ok(if name.contains(':') {
        name.to_owned()
    } else {
        format!("console:{}", name.to_lowercase())
    })
}

/// A new sign-in code: eight characters people can read aloud (no 0/O, 1/I/L).
pub fn new_code() -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 8];
    rand::fill(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(LETTERS[usize::from(*b) % LETTERS.len()]))
        .collect()
}

/// A typed code as it is compared: trimmed, upper case, spaces and dashes gone.
pub fn normalize_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase();
    (!code.is_empty() && code.len() <= 16 && code.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hmac_matches_rfc_4231_case_6_long_key() {
        let key = [0xaau8; 131];
        let mac = hmac(
            &key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            hex(&mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn a_session_round_trips_and_expires() {
        let s = Session::new("console:aria", 1_000, 60);
        let v = s.encode(b"k");
        assert_eq!(Session::decode(&v, b"k", 1_001), Ok(s.clone()));
        assert_eq!(Session::decode(&v, b"k", 1_060), Err(CookieError::Expired));
        assert_eq!(
            Session::decode(&v, b"other", 1_001),
            Err(CookieError::Forged)
        );
    }

    #[test]
    fn a_changed_player_is_forged() {
        let s = Session::new("console:aria", 1_000, 60);
        let v = s.encode(b"k");
        let mut parts: Vec<&str> = v.split('.').collect();
        let dm = hex(b"console:dm");
        parts[1] = &dm;
        assert_eq!(
            Session::decode(&parts.join("."), b"k", 1_001),
            Err(CookieError::Forged)
        );
    }

    #[test]
    fn only_the_canonical_cookie_is_read() {
        let s = Session::new("console:aria", 1_000, 60);
        let v = s.encode(b"k");
        let mut parts: Vec<String> = v.split('.').map(str::to_owned).collect();
        // The same player and time written with signs are not the cookie we made.
        parts[1] = format!("+{}", &parts[1][1..]);
        assert_eq!(
            Session::decode(&parts.join("."), b"k", 1_001),
            Err(CookieError::Malformed)
        );
        let mut parts: Vec<String> = v.split('.').map(str::to_owned).collect();
        parts[2] = format!("+{}", parts[2]);
        assert_eq!(
            Session::decode(&parts.join("."), b"k", 1_001),
            Err(CookieError::Malformed)
        );
    }

    #[test]
    fn csrf_is_per_session() {
        let a = Session::new("p", 0, 60);
        let b = Session::new("p", 0, 60);
        assert!(a.csrf_ok(b"k", &a.csrf(b"k")));
        assert!(!a.csrf_ok(b"k", &b.csrf(b"k")));
        assert!(!a.csrf_ok(b"k", ""));
    }

    #[test]
    fn names_become_players() {
        assert_eq!(player_for_name("Aria").as_deref(), Ok("console:aria"));
        assert_eq!(player_for_name("discord:12").as_deref(), Ok("discord:12"));
        assert!(player_for_name("two words").is_err());
        assert!(player_for_name("").is_err());
    }

    #[test]
    fn codes_are_readable_and_normalized() {
        let c = new_code();
        assert_eq!(c.len(), 8);
        assert_eq!(normalize_code(&c.to_lowercase()), Some(c.clone()));
        assert_eq!(normalize_code(" ab-cd 12 ").as_deref(), Some("ABCD12"));
        assert_eq!(normalize_code("<script>"), None);
        assert_eq!(normalize_code(""), None);
    }

    proptest! {
        #[test]
        fn any_cookie_text_is_refused_or_checked(text in ".{0,600}") {
            // Never panics; never accepted unless it is a real signature.
            prop_assert!(Session::decode(&text, b"secret", 0).is_err());
        }

        #[test]
        fn any_typed_code_normalizes_safely(text in ".{0,40}") {
            if let Some(code) = normalize_code(&text) {
                prop_assert!(code.len() <= 16);
                prop_assert!(code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
            }
        }

        #[test]
        fn sessions_round_trip(player in "[a-z:!0-9]{1,40}", life in 1u64..1_000_000) {
            let s = Session::new(&player, 5, life);
            prop_assert_eq!(Session::decode(&s.encode(b"key"), b"key", 5), Ok(s));
        }
    }
}
