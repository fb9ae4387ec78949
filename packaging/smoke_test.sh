#!/usr/bin/env bash
# Run the frozen app's --self-test offscreen and check result.json and window.png.
set -euo pipefail
cd "$(dirname "$0")/.."
APP=dist/pixels-and-noise/pixels-and-noise
OUT=$(mktemp -d)
start=$(date +%s.%N)
QT_QPA_PLATFORM=offscreen "$APP" --self-test "$OUT"; rc=$?
end=$(date +%s.%N)
python3 - "$OUT" "$rc" "$start" "$end" <<'PY'
import json, struct, sys
out, rc, t0, t1 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
r = json.load(open(f"{out}/result.json"))
png = open(f"{out}/window.png", "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n", "window.png is not a PNG"
w, h = struct.unpack(">II", png[16:24])
assert rc == 0 and r["ok"], f"self-test failed: {[c for c in r['checks'] if not c['ok']]}"
assert w >= 800 and h >= 600 and len(png) > 20000, f"window.png looks wrong: {w}x{h}, {len(png)} bytes"
print(f"frozen self-test ok: {len(r['checks'])} checks, window {w}x{h}, {t1 - t0:.1f} s wall")
PY
