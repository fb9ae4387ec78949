"""Writing a file so that nothing broken is ever left under its name: the bytes go to a temporary
file in the same folder, which is renamed over the final name only once it is complete (a rename
within one folder is atomic). On any failure (disk full, permission, an interrupt) the temporary
file is removed and the earlier file of that name, if any, is untouched.

A failure while writing is one `WriteError` (an OSError) whose message names the file and the
reason ("cannot write run.gif: the disk is full"); the command lines print it and exit 1.
Ctrl+C and, once `interrupt_on_sigterm()` ran, SIGTERM unwind through the same cleanup."""

from __future__ import annotations

import errno
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
    errno.EFBIG: "the file is too large for this disk",
    errno.ENAMETOOLONG: "the name is too long",
}


_UMASK = os.umask(0)
os.umask(_UMASK)  # read once, at import (reading it means setting it)


class WriteError(OSError):
    """A file could not be written; the message is one line naming it and the reason."""


def reason(e: BaseException) -> str:
    """A short human reason for a writer's failure (OSError by errno; other writers' exceptions by
    their first line, e.g. safetensors' or ffmpeg's, which report a full disk in their own words)."""
    no = getattr(e, "errno", None)
    if no in REASONS:
        return REASONS[no]
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    text = str(e).strip()
    if "No space left" in text or "ENOSPC" in text:
        return REASONS[errno.ENOSPC]
    return text.splitlines()[0][:200] if text else type(e).__name__


@contextmanager
def atomic_path(path: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `path` (same suffix, so writers that look at it pick the
    right format); on a clean exit it replaces `path`, on an exception it is deleted. Any
    Exception becomes a WriteError naming `path`; KeyboardInterrupt/SystemExit pass unchanged."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.",  # hidden, and ends in the real suffix
            suffix=".part" + (suffix if suffix is not None else path.suffix),
            dir=folder,
        )
    except OSError as e:
        raise WriteError(f"cannot write {path}: {reason(e)}") from None
    tmp_path = Path(tmp)
    try:  # mkstemp makes it private (0600): give it the earlier file's mode, or the usual one
        os.fchmod(fd, path.stat().st_mode & 0o7777 if path.is_file() else 0o666 & ~_UMASK)
    except OSError:
        pass
    os.close(fd)
    try:
        yield tmp_path
        _sync(tmp_path)
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder")
        os.replace(tmp_path, path)
    except Exception as e:
        tmp_path.unlink(missing_ok=True)
        if isinstance(e, WriteError):
            raise
        raise WriteError(f"cannot write {path}: {reason(e)}") from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _sync(p: Path) -> None:
    """Flush the finished temporary file to the disk before it takes the final name (a crash just
    after the rename must not leave an empty file there)."""
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """`write(tmp)` writes the whole file at a temporary path; it then replaces `path`."""
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


def write_text_atomic(path: str | Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_bytes(data))


def write_npz_atomic(path: str | Path, compressed: bool = True, **arrays) -> Path:
    """numpy's savez into exactly `path` (numpy appends `.npz` to a name that lacks it in lower
    case, so it writes through an open file instead)."""
    import numpy as np

    save = np.savez_compressed if compressed else np.savez

    def write(tmp: Path):
        with open(tmp, "wb") as f:
            save(f, **arrays)

    return write_atomic(path, write)


def write_safetensors_atomic(path: str | Path, tensors: dict, metadata: dict | None = None) -> Path:
    from safetensors.torch import save_file

    return write_atomic(path, lambda tmp: save_file(tensors, str(tmp), metadata=metadata))


def interrupt_on_sigterm() -> None:
    """Make SIGTERM (a `kill`, a closing terminal's session) raise KeyboardInterrupt in the main
    thread, so an interrupted write removes its temporary file and the earlier file stays whole.
    Without it the process dies at once: the earlier file is still whole, but a `.part` remains."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


def read_regular(path: str | Path, max_bytes: int, what: str = "file", binary: bool = False):
    """The contents of a regular file of at most `max_bytes`, else OSError with one line. A FIFO
    would block the reader for ever and /dev/zero never ends, so both are refused from `stat`
    before anything is opened; the read itself stops after max_bytes + 1 (a file that grew)."""
    import stat as st

    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as e:
        raise OSError(
            f"cannot read {what} {path}: {reason(e) if e.errno != errno.ENOENT else 'no such file'}"
        ) from None
    if not st.S_ISREG(info.st_mode):
        kind = (
            "a folder"
            if st.S_ISDIR(info.st_mode)
            else "a pipe"
            if st.S_ISFIFO(info.st_mode)
            else "a device"
            if st.S_ISCHR(info.st_mode) or st.S_ISBLK(info.st_mode)
            else "not a regular file"
        )
        raise OSError(f"cannot read {what} {path}: it is {kind}, not a file")
    too_big = f"cannot read {what} {path}: larger than {max_bytes / 2**20:g} MB"
    if info.st_size > max_bytes:
        raise OSError(too_big)
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise OSError(f"cannot read {what} {path}: {reason(e)}") from None
    if len(data) > max_bytes:
        raise OSError(too_big)
    return data
