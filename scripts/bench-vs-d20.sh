#!/usr/bin/env bash
# Times the same dice expressions in d20 1.1.2 (Avrae's roller, CPython) and
# in our engine, in one run, and prints the ratio per expression.
# Columns:
#   d20 (cached)     d20.roll(text): its default Roller with its parse cache
#                    (LFU of 256 trees), so a repeated text is not parsed again.
#   ours: cached     Roller::roll_str(text): a reused rules::dice::Roller with
#                    its parse cache (LRU of 256 trees) — the like-for-like row.
#   ours: roll       Roller::roll(&tree): the same roller, tree parsed beforehand.
#   ours: uncached   parse(text) + roll(&tree), no roller: parsing every time
#                    (for reference; d20 never pays this for a repeated text).
# Ratios are d20's time over ours. Medians of 31 batches of about 20 ms on
# each side, both run here one after the other.
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

printf '%-20s %12s %12s %7s %12s %7s %14s %7s\n' "expression" "d20 (cached)" "ours: cached" "ratio" "ours: roll" "ratio" "ours: uncached" "ratio"
paste <(printf '%s\n' "$theirs") <(printf '%s\n' "$ours") | while IFS=$'\t' read -r expr d20ns _ cached roll_only uncached; do
  label=$expr; [ ${#label} -gt 40 ] && label="1d20+ x50 +1d20"
  awk -v l="$label" -v a="$d20ns" -v b="$cached" -v c="$roll_only" -v d="$uncached" \
    'BEGIN { printf "%-20s %9.0f ns %9.0f ns %6.0fx %9.0f ns %6.0fx %11.0f ns %6.0fx\n", l, a, b, a / b, c, a / c, d, a / d }'
done
