//! Replies as Discord messages: an embed per reply in Avrae's manner (bold
//! labels, the dice breakdown with dropped dice struck through, the total in
//! a code span), always within Discord's limits.
//!
//! Pure: a [`Card`] is plain data, turned into serenity's builder at the
//! edge (`mod.rs`), so the limits are tested without Discord.

use std::collections::HashSet;

use dm::{HealthBand, Line, Reply, Table};

use crate::core::router::Answer;
use crate::core::turns::TurnReport;

/// Discord's limit on a message's content.
pub const MAX_CONTENT: usize = 2_000;
/// Discord's limit on an embed's title.
pub const MAX_TITLE: usize = 256;
/// Discord's limit on an embed's description.
pub const MAX_DESCRIPTION: usize = 4_096;
/// Discord's limit on an embed's footer.
pub const MAX_FOOTER: usize = 2_048;
/// Discord's limit on all of a message's embed text together.
pub const MAX_EMBED_TOTAL: usize = 6_000;

/// The embed colour of an answer that went through.
pub const GREEN: u32 = 0x2e_cc_71;
/// The embed colour of a monster's turn.
pub const RED: u32 = 0xe7_4c_3c;

/// What a message in the channel may show.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// The turn passed to someone else: ping its player.
    pub ping: bool,
    /// Display names of the monsters whose hit points and AC players do
    /// not see (Avrae's `<Bloodied>` instead of numbers).
    pub hidden: HashSet<String>,
}

impl View {
    /// The view of `table`'s channel: every monster in its fight hidden.
    pub fn of(table: &Table, ping: bool) -> Self {
        let hidden = table
            .encounter
            .iter()
            .flat_map(|e| e.monsters.iter().map(dm::encounter::MonsterState::name))
            .collect();
        Self { ping, hidden }
    }
}

/// Hit points as players see a monster's: a word, not numbers, capitalised
/// as Avrae shows it (`Bloodied`).
pub fn hp_word(hp: u32, max_hp: u32) -> String {
    let word = HealthBand::of(hp, max_hp).word();
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// One message to send: an optional embed and some content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Card {
    /// The message text (turn pings, refusals).
    pub content: String,
    /// The embed's title; no embed when it and the description are empty.
    pub title: String,
    /// The embed's description: the reply's lines.
    pub description: String,
    /// The embed's footer: whose turn it is.
    pub footer: String,
    /// The embed's colour.
    pub colour: u32,
    /// Only the one who asked sees it.
    pub ephemeral: bool,
    /// The Discord user the content pings, if any (no one else can be).
    pub mention: Option<u64>,
    /// Buttons and select menus under it.
    pub rows: Vec<super::controls::Row>,
}

impl Card {
    /// Whether the message has an embed.
    pub fn has_embed(&self) -> bool {
        !self.title.is_empty() || !self.description.is_empty()
    }

    /// The card cut to Discord's limits (content, title, description,
    /// footer, and the embed total), never inside markdown or a character.
    pub fn fitted(mut self) -> Self {
        self.content = fit(&self.content, MAX_CONTENT);
        self.title = fit(&self.title, MAX_TITLE);
        self.description = fit(&self.description, MAX_DESCRIPTION);
        let left = MAX_EMBED_TOTAL - len(&self.title) - len(&self.description);
        self.footer = fit(&self.footer, MAX_FOOTER.min(left));
        self
    }
}

/// Length as Discord counts it (UTF-16 code units: never less than the
/// number of characters, so a text that fits by this count fits).
pub fn len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `text` cut to at most `max` (as [`len`] counts): whole lines while they
/// fit, then a note of how many lines were left out. Each line's markdown is
/// balanced, so whole lines keep it intact; a first line too long alone
/// loses its markup and is cut at a character boundary.
pub fn fit(text: &str, max: usize) -> String {
    if len(text) <= max {
        return text.to_owned();
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let rest = lines.len() - i;
        let more = format!("\n… ({rest} more line{})", if rest == 1 { "" } else { "s" });
        let sep = usize::from(!out.is_empty());
        if len(&out) + sep + len(line) + len(&more) > max {
            if out.is_empty() {
                break;
            }
            out.push_str(&more);
            return out;
        }
        if sep == 1 {
            out.push('\n');
        }
        out.push_str(line);
    }
    // Not even the first line fits: plain text, cut between characters.
    let plain = plain(lines.first().copied().unwrap_or_default());
    let mut cut = String::new();
    for c in plain.chars() {
        if len(&cut) + c.len_utf16() + 1 > max {
            break;
        }
        cut.push(c);
    }
    if max > 0 {
        cut.push('…');
    }
    cut
}

/// `text` without markdown's markers, so no cut can leave one open.
fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '*' | '_' | '~' | '`' | '|' | '\\'))
        .collect()
}

/// `text` with markdown's markers escaped: names are shown as typed,
/// never as formatting.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '_' | '~' | '`' | '|' | '\\' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The DM core's prose: its `code spans` (the commands it suggests) kept,
/// everything outside them escaped, an unpaired backtick escaped too.
pub fn prose(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let paired = parts.len() % 2 == 1;
    let mut out = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        let inside = i % 2 == 1 && (paired || i + 1 < parts.len());
        if inside {
            out.push('`');
            out.push_str(part);
            out.push('`');
        } else {
            if i > 0 && i % 2 == 1 {
                out.push_str("\\`");
            }
            out.push_str(&escape(part));
        }
    }
    out
}

/// A compact dice breakdown (`4d6kh3(4,4,6,x3)+2=16`) in Avrae's manner:
/// `4d6kh3 (4, 4, 6, ~~3~~) + 2 = `16``.
pub fn dice(detail: &str, total: i64) -> String {
    let expr = match detail.rsplit_once('=') {
        Some((expr, _)) => expr,
        None => detail,
    };
    let mut out = String::new();
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' => {
                let mut group = String::new();
                for g in chars.by_ref() {
                    if g == ')' {
                        break;
                    }
                    group.push(g);
                }
                let faces: Vec<String> = group
                    .split(',')
                    .map(|f| match f.strip_prefix('x') {
                        Some(dropped) => format!("~~{}~~", escape(dropped)),
                        None => escape(f),
                    })
                    .collect();
                out.push_str(&format!(" ({})", faces.join(", ")));
            }
            c if c.is_whitespace() => {}
            '+' | '-' if !out.is_empty() => out.push_str(&format!(" {c} ")),
            c => out.push_str(&escape(&c.to_string())),
        }
    }
    format!("{} = `{total}`", out.trim())
}

/// One reply line as embed markdown, as `view` lets it show.
pub fn line(line: &Line, view: &View) -> String {
    match line {
        Line::Roll {
            who,
            label,
            detail,
            total,
        } => {
            let breakdown =
                if detail.chars().any(|c| c.is_ascii_digit() && c != '0') && detail.contains('d') {
                    dice(detail, *total)
                } else if detail.is_empty() {
                    format!("`{total}`")
                } else {
                    format!("{} = `{total}`", escape(detail))
                };
            format!(
                "**{}** — {}: {breakdown}",
                escape(who),
                escape(label.trim())
            )
        }
        Line::Attack {
            attacker,
            target,
            with,
            d20,
            total,
            ac,
            result,
            ..
        } => {
            let against = if view.hidden.contains(target) {
                String::new()
            } else {
                format!(" vs AC {ac}")
            };
            format!(
                "**{}** → **{}** ({}): **To Hit**: 1d20 ({d20}) → `{total}`{against} — **{}**",
                escape(attacker),
                escape(target),
                escape(with),
                escape(&result.to_uppercase())
            )
        }
        Line::Save {
            who,
            what,
            total,
            dc,
            success,
        } => format!(
            "**{}** — {} save: {} vs DC {dc} — **{}**",
            escape(who),
            escape(what),
            total.map_or_else(|| "auto-fail".to_owned(), |t| format!("`{t}`")),
            if *success { "success" } else { "failure" }
        ),
        Line::Damage {
            target,
            amount,
            types,
            hp,
            max_hp,
            state,
            ..
        } => {
            let kind = if types.is_empty() {
                String::new()
            } else {
                format!(" {}", escape(types))
            };
            let st = if state.is_empty() {
                String::new()
            } else {
                format!(" — **{}**", escape(state))
            };
            let left = if view.hidden.contains(target) {
                format!("<{}>", hp_word(*hp, *max_hp))
            } else {
                format!("<{hp}/{max_hp} HP>")
            };
            format!(
                "**{}** takes **{amount}**{kind} damage: {left}{st}",
                escape(target)
            )
        }
        Line::Heal {
            target,
            amount,
            hp,
            max_hp,
            ..
        } => {
            let now = if view.hidden.contains(target) {
                format!("<{}>", hp_word(*hp, *max_hp))
            } else {
                format!("<{hp}/{max_hp} HP>")
            };
            format!("**{}** heals **{amount}**: {now}", escape(target))
        }
        Line::Effect {
            target,
            what,
            began,
        } => format!(
            "**{}**: {}{}",
            escape(target),
            escape(what),
            if *began { "" } else { " ends" }
        ),
        Line::Character {
            name,
            level,
            race,
            class,
            max_hp,
            ac,
            speed,
            scores,
        } => format!(
            "**{}** — level {level} {} {}: **{max_hp}** HP, AC **{ac}**, speed {speed} ft\n{}",
            escape(name),
            escape(race),
            escape(class),
            dm::event::abilities(scores)
                .map(|(a, s)| format!("{a} **{s}**"))
                .collect::<Vec<_>>()
                .join(" · ")
        ),
        Line::Xp {
            who,
            amount,
            total,
            level_up,
        } => format!(
            "**{}** gains **{amount}** XP ({total} total){}",
            escape(who),
            if *level_up {
                " — enough for the next level: `/char levelup`"
            } else {
                ""
            }
        ),
        Line::Note { text } => prose(text),
        Line::Recap { text, .. } => prose(text),
        Line::Narration { text, .. } => format!("*{}*", prose(text)),
        Line::Area {
            name,
            text,
            exits,
            things,
            ..
        } => {
            let mut out = format!("**{}**\n{}", prose(name), prose(text));
            if exits.is_empty() {
                out.push_str("\n*No way on.*");
            } else {
                let list: Vec<String> = exits.iter().map(|e| format!("`{e}`")).collect();
                out.push_str(&format!("\n**Exits:** {}", list.join(" · ")));
            }
            if !things.is_empty() {
                out.push_str(&format!("\n**Here:** {}", prose(&things.join(", "))));
            }
            out
        }
    }
}

/// The card of a reply to `title` (the command as the player typed it).
pub fn reply(title: &str, reply: &Reply, view: &View) -> Card {
    let description = reply
        .lines
        .iter()
        .map(|l| line(l, view))
        .collect::<Vec<_>>()
        .join("\n");
    let (footer, user) = turn(reply);
    let mention = user.filter(|_| view.ping);
    Card {
        content: mention.map(|u| ping(reply, u)).unwrap_or_default(),
        title: title.to_owned(),
        description,
        footer,
        colour: GREEN,
        ephemeral: reply.private,
        mention,
        rows: Vec::new(),
    }
    .fitted()
}

/// Whose turn it is: the footer, and a ping for a Discord player.
fn turn(reply: &Reply) -> (String, Option<u64>) {
    let Some(t) = &reply.turn else {
        return (String::new(), None);
    };
    let footer = format!("Round {} — {}'s turn", t.round, t.name);
    let user = t
        .player
        .as_ref()
        .and_then(|p| p.0.strip_prefix("discord:"))
        .and_then(|id| id.parse::<u64>().ok())
        .filter(|&id| id != 0);
    (footer, user)
}

/// The content that pings `user` for `reply`'s turn.
fn ping(reply: &Reply, user: u64) -> String {
    let name = reply.turn.as_ref().map_or("", |t| t.name.as_str());
    format!("<@{user}>, it's your turn ({}).", escape(name))
}

/// The card of a command that did not go through: only its sender sees it.
pub fn refusal(why: &str) -> Card {
    Card {
        content: format!("✗ {}", prose(why)),
        ephemeral: true,
        ..Card::default()
    }
    .fitted()
}

/// The card of an answer from the router.
pub fn answer(title: &str, answer: &Answer, view: &View) -> Card {
    match answer {
        Answer::Done { reply: r, .. } | Answer::Repeated { reply: r, .. } => reply(title, r, view),
        Answer::Refused { why } => refusal(why),
        Answer::Limited { retry_after } => refusal(&format!(
            "slow down: try again in {} s",
            retry_after.as_secs() + 1
        )),
    }
}

/// The card of a monster's turn: everything it did, in order.
pub fn monster_turn(report: &TurnReport, view: &View) -> Card {
    let mut lines = Vec::new();
    if let Some(flavour) = &report.flavour {
        lines.push(format!("*{}*", escape(flavour)));
    }
    let mut last_turn = None;
    for (_, answer) in &report.played {
        match answer {
            Answer::Done { reply, .. } | Answer::Repeated { reply, .. } => {
                lines.extend(reply.lines.iter().map(|l| line(l, view)));
                if reply.turn.is_some() {
                    last_turn = Some(reply.clone());
                }
            }
            Answer::Refused { why } => lines.push(format!("✗ {}", prose(why))),
            Answer::Limited { .. } => {}
        }
    }
    let (footer, mention) = last_turn.as_ref().map(turn).unwrap_or_default();
    Card {
        content: match (&last_turn, mention) {
            (Some(r), Some(u)) => ping(r, u),
            _ => String::new(),
        },
        title: format!("{}'s turn", report.monster),
        description: lines.join("\n"),
        footer,
        colour: RED,
        ephemeral: false,
        mention,
        rows: Vec::new(),
    }
    .fitted()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dm::PlayerId;
    use dm::event::TurnNote;

    fn note(text: &str) -> Line {
        Line::Note { text: text.into() }
    }

    #[test]
    fn short_text_is_untouched() {
        assert_eq!(fit("**a** b", 10), "**a** b");
    }

    #[test]
    fn long_text_keeps_whole_lines_and_says_how_many_were_left_out() {
        let text = (0..1_000)
            .map(|i| format!("**line {i}**"))
            .collect::<Vec<_>>()
            .join("\n");
        let cut = fit(&text, MAX_DESCRIPTION);
        assert!(len(&cut) <= MAX_DESCRIPTION);
        let (kept, more) = cut.rsplit_once('\n').expect("a note at the end");
        assert!(more.starts_with("… (") && more.ends_with(" more lines)"));
        for l in kept.lines() {
            assert!(l.starts_with("**line ") && l.ends_with("**"), "{l}");
        }
        let shown = kept.lines().count();
        assert!(more.contains(&(1_000 - shown).to_string()));
    }

    #[test]
    fn one_overlong_line_loses_its_markup_and_is_cut_between_characters() {
        let text = format!("**{}**", "é🐉".repeat(1_000));
        let cut = fit(&text, 100);
        assert!(len(&cut) <= 100, "{}", len(&cut));
        assert!(!cut.contains('*'));
        assert!(cut.ends_with('…'));
        assert!(cut.starts_with("é🐉"));
    }

    #[test]
    fn a_new_character_shows_its_figures() {
        let brom = Line::Character {
            name: "Brom_".into(),
            level: 3,
            race: "dwarf".into(),
            class: "fighter".into(),
            max_hp: 31,
            ac: 18,
            speed: 25,
            scores: [15, 13, 16, 8, 13, 10],
        };
        let view = View {
            ping: false,
            hidden: HashSet::new(),
        };
        assert_eq!(
            line(&brom, &view),
            "**Brom\\_** — level 3 dwarf fighter: **31** HP, AC **18**, speed 25 ft\n\
             STR **15** · DEX **13** · CON **16** · INT **8** · WIS **13** · CHA **10**"
        );
    }

    #[test]
    fn a_huge_reply_fits_every_embed_limit() {
        let r = Reply {
            lines: (0..2_000).map(|i| note(&format!("note {i} ✨"))).collect(),
            turn: Some(TurnNote {
                round: 3,
                handle: "x".into(),
                name: "é".repeat(5_000),
                player: Some(PlayerId::new("discord:42")),
            }),
            private: false,
            announce: false,
        };
        let view = View {
            ping: true,
            ..View::default()
        };
        let card = reply(&"t".repeat(1_000), &r, &view);
        assert!(len(&card.title) <= MAX_TITLE);
        assert!(len(&card.description) <= MAX_DESCRIPTION);
        assert!(len(&card.footer) <= MAX_FOOTER);
        assert!(len(&card.content) <= MAX_CONTENT);
        assert!(len(&card.title) + len(&card.description) + len(&card.footer) <= MAX_EMBED_TOTAL);
        assert!(card.content.starts_with("<@42>"));
        assert_eq!(card.mention, Some(42));
    }

    #[test]
    fn dice_render_as_avrae_shows_them() {
        assert_eq!(
            dice("4d6kh3(4,4,6,x3)+2=16", 16),
            "4d6kh3 (4, 4, 6, ~~3~~) + 2 = `16`"
        );
        assert_eq!(dice("1d20(14)+5", 19), "1d20 (14) + 5 = `19`");
        assert_eq!(dice("d20 (8) +1", 9), "d20 (8) + 1 = `9`");
        assert_eq!(dice("2d6(1,2)*2=6", 6), "2d6 (1, 2)\\*2 = `6`");
    }

    #[test]
    fn names_cannot_inject_markdown() {
        let l = line(
            &Line::Roll {
                who: "**Bob**".into(),
                label: "1d20".into(),
                detail: "1d20(7)=7".into(),
                total: 7,
            },
            &View::default(),
        );
        assert_eq!(l, "**\\*\\*Bob\\*\\*** — 1d20: 1d20 (7) = `7`");
    }

    #[test]
    fn prose_keeps_code_spans_and_escapes_the_rest() {
        assert_eq!(
            prose("use `move engaged g1` *now*"),
            "use `move engaged g1` \\*now\\*"
        );
        assert_eq!(prose("a `b_c` d_e"), "a `b_c` d\\_e");
        assert_eq!(prose("odd ` tick_"), "odd \\` tick\\_");
    }

    #[test]
    fn players_see_a_monsters_health_as_a_word_and_no_ac() {
        let view = View {
            ping: false,
            hidden: HashSet::from(["Goblin (g1)".to_owned()]),
        };
        let hit = |target: &str| Line::Damage {
            target: target.into(),
            amount: 4,
            hp_before: 7,
            types: "slashing".into(),
            hp: 3,
            max_hp: 7,
            state: String::new(),
            parts: Vec::new(),
        };
        assert_eq!(
            line(&hit("Goblin (g1)"), &view),
            "**Goblin (g1)** takes **4** slashing damage: <Bloodied>"
        );
        assert_eq!(
            line(&hit("Brom"), &view),
            "**Brom** takes **4** slashing damage: <3/7 HP>"
        );
        let attack = Line::Attack {
            attacker: "Brom".into(),
            target: "Goblin (g1)".into(),
            with: "Longsword".into(),
            d20: 9,
            total: 14,
            ac: 15,
            result: "miss".into(),
            d20s: Vec::new(),
        };
        assert!(!line(&attack, &view).contains("AC"));
        assert_eq!(hp_word(7, 7), "Healthy");
        assert_eq!(hp_word(4, 7), "Injured");
        assert_eq!(hp_word(0, 7), "Down");
    }

    #[test]
    fn a_refusal_is_ephemeral_text() {
        let card = refusal("only the table's DM can do that");
        assert!(card.ephemeral);
        assert!(!card.has_embed());
        assert_eq!(card.content, "✗ only the table's DM can do that");
    }
}
