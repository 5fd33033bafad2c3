//! The router: every transport's way into the game.
//!
//! A transport hands it an [`Envelope`] (transport, table, sender, request
//! id, command). The router maps the sender to a player (one person may link
//! a Discord account and a radio node), applies a per-player rate limit,
//! runs the DM core on the table's live state, commits the events to the
//! store (group commit: one transaction for whatever is waiting), and only
//! then applies them, answers the sender and publishes the reply to every
//! transport attached to the table.
//!
//! **One writer per table:** in one process, a table's commands run one at
//! a time under its lock. Across processes the store's unique `(table_id,
//! seq)` decides: a writer that loses reloads the table and tries again.
//! With a Redis [`Bus`], a per-table lease makes such races rare, replies
//! reach the other processes' subscribers, and request ids and rate limits
//! are shared.
//!
//! **Duplicates:** a request id is stored with its reply in the transaction
//! of its events, so a retried request (a Discord retry, a radio packet heard
//! twice, a client that reconnected) gets the first reply and applies nothing,
//! across restarts too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dm::journal::Journal;
use dm::rules::dice::Roller;
use dm::seed::TableSeed;
use dm::{Command, Ctx, DmCommand, Event, Line, PlayerId, Reply, Table};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::{Mutex, broadcast, mpsc, oneshot};
use tokio::time::Instant;

use crate::core::bus::{Bus, BusError, Grant};
use crate::core::narrator::Narrator;
use crate::core::replay;
use crate::core::store::{Append, NewEvent, SheetEdit, Store, StoreError};
use crate::ops::telemetry;

/// Which transport a request came through; request ids are unique per transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// The local console.
    Console,
    /// Discord slash commands.
    Discord,
    /// Meshtastic radio texts.
    Radio,
    /// The load generator and benchmarks.
    Bench,
    /// Monster turns the planner played.
    Planner,
    /// The web table (a browser).
    Web,
    /// The narrator's prose after a reply (never a command).
    Narrator,
}

impl Transport {
    /// Its name in identities and request ids.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Console => "console",
            Transport::Discord => "discord",
            Transport::Radio => "radio",
            Transport::Bench => "bench",
            Transport::Planner => "planner",
            Transport::Web => "web",
            Transport::Narrator => "narrator",
        }
    }
}

/// One command from one sender at one table.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// Where it came from.
    pub transport: Transport,
    /// The table's id.
    pub table: String,
    /// The sender as the transport knows them (`discord:1234`, `radio:!a1b2c3d4`).
    pub sender: String,
    /// The transport's id for this request (an interaction id, a packet id).
    pub request_id: String,
    /// What they asked.
    pub command: Command,
}

/// What the sender is told.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Carried out (and committed, if it changed anything).
    Done {
        /// The reply.
        reply: Reply,
        /// The table's last event seq after it.
        seq: u64,
    },
    /// The same request was carried out before: its first reply, nothing applied.
    Repeated {
        /// The reply it got then.
        reply: Reply,
        /// The seq of its last event.
        seq: u64,
    },
    /// Refused by the rules; nothing changed.
    Refused {
        /// Why, in one short line.
        why: String,
    },
    /// Too many commands from this player; nothing changed.
    Limited {
        /// When they may try again.
        retry_after: Duration,
    },
}

impl Answer {
    /// The reply, if there is one.
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            Answer::Done { reply, .. } | Answer::Repeated { reply, .. } => Some(reply),
            _ => None,
        }
    }
}

/// How a command ended, as the metrics label it, and the reason it counts
/// as a rejection if it does.
fn outcome(result: &Result<Answer, RouterError>) -> (&'static str, Option<&'static str>) {
    match result {
        Ok(Answer::Done { .. }) => ("done", None),
        Ok(Answer::Repeated { .. }) => ("repeated", None),
        Ok(Answer::Refused { .. }) => ("refused", Some("refused")),
        Ok(Answer::Limited { .. }) => ("limited", Some("rate_limited")),
        Err(_) => ("error", Some("error")),
    }
}

/// A reply for every transport attached to a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// The table.
    pub table: String,
    /// Its last event seq after the command.
    pub seq: u64,
    /// Who acted (the player, after identity links).
    pub actor: PlayerId,
    /// The transport the command came through.
    pub via: Transport,
    /// The reply (a private one only goes to its sender: check `reply.private`).
    pub reply: Reply,
}

/// Why the router could not carry a command through (the game is unharmed).
#[derive(Debug, thiserror::Error)]
pub enum RouterError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such table.
    #[error("no table `{0}`: open it first")]
    UnknownTable(String),
    /// The stored log does not replay.
    #[error("table `{table}`: its stored log does not replay: {why}")]
    Corrupt {
        /// The table.
        table: String,
        /// What failed.
        why: String,
    },
    /// Other writers kept winning the race for the table's next seq.
    #[error("table `{0}` is busy with another writer; try again")]
    Busy(String),
    /// The group-commit task is gone (the process is shutting down).
    #[error("the store's writer has stopped")]
    WriterGone,
    /// A link code that is unknown or expired.
    #[error("that link code is unknown or expired: ask for a new one with `link`")]
    BadLinkCode,
    /// The bus between processes could not confirm this process may write
    /// the table (Redis is away and other processes serve tables).
    #[error(transparent)]
    Bus(#[from] BusError),
}

/// A per-player token bucket: `burst` commands at once, refilled at
/// `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Commands allowed in a burst.
    pub burst: f64,
    /// Commands regained per second.
    pub per_second: f64,
}

impl Default for RateLimit {
    /// Five at once, one a second after: more than anyone types, less than a script.
    fn default() -> Self {
        Self {
            burst: 5.0,
            per_second: 1.0,
        }
    }
}

/// How the router runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The rate limit per player; `None` for none (the local console).
    pub rate_limit: Option<RateLimit>,
    /// Take a snapshot after this many events since the last one.
    pub snapshot_every: u64,
    /// The most appends one group commit takes.
    pub max_batch: usize,
    /// Group-commit writers; tables are spread over them by id. One suits
    /// SQLite (a single writer anyway), a few suit Postgres.
    pub writers: usize,
}

impl Config {
    /// Defaults for a store: one writer on SQLite, four on Postgres.
    pub fn for_store(store: &Store) -> Self {
        Self {
            rate_limit: Some(RateLimit::default()),
            snapshot_every: 200,
            max_batch: 256,
            writers: if store.is_postgres() { 4 } else { 1 },
        }
    }
}

/// Now, in seconds since the Unix epoch, as the router's clock reads it.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    })
}

/// A table as the router holds it.
struct Live {
    table: Table,
    seed: Option<TableSeed>,
    /// The seq of its last event.
    seq: u64,
    /// The seq of its last snapshot.
    snapshot_seq: u64,
    /// The events this process appended under the current writer lease
    /// (seq, JSON), handed to the bus for the next writer.
    written: Vec<(u64, String)>,
    /// The table's dice roller: its buffers and parsed expressions are
    /// kept from one command to the next.
    roller: Roller,
}

type Slot = Arc<Mutex<Option<Live>>>;

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// A pending group-commit append.
struct Job {
    append: Append,
    done: oneshot::Sender<Result<u64, StoreError>>,
}

/// The router. Cheap to share (`Arc`); every method takes `&self`.
pub struct Router {
    store: Store,
    config: Config,
    clock: Clock,
    tables: SyncMutex<HashMap<String, Slot>>,
    identities: SyncMutex<HashMap<String, PlayerId>>,
    link_codes: SyncMutex<HashMap<String, (PlayerId, Instant)>>,
    buckets: SyncMutex<HashMap<PlayerId, Bucket>>,
    /// This process's listeners, shared with the bus's listener, which
    /// hands them other processes' replies.
    listeners: Arc<Listeners>,
    writers: Vec<mpsc::Sender<Job>>,
    bus: Bus,
    /// Who narrates after each reply (none: nobody).
    narrator: SyncMutex<Option<Narrator>>,
}

/// Who hears replies in this process.
struct Listeners {
    /// Each table's subscribers.
    tables: SyncMutex<HashMap<String, broadcast::Sender<Published>>>,
    /// Every table's replies, for a transport that serves many tables.
    everything: broadcast::Sender<Published>,
}

/// How long a link code stays good.
const LINK_CODE_LIFE: Duration = Duration::from_secs(600);

/// Tries before a table that keeps losing the race for its next seq is reported busy.
const CONFLICT_RETRIES: u32 = 10;

impl Router {
    /// A router over `store`, its group-commit writers started on the
    /// current tokio runtime, and the identity links loaded; alone, with
    /// the in-process bus.
    pub async fn start(store: Store, config: Config, clock: Clock) -> Result<Self, RouterError> {
        Self::start_with_bus(store, config, clock, Bus::in_process()).await
    }

    /// [`Router::start`] with a bus to other processes serving the same
    /// tables: replies fan out through it, and it gives out the tables'
    /// writer leases, shared rate limits and request ids.
    pub async fn start_with_bus(
        store: Store,
        config: Config,
        clock: Clock,
        bus: Bus,
    ) -> Result<Self, RouterError> {
        let mut writers = Vec::new();
        for _ in 0..config.writers.max(1) {
            let (tx, rx) = mpsc::channel::<Job>(config.max_batch.max(1) * 4);
            tokio::spawn(group_commit(store.clone(), rx, config.max_batch.max(1)));
            writers.push(tx);
        }
        let identities = store
            .identities()
            .await?
            .into_iter()
            .map(|(identity, player)| (identity, PlayerId::new(player)))
            .collect();
        let listeners = Arc::new(Listeners {
            tables: SyncMutex::default(),
            everything: broadcast::channel(1024).0,
        });
        let local = Arc::clone(&listeners);
        bus.listen(move |published| deliver(&local, published));
        Ok(Self {
            store,
            config,
            clock,
            tables: SyncMutex::default(),
            identities: SyncMutex::new(identities),
            link_codes: SyncMutex::default(),
            buckets: SyncMutex::default(),
            listeners,
            writers,
            bus,
            narrator: SyncMutex::new(None),
        })
    }

    /// The store underneath.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The bus to other processes (in-process if there are none).
    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    /// Opens table `id` with its DM and dice seed; `false` if it existed
    /// already (then nothing changes: it keeps its DM and seed).
    pub async fn open_table(
        &self,
        id: &str,
        meta: &Value,
        dm: PlayerId,
        seed: &TableSeed,
    ) -> Result<bool, RouterError> {
        let secret = seed.to_string();
        if !self
            .store
            .create_table_with_secret(id, meta, Some(&secret))
            .await?
        {
            return Ok(false);
        }
        let opened = Table::opened(dm, seed.commitment().to_string());
        let slot = self.slot(id);
        let mut guard = slot.lock().await;
        let seq = self
            .commit(Append {
                table_id: id.to_owned(),
                expected_next_seq: 1,
                events: vec![new_event(&opened)],
                request: None,
                sheet_edits: Vec::new(),
            })
            .await?;
        let mut table = Table::default();
        table.apply(&opened).map_err(|e| RouterError::Corrupt {
            table: id.to_owned(),
            why: e.to_string(),
        })?;
        *guard = Some(Live {
            table,
            seed: Some(seed.clone()),
            seq,
            snapshot_seq: 0,
            written: Vec::new(),
            roller: Roller::new(),
        });
        Ok(true)
    }

    /// Gives `sender`'s player the DM's rights at `table`, because the
    /// transport vouches for them (`reason`: "Manage Server on Discord").
    /// `false` if they had them already (then nothing is written).
    pub async fn grant_dm(
        &self,
        table: &str,
        sender: &str,
        reason: &str,
    ) -> Result<bool, RouterError> {
        let player = self.player_of(sender);
        let slot = self.slot(table);
        let mut guard = slot.lock().await;
        let grant = self.bus.acquire(table, None, known_seq(&guard)).await;
        let grant = self.writer(table, grant, &mut guard).await?;
        let granted = self
            .grant_dm_as_writer(table, player, reason, &mut guard)
            .await;
        self.release(grant, &mut guard).await;
        granted
    }

    /// The rest of [`Router::grant_dm`], as the table's one writer.
    async fn grant_dm_as_writer(
        &self,
        table: &str,
        player: PlayerId,
        reason: &str,
        guard: &mut Option<Live>,
    ) -> Result<bool, RouterError> {
        for attempt in 0..CONFLICT_RETRIES {
            let live = self.loaded(table, guard).await?;
            if live.table.is_dm(&player) {
                return Ok(false);
            }
            let granted = Event::DmGranted {
                player: player.clone(),
                reason: reason.to_owned(),
            };
            let append = Append {
                table_id: table.to_owned(),
                expected_next_seq: live.seq + 1,
                events: vec![new_event(&granted)],
                request: None,
                sheet_edits: Vec::new(),
            };
            match self.commit(append).await {
                Ok(seq) => {
                    live.table
                        .apply(&granted)
                        .map_err(|e| RouterError::Corrupt {
                            table: table.to_owned(),
                            why: e.to_string(),
                        })?;
                    live.seq = seq;
                    return Ok(true);
                }
                Err(RouterError::Store(StoreError::Conflict { .. } | StoreError::Gap { .. })) => {
                    *guard = None;
                    tokio::time::sleep(Duration::from_millis(1 << attempt.min(5))).await;
                }
                Err(e) => return Err(e),
            }
        }
        Err(RouterError::Busy(table.to_owned()))
    }

    /// Takes back `player`'s co-DM rights at `table` (an operator's act,
    /// logged as `Event::DmRevoked`); `false` if they had none to take (the
    /// table's own DM keeps theirs), and then nothing is written.
    pub async fn revoke_dm(
        &self,
        table: &str,
        player: &PlayerId,
        reason: &str,
    ) -> Result<bool, RouterError> {
        self.append_fact(table, |t| {
            t.co_dms.contains_key(player).then(|| Event::DmRevoked {
                player: player.clone(),
                reason: reason.to_owned(),
            })
        })
        .await
    }

    /// Closes `table` for good (an operator's act, logged as
    /// `Event::Closed`): commands that would change it are refused from
    /// then on; `false` if it was closed already.
    pub async fn close_table(&self, table: &str, reason: &str) -> Result<bool, RouterError> {
        self.append_fact(table, |t| {
            t.closed.is_none().then(|| Event::Closed {
                reason: reason.to_owned(),
            })
        })
        .await
    }

    /// Appends the event `fact` makes of the table's live state, as the
    /// table's one writer; `false` if it makes none (nothing is written).
    async fn append_fact(
        &self,
        table: &str,
        fact: impl Fn(&Table) -> Option<Event>,
    ) -> Result<bool, RouterError> {
        let slot = self.slot(table);
        let mut guard = slot.lock().await;
        let grant = self.bus.acquire(table, None, known_seq(&guard)).await;
        let grant = self.writer(table, grant, &mut guard).await?;
        let done = self.append_fact_as_writer(table, &fact, &mut guard).await;
        self.release(grant, &mut guard).await;
        done
    }

    async fn append_fact_as_writer(
        &self,
        table: &str,
        fact: &impl Fn(&Table) -> Option<Event>,
        guard: &mut Option<Live>,
    ) -> Result<bool, RouterError> {
        for attempt in 0..CONFLICT_RETRIES {
            let live = self.loaded(table, guard).await?;
            let Some(event) = fact(&live.table) else {
                return Ok(false);
            };
            let append = Append {
                table_id: table.to_owned(),
                expected_next_seq: live.seq + 1,
                events: vec![new_event(&event)],
                request: None,
                sheet_edits: Vec::new(),
            };
            match self.commit(append).await {
                Ok(seq) => {
                    live.table.apply(&event).map_err(|e| RouterError::Corrupt {
                        table: table.to_owned(),
                        why: e.to_string(),
                    })?;
                    live.seq = seq;
                    return Ok(true);
                }
                Err(RouterError::Store(StoreError::Conflict { .. } | StoreError::Gap { .. })) => {
                    *guard = None;
                    tokio::time::sleep(Duration::from_millis(1 << attempt.min(5))).await;
                }
                Err(e) => return Err(e),
            }
        }
        Err(RouterError::Busy(table.to_owned()))
    }

    /// Replies published at `table` from now on, whoever sent the command.
    pub fn subscribe(&self, table: &str) -> broadcast::Receiver<Published> {
        let mut subs = lock(&self.listeners.tables);
        subs.entry(table.to_owned())
            .or_insert_with(|| broadcast::channel(256).0)
            .subscribe()
    }

    /// Replies published at every table from now on (a receiver that falls
    /// more than 1,024 behind misses the oldest and is told how many).
    pub fn subscribe_all(&self) -> broadcast::Receiver<Published> {
        self.listeners.everything.subscribe()
    }

    /// The player a transport identity plays as.
    pub fn player_of(&self, sender: &str) -> PlayerId {
        lock(&self.identities)
            .get(sender)
            .cloned()
            .unwrap_or_else(|| PlayerId::new(sender))
    }

    /// A short code that links another transport identity to `sender`'s
    /// player (good for ten minutes): `link CODE` on the other transport.
    pub fn link_code(&self, sender: &str) -> String {
        let player = self.player_of(sender);
        let mut codes = lock(&self.link_codes);
        let now = Instant::now();
        codes.retain(|_, (_, at)| now.duration_since(*at) < LINK_CODE_LIFE);
        let mut bytes = [0u8; 4];
        loop {
            rand::fill(&mut bytes);
            let code = format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000);
            if !codes.contains_key(&code) {
                codes.insert(code.clone(), (player, now));
                return code;
            }
        }
    }

    /// Links `sender` to the player who asked for `code`.
    pub async fn redeem_link(&self, sender: &str, code: &str) -> Result<PlayerId, RouterError> {
        let found = {
            let mut codes = lock(&self.link_codes);
            match codes.remove(code.trim()) {
                Some((player, at)) if at.elapsed() < LINK_CODE_LIFE => Some(player),
                _ => None,
            }
        };
        let player = found.ok_or(RouterError::BadLinkCode)?;
        self.store.link_identity(sender, &player.0).await?;
        lock(&self.identities).insert(sender.to_owned(), player.clone());
        Ok(player)
    }

    /// Takes a link code from `link` / `/char link` without linking an
    /// identity: the player who asked for it, if it is known and fresh (the
    /// web table signs a browser in with it). The code is spent either way.
    pub fn take_link_code(&self, code: &str) -> Option<PlayerId> {
        let mut codes = lock(&self.link_codes);
        match codes.remove(code.trim()) {
            Some((player, at)) if at.elapsed() < LINK_CODE_LIFE => Some(player),
            _ => None,
        }
    }

    /// Links `sender` to `player` because a transport vouches for it (the
    /// web table, after a sign-in code), kept in the store like a `link`.
    pub async fn link_identity(&self, sender: &str, player: &PlayerId) -> Result<(), RouterError> {
        if self.player_of(sender) == *player {
            return Ok(());
        }
        self.store.link_identity(sender, &player.0).await?;
        lock(&self.identities).insert(sender.to_owned(), player.clone());
        Ok(())
    }

    /// A copy of the table's live state (loading it if needed).
    pub async fn table(&self, id: &str) -> Result<Table, RouterError> {
        let slot = self.slot(id);
        let mut guard = slot.lock().await;
        let live = self.loaded(id, &mut guard).await?;
        Ok(live.table.clone())
    }

    /// The table's last event seq (loading it if needed).
    pub async fn seq(&self, id: &str) -> Result<u64, RouterError> {
        let slot = self.slot(id);
        let mut guard = slot.lock().await;
        Ok(self.loaded(id, &mut guard).await?.seq)
    }

    /// Saves the table's live state as a snapshot now (when a game stops,
    /// so `dungeon replay` can compare the log with what players last saw).
    pub async fn save_snapshot(&self, id: &str) -> Result<u64, RouterError> {
        let slot = self.slot(id);
        let mut guard = slot.lock().await;
        let live = self.loaded(id, &mut guard).await?;
        let state = serde_json::to_value(&live.table).map_err(|e| RouterError::Corrupt {
            table: id.to_owned(),
            why: e.to_string(),
        })?;
        self.store.save_snapshot(id, live.seq, &state).await?;
        live.snapshot_seq = live.seq;
        Ok(live.seq)
    }

    /// Forgets the live state of every table (they reload from the store
    /// on next use); returns how many were held.
    pub fn unload_all(&self) -> usize {
        let mut tables = lock(&self.tables);
        let n = tables.len();
        tables.clear();
        n
    }

    /// Sets who narrates after each committed reply (none: nobody).
    pub fn set_narrator(&self, narrator: Option<Narrator>) {
        *lock(&self.narrator) = narrator;
    }

    /// Carries one envelope through: identity, rate limit, the DM core,
    /// commit, apply, publish. Counted in the metrics ([`telemetry`]).
    pub async fn submit(&self, envelope: Envelope) -> Result<Answer, RouterError> {
        let started = std::time::Instant::now();
        let (via, kind) = (
            envelope.transport.name(),
            telemetry::command_kind(&envelope.command),
        );
        let result = self.carry(envelope).await;
        let (outcome, rejected) = outcome(&result);
        telemetry::command(via, kind, outcome, rejected, started.elapsed());
        result
    }

    async fn carry(&self, envelope: Envelope) -> Result<Answer, RouterError> {
        let actor = self.player_of(&envelope.sender);
        if let Some(wait) = self.rate_limited(&actor).await {
            return Ok(Answer::Limited { retry_after: wait });
        }
        let request_key = format!("{}:{}", envelope.transport.name(), envelope.request_id);
        let slot = self.slot(&envelope.table);
        let mut guard = slot.lock().await;
        let grant = match self
            .bus
            .acquire(&envelope.table, Some(&request_key), known_seq(&guard))
            .await
        {
            Ok(Grant::Seen) => {
                // Seen in some process: carried out, or refused, or under way.
                if let Some(first) = self.answered(&envelope.table, &request_key).await? {
                    return Ok(first);
                }
                self.bus
                    .acquire(&envelope.table, None, known_seq(&guard))
                    .await
            }
            other => other,
        };
        let grant = self.writer(&envelope.table, grant, &mut guard).await?;
        let answer = self
            .submit_as_writer(envelope, actor, request_key, &mut guard)
            .await;
        self.release(grant, &mut guard).await;
        answer
    }

    /// Gives the table's lease back with its last seq and the events this
    /// process wrote under it.
    async fn release(&self, grant: Grant, guard: &mut Option<Live>) {
        let (seq, written) = guard.as_mut().map_or((0, Vec::new()), |live| {
            (live.seq, std::mem::take(&mut live.written))
        });
        self.bus.release(grant, seq, &written).await;
    }

    /// The bus's answer to "may this process write the table?" as the
    /// router's: a lease, or why not. A lease that says another process
    /// wrote the table since this one loaded it drops the stale copy.
    async fn writer(
        &self,
        table: &str,
        grant: Result<Grant, BusError>,
        guard: &mut Option<Live>,
    ) -> Result<Grant, RouterError> {
        let grant = match grant {
            Ok(grant) => grant,
            Err(BusError::Busy(table)) => return Err(RouterError::Busy(table)),
            Err(e) => return Err(e.into()),
        };
        if let Grant::Lease {
            last_seq, missed, ..
        } = &grant
            && let Some(live) = guard.as_mut()
            && live.seq < *last_seq
            && !catch_up_from(live, missed, *last_seq)
            && self.catch_up(table, live).await.is_err()
        {
            // It loads afresh on first use instead.
            *guard = None;
        }
        Ok(grant)
    }

    /// Applies the events other writers appended since `live`'s seq (far
    /// cheaper than a reload, which replays from the last snapshot);
    /// `live` is unchanged if any fails.
    async fn catch_up(&self, id: &str, live: &mut Live) -> Result<(), RouterError> {
        let mut table = live.table.clone();
        let seq = self
            .apply_stored(id, &mut table, live.seq, &mut live.roller)
            .await?;
        live.table = table;
        live.seq = seq;
        Ok(())
    }

    /// Applies the stored events of table `id` after `seq` to `table`, in
    /// order, and returns the seq of the last one.
    async fn apply_stored(
        &self,
        id: &str,
        table: &mut Table,
        mut seq: u64,
        roller: &mut Roller,
    ) -> Result<u64, RouterError> {
        let corrupt = |seq: u64, why: String| RouterError::Corrupt {
            table: id.to_owned(),
            why: format!("event {seq}: {why}"),
        };
        for stored in self.store.events(id, seq).await? {
            let event: Event = serde_json::from_value(stored.payload)
                .map_err(|e| corrupt(stored.seq, e.to_string()))?;
            table
                .apply_with(&event, roller)
                .map_err(|e| corrupt(stored.seq, e.to_string()))?;
            seq = stored.seq;
        }
        Ok(seq)
    }

    /// The rest of [`Router::submit`], as the table's one writer.
    async fn submit_as_writer(
        &self,
        envelope: Envelope,
        actor: PlayerId,
        request_key: String,
        guard: &mut Option<Live>,
    ) -> Result<Answer, RouterError> {
        for attempt in 0..CONFLICT_RETRIES {
            let live = self.loaded(&envelope.table, guard).await?;
            let now = (self.clock)();
            let mut dice = live
                .seed
                .as_ref()
                .map(|s| s.stream(live.table.next_roll))
                .unwrap_or_else(|| TableSeed::from_entropy_bytes([0; 32]).stream(0));
            let outcome = match dm::handle(
                &live.table,
                &envelope.command,
                Ctx {
                    actor: actor.clone(),
                    dice: &mut dice,
                    roller: &mut live.roller,
                    now,
                },
            ) {
                Ok(o) => o,
                Err(why) => {
                    // A retry of a request that was carried out may be refused
                    // now (the character it made exists): answer as the first time.
                    if let Some(first) = self.answered(&envelope.table, &request_key).await? {
                        return Ok(first);
                    }
                    return Ok(Answer::Refused { why: why.0 });
                }
            };
            let mut events = outcome.events;
            if events.is_empty() {
                // Read-only: nothing to commit.
                let mut reply = outcome.reply;
                if matches!(envelope.command, Command::Verify) && live.table.revealed_seed.is_some()
                {
                    // Anyone at the table can check every roll once the seed is out.
                    let log = replay::decode(self.store.events(&envelope.table, 0).await?)
                        .map_err(|e| RouterError::Corrupt {
                            table: envelope.table.clone(),
                            why: e.to_string(),
                        })?;
                    let line = match replay::verify_log(&log, None) {
                        Ok(v) => format!("verified: {v}"),
                        Err(why) => format!("cannot verify: {why}"),
                    };
                    reply.say(line);
                }
                return Ok(Answer::Done {
                    reply,
                    seq: live.seq,
                });
            }
            if matches!(envelope.command, Command::Dm(DmCommand::RevealSeed))
                && let Some(seed) = &live.seed
            {
                events.push(Event::SeedRevealed {
                    seed: seed.to_string(),
                });
            }
            let mut journal_before = live.table.journal.clone();
            let mut next = live.table.clone();
            for e in &events {
                next.apply_with(e, &mut live.roller)
                    .map_err(|e| RouterError::Corrupt {
                        table: envelope.table.clone(),
                        why: e.to_string(),
                    })?;
            }
            // A character can be in one running adventure at a time, at
            // any table: claim those joining this one before committing.
            let (was_in, now_in) = (
                dm::explore::adventurers(&live.table),
                dm::explore::adventurers(&next),
            );
            let joining: Vec<(String, String)> = now_in.difference(&was_in).cloned().collect();
            if !joining.is_empty()
                && let Some(((_, character), other)) = self
                    .store
                    .claim_adventurers(&envelope.table, &joining)
                    .await?
            {
                return Ok(Answer::Refused {
                    why: format!(
                        "{character} is in a running adventure at another table ({other}) — \
                         `party leave` there first"
                    ),
                });
            }
            let sheet_edits = sheet_edits(&envelope.command, &actor, &live.table, &next, now);
            let stored_reply = json!({ "reply": outcome.reply });
            let append = Append {
                table_id: envelope.table.clone(),
                expected_next_seq: live.seq + 1,
                events: events.iter().map(new_event).collect(),
                request: Some((request_key.clone(), stored_reply)),
                sheet_edits,
            };
            let committed = self.commit(append).await;
            if was_in != now_in {
                // Those who left or whose adventure ended are free again; a
                // commit that failed gives back what was claimed for it.
                let keep = if committed.is_ok() { &now_in } else { &was_in };
                let keep: Vec<(String, String)> = keep.iter().cloned().collect();
                self.store.keep_adventurers(&envelope.table, &keep).await?;
            }
            match committed {
                Ok(seq) => {
                    live.table = next;
                    live.seq = seq;
                    if self.bus.is_shared() {
                        let first = seq + 1 - events.len() as u64;
                        live.written.extend(
                            events
                                .iter()
                                .zip(first..)
                                .filter_map(|(e, s)| Some((s, serde_json::to_string(e).ok()?))),
                        );
                    }
                    if seq - live.snapshot_seq >= self.config.snapshot_every {
                        live.snapshot_seq = seq;
                        self.snapshot_later(&envelope.table, seq, &live.table);
                    }
                    let before = std::mem::take(&mut journal_before);
                    self.narrate_later(&envelope.table, seq, &outcome.reply, &before, &live.table);
                    self.publish(Published {
                        table: envelope.table.clone(),
                        seq,
                        actor,
                        via: envelope.transport,
                        reply: outcome.reply.clone(),
                    });
                    return Ok(Answer::Done {
                        reply: outcome.reply,
                        seq,
                    });
                }
                Err(RouterError::Store(StoreError::DuplicateRequest { .. })) => {
                    return self.repeated(&envelope.table, &request_key).await;
                }
                Err(RouterError::Store(StoreError::Conflict { .. } | StoreError::Gap { .. })) => {
                    // Another writer moved the table on: catch up (or reload)
                    // and decide again, after a short random pause that
                    // grows, so that two writers racing for one table stop
                    // colliding.
                    if self.catch_up(&envelope.table, live).await.is_err() {
                        *guard = None;
                    }
                    let mut r = [0u8; 1];
                    rand::fill(&mut r);
                    let pause = u64::from(r[0] % 4 + 1) << attempt.min(5);
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
                Err(e) => return Err(e),
            }
        }
        Err(RouterError::Busy(envelope.table))
    }

    /// The first reply to a request that was carried out before.
    async fn repeated(&self, table: &str, request_key: &str) -> Result<Answer, RouterError> {
        self.answered(table, request_key)
            .await?
            .ok_or_else(|| RouterError::Corrupt {
                table: table.to_owned(),
                why: format!("request {request_key} is taken but has no stored reply"),
            })
    }

    /// The first answer to a request, if the store holds one.
    async fn answered(
        &self,
        table: &str,
        request_key: &str,
    ) -> Result<Option<Answer>, RouterError> {
        Ok(self
            .store
            .reply_for(table, request_key)
            .await?
            .map(|(seq, stored)| Answer::Repeated {
                reply: serde_json::from_value(stored["reply"].clone()).unwrap_or_default(),
                seq,
            }))
    }

    fn slot(&self, id: &str) -> Slot {
        lock(&self.tables)
            .entry(id.to_owned())
            .or_insert_with(|| Arc::new(Mutex::new(None)))
            .clone()
    }

    /// The live table in `guard`, loaded from the store (latest snapshot,
    /// then the events after it) if it is not held yet.
    async fn loaded<'g>(
        &self,
        id: &str,
        guard: &'g mut Option<Live>,
    ) -> Result<&'g mut Live, RouterError> {
        if guard.is_none() {
            *guard = Some(self.load(id).await?);
        }
        guard
            .as_mut()
            .ok_or_else(|| RouterError::UnknownTable(id.to_owned()))
    }

    async fn load(&self, id: &str) -> Result<Live, RouterError> {
        let corrupt = |why: String| RouterError::Corrupt {
            table: id.to_owned(),
            why,
        };
        let secret = match self.store.secret(id).await {
            Ok(s) => s,
            Err(StoreError::UnknownTable { .. }) => {
                return Err(RouterError::UnknownTable(id.to_owned()));
            }
            Err(e) => return Err(e.into()),
        };
        let seed = secret
            .map(|s| s.parse::<TableSeed>())
            .transpose()
            .map_err(|e| corrupt(format!("its seed: {e}")))?;
        let (mut table, from) = match self.store.latest_snapshot(id).await? {
            Some((seq, state)) => match serde_json::from_value::<Table>(state) {
                Ok(t) => (t, seq),
                // A snapshot from an older shape: the log is the truth.
                Err(_) => (Table::default(), 0),
            },
            None => (Table::default(), 0),
        };
        let mut roller = Roller::new();
        let seq = self.apply_stored(id, &mut table, from, &mut roller).await?;
        Ok(Live {
            table,
            seed,
            seq,
            snapshot_seq: from,
            written: Vec::new(),
            roller,
        })
    }

    /// Sends an append to its table's group-commit writer and waits until
    /// it is durable.
    async fn commit(&self, append: Append) -> Result<u64, RouterError> {
        let lane = lane_of(&append.table_id, self.writers.len());
        let (done, wait) = oneshot::channel();
        self.writers[lane]
            .send(Job { append, done })
            .await
            .map_err(|_| RouterError::WriterGone)?;
        Ok(wait.await.map_err(|_| RouterError::WriterGone)??)
    }

    fn snapshot_later(&self, id: &str, seq: u64, table: &Table) {
        let Ok(state) = serde_json::to_value(table) else {
            return;
        };
        let store = self.store.clone();
        let id = id.to_owned();
        // Off the reply's path: a lost snapshot only costs a longer load.
        tokio::spawn(async move {
            let _ = store.save_snapshot(&id, seq, &state).await;
        });
    }

    /// Narrates a committed reply on its own task, after the reply itself
    /// is published: it never holds up the table.
    fn narrate_later(&self, id: &str, seq: u64, reply: &Reply, before: &Journal, after: &Table) {
        let Some(narrator) = lock(&self.narrator).clone() else {
            return;
        };
        if reply.private || matches!(reply.lines.as_slice(), [Line::Narration { .. }]) {
            return;
        }
        let request = narrator.request(reply, before, after);
        if request.facts.is_empty() {
            return;
        }
        let radio = after.radio_narration;
        let (bus, listeners, table) =
            (self.bus.clone(), Arc::clone(&self.listeners), id.to_owned());
        tokio::spawn(async move {
            // Let the reply itself go out first.
            tokio::task::yield_now().await;
            let Some(told) = narrator.tell(&request, radio).await else {
                return;
            };
            let published = Published {
                table,
                seq,
                actor: PlayerId::new("narrator"),
                via: Transport::Narrator,
                reply: Reply {
                    lines: vec![told.line],
                    announce: true,
                    ..Reply::default()
                },
            };
            bus.publish(&published);
            deliver(&listeners, published);
        });
    }

    fn publish(&self, published: Published) {
        self.bus.publish(&published);
        deliver(&self.listeners, published);
    }

    /// `Some(wait)` if `player` is over the rate limit; otherwise takes a
    /// token: from the bucket shared by every process, or this process's
    /// own while Redis is away (or not configured).
    async fn rate_limited(&self, player: &PlayerId) -> Option<Duration> {
        let limit = self.config.rate_limit?;
        if self.bus.is_shared()
            && let Ok(shared) = self.bus.rate_limited(&player.0, limit).await
        {
            return shared;
        }
        let now = Instant::now();
        let mut buckets = lock(&self.buckets);
        let bucket = buckets.entry(player.clone()).or_insert(Bucket {
            tokens: limit.burst,
            at: now,
        });
        let refill = now.duration_since(bucket.at).as_secs_f64() * limit.per_second;
        bucket.tokens = (bucket.tokens + refill).min(limit.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            None
        } else {
            let missing = 1.0 - bucket.tokens;
            Some(Duration::from_secs_f64(
                missing / limit.per_second.max(1e-6),
            ))
        }
    }
}

/// The last seq of the table copy in `guard` (0 if none is held).
fn known_seq(guard: &Option<Live>) -> u64 {
    guard.as_ref().map_or(0, |live| live.seq)
}

/// Brings `live` up to `last_seq` with the events another writer left on
/// the bus, if they cover every seq it missed; `false` (and `live`
/// unchanged) if they do not or one fails to apply.
fn catch_up_from(live: &mut Live, missed: &[(u64, String)], last_seq: u64) -> bool {
    let mut wanted: Vec<&(u64, String)> = missed
        .iter()
        .filter(|(seq, _)| *seq > live.seq && *seq <= last_seq)
        .collect();
    wanted.sort_by_key(|(seq, _)| *seq);
    wanted.dedup_by_key(|(seq, _)| *seq);
    let contiguous = wanted
        .iter()
        .zip(live.seq + 1..)
        .all(|((seq, _), expected)| *seq == expected);
    if !contiguous || wanted.len() as u64 != last_seq - live.seq {
        return false;
    }
    let mut table = live.table.clone();
    for (_, json) in wanted {
        let applied = serde_json::from_str::<Event>(json)
            .ok()
            .is_some_and(|event| table.apply(&event).is_ok());
        if !applied {
            return false;
        }
    }
    live.table = table;
    live.seq = last_seq;
    true
}

/// Hands a reply to this process's listeners: those of every table and
/// those at its table.
fn deliver(listeners: &Listeners, published: Published) {
    if listeners.everything.receiver_count() > 0 {
        let _ = listeners.everything.send(published.clone());
    }
    let subs = lock(&listeners.tables);
    if let Some(tx) = subs.get(&published.table) {
        // No receiver left is fine: nobody is listening at that table.
        let _ = tx.send(published);
    }
}

/// Locks a std mutex, recovering the data if a holder panicked (the maps
/// it guards stay consistent at every step).
fn lock<T>(m: &SyncMutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn lane_of(table: &str, lanes: usize) -> usize {
    // FNV-1a: stable across runs and processes.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in table.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    usize::try_from(h % lanes.max(1) as u64).unwrap_or(0)
}

/// An event as the store keeps it: its tag as the kind, itself as the payload.
pub fn new_event(event: &Event) -> NewEvent {
    let kind = match event {
        Event::Opened { .. } => "opened",
        Event::Did { .. } => "did",
        Event::SeedRevealed { .. } => "seed_revealed",
        Event::DmGranted { .. } => "dm_granted",
        Event::DmRevoked { .. } => "dm_revoked",
        Event::Closed { .. } => "closed",
    };
    NewEvent {
        kind: kind.to_owned(),
        payload: serde_json::to_value(event).unwrap_or(Value::Null),
    }
}

/// The sheet edits a command makes: every character a DM command changed,
/// and a character's creation. Fights change sheets too, but those are in
/// the event log; this is the audit trail of deliberate edits.
fn sheet_edits(
    command: &Command,
    actor: &PlayerId,
    before: &Table,
    after: &Table,
    now: u64,
) -> Vec<SheetEdit> {
    let reason = match command {
        Command::Dm(DmCommand::SetField { reason, .. }) => reason.clone(),
        Command::Dm(DmCommand::As { .. }) => return Vec::new(),
        Command::Dm(DmCommand::Hp { .. }) => "hit points changed by the DM".to_owned(),
        Command::Dm(DmCommand::Condition { .. }) => "condition changed by the DM".to_owned(),
        Command::Dm(DmCommand::Xp { .. }) => "experience awarded".to_owned(),
        Command::Dm(DmCommand::Loot { .. }) => "loot given".to_owned(),
        Command::Dm(_) => "changed by a DM command".to_owned(),
        Command::NewCharacter(_) => "created".to_owned(),
        Command::ImportCharacter { .. } => "imported from a file".to_owned(),
        _ => return Vec::new(),
    };
    let at_ms = i64::try_from(now.saturating_mul(1000)).unwrap_or(i64::MAX);
    after
        .characters
        .iter()
        .filter_map(|c| {
            let old = before.character(&c.handle);
            if old == Some(c) {
                return None;
            }
            Some(SheetEdit {
                character: c.handle.clone(),
                who: actor.0.clone(),
                at_ms,
                reason: reason.clone(),
                before: old.map_or(Value::Null, |o| serde_json::to_value(o).unwrap_or_default()),
                after: serde_json::to_value(c).unwrap_or_default(),
            })
        })
        .collect()
}

/// One group-commit writer: takes whatever appends are waiting (up to
/// `max_batch`), commits them in one transaction, and tells each its result.
async fn group_commit(store: Store, mut rx: mpsc::Receiver<Job>, max_batch: usize) {
    let mut jobs = Vec::with_capacity(max_batch);
    while rx.recv_many(&mut jobs, max_batch).await > 0 {
        let (batch, waiting): (Vec<Append>, Vec<_>) =
            jobs.drain(..).map(|j| (j.append, j.done)).unzip();
        let results = store.append_batch(&batch).await;
        for (done, result) in waiting.into_iter().zip(results) {
            // A sender that gave up waiting is fine: the append is durable.
            let _ = done.send(result);
        }
    }
}
