"""Your own picture (opened or dropped on the window) for the forward processes and completion."""

import numpy as np
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from engine.networks.images import load_28x28

from .conftest import wait_done


def _picture(path):
    """Dark ink on white paper, as a phone photo of a drawing would be: a thick vertical bar."""
    img = np.full((120, 90), 255, np.uint8)
    img[10:110, 35:55] = 0
    Image.fromarray(img).save(path)
    return load_28x28(path)


def test_forward_processes_degrade_your_picture(qtbot, win, tmp_path):
    mine = _picture(tmp_path / "bar.png")
    assert win.apply_scenario("forward-processes", start=False)
    assert win.open_image(str(tmp_path / "bar.png"))
    wait_done(qtbot, win)
    for name in ("left", "right"):
        assert np.allclose(win.session.lanes[name].frames[0].x0_mean[0], mine, atol=1e-6), (
            name
        )  # the real image is yours
    assert np.allclose(
        win.session.lanes["left"].frames[0].state[0][win.session.lanes["left"].frames[0].known[0]],
        mine[win.session.lanes["left"].frames[0].known[0]],
        atol=1e-6,
    )
    assert "Your picture" in win.caption.text()


def test_dropping_a_picture_completes_its_top_half(qtbot, win, tmp_path):
    mine = _picture(tmp_path / "bar.png")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(tmp_path / "bar.png"))])
    enter = QDragEnterEvent(QPoint(200, 200), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    assert QApplication.sendEvent(win, enter) and enter.isAccepted()  # a picture may be dropped here
    drop = QDropEvent(QPointF(200, 200), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    assert QApplication.sendEvent(win, drop)  # as Qt delivers a drop on the window (its event filter)
    wait_done(qtbot, win)
    for name in ("left", "right"):
        final = win.session.lanes[name].frames[-1].state[0]
        assert np.allclose(final[:14], mine[:14], atol=1 / 255), name  # the given top half is kept
    assert "complete it from its top half" in win.caption.text()


def test_a_file_that_is_not_a_picture_is_a_clear_error(qtbot, win, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    assert not win.open_image(str(bad))
    assert win.banner.isVisibleTo(win) and "not an image" in win.messages.last_error and win.session.user_image is None
