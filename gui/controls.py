"""The control bar: every widget, with a tooltip that says what it teaches. Reads into a
RunSettings; holds no logic beyond that."""
from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import Signal

from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QDoubleSpinBox, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget)

from engine.data import CLASS_NAMES, DATASETS, parse_label
from engine.orders import ORDERS
from engine.runs import ARSettings, DiffusionSettings, RunSettings

LEFT_MODES = {"autoregressive": "autoregressive", "one-shot mean": "one-shot-mean",
              "one-shot independent": "one-shot-independent", "erase a real image": "forward-autoregressive"}
RIGHT_MODES = {"diffusion": "diffusion", "noise a real image": "forward-diffusion",
               "one-shot independent": "one-shot-independent"}
SPEEDS = {"max": 0.0, "200 steps/s": 200.0, "50 steps/s": 50.0, "10 steps/s": 10.0, "2 steps/s": 2.0}
PLAY, PAUSE = "▶ play", "❚❚ pause"  # ⏸ is missing from common Linux fonts
PACINGS = {"same NFE budget": "same-nfe", "same wall-clock": "same-time", "as fast as possible": "fastest"}


def _combo(items, tip, current=None):
    c = QComboBox()
    c.addItems(list(items))
    if current is not None:
        c.setCurrentText(str(current))
    c.setToolTip(tip)
    return c


def _row(lay: QHBoxLayout, pairs) -> None:
    """label, widget, label, widget … on one line (a method's controls under its panel). Combos
    may shrink below their longest entry and take the spare width; spin boxes and the check box
    keep their natural width, so the row fits half a 1920 screen in lecture mode."""
    for lbl, w in pairs:
        combo = isinstance(w, QComboBox) and max(len(w.itemText(i)) for i in range(w.count())) > 4
        if combo:
            w.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            w.setMinimumContentsLength(4)
        if lbl:
            lay.addWidget(QLabel(lbl))
        lay.addWidget(w, 1 if combo else 0)
        lay.addSpacing(8)


class Controls(QWidget):
    edited = Signal()  # the user changed a run setting (not speed/pacing, not a programmatic write)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._quiet = 0
        lay = QHBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        common = QGroupBox("prompt")
        g = QGridLayout(common)
        self.dataset = _combo(DATASETS, "Which trained models: handwritten digits (MNIST) or clothes (Fashion-MNIST).")
        self.prompt = QLineEdit("seven")
        self.prompt.setToolTip("Conditional generation: type a class (\"seven\", \"7\", \"sneaker\") or \"none\" "
                               "for an unconditional model.")
        self.prompt.setMaximumWidth(150)
        self._set_completer("mnist")
        self.guidance = QDoubleSpinBox(minimum=0.0, maximum=20.0, singleStep=0.5, value=3.0, decimals=1)
        self.guidance.setToolTip("Classifier-free guidance w: the model runs with AND without the prompt and the "
                                 "difference is amplified. 0 = ignore the prompt, 1 = plain conditional, >1 = stronger.")
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.seed.setToolTip("The random seed: the same seed and settings give the same run, frame for frame.")
        self.new_seed = QPushButton("⟳")
        self.new_seed.setToolTip("New seed (N): another sample from the same distribution.")
        self.device = _combo(("auto", "cpu", "cuda"), "Where the networks run: auto picks CUDA when available.")
        for i, (lbl, w) in enumerate([("dataset", self.dataset), ("prompt", self.prompt), ("guidance w", self.guidance)]):
            g.addWidget(QLabel(lbl), 0, 2 * i)
            g.addWidget(w, 0, 2 * i + 1)
        g.addWidget(QLabel("seed"), 1, 0)
        sr = QHBoxLayout()
        sr.addWidget(self.seed)
        sr.addWidget(self.new_seed)
        g.addLayout(sr, 1, 1)
        g.addWidget(QLabel("device"), 1, 2)
        g.addWidget(self.device, 1, 3)
        lay.addWidget(common)

        ar = QGroupBox("autoregressive")
        g = QHBoxLayout(ar)
        self.left_mode = _combo(LEFT_MODES, "What the left panel shows: autoregression, the whole image predicted "
                                "at once (its mean, or every pixel sampled independently), or the forward process.")
        self.order = _combo(ORDERS, "The order pixels are generated in. 'confidence' fixes the most certain "
                            "pixels first; 'patches' fixes contiguous blocks.")
        self.k = _combo(("1", "4", "16", "64"), "Pixels fixed per network evaluation. More = fewer steps, but pixels "
                        "fixed together cannot see each other: contiguous patches lose consistency, scattered pixels less.")
        self.temperature = QDoubleSpinBox(minimum=0.05, maximum=3.0, singleStep=0.1, value=1.0, decimals=2)
        self.temperature.setToolTip("Sampling temperature: < 1 sharpens each pixel's distribution (safer, duller), "
                                    "> 1 flattens it (wilder, noisier).")
        self.greedy = QCheckBox("greedy")
        self.greedy.setToolTip("Always take the most likely value instead of sampling: the same image for every seed.")
        _row(g, [("show", self.left_mode), ("order", self.order), ("pixels/step", self.k),
                 ("temperature", self.temperature), (None, self.greedy)])
        self.ar_group = ar

        df = QGroupBox("diffusion")
        g = QHBoxLayout(df)
        self.right_mode = _combo(RIGHT_MODES, "What the right panel shows: diffusion from noise, or the forward process "
                                 "(a real image being noised).")
        self.sampler = _combo(("ddim", "ddpm"), "DDIM (eta 0): deterministic, the same noise gives the same image. "
                              "DDPM: fresh noise every step.")
        self.steps = QSpinBox(minimum=1, maximum=1000, value=100)
        self.steps.setToolTip("Denoising steps over the 1000 noise levels. ~100 suffice; 1 big step gives a blurry mean.")
        self.eta = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.1, value=0.0, decimals=2)
        self.eta.setToolTip("DDIM eta: 0 deterministic, 1 as noisy as DDPM.")
        _row(g, [("show", self.right_mode), ("sampler", self.sampler), ("steps", self.steps), ("eta", self.eta)])
        self.diffusion_group = df

        run = QGroupBox("run")
        g = QGridLayout(run)
        self.play = QPushButton(PLAY)
        self.play.setToolTip("Play / pause (Space).")
        self.step = QPushButton("▶| step")
        self.step.setToolTip("One step (→): one network evaluation of the method whose turn it is.")
        self.restart = QPushButton("⟲ restart")
        self.restart.setToolTip("Start again with the current settings (R).")
        self.speed = _combo(SPEEDS, "Steps per second, both panels together: slow enough to talk over, or 'max' to see "
                            "what the hardware does.", "50 steps/s")
        self.pacing = _combo(PACINGS, "Same NFE budget: both advance one network evaluation at a time, so the "
                             "counters race honestly. Same wall-clock: equal engine time. Or each as fast as it can.")
        self.draw = QPushButton("✎ draw", checkable=True)
        self.draw.setToolTip("Draw on the left state canvas (left button: ink, right button: background) to give "
                             "known pixels; then Complete lets both models fill in the rest.")
        self.complete = QPushButton("complete")
        self.complete.setToolTip("Both models complete the drawing: AR fills the missing pixels, diffusion keeps "
                                 "the drawn pixels by re-noising them every step.")
        self.cont_k = QSpinBox(minimum=2, maximum=128, value=16)
        self.cont_k.setToolTip("K: how many continuations to run from the step on screen.")
        self.cont = QPushButton("K continuations")
        self.cont.setToolTip("From the step on screen, run K continuations of each method: their mean is what x0 "
                             "predicts, their std what is still undecided.")
        for i, w in enumerate((self.play, self.step, self.restart, self.speed, self.pacing)):
            g.addWidget(w, 0, i)
        for i, w in enumerate((self.draw, self.complete, self.cont_k, self.cont)):
            g.addWidget(w, 1, i)
        lay.addWidget(run)
        lay.addStretch(1)
        self.dataset.currentTextChanged.connect(self._set_completer)
        for w in (self.dataset, self.left_mode, self.order, self.k, self.right_mode, self.sampler):
            w.currentTextChanged.connect(self._user_edit)
        for w in (self.guidance, self.seed, self.temperature, self.steps, self.eta):
            w.valueChanged.connect(self._user_edit)
        self.greedy.toggled.connect(self._user_edit)
        self.prompt.textEdited.connect(self._user_edit)

    def _user_edit(self, *_):
        if not self._quiet:
            self.edited.emit()

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
    def read(self) -> tuple[RunSettings, str, str]:
        """(RunSettings, left mode, right mode). Raises ValueError with a clear message."""
        ds = self.dataset.currentText()
        label = parse_label(self.prompt.text(), ds)
        s = RunSettings(dataset=ds, label=label, guidance=self.guidance.value(), seed=self.seed.value(),
                        ar=ARSettings(self.order.currentText(), int(self.k.currentText()), self.temperature.value(),
                                      self.greedy.isChecked()),
                        diffusion=DiffusionSettings(self.sampler.currentText(), self.steps.value(), self.eta.value()))
        return s.validate(), LEFT_MODES[self.left_mode.currentText()], RIGHT_MODES[self.right_mode.currentText()]

    def write(self, s: RunSettings, left: str = "autoregressive", right: str = "diffusion"):
        with self.quietly():
            self._write(s, left, right)

    def _write(self, s: RunSettings, left: str, right: str):
        self.dataset.setCurrentText(s.dataset)
        self.prompt.setText("none" if s.label is None else CLASS_NAMES[s.dataset][s.label])
        self.guidance.setValue(s.guidance)
        self.seed.setValue(s.seed)
        self.order.setCurrentText(s.ar.order)
        self.k.setCurrentText(str(s.ar.pixels_per_step))
        self.temperature.setValue(s.ar.temperature)
        self.greedy.setChecked(s.ar.greedy)
        self.sampler.setCurrentText(s.diffusion.sampler)
        self.steps.setValue(s.diffusion.steps)
        self.eta.setValue(s.diffusion.eta)
        self.left_mode.setCurrentText({v: k for k, v in LEFT_MODES.items()}.get(left, "autoregressive"))
        self.right_mode.setCurrentText({v: k for k, v in RIGHT_MODES.items()}.get(right, "diffusion"))

    def state_dict(self) -> dict:
        return {"dataset": self.dataset.currentText(), "prompt": self.prompt.text(),
                "guidance": self.guidance.value(), "seed": self.seed.value(), "device": self.device.currentText(),
                "order": self.order.currentText(), "k": self.k.currentText(), "temperature": self.temperature.value(),
                "greedy": self.greedy.isChecked(), "sampler": self.sampler.currentText(), "steps": self.steps.value(),
                "eta": self.eta.value(), "speed": self.speed.currentText(), "pacing": self.pacing.currentText()}

    def load_state(self, d: dict):
        """Restore remembered settings, ignoring anything stale or malformed."""
        setters = {"dataset": self.dataset.setCurrentText, "prompt": self.prompt.setText,
                   "guidance": lambda v: self.guidance.setValue(float(v)), "seed": lambda v: self.seed.setValue(int(v)),
                   "device": self.device.setCurrentText, "order": self.order.setCurrentText, "k": self.k.setCurrentText,
                   "temperature": lambda v: self.temperature.setValue(float(v)),
                   "greedy": lambda v: self.greedy.setChecked(str(v).lower() == "true"),
                   "sampler": self.sampler.setCurrentText, "steps": lambda v: self.steps.setValue(int(v)),
                   "eta": lambda v: self.eta.setValue(float(v)), "speed": self.speed.setCurrentText,
                   "pacing": self.pacing.setCurrentText}
        for k, v in d.items():
            if k in setters and v is not None:
                try:
                    setters[k](v)
                except (TypeError, ValueError):
                    pass
