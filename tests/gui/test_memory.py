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


def test_elsewhere_both_calls_do_nothing(monkeypatch):
    monkeypatch.setattr(memory, "_LIBC", None)
    assert not memory.limit_arenas() and not memory.trim(force=True)


def test_only_linux_has_glibc_calls(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory._glibc() is None
