//! The evaluation harness behind `dungeon eval monsters`: whole encounters
//! played in memory through the DM core, an SRD party (fighter, cleric,
//! rogue, wizard) against SRD monsters of a matching challenge, the party on
//! the built-in turn and the monsters on the planner under test.
//!
//! Pure: dice come from each encounter's seed, time is a counter; the
//! caller supplies the planner as a function (an LLM planner runs its
//! network call there).

use std::time::{Duration, Instant};

use dm::seed::TableSeed;
use dm::{Command, Ctx, PlayerId, Table, handle};
use rules::dice::Roller;
use rules::mechanics::LifeState;

use crate::{Plan, TurnRequest, view};

/// What one encounter came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The party's level.
    pub level: u8,
    /// The monsters, as `3 × goblin`.
    pub monsters: String,
    /// The monsters won (the whole party down or dead).
    pub monsters_won: bool,
    /// Neither side won within the round limit.
    pub draw: bool,
    /// Rounds played.
    pub rounds: u32,
    /// Monster decisions made.
    pub decisions: u32,
    /// Decisions whose option the DM core refused as chosen (the shell then
    /// ends the turn instead).
    pub illegal: u32,
    /// How long each decision took (building the request and choosing).
    pub latencies: Vec<Duration>,
}

/// The most rounds an encounter may last.
const MAX_ROUNDS: u32 = 30;

/// DMG per-character XP thresholds for a deadly encounter, levels 1–10:
/// a fight either side can win, so that choices matter.
const DEADLY_XP: [u32; 10] = [100, 200, 400, 500, 1_100, 1_400, 1_700, 2_100, 2_400, 2_800];

/// A small deterministic generator for picking encounters (SplitMix64).
#[derive(Debug, Clone)]
pub struct Picker(u64);

impl Picker {
    /// Starts at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 if `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        usize::try_from(self.next_u64() % n as u64).unwrap_or(0)
    }
}

/// The party's lines: a fighter, a cleric, a rogue and a wizard.
pub(crate) fn party(level: u8) -> [(&'static str, String); 4] {
    [
        ("brom", format!("char new Brom fighter {level} hill dwarf")),
        ("dara", format!("char new Dara cleric {level} human")),
        (
            "cade",
            format!("char new Cade rogue {level} lightfoot halfling"),
        ),
        ("aria", format!("char new Aria wizard {level} high elf")),
    ]
}

/// Picks a monster kind and count for a party of four at `level`: a kind
/// of challenge between a quarter of the level and the level, as many as a
/// deadly encounter's XP budget allows (DMG multipliers), one to six.
pub fn pick_monsters(level: u8, picker: &mut Picker) -> (String, u32) {
    let lvl = f64::from(level);
    let kinds: Vec<&rules::content::Monster> = rules::content::monsters()
        .iter()
        .filter(|m| {
            let cr = m.cr.value();
            cr <= lvl && cr >= (lvl / 4.0).max(0.125) && m.xp > 0
        })
        .filter(|m| m.actions.iter().any(|a| a.attack.is_some()))
        .collect();
    let m = kinds[picker.below(kinds.len())];
    let budget = DEADLY_XP[usize::from(level.clamp(1, 10) - 1)] * 4;
    let mut count = 1;
    for n in 1..=6u32 {
        let mult = match n {
            1 => 1.0,
            2 => 1.5,
            _ => 2.0,
        };
        if f64::from(m.xp * n) * mult <= f64::from(budget) {
            count = n;
        }
    }
    (m.id.clone(), count)
}

pub(crate) struct Game {
    pub(crate) table: Table,
    pub(crate) seed: TableSeed,
    pub(crate) now: u64,
    pub(crate) roller: Roller,
}

impl Game {
    pub(crate) fn run(&mut self, who: &str, command: &Command) -> bool {
        self.run_reply(who, command).is_some()
    }

    /// [`Game::run`], giving the reply of an accepted command.
    pub(crate) fn run_reply(&mut self, who: &str, command: &Command) -> Option<dm::Reply> {
        self.now += 6;
        let mut dice = self.seed.stream(self.table.next_roll);
        match handle(
            &self.table,
            command,
            Ctx {
                actor: PlayerId::new(who),
                dice: &mut dice,
                roller: &mut self.roller,
                now: self.now,
            },
        ) {
            Ok(outcome) => {
                for e in &outcome.events {
                    self.table.apply_with(e, &mut self.roller).ok()?;
                }
                Some(outcome.reply)
            }
            Err(_) => None,
        }
    }

    pub(crate) fn line(&mut self, who: &str, text: &str) -> bool {
        dm::parse(text).is_ok_and(|c| self.run(who, &c))
    }
}

fn standing(table: &Table) -> (usize, usize) {
    let Some(enc) = &table.encounter else {
        return (0, 0);
    };
    let monsters = enc
        .monsters
        .iter()
        .filter(|m| m.health.state() == LifeState::Conscious)
        .count();
    let party = table
        .characters
        .iter()
        .filter(|c| c.health.state() == LifeState::Conscious)
        .count();
    (party, monsters)
}

/// Plays one encounter at `level` against `count` × `kind`, the monsters
/// choosing with `choose`.
pub fn encounter(
    seed: u64,
    level: u8,
    kind: &str,
    count: u32,
    choose: &mut dyn FnMut(&TurnRequest) -> Plan,
) -> Outcome {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let seed_bytes = TableSeed::from_entropy_bytes(bytes);
    let dm_id = "eval:dm";
    let mut g = Game {
        table: Table::default(),
        seed: seed_bytes.clone(),
        now: 1_000,
        roller: Roller::new(),
    };
    let open = Table::opened(PlayerId::new(dm_id), seed_bytes.commitment().to_string());
    let _ = g.table.apply(&open);
    for (who, line) in party(level) {
        g.line(&format!("eval:{who}"), &line);
    }
    g.line(dm_id, "dm encounter");
    g.line(dm_id, &format!("madd {kind} -n {count}"));
    g.line(dm_id, "n");
    let mut out = Outcome {
        level,
        monsters: format!("{count} × {kind}"),
        monsters_won: false,
        draw: false,
        rounds: 0,
        decisions: 0,
        illegal: 0,
        latencies: Vec::new(),
    };
    for _ in 0..5_000 {
        let (party_up, monsters_up) = standing(&g.table);
        let round = g.table.encounter.as_ref().map_or(0, |e| e.round);
        out.rounds = round;
        if party_up == 0 || monsters_up == 0 || round > MAX_ROUNDS {
            out.monsters_won = party_up == 0 && monsters_up > 0;
            out.draw = party_up > 0 && monsters_up > 0;
            return out;
        }
        let Some(current) = g
            .table
            .encounter
            .as_ref()
            .and_then(|e| e.current().map(str::to_owned))
        else {
            return out;
        };
        let monster = g
            .table
            .encounter
            .as_ref()
            .is_some_and(|e| e.monster(&current).is_some());
        if monster {
            let started = Instant::now();
            let request = view::request(&g.table, std::slice::from_ref(&current));
            let plan = choose(&request);
            out.latencies.push(started.elapsed());
            out.decisions += 1;
            let chosen = plan
                .moves
                .iter()
                .find(|(a, _)| *a == current)
                .map(|(_, id)| id.clone());
            let commands = chosen.and_then(|id| view::commands(&g.table, &current, &id));
            match commands {
                Some(commands) => {
                    for c in &commands {
                        if !g.run(dm_id, c) {
                            // Cut down on the way (an opportunity attack) is
                            // no illegal choice.
                            let alive =
                                g.table.encounter.as_ref().and_then(|e| e.monster(&current));
                            if alive.is_some_and(|m| m.health.state() == LifeState::Conscious) {
                                out.illegal += 1;
                            }
                            break;
                        }
                    }
                }
                None => out.illegal += 1,
            }
            g.run(dm_id, &Command::EndTurn);
        } else {
            let owner = g
                .table
                .players
                .iter()
                .find(|(_, h)| **h == current)
                .map(|(p, _)| p.0.clone())
                .unwrap_or_else(|| dm_id.to_owned());
            let before = (round, current.clone());
            for (as_dm, c) in dm::auto::turn(&g.table) {
                let who = if as_dm { dm_id } else { owner.as_str() };
                g.run(who, &c);
            }
            let now = g
                .table
                .encounter
                .as_ref()
                .map(|e| (e.round, e.current().unwrap_or_default().to_owned()));
            if now == Some(before) {
                g.run(dm_id, &Command::EndTurn);
            }
        }
    }
    out.draw = true;
    out
}

/// A planner that picks uniformly among the legal options (not ending the
/// turn while anything else is possible): the baseline.
pub fn random_legal(request: &TurnRequest, picker: &mut Picker) -> Plan {
    Plan {
        moves: request
            .actors
            .iter()
            .filter_map(|a| {
                let acting: Vec<&crate::OptionView> =
                    a.options.iter().filter(|o| o.id != "end").collect();
                let pool: Vec<&crate::OptionView> = if acting.is_empty() {
                    a.options.iter().collect()
                } else {
                    acting
                };
                let o = pool.get(picker.below(pool.len()))?;
                Some((a.handle.clone(), o.id.clone()))
            })
            .collect(),
        flavour: None,
        usage: None,
    }
}
