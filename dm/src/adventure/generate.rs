//! The seeded dungeon generator: a hub-and-spokes map with loops, budgeted
//! fights, sample traps, a locked door with its key, a secret room, an NPC,
//! treasure and goals, all from one seed. Pure: the same [`Params`] give the
//! same adventure, byte for byte.

use std::collections::BTreeSet;

use rand::rngs::ChaCha20Rng;
use rand::{Rng as _, SeedableRng as _};
use rules::mechanics::DamageType;

use super::{
    Adventure, Area, Attitude, Check, Dir, Door, Encounter, Exit, Feature, Goal, Group, Item,
    Light, Npc, Outcome, Place, Rest, Topic, Trap, Treasure, Trigger, Verb, Wandering, When,
    day_budget, multiplier, thresholds,
};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// The party's level (clamped to 1-20).
    pub level: u8,
    /// The party's size (clamped to 1-8).
    pub party: u8,
    /// How many areas (clamped to 6-60).
    pub rooms: u8,
    /// The seed: the same seed gives the same dungeon.
    pub seed: u64,
}

impl Params {
    /// The smallest and largest room counts.
    pub const ROOMS: (u8, u8) = (6, 60);
}

struct Gen {
    rng: ChaCha20Rng,
    level: u8,
    party: u8,
}

impl Gen {
    /// An unbiased number in `0..n` (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let n = n as u64;
        let zone = u64::MAX - (u64::MAX % n + 1) % n;
        loop {
            let w = self.rng.next_u64();
            if w <= zone {
                return (w % n) as usize;
            }
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// Monsters whose adjusted XP falls in `lo..hi` for the party; the
    /// closest found when none does. `boss`: one leader of the strongest
    /// kind that fits, with minions. Fair fights for the party's level
    /// ([`Gen::fair`]) are looked for first, any kind only when none fits.
    fn monsters(&mut self, lo: u32, hi: u32, boss: bool) -> Vec<Group> {
        let fair = self.search(lo, hi, boss, true);
        let found = match fair {
            Some((0, _)) => fair,
            _ => {
                let any = self.search(lo, hi, boss, false);
                match (&fair, &any) {
                    (Some((f, _)), Some((a, _))) if f <= a => fair,
                    (Some(_), None) => fair,
                    _ => any,
                }
            }
        };
        found.map(|(_, g)| g).unwrap_or_else(|| {
            vec![Group {
                monster: "goblin".into(),
                count: 1,
                place: Place::Near,
            }]
        })
    }

    /// Whether a party of this level can fight `m` fairly: its challenge
    /// no higher than the level (a boss is made hard by its minions, not by
    /// one monster above the party); below 5th level, when the party has
    /// no magic weapons yet, no resistance to nonmagical weapons; and at
    /// no level immunity to them (the dungeon gives no party the magic
    /// weapons it would need: a fighter and a rogue who can't scratch a
    /// werewolf make a fight no one can end).
    fn fair(&self, m: &rules::content::Monster) -> bool {
        let top = f64::from(self.level);
        let weapons = [
            DamageType::Bludgeoning,
            DamageType::Piercing,
            DamageType::Slashing,
        ];
        let nonmagical = |d: &rules::content::DamageDefense| {
            d.qualifier
                .as_deref()
                .is_some_and(|q| q.contains("nonmagical"))
                && d.types.iter().any(|t| weapons.contains(t))
        };
        let resists = m.damage_resistances.iter().any(nonmagical);
        let immune = m.damage_immunities.iter().any(nonmagical);
        m.cr.value() <= top && !immune && !(self.level < 5 && resists)
    }

    /// The search behind [`Gen::monsters`]: the groups found and how far
    /// their XP misses `lo..hi` (0: inside). `fair`: only fair kinds
    /// ([`Gen::fair`]). Never more monsters than the party has characters
    /// (three at least): a crowd's actions outweigh its XP.
    fn search(&mut self, lo: u32, hi: u32, boss: bool, fair: bool) -> Option<(u32, Vec<Group>)> {
        let all = rules::content::monsters();
        let mut best: Option<(u32, Vec<Group>)> = None;
        let most = self.party.clamp(3, 8);
        // A boss is searched for from the strongest leaders that fit down
        // (starting a few places in, for variety), so that even a large
        // high-level party finds one in its budget; other fights draw
        // leaders at random.
        let mut leads: Vec<usize> = (0..all.len())
            .filter(|&i| all[i].xp > 0 && all[i].xp < hi && (!fair || self.fair(&all[i])))
            .collect();
        leads.sort_by_key(|&i| std::cmp::Reverse(all[i].xp));
        let skip = self.below(leads.len().clamp(1, 6)).min(leads.len());
        leads.rotate_left(skip);
        let tries = if boss { leads.len() * 4 } else { 96 };
        for attempt in 0..tries {
            let lead = if boss {
                &all[leads[attempt / 4]]
            } else if fair {
                if leads.is_empty() {
                    break;
                }
                &all[leads[self.below(leads.len())]]
            } else {
                &all[self.below(all.len())]
            };
            if lead.xp == 0 || lead.xp >= hi {
                continue;
            }
            let minion = &all[self.below(all.len())];
            if boss && fair && !self.fair(minion) {
                continue;
            }
            for count in 1..=most {
                let (groups, total, n) = if boss {
                    let minions = count - 1;
                    let mut g = vec![Group {
                        monster: lead.id.clone(),
                        count: 1,
                        place: Place::Near,
                    }];
                    if minions > 0
                        && minion.xp > 0
                        && minion.xp * 4 <= lead.xp
                        && minion.id != lead.id
                    {
                        g.push(Group {
                            monster: minion.id.clone(),
                            count: minions,
                            place: Place::Engaged,
                        });
                        (
                            g,
                            lead.xp + minion.xp * u32::from(minions),
                            u32::from(count),
                        )
                    } else if minions == 0 {
                        (g, lead.xp, 1)
                    } else {
                        continue;
                    }
                } else {
                    let place = *self.pick(&[Place::Engaged, Place::Near, Place::Near, Place::Far]);
                    (
                        vec![Group {
                            monster: lead.id.clone(),
                            count,
                            place,
                        }],
                        lead.xp * u32::from(count),
                        u32::from(count),
                    )
                };
                let xp = total * multiplier(n, self.party) / 2;
                if (lo..hi).contains(&xp) {
                    return Some((0, groups));
                }
                let miss = if xp < lo { lo - xp } else { xp - hi };
                if best.as_ref().is_none_or(|(m, _)| miss < *m) {
                    best = Some((miss, groups));
                }
                if xp >= hi {
                    break;
                }
            }
        }
        best
    }
}

const ADJECTIVES: [&str; 16] = [
    "Dripping",
    "Collapsed",
    "Silent",
    "Mossy",
    "Flooded",
    "Smoky",
    "Narrow",
    "Vaulted",
    "Crumbling",
    "Cold",
    "Echoing",
    "Rusted",
    "Sunken",
    "Painted",
    "Bone-strewn",
    "Root-choked",
];
const ROOMS: [&str; 16] = [
    "Cellar",
    "Hall",
    "Gallery",
    "Cistern",
    "Chapel",
    "Barracks",
    "Kennel",
    "Larder",
    "Crypt",
    "Armory",
    "Shrine",
    "Well Room",
    "Library",
    "Forge",
    "Cave",
    "Storeroom",
];
const DETAILS: [&str; 16] = [
    "Water drips from the ceiling.",
    "Old bones crunch underfoot.",
    "Soot blackens the walls.",
    "A cold draught stirs the dust.",
    "Roots hang through cracked stone.",
    "Broken crates lie in heaps.",
    "Faded murals show a king at war.",
    "The floor is slick with mud.",
    "Rusted chains hang from the wall.",
    "Something scratches behind the stone.",
    "A sour smell of old smoke.",
    "Cobwebs fill the corners.",
    "Scratched tallies cover one wall.",
    "A dry fountain, its basin cracked.",
    "Toppled shelves and torn books.",
    "Puddles reflect your light.",
];
const PLACES: [&str; 8] = [
    "Barrow",
    "Keep",
    "Warrens",
    "Vault",
    "Undercroft",
    "Mine",
    "Catacombs",
    "Halls",
];
const OWNERS: [&str; 8] = [
    "the Ash King",
    "Mother Gull",
    "the Grey Abbot",
    "Tarn the Smith",
    "the Lost Legion",
    "Old Vesk",
    "the Salt Witch",
    "the Nine Lanterns",
];
const RELICS: [&str; 6] = [
    "bronze crown",
    "jade idol",
    "gilded skull",
    "silver chalice",
    "ivory horn",
    "amber seal",
];

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn area(id: String, name: String, short: String, light: Light, rest: Rest) -> Area {
    Area {
        id,
        name,
        text: String::new(),
        short,
        light,
        rest,
        exits: Vec::new(),
        features: Vec::new(),
        traps: Vec::new(),
        encounter: None,
        wandering: None,
        treasure: None,
    }
}

/// Connects areas `a` and `b` both ways (unless `one_way`), by a free
/// direction when there is one, else by a label.
fn connect(
    g: &mut Gen,
    areas: &mut [Area],
    a: usize,
    b: usize,
    door: Option<Door>,
    hidden: Option<u8>,
) {
    let free: Vec<Dir> = Dir::ALL
        .into_iter()
        .filter(|d| {
            areas[a].exits.iter().all(|e| e.dir != Some(*d))
                && areas[b].exits.iter().all(|e| e.dir != Some(d.opposite()))
        })
        .collect();
    let dir = (!free.is_empty()).then(|| *g.pick(&free));
    let label = match (&door, hidden) {
        (_, Some(_)) => Some("secret door".to_string()),
        (Some(_), None) => Some("iron door".to_string()),
        (None, None) if dir.is_none() => {
            Some(format!("passage to {}", areas[b].name.to_lowercase()))
        }
        _ => None,
    };
    let back_label = match (&door, dir) {
        (Some(_), _) | (_, None) => Some(format!("way to {}", areas[a].name.to_lowercase())),
        _ => None,
    };
    let to_b = areas[b].id.clone();
    let to_a = areas[a].id.clone();
    areas[a].exits.push(Exit {
        to: to_b,
        dir,
        label,
        door: door.clone(),
        hidden,
    });
    areas[b].exits.push(Exit {
        to: to_a,
        dir: dir.map(Dir::opposite),
        label: back_label,
        door,
        hidden: None,
    });
}

/// A dungeon for `params`, sound by [`super::check`] and reproducible from
/// its seed.
///
/// ```
/// use dm::adventure::{Params, check, generate};
/// let params = Params { level: 3, party: 4, rooms: 15, seed: 7 };
/// let dungeon = generate(params);
/// assert_eq!(dungeon.areas.len(), 15);
/// assert_eq!(check(&dungeon), []);
/// assert_eq!(dungeon, generate(params));
/// ```
pub fn generate(params: Params) -> Adventure {
    let level = params.level.clamp(1, 20);
    let party = params.party.clamp(1, 8);
    let n = usize::from(params.rooms.clamp(Params::ROOMS.0, Params::ROOMS.1));
    let mut g = Gen {
        rng: ChaCha20Rng::seed_from_u64(params.seed),
        level,
        party,
    };
    let t = thresholds(g.level, g.party);

    let place = *g.pick(&PLACES);
    let owner = *g.pick(&OWNERS);
    let relic = format!("the {}", g.pick(&RELICS));
    let key = "iron key".to_string();

    // Areas: 0 the entrance, n-2 the secret room, n-1 the boss's lair.
    let mut areas = Vec::with_capacity(n);
    let mut used = BTreeSet::new();
    for i in 0..n {
        let (name, light, rest) = if i == 0 {
            ("Entrance".to_string(), Light::Dim, Rest::Long)
        } else if i == n - 1 {
            (format!("Lair of {owner}"), Light::Dim, Rest::None)
        } else if i == n - 2 {
            ("Hidden Vault".to_string(), Light::Dark, Rest::Long)
        } else {
            let mut name;
            loop {
                name = format!("{} {}", g.pick(&ADJECTIVES), g.pick(&ROOMS));
                if used.insert(name.clone()) {
                    break;
                }
                if used.len() > 200 {
                    name = format!("{name} {i}");
                    break;
                }
            }
            let light = *g.pick(&[Light::Dark, Light::Dark, Light::Dim]);
            (name, light, Rest::Short)
        };
        let detail = *g.pick(&DETAILS);
        let short = format!("{name}. {detail}");
        areas.push(area(
            format!("{}-{i}", slug(&name)),
            name,
            short,
            light,
            rest,
        ));
    }

    // Hubs 1..=hubs chained from the entrance; spokes hang off hubs or off
    // earlier spokes; then loops.
    let middle = n - 3;
    let hubs = (middle / 4).max(1);
    let mut edges: BTreeSet<(usize, usize)> = BTreeSet::new();
    let link = |g: &mut Gen,
                areas: &mut Vec<Area>,
                a: usize,
                b: usize,
                edges: &mut BTreeSet<(usize, usize)>| {
        if a == b || !edges.insert((a.min(b), a.max(b))) {
            return false;
        }
        connect(g, areas, a, b, None, None);
        true
    };
    for h in 1..=hubs {
        link(&mut g, &mut areas, h - 1, h, &mut edges);
    }
    for r in hubs + 1..=middle {
        let from = if g.chance(35) && r > hubs + 1 {
            hubs + 1 + g.below(r - hubs - 1)
        } else {
            1 + g.below(hubs)
        };
        link(&mut g, &mut areas, from, r, &mut edges);
    }
    for _ in 0..middle.div_ceil(4) {
        let a = 1 + g.below(middle);
        let b = 1 + g.below(middle);
        link(&mut g, &mut areas, a, b, &mut edges);
    }
    // The lair behind a locked door off the last hub.
    let door = Door {
        locked: true,
        pick: Some(12 + level / 4),
        force: Some(15 + level / 4),
        key: Some(key.clone()),
    };
    connect(&mut g, &mut areas, hubs, n - 1, Some(door), None);
    // The secret vault off a random hub.
    let vault_hub = 1 + g.below(hubs);
    connect(
        &mut g,
        &mut areas,
        vault_hub,
        n - 2,
        None,
        Some(12 + level / 3),
    );
    // A secret way out of the lair to the entrance.
    let entrance = areas[0].id.clone();
    let free = Dir::ALL
        .into_iter()
        .find(|d| areas[n - 1].exits.iter().all(|e| e.dir != Some(*d)));
    areas[n - 1].exits.push(Exit {
        to: entrance,
        dir: free,
        label: Some("secret tunnel".into()),
        door: None,
        hidden: Some(10 + level / 2),
    });

    // The boss first, hard (in the lower half from hard to deadly: the
    // lair's fight has no retreat); then fights in about half of the
    // middle rooms, two in three medium, the others easy (hard ones are the
    // boss's: a party walking in on monsters has no way to pick its
    // fights), within the party's adventuring day (all the fights it can
    // take between long rests, the boss's included).
    let boss = g.monsters(t.hard, t.hard + (t.deadly - t.hard) / 2, true);
    let mut day = day_budget(level, party).saturating_sub(super::xp_of(&boss, party));
    let band = |d: usize| match d {
        0 | 1 => (t.easy, t.medium),
        _ => (t.medium, t.hard),
    };
    let mut fights = 0;
    for (i, area) in areas.iter_mut().enumerate().take(middle + 1).skip(1) {
        let must = i == middle && fights == 0;
        if !(g.chance(50) || must) {
            continue;
        }
        let mut d = g.below(6);
        if band(d).1 > day {
            d = 0;
        }
        let (lo, hi) = band(d);
        if hi > day && !must {
            continue;
        }
        let monsters = g.monsters(lo, hi, false);
        day = day.saturating_sub(super::xp_of(&monsters, party));
        let surprise = g.chance(25);
        area.encounter = Some(Encounter {
            monsters,
            surprise,
            boss: false,
            text: None,
        });
        fights += 1;
    }
    areas[n - 1].encounter = Some(Encounter {
        monsters: boss,
        surprise: false,
        boss: true,
        text: Some(format!("{owner} rises to defend the hoard.")),
    });
    // Wandering monsters on the first hub.
    let wanderers = g.monsters(t.easy, t.medium, false);
    areas[1].wandering = Some(Wandering {
        chance: 3,
        monsters: wanderers,
    });

    // Traps from the samples that suit the level.
    let samples: &[&str] = match level {
        1..=2 => &["pit", "hidden-pit", "falling-net", "spiked-pit"],
        3..=4 => &[
            "spiked-pit",
            "falling-net",
            "collapsing-roof",
            "poison-darts",
            "fire-breathing-statue",
        ],
        _ => &[
            "collapsing-roof",
            "poison-darts",
            "fire-breathing-statue",
            "rolling-sphere",
            "locking-pit",
        ],
    };
    let traps = (n / 6).max(2);
    let mut placed = 0;
    while placed < traps {
        let i = 1 + g.below(middle);
        let sample = *g.pick(samples);
        let id = format!("trap-{placed}");
        if !areas[i].traps.is_empty() {
            continue;
        }
        placed += 1;
        areas[i].traps.push(Trap {
            id,
            name: sample.replace('-', " "),
            sample: Some(sample.into()),
            trigger: Trigger::Enter,
            detect: None,
            disarm: None,
            effect: Vec::new(),
            text: String::new(),
        });
    }

    // The key in a search feature anywhere but the lair and the vault.
    let key_room = g.below(middle + 1);
    areas[key_room].features.push(Feature {
        id: "key".into(),
        name: "loose stone".into(),
        text: "One stone in the wall sits a little proud of the rest.".into(),
        verb: Verb::Search,
        check: Some(Check {
            skill: "investigation".into(),
            dc: 10 + level / 4,
        }),
        success: vec![
            Outcome::Give { item: key.clone() },
            Outcome::Say {
                text: "Behind the stone: an iron key.".into(),
            },
        ],
        failure: Vec::new(),
        once: true,
    });

    // Treasure: coins in fight rooms, a hoard in the vault and the lair.
    let coin = u32::from(level) * 10;
    for a in areas.iter_mut().take(middle + 1).skip(1) {
        if a.encounter.is_some() {
            a.treasure = Some(Treasure {
                gp: coin / 2 + (a.name.len() as u32 % 7) * u32::from(level),
                sp: coin,
                ..Treasure::default()
            });
        }
    }
    let rarities: &[&str] = match level {
        1..=4 => &["common", "uncommon"],
        5..=10 => &["uncommon", "rare"],
        _ => &["rare", "very rare"],
    };
    let magic: Vec<&str> = rules::content::items()
        .iter()
        .filter(|i| i.magic && i.rarity.as_deref().is_some_and(|r| rarities.contains(&r)))
        .map(|i| i.name.as_str())
        .collect();
    let prize = g.pick(&magic).to_string();
    areas[n - 2].treasure = Some(Treasure {
        gp: coin * 5,
        items: vec!["Potion of Healing".into(), prize],
        ..Treasure::default()
    });
    areas[n - 1].treasure = Some(Treasure {
        gp: coin * 10,
        items: vec![relic.clone()],
        ..Treasure::default()
    });

    // An NPC in a quiet middle room: helps when won over, hints either way.
    let quiet: Vec<usize> = (1..=middle)
        .filter(|&i| areas[i].encounter.is_none())
        .collect();
    let npc_room = if quiet.is_empty() { 0 } else { *g.pick(&quiet) };
    let npc_area = areas[npc_room].id.clone();
    let npcs = vec![Npc {
        id: "prisoner".into(),
        name: "Wenna the Prisoner".into(),
        area: npc_area,
        attitude: Attitude::Indifferent,
        greeting: format!("A ragged woman in chains eyes you. 'Another fool come for {relic}?'"),
        lines: vec![
            Topic {
                about: vec!["key".into(), "door".into()],
                text: "The guards hide their iron key behind a loose stone.".into(),
                needs: Attitude::Indifferent,
            },
            Topic {
                about: vec!["secret".into(), "vault".into()],
                text: format!(
                    "{owner} has a vault behind a secret door. And a back way out of the lair."
                ),
                needs: Attitude::Friendly,
            },
        ],
        persuade: Some(10 + level / 2),
        helps: vec![
            Outcome::Give {
                item: "Potion of Healing".into(),
            },
            Outcome::Say {
                text: "'Take this. I stole it from them. Now get me out.'".into(),
            },
        ],
    }];

    let boss_xp: u32 = areas[n - 1]
        .encounter
        .as_ref()
        .map_or(0, |e| super::xp_of(&e.monsters, party));
    let goals = vec![
        Goal {
            id: "boss".into(),
            text: format!("Defeat {owner}."),
            xp: boss_xp / 2,
            ends: false,
            when: When::Defeat {
                area: areas[n - 1].id.clone(),
            },
        },
        Goal {
            id: "vault".into(),
            text: "Find the hidden vault.".into(),
            xp: u32::from(level) * 25 * u32::from(party),
            ends: false,
            when: When::Reach {
                area: areas[n - 2].id.clone(),
            },
        },
        Goal {
            id: "relic".into(),
            text: format!("Carry {relic} out of the {}.", place.to_lowercase()),
            xp: t.medium,
            ends: true,
            when: When::Carry {
                item: relic.clone(),
                to: areas[0].id.clone(),
            },
        },
    ];

    let title = format!("The {place} of {owner}");
    Adventure {
        id: format!("generated-{}", params.seed),
        title: title.clone(),
        levels: [level, level],
        party,
        author: "dungeon adventure generate".into(),
        attribution: super::SRD_ATTRIBUTION.into(),
        intro: format!(
            "{title}. Rumour says {owner} keeps {relic} in the deepest room, behind an iron door. \
             Bring it back out."
        ),
        start: areas[0].id.clone(),
        areas,
        npcs,
        goals,
        items: vec![
            Item {
                name: key,
                text: "A heavy iron key.".into(),
            },
            Item {
                name: relic,
                text: format!("The treasure of {owner}."),
            },
        ],
    }
}
