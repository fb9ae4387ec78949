"""A crisp image canvas: nearest-neighbour 28×28 pixels, an outline for the current step's
pixels, and optional drawing with the mouse (to give known pixels)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QSizePolicy, QVBoxLayout, QWidget

from engine.maths.pixels import SIDE

from . import style

FORCED = (255, 80, 230)  # pixels forced by hand (a click on the distribution): magenta, apart from the step's red


class ImageCanvas(QWidget):
    drawn = Signal()  # the drawing changed

    def __init__(self, title: str, cmap: str | None = None, levels=(0.0, 1.0), tooltip: str = "", parent=None):
        super().__init__(parent)
        self.levels = levels
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(2)
        self.title = QLabel(title, objectName="canvasTitle", alignment=Qt.AlignCenter)
        self.title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # a long title never widens the window
        lay.addWidget(self.title)
        self.view = _DrawView(self)
        lay.addWidget(self.view, 1)
        self.vb = self.view.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
        self.vb.setMenuEnabled(False)
        self.image = pg.ImageItem(np.zeros((SIDE, SIDE), np.float32))
        if cmap:
            self.image.setColorMap(pg.colormap.get(cmap))
        self.vb.addItem(self.image)
        # A thin frame: a black image on a black (lecture) background still shows where it is.
        self.frame = QGraphicsRectItem(0, 0, SIDE, SIDE)
        pen = pg.mkPen(style.FRAME, width=1)
        pen.setCosmetic(True)
        self.frame.setPen(pen)
        self.vb.addItem(self.frame)
        self.vb.setRange(xRange=(0, SIDE), yRange=(0, SIDE), padding=0.01)
        self.outline = pg.ScatterPlotItem(
            symbol="s", size=1.0, pxMode=False, brush=None, pen=pg.mkPen(style.OUTLINE, width=2)
        )
        self.vb.addItem(self.outline)
        self.marks = pg.ScatterPlotItem(symbol="s", size=0.8, pxMode=False, brush=None, pen=pg.mkPen(FORCED, width=2))
        self.vb.addItem(self.marks)  # pixels forced by hand, marked for the rest of the run
        self.setToolTip(tooltip)
        self.drawing_enabled = False
        self.known = np.zeros((SIDE, SIDE), bool)
        self.values = np.zeros((SIDE, SIDE), np.float32)

    def set_image(self, img: np.ndarray, levels=None):
        img = np.asarray(img, np.float32)
        self.image.setImage(img, levels=levels or self.levels, autoLevels=False)
        h, w = img.shape[:2]
        if (self.frame.rect().width(), self.frame.rect().height()) != (w, h):
            self.frame.setRect(0, 0, w, h)

    def set_outline(self, flat_indices):
        if flat_indices is None or len(flat_indices) == 0 or len(flat_indices) > 256:
            self.outline.setData([], [])
            return
        r, c = np.divmod(np.asarray(flat_indices), SIDE)
        self.outline.setData(c + 0.5, r + 0.5)

    def set_marks(self, flat_indices) -> None:
        """Outline the pixels forced by hand (in FORCED, inside the step's outline)."""
        if not len(flat_indices):
            if len(self.marks.data):
                self.marks.setData([], [])
            return
        r, c = np.divmod(np.asarray(flat_indices), SIDE)
        self.marks.setData(c + 0.5, r + 0.5)

    # -- drawing -------------------------------------------------------------------------
    def enable_drawing(self, on: bool):
        self.drawing_enabled = on
        self.view.setCursor(Qt.CrossCursor if on else Qt.ArrowCursor)

    def clear_drawing(self):
        self.known[:] = False
        self.values[:] = 0
        self._show_drawing()

    def paint_at(self, x: float, y: float, ink: bool, radius: int = 1):
        r0, c0 = int(y), int(x)
        for r in range(r0 - radius + 1, r0 + radius):
            for c in range(c0 - radius + 1, c0 + radius):
                if 0 <= r < SIDE and 0 <= c < SIDE:
                    self.known[r, c] = True
                    self.values[r, c] = 1.0 if ink else 0.0
        self._show_drawing()
        self.drawn.emit()

    def _show_drawing(self):
        shown = np.where(self.known, self.values, 0.25)  # grey = not given: the models fill it in
        self.set_image(shown)


class _DrawView(pg.GraphicsLayoutWidget):
    def __init__(self, canvas: ImageCanvas):
        super().__init__()
        self.canvas = canvas
        self.ci.layout.setContentsMargins(0, 0, 0, 0)

    def _paint(self, ev):
        pos = self.canvas.vb.mapSceneToView(self.mapToScene(ev.position().toPoint()))
        ink = not bool(ev.buttons() & Qt.RightButton)
        self.canvas.paint_at(pos.x(), pos.y(), ink)

    def mousePressEvent(self, ev):
        if self.canvas.drawing_enabled:
            self._paint(ev)
        else:
            super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev):
        if self.canvas.drawing_enabled and ev.buttons():
            self._paint(ev)
        else:
            super().mouseMoveEvent(ev)
