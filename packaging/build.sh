#!/usr/bin/env bash
# Build the onedir app into dist/pixels-and-noise/ and print its size and the build time.
# Needs the build extra: pip install -c constraints.txt -e ".[build]"   (PYTHON=... picks another Python)
# Then: bash packaging/smoke_test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build packaging/pixels_and_noise.spec
echo "built dist/pixels-and-noise in $(( $(date +%s) - start )) s"
du -sh dist/pixels-and-noise
