"""Issue 27 §7: a run written off the GUI thread with progress and a cancel, nothing left under the
name on failure, labels that say what ran, dialogs in the last folder, a banner that goes."""

from PySide6.QtCore import Qt

from engine.runtime import record as records
from gui import dialogs, export
from gui.render import what_ran

from .conftest import wait_done


def _leftovers(folder, name):
    return [p.name for p in folder.iterdir() if p.name.startswith((name, f".{name}"))]


def test_a_gif_is_written_off_the_gui_thread_with_progress(qtbot, win, tmp_path):
    assert win.restart()
    wait_done(qtbot, win)
    seen = []
    out = tmp_path / "run.gif"
    assert win.start_export(str(out))
    task = win.exports.task
    assert task is not None and win.exports.button.isVisibleTo(win)
    task.progress.connect(lambda i, n: seen.append((i, n)))
    qtbot.waitUntil(lambda: win.exports.task is None, timeout=60000)  # the GUI thread went on meanwhile
    assert out.read_bytes()[:3] == b"GIF" and records.sidecar(out).exists()  # with its run record
    assert win.status.text() == f"saved to {out.resolve()}" and not win.exports.button.isVisibleTo(win)
    assert all(b == seen[0][1] for _, b in seen)


def test_a_cancelled_export_leaves_nothing_under_its_name(qtbot, win, tmp_path):
    assert win.restart()
    wait_done(qtbot, win)
    assert win.start_export(str(tmp_path / "run.gif"))
    task = win.exports.task
    qtbot.mouseClick(win.exports.button, Qt.LeftButton)
    assert win.exports.task is None and "cancelled" in win.status.text()
    qtbot.waitUntil(task.isFinished, timeout=60000)
    assert _leftovers(tmp_path, "run.gif") == []


def test_a_failed_export_says_why_and_leaves_nothing(qtbot, win, tmp_path, monkeypatch):
    assert win.restart()
    wait_done(qtbot, win)

    def broken_pipe(*a):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(export, "_write", broken_pipe)
    assert win.start_export(str(tmp_path / "run.mp4"))
    qtbot.waitUntil(lambda: win.exports.task is None, timeout=60000)
    assert "Broken pipe" in win.messages.last_error and win.banner.isVisibleTo(win)
    assert _leftovers(tmp_path, "run.mp4") == []


def test_a_refused_name_is_said_at_once_and_the_next_good_export_clears_the_banner(qtbot, win, tmp_path):
    assert win.restart()
    wait_done(qtbot, win)
    assert not win.start_export(str(tmp_path / "nowhere" / "run.gif"))
    assert win.banner.isVisibleTo(win) and win.exports.task is None
    assert win.start_export(str(tmp_path / "run.gif"))
    qtbot.waitUntil(lambda: win.exports.task is None, timeout=60000)
    assert not win.banner.isVisibleTo(win) and win.messages.last_error == ""
    assert not win.export_png(str(tmp_path / "nowhere" / "w.png"))
    assert win.banner.isVisibleTo(win)
    assert win.export_png(str(tmp_path / "w.png")) and not win.banner.isVisibleTo(win)


def test_exported_labels_say_dataset_prompt_w_and_method(qtbot, win):
    win.controls.guidance.setValue(3.0)
    assert win.restart()
    wait_done(qtbot, win)
    names = what_ran(win.session)
    for lane, name in names.items():
        assert "mnist" in name and "“seven”" in name and "w = 3" in name
        assert name.startswith(win.session.lane_labels()[lane])  # the method and its settings
        lines = export.name_lines(464, name)
        assert "".join(lines).replace(",", "").replace(" ", "") == name.replace(" · ", "").replace(",", "").replace(
            " ", ""
        )  # broken into lines, never cut
    _, snap = win._snapshot()
    pics = export.composite_frames({n: fr for n, (fr, _, _) in snap.items()}, names=names)
    assert len({p.shape for p in pics}) == 1


def test_file_dialogs_open_in_the_last_folder_used(qtbot, win, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    asked = []

    def save_name(parent, title, start, filters):
        asked.append(start)
        return str(tmp_path / "w.png"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda p, t, start, f: (asked.append(start), ("", ""))[1])
    win.session.last_folder = ""
    dialogs.export_png_dialog(win)
    assert asked[-1] == "pixels-and-noise.png" and win.session.last_folder == str(tmp_path)
    dialogs.export_run_dialog(win)
    assert asked[-1] == str(tmp_path / "run.gif")
    dialogs.open_image_dialog(win)
    assert asked[-1] == str(tmp_path)
    from engine.runtime.remembered import apply, of_session
    from engine.runtime.session import Session

    again = Session()
    apply(of_session(win.session), again)  # and remembered between launches
    assert again.last_folder == str(tmp_path)


def test_esc_cancels_an_export_and_only_that(qtbot, win, tmp_path):
    assert win.restart()
    wait_done(qtbot, win)
    win.showFullScreen()
    assert win.start_export(str(tmp_path / "run.mp4"))
    task = win.exports.task
    qtbot.keyClick(win, Qt.Key_Escape)
    assert win.exports.task is None and "cancelled" in win.status.text() and win.isFullScreen()
    qtbot.waitUntil(task.isFinished, timeout=60000)
    assert _leftovers(tmp_path, "run.mp4") == []


def test_ctrl_c_during_an_export_closes_the_window_and_leaves_nothing(qtbot, win, tmp_path):
    """Issue 30: Ctrl+C (SIGINT) in the terminal while a GIF is being written: the window closes
    as by its close button, the export is cancelled, and neither the GIF nor its temporary file
    is left in the folder."""
    import signal

    from PySide6.QtWidgets import QApplication

    from gui.interrupts import close_on_signals

    assert win.restart()
    wait_done(qtbot, win)
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        caught = close_on_signals(QApplication.instance())
        assert win.start_export(str(tmp_path / "run.gif"))
        task, exports, gone = win.exports.task, win.exports, []
        win.destroyed.connect(lambda *_: gone.append(True))  # the window deletes itself on close
        signal.raise_signal(signal.SIGINT)
        qtbot.waitUntil(lambda: bool(gone), timeout=5000)
        assert caught == [signal.SIGINT] and exports.task is None
        qtbot.waitUntil(task.isFinished, timeout=60000)
        assert _leftovers(tmp_path, "run.gif") == []
    finally:
        for s, h in before.items():
            signal.signal(s, h)
