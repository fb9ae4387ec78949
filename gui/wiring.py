"""Where the window's widgets are built and wired, by job: gui.layout (the widgets, top to bottom,
and their look), gui.keys_and_menus (every signal, key and menu entry), gui.dialogs (file dialogs,
dropped pictures); here what makes a fullscreen window cover its screen. Widgets hold widgets;
the Session holds the run; MainWindow turns actions into runs."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from .dialogs import DroppedImages, export_png_dialog, export_run_dialog, open_image_dialog  # noqa: F401
from .keys_and_menus import build_menus, connect  # noqa: F401
from .layout import build, restyle  # noqa: F401


def cover_screen(win) -> None:
    """On a bare X server with no window manager (a kiosk or projector PC) nothing resizes a
    fullscreen window: if half a second later it still does not cover its screen, resize it."""

    def cover():
        scr = win.screen()
        if win.isFullScreen() and scr is not None and win.geometry() != scr.geometry():
            win.setGeometry(scr.geometry())

    if QGuiApplication.platformName() == "xcb":
        QTimer.singleShot(500, cover)
