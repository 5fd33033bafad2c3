#!/usr/bin/env python3
"""Convert the SRD 5.1 weapons, armor, classes and races into the project's content format.

Usage:
    python3 scripts/content_gear.py --srd ../shared/srd/2014-en --out rules/content
    python3 scripts/content_gear.py --srd ../shared/srd/2014-en --out rules/content --check

Reads the 5e-bits/5e-database export (equipment, weapon properties, classes,
levels, features, races, subraces, traits, proficiencies) and writes
`weapons.json`, `armor.json`, `gear.json` (ammunition and potions of
healing), `classes.json`, `races.json` and `items.json` (every equipment
entry and magic item by name, for adventures' treasure) in the schemas of
`rules::content` (rules/src/content/gear.rs, class.rs, race.rs). Only game
figures are written: numbers, names, dice, damage types, proficiencies, level
tables. The `desc` prose is never written out; it is read only to confirm the
few race figures the structured data lacks (darkvision range, the damage type
a resistance trait names) and a few class feature figures, which come from
tables in this script. The rules of the class combat features of levels 1
to 5 (activation, uses, costs, automation trees, grants) come from the
`COMBAT_FEATURES` table, keyed by the export's feature ids.

The script is strict: a field, unit, category or shape it does not know stops
it with an error instead of being guessed, so a newer SRD export cannot slip
through half-converted.

`--check` regenerates into memory and exits 1 if a committed file differs.
Standard library only (Python 3.11).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import content_cli

ABILITIES = content_cli.ABILITIES
ABILITY_ORDER = list(ABILITIES.values())

DAMAGE_TYPES = {
    "acid", "bludgeoning", "cold", "fire", "force", "lightning", "necrotic",
    "piercing", "poison", "psychic", "radiant", "slashing", "thunder",
}

SKILLS = {
    "acrobatics", "animal-handling", "arcana", "athletics", "deception",
    "history", "insight", "intimidation", "investigation", "medicine",
    "nature", "perception", "performance", "persuasion", "religion",
    "sleight-of-hand", "stealth", "survival",
}

WEAPON_PROPERTIES = {
    "ammunition", "finesse", "heavy", "light", "loading", "monk", "reach",
    "special", "thrown", "two-handed", "versatile",
}

COIN_CP = {"cp": 1, "sp": 10, "ep": 50, "gp": 100, "pp": 1000}

SIZES = {"Tiny", "Small", "Medium", "Large", "Huge", "Gargantuan"}

# How each spellcasting class gains slots (the SRD export has no such field).
CASTERS = {
    "bard": "full", "cleric": "full", "druid": "full", "sorcerer": "full",
    "wizard": "full", "paladin": "half", "ranger": "half", "warlock": "pact",
}

# Race trait figures the export only states in prose: the generator takes
# them from here and confirms each against the trait's text, so a changed
# SRD stops the script instead of shipping a stale figure.
DARKVISION_TRAITS = {"darkvision": 60}
RESISTANCE_TRAITS = {"dwarven-resilience": "poison", "hellish-resistance": "fire"}
# Saves with advantage against effects that impose a condition, each
# confirmed against the trait's text like the figures above.
SAVE_ADVANTAGE_TRAITS = {
    "dwarven-resilience": ("poisoned", r"advantage on saving throws against poison"),
    "fey-ancestry": ("charmed", r"advantage on saving throws against being charmed"),
    "brave": ("frightened", r"advantage on saving throw against being frightened"),
}
# Hit points added at 1st level and at each level after.
HP_PER_LEVEL_TRAITS = {"dwarven-toughness": (1, r"increases by 1 every time you gain a level")}
# Skills the trait makes the character proficient in.
SKILL_TRAITS = {
    "keen-senses": ("perception", r"proficiency in the Perception skill"),
    "menacing": ("intimidation", r"proficiency in the Intimidation skill"),
}

# The ammunition each ammunition weapon fires (the export does not link
# them): ids of its adventuring gear in the "ammunition" category.
WEAPON_AMMUNITION = {
    "blowgun": "blowgun-needle",
    "crossbow-hand": "crossbow-bolt",
    "crossbow-heavy": "crossbow-bolt",
    "crossbow-light": "crossbow-bolt",
    "longbow": "arrow",
    "shortbow": "arrow",
    "sling": "sling-bullet",
}
# The potions of healing a character may carry: the common one keeps the
# family's id ("potion-of-healing", what sheets hold). Their healing dice are
# read from this table and confirmed against each potion's text.
POTIONS = {
    "potion-of-healing-common": ("potion-of-healing", "2d4+2", r"regain 2d4 \+ 2 hit points"),
    "potion-of-healing-greater": ("potion-of-greater-healing", "4d4+4", r"regain 4d4 \+ 4 hit points"),
    "potion-of-healing-superior": ("potion-of-superior-healing", "8d4+8", r"regain 8d4 \+ 8 hit points"),
    "potion-of-healing-supreme": ("potion-of-supreme-healing", "10d4+20", r"regain 10d4 \+ 20 hit points"),
}

WEAPON_KEYS = {
    "index", "name", "equipment_category", "weapon_category", "weapon_range",
    "category_range", "cost", "damage", "two_handed_damage", "range",
    "throw_range", "weight", "properties", "special", "url", "image",
}
ARMOR_KEYS = {
    "index", "name", "equipment_category", "armor_category", "armor_class",
    "str_minimum", "stealth_disadvantage", "weight", "cost", "url", "image",
}


class SrdError(Exception):
    """The export holds something this script does not know how to convert."""


def fail(entry: str, what: str) -> None:
    raise SrdError(f"{entry}: {what}")


def load(srd: Path, name: str) -> list:
    try:
        return json.loads((srd / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SrdError(f"{name}: missing from {srd}") from None


def only_keys(entry: str, raw: dict, allowed: set[str]) -> None:
    extra = set(raw) - allowed
    if extra:
        fail(entry, f"unknown fields {sorted(extra)}")


def number(value: float | int) -> float | int:
    """An integral float as an int, so the file reads 3 rather than 3.0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(value)
    return int(value) if float(value).is_integer() else value


def cost_cp(entry: str, cost: dict) -> int:
    only_keys(entry, cost, {"quantity", "unit"})
    if cost["unit"] not in COIN_CP:
        fail(entry, f"unknown coin {cost['unit']!r}")
    return cost["quantity"] * COIN_CP[cost["unit"]]


def weight(entry: str, value) -> float:
    """Pounds, always written as a float ("4.0") to match the f64 of the schema."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        fail(entry, f"bad weight {value!r}")
    return float(value)


DICE = re.compile(r"^(\d+d\d+|\d+)$")


def damage(entry: str, raw: dict) -> dict:
    only_keys(entry, raw, {"damage_dice", "damage_type"})
    dice = raw["damage_dice"]
    if not DICE.match(dice):
        fail(entry, f"unknown damage dice {dice!r}")
    kind = raw["damage_type"]["index"]
    if kind not in DAMAGE_TYPES:
        fail(entry, f"unknown damage type {kind!r}")
    return {"dice": dice, "damage_type": kind}


def span(entry: str, raw: dict) -> list[int]:
    only_keys(entry, raw, {"normal", "long"})
    if "long" not in raw:
        fail(entry, f"range without a long range: {raw}")
    return [raw["normal"], raw["long"]]


def convert_weapon(raw: dict, corrections: list[str]) -> dict:
    entry = raw["index"]
    only_keys(entry, raw, WEAPON_KEYS)
    category = raw["weapon_category"].lower()
    kind = raw["weapon_range"].lower()
    if category not in ("simple", "martial") or kind not in ("melee", "ranged"):
        fail(entry, f"unknown category {raw['category_range']!r}")
    if raw["category_range"] != f"{raw['weapon_category']} {raw['weapon_range']}":
        fail(entry, f"category_range {raw['category_range']!r} disagrees with its parts")
    properties = []
    for prop in raw["properties"]:
        if prop["index"] not in WEAPON_PROPERTIES:
            fail(entry, f"unknown property {prop['index']!r}")
        properties.append(prop["index"].replace("-", "_"))
    weapon = {
        "id": entry,
        "name": raw["name"],
        "category": category,
        "kind": kind,
        "properties": sorted(properties),
        "weight": weight(entry, raw["weight"]),
        "cost_cp": cost_cp(entry, raw["cost"]),
    }
    if "damage" in raw:
        weapon["damage"] = damage(entry, raw["damage"])
    elif "special" not in properties:
        fail(entry, "no damage and no special property")
    if "two_handed_damage" in raw:
        if "versatile" not in properties:
            fail(entry, "two-handed damage without the versatile property")
        versatile = damage(entry, raw["two_handed_damage"])
        if versatile["damage_type"] != weapon["damage"]["damage_type"]:
            fail(entry, "versatile damage of another type")
        weapon["versatile_damage"] = versatile["dice"]
    elif "versatile" in properties:
        fail(entry, "versatile without two-handed damage")
    # Melee weapons carry {"normal": 5} as their range: that is reach, which
    # the `reach` property extends to 10 ft, so only ranged weapons keep it.
    if kind == "ranged":
        weapon["range"] = span(entry, raw["range"])
    elif raw["range"] != {"normal": 5}:
        fail(entry, f"melee weapon with range {raw['range']}")
    if "throw_range" in raw:
        if "thrown" not in properties:
            fail(entry, "throw range without the thrown property")
        weapon["throw_range"] = span(entry, raw["throw_range"])
    elif "thrown" in properties:
        fail(entry, "thrown without a throw range")
    if kind == "ranged" and "thrown" not in properties and "ammunition" not in properties:
        fail(entry, "ranged weapon that is neither thrown nor fires ammunition")
    if ("ammunition" in properties) != (entry in WEAPON_AMMUNITION):
        fail(entry, "the ammunition property and WEAPON_AMMUNITION disagree")
    if entry in WEAPON_AMMUNITION:
        weapon["ammunition"] = WEAPON_AMMUNITION[entry]
    # "Crossbow, light" is also called what players say: "Light crossbow".
    if ", " in raw["name"]:
        noun, adjective = raw["name"].split(", ", 1)
        weapon["aliases"] = [f"{adjective.capitalize()} {noun.lower()}"]
    if weapon.get("damage", {}).get("dice") == "1":
        corrections.append(f"{entry}: damage is a flat 1, not a die (kept as \"1\")")
    return weapon


def convert_armor(raw: dict) -> dict:
    entry = raw["index"]
    only_keys(entry, raw, ARMOR_KEYS)
    category = raw["armor_category"].lower()
    if category not in ("light", "medium", "heavy", "shield"):
        fail(entry, f"unknown armor category {raw['armor_category']!r}")
    ac = raw["armor_class"]
    only_keys(entry, ac, {"base", "dex_bonus", "max_bonus"})
    armor = {
        "id": entry,
        "name": raw["name"],
        "category": category,
        "base_ac": ac["base"],
        "dex_bonus": ac["dex_bonus"],
        "str_minimum": raw["str_minimum"],
        "stealth_disadvantage": raw["stealth_disadvantage"],
        "weight": weight(entry, raw["weight"]),
        "cost_cp": cost_cp(entry, raw["cost"]),
    }
    if "max_bonus" in ac:
        if not ac["dex_bonus"]:
            fail(entry, "a Dexterity cap without a Dexterity bonus")
        armor["max_dex"] = ac["max_bonus"]
    # The rules each category implies, checked so a data slip shows.
    expected = {
        "light": (True, None),
        "medium": (True, 2),
        "heavy": (False, None),
        "shield": (False, None),
    }[category]
    if (ac["dex_bonus"], ac.get("max_bonus")) != expected:
        fail(entry, f"{category} armor with Dexterity rule {ac}")
    return armor


def weapons_and_armor(srd: Path, corrections: list[str]) -> tuple[list, list, list]:
    """Weapons, armor, and the gear a character holds besides them
    (ammunition, potions of healing)."""
    known = {p["index"] for p in load(srd, "5e-SRD-Weapon-Properties.json")}
    if known != WEAPON_PROPERTIES:
        raise SrdError(f"weapon properties changed: {sorted(known ^ WEAPON_PROPERTIES)}")
    weapons, armor, gear = [], [], []
    for raw in load(srd, "5e-SRD-Equipment.json"):
        category = raw["equipment_category"]["index"]
        if category == "weapon":
            weapons.append(convert_weapon(raw, corrections))
        elif category == "armor":
            armor.append(convert_armor(raw))
        elif raw.get("gear_category", {}).get("index") == "ammunition":
            gear.append({
                "id": raw["index"],
                "name": raw["name"],
                "kind": "ammunition",
                "quantity": raw["quantity"],
                "weight": weight(raw["index"], raw["weight"]),
                "cost_cp": cost_cp(raw["index"], raw["cost"]),
            })
    fired = set(WEAPON_AMMUNITION.values())
    if fired != {g["id"] for g in gear}:
        raise SrdError(f"ammunition changed: {sorted(fired ^ {g['id'] for g in gear})}")
    potions = {m["index"]: m for m in load(srd, "5e-SRD-Magic-Items.json")}
    for index, (id_, dice, pattern) in POTIONS.items():
        raw = potions.get(index)
        if raw is None:
            fail(index, "no such magic item")
        confirm(index, {"index": index, "desc": raw["desc"]}, pattern)
        gear.append({"id": id_, "name": raw["name"], "kind": "potion", "quantity": 1, "healing": dice})
    return (
        sorted(weapons, key=lambda w: w["id"]),
        sorted(armor, key=lambda a: a["id"]),
        sorted(gear, key=lambda g: g["id"]),
    )


def counter(entry: str, key: str, value, out: dict) -> None:
    """One class_specific (or subclass_specific) figure, kept generic."""
    if isinstance(value, bool):
        out[key] = value
    elif isinstance(value, (int, float)):
        out[key] = number(value)
    elif isinstance(value, dict) and set(value) == {"dice_count", "dice_value"}:
        out[key] = f"{value['dice_count']}d{value['dice_value']}"
    elif isinstance(value, list) and key == "creating_spell_slots":
        # Sorcerer's Flexible Casting table: one number per slot level.
        for row in value:
            only_keys(entry, row, {"spell_slot_level", "sorcery_point_cost"})
            out[f"creating_spell_slot_level_{row['spell_slot_level']}_cost"] = row["sorcery_point_cost"]
    else:
        fail(entry, f"unknown class_specific shape {key}: {value!r}")


SLOT_KEY = re.compile(r"^spell_slots_level_([1-9])$")


def level_spellcasting(entry: str, raw: dict) -> dict:
    slots = [0] * 9
    out: dict = {}
    for key, value in raw.items():
        match = SLOT_KEY.match(key)
        if match:
            slots[int(match.group(1)) - 1] = value
        elif key in ("cantrips_known", "spells_known"):
            out[key] = value
        else:
            fail(entry, f"unknown spellcasting field {key!r}")
    out["slots"] = slots
    return out


def ability(entry: str, index: str) -> str:
    if index not in ABILITIES:
        fail(entry, f"unknown ability {index!r}")
    return ABILITIES[index]


def by_ability_order(names: list[str]) -> list[str]:
    return sorted(names, key=ABILITY_ORDER.index)


def feature_refs(entry: str, raw: list, features: dict) -> list[dict]:
    refs = []
    for f in raw:
        if f["index"] not in features:
            fail(entry, f"unknown feature {f['index']!r}")
        refs.append({"id": f["index"], "name": f["name"]})
    return refs


def convert_class(raw: dict, levels: list, features: dict, proficiencies: dict, categories: dict) -> dict:
    entry = raw["index"]
    armor, weapons, tools = [], [], []
    saves = by_ability_order([ability(entry, s["index"]) for s in raw["saving_throws"]])
    for prof in raw["proficiencies"]:
        kind = proficiencies.get(prof["index"])
        if kind is None:
            fail(entry, f"unknown proficiency {prof['index']!r}")
        if kind == "Armor":
            armor.append(prof["name"])
        elif kind == "Weapons":
            weapons.append(prof["name"])
        elif kind == "Saving Throws":
            if ability(entry, prof["index"].removeprefix("saving-throw-")) not in saves:
                fail(entry, f"saving throw proficiency {prof['index']} not in saving_throws")
        elif kind in ("Artisan's Tools", "Other", "Gaming Sets", "Musical Instruments", "Vehicles"):
            tools.append(prof["name"])
        else:
            fail(entry, f"fixed proficiency of type {kind!r}")
    skill_choices = None
    for choice in raw["proficiency_choices"]:
        options = choice["from"].get("options", [])
        items = [o.get("item", {}).get("index", "") for o in options]
        if items and all(i.startswith("skill-") for i in items):
            if skill_choices is not None:
                fail(entry, "two skill choices")
            skills = [i.removeprefix("skill-") for i in items]
            for skill in skills:
                if skill not in SKILLS:
                    fail(entry, f"unknown skill {skill!r}")
            skill_choices = {
                "choose": choice["choose"],
                "from": [s.replace("-", "_") for s in skills],
            }
    if skill_choices is None:
        fail(entry, "no skill choice")
    out = {
        "id": entry,
        "name": raw["name"],
        "hit_die": raw["hit_die"],
        "saving_throws": saves,
        "armor_proficiencies": armor,
        "weapon_proficiencies": weapons,
        "tool_proficiencies": tools,
        "skill_choices": skill_choices,
    }
    if "spellcasting" in raw:
        if entry not in CASTERS:
            fail(entry, "spellcasting class missing from CASTERS")
        out["spellcasting"] = {
            "ability": ability(entry, raw["spellcasting"]["spellcasting_ability"]["index"]),
            "caster": CASTERS[entry],
        }
    elif entry in CASTERS:
        fail(entry, "in CASTERS but the export gives no spellcasting")
    rows = sorted(
        (lv for lv in levels if lv["class"]["index"] == entry and "subclass" not in lv),
        key=lambda lv: lv["level"],
    )
    if [lv["level"] for lv in rows] != list(range(1, 21)):
        fail(entry, "levels are not exactly 1 to 20")
    out["levels"] = []
    for lv in rows:
        where = f"{entry} level {lv['level']}"
        only_keys(where, lv, {
            "level", "ability_score_bonuses", "prof_bonus", "features",
            "spellcasting", "class_specific", "class", "index", "url",
        })
        row = {
            "level": lv["level"],
            "proficiency_bonus": lv["prof_bonus"],
            "ability_score_improvements": lv["ability_score_bonuses"],
            "features": feature_refs(where, lv["features"], features),
        }
        counters: dict = {}
        for key, value in lv.get("class_specific", {}).items():
            counter(where, key, value, counters)
        if counters:
            row["counters"] = counters
        if "spellcasting" in lv:
            if "spellcasting" not in out:
                fail(where, "slots for a class without spellcasting")
            row["spellcasting"] = level_spellcasting(where, lv["spellcasting"])
        out["levels"].append(row)
    subclasses = []
    for sub in raw["subclasses"]:
        sub_rows = sorted(
            (lv for lv in levels if lv.get("subclass", {}).get("index") == sub["index"]),
            key=lambda lv: lv["level"],
        )
        sub_levels = []
        for lv in sub_rows:
            where = f"{sub['index']} level {lv['level']}"
            only_keys(where, lv, {"level", "features", "subclass_specific", "subclass", "class", "index", "url"})
            if lv["class"]["index"] != entry:
                fail(where, "subclass level of another class")
            row = {"level": lv["level"], "features": feature_refs(where, lv["features"], features)}
            counters = {}
            for key, value in lv.get("subclass_specific", {}).items():
                counter(where, key, value, counters)
            if counters:
                row["counters"] = counters
            sub_levels.append(row)
        subclasses.append({"id": sub["index"], "name": sub["name"], "levels": sub_levels})
    out["subclasses"] = subclasses
    out["combat_features"] = combat_features(entry, out["levels"], features)
    out["equipment"] = starting_equipment(entry, raw, categories)
    return out


def starting_equipment(entry: str, raw: dict, categories: dict) -> dict:
    """The class's equipment package: what it always gets (`fixed`), and
    each choice as its options, an option being parts that are one item
    (`id`, `count`) or `count` items of an equipment category. The members
    of every category named are listed once under `categories`."""
    fixed = []
    for e in raw["starting_equipment"]:
        only_keys(entry, e, {"equipment", "quantity"})
        fixed.append({"id": e["equipment"]["index"], "count": e["quantity"]})
    named: dict = {}

    def category(where: str, ch: dict) -> dict:
        only_keys(where, ch, {"desc", "choose", "type", "from"})
        frm = ch["from"]
        if frm.get("option_set_type") != "equipment_category":
            fail(where, f"a nested choice of {frm.get('option_set_type')!r}")
        cat = frm["equipment_category"]["index"]
        if cat not in categories:
            fail(where, f"unknown equipment category {cat!r}")
        named[cat] = categories[cat]
        return {"category": cat, "count": ch["choose"]}

    def part(where: str, o: dict) -> list:
        kind = o.get("option_type")
        if kind == "counted_reference":
            return [{"id": o["of"]["index"], "count": o["count"]}]
        if kind == "choice":
            return [category(where, o["choice"])]
        if kind == "multiple":
            out = []
            for item in o["items"]:
                if item.get("option_type") == "multiple":
                    fail(where, "a package inside a package")
                out.extend(part(where, item))
            return out
        fail(where, f"an equipment option of type {kind!r}")
        return []

    choices = []
    for n, s in enumerate(raw["starting_equipment_options"], 1):
        where = f"{entry} equipment choice {n}"
        only_keys(where, s, {"desc", "choose", "type", "from"})
        if s["choose"] != 1:
            fail(where, f"choose {s['choose']} of the options")
        frm = s["from"]
        if frm["option_set_type"] == "equipment_category":
            choices.append([[category(where, s)]])
        elif frm["option_set_type"] == "options_array":
            choices.append([part(where, o) for o in frm["options"]])
        else:
            fail(where, f"an option set of type {frm['option_set_type']!r}")
    return {"fixed": fixed, "choices": choices, "categories": dict(sorted(named.items()))}


# ---------------------------------------------------------------------------
# Class combat features of levels 1 to 5: their rules as figures.
#
# The export has each feature's id, name, class and level, and the level
# tables' columns (rage_count, sneak_attack, ki_points, ...); the mechanics
# are only in prose. They come from the table below, keyed by feature id;
# names and levels come from the export, every column a feature names must
# exist in its class's table, and `confirm` patterns check a few figures
# against the feature's text at generation time, so a changed SRD stops the
# script instead of shipping a stale figure. No prose is written out.

def _apply(name: str, *, on_self: bool = False, **ongoing) -> dict:
    step = {"type": "apply", "effect": {"name": name, **ongoing}}
    if on_self:
        step["on_self"] = True
    return step


def _full() -> dict:
    return {"level": "full", "missing": []}


def _partial(*missing: str) -> dict:
    return {"level": "partial", "missing": list(missing)}


def _listed(*missing: str) -> dict:
    return {"level": "listed", "missing": list(missing)}


# What the engine does with each SRD racial trait. Every trait of the export
# must be here, so a new one stops the script until it is classified. The
# figures themselves come from the tables above; this says how much of the
# trait's rule the engine applies.
NO_LIGHT = "the engine has no light or vision: the range is on the sheet for the table"
NO_WEAPON_PROFICIENCY = "weapon proficiencies are not tracked: every weapon attack adds proficiency"
OUTSIDE_PLAY = "a rule of exploration, social play or downtime, left to the table"
RACE_TRAIT_AUTOMATION = {
    "darkvision": _partial(NO_LIGHT),
    "dwarven-resilience": _full(),
    "dwarven-combat-training": _listed(NO_WEAPON_PROFICIENCY),
    "tool-proficiency": _listed(OUTSIDE_PLAY),
    "stonecunning": _listed(OUTSIDE_PLAY),
    "dwarven-toughness": _full(),
    "keen-senses": _full(),
    "fey-ancestry": _partial("immunity to magical sleep"),
    "trance": _listed(OUTSIDE_PLAY),
    "elf-weapon-training": _listed(NO_WEAPON_PROFICIENCY),
    "high-elf-cantrip": _listed("the cantrip is the player's choice: add it to the sheet"),
    "extra-language": _listed(OUTSIDE_PLAY),
    "lucky": _listed("rerolling a natural 1 on attack rolls, ability checks and saves"),
    "brave": _full(),
    "halfling-nimbleness": _listed("moving through larger creatures' spaces: no positions on the map"),
    "naturally-stealthy": _listed(OUTSIDE_PLAY),
    "draconic-ancestry": _full(),
    "breath-weapon": _full(),
    "damage-resistance": _full(),
    "gnome-cunning": _listed("advantage on Intelligence, Wisdom and Charisma saves against magic only"),
    "artificers-lore": _listed(OUTSIDE_PLAY),
    "tinker": _listed(OUTSIDE_PLAY),
    "skill-versatility": _listed("the two skills are the player's choice: add them to the sheet"),
    "menacing": _full(),
    "relentless-endurance": _listed("dropping to 1 hit point instead of 0 once per long rest"),
    "savage-attacks": _listed("an extra weapon damage die on a melee critical hit"),
    "hellish-resistance": _full(),
    "infernal-legacy": _listed("thaumaturgy, and hellish rebuke once per long rest from 3rd level"),
}


def _counter(key: str) -> dict:
    return {"kind": "counter", "counter": key}


def _extra_attack() -> dict:
    return {
        "activation": "passive",
        "grants": [{"kind": "extra_attacks", "count": 1}],
        "automation": _full(),
        "confirm": [r"attack twice"],
    }


def _fighting_style() -> dict:
    return {
        "activation": "passive",
        "automation": _listed("a style chosen from a list; the chosen style's rule is not in the data yet"),
    }


_BARDIC_INSPIRATION = {
    "activation": "bonus_action",
    "uses": {
        "count": {"kind": "ability_modifier", "ability": "charisma", "min": 1},
        "restored_by": "long",
        "short_rest_from": 5,
    },
    "scales_with": {"counter": "bardic_inspiration_die", "die_size": True},
    "effects": [_apply(
        "Bardic Inspiration",
        duration={"until": "rounds", "rounds": 100},
        used_by="own_attack",
        modifiers={"attack_dice": "1d6"},
    )],
    "figures": {"range_ft": 60},
    "automation": _partial(
        "the die may go to one ability check or saving throw instead; used_by names one kind of "
        "roll, so the tree spends it on the creature's next attack roll",
        "the creature chooses to roll it after seeing its d20; the board adds it to the next attack "
        "without asking",
        "one creature other than the bard, within 60 ft, that can hear; one die at a time",
    ),
    "confirm": [r"10 minutes", r"Charisma modifier \(a minimum of once\)"],
}

_WILD_SHAPE = {
    "activation": "action",
    "uses": {"count": {"kind": "fixed", "times": 2}, "restored_by": "short"},
    "scales_with": {"counter": "wild_shape_max_cr"},
    "automation": _partial(
        "the beast form's statistics and hit points, and the return to the druid's own form, are "
        "not automated (the level table gives the highest challenge rating and whether flying "
        "and swimming forms are allowed)",
    ),
    "confirm": [r"twice"],
}

COMBAT_FEATURES = {
    # Barbarian
    "rage": {
        "activation": "bonus_action",
        "uses": {"count": _counter("rage_count"), "restored_by": "long"},
        "scales_with": {"counter": "rage_damage_bonus"},
        "effects": [_apply(
            "Rage",
            on_self=True,
            duration={"until": "rounds", "rounds": 10},
            modifiers={
                "resistances": ["bludgeoning", "piercing", "slashing"],
                "save_advantage": ["strength"],
                "weapon_damage": {"dice": "2"},
            },
        )],
        "automation": _partial(
            "the damage bonus is for melee weapon attacks using Strength only, but weapon_damage "
            "adds it to every weapon attack: the DM core must leave it out of ranged and "
            "Dexterity attacks",
            "advantage on Strength checks (the schema has no advantage on checks)",
            "ends early on falling unconscious or when a turn ends without attacking a hostile "
            "creature or taking damage since the last one",
            "no benefit in heavy armor; no spellcasting or concentration while raging",
        ),
        "confirm": [r"\+2 bonus to the damage roll", r"bludgeoning, piercing, and slashing", r"1 minute"],
    },
    "barbarian-unarmored-defense": {
        "activation": "passive",
        "grants": [{"kind": "armor_class", "base": 10, "abilities": ["dexterity", "constitution"], "shield": True}],
        "automation": _full(),
        "confirm": [r"10 \+ your Dexterity modifier \+ your Constitution modifier", r"shield"],
    },
    "reckless-attack": {
        "activation": "free",
        "effects": [_apply(
            "Reckless Attack",
            on_self=True,
            duration={"until": "start_of_own_turn"},
            modifiers={"attacks": 1, "attacked": 1},
        )],
        "automation": _partial(
            "the advantage is for melee weapon attacks using Strength during this turn only; "
            "`attacks` gives it to every attack until the effect ends",
        ),
    },
    "danger-sense": {
        "activation": "passive",
        "effects": [_apply("Danger Sense", on_self=True, modifiers={"save_advantage": ["dexterity"]})],
        "automation": _partial(
            "only against effects the barbarian can see (traps, spells), and not while blinded, "
            "deafened or incapacitated",
        ),
    },
    "barbarian-extra-attack": _extra_attack(),
    "fast-movement": {
        "activation": "passive",
        "grants": [{"kind": "speed", "feet": 10}],
        "automation": _partial("not while wearing heavy armor"),
        "confirm": [r"10 feet"],
    },
    # Bard
    "bardic-inspiration-d6": _BARDIC_INSPIRATION,
    "bardic-inspiration-d8": {**_BARDIC_INSPIRATION, "replaces": "bardic-inspiration-d6", "confirm": []},
    # Cleric
    "channel-divinity-1-rest": {
        "activation": "passive",
        "uses": {"count": _counter("channel_divinity_charges"), "restored_by": "short"},
        "automation": _full(),
    },
    "channel-divinity-turn-undead": {
        "activation": "action",
        "cost": {"kind": "uses", "feature": "channel-divinity-1-rest", "amount": 1},
        "save_dc_ability": "wisdom",
        "effects": [{
            "type": "save",
            "ability": "wisdom",
            "fail": [_apply(
                "Turned",
                duration={"until": "rounds", "rounds": 10},
                ends_on_damage=True,
                modifiers={"no_reactions": True},
            )],
        }],
        "figures": {"range_ft": 30},
        "automation": _partial(
            "only undead within 30 ft that can see or hear the cleric: the DM core picks the targets",
            "a turned creature must move away and may only Dash or try to escape; the board keeps "
            "no such restriction",
        ),
        "confirm": [r"Wisdom saving throw", r"1 minute or until it takes any damage", r"can't take reactions", r"30 feet"],
    },
    "destroy-undead-cr-1-2-or-below": {
        "activation": "passive",
        "scales_with": {"counter": "destroy_undead_cr"},
        "automation": _partial(
            "an undead of at most the destroy_undead_cr column's challenge rating that fails its "
            "save against Turn Undead is destroyed instead: the tree only turns it, "
            "features::destroys_undead decides",
        ),
    },
    # Druid
    "wild-shape-cr-1-4-or-below-no-flying-or-swim-speed": _WILD_SHAPE,
    "wild-shape-cr-1-2-or-below-no-flying-speed": {
        **_WILD_SHAPE,
        "replaces": "wild-shape-cr-1-4-or-below-no-flying-or-swim-speed",
        "confirm": [],
    },
    # Fighter
    "fighter-fighting-style": _fighting_style(),
    "second-wind": {
        "activation": "bonus_action",
        "uses": {"count": {"kind": "fixed", "times": 1}, "restored_by": "short"},
        "effects": [{"type": "heal", "amount": {"dice": "1d10", "add_level": True}}],
        "automation": _full(),
        "confirm": [r"1d10 \+ your fighter level", r"short or long rest"],
    },
    "action-surge-1-use": {
        "activation": "free",
        "uses": {"count": _counter("action_surges"), "restored_by": "short"},
        "grants": [{"kind": "extra_action"}],
        "automation": _full(),
        "confirm": [r"one additional action", r"short or long rest"],
    },
    "extra-attack-1": _extra_attack(),
    # Monk
    "monk-unarmored-defense": {
        "activation": "passive",
        "grants": [{"kind": "armor_class", "base": 10, "abilities": ["dexterity", "wisdom"], "shield": False}],
        "automation": _full(),
        "confirm": [r"10 \+ your Dexterity modifier \+ your Wisdom modifier"],
    },
    "martial-arts": {
        "activation": "passive",
        "scales_with": {"counter": "martial_arts"},
        "grants": [{"kind": "unarmed_strikes", "count": 1}],
        "automation": _partial(
            "the martial arts die replaces the damage die of unarmed strikes and monk weapons, and "
            "Dexterity may replace Strength: build the attack with features::weapon_attack and "
            "features::martial_arts_die",
            "the bonus unarmed strike needs the Attack action with an unarmed strike or a monk "
            "weapon earlier in the turn",
        ),
    },
    "ki": {
        "activation": "passive",
        "uses": {"count": _counter("ki_points"), "restored_by": "short"},
        "save_dc_ability": "wisdom",
        "automation": _full(),
        "confirm": [r"8 \+ your proficiency bonus \+ your Wisdom modifier"],
    },
    "flurry-of-blows": {
        "activation": "bonus_action",
        "cost": {"kind": "uses", "feature": "ki", "amount": 1},
        "grants": [{"kind": "unarmed_strikes", "count": 2}],
        "automation": _partial("only right after the Attack action in the same turn (the DM core's turn order)"),
        "confirm": [r"two unarmed strikes"],
    },
    "patient-defense": {
        "activation": "bonus_action",
        "cost": {"kind": "uses", "feature": "ki", "amount": 1},
        "grants": [{"kind": "bonus_actions", "actions": ["dodge"]}],
        "automation": _full(),
    },
    "step-of-the-wind": {
        "activation": "bonus_action",
        "cost": {"kind": "uses", "feature": "ki", "amount": 1},
        "grants": [{"kind": "bonus_actions", "actions": ["dash", "disengage"]}],
        "automation": _partial("the jump distance doubled for the turn"),
    },
    "deflect-missiles": {
        "activation": "reaction",
        "grants": [{"kind": "reduce_damage", "amount": {"dice": "1d10", "add_modifier": True, "add_level": True}}],
        "automation": _partial(
            "only against a ranged weapon attack that hits (the DM core offers the reaction)",
            "catching the missile at 0 damage and throwing it back for 1 ki point",
        ),
        "confirm": [r"1d10 \+ your Dexterity modifier \+ your monk level"],
    },
    "monk-extra-attack": _extra_attack(),
    "stunning-strike": {
        "activation": "on_hit",
        "hit_with": "melee_weapon",
        "cost": {"kind": "uses", "feature": "ki", "amount": 1},
        "save_dc_ability": "wisdom",
        "effects": [{
            "type": "save",
            "ability": "constitution",
            "fail": [_apply(
                "Stunning Strike",
                conditions=["stunned"],
                duration={"until": "end_of_source_turn"},
            )],
        }],
        "automation": _full(),
        "confirm": [r"Constitution saving throw", r"stunned until the end of your next turn"],
    },
    # Paladin
    "divine-sense": {
        "activation": "action",
        "uses": {"count": {"kind": "ability_modifier", "ability": "charisma", "plus": 1}, "restored_by": "long"},
        "figures": {"range_ft": 60},
        "automation": _partial(
            "what it reveals (celestials, fiends and undead within 60 ft not behind total cover, "
            "consecrated or desecrated places) is for the DM to narrate",
        ),
        "confirm": [r"1 \+ your Charisma modifier", r"60 feet"],
    },
    "lay-on-hands": {
        "activation": "action",
        "pool": {"per_level": 5, "restored_by": "long"},
        "automation": _partial(
            "the hit points drawn from the pool are chosen each use: features::lay_on_hands builds "
            "the heal",
            "curing a disease or neutralizing a poison for 5 points",
            "no effect on undead and constructs",
        ),
        "confirm": [r"paladin level x 5", r"5 hit points"],
    },
    "paladin-fighting-style": _fighting_style(),
    "divine-smite": {
        "activation": "on_hit",
        "hit_with": "melee_weapon",
        "cost": {"kind": "spell_slot", "min_level": 1},
        "effects": [{
            "type": "damage",
            "amount": {"dice": "2d8", "by_slot_level": {"2": "3d8", "3": "4d8", "4": "5d8"}},
            "damage_type": "radiant",
        }],
        "figures": {"extra_dice_vs_undead_or_fiend": "1d8"},
        "automation": _partial(
            "1d8 more against an undead or a fiend: the tree cannot ask the target's type, "
            "features::divine_smite_dice adds it",
        ),
        "confirm": [r"2d8 for a 1st-level spell slot", r"maximum of 5d8", r"undead or a fiend"],
    },
    "divine-health": {
        "activation": "passive",
        "automation": _listed("immunity to disease: diseases are not modeled"),
    },
    "paladin-extra-attack": _extra_attack(),
    # Ranger
    "favored-enemy-1-type": {
        "activation": "passive",
        "automation": _listed("advantage on checks to track and to recall lore about the chosen enemy type; no combat figures"),
    },
    "natural-explorer-1-terrain-type": {
        "activation": "passive",
        "automation": _listed("travel and exploration benefits in the chosen terrain; no combat figures"),
    },
    "ranger-fighting-style": _fighting_style(),
    "ranger-extra-attack": _extra_attack(),
    # Rogue
    "sneak-attack": {
        "activation": "on_hit",
        "hit_with": "finesse_or_ranged_weapon",
        "once_per_turn": True,
        "scales_with": {"counter": "sneak_attack"},
        "effects": [{"type": "damage", "amount": {"dice": "1d6"}}],
        "automation": _full(),
        "confirm": [r"Once per turn", r"extra 1d6 damage", r"finesse or a ranged weapon", r"within 5 feet"],
    },
    "cunning-action": {
        "activation": "bonus_action",
        "grants": [{"kind": "bonus_actions", "actions": ["dash", "disengage", "hide"]}],
        "automation": _full(),
        "confirm": [r"Dash, Disengage, or Hide"],
    },
    "uncanny-dodge": {
        "activation": "reaction",
        "grants": [{"kind": "halve_attack_damage"}],
        "automation": _full(),
        "confirm": [r"halve the attack's damage"],
    },
    # Sorcerer
    "font-of-magic": {
        "activation": "passive",
        "uses": {"count": _counter("sorcery_points"), "restored_by": "long"},
        "automation": _partial(
            "turning sorcery points into spell slots and back (the costs are the level table's "
            "creating_spell_slot_level_N_cost columns) is not automated",
        ),
    },
    # Warlock
    "pact-magic": {
        "activation": "passive",
        "uses": {"count": {"kind": "spell_slots"}, "restored_by": "short"},
        "automation": _full(),
    },
    # Wizard
    "arcane-recovery": {
        "activation": "rest",
        "uses": {"count": {"kind": "fixed", "times": 1}, "restored_by": "long"},
        "scales_with": {"counter": "arcane_recovery_levels"},
        "automation": _partial(
            "the slots recovered are chosen: a combined level up to the arcane_recovery_levels "
            "column, none of 6th level or higher",
        ),
        "confirm": [r"Once per day", r"6th level or higher"],
    },
}

FEATURE_KEYS = {
    "activation", "replaces", "hit_with", "once_per_turn", "uses", "cost", "pool",
    "save_dc_ability", "scales_with", "effects", "grants", "figures", "automation", "confirm",
}


def combat_features(entry: str, rows: list[dict], features: dict) -> list[dict]:
    """The table's features of class `entry`, checked against the export."""
    out = []
    ids = {i for i, f in COMBAT_FEATURES.items() if features.get(i, {}).get("class", {}).get("index") == entry}
    for index, figures in COMBAT_FEATURES.items():
        srd = features.get(index)
        if srd is None:
            fail(index, "combat feature missing from the export")
        if srd["class"]["index"] != entry:
            continue
        where = f"{entry} feature {index}"
        only_keys(where, figures, FEATURE_KEYS)
        level = srd["level"]
        if not 1 <= level <= 5:
            fail(where, f"gained at level {level}, outside 1 to 5")
        if not any(f["id"] == index for f in rows[level - 1]["features"]):
            fail(where, f"not in the level {level} row")
        for pattern in figures.get("confirm", []):
            confirm(where, srd, pattern)
        row = rows[level - 1].get("counters", {})
        named = []
        if figures.get("uses", {}).get("count", {}).get("kind") == "counter":
            named.append(figures["uses"]["count"]["counter"])
        if "scales_with" in figures:
            named.append(figures["scales_with"]["counter"])
        for key in named:
            if key not in row:
                fail(where, f"names column {key!r}, not in the level table")
        cost = figures.get("cost", {})
        if cost.get("kind") == "uses" and cost["feature"] not in ids:
            fail(where, f"spends the uses of {cost['feature']!r}, not a combat feature of the class")
        if "replaces" in figures:
            old = features.get(figures["replaces"])
            if figures["replaces"] not in ids or old["level"] >= level:
                fail(where, f"replaces {figures['replaces']!r}, not an earlier feature of the class")
        feature = {"id": index, "name": srd["name"], "level": level}
        feature.update({k: v for k, v in figures.items() if k != "confirm"})
        out.append(feature)
    return sorted(out, key=lambda f: (f["level"], f["id"]))


def classes(srd: Path) -> list:
    features = {f["index"]: f for f in load(srd, "5e-SRD-Features.json")}
    proficiencies = {p["index"]: p["type"] for p in load(srd, "5e-SRD-Proficiencies.json")}
    levels = load(srd, "5e-SRD-Levels.json")
    categories = {
        c["index"]: [e["index"] for e in c["equipment"]]
        for c in load(srd, "5e-SRD-Equipment-Categories.json")
    }
    out = [
        convert_class(c, levels, features, proficiencies, categories)
        for c in load(srd, "5e-SRD-Classes.json")
    ]
    return sorted(out, key=lambda c: c["id"])


def bonuses(entry: str, raw: list) -> dict:
    out = {}
    for b in raw:
        only_keys(entry, b, {"ability_score", "bonus"})
        out[ability(entry, b["ability_score"]["index"])] = b["bonus"]
    return out


def confirm(entry: str, trait: dict, pattern: str) -> None:
    """Checks a figure taken from this script's tables against a trait's or feature's text."""
    text = " ".join(trait["desc"])
    if not re.search(pattern, text):
        fail(entry, f"{trait['index']} no longer says {pattern!r}")


def trait_figures(entry: str, refs: list, traits: dict, race: dict | None, sub: dict) -> list[dict]:
    """Trait references with their automation, recording darkvision,
    resistances and save advantages in `race` (when given) and hit points
    per level and skills in `sub` (the race or the subrace)."""
    out = []
    for ref in refs:
        trait = traits.get(ref["index"])
        if trait is None:
            fail(entry, f"unknown trait {ref['index']!r}")
        index = ref["index"]
        if index not in RACE_TRAIT_AUTOMATION:
            fail(entry, f"trait {index} is not classified in RACE_TRAIT_AUTOMATION")
        out.append({"id": index, "name": ref["name"], "automation": RACE_TRAIT_AUTOMATION[index]})
        if index in SAVE_ADVANTAGE_TRAITS:
            if race is None:
                fail(entry, f"subrace trait {index} changes save advantages")
            condition, pattern = SAVE_ADVANTAGE_TRAITS[index]
            confirm(entry, trait, pattern)
            race.setdefault("save_advantage_against", []).append(condition)
        if index in HP_PER_LEVEL_TRAITS:
            amount, pattern = HP_PER_LEVEL_TRAITS[index]
            confirm(entry, trait, pattern)
            sub["hp_per_level"] = sub.get("hp_per_level", 0) + amount
        if index in SKILL_TRAITS:
            skill, pattern = SKILL_TRAITS[index]
            confirm(entry, trait, pattern)
            if skill.replace("_", "-") not in SKILLS:
                fail(entry, f"unknown skill {skill!r}")
            sub.setdefault("skills", []).append(skill)
        if index in DARKVISION_TRAITS or index in RESISTANCE_TRAITS:
            if race is None:
                fail(entry, f"subrace trait {index} changes darkvision or resistances")
        if index in DARKVISION_TRAITS:
            confirm(entry, trait, rf"within {DARKVISION_TRAITS[index]} feet")
            race["darkvision_ft"] = DARKVISION_TRAITS[index]
        if index in RESISTANCE_TRAITS:
            kind = RESISTANCE_TRAITS[index]
            confirm(entry, trait, rf"resistance (to|against) {kind} damage")
            race.setdefault("resistances", []).append(kind)
        if "trait_specific" in trait and race is not None:
            specific = trait["trait_specific"]
            if set(specific) == {"subtrait_options"}:
                race["ancestries"] = ancestries(entry, specific["subtrait_options"], traits)
            elif set(specific) not in ({"spell_options"},):
                fail(entry, f"unknown trait_specific {sorted(specific)} in {index}")
    return out


def ancestries(entry: str, options: dict, traits: dict) -> list[dict]:
    """Draconic ancestries: the damage type each one gives the breath and resistance."""
    out = []
    for option in options["from"]["options"]:
        index = option["item"]["index"]
        specific = traits[index]["trait_specific"]
        only_keys(index, specific, {"damage_type", "breath_weapon"})
        kind = specific["damage_type"]["index"]
        if kind not in DAMAGE_TYPES:
            fail(index, f"unknown damage type {kind!r}")
        out.append({
            "id": index,
            "name": option["item"]["name"],
            "damage_type": kind,
            "breath": breath(index, specific["breath_weapon"], kind),
        })
    if options["choose"] != 1 or not out:
        fail(entry, "ancestry choice is not one of a list")
    return out


def breath(entry: str, raw: dict, kind: str) -> dict:
    """An ancestry's breath weapon as figures: its area, and an automation
    tree (a save for half, the dice by character level). The DC is the
    breather's own (8 + Constitution modifier + proficiency bonus), so the
    save carries none; uses are once per short or long rest."""
    only_keys(entry, raw, {"name", "desc", "area_of_effect", "usage", "dc", "damage"})
    area = raw["area_of_effect"]
    if area["type"] not in ("line", "cone"):
        fail(entry, f"breath area {area['type']!r}")
    if raw["usage"] != {"type": "per rest", "times": 1}:
        fail(entry, f"breath usage {raw['usage']!r}")
    if raw["dc"]["success_type"] != "half":
        fail(entry, f"breath save for {raw['dc']['success_type']!r}")
    if not re.search(r"8 \+ your Constitution modifier \+ your proficiency bonus", raw["desc"]):
        fail(entry, "the breath's DC is no longer 8 + Constitution modifier + proficiency bonus")
    save = ability(entry, raw["dc"]["dc_type"]["index"])
    [damage] = raw["damage"]
    if damage["damage_type"]["index"] != kind:
        fail(entry, "the breath's damage type is not the ancestry's")
    by_level = {int(k): v for k, v in damage["damage_at_character_level"].items()}
    first = by_level.pop(1)
    amount = {"dice": first, "by_character_level": {str(k): v for k, v in sorted(by_level.items())}}
    hit = {"type": "damage", "amount": amount, "damage_type": kind}
    return {
        "area": area["type"],
        "feet": area["size"],
        "effects": [{
            "type": "save",
            "ability": save,
            "fail": [hit],
            "success": [dict(hit, half=True)],
        }],
    }


def convert_race(raw: dict, subraces: dict, traits: dict) -> dict:
    entry = raw["index"]
    if raw["size"] not in SIZES:
        fail(entry, f"unknown size {raw['size']!r}")
    race: dict = {
        "id": entry,
        "name": raw["name"],
        "speed": raw["speed"],
        "size": raw["size"].lower(),
        "ability_bonuses": bonuses(entry, raw["ability_bonuses"]),
        "darkvision_ft": 0,
    }
    if "ability_bonus_options" in raw:
        opt = raw["ability_bonus_options"]
        picks = []
        bonus_values = set()
        for o in opt["from"]["options"]:
            if o.get("option_type") != "ability_bonus":
                fail(entry, f"unknown ability bonus option {o.get('option_type')!r}")
            picks.append(ability(entry, o["ability_score"]["index"]))
            bonus_values.add(o["bonus"])
        if len(bonus_values) != 1:
            fail(entry, "ability bonus options of different sizes")
        race["ability_bonus_choice"] = {
            "choose": opt["choose"],
            "bonus": bonus_values.pop(),
            "from": by_ability_order(picks),
        }
    race["traits"] = trait_figures(entry, raw["traits"], traits, race, race)
    race["resistances"] = sorted(race.get("resistances", []))
    if "save_advantage_against" in race:
        race["save_advantage_against"].sort()
    race["subraces"] = []
    for ref in raw["subraces"]:
        sub = subraces.get(ref["index"])
        if sub is None or sub["race"]["index"] != entry:
            fail(entry, f"unknown subrace {ref['index']!r}")
        only_keys(ref["index"], sub, {"index", "name", "race", "desc", "ability_bonuses", "racial_traits", "url"})
        out = {
            "id": sub["index"],
            "name": sub["name"],
            "ability_bonuses": bonuses(sub["index"], sub["ability_bonuses"]),
        }
        out["traits"] = trait_figures(sub["index"], sub["racial_traits"], traits, None, out)
        race["subraces"].append(out)
    return race


def races(srd: Path) -> list:
    traits = {t["index"]: t for t in load(srd, "5e-SRD-Traits.json")}
    subraces = {s["index"]: s for s in load(srd, "5e-SRD-Subraces.json")}
    out = [convert_race(r, subraces, traits) for r in load(srd, "5e-SRD-Races.json")]
    return sorted(out, key=lambda r: r["id"])


def items(srd: Path) -> list:
    """Every SRD equipment entry and magic item by id, name and category (and
    rarity for magic items): the names an adventure's treasure may hold. No
    descriptions are written."""
    out = {}
    for e in load(srd, "5e-SRD-Equipment.json"):
        only_keys(e["index"], e, {"index", "name", "equipment_category", "weapon_category", "weapon_range",
                                  "category_range", "cost", "damage", "range", "weight", "properties", "url",
                                  "desc", "gear_category", "contents", "quantity", "armor_category",
                                  "armor_class", "str_minimum", "stealth_disadvantage", "two_handed_damage",
                                  "special", "throw_range", "tool_category", "vehicle_category", "speed",
                                  "capacity", "image"})
        out[e["index"]] = {"id": e["index"], "name": e["name"], "category": e["equipment_category"]["index"]}
    for m in load(srd, "5e-SRD-Magic-Items.json"):
        only_keys(m["index"], m, {"index", "name", "equipment_category", "rarity", "variants", "variant",
                                  "desc", "image", "url"})
        if m["index"] in out:
            fail(m["index"], "a magic item shares its id with an equipment entry")
        out[m["index"]] = {
            "id": m["index"],
            "name": m["name"],
            "category": m["equipment_category"]["index"],
            "magic": True,
            "rarity": m["rarity"]["name"].lower(),
        }
    return sorted(out.values(), key=lambda i: i["id"])


def dump(value) -> str:
    return content_cli.to_json(value)


def generate(srd: Path) -> tuple[dict[str, str], list[str], dict]:
    """File name → JSON text, the corrections made, and counts for the summary."""
    corrections: list[str] = []
    weapons, armor, gear = weapons_and_armor(srd, corrections)
    class_list = classes(srd)
    race_list = races(srd)
    item_list = items(srd)
    files = {
        "weapons.json": dump(weapons),
        "armor.json": dump(armor),
        "gear.json": dump(gear),
        "classes.json": dump(class_list),
        "races.json": dump(race_list),
        "items.json": dump(item_list),
    }
    summary = {
        "weapons": len(weapons),
        "armor": len(armor),
        "gear": len(gear),
        "classes": len(class_list),
        "combat features": sum(len(c["combat_features"]) for c in class_list),
        "races": len(race_list),
        "subraces": sum(len(r["subraces"]) for r in race_list),
        "items": len(item_list),
    }
    return files, corrections, summary


def main() -> int:
    return content_cli.run(
        "content_gear",
        __doc__.splitlines()[0],
        generate,
        lambda c, n: ", ".join(f"{v} {k}" for k, v in c.items()) + f"; {n} notes",
        (SrdError, KeyError, TypeError),
    )


if __name__ == "__main__":
    sys.exit(main())
