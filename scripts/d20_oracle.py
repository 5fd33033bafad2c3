#!/usr/bin/env python3
"""Answers dice questions with d20 1.1.2 (Avrae's roller), for differential tests.

Reads JSON lines {"expr": str, "comments": bool, "adv": -1|0|1, "seed": int}
and writes one JSON line per question with d20's verdict. Dice are scripted:
the k-th die of a roll shows a face computed from (seed, k) by `face()`, so
our engine (tests/src/scripted.rs computes the same function) must agree with
d20 exactly: total, comment, crit and the Markdown breakdown.

  --generate N --seed S   instead of reading questions, make N random ones
                          (grammar-shaped and mutated texts) and answer them.
"""
import json
import random
import sys

import d20
import d20.expression as d20_expression

MASK = (1 << 64) - 1


def face(seed, k):
    """splitmix64 of (seed, k): the same function as tests/src/scripted.rs."""
    x = (seed * 0x9E3779B97F4A7C15 + (k + 1) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


class ScriptedRandom:
    def __init__(self, seed):
        self.seed = seed
        self.k = 0

    def randrange(self, start, stop=None, step=1):
        x = face(self.seed, self.k)
        self.k += 1
        if stop is None:  # randrange(size): a face 0..size-1, d20 adds 1
            return x % start
        return (x % 10) * 10  # randrange(0, 100, 10): the tens die


def answer(q):
    d20_expression.random = ScriptedRandom(q.get("seed", 0))
    roller = d20.Roller()  # a fresh parse cache: d20's cache is keyed on text without spaces
    out = {"expr": q["expr"], "comments": q.get("comments", False), "adv": q.get("adv", 0), "seed": q.get("seed", 0)}
    try:
        r = roller.roll(q["expr"], allow_comments=out["comments"], advantage=d20.AdvType(out["adv"]))
        out.update(ok=True, total=r.total, comment=r.comment, crit=int(r.crit), result=r.result)
    except d20.RollSyntaxError:
        out.update(ok=False, error="syntax")
    except d20.TooManyRolls:
        out.update(ok=False, error="too_many_rolls")
    except d20.RollValueError as e:
        out.update(ok=False, error="value", message=str(e))
    except Exception as e:  # RecursionError, OverflowError: d20's own limits
        out.update(ok=False, error="other", message=type(e).__name__)
    return out


ALPHABET = "0123456789d%()[],+-*/<>=!khlpreoamix .\n\t*"


def gen_expr(rng, depth=0):
    r = rng.random()
    if depth > 3 or r < 0.3:
        return gen_atom(rng, depth)
    if r < 0.55:
        op = rng.choice(["+", "-", "*", "/", "//", "%", "==", "!=", "<", ">", "<=", ">="][: rng.choice([2, 6, 12])])
        return gen_expr(rng, depth + 1) + ws(rng) + op + ws(rng) + gen_expr(rng, depth + 1)
    if r < 0.65:
        return rng.choice("+-") + ws(rng) + gen_expr(rng, depth + 1)
    if r < 0.85:
        n = rng.choice([0, 1, 1, 2, 3])
        items = [gen_expr(rng, depth + 1) for _ in range(n)]
        body = (ws(rng) + "," + ws(rng)).join(items)
        if n == 1 and rng.random() < 0.3:
            body += ","
        return "(" + ws(rng) + body + ws(rng) + ")" + gen_ops(rng, "kp")
    return gen_atom(rng, depth) + ws(rng) + "".join("[" + rng.choice(["fire", "cold", "", "magical x"]) + "]" + ws(rng) for _ in range(rng.randint(1, 2)))


def gen_atom(rng, depth):
    r = rng.random()
    if r < 0.3:
        return rng.choice(["0", "1", "2", "5", "10", "20", "1.5", ".5", "3.", "100"])
    count = rng.choice(["", "0", "1", "1", "2", "4", "10"])
    size = rng.choice(["20", "6", "4", "1", "2", "%", "0", "100", "8"])
    return count + "d" + size + gen_ops(rng, None)


def gen_ops(rng, kinds):
    out = ""
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        op = rng.choice(["k", "p"] if kinds else ["k", "p", "rr", "ro", "ra", "e", "mi", "ma"])
        sel = rng.choice(["", "", "h", "l", "<", ">"])
        out += op + sel + str(rng.choice([0, 1, 1, 2, 3, 5, 6, 20]))
    return out


def ws(rng):
    return rng.choice(["", "", "", " ", "  ", "\t"])


def mutate(rng, s):
    s = list(s)
    for _ in range(rng.randint(1, 3)):
        i = rng.randint(0, len(s))
        r = rng.random()
        if r < 0.4 or not s:
            s.insert(i, rng.choice(ALPHABET))
        elif r < 0.7 and i < len(s):
            del s[i]
        elif i < len(s):
            s[i] = rng.choice(ALPHABET)
    return "".join(s)


def generate(n, seed):
    rng = random.Random(seed)
    tails = ["", "", " to hit", " keep the dragon grappled", " *sneak attack*", "*x", " 2", ", 2", " [fire", " (adv)"]
    for i in range(n):
        e = gen_expr(rng)
        if rng.random() < 0.35:
            e = mutate(rng, e)
        if rng.random() < 0.3:
            e += rng.choice(tails)
        yield {"expr": e, "comments": rng.random() < 0.5, "adv": rng.choice([0, 0, 1, -1]), "seed": i}


def main():
    sys.setrecursionlimit(10000)
    if len(sys.argv) >= 2 and sys.argv[1] == "--generate":
        n = int(sys.argv[2])
        seed = int(sys.argv[4]) if len(sys.argv) >= 5 else 0
        for q in generate(n, seed):
            print(json.dumps(answer(q)))
        return
    for line in sys.stdin:
        line = line.strip()
        if line:
            print(json.dumps(answer(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
