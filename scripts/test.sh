#!/usr/bin/env bash
# The whole test suite: system packages, a debug build with tests, the Python client's tests
# against that build, then every Swift test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
if ! python3 -c "import pytest" 2>/dev/null; then
  python3 -m pip install --quiet pytest
fi
python3 -m pytest -q -p no:cacheprovider clients/python
# One test at a time: many tests wait on real daemons and sockets, and Swift Testing runs
# tests on a cooperative pool as wide as the machine (2 threads on 2 cores); in parallel,
# a few CPU-heavy tests starved the waiting ones into timeouts. Serial takes no longer here.
swift test --skip-build --no-parallel
