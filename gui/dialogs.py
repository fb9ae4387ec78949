"""The window's file dialogs and dropped files: open a lesson or a picture, export the window or the run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QFileDialog

from engine.runtime import lessons


def start_in(win, name: str = "") -> str:
    """Where a dialog opens: the last folder used (the Session remembers it), with `name` in it."""
    folder = win.session.last_folder
    if not folder or not Path(folder).is_dir():
        return name
    return str(Path(folder) / name) if name else folder


def used(win, path: str) -> str:
    """A path picked in a dialog: its folder is where the next dialog opens."""
    if path:
        win.session.use_folder(str(Path(path).parent))
    return path


def open_lesson_dialog(win) -> None:
    path, _ = QFileDialog.getOpenFileName(
        win, "Open a lesson", start_in(win), "Lessons (*.lesson *.txt);;All files (*)"
    )
    if used(win, path):
        try:
            win.lesson.start(lessons.load(path), fullscreen=True)
        except lessons.LessonError as e:
            win.show_error(str(e))


def export_png_dialog(win) -> None:
    path, _ = QFileDialog.getSaveFileName(
        win, "Save the window as PNG", start_in(win, "pixels-and-noise.png"), "PNG (*.png)"
    )
    if used(win, path):
        win.export_png(path)


def export_run_dialog(win) -> None:
    path, _ = QFileDialog.getSaveFileName(win, "Save the run", start_in(win, "run.gif"), "GIF (*.gif);;MP4 (*.mp4)")
    if used(win, path):
        win.start_export(path)  # off the GUI thread, progress and a cancel beside the timeline


def open_image_dialog(win) -> None:
    path, _ = QFileDialog.getOpenFileName(
        win, "Open your own picture", start_in(win), "Images (*.png *.jpg *.jpeg *.bmp)"
    )
    if used(win, path):
        win.open_image(path)


class DroppedImages(QObject):
    """Drop a PNG/JPG on the window: it opens as your own picture (win.open_image)."""

    def __init__(self, win):
        super().__init__(win)
        self.open = win.open_image
        win.setAcceptDrops(True)
        win.installEventFilter(self)

    def eventFilter(self, obj, ev):
        if ev.type() in (QEvent.DragEnter, QEvent.Drop) and ev.mimeData().hasUrls():
            files = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
            if files:
                ev.acceptProposedAction()
                if ev.type() == QEvent.Drop:
                    self.open(files[0])
                return True
        return False
