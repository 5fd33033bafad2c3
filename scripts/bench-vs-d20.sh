#!/usr/bin/env bash
# Times the same dice expressions in d20 1.1.2 (Avrae's roller, CPython) and
# in our engine, in one run, and prints the ratio per expression.
# Both sides measure one roll(text) call: d20 with its default parse cache,
# ours parsing every time. Medians of 31 batches on each side.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/d20-venv.sh >/dev/null
exprs=("1d20" "1d20+5" "4d6kh3" "100d20" "$(printf '1d20+%.0s' {1..50})1d20" "10d20rr<20" "2d20kh1+7 [piercing]" "8d6 [fire]")

echo "building the timing harness (release)…" >&2
cargo build --quiet --release -p rules --example dice_timing
ours=$(target/release/examples/dice_timing "${exprs[@]}")

echo "timing d20 1.1.2…" >&2
theirs=$(target/d20-venv/bin/python - "${exprs[@]}" <<'PY'
import statistics, sys, time
import d20
for expr in sys.argv[1:]:
    roll = d20.roll
    batch = 1
    while True:
        t = time.perf_counter()
        for _ in range(batch):
            roll(expr)
        if time.perf_counter() - t >= 0.02:
            break
        batch *= 2
    samples = []
    for _ in range(31):
        t = time.perf_counter()
        for _ in range(batch):
            roll(expr)
        samples.append((time.perf_counter() - t) / batch * 1e9)
    print(f"{expr}\t{statistics.median(samples):.1f}")
PY
)

printf '%-28s %14s %14s %10s\n' "expression" "d20 1.1.2" "ours" "ratio"
paste <(printf '%s\n' "$theirs") <(printf '%s\n' "$ours") | while IFS=$'\t' read -r expr d20ns _ ourns; do
  label=$expr; [ ${#label} -gt 26 ] && label="1d20+ x50 +1d20"
  awk -v l="$label" -v a="$d20ns" -v b="$ourns" 'BEGIN { printf "%-28s %11.0f ns %11.0f ns %9.0fx\n", l, a, b, a / b }'
done
