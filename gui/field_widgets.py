"""One widget for one setting of the table (engine/runtime/fields.py): its kind, range, precision,
label and tooltip come from the table, so what a box shows is what the Session holds and runs
(guidance 2.25 shows 2.25). A widget only shows a value and reports an edit; it keeps no setting."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from engine.runtime import fields
from engine.runtime.fields import Field

from .ranges import RangeDoubleSpinBox, RangeSpinBox


def combo(items, tip: str, current=None) -> QComboBox:
    c = QComboBox()
    c.addItems([str(i) for i in items])
    if current is not None:
        c.setCurrentText(str(current))
    c.setToolTip(tip)
    return c


def shrinkable(w: QComboBox) -> QComboBox:
    """A combo that may shrink below its longest entry (the row fits half a 1280-pixel screen)."""
    w.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    w.setMinimumContentsLength(5)
    return w


def make(f: Field) -> QWidget:
    """The widget of setting `f`: a drop-down of its choices or presets, a check box, a spin box with
    the table's range and decimals, or a line edit (the prompt)."""
    if f.choices:  # long entries ("center-out") may shrink; short ones ("ddim") keep their width
        c = combo(f.choices, f.tip)
        return shrinkable(c) if max(len(str(x)) for x in f.choices) > 7 else c
    if f.presets:
        return combo(f.presets, f.tip)
    if f.kind is bool:
        w = QCheckBox(f.label)
        w.setToolTip(f.tip)
        return w
    if f.ranged:
        if f.kind is int:
            w = RangeSpinBox(f.label, (int(f.lo), int(f.hi)), singleStep=int(f.step))
        else:
            w = RangeDoubleSpinBox(f.label, (f.lo, f.hi), singleStep=f.step, decimals=f.decimals)
        if f.special:
            w.setSpecialValueText(f.special)
        w.setToolTip(f.tip)
        return w
    w = QLineEdit()
    w.setToolTip(f.tip)
    return w


def changed(w: QWidget):
    """The signal a widget sends when its value changes (from the user or from code)."""
    if isinstance(w, QComboBox):
        return w.currentTextChanged
    if isinstance(w, QCheckBox):
        return w.toggled
    if isinstance(w, QLineEdit):
        return w.textChanged
    return w.valueChanged


def value_of(f: Field, w: QWidget):
    """What the widget says, as given (fields.parse checks it once, in the Session)."""
    if isinstance(w, QComboBox):
        return w.currentText() if f.choices else w.currentText().strip()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QLineEdit):
        return w.text()
    return w.value()


def show(f: Field, w: QWidget, value, dataset: str) -> None:
    """Show `value` (the Session's) in the widget, exactly."""
    if isinstance(w, QComboBox):
        text = fields.shown_text(f.name, value, dataset)
        if w.findText(text) < 0:  # a scenario's own k: show it, never a stale one
            w.addItem(text)
        w.setCurrentText(text)
    elif isinstance(w, QCheckBox):
        w.setChecked(bool(value))
    elif isinstance(w, QLineEdit):
        text = fields.shown_text(f.name, value, dataset)
        try:  # the same class in other words ("7" for "seven"): leave what was typed
            same = fields.parse(f.name, w.text(), dataset) == value
        except ValueError:
            same = False
        if not same:
            w.setText(text)
    else:
        w.setValue(value)
