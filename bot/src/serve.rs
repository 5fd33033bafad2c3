//! `dungeon serve`: one router on the store, and every transport that is
//! configured attached to it, until the process is stopped.
//!
//! Transports are adapters: each turns what it receives into
//! [`crate::router::Envelope`]s and renders the answers for its channel.
//! They share one router and one [`MonsterTurns`], so players on Discord and
//! on the radio can sit at the same table.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use anyhow::Context as _;

use crate::router::Router;
use crate::turns::MonsterTurns;

/// A transport's run, to the end of the process.
type Task = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// Runs `dungeon serve` with `args`.
pub fn serve(args: &crate::cli::ServeArgs) -> anyhow::Result<()> {
    let discord = std::env::var("DISCORD_TOKEN")
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if discord.is_none() && args.radio.is_none() {
        anyhow::bail!(
            "dungeon serve has no transport to run: set DISCORD_TOKEN to the bot token of your \
             Discord application (Developer Portal → your application → Bot → Reset Token; \
             see README, section Discord), and/or give --radio tcp://HOST:4403 or \
             --radio serial:/dev/ttyUSB0 for a Meshtastic node (README, section Radio)"
        );
    }
    if !(args.radio_gap.is_finite() && (0.0..=600.0).contains(&args.radio_gap)) {
        anyhow::bail!(
            "--radio-gap must be between 0 and 600 seconds (2.2 is safe for firmware 2.7+)"
        );
    }
    // Serenity's TLS and the planners' clients use rustls, which needs one provider.
    monsters::llm::install_crypto_provider();
    let planner = crate::planner::from_env(args.planner)?;
    let database = crate::console::database_url(args.database.as_deref());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let store = crate::store::Store::open(&database).await?;
        let config = crate::router::Config::for_store(&store);
        let router = Arc::new(Router::start(store, config, crate::router::system_clock()).await?);
        let turns = MonsterTurns::new(Arc::clone(&router), planner, crate::planner::TURN_BUDGET);
        eprintln!("dungeon serve: tables are kept in {database}");
        let mut tasks: Vec<(&str, Task)> = Vec::new();
        if let Some(token) = discord {
            let settings = crate::discord::Settings {
                token,
                api: args.discord_api.clone(),
                seed: None,
                defer_after: crate::discord::DEFER_AFTER,
            };
            eprintln!("dungeon serve: connecting to Discord");
            let (router, turns) = (Arc::clone(&router), turns.clone());
            tasks.push((
                "discord",
                Box::pin(crate::discord::run(
                    router,
                    turns,
                    settings,
                    std::future::pending(),
                )),
            ));
        }
        if let Some(endpoint) = &args.radio {
            let (settings, link) = radio_setup(args);
            eprintln!("dungeon serve: connecting to the radio at {endpoint}");
            let link = radio::link::spawn(endpoint.connector(), link);
            let (router, turns) = (Arc::clone(&router), turns.clone());
            tasks.push((
                "radio",
                Box::pin(crate::radio::run(
                    router,
                    turns,
                    settings,
                    link,
                    std::future::pending(),
                )),
            ));
        }
        run_all(tasks).await
    })
}

/// The radio adapter's and the link's settings from the command line.
fn radio_setup(args: &crate::cli::ServeArgs) -> (crate::radio::Settings, radio::link::LinkConfig) {
    let mut link = radio::link::LinkConfig::default();
    link.filter.channel = args.radio_channel;
    link.filter.ignore_mqtt = !args.radio_allow_mqtt;
    link.pace.min_gap = std::time::Duration::from_secs_f64(args.radio_gap);
    link.pace.hourly_airtime = (args.radio_hourly_airtime > 0)
        .then(|| std::time::Duration::from_secs(args.radio_hourly_airtime));
    link.hop_limit = args.radio_hop_limit;
    let settings = crate::radio::Settings {
        table: args.radio_table.clone(),
        channel: args.radio_channel,
        trust: radio::identity::TrustConfig {
            dm_nodes: args.radio_dm.clone(),
            allow_plain_dms: args.radio_allow_plain_dms,
        },
        seed: None,
    };
    (settings, link)
}

/// Runs the transports side by side; the first to stop (with an error, or
/// for good) stops the process with its name in the message.
async fn run_all(tasks: Vec<(&str, Task)>) -> anyhow::Result<()> {
    let mut set = tokio::task::JoinSet::new();
    for (name, task) in tasks {
        let name = name.to_owned();
        set.spawn(async move { (name, task.await) });
    }
    match set.join_next().await {
        None => Ok(()),
        Some(Ok((name, Ok(())))) => anyhow::bail!("the {name} transport stopped"),
        Some(Ok((name, Err(err)))) => Err(err.context(format!("the {name} transport failed"))),
        Some(Err(err)) => Err(anyhow::Error::new(err).context("a transport panicked")),
    }
}
