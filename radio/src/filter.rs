//! Which packets heard from the node are commands: text DMs to us and text
//! on the table's channel. Everything else is named and dropped: tapbacks,
//! other ports, our own echoes, undecodable payloads, MQTT-bridged packets
//! (if so configured), repeats of a `(from, id)` and stale replays.

use std::collections::{HashSet, VecDeque};

use meshtastic::Message as _;
use meshtastic::protobufs::mesh_packet::PayloadVariant;
use meshtastic::protobufs::{MeshPacket, PortNum, Routing, routing};

/// The broadcast address.
pub const BROADCAST: u32 = 0xFFFF_FFFF;

/// The text form of a node number, `!a1b2c3d4`.
pub fn node_id(num: u32) -> String {
    format!("!{num:08x}")
}

/// A node number from its text form: `!a1b2c3d4`, `a1b2c3d4` or decimal.
pub fn parse_node_id(s: &str) -> Result<u32, String> {
    let t = s.trim();
    let parsed = match t.strip_prefix('!') {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None if t.len() == 8 && t.chars().all(|c| c.is_ascii_hexdigit()) => {
            u32::from_str_radix(t, 16).ok()
        }
        None => t.parse().ok(),
    };
    parsed.ok_or_else(|| {
        format!(
            "`{}` is not a node id: use the form !a1b2c3d4 (the node's id in the Meshtastic app)",
            t.chars().take(40).collect::<String>()
        )
    })
}

/// What the filter lets through and how it judges age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterConfig {
    /// The channel index of the table's channel (0: primary).
    pub channel: u32,
    /// Drop packets that came through an MQTT bridge.
    pub ignore_mqtt: bool,
    /// Packets received more than this many seconds before now are stale
    /// (replayed after a reconnect). A packet without `rx_time` is fresh.
    pub max_age_secs: u32,
}

impl Default for FilterConfig {
    fn default() -> Self {
        Self {
            channel: 0,
            ignore_mqtt: true,
            max_age_secs: 120,
        }
    }
}

/// A text that may be a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The sending node.
    pub from: u32,
    /// The packet id.
    pub id: u32,
    /// The text.
    pub text: String,
    /// A direct message to us (else: the table's channel).
    pub direct: bool,
    /// The channel index it came on.
    pub channel: u32,
    /// Encrypted with the sender's key (a PKI DM).
    pub pki: bool,
    /// The sender's public key, as the node reports it (empty: none).
    pub public_key: Vec<u8>,
}

/// Why a packet was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ignored {
    /// Sent by our own node.
    OwnEcho,
    /// A tapback (an emoji reaction).
    Tapback,
    /// Not a text or routing packet.
    OtherPort,
    /// Still encrypted, or not valid UTF-8 / protobuf.
    Undecodable,
    /// Came through MQTT.
    ViaMqtt,
    /// A DM to another node, or another channel.
    NotOurs,
    /// The same `(from, id)` was heard before.
    Duplicate,
    /// Received too long ago.
    Stale,
}

/// What a packet means to us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// A text that may be a command.
    Text(Text),
    /// An ACK (`error == 0`) or NAK for a packet we sent.
    Routing {
        /// The id of our packet.
        request_id: u32,
        /// `Routing.error_reason` (0: delivered).
        error: i32,
    },
    /// Dropped, and why.
    Ignored(Ignored),
}

/// Judges one packet. `me` is our node number, `now` seconds since the epoch.
pub fn classify(packet: &MeshPacket, me: u32, cfg: &FilterConfig, now: u32) -> Heard {
    let Some(PayloadVariant::Decoded(data)) = &packet.payload_variant else {
        return Heard::Ignored(Ignored::Undecodable);
    };
    if data.portnum == PortNum::RoutingApp as i32 {
        if packet.to != me {
            return Heard::Ignored(Ignored::NotOurs);
        }
        let Ok(routing) = Routing::decode(data.payload.as_slice()) else {
            return Heard::Ignored(Ignored::Undecodable);
        };
        let error = match routing.variant {
            Some(routing::Variant::ErrorReason(e)) => e,
            _ => 0,
        };
        return Heard::Routing {
            request_id: data.request_id,
            error,
        };
    }
    if packet.from == me {
        return Heard::Ignored(Ignored::OwnEcho);
    }
    if data.portnum != PortNum::TextMessageApp as i32 {
        return Heard::Ignored(Ignored::OtherPort);
    }
    if data.emoji != 0 {
        return Heard::Ignored(Ignored::Tapback);
    }
    if cfg.ignore_mqtt && packet.via_mqtt {
        return Heard::Ignored(Ignored::ViaMqtt);
    }
    let direct = packet.to == me;
    if !direct && (packet.to != BROADCAST || packet.channel != cfg.channel) {
        return Heard::Ignored(Ignored::NotOurs);
    }
    if packet.rx_time != 0 && now.saturating_sub(packet.rx_time) > cfg.max_age_secs {
        return Heard::Ignored(Ignored::Stale);
    }
    let Ok(text) = String::from_utf8(data.payload.clone()) else {
        return Heard::Ignored(Ignored::Undecodable);
    };
    Heard::Text(Text {
        from: packet.from,
        id: packet.id,
        text,
        direct,
        channel: packet.channel,
        pki: packet.pki_encrypted,
        public_key: packet.public_key.clone(),
    })
}

/// Remembers the last `(from, id)` pairs heard, to drop repeats.
#[derive(Debug, Clone)]
pub struct Dedupe {
    seen: HashSet<(u32, u32)>,
    order: VecDeque<(u32, u32)>,
    capacity: usize,
}

impl Dedupe {
    /// Remembers up to `capacity` pairs.
    pub fn new(capacity: usize) -> Self {
        Self {
            seen: HashSet::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// `true` the first time `(from, id)` is seen.
    pub fn first(&mut self, from: u32, id: u32) -> bool {
        if !self.seen.insert((from, id)) {
            return false;
        }
        self.order.push_back((from, id));
        if self.order.len() > self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.seen.remove(&old);
        }
        true
    }
}

impl Default for Dedupe {
    fn default() -> Self {
        Self::new(4096)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use meshtastic::protobufs::Data;

    const ME: u32 = 0x1000;

    fn text(from: u32, to: u32, body: &str) -> MeshPacket {
        MeshPacket {
            from,
            to,
            id: 7,
            payload_variant: Some(PayloadVariant::Decoded(Data {
                portnum: PortNum::TextMessageApp as i32,
                payload: body.as_bytes().to_vec(),
                ..Data::default()
            })),
            ..MeshPacket::default()
        }
    }

    fn judge(p: &MeshPacket) -> Heard {
        classify(p, ME, &FilterConfig::default(), 1_000_000)
    }

    #[test]
    fn dms_and_the_table_channel_are_heard() {
        assert!(matches!(judge(&text(5, ME, "s")), Heard::Text(t) if t.direct && t.text == "s"));
        assert!(matches!(judge(&text(5, BROADCAST, "s")), Heard::Text(t) if !t.direct));
    }

    #[test]
    fn everything_else_is_named_and_dropped() {
        let mut tapback = text(5, ME, "👍");
        if let Some(PayloadVariant::Decoded(d)) = &mut tapback.payload_variant {
            d.emoji = 1;
        }
        assert_eq!(judge(&tapback), Heard::Ignored(Ignored::Tapback));
        assert_eq!(judge(&text(ME, ME, "s")), Heard::Ignored(Ignored::OwnEcho));
        assert_eq!(judge(&text(5, 9, "s")), Heard::Ignored(Ignored::NotOurs));
        let mut other = text(5, BROADCAST, "s");
        other.channel = 2;
        assert_eq!(judge(&other), Heard::Ignored(Ignored::NotOurs));
        let mut mqtt = text(5, ME, "s");
        mqtt.via_mqtt = true;
        assert_eq!(judge(&mqtt), Heard::Ignored(Ignored::ViaMqtt));
        let mut old = text(5, ME, "s");
        old.rx_time = 1_000_000 - 3_600;
        assert_eq!(judge(&old), Heard::Ignored(Ignored::Stale));
        let mut enc = text(5, ME, "s");
        enc.payload_variant = Some(PayloadVariant::Encrypted(vec![1, 2, 3]));
        assert_eq!(judge(&enc), Heard::Ignored(Ignored::Undecodable));
        let mut bad = text(5, ME, "");
        if let Some(PayloadVariant::Decoded(d)) = &mut bad.payload_variant {
            d.payload = vec![0xFF, 0xFE];
        }
        assert_eq!(judge(&bad), Heard::Ignored(Ignored::Undecodable));
    }

    #[test]
    fn node_ids_parse() {
        assert_eq!(parse_node_id("!a1b2c3d4"), Ok(0xa1b2_c3d4));
        assert_eq!(parse_node_id("a1b2c3d4"), Ok(0xa1b2_c3d4));
        assert_eq!(parse_node_id("42"), Ok(42));
        assert!(parse_node_id("!xyz").unwrap_err().contains("!a1b2c3d4"));
        assert_eq!(node_id(0xa1b2_c3d4), "!a1b2c3d4");
    }

    #[test]
    fn a_repeat_is_seen_once() {
        let mut d = Dedupe::new(2);
        assert!(d.first(1, 1));
        assert!(!d.first(1, 1));
        assert!(d.first(1, 2));
        assert!(d.first(2, 1));
        assert!(d.first(1, 1), "forgotten after capacity");
    }
}
