"""Graphics items that draw many simple shapes of one kind as one item, cheaply."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QStyleOptionGraphicsItem, QWidget


class SpanBars(pg.BarGraphItem):  # type: ignore[misc]
    """Bars that share one bottom and one height (infusion courses), filled in one go.

    Qt fills a scaled rectangle scan line by scan line, so 125 narrow courses the full
    height of a plot took ~5 ms a paint; here the bars become one row of pixels that is
    stretched to their height (~0.3 ms); a stretched image is also blended in one thread,
    where Qt splits a translucent fill of many rows over its thread pool and waits for it.
    Anything else is drawn by BarGraphItem itself.
    """

    def paint(self, p: QPainter, *args: Any) -> None:
        t = p.transform()
        opts = self.opts
        if (
            not self._singleColor
            or self._sharedPen.style() != Qt.PenStyle.NoPen
            or self._sharedBrush.style() != Qt.BrushStyle.SolidPattern
            or t.m12() != 0
            or t.m21() != 0
            or np.ndim(opts.get("y0")) != 0
            or np.ndim(opts.get("height")) != 0
            or opts.get("x0") is None
            or opts.get("width") is None
        ):
            super().paint(p, *args)
            return
        y0 = float(opts["y0"])
        y1 = y0 + float(opts["height"])
        top, bottom = sorted((y0 * t.m22() + t.dy(), y1 * t.m22() + t.dy()))
        x0 = np.asarray(opts["x0"], dtype=float)
        x1 = x0 + np.asarray(opts["width"], dtype=float)
        a = x0 * t.m11() + t.dx()
        b = x1 * t.m11() + t.dx()
        left, right = np.minimum(a, b), np.maximum(a, b)
        if p.hasClipping():
            area = t.mapRect(p.clipBoundingRect())
        else:
            device = p.device()
            area = QRectF(0, 0, device.width(), device.height()) if device else QRectF()
        low = math.floor(max(float(left.min()), area.left()))
        high = math.ceil(min(float(right.max()), area.right()))
        if high <= low or bottom <= top:
            return
        # Each bar covers the pixels its edges round to, and at least one.
        first = np.clip(np.rint(left - low).astype(np.int64), 0, high - low)
        last = np.clip(np.maximum(np.rint(right - low).astype(np.int64), first + 1), 0, high - low)
        size = high - low + 1
        edges = np.bincount(first, minlength=size) - np.bincount(last, minlength=size)
        covered = np.cumsum(edges[:-1]) > 0
        colour = self._sharedBrush.color()
        alpha = colour.alpha()
        argb = (
            alpha << 24
            | (colour.red() * alpha // 255) << 16
            | (colour.green() * alpha // 255) << 8
            | (colour.blue() * alpha // 255)
        )
        row = np.where(covered, np.uint32(argb), np.uint32(0)).astype(np.uint32)
        image = QImage(row.data, len(row), 1, QImage.Format.Format_ARGB32_Premultiplied)
        p.save()
        p.resetTransform()
        p.drawImage(QRectF(low, top, len(row), bottom - top), image)
        p.restore()


class ScoreLine(pg.PlotCurveItem):  # type: ignore[misc]
    """A line through many points, clipped to the x range in view and thinned to its pixels.

    What a PlotDataItem with ``setDownsampling(auto=True, method="peak")`` and
    ``setClipToView(True)`` draws (the same points, so the same pixels), without the
    unused scatter it carries and without rebuilding the path when a range change
    leaves the drawn points as they were (the page's layout passes change it ~7 times).
    Points are in increasing x order and finite.
    """

    SAMPLES_PER_PIXEL = 5.0  # PlotDataItem's autoDownsampleFactor

    def __init__(self, x: np.ndarray, y: np.ndarray, pen: QPen) -> None:
        super().__init__(pen=pen, connect="all", skipFiniteCheck=True)
        self._x = np.asarray(x, dtype=float)
        self._y = np.asarray(y, dtype=float)
        self._factor = 1  # the last thinning factor, kept while within 1 % (as PlotDataItem)
        self._drawn: tuple[int, int, int] | None = None

    def getOriginalDataset(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802
        return self._x, self._y

    def viewRangeChanged(self, vb: Any = None, ranges: Any = None, changed: Any = None) -> None:  # noqa: N802
        # Only the x range decides what is drawn.
        if changed is None or changed[0]:
            self._thin()

    def _thin(self) -> None:
        view = self.getViewBox()
        if not isinstance(view, pg.ViewBox):
            return  # not in a plot yet (added to the scene before the view box takes it)
        x, y = self._x, self._y
        rect = view.viewRect()
        factor = 1
        if len(x) > 1:
            dx = float(x[-1] - x[0]) / (len(x) - 1)
            width = view.width()
            if dx != 0.0 and width != 0.0:
                found = max(1.0, abs(rect.width() / dx / (width * self.SAMPLES_PER_PIXEL)))
                if math.isfinite(found):
                    factor = int(found)
        if math.isclose(factor, self._factor, rel_tol=0.01):
            factor = self._factor
        self._factor = factor
        first, last = 0, len(x)
        if len(x) > 1 and not view.autoRangeEnabled()[0]:
            # One thinned point beyond each edge, so the line runs to the edge of the view.
            first = min(max(int(np.searchsorted(x, rect.left())) - factor, 0), len(x))
            last = min(max(int(np.searchsorted(x, rect.right())) + factor, first), len(x))
        if self._drawn == (first, last, factor):
            return
        self._drawn = (first, last, factor)
        xs, ys = x[first:last], y[first:last]
        if factor > 1:
            # Each run of ``factor`` points becomes its highest and lowest value.
            n = len(xs) // factor
            middle = factor // 2
            xs = np.repeat(xs[middle : middle + n * factor : factor], 2)
            runs = ys[: n * factor].reshape(n, factor)
            ys = np.column_stack((runs.max(axis=1), runs.min(axis=1))).reshape(n * 2)
        self.setData(x=xs, y=ys)


class Segments(pg.GraphicsObject):  # type: ignore[misc]
    """Straight segments drawn with one pen: reference lines, medication-change days.

    One item instead of a PlotDataItem (a curve and a scatter) per line. ``opts["pen"]``
    is what a legend sample draws.
    """

    def __init__(self, pen: QPen, segments: Iterable[tuple[float, float, float, float]] = ()):
        super().__init__()
        self.opts: dict[str, Any] = {"pen": pen}
        self.lines: list[QLineF] = []
        self._bounds = QRectF()
        for segment in segments:
            self.add(*segment)

    def add(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.prepareGeometryChange()
        self.lines.append(QLineF(x0, y0, x1, y1))
        xs = [line.x1() for line in self.lines] + [line.x2() for line in self.lines]
        ys = [line.y1() for line in self.lines] + [line.y2() for line in self.lines]
        # A horizontal or vertical line has no area; a sliver keeps it from being culled.
        width = max(max(xs) - min(xs), 1.0)
        height = max(max(ys) - min(ys), 1e-3)
        self._bounds = QRectF(min(xs), min(ys), width, height).adjusted(
            -width * 1e-3, -height * 1e-3, width * 1e-3, height * 1e-3
        )

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def paint(
        self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        pen = self.opts["pen"]
        t = p.transform()
        p.setPen(pen)
        if not pen.isCosmetic() or t.isRotating():
            p.drawLines(self.lines)
            return
        # Dashes and dots are stroked several times quicker in device pixels than through
        # the view's scaling; a cosmetic pen looks the same either way.
        p.save()
        p.resetTransform()
        p.drawLines([t.map(line) for line in self.lines])
        p.restore()


class LegendLabel(pg.GraphicsWidget):  # type: ignore[misc]
    """A legend entry's name as plain text: LabelItem lays out HTML for each entry.

    Same size and place as LabelItem's text (a 4-pixel margin all round); ``text`` as there.
    """

    def __init__(self, text: str, colour: QColor, size: str) -> None:
        super().__init__()
        self.text = text
        self.item = QGraphicsSimpleTextItem(text, self)
        font = QFont(self.item.font())
        if size.endswith("pt"):
            font.setPointSizeF(float(size[:-2]))
        self.item.setFont(font)
        self.item.setBrush(QBrush(colour))
        self.item.setPos(4, 4)
        bounds = self.item.boundingRect()
        self.setMinimumSize(bounds.width() + 8, bounds.height() + 8)
        self.setPreferredSize(bounds.width() + 8, bounds.height() + 8)


class Legend(pg.LegendItem):  # type: ignore[misc]
    """pyqtgraph's legend with plain-text labels, filled in one go.

    Entries fill the columns row by row; an entry named in ``wide`` gets a row of its own
    across all columns, so one long name does not make every column as wide.
    """

    columnCount: int  # noqa: N815  (pyqtgraph's name)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, sampleType=KeySample, **kwargs)
        self.wide: frozenset[int] = frozenset()
        self._next = (0, 0, 0)  # the row and column the next entry goes to, and its number

    def addItem(self, item: Any, name: str) -> None:  # noqa: N802
        self.add_entries([(item, name)])

    def clear(self) -> None:
        super().clear()
        self._next = (0, 0, 0)

    def setColumnCount(self, columnCount: int) -> None:  # noqa: N802, N803
        self.arrange(columnCount, self.wide)

    def arrange(self, columns: int, wide: frozenset[int]) -> None:
        """Lay the entries out again in ``columns`` columns, those in ``wide`` across them."""
        if columns == self.columnCount and wide == self.wide:
            return
        self.columnCount = columns
        self.wide = wide
        for i in range(self.layout.count() - 1, -1, -1):
            self.layout.removeAt(i)
        self._next = (0, 0, 0)
        for sample, label in self.items:
            self._addItemToLayout(sample, label)
        self.updateSize()

    def _addItemToLayout(self, sample: Any, label: Any) -> None:  # noqa: N802
        row, column, number = self._next
        columns = self.columnCount
        centred = Qt.AlignmentFlag.AlignVCenter
        if columns > 1 and number in self.wide:
            if column:
                row, column = row + 1, 0
            self.layout.addItem(sample, row, 0, alignment=centred)
            self.layout.addItem(label, row, 1, 1, 2 * columns - 1)
            row += 1
        else:
            self.layout.addItem(sample, row, 2 * column, alignment=centred)
            self.layout.addItem(label, row, 2 * column + 1)
            column += 1
            if column == columns:
                row, column = row + 1, 0
        self._next = (row, column, number + 1)
        self.rowCount = row + (1 if column else 0)

    def add_entries(self, entries: Iterable[tuple[Any, str]]) -> None:
        colour = pg.mkColor(self.opts["labelTextColor"] or pg.getConfigOption("foreground"))
        size = self.opts["labelTextSize"]
        for item, name in entries:
            label = LegendLabel(name, colour, size)
            sample = item if isinstance(item, self.sampleType) else self.sampleType(item)
            sample.sigClicked.connect(self.sigSampleClicked)
            self.items.append((sample, label))
            self._addItemToLayout(sample, label)
        self.updateSize()


class SourceKey(pg.GraphicsObject):  # type: ignore[misc]
    """A legend key for one source of ratings: its line and point symbol; never plotted.

    Clicking the key hides or shows it (as ItemSample does with any item); the chart
    follows its visibility. Lighter than the PlotDataItem it replaces, which also drew
    its symbol in pyqtgraph's default colours rather than the plotted ones.
    """

    def __init__(
        self, line_pen: QPen, symbol: str, size: float, symbol_pen: QPen, symbol_brush: Any
    ) -> None:
        super().__init__()
        self.opts: dict[str, Any] = {
            "pen": line_pen,
            "symbol": symbol,
            "size": size,
            "symbol_pen": symbol_pen,
            "brush": symbol_brush,
        }

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF()

    def paint(self, *args: Any) -> None:
        pass


class KeySample(pg.ItemSample):  # type: ignore[misc]
    """ItemSample that also draws a SourceKey: the line, then the symbol with its own pen."""

    def paint(self, p: QPainter, *args: Any) -> None:
        key = self.item
        if not isinstance(key, SourceKey) or not key.isVisible():
            super().paint(p, *args)
            return
        opts = key.opts
        p.setPen(pg.mkPen(opts["pen"]))
        p.drawLine(0, 11, 20, 11)
        p.translate(10, 10)
        drawSymbol(
            p, opts["symbol"], opts["size"], pg.mkPen(opts["symbol_pen"]), pg.mkBrush(opts["brush"])
        )
