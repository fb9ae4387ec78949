"""What the app really loads, from source: `python packaging/trace_imports.py OUT.json [TIMEOUT_S]`.

Runs main.main() once per headless path in a fresh subprocess (--list-scenarios, --self-test,
--render of every slide of the default lesson (as the smoke test does it), --render GIF and MP4 of a short run), and at
exit records sys.modules and the shared libraries mapped into the process (/proc/self/maps, Linux).
Writes the union as JSON {"modules": [...], "libraries": [...]} and prints a short summary: the
top-level packages imported and, for torch, which of its subpackages were. The spec's exclusions
(packaging/pixels_and_noise.spec) were chosen from this list.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = r"""
import atexit, json, sys
sys.path.insert(0, {root!r})
def dump():
    libs = set()
    try:
        for line in open("/proc/self/maps"):
            p = line.split()[-1]
            if ".so" in p:
                libs.add(p)
    except OSError:
        pass
    json.dump({{"modules": sorted(sys.modules), "libraries": sorted(libs)}}, open({out!r}, "w"))
atexit.register(dump)
import main
sys.exit(main.main({argv!r}))
"""


def slides() -> list[str]:
    """Every slide of the default lesson, found and read as the smoke test does (glob, `slide:` lines)."""
    lesson = sorted((ROOT / "engine").rglob("default.lesson"))[0]
    return re.findall(r"^\s*slide:\s*(\S+)", lesson.read_text(encoding="utf-8"), re.M)


def runs(tmp: Path) -> list[list[str]]:
    short = ["--pixels-per-step", "28", "--steps", "20"]
    return (
        [["--list-scenarios"], ["--self-test", str(tmp / "self-test")]]
        + [["--render", str(tmp / f"{s}.png"), "--scenario", s] for s in slides()]
        + [["--render", str(tmp / "run.gif")] + short, ["--render", str(tmp / "run.mp4")] + short]
    )


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("imports.json")
    timeout = float(argv[2]) if len(argv) > 2 else 600
    modules, libs, failed = set(), set(), []
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp / "config"))
        for i, args in enumerate(runs(tmp)):
            dump = tmp / f"dump{i}.json"
            try:
                p = subprocess.run(
                    [sys.executable, "-c", CHILD.format(root=str(ROOT), out=str(dump), argv=args)],
                    env=env,
                    cwd=tmp,
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                )
                code, err = p.returncode, p.stderr
            except subprocess.TimeoutExpired:
                code, err = f"timeout after {timeout:.0f} s", ""
            print(
                f"{'ok  ' if code == 0 else 'FAIL'} {' '.join(args[:1] + args[2:])}"
                + ("" if code == 0 else f": {code}"),
                flush=True,
            )
            if code != 0:
                print(err[-2000:])
                failed.append(" ".join(args))
                continue
            d = json.loads(dump.read_text())
            modules |= set(d["modules"])
            libs |= set(d["libraries"])
    out.write_text(json.dumps({"modules": sorted(modules), "libraries": sorted(libs)}, indent=1))
    top = sorted({m.split(".")[0] for m in modules})
    torch_sub = sorted({".".join(m.split(".")[:2]) for m in modules if m.startswith("torch.")})
    print(f"{len(modules)} modules, {len(libs)} shared libraries -> {out}")
    print("top-level:", " ".join(top))
    print("torch subpackages:", " ".join(torch_sub))
    if failed:
        print("FAILED (their imports are not in the list):", *failed, sep="\n  ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
