//! A fake Meshtastic node that speaks the real stream API (the `0x94 0xC3`
//! framing with the real protobufs) over TCP or an in-memory pipe, and
//! enforces the firmware rules a client trips over:
//!
//! - the handshake: `want_config_id` → `my_info`, node infos with public
//!   keys, the LoRa config, then `config_complete_id`;
//! - a text less than 2 s after the previous one gets `RATE_LIMIT_EXCEEDED`;
//! - a payload over 232 bytes gets `TOO_LARGE`;
//! - a repeated packet id is ignored;
//! - DMs with `want_ack` are acknowledged (a `ROUTING_APP` packet);
//! - one client at a time: a new connection kicks the old one.
//!
//! Players are simulated by [`FakeNode::say`] and friends; what the client
//! sent is recorded with timestamps ([`FakeNode::sent`]).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use radio::Message as _;
use radio::frame::{self, Decoder};
use radio::link::{Connector, Stream};
use radio::protobufs::{
    Config, Data, FromRadio, MeshPacket, MyNodeInfo, NodeInfo, PortNum, Routing, ToRadio, User,
    config, from_radio, mesh_packet, routing, to_radio,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

/// The firmware's payload limit.
pub const MAX_PAYLOAD: usize = 232;
/// The firmware's least gap between two texts.
pub const RATE_LIMIT: Duration = Duration::from_secs(2);
/// The broadcast address.
pub const BROADCAST: u32 = 0xFFFF_FFFF;

/// A text the client sent, as the node saw it.
#[derive(Debug, Clone)]
pub struct Sent {
    /// When it arrived (tokio's clock: paused in tests).
    pub at: Instant,
    /// The destination (`BROADCAST` for the channel).
    pub to: u32,
    /// The channel index.
    pub channel: u32,
    /// The text.
    pub text: String,
    /// Its packet id.
    pub id: u32,
    /// The hop limit it asked for.
    pub hop_limit: u32,
    /// Whether it asked for an ACK.
    pub want_ack: bool,
    /// `None`: accepted; else the NAK reason the node answered.
    pub refused: Option<routing::Error>,
}

#[derive(Default)]
struct Inner {
    me: u32,
    hop_limit: u32,
    nodes: Vec<(u32, Vec<u8>)>,
    sent: Vec<Sent>,
    last_text: Option<Instant>,
    ids: HashSet<u32>,
    next_id: u32,
    /// The current client's outbox and its kill switch.
    client: Option<(mpsc::UnboundedSender<FromRadio>, Arc<Notify>)>,
    connections: u32,
    handshakes: u32,
    ack: bool,
    rate_limit: Duration,
}

/// The fake node; clones share it.
#[derive(Clone)]
pub struct FakeNode {
    inner: Arc<Mutex<Inner>>,
    changed: Arc<Notify>,
}

fn unix_now() -> u32 {
    let s = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    u32::try_from(s).unwrap_or(u32::MAX)
}

impl FakeNode {
    /// A node numbered `me`, with LoRa hop limit 3, acknowledging DMs.
    pub fn new(me: u32) -> Self {
        let inner = Inner {
            me,
            hop_limit: 3,
            next_id: 0x1000,
            ack: true,
            rate_limit: RATE_LIMIT,
            ..Inner::default()
        };
        Self {
            inner: Arc::new(Mutex::new(inner)),
            changed: Arc::new(Notify::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a node to the node DB with its public key.
    pub fn with_node(self, num: u32, public_key: &[u8]) -> Self {
        self.lock().nodes.push((num, public_key.to_vec()));
        self
    }

    /// Whether DMs get their ACK.
    pub fn set_acks(&self, on: bool) {
        self.lock().ack = on;
    }

    /// The least gap between texts the node accepts (2 s, as firmware
    /// 2.7+; tests running on the real clock scale it down).
    pub fn set_rate_limit(&self, gap: Duration) {
        self.lock().rate_limit = gap;
    }

    /// Our node number.
    pub fn me(&self) -> u32 {
        self.lock().me
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> u32 {
        self.lock().connections
    }

    /// Handshakes completed so far.
    pub fn handshakes(&self) -> u32 {
        self.lock().handshakes
    }

    /// Everything the client sent, in order.
    pub fn sent(&self) -> Vec<Sent> {
        self.lock().sent.clone()
    }

    /// Accepted texts to `to` (a node, or `BROADCAST`).
    pub fn texts_to(&self, to: u32) -> Vec<String> {
        self.lock()
            .sent
            .iter()
            .filter(|s| s.to == to && s.refused.is_none())
            .map(|s| s.text.clone())
            .collect()
    }

    /// Waits until `check` holds on what was sent (or `limit` passes).
    pub async fn wait_until(&self, limit: Duration, check: impl Fn(&[Sent]) -> bool) -> bool {
        let end = Instant::now() + limit;
        loop {
            let changed = self.changed.notified();
            if check(&self.lock().sent) {
                return true;
            }
            tokio::select! {
                () = changed => {}
                () = tokio::time::sleep_until(end) => return check(&self.lock().sent),
            }
        }
    }

    /// Waits for a client that finished its handshake (number `n`).
    pub async fn wait_handshakes(&self, n: u32, limit: Duration) -> bool {
        let end = Instant::now() + limit;
        loop {
            let changed = self.changed.notified();
            if self.handshakes() >= n {
                return true;
            }
            tokio::select! {
                () = changed => {}
                () = tokio::time::sleep_until(end) => return self.handshakes() >= n,
            }
        }
    }

    /// A text packet from `from`: a PKI DM with `key` if `direct`, else on
    /// channel 0. Returns the packet (not yet delivered).
    pub fn text(&self, from: u32, text: &str, direct: bool, key: &[u8]) -> MeshPacket {
        let mut inner = self.lock();
        inner.next_id += 1;
        MeshPacket {
            from,
            to: if direct { inner.me } else { BROADCAST },
            channel: 0,
            id: inner.next_id,
            rx_time: unix_now(),
            hop_limit: 3,
            hop_start: 3,
            pki_encrypted: direct && !key.is_empty(),
            public_key: if direct { key.to_vec() } else { Vec::new() },
            payload_variant: Some(mesh_packet::PayloadVariant::Decoded(Data {
                portnum: PortNum::TextMessageApp as i32,
                payload: text.as_bytes().to_vec(),
                ..Data::default()
            })),
            ..MeshPacket::default()
        }
    }

    /// A player's encrypted DM to the bot; `false` if no client is there.
    pub fn say(&self, from: u32, key: &[u8], text: &str) -> bool {
        let p = self.text(from, text, true, key);
        self.deliver(p)
    }

    /// A packet to the client as heard off the air; `false` if no client.
    pub fn deliver(&self, packet: MeshPacket) -> bool {
        self.push(FromRadio {
            payload_variant: Some(from_radio::PayloadVariant::Packet(packet)),
            ..FromRadio::default()
        })
    }

    /// Any message to the current client.
    pub fn push(&self, msg: FromRadio) -> bool {
        match &self.lock().client {
            Some((tx, _)) => tx.send(msg).is_ok(),
            None => false,
        }
    }

    /// Tells the client the node rebooted (as serial nodes do).
    pub fn reboot(&self) -> bool {
        self.push(FromRadio {
            payload_variant: Some(from_radio::PayloadVariant::Rebooted(true)),
            ..FromRadio::default()
        })
    }

    /// Closes the current connection (the client sees EOF).
    pub fn hang_up(&self) {
        if let Some((_, kill)) = self.lock().client.take() {
            kill.notify_one();
        }
    }

    /// Serves connections on `127.0.0.1:0` until the runtime ends; returns
    /// the address.
    pub async fn listen_tcp(&self) -> std::io::Result<std::net::SocketAddr> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let me = self.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let node = me.clone();
                tokio::spawn(async move { node.serve(Box::new(sock)).await });
            }
        });
        Ok(addr)
    }

    /// A connector whose every call opens an in-memory pipe to this node.
    pub fn connector(&self) -> Connector {
        let me = self.clone();
        Arc::new(move || {
            let me = me.clone();
            Box::pin(async move {
                let (ours, theirs) = tokio::io::duplex(64 * 1024);
                tokio::spawn(async move { me.serve(Box::new(theirs)).await });
                Ok(Box::new(ours) as Stream)
            })
        })
    }

    /// Speaks the node's side of one connection until it closes or a newer
    /// one kicks it.
    pub async fn serve(&self, stream: Stream) {
        let (tx, mut rx) = mpsc::unbounded_channel::<FromRadio>();
        let kill = Arc::new(Notify::new());
        {
            let mut inner = self.lock();
            if let Some((_, old)) = inner.client.take() {
                old.notify_one();
            }
            inner.client = Some((tx.clone(), Arc::clone(&kill)));
            inner.connections += 1;
        }
        self.changed.notify_waiters();
        let (mut read, mut write) = tokio::io::split(stream);
        let writer = async {
            while let Some(msg) = rx.recv().await {
                let Ok(bytes) = frame::encode_from_radio(&msg) else {
                    continue;
                };
                if write.write_all(&bytes).await.is_err() {
                    break;
                }
            }
        };
        let reader = async {
            let mut dec = Decoder::new();
            let mut buf = vec![0u8; 4096];
            loop {
                match read.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => dec.push(&buf[..n]),
                }
                while let Some(f) = dec.next_frame() {
                    if let Ok(msg) = frame::decode_to_radio(&f) {
                        self.handle(&tx, msg);
                    }
                }
            }
        };
        tokio::select! {
            () = writer => {}
            () = reader => {}
            () = kill.notified() => {}
        }
        let mut inner = self.lock();
        if inner
            .client
            .as_ref()
            .is_some_and(|(_, k)| Arc::ptr_eq(k, &kill))
        {
            inner.client = None;
        }
    }

    fn handle(&self, tx: &mpsc::UnboundedSender<FromRadio>, msg: ToRadio) {
        match msg.payload_variant {
            Some(to_radio::PayloadVariant::WantConfigId(nonce)) => {
                let inner = self.lock();
                let mut out = vec![from_radio::PayloadVariant::MyInfo(MyNodeInfo {
                    my_node_num: inner.me,
                    ..MyNodeInfo::default()
                })];
                for (num, key) in &inner.nodes {
                    out.push(from_radio::PayloadVariant::NodeInfo(NodeInfo {
                        num: *num,
                        user: Some(User {
                            id: format!("!{num:08x}"),
                            long_name: format!("Node {num:x}"),
                            public_key: key.clone(),
                            ..User::default()
                        }),
                        ..NodeInfo::default()
                    }));
                }
                out.push(from_radio::PayloadVariant::Config(Config {
                    payload_variant: Some(config::PayloadVariant::Lora(config::LoRaConfig {
                        hop_limit: inner.hop_limit,
                        ..config::LoRaConfig::default()
                    })),
                }));
                out.push(from_radio::PayloadVariant::ConfigCompleteId(nonce));
                drop(inner);
                for v in out {
                    let _ = tx.send(FromRadio {
                        payload_variant: Some(v),
                        ..FromRadio::default()
                    });
                }
                self.lock().handshakes += 1;
                self.changed.notify_waiters();
            }
            Some(to_radio::PayloadVariant::Packet(p)) => self.outgoing(tx, p),
            // Heartbeats and anything newer: nothing to do.
            _ => {}
        }
    }

    /// The firmware's checks on a packet the client sent.
    fn outgoing(&self, tx: &mpsc::UnboundedSender<FromRadio>, p: MeshPacket) {
        let Some(mesh_packet::PayloadVariant::Decoded(data)) = &p.payload_variant else {
            return;
        };
        if data.portnum != PortNum::TextMessageApp as i32 {
            return;
        }
        let now = Instant::now();
        let mut inner = self.lock();
        if !inner.ids.insert(p.id) {
            return; // the firmware drops a packet id it has seen
        }
        let refused = if data.payload.len() > MAX_PAYLOAD {
            Some(routing::Error::TooLarge)
        } else if inner
            .last_text
            .is_some_and(|last| now.duration_since(last) < inner.rate_limit)
        {
            Some(routing::Error::RateLimitExceeded)
        } else {
            None
        };
        if refused.is_none() {
            inner.last_text = Some(now);
        }
        inner.sent.push(Sent {
            at: now,
            to: p.to,
            channel: p.channel,
            text: String::from_utf8_lossy(&data.payload).into_owned(),
            id: p.id,
            hop_limit: p.hop_limit,
            want_ack: p.want_ack,
            refused,
        });
        let me = inner.me;
        let ack = inner.ack;
        drop(inner);
        self.changed.notify_waiters();
        let answer = match refused {
            Some(e) => Some((me, e)),
            None if p.want_ack && p.to != BROADCAST && ack => Some((p.to, routing::Error::None)),
            None => None,
        };
        if let Some((from, error)) = answer {
            let routing = Routing {
                variant: Some(routing::Variant::ErrorReason(error as i32)),
            };
            let packet = MeshPacket {
                from,
                to: me,
                id: p.id ^ 0x5A5A_0000,
                payload_variant: Some(mesh_packet::PayloadVariant::Decoded(Data {
                    portnum: PortNum::RoutingApp as i32,
                    payload: routing.encode_to_vec(),
                    request_id: p.id,
                    ..Data::default()
                })),
                ..MeshPacket::default()
            };
            let _ = tx.send(FromRadio {
                payload_variant: Some(from_radio::PayloadVariant::Packet(packet)),
                ..FromRadio::default()
            });
        }
    }
}
