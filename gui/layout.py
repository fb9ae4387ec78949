"""The window's widgets, laid out top to bottom, and their look (lecture setting, window size)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from engine.runtime import scenarios

from . import style
from .controls import Controls
from .fit_label import FitLabel
from .messages import Messages
from .panels import MethodPanel
from .plots import ALL, MIN_DATA, PlotsRow


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
    # while a lesson is presented (the control rows hidden): its title and the presenter's keys
    win.lesson_bar = QWidget()
    bar = QHBoxLayout(win.lesson_bar)
    bar.setContentsMargins(0, 0, 0, 0)
    win.lesson_title = FitLabel("", objectName="lessonbar")  # the lesson's title, then the keys
    win.lesson_next = FitLabel("", objectName="lessonnext")  # what PageDown shows next
    for label, stretch in ((win.lesson_title, 3), (win.lesson_next, 2)):
        label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        bar.addWidget(label, stretch)
    win.lesson_next.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
    win.lesson_bar.hide()
    lay.addWidget(win.lesson_bar)
    cap = QHBoxLayout()
    win.slide_label = QLabel("", objectName="slide")  # "slide 3 / 12" while a lesson runs
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
    win.panels = {
        "left": MethodPanel("AUTOREGRESSIVE", style.AR_COLOR, win.controls.ar_group),
        "right": MethodPanel("DIFFUSION", style.DIFF_COLOR, win.controls.diffusion_group),
    }
    row.addWidget(win.panels["left"], 1)
    row.addWidget(win.panels["right"], 1)
    lay.addLayout(row, 5)
    win.plots = PlotsRow({"left": style.AR_COLOR, "right": style.DIFF_COLOR})
    lay.addWidget(win.plots, 4)  # the stretch: arrange_plots
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
    win.session.subscribe(lambda what: what == "scenario" and arrange_plots(win))
    for c in win.findChildren(QComboBox):  # a shrinkable box never cuts the entry it shows ("autoregressi")
        c.currentTextChanged.connect(lambda _t, c=c: fit_combo(c))


PLOTS_SHARE = 0.3  # a lesson with the control rows hidden: the plots take at most this share of the height
PLOTS_SHARE_WITH_CONTROLS = 0.2  # the same on a 1920x1080 screen with the control rows shown (they take room too)
NO_CAP = 16777215  # Qt's QWIDGETSIZE_MAX: no maximum height


def presenting(win) -> bool:
    """Lecture mode or a lesson under way: the lecture layout."""
    lesson = getattr(win, "lesson", None)
    return bool(win.lecture or (lesson is not None and lesson.active))


def arrange_plots(win) -> None:
    """The lecture layout shows only the scenario's own plots (one or two), large; free play and
    normal mode show them all (a scenario's own plot that is not among them joins them)."""
    sc = win.session.scenario
    own = tuple(sc.plots) if sc is not None else ()
    focus = bool(own and presenting(win))
    if focus:
        win.plots.arrange(own, focus=True)
    else:
        win.plots.arrange(ALL + tuple(k for k in own if k not in ALL))
    # panels : plots = 5 : 4 gives every plot a data area >= 120x80 at 1280x720; the lecture layout's one
    # or two plots have room to spare with the control rows hidden (a lesson), or shown on a 1920x1080
    # screen (where they stood twice as tall as the canvases), and the canvases, the show, take it
    spare = focus and (win.controls.isHidden() or win.size_level >= 2)
    share = PLOTS_SHARE if win.controls.isHidden() else PLOTS_SHARE_WITH_CONTROLS
    win.centralWidget().layout().setStretchFactor(win.plots, 3 if spare else 4)
    # (stretch shares only space beyond the items' size hints, and when the hints do not fit Qt takes the
    # shortfall from the panels and the plots alike: a cap is what gives the canvases the height. Without
    # one, at 1280x720 with the controls up, the plots took 272 px and squeezed the panels below their
    # minimum, cutting the pixel's distribution in half)
    cap = NO_CAP
    if focus:
        cap = max(win.plots.minimumSizeHint().height(), _plots_need(win))
        if spare:
            cap = max(cap, int(share * win.height()))
    win.plots.setMaximumHeight(cap)


def _plots_need(win) -> int:
    """The plots row's height that leaves its plots a data area of MIN_DATA's height: what the row spends
    around a plot's data area (titles, ticks, axis label, strip titles: ~120 px in lecture mode) as last
    laid out, plus a font's height of margin for a new font. Before the first layout: no cap."""
    vb = win.plots.widgets[win.plots.shown[0]].getPlotItem().vb
    if win.plots.height() <= 0 or vb.height() <= 0:
        return NO_CAP
    chrome = win.plots.height() - int(vb.height())
    return MIN_DATA[1] + chrome + style.plot_font_px(win.lecture, win.size_level)


def combo_text_room(c: QComboBox) -> int:
    """The width a combo box gives its text (its edit field, under the window's style sheet)."""
    opt = QStyleOptionComboBox()
    c.initStyleOption(opt)
    return c.style().subControlRect(QStyle.CC_ComboBox, opt, QStyle.SC_ComboBoxEditField, c).width()


def fit_combo(c: QComboBox) -> None:
    """At least as wide as the entry it shows (a shrinkable box may still give up the longer ones)."""
    c.ensurePolished()
    chrome = max(0, c.width() - combo_text_room(c)) if c.width() > 0 else 30
    need = c.fontMetrics().horizontalAdvance(c.currentText()) + chrome + 2
    c.setMinimumWidth(max(need, c.minimumSizeHint().width()))


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
    for c in win.findChildren(QComboBox):  # the new font's widths
        fit_combo(c)
    win.timeline_label.ensurePolished()  # "NFE 1568" or "step 98": room for the widest, never cut
    fm = win.timeline_label.fontMetrics()
    win.timeline_label.setMinimumWidth(max(fm.horizontalAdvance(t) for t in ("NFE 00000", "step 0000")) + 4)
    arrange_plots(win)
