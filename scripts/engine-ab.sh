#!/usr/bin/env bash
# Wall time of the engine at two git revisions, run alternately so both see the same machine
# (a shared VM's speed changes within seconds): builds scripts/engine-instructions/main.swift
# against each revision's Sources/HedgeGridCore (swiftc -O -wmo) and prints each one's best and
# median wall time per 6-month trial run, PAIRS times. Same workload as `hgctl bench backtest`.
# Usage: bash scripts/engine-ab.sh OLD_REV [NEW_REV|WORK] [PAIRS] [RUNS]   (defaults: WORK 4 30)
# WORK is the working tree. Compare bests: medians carry the neighbours' load.
set -euo pipefail
cd "$(dirname "$0")/.."
old="${1:?usage: engine-ab.sh OLD_REV [NEW_REV|WORK] [PAIRS] [RUNS]}"
new="${2:-WORK}"
pairs="${3:-4}"
runs="${4:-30}"
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
for _ in $(seq "$pairs"); do
  echo "$old: $("$work/old/engine" "$data" "$runs" time | tail -1)"
  echo "$new: $("$work/new/engine" "$data" "$runs" time | tail -1)"
done
