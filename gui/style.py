"""Colours, fonts and the two looks: normal and lecture (large, high contrast)."""

from __future__ import annotations

import pyqtgraph as pg

AR_COLOR = (255, 170, 40)  # autoregressive: amber
DIFF_COLOR = (70, 170, 255)  # diffusion: sky blue
OUTLINE = (255, 60, 60)  # the pixels of the current step
UNSET = (46, 52, 70)  # AR state and order map: pixels not fixed yet
FRAME = (96, 104, 120)  # thin frame around every 28x28 canvas
BG = "#111318"
BG_LECTURE = "#000000"  # projectors wash out dark grey: pure black behind white text


def background(lecture: bool) -> str:
    return BG_LECTURE if lecture else BG


def line_width(lecture: bool) -> int:
    return 5 if lecture else 3


def configure_pyqtgraph():
    pg.setConfigOptions(antialias=True, background=BG, foreground="#d8dde6", imageAxisOrder="row-major")


# Font sizes by window size (LEVELS: small, medium, large). A projector shows the whole screen at
# the same physical size whatever its resolution, so at 1280x720 lecture text is as large, seen from
# the back of the hall, at 14 px as at 19 px on 1920x1080 (both about 1/50 of the height).
FONT_PX = {False: (12, 13, 13), True: (14, 16, 19)}
PLOT_FONT_PX = {False: (11, 12, 12), True: (13, 15, 17)}


def size_level(width: int, height: int) -> int:
    """0 below ~1366x768 (a 1280x720 projector), 1 up to ~1680x1000, 2 for 1920x1080 and up.
    Each level's minimum window size fits under its own thresholds (tests/gui check it)."""
    if width >= 1700 and height >= 950:
        return 2
    if width >= 1340 and height >= 700:
        return 1
    return 0


def stylesheet(lecture: bool, level: int = 2) -> str:
    base = FONT_PX[lecture][level]
    pad = 1 if level == 0 else 3  # vertical padding of inputs: 1280x720 has no pixel to spare
    bg, fg, dim = (BG_LECTURE, "#ffffff", "#e0e4ea") if lecture else (BG, "#e8ecf2", "#aab3c2")
    return f"""
    QWidget {{ background: {bg}; color: {fg}; font-size: {base}px; }}
    QLabel#title {{ font-size: {base + 6}px; font-weight: bold; }}
    QLabel#caption {{ font-size: {base + (4 if lecture else 1)}px; color: #ffffff; padding: 4px 8px;
                      background: #1d2330; border-radius: 6px; }}
    QLabel#slide {{ font-size: {base + 4}px; font-weight: bold; color: #ffffff; background: #3b5ba5;
                    padding: 4px 10px; border-radius: 6px; }}
    QLabel#lessonbar {{ font-size: {base + 2}px; font-weight: bold; color: {dim}; padding: 2px 8px; }}
    QLabel#lessonnext {{ font-size: {base + 2}px; color: #ffd27a; padding: 2px 8px; }}
    QLabel#counter {{ font-size: {base + (4 if level else 2)}px; font-family: monospace; font-weight: bold; }}
    QLabel#canvasTitle {{ font-size: {base}px; color: {dim}; }}
    QLabel#banner {{ font-size: {base + 3}px; font-weight: bold; color: #ffffff; background: #8a1f1f;
                     padding: 4px 8px; border-radius: 6px; }}
    QComboBox, QLineEdit, QSpinBox, QDoubleSpinBox, QPushButton, QToolButton {{
        background: #222836; border: 1px solid #3a4254; border-radius: 4px; padding: {pad}px 6px; }}
    QPushButton:checked, QToolButton:checked {{ background: #3b5ba5; }}
    QPushButton:hover, QToolButton:hover {{ border-color: #7f95c8; }}
    QCheckBox::indicator {{ width: {base + 3}px; height: {base + 3}px; border: 2px solid #7f95c8;
                            border-radius: 3px; background: #222836; }}
    QCheckBox::indicator:checked {{ background: #ffaa28; }}
    QGroupBox {{ border: 1px solid #2c3342; border-radius: 6px; margin-top: {base - 1}px; }}
    QFrame#bar {{ border: 1px solid #2c3342; border-radius: 6px; }}
    QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
    QSlider::groove:horizontal {{ height: 8px; background: #2c3342; border-radius: 4px; }}
    QSlider::handle:horizontal {{ width: 18px; margin: -6px 0; background: #e8ecf2; border-radius: 9px; }}
    QStatusBar {{ font-size: {base}px; }}
    QToolTip {{ background: #fffbe6; color: #111; font-size: {base}px; }}
    """


def plot_font_px(lecture: bool, level: int = 2) -> int:
    return PLOT_FONT_PX[lecture][level]


def set_plot_title(pw, lecture: bool, title: str | None = None, level: int = 2) -> None:
    """The plot's title (remembered on the widget) at the mode's size: cheaper than restyling it."""
    if title is not None:
        pw._pn_title = title
    title, px = getattr(pw, "_pn_title", None), plot_font_px(lecture, level) + 3
    if title and getattr(pw, "_pn_shown", None) != (title, px):  # setTitle lays the plot out again: only on a change
        pw.getPlotItem().setTitle(title, size=f"{px}px", color="#e8ecf2")
        pw._pn_shown = (title, px)


def style_plot(pw, lecture: bool, title: str | None = None, level: int = 2) -> None:
    """Axis ticks, axis labels and title of a pyqtgraph PlotWidget at the mode's size (pyqtgraph
    does not follow Qt style sheets). Titles and axis labels are remembered on the widget."""
    from PySide6.QtGui import QFont

    px = plot_font_px(lecture, level)
    font = QFont()
    font.setPixelSize(px)
    pi = pw.getPlotItem()
    set_plot_title(pw, lecture, title, level)
    for name in ("left", "bottom"):
        ax = pi.getAxis(name)
        ax.setStyle(tickFont=font, tickTextOffset=4)
        ax.setTextPen("#ffffff" if lecture else "#d8dde6")
        ax.setSIPrefixEnableRanges(())  # else disabling can freeze a milli prefix: a 0-1 axis labelled 0-1000
        ax.enableAutoSIPrefix(False)
        if ax.labelText:
            ax.setLabel(
                ax.labelText,
                units=ax.labelUnits or None,
                **{"font-size": f"{px}px", "color": "#e0e4ea" if lecture else "#aab3c2"},
            )
    pw.setBackground(background(lecture))
