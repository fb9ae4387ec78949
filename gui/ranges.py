"""Spin boxes that never change a typed value silently. Qt's own refuse the digit that would
leave the range (seed 2147483648 becomes 214748364) or revert on leaving the box (guidance 21
becomes 2.0, temperature 0.01 becomes 1.00). These let an out-of-range number be typed, then keep
the last good value and say so (`out_of_range(message)`: the window shows it as a banner); the
tooltip names the allowed range.

A typed number applies without Enter, TYPING_DELAY_MS after the last key (as every other edit), and a
box takes only the keys that type or edit a number: every other key (Space, R, B, →, PageDown, ...)
is the window's, so a presenter's key never types into a box and works while the box has the focus."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

TYPING_DELAY_MS = 300  # a typed number applies this long after the last key (the window's edit delay too)
NUMBER_TEXT = set("0123456789+-.,eE")  # what typing a number needs (a sign, a decimal point, an exponent)
EDITING_KEYS = {  # keys that edit or step a number, kept by the box
    Qt.Key_Backspace,
    Qt.Key_Delete,
    Qt.Key_Home,
    Qt.Key_End,
    Qt.Key_Up,
    Qt.Key_Down,
    Qt.Key_Return,
    Qt.Key_Enter,
    Qt.Key_Tab,
    Qt.Key_Backtab,
}


def types_a_number(ev) -> bool:
    """A key the box keeps: a number's character, an editing key, or a Ctrl combination (copy, paste)."""
    if ev.key() in EDITING_KEYS or ev.modifiers() & (Qt.ControlModifier | Qt.MetaModifier):
        return True
    text = ev.text()
    return bool(text) and all(ch in NUMBER_TEXT for ch in text)


class _Ranged:
    def __init__(self, name: str, limits: tuple | None = None, **kw):
        if limits is not None:  # (lowest, highest): engine.tools.cli.LIMITS, the command lines' ranges too
            kw = {"minimum": limits[0], "maximum": limits[1], **kw}  # the range before the value
        super().__init__(**kw)  # the Qt spin box (next in the MRO)
        self._init_range(name)

    def _init_range(self, name: str):
        self.name = name
        self._tip = ""
        self.setKeyboardTracking(False)  # not at every digit: "100" is one value, not 1, 10, 100
        self._typing = QTimer(self, singleShot=True, interval=TYPING_DELAY_MS)
        self._typing.timeout.connect(self._apply_typed)
        self.applying_typed = False  # True while a typed number applies (the window restarts at once: it waited)
        self.lineEdit().textEdited.connect(lambda _t: self._typing.start())

    def _apply_typed(self):
        """The typed text applies (or fixup says why not), TYPING_DELAY_MS after the last key."""
        self.applying_typed = True
        try:
            self.interpretText()
        finally:
            self.applying_typed = False

    def event(self, ev):
        """Keys that type no number are not the box's: the window's shortcuts get them (ShortcutOverride
        not accepted), and a key press of one is passed on, never typed."""
        if ev.type() in (QEvent.ShortcutOverride, QEvent.KeyPress) and not types_a_number(ev):
            ev.ignore()
            return ev.type() == QEvent.ShortcutOverride  # a key press goes on to the parent
        return super().event(ev)

    def keyPressEvent(self, ev):
        if types_a_number(ev):
            super().keyPressEvent(ev)
        else:
            ev.ignore()

    def focusOutEvent(self, ev):
        self._typing.stop()  # leaving the box applies the text at once (Qt's own)
        super().focusOutEvent(ev)

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
