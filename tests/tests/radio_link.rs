//! The radio link against the fake node: handshake, texts both ways,
//! pacing under the firmware's rate limit, ACKs, filters, reconnects.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use radio::filter::Ignored;
use radio::link::{self, Endpoint, Link, LinkConfig, LinkEvent};
use radio::pace::{Delivery, Dest, Outgoing, PaceConfig};
use radio::protobufs::mesh_packet::PayloadVariant;
use tests::fake_node::{BROADCAST, FakeNode};

const ME: u32 = 0xB0B0_0001;
const ARIA: u32 = 0xA1B2_C3D4;
const KEY: &[u8] = &[7; 32];

fn config() -> LinkConfig {
    LinkConfig {
        pace: PaceConfig {
            hourly_airtime: None,
            node_hourly_airtime: None,
            // Each text its own packet, to see the spacing.
            merge_up_to: 0,
            ..PaceConfig::default()
        },
        ..LinkConfig::default()
    }
}

async fn next(link: &mut Link) -> LinkEvent {
    tokio::time::timeout(Duration::from_secs(120), link.events.recv())
        .await
        .expect("an event in time")
        .expect("the link is running")
}

/// The next event that is not a delivery report.
async fn next_heard(link: &mut Link) -> LinkEvent {
    loop {
        match next(link).await {
            LinkEvent::Delivery(_) => {}
            e => return e,
        }
    }
}

async fn up(link: &mut Link) -> (u32, u32, Vec<(u32, Vec<u8>)>) {
    match next_heard(link).await {
        LinkEvent::Up {
            me,
            hop_limit,
            keys,
        } => (me, hop_limit, keys),
        other => panic!("expected Up, got {other:?}"),
    }
}

fn dm(node: u32, text: &str) -> Outgoing {
    Outgoing {
        dest: Dest::Node(node),
        text: text.into(),
    }
}

#[tokio::test(start_paused = true)]
async fn handshake_then_texts_both_ways_with_hop_limit_and_acks() {
    let node = FakeNode::new(ME).with_node(ARIA, KEY);
    let mut link = link::spawn(node.connector(), config());
    let (me, hop_limit, keys) = up(&mut link).await;
    assert_eq!((me, hop_limit), (ME, 3));
    assert_eq!(keys, vec![(ARIA, KEY.to_vec())]);

    assert!(node.say(ARIA, KEY, "a g1"));
    match next_heard(&mut link).await {
        LinkEvent::Text(t) => {
            assert_eq!(
                (t.from, t.text.as_str(), t.direct, t.pki),
                (ARIA, "a g1", true, true)
            );
            assert_eq!(t.public_key, KEY);
        }
        other => panic!("{other:?}"),
    }
    link.out.send(dm(ARIA, "Aria→g1 hit 17v15")).unwrap();
    assert_eq!(
        next(&mut link).await,
        LinkEvent::Delivery(Delivery::Delivered {
            dest: Dest::Node(ARIA)
        })
    );
    let sent = node.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].text, "Aria→g1 hit 17v15");
    assert_eq!(
        (sent[0].to, sent[0].hop_limit, sent[0].want_ack),
        (ARIA, 3, true)
    );
    assert_eq!(link.stats.borrow().delivered, 1);
}

#[tokio::test(start_paused = true)]
async fn a_burst_is_paced_and_never_trips_the_rate_limit() {
    let node = FakeNode::new(ME);
    let mut link = link::spawn(node.connector(), config());
    up(&mut link).await;
    for i in 0..6 {
        link.out.send(dm(ARIA, &format!("part {i}"))).unwrap();
    }
    link.out
        .send(Outgoing {
            dest: Dest::Channel(0),
            text: "all".into(),
        })
        .unwrap();
    assert!(
        node.wait_until(Duration::from_secs(60), |s| s.len() >= 7)
            .await
    );
    let sent = node.sent();
    assert!(sent.iter().all(|s| s.refused.is_none()), "{sent:?}");
    for w in sent.windows(2) {
        assert!(w[1].at - w[0].at >= Duration::from_millis(2_200));
    }
    // DMs first, the broadcast last.
    assert_eq!(sent[6].to, BROADCAST);
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_nak_is_sent_again_later() {
    let node = FakeNode::new(ME);
    let mut cfg = config();
    // Pacing below the firmware's 2 s: the node refuses, the queue recovers.
    cfg.pace.min_gap = Duration::from_millis(500);
    let mut link = link::spawn(node.connector(), cfg);
    up(&mut link).await;
    for i in 0..3 {
        link.out.send(dm(ARIA, &format!("t{i}"))).unwrap();
    }
    assert!(
        node.wait_until(Duration::from_secs(60), |s| s
            .iter()
            .filter(|s| s.refused.is_none())
            .count()
            == 3)
            .await
    );
    let sent = node.sent();
    assert!(
        sent.iter().any(|s| s.refused.is_some()),
        "some were refused"
    );
    assert_eq!(node.texts_to(ARIA), vec!["t0", "t1", "t2"]);
    assert!(link.stats.borrow().naks >= 1);
}

#[tokio::test(start_paused = true)]
async fn an_unacked_dm_is_sent_again_after_4_then_8_seconds() {
    let node = FakeNode::new(ME);
    node.set_acks(false);
    let mut link = link::spawn(node.connector(), config());
    up(&mut link).await;
    link.out.send(dm(ARIA, "hello?")).unwrap();
    assert!(
        node.wait_until(Duration::from_secs(30), |s| s.len() >= 3)
            .await
    );
    let sent = node.sent();
    let gaps: Vec<u64> = sent
        .windows(2)
        .map(|w| (w[1].at - w[0].at).as_secs())
        .collect();
    assert_eq!(&gaps[..2], &[4, 8]);
    // Retries are new packets (new ids) with the same text.
    assert_ne!(sent[0].id, sent[1].id);
    assert!(sent.iter().all(|s| s.text == "hello?"));
}

#[tokio::test(start_paused = true)]
async fn duplicates_tapbacks_echoes_and_stale_replays_are_dropped() {
    let node = FakeNode::new(ME);
    let mut link = link::spawn(node.connector(), config());
    up(&mut link).await;
    let p = node.text(ARIA, "e", true, KEY);
    node.deliver(p.clone());
    node.deliver(p);
    assert!(matches!(next_heard(&mut link).await, LinkEvent::Text(t) if t.text == "e"));
    assert_eq!(
        next_heard(&mut link).await,
        LinkEvent::Ignored(Ignored::Duplicate)
    );
    let mut tap = node.text(ARIA, "👍", true, KEY);
    if let Some(PayloadVariant::Decoded(d)) = &mut tap.payload_variant {
        d.emoji = 1;
        d.reply_id = 5;
    }
    node.deliver(tap);
    assert_eq!(
        next_heard(&mut link).await,
        LinkEvent::Ignored(Ignored::Tapback)
    );
    node.deliver(node.text(ME, "echo", false, b""));
    assert_eq!(
        next_heard(&mut link).await,
        LinkEvent::Ignored(Ignored::OwnEcho)
    );
    let mut old = node.text(ARIA, "a g1", true, KEY);
    old.rx_time -= 3_600;
    node.deliver(old);
    assert_eq!(
        next_heard(&mut link).await,
        LinkEvent::Ignored(Ignored::Stale)
    );
}

#[tokio::test(start_paused = true)]
async fn the_link_comes_back_after_eof_and_after_a_reboot() {
    let node = FakeNode::new(ME);
    let mut link = link::spawn(node.connector(), config());
    up(&mut link).await;
    node.hang_up();
    assert!(matches!(next_heard(&mut link).await, LinkEvent::Down { why } if why.contains("EOF")));
    up(&mut link).await;
    assert!(node.reboot());
    assert!(
        matches!(next_heard(&mut link).await, LinkEvent::Down { why } if why.contains("rebooted"))
    );
    up(&mut link).await;
    assert_eq!(node.handshakes(), 3);
    // Texts still flow after the new handshake, and a queued text survives.
    assert!(node.say(ARIA, KEY, "s"));
    assert!(matches!(next_heard(&mut link).await, LinkEvent::Text(t) if t.text == "s"));
    link.out.send(dm(ARIA, "ok")).unwrap();
    assert!(
        node.wait_until(Duration::from_secs(10), |s| !s.is_empty())
            .await
    );
}

#[tokio::test]
async fn over_tcp_and_a_second_client_kicks_the_first() {
    let node = FakeNode::new(ME);
    let addr = node.listen_tcp().await.unwrap();
    let endpoint: Endpoint = format!("tcp://{addr}").parse().unwrap();
    let mut cfg = config();
    cfg.backoff_min = Duration::from_millis(50);
    let mut link = link::spawn(endpoint.connector(), cfg);
    up(&mut link).await;
    assert!(node.say(ARIA, KEY, "status"));
    assert!(matches!(next_heard(&mut link).await, LinkEvent::Text(t) if t.text == "status"));
    // Another app connects to the node's single TCP slot.
    let _other = tokio::net::TcpStream::connect(addr).await.unwrap();
    assert!(matches!(
        next_heard(&mut link).await,
        LinkEvent::Down { .. }
    ));
    up(&mut link).await;
    link.out.send(dm(ARIA, "back")).unwrap();
    assert!(
        node.wait_until(Duration::from_secs(10), |s| s
            .iter()
            .any(|s| s.text == "back"))
            .await
    );
}

#[tokio::test(start_paused = true)]
async fn an_oversized_text_is_refused_by_the_node_and_given_up() {
    let node = FakeNode::new(ME);
    let mut link = link::spawn(node.connector(), config());
    up(&mut link).await;
    // The renderer never makes one; the node's own limit is the backstop.
    link.out.send(dm(ARIA, &"x".repeat(240))).unwrap();
    assert_eq!(
        next(&mut link).await,
        LinkEvent::Delivery(Delivery::Failed {
            dest: Dest::Node(ARIA),
            why: "the node says the text is too large"
        })
    );
    assert_eq!(node.sent().len(), 1, "not sent again");
    assert_eq!(link.stats.borrow().failed, 1);
}
