"""Line plots saved as PNG with pyqtgraph, offscreen (benchmarks only; no matplotlib needed)."""

from __future__ import annotations

import math
import os
from pathlib import Path

COLORS = [
    (31, 119, 180),
    (214, 39, 40),
    (44, 160, 44),
    (148, 103, 189),
    (255, 127, 14),
    (140, 86, 75),
    (23, 190, 207),
    (127, 127, 127),
]  # distinct for up to 8 series


def _log_ticks(lo: float, hi: float) -> list:
    """Ticks at 1, 2, 5 × 10^k between lo and hi, in pyqtgraph's log-mode coordinates (log10)."""
    ticks = [m * 10**e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1) for m in (1, 2, 5)]
    return [[(math.log10(t), f"{t:g}") for t in ticks if lo / 1.5 <= t <= hi * 1.5], []]


def line_plot(
    series: dict, path: Path, xlabel: str, ylabel: str, logx: bool = True, logy: bool = True, size=(900, 560)
) -> None:
    """series: name -> list of (x, y) points."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from pyqtgraph.exporters import ImageExporter
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    w = pg.PlotWidget()
    w.resize(*size)
    w.addLegend(offset=(-10, 10))
    w.setLogMode(x=logx, y=logy)
    w.showGrid(x=True, y=True, alpha=0.3)
    w.setLabel("bottom", xlabel)
    w.setLabel("left", ylabel)
    xs_all = [pt[0] for pts in series.values() for pt in pts]
    ys_all = [pt[1] for pts in series.values() for pt in pts]
    if logx:  # pyqtgraph labels every minor log tick, and they overlap: label 1-2-5 steps only
        w.getAxis("bottom").setTicks(_log_ticks(min(xs_all), max(xs_all)))
    if logy:
        w.getAxis("left").setTicks(_log_ticks(min(ys_all), max(ys_all)))
    for i, (name, pts) in enumerate(series.items()):
        pts = sorted(pts)
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        c = COLORS[i % len(COLORS)]
        w.plot(xs, ys, name=name, pen=pg.mkPen(c, width=3), symbol="o", symbolBrush=c, symbolSize=9)
    w.show()
    app.processEvents()
    exp = ImageExporter(w.plotItem)
    exp.parameters()["width"] = size[0]
    image = exp.export(toBytes=True)  # a QImage, saved through a temporary name: never half a PNG
    w.close()
    from engine.networks.files import atomic_path

    with atomic_path(path) as tmp:
        if not image.save(str(tmp), "PNG"):
            raise OSError(f"cannot write {path}")
