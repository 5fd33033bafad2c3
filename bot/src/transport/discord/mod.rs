//! The Discord transport: poise slash commands in front of the router.
//!
//! The only module that knows Discord types. A command is thin: its options
//! become the text form of a [`dm::Command`] (parsed by [`dm::parse`], the
//! grammar every transport shares), the router carries it out, and
//! [`render`] turns the answer into an embed. Each channel is one table
//! (`discord:<channel id>`), opened on first use with the invoking user as
//! its DM and a fresh random dice seed.
//!
//! **Never miss the 3-second deadline:** the router's answer is sent as the
//! interaction's response (deferred first if the store is slow); monster
//! turns, which may wait on an LLM, come after it as follow-ups.

mod autocomplete;
mod commands;
pub mod controls;
mod explore;
mod party;
pub mod render;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use dm::Command;
use poise::serenity_prelude as serenity;
use serde_json::json;

use crate::core::router::{Answer, Envelope, Router, Transport};
use crate::core::turns::MonsterTurns;
use crate::ops::http::Link;
use render::Card;

/// What every command can reach.
pub struct Data {
    router: Arc<Router>,
    turns: MonsterTurns,
    seed: Option<u64>,
    defer_after: Duration,
    /// Seconds a vote on where the party goes stays open.
    go_vote_secs: u32,
    /// Tables known to exist in the store, so a command opens its table at
    /// most once per process (a std Mutex: no await while it is held).
    opened: Mutex<HashSet<String>>,
    /// What this process shows of each table's monster turns.
    turns_shown: Arc<Shown>,
    /// The picks made so far in long choices' menus, per user and choice
    /// (a std Mutex: no await while it is held).
    pages: Mutex<HashMap<(u64, String), controls::Pages>>,
}

/// The most long choices whose picks are kept between presses; past it
/// they are all forgotten (a menu then starts again from its defaults).
const MAX_KEPT_PAGES: usize = 1_024;

/// Monster turns this process plays and shows as follow-ups, per table; the
/// relay posts the others (played after a radio or console command).
#[derive(Default)]
struct Shown {
    /// One player of monster turns per table at a time: two commands that
    /// both find a monster's turn due would otherwise both report it.
    playing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The seqs of the monster turns shown as follow-ups, per table (the
    /// relay forgets those it has passed).
    seqs: Mutex<HashMap<String, BTreeSet<u64>>>,
}

impl Shown {
    /// The lock held while a table's monster turns are played here.
    fn playing(&self, table: &str) -> Arc<tokio::sync::Mutex<()>> {
        Arc::clone(lock(&self.playing).entry(table.to_owned()).or_default())
    }
}

/// The error every command returns; [`on_error`] reports it.
pub type Error = anyhow::Error;
/// The context every command gets.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// How to reach Discord.
#[derive(Clone)]
pub struct Settings {
    /// The bot token (`DISCORD_TOKEN`).
    pub token: String,
    /// Another base URL for Discord's REST API (a fake server in tests);
    /// the gateway's URL comes from it too. Rate limiting is off with it.
    pub api: Option<String>,
    /// Commit every new table to the dice seed of this number (a game that
    /// plays the same every time, for tests); `None`: a fresh random seed.
    pub seed: Option<u64>,
    /// Waiting longer than this for the router defers the response first
    /// (Discord's deadline is 3 s; [`DEFER_AFTER`] by default).
    pub defer_after: Duration,
    /// Seconds a vote on where the party goes stays open (`discord.go_vote_secs`).
    pub go_vote_secs: u32,
}

impl std::fmt::Debug for Settings {
    /// Never prints the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("token", &"…")
            .field("api", &self.api)
            .field("seed", &self.seed)
            .field("defer_after", &self.defer_after)
            .field("go_vote_secs", &self.go_vote_secs)
            .finish()
    }
}

/// Waiting longer than this for the router defers the response first.
pub const DEFER_AFTER: Duration = Duration::from_millis(1_500);

/// The most monster turns played in a row after one command.
const MAX_MONSTER_TURNS: usize = 100;

/// The table of a channel.
pub fn table_id(channel: serenity::ChannelId) -> String {
    format!("discord:{channel}")
}

/// Runs the bot on `router` until `shutdown` completes or the connection
/// fails for good.
pub async fn run(
    router: Arc<Router>,
    turns: MonsterTurns,
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    run_linked(router, turns, settings, Link::new(), shutdown).await
}

/// [`run`], keeping `link` up while the gateway is connected (for `/health/ready`).
pub async fn run_linked(
    router: Arc<Router>,
    turns: MonsterTurns,
    settings: Settings,
    link: Link,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let shown = Arc::new(Shown::default());
    let relay = (Arc::clone(&router), Arc::clone(&shown));
    let data = Data {
        router,
        turns,
        seed: settings.seed,
        defer_after: settings.defer_after,
        go_vote_secs: settings.go_vote_secs,
        opened: Mutex::default(),
        turns_shown: shown,
        pages: Mutex::default(),
    };
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: |error| Box::pin(on_error(error)),
            event_handler: |framework, event| Box::pin(on_event(framework, event)),
            pre_command: |ctx| {
                Box::pin(async move {
                    crate::ops::telemetry::discord_interaction(&ctx.command().qualified_name);
                })
            },
            // Owners are unused: the DM of each table is in the table.
            initialize_owners: false,
            ..Default::default()
        })
        .setup(|ctx, _ready, framework| {
            Box::pin(async move {
                poise::builtins::register_globally(ctx, &framework.options().commands)
                    .await
                    .context("registering the slash commands")?;
                let (router, shown) = relay;
                tokio::spawn(relay_other_transports(Arc::clone(&ctx.http), router, shown));
                Ok(data)
            })
        })
        .build();
    let mut http = serenity::HttpBuilder::new(&settings.token);
    if let Some(api) = &settings.api {
        // Rate-limited requests ignore the proxy: off, so all go to `api`.
        http = http
            .proxy(api.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let mut client =
        serenity::ClientBuilder::new_with_http(http.build(), serenity::GatewayIntents::GUILDS)
            .framework(framework)
            .event_handler(GatewayWatch(link))
            .await
            .context("setting up the Discord client")?;
    let shards = Arc::clone(&client.shard_manager);
    tokio::select! {
        r = client.start() => r.context("the Discord connection failed")?,
        () = shutdown => shards.shutdown_all().await,
    }
    Ok(())
}

/// Follows the gateway connection into a [`Link`].
struct GatewayWatch(Link);

#[serenity::async_trait]
impl serenity::EventHandler for GatewayWatch {
    async fn ready(&self, _: serenity::Context, _: serenity::Ready) {
        self.0.up();
    }

    async fn shard_stage_update(&self, _: serenity::Context, e: serenity::ShardStageUpdateEvent) {
        if e.new == serenity::ConnectionStage::Connected {
            self.0.up();
        } else {
            self.0.down();
        }
    }
}

/// Users get a short private message; the log gets the cause chain.
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    let why = match &error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(
                command = %ctx.command().qualified_name,
                "discord: command failed: {error:#}"
            );
            "something went wrong on our side; try again".to_owned()
        }
        poise::FrameworkError::ArgumentParse { error, ctx, .. } => {
            format!("/{}: {error}", ctx.command().qualified_name)
        }
        poise::FrameworkError::CommandStructureMismatch {
            description, ctx, ..
        } => {
            tracing::warn!(
                command = %ctx.command().qualified_name,
                "discord: arrived with options it does not have: {description}"
            );
            "this command's options have changed: wait for Discord to update them, then try again"
                .to_owned()
        }
        _ => {
            if let Err(e) = poise::builtins::on_error(error).await {
                tracing::error!("discord: error while handling an error: {e}");
            }
            return;
        }
    };
    let Some(ctx) = error.ctx() else {
        return;
    };
    if let Err(e) = ctx.send(reply_of(render::refusal(&why))).await {
        tracing::error!("discord: could not report an error: {e}");
    }
}

/// A card as poise's reply builder.
fn reply_of(card: Card) -> poise::CreateReply {
    let mut reply = poise::CreateReply::default()
        .ephemeral(card.ephemeral)
        .allowed_mentions(mentions_of(&card));
    if !card.content.is_empty() {
        reply = reply.content(card.content.clone());
    }
    if card.has_embed() {
        reply = reply.embed(embed_of(&card));
    }
    if !card.rows.is_empty() {
        reply = reply.components(rows_of(&card.rows));
    }
    reply
}

/// A card's buttons and select menus as action rows.
fn rows_of(rows: &[controls::Row]) -> Vec<serenity::CreateActionRow> {
    rows.iter()
        .filter_map(|row| match row.as_slice() {
            [
                controls::Control::Select {
                    id,
                    placeholder,
                    options,
                    min,
                    max,
                },
            ] => {
                let options = options
                    .iter()
                    .map(|o| {
                        serenity::CreateSelectMenuOption::new(o.label.clone(), o.value.clone())
                            .default_selection(o.default)
                    })
                    .collect();
                let kind = serenity::CreateSelectMenuKind::String { options };
                Some(serenity::CreateActionRow::SelectMenu(
                    serenity::CreateSelectMenu::new(id.clone(), kind)
                        .placeholder(placeholder.clone())
                        .min_values(*min)
                        .max_values(*max),
                ))
            }
            buttons => {
                let buttons: Vec<_> = buttons
                    .iter()
                    .filter_map(|b| match b {
                        controls::Control::Button { id, label } => Some(
                            serenity::CreateButton::new(id.clone())
                                .label(label.clone())
                                .style(serenity::ButtonStyle::Secondary),
                        ),
                        controls::Control::Select { .. } => None,
                    })
                    .collect();
                (!buttons.is_empty()).then_some(serenity::CreateActionRow::Buttons(buttons))
            }
        })
        .collect()
}

/// Who a card may ping: only the player whose turn it is, whatever names say.
fn mentions_of(card: &Card) -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
        .users(card.mention.map(serenity::UserId::new))
        .empty_roles()
}

/// A card's embed.
fn embed_of(card: &Card) -> serenity::CreateEmbed {
    let mut embed = serenity::CreateEmbed::new()
        .title(card.title.clone())
        .description(card.description.clone())
        .colour(card.colour);
    if !card.footer.is_empty() {
        embed = embed.footer(serenity::CreateEmbedFooter::new(card.footer.clone()));
    }
    embed
}

/// Parses `text` (the command's text form) and plays it; a line the grammar
/// refuses is an ephemeral reply.
async fn play(ctx: Context<'_>, title: &str, text: &str) -> Result<(), Error> {
    let origin = Origin::Slash(ctx);
    match dm::parse(text) {
        Ok(command) => act(&origin, title, command).await,
        Err(e) => origin.send(render::refusal(&e.to_string())).await,
    }
}

/// Where a command came from: a slash command, or a press on a button or
/// select menu under one of the bot's messages (INTERACTION_CREATE type 3).
enum Origin<'a> {
    /// A slash command, through poise.
    Slash(Context<'a>),
    /// A button or select menu, answered through serenity directly.
    Press {
        /// What every command can reach.
        data: &'a Data,
        /// The REST client.
        http: &'a serenity::Http,
        /// The interaction.
        press: &'a serenity::ComponentInteraction,
        /// Where its response stands: [`NOT_YET`], [`DEFERRED`] or [`ANSWERED`].
        state: AtomicU8,
    },
}

/// A press not answered yet.
const NOT_YET: u8 = 0;
/// A press whose response is "thinking…".
const DEFERRED: u8 = 1;
/// A press whose response is out; more messages are follow-ups.
const ANSWERED: u8 = 2;

impl<'a> Origin<'a> {
    fn data(&self) -> &'a Data {
        match self {
            Self::Slash(ctx) => ctx.data(),
            Self::Press { data, .. } => data,
        }
    }

    fn channel(&self) -> serenity::ChannelId {
        match self {
            Self::Slash(ctx) => ctx.channel_id(),
            Self::Press { press, .. } => press.channel_id,
        }
    }

    fn author(&self) -> serenity::UserId {
        match self {
            Self::Slash(ctx) => ctx.author().id,
            Self::Press { press, .. } => press.user.id,
        }
    }

    fn request_id(&self) -> String {
        match self {
            Self::Slash(ctx) => ctx.id().to_string(),
            Self::Press { press, .. } => press.id.to_string(),
        }
    }

    fn manages_server(&self) -> bool {
        match self {
            Self::Slash(ctx) => manages_server(*ctx),
            Self::Press { press, .. } => press
                .member
                .as_ref()
                .and_then(|m| m.permissions)
                .is_some_and(|p| p.manage_guild() || p.administrator()),
        }
    }

    /// Answers "thinking…" for now.
    async fn defer(&self) -> Result<(), Error> {
        match self {
            Self::Slash(ctx) => ctx.defer().await?,
            Self::Press {
                http, press, state, ..
            } => {
                press
                    .create_response(
                        http,
                        serenity::CreateInteractionResponse::Defer(
                            serenity::CreateInteractionResponseMessage::new(),
                        ),
                    )
                    .await?;
                state.store(DEFERRED, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// Sends `card`: the response first, follow-ups after it.
    async fn send(&self, card: Card) -> Result<(), Error> {
        let (http, press, state) = match self {
            Self::Slash(ctx) => {
                ctx.send(reply_of(card)).await?;
                return Ok(());
            }
            Self::Press {
                http, press, state, ..
            } => (http, press, state),
        };
        match state.swap(ANSWERED, Ordering::Relaxed) {
            NOT_YET => {
                let mut message = serenity::CreateInteractionResponseMessage::new()
                    .ephemeral(card.ephemeral)
                    .allowed_mentions(mentions_of(&card))
                    .components(rows_of(&card.rows));
                if !card.content.is_empty() {
                    message = message.content(card.content.clone());
                }
                if card.has_embed() {
                    message = message.embed(embed_of(&card));
                }
                press
                    .create_response(http, serenity::CreateInteractionResponse::Message(message))
                    .await?;
            }
            DEFERRED => {
                let mut edit = serenity::EditInteractionResponse::new()
                    .allowed_mentions(mentions_of(&card))
                    .components(rows_of(&card.rows));
                if !card.content.is_empty() {
                    edit = edit.content(card.content.clone());
                }
                if card.has_embed() {
                    edit = edit.embed(embed_of(&card));
                }
                press.edit_response(http, edit).await?;
            }
            _ => {
                press.create_followup(http, followup_of(&card)).await?;
            }
        }
        Ok(())
    }

    /// A private answer after a public defer: the "thinking…" message goes
    /// and the answer comes as an ephemeral follow-up, so only the sender
    /// sees it.
    async fn private_after_defer(&self, card: Card) -> Result<(), Error> {
        let follow = followup_of(&card).ephemeral(true);
        match self {
            Self::Slash(poise::Context::Application(app)) => {
                if let Err(e) = app.interaction.delete_response(app.http()).await {
                    eprintln!("discord: could not take back the deferred response: {e}");
                }
                app.interaction.create_followup(app.http(), follow).await?;
            }
            Self::Slash(_) => self.send(card).await?,
            Self::Press {
                http, press, state, ..
            } => {
                state.store(ANSWERED, Ordering::Relaxed);
                if let Err(e) = press.delete_response(http).await {
                    eprintln!("discord: could not take back the deferred response: {e}");
                }
                press.create_followup(http, follow).await?;
            }
        }
        Ok(())
    }
}

/// A card as a follow-up message (nobody pinged unless the card says so).
fn followup_of(card: &Card) -> serenity::CreateInteractionResponseFollowup {
    let mut follow = serenity::CreateInteractionResponseFollowup::new()
        .ephemeral(card.ephemeral)
        .allowed_mentions(mentions_of(card))
        .components(rows_of(&card.rows));
    if !card.content.is_empty() {
        follow = follow.content(card.content.clone());
    }
    if card.has_embed() {
        follow = follow.embed(embed_of(card));
    }
    follow
}

/// Every gateway event poise does not handle itself: presses on buttons
/// and select menus are commands.
async fn on_event(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let serenity::FullEvent::InteractionCreate {
        interaction: serenity::Interaction::Component(press),
    } = event
    else {
        return Ok(());
    };
    let origin = Origin::Press {
        data: framework.user_data,
        http: &framework.serenity_context.http,
        press,
        state: AtomicU8::new(NOT_YET),
    };
    crate::ops::telemetry::discord_interaction("component");
    if let Err(e) = pressed(&origin, press).await {
        tracing::error!("discord: a button press failed: {e:#}");
        if let Err(e) = origin
            .send(render::refusal(
                "something went wrong on our side; try again",
            ))
            .await
        {
            tracing::error!("discord: could not report an error: {e}");
        }
    }
    Ok(())
}

/// Carries out a press: the control's command as the user who pressed it.
async fn pressed(origin: &Origin<'_>, press: &serenity::ComponentInteraction) -> Result<(), Error> {
    let data = origin.data();
    let table = table_id(press.channel_id);
    let sender = format!("discord:{}", press.user.id);
    let values = match &press.data.kind {
        serenity::ComponentInteractionDataKind::StringSelect { values } => values.clone(),
        _ => Vec::new(),
    };
    open(data, &table, &sender).await?;
    let state = data.router.table(&table).await?;
    let character = state
        .players
        .get(&data.router.player_of(&sender))
        .and_then(|h| state.character(h));
    let id = &press.data.custom_id;
    let key = controls::page_key(id).map(|k| (press.user.id.get(), k.to_owned()));
    let mut pages = key
        .as_ref()
        .and_then(|k| lock(&data.pages).remove(k))
        .unwrap_or_default();
    match controls::pressed(id, &values, &state, character, &mut pages) {
        Ok(controls::Pressed::Run { text, title }) => match dm::parse(&text) {
            Ok(command) => act(origin, &title, command).await,
            Err(e) => origin.send(render::refusal(&e.to_string())).await,
        },
        Ok(controls::Pressed::Partial { have, want }) => {
            if let Some(key) = key {
                let mut kept = lock(&data.pages);
                if kept.len() >= MAX_KEPT_PAGES {
                    kept.clear();
                }
                kept.insert(key, pages);
            }
            let more = if have < want {
                format!("pick {} more", want - have)
            } else {
                format!("take {} out", have - want)
            };
            let card = Card {
                content: format!("{have} of {want} picked: {more} in these menus."),
                ephemeral: true,
                ..Card::default()
            };
            origin.send(card.fitted()).await
        }
        Err(why) => origin.send(render::refusal(&why)).await,
    }
}

/// Carries `command` through the router as the invoking user at the
/// channel's table, answers, then plays any monster turns that are due.
async fn act(origin: &Origin<'_>, title: &str, command: Command) -> Result<(), Error> {
    let data = origin.data();
    // A `go` that opens a vote gives the party the configured time.
    let command = match command {
        Command::Go {
            exit,
            vote_secs: None,
        } => Command::Go {
            exit,
            vote_secs: Some(data.go_vote_secs),
        },
        other => other,
    };
    let table = table_id(origin.channel());
    let sender = format!("discord:{}", origin.author());
    // Members who manage the server have the DM's rights at its tables.
    let grant = matches!(command, Command::Dm(_)) && origin.manages_server();
    // A listing of pending choices comes with select menus to make them.
    let listing = match &command {
        Command::Choose { kind, picks } if picks.is_empty() => Some(kind.clone()),
        _ => None,
    };
    let envelope = Envelope {
        transport: Transport::Discord,
        table: table.clone(),
        sender: sender.clone(),
        request_id: origin.request_id(),
        command,
    };
    // Everything up to the answer may touch the store (opening the table,
    // loading it after a restart, the commit): one deadline covers it all.
    let work = async {
        open(data, &table, &sender).await?;
        let state = data.router.table(&table).await?;
        // Granted once; later commands need no lease for it.
        if grant && !state.is_dm(&data.router.player_of(&sender)) {
            data.router
                .grant_dm(&table, &sender, "Manage Server on Discord")
                .await?;
        }
        let before = turn_of(&state);
        let answer = data.router.submit(envelope).await?;
        let now = data.router.table(&table).await?;
        Ok::<_, Error>((before, answer, now))
    };
    tokio::pin!(work);
    let mut deferred = false;
    let (before, answer, now) = if data.defer_after.is_zero() {
        // Told to defer everything: before any work, so always.
        origin.defer().await?;
        crate::ops::telemetry::discord_defer();
        deferred = true;
        work.await?
    } else {
        tokio::select! {
            done = &mut work => done?,
            () = tokio::time::sleep(data.defer_after) => {
                origin.defer().await?;
                crate::ops::telemetry::discord_defer();
                deferred = true;
                work.await?
            }
        }
    };
    let after = turn_of(&now);
    let view = render::View::of(&now, after.is_some() && after != before);
    let mut card = render::answer(title, &answer, &view);
    if let Answer::Done { reply, .. } = &answer {
        card.rows = controls::exits(reply, &now);
        if let Some(kind) = listing {
            let mine = now
                .players
                .get(&data.router.player_of(&sender))
                .and_then(|h| now.character(h));
            if let Some(c) = mine {
                card.rows = controls::choices(c, kind.as_deref());
            }
        }
    }
    if deferred && card.ephemeral {
        origin.private_after_defer(card).await?;
    } else {
        origin.send(card).await?;
    }
    if matches!(answer, Answer::Done { .. }) {
        monster_turns(origin, &table).await?;
    }
    Ok(())
}

/// Opens the channel's table with `sender` as its DM, if it is new.
async fn open(data: &Data, table: &str, sender: &str) -> Result<(), Error> {
    if lock(&data.opened).contains(table) {
        return Ok(());
    }
    let meta = json!({"transport": "discord"});
    let dm = data.router.player_of(sender);
    let seed = data.seed.map_or_else(
        crate::core::game::random_seed,
        crate::core::game::seed_from_number,
    );
    data.router
        .open_table(table, &meta, dm, &seed)
        .await
        .with_context(|| format!("opening table {table}"))?;
    lock(&data.opened).insert(table.to_owned());
    Ok(())
}

/// Where a fight stands: the round and whose turn it is.
fn turn_of(table: &dm::Table) -> Option<(u32, String)> {
    let enc = table.encounter.as_ref()?;
    Some((enc.round, enc.current()?.to_owned()))
}

/// Plays the monster turns now due at `table`, each as a follow-up.
async fn monster_turns(origin: &Origin<'_>, table: &str) -> Result<(), Error> {
    let data = origin.data();
    let playing = data.turns_shown.playing(table);
    // Waits for another command's monster turns; then plays what is still due.
    let _playing = playing.lock().await;
    for _ in 0..MAX_MONSTER_TURNS {
        if crate::core::game::fight_over(&data.router.table(table).await?) {
            break;
        }
        let Some(report) = data.turns.play_due(table).await? else {
            break;
        };
        if report.dropped || report.played.is_empty() {
            break;
        }
        if report
            .played
            .iter()
            .all(|(_, a)| matches!(a, Answer::Repeated { .. }))
        {
            // Another transport played this turn first: the relay posts it.
            continue;
        }
        lock(&data.turns_shown.seqs)
            .entry(table.to_owned())
            .or_default()
            .extend(report.played.iter().filter_map(|(_, a)| match a {
                Answer::Done { seq, .. } => Some(*seq),
                _ => None,
            }));
        let view = render::View::of(&data.router.table(table).await?, true);
        origin.send(render::monster_turn(&report, &view)).await?;
    }
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether the member who sent the interaction may manage the server
/// (Manage Server, or Administrator, in the interaction's channel).
pub(crate) fn manages_server(ctx: Context<'_>) -> bool {
    let poise::Context::Application(app) = ctx else {
        return false;
    };
    app.interaction
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.manage_guild() || p.administrator())
}

/// Posts into each channel what was done at its table through another
/// transport (a radio player's attack, monster turns a radio command set
/// off), so everyone at a mixed table sees the whole fight.
async fn relay_other_transports(http: Arc<serenity::Http>, router: Arc<Router>, shown: Arc<Shown>) {
    let mut feed = router.subscribe_all();
    loop {
        let published = match feed.recv().await {
            Ok(p) => p,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                eprintln!(
                    "discord: {n} replies from other transports were not posted (too many at once)"
                );
                continue;
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        };
        let Some(channel) = published
            .table
            .strip_prefix("discord:")
            .and_then(|c| c.parse::<u64>().ok())
            .filter(|&c| c != 0)
        else {
            continue;
        };
        if published.reply.private || published.via == Transport::Discord {
            continue;
        }
        if published.via == Transport::Planner {
            // Played here? Then it was shown as a follow-up: wait until this
            // process is done playing the table's turns, then look.
            let playing = shown.playing(&published.table);
            let _done = playing.lock().await;
            let mut seqs = lock(&shown.seqs);
            let mine = seqs.entry(published.table.clone()).or_default();
            let was_shown = mine.remove(&published.seq);
            mine.retain(|&s| s > published.seq);
            if was_shown {
                continue;
            }
        }
        let Ok(table) = router.table(&published.table).await else {
            continue;
        };
        let who = table
            .players
            .get(&published.actor)
            .and_then(|h| table.character(h))
            .map_or_else(|| "The DM".to_owned(), |c| c.name.clone());
        let title = match published.via {
            Transport::Planner => "Monster turn".to_owned(),
            Transport::Narrator => "The narrator".to_owned(),
            via => format!("{who} (by {})", via.name()),
        };
        let ping = published
            .reply
            .turn
            .as_ref()
            .is_some_and(|t| t.player.as_ref() != Some(&published.actor));
        let mut card = render::reply(&title, &published.reply, &render::View::of(&table, ping));
        if published.via == Transport::Planner {
            card.colour = render::RED;
        }
        // The party moved by radio or console: Discord's players get the
        // ways on as buttons too.
        card.rows = controls::exits(&published.reply, &table);
        let mut message = serenity::CreateMessage::new()
            .allowed_mentions(mentions_of(&card))
            .components(rows_of(&card.rows));
        if !card.content.is_empty() {
            message = message.content(card.content.clone());
        }
        if card.has_embed() {
            message = message.embed(embed_of(&card));
        }
        if let Err(e) = serenity::ChannelId::new(channel)
            .send_message(&http, message)
            .await
        {
            eprintln!("discord: could not post to channel {channel}: {e}");
        }
    }
}
