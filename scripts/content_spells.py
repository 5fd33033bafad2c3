#!/usr/bin/env python3
"""Convert the SRD 5.1 spells into the project's own content format.

Usage:
    python3 scripts/content_spells.py --srd ../shared/srd/2014-en --out rules/content
    python3 scripts/content_spells.py --srd ../shared/srd/2014-en --out rules/content --check

Reads `5e-SRD-Spells.json` (the 5e-bits/5e-database export) and writes
`spells.json` in the schema of `rules::content::Spell` (see
rules/src/content/spell.rs). Only game figures are written: level, school,
casting time, range, area, duration, components, classes, attack, save,
damage and healing dice by slot or character level. The `desc` and
`higher_level` prose is read at generation time only, for the conditions a
spell imposes and for what the automation lacks (a save or an attack only in
the text, a second damage type), and is never written out.

The script is strict: a casting time, range, duration, area or dice format it
does not know stops it with an error instead of being guessed.

`generate(srd)` has the shape of `gen_content.generate`: the file's text, the
corrections made, and a summary. `--check` regenerates into memory and exits 1
if the committed file differs. Standard library only (Python 3.11).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import content_cli

SOURCE = "5e-SRD-Spells.json"
OUTPUT = "spells.json"

ABILITIES = content_cli.ABILITIES

DAMAGE_TYPES = {
    "acid", "bludgeoning", "cold", "fire", "force", "lightning", "necrotic",
    "piercing", "poison", "psychic", "radiant", "slashing", "thunder",
}

SCHOOLS = {
    "abjuration", "conjuration", "divination", "enchantment", "evocation",
    "illusion", "necromancy", "transmutation",
}

CONDITIONS = [
    "blinded", "charmed", "deafened", "exhaustion", "frightened", "grappled",
    "incapacitated", "invisible", "paralyzed", "petrified", "poisoned",
    "prone", "restrained", "stunned", "unconscious",
]

AREAS = {"cone", "cube", "cylinder", "line", "sphere"}

CASTING_TIME = re.compile(r"^(\d+) (action|bonus action|reaction|minutes?|hours?)$")
DURATION = re.compile(r"^(Up to )?(\d+) (rounds?|minutes?|hours?|days?)$")
RANGE = re.compile(r"^(\d+) (feet|miles?)$")
UNIT = {
    "action": "action", "bonus action": "bonus_action", "reaction": "reaction",
    "minute": "minute", "minutes": "minute", "hour": "hour", "hours": "hour",
    "round": "round", "rounds": "round", "day": "day", "days": "day",
    "feet": "feet", "mile": "mile", "miles": "mile",
}
# SRD dice: "8d6", "10d6 + 40", "4d6 + 4d6", "1d8 + MOD", "20". Spaces around
# "+" are dropped; a trailing "+ MOD" (the spellcasting modifier) becomes
# `add_modifier`.
DICE = re.compile(r"^(?:\d+d\d+|\d+)(?: \+ (?:\d+d\d+|\d+))*$")

SAVE_IN_TEXT = re.compile(
    r"\b(Strength|Dexterity|Constitution|Intelligence|Wisdom|Charisma) saving throw", re.IGNORECASE
)
ATTACK_IN_TEXT = re.compile(r"\b(melee|ranged) spell attack", re.IGNORECASE)
DAMAGE_IN_TEXT = re.compile(rf"\b({'|'.join(sorted(DAMAGE_TYPES))}) damage\b", re.IGNORECASE)
DICE_DAMAGE_IN_TEXT = re.compile(r"\b\d+d\d+(?: \+ \d+)? (?:\w+ )?damage\b", re.IGNORECASE)
HEALING_IN_TEXT = re.compile(r"\bregains? (?:\d+d\d+|\d+|a number of) hit points\b", re.IGNORECASE)
RECURRING = re.compile(
    r"\b(starts|ends) its turn\b|\b(start|end) of each of [\w' ]{1,40}?turns\b|\bend of its next turn\b",
    re.IGNORECASE,
)
# Riders a damage spell adds to its target, which the figures do not carry.
RIDERS = {
    "next attack roll": "advantage or disadvantage on the next attack roll",
    "can't regain hit points": "the target can't regain hit points",
    "speed is reduced": "the target's speed is reduced",
    "regain hit points equal to half": "the caster regains hit points",
    "can't take reactions": "the target can't take reactions",
    "hit point maximum is reduced": "the target's hit point maximum is reduced",
}

# A condition is imposed where a sentence says a creature "is", "becomes",
# "falls" or "is knocked" into it; sentences that protect from, end or
# suppress a condition, or only mention it, do not count.
IMPOSE = r"\b(?:is|are|be|become|becomes|fall|falls|knocked|remains?)\s+(?:also\s+|instantly\s+|magically\s+|permanently\s+)?"
NOT_IMPOSED = re.compile(
    r"\b(immune|immunity|can't be|cannot be|neither|nor|suppress\w*|remov\w*|isn't|aren't|"
    r"against being|already|end (?:one|a|the|any)|ends (?:one|a|the|any)|condition can be)\b",
    re.IGNORECASE,
)

# Where the sentence match is wrong, the conditions are set here, with the
# reason. Each entry must change the matched result (a stale entry is an error).
CONDITION_FIXES: dict[str, tuple[list[str], str]] = {
    "blindness-deafness": (["blinded", "deafened"], "the text says 'blind or deafen'"),
    "hideous-laughter": (["incapacitated", "prone"], "'falls prone ... incapacitated'"),
    "mislead": (["invisible"], "you become invisible; 'blinded' is your own senses"),
    "project-image": ([], "'blinded and deafened' is the caster using the image's senses"),
    "astral-projection": ([], "the body left behind is unconscious, not a target"),
    "magnificent-mansion": ([], "the mansion's servants, not a target"),
    "meld-into-stone": ([], "the caster is expelled prone only if the stone is destroyed"),
    "protection-from-poison": ([], "neutralizes poison"),
    "dispel-evil-and-good": ([], "ends a charm"),
    "hallow": ([], "an optional effect of the caster's choice"),
    "wind-walk": ([], "the caster's own transformation"),
    "antipathy-sympathy": ([], "an optional effect on creatures in the area"),
}


class SrdError(Exception):
    """Something in the SRD data that this script does not know how to convert."""


def fail(spell: str, what: str) -> None:
    raise SrdError(f"{spell}: {what}")


def casting_time(sid: str, text: str) -> dict:
    found = CASTING_TIME.match(text)
    if not found:
        fail(sid, f"unknown casting time {text!r}")
    return {"kind": UNIT[found.group(2)], "amount": int(found.group(1))}


def duration(sid: str, text: str, concentration: bool) -> dict:
    simple = {"Instantaneous": "instantaneous", "Until dispelled": "until_dispelled", "Special": "special"}
    if text in simple:
        if concentration:
            fail(sid, f"concentration with duration {text!r}")
        return {"kind": simple[text]}
    found = DURATION.match(text)
    if not found:
        fail(sid, f"unknown duration {text!r}")
    if bool(found.group(1)) != concentration:
        fail(sid, f"duration {text!r} disagrees with concentration {concentration}")
    return {"kind": UNIT[found.group(3)], "amount": int(found.group(2))}


def spell_range(sid: str, text: str) -> dict:
    simple = {"Self": "self", "Touch": "touch", "Sight": "sight", "Unlimited": "unlimited", "Special": "special"}
    if text in simple:
        return {"kind": simple[text]}
    found = RANGE.match(text)
    if not found:
        fail(sid, f"unknown range {text!r}")
    return {"kind": UNIT[found.group(2)], "amount": int(found.group(1))}


def dice(sid: str, text: str) -> tuple[str, bool]:
    """("1d8 + MOD") -> ("1d8", True); ("10d6 + 40") -> ("10d6+40", False)."""
    modifier = text.endswith(" + MOD")
    body = text.removesuffix(" + MOD")
    if not DICE.match(body):
        fail(sid, f"unknown dice {text!r}")
    return body.replace(" + ", "+"), modifier


def by_level(sid: str, table: dict, low: int, high: int) -> tuple[dict, bool]:
    out, modifiers = {}, set()
    for key, text in table.items():
        if not key.isdigit() or not low <= int(key) <= high:
            fail(sid, f"level {key!r} outside {low}..{high}")
        out[str(int(key))], modifier = dice(sid, text)
        modifiers.add(modifier)
    if len(modifiers) != 1:
        fail(sid, "the spellcasting modifier is added at some levels only")
    return out, modifiers.pop()


def imposed_conditions(sid: str, text: str) -> list[str]:
    found = set()
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if NOT_IMPOSED.search(sentence):
            continue
        for condition in CONDITIONS:
            if re.search(IMPOSE + condition + r"\b", sentence, re.IGNORECASE):
                found.add(condition)
    matched = sorted(found)
    if sid in CONDITION_FIXES:
        fixed, _reason = CONDITION_FIXES[sid]
        if fixed == matched:
            fail(sid, "stale entry in CONDITION_FIXES")
        return fixed
    return matched


def convert_spell(raw: dict, corrections: list[str]) -> dict:
    sid = raw["index"]
    level = raw["level"]
    if not 0 <= level <= 9:
        fail(sid, f"level {level}")
    school = raw["school"]["index"]
    if school not in SCHOOLS:
        fail(sid, f"unknown school {school!r}")
    text = " ".join(raw["desc"] + raw.get("higher_level", []))
    components = raw["components"]
    for c in components:
        if c not in ("V", "S", "M"):
            fail(sid, f"unknown component {c!r}")
    out: dict = {
        "id": sid,
        "name": raw["name"],
        "level": level,
        "school": school,
        "casting_time": casting_time(sid, raw["casting_time"]),
        "ritual": raw["ritual"],
        "concentration": raw["concentration"],
        "duration": duration(sid, raw["duration"], raw["concentration"]),
        "range": spell_range(sid, raw["range"]),
        "components": {"verbal": "V" in components, "somatic": "S" in components, "material": "M" in components},
        "classes": sorted(c["index"] for c in raw["classes"]),
    }
    if "area_of_effect" in raw:
        area = raw["area_of_effect"]
        if area["type"] not in AREAS or set(area) != {"type", "size"}:
            fail(sid, f"unknown area {area!r}")
        out["area"] = {"shape": area["type"], "size_ft": area["size"]}
    attack = raw.get("attack_type")
    if attack is not None:
        if attack not in ("melee", "ranged"):
            fail(sid, f"unknown attack type {attack!r}")
        out["attack"] = attack
    missing: list[str] = []
    if "dc" in raw:
        dc = raw["dc"]
        ability = ABILITIES.get(dc["dc_type"]["index"])
        if ability is None:
            fail(sid, f"unknown save ability {dc['dc_type']!r}")
        success = dc["dc_success"]
        if success == "other":
            missing.append("effect of a successful save")
            out["save"] = {"ability": ability}
        elif success in ("half", "none"):
            out["save"] = {"ability": ability, "on_success": success}
        else:
            fail(sid, f"unknown save success {success!r}")
    if "damage" in raw:
        dmg = raw["damage"]
        extra = set(dmg) - {"damage_type", "damage_at_slot_level", "damage_at_character_level"}
        if extra:
            fail(sid, f"unknown damage fields {sorted(extra)}")
        entry: dict = {}
        if "damage_type" in dmg:
            kind = dmg["damage_type"]["index"]
            if kind not in DAMAGE_TYPES:
                fail(sid, f"unknown damage type {kind!r}")
            entry["damage_type"] = kind
        if sid == "sleep":
            # The export files sleep's hit point pool as typeless damage;
            # dealing it as damage would be wrong, so it is left out.
            corrections.append(f"{sid}: the 5d8 hit point pool is not damage; left out")
            missing.append("hit point pool of creatures put to sleep")
        else:
            if "damage_at_slot_level" in dmg:
                if level == 0:
                    fail(sid, "a cantrip with damage by slot level")
                entry["by_slot_level"], modifier = by_level(sid, dmg["damage_at_slot_level"], level, 9)
            elif "damage_at_character_level" in dmg:
                if level != 0:
                    fail(sid, "a levelled spell with damage by character level")
                entry["by_character_level"], modifier = by_level(sid, dmg["damage_at_character_level"], 1, 20)
                if len(set(entry["by_character_level"].values())) == 1:
                    missing.append("scaling by character level (more beams) only in text")
            else:
                fail(sid, "damage without dice")
            if modifier:
                entry["add_modifier"] = True
            if "damage_type" not in entry:
                missing.append("damage type chosen or rolled")
            out["damage"] = entry
            named = {m.lower() for m in DAMAGE_IN_TEXT.findall(" ".join(raw["desc"]))}
            others = sorted(named - {entry.get("damage_type")})
            if "damage_type" in entry and others:
                missing.append(f"other damage types in the text: {', '.join(others)}")
    if "heal_at_slot_level" in raw:
        if level == 0:
            fail(sid, "a cantrip that heals by slot level")
        table, modifier = by_level(sid, raw["heal_at_slot_level"], level, 9)
        out["healing"] = {"by_slot_level": table}
        if modifier:
            out["healing"]["add_modifier"] = True
        # The export files two other effects as healing; the figures stay,
        # but the automation says what they really are.
        if "temporary hit points" in text:
            missing.append("the healing is temporary hit points")
        if "hit point maximum" in text:
            missing.append("the healing also raises the hit point maximum")
        if "divided" in text:
            missing.append("the healing is divided among the targets")
    conditions = imposed_conditions(sid, text + " " + raw.get("dc", {}).get("desc", ""))
    if conditions:
        out["conditions"] = conditions
    automation_tree(out, raw, missing)
    return out


def automation_tree(out: dict, raw: dict, missing: list[str]) -> None:
    """Adds `targeting`, `effects`, `combat` and `automation`: from the table
    for a spell with a combat effect, else from the flat figures."""
    sid = out["id"]
    figures = any(k in out for k in ("attack", "save", "damage", "healing", "conditions"))
    if sid in CURATED:
        if sid in NOT_COMBAT:
            fail(sid, "both in CURATED and NOT_COMBAT")
        made = CURATED[sid](out)
        if not made["effects"]:
            fail(sid, "a combat spell with an empty tree")
        if sid in CREATURE_TYPES:
            made["effects"] = [only(made["effects"], **CREATURE_TYPES[sid])]
        gaps = made["missing"]
        out["combat"] = True
        out["targeting"] = made["targeting"]
        out["effects"] = made["effects"]
        out["automation"] = {"level": "partial" if gaps else "full", "missing": gaps}
        return
    if figures and sid not in NOT_COMBAT:
        fail(sid, "figures of a combat effect, but neither in CURATED nor in NOT_COMBAT")
    if sid in NOT_COMBAT and not figures:
        fail(sid, "stale entry in NOT_COMBAT")
    out["targeting"] = base_targeting(out)
    effects = base_effects(out)
    if effects:
        out["effects"] = effects
    out["automation"] = automation(out, raw, missing)


def automation(spell: dict, raw: dict, missing: list[str]) -> dict:
    """How much of the spell the rules engine can run from our figures."""
    text = " ".join(raw["desc"])
    effect = "damage" in spell or "healing" in spell or "conditions" in spell
    delivered = "attack" in spell or "save" in spell
    if "save" not in spell and SAVE_IN_TEXT.search(text):
        missing.append("saving throw only in text")
    if "attack" not in spell and ATTACK_IN_TEXT.search(text):
        missing.append("spell attack only in text")
    if "damage" not in spell and DICE_DAMAGE_IN_TEXT.search(text):
        missing.append("damage only in text")
    if "healing" not in spell and HEALING_IN_TEXT.search(text):
        missing.append("healing only in text")
    if not effect and not delivered:
        # Nothing structured: listed, with what the text has that we lack,
        # or as a utility effect (buffs, divination, movement, summoning).
        return {"level": "listed", "missing": missing or ["utility effect"]}
    if not effect and "damage only in text" not in missing:
        missing.append("effect of a failed save" if "save" in spell else "effect of a hit")
    if "damage" in spell and not delivered:
        missing.append("how the damage is delivered")
    if "conditions" in spell and not delivered and "damage" not in spell:
        missing.append("who gets the conditions and when they end")
    if "damage" in spell:
        for phrase, rider in RIDERS.items():
            if phrase in text:
                missing.append(f"rider: {rider}")
    if (effect or delivered) and RECURRING.search(text):
        missing.append("effect on later turns")
    return {"level": "partial" if missing else "full", "missing": missing}


# ---------------------------------------------------------------------------
# The automation tree (`targeting`, `effects`, `combat`): see
# rules/src/content/effect.rs. The base tree is derived from the flat figures
# above; the spells whose effect is only in the text get theirs from the
# table `CURATED` below, written by hand as figures (dice, conditions,
# durations, modifiers), never as prose.
# ---------------------------------------------------------------------------

ALL_ABILITIES = ["strength", "dexterity", "constitution", "intelligence", "wisdom", "charisma"]
ROUNDS_PER = {"round": 1, "minute": 10, "hour": 600, "day": 14400}


def amount(dice: str, slot: dict | None = None, char: dict | None = None, mod: bool = False) -> dict:
    out: dict = {"dice": dice}
    if slot:
        out["by_slot_level"] = {str(k): v for k, v in slot.items()}
    if char:
        out["by_character_level"] = {str(k): v for k, v in char.items()}
    if mod:
        out["add_modifier"] = True
    return out


def per_slot(level: int, n: int, die: str, step: int = 1, plus: str = "") -> dict:
    """`n` dice of `die` at `level`, `step` more per slot above: per_slot(2, 2, "d4")."""
    return amount(f"{n}{die}{plus}", {lv: f"{n + step * (lv - level)}{die}{plus}" for lv in range(level + 1, 10)})


def table_amount(table: dict, modifier: bool, cantrip: bool) -> dict:
    """A flat by-level table as an Amount: the lowest entry, then the others."""
    keys = sorted(table, key=int)
    rest = {k: table[k] for k in keys[1:]}
    out: dict = {"dice": table[keys[0]]}
    if rest:
        out["by_character_level" if cantrip else "by_slot_level"] = rest
    if modifier:
        out["add_modifier"] = True
    return out


def flat_amount(spell: dict) -> dict:
    d = spell["damage"]
    table = d.get("by_slot_level") or d["by_character_level"]
    return table_amount(table, d.get("add_modifier", False), "by_character_level" in d)


def damage(amt: dict, kind: str | None, half: bool = False) -> dict:
    out: dict = {"type": "damage", "amount": amt}
    if kind:
        out["damage_type"] = kind
    if half:
        out["half"] = True
    return out


def flat_damage(spell: dict, half: bool = False) -> dict:
    return damage(flat_amount(spell), spell["damage"].get("damage_type"), half)


def save(ability: str, fail: list | None = None, success: list | None = None, **extra) -> dict:
    """A saving throw; `extra` holds its other fields (advantage_types, ...)."""
    out: dict = {"type": "save", "ability": ability, **extra}
    if fail:
        out["fail"] = fail
    if success:
        out["success"] = success
    return out


def save_half(ability: str, *dmg: dict) -> dict:
    """A save for half: the same damage steps on a failure, halved on a success."""
    return save(ability, list(dmg), [{**d, "half": True} for d in dmg])


def attack(hit: list | None = None, miss: list | None = None, **extra) -> dict:
    out: dict = {"type": "attack", **extra}
    if hit:
        out["hit"] = hit
    if miss:
        out["miss"] = miss
    return out


def heal(amt: dict, shared: bool = False) -> dict:
    out = {"type": "heal", "amount": amt}
    if shared:
        out["shared"] = True
    return out


def temp_hp(amt: dict) -> dict:
    return {"type": "temp_hp", "amount": amt}


def split(count: dict, each: list) -> dict:
    return {"type": "split", "count": count, "each": each}


def count(base: int, per: int = 0, char: dict | None = None) -> dict:
    out: dict = {"base": base}
    if per:
        out["per_slot_above"] = per
    if char:
        out["by_character_level"] = {str(k): v for k, v in char.items()}
    return out


def rounds(n: int) -> dict:
    return {"until": "rounds", "rounds": n}


START_OF_SOURCE = {"until": "start_of_source_turn"}
END_OF_SOURCE = {"until": "end_of_source_turn"}
START_OF_OWN = {"until": "start_of_own_turn"}
END_OF_OWN = {"until": "end_of_own_turn"}
SPELL = "spell"  # an ongoing effect's duration: the spell's own


def spell_duration(spell: dict) -> dict | None:
    d = spell["duration"]
    if d["kind"] in ROUNDS_PER:
        return rounds(d["amount"] * ROUNDS_PER[d["kind"]])
    return None


def ongoing(spell: dict, name: str | None = None, *, conditions=(), duration=SPELL, save_ends=None,
            used_by=None, ends_on_damage=False, each_turn=None, escape_dc=None, escape_at_save_dc=False,
            removed=False, grants=None, drain=False, max_hp_amount=None, behaviour=None, after=None,
            on_failures=None, rounds_by_slot=None, **modifiers) -> dict:
    out: dict = {"name": name or spell["name"]}
    # Fields of the effect itself rather than of its modifiers.
    for key in ONGOING_KEYS:
        if key in modifiers:
            out[key] = modifiers.pop(key)
    if escape_dc is not None:
        out["escape_dc"] = escape_dc
    if escape_at_save_dc:
        out["escape_at_save_dc"] = True
    if removed:
        out["removed"] = True
    if grants:
        out["grants"] = grants
    if drain:
        out["drain"] = True
    if max_hp_amount:
        out["max_hp_amount"] = max_hp_amount
    if conditions:
        out["conditions"] = list(conditions)
    if duration == SPELL:
        duration = spell_duration(spell)
    if duration:
        out["duration"] = duration
    if isinstance(save_ends, dict):
        out["save_ends"] = save_ends
    elif save_ends:
        ability, when = save_ends
        out["save_ends"] = {"ability": ability, "when": when}
    if used_by:
        out["used_by"] = used_by
    if ends_on_damage:
        out["ends_on_damage"] = True
    if modifiers:
        out["modifiers"] = modifiers
    if each_turn:
        out["each_turn"] = each_turn
    if behaviour:
        out["behaviour"] = behaviour
    if after:
        out["after"] = after
    if on_failures:
        out["on_failures"] = on_failures
    if rounds_by_slot:
        out["rounds_by_slot"] = {str(k): v for k, v in rounds_by_slot.items()}
    return out


ONGOING_KEYS = ("versus", "when_hit", "shares_damage", "duplicates", "on_move", "modifiers_by_slot",
                "curse", "tied_to_concentration", "after_full_duration")
# Creatures native to another plane than the Material: Banishment sends them home for good.
EXTRAPLANAR = ["celestial", "elemental", "fey", "fiend"]
# Whom Dispel Evil and Good wards against and can dismiss.
DISPEL_TYPES = ["celestial", "elemental", "fey", "fiend", "undead"]
VERSUS_SOURCE = {"kind": "source"}
# The creature types Protection from Evil and Good (and Dispel Evil and Good) ward against.
EVIL_AND_GOOD = ["aberration", "celestial", "elemental", "fey", "fiend", "undead"]
VERSUS_TARGET = {"kind": "target"}


def when_hit(effects: list, melee: bool = True, types=()) -> dict:
    out: dict = {"effects": effects}
    if melee:
        out["melee"] = True
    if types:
        out["types"] = list(types)
    return out


def apply(effect: dict, on_self: bool = False) -> dict:
    out: dict = {"type": "apply", "effect": effect}
    if on_self:
        out["on_self"] = True
    return out


def each_turn(when: str, effects: list, once: bool = False) -> dict:
    out: dict = {"when": when, "effects": effects}
    if once:
        out["once"] = True
    return out


def granted(effects: list, bonus_action: bool = False, ends_effect: bool = False) -> dict:
    """An action the caster can take again on later turns while the effect lasts."""
    out: dict = {"effects": effects}
    if bonus_action:
        out["bonus_action"] = True
    if ends_effect:
        out["ends_effect"] = True
    return out


def choice(*options: tuple[str, list]) -> dict:
    """Options the caster picks one of when casting."""
    return {"type": "choice", "options": [{"name": n, "effects": e} for n, e in options]}


def pool(amt: dict, then: list) -> dict:
    return {"type": "pool", "amount": amt, "then": then}


def only(then: list, *, max_size=None, max_hp=None, min_hp=None, types=(), not_types=(), **extra) -> dict:
    out: dict = {"type": "only", "then": then, **extra}
    if max_size:
        out["max_size"] = max_size
    if max_hp is not None:
        out["max_hp"] = max_hp
    if min_hp is not None:
        out["min_hp"] = min_hp
    if types:
        out["types"] = list(types)
    if not_types:
        out["not_types"] = list(not_types)
    return out


def remove(*conditions: str) -> dict:
    return {"type": "remove", "conditions": list(conditions)}


def push(feet: int) -> dict:
    return {"type": "push", "feet": feet}


STABILIZE = {"type": "stabilize"}
BREAK_CONCENTRATION = {"type": "break_concentration"}
# Contagion's six diseases: what each does in a fight that the modifiers hold.
CONTAGION_DISEASES = [
    ("blinding sickness", {"conditions": ["blinded"], "check_disadvantage": ["wisdom"], "save_disadvantage": ["wisdom"]}),
    ("filth fever", {"check_disadvantage": ["strength"], "save_disadvantage": ["strength"]}),
    ("flesh rot", {"check_disadvantage": ["charisma"]}),
    ("mindfire", {"check_disadvantage": ["intelligence"], "save_disadvantage": ["intelligence"]}),
    ("seizure", {"check_disadvantage": ["dexterity"], "save_disadvantage": ["dexterity"]}),
    ("slimy doom", {"check_disadvantage": ["constitution"], "save_disadvantage": ["constitution"]}),
]
KILL = {"type": "kill"}
HEAL_SELF_HALF = {"type": "heal_self", "half": True}


def telekinesis_hold(s: dict) -> dict:
    """The contest to hold a creature: restrained until the end of the caster's next turn."""
    held = ongoing(s, f"{s['name']} (held)", conditions=["restrained"], duration={"until": "end_of_source_turn"})
    return {"type": "contest", "against": ["strength"], "win": [apply(held)]}
DROP = {"type": "drop"}
END_OF_THIS_TURN = {"until": "end_of_this_turn"}


def table(dice: str, *rows: tuple[int, int, list]) -> dict:
    """A random table rolled per target: (lowest, highest, effects) rows."""
    return {"type": "table", "dice": dice, "rows": [{"min": lo, "max": hi, **({"effects": e} if e else {})} for lo, hi, e in rows]}


def save_ends_on_damage(ability: str, when: str = "end", advantage: bool = False, damage_only: bool = False) -> dict:
    """A save that ends an effect, also rolled each time the creature takes damage."""
    out: dict = {"ability": ability, "when": when, "on_damage": True}
    if advantage:
        out["advantage_on_damage"] = True
    if damage_only:
        out["damage_only"] = True
    return out


SELF = {"kind": "self"}
AREA = {"kind": "area"}
SPLIT = {"kind": "split"}


def creatures(base: int, per: int = 0) -> dict:
    return {"kind": "creatures", "count": count(base, per)}


def base_targeting(spell: dict) -> dict:
    if "area" in spell:
        return AREA
    if spell["range"]["kind"] == "self":
        return SELF
    return creatures(1)


def base_effects(spell: dict) -> list:
    """The tree the flat figures imply: attack or save, then damage and conditions."""
    landed: list = []
    if "damage" in spell:
        landed.append(flat_damage(spell))
    if spell.get("conditions"):
        landed.append(apply(ongoing(spell, conditions=spell["conditions"])))
    if "attack" in spell:
        return [attack(landed)]
    if "save" in spell:
        success = []
        if spell["save"].get("on_success") == "half" and "damage" in spell:
            success = [flat_damage(spell, half=True)]
        return [save(spell["save"]["ability"], landed, success)]
    if "healing" in spell:
        h = spell["healing"]
        return [heal(table_amount(h["by_slot_level"], h.get("add_modifier", False), False))]
    return []


def entry(targeting: dict, effects: list, *missing: str) -> dict:
    return {"targeting": targeting, "effects": effects, "missing": list(missing)}


def base(targeting: dict | None = None, *missing: str):
    """The derived tree as it is, with its targeting and what it lacks."""
    return lambda s: entry(targeting or base_targeting(s), base_effects(s), *missing)


ON_SELF = True
DEX, CON, WIS, CHA, STR, INT = "dexterity", "constitution", "wisdom", "charisma", "strength", "intelligence"
EVERY_DAMAGE_TYPE = sorted(DAMAGE_TYPES)
# Shared reasons, worded once so that coverage groups them.
REPEAT = "the attack or save again as an action or bonus action on later turns"
ESCAPE = "escape with an ability check against the caster's spell save DC (escape_dc is a fixed number)"
NEVER_INVISIBLE = "the target can't benefit from being invisible"


def prone(s: dict) -> dict:
    return apply(ongoing(s, f"{s['name']} (prone)", conditions=["prone"], duration=None))


def self_buff(**kwargs):
    return lambda s: entry(SELF, [apply(ongoing(s, **kwargs), ON_SELF)])


def area_each_turn(when: str, ability: str, initial: bool = False, *missing: str, **kwargs):
    """Damage for half on a save for everyone in an area on each of their turns
    (and, with `initial`, as it appears)."""
    def make(s):
        step = save_half(ability, flat_damage(s))
        tree = [step] if initial else []
        tree.append(apply(ongoing(s, each_turn=each_turn(when, [step]), **kwargs)))
        return entry(AREA, tree, *missing)
    return make


# The spells with a combat effect: damage, healing, temporary hit points, a
# condition, a buff or a debuff. Each gives its targeting, its tree and what
# the tree lacks (empty: fully automated). Figures only, from the SRD 5.1.
CURATED = {
    "acid-arrow": lambda s: entry(creatures(1), [attack(
        [flat_damage(s), apply(ongoing(s, duration=END_OF_OWN, each_turn=each_turn(
            "end", [damage(per_slot(2, 2, "d4"), "acid")], once=True)))],
        [flat_damage(s, half=True)])]),
    "acid-splash": base(creatures(2)),
    "aid": lambda s: entry(creatures(3), [apply(ongoing(s, max_hp_amount=amount("5", {lv: str(5 * (lv - 1)) for lv in range(3, 10)})))]),
    "animal-friendship": lambda s: entry(creatures(1, 1), [only([save(WIS, [apply(ongoing(s, conditions=["charmed"], ends_on_damage=True))])],
                                                                max_intelligence=3)]),
    "arcane-hand": lambda s: entry(creatures(1), [attack([damage(per_slot(5, 4, "d8", 2), "force")])],
                                   "the grasping, forceful and interposing hands; the hand's own AC and hit points", REPEAT),
    "arcane-sword": lambda s: entry(creatures(1), [attack([flat_damage(s)]),
                                           apply(ongoing(s, grants=granted([attack([flat_damage(s)])], bonus_action=True)), ON_SELF)]),
    "bane": lambda s: entry(creatures(3, 1), [save(CHA, [apply(ongoing(s, attack_dice="-1d4", save_dice="-1d4"))])]),
    # A creature from another plane that stays banished for the full minute doesn't come back.
    "banishment": lambda s: entry(creatures(1, 1), [save(CHA, [
        only([apply(ongoing(s, removed=True))], not_types=EXTRAPLANAR),
        only([apply(ongoing(s, removed=True, after_full_duration=True,
                            after=ongoing(s, f"{s['name']} (gone home)", duration=None, removed=True)))], types=EXTRAPLANAR)])]),
    "barkskin": lambda s: entry(creatures(1), [apply(ongoing(s, ac_floor=16))]),
    "beacon-of-hope": lambda s: entry(AREA, [apply(ongoing(s, save_advantage=[WIS], death_save_advantage=True, max_healing=True))]),
    "bestow-curse": lambda s: entry(creatures(1), [save(WIS, [apply(ongoing(s))])],
                                    "the curse chosen from four (a disadvantage, an extra 1d8 necrotic, a lost turn); longer from a 5th-level slot"),
    "black-tentacles": lambda s: (lambda held: entry(AREA, [apply(ongoing(s, each_turn=each_turn("start", [
        only([save(DEX, [flat_damage(s), apply(ongoing(s, held, conditions=["restrained"], escape_at_save_dc=True,
                                                        each_turn=each_turn("start", [flat_damage(s)])))])], without=held)])))]))(
        f"{s['name']} (restrained)"),
    "blade-barrier": area_each_turn("start", DEX),
    "bless": lambda s: entry(creatures(3, 1), [apply(ongoing(s, attack_dice="1d4", save_dice="1d4"))]),
    "blight": lambda s: entry(creatures(1), [save(CON, [{**flat_damage(s), "max_against": ["plant"]}],
                                                  [{**flat_damage(s, half=True), "max_against": ["plant"]}],
                                                  disadvantage_types=["plant"])]),
    "blindness-deafness": lambda s: entry(creatures(1, 1), [save(CON, [choice(*((c, [apply(ongoing(s, conditions=[c], save_ends=(CON, "end")))])
                                                                        for c in ("blinded", "deafened")))])]),
    # A d20 at the end of each of the caster's turns: 11 or higher, it is on the Ethereal Plane until its next turn.
    "blink": lambda s: entry(SELF, [apply(ongoing(s, each_turn=each_turn("end", [table("1d20", (11, 20, [
        apply(ongoing(s, f"{s['name']} (ethereal)", removed=True, duration=START_OF_OWN))]))])), ON_SELF)]),
    "blur": self_buff(attacked=-1),
    # The extra damage and the light come with the next weapon hit; the light
    # lasts as long as the caster's concentration.
    "branding-smite": lambda s: (lambda brand: entry(SELF, [apply(ongoing(s, used_by="own_hit", weapon_damage=brand(2), modifiers_by_slot={
        str(lv): {"weapon_damage": brand(lv)} for lv in range(3, 10)}), ON_SELF)]))(
        lambda n: {"dice": f"{n}d6", "damage_type": "radiant", "effects": [apply(ongoing(
            s, f"{s['name']} (light)", duration=None, revealed=True, tied_to_concentration=True))]}),
    "burning-hands": base(),
    "call-lightning": lambda s: (lambda bolt: entry(AREA, [bolt, apply(ongoing(s, grants=granted([bolt])), ON_SELF)]))(
        # Cast outdoors in a storm, the bolts deal 1d10 more.
        choice(("clear", [save_half(DEX, damage(per_slot(3, 3, "d10"), "lightning"))]),
               ("storm", [save_half(DEX, damage(per_slot(3, 4, "d10"), "lightning"))]))),
    "calm-emotions": lambda s: entry(AREA, [save(CHA, [choice(
        ("suppress", [apply(ongoing(s, condition_immunities=["charmed", "frightened"]))]),
        ("indifferent", [apply(ongoing(s, behaviour="indifferent", ends_on_damage=True))]))])]),
    "chain-lightning": base(creatures(4, 1)),
    "charm-person": lambda s: entry(creatures(1, 1), [save(WIS, [apply(ongoing(s, conditions=["charmed"], ends_on_damage=True))],
                                                           advantage_if_hostile=True)]),
    "chill-touch": lambda s: entry(creatures(1), [attack([flat_damage(s), apply(ongoing(s, duration=START_OF_SOURCE, no_healing=True)),
                                                          only([apply(ongoing(s, f"{s['name']} (undead)", duration=END_OF_SOURCE, attacks=-1,
                                                                              versus=VERSUS_SOURCE))], types=["undead"])])]),
    "circle-of-death": base(),
    "cloudkill": area_each_turn("start", CON),
    "color-spray": lambda s: entry(AREA, [pool(per_slot(1, 6, "d10", 2), [apply(ongoing(s, conditions=["blinded"], duration=END_OF_SOURCE))])]),
    "command": lambda s: entry(creatures(1, 1), [save(WIS, [choice(
        *((w, [apply(ongoing(s, f"{s['name']}: {w}", duration=END_OF_OWN, behaviour=w))]) for w in ("approach", "drop", "flee")),
        ("grovel", [apply(ongoing(s, f"{s['name']}: grovel", conditions=["prone"], duration=None)),
                    apply(ongoing(s, f"{s['name']}: grovel (turn)", duration=END_OF_OWN, behaviour="halt"))]),
        ("halt", [apply(ongoing(s, f"{s['name']}: halt", duration=END_OF_OWN, behaviour="halt", speed_halves=0))]))])]),
    "compulsion": lambda s: entry(AREA, [only([save(WIS, [apply(ongoing(s, behaviour="compelled", save_ends=(WIS, "end")))])],
                                              not_immune_to=["charmed"])]),
    "cone-of-cold": base(),
    # The d10 at the start of each turn sets the creature's behaviour for that turn; a wanderer's
    # direction is a d8 (recorded with the table's rolls).
    "confusion": lambda s: entry(AREA, [save(WIS, [apply(ongoing(s, no_reactions=True, save_ends=(WIS, "end"), each_turn=each_turn("start", [
        table("1d10", *((lo, hi, [apply(ongoing(s, f"{s['name']}: {b}", duration=END_OF_THIS_TURN, behaviour=b)), *extra] if b else [])
                        for lo, hi, b, extra in ((1, 1, "wander", [table("1d8")]), (2, 6, "halt", []), (7, 8, "lash_out", []),
                                                 (9, 10, None, []))))])))])]),
    # The disease takes hold after three failed saves at the end of the
    # target's turns, for 7 days; three successes end it.
    "contagion": lambda s: entry(creatures(1), [choice(*(
        (name, [attack([apply(dict(ongoing(s, duration=None),
                                   save_ends={"ability": CON, "when": "end", "successes": 3, "failures": 3},
                                   on_failures=ongoing(s, f"{s['name']}: {name}", duration=rounds(100800), **disease)))])])
        for name, disease in CONTAGION_DISEASES))],
                                 "some diseases' effects: disadvantage on Strength or Dexterity attack rolls only, "
                                 "vulnerability to all damage, behaving as if confused, stunned when damaged"),
    "control-water": base(AREA, "the whirlpool is one of four options; the others move water"),
    "cure-wounds": base(),
    "death-ward": lambda s: entry(creatures(1), [apply(ongoing(s, death_ward=True))]),
    # The caster chooses when the bead bursts: 1d6 more for each turn it waited.
    "delayed-blast-fireball": lambda s: entry(AREA, [choice(*(
        (f"{n} turns", [save_half(DEX, damage(per_slot(7, 12 + n, "d6"), "fire"))]) for n in range(11)))]),
    "disintegrate": base(creatures(1)),
    # The ward, and two touches that each end the spell: freeing a creature from a charm or
    # fear, or a melee spell attack that sends such a creature home on a failed Charisma save.
    "dispel-evil-and-good": lambda s: entry(SELF, [apply(ongoing(
        s, attacked=-1, versus={"kind": "types", "types": DISPEL_TYPES}, grants=granted([choice(
            ("break enchantment", [remove("charmed", "frightened")]),
            ("dismissal", [attack([only([save(CHA, [apply(ongoing(s, f"{s['name']} (dismissed)", duration=None, removed=True))])],
                                        types=DISPEL_TYPES)])]))], ends_effect=True)), ON_SELF)]),
    "divine-favor": self_buff(weapon_damage={"dice": "1d4", "damage_type": "radiant"}),
    "divine-word": lambda s: entry(AREA, [save(CHA, [
        only([KILL], max_hp=20),
        only([apply(ongoing(s, conditions=["blinded", "deafened", "stunned"], duration=rounds(600)))], min_hp=21, max_hp=30),
        only([apply(ongoing(s, conditions=["blinded", "deafened"], duration=rounds(100)))], min_hp=31, max_hp=40),
        only([apply(ongoing(s, conditions=["deafened"], duration=rounds(10)))], min_hp=41, max_hp=50),
        # Celestials, elementals, fey and fiends that fail are sent home for 24 hours.
        only([apply(ongoing(s, f"{s['name']} (banished)", duration=rounds(14400), removed=True))],
             types=["celestial", "elemental", "fey", "fiend"])])]),
    "dominate-beast": lambda s: entry(creatures(1), [save(WIS, advantage_if_hostile=True, fail=[apply(ongoing(s, conditions=["charmed"], behaviour="commanded",
                                                        save_ends=save_ends_on_damage(WIS, damage_only=True), rounds_by_slot={5: 100, 6: 600, 7: 4800}))])]),
    "dominate-monster": lambda s: entry(creatures(1), [save(WIS, advantage_if_hostile=True, fail=[apply(ongoing(s, conditions=["charmed"], behaviour="commanded",
                                                        save_ends=save_ends_on_damage(WIS, damage_only=True), rounds_by_slot={9: 4800}))])]),
    "dominate-person": lambda s: entry(creatures(1), [save(WIS, advantage_if_hostile=True, fail=[apply(ongoing(s, conditions=["charmed"], behaviour="commanded",
                                                        save_ends=save_ends_on_damage(WIS, damage_only=True), rounds_by_slot={6: 100, 7: 600, 8: 4800}))])]),
    "earthquake": lambda s: entry(AREA, [save(DEX, [prone(s)])],
                                  "concentration saves; fissures; collapsing structures (5d6 bludgeoning)"),
    "eldritch-blast": lambda s: entry(SPLIT, [split(count(1, char={5: 2, 11: 3, 17: 4}),
                                                    [attack([damage(amount("1d10"), "force")])])]),
    "enhance-ability": lambda s: entry(creatures(1, 1), [choice(
        ("bear's endurance", [temp_hp(amount("2d6")), apply(ongoing(s, check_advantage=[CON]))]),
        *((name, [apply(ongoing(s, check_advantage=[ability]))]) for name, ability in (
            ("bull's strength", STR), ("cat's grace", DEX), ("eagle's splendor", CHA), ("fox's cunning", INT), ("owl's wisdom", WIS))))]),
    # A willing creature takes the effect; an unwilling one makes a Constitution save.
    "enlarge-reduce": lambda s: (lambda grow, shrink: entry(creatures(1), [choice(
        ("enlarge", [grow]), ("reduce", [shrink]),
        ("enlarge unwilling", [save(CON, [grow])]), ("reduce unwilling", [save(CON, [shrink])]))]))(
        apply(ongoing(s, f"{s['name']} (enlarged)", size=1, check_advantage=[STR], save_advantage=[STR], weapon_damage={"dice": "1d4"})),
        apply(ongoing(s, f"{s['name']} (reduced)", size=-1, check_disadvantage=[STR], save_disadvantage=[STR], weapon_damage={"dice": "-1d4"}))),
    "entangle": lambda s: entry(AREA, [save(STR, [apply(ongoing(s, conditions=["restrained"], escape_at_save_dc=True))])]),
    # A creature that saved can't be targeted again by this casting: immune for the spell's minute.
    "eyebite": lambda s: (lambda gaze: entry(creatures(1), [gaze, apply(ongoing(s, grants=granted([gaze])), ON_SELF)]))(
        {**save(WIS, [choice(("asleep", [apply(ongoing(s, conditions=["unconscious"], ends_on_damage=True))]),
                             ("panicked", [apply(ongoing(s, conditions=["frightened"], behaviour="flee"))]),
                             ("sickened", [apply(ongoing(s, attacks=-1, check_disadvantage=ALL_ABILITIES, save_ends=(WIS, "end")))]))]),
         "immunity_rounds": 10}),
    "faerie-fire": lambda s: entry(AREA, [save(DEX, [apply(ongoing(s, attacked=1, revealed=True))])]),
    # The hound bites the hostile creature it is set by at the start of each of the caster's
    # turns, with the caster's spell attack bonus.
    "faithful-hound": lambda s: entry(creatures(1), [apply(ongoing(s, each_turn={**each_turn("start", [attack([flat_damage(s)])]),
                                                                             "on_source_turn": True}))]),
    "false-life": lambda s: entry(SELF, [temp_hp(table_amount(s["healing"]["by_slot_level"], False, False))]),
    # It saves again only at the end of a turn out of the caster's sight.
    "fear": lambda s: entry(AREA, [save(WIS, [DROP, apply(ongoing(s, conditions=["frightened"], behaviour="flee",
                                                                   save_ends={"ability": WIS, "when": "end", "out_of_sight": True}))])]),
    "feeblemind": lambda s: entry(creatures(1), [flat_damage(s), save(INT, [apply(ongoing(s))])],
                                  "Intelligence and Charisma become 1 (no ability-score modifier); a new save every 30 days"),
    "finger-of-death": base(),
    "fire-bolt": base(),
    # "when_hit: melee" means a melee hit from within 5 feet.
    "fire-shield": lambda s: entry(SELF, [choice(
        ("warm", [apply(ongoing(s, resistances=["cold"], when_hit=when_hit([damage(amount("2d8"), "fire")])), ON_SELF)]),
        ("chill", [apply(ongoing(s, resistances=["fire"], when_hit=when_hit([damage(amount("2d8"), "cold")])), ON_SELF)]))]),
    "fire-storm": base(),
    "fireball": base(),
    "flame-blade": lambda s: entry(SELF, [apply(ongoing(s, grants=granted([attack([flat_damage(s)])])), ON_SELF)]),
    "flame-strike": lambda s: entry(AREA, [choice(
        ("fire", [save_half(DEX, damage(per_slot(5, 4, "d6"), "fire"), damage(amount("4d6"), "radiant"))]),
        ("radiant", [save_half(DEX, damage(amount("4d6"), "fire"), damage(per_slot(5, 4, "d6"), "radiant"))]))]),
    # The targets are the creatures within 5 feet of the sphere; ramming one
    # with the bonus action makes it save at once and keeps it near.
    "flaming-sphere": lambda s: (lambda near: entry(AREA, [near, apply(ongoing(s, grants=granted([save_half(DEX, flat_damage(s)), near],
                                                                                             bonus_action=True)), ON_SELF)]))(
        apply(ongoing(s, f"{s['name']} (within 5 feet)", each_turn=each_turn("end", [save_half(DEX, flat_damage(s))])))),
    "flesh-to-stone": lambda s: entry(creatures(1), [save(CON, [apply(dict(
        ongoing(s, conditions=["restrained"]),
        save_ends={"ability": CON, "when": "end", "successes": 3, "failures": 3},
        on_failures=ongoing(s, f"{s['name']} (petrified)", conditions=["petrified"])))])]),
    "forcecage": lambda s: entry(AREA, [apply(ongoing(s))], "creatures inside can't leave; a Charisma save to teleport out"),
    "foresight": lambda s: entry(creatures(1), [apply(ongoing(s, attacks=1, attacked=-1, save_advantage=ALL_ABILITIES,
                                                              check_advantage=ALL_ABILITIES, unsurprisable=True))]),
    "freedom-of-movement": lambda s: entry(creatures(1), [apply(ongoing(s, condition_immunities=["paralyzed", "restrained"], free_movement=True))]),
    "freezing-sphere": base(),
    "grease": lambda s: entry(AREA, [save(DEX, [prone(s)]), apply(ongoing(s, each_turn=each_turn("end", [save(DEX, [prone(s)])])))]),
    "greater-invisibility": lambda s: entry(creatures(1), [apply(ongoing(s, conditions=["invisible"]))]),
    # The guardian vanishes once it has dealt 60 damage to all the creatures it struck.
    "guardian-of-faith": lambda s: entry(AREA, [apply(ongoing(s, each_turn={
        **each_turn("start", [save_half(DEX, flat_damage(s))]), "hp_limit": 60, "shared_limit": True}))]),
    "guidance": lambda s: entry(creatures(1), [apply(ongoing(s, used_by="own_check", check_dice="1d4"))]),
    "guiding-bolt": lambda s: entry(creatures(1), [attack([flat_damage(s), apply(ongoing(s, duration=END_OF_SOURCE, used_by="attack_against", attacked=1))])]),
    "gust-of-wind": lambda s: entry(AREA, [save(STR, [push(15)]), apply(ongoing(s, each_turn=each_turn("start", [save(STR, [push(15)])])))],
                                 "moving toward the caster costs double"),
    "harm": lambda s: entry(creatures(1), [save(CON, [{**flat_damage(s), "leaves_one": True}, apply(ongoing(s, duration=rounds(600), drain=True))],
                                                [{**flat_damage(s, half=True), "leaves_one": True}])]),
    "haste": lambda s: entry(creatures(1), [apply(ongoing(s, ac=2, speed_halves=4, save_advantage=[DEX], extra_action=True,
                                                      after=ongoing(s, f"{s['name']} (lethargy)", duration=END_OF_OWN, no_actions=True, speed_halves=0)))]),
    "greater-restoration": lambda s: entry(creatures(1), [choice(
        ("exhaustion", [{"type": "remove", "exhaustion": 1}]),
        *((c, [remove(c)]) for c in ("charmed", "petrified")),
        ("curse", [{"type": "remove", "kinds": ["curse"]}]),
        ("ability score", [{"type": "remove", "kinds": ["ability_reduction"]}]),
        ("hit point maximum", [{"type": "remove", "kinds": ["max_hp_reduction"]}]))]),
    "heal": lambda s: entry(creatures(1), [*base_effects(s), remove("blinded", "deafened")]),
    "healing-word": base(),
    # A held object is dropped on a failed save; one that can't be (worn armor) gives disadvantage instead.
    "heat-metal": lambda s: (lambda heat: entry(creatures(1), [*heat, apply(ongoing(s, grants=granted(heat, bonus_action=True)), ON_SELF)]))(
        [choice(("held", [flat_damage(s), save(CON, [DROP])]),
                ("worn", [flat_damage(s), save(CON, [apply(ongoing(s, duration=START_OF_SOURCE, attacks=-1, check_disadvantage=ALL_ABILITIES))])]))]),
    "hellish-rebuke": base(creatures(1)),
    "heroes-feast": lambda s: entry(creatures(12), [apply(ongoing(s, max_hp_amount=amount("2d10"), save_advantage=[WIS], immunities=["poison"],
                                                        condition_immunities=["frightened", "poisoned"]))]),
    "heroism": lambda s: entry(creatures(1, 1), [apply(ongoing(s, condition_immunities=["frightened"],
                                                        each_turn=each_turn("start", [temp_hp(amount("0", mod=True))])))]),
    # A creature with an Intelligence of 4 or less isn't affected.
    "hideous-laughter": lambda s: entry(creatures(1), [only([save(WIS, [apply(ongoing(s, conditions=["incapacitated", "prone"],
                                                                                       save_ends=save_ends_on_damage(WIS, advantage=True)))])],
                                                            min_intelligence=5)]),
    "hold-monster": lambda s: entry(creatures(1, 1), [save(WIS, [apply(ongoing(s, conditions=["paralyzed"], save_ends=(WIS, "end")))])]),
    "hold-person": lambda s: entry(creatures(1, 1), [only([save(WIS, [apply(ongoing(s, conditions=["paralyzed"], save_ends=(WIS, "end")))])],
                                                    types=["humanoid"])]),
    "holy-aura": lambda s: entry(AREA, [apply(ongoing(s, attacked=-1, save_advantage=ALL_ABILITIES, when_hit=when_hit(
        [save(CON, [apply(ongoing(s, f"{s['name']} (blinded)", conditions=["blinded"]))])], types=["fiend", "undead"])))]),
    # The mark moves to a new quarry with a bonus action once the old one drops.
    "hunters-mark": lambda s: (lambda mark: entry(creatures(1), [apply({**mark, "grants": granted([apply(mark, ON_SELF)], bonus_action=True)}, ON_SELF)]))(
        ongoing(s, weapon_damage={"dice": "1d6"}, versus=VERSUS_TARGET)),
    "hypnotic-pattern": lambda s: entry(AREA, [save(WIS, [apply(ongoing(s, conditions=["charmed", "incapacitated"], ends_on_damage=True, speed_halves=0))])]),
    "ice-storm": lambda s: entry(AREA, [save_half(DEX, damage(per_slot(4, 2, "d8"), "bludgeoning"), damage(amount("4d6"), "cold"))]),
    "incendiary-cloud": area_each_turn("end", DEX, True),
    "inflict-wounds": base(),
    "insect-plague": area_each_turn("end", CON, True),
    "invisibility": lambda s: entry(creatures(1, 1), [apply(ongoing(s, conditions=["invisible"], used_by="own_attack_or_spell"))]),
    # The dancer spends its action on the save to end it.
    "irresistible-dance": lambda s: entry(creatures(1), [only([apply(ongoing(s, attacks=-1, attacked=1, save_disadvantage=[DEX], speed_halves=0,
                                                                              no_actions=True, save_ends=(WIS, "end")))], not_immune_to=["charmed"])]),
    "lesser-restoration": lambda s: entry(creatures(1), [choice(*((c, [remove(c)]) for c in ("blinded", "deafened", "paralyzed", "poisoned")))]),
    "levitate": lambda s: entry(creatures(1), [save(CON, [apply(ongoing(s))])],
                                "held 20 feet in the air, moved only by pushing off or by the caster"),
    "lightning-bolt": base(),
    "mage-armor": lambda s: entry(creatures(1), [apply(ongoing(s, ac_base=13))]),
    "magic-missile": lambda s: entry(SPLIT, [split(count(3, 1), [damage(amount("1d4+1"), "force")])]),
    "magic-weapon": lambda s: entry(creatures(1), [apply(ongoing(s, weapon_attack=1, weapon_damage={"dice": "1"}, modifiers_by_slot={
        str(lv): {"weapon_attack": bonus, "weapon_damage": {"dice": str(bonus)}} for lv, bonus in ((4, 2), (6, 3))}))]),
    "mass-cure-wounds": base(creatures(6)),
    "mass-heal": lambda s: entry(AREA, [heal(amount("700"), shared=True), remove("blinded", "deafened")]),
    "mass-healing-word": base(creatures(6)),
    "maze": lambda s: entry(creatures(1), [apply(ongoing(s, removed=True, escape_dc=20))]),
    "meteor-swarm": lambda s: entry(AREA, [save_half(DEX, damage(amount("20d6"), "fire"), damage(amount("20d6"), "bludgeoning"))]),
    "mirror-image": lambda s: entry(SELF, [apply(ongoing(s, duplicates=3), ON_SELF)]),
    # The double only distracts: it has no attacks, and the caster moves it with an action.
    "mislead": lambda s: entry(SELF, [apply(ongoing(s, conditions=["invisible"], used_by="own_attack_or_spell"), ON_SELF)]),
    # Shapechangers save with disadvantage and, on a failure, revert and hold their true form.
    "moonbeam": lambda s: (lambda dmg: entry(AREA, [apply(ongoing(s, each_turn=each_turn("start", [save(
        CON, [dmg, only([apply(ongoing(s, f"{s['name']} (true form)", true_form=True))], types=["shapechanger"])],
        [{**dmg, "half": True}], disadvantage_types=["shapechanger"])])))]))(flat_damage(s)),
    "phantasmal-killer": lambda s: entry(creatures(1), [save(WIS, [apply(ongoing(s, conditions=["frightened"], save_ends=(WIS, "start"),
                                                                                   each_turn=each_turn("start", [save(WIS, [flat_damage(s)])])))])]),
    "plane-shift": lambda s: entry(creatures(1), [attack([save(CHA, [apply(ongoing(s, duration=None, removed=True))])])]),
    "poison-spray": base(),
    "polymorph": lambda s: entry(creatures(1), [save(WIS, [apply(ongoing(s))])], "the new form's statistics and hit points"),
    "power-word-kill": lambda s: entry(creatures(1), [only([KILL], max_hp=100)]),
    "power-word-stun": lambda s: entry(creatures(1), [only([apply(ongoing(s, conditions=["stunned"], duration=None, save_ends=(CON, "end")))], max_hp=150)]),
    "prayer-of-healing": base(creatures(6)),
    # A d8 per target picks the ray; an 8 is two rays (a d7 each). Indigo restrains until three successes, or
    # petrifies for good after three failures; violet blinds until a save at the start of the caster's next turn,
    # and a failure sends the creature to another plane (out of the fight).
    "prismatic-spray": lambda s: (lambda rays: entry(AREA, [table("1d8", *rays, (8, 8, [table("1d7", *rays), table("1d7", *rays)]))]))(
        [*((n, n, [save_half(DEX, damage(amount("10d6"), kind))]) for n, kind in enumerate(("fire", "acid", "lightning", "poison", "cold"), 1)),
         (6, 6, [save(DEX, [apply(ongoing(s, f"{s['name']} (indigo)", conditions=["restrained"], duration=None,
                                          save_ends={"ability": CON, "when": "end", "successes": 3, "failures": 3},
                                          on_failures=ongoing(s, f"{s['name']} (stone)", conditions=["petrified"], duration=None)))])]),
         (7, 7, [save(DEX, [apply(ongoing(s, f"{s['name']} (violet)", conditions=["blinded"], duration=None,
                                          save_ends={"ability": WIS, "when": "start", "on_source_turn": True, "failures": 1},
                                          on_failures=ongoing(s, f"{s['name']} (banished)", removed=True, duration=None)))])])]),
    "prismatic-wall": lambda s: entry(AREA, [save(CON, [apply(ongoing(s, conditions=["blinded"], duration=rounds(10)))])],
                                      "seven layers, each with its own save, damage or condition"),
    "produce-flame": base(creatures(1)),
    "protection-from-energy": lambda s: entry(creatures(1), [choice(*((k, [apply(ongoing(s, resistances=[k]))])
                                                               for k in ("acid", "cold", "fire", "lightning", "thunder")))]),
    "protection-from-evil-and-good": lambda s: entry(creatures(1), [apply(ongoing(s, attacked=-1, condition_immunities=["charmed", "frightened"],
                                                                              versus={"kind": "types", "types": EVIL_AND_GOOD}))],
                                                     "advantage on a new save against a charm or fear such a creature already put on it"),
    "protection-from-poison": lambda s: entry(creatures(1), [remove("poisoned"), apply(ongoing(s, resistances=["poison"],
                                                                                               save_advantage_against=["poisoned"]))]),
    "ray-of-enfeeblement": lambda s: entry(creatures(1), [attack([apply(ongoing(s, half_weapon_damage=True, save_ends=(CON, "end")))])]),
    "ray-of-frost": lambda s: entry(creatures(1), [attack([flat_damage(s), apply(ongoing(s, duration=START_OF_SOURCE, speed=-10))])]),
    "regenerate": lambda s: entry(creatures(1), [heal(table_amount(s["healing"]["by_slot_level"], False, False)),
                                                 apply(ongoing(s, each_turn=each_turn("start", [heal(amount("1"))])))]),
    "resilient-sphere": lambda s: entry(creatures(1), [save(DEX, [apply(ongoing(s, removed=True))])]),
    "resistance": lambda s: entry(creatures(1), [apply(ongoing(s, used_by="own_save", save_dice="1d4"))]),
    "reverse-gravity": lambda s: entry(AREA, [save(DEX, [apply(ongoing(s))])], "creatures fall upward and take falling damage; a save lets one hold on"),
    "revivify": lambda s: entry(creatures(1), [{"type": "revive", "hp": 1}]),
    "sacred-flame": base(),
    "sanctuary": lambda s: entry(creatures(1), [apply(ongoing(s, sanctuary=True, used_by="own_attack_or_spell"))]),
    "scorching-ray": lambda s: entry(SPLIT, [split(count(3, 1), [attack([damage(amount("2d6"), "fire")])])]),
    "shatter": lambda s: entry(AREA, [save(CON, [flat_damage(s)], [flat_damage(s, half=True)], disadvantage_types=["inorganic"])]),
    "shield": lambda s: entry(SELF, [apply({**ongoing(s, duration=START_OF_SOURCE, ac=5), "immunity_to": "Magic Missile"}, ON_SELF)]),
    "shield-of-faith": lambda s: entry(creatures(1), [apply(ongoing(s, ac=2))]),
    "shillelagh": lambda s: entry(SELF, [apply(ongoing(s, weapon_die={"weapons": ["Club", "Quarterstaff"], "dice": "1d8", "spellcasting": True}),
                                               ON_SELF)]),
    "shocking-grasp": lambda s: entry(creatures(1), [attack([flat_damage(s), apply(ongoing(s, duration=START_OF_OWN, no_reactions=True))],
                                                            advantage_against=["metal armor"])]),
    "sleep": lambda s: entry(AREA, [pool(per_slot(1, 5, "d8", 2), [only([apply(ongoing(s, conditions=["unconscious"], ends_on_damage=True))],
                                                                   not_types=["undead"], not_immune_to=["charmed"])])]),
    "sleet-storm": lambda s: entry(AREA, [apply(ongoing(s, each_turn=each_turn("start", [
        save(DEX, [prone(s)]), only([save(CON, [BREAK_CONCENTRATION])], concentrating=True)])))]),
    "slow": lambda s: entry(creatures(6), [save(WIS, [apply(ongoing(s, ac=-2, save_bonus={DEX: -2}, speed_halves=1, no_reactions=True, save_ends=(WIS, "end"),
                                                                   action_or_bonus=True, one_attack=True, delayed_spells=True))])]),
    "spare-the-dying": lambda s: entry(creatures(1), [STABILIZE]),
    "spike-growth": lambda s: entry(AREA, [apply(ongoing(s, on_move={"per_feet": 5, "effects": [damage(amount("2d4"), "piercing")]}))]),
    "spirit-guardians": lambda s: entry(AREA, [apply(ongoing(s, speed_halves=1, each_turn=each_turn("start", [
        save_half(WIS, damage(per_slot(3, 3, "d8"), None))])))]),
    "spiritual-weapon": lambda s: entry(creatures(1), [attack([flat_damage(s)]),
                                               apply(ongoing(s, grants=granted([attack([flat_damage(s)])], bonus_action=True)), ON_SELF)]),
    # Creatures that can't be poisoned (no breath, immune to poison) are passed over.
    "stinking-cloud": lambda s: entry(AREA, [apply(ongoing(s, each_turn=each_turn("start", [only([save(CON, [
        apply(ongoing(s, f"{s['name']} (retching)", duration=END_OF_THIS_TURN, no_actions=True))])], not_immune_to=["poisoned"])])))]),
    "stoneskin": lambda s: entry(creatures(1), [apply(ongoing(s, nonmagical_resistances=["bludgeoning", "piercing", "slashing"]))]),
    "storm-of-vengeance": lambda s: entry(AREA, [save(CON, [flat_damage(s), apply(ongoing(s, conditions=["deafened"], duration=rounds(50)))])],
                                          "a different effect each round: acid rain, lightning bolts, hailstones, freezing wind"),
    "sunbeam": lambda s: (lambda beam: entry(AREA, [beam, apply(ongoing(s, grants=granted([beam])), ON_SELF)]))(
        save(CON, [flat_damage(s), apply(ongoing(s, conditions=["blinded"], duration=START_OF_SOURCE))], [flat_damage(s, half=True)],
             disadvantage_types=["undead", "ooze"])),
    "sunburst": lambda s: entry(AREA, [save(CON, [flat_damage(s), apply(ongoing(s, conditions=["blinded"], duration=rounds(10), save_ends=(CON, "end")))],
                                 [flat_damage(s, half=True)], disadvantage_types=["undead", "ooze"])]),
    # The caster's spellcasting check against the creature's Strength check,
    # again as an action on later turns; where it moves the creature is the table's.
    "telekinesis": lambda s: entry(creatures(1), [only([telekinesis_hold(s)], max_size="huge"),
                                                  apply(ongoing(s, grants=granted([only([telekinesis_hold(s)], max_size="huge")])), ON_SELF)]),
    "thunderwave": lambda s: entry(AREA, [save(CON, [flat_damage(s), push(10)], [flat_damage(s, half=True)])]),
    "true-polymorph": lambda s: entry(creatures(1), [save(WIS, [apply(ongoing(s))])], "the new form's statistics; permanent after an hour"),
    "true-strike": lambda s: entry(creatures(1), [apply(ongoing(s, duration=END_OF_SOURCE, used_by="own_attack", attacks=1,
                                                                versus=VERSUS_TARGET), ON_SELF)]),
    "vampiric-touch": lambda s: entry(creatures(1), [attack([flat_damage(s), HEAL_SELF_HALF]),
                                                     apply(ongoing(s, grants=granted([attack([flat_damage(s), HEAL_SELF_HALF])])), ON_SELF)]),
    "vicious-mockery": lambda s: entry(creatures(1), [save(WIS, [flat_damage(s), apply(ongoing(s, duration=END_OF_OWN, used_by="own_attack", attacks=-1))])]),
    "wall-of-fire": lambda s: entry(AREA, [save_half(DEX, flat_damage(s)), apply(ongoing(s, each_turn=each_turn("end", [flat_damage(s)])))]),
    "wall-of-ice": lambda s: entry(AREA, [save_half(DEX, flat_damage(s))],
                                   "frigid air: 5d6 cold (Constitution save for half) crossing a broken section; the wall's AC and hit points"),
    "wall-of-thorns": lambda s: entry(AREA, [save_half(DEX, flat_damage(s)), apply(ongoing(s, each_turn=each_turn(
        "end", [save_half(DEX, damage(per_slot(6, 7, "d8"), "slashing"))])))]),
    "warding-bond": lambda s: entry(creatures(1), [apply(ongoing(s, ac=1, save_dice="1", resistances=EVERY_DAMAGE_TYPE, shares_damage=True))]),
    "web": lambda s: entry(AREA, [apply(ongoing(s, each_turn=each_turn("start", [save(DEX, [
        apply(ongoing(s, f"{s['name']} (restrained)", conditions=["restrained"], escape_at_save_dc=True))])])))]),
    "weird": lambda s: entry(AREA, [save(WIS, [apply(ongoing(s, conditions=["frightened"], save_ends=(WIS, "start"),
                                                             each_turn=each_turn("start", [save(WIS, [damage(amount("4d10"), "psychic")])])))])]),
    "wind-wall": base(),
}

# The creature types a curated spell works on (or not): its whole tree runs
# only on targets that fit.
LIVING = {"not_types": ["undead", "construct"]}
CREATURE_TYPES = {
    "animal-friendship": {"types": ["beast"]},
    "blight": LIVING,
    "calm-emotions": {"types": ["humanoid"]},
    "charm-person": {"types": ["humanoid"]},
    "command": {"not_types": ["undead"]},
    "cure-wounds": LIVING,
    "dominate-beast": {"types": ["beast"]},
    "dominate-person": {"types": ["humanoid"]},
    "heal": LIVING,
    "healing-word": LIVING,
    "hold-monster": {"not_types": ["undead"]},
    "mass-cure-wounds": LIVING,
    "mass-heal": LIVING,
    "mass-healing-word": LIVING,
    "prayer-of-healing": LIVING,
    "spare-the-dying": LIVING,
}

# Spells with figures (an attack, a save, damage, healing or a condition)
# that still have no combat effect, with why: they stay out of the combat
# coverage, and their tree is only what the flat figures imply.
NOT_COMBAT = {
    "awaken": "an ally made friendly for 30 days",
    "contact-other-plane": "the caster's own risk when asking questions",
    "dimension-door": "damage only when arriving in an occupied space",
    "dream": "a nightmare during the target's rest, not in a fight",
    "enthrall": "disadvantage on Perception checks",
    "geas": "a long-term command",
    "hallow": "a long-term ward on a place",
    "imprisonment": "a one-minute casting that removes the target for good",
    "light": "a light source",
    "magic-circle": "a ward against creature types",
    "magic-jar": "possession of a body",
    "mass-suggestion": "directs behaviour for hours",
    "modify-memory": "rewrites memories",
    "planar-binding": "binds a creature to service",
    "scrying": "divination",
    "suggestion": "directs behaviour for hours",
    "symbol": "a glyph set in advance and triggered later",
}


def generate(srd: Path) -> tuple[str, list[str], dict]:
    raw = json.loads((srd / SOURCE).read_text(encoding="utf-8"))
    corrections: list[str] = []
    spells = sorted((convert_spell(s, corrections) for s in raw), key=lambda s: s["id"])
    ids = {s["id"] for s in spells}
    for sid in sorted((set(CURATED) | set(NOT_COMBAT) | set(CREATURE_TYPES)) - ids):
        fail(sid, "in the tables but not in the SRD")
    for sid in sorted(set(CREATURE_TYPES) - set(CURATED)):
        fail(sid, "in CREATURE_TYPES but not in CURATED")
    levels = {"full": 0, "partial": 0, "listed": 0, "combat": 0, "combat_full": 0}
    for spell in spells:
        levels[spell["automation"]["level"]] += 1
        if spell.get("combat"):
            levels["combat"] += 1
            levels["combat_full"] += spell["automation"]["level"] == "full"
    text = content_cli.to_json(spells)
    return text, corrections, {"spells": len(spells), **levels}


def main() -> int:
    def files(srd: Path) -> tuple[dict[str, str], list[str], dict]:
        text, corrections, counts = generate(srd)
        return {OUTPUT: text}, corrections, counts

    return content_cli.run(
        "content_spells",
        __doc__.splitlines()[0],
        files,
        lambda c, n: (
            f"{c['spells']} spells: {c['full']} full, {c['partial']} partial, "
            f"{c['listed']} listed; combat {c['combat_full']}/{c['combat']} full; {n} figures corrected"
        ),
        (SrdError,),
    )


if __name__ == "__main__":
    sys.exit(main())
