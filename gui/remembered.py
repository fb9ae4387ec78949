"""The file the window remembers its settings in (QSettings, INI), read so that nothing in it stops
the app from starting: values go through the settings table (engine.runtime.remembered: a wrong one
is dropped with a one-line notice beside the timeline), and a file Qt cannot read at all is moved
aside to `….bak` and the window starts with the defaults. `main.py --reset-settings` forgets it."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from engine.runtime import remembered

ORG = APP = "PixelsAndNoise"
OLD_PACINGS = {"same NFE budget": "same-nfe", "same wall-clock": "same-time", "as fast as possible": "fastest"}


def path() -> Path:
    """Where the settings live (Linux: ~/.config/PixelsAndNoise/PixelsAndNoise.conf)."""
    return Path(QSettings(QSettings.IniFormat, QSettings.UserScope, ORG, APP).fileName()).with_suffix(".conf")


def open_store() -> tuple[QSettings, list[str]]:
    """The settings store; a file that cannot be read is moved aside first (and said)."""
    p = path()
    notes = []
    store = QSettings(str(p), QSettings.IniFormat)
    store.allKeys()  # Qt reads the file (and sets its status) on first use
    if store.status() != QSettings.NoError:
        bak = p.with_name(p.name + ".bak")
        try:
            os.replace(p, bak)
            notes.append(f"remembered settings could not be read: moved to {bak}, the defaults are used")
        except OSError as e:
            notes.append(f"remembered settings could not be read ({e.strerror or e}): the defaults are used")
        store = QSettings(str(p), QSettings.IniFormat)
    return store, notes


def load(win) -> tuple[bool | None, list[str]]:
    """Remembered settings into the window's Session; (the remembered lecture look or None, notices)."""
    store, notes = open_store()
    win.settings_store = store
    try:
        raw = store.value("controls", {})
    except Exception as e:  # a value Qt cannot turn into Python
        raw, notes = None, notes + [f"remembered settings could not be read ({type(e).__name__}): defaults used"]
    if raw is None or raw == {}:
        raw = {}
    elif isinstance(raw, dict) and raw.get("pacing") in OLD_PACINGS:
        raw = {**raw, "pacing": OLD_PACINGS[raw["pacing"]]}
    device, dropped = remembered.apply(raw, win.session)
    if device is not None and device != "auto":
        with win.controls.quietly():
            win.controls.device.setCurrentText(device)
    lecture = str(store.value("lecture", False)).lower() == "true"
    return lecture, notes + dropped


def save(win) -> None:
    win.settings_store.setValue("controls", remembered.of_session(win.session, win.controls.device.currentText()))
    win.settings_store.setValue("lecture", win.lecture)
    win.settings_store.sync()


def forget() -> Path | None:
    """Remove the remembered settings (`--reset-settings`); the file removed, or None if there was none."""
    p = path()
    if p.exists():
        p.unlink()
        return p
    return None
