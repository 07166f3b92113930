#!/usr/bin/env bash
# Set-up for a new user: system packages, then a release build of hedgegridd and hgctl.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Without frame pointers (SwiftPM keeps them by default, for its backtracer): the backtest engine
# runs about 3.5% faster (`hgctl bench backtest`, Swift 6.3.1); a crash backtrace of a release
# build may then miss frames (debug builds, which the tests use, keep them).
swift build -c release --omit-frame-pointers
