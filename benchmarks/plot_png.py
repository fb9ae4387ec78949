"""Line plots saved as PNG with pyqtgraph, offscreen (benchmarks only; no matplotlib needed)."""
from __future__ import annotations

import os
from pathlib import Path

COLORS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189), (255, 127, 14)]


def line_plot(series: dict, path: Path, xlabel: str, ylabel: str, logx: bool = True, logy: bool = True,
              size=(900, 560)) -> None:
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
    for i, (name, pts) in enumerate(series.items()):
        pts = sorted(pts)
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        c = COLORS[i % len(COLORS)]
        w.plot(xs, ys, name=name, pen=pg.mkPen(c, width=3), symbol="o", symbolBrush=c, symbolSize=9)
    w.show()
    app.processEvents()
    exp = ImageExporter(w.plotItem)
    exp.parameters()["width"] = size[0]
    exp.export(str(path))
    w.close()
