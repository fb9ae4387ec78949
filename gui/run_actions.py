"""What the lecturer does with a run beyond playing it: draw and complete, force a pixel, the
guidance view, K continuations, your own picture, exports. A part of MainWindow (it inherits
these); every one reads the run on screen from the Session, never from a widget."""

from __future__ import annotations

from engine.maths.pixels import SIDE
from engine.networks import images
from engine.runtime import modes as mode_registry
from engine.runtime.interventions import force_pixel

from . import axis, export
from .controls import PLAY
from .render import what_ran


class RunActions:
    def set_drawing(self, on: bool):
        """✎ draw: a clean slate in the left panel; the grey pixels are left for the models."""
        canvas = self.panels["left"].state
        if on:
            self.stop_run()
            self.session.given = None  # a fresh drawing replaces any pixels given before
            self.display.blank("drawing", self.session.modes)  # no stale run beside the drawing
            canvas.clear_drawing()
        canvas.enable_drawing(on)
        self.caption.setText(
            "Draw: left button ink, right button background; grey pixels are left for the models. Then press Complete."
            if on
            else self.caption.text()
        )

    def mirror_drawing(self):
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

    def force_level(self, lane: str, level: int) -> bool:
        """A click on grey level `level` in a panel's pixel distribution: the pixel of the step on
        screen gets that value and the AR run continues from there (engine.runtime.interventions), the
        other panel carries on; the timeline keeps the steps before it."""
        if self.worker is None or lane not in self.session.lanes:
            return False
        shown = self.current_frames().get(lane)
        m = None if shown is None else mode_registry.of_method(shown.method)
        if shown is None or shown.new_pixels is None or m is None or not m.forces_pixels:
            kinds = " or ".join(x.title for x in mode_registry.MODES.values() if x.forces_pixels)
            self.show_error(f"click the distribution of an {kinds} step to force its pixel")
            return False
        pixel = int(shown.new_pixels.indices[0][0])
        old = self.worker
        self.stop_run(keep_last=True)  # the other lane carries on: the frame of its step under way is kept
        models = self.models(self.session.run_settings(lane).dataset)  # the run on screen, not an edit since
        carry = self.session.carry_forced(lane, shown, force_pixel(models, shown, pixel, level), pixel)
        self.display.follow = True
        self.plots.clear(ax=self.display.axis)

        def prepare():  # once the old worker has ended: it no longer touches these lanes
            carry()
            self.display.painted_version = -1

        self.start_worker(list(self.session.lanes.values()), after=old, prepare=prepare)
        r, c = divmod(pixel, SIDE)
        self.show_status(f"pixel (row {r}, column {c}) forced to grey level {level}: the rest adapts", 8000)
        return True

    def set_guidance_view(self, on: bool):
        """G: beside x0, the step's prediction with and without the prompt and what guidance adds
        (for guided steps, w other than 0 and 1; otherwise the method's own views stay)."""
        self.guidance_view = on
        for p in self.panels.values():
            p.guidance_view = on
        self.display.stale = True  # repaint the side views now, even when paused
        self.paint(force=True)

    def run_continuations(self):
        """K continuations from the step on screen (the button cancels ones running)."""
        frames = {n: f for n, f in self.current_frames().items() if _continues(f.method)}
        if not frames:
            kinds = " or ".join(m.title for m in mode_registry.MODES.values() if m.continuations)
            self.show_error(f"K continuations need an {kinds} run on screen")
            return
        if self.worker is not None:
            self.worker.pause()
            self.controls.play.setText(PLAY)
        if self.continuations.running():
            self.continuations.cancel()
            return
        at = {n: axis.position(f, self.display.axis) for n, f in frames.items()}
        self.display.follow = False  # the view stays at the step they continue (the step under way may land after)
        run = self.session.run_settings(next(iter(frames)))  # the run on screen, not an edit since
        self.continuations.start(self.models(run.dataset), frames, self.session.continuations_k, run.seed, at)

    def open_image(self, path: str) -> bool:
        """Your own picture (PNG/JPG, opened or dropped on the window), as 28x28 grey: panels that
        show a forward process erase or noise it; panels that generate complete its top half."""
        try:
            img = images.load_28x28(path)
        except Exception as e:  # noqa: BLE001 - from a drop's event filter too: a banner, never a crash
            self.show_error(
                str(e) if isinstance(e, ValueError) else f"{path}: cannot open it ({type(e).__name__}: {e})"
            )
            return False
        self.caption.setText(self.session.use_image(img))
        return self.restart()

    def forget_image(self):
        self.session.forget_image()
        self.end_scenario()
        self.restart()

    def export_png(self, path: str) -> bool:
        """Save the window as PNG; a path that cannot be written is an error banner (one line)."""
        try:
            out = export.save_window_png(self, path, self.session.record() if self.session.lanes else None)
        except (OSError, ValueError) as e:
            self.show_error(str(e))
            return False
        self.exported(str(out))
        return True

    def exported(self, out: str) -> None:
        """A good export: said beside the timeline, and a banner from a refused one goes."""
        self.show_error("")
        self.show_status(f"saved to {out}", 8000)

    def _run_to_export(self, path: str):
        """(the checked path, the frames of every lane, their labels, the record): ValueError/OSError."""
        if self.worker is None:
            raise ValueError("nothing to export: run something first")
        out = export.check_writable(path)  # before the work: a missing or read-only folder fails at once
        _, snap = self._snapshot()
        lanes = {n: list(fr) for n, (fr, _, _) in snap.items()}  # the frames so far (frozen, never mutated)
        return out, lanes, what_ran(self.session), self.session.record()

    def export_run(self, path: str) -> None:
        """Save the run as GIF/MP4 here and now (scripts, tests; ValueError/OSError: why not). The
        window's dialog uses start_export: the same file, written off the GUI thread."""
        out, lanes, names, rec = self._run_to_export(path)
        self.exported(str(export.write_run(lanes, out, names=names, record=rec).resolve()))

    def start_export(self, path: str) -> bool:
        """Write the run as GIF/MP4 off the GUI thread, progress and a cancel beside the timeline;
        a path that cannot be written is said at once (a banner)."""
        try:
            out, lanes, names, rec = self._run_to_export(path)
        except (OSError, ValueError) as e:
            self.show_error(str(e))
            return False
        self.exports.start(lanes, out, names, rec)
        return True


def _continues(method: str) -> bool:
    m = mode_registry.of_method(method)
    return m is not None and m.continuations
