#!/usr/bin/env bash
# Installs what SyncDefense needs, builds it and runs the whole test suite.
# This is the README's second command, and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
