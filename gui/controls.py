"""The control bar and each panel's controls: every widget, with a tooltip that says what it
teaches. Reads into one RunSettings per panel; holds no logic beyond that.

Each panel's controls show what that panel runs: its mode ("show") and only the settings that mode
uses, titled by the mode. A scenario writes its per-panel settings here, so the controls always
show the settings actually running (both panels can run diffusion, with 1 and 100 steps)."""
from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QFrame, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget)

from engine.tools.cli import LIMITS
from engine.networks.data import CLASS_NAMES, DATASETS, parse_label
from engine.maths.orders import ORDERS
from engine.runtime.runs import ARSettings, DiffusionSettings, RunSettings
from engine.runtime.modes import MODES

from .ranges import RangeDoubleSpinBox, RangeSpinBox

# what the "show" box says -> the mode it runs (the engine's registry names both)
MODE_LABELS = {m.choice: m.name for m in MODES.values()}
LABEL_OF_MODE = {v: k for k, v in MODE_LABELS.items()}
PIXELS_PER_STEP = ("1", "2", "4", "8", "16", "64")
SPEEDS = {"max": 0.0, "200 steps/s": 200.0, "50 steps/s": 50.0, "10 steps/s": 10.0, "2 steps/s": 2.0}
PLAY, PAUSE = "▶ play", "❚❚ pause"
CONT_TEXT = "K continuations"  # ⏸ is missing from common Linux fonts
PACINGS = {"same NFE budget": "same-nfe", "same wall-clock": "same-time", "as fast as possible": "fastest"}
POINT_FIELDS = ("dataset", "mode")  # editing these changes what a scenario shows: it ends the scenario


def _combo(items, tip, current=None):
    c = QComboBox()
    c.addItems(list(items))
    if current is not None:
        c.setCurrentText(str(current))
    c.setToolTip(tip)
    return c


def _shrinkable(w: QComboBox) -> QComboBox:
    """A combo that may shrink below its longest entry (the row fits half a 1280-pixel screen)."""
    w.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    w.setMinimumContentsLength(5)
    return w


class LaneControls(QGroupBox):
    """One panel's controls, under that panel: what it shows and that mode's settings only."""
    edited = Signal(str)  # the field the user changed
    out_of_range = Signal(str)  # a typed number outside a box's range (kept the last good value)

    def __init__(self, mode: str, parent=None):
        super().__init__(parent)
        self.mode = _shrinkable(_combo(MODE_LABELS, "What this panel shows: autoregression, diffusion, the whole "
                                       "image predicted at once (its mean, or every pixel sampled independently), "
                                       "or a forward process (a real image erased or noised).", LABEL_OF_MODE[mode]))
        self.order = _shrinkable(_combo(ORDERS, "The order pixels are generated in. 'confidence' fixes the most "
                                        "certain pixels first; 'patches' fixes contiguous blocks."))
        self.k = _combo(PIXELS_PER_STEP, "Pixels fixed per network evaluation. More = fewer steps, but pixels fixed "
                        "together cannot see each other: contiguous patches lose consistency, scattered pixels less.")
        self.temperature = RangeDoubleSpinBox("temperature", LIMITS["temperature"], singleStep=0.1, value=1.0, decimals=2)
        self.temperature.setToolTip("Sampling temperature: < 1 sharpens each pixel's distribution (safer, duller), "
                                    "> 1 flattens it (wilder, noisier).")
        self.greedy = QCheckBox("greedy")
        self.greedy.setToolTip("Always take the most likely value instead of sampling: the same image for every seed.")
        self.sampler = _combo(("ddim", "ddpm"), "DDIM (eta 0): deterministic, the same noise gives the same image. "
                              "DDPM: fresh noise every step.")
        self.steps = RangeSpinBox("steps", LIMITS["steps"], value=100)
        self.steps.setToolTip("Denoising steps over the 1000 noise levels. ~100 suffice; 1 big step gives a blurry mean.")
        self.eta = RangeDoubleSpinBox("eta", LIMITS["eta"], singleStep=0.1, value=0.0, decimals=2)
        self.eta.setToolTip("DDIM eta: 0 deterministic, 1 as noisy as DDPM.")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 1, 6, 3)
        lay.setSpacing(4)
        self._pairs = {}  # field -> (label or None, widget)
        for field, label, w in [("mode", None, self.mode), ("order", "order", self.order),
                                ("pixels_per_step", "px/step", self.k), ("temperature", "temp.", self.temperature),
                                ("greedy", None, self.greedy), ("sampler", None, self.sampler),
                                ("steps", "steps", self.steps), ("eta", "eta", self.eta)]:
            lbl = QLabel(label) if label else None
            if lbl is not None:
                lbl.setToolTip(w.toolTip())
                lay.addWidget(lbl)
            lay.addWidget(w, 1 if isinstance(w, QComboBox) and w is not self.k else 0)
            self._pairs[field] = (lbl, w)
        lay.addStretch(0)
        for field, w in [("mode", self.mode), ("order", self.order), ("pixels_per_step", self.k),
                         ("sampler", self.sampler)]:
            w.currentTextChanged.connect(lambda _t, f=field: self.edited.emit(f))
        for field, w in [("temperature", self.temperature), ("steps", self.steps), ("eta", self.eta)]:
            w.valueChanged.connect(lambda _v, f=field: self.edited.emit(f))
        self.greedy.toggled.connect(lambda _v: self.edited.emit("greedy"))
        for w in (self.temperature, self.steps, self.eta):
            w.out_of_range.connect(self.out_of_range)
        self.mode.currentTextChanged.connect(self._show_fields)
        self.sampler.currentTextChanged.connect(self._show_fields)
        self._show_fields()

    def current_mode(self) -> str:
        return MODE_LABELS[self.mode.currentText()]

    def _show_fields(self, *_):
        """Only the settings the mode uses (eta only for DDIM); the box is titled by the mode."""
        m = MODES[self.current_mode()]
        self.setTitle(m.title)
        for field, (lbl, w) in self._pairs.items():
            on = field == "mode" or field in m.fields
            if field == "eta":
                on = on and self.sampler.currentText() == "ddim"
            w.setVisible(on)
            if lbl is not None:
                lbl.setVisible(on)

    def read(self, shared: RunSettings) -> tuple[RunSettings, str]:
        """The panel's RunSettings (settings the mode does not use stay at their defaults) and mode."""
        mode = self.current_mode()
        f = MODES[mode].fields
        d_ar, d_df = ARSettings(), DiffusionSettings()
        ar = ARSettings(self.order.currentText() if "order" in f else d_ar.order,
                        int(self.k.currentText()) if "pixels_per_step" in f else d_ar.pixels_per_step,
                        self.temperature.value() if "temperature" in f else d_ar.temperature,
                        self.greedy.isChecked() if "greedy" in f else d_ar.greedy)
        df = DiffusionSettings(self.sampler.currentText() if "sampler" in f else d_df.sampler,
                               self.steps.value() if "steps" in f else d_df.steps,
                               self.eta.value() if "eta" in f else d_df.eta)
        return shared.with_changes(ar=ar, diffusion=df).validate(), mode

    def write(self, s: RunSettings, mode: str) -> None:
        self.mode.setCurrentText(LABEL_OF_MODE[mode])
        self.order.setCurrentText(s.ar.order)
        if self.k.findText(str(s.ar.pixels_per_step)) < 0:  # a scenario's own k: show it, never a stale one
            self.k.addItem(str(s.ar.pixels_per_step))
        self.k.setCurrentText(str(s.ar.pixels_per_step))
        self.temperature.setValue(s.ar.temperature)
        self.greedy.setChecked(s.ar.greedy)
        self.sampler.setCurrentText(s.diffusion.sampler)
        self.steps.setValue(s.diffusion.steps)
        self.eta.setValue(s.diffusion.eta)

    def state_dict(self) -> dict:
        return {"order": self.order.currentText(), "k": self.k.currentText(), "temperature": self.temperature.value(),
                "greedy": self.greedy.isChecked(), "sampler": self.sampler.currentText(), "steps": self.steps.value(),
                "eta": self.eta.value()}

    def setters(self) -> dict:
        return {"order": self.order.setCurrentText, "k": self.k.setCurrentText,
                "temperature": lambda v: self.temperature.setValue(float(v)),
                "greedy": lambda v: self.greedy.setChecked(str(v).lower() == "true"),
                "sampler": self.sampler.setCurrentText, "steps": lambda v: self.steps.setValue(int(v)),
                "eta": lambda v: self.eta.setValue(float(v))}


class Controls(QWidget):
    edited = Signal(str)  # the user changed a run setting (its name; not speed/pacing, not a programmatic write)
    out_of_range = Signal(str)  # a typed number outside a box's range: the message (the value did not change)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._quiet = 0
        lay = QHBoxLayout(self)
        lay.setContentsMargins(2, 0, 2, 0)
        common = QFrame(objectName="bar")
        g = QGridLayout(common)
        g.setContentsMargins(6, 2, 6, 4)
        g.setVerticalSpacing(3)
        self.dataset = _combo(DATASETS, "Which trained models: handwritten digits (MNIST) or clothes (Fashion-MNIST).")
        self.prompt = QLineEdit("seven")
        self.prompt.setToolTip("Conditional generation: type a class (\"seven\", \"7\", \"sneaker\") or \"none\" "
                               "for an unconditional model.")
        self.prompt.setMaximumWidth(150)
        self.prompt.setMinimumWidth(80)
        self._set_completer("mnist")
        self.guidance = RangeDoubleSpinBox("guidance w", LIMITS["guidance"], singleStep=0.5, value=3.0, decimals=1)
        self.guidance.setToolTip("Classifier-free guidance w: the model runs with AND without the prompt and the "
                                 "difference is amplified. 0 = ignore the prompt, 1 = plain conditional, >1 = stronger.")
        self.seed = RangeSpinBox("seed", LIMITS["seed"], value=0)
        self.seed.setToolTip("The random seed: the same seed and settings give the same run, frame for frame.")
        self.new_seed = QPushButton("⟳")
        self.new_seed.setToolTip("New seed (N): another sample from the same distribution.")
        self.device = _combo(("auto", "cpu", "cuda"), "Where the networks run: auto picks CUDA when available.")
        for i, (lbl, w) in enumerate([("dataset", self.dataset), ("prompt", self.prompt), ("w", self.guidance)]):
            lab = QLabel(lbl)
            lab.setToolTip(w.toolTip())
            g.addWidget(lab, 0, 2 * i)
            g.addWidget(w, 0, 2 * i + 1)
        g.addWidget(QLabel("seed"), 1, 0)
        sr = QHBoxLayout()
        sr.addWidget(self.seed)
        sr.addWidget(self.new_seed)
        g.addLayout(sr, 1, 1)
        g.addWidget(QLabel("device"), 1, 2)
        g.addWidget(self.device, 1, 3)
        lay.addWidget(common)

        self.lanes = {"left": LaneControls("autoregressive"), "right": LaneControls("diffusion")}
        # the panels host these under their canvases (the window puts them there)
        self.ar_group, self.diffusion_group = self.lanes["left"], self.lanes["right"]

        run = QFrame(objectName="bar")
        g = QGridLayout(run)
        g.setContentsMargins(6, 2, 6, 4)
        g.setVerticalSpacing(3)
        self.play = QPushButton(PLAY)
        self.play.setToolTip("Play / pause (Space).")
        self.step = QPushButton("▶| step")
        self.step.setToolTip("One step (→): one network evaluation of the method whose turn it is.")
        self.restart = QPushButton("⟲ restart")
        self.restart.setToolTip("Start again with the current settings (R).")
        self.speed = _shrinkable(_combo(SPEEDS, "Steps per second, both panels together: slow enough to talk over, "
                                        "or 'max' to see what the hardware does.", "50 steps/s"))
        self.pacing = _shrinkable(_combo(PACINGS, "Same NFE budget: both advance one network evaluation at a time, "
                                         "so the counters race honestly. Same wall-clock: equal engine time. Or each "
                                         "as fast as it can."))
        self.draw = QPushButton("✎ draw", checkable=True)
        self.draw.setToolTip("Draw on the left state canvas (left button: ink, right button: background) to give "
                             "known pixels; then Complete lets both models fill in the rest.")
        self.complete = QPushButton("complete")
        self.complete.setToolTip("Both models complete the drawing: AR fills the missing pixels, diffusion keeps "
                                 "the drawn pixels by re-noising them every step.")
        self.cont_k = RangeSpinBox("K", LIMITS["continuations"], value=16)
        self.cont_k.setToolTip("K: how many continuations to run from the step on screen.")
        self.cont = QPushButton(CONT_TEXT)
        self.cont.setToolTip("From the step on screen, run K continuations of each method: their mean is what x0 "
                             "predicts, their std what is still undecided. While they run: click to cancel.")
        for i, w in enumerate((self.play, self.step, self.restart)):
            g.addWidget(w, 0, i)
        g.addWidget(self.speed, 0, 3)
        g.addWidget(self.pacing, 0, 4)
        for i, w in enumerate((self.draw, self.complete, self.cont_k, self.cont)):
            g.addWidget(w, 1, i)
        lay.addWidget(run, 1)
        self.dataset.currentTextChanged.connect(self._set_completer)
        self.dataset.currentTextChanged.connect(lambda _t: self._user_edit("dataset"))
        for name, w in [("guidance", self.guidance), ("seed", self.seed)]:
            w.valueChanged.connect(lambda _v, n=name: self._user_edit(n))
        self.device.currentTextChanged.connect(lambda _t: self._user_edit("device"))
        self.prompt.textEdited.connect(lambda _t: self._user_edit("prompt"))
        for lane in self.lanes.values():
            lane.edited.connect(self._user_edit)
            lane.out_of_range.connect(self.out_of_range)
        for w in (self.guidance, self.seed, self.cont_k):
            w.out_of_range.connect(self.out_of_range)

    def _user_edit(self, name: str):
        if not self._quiet:
            self.edited.emit(name)

    @contextmanager
    def quietly(self):
        """Set widgets from code without it counting as the user's edit."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _set_completer(self, dataset: str):
        """Prompt completion for the dataset's classes; a prompt that does not fit the new dataset
        becomes the class with the same number ("seven" -> "sneaker"), so a switch never errors."""
        self.prompt.setCompleter(QCompleter(CLASS_NAMES[dataset] + ["none"]))
        try:
            parse_label(self.prompt.text(), dataset)
        except ValueError:
            for other in DATASETS:
                try:
                    label = parse_label(self.prompt.text(), other)
                except ValueError:
                    continue
                self.prompt.setText("none" if label is None else CLASS_NAMES[dataset][label])
                break

    # -- settings <-> widgets ------------------------------------------------------------
    def read(self) -> tuple[dict, dict]:
        """({lane: RunSettings}, {lane: mode}). Raises ValueError with a clear message."""
        ds = self.dataset.currentText()
        shared = RunSettings(dataset=ds, label=parse_label(self.prompt.text(), ds), guidance=self.guidance.value(),
                             seed=self.seed.value())
        settings, modes = {}, {}
        for name, lane in self.lanes.items():
            settings[name], modes[name] = lane.read(shared)
        return settings, modes

    def write(self, settings: dict, modes: dict):
        """Show per-panel settings ({lane: RunSettings}, {lane: mode}); the shared ones come from the left."""
        with self.quietly():
            s = settings["left"]
            self.dataset.setCurrentText(s.dataset)
            self.prompt.setText("none" if s.label is None else CLASS_NAMES[s.dataset][s.label])
            self.guidance.setValue(s.guidance)
            self.seed.setValue(s.seed)
            for name, lane in self.lanes.items():
                lane.write(settings[name], modes[name])

    def state_dict(self) -> dict:
        d = {"dataset": self.dataset.currentText(), "prompt": self.prompt.text(), "guidance": self.guidance.value(),
             "seed": self.seed.value(), "device": self.device.currentText(), "speed": self.speed.currentText(),
             "pacing": self.pacing.currentText()}
        for name, lane in self.lanes.items():
            d.update({f"{name}.{k}": v for k, v in lane.state_dict().items()})
        return d

    def load_state(self, d: dict):
        """Restore remembered settings, ignoring anything stale or malformed (the panels' modes are
        not remembered: a new launch shows autoregression and diffusion)."""
        setters = {"dataset": self.dataset.setCurrentText, "prompt": self.prompt.setText,
                   "guidance": lambda v: self.guidance.setValue(float(v)), "seed": lambda v: self.seed.setValue(int(v)),
                   "device": self.device.setCurrentText, "speed": self.speed.setCurrentText,
                   "pacing": self.pacing.setCurrentText}
        for name, lane in self.lanes.items():
            setters.update({f"{name}.{k}": f for k, f in lane.setters().items()})
        with self.quietly():
            for k, v in d.items():
                if k in setters and v is not None:
                    try:
                        setters[k](v)
                    except (TypeError, ValueError):
                        pass

    # -- short names for the default layout (left autoregression, right diffusion), as scripts use them
    order = property(lambda self: self.lanes["left"].order)
    k = property(lambda self: self.lanes["left"].k)
    temperature = property(lambda self: self.lanes["left"].temperature)
    greedy = property(lambda self: self.lanes["left"].greedy)
    left_mode = property(lambda self: self.lanes["left"].mode)
    sampler = property(lambda self: self.lanes["right"].sampler)
    steps = property(lambda self: self.lanes["right"].steps)
    eta = property(lambda self: self.lanes["right"].eta)
    right_mode = property(lambda self: self.lanes["right"].mode)
