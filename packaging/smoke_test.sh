#!/usr/bin/env bash
# Smoke test of the frozen app (see packaging/smoke_test.py): runs its --self-test offscreen and
# checks result.json and window.png. Usage: bash packaging/smoke_test.sh [path/to/pixels-and-noise]
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 packaging/smoke_test.py "$@"
