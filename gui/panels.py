"""One method's panel: the state, the predicted clean image x0 and a method view (AR: the
order map and the current pixel's distribution; diffusion: ε̂ and the noise schedule). A panel
shows whatever Frame it is given; it never computes model outputs."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from engine.maths.pixels import PIXELS, SIDE
from engine.maths.schedule import NoiseSchedule
from engine.runtime.modes import DISTRIBUTION, MODES, SCHEDULE, of_method, shows_real_image

from . import style
from .canvas import ImageCanvas
from .fit_label import FitLabel
from .plots import MIN_DATA

TIPS = {
    "state": "What the method holds now. Autoregression: the pixels fixed so far (slate blue = not fixed yet). "
    "Diffusion: the noisy image x_t.",
    "x0": "x0, the predicted clean image: the MEAN of everything the image could still become. "
    "Blurry while much is undecided, sharp at the end.",
    "order": "When each pixel was fixed (dark = early, bright = late): the generation order, made visible.",
    "eps": "ε̂, the noise the network thinks is in x_t. Subtracting (a little of) it is one diffusion step.",
    "hist": "The network's predicted distribution for the current pixel over 256 grey levels; the dashed red "
    "line is the value that was sampled. Click a grey level: the pixel gets that value and the rest adapts.",
    "cont_mean": "The average of K runs continued from this step. x0 predicts exactly this average: the two "
    "should look alike (up to the noise of a finite K).",
    "cont_std": "How much the K continuations disagree, pixel by pixel: what is still undecided at this step.",
    "cond": "x0 predicted WITH the prompt: the network's conditional run at this step.",
    "uncond": "x0 predicted WITHOUT the prompt: the same network, the prompt left out (the unconditional run).",
    "guide": "What guidance adds: w times (with − without). Red: the prompt pushes a pixel lighter, blue: darker, "
    "black: nothing. x0 on screen = without + this.",
    "schedule": "ᾱ_t, the fraction of the signal left in x_t, over the T = 1000 noise levels; the dot is now.",
}


P_FLOOR = 1e-4  # the bottom of the p(this pixel) axis: 1/40 of a flat spread over the 256 levels
P_TICKS = ((1e-4, "1e-4"), (1e-2, ".01"), (1.0, "1"))  # three, short: they must not run into each other


def p_height(p: np.ndarray) -> np.ndarray:
    """Where p sits on the p(this pixel) axis, 0 (p <= P_FLOOR) to 1 (p = 1): a log scale fixed for
    every run. A hesitant pixel spread over ~250 grey levels (p ~ 0.004 each) stands at 40 % of the
    height, a sure one is a single spike to the top: a linear 0-1 axis laid the first flat on its
    baseline, and an axis that rescaled with each pixel jumped at every step."""
    return np.clip(np.log10(np.maximum(p, P_FLOOR)) / -np.log10(P_FLOOR) + 1.0, 0.0, 1.0)


def _mode(name: str):
    """The mode a mode name or a Frame.method names (its display rules), or None."""
    return MODES.get(name) or of_method(name)


def x0_title(method: str) -> str:
    m = _mode(method)
    return (
        "x0: the real image"
        if (m.forward if m is not None else shows_real_image(method))
        else "x0: predicted clean image"
    )


def side_title(method: str) -> str:
    """The title of the small image beside x0 for a mode or Frame.method: the mode says it."""
    m = _mode(method)
    return m.side_title if m is not None else "per-pixel std"


MIN_PLOT_W, MIN_PLOT_H = 150, 100  # the pixel's distribution and the schedule never collapse to a line
# what guidance adds is black to the eye below this (its map spans ±1: under 4 % of full colour); a run's
# last steps get there (measured: diffusion 0.008-0.04 over its last 5 of 50 steps at w = 3, AR 0.001-0.04)
SETTLED = 0.04
IMAGE_STRETCH, IMAGE_ALONE_STRETCH = 2, 6  # the side image's share of its column over a plot (5), over words (2)
MIN_CANVAS = 120  # state and x0: a 28x28 image at >= 4 screen pixels a pixel

# early = blue, late = yellow; the darkest purples are left out so early pixels stand out from unset grey
_VIRIDIS = pg.colormap.get("viridis").getLookupTable(0.22, 1.0, 256, alpha=False).astype(np.uint8)


class MethodPanel(QWidget):
    level_clicked = Signal(int)  # a click on the pixel's distribution: force that grey level

    def __init__(self, title: str, color, controls: QWidget | None = None, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        head = QHBoxLayout()
        self.title = FitLabel(title, objectName="title")
        self.title.setStyleSheet(f"color: rgb{tuple(color)};")
        self.counter = QLabel("ready", objectName="counter", alignment=Qt.AlignRight | Qt.AlignVCenter)
        self.title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # long titles clip, never overlap
        head.addWidget(self.title, 1)
        head.addWidget(self.counter)
        lay.addLayout(head)
        body = QHBoxLayout()
        body.setSpacing(6)
        self.state = ImageCanvas("state", tooltip=TIPS["state"])
        self.x0 = ImageCanvas("x0: predicted clean image", tooltip=TIPS["x0"])
        for c in (self.state, self.x0):
            c.view.setMinimumSize(MIN_CANVAS, MIN_CANVAS)
        body.addWidget(self.state, 5)
        body.addWidget(self.x0, 5)
        # The side column: the method's own views, or (after "K continuations") their mean and std,
        # right beside x0 so the two can be compared at a glance.
        self.side = QStackedWidget()
        method_page = QWidget()
        side = QVBoxLayout(method_page)
        side.setContentsMargins(0, 0, 0, 0)
        self.extra = ImageCanvas("order", cmap="viridis", tooltip=TIPS["order"])
        self.extra.view.setMinimumSize(24, 24)  # its minimum sets the column's: the plot below needs the room
        side.addWidget(self.extra, IMAGE_STRETCH)  # the order map: smaller; the distribution below it is the point
        self.bottom = QStackedWidget()
        self.hist = pg.PlotWidget()
        self.hist.setToolTip(TIPS["hist"])
        # no axis labels: at 1280x720 they ate half of this small plot; the title and three ticks a side say it
        self.hist.setXRange(0, 255, padding=0.05)  # a sure black or white pixel: a spike clear of the axes
        self.hist.setYRange(0, 1, padding=0.02)  # fixed: p_height maps p to [0, 1] on a log scale
        self.hist.getAxis("left").setTicks([[(float(p_height(np.array(v))), s) for v, s in P_TICKS], []])
        self.hist.getAxis("bottom").setTicks([[(24, "black"), (212, "white")], []])  # end labels would be cut
        self.hist.setMouseEnabled(False, False)
        self.hist.hideButtons()
        # a 2 px outline: a sure pixel is one bin, under a screen pixel wide at this size, and must still show
        self.hist_bars = pg.PlotDataItem(
            stepMode="center", fillLevel=0, brush=(*color, 150), pen=pg.mkPen(color, width=2)
        )
        self.hist.addItem(self.hist_bars)
        # the value drawn, dashed: the bar it was drawn from shows between the dashes
        self.hist_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(style.OUTLINE, width=3, style=Qt.DashLine))
        self.hist.addItem(self.hist_line)
        self.hist.scene().sigMouseClicked.connect(self._hist_clicked)
        self.sched = pg.PlotWidget()
        self.sched.setToolTip(TIPS["schedule"])
        sch = NoiseSchedule.linear()
        self.sched.plot(np.arange(sch.T), sch.alpha_bar, pen=pg.mkPen(color, width=3))
        self.sched.getAxis("bottom").setTicks([[(0, "t = 0"), (600, "600")], []])
        self.sched.getAxis("left").setTicks([[(0, "0"), (1, "1")], []])
        self.sched.setMouseEnabled(False, False)
        self.sched.hideButtons()
        self.sched_dot = pg.ScatterPlotItem(size=16, brush=style.OUTLINE, pen=None)
        self.sched.addItem(self.sched_dot)
        self.empty = QLabel("", alignment=Qt.AlignCenter, wordWrap=True)
        self.empty.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Ignored)
        for w in (self.hist, self.sched):
            w.setMinimumSize(MIN_PLOT_W, MIN_PLOT_H)  # readable even on a 1280x720 projector
        for w in (self.hist, self.sched):
            self.bottom.addWidget(w)
        side.addWidget(self.bottom, 5)  # the distribution / schedule plot gets the larger share
        # A mode with neither (one shot, erasing): its side image takes the column, a line of words under it
        side.addWidget(self.empty, 2)
        self.empty.hide()
        self._side = side
        self.side.addWidget(method_page)
        self.cont_mean = ImageCanvas("mean of K", tooltip=TIPS["cont_mean"])
        self.cont_std = ImageCanvas("their std", cmap="magma", levels=(0.0, 0.5), tooltip=TIPS["cont_std"])
        self.cont_label = QLabel("", alignment=Qt.AlignCenter, wordWrap=True)
        self.cont_label.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Ignored)
        self.cont_box = QWidget()
        # the column's size comes from the method's views: this page takes what it is given (no minimum of its own)
        self.cont_box.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)
        # side by side, the mean the larger: stacked, each was a third of the column's height
        # (about 35 px at 1280x720 in lecture mode, too small to compare with x0 from the back)
        cl = QGridLayout(self.cont_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.cont_mean, 0, 0)
        cl.addWidget(self.cont_std, 0, 1)
        cl.addWidget(self.cont_label, 1, 0, 1, 2)
        cl.setColumnStretch(0, 3)
        cl.setColumnStretch(1, 2)
        cl.setRowStretch(0, 3)
        cl.setRowStretch(1, 1)
        for c in (self.cont_mean, self.cont_std):
            c.view.setMinimumSize(30, 30)
        self.side.addWidget(self.cont_box)
        self._cont_nfe = None
        # Classifier-free guidance made visible (key G): the network run with and without the
        # prompt, and the amplified difference that guidance adds to the unconditional x0.
        self.cond = ImageCanvas("with", tooltip=TIPS["cond"])
        self.uncond = ImageCanvas("without", tooltip=TIPS["uncond"])
        self.guide_diff = ImageCanvas("w adds", levels=(-1.0, 1.0), tooltip=TIPS["guide"])
        # nothing added = black, like the images; lighter = red, darker = blue
        self.guide_diff.image.setColorMap(pg.ColorMap([0.0, 0.5, 1.0], [(70, 170, 255), (0, 0, 0), (255, 80, 60)]))
        self.guide_label = QLabel("", alignment=Qt.AlignCenter, wordWrap=True)
        self.guide_label.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Ignored)
        self.guide_box = QWidget()
        gl = QGridLayout(self.guide_box)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.addWidget(self.cond, 0, 0)
        gl.addWidget(self.uncond, 0, 1)
        gl.addWidget(self.guide_diff, 1, 0)
        gl.addWidget(self.guide_label, 1, 1)
        for c in (self.cond, self.uncond, self.guide_diff):
            c.view.setMinimumSize(40, 40)
        self.side.addWidget(self.guide_box)
        self.guidance_view = False
        body.addWidget(self.side, 4)
        lay.addLayout(body, 1)
        if controls is not None:
            lay.addWidget(controls)
        self.set_lecture(False)
        self._order_map = np.full(PIXELS, np.nan, np.float32)
        self._order_upto = -1

    def _hist_clicked(self, ev):
        x = self.hist.getPlotItem().vb.mapSceneToView(ev.scenePos()).x()
        if self.bottom.currentWidget() is self.hist and -10 <= x <= 265:
            self.level_clicked.emit(int(min(255, max(0, round(x)))))

    def set_lecture(self, lecture: bool, level: int = 2):
        style.style_plot(self.hist, lecture, "p(this pixel), log", level)
        style.style_plot(self.sched, lecture, "signal left ᾱ_t", level)
        px = style.plot_font_px(lecture, level)
        for pw in (self.hist, self.sched):  # a title row just its text's height: the data area is the point
            pw.getPlotItem().layout.setRowFixedHeight(0, px + 4)
            # a data area of at least MIN_DATA under the title row and the bottom ticks at this font
            pw.setMinimumHeight(max(MIN_PLOT_H, MIN_DATA[1] + 2 * px + 25))  # measured: 51 px at 13 px, 53 at 15

    def reset(self, title: str | None = None, mode: str | None = None):
        """Blank canvases before a run; with `mode`, show that method's side views already."""
        if title:
            self.title.set_texts(title, title.split(" — ")[0])  # without the prompt if the full title is too wide
        self._order_map[:] = np.nan
        self._order_upto = -1
        self.hide_continuations()
        self.counter.setText("running…")
        for c in (self.state, self.x0):
            c.set_image(np.zeros((SIDE, SIDE), np.float32))
            c.set_outline(None)
            c.set_marks([])
        self.extra.set_image(np.broadcast_to(np.array(style.UNSET, np.float32), (SIDE, SIDE, 3)), levels=(0, 255))
        if mode:
            self.extra.title.setText(side_title(mode))
            self.x0.title.setText(x0_title(mode))
        plot = _mode(mode).side_plot if mode and _mode(mode) is not None else None
        if plot == SCHEDULE:
            self.sched_dot.setData([999], [0.0])
            self._side_plot(self.sched)
        elif plot == DISTRIBUTION:
            self.hist_bars.setData([], [])
            self.hist_line.setValue(-1000)  # off the axis until a pixel is drawn
            self._side_plot(self.hist)
        else:
            self.empty.setText("")
            self._side_plot(None)

    def _order_image(self, frames, i: int) -> np.ndarray:
        if i < self._order_upto:  # scrubbed back: rebuild
            self._order_map[:] = np.nan
            self._order_upto = -1
        for j in range(self._order_upto + 1, i + 1):
            np_ = frames[j].new_pixels
            if np_ is not None:
                self._order_map[np_.indices[0]] = j
        self._order_upto = i
        total = max(1, frames[i].total_steps - 1)
        idx = np.nan_to_num(self._order_map / total * 255, nan=0).astype(np.uint8)
        rgb = _VIRIDIS[idx]
        rgb[np.isnan(self._order_map)] = style.UNSET  # not fixed yet: neutral grey, not "early"
        return rgb.reshape(SIDE, SIDE, 3)

    def show_frame(self, frames: list, i: int, side: bool = True):
        """Paint frame i of a run (all frames up to i are available for the order map). With
        side=False only the state, x0 and counter: the side views can follow at a lower rate."""
        f = frames[i]
        if self.x0.title.text() != x0_title(f.method):
            self.x0.title.setText(x0_title(f.method))
        if self._cont_nfe is not None and f.nfe != self._cont_nfe:
            self.hide_continuations()  # moved on (play, step, scrub): back to the method's views
        if side and self._cont_nfe is None:
            self._show_guidance(f)
        if f.known is not None and f.noise_level is None:  # AR: pixels not fixed yet in neutral grey, so fixed
            # black is visible (a diffusion completion also carries the given pixels; its state is all of x_t)
            self.state.set_image(_with_unset(f.state[0], f.known[0]), levels=(0, 255))
        else:
            self.state.set_image(f.state[0])
        self.x0.set_image(f.x0_mean[0])
        self.counter.setText(f"step {f.step + 1}/{f.total_steps}  NFE {f.nfe}  {f.elapsed_s:.1f} s")
        if f.new_pixels is not None:
            self.state.set_outline(f.new_pixels.indices[0])
        elif side or f.noise_level is not None:
            self.state.set_outline(None)
        if not side:
            return
        self.extra.title.setText(side_title(f.method))
        if f.new_pixels is not None:
            self.extra.set_image(self._order_image(frames, i), levels=(0, 255))
            self._side_plot(self.hist)
            self.hist_bars.setData(np.arange(257) - 0.5, p_height(f.new_pixels.probs[0, 0]))
            self.hist_line.setValue(float(f.new_pixels.values[0, 0]))
        elif f.noise_level is not None:
            nl = f.noise_level
            self._extra_cmap("CET-D1")
            if nl.eps_hat is not None:
                self.extra.set_image(nl.eps_hat[0], levels=(-3, 3))
            self._side_plot(self.sched)
            t = max(nl.t, 0)
            self.sched_dot.setData([t], [nl.alpha_bar])
        else:
            if f.uncertainty is not None:
                self._extra_cmap("magma")
                self.extra.set_image(f.uncertainty[0], levels=(0, 0.5))
            elif f.known is not None:
                self.extra.set_image(_with_unset(np.full((SIDE, SIDE), 0.8, np.float32), f.known[0]), levels=(0, 255))
            self.empty.setText(_explain(f))
            self._side_plot(None)

    def _side_plot(self, plot) -> None:
        """Under the side image: the distribution or the schedule plot, or (None) the mode's words, the
        image then taking most of the column (a plot's minimum height would leave it a thumbnail)."""
        if plot is not None:
            self.bottom.setCurrentWidget(plot)
        if self.bottom.isHidden() == (plot is None):
            return
        self.bottom.setVisible(plot is not None)
        self.empty.setVisible(plot is None)
        self._side.setStretch(0, IMAGE_STRETCH if plot is not None else IMAGE_ALONE_STRETCH)

    def _extra_cmap(self, name: str):
        """Set the side image's colour map only when it changes (setting it re-renders)."""
        if getattr(self, "_cmap_name", None) != name:
            self._cmap_name = name
            self.extra.image.setColorMap(pg.colormap.get(name))

    def show_continuations(self, c, at_nfe: int | None = None):
        """Show K continuations' mean and std in the side column until the view leaves that step."""
        self.cont_mean.title.setText(f"mean of {len(c.samples)}")  # short: the column is narrow
        self.cont_mean.set_image(c.mean)
        self.cont_std.set_image(c.std)
        self._cont_texts = continuations_texts(c, at_nfe)
        self.cont_label.setToolTip(self._cont_texts[0])  # all of it
        self._cont_nfe = at_nfe
        self.side.setCurrentWidget(self.cont_box)
        self.cont_box.layout().activate()  # its size now, not the one it had hidden
        self._fit_cont_label()

    def _fit_cont_label(self) -> None:
        """The longest wording of the verdict that fits the label (the window's size and look decide)."""
        texts, lab = getattr(self, "_cont_texts", None), self.cont_label
        if texts:
            fits = [t for t in texts if _label_height(lab, t) <= lab.height()]
            lab.setText(fits[0] if fits else texts[-1])

    def resizeEvent(self, ev):
        super().resizeEvent(ev)
        if self._cont_nfe is not None:
            self._fit_cont_label()

    def hide_continuations(self):
        self._cont_nfe = None
        self.side.setCurrentIndex(0)

    def _show_guidance(self, f):
        """With the guidance view on and a guided step on screen: its cond, uncond and their
        amplified difference; otherwise the method's own views."""
        gp = f.guidance_parts
        if not (self.guidance_view and gp is not None):
            if self.side.currentWidget() is self.guide_box:
                self.side.setCurrentIndex(0)
            return
        self.cond.set_image(gp.cond[0])
        self.uncond.set_image(gp.uncond[0])
        added = gp.guidance * (gp.cond[0] - gp.uncond[0])
        self.guide_diff.set_image(added)
        settled = float(np.abs(added).max()) < SETTLED  # the last steps: black, and that is the point
        self.guide_label.setText(
            f"x0 = without\n+ w·(with − without)\nw = {gp.guidance:g}"
            + ("\nnothing left to decide:\nwith = without" if settled else "")
        )
        self.side.setCurrentWidget(self.guide_box)


def continuations_verdict(c, at_nfe=None) -> str:
    """What K continuations show, claiming only what the numbers do (Continuations.matches_x0: x0
    nearer their mean than any one continuation; Continuations.verdict: what a difference means)."""
    return continuations_texts(c, at_nfe)[0]


def continuations_texts(c, at_nfe=None) -> list[str]:
    """The verdict in ever fewer words (the label shows the longest that fits it)."""
    k, se = len(c.samples), c.sampling_error
    head = f"K = {k} from NFE {at_nfe}: RMS(mean − x0) = {c.error:.3f} ± {se:.3f}, nearest continuation {c.nearest:.3f}"
    return [f"{head}; {c.verdict()}", f"{head}; {c.verdict(short=True)}", c.verdict(short=True)]


def _label_height(label, text: str) -> int:
    old = label.text()
    label.setText(text)
    h = label.heightForWidth(max(1, label.width()))
    label.setText(old)
    return h


def _with_unset(img: np.ndarray, known: np.ndarray) -> np.ndarray:
    """RGB 0..255: known pixels in grey levels, the rest in the 'not fixed yet' colour."""
    rgb = np.repeat((np.clip(img, 0, 1) * 255)[..., None], 3, axis=2)
    rgb[~known.astype(bool)] = style.UNSET
    return rgb


def _explain(f) -> str:
    """What a frame with no distribution or schedule shows, in the words of its mode."""
    m = of_method(f.method)
    return m.explain(f) if m is not None and m.explain is not None else ""
