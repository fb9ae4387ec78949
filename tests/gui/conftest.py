"""The real window, offscreen, driven through pytest-qt with the shipped weights."""
from pathlib import Path

import pytest

from gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def win(qtbot):
    """A window with small, fast runs (AR 64 pixels a step, diffusion 10 steps)."""
    w = MainWindow(device="cpu", remember=False)
    qtbot.addWidget(w)
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
    w.close()
    assert not w.running_threads(), "a thread was left running"
    for t in (w.worker, w.task):
        assert t is None or t.isFinished(), "a thread was left running"


def wait_done(qtbot, w, timeout=120000):
    qtbot.waitUntil(lambda: w.lanes and all(ln.done for ln in w.lanes.values()), timeout=timeout)
    w.worker.wait(5000)
    w.paint(force=True)
