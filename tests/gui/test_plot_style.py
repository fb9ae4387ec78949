"""Plot axes show the values plotted: a probability axis reads 0-1, never 0-1000."""

import pyqtgraph as pg

from gui import style


def test_a_small_range_is_not_relabelled_with_an_si_prefix(qtbot):
    """pyqtgraph's enableAutoSIPrefix(False) computes the prefix once more before it stops: on a
    0-0.05 axis that froze a x1000 ("milli") tick scale, and p(this pixel) read 0-1000 in a real
    window."""
    pw = pg.PlotWidget()
    qtbot.addWidget(pw)
    pw.setLabel("left", "p")
    pw.setYRange(0, 0.05, padding=0)
    style.style_plot(pw, lecture=True, title="p(this pixel)")
    pw.setYRange(0, 1, padding=0)
    ax = pw.getPlotItem().getAxis("left")
    assert ax.autoSIPrefixScale == 1.0
    assert ax.tickStrings([0.0, 0.5, 1.0], ax.autoSIPrefixScale * ax.scale, 0.5) == ["0", "0.5", "1.0"]
