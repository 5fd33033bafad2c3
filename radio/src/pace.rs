//! The outbound queue of one node link, pure: time comes in as a value
//! (time since the link started), so tests need no clock.
//!
//! - at least [`PaceConfig::min_gap`] between two texts (firmware ≥ 2.7
//!   drops a text sent < 2 s after the previous one);
//! - DMs before channel broadcasts;
//! - a rolling-hour airtime budget (EU 868: 10 % duty cycle ≈ 360 s), and
//!   one per player node;
//! - DMs ask for an ACK and are sent again after 4, 8 and 16 s without one;
//! - NAKs: `RATE_LIMIT_EXCEEDED` and `DUTY_CYCLE_LIMIT` put the text back at
//!   the front and wait, `TOO_LARGE` and `PKI_SEND_FAIL_PUBLIC_KEY` give up
//!   (saying why), the rest count as a lost attempt.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::airtime;

/// `Routing.Error` values the queue acts on.
pub mod reason {
    /// Delivered.
    pub const NONE: i32 = 0;
    /// The payload was too big.
    pub const TOO_LARGE: i32 = 7;
    /// The region's duty cycle is used up.
    pub const DUTY_CYCLE_LIMIT: i32 = 9;
    /// Sent too soon after the previous text.
    pub const RATE_LIMIT_EXCEEDED: i32 = 38;
    /// The node has no public key for the destination.
    pub const PKI_SEND_FAIL_PUBLIC_KEY: i32 = 39;
}

/// Where a text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dest {
    /// A DM to a node.
    Node(u32),
    /// A broadcast on a channel index.
    Channel(u32),
}

/// A text waiting to go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Where.
    pub dest: Dest,
    /// What (at most 200 bytes: see [`crate::render`]).
    pub text: String,
}

/// A text to write to the node now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The packet id to use.
    pub id: u32,
    /// Where.
    pub dest: Dest,
    /// What.
    pub text: String,
    /// Ask for an ACK (DMs).
    pub want_ack: bool,
    /// 0 the first time, then 1, 2, 3 for retries.
    pub attempt: u8,
}

/// What became of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The destination acknowledged it.
    Delivered {
        /// Where it went.
        dest: Dest,
    },
    /// Given up, with a short reason for the log.
    Failed {
        /// Where it was going.
        dest: Dest,
        /// Why.
        why: &'static str,
    },
    /// It will be sent again.
    Again,
}

/// The queue's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaceConfig {
    /// The least time between two texts.
    pub min_gap: Duration,
    /// Airtime allowed in any rolling hour (`None`: no limit).
    pub hourly_airtime: Option<Duration>,
    /// Airtime allowed to one player node in any rolling hour.
    pub node_hourly_airtime: Option<Duration>,
    /// How long to wait for an ACK after each attempt; retries = its length.
    pub ack_waits: Vec<Duration>,
    /// How long to hold everything after `DUTY_CYCLE_LIMIT`.
    pub duty_pause: Duration,
    /// A text queued behind another to the same place is sent in the same
    /// packet (joined by ` | `) if together they fit this many bytes
    /// (0: never). Each packet costs ≈ 0.4 s of airtime before its first byte.
    pub merge_up_to: usize,
}

impl Default for PaceConfig {
    fn default() -> Self {
        Self {
            min_gap: Duration::from_millis(2_200),
            hourly_airtime: Some(Duration::from_secs(360)),
            node_hourly_airtime: Some(Duration::from_secs(120)),
            ack_waits: vec![
                Duration::from_secs(4),
                Duration::from_secs(8),
                Duration::from_secs(16),
            ],
            duty_pause: Duration::from_secs(60),
            merge_up_to: crate::render::MAX_PACKET,
        }
    }
}

/// Figures for metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// DMs waiting.
    pub queued_dms: usize,
    /// Broadcasts waiting.
    pub queued_broadcasts: usize,
    /// Sent and waiting for an ACK.
    pub in_flight: usize,
    /// Texts written to the node, retries included.
    pub sent: u64,
    /// Of which retries.
    pub retries: u64,
    /// DMs acknowledged.
    pub delivered: u64,
    /// Texts given up.
    pub failed: u64,
    /// NAKs received.
    pub naks: u64,
    /// Texts that rode in the packet of the text before them.
    pub merged: u64,
    /// Bytes of text sent.
    pub bytes: u64,
    /// Estimated LongFast airtime in the last hour.
    pub airtime_last_hour: Duration,
    /// Estimated LongFast airtime since the start.
    pub airtime_total: Duration,
}

const HOUR: Duration = Duration::from_secs(3_600);

/// What joins two texts sent in one packet.
pub const MERGE_GLUE: &str = " | ";

/// Whether a text is a numbered part of a split reply (`2/3 …`).
fn numbered(text: &str) -> bool {
    text.split_once(' ')
        .and_then(|(head, _)| head.split_once('/'))
        .is_some_and(|(k, n)| {
            !k.is_empty()
                && !n.is_empty()
                && k.bytes().all(|b| b.is_ascii_digit())
                && n.bytes().all(|b| b.is_ascii_digit())
        })
}

#[derive(Debug, Clone)]
struct Pending {
    out: Outgoing,
    attempt: u8,
    /// When to give up waiting for an ACK (`None`: a broadcast, kept only
    /// to match a NAK).
    deadline: Option<Duration>,
    sent_at: Duration,
}

/// The outbound queue.
#[derive(Debug, Clone)]
pub struct Pacer {
    cfg: PaceConfig,
    dms: VecDeque<(Outgoing, u8)>,
    broadcasts: VecDeque<(Outgoing, u8)>,
    last_sent: Option<Duration>,
    hold_until: Duration,
    /// (when, airtime, node) of each text in the last hour.
    log: VecDeque<(Duration, Duration, Option<u32>)>,
    pending: HashMap<u32, Pending>,
    next_id: u32,
    stats: Stats,
}

impl Pacer {
    /// An empty queue; packet ids count up from `first_id`.
    pub fn new(cfg: PaceConfig, first_id: u32) -> Self {
        Self {
            cfg,
            dms: VecDeque::new(),
            broadcasts: VecDeque::new(),
            last_sent: None,
            hold_until: Duration::ZERO,
            log: VecDeque::new(),
            pending: HashMap::new(),
            next_id: first_id.max(1),
            stats: Stats::default(),
        }
    }

    /// Queues a text (in the same packet as the one before it, if both
    /// go to the same place, neither is a numbered part, and they fit).
    pub fn push(&mut self, out: Outgoing) {
        let queue = match out.dest {
            Dest::Node(_) => &mut self.dms,
            Dest::Channel(_) => &mut self.broadcasts,
        };
        if let Some((last, 0)) = queue.back_mut()
            && last.dest == out.dest
            && last.text.len() + MERGE_GLUE.len() + out.text.len() <= self.cfg.merge_up_to
            && !numbered(&last.text)
            && !numbered(&out.text)
        {
            last.text.push_str(MERGE_GLUE);
            last.text.push_str(&out.text);
            self.stats.merged += 1;
            return;
        }
        match out.dest {
            Dest::Node(_) => self.dms.push_back((out, 0)),
            Dest::Channel(_) => self.broadcasts.push_back((out, 0)),
        }
    }

    /// Texts waiting, not counting those in flight.
    pub fn queued(&self) -> usize {
        self.dms.len() + self.broadcasts.len()
    }

    /// Whether nothing is queued or waiting for an ACK.
    pub fn idle(&self) -> bool {
        self.queued() == 0 && self.pending.values().all(|p| p.deadline.is_none())
    }

    /// Moves texts whose ACK is overdue back to the queue (or gives up on
    /// them); returns what was given up.
    pub fn expire(&mut self, now: Duration) -> Vec<Delivery> {
        let mut out = Vec::new();
        let overdue: Vec<u32> = self
            .pending
            .iter()
            .filter(|(_, p)| match p.deadline {
                Some(d) => d <= now,
                None => now.saturating_sub(p.sent_at) > Duration::from_secs(60),
            })
            .map(|(&id, _)| id)
            .collect();
        for id in overdue {
            if let Some(p) = self.pending.remove(&id)
                && p.deadline.is_some()
            {
                out.push(self.lost(p));
            }
        }
        out
    }

    /// An attempt that got no ACK: again, or given up.
    fn lost(&mut self, p: Pending) -> Delivery {
        if usize::from(p.attempt) < self.cfg.ack_waits.len() {
            self.front(p.out, p.attempt + 1);
            Delivery::Again
        } else {
            self.stats.failed += 1;
            Delivery::Failed {
                dest: p.out.dest,
                why: "no ACK after every retry",
            }
        }
    }

    fn front(&mut self, out: Outgoing, attempt: u8) {
        match out.dest {
            Dest::Node(_) => self.dms.push_front((out, attempt)),
            Dest::Channel(_) => self.broadcasts.push_front((out, attempt)),
        }
    }

    /// Airtime in the hour before `now` (to `node`, if given).
    fn airtime_in_hour(&self, now: Duration, node: Option<u32>) -> Duration {
        self.log
            .iter()
            .filter(|(at, _, n)| *at + HOUR > now && (node.is_none() || *n == node))
            .map(|(_, a, _)| *a)
            .sum()
    }

    /// When `airtime` more fits the budgets (`now` if it does).
    fn budget_free_at(&self, now: Duration, airtime: Duration, node: Option<u32>) -> Duration {
        let mut at = now;
        let checks = [
            (self.cfg.hourly_airtime, None),
            (
                self.cfg.node_hourly_airtime.filter(|_| node.is_some()),
                node,
            ),
        ];
        for (budget, who) in checks {
            let Some(budget) = budget else { continue };
            let mut used = self.airtime_in_hour(now, who);
            if used + airtime <= budget {
                continue;
            }
            // Wait for the oldest entries to leave the window.
            for (when, a, n) in &self.log {
                if *when + HOUR <= now || (who.is_some() && *n != who) {
                    continue;
                }
                used = used.saturating_sub(*a);
                if used + airtime <= budget {
                    at = at.max(*when + HOUR);
                    break;
                }
            }
        }
        at
    }

    /// The earliest a text may go out, ignoring budgets.
    fn gap_free_at(&self) -> Duration {
        let after_last = self
            .last_sent
            .map_or(Duration::ZERO, |l| l + self.cfg.min_gap);
        after_last.max(self.hold_until)
    }

    /// The text [`poll`](Self::poll) gave was written out at `now`: the
    /// gap to the next runs from here, so a slow write never shortens it.
    pub fn written(&mut self, now: Duration) {
        self.last_sent = self.last_sent.map(|l| l.max(now));
    }

    /// The next text to send at `now`, if one may go.
    pub fn poll(&mut self, now: Duration) -> Option<Transmit> {
        if self.gap_free_at() > now {
            return None;
        }
        while self.log.front().is_some_and(|(at, _, _)| *at + HOUR <= now) {
            self.log.pop_front();
        }
        // DMs first, skipping nodes over their budget; then broadcasts.
        let pick = |q: &VecDeque<(Outgoing, u8)>, this: &Self| {
            q.iter().position(|(o, _)| {
                let node = match o.dest {
                    Dest::Node(n) => Some(n),
                    Dest::Channel(_) => None,
                };
                this.budget_free_at(now, airtime::long_fast(o.text.len()), node) <= now
            })
        };
        let (out, attempt) = if let Some(i) = pick(&self.dms, self) {
            self.dms.remove(i)?
        } else if let Some(i) = pick(&self.broadcasts, self) {
            self.broadcasts.remove(i)?
        } else {
            return None;
        };
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        let want_ack = matches!(out.dest, Dest::Node(_));
        let air = airtime::long_fast(out.text.len());
        let node = match out.dest {
            Dest::Node(n) => Some(n),
            Dest::Channel(_) => None,
        };
        self.log.push_back((now, air, node));
        self.last_sent = Some(now);
        self.stats.sent += 1;
        self.stats.bytes += out.text.len() as u64;
        self.stats.airtime_total += air;
        if attempt > 0 {
            self.stats.retries += 1;
        }
        let wait = self
            .cfg
            .ack_waits
            .get(usize::from(attempt))
            .or(self.cfg.ack_waits.last())
            .copied()
            .unwrap_or(Duration::from_secs(16));
        self.pending.insert(
            id,
            Pending {
                out: out.clone(),
                attempt,
                deadline: want_ack.then_some(now + wait),
                sent_at: now,
            },
        );
        Some(Transmit {
            id,
            dest: out.dest,
            text: out.text,
            want_ack,
            attempt,
        })
    }

    /// When [`Pacer::poll`] or [`Pacer::expire`] may next have work
    /// (`None`: nothing to do until something is pushed or heard).
    pub fn next_wake(&self, now: Duration) -> Option<Duration> {
        let deadlines = self.pending.values().filter_map(|p| p.deadline).min();
        let send = if self.queued() == 0 {
            None
        } else {
            let mut earliest: Option<Duration> = None;
            for (o, _) in self.dms.iter().chain(&self.broadcasts) {
                let node = match o.dest {
                    Dest::Node(n) => Some(n),
                    Dest::Channel(_) => None,
                };
                let at = self.budget_free_at(now, airtime::long_fast(o.text.len()), node);
                earliest = Some(earliest.map_or(at, |e| e.min(at)));
            }
            earliest.map(|e| e.max(self.gap_free_at()))
        };
        match (deadlines, send) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// An ACK or NAK (`error`, a `Routing.Error`) for packet `id`.
    pub fn on_routing(&mut self, id: u32, error: i32, now: Duration) -> Option<Delivery> {
        let p = self.pending.remove(&id)?;
        if error == reason::NONE {
            // A broadcast heard again: nothing to track.
            p.deadline?;
            self.stats.delivered += 1;
            return Some(Delivery::Delivered { dest: p.out.dest });
        }
        self.stats.naks += 1;
        Some(match error {
            reason::RATE_LIMIT_EXCEEDED => {
                self.hold_until = self.hold_until.max(now + self.cfg.min_gap);
                self.front(p.out, p.attempt);
                Delivery::Again
            }
            reason::DUTY_CYCLE_LIMIT => {
                self.hold_until = self.hold_until.max(now + self.cfg.duty_pause);
                self.front(p.out, p.attempt);
                Delivery::Again
            }
            reason::TOO_LARGE => {
                self.stats.failed += 1;
                Delivery::Failed {
                    dest: p.out.dest,
                    why: "the node says the text is too large",
                }
            }
            reason::PKI_SEND_FAIL_PUBLIC_KEY => {
                self.stats.failed += 1;
                Delivery::Failed {
                    dest: p.out.dest,
                    why: "the node has no public key for this player yet",
                }
            }
            _ if p.deadline.is_some() => self.lost(p),
            _ => {
                self.stats.failed += 1;
                Delivery::Failed {
                    dest: p.out.dest,
                    why: "broadcast refused by the node",
                }
            }
        })
    }

    /// Figures for metrics at `now`.
    pub fn stats(&self, now: Duration) -> Stats {
        Stats {
            queued_dms: self.dms.len(),
            queued_broadcasts: self.broadcasts.len(),
            in_flight: self
                .pending
                .values()
                .filter(|p| p.deadline.is_some())
                .count(),
            airtime_last_hour: self.airtime_in_hour(now, None),
            ..self.stats
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn s(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn dm(node: u32, text: &str) -> Outgoing {
        Outgoing {
            dest: Dest::Node(node),
            text: text.into(),
        }
    }

    fn bc(text: &str) -> Outgoing {
        Outgoing {
            dest: Dest::Channel(0),
            text: text.into(),
        }
    }

    #[test]
    fn the_gap_runs_from_when_a_text_was_written() {
        let mut p = Pacer::new(PaceConfig::default(), 1);
        // Broadcasts on three channels: nothing merged, no ACKs awaited.
        for channel in 0..3 {
            p.push(Outgoing {
                dest: Dest::Channel(channel),
                text: "news".into(),
            });
        }
        assert!(p.poll(s(0)).is_some());
        // The write took 30 ms: the next text waits 2.2 s from there.
        p.written(s(30));
        assert_eq!(p.poll(s(2_200)), None);
        assert_eq!(p.next_wake(s(2_200)), Some(s(2_230)));
        assert!(p.poll(s(2_230)).is_some());
        // A time from before the send changes nothing.
        p.written(s(1_000));
        assert_eq!(p.next_wake(s(3_000)), Some(s(4_430)));
    }

    #[test]
    fn texts_are_spaced_and_dms_go_first() {
        let mut p = Pacer::new(PaceConfig::default(), 1);
        p.push(bc("all"));
        p.push(dm(5, "you"));
        let a = p.poll(s(0)).unwrap();
        assert_eq!((a.text.as_str(), a.want_ack), ("you", true));
        assert_eq!(p.poll(s(2_199)), None);
        assert_eq!(p.next_wake(s(1_000)), Some(s(2_200)));
        let b = p.poll(s(2_200)).unwrap();
        assert_eq!((b.text.as_str(), b.want_ack), ("all", false));
        assert_eq!(p.stats(s(3_000)).sent, 2);
    }

    #[test]
    fn an_unacked_dm_is_retried_after_4_8_16_then_given_up() {
        let mut p = Pacer::new(PaceConfig::default(), 1);
        p.push(dm(5, "hi"));
        let mut now = s(0);
        let mut attempts = Vec::new();
        loop {
            for d in p.expire(now) {
                if let Delivery::Failed { why, .. } = d {
                    assert_eq!(why, "no ACK after every retry");
                    assert_eq!(attempts, vec![0, 4_000, 12_000, 28_000]);
                    assert_eq!(p.stats(now).retries, 3);
                    return;
                }
            }
            if let Some(t) = p.poll(now) {
                attempts.push(now.as_millis() as u64);
                assert_eq!(usize::from(t.attempt) + 1, attempts.len());
            }
            now = p.next_wake(now).unwrap();
        }
    }

    #[test]
    fn an_ack_ends_it_and_naks_are_handled() {
        let mut p = Pacer::new(PaceConfig::default(), 1);
        p.push(dm(5, "a"));
        let t = p.poll(s(0)).unwrap();
        assert_eq!(
            p.on_routing(t.id, reason::NONE, s(500)),
            Some(Delivery::Delivered {
                dest: Dest::Node(5)
            })
        );
        assert!(p.idle());
        // Rate limited: back at the front, held a gap after the NAK.
        p.push(dm(5, "b"));
        p.push(dm(6, "c"));
        let t = p.poll(s(3_000)).unwrap();
        assert_eq!(t.text, "b");
        assert_eq!(
            p.on_routing(t.id, reason::RATE_LIMIT_EXCEEDED, s(3_100)),
            Some(Delivery::Again)
        );
        assert_eq!(p.poll(s(5_250)), None);
        assert_eq!(p.poll(s(5_300)).unwrap().text, "b");
        // Too large: dropped with a reason.
        let t = p.poll(s(8_000)).unwrap();
        assert!(matches!(
            p.on_routing(t.id, reason::TOO_LARGE, s(8_100)),
            Some(Delivery::Failed { .. })
        ));
        // Duty cycle: everything waits a minute.
        p.push(dm(5, "d"));
        let t = p.poll(s(11_000)).unwrap();
        p.on_routing(t.id, reason::DUTY_CYCLE_LIMIT, s(11_100));
        assert_eq!(p.poll(s(60_000)), None);
        assert!(p.poll(s(71_100)).is_some());
    }

    #[test]
    fn texts_to_the_same_place_share_a_packet_when_they_fit() {
        let mut p = Pacer::new(PaceConfig::default(), 1);
        p.push(dm(5, "R1: g4's turn."));
        p.push(dm(5, "g4→Aria miss 10v17. Aria's turn"));
        p.push(dm(6, "other"));
        p.push(dm(5, "1/2 part"));
        assert_eq!(
            p.poll(s(0)).unwrap().text,
            "R1: g4's turn. | g4→Aria miss 10v17. Aria's turn"
        );
        assert_eq!(p.poll(s(2_200)).unwrap().text, "other");
        assert_eq!(p.poll(s(4_400)).unwrap().text, "1/2 part");
        assert_eq!(p.stats(s(5_000)).merged, 1);
        let mut big = Pacer::new(PaceConfig::default(), 1);
        big.push(dm(5, &"x".repeat(150)));
        big.push(dm(5, &"y".repeat(50)));
        assert_eq!(big.queued(), 2, "together they would pass 200 bytes");
    }

    #[test]
    fn the_hourly_budget_holds_texts_back() {
        let cfg = PaceConfig {
            hourly_airtime: Some(s(5_000)),
            node_hourly_airtime: None,
            ..PaceConfig::default()
        };
        let mut p = Pacer::new(cfg, 1);
        let long = "x".repeat(200); // ≈ 1.9 s each
        for _ in 0..3 {
            p.push(bc(&long));
        }
        assert!(p.poll(s(0)).is_some());
        assert!(p.poll(s(3_000)).is_some());
        assert_eq!(p.poll(s(6_000)), None, "a third would pass 5 s");
        assert_eq!(p.next_wake(s(6_000)), Some(s(3_600_000)));
        assert!(p.poll(s(3_600_000)).is_some());
    }
}
