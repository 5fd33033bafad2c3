#!/usr/bin/env python3
"""Convert the SRD 5.1 weapons, armor, classes and races into the project's content format.

Usage:
    python3 scripts/content_gear.py --srd ../shared/srd/2014-en --out rules/content
    python3 scripts/content_gear.py --srd ../shared/srd/2014-en --out rules/content --check

Reads the 5e-bits/5e-database export (equipment, weapon properties, classes,
levels, features, races, subraces, traits, proficiencies) and writes
`weapons.json`, `armor.json`, `classes.json` and `races.json` in the schemas
of `rules::content` (rules/src/content/gear.rs, class.rs, race.rs). Only game
figures are written: numbers, names, dice, damage types, proficiencies, level
tables. The `desc` prose is never written out; it is read only to confirm the
few race figures the structured data lacks (darkvision range, the damage type
a resistance trait names), which come from a table in this script.

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

ABILITIES = {
    "str": "strength",
    "dex": "dexterity",
    "con": "constitution",
    "int": "intelligence",
    "wis": "wisdom",
    "cha": "charisma",
}
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


def weapons_and_armor(srd: Path, corrections: list[str]) -> tuple[list, list]:
    known = {p["index"] for p in load(srd, "5e-SRD-Weapon-Properties.json")}
    if known != WEAPON_PROPERTIES:
        raise SrdError(f"weapon properties changed: {sorted(known ^ WEAPON_PROPERTIES)}")
    weapons, armor = [], []
    for raw in load(srd, "5e-SRD-Equipment.json"):
        category = raw["equipment_category"]["index"]
        if category == "weapon":
            weapons.append(convert_weapon(raw, corrections))
        elif category == "armor":
            armor.append(convert_armor(raw))
    return sorted(weapons, key=lambda w: w["id"]), sorted(armor, key=lambda a: a["id"])


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


def convert_class(raw: dict, levels: list, features: dict, proficiencies: dict) -> dict:
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
    return out


def classes(srd: Path) -> list:
    features = {f["index"]: f for f in load(srd, "5e-SRD-Features.json")}
    proficiencies = {p["index"]: p["type"] for p in load(srd, "5e-SRD-Proficiencies.json")}
    levels = load(srd, "5e-SRD-Levels.json")
    out = [convert_class(c, levels, features, proficiencies) for c in load(srd, "5e-SRD-Classes.json")]
    return sorted(out, key=lambda c: c["id"])


def bonuses(entry: str, raw: list) -> dict:
    out = {}
    for b in raw:
        only_keys(entry, b, {"ability_score", "bonus"})
        out[ability(entry, b["ability_score"]["index"])] = b["bonus"]
    return out


def confirm(entry: str, trait: dict, pattern: str) -> None:
    """Checks a figure taken from this script's tables against the trait's text."""
    text = " ".join(trait["desc"])
    if not re.search(pattern, text):
        fail(entry, f"trait {trait['index']} no longer says {pattern!r}")


def trait_figures(entry: str, refs: list, traits: dict, race: dict | None) -> list[dict]:
    """Trait references, recording darkvision and resistances in `race` when given."""
    out = []
    for ref in refs:
        trait = traits.get(ref["index"])
        if trait is None:
            fail(entry, f"unknown trait {ref['index']!r}")
        out.append({"id": ref["index"], "name": ref["name"]})
        index = ref["index"]
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
        out.append({"id": index, "name": option["item"]["name"], "damage_type": kind})
    if options["choose"] != 1 or not out:
        fail(entry, "ancestry choice is not one of a list")
    return out


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
    race["traits"] = trait_figures(entry, raw["traits"], traits, race)
    race["resistances"] = sorted(race.get("resistances", []))
    race["subraces"] = []
    for ref in raw["subraces"]:
        sub = subraces.get(ref["index"])
        if sub is None or sub["race"]["index"] != entry:
            fail(entry, f"unknown subrace {ref['index']!r}")
        only_keys(ref["index"], sub, {"index", "name", "race", "desc", "ability_bonuses", "racial_traits", "url"})
        race["subraces"].append({
            "id": sub["index"],
            "name": sub["name"],
            "ability_bonuses": bonuses(sub["index"], sub["ability_bonuses"]),
            "traits": trait_figures(sub["index"], sub["racial_traits"], traits, None),
        })
    return race


def races(srd: Path) -> list:
    traits = {t["index"]: t for t in load(srd, "5e-SRD-Traits.json")}
    subraces = {s["index"]: s for s in load(srd, "5e-SRD-Subraces.json")}
    out = [convert_race(r, subraces, traits) for r in load(srd, "5e-SRD-Races.json")]
    return sorted(out, key=lambda r: r["id"])


def dump(value) -> str:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def generate(srd: Path) -> tuple[dict[str, str], list[str], dict]:
    """File name → JSON text, the corrections made, and counts for the summary."""
    corrections: list[str] = []
    weapons, armor = weapons_and_armor(srd, corrections)
    class_list = classes(srd)
    race_list = races(srd)
    files = {
        "weapons.json": dump(weapons),
        "armor.json": dump(armor),
        "classes.json": dump(class_list),
        "races.json": dump(race_list),
    }
    summary = {
        "weapons": len(weapons),
        "armor": len(armor),
        "classes": len(class_list),
        "races": len(race_list),
        "subraces": sum(len(r["subraces"]) for r in race_list),
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
