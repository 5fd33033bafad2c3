//! The radio transport end to end: the adapter and the real link against
//! the fake Meshtastic node, with a real router and store. The clock is the
//! real one, so the node's 2 s rate limit and the queue's 2.2 s gap are
//! scaled down (10 ms and 40 ms, a wide margin for a loaded machine); the
//! pacing itself is tested on tokio's paused clock in
//! `tests/tests/radio_link.rs`.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bot::core::router::{Config, Router, system_clock};
use bot::core::turns::MonsterTurns;
use bot::transport::radio::{Settings, run, sender};
use common::db::{Db, on_both_backends, unique};
use dm::PlayerId;
use radio::identity::{self, TrustConfig};
use radio::link::{self, LinkConfig};
use radio::pace::PaceConfig;
use radio::protobufs::mesh_packet::PayloadVariant;
use tests::fake_node::{BROADCAST, FakeNode};

const ME: u32 = 0xB0B0_0001;
const KEY_A: &[u8] = &[0xA; 32];
const KEY_B: &[u8] = &[0xB; 32];
const WAIT: Duration = Duration::from_secs(20);

/// Two node numbers no other check uses (bindings are per node, and the
/// Postgres under test is shared).
fn nodes() -> (u32, u32) {
    let id = unique("n");
    let h = id.bytes().fold(0x811C_9DC5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    (h & 0x7FFF_FFFE | 0x1000, h & 0x7FFF_FFFE | 0x1001)
}

struct Game {
    aria: u32,
    brom: u32,
    router: Arc<Router>,
    node: FakeNode,
    table: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

fn link_config() -> LinkConfig {
    LinkConfig {
        pace: PaceConfig {
            min_gap: Duration::from_millis(40),
            hourly_airtime: None,
            node_hourly_airtime: None,
            ..PaceConfig::default()
        },
        backoff_min: Duration::from_millis(20),
        ..LinkConfig::default()
    }
}

async fn router(db: &Db) -> Arc<Router> {
    let store = db.open().await;
    let config = Config {
        rate_limit: None,
        ..Config::for_store(&store)
    };
    Arc::new(Router::start(store, config, system_clock()).await.unwrap())
}

/// Starts the radio transport on `node` for `table`.
async fn start(router: Arc<Router>, node: FakeNode, table: &str, nodes: (u32, u32)) -> Game {
    start_voting(router, node, table, nodes, bot::config::RADIO_GO_VOTE_SECS).await
}

/// [`start`], votes on the way on lasting `go_vote_secs`.
async fn start_voting(
    router: Arc<Router>,
    node: FakeNode,
    table: &str,
    (aria, brom): (u32, u32),
    go_vote_secs: u32,
) -> Game {
    let turns = MonsterTurns::new(router.clone(), None, Duration::from_secs(2));
    let settings = Settings {
        table: table.to_owned(),
        channel: 0,
        trust: TrustConfig {
            dm_nodes: vec![aria],
            allow_plain_dms: false,
        },
        seed: Some(7),
        health: None,
        tally: bot::transport::radio::Tally::default(),
        go_vote_secs,
    };
    let handshakes = node.handshakes();
    let link = link::spawn(node.connector(), link_config());
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(run(router.clone(), turns, settings, link, async {
        let _ = stopped.await;
    }));
    assert!(node.wait_handshakes(handshakes + 1, WAIT).await);
    Game {
        aria,
        brom,
        router,
        node,
        table: table.to_owned(),
        stop: Some(stop),
        task,
    }
}

async fn game(db: &Db) -> Game {
    let (aria, brom) = nodes();
    let node = FakeNode::new(ME)
        .with_node(aria, KEY_A)
        .with_node(brom, KEY_B);
    node.set_rate_limit(Duration::from_millis(10));
    start(router(db).await, node, &unique("radio"), (aria, brom)).await
}

impl Game {
    /// `from` DMs `text` with `key`; returns the DMs it got back (waits
    /// for the first, then a moment for the rest of a split reply).
    async fn say_with(&self, from: u32, key: &[u8], text: &str) -> Vec<String> {
        let before = self.node.texts_to(from).len();
        assert!(self.node.say(from, key, text));
        assert!(
            self.node
                .wait_until(WAIT, |s| s
                    .iter()
                    .filter(|s| s.to == from && s.refused.is_none())
                    .count()
                    > before)
                .await,
            "no answer to `{text}`"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.node.texts_to(from)[before..].to_vec()
    }

    async fn say(&self, from: u32, text: &str) -> Vec<String> {
        let key = if from == self.aria { KEY_A } else { KEY_B };
        self.say_with(from, key, text).await
    }

    async fn seq(&self) -> u64 {
        self.router.seq(&self.table).await.unwrap()
    }

    async fn stop(mut self) -> (Arc<Router>, FakeNode, String, (u32, u32)) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.await.unwrap().unwrap();
        (self.router, self.node, self.table, (self.aria, self.brom))
    }
}

/// The command a refusal suggests first (`move engaged g4`), if any.
fn move_hint(reply: &[String]) -> Option<String> {
    let refusal = reply.iter().find(|r| r.contains('✗'))?;
    let (_, rest) = refusal.split_once("`move ")?;
    let (target, _) = rest.split_once('`')?;
    Some(format!("move {target}"))
}

/// A player's turn by radio: `a` (closing in first if the answer says so)
/// or `ds` when down, then `e`. Returns the answers to each text.
async fn take_turn<'a, F, Fut>(up: bool, say: F) -> Vec<Vec<String>>
where
    F: Fn(&'a str) -> Fut,
    Fut: Future<Output = Vec<String>>,
{
    let mut answers = Vec::new();
    if up {
        let got = say("a").await;
        let hint = move_hint(&got);
        answers.push(got);
        if let Some(m) = hint {
            let m: &'static str = Box::leak(m.into_boxed_str());
            answers.push(say(m).await);
            answers.push(say("a").await);
        }
    } else {
        answers.push(say("ds").await);
    }
    answers.push(say("e").await);
    answers
}

/// A player's turn by radio as mesh players play it, one text a try. The
/// turn call said whether a foe is in reach (`…, none in reach`): if none,
/// `move engaged FOE;a FOE;e` (a living foe they know of); else `a;e`
/// (`ds;e` when down). When told to close in first, `move …;a;e`; if that
/// too is refused, `e`.
async fn take_turn_chained<'a, F, Fut>(up: bool, call: &str, foe: Option<&str>, say: F)
where
    F: Fn(&'a str) -> Fut,
    Fut: Future<Output = Vec<String>>,
{
    let refused = |got: &[String]| got.iter().any(|p| p.contains('✗'));
    let first: &'static str = match foe {
        Some(foe) if up && call.ends_with("none in reach") => {
            Box::leak(format!("move engaged {foe};a {foe};e").into_boxed_str())
        }
        _ if up => "a;e",
        _ => "ds;e",
    };
    let got = say(first).await;
    if !refused(&got) {
        return;
    }
    if let Some(m) = move_hint(&got) {
        let chain: &'static str = Box::leak(format!("{m};a;e").into_boxed_str());
        if !refused(&say(chain).await) {
            return;
        }
    }
    say("e").await;
}

async fn seat_party(g: &Game) {
    let a = g.say(g.aria, "char new Aria wizard 3 high elf").await;
    assert!(!a[0].starts_with('✗'), "{a:?}");
    let b = g.say(g.brom, "char new Brom fighter 3 hill dwarf").await;
    assert!(!b[0].starts_with('✗'), "{b:?}");
}

async fn a_full_encounter_by_radio_with_two_players(db: &Db) {
    let g = game(db).await;
    seat_party(&g).await;
    g.say(g.aria, "dm encounter").await;
    g.say(g.aria, "madd goblin -n 2 --avg").await;
    g.say(g.aria, "n").await;
    let mut sent_by = [0usize; 2];
    for _ in 0..400 {
        let table = g.router.table(&g.table).await.unwrap();
        if bot::core::game::fight_over(&table) {
            break;
        }
        let enc = table.encounter.as_ref().unwrap();
        let current = enc.current().unwrap().to_owned();
        let whose = [g.aria, g.brom]
            .into_iter()
            .position(|n| table.players.get(&PlayerId::new(sender(n))) == Some(&current));
        let Some(i) = whose else {
            // A monster's turn being played: wait for it.
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let node = [g.aria, g.brom][i];
        let up = table.character(&current).unwrap().health.state()
            == rules::mechanics::LifeState::Conscious;
        for got in take_turn(up, |text| g.say(node, text)).await {
            sent_by[i] += 1;
            for p in &got {
                assert!(p.len() <= 200, "{p}");
            }
        }
    }
    let table = g.router.table(&g.table).await.unwrap();
    assert!(bot::core::game::fight_over(&table), "the fight ended");
    let sent = g.node.sent();
    assert!(sent.iter().all(|s| s.refused.is_none()), "no NAK: {sent:?}");
    assert!(sent.iter().all(|s| s.text.len() <= 200));
    // As the node saw them (after the pipe's and the scheduler's jitter):
    // never under its limit. The queue's own gap is checked on tokio's
    // paused clock in tests/tests/radio_link.rs.
    for w in sent.windows(2) {
        assert!(w[1].at - w[0].at >= Duration::from_millis(10));
    }
    // Both players heard more than their own answers: monster turns, turn calls.
    let heard = [g.node.texts_to(g.aria).len(), g.node.texts_to(g.brom).len()];
    assert!(heard[1] > sent_by[1], "{heard:?} vs {sent_by:?}");
    // The channel heard the fight begin and the deaths.
    let channel = g.node.texts_to(BROADCAST);
    assert!(
        channel.iter().any(|t| t.contains("A fight begins")),
        "{channel:?}"
    );
    assert!(channel.iter().any(|t| t.contains("dead")), "{channel:?}");
    // Every DM went with the node's hop limit and asked for an ACK.
    assert!(
        sent.iter()
            .filter(|s| s.to != BROADCAST)
            .all(|s| s.want_ack && s.hop_limit == 3)
    );
    g.stop().await;
}

async fn a_spoofed_channel_command_is_refused_and_changes_nothing(db: &Db) {
    let g = game(db).await;
    seat_party(&g).await;
    let before = g.seq().await;
    // Anyone on the channel can claim to be Aria.
    let spoof = g
        .node
        .text(g.aria, "char new Mallory rogue 1 human", false, b"");
    g.node.deliver(spoof);
    assert!(
        g.node
            .wait_until(WAIT, |s| s.iter().any(|s| s.to == BROADCAST))
            .await
    );
    let said = g.node.texts_to(BROADCAST);
    assert!(said[0].contains("channel can't act"), "{said:?}");
    assert_eq!(g.seq().await, before);
    // Looking is fine from the channel.
    g.node.deliver(g.node.text(g.brom, "s", false, b""));
    assert!(
        g.node
            .wait_until(WAIT, |s| s.iter().filter(|s| s.to == BROADCAST).count()
                == 2)
            .await
    );
    assert_eq!(g.seq().await, before);
    // A private answer is not read out on the channel.
    g.node.deliver(g.node.text(g.brom, "sheet", false, b""));
    assert!(
        g.node
            .wait_until(WAIT, |s| s.iter().filter(|s| s.to == BROADCAST).count()
                == 3)
            .await
    );
    let said = g.node.texts_to(BROADCAST);
    assert!(said[2].contains("private: send it to me by DM"), "{said:?}");
    assert!(!said[2].contains("Brom"), "{said:?}");
    g.stop().await;
}

/// What a player only looks at is theirs, even for whose turn it is.
async fn a_look_reaches_only_its_asker_even_during_someone_s_turn(db: &Db) {
    let g = game(db).await;
    seat_party(&g).await;
    g.say(g.aria, "dm encounter;madd goblin --avg;n").await;
    // Play on (the goblin's turns play themselves) until it is Aria's turn:
    // the DM's node, which hears all play but not a player's look.
    let mut arias = false;
    for _ in 0..400 {
        let t = g.router.table(&g.table).await.unwrap();
        let current = t.encounter.as_ref().unwrap().current().unwrap().to_owned();
        let seat = |n: u32| t.players.get(&PlayerId::new(sender(n))) == Some(&current);
        if seat(g.aria) {
            arias = true;
            break;
        }
        if seat(g.brom) {
            g.say(g.brom, "e").await;
        } else {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    assert!(arias, "Aria never got a turn");
    let (turn, asker) = (g.aria, g.brom);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = g.node.texts_to(turn).len();
    let seq = g.seq().await;
    let status = g.say(asker, "s").await.join(" ");
    assert!(status.contains("round 1"), "{status}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        g.node.texts_to(turn)[before..].to_vec(),
        Vec::<String>::new(),
        "someone's status reached whoever's turn it is"
    );
    assert_eq!(g.seq().await, seq);
    g.stop().await;
}

async fn a_changed_key_is_refused_until_the_dm_rebinds_the_node(db: &Db) {
    let g = game(db).await;
    seat_party(&g).await;
    let before = g.seq().await;
    let got = g
        .say_with(g.brom, &[0xEE; 32], "char new Imp rogue 1 human")
        .await;
    assert_eq!(got, vec![format!("✗ {}", identity::KEY_CHANGED)]);
    assert_eq!(g.seq().await, before);
    // The binding outlives the process: a new adapter refuses too.
    let (router, node, table, nodes) = g.stop().await;
    let g = start(router, node, &table, nodes).await;
    let got = g.say_with(g.brom, &[0xEE; 32], "rest short").await;
    assert!(got[0].contains("key changed"), "{got:?}");
    // The DM re-binds (forgets the old key): the new key binds on next contact.
    assert!(
        g.router
            .store()
            .unbind_radio(&radio::filter::node_id(g.brom))
            .await
            .unwrap()
    );
    let got = g.say_with(g.brom, &[0xEE; 32], "sheet").await;
    assert!(!got[0].starts_with('✗'), "{got:?}");
    g.stop().await;
}

async fn a_repeated_packet_is_not_applied_twice_even_after_a_restart(db: &Db) {
    let g = game(db).await;
    seat_party(&g).await;
    g.say(g.aria, "dm encounter").await;
    let packet = g.node.text(g.aria, "madd goblin --avg", true, KEY_A);
    let before = g.node.texts_to(g.aria).len();
    g.node.deliver(packet.clone());
    assert!(
        g.node
            .wait_until(WAIT, |s| s.iter().filter(|s| s.to == g.aria).count()
                > before)
            .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seq = g.seq().await;
    let answers = g.node.texts_to(g.aria).len();
    // Heard again on the same link: dropped by the link.
    g.node.deliver(packet.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(g.node.texts_to(g.aria).len(), answers);
    // Heard again after a restart (the node replays it): the first reply, nothing applied.
    let (router, node, table, nodes) = g.stop().await;
    let g = start(router, node, &table, nodes).await;
    g.node.deliver(packet);
    assert!(
        g.node
            .wait_until(WAIT, |s| s.iter().filter(|s| s.to == g.aria).count()
                > answers)
            .await
    );
    let table = g.router.table(&g.table).await.unwrap();
    assert_eq!(g.seq().await, seq);
    assert_eq!(table.encounter.unwrap().monsters.len(), 1);
    g.stop().await;
}

async fn tapbacks_are_ignored_and_rs_resends(db: &Db) {
    let g = game(db).await;
    seat_party(&g).await;
    let seq = g.seq().await;
    let mut tap = g.node.text(g.brom, "a", true, KEY_B);
    if let Some(PayloadVariant::Decoded(d)) = &mut tap.payload_variant {
        d.emoji = 1;
    }
    g.node.deliver(tap);
    let status = g.say(g.brom, "s").await;
    assert_eq!(g.seq().await, seq, "the tapback did nothing");
    let again = g.say(g.brom, "rs").await;
    assert_eq!(again, status);
    // `?` is one packet of radio words; `? all` the whole list.
    let help = g.say(g.brom, "?").await;
    assert_eq!(help.len(), 1, "{help:?}");
    assert!(
        help[0].contains("rs resend") && help[0].contains("? all"),
        "{help:?}"
    );
    assert_eq!(g.say(g.brom, "rs").await, help);
    let all = g.say(g.brom, "? all").await;
    assert!(all.len() > 1 && all[0].starts_with("1/"), "{all:?}");
    assert_eq!(g.seq().await, seq, "help changes nothing");
    g.stop().await;
}

async fn a_long_multibyte_reply_is_split_between_characters(db: &Db) {
    let g = game(db).await;
    seat_party(&g).await;
    let story = "Гоблины 🐉 выходят из чащи, и ";
    let line = format!("dm narrate {}", story.repeat(8));
    let got = g.say(g.aria, &line).await;
    assert!(got.len() >= 2, "{got:?}");
    let n = got.len();
    for (i, p) in got.iter().enumerate() {
        assert!(p.len() <= 200, "{} bytes", p.len());
        assert!(p.starts_with(&format!("{}/{n} ", i + 1)), "{p}");
        assert!(!p.contains('\u{FFFD}'), "cut inside a character: {p}");
    }
    g.stop().await;
}

async fn link_joins_a_node_to_a_discord_player(db: &Db) {
    let g = game(db).await;
    let code = g.router.link_code("discord:42");
    let got = g.say(g.brom, &format!("link {code}")).await;
    assert!(got[0].starts_with("linked"), "{got:?}");
    assert_eq!(
        g.router.player_of(&sender(g.brom)),
        g.router.player_of("discord:42")
    );
    let got = g.say(g.brom, "link 000000x").await;
    assert!(got[0].starts_with('✗'), "{got:?}");
    g.stop().await;
}

async fn a_dm_node_has_the_dms_rights_at_a_table_someone_else_opened(db: &Db) {
    let (aria, brom) = nodes();
    let node = FakeNode::new(ME)
        .with_node(aria, KEY_A)
        .with_node(brom, KEY_B);
    node.set_rate_limit(Duration::from_millis(10));
    let router = router(db).await;
    let table = unique("radio-dm");
    let seed = dm::seed::TableSeed::from_entropy_bytes([3; 32]);
    router
        .open_table(
            &table,
            &serde_json::json!({"transport": "discord"}),
            PlayerId::new("discord:1"),
            &seed,
        )
        .await
        .unwrap();
    let g = start(router, node, &table, (aria, brom)).await;
    // Brom's node is not listed as a DM's.
    let refused = g.say(g.brom, "dm encounter").await;
    assert!(refused[0].starts_with('✗'), "{refused:?}");
    assert!(g.router.table(&table).await.unwrap().encounter.is_none());
    // Aria's is: it gets the DM's rights at a table a Discord user opened.
    let got = g.say(g.aria, "dm encounter").await;
    assert!(!got[0].starts_with('✗'), "{got:?}");
    let state = g.router.table(&table).await.unwrap();
    assert!(state.encounter.is_some());
    assert!(state.is_dm(&g.router.player_of(&sender(g.aria))));
    assert!(!state.is_dm(&g.router.player_of(&sender(g.brom))));
    g.stop().await;
}

async fn a_chain_plays_a_turn_in_one_text_each_way_and_stops_at_a_refusal(db: &Db) {
    let g = game(db).await;
    seat_party(&g).await;
    // A full sheet is private: the DM's node, which hears the whole table, does not get it.
    let aria_heard = g.node.texts_to(g.aria).len();
    let sheet = g.say(g.brom, "sheet").await;
    assert!(sheet[0].contains("Brom"), "{sheet:?}");
    assert_eq!(g.node.texts_to(g.aria).len(), aria_heard);
    g.say(g.aria, "dm encounter; madd goblin --avg").await;
    let got = g.say(g.aria, "n").await;
    // Whoever's turn it is, their node heard so, and whether a foe is in reach.
    let table = g.router.table(&g.table).await.unwrap();
    assert_eq!(table.encounter.as_ref().unwrap().monsters.len(), 1);
    let current = table
        .encounter
        .as_ref()
        .unwrap()
        .current()
        .unwrap()
        .to_owned();
    let brom_up = table.players.get(&PlayerId::new(sender(g.brom))) == Some(&current);
    let (node, name) = if brom_up {
        (g.brom, "Brom")
    } else {
        (g.aria, "Aria")
    };
    let heard = if brom_up {
        g.node.texts_to(g.brom)
    } else {
        got
    };
    assert!(
        heard
            .iter()
            .any(|t| t.contains(&format!("{name}'s turn, none in reach"))),
        "{heard:?}"
    );
    // A chain refused at its second command: the first stands, the rest is not done.
    let before = g.seq().await;
    let got = g.say(node, "move engaged g1; a nobody; e").await;
    assert_eq!(got.len(), 1, "one packet: {got:?}");
    assert!(
        got[0].starts_with(&format!("{name} moves engaged g1. ✗ ")),
        "{got:?}"
    );
    assert!(
        got[0].contains("(command 2 of 3; the rest not done)"),
        "{got:?}"
    );
    let table = g.router.table(&g.table).await.unwrap();
    assert_eq!(
        table.encounter.as_ref().unwrap().current(),
        Some(current.as_str()),
        "still {name}'s turn"
    );
    assert!(g.seq().await > before);
    // The whole turn in one text: attack, end, the goblin's turn, and the
    // next call come back in one packet.
    let got = g.say(node, "a g1;e").await;
    assert_eq!(got.len(), 1, "one packet: {got:?}");
    assert!(got[0].starts_with(&format!("{name}→g1 ")), "{got:?}");
    assert!(got[0].contains("'s turn"), "{got:?}");
    assert_ne!(
        g.router
            .table(&g.table)
            .await
            .unwrap()
            .encounter
            .unwrap()
            .current(),
        Some(current.as_str())
    );
    // A chain that does not parse does nothing.
    let before = g.seq().await;
    let got = g.say(node, "s; fly; e").await;
    assert!(
        got[0].starts_with("✗ command 2 of 3: unknown command `fly`"),
        "{got:?}"
    );
    assert_eq!(g.seq().await, before);
    g.stop().await;
}

async fn the_dm_node_hears_the_monsters_and_players_are_heard_after_a_restart(db: &Db) {
    let g = game(db).await;
    seat_party(&g).await;
    g.say(g.aria, "dm encounter; madd goblin -n 2 --avg").await;
    let (router, node, table, nodes) = g.stop().await;
    // A new process: Brom has not sent anything to it yet.
    let g = start(router, node, &table, nodes).await;
    let brom_before = g.node.texts_to(g.brom).len();
    g.say(g.aria, "n").await;
    // Play until a goblin has acted: the DM's node hears every monster turn
    // (it is played in the DM's name), Brom what concerns Brom.
    for _ in 0..40 {
        let t = g.router.table(&g.table).await.unwrap();
        let enc = t.encounter.as_ref().unwrap();
        if enc.round > 1 || bot::core::game::fight_over(&t) {
            break;
        }
        let current = enc.current().unwrap().to_owned();
        match [g.aria, g.brom]
            .into_iter()
            .find(|&n| t.players.get(&PlayerId::new(sender(n))) == Some(&current))
        {
            Some(n) => {
                if n == g.brom {
                    // Called to his turn before he says anything to this process.
                    let brom = g.brom;
                    assert!(
                        g.node
                            .wait_until(WAIT, |s| s
                                .iter()
                                .filter(|s| s.to == brom)
                                .skip(brom_before)
                                .any(|s| s.text.contains("Brom's turn")))
                            .await,
                        "Brom was not called to his turn after the restart"
                    );
                }
                g.say(n, "e").await;
            }
            None => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    let aria = g.node.texts_to(g.aria).join(" ");
    assert!(aria.contains("g1→") || aria.contains("g2→"), "{aria}");
    g.stop().await;
}

/// What the DM tells the table reaches every player's node; a hint for
/// the DM and someone else's status do not.
async fn every_player_hears_the_table_and_not_the_dms_hints(db: &Db) {
    let g = game(db).await;
    seat_party(&g).await;
    let heard_by_brom = |from: usize| g.node.texts_to(g.brom)[from..].join(" | ");
    // The DM's setup in one chain, narration last (free text runs to the end).
    let before = g.node.texts_to(g.brom).len();
    let dm = g
        .say(
            g.aria,
            "dm encounter;madd goblin -n 2 --avg;dm narrate Wolves howl; the goblins charge",
        )
        .await
        .join(" | ");
    assert!(
        dm.contains("`madd NAME -n COUNT`"),
        "the DM keeps the hint: {dm}"
    );
    assert!(
        dm.contains("initiative: g1 "),
        "monsters' initiative as a list: {dm}"
    );
    assert!(
        g.node
            .wait_until(WAIT, |s| s
                .iter()
                .filter(|s| s.to == g.brom)
                .any(|s| s.text.contains("the goblins charge")))
            .await,
        "Brom never heard the narration: {}",
        heard_by_brom(before)
    );
    let brom = heard_by_brom(before);
    assert!(brom.contains("A fight begins! Initiative: "), "{brom}");
    assert!(brom.contains("Wolves howl; the goblins charge"), "{brom}");
    assert!(
        !brom.contains('`'),
        "no hint for the DM reaches a player: {brom}"
    );
    assert!(
        !brom.contains("join with"),
        "adding monsters is the DM's: {brom}"
    );
    assert!(
        g.node
            .wait_until(WAIT, |s| s
                .iter()
                .any(|s| s.to == BROADCAST && s.text.contains("A fight begins!")))
            .await,
        "the channel heard no fight begin"
    );
    let channel = g.node.texts_to(BROADCAST).join(" | ");
    assert!(!channel.contains('`'), "no hint on the channel: {channel}");
    // Brom's status names Aria: only Brom hears it. His roll, the DM does.
    let before = g.node.texts_to(g.aria).len();
    let status = g.say(g.brom, "status").await.join(" ");
    assert!(status.contains("Aria 20/20"), "{status}");
    let rolled = g.say(g.brom, "r 1d20+100").await.join(" ");
    assert!(rolled.contains("1d20+100="), "{rolled}");
    assert!(
        g.node
            .wait_until(WAIT, |s| s
                .iter()
                .filter(|s| s.to == g.aria)
                .any(|s| s.text.contains("1d20+100=")))
            .await,
        "the DM never saw Brom's roll"
    );
    let aria = g.node.texts_to(g.aria)[before..].join(" | ");
    assert!(
        !aria.contains("Aria 20/20"),
        "someone else's status: {aria}"
    );
    // The end of the fight and party XP: everyone.
    let before = g.node.texts_to(g.brom).len();
    g.say(g.aria, "dm xp 50;dm end").await;
    assert!(
        g.node
            .wait_until(WAIT, |s| s
                .iter()
                .filter(|s| s.to == g.brom)
                .any(|s| s.text.contains("The fight is over")))
            .await,
        "{}",
        heard_by_brom(before)
    );
    let brom = heard_by_brom(before);
    assert!(
        brom.contains("+50 XP: Aria 50, Brom 50"),
        "party XP, whole: {brom}"
    );
}

on_both_backends!(
    a_look_reaches_only_its_asker_even_during_someone_s_turn,
    every_player_hears_the_table_and_not_the_dms_hints,
    a_chain_plays_a_turn_in_one_text_each_way_and_stops_at_a_refusal,
    the_dm_node_hears_the_monsters_and_players_are_heard_after_a_restart,
    a_dm_node_has_the_dms_rights_at_a_table_someone_else_opened,
    a_full_encounter_by_radio_with_two_players,
    a_spoofed_channel_command_is_refused_and_changes_nothing,
    a_changed_key_is_refused_until_the_dm_rebinds_the_node,
    a_repeated_packet_is_not_applied_twice_even_after_a_restart,
    tapbacks_are_ignored_and_rs_resends,
    a_long_multibyte_reply_is_split_between_characters,
    link_joins_a_node_to_a_discord_player,
);

/// A vote on the way on, opened by radio, lasts as `radio.go_vote_secs` says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_on_the_way_on_lasts_as_the_radio_is_configured() {
    let db = Db::sqlite();
    let (aria, brom) = nodes();
    let node = FakeNode::new(ME)
        .with_node(aria, KEY_A)
        .with_node(brom, KEY_B);
    node.set_rate_limit(Duration::from_millis(10));
    let g = start_voting(router(&db).await, node, &unique("radio"), (aria, brom), 900).await;
    seat_party(&g).await;
    g.say(g.aria, "dm adventure the-sunken-chapel").await;
    let before = unix_now();
    let got = g.say(g.brom, "g n").await.join(" ");
    let after = unix_now();
    let told = g.node.sent();
    assert!(
        told.iter().any(|s| s.text.contains("15 min")),
        "{got} / {told:?}"
    );
    let vote = g.router.table(&g.table).await.unwrap().vote.unwrap();
    assert!(
        (before + 900..=after + 900).contains(&vote.deadline),
        "{} not 900 s after {before}..{after}",
        vote.deadline
    );
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A command as a radio player types it; checked to read back as the
/// same command through the radio's own parser.
fn typed(command: &dm::Command) -> String {
    use dm::Command as C;
    let targets = |t: &[String]| t.iter().map(|t| format!(" -t {t}")).collect::<String>();
    let text = match command {
        C::Light { on: true } => "light".to_owned(),
        C::Light { on: false } => "douse".to_owned(),
        C::Search => "search".to_owned(),
        C::Take => "take".to_owned(),
        C::Use { item, target: None } => format!("use {item}"),
        C::Use {
            item,
            target: Some(t),
        } => format!("use {item} -t {t}"),
        C::Leave => "leave".to_owned(),
        C::Talk { npc, say } => format!("talk {npc} {say}"),
        C::Rest { long } => format!("rest {}", if *long { "long" } else { "short" }),
        C::Open { exit } => format!("open {exit}"),
        C::Pick { exit } => format!("pick {exit}"),
        C::Force { exit } => format!("force {exit}"),
        C::Go { exit, .. } => format!("go {exit}"),
        C::DeathSave => "ds".to_owned(),
        C::EndTurn => "e".to_owned(),
        C::Act(dm::Simple::Dash) => "dash".to_owned(),
        C::Move { to, target } => format!("move {to} {target}"),
        C::Attack {
            weapon, targets: t, ..
        } => format!("a {weapon}{}", targets(t)),
        C::Cast {
            spell,
            targets: t,
            level,
            choice: None,
        } => {
            let level = level.map(|l| format!(" -l {l}")).unwrap_or_default();
            format!("cast {spell}{}{level}", targets(t))
        }
        other => panic!("no radio text for {other:?}"),
    };
    let back = match radio::alias::parse(&text) {
        Ok(radio::alias::Input::Commands(c)) => c,
        other => panic!("`{text}` reads back as {other:?}"),
    };
    let same = match (&back[..], command) {
        ([C::Go { exit: a, .. }], C::Go { exit: b, .. }) => a == b,
        ([one], c) => one == c,
        _ => false,
    };
    assert!(same, "`{text}` reads back as {back:?}, not {command:?}");
    text
}

/// Waits until the bot has sent nothing for 100 ms (ten times the link's gap).
async fn quiet(node: &FakeNode) {
    let mut seen = node.sent().len();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = node.sent().len();
        if now == seen {
            return;
        }
        seen = now;
    }
}

/// Issue 18 §4: the shipped adventure played start to end by radio texts
/// through the meshtastic crate and the fake node — the demo party (the
/// console's `--demo`: four players, Brom leading) exploring by
/// `dm::explorer`, fighting by `dm::auto`, the monsters by the tactician —
/// and no packet the bot sends is over 200 bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shipped_adventure_by_radio_never_sends_a_packet_over_200_bytes() {
    const ID: &str = "the-sunken-chapel";
    let started = std::time::Instant::now();
    let db = Db::sqlite();
    let level = dm::adventure::find(ID).unwrap().levels[1].clamp(1, 20);
    let party = [
        ("brom", format!("char new Brom fighter {level} hill dwarf")),
        ("dara", format!("char new Dara cleric {level} hill dwarf")),
        (
            "cade",
            format!("char new Cade rogue {level} lightfoot halfling"),
        ),
        ("aria", format!("char new Aria wizard {level} high elf")),
    ];
    let base = nodes().0 & 0x7FFF_FF00;
    // Four players, then the DM's node.
    let ids: Vec<u32> = (0..5).map(|i| base + 0x20 + i).collect();
    let dm = ids[4];
    let key = |n: u32| vec![(n & 0xFF) as u8; 32];
    let mut node = FakeNode::new(ME);
    for &n in &ids {
        node = node.with_node(n, &key(n));
    }
    // Time scaled 1:220 against the real 2 s limit and 2.2 s gap.
    node.set_rate_limit(Duration::from_millis(2));
    let router = router(&db).await;
    let table = unique("radio-adventure");
    let turns = MonsterTurns::new(router.clone(), None, Duration::from_secs(2));
    let mut cfg = link_config();
    cfg.pace.min_gap = Duration::from_millis(10);
    let link = link::spawn(node.connector(), cfg);
    let settings = Settings {
        table: table.clone(),
        channel: 0,
        trust: TrustConfig {
            dm_nodes: vec![dm],
            allow_plain_dms: false,
        },
        seed: Some(3),
        health: None,
        tally: bot::transport::radio::Tally::default(),
        go_vote_secs: bot::config::RADIO_GO_VOTE_SECS,
    };
    let _task = tokio::spawn(run(
        router.clone(),
        turns,
        settings,
        link,
        std::future::pending(),
    ));
    assert!(node.wait_handshakes(1, WAIT).await);
    // Sends `text` from `from` once the air is quiet (so what comes back
    // to `from` next is its answer), and waits until the answer is out.
    let say = |from: u32, text: String| {
        let node = node.clone();
        let k = key(from);
        async move {
            quiet(&node).await;
            let before = node.texts_to(from).len();
            assert!(node.say(from, &k, &text));
            assert!(
                node.wait_until(WAIT, |s| s.iter().filter(|s| s.to == from).count() > before)
                    .await,
                "no answer to `{text}`"
            );
            quiet(&node).await;
        }
    };
    for (i, (_, line)) in party.iter().enumerate() {
        say(ids[i], line.clone()).await;
    }
    say(dm, format!("dm adventure {ID}")).await;
    say(ids[0], "leader brom".to_owned()).await;
    say(ids[0], "order brom dara cade aria".to_owned()).await;
    let node_of = |t: &dm::Table, handle: &str| {
        ids[..4]
            .iter()
            .copied()
            .find(|&n| t.players.get(&PlayerId::new(sender(n))).map(String::as_str) == Some(handle))
    };
    let mut texts = 0;
    let mut stuck = 0;
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(150),
            "the adventure took too long by radio"
        );
        let t = router.table(&table).await.unwrap();
        let ex = t.adventure.as_deref().unwrap();
        if ex.ended.is_some() {
            break;
        }
        let before = t.applied;
        if let Some(enc) = &t.encounter {
            // A character's turn: its player sends it in one chained text.
            let Some(current) = enc.current().map(str::to_owned) else {
                say(dm, "n".to_owned()).await;
                continue;
            };
            let Some(n) = node_of(&t, &current) else {
                // The monsters' turns come after the last text; wait for them.
                tokio::time::sleep(Duration::from_millis(20)).await;
                stuck += 1;
                assert!(stuck < 500, "the monsters never played");
                continue;
            };
            let chain: Vec<String> = dm::auto::turn(&t).iter().map(|(_, c)| typed(c)).collect();
            say(n, chain.join(";")).await;
            texts += 1;
            let now = router.table(&table).await.unwrap();
            let turn = |t: &dm::Table| {
                t.encounter
                    .as_ref()
                    .map(|e| (e.round, e.current().map(str::to_owned)))
            };
            if turn(&now) == turn(&t) {
                // Refused part-way: the player ends the turn.
                say(n, "e".to_owned()).await;
                texts += 1;
            }
            stuck = 0;
            continue;
        }
        let Some(step) = dm::explorer::step(&t) else {
            panic!("the explorer has nothing left to try in {}", ex.area);
        };
        let command = step.command;
        // The character the explorer names sends it (the rogue at a lock,
        // the healer); else the leader while standing; else the DM.
        let up = t
            .character("brom")
            .is_some_and(|c| c.health.state() == rules::mechanics::LifeState::Conscious);
        let from = step
            .by
            .as_deref()
            .and_then(|h| node_of(&t, h))
            .unwrap_or(if up { ids[0] } else { dm });
        say(from, typed(&command)).await;
        texts += 1;
        let after = router.table(&table).await.unwrap();
        assert!(
            after.applied > before || after.encounter.is_some(),
            "`{}` changed nothing: {:?}",
            typed(&command),
            node.texts_to(from).last()
        );
    }
    // Let the last replies go out.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let t = router.table(&table).await.unwrap();
    let ex = t.adventure.as_deref().unwrap();
    let sent = node.sent();
    let max = sent.iter().map(|s| s.text.len()).max().unwrap_or(0);
    println!(
        "{ID} by radio: {texts} texts from players, {} packets from the bot, the largest {max} bytes, \
         {} areas visited, {} fights, ended: {:?}, {:.1} s",
        sent.len(),
        ex.visited.len(),
        ex.fights,
        ex.ended,
        started.elapsed().as_secs_f64()
    );
    let over: Vec<_> = sent.iter().filter(|s| s.text.len() > 200).collect();
    assert!(over.is_empty(), "packets over 200 bytes: {over:?}");
    let naks: Vec<_> = sent.iter().filter(|s| s.refused.is_some()).collect();
    assert!(naks.is_empty(), "NAKs: {naks:?}");
    // Played to its end by a goal, over most of the map.
    assert!(ex.ended.is_some(), "not ended");
    assert_ne!(ex.ended.as_deref(), Some("the party has fallen"));
    assert!(
        ex.visited.len() * 2 >= ex.adventure.areas.len(),
        "{:?}",
        ex.visited
    );
    assert!(ex.fights > 0, "no fight");
}

/// `dungeon serve --radio tcp://…` alone (no DISCORD_TOKEN) plays with a node.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_plays_by_radio_alone() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("d.db").display());
    let node = FakeNode::new(ME);
    let addr = node.listen_tcp().await.unwrap();
    let (aria, _) = nodes();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_dungeon"))
        .args(["serve", "--no-http", "--database", &database, "--radio"])
        .arg(format!("tcp://{addr}"))
        .env_remove("DISCORD_TOKEN")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    assert!(node.wait_handshakes(1, Duration::from_secs(30)).await);
    assert!(node.say(aria, KEY_A, "r 1d1+4"));
    assert!(
        node.wait_until(WAIT, |s| s.iter().any(|s| s.to == aria))
            .await
    );
    let got = node.texts_to(aria);
    assert!(got[0].ends_with("=5"), "{got:?}");
    child.kill().await.unwrap();
}

#[test]
fn rebind_says_what_it_did_and_refuses_a_bad_node_id() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("d.db").display());
    let out = common::dungeon(&["radio", "rebind", "!0000abcd", "--database", &database]);
    assert!(out.status.success());
    assert!(common::stdout(&out).contains("!0000abcd was not bound"));
    let out = common::dungeon(&["radio", "rebind", "!nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("!a1b2c3d4"));
}

/// The closing note's figures: the demo encounter (bot/demo/goblin-ambush.txt:
/// four level-3 characters, four goblins) played by four radio players, who
/// attack and end their turn in one text (`a;e`, or `move engaged g1;a g1;e`
/// when their turn call says no foe is in reach). Time is scaled 1:10 (gap 220 ms, node limit 200 ms). Run with
/// `cargo test -p bot --test radio -- --ignored --nocapture measure`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run it with --ignored --nocapture"]
async fn measure_the_demo_encounter_by_radio() {
    use radio::airtime::long_fast;
    let db = Db::sqlite();
    let party = [
        ("Brom", "fighter 3 hill dwarf"),
        ("Dara", "cleric 3 hill dwarf"),
        ("Cade", "rogue 3 lightfoot halfling"),
        ("Aria", "wizard 3 high elf"),
    ];
    let base = nodes().0 & 0x7FFF_FF00;
    let ids: Vec<u32> = (0..4).map(|i| base + 0x10 + i).collect();
    let key = |n: u32| vec![(n & 0xFF) as u8; 32];
    let mut node = FakeNode::new(ME);
    for &n in &ids {
        node = node.with_node(n, &key(n));
    }
    node.set_rate_limit(Duration::from_millis(200));
    let router = router(&db).await;
    let table = unique("radio-demo");
    let turns = MonsterTurns::new(router.clone(), None, Duration::from_secs(2));
    let tally = bot::transport::radio::Tally::default();
    let mut cfg = link_config();
    cfg.pace.min_gap = Duration::from_millis(220);
    let link = link::spawn(node.connector(), cfg);
    let settings = Settings {
        table: table.clone(),
        channel: 0,
        trust: TrustConfig {
            dm_nodes: vec![ids[3]],
            allow_plain_dms: false,
        },
        seed: Some(1),
        health: None,
        tally: tally.clone(),
        go_vote_secs: bot::config::RADIO_GO_VOTE_SECS,
    };
    let _task = tokio::spawn(run(
        router.clone(),
        turns,
        settings,
        link,
        std::future::pending(),
    ));
    assert!(node.wait_handshakes(1, WAIT).await);
    let say = |from: u32, text: String| {
        let node = node.clone();
        let k = key(from);
        async move {
            let before = node.texts_to(from).len();
            assert!(node.say(from, &k, &text));
            assert!(
                node.wait_until(WAIT, |s| s.iter().filter(|s| s.to == from).count() > before)
                    .await
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
            node.texts_to(from)[before..].to_vec()
        }
    };
    let dm = ids[3];
    for (i, (name, rest)) in party.iter().enumerate() {
        say(ids[i], format!("char new {name} {rest}")).await;
    }
    // The demo's lines in its order, as a radio DM sends them: what runs
    // together in one chain (free text last, as it runs to the end).
    for line in [
        "dm narrate Arrows hiss from the brush: goblins!",
        "dm encounter;madd goblin -n 4 --avg;dm narrate The goblins charge out of the thicket.",
        "n",
    ] {
        say(dm, line.to_owned()).await;
    }
    for _ in 0..1_000 {
        let t = router.table(&table).await.unwrap();
        if bot::core::game::fight_over(&t) {
            break;
        }
        let current = t.encounter.as_ref().unwrap().current().unwrap().to_owned();
        let Some(&n) = ids
            .iter()
            .find(|&&n| t.players.get(&PlayerId::new(sender(n))) == Some(&current))
        else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let up =
            t.character(&current).unwrap().health.state() == rules::mechanics::LifeState::Conscious;
        // The player waits for their turn call, and knows a goblin that is up.
        let name = t.character(&current).unwrap().name.clone();
        let called = format!("{name}'s turn");
        assert!(
            node.wait_until(WAIT, |s| s
                .iter()
                .rev()
                .find(|s| s.to == n)
                .is_some_and(|s| s.text.contains(&called)))
                .await,
            "{name} was never told it is their turn"
        );
        let call = node.texts_to(n).last().cloned().unwrap_or_default();
        let foe = t.encounter.as_ref().and_then(|e| {
            e.monsters
                .iter()
                .find(|m| m.health.state() != rules::mechanics::LifeState::Dead)
                .map(|m| m.handle.clone())
        });
        take_turn_chained(up, &call, foe.as_deref(), |text| say(n, text.to_owned())).await;
    }
    assert!(bot::core::game::fight_over(
        &router.table(&table).await.unwrap()
    ));
    for line in [
        "dm narrate The dust settles on the Triboar Trail.",
        "dm xp 100;dm end",
        "status",
    ] {
        say(dm, line.to_owned()).await;
    }
    // What went on air, as the node recorded it.
    let sent = node.sent();
    if std::env::var_os("RADIO_DUMP").is_some() {
        for s in &sent {
            println!("S {:08x} {}", s.to, s.text);
        }
    }
    assert!(sent.iter().all(|s| s.refused.is_none()), "a NAK: {sent:?}");
    let packets = sent.len();
    let bytes: usize = sent.iter().map(|s| s.text.len()).sum();
    let airtime: Duration = sent.iter().map(|s| long_fast(s.text.len())).sum();
    let max_packet = sent.iter().map(|s| s.text.len()).max().unwrap_or(0);
    let min_gap = sent.windows(2).map(|w| w[1].at - w[0].at).min().unwrap();
    // What the adapter told, and the console's rendering of the same
    // replies to the same places (a text per reply).
    let f = tally.figures();
    assert!(f.told > 0 && f.packets as usize >= packets);
    println!("radio demo encounter (bot/demo/goblin-ambush.txt, 4 radio players, seed 1)");
    println!(
        "  packets on air          {packets} (of {} handed to the link; the queue merged the rest)",
        f.packets
    );
    println!("  bytes on air            {bytes}");
    println!("  LongFast airtime        {:.1} s", airtime.as_secs_f64());
    println!(
        "  tellings in one packet  {}/{} = {:.1} %",
        f.single,
        f.told,
        100.0 * f.single as f64 / f.told as f64
    );
    println!("  max packet bytes        {max_packet}");
    println!("  max telling bytes       {}", f.max_bytes);
    println!(
        "  min gap between texts   {:.2} s (scaled ×10 from {} ms)",
        min_gap.as_secs_f64() * 10.0,
        min_gap.as_millis()
    );
    println!(
        "  airtime on air {:.1} s vs the console's rendering of the same replies to the same places {:.1} s = {:.1} %",
        airtime.as_secs_f64(),
        f.console_airtime.as_secs_f64(),
        100.0 * airtime.as_secs_f64() / f.console_airtime.as_secs_f64()
    );
    println!(
        "  (before the queue merged texts: {:.1} s = {:.1} %)",
        f.airtime.as_secs_f64(),
        100.0 * f.airtime.as_secs_f64() / f.console_airtime.as_secs_f64()
    );
    println!(
        "  against the console's lines a text each {:.1} s = {:.1} %; against its lines packed per telling {:.1} s = {:.1} %",
        f.console_lines_airtime.as_secs_f64(),
        100.0 * airtime.as_secs_f64() / f.console_lines_airtime.as_secs_f64(),
        f.console_packed_airtime.as_secs_f64(),
        100.0 * airtime.as_secs_f64() / f.console_packed_airtime.as_secs_f64()
    );
}
