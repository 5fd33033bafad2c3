//! The slash commands: each builds the text form of its command and hands
//! it to [`play`] (except `/help`, which lists these commands). Names and
//! options follow Avrae's vocabulary.

use poise::ChoiceParameter as _;

use super::{Context, Error, play};

/// Every command the bot registers.
pub fn all() -> Vec<poise::Command<super::Data, Error>> {
    vec![
        roll(),
        character(),
        status(),
        init(),
        dm(),
        attack(),
        move_to(),
        verify(),
        help(),
    ]
}

/// One word of the text form: quoted, with any quote inside dropped.
fn word(text: &str) -> String {
    format!("\"{}\"", text.replace(['"', '“', '”'], "").trim())
}

/// Roll dice: `/roll 1d20+5`, `/roll 4d6kh3`.
#[poise::command(slash_command)]
pub async fn roll(
    ctx: Context<'_>,
    #[description = "Dice, e.g. 1d20+5 or 4d6kh3"] expr: String,
) -> Result<(), Error> {
    play(ctx, &format!("/roll {expr}"), &format!("roll {expr}")).await
}

/// Characters: `/char new`.
#[poise::command(slash_command, rename = "char", subcommands("char_new"))]
pub async fn character(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Make a character (standard array by the class's priorities).
#[poise::command(slash_command, rename = "new")]
pub async fn char_new(
    ctx: Context<'_>,
    #[description = "The character's name"] name: String,
    #[description = "Class, e.g. fighter"] class: String,
    #[description = "Level, 1 to 20"]
    #[min = 1]
    #[max = 20]
    level: u8,
    #[description = "Race, e.g. hill dwarf"] race: String,
) -> Result<(), Error> {
    let text = format!(
        "char new {} {} {level} {}",
        word(&name),
        word(&class),
        race.replace(['"', '“', '”'], "")
    );
    play(ctx, &format!("/char new {name}"), &text).await
}

/// Your character's hit points, conditions and the fight's order.
#[poise::command(slash_command)]
pub async fn status(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/status", "status").await
}

/// Initiative: `/init begin`, `/init next`.
#[poise::command(slash_command, subcommands("init_begin", "init_next"))]
pub async fn init(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start an encounter at this channel's table (the DM).
#[poise::command(slash_command, rename = "begin")]
pub async fn init_begin(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/init begin", "dm encounter").await
}

/// End your turn (the DM: end the current one, or start the fight).
#[poise::command(slash_command, rename = "next")]
pub async fn init_next(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/init next", "next").await
}

/// The DM's commands: `/dm madd`.
#[poise::command(slash_command, subcommands("dm_madd"))]
pub async fn dm(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Add monsters to the encounter (the DM).
#[poise::command(slash_command, rename = "madd")]
pub async fn dm_madd(
    ctx: Context<'_>,
    #[description = "The monster, e.g. goblin"]
    #[autocomplete = "super::autocomplete::monsters"]
    monster: String,
    #[description = "How many"]
    #[min = 1]
    #[max = 20]
    count: Option<u8>,
) -> Result<(), Error> {
    let n = count.unwrap_or(1);
    let text = format!("madd {} -n {n}", word(&monster));
    play(ctx, &format!("/dm madd {monster} ×{n}"), &text).await
}

/// Attack a target with a weapon.
#[poise::command(slash_command)]
pub async fn attack(
    ctx: Context<'_>,
    #[description = "The weapon, e.g. longsword"]
    #[autocomplete = "super::autocomplete::weapons"]
    weapon: String,
    #[description = "The target's handle, e.g. g1"]
    #[autocomplete = "super::autocomplete::targets"]
    target: String,
) -> Result<(), Error> {
    let text = format!("attack {} -t {}", word(&weapon), word(&target));
    play(ctx, &format!("/attack {weapon} → {target}"), &text).await
}

/// How far to move from a creature (theater of mind).
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Distance {
    /// In melee with it.
    #[name = "engaged"]
    Engaged,
    /// Within a move of it.
    #[name = "near"]
    Near,
    /// Farther.
    #[name = "far"]
    Far,
}

/// Move engaged with, near to or far from a creature.
#[poise::command(slash_command, rename = "move")]
pub async fn move_to(
    ctx: Context<'_>,
    #[description = "How close"] to: Distance,
    #[description = "The creature's handle, e.g. g1"]
    #[autocomplete = "super::autocomplete::targets"]
    target: String,
) -> Result<(), Error> {
    let to = to.name();
    let text = format!("move {to} {}", word(&target));
    play(ctx, &format!("/move {to} {target}"), &text).await
}

/// The table's dice commitment, or the revealed seed that proves every roll.
#[poise::command(slash_command)]
pub async fn verify(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/verify", "verify").await
}

/// What you can do.
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let mut lines = Vec::new();
    for command in &ctx.framework().options().commands {
        let subs: Vec<_> = if command.subcommands.is_empty() {
            vec![(String::new(), command)]
        } else {
            command
                .subcommands
                .iter()
                .map(|s| (format!(" {}", s.name), s))
                .collect()
        };
        for (sub, c) in subs {
            let params: String = c
                .parameters
                .iter()
                .map(|p| format!(" {}", p.name))
                .collect();
            let about = c.description.as_deref().unwrap_or_default();
            lines.push(format!("`/{}{sub}{params}` — {about}", command.name));
        }
    }
    let card = super::render::Card {
        title: "Commands".to_owned(),
        description: lines.join("\n"),
        colour: super::render::GREEN,
        ephemeral: true,
        ..Default::default()
    }
    .fitted();
    ctx.send(super::reply_of(card)).await?;
    Ok(())
}
