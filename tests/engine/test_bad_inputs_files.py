"""Every file the project writes, on a full disk and interrupted (issue 30 §2): one line naming the
file and the reason, the temporary file removed, nothing under the final name, the earlier file of
that name whole. WRITERS is the table: a new writer gets every case by one row.

The full disk is a real one: a 2 MB tmpfs mounted for the test (root only; skipped otherwise)."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.networks import files, weights
from engine.networks.files import WriteError
from tests.engine.helpers import tiny

ROOT = Path(__file__).resolve().parents[2]
# a writer object that fails again when collected prints "Exception ignored in ..." on stderr: a failure here
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
EARLIER = b"the earlier good file\n"


def _gif(path):
    import imageio.v3 as iio

    iio.imwrite(path, [np.zeros((64, 64, 3), np.uint8)] * 2, duration=50)


def _weights(path):
    weights.save(tiny("diffusion"), "mnist", {"training": {"steps": 1}}, path.parent)


def _sample_set(path):
    from engine.tools.evaluate import save_sample_set

    noise = np.frombuffer(BIG[: 500 * 784], np.uint8).reshape(500, 28, 28)  # incompressible: more than the room
    save_sample_set(path.parent, "mnist", "x", noise, np.zeros(500), np.ones(500), 1.0)


def _bank(path):
    t = {
        "images": torch.frombuffer(bytearray(BIG[: 100 * 784]), dtype=torch.uint8).reshape(100, 28, 28),
        "labels": torch.arange(100) % 10,
    }
    files.write_safetensors_atomic(path, t, {"dataset": "mnist"})


BIG = os.urandom(3 * 2**20)  # more than the full disk's room, incompressible
# name -> (final file name, write(path)): each must raise WriteError and keep the earlier file
WRITERS = {
    "text": ("notes.json", lambda p: files.write_text_atomic(p, BIG.hex())),
    "bytes": ("blob.bin", lambda p: files.write_bytes_atomic(p, BIG)),
    "npz (engine.tools.sample)": ("s.npz", lambda p: files.write_npz_atomic(p, images=np.frombuffer(BIG, np.uint8))),
    "weights and card (engine.tools.train)": ("mnist_diffusion.safetensors", _weights),
    "sample set (engine.tools.evaluate)": ("mnist_x.npz", _sample_set),
    "bank (engine.tools.make_bank)": ("mnist_bank.safetensors", _bank),
    "gif": ("run.gif", lambda p: files.write_atomic(p, lambda tmp: _gif(tmp) or tmp.write_bytes(BIG))),
    "run GIF (gui.export)": ("run.gif", lambda p: _export(p)),
    "run MP4 (gui.export, ffmpeg)": ("run.mp4", lambda p: _export(p)),
    "run PNG (gui.export)": ("run.png", lambda p: _export(p)),
}


def _export(path):
    """What --render and the window's Export write: noise frames, so nothing compresses to fit."""
    from gui import export

    rng = np.random.default_rng(0)
    export.write_pictures(path, [rng.integers(0, 256, (240, 320, 3), dtype=np.uint8) for _ in range(10)], fps=20)


@pytest.fixture
def full_disk(tmp_path):
    """A folder on a 2 MB tmpfs, nearly full (16 kB left after the earlier files)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a size-limited tmpfs needs root (mount -t tmpfs); run the tests as root to cover a full disk")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()})")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)])


def _fill(folder: Path, leave: int = 16 * 1024):
    free = shutil.disk_usage(folder).free
    (folder / "filler").write_bytes(b"\0" * max(0, free - leave))


def _left(folder: Path, name: str) -> list:
    return sorted(p.name for p in folder.iterdir() if p.name != "filler" and name in p.name)


@pytest.mark.parametrize("writer", WRITERS)
def test_a_full_disk_is_one_line_and_keeps_the_earlier_file(full_disk, writer):
    name, write = WRITERS[writer]
    final = full_disk / name
    final.write_bytes(EARLIER)
    _fill(full_disk)
    with pytest.raises(WriteError) as e:
        write(final)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith("cannot write ") and "the disk is full" in msg, msg
    assert final.read_bytes() == EARLIER  # the earlier file is whole
    assert _left(full_disk, name) == [name]  # and no temporary file is left


@pytest.mark.parametrize("writer", WRITERS)
def test_an_interrupt_mid_write_removes_the_temporary_file_and_keeps_the_earlier_one(tmp_path, writer, monkeypatch):
    """Ctrl+C (KeyboardInterrupt) while the bytes go out: it propagates, the earlier file stays."""
    name, write = WRITERS[writer]
    final = tmp_path / name
    final.write_bytes(EARLIER)
    real_sync = files._sync

    def interrupted(p):  # the whole file is written; the interrupt lands just before the rename
        real_sync(p)
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "_sync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write(final)
    assert final.read_bytes() == EARLIER
    assert _left(tmp_path, name) == [name]


def test_a_write_that_completes_replaces_the_file_with_its_usual_mode(tmp_path):
    final = tmp_path / "a.txt"
    final.write_text("old")
    os.chmod(final, 0o640)
    files.write_text_atomic(final, "new")
    assert final.read_text() == "new" and (final.stat().st_mode & 0o777) == 0o640
    files.write_text_atomic(tmp_path / "b.txt", "x")
    assert (tmp_path / "b.txt").stat().st_mode & 0o044  # readable as any file, not mkstemp's 0600


def test_npz_keeps_the_exact_name_given():
    """numpy's savez appends .npz to 'UPPER.NPZ': the atomic writer writes exactly the name given."""
    d = Path(os.environ.get("TMPDIR", "/tmp")) / f"npz-{uuid.uuid4().hex}"
    d.mkdir()
    try:
        files.write_npz_atomic(d / "UPPER.NPZ", a=np.arange(3))
        assert sorted(p.name for p in d.iterdir()) == ["UPPER.NPZ"]
        assert np.load(d / "UPPER.NPZ")["a"].tolist() == [0, 1, 2]
    finally:
        shutil.rmtree(d)


def test_sigterm_mid_write_keeps_the_earlier_file_and_says_so_in_one_line(tmp_path):
    """A command line killed (SIGTERM) while writing: cli.run unwinds like Ctrl+C."""
    final = tmp_path / "out.bin"
    final.write_bytes(EARLIER)
    ready = tmp_path / "ready"
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from engine.networks import files
        from engine.tools import cli
        def slow(tmp):
            tmp.write_bytes(b"half")
            Path({str(ready)!r}).write_text("1")
            time.sleep(60)
        sys.exit(cli.run(lambda: files.write_atomic({str(final)!r}, slow)))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    for _ in range(600):
        if ready.exists() or proc.poll() is not None:
            break
        import time

        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.strip().splitlines() == ["interrupted: no file was left half-written"], err
    assert final.read_bytes() == EARLIER
    assert _left(tmp_path, "out.bin") == ["out.bin"]


def test_sample_cli_on_a_full_disk_exits_1_with_one_line_and_leaves_nothing(full_disk):
    out = full_disk / "s.npz"
    out.write_bytes(EARLIER)
    _fill(full_disk, leave=4096)
    r = subprocess.run(
        [sys.executable, "-m", "engine.tools.sample", "--method", "one-shot", "--n", "200", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 1 and len(lines) == 1 and lines[0] == f"error: cannot write {out}: the disk is full", (
        r.stderr
    )
    assert out.read_bytes() == EARLIER and _left(full_disk, "s.npz") == ["s.npz"]
