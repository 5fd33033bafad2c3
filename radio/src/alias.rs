//! What a radio player types: the console grammar ([`dm::parse`]) with the
//! short forms mesh players expect. `a g1`, `r d20+5`, `s`, `e` and `?` are
//! already the grammar's; this adds `rs` (resend my last reply), `link` /
//! `link CODE` (join a player of another transport) and spell shorthands
//! after `c` (`c fb g1 g2` is `cast fireball g1 g2`), and chains: up to
//! [`MAX_CHAIN`] commands in one text, split by `;` (`m engaged g1; a g1; e`),
//! so a whole turn costs one packet each way.

use dm::{Command, DmCommand, ParseError};

/// A radio text, understood.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// `rs`: send my last reply again.
    Resend,
    /// `link`: a code to play this node's character from another transport.
    LinkCode,
    /// `link CODE`: this node plays as the player who asked for `CODE`.
    Link(String),
    /// `?`, `? dm`, `? c`: a one-packet help text ([`help`]); `? all` is the
    /// game's whole command list, a command like any other.
    Help(String),
    /// One or more game commands (at most [`MAX_CHAIN`]), carried out in
    /// order until one is refused.
    Commands(Vec<Command>),
}

/// The most commands in one chained text.
pub const MAX_CHAIN: usize = 6;

/// How a chain is written, for its errors.
const CHAIN_USAGE: &str = "CMD; CMD; … (at most 6, e.g. `m engaged g1; a g1; e`)";

/// Spell shorthands after `c`/`cast`: (short, spell).
pub const SPELLS: &[(&str, &str)] = &[
    ("fb", "fireball"),
    ("fbo", "\"fire bolt\""),
    ("mm", "\"magic missile\""),
    ("cw", "\"cure wounds\""),
    ("hw", "\"healing word\""),
    ("gb", "\"guiding bolt\""),
    ("sf", "\"sacred flame\""),
    ("rf", "\"ray of frost\""),
    ("eb", "\"eldritch blast\""),
    ("hp", "\"hold person\""),
    ("sl", "sleep"),
    ("bl", "bless"),
    ("sh", "shield"),
    ("tw", "thunderwave"),
    ("bh", "\"burning hands\""),
    ("sw", "\"spiritual weapon\""),
];

/// Understands one radio text: a radio word, or a chain of commands.
pub fn parse(text: &str) -> Result<Input, ParseError> {
    let mut pieces: Vec<(usize, &str)> = split_chain(text)
        .into_iter()
        .filter(|(_, p)| !p.trim().is_empty())
        .collect();
    // Free text may hold a `;` of its own and runs to the end of the text:
    // `dm narrate Dusk; rain falls`, `dm xp 100; dm narrate The end; rest`.
    let free = pieces.iter().position(|(_, p)| {
        matches!(parse_one(p), Ok(Input::Commands(c)) if c.first().is_some_and(takes_free_text))
    });
    if let Some(k) = free {
        let at = pieces[k].0;
        pieces.truncate(k);
        pieces.push((at, &text[at..]));
    }
    match pieces.as_slice() {
        [] if text.contains(';') => return Err(ParseError::Empty),
        [] => return parse_one(text),
        [(_, one)] => return parse_one(one),
        _ => {}
    }
    if pieces.len() > MAX_CHAIN {
        return Err(ParseError::Usage {
            reason: format!("{} commands in one text", pieces.len()),
            usage: CHAIN_USAGE,
        });
    }
    let pieces: Vec<&str> = pieces.into_iter().map(|(_, p)| p).collect();
    let mut commands = Vec::with_capacity(pieces.len());
    for (i, piece) in pieces.iter().enumerate() {
        match parse_one(piece) {
            Ok(Input::Commands(c)) => commands.extend(c),
            Ok(_) => {
                return Err(ParseError::Usage {
                    reason: format!("`{}` goes in a text of its own", piece.trim()),
                    usage: CHAIN_USAGE,
                });
            }
            Err(e) => {
                return Err(ParseError::Usage {
                    reason: format!("command {} of {}: {e}", i + 1, pieces.len()),
                    usage: CHAIN_USAGE,
                });
            }
        }
    }
    match commands.len() {
        0 => Err(ParseError::Empty),
        _ => Ok(Input::Commands(commands)),
    }
}

/// Commands whose last argument is free text, where `;` is just a character.
fn takes_free_text(command: &Command) -> bool {
    matches!(
        command,
        Command::Vote { .. } | Command::Dm(DmCommand::Narrate { .. } | DmCommand::Decide { .. })
    )
}

/// `text` cut at each `;` outside quotes (the grammar's quotes): each
/// piece with where it starts.
fn split_chain(text: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '"' | '\u{201C}' | '\u{201D}' => quoted = !quoted,
            ';' if !quoted => {
                pieces.push((start, &text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push((start, &text[start..]));
    pieces
}

/// Understands one command or radio word.
fn parse_one(text: &str) -> Result<Input, ParseError> {
    let text = text.trim();
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or_default().to_lowercase();
    match first.as_str() {
        "rs" if words.next().is_none() => return Ok(Input::Resend),
        "?" => {
            let topic = words.collect::<Vec<_>>().join(" ").to_lowercase();
            if topic == "all" {
                return Ok(Input::Commands(vec![Command::Commands]));
            }
            return Ok(Input::Help(help(&topic)));
        }
        "link" => {
            return match (words.next(), words.next()) {
                (None, _) => Ok(Input::LinkCode),
                (Some(code), None) => Ok(Input::Link(code.to_owned())),
                _ => Err(ParseError::Usage {
                    reason: "one code only".into(),
                    usage: "link [CODE]",
                }),
            };
        }
        // The builder's short forms: `cn Aria wizard 3 elf`, `cr`, `cs languages Common`.
        "cn" | "cr" | "cs" => {
            let sub = match first.as_str() {
                "cn" => "new",
                "cr" => "roll",
                _ => "set",
            };
            let rest: Vec<&str> = words.collect();
            let line = format!("char {sub} {}", rest.join(" "));
            return dm::parse(line.trim()).map(|c| Input::Commands(vec![c]));
        }
        "c" | "cast" => {
            if let Some(spell) = words.next() {
                let short = spell.to_lowercase();
                if let Some((_, full)) = SPELLS.iter().find(|(s, _)| *s == short) {
                    let rest: Vec<&str> = words.collect();
                    let line = format!("cast {full} {}", rest.join(" "));
                    return dm::parse(line.trim()).map(|c| Input::Commands(vec![c]));
                }
            }
        }
        // `u lever`: a thing in the area, used (typing `use` is long on a phone).
        "u" => {
            let rest: Vec<&str> = words.collect();
            return dm::parse(format!("use {}", rest.join(" ")).trim())
                .map(|c| Input::Commands(vec![c]));
        }
        _ => {}
    }
    dm::parse(text).map(|c| Input::Commands(vec![c]))
}

/// What `?` says, in one packet: the commands of a turn by their radio
/// words; `? dm` the DM's; `? c` the spell shorthands (two packets).
pub fn help(topic: &str) -> String {
    match topic {
        "dm" => "DM: dm encounter · madd goblin -n 4 · n (next turn) · dm narrate TEXT · \
dm hp g1 -5 · dm xp 100 · dm end · dm as g1 a scimitar -t Aria · ? all"
            .to_owned(),
        "ch" | "char" => {
            "cn NAME CLASS LVL RACE [rolled|manual 15,14,..] [sub X] [bg X] · cr roll scores · \
ch (pending) · ch spells 2 5 7 · ch asi str dex · cs FIELD VALUE · levelup [CLASS] [roll]"
                .to_owned()
        }
        "c" | "cast" => {
            let shorts: Vec<String> = SPELLS
                .iter()
                .map(|(short, full)| format!("{short} {}", full.trim_matches('"')))
                .collect();
            format!("c SPELL T: {}", shorts.join(", "))
        }
        "" => "a T attack · c fb T cast (? c) · m engaged T · e end turn · ds death save · \
s status · sheet · r d20+5 · rs resend · chain: m engaged g1;a g1;e · ? ch · ? go · ? dm · ? all"
            .to_owned(),
        "go" | "g" | "explore" => "l look · g n|2|arch go · sr search · u lever use · \
open|pick|force n · disarm T · talk NPC [help|persuade|TOPIC] · take · light · douse · \
leader NAME · order A B · leave · pj CODE join"
            .to_owned(),
        other => format!(
            "no help on `{}`: try ?, ? c, ? dm or ? all",
            crate::render::clip(other, 24)
        ),
    }
}

/// Commands that change nothing at the table: allowed from the channel,
/// where `from` can be forged.
pub fn read_only(command: &Command) -> bool {
    matches!(
        command,
        Command::Roll { .. }
            | Command::Status
            | Command::Sheet { .. }
            | Command::Commands
            | Command::Verify
            | Command::Look
            | Command::Party { action: None }
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn command(s: &str) -> Command {
        match parse(s).unwrap() {
            Input::Commands(mut c) if c.len() == 1 => c.remove(0),
            other => panic!("{s}: {other:?}"),
        }
    }

    fn chain(s: &str) -> Vec<Command> {
        match parse(s).unwrap() {
            Input::Commands(c) => c,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn a_chain_is_its_commands_in_order() {
        assert_eq!(
            chain("m engaged g1; a g1;e"),
            vec![
                dm::parse("move engaged g1").unwrap(),
                dm::parse("attack -t g1").unwrap(),
                Command::EndTurn,
            ]
        );
        // Aliases work inside a chain; empty pieces are nothing.
        assert_eq!(
            chain("c mm g1 ;; e;"),
            vec![
                dm::parse("cast \"magic missile\" g1").unwrap(),
                Command::EndTurn
            ]
        );
        // A quoted `;` is text.
        assert_eq!(
            chain("cast \"fire;bolt\" g1"),
            vec![dm::parse("cast \"fire;bolt\" g1").unwrap()]
        );
    }

    #[test]
    fn free_text_keeps_its_semicolons() {
        assert_eq!(
            command("dm narrate Dusk; rain falls; e"),
            dm::parse("dm narrate Dusk; rain falls; e").unwrap()
        );
        // Later in a chain, free text runs to the end of the text.
        assert_eq!(
            chain("dm xp 100; dm end; dm narrate Dusk; rain falls"),
            vec![
                dm::parse("dm xp 100").unwrap(),
                dm::parse("dm end").unwrap(),
                dm::parse("dm narrate Dusk; rain falls").unwrap(),
            ]
        );
        // A vote too: its options may hold a `;`.
        assert_eq!(
            chain("e; vote \"rest\" \"press on; now\""),
            vec![
                Command::EndTurn,
                dm::parse("vote \"rest\" \"press on; now\"").unwrap(),
            ]
        );
        // What comes after free text is part of it, never a command.
        assert_eq!(
            chain("dm xp 5; dm narrate a;b;c;d;e;f;g;h"),
            vec![
                dm::parse("dm xp 5").unwrap(),
                dm::parse("dm narrate a;b;c;d;e;f;g;h").unwrap(),
            ]
        );
    }

    #[test]
    fn every_help_text_fits_one_packet_and_names_what_works() {
        for topic in ["", "dm", "nonsense", &"é".repeat(300)] {
            let text = help(topic);
            assert!(
                text.len() <= crate::render::MAX_PACKET,
                "{topic}: {} bytes",
                text.len()
            );
        }
        // The spell shorthands take two.
        assert_eq!(
            crate::render::split(&help("c"), crate::render::MAX_PACKET).len(),
            2
        );
        // What the short help shows can be typed as shown.
        for example in [
            "a g1",
            "m engaged g1",
            "e",
            "ds",
            "s",
            "sheet",
            "r d20+5",
            "m engaged g1;a g1;e",
        ] {
            assert!(parse(example).is_ok(), "{example}");
            assert!(help("").contains(example.split(' ').next().unwrap()));
        }
        for example in [
            "dm encounter",
            "madd goblin -n 4",
            "n",
            "dm narrate x",
            "dm hp g1 -5",
            "dm xp 100",
            "dm end",
        ] {
            assert!(parse(example).is_ok(), "{example}");
            assert!(
                help("dm").contains(example.trim_end_matches(" x")),
                "{example}"
            );
        }
        assert!(help("c").contains("fb fireball"), "{}", help("c"));
        assert!(help("c").contains("sw spiritual weapon"), "{}", help("c"));
    }

    #[test]
    fn a_bad_chain_says_which_command_and_runs_none() {
        let e = parse("a g1; fly; e").unwrap_err().to_string();
        assert!(
            e.starts_with("command 2 of 3: unknown command `fly`"),
            "{e}"
        );
        let e = parse("a; rs").unwrap_err().to_string();
        assert!(e.contains("`rs` goes in a text of its own"), "{e}");
        let e = parse(&["e"; 7].join(";")).unwrap_err().to_string();
        assert!(e.starts_with("7 commands in one text"), "{e}");
        assert_eq!(parse(" ; ;"), Err(ParseError::Empty));
    }

    #[test]
    fn mesh_aliases_are_the_grammars_commands() {
        assert_eq!(command("a g1"), dm::parse("attack -t g1").unwrap());
        assert_eq!(
            command("c fb g1 g2"),
            dm::parse("cast fireball -t g1 -t g2").unwrap()
        );
        assert_eq!(
            command("C MM g1"),
            dm::parse("cast \"magic missile\" g1").unwrap()
        );
        assert_eq!(command("r d20+5"), dm::parse("roll d20+5").unwrap());
        assert_eq!(command("s"), Command::Status);
        assert_eq!(command("e"), Command::EndTurn);
        assert_eq!(parse("?").unwrap(), Input::Help(help("")));
        assert_eq!(command("? all"), Command::Commands);
        assert_eq!(parse("? DM").unwrap(), Input::Help(help("dm")));
        assert_eq!(parse("rs").unwrap(), Input::Resend);
        assert_eq!(parse("link").unwrap(), Input::LinkCode);
        assert_eq!(parse("link 123456").unwrap(), Input::Link("123456".into()));
        assert!(parse("link 1 2").is_err());
    }

    #[test]
    fn builder_short_forms_are_the_grammars_commands() {
        assert_eq!(
            command("cn Aria wizard 3 elf rolled"),
            dm::parse("char new Aria wizard 3 elf rolled").unwrap()
        );
        assert_eq!(command("cr"), Command::RollScores);
        assert_eq!(
            command("cs languages Common, Elvish"),
            dm::parse("char set languages Common, Elvish").unwrap()
        );
        assert_eq!(
            command("ch spells 2 5 7"),
            Command::Choose {
                kind: Some("spells".into()),
                picks: vec!["2".into(), "5".into(), "7".into()],
            }
        );
        assert_eq!(
            command("ch"),
            Command::Choose {
                kind: None,
                picks: Vec::new(),
            }
        );
        assert_eq!(
            command("levelup wizard roll"),
            Command::LevelUpIn {
                class: Some("wizard".into()),
                roll: true,
            }
        );
        let text = help("ch");
        assert!(
            text.len() <= crate::render::MAX_PACKET,
            "{} bytes",
            text.len()
        );
        for example in ["cr", "ch", "ch spells 2 5 7", "ch asi str dex", "levelup"] {
            assert!(parse(example).is_ok(), "{example}");
            assert!(text.contains(example), "{example}");
        }
        assert!(help("").contains("? ch"));
    }

    #[test]
    fn exploring_by_radio_words_is_the_grammars_commands() {
        assert_eq!(command("l"), Command::Look);
        assert_eq!(command("g n"), dm::parse("go n").unwrap());
        assert_eq!(
            command("g 2"),
            Command::Go {
                exit: "2".into(),
                vote_secs: None
            }
        );
        assert_eq!(command("sr"), Command::Search);
        assert_eq!(command("u lever"), dm::parse("use lever").unwrap());
        assert_eq!(chain("l;sr;g e").len(), 3);
        assert!(parse("u").is_err());
        for example in [
            "l", "g n", "sr", "u lever", "open n", "pick n", "force n", "take", "light", "leave",
            "pj",
        ] {
            assert!(parse(example).is_ok(), "{example}");
            let verb = example.split(' ').next().unwrap();
            assert!(help("go").contains(verb), "{example}");
        }
        assert!(help("go").len() <= crate::render::MAX_PACKET);
    }

    #[test]
    fn only_looking_is_read_only() {
        assert!(read_only(&command("l")));
        assert!(read_only(&command("s")));
        assert!(read_only(&command("r d20")));
        assert!(!read_only(&command("a g1")));
        assert!(!read_only(&command("e")));
    }

    proptest! {
        #[test]
        fn no_text_panics_and_errors_fit_a_packet(s in "\\PC{0,300}") {
            if let Err(e) = parse(&s) {
                prop_assert!(e.to_string().len() <= crate::render::MAX_PACKET);
            }
        }
    }
}
