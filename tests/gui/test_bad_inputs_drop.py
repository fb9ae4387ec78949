"""Every bad picture dropped on the window (the table of tests/engine/test_bad_inputs_pictures.py,
plus failures of the loader itself) becomes the red banner, one line, and the window lives on."""

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from engine.networks import images
from tests.engine.test_bad_inputs_pictures import BAD


def _drop(win, path):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(200, 200), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    assert QApplication.sendEvent(win, enter) and enter.isAccepted()
    drop = QDropEvent(QPointF(200, 200), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    assert QApplication.sendEvent(win, drop)  # through the window's event filter, as Qt delivers it


@pytest.mark.parametrize("case", BAD)
def test_a_bad_picture_dropped_is_the_banner(qtbot, win, tmp_path, case):
    name, data, words = BAD[case]
    (tmp_path / name).write_bytes(data)
    _drop(win, tmp_path / name)
    assert win.banner.isVisible() and words in win.messages.last_error and "\n" not in win.messages.last_error


@pytest.mark.parametrize("error", [MemoryError(), RuntimeError("decoder crashed"), OSError(5, "Input/output error")])
def test_any_failure_of_the_loader_is_the_banner_not_a_crash(qtbot, win, tmp_path, monkeypatch, error):
    def broken(*a, **k):
        raise error

    monkeypatch.setattr(images, "load_28x28", broken)
    (tmp_path / "p.png").write_bytes(b"x")
    _drop(win, tmp_path / "p.png")
    assert win.banner.isVisible() and str(tmp_path / "p.png") in win.messages.last_error
    assert win.isVisible()
