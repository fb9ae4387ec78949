"""The window's file dialogs and dropped files: open a lesson or a picture, export the window or the run."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QFileDialog

from engine.runtime import lessons


def open_lesson_dialog(win) -> None:
    path, _ = QFileDialog.getOpenFileName(win, "Open a lesson", "", "Lessons (*.lesson *.txt);;All files (*)")
    if path:
        try:
            win.lesson.start(lessons.load(path), fullscreen=True)
        except lessons.LessonError as e:
            win.show_error(str(e))


def export_png_dialog(win) -> None:
    path, _ = QFileDialog.getSaveFileName(win, "Save the window as PNG", "pixels-and-noise.png", "PNG (*.png)")
    if path:
        win.export_png(path)


def export_run_dialog(win) -> None:
    path, _ = QFileDialog.getSaveFileName(win, "Save the run", "run.gif", "GIF (*.gif);;MP4 (*.mp4)")
    if path:
        try:
            win.export_run(path)
        except (OSError, ValueError) as e:
            win.show_error(str(e))


def open_image_dialog(win) -> None:
    path, _ = QFileDialog.getOpenFileName(win, "Open your own picture", "", "Images (*.png *.jpg *.jpeg *.bmp)")
    if path:
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
