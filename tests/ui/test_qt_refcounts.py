"""Guard against a Qt binding that loses references on every paint.

PySide6 6.12.0 under Python 3.11 decrements None and True once too often per pyqtgraph
paint; after a few thousand paints the interpreter aborts with "none_dealloc".
"""

from __future__ import annotations

import gc
import sys

import numpy as np
import pyqtgraph as pg
from pytestqt.qtbot import QtBot


def test_painting_a_chart_keeps_none_alive(qtbot: QtBot) -> None:
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.plot(np.arange(100), np.sin(np.arange(100)), symbol="o")
    plot.addItem(pg.LinearRegionItem((10, 20), movable=False))
    plot.resize(600, 400)
    plot.show()
    plot.grab()  # warm-up: caches and first-paint objects
    gc.collect()
    before = (sys.getrefcount(None), sys.getrefcount(True))
    for _ in range(40):
        plot.grab()
    gc.collect()
    after = (sys.getrefcount(None), sys.getrefcount(True))
    # A sound binding changes these by a handful at most; the broken one by hundreds.
    assert after[0] - before[0] > -40, "painting loses references to None"
    assert after[1] - before[1] > -40, "painting loses references to True"
