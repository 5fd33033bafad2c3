//! `dungeon monster|spell|item NAME` and `dungeon content coverage`: the SRD
//! content as players and DMs look it up.

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::{Result, bail};
use rules::content::{self, Action, AutomationLevel, Found, Monster, Named, Spell, Usage};
use serde::Serialize;

use crate::commands::output::emit;

/// Finds `query` in `items` or explains what it could mean.
fn pick<'a, T: Named>(items: &'a [T], query: &str, what: &str) -> Result<&'a T> {
    match content::find(items, query) {
        Found::One(item) => Ok(item),
        Found::Several(list) => bail!(
            "\"{query}\" could be more than one {what}: {}. Say which.",
            names(&list)
        ),
        Found::Nothing(near) if near.is_empty() => bail!("no {what} called \"{query}\""),
        Found::Nothing(near) => bail!(
            "no {what} called \"{query}\"; did you mean {}?",
            names(&near)
        ),
    }
}

fn names<T: Named>(list: &[&T]) -> String {
    list.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
}

/// A value's name as the content files spell it (`bonus_action` → `bonus action`).
fn label<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}

fn signed(n: i32) -> String {
    format!("{n:+}")
}

/// `dungeon monster NAME`.
pub fn monster(query: &str, json: bool) -> Result<()> {
    let m = pick(content::monsters(), query, "monster")?;
    emit(&if json {
        serde_json::to_string_pretty(m)?
    } else {
        monster_text(m)
    })
}

fn monster_text(m: &Monster) -> String {
    let mut out = String::new();
    let subtype = m
        .subtype
        .as_deref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} — {} {}{subtype}, {}",
        m.name,
        label(&m.size),
        m.creature_type,
        m.alignment
    );
    let mut speed = vec![format!("{} ft.", m.speed.walk)];
    for (name, ft) in [
        ("fly", m.speed.fly),
        ("swim", m.speed.swim),
        ("climb", m.speed.climb),
        ("burrow", m.speed.burrow),
    ] {
        if ft > 0 {
            speed.push(format!("{name} {ft} ft."));
        }
    }
    let _ = writeln!(
        out,
        "AC {} · HP {} ({}) · Speed {}",
        m.ac,
        m.hp,
        m.hp_roll,
        speed.join(", ")
    );
    let scores: Vec<String> = m
        .abilities
        .iter()
        .map(|(a, s)| {
            format!(
                "{} {} ({})",
                a.abbreviation(),
                s.get(),
                signed(s.modifier())
            )
        })
        .collect();
    let _ = writeln!(out, "{}", scores.join(" "));
    if !m.saves.is_empty() {
        let saves: Vec<String> = m
            .saves
            .iter()
            .map(|(a, b)| format!("{} {}", a.abbreviation(), signed(*b)))
            .collect();
        let _ = writeln!(out, "Saves {}", saves.join(", "));
    }
    if !m.skills.is_empty() {
        let skills: Vec<String> = m
            .skills
            .iter()
            .map(|(s, b)| format!("{s} {}", signed(*b)))
            .collect();
        let _ = writeln!(out, "Skills {}", skills.join(", "));
    }
    for (title, list) in [
        ("Vulnerable", &m.damage_vulnerabilities),
        ("Resists", &m.damage_resistances),
        ("Immune", &m.damage_immunities),
    ] {
        if !list.is_empty() {
            let parts: Vec<String> = list
                .iter()
                .map(|d| {
                    let types: Vec<String> = d.types.iter().map(ToString::to_string).collect();
                    match &d.qualifier {
                        Some(q) => format!("{} ({q})", types.join(", ")),
                        None => types.join(", "),
                    }
                })
                .collect();
            let _ = writeln!(out, "{title}: {}", parts.join("; "));
        }
    }
    if !m.condition_immunities.is_empty() {
        let c: Vec<String> = m
            .condition_immunities
            .iter()
            .map(ToString::to_string)
            .collect();
        let _ = writeln!(out, "Condition immunities: {}", c.join(", "));
    }
    let mut senses = Vec::new();
    for (name, ft) in [
        ("darkvision", m.senses.darkvision),
        ("blindsight", m.senses.blindsight),
        ("truesight", m.senses.truesight),
        ("tremorsense", m.senses.tremorsense),
    ] {
        if ft > 0 {
            senses.push(format!("{name} {ft} ft."));
        }
    }
    senses.push(format!(
        "passive Perception {}",
        m.senses.passive_perception
    ));
    let _ = writeln!(
        out,
        "Senses {} · CR {} ({} XP, PB {})",
        senses.join(", "),
        m.cr,
        m.xp,
        signed(m.proficiency_bonus)
    );
    if !m.traits.is_empty() {
        let t: Vec<&str> = m.traits.iter().map(|t| t.name.as_str()).collect();
        let _ = writeln!(out, "Traits: {}", t.join(", "));
    }
    for (title, actions) in [
        ("Actions", &m.actions),
        ("Legendary actions", &m.legendary_actions),
        ("Reactions", &m.reactions),
    ] {
        if !actions.is_empty() {
            let _ = writeln!(out, "{title}:");
            for a in actions.iter() {
                let _ = writeln!(out, "  {}", action_text(a));
            }
        }
    }
    out.trim_end().to_string()
}

fn action_text(a: &Action) -> String {
    let mut parts = Vec::new();
    if let Some(at) = &a.attack {
        let mut s = format!("{} {}", label(&at.kind), signed(at.bonus));
        if let Some(r) = at.reach_ft {
            let _ = write!(s, ", reach {r} ft.");
        }
        if let Some([n, l]) = at.range_ft {
            let _ = write!(s, ", range {n}/{l} ft.");
        }
        parts.push(s);
    }
    if let Some(save) = &a.save {
        parts.push(format!(
            "DC {} {} save ({} on success)",
            save.dc,
            save.ability.abbreviation(),
            label(&save.on_success)
        ));
    }
    let damage: Vec<String> = a
        .damage
        .iter()
        .map(|d| format!("{} {}", d.dice, d.damage_type))
        .collect();
    if !damage.is_empty() {
        parts.push(damage.join(" + "));
    }
    if !a.multiattack.is_empty() {
        let steps: Vec<String> = a
            .multiattack
            .iter()
            .map(|s| format!("{}×{}", s.count, s.action))
            .collect();
        parts.push(steps.join(", "));
    }
    if !a.multiattack_options.is_empty() {
        let options: Vec<String> = a
            .multiattack_options
            .iter()
            .map(|steps| {
                steps
                    .iter()
                    .map(|s| format!("{}×{}", s.count, s.action))
                    .collect::<Vec<_>>()
                    .join(" + ")
            })
            .collect();
        parts.push(format!("one of: {}", options.join(" | ")));
    }
    if content::has_riders(&a.effects) {
        parts.push(format!("does: {}", content::summary(&a.effects)));
    }
    if let Some(usage) = &a.usage {
        parts.push(usage_text(usage));
    }
    if a.automation.level != AutomationLevel::Full {
        parts.push(format!(
            "[{}: {}]",
            label(&a.automation.level),
            a.automation.missing.join(", ")
        ));
    }
    if parts.is_empty() {
        a.name.clone()
    } else {
        format!("{}: {}", a.name, parts.join("; "))
    }
}

fn usage_text(usage: &Usage) -> String {
    match usage {
        Usage::Recharge { min: 6 } => "recharge 6".to_string(),
        Usage::Recharge { min } => format!("recharge {min}–6"),
        Usage::PerDay { times } => format!("{times}/day"),
        Usage::PerRest { rests } => {
            let rests: Vec<String> = rests.iter().map(label).collect();
            format!("once per {} rest", rests.join(" or "))
        }
    }
}

/// `dungeon spell NAME`.
pub fn spell(query: &str, json: bool) -> Result<()> {
    let s = pick(content::spells(), query, "spell")?;
    emit(&if json {
        serde_json::to_string_pretty(s)?
    } else {
        spell_text(s)
    })
}

fn spell_text(s: &Spell) -> String {
    let mut out = String::new();
    let level = if s.level == 0 {
        format!("{} cantrip", label(&s.school))
    } else {
        format!("level {} {}", s.level, label(&s.school))
    };
    let tags: String = [
        (s.ritual, " (ritual)"),
        (s.concentration, " (concentration)"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, t)| *t)
    .collect();
    let _ = writeln!(out, "{} — {level}{tags}", s.name);
    let amount = |n: Option<u32>| n.map(|n| format!("{n} ")).unwrap_or_default();
    let range = format!("{}{}", amount(s.range.amount), label(&s.range.kind));
    let area = s
        .area
        .as_ref()
        .map(|a| format!(" ({}-ft. {})", a.size_ft, label(&a.shape)))
        .unwrap_or_default();
    let components: Vec<&str> = [
        (s.components.verbal, "V"),
        (s.components.somatic, "S"),
        (s.components.material, "M"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, c)| *c)
    .collect();
    let _ = writeln!(
        out,
        "Casting time {} {} · Range {range}{area} · {} · Duration {}{}",
        s.casting_time.amount,
        label(&s.casting_time.kind),
        components.join(", "),
        amount(s.duration.amount),
        label(&s.duration.kind),
    );
    if let Some(attack) = &s.attack {
        let _ = writeln!(out, "{} spell attack", label(attack));
    }
    if let Some(save) = &s.save {
        let on = save
            .on_success
            .as_ref()
            .map(|o| format!(", {} on success", label(o)))
            .unwrap_or_default();
        let _ = writeln!(out, "{} save{on}", save.ability);
    }
    if let Some(d) = &s.damage {
        let kind = d.damage_type.map(|t| format!(" {t}")).unwrap_or_default();
        let by_slot: Vec<String> = d
            .by_slot_level
            .iter()
            .map(|(l, dice)| format!("{l}: {dice}"))
            .collect();
        let by_level: Vec<String> = d
            .by_character_level
            .iter()
            .map(|(l, dice)| format!("lvl {l}: {dice}"))
            .collect();
        let _ = writeln!(
            out,
            "Damage{kind}: {}",
            [by_slot, by_level].concat().join(", ")
        );
    }
    if let Some(h) = &s.healing {
        let by_slot: Vec<String> = h
            .by_slot_level
            .iter()
            .map(|(l, dice)| format!("{l}: {dice}"))
            .collect();
        let plus = if h.add_modifier {
            " (each + the spellcasting modifier)"
        } else {
            ""
        };
        let _ = writeln!(out, "Healing{plus}: {}", by_slot.join(", "));
    }
    if !s.effects.is_empty() {
        let _ = writeln!(out, "Does: {}", content::summary(&s.effects));
    }
    if !s.conditions.is_empty() {
        let c: Vec<String> = s.conditions.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "Conditions: {}", c.join(", "));
    }
    let _ = writeln!(out, "Classes: {}", s.classes.join(", "));
    if s.automation.level != AutomationLevel::Full {
        let _ = writeln!(
            out,
            "Automation: {} ({})",
            label(&s.automation.level),
            s.automation.missing.join(", ")
        );
    }
    out.trim_end().to_string()
}

/// An item: a weapon, a piece of armor or gear.
#[derive(Serialize)]
#[serde(untagged)]
enum Item<'a> {
    Weapon(&'a content::Weapon),
    Armor(&'a content::Armor),
    Gear(&'a content::Gear),
}

impl Item<'_> {
    fn name(&self) -> &str {
        match self {
            Item::Weapon(w) => &w.name,
            Item::Armor(a) => &a.name,
            Item::Gear(g) => &g.name,
        }
    }
}

/// `dungeon item NAME`: weapons, armor and gear (ammunition, potions).
pub fn item(query: &str, json: bool) -> Result<()> {
    let weapons = content::find(content::weapons(), query);
    let armor = content::find(content::armor_list(), query);
    let gear = content::find(content::gear_list(), query);
    let mut single: Vec<Item> = Vec::new();
    let mut candidates: Vec<&str> = Vec::new();
    match weapons {
        Found::One(w) => single.push(Item::Weapon(w)),
        other => candidates.extend(found_names(&other)),
    }
    match armor {
        Found::One(a) => single.push(Item::Armor(a)),
        other => candidates.extend(found_names(&other)),
    }
    match gear {
        Found::One(g) => single.push(Item::Gear(g)),
        other => candidates.extend(found_names(&other)),
    }
    let found = match single.len() {
        1 => single.remove(0),
        0 if candidates.is_empty() => bail!("no item called \"{query}\""),
        0 => bail!(
            "no single item called \"{query}\"; candidates: {}",
            candidates.join(", ")
        ),
        _ => {
            let names: Vec<&str> = single.iter().map(Item::name).collect();
            bail!(
                "\"{query}\" could be more than one item: {}. Say which.",
                names.join(", ")
            )
        }
    };
    if json {
        return emit(&serde_json::to_string_pretty(&found)?);
    }
    let mut out = String::new();
    match found {
        Item::Weapon(w) => {
            let damage = w
                .damage
                .as_ref()
                .map(|d| format!("{} {}", d.dice, d.damage_type))
                .unwrap_or_else(|| "no damage".into());
            let versatile = w
                .versatile_damage
                .as_ref()
                .map(|d| format!(" (versatile {d})"))
                .unwrap_or_default();
            let props: Vec<String> = w.properties.iter().map(label).collect();
            let range = w
                .range
                .or(w.throw_range)
                .map(|[n, l]| format!(" · range {n}/{l} ft."))
                .unwrap_or_default();
            let props = if props.is_empty() {
                "no properties".into()
            } else {
                props.join(", ")
            };
            let _ = writeln!(
                out,
                "{} — {} {} weapon",
                w.name,
                label(&w.category),
                label(&w.kind)
            );
            let _ = write!(out, "{damage}{versatile}{range} · {props}");
        }
        Item::Armor(a) => {
            let dex = match (a.dex_bonus, a.max_dex) {
                (false, _) => String::new(),
                (true, Some(cap)) => format!(" + Dex (max {cap})"),
                (true, None) => " + Dex".into(),
            };
            let _ = writeln!(out, "{} — {} armor", a.name, label(&a.category));
            let mut line = format!("AC {}{dex}", a.base_ac);
            if a.str_minimum > 0 {
                let _ = write!(line, " · Str {}", a.str_minimum);
            }
            if a.stealth_disadvantage {
                line.push_str(" · stealth disadvantage");
            }
            out.push_str(&line);
        }
        Item::Gear(g) => {
            let kind = match g.kind {
                content::GearKind::Ammunition => "ammunition",
                content::GearKind::Potion => "potion",
            };
            let _ = write!(out, "{} — {kind}", g.name);
            let mut facts = Vec::new();
            if g.quantity > 1 {
                facts.push(format!("sold {} at a time", g.quantity));
            }
            if let Some(heal) = &g.healing {
                facts.push(format!("heals {heal}"));
            }
            if let Some(w) = g.weight {
                facts.push(format!("{w} lb."));
            }
            if !facts.is_empty() {
                let _ = write!(out, "\n{}", facts.join(" · "));
            }
        }
    }
    emit(&out)
}

fn found_names<'a, T: Named>(found: &Found<'a, T>) -> Vec<&'a str> {
    match found {
        Found::One(t) => vec![T::name(t)],
        Found::Several(list) => list.iter().map(|t| T::name(t)).collect(),
        Found::Nothing(_) => Vec::new(),
    }
}

/// How much of the content the rules engine can run by itself.
#[derive(Serialize)]
struct Coverage {
    monsters: Counts,
    monster_actions: Counts,
    monster_attack_actions: Counts,
    spells: Counts,
    combat_spells: Counts,
    race_traits: Counts,
    /// Every class and subclass feature of the SRD's level tables: full or
    /// partial when the engine runs it (a combat feature with figures),
    /// listed when the sheet only names it.
    class_features: Counts,
    /// The SRD's feats: full when the engine runs all of each, partial when
    /// some of it.
    feats: Counts,
    missing: BTreeMap<String, usize>,
}

#[derive(Serialize, Default)]
struct Counts {
    full: usize,
    partial: usize,
    listed: usize,
}

impl Counts {
    fn add(&mut self, level: AutomationLevel) {
        match level {
            AutomationLevel::Full => self.full += 1,
            AutomationLevel::Partial => self.partial += 1,
            AutomationLevel::Listed => self.listed += 1,
        }
    }

    fn line(&self, what: &str) -> String {
        let total = self.full + self.partial + self.listed;
        let pct = |n: usize| {
            if total == 0 {
                0.0
            } else {
                n as f64 * 100.0 / total as f64
            }
        };
        format!(
            "{what:<24} {total:>4}   full {:>4} ({:>5.1} %)   partial {:>4}   listed {:>4}",
            self.full,
            pct(self.full),
            self.partial,
            self.listed
        )
    }
}

/// `dungeon content coverage`.
pub fn coverage(json: bool) -> Result<()> {
    let mut c = Coverage {
        monsters: Counts::default(),
        monster_actions: Counts::default(),
        monster_attack_actions: Counts::default(),
        spells: Counts::default(),
        combat_spells: Counts::default(),
        race_traits: Counts::default(),
        class_features: Counts::default(),
        feats: Counts::default(),
        missing: BTreeMap::new(),
    };
    for m in content::monsters() {
        let actions: Vec<&Action> = m
            .actions
            .iter()
            .chain(&m.legendary_actions)
            .chain(&m.reactions)
            .collect();
        let monster_level = if actions
            .iter()
            .all(|a| a.automation.level == AutomationLevel::Full)
        {
            AutomationLevel::Full
        } else if actions
            .iter()
            .any(|a| a.automation.level != AutomationLevel::Listed)
        {
            AutomationLevel::Partial
        } else {
            AutomationLevel::Listed
        };
        c.monsters.add(monster_level);
        for a in actions {
            c.monster_actions.add(a.automation.level);
            if a.attack.is_some() {
                c.monster_attack_actions.add(a.automation.level);
            }
            for why in &a.automation.missing {
                *c.missing
                    .entry(format!("monster action: {why}"))
                    .or_default() += 1;
            }
        }
    }
    for s in content::spells() {
        c.spells.add(s.automation.level);
        // The generator decides which spells have a combat effect (damage,
        // healing, temporary hit points, a condition, a buff or a debuff).
        if s.combat {
            c.combat_spells.add(s.automation.level);
        }
        for why in &s.automation.missing {
            *c.missing.entry(format!("spell: {why}")).or_default() += 1;
        }
    }
    for t in content::race_traits() {
        c.race_traits.add(t.automation.level);
        for why in &t.automation.missing {
            *c.missing.entry(format!("race trait: {why}")).or_default() += 1;
        }
    }
    let mut run_by_class: Vec<(String, Vec<String>)> = Vec::new();
    for class in content::classes() {
        let mut run = Vec::new();
        for (id, name) in class_feature_refs(class) {
            match class.combat_feature(&id) {
                Some(f) => {
                    c.class_features.add(f.automation.level);
                    run.push(name);
                }
                None => c.class_features.add(AutomationLevel::Listed),
            }
        }
        run_by_class.push((class.name.clone(), run));
    }
    for f in dm::builder::FEATS {
        c.feats.add(if f.missing.is_empty() {
            AutomationLevel::Full
        } else {
            AutomationLevel::Partial
        });
        for why in f.missing {
            *c.missing.entry(format!("feat: {why}")).or_default() += 1;
        }
    }
    if json {
        return emit(&serde_json::to_string_pretty(&c)?);
    }
    let mut out =
        String::from("Content automation (full: the rules engine runs it from data alone)\n");
    for line in [
        c.monsters.line("monsters (all actions)"),
        c.monster_actions.line("monster actions"),
        c.monster_attack_actions.line("  of which attacks"),
        c.spells.line("spells"),
        c.combat_spells.line("  with a combat effect"),
        c.race_traits.line("racial traits"),
        c.class_features.line("class features"),
        c.feats.line("feats"),
    ] {
        let _ = writeln!(out, "{line}");
    }
    out.push_str("Goals: 100 % of monster attacks and ≥ 90 % of combat spells fully automated.\nWhat is missing most often:");
    let mut reasons: Vec<(&String, &usize)> = c.missing.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (why, n) in reasons.into_iter().take(12) {
        let _ = write!(out, "\n  {n:>4}  {why}");
    }
    // Few enough to name each: a player looks here for their race's traits.
    out.push_str("\nRacial traits the table runs by hand (partial or listed):");
    for t in content::race_traits() {
        if t.automation.level != AutomationLevel::Full {
            let _ = write!(
                out,
                "\n  {} ({}): {}",
                t.name,
                label(&t.automation.level),
                t.automation.missing.join(", ")
            );
        }
    }
    out.push_str("\nFeats the table runs in part:");
    for f in dm::builder::FEATS.iter().filter(|f| !f.missing.is_empty()) {
        let _ = write!(out, "\n  {}: not {}", f.name, f.missing.join(", "));
    }
    out.push_str("\nClass features the engine runs (the others are listed on the sheet only):");
    for (class, run) in run_by_class {
        let _ = write!(
            out,
            "\n  {class}: {}",
            if run.is_empty() {
                "none".to_string()
            } else {
                run.join(", ")
            }
        );
    }
    emit(&out)
}

/// Every feature of a class's level tables and of its subclasses', by id
/// and name, each once.
fn class_feature_refs(class: &content::Class) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let refs = class.levels.iter().flat_map(|l| &l.features).chain(
        class
            .subclasses
            .iter()
            .flat_map(|s| s.levels.iter().flat_map(|l| &l.features)),
    );
    for f in refs {
        if !out.iter().any(|(id, _)| *id == f.id) {
            out.push((f.id.clone(), f.name.clone()));
        }
    }
    out
}
