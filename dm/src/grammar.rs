//! The text command grammar: one line a player or the DM typed (on the
//! console, on Discord as text, or in a LoRa packet) to one [`Command`].
//!
//! The vocabulary follows Avrae's verbs and flags (`a scimitar -t g1 adv`,
//! `cast fireball -t g1 -l 4`, `madd goblin -n 3`), plus the shortest
//! aliases mesh players type (`a g1`, `c fb g1 g2`, `n`, `s`). Verbs, flags
//! and keywords are case-insensitive; names and handles are kept as typed.
//! Words in double quotes (straight or curly) stay one word.
//!
//! Rules where a line could mean two things:
//! - **Attack without `-t`**: no word is "your default attack at whoever
//!   the table picks"; one word is a target (`a g1`); two or more words are
//!   a weapon followed by one target: the last word is the target
//!   (`a light crossbow g1`).
//! - **Cast**: without `-t` the spell is the longest run of leading words
//!   that names an SRD spell (`c magic missile g1 g2`, `cast cure wounds
//!   Brom`), or else the first word (a shorthand such as `c fb g1`), and
//!   the rest are targets; quoting a spell (`cast "hold person" g1`) works
//!   too. With `-t`, the words before the first flag are the spell and
//!   words after it are targets too (`cast hold person -t g1`).
//! - **`s`** alone is `status`; saves are spelled `save dex`.
//! - **`help`** alone lists commands; `help g1` is the Help action.
//! - **Loot**: `dm loot [50gp] [item, item | "item"...] [-to name...]`:
//!   the gold comes first; unquoted words up to `-to` are items separated by
//!   commas, a quoted word is one item; every word after `-to` is a
//!   recipient (none: split among the party); `-t` works as `-to`.
//!   `50gp`, `50 gp` and a bare `50` are all gold.
//!
//! The grammar is pure and never panics; [`ParseError`]'s `Display` is one
//! line of at most [`MAX_ERROR_BYTES`] bytes, short enough for a radio packet.

use std::fmt;
use std::sync::OnceLock;

use rules::content;
use rules::dice::Advantage;
use rules::mechanics::{Ability, Condition, Distance};

use crate::command::{Command, DmCommand, Feature, NewCharacter, PartyAction, Scores, Simple};

/// The longest line accepted, in bytes; longer lines are refused unread.
pub const MAX_LINE_BYTES: usize = 500;

/// The longest error message, in bytes: a radio packet is 200 bytes and
/// the transport needs room for its own header.
pub const MAX_ERROR_BYTES: usize = 160;

/// Why a line is not a command. `Display` gives the one-line message to send back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Nothing but whitespace.
    Empty,
    /// Longer than [`MAX_LINE_BYTES`].
    TooLong {
        /// The line's length in bytes.
        len: usize,
    },
    /// A `"` without its closing `"`.
    UnterminatedQuote,
    /// The first word is no verb.
    UnknownVerb {
        /// The word as typed (clipped), with `dm ` in front for DM commands.
        verb: String,
        /// The nearest verbs by edit distance, with their aliases: `attack (a)`.
        suggestions: Vec<String>,
    },
    /// A known verb with arguments that don't fit it.
    Usage {
        /// What is wrong, in a few words.
        reason: String,
        /// The verb's usage line.
        usage: &'static str,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            ParseError::Empty => "empty command; type `help` for the list".to_owned(),
            ParseError::TooLong { len } => {
                format!("line too long ({len} bytes, max {MAX_LINE_BYTES})")
            }
            ParseError::UnterminatedQuote => "unterminated quote: close it with \"".to_owned(),
            ParseError::UnknownVerb { verb, suggestions } if suggestions.is_empty() => {
                format!("unknown command `{verb}`; type `help` for the list")
            }
            ParseError::UnknownVerb { verb, suggestions } => {
                format!(
                    "unknown command `{verb}` — did you mean: {}?",
                    suggestions.join(", ")
                )
            }
            ParseError::Usage { reason, usage } => format!("{reason} — usage: {usage}"),
        };
        f.write_str(&clip(&message, MAX_ERROR_BYTES))
    }
}

/// One verb of the grammar, for help text and suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verb {
    /// The full name.
    pub name: &'static str,
    /// Other spellings, shortest first.
    pub aliases: &'static [&'static str],
    /// The usage line, as shown in errors.
    pub usage: &'static str,
}

const fn verb(name: &'static str, aliases: &'static [&'static str], usage: &'static str) -> Verb {
    Verb {
        name,
        aliases,
        usage,
    }
}

const ROLL: Verb = verb("roll", &["r"], "r 1d20+5 [adv|dis]");
const CHECK: Verb = verb("check", &[], "check ath|str [adv|dis]");
const SAVE: Verb = verb("save", &[], "save str|dex|con|int|wis|cha [adv|dis]");
const ATTACK: Verb = verb("attack", &["a"], "a [weapon] [-t target]... [adv|dis]");
const CAST: Verb = verb(
    "cast",
    &["c"],
    "c spell [targets] | cast spell -t t1 [-l N] [-c choice]",
);
const OFFHAND: Verb = verb(
    "offhand",
    &["oh"],
    "offhand [light weapon] [-t target] [adv|dis]",
);
const RAGE: Verb = verb("rage", &[], "rage");
const SECOND_WIND: Verb = verb("secondwind", &["sw"], "secondwind");
const SURGE: Verb = verb("surge", &["actionsurge"], "surge");
const DASH: Verb = verb("dash", &[], "dash");
const DODGE: Verb = verb("dodge", &[], "dodge");
const DISENGAGE: Verb = verb("disengage", &[], "disengage");
const HIDE: Verb = verb("hide", &[], "hide");
const HELP: Verb = verb("help", &[], "help [target] (alone: the command list)");
const GRAPPLE: Verb = verb("grapple", &[], "grapple target");
const SHOVE: Verb = verb("shove", &[], "shove target [prone|away]");
const READY: Verb = verb(
    "ready",
    &[],
    "ready <attack or cast> when <creature> comes|moves|attacks",
);
const REACT: Verb = verb("react", &[], "react shield on|off");
const USE: Verb = verb("use", &[], "use item [-t target]");
const MOVE: Verb = verb("move", &["m"], "move engaged|near|far target");
const END: Verb = verb("end", &["e", "n", "next"], "end");
const DEATHSAVE: Verb = verb("deathsave", &["ds"], "ds");
const INIT: Verb = verb("init", &["join"], "init");
const STATUS: Verb = verb("status", &["s"], "status");
const SHEET: Verb = verb("sheet", &[], "sheet [name]");
const CHAR: Verb = verb(
    "char",
    &[],
    "char new NAME CLASS LEVEL RACE [array|pointbuy|rolled|manual 15,..] [sub X] [bg X] [gold] | char roll|choose|set|use",
);
const REST: Verb = verb("rest", &["shortrest", "longrest"], "rest short|long");
const VOTE: Verb = verb(
    "vote",
    &[],
    "vote \"option 1\" \"option 2\"... (to vote: v 2)",
);
const VOTE_FOR: Verb = verb("v", &[], "v <option number or start of its text>");
const VERIFY: Verb = verb("verify", &[], "verify");
const LEVELUP: Verb = verb("levelup", &["lvlup"], "levelup [CLASS] [roll|avg]");
const COMMANDS: Verb = verb("commands", &["?"], "help");
const DM: Verb = verb(
    "dm",
    &[],
    "dm encounter|end|madd|hp|cond|set|xp|loot|levelup|narrate|decide|reveal|as|lock|allow|note|adventure|move|map",
);
const MADD: Verb = verb("madd", &[], "madd monster [-n 1-20] [--avg]");
const NOTE: Verb = verb("note", &[], "note TEXT");
const NOTES: Verb = verb("notes", &[], "notes [about WORDS]");
const RECAP: Verb = verb("recap", &[], "recap");
const NARRATE: Verb = verb("narrate", &[], "narrate on|off");
const LOOK: Verb = verb("look", &["l"], "look");
const GO: Verb = verb("go", &["g"], "go n|s|e|w|u|d | go 2 | go arch");
const SEARCH: Verb = verb("search", &["sr"], "search");
const OPEN: Verb = verb("open", &[], "open EXIT");
const PICK: Verb = verb("pick", &[], "pick EXIT (thieves' tools)");
const FORCE: Verb = verb("force", &[], "force EXIT");
const DISARM: Verb = verb("disarm", &[], "disarm TRAP");
const TALK: Verb = verb("talk", &[], "talk NPC [help|persuade|about...]");
const TAKE: Verb = verb("take", &[], "take");
const LEAVE: Verb = verb("leave", &[], "leave (at the way in: end the adventure)");
const LIGHT: Verb = verb("light", &["douse"], "light | douse");
const LEADER: Verb = verb("leader", &[], "leader NAME|none");
const ORDER: Verb = verb("order", &["march"], "order NAME NAME... (front first)");
const PARTY: Verb = verb("party", &["pj"], "party | party join [CODE] | party leave");

/// Every player verb (and `dm`, `madd`), in help-text order.
pub const VERBS: &[Verb] = &[
    ROLL,
    CHECK,
    SAVE,
    ATTACK,
    OFFHAND,
    RAGE,
    SECOND_WIND,
    SURGE,
    CAST,
    DASH,
    DODGE,
    DISENGAGE,
    HIDE,
    HELP,
    GRAPPLE,
    SHOVE,
    READY,
    REACT,
    USE,
    MOVE,
    END,
    DEATHSAVE,
    INIT,
    STATUS,
    SHEET,
    CHAR,
    REST,
    VOTE,
    VOTE_FOR,
    VERIFY,
    LEVELUP,
    COMMANDS,
    DM,
    MADD,
    CHOOSE,
    NOTE,
    NOTES,
    RECAP,
    NARRATE,
    LOOK,
    GO,
    SEARCH,
    OPEN,
    PICK,
    FORCE,
    DISARM,
    TALK,
    TAKE,
    LEAVE,
    LIGHT,
    LEADER,
    ORDER,
    PARTY,
];

const DM_ENCOUNTER: Verb = verb("encounter", &["begin", "start"], "dm encounter");
const DM_END: Verb = verb("end", &[], "dm end");
const DM_HP: Verb = verb("hp", &[], "dm hp target -5|+7");
const DM_COND: Verb = verb(
    "cond",
    &["condition"],
    "dm cond target add|remove condition",
);
const DM_SET: Verb = verb("set", &[], "dm set NAME FIELD VALUE \"reason\"");
const DM_XP: Verb = verb("xp", &[], "dm xp AMOUNT [names...] (or -to names)");
const DM_LOOT: Verb = verb("loot", &[], "dm loot [50gp] [item, item...] [-to names...]");
const DM_LEVELUP: Verb = verb("levelup", &[], "dm levelup NAME [CLASS] [roll|avg]");
const DM_NARRATE: Verb = verb("narrate", &[], "dm narrate <text>");
const DM_DECIDE: Verb = verb("decide", &[], "dm decide <option>");
const DM_PLACE: Verb = verb("place", &[], "dm place A engaged|near|far B");
const DM_REVEAL: Verb = verb("reveal", &[], "dm reveal");
const DM_AS: Verb = verb("as", &[], "dm as HANDLE <player command>");
const DM_NOTE: Verb = verb("note", &[], "dm note [private] TEXT");
const DM_ADVENTURE: Verb = verb("adventure", &[], "dm adventure ID");
const DM_MOVE: Verb = verb("move", &[], "dm move party AREA");
const DM_MAP: Verb = verb("map", &[], "dm map");
const DM_ACCESS: Verb = verb(
    "access",
    &[],
    "dm access open|invite|closed | dm access watch on|off",
);
const DM_INVITE: Verb = verb("invite", &[], "dm invite");
const DM_PARTY: Verb = verb("party", &[], "dm party add|remove NAME");

/// Every DM sub-command (after `dm`), in help-text order.
pub const DM_VERBS: &[Verb] = &[
    DM_ENCOUNTER,
    DM_END,
    MADD,
    DM_HP,
    DM_COND,
    DM_SET,
    DM_XP,
    DM_LOOT,
    DM_LEVELUP,
    DM_PLACE,
    DM_NARRATE,
    DM_DECIDE,
    DM_REVEAL,
    DM_AS,
    DM_LOCK,
    DM_ALLOW,
    DM_NOTE,
    DM_ADVENTURE,
    DM_MOVE,
    DM_MAP,
    DM_ACCESS,
    DM_INVITE,
    DM_PARTY,
];

const DM_LOCK: Verb = verb("lock", &["unlock"], "dm lock|unlock NAME");
const DM_ALLOW: Verb = verb("allow", &[], "dm allow manual on|off");
const CHOOSE: Verb = verb(
    "choose",
    &["ch"],
    "ch [spells|skills|asi|cantrips|book|languages|tools|bonus|ancestry|equipment] [picks]",
);
const CHAR_SET: Verb = verb("set", &[], "char set FIELD VALUE [\"why\"]");

fn allow(args: &[Token]) -> Result<DmCommand, ParseError> {
    match words(args, DM_ALLOW)?.as_slice() {
        [what, on] if what.is(&["manual"]) && on.is(&["on", "yes"]) => {
            Ok(DmCommand::AllowManual { on: true })
        }
        [what, off] if what.is(&["manual"]) && off.is(&["off", "no"]) => {
            Ok(DmCommand::AllowManual { on: false })
        }
        _ => Err(usage(DM_ALLOW, "say `dm allow manual on` or `off`")),
    }
}

/// The sheet fields `dm set` may change.
pub const SET_FIELDS: &[&str] = &[
    "ac", "hp", "max_hp", "str", "dex", "con", "int", "wis", "cha", "level", "xp", "gold", "speed",
    "armor", "shield", "weapons", "spells", "ammo",
];

/// Parses one line into a [`Command`].
///
/// ```
/// use dm::{Command, grammar::parse};
/// let Ok(Command::Attack { targets, .. }) = parse("a scimitar -t g1 adv") else { panic!() };
/// assert_eq!(targets, ["g1"]);
/// ```
pub fn parse(line: &str) -> Result<Command, ParseError> {
    if line.len() > MAX_LINE_BYTES {
        return Err(ParseError::TooLong { len: line.len() });
    }
    let tokens = tokenize(line)?;
    let Some((first, rest)) = tokens.split_first() else {
        return Err(ParseError::Empty);
    };
    let verb = first.text.to_lowercase();
    match verb.as_str() {
        "dm" => parse_dm(rest),
        "madd" => add_monster(rest).map(Command::Dm),
        _ => parse_player(&verb, rest),
    }
}

/// One word of the line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: String,
    /// Any part was in quotes: never a flag or keyword, always a value.
    quoted: bool,
}

impl Token {
    /// The lowercase text if the word is unquoted (keywords and flags).
    fn keyword(&self) -> Option<String> {
        (!self.quoted).then(|| self.text.to_lowercase())
    }

    fn is(&self, words: &[&str]) -> bool {
        self.keyword().is_some_and(|k| words.contains(&k.as_str()))
    }

    /// `-t`, `--avg`: a dash and a letter; `-5` is a number, `-` a word.
    fn is_flag(&self) -> bool {
        let mut chars = self.text.chars();
        !self.quoted
            && chars.next() == Some('-')
            && chars.next().is_some_and(|c| c == '-' || c.is_alphabetic())
    }
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}')
}

fn tokenize(line: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    let mut chars = line.chars();
    let mut current: Option<Token> = None;
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            tokens.extend(current.take());
        } else if is_quote(c) {
            let token = current.get_or_insert_with(|| Token {
                text: String::new(),
                quoted: true,
            });
            token.quoted = true;
            loop {
                match chars.next() {
                    None => return Err(ParseError::UnterminatedQuote),
                    Some(q) if is_quote(q) => break,
                    Some(q) => token.text.push(q),
                }
            }
        } else {
            current
                .get_or_insert_with(|| Token {
                    text: String::new(),
                    quoted: false,
                })
                .text
                .push(c);
        }
    }
    tokens.extend(current);
    Ok(tokens)
}

fn usage(verb: Verb, reason: impl Into<String>) -> ParseError {
    ParseError::Usage {
        reason: reason.into(),
        usage: verb.usage,
    }
}

/// At most `max` bytes of `text`, cut at a character boundary, with control
/// characters shown as `?` so an echo can't garble a terminal.
fn clip(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if c.is_control() { '?' } else { c };
        if out.len() + c.len_utf8() > max {
            break;
        }
        out.push(c);
    }
    out
}

/// A word of the player's, short enough to quote back in an error.
fn echo(text: &str) -> String {
    clip(text, 24)
}

fn join(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Takes `adv`/`dis` words out of the line; both cancel out, as in 5e.
fn take_advantage(tokens: &[Token]) -> (Vec<Token>, Advantage) {
    let (mut adv, mut dis) = (0, 0);
    let mut rest = Vec::new();
    for token in tokens {
        if token.is(&["adv", "advantage"]) {
            adv += 1;
        } else if token.is(&["dis", "disadv", "disadvantage"]) {
            dis += 1;
        } else {
            rest.push(token.clone());
        }
    }
    (rest, Advantage::from_sources(adv, dis))
}

/// The words and flags of a line, flags checked against the verb's.
struct Split {
    /// Unflagged words before the first flag.
    head: Vec<Token>,
    /// Unflagged words after the first flag.
    tail: Vec<Token>,
    /// Each flag (by its canonical name) with its value, in order.
    flags: Vec<(&'static str, Option<Token>)>,
}

impl Split {
    fn values(&self, name: &str) -> Vec<String> {
        self.flags
            .iter()
            .filter(|(n, _)| *n == name)
            .filter_map(|(_, v)| v.as_ref().map(|t| t.text.clone()))
            .collect()
    }

    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| *n == name)
    }

    fn bare(&self) -> Vec<Token> {
        self.head.iter().chain(&self.tail).cloned().collect()
    }
}

/// A flag a verb accepts: its spellings and whether it takes a value.
struct Flag {
    names: &'static [&'static str],
    value: bool,
}

const TARGET: Flag = Flag {
    names: &["-t"],
    value: true,
};

fn split(tokens: &[Token], accepted: &[Flag], verb: Verb) -> Result<Split, ParseError> {
    let mut out = Split {
        head: Vec::new(),
        tail: Vec::new(),
        flags: Vec::new(),
    };
    let mut iter = tokens.iter();
    while let Some(token) = iter.next() {
        if !token.is_flag() {
            if out.flags.is_empty() {
                out.head.push(token.clone());
            } else {
                out.tail.push(token.clone());
            }
            continue;
        }
        let key = token.text.to_lowercase();
        let Some(flag) = accepted.iter().find(|f| f.names.contains(&key.as_str())) else {
            return Err(usage(
                verb,
                format!("unknown option `{}`", echo(&token.text)),
            ));
        };
        let canonical = flag.names.first().copied().unwrap_or("");
        if flag.value {
            match iter.next() {
                Some(value) if !value.is_flag() => {
                    out.flags.push((canonical, Some(value.clone())));
                }
                _ => return Err(usage(verb, format!("`{canonical}` needs a value"))),
            }
        } else {
            out.flags.push((canonical, None));
        }
    }
    Ok(out)
}

/// Refuses flags for verbs that take none, then returns the words.
fn words(tokens: &[Token], verb: Verb) -> Result<Vec<Token>, ParseError> {
    Ok(split(tokens, &[], verb)?.head)
}

fn no_args(tokens: &[Token], verb: Verb, command: Command) -> Result<Command, ParseError> {
    match tokens.first() {
        None => Ok(command),
        Some(extra) => Err(usage(verb, format!("unexpected `{}`", echo(&extra.text)))),
    }
}

fn one_word(tokens: &[Token], verb: Verb, what: &str) -> Result<String, ParseError> {
    match words(tokens, verb)?.as_slice() {
        [one] => Ok(one.text.clone()),
        [] => Err(usage(verb, format!("name the {what}"))),
        [_, extra, ..] => Err(usage(verb, format!("unexpected `{}`", echo(&extra.text)))),
    }
}

/// A whole number in `range`, with `what` named in the error.
fn number<T: TryFrom<i64>>(
    text: &str,
    range: std::ops::RangeInclusive<i64>,
    what: &str,
    verb: Verb,
) -> Result<T, ParseError> {
    let bad = || {
        usage(
            verb,
            format!("{what} must be {}–{}", range.start(), range.end()),
        )
    };
    let digits = text.strip_prefix('+').unwrap_or(text);
    let value: i64 = digits.parse().map_err(|_| bad())?;
    if !range.contains(&value) {
        return Err(bad());
    }
    T::try_from(value).map_err(|_| bad())
}

fn parse_player(verb: &str, args: &[Token]) -> Result<Command, ParseError> {
    match verb {
        "r" | "roll" => roll(args),
        "check" => check(args),
        "save" => save(args),
        "a" | "attack" => attack(args),
        "oh" | "offhand" => {
            let (weapon, targets, advantage) = weapon_and_targets(args, OFFHAND)?;
            Ok(Command::OffHand {
                weapon,
                targets,
                advantage,
            })
        }
        "rage" => no_args(args, RAGE, Command::Feature(Feature::Rage)),
        "sw" | "secondwind" => no_args(args, SECOND_WIND, Command::Feature(Feature::SecondWind)),
        "surge" | "actionsurge" => no_args(args, SURGE, Command::Feature(Feature::ActionSurge)),
        "c" | "cast" => cast(args),
        "dash" => no_args(args, DASH, Command::Act(Simple::Dash)),
        "dodge" => no_args(args, DODGE, Command::Act(Simple::Dodge)),
        "disengage" => no_args(args, DISENGAGE, Command::Act(Simple::Disengage)),
        "hide" => no_args(args, HIDE, Command::Act(Simple::Hide)),
        "help" if args.is_empty() => Ok(Command::Commands),
        "help" => Ok(Command::Help {
            target: one_word(args, HELP, "creature")?,
        }),
        "?" | "commands" => Ok(Command::Commands),
        "grapple" => Ok(Command::Grapple {
            target: one_word(args, GRAPPLE, "creature")?,
        }),
        "shove" => shove(args),
        "ready" if args.is_empty() => Err(usage(READY, "say what you ready")),
        // Quotes are kept so the readied command parses the same later.
        "ready" => Ok(Command::Ready {
            action: args
                .iter()
                .map(|t| {
                    if t.quoted {
                        format!("\"{}\"", t.text)
                    } else {
                        t.text.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        }),
        "react" => react(args),
        "use" => use_item(args),
        "m" | "move" => move_to(args),
        "e" | "n" | "end" | "next" => no_args(args, END, Command::EndTurn),
        "ds" | "deathsave" => no_args(args, DEATHSAVE, Command::DeathSave),
        "init" | "join" => no_args(args, INIT, Command::JoinInitiative),
        "s" if !args.is_empty() => Err(usage(SAVE, "`s` alone is status; a save is `save dex`")),
        "s" | "status" => no_args(args, STATUS, Command::Status),
        "sheet" => {
            let name = join(&words(args, SHEET)?);
            Ok(Command::Sheet {
                name: (!name.is_empty()).then_some(name),
            })
        }
        "char" => new_character(args),
        "rest" => rest(args),
        "shortrest" => no_args(args, REST, Command::Rest { long: false }),
        "longrest" => no_args(args, REST, Command::Rest { long: true }),
        "vote" => vote(args),
        "v" if args.is_empty() => Err(usage(VOTE_FOR, "say which option")),
        "v" => Ok(Command::VoteFor { option: join(args) }),
        "verify" => no_args(args, VERIFY, Command::Verify),
        "levelup" | "lvlup" => level_up(args),
        "ch" | "choose" => choose(args),
        "note" if args.is_empty() => Err(usage(NOTE, "write the note")),
        "note" => Ok(Command::Note { text: join(args) }),
        "notes" => notes(args),
        "recap" => no_args(args, RECAP, Command::Recap),
        "narrate" => match args {
            [t] if t.text.eq_ignore_ascii_case("on") => Ok(Command::RadioNarration { on: true }),
            [t] if t.text.eq_ignore_ascii_case("off") => Ok(Command::RadioNarration { on: false }),
            _ => Err(usage(
                NARRATE,
                "say on or off (the DM tells the story with `dm narrate TEXT`)",
            )),
        },
        "l" | "look" => no_args(args, LOOK, Command::Look),
        "g" | "go" if args.is_empty() => Err(usage(GO, "say which way")),
        "g" | "go" => Ok(Command::Go {
            exit: join(args),
            vote_secs: None,
        }),
        "sr" | "search" => no_args(args, SEARCH, Command::Search),
        "open" if args.is_empty() => Err(usage(OPEN, "say which door")),
        "open" => Ok(Command::Open { exit: join(args) }),
        "pick" if args.is_empty() => Err(usage(PICK, "say which door")),
        "pick" => Ok(Command::Pick { exit: join(args) }),
        "force" if args.is_empty() => Err(usage(FORCE, "say which door")),
        "force" => Ok(Command::Force { exit: join(args) }),
        "disarm" if args.is_empty() => Err(usage(DISARM, "say which trap")),
        "disarm" => Ok(Command::Disarm { trap: join(args) }),
        "talk" => match args.split_first() {
            Some((npc, say)) => Ok(Command::Talk {
                npc: npc.text.clone(),
                say: join(say),
            }),
            None => Err(usage(TALK, "say to whom")),
        },
        "take" => no_args(args, TAKE, Command::Take),
        "leave" => no_args(args, LEAVE, Command::Leave),
        "light" => no_args(args, LIGHT, Command::Light { on: true }),
        "douse" => no_args(args, LIGHT, Command::Light { on: false }),
        "leader" => {
            let name = one_word(args, LEADER, "character")?;
            Ok(Command::Leader {
                name: (!matches!(name.to_lowercase().as_str(), "none" | "nobody")).then_some(name),
            })
        }
        "order" | "march" if args.is_empty() => Err(usage(ORDER, "name the characters")),
        "order" | "march" => Ok(Command::March { order: texts(args) }),
        "party" => party(args),
        "pj" => Ok(Command::Party {
            action: Some(PartyAction::Join {
                code: optional_word(args, PARTY, "invite code")?,
            }),
        }),
        _ => Err(unknown(verb, VERBS, "")),
    }
}

fn unknown(verb: &str, verbs: &[Verb], prefix: &str) -> ParseError {
    ParseError::UnknownVerb {
        verb: format!("{prefix}{}", echo(verb)),
        suggestions: suggest(verb, verbs)
            .into_iter()
            .map(|v| {
                if v.aliases.is_empty() {
                    format!("{prefix}{}", v.name)
                } else {
                    format!("{prefix}{} ({})", v.name, v.aliases.join("/"))
                }
            })
            .collect(),
    }
}

/// Up to three verbs whose name or an alias is within a small edit distance.
fn suggest(typed: &str, verbs: &[Verb]) -> Vec<Verb> {
    // Long garbage is no typo of a short verb; this also bounds the work.
    let typed: String = typed.chars().take(16).collect();
    let limit = if typed.chars().count() <= 3 { 1 } else { 2 };
    let mut scored: Vec<(usize, Verb)> = verbs
        .iter()
        .filter_map(|v| {
            std::iter::once(v.name)
                .chain(v.aliases.iter().copied())
                .map(|name| edit_distance(&typed, name))
                .min()
                .filter(|d| *d <= limit)
                .map(|d| (d, *v))
        })
        .collect();
    scored.sort_by_key(|(d, _)| *d);
    // Only the closest: one typo away from `attack` is not a word for `talk`.
    let best = scored.first().map_or(0, |(d, _)| *d);
    scored
        .into_iter()
        .take_while(|(d, _)| *d == best)
        .take(3)
        .map(|(_, v)| v)
        .collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            let delete = previous[j + 1] + 1;
            let insert = current[j] + 1;
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous[b.len()]
}

fn roll(args: &[Token]) -> Result<Command, ParseError> {
    let (rest, advantage) = take_advantage(args);
    if rest.is_empty() {
        return Err(usage(ROLL, "give a dice expression"));
    }
    Ok(Command::Roll {
        expr: join(&rest),
        advantage,
    })
}

fn check(args: &[Token]) -> Result<Command, ParseError> {
    let (rest, advantage) = take_advantage(args);
    let what = join(&words(&rest, CHECK)?);
    if what.is_empty() {
        return Err(usage(CHECK, "name a skill or ability"));
    }
    Ok(Command::Check { what, advantage })
}

fn save(args: &[Token]) -> Result<Command, ParseError> {
    let (rest, advantage) = take_advantage(args);
    let name = one_word(&rest, SAVE, "ability")?;
    let ability = name
        .parse::<Ability>()
        .map_err(|_| usage(SAVE, format!("unknown ability `{}`", echo(&name))))?;
    Ok(Command::Save { ability, advantage })
}

fn attack(args: &[Token]) -> Result<Command, ParseError> {
    let (weapon, targets, advantage) = weapon_and_targets(args, ATTACK)?;
    Ok(Command::Attack {
        weapon,
        targets,
        advantage,
    })
}

/// The words of an attack: weapon, targets, advantage.
fn weapon_and_targets(
    args: &[Token],
    verb: Verb,
) -> Result<(String, Vec<String>, Advantage), ParseError> {
    let (rest, advantage) = take_advantage(args);
    let split = split(&rest, &[TARGET], verb)?;
    let mut targets = split.values("-t");
    let weapon = if split.has("-t") {
        targets.extend(split.tail.iter().map(|t| t.text.clone()));
        join(&split.head)
    } else {
        match split.head.split_last() {
            None => String::new(),
            Some((target, weapon)) => {
                targets.push(target.text.clone());
                join(weapon)
            }
        }
    };
    Ok((weapon, targets, advantage))
}

fn cast(args: &[Token]) -> Result<Command, ParseError> {
    let split = split(
        args,
        &[
            TARGET,
            Flag {
                names: &["-l"],
                value: true,
            },
            Flag {
                names: &["-c"],
                value: true,
            },
        ],
        CAST,
    )?;
    let (spell, mut targets) = if split.has("-t") {
        (join(&split.head), Vec::new())
    } else {
        let (spell, targets) = split.head.split_at(spell_words(&split.head));
        (join(spell), texts(targets))
    };
    if spell.is_empty() {
        return Err(usage(CAST, "name the spell first"));
    }
    targets.extend(split.values("-t"));
    targets.extend(texts(&split.tail));
    let level = match split.values("-l").as_slice() {
        [] => None,
        [one] => Some(number(one, 1..=9, "slot level", CAST)?),
        _ => return Err(usage(CAST, "give `-l` once")),
    };
    let choice = match split.values("-c").as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        _ => return Err(usage(CAST, "give `-c` once")),
    };
    Ok(Command::Cast {
        spell,
        targets,
        level,
        choice,
    })
}

/// How many of the leading `words` are the spell's name: the longest run
/// of two or more that names an SRD spell, or else the first word alone.
fn spell_words(words: &[Token]) -> usize {
    // The most words in any spell's name, counted once.
    static LONGEST: OnceLock<usize> = OnceLock::new();
    let longest = *LONGEST.get_or_init(|| {
        content::spells()
            .iter()
            .map(|s| s.name.split_whitespace().count())
            .max()
            .unwrap_or(1)
    });
    (2..=longest.min(words.len()))
        .rev()
        .find(|&n| content::spell(&join(&words[..n])).is_some())
        .unwrap_or(words.len().min(1))
}

fn texts(tokens: &[Token]) -> Vec<String> {
    tokens.iter().map(|t| t.text.clone()).collect()
}

fn shove(args: &[Token]) -> Result<Command, ParseError> {
    let words = words(args, SHOVE)?;
    let (modes, targets): (Vec<&Token>, Vec<&Token>) =
        words.iter().partition(|t| t.is(&["prone", "away", "push"]));
    let target = match targets.as_slice() {
        [one] => one.text.clone(),
        [] => return Err(usage(SHOVE, "name the creature")),
        [_, extra, ..] => {
            return Err(usage(SHOVE, format!("unexpected `{}`", echo(&extra.text))));
        }
    };
    let prone = match modes.as_slice() {
        [] => false,
        [mode] => mode.is(&["prone"]),
        _ => return Err(usage(SHOVE, "choose prone or away, once")),
    };
    Ok(Command::Shove { target, prone })
}

fn react(args: &[Token]) -> Result<Command, ParseError> {
    match words(args, REACT)?.as_slice() {
        [reaction, switch] if switch.is(&["on", "off"]) => Ok(Command::React {
            reaction: reaction.text.clone(),
            on: switch.is(&["on"]),
        }),
        [_, other] => Err(usage(
            REACT,
            format!("say on or off, not `{}`", echo(&other.text)),
        )),
        _ => Err(usage(REACT, "name the reaction, then on or off")),
    }
}

fn use_item(args: &[Token]) -> Result<Command, ParseError> {
    let split = split(args, &[TARGET], USE)?;
    let item = join(&split.bare());
    if item.is_empty() {
        return Err(usage(USE, "name the item"));
    }
    let target = match split.values("-t").as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        _ => return Err(usage(USE, "one target only")),
    };
    Ok(Command::Use { item, target })
}

fn move_to(args: &[Token]) -> Result<Command, ParseError> {
    let words = words(args, MOVE)?;
    let [a, b] = words.as_slice() else {
        return Err(usage(MOVE, "give a distance and a creature"));
    };
    let distance = |t: &Token| t.keyword().and_then(|k| k.parse::<Distance>().ok());
    let (to, target) = match (distance(a), distance(b)) {
        (Some(to), _) => (to, b),
        (None, Some(to)) => (to, a),
        (None, None) => return Err(usage(MOVE, "say engaged, near or far")),
    };
    Ok(Command::Move {
        to,
        target: target.text.clone(),
    })
}

fn place(args: &[Token]) -> Result<DmCommand, ParseError> {
    let words = words(args, DM_PLACE)?;
    let [who, to, other] = words.as_slice() else {
        return Err(usage(
            DM_PLACE,
            "give two creatures and a distance between them",
        ));
    };
    let to = to
        .keyword()
        .and_then(|k| k.parse::<Distance>().ok())
        .ok_or_else(|| usage(DM_PLACE, "say engaged, near or far"))?;
    Ok(DmCommand::Place {
        who: who.text.clone(),
        to,
        other: other.text.clone(),
    })
}

/// The 5e point-buy cost of a score of 8–15.
fn point_cost(score: u8) -> Option<u32> {
    match score {
        8..=13 => Some(u32::from(score) - 8),
        14 => Some(7),
        15 => Some(9),
        _ => None,
    }
}

fn new_character(args: &[Token]) -> Result<Command, ParseError> {
    let words = words(args, CHAR)?;
    let Some((sub, rest)) = words.split_first() else {
        return Err(usage(CHAR, "say `char new`"));
    };
    if sub.is(&["use", "switch"]) {
        return match rest {
            [] => Err(usage(CHAR, "say which character: `char use NAME`")),
            name => Ok(Command::UseCharacter { name: join(name) }),
        };
    }
    // A file can't travel in a line of text: the transports read it.
    if sub.is(&["import", "export"]) {
        return Err(usage(
            CHAR,
            format!(
                "`char {}` needs a file: use /char {0} or the console",
                sub.text.to_lowercase()
            ),
        ));
    }
    if sub.is(&["roll"]) {
        return no_args(rest, CHAR, Command::RollScores);
    }
    if sub.is(&["choose", "ch"]) {
        return choose(rest);
    }
    if sub.is(&["set"]) {
        return set_own(rest);
    }
    if !sub.is(&["new"]) {
        return Err(usage(CHAR, format!("unknown `char {}`", echo(&sub.text))));
    }
    let [name, class, level, rest @ ..] = rest else {
        return Err(usage(CHAR, "give name, class, level and race"));
    };
    let level = number(&level.text, 1..=20, "level", CHAR)?;
    let first_option = rest
        .iter()
        .position(|t| t.is(SCORE_WORDS) || t.is(OPTION_WORDS))
        .unwrap_or(rest.len());
    let (race, mut options) = rest.split_at(first_option);
    if race.is_empty() {
        return Err(usage(CHAR, "name the race"));
    }
    let mut new = NewCharacter {
        name: name.text.clone(),
        class: class.text.clone(),
        level,
        race: join(race),
        ..NewCharacter::default()
    };
    let mut scores_given = false;
    while let Some((word, after)) = options.split_first() {
        // The option's value runs to the next option word.
        let end = after
            .iter()
            .position(|t| t.is(SCORE_WORDS) || t.is(OPTION_WORDS))
            .unwrap_or(after.len());
        let (value, next) = after.split_at(end);
        options = next;
        if word.is(SCORE_WORDS) {
            if scores_given {
                return Err(usage(CHAR, "give one way of setting the scores"));
            }
            scores_given = true;
            new.scores = if word.is(&["array", "standard"]) {
                match value.first() {
                    None => Scores::StandardArray,
                    Some(e) => return Err(usage(CHAR, format!("unexpected `{}`", echo(&e.text)))),
                }
            } else if word.is(&["pointbuy", "pb"]) {
                Scores::PointBuy {
                    scores: point_buy(value)?,
                }
            } else if word.is(&["rolled", "roll"]) {
                let scores = six_scores(value, true)?;
                Scores::Rolled { scores }
            } else {
                Scores::Manual {
                    scores: six_scores(value, false)?,
                }
            };
            continue;
        }
        if word.is(&["gold"]) {
            if let Some(extra) = value.first() {
                return Err(usage(CHAR, format!("unexpected `{}`", echo(&extra.text))));
            }
            new.starting_gold = true;
            continue;
        }
        if value.is_empty() {
            return Err(usage(
                CHAR,
                format!("say which after `{}`", echo(&word.text)),
            ));
        }
        let slot = if word.is(&["sub", "subclass"]) {
            &mut new.subclass
        } else {
            &mut new.background
        };
        if slot.is_some() {
            return Err(usage(CHAR, format!("`{}` given twice", echo(&word.text))));
        }
        *slot = Some(join(value));
    }
    Ok(Command::NewCharacter(new))
}

/// The words that choose how `char new` sets the scores.
const SCORE_WORDS: &[&str] = &[
    "array", "standard", "pointbuy", "pb", "rolled", "roll", "manual",
];
/// The other options of `char new`.
const OPTION_WORDS: &[&str] = &["sub", "subclass", "bg", "background", "gold"];

/// Six scores of 3–18 (`15,14,13,12,10,8`); none at all when `may_be_empty`
/// (rolled scores placed by the class's priorities).
fn six_scores(tokens: &[Token], may_be_empty: bool) -> Result<Vec<u8>, ParseError> {
    let text = join(tokens);
    let parts: Vec<&str> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() && may_be_empty {
        return Ok(Vec::new());
    }
    if parts.len() != 6 {
        return Err(usage(
            CHAR,
            "give six scores, str to cha (15,14,13,12,10,8)",
        ));
    }
    parts
        .iter()
        .map(|p| number(p, 3..=18, "each score", CHAR))
        .collect()
}

/// `char choose [KIND picks…]` and `ch …`.
fn choose(args: &[Token]) -> Result<Command, ParseError> {
    let words = words(args, CHOOSE)?;
    let Some((kind, picks)) = words.split_first() else {
        return Ok(Command::Choose {
            kind: None,
            picks: Vec::new(),
        });
    };
    let picks: Vec<String> = picks
        .iter()
        .flat_map(|t| {
            if t.quoted {
                vec![t.text.clone()]
            } else {
                t.text
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect()
            }
        })
        .collect();
    if picks.len() > 40 {
        return Err(usage(CHOOSE, "too many picks"));
    }
    Ok(Command::Choose {
        kind: Some(kind.text.to_lowercase()),
        picks,
    })
}

/// `char set FIELD VALUE ["why"]`: the value is every unquoted word, the
/// reason the quoted one at the end.
fn set_own(args: &[Token]) -> Result<Command, ParseError> {
    let Some((field, rest)) = args.split_first() else {
        return Err(usage(CHAR_SET, "name the field"));
    };
    let (value, reason) = match rest.split_last() {
        Some((last, value)) if last.quoted && !value.is_empty() => (join(value), last.text.clone()),
        _ => (join(rest), String::new()),
    };
    if value.trim().is_empty() {
        return Err(usage(CHAR_SET, "give the value"));
    }
    let field = field.text.to_lowercase().replace('-', "_");
    if !OWN_FIELDS.contains(&field.as_str()) {
        return Err(usage(
            CHAR_SET,
            format!("no field `{}`: {}", echo(&field), OWN_FIELDS.join(", ")),
        ));
    }
    Ok(Command::SetOwn {
        field,
        value,
        reason,
    })
}

/// The sheet fields `char set` may change.
pub const OWN_FIELDS: &[&str] = &[
    "background",
    "subclass",
    "ancestry",
    "languages",
    "tools",
    "armor",
    "shield",
    "weapons",
];

/// `levelup [CLASS] [roll|avg]`.
fn level_up(args: &[Token]) -> Result<Command, ParseError> {
    if args.is_empty() {
        return Ok(Command::LevelUp);
    }
    let (class, roll) = class_and_roll(args, LEVELUP)?;
    Ok(Command::LevelUpIn { class, roll })
}

fn class_and_roll(args: &[Token], verb: Verb) -> Result<(Option<String>, bool), ParseError> {
    let mut class = None;
    let mut roll = None;
    for t in words(args, verb)? {
        if t.is(&["roll", "rolled"]) || t.is(&["avg", "average"]) {
            if roll.is_some() {
                return Err(usage(verb, "say roll or avg once"));
            }
            roll = Some(t.is(&["roll", "rolled"]));
        } else if class.is_none() && content::class(&t.text).is_some() {
            class = content::class(&t.text).map(|c| c.id.clone());
        } else {
            return Err(usage(verb, format!("unexpected `{}`", echo(&t.text))));
        }
    }
    Ok((class, roll.unwrap_or(false)))
}

fn point_buy(tokens: &[Token]) -> Result<[u8; 6], ParseError> {
    let text = join(tokens);
    let parts: Vec<&str> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let [_, _, _, _, _, _] = parts.as_slice() else {
        return Err(usage(CHAR, "point buy needs six scores, str to cha"));
    };
    let mut scores = [8u8; 6];
    for (score, part) in scores.iter_mut().zip(&parts) {
        *score = number(part, 8..=15, "each point-buy score", CHAR)?;
    }
    let cost: u32 = scores.iter().filter_map(|s| point_cost(*s)).sum();
    if cost > 27 {
        return Err(usage(
            CHAR,
            format!("point buy costs {cost} points, max 27"),
        ));
    }
    Ok(scores)
}

fn rest(args: &[Token]) -> Result<Command, ParseError> {
    match words(args, REST)?.as_slice() {
        [kind] if kind.is(&["short", "sr"]) => Ok(Command::Rest { long: false }),
        [kind] if kind.is(&["long", "lr"]) => Ok(Command::Rest { long: true }),
        _ => Err(usage(REST, "say short or long")),
    }
}

fn vote(args: &[Token]) -> Result<Command, ParseError> {
    let options = texts(args);
    if options.len() < 2 {
        return Err(usage(VOTE, "give at least two options"));
    }
    if options.iter().any(|o| o.trim().is_empty()) {
        return Err(usage(VOTE, "options can't be empty"));
    }
    Ok(Command::Vote { options })
}

fn parse_dm(args: &[Token]) -> Result<Command, ParseError> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(usage(DM, "say which DM command"));
    };
    let sub_name = sub.text.to_lowercase();
    let command = match sub_name.as_str() {
        "encounter" | "begin" | "start" => {
            no_args(rest, DM_ENCOUNTER, Command::Dm(DmCommand::StartEncounter))?
        }
        "end" => no_args(rest, DM_END, Command::Dm(DmCommand::EndEncounter))?,
        "madd" => Command::Dm(add_monster(rest)?),
        "hp" => Command::Dm(hp(rest)?),
        "cond" | "condition" => Command::Dm(condition(rest)?),
        "set" => Command::Dm(set_field(rest)?),
        "xp" => Command::Dm(xp(rest)?),
        "loot" => Command::Dm(loot(rest)?),
        "levelup" => match rest {
            [_, _, ..] => {
                let (class, roll) = class_and_roll(&rest[1..], DM_LEVELUP)?;
                Command::Dm(DmCommand::LevelUpIn {
                    character: rest[0].text.clone(),
                    class,
                    roll,
                })
            }
            _ => Command::Dm(DmCommand::LevelUp {
                character: one_word(rest, DM_LEVELUP, "character")?,
            }),
        },
        "lock" | "unlock" => Command::Dm(DmCommand::Lock {
            character: one_word(rest, DM_LOCK, "character")?,
            locked: sub_name == "lock",
        }),
        "allow" => Command::Dm(allow(rest)?),
        "place" => Command::Dm(place(rest)?),
        "narrate" if rest.is_empty() => return Err(usage(DM_NARRATE, "give the text")),
        "narrate" => Command::Dm(DmCommand::Narrate { text: join(rest) }),
        "decide" if rest.is_empty() => return Err(usage(DM_DECIDE, "say which option")),
        "decide" => Command::Dm(DmCommand::Decide { option: join(rest) }),
        "reveal" if rest.is_empty() => Command::Dm(DmCommand::RevealSeed),
        "reveal" => Command::Dm(DmCommand::RevealArea { area: join(rest) }),
        "adventure" => Command::Dm(DmCommand::Adventure {
            id: one_word(rest, DM_ADVENTURE, "adventure")?,
            adventure: None,
        }),
        "move" => match rest.split_first() {
            Some((party, area)) if party.is(&["party"]) && !area.is_empty() => {
                Command::Dm(DmCommand::MoveParty { area: join(area) })
            }
            _ => return Err(usage(DM_MOVE, "say `party` and the area")),
        },
        "map" => no_args(rest, DM_MAP, Command::Dm(DmCommand::Map))?,
        "access" => Command::Dm(access(rest)?),
        "invite" => no_args(rest, DM_INVITE, Command::Dm(DmCommand::Invite))?,
        "party" => match rest {
            [what, name @ ..] if what.is(&["add", "remove", "rm", "kick"]) && !name.is_empty() => {
                Command::Dm(DmCommand::PartyMember {
                    character: join(name),
                    add: what.is(&["add"]),
                })
            }
            _ => return Err(usage(DM_PARTY, "say add or remove, and the character")),
        },
        "as" => Command::Dm(act_as(rest)?),
        "note" => Command::Dm(dm_note(rest)?),
        _ => return Err(unknown(&sub_name, DM_VERBS, "dm ")),
    };
    Ok(command)
}

/// `party`, `party join [CODE]`, `party leave`.
fn party(args: &[Token]) -> Result<Command, ParseError> {
    let action = match args.split_first() {
        None => None,
        Some((join, rest)) if join.is(&["join", "j"]) => Some(PartyAction::Join {
            code: optional_word(rest, PARTY, "invite code")?,
        }),
        Some((leave, [])) if leave.is(&["leave", "quit"]) => Some(PartyAction::Leave),
        _ => {
            return Err(usage(
                PARTY,
                "say join (with the invite code if there is one) or leave",
            ));
        }
    };
    Ok(Command::Party { action })
}

/// None or one word: `party join` / `party join K7QF2M`.
fn optional_word(args: &[Token], verb: Verb, what: &str) -> Result<Option<String>, ParseError> {
    match args {
        [] => Ok(None),
        [one] => Ok(Some(one.text.clone())),
        _ => Err(usage(verb, format!("give one {what}"))),
    }
}

/// `dm access open|invite|closed`, `dm access watch on|off`.
fn access(args: &[Token]) -> Result<DmCommand, ParseError> {
    match args {
        [watch, on] if watch.is(&["watch", "watchers"]) => {
            let watch = if on.is(&["on", "yes"]) {
                true
            } else if on.is(&["off", "no"]) {
                false
            } else {
                return Err(usage(DM_ACCESS, "say `watch on` or `watch off`"));
            };
            Ok(DmCommand::Access {
                join: None,
                watch: Some(watch),
            })
        }
        [word] => word
            .text
            .parse::<crate::explore::Access>()
            .map(|a| DmCommand::Access {
                join: Some(a),
                watch: None,
            })
            .map_err(|why| usage(DM_ACCESS, why)),
        _ => Err(usage(
            DM_ACCESS,
            "say open, invite or closed (or watch on|off)",
        )),
    }
}

/// `notes`, `notes about the bell`, `notes bell`.
fn notes(args: &[Token]) -> Result<Command, ParseError> {
    let words = match args.first() {
        Some(t) if !t.quoted && t.text.eq_ignore_ascii_case("about") => &args[1..],
        _ => args,
    };
    if words.is_empty() && !args.is_empty() {
        return Err(usage(NOTES, "say what the notes should be about"));
    }
    let about = join(words);
    Ok(Command::Notes {
        about: (!about.is_empty()).then_some(about),
    })
}

/// `dm note [private] TEXT`.
fn dm_note(args: &[Token]) -> Result<DmCommand, ParseError> {
    let (private, text) = match args.first() {
        Some(t) if !t.quoted && t.text.eq_ignore_ascii_case("private") => (true, &args[1..]),
        _ => (false, args),
    };
    if text.is_empty() {
        return Err(usage(DM_NOTE, "write the note"));
    }
    Ok(DmCommand::Note {
        text: join(text),
        private,
    })
}

fn add_monster(args: &[Token]) -> Result<DmCommand, ParseError> {
    let split = split(
        args,
        &[
            Flag {
                names: &["-n"],
                value: true,
            },
            Flag {
                names: &["--avg", "-avg"],
                value: false,
            },
        ],
        MADD,
    )?;
    let mut name = split.bare();
    let count = match split.values("-n").as_slice() {
        [one] => number(one, 1..=20, "count", MADD)?,
        [_, _, ..] => return Err(usage(MADD, "give `-n` once")),
        // `madd goblin 3`: a trailing number is the count (no SRD name ends in one).
        [] => match name.split_last() {
            Some((last, monster))
                if !monster.is_empty() && last.text.chars().all(|c| c.is_ascii_digit()) =>
            {
                let count = number(&last.text, 1..=20, "count", MADD)?;
                name.pop();
                count
            }
            _ => 1,
        },
    };
    let monster = join(&name);
    if monster.is_empty() {
        return Err(usage(MADD, "name the monster"));
    }
    Ok(DmCommand::AddMonster {
        monster,
        count,
        average_hp: split.has("--avg"),
    })
}

fn hp(args: &[Token]) -> Result<DmCommand, ParseError> {
    let [target, delta] = args else {
        return Err(usage(DM_HP, "give a creature and a change"));
    };
    let delta = number(
        &delta.text,
        i64::from(-i32::MAX)..=i64::from(i32::MAX),
        "the change",
        DM_HP,
    )
    .map_err(|_| usage(DM_HP, "the change is a number like -5 or +7"))?;
    Ok(DmCommand::Hp {
        target: target.text.clone(),
        delta,
    })
}

fn condition(args: &[Token]) -> Result<DmCommand, ParseError> {
    let [target, action, name] = args else {
        return Err(usage(DM_COND, "give creature, add|remove, condition"));
    };
    let add = if action.is(&["add", "+"]) {
        true
    } else if action.is(&["remove", "rm", "del", "-"]) {
        false
    } else {
        return Err(usage(DM_COND, "say add or remove"));
    };
    let condition = name
        .text
        .parse::<Condition>()
        .map_err(|_| usage(DM_COND, format!("unknown condition `{}`", echo(&name.text))))?;
    Ok(DmCommand::Condition {
        target: target.text.clone(),
        condition,
        add,
    })
}

fn set_field(args: &[Token]) -> Result<DmCommand, ParseError> {
    let [character, field, value, reason @ ..] = args else {
        return Err(usage(DM_SET, "give name, field, value and reason"));
    };
    let key = field.text.to_lowercase().replace('-', "_");
    let field = match key.as_str() {
        "maxhp" => "max_hp".to_owned(),
        _ => match key.parse::<Ability>() {
            Ok(ability) => ability.abbreviation().to_lowercase(),
            Err(_) if SET_FIELDS.contains(&key.as_str()) => key,
            Err(_) => {
                return Err(usage(DM_SET, format!("no field `{}`", echo(&field.text))));
            }
        },
    };
    let reason = join(reason);
    if reason.trim().is_empty() {
        return Err(usage(DM_SET, "give a reason"));
    }
    Ok(DmCommand::SetField {
        character: character.text.clone(),
        field,
        value: value.text.clone(),
        reason,
    })
}

fn xp(args: &[Token]) -> Result<DmCommand, ParseError> {
    let Some((amount, to)) = args.split_first() else {
        return Err(usage(DM_XP, "give the amount"));
    };
    // `dm xp 50 aria bo`, or with `-to` / `-t` as `dm loot` takes them.
    let to: Vec<Token> = to
        .iter()
        .filter(|t| t.quoted || !t.is(&["-to", "-t"]))
        .cloned()
        .collect();
    Ok(DmCommand::Xp {
        amount: number(&amount.text, 0..=i64::from(u32::MAX), "the amount", DM_XP)?,
        to: texts(&to),
    })
}

fn loot(args: &[Token]) -> Result<DmCommand, ParseError> {
    let split = split(
        args,
        &[Flag {
            names: &["-to", "-t"],
            value: true,
        }],
        DM_LOOT,
    )?;
    let mut to = split.values("-to");
    to.extend(texts(&split.tail));
    let mut words: &[Token] = &split.head;
    let mut gold = 0;
    if let Some((first, rest)) = words.split_first()
        && !first.quoted
    {
        let lower = first.text.to_lowercase();
        let range = 0..=i64::from(u32::MAX);
        if let Some(amount) = lower.strip_suffix("gp") {
            gold = number(amount, range, "gold", DM_LOOT)?;
            words = rest;
        } else if let Some((unit, rest2)) = rest.split_first()
            && unit.is(&["gp"])
        {
            gold = number(&lower, range, "gold", DM_LOOT)?;
            words = rest2;
        } else if lower.chars().all(|c| c.is_ascii_digit()) {
            gold = number(&lower, range, "gold", DM_LOOT)?;
            words = rest;
        }
    }
    let mut items = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for token in words {
        if token.quoted {
            items.extend(finish(&mut current));
            items.push(token.text.clone());
            continue;
        }
        let mut pieces = token.text.split(',').peekable();
        while let Some(piece) = pieces.next() {
            if !piece.is_empty() {
                current.push(piece);
            }
            if pieces.peek().is_some() {
                items.extend(finish(&mut current));
            }
        }
    }
    items.extend(finish(&mut current));
    if gold == 0 && items.is_empty() {
        return Err(usage(DM_LOOT, "give gold or items"));
    }
    Ok(DmCommand::Loot { gold, items, to })
}

/// The words gathered so far as one item, if any.
fn finish(words: &mut Vec<&str>) -> Option<String> {
    let item = words.join(" ");
    words.clear();
    (!item.is_empty()).then_some(item)
}

fn act_as(args: &[Token]) -> Result<DmCommand, ParseError> {
    let Some((monster, rest)) = args.split_first() else {
        return Err(usage(DM_AS, "name the monster"));
    };
    let Some((verb, rest)) = rest.split_first() else {
        return Err(usage(DM_AS, "give the command"));
    };
    let verb = verb.text.to_lowercase();
    if matches!(verb.as_str(), "dm" | "madd") {
        return Err(usage(DM_AS, "a monster acts with player commands"));
    }
    Ok(DmCommand::As {
        monster: monster.text.clone(),
        command: Box::new(parse_player(&verb, rest)?),
    })
}
