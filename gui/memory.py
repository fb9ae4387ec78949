"""Give the memory of ended runs back to the system.

Every run and every set of continuations runs torch on a new QThread, and glibc gives each thread
that allocates its own malloc arena (up to 8 per core), whose freed pages it keeps. Over a lecture
of restarts the process grew by 100-300 MB that nothing referenced (benchmarks/gui_stress.py).
Two arenas for the whole process and a trim after runs end keep it level. Other C libraries
(macOS, Windows, musl) manage this themselves: there both calls do nothing."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import time

M_ARENA_MAX = -8  # mallopt parameter (glibc malloc.h)
ARENAS = 2
TRIM_INTERVAL_S = 2.0  # trimming walks the heap (a few ms): at most this often


def _glibc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None


_LIBC = _glibc()
_trimmed_at = 0.0
_pending = False  # a trim was asked for within the interval: done by the next trim_if_pending


def limit_arenas(n: int = ARENAS) -> bool:
    """Threads started from now on share `n` malloc arenas (True if the C library took it)."""
    return bool(_LIBC is not None and _LIBC.mallopt(M_ARENA_MAX, n))


def trim(force: bool = False) -> bool:
    """Return freed heap pages to the system (at most every TRIM_INTERVAL_S unless `force`; one
    asked for sooner is kept pending, so the last memory let go of a burst is given back too)."""
    global _trimmed_at, _pending
    now = time.monotonic()
    if _LIBC is None:
        return False
    if not force and now - _trimmed_at < TRIM_INTERVAL_S:
        _pending = True
        return False
    _trimmed_at, _pending = now, False
    _LIBC.malloc_trim(0)
    return True


def trim_if_pending() -> bool:
    """From the GUI thread's timer: the trim that was held back, once its interval has passed."""
    return _pending and trim()
