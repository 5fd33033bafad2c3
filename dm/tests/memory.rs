//! The table's memory: the journal every command writes in, the notebook
//! (`note`, `dm note`, `notes`) and `recap`. Everything is state made from
//! the log, so every test ends by replaying it.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{Game, notes};
use dm::Line;
use dm::journal::{Happening, JOURNAL_CAP, Journal, RADIO_RECAP, Recap, SESSION_GAP};
use proptest::prelude::*;

fn recap(g: &mut Game, who: &str) -> (String, String) {
    let reply = g.ok(who, "recap");
    match reply.lines.as_slice() {
        [Line::Recap { text, brief }] => (text.clone(), brief.clone()),
        other => panic!("not a recap: {other:?}"),
    }
}

fn party() -> Game {
    let mut g = Game::new(21);
    g.ok("aria", "char new Aria fighter 3 human");
    g.ok("bo", "char new Bo rogue 3 lightfoot halfling");
    g
}

#[test]
fn notes_are_kept_read_back_and_searched() {
    let mut g = party();
    let reply = g.ok("aria", "note the bell rings at dusk");
    assert!(notes(&reply).contains("Noted"), "{reply:?}");
    g.ok("bo", "note Mirela the ferrywoman owes us a favour");
    let all = g.ok("bo", "notes");
    assert!(all.private, "a notebook read is told to the reader only");
    let text = notes(&all);
    assert!(
        text.find("Mirela").unwrap() < text.find("bell").unwrap(),
        "newest first: {text}"
    );
    assert!(text.contains("Aria: the bell rings at dusk"), "{text}");
    let about = notes(&g.ok("aria", "notes about BELL"));
    assert!(
        about.contains("bell") && !about.contains("Mirela"),
        "{about}"
    );
    let none = notes(&g.ok("aria", "notes dragon"));
    assert!(none.contains("No note mentions `dragon`"), "{none}");
    assert!(g.ok("aria", "notes").lines.len() == 2);
    g.assert_replays();
}

#[test]
fn the_dm_s_private_notes_stay_with_the_dm() {
    let mut g = party();
    g.ok("dm", "dm note private the ferrywoman is the cult's spy");
    g.ok("dm", "dm note the road north is flooded");
    let player = notes(&g.ok("aria", "notes"));
    assert!(
        !player.contains("spy"),
        "a player read a DM-only note: {player}"
    );
    assert!(player.contains("DM: the road north is flooded"), "{player}");
    assert!(notes(&g.ok("aria", "notes spy")).contains("No note"));
    let dm = notes(&g.ok("dm", "notes"));
    assert!(
        dm.contains("(DM only): the ferrywoman is the cult's spy"),
        "{dm}"
    );
    let why = g.refused("aria", "dm note private I am the DM now");
    assert!(why.contains("DM"), "{why}");
    g.assert_replays();
}

#[test]
fn bad_notes_are_refused_and_change_nothing() {
    let mut g = party();
    let long = format!("note {}", "x".repeat(300));
    let why = g.refused("aria", &long);
    assert!(why.contains("280"), "{why}");
    assert!(dm::parse("note").is_err());
    assert!(dm::parse("dm note private").is_err());
    assert!(dm::parse("notes about").is_err());
    assert!(g.table.journal.notes.is_empty());
}

#[test]
fn a_recap_tells_the_fight_the_falls_the_loot_the_xp_and_the_vote() {
    let mut g = party();
    g.fight(&[("goblin", 2)]);
    let hp = g.hp("aria");
    g.ok("dm", &format!("dm hp aria -{}", hp + 1));
    g.ok("dm", "dm hp g1 -50");
    g.ok("dm", "dm hp g2 -50");
    g.ok("dm", "dm end");
    g.ok("dm", "dm xp 100");
    g.ok("dm", "dm loot 40gp rope -to bo");
    g.ok("aria", "vote \"left door\" \"right door\"");
    g.ok("aria", "v 2");
    g.ok("bo", "v 1");
    g.ok("dm", "dm decide right");
    g.ok("bo", "note the right door was warm");
    let (text, brief) = recap(&mut g, "bo");
    for want in [
        "Session 1",
        "1 fight won",
        "Goblin ×2 fell",
        "Aria fell",
        "Loot: 40 gp, rope",
        "XP: Aria 100, Bo 100",
        "The party chose: right door",
        "1 note",
    ] {
        assert!(text.contains(want), "`{want}` missing from: {text}");
    }
    assert!(!text.contains("died"), "{text}");
    g.ok("dm", "dm hp bo -200");
    let (text, _) = recap(&mut g, "aria");
    assert!(text.contains("Bo died"), "massive damage kills: {text}");
    assert!(brief.len() <= RADIO_RECAP, "{brief}");
    assert!(
        brief.starts_with("S1: 1W 2foes fell:Aria 40gp 1items 200xp"),
        "{brief}"
    );
    g.assert_replays();
}

#[test]
fn a_fight_the_dm_ends_with_monsters_standing_is_not_won() {
    let mut g = party();
    g.fight(&[("goblin", 2)]);
    g.ok("dm", "dm hp g1 -50");
    g.ok("dm", "dm end");
    let (text, _) = recap(&mut g, "aria");
    assert!(
        text.contains("0 fights won, 1 ended otherwise (Goblin fell)"),
        "{text}"
    );
    g.assert_replays();
}

#[test]
fn a_long_pause_starts_a_new_session_and_recap_tells_the_last_one() {
    let mut g = party();
    g.ok("dm", "dm xp 100");
    g.now += SESSION_GAP;
    g.ok("dm", "dm loot 5gp -to aria");
    assert_eq!(g.table.journal.session, 2);
    let (text, _) = recap(&mut g, "aria");
    assert!(text.starts_with("Session 2"), "{text}");
    assert!(text.contains("5 gp") && !text.contains("XP"), "{text}");
    let first = Recap::of(&g.table.journal, 1);
    assert_eq!(first.xp, vec![("Aria".into(), 100), ("Bo".into(), 100)]);
    g.assert_replays();
}

#[test]
fn a_new_table_has_nothing_to_recap() {
    let mut g = Game::new(3);
    let reply = g.ok("dm", "recap");
    assert!(notes(&reply).contains("Nothing has happened"), "{reply:?}");
    assert!(g.log.len() == 1, "recap and notes are read-only");
}

#[test]
fn the_journal_keeps_its_last_entries() {
    let mut g = party();
    for _ in 0..(JOURNAL_CAP / 2 + 10) {
        g.ok("dm", "dm xp 1");
    }
    assert_eq!(g.table.journal.entries.len(), JOURNAL_CAP);
    assert!(matches!(
        g.table.journal.entries.last().unwrap().what,
        Happening::Xp { amount: 1, .. }
    ));
    g.assert_replays();
}

fn happening() -> impl Strategy<Value = Happening> {
    let name = "[A-Za-z]{1,30}( [0-9]{1,2})?";
    prop_oneof![
        name.prop_map(|name| Happening::MonsterFell { name }),
        (0u32..30, any::<bool>()).prop_map(|(rounds, won)| Happening::FightOver { rounds, won }),
        name.prop_map(|who| Happening::Fell { who }),
        name.prop_map(|who| Happening::Died { who }),
        (name, 0u32..100_000, prop::collection::vec(name, 0..4))
            .prop_map(|(who, gold, items)| Happening::Gained { who, gold, items }),
        (name, 0u32..100_000).prop_map(|(who, amount)| Happening::Xp { who, amount }),
        (name, "[a-z ]{1,60}").prop_map(|(o, chosen)| Happening::Voted {
            options: vec![o],
            chosen
        }),
    ]
}

proptest! {
    /// Whatever happened, the radio recap is one packet and the full one
    /// names everyone who fell.
    #[test]
    fn a_recap_always_fits_the_radio(list in prop::collection::vec(happening(), 0..60)) {
        let mut journal = Journal::default();
        for what in list {
            journal.entries.push(dm::journal::Entry { at: 1, session: 1, what });
        }
        let r = Recap::of(&journal, 1);
        prop_assert!(r.brief().len() <= RADIO_RECAP, "{}", r.brief());
        for who in &r.fell {
            prop_assert!(r.text().contains(who.as_str()));
        }
    }
}

/// Places entered and people met go in the journal and the notebook by
/// themselves, and the recap tells them.
#[test]
fn places_and_people_met_are_remembered() {
    let mut g = party();
    let keep: dm::adventure::Adventure =
        serde_json::from_str(include_str!("fixtures/little-keep.json")).unwrap();
    let start = keep
        .areas
        .iter()
        .find(|a| a.id == keep.start)
        .unwrap()
        .name
        .clone();
    let npc = keep
        .npcs
        .iter()
        .find(|n| n.area == keep.start)
        .unwrap()
        .name
        .clone();
    g.ok_command(
        &common::pid("dm"),
        dm::Command::Dm(dm::DmCommand::Adventure {
            id: keep.id.clone(),
            adventure: Some(Box::new(keep.clone())),
        }),
    );
    let (text, brief) = recap(&mut g, "aria");
    assert!(text.contains(&format!("Explored: {start}.")), "{text}");
    assert!(text.contains(&format!("Met: {npc}.")), "{text}");
    assert!(
        brief.contains("1areas") && brief.len() <= RADIO_RECAP,
        "{brief}"
    );
    let found = notes(&g.ok("bo", "notes"));
    assert!(found.contains(&format!("table: Met {npc}")), "{found}");
    assert!(found.contains(&format!("table: Place: {start}")), "{found}");
    g.assert_replays();
}
