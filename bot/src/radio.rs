//! The Meshtastic transport's adapter: radio texts in, router, packets out.
//! Thin: the link, filters, aliases, rendering, pacing and trust rules are
//! the `radio` crate's; this module only joins them to the router and the
//! store (node key bindings).
//!
//! - A node plays as `radio:!a1b2c3d4` at one table (`--radio-table`,
//!   default `radio:main`), opened on first use with the first configured
//!   DM node (else the first sender) as its DM.
//! - Its own replies come back to it by DM; another player's node hears a
//!   reply when it names that player's character or hands them the turn;
//!   notable events (a fight begins, a death, the fight ends) also go to
//!   the table's channel.
//! - Monster turns due after a command are played right after its answer,
//!   one player per table at a time (as on Discord).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use dm::{Line, Reply};
use radio::alias::{self, Input};
use radio::filter::{Text, node_id};
use radio::identity::{self, TrustConfig, Verdict};
use radio::link::{Link, LinkEvent};
use radio::pace::{Delivery, Dest, Outgoing, Stats};
use radio::render;
use serde_json::json;
use tokio::sync::broadcast;

use crate::router::{Answer, Envelope, Published, Router, Transport};
use crate::turns::MonsterTurns;

/// The most monster turns played in a row after one command.
const MAX_MONSTER_TURNS: usize = 100;

/// How the radio transport plays.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The table radio players sit at.
    pub table: String,
    /// The channel index of the table's channel (notable events go there).
    pub channel: u32,
    /// Who may act, and the DM nodes.
    pub trust: TrustConfig,
    /// Commit a new table to the dice seed of this number (tests); `None`: random.
    pub seed: Option<u64>,
    /// Set up while the node answers, down while reconnecting (readiness).
    pub health: Option<crate::http::Link>,
}

/// The sender name of a node.
pub fn sender(node: u32) -> String {
    format!("radio:{}", node_id(node))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Adapter {
    router: Arc<Router>,
    turns: MonsterTurns,
    settings: Settings,
    out: tokio::sync::mpsc::UnboundedSender<Outgoing>,
    opened: bool,
    /// Nodes that played at the table.
    audience: BTreeSet<u32>,
    /// The last reply's packets per node, for `rs`.
    last: HashMap<u32, Vec<String>>,
    /// Seqs of replies already answered by DM (skipped when published).
    answered: HashSet<u64>,
    /// Whether a fight was on, after the last reply.
    fight: bool,
    /// Whether it was over.
    over: bool,
}

/// Runs the radio transport on `link` until `shutdown` completes or the
/// link stops for good.
pub async fn run(
    router: Arc<Router>,
    turns: MonsterTurns,
    settings: Settings,
    link: Link,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let Link {
        mut events,
        out,
        mut stats,
    } = link;
    let mut counted = Stats::default();
    let mut published = router.subscribe(&settings.table);
    let mut a = Adapter {
        router,
        turns,
        settings,
        out,
        opened: false,
        audience: BTreeSet::new(),
        last: HashMap::new(),
        answered: HashSet::new(),
        fight: false,
        over: false,
    };
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            Ok(()) = stats.changed() => {
                let now = *stats.borrow_and_update();
                count_sent(&counted, &now);
                counted = now;
            }
            e = events.recv() => match e {
                Some(e) => a.event(e).await,
                None => anyhow::bail!("the radio link stopped"),
            },
            p = published.recv() => match p {
                Ok(p) => {
                    if let Err(e) = a.published(p).await {
                        eprintln!("radio: could not pass on a reply at the table: {e:#}");
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    eprintln!("radio: {n} replies at the table were missed (too many at once)");
                }
                Err(broadcast::error::RecvError::Closed) => {
                    published = a.router.subscribe(&a.settings.table);
                }
            },
        }
    }
}

impl Adapter {
    fn send(&mut self, dest: Dest, packets: &[String]) {
        for text in packets {
            // The link is gone only when the process is stopping.
            let _ = self.out.send(Outgoing {
                dest,
                text: text.clone(),
            });
        }
    }

    fn dm(&mut self, node: u32, packets: Vec<String>) {
        self.send(Dest::Node(node), &packets);
        self.last.insert(node, packets);
    }

    async fn event(&mut self, e: LinkEvent) {
        match e {
            LinkEvent::Up { me, hop_limit, .. } => {
                if let Some(h) = &self.settings.health {
                    h.up();
                }
                eprintln!(
                    "radio: connected to node {} (hop limit {hop_limit})",
                    node_id(me)
                );
            }
            LinkEvent::Down { why } => {
                if let Some(h) = &self.settings.health {
                    h.down();
                }
                eprintln!("radio: link down: {why}; reconnecting");
            }
            LinkEvent::Delivery(Delivery::Failed { dest, why }) => {
                eprintln!("radio: a text to {dest:?} was not delivered: {why}");
            }
            LinkEvent::Delivery(_) | LinkEvent::Ignored(_) => {}
            LinkEvent::Text(t) => {
                crate::telemetry::radio_packet(
                    crate::telemetry::Direction::Rx,
                    t.text.len(),
                    Duration::ZERO,
                );
                // One failed command (a store hiccup) must not stop the transport.
                if let Err(e) = self.text(t.clone()).await {
                    eprintln!("radio: a command from {} failed: {e:#}", node_id(t.from));
                    let sorry = render::refusal("something went wrong on our side; try again");
                    self.answer_to(&t, vec![sorry]);
                }
            }
        }
    }

    /// Where answers to `t` go: the sender's DMs, or the channel.
    fn reply_dest(&self, t: &Text) -> Dest {
        if t.direct {
            Dest::Node(t.from)
        } else {
            Dest::Channel(self.settings.channel)
        }
    }

    fn answer_to(&mut self, t: &Text, packets: Vec<String>) {
        match self.reply_dest(t) {
            Dest::Node(n) => self.dm(n, packets),
            dest => self.send(dest, &packets),
        }
    }

    async fn text(&mut self, t: Text) -> anyhow::Result<()> {
        let who = sender(t.from);
        let input = match alias::parse(&t.text) {
            Ok(i) => i,
            Err(e) => {
                self.answer_to(&t, vec![render::refusal(&e.to_string())]);
                return Ok(());
            }
        };
        let command = match input {
            Input::Resend => {
                let packets = self
                    .last
                    .get(&t.from)
                    .cloned()
                    .unwrap_or_else(|| vec!["nothing to resend yet".to_owned()]);
                self.send(self.reply_dest(&t), &packets);
                return Ok(());
            }
            Input::LinkCode if t.direct => {
                let code = self.router.link_code(&who);
                let text = format!(
                    "link code {code}: on Discord use /char link code:{code} within 10 min to play as this node's player"
                );
                self.dm(t.from, vec![render::clip(&text, render::MAX_PACKET)]);
                return Ok(());
            }
            Input::Link(code) if t.direct && (t.pki || self.settings.trust.allow_plain_dms) => {
                let text = match self.router.redeem_link(&who, &code).await {
                    Ok(p) => format!("linked: this node now plays as {p}"),
                    Err(e) => format!("✗ {e}"),
                };
                self.dm(t.from, vec![render::clip(&text, render::MAX_PACKET)]);
                return Ok(());
            }
            Input::LinkCode | Input::Link(_) => {
                self.answer_to(&t, vec![render::refusal(identity::NEEDS_PKI)]);
                return Ok(());
            }
            Input::Command(c) => c,
        };
        let node = node_id(t.from);
        let bound = self.router.store().radio_binding(&node).await?;
        let bound = bound.map(|h| {
            // Stored as hex; compare as hex too.
            h.into_bytes()
        });
        let key_hex = hex(&t.public_key).into_bytes();
        let text_hex = Text {
            public_key: key_hex,
            ..t.clone()
        };
        match identity::judge(&text_hex, bound.as_deref(), &command, &self.settings.trust) {
            Verdict::Refuse(why) => {
                self.answer_to(&t, vec![render::refusal(why)]);
                return Ok(());
            }
            Verdict::Bind { .. } => {
                self.router
                    .store()
                    .bind_radio(&node, &hex(&t.public_key))
                    .await?;
            }
            Verdict::Act => {}
        }
        self.open(&who).await?;
        if matches!(command, dm::Command::Dm(_)) && self.settings.trust.dm_nodes.contains(&t.from) {
            // A DM node (its key checked above) has the DM's rights at the
            // table, whoever opened it.
            self.router
                .grant_dm(&self.settings.table, &who, "a DM node in the radio config")
                .await?;
        }
        if t.direct {
            self.audience.insert(t.from);
        }
        let envelope = Envelope {
            transport: Transport::Radio,
            table: self.settings.table.clone(),
            sender: who,
            request_id: format!("{:08x}-{:08x}", t.from, t.id),
            command: command.clone(),
        };
        let answer = self.router.submit(envelope).await?;
        let done = matches!(answer, Answer::Done { .. });
        match answer {
            Answer::Done { reply, seq } => {
                if self.answered.len() > 4_096 {
                    // Their broadcasts were missed (lagged): forget them.
                    self.answered.clear();
                }
                self.answered.insert(seq);
                // Still my turn after my own action: no need to say so.
                let mine = reply
                    .turn
                    .as_ref()
                    .and_then(|turn| turn.player.as_ref())
                    .is_some_and(|p| *p == self.router.player_of(&sender(t.from)));
                let hidden = self.hidden_from(t.from).await?;
                let packets = render::packets_for(&reply, !mine, &hidden);
                self.answer_to(&t, packets);
                self.notable(&reply).await?;
            }
            Answer::Repeated { reply, .. } => {
                let hidden = self.hidden_from(t.from).await?;
                self.answer_to(&t, render::packets_for(&reply, true, &hidden));
            }
            Answer::Refused { why } => self.answer_to(&t, vec![render::refusal(&why)]),
            Answer::Limited { retry_after } => {
                let why = format!("slow down: try again in {} s", retry_after.as_secs() + 1);
                self.answer_to(&t, vec![render::refusal(&why)]);
            }
        }
        if done && !alias::read_only(&command) {
            self.monster_turns().await?;
        }
        Ok(())
    }

    /// Whose numbers `node` may not see: the monsters', unless it is a DM's node.
    async fn hidden_from(&self, node: u32) -> anyhow::Result<HashSet<String>> {
        if self.settings.trust.dm_nodes.contains(&node) {
            return Ok(HashSet::new());
        }
        Ok(monsters_of(&self.router.table(&self.settings.table).await?))
    }

    /// Opens the table with its DM, if this process has not yet.
    async fn open(&mut self, who: &str) -> anyhow::Result<()> {
        if self.opened {
            return Ok(());
        }
        let dm = match self.settings.trust.dm_nodes.first() {
            Some(&n) => self.router.player_of(&sender(n)),
            None => self.router.player_of(who),
        };
        let seed = self.settings.seed.map_or_else(
            crate::console::random_seed,
            crate::console::seed_from_number,
        );
        let table = self.settings.table.clone();
        self.router
            .open_table(&table, &json!({"transport": "radio"}), dm, &seed)
            .await
            .with_context(|| format!("opening table {table}"))?;
        self.opened = true;
        Ok(())
    }

    async fn monster_turns(&mut self) -> anyhow::Result<()> {
        let table = self.settings.table.clone();
        for _ in 0..MAX_MONSTER_TURNS {
            if crate::console::fight_over(&self.router.table(&table).await?) {
                break;
            }
            let Some(report) = self.turns.play_due(&table).await? else {
                break;
            };
            if report.dropped || report.played.is_empty() {
                break;
            }
        }
        Ok(())
    }

    /// A reply from another transport, another node or a monster turn.
    async fn published(&mut self, p: Published) -> anyhow::Result<()> {
        if self.answered.remove(&p.seq) || p.reply.private {
            return Ok(());
        }
        let table = self.router.table(&self.settings.table).await?;
        let hidden = monsters_of(&table);
        let audience: Vec<u32> = self.audience.iter().copied().collect();
        for node in audience {
            let player = self.router.player_of(&sender(node));
            if player == p.actor {
                continue;
            }
            let Some(handle) = table.players.get(&player) else {
                continue;
            };
            let name = table
                .character(handle)
                .map_or_else(|| handle.clone(), |c| c.name.clone());
            if concerns(&p.reply, handle, &name) {
                let packets = render::packets_for(&p.reply, true, &hidden);
                self.dm(node, packets);
            }
        }
        self.notable(&p.reply).await
    }

    /// Sends `reply` to the channel too if it starts or ends a fight or
    /// tells of a death.
    async fn notable(&mut self, reply: &Reply) -> anyhow::Result<()> {
        let table = self.router.table(&self.settings.table).await?;
        let fight = table.encounter.is_some();
        let over = crate::console::fight_over(&table);
        let death = reply
            .lines
            .iter()
            .any(|l| matches!(l, Line::Damage { state, .. } if state == "dead"));
        let news = (fight && !self.fight) || (over && !self.over) || death;
        self.fight = fight;
        self.over = over;
        if news && !reply.private {
            let packets = render::packets_for(reply, true, &monsters_of(&table));
            self.send(Dest::Channel(self.settings.channel), &packets);
        }
        Ok(())
    }
}

/// Tells the metrics what the link sent since `before` (packets, bytes,
/// airtime) and how long its queue is.
fn count_sent(before: &Stats, now: &Stats) {
    let packets = now.sent.saturating_sub(before.sent);
    if packets > 0 {
        let bytes = now.bytes.saturating_sub(before.bytes);
        let air = now.airtime_total.saturating_sub(before.airtime_total);
        // Texts are counted one by one; several at once share the totals.
        for i in 0..packets {
            let (b, a) = if i == 0 {
                (bytes - bytes / packets * (packets - 1), air)
            } else {
                (bytes / packets, Duration::ZERO)
            };
            let b = usize::try_from(b).unwrap_or(usize::MAX);
            crate::telemetry::radio_packet(crate::telemetry::Direction::Tx, b, a);
        }
    }
    crate::telemetry::radio_queue(now.queued_dms + now.queued_broadcasts);
}

/// The display names of the monsters in `table`'s fight.
fn monsters_of(table: &dm::Table) -> HashSet<String> {
    table
        .encounter
        .iter()
        .flat_map(|e| e.monsters.iter().map(dm::encounter::MonsterState::name))
        .collect()
}

/// Whether a reply names a character (by handle or name) or gives it the turn.
fn concerns(reply: &Reply, handle: &str, name: &str) -> bool {
    let is = |s: &str| s == handle || s == name;
    if reply.turn.as_ref().is_some_and(|t| is(&t.handle)) {
        return true;
    }
    reply.lines.iter().any(|l| match l {
        Line::Attack {
            attacker, target, ..
        } => is(attacker) || is(target),
        Line::Damage { target, .. } | Line::Heal { target, .. } | Line::Effect { target, .. } => {
            is(target)
        }
        Line::Save { who, .. } | Line::Roll { who, .. } => is(who),
        Line::Note { .. } => false,
    })
}

/// `dungeon radio rebind NODE`: forgets the node's key, so its next
/// encrypted DM binds the new one.
pub fn rebind(args: &crate::cli::RebindArgs) -> anyhow::Result<()> {
    let database = crate::console::database_url(args.database.as_deref());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let node = node_id(args.node);
    let was = rt.block_on(async {
        let store = crate::store::Store::open(&database).await?;
        anyhow::Ok(store.unbind_radio(&node).await?)
    })?;
    let text = if was {
        format!("{node}: key forgotten; its next encrypted DM binds its new key")
    } else {
        format!("{node} was not bound (it binds on its first encrypted DM); nothing changed")
    };
    crate::output::emit(&text)
}
