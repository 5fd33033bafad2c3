//! The table's memory at play: `note`, `dm note`, `notes` and `recap`
//! (the journal itself is [`crate::journal`]).

use super::characters::actor_name;
use super::{Result, no};
use crate::event::{PlayerId, Reply};
use crate::journal::{NOTE_CAP, Recap};
use crate::table::Table;

/// How many notes `notes` shows at once.
const SHOWN: usize = 5;

/// `note TEXT` (`private` only from the DM: `dm note private TEXT`).
pub(super) fn write(
    table: &mut Table,
    actor: &PlayerId,
    text: &str,
    private: bool,
    now: u64,
    reply: &mut Reply,
) -> Result<()> {
    let text = text.trim();
    if text.is_empty() {
        return Err(no("write something: `note the bell rings at dusk`"));
    }
    if text.len() > NOTE_CAP {
        return Err(no(format!(
            "a note holds at most {NOTE_CAP} bytes ({} given): split it in two",
            text.len()
        )));
    }
    let signed = if table.is_dm(actor) && table.character_of(actor).is_none() {
        "DM".to_owned()
    } else {
        actor_name(table, actor)
    };
    table
        .journal
        .note(now, Some(actor.clone()), &signed, text, private);
    reply.say(if private {
        "Noted, for the DM's eyes only.".to_owned()
    } else {
        format!("Noted ({} in the notebook).", table.journal.notes.len())
    });
    Ok(())
}

/// `notes [about WORDS]`: the latest notes the actor may read.
pub(super) fn read(table: &Table, actor: &PlayerId, about: Option<&str>, reply: &mut Reply) {
    let dm = table.is_dm(actor);
    let found = table.journal.search(about.unwrap_or(""), dm, SHOWN);
    reply.private = true;
    if found.is_empty() {
        reply.say(match about {
            Some(a) => format!("No note mentions `{a}`."),
            None => "The notebook is empty: `note TEXT` writes in it.".to_owned(),
        });
        return;
    }
    for n in found {
        let lock = if n.private { " (DM only)" } else { "" };
        reply.say(format!("{}{lock}: {}", n.signed, n.text));
    }
}

/// `recap`: the last session, from the journal.
pub(super) fn recap(table: &Table, reply: &mut Reply) {
    match Recap::last(&table.journal) {
        Some(r) => reply.lines.push(crate::event::Line::Recap {
            text: r.text(),
            brief: r.brief(),
        }),
        None => reply.say("Nothing has happened at this table yet."),
    }
}
