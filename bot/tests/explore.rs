//! An adventure as each transport shows it to players: the shipped
//! adventure played whole (the built-in party, explorer and tactician),
//! every reply rendered for the console, Discord and the radio. No secret
//! area's name reaches players before they find the way to it, no
//! monster's hit points or AC show on Discord or the radio, and every
//! radio packet fits 200 bytes, an area in one.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashSet};

use bot::transport::discord::render as discord;
use bot::transport::text::render_line;
use dm::{Line, Table};
use radio::render as radio;

#[test]
fn players_see_only_what_they_found_on_every_transport_and_packets_fit() {
    for adventure in dm::adventure::shipped() {
        // Areas whose only ways in are secret: named nowhere until found.
        let open_ways: HashSet<&str> = adventure
            .areas
            .iter()
            .flat_map(|a| a.exits.iter().filter(|e| e.hidden.is_none()))
            .map(|e| e.to.as_str())
            .chain([adventure.start.as_str()])
            .collect();
        let secrets: BTreeMap<String, String> = adventure
            .areas
            .iter()
            .filter(|a| !open_ways.contains(a.id.as_str()))
            .map(|a| (a.id.clone(), a.name.clone()))
            .collect();
        assert!(!secrets.is_empty(), "{} has a secret area", adventure.id);
        let mut replies = 0;
        let mut checked_secret = 0;
        let run = monsters::explore_eval::play_observed(
            adventure,
            adventure.levels[1],
            1,
            &mut monsters::tactician::best,
            &mut |table: &Table, reply| {
                replies += 1;
                if reply.private {
                    return;
                }
                let ex = table.adventure.as_deref().unwrap();
                let view = discord::View::of(table, false);
                let console: Vec<String> = reply.lines.iter().map(render_line).collect();
                let embed: Vec<String> = reply
                    .lines
                    .iter()
                    .map(|l| discord::line(l, &view))
                    .collect();
                let hidden: HashSet<String> = view.hidden.clone();
                let packet_text = radio::text_for(reply, true, &hidden);
                for (id, name) in &secrets {
                    let known =
                        ex.found.iter().any(|f| f.ends_with(&format!(">{id}"))) || ex.known(id);
                    if known {
                        continue;
                    }
                    checked_secret += 1;
                    for shown in console.iter().chain(&embed).chain([&packet_text]) {
                        assert!(!shown.contains(name.as_str()), "{name} shown: {shown}");
                    }
                }
                for packet in radio::split(&packet_text, radio::MAX_PACKET) {
                    assert!(packet.len() <= radio::MAX_PACKET, "{packet}");
                }
                for line in &reply.lines {
                    if let Line::Area { .. } = line {
                        assert!(radio::line(line).len() <= radio::MAX_PACKET);
                    }
                    // Monsters' numbers stay hidden from players.
                    if let Line::Damage { target, max_hp, .. } = line
                        && hidden.contains(target)
                    {
                        let shown = radio::line_for(line, &hidden);
                        assert!(!shown.contains(&format!("/{max_hp}")), "{shown}");
                    }
                }
            },
        );
        assert!(run.completed || run.party_died, "{}: {run:?}", adventure.id);
        assert!(replies > 50, "{replies}");
        assert!(
            checked_secret > 0,
            "a secret was checked while still hidden"
        );
    }
}
