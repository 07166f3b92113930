#!/usr/bin/env bash
# Wall time of the engine at two git revisions, run alternately so both see the same machine
# (a shared VM's speed changes within seconds): builds scripts/engine-instructions/main.swift
# against each revision's Sources/HedgeGridCore (swiftc -O -wmo), then runs ROUNDS rounds of a
# short batch of RUNS trial runs each, alternating, and prints for each revision the lowest,
# lower-quartile and median batch best (ms per 6-month trial run). Same workload as
# `hgctl bench backtest`. Short batches, many rounds: a difference of 3% shows through the noise.
# Usage: bash scripts/engine-ab.sh OLD_REV [NEW_REV|WORK] [ROUNDS] [RUNS]   (defaults: WORK 24 5)
# WORK is the working tree. Instruction counts (scripts/engine-instructions.sh) do not always
# follow: fewer instructions in a loop that already runs at a high rate need not save time.
set -euo pipefail
cd "$(dirname "$0")/.."
old="${1:?usage: engine-ab.sh OLD_REV [NEW_REV|WORK] [ROUNDS] [RUNS]}"
new="${2:-WORK}"
rounds="${3:-24}"
runs="${4:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source scripts/engine-instructions/unpack-bars.sh
unpack_bars "$work"
build() {  # build NAME REVISION
  mkdir -p "$work/$1/src" "$work/$1/module"
  if [ "$2" = WORK ]; then cp -r Sources/HedgeGridCore/. "$work/$1/src/"; else git archive "$2" Sources/HedgeGridCore | tar -x -C "$work/$1/src" --strip-components=2; fi
  swiftc -O -wmo -module-name HedgeGridCore -parse-as-library -emit-library -static -emit-module-path "$work/$1/module/HedgeGridCore.swiftmodule" \
    $(find "$work/$1/src" -name '*.swift') -o "$work/$1/libHedgeGridCore.a" 2>&1 | grep -v warning || true
  swiftc -O -I "$work/$1/module" scripts/engine-instructions/main.swift "$work/$1/libHedgeGridCore.a" -o "$work/$1/engine" 2>&1 | grep -v warning || true
  echo "$2: $("$work/$1/engine" "$data" 0)"
}
build old "$old"
build new "$new"
best() {  # best NAME: one batch's best wall time
  "$work/$1/engine" "$data" "$runs" time | tail -1 | sed 's/.*best \([0-9.]*\),.*/\1/'
}
for _ in $(seq "$rounds"); do
  echo "old $(best old)" >>"$work/bests"
  echo "new $(best new)" >>"$work/bests"
done
for side in old new; do
  name=$([ "$side" = old ] && echo "$old" || echo "$new")
  grep "^$side " "$work/bests" | cut -d' ' -f2 | sort -n | awk -v name="$name" \
    '{ best[NR] = $1 } END { printf "%s: batch bests, ms per trial run: lowest %.2f, lower quartile %.2f, median %.2f (%d batches)\n", name, best[1], best[int(NR / 4) + 1], best[int(NR / 2) + 1], NR }'
done
