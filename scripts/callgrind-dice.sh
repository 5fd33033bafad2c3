#!/usr/bin/env bash
# Instructions per roll, counted by callgrind (stable where wall-clock timing
# on a shared machine is not). Runs rules' `dice_count` example for N and 2N
# rolls of each expression and prints (count(2N) - count(N)) / N, so start-up
# and parsing done once cancel out.
# Usage: [MODES="roller ..."] scripts/callgrind-dice.sh [EXPR...]   (default: 1d20, every mode)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-10000}
exprs=("$@")
[ ${#exprs[@]} -eq 0 ] && exprs=("1d20")
cargo build --quiet --release -p rules --example dice_count
bin=target/release/examples/dice_count
modes=${MODES:-$("$bin" modes)}

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" "$3" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf '%-22s %-12s %14s\n' "expression" "mode" "instr/roll"
for expr in "${exprs[@]}"; do
  for mode in $modes; do
    a=$(count "$mode" "$n" "$expr")
    b=$(count "$mode" $((2 * n)) "$expr")
    printf '%-22s %-12s %14.1f\n' "$expr" "$mode" "$(echo "($b - $a) / $n" | bc -l)"
  done
done
