//! The link to a Meshtastic node over TCP or serial: the handshake (send
//! `want_config_id`, read `my_info`, node infos, the LoRa config, until
//! `config_complete_id`), then texts in and out through the [`Pacer`], a
//! heartbeat, and a new connection with backoff after EOF, `rebooted`, a
//! stalled handshake or a second client taking the node's one TCP slot.
//!
//! The connection is opened with the `meshtastic` crate's stream builders;
//! framing, filtering and pacing are this crate's own, so every write is a
//! whole frame and every DM carries an explicit `hop_limit`.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use meshtastic::protobufs::{
    Data, FromRadio, Heartbeat, MeshPacket, PortNum, ToRadio, config, from_radio, mesh_packet,
    to_radio,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::filter::{self, BROADCAST, Dedupe, FilterConfig, Heard, Ignored, Text};
use crate::frame::{self, Decoder};
use crate::pace::{Delivery, Dest, Outgoing, PaceConfig, Pacer, Stats, Transmit};

/// Any byte stream to a node.
pub trait NodeStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> NodeStream for T {}

/// An open stream to a node.
pub type Stream = Box<dyn NodeStream>;

/// Opens a new stream to the node (called again on every reconnect).
pub type Connector =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = io::Result<Stream>> + Send>> + Send + Sync>;

/// Where the node is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `tcp://host:4403` (the port defaults to 4403).
    Tcp(String),
    /// `serial:/dev/ttyUSB0` (115200 baud).
    Serial(String),
}

/// Why an endpoint could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a radio address: use tcp://HOST[:PORT] (port 4403 by default) or a serial port (/dev/ttyUSB0)"
)]
pub struct BadEndpoint(String);

impl std::str::FromStr for Endpoint {
    type Err = BadEndpoint;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadEndpoint(s.chars().take(80).collect());
        if let Some(rest) = s.strip_prefix("tcp://") {
            let host = rest.trim_end_matches('/');
            if host.is_empty() || host.contains('/') {
                return Err(bad());
            }
            let has_port = host
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
            return Ok(Endpoint::Tcp(if has_port {
                host.to_owned()
            } else {
                format!("{host}:4403")
            }));
        }
        if let Some(path) = s.strip_prefix("serial:")
            && !path.is_empty()
        {
            return Ok(Endpoint::Serial(path.to_owned()));
        }
        // A bare port, as in the configuration's radio.device.
        if s.starts_with('/') || s.to_ascii_uppercase().starts_with("COM") {
            return Ok(Endpoint::Serial(s.to_owned()));
        }
        Err(bad())
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Tcp(addr) => write!(f, "tcp://{addr}"),
            Endpoint::Serial(path) => write!(f, "{path}"),
        }
    }
}

impl Endpoint {
    /// A connector that opens this endpoint.
    pub fn connector(&self) -> Connector {
        let me = self.clone();
        Arc::new(move || {
            let me = me.clone();
            Box::pin(async move {
                let stream: Stream = match me {
                    Endpoint::Tcp(addr) => Box::new(
                        meshtastic::utils::stream::build_tcp_stream(addr)
                            .await
                            .map_err(io::Error::other)?
                            .stream,
                    ),
                    Endpoint::Serial(path) => Box::new(
                        meshtastic::utils::stream::build_serial_stream(path, None, None, None)
                            .map_err(io::Error::other)?
                            .stream,
                    ),
                };
                Ok(stream)
            })
        })
    }
}

/// The link's settings.
#[derive(Debug, Clone)]
pub struct LinkConfig {
    /// Which packets are commands.
    pub filter: FilterConfig,
    /// The outbound queue.
    pub pace: PaceConfig,
    /// Give up on a handshake after this long.
    pub handshake_timeout: Duration,
    /// How often to send a heartbeat (the node drops a silent client after 15 min).
    pub heartbeat: Duration,
    /// The first wait before reconnecting; doubled up to `backoff_max`.
    pub backoff_min: Duration,
    /// The longest wait before reconnecting.
    pub backoff_max: Duration,
    /// The hop limit for our texts (`None`: the node's LoRa setting, else 3).
    pub hop_limit: Option<u32>,
}

impl Default for LinkConfig {
    fn default() -> Self {
        Self {
            filter: FilterConfig::default(),
            pace: PaceConfig::default(),
            handshake_timeout: Duration::from_secs(15),
            heartbeat: Duration::from_secs(60),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            hop_limit: None,
        }
    }
}

/// What the link tells its user.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkEvent {
    /// Connected and configured.
    Up {
        /// Our node number.
        me: u32,
        /// The hop limit our texts use.
        hop_limit: u32,
        /// Nodes the node knows, with their public keys (empty: none).
        keys: Vec<(u32, Vec<u8>)>,
    },
    /// The connection was lost; a new one follows after a backoff.
    Down {
        /// Why.
        why: String,
    },
    /// A text that may be a command (first time heard, fresh).
    Text(Text),
    /// What became of a text we sent.
    Delivery(Delivery),
    /// A packet dropped by the filter.
    Ignored(Ignored),
}

/// A running link.
pub struct Link {
    /// What the node said.
    pub events: mpsc::Receiver<LinkEvent>,
    /// Texts to send (they go through the pacer).
    pub out: mpsc::UnboundedSender<Outgoing>,
    /// The queue's figures, updated as it changes.
    pub stats: watch::Receiver<Stats>,
}

/// Starts a link task on the current runtime; it runs until `out` and
/// `events` are both dropped.
pub fn spawn(connector: Connector, cfg: LinkConfig) -> Link {
    let (events_tx, events) = mpsc::channel(256);
    let (out, out_rx) = mpsc::unbounded_channel();
    let (stats_tx, stats) = watch::channel(Stats::default());
    tokio::spawn(run(connector, cfg, events_tx, out_rx, stats_tx));
    Link { events, out, stats }
}

struct State {
    cfg: LinkConfig,
    start: Instant,
    pacer: Pacer,
    dedupe: Dedupe,
    events: mpsc::Sender<LinkEvent>,
    out: mpsc::UnboundedReceiver<Outgoing>,
    stats: watch::Sender<Stats>,
}

/// How a session ended.
enum End {
    /// Our user is gone: stop.
    Closed,
    /// Lost the node: reconnect.
    Lost(String),
}

fn unix_now() -> u32 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    u32::try_from(secs).unwrap_or(u32::MAX)
}

async fn run(
    connector: Connector,
    cfg: LinkConfig,
    events: mpsc::Sender<LinkEvent>,
    out: mpsc::UnboundedReceiver<Outgoing>,
    stats: watch::Sender<Stats>,
) {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.subsec_nanos() ^ (d.as_secs() as u32));
    let mut st = State {
        pacer: Pacer::new(cfg.pace.clone(), seed | 1),
        cfg,
        start: Instant::now(),
        dedupe: Dedupe::default(),
        events,
        out,
        stats,
    };
    let mut backoff = st.cfg.backoff_min;
    loop {
        let why = match connector().await {
            Ok(stream) => match session(&mut st, stream, &mut backoff).await {
                End::Closed => return,
                End::Lost(why) => why,
            },
            Err(e) => format!("cannot reach the node: {e}"),
        };
        if st.events.send(LinkEvent::Down { why }).await.is_err() {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(st.cfg.backoff_max);
    }
}

async fn write(stream: &mut Stream, msg: &ToRadio) -> io::Result<()> {
    let bytes = frame::encode_to_radio(msg).map_err(io::Error::other)?;
    stream.write_all(&bytes).await?;
    stream.flush().await
}

/// One connection: handshake, then the live loop.
async fn session(st: &mut State, mut stream: Stream, backoff: &mut Duration) -> End {
    let nonce = st.pacer.stats(Duration::ZERO).sent as u32 ^ unix_now() | 1;
    let want = ToRadio {
        payload_variant: Some(to_radio::PayloadVariant::WantConfigId(nonce)),
    };
    if let Err(e) = write(&mut stream, &want).await {
        return End::Lost(format!("writing to the node: {e}"));
    }
    let mut dec = Decoder::new();
    let mut buf = vec![0u8; 4096];
    let mut me = 0u32;
    let mut hop_limit = 3u32;
    let mut keys = Vec::new();
    let mut early = Vec::new();
    let deadline = Instant::now() + st.cfg.handshake_timeout;
    // The handshake.
    'handshake: loop {
        let n = tokio::select! {
            r = stream.read(&mut buf) => match r {
                Ok(0) => return End::Lost("the node closed the connection during the handshake".into()),
                Ok(n) => n,
                Err(e) => return End::Lost(format!("reading from the node: {e}")),
            },
            () = tokio::time::sleep_until(deadline) => {
                return End::Lost("the node did not finish its configuration in time".into());
            }
        };
        dec.push(&buf[..n]);
        while let Some(f) = dec.next_frame() {
            let Ok(msg) = frame::decode_from_radio(&f) else {
                continue;
            };
            match msg.payload_variant {
                Some(from_radio::PayloadVariant::MyInfo(info)) => me = info.my_node_num,
                Some(from_radio::PayloadVariant::NodeInfo(node)) => {
                    let key = node.user.map(|u| u.public_key).unwrap_or_default();
                    keys.push((node.num, key));
                }
                Some(from_radio::PayloadVariant::Config(c)) => {
                    if let Some(config::PayloadVariant::Lora(lora)) = c.payload_variant
                        && lora.hop_limit > 0
                    {
                        hop_limit = lora.hop_limit.min(7);
                    }
                }
                Some(from_radio::PayloadVariant::Packet(p)) => early.push(p),
                Some(from_radio::PayloadVariant::ConfigCompleteId(id)) if id == nonce => {
                    break 'handshake;
                }
                _ => {}
            }
        }
    }
    let hop_limit = st.cfg.hop_limit.unwrap_or(hop_limit).clamp(1, 7);
    *backoff = st.cfg.backoff_min;
    if st
        .events
        .send(LinkEvent::Up {
            me,
            hop_limit,
            keys,
        })
        .await
        .is_err()
    {
        return End::Closed;
    }
    for p in early {
        if !heard(st, &p, me).await {
            return End::Closed;
        }
    }
    // Frames that came in the same read as config_complete_id.
    if let Some(end) = frames(st, &mut dec, me).await {
        return end;
    }
    let mut heartbeat = tokio::time::interval(st.cfg.heartbeat);
    heartbeat.tick().await;
    loop {
        let now = st.start.elapsed();
        for d in st.pacer.expire(now) {
            let _ = st.events.send(LinkEvent::Delivery(d)).await;
        }
        // The time again: telling of deliveries may have waited.
        let now = st.start.elapsed();
        while let Some(t) = st.pacer.poll(now) {
            if let Err(e) = write(&mut stream, &to_radio(&t, hop_limit)).await {
                return End::Lost(format!("writing to the node: {e}"));
            }
            st.pacer.written(st.start.elapsed());
        }
        st.stats.send_replace(st.pacer.stats(now));
        let wake = st.pacer.next_wake(now).map_or_else(
            || Instant::now() + Duration::from_secs(3_600),
            |w| st.start + w,
        );
        tokio::select! {
            r = stream.read(&mut buf) => match r {
                Ok(0) => return End::Lost("the node closed the connection (EOF; another client may have taken it)".into()),
                Ok(n) => {
                    dec.push(&buf[..n]);
                    if let Some(end) = frames(st, &mut dec, me).await {
                        return end;
                    }
                }
                Err(e) => return End::Lost(format!("reading from the node: {e}")),
            },
            o = st.out.recv() => match o {
                Some(o) => st.pacer.push(o),
                None => return End::Closed,
            },
            () = tokio::time::sleep_until(wake) => {}
            _ = heartbeat.tick() => {
                let beat = ToRadio {
                    payload_variant: Some(to_radio::PayloadVariant::Heartbeat(Heartbeat { nonce: 0 })),
                };
                if let Err(e) = write(&mut stream, &beat).await {
                    return End::Lost(format!("writing to the node: {e}"));
                }
            }
        }
    }
}

/// Handles the decoder's whole frames; `Some` if the session ends.
async fn frames(st: &mut State, dec: &mut Decoder, me: u32) -> Option<End> {
    while let Some(f) = dec.next_frame() {
        let msg: FromRadio = match frame::decode_from_radio(&f) {
            Ok(m) => m,
            Err(_) => continue,
        };
        match msg.payload_variant {
            Some(from_radio::PayloadVariant::Packet(p)) if !heard(st, &p, me).await => {
                return Some(End::Closed);
            }
            Some(from_radio::PayloadVariant::Rebooted(_)) => {
                return Some(End::Lost("the node rebooted".into()));
            }
            _ => {}
        }
    }
    None
}

/// Handles one packet; `false` if our user is gone.
async fn heard(st: &mut State, p: &MeshPacket, me: u32) -> bool {
    let event = match filter::classify(p, me, &st.cfg.filter, unix_now()) {
        Heard::Text(t) => {
            if !st.dedupe.first(t.from, t.id) {
                LinkEvent::Ignored(Ignored::Duplicate)
            } else {
                LinkEvent::Text(t)
            }
        }
        Heard::Routing { request_id, error } => {
            match st.pacer.on_routing(request_id, error, st.start.elapsed()) {
                Some(d) => LinkEvent::Delivery(d),
                None => return true,
            }
        }
        Heard::Ignored(why) => LinkEvent::Ignored(why),
    };
    st.events.send(event).await.is_ok()
}

/// A text as the packet we write.
pub fn to_radio(t: &Transmit, hop_limit: u32) -> ToRadio {
    let (to, channel) = match t.dest {
        Dest::Node(n) => (n, 0),
        Dest::Channel(c) => (BROADCAST, c),
    };
    let packet = MeshPacket {
        to,
        channel,
        id: t.id,
        hop_limit,
        want_ack: t.want_ack,
        payload_variant: Some(mesh_packet::PayloadVariant::Decoded(Data {
            portnum: PortNum::TextMessageApp as i32,
            payload: t.text.as_bytes().to_vec(),
            ..Data::default()
        })),
        ..MeshPacket::default()
    };
    ToRadio {
        payload_variant: Some(to_radio::PayloadVariant::Packet(packet)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn endpoints_parse_and_bad_ones_say_what_to_type() {
        assert_eq!(
            "tcp://127.0.0.1:4403".parse(),
            Ok(Endpoint::Tcp("127.0.0.1:4403".into()))
        );
        assert_eq!(
            "tcp://meshnode".parse(),
            Ok(Endpoint::Tcp("meshnode:4403".into()))
        );
        assert_eq!(
            "serial:/dev/ttyUSB0".parse(),
            Ok(Endpoint::Serial("/dev/ttyUSB0".into()))
        );
        assert_eq!(
            "/dev/ttyACM0".parse(),
            Ok(Endpoint::Serial("/dev/ttyACM0".into()))
        );
        let e = "usb0".parse::<Endpoint>().unwrap_err().to_string();
        assert!(e.contains("tcp://HOST"), "{e}");
        assert!("tcp://".parse::<Endpoint>().is_err());
        assert_eq!(Endpoint::Tcp("h:1".into()).to_string(), "tcp://h:1");
    }
}
