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
    out["automation"] = automation(out, raw, missing)
    return out


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


def generate(srd: Path) -> tuple[str, list[str], dict]:
    raw = json.loads((srd / SOURCE).read_text(encoding="utf-8"))
    corrections: list[str] = []
    spells = sorted((convert_spell(s, corrections) for s in raw), key=lambda s: s["id"])
    levels = {"full": 0, "partial": 0, "listed": 0}
    for spell in spells:
        levels[spell["automation"]["level"]] += 1
    text = json.dumps(spells, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
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
            f"{c['listed']} listed; {n} figures corrected"
        ),
        (SrdError,),
    )


if __name__ == "__main__":
    sys.exit(main())
