//! `adventures/schema.json` against the shipped adventure files and the
//! Rust types: every shipped file validates; a fully populated adventure
//! (every optional key set, every tagged variant used) serialized from the
//! types validates; and every key the schema names is one the types write.
//! The validator is the small subset of JSON Schema the file uses.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};

use dm::adventure::{
    self, Adventure, Attitude, Check, Dir, Door, Encounter, Exit, Feature, Group, Item, Npc,
    Outcome, Place, Topic, Trap, Treasure, Trigger, Verb, Wandering,
};
use serde_json::Value;

const SCHEMA: &str = include_str!("../../adventures/schema.json");

/// Keys seen per schema object, by label (a `$defs` name, `name/variant` for
/// a tagged variant, `root`).
type Seen = BTreeMap<String, BTreeSet<String>>;

struct Validator {
    root: Value,
}

impl Validator {
    fn validate(
        &self,
        schema: &Value,
        v: &Value,
        path: &str,
        label: &str,
        seen: &mut Seen,
    ) -> Vec<String> {
        let mut errs = Vec::new();
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/$defs/").unwrap();
            let def = &self.root["$defs"][name];
            assert!(!def.is_null(), "dangling $ref {r}");
            return self.validate(def, v, path, name, seen);
        }
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            let mut matched = Vec::new();
            for variant in variants {
                let tag = variant["properties"]
                    .as_object()
                    .and_then(|p| p.values().find_map(|x| x.get("const")))
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                let mut trial = Seen::new();
                if self
                    .validate(variant, v, path, &format!("{label}/{tag}"), &mut trial)
                    .is_empty()
                {
                    matched.push(trial);
                }
            }
            if matched.len() == 1 {
                for (k, keys) in matched.pop().unwrap() {
                    seen.entry(k).or_default().extend(keys);
                }
            } else {
                errs.push(format!(
                    "{path}: matches {} of the variants, not one",
                    matched.len()
                ));
            }
            return errs;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(v)
        {
            errs.push(format!("{path}: {v} is not one of {allowed:?}"));
        }
        if let Some(c) = schema.get("const")
            && c != v
        {
            errs.push(format!("{path}: {v} is not {c}"));
        }
        let Some(ty) = schema.get("type").and_then(Value::as_str) else {
            return errs;
        };
        match ty {
            "string" => {
                let Some(s) = v.as_str() else {
                    errs.push(format!("{path}: not a string"));
                    return errs;
                };
                if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                    && s.chars().count() as u64 > max
                {
                    errs.push(format!("{path}: longer than {max}"));
                }
                if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                    && (s.chars().count() as u64) < min
                {
                    errs.push(format!("{path}: shorter than {min}"));
                }
                if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
                    assert_eq!(p, "^[a-z0-9-]+$", "the validator knows this one pattern");
                    if !s
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    {
                        errs.push(format!("{path}: does not match {p}"));
                    }
                }
            }
            "integer" => {
                let Some(n) = v.as_i64() else {
                    errs.push(format!("{path}: not an integer"));
                    return errs;
                };
                if schema
                    .get("minimum")
                    .and_then(Value::as_i64)
                    .is_some_and(|m| n < m)
                {
                    errs.push(format!("{path}: below the minimum"));
                }
                if schema
                    .get("maximum")
                    .and_then(Value::as_i64)
                    .is_some_and(|m| n > m)
                {
                    errs.push(format!("{path}: above the maximum"));
                }
            }
            "boolean" => {
                if !v.is_boolean() {
                    errs.push(format!("{path}: not a boolean"));
                }
            }
            "array" => {
                let Some(items) = v.as_array() else {
                    errs.push(format!("{path}: not an array"));
                    return errs;
                };
                if schema
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .is_some_and(|m| (items.len() as u64) < m)
                {
                    errs.push(format!("{path}: too few items"));
                }
                if schema
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .is_some_and(|m| items.len() as u64 > m)
                {
                    errs.push(format!("{path}: too many items"));
                }
                if let Some(item) = schema.get("items") {
                    for (i, x) in items.iter().enumerate() {
                        errs.extend(self.validate(item, x, &format!("{path}[{i}]"), label, seen));
                    }
                }
            }
            "object" => {
                let Some(map) = v.as_object() else {
                    errs.push(format!("{path}: not an object"));
                    return errs;
                };
                for r in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let r = r.as_str().unwrap();
                    if !map.contains_key(r) {
                        errs.push(format!("{path}: missing {r}"));
                    }
                }
                let props = schema.get("properties").and_then(Value::as_object);
                let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
                for (k, x) in map {
                    match props.and_then(|p| p.get(k)) {
                        Some(sub) => {
                            errs.extend(self.validate(sub, x, &format!("{path}.{k}"), k, seen));
                        }
                        None if closed => errs.push(format!("{path}: unknown key {k}")),
                        None => {}
                    }
                }
                if closed {
                    seen.entry(label.to_string())
                        .or_default()
                        .extend(map.keys().cloned());
                }
            }
            other => panic!("the validator does not know type {other}"),
        }
        errs
    }

    fn check(&self, v: &Value, seen: &mut Seen) -> Vec<String> {
        self.validate(&self.root.clone(), v, "$", "root", seen)
    }
}

fn validator() -> Validator {
    Validator {
        root: serde_json::from_str(SCHEMA).unwrap(),
    }
}

/// Every closed object of the schema and the keys it names, by label.
fn schema_keys(root: &Value) -> Seen {
    let mut out = Seen::new();
    let keys = |o: &Value| -> BTreeSet<String> {
        o["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    out.insert("root".into(), keys(root));
    for (name, def) in root["$defs"].as_object().unwrap() {
        if let Some(variants) = def.get("oneOf").and_then(Value::as_array) {
            for variant in variants {
                let tag = variant["properties"]
                    .as_object()
                    .and_then(|p| p.values().find_map(|x| x.get("const")))
                    .and_then(Value::as_str)
                    .unwrap();
                out.insert(format!("{name}/{tag}"), keys(variant));
            }
        } else if def.get("additionalProperties") == Some(&Value::Bool(false)) {
            out.insert(name.clone(), keys(def));
        }
    }
    out
}

/// The shipped chapel with every optional key set and every variant used.
fn fully_populated() -> Adventure {
    let mut adv = adventure::find("the-sunken-chapel").unwrap().clone();
    let every_outcome = vec![
        Outcome::Say { text: "hi".into() },
        Outcome::Reveal {
            exit: "belfry".into(),
        },
        Outcome::Unlock {
            exit: "nave".into(),
        },
        Outcome::Give {
            item: "Torch".into(),
        },
        Outcome::Gold { gp: 1 },
        Outcome::Trap {
            id: "t-open".into(),
        },
        Outcome::Fight,
        Outcome::Goal { id: "home".into() },
        Outcome::Attitude {
            npc: "orrin".into(),
            to: Attitude::Friendly,
        },
    ];
    let area = &mut adv.areas[4]; // the tower stair
    area.exits = vec![
        Exit {
            to: "nave".into(),
            dir: Some(Dir::E),
            label: Some("arch".into()),
            door: Some(Door {
                locked: true,
                pick: Some(10),
                force: Some(12),
                key: Some("verger's iron key".into()),
            }),
            hidden: None,
        },
        Exit {
            to: "belfry".into(),
            dir: Some(Dir::U),
            label: None,
            door: None,
            hidden: Some(12),
        },
    ];
    area.features = vec![Feature {
        id: "lever".into(),
        name: "lever".into(),
        text: "A lever.".into(),
        verb: Verb::Use,
        check: Some(Check {
            skill: "str".into(),
            dc: 10,
        }),
        success: every_outcome.clone(),
        failure: vec![Outcome::Fight],
        once: false,
    }];
    let trap = |id: &str, trigger| Trap {
        id: id.into(),
        name: "trap".into(),
        sample: Some("pit".into()),
        trigger,
        detect: Some(12),
        disarm: Some(Check {
            skill: "thieves' tools".into(),
            dc: 12,
        }),
        effect: adventure::sample_trap("pit").unwrap().effect.clone(),
        text: "Whump.".into(),
    };
    area.traps = vec![
        trap("t-enter", Trigger::Enter),
        trap(
            "t-exit",
            Trigger::Exit {
                to: "belfry".into(),
            },
        ),
        trap("t-feature", Trigger::Feature { id: "lever".into() }),
        trap(
            "t-open",
            Trigger::Open {
                exit: "nave".into(),
            },
        ),
    ];
    let group = Group {
        monster: "goblin".into(),
        count: 2,
        place: Place::Far,
    };
    area.encounter = Some(Encounter {
        monsters: vec![group.clone()],
        surprise: true,
        boss: true,
        text: Some("Go!".into()),
    });
    area.wandering = Some(Wandering {
        chance: 2,
        monsters: vec![group],
    });
    area.treasure = Some(Treasure {
        gp: 1,
        sp: 2,
        cp: 3,
        items: vec!["Torch".into()],
        hidden: Some(10),
    });
    adv.npcs.push(Npc {
        id: "hobb".into(),
        name: "Hobb".into(),
        area: "tower-stair".into(),
        attitude: Attitude::Hostile,
        greeting: "Go away.".into(),
        lines: vec![Topic {
            about: vec!["bell".into()],
            text: "Mine.".into(),
            needs: Attitude::Friendly,
        }],
        persuade: Some(15),
        helps: every_outcome,
    });
    adv.items.push(Item {
        name: "lever handle".into(),
        text: "Brass.".into(),
    });
    adv
}

#[test]
fn every_shipped_file_validates_against_the_schema() {
    let v = validator();
    for (id, text) in adventure::shipped_files() {
        // The raw file, not what the types make of it.
        let raw: toml::Value = toml::from_str(text).unwrap();
        let json = serde_json::to_value(raw).unwrap();
        assert_eq!(
            v.check(&json, &mut Seen::new()),
            Vec::<String>::new(),
            "{id}"
        );
    }
}

#[test]
fn the_schema_and_the_types_agree() {
    let v = validator();
    let adv = fully_populated();
    let json = serde_json::to_value(&adv).unwrap();
    let mut seen = Seen::new();
    assert_eq!(v.check(&json, &mut seen), Vec::<String>::new());
    // Every key of every closed object in the schema is one the types write.
    for (label, keys) in schema_keys(&v.root) {
        let written = seen.get(&label).cloned().unwrap_or_default();
        let missing: Vec<_> = keys.difference(&written).collect();
        assert!(
            missing.is_empty(),
            "{label}: the schema names {missing:?}, the populated adventure never wrote them"
        );
    }
    // And generated dungeons validate too.
    for seed in 0..20 {
        let generated = adventure::generate(adventure::Params {
            level: 1 + (seed % 20) as u8,
            party: 4,
            rooms: 15,
            seed,
        });
        let json = serde_json::to_value(&generated).unwrap();
        assert_eq!(
            v.check(&json, &mut Seen::new()),
            Vec::<String>::new(),
            "seed {seed}"
        );
    }
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let v = validator();
    let mut json = serde_json::to_value(fully_populated()).unwrap();
    json["areas"][0]["lihgt"] = Value::from("dim");
    assert!(adventure::load(&json.to_string()).is_err());
    assert!(
        v.check(&json, &mut Seen::new())
            .iter()
            .any(|e| e.contains("unknown key lihgt"))
    );
    let mut json = serde_json::to_value(fully_populated()).unwrap();
    json["areas"][0]["light"] = Value::from("gloomy");
    assert!(adventure::load(&json.to_string()).is_err());
    assert!(!v.check(&json, &mut Seen::new()).is_empty());
    let mut json = serde_json::to_value(fully_populated()).unwrap();
    json["areas"][4]["features"][0]["success"][0] = serde_json::json!({"do": "dance"});
    assert!(adventure::load(&json.to_string()).is_err());
    assert!(!v.check(&json, &mut Seen::new()).is_empty());
}
