//! Character sheets and quick creation (`char new Aria wizard 3 elf`).
//!
//! A sheet holds what play changes (hit points, slots, conditions, XP, coin
//! and items) next to what creation fixed (class, level, race, scores). The
//! figures the rules need (AC, attack bonuses, save bonuses, the spell DC)
//! are derived from it on demand, so an edited score changes them at once.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use rules::content::{self, Class, Found, GearKind, Race, Subrace, Weapon, WeaponProperty};
use rules::mechanics::{
    Ability, AbilityScores, CasterKind, Condition, Conditions, DamageType, Health, Level, Skill,
    SpellLevel, SpellSlots, ZeroHp,
};

use crate::command::{NewCharacter, Scores};

/// A player character's sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Character {
    /// Its name as given ("Aria").
    pub name: String,
    /// Its handle at the table: the name in lowercase ("aria").
    pub handle: String,
    /// The class id ("wizard").
    pub class: String,
    /// The level, 1–20.
    pub level: u8,
    /// The race id ("elf").
    pub race: String,
    /// The subrace id, if any ("high-elf").
    pub subrace: Option<String>,
    /// Ability scores, racial bonuses included.
    pub scores: [u8; 6],
    /// Hit points, temporary hit points, life state.
    pub health: Health,
    /// Armor worn (an armor id), if any.
    pub armor: Option<String>,
    /// Whether it carries a shield.
    pub shield: bool,
    /// Weapons it carries (weapon ids), the first being its default attack.
    pub weapons: Vec<String>,
    /// Spells it knows or has prepared (spell ids), cantrips included.
    pub spells: Vec<String>,
    /// Its spell slots.
    pub slots: SpellSlots,
    /// Skill proficiencies.
    pub skills: Vec<Skill>,
    /// Conditions set on the sheet (by the DM or by effects that outlast a fight).
    pub conditions: Conditions,
    /// Walking speed in feet.
    pub speed: u32,
    /// Experience points.
    pub xp: u32,
    /// Gold pieces.
    pub gold: u32,
    /// Items carried, by name.
    pub items: Vec<String>,
    /// Hit dice left to spend on short rests.
    pub hit_dice_left: u8,
    /// Automatic reactions its player turned off (`react shield off`).
    #[serde(default)]
    pub reactions_off: Vec<String>,
    /// Uses of limited class features spent since they were last restored
    /// ("rage", "second-wind", "action-surge"), by feature.
    #[serde(default)]
    pub spent: BTreeMap<String, u32>,
    /// Pieces of ammunition carried, by gear id ("crossbow-bolt": 19). An
    /// ammunition item with no count here (a sheet saved before counting)
    /// is one full bundle.
    #[serde(default)]
    pub ammo: BTreeMap<String, u32>,
    /// Weapons outside the SRD that it carries (an imported homebrew
    /// blade), with the figures their file stated. Each is also listed in
    /// `weapons` by its id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub homebrew_weapons: Vec<HomebrewWeapon>,
}

/// A weapon the SRD doesn't have, as a character file stated it: enough
/// for the attack code to roll it like any other weapon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomebrewWeapon {
    /// Its id in `Character::weapons`: the name in lowercase with hyphens.
    pub id: String,
    /// Its name as the file gave it ("Moonblade").
    pub name: String,
    /// Damage dice with one hand ("1d8").
    pub dice: String,
    /// The damage type.
    pub damage_type: DamageType,
    /// Damage dice with both hands, for a versatile weapon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versatile: Option<String>,
    /// A ranged weapon rather than a melee one.
    #[serde(default)]
    pub ranged: bool,
    /// A martial weapon rather than a simple one.
    #[serde(default)]
    pub martial: bool,
    /// Its properties (finesse, light, reach…), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<WeaponProperty>,
    /// Normal and long range in feet, for a ranged or thrown weapon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[u32; 2]>,
}

impl HomebrewWeapon {
    /// The weapon as the rules engine takes it. Ammunition is not counted
    /// for it (the file names no SRD ammunition), so it never runs out.
    pub fn weapon(&self) -> Weapon {
        use rules::content::{WeaponCategory, WeaponDamage, WeaponKind};
        let ranged = self.ranged;
        Weapon {
            id: self.id.clone(),
            name: self.name.clone(),
            aliases: Vec::new(),
            ammunition: None,
            category: if self.martial {
                WeaponCategory::Martial
            } else {
                WeaponCategory::Simple
            },
            kind: if ranged {
                WeaponKind::Ranged
            } else {
                WeaponKind::Melee
            },
            damage: Some(WeaponDamage {
                dice: self.dice.clone(),
                damage_type: self.damage_type,
            }),
            versatile_damage: self.versatile.clone(),
            properties: self.properties.clone(),
            range: self.range.filter(|_| ranged),
            throw_range: self
                .range
                .filter(|_| !ranged && self.properties.contains(&WeaponProperty::Thrown)),
            weight: 0.0,
            cost_cp: 0,
        }
    }
}

/// A handle-like id for a name: lowercase, words joined by hyphens.
pub fn slug(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// What going up a level gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelUp {
    /// Hit points added to the maximum (and to the current ones).
    pub hp_gain: u32,
    /// Spells learned (the class's starting spells of the new spell level).
    pub learned: Vec<String>,
}

/// Why a character could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreationError {
    /// The class is not an SRD class.
    #[error("unknown class `{0}` — try one of: {1}")]
    UnknownClass(String, String),
    /// The race is not an SRD race or subrace.
    #[error("unknown race `{0}` — try one of: {1}")]
    UnknownRace(String, String),
    /// Level outside 1–20.
    #[error("level {0} is out of range (1 to 20)")]
    Level(u8),
    /// A point-buy score outside 8–15, or more than 27 points.
    #[error("point buy: {0}")]
    PointBuy(String),
    /// The name is empty, too long or has characters handles can't hold.
    #[error("name `{0}`: use 1 to 24 letters, digits, `-` or `'`, starting with a letter")]
    Name(String),
}

/// The standard array, highest first.
pub const STANDARD_ARRAY: [u8; 6] = [15, 14, 13, 12, 10, 8];

/// The point-buy budget.
pub const POINT_BUY_BUDGET: u32 = 27;

/// What a score costs in point buy (8–15).
pub fn point_cost(score: u8) -> Option<u32> {
    match score {
        8..=13 => Some(u32::from(score) - 8),
        14 => Some(7),
        15 => Some(9),
        _ => None,
    }
}

/// The abilities a class wants most, first to last: where the standard
/// array's scores go.
pub fn priorities(class: &str) -> [Ability; 6] {
    use Ability::{Charisma as Cha, Constitution as Con, Dexterity as Dex};
    use Ability::{Intelligence as Int, Strength as Str, Wisdom as Wis};
    match class {
        "barbarian" | "fighter" => [Str, Con, Dex, Wis, Cha, Int],
        "bard" => [Cha, Dex, Con, Wis, Int, Str],
        "cleric" => [Wis, Con, Str, Dex, Cha, Int],
        "druid" => [Wis, Con, Dex, Int, Cha, Str],
        "monk" => [Dex, Wis, Con, Str, Int, Cha],
        "paladin" => [Str, Cha, Con, Wis, Dex, Int],
        "ranger" => [Dex, Wis, Con, Str, Int, Cha],
        "rogue" => [Dex, Con, Wis, Int, Cha, Str],
        "sorcerer" | "warlock" => [Cha, Con, Dex, Wis, Int, Str],
        _ => [Int, Con, Dex, Wis, Cha, Str],
    }
}

/// A class's starting kit: armor, shield, weapons (the first is the default
/// attack), following the SRD's starting equipment, all by content id. The
/// ammunition the weapons fire comes with them (see [`starting_items`]).
pub fn kit(class: &str) -> (Option<&'static str>, bool, &'static [&'static str]) {
    match class {
        "barbarian" => (None, false, &["greataxe", "handaxe"]),
        "bard" => (Some("leather-armor"), false, &["rapier", "dagger"]),
        "cleric" => (Some("scale-mail"), true, &["mace", "crossbow-light"]),
        "druid" => (Some("leather-armor"), true, &["scimitar", "dart"]),
        "fighter" => (Some("chain-mail"), true, &["longsword", "crossbow-light"]),
        "monk" => (None, false, &["shortsword", "dart"]),
        "paladin" => (Some("chain-mail"), true, &["longsword", "javelin"]),
        "ranger" => (Some("scale-mail"), false, &["shortsword", "longbow"]),
        "rogue" => (
            Some("leather-armor"),
            false,
            &["rapier", "shortbow", "dagger"],
        ),
        "sorcerer" => (None, false, &["crossbow-light", "dagger"]),
        "warlock" => (Some("leather-armor"), false, &["crossbow-light", "dagger"]),
        _ => (None, false, &["quarterstaff", "dagger"]),
    }
}

/// The items a new character of the class carries besides armor and
/// weapons, by content gear id: a potion of healing and a bundle of the
/// ammunition each of its weapons fires (20 bolts for a light crossbow).
pub fn starting_items(class: &str) -> Vec<String> {
    let mut items = vec![String::from("potion-of-healing")];
    let (_, _, weapons) = kit(class);
    for ammunition in weapons
        .iter()
        .filter_map(|w| content::weapon(w)?.ammunition.clone())
    {
        if !items.contains(&ammunition) {
            items.push(ammunition);
        }
    }
    items
}

/// The pieces of ammunition a new character of the class carries: one
/// bundle (the gear's quantity) of each ammunition among its items.
fn starting_ammo(class: &str) -> BTreeMap<String, u32> {
    starting_items(class)
        .into_iter()
        .filter_map(|id| {
            let g = content::gear(&id).filter(|g| g.kind == GearKind::Ammunition)?;
            Some((id, g.quantity))
        })
        .collect()
}

/// How a count of the ammunition `id` reads: "crossbow bolts".
pub fn ammo_name(id: &str) -> String {
    content::gear(id).map_or_else(|| id.replace('-', " "), |g| g.name.to_lowercase()) + "s"
}

/// The spells a new caster of the class starts with, by the lowest level
/// that can cast them (cantrips at 0): a playable default the DM can edit.
fn starting_spells(class: &str) -> &'static [(u8, &'static str)] {
    match class {
        "bard" => &[
            (0, "vicious-mockery"),
            (1, "healing-word"),
            (1, "thunderwave"),
            (2, "shatter"),
            (3, "hypnotic-pattern"),
        ],
        "cleric" => &[
            (0, "sacred-flame"),
            (1, "bless"),
            (1, "cure-wounds"),
            (1, "guiding-bolt"),
            (2, "spiritual-weapon"),
            (3, "spirit-guardians"),
        ],
        "druid" => &[
            (0, "produce-flame"),
            (1, "cure-wounds"),
            (1, "thunderwave"),
            (2, "moonbeam"),
            (3, "call-lightning"),
        ],
        "paladin" => &[(1, "bless"), (1, "cure-wounds"), (2, "magic-weapon")],
        "ranger" => &[(1, "hunters-mark"), (1, "cure-wounds"), (2, "spike-growth")],
        "sorcerer" => &[
            (0, "fire-bolt"),
            (0, "ray-of-frost"),
            (1, "magic-missile"),
            (1, "shield"),
            (2, "scorching-ray"),
            (3, "fireball"),
        ],
        "warlock" => &[
            (0, "eldritch-blast"),
            (1, "hellish-rebuke"),
            (2, "hold-person"),
            (3, "hunger-of-hadar"),
        ],
        "wizard" => &[
            (0, "fire-bolt"),
            (0, "ray-of-frost"),
            (1, "magic-missile"),
            (1, "shield"),
            (1, "sleep"),
            (2, "scorching-ray"),
            (2, "hold-person"),
            (3, "fireball"),
            (3, "counterspell"),
        ],
        _ => &[],
    }
}

/// The highest spell level a caster of `kind` reaches at class `level`.
fn max_spell_level(kind: CasterKind, level: u8) -> u8 {
    match kind {
        CasterKind::Full => level.div_ceil(2).min(9),
        CasterKind::Half if level >= 2 => level.div_ceil(4).clamp(1, 5),
        CasterKind::Half => 0,
        CasterKind::Pact => level.div_ceil(2).min(5),
    }
}

fn known<T>(items: &[T], name: impl Fn(&T) -> &str) -> String {
    items.iter().map(name).collect::<Vec<_>>().join(", ")
}

/// A handle must be a short word: letters first, then letters, digits, `-`, `'`.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(char::is_alphabetic)
        && name.chars().count() <= 24
        && chars.all(|c| c.is_alphanumeric() || c == '-' || c == '\'')
}

impl Character {
    /// Builds a level-`level` character as `char new` asks.
    pub fn create(new: &NewCharacter) -> Result<Self, CreationError> {
        if !valid_name(&new.name) {
            return Err(CreationError::Name(new.name.clone()));
        }
        let class = content::class(&new.class).ok_or_else(|| {
            CreationError::UnknownClass(new.class.clone(), known(content::classes(), |c| &c.id))
        })?;
        if !(1..=20).contains(&new.level) {
            return Err(CreationError::Level(new.level));
        }
        let (race, subrace) = find_race(&new.race)?;
        let base = match &new.scores {
            Scores::StandardArray => {
                let mut scores = [8u8; 6];
                for (ability, score) in priorities(&class.id).iter().zip(STANDARD_ARRAY) {
                    scores[index(*ability)] = score;
                }
                scores
            }
            Scores::PointBuy { scores } => {
                let mut total = 0;
                for s in scores {
                    total += point_cost(*s).ok_or_else(|| {
                        CreationError::PointBuy(format!("{s} is outside 8 to 15"))
                    })?;
                }
                if total > POINT_BUY_BUDGET {
                    return Err(CreationError::PointBuy(format!(
                        "{total} points spent, the budget is {POINT_BUY_BUDGET}"
                    )));
                }
                *scores
            }
        };
        let scores = with_racial_bonuses(base, class, race, subrace);
        let level = new.level;
        let con = modifier(scores[index(Ability::Constitution)]);
        let die = u32::from(class.hit_die);
        // Maximum at 1st level, the fixed average after; at least 1 per level.
        let per_level = |roll: u32| (i64::from(roll) + i64::from(con)).max(1);
        let max = per_level(die)
            + i64::from(level - 1) * per_level(die / 2 + 1)
            + i64::from(level) * i64::from(hp_per_level(race, subrace));
        let max = u32::try_from(max).unwrap_or(1);
        let (armor, shield, weapons) = kit(&class.id);
        let caster = class.spellcasting.as_ref().map(|s| s.caster);
        let top = caster.map_or(0, |k| max_spell_level(k, level));
        let spells = starting_spells(&class.id)
            .iter()
            .filter(|(lvl, _)| caster.is_some() && *lvl <= top)
            .map(|(_, id)| (*id).to_string())
            .filter(|id| content::spell(id).is_some())
            .collect();
        let slots = class.spell_slots(level).unwrap_or_else(SpellSlots::none);
        let mut skills: Vec<Skill> = class
            .skill_choices
            .from
            .iter()
            .take(usize::from(class.skill_choices.choose))
            .copied()
            .collect();
        for skill in race_skills(race, subrace) {
            if !skills.contains(skill) {
                skills.push(*skill);
            }
        }
        Ok(Self {
            name: new.name.clone(),
            handle: new.name.to_lowercase(),
            class: class.id.clone(),
            level,
            race: race.id.clone(),
            subrace: subrace.map(|s| s.id.clone()),
            scores,
            health: Health::new(max, ZeroHp::DeathSaves),
            armor: armor.map(str::to_string),
            shield,
            weapons: weapons.iter().map(|w| (*w).to_string()).collect(),
            spells,
            slots,
            skills,
            conditions: Conditions::new(),
            speed: race.speed,
            xp: 0,
            gold: 10,
            ammo: starting_ammo(&class.id),
            items: starting_items(&class.id),
            hit_dice_left: level,
            reactions_off: Vec::new(),
            spent: BTreeMap::new(),
            homebrew_weapons: Vec::new(),
        })
    }

    /// Goes up one level: hit points by the class's fixed average + the
    /// Constitution modifier (at least 1) + the race's hit points per level
    /// (Dwarven Toughness), a hit die, the new level's spell
    /// slots (those spent stay spent) and the class's starting spells the
    /// new level can cast. Proficiency, Extra Attack and feature uses follow
    /// from the level. `None` at 20th level.
    pub fn level_up(&mut self) -> Option<LevelUp> {
        if self.level >= 20 {
            return None;
        }
        let class = self.class();
        self.level += 1;
        let average = i64::from(class.hit_die) / 2 + 1;
        let racial = self
            .race_and_subrace()
            .map_or(0, |(race, subrace)| hp_per_level(race, subrace));
        let gain =
            u32::try_from((average + i64::from(self.modifier(Ability::Constitution))).max(1))
                .unwrap_or(1)
                .saturating_add(racial);
        self.health.set_max(self.health.max().saturating_add(gain));
        let _ = self.health.heal(gain);
        self.hit_dice_left = self.hit_dice_left.saturating_add(1).min(self.level);
        if let Some(mut slots) = class.spell_slots(self.level) {
            for l in 1..=9 {
                if let Some(lvl) = SpellLevel::new(l) {
                    let spent = self
                        .slots
                        .max(lvl)
                        .saturating_sub(self.slots.remaining(lvl));
                    for _ in 0..spent {
                        let _ = slots.spend(lvl);
                    }
                }
            }
            self.slots = slots;
        }
        let caster = class.spellcasting.as_ref().map(|s| s.caster);
        let top = caster.map_or(0, |k| max_spell_level(k, self.level));
        let learned: Vec<String> = starting_spells(&class.id)
            .iter()
            .filter(|(lvl, id)| {
                caster.is_some()
                    && *lvl <= top
                    && !self.spells.iter().any(|s| s == id)
                    && content::spell(id).is_some()
            })
            .map(|(_, id)| (*id).to_string())
            .collect();
        self.spells.extend(learned.iter().cloned());
        Some(LevelUp {
            hp_gain: gain,
            learned,
        })
    }

    /// Its class.
    pub fn class(&self) -> &'static Class {
        // Sheets are only made from SRD classes; an edited id falls back to wizard.
        content::class(&self.class)
            .or_else(|| content::class("wizard"))
            .unwrap_or(&content::classes()[0])
    }

    /// A weapon it carries by what a player types: an id, a name or an
    /// alias ("light crossbow", "crossbow-light", "Crossbow, light"), or
    /// the unique start of one ("cross"); its first weapon for an empty
    /// query. Older sheets' ids ("light-crossbow") resolve through the alias.
    pub fn weapon(&self, query: &str) -> Option<Cow<'static, Weapon>> {
        let homebrew: Vec<Weapon> = self.homebrew_weapons.iter().map(|h| h.weapon()).collect();
        // Each kind once: two daggers are one answer to "dag", not two.
        let mut carried: Vec<&Weapon> = Vec::new();
        for id in &self.weapons {
            let Some(w) = content::weapon(id).or_else(|| homebrew.iter().find(|h| &h.id == id))
            else {
                continue;
            };
            if carried.iter().all(|c| c.id != w.id) {
                carried.push(w);
            }
        }
        let found = if query.trim().is_empty() {
            carried.first().copied()
        } else {
            match content::find(&carried, query) {
                Found::One(w) => Some(*w),
                Found::Several(_) | Found::Nothing(_) => None,
            }
        }?;
        // A homebrew weapon shadows no SRD one: its id is not an SRD id.
        Some(
            match content::weapon(&found.id).filter(|w| w.id == found.id) {
                Some(srd) => Cow::Borrowed(srd),
                None => Cow::Owned(found.clone()),
            },
        )
    }

    /// How many pieces of the ammunition `id` it carries.
    pub fn ammo_left(&self, id: &str) -> u32 {
        self.ammo.get(id).copied().unwrap_or_else(|| {
            if self.items.iter().any(|i| i == id) {
                content::gear(id).map_or(0, |g| g.quantity)
            } else {
                0
            }
        })
    }

    /// Why it cannot attack with `w` now, if it cannot: a two-handed weapon
    /// while its shield is worn, or an ammunition weapon with nothing to fire.
    pub fn cannot_attack_with(&self, w: &Weapon) -> Option<String> {
        if w.has(WeaponProperty::TwoHanded) && self.shield {
            return Some(format!(
                "{}'s {} needs both hands: doff the shield first (the DM: `dm set {} shield no \"why\"`)",
                self.name,
                w.name.to_lowercase(),
                self.handle
            ));
        }
        match &w.ammunition {
            Some(id) if w.has(WeaponProperty::Ammunition) && self.ammo_left(id) == 0 => {
                Some(format!("{} has no {} left", self.name, ammo_name(id)))
            }
            _ => None,
        }
    }

    /// Spends one piece of the ammunition `w` fires, if it fires any: the
    /// gear id spent.
    pub fn spend_ammo(&mut self, w: &Weapon) -> Option<String> {
        let id = w
            .ammunition
            .clone()
            .filter(|_| w.has(WeaponProperty::Ammunition))?;
        let left = self.ammo_left(&id).saturating_sub(1);
        self.ammo.insert(id.clone(), left);
        Some(id)
    }

    /// Adds `count` pieces of the ammunition `id`, carrying it as an item.
    pub fn add_ammo(&mut self, id: &str, count: u32) {
        self.set_ammo(id, self.ammo_left(id).saturating_add(count));
    }

    /// Carries exactly `count` pieces of the ammunition `id`, as an item.
    pub fn set_ammo(&mut self, id: &str, count: u32) {
        self.ammo.insert(id.to_string(), count);
        if !self.items.iter().any(|i| i == id) {
            self.items.push(id.to_string());
        }
    }

    /// Its race and subrace from the content; `None` for an edited race id
    /// that is not an SRD race.
    pub fn race_and_subrace(&self) -> Option<(&'static Race, Option<&'static Subrace>)> {
        let race = content::race(&self.race)?;
        let subrace = self.subrace.as_deref().and_then(|s| race.subrace(s));
        Some((race, subrace))
    }

    /// Its darkvision range in feet from its race; 0 for none.
    pub fn darkvision_ft(&self) -> u32 {
        self.race_and_subrace()
            .map_or(0, |(race, _)| race.darkvision_ft)
    }

    /// Damage types its race resists (Dwarven Resilience: poison).
    pub fn racial_resistances(&self) -> &'static [DamageType] {
        self.race_and_subrace()
            .map_or(&[], |(race, _)| race.resistances.as_slice())
    }

    /// Conditions its race saves against with advantage (Dwarven Resilience:
    /// poisoned; Fey Ancestry: charmed; Brave: frightened): what the rules
    /// engine reads from `Modifiers::save_advantage_against`.
    pub fn racial_save_advantages(&self) -> &'static [Condition] {
        self.race_and_subrace()
            .map_or(&[], |(race, _)| race.save_advantage_against.as_slice())
    }

    /// The ability scores as the rules see them (clamped to 1–30).
    pub fn ability_scores(&self) -> AbilityScores {
        let clamped = self.scores.map(|s| s.clamp(1, 30));
        AbilityScores::from_array(clamped).unwrap_or_default()
    }

    /// An ability's modifier.
    pub fn modifier(&self, ability: Ability) -> i32 {
        modifier(self.scores[index(ability)])
    }

    /// The proficiency bonus of its level.
    pub fn proficiency(&self) -> i32 {
        Level::new(self.level.clamp(1, 20)).map_or(2, |l| l.proficiency_bonus())
    }

    /// Its armor class from armor, shield and Dexterity (or the class's
    /// unarmored defense).
    pub fn ac(&self) -> i32 {
        let dex = self.modifier(Ability::Dexterity);
        let worn = self.armor.as_deref().and_then(content::armor);
        let body = match worn {
            Some(armor) => armor.ac(dex),
            None => match self.class.as_str() {
                "barbarian" => 10 + dex + self.modifier(Ability::Constitution),
                "monk" if !self.shield => 10 + dex + self.modifier(Ability::Wisdom),
                _ => 10 + dex,
            },
        };
        body + if self.shield { 2 } else { 0 }
    }

    /// Its saving throw bonus.
    pub fn save_bonus(&self, ability: Ability) -> i32 {
        let proficient = self.class().saving_throws.contains(&ability);
        self.modifier(ability) + if proficient { self.proficiency() } else { 0 }
    }

    /// Saving throw bonuses in `Ability::ALL` order.
    pub fn saves(&self) -> [i32; 6] {
        Ability::ALL.map(|a| self.save_bonus(a))
    }

    /// A skill check bonus.
    pub fn skill_bonus(&self, skill: Skill) -> i32 {
        let proficient = self.skills.contains(&skill);
        self.modifier(skill.ability()) + if proficient { self.proficiency() } else { 0 }
    }

    /// The spellcasting ability, if the class casts.
    pub fn spellcasting(&self) -> Option<Ability> {
        self.class().spellcasting.as_ref().map(|s| s.ability)
    }

    /// Spell attack bonus and save DC (0 and 8 + proficiency for non-casters).
    pub fn spell_figures(&self) -> (i32, i32) {
        let m = self.spellcasting().map_or(0, |a| self.modifier(a));
        (self.proficiency() + m, 8 + self.proficiency() + m)
    }
}

/// A score's modifier.
pub fn modifier(score: u8) -> i32 {
    (i32::from(score) - 10).div_euclid(2)
}

/// The position of an ability in sheet order.
pub fn index(ability: Ability) -> usize {
    Ability::ALL
        .iter()
        .position(|a| *a == ability)
        .unwrap_or_default()
}

fn find_race(query: &str) -> Result<(&'static Race, Option<&'static Subrace>), CreationError> {
    if let Some(race) = content::race(query) {
        return Ok((race, race.subraces.first()));
    }
    for race in content::races() {
        if let Some(sub) = race.subrace(query) {
            return Ok((race, Some(sub)));
        }
    }
    Err(CreationError::UnknownRace(
        query.to_string(),
        known(content::races(), |r| &r.id),
    ))
}

/// Hit points a race and subrace add at every level (Dwarven Toughness).
fn hp_per_level(race: &Race, subrace: Option<&Subrace>) -> u32 {
    race.hp_per_level + subrace.map_or(0, |s| s.hp_per_level)
}

/// Skills a race and subrace make a character proficient in (Keen Senses).
fn race_skills<'a>(
    race: &'a Race,
    subrace: Option<&'a Subrace>,
) -> impl Iterator<Item = &'a Skill> {
    race.skills
        .iter()
        .chain(subrace.into_iter().flat_map(|s| &s.skills))
}

fn with_racial_bonuses(
    mut scores: [u8; 6],
    class: &Class,
    race: &Race,
    subrace: Option<&Subrace>,
) -> [u8; 6] {
    let bonuses = race
        .ability_bonuses
        .iter()
        .chain(subrace.into_iter().flat_map(|s| s.ability_bonuses.iter()));
    for (ability, bonus) in bonuses {
        let s = &mut scores[index(*ability)];
        *s = (i32::from(*s) + bonus).clamp(1, 30) as u8;
    }
    // A free choice (the half-elf's two +1s) goes to the class's next priorities.
    if let Some(choice) = &race.ability_bonus_choice {
        let picks = priorities(&class.id)
            .into_iter()
            .filter(|a| choice.from.contains(a))
            .take(usize::from(choice.choose));
        for ability in picks {
            let s = &mut scores[index(ability)];
            *s = (i32::from(*s) + choice.bonus).clamp(1, 30) as u8;
        }
    }
    scores
}
