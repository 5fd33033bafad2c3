//! The bus: what the router shares with other processes serving the same
//! tables.
//!
//! In one process (the default) there is nothing to share: replies go to
//! local subscribers, rate limits and duplicates live in memory and the
//! store. With Redis (`REDIS_URL` or `--redis`) the bus carries:
//!
//! - **Fan-out:** every published reply goes out on the pub/sub channel
//!   `<prefix>:pub:<table>`; each process listens on `<prefix>:pub:*` and
//!   hands replies from other processes to its own subscribers, so a reply
//!   reaches the process that holds the sender's transport. Pub/sub is
//!   at-most-once: a reply sent while Redis is down is not delivered (the
//!   sender's own answer and the store are unaffected).
//! - **A writer lease per table:** `SET <prefix>:lease:<table> NX PX` before
//!   a command, deleted (if still ours) after its commit. The lease also
//!   carries the table's last seq and its last few events, so a process
//!   whose copy of the table is older catches up before running the command
//!   instead of losing the race at commit (from the store when Redis's
//!   events do not reach back far enough). The store's unique `(table_id, seq)` stays the judge: an
//!   expired lease can cost a retry, never a doubled command.
//! - **Duplicate requests:** the lease script marks the request id; a
//!   request seen before is answered from the store without taking the lease.
//! - **Rate limits:** each player's token bucket is a Redis hash updated by
//!   a script on Redis's own clock, so limits hold across processes.
//! - **Presence:** each process writes a heartbeat into a sorted set, so it
//!   knows whether others are serving.
//!
//! If Redis goes away, a process that saw no other process carries on alone
//! (a warning is logged once per outage) and uses Redis again when it
//! returns; a process that knows of others refuses commands
//! ([`BusError::Unconfirmed`]) because it cannot confirm it is the table's
//! only writer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use redis::Script;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::core::router::{Published, RateLimit};

/// Why the bus could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The Redis URL does not parse.
    #[error("bad Redis URL `{url}`: {why} (expected redis://host:port)")]
    BadUrl {
        /// The URL given (without any password).
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// Redis did not answer, and other processes serve tables: the table's
    /// writer cannot be confirmed.
    #[error(
        "table `{0}`: Redis is unreachable and other processes serve tables, so this one \
         cannot confirm it is the table's only writer; try again in a moment"
    )]
    Unconfirmed(String),
    /// Another process held the table's lease for longer than we wait.
    #[error("table `{0}` is busy in another process; try again")]
    Busy(String),
    /// Redis failed (the caller falls back to what it can do alone).
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
}

/// How the Redis bus behaves.
#[derive(Debug, Clone)]
pub struct BusOptions {
    /// Prefix of every key and channel, so that several deployments (or
    /// tests) can share one Redis.
    pub prefix: String,
    /// How long a lease lives if its holder never releases it (a process
    /// killed in a command).
    pub lease: Duration,
    /// How long to wait for a lease another process holds before the
    /// command is refused as busy.
    pub lease_wait: Duration,
    /// How long a request id is remembered in Redis (the store keeps it for good).
    pub request_memory: Duration,
    /// How often a process writes its heartbeat; it counts as gone after
    /// three missed ones.
    pub heartbeat: Duration,
    /// The most a call to Redis may take before Redis counts as away.
    pub timeout: Duration,
}

impl Default for BusOptions {
    fn default() -> Self {
        Self {
            prefix: "dungeon".to_owned(),
            lease: Duration::from_secs(2),
            lease_wait: Duration::from_secs(3),
            request_memory: Duration::from_secs(120),
            heartbeat: Duration::from_millis(500),
            timeout: Duration::from_millis(500),
        }
    }
}

/// The right to write one table, from [`Bus::acquire`].
#[derive(Debug)]
pub enum Grant {
    /// This process holds the table's lease; `last_seq` is the table's last
    /// seq as its previous writer left it (0 if not known).
    Lease {
        /// The table.
        table: String,
        /// The last seq the previous writer recorded.
        last_seq: u64,
        /// The table's latest events as their writers left them in Redis
        /// (seq, JSON), when this process's copy is behind: a writer
        /// catches up from these instead of the store when they reach
        /// back far enough.
        missed: Vec<(u64, String)>,
    },
    /// Not confirmed, but this process is alone (or the bus is in-process):
    /// go ahead, the store decides.
    Alone,
    /// The request id was seen before (in any process): look for its stored
    /// reply before running it.
    Seen,
}

/// The bus: in-process, or over Redis. Cheap to clone.
#[derive(Clone, Default)]
pub struct Bus {
    redis: Option<Arc<Shared>>,
}

impl std::fmt::Debug for Bus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.redis {
            None => f.write_str("Bus(in-process)"),
            Some(s) => write!(
                f,
                "Bus(redis, prefix {}, process {})",
                s.options.prefix, s.me
            ),
        }
    }
}

struct Shared {
    client: redis::Client,
    conn: ConnectionManager,
    options: BusOptions,
    /// This process's name on the bus (host-unique: pid and random bits).
    me: String,
    /// Other processes seen at the last heartbeat.
    peers: AtomicUsize,
    /// Until when (ms since `epoch`) Redis counts as away: calls in the
    /// meantime fail at once instead of waiting for a timeout each.
    away_until: AtomicU64,
    /// A warning was logged for the current outage.
    warned: AtomicBool,
    epoch: Instant,
    outbox: mpsc::UnboundedSender<(String, String)>,
    acquire: Script,
    release: Script,
    bucket: Script,
    presence: Script,
}

/// A reply on the wire, with the process that sent it.
#[derive(Serialize, Deserialize)]
struct Wire {
    origin: String,
    published: Published,
}

/// Takes the lease unless the request was seen (`-2`) or another process
/// holds it (`-1`); else marks the request and returns the table's last
/// seq (`0` if unknown), followed by its latest events (`seq<TAB>json`)
/// when the caller's seq (`ARGV[5]`) is behind it.
const ACQUIRE: &str = r"
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return {'-2'} end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'-1'} end
if ARGV[4] == '1' then redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[3]) end
local last = redis.call('GET', KEYS[2]) or '0'
if tonumber(last) <= tonumber(ARGV[5]) then return {last} end
local out = redis.call('LRANGE', KEYS[4], 0, -1)
table.insert(out, 1, last)
return out
";

/// Drops the lease if it is still ours, records the table's last seq and
/// keeps the events just written (`ARGV[3..]`), the last few only.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local seq = tonumber(ARGV[2])
if seq > 0 and seq > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', 86400000)
end
if #ARGV > 2 then
  for i = 3, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
  redis.call('LTRIM', KEYS[3], -8, -1)
  redis.call('PEXPIRE', KEYS[3], 86400000)
end
return 1
";

/// A token bucket on Redis's clock: returns 0 if a token was taken, else
/// the milliseconds until one is free.
const BUCKET: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
";

/// Records this process's heartbeat, forgets silent ones, counts the rest.
const PRESENCE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 10)
return redis.call('ZCARD', KEYS[1])
";

/// The Redis URL from `--redis`, else `$REDIS_URL`, if any.
pub fn redis_url(flag: Option<&str>) -> Option<String> {
    flag.map(str::to_owned)
        .or_else(|| std::env::var("REDIS_URL").ok())
        .filter(|u| !u.trim().is_empty())
}

/// How long Redis counts as away after a failed call.
const AWAY: Duration = Duration::from_secs(1);

impl Bus {
    /// The in-process bus: nothing leaves the process.
    pub fn in_process() -> Self {
        Self::default()
    }

    /// Whether other processes can be reached (Redis is configured).
    pub fn is_shared(&self) -> bool {
        self.redis.is_some()
    }

    /// A bus over the Redis at `url`. Redis need not be up yet: the
    /// connection is made on first use and remade whenever it is lost.
    /// Starts the heartbeat and the outgoing replies' task on the current
    /// runtime.
    pub fn redis(url: &str, options: BusOptions) -> Result<Self, BusError> {
        let client = redis::Client::open(url).map_err(|e| BusError::BadUrl {
            url: without_password(url),
            why: e.to_string(),
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(options.timeout))
            .set_response_timeout(Some(options.timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        let mut nonce = [0u8; 4];
        rand::fill(&mut nonce);
        let me = format!("{}-{:08x}", std::process::id(), u32::from_le_bytes(nonce));
        let (outbox, outgoing) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            client,
            conn,
            options,
            me,
            peers: AtomicUsize::new(0),
            away_until: AtomicU64::new(0),
            warned: AtomicBool::new(false),
            epoch: Instant::now(),
            outbox,
            acquire: Script::new(ACQUIRE),
            release: Script::new(RELEASE),
            bucket: Script::new(BUCKET),
            presence: Script::new(PRESENCE),
        });
        tokio::spawn(send_replies(Arc::downgrade(&shared), outgoing));
        tokio::spawn(heartbeat(Arc::downgrade(&shared)));
        Ok(Self {
            redis: Some(shared),
        })
    }

    /// A round trip to Redis, for readiness checks; `Err` with why if it
    /// fails or the bus is in-process.
    pub async fn ping(&self) -> Result<(), String> {
        let Some(shared) = &self.redis else {
            return Err("no Redis configured".to_owned());
        };
        shared
            .call(|mut conn| async move { redis::cmd("PING").query_async::<()>(&mut conn).await })
            .await
            .map_err(|e| e.to_string())
    }

    /// Other processes seen at the last heartbeat (0 in-process).
    pub fn peers(&self) -> usize {
        self.redis
            .as_ref()
            .map_or(0, |s| s.peers.load(Ordering::Relaxed))
    }

    /// Sends a reply to the other processes (in order, off the caller's path).
    pub fn publish(&self, published: &Published) {
        let Some(shared) = &self.redis else { return };
        let wire = Wire {
            origin: shared.me.clone(),
            published: published.clone(),
        };
        if let Ok(text) = serde_json::to_string(&wire) {
            // The receiver lives as long as `shared`; a closed one means shutdown.
            let _ = shared.outbox.send((published.table.clone(), text));
        }
    }

    /// Hands every reply another process publishes to `deliver`, for as long
    /// as the bus lives; reconnects when the connection drops.
    pub fn listen(&self, deliver: impl Fn(Published) + Send + Sync + 'static) {
        if let Some(shared) = &self.redis {
            tokio::spawn(listen(Arc::downgrade(shared), deliver));
        }
    }

    /// The right to write `table` for one command with `request` (its
    /// transport-qualified request id), waiting while another process holds
    /// it; release it with [`Bus::release`]. `request: None` skips the
    /// duplicate check (after [`Grant::Seen`] found no stored reply).
    /// `known_seq` is the last seq of this process's copy of the table (0
    /// for none): the events after it come with the lease if Redis has them.
    pub async fn acquire(
        &self,
        table: &str,
        request: Option<&str>,
        known_seq: u64,
    ) -> Result<Grant, BusError> {
        let Some(shared) = &self.redis else {
            return Ok(Grant::Alone);
        };
        let started = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            let result: Result<Vec<String>, BusError> = shared
                .call(|mut conn| {
                    let mut invocation = shared.acquire.prepare_invoke();
                    invocation
                        .key(shared.key("lease", table))
                        .key(shared.key("seq", table))
                        .key(shared.key("req", &format!("{table}:{}", request.unwrap_or(""))))
                        .key(shared.key("events", table))
                        .arg(&shared.me)
                        .arg(millis(shared.options.lease))
                        .arg(millis(shared.options.request_memory))
                        .arg(if request.is_some() { "1" } else { "0" })
                        .arg(known_seq);
                    async move { invocation.invoke_async(&mut conn).await }
                })
                .await;
            let code = result.map(|mut v| {
                let first = if v.is_empty() {
                    String::new()
                } else {
                    v.remove(0)
                };
                (first.parse::<i64>().unwrap_or(0), v)
            });
            match code {
                Ok((-2, _)) => return Ok(Grant::Seen),
                Ok((-1, _)) => {
                    if started.elapsed() >= shared.options.lease_wait {
                        return Err(BusError::Busy(table.to_owned()));
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(2));
                }
                Ok((seq, events)) => {
                    let missed = events
                        .iter()
                        .filter_map(|e| {
                            let (seq, json) = e.split_once('\t')?;
                            Some((seq.parse().ok()?, json.to_owned()))
                        })
                        .collect();
                    return Ok(Grant::Lease {
                        table: table.to_owned(),
                        last_seq: u64::try_from(seq).unwrap_or(0),
                        missed,
                    });
                }
                Err(_) if shared.peers.load(Ordering::Relaxed) == 0 => return Ok(Grant::Alone),
                Err(_) => return Err(BusError::Unconfirmed(table.to_owned())),
            }
        }
    }

    /// Gives a lease back, recording `seq` as the table's last seq and
    /// `written` (the events this process appended under it: seq, JSON) for
    /// the next writer.
    pub async fn release(&self, grant: Grant, seq: u64, written: &[(u64, String)]) {
        let (Some(shared), Grant::Lease { table, .. }) = (&self.redis, grant) else {
            return;
        };
        // A failed release only makes the next writer wait for the lease to expire.
        let _: Result<i64, BusError> = shared
            .call(|mut conn| {
                let mut invocation = shared.release.prepare_invoke();
                invocation
                    .key(shared.key("lease", &table))
                    .key(shared.key("seq", &table))
                    .key(shared.key("events", &table))
                    .arg(&shared.me)
                    .arg(seq);
                for (seq, json) in written {
                    invocation.arg(format!("{seq}\t{json}"));
                }
                async move { invocation.invoke_async(&mut conn).await }
            })
            .await;
    }

    /// Takes a token from `player`'s shared bucket: `Ok(None)` if allowed,
    /// `Ok(Some(wait))` if over the limit, `Err` if Redis did not answer or
    /// the bus is in-process (the caller uses its own bucket then).
    pub async fn rate_limited(
        &self,
        player: &str,
        limit: RateLimit,
    ) -> Result<Option<Duration>, BusError> {
        let Some(shared) = &self.redis else {
            return Err(BusError::Unconfirmed(String::new()));
        };
        let wait: i64 = shared
            .call(|mut conn| {
                let mut invocation = shared.bucket.prepare_invoke();
                invocation
                    .key(shared.key("rate", player))
                    .arg(limit.burst)
                    .arg(limit.per_second.max(1e-6));
                async move { invocation.invoke_async(&mut conn).await }
            })
            .await?;
        Ok((wait > 0).then(|| Duration::from_millis(u64::try_from(wait).unwrap_or(0))))
    }
}

impl Shared {
    fn key(&self, kind: &str, name: &str) -> String {
        format!("{}:{kind}:{name}", self.options.prefix)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Runs one call on the shared connection, failing at once while Redis
    /// is known to be away, and noting when it goes and comes back.
    async fn call<T, F, Fut>(&self, f: F) -> Result<T, BusError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if self.now_ms() < self.away_until.load(Ordering::Relaxed) {
            return Err(BusError::Redis(redis::RedisError::from((
                redis::ErrorKind::Io,
                "Redis is away",
            ))));
        }
        match tokio::time::timeout(self.options.timeout, f(self.conn.clone())).await {
            Ok(Ok(v)) => {
                if self.warned.swap(false, Ordering::Relaxed) {
                    tracing::info!("Redis is back; sharing tables with other processes again");
                }
                Ok(v)
            }
            Ok(Err(e)) if !is_outage(&e) => Err(e.into()),
            outcome => {
                self.away(&match outcome {
                    Ok(Err(e)) => e.to_string(),
                    _ => "no answer in time".to_owned(),
                });
                Err(BusError::Redis(redis::RedisError::from((
                    redis::ErrorKind::Io,
                    "Redis is away",
                ))))
            }
        }
    }

    fn away(&self, why: &str) {
        let until = self.now_ms() + millis(AWAY);
        self.away_until.store(until, Ordering::Relaxed);
        if !self.warned.swap(true, Ordering::Relaxed) {
            let peers = self.peers.load(Ordering::Relaxed);
            if peers == 0 {
                tracing::warn!(
                    "Redis is unreachable ({why}); carrying on alone (no other process was \
                     serving) until it returns"
                );
            } else {
                tracing::warn!(
                    "Redis is unreachable ({why}); {peers} other process(es) were serving, so \
                     commands are refused until it returns"
                );
            }
        }
    }
}

/// Whether an error means Redis is not there (as opposed to a bad command).
fn is_outage(e: &redis::RedisError) -> bool {
    e.is_io_error()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_timeout()
        || e.is_unrecoverable_error()
        || matches!(
            e.kind(),
            redis::ErrorKind::Server(redis::ServerErrorKind::BusyLoading)
        )
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// `redis://user:secret@host` → `redis://user:***@host`.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Sends queued replies in order, several per round trip.
async fn send_replies(
    shared: std::sync::Weak<Shared>,
    mut outgoing: mpsc::UnboundedReceiver<(String, String)>,
) {
    let mut batch = Vec::new();
    while outgoing.recv_many(&mut batch, 256).await > 0 {
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let texts = std::mem::take(&mut batch);
        // A batch lost while Redis is away is not resent: pub/sub is at most once.
        let _: Result<(), BusError> = shared
            .call(|mut conn| {
                let mut pipe = redis::pipe();
                for (table, text) in &texts {
                    pipe.publish(shared.key("pub", table), text).ignore();
                }
                async move { pipe.query_async(&mut conn).await }
            })
            .await;
    }
}

/// Writes this process's heartbeat and reads how many others there are.
async fn heartbeat(shared: std::sync::Weak<Shared>) {
    loop {
        let Some(s) = shared.upgrade() else { return };
        let every = s.options.heartbeat;
        let count: Result<i64, BusError> = s
            .call(|mut conn| {
                let mut invocation = s.presence.prepare_invoke();
                invocation
                    .key(s.key("procs", "all"))
                    .arg(&s.me)
                    .arg(millis(every) * 3);
                async move { invocation.invoke_async(&mut conn).await }
            })
            .await;
        if let Ok(n) = count {
            let others = usize::try_from(n).unwrap_or(1).saturating_sub(1);
            s.peers.store(others, Ordering::Relaxed);
        }
        drop(s);
        tokio::time::sleep(every).await;
    }
}

/// Listens for other processes' replies, reconnecting with a pause after
/// each loss.
async fn listen(shared: std::sync::Weak<Shared>, deliver: impl Fn(Published) + Send + Sync) {
    loop {
        let Some(s) = shared.upgrade() else { return };
        let (client, pattern, me, timeout) = (
            s.client.clone(),
            s.key("pub", "*"),
            s.me.clone(),
            s.options.timeout,
        );
        drop(s);
        let connected = tokio::time::timeout(timeout, async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.psubscribe(&pattern).await?;
            redis::RedisResult::Ok(pubsub)
        })
        .await;
        if let Ok(Ok(pubsub)) = connected {
            let mut messages = pubsub.into_on_message();
            while let Some(message) = messages.next().await {
                let Ok(text) = message.get_payload::<String>() else {
                    continue;
                };
                match serde_json::from_str::<Wire>(&text) {
                    Ok(wire) if wire.origin != me => deliver(wire.published),
                    _ => {}
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            without_password("redis://u:secret@h:6379/0"),
            "redis://u:***@h:6379/0"
        );
        assert_eq!(without_password("redis://h:6379"), "redis://h:6379");
        assert_eq!(without_password("redis://:pw@h"), "redis://:***@h");
    }
}
