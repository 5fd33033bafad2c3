//! The Meshtastic transport's adapter: radio texts in, router, packets out.
//! Thin: the link, filters, aliases, rendering, pacing and trust rules are
//! the `radio` crate's; this module only joins them to the router and the
//! store (node key bindings).
//!
//! - A node plays as `radio:!a1b2c3d4` at one table (`--radio-table`,
//!   default `radio:main`), opened on first use with the first configured
//!   DM node (else the first sender) as its DM.
//! - A text is one command or a chain (`m engaged g1;a g1;e`), carried out
//!   in order until one is refused. Monster turns due after it are played
//!   at once.
//! - What follows is told as one digest per node (`render::digest`): the
//!   sender its answers; every node of the audience (the table's radio
//!   players, seated from the table after a restart) what names its
//!   character and what is announced to the whole table (`Reply::announce`),
//!   without hints meant for others; a DM's node all play (of what players
//!   only asked, their rolls); each ending with whose turn it now is, and
//!   for that player which foes are in reach. Notable events (a
//!   fight begins, a death) also go to the table's channel.
//! - A [`Tally`] keeps the airtime told against the console's rendering of
//!   the same replies to the same places (also a metric).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use dm::{Command, Line, PlayerId, Reply};
use radio::airtime::long_fast;
use radio::alias::{self, Input};
use radio::filter::{Text, node_id};
use radio::identity::{self, TrustConfig, Verdict};
use radio::link::{Link, LinkEvent};
use radio::pace::{Delivery, Dest, Outgoing, Stats};
use radio::render;
use rules::mechanics::{Distance, LifeState};
use serde_json::json;
use tokio::sync::broadcast;

use crate::core::router::{Answer, Envelope, Published, Router, RouterError, Transport};
use crate::core::turns::MonsterTurns;

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
    pub health: Option<crate::ops::http::Link>,
    /// What the transport told, against the console's rendering.
    pub tally: Tally,
    /// Seconds a vote on where the party goes stays open (`radio.go_vote_secs`):
    /// texts come slowly over the mesh.
    pub go_vote_secs: u32,
}

/// A command as the radio sends it: a `go` that needs a vote gives the
/// party `secs` to answer.
fn radio_pace(command: Command, secs: u32) -> Command {
    match command {
        Command::Go {
            exit,
            vote_secs: None,
        } => Command::Go {
            exit,
            vote_secs: Some(secs),
        },
        other => other,
    }
}

/// The sender name of a node.
pub fn sender(node: u32) -> String {
    format!("radio:{}", node_id(node))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the radio told, against the console's rendering of the same
/// replies to the same places (a text per reply, split at 200 bytes): the
/// figures behind the closing note's airtime ratio, and the
/// `dungeon_radio_console_equivalent_airtime_milliseconds_total` metric.
#[derive(Debug, Clone, Default)]
pub struct Tally(Arc<Mutex<Figures>>);

/// The figures a [`Tally`] keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// Tellings: what one place was told at once (a digest of a burst of
    /// play, a refusal, a link code).
    pub told: u64,
    /// Of those, the ones that fit one packet.
    pub single: u64,
    /// Packets handed to the link (its queue may still merge some).
    pub packets: u64,
    /// Their estimated LongFast airtime.
    pub airtime: Duration,
    /// The console's rendering of the same replies and refusals to the
    /// same places, a text per reply: its estimated LongFast airtime.
    pub console_airtime: Duration,
    /// The same, a text per console line (as a line-by-line bridge of the
    /// console's output would send it).
    pub console_lines_airtime: Duration,
    /// The same, each telling's console lines packed into as few 200-byte
    /// texts as they fill (the console's words, the radio's batching).
    pub console_packed_airtime: Duration,
    /// The longest telling, in bytes (all its packets).
    pub max_bytes: usize,
}

impl Tally {
    /// The figures so far.
    pub fn figures(&self) -> Figures {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts `packets` told to one place, which the console would have
    /// printed as the texts `console`.
    fn add(&self, packets: &[String], console: &[String]) {
        let air = |texts: &[String]| -> Duration { texts.iter().map(|t| long_fast(t.len())).sum() };
        let console_air: Duration = console
            .iter()
            .map(|t| air(&render::split(t, render::MAX_PACKET)))
            .sum();
        let lines: Vec<String> = console
            .iter()
            .flat_map(|t| t.lines().map(str::to_owned))
            .collect();
        let lines_air: Duration = lines
            .iter()
            .map(|t| air(&render::split(t, render::MAX_PACKET)))
            .sum();
        let packed_air = air(&render::split(&lines.join("\n"), render::MAX_PACKET));
        crate::ops::telemetry::radio_console_airtime(console_air);
        let mut f = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f.console_lines_airtime += lines_air;
        f.console_packed_airtime += packed_air;
        f.told += 1;
        f.single += u64::from(packets.len() == 1);
        f.packets += packets.len() as u64;
        f.airtime += air(packets);
        f.console_airtime += console_air;
        f.max_bytes = f.max_bytes.max(packets.iter().map(String::len).sum());
    }
}

/// A reply as the console prints it: a line each.
fn console_text(reply: &Reply) -> String {
    reply
        .lines
        .iter()
        .map(crate::transport::text::render_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// What an answer in a burst is, for who else hears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Play that changed the table (or another's, heard).
    Play,
    /// What the asker only looked at (status, help, a roll): theirs, and of
    /// it the DM's node hears the dice.
    Read,
    /// The first answer to a request sent again: the asker's alone.
    Repeat,
}

/// A reply published at the table during a burst.
struct Heard {
    seq: u64,
    actor: PlayerId,
    via: Transport,
    reply: Reply,
}

/// A node's command (or chain) and what came of it.
struct Asked {
    /// The text it came in.
    text: Text,
    /// Its player.
    player: PlayerId,
    /// The answers of the commands carried out, with their seqs and what
    /// kind of answer each is.
    answers: Vec<(u64, Reply, Kind)>,
    /// Why the chain stopped, if a command was refused.
    refusal: Option<String>,
}

struct Adapter {
    router: Arc<Router>,
    turns: MonsterTurns,
    settings: Settings,
    out: tokio::sync::mpsc::UnboundedSender<Outgoing>,
    published: broadcast::Receiver<Published>,
    opened: bool,
    /// Nodes that play at the table: they hear what concerns them.
    audience: BTreeSet<u32>,
    /// The last telling per node, for `rs`.
    last: HashMap<u32, Vec<String>>,
    /// Seqs of replies already answered by DM (skipped when published).
    answered: HashSet<u64>,
    /// Whether a fight was on, after the last burst.
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
    let published = router.subscribe(&settings.table);
    let mut a = Adapter {
        router,
        turns,
        settings,
        out,
        published,
        opened: false,
        audience: BTreeSet::new(),
        last: HashMap::new(),
        answered: HashSet::new(),
        fight: false,
        over: false,
    };
    a.audience.extend(a.settings.trust.dm_nodes.iter().copied());
    if let Err(e) = a.seat_audience().await {
        eprintln!("radio: could not read who plays at the table: {e:#}");
    }
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
            p = a.published.recv() => match p {
                Ok(p) => {
                    if let Err(e) = a.others(p).await {
                        eprintln!("radio: could not pass on a reply at the table: {e:#}");
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    eprintln!("radio: {n} replies at the table were missed (too many at once)");
                }
                Err(broadcast::error::RecvError::Closed) => {
                    a.published = a.router.subscribe(&a.settings.table);
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

    /// Tells `dest` `text` (split into packets), which the console would
    /// have printed as the texts `console`.
    fn tell(&mut self, dest: Dest, text: &str, console: &[String]) {
        if text.is_empty() {
            return;
        }
        let packets = render::split(text, render::MAX_PACKET);
        self.settings.tally.add(&packets, console);
        self.send(dest, &packets);
        if let Dest::Node(n) = dest {
            self.last.insert(n, packets);
        }
    }

    /// Refuses `t` in one packet.
    fn refuse(&mut self, t: &Text, why: &str) {
        let dest = self.reply_dest(t);
        let text = render::refusal(why);
        self.tell(dest, &text, &[format!("✗ {why}")]);
    }

    /// The nodes of the radio players seated at the table (after a restart
    /// they hear what concerns them before they next send a command).
    async fn seat_audience(&mut self) -> anyhow::Result<()> {
        let table = match self.router.table(&self.settings.table).await {
            Ok(t) => t,
            Err(RouterError::UnknownTable(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        self.audience.extend(
            table
                .players
                .keys()
                .filter_map(|p| p.0.strip_prefix("radio:"))
                .filter_map(|id| radio::filter::parse_node_id(id).ok()),
        );
        self.fight = table.encounter.is_some();
        self.over = crate::core::game::fight_over(&table);
        Ok(())
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
                crate::ops::telemetry::radio_packet(
                    crate::ops::telemetry::Direction::Rx,
                    t.text.len(),
                    Duration::ZERO,
                );
                // One failed command (a store hiccup) must not stop the transport.
                if let Err(e) = self.text(t.clone()).await {
                    eprintln!("radio: a command from {} failed: {e:#}", node_id(t.from));
                    self.refuse(&t, "something went wrong on our side; try again");
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

    /// Tells `t`'s sender a one-packet answer that is no game reply.
    fn answer_plain(&mut self, t: &Text, text: &str) {
        let dest = self.reply_dest(t);
        let text = render::clip(text, render::MAX_PACKET);
        self.tell(dest, &text, std::slice::from_ref(&text));
    }

    async fn text(&mut self, t: Text) -> anyhow::Result<()> {
        let who = sender(t.from);
        let commands = match alias::parse(&t.text) {
            Ok(Input::Commands(c)) => c
                .into_iter()
                .map(|c| radio_pace(c, self.settings.go_vote_secs))
                .collect::<Vec<_>>(),
            Ok(Input::Resend) => {
                let packets = self
                    .last
                    .get(&t.from)
                    .cloned()
                    .unwrap_or_else(|| vec!["nothing to resend yet".to_owned()]);
                self.send(self.reply_dest(&t), &packets);
                return Ok(());
            }
            Ok(Input::Help(text)) => {
                // The console's `?` is its whole list: the same text, a line.
                let dest = self.reply_dest(&t);
                self.tell(dest, &text, &[dm::HELP.to_owned()]);
                return Ok(());
            }
            Ok(Input::LinkCode) if t.direct => {
                let code = self.router.link_code(&who);
                let text = format!(
                    "link code {code}: on Discord use /char link code:{code} within 10 min to play as this node's player"
                );
                self.answer_plain(&t, &text);
                return Ok(());
            }
            Ok(Input::Link(code)) if t.direct && (t.pki || self.settings.trust.allow_plain_dms) => {
                let text = match self.router.redeem_link(&who, &code).await {
                    Ok(p) => format!("linked: this node now plays as {p}"),
                    Err(e) => format!("✗ {e}"),
                };
                self.answer_plain(&t, &text);
                return Ok(());
            }
            Ok(Input::LinkCode | Input::Link(_)) => {
                self.refuse(&t, identity::NEEDS_PKI);
                return Ok(());
            }
            Err(e) => {
                self.refuse(&t, &e.to_string());
                return Ok(());
            }
        };
        let node = node_id(t.from);
        // Stored as hex; compared as hex too.
        let mut bound = self.router.store().radio_binding(&node).await?;
        let text_hex = Text {
            public_key: hex(&t.public_key).into_bytes(),
            ..t.clone()
        };
        let mut asked = Asked {
            text: t.clone(),
            player: self.router.player_of(&who),
            answers: Vec::new(),
            refusal: None,
        };
        let mut changed = false;
        for (i, command) in commands.iter().enumerate() {
            match identity::judge(
                &text_hex,
                bound.as_deref().map(str::as_bytes),
                command,
                &self.settings.trust,
            ) {
                Verdict::Refuse(why) => {
                    asked.refusal = Some(why.to_owned());
                    break;
                }
                Verdict::Bind { .. } => {
                    let key = hex(&t.public_key);
                    self.router.store().bind_radio(&node, &key).await?;
                    bound = Some(key);
                }
                Verdict::Act => {}
            }
            self.open(&who).await?;
            if matches!(command, Command::Dm(_)) && self.settings.trust.dm_nodes.contains(&t.from) {
                // A DM node (its key checked above) has the DM's rights at
                // the table, whoever opened it.
                self.router
                    .grant_dm(&self.settings.table, &who, "a DM node in the radio config")
                    .await?;
            }
            if t.direct {
                self.audience.insert(t.from);
            }
            let request_id = if commands.len() == 1 {
                format!("{:08x}-{:08x}", t.from, t.id)
            } else {
                format!("{:08x}-{:08x}-{i}", t.from, t.id)
            };
            let envelope = Envelope {
                transport: Transport::Radio,
                table: self.settings.table.clone(),
                sender: who.clone(),
                request_id,
                command: command.clone(),
            };
            match self.router.submit(envelope).await? {
                Answer::Done { reply, seq } => {
                    if self.answered.len() > 4_096 {
                        // Their broadcasts were missed (lagged): forget them.
                        self.answered.clear();
                    }
                    let read = alias::read_only(command);
                    // A read publishes nothing: its seq is someone else's.
                    if !read {
                        self.answered.insert(seq);
                    }
                    changed |= !read;
                    let kind = if read { Kind::Read } else { Kind::Play };
                    asked.answers.push((seq, reply, kind));
                }
                Answer::Repeated { reply, seq } => {
                    asked.answers.push((seq, reply, Kind::Repeat));
                }
                Answer::Refused { why } => {
                    asked.refusal = Some(if i == 0 {
                        why
                    } else {
                        format!(
                            "{why} (command {} of {}; the rest not done)",
                            i + 1,
                            commands.len()
                        )
                    });
                    break;
                }
                Answer::Limited { retry_after } => {
                    asked.refusal = Some(format!(
                        "slow down: try again in {} s",
                        retry_after.as_secs() + 1
                    ));
                    break;
                }
            }
        }
        if changed {
            self.monster_turns().await?;
        }
        let others = self.drain();
        self.deliver(Some(asked), others).await
    }

    /// Everything published at the table that is waiting now, but this
    /// transport's own answers and private replies.
    fn drain(&mut self) -> Vec<Heard> {
        let mut heard = Vec::new();
        loop {
            match self.published.try_recv() {
                Ok(p) => heard.extend(self.heard(p)),
                Err(broadcast::error::TryRecvError::Lagged(n)) => {
                    eprintln!("radio: {n} replies at the table were missed (too many at once)");
                }
                Err(_) => break,
            }
        }
        heard
    }

    /// A published reply to tell, unless it is this transport's own answer
    /// (told with its command) or private.
    fn heard(&mut self, p: Published) -> Option<Heard> {
        if p.via == Transport::Narrator {
            // Narration costs airtime: only its short line, where the table
            // turned radio narration on (area entries and fight ends).
            let told = p
                .reply
                .lines
                .iter()
                .any(|l| matches!(l, Line::Narration { radio: Some(r), .. } if !r.is_empty()));
            return told.then_some(Heard {
                seq: p.seq,
                actor: p.actor,
                via: p.via,
                reply: p.reply,
            });
        }
        if self.answered.remove(&p.seq) || p.reply.private {
            return None;
        }
        Some(Heard {
            seq: p.seq,
            actor: p.actor,
            via: p.via,
            reply: p.reply,
        })
    }

    /// Whose numbers `node` may not see: the monsters', unless it is a DM's node.
    fn hidden_from(&self, node: u32, monsters: &HashSet<String>) -> HashSet<String> {
        if self.settings.trust.dm_nodes.contains(&node) {
            HashSet::new()
        } else {
            monsters.clone()
        }
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
            crate::core::game::random_seed,
            crate::core::game::seed_from_number,
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
            if crate::core::game::fight_over(&self.router.table(&table).await?) {
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

    /// A reply from another transport or process, with whatever else is
    /// waiting: told as one burst.
    async fn others(&mut self, p: Published) -> anyhow::Result<()> {
        let mut heard: Vec<Heard> = self.heard(p).into_iter().collect();
        heard.extend(self.drain());
        if heard.is_empty() {
            return Ok(());
        }
        self.deliver(None, heard).await
    }

    /// Tells a burst of play: the asking node its answers and what
    /// concerns it, every other node of the audience what concerns it (a
    /// DM's node: all of it), each in one digest that ends with whose turn
    /// it is if the turn moved; and the channel the notable replies.
    async fn deliver(&mut self, asked: Option<Asked>, mut heard: Vec<Heard>) -> anyhow::Result<()> {
        heard.sort_by_key(|h| h.seq);
        // A refusal can come before the table is opened.
        let table = match self.router.table(&self.settings.table).await {
            Ok(t) => t,
            Err(RouterError::UnknownTable(_)) => dm::Table::default(),
            Err(e) => return Err(e.into()),
        };
        let dm_nodes = self.settings.trust.dm_nodes.clone();
        let monsters = monsters_of(&table);
        // Every reply of the burst in order: (seq, reply, asked's own, kind).
        let mut all: Vec<(u64, &Reply, bool, Kind)> = heard
            .iter()
            .map(|h| (h.seq, &h.reply, false, Kind::Play))
            .collect();
        if let Some(a) = &asked {
            all.extend(a.answers.iter().map(|(s, r, kind)| (*s, r, true, *kind)));
        }
        all.sort_by_key(|(s, _, _, _)| *s);
        // The last call of whose turn it is, as a reply of its own (the
        // rest of the reply that made it is for whom it concerns), and the
        // seq of that reply. Only play moves the turn.
        let call: Option<(u64, Reply)> = all
            .iter()
            .rev()
            .filter(|(_, _, _, kind)| *kind == Kind::Play)
            .find_map(|&(s, r, _, _)| {
                let line = r.lines.iter().find(|l| render::is_turn_call(l, r))?;
                Some((
                    s,
                    Reply {
                        lines: vec![line.clone()],
                        turn: r.turn.clone(),
                        ..Reply::default()
                    },
                ))
            });
        // Whose turn it is, after the last play, while the fight is on.
        let turn = all
            .iter()
            .rev()
            .find(|(_, _, _, kind)| *kind == Kind::Play)
            .and_then(|(_, r, _, _)| r.turn.clone())
            .filter(|_| !crate::core::game::fight_over(&table));
        // What a node hears: the replies that concern it (all, for a DM's
        // node), and the turn call when the turn moved.
        // For the combatant whose turn it now is: which foes are in reach
        // (so a radio player closes in and attacks in one chain).
        let situation = |handle: &str| -> String {
            let Some(enc) = table.encounter.as_ref() else {
                return String::new();
            };
            let reach: Vec<&str> = enc
                .monsters
                .iter()
                .filter(|m| m.health.state() != LifeState::Dead)
                .filter(|m| enc.distance(handle, &m.handle) == Distance::Engaged)
                .map(|m| m.handle.as_str())
                .collect();
            if reach.is_empty() {
                "none in reach".to_owned()
            } else {
                format!("in reach: {}", reach.join(" "))
            }
        };
        let for_node = |node: u32,
                        player: &PlayerId,
                        own: bool|
         -> (Vec<Cow<'_, Reply>>, Option<(&dm::event::TurnNote, String)>) {
            let dm_node = dm_nodes.contains(&node);
            let seat = table.players.get(player);
            let name = seat.map(|h| {
                table
                    .character(h)
                    .map_or_else(|| h.clone(), |c| c.name.clone())
            });
            let mut told: Vec<(u64, Cow<'_, Reply>)> = Vec::new();
            for &(seq, reply, mine, kind) in &all {
                let from_elsewhere = heard
                    .iter()
                    .find(|h| h.seq == seq)
                    .is_some_and(|h| h.actor == *player && h.via != Transport::Planner);
                // A private reply (a full sheet) only ever goes to its asker.
                // A DM's node hears all play, and of what a player only
                // asked (status, help), the dice rolled.
                let rolled = || {
                    reply
                        .lines
                        .iter()
                        .any(|l| matches!(l, Line::Roll { .. } | Line::Save { .. }))
                };
                let others_hear = match kind {
                    Kind::Play => {
                        dm_node
                            || seat
                                .zip(name.as_ref())
                                .is_some_and(|(h, n)| concerns(reply, h, n))
                    }
                    Kind::Read => dm_node && rolled(),
                    Kind::Repeat => false,
                };
                let hears = (mine && own) || (!from_elsewhere && !reply.private && others_hear);
                if !hears {
                    continue;
                }
                // What to type next is for whoever typed, the DM, and the
                // player a hint names (`Dara is dying: \`ds\` …`).
                let hints = (mine && own) || dm_node;
                let reply = match name.as_deref() {
                    Some(n) if !hints => without_others_hints(reply, n),
                    _ => Cow::Borrowed(reply),
                };
                told.push((seq, reply));
            }
            let theirs = turn.as_ref().is_some_and(|t| seat == Some(&t.handle));
            let moved = call.is_some();
            // Whose turn it is now: for the asker unless it is still their
            // own; for the others when it moved, if they hear anything or
            // it is now theirs.
            let with_turn = turn.is_some()
                && if own {
                    moved || !theirs
                } else {
                    moved && (!told.is_empty() || theirs)
                };
            if with_turn
                && let Some((seq, reply)) = &call
                && !told.iter().any(|(s, _)| s == seq)
            {
                told.push((*seq, Cow::Borrowed(reply)));
                told.sort_by_key(|(s, _)| *s);
            }
            let turn = turn.as_ref().filter(|_| with_turn).map(|t| {
                let words = if theirs && t.player.is_some() {
                    situation(&t.handle)
                } else {
                    String::new()
                };
                (t, words)
            });
            (told.into_iter().map(|(_, r)| r).collect(), turn)
        };
        let asker = asked.as_ref().map(|a| (a.text.from, a.text.direct));
        // The asker.
        if let Some(a) = &asked {
            let node = a.text.from;
            let (mut replies, mut turn) = for_node(node, &a.player, true);
            let mut hidden = self.hidden_from(node, &monsters);
            let mut refusal = a.refusal.clone();
            if !a.text.direct {
                // Asked on the channel, answered there for anyone to read:
                // its own answers only, nothing private, no monster's numbers.
                let private = a.answers.iter().any(|(_, r, _)| r.private);
                replies = a
                    .answers
                    .iter()
                    .filter(|(_, r, _)| !r.private)
                    .map(|(_, r, _)| Cow::Borrowed(r))
                    .collect();
                turn = None;
                hidden.clone_from(&monsters);
                if private && refusal.is_none() {
                    refusal = Some("that answer is private: send it to me by DM".to_owned());
                }
            }
            let replies: Vec<&Reply> = replies.iter().map(AsRef::as_ref).collect();
            let turn = turn.as_ref().map(|(t, w)| (*t, w.as_str()));
            let text = render::digest_with(&replies, refusal.as_deref(), turn, &hidden);
            let mut console: Vec<String> = replies.iter().map(|r| console_text(r)).collect();
            console.extend(refusal.iter().map(|why| format!("✗ {why}")));
            let dest = self.reply_dest(&a.text);
            let text = if text.is_empty() {
                "ok".to_owned()
            } else {
                text
            };
            self.tell(dest, &text, &console);
        }
        // Everyone else at the table.
        let audience: Vec<u32> = self.audience.iter().copied().collect();
        for node in audience {
            if asker.is_some_and(|(n, direct)| n == node && direct) {
                continue;
            }
            let player = self.router.player_of(&sender(node));
            let (replies, turn) = for_node(node, &player, false);
            let replies: Vec<&Reply> = replies.iter().map(AsRef::as_ref).collect();
            // Only private replies and the turn of nobody here: nothing to say.
            if replies.is_empty() {
                continue;
            }
            let hidden = self.hidden_from(node, &monsters);
            let turn = turn.as_ref().map(|(t, w)| (*t, w.as_str()));
            let text = render::digest_with(&replies, None, turn, &hidden);
            let console: Vec<String> = replies.iter().map(|r| console_text(r)).collect();
            self.tell(Dest::Node(node), &text, &console);
        }
        // The channel: a fight begins or ends, a death.
        let fight = table.encounter.is_some();
        let over = crate::core::game::fight_over(&table);
        let began_or_ended = (fight != self.fight) || (over && !self.over);
        self.fight = fight;
        self.over = over;
        // The fight's beginning or end (announced to the table) and deaths,
        // without the hints that are for someone in particular.
        let news: Vec<Cow<'_, Reply>> = all
            .iter()
            .filter(|(_, r, _, kind)| {
                *kind == Kind::Play
                    && !r.private
                    && ((began_or_ended && r.announce) || has_death(r))
            })
            .map(|(_, r, _, _)| without_others_hints(r, ""))
            .collect();
        let news: Vec<&Reply> = news.iter().map(AsRef::as_ref).collect();
        if !news.is_empty() {
            let text = render::digest(&news, None, None, &monsters);
            let console: Vec<String> = news.iter().map(|r| console_text(r)).collect();
            self.tell(Dest::Channel(self.settings.channel), &text, &console);
        }
        Ok(())
    }
}

/// Whether a reply tells of a death.
fn has_death(reply: &Reply) -> bool {
    reply
        .lines
        .iter()
        .any(|l| matches!(l, Line::Damage { state, .. } if state == "dead"))
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
            crate::ops::telemetry::radio_packet(crate::ops::telemetry::Direction::Tx, b, a);
        }
    }
    crate::ops::telemetry::radio_queue(now.queued_dms + now.queued_broadcasts);
}

/// The display names of the monsters in `table`'s fight.
fn monsters_of(table: &dm::Table) -> HashSet<String> {
    table
        .encounter
        .iter()
        .flat_map(|e| e.monsters.iter().map(dm::encounter::MonsterState::name))
        .collect()
}

/// Whether a player playing a character should hear a reply of play: it is
/// for the whole table, names the character (by handle or name) or gives it
/// the turn.
fn concerns(reply: &Reply, handle: &str, name: &str) -> bool {
    let is = |s: &str| s == handle || s == name;
    if reply.announce || reply.turn.as_ref().is_some_and(|t| is(&t.handle)) {
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
        Line::Character { name: who, .. } | Line::Xp { who, .. } => is(who),
        Line::Note { text } => names(text, name),
        // A recap is asked for by one player and told to them.
        Line::Recap { .. } => false,
        Line::Narration { .. } => true,
        // The party's surroundings concern everyone in it.
        Line::Area { .. } => true,
    })
}

/// `reply` without the notes that tell someone else what to type
/// (`Add monsters with \`madd NAME -n COUNT\`…`, for the DM), for the
/// player of `name`; a hint that names them stays (none, for `""`).
fn without_others_hints<'a>(reply: &'a Reply, name: &str) -> Cow<'a, Reply> {
    let others =
        |l: &Line| matches!(l, Line::Note { text } if text.contains('`') && !names(text, name));
    if !reply.lines.iter().any(others) {
        return Cow::Borrowed(reply);
    }
    // A reply of one note is someone's words (narration): only hints in
    // parentheses go.
    let words = reply.lines.len() == 1;
    let mut kept = reply.clone();
    kept.lines.retain_mut(|l| {
        if !others(l) {
            return true;
        }
        let Line::Note { text } = l else {
            return true;
        };
        match without_hint(text, words) {
            Some(t) => {
                *text = t;
                true
            }
            None => false,
        }
    });
    Cow::Owned(kept)
}

/// A note without what it tells someone to type: hints in parentheses
/// (`The shell reveals the seed (see \`verify\`).`), a clause after a dash
/// (`The vote is tied — the DM decides with \`dm decide N\`.`); a note that
/// is all instruction (`Add monsters with \`madd …\``) is `None`, unless
/// it is someone's `words`.
fn without_hint(text: &str, words: bool) -> Option<String> {
    let mut t = render::without_hints(text);
    if let Some(tick) = t.find('`')
        && !words
    {
        match t[..tick].rfind(" — ") {
            Some(dash) => {
                t.truncate(dash);
                t.push('.');
            }
            None => return None,
        }
    }
    let t = t.trim();
    (!t.is_empty() && t != ".").then(|| t.to_owned())
}

/// Whether `text` has `name` as a word of its own ("Brom gains 100 XP",
/// "Brom's opportunity attack", not "Bromwell").
fn names(text: &str, name: &str) -> bool {
    !name.is_empty()
        && text.match_indices(name).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + name.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_for_others_go_and_what_happened_stays() {
        assert_eq!(
            without_hint("The shell reveals the seed (see `verify`).", false).as_deref(),
            Some("The shell reveals the seed.")
        );
        assert_eq!(
            without_hint(
                "The vote is tied — the DM decides with `dm decide N`.",
                false
            )
            .as_deref(),
            Some("The vote is tied.")
        );
        assert_eq!(
            without_hint(
                "Add monsters with `madd NAME -n COUNT`, then `n` starts round 1.",
                false
            ),
            None
        );
        // Someone's words keep their backticks.
        assert_eq!(
            without_hint("The sign reads `beware`.", true).as_deref(),
            Some("The sign reads `beware`.")
        );
        let tied = Reply {
            lines: vec![
                Line::Note {
                    text: "Vote for left.".into(),
                },
                Line::Note {
                    text: "The vote is tied — the DM decides with `dm decide N`.".into(),
                },
            ],
            announce: true,
            ..Reply::default()
        };
        let heard = without_others_hints(&tied, "Brom");
        assert_eq!(
            heard.lines.last(),
            Some(&Line::Note {
                text: "The vote is tied.".into()
            })
        );
        let narration = Reply::note("They whisper `the password`.");
        assert_eq!(
            without_others_hints(&narration, "Brom").lines,
            narration.lines
        );
        // A hint that names the player is theirs.
        let dying = Reply::note("Brom is dying: `ds` rolls the death save.");
        assert_eq!(without_others_hints(&dying, "Brom").lines, dying.lines);
    }

    #[test]
    fn a_name_is_a_word_of_its_own() {
        assert!(names("Brom gains 100 XP (100 total).", "Brom"));
        assert!(names(
            "Cade's opportunity attack fails: g3 is dead.",
            "Cade"
        ));
        assert!(names("…and Brom.", "Brom"));
        assert!(!names("Bromwell waves.", "Brom"));
        assert!(!names("Abrom waves.", "Brom"));
        assert!(!names("anything", ""));
    }

    #[test]
    fn a_player_hears_what_names_them_and_what_the_table_is_told() {
        let note = |text: &str| Reply::note(text);
        assert!(concerns(&note("Brom is dying."), "brom", "Brom"));
        assert!(!concerns(&note("Dara is dying."), "brom", "Brom"));
        let mut narration = note("Rain on the road.");
        assert!(!concerns(&narration, "brom", "Brom"));
        narration.announce = true;
        assert!(concerns(&narration, "brom", "Brom"));
    }
}
