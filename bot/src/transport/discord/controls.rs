//! Buttons and select menus under a reply: the exits of the area a reply
//! shows as buttons, a character's pending choices as select menus.
//!
//! Pure, like [`super::render`]: a [`Control`] is plain data, turned into
//! serenity's builders at the edge. A control's custom id is read back
//! ([`pressed`]) against the table as it is when pressed, so a button from
//! an old message never sends the party somewhere it no longer means.
//! Exits come from the same list `Line::Area` shows (fog of war): a secret
//! way is never a button before it is found.

use std::collections::BTreeMap;

use dm::Table;
use dm::explore::{Exploration, exit_name};
use dm::sheet::{Choice, ChoiceKind};

/// Discord's limit on action rows in a message.
pub const MAX_ROWS: usize = 5;
/// Discord's limit on buttons in a row.
pub const MAX_BUTTONS: usize = 5;
/// Discord's limit on a select menu's options.
pub const MAX_OPTIONS: usize = 25;
/// Discord's limit on a button's or an option's label.
pub const MAX_LABEL: usize = 80;
/// Discord's limit on a custom id.
pub const MAX_ID: usize = 100;

/// One button or select menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// A button that runs a command when pressed.
    Button {
        /// What it sends back (see [`pressed`]).
        id: String,
        /// What it reads.
        label: String,
    },
    /// A string select menu.
    Select {
        /// What it sends back with the values picked.
        id: String,
        /// What it reads before anything is picked.
        placeholder: String,
        /// Its options.
        options: Vec<Pick>,
        /// The fewest values to pick.
        min: u8,
        /// The most values to pick.
        max: u8,
    },
}

/// An option of a select menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    /// What it reads.
    pub label: String,
    /// What it sends back.
    pub value: String,
    /// Selected at first (what the default took).
    pub default: bool,
}

/// One action row.
pub type Row = Vec<Control>;

/// The buttons under a reply that shows the party's area: one per exit
/// players can see (`go`), then `look` and `search`. None when the reply
/// shows no area, the area shown is not the party's, or a fight is on.
pub fn exits(reply: &dm::Reply, table: &Table) -> Vec<Row> {
    let Some(ex) = table.adventure.as_deref() else {
        return Vec::new();
    };
    let Some(here) = ex.here() else {
        return Vec::new();
    };
    let shown = reply
        .lines
        .iter()
        .any(|l| matches!(l, dm::Line::Area { name, .. } if *name == here.name));
    if !shown || ex.fighting() || table.encounter.is_some() {
        return Vec::new();
    }
    let buttons: Vec<Control> = ex
        .visible_exits()
        .iter()
        .enumerate()
        .take((MAX_ROWS - 1) * MAX_BUTTONS)
        .map(|(i, e)| Control::Button {
            id: go_id(ex, i, e),
            label: cut(&ex.exit_text(e), MAX_LABEL),
        })
        .collect();
    let mut rows: Vec<Row> = buttons.chunks(MAX_BUTTONS).map(<[_]>::to_vec).collect();
    rows.push(vec![
        Control::Button {
            id: "look".to_owned(),
            label: "Look".to_owned(),
        },
        Control::Button {
            id: "search".to_owned(),
            label: "Search".to_owned(),
        },
    ]);
    rows
}

/// An exit's custom id: the area (a tag), its number as listed and its name.
fn go_id(ex: &Exploration, i: usize, exit: &dm::adventure::Exit) -> String {
    cut(
        &format!("go:{}:{}:{}", tag(&ex.area), i + 1, exit_name(exit)),
        MAX_ID,
    )
}

/// The select menus of `character`'s pending choices (of `kind` only, if
/// given): one per choice, or one per 25 options of a long one, at most
/// [`MAX_ROWS`]. A menu picks as many as the choice asks (an ASI: one or
/// two); a long choice's menus each pick that page's part (see [`Pages`]).
pub fn choices(character: &dm::character::Character, kind: Option<&str>) -> Vec<Row> {
    let mut rows = Vec::new();
    for choice in &character.pending {
        if kind.is_some_and(|k| k != choice.kind.word()) {
            continue;
        }
        let pages = choice.from.len().div_ceil(MAX_OPTIONS);
        for (page, options) in choice.from.chunks(MAX_OPTIONS).enumerate() {
            if rows.len() == MAX_ROWS {
                return rows;
            }
            let (min, max) = if choice.kind == ChoiceKind::Asi {
                (1, 2)
            } else if pages > 1 {
                (0, choice.count)
            } else {
                (choice.count, choice.count)
            };
            let fit = |n: u8| usize::from(n).min(options.len()) as u8;
            let class = choice
                .class
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            let of = if pages > 1 {
                format!(", {} of {pages}", page + 1)
            } else {
                String::new()
            };
            rows.push(vec![Control::Select {
                id: choose_id(choice, page),
                placeholder: cut(
                    &format!("{}{class}: pick {}{of}", choice.kind.word(), choice.count),
                    150,
                ),
                options: options
                    .iter()
                    .enumerate()
                    .map(|(i, id)| Pick {
                        label: cut(&option_label(choice, page * MAX_OPTIONS + i, id), MAX_LABEL),
                        value: (page * MAX_OPTIONS + i + 1).to_string(),
                        default: choice.chosen.contains(id),
                    })
                    .collect(),
                min: fit(min),
                max: fit(max),
            }]);
        }
    }
    rows
}

/// A choice's custom id: its kind, its class, a fingerprint of its options
/// (so an old menu never picks from a newer choice's list) and the page.
fn choose_id(choice: &Choice, page: usize) -> String {
    format!(
        "ch:{}:{}:{}:{page}",
        choice.kind.word(),
        choice.class.as_deref().unwrap_or("-"),
        tag(&choice.from.join(",")),
    )
}

/// An option as the menu shows it: an equipment package lettered as
/// `ch equipment` lists it (`(b) two martial weapons`), a spell by name,
/// anything else by its id.
fn option_label(choice: &Choice, index: usize, id: &str) -> String {
    if choice.kind == ChoiceKind::Equipment {
        let letter = char::from(b'a' + u8::try_from(index % 26).unwrap_or(0));
        return format!("({letter}) {}", dm::builder::option_text(id));
    }
    option_name(id)
}

/// An option as players read it: a spell's name, otherwise its id.
fn option_name(id: &str) -> String {
    rules::content::spell(id).map_or_else(|| id.to_owned(), |s| s.name.clone())
}

/// The picks made so far on each page of a choice too long for one menu
/// (option numbers, by page), kept by the caller per user and choice
/// ([`page_key`]) until they add up to what the choice asks. A page not
/// picked on yet counts with the defaults it shows.
pub type Pages = BTreeMap<usize, Vec<usize>>;

/// What a pressed control asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pressed {
    /// A command: its text form, and the title of its answer.
    Run {
        /// The command's text form.
        text: String,
        /// The answer's title.
        title: String,
    },
    /// Picks on a page of a long choice, kept: not yet as many as it asks.
    Partial {
        /// Picks in all its pages now.
        have: usize,
        /// What the choice asks.
        want: usize,
    },
}

/// What the caller keeps a long choice's [`Pages`] under, with the user:
/// the menu's id without its page.
pub fn page_key(id: &str) -> Option<&str> {
    id.strip_prefix("ch:")?;
    id.rsplit_once(':').map(|(key, _)| key)
}

/// What a pressed control asks for, or why it can no longer be done.
/// `character` (the presser's) answers choices; `pages` holds a long
/// choice's picks between presses.
pub fn pressed(
    id: &str,
    values: &[String],
    table: &Table,
    character: Option<&dm::character::Character>,
    pages: &mut Pages,
) -> Result<Pressed, String> {
    let run = |text: &str, title: &str| Pressed::Run {
        text: text.to_owned(),
        title: title.to_owned(),
    };
    match id {
        "look" => return Ok(run("look", "/look")),
        "search" => return Ok(run("search", "/search")),
        _ => {}
    }
    if let Some(rest) = id.strip_prefix("go:") {
        return pressed_go(id, rest, table).map(|(text, title)| run(&text, &title));
    }
    if let Some(rest) = id.strip_prefix("ch:") {
        return pressed_choose(rest, values, character, pages);
    }
    Err("this button is not one of ours".to_owned())
}

fn pressed_go(id: &str, rest: &str, table: &Table) -> Result<(String, String), String> {
    const MOVED: &str = "the party is no longer there: `/look` shows the ways on";
    let ex = table.adventure.as_deref().ok_or(MOVED)?;
    let mut parts = rest.splitn(3, ':');
    let (area, name) = (parts.next().unwrap_or(""), parts.nth(1).unwrap_or(""));
    if area != tag(&ex.area) {
        return Err(MOVED.to_owned());
    }
    let exits = ex.visible_exits();
    // The same exit at the same place in the list; else the one of that
    // name (a way found since may have moved it).
    let at = exits
        .iter()
        .enumerate()
        .position(|(i, e)| go_id(ex, i, e) == id)
        .or_else(|| {
            let named: Vec<usize> = exits
                .iter()
                .enumerate()
                .filter(|(i, e)| go_id(ex, *i, e).rsplit_once(':').map(|(_, n)| n) == Some(name))
                .map(|(i, _)| i)
                .collect();
            match named.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        })
        .ok_or("that way is not open now: `/look` shows the ways on")?;
    let shown = exit_name(exits[at]);
    Ok((format!("go {}", at + 1), format!("/go {shown}")))
}

fn pressed_choose(
    rest: &str,
    values: &[String],
    character: Option<&dm::character::Character>,
    pages: &mut Pages,
) -> Result<Pressed, String> {
    const STALE: &str = "these options are out of date: `/char choose` shows them again";
    let character = character.ok_or("only characters choose: `/char new` first")?;
    let mut parts = rest.split(':');
    let (kind, class, tagged, page) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().and_then(|p| p.parse::<usize>().ok()),
    );
    let page = page.ok_or(STALE)?;
    let choice = character
        .pending
        .iter()
        .find(|c| {
            c.kind.word() == kind
                && c.class.as_deref().unwrap_or("-") == class
                && tag(&c.from.join(",")) == tagged
        })
        .ok_or(STALE)?;
    let on_page = page * MAX_OPTIONS + 1..=((page + 1) * MAX_OPTIONS).min(choice.from.len());
    let mut picked = Vec::new();
    for v in values {
        let n: usize = v.parse().map_err(|_| STALE)?;
        if !on_page.contains(&n) {
            return Err(STALE.to_owned());
        }
        picked.push(n);
    }
    let count = choice.from.len().div_ceil(MAX_OPTIONS);
    let picks = if count > 1 {
        pages.insert(page, picked);
        let picks: Vec<usize> = (0..count)
            .flat_map(|p| {
                pages
                    .get(&p)
                    .cloned()
                    .unwrap_or_else(|| defaults(choice, p))
            })
            .collect();
        let want = usize::from(choice.count);
        if picks.len() != want {
            return Ok(Pressed::Partial {
                have: picks.len(),
                want,
            });
        }
        picks
    } else {
        picked
    };
    if choice.kind == ChoiceKind::Equipment {
        // `ch equipment N LETTER`: the N-th open equipment choice, its
        // package by letter (a category's item stays the default; typing
        // `/char choose equipment N b greatsword` picks another).
        let n = character
            .pending
            .iter()
            .filter(|p| p.kind == ChoiceKind::Equipment)
            .position(|p| std::ptr::eq(p, choice))
            .ok_or(STALE)?
            + 1;
        let [pick] = picks.as_slice() else {
            return Err(STALE.to_owned());
        };
        let letter = char::from(b'a' + u8::try_from((pick - 1) % 26).unwrap_or(0));
        return Ok(Pressed::Run {
            text: format!("char choose equipment {n} {letter}"),
            title: "/char choose equipment".to_owned(),
        });
    }
    let mut text = format!("char choose {kind}");
    if let Some(class) = &choice.class {
        text.push(' ');
        text.push_str(class);
    }
    for n in picks {
        text.push_str(&format!(" {n}"));
    }
    Ok(Pressed::Run {
        text,
        title: format!("/char choose {kind}"),
    })
}

/// The numbers of the options a page of `choice` shows picked at first.
fn defaults(choice: &Choice, page: usize) -> Vec<usize> {
    choice
        .from
        .iter()
        .enumerate()
        .skip(page * MAX_OPTIONS)
        .take(MAX_OPTIONS)
        .filter(|(_, id)| choice.chosen.contains(id))
        .map(|(i, _)| i + 1)
        .collect()
}

/// A short fixed-width tag of `text` (FNV-1a, 32 bits, in hex): enough to
/// tell an area or an option list from another, within a custom id's size.
fn tag(text: &str) -> String {
    let hash = text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("{hash:08x}")
}

/// `text` cut to `max` characters (Discord counts characters here).
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    text.chars().take(max - 1).chain(['…']).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A table exploring the shipped chapel, the party in `area`.
    fn at(area: &str) -> Table {
        let adventure = dm::adventure::find("the-sunken-chapel").unwrap().clone();
        let mut ex = Exploration::start(adventure);
        ex.area = area.to_owned();
        let mut table = Table::default();
        table.adventure = Some(Box::new(ex));
        table
    }

    /// A reply that shows the party's area, as `look` does.
    fn shows(table: &Table) -> dm::Reply {
        let here = table.adventure.as_deref().unwrap().here().unwrap();
        dm::Reply {
            lines: vec![dm::Line::Area {
                name: here.name.clone(),
                text: String::new(),
                short: String::new(),
                exits: Vec::new(),
                things: Vec::new(),
            }],
            ..dm::Reply::default()
        }
    }

    fn buttons(rows: &[Row]) -> Vec<(String, String)> {
        rows.iter()
            .flatten()
            .filter_map(|c| match c {
                Control::Button { id, label } => Some((id.clone(), label.clone())),
                Control::Select { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_secret_exit_is_a_button_only_once_found() {
        let mut table = at("shrine");
        let seen = buttons(&exits(&shows(&table), &table));
        let labels: Vec<&str> = seen.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["s tunnel", "Look", "Search"]);
        assert!(!format!("{seen:?}").contains("crack"), "{seen:?}");
        let ex = table.adventure.as_deref_mut().unwrap();
        ex.found.insert("shrine>sluice".to_owned());
        let seen = buttons(&exits(&shows(&table), &table));
        assert!(
            seen.iter().any(|(_, l)| l == "e crack in the wall"),
            "{seen:?}"
        );
    }

    #[test]
    fn a_press_goes_by_the_exit_s_number_and_an_old_one_is_refused() {
        let table = at("lane");
        let seen = buttons(&exits(&shows(&table), &table));
        let (porch, _) = seen.iter().find(|(_, l)| l.contains("porch")).unwrap();
        let Pressed::Run { text, title } =
            pressed(porch, &[], &table, None, &mut Pages::new()).unwrap()
        else {
            panic!("not a command");
        };
        let ex = table.adventure.as_deref().unwrap();
        let n: usize = text.strip_prefix("go ").unwrap().parse().unwrap();
        assert_eq!(ex.visible_exits()[n - 1].to, "porch", "{text}");
        assert!(title.contains("porch"), "{title}");
        // The party has moved on: the old button no longer goes anywhere.
        let elsewhere = at("porch");
        let none = &mut Pages::new();
        let refused = pressed(porch, &[], &elsewhere, None, none).unwrap_err();
        assert!(refused.contains("no longer there"), "{refused}");
        assert!(pressed("go:nonsense", &[], &table, None, none).is_err());
        assert!(pressed("rm -rf", &[], &table, None, none).is_err());
    }

    #[test]
    fn no_buttons_without_the_area_or_during_a_fight() {
        let table = at("lane");
        assert!(exits(&dm::Reply::default(), &table).is_empty());
        assert!(exits(&shows(&table), &Table::default()).is_empty());
    }

    #[test]
    fn ids_and_labels_fit_discord_s_limits() {
        let long = "x".repeat(300);
        assert_eq!(cut(&long, MAX_ID).chars().count(), MAX_ID);
        assert_eq!(cut("short", MAX_ID), "short");
        assert_eq!(tag("porch").len(), 8);
        assert_ne!(tag("porch"), tag("nave"));
    }
}
