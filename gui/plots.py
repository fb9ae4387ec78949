"""The plots under the panels: measurements of x̂0 at every step, both methods on one x-axis
(network evaluations), a cursor at the step on screen, and strips of x̂0 thumbnails."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from .canvas import ImageCanvas

PLOTS = {
    "distance": ("distance of x0 to the final image", "RMS difference between x̂0 now and the image the run ends "
                 "with (drawn when the run ends). Falls to 0 at the end."),
    "sharpness": ("sharpness of x0", "Mean edge strength of x̂0. Low = blurry average, high = crisp strokes."),
    "uncertainty": ("mean uncertainty", "Average per-pixel standard deviation of the prediction (AR). "
                    "What is still undecided."),
    "prob": ("classifier p(class | x0)", "What a separately trained classifier sees in x̂0: probability of the "
             "requested class (or of its top class when there is no prompt)."),
}
STRIP = 8  # thumbnails per strip


class PlotsRow(QWidget):
    def __init__(self, lane_colors: dict, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        outer.addLayout(row, 3)
        self.curves, self.cursors, self.widgets = {}, [], {}
        for key, (title, tip) in PLOTS.items():
            w = pg.PlotWidget(title=title)
            w.setToolTip(tip)
            w.setLabel("bottom", "network evaluations")
            w.showGrid(x=True, y=True, alpha=0.25)
            self.widgets[key] = w
            for lane, color in lane_colors.items():
                self.curves[(key, lane)] = w.plot([], [], pen=pg.mkPen(color, width=3))
            cur = pg.InfiniteLine(angle=90, pen=pg.mkPen((255, 255, 255, 120), width=1))
            w.addItem(cur)
            self.cursors.append(cur)
            row.addWidget(w)
        self.widgets["prob"].setYRange(0, 1.02)
        strips = QHBoxLayout()
        self.strips = {}
        for lane in lane_colors:
            c = ImageCanvas(f"x0 along the run ({lane})")
            c.vb.setRange(xRange=(0, 28 * STRIP), yRange=(0, 28), padding=0.01)
            self.strips[lane] = c
            strips.addWidget(c)
        outer.addLayout(strips, 1)

    def clear(self):
        for c in self.curves.values():
            c.setData([], [])
        for s in self.strips.values():
            s.set_image(np.zeros((28, 28 * STRIP), np.float32))

    def update_lane(self, lane: str, metrics: list, distances, target: int | None, upto: int):
        """Redraw one lane's curves from its metrics (all steps so far) and its thumbnail strip."""
        if not metrics:
            return
        nfe = np.array([m["nfe"] for m in metrics], np.float32)
        self.curves[("sharpness", lane)].setData(nfe, [m["sharpness"] for m in metrics])
        unc = np.array([m["uncertainty"] for m in metrics], np.float32)
        self.curves[("uncertainty", lane)].setData(nfe[np.isfinite(unc)], unc[np.isfinite(unc)])
        if "probs" in metrics[0]:
            probs = np.array([m["probs"] for m in metrics])
            col = target if target is not None else int(probs[-1].argmax())
            self.curves[("prob", lane)].setData(nfe, probs[:, col])
        if distances is not None:
            self.curves[("distance", lane)].setData(nfe[:len(distances)], distances)
        else:
            self.curves[("distance", lane)].setData([], [])

    def update_strip(self, lane: str, frames: list, upto: int):
        if not frames:
            return
        idx = np.linspace(0, upto, STRIP).round().astype(int)
        self.strips[lane].set_image(np.concatenate([frames[i].x0_mean[0] for i in idx], axis=1))

    def set_cursor(self, nfe: float):
        for c in self.cursors:
            c.setValue(nfe)
