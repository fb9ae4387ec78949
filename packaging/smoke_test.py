"""Smoke test of the FROZEN app: `python3 packaging/smoke_test.py [APP] [--qt-platform P] [--quick]` (stdlib only).

APP defaults to dist/pixels-and-noise/pixels-and-noise(.exe); on macOS pass the .app's
`Contents/MacOS/pixels-and-noise`. Every run gets a scratch folder and XDG_CONFIG_HOME, and
QT_QPA_PLATFORM=P (default offscreen; the workflow passes windows / cocoa there). Checks, in order:

1. `APP --self-test OUT`: exit 0; result.json ok with every check passed (all shipped weights
   loaded, both panels ran through the worker, the window grabbed); window.png a valid, non-blank
   PNG of at least 800x600 (packaging/media_checks.py parses PNG, GIF and MP4).
2. `APP --list-scenarios`: exit 0 and it names every slide of the bundled default lesson.
3. The full default lesson, offscreen: the bundle's own default.lesson (found by glob, wherever
   the engine keeps it) is read, and every slide's scenario is rendered to the end
   (`APP --render slide.png --scenario NAME`, the window the lesson shows for that slide, run to
   its last step): exit 0, a valid non-blank 1920x1080 PNG each. Then `APP --lesson` itself must
   start and keep running for LESSON_SECONDS without an error or a traceback (slides need keys to
   advance, so it is then ended).
4. Exports: `APP --render run.gif` and `run.mp4` of a short run: exit 0, a GIF with >= 2 frames
   walked to its trailer, an H.264 MP4 with >= 2 samples and its media data.
`--quick` does step 1 only. Exit 0 only if every check holds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from media_checks import check_gif, check_mp4, check_png

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_APP = ROOT / "dist" / "pixels-and-noise" / ("pixels-and-noise.exe" if os.name == "nt" else "pixels-and-noise")
LESSON_SECONDS = 20
SHORT_RUN = ["--pixels-per-step", "28", "--steps", "20"]  # 28 AR steps, 20 diffusion steps: a few seconds


class Smoke:
    def __init__(self, app: Path, platform: str):
        self.app, self.problems, self._printed = app, [], set()
        self.out = Path(tempfile.mkdtemp(prefix="pn-smoke-"))
        self.env = dict(os.environ, QT_QPA_PLATFORM=platform, XDG_CONFIG_HOME=str(self.out / "config"))

    def run(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        t0 = time.perf_counter()
        try:
            p = subprocess.run(
                [str(self.app), *args], env=self.env, cwd=self.out, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as e:  # a hang is a failure like any other, not a crash of the test
            text = [x if isinstance(x, str) else (x or b"").decode(errors="replace") for x in (e.stdout, e.stderr)]
            p = subprocess.CompletedProcess(e.cmd, f"none: killed after {timeout:.0f} s", *text)
        p.seconds = time.perf_counter() - t0
        return p

    def fail(self, what: str, p: subprocess.CompletedProcess | None = None) -> None:
        """Report a failure: the app's output once (its last lines), one line in the summary."""
        tail = re.sub(r"PYI-\d+", "PYI", (p.stdout + p.stderr)[-1500:]) if p is not None else ""
        if tail and tail in self._printed:
            tail = "(the same output as above)"
        self._printed.add(tail)
        print(f"  FAIL {what}\n{tail}" if tail else f"  FAIL {what}", flush=True)
        self.problems.append(what.splitlines()[0])

    def check_file(self, what: str, p, path: Path, check) -> None:
        if p.returncode != 0:
            return self.fail(f"{what}: exit code {p.returncode}", p)
        try:
            print(f"  ok   {what}: {check(path)} ({p.seconds:.1f} s)", flush=True)
        except (OSError, ValueError) as e:
            self.fail(f"{what}: {e}", p)

    def self_test(self) -> None:
        out = self.out / "self-test"
        p = self.run("--self-test", str(out), timeout=600)
        if p.returncode != 0:
            self.fail(f"--self-test: exit code {p.returncode}", p)
        try:
            result = json.loads((out / "result.json").read_text())
            print(
                f"result.json: ok={result['ok']}, {len(result['checks'])} checks, {result['seconds']} s inside the app"
            )
            for c in result["checks"]:
                print(f"  {'ok  ' if c['ok'] else 'FAIL'} {c['check']} ({c['seconds']} s)")
                if not c["ok"]:
                    print(f"       {c['detail']}\n{c.get('traceback', '')}")
                    self.problems.append(f"self-test check {c['check']}: {c['detail']}")
            if not result["ok"]:
                self.problems.append("result.json says not ok")
        except (OSError, ValueError, KeyError) as e:
            self.fail(f"result.json missing or unreadable: {e}", p)
        self.check_file("--self-test window.png", p, out / "window.png", check_png)

    def lesson_slides(self) -> list[str]:
        """The scenario of every slide of the bundled default lesson (the bundle's own copy)."""
        base = self.app.parent.parent if self.app.parent.name == "MacOS" else self.app.parent  # .app/Contents or onedir
        found = sorted(base.rglob("default.lesson"))
        if not found:
            self.fail(f"no default.lesson anywhere in the bundle around {self.app}")
            return []
        slides = re.findall(r"^\s*slide:\s*(\S+)", found[0].read_text(encoding="utf-8"), re.M)
        print(f"lesson {found[0]}: {len(slides)} slides", flush=True)
        if not slides:
            self.fail(f"{found[0]} has no slides")
        return slides

    def lesson(self) -> None:
        slides = self.lesson_slides()
        p = self.run("--list-scenarios", timeout=120)
        names = {line.split()[0] for line in p.stdout.splitlines() if line.strip()}
        if p.returncode == 0 and not p.stdout and os.name == "nt":  # a windowed .exe has no stdout to print to
            print("  ok   --list-scenarios: exit 0 (a windowed Windows app prints nothing)", flush=True)
        elif p.returncode != 0 or not names >= set(slides):
            self.fail(f"--list-scenarios: exit {p.returncode}, missing {sorted(set(slides) - names)}", p)
        else:
            print(f"  ok   --list-scenarios: {len(names)} scenarios, every slide among them", flush=True)
        for i, name in enumerate(slides, 1):
            f = f"slide-{i:02d}-{name}.png"
            self.check_file(
                f"slide {i} {f}",
                self.run("--render", str(self.out / f), "--scenario", name, timeout=600),
                self.out / f,
                check_png,
            )
        log = self.out / "lesson.log"
        with open(log, "w") as f:
            proc = subprocess.Popen([str(self.app), "--lesson"], env=self.env, cwd=self.out, stdout=f, stderr=f)
            try:
                code = proc.wait(LESSON_SECONDS)
            except subprocess.TimeoutExpired:
                code = None
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        text = log.read_text(errors="replace")
        if code is not None or "Traceback" in text or "error:" in text:
            self.fail(f"--lesson: {f'exit code {code}' if code is not None else 'error while running'}\n{text[-3000:]}")
        else:
            print(f"  ok   --lesson ran {LESSON_SECONDS} s with no error", flush=True)

    def exports(self) -> None:
        for name, check in (("run.gif", check_gif), ("run.mp4", check_mp4)):
            path = self.out / name
            self.check_file(f"--render {name}", self.run("--render", str(path), *SHORT_RUN), path, check)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("app", nargs="?", type=Path, default=DEFAULT_APP)
    ap.add_argument("--qt-platform", default="offscreen", help="QT_QPA_PLATFORM for every run (default offscreen)")
    ap.add_argument("--quick", action="store_true", help="the self-test only")
    a = ap.parse_args(argv[1:])
    if not a.app.exists():
        print(f"FAIL: no frozen app at {a.app}; build it with `bash packaging/build.sh`")
        return 1
    s = Smoke(a.app.resolve(), a.qt_platform)
    t0 = time.perf_counter()
    s.self_test()
    if not a.quick:
        s.lesson()
        s.exports()
    wall = time.perf_counter() - t0
    if s.problems:
        print("FAIL:\n  " + "\n  ".join(s.problems))
        return 1
    print(
        f"PASS: frozen app ok ({'self-test' if a.quick else 'self-test, full lesson, GIF/MP4/PNG'}) "
        f"in {wall:.0f} s, QT_QPA_PLATFORM={a.qt_platform} ({a.app}); output in {s.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
