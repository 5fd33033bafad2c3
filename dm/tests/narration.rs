//! Narration bounded by the facts: the facts of real replies, the
//! templates' prose, and the check that turns down invented numbers,
//! names and outcomes.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{Dice, Game};
use dm::journal::Happening;
use dm::narration::{Fact, Facts, Invented, NARRATION_CAP, template, vet};
use proptest::prelude::*;

fn hit_and_kill() -> Facts {
    Facts {
        facts: vec![
            Fact::Attack {
                attacker: "Aria".into(),
                target: "Goblin (g1)".into(),
                with: "Longsword".into(),
                result: "hit".into(),
            },
            Fact::Damage {
                target: "Goblin (g1)".into(),
                amount: 9,
                types: "slashing".into(),
                state: "dead".into(),
            },
        ],
    }
}

#[test]
fn honest_prose_passes() {
    let f = hit_and_kill();
    for prose in [
        "Aria's longsword bites deep and the goblin is slain.",
        "Steel flashes: Aria strikes the goblin for 9 slashing, and it dies in the dust.",
        "With one swift cut, Aria ends the goblin.",
    ] {
        assert_eq!(vet(prose, &f), Ok(()), "{prose}");
    }
}

#[test]
fn invented_numbers_names_and_outcomes_are_turned_down() {
    let f = hit_and_kill();
    let cases = [
        ("The goblin drops 500 gold as it dies.", "500"),
        ("Aria strikes for 12 damage and the goblin is slain.", "12"),
        ("An orc watches as Aria slays the goblin.", "orc"),
        (
            "Aria swings her greataxe and the goblin is slain.",
            "greataxe",
        ),
        ("Aria strikes the goblin dead and Brom cheers.", "Brom"),
        (
            "Aria casts Fire Bolt and the goblin burns to death.",
            "fire bolt",
        ),
        ("The goblin is slain and its friends flee.", "flee"),
        ("A critical blow! The goblin is slain.", "critical"),
        (
            "Aria strikes, and the goblin coughs up coins as it dies.",
            "coin",
        ),
        ("Aria strikes for twenty and the goblin is slain.", "twenty"),
    ];
    for (prose, culprit) in cases {
        let err = vet(prose, &f).unwrap_err();
        assert!(
            err.to_string()
                .to_lowercase()
                .contains(&culprit.to_lowercase()),
            "`{prose}` turned down for {err}, not `{culprit}`"
        );
    }
    assert_eq!(vet("", &f), Err(Invented::Length));
    assert_eq!(vet(&"a ".repeat(NARRATION_CAP), &f), Err(Invented::Length));
}

#[test]
fn outcomes_need_their_facts() {
    let miss = Facts {
        facts: vec![Fact::Attack {
            attacker: "Aria".into(),
            target: "Goblin (g1)".into(),
            with: "Longsword".into(),
            result: "miss".into(),
        }],
    };
    assert_eq!(
        vet("The goblin ducks and Aria's blade misses.", &miss),
        Ok(())
    );
    assert!(matches!(
        vet("Aria's blade strikes the goblin.", &miss),
        Err(Invented::Outcome(_))
    ));
    assert!(matches!(
        vet("The goblin misses its step and falls.", &miss),
        Err(Invented::Outcome(_))
    ));
    let heal = Facts {
        facts: vec![Fact::Heal {
            target: "Bo".into(),
            amount: 7,
        }],
    };
    assert_eq!(
        vet("Warmth floods Bo, who recovers 7 hit points.", &heal),
        Ok(())
    );
    assert!(vet("Bo recovers 8 hit points.", &heal).is_err());
}

#[test]
fn the_facts_of_a_real_attack_narrate_and_pass() {
    let mut g = Game::new(4);
    g.ok("aria", "char new Aria fighter 3 human");
    g.fight(&[("goblin", 1)]);
    g.skip_to("aria");
    let reply = g.ok_with("aria", "a longsword -t g1", Dice::Faces(&[20, 8, 8]));
    let facts = Facts::of(&reply, &[]);
    assert!(matches!(facts.facts[0], Fact::Attack { .. }), "{facts:?}");
    let prose = template(&facts).unwrap();
    assert!(prose.contains("Aria") && prose.contains("g1"), "{prose}");
    assert_eq!(vet(&prose, &facts), Ok(()), "{prose}");
    let over = Facts::of(
        &dm::Reply::default(),
        &[Happening::FightOver {
            rounds: 2,
            won: true,
        }],
    );
    assert_eq!(
        template(&over).unwrap(),
        "The last foe falls, and the fight is over."
    );
    assert!(template(&Facts::default()).is_none());
}

/// Every SRD monster struck, and every SRD weapon striking: the templates'
/// prose passes, whatever words the names hold ("Copper", "Hit", "Death").
#[test]
fn templates_pass_for_every_srd_name() {
    let weapons = rules::content::weapons();
    let monsters = rules::content::monsters();
    let pairs = monsters
        .iter()
        .map(|m| (m, &weapons[0]))
        .chain(weapons.iter().map(|w| (&monsters[0], w)));
    for (m, w) in pairs {
        {
            let target = format!("{} (m1)", m.name);
            for (result, state) in [("hit", "dead"), ("critical", "down"), ("miss", "")] {
                let mut facts = vec![Fact::Attack {
                    attacker: "Aria".into(),
                    target: target.clone(),
                    with: w.name.clone(),
                    result: result.into(),
                }];
                if result != "miss" {
                    facts.push(Fact::Damage {
                        target: target.clone(),
                        amount: 5,
                        types: "slashing".into(),
                        state: state.into(),
                    });
                }
                let facts = Facts { facts };
                let prose = template(&facts).unwrap();
                assert_eq!(vet(&prose, &facts), Ok(()), "{prose}");
            }
        }
    }
}

fn name() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{2,8}( \\(g[0-9]\\))?"
}

fn fact() -> impl Strategy<Value = Fact> {
    prop_oneof![
        (
            name(),
            name(),
            name(),
            prop::sample::select(vec!["hit", "miss", "critical"])
        )
            .prop_map(|(attacker, target, with, r)| Fact::Attack {
                attacker,
                target,
                with,
                result: r.into()
            }),
        (
            name(),
            0u32..200,
            "[a-z]{3,10}",
            prop::sample::select(vec!["", "down", "dead"])
        )
            .prop_map(|(target, amount, types, s)| Fact::Damage {
                target,
                amount,
                types,
                state: s.into()
            }),
        (name(), 0u32..100).prop_map(|(target, amount)| Fact::Heal { target, amount }),
        (name(), "[A-Z]{3} save", any::<bool>()).prop_map(|(who, what, success)| Fact::Save {
            who,
            what,
            success
        }),
        (name(), name(), any::<bool>()).prop_map(|(target, what, began)| Fact::Effect {
            target,
            what,
            began
        }),
        any::<bool>().prop_map(|won| Fact::FightOver { won }),
        (name(), 0u32..1000, prop::collection::vec(name(), 0..3))
            .prop_map(|(who, gold, items)| Fact::Loot { who, gold, items }),
    ]
}

proptest! {
    /// The templates never invent: whatever the facts, their prose passes.
    #[test]
    fn templates_always_pass_the_check(facts in prop::collection::vec(fact(), 1..6)) {
        let facts = Facts { facts };
        if let Some(prose) = template(&facts) {
            prop_assert!(prose.len() <= NARRATION_CAP);
            prop_assert_eq!(vet(&prose, &facts), Ok(()), "{}", prose);
        }
    }

    /// The check never panics, whatever the prose.
    #[test]
    fn the_check_takes_any_text(prose in "\\PC{0,500}") {
        let _ = vet(&prose, &hit_and_kill());
    }
}
