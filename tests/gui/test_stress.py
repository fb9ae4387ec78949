"""Tens of random lecturer actions through the real window (issue 16); benchmarks/gui_stress.py
runs hundreds and reports the event-loop gaps and memory."""

import gc

import pytest

from gui import worker

from .stress import Recorder, cycles, make_window

pytestmark = pytest.mark.slow  # whole runs of the shipped networks: `pytest -m "not slow"` leaves them out


def test_random_actions_raise_nothing_free_their_windows_and_leave_no_thread(qapp, qtbot):
    with Recorder() as rec:
        closed = cycles(qapp, make_window, 40, seed=1, recorder=rec, close_every=10)
    assert rec.errors == []
    qtbot.waitUntil(lambda: worker.reap() == 0, timeout=180000)  # cancelled work ends on its own
    qtbot.wait(50)  # the windows' deleteLater
    gc.collect()
    assert [r() is None for r in closed] == [True] * len(closed)
