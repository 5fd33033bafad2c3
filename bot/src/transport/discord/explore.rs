//! The slash commands of exploring an adventure: `/look`, `/go`,
//! `/search`, `/use`, `/talk`, `/take`, `/leave`, and the DM's `/adventure`. Each
//! builds the command's text form and hands it to [`play`]; exits, things
//! and people autocomplete from the party's area as players see it.

use super::{Context, Error, play};

/// One word of the text form, without quotes or semicolons (the
/// exploring and party commands' arguments).
pub(super) fn plain(text: &str) -> String {
    text.replace(['"', '“', '”', ';'], "").trim().to_owned()
}

/// Look around: the area, its exits, what is here.
#[poise::command(slash_command)]
pub async fn look(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/look", "look").await
}

/// Go on through an exit (the leader, or a vote of the party).
#[poise::command(slash_command)]
pub async fn go(
    ctx: Context<'_>,
    #[description = "Which way: a direction, a number or a name"]
    #[autocomplete = "super::autocomplete::exits"]
    exit: String,
) -> Result<(), Error> {
    let exit = plain(&exit);
    play(ctx, &format!("/go {exit}"), &format!("go {exit}")).await
}

/// Search the area for secret ways, traps and hidden things.
#[poise::command(slash_command)]
pub async fn search(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/search", "search").await
}

/// Use something in the area (a lever) or an item you carry.
#[poise::command(slash_command, rename = "use")]
pub async fn use_thing(
    ctx: Context<'_>,
    #[description = "What to use"]
    #[autocomplete = "super::autocomplete::things"]
    thing: String,
) -> Result<(), Error> {
    let thing = plain(&thing);
    play(ctx, &format!("/use {thing}"), &format!("use {thing}")).await
}

/// Talk to someone here: a greeting, a topic, `help` or `persuade`.
#[poise::command(slash_command)]
pub async fn talk(
    ctx: Context<'_>,
    #[description = "Who"]
    #[autocomplete = "super::autocomplete::npcs"]
    npc: String,
    #[description = "A topic, help or persuade"] about: Option<String>,
) -> Result<(), Error> {
    let (npc, about) = (plain(&npc), plain(about.as_deref().unwrap_or("")));
    let text = format!("talk {npc} {about}");
    play(ctx, &format!("/talk {npc} {about}"), text.trim()).await
}

/// Take the area's treasure for the party.
#[poise::command(slash_command)]
pub async fn take(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/take", "take").await
}

/// Leave the dungeon by the way in: the adventure ends, goals unmet.
#[poise::command(slash_command)]
pub async fn leave(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/leave", "leave").await
}

/// Start an adventure at this channel's table (the DM).
#[poise::command(slash_command)]
pub async fn adventure(
    ctx: Context<'_>,
    #[description = "A shipped adventure"]
    #[autocomplete = "super::autocomplete::adventures"]
    id: String,
) -> Result<(), Error> {
    let id = plain(&id);
    play(
        ctx,
        &format!("/adventure {id}"),
        &format!("dm adventure {id}"),
    )
    .await
}
