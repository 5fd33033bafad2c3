//! The rules a real table expects from the DM core, each played through
//! `handle` and `Table::apply` with chosen dice: automatic Shield, readied
//! actions, class features, what conditions and effects forbid, level-up.
//! Every game's log replays to the same table.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{Dice, Game, attack_results, pid};
use dm::command::{Command, NewCharacter, Scores};
use dm::{Line, Reply, Table};
use rules::mechanics::SpellLevel;

fn make(game: &mut Game, who: &str, name: &str, class: &str, level: u8, race: &str) {
    let new = Command::NewCharacter(NewCharacter {
        name: name.into(),
        class: class.into(),
        level,
        race: race.into(),
        scores: Scores::StandardArray,
        ..NewCharacter::default()
    });
    game.play(&pid(who), &new, Dice::Seeded).unwrap();
}

fn said(reply: &Reply, text: &str) -> bool {
    reply
        .lines
        .iter()
        .any(|l| matches!(l, Line::Note { text: t } if t.contains(text)))
}

fn slots(game: &Game, handle: &str, level: u8) -> u8 {
    game.sheet(handle)
        .slots
        .remaining(SpellLevel::new(level).unwrap())
}

fn reaction_used(game: &Game, handle: &str) -> bool {
    let enc = game.table.encounter.as_ref().unwrap();
    enc.economy.get(handle).is_some_and(|e| e.reaction_used)
}

// ---------------------------------------------------------------- Shield

/// A wizard (AC 12: no armor, Dex 14) and a goblin (scimitar +4).
fn wizard_and_goblin() -> (Game, &'static str) {
    let mut game = Game::new(3);
    let aria = "aria";
    make(&mut game, aria, "Aria", "wizard", 3, "human");
    // A dagger rather than the package's default quarterstaff.
    game.ok(aria, "ch equipment 1 b");
    assert_eq!(game.sheet("aria").weapons, ["dagger"]);
    assert_eq!(game.sheet("aria").ac(), 12);
    game.fight(&[("goblin", 1)]);
    game.skip_to("g1");
    (game, aria)
}

#[test]
fn shield_turns_a_hit_it_can_stop_into_a_miss_for_the_reaction_and_the_lowest_slot() {
    let (mut game, _) = wizard_and_goblin();
    let hp = game.hp("aria");
    let first = slots(&game, "aria", 1);
    // 10 + 4 = 14 hits AC 12, but not AC 17.
    let r = game.ok_with("dm", "dm as g1 a scimitar -t aria", Dice::Faces(&[10, 6]));
    assert_eq!(attack_results(&r), ["miss"], "{r:?}");
    assert!(said(&r, "Aria casts Shield"), "{r:?}");
    assert!(said(&r, "turns Goblin (g1)'s hit into a miss"), "{r:?}");
    assert_eq!(game.hp("aria"), hp);
    assert_eq!(slots(&game, "aria", 1), first - 1);
    assert!(reaction_used(&game, "aria"));
    // It lasts until the start of Aria's next turn.
    game.skip_to("aria");
    let enc = game.table.encounter.as_ref().unwrap();
    assert!(
        enc.board
            .effects()
            .iter()
            .all(|e| e.effect.name != "Shield")
    );
    game.assert_replays();
}

#[test]
fn shield_holds_against_the_later_attacks_of_the_round() {
    let mut game = Game::new(3);
    let aria = "aria";
    make(&mut game, aria, "Aria", "wizard", 3, "human");
    game.fight(&[("goblin", 2)]);
    assert_eq!(game.current(), "g1");
    let first = slots(&game, "aria", 1);
    let r = game.ok_with("dm", "dm as g1 a scimitar -t aria", Dice::Faces(&[9, 3]));
    assert_eq!(attack_results(&r), ["miss"], "{r:?}");
    game.skip_to("g2");
    // 12 + 4 = 16 misses AC 17 without a second slot; 15 + 4 = 19 would hit.
    let r = game.ok_with("dm", "dm as g2 a scimitar -t aria", Dice::Faces(&[12]));
    assert_eq!(attack_results(&r), ["miss"], "{r:?}");
    assert!(!said(&r, "casts Shield"), "{r:?}");
    assert_eq!(slots(&game, "aria", 1), first - 1);
    game.assert_replays();
}

#[test]
fn shield_is_not_cast_when_it_would_not_help() {
    let (mut game, _) = wizard_and_goblin();
    let first = slots(&game, "aria", 1);
    // 15 + 4 = 19 hits even AC 17: no slot wasted.
    let r = game.ok_with("dm", "dm as g1 a scimitar -t aria", Dice::Faces(&[15, 3]));
    assert_eq!(attack_results(&r), ["hit"]);
    // A critical hit is a hit whatever the AC.
    game.next_turn_of("g1");
    let r = game.ok_with(
        "dm",
        "dm as g1 a scimitar -t aria",
        Dice::Faces(&[20, 1, 1]),
    );
    assert_eq!(attack_results(&r), ["critical hit"]);
    assert_eq!(slots(&game, "aria", 1), first);
    assert!(!reaction_used(&game, "aria"));
    game.assert_replays();
}

#[test]
fn shield_can_be_switched_off_and_on_and_needs_a_slot_and_a_reaction() {
    let (mut game, aria) = wizard_and_goblin();
    let r = game.ok(aria, "react shield off");
    assert!(said(&r, "automatic shield is off"), "{r:?}");
    let first = slots(&game, "aria", 1);
    let r = game.ok_with("dm", "dm as g1 a scimitar -t aria", Dice::Faces(&[10, 1]));
    assert_eq!(attack_results(&r), ["hit"]);
    assert_eq!(slots(&game, "aria", 1), first);
    game.ok(aria, "react shield on");
    game.assert_replays();
    game.next_turn_of("g1");
    // No reaction left: no Shield.
    game.table
        .encounter
        .as_mut()
        .unwrap()
        .economy
        .entry("aria".into())
        .or_default()
        .reaction_used = true;
    game.log.clear();
    let r = game.ok_with("dm", "dm as g1 a scimitar -t aria", Dice::Faces(&[10, 1]));
    assert_eq!(attack_results(&r), ["hit"]);
    let no = game.refused(aria, "react counterspell off");
    assert!(no.contains("there is: shield"), "{no}");
}

#[test]
fn shield_uses_a_higher_slot_when_the_first_level_ones_are_spent() {
    let (mut game, _) = wizard_and_goblin();
    let c = game.table.character_mut("aria").unwrap();
    let first = SpellLevel::new(1).unwrap();
    while c.slots.remaining(first) > 0 {
        c.slots.spend(first).unwrap();
    }
    let second = c.slots.remaining(SpellLevel::new(2).unwrap());
    game.log.clear();
    let r = game.ok_with("dm", "dm as g1 a scimitar -t aria", Dice::Faces(&[10, 1]));
    assert_eq!(attack_results(&r), ["miss"], "{r:?}");
    assert_eq!(slots(&game, "aria", 2), second - 1);
}

// ---------------------------------------------------------------- readied actions

fn concentration(game: &Game, handle: &str) -> Option<String> {
    let enc = game.table.encounter.as_ref().unwrap();
    enc.concentration.get(handle).cloned()
}

fn readied(game: &Game) -> usize {
    game.table.encounter.as_ref().unwrap().readied.len()
}

#[test]
fn a_readied_attack_fires_when_the_creature_comes_within_reach() {
    let mut game = Game::new(3);
    let grek = "grek";
    make(&mut game, grek, "Grek", "fighter", 3, "human");
    game.fight(&[("goblin", 1)]);
    game.skip_to("grek");
    let r = game.ok(grek, "ready a longsword -t g1 when g1 comes");
    assert!(
        said(
            &r,
            "fires as a reaction when Goblin (g1) comes within reach"
        ),
        "{r:?}"
    );
    let no = game.refused(grek, "dodge");
    assert!(no.contains("already used your action"), "{no}");
    game.skip_to("g1");
    // Other doings are no trigger; ending a move engaged is.
    let r = game.ok("dm", "dm as g1 dodge");
    assert!(attack_results(&r).is_empty(), "{r:?}");
    assert_eq!(readied(&game), 1);
    game.ok("dm", "dm place g1 near grek");
    let r = game.ok_with("dm", "dm as g1 move engaged grek", Dice::Faces(&[2]));
    assert!(said(&r, "Grek's readied action goes off"), "{r:?}");
    assert_eq!(attack_results(&r), ["miss"], "2 + 5 misses AC 15: {r:?}");
    assert!(reaction_used(&game, "grek"));
    assert_eq!(readied(&game), 0, "it fires once");
    game.assert_replays();
}

#[test]
fn a_readied_spell_spends_its_slot_when_readied_and_holds_concentration() {
    let (mut game, aria) = wizard_and_goblin();
    game.skip_to("aria");
    let first = slots(&game, "aria", 1);
    game.ok(aria, "ready cast magic-missile -t g1 when g1 attacks");
    assert_eq!(slots(&game, "aria", 1), first - 1, "the slot goes now");
    assert_eq!(
        concentration(&game, "aria").as_deref(),
        Some("Magic Missile (readied)")
    );
    // A snapshot keeps the held spell.
    let json = serde_json::to_string(&game.table).unwrap();
    assert_eq!(serde_json::from_str::<Table>(&json).unwrap(), game.table);
    game.skip_to("g1");
    // The goblin attacks (and misses): the missiles fly, no second slot.
    let hp = game.hp("g1");
    let r = game.ok_with(
        "dm",
        "dm as g1 a scimitar -t aria",
        Dice::Faces(&[1, 2, 2, 2]),
    );
    assert!(said(&r, "Aria's readied action goes off"), "{r:?}");
    assert!(said(&r, "Aria casts Magic Missile"), "{r:?}");
    assert!(game.hp("g1") < hp);
    assert_eq!(slots(&game, "aria", 1), first - 1);
    assert_eq!(concentration(&game, "aria"), None);
    assert!(reaction_used(&game, "aria"));
    game.assert_replays();
}

#[test]
fn a_readied_spell_is_lost_with_concentration_and_an_unused_one_lapses() {
    let (mut game, aria) = wizard_and_goblin();
    game.skip_to("aria");
    game.ok(aria, "ready c fire-bolt g1 when g1 moves");
    assert_eq!(readied(&game), 1);
    // Damage and a failed Constitution save (1 + 1 < 10).
    let r = game.ok_with("dm", "dm hp aria -2", Dice::Faces(&[1]));
    assert!(
        said(&r, "loses concentration on Fire Bolt (readied)"),
        "{r:?}"
    );
    assert_eq!(readied(&game), 0);
    game.skip_to("g1");
    game.ok("dm", "dm place g1 near aria");
    let r = game.ok("dm", "dm as g1 move engaged aria");
    assert!(!said(&r, "readied"), "{r:?}");
    game.skip_to("aria");
    // Readied again, never triggered: it lapses at Aria's next turn.
    game.ok(aria, "ready a dagger -t g1 when g1 attacks");
    let r = {
        game.ok("dm", "n");
        game.ok("dm", "n")
    };
    assert!(said(&r, "Aria's readied action lapses"), "{r:?}");
    assert_eq!(readied(&game), 0);
    game.assert_replays();
}

#[test]
fn ready_needs_a_trigger_and_an_attack_or_a_spell() {
    let (mut game, aria) = wizard_and_goblin();
    game.skip_to("aria");
    let no = game.refused(aria, "ready a -t g1");
    assert!(no.starts_with("say when: `ready a -t g1 when g1"), "{no}");
    let no = game.refused(aria, "ready dash when g1 moves");
    assert!(no.contains("only an attack or a spell"), "{no}");
    let no = game.refused(aria, "ready a -t g1 when aria moves");
    assert!(no.contains("another creature"), "{no}");
    let no = game.refused(aria, "ready cast shield when g1 attacks");
    assert!(no.contains("cast with an action"), "{no}");
}

// ---------------------------------------------------------------- class features

fn bonus_used(game: &Game, handle: &str) -> bool {
    let enc = game.table.encounter.as_ref().unwrap();
    enc.economy.get(handle).is_some_and(|e| e.bonus_action_used)
}

/// A level-3 rogue (rapier +5, 1d8+3) against an ogre (AC 11, 59 HP).
fn rogue_and_ogre() -> (Game, &'static str) {
    let mut game = Game::new(3);
    let vex = "vex";
    make(&mut game, vex, "Vex", "rogue", 3, "human");
    game.fight(&[("ogre", 1)]);
    game.skip_to("vex");
    (game, vex)
}

#[test]
fn sneak_attack_needs_advantage_or_an_ally_and_comes_once_per_turn() {
    let (mut game, vex) = rogue_and_ogre();
    let hp = game.hp("o1");
    let r = game.ok_with(vex, "a rapier -t o1", Dice::Faces(&[15, 4]));
    assert!(!said(&r, "Sneak Attack"), "no advantage, no ally: {r:?}");
    assert_eq!(game.hp("o1"), hp - 7);
    game.next_turn_of("vex");
    let hp = game.hp("o1");
    let r = game.ok_with(vex, "a rapier -t o1 adv", Dice::Faces(&[15, 15, 4, 3, 3]));
    assert!(said(&r, "Sneak Attack: +2d6 (6)"), "{r:?}");
    assert_eq!(game.hp("o1"), hp - 13);
    game.assert_replays();
}

#[test]
fn sneak_attack_with_an_ally_engaged_with_the_target() {
    let mut game = Game::new(3);
    let (vex, grek) = ("vex", "grek");
    make(&mut game, vex, "Vex", "rogue", 3, "human");
    make(&mut game, grek, "Grek", "fighter", 3, "human");
    game.fight(&[("ogre", 1)]);
    // Grek is in melee with the ogre; Vex shoots from near.
    game.ok("dm", "dm place vex near o1");
    game.skip_to("vex");
    let r = game.ok_with(vex, "a shortbow -t o1", Dice::Faces(&[15, 2, 1, 1]));
    assert!(said(&r, "Sneak Attack: +2d6 (2)"), "{r:?}");
    // Disadvantage forbids it even with the ally there.
    game.next_turn_of("vex");
    let r = game.ok_with(vex, "a shortbow -t o1 dis", Dice::Faces(&[15, 15, 2, 1, 1]));
    assert!(!said(&r, "Sneak Attack"), "{r:?}");
    game.assert_replays();
}

#[test]
fn rage_adds_damage_to_strength_melee_and_halves_physical_damage() {
    let mut game = Game::new(3);
    let brak = "brak";
    make(&mut game, brak, "Brak", "barbarian", 3, "half-orc");
    game.fight(&[("ogre", 1)]);
    game.skip_to("brak");
    let no = game.refused("brak", "surge");
    assert!(no.contains("no Action Surge"), "{no}");
    let r = game.ok(brak, "rage");
    assert!(said(&r, "Brak rages: +2 damage"), "{r:?}");
    assert!(said(&r, "(2 left)"), "{r:?}");
    assert!(bonus_used(&game, "brak"));
    let no = game.refused(brak, "rage");
    assert!(no.contains("already raging"), "{no}");
    game.ok("dm", "dm set brak spells fire-bolt \"a scroll\"");
    let no = game.refused(brak, "c fire-bolt o1");
    assert_eq!(no, "Brak can't cast spells while raging");
    let hp = game.hp("o1");
    // Greataxe 1d12 + 3 (Str 17) + 2 (rage).
    game.ok_with(brak, "a greataxe -t o1", Dice::Faces(&[15, 6]));
    assert_eq!(game.hp("o1"), hp - 11);
    game.skip_to("o1");
    let hp = game.hp("brak");
    // Greatclub 2d8 + 4 = 12 bludgeoning, halved.
    game.ok_with(
        "dm",
        "dm as o1 a greatclub -t brak",
        Dice::Faces(&[19, 4, 4]),
    );
    assert_eq!(game.hp("brak"), hp - 6);
    // Dropping to 0 ends it.
    let left = game.hp("brak");
    let r = game.ok("dm", &format!("dm hp brak -{left}"));
    let enc = game.table.encounter.as_ref().unwrap();
    assert!(
        enc.board.effects().iter().all(|e| e.effect.name != "Rage"),
        "{r:?}"
    );
    assert_eq!(game.sheet("brak").spent.get("rage"), Some(&1));
    game.assert_replays();
}

#[test]
fn second_wind_heals_once_per_rest_and_action_surge_gives_one_more_action() {
    let mut game = Game::new(3);
    let grek = "grek";
    make(&mut game, grek, "Grek", "fighter", 3, "human");
    game.fight(&[("ogre", 1)]);
    game.skip_to("grek");
    game.ok("dm", "dm hp grek -10");
    let hp = game.hp("grek");
    let r = game.ok_with(grek, "sw", Dice::Faces(&[5]));
    assert!(said(&r, "second wind"), "{r:?}");
    assert_eq!(game.hp("grek"), hp + 8, "1d10 + fighter level");
    let no = game.refused(grek, "sw");
    assert!(no.contains("bonus action") || no.contains("spent"), "{no}");
    // Action Surge: a second action this turn, once per rest.
    game.ok(grek, "dodge");
    assert!(
        game.refused(grek, "dash")
            .contains("already used your action")
    );
    let r = game.ok(grek, "surge");
    assert!(said(&r, "one more action"), "{r:?}");
    game.ok(grek, "dash");
    assert!(
        game.refused(grek, "hide")
            .contains("already used your action")
    );
    game.next_turn_of("grek");
    assert!(game.refused(grek, "surge").contains("spent"));
    assert!(game.refused(grek, "sw").contains("spent"));
    game.ok("dm", "dm end");
    game.ok(grek, "rest short");
    game.ok(grek, "sw");
    assert!(!game.sheet("grek").spent.contains_key("action-surge"));
    game.assert_replays();
}

#[test]
fn two_weapon_fighting_after_a_light_weapon_attack_adds_no_positive_modifier() {
    let (mut game, vex) = rogue_and_ogre();
    let no = game.refused(vex, "oh dagger -t o1");
    assert!(no.contains("`a dagger -t g1` first"), "{no}");
    game.ok_with(vex, "a dagger -t o1", Dice::Faces(&[15, 2]));
    let no = game.refused(vex, "oh rapier -t o1");
    assert!(
        no.contains("rapier is not one") || no.contains("Rapier is not one"),
        "{no}"
    );
    let hp = game.hp("o1");
    let r = game.ok_with(vex, "oh -t o1", Dice::Faces(&[15, 3]));
    assert_eq!(attack_results(&r), ["hit"]);
    assert_eq!(game.hp("o1"), hp - 3, "1d4 without Dex");
    assert!(bonus_used(&game, "vex"));
    assert!(game.refused(vex, "oh -t o1").contains("bonus action"));
    game.assert_replays();
}

// ---------------------------------------------------------------- limits on commands

#[test]
fn an_incapacitated_character_cannot_act_and_a_grappled_one_cannot_move() {
    let (mut game, aria) = wizard_and_goblin();
    game.skip_to("aria");
    game.ok("dm", "dm cond aria add stunned");
    for line in [
        "a dagger -t g1",
        "c fire-bolt g1",
        "dash",
        "oh -t g1",
        "move far g1",
    ] {
        let no = game.refused(aria, line);
        assert!(no.starts_with("Aria can't"), "{line}: {no}");
    }
    assert_eq!(
        game.refused(aria, "a dagger -t g1"),
        "Aria can't act: stunned — `n` ends the turn"
    );
    game.ok("dm", "dm cond aria remove stunned");
    game.ok("dm", "dm cond aria add grappled");
    let no = game.refused(aria, "move far g1");
    assert_eq!(
        no,
        "Aria can't move: grappled (speed 0) — act from where you are, or `n`"
    );
    game.ok_with(aria, "c fire-bolt g1", Dice::Faces(&[1]));
    // A stunned wizard casts no Shield either.
    game.ok("dm", "dm cond aria add stunned");
    game.skip_to("g1");
    let slots_before = slots(&game, "aria", 1);
    let r = game.ok_with("dm", "dm as g1 a scimitar -t aria", Dice::Faces(&[1]));
    assert!(!said(&r, "Shield"), "{r:?}");
    assert_eq!(slots(&game, "aria", 1), slots_before);
    game.assert_replays();
}

/// Aria (wizard 5, knowing Command and Slow) and Grek (fighter 5) against a
/// goblin; it is Aria's turn.
fn caster_and_fighter() -> (Game, &'static str, &'static str) {
    let mut game = Game::new(3);
    let (aria, grek) = ("aria", "grek");
    make(&mut game, aria, "Aria", "wizard", 5, "human");
    make(&mut game, grek, "Grek", "fighter", 5, "human");
    game.ok("dm", "dm set aria spells fire-bolt,command,slow \"tests\"");
    game.fight(&[("goblin", 1)]);
    game.skip_to("aria");
    (game, aria, grek)
}

#[test]
fn a_commanded_character_may_only_do_what_the_command_says() {
    let (mut game, aria, grek) = caster_and_fighter();
    game.ok_with(aria, "cast command -t grek -c flee", Dice::Faces(&[1]));
    game.skip_to("grek");
    let no = game.refused(grek, "a -t g1");
    assert_eq!(
        no,
        "Grek must flee (Command: flee): only `dash`, `move` or `n`"
    );
    game.ok(grek, "dash");
    game.ok(grek, "move far g1");
    game.assert_replays();
}

#[test]
fn a_slowed_character_makes_one_attack_and_not_both_an_action_and_a_bonus_action() {
    let (mut game, aria, grek) = caster_and_fighter();
    game.ok_with(aria, "cast slow -t grek", Dice::Faces(&[1]));
    game.skip_to("grek");
    let r = game.ok_with(grek, "a -t g1", Dice::Faces(&[2]));
    assert!(!said(&r, "more attack"), "{r:?}");
    let no = game.refused(grek, "a -t g1");
    assert!(no.contains("already used your action"), "{no}");
    let no = game.refused(grek, "sw");
    assert_eq!(
        no,
        "Grek is slowed: an action or a bonus action this turn, not both"
    );
    game.assert_replays();
}

// ---------------------------------------------------------------- level-up

#[test]
fn levelup_needs_the_xp_and_brings_hp_proficiency_and_extra_attack() {
    let mut game = Game::new(3);
    let grek = "grek";
    make(&mut game, grek, "Grek", "fighter", 4, "human");
    let max = game.sheet("grek").health.max();
    let no = game.refused(grek, "levelup");
    assert_eq!(
        no,
        "Grek needs 6500 XP for level 5 (has 0) — or the DM's `dm levelup grek`"
    );
    let r = game.ok("dm", "dm xp 6500 grek");
    assert_eq!(
        r.lines,
        vec![Line::Xp {
            who: "Grek".into(),
            amount: 6500,
            total: 6500,
            level_up: true,
        }]
    );
    let r = game.ok(grek, "levelup");
    assert!(
        said(
            &r,
            "Grek reaches level 5: +8 HP (max 44), proficiency +3, 2 attacks per Attack action."
        ),
        "{r:?}"
    );
    let sheet = game.sheet("grek");
    assert_eq!((sheet.level, sheet.health.max()), (5, max + 8));
    assert_eq!(sheet.health.current(), max + 8);
    assert_eq!(sheet.proficiency(), 3);
    assert_eq!(sheet.hit_dice_left, 5);
    let no = game.refused(grek, "levelup");
    assert!(no.contains("14000 XP for level 6"), "{no}");
    // The new level's Extra Attack is used at once.
    game.fight(&[("ogre", 1)]);
    game.skip_to("grek");
    let r = game.ok_with(grek, "a -t o1", Dice::Faces(&[2]));
    assert!(said(&r, "1 more attack"), "{r:?}");
    assert!(game.refused(grek, "levelup").contains("after the fight"));
    game.assert_replays();
}

#[test]
fn dm_levelup_gives_a_caster_new_slots_and_spells_keeping_spent_slots_spent() {
    let mut game = Game::new(3);
    let aria = "aria";
    make(&mut game, aria, "Aria", "wizard", 4, "human");
    game.ok(aria, "c shield");
    assert_eq!(slots(&game, "aria", 1), 3);
    let no = game.refused(aria, "dm levelup aria");
    assert_eq!(no, "only the table's DM can do that");
    let r = game.ok("dm", "dm levelup aria");
    assert!(said(&r, "Aria reaches level 5"), "{r:?}");
    assert!(said(&r, "learns fireball, counterspell"), "{r:?}");
    assert_eq!(slots(&game, "aria", 1), 3, "the spent slot stays spent");
    assert_eq!(slots(&game, "aria", 3), 2);
    game.ok(aria, "rest long");
    assert_eq!(slots(&game, "aria", 1), 4);
    game.assert_replays();
}

#[test]
fn rage_ends_after_a_turn_without_attacking_or_taking_damage() {
    let mut game = Game::new(3);
    let brak = "brak";
    make(&mut game, brak, "Brak", "barbarian", 3, "half-orc");
    game.fight(&[("ogre", 1)]);
    game.skip_to("brak");
    game.ok(brak, "rage");
    let r = game.ok(brak, "n");
    assert!(!said(&r, "rage ends"), "the turn it began counts: {r:?}");
    // Hit in between: the rage goes on through Brak's next turn.
    game.ok_with(
        "dm",
        "dm as o1 a greatclub -t brak",
        Dice::Faces(&[19, 1, 1]),
    );
    game.next_turn_of("brak");
    let r = game.ok(brak, "n");
    assert!(!said(&r, "rage ends"), "{r:?}");
    game.next_turn_of("brak");
    let r = game.ok(brak, "n");
    assert!(
        said(
            &r,
            "Brak's rage ends: no attack and no damage taken this turn."
        ),
        "{r:?}"
    );
    let enc = game.table.encounter.as_ref().unwrap();
    assert!(enc.board.effects().iter().all(|e| e.effect.name != "Rage"));
    game.assert_replays();
}

#[test]
fn haste_gives_an_extra_action_for_one_attack_or_a_dash() {
    let (mut game, aria, grek) = caster_and_fighter();
    game.ok("dm", "dm set aria spells fire-bolt,haste \"tests\"");
    game.ok(aria, "cast haste -t grek");
    game.skip_to("grek");
    game.ok(grek, "dodge");
    // The extra action: one attack only, though Grek has Extra Attack.
    let r = game.ok_with(grek, "a -t g1", Dice::Faces(&[2]));
    assert!(!said(&r, "more attack"), "{r:?}");
    let no = game.refused(grek, "dash");
    assert!(no.contains("already used your action"), "{no}");
    game.next_turn_of("grek");
    game.ok_with(grek, "a -t g1", Dice::Faces(&[2]));
    game.ok_with(grek, "a -t g1", Dice::Faces(&[2]));
    game.ok(grek, "dash");
    let no = game.refused(grek, "dodge");
    assert!(no.contains("already used your action"), "{no}");
    game.assert_replays();
}

// ---------------------------------------------------------------- multiclass

/// A human fighter 5 who took three levels of rogue: each class's features
/// go by that class's own level.
fn fighter_rogue() -> Game {
    let mut game = Game::new(3);
    make(&mut game, "kai", "Kai", "fighter", 5, "human");
    for _ in 0..3 {
        game.ok("dm", "dm levelup kai rogue");
    }
    game.ok(
        "dm",
        "dm set kai weapons rapier,longsword \"a rapier found\"",
    );
    let c = game.sheet("kai");
    assert_eq!(
        (c.level, c.level_in("fighter"), c.level_in("rogue")),
        (8, 5, 3)
    );
    game
}

#[test]
fn a_fighter_5_rogue_3_has_extra_attack_and_sneak_attack_2d6() {
    let mut game = fighter_rogue();
    assert_eq!(game.sheet("kai").attacks_per_action(), 2);
    game.fight(&[("ogre", 1)]);
    game.skip_to("kai");
    // Rapier with advantage: d20s 15 and 15, 1d8 = 4, Sneak Attack 2d6 = 3 + 3.
    let r = game.ok_with("kai", "a rapier -t o1 adv", Dice::Faces(&[15, 15, 4, 3, 3]));
    assert!(said(&r, "Sneak Attack: +2d6 (6)"), "{r:?}");
    assert!(
        said(&r, "1 more attack"),
        "Extra Attack from fighter 5: {r:?}"
    );
    // Second Wind heals 1d10 + the fighter level (5), not the character's 8.
    game.ok("dm", "dm hp kai -20");
    let hp = game.hp("kai");
    game.ok_with("kai", "sw", Dice::Faces(&[5]));
    assert_eq!(game.hp("kai"), hp + 10, "1d10 + fighter level 5");
    // Action Surge is a fighter's at fighter level 2 and up.
    game.ok("kai", "surge");
    game.assert_replays();
}

#[test]
fn a_rogue_who_multiclasses_into_barbarian_rages_at_barbarian_level() {
    let mut game = Game::new(3);
    // Standard array for a barbarian: Str 15, Con 14, Dex 13 (+1 human each).
    make(&mut game, "ash", "Ash", "barbarian", 1, "human");
    game.ok("dm", "dm levelup ash rogue");
    game.ok("dm", "dm levelup ash rogue");
    let c = game.sheet("ash");
    assert_eq!((c.level_in("barbarian"), c.level_in("rogue")), (1, 2));
    assert_eq!(c.attacks_per_action(), 1);
    game.fight(&[("ogre", 1)]);
    game.skip_to("ash");
    let r = game.ok("ash", "rage");
    assert!(said(&r, "Ash rages: +2 damage"), "{r:?}");
    assert!(
        said(&r, "(1 left)"),
        "two rages at barbarian level 1: {r:?}"
    );
    // A rogue 1 / fighter 1 has Sneak Attack 1d6 and no Action Surge.
    let mut game = Game::new(3);
    make(&mut game, "vex", "Vex", "rogue", 1, "human");
    game.ok("dm", "dm levelup vex fighter");
    game.fight(&[("ogre", 1)]);
    game.skip_to("vex");
    let no = game.refused("vex", "surge");
    assert!(no.contains("no Action Surge"), "{no}");
    let r = game.ok_with("vex", "a rapier -t o1 adv", Dice::Faces(&[15, 15, 4, 3]));
    assert!(said(&r, "Sneak Attack: +1d6 (3)"), "{r:?}");
    game.assert_replays();
}
