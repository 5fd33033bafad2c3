//! The tactician's judgement, each on a table played through the DM core:
//! focus the wounded, use a multiattack, breathe when it catches several
//! and not before it recharges, pack tactics, break concentration, morale.
#![allow(clippy::unwrap_used, missing_docs)]

use dm::seed::TableSeed;
use dm::{Ctx, PlayerId, Table, handle};
use monsters::tactician::best;
use monsters::view::{commands, request};
use rules::dice::Roller;

struct Game {
    table: Table,
    seed: TableSeed,
    now: u64,
    roller: Roller,
}

impl Game {
    fn new() -> Self {
        let seed = TableSeed::from_entropy_bytes([4; 32]);
        let mut table = Table::default();
        table
            .apply(&Table::opened(
                PlayerId::new("dm"),
                seed.commitment().to_string(),
            ))
            .unwrap();
        Self {
            table,
            seed,
            now: 1_000,
            roller: Roller::new(),
        }
    }

    fn ok(&mut self, who: &str, line: &str) {
        self.now += 6;
        let command = dm::parse(line).unwrap();
        let mut dice = self.seed.stream(self.table.next_roll);
        let outcome = handle(
            &self.table,
            &command,
            Ctx {
                actor: PlayerId::new(who),
                dice: &mut dice,
                roller: &mut self.roller,
                now: self.now,
            },
        )
        .unwrap_or_else(|e| panic!("{line}: {e}"));
        for e in &outcome.events {
            self.table.apply_with(e, &mut self.roller).unwrap();
        }
    }

    fn skip_to(&mut self, h: &str) {
        for _ in 0..40 {
            if self.table.encounter.as_ref().unwrap().current() == Some(h) {
                return;
            }
            self.ok("dm", "n");
        }
        panic!("{h} never got a turn");
    }

    /// The tactician's choice for `h`, checked to be carried out as listed.
    fn choice(&self, h: &str) -> String {
        let plan = best(&request(&self.table, &[h.to_owned()]));
        let id = plan.moves[0].1.clone();
        assert!(commands(&self.table, h, &id).is_some(), "{id} is not legal");
        id
    }
}

fn party(g: &mut Game, who: &[(&str, &str)]) {
    for (h, line) in who {
        g.ok(h, line);
    }
    g.ok("dm", "dm encounter");
}

#[test]
fn it_finishes_the_wounded_foe() {
    let mut g = Game::new();
    party(
        &mut g,
        &[
            ("aria", "char new Aria fighter 3 human"),
            ("bo", "char new Bo fighter 3 human"),
        ],
    );
    g.ok("dm", "madd goblin --avg");
    g.ok("dm", "n");
    g.ok("dm", "dm place g1 engaged aria");
    g.ok("dm", "dm place g1 engaged bo");
    g.ok("dm", "dm hp bo -25");
    g.skip_to("g1");
    let id = g.choice("g1");
    let r = request(&g.table, &["g1".to_owned()]);
    assert!(
        id.ends_with(":bo"),
        "{id}: {:?} {:?}",
        g.table.character("bo").unwrap().health,
        r.actors[0].options
    );
}

#[test]
fn it_uses_its_multiattack() {
    let mut g = Game::new();
    party(&mut g, &[("aria", "char new Aria fighter 5 human")]);
    g.ok("dm", "madd owlbear --avg");
    g.ok("dm", "n");
    g.ok("dm", "dm place o1 engaged aria");
    g.skip_to("o1");
    assert_eq!(g.choice("o1"), "attack:multiattack:aria");
}

#[test]
fn it_breathes_on_several_and_not_before_the_breath_recharges() {
    let mut g = Game::new();
    party(
        &mut g,
        &[
            ("aria", "char new Aria fighter 5 human"),
            ("bo", "char new Bo rogue 5 human"),
            ("cy", "char new Cy cleric 5 human"),
        ],
    );
    g.ok("dm", "madd young red dragon --avg");
    g.ok("dm", "n");
    let d = g.table.encounter.as_ref().unwrap().monsters[0]
        .handle
        .clone();
    g.skip_to(&d);
    let id = g.choice(&d);
    assert_eq!(id, "use:fire-breath", "{id}");
    for c in commands(&g.table, &d, &id).unwrap() {
        g.ok("dm", &describe(&c));
    }
    // Spent: the next choice is something else, until it recharges.
    assert_ne!(g.choice(&d), "use:fire-breath");
}

fn describe(c: &dm::Command) -> String {
    // The option's own commands, typed as the DM would.
    match c {
        dm::Command::Dm(dm::DmCommand::As { monster, command }) => match &**command {
            dm::Command::Attack {
                weapon, targets, ..
            } => {
                let t: Vec<String> = targets.iter().map(|t| format!("-t {t}")).collect();
                format!(
                    "dm as {monster} a {} {}",
                    weapon.to_lowercase(),
                    t.join(" ")
                )
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn pack_tactics_picks_the_foe_an_ally_already_fights() {
    let mut g = Game::new();
    party(
        &mut g,
        &[
            ("aria", "char new Aria fighter 3 human"),
            ("bo", "char new Bo fighter 3 human"),
        ],
    );
    g.ok("dm", "madd wolf -n 2 --avg");
    g.ok("dm", "n");
    g.ok("dm", "dm place w1 engaged bo");
    g.skip_to("w2");
    let id = g.choice("w2");
    assert_eq!(id, "move:bo+attack:bite:bo", "{id}");
}

#[test]
fn a_clever_monster_breaks_concentration() {
    let mut g = Game::new();
    party(
        &mut g,
        &[
            ("aria", "char new Aria cleric 3 human"),
            ("bo", "char new Bo cleric 3 human"),
        ],
    );
    g.ok("dm", "madd goblin -n 2 --avg");
    g.ok("dm", "n");
    g.skip_to("bo");
    g.ok("dm", "dm place bo near g2");
    g.ok("bo", "cast bless -t bo -t aria");
    g.ok("bo", "n");
    g.ok("dm", "dm place g1 engaged aria");
    g.ok("dm", "dm place g1 engaged bo");
    g.skip_to("g1");
    let id = g.choice("g1");
    assert!(id.ends_with(":bo"), "Bo holds Bless: {id}");
}

#[test]
fn a_beaten_goblin_runs() {
    let mut g = Game::new();
    party(&mut g, &[("aria", "char new Aria fighter 3 human")]);
    g.ok("dm", "madd goblin -n 3 --avg");
    g.ok("dm", "n");
    g.ok("dm", "dm place g1 engaged aria");
    g.ok("dm", "dm hp g2 -99");
    g.ok("dm", "dm hp g3 -99");
    g.skip_to("g1");
    assert_ne!(g.choice("g1"), "flee", "unhurt, it fights on");
    g.ok("dm", "dm hp g1 -5");
    assert_eq!(g.choice("g1"), "flee");
}

#[test]
fn an_archer_in_melee_can_step_back_and_shoot() {
    let mut g = Game::new();
    party(&mut g, &[("aria", "char new Aria fighter 3 human")]);
    g.ok("dm", "madd goblin --avg");
    g.ok("dm", "n");
    g.ok("dm", "dm place g1 engaged aria");
    g.skip_to("g1");
    let r = request(&g.table, &["g1".to_owned()]);
    let back = r.actors[0]
        .options
        .iter()
        .find(|o| o.id == "back+attack:shortbow:aria")
        .expect("a step back and a shot is offered");
    assert!(back.summary.contains("provokes"), "{}", back.summary);
    assert!(commands(&g.table, "g1", &back.id).is_some());
}

#[test]
fn a_mage_casts_and_spends_its_slots() {
    let mut g = Game::new();
    party(
        &mut g,
        &[
            ("aria", "char new Aria fighter 5 human"),
            ("bo", "char new Bo rogue 5 human"),
            ("cy", "char new Cy cleric 5 human"),
        ],
    );
    g.ok("dm", "madd mage --avg");
    g.ok("dm", "n");
    g.skip_to("m1");
    let id = g.choice("m1");
    assert!(id.starts_with("cast:"), "{id}");
    let before = g
        .table
        .encounter
        .as_ref()
        .unwrap()
        .monster("m1")
        .unwrap()
        .slots
        .clone();
    let cmds = commands(&g.table, "m1", &id).unwrap();
    for c in &cmds {
        let mut dice = g.seed.stream(g.table.next_roll);
        let outcome = handle(
            &g.table,
            c,
            Ctx {
                actor: PlayerId::new("dm"),
                dice: &mut dice,
                roller: &mut g.roller,
                now: 5_000,
            },
        )
        .unwrap_or_else(|e| panic!("{id}: {e}"));
        for e in &outcome.events {
            g.table.apply_with(e, &mut g.roller).unwrap();
        }
    }
    let after = &g
        .table
        .encounter
        .as_ref()
        .unwrap()
        .monster("m1")
        .unwrap()
        .slots;
    let slot: u8 = id.split(':').nth(2).unwrap().parse().unwrap();
    if slot > 0 {
        assert_ne!(&before, after, "{id} spent a slot");
    }
}

#[test]
fn a_priest_heals_a_badly_hurt_ally() {
    let mut g = Game::new();
    party(&mut g, &[("aria", "char new Aria fighter 3 human")]);
    g.ok("dm", "madd priest --avg");
    g.ok("dm", "madd bandit --avg");
    g.ok("dm", "n");
    g.ok("dm", "dm hp b1 -9");
    g.ok("dm", "dm place p1 engaged b1");
    g.skip_to("p1");
    let id = g.choice("p1");
    assert!(
        id.starts_with("cast:cure-wounds:") && id.ends_with(":b1"),
        "{id}"
    );
}
