"""The control bar and each panel's controls, made from the settings table (engine/runtime/fields.py)
and the mode registry (engine/runtime/modes.py): a view of the Session. An edit is written into the
Session (parsed once there); the widgets render from the Session whenever it changes. Nothing starts,
labels or exports a run from a widget.

Each panel's controls show what that panel runs: its mode ("show") and only the settings that mode
uses, titled by the mode (both panels can run diffusion, with 1 and 100 steps)."""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.networks.data import CLASS_NAMES
from engine.runtime import fields
from engine.runtime.modes import MODES
from engine.runtime.runs import RunSettings
from engine.runtime.session import SPEEDS, Session
from engine.tools.cli import LIMITS

from . import field_widgets as fw
from .ranges import RangeSpinBox

PLAY, PAUSE = "▶ play", "❚❚ pause"
CONT_TEXT = "K continuations"  # ⏸ is missing from common Linux fonts
PACINGS = {"same NFE budget": "same-nfe", "same wall-clock": "same-time", "as fast as possible": "fastest"}
PACING_LABEL = {v: k for k, v in PACINGS.items()}
POINT_FIELDS = ("mode",)  # editing these changes what a scenario shows: it ends the scenario (a new
# dataset re-applies it there: its settings and caption as they hold on that dataset)
WIDGET_NAMES = {"label": "prompt", "pixels_per_step": "k"}  # the short attribute names scripts and tests use
DEVICES = ("auto", "cpu", "cuda")
PER_ROW = 3  # a panel's settings a row: more go on a second row (half a 1080-pixel window holds three)
MODE_TIP = (
    "What this panel shows: autoregression, diffusion, the whole image predicted at once (its mean, or "
    "every pixel sampled independently), or a forward process (a real image erased or noised)."
)


def mode_labels() -> dict:
    """What the "show" box says -> the mode it runs (every registered mode, also one added later)."""
    return {m.choice: m.name for m in MODES.values()}


class LaneControls(QGroupBox):
    """One panel's controls, under that panel: what it shows and that mode's settings only."""

    edited = Signal(str, object)  # (setting or "mode", the value as the widget says it)
    out_of_range = Signal(str)  # a typed number outside a box's range (kept the last good value)

    def __init__(self, mode: str, parent=None):
        super().__init__(parent)
        self.labels = mode_labels()
        self.mode = fw.shrinkable(fw.combo(self.labels, MODE_TIP, MODES[mode].choice))
        self.widgets = {n: fw.make(fields.FIELDS[n]) for n in fields.PER_PANEL}
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 1, 6, 3)
        rows.setSpacing(2)
        self.rows = [QHBoxLayout(), QHBoxLayout()]
        for r in self.rows:
            r.setSpacing(4)
            rows.addLayout(r)
        self._pairs = {}  # setting -> (label or None, widget)
        for name, w in self.widgets.items():
            f = fields.FIELDS[name]
            lbl = None if f.kind is bool or (f.choices and name == "sampler") else QLabel(f.label)
            if lbl is not None:
                lbl.setToolTip(w.toolTip())
            self._pairs[name] = (lbl, w)
            fw.changed(w).connect(
                lambda _v, n=name: self.edited.emit(n, fw.value_of(fields.FIELDS[n], self.widgets[n]))
            )
            if hasattr(w, "out_of_range"):
                w.out_of_range.connect(self.out_of_range)
        self._placed: tuple = ()
        self._place(tuple(self.widgets))
        self.mode.currentTextChanged.connect(lambda t: self.edited.emit("mode", self.labels.get(t, t)))

    def __getattr__(self, name):  # lane.order, lane.k, lane.steps, ...: the widget of that setting
        widgets = self.__dict__.get("widgets") or {}
        short = {v: k for k, v in WIDGET_NAMES.items()}.get(name, name)
        if short in widgets:
            return widgets[short]
        raise AttributeError(name)

    def current_mode(self) -> str:
        return self.labels[self.mode.currentText()]

    def _place(self, shown: tuple) -> None:
        """The mode box, then the settings shown, PER_ROW a row (a second row only when needed)."""
        if shown == self._placed:
            return
        self._placed = shown
        for r in self.rows:
            while r.count():
                r.takeAt(0)
        self.rows[0].addWidget(self.mode, 1)
        hidden = [n for n in self.widgets if n not in shown]
        for i, name in enumerate(list(shown) + hidden):
            lbl, w = self._pairs[name]
            row = self.rows[0 if i < PER_ROW or name in hidden else 1]
            if lbl is not None:
                row.addWidget(lbl)
            row.addWidget(w, 1 if fields.FIELDS[name].choices else 0)
        self.rows[1].addStretch(1)

    def render(self, s: RunSettings, mode: str, skip=None) -> None:
        """Show the panel's settings and mode; only the settings the mode uses (and whose rule says so)."""
        m = MODES[mode]
        if self.mode is not skip:
            self.mode.setCurrentText(m.choice)
        for name, w in self.widgets.items():
            if w is not skip:
                fw.show(fields.FIELDS[name], w, fields.get(s, name), s.dataset)
        self.setTitle(m.title)
        shown = []
        for name, (lbl, w) in self._pairs.items():
            f = fields.FIELDS[name]
            on = name in m.fields and (f.visible is None or f.visible(s))
            w.setVisible(on)
            if lbl is not None:
                lbl.setVisible(on)
            if on:
                shown.append(name)
        self._place(tuple(shown))

    def read(self, shared: RunSettings) -> tuple[RunSettings, str]:
        """What the widgets show, as settings (a view's check: tests compare it with the Session)."""
        s = shared
        for name, w in self.widgets.items():
            s = fields.with_value(s, name, fields.parse(name, fw.value_of(fields.FIELDS[name], w), s.dataset))
        return s.validate(), self.current_mode()


class Controls(QWidget):
    edited = Signal(str)  # the user changed a run setting (its name), already written into the Session
    out_of_range = Signal(str)  # a typed number outside a box's range: the message (the value did not change)
    invalid_edit = Signal(str)  # an edit the Session refused (a prompt that is no class): the message

    def __init__(self, session: Session | None = None, parent=None):
        super().__init__(parent)
        self.session = session if session is not None else Session()
        self._quiet = 0
        self._writing = None  # the widget whose edit is being written (not re-rendered meanwhile)
        self.typed = False  # the last edit was a typed number applying (its delay already waited)
        self.invalid: dict[str, str] = {}  # widget key -> why its text is no value (restart refuses)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(2, 0, 2, 0)
        common = QFrame(objectName="bar")
        g = QGridLayout(common)
        g.setContentsMargins(6, 2, 6, 4)
        g.setVerticalSpacing(3)
        self.widgets = {n: fw.make(fields.FIELDS[n]) for n in fields.SHARED}
        for name, w in self.widgets.items():
            setattr(self, WIDGET_NAMES.get(name, name), w)
        self.prompt.setMaximumWidth(150)
        # Enter in the prompt: done typing, the window's keys (R, Space, B) are the presenter's again
        self.prompt.returnPressed.connect(self.prompt.clearFocus)
        self.prompt.setMinimumWidth(80)
        self.new_seed = QPushButton("⟳")
        self.new_seed.setToolTip("New seed (N): another sample from the same distribution.")
        self.device = fw.combo(DEVICES, "Where the networks run: auto picks CUDA when available.")
        for i, name in enumerate(("dataset", "label", "guidance")):
            w = self.widgets[name]
            lab = QLabel(fields.FIELDS[name].label)
            lab.setToolTip(w.toolTip())
            g.addWidget(lab, 0, 2 * i)
            g.addWidget(w, 0, 2 * i + 1)
        g.addWidget(QLabel(fields.FIELDS["seed"].label), 1, 0)
        sr = QHBoxLayout()
        sr.addWidget(self.seed)
        sr.addWidget(self.new_seed)
        g.addLayout(sr, 1, 1)
        g.addWidget(QLabel("device"), 1, 2)
        g.addWidget(self.device, 1, 3)
        lay.addWidget(common)

        self.lanes = {n: LaneControls(m) for n, m in self.session.modes.items()}
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
        self.speed = fw.shrinkable(
            fw.combo(
                SPEEDS,
                "Steps per second, both panels together: slow enough to talk "
                "over, or 'max' to see what the hardware does.",
            )
        )
        self.pacing = fw.shrinkable(
            fw.combo(
                PACINGS,
                "Same NFE budget: both advance one network evaluation at a "
                "time, so the counters race honestly. Same wall-clock: equal engine "
                "time. Or each as fast as it can.",
            )
        )
        self.draw = QPushButton("✎ draw", checkable=True)
        self.draw.setToolTip(
            "Draw on the left state canvas (left button: ink, right button: background) to give "
            "known pixels; then Complete lets both models fill in the rest."
        )
        self.complete = QPushButton("complete")
        self.complete.setToolTip(
            "Both models complete the drawing: AR fills the missing pixels, diffusion keeps "
            "the drawn pixels by re-noising them every step."
        )
        self.cont_k = RangeSpinBox("K", LIMITS["continuations"], value=16)
        self.cont_k.setToolTip("K: how many continuations to run from the step on screen.")
        self.cont = QPushButton(CONT_TEXT)
        self.cont.setToolTip(
            "From the step on screen, run K continuations of each method: their mean is what x0 "
            "predicts, their std what is still undecided. While they run: click to cancel."
        )
        for i, w in enumerate((self.play, self.step, self.restart)):
            g.addWidget(w, 0, i)
        g.addWidget(self.speed, 0, 3)
        g.addWidget(self.pacing, 0, 4)
        for i, w in enumerate((self.draw, self.complete, self.cont_k, self.cont)):
            g.addWidget(w, 1, i)
        lay.addWidget(run, 1)

        for name, w in self.widgets.items():
            fw.changed(w).connect(
                lambda _v, n=name: self._edit(n, None, fw.value_of(fields.FIELDS[n], self.widgets[n]))
            )
        for panel, lane in self.lanes.items():
            lane.edited.connect(lambda name, value, p=panel: self._edit(name, p, value))
            lane.out_of_range.connect(self.out_of_range)
        self.device.currentTextChanged.connect(lambda _t: self._user_edit("device"))
        self.speed.currentTextChanged.connect(lambda t: self._pace(speed=t))
        self.pacing.currentTextChanged.connect(lambda t: self._pace(pacing=PACINGS[t]))
        self.cont_k.valueChanged.connect(lambda v: setattr(self.session, "continuations_k", int(v)))
        for w in (self.guidance, self.seed, self.cont_k):
            w.out_of_range.connect(self.out_of_range)
        self.session.subscribe(self._on_session)
        self.render()

    # -- edits: widget -> Session ------------------------------------------------------------
    def _widget(self, name: str, panel: str | None):
        if name == "mode":
            return self.lanes[panel].mode
        return self.widgets[name] if panel is None else self.lanes[panel].widgets[name]

    def _edit(self, name: str, panel: str | None, value) -> None:
        """A widget's new value: written into the Session (parsed there), unless it is the Session's
        own value being shown. A value the Session refuses is kept as typed and said (`invalid_edit`)."""
        if self._quiet:
            return
        key = name if panel is None else f"{panel}.{name}"
        self._writing = self._widget(name, panel)
        try:
            self.session.edit(name, value, panel)
        except ValueError as e:
            self.invalid[key] = str(e)
            self.invalid_edit.emit(str(e))
            return
        finally:
            self._writing = None
        self.invalid.pop(key, None)
        self.typed = bool(getattr(self._widget(name, panel), "applying_typed", False))
        self.edited.emit(name)

    def _pace(self, pacing=None, speed=None) -> None:
        if not self._quiet:
            self.session.set_pace(pacing=pacing, speed=speed)

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

    # -- Session -> widgets ------------------------------------------------------------------
    def _on_session(self, what: str) -> None:
        self.render(skip=self._writing)

    def render(self, skip=None) -> None:
        """Show the Session: the shared settings from the left panel, each panel's own, the pace."""
        ses = self.session
        with self.quietly():
            s = ses.settings["left"]
            for name, w in self.widgets.items():
                if w is not skip:
                    fw.show(fields.FIELDS[name], w, fields.get(s, name), s.dataset)
            self.prompt.setCompleter(QCompleter(CLASS_NAMES[s.dataset] + ["none"]))
            for name, lane in self.lanes.items():
                lane.render(ses.settings[name], ses.modes[name], skip)
            self.speed.setCurrentText(ses.speed)
            self.pacing.setCurrentText(PACING_LABEL[ses.pacing])
            self.cont_k.setValue(ses.continuations_k)
        if skip is None:
            self.invalid.clear()  # every widget shows the Session's value now
        else:
            self.invalid = {k: v for k, v in self.invalid.items() if self._key_widget(k) is skip}

    def _key_widget(self, key: str):
        panel, _, name = key.rpartition(".")
        return self._widget(name, panel or None)

    def read(self) -> tuple[dict, dict]:
        """({lane: RunSettings}, {lane: mode}) as the widgets show them (ValueError for a text that is no
        value). Nothing runs from this: tests compare it with the Session (shown = run)."""
        ds = self.dataset.currentText()
        shared = RunSettings()
        for name, w in self.widgets.items():
            shared = fields.with_value(shared, name, fields.parse(name, fw.value_of(fields.FIELDS[name], w), ds))
        settings, modes = {}, {}
        for name, lane in self.lanes.items():
            settings[name], modes[name] = lane.read(shared)
        return settings, modes

    def state_dict(self) -> dict:
        """What the window remembers (engine.runtime.remembered): the Session's settings and the device box."""
        from engine.runtime.remembered import of_session

        return of_session(self.session, self.device.currentText())

    def first_invalid(self) -> str | None:
        return next(iter(self.invalid.values()), None)

    # -- short names for the default layout (left autoregression, right diffusion), as scripts use them
    order = property(lambda self: self.lanes["left"].order)
    k = property(lambda self: self.lanes["left"].k)
    temperature = property(lambda self: self.lanes["left"].temperature)
    greedy = property(lambda self: self.lanes["left"].greedy)
    planned_steps = property(lambda self: self.lanes["left"].planned_steps)
    left_mode = property(lambda self: self.lanes["left"].mode)
    sampler = property(lambda self: self.lanes["right"].sampler)
    steps = property(lambda self: self.lanes["right"].steps)
    eta = property(lambda self: self.lanes["right"].eta)
    right_mode = property(lambda self: self.lanes["right"].mode)
