//! What a radio player types: the console grammar ([`dm::parse`]) with the
//! short forms mesh players expect. `a g1`, `r d20+5`, `s`, `e` and `?` are
//! already the grammar's; this adds `rs` (resend my last reply), `link` /
//! `link CODE` (join a player of another transport) and spell shorthands
//! after `c` (`c fb g1 g2` is `cast fireball g1 g2`).

use dm::{Command, ParseError};

/// A radio text, understood.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// `rs`: send my last reply again.
    Resend,
    /// `link`: a code to play this node's character from another transport.
    LinkCode,
    /// `link CODE`: this node plays as the player who asked for `CODE`.
    Link(String),
    /// A game command.
    Command(Command),
}

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

/// Understands one radio text.
pub fn parse(text: &str) -> Result<Input, ParseError> {
    let text = text.trim();
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or_default().to_lowercase();
    match first.as_str() {
        "rs" if words.next().is_none() => return Ok(Input::Resend),
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
        "c" | "cast" => {
            if let Some(spell) = words.next() {
                let short = spell.to_lowercase();
                if let Some((_, full)) = SPELLS.iter().find(|(s, _)| *s == short) {
                    let rest: Vec<&str> = words.collect();
                    let line = format!("cast {full} {}", rest.join(" "));
                    return dm::parse(line.trim()).map(Input::Command);
                }
            }
        }
        _ => {}
    }
    dm::parse(text).map(Input::Command)
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
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn command(s: &str) -> Command {
        match parse(s).unwrap() {
            Input::Command(c) => c,
            other => panic!("{s}: {other:?}"),
        }
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
        assert_eq!(command("?"), Command::Commands);
        assert_eq!(parse("rs").unwrap(), Input::Resend);
        assert_eq!(parse("link").unwrap(), Input::LinkCode);
        assert_eq!(parse("link 123456").unwrap(), Input::Link("123456".into()));
        assert!(parse("link 1 2").is_err());
    }

    #[test]
    fn only_looking_is_read_only() {
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
