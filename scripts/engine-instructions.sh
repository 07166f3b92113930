#!/usr/bin/env bash
# Instructions per 6-month backtest, counted by valgrind (callgrind): the engine's speed in a unit
# that does not move with a shared machine's load, unlike wall time. Same workload as
# `hgctl bench backtest` (the FILUSDT months from ../shared/data, else its seeded random walk).
# Usage: bash scripts/engine-instructions.sh [RUNS] [TOP]   (RUNS >= 1, default 3; TOP > 0 also lists the costliest functions)
# BRANCH_SIM=1 also simulates the branch predictor: mispredicted branches per run (a map of where
# the time goes on eventful bars, which instruction counts miss; the listing then sorts by them).
# Needs valgrind (apt-get install valgrind) and a release build (bash scripts/setup.sh, or swift build -c release).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
top="${2:-0}"
command -v valgrind >/dev/null || { echo "engine-instructions: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
# The core's object files, one per source file (a stale object of a deleted file is left out).
objects=()
while IFS= read -r source; do
  object=".build/release/HedgeGridCore.build/$(basename "$source").o"
  [ -f "$object" ] || { echo "engine-instructions: no $object; run swift build -c release first" >&2; exit 1; }
  objects+=("$object")
done < <(find Sources/HedgeGridCore -name '*.swift' | sort)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source scripts/engine-instructions/unpack-bars.sh
unpack_bars "$work"
swiftc -O -I .build/release/Modules scripts/engine-instructions/main.swift scripts/engine-instructions/KlineRows.swift "${objects[@]}" -o "$work/engine" 2>&1 | grep -v warning || true
"$work/engine" "$data" 0
branch_sim=()
if [ "${BRANCH_SIM:-0}" = 1 ]; then branch_sim=(--branch-sim=yes); fi
valgrind --tool=callgrind "${branch_sim[@]}" --callgrind-out-file="$work/callgrind.out" \
  --toggle-collect='$s13HedgeGridCore14BacktestEngineV3run*' "$work/engine" "$data" "$runs" 2>"$work/valgrind.log"
total=$(grep -o 'refs: *[0-9,]*' "$work/valgrind.log" | tr -dc '0-9')
echo "data: $([ "$data" = random ] && echo 'seeded random walk' || echo 'FILUSDT 2023-04..06, 08..10')"
echo "instructions in BacktestEngine.run: $total for $runs trial runs, $((total / runs)) per run"
sort=Ir
if [ "${BRANCH_SIM:-0}" = 1 ]; then
  mispredicted=$(grep -o 'Mispredicts: *[0-9,]*' "$work/valgrind.log" | head -1 | tr -dc '0-9')
  echo "mispredicted branches (simulated, conditional and indirect): $mispredicted, $((mispredicted / runs)) per run"
  sort=Bcm
fi
# KEEP_CALLGRIND=FILE keeps the profile (for callgrind_annotate --tree=caller FILE).
if [ -n "${KEEP_CALLGRIND:-}" ]; then cp "$work/callgrind.out" "$KEEP_CALLGRIND"; fi
if [ "$top" -gt 0 ]; then
  callgrind_annotate --sort="$sort" "$work/callgrind.out" 2>/dev/null | sed -n '/file:function/,$p' | sed -n "3,$((top + 2))p" | cut -c1-170
fi
