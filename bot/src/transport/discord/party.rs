//! `/party`: who is in the running adventure's party, joining it (with the
//! DM's invite code where one is needed) and leaving it; and for the DM,
//! who may join (`/party access`), a new invite code (`/party invite`), and
//! adding or taking out a character (`/party add`, `/party remove`). Each
//! builds the command's text form and hands it to [`play`].

use super::explore::plain;
use super::{Context, Error, play};

/// Who may join an adventure's party.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Access {
    /// Anyone at this channel's table.
    #[name = "open"]
    Open,
    /// Only with the invite code.
    #[name = "invite"]
    Invite,
    /// No one new, unless the DM adds them.
    #[name = "closed"]
    Closed,
}

/// The adventure's party: who is in it, joining and leaving.
#[poise::command(
    slash_command,
    subcommands(
        "party_show",
        "party_join",
        "party_leave",
        "party_access",
        "party_invite",
        "party_add",
        "party_remove"
    )
)]
pub async fn party(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Who is in the party, who leads it, and who may join.
#[poise::command(slash_command, rename = "show")]
pub async fn party_show(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/party show", "party").await
}

/// Join the party with your character (with the DM's code if it is invite-only).
#[poise::command(slash_command, rename = "join")]
pub async fn party_join(
    ctx: Context<'_>,
    #[description = "The DM's invite code, if the adventure is invite-only"]
    #[max_length = 16]
    code: Option<String>,
) -> Result<(), Error> {
    let code = plain(code.as_deref().unwrap_or(""));
    let text = format!("party join {code}");
    play(ctx, text.trim(), text.trim()).await
}

/// Leave the party (your character stays at the table).
#[poise::command(slash_command, rename = "leave")]
pub async fn party_leave(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/party leave", "party leave").await
}

/// Who may join, and whether others may watch (the DM).
#[poise::command(slash_command, rename = "access")]
pub async fn party_access(
    ctx: Context<'_>,
    #[description = "Who may join"] join: Option<Access>,
    #[description = "Whether players outside the party may look on"] watchers: Option<bool>,
) -> Result<(), Error> {
    if join.is_none() && watchers.is_none() {
        return play(ctx, "/party access", "party").await;
    }
    if let Some(join) = join {
        let word = match join {
            Access::Open => "open",
            Access::Invite => "invite",
            Access::Closed => "closed",
        };
        play(
            ctx,
            &format!("/party access {word}"),
            &format!("dm access {word}"),
        )
        .await?;
    }
    if let Some(on) = watchers {
        let word = if on { "on" } else { "off" };
        play(
            ctx,
            &format!("/party access watchers {word}"),
            &format!("dm access watch {word}"),
        )
        .await?;
    }
    Ok(())
}

/// A new invite code, shown to you alone; the adventure becomes invite-only (the DM).
#[poise::command(slash_command, rename = "invite")]
pub async fn party_invite(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/party invite", "dm invite").await
}

/// Bring a character into the party, whatever the access (the DM).
#[poise::command(slash_command, rename = "add")]
pub async fn party_add(
    ctx: Context<'_>,
    #[description = "The character"]
    #[max_length = 40]
    name: String,
) -> Result<(), Error> {
    member(ctx, "add", &name).await
}

/// Take a character out of the party (the DM).
#[poise::command(slash_command, rename = "remove")]
pub async fn party_remove(
    ctx: Context<'_>,
    #[description = "The character"]
    #[max_length = 40]
    name: String,
) -> Result<(), Error> {
    member(ctx, "remove", &name).await
}

/// `/party add|remove NAME` as `dm party add|remove NAME`.
async fn member(ctx: Context<'_>, how: &str, name: &str) -> Result<(), Error> {
    let name = plain(name);
    play(
        ctx,
        &format!("/party {how} {name}"),
        &format!("dm party {how} {name}"),
    )
    .await
}
