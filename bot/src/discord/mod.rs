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
pub mod render;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use dm::Command;
use poise::serenity_prelude as serenity;
use serde_json::json;

use crate::http::Link;
use crate::router::{Answer, Envelope, Router, Transport};
use crate::turns::MonsterTurns;
use render::Card;

/// What every command can reach.
pub struct Data {
    router: Arc<Router>,
    turns: MonsterTurns,
    seed: Option<u64>,
    /// Tables known to exist in the store, so a command opens its table at
    /// most once per process (a std Mutex: no await while it is held).
    opened: Mutex<HashSet<String>>,
    /// One player of monster turns per table at a time: two commands that
    /// both find a monster's turn due would otherwise both report it.
    playing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
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
}

impl std::fmt::Debug for Settings {
    /// Never prints the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("token", &"…")
            .field("api", &self.api)
            .field("seed", &self.seed)
            .finish()
    }
}

/// Waiting longer than this for the router defers the response first.
const DEFER_AFTER: Duration = Duration::from_millis(1_500);

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
    let data = Data {
        router,
        turns,
        seed: settings.seed,
        opened: Mutex::default(),
        playing: Mutex::default(),
    };
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: |error| Box::pin(on_error(error)),
            pre_command: |ctx| {
                Box::pin(async move {
                    crate::telemetry::discord_interaction(&ctx.command().qualified_name);
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
    // Only the player whose turn it is may be pinged, whatever names say.
    let mentions = serenity::CreateAllowedMentions::new()
        .users(card.mention.map(serenity::UserId::new))
        .empty_roles();
    let mut reply = poise::CreateReply::default()
        .ephemeral(card.ephemeral)
        .allowed_mentions(mentions);
    if !card.content.is_empty() {
        reply = reply.content(card.content.clone());
    }
    if card.has_embed() {
        let mut embed = serenity::CreateEmbed::new()
            .title(card.title.clone())
            .description(card.description.clone())
            .colour(card.colour);
        if !card.footer.is_empty() {
            embed = embed.footer(serenity::CreateEmbedFooter::new(card.footer.clone()));
        }
        reply = reply.embed(embed);
    }
    reply
}

/// Parses `text` (the command's text form) and plays it; a line the grammar
/// refuses is an ephemeral reply.
async fn play(ctx: Context<'_>, title: &str, text: &str) -> Result<(), Error> {
    match dm::parse(text) {
        Ok(command) => act(ctx, title, command).await,
        Err(e) => {
            ctx.send(reply_of(render::refusal(&e.to_string()))).await?;
            Ok(())
        }
    }
}

/// Carries `command` through the router as the invoking user at the
/// channel's table, answers, then plays any monster turns that are due.
async fn act(ctx: Context<'_>, title: &str, command: Command) -> Result<(), Error> {
    let data = ctx.data();
    let table = table_id(ctx.channel_id());
    let sender = format!("discord:{}", ctx.author().id);
    let envelope = Envelope {
        transport: Transport::Discord,
        table: table.clone(),
        sender: sender.clone(),
        request_id: ctx.id().to_string(),
        command,
    };
    // Everything up to the answer may touch the store (opening the table,
    // loading it after a restart, the commit): one deadline covers it all.
    let work = async {
        open(data, &table, &sender).await?;
        let before = turn_of(&data.router.table(&table).await?);
        let answer = data.router.submit(envelope).await?;
        let now = data.router.table(&table).await?;
        Ok::<_, Error>((before, answer, now))
    };
    tokio::pin!(work);
    let (before, answer, now) = tokio::select! {
        done = &mut work => done?,
        () = tokio::time::sleep(DEFER_AFTER) => {
            // Once deferred, the answer replaces a public "thinking…"
            // message: a refusal after it is public too.
            ctx.defer().await?;
            crate::telemetry::discord_defer();
            work.await?
        }
    };
    let after = turn_of(&now);
    let view = render::View::of(&now, after.is_some() && after != before);
    ctx.send(reply_of(render::answer(title, &answer, &view)))
        .await?;
    if matches!(answer, Answer::Done { .. }) {
        monster_turns(ctx, &table).await?;
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
        crate::console::random_seed,
        crate::console::seed_from_number,
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
async fn monster_turns(ctx: Context<'_>, table: &str) -> Result<(), Error> {
    let data = ctx.data();
    let playing = Arc::clone(lock(&data.playing).entry(table.to_owned()).or_default());
    // Waits for another command's monster turns; then plays what is still due.
    let _playing = playing.lock().await;
    for _ in 0..MAX_MONSTER_TURNS {
        if crate::console::fight_over(&data.router.table(table).await?) {
            break;
        }
        let Some(report) = data.turns.play_due(table).await? else {
            break;
        };
        if report.dropped || report.played.is_empty() {
            break;
        }
        let view = render::View::of(&data.router.table(table).await?, true);
        ctx.send(reply_of(render::monster_turn(&report, &view)))
            .await?;
    }
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
