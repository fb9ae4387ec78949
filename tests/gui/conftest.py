"""The real window, offscreen, driven through pytest-qt with the shipped weights."""

from pathlib import Path

import pytest
from shiboken6 import isValid

from gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def win(qtbot):
    """A window with small, fast runs (AR 64 pixels a step, diffusion 10 steps)."""
    w = MainWindow(device="cpu", remember=False)  # closed below (it deletes itself on close: no qtbot.addWidget)
    w.resize(1600, 1000)
    w.show()
    c = w.controls
    c.dataset.setCurrentText("mnist")
    c.prompt.setText("seven")
    c.order.setCurrentText("random")
    c.k.setCurrentText("64")
    c.steps.setValue(10)
    c.speed.setCurrentText("max")
    yield w
    if isValid(w):  # a test may have closed (and so deleted) it already
        w.close()  # cancels without waiting: the threads end after the network step under way
    qtbot.waitUntil(lambda: not w.running_threads(), timeout=60000)
    assert w.worker is None and w.continuations.task is None


def wait_threads_end(qtbot, threads, timeout=60000):
    """Cancelled threads end on their own (nobody waits for them on the GUI thread)."""
    qtbot.waitUntil(lambda: all(t.isFinished() for t in threads), timeout=timeout)


def wait_done(qtbot, w, timeout=120000):
    qtbot.waitUntil(lambda: w.session.lanes and all(ln.done for ln in w.session.lanes.values()), timeout=timeout)
    w.worker.wait(5000)
    w.paint(force=True)
