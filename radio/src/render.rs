//! Replies as radio texts: every packet at most [`MAX_PACKET`] UTF-8 bytes,
//! one packet for an ordinary action
//! (`Aria→g1 hit 17v15 8sl g1 0/7 dead. Grek's turn`), longer replies split
//! into numbered parts (`1/2 …`) at word boundaries, never inside a
//! multi-byte character.

use std::collections::HashSet;

use dm::{HealthBand, Line, Reply};

/// The most bytes of text in one packet (the official apps' limit).
pub const MAX_PACKET: usize = 200;

/// Short damage types: `sl` slashing, `fi` fire…
pub fn damage_type(t: &str) -> &str {
    match t {
        "slashing" => "sl",
        "piercing" => "pi",
        "bludgeoning" => "bl",
        "fire" => "fi",
        "cold" => "co",
        "lightning" => "li",
        "thunder" => "th",
        "poison" => "po",
        "acid" => "ac",
        "necrotic" => "ne",
        "radiant" => "ra",
        "force" => "fo",
        "psychic" => "ps",
        other => other,
    }
}

/// A combatant's name as its handle when it has one: `Goblin (g4)` → `g4`.
pub fn short(name: &str) -> &str {
    name.strip_suffix(')')
        .and_then(|n| n.rsplit_once(" ("))
        .map(|(_, h)| h)
        .filter(|h| is_handle(h))
        .unwrap_or(name)
}

/// Hit points as players see a monster's: a word, not numbers.
pub fn hp_word(hp: u32, max_hp: u32) -> &'static str {
    match HealthBand::of(hp, max_hp) {
        HealthBand::Unhurt => "unhurt",
        HealthBand::Hurt => "hurt",
        HealthBand::Bloodied => "bloodied",
        HealthBand::Down => "down",
    }
}

/// One reply line, compact.
pub fn line(line: &Line) -> String {
    line_for(line, &HashSet::new())
}

/// One reply line, compact, with the hit points and AC of the creatures
/// in `hidden` (display names: the monsters, for players) as words.
pub fn line_for(line: &Line, hidden: &HashSet<String>) -> String {
    let hide = |name: &str| hidden.contains(name);
    match line {
        Line::Roll {
            who, label, total, ..
        } => format!("{who} {label}={total}"),
        Line::Attack {
            attacker,
            target,
            total,
            ac,
            result,
            ..
        } => {
            let r = match result.as_str() {
                "critical" | "crit" => "CRIT",
                "hit" => "hit",
                "miss" => "miss",
                other => other,
            };
            if hide(target) {
                format!("{}→{} {r} {total}", short(attacker), short(target))
            } else {
                format!("{}→{} {r} {total}v{ac}", short(attacker), short(target))
            }
        }
        Line::Save {
            who,
            what,
            total,
            dc,
            success,
        } => {
            let t = total.map_or_else(|| "auto".to_owned(), |t| t.to_string());
            let ok = if *success { "ok" } else { "fail" };
            format!("{who} {what} {t}v{dc} {ok}")
        }
        Line::Damage {
            target,
            amount,
            types,
            hp,
            max_hp,
            state,
            ..
        } => {
            let types: Vec<&str> = types
                .split('+')
                .filter(|t| !t.is_empty())
                .map(damage_type)
                .collect();
            let st = if state.is_empty() {
                String::new()
            } else {
                format!(" {state}")
            };
            let types = types.join("+");
            if hide(target) {
                let word = if state.is_empty() {
                    hp_word(*hp, *max_hp)
                } else {
                    ""
                };
                format!(
                    "{amount}{types} {} {word}{}",
                    short(target),
                    st.trim_start()
                )
                .trim_end()
                .to_owned()
            } else {
                format!("{amount}{types} {} {hp}/{max_hp}{st}", short(target))
            }
        }
        Line::Heal {
            target,
            amount,
            hp,
            max_hp,
            ..
        } => {
            if hide(target) {
                format!("{} +{amount} {}", short(target), hp_word(*hp, *max_hp))
            } else {
                format!("{} +{amount} {hp}/{max_hp}", short(target))
            }
        }
        Line::Effect {
            target,
            what,
            began,
        } => {
            if *began {
                format!("{target} {what}")
            } else {
                format!("{target} -{what}")
            }
        }
        Line::Note { text } => squash(text),
    }
}

/// Runs of whitespace (newlines too) as one space.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A whole reply as one text: lines joined by spaces, `. ` before the turn.
pub fn text(reply: &Reply) -> String {
    text_for(reply, true, &HashSet::new())
}

/// A reply as one text, with or without whose turn it is (the player who
/// just acted on their own turn needs no reminder), hiding the numbers of
/// the creatures in `hidden` (see [`line_for`]).
pub fn text_for(reply: &Reply, with_turn: bool, hidden: &HashSet<String>) -> String {
    let mut out = String::new();
    for l in &reply.lines {
        let part = line_for(l, hidden);
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() {
            // A note is a sentence; attack, damage and the like run on.
            let sep = if matches!(l, Line::Note { .. }) {
                sentence_gap(&out)
            } else {
                " "
            };
            out.push_str(sep);
        }
        out.push_str(&part);
    }
    let mut out = compact(&out);
    if let Some(turn) = reply.turn.as_ref().filter(|_| with_turn) {
        let call = format!("{}'s turn", compact(&turn.name));
        if !out.contains(&call) {
            if !out.is_empty() {
                out.push_str(sentence_gap(&out));
            }
            out.push_str(&call);
        }
    }
    out
}

/// Shorter names and rounds: `Goblin Boss (gb1)` → `gb1`, `Round 3:` → `R3:`.
pub fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(" (") {
        let after = &rest[open + 2..];
        let handle_len = after.find(')').filter(|&n| is_handle(&after[..n]));
        match handle_len {
            Some(n) => {
                // The capitalised words just before the handle are its name.
                let before = &rest[..open];
                let mut name_start = before.len();
                let mut end = before.len();
                loop {
                    let ws = before[..end].rfind(' ').map_or(0, |i| i + 1);
                    if !is_name_word(&before[ws..end]) {
                        break;
                    }
                    name_start = ws;
                    if ws == 0 {
                        break;
                    }
                    end = ws - 1;
                }
                if name_start == before.len() {
                    out.push_str(&rest[..open + 2 + n + 1]);
                } else {
                    out.push_str(&before[..name_start]);
                    out.push_str(&after[..n]);
                }
                rest = &after[n + 1..];
            }
            None => {
                out.push_str(&rest[..open + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace("Round ", "R")
}

/// A word of a name: capitalised letters (`Goblin`, `Half-Orc`).
fn is_name_word(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
        && w.chars()
            .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
}

/// A combatant handle: letters then digits, at most 6 bytes (`g1`, `gb12`).
fn is_handle(s: &str) -> bool {
    let digits = s.trim_start_matches(|c: char| c.is_ascii_lowercase());
    s.len() <= 6
        && digits.len() < s.len()
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
}

/// `". "` after a sentence without its stop, else `" "`.
fn sentence_gap(so_far: &str) -> &'static str {
    if so_far.ends_with(['.', '!', '?', ':']) {
        " "
    } else {
        ". "
    }
}

/// A reply as packets.
pub fn packets(reply: &Reply) -> Vec<String> {
    split(&text(reply), MAX_PACKET)
}

/// A reply as packets, as [`text_for`] writes it.
pub fn packets_for(reply: &Reply, with_turn: bool, hidden: &HashSet<String>) -> Vec<String> {
    split(&text_for(reply, with_turn, hidden), MAX_PACKET)
}

/// A refusal as one packet.
pub fn refusal(why: &str) -> String {
    clip(&format!("✗ {}", compact(&squash(why))), MAX_PACKET)
}

/// `text` cut to at most `max` bytes at a character boundary, with `…`.
pub fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let ell = "…";
    let mut end = max.saturating_sub(ell.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ell}", &text[..end])
}

/// Splits `text` into packets of at most `max` bytes (`max` ≥ 16). One
/// packet if it fits; else parts numbered `1/3 `, cut at spaces when a
/// space is near, never inside a character.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let max = max.max(16);
    if text.len() <= max {
        return vec![text.to_owned()];
    }
    // The prefix grows with the count of parts: try until it fits.
    let mut parts = 2usize;
    loop {
        let prefix = format!("{parts}/{parts} ").len();
        if max < prefix + 4 {
            // Too many parts for the budget (never at 200 bytes): one clipped packet.
            return vec![clip(text, max)];
        }
        let chunks = chunk(text, max - prefix);
        if chunks.len() <= parts {
            let n = chunks.len();
            return chunks
                .into_iter()
                .enumerate()
                .map(|(i, c)| format!("{}/{n} {c}", i + 1))
                .collect();
        }
        parts = chunks.len();
    }
}

/// Cuts `text` into pieces of at most `budget` bytes.
fn chunk(text: &str, budget: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if rest.len() <= budget {
            out.push(rest.to_owned());
            break;
        }
        let mut end = budget;
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        // Prefer the last space in the second half of the piece.
        if let Some(space) = rest[..end].rfind(' ').filter(|&s| s >= budget / 2) {
            end = space;
        }
        if end == 0 {
            // The budget is at least 4 bytes: a character always fits.
            break;
        }
        out.push(rest[..end].trim_end().to_owned());
        rest = rest[end..].trim_start();
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use dm::event::TurnNote;
    use proptest::prelude::*;

    fn attack_reply() -> Reply {
        Reply {
            lines: vec![
                Line::Attack {
                    attacker: "Aria".into(),
                    target: "g1".into(),
                    with: "Quarterstaff".into(),
                    d20: 14,
                    total: 17,
                    ac: 15,
                    result: "hit".into(),
                },
                Line::Damage {
                    target: "g1".into(),
                    amount: 8,
                    hp_before: 7,
                    types: "slashing".into(),
                    hp: 0,
                    max_hp: 7,
                    state: "dead".into(),
                },
            ],
            turn: Some(TurnNote {
                round: 1,
                handle: "grek".into(),
                name: "Grek".into(),
                player: None,
            }),
            private: false,
        }
    }

    #[test]
    fn players_see_a_monsters_health_as_a_word_and_no_ac() {
        let hidden: HashSet<String> = ["g1".to_owned()].into();
        let mut reply = attack_reply();
        assert_eq!(
            text_for(&reply, false, &hidden),
            "Aria→g1 hit 17 8sl g1 dead"
        );
        if let Line::Damage { hp, state, .. } = &mut reply.lines[1] {
            *hp = 3;
            state.clear();
        }
        assert_eq!(
            text_for(&reply, false, &hidden),
            "Aria→g1 hit 17 8sl g1 bloodied"
        );
    }

    #[test]
    fn names_with_handles_and_rounds_are_shortened() {
        assert_eq!(compact("Round 1: Goblin (g4)'s turn."), "R1: g4's turn.");
        assert_eq!(
            compact("Goblin Boss (gb1) → Aria, Giant Rat (r2) too"),
            "gb1 → Aria, r2 too"
        );
        assert_eq!(
            compact("(g1) alone, Shield (+5 AC)"),
            "(g1) alone, Shield (+5 AC)"
        );
        assert_eq!(compact("x (g1)"), "x (g1)");
        assert_eq!(short("Goblin (g4)"), "g4");
        assert_eq!(short("Aria"), "Aria");
        assert_eq!(short("Shield (+5)"), "Shield (+5)");
    }

    #[test]
    fn an_ordinary_action_is_one_short_packet() {
        assert_eq!(
            packets(&attack_reply()),
            vec!["Aria→g1 hit 17v15 8sl g1 0/7 dead. Grek's turn"]
        );
    }

    #[test]
    fn a_long_reply_is_numbered_and_cut_between_characters() {
        let text = "Ωмега🐉 ".repeat(40);
        let parts = split(&text, MAX_PACKET);
        assert!(parts.len() >= 2);
        let n = parts.len();
        for (i, p) in parts.iter().enumerate() {
            assert!(p.len() <= MAX_PACKET, "{} bytes", p.len());
            assert!(p.starts_with(&format!("{}/{n} ", i + 1)));
        }
        let joined: String = parts
            .iter()
            .map(|p| p.split_once(' ').unwrap().1)
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(joined, text.trim());
    }

    proptest! {
        #[test]
        fn any_text_splits_into_packets_that_fit(s in "\\PC{0,700}", max in 16usize..260) {
            let parts = split(&s, max);
            for p in &parts {
                prop_assert!(p.len() <= max);
            }
            // Nothing lost but whitespace at the cuts.
            let squashed: String = s.split_whitespace().collect();
            let back: String = if parts.len() == 1 {
                parts[0].split_whitespace().collect()
            } else {
                parts.iter().map(|p| p.split_once(' ').map_or("", |x| x.1)).collect::<Vec<_>>().join(" ").split_whitespace().collect()
            };
            prop_assert_eq!(back, squashed);
        }

        #[test]
        fn clip_keeps_characters_whole(s in "\\PC{0,300}", max in 4usize..200) {
            let c = clip(&s, max);
            prop_assert!(c.len() <= max);
        }
    }
}
