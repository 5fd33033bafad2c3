//! Narration bounded by the facts: what a command's reply established
//! ([`Facts`]), the prose the templates make of it ([`template`]), and the
//! check any other prose must pass before a table hears it ([`vet`]).
//!
//! A narrator (an LLM) only ever decorates: the rules' lines are committed
//! and shown first, and its sentence is dropped unless every number it
//! names is one of the facts' numbers, every creature, weapon, spell or
//! treasure it names is one of the facts' names, and every outcome it tells
//! (a hit, a miss, a fall, a death, healing, loot) is one the facts hold.
//! The templates pass that check by construction, so the game reads well
//! with no model at all.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::event::{Line, Reply};
use crate::journal::Happening;

/// The longest narration kept, in bytes (two sentences).
pub const NARRATION_CAP: usize = 400;
/// The radio's narration line, in bytes.
pub const RADIO_NARRATION: usize = 120;

/// One thing the rules decided, as narration may tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum Fact {
    /// An attack: who, whom, with what, and how it went.
    Attack {
        /// The attacker.
        attacker: String,
        /// The target.
        target: String,
        /// The weapon, spell or action.
        with: String,
        /// `hit`, `critical` or `miss`.
        result: String,
    },
    /// Damage taken, and whether it dropped or killed.
    Damage {
        /// Who.
        target: String,
        /// How much got through.
        amount: u32,
        /// Its types ("slashing").
        types: String,
        /// `down`, `dead` or empty.
        state: String,
    },
    /// Healing.
    Heal {
        /// Who.
        target: String,
        /// How much.
        amount: u32,
    },
    /// A saving throw or a check against a DC.
    Save {
        /// Who.
        who: String,
        /// What for ("DEX save").
        what: String,
        /// Whether it succeeded.
        success: bool,
    },
    /// A condition or an effect began or ended.
    Effect {
        /// On whom.
        target: String,
        /// What.
        what: String,
        /// Began rather than ended.
        began: bool,
    },
    /// The fight ended.
    FightOver {
        /// Every monster was down.
        won: bool,
    },
    /// Treasure gained.
    Loot {
        /// Who.
        who: String,
        /// Gold pieces.
        gold: u32,
        /// Items.
        items: Vec<String>,
    },
    /// Words the adventure or the DM wrote (an area's text, `dm narrate`):
    /// narration may retell them.
    Told {
        /// The text.
        text: String,
    },
}

/// What one accepted command established.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// In order.
    pub facts: Vec<Fact>,
}

impl Facts {
    /// The facts of `reply`, with the journal's `happened` for the same
    /// event (a fight's end, loot).
    pub fn of(reply: &Reply, happened: &[Happening]) -> Self {
        let mut facts = Vec::new();
        for line in &reply.lines {
            match line {
                Line::Attack {
                    attacker,
                    target,
                    with,
                    result,
                    ..
                } => facts.push(Fact::Attack {
                    attacker: attacker.clone(),
                    target: target.clone(),
                    with: with.clone(),
                    result: result.to_lowercase(),
                }),
                Line::Damage {
                    target,
                    amount,
                    types,
                    state,
                    ..
                } => facts.push(Fact::Damage {
                    target: target.clone(),
                    amount: *amount,
                    types: types.clone(),
                    state: state.clone(),
                }),
                Line::Heal { target, amount, .. } => facts.push(Fact::Heal {
                    target: target.clone(),
                    amount: *amount,
                }),
                Line::Save {
                    who, what, success, ..
                } => facts.push(Fact::Save {
                    who: who.clone(),
                    what: what.clone(),
                    success: *success,
                }),
                Line::Effect {
                    target,
                    what,
                    began,
                } => facts.push(Fact::Effect {
                    target: target.clone(),
                    what: what.clone(),
                    began: *began,
                }),
                Line::Roll { .. }
                | Line::Character { .. }
                | Line::Xp { .. }
                | Line::Note { .. }
                | Line::Narration { .. }
                | Line::Recap { .. } => {}
                // An area entered: the adventure's own words.
                Line::Area { name, short, .. } => facts.push(Fact::Told {
                    text: format!("{name}. {short}"),
                }),
            }
        }
        for h in happened {
            match h {
                Happening::FightOver { won, .. } => facts.push(Fact::FightOver { won: *won }),
                Happening::Gained { who, gold, items } => facts.push(Fact::Loot {
                    who: who.clone(),
                    gold: *gold,
                    items: items.clone(),
                }),
                _ => {}
            }
        }
        Facts { facts }
    }

    /// Whether there is anything to narrate.
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    /// Every number the facts hold (numbers inside a name never count: a
    /// player could name a character "Aria 500").
    fn numbers(&self) -> BTreeSet<u64> {
        let mut out = BTreeSet::new();
        for f in &self.facts {
            match f {
                Fact::Damage { amount, .. } | Fact::Heal { amount, .. } => {
                    out.insert(u64::from(*amount));
                }
                Fact::Loot { gold, items, .. } => {
                    out.insert(u64::from(*gold));
                    out.insert(items.len() as u64);
                }
                Fact::Told { text } => out.extend(numbers_in(text).into_iter().map(|(n, _)| n)),
                _ => {}
            }
        }
        out
    }

    /// Every word of every name and text the facts hold, lowercased and
    /// singular.
    fn words(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for f in &self.facts {
            for name in f.names() {
                out.extend(words_of(name));
            }
            if let Fact::Told { text } = f {
                out.extend(words_of(text));
            }
        }
        out
    }

    /// The words of the names that are SRD content (a monster, a weapon, a
    /// spell, a damage type) or the adventure's text: only these may hold
    /// outcome words ("Copper Dragon"), never a player's character's name.
    fn trusted_words(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for f in &self.facts {
            for name in f.names() {
                if is_content(name) {
                    out.extend(words_of(name));
                }
            }
            if let Fact::Told { text } = f {
                out.extend(words_of(text));
            }
        }
        out
    }

    fn has(&self, pick: impl Fn(&Fact) -> bool) -> bool {
        self.facts.iter().any(pick)
    }
}

impl Fact {
    /// The names this fact gives (creatures, weapons, spells, effects, items).
    fn names(&self) -> Vec<&str> {
        match self {
            Fact::Attack {
                attacker,
                target,
                with,
                ..
            } => vec![attacker, target, with],
            Fact::Damage { target, types, .. } => vec![target, types],
            Fact::Heal { target, .. } => vec![target],
            Fact::Save { who, what, .. } => vec![who, what],
            Fact::Effect { target, what, .. } => vec![target, what],
            Fact::FightOver { .. } => Vec::new(),
            Fact::Loot { who, items, .. } => {
                let mut v: Vec<&str> = vec![who];
                v.extend(items.iter().map(String::as_str));
                v
            }
            Fact::Told { .. } => Vec::new(),
        }
    }
}

/// What a narration invented; the template is told instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invented {
    /// A number the facts don't hold.
    #[error("names the number {0}, which the rules did not give")]
    Number(String),
    /// A creature, weapon, spell or treasure the facts don't name.
    #[error("names `{0}`, which is not in the facts")]
    Name(String),
    /// An outcome the rules did not decide.
    #[error("tells an outcome the rules did not decide: `{0}`")]
    Outcome(String),
    /// Nothing, or too much.
    #[error("is empty or longer than {NARRATION_CAP} bytes")]
    Length,
}

/// Checks `prose` against `facts`: `Ok` only if it invents nothing.
pub fn vet(prose: &str, facts: &Facts) -> Result<(), Invented> {
    let prose = prose.trim();
    if prose.is_empty() || prose.len() > NARRATION_CAP {
        return Err(Invented::Length);
    }
    let numbers = facts.numbers();
    for (n, text) in numbers_in(prose) {
        // "one" is how prose counts a single blow; any other count must be a fact.
        let one = n == 1 && text.eq_ignore_ascii_case("one");
        if !(numbers.contains(&n) || one) {
            return Err(Invented::Number(text));
        }
    }
    let known = facts.words();
    let trusted = facts.trusted_words();
    // "hit points" is a measure, not a blow.
    let measured = prose.to_lowercase().replace("hit point", "hp");
    let words = words_of(&measured);
    let lexicon = lexicon();
    for w in &words {
        if !known.contains(w) && (lexicon.creatures.contains(w) || lexicon.things.contains(w)) {
            return Err(Invented::Name(w.clone()));
        }
    }
    let lower = prose.to_lowercase();
    for phrase in &lexicon.phrases {
        if contains_phrase(&lower, phrase) && !known_phrase(facts, phrase) {
            return Err(Invented::Name(phrase.clone()));
        }
    }
    let capitals = capitalized_mid_sentence(prose);
    for c in capitals {
        if !known.contains(&singular(&c.to_lowercase())) && !ALWAYS_CAPITAL.contains(&c.as_str()) {
            return Err(Invented::Name(c));
        }
    }
    let outcome = |words_of_kind: &[&str], allowed: bool| -> Result<(), Invented> {
        // A word of a content name ("Copper" of a copper dragon) tells nothing.
        let told = words
            .iter()
            .find(|w| words_of_kind.contains(&w.as_str()) && !trusted.contains(w.as_str()));
        match told {
            Some(w) if !allowed => Err(Invented::Outcome(w.clone())),
            _ => Ok(()),
        }
    };
    let dead = facts.has(|f| matches!(f, Fact::Damage { state, .. } if state == "dead"));
    let down = dead || facts.has(|f| matches!(f, Fact::Damage { state, .. } if state == "down"));
    let hit = facts.has(|f| matches!(f, Fact::Attack { result, .. } if result != "miss"))
        || facts.has(|f| matches!(f, Fact::Damage { .. }));
    let missed = facts.has(|f| matches!(f, Fact::Attack { result, .. } if result == "miss"));
    let crit =
        facts.has(|f| matches!(f, Fact::Attack { result, .. } if result.starts_with("crit")));
    let healed = facts.has(|f| matches!(f, Fact::Heal { .. }));
    let loot = facts.has(|f| matches!(f, Fact::Loot { .. }));
    let won = facts.has(|f| matches!(f, Fact::FightOver { won: true }));
    let told = facts.has(|f| matches!(f, Fact::Told { .. }));
    outcome(DEATH, dead || told)?;
    outcome(FALL, down || won || told)?;
    outcome(HIT, hit || told)?;
    outcome(MISS, missed || told)?;
    outcome(CRITICAL, crit)?;
    outcome(HEAL, healed || told)?;
    outcome(TREASURE, loot || told)?;
    outcome(VICTORY, won)?;
    outcome(NEVER, false)?;
    Ok(())
}

/// Words of outcomes, singular and lowercase as [`words_of`] makes them.
const DEATH: &[&str] = &[
    "die", "dying", "dead", "death", "slain", "slay", "kill", "killed", "perish", "perishe",
    "corpse", "lifeless",
];
const FALL: &[&str] = &[
    "fall",
    "fell",
    "falling",
    "collapse",
    "unconsciou",
    "crumple",
    "drop",
    "drops",
];
const HIT: &[&str] = &[
    "hit", "strike", "struck", "wound", "cut", "slash", "pierce", "bite", "gore", "smash",
];
const MISS: &[&str] = &[
    "miss", "misse", "dodge", "parry", "parrie", "whiff", "glance",
];
const CRITICAL: &[&str] = &["critical", "crit"];
const HEAL: &[&str] = &["heal", "healed", "mend", "restore", "recover"];
const TREASURE: &[&str] = &[
    "gold", "silver", "copper", "coin", "gp", "sp", "cp", "treasure", "loot", "gem", "jewel",
];
const VICTORY: &[&str] = &["victory", "victoriou", "triumph"];
/// Outcomes the rules never decide by themselves.
const NEVER: &[&str] = &["flee", "fled", "surrender", "escape", "escaped", "retreat"];
/// Capitalized words that are never names.
const ALWAYS_CAPITAL: &[&str] = &["I", "DM"];

/// Names of things narration must not invent.
struct Lexicon {
    /// Creature nouns: every SRD monster's name and its last word.
    creatures: BTreeSet<String>,
    /// Weapons and armour by their last word.
    things: BTreeSet<String>,
    /// Multi-word spell names.
    phrases: Vec<String>,
}

/// Monster names that are everyday words too: never treated as creatures.
const PLAIN_WORDS: &[&str] = &[
    "shadow", "specter", "ghost", "light", "priest", "guard", "commoner", "noble", "spy", "thug",
    "scout", "knight", "veteran", "mage", "acolyte",
];

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut creatures = BTreeSet::new();
        for m in rules::content::monsters() {
            let words = words_of(&m.name);
            if let Some(last) = words.last() {
                creatures.insert(last.clone());
            }
            if words.len() == 1 {
                creatures.extend(words);
            }
        }
        for w in PLAIN_WORDS {
            creatures.remove(*w);
        }
        let mut things = BTreeSet::new();
        for w in rules::content::weapons() {
            things.extend(words_of(&w.name).into_iter().last());
        }
        for a in rules::content::armor_list() {
            things.extend(words_of(&a.name).into_iter().last());
        }
        things.retain(|w| w.len() > 3 && w != "armor" && w != "shield");
        let phrases = rules::content::spells()
            .iter()
            .filter(|s| s.name.contains(' '))
            .map(|s| s.name.to_lowercase())
            .collect();
        Lexicon {
            creatures,
            things,
            phrases,
        }
    })
}

/// Whether `name` (without a trailing `(handle)`) is SRD content.
fn is_content(name: &str) -> bool {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let monsters = rules::content::monsters().iter().map(|m| &m.name);
        let weapons = rules::content::weapons().iter().map(|w| &w.name);
        let spells = rules::content::spells().iter().map(|s| &s.name);
        monsters
            .chain(weapons)
            .chain(spells)
            .map(|n| n.to_lowercase())
            .collect()
    });
    let bare = name.split(" (").next().unwrap_or(name).trim();
    names.contains(&bare.to_lowercase())
        || bare.split('+').all(|t| {
            rules::mechanics::DamageType::ALL
                .iter()
                .any(|d| d.name() == t)
        })
}

fn known_phrase(facts: &Facts, phrase: &str) -> bool {
    facts.facts.iter().any(|f| {
        f.names().iter().any(|n| n.to_lowercase().contains(phrase))
            || matches!(f, Fact::Told { text } if text.to_lowercase().contains(phrase))
    })
}

fn contains_phrase(lower: &str, phrase: &str) -> bool {
    lower.match_indices(phrase).any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// A word in singular, lowercase: "goblins" → "goblin", "wolves" stays.
fn singular(word: &str) -> String {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
        w[..w.len() - 1].to_owned()
    } else {
        w.to_owned()
    }
}

/// The words of `text`, lowercase and singular.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').trim_end_matches("'s"))
        .filter(|w| !w.is_empty())
        .map(|w| singular(&w.to_lowercase()))
        .collect()
}

/// Capitalized words that don't start a sentence (names, as prose writes them).
fn capitalized_mid_sentence(prose: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = true;
    for raw in prose.split_whitespace() {
        let word: String = raw
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
            .trim_end_matches("'s")
            .to_owned();
        if !start && word.chars().next().is_some_and(char::is_uppercase) {
            // "Half-Red" is two words, as a fact's name splits it.
            out.extend(
                word.split(|c: char| !(c.is_alphanumeric() || c == '\''))
                    .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                    .map(str::to_owned),
            );
        }
        start = raw.ends_with(['.', '!', '?', ':', '—', '"']) || raw == "—";
    }
    out
}

const NUMBER_WORDS: &[(&str, u64)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("hundred", 100),
    ("thousand", 1000),
    ("dozen", 12),
    ("score", 20),
];

/// Every number in `text`, in digits or in words, with how it was written.
fn numbers_in(text: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut digits = String::new();
    // Digits inside a word (a handle: g1, m2) are a name, not a number.
    let mut in_word = false;
    let mut prev = ' ';
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            if digits.is_empty() {
                in_word = prev.is_alphabetic();
            }
            digits.push(c);
        } else if c == ',' && !digits.is_empty() {
            // 1,000
        } else if !digits.is_empty() {
            if !in_word && !c.is_alphabetic() {
                out.push((digits.parse().unwrap_or(u64::MAX), digits.clone()));
            }
            digits.clear();
        }
        prev = c;
    }
    for w in text.split(|c: char| !c.is_alphabetic()) {
        let lower = w.to_lowercase();
        if let Some((_, n)) = NUMBER_WORDS.iter().find(|(name, _)| *name == lower) {
            out.push((*n, w.to_owned()));
        }
    }
    out
}

/// The narration the templates make of `facts`: at most two sentences, only
/// of what the facts hold (none: nothing to tell).
pub fn template(facts: &Facts) -> Option<String> {
    let mut sentences: Vec<String> = Vec::new();
    let mut i = 0;
    while i < facts.facts.len() && sentences.len() < 2 {
        let f = &facts.facts[i];
        i += 1;
        let s = match f {
            Fact::Attack {
                attacker,
                target,
                with,
                result,
            } => {
                let damage = match facts.facts.get(i) {
                    Some(Fact::Damage {
                        target: t,
                        amount,
                        types,
                        state,
                    }) if t == target && result != "miss" => {
                        i += 1;
                        Some((amount, types, state))
                    }
                    _ => None,
                };
                match (result.as_str(), damage) {
                    ("miss", _) => format!("{attacker}'s {with} misses {target}."),
                    (r, Some((amount, types, state))) => {
                        let blow = if r.starts_with("crit") {
                            "lands a critical blow on"
                        } else {
                            "strikes"
                        };
                        let end = match state.as_str() {
                            "dead" => format!(" {target} is slain."),
                            "down" => format!(" {target} falls."),
                            _ => String::new(),
                        };
                        format!("{attacker} {blow} {target} with {with} for {amount} {types}.{end}")
                    }
                    (_, None) => format!("{attacker}'s {with} strikes {target}."),
                }
            }
            Fact::Damage {
                target,
                amount,
                types,
                state,
            } => {
                let types = if types.is_empty() {
                    String::new()
                } else {
                    format!(" {types}")
                };
                match state.as_str() {
                    "dead" => format!("{target} takes {amount}{types} and is slain."),
                    "down" => format!("{target} takes {amount}{types} and falls."),
                    _ => format!("{target} takes {amount}{types}."),
                }
            }
            Fact::Heal { target, amount } => format!("{target} recovers {amount} hit points."),
            Fact::Save { who, what, success } => {
                if *success {
                    format!("{who} holds firm against the {what}.")
                } else {
                    format!("{who} fails the {what}.")
                }
            }
            Fact::Effect {
                target,
                what,
                began,
            } => {
                if *began {
                    format!("{target}: {what}.")
                } else {
                    format!("{what} ends for {target}.")
                }
            }
            Fact::FightOver { won: true } => "The last foe falls, and the fight is over.".into(),
            Fact::FightOver { won: false } => "The fight breaks off.".into(),
            Fact::Loot { who, gold, items } => {
                let mut found = Vec::new();
                if *gold > 0 {
                    found.push(format!("{gold} gp"));
                }
                found.extend(items.iter().cloned());
                if found.is_empty() {
                    continue;
                }
                format!("{who} takes {}.", found.join(", "))
            }
            Fact::Told { text } => text.clone(),
        };
        sentences.push(s);
    }
    let out = sentences.join(" ");
    (!out.is_empty()).then(|| cut(&out, NARRATION_CAP))
}

/// `text` cut to at most `max` bytes at a word, with an ellipsis if cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub(3);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let head = head.rfind(' ').map_or(head, |i| &head[..i]);
    format!("{head}...")
}
