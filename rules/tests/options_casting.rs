//! Spells, special actions and reactions in the legal options: what a
//! caster may cast with which slot at whom, a breath weapon only when it is
//! ready, opportunity attacks on a foe leaving reach, Shield when hit.
#![allow(clippy::unwrap_used, missing_docs)]

use rules::automation::spell_profile;
use rules::content;
use rules::mechanics::{
    ActionOption, AttackReach, Combatant, CreatureId, Distance, Snapshot, SpecialProfile, Team,
    Trigger, legal_options, reaction_options,
};

fn id(s: &str) -> CreatureId {
    CreatureId::new(s)
}

fn ids(options: &[ActionOption]) -> Vec<String> {
    options.iter().map(ActionOption::id).collect()
}

fn wizard() -> Combatant {
    let mut w =
        Combatant::new("wiz", Team(0), 20, 12, 30).with_attack("dagger", AttackReach::Melee);
    for name in [
        "Fire Bolt",
        "Hold Person",
        "Fireball",
        "Shield",
        "Cure Wounds",
    ] {
        w.spells.push(spell_profile(content::spell(name).unwrap()));
    }
    w.slots = vec![2, 3];
    w
}

fn table() -> Snapshot {
    let fighter = Combatant::new("ftr", Team(0), 30, 18, 30);
    let orc =
        Combatant::new("orc", Team(1), 15, 13, 30).with_attack("greataxe", AttackReach::Melee);
    let mut s = Snapshot::new(vec![wizard(), fighter, orc]);
    s.set_distance("wiz", "orc", Distance::Engaged);
    s
}

#[test]
fn spells_are_listed_per_usable_slot_and_per_target() {
    let all = ids(&legal_options(&table(), &id("wiz")));
    for want in [
        "cast:fire-bolt:0:orc",
        "cast:hold-person:2:orc",
        "cast:hold-person:3:orc",
        "cast:fireball:3",
    ] {
        assert!(
            all.contains(&want.to_string()),
            "{want} missing from {all:?}"
        );
    }
    // No 1st-level slot left, no 4th: nothing cast with them; Fireball needs 3rd.
    assert!(
        !all.iter()
            .any(|o| o.starts_with("cast:hold-person:1") || o == "cast:fireball:2")
    );
    // Shield is a reaction: not among the turn's options.
    assert!(!all.iter().any(|o| o.starts_with("cast:shield")));
    // Cure Wounds is a touch spell for allies: the wizard (touching itself)
    // but not the fighter, who stands apart, and never the orc.
    assert!(all.contains(&"cast:cure-wounds:2:wiz".to_string()));
    assert!(!all.iter().any(
        |o| o.starts_with("cast:cure-wounds:2:ftr") || o.starts_with("cast:cure-wounds:2:orc")
    ));
}

#[test]
fn a_spent_action_leaves_no_action_spells() {
    let mut s = table();
    s.combatants[0].economy.action_used = true;
    assert!(
        !ids(&legal_options(&s, &id("wiz")))
            .iter()
            .any(|o| o.starts_with("cast:"))
    );
}

#[test]
fn a_breath_weapon_is_an_option_only_while_ready() {
    let dragon = content::monster("Adult Red Dragon").unwrap();
    let mut d = rules::automation::combatant("drg", Team(1), dragon);
    assert!(d.specials.iter().any(|s| s.id == "fire-breath"));
    let hero = Combatant::new("hero", Team(0), 40, 16, 30);
    let s = Snapshot::new(vec![d.clone(), hero.clone()]);
    assert!(ids(&legal_options(&s, &id("drg"))).contains(&"use:fire-breath".to_string()));
    for sp in &mut d.specials {
        *sp = SpecialProfile {
            ready: false,
            ..sp.clone()
        };
    }
    let s = Snapshot::new(vec![d, hero]);
    assert!(
        !ids(&legal_options(&s, &id("drg")))
            .iter()
            .any(|o| o.starts_with("use:"))
    );
}

#[test]
fn leaving_reach_provokes_an_opportunity_attack_unless_disengaged() {
    let s = table();
    let leave = Trigger::Leaves { mover: id("wiz") };
    assert_eq!(
        ids(&reaction_options(&s, &id("orc"), &leave)),
        ["oa:greataxe:wiz", "pass"]
    );

    let mut careful = table();
    careful.combatants[0].disengaged = true;
    assert_eq!(
        ids(&reaction_options(&careful, &id("orc"), &leave)),
        ["pass"]
    );

    let mut spent = table();
    spent.combatants[2].economy.reaction_used = true;
    assert_eq!(ids(&reaction_options(&spent, &id("orc"), &leave)), ["pass"]);

    // Moving away from someone not in reach provokes nothing.
    let far = Trigger::Leaves { mover: id("ftr") };
    assert_eq!(ids(&reaction_options(&s, &id("orc"), &far)), ["pass"]);
}

#[test]
fn being_hit_offers_shield_with_each_usable_slot() {
    let s = table();
    let hit = Trigger::Hit {
        attacker: id("orc"),
    };
    assert_eq!(
        ids(&reaction_options(&s, &id("wiz"), &hit)),
        ["cast:shield:2", "cast:shield:3", "pass"]
    );
}
