#!/usr/bin/env python3
"""Convert the SRD 5.1 monster data into the project's own content format.

Usage:
    python3 scripts/gen_content.py --srd ../shared/srd/2014-en --out rules/content
    python3 scripts/gen_content.py --srd ../shared/srd/2014-en --out rules/content --check

Reads `5e-SRD-Monsters.json` (the 5e-bits/5e-database export) and writes
`monsters.json` in the schema of `rules::content` (see
rules/src/content/monster.rs). Only game figures are written: numbers, names,
dice, damage types, save DCs, ranges. The `desc` prose is read for a few
figures the structured data lacks (reach, range, attack delivery, the
conditions an action names, whether a save DC is only in the text) and is
never written out.

The script is strict: a string it does not know (a damage qualifier, a speed
format, a usage type) stops it with an error instead of being guessed, so a
newer SRD export cannot slip through half-converted.

`--check` regenerates into memory and exits 1 if the committed file differs.
Standard library only (Python 3.11).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import content_cli

SOURCE = "5e-SRD-Monsters.json"
OUTPUT = "monsters.json"

ABILITIES = {
    "str": "strength",
    "dex": "dexterity",
    "con": "constitution",
    "int": "intelligence",
    "wis": "wisdom",
    "cha": "charisma",
}

DAMAGE_TYPES = {
    "acid", "bludgeoning", "cold", "fire", "force", "lightning", "necrotic",
    "piercing", "poison", "psychic", "radiant", "slashing", "thunder",
}

CONDITIONS = [
    "blinded", "charmed", "deafened", "exhaustion", "frightened", "grappled",
    "incapacitated", "invisible", "paralyzed", "petrified", "poisoned",
    "prone", "restrained", "stunned", "unconscious",
]

# The SRD's qualifiers after "from ..." in resistances and immunities, mapped
# to short tags the rules engine can match on. Unknown phrases are an error.
QUALIFIERS = {
    "nonmagical weapons": "nonmagical",
    "nonmagical attacks": "nonmagical",
    "nonmagical attacks (from stoneskin)": "nonmagical",
    "nonmagical weapons that aren't silvered": "nonmagical, not silvered",
    "nonmagical weapons that aren't adamantine": "nonmagical, not adamantine",
    "magic weapons wielded by good creatures": "magic weapons wielded by good creatures",
    "spells": "spells",
}

CR_TEXT = {0: "0", 0.125: "1/8", 0.25: "1/4", 0.5: "1/2"}

# XP by challenge rating (SRD table), to correct the few entries where the
# export disagrees with its own challenge rating.
XP = {
    0: 10, 0.125: 25, 0.25: 50, 0.5: 100, 1: 200, 2: 450, 3: 700, 4: 1100,
    5: 1800, 6: 2300, 7: 2900, 8: 3900, 9: 5000, 10: 5900, 11: 7200, 12: 8400,
    13: 10000, 14: 11500, 15: 13000, 16: 15000, 17: 18000, 18: 20000,
    19: 22000, 20: 25000, 21: 33000, 22: 41000, 23: 50000, 24: 62000,
    25: 75000, 26: 90000, 27: 105000, 28: 120000, 29: 135000, 30: 155000,
}

ATTACK_HEAD = re.compile(r"^(Melee or Ranged|Melee|Ranged) (Weapon|Spell) Attack:")
REACH = re.compile(r"reach (\d+) ft\.")
RANGE = re.compile(r"range (\d+)(?:/(\d+))? ft\.")
# A save the text asks for; "escape DC 13" belongs to a grapple, not a save.
SAVE_IN_TEXT = re.compile(r"\bDC \d+ (Strength|Dexterity|Constitution|Intelligence|Wisdom|Charisma) saving throw")
FORM_ONLY = re.compile(r"\s*\([^)]*\)$")
COST = re.compile(r"\(Costs (\d+) Actions\)")
FEET = re.compile(r"^(\d+) ft\.")


class SrdError(Exception):
    """Something in the SRD data that this script does not know how to convert."""


def fail(monster: str, what: str) -> None:
    raise SrdError(f"{monster}: {what}")


def feet(monster: str, text: str) -> int:
    found = FEET.match(text)
    if not found:
        fail(monster, f"unexpected distance {text!r}")
    return int(found.group(1))


def damage_type(monster: str, entry: dict) -> str:
    index = entry["damage_type"]["index"]
    if index not in DAMAGE_TYPES:
        fail(monster, f"unknown damage type {index!r}")
    return index


def save(monster: str, dc: dict, text: str = "", fixes: list[str] | None = None) -> dict:
    ability = ABILITIES.get(dc["dc_type"]["index"])
    if ability is None:
        fail(monster, f"unknown save ability {dc['dc_type']!r}")
    on_success = dc["success_type"]
    # A few exports say "none" where the stat block gives half damage on a
    # success (the adult red dragon's Fire Breath); the stat block wins.
    if on_success == "none" and "half as much damage on a successful" in text:
        on_success = "half"
        if fixes is not None:
            fixes.append(f"{monster}: save on success none -> half")
    return {"ability": ability, "dc": dc["dc_value"], "on_success": on_success}


def damage_list(monster: str, entries: list) -> tuple[list, list]:
    """Splits SRD damage into what always applies and a "choose 1 from" list."""
    fixed, choice = [], []
    for entry in entries:
        if "choose" in entry:
            if entry["choose"] != 1 or choice:
                fail(monster, "damage choice other than one 'choose 1'")
            for option in entry["from"]["options"]:
                roll = {"dice": option["damage_dice"], "damage_type": damage_type(monster, option)}
                if "notes" in option:
                    # The notes are short labels such as "Two handed", not prose.
                    roll["note"] = option["notes"]
                choice.append(roll)
            continue
        roll = {"dice": entry["damage_dice"], "damage_type": damage_type(monster, entry)}
        if "dc" in entry:
            roll["save"] = save(monster, entry["dc"])
        fixed.append(roll)
    return fixed, choice


def usage(monster: str, raw: dict | None) -> dict | None:
    if raw is None:
        return None
    kind = raw["type"]
    if kind == "recharge on roll":
        if raw["dice"] != "1d6":
            fail(monster, f"recharge on {raw['dice']}")
        return {"type": "recharge", "min": raw["min_value"]}
    if kind == "per day":
        return {"type": "per_day", "times": raw["times"]}
    if kind == "recharge after rest":
        return {"type": "per_rest", "rests": sorted(raw["rest_types"], reverse=True)}
    fail(monster, f"unknown usage {kind!r}")
    return None


def conditions_named(text: str) -> list[str]:
    found = []
    for condition in CONDITIONS:
        if re.search(rf"\b{condition}\b", text, re.IGNORECASE):
            found.append(condition)
    return found


def attack(monster: str, raw: dict) -> dict | None:
    if "attack_bonus" not in raw:
        return None
    text = raw.get("desc", "").strip()
    head = ATTACK_HEAD.match(text)
    if not head:
        # A few exports put an attack bonus on actions that make no attack of
        # their own (the kraken's legendary actions, the octopus's ink cloud).
        return None
    out = {
        "bonus": raw["attack_bonus"],
        "kind": {"Melee": "melee", "Ranged": "ranged", "Melee or Ranged": "melee_or_ranged"}[
            head.group(1)
        ],
    }
    # Only the attack line (before "Hit:") gives reach and range; later
    # sentences talk about other distances (a grapple's pull, an aura).
    line = text.split("Hit:", 1)[0]
    reach = REACH.search(line)
    if reach:
        out["reach_ft"] = int(reach.group(1))
    rng = RANGE.search(line)
    if rng:
        near = int(rng.group(1))
        out["range_ft"] = [near, int(rng.group(2) or near)]
    return out


def variants(monster: str, raw: dict) -> list:
    """Breath weapons with a choice of breaths, or the androsphinx's roars."""
    options = []
    if "options" in raw:
        options = raw["options"]["from"]["options"]
    elif "attacks" in raw:
        options = raw["attacks"]
    out = []
    for option in options:
        entry = {"name": option["name"]}
        if "dc" in option:
            entry["save"] = save(monster, option["dc"])
        fixed, choice = damage_list(monster, option.get("damage", []))
        if choice:
            fail(monster, "damage choice inside a variant")
        if fixed:
            entry["damage"] = fixed
        out.append(entry)
    return out


def multiattack_steps(items: list) -> list:
    steps = []
    for item in items:
        count = item["count"]
        step = {"action": item["action_name"]}
        if isinstance(count, int) or str(count).isdigit():
            step["count"] = int(count)
        else:
            # The hydra bites once per head: the count is a game state, not a figure.
            step["count"] = 1
            step["count_by"] = str(count).lower()
        steps.append(step)
    return steps


def base_name(name: str) -> str:
    """"Claw (Oni Form Only)" and "Claws" both become "claw"."""
    return FORM_ONLY.sub("", name).lower().removesuffix("s")


def resolve_steps(action: dict, names: list[str]) -> None:
    """Points each multiattack step at the exact name of the action it means.

    The export sometimes writes "Claws" for an action named "Claw", or leaves
    off the "(Vampire Form Only)" of the action's name; a step is renamed only
    when exactly one action matches.
    """
    steps = action.get("multiattack", []) + [
        s for option in action.get("multiattack_options", []) for s in option
    ]
    for step in steps:
        if step["action"] in names:
            continue
        matches = [n for n in names if base_name(n) == base_name(step["action"])]
        if len(matches) == 1:
            step["action"] = matches[0]


def multiattack_options(monster: str, raw: dict) -> list:
    out = []
    for option in raw["action_options"]["from"]["options"]:
        if option["option_type"] == "multiple":
            out.append(multiattack_steps(option["items"]))
        elif option["option_type"] == "action":
            out.append(multiattack_steps([option]))
        else:
            fail(monster, f"unknown multiattack option {option['option_type']!r}")
    return out


def automation(action: dict, text: str, names: list[str], traits: list[str]) -> dict:
    """How much of the action the rules engine can run from our figures."""
    missing: list[str] = []
    steps = action.get("multiattack", []) + [
        s for option in action.get("multiattack_options", []) for s in option
    ]
    has_damage = bool(action.get("damage") or action.get("damage_choice"))
    has_dc_anywhere = "save" in action or any("save" in d for d in action.get("damage", []))
    if steps:
        for step in steps:
            if step["action"] in traits:
                missing.append(f"multiattack step uses the trait {step['action']!r}")
            elif step["action"] not in names:
                missing.append(f"multiattack step {step['action']!r} names no action")
            if "count_by" in step:
                missing.append(f"multiattack count by {step['count_by']}")
        level = "partial" if missing else "full"
    elif action.get("name") == "Multiattack":
        return {"level": "listed", "missing": ["multiattack steps only in text"]}
    elif "attack" in action:
        atk = action["attack"]
        if not has_damage:
            missing.append("damage on hit")
        if "reach_ft" not in atk and "range_ft" not in atk:
            missing.append("reach or range")
        if action.get("conditions"):
            missing.append("condition on hit")
        if SAVE_IN_TEXT.search(text) and not has_dc_anywhere:
            missing.append("save on hit")
        level = "partial" if missing else "full"
    elif "save" in action:
        if not has_damage and not action.get("conditions"):
            missing.append("effect of a failed save")
        level = "partial" if missing else "full"
    elif action.get("variants"):
        for variant in action["variants"]:
            if "save" not in variant:
                missing.append(f"save of {variant['name']}")
            elif "damage" not in variant:
                missing.append(f"effect of {variant['name']}")
        level = "partial" if missing else "full"
    elif has_damage:
        missing.append("how the damage is delivered")
        level = "partial"
    else:
        level = "listed"
        if SAVE_IN_TEXT.search(text):
            missing.append("save only in text")
        elif "to hit" in text:
            missing.append("attack only in text")
        else:
            missing.append("effect only in text")
    return {"level": level, "missing": missing}


def convert_action(monster: str, raw: dict, legendary: bool, fixes: list[str]) -> dict:
    text = raw.get("desc", "")
    out: dict = {"name": raw["name"]}
    atk = attack(monster, raw)
    if atk:
        out["attack"] = atk
    fixed, choice = damage_list(monster, raw.get("damage", []))
    if fixed:
        out["damage"] = fixed
    if choice:
        out["damage_choice"] = choice
    if "dc" in raw:
        out["save"] = save(monster, raw["dc"], text, fixes)
    kind = raw.get("multiattack_type")
    if kind == "actions":
        out["multiattack"] = multiattack_steps(raw["actions"])
    elif kind == "action_options":
        out["multiattack_options"] = multiattack_options(monster, raw)
    elif kind is not None:
        fail(monster, f"unknown multiattack type {kind!r}")
    found = variants(monster, raw)
    if found:
        out["variants"] = found
    use = usage(monster, raw.get("usage"))
    if use:
        out["usage"] = use
    if legendary:
        cost = COST.search(raw["name"])
        if cost:
            out["cost"] = int(cost.group(1))
    if not kind:
        named = conditions_named(text)
        if named:
            out["conditions"] = named
    return out


def resistances(monster: str, entries: list) -> list:
    out = []
    for text in entries:
        words, _, qualifier = text.partition(" from ")
        if words == "damage":
            types = []
        else:
            types = [t.strip() for t in re.split(r",|\band\b", words) if t.strip()]
            for t in types:
                if t not in DAMAGE_TYPES:
                    fail(monster, f"unknown damage type {t!r} in {text!r}")
        entry: dict = {"types": types}
        if qualifier:
            if qualifier not in QUALIFIERS:
                fail(monster, f"unknown damage qualifier {qualifier!r}")
            entry["qualifier"] = QUALIFIERS[qualifier]
        out.append(entry)
    return out


def convert_monster(raw: dict, corrections: list[str]) -> dict:
    mid = raw["index"]
    cr = raw["challenge_rating"]
    xp = raw["xp"]
    # CR 0 may give 0 XP (the SRD table says "0 or 10"); otherwise the table wins.
    if xp != XP[cr] and not (cr == 0 and xp == 0):
        corrections.append(f"{mid}: xp {xp} -> {XP[cr]} (CR {CR_TEXT.get(cr, cr)})")
        xp = XP[cr]
    speed: dict = {}
    for key, value in raw["speed"].items():
        if key == "hover":
            if value:
                speed["hover"] = True
        elif key in ("walk", "fly", "swim", "climb", "burrow"):
            # 0 ft. and no entry mean the same; the Rust side leaves zeros out.
            if feet(mid, value):
                speed[key] = feet(mid, value)
        else:
            fail(mid, f"unknown speed {key!r}")
    senses: dict = {}
    for key, value in raw["senses"].items():
        if key == "passive_perception":
            senses[key] = value
        elif key in ("darkvision", "blindsight", "truesight", "tremorsense"):
            senses[key] = feet(mid, value)
            if "blind beyond this radius" in value:
                senses["blind_beyond"] = True
        else:
            fail(mid, f"unknown sense {key!r}")
    saves, skills = {}, {}
    for prof in raw["proficiencies"]:
        index = prof["proficiency"]["index"]
        if index.startswith("saving-throw-"):
            saves[ABILITIES[index.removeprefix("saving-throw-")]] = prof["value"]
        elif index.startswith("skill-"):
            skills[index.removeprefix("skill-").replace("-", "_")] = prof["value"]
        else:
            fail(mid, f"unknown proficiency {index!r}")
    # Several armor class entries are alternatives (natural armor, or 15 with
    # mage armor); the first is the stat block's headline figure.
    ac = raw["armor_class"][0]["value"]
    out: dict = {
        "id": mid,
        "name": raw["name"],
        "size": raw["size"].lower(),
        "creature_type": raw["type"],
        "alignment": raw["alignment"],
        "ac": ac,
        "hp": raw["hit_points"],
        "hit_dice": raw["hit_dice"],
        "hp_roll": raw["hit_points_roll"],
        "speed": speed,
        "abilities": {name: raw[name] for name in ABILITIES.values()},
        "senses": senses,
        "languages": raw["languages"],
        "cr": CR_TEXT.get(cr, str(cr)),
        "xp": xp,
        "proficiency_bonus": raw["proficiency_bonus"],
    }
    if raw.get("subtype"):
        out["subtype"] = raw["subtype"]
    if saves:
        out["saves"] = saves
    if skills:
        out["skills"] = skills
    for key in ("damage_vulnerabilities", "damage_resistances", "damage_immunities"):
        found = resistances(mid, raw[key])
        if found:
            out[key] = found
    conditions = [c["index"] for c in raw["condition_immunities"]]
    for c in conditions:
        if c not in CONDITIONS:
            fail(mid, f"unknown condition {c!r}")
    if conditions:
        out["condition_immunities"] = conditions
    traits = []
    for trait in raw.get("special_abilities", []):
        entry = {"name": trait["name"]}
        use = usage(mid, trait.get("usage"))
        if use:
            entry["usage"] = use
        traits.append(entry)
    if traits:
        out["traits"] = traits
    names = [a["name"] for a in raw.get("actions", [])]
    trait_names = [t["name"] for t in raw.get("special_abilities", [])]
    for key, legendary in (("actions", False), ("legendary_actions", True), ("reactions", False)):
        actions = []
        for action in raw.get(key, []):
            converted = convert_action(mid, action, legendary, corrections)
            resolve_steps(converted, names)
            converted["automation"] = automation(
                converted, action.get("desc", ""), names, trait_names
            )
            actions.append(converted)
        if actions:
            out[key] = actions
    return out


def generate(srd: Path) -> tuple[str, list[str], dict]:
    raw = json.loads((srd / SOURCE).read_text(encoding="utf-8"))
    corrections: list[str] = []
    monsters = sorted((convert_monster(m, corrections) for m in raw), key=lambda m: m["id"])
    levels = {"full": 0, "partial": 0, "listed": 0}
    for monster in monsters:
        for key in ("actions", "legendary_actions", "reactions"):
            for action in monster.get(key, []):
                levels[action["automation"]["level"]] += 1
    text = json.dumps(monsters, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    return text, corrections, {"monsters": len(monsters), **levels}


def main() -> int:
    def files(srd: Path) -> tuple[dict[str, str], list[str], dict]:
        text, corrections, counts = generate(srd)
        return {OUTPUT: text}, corrections, counts

    return content_cli.run(
        "gen_content",
        __doc__.splitlines()[0],
        files,
        lambda c, n: (
            f"{c['monsters']} monsters; actions: {c['full']} full, {c['partial']} partial, "
            f"{c['listed']} listed; {n} figures corrected"
        ),
        (SrdError,),
    )



if __name__ == "__main__":
    sys.exit(main())
