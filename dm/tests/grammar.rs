//! The text command grammar: every verb, its aliases, and its errors.
#![allow(clippy::unwrap_used, missing_docs)]

use dm::grammar::{MAX_ERROR_BYTES, MAX_LINE_BYTES, parse};
use dm::rules::dice::Advantage;
use dm::rules::mechanics::{Ability, Condition, Distance};
use dm::{Command, DmCommand, NewCharacter, ParseError, Scores, Simple};
use proptest::prelude::*;

/// Parses `line` and expects `command`.
#[track_caller]
fn check(line: &str, command: Command) {
    assert_eq!(parse(line), Ok(command), "{line:?}");
}

/// Parses `line`, expects an error, and returns its message.
#[track_caller]
fn error(line: &str) -> String {
    let err = parse(line).expect_err(line);
    let message = err.to_string();
    assert!(message.len() <= MAX_ERROR_BYTES, "{message}");
    message
}

fn s(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

fn attack(weapon: &str, targets: &[&str], advantage: Advantage) -> Command {
    Command::Attack {
        weapon: weapon.to_owned(),
        targets: s(targets),
        advantage,
    }
}

fn cast(spell: &str, targets: &[&str], level: Option<u8>, choice: Option<&str>) -> Command {
    Command::Cast {
        spell: spell.to_owned(),
        targets: s(targets),
        level,
        choice: choice.map(str::to_owned),
    }
}

fn dm(command: DmCommand) -> Command {
    Command::Dm(command)
}

#[test]
fn roll() {
    let roll = |expr: &str, advantage| Command::Roll {
        expr: expr.to_owned(),
        advantage,
    };
    check("r 1d20+5", roll("1d20+5", Advantage::Normal));
    check("roll 1d20+5 adv", roll("1d20+5", Advantage::Advantage));
    check("R dis 1d20", roll("1d20", Advantage::Disadvantage));
    check("r 1d20 adv dis", roll("1d20", Advantage::Normal));
    check("r 4d6kh3 -2", roll("4d6kh3 -2", Advantage::Normal));
    check("  r   2d6   +  3 ", roll("2d6 + 3", Advantage::Normal));
    assert!(error("r").contains("usage: r 1d20+5"));
    assert!(error("r adv").contains("dice expression"));
}

#[test]
fn check_and_save() {
    let chk = |what: &str, advantage| Command::Check {
        what: what.to_owned(),
        advantage,
    };
    check("check ath", chk("ath", Advantage::Normal));
    check("CHECK str adv", chk("str", Advantage::Advantage));
    check(
        "check sleight of hand dis",
        chk("sleight of hand", Advantage::Disadvantage),
    );
    assert!(error("check").contains("usage: check"));
    assert!(error("check ath -b 2").contains("unknown option `-b`"));

    let save = |ability, advantage| Command::Save { ability, advantage };
    check("save dex", save(Ability::Dexterity, Advantage::Normal));
    check(
        "save Wisdom adv",
        save(Ability::Wisdom, Advantage::Advantage),
    );
    check(
        "save CHA dis",
        save(Ability::Charisma, Advantage::Disadvantage),
    );
    for (word, ability) in ["str", "dex", "con", "int", "wis", "cha"]
        .into_iter()
        .zip(Ability::ALL)
    {
        check(&format!("save {word}"), save(ability, Advantage::Normal));
    }
    assert!(error("save luck").contains("unknown ability `luck`"));
    assert!(error("save").contains("usage: save"));
    assert!(error("save dex con").contains("unexpected `con`"));
}

#[test]
fn attacks() {
    check(
        "a scimitar -t g1 adv",
        attack("scimitar", &["g1"], Advantage::Advantage),
    );
    check(
        "attack scimitar -t g1",
        attack("scimitar", &["g1"], Advantage::Normal),
    );
    check("a g1", attack("", &["g1"], Advantage::Normal));
    check("a", attack("", &[], Advantage::Normal));
    check(
        "a scimitar g1",
        attack("scimitar", &["g1"], Advantage::Normal),
    );
    check(
        "a adv scimitar g1",
        attack("scimitar", &["g1"], Advantage::Advantage),
    );
    check(
        "a light crossbow g1 dis",
        attack("light crossbow", &["g1"], Advantage::Disadvantage),
    );
    check(
        "a light crossbow -t g1 -T g2",
        attack("light crossbow", &["g1", "g2"], Advantage::Normal),
    );
    check(
        "a longsword -t g1 g2",
        attack("longsword", &["g1", "g2"], Advantage::Normal),
    );
    check("a -t g1", attack("", &["g1"], Advantage::Normal));
    check(
        "A \"light crossbow\" g1",
        attack("light crossbow", &["g1"], Advantage::Normal),
    );
    check(
        "a bite -t \"dire wolf\"",
        attack("bite", &["dire wolf"], Advantage::Normal),
    );
    assert!(error("a scimitar -t").contains("`-t` needs a value"));
    assert!(error("a scimitar -t -t").contains("needs a value"));
    assert!(error("a scimitar -x g1").contains("usage: a [weapon]"));
}

#[test]
fn casts() {
    check(
        "cast fireball -t g1 -t g2 -l 4",
        cast("fireball", &["g1", "g2"], Some(4), None),
    );
    check("c fb g1 g2", cast("fb", &["g1", "g2"], None, None));
    check("c shield", cast("shield", &[], None, None));
    check(
        "cast hold person -t g1",
        cast("hold person", &["g1"], None, None),
    );
    check(
        "cast \"hold person\" g1",
        cast("hold person", &["g1"], None, None),
    );
    check(
        "cast “hold person” g1",
        cast("hold person", &["g1"], None, None),
    );
    check(
        "cast hold person -l 3",
        cast("hold person", &[], Some(3), None),
    );
    check(
        "cast fireball -l 4 g1 g2",
        cast("fireball", &["g1", "g2"], Some(4), None),
    );
    check(
        "cast bane -t g1 -c \"sickened\"",
        cast("bane", &["g1"], None, Some("sickened")),
    );
    check(
        "CAST Contagion -t g1 -C \"blinding sickness\"",
        cast("Contagion", &["g1"], None, Some("blinding sickness")),
    );
    assert!(error("cast").contains("name the spell"));
    assert!(error("cast -t g1").contains("name the spell"));
    assert!(error("cast fireball -l 10").contains("slot level must be 1–9"));
    assert!(error("cast fireball -l 99999999999999999999").contains("slot level"));
    assert!(error("cast fireball -l x").contains("slot level"));
    assert!(error("cast fireball -l 3 -l 4").contains("once"));
    assert!(error("cast bane -c a -c b").contains("once"));
}

/// Without `-t`, the spell is the longest run of leading words that names
/// a spell; the rest are targets.
#[test]
fn cast_without_t_takes_the_longest_run_of_words_naming_a_spell() {
    let cases: &[(&str, &str, &[&str], Option<u8>)] = &[
        (
            "c magic missile g1 g2",
            "magic missile",
            &["g1", "g2"],
            None,
        ),
        ("cast cure wounds Brom", "cure wounds", &["Brom"], None),
        ("c fire bolt g1", "fire bolt", &["g1"], None),
        ("c Fire Bolt G1", "Fire Bolt", &["G1"], None),
        // The longest name wins: Shield of Faith, not Shield.
        ("c shield of faith aria", "shield of faith", &["aria"], None),
        ("c shield aria", "shield", &["aria"], None),
        // Five words; a name with an apostrophe typed without it.
        (
            "cast protection from evil and good aria",
            "protection from evil and good",
            &["aria"],
            None,
        ),
        ("c hunters mark g1", "hunters mark", &["g1"], None),
        // One word: a spell's id or a shorthand, the rest targets.
        ("c fireball g1 g2", "fireball", &["g1", "g2"], None),
        ("c magic-missile g1", "magic-missile", &["g1"], None),
        // With `-t` (as Avrae players type it) the words before it are the spell.
        ("cast magic missile -t g1", "magic missile", &["g1"], None),
        (
            "c magic missile -t g1 -t g2 -l 2",
            "magic missile",
            &["g1", "g2"],
            Some(2),
        ),
        // Another flag without `-t` leaves the targets after the spell.
        ("c magic missile g1 -l 2", "magic missile", &["g1"], Some(2)),
        // No spell is called that: the first word is the spell, for the
        // table to refuse by name.
        ("c witch bolt g1", "witch", &["bolt", "g1"], None),
    ];
    for (line, spell, targets, level) in cases {
        check(line, cast(spell, targets, *level, None));
    }
}

#[test]
fn simple_actions() {
    check("dash", Command::Act(Simple::Dash));
    check("Dodge", Command::Act(Simple::Dodge));
    check("disengage", Command::Act(Simple::Disengage));
    check("HIDE", Command::Act(Simple::Hide));
    assert!(error("dash now").contains("unexpected `now`"));
    check(
        "help g1",
        Command::Help {
            target: "g1".into(),
        },
    );
    check(
        "grapple g1",
        Command::Grapple {
            target: "g1".into(),
        },
    );
    assert!(error("grapple").contains("usage: grapple target"));
    assert!(error("grapple g1 g2").contains("unexpected `g2`"));
    let shove = |target: &str, prone| Command::Shove {
        target: target.into(),
        prone,
    };
    check("shove g1", shove("g1", false));
    check("shove g1 prone", shove("g1", true));
    check("shove g1 away", shove("g1", false));
    check("shove prone g1", shove("g1", true));
    assert!(error("shove prone").contains("name the creature"));
    assert!(error("shove g1 prone away").contains("once"));
    check(
        "ready a longsword -t g1",
        Command::Ready {
            action: "a longsword -t g1".into(),
        },
    );
    check(
        "ready c \"hold person\" g1",
        Command::Ready {
            action: "c \"hold person\" g1".into(),
        },
    );
    assert!(error("ready").contains("usage: ready"));
}

#[test]
fn use_and_move() {
    check(
        "use potion of healing",
        Command::Use {
            item: "potion of healing".into(),
            target: None,
        },
    );
    check(
        "use potion of healing -t aria",
        Command::Use {
            item: "potion of healing".into(),
            target: Some("aria".into()),
        },
    );
    assert!(error("use").contains("name the item"));
    assert!(error("use rope -t a -t b").contains("one target"));
    let mv = |to, target: &str| Command::Move {
        to,
        target: target.into(),
    };
    check("move engaged g1", mv(Distance::Engaged, "g1"));
    check("m near g1", mv(Distance::Near, "g1"));
    check("M FAR g1", mv(Distance::Far, "g1"));
    check("m g1 far", mv(Distance::Far, "g1"));
    assert!(error("move g1").contains("usage: move engaged|near|far target"));
    assert!(error("move up g1").contains("engaged, near or far"));
}

#[test]
fn turn_and_table() {
    for line in ["n", "e", "end", "next", "END"] {
        check(line, Command::EndTurn);
    }
    for line in ["ds", "deathsave"] {
        check(line, Command::DeathSave);
    }
    check("init", Command::JoinInitiative);
    check("join", Command::JoinInitiative);
    check("s", Command::Status);
    check("status", Command::Status);
    assert!(error("s dex").contains("save dex"));
    check("sheet", Command::Sheet { name: None });
    check(
        "sheet Aria",
        Command::Sheet {
            name: Some("Aria".into()),
        },
    );
    check("rest short", Command::Rest { long: false });
    check("rest LONG", Command::Rest { long: true });
    check("longrest", Command::Rest { long: true });
    check("shortrest", Command::Rest { long: false });
    assert!(error("rest").contains("usage: rest short|long"));
    assert!(error("rest medium").contains("short or long"));
    check("verify", Command::Verify);
    for line in ["help", "?", "commands", "HELP"] {
        check(line, Command::Commands);
    }
}

#[test]
fn votes() {
    check(
        "vote \"left door\" \"right door\"",
        Command::Vote {
            options: s(&["left door", "right door"]),
        },
    );
    check(
        "vote left right back",
        Command::Vote {
            options: s(&["left", "right", "back"]),
        },
    );
    assert!(error("vote left").contains("at least two"));
    assert!(error("vote 2").contains("v 2"));
    assert!(error("vote \"\" right").contains("empty"));
    check("v 2", Command::VoteFor { option: "2".into() });
    check(
        "v left door",
        Command::VoteFor {
            option: "left door".into(),
        },
    );
    assert!(error("v").contains("usage: v"));
}

#[test]
fn new_characters() {
    let new = |name: &str, class: &str, level, race: &str, scores| {
        Command::NewCharacter(NewCharacter {
            name: name.into(),
            class: class.into(),
            level,
            race: race.into(),
            scores,
            ..NewCharacter::default()
        })
    };
    check(
        "char new Aria wizard 3 elf",
        new("Aria", "wizard", 3, "elf", Scores::StandardArray),
    );
    check(
        "char new Aria wizard 3 high elf array",
        new("Aria", "wizard", 3, "high elf", Scores::StandardArray),
    );
    check(
        "char new \"Grek the Bold\" fighter 20 half-orc pointbuy 15,14,13,12,10,8",
        new(
            "Grek the Bold",
            "fighter",
            20,
            "half-orc",
            Scores::PointBuy {
                scores: [15, 14, 13, 12, 10, 8],
            },
        ),
    );
    check(
        "char new Bo rogue 1 halfling pb 8 15 15 15 8 8",
        new(
            "Bo",
            "rogue",
            1,
            "halfling",
            Scores::PointBuy {
                scores: [8, 15, 15, 15, 8, 8],
            },
        ),
    );
    assert!(error("char new Aria wizard 0 elf").contains("level must be 1–20"));
    assert!(error("char new Aria wizard 21 elf").contains("level must be 1–20"));
    assert!(error("char new Aria wizard 300 elf").contains("level must be 1–20"));
    assert!(error("char new Aria wizard three elf").contains("level"));
    assert!(error("char new Aria wizard 3").contains("usage: char new"));
    assert!(error("char new Aria wizard 3 pointbuy 15,14,13,12,10,8").contains("race"));
    assert!(error("char new A w 3 elf pointbuy 15,14,13").contains("six scores"));
    assert!(error("char new A w 3 elf pointbuy 16,14,13,12,10,8").contains("8–15"));
    assert!(error("char new A w 3 elf pointbuy 7,14,13,12,10,8").contains("8–15"));
    assert!(error("char new A w 3 elf pointbuy 15,15,15,15,8,8").contains("36 points, max 27"));
    assert!(error("char new A w 3 elf array 15").contains("unexpected"));
    assert!(error("char old A").contains("usage: char new"));
}

#[test]
fn dm_commands() {
    check("dm encounter", dm(DmCommand::StartEncounter));
    check("DM begin", dm(DmCommand::StartEncounter));
    check("dm end", dm(DmCommand::EndEncounter));
    check("dm reveal", dm(DmCommand::RevealSeed));
    let madd = |monster: &str, count, average_hp| {
        dm(DmCommand::AddMonster {
            monster: monster.into(),
            count,
            average_hp,
        })
    };
    check("madd goblin", madd("goblin", 1, false));
    check("madd goblin -n 3", madd("goblin", 3, false));
    check("dm madd goblin -n 3 --avg", madd("goblin", 3, true));
    check("madd giant spider -n 2", madd("giant spider", 2, false));
    check("madd giant spider 2", madd("giant spider", 2, false));
    check("MADD goblin -N 20 --AVG", madd("goblin", 20, true));
    assert!(error("madd goblin -n 0").contains("count must be 1–20"));
    assert!(error("madd goblin -n 21").contains("count must be 1–20"));
    assert!(error("madd goblin 300").contains("count must be 1–20"));
    assert!(error("madd -n 2").contains("name the monster"));

    let hp = |target: &str, delta| {
        dm(DmCommand::Hp {
            target: target.into(),
            delta,
        })
    };
    check("dm hp g1 -5", hp("g1", -5));
    check("dm hp aria +7", hp("aria", 7));
    check("dm hp aria 7", hp("aria", 7));
    assert!(error("dm hp g1").contains("usage: dm hp"));
    assert!(error("dm hp g1 -99999999999").contains("-5 or +7"));
    assert!(error("dm hp g1 lots").contains("-5 or +7"));

    let cond = |condition, add| {
        dm(DmCommand::Condition {
            target: "g1".into(),
            condition,
            add,
        })
    };
    check("dm cond g1 add prone", cond(Condition::Prone, true));
    check(
        "dm cond g1 remove poisoned",
        cond(Condition::Poisoned, false),
    );
    assert!(error("dm cond g1 add sleepy").contains("unknown condition"));
    assert!(error("dm cond g1 toggle prone").contains("add or remove"));

    check(
        "dm set aria ac 16 \"found a shield\"",
        dm(DmCommand::SetField {
            character: "aria".into(),
            field: "ac".into(),
            value: "16".into(),
            reason: "found a shield".into(),
        }),
    );
    check(
        "dm set aria Strength 19 belt of giant strength",
        dm(DmCommand::SetField {
            character: "aria".into(),
            field: "str".into(),
            value: "19".into(),
            reason: "belt of giant strength".into(),
        }),
    );
    assert!(error("dm set aria ac 16").contains("give a reason"));
    assert!(error("dm set aria ac 16 \"\"").contains("give a reason"));
    assert!(error("dm set aria luck 16 why").contains("no field `luck`"));

    check(
        "dm xp 300",
        dm(DmCommand::Xp {
            amount: 300,
            to: vec![],
        }),
    );
    check(
        "dm xp 300 aria grek",
        dm(DmCommand::Xp {
            amount: 300,
            to: s(&["aria", "grek"]),
        }),
    );
    assert!(error("dm xp 99999999999").contains("amount"));
    assert!(error("dm xp -5").contains("amount"));

    check(
        "dm narrate The door creaks open.",
        dm(DmCommand::Narrate {
            text: "The door creaks open.".into(),
        }),
    );
    assert!(error("dm narrate").contains("usage: dm narrate"));
    check("dm decide 2", dm(DmCommand::Decide { option: "2".into() }));
    assert!(error("dm").contains("usage: dm encounter|"));
}

#[test]
fn loot() {
    let loot = |gold, items: &[&str], to: &[&str]| {
        dm(DmCommand::Loot {
            gold,
            items: s(items),
            to: s(to),
        })
    };
    check("dm loot 50gp", loot(50, &[], &[]));
    check("dm loot 50 GP", loot(50, &[], &[]));
    check("dm loot 50", loot(50, &[], &[]));
    check(
        "dm loot 50gp potion of healing -to aria",
        loot(50, &["potion of healing"], &["aria"]),
    );
    check(
        "dm loot 10gp potion of healing, rope,torch -to aria grek",
        loot(
            10,
            &["potion of healing", "rope", "torch"],
            &["aria", "grek"],
        ),
    );
    check(
        "dm loot \"bag of holding\" rope \"+1 dagger\"",
        loot(0, &["bag of holding", "rope", "+1 dagger"], &[]),
    );
    assert!(error("dm loot").contains("give gold or items"));
    assert!(error("dm loot 0gp").contains("give gold or items"));
    assert!(error("dm loot 99999999999gp").contains("gold"));
}

#[test]
fn acting_as_a_monster() {
    check(
        "dm as g1 a scimitar -t aria",
        dm(DmCommand::As {
            monster: "g1".into(),
            command: Box::new(attack("scimitar", &["aria"], Advantage::Normal)),
        }),
    );
    check(
        "dm as g2 dodge",
        dm(DmCommand::As {
            monster: "g2".into(),
            command: Box::new(Command::Act(Simple::Dodge)),
        }),
    );
    assert!(error("dm as g1").contains("usage: dm as"));
    assert!(error("dm as g1 dm end").contains("player commands"));
    assert!(error("dm as g1 atack aria").contains("did you mean: attack (a)"));
}

#[test]
fn suggestions() {
    assert_eq!(
        error("atack g1"),
        "unknown command `atack` — did you mean: attack (a)?"
    );
    assert!(error("cats fireball").contains("cast (c)"));
    assert!(error("shvoe g1").contains("shove"));
    assert!(error("sav dex").contains("save"));
    assert!(error("dm encountr").contains("dm encounter"));
    assert!(error("dm hq g1 -5").contains("dm hp"));
    assert_eq!(
        error("xyzzy"),
        "unknown command `xyzzy`; type `help` for the list"
    );
    assert!(error(&"q".repeat(400)).len() <= MAX_ERROR_BYTES);
}

#[test]
fn tokenizer_and_limits() {
    assert_eq!(parse(""), Err(ParseError::Empty));
    assert_eq!(parse(" \t\n "), Err(ParseError::Empty));
    assert_eq!(
        parse("cast \"hold person"),
        Err(ParseError::UnterminatedQuote)
    );
    assert_eq!(parse("\""), Err(ParseError::UnterminatedQuote));
    assert!(error("cast \"hold").contains("unterminated quote"));
    let long = format!("r {}", "1+".repeat(300));
    assert_eq!(parse(&long), Err(ParseError::TooLong { len: long.len() }));
    assert!(parse(&"r 1".repeat(MAX_LINE_BYTES / 3)).is_ok());
    // Quotes join with the word around them; a quoted flag is a value.
    check(
        "a bite -t \"-t\"",
        attack("bite", &["-t"], Advantage::Normal),
    );
    check(
        "a bite \"adv\"",
        attack("bite", &["adv"], Advantage::Normal),
    );
    // Multi-byte text and control characters are kept in names, clipped in errors.
    check(
        "a épée -t gobelin",
        attack("épée", &["gobelin"], Advantage::Normal),
    );
    let message = error("\u{7}\u{1b}[31mboom");
    assert!(!message.contains('\u{1b}'), "{message}");
    assert!(error(&"é".repeat(200)).contains("unknown command"));
}

proptest! {
    #[test]
    fn never_panics_and_errors_fit_a_packet(line in any::<String>()) {
        if let Err(err) = parse(&line) {
            let message = err.to_string();
            prop_assert!(!message.is_empty());
            prop_assert!(message.len() <= MAX_ERROR_BYTES, "{message}");
        }
    }

    #[test]
    fn never_panics_on_command_like_lines(
        line in r#"(a|c|cast|dm|madd|char new|r|v|vote|move|dm loot|dm set|dm as g1 a|dm as g1 move|dm as g2 c) [-a-z0-9 ",“é]{0,60}"#
    ) {
        match parse(&line) {
            Err(err) => {
                let message = err.to_string();
                prop_assert!(!message.is_empty() && message.len() <= MAX_ERROR_BYTES, "{message}");
            }
            // What the log keeps must read back as the same command.
            Ok(command) => {
                let stored = serde_json::to_value(&command).expect("serializes");
                let back: Command = serde_json::from_value(stored.clone())
                    .map_err(|e| TestCaseError::fail(format!("{e}: {stored}")))?;
                prop_assert_eq!(back, command);
            }
        }
    }

    #[test]
    fn attack_targets_round_trip(
        weapon in "[a-z]{3,10}( [a-z]{3,10})?",
        targets in prop::collection::vec(handle(), 1..4),
        adv in prop::sample::select(vec!["", " adv", " dis"]),
    ) {
        // A weapon named like the advantage words is read as them (`a adv g1`).
        let edge_words = ["adv", "advantage", "dis", "disadv", "disadvantage"];
        prop_assume!(weapon.split(' ').all(|w| !edge_words.contains(&w)));
        let flags: String = targets.iter().map(|t| format!(" -t {t}")).collect();
        let Ok(Command::Attack { targets: parsed, .. }) =
            parse(&format!("a {weapon}{flags}{adv}"))
        else {
            return Err(TestCaseError::fail("not an attack"));
        };
        prop_assert_eq!(&parsed, &targets);
        // The mesh form: one target, last word.
        let Ok(Command::Attack { targets: parsed, weapon: w, .. }) =
            parse(&format!("a {weapon} {}", targets[0]))
        else {
            return Err(TestCaseError::fail("not an attack"));
        };
        prop_assert_eq!(parsed, vec![targets[0].clone()]);
        prop_assert_eq!(w, weapon);
    }

    #[test]
    fn cast_targets_round_trip(
        spell in "[a-z]{3,10}",
        targets in prop::collection::vec(handle(), 0..4),
        level in prop::option::of(1u8..=9),
    ) {
        let level_flag = level.map(|l| format!(" -l {l}")).unwrap_or_default();
        let flags: String = targets.iter().map(|t| format!(" -t {t}")).collect();
        let expected = Command::Cast {
            spell: spell.clone(),
            targets: targets.clone(),
            level,
            choice: None,
        };
        prop_assert_eq!(parse(&format!("cast {spell}{flags}{level_flag}")), Ok(expected));
        let Ok(Command::Cast { targets: parsed, spell: s, .. }) =
            parse(&format!("c {spell} {}", targets.join(" ")))
        else {
            return Err(TestCaseError::fail("not a cast"));
        };
        prop_assert_eq!(parsed, targets);
        prop_assert_eq!(s, spell);
    }
}

/// A table handle (`g1`, `aria`, `Grek2`), never an advantage keyword.
fn handle() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9]{0,7}".prop_filter("not a keyword", |h| {
        !matches!(
            h.to_lowercase().as_str(),
            "adv" | "advantage" | "dis" | "disadv" | "disadvantage"
        )
    })
}

#[test]
fn automatic_reactions() {
    let react = |on| Command::React {
        reaction: "shield".into(),
        on,
    };
    check("react shield off", react(false));
    check("REACT shield ON", react(true));
    assert!(error("react shield").contains("usage: react shield on|off"));
    assert!(error("react shield maybe").contains("say on or off"));
    assert!(error("react").contains("name the reaction"));
    assert!(dm::HELP.contains("react shield on|off"));
    assert!(dm::grammar::VERBS.iter().any(|v| v.name == "react"));
}

#[test]
fn ready_keeps_its_trigger_in_the_text() {
    check(
        "ready a -t g1 when g1 comes",
        Command::Ready {
            action: "a -t g1 when g1 comes".into(),
        },
    );
    assert!(error("ready").contains("when <creature> comes|moves|attacks"));
    assert!(dm::HELP.contains("ready CMD when T comes|moves|attacks"));
}

#[test]
fn class_features_and_the_off_hand() {
    use dm::Feature;
    check("rage", Command::Feature(Feature::Rage));
    check("sw", Command::Feature(Feature::SecondWind));
    check("secondwind", Command::Feature(Feature::SecondWind));
    check("surge", Command::Feature(Feature::ActionSurge));
    check("actionsurge", Command::Feature(Feature::ActionSurge));
    assert!(error("rage now").contains("unexpected `now`"));
    let oh = |weapon: &str, targets: &[&str], advantage| Command::OffHand {
        weapon: weapon.into(),
        targets: s(targets),
        advantage,
    };
    check(
        "offhand dagger -t g1",
        oh("dagger", &["g1"], Advantage::Normal),
    );
    check("oh g1 adv", oh("", &["g1"], Advantage::Advantage));
    check("oh", oh("", &[], Advantage::Normal));
    assert!(error("oh dagger -x").contains("usage: offhand"));
    for word in ["rage", "sw (second wind)", "surge", "oh WEAPON"] {
        assert!(dm::HELP.contains(word), "{word}");
    }
}

#[test]
fn dm_set_reaches_the_gear_and_spell_fields_play_knows() {
    for field in ["armor", "shield", "weapons", "spells"] {
        let Ok(Command::Dm(DmCommand::SetField { field: f, .. })) =
            parse(&format!("dm set aria {field} x \"why\""))
        else {
            panic!("{field}");
        };
        assert_eq!(f, field);
    }
}

#[test]
fn level_up() {
    check("levelup", Command::LevelUp);
    check("lvlup", Command::LevelUp);
    check(
        "dm levelup aria",
        dm(DmCommand::LevelUp {
            character: "aria".into(),
        }),
    );
    assert!(error("dm levelup").contains("usage: dm levelup NAME"));
    assert!(error("levelup now").contains("unexpected `now`"));
    assert!(dm::HELP.contains("levelup") && dm::HELP.contains("dm levelup NAME"));
}

#[test]
fn the_new_commands_read_back_from_the_log() {
    for line in [
        "react shield off",
        "rage",
        "sw",
        "surge",
        "oh dagger -t g1",
        "levelup",
        "dm levelup aria",
        "ready a -t g1 when g1 comes",
        "dash",
    ] {
        let command = parse(line).unwrap();
        let stored = serde_json::to_value(&command).unwrap_or_else(|e| panic!("{line}: {e}"));
        let back: Command = serde_json::from_value(stored.clone())
            .unwrap_or_else(|e| panic!("{line}: {e}: {stored}"));
        assert_eq!(back, command, "{line}");
    }
}

#[test]
fn exploring() {
    check("l", Command::Look);
    check("look", Command::Look);
    check(
        "g n",
        Command::Go {
            exit: "n".into(),
            vote_secs: None,
        },
    );
    check(
        "go iron door",
        Command::Go {
            exit: "iron door".into(),
            vote_secs: None,
        },
    );
    check("sr", Command::Search);
    check("open n", Command::Open { exit: "n".into() });
    check("pick 2", Command::Pick { exit: "2".into() });
    check(
        "force arch",
        Command::Force {
            exit: "arch".into(),
        },
    );
    check("disarm pit", Command::Disarm { trap: "pit".into() });
    check(
        "talk mara help",
        Command::Talk {
            npc: "mara".into(),
            say: "help".into(),
        },
    );
    check("take", Command::Take);
    check("leave", Command::Leave);
    check("light", Command::Light { on: true });
    check("douse", Command::Light { on: false });
    check(
        "leader aria",
        Command::Leader {
            name: Some("aria".into()),
        },
    );
    check("leader none", Command::Leader { name: None });
    check(
        "order brom aria",
        Command::March {
            order: s(&["brom", "aria"]),
        },
    );
    check(
        "dm adventure the-sunken-chapel",
        dm(DmCommand::Adventure {
            id: "the-sunken-chapel".into(),
            adventure: None,
        }),
    );
    check(
        "dm move party crypt",
        dm(DmCommand::MoveParty {
            area: "crypt".into(),
        }),
    );
    check(
        "dm reveal old sluice",
        dm(DmCommand::RevealArea {
            area: "old sluice".into(),
        }),
    );
    check("dm reveal", dm(DmCommand::RevealSeed));
    check("dm map", dm(DmCommand::Map));
    for bad in [
        "g",
        "open",
        "pick",
        "force",
        "disarm",
        "talk",
        "take x",
        "l x",
        "dm move crypt",
        "dm map x",
    ] {
        assert!(!error(bad).is_empty(), "{bad}");
    }
}

proptest! {
    #[test]
    fn go_takes_any_words_as_its_exit(words in prop::collection::vec("[a-z0-9]{1,8}", 1..4)) {
        let line = format!("go {}", words.join(" "));
        prop_assert_eq!(
            parse(&line).unwrap(),
            Command::Go { exit: words.join(" "), vote_secs: None }
        );
    }
}

#[test]
fn char_import_and_export_say_they_need_a_file() {
    for (line, verb) in [
        ("char import hero.json", "import"),
        ("char export", "export"),
    ] {
        let err = parse(line).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "`char {verb}` needs a file: use /char {verb} or the console"
            )),
            "{err}"
        );
    }
}
