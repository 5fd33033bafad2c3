//! Replies as radio texts: every packet at most [`MAX_PACKET`] UTF-8 bytes,
//! one packet for an ordinary action
//! (`Aria→g1 hit 17v15 8sl g1 0/7 dead. Grek's turn`), longer replies split
//! into numbered parts (`1/2 …`) at word boundaries, never inside a
//! multi-byte character.

use dm::{Line, Reply};

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

/// One reply line, compact.
pub fn line(line: &Line) -> String {
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
            format!("{attacker}→{target} {r} {total}v{ac}")
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
            format!("{amount}{} {target} {hp}/{max_hp}{st}", types.join("+"))
        }
        Line::Heal {
            target,
            amount,
            hp,
            max_hp,
            ..
        } => format!("{target} +{amount} {hp}/{max_hp}"),
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
    let mut out = String::new();
    for l in &reply.lines {
        let part = line(l);
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
    if let Some(turn) = &reply.turn {
        if !out.is_empty() {
            out.push_str(sentence_gap(&out));
        }
        out.push_str(&format!("{}'s turn", turn.name));
    }
    out
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

/// A refusal as one packet.
pub fn refusal(why: &str) -> String {
    clip(&format!("✗ {}", squash(why)), MAX_PACKET)
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
