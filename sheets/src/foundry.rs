//! Foundry VTT dnd5e actors (`"type": "character"`), as the system's
//! premade heroes and "Export Data" write them, read from the public data
//! model: `system.abilities.<abl>.value`, `system.attributes.hp`,
//! `system.details.xp`, `system.currency`, `system.skills.<skl>.value`
//! (0, ½, 1 or 2 times proficiency), `system.spells.spellN.value` (slots
//! left), and embedded `items`, each with a `type`: `class` (`levels`,
//! `hitDiceUsed` in 2.x–3.x, `hd.spent` in 4.x), `subclass`
//! (`classIdentifier`), `race`, `background`, `feat`, `weapon`,
//! `equipment` (armor and shields: `system.type.value`, `armor.value`),
//! `spell` (`level`, `preparation`), `consumable`, `loot`, `tool`,
//! `container`.
//!
//! Versions: 2.x and 3.x give weapon damage as `damage.parts`
//! (`[["1d8 + @mod", "slashing"]]`); 4.x and later as `damage.base`
//! (`number`, `denomination`, `types`) and move what items do into
//! `activities`, which are not read (an item's attack or save automation
//! comes from the SRD entry of the same name, or not at all). Actors of
//! Foundry v9 and older (`data` instead of `system`) are refused.

use serde_json::Value;

use rules::content::WeaponProperty;
use rules::mechanics::{Ability, Skill};

use crate::draft::{Draft, DraftArmor, DraftWeapon};
use crate::{Format, ImportError, Imported, MAX_ENTRIES};

/// Reads a Foundry actor from its text.
pub fn import(text: &str, name: Option<&str>) -> Result<Imported, ImportError> {
    crate::limits::size(text.as_bytes())?;
    crate::limits::json_depth(text)?;
    let value: Value = serde_json::from_str(text).map_err(|e| ImportError::Json(e.to_string()))?;
    from_value(&value, name)
}

/// The system version a file states, else what its shape says.
pub fn version(actor: &Value) -> String {
    let stated = actor
        .pointer("/_stats/systemVersion")
        .or_else(|| actor.pointer("/flags/exportSource/systemVersion"))
        .and_then(Value::as_str);
    if let Some(v) = stated {
        return v.chars().take(16).collect();
    }
    let items = actor.get("items").and_then(Value::as_array);
    let activities = items.is_some_and(|items| {
        items
            .iter()
            .any(|i| i.pointer("/system/activities").is_some())
    });
    if activities {
        "4.x (by its activities)".to_string()
    } else {
        "unknown".to_string()
    }
}

/// Reads a parsed Foundry actor.
pub fn from_value(actor: &Value, name: Option<&str>) -> Result<Imported, ImportError> {
    if !actor.is_object() {
        return Err(ImportError::UnknownFormat);
    }
    let kind = actor.get("type").and_then(Value::as_str).unwrap_or("");
    let system = match (actor.get("system"), actor.get("data")) {
        (Some(s), _) if s.is_object() => s,
        (None, Some(d)) if d.is_object() => {
            return Err(ImportError::Unsupported(
                "a Foundry v9 (dnd5e 1.x) actor: open it in Foundry v10 or later and export it again"
                    .to_string(),
            ));
        }
        _ => return Err(ImportError::UnknownFormat),
    };
    if kind != "character" {
        return Err(ImportError::Unsupported(format!(
            "a Foundry `{}` actor: import a player character (type `character`)",
            kind.chars().take(20).collect::<String>()
        )));
    }
    let version = version(actor);
    let major: Option<u32> = version.split('.').next().and_then(|m| m.parse().ok());
    let mut d = Draft {
        name: str_at(actor, "/name").unwrap_or_default().to_string(),
        ..Draft::default()
    };
    if major.is_some_and(|m| m < 2) {
        return Err(ImportError::Unsupported(format!(
            "dnd5e {version}: export the actor again from dnd5e 2.0 or later"
        )));
    }
    for (i, abl) in ["str", "dex", "con", "int", "wis", "cha"]
        .iter()
        .enumerate()
    {
        let field = format!("/abilities/{abl}/value");
        let score = uint_at(system, &field)?.ok_or_else(|| {
            ImportError::field(format!("system{}", field.replace('/', ".")), "missing")
        })?;
        d.scores[i] = u8::try_from(score).map_err(|_| {
            ImportError::field(
                format!("system{}", field.replace('/', ".")),
                format!("score {score} is outside 1 to 30"),
            )
        })?;
        if system
            .pointer(&format!("/abilities/{abl}/proficient"))
            .and_then(Value::as_f64)
            .is_some_and(|p| p >= 1.0)
        {
            d.saves.push(Ability::ALL[i]);
        }
    }
    d.hp_max = uint_at(system, "/attributes/hp/max")?.map(clamp_u32);
    d.hp_current = uint_at(system, "/attributes/hp/value")?.map(clamp_u32);
    d.hp_temp = uint_at(system, "/attributes/hp/temp")?.map_or(0, clamp_u32);
    d.speed = uint_at(system, "/attributes/movement/walk")?.map(clamp_u32);
    d.xp = uint_at(system, "/details/xp/value")?.map_or(0, clamp_u32);
    for (i, coin) in ["pp", "gp", "ep", "sp", "cp"].iter().enumerate() {
        d.coins[i] = uint_at(system, &format!("/currency/{coin}"))?.map_or(0, clamp_u32);
    }
    if let Some(skills) = system.get("skills").and_then(Value::as_object) {
        for (code, s) in skills {
            let Some(skill) = skill(code) else { continue };
            match s.get("value").and_then(Value::as_f64) {
                Some(v) if v >= 2.0 => {
                    d.skills.push(skill);
                    d.expertise.push(skill);
                }
                Some(v) if v >= 1.0 => d.skills.push(skill),
                _ => {}
            }
        }
    }
    let mut left = [0u8; 9];
    let mut any_slots = false;
    for (i, l) in left.iter_mut().enumerate() {
        if let Some(v) = uint_at(system, &format!("/spells/spell{}/value", i + 1))? {
            *l = u8::try_from(v.min(20)).unwrap_or(20);
            any_slots = true;
        }
    }
    if any_slots {
        d.slots_left = Some(left);
    }
    // 2.x kept the race as text on the details; 3.x and later as an item.
    if let Some(race) = str_at(system, "/details/race").filter(|r| !looks_like_id(r)) {
        d.race = Some(race.to_string());
    }
    let items = match actor.get("items") {
        None | Some(Value::Null) => &Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ImportError::field("items", "not a list")),
    };
    if items.len() > MAX_ENTRIES {
        return Err(ImportError::TooMany);
    }
    let original = str_at(system, "/details/originalClass").unwrap_or("");
    let mut classes: Vec<(String, String, u8, u8, bool)> = Vec::new();
    let mut subclasses: Vec<(String, String)> = Vec::new();
    let mut features = 0usize;
    let mut unprepared = Vec::new();
    let mut activities = false;
    for item in items {
        let kind = str_at(item, "/type").unwrap_or("");
        let item_name = str_at(item, "/name").unwrap_or("").trim();
        let name = item_name.chars().take(60).collect::<String>();
        let sys = item.get("system").unwrap_or(&Value::Null);
        activities |= sys.get("activities").is_some_and(|a| {
            a.as_object().is_some_and(|o| !o.is_empty())
                || a.as_array().is_some_and(|a| !a.is_empty())
        });
        match kind {
            "class" => {
                let ident = str_at(sys, "/identifier").unwrap_or(&name).to_string();
                let levels = uint_at(sys, "/levels")?.unwrap_or(1);
                let levels = u8::try_from(levels.min(255)).unwrap_or(255);
                let spent = uint_at(sys, "/hitDiceUsed")?
                    .or(uint_at(sys, "/hd/spent")?)
                    .unwrap_or(0);
                let is_original = str_at(item, "/_id") == Some(original);
                classes.push((
                    name.clone(),
                    ident,
                    levels,
                    u8::try_from(spent.min(20)).unwrap_or(20),
                    is_original,
                ));
            }
            "subclass" => subclasses.push((
                str_at(sys, "/classIdentifier").unwrap_or("").to_string(),
                name,
            )),
            "race" => d.race = Some(name),
            "background" => d.background = Some(name),
            "feat" => {
                let feat_type = str_at(sys, "/type/value").unwrap_or("");
                if feat_type == "feat" {
                    d.feats.push(name);
                } else {
                    features += 1;
                    d.features.push(name);
                }
            }
            "weapon" => d.weapons.push(weapon(sys, name)),
            "equipment" => {
                let t = str_at(sys, "/type/value").unwrap_or("");
                let base = str_at(sys, "/type/baseItem").filter(|b| !b.is_empty());
                let equipped = sys
                    .get("equipped")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let ac = sys
                    .pointer("/armor/value")
                    .and_then(Value::as_i64)
                    .and_then(|v| i32::try_from(v).ok());
                match t {
                    "light" | "medium" | "heavy" | "shield" => d.armor.push(DraftArmor {
                        base: base.map(str::to_string),
                        shield: t == "shield",
                        ac,
                        equipped,
                        // `dex: null` is no cap for light armor, the rules' cap otherwise.
                        dex_cap: sys
                            .pointer("/armor/dex")
                            .and_then(Value::as_i64)
                            .and_then(|v| i32::try_from(v).ok())
                            .or(match t {
                                "medium" => Some(2),
                                "heavy" => Some(0),
                                _ => None,
                            }),
                        magic: magic_bonus(sys, &name),
                        name,
                    }),
                    _ => d.items.push((name, quantity(sys))),
                }
            }
            "spell" => {
                let level = uint_at(sys, "/level")?.unwrap_or(0);
                let mode = str_at(sys, "/preparation/mode")
                    .or(str_at(sys, "/method"))
                    .unwrap_or("prepared");
                let prepared = sys
                    .pointer("/preparation/prepared")
                    .or(sys.get("prepared"))
                    .map(|p| p.as_bool().unwrap_or(false) || p.as_u64().is_some_and(|n| n > 0))
                    .unwrap_or(true);
                if level > 0 && (mode == "prepared" || mode == "spell") && !prepared {
                    unprepared.push(name);
                } else {
                    d.spells.push(name);
                }
            }
            "tool" => {
                if sys
                    .get("proficient")
                    .and_then(Value::as_f64)
                    .is_some_and(|p| p >= 1.0)
                {
                    d.tools.push(name.clone());
                }
                d.items.push((name, quantity(sys)));
            }
            "consumable" | "loot" | "container" | "backpack" => {
                d.items.push((name, quantity(sys)));
            }
            _ => {}
        }
    }
    // The class it began with first: it decides saves and the sheet's class.
    classes.sort_by_key(|c| !c.4);
    for (name, ident, levels, spent, _) in classes {
        let sub = subclasses
            .iter()
            .find(|(of, _)| of == &ident || crate::draft::same(of, &name))
            .map(|(_, s)| s.clone());
        d.hit_dice_spent = d.hit_dice_spent.saturating_add(spent);
        let class_name = if rules::content::class(&ident).is_some() {
            ident
        } else {
            name
        };
        d.classes.push((class_name, levels, sub));
    }
    d.unprepared = unprepared;
    if let Some(langs) = system
        .pointer("/traits/languages/value")
        .and_then(Value::as_array)
    {
        d.languages = langs
            .iter()
            .filter_map(Value::as_str)
            .map(|l| language(l).chars().take(30).collect())
            .collect();
    }
    if let Some(custom) = str_at(system, "/traits/languages/custom") {
        d.languages.extend(
            custom
                .split([';', ','])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| l.chars().take(30).collect()),
        );
    }
    // 3.x keeps tool proficiencies under `tools`, 2.x under `traits.toolProf`.
    if let Some(tools) = system.get("tools").and_then(Value::as_object) {
        for (code, t) in tools {
            if t.get("value")
                .and_then(Value::as_f64)
                .is_some_and(|v| v >= 1.0)
            {
                d.tools.push(tool(code));
            }
        }
    }
    if let Some(tools) = system
        .pointer("/traits/toolProf/value")
        .and_then(Value::as_array)
    {
        d.tools
            .extend(tools.iter().filter_map(Value::as_str).map(tool));
    }
    if features > 0 {
        d.notes.push(format!(
            "{features} class and race features listed in the file: the SRD class's and race's own apply"
        ));
    }
    if activities {
        d.notes.push(
            "item activities (dnd5e 4.x) are not read: attacks and spells run from the SRD entries"
                .to_string(),
        );
    }
    d.finish(Format::Foundry(version), name)
}

/// A weapon item.
fn weapon(sys: &Value, name: String) -> DraftWeapon {
    let base = str_at(sys, "/type/baseItem").filter(|b| !b.is_empty());
    let kind = str_at(sys, "/type/value").unwrap_or("");
    let action = str_at(sys, "/actionType").unwrap_or("");
    let ranged = kind.ends_with('R') || action == "rwak";
    // 2.x–3.x: "1d8 + @mod"; 4.x: number and denomination.
    let (dice, damage_type) = match sys.pointer("/damage/parts/0") {
        Some(part) => (
            part.get(0).and_then(Value::as_str).and_then(plain_dice),
            part.get(1).and_then(Value::as_str).map(str::to_string),
        ),
        None => (
            base_dice(sys.pointer("/damage/base")),
            sys.pointer("/damage/base/types/0")
                .and_then(Value::as_str)
                .map(str::to_string),
        ),
    };
    let versatile = match sys.pointer("/damage/versatile") {
        Some(Value::String(v)) => plain_dice(v),
        Some(v @ Value::Object(_)) => base_dice(Some(v)),
        _ => None,
    };
    let properties = sys
        .get("properties")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(Value::as_str)
                .filter_map(property)
                .collect()
        })
        .unwrap_or_default();
    let range = match (
        sys.pointer("/range/value").and_then(Value::as_u64),
        sys.pointer("/range/long").and_then(Value::as_u64),
    ) {
        (Some(n), long) if n > 5 => Some([clamp_u32(n), clamp_u32(long.unwrap_or(n))]),
        _ => None,
    };
    DraftWeapon {
        magic: magic_bonus(sys, &name),
        name,
        base: base.map(str::to_string),
        dice,
        versatile,
        damage_type,
        ranged,
        martial: kind.starts_with("martial"),
        properties,
        range,
    }
}

/// "1d8 + @mod" → "1d8": the dice alone (the modifier is the rules').
fn plain_dice(formula: &str) -> Option<String> {
    let first = formula.split(['+', ' ']).find(|p| !p.is_empty())?;
    let (n, die) = first.split_once('d')?;
    let n: u32 = if n.is_empty() { 1 } else { n.parse().ok()? };
    let die: u32 = die.parse().ok()?;
    (n > 0 && n <= 20 && die > 0 && die <= 100).then(|| format!("{n}d{die}"))
}

/// 4.x damage: `{number, denomination}`.
fn base_dice(base: Option<&Value>) -> Option<String> {
    let base = base?;
    let n = base.get("number").and_then(Value::as_u64)?;
    let die = base.get("denomination").and_then(Value::as_u64)?;
    (n > 0 && n <= 20 && die > 0 && die <= 100).then(|| format!("{n}d{die}"))
}

/// A weapon's or armor's magic bonus: `magicalBonus` (3.x and later), else
/// a "+1" in its name.
fn magic_bonus(sys: &Value, name: &str) -> i32 {
    sys.get("magicalBonus")
        .or_else(|| sys.pointer("/armor/magicalBonus"))
        .and_then(Value::as_i64)
        .and_then(|v| i32::try_from(v.clamp(0, 3)).ok())
        .filter(|v| *v > 0)
        .unwrap_or_else(|| crate::draft::bonus_in_name(name))
}

/// A Foundry language code as the SRD names it ("deep" → "Deep Speech");
/// others as written.
fn language(code: &str) -> &str {
    match code {
        "deep" => "Deep Speech",
        other => other,
    }
}

/// A Foundry tool code as the SRD names it ("thief" → "Thieves' Tools");
/// others as written.
fn tool(code: &str) -> String {
    match code {
        "thief" => "Thieves' Tools",
        "herb" => "Herbalism Kit",
        "disg" => "Disguise Kit",
        "forg" => "Forgery Kit",
        "pois" => "Poisoner's Kit",
        "navg" => "Navigator's Tools",
        "smith" => "Smith's Tools",
        "calligrapher" => "Calligrapher's Supplies",
        "tinker" => "Tinker's Tools",
        "lute" => "Lute",
        "flute" => "Flute",
        "dice" => "Dice Set",
        other => other,
    }
    .chars()
    .take(40)
    .collect()
}

/// A Foundry weapon property code.
fn property(code: &str) -> Option<WeaponProperty> {
    Some(match code {
        "amm" => WeaponProperty::Ammunition,
        "fin" => WeaponProperty::Finesse,
        "hvy" => WeaponProperty::Heavy,
        "lgt" => WeaponProperty::Light,
        "lod" => WeaponProperty::Loading,
        "rch" => WeaponProperty::Reach,
        "thr" => WeaponProperty::Thrown,
        "two" => WeaponProperty::TwoHanded,
        "ver" => WeaponProperty::Versatile,
        _ => return None,
    })
}

/// A Foundry skill code.
fn skill(code: &str) -> Option<Skill> {
    use Skill::*;
    Some(match code {
        "acr" => Acrobatics,
        "ani" => AnimalHandling,
        "arc" => Arcana,
        "ath" => Athletics,
        "dec" => Deception,
        "his" => History,
        "ins" => Insight,
        "itm" => Intimidation,
        "inv" => Investigation,
        "med" => Medicine,
        "nat" => Nature,
        "prc" => Perception,
        "prf" => Performance,
        "per" => Persuasion,
        "rel" => Religion,
        "slt" => SleightOfHand,
        "ste" => Stealth,
        "sur" => Survival,
        _ => return None,
    })
}

fn quantity(sys: &Value) -> u32 {
    sys.get("quantity")
        .and_then(Value::as_u64)
        .map_or(1, clamp_u32)
}

fn clamp_u32(n: u64) -> u32 {
    u32::try_from(n.min(1_000_000)).unwrap_or(1_000_000)
}

/// Foundry's 16-character document ids, which 3.x puts where 2.x had text.
fn looks_like_id(s: &str) -> bool {
    s.len() == 16
        && s.chars().all(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .any(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// A whole number ≥ 0 at `pointer`: absent or null is `None`, a number
/// written as text is read, anything else is an error naming the field.
fn uint_at(v: &Value, pointer: &str) -> Result<Option<u64>, ImportError> {
    let field = || format!("system{}", pointer.replace('/', "."));
    match v.pointer(pointer) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(u), _) => Ok(Some(u)),
            (None, Some(f)) if f >= 0.0 && f.fract() == 0.0 && f < 1e9 => Ok(Some(f as u64)),
            _ => Err(ImportError::field(
                field(),
                format!("{n} is not a whole number ≥ 0"),
            )),
        },
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| {
            ImportError::field(
                field(),
                format!(
                    "`{}` is not a number",
                    s.chars().take(20).collect::<String>()
                ),
            )
        }),
        Some(other) => Err(ImportError::field(
            field(),
            format!("expected a number, found {}", kind_of(other)),
        )),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dice_formulas_lose_their_modifiers() {
        assert_eq!(plain_dice("1d8 + @mod").as_deref(), Some("1d8"));
        assert_eq!(plain_dice("2d6+@mod").as_deref(), Some("2d6"));
        assert_eq!(plain_dice("d4").as_deref(), Some("1d4"));
        assert_eq!(plain_dice("@mod"), None);
        assert_eq!(plain_dice("999d6"), None);
    }

    #[test]
    fn ids_are_told_from_race_names() {
        assert!(looks_like_id("syaK4jD01I8U6EAL"));
        assert!(!looks_like_id("Dragonborn"));
        assert!(!looks_like_id("Hill Dwarf"));
    }
}
