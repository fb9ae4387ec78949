"""Spin boxes that never change a typed value silently. Qt's own refuse the digit that would
leave the range (seed 2147483648 becomes 214748364) or revert on leaving the box (guidance 21
becomes 2.0, temperature 0.01 becomes 1.00). These let an out-of-range number be typed, then keep
the last good value and say so (`out_of_range(message)`: the window shows it as a banner); the
tooltip names the allowed range."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox


class _Ranged:
    def __init__(self, name: str, limits: tuple | None = None, **kw):
        if limits is not None:  # (lowest, highest): engine.tools.cli.LIMITS, the command lines' ranges too
            kw = {"minimum": limits[0], "maximum": limits[1], **kw}  # the range before the value
        super().__init__(**kw)  # the Qt spin box (next in the MRO)
        self._init_range(name)

    def _init_range(self, name: str):
        self.name = name
        self._tip = ""
        self.setKeyboardTracking(False)  # the value changes at Enter or leaving the box, not at every digit

    def range_text(self) -> str:
        fmt = (lambda v: f"{v:g}") if isinstance(self, QDoubleSpinBox) else str
        return f"{fmt(self.minimum())} to {fmt(self.maximum())}"

    def setToolTip(self, tip: str):  # every tooltip ends with the allowed range
        self._tip = tip
        super().setToolTip(f"{tip} Allowed: {self.range_text()}.")

    def _number(self, text: str):
        t = text.strip()
        if self.prefix():
            t = t.removeprefix(self.prefix())
        if self.suffix():
            t = t.removesuffix(self.suffix())
        try:
            return float(t.strip())
        except ValueError:
            return None

    def validate(self, text: str, pos: int):
        v = self._number(text)
        if v is not None and v == v and not self.minimum() <= v <= self.maximum():
            return QValidator.Intermediate, text, pos  # let it be typed; fixup says it is out of range
        return super().validate(text, pos)

    def fixup(self, text: str):
        v = self._number(text)
        if v is not None and v == v and not self.minimum() <= v <= self.maximum():
            kept = self.textFromValue(self.value())
            self.out_of_range.emit(f"{self.name} {text.strip()} is out of range: use {self.range_text()} (kept {kept})")
            return kept
        return super().fixup(text)


class RangeSpinBox(_Ranged, QSpinBox):
    out_of_range = Signal(str)


class RangeDoubleSpinBox(_Ranged, QDoubleSpinBox):
    out_of_range = Signal(str)
