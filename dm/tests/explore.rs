//! Exploring an adventure: looking, doors, secrets, traps, features,
//! talking, treasure, light, rests, fights that start and end by
//! themselves, who decides where to go, and what players never see.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Game, notes, pid};
use dm::adventure::Adventure;
use dm::{Command, DmCommand, Line, Reply};

/// A small adventure of the test's own (the shipped ones are tested where
/// they ship): a locked door with a lever, a key and a pick; a secret
/// exit; a pit on entry in a dark hall with goblins; a boss in the crypt.
fn keep() -> Adventure {
    serde_json::from_str(include_str!("fixtures/little-keep.json")).unwrap()
}

/// Everything a reply says, as one text (every line's fields).
fn said(reply: &Reply) -> String {
    serde_json::to_string(reply).unwrap()
}

/// A table with a DM and `players` (fighter, then rogue…) and the keep begun.
fn begun(players: &[&str]) -> (Game, Reply) {
    let mut g = Game::new(7);
    let classes = ["fighter", "rogue", "cleric", "wizard"];
    for (p, class) in players.iter().zip(classes) {
        let name = format!("{}{}", p[..1].to_uppercase(), &p[1..]);
        g.ok(p, &format!("char new {name} {class} 3 human"));
    }
    let start = Command::Dm(DmCommand::Adventure {
        id: "little-keep".into(),
        adventure: Some(Box::new(keep())),
    });
    let reply = g.ok_command(&pid("dm"), start);
    (g, reply)
}

/// The DM fells every monster of the fight on; the reply to the last blow.
fn win(g: &mut Game) -> Reply {
    let handles: Vec<String> = g
        .table
        .encounter
        .as_ref()
        .unwrap()
        .monsters
        .iter()
        .map(|m| m.handle.clone())
        .collect();
    let mut last = Reply::default();
    for h in handles {
        last = g.ok("dm", &format!("dm hp {h} -200"));
    }
    last
}

fn area_line(reply: &Reply) -> Option<(String, Vec<String>)> {
    reply.lines.iter().find_map(|l| match l {
        Line::Area { name, exits, .. } => Some((name.clone(), exits.clone())),
        _ => None,
    })
}

#[test]
fn the_party_starts_at_the_start_and_sees_only_the_exits_it_can() {
    let (mut g, reply) = begun(&["aria"]);
    let (name, exits) = area_line(&reply).unwrap();
    assert_eq!(name, "Gatehouse");
    assert_eq!(exits, ["n iron door (locked)"]);
    assert!(notes(&reply).contains("Rain drums"), "{}", notes(&reply));
    let look = g.ok("aria", "l");
    assert_eq!(area_line(&look).unwrap().1, ["n iron door (locked)"]);
    // Looking changes nothing and logs nothing.
    let logged = g.log.len();
    g.ok("aria", "look");
    assert_eq!(g.log.len(), logged);
    g.assert_replays();
}

#[test]
fn a_locked_door_is_refused_then_opened_by_the_lever_and_the_hall_springs_its_fight() {
    let (mut g, _) = begun(&["aria"]);
    let why = g.refused("aria", "go n");
    assert!(why.contains("locked"), "{why}");
    let lever = g.ok("aria", "use lever");
    assert!(notes(&lever).contains("unlocks"), "{}", notes(&lever));
    assert_eq!(
        area_line(&g.ok("aria", "l")).unwrap().1,
        ["n iron door"],
        "unlocked now"
    );
    let hp = g.hp("aria");
    let into = g.ok("aria", "g 1");
    let text = notes(&into);
    assert!(text.contains("A trap springs: pit"), "{text}");
    assert!(g.hp("aria") < hp, "the pit hurt the one in front");
    assert!(text.contains("Goal: You reached the hall"), "{text}");
    // The hall's goblins attack at once: a fight in round 1.
    let enc = g.table.encounter.as_ref().unwrap();
    assert_eq!(enc.round, 1);
    assert_eq!(enc.monsters.len(), 2);
    assert!(into.turn.is_some());
    // Exploring waits for the fight.
    assert!(g.refused("aria", "search").contains("fight"));
    // The goblins fall: the fight ends by itself, XP for the party.
    g.ok("dm", "dm hp g1 -50");
    let last = g.ok("dm", "dm hp g2 -50");
    let text = notes(&last);
    assert!(text.contains("The fight is over"), "{text}");
    assert!(text.contains("Exploration resumes"), "{text}");
    assert!(g.table.encounter.is_none());
    assert_eq!(g.sheet("aria").xp, 100, "two goblins' 50 XP each");
    let ex = g.table.adventure.as_ref().unwrap();
    assert!(ex.cleared.contains("hall"));
    g.assert_replays();
}

#[test]
fn the_boss_falls_and_the_adventure_ends() {
    let (mut g, _) = begun(&["aria"]);
    g.ok("aria", "use lever");
    g.ok("aria", "go n");
    win(&mut g);
    g.ok("aria", "light");
    g.ok("aria", "go stairs");
    assert!(g.table.encounter.is_some(), "the skeleton");
    let end = win(&mut g);
    let text = notes(&end);
    assert!(
        text.contains("Goal: The crypt's guardian is destroyed"),
        "{text}"
    );
    assert!(text.contains("is over"), "{text}");
    let ex = g.table.adventure.as_ref().unwrap();
    assert!(ex.ended.is_some());
    assert!(g.refused("aria", "go u").contains("over"));
    g.assert_replays();
}

#[test]
fn a_secret_never_reaches_players_until_found_but_the_dm_map_shows_it() {
    let (mut g, start) = begun(&["aria"]);
    let mut player_text = said(&start);
    for line in ["l", "sr", "sr", "talk mara", "talk mara hall", "l"] {
        if let Ok(r) = g.run("aria", line) {
            player_text.push_str(&said(&r));
        }
    }
    assert!(!player_text.contains("Whispering"), "{player_text}");
    assert!(!player_text.contains("shrine"), "{player_text}");
    assert!(g.refused("aria", "go e").contains("no exit"));
    let map = g.ok("dm", "dm map");
    assert!(map.private);
    assert!(notes(&map).contains("Whispering Shrine"), "{}", notes(&map));
    assert!(notes(&map).contains("hidden DC 30"), "{}", notes(&map));
    // Players can't read the map.
    assert!(g.refused("aria", "dm map").contains("DM"));
    // The DM reveals it: the way is known now.
    g.ok("dm", "dm reveal shrine");
    let exits = area_line(&g.ok("aria", "l")).unwrap().1;
    assert!(exits.contains(&"e".to_string()), "{exits:?}");
    g.ok("aria", "go e");
    assert_eq!(g.table.adventure.as_ref().unwrap().area, "shrine");
    g.assert_replays();
}

#[test]
fn talking_persuading_and_help_give_the_key_that_opens_the_door() {
    let (mut g, _) = begun(&["aria"]);
    let r = g.ok("aria", "talk mara");
    assert!(notes(&r).contains("Mind the hall"), "{}", notes(&r));
    let r = g.ok("aria", "talk mara help");
    assert!(notes(&r).contains("won't help"), "{}", notes(&r));
    let r = g.ok_with("aria", "talk mara persuade", common::Dice::Faces(&[15]));
    assert!(notes(&r).contains("Mara is now friendly"), "{}", notes(&r));
    let r = g.ok("aria", "talk mara help");
    assert!(
        g.sheet("aria").items.contains(&"iron-key".to_string()),
        "{r:?}"
    );
    let r = g.ok("aria", "open n");
    assert!(notes(&r).contains("with the iron key"), "{}", notes(&r));
    g.assert_replays();
}

#[test]
fn treasure_is_taken_once_through_the_loot() {
    let (mut g, _) = begun(&["aria", "bo"]);
    let gold = g.sheet("aria").gold + g.sheet("bo").gold;
    let r = g.ok("aria", "take");
    assert!(notes(&r).contains("Loot"), "{}", notes(&r));
    assert_eq!(g.sheet("aria").gold + g.sheet("bo").gold, gold + 10);
    assert!(g.refused("bo", "take").contains("nothing to take"));
    g.assert_replays();
}

#[test]
fn without_a_leader_going_is_a_vote_and_with_one_only_the_leader_moves() {
    let (mut g, _) = begun(&["aria", "bo"]);
    g.ok("aria", "use lever");
    let r = g.ok("bo", "go n");
    assert!(
        notes(&r).contains("Vote: 1. go n iron door"),
        "{}",
        notes(&r)
    );
    assert_eq!(g.table.adventure.as_ref().unwrap().area, "gate");
    g.ok("aria", "v 1");
    let r = g.ok("bo", "v 1");
    assert!(notes(&r).contains("The party chooses"), "{}", notes(&r));
    assert_eq!(g.table.adventure.as_ref().unwrap().area, "hall");
    win(&mut g);
    g.ok("aria", "leader aria");
    assert!(g.refused("bo", "go s").contains("only the leader (Aria)"));
    g.ok("aria", "go s");
    assert_eq!(g.table.adventure.as_ref().unwrap().area, "gate");
    g.assert_replays();
}

#[test]
fn a_vote_to_go_closes_at_its_deadline_and_the_party_moves() {
    let (mut g, _) = begun(&["aria", "bo"]);
    g.ok("aria", "use lever");
    let go = Command::Go {
        exit: "n".into(),
        vote_secs: Some(600),
    };
    g.ok_command(&pid("aria"), go);
    g.ok("aria", "v 1");
    g.now += 300;
    g.ok("aria", "status");
    assert_eq!(
        g.table.adventure.as_ref().unwrap().area,
        "gate",
        "still open"
    );
    g.now += 400;
    // The next command that changes the table closes the vote.
    let r = g.ok("bo", "order bo aria");
    assert!(notes(&r).contains("The party chooses"), "{}", notes(&r));
    assert_eq!(g.table.adventure.as_ref().unwrap().area, "hall");
    g.assert_replays();
}

#[test]
fn darkness_stops_searching_until_a_torch_is_lit_and_it_burns_down() {
    let (mut g, _) = begun(&["aria"]);
    g.ok("aria", "use lever");
    g.ok("aria", "go n");
    win(&mut g);
    // A human has no darkvision.
    let look = g.ok("aria", "l");
    assert!(said(&look).contains("pitch dark"), "{}", said(&look));
    assert!(g.refused("aria", "search").contains("dark"));
    let r = g.ok("aria", "light");
    assert!(notes(&r).contains("A torch is lit"), "{}", notes(&r));
    assert!(g.refused("aria", "light").contains("lit already"));
    for _ in 0..6 {
        g.ok("aria", "search");
    }
    let ex = g.table.adventure.as_ref().unwrap();
    assert_eq!(ex.torch, 0, "60 minutes of searching burn a torch down");
    assert!(g.refused("aria", "search").contains("dark"));
    g.assert_replays();
}

#[test]
fn resting_is_where_the_area_allows_and_rests_the_whole_party() {
    let (mut g, _) = begun(&["aria", "bo"]);
    g.ok("dm", "dm hp aria -10");
    g.ok("dm", "dm hp bo -5");
    let r = g.ok("aria", "rest long");
    assert!(
        notes(&r).contains("Aria takes a long rest"),
        "{}",
        notes(&r)
    );
    assert!(notes(&r).contains("Bo takes a long rest"), "{}", notes(&r));
    assert_eq!(g.hp("aria"), g.sheet("aria").health.max());
    g.ok("aria", "use lever");
    g.ok("aria", "leader aria");
    g.ok("aria", "go n");
    win(&mut g);
    assert!(g.refused("aria", "rest short").contains("no resting here"));
    g.assert_replays();
}

#[test]
fn refusals_change_nothing() {
    let (mut g, _) = begun(&["aria"]);
    for line in [
        "go w",
        "go 9",
        "pick n",
        "open rubble",
        "disarm pit",
        "talk nobody",
        "douse",
        "leader zed",
        "dm move party nowhere",
        "dm adventure little-keep",
    ] {
        let who = if line.starts_with("dm") { "dm" } else { "aria" };
        let why = g.refused(who, line);
        assert!(!why.is_empty(), "{line}");
    }
    // Before any adventure, exploring is refused too.
    let mut fresh = Game::new(3);
    fresh.ok("aria", "char new Aria fighter 1 human");
    assert!(fresh.refused("aria", "l").contains("no adventure"));
}

#[test]
fn the_marching_order_puts_who_springs_an_entry_trap_in_front() {
    let (mut g, _) = begun(&["aria", "bo"]);
    g.ok("aria", "order bo aria");
    g.ok("aria", "leader aria");
    g.ok("aria", "use lever");
    let r = g.ok("aria", "go n");
    assert_eq!(common::damaged(&r).first().map(String::as_str), Some("Bo"));
    g.assert_replays();
}

#[test]
fn monsters_that_surprise_keep_the_surprised_from_acting_in_the_first_round() {
    let mut adventure = keep();
    let hall = adventure.areas.iter_mut().find(|a| a.id == "hall").unwrap();
    hall.encounter.as_mut().unwrap().surprise = true;
    let mut g = Game::new(7);
    g.ok("aria", "char new Aria fighter 3 human");
    g.ok_command(
        &pid("dm"),
        Command::Dm(DmCommand::Adventure {
            id: "little-keep".into(),
            adventure: Some(Box::new(adventure)),
        }),
    );
    g.ok("aria", "use lever");
    // The pit rolls 1, Aria 1 for initiative, the goblins 20s for initiative
    // and for Stealth: no passive Perception beats that.
    let r = g.ok_with("aria", "go n", common::Dice::Faces(&[1, 1, 20, 20, 20, 20]));
    let text = notes(&r);
    assert!(text.contains("Surprised: Aria"), "{text}");
    g.skip_to("aria");
    let why = g.refused("aria", "a g1");
    assert!(why.contains("surprised"), "{why}");
    g.ok("aria", "n");
    g.skip_to("aria");
    assert_eq!(g.table.encounter.as_ref().unwrap().round, 2);
    // The goblins stand near (the encounter's place): Aria closes in now.
    g.ok("aria", "move engaged g1");
    g.assert_replays();
}

/// The invite code in the DM's (private) reply.
fn code_in(reply: &Reply) -> String {
    assert!(reply.private, "the code is the DM's alone: {}", said(reply));
    let text = notes(reply);
    let at = text.find("code: ").or_else(|| text.find("code ")).unwrap();
    text[at..]
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches('.')
        .to_owned()
}

#[test]
fn an_invite_only_adventure_takes_newcomers_with_the_current_code_only() {
    let (mut g, _) = begun(&["aria"]);
    let ex = g.table.adventure.as_ref().unwrap();
    assert_eq!(ex.owner.as_ref().map(|p| p.0.as_str()), Some("console:dm"));
    let code = code_in(&g.ok("dm", "dm access invite"));
    assert_eq!(code.len(), 6, "{code}");
    // Bo arrives after the adventure began: not in the party.
    g.ok("bo", "char new Bo rogue 3 human");
    let why = g.refused("bo", "search");
    assert!(
        why.contains("Bo is not in the party") && why.contains("invite code"),
        "{why}"
    );
    assert!(g.refused("bo", "party join").contains("invite-only"));
    assert!(g.refused("bo", "party join ZZZZZZ").contains("wrong"));
    let r = g.ok("bo", &format!("party join {}", code.to_lowercase()));
    assert!(notes(&r).contains("Bo joins the party"), "{}", notes(&r));
    g.ok("bo", "search");
    // A new code: the old one no longer lets anyone in.
    let fresh = code_in(&g.ok("dm", "dm invite"));
    g.ok("cy", "char new Cy cleric 3 human");
    if fresh != code {
        assert!(
            g.refused("cy", &format!("party join {code}"))
                .contains("wrong")
        );
    }
    g.ok("cy", &format!("pj {fresh}"));
    assert!(notes(&g.ok("aria", "party")).contains("Aria, Bo, Cy"));
    g.assert_replays();
}

#[test]
fn a_closed_adventure_lets_in_only_whom_the_dm_adds_and_watchers_can_be_kept_out() {
    let (mut g, _) = begun(&["aria"]);
    g.ok("dm", "dm access closed");
    g.ok("bo", "char new Bo rogue 3 human");
    assert!(g.refused("bo", "party join").contains("closed"));
    assert!(g.refused("bo", "take").contains("not in the party"));
    // Watching: on by default, then off.
    g.ok("bo", "look");
    g.ok("dm", "dm access watch off");
    assert!(g.refused("bo", "look").contains("only the party sees"));
    g.ok("aria", "look");
    g.ok("dm", "look");
    // The DM adds Bo; Aria leaves and can't come back by herself.
    g.ok("dm", "dm party add bo");
    g.ok("bo", "look");
    g.ok("aria", "party leave");
    assert!(
        g.refused("aria", "search")
            .contains("Aria is not in the party")
    );
    assert!(g.refused("aria", "party join").contains("closed"));
    assert!(g.refused("zed", "dm party add bo").contains("DM"));
    g.assert_replays();
}

#[test]
fn an_open_adventure_takes_whoever_plays_here_and_a_go_vote_is_the_partys() {
    let (mut g, _) = begun(&["aria", "bo"]);
    // Open: a character made after the start is in the party at once.
    g.ok("cy", "char new Cy cleric 3 human");
    g.ok("cy", "look");
    let r = g.ok("cy", "party");
    assert!(
        notes(&r).contains("Aria, Bo, Cy") && notes(&r).contains("Open"),
        "{}",
        notes(&r)
    );
    g.ok("cy", "party leave");
    assert!(g.refused("cy", "party leave").contains("not in the party"));
    // Two in the party: two ballots settle where it goes; Cy has no say.
    g.ok("aria", "use lever");
    g.ok("aria", "go n");
    assert!(g.refused("cy", "v 2").contains("only the party votes"));
    g.ok("aria", "v 1");
    let r = g.ok("bo", "v 1");
    assert!(notes(&r).contains("The party chooses"), "{}", notes(&r));
    assert_eq!(g.table.adventure.as_ref().unwrap().area, "hall");
    // The fight the hall starts is the party's: Cy is not in it.
    let enc = g.table.encounter.as_ref().unwrap();
    assert!(
        enc.order.iter().all(|s| s.handle != "cy"),
        "{:?}",
        enc.order
    );
    win(&mut g);
    g.ok("cy", "party join");
    g.ok("cy", "light");
    g.assert_replays();
}

#[test]
fn a_traps_lasting_poison_stays_on_out_of_a_fight_until_the_clock_wears_it_off() {
    use rules::mechanics::Condition;
    // The keep's hall pit, made a poison spray no one resists, and no goblins.
    let mut keep = serde_json::to_value(keep()).unwrap();
    let hall = &mut keep["areas"][1];
    hall["encounter"] = serde_json::Value::Null;
    hall["traps"][0]["effect"] = serde_json::json!([{ "type": "save", "ability": "constitution", "dc": 40,
        "fail": [{ "type": "apply", "effect": { "name": "Spore poison", "conditions": ["poisoned"],
            "duration": { "until": "rounds", "rounds": 300 } } }] }]);
    let keep: Adventure = serde_json::from_value(keep).unwrap();
    let mut g = Game::new(7);
    g.ok("aria", "char new Aria fighter 3 human");
    g.ok_command(
        &pid("dm"),
        Command::Dm(DmCommand::Adventure {
            id: keep.id.clone(),
            adventure: Some(Box::new(keep)),
        }),
    );
    g.ok("aria", "use lever");
    let r = g.ok("aria", "go n");
    assert!(said(&r).contains("Spore poison"), "{}", said(&r));
    let poisoned = |g: &Game| g.sheet("aria").conditions.has(Condition::Poisoned);
    assert!(poisoned(&g), "the poison holds out of a fight");
    // 30 minutes: it wears off as the third turn passes, not before.
    g.ok("aria", "go s");
    g.ok("aria", "go n");
    assert!(poisoned(&g));
    let r = g.ok("aria", "go s");
    assert!(!poisoned(&g), "worn off after 30 minutes: {}", said(&r));
    assert!(said(&r).contains("Spore poison"), "{}", said(&r));
    g.assert_replays();
}

#[test]
fn the_party_leaves_by_the_way_in_and_the_adventure_ends_neither_won_nor_lost() {
    let (mut g, _) = begun(&["aria", "bo"]);
    // Two in the party and no leader: no one walks the party out alone.
    assert!(g.refused("bo", "leave").contains("choose a leader"));
    g.ok("aria", "leader aria");
    assert!(g.refused("bo", "leave").contains("only the leader"));
    g.ok("aria", "use lever");
    g.ok("aria", "go n");
    // The hall's goblins: no walking out of a fight.
    assert!(g.refused("aria", "leave").contains("fight"));
    win(&mut g);
    let why = g.refused("aria", "leave");
    assert!(why.contains("the way out is at the Gatehouse"), "{why}");
    g.ok("aria", "go s");
    let out = g.ok("aria", "leave");
    assert!(
        notes(&out).contains("leaves the dungeon"),
        "{}",
        notes(&out)
    );
    let ex = g.table.adventure.as_ref().unwrap();
    assert_eq!(ex.ended.as_deref(), Some(dm::explore::LEFT));
    assert!(!ex.goals.contains("boss"), "no goal reached by leaving");
    assert!(g.refused("aria", "go n").contains("over"));
    g.assert_replays();
}
