#!/usr/bin/env bash
# The whole test suite: system packages, a debug build with tests, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
