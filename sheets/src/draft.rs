//! What a file says about a character, before the rules judge it: each
//! reader fills a [`Draft`], and [`Draft::finish`] maps it onto a sheet,
//! noting line by line what the rules don't know.

use std::collections::BTreeMap;

use dm::character::Character;
use dm::character::{ClassLevels, HomebrewArmor, HomebrewWeapon, slug, valid_name};
use rules::content::{self, Class, GearKind, Race, Subrace, WeaponProperty};
use rules::dice;
use rules::mechanics::{
    Ability, Conditions, DamageType, Health, Skill, SpellLevel, SpellSlots, ZeroHp,
};

use crate::{Format, ImportError, Imported};

/// A character as a file describes it, in the file's own words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    /// The character's name.
    pub name: String,
    /// Classes with their levels and subclass, the first being the one the
    /// character started with.
    pub classes: Vec<(String, u8, Option<String>)>,
    /// The race (or subrace) name.
    pub race: Option<String>,
    /// A subrace named apart from the race.
    pub subrace: Option<String>,
    /// The background's name.
    pub background: Option<String>,
    /// Ability scores in Str..Cha order, everything included (or, with
    /// `before_race`, everything but the race's bonuses).
    pub scores: [u8; 6],
    /// The scores leave out the race's bonuses, which the sheet adds.
    pub before_race: bool,
    /// Maximum hit points, when the file states them.
    pub hp_max: Option<u32>,
    /// Current hit points, when the file states them.
    pub hp_current: Option<u32>,
    /// Temporary hit points.
    pub hp_temp: u32,
    /// Hit dice already spent.
    pub hit_dice_spent: u8,
    /// Walking speed, when stated.
    pub speed: Option<u32>,
    /// Experience points.
    pub xp: u32,
    /// Coins: platinum, gold, electrum, silver, copper.
    pub coins: [u32; 5],
    /// Skills with proficiency.
    pub skills: Vec<Skill>,
    /// Skills with expertise (double proficiency).
    pub expertise: Vec<Skill>,
    /// Saving throws with proficiency.
    pub saves: Vec<Ability>,
    /// Weapons carried.
    pub weapons: Vec<DraftWeapon>,
    /// Armor and shields carried.
    pub armor: Vec<DraftArmor>,
    /// Spells known or prepared (cantrips included), by name.
    pub spells: Vec<String>,
    /// Spell slots left per level (1st..9th), when the file states them.
    pub slots_left: Option<[u8; 9]>,
    /// Other things carried, with their counts.
    pub items: Vec<(String, u32)>,
    /// Feats by name.
    pub feats: Vec<String>,
    /// Spells in a book but not prepared today, by name.
    pub unprepared: Vec<String>,
    /// Languages by name.
    pub languages: Vec<String>,
    /// Tool proficiencies by name.
    pub tools: Vec<String>,
    /// Class and race features by name (read for the draconic ancestry).
    pub features: Vec<String>,
    /// What the reader itself noticed.
    pub notes: Vec<String>,
}

/// A weapon as a file describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftWeapon {
    /// Its name ("Longsword", "Moonblade").
    pub name: String,
    /// The SRD weapon it is a kind of, if the file says ("longsword").
    pub base: Option<String>,
    /// Damage dice with one hand, without modifiers ("1d8").
    pub dice: Option<String>,
    /// Damage dice with both hands.
    pub versatile: Option<String>,
    /// The damage type's name as written.
    pub damage_type: Option<String>,
    /// A ranged weapon.
    pub ranged: bool,
    /// A martial weapon.
    pub martial: bool,
    /// Its properties.
    pub properties: Vec<WeaponProperty>,
    /// Normal and long range.
    pub range: Option<[u32; 2]>,
    /// Its magic bonus to attack and damage rolls (a +1 longsword: 1).
    pub magic: i32,
}

/// Armor or a shield as a file describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftArmor {
    /// Its name ("Scale Mail").
    pub name: String,
    /// The SRD armor it is a kind of, if the file says.
    pub base: Option<String>,
    /// A shield rather than body armor.
    pub shield: bool,
    /// The armor class it states.
    pub ac: Option<i32>,
    /// Worn (equipped) rather than carried.
    pub equipped: bool,
    /// The most of the Dexterity modifier it adds, when stated (`None`
    /// with light armor: all of it).
    pub dex_cap: Option<i32>,
    /// Its magic bonus to AC (+1 chain mail: 1).
    pub magic: i32,
}

/// The magic bonus a name states: "Longsword +1", "+2 Chain Mail" → 1, 2;
/// 0 when it names none.
pub fn bonus_in_name(name: &str) -> i32 {
    name.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter_map(|w| w.strip_prefix('+'))
        .filter_map(|n| n.parse::<i32>().ok())
        .find(|n| (1..=3).contains(n))
        .unwrap_or(0)
}

/// A name without its "+1": "Longsword +1" → "Longsword".
fn without_bonus(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| !(w.starts_with('+') && w[1..].parse::<i32>().is_ok()))
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(',')
        .trim()
        .to_string()
}

/// The colour a draconic ancestry's name holds ("Draconic Ancestry (Red)",
/// "Draconic Ancestry: Gold", "Red Dragon Ancestry").
fn ancestry_colour(name: &str) -> Option<&'static str> {
    const COLOURS: &[&str] = &[
        "black", "blue", "brass", "bronze", "copper", "gold", "green", "red", "silver", "white",
    ];
    let lower = name.to_lowercase();
    if !lower.contains("ancestry") || !(lower.contains("draconic") || lower.contains("dragon")) {
        return None;
    }
    lower
        .split(|c: char| !c.is_alphabetic())
        .find_map(|w| COLOURS.iter().find(|c| **c == w).copied())
}

/// Most entries of one kind (items, spells…) a sheet takes from a file.
const MAX_LIST: usize = 200;

impl Draft {
    /// Maps the draft onto a sheet; `name` replaces the file's name.
    pub fn finish(mut self, format: Format, name: Option<&str>) -> Result<Imported, ImportError> {
        let mut notes = std::mem::take(&mut self.notes);
        let name = handle_name(name.unwrap_or(&self.name), name.is_some(), &mut notes)?;
        let (class, level, classes) = self.class(&mut notes)?;
        let (race_id, race, subrace) = self.race(&mut notes);
        let background = self
            .background
            .as_ref()
            .map(|b| match dm::builder::background(b) {
                Some(srd) => srd.id.to_string(),
                None => {
                    notes.push(format!("background {b}: not in the SRD, kept by name"));
                    b.clone()
                }
            });
        let ancestry = self.ancestry(race, &mut notes);
        let mut feats = Vec::new();
        for feat in self
            .feats
            .iter()
            .filter(|f| ancestry_colour(f).is_none())
            .take(MAX_LIST)
        {
            match dm::builder::feat(feat) {
                Some(srd) => feats.push(srd.id.to_string()),
                None => {
                    notes.push(format!("feat {feat}: not in the SRD, kept as a note"));
                    feats.push(feat.clone());
                }
            }
        }
        let mut scores = self.scores;
        if self.before_race {
            racial_bonuses(&mut scores, race, subrace, &mut notes);
        }
        for (i, s) in scores.iter().enumerate() {
            if !(1..=30).contains(s) {
                return Err(ImportError::field(
                    Ability::ALL[i].name(),
                    format!("score {s} is outside 1 to 30"),
                ));
            }
        }
        let health = self.health(class, level, race, subrace, scores, &mut notes);
        let speed = self.speed.or(race.map(|r| r.speed)).unwrap_or(30);
        let mut skills = Vec::new();
        for s in &self.skills {
            if !skills.contains(s) {
                skills.push(*s);
            }
        }
        let mut expertise = Vec::new();
        for s in &self.expertise {
            if !skills.contains(s) {
                skills.push(*s);
            }
            if !expertise.contains(s) {
                expertise.push(*s);
            }
        }
        let languages = known_names(
            &self.languages,
            dm::builder::LANGUAGES,
            "language",
            &mut notes,
        );
        let tools = known_names(&self.tools, dm::builder::TOOLS, "tool", &mut notes);
        for a in &self.saves {
            if !class.saving_throws.contains(a) {
                notes.push(format!(
                    "{} saving throw proficiency: not the {}'s, left off (saves follow the class)",
                    a.name(),
                    class.name.to_lowercase()
                ));
            }
        }
        let mut magic_bonus = BTreeMap::new();
        let (armor, shield, homebrew_armor) = self.armor(&mut magic_bonus, &mut notes);
        let (weapons, homebrew_weapons, mut items) = self.weapons(&mut magic_bonus, &mut notes);
        let spells = self.spells(&mut notes);
        let wizard = classes.iter().any(|c| c.class == "wizard");
        let spellbook: Vec<String> = if wizard {
            self.spells
                .iter()
                .chain(&self.unprepared)
                .filter_map(|n| content::spell(n))
                .filter(|s| !s.is_cantrip())
                .map(|s| s.id.clone())
                .fold(Vec::new(), |mut book, id| {
                    if !book.contains(&id) {
                        book.push(id);
                    }
                    book
                })
        } else {
            Vec::new()
        };
        if !self.unprepared.is_empty() {
            notes.push(format!(
                "{} spells not prepared{}: {}",
                self.unprepared.len(),
                if wizard {
                    ", kept in the spellbook"
                } else {
                    ", left off"
                },
                self.unprepared.join(", ")
            ));
        }
        let slots = self.slots(class, level, &classes, &mut notes);
        let mut ammo = BTreeMap::new();
        // Names already looked up outside the gear: each is said once.
        let mut seen: Vec<&str> = Vec::new();
        for (item, count) in self.items.iter().take(MAX_LIST) {
            match content::gear(item) {
                Some(g) => {
                    if g.kind == GearKind::Ammunition {
                        ammo.insert(g.id.clone(), *count);
                    }
                    if !items.contains(&g.id) {
                        items.push(g.id.clone());
                    }
                }
                None if seen.contains(&item.as_str()) => {}
                None => {
                    seen.push(item);
                    let id = match content::item(item) {
                        Some(srd) if srd.magic => {
                            notes.push(format!(
                                "magic item {item}: carried, its magic is not applied by the rules"
                            ));
                            srd.id.clone()
                        }
                        Some(srd) => srd.id.clone(),
                        None => {
                            notes.push(format!("item {item}: not in the SRD, kept by name"));
                            item.clone()
                        }
                    };
                    if !items.contains(&id) {
                        items.push(id);
                    }
                }
            }
        }
        if self.items.len() > MAX_LIST {
            notes.push(format!(
                "{} more items left off (a sheet keeps {MAX_LIST})",
                self.items.len() - MAX_LIST
            ));
        }
        let [pp, gp, ep, sp, cp] = self.coins;
        let copper = u64::from(pp) * 1000
            + u64::from(gp) * 100
            + u64::from(ep) * 50
            + u64::from(sp) * 10
            + u64::from(cp);
        let gold = u32::try_from(copper / 100).unwrap_or(u32::MAX);
        if copper % 100 != 0 || pp + ep + sp + cp > 0 {
            notes.push(format!(
                "coins ({pp} pp, {gp} gp, {ep} ep, {sp} sp, {cp} cp): counted as {gold} gp"
            ));
        }
        let character = Character {
            handle: name.to_lowercase(),
            name,
            class: class.id.clone(),
            level,
            race: race_id,
            subrace: subrace.map(|s| s.id.clone()),
            scores,
            health,
            armor,
            shield,
            weapons,
            spells,
            slots,
            skills,
            conditions: Conditions::new(),
            speed,
            xp: self.xp,
            gold,
            items,
            hit_dice_left: level.saturating_sub(self.hit_dice_spent),
            reactions_off: Vec::new(),
            spent: BTreeMap::new(),
            ammo,
            classes,
            background,
            feats,
            languages,
            tools,
            proficiencies: Vec::new(),
            spellbook,
            ancestry,
            base_scores: self
                .before_race
                .then(|| (self.scores, "import".to_string())),
            pending: Vec::new(),
            locked: false,
            history: Vec::new(),
            notes: notes.clone(),
            homebrew_weapons,
            expertise,
            homebrew_armor,
            magic_bonus,
        };
        Ok(Imported {
            character,
            format,
            notes,
        })
    }

    /// The classes the sheet holds (the first it began with), and the
    /// character's level.
    fn class(
        &self,
        notes: &mut Vec<String>,
    ) -> Result<(&'static Class, u8, Vec<ClassLevels>), ImportError> {
        let mut found: Vec<ClassLevels> = Vec::new();
        for (name, level, subclass) in &self.classes {
            let Some(c) = content::class(name) else {
                notes.push(format!("class {name} {level}: not an SRD class, left off"));
                continue;
            };
            if *level == 0 || *level > 20 {
                return Err(ImportError::Character(format!(
                    "{} level {level} is outside 1 to 20",
                    c.name
                )));
            }
            if found.iter().any(|f| f.class == c.id) {
                notes.push(format!("class {name} listed twice: the first kept"));
                continue;
            }
            let sub = subclass.as_ref().and_then(|sub| {
                // "Life Domain", "Oath of Devotion", "The Fiend": the SRD's
                // "Life", "Devotion", "Fiend" named inside.
                let srd = c.subclasses.iter().find(|s| {
                    same(&s.id, sub)
                        || sub
                            .to_lowercase()
                            .split(|ch: char| !ch.is_alphanumeric())
                            .collect::<Vec<_>>()
                            .windows(s.name.split(' ').count())
                            .any(|w| same(&w.join(" "), &s.name))
                });
                if srd.is_none() {
                    notes.push(format!("subclass {sub}: not in the SRD, kept as a note"));
                }
                srd.map(|s| s.id.clone())
            });
            found.push(ClassLevels {
                class: c.id.clone(),
                level: *level,
                subclass: sub,
                hit_dice: Vec::new(),
            });
        }
        let Some(first) = found.first() else {
            let named: Vec<&str> = self.classes.iter().map(|(n, _, _)| n.as_str()).collect();
            return Err(ImportError::Character(if named.is_empty() {
                "the file names no class".to_string()
            } else {
                format!(
                    "no SRD class in the file ({}): the rules need one of barbarian, bard, cleric, druid, fighter, monk, paladin, ranger, rogue, sorcerer, warlock, wizard",
                    named.join(", ")
                )
            }));
        };
        let class = content::class(&first.class)
            .ok_or_else(|| ImportError::Character("no class".into()))?;
        let mut total = 0u32;
        let mut kept = Vec::new();
        for f in found {
            if total + u32::from(f.level) > 20 {
                notes.push(format!(
                    "{} {}: over level 20 in all, left off",
                    f.class, f.level
                ));
                continue;
            }
            total += u32::from(f.level);
            kept.push(f);
        }
        let level = u8::try_from(total.clamp(1, 20)).unwrap_or(20);
        Ok((class, level, kept))
    }

    /// The race id stored, and the SRD race and subrace if there is one.
    fn race(
        &self,
        notes: &mut Vec<String>,
    ) -> (String, Option<&'static Race>, Option<&'static Subrace>) {
        let Some(name) = self.race.as_deref().filter(|r| !r.trim().is_empty()) else {
            notes.push("no race in the file: human".to_string());
            return ("human".to_string(), content::race("human"), None);
        };
        let sub_named = self.subrace.as_deref();
        if let Some(race) = content::race(name) {
            let sub = sub_named.and_then(|s| race.subrace(s));
            if let Some(s) = sub_named.filter(|_| sub.is_none()) {
                notes.push(format!("subrace {s}: not in the SRD, left off"));
            }
            return (race.id.clone(), Some(race), sub);
        }
        for race in content::races() {
            if let Some(sub) = race.subrace(name) {
                return (race.id.clone(), Some(race), Some(sub));
            }
        }
        // "Variant Human", "Elf (High)": the SRD race named inside.
        for race in content::races() {
            if name
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .any(|w| same(w, &race.name) || same(w, &race.id))
            {
                let sub = race
                    .subraces
                    .iter()
                    .find(|s| name.to_lowercase().contains(&s.name.to_lowercase()));
                notes.push(format!(
                    "race {name}: played as the SRD {}{}",
                    sub.map_or(String::new(), |s| format!("{} ", s.name.to_lowercase())),
                    race.name.to_lowercase()
                ));
                return (race.id.clone(), Some(race), sub);
            }
        }
        notes.push(format!(
            "race {name}: not in the SRD, no racial traits applied (the file's scores and speed stand)"
        ));
        (slug(name), None, None)
    }

    fn health(
        &self,
        class: &Class,
        level: u8,
        race: Option<&Race>,
        subrace: Option<&Subrace>,
        scores: [u8; 6],
        notes: &mut Vec<String>,
    ) -> Health {
        let max = match self.hp_max.filter(|m| *m > 0) {
            Some(m) => m.min(9999),
            None => {
                let con = dm::character::modifier(scores[2]);
                let die = i64::from(class.hit_die);
                let per = |roll: i64| (roll + i64::from(con)).max(1);
                let racial =
                    race.map_or(0, |r| r.hp_per_level) + subrace.map_or(0, |s| s.hp_per_level);
                let max = per(die)
                    + i64::from(level - 1) * per(die / 2 + 1)
                    + i64::from(level) * i64::from(racial);
                let max = u32::try_from(max).unwrap_or(1);
                notes.push(format!(
                    "maximum hit points not stated: {max} (the class's average per level)"
                ));
                max
            }
        };
        let mut health = Health::new(max, ZeroHp::DeathSaves);
        if let Some(current) = self.hp_current {
            let lost = max.saturating_sub(current.min(max));
            if lost > 0 {
                health.take_damage(lost, false);
            }
        }
        if self.hp_temp > 0 {
            health.grant_temp(self.hp_temp.min(999));
        }
        health
    }

    /// The draconic ancestry a dragonborn's file names, by colour.
    fn ancestry(&self, race: Option<&Race>, notes: &mut Vec<String>) -> Option<String> {
        let named = self
            .features
            .iter()
            .chain(&self.feats)
            .find_map(|f| ancestry_colour(f));
        let dragonborn = race.is_some_and(|r| !r.ancestries.is_empty());
        match (named, dragonborn) {
            (Some(colour), true) => Some(colour.to_string()),
            (Some(colour), false) => {
                notes.push(format!(
                    "draconic ancestry ({colour}): the race is no dragonborn, left off"
                ));
                None
            }
            (None, true) => {
                notes.push(
                    "draconic ancestry: not in the file, none set (`char set ancestry red`; the breath weapon needs it)"
                        .to_string(),
                );
                None
            }
            (None, false) => None,
        }
    }

    /// The body armor worn (an SRD id, or a homebrew one's), whether a
    /// shield is, and the homebrew armor; magic bonuses go into `magic`.
    fn armor(
        &self,
        magic: &mut BTreeMap<String, i32>,
        notes: &mut Vec<String>,
    ) -> (Option<String>, bool, Option<HomebrewArmor>) {
        let (mut worn, mut shield, mut homebrew) = (None, false, None);
        for a in &self.armor {
            if a.shield {
                if a.equipped {
                    shield = true;
                    if a.magic > 0 {
                        magic.insert("shield".to_string(), a.magic);
                    }
                    if let Some(ac) = a.ac.filter(|ac| *ac != 2 && *ac != 2 + a.magic) {
                        notes.push(format!(
                            "shield {}: +2 AC as the SRD's (the file says +{ac})",
                            a.name
                        ));
                    }
                }
                continue;
            }
            let plain = without_bonus(&a.name);
            let srd = a
                .base
                .as_deref()
                .and_then(content::armor)
                .or_else(|| content::armor(&a.name))
                .or_else(|| content::armor(&plain));
            match (srd, a.equipped) {
                (Some(srd), true) if worn.is_none() && homebrew.is_none() => {
                    if !same(&srd.name, &plain) {
                        notes.push(format!(
                            "armor {}: worn as {} (its magic is not counted{})",
                            a.name,
                            srd.name.to_lowercase(),
                            if a.magic > 0 { " beyond its +AC" } else { "" }
                        ));
                    }
                    if a.magic > 0 {
                        magic.insert(srd.id.clone(), a.magic);
                    }
                    worn = Some(srd.id.clone());
                }
                (Some(_), _) => {}
                (None, true) if worn.is_none() && homebrew.is_none() && a.ac.is_some() => {
                    let ac = a.ac.unwrap_or(10).clamp(0, 30);
                    let id = match slug(&a.name) {
                        s if s.is_empty() || content::armor(&s).is_some() => {
                            "homebrew-armor".to_string()
                        }
                        s => s,
                    };
                    notes.push(format!(
                        "armor {} (AC {ac}): not in the SRD, worn as homebrew (AC {ac} + Dex{})",
                        a.name,
                        a.dex_cap
                            .map_or(String::new(), |c| format!(", at most +{c}"))
                    ));
                    worn = Some(id.clone());
                    homebrew = Some(HomebrewArmor {
                        id,
                        name: a.name.clone(),
                        ac,
                        dex_cap: a.dex_cap,
                    });
                }
                (None, equipped) => notes.push(format!(
                    "armor {}{}: not in the SRD, {}",
                    a.name,
                    a.ac.map_or(String::new(), |ac| format!(" (AC {ac})")),
                    if equipped {
                        "not counted in AC"
                    } else {
                        "left off"
                    }
                )),
            }
        }
        (worn, shield, homebrew)
    }

    /// SRD weapon ids, homebrew weapons and the items that stay names.
    fn weapons(
        &self,
        magic: &mut BTreeMap<String, i32>,
        notes: &mut Vec<String>,
    ) -> (Vec<String>, Vec<HomebrewWeapon>, Vec<String>) {
        let (mut ids, mut homebrew, mut items) =
            (Vec::new(), Vec::<HomebrewWeapon>::new(), Vec::new());
        for w in self.weapons.iter().take(MAX_LIST) {
            let plain = without_bonus(&w.name);
            let srd = w
                .base
                .as_deref()
                .and_then(content::weapon)
                .or_else(|| content::weapon(&w.name))
                .or_else(|| content::weapon(&plain));
            if let Some(srd) = srd {
                if !same(&srd.name, &plain) && !srd.aliases.iter().any(|a| same(a, &plain)) {
                    notes.push(format!(
                        "weapon {}: played as a {} (its magic is not counted{})",
                        w.name,
                        srd.name.to_lowercase(),
                        if w.magic > 0 {
                            " beyond its +bonus"
                        } else {
                            ""
                        }
                    ));
                }
                if w.magic > 0 {
                    let best = magic.entry(srd.id.clone()).or_insert(0);
                    *best = (*best).max(w.magic);
                }
                if !ids.contains(&srd.id) {
                    ids.push(srd.id.clone());
                }
                continue;
            }
            let dice_ok = |d: &str| dice::parse(d).is_ok() && d.len() <= 24;
            let damage_type = w
                .damage_type
                .as_deref()
                .and_then(|t| t.parse::<DamageType>().ok());
            match (w.dice.as_deref().filter(|d| dice_ok(d)), damage_type) {
                (Some(d), Some(t)) => {
                    let mut id = slug(&w.name);
                    if id.is_empty() || content::weapon(&id).is_some() {
                        id = format!("homebrew-{}", homebrew.len() + 1);
                    }
                    if homebrew.iter().any(|h| h.id == id) {
                        continue;
                    }
                    notes.push(format!(
                        "weapon {}: not in the SRD, kept as homebrew ({d} {})",
                        w.name,
                        t.name()
                    ));
                    let mut properties = w.properties.clone();
                    properties.sort();
                    properties.dedup();
                    homebrew.push(HomebrewWeapon {
                        id: id.clone(),
                        name: w.name.clone(),
                        dice: d.to_string(),
                        damage_type: t,
                        versatile: w.versatile.clone().filter(|v| dice_ok(v)),
                        ranged: w.ranged,
                        martial: w.martial,
                        properties,
                        range: w.range,
                    });
                    ids.push(id);
                }
                _ => {
                    notes.push(format!(
                        "weapon {}: not in the SRD and no damage stated, kept as an item",
                        w.name
                    ));
                    items.push(w.name.clone());
                }
            }
        }
        (ids, homebrew, items)
    }

    /// SRD spell ids; the rest noted.
    fn spells(&self, notes: &mut Vec<String>) -> Vec<String> {
        let mut ids = Vec::new();
        let mut unknown = Vec::new();
        for name in self.spells.iter().take(MAX_LIST) {
            match content::spell(name) {
                Some(s) if !ids.contains(&s.id) => ids.push(s.id.clone()),
                Some(_) => {}
                None => unknown.push(name.as_str()),
            }
        }
        for name in unknown {
            notes.push(format!("spell {name}: not in the SRD, kept as a note"));
        }
        ids
    }

    /// The class's slots at the level, with those the file says are spent.
    fn slots(
        &self,
        class: &Class,
        level: u8,
        classes: &[ClassLevels],
        notes: &mut Vec<String>,
    ) -> SpellSlots {
        let mut slots = if classes.len() > 1 {
            dm::builder::combined_slots(classes)
        } else {
            match class.spell_slots(level) {
                Some(s) => s,
                None => return SpellSlots::none(),
            }
        };
        if let Some(left) = self.slots_left {
            for (i, l) in left.iter().enumerate() {
                let Some(lvl) = SpellLevel::new(u8::try_from(i + 1).unwrap_or(9)) else {
                    continue;
                };
                let max = slots.max(lvl);
                if *l > max {
                    notes.push(format!(
                        "{} level-{} slots in the file: the class table gives {max}",
                        l,
                        i + 1
                    ));
                }
                for _ in 0..max.saturating_sub(*l) {
                    let _ = slots.spend(lvl);
                }
            }
        }
        slots
    }
}

/// Names as the SRD lists them (any case) where it does; the others kept
/// as written, each with a note. Each once.
fn known_names(
    names: &[String],
    known: &[&str],
    what: &str,
    notes: &mut Vec<String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names.iter().take(MAX_LIST) {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let kept = match known.iter().find(|k| same(k, name)) {
            Some(k) => (*k).to_string(),
            None => {
                notes.push(format!("{what} {name}: not in the SRD list, kept by name"));
                name.to_string()
            }
        };
        if !out.contains(&kept) {
            out.push(kept);
        }
    }
    out
}

/// Adds an SRD race's and subrace's fixed bonuses to base scores.
fn racial_bonuses(
    scores: &mut [u8; 6],
    race: Option<&Race>,
    subrace: Option<&Subrace>,
    notes: &mut Vec<String>,
) {
    let Some(race) = race else { return };
    let bonuses = race
        .ability_bonuses
        .iter()
        .chain(subrace.into_iter().flat_map(|s| s.ability_bonuses.iter()));
    let mut said = Vec::new();
    for (ability, bonus) in bonuses {
        let i = dm::character::index(*ability);
        scores[i] = (i32::from(scores[i]) + bonus).clamp(1, 30) as u8;
        said.push(format!("{bonus:+} {}", ability.abbreviation()));
    }
    if !said.is_empty() {
        notes.push(format!(
            "racial bonuses added to the file's scores: {}",
            said.join(", ")
        ));
    }
    if let Some(choice) = &race.ability_bonus_choice {
        notes.push(format!(
            "the race's free +{} to {} abilities: not in the file, set them with the DM",
            choice.bonus, choice.choose
        ));
    }
}

/// Names alike, ignoring case, spaces and punctuation.
pub(crate) fn same(a: &str, b: &str) -> bool {
    let key = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    key(a) == key(b)
}

/// A name usable as a handle: as given when valid, else (for a file's
/// name) its first word.
fn handle_name(name: &str, given: bool, notes: &mut Vec<String>) -> Result<String, ImportError> {
    let name = name.trim();
    if valid_name(name) {
        return Ok(name.to_string());
    }
    let first: String = name
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .find(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .unwrap_or_default()
        .chars()
        .take(24)
        .collect();
    if given || !valid_name(&first) {
        return Err(ImportError::Character(format!(
            "name `{}`: use 1 to 24 letters, digits, `-` or `'`, starting with a letter (import with a name)",
            name.chars().take(40).collect::<String>()
        )));
    }
    notes.push(format!(
        "name {name}: played as {first} (a handle is one word)"
    ));
    Ok(first)
}
