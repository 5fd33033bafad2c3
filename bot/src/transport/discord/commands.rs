//! The slash commands: each builds the text form of its command and hands
//! it to [`play`] (except `/help`, which lists these commands). Names and
//! options follow Avrae's vocabulary.

use poise::ChoiceParameter as _;

use poise::serenity_prelude as serenity;

use super::{Context, Error, play};

/// Every command the bot registers.
pub fn all() -> Vec<poise::Command<super::Data, Error>> {
    vec![
        roll(),
        check(),
        save(),
        character(),
        status(),
        init(),
        dm(),
        attack(),
        cast(),
        move_to(),
        rest(),
        vote(),
        verify(),
        help(),
        recap(),
        note(),
        notes(),
        super::explore::look(),
        super::explore::go(),
        super::explore::search(),
        super::explore::use_thing(),
        super::explore::talk(),
        super::explore::take(),
        super::explore::leave(),
        super::explore::adventure(),
        super::party::party(),
    ]
}

/// Advantage or disadvantage on a d20.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Edge {
    /// Roll two d20s, keep the higher.
    #[name = "adv"]
    Adv,
    /// Roll two d20s, keep the lower.
    #[name = "dis"]
    Dis,
}

/// The edge as a trailing word of the text form.
fn edge(e: Option<Edge>) -> String {
    e.map(|e| format!(" {}", e.name())).unwrap_or_default()
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
    #[description = "Advantage or disadvantage on a d20"] edge: Option<Edge>,
) -> Result<(), Error> {
    let e = self::edge(edge);
    play(ctx, &format!("/roll {expr}{e}"), &format!("roll {expr}{e}")).await
}

/// An ability check: `/check athletics`, `/check dex`.
#[poise::command(slash_command)]
pub async fn check(
    ctx: Context<'_>,
    #[description = "A skill or ability, e.g. athletics or str"] skill: String,
    #[description = "Advantage or disadvantage"] edge: Option<Edge>,
) -> Result<(), Error> {
    let e = self::edge(edge);
    play(
        ctx,
        &format!("/check {skill}{e}"),
        &format!("check {skill}{e}"),
    )
    .await
}

/// A saving throw: `/save dex`.
#[poise::command(slash_command)]
pub async fn save(
    ctx: Context<'_>,
    #[description = "str, dex, con, int, wis or cha"] ability: String,
    #[description = "Advantage or disadvantage"] edge: Option<Edge>,
) -> Result<(), Error> {
    let e = self::edge(edge);
    play(
        ctx,
        &format!("/save {ability}{e}"),
        &format!("save {ability}{e}"),
    )
    .await
}

/// Characters: `/char new`, `/char sheet`, `/char use`, `/char levelup`,
/// `/char link`.
#[poise::command(
    slash_command,
    rename = "char",
    subcommands(
        "char_new",
        "char_sheet",
        "char_use",
        "char_levelup",
        "char_link",
        "char_import",
        "char_export",
        "char_roll",
        "char_choose",
        "char_set"
    )
)]
pub async fn character(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Make a character (standard array by the class's priorities).
// A slash command's options are its arguments.
#[allow(clippy::too_many_arguments)]
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
    #[description = "How the scores are set (default: standard array)"] scores: Option<ScoreMethod>,
    #[description = "The scores for point buy or typed, Str to Cha: 15,14,13,12,10,8"]
    values: Option<String>,
    #[description = "Subclass (the SRD's, at its level)"]
    #[autocomplete = "super::autocomplete::subclasses"]
    subclass: Option<String>,
    #[description = "Background: acolyte or custom"]
    #[autocomplete = "super::autocomplete::backgrounds"]
    background: Option<String>,
    #[description = "Roll starting gold instead of taking the class's equipment"] gold: Option<
        bool,
    >,
) -> Result<(), Error> {
    let mut text = format!(
        "char new {} {} {level} {}",
        word(&name),
        word(&class),
        race.replace(['"', '“', '”'], "")
    );
    text.push_str(&new_options(
        scores,
        values.as_deref(),
        subclass.as_deref(),
        background.as_deref(),
    ));
    if gold == Some(true) {
        text.push_str(" gold");
    }
    play(ctx, &format!("/char new {name}"), &text).await
}

/// How `/char new` sets the ability scores.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ScoreMethod {
    /// 15, 14, 13, 12, 10, 8 by the class's priorities.
    #[name = "array"]
    Array,
    /// 27 points, scores 8 to 15 (give `values`).
    #[name = "pointbuy"]
    PointBuy,
    /// The set rolled with `/char roll` (values: your order, or none).
    #[name = "rolled"]
    Rolled,
    /// Typed scores 3 to 18, if the DM allows (give `values`).
    #[name = "manual"]
    Manual,
}

/// The optional words of `char new` after the race.
pub fn new_options(
    scores: Option<ScoreMethod>,
    values: Option<&str>,
    subclass: Option<&str>,
    background: Option<&str>,
) -> String {
    let clean = |t: &str| t.replace(['"', '“', '”'], "").trim().to_string();
    let mut text = String::new();
    if let Some(m) = scores {
        text.push(' ');
        text.push_str(m.name());
        if let Some(v) = values {
            text.push(' ');
            text.push_str(&clean(v).replace(' ', ""));
        }
    }
    if let Some(sub) = subclass {
        text.push_str(&format!(" sub {}", clean(sub)));
    }
    if let Some(bg) = background {
        text.push_str(&format!(" bg {}", clean(bg)));
    }
    text
}

/// Roll six ability scores (4d6 drop the lowest) with the table's dice.
#[poise::command(slash_command, rename = "roll")]
pub async fn char_roll(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/char roll", "char roll").await
}

/// What may be chosen after the builder's defaults.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ChoiceKind {
    /// Spells known or prepared.
    #[name = "spells"]
    Spells,
    /// Cantrips.
    #[name = "cantrips"]
    Cantrips,
    /// A wizard's spellbook.
    #[name = "book"]
    Book,
    /// Skills.
    #[name = "skills"]
    Skills,
    /// An Ability Score Improvement or a feat.
    #[name = "asi"]
    Asi,
    /// Languages.
    #[name = "languages"]
    Languages,
    /// Tools.
    #[name = "tools"]
    Tools,
    /// The half-elf's +1s.
    #[name = "bonus"]
    Bonus,
    /// The dragonborn's ancestry.
    #[name = "ancestry"]
    Ancestry,
    /// Equipment: a class package's options, a background's item.
    #[name = "equipment"]
    Equipment,
}

/// Your pending choices, one's numbered options, or make it: `/char choose spells 2 5 7`.
#[poise::command(slash_command, rename = "choose")]
pub async fn char_choose(
    ctx: Context<'_>,
    #[description = "What to choose (none: list what is pending)"] kind: Option<ChoiceKind>,
    #[description = "Numbers or names, separated by spaces (none: list the options)"]
    #[autocomplete = "super::autocomplete::pending_options"]
    picks: Option<String>,
) -> Result<(), Error> {
    let mut text = String::from("char choose");
    if let Some(k) = kind {
        text.push(' ');
        text.push_str(k.name());
        if let Some(p) = &picks {
            text.push(' ');
            text.push_str(&p.replace(['"', '“', '”'], ""));
        }
    }
    play(ctx, "/char choose", &text).await
}

/// Change your own sheet outside a fight, until the DM locks it.
#[poise::command(slash_command, rename = "set")]
pub async fn char_set(
    ctx: Context<'_>,
    #[description = "The field"]
    #[autocomplete = "super::autocomplete::own_fields"]
    field: String,
    #[description = "The new value"] value: String,
    #[description = "Why (kept in the sheet history)"] reason: Option<String>,
) -> Result<(), Error> {
    let mut text = format!(
        "char set {} {}",
        field.replace(['"', '“', '”', ' '], ""),
        value.replace(['"', '“', '”'], "")
    );
    if let Some(r) = reason {
        text.push(' ');
        text.push_str(&word(&r));
    }
    play(ctx, &format!("/char set {field}"), &text).await
}

/// Your character's full sheet (only you see it), or another's by name.
#[poise::command(slash_command, rename = "sheet")]
pub async fn char_sheet(
    ctx: Context<'_>,
    #[description = "Whose sheet (default: yours)"] name: Option<String>,
) -> Result<(), Error> {
    let text = match &name {
        Some(n) => format!("sheet {}", word(n)),
        None => "sheet".to_owned(),
    };
    play(ctx, "/char sheet", &text).await
}

/// Play another of your characters at this table.
#[poise::command(slash_command, rename = "use")]
pub async fn char_use(
    ctx: Context<'_>,
    #[description = "Which of your characters"]
    #[autocomplete = "super::autocomplete::characters"]
    name: String,
) -> Result<(), Error> {
    play(
        ctx,
        &format!("/char use {name}"),
        &format!("char use {}", word(&name)),
    )
    .await
}

/// Go up a level once your XP is enough (the DM's `/dm xp` says when).
#[poise::command(slash_command, rename = "levelup")]
pub async fn char_levelup(
    ctx: Context<'_>,
    #[description = "The class (default: your first; another: multiclass)"]
    #[autocomplete = "super::autocomplete::classes"]
    class: Option<String>,
    #[description = "Hit points: roll the hit die (default: the average)"] roll: Option<bool>,
) -> Result<(), Error> {
    let mut text = String::from("levelup");
    if let Some(c) = class {
        text.push(' ');
        text.push_str(&c.replace(['"', '“', '”', ' '], ""));
    }
    if roll == Some(true) {
        text.push_str(" roll");
    }
    play(ctx, "/char levelup", &text).await
}

/// Play as the same person on another transport: get a code, or give one.
#[poise::command(slash_command, rename = "link")]
pub async fn char_link(
    ctx: Context<'_>,
    #[description = "A code from `link` on another transport; none: get a code here"] code: Option<
        String,
    >,
) -> Result<(), Error> {
    let sender = format!("discord:{}", ctx.author().id);
    let router = &ctx.data().router;
    let text = match code {
        None => format!(
            "Say `link {}` on your other transport within 10 minutes to play there as you.",
            router.link_code(&sender)
        ),
        Some(code) => match router.redeem_link(&sender, &code).await {
            Ok(player) => format!("Linked: here you play as {player}."),
            Err(crate::core::router::RouterError::BadLinkCode) => {
                crate::core::router::RouterError::BadLinkCode.to_string()
            }
            Err(e) => return Err(e.into()),
        },
    };
    let card = super::render::Card {
        content: super::render::prose(&text),
        ephemeral: true,
        ..Default::default()
    }
    .fitted();
    ctx.send(super::reply_of(card)).await?;
    Ok(())
}

/// Bring your character from a Foundry VTT (.json) or Fight Club 5 (.xml) file, or an export.
#[poise::command(slash_command, rename = "import")]
pub async fn char_import(
    ctx: Context<'_>,
    #[description = "Foundry VTT .json, Fight Club 5 .xml, or an export"]
    file: serenity::Attachment,
    #[description = "Another name for the character (one word)"] name: Option<String>,
) -> Result<(), Error> {
    let title = format!("/char import {}", file.filename);
    let refuse = |why: String| super::reply_of(super::render::refusal(&why));
    if file.size as usize > sheets::MAX_BYTES {
        ctx.send(refuse(format!(
            "{} is {} bytes; a character file may be at most {} bytes",
            file.filename,
            file.size,
            sheets::MAX_BYTES
        )))
        .await?;
        return Ok(());
    }
    let bytes = match file.download().await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "downloading a character file");
            ctx.send(refuse(
                "couldn't fetch the file from Discord; try again".to_owned(),
            ))
            .await?;
            return Ok(());
        }
    };
    match sheets::import(&bytes, name.as_deref()) {
        Ok(imported) => {
            let command = dm::Command::ImportCharacter {
                character: Box::new(imported.character),
                notes: imported.notes,
            };
            super::act(&super::Origin::Slash(ctx), &title, command).await
        }
        Err(e) => {
            ctx.send(refuse(format!("{}: {e}", file.filename))).await?;
            Ok(())
        }
    }
}

/// Your character (or another's by name) as a file that `/char import` reads back exactly.
#[poise::command(slash_command, rename = "export")]
pub async fn char_export(
    ctx: Context<'_>,
    #[description = "Whose (default: yours)"]
    #[autocomplete = "super::autocomplete::characters"]
    name: Option<String>,
) -> Result<(), Error> {
    let data = ctx.data();
    let table = super::table_id(ctx.channel_id());
    let player = data
        .router
        .player_of(&format!("discord:{}", ctx.author().id));
    let state = data.router.table(&table).await?;
    let found = match &name {
        Some(n) => state.character(&n.trim().to_lowercase()),
        None => state.character_of(&player),
    };
    let Some(c) = found else {
        let why = "no such character here: `/char export NAME`".to_owned();
        ctx.send(super::reply_of(super::render::refusal(&why)))
            .await?;
        return Ok(());
    };
    let reply = poise::CreateReply::default()
        .ephemeral(true)
        .content(format!(
            "{} as an export: `/char import` reads it back.",
            c.name
        ))
        .attachment(serenity::CreateAttachment::bytes(
            sheets::ours::export(c).into_bytes(),
            format!("{}.json", c.handle),
        ));
    ctx.send(reply).await?;
    Ok(())
}

/// Your character's hit points, conditions and the fight's order.
#[poise::command(slash_command)]
pub async fn status(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/status", "status").await
}

/// Initiative: `/init begin`, `/init join`, `/init next`, `/init list`, `/init end`.
#[poise::command(
    slash_command,
    subcommands("init_begin", "init_join", "init_next", "init_list", "init_end")
)]
pub async fn init(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start an encounter at this channel's table (the DM).
#[poise::command(slash_command, rename = "begin")]
pub async fn init_begin(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/init begin", "dm encounter").await
}

/// Join the fight under way with your character.
#[poise::command(slash_command, rename = "join")]
pub async fn init_join(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/init join", "init").await
}

/// The initiative order: who acts when, and how each stands.
#[poise::command(slash_command, rename = "list")]
pub async fn init_list(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/init list", "status").await
}

/// End the encounter (the DM).
#[poise::command(slash_command, rename = "end")]
pub async fn init_end(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/init end", "dm end").await
}

/// End your turn (the DM: end the current one, or start the fight).
#[poise::command(slash_command, rename = "next")]
pub async fn init_next(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/init next", "next").await
}

/// The DM's commands.
#[poise::command(
    slash_command,
    subcommands(
        "dm_encounter",
        "dm_madd",
        "dm_hp",
        "dm_condition",
        "dm_sheet",
        "dm_xp",
        "dm_narrate",
        "dm_rebind",
        "dm_end"
    )
)]
pub async fn dm(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start an encounter at this channel's table (the DM).
#[poise::command(slash_command, rename = "encounter")]
pub async fn dm_encounter(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/dm encounter", "dm encounter").await
}

/// End the encounter (the DM).
#[poise::command(slash_command, rename = "end")]
pub async fn dm_end(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/dm end", "dm end").await
}

/// Forget a radio player's node key so its next message binds the new one (the DM).
#[poise::command(slash_command, rename = "rebind")]
pub async fn dm_rebind(
    ctx: Context<'_>,
    #[description = "The node, as the Meshtastic app shows it: !a1b2c3d4"] node: String,
) -> Result<(), Error> {
    let data = ctx.data();
    let table = super::table_id(ctx.channel_id());
    let me = data
        .router
        .player_of(&format!("discord:{}", ctx.author().id));
    let text = match radio::filter::parse_node_id(&node) {
        Err(why) => Err(why),
        Ok(num) => {
            let node = radio::filter::node_id(num);
            let player = data.router.player_of(&format!("radio:{node}"));
            match data.router.table(&table).await {
                Ok(state) if !(state.is_dm(&me) || super::manages_server(ctx)) => {
                    Err("only the table's DM can do that".to_owned())
                }
                Ok(state) if !state.players.contains_key(&player) => Err(format!(
                    "{node} plays no character at this table: nothing changed"
                )),
                Ok(_) => Ok(if data.router.store().unbind_radio(&node).await? {
                    format!("{node}: key forgotten; its next encrypted message binds its new key")
                } else {
                    format!("{node} has no key bound yet (it binds on its first encrypted message)")
                }),
                Err(crate::core::router::RouterError::UnknownTable(_)) => {
                    Err("no game here yet: start one with a command first".to_owned())
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let card = match text {
        Ok(done) => super::render::Card {
            content: super::render::prose(&done),
            ephemeral: true,
            ..Default::default()
        }
        .fitted(),
        Err(why) => super::render::refusal(&why),
    };
    ctx.send(super::reply_of(card)).await?;
    Ok(())
}

/// Character sheets (the DM): `/dm sheet set`.
#[poise::command(slash_command, rename = "sheet", subcommands("dm_sheet_set"))]
pub async fn dm_sheet(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Change a field of a character's sheet, with the reason kept in its history (the DM).
#[poise::command(slash_command, rename = "set")]
pub async fn dm_sheet_set(
    ctx: Context<'_>,
    #[description = "The character"]
    #[autocomplete = "super::autocomplete::characters"]
    character: String,
    #[description = "The field, e.g. ac, max_hp, str, gold"]
    #[autocomplete = "super::autocomplete::sheet_fields"]
    field: String,
    #[description = "The new value"] value: String,
    #[description = "Why (kept in the sheet's history)"] reason: String,
) -> Result<(), Error> {
    let text = format!(
        "dm set {} {} {} {}",
        word(&character),
        word(&field),
        word(&value),
        word(&reason)
    );
    play(
        ctx,
        &format!("/dm sheet set {character} {field} {value}"),
        &text,
    )
    .await
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

/// Change a creature's hit points (the DM): `-5` or `+7`.
#[poise::command(slash_command, rename = "hp")]
pub async fn dm_hp(
    ctx: Context<'_>,
    #[description = "The creature's handle"]
    #[autocomplete = "super::autocomplete::targets"]
    target: String,
    #[description = "Hit points to add (+) or take away (-)"] amount: i32,
) -> Result<(), Error> {
    let text = format!("dm hp {} {amount:+}", word(&target));
    play(ctx, &format!("/dm hp {target} {amount:+}"), &text).await
}

/// Add or remove a condition (the DM).
#[poise::command(slash_command, rename = "condition")]
pub async fn dm_condition(
    ctx: Context<'_>,
    #[description = "The creature's handle"]
    #[autocomplete = "super::autocomplete::targets"]
    target: String,
    #[description = "add or remove"] change: Change,
    #[description = "e.g. prone, poisoned"] condition: String,
) -> Result<(), Error> {
    let change = change.name();
    let text = format!("dm cond {} {change} {}", word(&target), word(&condition));
    play(
        ctx,
        &format!("/dm condition {target} {change} {condition}"),
        &text,
    )
    .await
}

/// Add or remove.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Change {
    /// Put it on.
    #[name = "add"]
    Add,
    /// Take it off.
    #[name = "remove"]
    Remove,
}

/// Tell the table what happens (the DM).
#[poise::command(slash_command, rename = "narrate")]
pub async fn dm_narrate(
    ctx: Context<'_>,
    #[description = "What happens"] text: String,
) -> Result<(), Error> {
    play(ctx, "/dm narrate", &format!("dm narrate {text}")).await
}

/// Award experience to the party (the DM).
#[poise::command(slash_command, rename = "xp")]
pub async fn dm_xp(
    ctx: Context<'_>,
    #[description = "Experience points each character at the table gets"]
    #[min = 1]
    amount: u32,
) -> Result<(), Error> {
    play(ctx, &format!("/dm xp {amount}"), &format!("dm xp {amount}")).await
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
    #[description = "Advantage or disadvantage"] edge: Option<Edge>,
) -> Result<(), Error> {
    let e = self::edge(edge);
    let text = format!("attack {} -t {}{e}", word(&weapon), word(&target));
    play(ctx, &format!("/attack {weapon} → {target}{e}"), &text).await
}

/// Cast a spell: `/cast fire bolt g1`, `/cast magic missile g1 g2 level:2`.
#[poise::command(slash_command)]
pub async fn cast(
    ctx: Context<'_>,
    #[description = "The spell, e.g. fire bolt"]
    #[autocomplete = "super::autocomplete::spells"]
    spell: String,
    #[description = "Targets' handles, separated by spaces (none: yourself or no target)"]
    targets: Option<String>,
    #[description = "Spell slot level (default: the spell's)"]
    #[min = 1]
    #[max = 9]
    level: Option<u8>,
) -> Result<(), Error> {
    let mut text = format!("cast {}", word(&spell));
    for t in targets.as_deref().unwrap_or_default().split_whitespace() {
        text.push_str(&format!(" -t {}", word(t)));
    }
    if let Some(l) = level {
        text.push_str(&format!(" -l {l}"));
    }
    let on = targets
        .as_deref()
        .map(|t| format!(" → {t}"))
        .unwrap_or_default();
    play(ctx, &format!("/cast {spell}{on}"), &text).await
}

/// Party votes: `/vote open`, `/vote choose`.
#[poise::command(slash_command, subcommands("vote_open", "vote_choose"))]
pub async fn vote(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Ask the party to choose (closes by majority after five minutes).
#[poise::command(slash_command, rename = "open")]
pub async fn vote_open(
    ctx: Context<'_>,
    #[description = "The options, separated by | (e.g. left door | right door)"] options: String,
) -> Result<(), Error> {
    let text = options
        .split(['|', ';'])
        .map(|o| format!(" {}", word(o)))
        .collect::<String>();
    play(
        ctx,
        &format!("/vote open {options}"),
        &format!("vote{text}"),
    )
    .await
}

/// Cast your vote: the option's number or the start of its text.
#[poise::command(slash_command, rename = "choose")]
pub async fn vote_choose(
    ctx: Context<'_>,
    #[description = "The option's number, or the start of its text"] option: String,
) -> Result<(), Error> {
    play(
        ctx,
        &format!("/vote choose {option}"),
        &format!("v {}", option.replace(['"', '“', '”'], "")),
    )
    .await
}

/// Rest: short (hit dice) or long (everything back).
#[poise::command(slash_command)]
pub async fn rest(
    ctx: Context<'_>,
    #[description = "short or long"] kind: RestKind,
) -> Result<(), Error> {
    let kind = kind.name();
    play(ctx, &format!("/rest {kind}"), &format!("rest {kind}")).await
}

/// A short or a long rest.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum RestKind {
    /// An hour: spend hit dice.
    #[name = "short"]
    Short,
    /// Eight hours: hit points, slots and hit dice back.
    #[name = "long"]
    Long,
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
                .map(|p| {
                    if p.required {
                        format!(" {}", p.name)
                    } else {
                        format!(" [{}]", p.name)
                    }
                })
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

/// What happened last session: fights, falls, loot, experience, votes.
#[poise::command(slash_command)]
pub async fn recap(ctx: Context<'_>) -> Result<(), Error> {
    play(ctx, "/recap", "recap").await
}

/// Write in the table's notebook (everyone at the table may read it).
#[poise::command(slash_command)]
pub async fn note(
    ctx: Context<'_>,
    #[description = "The note (at most 280 bytes)"] text: String,
) -> Result<(), Error> {
    play(ctx, "/note", &format!("note {text}")).await
}

/// Read the table's notebook, newest first.
#[poise::command(slash_command)]
pub async fn notes(
    ctx: Context<'_>,
    #[description = "Only notes with these words"] about: Option<String>,
) -> Result<(), Error> {
    let text = match about {
        Some(a) => format!("notes about {a}"),
        None => "notes".to_owned(),
    };
    play(ctx, "/notes", &text).await
}
