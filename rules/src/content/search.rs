//! Forgiving lookups by name: what players type (`gobln`, `fire ball`,
//! `adult red`) finds the entry, or the short list of entries it could mean.

use super::{Armor, Gear, Monster, Spell, Weapon};

/// Anything with an id and a display name that players look up.
pub trait Named {
    /// The stable id, e.g. `adult-red-dragon`.
    fn id(&self) -> &str;
    /// The name as shown, e.g. `Adult Red Dragon`.
    fn name(&self) -> &str;
    /// Other names it is found by, e.g. `Light crossbow` for `Crossbow, light`.
    fn aliases(&self) -> &[String] {
        &[]
    }
}

macro_rules! named {
    ($($t:ty),*) => {$(
        impl Named for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn name(&self) -> &str {
                &self.name
            }
        }
    )*};
}
named!(Monster, Spell, Armor, Gear);

impl Named for Weapon {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn aliases(&self) -> &[String] {
        &self.aliases
    }
}

/// A reference names what it refers to, so a list picked from the content
/// (`&[&Weapon]`) is searched without copying its entries.
impl<T: Named + ?Sized> Named for &T {
    fn id(&self) -> &str {
        (**self).id()
    }
    fn name(&self) -> &str {
        (**self).name()
    }
    fn aliases(&self) -> &[String] {
        (**self).aliases()
    }
}

/// The result of a lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum Found<'a, T> {
    /// Exactly one entry matches (or is clearly meant).
    One(&'a T),
    /// Several entries match equally well; ask which (at most [`MAX_CANDIDATES`]).
    Several(Vec<&'a T>),
    /// Nothing is close; the nearest names, best first, as suggestions.
    Nothing(Vec<&'a T>),
}

/// Most candidates listed for an ambiguous or unknown name.
pub const MAX_CANDIDATES: usize = 8;

/// Finds `query` among `items`: an exact id or name first, then a unique
/// prefix, then a unique substring, then the names within a small spelling
/// distance (`gobln` → Goblin). Case, spaces and punctuation never matter.
pub fn find<'a, T: Named>(items: &'a [T], query: &str) -> Found<'a, T> {
    let q = key(query);
    if q.is_empty() {
        return Found::Nothing(Vec::new());
    }
    // Each item's keys: its id, its name, then its aliases.
    let keys: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            [i.id(), i.name()]
                .into_iter()
                .chain(i.aliases().iter().map(String::as_str))
                .map(key)
                .collect()
        })
        .collect();
    if let Some(i) = keys.iter().position(|k| k.contains(&q)) {
        return Found::One(&items[i]);
    }
    for matches in [
        |k: &str, q: &str| k.starts_with(q),
        |k: &str, q: &str| k.contains(q),
    ] {
        let hits: Vec<usize> = (0..items.len())
            .filter(|&i| keys[i].iter().any(|k| matches(k, &q)))
            .collect();
        match hits.as_slice() {
            [] => {}
            [one] => return Found::One(&items[*one]),
            many => return Found::Several(by_name(items, many)),
        }
    }
    let mut ranked: Vec<(usize, usize)> = (0..items.len())
        .map(|i| {
            let nearest = keys[i].iter().map(|k| distance(&q, k)).min();
            (nearest.unwrap_or(usize::MAX), i)
        })
        .collect();
    ranked.sort();
    let best = ranked.first().map_or(usize::MAX, |r| r.0);
    // A slip of about one letter in three is a typo; beyond that it's another word.
    let typo = (q.chars().count() / 3).max(1);
    if best <= typo {
        let tied: Vec<usize> = ranked
            .iter()
            .take_while(|r| r.0 == best)
            .map(|r| r.1)
            .collect();
        return match tied.as_slice() {
            [one] => Found::One(&items[*one]),
            many => Found::Several(by_name(items, many)),
        };
    }
    Found::Nothing(ranked.iter().take(3).map(|r| &items[r.1]).collect())
}

fn by_name<'a, T: Named>(items: &'a [T], indices: &[usize]) -> Vec<&'a T> {
    let mut out: Vec<&T> = indices.iter().map(|&i| &items[i]).collect();
    out.sort_by(|a, b| a.name().cmp(b.name()));
    out.truncate(MAX_CANDIDATES);
    out
}

/// Letters and digits only, lowercased: `Deep Gnome (Svirfneblin)` → `deepgnomesvirfneblin`.
fn key(s: &str) -> String {
    super::name_key(s).collect()
}

/// Edit distance with adjacent transpositions (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}
