"""`python main.py --self-test OUTDIR`: load every shipped weights file, run a few steps of both
panels through the real worker in an offscreen window, save OUTDIR/window.png and
OUTDIR/result.json, and return 0 only if everything worked. Reports through files, so it also
works in a frozen app without a console."""
from __future__ import annotations

import json
import time
import traceback
from pathlib import Path

from engine import weights
from engine.bank import load_bank
from engine.data import DATASETS


def run_self_test(app, outdir: str | Path, device: str = "auto") -> int:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    checks, t0 = [], time.perf_counter()

    def check(name, fn):
        t = time.perf_counter()
        try:
            detail = fn()
            checks.append({"check": name, "ok": True, "seconds": round(time.perf_counter() - t, 3), "detail": detail})
        except Exception as e:
            checks.append({"check": name, "ok": False, "seconds": round(time.perf_counter() - t, 3),
                           "detail": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()})

    for ds in DATASETS:
        for kind in weights.KINDS:
            check(f"load {ds} {kind}", lambda ds=ds, kind=kind: weights.load(ds, kind, "cpu")[1]["training"]["steps"])
        check(f"load {ds} bank", lambda ds=ds: len(load_bank(ds).images))

    from .main_window import MainWindow
    win = MainWindow(device=device, remember=False)
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
            raise RuntimeError(win.error.text())
        deadline = time.time() + 120
        while not all(ln.done for ln in win.lanes.values()) and time.time() < deadline:
            app.processEvents()
            time.sleep(0.01)
        win.worker.wait(5000)
        win.paint(force=True)
        app.processEvents()
        errors = [ln.error for ln in win.lanes.values() if ln.error]
        if errors or not all(ln.done for ln in win.lanes.values()):
            raise RuntimeError(errors or "run did not finish in 120 s")
        return {n: {"frames": len(ln.frames), "nfe": ln.frames[-1].nfe} for n, ln in win.lanes.items()}

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
    (out / "result.json").write_text(json.dumps({"ok": ok, "seconds": round(time.perf_counter() - t0, 2),
                                                 "checks": checks}, indent=2))
    return 0 if ok else 1
