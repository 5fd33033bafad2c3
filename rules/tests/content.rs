//! The embedded SRD content: it loads, its figures match the stat blocks,
//! every dice string parses, and automation coverage stays above a floor.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::{BTreeMap, HashSet};

use rules::content::{
    self, Action, ApplyStep, AttackKind, AttackStep, AutomationLevel, Damage, DamageStep, Effect,
    Lasting, Monster, OnSuccess, OnlyStep, PushStep, SaveStep, TurnPoint, Usage,
};
use rules::dice;
use rules::mechanics::{Ability, ChallengeRating, Condition, DamageType, Size};

fn monster(id: &str) -> &'static Monster {
    content::monster(id).unwrap_or_else(|| panic!("no monster {id}"))
}

fn damage(dice: &str, damage_type: DamageType) -> Damage {
    Damage {
        dice: dice.to_owned(),
        damage_type,
        note: None,
        save: None,
    }
}

#[test]
fn all_334_monsters_load_with_unique_ids() {
    let all = content::monsters();
    assert_eq!(all.len(), 334);
    let ids: HashSet<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "duplicate ids");
    assert!(
        all.windows(2).all(|w| w[0].id < w[1].id),
        "not sorted by id"
    );
}

#[test]
fn the_schema_keeps_every_field_the_generator_writes() {
    // Serializing back must give the file's own JSON: nothing the script
    // writes is dropped or renamed on the way in.
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../content/monsters.json")).unwrap();
    let ours = serde_json::to_value(content::monsters()).unwrap();
    assert!(file == ours, "monsters.json and the Rust schema disagree");
}

#[test]
fn lookup_by_id_or_name_ignores_case_and_separators() {
    for key in ["Goblin", "goblin", "GOBLIN"] {
        assert_eq!(monster(key).id, "goblin");
    }
    for key in ["adult red dragon", "adult-red-dragon", "Adult Red Dragon"] {
        assert_eq!(monster(key).id, "adult-red-dragon");
    }
    assert_eq!(
        monster("Deep Gnome (Svirfneblin)").id,
        "deep-gnome-svirfneblin"
    );
    assert!(content::monster("tarrasque-jr").is_none());
}

#[test]
fn goblin() {
    let g = monster("goblin");
    assert_eq!(g.name, "Goblin");
    assert_eq!(g.size, Size::Small);
    assert_eq!((g.ac, g.hp, g.hit_dice.as_str()), (15, 7, "2d6"));
    assert_eq!(g.speed.walk, 30);
    assert_eq!(g.cr, ChallengeRating::QUARTER);
    assert_eq!(g.xp, 50);
    assert_eq!(g.senses.darkvision, 60);
    assert_eq!(g.abilities.dexterity.get(), 14);

    let scimitar = g.action("Scimitar").unwrap();
    let attack = scimitar.attack.unwrap();
    assert_eq!((attack.bonus, attack.kind), (4, AttackKind::Melee));
    assert_eq!((attack.reach_ft, attack.range_ft), (Some(5), None));
    assert_eq!(scimitar.damage, [damage("1d6+2", DamageType::Slashing)]);
    assert_eq!(scimitar.automation.level, AutomationLevel::Full);

    let shortbow = g.action("Shortbow").unwrap();
    let attack = shortbow.attack.unwrap();
    assert_eq!((attack.bonus, attack.kind), (4, AttackKind::Ranged));
    assert_eq!((attack.reach_ft, attack.range_ft), (None, Some([80, 320])));
    assert_eq!(shortbow.damage, [damage("1d6+2", DamageType::Piercing)]);
}

#[test]
fn adult_red_dragon() {
    let d = monster("Adult Red Dragon");
    let multiattack = d.action("Multiattack").unwrap();
    let steps: Vec<(&str, u32)> = multiattack
        .multiattack
        .iter()
        .map(|s| (s.action.as_str(), s.count))
        .collect();
    assert_eq!(steps, [("Frightful Presence", 1), ("Bite", 1), ("Claw", 2)]);
    assert_eq!(multiattack.automation.level, AutomationLevel::Full);

    let breath = d.action("Fire Breath").unwrap();
    let save = breath.save.unwrap();
    assert_eq!(
        (save.ability, save.dc, save.on_success),
        (Ability::Dexterity, 21, OnSuccess::Half)
    );
    assert_eq!(breath.usage, Some(Usage::Recharge { min: 5 }));
    assert_eq!(breath.damage, [damage("18d6", DamageType::Fire)]);

    let wing = d
        .legendary_actions
        .iter()
        .find(|a| a.name.starts_with("Wing Attack"))
        .unwrap();
    assert_eq!(wing.cost, Some(2));
    assert_eq!(d.damage_immunities[0].types, [DamageType::Fire]);
}

#[test]
fn every_dice_string_parses() {
    let check = |who: &str, text: &str| {
        if let Err(err) = dice::parse(text) {
            panic!("{who}: {text:?} does not parse: {err}");
        }
    };
    for m in content::monsters() {
        check(&m.id, &m.hp_roll);
        check(&m.id, &m.hit_dice);
        for action in m.all_actions() {
            let variants = action.variants.iter().flat_map(|v| &v.damage);
            for d in action
                .damage
                .iter()
                .chain(&action.damage_choice)
                .chain(variants)
            {
                check(&format!("{} {}", m.id, action.name), &d.dice);
            }
        }
    }
}

#[test]
fn every_multiattack_step_names_an_action_or_says_it_does_not() {
    for m in content::monsters() {
        for action in m.all_actions() {
            let steps = action
                .multiattack
                .iter()
                .chain(action.multiattack_options.iter().flatten());
            for step in steps {
                if m.action(&step.action).is_some() {
                    continue;
                }
                // Only a trait (the glabrezu's Innate Spellcasting) may stand
                // in, and then the action is not fully automated.
                assert!(
                    m.traits.iter().any(|t| t.name == step.action),
                    "{}: multiattack step {:?} names nothing",
                    m.id,
                    step.action
                );
                assert_eq!(
                    action.automation.level,
                    AutomationLevel::Partial,
                    "{}",
                    m.id
                );
            }
        }
    }
}

#[test]
fn xp_follows_the_challenge_rating() {
    for m in content::monsters() {
        // The SRD table gives "0 or 10" XP at CR 0.
        let harmless = m.cr == ChallengeRating::ZERO && m.xp == 0;
        assert!(
            m.xp == m.cr.xp() || harmless,
            "{}: CR {} with {} XP",
            m.id,
            m.cr,
            m.xp
        );
        assert_eq!(m.proficiency_bonus, m.cr.proficiency_bonus(), "{}", m.id);
    }
}

#[test]
fn automation_is_explained_and_above_the_floor() {
    let mut levels: BTreeMap<AutomationLevel, usize> = BTreeMap::new();
    let mut attacks = 0;
    let mut full_attacks = 0;
    for m in content::monsters() {
        for action in m.all_actions() {
            let automation = &action.automation;
            *levels.entry(automation.level).or_default() += 1;
            let full = automation.level == AutomationLevel::Full;
            assert_eq!(
                full,
                automation.missing.is_empty(),
                "{} {}",
                m.id,
                action.name
            );
            if action.attack.is_some() {
                attacks += 1;
                full_attacks += usize::from(full);
            }
        }
    }
    println!("automation: {levels:?}; attacks: {full_attacks}/{attacks} full");
    // Every monster attack is fully automated.
    assert_eq!(full_attacks, attacks);
    assert!(full_attacks >= 533, "{full_attacks}/{attacks}");
    assert!(levels[&AutomationLevel::Full] >= 784, "{levels:?}");
}

// ---- automation trees against the flat figures and the stat blocks ----

fn action<'a>(m: &'a Monster, name: &str) -> &'a Action {
    m.all_actions()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("{} has no action {name}", m.id))
}

fn attack_step(action: &Action) -> &AttackStep {
    match action.effects.first() {
        Some(Effect::Attack(step)) => step,
        other => panic!("{}: effects[0] is {other:?}, not an attack", action.name),
    }
}

fn save_step<'a>(effects: &'a [Effect], what: &str) -> &'a SaveStep {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Save(save) => Some(save),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{what}: no save step in {effects:?}"))
}

fn damage_steps(effects: &[Effect]) -> Vec<&DamageStep> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Damage(d) => Some(d),
            _ => None,
        })
        .collect()
}

fn only_step(effects: &[Effect]) -> &OnlyStep {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Only(only) => Some(only),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no only step in {effects:?}"))
}

fn applies(effects: &[Effect]) -> Vec<&ApplyStep> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Apply(a) => Some(a),
            _ => None,
        })
        .collect()
}

fn dice_and_types(steps: &[&DamageStep]) -> Vec<(String, Option<DamageType>, bool)> {
    steps
        .iter()
        .map(|d| (d.amount.dice.clone(), d.damage_type, d.half))
        .collect()
}

#[test]
fn every_attack_tree_rolls_the_flat_bonus_and_deals_the_flat_damage() {
    let mut checked = 0;
    for m in content::monsters() {
        for a in m.all_actions() {
            let Some(attack) = a.attack else { continue };
            let step = attack_step(a);
            assert_eq!(step.bonus, Some(attack.bonus), "{} {}", m.id, a.name);
            if (m.id.as_str(), a.name.as_str()) == ("aboleth", "Tentacle") {
                // The export's 1d12 acid is the disease's, every 10 minutes
                // out of water: not damage on a hit.
                checked += 1;
                continue;
            }
            // On a hit: the damage without a save of its own, then the choices
            // (each with its note), in the flat fields' order; then what the
            // export lacks and the stat block shows (another grip or form,
            // each with its note, or the pit fiend's fire).
            let flat: Vec<(String, Option<DamageType>, bool)> = a
                .damage
                .iter()
                .filter(|d| d.save.is_none())
                .chain(&a.damage_choice)
                .map(|d| (d.dice.clone(), Some(d.damage_type), false))
                .collect();
            // Every attack of the tree (an alternative such as shillelagh
            // after the plain one), and a choice's default option.
            let hit: Vec<&DamageStep> = a
                .effects
                .iter()
                .flat_map(|e| match e {
                    Effect::Attack(s) => hit_damage(&s.hit),
                    _ => Vec::new(),
                })
                .collect();
            assert_eq!(
                dice_and_types(&hit[..flat.len().min(hit.len())]),
                flat,
                "{} {}",
                m.id,
                a.name
            );
            for extra in &hit[flat.len()..] {
                assert!(
                    extra.note.is_some() || (m.id == "pit-fiend" && a.name == "Mace"),
                    "{} {}: {extra:?}",
                    m.id,
                    a.name
                );
            }
            let notes: Vec<Option<&str>> = hit[..flat.len()]
                .iter()
                .skip(a.damage.iter().filter(|d| d.save.is_none()).count())
                .map(|d| d.note.as_deref())
                .collect();
            let flat_notes: Vec<Option<&str>> =
                a.damage_choice.iter().map(|d| d.note.as_deref()).collect();
            assert_eq!(notes, flat_notes, "{} {}", m.id, a.name);
            // Damage with its own save (an assassin's poison) is a save on hit.
            for d in a.damage.iter().filter(|d| d.save.is_some()) {
                let flat_save = d.save.unwrap();
                let save = save_step(&step.hit, &a.name);
                assert_eq!(
                    (save.ability, save.dc),
                    (flat_save.ability, Some(flat_save.dc)),
                    "{} {}",
                    m.id,
                    a.name
                );
                assert_eq!(
                    dice_and_types(&damage_steps(&save.fail)),
                    [(d.dice.clone(), Some(d.damage_type), false)]
                );
                let halves = flat_save.on_success == OnSuccess::Half;
                assert_eq!(damage_steps(&save.success).len(), usize::from(halves));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 533);
}

#[test]
fn every_save_action_tree_has_the_flat_save_and_its_damage() {
    let check = |who: &str, save: content::Save, damage: &[Damage], effects: &[Effect]| {
        let step = save_step(effects, who);
        assert_eq!(
            (step.ability, step.dc),
            (save.ability, Some(save.dc)),
            "{who}"
        );
        let fail = dice_and_types(&damage_steps(&step.fail));
        let flat: Vec<(String, Option<DamageType>, bool)> = damage
            .iter()
            .map(|d| (d.dice.clone(), Some(d.damage_type), false))
            .collect();
        // The flat damage, or (when the export has none, as for the
        // otyugh's Tentacle Slam) the damage read from the stat block.
        if !flat.is_empty() {
            assert_eq!(fail, flat, "{who}");
        }
        let halves: Vec<(String, Option<DamageType>, bool)> = match save.on_success {
            OnSuccess::Half => fail.iter().map(|(d, t, _)| (d.clone(), *t, true)).collect(),
            OnSuccess::Negated => vec![],
        };
        assert_eq!(
            dice_and_types(&damage_steps(&step.success)),
            halves,
            "{who}"
        );
    };
    let mut checked = 0;
    for m in content::monsters() {
        for a in m.all_actions() {
            if a.attack.is_some() {
                continue;
            }
            if let Some(save) = a.save {
                check(&format!("{} {}", m.id, a.name), save, &a.damage, &a.effects);
                checked += 1;
            }
            for v in &a.variants {
                if let Some(save) = v.save {
                    check(&format!("{} {}", m.id, v.name), save, &v.damage, &v.effects);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 150, "{checked}");
}

#[test]
fn multiattacks_and_text_only_actions_have_no_tree() {
    for m in content::monsters() {
        for a in m.all_actions() {
            if !a.multiattack.is_empty() || !a.multiattack_options.is_empty() {
                assert!(a.effects.is_empty(), "{} {}", m.id, a.name);
            }
            let steps = !a.multiattack.is_empty() || !a.multiattack_options.is_empty();
            if a.effects.is_empty() && a.variants.is_empty() && !steps {
                assert_ne!(
                    (a.automation.level, a.attack.is_some() || a.save.is_some()),
                    (AutomationLevel::Full, false),
                    "{} {}: full without a tree or steps",
                    m.id,
                    a.name
                );
            }
        }
    }
}

#[test]
fn giant_spider_bite_poison_is_a_save_for_half() {
    let bite = action(monster("giant-spider"), "Bite");
    let hit = &attack_step(bite).hit;
    assert_eq!(
        dice_and_types(&damage_steps(hit)),
        [("1d8+3".to_owned(), Some(DamageType::Piercing), false)]
    );
    let save = save_step(hit, "giant spider bite");
    assert_eq!((save.ability, save.dc), (Ability::Constitution, Some(11)));
    assert_eq!(
        dice_and_types(&damage_steps(&save.fail)),
        [("2d8".to_owned(), Some(DamageType::Poison), false)]
    );
    assert_eq!(
        dice_and_types(&damage_steps(&save.success)),
        [("2d8".to_owned(), Some(DamageType::Poison), true)]
    );
    // Paralysis when the poison drops it to 0: stable, poisoned and paralyzed.
    let fallen = only_step(&save.fail);
    assert!(fallen.dropped_to_0);
    assert_eq!(
        applies(&fallen.then)[0].effect.conditions,
        [Condition::Poisoned, Condition::Paralyzed]
    );
    assert_eq!(bite.automation.level, AutomationLevel::Full);
}

#[test]
fn giant_crab_claw_grapples_with_escape_dc_11() {
    let claw = action(monster("giant-crab"), "Claw");
    let hit = &attack_step(claw).hit;
    let grapple = &applies(hit)[0].effect;
    assert_eq!(grapple.name, "Grappled by Giant Crab");
    assert_eq!(grapple.conditions, [Condition::Grappled]);
    assert_eq!(grapple.escape_dc, Some(11));
    assert_eq!(grapple.duration, None);
    assert_eq!(claw.automation.level, AutomationLevel::Full);
}

#[test]
fn constrictor_snake_grapple_also_restrains() {
    let constrict = action(monster("constrictor-snake"), "Constrict");
    let grapple = &applies(&attack_step(constrict).hit)[0].effect;
    assert_eq!(
        grapple.conditions,
        [Condition::Grappled, Condition::Restrained]
    );
    assert_eq!(grapple.escape_dc, Some(14));
    assert_eq!(constrict.automation.level, AutomationLevel::Full);
}

#[test]
fn ghoul_claws_paralyze_for_a_minute_save_ends() {
    let claws = action(monster("ghoul"), "Claws");
    // Elves and undead are immune: the save is only for other targets.
    let only = only_step(&attack_step(claws).hit);
    assert_eq!(only.not_types, ["elf", "undead"]);
    assert_eq!((only.max_size, only.types.len()), (None, 0));
    let save = save_step(&only.then, "ghoul claws");
    assert_eq!((save.ability, save.dc), (Ability::Constitution, Some(10)));
    let paralysis = &applies(&save.fail)[0].effect;
    assert_eq!(paralysis.conditions, [Condition::Paralyzed]);
    assert_eq!(paralysis.duration, Some(Lasting::Rounds { rounds: 10 }));
    let ends = paralysis.save_ends.unwrap();
    assert_eq!(
        (ends.ability, ends.when, ends.dc),
        (Ability::Constitution, TurnPoint::End, None)
    );
    assert_eq!(claws.automation.level, AutomationLevel::Full);
}

#[test]
fn adult_red_dragon_fire_breath_and_frightful_presence() {
    let d = monster("adult-red-dragon");
    let breath = action(d, "Fire Breath");
    let save = save_step(&breath.effects, "fire breath");
    assert_eq!((save.ability, save.dc), (Ability::Dexterity, Some(21)));
    assert_eq!(
        dice_and_types(&damage_steps(&save.fail)),
        [("18d6".to_owned(), Some(DamageType::Fire), false)]
    );
    assert_eq!(
        dice_and_types(&damage_steps(&save.success)),
        [("18d6".to_owned(), Some(DamageType::Fire), true)]
    );
    assert_eq!(breath.automation.level, AutomationLevel::Full);

    let fear = action(d, "Frightful Presence");
    let save = save_step(&fear.effects, "frightful presence");
    assert_eq!((save.ability, save.dc), (Ability::Wisdom, Some(19)));
    assert!(save.success.is_empty());
    let frightened = &applies(&save.fail)[0].effect;
    assert_eq!(frightened.conditions, [Condition::Frightened]);
    assert_eq!(frightened.duration, Some(Lasting::Rounds { rounds: 10 }));
    assert_eq!(
        frightened.save_ends.map(|s| (s.ability, s.when)),
        Some((Ability::Wisdom, TurnPoint::End))
    );
    // Immune for 24 hours after a successful save, and once the fear ends:
    // the failed save starts that immunity (a minute early at most).
    assert_eq!(save.immunity_rounds, Some(14400));
    let immune = &applies(&save.fail)[1].effect;
    assert_eq!(immune.immunity_to.as_deref(), Some("Frightful Presence"));
    assert_eq!(immune.duration, Some(Lasting::Rounds { rounds: 14400 }));
    assert!(immune.conditions.is_empty());
    assert_eq!(fear.automation.level, AutomationLevel::Full);

    let wing = action(d, "Wing Attack (Costs 2 Actions)");
    let save = save_step(&wing.effects, "wing attack");
    assert_eq!((save.ability, save.dc), (Ability::Dexterity, Some(22)));
    assert_eq!(
        dice_and_types(&damage_steps(&save.fail)),
        [("2d6+8".to_owned(), Some(DamageType::Bludgeoning), false)]
    );
    assert_eq!(applies(&save.fail)[0].effect.conditions, [Condition::Prone]);
    assert_eq!(wing.automation.level, AutomationLevel::Full);
}

#[test]
fn wolf_bite_knocks_prone_on_a_failed_strength_save() {
    let bite = action(monster("wolf"), "Bite");
    let save = save_step(&attack_step(bite).hit, "wolf bite");
    assert_eq!((save.ability, save.dc), (Ability::Strength, Some(11)));
    let prone = &applies(&save.fail)[0].effect;
    assert_eq!(prone.conditions, [Condition::Prone]);
    // Prone lasts until the creature stands up.
    assert_eq!((prone.duration, prone.save_ends), (None, None));
    assert_eq!(bite.automation.level, AutomationLevel::Full);
}

#[test]
fn mummy_rotting_fist_curse_blocks_healing() {
    let fist = action(monster("mummy"), "Rotting Fist");
    let hit = &attack_step(fist).hit;
    assert_eq!(
        dice_and_types(&damage_steps(hit)),
        [
            ("2d6+3".to_owned(), Some(DamageType::Bludgeoning), false),
            ("3d6".to_owned(), Some(DamageType::Necrotic), false)
        ]
    );
    let save = save_step(hit, "rotting fist");
    assert_eq!((save.ability, save.dc), (Ability::Constitution, Some(12)));
    let rot = &applies(&save.fail)[0].effect;
    assert_eq!(rot.name, "Mummy Rot");
    assert!(rot.modifiers.no_healing);
    // Until remove curse: no duration. The loss of hit point maximum every
    // 24 hours happens outside a fight and is left to the table.
    assert_eq!((rot.duration, rot.save_ends), (None, None));
    assert_eq!(fist.automation.level, AutomationLevel::Full);
}

#[test]
fn pit_fiend_bite_poison_burns_each_turn_and_blocks_healing() {
    let bite = action(monster("pit-fiend"), "Bite");
    let save = save_step(&attack_step(bite).hit, "pit fiend bite");
    assert_eq!((save.ability, save.dc), (Ability::Constitution, Some(21)));
    let poison = &applies(&save.fail)[0].effect;
    assert_eq!(poison.conditions, [Condition::Poisoned]);
    assert!(poison.modifiers.no_healing);
    let burn = poison.each_turn.as_ref().unwrap();
    assert_eq!(burn.when, TurnPoint::Start);
    assert_eq!(
        dice_and_types(&damage_steps(&burn.effects)),
        [("6d6".to_owned(), Some(DamageType::Poison), false)]
    );
    assert_eq!(bite.automation.level, AutomationLevel::Full);
}

#[test]
fn versatile_grips_are_damage_steps_with_their_notes() {
    let sword = action(monster("half-red-dragon-veteran"), "Longsword");
    let hit = damage_steps(&attack_step(sword).hit);
    let notes: Vec<(&str, Option<&str>)> = hit
        .iter()
        .map(|d| (d.amount.dice.as_str(), d.note.as_deref()))
        .collect();
    assert_eq!(
        notes,
        [
            ("1d8+3", Some("One handed")),
            ("1d10+3", Some("Two handed"))
        ]
    );
}

#[test]
fn chuul_pincer_grapples_only_a_large_or_smaller_target() {
    let pincer = action(monster("chuul"), "Pincer");
    let hit = &attack_step(pincer).hit;
    assert_eq!(
        dice_and_types(&damage_steps(hit)),
        [("2d6+4".to_owned(), Some(DamageType::Bludgeoning), false)]
    );
    let only = only_step(hit);
    assert_eq!(only.max_size, Some(Size::Large));
    assert!(only.types.is_empty() && only.not_types.is_empty());
    let grapple = &applies(&only.then)[0].effect;
    assert_eq!(grapple.conditions, [Condition::Grappled]);
    assert_eq!(grapple.escape_dc, Some(14));
    assert_eq!(pincer.automation.level, AutomationLevel::Full);
}

#[test]
fn werewolf_bite_curses_only_humanoids_with_lycanthropy() {
    let bite = action(monster("werewolf-wolf"), "Bite");
    let only = only_step(&attack_step(bite).hit);
    assert_eq!(only.types, ["humanoid"]);
    let save = save_step(&only.then, "werewolf bite");
    assert_eq!((save.ability, save.dc), (Ability::Constitution, Some(12)));
    let curse = &applies(&save.fail)[0].effect;
    // The curse changes nothing in a fight: a marker with no end.
    assert_eq!(curse.name, "Werewolf Lycanthropy");
    assert!(curse.conditions.is_empty() && curse.modifiers.is_empty());
    assert_eq!(curse.duration, None);
    assert_eq!(bite.automation.level, AutomationLevel::Full);
}

#[test]
fn wight_life_drain_cuts_the_hit_point_maximum_on_a_failed_save() {
    let drain = action(monster("wight"), "Life Drain");
    let hit = &attack_step(drain).hit;
    assert_eq!(
        dice_and_types(&damage_steps(hit)),
        [("1d6+2".to_owned(), Some(DamageType::Necrotic), false)]
    );
    let save = save_step(hit, "life drain");
    assert_eq!((save.ability, save.dc), (Ability::Constitution, Some(13)));
    let cut = &applies(&save.fail)[0].effect;
    assert!(cut.drain);
    assert!(cut.conditions.is_empty());
    assert_eq!(drain.automation.level, AutomationLevel::Full);
    // The vampire's bite drains only its necrotic damage and heals the vampire.
    let bite = action(monster("vampire-vampire"), "Bite");
    let hit = &attack_step(bite).hit;
    assert_eq!(
        applies(hit)[0].effect.drain_type,
        Some(DamageType::Necrotic)
    );
    assert!(hit.iter().any(|e| matches!(e, Effect::HealSelf(_))));
    assert_eq!(bite.automation.level, AutomationLevel::Full);
}

#[test]
fn drow_poison_knocks_out_when_the_save_fails_by_5() {
    let bow = action(monster("drow"), "Hand Crossbow");
    let save = save_step(&attack_step(bow).hit, "hand crossbow");
    assert_eq!((save.ability, save.dc), (Ability::Constitution, Some(13)));
    let poisoned = &applies(&save.fail)[0].effect;
    assert_eq!(poisoned.conditions, [Condition::Poisoned]);
    assert_eq!(poisoned.duration, Some(Lasting::Rounds { rounds: 600 }));
    let asleep = &applies(&save.fail_by_5)[0].effect;
    assert_eq!(asleep.conditions, [Condition::Unconscious]);
    assert_eq!(asleep.duration, poisoned.duration);
    assert!(asleep.ends_on_damage);
    assert_eq!(bow.automation.level, AutomationLevel::Full);
    // The homunculus's "5 (1d10) minutes": the stat block's average.
    let bite = action(monster("homunculus"), "Bite");
    let save = save_step(&attack_step(bite).hit, "homunculus bite");
    let worse = &applies(&save.fail_by_5)[0].effect;
    assert_eq!(
        worse.conditions,
        [Condition::Poisoned, Condition::Unconscious]
    );
    assert_eq!(worse.duration, Some(Lasting::Rounds { rounds: 50 }));
    assert!(!worse.ends_on_damage);
}

#[test]
fn swarm_and_alternative_damage_read_from_the_stat_block() {
    let notes = |m: &str, a: &str| -> Vec<(String, Option<String>)> {
        damage_steps(&attack_step(action(monster(m), a)).hit)
            .iter()
            .map(|d| (d.amount.dice.clone(), d.note.clone()))
            .collect()
    };
    let s = |d: &str, n: Option<&str>| (d.to_owned(), n.map(str::to_owned));
    assert_eq!(
        notes("swarm-of-rats", "Bites"),
        [
            s("2d6", None),
            s("1d6", Some("At half hit points or fewer"))
        ]
    );
    assert_eq!(
        notes("azer", "Warhammer"),
        [
            s("1d8+3", None),
            s("1d6", None),
            s("1d10+3", Some("Two handed"))
        ]
    );
    assert_eq!(
        notes("pit-fiend", "Mace"),
        [s("2d6+8", None), s("6d6", None)]
    );
    for (m, a) in [
        ("swarm-of-rats", "Bites"),
        ("azer", "Warhammer"),
        ("pit-fiend", "Mace"),
    ] {
        assert_eq!(
            action(monster(m), a).automation.level,
            AutomationLevel::Full,
            "{m} {a}"
        );
    }
    // Shillelagh changes the attack bonus too: an alternative attack.
    let club = action(monster("dryad"), "Club");
    let Some(Effect::Attack(shillelagh)) = club.effects.get(1) else {
        panic!("no shillelagh attack")
    };
    assert_eq!(
        (shillelagh.bonus, shillelagh.note.as_deref()),
        (Some(6), Some("With shillelagh"))
    );
    assert_eq!(club.automation.level, AutomationLevel::Full);
}

#[test]
fn mummy_dreadful_glare_paralyzes_on_a_failure_by_5_and_a_save_gives_immunity() {
    let glare = action(monster("mummy"), "Dreadful Glare");
    let save = save_step(&glare.effects, "dreadful glare");
    assert_eq!((save.ability, save.dc), (Ability::Wisdom, Some(11)));
    let fear = &applies(&save.fail)[0].effect;
    assert_eq!(fear.conditions, [Condition::Frightened]);
    assert_eq!(fear.duration, Some(Lasting::EndOfSourceTurn));
    let worse = &applies(&save.fail_by_5)[0].effect;
    assert_eq!(worse.conditions, [Condition::Paralyzed]);
    assert_eq!(worse.duration, Some(Lasting::EndOfSourceTurn));
    // Immune only after a success: no immunity on a failure.
    assert_eq!(save.immunity_rounds, Some(14400));
    assert_eq!(applies(&save.fail).len(), 1);
    assert_eq!(glare.automation.level, AutomationLevel::Full);
}

#[test]
fn balor_whip_pulls_25_feet_on_a_failed_strength_save() {
    let whip = action(monster("balor"), "Whip");
    let save = save_step(&attack_step(whip).hit, "balor whip");
    assert_eq!((save.ability, save.dc), (Ability::Strength, Some(20)));
    assert_eq!(save.fail, [Effect::Push(PushStep { feet: -25 })]);
    assert_eq!(whip.automation.level, AutomationLevel::Full);
}

#[test]
fn purple_worm_bite_swallows_a_large_or_smaller_target() {
    let bite = action(monster("purple-worm"), "Bite");
    let only = only_step(&attack_step(bite).hit);
    assert_eq!(only.max_size, Some(Size::Large));
    let save = save_step(&only.then, "purple worm bite");
    assert_eq!((save.ability, save.dc), (Ability::Dexterity, Some(19)));
    let swallowed = &applies(&save.fail)[0].effect;
    assert_eq!(swallowed.name, "Swallowed by Purple Worm");
    assert_eq!(
        swallowed.conditions,
        [Condition::Blinded, Condition::Restrained]
    );
    assert!(swallowed.removed);
    assert_eq!(swallowed.duration, None);
    let acid = swallowed.each_turn.as_ref().expect("stomach acid");
    assert_eq!(acid.when, TurnPoint::Start);
    assert!(acid.on_source_turn, "at the start of the worm's turns");
    assert_eq!(
        dice_and_types(&damage_steps(&acid.effects)),
        [("6d6".to_owned(), Some(DamageType::Acid), false)]
    );
    assert_eq!(bite.automation.level, AutomationLevel::Full);
}

/// The damage steps of a hit, with a choice's first option (the default).
fn hit_damage(effects: &[Effect]) -> Vec<&DamageStep> {
    let mut out = damage_steps(effects);
    for e in effects {
        if let Effect::Choice(c) = e
            && let Some(first) = c.options.first()
        {
            out.extend(damage_steps(&first.effects));
        }
    }
    out
}
