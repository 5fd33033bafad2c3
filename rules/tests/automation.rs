//! The automation engine on SRD monsters: hand-checked cases and a generated
//! run of every automated monster action against a target.
#![allow(clippy::unwrap_used, missing_docs)]

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rules::automation::{AutomationError, Resolution, Target, run_action};
use rules::content::{self, Action, AutomationLevel, Effect, Monster};
use rules::dice::{self, Advantage, FixedRolls};
use rules::mechanics::{AttackResult, Condition, DamageType};

fn monster(name: &str) -> &'static Monster {
    content::monster(name).unwrap()
}

/// The named action of the named monster, from any of its action lists.
fn action(monster_name: &str, name: &str) -> (&'static Monster, &'static Action) {
    let m = monster(monster_name);
    let a = m
        .actions
        .iter()
        .chain(&m.legendary_actions)
        .chain(&m.reactions)
        .find(|a| a.name == name)
        .unwrap();
    (m, a)
}

/// Runs the named action on one target with fixed dice.
fn act(
    monster_name: &str,
    name: &str,
    target: &Target,
    faces: &[u64],
) -> Result<Vec<Resolution>, AutomationError> {
    let (m, a) = action(monster_name, name);
    run_action(
        m,
        a,
        target,
        Advantage::Normal,
        &mut FixedRolls::new(faces.iter().copied()),
    )
}

fn plain_target(ac: i32, save: i32) -> Target {
    Target {
        ac,
        saves: [save; 6],
        ..Target::default()
    }
}

#[test]
fn goblin_scimitar_hits_and_deals_1d6_plus_2_slashing() {
    let out = act("goblin", "Scimitar", &plain_target(12, 0), &[15, 4]).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].attack.as_ref().unwrap().result, AttackResult::Hit);
    assert_eq!(
        (out[0].damage[0].damage_type, out[0].total_taken()),
        (DamageType::Slashing, 6)
    );
    let miss = act("goblin", "Scimitar", &plain_target(20, 0), &[15, 4]).unwrap();
    assert!(
        miss[0].damage.is_empty(),
        "19 misses AC 20: no damage rolled"
    );
}

#[test]
fn a_critical_hit_doubles_the_dice_not_the_modifier() {
    let out = act("goblin", "Scimitar", &plain_target(25, 0), &[20, 3, 5]).unwrap();
    assert_eq!(
        out[0].attack.as_ref().unwrap().result,
        AttackResult::Critical
    );
    assert_eq!(out[0].total_taken(), 3 + 5 + 2);
}

#[test]
fn fire_breath_is_a_dex_save_for_half_and_fire_immunity_stops_it() {
    // Eighteen d6 at 3 each are rolled first; the target fails (2 + 0 < 21).
    let breath_then = |save: u64| {
        let mut faces = vec![3u64; 18];
        faces.push(save);
        faces
    };
    let failed = act(
        "adult red dragon",
        "Fire Breath",
        &plain_target(10, 0),
        &breath_then(2),
    )
    .unwrap();
    assert!(!failed[0].save.as_ref().unwrap().success());
    assert_eq!(failed[0].total_taken(), 54);
    // It succeeds (20 + 5 ≥ 21): half.
    let saved = act(
        "adult red dragon",
        "Fire Breath",
        &plain_target(10, 5),
        &breath_then(20),
    )
    .unwrap();
    assert_eq!(saved[0].total_taken(), 27);
    // Another red dragon is immune to fire.
    let dragon = Target::monster(monster("adult red dragon"));
    let immune = act("adult red dragon", "Fire Breath", &dragon, &breath_then(2)).unwrap();
    assert_eq!(
        (immune[0].damage[0].rolled, immune[0].total_taken()),
        (54, 0)
    );
}

#[test]
fn multiattack_runs_every_step_and_frightful_presence_respects_immunity() {
    let out = act(
        "adult red dragon",
        "Multiattack",
        &plain_target(15, 0),
        &[5],
    )
    .unwrap();
    let names: Vec<&str> = out.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(names, ["Frightful Presence", "Bite", "Claw", "Claw"]);
    assert_eq!(
        out[0].conditions,
        [Condition::Frightened],
        "5 + 0 fails DC 19"
    );
    let mut fearless = plain_target(15, 0);
    fearless.condition_immunities.push(Condition::Frightened);
    let out = act("adult red dragon", "Multiattack", &fearless, &[5]).unwrap();
    assert!(out[0].conditions.is_empty());
}

#[test]
fn actions_without_mechanics_say_so() {
    let err = act("adult red dragon", "Detect", &plain_target(15, 0), &[10]).unwrap_err();
    assert!(matches!(err, AutomationError::NotAutomated { .. }), "{err}");
}

/// Every action of every SRD monster that has an attack, a save or a
/// multiattack runs against a target: no error, damage within what its dice
/// can roll (doubled on a crit).
/// The sum of the maxima of every damage step in a tree, its dice rolled
/// `times` times (a critical hit: twice, or the attack's `crit_dice`; a
/// save's own damage is never multiplied).
fn tree_damage_max(effects: &[Effect], times: u8) -> f64 {
    effects
        .iter()
        .map(|e| match e {
            Effect::Damage(d) => dice::parse(&d.amount.dice)
                .unwrap()
                .with_multiplied_dice(times)
                .bounds()
                .max
                .max(0.0),
            Effect::Attack(a) => {
                let crit = a.crit_dice.unwrap_or(2);
                tree_damage_max(&a.hit, crit).max(tree_damage_max(&a.miss, 1))
            }
            Effect::Save(s) => {
                tree_damage_max(&s.fail, 1).max(tree_damage_max(&s.success, 1))
                    + tree_damage_max(&s.fail_by_5, 1)
            }
            Effect::Only(o) => tree_damage_max(&o.then, times),
            Effect::Pool(p) => tree_damage_max(&p.then, times),
            Effect::Choice(c) => c
                .options
                .iter()
                .map(|o| tree_damage_max(&o.effects, times))
                .fold(0.0, f64::max),
            Effect::Contest(c) => {
                tree_damage_max(&c.win, times).max(tree_damage_max(&c.lose, times))
            }
            Effect::Split(s) => 64.0 * tree_damage_max(&s.each, times),
            _ => 0.0,
        })
        .sum()
}

#[test]
fn every_automated_monster_action_resolves_within_its_dice() {
    let target = plain_target(15, 2);
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let (mut ran, mut skipped) = (0, 0);
    for m in content::monsters() {
        for action in m
            .actions
            .iter()
            .chain(&m.legendary_actions)
            .chain(&m.reactions)
        {
            let runnable = !action.effects.is_empty() || !action.multiattack.is_empty();
            if !runnable {
                skipped += 1;
                continue;
            }
            for _ in 0..20 {
                let out = run_action(m, action, &target, Advantage::Normal, &mut rng)
                    .unwrap_or_else(|e| panic!("{} / {}: {e}", m.name, action.name));
                for r in &out {
                    // The most one resolution can roll: every damage step of
                    // its action's tree at its maximum, dice multiplied for a crit.
                    let step = m
                        .actions
                        .iter()
                        .find(|a| a.name == r.action)
                        .unwrap_or(action);
                    let max = tree_damage_max(&step.effects, 1);
                    let rolled: u32 = r.damage.iter().map(|d| d.rolled).sum();
                    assert!(
                        f64::from(rolled) <= max,
                        "{} / {}: {rolled} > {max}",
                        m.name,
                        r.action,
                    );
                }
            }
            ran += 1;
        }
    }
    let full = content::monsters()
        .iter()
        .flat_map(|m| m.actions.iter())
        .filter(|a| a.automation.level == AutomationLevel::Full)
        .count();
    eprintln!(
        "automation: ran {ran} monster actions 20 times each; {skipped} have no attack, save or multiattack; {full} actions are marked full"
    );
    assert!(ran > 650, "only {ran} actions ran");
}

#[test]
fn a_breath_weapon_rolls_once_for_everyone_in_the_cone() {
    let (dragon, breath) = action("adult red dragon", "Fire Breath");
    let mut faces = vec![3u64; 18];
    faces.extend([2, 20, 2]);
    let targets = [
        plain_target(10, 0),
        plain_target(10, 5),
        Target::monster(dragon),
    ];
    let out = rules::automation::run_area_action(
        dragon,
        breath,
        None,
        &targets,
        &mut FixedRolls::new(faces),
    )
    .unwrap();
    let taken: Vec<(u32, u32)> = out
        .iter()
        .map(|r| (r.damage[0].rolled, r.total_taken()))
        .collect();
    assert_eq!(
        taken,
        [(54, 54), (27, 27), (54, 0)],
        "fails; saves for half; another red dragon is immune"
    );
    let (goblin, scimitar) = action("goblin", "Scimitar");
    assert!(
        rules::automation::run_area_action(
            goblin,
            scimitar,
            None,
            &targets,
            &mut FixedRolls::new([10])
        )
        .is_err()
    );
}

#[test]
fn any_srd_monster_lists_its_real_attacks_as_options() {
    use rules::mechanics::{Distance, Snapshot, Team, legal_options};
    let goblin = rules::automation::combatant("g1", Team(1), monster("goblin"));
    let hero = rules::mechanics::Combatant::new("aria", Team(0), 20, 14, 30);
    let mut snapshot = Snapshot::new(vec![goblin, hero]);
    snapshot.set_distance("g1", "aria", Distance::Engaged);
    let ids: Vec<String> = legal_options(&snapshot, &rules::mechanics::CreatureId::new("g1"))
        .iter()
        .map(|o| o.id())
        .collect();
    assert!(ids.contains(&"attack:scimitar:aria".to_string()), "{ids:?}");
    assert!(ids.contains(&"attack:shortbow:aria".to_string()), "{ids:?}");
    // Every SRD monster becomes a combatant whose option ids are unique.
    for m in content::monsters() {
        let c = rules::automation::combatant("m", Team(1), m);
        let mut snapshot = Snapshot::new(vec![
            c,
            rules::mechanics::Combatant::new("t", Team(0), 10, 10, 30),
        ]);
        snapshot.set_distance("m", "t", Distance::Engaged);
        let ids: Vec<String> = legal_options(&snapshot, &rules::mechanics::CreatureId::new("m"))
            .iter()
            .map(|o| o.id())
            .collect();
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{}: {ids:?}", m.name);
    }
}
