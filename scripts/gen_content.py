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

ABILITIES = content_cli.ABILITIES

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


# The keys of a tree step that hold more steps.
BRANCHES = ("hit", "miss", "fail", "success", "fail_by_5", "then", "win", "lose")

# "One creature grappled by the chuul": who is targeted, not a condition imposed.
GRAPPLER = re.compile(r"(?:creatures? grappled by (?:the \w+|it)|has no creature grappled)")


def tree_conditions(effects: list) -> set[str]:
    """Every condition an automation tree can apply, at any depth."""
    found: set[str] = set()
    for step in effects:
        if step["type"] == "apply":
            effect = step["effect"]
            while effect:
                found.update(effect.get("conditions", []))
                effect = effect.get("on_failures") or effect.get("after")
        for option in step.get("options", []):
            found |= tree_conditions(option["effects"])
        for branch in BRANCHES:
            found |= tree_conditions(step.get(branch, []))
    return found


def tree_has_save(effects: list) -> bool:
    """Whether an automation tree holds a saving throw, at any depth."""
    return any(
        step["type"] == "save" or tree_has_save([s for b in BRANCHES for s in step.get(b, [])])
        for step in effects
    )


def automation(action: dict, text: str, names: list[str], traits: list[str]) -> dict:
    """How much of the action the rules engine can run from our figures and tree.

    Full means the tree holds every combat figure of the action; the gaps the
    rider reader found, and any condition or save the text names that the
    tree lacks, make it partial.
    """
    missing: list[str] = []
    gaps = action.pop("_gaps", [])
    steps = action.get("multiattack", []) + [
        s for option in action.get("multiattack_options", []) for s in option
    ]
    has_damage = bool(action.get("damage") or action.get("damage_choice"))
    effects = action.get("effects", [])
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
        if not effects[0].get("hit"):
            missing.append("damage on hit")
        if "reach_ft" not in atk and "range_ft" not in atk:
            missing.append("reach or range")
        missing += gaps
        # "A creature grappled by the kraken" says who is targeted, not a condition imposed.
        on_hit = GRAPPLER.sub("", hit_text(text).replace(" ft.", " ft"))
        for ends in SWALLOW_ENDS:
            # Falling prone when regurgitated comes with the table ending the swallow.
            on_hit = ends.sub(" ", on_hit)
        if not gaps and set(conditions_named(on_hit)) - tree_conditions(effects):
            missing.append("condition on hit")
        if not gaps and SAVE_IN_TEXT.search(on_hit) and not tree_has_save(effects):
            missing.append("save on hit")
        level = "partial" if missing else "full"
    elif "save" in action:
        missing += gaps
        if not any(effects[0].get(branch) for branch in ("fail", "success")):
            missing.append("effect of a failed save")
        elif not gaps and set(conditions_named(GRAPPLER.sub("", text))) - tree_conditions(effects):
            missing.append("condition in the text only")
        level = "partial" if missing else "full"
    elif action.get("variants"):
        for variant in action["variants"]:
            if "save" not in variant:
                missing.append(f"save of {variant['name']}")
            elif not any(variant["effects"][0].get(b) for b in ("fail", "success")):
                missing.append(f"effect of {variant['name']}")
        missing += gaps
        level = "partial" if missing else "full"
    elif effects:
        # A hand-written tree with neither an attack nor a save of its own.
        missing += gaps
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
    return {"level": level, "missing": list(dict.fromkeys(missing))}


# ---------------------------------------------------------------------------
# Automation trees. The `effects` of an action are built from its structured
# figures (attack bonus, damage, save) plus riders read from the stat block's
# text at generation time: a grapple and its escape DC, a save on hit and what
# a failed save does, how long a condition lasts and how it ends. Each rider
# phrase the patterns understand is "taken" out of the text; whatever is left
# must be either a known gap (GAPS: it makes the action partial, with that
# reason) or wording with no effect on the target (IGNORED). Anything else
# stops the script, so new wording cannot be silently dropped.

FIG = r"\d+(?: \(\d+d\d+(?: [+-] \d+)?\))?"
ABILITY_NAMES = "Strength|Dexterity|Constitution|Intelligence|Wisdom|Charisma"
CONDITION_WORDS = "|".join(CONDITIONS)
# "for 1 minute" and friends, in rounds of 6 seconds.
DURATION_ROUNDS = {"1 minute": 10, "5 minutes": 50, "10 minutes": 100, "1 hour": 600, "24 hours": 14400, "1 day": 14400}
DURATION = r"for (?P<dur>1 minute|5 minutes|10 minutes|1 hour|24 hours|1 day)"
UNTIL = (
    r"until the (?P<until>end|start) of (?P<whose>its|the [\w ]+?'s|the creature's|the target's) next turn"
)

# The save a rider asks for: "the target must succeed on a DC 11 Strength saving throw".
SAVE_CLAUSE = re.compile(
    rf"must (?:succeed on|make)(?: on)? a DC (?P<dc>\d+) (?P<ability>{ABILITY_NAMES}) saving throw"
    r"(?: against (?:this magic|poison|disease))?"
    rf"|(?:fails|makes) a DC (?P<dc2>\d+) (?P<ability2>{ABILITY_NAMES}) saving throw"
)
HALF_DAMAGE = re.compile(
    rf"^,? taking (?P<fig>{FIG}) (?P<type>\w+) damage(?P<more>(?: plus {FIG} \w+ damage)*) on a failed save, "
    r"or half as much damage on a successful one"
)
FAIL_DAMAGE = re.compile(
    rf"^(?:\. On a failure, a target|\. On a failed save, a creature| or) takes? (?P<fig>{FIG}) (?P<type>\w+) damage"
)
MORE_DAMAGE = re.compile(rf"plus (?P<fig>{FIG}) (?P<type>\w+) damage")
# "or be poisoned for 1 minute", "or become frightened until the end of its next turn".
FAIL_CONDITION = re.compile(
    rf"^(?: and| or)? (?:be|become|is|fall) (?:magically )?(?P<conds>(?:{CONDITION_WORDS})(?: and (?:{CONDITION_WORDS}))?)"
    rf"(?: {DURATION}| {UNTIL}| until the disease is cured)?"
)
PRONE = re.compile(r"^(?: and| or) (?:be |is )?knocked prone")
# Forced movement on a failed save: "or be pulled up to 25 feet toward the balor".
FORCED = re.compile(
    r"^ or be (?P<dir>pulled|pushed) up to (?P<feet>\d+) feet (?:toward|away from) the [\w ]+?(?= and knocked|\.)"
)
# A swallow on a failed save, and what being swallowed does. The stomach acid
# comes at the start of the swallower's turns (`on_source_turn`).
SWALLOW = re.compile(r"^ or be swallowed by the [\w ]+?\.")
SWALLOWED = re.compile(
    r"(?:A swallowed creature|While swallowed, the (?:target|creature)) is blinded and restrained, it has total "
    r"cover against attacks and other effects outside the [\w ]+?, and it takes "
    rf"(?P<fig>{FIG}) (?P<type>\w+) damage at the start of each of the [\w ]+?'s turns\."
)
# Regurgitation and escaping the corpse end the swallow: the table removes the
# effect (`Board::remove`), as it does for an escape from a grapple.
SWALLOW_ENDS = [
    re.compile(
        r"If the [\w ]+? takes \d+ damage or more on a single turn from (?:a|the swallowed) creature(?: inside it)?, "
        r"the [\w ]+? must succeed on a DC \d+ Constitution saving throw at the end of that turn or regurgitate "
        r"[^.]*?, which falls? prone in a space within 10 (?:feet|ft) of the [\w ]+?\."
    ),
    re.compile(
        r"If the [\w ]+? dies, a swallowed creature is no longer restrained by it and can escape from the corpse "
        r"(?:by )?using \d+ (?:feet|ft) of movement, exiting prone\."
    ),
]
REPEAT = re.compile(
    r"(?:The|A|The poisoned|A frightened|The frightened|The restrained) (?:target|creature) can repeat the "
    r"saving throw at the end of each of its turns, ending the (?:effect|frightened condition) on itself on a success"
)
GRAPPLE = re.compile(r"(?:it|the target|the creature|The creature|The target) is (?:also )?grappled \(escape DC (?P<dc>\d+)\)")
RESTRAINED_WHILE_GRAPPLED = re.compile(
    r"(?:Until (?:this|the) grapple ends, the (?:target|creature) is restrained"
    r"|and (?:the target is )?restrained until (?:this|the) grapple ends)"
)
EACH_TURN = re.compile(
    rf"(?:While poisoned in this way, a target |and |, and it |the target )?(?:it |the target )?takes (?P<fig>{FIG}) (?P<type>\w+) damage at the start of each of its turns"
    rf"|at the start of each of the target's turns, the target takes (?P<fig2>{FIG}) (?P<type2>\w+) damage"
)
NO_HEALING = re.compile(
    r"(?:While poisoned in this way, the target can't regain hit points"
    r"|The cursed target can't regain hit points)"
)
UNTIL_POISON = re.compile(rf"(?:Until this poison ends|While poisoned in this way), the target is (?P<cond>{CONDITION_WORDS})")
ENDS_ON_DAMAGE = re.compile(r"This effect ends for a creature if the creature takes damage")
RESTRAINED_BY = re.compile(
    r"The (?:creature|target) is restrained by webbing\. As an action, the restrained (?:creature|target) can make "
    r"a DC (?P<dc>\d+) Strength check, (?:escaping from|bursting) the webbing on a success"
)
SIZES = "Tiny|Small|Medium|Large|Huge"
# Riders limited to some targets: "If the target is a Large or smaller
# creature,", "If the target is a humanoid,", "other than an undead".
LIMIT = re.compile(
    rf"If the target is (?:a )?(?P<size>{SIZES}) or smaller(?: creature)?,"
    rf"| if it is a (?P<size2>{SIZES}) or smaller creature(?= and|\.)"
    r"|If the target is an? (?P<type>humanoid),"
    r"|If the target is a creature other than an? (?P<not1>\w+)(?: or (?:an? )?(?P<not2>\w+))?,"
)
# What a failed save does beyond damage and conditions: a curse with no
# figures in a fight (lycanthropy, mummy rot), a draining of the hit point
# maximum, a disease.
CURSE = re.compile(r"^ or be cursed with (?P<curse>mummy rot|\w+ lycanthropy)")
DRAIN = re.compile(r"^,? or (?:have )?its hit point maximum (?:is )?reduced by an amount equal to the damage taken")
DISEASE = re.compile(r"^ or contract a disease")
FAIL_BY_5 = re.compile(
    r"If (?:the saving throw fails by 5 or more|its saving throw result is 5 or lower), the (?:poisoned )?target "
    r"(?:is also unconscious while poisoned in this way|falls unconscious for the same duration"
    rf"|is instead poisoned for (?P<fig>{FIG}) minutes and unconscious while poisoned in this way)"
    r"(?P<wake>, or until it takes damage or another creature (?:uses|takes) an action to shake it awake)?\."
)
# Waking a sleeper is another creature's action: the table ends the effect
# (`Board::remove`), as it does for an escape.
WAKE = re.compile(
    r"(?P<damage>The target wakes up if it takes damage or if another creature takes an action to shake it awake\.)"
    r"|Another creature can use an action to shake the target awake\."
    r"|(?<= )or someone uses an action to wake it\."
)
# A paralysis on top of the fear when the save fails by 5 (a mummy's glare).
ALSO_BY_5 = re.compile(
    rf"If the target fails the saving throw by 5 or more, it is also (?P<cond>{CONDITION_WORDS})"
    r" for the same duration\."
)
# Immunity after a save: "If a creature's saving throw is successful or the
# effect ends for it, the creature is immune to ... for the next 24 hours."
IMMUNE = re.compile(
    r"If (?:a|the) (?:creature|target)'s saving throw is successful(?P<ends> or the effect ends for it)?, the "
    r"(?:creature|target) is immune to [\w' ]+? for the next 24 hours ?\."
    r"|A target that succeeds on the saving throw is immune to the Dreadful Glare of all mummies[^.]*? for the next "
    r"24 hours\."
)
DAY = 14400
IGNITE = re.compile(
    r"If the target is a creature or a flammable object, it ignites\. Until a (?:creature|target) takes an action "
    rf"to douse the fire, the target takes (?P<fig>{FIG}) (?P<type>\w+) damage at the (?P<when>start|end) of each "
    r"of its turns\."
)
CURSED_ON_HIT = re.compile(r"and the target is cursed if it is a creature\.")
# One damage figure of the hit line, with what picks it: "or 9 (1d10 + 4)
# slashing damage if used with two hands", "plus 3 (1d6) fire damage".
DAMAGE_CHUNK = re.compile(
    rf"^(?:,? (?:plus|or) |, )?(?P<fig>{FIG}) (?:\w+ or )?\w+ damage(?: \([^)]*\))?"
    r"(?: (?P<how>if used with two hands(?: to make a melee attack)?|if wielded with two hands|while enlarged"
    r"|with shillelagh|in [\w ]+? form|in melee|at range|if the swarm has half of its hit points or fewer))?"
)
# The note of a damage figure the export lacks, by the words that pick it.
DAMAGE_NOTES = {
    "if used with two hands": "Two handed",
    "if used with two hands to make a melee attack": "Two handed",
    "while enlarged": "While enlarged",
    "with shillelagh": "With shillelagh",
    "in Small or Medium form": "In Small or Medium form",
    "at range": "At range",
    "if the swarm has half of its hit points or fewer": "At half hit points or fewer",
}

# Text left over after the patterns that is a known gap in the schema or in
# the patterns: (pattern, reason). The action stays partial with the reason.
GAPS = [
    (r"(?:Tiny|Small|Medium|Large|Huge) or smaller", "rider only against targets up to a size"),
    (r"other than an? (?:elf|undead)", "rider skips some creature types"),
    (r"If the target is a humanoid", "rider only against humanoids"),
    (r"swallowed", "swallow"),
    (r"hit point maximum is reduced by an amount equal to the necrotic damage",
     "hit point maximum reduced by the necrotic damage only, healing the attacker"),
    (r"(?:pulled|pushed) (?:up to )?\d+ feet", "forced movement"),
    (r"fails (?:the saving throw )?by 5 or more(?!, the target also ages)|result is 5 or lower", "extra effect when the save fails by 5 or more"),
    (r"with disadvantage if the [\w ]+ is within line of sight", "repeated save with disadvantage in sight of the monster"),
    (r"reduces the target to 0 hit points, the target is stable but poisoned", "poisoned and paralyzed if the poison drops it to 0 hit points"),
    (r"attaches", "attaches to the target"),
    (r"begins to turn to stone", "petrification in two saves"),
    (r"or die\b", "dies on a failed save"),
    (r"infernal wound", "infernal wound that grows and can be stanched"),
    (r"shake (?:the target|it) awake|uses an action to wake it|takes an action to shake it awake", "woken by another creature's action"),
    (r"immune to [\w' ()]+ for the next 24 hours", "immune for 24 hours after a save"),
    (r"rolls damage dice three times", "triple dice on a critical hit"),
    (r"Instead of dealing damage, the vampire can grapple", "grapple instead of damage"),
    (r"if the swarm has half of its hit points or fewer", "less damage at half hit points or fewer"),
    (r"regains hit points equal", "heals the attacker"),
    (r"penalty to the AC", "armor corroded"),
    (r"reduces its Strength|Strength score is reduced", "Strength reduction"),
    (r"ignites\. Until a (?:creature|target) takes an action to douse the fire", "burning ended by an action"),
    (r"The webbing (?:can also be attacked|has AC)", "destroying the webbing"),
    (r"Strength contest", "forced movement"),
    (r"Adhesive trait", "adhesive trait"),
    (r"magically cursed", "curse"),

    (r"has advantage on attack rolls", "advantage against the grappled target"),
    (r"can automatically hit the target", "automatic hits on the grappled target"),
    (r"disadvantage on Strength checks", "disadvantage on Strength checks"),
    (r"at risk of suffocating", "suffocation"),
    (r"blinded and unable to breathe", "blinded and smothered while attached"),
    (r"drains? \d+ hit points", "blood drain"),
]
# Left-over wording with no effect on the target: (pattern).
IGNORED = [
    r"If the target is a creature,",
    r"If the target is a flammable object that isn't being worn or carried, it also catches fire\.",
    r"(?:The|the) [\w ]+ has (?:two|ten) [\w ]+, each of which can grapple (?:only )?one target\.?",
    r"if the [\w ]+ (?:isn't already|doesn't have two other creatures) [\w ]+",
    r"(?:and )?the [\w ]+ can't (?:bite|constrict|use its \w+ on|use the same tendril on|make tail attacks against|smother) (?:another|other) targets?\.?",
    r"The wound also closes if the target receives magical healing\.",
    r"A humanoid slain [^.]*\.",
    r"If a non-evil humanoid dies from this attack[^.]*\.",
    r"If the target is killed by this damage, it is absorbed into the mouther\.",
    r"The wight can have no more than twelve zombies[^.]*\.",
    r"The poison lasts until it is removed by the lesser restoration spell or similar magic\.",
    r"The target dies if (?:this|the disease) [^.]*\.",
    r"The curse lasts until removed by the remove curse spell or other magic\.",
    r"If the curse reduces the target's hit point maximum to 0, the target dies, and its body turns to dust\.",
    r"This reduction lasts until [^.]*\.",
    r"The reduction lasts until [^.]*\.",
]
# What a disease or curse does over days or on rests: no figure in a fight.
# The tree keeps what it does meanwhile (poisoned, no healing) or a marker.
IGNORED += [
    r",? and its hit point maximum decreases by [^.]* for every 24 hours that elapse\.",
    r"Every 24 hours that elapse, the (?:creature|target) must repeat the saving throw, reducing its hit point "
    r"maximum by [^.]* on a failure\.",
    r"The disease is cured on a success\.",
    r"This reduction to the target's hit point maximum lasts until the disease is cured\.",
    r"The (?:creature|target) dies if the disease reduces its hit point maximum to 0\.",
    r"Until the disease is cured, the target can't regain hit points except by magical means, and the target's "
    r"hit point maximum decreases by [^.]* every 24 hours\.",
    r"If the target's hit point maximum drops to 0 as a result of this disease, the target dies\.",
    r"The magical curse takes effect whenever the target takes a short or long rest[^.]*\.",
    r"The cursed target gains no benefit from finishing a short or long rest\.",
    r"The curse lasts until it is lifted by a remove curse spell or similar magic\.",
    r"If the save fails by 5 or more, the target also ages 1d4 × 10 years\.",
    r"The aging effect can be reversed with a greater restoration spell, but only within 24 hours of it occurring\.",
]
IGNORED += [
    r"the [\w ]+ doesn't have two other creatures grappled\.",
]
# Targeting, area and the monster's own movement in a save action: the table
# decides who is in the area, so these carry nothing for the target.
IGNORED += [
    r"The (?:dragon|[\w ]+?) (?:exhales|beats its wings|spits|emits|utters|uses one of the following)[^.\n]*[.\n]",
    r"The [\w ]+? (?:targets|fixes its gaze on) (?:one|one or more) [\w ]*creatures? (?:it|she|he) can see within \d+ (?:ft|feet) of (?:it|her|him)[.\n]",
    r"The (?:dragon|[\w ]+?) can then fly up to half its flying speed[.\n]",
    r"If the target can see (?:the )?[\w ]+?, (?=\s)",
]
IGNORED += [
    r"A \d+-foot[- ]radius [^.]*\.",
    r"The (?:gas|spores|cloud) spreads? around corners\.",
    r"Being underwater doesn't grant resistance against this damage\.",
    r"The glob explodes[^.]*\.",
    r"Blinding dust and sand swirls[^.]*\.",
    r"The giant hurls a magical lightning bolt at a point[^.]*\.",
    r"The otyugh slams creatures grappled by it[^.]*\.",
    r"On a successful save, the (?:target|creature) takes half (?:as much|the \w+) damage(?: and isn't [\w ]+)?\.",
    r"The effect ends if the webbing is destroyed\.",
    r"The armor is destroyed if the penalty reduces its AC to 10\.",
    r"until magic such as the lesser restoration spell removes the blindness",
    r"The kraken magically creates three bolts of lightning, each of which can strike a target [^.]*\.",
    r"Emptying a vial of holy water on the target also ends the effect on it\.",
]

# Actions (and breath or roar variants) whose wording is too far from any
# pattern: (monster id, name) -> what the tree lacks. Their text is not
# checked further; the tree keeps what the patterns did read.
HAND_GAPS = {
    ("aboleth", "Enslave"): "charm with control, saves again when damaged",
    ("chain-devil", "Unnerving Mask"): "reaction trigger; frightened until the end of the current turn",
    ("djinni", "Create Whirlwind"): "a moving whirlwind held by concentration",
    ("dretch", "Fetid Cloud"): "a lingering cloud; action or bonus action, no reactions",
    ("dryad", "Fey Charm"): "charm that ends on harm, lasting a day",
    ("succubus-incubus", "Charm"): "charm with commands, saves again when harmed",
    ("vampire-bat", "Charm"): "charm that ends on harm, lasting a day",
    ("vampire-vampire", "Charm"): "charm that ends on harm, lasting a day",
    ("ghost", "Possession"): "possession",
    ("gelatinous-cube", "Engulf"): "engulf",
    ("water-elemental", "Whelm"): "whelm: grapple limits, crushing each turn, pulled free by others",
    ("kraken", "Ink Cloud (Costs 3 Actions)"): "an obscuring cloud",
    ("sea-hag", "Death Glare"): "drops to 0 hit points on a failed save",
    ("sprite", "Heart Sight"): "reveals the target's alignment",
    ("stone-golem", "Slow"): "slowed: speed, reactions, one attack, action or bonus action",
    ("*", "Slowing Breath"): "slowed: speed, reactions, one attack, action or bonus action",
    ("*", "Weakening Breath"): "disadvantage on Strength attacks, checks and saves",
    ("androsphinx", "Second Roar"): "paralyzed while frightened; deafened for the whole minute",
}


def hand_gap(monster: str, name: str) -> str | None:
    """The hand table's reason for an action or variant, if it has one."""
    return HAND_GAPS.get((monster, name)) or HAND_GAPS.get(("*", name))
# Words that carry nothing once the rider phrases are gone.
FILLER = {
    "and", "the", "target", "it", "is", "a", "an", "creature", "if", "its", "of", "this", "plus", "also",
    "in", "way", "that", "addition", "until", "grapple", "ends",
}


# Wording that no pattern, gap or ignore entry knows, over the whole run.
UNKNOWN: list[str] = []


class Rest:
    """The text of an action, with the phrases already turned into figures blanked out."""

    def __init__(self, text: str):
        self.text = text

    def take(self, pattern: re.Pattern | str, start: int = 0) -> re.Match | None:
        """Finds the pattern from `start`, blanks it out and returns the match."""
        found = re.compile(pattern).search(self.text, start)
        if found:
            a, b = found.span()
            self.text = self.text[:a] + " " * (b - a) + self.text[b:]
        return found

    def take_at(self, pattern: re.Pattern, pos: int) -> re.Match | None:
        """Matches the pattern right at `pos` and blanks it out."""
        found = pattern.match(self.text[pos:])
        if found:
            a, b = pos + found.start(), pos + found.end()
            self.text = self.text[:a] + " " * (b - a) + self.text[b:]
        return found


def fig_dice(fig: str) -> str:
    """"10 (3d6 + 2)" -> "3d6+2"; a flat "1" stays "1"."""
    inner = re.search(r"\(([^)]*)\)", fig)
    return (inner.group(1) if inner else fig).replace(" ", "")


def damage_step(dice: str, kind: str, half: bool = False, note: str | None = None) -> dict:
    if kind not in DAMAGE_TYPES:
        raise SrdError(f"unknown damage type {kind!r} in a rider")
    step: dict = {"type": "damage", "amount": {"dice": dice}, "damage_type": kind}
    if half:
        step["half"] = True
    if note:
        step["note"] = note
    return step


def lasting(found: re.Match) -> dict | None:
    """The duration a FAIL_CONDITION match names, if any."""
    if found.group("dur"):
        return {"until": "rounds", "rounds": DURATION_ROUNDS[found.group("dur")]}
    if found.group("until"):
        own = found.group("whose") in ("its", "the creature's", "the target's")
        return {"until": f"{found.group('until')}_of_{'own' if own else 'source'}_turn"}
    return None


def ongoing(monster: str, conditions: list[str], name: str | None = None) -> dict:
    """A named ongoing effect: "Grappled by Giant Crab", "Poisoned by Bone Devil"."""
    first = "Knocked prone" if conditions[0] == "prone" else conditions[0].capitalize()
    title = name or f"{first} by {monster}"
    return {"name": title, "conditions": list(dict.fromkeys(conditions))}


def read_riders(
    monster: str,
    text: str,
    fail_damage: list[dict] | None = None,
    known: dict | None = None,
    subject: bool = False,
    action: str = "",
) -> tuple[list, list[str], list[str]]:
    """Turns the rider wording of `text` into effect steps.

    Returns the steps (a grapple, a save with its outcomes), the gaps found in
    the left-over text and the left-over wording no table knows. For a save
    action `fail_damage` holds its damage steps: they go in the failed save's
    branch (and halved on a success when the text says so).
    """
    # "ft." would end a sentence for the patterns below.
    rest = Rest(text.replace(" ft.", " ft"))
    steps: list[dict] = []
    applies: list[dict] = []
    pushes: list[dict] = []
    save_step = None
    limit = rest.take(LIMIT)
    ignite = rest.take(IGNITE)
    if ignite:
        burn = damage_step(fig_dice(ignite.group("fig")), ignite.group("type"))
        effect = {"name": f"Burning by {monster}", "each_turn": {"when": ignite.group("when"), "effects": [burn]}}
        steps.append({"type": "apply", "effect": effect})
    if rest.take(CURSED_ON_HIT):
        # A curse whose effects come with rests (the rakshasa's): a marker only.
        steps.append({"type": "apply", "effect": {"name": f"Cursed by {monster}"}})
    found = rest.take(SAVE_CLAUSE)
    if found:
        ability = (found.group("ability") or found.group("ability2")).lower()
        dc = int(found.group("dc") or found.group("dc2"))
        save_step = {"type": "save", "ability": ability, "dc": dc, "fail": [], "success": []}
        if known is not None and (known["ability"], known["dc"]) != (ability, dc):
            raise SrdError(f"{monster}: the text's save {ability} {dc} is not the data's {known}")
        if subject:
            begin = max(rest.text.rfind(".", 0, found.start()), rest.text.rfind("\n", 0, found.start())) + 1
            rest.text = rest.text[:begin] + " " * (found.start() - begin) + rest.text[found.start():]
        pos = found.end()
        half = rest.take_at(HALF_DAMAGE, pos)
        if half:
            parts = [(half.group("fig"), half.group("type"))]
            parts += [(m.group("fig"), m.group("type")) for m in MORE_DAMAGE.finditer(half.group("more"))]
            for fig, kind in parts:
                save_step["fail"].append(damage_step(fig_dice(fig), kind))
                save_step["success"].append(damage_step(fig_dice(fig), kind, half=True))
        flat = rest.take_at(FAIL_DAMAGE, pos) if not half else None
        if flat:
            save_step["fail"].append(damage_step(fig_dice(flat.group("fig")), flat.group("type")))
            pos += flat.end()
        forced = rest.take_at(FORCED, pos)
        if forced:
            feet = int(forced.group("feet"))
            pushes.append({"type": "push", "feet": -feet if forced.group("dir") == "pulled" else feet})
            pos += forced.end()
        swallow = rest.take_at(SWALLOW, pos)
        if swallow:
            inside = rest.take(SWALLOWED)
            if inside is None:
                raise SrdError(f"{monster}: a swallow without what it does")
            acid = damage_step(fig_dice(inside.group("fig")), inside.group("type"))
            applies.append(
                {
                    "name": f"Swallowed by {monster}",
                    "conditions": ["blinded", "restrained"],
                    "removed": True,
                    "each_turn": {"when": "start", "on_source_turn": True, "effects": [acid]},
                }
            )
            for ends in SWALLOW_ENDS:
                rest.take(ends)
        prone = rest.take_at(PRONE, pos)
        if prone:
            applies.append(ongoing(monster, ["prone"]))
        curse = rest.take_at(CURSE, pos)
        if curse:
            # Lycanthropy and mummy rot: no condition of their own; what a
            # fight needs of mummy rot (no healing) is read below.
            applies.append({"name": curse.group("curse").title()})
        if rest.take_at(DRAIN, pos):
            applies.append({"name": f"Hit point maximum reduced by {monster}", "drain": True})
        if rest.take_at(DISEASE, pos):
            # A disease whose effects come over days (the diseased giant
            # rat's): a marker only.
            applies.append({"name": f"Disease of {monster}"})
        cond = rest.take_at(FAIL_CONDITION, pos) if not prone else None
        if cond:
            effect = ongoing(monster, re.split(r" and ", cond.group("conds")))
            span = lasting(cond)
            if span:
                effect["duration"] = span
            applies.append(effect)
    if fail_damage:
        if save_step is None:
            raise SrdError(f"{monster}: damage on a save the text does not show")
        # The text's own damage figure was taken above; the structured dice win.
        save_step["fail"] = fail_damage + [s for s in save_step["fail"] if s["type"] != "damage"]
        save_step["success"] = []
        if known is not None and known["on_success"] == "half":
            save_step["success"] = [dict(s, half=True) for s in fail_damage]
    grapple = rest.take(GRAPPLE)
    if grapple:
        effect = ongoing(monster, ["grappled"], f"Grappled by {monster}")
        effect["escape_dc"] = int(grapple.group("dc"))
        if rest.take(RESTRAINED_WHILE_GRAPPLED):
            effect["conditions"].append("restrained")
        if save_step is not None and save_step["fail"] and not applies:
            applies.append(effect)
        else:
            steps.append({"type": "apply", "effect": effect})
        target = effect
    else:
        target = applies[0] if applies else None
    web = rest.take(RESTRAINED_BY)
    if web:
        effect = ongoing(monster, ["restrained"], f"Restrained by {monster}")
        effect["escape_dc"] = int(web.group("dc"))
        steps.append({"type": "apply", "effect": effect})
    if target is not None:
        if rest.take(REPEAT) and save_step is not None:
            target["save_ends"] = {"ability": save_step["ability"], "when": "end"}
        extra = rest.take(UNTIL_POISON)
        if extra and extra.group("cond") == "unconscious":
            # Its own effect, which the table ends when someone shakes it awake.
            asleep = ongoing(monster, ["unconscious"])
            if "duration" in target:
                asleep["duration"] = target["duration"]
            applies.append(asleep)
        elif extra:
            target["conditions"].append(extra.group("cond"))
        if rest.take(NO_HEALING):
            target.setdefault("modifiers", {})["no_healing"] = True
        burn = rest.take(EACH_TURN)
        if burn:
            fig, kind = burn.group("fig") or burn.group("fig2"), burn.group("type") or burn.group("type2")
            target["each_turn"] = {"when": "start", "effects": [damage_step(fig_dice(fig), kind)]}
        if rest.take(ENDS_ON_DAMAGE):
            target["ends_on_damage"] = True
        worse = rest.take(FAIL_BY_5)
        if worse and save_step is not None:
            if "5 or lower" in worse.group(0) and save_step["dc"] != 10:
                raise SrdError(f"{monster}: a result of 5 or lower is not a failure by 5 against DC {save_step['dc']}")
            asleep = ongoing(monster, ["unconscious"])
            if worse.group("fig"):
                # "5 (1d10) minutes": the stat block's own average, as for damage.
                asleep["conditions"] = ["poisoned", "unconscious"]
                asleep["duration"] = {"until": "rounds", "rounds": 10 * int(worse.group("fig").split()[0])}
            elif "duration" in target:
                asleep["duration"] = target["duration"]
            if worse.group("wake"):
                asleep["ends_on_damage"] = True
            save_step["fail_by_5"] = [{"type": "apply", "effect": asleep}]
        also = rest.take(ALSO_BY_5)
        if also and save_step is not None:
            worse_effect = ongoing(monster, [also.group("cond")])
            if "duration" in target:
                worse_effect["duration"] = target["duration"]
            save_step["fail_by_5"] = [{"type": "apply", "effect": worse_effect}]
    wake = rest.take(WAKE)
    if wake and wake.group("damage"):
        for step in (save_step or {}).get("fail_by_5", []):
            step["effect"]["ends_on_damage"] = True
    if save_step is not None:
        if known is not None and known["on_success"] == "half" and not save_step["success"]:
            # "On a successful save, the target takes half the damage": the
            # structured save says half, whatever words the text uses.
            save_step["success"] = [dict(d, half=True) for d in save_step["fail"] if d["type"] == "damage"]
        save_step["fail"] += pushes + [{"type": "apply", "effect": e} for e in applies]
        immune = rest.take(IMMUNE)
        if immune:
            save_step["immunity_rounds"] = DAY
            if immune.group("ends"):
                # Immune once the effect ends too: from the failed save on,
                # which differs from the text by at most the effect's length.
                save_step["fail"].append(
                    {
                        "type": "apply",
                        "effect": {
                            "name": f"Immune to {action}",
                            "immunity_to": action,
                            "duration": {"until": "rounds", "rounds": DAY},
                        },
                    }
                )
        if not save_step["success"]:
            del save_step["success"]
        if save_step["fail"]:
            steps.append(save_step)
    if limit and steps:
        only: dict = {"type": "only"}
        size = limit.group("size") or limit.group("size2")
        if size:
            only["max_size"] = size.lower()
        if limit.group("type"):
            only["types"] = [limit.group("type")]
        if limit.group("not1"):
            only["not_types"] = [t for t in (limit.group("not1"), limit.group("not2")) if t]
        only["then"] = steps
        steps = [only]
    gaps, unknown = leftovers(rest.text)
    if save_step is not None and not save_step["fail"] and not gaps:
        unknown.append("a save without an outcome")
    return steps, gaps, unknown


def leftovers(text: str) -> tuple[list[str], list[str]]:
    """Sorts the text no pattern took into known gaps and unknown wording."""
    gaps = []
    for pattern, reason in GAPS:
        if re.search(pattern, text):
            gaps.append(reason)
            text = re.sub(rf"[^.]*(?:{pattern})[^.]*\.?", " ", text)
    for pattern in IGNORED:
        text = re.sub(pattern, " ", text)
    unknown = []
    for clause in re.split(r"[.,;\n]", text):
        words = [w for w in re.findall(r"[\w']+", clause.lower()) if w not in FILLER]
        if words:
            unknown.append(clause.strip())
    return list(dict.fromkeys(gaps)), unknown


def hit_text(text: str) -> str:
    """What an attack does on a hit: the text after "Hit:"."""
    return text.split("Hit:", 1)[1].strip() if "Hit:" in text else ""


def attack_tree(monster: str, name: str, action: dict, text: str) -> tuple[list, list[str], list[str]]:
    """The tree of an attack: the roll, then its damage and riders on a hit."""
    hit: list[dict] = []
    saved = [d for d in action.get("damage", []) if "save" in d]
    for d in action.get("damage", []):
        if "save" not in d:
            hit.append(damage_step(d["dice"], d["damage_type"]))
    for d in action.get("damage_choice", []):
        hit.append(damage_step(d["dice"], d["damage_type"], note=d.get("note")))
    rest = hit_text(text)
    data = {d["dice"] for d in action.get("damage", []) + action.get("damage_choice", [])}
    extra_gaps = []
    lead = DAMAGE_CHUNK.match(rest)
    while lead:
        dice = fig_dice(lead.group("fig"))
        if dice not in data:
            # A figure the export lacks, read from the stat block: another
            # grip, form or range picked by its note, or more damage ("plus").
            kind = re.search(r"(\w+) damage", lead.group(0)).group(1)
            how = lead.group("how")
            if how in DAMAGE_NOTES and lead.group(0).lstrip(", ").startswith("or "):
                hit.append(damage_step(dice, kind, note=DAMAGE_NOTES[how]))
            elif how is None and lead.group(0).lstrip(", ").startswith("plus "):
                hit.append(damage_step(dice, kind))
            else:
                extra_gaps.append("damage the data lacks")
        rest = rest[lead.end():]
        lead = DAMAGE_CHUNK.match(rest)
    if re.search(r"\(\+\d+ to hit with shillelagh\)", text):
        extra_gaps.append("another attack bonus with shillelagh")
    if len(saved) > 1:
        raise SrdError(f"{monster}: more than one damage entry with its own save")
    fail_damage = [damage_step(d["dice"], d["damage_type"]) for d in saved] or None
    known = saved[0]["save"] if saved else None
    riders, gaps, unknown = read_riders(name, rest, fail_damage, known)
    gaps = extra_gaps + gaps
    hand = hand_gap(monster, action["name"])
    if hand:
        gaps, unknown = [hand], []
    step: dict = {"type": "attack", "bonus": action["attack"]["bonus"]}
    if hit + riders:
        step["hit"] = hit + riders
    fix = HAND_TREES.get((monster, action["name"]))
    if fix:
        # The hand table's tree holds every combat figure of the action.
        return fix(step, name), [], []
    return [step], gaps, unknown


def save_tree(
    monster: str, name: str, action: str, known: dict, damage: list[dict], text: str
) -> tuple[list, list[str], list[str]]:
    """The tree of an action (or variant) that forces a save: its damage and conditions on a failure."""
    fail_damage = [damage_step(d["dice"], d["damage_type"]) for d in damage]
    steps, gaps, unknown = read_riders(name, text, fail_damage or None, known, subject=True, action=action)
    hand = hand_gap(monster, action)
    if hand:
        gaps, unknown = [hand], []
    if not steps:
        steps = [{"type": "save", "ability": known["ability"], "dc": known["dc"]}]
    fix = HAND_SAVES.get((monster, action)) or HAND_SAVES.get(("*", action))
    if fix:
        # The hand table's tree holds every combat figure of the action.
        return fix(name, known), [], []
    return steps, gaps, unknown


def variant_text(text: str, name: str) -> str:
    """The paragraph of an action's text that describes one variant ("Fire Breath. ...")."""
    for paragraph in re.split(r"\n+", text):
        if paragraph.startswith(f"{name}. "):
            return paragraph[len(name) + 2:]
    return ""


def convert_action(monster: str, name: str, raw: dict, legendary: bool, fixes: list[str]) -> dict:
    """One action, legendary action or reaction: its figures and its automation tree.

    The gaps its tree leaves and any wording no pattern or table knows are
    handed back under "_gaps" and "_unknown" for `automation` and the caller.
    """
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
    gaps: list[str] = []
    unknown: list[str] = []
    effects: list = []
    if "attack" in out:
        effects, gaps, unknown = attack_tree(monster, name, out, text)
    elif "save" in out and not kind:
        effects, gaps, unknown = save_tree(monster, name, raw["name"], out["save"], out.get("damage", []), text)
    for variant in out.get("variants", []):
        if "save" not in variant:
            continue
        tree, more_gaps, more_unknown = save_tree(
            monster, name, variant["name"], variant["save"], variant.get("damage", []),
            variant_text(text, variant["name"]),
        )
        variant["effects"] = tree
        gaps += [f"{variant['name']}: {g}" for g in more_gaps]
        unknown += more_unknown
    hand_action = HAND_ACTIONS.get((monster, raw["name"]))
    if hand_action and not effects:
        # Damage with neither an attack nor a save in the export: the hand table's tree.
        effects = hand_action(name)
    if effects:
        out["effects"] = effects
    out["_gaps"] = gaps
    out["_unknown"] = [f"{monster} {raw['name']}: {u}" for u in unknown]
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


# Metal armors a monster may wear (its AC entries name them): Shocking
# Grasp has advantage against such a target.
METAL_ARMOR = {"Chain Shirt", "Scale Mail", "Breastplate", "Half Plate Armor", "Ring Mail",
               "Chain Mail", "Splint Armor", "Plate Armor"}
# Creatures made of stone, crystal or metal (Shatter's disadvantage): the SRD
# has no such tag, so the list is the table's reading of the stat blocks.
INORGANIC = {"animated-armor", "clay-golem", "earth-elemental", "flying-sword", "gargoyle",
             "iron-golem", "shield-guardian", "stone-golem", "xorn"}


def monster_tags(mid: str, raw: dict) -> list[str]:
    """Words riders and saves single a monster out by beyond its type."""
    tags = []
    worn = {a["name"] for ac in raw["armor_class"] for a in ac.get("armor", [])}
    if worn & METAL_ARMOR:
        tags.append("metal armor")
    if mid in INORGANIC:
        tags.append("inorganic")
    if any(t["name"].startswith("Shapechanger") for t in raw.get("special_abilities", [])):
        tags.append("shapechanger")
    return tags


def spellcasting(monster: str, raw: dict) -> dict | None:
    """A slot caster's spellcasting (the innate kind, by uses per day, is not
    carried yet): its level, save DC, spell attack bonus, slots and spells."""
    for trait in raw.get("special_abilities", []):
        sc = trait.get("spellcasting")
        if not sc or "slots" not in sc:
            continue
        ability = ABILITIES.get(sc["ability"]["index"])
        if ability is None or "dc" not in sc or "modifier" not in sc:
            fail(monster, f"spellcasting without an ability, DC or modifier: {sc!r}")
        return {
            "level": sc["level"],
            "ability": ability,
            "dc": sc["dc"],
            "attack_bonus": sc["modifier"],
            "slots": {str(k): int(v) for k, v in sorted(sc["slots"].items(), key=lambda kv: int(kv[0]))},
            "spells": [s["url"].rstrip("/").split("/")[-1] for s in sc["spells"]],
        }
    return None


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
    tags = monster_tags(mid, raw)
    if tags:
        out["tags"] = tags
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
    casting = spellcasting(mid, raw)
    if casting:
        out["spellcasting"] = casting
    names = [a["name"] for a in raw.get("actions", [])]
    trait_names = [t["name"] for t in raw.get("special_abilities", [])]
    for key, legendary in (("actions", False), ("legendary_actions", True), ("reactions", False)):
        actions = []
        for action in raw.get(key, []):
            converted = convert_action(mid, raw["name"], action, legendary, corrections)
            UNKNOWN.extend(converted.pop("_unknown"))
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
    if UNKNOWN:
        raise SrdError("wording no rider pattern, gap or ignore entry knows:\n  " + "\n  ".join(UNKNOWN))
    levels = {"full": 0, "partial": 0, "listed": 0}
    for monster in monsters:
        for key in ("actions", "legendary_actions", "reactions"):
            for action in monster.get(key, []):
                levels[action["automation"]["level"]] += 1
    text = content_cli.to_json(monsters)
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



# ---------------------------------------------------------------------------
# Attacks whose riders need mechanisms no pattern reads: their whole tree by
# hand, from the step the patterns built (its bonus and damage on a hit).
# (monster id, action name) -> fn(step, monster name) -> the tree.


def _apply(effect: dict) -> dict:
    return {"type": "apply", "effect": effect}


def _rounds(n: int) -> dict:
    return {"until": "rounds", "rounds": n}


def _damage_only(step: dict) -> list:
    return [e for e in step.get("hit", []) if e["type"] == "damage"]


def _poison_fall(monster: str) -> dict:
    """Stable but poisoned (and paralyzed while so) for an hour if the damage drops it to 0."""
    return {
        "type": "only",
        "dropped_to_0": True,
        "then": [
            {"type": "stabilize"},
            _apply({"name": f"Paralyzed by {monster}'s poison", "conditions": ["poisoned", "paralyzed"],
                    "duration": _rounds(600)}),
        ],
    }


def _poison_on_save(step: dict, monster: str) -> list:
    for e in step["hit"]:
        if e["type"] == "save":
            for branch in ("fail", "success"):
                if e.get(branch):
                    e[branch].append(_poison_fall(monster))
    return [step]


def _with_hit(extra: list):
    def fix(step: dict, monster: str) -> list:
        step["hit"] = step.get("hit", []) + [e(monster) if callable(e) else e for e in extra]
        return [step]
    return fix


def _infernal(dc: int, dice: str):
    def fix(step: dict, monster: str) -> list:
        name = f"Infernal wound by {monster}"
        wound = _apply({"name": name, "stacks": True, "ends_on_healing": True, "escape_dc": 12,
                        "each_turn": {"when": "start", "effects": [{"type": "lose_hp", "amount": {"dice": dice}}]}})
        spared = ["undead", "construct"]
        step["hit"] = _damage_only(step) + [
            # A hit on the wounded target makes the wound worse; otherwise a save against one.
            {"type": "only", "not_types": spared, "effect": name, "then": [wound]},
            {"type": "only", "not_types": spared, "not_effect": name,
             "then": [{"type": "save", "ability": "constitution", "dc": dc, "fail": [wound]}]},
        ]
        return [step]
    return fix


def _attach(dc: int, max_size: str | None, blind_size: str):
    """A cloaker or darkmantle attaching: advantage on its attacks while attached; blinded when it had advantage."""
    def fix(step: dict, monster: str) -> list:
        name = f"Attached: {monster}"
        plain = {"type": "only", "then": [_apply({"name": name, "escape_dc": dc})]}
        if max_size:
            plain["max_size"] = max_size
        head = {"type": "only", "max_size": blind_size, "attack_advantage": True,
                "then": [_apply({"name": name, "escape_dc": dc, "conditions": ["blinded"]})]}
        step["hit"] = _damage_only(step) + [plain, head]
        step["advantage_if_effect"] = name
        return [step]
    return fix


def _shillelagh(bonus: int, dice: str):
    def fix(step: dict, monster: str) -> list:
        step["hit"] = [e for e in step["hit"] if e.get("note") != "With shillelagh"]
        club = {"type": "attack", "bonus": bonus, "note": "With shillelagh",
                "hit": [damage_step(dice, "bludgeoning", note="With shillelagh")]}
        return [step, club]
    return fix


def _web(immune: list):
    def fix(step: dict, monster: str) -> list:
        for e in step["hit"]:
            if e["type"] == "apply":
                e["effect"]["object"] = {"ac": 10, "hp": 5, "vulnerabilities": ["fire"], "immunities": immune}
        return [step]
    return fix


def _corrode(tag: str):
    return _with_hit([lambda m: {"type": "only", "tags": [tag], "then": [
        _apply({"name": f"Armor corroded by {m}", "stacks": True, "modifiers": {"ac": -1}})]}])


def _auto_hit(step: dict, monster: str) -> list:
    step["auto_hit_if_effect"] = f"Grappled by {monster}"
    return [step]


def _advantage_grappled(step: dict, monster: str) -> list:
    step["advantage_if_effect"] = f"Grappled by {monster}"
    return [step]


def _grapple_or_damage(dc: int):
    def fix(step: dict, monster: str) -> list:
        grapple = _apply({"name": f"Grappled by {monster}", "conditions": ["grappled"], "escape_dc": dc})
        step["hit"] = [{"type": "choice", "options": [
            {"name": "Damage", "effects": _damage_only(step)},
            {"name": "Grapple", "effects": [grapple]},
        ]}]
        return [step]
    return fix


def _vampire_bite(step: dict, monster: str) -> list:
    step["hit"] = _damage_only(step) + [
        _apply({"name": f"Hit point maximum reduced by {monster}", "drain": True, "drain_type": "necrotic"}),
        {"type": "heal_self", "damage_type": "necrotic"},
    ]
    return [step]


def _modify_grapple(**extra):
    def fix(step: dict, monster: str) -> list:
        for e in step["hit"]:
            if e["type"] == "apply" and e["effect"]["name"].startswith("Grappled"):
                for key, value in extra.items():
                    if key == "conditions":
                        e["effect"]["conditions"] += value
                    else:
                        e["effect"][key] = value
        return [step]
    return fix


def _aboleth(step: dict, monster: str) -> list:
    # The disease: nothing for a minute, then no healing (out of water);
    # the acid every 10 minutes out of water is outside a fight.
    step["hit"] = [e for e in _damage_only(step) if e["damage_type"] == "bludgeoning"] + [
        {"type": "save", "ability": "constitution", "dc": 14, "fail": [_apply({
            "name": f"Disease of {monster} (incubating)", "duration": _rounds(10),
            "after": {"name": f"Disease of {monster}", "modifiers": {"no_healing": True}}})]}]
    return [step]


def _cockatrice(step: dict, monster: str) -> list:
    stone = {"name": f"Petrified by {monster}", "conditions": ["petrified"], "duration": _rounds(DAY)}
    turning = {"name": f"Turning to stone by {monster}", "conditions": ["restrained"],
               "save_ends": {"ability": "constitution", "when": "end", "failures": 1}, "on_failures": stone}
    step["hit"] = _damage_only(step) + [
        {"type": "save", "ability": "constitution", "dc": 11, "fail": [_apply(turning)]}]
    return [step]


def _kraken(step: dict, monster: str) -> list:
    held = f"Grappled by {monster}"
    swallowed = {"name": f"Swallowed by {monster}", "conditions": ["blinded", "restrained"], "removed": True,
                 "each_turn": {"when": "start", "on_source_turn": True,
                               "effects": [damage_step("12d6", "acid")]}}
    step["hit"] = _damage_only(step) + [{"type": "only", "max_size": "large", "effect": held, "then": [
        {"type": "remove", "effects": [held]}, _apply(swallowed)]}]
    return [step]


def _lamia(step: dict, monster: str) -> list:
    step["hit"] = [_apply({"name": f"Cursed by {monster}", "duration": _rounds(600), "modifiers": {
        "save_disadvantage": ["wisdom"], "check_disadvantage": list(ABILITIES.values())}})]
    return [step]


def _merrow(step: dict, monster: str) -> list:
    step["hit"] = _damage_only(step) + [{"type": "only", "max_size": "huge", "then": [
        {"type": "contest", "bonus": 4, "against": ["strength"], "win": [{"type": "push", "feet": -20}]}]}]
    return [step]


def _mimic(step: dict, monster: str) -> list:
    # Adhesive in object form: the planner names "Object form"; the default is its true form.
    grapple = _apply({"name": f"Grappled by {monster}", "conditions": ["grappled"], "escape_dc": 13,
                      "escape_disadvantage": True})
    step["hit"] = _damage_only(step) + [{"type": "choice", "options": [
        {"name": "Creature form", "effects": []},
        {"name": "Object form", "effects": [{"type": "only", "max_size": "huge", "then": [grapple]}]},
    ]}]
    step["advantage_if_effect"] = f"Grappled by {monster}"
    return [step]


def _shadow(step: dict, monster: str) -> list:
    step["hit"] = _damage_only(step) + [_apply({
        "name": f"Strength drained by {monster}", "stacks": True,
        "score_loss": {"ability": "strength", "amount": {"dice": "1d4"}}})]
    return [step]


def _solar(step: dict, monster: str) -> list:
    step["hit"] = _damage_only(step) + [{"type": "only", "max_hp": 190, "then": [
        {"type": "save", "ability": "constitution", "dc": 15, "fail": [{"type": "kill"}]}]}]
    return [step]


def _stirge(step: dict, monster: str) -> list:
    step["hit"] = _damage_only(step) + [_apply({
        "name": f"Attached: {monster}",
        "each_turn": {"when": "start", "on_source_turn": True, "hp_limit": 10,
                      "effects": [{"type": "lose_hp", "amount": {"dice": "1d4+3"}}]}})]
    return [step]


HAND_TREES = {
    ("aboleth", "Tentacle"): _aboleth,
    ("ankheg", "Bite"): _advantage_grappled,
    ("balor", "Longsword"): lambda step, m: [dict(step, crit_dice=3)],
    ("bearded-devil", "Glaive"): _infernal(12, "1d10"),
    ("horned-devil", "Tail"): _infernal(17, "3d6"),
    ("black-pudding", "Pseudopod"): _corrode("nonmagical armor"),
    ("gray-ooze", "Pseudopod"): _corrode("nonmagical metal armor"),
    ("cloaker", "Bite"): _attach(16, "large", "large"),
    ("darkmantle", "Crush"): _attach(13, None, "medium"),
    ("stirge", "Blood Drain"): _stirge,
    ("cockatrice", "Bite"): _cockatrice,
    ("druid", "Quarterstaff"): _shillelagh(4, "1d8+2"),
    ("dryad", "Club"): _shillelagh(6, "1d8+4"),
    ("ettercap", "Web"): _web(["bludgeoning"]),
    ("giant-spider", "Web"): _web(["bludgeoning", "poison", "psychic"]),
    ("giant-centipede", "Bite"): _poison_on_save,
    ("giant-spider", "Bite"): _poison_on_save,
    ("giant-wasp", "Sting"): _poison_on_save,
    ("giant-wolf-spider", "Bite"): _poison_on_save,
    ("phase-spider", "Bite"): _poison_on_save,
    ("swarm-of-centipedes", "Bites"): _with_hit([_poison_fall]),
    ("kraken", "Bite"): _kraken,
    ("lamia", "Intoxicating Touch"): _lamia,
    ("marilith", "Tail"): _auto_hit,
    ("salamander", "Tail"): _auto_hit,
    ("merrow", "Harpoon"): _merrow,
    ("mimic", "Pseudopod"): _mimic,
    ("roper", "Tendril"): _modify_grapple(modifiers={"check_disadvantage": ["strength"],
                                                     "save_disadvantage": ["strength"]}),
    # Suffocation takes minutes (1 + Con modifier of held breath): outside a fight.
    ("rug-of-smothering", "Smother"): _modify_grapple(conditions=["blinded"]),
    ("shadow", "Strength Drain"): _shadow,
    ("solar", "Slaying Longbow"): _solar,
    ("vampire-spawn", "Bite"): _vampire_bite,
    ("vampire-bat", "Bite"): _vampire_bite,
    ("vampire-vampire", "Bite"): _vampire_bite,
    ("vampire-spawn", "Claws"): _grapple_or_damage(13),
    ("vampire-vampire", "Unarmed Strike"): _grapple_or_damage(18),
}


# Save actions and variants by hand: (monster id or "*", name) -> fn(monster
# name, the structured save) -> the tree.
HAND_SAVES = {
    # Restrained while turning to stone; the next failed save petrifies.
    ("gorgon", "Petrifying Breath"): lambda m, known: [{
        "type": "save", "ability": "constitution", "dc": known["dc"], "fail": [_apply({
            "name": f"Turning to stone by {m}", "conditions": ["restrained"],
            "save_ends": {"ability": "constitution", "when": "end", "failures": 1},
            "on_failures": {"name": f"Petrified by {m}", "conditions": ["petrified"]}})]}],
    ("*", "Repulsion Breath"): lambda m, known: [{
        "type": "save", "ability": known["ability"], "dc": known["dc"], "fail": [{"type": "push", "feet": 60}]}],
}


def _behir_swallow(monster: str) -> list:
    held = f"Grappled by {monster}"
    swallowed = {"name": f"Swallowed by {monster}", "conditions": ["blinded", "restrained"], "removed": True,
                 "each_turn": {"when": "start", "on_source_turn": True, "effects": [damage_step("6d6", "acid")]}}
    bite = {"type": "attack", "bonus": 10, "hit": [
        damage_step("3d10+6", "piercing"),
        {"type": "remove", "effects": [held]}, _apply(swallowed)]}
    return [{"type": "only", "max_size": "medium", "effect": held, "then": [bite]}]


# Actions with damage but neither an attack nor a save in the export:
# (monster id, name) -> fn(monster name) -> the tree. Who may be targeted
# (a creature the monster charmed) is the table's.
HAND_ACTIONS = {
    ("aboleth", "Psychic Drain (Costs 2 Actions)"): lambda m: [
        damage_step("3d6", "psychic"), {"type": "heal_self"}],
    ("succubus-incubus", "Draining Kiss"): lambda m: [{
        "type": "save", "ability": "constitution", "dc": 15,
        "fail": [damage_step("5d10+5", "psychic"),
                 _apply({"name": f"Hit point maximum reduced by {m}", "drain": True})],
        "success": [damage_step("5d10+5", "psychic", half=True),
                    _apply({"name": f"Hit point maximum reduced by {m}", "drain": True})]}],
    ("behir", "Swallow"): _behir_swallow,
}


if __name__ == "__main__":
    sys.exit(main())
