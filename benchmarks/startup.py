"""Start-up time of the app from source vs the frozen PyInstaller bundle: `python -m benchmarks.startup`.

For each variant (source: `python main.py`; frozen: `dist/pixels-and-noise/pixels-and-noise`) it measures
* `--self-test` wall time (offscreen: load every shipped weights file, run both panels a few steps,
  save window.png), and the self-test's own seconds from inside the app (after Python/Qt start-up);
* time-to-window: the plain app (no arguments) on a private Xvfb display through the real xcb
  plugin, from process start until the main window is mapped (polled with `xwininfo`); skipped
  when Xvfb/xwininfo are missing.
The first run of each variant is the coldest one (files not yet in the page cache unless something
read them recently); the table gives it and the median of all runs. `--cold` (root only) empties the
page cache before every run (`echo 3 > /proc/sys/vm/drop_caches`), i.e. first launch after a reboot. Prints a table, plus the
bundle size. Settings the app remembers go to a throw-away XDG_CONFIG_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "dist" / "pixels-and-noise" / "pixels-and-noise"
TITLE = "Pixels & Noise"


def _env(tmp: Path, **extra) -> dict:
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp / "config"), **extra)
    return env


def self_test(cmd: list[str], tmp: Path, timeout: float) -> tuple[float, float | None, bool]:
    """(wall seconds, the app's own self-test seconds, ok)."""
    out = Path(tempfile.mkdtemp(dir=tmp))
    t0 = time.perf_counter()
    p = subprocess.run(
        cmd + ["--self-test", str(out)],
        env=_env(tmp, QT_QPA_PLATFORM="offscreen"),
        cwd=tmp,
        capture_output=True,
        timeout=timeout,
    )
    wall = time.perf_counter() - t0
    try:
        r = json.loads((out / "result.json").read_text())
    except (OSError, ValueError):
        sys.stderr.write(p.stderr.decode(errors="replace")[-2000:])
        return wall, None, False
    return wall, r.get("seconds"), p.returncode == 0 and bool(r.get("ok"))


class Xvfb:
    """A private X server for the time-to-window measurement."""

    def __init__(self):
        self.display = None
        self.proc = None

    def __enter__(self):
        for n in range(91, 120):
            if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
                self.display = f":{n}"
                break
        self.proc = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 15
        while time.time() < deadline:
            if subprocess.run(["xwininfo", "-root", "-display", self.display], capture_output=True).returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError("Xvfb did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)


def _mapped_window(display: str) -> bool:
    tree = subprocess.run(["xwininfo", "-root", "-tree", "-display", display], capture_output=True, text=True).stdout
    for line in tree.splitlines():
        if TITLE in line:
            wid = line.split()[0]
            info = subprocess.run(["xwininfo", "-id", wid, "-display", display], capture_output=True, text=True).stdout
            if "IsViewable" in info:
                return True
    return False


def time_to_window(cmd: list[str], tmp: Path, display: str, timeout: float) -> float | None:
    env = _env(tmp, QT_QPA_PLATFORM="xcb", DISPLAY=display)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while time.perf_counter() - t0 < timeout:
            if _mapped_window(display):
                return time.perf_counter() - t0
            if p.poll() is not None:
                sys.stderr.write(p.stderr.read().decode(errors="replace")[-2000:])
                return None
            time.sleep(0.05)
        return None
    finally:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def drop_caches() -> None:
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def _fmt(xs: list) -> str:
    xs = [x for x in xs if x is not None]
    if not xs:
        return "failed"
    return f"{xs[0]:6.1f} s  {statistics.median(xs):6.1f} s"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement per variant")
    ap.add_argument("--frozen", type=Path, default=FROZEN, help="the frozen app's executable")
    ap.add_argument("--python", default=sys.executable, help="Python that runs the app from source")
    ap.add_argument("--only", choices=("source", "frozen"), help="measure one variant only")
    ap.add_argument("--no-window", action="store_true", help="skip the Xvfb time-to-window measurement")
    ap.add_argument("--cold", action="store_true", help="empty the page cache before every run (root, Linux)")
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args(argv)

    variants = {"source": [a.python, str(ROOT / "main.py")], "frozen": [str(a.frozen)]}
    if a.only:
        variants = {a.only: variants[a.only]}
    if "frozen" in variants and not a.frozen.exists():
        print(f"no frozen app at {a.frozen}: build it with `bash packaging/build.sh` (skipping it)")
        variants.pop("frozen")
    window = not a.no_window and shutil.which("Xvfb") and shutil.which("xwininfo")
    rows = []
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        xv = Xvfb().__enter__() if window else None
        try:
            for name, cmd in variants.items():
                walls, inner, oks, ttw = [], [], [], []
                for _ in range(a.repeat):
                    if a.cold:
                        drop_caches()
                    w, s, ok = self_test(cmd, tmp, a.timeout)
                    walls.append(w)
                    inner.append(s)
                    oks.append(ok)
                    if xv:
                        if a.cold:
                            drop_caches()
                        ttw.append(time_to_window(cmd, tmp, xv.display, a.timeout))
                    print(
                        f"  {name}: self-test {w:.1f} s ({'ok' if ok else 'FAILED'})"
                        + (f", window after {ttw[-1]:.1f} s" if xv and ttw[-1] else ""),
                        flush=True,
                    )
                rows.append((name, walls, inner, ttw, all(oks)))
        finally:
            if xv:
                xv.__exit__(None, None, None)

    load = os.getloadavg()
    print(
        f"\nstart-up, {a.repeat} runs each ({'page cache emptied before each' if a.cold else 'the first is the coldest'}): "
        "first run, median; "
        f"load average {load[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        "| variant | --self-test wall (first, median) | self-test inside the app | time-to-window (xcb on Xvfb) | ok |"
    )
    print("|---|---|---|---|---|")
    for name, walls, inner, ttw, ok in rows:
        print(
            f"| {name} | {_fmt(walls)} | {_fmt(inner)} | {_fmt(ttw) if ttw else 'not measured'} | "
            f"{'yes' if ok else 'NO'} |"
        )
    if "frozen" in variants:
        bundle = a.frozen.parent
        du = subprocess.run(["du", "-sh", str(bundle)], capture_output=True, text=True).stdout.split()
        print(f"\nbundle {bundle}: {du[0] if du else '?'} on disk ({dir_size(bundle) / 2**20:.0f} MiB of files)")
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
