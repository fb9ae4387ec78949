"""Where the window's widgets are laid out and wired: one place builds them, connects every
signal, key and menu entry to the window's actions. Widgets hold widgets; MainWindow holds the run."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QSizePolicy, QSlider, QVBoxLayout, QWidget

from engine.runtime import lessons, scenarios

from . import style
from .messages import Messages
from .controls import Controls
from .panels import MethodPanel
from .plots import PlotsRow


def build(win) -> None:
    """Controls, caption row (slide number + caption), error banner, the two panels, the plots and
    the timeline row (with short status messages), top to bottom."""
    central = QWidget()
    win.setCentralWidget(central)
    lay = QVBoxLayout(central)
    lay.setContentsMargins(4, 2, 4, 2)
    lay.setSpacing(4)
    win.controls = Controls(win.session)
    lay.addWidget(win.controls)
    cap = QHBoxLayout()
    win.slide_label = QLabel("", objectName="slide")  # "3 / 11" while a lesson runs
    win.slide_label.hide()
    cap.addWidget(win.slide_label)
    win.caption = QLabel(scenarios.FREE_PLAY_CAPTION, objectName="caption", wordWrap=True)
    win.caption.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # wraps to the window, never widens it
    cap.addWidget(win.caption, 1)
    win.caption.setMaximumHeight(10**6)  # capped to three lines of its font in _restyle
    lay.addLayout(cap)
    win.messages = Messages(win)
    win.banner, win.status = win.messages.banner, win.messages.status
    win.notices = win.messages.notices
    lay.addWidget(win.banner)
    row = QHBoxLayout()
    win.panels = {"left": MethodPanel("AUTOREGRESSIVE", style.AR_COLOR, win.controls.ar_group),
                   "right": MethodPanel("DIFFUSION", style.DIFF_COLOR, win.controls.diffusion_group)}
    row.addWidget(win.panels["left"], 1)
    row.addWidget(win.panels["right"], 1)
    lay.addLayout(row, 5)
    win.plots = PlotsRow({"left": style.AR_COLOR, "right": style.DIFF_COLOR})
    lay.addWidget(win.plots, 3)
    tl = QHBoxLayout()
    win.timeline = QSlider(Qt.Horizontal, maximum=0)
    win.timeline.setMinimumWidth(300)
    win.timeline.setToolTip("Timeline: scrub back to any step of the run just made (network evaluations).")
    win.timeline_label = QLabel("NFE 0", objectName="counter")
    tl.addWidget(QLabel("timeline"))
    tl.addWidget(win.timeline, 3)
    tl.addWidget(win.timeline_label)
    tl.addWidget(win.status, 2)  # room for a pace note or continuations' progress at 1280 px
    lay.addLayout(tl)


def connect(win) -> None:
    """Buttons, edits, the timeline and every key (application-wide: a presenter remote's keys work
    whichever widget has the focus; typing in the prompt still types)."""
    c = win.controls
    c.play.clicked.connect(win.toggle_play)
    c.step.clicked.connect(win.step_once)
    c.restart.clicked.connect(lambda: win.restart())  # clicked(bool) must not land in `known`
    c.new_seed.clicked.connect(win.new_seed)
    c.draw.toggled.connect(win.set_drawing)
    c.complete.clicked.connect(win.complete_drawing)
    c.edited.connect(win._on_user_edit)
    c.invalid_edit.connect(win.show_error)  # a prompt that is no class: said, the run keeps its own
    c.out_of_range.connect(win.show_error)  # never a silent change: the allowed range, the value kept
    win.panels["left"].state.drawn.connect(win.mirror_drawing)
    for name, panel in win.panels.items():  # click a grey level in the pixel's distribution: force it
        panel.level_clicked.connect(lambda level, n=name: win.force_level(n, level))
    c.cont.clicked.connect(win.run_continuations)
    # speed and pacing apply to the running run at once, without a restart
    win.session.subscribe(lambda what: what in ("pace", "scenario") and win.apply_pace())
    win.timeline.valueChanged.connect(win.scrub)
    ls = win.lesson
    for key, fn in [("Space", win.toggle_play), ("Right", lambda: ls.forward() if ls.active else win.step_once()),
                    ("Left", lambda: ls.back() if ls.active else None), ("PgDown", ls.forward),
                    ("PgUp", ls.back), ("B", ls.toggle_blank), (".", ls.toggle_blank),
                    ("F5", ls.start_default), ("Shift+F5", ls.start_here), ("R", lambda: win.restart()), ("F11", win.toggle_fullscreen),
                    ("L", lambda: win.set_lecture_mode(not win.lecture)), ("N", win.new_seed),
                    ("Ctrl+S", lambda: export_png_dialog(win)), ("Escape", win.escape), ("V", win.next_variant),
                    ("G", lambda: win.set_guidance_view(not win.guidance_view))]:
        sc = QShortcut(QKeySequence(key), win)
        sc.setContext(Qt.ApplicationShortcut)
        sc.activated.connect(fn)


def _open_lesson(win) -> None:
    path, _ = QFileDialog.getOpenFileName(win, "Open a lesson", "", "Lessons (*.lesson *.txt);;All files (*)")
    if path:
        try:
            win.lesson.start(lessons.load(path), fullscreen=True)
        except lessons.LessonError as e:
            win.show_error(str(e))


def build_menus(win) -> None:
    menu = win.menuBar().addMenu("&Scenarios")
    free = menu.addAction("free play (your own settings)")
    free.triggered.connect(win.end_scenario)
    menu.addSeparator()
    for i, sc in enumerate(scenarios.SCENARIOS.values()):
        act = menu.addAction(f"{i + 1}. {sc.title}  ({sc.name})")
        act.setToolTip(sc.caption)
        act.triggered.connect(lambda checked=False, n=sc.name: win.apply_scenario(n))
    view = win.menuBar().addMenu("&View")
    for text, key, fn in [("Lecture mode (large, high contrast)", "L", lambda: win.set_lecture_mode(not win.lecture)),
                          ("Fullscreen", "F11", win.toggle_fullscreen),
                          ("Guidance: with / without the prompt, what w adds", "G",
                           lambda: win.set_guidance_view(not win.guidance_view)),
                          ("Export window as PNG…", "Ctrl+S", lambda: export_png_dialog(win)),
                          ("Export run as GIF/MP4…", "", lambda: export_run_dialog(win)),
                          ("Open your own picture… (or drop it on the window)", "", lambda: open_image_dialog(win)),
                          ("Forget your picture", "", win.forget_image)]:
        act = view.addAction(f"{text}\t{key}" if key else text)
        act.triggered.connect(fn)
    lesson = win.menuBar().addMenu("&Lesson")
    for text, fn in [("Start the lesson, fullscreen\tF5", win.lesson.start_default),
                     ("Back into the lesson at its slide\tShift+F5", win.lesson.start_here),
                     ("Open a lesson file…", lambda: _open_lesson(win)),
                     ("Next (play, then next slide)\tPageDown", win.lesson.forward),
                     ("Back\tPageUp", win.lesson.back), ("Blank the screen\tB", win.lesson.toggle_blank),
                     ("Leave the lesson\tEsc", win.escape)]:
        lesson.addAction(text).triggered.connect(fn)


def cover_screen(win) -> None:
    """On a bare X server with no window manager (a kiosk or projector PC) nothing resizes a
    fullscreen window: if half a second later it still does not cover its screen, resize it."""
    def cover():
        scr = win.screen()
        if win.isFullScreen() and scr is not None and win.geometry() != scr.geometry():
            win.setGeometry(scr.geometry())
    if QGuiApplication.platformName() == "xcb":
        QTimer.singleShot(500, cover)


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


def restyle(win, caption_lines: int) -> None:
    """The look for the window's lecture setting and size (fonts shrink on a 1280x720 screen); the
    caption keeps at most `caption_lines` lines of its font."""
    on = win.lecture
    win.size_level = style.size_level(win.width(), win.height())
    win.setStyleSheet(style.stylesheet(on, win.size_level))
    win.caption.ensurePolished()
    win.caption.setMaximumHeight(caption_lines * win.caption.fontMetrics().lineSpacing() + 12)
    win.plots.set_lecture(on, win.size_level)
    for p in win.panels.values():
        p.set_lecture(on, win.size_level)
    for view in win.findChildren(pg.GraphicsView):  # image canvases (plots did theirs)
        view.setBackground(style.background(on))
