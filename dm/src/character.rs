//! Character sheets and quick creation (`char new Aria wizard 3 elf`).
//!
//! A sheet holds what play changes (hit points, slots, conditions, XP, coin
//! and items) next to what creation fixed (class, level, race, scores). The
//! figures the rules need (AC, attack bonuses, save bonuses, the spell DC)
//! are derived from it on demand, so an edited score changes them at once.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use rules::content::{self, Class, Found, Race, Subrace, Weapon, WeaponProperty};
use rules::mechanics::{
    Ability, AbilityScores, CasterKind, Condition, Conditions, DamageType, Health, Level, Skill,
    SpellLevel, SpellSlots, ZeroHp,
};

use crate::builder;
use crate::command::{NewCharacter, Scores};
pub use crate::sheet::{Choice, ChoiceKind, ClassLevels, SheetChange};

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
    /// Every class it has levels in, the one it began with first; their
    /// levels add up to `level`. Empty on sheets made before multiclassing:
    /// then `class` at `level` is the only one (see [`Character::class_levels`]).
    #[serde(default)]
    pub classes: Vec<ClassLevels>,
    /// The background id ("acolyte", "custom"), if any.
    #[serde(default)]
    pub background: Option<String>,
    /// Feats taken, by id ("grappler"); names kept as written for feats the
    /// SRD does not have.
    #[serde(default)]
    pub feats: Vec<String>,
    /// Languages it speaks, by name ("Common", "Elvish").
    #[serde(default)]
    pub languages: Vec<String>,
    /// Tool proficiencies, by name ("Thieves' Tools", "Calligrapher's Supplies").
    #[serde(default)]
    pub tools: Vec<String>,
    /// Armor and weapon proficiencies besides those of the class it began
    /// with (a multiclass's, an import's), by name ("Light Armor", "Martial Weapons").
    #[serde(default)]
    pub proficiencies: Vec<String>,
    /// A wizard's spellbook (spell ids, no cantrips): what it may prepare.
    /// `spells` holds what it can cast today: cantrips and the spells known
    /// or prepared.
    #[serde(default)]
    pub spellbook: Vec<String>,
    /// The dragonborn's draconic ancestry ("red"): its breath weapon's
    /// damage type and its resistance.
    #[serde(default)]
    pub ancestry: Option<String>,
    /// The scores before racial bonuses and improvements, as set at
    /// creation, and how ("standard", "point-buy", "rolled", "manual").
    #[serde(default)]
    pub base_scores: Option<([u8; 6], String)>,
    /// Choices the builder made by default that its player may still make.
    #[serde(default)]
    pub pending: Vec<Choice>,
    /// The DM locked the sheet (`dm lock NAME`): `char set` is refused.
    #[serde(default)]
    pub locked: bool,
    /// Every change made to the sheet after creation: who, when, why.
    #[serde(default)]
    pub history: Vec<SheetChange>,
    /// Notes kept on the sheet (an import's lines it could not map).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Weapons outside the SRD that it carries (an imported homebrew
    /// blade), with the figures their file stated. Each is also listed in
    /// `weapons` by its id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub homebrew_weapons: Vec<HomebrewWeapon>,
    /// Skills with expertise: the proficiency bonus counts twice (a
    /// rogue's, an import's). Each is also in `skills`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expertise: Vec<Skill>,
    /// Body armor outside the SRD that it wears (an imported homebrew
    /// jerkin), with the AC its file stated; `armor` holds its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homebrew_armor: Option<HomebrewArmor>,
    /// Magic bonuses of what it carries, by weapon or armor id ("longsword":
    /// 1 for a +1 longsword; "shield" for a +1 shield): added to attack and
    /// damage rolls with the weapon, or to AC while the armor is worn.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub magic_bonus: BTreeMap<String, i32>,
}

/// Armor the SRD doesn't have, as a character file stated it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomebrewArmor {
    /// Its id in `Character::armor`: the name in lowercase with hyphens.
    pub id: String,
    /// Its name as the file gave it.
    pub name: String,
    /// Its base armor class.
    pub ac: i32,
    /// The most of the Dexterity modifier it adds (`None`: all of it, as
    /// light armor; 2 for medium, 0 for heavy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dex_cap: Option<i32>,
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
    /// Spells learned or prepared anew, by default.
    pub learned: Vec<String>,
    /// Spells written into a wizard's spellbook.
    pub learned_in_book: Vec<String>,
    /// The class that went up.
    pub class: String,
    /// Its new level in that class.
    pub class_level: u8,
    /// Features gained, class and subclass, by name.
    pub features: Vec<String>,
    /// The choices it made by default and offers (`char choose`).
    pub choices: Vec<ChoiceKind>,
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
    /// Rolled or typed scores that are not six scores of 3–18.
    #[error("scores: {0}")]
    Scores(String),
    /// A builder choice that is not allowed (a subclass, a background).
    #[error("{0}")]
    Choice(String),
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
            Scores::Rolled { scores } | Scores::Manual { scores } => {
                let set: [u8; 6] = scores.as_slice().try_into().map_err(|_| {
                    CreationError::Scores(format!("give six scores, not {}", scores.len()))
                })?;
                if let Some(s) = set.iter().find(|s| !(3..=18).contains(*s)) {
                    return Err(CreationError::Scores(format!("{s} is outside 3 to 18")));
                }
                set
            }
        };
        let method = match &new.scores {
            Scores::StandardArray => "standard",
            Scores::PointBuy { .. } => "point-buy",
            Scores::Rolled { .. } => "rolled",
            Scores::Manual { .. } => "manual",
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
        Self {
            name: new.name.clone(),
            handle: new.name.to_lowercase(),
            class: class.id.clone(),
            level,
            race: race.id.clone(),
            subrace: subrace.map(|s| s.id.clone()),
            scores,
            health: Health::new(max, ZeroHp::DeathSaves),
            armor: None,
            shield: false,
            weapons: Vec::new(),
            spells,
            slots,
            skills,
            conditions: Conditions::new(),
            speed: race.speed,
            xp: 0,
            gold: 10,
            ammo: BTreeMap::new(),
            // Not in the SRD's packages: one potion so a new party can heal.
            items: vec![String::from("potion-of-healing")],
            hit_dice_left: level,
            reactions_off: Vec::new(),
            spent: BTreeMap::new(),
            classes: vec![ClassLevels {
                class: class.id.clone(),
                level,
                subclass: None,
                hit_dice: (1..=level)
                    .map(|l| {
                        if l == 1 {
                            class.hit_die
                        } else {
                            class.hit_die / 2 + 1
                        }
                    })
                    .collect(),
            }],
            background: None,
            feats: Vec::new(),
            languages: Vec::new(),
            tools: Vec::new(),
            proficiencies: Vec::new(),
            spellbook: Vec::new(),
            ancestry: None,
            base_scores: None,
            pending: Vec::new(),
            locked: false,
            history: Vec::new(),
            notes: Vec::new(),
            homebrew_weapons: Vec::new(),
            expertise: Vec::new(),
            homebrew_armor: None,
            magic_bonus: BTreeMap::new(),
        }
        .furnished(new, base, method, race, subrace)
    }

    /// Makes the builder's choices for a new sheet, each by default and
    /// offered to the player: subclass, background, skills, languages,
    /// tools, ancestry, the half-elf's bonuses, ASIs and spells.
    fn furnished(
        mut self,
        new: &NewCharacter,
        base: [u8; 6],
        method: &str,
        race: &'static Race,
        subrace: Option<&'static Subrace>,
    ) -> Result<Self, CreationError> {
        let class = self.class();
        let id = class.id.clone();
        self.base_scores = Some((base, method.to_string()));
        builder::equip(&mut self, class);
        // Subclass: the SRD's one, at the level the class takes it.
        if let Some((sub, at)) = builder::subclass_of(class) {
            if let Some(asked) = new.subclass.as_deref() {
                let wanted = asked.trim().to_lowercase().replace(' ', "-");
                if wanted != sub {
                    return Err(CreationError::Choice(format!(
                        "the SRD {} subclass is {sub}",
                        class.name
                    )));
                }
                if self.level < at {
                    return Err(CreationError::Choice(format!(
                        "a {} takes a subclass at level {at}",
                        class.name
                    )));
                }
            }
            if self.level >= at {
                self.classes[0].subclass = Some(sub.to_string());
            }
        }
        // The half-elf's free bonuses, as applied by `with_racial_bonuses`.
        if let Some(choice) = &race.ability_bonus_choice {
            let picks: Vec<String> = priorities(&id)
                .into_iter()
                .filter(|a| choice.from.contains(a))
                .take(usize::from(choice.choose))
                .map(|a| a.abbreviation().to_lowercase())
                .collect();
            let from = choice
                .from
                .iter()
                .map(|a| a.abbreviation().to_lowercase())
                .collect();
            builder::offer(
                &mut self,
                builder::choice(ChoiceKind::AbilityBonus, "", choice.choose, from, picks),
            );
        }
        // Skills: the class's first ones by default.
        let class_skills: Vec<String> = class
            .skill_choices
            .from
            .iter()
            .map(|s| s.name().to_string())
            .collect();
        let chosen: Vec<String> = class_skills
            .iter()
            .take(usize::from(class.skill_choices.choose))
            .cloned()
            .collect();
        builder::offer(
            &mut self,
            builder::choice(
                ChoiceKind::Skills,
                &id,
                class.skill_choices.choose,
                class_skills,
                chosen,
            ),
        );
        let all_skills: Vec<String> = Skill::ALL.iter().map(|s| s.name().to_string()).collect();
        let racial = builder::race_skill_choices(&race.id);
        if racial > 0 {
            self.free_skills(racial, &all_skills, "");
        }
        // Background.
        if let Some(asked) = new.background.as_deref() {
            let bg = builder::background(asked).ok_or_else(|| {
                CreationError::Choice(format!(
                    "unknown background `{asked}` — try acolyte or custom"
                ))
            })?;
            self.background = Some(bg.id.to_string());
            builder::equip_background(&mut self, bg);
            for skill in bg.skills {
                if !self.skills.contains(skill) {
                    self.skills.push(*skill);
                }
            }
            if bg.skill_choices > 0 {
                self.free_skills(bg.skill_choices, &all_skills, "background");
            }
            self.learn_languages(bg.languages);
        }
        // Languages and tools.
        let (langs, extra) = builder::race_languages(&race.id, subrace.map(|s| s.id.as_str()));
        for l in langs {
            if !self.languages.iter().any(|x| x == l) {
                self.languages.push((*l).to_string());
            }
        }
        self.learn_languages(extra);
        for t in &class.tool_proficiencies {
            if !self.tools.contains(t) {
                self.tools.push(t.clone());
            }
        }
        // Draconic ancestry.
        if let Some(first) = race.ancestries.first() {
            let colour =
                |a: &content::Ancestry| a.id.trim_start_matches("draconic-ancestry-").to_string();
            self.ancestry = Some(colour(first));
            let from = race.ancestries.iter().map(colour).collect();
            builder::offer(
                &mut self,
                builder::choice(ChoiceKind::Ancestry, "", 1, from, vec![colour(first)]),
            );
        }
        // Ability Score Improvements up to the level.
        let level = self.level;
        for _ in builder::asi_levels(class)
            .into_iter()
            .filter(|l| *l <= level)
        {
            self.default_asi(&id);
        }
        // Spells: cantrips, known or prepared, a wizard's spellbook.
        self.spells.clear();
        let preferred: Vec<&str> = starting_spells(&id).iter().map(|(_, s)| *s).collect();
        builder::grant_spells(&mut self, class, level, &preferred);
        Ok(self)
    }

    /// Picks `count` more skills by default from `from` and offers the choice.
    fn free_skills(&mut self, count: u8, from: &[String], tag: &str) {
        let have: Vec<String> = self.skills.iter().map(|s| s.name().to_string()).collect();
        let picks = builder::default_picks(&[], from, count, &have);
        for p in &picks {
            if let Ok(skill) = p.parse::<Skill>() {
                self.skills.push(skill);
            }
        }
        let from = from.iter().filter(|s| !have.contains(s)).cloned().collect();
        builder::offer(
            self,
            builder::choice(ChoiceKind::Skills, tag, count, from, picks),
        );
    }

    /// Learns `count` more languages by default and offers the choice.
    fn learn_languages(&mut self, count: u8) {
        if count == 0 {
            return;
        }
        let from: Vec<String> = builder::LANGUAGES
            .iter()
            .filter(|l| !self.languages.iter().any(|x| x == *l))
            .map(|l| (*l).to_string())
            .collect();
        let picks = builder::default_picks(&[], &from, count, &[]);
        self.languages.extend(picks.iter().cloned());
        builder::offer(
            self,
            builder::choice(ChoiceKind::Languages, "", count, from, picks),
        );
    }

    /// Takes the default Ability Score Improvement for class `id` and
    /// offers the choice (an ASI or a feat).
    fn default_asi(&mut self, id: &str) {
        let picks = builder::default_asi(&self.scores, id);
        if picks.is_empty() || builder::apply_asi(self, &picks).is_err() {
            return;
        }
        let mut from: Vec<String> = Ability::ALL
            .iter()
            .map(|a| a.abbreviation().to_lowercase())
            .collect();
        from.extend(builder::FEATS.iter().map(|f| f.id.to_string()));
        builder::offer(self, builder::choice(ChoiceKind::Asi, id, 2, from, picks));
    }

    /// Goes up one level in the class it began with, taking the fixed
    /// average hit points: see [`Character::level_up_in`]. `None` at 20th level.
    pub fn level_up(&mut self) -> Option<LevelUp> {
        let class = self.class.clone();
        self.level_up_in(&class, None).ok()
    }

    /// Goes up one level in `class` (a new class is a multiclass: its
    /// prerequisites and those of the classes it has must be met): hit
    /// points by the hit die's `roll` or its fixed average, + the
    /// Constitution modifier (at least 1) + the race's hit points per level
    /// (Dwarven Toughness), a hit die, the spell slots (combined for a
    /// multiclass; those spent stay spent), the subclass at its level, an
    /// ASI at the class's ASI levels, and the new cantrips and spells,
    /// each chosen by default and offered as a pending choice.
    pub fn level_up_in(&mut self, class: &str, roll: Option<u8>) -> Result<LevelUp, String> {
        if self.level >= 20 {
            return Err(format!("{} is level 20, the highest", self.name));
        }
        let class = content::class(class).ok_or_else(|| {
            format!(
                "unknown class `{class}` — try one of: {}",
                known(content::classes(), |c| &c.id)
            )
        })?;
        if self.classes.is_empty() {
            self.classes = self.class_levels();
        }
        let is_new = !self.classes.iter().any(|cl| cl.class == class.id);
        if is_new {
            for cl in self
                .classes
                .iter()
                .map(|cl| cl.class.as_str())
                .chain([class.id.as_str()])
            {
                if !builder::meets_multiclass(&self.scores, cl) {
                    return Err(format!(
                        "multiclassing into {} needs {} for {cl}",
                        class.name,
                        builder::requirement_text(cl)
                    ));
                }
            }
            self.classes.push(ClassLevels {
                class: class.id.clone(),
                level: 0,
                subclass: None,
                hit_dice: Vec::new(),
            });
            let (profs, skills) = builder::multiclass_proficiencies(&class.id);
            for p in profs {
                if builder::TOOLS.contains(p) {
                    if !self.tools.iter().any(|t| t == p) {
                        self.tools.push((*p).to_string());
                    }
                } else if !self.proficiencies.iter().any(|t| t == p) {
                    self.proficiencies.push((*p).to_string());
                }
            }
            if skills > 0 {
                let from: Vec<String> = class
                    .skill_choices
                    .from
                    .iter()
                    .map(|s| s.name().to_string())
                    .collect();
                self.free_skills(skills, &from, &class.id);
            }
        }
        if roll.is_some_and(|r| r == 0 || r > class.hit_die) {
            return Err(format!("a d{} rolls 1 to {}", class.hit_die, class.hit_die));
        }
        let die = roll.unwrap_or(class.hit_die / 2 + 1);
        self.level += 1;
        let at = {
            let entry = self
                .classes
                .iter_mut()
                .find(|cl| cl.class == class.id)
                .ok_or("no such class")?;
            entry.level += 1;
            entry.hit_dice.push(die);
            entry.level
        };
        let racial = self
            .race_and_subrace()
            .map_or(0, |(race, subrace)| hp_per_level(race, subrace));
        let gain = u32::try_from(
            (i64::from(die) + i64::from(self.modifier(Ability::Constitution))).max(1),
        )
        .unwrap_or(1)
        .saturating_add(racial);
        self.health.set_max(self.health.max().saturating_add(gain));
        let _ = self.health.heal(gain);
        self.hit_dice_left = self.hit_dice_left.saturating_add(1).min(self.level);
        let mut slots = builder::combined_slots(&self.classes);
        for lvl in SpellLevel::all() {
            let spent = self
                .slots
                .max(lvl)
                .saturating_sub(self.slots.remaining(lvl));
            for _ in 0..spent {
                let _ = slots.spend(lvl);
            }
        }
        self.slots = slots;
        let mut features: Vec<String> = class
            .level(at)
            .map(|l| l.features.iter().map(|f| f.name.clone()).collect())
            .unwrap_or_default();
        if let Some((sub, sub_at)) = builder::subclass_of(class)
            && at >= sub_at
        {
            let entry = self.classes.iter_mut().find(|cl| cl.class == class.id);
            if let Some(entry) = entry
                && entry.subclass.is_none()
            {
                entry.subclass = Some(sub.to_string());
            }
            if let Some(s) = class.subclasses.iter().find(|s| s.id == sub)
                && let Some(l) = s.levels.iter().find(|l| l.level == at)
            {
                features.extend(l.features.iter().map(|f| f.name.clone()));
            }
        }
        let pending_before = self.pending.len();
        if builder::asi_levels(class).contains(&at) {
            self.default_asi(&class.id);
        }
        let before = self.spells.clone();
        let book_before = self.spellbook.clone();
        let preferred: Vec<&str> = starting_spells(&class.id).iter().map(|(_, s)| *s).collect();
        builder::grant_spells(self, class, at, &preferred);
        let learned = self
            .spells
            .iter()
            .filter(|s| !before.contains(s))
            .cloned()
            .collect();
        let learned_in_book = self
            .spellbook
            .iter()
            .filter(|s| !book_before.contains(s))
            .cloned()
            .collect();
        let choices = self
            .pending
            .iter()
            .skip(pending_before)
            .map(|p| p.kind)
            .collect();
        Ok(LevelUp {
            hp_gain: gain,
            learned,
            learned_in_book,
            class: class.id.clone(),
            class_level: at,
            features,
            choices,
        })
    }

    /// Its level in the class it began with (its whole level for a sheet
    /// made before multiclassing): what that class's features go by.
    pub fn class_level(&self) -> u8 {
        self.classes
            .iter()
            .find(|cl| cl.class == self.class)
            .map_or(self.level, |cl| cl.level)
    }

    /// Its level in `class` (0 when it has none): what that class's
    /// features go by, so a fighter 5 / rogue 3 has Sneak Attack at rogue
    /// level 3 and Extra Attack at fighter level 5.
    pub fn level_in(&self, class: &str) -> u8 {
        self.class_levels()
            .iter()
            .find(|cl| cl.class == class)
            .map_or(0, |cl| cl.level)
    }

    /// The attacks one Attack action makes: the most any of its classes
    /// gives at its own level (Extra Attack from several classes does not
    /// add up).
    pub fn attacks_per_action(&self) -> u32 {
        self.class_levels()
            .iter()
            .filter_map(|cl| {
                let class = content::class(&cl.class)?;
                Some(rules::automation::features::attacks_per_action(
                    class, cl.level,
                ))
            })
            .max()
            .unwrap_or(1)
    }

    /// Its classes and the levels in each: `classes`, or for a sheet made
    /// before multiclassing, `class` at `level`.
    pub fn class_levels(&self) -> Vec<ClassLevels> {
        if self.classes.is_empty() {
            vec![ClassLevels {
                class: self.class.clone(),
                level: self.level,
                subclass: None,
                hit_dice: Vec::new(),
            }]
        } else {
            self.classes.clone()
        }
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

    /// Damage types its race resists (Dwarven Resilience: poison; a
    /// dragonborn's Damage Resistance: its ancestry's type).
    pub fn racial_resistances(&self) -> Vec<DamageType> {
        let Some((race, _)) = self.race_and_subrace() else {
            return Vec::new();
        };
        let mut out = race.resistances.clone();
        if let Some(colour) = &self.ancestry
            && let Some(a) = race
                .ancestries
                .iter()
                .find(|a| a.id.trim_start_matches("draconic-ancestry-") == colour)
            && !out.contains(&a.damage_type)
        {
            out.push(a.damage_type);
        }
        out
    }

    /// Whether its race resists a damage type.
    pub fn resists(&self, t: DamageType) -> bool {
        self.racial_resistances().contains(&t)
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
        let homebrew = self
            .homebrew_armor
            .as_ref()
            .filter(|h| worn.is_none() && self.armor.as_deref() == Some(h.id.as_str()));
        let bonus = |id: &str| self.magic_bonus.get(id).copied().unwrap_or(0);
        let body = match (worn, homebrew) {
            (Some(armor), _) => armor.ac(dex) + bonus(&armor.id),
            (None, Some(h)) => h.ac + h.dex_cap.map_or(dex, |cap| dex.min(cap)) + bonus(&h.id),
            // Unarmored Defense comes with a level in either class, the
            // barbarian's first if it has both (it is never gained twice).
            (None, None) if self.level_in("barbarian") > 0 => {
                10 + dex + self.modifier(Ability::Constitution)
            }
            (None, None) if self.level_in("monk") > 0 && !self.shield => {
                10 + dex + self.modifier(Ability::Wisdom)
            }
            (None, None) => 10 + dex,
        };
        body + if self.shield { 2 + bonus("shield") } else { 0 }
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
        let times =
            i32::from(proficient) + i32::from(proficient && self.expertise.contains(&skill));
        self.modifier(skill.ability()) + times * self.proficiency()
    }

    /// The spellcasting ability, if the class casts.
    pub fn spellcasting(&self) -> Option<Ability> {
        self.class_levels()
            .iter()
            .filter_map(|cl| content::class(&cl.class)?.spellcasting)
            .map(|s| s.ability)
            .next()
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
