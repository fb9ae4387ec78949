"""A label that shows the longest of its texts that fits: a panel title keeps its method's name on
a 1280-pixel projector and gives up the prompt first ("ONE SHOT: INDEPENDENT PIXELS — “seven”"
is wider than half of 1280 pixels beside the step counter)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel


class FitLabel(QLabel):
    def __init__(self, text: str = "", **kw):
        super().__init__(text, **kw)
        self._texts = [text]

    def set_texts(self, *texts: str) -> None:
        """Texts from the fullest to the shortest; the first that fits is shown, else the last elided."""
        self._texts = [t for t in texts if t] or [""]
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self.set_texts(text)

    def full_text(self) -> str:
        return self._texts[0]

    def resizeEvent(self, e):  # noqa: N802
        super().resizeEvent(e)
        self._fit()

    def changeEvent(self, e):  # noqa: N802
        super().changeEvent(e)
        if e.type() in (QEvent.FontChange, QEvent.StyleChange):
            self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width()
        fm = self.fontMetrics()
        shown = next((t for t in self._texts if fm.horizontalAdvance(t) <= width), None)
        if shown is None:
            shown = fm.elidedText(self._texts[-1], Qt.ElideRight, width) if width > 0 else self._texts[0]
        if shown != self.text():
            super().setText(shown)
