//! The character builder's rules, pure: backgrounds, feats, languages,
//! spells known and prepared, multiclassing (prerequisites, proficiencies,
//! the combined spell-slot table), Ability Score Improvements, and the
//! choices a player makes (each with a default, so `char new NAME CLASS
//! LEVEL RACE` needs nothing more).
//!
//! A choice the builder makes by default is applied at once and kept on the
//! sheet as a [`Choice`] in `pending`, with what it picked: the player may
//! replace the default with `char choose KIND picks…` until the choice is
//! made. Figures come from the SRD 5.1 (CC-BY-4.0).

use rules::content::{self, Class, Spell};
use rules::mechanics::{Ability, CasterKind, Skill, SpellLevel, SpellSlots};

use crate::character::{Character, index, modifier, priorities};
use crate::sheet::{Choice, ChoiceKind, ClassLevels};

/// A background the builder knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Background {
    /// Its id ("acolyte").
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// The skills it grants (none fixed: the player chooses `skill_choices`).
    pub skills: &'static [Skill],
    /// Skills chosen freely (a custom background's two).
    pub skill_choices: u8,
    /// Languages chosen.
    pub languages: u8,
    /// Tool proficiencies chosen.
    pub tools: u8,
    /// Equipment it always gives, by content id.
    pub equipment: &'static [&'static str],
    /// An equipment category it gives one item of, the player's pick.
    pub equipment_choice: Option<&'static str>,
    /// Gold pieces in its pouch.
    pub gold: u32,
}

/// The SRD's background and the custom one (two skills, and two tool
/// proficiencies or languages: two languages by default).
pub const BACKGROUNDS: &[Background] = &[
    Background {
        id: "acolyte",
        name: "Acolyte",
        skills: &[Skill::Insight, Skill::Religion],
        skill_choices: 0,
        languages: 2,
        tools: 0,
        equipment: &["clothes-common", "pouch"],
        equipment_choice: Some("holy-symbols"),
        gold: 15,
    },
    Background {
        id: "custom",
        name: "Custom",
        skills: &[],
        skill_choices: 2,
        languages: 2,
        tools: 0,
        equipment: &[],
        equipment_choice: None,
        gold: 0,
    },
];

/// A background by id or name.
pub fn background(query: &str) -> Option<&'static Background> {
    let q = query.trim().to_lowercase();
    BACKGROUNDS
        .iter()
        .find(|b| b.id == q || b.name.to_lowercase() == q)
}

/// A feat the builder knows: its id, name and the score it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feat {
    /// Its id ("grappler").
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// The ability score it requires, and the minimum.
    pub requires: Option<(Ability, u8)>,
    /// What of its rule the engine leaves to the table (empty: it runs it
    /// all), for `content coverage`.
    pub missing: &'static [&'static str],
}

/// The SRD's feat.
pub const FEATS: &[Feat] = &[Feat {
    id: "grappler",
    name: "Grappler",
    requires: Some((Ability::Strength, 13)),
    // The advantage against a creature it grapples runs (`play::classes`).
    missing: &["the pin action (both restrained)"],
}];

/// A feat by id or name.
pub fn feat(query: &str) -> Option<&'static Feat> {
    let q = query.trim().to_lowercase();
    FEATS
        .iter()
        .find(|f| f.id == q || f.name.to_lowercase() == q)
}

/// The SRD's languages, standard then exotic.
pub const LANGUAGES: &[&str] = &[
    "Common",
    "Dwarvish",
    "Elvish",
    "Giant",
    "Gnomish",
    "Goblin",
    "Halfling",
    "Orc",
    "Abyssal",
    "Celestial",
    "Draconic",
    "Deep Speech",
    "Infernal",
    "Primordial",
    "Sylvan",
    "Undercommon",
];

/// Tools a background or a multiclass may grant, by SRD name.
pub const TOOLS: &[&str] = &[
    "Thieves' Tools",
    "Herbalism Kit",
    "Disguise Kit",
    "Forgery Kit",
    "Poisoner's Kit",
    "Navigator's Tools",
    "Smith's Tools",
    "Calligrapher's Supplies",
    "Tinker's Tools",
    "Lute",
    "Flute",
    "Dice Set",
];

/// The languages a race (and subrace) speaks, and how many more it picks.
pub fn race_languages(race: &str, subrace: Option<&str>) -> (&'static [&'static str], u8) {
    let extra = u8::from(subrace == Some("high-elf"));
    match race {
        "dwarf" => (&["Common", "Dwarvish"], 0),
        "elf" => (&["Common", "Elvish"], extra),
        "halfling" => (&["Common", "Halfling"], 0),
        "human" => (&["Common"], 1),
        "dragonborn" => (&["Common", "Draconic"], 0),
        "gnome" => (&["Common", "Gnomish"], 0),
        "half-elf" => (&["Common", "Elvish"], 1),
        "half-orc" => (&["Common", "Orc"], 0),
        "tiefling" => (&["Common", "Infernal"], 0),
        _ => (&["Common"], 0),
    }
}

/// The skills a race lets its player pick freely (the half-elf's Skill
/// Versatility: two).
pub fn race_skill_choices(race: &str) -> u8 {
    if race == "half-elf" { 2 } else { 0 }
}

/// Whether a class prepares its spells each day (from its whole list, or a
/// wizard from its spellbook) rather than knowing a fixed number.
pub fn prepares(class: &str) -> bool {
    matches!(class, "cleric" | "druid" | "paladin" | "wizard")
}

/// Cantrips a class knows at a class level.
pub fn cantrips_known(class: &Class, level: u8) -> u8 {
    class
        .level(level)
        .and_then(|l| l.spellcasting.as_ref())
        .and_then(|s| s.cantrips_known)
        .unwrap_or(0)
}

/// Spells a known-spells class (bard, ranger, sorcerer, warlock) knows at
/// a class level; `None` for a class that prepares or does not cast.
pub fn spells_known(class: &Class, level: u8) -> Option<u8> {
    class
        .level(level)
        .and_then(|l| l.spellcasting.as_ref())
        .and_then(|s| s.spells_known)
}

/// The highest spell level a class's own table gives slots of at a class
/// level (0: none yet).
pub fn top_spell_level(class: &Class, level: u8) -> u8 {
    class
        .level(level)
        .and_then(|l| l.spellcasting.as_ref())
        .and_then(|s| s.slots.iter().rposition(|n| *n > 0))
        .map_or(0, |i| u8::try_from(i + 1).unwrap_or(0))
}

/// How many spells a preparing class prepares: its spellcasting
/// modifier + its class level (a paladin: half its level, rounded down),
/// at least 1; 0 before the class casts (a 1st-level paladin).
pub fn prepared_count(class: &Class, level: u8, ability_modifier: i32) -> u8 {
    if !prepares(&class.id) || top_spell_level(class, level) == 0 {
        return 0;
    }
    let levels = if class.id == "paladin" {
        level / 2
    } else {
        level
    };
    u8::try_from((ability_modifier + i32::from(levels)).max(1)).unwrap_or(1)
}

/// The spells in a wizard's spellbook at a wizard level: six at 1st, two
/// more each level.
pub fn spellbook_size(level: u8) -> u8 {
    6 + 2 * level.saturating_sub(1)
}

/// The SRD spells on a class's list of levels `1..=top` (or cantrips for
/// `top` 0), lowest level first, then by name.
pub fn spell_options(class: &str, cantrips: bool, top: u8) -> Vec<&'static Spell> {
    let mut list: Vec<&'static Spell> = content::spells()
        .iter()
        .filter(|s| s.classes.iter().any(|c| c == class))
        .filter(|s| {
            if cantrips {
                s.level == 0
            } else {
                (1..=top).contains(&s.level)
            }
        })
        .collect();
    list.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.name.cmp(&b.name)));
    list
}

/// The class levels at which a class gains an Ability Score Improvement
/// (4, 8, 12, 16, 19; a fighter 6 and 14 too, a rogue 10), from its table.
pub fn asi_levels(class: &Class) -> Vec<u8> {
    let mut before = 0;
    let mut out = Vec::new();
    for l in &class.levels {
        if l.ability_score_improvements > before {
            out.push(l.level);
        }
        before = l.ability_score_improvements;
    }
    out
}

/// The SRD subclass a class takes, and the class level it comes at.
pub fn subclass_of(class: &Class) -> Option<(&'static str, u8)> {
    let class = content::class(&class.id)?;
    let sub = class.subclasses.first()?;
    let at = sub.levels.first().map_or(3, |l| l.level);
    Some((sub.id.as_str(), at))
}

/// What a multiclass into `class` requires: alternatives (any one group
/// suffices), each a list of scores of at least 13.
pub fn multiclass_requires(class: &str) -> &'static [&'static [Ability]] {
    use Ability::{Charisma as Cha, Dexterity as Dex, Intelligence as Int};
    use Ability::{Strength as Str, Wisdom as Wis};
    match class {
        "barbarian" => &[&[Str]],
        "bard" | "sorcerer" | "warlock" => &[&[Cha]],
        "cleric" | "druid" => &[&[Wis]],
        "fighter" => &[&[Str], &[Dex]],
        "monk" | "ranger" => &[&[Dex, Wis]],
        "paladin" => &[&[Str, Cha]],
        "rogue" => &[&[Dex]],
        _ => &[&[Int]],
    }
}

/// Whether scores meet the multiclassing prerequisite of `class`.
pub fn meets_multiclass(scores: &[u8; 6], class: &str) -> bool {
    multiclass_requires(class)
        .iter()
        .any(|group| group.iter().all(|a| scores[index(*a)] >= 13))
}

/// The prerequisite of `class` as text: "Str 13 or Dex 13".
pub fn requirement_text(class: &str) -> String {
    multiclass_requires(class)
        .iter()
        .map(|g| {
            g.iter()
                .map(|a| format!("{} 13", title(a.abbreviation())))
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

fn title(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase())
        .unwrap_or_default()
}

/// The armor, weapon and tool proficiencies a character gains by taking a
/// first level in `class` as a multiclass (SRD), and how many of the
/// class's skills it picks.
pub fn multiclass_proficiencies(class: &str) -> (&'static [&'static str], u8) {
    match class {
        "barbarian" => (&["Shields", "Simple Weapons", "Martial Weapons"], 0),
        "bard" => (&["Light Armor", "Lute"], 1),
        "cleric" | "druid" => (&["Light Armor", "Medium Armor", "Shields"], 0),
        "fighter" | "paladin" => (
            &[
                "Light Armor",
                "Medium Armor",
                "Shields",
                "Simple Weapons",
                "Martial Weapons",
            ],
            0,
        ),
        "ranger" => (
            &[
                "Light Armor",
                "Medium Armor",
                "Shields",
                "Simple Weapons",
                "Martial Weapons",
            ],
            1,
        ),
        "monk" => (&["Simple Weapons", "Shortswords"], 0),
        "rogue" => (&["Light Armor", "Thieves' Tools"], 1),
        "warlock" => (&["Light Armor", "Simple Weapons"], 0),
        _ => (&[], 0),
    }
}

/// A multiclass character's spell slots: with one spellcasting class, that
/// class's own table; with several, the SRD's multiclass spellcaster table
/// at the combined caster level (full casters' levels, plus half of the
/// paladin's and ranger's levels rounded down). A warlock's pact slots stay
/// apart, added to either.
pub fn combined_slots(classes: &[ClassLevels]) -> SpellSlots {
    let casting: Vec<(&Class, u8)> = classes
        .iter()
        .filter_map(|cl| Some((content::class(&cl.class)?, cl.level)))
        .filter(|(c, _)| c.spellcasting.is_some())
        .collect();
    let pact = casting
        .iter()
        .find(|(c, _)| c.spellcasting.is_some_and(|s| s.caster == CasterKind::Pact))
        .and_then(|(c, l)| c.spell_slots(*l));
    let others: Vec<&(&Class, u8)> = casting
        .iter()
        .filter(|(c, _)| c.spellcasting.is_some_and(|s| s.caster != CasterKind::Pact))
        .collect();
    let mut slots = match others.as_slice() {
        [] => SpellSlots::none(),
        [(c, l)] => c.spell_slots(*l).unwrap_or_else(SpellSlots::none),
        many => {
            let caster_level: u8 = many
                .iter()
                .map(|(c, l)| match c.spellcasting.map(|s| s.caster) {
                    Some(CasterKind::Half) => l / 2,
                    _ => *l,
                })
                .sum();
            content::class("wizard")
                .and_then(|w| w.spell_slots(caster_level.clamp(1, 20)))
                .unwrap_or_else(SpellSlots::none)
        }
    };
    if let Some(p) = pact
        && let Some(level) = p.pact_level()
    {
        slots = slots.with_pact(level, p.max(level));
    }
    slots
}

/// Picks `count` ids from `options`: first the `preferred` ones among
/// them, then the rest in order, skipping any in `skip`.
pub fn default_picks(
    preferred: &[&str],
    options: &[String],
    count: u8,
    skip: &[String],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let fits = |id: &str, out: &Vec<String>| {
        options.iter().any(|o| o == id)
            && !skip.iter().any(|s| s == id)
            && !out.iter().any(|o| o == id)
    };
    for p in preferred {
        if out.len() >= usize::from(count) {
            break;
        }
        if fits(p, &out) {
            out.push((*p).to_string());
        }
    }
    for o in options {
        if out.len() >= usize::from(count) {
            break;
        }
        if fits(o, &out) {
            out.push(o.clone());
        }
    }
    out
}

/// The default Ability Score Improvement for a class: +2 to its first
/// priority under 20 (else +1 to each of the next two that are): the words
/// a player would type (`str str`).
pub fn default_asi(scores: &[u8; 6], class: &str) -> Vec<String> {
    let order = priorities(class);
    if let Some(a) = order.iter().find(|a| scores[index(**a)] <= 18) {
        return vec![a.abbreviation().to_lowercase(); 2];
    }
    let picks: Vec<String> = order
        .iter()
        .filter(|a| scores[index(**a)] < 20)
        .take(2)
        .map(|a| a.abbreviation().to_lowercase())
        .collect();
    picks
}

/// Applies one ASI or feat pick (`["str","dex"]`, `["con","con"]`,
/// `["grappler"]`) to a sheet, or says why it can't.
pub fn apply_asi(c: &mut Character, picks: &[String]) -> Result<String, String> {
    if let [one] = picks
        && let Some(f) = feat(one)
    {
        if let Some((a, min)) = f.requires
            && c.scores[index(a)] < min
        {
            return Err(format!(
                "{} needs {} {min}",
                f.name,
                title(a.abbreviation())
            ));
        }
        if c.feats.iter().any(|x| x == f.id) {
            return Err(format!("{} already has {}", c.name, f.name));
        }
        c.feats.push(f.id.to_string());
        return Ok(format!("took the {} feat", f.name));
    }
    let abilities: Vec<Ability> = picks
        .iter()
        .map(|p| {
            p.parse::<Ability>()
                .map_err(|_| format!("`{p}` is no ability or SRD feat (str…cha, grappler)"))
        })
        .collect::<Result<_, _>>()?;
    let abilities =
        match abilities.as_slice() {
            [a] => vec![*a, *a],
            [a, b] => vec![*a, *b],
            _ => return Err(
                "an ASI is two abilities (`str dex`), one twice (`str str` or `str`), or a feat"
                    .into(),
            ),
        };
    let mut scores = c.scores;
    for a in &abilities {
        let s = &mut scores[index(*a)];
        if *s >= 20 {
            return Err(format!(
                "{} is already 20, the most an ASI reaches",
                a.abbreviation()
            ));
        }
        *s += 1;
    }
    let before = c.scores;
    set_scores(c, scores);
    let changed: Vec<String> = Ability::ALL
        .iter()
        .filter(|a| before[index(**a)] != scores[index(**a)])
        .map(|a| {
            format!(
                "{} {}→{}",
                a.abbreviation(),
                before[index(*a)],
                scores[index(*a)]
            )
        })
        .collect();
    Ok(changed.join(", "))
}

/// Undoes an ASI or feat pick made earlier with [`apply_asi`].
pub fn undo_asi(c: &mut Character, picks: &[String]) {
    if let [one] = picks
        && let Some(f) = feat(one)
    {
        c.feats.retain(|x| x != f.id);
        return;
    }
    let abilities: Vec<Ability> = picks.iter().filter_map(|p| p.parse().ok()).collect();
    let abilities = match abilities.as_slice() {
        [a] => vec![*a, *a],
        other => other.to_vec(),
    };
    let mut scores = c.scores;
    for a in abilities {
        let s = &mut scores[index(a)];
        *s = s.saturating_sub(1).max(1);
    }
    set_scores(c, scores);
}

/// Sets the scores, and the hit point maximum with them: a changed
/// Constitution modifier counts at every level.
pub fn set_scores(c: &mut Character, scores: [u8; 6]) {
    let con = index(Ability::Constitution);
    let delta = modifier(scores[con]) - modifier(c.scores[con]);
    c.scores = scores;
    if delta != 0 {
        let change = i64::from(delta) * i64::from(c.level);
        let max = (i64::from(c.health.max()) + change).max(1);
        let max = u32::try_from(max).unwrap_or(1);
        let before = c.health.max();
        c.health.set_max(max);
        if max > before {
            let _ = c.health.heal(max - before);
        }
    }
}

/// The spell ids of a list.
pub fn ids(spells: &[&Spell]) -> Vec<String> {
    spells.iter().map(|s| s.id.clone()).collect()
}

/// Adds a pending choice with its default picks, unless it picks nothing.
pub fn offer(c: &mut Character, choice: Choice) {
    if choice.count > 0 && !choice.from.is_empty() {
        c.pending.push(choice);
    }
}

/// The ability a class casts with.
pub fn casting_ability(class: &Class) -> Option<Ability> {
    class.spellcasting.map(|s| s.ability)
}

/// The spells and spell choices a class's levels give a character: its
/// cantrips, the spells it knows or prepares (and a wizard's spellbook),
/// each chosen by default from `preferred` then its list, and offered as
/// pending choices. Spells already on the sheet stay and count.
pub fn grant_spells(c: &mut Character, class: &Class, level: u8, preferred: &[&str]) {
    let Some(ability) = casting_ability(class) else {
        return;
    };
    let m = c.modifier(ability);
    let id = class.id.clone();
    // Cantrips.
    let cantrips = ids(&spell_options(&id, true, 0));
    let have: Vec<String> = c
        .spells
        .iter()
        .filter(|s| cantrips.contains(s))
        .cloned()
        .collect();
    let want = cantrips_known(class, level);
    let more = want.saturating_sub(u8::try_from(have.len()).unwrap_or(u8::MAX));
    if more > 0 {
        let picks = default_picks(preferred, &cantrips, more, &have);
        c.spells.extend(picks.iter().cloned());
        offer(
            c,
            choice(ChoiceKind::Cantrips, &id, more, cantrips.clone(), picks),
        );
    }
    let top = top_spell_level(class, level);
    let list = ids(&spell_options(&id, false, top));
    if id == "wizard" {
        let size = spellbook_size(level);
        let more = size.saturating_sub(u8::try_from(c.spellbook.len()).unwrap_or(u8::MAX));
        if more > 0 {
            let picks = default_picks(preferred, &list, more, &c.spellbook.clone());
            c.spellbook.extend(picks.iter().cloned());
            offer(
                c,
                choice(ChoiceKind::Spellbook, &id, more, list.clone(), picks),
            );
        }
        let book = c.spellbook.clone();
        prepare(c, &id, &book, prepared_count(class, level, m), preferred);
    } else if prepares(&id) {
        prepare(c, &id, &list, prepared_count(class, level, m), preferred);
    } else if let Some(known) = spells_known(class, level) {
        let have: Vec<String> = c
            .spells
            .iter()
            .filter(|s| list.contains(s))
            .cloned()
            .collect();
        let more = known.saturating_sub(u8::try_from(have.len()).unwrap_or(u8::MAX));
        if more > 0 {
            let picks = default_picks(preferred, &list, more, &have);
            c.spells.extend(picks.iter().cloned());
            offer(c, choice(ChoiceKind::Spells, &id, more, list, picks));
        }
    }
}

/// Prepares `count` spells of class `id` from `from`: keeps those already
/// prepared (up to `count`), adds defaults for the rest, and offers the
/// whole preparation as a choice (any old preparation choice of the class
/// goes).
pub fn prepare(c: &mut Character, id: &str, from: &[String], count: u8, preferred: &[&str]) {
    c.pending
        .retain(|p| !(p.kind == ChoiceKind::Spells && p.class.as_deref() == Some(id)));
    let mut kept: Vec<String> = c
        .spells
        .iter()
        .filter(|s| from.contains(s))
        .cloned()
        .collect();
    kept.truncate(usize::from(count));
    c.spells.retain(|s| !from.contains(s) || kept.contains(s));
    let more = count.saturating_sub(u8::try_from(kept.len()).unwrap_or(u8::MAX));
    let picks = default_picks(preferred, from, more, &kept);
    c.spells.extend(picks.iter().cloned());
    let chosen: Vec<String> = kept.into_iter().chain(picks).collect();
    offer(
        c,
        choice(
            ChoiceKind::Spells,
            id,
            u8::try_from(chosen.len()).unwrap_or(0),
            from.to_vec(),
            chosen,
        ),
    );
}

/// A choice of `kind` for class `class` (empty: none).
pub fn choice(
    kind: ChoiceKind,
    class: &str,
    count: u8,
    from: Vec<String>,
    chosen: Vec<String>,
) -> Choice {
    Choice {
        kind,
        class: (!class.is_empty()).then(|| class.to_string()),
        count,
        from,
        chosen,
    }
}

/// The level a character has in a class.
pub fn level_in(c: &Character, class: &str) -> u8 {
    c.level_in(class)
}

/// The spell slot description for a level (1st…9th) of a slot table.
pub fn slot_counts(slots: &SpellSlots) -> [u8; 9] {
    let mut out = [0; 9];
    for l in SpellLevel::all() {
        out[usize::from(l.get() - 1)] = slots.max(l);
    }
    out
}

/// A class's starting gold instead of its equipment package (SRD): the
/// dice in the dice language, in gold pieces.
pub fn starting_gold(class: &str) -> &'static str {
    match class {
        "barbarian" | "druid" => "2d4*10",
        "monk" => "5d4",
        "rogue" | "warlock" | "wizard" => "4d4*10",
        "sorcerer" => "3d4*10",
        _ => "5d4*10",
    }
}

/// Weapons a category pick takes by default, before the category's first
/// member: the classic choices of the old fixed kits.
const PREFERRED_FILLS: &[&str] = &["longsword", "spear", "lute"];

/// One equipment option as a pending choice keeps it: parts joined by
/// `+`, each `id` or `N*id` (an item) or `N*@category` (picks to make):
/// `leather-armor+longbow+20*arrow`, `@martial-weapons+shield`.
pub fn encode_option(parts: &[content::EquipmentPart]) -> String {
    parts
        .iter()
        .map(|p| {
            let (what, count) = match p {
                content::EquipmentPart::Item { id, count } => (id.clone(), *count),
                content::EquipmentPart::Category { category, count } => {
                    (format!("@{category}"), *count)
                }
            };
            if count == 1 {
                what
            } else {
                format!("{count}*{what}")
            }
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// The parts of an encoded option: (count, id or `@category`).
pub fn decode_option(option: &str) -> Vec<(u32, &str)> {
    option
        .split('+')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('*') {
            Some((n, what)) => (n.parse().unwrap_or(1), what),
            None => (1, p),
        })
        .collect()
}

/// The members of an equipment category named in any class's package.
pub fn category_members(category: &str) -> Option<&'static [String]> {
    content::classes()
        .iter()
        .find_map(|c| c.equipment.categories.get(category))
        .map(Vec::as_slice)
}

/// Fills an option's category parts with `picks` in order (ids or names),
/// the defaults taking the rest: the concrete option, items only.
pub fn fill_option(option: &str, picks: &[String]) -> Result<String, String> {
    let mut picks = picks.iter();
    let mut out = Vec::new();
    for (count, what) in decode_option(option) {
        let Some(category) = what.strip_prefix('@') else {
            out.push(if count == 1 {
                what.to_string()
            } else {
                format!("{count}*{what}")
            });
            continue;
        };
        let members = category_members(category)
            .ok_or_else(|| format!("no equipment category {category}"))?;
        for _ in 0..count {
            let id = match picks.next() {
                Some(p) => {
                    let key = crate::character::slug(p);
                    members
                        .iter()
                        .find(|m| **m == key || crate::character::slug(&item_name(m)) == key)
                        .cloned()
                        .ok_or_else(|| {
                            format!(
                                "`{p}` is not one of the {}: `ch equipment N` lists them",
                                category.replace('-', " "),
                            )
                        })?
                }
                None => PREFERRED_FILLS
                    .iter()
                    .find(|f| members.iter().any(|m| m == *f))
                    .map(|f| (*f).to_string())
                    .or_else(|| members.first().cloned())
                    .ok_or_else(|| format!("the category {category} is empty"))?,
            };
            out.push(id);
        }
    }
    if let Some(extra) = picks.next() {
        return Err(format!("`{extra}` is one pick too many for that option"));
    }
    Ok(out.join("+"))
}

/// An equipment id's name: a weapon's, armor's, gear's or item's.
pub fn item_name(id: &str) -> String {
    if let Some(w) = content::weapon(id).filter(|w| w.id == id) {
        return w.name.clone();
    }
    if let Some(a) = content::armor(id).filter(|a| a.id == id) {
        return a.name.clone();
    }
    if let Some(g) = content::gear(id).filter(|g| g.id == id) {
        return g.name.clone();
    }
    content::item(id).map_or_else(|| id.replace('-', " "), |i| i.name.clone())
}

/// An encoded option as a player reads it: "leather armor, longbow, 20
/// arrows", "a martial weapon, shield".
pub fn option_text(option: &str) -> String {
    decode_option(option)
        .iter()
        .map(|(count, what)| {
            let name = match what.strip_prefix('@') {
                Some(cat) => {
                    let one = cat.trim_end_matches('s').replace('-', " ");
                    if *count == 1 {
                        return format!("a {one}");
                    }
                    return format!("{count} {one}s");
                }
                None => {
                    let name = item_name(what).to_lowercase();
                    // "Crossbow, light" reads "light crossbow".
                    match name.split_once(", ") {
                        Some((noun, adjective)) => format!("{adjective} {noun}"),
                        None => name,
                    }
                }
            };
            if *count == 1 {
                name
            } else if name.ends_with('s') {
                format!("{count} {name}")
            } else {
                format!("{count} {name}s")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Puts a concrete option's items on a sheet: armor worn, a shield
/// carried, weapons carried (one entry per part; the first weapon is the
/// default attack), ammunition counted, other items listed.
pub fn add_equipment(c: &mut Character, option: &str) {
    for (count, id) in decode_option(option) {
        if id == "shield" {
            c.shield = true;
        } else if content::armor(id).is_some_and(|a| a.id == id) {
            c.armor = Some(id.to_string());
        } else if content::weapon(id).is_some_and(|w| w.id == id) {
            c.weapons.push(id.to_string());
        } else if content::gear(id)
            .is_some_and(|g| g.id == id && g.kind == content::GearKind::Ammunition)
        {
            c.add_ammo(id, count);
        } else {
            c.items.push(id.to_string());
        }
    }
}

/// Takes a concrete option's items off a sheet again (what
/// [`add_equipment`] put there; ammunition spent since stays spent).
pub fn remove_equipment(c: &mut Character, option: &str) {
    for (count, id) in decode_option(option) {
        if id == "shield" {
            c.shield = false;
        } else if content::armor(id).is_some_and(|a| a.id == id) {
            if c.armor.as_deref() == Some(id) {
                c.armor = None;
            }
        } else if content::weapon(id).is_some_and(|w| w.id == id) {
            if let Some(at) = c.weapons.iter().position(|w| w == id) {
                c.weapons.remove(at);
            }
        } else if content::gear(id)
            .is_some_and(|g| g.id == id && g.kind == content::GearKind::Ammunition)
        {
            let left = c.ammo_left(id).saturating_sub(count);
            c.ammo.insert(id.to_string(), left);
            if left == 0 {
                c.ammo.remove(id);
                c.items.retain(|i| i != id);
            }
        } else if let Some(at) = c.items.iter().position(|i| i == id) {
            c.items.remove(at);
        }
    }
}

/// Equips a new character with its class's package: each choice's first
/// option (its category picks by default), offered as a pending choice,
/// then the items the class always gets.
pub fn equip(c: &mut Character, class: &Class) {
    for options in &class.equipment.choices {
        let from: Vec<String> = options.iter().map(|o| encode_option(o)).collect();
        let Some(first) = from.first() else {
            continue;
        };
        let Ok(filled) = fill_option(first, &[]) else {
            continue;
        };
        add_equipment(c, &filled);
        if from.len() > 1 || first.contains('@') {
            offer(
                c,
                choice(ChoiceKind::Equipment, &class.id, 1, from, vec![filled]),
            );
        }
    }
    add_equipment(c, &encode_option(&class.equipment.fixed));
}

/// Gives a character its background's equipment and gold: the fixed items,
/// and one item of its category by default, offered as an equipment choice.
pub fn equip_background(c: &mut Character, bg: &Background) {
    for id in bg.equipment {
        add_equipment(c, id);
    }
    if let Some(category) = bg.equipment_choice {
        let option = format!("@{category}");
        if let Ok(filled) = fill_option(&option, &[]) {
            add_equipment(c, &filled);
            offer(
                c,
                choice(
                    ChoiceKind::Equipment,
                    "background",
                    1,
                    vec![option],
                    vec![filled],
                ),
            );
        }
    }
    c.gold = c.gold.saturating_add(bg.gold);
}
