//! Autocomplete for slash-command options: monsters from the SRD, the
//! invoking player's weapons and spells, and the creatures in the channel's
//! fight.
//! Suggestions only: whatever is chosen still goes through the grammar and
//! the rules.

use poise::serenity_prelude as serenity;

use super::{Context, table_id};

/// Discord shows at most 25 choices.
const MAX_CHOICES: usize = 25;

/// Whether `partial` (as typed so far) fits `label` or `value`.
fn fits(partial: &str, label: &str, value: &str) -> bool {
    let p = partial.trim().to_lowercase();
    p.is_empty() || label.to_lowercase().contains(&p) || value.to_lowercase().contains(&p)
}

/// `(label, value)` pairs as Discord's choices, those that fit first 25.
fn choices<'a>(
    partial: &str,
    all: impl IntoIterator<Item = (String, String)> + 'a,
) -> serenity::CreateAutocompleteResponse {
    let choices = all
        .into_iter()
        .filter(|(label, value)| fits(partial, label, value))
        .take(MAX_CHOICES)
        .map(|(label, value)| serenity::AutocompleteChoice::new(label, value))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// SRD monsters by name.
pub async fn monsters(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let all = rules::content::monsters()
        .iter()
        .map(|m| (m.name.clone(), m.name.clone()));
    choices(partial, all)
}

/// The invoking player's spells, or every SRD spell if they have none here.
pub async fn spells(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let sender = format!("discord:{}", ctx.author().id);
    let player = ctx.data().router.player_of(&sender);
    let table = ctx.data().router.table(&table_id(ctx.channel_id())).await;
    let known: Vec<String> = table
        .ok()
        .and_then(|t| {
            let handle = t.players.get(&player)?;
            Some(t.character(handle)?.spells.clone())
        })
        .unwrap_or_default();
    let all: Vec<(String, String)> = if known.is_empty() {
        rules::content::spells()
            .iter()
            .map(|s| (s.name.clone(), s.name.clone()))
            .collect()
    } else {
        known
            .iter()
            .map(|id| {
                let name = rules::content::spell(id).map_or(id.as_str(), |s| &s.name);
                (name.to_owned(), name.to_owned())
            })
            .collect()
    };
    choices(partial, all)
}

/// The invoking player's weapons, or every SRD weapon if they have none here.
pub async fn weapons(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let sender = format!("discord:{}", ctx.author().id);
    let player = ctx.data().router.player_of(&sender);
    let table = ctx.data().router.table(&table_id(ctx.channel_id())).await;
    let carried: Vec<String> = table
        .ok()
        .and_then(|t| {
            let handle = t.players.get(&player)?;
            Some(t.character(handle)?.weapons.clone())
        })
        .unwrap_or_default();
    let all: Vec<(String, String)> = if carried.is_empty() {
        rules::content::weapons()
            .iter()
            .map(|w| (w.name.clone(), w.id.clone()))
            .collect()
    } else {
        carried
            .iter()
            .map(|id| {
                let name = rules::content::weapon(id).map_or(id.as_str(), |w| &w.name);
                (name.to_owned(), id.clone())
            })
            .collect()
    };
    choices(partial, all)
}

/// The creatures in the channel's fight: "Goblin (g1)" → `g1`.
pub async fn targets(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let table = ctx.data().router.table(&table_id(ctx.channel_id())).await;
    let all: Vec<(String, String)> = table
        .ok()
        .and_then(|t| {
            let enc = t.encounter.as_ref()?;
            Some(
                enc.order
                    .iter()
                    .map(|slot| {
                        let label = match enc.monster(&slot.handle) {
                            Some(m) => m.name(),
                            None => t
                                .character(&slot.handle)
                                .map_or_else(|| slot.handle.clone(), |c| c.name.clone()),
                        };
                        (label, slot.handle.clone())
                    })
                    .collect(),
            )
        })
        .unwrap_or_default();
    choices(partial, all)
}

/// The characters at the channel's table: "Aria (level 3 wizard)" → `aria`.
pub async fn characters(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let table = ctx.data().router.table(&table_id(ctx.channel_id())).await;
    let all: Vec<(String, String)> = table
        .map(|t| {
            t.characters
                .iter()
                .map(|c| {
                    (
                        format!("{} (level {} {})", c.name, c.level, c.class),
                        c.handle.clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    choices(partial, all)
}

/// The sheet fields the DM can set.
pub async fn sheet_fields(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    // AC follows from armor and shield: it is not set by hand.
    let all = dm::grammar::SET_FIELDS
        .iter()
        .filter(|f| **f != "ac")
        .map(|f| ((*f).to_owned(), (*f).to_owned()));
    choices(partial, all)
}

/// The SRD subclasses: "Champion (fighter)" → `champion`.
pub async fn subclasses(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let all = rules::content::classes().iter().flat_map(|c| {
        c.subclasses
            .iter()
            .map(move |s| (format!("{} ({})", s.name, c.id), s.id.clone()))
    });
    choices(partial, all)
}

/// The backgrounds the builder knows.
pub async fn backgrounds(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let all = dm::builder::BACKGROUNDS
        .iter()
        .map(|b| (b.name.to_owned(), b.id.to_owned()));
    choices(partial, all)
}

/// The SRD classes.
pub async fn classes(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let all = rules::content::classes()
        .iter()
        .map(|c| (c.name.clone(), c.id.clone()));
    choices(partial, all)
}

/// The sheet fields a player may set.
pub async fn own_fields(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let all = dm::grammar::OWN_FIELDS
        .iter()
        .map(|f| ((*f).to_owned(), (*f).to_owned()));
    choices(partial, all)
}

/// The options of the invoking player's first pending choice: "3 Fire
/// Bolt" → `3` (the number the grammar takes).
pub async fn pending_options(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let sender = format!("discord:{}", ctx.author().id);
    let player = ctx.data().router.player_of(&sender);
    let table = ctx.data().router.table(&table_id(ctx.channel_id())).await;
    let from: Vec<String> = table
        .ok()
        .and_then(|t| {
            let handle = t.players.get(&player)?;
            Some(t.character(handle)?.pending.first()?.from.clone())
        })
        .unwrap_or_default();
    let all = from.iter().enumerate().map(|(i, id)| {
        let name = rules::content::spell(id).map_or(id.as_str(), |s| &s.name);
        (format!("{} {name}", i + 1), (i + 1).to_string())
    });
    choices(partial, all)
}
