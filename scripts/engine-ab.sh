#!/usr/bin/env bash
# Wall time of the engine at two git revisions, measured in pairs: each revision's
# Sources/HedgeGridCore is built as a module of its own (swiftc -O -wmo), both go into one program
# (scripts/engine-ab/main.swift) that reads the bars of `hgctl bench backtest` once and runs ROUNDS
# rounds of one trial backtest per revision, back to back, taking turns at going first. A shared
# VM's speed changes within seconds; the per-round difference (new - old) cancels most of it, so a
# 2% change shows through. Prints each revision's lowest, lower-quartile and median time and the
# quartiles of the difference. Same workload as `hgctl bench backtest`.
# Usage: bash scripts/engine-ab.sh OLD_REV [NEW_REV|WORK] [ROUNDS]   (defaults: WORK 200)
# WORK is the working tree. Instruction counts (scripts/engine-instructions.sh) do not always
# follow: fewer instructions in a loop that already runs at a high rate need not save time.
set -euo pipefail
cd "$(dirname "$0")/.."
old="${1:?usage: engine-ab.sh OLD_REV [NEW_REV|WORK] [ROUNDS]}"
new="${2:-WORK}"
rounds="${3:-200}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source scripts/engine-instructions/unpack-bars.sh
unpack_bars "$work"
build() {  # build MODULE REVISION
  mkdir -p "$work/$1/src"
  if [ "$2" = WORK ]; then cp -r Sources/HedgeGridCore/. "$work/$1/src/"; else git archive "$2" Sources/HedgeGridCore | tar -x -C "$work/$1/src" --strip-components=2; fi
  swiftc -O -wmo -module-name "$1" -parse-as-library -emit-library -static -emit-module-path "$work/$1/$1.swiftmodule" \
    $(find "$work/$1/src" -name '*.swift') -o "$work/$1/lib$1.a" 2>&1 | grep -v warning || true
}
build Old "$old"
build New "$new"
swiftc -O -I "$work/Old" -I "$work/New" scripts/engine-ab/main.swift scripts/engine-instructions/KlineRows.swift "$work/Old/libOld.a" "$work/New/libNew.a" -o "$work/engine-ab" 2>&1 | grep -v warning || true
echo "old: $old, new: $new"
"$work/engine-ab" "$data" "$rounds"
