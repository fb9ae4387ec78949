#!/usr/bin/env bash
# Build the onedir app into dist/pixels-and-noise/ and print its size.
# Needs the build extra: pip install -c constraints.txt -e ".[build]"
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m PyInstaller --noconfirm --clean --distpath dist --workpath build packaging/pixels_and_noise.spec
du -sh dist/pixels-and-noise
