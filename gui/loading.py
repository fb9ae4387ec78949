"""The window's models, loaded once per (dataset, device). Nothing that only degrades the show
stops it: a device this machine lacks (asked for on the command line, remembered, or chosen in
the box) becomes the CPU with a notice, and a broken classifier or bank is a notice while the
panels run (no classifier plot, no sketches)."""

from __future__ import annotations

from engine.networks import weights
from engine.networks.device import resolve_device
from engine.networks.models import load_models

# Loaded models, shared by every window of the process (read-only networks: a window opened after
# another does not load, and keep, its own copy).
_SHARED: dict = {}


class ModelLoader:
    def __init__(self, controls, notice):
        self.controls = controls  # its device box says where the networks run
        self.notice = notice  # notice(message): shown to the lecturer, stops nothing
        self._seen: set = set()  # keys whose problems this window has shown

    def device(self) -> str:
        """The device box's choice, or the CPU (with a notice) when it names a device this machine
        lacks; the box then shows 'auto', so a failing choice is never remembered."""
        name = self.controls.device.currentText()
        try:
            resolve_device(name)
        except ValueError as e:
            with self.controls.quietly():
                self.controls.device.setCurrentText("auto")
            self.notice(f"{e.args[0].split(';')[0]}: running on the CPU instead")
            name = "auto"  # what the box shows now: the CPU here
        return name

    def __call__(self, dataset: str):
        """The dataset's models (loading only: no network runs here); each problem shows once."""
        key = (dataset, self.device(), str(weights.WEIGHTS_DIR))
        if key not in _SHARED:
            _SHARED[key] = load_models(dataset, key[1], optional=("classifier", "bank"))
        if key not in self._seen:
            self._seen.add(key)
            for problem in _SHARED[key].problems:
                self.notice(f"{problem} — the panels run without it")
        return _SHARED[key]
