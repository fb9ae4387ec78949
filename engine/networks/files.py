"""Writing a file so that nothing broken is ever left under its name: the bytes go to a temporary
file in the same folder, which is renamed over the final name only once it is complete (a rename
within one folder is atomic). On any failure (disk full, permission, an interrupt) the temporary
file is removed and the earlier file of that name, if any, is untouched."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `path` (same suffix, so writers that look at it pick the
    right format); on a clean exit it replaces `path`, on an exception it is deleted."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.",
        suffix=(suffix if suffix is not None else path.suffix) + ".part",
        dir=path.parent if str(path.parent) else ".",
    )
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """`write(tmp)` writes the whole file at a temporary path; it then replaces `path`."""
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


def write_text_atomic(path: str | Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_bytes(data))
