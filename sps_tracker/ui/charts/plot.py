"""A time plot built from pyqtgraph's parts: a view box, a left axis and a calendar axis.

pyqtgraph's PlotItem also builds a plot-options menu (FFT, log, alpha, averaging...) from a
designer form for every plot; the trend has that menu switched off, and building it was
the largest part of creating the chart, so the trend's plots are assembled here instead.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsGridLayout, QGraphicsItem, QSizePolicy

from sps_tracker.ui.charts.axis import CalendarAxis, GridAxis


class TimePlot(pg.GraphicsWidget):  # type: ignore[misc]
    """A ``ViewBox`` (no context menu) with a left axis and a calendar bottom axis.

    It answers the few PlotItem calls the trend chart makes (``addItem``, ``clear``,
    ``getAxis``, ``setLabel``, ``showGrid`` and the view box's range methods).
    """

    def __init__(self, label: str, foreground: QColor, parent: QGraphicsItem | None = None) -> None:
        """``label`` names the left axis; axes, ticks and text are drawn in ``foreground``."""
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.grid = QGraphicsGridLayout()
        self.grid.setContentsMargins(1, 1, 1, 1)
        self.grid.setHorizontalSpacing(0)
        self.grid.setVerticalSpacing(0)
        self.setLayout(self.grid)
        self.vb = pg.ViewBox(parent=self, enableMenu=False)
        # Pens given at construction: each later change lays the axis label out again.
        self.axes: dict[str, pg.AxisItem] = {
            "left": GridAxis("left", pen=foreground, textPen=foreground, parent=self),
            "bottom": CalendarAxis(pen=foreground, textPen=foreground, parent=self),
        }
        self.axes["left"].setLabel(label)
        self.axes["left"].setWidth(60)
        self.grid.addItem(self.vb, 0, 1)
        self.grid.addItem(self.axes["left"], 0, 0)
        self.grid.addItem(self.axes["bottom"], 1, 1)
        for axis in self.axes.values():
            axis.linkToView(self.vb)
            # No units, so no SI prefix: skips relabelling the axis on every range change.
            axis.enableAutoSIPrefix(False)
            # As PlotItem: axes above images, items that must cover them at z >= 1.
            axis.setZValue(0.5)
            axis.setFlag(QGraphicsItem.GraphicsItemFlag.ItemNegativeZStacksBehindParent)
        for row in range(2):
            self.grid.setRowPreferredHeight(row, 0)
            self.grid.setRowMinimumHeight(row, 0)
            self.grid.setRowSpacing(row, 0)
            self.grid.setRowStretchFactor(row, 1)
        for column in range(2):
            self.grid.setColumnPreferredWidth(column, 0)
            self.grid.setColumnMinimumWidth(column, 0)
            self.grid.setColumnSpacing(column, 0)
            self.grid.setColumnStretchFactor(column, 1)
        self.grid.setRowStretchFactor(0, 100)
        self.grid.setColumnStretchFactor(1, 100)
        self.items: list[QGraphicsItem] = []

    # -- what the trend chart calls on a plot ---------------------------------------

    def getViewBox(self) -> pg.ViewBox:  # noqa: N802
        return self.vb

    def getAxis(self, name: str) -> pg.AxisItem:  # noqa: N802
        return self.axes[name]

    def setLabel(self, axis: str, text: str) -> None:  # noqa: N802
        self.axes[axis].setLabel(text)

    def showGrid(self, x: bool = False, y: bool = False, alpha: float = 0.3) -> None:  # noqa: N802
        level = int(max(0.0, min(alpha, 1.0)) * 255)
        self.axes["bottom"].setGrid(level if x else False)
        self.axes["left"].setGrid(level if y else False)

    def addItem(self, item: QGraphicsItem, ignoreBounds: bool = False) -> None:  # noqa: N802, N803
        """ViewBox.addItem, without first adding the item to the scene on its own (a Qt 4
        work-around): that connected each item to the widget's signals, then moved them."""
        self.items.append(item)
        vb = self.vb
        if item.zValue() < vb.zValue():
            item.setZValue(vb.zValue() + 1)
        item.setParentItem(vb.childGroup)
        if not ignoreBounds:
            vb.addedItems.append(item)
        vb.queueUpdateAutoRange()

    def removeItem(self, item: QGraphicsItem) -> None:  # noqa: N802
        if item in self.items:
            self.items.remove(item)
            self.vb.removeItem(item)

    def clear(self) -> None:
        for item in self.items:
            self.vb.removeItem(item)
        self.items = []

    def setXLink(self, other: TimePlot) -> None:  # noqa: N802
        self.vb.setXLink(other.vb)

    def setXRange(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        self.vb.setXRange(*args, **kwargs)

    def setYRange(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        self.vb.setYRange(*args, **kwargs)

    def setLimits(self, **kwargs: Any) -> None:  # noqa: N802
        self.vb.setLimits(**kwargs)

    def setMouseEnabled(self, x: bool | None = None, y: bool | None = None) -> None:  # noqa: N802
        self.vb.setMouseEnabled(x=x, y=y)

    def disableAutoRange(self) -> None:  # noqa: N802
        self.vb.disableAutoRange()

    def viewRange(self) -> list[list[float]]:  # noqa: N802
        return list(self.vb.viewRange())
