//! The adventures that ship with the game, embedded from `adventures/`.

use std::sync::OnceLock;

use super::{Adventure, load};

/// The text of every shipped adventure file.
const FILES: [(&str, &str); 1] = [(
    "the-sunken-chapel",
    include_str!("../../../adventures/the-sunken-chapel.toml"),
)];

/// Every shipped adventure, in a fixed order.
///
/// ```
/// let all = dm::adventure::shipped();
/// assert!(all.iter().any(|a| a.id == "the-sunken-chapel"));
/// ```
pub fn shipped() -> &'static [Adventure] {
    static SHIPPED: OnceLock<Vec<Adventure>> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, text)| {
                // Embedded files are checked by dm/tests/adventure.rs: one
                // that does not load is a build defect, not an input.
                load(text).unwrap_or_else(|e| panic!("adventures/{name}.toml: {e}"))
            })
            .collect()
    })
}

/// The raw text of the shipped adventure files, by id: what
/// `dungeon adventure list` shows and the tests check.
pub fn shipped_files() -> &'static [(&'static str, &'static str)] {
    &FILES
}

/// A shipped adventure by id.
pub fn find(id: &str) -> Option<&'static Adventure> {
    shipped().iter().find(|a| a.id == id)
}
