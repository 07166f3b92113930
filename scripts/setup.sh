#!/usr/bin/env bash
# Set-up for a new user: system packages, then a release build of hedgegridd and hgctl.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release
