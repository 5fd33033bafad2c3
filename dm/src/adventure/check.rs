//! The checker: every problem in an adventure, each with its path in the file.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use super::{
    Adventure, Area, Check, Encounter, Group, Outcome, SAMPLE_TRAPS, SHORT_MAX, Trigger, When,
};

/// One thing wrong with an adventure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where, as a path into the file: `areas[3].exits[1].to`.
    pub path: String,
    /// What is wrong, and what would fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The skills, tools and abilities a check may name.
const CHECKABLE: [&str; 32] = [
    "acrobatics",
    "animal handling",
    "arcana",
    "athletics",
    "deception",
    "history",
    "insight",
    "intimidation",
    "investigation",
    "medicine",
    "nature",
    "perception",
    "performance",
    "persuasion",
    "religion",
    "sleight of hand",
    "stealth",
    "survival",
    "thieves' tools",
    "str",
    "dex",
    "con",
    "int",
    "wis",
    "cha",
    "strength",
    "dexterity",
    "constitution",
    "intelligence",
    "wisdom",
    "charisma",
    "tinker's tools",
];

/// Whether a check may name `skill` (case ignored).
pub(crate) fn known_skill(skill: &str) -> bool {
    CHECKABLE
        .iter()
        .any(|s| s.eq_ignore_ascii_case(skill.trim()))
}

struct Checker<'a> {
    adv: &'a Adventure,
    areas: BTreeMap<&'a str, usize>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn report(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn area_exists(&mut self, path: String, id: &str) {
        if !self.areas.contains_key(id) {
            self.report(path, format!("no area has the id {id:?}"));
        }
    }

    /// An item is an SRD item or one of the adventure's own.
    fn item_known(&self, name: &str) -> bool {
        rules::content::item(name).is_some()
            || self
                .adv
                .items
                .iter()
                .any(|i| i.name.eq_ignore_ascii_case(name.trim()))
    }

    fn item(&mut self, path: String, name: &str) {
        if !self.item_known(name) {
            self.report(
                path,
                format!(
                    "{name:?} is neither an SRD item nor in this adventure's [[items]]; \
                     add it there or use an SRD name"
                ),
            );
        }
    }

    fn check(&mut self, path: String, check: &Check) {
        if !known_skill(&check.skill) {
            self.report(
                format!("{path}.skill"),
                format!(
                    "unknown skill {:?}: use a skill (\"investigation\"), an ability (\"str\") or \"thieves' tools\"",
                    check.skill
                ),
            );
        }
        self.dc(format!("{path}.dc"), check.dc);
    }

    fn dc(&mut self, path: String, dc: u8) {
        if !(1..=30).contains(&dc) {
            self.report(path, format!("DC {dc} is outside 1-30"));
        }
    }

    fn groups(&mut self, path: &str, groups: &[Group]) {
        if groups.is_empty() {
            self.report(format!("{path}.monsters"), "no monsters listed");
        }
        for (g, group) in groups.iter().enumerate() {
            if rules::content::monster(&group.monster).is_none() {
                self.report(
                    format!("{path}.monsters[{g}].monster"),
                    format!(
                        "unknown monster {:?}: use an SRD monster id such as \"goblin\"",
                        group.monster
                    ),
                );
            }
            if group.count == 0 {
                self.report(
                    format!("{path}.monsters[{g}].count"),
                    "count must be at least 1",
                );
            }
        }
    }

    fn outcomes(&mut self, path: &str, area: &Area, outcomes: &[Outcome]) {
        for (o, outcome) in outcomes.iter().enumerate() {
            let at = format!("{path}[{o}]");
            match outcome {
                Outcome::Say { text } => {
                    if text.trim().is_empty() {
                        self.report(format!("{at}.text"), "empty text");
                    }
                }
                Outcome::Reveal { exit } => {
                    if !area
                        .exits
                        .iter()
                        .any(|e| e.to == *exit && e.hidden.is_some())
                    {
                        self.report(
                            format!("{at}.exit"),
                            format!("area {:?} has no hidden exit to {exit:?}", area.id),
                        );
                    }
                }
                Outcome::Unlock { exit } => {
                    if !area
                        .exits
                        .iter()
                        .any(|e| e.to == *exit && e.door.as_ref().is_some_and(|d| d.locked))
                    {
                        self.report(
                            format!("{at}.exit"),
                            format!("area {:?} has no locked door to {exit:?}", area.id),
                        );
                    }
                }
                Outcome::Give { item } => self.item(format!("{at}.item"), item),
                Outcome::Gold { .. } => {}
                Outcome::Trap { id } => {
                    if !area.traps.iter().any(|t| t.id == *id) {
                        self.report(
                            format!("{at}.id"),
                            format!("area {:?} has no trap {id:?}", area.id),
                        );
                    }
                }
                Outcome::Fight => {
                    if area.encounter.is_none() {
                        self.report(at, format!("area {:?} has no encounter to start", area.id));
                    }
                }
                Outcome::Goal { id } => {
                    if !self.adv.goals.iter().any(|g| g.id == *id) {
                        self.report(format!("{at}.id"), format!("no goal has the id {id:?}"));
                    }
                }
                Outcome::Attitude { npc, .. } => {
                    if !self.adv.npcs.iter().any(|n| n.id == *npc) {
                        self.report(format!("{at}.npc"), format!("no NPC has the id {npc:?}"));
                    }
                }
            }
        }
    }

    fn encounter(&mut self, path: &str, enc: &Encounter) {
        self.groups(path, &enc.monsters);
    }

    /// Every item the party can come by: treasure, `give` outcomes (features
    /// and helpful NPCs).
    fn obtainable(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut gives = |outcomes: &[Outcome]| {
            for o in outcomes {
                if let Outcome::Give { item } = o {
                    out.insert(item.trim().to_lowercase());
                }
            }
        };
        for area in &self.adv.areas {
            for f in &area.features {
                gives(&f.success);
                gives(&f.failure);
            }
        }
        for npc in &self.adv.npcs {
            gives(&npc.helps);
        }
        for area in &self.adv.areas {
            if let Some(t) = &area.treasure {
                out.extend(t.items.iter().map(|i| i.trim().to_lowercase()));
            }
        }
        out
    }
}

fn slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Every problem in `adventure`, by part of the file (top level, areas,
/// reachability, NPCs, goals); empty when it is sound.
///
/// ```
/// let mut adventure = dm::adventure::find("the-sunken-chapel").unwrap().clone();
/// assert_eq!(dm::adventure::check(&adventure), []);
/// adventure.areas[0].exits[0].to = "nowhere".into();
/// let problems = dm::adventure::check(&adventure);
/// assert_eq!(problems[0].path, "areas[0].exits[0].to");
/// ```
pub fn check(adv: &Adventure) -> Vec<Problem> {
    let mut c = Checker {
        adv,
        areas: BTreeMap::new(),
        problems: Vec::new(),
    };
    if !slug(&adv.id) {
        c.report(
            "id",
            format!("{:?} must be a slug of a-z, 0-9 and -", adv.id),
        );
    }
    if adv.title.trim().is_empty() {
        c.report("title", "empty title");
    }
    let [lo, hi] = adv.levels;
    if !(1..=20).contains(&lo) || !(1..=20).contains(&hi) || lo > hi {
        c.report(
            "levels",
            format!("[{lo}, {hi}] is not a level range within 1-20, low first"),
        );
    }
    if !(1..=10).contains(&adv.party) {
        c.report("party", format!("a party of {} is outside 1-10", adv.party));
    }
    if adv.areas.is_empty() {
        c.report("areas", "no areas");
    }
    for (i, area) in adv.areas.iter().enumerate() {
        if c.areas.insert(area.id.as_str(), i).is_some() {
            c.report(
                format!("areas[{i}].id"),
                format!("duplicate area id {:?}", area.id),
            );
        }
    }
    for (i, item) in adv.items.iter().enumerate() {
        if item.name.trim().is_empty() {
            c.report(format!("items[{i}].name"), "empty name");
        }
        if adv.items[..i]
            .iter()
            .any(|o| o.name.eq_ignore_ascii_case(&item.name))
        {
            c.report(
                format!("items[{i}].name"),
                format!("duplicate item {:?}", item.name),
            );
        }
    }
    c.area_exists("start".into(), &adv.start);
    let obtainable = c.obtainable();

    for (i, area) in adv.areas.iter().enumerate() {
        let p = format!("areas[{i}]");
        if !slug(&area.id) {
            c.report(
                format!("{p}.id"),
                format!("{:?} must be a slug of a-z, 0-9 and -", area.id),
            );
        }
        if area.name.trim().is_empty() {
            c.report(format!("{p}.name"), "empty name");
        }
        if area.short.trim().is_empty() {
            c.report(format!("{p}.short"), "empty short text");
        }
        if area.short.len() > SHORT_MAX {
            c.report(
                format!("{p}.short"),
                format!(
                    "{} bytes; the radio text may have at most {SHORT_MAX}",
                    area.short.len()
                ),
            );
        }
        for (e, exit) in area.exits.iter().enumerate() {
            let ep = format!("{p}.exits[{e}]");
            c.area_exists(format!("{ep}.to"), &exit.to);
            if exit.to == area.id {
                c.report(format!("{ep}.to"), "an exit leads back into its own area");
            }
            if exit.dir.is_none() && exit.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
                c.report(ep.clone(), "an exit needs a dir or a label");
            }
            if let Some(d) = exit.dir
                && area.exits[..e].iter().any(|o| o.dir == Some(d))
            {
                c.report(format!("{ep}.dir"), format!("two exits go {}", d.as_str()));
            }
            if area.exits[..e].iter().any(|o| o.to == exit.to) {
                c.report(
                    format!("{ep}.to"),
                    format!(
                        "two exits lead to {:?}; outcomes name exits by where they lead",
                        exit.to
                    ),
                );
            }
            if let Some(dc) = exit.hidden {
                c.dc(format!("{ep}.hidden"), dc);
            }
            if let Some(door) = &exit.door {
                for (key, dc) in [("pick", door.pick), ("force", door.force)] {
                    if let Some(dc) = dc {
                        c.dc(format!("{ep}.door.{key}"), dc);
                    }
                }
                if let Some(key) = &door.key {
                    c.item(format!("{ep}.door.key"), key);
                }
                let here = &exit.to;
                let unlockable = area.features.iter().any(|f| {
                    f.success
                        .iter()
                        .chain(&f.failure)
                        .any(|o| matches!(o, Outcome::Unlock { exit } if exit == here))
                }) || adv.npcs.iter().filter(|n| n.area == area.id).any(|n| {
                    n.helps
                        .iter()
                        .any(|o| matches!(o, Outcome::Unlock { exit } if exit == here))
                });
                let key_found = door
                    .key
                    .as_ref()
                    .is_some_and(|k| obtainable.contains(&k.trim().to_lowercase()));
                if door.locked
                    && door.pick.is_none()
                    && door.force.is_none()
                    && !key_found
                    && !unlockable
                {
                    c.report(
                        format!("{ep}.door"),
                        if door.key.is_some() {
                            "a locked door whose key is never found, with no pick or force DC"
                        } else {
                            "a locked door with no way past: give it a pick or force DC, or a key"
                        },
                    );
                }
            }
        }
        let mut feature_ids = BTreeSet::new();
        for (f, feature) in area.features.iter().enumerate() {
            let fp = format!("{p}.features[{f}]");
            if !feature_ids.insert(feature.id.as_str()) {
                c.report(
                    format!("{fp}.id"),
                    format!("duplicate feature id {:?}", feature.id),
                );
            }
            if feature.name.trim().is_empty() {
                c.report(format!("{fp}.name"), "empty name");
            }
            if let Some(check) = &feature.check {
                c.check(format!("{fp}.check"), check);
            }
            c.outcomes(&format!("{fp}.success"), area, &feature.success);
            c.outcomes(&format!("{fp}.failure"), area, &feature.failure);
        }
        let mut trap_ids = BTreeSet::new();
        for (t, trap) in area.traps.iter().enumerate() {
            let tp = format!("{p}.traps[{t}]");
            if !trap_ids.insert(trap.id.as_str()) {
                c.report(
                    format!("{tp}.id"),
                    format!("duplicate trap id {:?}", trap.id),
                );
            }
            match trap.sample.as_deref() {
                Some(s) if !SAMPLE_TRAPS.contains(&s) => c.report(
                    format!("{tp}.sample"),
                    format!(
                        "unknown sample trap {s:?}; one of {}",
                        SAMPLE_TRAPS.join(", ")
                    ),
                ),
                None if trap.effect.is_empty() => {
                    c.report(tp.clone(), "a trap needs an effect or a sample")
                }
                _ => {}
            }
            if let Some(dc) = trap.detect {
                c.dc(format!("{tp}.detect"), dc);
            }
            if let Some(check) = &trap.disarm {
                c.check(format!("{tp}.disarm"), check);
            }
            match &trap.trigger {
                Trigger::Enter => {}
                Trigger::Exit { to } => {
                    if !area.exits.iter().any(|e| e.to == *to) {
                        c.report(
                            format!("{tp}.trigger.to"),
                            format!("area {:?} has no exit to {to:?}", area.id),
                        );
                    }
                }
                Trigger::Open { exit } => {
                    if !area.exits.iter().any(|e| e.to == *exit && e.door.is_some()) {
                        c.report(
                            format!("{tp}.trigger.exit"),
                            format!("area {:?} has no door to {exit:?}", area.id),
                        );
                    }
                }
                Trigger::Feature { id } => {
                    if !area.features.iter().any(|f| f.id == *id) {
                        c.report(
                            format!("{tp}.trigger.id"),
                            format!("area {:?} has no feature {id:?}", area.id),
                        );
                    }
                }
            }
        }
        if let Some(enc) = &area.encounter {
            c.encounter(&format!("{p}.encounter"), enc);
        }
        if let Some(w) = &area.wandering {
            if !(1..=20).contains(&w.chance) {
                c.report(
                    format!("{p}.wandering.chance"),
                    format!("{} is outside 1-20 (a d20 roll)", w.chance),
                );
            }
            c.groups(&format!("{p}.wandering"), &w.monsters);
        }
        if let Some(t) = &area.treasure {
            for (k, item) in t.items.iter().enumerate() {
                c.item(format!("{p}.treasure.items[{k}]"), item);
            }
            if let Some(dc) = t.hidden {
                c.dc(format!("{p}.treasure.hidden"), dc);
            }
        }
    }

    // Reachability: every exit counts (a hidden one can be found, a locked one
    // has a way past, or is reported above).
    if let Some(&start) = c.areas.get(adv.start.as_str()) {
        let mut seen = vec![false; adv.areas.len()];
        seen[start] = true;
        let mut queue = VecDeque::from([start]);
        while let Some(i) = queue.pop_front() {
            for exit in &adv.areas[i].exits {
                if let Some(&j) = c.areas.get(exit.to.as_str())
                    && !seen[j]
                {
                    seen[j] = true;
                    queue.push_back(j);
                }
            }
        }
        for (i, area) in adv.areas.iter().enumerate() {
            if !seen[i] && adv.areas[..i].iter().all(|a| a.id != area.id) {
                c.report(
                    format!("areas[{i}]"),
                    format!("area {:?} cannot be reached from the start", area.id),
                );
            }
        }
    }

    let mut npc_ids = BTreeSet::new();
    for (n, npc) in adv.npcs.iter().enumerate() {
        let np = format!("npcs[{n}]");
        if !npc_ids.insert(npc.id.as_str()) {
            c.report(format!("{np}.id"), format!("duplicate NPC id {:?}", npc.id));
        }
        if npc.name.trim().is_empty() {
            c.report(format!("{np}.name"), "empty name");
        }
        c.area_exists(format!("{np}.area"), &npc.area);
        if npc.greeting.trim().is_empty() {
            c.report(format!("{np}.greeting"), "empty greeting");
        }
        if npc.greeting.len() > SHORT_MAX {
            c.report(
                format!("{np}.greeting"),
                format!(
                    "{} bytes; a greeting may have at most {SHORT_MAX}",
                    npc.greeting.len()
                ),
            );
        }
        for (l, line) in npc.lines.iter().enumerate() {
            if line.about.iter().all(|k| k.trim().is_empty()) {
                c.report(format!("{np}.lines[{l}].about"), "no keywords");
            }
            if line.text.trim().is_empty() {
                c.report(format!("{np}.lines[{l}].text"), "empty text");
            }
        }
        if let Some(dc) = npc.persuade {
            c.dc(format!("{np}.persuade"), dc);
        }
        if let Some(&a) = c.areas.get(npc.area.as_str()) {
            c.outcomes(&format!("{np}.helps"), &adv.areas[a], &npc.helps);
        }
    }

    let mut goal_ids = BTreeSet::new();
    for (g, goal) in adv.goals.iter().enumerate() {
        let gp = format!("goals[{g}]");
        if !goal_ids.insert(goal.id.as_str()) {
            c.report(
                format!("{gp}.id"),
                format!("duplicate goal id {:?}", goal.id),
            );
        }
        if goal.text.trim().is_empty() {
            c.report(format!("{gp}.text"), "empty text");
        }
        match &goal.when {
            When::Defeat { area } => {
                c.area_exists(format!("{gp}.when.area"), area);
                if let Some(&a) = c.areas.get(area.as_str())
                    && adv.areas[a].encounter.is_none()
                {
                    c.report(
                        format!("{gp}.when.area"),
                        format!("area {area:?} has no encounter to defeat"),
                    );
                }
            }
            When::Carry { item, to } => {
                c.item(format!("{gp}.when.item"), item);
                if c.item_known(item) && !obtainable.contains(&item.trim().to_lowercase()) {
                    c.report(
                        format!("{gp}.when.item"),
                        format!("{item:?} is never found in the adventure"),
                    );
                }
                c.area_exists(format!("{gp}.when.to"), to);
            }
            When::Reach { area } => c.area_exists(format!("{gp}.when.area"), area),
        }
    }
    if !adv.goals.iter().any(|g| g.ends) {
        c.report(
            "goals",
            "no goal ends the adventure: mark one `ends = true`",
        );
    }
    c.problems
}
