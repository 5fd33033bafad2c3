//! The web table: a table's live page, play from a browser, the DM's desk
//! and an admin API, served on the same axum server as health and metrics.
//!
//! A transport like the others: a browser's command becomes an
//! [`Envelope`] for the router (rate limit, request id, commit before
//! reply), and what any transport does at a table reaches the browsers
//! watching it from the router's publish path ([`Router::subscribe_all`]:
//! in this process or, with Redis, from another). Pages are rendered on the
//! server with tera from templates embedded in the binary; a small
//! hand-written script (no build step) swaps in the live part over
//! `/t/{table}/ws`, and without it the page refreshes itself.
//!
//! Who a browser is: a signed session cookie ([`auth`]), got by typing a
//! one-time code from `dungeon web link NAME`, `link` on the radio or
//! `/char link` on Discord. Every page and socket checks the viewer's role
//! at the table ([`view::Role`]): the DM and co-DMs see every number and
//! the desk; players see their party's hit points and monsters' health
//! words; others watch only if `web.allow_watchers` is on.

mod api;
pub mod auth;
mod pages;
pub mod view;
mod ws;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dm::PlayerId;
use tokio::sync::broadcast;

use crate::core::router::{Answer, Envelope, Published, Router, RouterError, Transport};
use crate::core::store::Store;
use crate::core::turns::MonsterTurns;

pub use pages::app;

/// How many replies of each table a page shows.
const LOG_LEN: usize = 60;

/// The web table's settings, from `[web]`.
#[derive(Clone)]
pub struct Settings {
    /// Anyone may watch without signing in.
    pub allow_watchers: bool,
    /// The key that signs sessions.
    pub secret: Vec<u8>,
    /// The admin API's bearer token; `None`: the API answers 404.
    pub admin_token: Option<String>,
    /// How long a session lasts.
    pub session_life: Duration,
}

/// The web table's state: the router, the monster turns and what the
/// pages need between requests. Cheap to share (`Arc`).
pub struct Web {
    router: Arc<Router>,
    turns: MonsterTurns,
    settings: Settings,
    templates: tera::Tera,
    /// The last replies of each table, oldest first.
    logs: Mutex<HashMap<String, VecDeque<Published>>>,
    /// Each table's "something changed" signal (the seq), for its sockets.
    hub: Mutex<HashMap<String, broadcast::Sender<u64>>>,
    /// Rendered live fragments by (table, seq, role, viewer): watchers of
    /// one table share one rendering per change.
    fragments: Mutex<HashMap<(String, u64, String), Arc<String>>>,
    /// Each table's state at its last seen seq, shared by its sockets.
    states: Mutex<HashMap<String, (u64, Arc<dm::Table>)>>,
    /// Sign-in attempts allowed now (a token bucket for the whole process:
    /// guessing codes stays slow however many addresses guess).
    signins: Mutex<(f64, std::time::Instant)>,
}

/// Sign-in attempts in a burst, and regained per second.
const SIGNIN_BURST: f64 = 20.0;
const SIGNIN_PER_SECOND: f64 = 2.0;

/// The session secret: the configured one, else the one generated and kept
/// in the store (the same for every process on that database).
pub async fn secret(store: &Store, configured: Option<&str>) -> Result<Vec<u8>, RouterError> {
    if let Some(s) = configured {
        return Ok(s.as_bytes().to_vec());
    }
    let kept = store
        .web_setting_or("session_secret", || auth::random_hex(32))
        .await?;
    Ok(kept.into_bytes())
}

/// A one-time sign-in code for `player`, kept in the store for
/// [`auth::CODE_LIFE_SECS`] (for `dungeon web link`).
pub async fn issue_code(store: &Store, player: &str, now_ms: i64) -> Result<String, RouterError> {
    let life_ms = i64::try_from(auth::CODE_LIFE_SECS * 1000).unwrap_or(i64::MAX);
    loop {
        let code = auth::new_code();
        if store
            .add_web_code(&code, player, now_ms.saturating_add(life_ms))
            .await?
        {
            return Ok(code);
        }
    }
}

/// What a browser asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A command in the console's grammar.
    Text(String),
    /// One of the player's legal options, by id.
    Option(String),
    /// A character file pasted in: Foundry VTT or our JSON, Fight Club 5
    /// XML (what `/char import` and the console's `import` read).
    Import(String),
}

impl Web {
    /// The web table over `router`; [`Web::listen`] must run for live updates.
    pub fn new(
        router: Arc<Router>,
        turns: MonsterTurns,
        settings: Settings,
    ) -> Result<Arc<Self>, tera::Error> {
        let mut templates = tera::Tera::new();
        templates.add_raw_templates([
            ("base.html", include_str!("assets/base.html")),
            ("index.html", include_str!("assets/index.html")),
            ("signin.html", include_str!("assets/signin.html")),
            ("table.html", include_str!("assets/table.html")),
            ("live.html", include_str!("assets/live.html")),
            ("desk.html", include_str!("assets/desk.html")),
            ("error.html", include_str!("assets/error.html")),
        ])?;
        Ok(Arc::new(Self {
            router,
            turns,
            settings,
            templates,
            logs: Mutex::default(),
            hub: Mutex::default(),
            fragments: Mutex::default(),
            states: Mutex::default(),
            signins: Mutex::new((SIGNIN_BURST, std::time::Instant::now())),
        }))
    }

    /// Takes one sign-in attempt from the bucket; `false`: none left.
    fn signin_allowed(&self) -> bool {
        let mut bucket = lock(&self.signins);
        let now = std::time::Instant::now();
        let (tokens, at) = *bucket;
        let tokens =
            (tokens + now.duration_since(at).as_secs_f64() * SIGNIN_PER_SECOND).min(SIGNIN_BURST);
        if tokens < 1.0 {
            *bucket = (tokens, now);
            return false;
        }
        *bucket = (tokens - 1.0, now);
        true
    }

    /// The router.
    pub fn router(&self) -> &Arc<Router> {
        &self.router
    }

    /// Keeps each table's log and tells its sockets, from every reply the
    /// router publishes (this process's and, with Redis, the others'),
    /// until the router is gone.
    pub async fn listen(self: Arc<Self>) {
        let mut all = self.router.subscribe_all();
        loop {
            match all.recv().await {
                Ok(published) => self.record(published),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "the web table fell behind the router's replies");
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    fn record(&self, published: Published) {
        let (table, seq) = (published.table.clone(), published.seq);
        {
            let mut logs = lock(&self.logs);
            let log = logs.entry(table.clone()).or_default();
            log.push_back(published);
            while log.len() > LOG_LEN {
                log.pop_front();
            }
        }
        lock(&self.fragments).retain(|(t, s, _), _| *t != table || *s >= seq);
        if let Some(tx) = lock(&self.hub).get(&table) {
            let _ = tx.send(seq);
        }
    }

    /// The table's state at `seq` or later, read once for all its sockets.
    async fn state_since(
        &self,
        table: &str,
        seq: u64,
    ) -> Result<(u64, Arc<dm::Table>), RouterError> {
        if let Some((at, state)) = lock(&self.states).get(table)
            && *at >= seq
        {
            return Ok((*at, Arc::clone(state)));
        }
        let state = Arc::new(self.router.table(table).await?);
        let at = self.router.seq(table).await?;
        let mut states = lock(&self.states);
        let entry = states
            .entry(table.to_owned())
            .or_insert_with(|| (at, Arc::clone(&state)));
        if entry.0 < at {
            *entry = (at, Arc::clone(&state));
        }
        Ok((at, state))
    }

    /// The changes of `table` from now on.
    fn changes(&self, table: &str) -> broadcast::Receiver<u64> {
        lock(&self.hub)
            .entry(table.to_owned())
            .or_insert_with(|| broadcast::channel(64).0)
            .subscribe()
    }

    fn log_of(&self, table: &str) -> Vec<Published> {
        lock(&self.logs)
            .get(table)
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Carries out what a signed-in browser asked at `table`, as `sender`
    /// playing `player`; returns what to tell them. `request` makes the
    /// request id, so a form sent twice is carried out once.
    pub async fn act(
        &self,
        table: &str,
        sender: &str,
        player: &PlayerId,
        request: &str,
        action: Action,
    ) -> Result<String, RouterError> {
        self.router.link_identity(sender, player).await?;
        // An import's report is about the player's own sheet alone: told in
        // full (its notes name armor and hit points, which the players'
        // view hides when they might be a monster's).
        let own_sheet = matches!(action, Action::Import(_));
        let commands = match action {
            Action::Text(text) => match dm::parse(text.trim()) {
                Ok(c) => vec![c],
                Err(e) => return Ok(e.to_string()),
            },
            Action::Import(sheet) => match sheets::import(sheet.trim().as_bytes(), None) {
                Ok(imported) => vec![dm::Command::ImportCharacter {
                    character: Box::new(imported.character),
                    notes: imported.notes,
                }],
                Err(e) => return Ok(format!("import: {e}")),
            },
            Action::Option(id) => {
                let state = self.router.table(table).await?;
                let Some(handle) = state.players.get(player) else {
                    return Ok(
                        "you play no character here: `char new` or `char use` first".to_owned()
                    );
                };
                match dm::options::turn_options(&state, handle)
                    .into_iter()
                    .find(|o| o.id == id)
                {
                    Some(o) => o.commands,
                    None => {
                        return Ok(
                            "that option is not open now: the page shows those that are".to_owned()
                        );
                    }
                }
            }
        };
        let mut told = Vec::new();
        for (i, command) in commands.into_iter().enumerate() {
            let envelope = Envelope {
                transport: Transport::Web,
                table: table.to_owned(),
                sender: sender.to_owned(),
                request_id: format!("{request}-{i}"),
                command,
            };
            match self.router.submit(envelope).await? {
                Answer::Done { reply, .. } | Answer::Repeated { reply, .. } => {
                    let state = self.router.table(table).await?;
                    let dm = state.is_dm(player) || own_sheet;
                    told.extend(reply.lines.iter().map(|l| view::line_text(&state, l, dm)));
                }
                Answer::Refused { why } => {
                    told.push(why);
                    break;
                }
                Answer::Limited { retry_after } => {
                    told.push(format!(
                        "slow down: try again in {} s",
                        retry_after.as_secs().max(1)
                    ));
                    break;
                }
            }
        }
        self.play_monsters(table);
        Ok(if told.is_empty() {
            "done".to_owned()
        } else {
            told.join("\n")
        })
    }

    /// Plays the monster turns now due at `table`, in the background.
    fn play_monsters(&self, table: &str) {
        let (turns, router, table) = (
            self.turns.clone(),
            Arc::clone(&self.router),
            table.to_owned(),
        );
        tokio::spawn(async move {
            for _ in 0..32 {
                match router.table(&table).await {
                    Ok(t) if !crate::core::game::fight_over(&t) => {}
                    _ => return,
                }
                match turns.play_due(&table).await {
                    Ok(Some(report)) if !report.dropped && !report.played.is_empty() => {}
                    Ok(_) => return,
                    Err(e) => {
                        tracing::warn!(%table, error = %e, "a monster turn failed");
                        return;
                    }
                }
            }
        });
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
