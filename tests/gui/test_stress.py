"""Tens of random lecturer actions through the real window (issue 16); benchmarks/gui_stress.py
runs hundreds and reports the event-loop gaps and memory."""
import gc

from gui import worker
from gui.main_window import MainWindow

from .stress import Recorder, cycles, small_settings


def test_random_actions_raise_nothing_free_their_windows_and_leave_no_thread(qapp, qtbot):
    def make():
        w = MainWindow(device="cpu", remember=False)
        w.resize(1280, 720)
        w.show()
        small_settings(w)
        return w
    with Recorder() as rec:
        closed = cycles(qapp, make, 40, seed=1, recorder=rec, close_every=10)
    assert rec.errors == []
    qtbot.waitUntil(lambda: worker.reap() == 0, timeout=180000)  # cancelled work ends on its own
    qtbot.wait(50)  # the windows' deleteLater
    gc.collect()
    assert [r() is None for r in closed] == [True] * len(closed)
