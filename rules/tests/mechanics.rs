//! Named tests for the 5e core mechanics, one group per topic, dice scripted
//! with `FixedRolls` so every expectation is exact.
#![allow(clippy::unwrap_used)]

use rules::dice::{Advantage, FixedRolls};
use rules::mechanics::*;

fn dice(faces: &[u64]) -> FixedRolls {
    FixedRolls::new(faces.iter().copied())
}

fn id(s: &str) -> CreatureId {
    CreatureId::new(s)
}

// ---------------------------------------------------------------- abilities

#[test]
fn ability_modifier_rounds_down() {
    for (score, modifier) in [
        (1, -5),
        (3, -4),
        (8, -1),
        (9, -1),
        (10, 0),
        (11, 0),
        (12, 1),
        (15, 2),
        (20, 5),
        (30, 10),
    ] {
        assert_eq!(
            AbilityScore::new(score).unwrap().modifier(),
            modifier,
            "score {score}"
        );
    }
}

#[test]
fn ability_score_out_of_range_is_rejected() {
    assert_eq!(AbilityScore::new(0), Err(ScoreError(0)));
    assert_eq!(AbilityScore::new(31), Err(ScoreError(31)));
    assert_eq!(
        ScoreError(31).to_string(),
        "ability score 31 is out of range (use 1 to 30)"
    );
    assert!(serde_json::from_str::<AbilityScore>("40").is_err());
}

#[test]
fn ability_parses_short_and_long_names_any_case() {
    for (text, ability) in [
        ("str", Ability::Strength),
        ("DEX", Ability::Dexterity),
        ("Constitution", Ability::Constitution),
        (" int ", Ability::Intelligence),
        ("wisdom", Ability::Wisdom),
        ("Cha", Ability::Charisma),
    ] {
        assert_eq!(text.parse::<Ability>(), Ok(ability), "{text}");
        assert_eq!(ability.to_string().parse::<Ability>(), Ok(ability));
    }
}

#[test]
fn unknown_ability_error_says_what_to_type() {
    let err = "luck".parse::<Ability>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown ability \"luck\" (try str, dex, con, int, wis, cha)"
    );
}

#[test]
fn ability_scores_index_by_ability_and_round_trip_through_json() {
    let scores = AbilityScores::from_array([8, 14, 12, 10, 13, 16]).unwrap();
    assert_eq!(scores.modifier(Ability::Strength), -1);
    assert_eq!(scores.modifier(Ability::Dexterity), 2);
    assert_eq!(scores.modifier(Ability::Charisma), 3);
    let mods = ByAbility::from_fn(|a| scores.modifier(a));
    assert_eq!(mods[Ability::Constitution], 1);
    let json = serde_json::to_string(&scores).unwrap();
    assert_eq!(
        serde_json::from_str::<AbilityScores>(&json).unwrap(),
        scores
    );
    assert_eq!(scores.iter().count(), 6);
}

// ---------------------------------------------------------- proficiency, CR

#[test]
fn proficiency_bonus_by_character_level() {
    let expected = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6];
    for (level, pb) in (1..=20).zip(expected) {
        assert_eq!(
            Level::new(level).unwrap().proficiency_bonus(),
            pb,
            "level {level}"
        );
    }
}

#[test]
fn level_out_of_range_is_rejected() {
    assert_eq!(Level::new(0), Err(LevelError(0)));
    assert_eq!(Level::new(21), Err(LevelError(21)));
}

#[test]
fn proficiency_bonus_by_challenge_rating() {
    for (cr, pb) in [
        ("0", 2),
        ("1/8", 2),
        ("1/2", 2),
        ("4", 2),
        ("5", 3),
        ("8", 3),
        ("9", 4),
        ("12", 4),
        ("13", 5),
        ("17", 6),
        ("21", 7),
        ("24", 7),
        ("25", 8),
        ("28", 8),
        ("29", 9),
        ("30", 9),
    ] {
        let cr: ChallengeRating = cr.parse().unwrap();
        assert_eq!(cr.proficiency_bonus(), pb, "CR {cr}");
    }
}

#[test]
fn xp_by_challenge_rating() {
    for (cr, xp) in [
        ("0", 10),
        ("1/8", 25),
        ("1/4", 50),
        ("1/2", 100),
        ("1", 200),
        ("2", 450),
        ("5", 1_800),
        ("10", 5_900),
        ("17", 18_000),
        ("20", 25_000),
        ("24", 62_000),
        ("30", 155_000),
    ] {
        assert_eq!(cr.parse::<ChallengeRating>().unwrap().xp(), xp, "CR {cr}");
    }
}

#[test]
fn challenge_rating_parses_fractions_and_decimals() {
    assert_eq!("0.25".parse(), Ok(ChallengeRating::QUARTER));
    assert_eq!("CR 1/8".parse(), Ok(ChallengeRating::EIGHTH));
    assert_eq!(".5".parse(), Ok(ChallengeRating::HALF));
    assert_eq!("7".parse(), Ok(ChallengeRating::whole(7).unwrap()));
    assert!("1/3".parse::<ChallengeRating>().is_err());
    assert!("31".parse::<ChallengeRating>().is_err());
    assert_eq!(ChallengeRating::whole(0), None);
    assert!(ChallengeRating::HALF < ChallengeRating::whole(1).unwrap());
    assert_eq!(ChallengeRating::EIGHTH.value(), 0.125);
}

#[test]
fn challenge_rating_displays_and_serializes_as_text() {
    for text in ["0", "1/8", "1/4", "1/2", "1", "30"] {
        let cr: ChallengeRating = text.parse().unwrap();
        assert_eq!(cr.to_string(), text);
        assert_eq!(serde_json::to_string(&cr).unwrap(), format!("\"{text}\""));
    }
}

// ------------------------------------------------------------------- skills

#[test]
fn every_skill_uses_its_srd_ability() {
    use Ability::*;
    let expected = [
        (Skill::Acrobatics, Dexterity),
        (Skill::AnimalHandling, Wisdom),
        (Skill::Arcana, Intelligence),
        (Skill::Athletics, Strength),
        (Skill::Deception, Charisma),
        (Skill::History, Intelligence),
        (Skill::Insight, Wisdom),
        (Skill::Intimidation, Charisma),
        (Skill::Investigation, Intelligence),
        (Skill::Medicine, Wisdom),
        (Skill::Nature, Intelligence),
        (Skill::Perception, Wisdom),
        (Skill::Performance, Charisma),
        (Skill::Persuasion, Charisma),
        (Skill::Religion, Intelligence),
        (Skill::SleightOfHand, Dexterity),
        (Skill::Stealth, Dexterity),
        (Skill::Survival, Wisdom),
    ];
    assert_eq!(Skill::ALL.len(), 18);
    for (skill, ability) in expected {
        assert_eq!(skill.ability(), ability, "{skill}");
        assert_eq!(skill.to_string().parse::<Skill>(), Ok(skill));
    }
}

#[test]
fn skill_parses_short_forms() {
    for (text, skill) in [
        ("ath", Skill::Athletics),
        ("stealth", Skill::Stealth),
        ("sleight of hand", Skill::SleightOfHand),
        ("Sleight", Skill::SleightOfHand),
        ("sleight-of-hand", Skill::SleightOfHand),
        ("animal handling", Skill::AnimalHandling),
        ("perc", Skill::Perception),
        ("perf", Skill::Performance),
        ("persuade", Skill::Persuasion),
        ("INV", Skill::Investigation),
        ("acro", Skill::Acrobatics),
    ] {
        assert_eq!(text.parse::<Skill>(), Ok(skill), "{text}");
    }
}

#[test]
fn ambiguous_skill_abbreviation_is_rejected() {
    assert!("per".parse::<Skill>().is_err());
}

#[test]
fn proficiency_levels_add_none_half_whole_or_double() {
    for (level, pb, bonus) in [
        (ProficiencyLevel::None, 3, 0),
        (ProficiencyLevel::Half, 3, 1),
        (ProficiencyLevel::Half, 2, 1),
        (ProficiencyLevel::Proficient, 3, 3),
        (ProficiencyLevel::Expertise, 3, 6),
    ] {
        assert_eq!(level.bonus(pb), bonus, "{level} at +{pb}");
    }
    assert_eq!("jack".parse(), Ok(ProficiencyLevel::Half));
    assert_eq!("expert".parse(), Ok(ProficiencyLevel::Expertise));
}

fn bard() -> Proficiencies {
    let mut p = Proficiencies {
        scores: AbilityScores::from_array([8, 14, 12, 10, 13, 16]).unwrap(),
        proficiency_bonus: 3,
        untrained: ProficiencyLevel::Half,
        ..Proficiencies::default()
    };
    p.saves[Ability::Dexterity] = true;
    p.saves[Ability::Charisma] = true;
    p.skills[Skill::Performance] = ProficiencyLevel::Expertise;
    p.skills[Skill::Persuasion] = ProficiencyLevel::Proficient;
    p
}

#[test]
fn jack_of_all_trades_adds_half_proficiency_to_untrained_checks() {
    let bard = bard();
    assert_eq!(
        bard.check_modifier(Ability::Strength, Some(Skill::Athletics)),
        -1 + 1
    );
    assert_eq!(bard.check_modifier(Ability::Intelligence, None), 1);
    assert_eq!(bard.initiative_modifier(), 2 + 1);
    assert_eq!(
        bard.check_modifier(Ability::Charisma, Some(Skill::Persuasion)),
        3 + 3
    );
    assert_eq!(
        bard.check_modifier(Ability::Charisma, Some(Skill::Performance)),
        3 + 6
    );
}

#[test]
fn saving_throw_adds_proficiency_only_when_proficient() {
    let bard = bard();
    assert_eq!(bard.save_modifier(Ability::Dexterity), 2 + 3);
    assert_eq!(bard.save_modifier(Ability::Wisdom), 1);
}

// ----------------------------------------------------------------- d20 tests

#[test]
fn check_that_meets_dc_succeeds() {
    let outcome = D20Test::new(3).roll(15, &mut dice(&[12]));
    assert!(outcome.success());
    assert_eq!(outcome.total(), Some(15));
}

#[test]
fn check_below_dc_fails() {
    let outcome = D20Test::new(3).roll(15, &mut dice(&[11]));
    assert!(!outcome.success());
    assert_eq!(outcome.total(), Some(14));
}

#[test]
fn advantage_keeps_higher_and_records_both_faces() {
    let outcome = D20Test::new(0)
        .with_advantage(Advantage::Advantage)
        .roll(10, &mut dice(&[4, 17]));
    let roll = outcome.roll().unwrap();
    assert_eq!(roll.faces, vec![4, 17]);
    assert_eq!(roll.kept, 1);
    assert_eq!(roll.natural(), 17);
    assert_eq!(outcome.total(), Some(17));
}

#[test]
fn disadvantage_keeps_lower() {
    let outcome = D20Test::new(5)
        .with_advantage(Advantage::Disadvantage)
        .roll(10, &mut dice(&[4, 17]));
    let roll = outcome.roll().unwrap();
    assert_eq!(roll.faces, vec![4, 17]);
    assert_eq!(roll.kept, 0);
    assert_eq!(outcome.total(), Some(9));
    assert!(!outcome.success());
}

#[test]
fn advantage_and_disadvantage_cancel_to_one_die() {
    let mut roller = dice(&[8, 20]);
    let outcome = D20Test::new(0)
        .with_advantage(Advantage::Advantage)
        .with_advantage(Advantage::Disadvantage)
        .roll(10, &mut roller);
    assert_eq!(outcome.roll().unwrap().faces, vec![8]);
    assert_eq!(roller.rolled(), 1);
}

#[test]
fn reliable_talent_treats_low_d20_as_ten() {
    let outcome = D20Test::new(7).with_min_face(10).roll(17, &mut dice(&[3]));
    let roll = outcome.roll().unwrap();
    assert_eq!(roll.natural(), 3);
    assert_eq!(roll.face(), 10);
    assert_eq!(outcome.total(), Some(17));
    assert!(outcome.success());
}

#[test]
fn auto_failed_test_rolls_no_dice() {
    let mut roller = dice(&[20]);
    let outcome = D20Test::new(10).auto_failing().roll(5, &mut roller);
    assert_eq!(outcome, TestOutcome::AutoFailed { dc: 5 });
    assert!(!outcome.success());
    assert_eq!(roller.rolled(), 0);
}

// ------------------------------------------------------------------- attacks

fn check_attack(attack: Attack, ac: i32, cover: Cover, faces: &[u64], expect: AttackResult) {
    let outcome = attack.roll(ac, cover, &mut dice(faces)).unwrap();
    assert_eq!(
        outcome.result, expect,
        "{attack:?} vs AC {ac} {cover}, faces {faces:?}"
    );
}

#[test]
fn natural_20_always_hits_and_crits() {
    check_attack(
        Attack::new(-5),
        30,
        Cover::None,
        &[20],
        AttackResult::Critical,
    );
}

#[test]
fn natural_1_always_misses() {
    check_attack(Attack::new(20), 5, Cover::None, &[1], AttackResult::Miss);
}

#[test]
fn attack_total_equal_to_ac_hits() {
    check_attack(Attack::new(5), 15, Cover::None, &[10], AttackResult::Hit);
    check_attack(Attack::new(5), 15, Cover::None, &[9], AttackResult::Miss);
}

#[test]
fn improved_critical_crits_on_19() {
    let champion = Attack::new(5).with_crit_on(19);
    check_attack(champion, 15, Cover::None, &[19], AttackResult::Critical);
    check_attack(champion, 15, Cover::None, &[18], AttackResult::Hit);
    check_attack(Attack::new(5), 15, Cover::None, &[19], AttackResult::Hit);
}

#[test]
fn cover_adds_to_armor_class() {
    for (cover, face, expect) in [
        (Cover::Half, 11, AttackResult::Hit),
        (Cover::Half, 10, AttackResult::Miss),
        (Cover::ThreeQuarters, 14, AttackResult::Hit),
        (Cover::ThreeQuarters, 13, AttackResult::Miss),
    ] {
        check_attack(Attack::new(2), 11, cover, &[face], expect);
    }
    let outcome = Attack::new(2)
        .roll(11, Cover::ThreeQuarters, &mut dice(&[14]))
        .unwrap();
    assert_eq!(outcome.target_ac, 16);
    assert_eq!(outcome.total, 16);
}

#[test]
fn total_cover_makes_target_untargetable() {
    let mut roller = dice(&[20]);
    let err = Attack::new(5)
        .roll(10, Cover::Total, &mut roller)
        .unwrap_err();
    assert_eq!(err, AttackError::Untargetable);
    assert_eq!(roller.rolled(), 0);
    assert_eq!(
        err.to_string(),
        "target has total cover; pick another target or move"
    );
}

#[test]
fn auto_crit_turns_a_hit_into_a_crit_but_not_a_miss() {
    let attack = Attack::new(3).with_auto_crit(true);
    check_attack(attack, 12, Cover::None, &[9], AttackResult::Critical);
    check_attack(attack, 12, Cover::None, &[8], AttackResult::Miss);
}

#[test]
fn attack_with_disadvantage_uses_lower_die() {
    let attack = Attack::new(4).with_advantage(Advantage::Disadvantage);
    check_attack(attack, 12, Cover::None, &[20, 2], AttackResult::Miss);
    check_attack(attack, 12, Cover::None, &[20, 1], AttackResult::Miss);
    let adv = Attack::new(4).with_advantage(Advantage::Advantage);
    check_attack(adv, 30, Cover::None, &[1, 20], AttackResult::Critical);
}

#[test]
fn cover_parses_common_forms() {
    assert_eq!("half".parse(), Ok(Cover::Half));
    assert_eq!("3/4".parse(), Ok(Cover::ThreeQuarters));
    assert_eq!("three-quarters cover".parse(), Ok(Cover::ThreeQuarters));
    assert_eq!("Total".parse(), Ok(Cover::Total));
    assert_eq!(Cover::Total.ac_bonus(), None);
}

// -------------------------------------------------------------------- damage

#[test]
fn damage_types_parse_and_display_all_thirteen() {
    assert_eq!(DamageType::ALL.len(), 13);
    for t in DamageType::ALL {
        assert_eq!(t.to_string().parse::<DamageType>(), Ok(t));
        assert_eq!(t.to_string().to_uppercase().parse::<DamageType>(), Ok(t));
    }
    assert_eq!("slash".parse(), Ok(DamageType::Slashing));
    assert_eq!("necro".parse(), Ok(DamageType::Necrotic));
    assert!("sonic".parse::<DamageType>().is_err());
}

#[test]
fn damage_dice_parse_and_display() {
    assert_eq!("2d6".parse(), Ok(DamageDice::new(2, 6)));
    assert_eq!("d8".parse(), Ok(DamageDice::new(1, 8)));
    assert_eq!(DamageDice::new(3, 4).to_string(), "3d4");
    assert!("2x6".parse::<DamageDice>().is_err());
    assert!("2d0".parse::<DamageDice>().is_err());
}

#[test]
fn damage_roll_adds_dice_and_bonus() {
    let roll = DamageRoll::new(DamageDice::new(2, 6), 3, DamageType::Slashing);
    let rolled = roll.roll(false, &mut dice(&[4, 5]));
    assert_eq!(rolled.faces, vec![4, 5]);
    assert_eq!(rolled.total, 12);
}

#[test]
fn critical_hit_doubles_dice_not_bonus() {
    let roll = DamageRoll::new(DamageDice::new(1, 8), 3, DamageType::Piercing);
    let rolled = roll.roll(true, &mut dice(&[5, 6]));
    assert_eq!(rolled.faces, vec![5, 6]);
    assert_eq!(rolled.total, 5 + 6 + 3);
    assert!(rolled.critical);
}

#[test]
fn damage_total_never_negative() {
    let roll = DamageRoll::new(DamageDice::new(1, 4), -5, DamageType::Bludgeoning);
    assert_eq!(roll.roll(false, &mut dice(&[1])).total, 0);
}

fn defenses(resist: &[DamageType], vuln: &[DamageType], immune: &[DamageType]) -> Defenses {
    Defenses {
        resistances: resist.iter().copied().collect(),
        vulnerabilities: vuln.iter().copied().collect(),
        immunities: immune.iter().copied().collect(),
    }
}

fn check_adjust(defenses: Defenses, amount: u32, damage_type: DamageType, expect: u32) {
    assert_eq!(
        defenses.adjust(amount, damage_type),
        expect,
        "{amount} {damage_type} vs {defenses:?}"
    );
}

#[test]
fn resistance_halves_rounding_down() {
    check_adjust(
        defenses(&[DamageType::Fire], &[], &[]),
        7,
        DamageType::Fire,
        3,
    );
    check_adjust(
        defenses(&[DamageType::Fire], &[], &[]),
        7,
        DamageType::Cold,
        7,
    );
}

#[test]
fn vulnerability_doubles() {
    check_adjust(
        defenses(&[], &[DamageType::Radiant], &[]),
        9,
        DamageType::Radiant,
        18,
    );
}

#[test]
fn immunity_makes_damage_zero() {
    let d = defenses(
        &[DamageType::Poison],
        &[DamageType::Poison],
        &[DamageType::Poison],
    );
    check_adjust(d, 30, DamageType::Poison, 0);
}

#[test]
fn resistance_then_vulnerability_when_both_apply() {
    let d = defenses(&[DamageType::Cold], &[DamageType::Cold], &[]);
    check_adjust(d, 7, DamageType::Cold, 6);
}

#[test]
fn same_resistance_twice_counts_once() {
    let d = defenses(&[DamageType::Fire, DamageType::Fire], &[], &[]);
    check_adjust(d, 20, DamageType::Fire, 10);
    assert_eq!(d.resistances.iter().count(), 1);
}

#[test]
fn each_damage_type_in_a_hit_is_adjusted_on_its_own() {
    let d = defenses(&[DamageType::Slashing], &[], &[DamageType::Fire]);
    let mut roller = dice(&[8, 6]);
    let hit = [
        DamageRoll::new(DamageDice::new(1, 8), 0, DamageType::Slashing).roll(false, &mut roller),
        DamageRoll::new(DamageDice::new(1, 6), 0, DamageType::Fire).roll(false, &mut roller),
    ];
    assert_eq!(d.total(&hit), 4);
}

#[test]
fn petrified_creature_resists_all_damage() {
    let conditions = Conditions::of([Condition::Petrified]);
    assert!(conditions.resists_all_damage());
    let d = Defenses::default().with_resistance_to_all();
    for t in DamageType::ALL {
        check_adjust(d, 11, t, 5);
    }
}

#[test]
fn damage_type_sets_serialize_as_lists() {
    let set: DamageTypes = [DamageType::Fire, DamageType::Acid].into_iter().collect();
    let json = serde_json::to_string(&set).unwrap();
    assert_eq!(json, r#"["acid","fire"]"#);
    assert_eq!(serde_json::from_str::<DamageTypes>(&json).unwrap(), set);
}

// --------------------------------------------------------------- hit points

fn hero(max: u32) -> Health {
    Health::new(max, ZeroHp::DeathSaves)
}

fn dying(successes: u8, failures: u8) -> LifeState {
    LifeState::Dying {
        successes,
        failures,
    }
}

#[test]
fn temporary_hit_points_absorb_damage_first() {
    let mut h = hero(20);
    h.grant_temp(5);
    let report = h.take_damage(8, false);
    assert_eq!((report.absorbed, report.lost), (5, 3));
    assert_eq!((h.temp(), h.current()), (0, 17));
}

#[test]
fn temporary_hit_points_do_not_stack_higher_stays() {
    let mut h = hero(20);
    assert_eq!(h.grant_temp(5), 5);
    assert_eq!(h.grant_temp(3), 5);
    assert_eq!(h.grant_temp(8), 8);
}

#[test]
fn hit_points_never_go_below_zero() {
    let mut h = hero(20);
    let report = h.take_damage(25, false);
    assert_eq!(h.current(), 0);
    assert_eq!(report.lost, 20);
    assert!(report.dropped_to_zero);
    assert_eq!(h.state(), dying(0, 0));
}

#[test]
fn massive_damage_kills_outright() {
    let mut h = hero(10);
    h.take_damage(4, false);
    let report = h.take_damage(6 + 10, false);
    assert!(report.instant_death);
    assert_eq!(h.state(), LifeState::Dead);
}

#[test]
fn damage_just_below_massive_leaves_creature_dying() {
    let mut h = hero(10);
    h.take_damage(4, false);
    let report = h.take_damage(6 + 9, false);
    assert!(!report.instant_death);
    assert_eq!(h.state(), dying(0, 0));
}

#[test]
fn monster_dies_at_zero_hit_points() {
    let mut goblin = Health::new(7, ZeroHp::Dies);
    let report = goblin.take_damage(7, false);
    assert_eq!(report.state, LifeState::Dead);
    assert!(!report.instant_death);
}

#[test]
fn damage_at_zero_hit_points_is_a_death_save_failure() {
    let mut h = hero(20);
    h.take_damage(20, false);
    let report = h.take_damage(3, false);
    assert_eq!(report.death_save_failures, 1);
    assert_eq!(h.state(), dying(0, 1));
}

#[test]
fn critical_hit_at_zero_hit_points_is_two_failures() {
    let mut h = hero(20);
    h.take_damage(20, false);
    let report = h.take_damage(3, true);
    assert_eq!(report.death_save_failures, 2);
    assert_eq!(h.state(), dying(0, 2));
    h.take_damage(1, false);
    assert_eq!(h.state(), LifeState::Dead);
}

#[test]
fn damage_at_zero_hit_points_of_at_least_max_kills() {
    let mut h = hero(12);
    h.take_damage(12, false);
    let report = h.take_damage(12, false);
    assert!(report.instant_death);
    assert_eq!(h.state(), LifeState::Dead);
}

#[test]
fn temporary_hit_points_at_zero_spare_a_failure() {
    let mut h = hero(12);
    h.take_damage(12, false);
    h.grant_temp(5);
    let report = h.take_damage(4, false);
    assert_eq!(report.death_save_failures, 0);
    assert_eq!(h.state(), dying(0, 0));
}

#[test]
fn stable_creature_that_takes_damage_is_dying_again() {
    let mut h = hero(12);
    h.take_damage(12, false);
    h.stabilize().unwrap();
    assert_eq!(h.state(), LifeState::Stable);
    h.take_damage(1, false);
    assert_eq!(h.state(), dying(0, 1));
}

#[test]
fn healing_at_zero_restores_consciousness_and_resets_death_saves() {
    let mut h = hero(12);
    h.take_damage(12, false);
    h.take_damage(1, false);
    assert_eq!(h.heal(4), Ok(4));
    assert_eq!(h.state(), LifeState::Conscious);
    h.take_damage(4, false);
    assert_eq!(h.state(), dying(0, 0));
}

#[test]
fn healing_stops_at_maximum() {
    let mut h = hero(12);
    h.take_damage(5, false);
    assert_eq!(h.heal(50), Ok(5));
    assert_eq!(h.current(), 12);
}

#[test]
fn healing_the_dead_is_refused() {
    let mut h = hero(12);
    h.kill();
    assert_eq!(h.heal(5), Err(HealError::Dead));
    assert_eq!(h.take_damage(5, false).lost, 0);
}

#[test]
fn lowering_the_maximum_lowers_current_hit_points() {
    let mut h = hero(30);
    h.set_max(15);
    assert_eq!((h.current(), h.max()), (15, 15));
}

// -------------------------------------------------------------- death saves

fn down(max: u32) -> Health {
    let mut h = hero(max);
    h.take_damage(max, false);
    h
}

fn check_death_saves(faces: &[u64], results: &[DeathSaveResult], end: LifeState) {
    let mut h = down(10);
    let mut roller = dice(faces);
    for expected in results {
        let outcome = h.death_save(&D20Test::new(0), &mut roller).unwrap();
        assert_eq!(outcome.result, *expected, "faces {faces:?}");
    }
    assert_eq!(h.state(), end, "faces {faces:?}");
}

#[test]
fn death_save_nat20_restores_one_hp() {
    check_death_saves(&[20], &[DeathSaveResult::Revived], LifeState::Conscious);
    let mut h = down(10);
    h.take_damage(1, false);
    h.death_save(&D20Test::new(0), &mut dice(&[20])).unwrap();
    assert_eq!(h.current(), 1);
    h.take_damage(1, false);
    assert_eq!(h.state(), dying(0, 0));
}

#[test]
fn death_save_nat1_counts_two_failures() {
    check_death_saves(&[1], &[DeathSaveResult::DoubleFailure], dying(0, 2));
}

#[test]
fn death_save_of_ten_succeeds_and_nine_fails() {
    check_death_saves(&[10], &[DeathSaveResult::Success], dying(1, 0));
    check_death_saves(&[9], &[DeathSaveResult::Failure], dying(0, 1));
}

#[test]
fn death_save_three_successes_stabilize() {
    use DeathSaveResult::*;
    check_death_saves(
        &[12, 3, 15, 11],
        &[Success, Failure, Success, Stabilized],
        LifeState::Stable,
    );
}

#[test]
fn death_save_three_failures_kill() {
    use DeathSaveResult::*;
    check_death_saves(
        &[5, 15, 2, 9],
        &[Failure, Success, Failure, Died],
        LifeState::Dead,
    );
    check_death_saves(&[5, 1], &[Failure, Died], LifeState::Dead);
}

#[test]
fn death_save_bonus_counts_toward_dc_10() {
    let mut h = down(10);
    let outcome = h.death_save(&D20Test::new(2), &mut dice(&[8])).unwrap();
    assert_eq!(outcome.total, 10);
    assert_eq!(outcome.result, DeathSaveResult::Success);
}

#[test]
fn death_save_when_not_dying_is_refused() {
    let mut h = hero(10);
    assert_eq!(
        h.death_save(&D20Test::new(0), &mut dice(&[10])),
        Err(NotDying)
    );
    assert_eq!(h.stabilize(), Err(NotDying));
}

// ------------------------------------------------------------ concentration

#[test]
fn concentration_dc_is_ten_or_half_the_damage() {
    for (damage, dc) in [(1, 10), (20, 10), (21, 10), (22, 11), (23, 11), (50, 25)] {
        assert_eq!(concentration_dc(damage), dc, "damage {damage}");
    }
}

#[test]
fn starting_new_concentration_ends_the_old_one() {
    let mut c = Concentration::default();
    assert_eq!(c.start("bless"), None);
    assert_eq!(c.start("hold person").as_deref(), Some("bless"));
    assert_eq!(c.spell(), Some("hold person"));
}

#[test]
fn failed_concentration_save_ends_the_spell() {
    let mut c = Concentration::default();
    c.start("bless");
    let check = c.on_damage(30, &D20Test::new(2), &mut dice(&[12])).unwrap();
    assert_eq!(check.dc, 15);
    assert_eq!(check.outcome.total(), Some(14));
    assert_eq!(check.lost.as_deref(), Some("bless"));
    assert_eq!(c.spell(), None);
}

#[test]
fn successful_concentration_save_keeps_the_spell() {
    let mut c = Concentration::default();
    c.start("bless");
    let check = c.on_damage(8, &D20Test::new(0), &mut dice(&[10])).unwrap();
    assert_eq!(check.dc, 10);
    assert_eq!(check.lost, None);
    assert_eq!(c.spell(), Some("bless"));
}

#[test]
fn no_concentration_save_without_spell_or_damage() {
    let mut roller = dice(&[1]);
    assert_eq!(
        Concentration::default().on_damage(10, &D20Test::new(0), &mut roller),
        None
    );
    let mut c = Concentration::default();
    c.start("bless");
    assert_eq!(c.on_damage(0, &D20Test::new(0), &mut roller), None);
    assert_eq!(roller.rolled(), 0);
}

#[test]
fn incapacitated_ends_concentration() {
    let mut c = Concentration::default();
    c.start("haste");
    assert_eq!(c.on_incapacitated().as_deref(), Some("haste"));
    assert_eq!(c.spell(), None);
}

// --------------------------------------------------------------- conditions

#[test]
fn all_fifteen_conditions_parse_and_display() {
    assert_eq!(Condition::ALL.len(), 15);
    for c in Condition::ALL {
        assert_eq!(c.to_string().parse::<Condition>(), Ok(c));
    }
    assert_eq!("blind".parse(), Ok(Condition::Blinded));
    assert_eq!("Paralysed".parse(), Ok(Condition::Paralyzed));
    assert_eq!("exhausted".parse(), Ok(Condition::Exhaustion));
}

#[test]
fn paralyzed_petrified_stunned_unconscious_imply_incapacitated() {
    use Condition::*;
    for c in [Incapacitated, Paralyzed, Petrified, Stunned, Unconscious] {
        let conditions = Conditions::of([c]);
        assert!(conditions.is_incapacitated(), "{c}");
        assert!(!conditions.can_act(), "{c}");
    }
    for c in [
        Blinded, Charmed, Frightened, Grappled, Poisoned, Prone, Restrained,
    ] {
        assert!(!Conditions::of([c]).is_incapacitated(), "{c}");
    }
}

#[test]
fn strength_and_dexterity_saves_auto_fail_when_helpless() {
    use Condition::*;
    for c in [Paralyzed, Petrified, Stunned, Unconscious] {
        let conditions = Conditions::of([c]);
        assert!(conditions.save_auto_fails(Ability::Strength), "{c}");
        assert!(conditions.save_auto_fails(Ability::Dexterity), "{c}");
        assert!(!conditions.save_auto_fails(Ability::Constitution), "{c}");
        assert!(conditions.save_test(Ability::Dexterity, 5).auto_fail, "{c}");
    }
    assert!(!Conditions::of([Restrained]).save_auto_fails(Ability::Dexterity));
}

#[test]
fn restrained_gives_disadvantage_on_dexterity_saves() {
    let conditions = Conditions::of([Condition::Restrained]);
    assert_eq!(
        conditions.save_test(Ability::Dexterity, 0).advantage,
        Advantage::Disadvantage
    );
    assert_eq!(
        conditions.save_test(Ability::Wisdom, 0).advantage,
        Advantage::Normal
    );
}

fn exhausted(level: u8) -> Conditions {
    let mut c = Conditions::new();
    c.set_exhaustion(level);
    c
}

#[test]
fn exhaustion_level_1_disadvantage_on_checks() {
    let c = exhausted(1);
    assert_eq!(c.check_test(0, &[]).advantage, Advantage::Disadvantage);
    assert_eq!(c.save_test(Ability::Wisdom, 0).advantage, Advantage::Normal);
    assert_eq!(c.speed(30), 30);
}

#[test]
fn exhaustion_level_2_halves_speed() {
    assert_eq!(exhausted(2).speed(30), 15);
    assert_eq!(exhausted(2).speed(25), 12);
}

#[test]
fn exhaustion_level_3_disadvantage_on_attacks_and_saves() {
    let c = exhausted(3);
    assert_eq!(
        c.save_test(Ability::Wisdom, 0).advantage,
        Advantage::Disadvantage
    );
    let effects = attack_effects(&c, &Conditions::new(), &AttackContext::default());
    assert_eq!(effects.tally.advantage(), Advantage::Disadvantage);
    assert_eq!(
        effects.tally.disadvantages,
        vec![Reason::Own(Condition::Exhaustion)]
    );
}

#[test]
fn exhaustion_level_4_halves_hit_point_maximum() {
    assert_eq!(exhausted(3).hit_point_maximum(45), 45);
    assert_eq!(exhausted(4).hit_point_maximum(45), 22);
}

#[test]
fn exhaustion_level_5_speed_zero() {
    assert_eq!(exhausted(5).speed(30), 0);
    assert!(!exhausted(5).is_dead_from_exhaustion());
}

#[test]
fn exhaustion_level_6_is_death() {
    assert!(exhausted(6).is_dead_from_exhaustion());
}

#[test]
fn adding_exhaustion_raises_the_level_up_to_six() {
    let mut c = Conditions::new();
    for _ in 0..8 {
        c.add(Condition::Exhaustion);
    }
    assert_eq!(c.exhaustion(), 6);
    c.reduce_exhaustion();
    assert_eq!(c.exhaustion(), 5);
    c.remove(Condition::Exhaustion);
    assert!(!c.has(Condition::Exhaustion));
}

#[test]
fn grappled_restrained_and_helpless_creatures_have_speed_zero() {
    use Condition::*;
    for c in [
        Grappled,
        Restrained,
        Paralyzed,
        Petrified,
        Stunned,
        Unconscious,
    ] {
        assert_eq!(Conditions::of([c]).speed(30), 0, "{c}");
    }
    assert_eq!(Conditions::of([Prone, Poisoned]).speed(30), 30);
}

#[test]
fn poisoned_disadvantage_on_attacks_and_checks() {
    let c = Conditions::of([Condition::Poisoned]);
    assert_eq!(c.check_test(0, &[]).advantage, Advantage::Disadvantage);
    let effects = attack_effects(&c, &Conditions::new(), &AttackContext::default());
    assert_eq!(effects.tally.advantage(), Advantage::Disadvantage);
}

#[test]
fn frightened_disadvantage_while_source_in_sight_and_cannot_approach_it() {
    let mut c = Conditions::new();
    c.add_from(Condition::Frightened, id("dragon"));
    assert_eq!(c.check_test(0, &[]).advantage, Advantage::Disadvantage);
    let in_sight = AttackContext {
        fear_source_in_sight: true,
        ..AttackContext::default()
    };
    let out_of_sight = AttackContext::default();
    let none = Conditions::new();
    assert_eq!(
        attack_effects(&c, &none, &in_sight).tally.advantage(),
        Advantage::Disadvantage
    );
    assert_eq!(
        attack_effects(&c, &none, &out_of_sight).tally.advantage(),
        Advantage::Normal
    );
    assert!(!c.may_approach(&id("dragon")));
    assert!(c.may_approach(&id("kobold")));
}

#[test]
fn blinded_fails_sight_checks_and_deafened_fails_hearing_checks() {
    let blind = Conditions::of([Condition::Blinded]);
    assert!(blind.check_test(5, &[Sense::Sight]).auto_fail);
    assert!(!blind.check_test(5, &[Sense::Hearing]).auto_fail);
    let deaf = Conditions::of([Condition::Deafened]);
    assert!(deaf.check_test(5, &[Sense::Hearing]).auto_fail);
    assert!(!deaf.check_test(5, &[]).auto_fail);
}

#[test]
fn charmed_creature_cannot_attack_its_charmer() {
    let mut c = Conditions::new();
    c.add_from(Condition::Charmed, id("vampire"));
    assert!(!c.may_attack(&id("vampire")));
    assert!(c.may_attack(&id("zombie")));
    c.remove(Condition::Charmed);
    assert!(c.may_attack(&id("vampire")));
}

fn melee_within_5ft() -> AttackContext {
    AttackContext {
        within_5ft: true,
        ..AttackContext::default()
    }
}

fn ranged_from_afar() -> AttackContext {
    AttackContext {
        kind: AttackKind::Ranged,
        ..AttackContext::default()
    }
}

fn check_attack_effects(
    attacker: &[Condition],
    target: &[Condition],
    context: AttackContext,
    advantage: Advantage,
    auto_crit: bool,
) {
    let effects = attack_effects(
        &Conditions::of(attacker.iter().copied()),
        &Conditions::of(target.iter().copied()),
        &context,
    );
    assert_eq!(
        (effects.tally.advantage(), effects.auto_crit),
        (advantage, auto_crit),
        "{attacker:?} attacking {target:?} with {context:?}: {:?}",
        effects.tally
    );
}

#[test]
fn blinded_attacker_has_disadvantage_and_blinded_target_gives_advantage() {
    use Condition::*;
    check_attack_effects(
        &[Blinded],
        &[],
        melee_within_5ft(),
        Advantage::Disadvantage,
        false,
    );
    check_attack_effects(
        &[],
        &[Blinded],
        melee_within_5ft(),
        Advantage::Advantage,
        false,
    );
}

#[test]
fn invisible_is_the_reverse_of_blinded() {
    use Condition::*;
    check_attack_effects(
        &[Invisible],
        &[],
        melee_within_5ft(),
        Advantage::Advantage,
        false,
    );
    check_attack_effects(
        &[],
        &[Invisible],
        melee_within_5ft(),
        Advantage::Disadvantage,
        false,
    );
    check_attack_effects(
        &[Invisible],
        &[Invisible],
        melee_within_5ft(),
        Advantage::Normal,
        false,
    );
}

#[test]
fn prone_target_gives_advantage_within_5ft_and_disadvantage_beyond() {
    use Condition::*;
    check_attack_effects(
        &[],
        &[Prone],
        melee_within_5ft(),
        Advantage::Advantage,
        false,
    );
    check_attack_effects(
        &[],
        &[Prone],
        ranged_from_afar(),
        Advantage::Disadvantage,
        false,
    );
    check_attack_effects(
        &[Prone],
        &[],
        melee_within_5ft(),
        Advantage::Disadvantage,
        false,
    );
}

#[test]
fn hit_within_5ft_on_paralyzed_or_unconscious_is_automatic_crit() {
    use Condition::*;
    check_attack_effects(
        &[],
        &[Paralyzed],
        melee_within_5ft(),
        Advantage::Advantage,
        true,
    );
    check_attack_effects(
        &[],
        &[Paralyzed],
        ranged_from_afar(),
        Advantage::Advantage,
        false,
    );
    check_attack_effects(
        &[],
        &[Unconscious, Prone],
        melee_within_5ft(),
        Advantage::Advantage,
        true,
    );
    // Beyond 5 ft, unconscious (advantage) and prone (disadvantage) cancel.
    check_attack_effects(
        &[],
        &[Unconscious, Prone],
        ranged_from_afar(),
        Advantage::Normal,
        false,
    );
}

#[test]
fn restrained_stunned_petrified_targets_give_advantage() {
    use Condition::*;
    for c in [Restrained, Stunned, Petrified] {
        check_attack_effects(&[], &[c], melee_within_5ft(), Advantage::Advantage, false);
    }
    check_attack_effects(
        &[Restrained],
        &[],
        melee_within_5ft(),
        Advantage::Disadvantage,
        false,
    );
}

#[test]
fn ranged_attack_next_to_a_hostile_or_at_long_range_has_disadvantage() {
    let engaged = AttackContext {
        hostile_within_5ft: true,
        ..ranged_from_afar()
    };
    check_attack_effects(&[], &[], engaged, Advantage::Disadvantage, false);
    let long = AttackContext {
        beyond_normal_range: true,
        ..ranged_from_afar()
    };
    check_attack_effects(&[], &[], long, Advantage::Disadvantage, false);
    let melee_engaged = AttackContext {
        hostile_within_5ft: true,
        ..melee_within_5ft()
    };
    check_attack_effects(&[], &[], melee_engaged, Advantage::Normal, false);
}

#[test]
fn dodging_target_gives_disadvantage_unless_incapacitated() {
    let dodging = AttackContext {
        target_dodging: true,
        ..melee_within_5ft()
    };
    check_attack_effects(&[], &[], dodging, Advantage::Disadvantage, false);
    check_attack_effects(
        &[],
        &[Condition::Stunned],
        dodging,
        Advantage::Advantage,
        false,
    );
}

#[test]
fn conditions_round_trip_through_json() {
    let mut c = Conditions::of([Condition::Prone, Condition::Poisoned]);
    c.add_from(Condition::Charmed, id("hag"));
    c.set_exhaustion(2);
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<Conditions>(&json).unwrap(), c);
}

// --------------------------------------------------------------- initiative

fn entrant(name: &str, modifier: i32, dex: u8) -> Entrant {
    Entrant {
        id: id(name),
        modifier,
        dexterity: AbilityScore::new(dex).unwrap(),
        advantage: Advantage::Normal,
    }
}

fn order(rolls: &[InitiativeRoll]) -> Vec<&str> {
    rolls.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn initiative_orders_highest_total_first() {
    let rolls = roll_initiative(
        &[
            entrant("a", 0, 10),
            entrant("b", 2, 14),
            entrant("c", 1, 12),
        ],
        &mut dice(&[5, 15, 18]),
    );
    assert_eq!(order(&rolls), ["c", "b", "a"]);
    assert_eq!(rolls[0].total, 19);
}

#[test]
fn initiative_ties_go_to_higher_dexterity_score() {
    let rolls = roll_initiative(
        &[entrant("slow", 2, 14), entrant("quick", 2, 15)],
        &mut dice(&[10, 10]),
    );
    assert_eq!(order(&rolls), ["quick", "slow"]);
}

#[test]
fn initiative_full_ties_keep_input_order() {
    let rolls = roll_initiative(
        &[entrant("first", 1, 12), entrant("second", 1, 12)],
        &mut dice(&[9, 9]),
    );
    assert_eq!(order(&rolls), ["first", "second"]);
}

#[test]
fn initiative_with_advantage_keeps_higher_die() {
    let mut e = entrant("scout", 3, 16);
    e.advantage = Advantage::Advantage;
    let rolls = roll_initiative(&[e], &mut dice(&[4, 16]));
    assert_eq!(rolls[0].total, 19);
    assert_eq!(rolls[0].roll.faces, vec![4, 16]);
}

// -------------------------------------------------------------------- rests

#[test]
fn short_rest_heals_hit_die_roll_plus_constitution() {
    let mut h = hero(40);
    h.take_damage(30, false);
    let mut hd = HitDice::new(10, 5);
    let mut slots = SpellSlots::none();
    let report = short_rest(&mut h, &mut hd, 2, 2, &mut slots, &mut dice(&[6, 3])).unwrap();
    assert_eq!(report.faces, vec![6, 3]);
    assert_eq!(report.healed, 8 + 5);
    assert_eq!(report.hit_dice_left, 3);
    assert_eq!(h.current(), 23);
}

#[test]
fn hit_die_never_heals_below_zero() {
    let mut h = hero(20);
    h.take_damage(10, false);
    let mut hd = HitDice::new(6, 3);
    let report = short_rest(
        &mut h,
        &mut hd,
        1,
        -3,
        &mut SpellSlots::none(),
        &mut dice(&[1]),
    )
    .unwrap();
    assert_eq!(report.healed, 0);
    assert_eq!(h.current(), 10);
}

#[test]
fn short_rest_refuses_more_hit_dice_than_left() {
    let mut h = hero(20);
    let mut hd = HitDice::new(8, 2);
    let err = short_rest(
        &mut h,
        &mut hd,
        3,
        0,
        &mut SpellSlots::none(),
        &mut dice(&[4]),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "only 2 hit dice left; spend 2 or fewer");
    assert_eq!(hd.remaining(), 2);
}

#[test]
fn short_rest_restores_pact_slots_only() {
    let mut slots =
        SpellSlots::from_max([2, 0, 0, 0, 0, 0, 0, 0, 0]).with_pact(SpellLevel::new(3).unwrap(), 2);
    let first = SpellLevel::new(1).unwrap();
    let third = SpellLevel::new(3).unwrap();
    slots.spend(first).unwrap();
    slots.spend(third).unwrap();
    slots.spend(third).unwrap();
    let mut hd = HitDice::new(8, 5);
    short_rest(&mut hero(30), &mut hd, 0, 0, &mut slots, &mut dice(&[1])).unwrap();
    assert_eq!(slots.remaining(third), 2);
    assert_eq!(slots.remaining(first), 1);
}

#[test]
fn long_rest_restores_hit_points_slots_and_half_the_hit_dice() {
    let mut h = hero(50);
    h.take_damage(40, false);
    let mut hd = HitDice::new(8, 6);
    let mut roller = dice(&[1]);
    short_rest(&mut h, &mut hd, 5, 0, &mut SpellSlots::none(), &mut roller).unwrap();
    let mut slots = SpellSlots::for_class(CasterKind::Full, Level::new(6).unwrap());
    slots.spend(SpellLevel::new(3).unwrap()).unwrap();
    let mut conditions = exhausted(2);
    let report = long_rest(&mut h, &mut hd, &mut slots, &mut conditions, 50).unwrap();
    assert_eq!(h.current(), 50);
    assert_eq!(report.healed, 35);
    assert_eq!(report.hit_dice_regained, 3);
    assert_eq!(hd.remaining(), 4);
    assert_eq!(slots.remaining(SpellLevel::new(3).unwrap()), 3);
    assert_eq!(conditions.exhaustion(), 1);
}

#[test]
fn long_rest_regains_at_least_one_hit_die() {
    let mut h = hero(10);
    let mut hd = HitDice::new(8, 1);
    short_rest(
        &mut h,
        &mut hd,
        1,
        0,
        &mut SpellSlots::none(),
        &mut dice(&[3]),
    )
    .unwrap();
    let report = long_rest(
        &mut h,
        &mut hd,
        &mut SpellSlots::none(),
        &mut Conditions::new(),
        10,
    )
    .unwrap();
    assert_eq!(report.hit_dice_regained, 1);
}

#[test]
fn long_rest_restores_the_maximum_when_exhaustion_drops_below_4() {
    let mut conditions = exhausted(4);
    let mut h = hero(40);
    h.set_max(conditions.hit_point_maximum(40));
    let mut hd = HitDice::new(8, 4);
    long_rest(
        &mut h,
        &mut hd,
        &mut SpellSlots::none(),
        &mut conditions,
        40,
    )
    .unwrap();
    assert_eq!(conditions.exhaustion(), 3);
    assert_eq!((h.current(), h.max()), (40, 40));
}

#[test]
fn long_rest_needs_at_least_one_hit_point() {
    let mut h = down(10);
    let err = long_rest(
        &mut h,
        &mut HitDice::new(8, 2),
        &mut SpellSlots::none(),
        &mut Conditions::new(),
        10,
    )
    .unwrap_err();
    assert_eq!(err, RestError::NoHitPoints);
}

// -------------------------------------------------------------- spell slots

fn slots_row(kind: CasterKind, level: u8) -> Vec<u8> {
    let slots = SpellSlots::for_class(kind, Level::new(level).unwrap());
    SpellLevel::all().map(|l| slots.max(l)).collect()
}

#[test]
fn full_caster_slots_follow_the_srd_table() {
    for (level, row) in [
        (1, [2, 0, 0, 0, 0, 0, 0, 0, 0]),
        (3, [4, 2, 0, 0, 0, 0, 0, 0, 0]),
        (5, [4, 3, 2, 0, 0, 0, 0, 0, 0]),
        (9, [4, 3, 3, 3, 1, 0, 0, 0, 0]),
        (11, [4, 3, 3, 3, 2, 1, 0, 0, 0]),
        (17, [4, 3, 3, 3, 2, 1, 1, 1, 1]),
        (18, [4, 3, 3, 3, 3, 1, 1, 1, 1]),
        (19, [4, 3, 3, 3, 3, 2, 1, 1, 1]),
        (20, [4, 3, 3, 3, 3, 2, 2, 1, 1]),
    ] {
        assert_eq!(slots_row(CasterKind::Full, level), row, "level {level}");
    }
}

#[test]
fn half_caster_slots_start_at_level_2() {
    for (level, row) in [
        (1, [0, 0, 0, 0, 0, 0, 0, 0, 0]),
        (2, [2, 0, 0, 0, 0, 0, 0, 0, 0]),
        (5, [4, 2, 0, 0, 0, 0, 0, 0, 0]),
        (9, [4, 3, 2, 0, 0, 0, 0, 0, 0]),
        (13, [4, 3, 3, 1, 0, 0, 0, 0, 0]),
        (17, [4, 3, 3, 3, 1, 0, 0, 0, 0]),
        (20, [4, 3, 3, 3, 2, 0, 0, 0, 0]),
    ] {
        assert_eq!(slots_row(CasterKind::Half, level), row, "level {level}");
    }
}

#[test]
fn pact_magic_slot_count_and_level_by_warlock_level() {
    for (level, count, slot_level) in [
        (1, 1, 1),
        (2, 2, 1),
        (3, 2, 2),
        (5, 2, 3),
        (7, 2, 4),
        (9, 2, 5),
        (11, 3, 5),
        (17, 4, 5),
        (20, 4, 5),
    ] {
        let slots = SpellSlots::for_class(CasterKind::Pact, Level::new(level).unwrap());
        let pact = slots.pact_level().unwrap();
        assert_eq!(pact.get(), slot_level, "level {level}");
        assert_eq!(slots.max(pact), count, "level {level}");
    }
}

#[test]
fn spending_a_slot_leaves_one_fewer() {
    let mut slots = SpellSlots::for_class(CasterKind::Full, Level::new(3).unwrap());
    let second = SpellLevel::new(2).unwrap();
    slots.spend(second).unwrap();
    assert_eq!(slots.remaining(second), 1);
    slots.restore(second).unwrap();
    assert_eq!(slots.remaining(second), 2);
    assert_eq!(slots.restore(second), Err(SlotError::NothingToRestore(2)));
}

#[test]
fn spending_a_missing_slot_says_what_is_left() {
    let mut slots = SpellSlots::from_max([2, 0, 0, 0, 0, 0, 0, 0, 0]);
    let err = slots.spend(SpellLevel::new(3).unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no spell slot of level 3 left (have: 1st ×2)"
    );
    let first = SpellLevel::new(1).unwrap();
    slots.spend(first).unwrap();
    slots.spend(first).unwrap();
    assert_eq!(
        slots.spend(first).unwrap_err().to_string(),
        "no spell slot of level 1 left (have: none)"
    );
    slots.restore_all();
    assert_eq!(slots.remaining(first), 2);
}

#[test]
fn spell_level_parses_and_displays_ordinals() {
    for (text, level) in [("3", 3), ("3rd", 3), ("level 5", 5), ("1st", 1), ("9th", 9)] {
        assert_eq!(text.parse::<SpellLevel>().unwrap().get(), level, "{text}");
    }
    assert!("10".parse::<SpellLevel>().is_err());
    assert!("0".parse::<SpellLevel>().is_err());
    let names: Vec<String> = SpellLevel::all().take(4).map(|l| l.to_string()).collect();
    assert_eq!(names, ["1st", "2nd", "3rd", "4th"]);
    assert_eq!("warlock".parse(), Ok(CasterKind::Pact));
    assert_eq!("Paladin".parse(), Ok(CasterKind::Half));
}

// ------------------------------------------------------------ legal options

const PARTY: Team = Team(0);
const MONSTERS: Team = Team(1);

/// A fighter `f` with a longsword and a longbow, a cleric ally `c`, and two
/// goblins: `g1` engaged with the fighter, `g2` near.
fn skirmish() -> Snapshot {
    let fighter = Combatant::new("f", PARTY, 20, 16, 30)
        .with_attack("longsword", AttackReach::Melee)
        .with_attack("longbow", AttackReach::Ranged { long_range: true });
    let cleric = Combatant::new("c", PARTY, 18, 18, 30);
    let g1 = Combatant::new("g1", MONSTERS, 7, 15, 30).with_attack("scimitar", AttackReach::Melee);
    let mut g2 = Combatant::new("g2", MONSTERS, 7, 15, 30);
    g2.size = Size::Small;
    let mut snapshot = Snapshot::new(vec![fighter, cleric, g1, g2]);
    snapshot.set_distance("f", "g1", Distance::Engaged);
    snapshot.set_distance("f", "g2", Distance::Near);
    snapshot
}

fn ids(snapshot: &Snapshot, actor: &str) -> Vec<String> {
    legal_options(snapshot, &id(actor))
        .iter()
        .map(ActionOption::id)
        .collect()
}

fn attack_on<'a>(options: &'a [ActionOption], option_id: &str) -> &'a ActionOption {
    options
        .iter()
        .find(|o| o.id() == option_id)
        .unwrap_or_else(|| panic!("{option_id} missing from {options:?}"))
}

#[test]
fn fighter_engaged_with_a_goblin_has_every_standard_option() {
    assert_eq!(
        ids(&skirmish(), "f"),
        [
            "attack:longsword:g1",
            "attack:longbow:g1",
            "attack:longbow:g2",
            "dash",
            "dodge",
            "disengage",
            "help:c",
            "hide",
            "ready",
            "use",
            "grapple:g1",
            "shove:g1",
            "end",
        ]
    );
}

#[test]
fn option_ids_are_unique() {
    let mut all = ids(&skirmish(), "f");
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n);
}

#[test]
fn melee_attack_needs_the_target_engaged() {
    let options = ids(&skirmish(), "f");
    assert!(!options.contains(&"attack:longsword:g2".to_owned()));
    assert!(!ids(&skirmish(), "g1").contains(&"attack:scimitar:c".to_owned()));
}

#[test]
fn ranged_attack_while_engaged_has_disadvantage() {
    let options = legal_options(&skirmish(), &id("f"));
    for target in ["g1", "g2"] {
        let ActionOption::Attack { advantage, .. } =
            attack_on(&options, &format!("attack:longbow:{target}"))
        else {
            panic!("not an attack");
        };
        assert_eq!(*advantage, Advantage::Disadvantage, "{target}");
    }
}

#[test]
fn far_targets_need_a_long_range_and_have_disadvantage() {
    let mut snapshot = skirmish();
    snapshot.set_distance("f", "g1", Distance::Near);
    snapshot.set_distance("f", "g2", Distance::Far);
    snapshot.combatants[0] = snapshot.combatants[0]
        .clone()
        .with_attack("fire-bolt", AttackReach::Ranged { long_range: false });
    let options = legal_options(&snapshot, &id("f"));
    let ActionOption::Attack { advantage, .. } = attack_on(&options, "attack:longbow:g2") else {
        panic!("not an attack");
    };
    assert_eq!(*advantage, Advantage::Disadvantage);
    let ActionOption::Attack { advantage, .. } = attack_on(&options, "attack:longbow:g1") else {
        panic!("not an attack");
    };
    assert_eq!(*advantage, Advantage::Normal);
    let ids: Vec<String> = options.iter().map(ActionOption::id).collect();
    assert!(ids.contains(&"attack:fire-bolt:g1".to_owned()));
    assert!(!ids.contains(&"attack:fire-bolt:g2".to_owned()));
}

#[test]
fn no_attacks_on_self_allies_or_the_dead() {
    let mut snapshot = skirmish();
    snapshot.combatants[3].life = LifeState::Dead;
    let hostile: Vec<String> = ids(&snapshot, "f")
        .into_iter()
        .filter(|o| !o.starts_with("help:") && o.contains(':'))
        .collect();
    assert_eq!(
        hostile,
        [
            "attack:longsword:g1",
            "attack:longbow:g1",
            "grapple:g1",
            "shove:g1"
        ]
    );
    assert!(ids(&snapshot, "f").contains(&"help:c".to_owned()));
}

#[test]
fn total_cover_removes_a_target_and_partial_cover_is_reported() {
    let mut snapshot = skirmish();
    snapshot.set_cover("f", "g2", Cover::Total);
    snapshot.set_cover("f", "g1", Cover::Half);
    let options = legal_options(&snapshot, &id("f"));
    assert!(options.iter().all(|o| !o.id().ends_with(":g2")));
    let ActionOption::Attack { cover, .. } = attack_on(&options, "attack:longsword:g1") else {
        panic!("not an attack");
    };
    assert_eq!(*cover, Cover::Half);
}

#[test]
fn charmed_creature_has_no_options_against_its_charmer() {
    let mut snapshot = skirmish();
    snapshot.combatants[0]
        .conditions
        .add_from(Condition::Charmed, id("g1"));
    let options = ids(&snapshot, "f");
    assert!(options.iter().all(|o| !o.ends_with(":g1")), "{options:?}");
    assert!(options.contains(&"attack:longbow:g2".to_owned()));
}

#[test]
fn grapple_and_shove_only_targets_up_to_one_size_larger() {
    for (size, allowed) in [
        (Size::Tiny, true),
        (Size::Large, true),
        (Size::Huge, false),
        (Size::Gargantuan, false),
    ] {
        let mut snapshot = skirmish();
        snapshot.combatants[2].size = size;
        let options = ids(&snapshot, "f");
        assert_eq!(
            options.contains(&"grapple:g1".to_owned()),
            allowed,
            "{size}"
        );
        assert_eq!(options.contains(&"shove:g1".to_owned()), allowed, "{size}");
    }
}

#[test]
fn options_needing_an_action_disappear_once_it_is_used() {
    let mut snapshot = skirmish();
    snapshot.combatants[0].economy.action_used = true;
    assert_eq!(ids(&snapshot, "f"), ["end"]);
}

#[test]
fn prone_creature_can_stand_with_half_its_movement_left() {
    let mut snapshot = skirmish();
    snapshot.combatants[0].conditions.add(Condition::Prone);
    snapshot.combatants[0].economy.action_used = true;
    snapshot.combatants[0].economy.movement_left = 15;
    assert_eq!(ids(&snapshot, "f"), ["stand", "end"]);
    snapshot.combatants[0].economy.movement_left = 10;
    assert_eq!(ids(&snapshot, "f"), ["end"]);
    snapshot.combatants[0].economy.movement_left = 30;
    snapshot.combatants[0].conditions.add(Condition::Grappled);
    assert_eq!(ids(&snapshot, "f"), ["end"]);
}

#[test]
fn incapacitated_creature_can_only_end_its_turn() {
    for c in [
        Condition::Stunned,
        Condition::Paralyzed,
        Condition::Incapacitated,
    ] {
        let mut snapshot = skirmish();
        snapshot.combatants[0].conditions.add(c);
        assert_eq!(ids(&snapshot, "f"), ["end"], "{c}");
    }
}

#[test]
fn dying_creature_rolls_a_death_save() {
    let mut snapshot = skirmish();
    snapshot.combatants[0].hp = 0;
    snapshot.combatants[0].life = dying(0, 1);
    assert_eq!(
        ids(&snapshot, "f"),
        ["death-save"],
        "the save is mandatory: no skipping it"
    );
    snapshot.combatants[0].economy.action_used = true;
    assert_eq!(
        ids(&snapshot, "f"),
        ["end"],
        "after the save, the turn ends"
    );
    snapshot.combatants[0].economy.action_used = false;
    snapshot.combatants[0].life = LifeState::Stable;
    assert_eq!(ids(&snapshot, "f"), ["end"]);
    snapshot.combatants[0].life = LifeState::Dead;
    assert!(ids(&snapshot, "f").is_empty());
}

#[test]
fn unconscious_target_within_5ft_is_auto_crit_with_advantage() {
    let mut snapshot = skirmish();
    snapshot.combatants[2]
        .conditions
        .add(Condition::Unconscious);
    snapshot.combatants[2].conditions.add(Condition::Prone);
    let options = legal_options(&snapshot, &id("f"));
    let ActionOption::Attack {
        advantage,
        auto_crit,
        ..
    } = attack_on(&options, "attack:longsword:g1")
    else {
        panic!("not an attack");
    };
    assert_eq!((*advantage, *auto_crit), (Advantage::Advantage, true));
}

#[test]
fn option_by_id_validates_a_planners_choice() {
    let snapshot = skirmish();
    let f = id("f");
    assert_eq!(option_by_id(&snapshot, &f, "dash"), Ok(ActionOption::Dash));
    assert!(matches!(
        option_by_id(&snapshot, &f, "Attack:Longsword:g1"),
        Ok(ActionOption::Attack { .. })
    ));
    let err = option_by_id(&snapshot, &f, "attack:longsword:g2").unwrap_err();
    assert_eq!(
        err.to_string(),
        "\"attack:longsword:g2\" is not a legal option now; pick one from the list"
    );
    assert_eq!(
        option_by_id(&snapshot, &id("nobody"), "end"),
        Err(OptionError::UnknownActor("nobody".to_owned()))
    );
}

#[test]
fn options_serialize_with_a_kind_tag() {
    let json = serde_json::to_string(&ActionOption::Help { ally: id("c") }).unwrap();
    assert_eq!(json, r#"{"kind":"help","ally":"c"}"#);
}

#[test]
fn distance_and_size_parse() {
    assert_eq!("melee".parse(), Ok(Distance::Engaged));
    assert_eq!("Far".parse(), Ok(Distance::Far));
    assert_eq!("L".parse(), Ok(Size::Large));
    assert_eq!("gargantuan".parse(), Ok(Size::Gargantuan));
    assert!("colossal".parse::<Size>().is_err());
}

#[test]
fn conditions_serialize_by_name() {
    let mut c = Conditions::of([Condition::Prone]);
    c.add_from(Condition::Frightened, id("g1"));
    c.set_exhaustion(1);
    assert_eq!(
        serde_json::to_string(&c).unwrap(),
        r#"{"conditions":["frightened","prone"],"exhaustion":1,"frightened_by":["g1"]}"#
    );
}

#[test]
fn frightened_attacker_has_disadvantage_only_while_the_source_is_in_the_fight() {
    let mut snapshot = skirmish();
    snapshot.combatants[0]
        .conditions
        .add_from(Condition::Frightened, id("g2"));
    let advantage_on_g1 = |snapshot: &Snapshot| {
        let options = legal_options(snapshot, &id("f"));
        match attack_on(&options, "attack:longsword:g1") {
            ActionOption::Attack { advantage, .. } => *advantage,
            other => panic!("not an attack: {other:?}"),
        }
    };
    assert_eq!(advantage_on_g1(&snapshot), Advantage::Disadvantage);
    snapshot.combatants[3].life = LifeState::Dead;
    assert_eq!(advantage_on_g1(&snapshot), Advantage::Normal);
}

// --------------------------------------------------------------- properties

mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Step {
        Damage(u32, bool),
        Heal(u32),
        Temp(u32),
        DeathSave(u64),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0u32..60, any::<bool>()).prop_map(|(n, crit)| Step::Damage(n, crit)),
            (0u32..30).prop_map(Step::Heal),
            (0u32..15).prop_map(Step::Temp),
            (1u64..=20).prop_map(Step::DeathSave),
        ]
    }

    proptest! {
        #[test]
        fn health_stays_within_bounds_and_death_is_final(
            max in 1u32..50,
            steps in proptest::collection::vec(step(), 0..40),
        ) {
            let mut h = hero(max);
            let mut dead = false;
            for s in steps {
                match s {
                    Step::Damage(n, crit) => { h.take_damage(n, crit); }
                    Step::Heal(n) => { let _ = h.heal(n); }
                    Step::Temp(n) => { h.grant_temp(n); }
                    Step::DeathSave(face) => {
                        let _ = h.death_save(&D20Test::new(0), &mut dice(&[face]));
                    }
                }
                prop_assert!(h.current() <= h.max());
                prop_assert_eq!(h.current() == 0, h.state() != LifeState::Conscious);
                if dead {
                    prop_assert_eq!(h.state(), LifeState::Dead);
                }
                dead = h.state() == LifeState::Dead;
                if let LifeState::Dying { successes, failures } = h.state() {
                    prop_assert!(successes < 3 && failures < 3);
                }
            }
        }

        #[test]
        fn natural_1_misses_and_natural_20_crits_whatever_the_numbers(
            bonus in -10i32..30,
            ac in 0i32..40,
        ) {
            let attack = Attack::new(bonus);
            let miss = attack.roll(ac, Cover::None, &mut dice(&[1])).unwrap();
            prop_assert_eq!(miss.result, AttackResult::Miss);
            let crit = attack.roll(ac, Cover::ThreeQuarters, &mut dice(&[20])).unwrap();
            prop_assert_eq!(crit.result, AttackResult::Critical);
        }

        #[test]
        fn resistance_never_increases_and_vulnerability_never_decreases_damage(
            amount in 0u32..1000,
        ) {
            let t = DamageType::Fire;
            prop_assert!(defenses(&[t], &[], &[]).adjust(amount, t) <= amount);
            prop_assert!(defenses(&[], &[t], &[]).adjust(amount, t) >= amount);
            prop_assert!(defenses(&[t], &[t], &[]).adjust(amount, t) <= amount);
        }
    }
}

#[test]
fn dying_target_is_attacked_as_unconscious_and_prone() {
    let mut snapshot = skirmish();
    snapshot.combatants[2].hp = 0;
    snapshot.combatants[2].life = dying(0, 0);
    let options = legal_options(&snapshot, &id("f"));
    let ActionOption::Attack {
        advantage,
        auto_crit,
        ..
    } = attack_on(&options, "attack:longsword:g1")
    else {
        panic!("not an attack");
    };
    assert_eq!(
        (*advantage, *auto_crit),
        (Advantage::Advantage, true),
        "a hit within 5 ft crits: two failed saves"
    );
    let ActionOption::Attack {
        advantage,
        auto_crit,
        ..
    } = attack_on(&options, "attack:longbow:g1")
    else {
        panic!("not an attack");
    };
    assert!(*auto_crit, "within 5 ft, even a ranged hit crits");
    assert_eq!(
        *advantage,
        Advantage::Advantage,
        "a downed goblin threatens nobody: no disadvantage up close"
    );
}

#[test]
fn falling_unconscious_knocks_the_creature_prone() {
    let mut c = Conditions::new();
    c.add(Condition::Unconscious);
    assert!(c.has(Condition::Prone));
    c.remove(Condition::Unconscious);
    assert!(c.has(Condition::Prone), "waking up does not stand you up");
}

#[test]
fn ranged_attack_from_afar_on_an_unconscious_target_is_a_normal_roll() {
    let mut target = Conditions::new();
    target.add(Condition::Unconscious);
    let context = AttackContext {
        kind: AttackKind::Ranged,
        fear_source_in_sight: true,
        ..AttackContext::default()
    };
    let effects = attack_effects(&Conditions::new(), &target, &context);
    assert_eq!(
        (effects.tally.advantage(), effects.auto_crit),
        (Advantage::Normal, false)
    );
}

#[test]
fn dodge_only_works_against_attackers_the_dodger_sees() {
    use Condition::*;
    let dodging = AttackContext {
        within_5ft: true,
        target_dodging: true,
        fear_source_in_sight: true,
        ..AttackContext::default()
    };
    check_attack_effects(&[], &[], dodging, Advantage::Disadvantage, false);
    check_attack_effects(&[], &[Blinded], dodging, Advantage::Advantage, false);
    check_attack_effects(&[Invisible], &[], dodging, Advantage::Advantage, false);
}

#[test]
fn long_rest_ends_temporary_hit_points() {
    let mut h = hero(30);
    h.grant_temp(8);
    let mut hd = HitDice::new(8, 3);
    long_rest(
        &mut h,
        &mut hd,
        &mut SpellSlots::none(),
        &mut Conditions::new(),
        30,
    )
    .unwrap();
    assert_eq!((h.current(), h.temp()), (30, 0));
}

#[test]
fn incapacitated_prone_creature_can_still_stand_up() {
    let mut snapshot = skirmish();
    snapshot.combatants[0]
        .conditions
        .add(Condition::Incapacitated);
    snapshot.combatants[0].conditions.add(Condition::Prone);
    assert_eq!(ids(&snapshot, "f"), ["stand", "end"]);
}

#[test]
fn help_goes_only_to_allies_who_can_act() {
    let mut snapshot = skirmish();
    snapshot.combatants[1].hp = 0;
    snapshot.combatants[1].life = LifeState::Stable;
    assert!(!ids(&snapshot, "f").contains(&"help:c".to_string()));
}

#[test]
fn concentration_save_counts_damage_absorbed_by_temporary_hit_points() {
    let mut h = hero(30);
    h.grant_temp(10);
    let report = h.take_damage(12, false);
    assert_eq!((report.absorbed, report.lost, report.taken()), (10, 2, 12));
    let mut concentration = Concentration::default();
    concentration.start("bless");
    let save = D20Test::new(0);
    let check = concentration
        .on_damage(report.taken(), &save, &mut dice(&[9]))
        .unwrap();
    assert_eq!(check.dc, 10);
    assert!(check.lost.is_some(), "9 misses DC 10: bless ends");
}

#[test]
fn concentration_dc_is_half_the_damage_taken_not_the_hp_lost() {
    // 30 damage at 23 hit points: 23 lost, 7 beyond 0, DC 15 (not 11).
    let mut h = hero(23);
    let report = h.take_damage(30, false);
    assert_eq!((report.lost, report.overflow, report.taken()), (23, 7, 30));
    assert_eq!(concentration_dc(report.taken()), 15);
    // 40 damage through 10 temporary hit points at 20 hit points: DC 20.
    let mut h = hero(20);
    h.grant_temp(10);
    let report = h.take_damage(40, false);
    assert_eq!(
        (
            report.absorbed,
            report.lost,
            report.overflow,
            report.taken()
        ),
        (10, 20, 10, 40)
    );
    let mut concentration = Concentration::default();
    concentration.start("bless");
    let check = concentration
        .on_damage(report.taken(), &D20Test::new(0), &mut dice(&[19]))
        .unwrap();
    assert_eq!(check.dc, 20);
    assert!(check.lost.is_some(), "19 misses DC 20: bless ends");
    // Damage while already at 0 hit points is damage taken too.
    let report = h.take_damage(6, false);
    assert_eq!((report.lost, report.overflow, report.taken()), (0, 6, 6));
}
