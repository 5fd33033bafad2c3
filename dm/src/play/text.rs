//! The table as text: a character sheet, the status, the dice commitment
//! and the command list.

use rules::content::{self, GearKind};
use rules::mechanics::{Ability, Condition, Health, LifeState};

use super::creatures::{conditions, health, is_monster, name_of};
use crate::character::Character;
use crate::event::{PlayerId, Reply};
use crate::table::Table;

/// `status`: the table at a glance; the DM's own, in a fight with monsters,
/// has their numbers and is told to the DM alone.
pub(super) fn status(table: &Table, actor: &PlayerId, reply: &mut Reply) {
    let dm_eyes = table.is_dm(actor)
        && table
            .encounter
            .as_ref()
            .is_some_and(|e| !e.monsters.is_empty());
    reply.say(status_text(table, dm_eyes));
    // The monsters' numbers are for the DM alone.
    reply.private = dm_eyes;
}

/// `verify`: the table's dice commitment, and the seed once revealed.
pub(super) fn verify(table: &Table) -> String {
    match &table.revealed_seed {
        Some(seed) => format!(
            "seed revealed: {seed} (commitment {}); `dungeon verify` checks every roll",
            table.commitment
        ),
        None => format!(
            "dice commitment {} — the DM reveals the seed with `dm reveal`",
            table.commitment
        ),
    }
}

pub(super) fn sheet_text(c: &Character) -> String {
    let (atk, dc) = c.spell_figures();
    let mut s = format!(
        "{} — level {} {} {} · HP {}/{} (+{} temp) · AC {} · speed {} ft · XP {} · {} gp\n{}\nSaves: {}\nWeapons: {}",
        c.name,
        c.level,
        c.race,
        c.class,
        c.health.current(),
        c.health.max(),
        c.health.temp(),
        c.ac(),
        c.speed,
        c.xp,
        c.gold,
        crate::event::scores_text(&c.scores),
        Ability::ALL
            .iter()
            .map(|a| format!("{} {:+}", a.abbreviation(), c.save_bonus(*a)))
            .collect::<Vec<_>>()
            .join(", "),
        c.weapons.join(", "),
    );
    if !c.spells.is_empty() {
        s.push_str(&format!(
            "\nSpells (attack {atk:+}, DC {dc}): {}\nSlots: {}",
            c.spells.join(", "),
            c.slots.describe_remaining()
        ));
    }
    if !c.items.is_empty() {
        // Ammunition shows its count: "crossbow bolts 19".
        let items: Vec<String> = c
            .items
            .iter()
            .map(|i| match content::gear(i) {
                Some(g) if g.kind == GearKind::Ammunition => {
                    format!("{} {}", crate::character::ammo_name(i), c.ammo_left(i))
                }
                _ => i.clone(),
            })
            .collect();
        s.push_str(&format!("\nItems: {}", items.join(", ")));
    }
    let darkvision = c.darkvision_ft();
    if darkvision > 0 {
        s.push_str(&format!("\nSenses: darkvision {darkvision} ft"));
    }
    s.push_str(&build_text(c));
    s
}

/// The builder's part of a sheet: classes and subclasses, background,
/// feats, languages, tools, proficiencies, ancestry, the spellbook, the
/// choices still open and whether the DM locked it.
fn build_text(c: &Character) -> String {
    let mut s = String::new();
    let classes: Vec<String> = c
        .class_levels()
        .iter()
        .map(|cl| match &cl.subclass {
            Some(sub) => format!("{} {} ({sub})", cl.class, cl.level),
            None => format!("{} {}", cl.class, cl.level),
        })
        .collect();
    s.push_str(&format!("\nClasses: {}", classes.join(" / ")));
    if let Some(bg) = &c.background {
        s.push_str(&format!(" · background {bg}"));
    }
    if let Some(a) = &c.ancestry {
        s.push_str(&format!(" · {a} dragon ancestry"));
    }
    let skills: Vec<&str> = c.skills.iter().map(|k| k.name()).collect();
    if !skills.is_empty() {
        s.push_str(&format!("\nSkills: {}", skills.join(", ")));
    }
    for (label, list) in [
        ("Feats", &c.feats),
        ("Languages", &c.languages),
        ("Tools", &c.tools),
        ("Proficiencies", &c.proficiencies),
        ("Spellbook", &c.spellbook),
    ] {
        if !list.is_empty() {
            s.push_str(&format!("\n{label}: {}", list.join(", ")));
        }
    }
    if !c.pending.is_empty() {
        // Each kind once: a class's several equipment choices are one word.
        let mut kinds: Vec<&str> = Vec::new();
        for p in &c.pending {
            if !kinds.contains(&p.kind.word()) {
                kinds.push(p.kind.word());
            }
        }
        s.push_str(&format!(
            "\nChoices open (defaults taken, `ch` to choose): {}",
            kinds.join(", ")
        ));
    }
    if c.locked {
        s.push_str("\nSheet locked by the DM.");
    }
    s
}

/// The table's status; `dm_eyes`: with the monsters' hit points as
/// numbers (only ever shown to the DM).
fn status_text(table: &Table, dm_eyes: bool) -> String {
    let mut out = Vec::new();
    match &table.encounter {
        Some(enc) => {
            out.push(if enc.round == 0 {
                "Fight: not started (the DM begins with `n`)".to_string()
            } else {
                format!("Fight: round {}", enc.round)
            });
            for (i, s) in enc.order.iter().enumerate() {
                let mark = if enc.round > 0 && i == enc.turn {
                    "▶"
                } else {
                    " "
                };
                let hp = health(table, &s.handle)
                    .map(|h| {
                        if is_monster(table, &s.handle) && !dm_eyes {
                            hp_word(h)
                        } else {
                            hp_numbers(h)
                        }
                    })
                    .unwrap_or_default();
                let conds: Vec<&str> = conditions(table, &s.handle)
                    .iter()
                    .map(Condition::name)
                    .collect();
                out.push(format!(
                    "{mark}{:>3} {} {hp}{}",
                    s.initiative,
                    name_of(table, &s.handle),
                    if conds.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", conds.join(", "))
                    }
                ));
            }
        }
        None => {
            if table.characters.is_empty() {
                out.push("No characters yet — `char new Aria wizard 3 elf`".into());
            }
            for c in &table.characters {
                out.push(format!(
                    "{} ({} {}) HP {}",
                    c.name,
                    c.class,
                    c.level,
                    hp_numbers(c.health)
                ));
            }
        }
    }
    if let Some(v) = &table.vote {
        out.push(format!(
            "Vote open: {} ({} voted)",
            v.options.join(" / "),
            v.ballots.len()
        ));
    }
    out.extend(table.recent.iter().rev().take(1).cloned());
    out.join("\n")
}

/// Hit points as numbers, and the dead mark: "0/49 dead".
fn hp_numbers(h: Health) -> String {
    let dead = if h.state() == LifeState::Dead {
        " dead"
    } else {
        ""
    };
    format!("{}/{}{dead}", h.current(), h.max())
}

/// How a monster's health reads to players: no exact numbers.
fn hp_word(h: Health) -> String {
    if h.state() == LifeState::Dead {
        return "dead".into();
    }
    crate::event::HealthBand::of(h.current(), h.max())
        .word()
        .into()
}

/// The command list.
pub const HELP: &str = "r EXPR · check SKILL · save ABIL · a WEAPON -t T · oh WEAPON -t T (off hand) · \
rage · sw (second wind) · surge · cast SPELL -t T [-l N] · \
dash · dodge · disengage · hide · help T · grapple T · shove T [prone] · ready CMD when T comes|moves|attacks · \
react shield on|off · use ITEM · move engaged|near|far T · \
n (end turn) · ds · init · status · sheet · char new NAME CLASS LVL RACE [rolled|manual|pointbuy S,S,..] [sub X] [bg X] · char roll · ch [KIND PICKS] · char set FIELD VALUE · rest short|long · levelup [CLASS] [roll] · vote \"A\" \"B\" · v N · verify · \
note TEXT · notes [about X] · recap · narrate on|off · \
l (look) · g EXIT (go) · sr (search) · open|pick|force EXIT · disarm TRAP · talk NPC [help|persuade|TOPIC] · take · \
light · douse · leader NAME · order NAMES · leave (the dungeon, at the way in) · party · party join [CODE] · party leave · \
DM: dm encounter · madd NAME -n N · dm hp T ±N · dm cond T add|remove C · dm set NAME FIELD VALUE \"why\" · dm xp N · \
dm loot · dm levelup NAME [CLASS] [roll] · dm lock|unlock NAME · dm allow manual on|off · dm place A engaged|near|far B · dm narrate TEXT · dm note [private] TEXT · dm decide N · dm as T CMD · dm end · \
dm adventure ID · dm move party AREA · dm reveal AREA · dm map · dm access open|invite|closed · dm access watch on|off · dm invite · dm party add|remove NAME";
