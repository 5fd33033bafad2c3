//! Replies as radio texts: every packet at most [`MAX_PACKET`] UTF-8 bytes,
//! one packet for an ordinary action
//! (`Aria→g1 hit 17v15 8sl g1 0/7 dead. Grek's turn`), longer replies split
//! into numbered parts (`1/2 …`) at word boundaries, never inside a
//! multi-byte character.

use std::collections::HashSet;

use dm::event::TurnNote;
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
    HealthBand::of(hp, max_hp).word()
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
        Line::Character {
            name,
            level,
            race,
            class,
            max_hp,
            ac,
            speed,
            scores,
        } => {
            let scores: Vec<String> = dm::event::abilities(scores)
                .map(|(a, s)| format!("{a}{s}"))
                .collect();
            format!(
                "{name} L{level} {race} {class} HP{max_hp} AC{ac} {speed}ft {}",
                scores.join(" ")
            )
        }
        Line::Xp {
            who,
            amount,
            total,
            level_up,
        } => format!(
            "{who} +{amount} XP ({total}){}",
            if *level_up { ", level up" } else { "" }
        ),
        Line::Note { text } => squash(text),
        Line::Recap { brief, .. } => brief.clone(),
        // The radio tells narration only in its short form (`narrate on`).
        Line::Narration { radio, .. } => radio.clone().unwrap_or_default(),
        Line::Area {
            name,
            short,
            exits,
            things,
            ..
        } => area(name, short, exits, things),
    }
}

/// An adventure's area in one packet: `Crypt. Cold air, bones. Exits: n
/// door, e arch (locked). Here: lever`. What is here goes first when it
/// doesn't fit, then the end of the text, so the exits are always told.
pub fn area(name: &str, short: &str, exits: &[String], things: &[String]) -> String {
    let exits = if exits.is_empty() {
        " No way on.".to_owned()
    } else {
        format!(" Exits: {}.", exits.join(", "))
    };
    let here = if things.is_empty() {
        String::new()
    } else {
        format!(" Here: {}.", things.join(", "))
    };
    let head = format!("{}. {}", squash(name), squash(short));
    let full = format!("{head}{exits}{here}");
    if full.len() <= MAX_PACKET {
        return full;
    }
    let without = format!("{head}{exits}");
    if without.len() <= MAX_PACKET {
        return without;
    }
    // Cut the text, never inside a character, to leave room for the exits.
    let room = MAX_PACKET.saturating_sub(exits.len() + 1);
    let mut cut = room.min(head.len());
    while !head.is_char_boundary(cut) {
        cut -= 1;
    }
    let out = format!("{}…{exits}", &head[..cut.saturating_sub(2)]);
    if out.len() <= MAX_PACKET {
        out
    } else {
        let mut end = MAX_PACKET;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out[..end].to_owned()
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

/// Whether `line` is the call of whose turn it is that ends `reply`
/// (`Round 2: Cade's turn.`): a digest says it once, at its end.
pub fn is_turn_call(line: &Line, reply: &Reply) -> bool {
    match (line, &reply.turn) {
        (Line::Note { text }, Some(t)) => *text == dm::event::turn_call(t.round, &t.name),
        _ => false,
    }
}

/// What a node or the channel hears of a burst of play (a command, or a
/// chain of them, and the monster turns it set off) as one text:
/// `replies` in order without their turn calls, then the `refusal` that
/// stopped a chain, then whose `turn` it is now.
/// `Brom moves engaged g2. Brom→g2 hit 16 10sl g2 dead. R1: Cade's turn`.
pub fn digest(
    replies: &[&Reply],
    refusal: Option<&str>,
    turn: Option<&TurnNote>,
    hidden: &HashSet<String>,
) -> String {
    digest_with(replies, refusal, turn.map(|t| (t, "")), hidden)
}

/// [`digest`], with words on the turn's combatant after the call
/// (`R2: Cade's turn, in reach: g2`).
pub fn digest_with(
    replies: &[&Reply],
    refusal: Option<&str>,
    turn: Option<(&TurnNote, &str)>,
    hidden: &HashSet<String>,
) -> String {
    let full = digest_in(replies, refusal, turn, hidden, false);
    if full.len() <= MAX_PACKET {
        return full;
    }
    // Too long for one packet: without the hints and the repeats, if that fits.
    let terse = digest_in(replies, refusal, turn, hidden, true);
    if terse.len() < full.len() {
        terse
    } else {
        full
    }
}

/// A digest's text; `terse` leaves out what a player can do without when a
/// packet is tight: command hints in parentheses (`(\`react shield off\`
/// saves the slot)`), an effect just named by the spell cast before it, and
/// an opportunity attack announced only to fail.
fn digest_in(
    replies: &[&Reply],
    refusal: Option<&str>,
    turn: Option<(&TurnNote, &str)>,
    hidden: &HashSet<String>,
    terse: bool,
) -> String {
    let mut out = String::new();
    let push = |out: &mut String, part: &str, sentence: bool| {
        if part.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push_str(if sentence { sentence_gap(out) } else { " " });
        }
        out.push_str(part);
    };
    for reply in replies {
        // Each reply starts a sentence; within one, attack and damage run on.
        let mut first = true;
        let lines: Vec<&Line> = reply
            .lines
            .iter()
            .filter(|l| !is_turn_call(l, reply))
            .collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            // Several rolls for one thing (initiative), or the same XP for
            // several, run as a list.
            if let Some((part, n)) = roll_run(&lines[i..], &out).or_else(|| xp_run(&lines[i..])) {
                push(&mut out, &part, first);
                first = false;
                i += n;
                continue;
            }
            let next = lines.get(i + 1).copied();
            let oa = |who: &str| format!("{who} makes an opportunity attack.");
            let part = match (l, next) {
                // `Aria makes an opportunity attack.` then her attack: `Aria OA→g3 …`.
                (Line::Note { text }, Some(next @ Line::Attack { attacker, .. }))
                    if *text == oa(attacker) =>
                {
                    i += 1;
                    let attack = compact(&line_for(next, hidden));
                    let who = short(attacker);
                    match attack.strip_prefix(who) {
                        Some(rest) => format!("{who} OA{rest}"),
                        None => attack,
                    }
                }
                (Line::Note { text }, Some(Line::Note { text: after }))
                    if terse
                        && text
                            .strip_suffix(" makes an opportunity attack.")
                            .is_some_and(|who| {
                                after.starts_with(&format!("{who}'s opportunity attack"))
                            }) =>
                {
                    String::new()
                }
                (
                    Line::Effect {
                        target,
                        what,
                        began: true,
                    },
                    _,
                ) if terse
                    && i > 0
                    && matches!(lines[i - 1], Line::Note { text } if *text == format!("{target} casts {what}.")) =>
                {
                    String::new()
                }
                (Line::Note { text }, _) if terse => compact(&without_hints(&squash(text))),
                _ => compact(&line_for(l, hidden)),
            };
            // A note, and an opportunity attack folded from one, is a sentence.
            let sentence = first || matches!(l, Line::Note { .. });
            push(&mut out, &part, sentence);
            if !part.is_empty() {
                first = false;
            }
            i += 1;
        }
    }
    if let Some(why) = refusal {
        push(&mut out, &format!("✗ {}", compact(&squash(why))), true);
    }
    if let Some((t, words)) = turn {
        let mut call = format!("R{}: {}'s turn", t.round, compact(&t.name));
        if !words.is_empty() {
            call.push_str(", ");
            call.push_str(words);
        }
        push(&mut out, &call, true);
    }
    out
}

/// Two or more rolls for the same thing at the head of `lines`, as one
/// list, and how many lines it took: `initiative: Brom 9, g1 20`. The
/// label is left out when the text so far ends with it (`Initiative:`).
fn roll_run(lines: &[&Line], so_far: &str) -> Option<(String, usize)> {
    let Some(Line::Roll { label, .. }) = lines.first() else {
        return None;
    };
    let each: Vec<String> = lines
        .iter()
        .map_while(|l| match l {
            Line::Roll {
                who,
                label: same,
                total,
                ..
            } if same == label => Some(format!("{} {total}", short(who))),
            _ => None,
        })
        .collect();
    if each.len() < 2 {
        return None;
    }
    let list = compact(&each.join(", "));
    let said = so_far
        .to_lowercase()
        .ends_with(&format!("{}:", label.to_lowercase()));
    let part = if said {
        list
    } else {
        format!("{label}: {list}")
    };
    Some((part, each.len()))
}

/// The same XP for two or more at the head of `lines`, as one list, and how
/// many lines it took: `+100 XP: Brom 100, Dara 300 level up`.
fn xp_run(lines: &[&Line]) -> Option<(String, usize)> {
    let Some(Line::Xp { amount, .. }) = lines.first() else {
        return None;
    };
    let each: Vec<String> = lines
        .iter()
        .map_while(|l| match l {
            Line::Xp {
                who,
                amount: same,
                total,
                level_up,
            } if same == amount => Some(format!(
                "{who} {total}{}",
                if *level_up { " level up" } else { "" }
            )),
            _ => None,
        })
        .collect();
    (each.len() > 1).then(|| (format!("+{amount} XP: {}", each.join(", ")), each.len()))
}

/// `text` without its parenthesised command hints: ` (\`dash\` for more)`.
pub fn without_hints(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(" (") {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        if !rest[open..close].contains('`') {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
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

    #[test]
    fn an_area_is_one_packet_with_its_exits_whatever_its_length() {
        let exits = vec!["n door".to_string(), "e arch (locked)".to_string()];
        assert_eq!(
            area("Crypt", "Cold air, bones.", &exits, &[]),
            "Crypt. Cold air, bones. Exits: n door, e arch (locked)."
        );
        let long = "é".repeat(170);
        let things = vec!["lever".to_string(); 10];
        for (short, things) in [
            (&long, &things),
            (&long, &vec![]),
            (&"x".repeat(40), &things),
        ] {
            let text = area("Hall of the Long Name", short, &exits, things);
            assert!(text.len() <= MAX_PACKET, "{} bytes: {text}", text.len());
            assert!(
                text.ends_with("e arch (locked).")
                    || text.contains("Exits: n door, e arch (locked)."),
                "{text}"
            );
        }
    }
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
                    d20s: Vec::new(),
                },
                Line::Damage {
                    target: "g1".into(),
                    amount: 8,
                    hp_before: 7,
                    types: "slashing".into(),
                    hp: 0,
                    max_hp: 7,
                    state: "dead".into(),
                    parts: Vec::new(),
                },
            ],
            turn: Some(TurnNote {
                round: 1,
                handle: "grek".into(),
                name: "Grek".into(),
                player: None,
            }),
            private: false,
            announce: false,
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
    fn a_digest_tells_a_burst_once_with_one_turn_call_at_its_end() {
        let turn = |round, name: &str| {
            Some(TurnNote {
                round,
                handle: name.to_lowercase(),
                name: name.into(),
                player: None,
            })
        };
        let moved = Reply {
            lines: vec![Line::Note {
                text: "Brom moves engaged Goblin (g2).".into(),
            }],
            turn: turn(1, "Brom"),
            private: false,
            announce: false,
        };
        let mut hit = attack_reply();
        hit.turn = turn(1, "Brom");
        let ended = Reply {
            lines: vec![
                Line::Note {
                    text: "Round 1: Goblin (g3)'s turn.".into(),
                },
                Line::Effect {
                    target: "Brom".into(),
                    what: "Bless".into(),
                    began: false,
                },
            ],
            turn: turn(1, "Goblin (g3)"),
            private: false,
            announce: false,
        };
        let monster = Reply {
            lines: vec![Line::Note {
                text: "Round 2: Cade's turn.".into(),
            }],
            turn: turn(2, "Cade"),
            private: false,
            announce: false,
        };
        let hidden: HashSet<String> = ["g1".to_owned()].into();
        assert!(is_turn_call(&ended.lines[0], &ended));
        assert!(!is_turn_call(&ended.lines[0], &monster));
        let text = digest(
            &[&moved, &hit, &ended, &monster],
            None,
            monster.turn.as_ref(),
            &hidden,
        );
        assert_eq!(
            text,
            "Brom moves engaged g2. Aria→g1 hit 17 8sl g1 dead. Brom -Bless. R2: Cade's turn"
        );
        // An opportunity attack is said once, with the attack.
        let oa = Reply {
            lines: vec![
                Line::Note {
                    text: "Brom makes an opportunity attack.".into(),
                },
                Line::Attack {
                    attacker: "Brom".into(),
                    target: "Goblin (g3)".into(),
                    with: "Longsword".into(),
                    d20: 3,
                    total: 7,
                    ac: 15,
                    result: "miss".into(),
                    d20s: Vec::new(),
                },
                Line::Note {
                    text: "Goblin (g3) moves far Brom.".into(),
                },
            ],
            turn: turn(2, "Cade"),
            private: false,
            announce: false,
        };
        assert_eq!(
            digest_with(
                &[&oa],
                None,
                Some((&turn(2, "Cade").unwrap(), "in reach: g3")),
                &hidden
            ),
            "Brom OA→g3 miss 7v15. g3 moves far Brom. R2: Cade's turn, in reach: g3"
        );
        // Too long for one packet: the hints and repeats go.
        let shield = Reply {
            lines: vec![
                Line::Note {
                    text: "Aria casts Shield.".into(),
                },
                Line::Effect {
                    target: "Aria".into(),
                    what: "Shield".into(),
                    began: true,
                },
                Line::Note {
                    text: "Shield (+5 AC) turns Goblin (g2)'s hit into a miss (`react shield off` saves the slot).".into(),
                },
                Line::Note {
                    text: "Cade makes an opportunity attack.".into(),
                },
                Line::Note {
                    text: "Cade's opportunity attack fails: Goblin (g3) is dead.".into(),
                },
            ],
            turn: turn(1, "Cade"),
            private: false,
            announce: false,
        };
        let roomy = digest(&[&shield], None, None, &hidden);
        assert_eq!(
            roomy,
            "Aria casts Shield. Aria Shield. Shield (+5 AC) turns g2's hit into a miss (`react shield off` saves the slot). Cade makes an opportunity attack. Cade's opportunity attack fails: g3 is dead."
        );
        let tight = digest(&[&shield, &moved], None, None, &hidden);
        assert_eq!(
            tight,
            "Aria casts Shield. Shield (+5 AC) turns g2's hit into a miss. Cade's opportunity attack fails: g3 is dead. Brom moves engaged g2."
        );
        // A chain stopped by a refusal says so after what was done.
        let text = digest(
            &[&moved],
            Some("Goblin (g2) is out of reach"),
            None,
            &hidden,
        );
        assert_eq!(text, "Brom moves engaged g2. ✗ g2 is out of reach");
        assert_eq!(digest(&[], None, None, &hidden), "");
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

    #[test]
    fn the_same_xp_for_several_is_one_list() {
        let xp = |who: &str, total: u32, level_up: bool| Line::Xp {
            who: who.into(),
            amount: 100,
            total,
            level_up,
        };
        let party = Reply {
            lines: vec![xp("Brom", 100, false), xp("Dara", 2_700, true)],
            ..Reply::default()
        };
        assert_eq!(
            digest(&[&party], None, None, &HashSet::new()),
            "+100 XP: Brom 100, Dara 2700 level up"
        );
        let one = Reply {
            lines: vec![xp("Cade", 300, true)],
            ..Reply::default()
        };
        assert_eq!(
            digest(&[&one], None, None, &HashSet::new()),
            "Cade +100 XP (300), level up"
        );
    }

    #[test]
    fn a_new_character_in_one_short_line() {
        let brom = Line::Character {
            name: "Brom".into(),
            level: 3,
            race: "dwarf".into(),
            class: "fighter".into(),
            max_hp: 31,
            ac: 18,
            speed: 25,
            scores: [15, 13, 16, 8, 13, 10],
        };
        assert_eq!(
            line(&brom),
            "Brom L3 dwarf fighter HP31 AC18 25ft STR15 DEX13 CON16 INT8 WIS13 CHA10"
        );
    }

    #[test]
    fn rolls_for_one_thing_run_as_a_list() {
        let roll = |who: &str, total: i64| Line::Roll {
            who: who.into(),
            label: "initiative".into(),
            detail: "d20 (9) +0".into(),
            total,
        };
        let note = |text: &str| Line::Note { text: text.into() };
        let begins = Reply {
            lines: vec![
                note("A fight begins! Initiative:"),
                roll("Brom", 9),
                roll("Dara", 18),
                note("Add monsters with `madd NAME -n COUNT`."),
            ],
            ..Reply::default()
        };
        assert_eq!(
            digest(&[&begins], None, None, &HashSet::new()),
            "A fight begins! Initiative: Brom 9, Dara 18. Add monsters with `madd NAME -n COUNT`."
        );
        let added = Reply {
            lines: vec![
                roll("Goblin (g1)", 20),
                roll("Goblin (g2)", 9),
                note("Goblin (g1) and Goblin (g2) join with 7 HP each."),
            ],
            ..Reply::default()
        };
        assert_eq!(
            digest(&[&added], None, None, &HashSet::new()),
            "initiative: g1 20, g2 9. g1 and g2 join with 7 HP each."
        );
        // One roll is said as before.
        let one = Reply {
            lines: vec![roll("Cade", 8)],
            ..Reply::default()
        };
        assert_eq!(
            digest(&[&one], None, None, &HashSet::new()),
            "Cade initiative=8"
        );
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
        fn hints_go_whole_and_nothing_else(s in "[ a-z`()Ω🐉]{0,120}") {
            let out = without_hints(&s);
            prop_assert!(out.len() <= s.len());
            if !s.contains('`') {
                prop_assert_eq!(out, s);
            }
        }

        #[test]
        fn clip_keeps_characters_whole(s in "\\PC{0,300}", max in 4usize..200) {
            let c = clip(&s, max);
            prop_assert!(c.len() <= max);
        }
    }
}
