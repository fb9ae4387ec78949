#!/usr/bin/env bash
# The Linux download: dist/pixels-and-noise-<version>-linux-x86_64.tar.xz of the onedir folder
# (xz -9, multi-threaded; XZ_LEVEL=6 picks another preset, XZ_THREADS the threads). Users unpack it
# (double-click in a file manager, or `tar xf`) and start pixels-and-noise/pixels-and-noise.
# Run after packaging/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
out="dist/pixels-and-noise-${version}-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m).tar.xz"
start=$(date +%s)
tar -C dist -cf - pixels-and-noise | xz "-${XZ_LEVEL:-9}" -T "${XZ_THREADS:-2}" > "$out.part"
mv "$out.part" "$out"
echo "wrote $out in $(( $(date +%s) - start )) s"
du -h --apparent-size "$out"
