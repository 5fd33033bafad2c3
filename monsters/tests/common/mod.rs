//! Shared by the planner tests: fixed turn requests and a fake model server.

// Each test file uses its own part of these helpers.
#![allow(dead_code)]

pub mod fake;

use std::time::Duration;

use monsters::{ActorTurn, CombatantView, Decision, OptionView, Side, Source, TurnRequest};

/// The key the tests configure; it must reach the header and nothing else.
pub const KEY: &str = "AIzaTEST-not-a-real-key-0123456789";

/// Three goblins against three characters, eight options per goblin: the
/// typical 6-combatant turn.
pub fn goblins_vs_party() -> TurnRequest {
    let party = [
        ("aria", "Aria Dawnwhisper", 27, 31, 18, vec![], None),
        ("bryn", "Bryn", 9, 24, 16, vec![], Some("bless")),
        ("cael", "Cael", 14, 14, 12, vec!["prone".to_owned()], None),
    ];
    let goblins = [("g1", 7), ("g2", 3), ("g3", 7)];
    let mut combatants: Vec<CombatantView> = party
        .into_iter()
        .map(
            |(handle, name, hp, max_hp, ac, conditions, conc)| CombatantView {
                handle: handle.into(),
                name: name.into(),
                side: Side::Party,
                hp,
                max_hp,
                ac,
                conditions,
                concentrating: conc.map(str::to_owned),
                distances: vec![
                    ("g1".into(), "engaged".into()),
                    ("g2".into(), "near".into()),
                    ("g3".into(), "far".into()),
                ],
            },
        )
        .collect();
    combatants.extend(goblins.iter().map(|&(handle, hp)| CombatantView {
        handle: handle.into(),
        name: format!("Goblin {}", &handle[1..]),
        side: Side::Monsters,
        hp,
        max_hp: 7,
        ac: 15,
        conditions: vec![],
        concentrating: None,
        distances: vec![],
    }));
    let actors = goblins
        .iter()
        .map(|&(handle, _)| ActorTurn {
            handle: handle.into(),
            kind: "goblin".into(),
            intelligence: 10,
            options: goblin_options(),
        })
        .collect();
    TurnRequest {
        round: 2,
        combatants,
        actors,
        memory: String::new(),
    }
}

fn goblin_options() -> Vec<OptionView> {
    [
        (
            "attack:scimitar:aria",
            "Scimitar vs Aria: +4 to hit vs AC 18, 1d6+2 slashing",
            3.1,
        ),
        (
            "attack:scimitar:bryn",
            "Scimitar vs Bryn: +4 to hit vs AC 16, 1d6+2 slashing, breaks concentration",
            6.4,
        ),
        (
            "attack:shortbow:cael",
            "Shortbow vs Cael: +4 to hit vs AC 12, 1d6+2 piercing, disadvantage (prone, ranged)",
            4.0,
        ),
        (
            "attack:shortbow:bryn",
            "Shortbow vs Bryn: +4 to hit vs AC 16, 1d6+2 piercing",
            5.2,
        ),
        (
            "disengage",
            "Nimble Escape: Disengage as a bonus action, then move away",
            1.0,
        ),
        (
            "hide",
            "Nimble Escape: Hide as a bonus action (Stealth +6)",
            1.5,
        ),
        ("dash", "Dash: move up to 60 ft this turn", 0.5),
        ("end", "End the turn", 0.0),
    ]
    .into_iter()
    .map(|(id, summary, score)| OptionView {
        id: id.into(),
        summary: summary.into(),
        score,
    })
    .collect()
}

/// One goblin against Aria only: the smallest request.
pub fn lone_goblin() -> TurnRequest {
    let mut request = goblins_vs_party();
    request.round = 1;
    request
        .combatants
        .retain(|c| c.handle == "aria" || c.handle == "g1");
    for c in &mut request.combatants {
        c.distances.truncate(1);
    }
    request.actors.truncate(1);
    request.actors[0]
        .options
        .retain(|o| !o.id.contains("bryn") && !o.id.contains("cael"));
    request
}

/// `request` with combatant `handle` renamed to `name`.
pub fn renamed(mut request: TurnRequest, handle: &str, name: &str) -> TurnRequest {
    for c in &mut request.combatants {
        if c.handle == handle {
            c.name = name.into();
        }
    }
    request
}

/// The tactician's pick in [`goblin_options`].
pub const TACTICIAN: &str = "attack:scimitar:bryn";

/// Every actor got exactly one legal id, in order, and the decision came
/// within `budget` plus a little scheduling slack.
pub fn assert_legal(decision: &Decision, request: &TurnRequest, budget: Duration) {
    assert_eq!(decision.moves.len(), request.actors.len(), "{decision:?}");
    for ((handle, id, _), actor) in decision.moves.iter().zip(&request.actors) {
        assert_eq!(handle, &actor.handle);
        assert!(
            actor.options.iter().any(|o| &o.id == id),
            "{id} is not legal for {handle}"
        );
    }
    assert!(
        decision.latency <= budget + Duration::from_millis(250),
        "took {:?} with a budget of {budget:?}",
        decision.latency
    );
}

/// All moves came from the tactician.
pub fn assert_all_fallback(decision: &Decision) {
    for (handle, id, source) in &decision.moves {
        assert_eq!(*source, Source::Fallback, "{handle}");
        assert_eq!(id, TACTICIAN, "{handle}");
    }
}

/// The text between the data block's delimiters; asserts there is exactly one block.
pub fn data_block(turn: &str) -> &str {
    assert_eq!(turn.matches("<data>").count(), 1, "{turn}");
    assert_eq!(turn.matches("</data>").count(), 1, "{turn}");
    let start = turn
        .find("<data>")
        .map(|i| i + "<data>".len())
        .unwrap_or_default();
    let end = turn.find("</data>").unwrap_or_default();
    &turn[start..end]
}
