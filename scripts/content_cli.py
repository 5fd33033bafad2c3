"""The command line shared by the content generators (gen_content.py,
content_spells.py, content_gear.py): `--srd`, `--out`, `--check`, and the
same messages and exit codes for all of them.

Exit codes: 0 written or up to date, 1 a committed file is stale (--check),
2 the SRD export has something the generator does not know.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

# The SRD's ability abbreviations → the names the Rust schema uses.
ABILITIES = {
    "str": "strength",
    "dex": "dexterity",
    "con": "constitution",
    "int": "intelligence",
    "wis": "wisdom",
    "cha": "charisma",
}


def to_json(value) -> str:
    """A content file's text: sorted keys, one space of indent, a final newline."""
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# A generator: the SRD folder in; file name → text, notes on figures it
# corrected, and counts for the summary line out.
Generate = Callable[[Path], "tuple[dict[str, str], list[str], dict]"]


def run(prog: str, description: str, generate: Generate, summary: Callable[[dict, int], str],
        errors: tuple[type[BaseException], ...]) -> int:
    """Parses the arguments, then writes the generated files or checks them."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--srd", type=Path, required=True, help="folder of the 5e-database 2014 JSON")
    parser.add_argument("--out", type=Path, required=True, help="folder of the project's content files")
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed file is stale")
    args = parser.parse_args()
    if not args.srd.is_dir():
        print(f"{prog}: no SRD export at {args.srd}; pass the folder with the 5e-SRD-*.json files "
              f"(../shared/srd/2014-en in this workplace)", file=sys.stderr)
        return 2
    try:
        files, corrections, counts = generate(args.srd)
    except errors as err:
        print(f"{prog}: cannot convert {err}", file=sys.stderr)
        return 2
    line = summary(counts, len(corrections))
    if args.check:
        stale = [
            name for name, text in files.items()
            if not (args.out / name).exists() or (args.out / name).read_text(encoding="utf-8") != text
        ]
        if stale:
            print(
                f"{prog}: {', '.join(stale)} out of date in {args.out}; run "
                f"python3 scripts/{prog}.py --srd {args.srd} --out {args.out}",
                file=sys.stderr,
            )
            return 1
        print(f"{prog}: {', '.join(files)} up to date ({line})", file=sys.stderr)
        return 0
    # The corrections are listed when writing, so a reviewer sees them next to
    # the diff; --check only counts them to keep the CI log short.
    for note in corrections:
        print(f"{prog}: corrected {note}", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8")
    print(f"{prog}: wrote {', '.join(files)} in {args.out} ({line})", file=sys.stderr)
    return 0
