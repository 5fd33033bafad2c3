//! Every SRD equipment entry and magic item by name: what an adventure's
//! treasure may hold. Only names, categories and rarities; the figures of the
//! items the engine runs are in the weapon, armor and gear lists.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::same_key;

/// The generated item list, embedded so that no file is read at run time.
pub(crate) const ITEMS_JSON: &str = include_str!("../../content/items.json");

/// An SRD equipment entry or magic item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable id: "torch", "bag-of-holding".
    pub id: String,
    /// Display name: "Bag of Holding".
    pub name: String,
    /// The SRD equipment category: "adventuring-gear", "wondrous-items".
    pub category: String,
    /// A magic item.
    #[serde(default)]
    pub magic: bool,
    /// A magic item's rarity: "common" … "artifact", "varies".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rarity: Option<String>,
}

/// Every SRD equipment entry and magic item, sorted by id.
pub fn items() -> &'static [Item] {
    static ITEMS: OnceLock<Vec<Item>> = OnceLock::new();
    ITEMS.get_or_init(|| {
        // See `monsters`: a malformed embedded file is a build defect.
        serde_json::from_str(ITEMS_JSON).expect("rules/content/items.json is malformed")
    })
}

/// An item by id or name, ignoring case, spaces and punctuation: "Bag of
/// Holding", "bag-of-holding", "potion of healing".
///
/// ```
/// use rules::content::item;
/// assert!(item("Bag of Holding").unwrap().magic);
/// assert_eq!(item("torch").unwrap().category, "adventuring-gear");
/// assert!(item("vorpal spoon").is_none());
/// ```
pub fn item(id_or_name: &str) -> Option<&'static Item> {
    items().iter().find(|i| {
        i.id == id_or_name || same_key(&i.id, id_or_name) || same_key(&i.name, id_or_name)
    })
}
