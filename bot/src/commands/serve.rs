//! `dungeon serve`: one router on the store, and every transport that is
//! configured attached to it, until the process is stopped.
//!
//! Transports are adapters: each turns what it receives into
//! [`crate::core::router::Envelope`]s and renders the answers for its channel.
//! They share one router and one [`MonsterTurns`], so players on Discord and
//! on the radio can sit at the same table.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use std::time::Duration;

use anyhow::Context as _;

use crate::commands::cli::SettingsArgs;
use crate::core::router::Router;
use crate::core::turns::MonsterTurns;
use crate::ops::http::{Health, Link};

/// A transport's run, to the end of the process.
type Task = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// Loads the configuration the flags in `args` point at, over the process's environment.
pub fn load_config(args: &SettingsArgs) -> anyhow::Result<crate::config::Loaded> {
    Ok(crate::config::load(
        args.config.as_deref(),
        std::env::vars(),
        &args.overrides(),
    )?)
}

/// `dungeon config check`: prints the effective configuration, secrets
/// redacted, and fails with every problem found.
pub fn config_check(args: &SettingsArgs) -> anyhow::Result<()> {
    let loaded = load_config(args)?;
    let mut out = String::new();
    match &loaded.file {
        Some(file) => out.push_str(&format!("# file: {}\n", file.display())),
        None => out.push_str("# file: none (defaults)\n"),
    }
    if !loaded.env.is_empty() {
        out.push_str(&format!("# environment: {}\n", loaded.env.join(", ")));
    }
    out.push_str(&loaded.config.redacted());
    crate::commands::output::emit(&out)?;
    let problems = loaded.config.problems();
    if problems.is_empty() {
        eprintln!("configuration OK");
        return Ok(());
    }
    anyhow::bail!(
        "the configuration has {} problem{}:\n  {}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.join("\n  ")
    )
}

/// Runs `dungeon serve` with `args`.
pub fn serve(args: &crate::commands::cli::ServeArgs) -> anyhow::Result<()> {
    let loaded = load_config(&args.settings)?;
    let config = loaded.config;
    let problems = config.problems();
    if !problems.is_empty() {
        anyhow::bail!(
            "dungeon serve cannot start:\n  {}\n(`dungeon config check` shows the configuration; \
             for Discord, the token is in the Developer Portal → your application → Bot → \
             Reset Token; see README, section Production)",
            problems.join("\n  ")
        );
    }
    crate::ops::telemetry::init_logs(&config.log)?;
    // Serenity's TLS and the planners' clients use rustls, which needs one provider.
    monsters::llm::install_crypto_provider();
    let planner = crate::core::planner::from_config(&config.planner)?;
    let budget = Duration::from_millis(config.planner.turn_budget_ms);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let store = crate::core::store::Store::open(&config.database.url).await?;
        let router_config = crate::core::router::Config::for_store(&store);
        let bus = match &config.redis.url {
            Some(url) => {
                tracing::info!("sharing tables with other processes through Redis");
                crate::core::bus::Bus::redis(url, crate::core::bus::BusOptions::default())?
            }
            None => crate::core::bus::Bus::in_process(),
        };
        let router = Arc::new(
            Router::start_with_bus(
                store.clone(),
                router_config,
                crate::core::router::system_clock(),
                bus,
            )
            .await?,
        );
        router.set_narrator(crate::core::planner::narrator_from_config(
            &config.narrator,
            &config.planner,
        )?);
        let turns = MonsterTurns::new(Arc::clone(&router), planner, budget);
        tracing::info!(
            database = %crate::config::mask_password(&config.database.url),
            "tables are kept in the store"
        );
        let mut health = Health {
            database: Some(store.probe()),
            ..Health::default()
        };
        if router.bus().is_shared() {
            let bus = router.bus().clone();
            health.redis = Some(Arc::new(move || {
                let bus = bus.clone();
                Box::pin(async move { bus.ping().await })
            }));
        }
        let mut tasks: Vec<(&str, Task)> = Vec::new();
        if let Some(token) = &config.discord.token {
            let settings = crate::transport::discord::Settings {
                token: token.expose().to_owned(),
                api: args.discord_api.clone(),
                seed: None,
                defer_after: crate::transport::discord::DEFER_AFTER,
                go_vote_secs: config.discord.go_vote_secs,
            };
            let link = Link::new();
            health.discord = Some(link.probe());
            tracing::info!("connecting to Discord");
            let (router, turns) = (Arc::clone(&router), turns.clone());
            tasks.push((
                "discord",
                Box::pin(crate::transport::discord::run_linked(
                    router,
                    turns,
                    settings,
                    link,
                    std::future::pending(),
                )),
            ));
        }
        if let Some(device) = &config.radio.device {
            let endpoint: radio::link::Endpoint = device
                .parse()
                .map_err(|e| anyhow::anyhow!("radio.device: {e}"))?;
            let (mut settings, link_config) = radio_setup(&config.radio)?;
            let link = Link::new();
            health.radio = Some(link.probe());
            settings.health = Some(link);
            tracing::info!(%endpoint, "connecting to the radio");
            let link = radio::link::spawn(endpoint.connector(), link_config);
            let (router, turns) = (Arc::clone(&router), turns.clone());
            tasks.push((
                "radio",
                Box::pin(crate::transport::radio::run(
                    router,
                    turns,
                    settings,
                    link,
                    std::future::pending(),
                )),
            ));
        }
        if config.http.enabled {
            let address = config.http.address;
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| {
                    format!(
                        "serving health and metrics on {address}: set http.address \
                         (or --http ADDR) to a free address, or turn it off with --no-http"
                    )
                })?;
            tracing::info!(
                address = %listener.local_addr().unwrap_or(address),
                "health on /health/live and /health/ready, metrics on /metrics"
            );
            let mut app = crate::ops::http::app(health);
            if config.web.enabled {
                let web = web_setup(&config.web, Arc::clone(&router), turns.clone()).await?;
                tokio::spawn(Arc::clone(&web).listen());
                tracing::info!("the web table on / (tables), /t/{{table}} and /api/");
                app = app.merge(crate::transport::web::app(web));
            }
            tasks.push((
                "http",
                Box::pin(async move {
                    crate::ops::http::serve(listener, app, std::future::pending())
                        .await
                        .context("the health and metrics endpoint failed")
                }),
            ));
        }
        run_all(tasks).await
    })
}

/// The web table from `[web]`: its secret configured or kept in the store.
async fn web_setup(
    cfg: &crate::config::WebConfig,
    router: Arc<Router>,
    turns: MonsterTurns,
) -> anyhow::Result<Arc<crate::transport::web::Web>> {
    let secret = crate::transport::web::secret(
        router.store(),
        cfg.secret.as_ref().map(crate::config::Secret::expose),
    )
    .await
    .context("the web table's session secret")?;
    let settings = crate::transport::web::Settings {
        allow_watchers: cfg.allow_watchers,
        secret,
        admin_token: cfg.admin_token.as_ref().map(|t| t.expose().to_owned()),
        session_life: Duration::from_secs(cfg.session_hours * 3600),
    };
    crate::transport::web::Web::new(router, turns, settings).context("the web table's templates")
}

/// The radio adapter's and the link's settings from `[radio]`, flags merged
/// in; `Config::problems` has found nothing wrong with it.
fn radio_setup(
    cfg: &crate::config::RadioConfig,
) -> anyhow::Result<(crate::transport::radio::Settings, radio::link::LinkConfig)> {
    let mut link = radio::link::LinkConfig::default();
    link.filter.channel = cfg.channel;
    link.filter.ignore_mqtt = !cfg.allow_mqtt;
    link.pace.min_gap = Duration::try_from_secs_f64(cfg.gap_secs)
        .map_err(|e| anyhow::anyhow!("radio.gap_secs: {e}"))?;
    link.pace.hourly_airtime =
        (cfg.hourly_airtime_secs > 0).then(|| Duration::from_secs(cfg.hourly_airtime_secs));
    link.hop_limit = cfg.hop_limit;
    let settings = crate::transport::radio::Settings {
        table: cfg.table.clone(),
        channel: cfg.channel,
        trust: radio::identity::TrustConfig {
            dm_nodes: cfg
                .dm_node_ids()
                .map_err(|e| anyhow::anyhow!("radio.dm_nodes: {e}"))?,
            allow_plain_dms: cfg.allow_plain_dms,
        },
        seed: None,
        health: None,
        tally: crate::transport::radio::Tally::default(),
        go_vote_secs: cfg.go_vote_secs,
    };
    Ok((settings, link))
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
        Some(Ok((name, Ok(())))) => anyhow::bail!("the {name} task stopped"),
        Some(Ok((name, Err(err)))) => Err(err.context(format!("the {name} transport failed"))),
        Some(Err(err)) => Err(anyhow::Error::new(err).context("a transport panicked")),
    }
}
