"""Colours, fonts and the two looks: normal and lecture (large, high contrast)."""
from __future__ import annotations

import pyqtgraph as pg

AR_COLOR = (255, 170, 40)      # autoregressive: amber
DIFF_COLOR = (70, 170, 255)    # diffusion: sky blue
OUTLINE = (255, 60, 60)        # the pixels of the current step
BG = "#111318"


def configure_pyqtgraph():
    pg.setConfigOptions(antialias=True, background=BG, foreground="#d8dde6", imageAxisOrder="row-major")


def stylesheet(lecture: bool) -> str:
    base = 19 if lecture else 13
    return f"""
    QWidget {{ background: {BG}; color: #e8ecf2; font-size: {base}px; }}
    QLabel#title {{ font-size: {base + 6}px; font-weight: bold; }}
    QLabel#caption {{ font-size: {base + (4 if lecture else 1)}px; color: #ffffff; padding: 4px 8px;
                      background: #1d2330; border-radius: 6px; }}
    QLabel#counter {{ font-size: {base + 2}px; font-family: monospace; }}
    QLabel#canvasTitle {{ font-size: {base}px; color: #aab3c2; }}
    QLabel#error {{ color: #ff7b7b; font-weight: bold; }}
    QComboBox, QLineEdit, QSpinBox, QDoubleSpinBox, QPushButton, QToolButton {{
        background: #222836; border: 1px solid #3a4254; border-radius: 4px; padding: 3px 6px; }}
    QPushButton:checked, QToolButton:checked {{ background: #3b5ba5; }}
    QPushButton:hover, QToolButton:hover {{ border-color: #7f95c8; }}
    QGroupBox {{ border: 1px solid #2c3342; border-radius: 6px; margin-top: 14px; }}
    QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
    QSlider::groove:horizontal {{ height: 8px; background: #2c3342; border-radius: 4px; }}
    QSlider::handle:horizontal {{ width: 18px; margin: -6px 0; background: #e8ecf2; border-radius: 9px; }}
    QStatusBar {{ font-size: {base}px; }}
    QToolTip {{ background: #fffbe6; color: #111; font-size: {base}px; }}
    """
