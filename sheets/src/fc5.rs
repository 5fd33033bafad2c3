//! Fight Club 5 / Game Master 5 characters: `<pc version="5"><character>`.
//! There is no published specification; this reads the shape the apps'
//! exports have: `<name>`, `<abilities>15,12,14,10,10,16,</abilities>`
//! (scores before racial bonuses: the app adds the race's), `<hpMax>`,
//! `<hpCurrent>`, `<hpTemp>`, `<xp>`, `<race><name>`, `<background><name>`,
//! one `<class>` per class with `<name>Paladin: Oath of Devotion</name>`,
//! `<level>`, `<hdCurrent>`, `<proficiency>` and `<spell><name>`; `<feat>`,
//! `<item>` (`<name>`, `<type>` LA/MA/HA/S/M/R/A or a `<detail>` text,
//! `<ac>`, `<dmg1>`/`<dmg2>`/`<dmgType>` or `<damage1H>`/`<damage2H>`/
//! `<damageType>`, `<property>`, `<range>`, `<quantity>`, `<equipped>`)
//! and coins as `<pp>`…`<cp>` where present. A `<proficiency>` is a name
//! ("Athletics", "Strength") or the apps' number: 0–5 the saving throws in
//! Str..Cha order, 100–117 the skills in alphabetical order.
//!
//! The XML parser (roxmltree) refuses any DTD, so no entity is ever
//! declared, expanded or fetched: billion-laughs and XXE files get an error.

use roxmltree::{Document, Node, ParsingOptions};

use rules::content::WeaponProperty;
use rules::mechanics::{Ability, Skill};

use crate::draft::{Draft, DraftArmor, DraftWeapon};
use crate::{Format, ImportError, Imported, MAX_DEPTH, MAX_ENTRIES};

/// The most XML nodes (elements and texts) read.
const MAX_NODES: u32 = 100_000;

/// Reads a Fight Club 5 character from its text.
pub fn import(text: &str, name: Option<&str>) -> Result<Imported, ImportError> {
    crate::limits::size(text.as_bytes())?;
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            ImportError::Xml("a DTD (entities are not allowed in character files)".to_string())
        }
        roxmltree::Error::NodesLimitReached => ImportError::TooMany,
        other => ImportError::Xml(other.to_string()),
    })?;
    depth(&doc)?;
    let root = doc.root_element();
    let character = match root.tag_name().name() {
        "pc" => child(root, "character")
            .ok_or_else(|| ImportError::field("pc", "no <character> inside"))?,
        "character" => root,
        other => {
            return Err(ImportError::Unsupported(format!(
                "an XML <{}> file: expected a Fight Club 5 <pc><character>",
                other.chars().take(20).collect::<String>()
            )));
        }
    };
    if let Some(v) = root.attribute("version").filter(|v| *v != "5") {
        return Err(ImportError::Unsupported(format!(
            "Fight Club character version {}: export it again from a current app (version 5)",
            v.chars().take(10).collect::<String>()
        )));
    }
    let mut d = Draft {
        name: text_of(character, "name").unwrap_or_default().to_string(),
        before_race: true,
        ..Draft::default()
    };
    let abilities = text_of(character, "abilities")
        .ok_or_else(|| ImportError::field("abilities", "missing"))?;
    let scores: Vec<&str> = abilities
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if scores.len() < 6 {
        return Err(ImportError::field(
            "abilities",
            "expected six scores, as 15,12,14,10,10,16",
        ));
    }
    for (i, s) in scores.iter().take(6).enumerate() {
        d.scores[i] = s
            .parse()
            .ok()
            .filter(|n| (1..=30).contains(n))
            .ok_or_else(|| {
                ImportError::field(
                    "abilities",
                    format!(
                        "`{}` is not a score from 1 to 30",
                        s.chars().take(10).collect::<String>()
                    ),
                )
            })?;
    }
    d.hp_max = number(character, "hpMax")?;
    d.hp_current = number(character, "hpCurrent")?;
    d.hp_temp = number(character, "hpTemp")?.unwrap_or(0);
    d.xp = number(character, "xp")?.unwrap_or(0);
    d.speed = number(character, "speed")?;
    for (i, coin) in ["pp", "gp", "ep", "sp", "cp"].iter().enumerate() {
        d.coins[i] = number(character, coin)?.unwrap_or(0);
    }
    if let Some(race) = child(character, "race") {
        d.race = text_of(race, "name").map(str::to_string);
        proficiencies(race, &mut d)?;
        // Race traits, read for a dragonborn's ancestry.
        for t in children(race, "trait") {
            if let Some(n) = text_of(t, "name") {
                d.features.push(clip(n));
            }
        }
    }
    if let Some(bg) = child(character, "background") {
        d.background = text_of(bg, "name").map(str::to_string);
        proficiencies(bg, &mut d)?;
    }
    let mut spent_total = 0u32;
    for (n, class) in children(character, "class").enumerate() {
        let full = text_of(class, "name").unwrap_or_default();
        let (class_name, sub) = match full.split_once(':') {
            Some((c, s)) if !s.trim().is_empty() => (c.trim(), Some(s.trim().to_string())),
            Some((c, _)) => (c.trim(), None),
            None => (full.trim(), None),
        };
        let level: u32 = number(class, "level")?.unwrap_or(1);
        let level = u8::try_from(level.min(255)).unwrap_or(255);
        if let Some(left) = number::<u32>(class, "hdCurrent")? {
            spent_total += u32::from(level).saturating_sub(left);
        }
        d.classes
            .push((clip(class_name), level, sub.map(|s| clip(&s))));
        // Saving throws come with the first class only, as the rules say.
        let before = d.saves.len();
        proficiencies(class, &mut d)?;
        if n > 0 {
            d.saves.truncate(before);
        }
        for spell in children(class, "spell") {
            if let Some(s) = text_of(spell, "name") {
                d.spells.push(clip(s));
            }
        }
        for feat in children(class, "feat") {
            if let Some(f) = text_of(feat, "name")
                && f.to_lowercase().contains("feat:")
            {
                d.feats
                    .push(clip(f.split_once(':').map_or(f, |(_, n)| n).trim()));
            }
        }
    }
    d.hit_dice_spent = u8::try_from(spent_total.min(20)).unwrap_or(20);
    for spell in children(character, "spell") {
        if let Some(s) = text_of(spell, "name") {
            d.spells.push(clip(s));
        }
    }
    for feat in children(character, "feat") {
        if let Some(f) = text_of(feat, "name") {
            d.feats.push(clip(f));
        }
    }
    for item in children(character, "item") {
        read_item(item, &mut d)?;
    }
    d.finish(Format::FightClub5, name)
}

/// One `<item>`: a weapon, armor, a shield, or anything else by name.
fn read_item(item: Node, d: &mut Draft) -> Result<(), ImportError> {
    let Some(name) = text_of(item, "name").map(clip).filter(|n| !n.is_empty()) else {
        return Ok(());
    };
    let code = text_of(item, "type").unwrap_or("").to_uppercase();
    let detail = text_of(item, "detail").unwrap_or("").to_lowercase();
    let equipped = text_of(item, "equipped").is_some_and(|e| e == "1" || e == "true");
    let ac: Option<i32> = number(item, "ac")?;
    let dice = text_of(item, "dmg1").or(text_of(item, "damage1H"));
    let is_armor = matches!(code.as_str(), "LA" | "MA" | "HA") || detail.ends_with("armor");
    let is_shield = code == "S" || detail == "shield";
    let is_weapon =
        matches!(code.as_str(), "M" | "R") || detail.contains("weapon") || dice.is_some();
    if is_armor || is_shield {
        d.armor.push(DraftArmor {
            base: None,
            shield: is_shield,
            ac,
            equipped,
            dex_cap: match code.as_str() {
                "MA" => Some(2),
                "HA" => Some(0),
                _ => None,
            },
            // `<magic>` only says an item is magic: the bonus is in its name.
            magic: crate::draft::bonus_in_name(&name),
            name,
        });
    } else if is_weapon {
        let properties: Vec<WeaponProperty> = text_of(item, "property")
            .or(text_of(item, "weaponProperty"))
            .unwrap_or("")
            .split([',', ' '])
            .filter_map(property)
            .collect();
        let range = text_of(item, "range").and_then(|r| {
            let (a, b) = r.split_once('/').unwrap_or((r, r));
            Some([a.trim().parse().ok()?, b.trim().parse().ok()?])
        });
        d.weapons.push(DraftWeapon {
            magic: crate::draft::bonus_in_name(&name),
            name,
            base: None,
            dice: dice.map(str::to_string),
            versatile: text_of(item, "dmg2")
                .or(text_of(item, "damage2H"))
                .map(str::to_string),
            damage_type: text_of(item, "dmgType")
                .or(text_of(item, "damageType"))
                .map(damage_type),
            ranged: code == "R" || detail.contains("ranged"),
            martial: detail.contains("martial"),
            properties,
            range,
        });
    } else {
        let quantity = number(item, "quantity")?.unwrap_or(1);
        d.items.push((name, quantity));
    }
    Ok(())
}

/// The `<proficiency>` entries of an element.
fn proficiencies(of: Node, d: &mut Draft) -> Result<(), ImportError> {
    for p in children(of, "proficiency") {
        let text = p.text().unwrap_or("").trim();
        for part in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if let Ok(n) = part.parse::<u32>() {
                match n {
                    0..=5 => d.saves.push(Ability::ALL[n as usize]),
                    100..=117 => d.skills.push(Skill::ALL[(n - 100) as usize]),
                    _ => d
                        .notes
                        .push(format!("proficiency code {n}: not understood, left off")),
                }
            } else if let Ok(skill) = part.parse::<Skill>() {
                d.skills.push(skill);
            } else if let Ok(ability) = part.parse::<Ability>() {
                d.saves.push(ability);
            } else if dm::builder::TOOLS
                .iter()
                .any(|t| crate::draft::same(t, part))
            {
                d.tools.push(clip(part));
            } else if dm::builder::LANGUAGES
                .iter()
                .any(|l| crate::draft::same(l, part))
            {
                d.languages.push(clip(part));
            } else {
                d.notes.push(format!(
                    "proficiency {}: not a skill, save, SRD tool or language, kept as a note",
                    clip(part)
                ));
            }
        }
    }
    Ok(())
}

/// Fight Club's damage-type letters, or a name as written.
fn damage_type(code: &str) -> String {
    match code.trim().to_uppercase().as_str() {
        "S" => "slashing",
        "P" => "piercing",
        "B" => "bludgeoning",
        "A" => "acid",
        "C" => "cold",
        "F" => "fire",
        "FC" | "O" => "force",
        "L" => "lightning",
        "N" => "necrotic",
        "PS" | "Y" => "psychic",
        "R" => "radiant",
        "T" => "thunder",
        "I" | "PO" => "poison",
        _ => return code.trim().to_lowercase(),
    }
    .to_string()
}

/// Fight Club's weapon-property letters.
fn property(code: &str) -> Option<WeaponProperty> {
    Some(match code.trim().to_uppercase().as_str() {
        "A" => WeaponProperty::Ammunition,
        "F" => WeaponProperty::Finesse,
        "H" => WeaponProperty::Heavy,
        "L" => WeaponProperty::Light,
        "LD" => WeaponProperty::Loading,
        "R" => WeaponProperty::Reach,
        "T" => WeaponProperty::Thrown,
        "2H" => WeaponProperty::TwoHanded,
        "V" => WeaponProperty::Versatile,
        _ => return None,
    })
}

/// Elements nested at most [`MAX_DEPTH`] deep and at most [`MAX_ENTRIES`]
/// of them, walked without recursion.
fn depth(doc: &Document) -> Result<(), ImportError> {
    let mut stack = vec![(doc.root(), 0usize)];
    let mut elements = 0usize;
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(ImportError::TooDeep);
        }
        for c in node.children().filter(Node::is_element) {
            elements += 1;
            if elements > MAX_ENTRIES {
                return Err(ImportError::TooMany);
            }
            stack.push((c, depth + 1));
        }
    }
    Ok(())
}

fn child<'a, 'i>(of: Node<'a, 'i>, tag: &str) -> Option<Node<'a, 'i>> {
    of.children().find(|c| c.has_tag_name(tag))
}

fn children<'a, 'i: 'a>(of: Node<'a, 'i>, tag: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    of.children().filter(move |c| c.has_tag_name(tag))
}

fn text_of<'a>(of: Node<'a, '_>, tag: &str) -> Option<&'a str> {
    child(of, tag).and_then(|c| c.text()).map(str::trim)
}

/// A number in a child element: absent or empty is `None`, anything but
/// a whole number is an error naming the element.
fn number<T: std::str::FromStr>(of: Node, tag: &str) -> Result<Option<T>, ImportError> {
    match text_of(of, tag) {
        None | Some("") => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| {
            ImportError::field(
                tag,
                format!(
                    "`{}` is not a whole number",
                    t.chars().take(20).collect::<String>()
                ),
            )
        }),
    }
}

/// A name cut to 60 characters.
fn clip(s: &str) -> String {
    s.trim().chars().take(60).collect()
}
