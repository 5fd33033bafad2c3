//! Characters: who a player plays, making one, switching to another,
//! showing a sheet, and levelling up.

use super::build;
use super::creatures::find_character;
use super::text::sheet_text;
use super::{Result, no};
use crate::character::{Character, valid_name};
use crate::command::NewCharacter;
use crate::event::{Line, PlayerId, Reply};
use crate::table::Table;

/// The character the player acts as.
pub(super) fn acting_character(table: &Table, actor: &PlayerId) -> Result<String> {
    table.players.get(actor).cloned().ok_or_else(|| {
        no("you have no character here — make one with `char new NAME CLASS LEVEL RACE`")
    })
}

pub(super) fn actor_name(table: &Table, actor: &PlayerId) -> String {
    table
        .character_of(actor)
        .map_or_else(|| actor.0.clone(), |c| c.name.clone())
}

/// `char new`: a new character, which its maker owns and plays.
pub(super) fn create(
    table: &mut Table,
    actor: &PlayerId,
    new: &NewCharacter,
    now: u64,
    dice: &mut super::Dice<'_>,
    reply: &mut Reply,
) -> Result<()> {
    let mut new = new.clone();
    let (scores, used_rolled) = build::settle_scores(table, actor, &new.class, &new.scores)?;
    new.scores = scores;
    let mut c = Character::create(&new).map_err(|e| no(e.to_string()))?;
    if new.starting_gold {
        build::take_starting_gold(&mut c, actor, now, dice)?;
    }
    if used_rolled && let Some(r) = table.rolled_scores.remove(actor) {
        build::record(
            &mut c,
            actor,
            now,
            format!("scores from roll #{}", r.roll),
            "rolled at the table",
        );
    }
    if table.character(&c.handle).is_some() {
        return Err(no(format!(
            "there is already a character called {}",
            c.name
        )));
    }
    reply.lines.push(Line::Character {
        name: c.name.clone(),
        level: c.level,
        race: c.race.clone(),
        class: c.class.clone(),
        max_hp: c.health.max(),
        ac: c.ac(),
        speed: c.speed,
        scores: c.scores,
    });
    table.players.insert(actor.clone(), c.handle.clone());
    table.owners.insert(c.handle.clone(), actor.clone());
    table.characters.push(c);
    Ok(())
}

/// The most notes an import may carry, and the longest one.
const MAX_NOTES: usize = 100;
const MAX_NOTE_BYTES: usize = 300;
/// The most weapons, spells or items an imported sheet may hold.
const MAX_LIST: usize = 200;

/// `char import FILE`: a character read from a file by the transport, with
/// the same rights as `char new` (its importer owns and plays it). The
/// sheet is checked again here, since a command may come from anywhere.
pub(super) fn import(
    table: &mut Table,
    actor: &PlayerId,
    c: &Character,
    notes: &[String],
    reply: &mut Reply,
) -> Result<()> {
    if !valid_name(&c.name) || c.handle != c.name.to_lowercase() {
        return Err(no(format!(
            "name `{}`: use 1 to 24 letters, digits, `-` or `'`, starting with a letter",
            c.name.chars().take(30).collect::<String>()
        )));
    }
    let srd_class = rules::content::class(&c.class).is_some_and(|k| k.id == c.class);
    if !srd_class || !(1..=20).contains(&c.level) || c.scores.iter().any(|s| !(1..=30).contains(s))
    {
        return Err(no(
            "that sheet has no SRD class, a level outside 1-20 or a score outside 1-30",
        ));
    }
    let long = [
        c.weapons.len(),
        c.spells.len(),
        c.items.len(),
        c.homebrew_weapons.len(),
    ]
    .iter()
    .any(|n| *n > MAX_LIST);
    if long || notes.len() > MAX_NOTES || notes.iter().any(|n| n.len() > MAX_NOTE_BYTES) {
        return Err(no(format!(
            "that sheet is too long: at most {MAX_LIST} weapons, spells or items and {MAX_NOTES} notes"
        )));
    }
    if table.character(&c.handle).is_some() {
        return Err(no(format!(
            "there is already a character called {} — import it under another name",
            c.name
        )));
    }
    reply.lines.push(Line::Character {
        name: c.name.clone(),
        level: c.level,
        race: c.race.clone(),
        class: c.class.clone(),
        max_hp: c.health.max(),
        ac: c.ac(),
        speed: c.speed,
        scores: c.scores,
    });
    if !notes.is_empty() {
        reply.say(format!(
            "Imported {} ({} notes):\n{}",
            c.name,
            notes.len(),
            notes
                .iter()
                .map(|n| format!("- {n}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    table.players.insert(actor.clone(), c.handle.clone());
    table.owners.insert(c.handle.clone(), actor.clone());
    table.characters.push(c.clone());
    Ok(())
}

/// `char use NAME`: the actor plays one of its own characters (or, the DM,
/// one nobody owns or plays). False when it plays that one already, which
/// changes nothing.
pub(super) fn switch(
    table: &mut Table,
    actor: &PlayerId,
    name: &str,
    reply: &mut Reply,
) -> Result<bool> {
    let c = find_character(table, name)?;
    let (handle, shown) = (c.handle.clone(), c.name.clone());
    if table.players.get(actor) == Some(&handle) {
        reply.say(format!("You already play {shown}."));
        return Ok(false);
    }
    let owner = table.owners.get(&handle);
    let played_by = table
        .players
        .iter()
        .find(|(_, h)| **h == handle)
        .map(|(p, _)| p);
    let allowed = match (owner, played_by) {
        (Some(o), _) => o == actor,
        // Made before owners were kept: whoever played it last.
        (None, Some(p)) => p == actor,
        (None, None) => table.is_dm(actor),
    };
    if !allowed {
        return Err(no(format!(
            "{shown} is someone else's character; make your own with `char new`"
        )));
    }
    if let Some(p) = played_by.filter(|p| *p != actor) {
        return Err(no(format!("{shown} is being played by {p} right now")));
    }
    if let Some(enc) = &table.encounter {
        let current = table.players.get(actor);
        let fighting = |h: &String| enc.order.iter().any(|s| &s.handle == h);
        if fighting(&handle) || current.is_some_and(fighting) {
            return Err(no("you can't switch characters in the middle of a fight; \
                 wait for the DM to end it"));
        }
    }
    table.players.insert(actor.clone(), handle);
    reply.say(format!("You now play {shown}."));
    Ok(true)
}

/// `sheet [NAME]`: a character's sheet (the actor's own by default), told
/// to the asker alone.
pub(super) fn sheet(
    table: &Table,
    actor: &PlayerId,
    name: Option<&str>,
    reply: &mut Reply,
) -> Result<()> {
    let c = match name {
        Some(n) => find_character(table, n)?,
        None => table.character_of(actor).ok_or_else(|| {
            no("you have no character — make one with `char new NAME CLASS LEVEL RACE`")
        })?,
    };
    reply.say(sheet_text(c));
    reply.private = true;
    Ok(())
}

/// XP needed for a level (SRD table).
pub fn xp_for_level(level: u8) -> Option<u32> {
    const TABLE: [u32; 20] = [
        0, 300, 900, 2700, 6500, 14000, 23000, 34000, 48000, 64000, 85000, 100000, 120000, 140000,
        165000, 195000, 225000, 265000, 305000, 355000,
    ];
    TABLE.get(usize::from(level).checked_sub(1)?).copied()
}
