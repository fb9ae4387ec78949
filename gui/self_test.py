"""`python main.py --self-test OUTDIR`: load every shipped weights file, run a few steps of both
panels through the real worker in an offscreen window, save OUTDIR/window.png and
OUTDIR/result.json, and return 0 only if everything worked. Reports through files, so it also
works in a frozen app without a console."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path

from engine.networks import weights
from engine.networks.bank import load_bank
from engine.networks.checks import model_output_check  # noqa: F401 (tests import it from here)
from engine.networks.data import DATASETS
from engine.networks.device import resolve_device


def check_outdir(outdir: str | Path) -> str | None:
    """Why OUTDIR cannot hold the results ('' or None: it can), before any work."""
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        return f"{out} exists and is not a folder"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return f"cannot create {out}: {e.strerror or e}"
    if not os.access(out, os.W_OK | os.X_OK):
        return f"cannot write into {out}: permission denied"
    return None


def run_self_test(app, outdir: str | Path, device: str = "auto") -> int:
    """0 when every check passed, 1 when one failed (each failure printed, one line each), 2 when
    OUTDIR cannot be written. Always prints what happened."""
    problem = check_outdir(outdir)
    if problem:
        print(f"error: --self-test: {problem}", file=sys.stderr)
        return 2
    out = Path(outdir)
    checks, t0 = [], time.perf_counter()

    def check(name, fn):
        t = time.perf_counter()
        try:
            detail = fn()
            checks.append({"check": name, "ok": True, "seconds": round(time.perf_counter() - t, 3), "detail": detail})
        except Exception as e:
            checks.append(
                {
                    "check": name,
                    "ok": False,
                    "seconds": round(time.perf_counter() - t, 3),
                    "detail": f"{type(e).__name__}: {e}",
                    "traceback": traceback.format_exc(),
                }
            )

    def device_check():
        try:
            return str(resolve_device(device))
        except ValueError as e:
            note = f"{e.args[0].split(';')[0]}: ran on the CPU instead"
            print(f"note: {note}", file=sys.stderr)
            return note

    check(f"device {device}", device_check)

    def load_and_run(ds, kind):
        model, card = weights.load(ds, kind, "cpu")
        return {"training_steps": card["training"]["steps"], **model_output_check(model, kind)}

    for ds in DATASETS:
        for kind in weights.KINDS:
            check(f"load and run {ds} {kind}", lambda ds=ds, kind=kind: load_and_run(ds, kind))
        check(f"load {ds} bank", lambda ds=ds: len(load_bank(ds).images))

    from .main_window import MainWindow

    try:
        win = MainWindow(device=device, remember=False)
    except Exception as e:  # never exit 1 silently
        print(f"self-test FAILED: the window did not open: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    win.resize(1920, 1080)
    win.show()

    def run_panels(dataset: str, prompt: str):
        c = win.controls
        c.dataset.setCurrentText(dataset)
        c.prompt.setText(prompt)
        c.k.setCurrentText("64")
        c.steps.setValue(10)
        c.speed.setCurrentText("max")
        if not win.restart():
            raise RuntimeError(win.messages.last_error)
        deadline = time.time() + 120
        while not all(ln.done for ln in win.session.lanes.values()) and time.time() < deadline:
            app.processEvents()
            time.sleep(0.01)
        win.worker.wait(5000)
        win.paint(force=True)
        app.processEvents()
        errors = [ln.error for ln in win.session.lanes.values() if ln.error]
        if errors or not all(ln.done for ln in win.session.lanes.values()):
            raise RuntimeError(errors or "run did not finish in 120 s")
        return {n: {"frames": len(ln.frames), "nfe": ln.frames[-1].nfe} for n, ln in win.session.lanes.items()}

    check("run both panels through the worker (fashion, sneaker)", lambda: run_panels("fashion", "sneaker"))
    check("run both panels through the worker (mnist, seven)", lambda: run_panels("mnist", "seven"))

    def grab():
        path = out / "window.png"
        if not win.export_png(str(path)):
            raise RuntimeError("could not save the window")
        img = win.grab().toImage()
        colors = {img.pixel(x, y) for x in range(0, img.width(), 37) for y in range(0, img.height(), 37)}
        if len(colors) < 10:
            raise RuntimeError("the window looks blank")
        return {"path": str(path), "size": [img.width(), img.height()], "distinct_colors_sampled": len(colors)}

    check("grab window.png", grab)
    win.close()
    ok = all(c["ok"] for c in checks)
    result = out / "result.json"
    try:
        result.write_text(
            json.dumps({"ok": ok, "seconds": round(time.perf_counter() - t0, 2), "checks": checks}, indent=2)
        )
    except OSError as e:
        print(f"error: --self-test: cannot write {result}: {e.strerror or e}", file=sys.stderr)
        return 2
    for c in checks:
        if not c["ok"]:
            print(f"self-test FAILED: {c['check']}: {c['detail']}", file=sys.stderr)
    print(
        f"self-test {'passed' if ok else 'failed'}: {sum(c['ok'] for c in checks)}/{len(checks)} checks; "
        f"details in {result}",
        file=sys.stdout if ok else sys.stderr,
    )
    return 0 if ok else 1
