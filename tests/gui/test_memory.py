"""gui.memory: the runs' threads share few malloc arenas and ended runs' pages go back to the system."""

import sys

import pytest

from gui import memory

pytestmark = pytest.mark.slow  # whole runs of the shipped networks: `pytest -m "not slow"` leaves them out

glibc_only = pytest.mark.skipif(memory._LIBC is None, reason="glibc's malloc only (Linux)")


@glibc_only
def test_arenas_are_limited_and_trimming_is_rate_limited():
    assert memory.limit_arenas()
    assert memory.trim(force=True)
    assert not memory.trim()  # within TRIM_INTERVAL_S of the last: the heap is not walked again
    assert memory.trim(force=True)


@glibc_only
def test_a_trim_held_back_is_done_once_its_interval_has_passed(monkeypatch):
    """The last memory of a burst of restarts is given back too: a trim asked for within the
    interval is kept pending and done by the timer's trim_if_pending once the interval is over."""
    clock = [1000.0]
    monkeypatch.setattr(memory.time, "monotonic", lambda: clock[0])
    assert memory.trim(force=True)
    assert not memory.trim() and not memory.trim_if_pending()  # held back
    clock[0] += memory.TRIM_INTERVAL_S
    assert memory.trim_if_pending()  # now done, once
    clock[0] += memory.TRIM_INTERVAL_S
    assert not memory.trim_if_pending()  # nothing was asked for since


def test_elsewhere_both_calls_do_nothing(monkeypatch):
    monkeypatch.setattr(memory, "_LIBC", None)
    assert not memory.limit_arenas() and not memory.trim(force=True)


def test_only_linux_has_glibc_calls(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory._glibc() is None
