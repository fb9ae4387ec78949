"""What the lecturer does with a run, beyond playing it: draw known pixels and let both models
complete them, run K continuations from the step on screen, export the window or the run.
A mixin of MainWindow (it uses the window's panels, controls, worker and caption)."""
from __future__ import annotations

import weakref

from PySide6.QtWidgets import QFileDialog

from engine import images
from engine.continuations import iter_continuations
from engine.interventions import force_pixel

from . import axis
from .controls import CONT_TEXT, PLAY
from .worker import StreamTask, retire

# An AR continuation from early in a 1-pixel-a-step run has hundreds of steps (minutes on a CPU):
# it fixes more pixels a step so that it takes at most this many (engine.continuations: each
# pixel's expected value, and so the continuations' mean, stays the same).
CONT_MAX_STEPS = 64


class InteractionsMixin:
    # -- interactions ----------------------------------------------------------------------
    def set_drawing(self, on: bool):
        canvas = self.panels["left"].state
        if on:
            self.stop_run()
            self.session.given = None  # a fresh drawing replaces any pixels given before
            self.panels["left"].reset(None, "autoregressive")  # a clean slate: no stale run beside the drawing
            self.panels["right"].reset(None, "diffusion")
            self.plots.clear()
            for p in self.panels.values():
                p.counter.setText("drawing")
            canvas.clear_drawing()
        canvas.enable_drawing(on)
        self.caption.setText("Draw: left button ink, right button background; grey pixels are left for the models. "
                             "Then press Complete." if on else self.caption.text())

    def _mirror_drawing(self):
        """The right panel shows the same known pixels: both methods complete the same drawing."""
        c = self.panels["left"].state
        if c.drawing_enabled:
            self.panels["right"].state.set_image(c.image.image)

    def complete_drawing(self):
        c = self.panels["left"].state
        if not c.known.any():
            self.show_error("draw something first (✎ draw), then Complete")
            return
        known, values = c.known.copy(), c.values.copy()
        self.end_scenario()
        self.caption.setText("Completion: both models keep your pixels and fill in the rest.")
        self.restart(known=known, values=values)

    # -- direct manipulation: force the current pixel's value -----------------------------
    def force_level(self, lane: str, level: int) -> bool:
        """A click on grey level `level` in a panel's pixel distribution: the pixel of the step on
        screen gets that value and the AR run continues from there (engine.interventions), the
        other panel carries on; the timeline keeps the steps before it."""
        if self.worker is None or lane not in self.session.lanes:
            return False
        shown = self.current_frames().get(lane)
        if shown is None or shown.new_pixels is None or shown.method != "autoregressive":
            self.show_error("click the distribution of an autoregressive step to force its pixel")
            return False
        pixel = int(shown.new_pixels.indices[0][0])
        old = self.worker
        self.stop_run(keep_last=True)  # the other lane carries on: the frame of its step under way is kept
        models = self.models(self.controls.dataset.currentText())
        carry = self.session.carry_forced(lane, shown, force_pixel(models, shown, pixel, level))
        self.follow = True
        self.plots.clear(ax=self.axis)

        def prepare():  # once the old worker has ended: it no longer touches these lanes
            carry()
            self._painted_version = -1
        self.start_worker(list(self.session.lanes.values()), after=old, prepare=prepare)
        r, c = divmod(pixel, 28)
        self.show_status(f"pixel (row {r}, column {c}) forced to grey level {level}: the rest adapts", 8000)
        return True

    # -- classifier-free guidance made visible ---------------------------------------------
    def set_guidance_view(self, on: bool):
        """G: beside x0, the step's prediction with and without the prompt and what guidance adds
        (for guided steps, w other than 0 and 1; otherwise the method's own views stay)."""
        self.guidance_view = on
        for p in self.panels.values():
            p.guidance_view = on
        self._stale = True  # repaint the side views now, even when paused
        self.paint(force=True)

    # -- your own picture ------------------------------------------------------------------
    def open_image(self, path: str) -> bool:
        """Your own picture (PNG/JPG, opened or dropped on the window), as 28x28 grey: panels that
        show a forward process erase or noise it; panels that generate complete its top half."""
        try:
            img = images.load_28x28(path)
        except ValueError as e:
            self.show_error(str(e))
            return False
        self.caption.setText(self.session.use_image(img))
        return self.restart()

    def open_image_dialog(self):
        path, _ = QFileDialog.getOpenFileName(self, "Open your own picture", "", "Images (*.png *.jpg *.jpeg *.bmp)")
        if path:
            self.open_image(path)

    def forget_image(self):
        self.session.forget_image()
        self.end_scenario()
        self.restart()

    def dragEnterEvent(self, ev):
        if any(u.isLocalFile() for u in ev.mimeData().urls()):
            ev.acceptProposedAction()

    def dropEvent(self, ev):
        files = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
        if files:
            ev.acceptProposedAction()
            self.open_image(files[0])

    def run_continuations(self):
        frames = {n: f for n, f in self.current_frames().items() if f.method in ("autoregressive", "diffusion")}
        if not frames:
            self.show_error("K continuations need an autoregressive or diffusion run on screen")
            return
        if self.worker is not None:
            self.worker.pause()
            self.controls.play.setText(PLAY)
        if self.task is not None and self.task.isRunning():
            self.cancel_continuations()  # the button (or a new request) cancels the ones running
            return
        models = self.models(self.controls.dataset.currentText())
        k, seed = self.controls.cont_k.value(), self.controls.seed.value()
        self.show_status(f"running {k} continuations of each method…")
        task = StreamTask({n: (lambda f=f: iter_continuations(models, f, k=k, seed=seed, max_steps=CONT_MAX_STEPS))
                           for n, f in frames.items()})
        self._cont_from = frames
        at = {n: axis.position(f, self.axis) for n, f in frames.items()}
        # weak references: a task's signals must not keep the task (or the run) alive through the
        # lambdas connected to them; results of a cancelled task, or of another run, are dropped
        me, run = weakref.ref(task), weakref.ref(self.worker) if self.worker is not None else (lambda: None)
        self._cont_progress = {}
        mine = lambda: self.task is not None and self.task is me() and not self.task.cancelled()  # noqa: E731
        task.progress.connect(lambda lane, item: mine() and self._continuations_progress(k, lane, item))
        task.done.connect(lambda result: self._show_continuations(result, at) if mine() and self.worker is run() else None)
        task.failed.connect(lambda msg: mine() and self.show_error(msg))
        task.finished.connect(lambda: self.task is me() and self.controls.cont.setText(CONT_TEXT))
        self.task = task
        self._threads.add(task)
        self.controls.cont.setText("✕ cancel")
        self.task.start()

    def _continuations_progress(self, k: int, lane: str, item):
        """'K continuations: left 37/196 · right 12/25' while they run (each a batched step)."""
        if hasattr(item, "done") and hasattr(item, "total"):
            self._cont_progress[lane] = f"{lane} {item.done}/{item.total}"
            self.show_status(f"{k} continuations: {' · '.join(self._cont_progress.values())}   (✕ cancel)")

    def cancel_continuations(self, quiet: bool = False):
        if self.task is not None and self.task.isRunning():
            retire(self.task)  # ends between two of its steps; nothing waits for it
            self.task = None
            self.controls.cont.setText(CONT_TEXT)
            if not quiet:
                self.show_status("continuations cancelled", 4000)

    def _show_continuations(self, result: dict, at: dict):
        for name, c in result.items():
            self.panels[name].show_continuations(c, at[name])
        faster = [(n, c.pixels_per_step) for n, c in result.items() if c.pixels_per_step
                  and c.pixels_per_step > self._cont_from[n].settings.pixels_per_step]
        note = "".join(f"; {n}: {p} pixels a step, at most {CONT_MAX_STEPS} steps (same mean, faster)"
                       for n, p in faster)
        self.show_status(f"continuations done{note}", 8000 if note else 4000)

    # -- export ----------------------------------------------------------------------------
    def export_png(self, path: str) -> bool:
        """Save the window as PNG; a path that cannot be written is an error banner (one line)."""
        from .export import check_writable
        try:
            check_writable(path, (".png",))
        except (OSError, ValueError) as e:
            self.show_error(str(e))
            return False
        if not self.grab().save(path):
            self.show_error(f"could not save {path}")
            return False
        self.show_status(f"saved to {path}", 8000)
        return True

    def export_png_dialog(self):
        path, _ = QFileDialog.getSaveFileName(self, "Save the window as PNG", "pixels-and-noise.png", "PNG (*.png)")
        if path:
            self.export_png(path)

    def export_run_dialog(self):
        path, _ = QFileDialog.getSaveFileName(self, "Save the run", "run.gif", "GIF (*.gif);;MP4 (*.mp4)")
        if path:
            try:
                self.export_run(path)
            except (OSError, ValueError) as e:
                self.show_error(str(e))

    def export_run(self, path: str) -> None:
        from .export import write_run
        if self.worker is None:
            raise ValueError("nothing to export: run something first")
        _, snap = self._snapshot()
        out = write_run({n: fr for n, (fr, _, _) in snap.items()}, path, names=getattr(self.plots, "lane_names", None))
        self.show_status(f"saved to {out.resolve()}", 8000)

