"""A calendar time axis: one level of ticks on local days, months or years, each labelled.

pyqtgraph's DateAxisItem (0.14) can print month names against the wrong ticks when it
thins crowded labels; on a medical chart a wrong date is worse than fewer dates, so this
axis picks one step that fits and labels every tick it draws.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, ClassVar

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPen, QPicture

from sps_tracker.ui.charts.style import day_x

LABEL_PIXELS = 88  # room for "Sep 2026" at the default font
# (days per step, or months per step as negative numbers)
STEPS: tuple[tuple[str, int], ...] = (
    ("day", 1),
    ("day", 2),
    ("day", 7),
    ("day", 14),
    ("month", 1),
    ("month", 2),
    ("month", 3),
    ("month", 6),
    ("month", 12),
    ("month", 24),
    ("month", 60),
)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def calendar_ticks(low: float, high: float, pixels: float) -> tuple[str, int, list[date]]:
    """The finest step whose labels fit, and its tick days between two epoch times."""
    if high <= low:
        return "day", 1, []
    first = datetime.fromtimestamp(low).date()
    last = datetime.fromtimestamp(high).date()
    span_days = max(1, (last - first).days)
    room = max(1, int(pixels // LABEL_PIXELS))
    for unit, step in STEPS:
        days_per_step = step if unit == "day" else step * 30.4
        if span_days / days_per_step <= room:
            break
    ticks: list[date] = []
    if unit == "day":
        # Weekly and fortnightly ticks fall on Mondays so they do not wander when panning.
        day = first - timedelta(days=first.weekday() if step >= 7 else 0)
        while day <= last:
            if day >= first:
                ticks.append(day)
            day += timedelta(days=step)
    else:
        index = first.year * 12 + first.month - 1
        index -= index % step
        day = date(index // 12, index % 12 + 1, 1)
        while day <= last:
            if day >= first:
                ticks.append(day)
            day = _add_months(day, step)
    return unit, step, ticks


def tick_label(day: date, unit: str, step: int) -> str:
    if unit == "day":
        return day.strftime("%d %b")
    if step >= 12:
        return day.strftime("%Y")
    return day.strftime("%b %Y")


def _plain(pen: QPen) -> bool:
    return (
        pen.isCosmetic()
        and pen.widthF() <= 1
        and pen.style() == Qt.PenStyle.SolidLine
        and pen.brush().style() == Qt.BrushStyle.SolidPattern
    )


class _Measuring:
    """The painter AxisItem.generateDrawSpecs measures tick labels with, remembering each
    label's size: the same labels come back with every plot, redraw and pan."""

    sizes: ClassVar[dict[tuple[str, str], QRectF]] = {}

    def __init__(self, painter: QPainter) -> None:
        self.painter = painter

    def setFont(self, font: QFont) -> None:  # noqa: N802
        self.painter.setFont(font)

    def fontMetrics(self) -> QFontMetrics:  # noqa: N802
        return self.painter.fontMetrics()

    def boundingRect(self, rect: QRectF, flags: Any, text: str) -> QRectF:  # noqa: N802
        key = (f"{self.painter.font().key()} {rect.getRect()} {int(flags)}", text)
        found = self.sizes.get(key)
        if found is None:
            if len(self.sizes) > 4096:
                self.sizes.clear()
            found = self.sizes[key] = self.painter.boundingRect(rect, flags, text)
        return QRectF(found)  # a copy: the caller changes it


class GridAxisMixin:
    """Draws horizontal grid lines and ticks as one-pixel-high rectangles, straight onto the
    view rather than recorded into a QPicture and played back.

    Qt draws a translucent cosmetic line pixel by pixel: the grid of one plot took ~1 ms
    a paint; filling the same pixels as a rectangle is one span per row (~0.03 ms).
    """

    _specs: Any = None
    picture: QPicture | None

    def paint(self, p: QPainter, *args: Any) -> None:
        # AxisItem.paint records the drawing into ``self.picture`` and plays it at every
        # paint; here ``picture`` only says whether the tick positions are current (AxisItem
        # drops it whenever they may have changed) and the same drawing is done directly.
        if self.picture is None:
            picture = QPicture()
            painter = QPainter(picture)
            try:
                font = self.style["tickFont"]  # type: ignore[attr-defined]
                if font:
                    painter.setFont(font)
                self._specs = self.generateDrawSpecs(_Measuring(painter))  # type: ignore[attr-defined]
            finally:
                painter.end()
            self.picture = picture
        if self._specs is not None:
            self.drawPicture(p, *self._specs)

    def _updateLabel(self) -> None:  # noqa: N802
        # AxisItem lays the label's HTML out again on every pen, range or label change
        # (some 60 times while a chart is built); only a changed text needs it.
        # A hidden label (every calendar axis's) is laid out when it is shown, if ever.
        label = self.label  # type: ignore[attr-defined]
        if label.isVisibleTo(self):
            text = self.labelString()  # type: ignore[attr-defined]
            if text != getattr(self, "_label_text", None):
                self._label_text = text
                label.setHtml(text)
        self._adjustSize()  # type: ignore[attr-defined]
        self.picture = None
        self.update()  # type: ignore[attr-defined]

    def showLabel(self, show: bool = True) -> None:  # noqa: N802
        super().showLabel(show)  # type: ignore[misc]
        if show:
            self._updateLabel()

    def drawPicture(  # noqa: N802
        self, p: QPainter, axisSpec: Any, tickSpecs: Any, textSpecs: Any
    ) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        others = []
        for pen, start, end in tickSpecs:
            # Only horizontal ones: a rectangle of many rows is blended in several threads,
            # and waiting for them costs more than the line did; and a vertical line's end
            # pixels do not round as a rectangle's edges do.
            if not _plain(pen) or start.y() != end.y():
                others.append((pen, start, end))
                continue
            # The pixels an aliased one-pixel line covers: centred on the line, rounded by Qt
            # as it rounds a filled rectangle (the axis may sit at a fractional position).
            left, right = sorted((start.x(), end.x()))
            top, bottom = sorted((start.y(), end.y()))
            p.fillRect(
                QRectF(left - 0.5, top - 0.5, right - left + 1, bottom - top + 1), pen.color()
            )
        # The rest as AxisItem.drawPicture, the text clip kept within the painter's own.
        pen, start, end = axisSpec
        p.setPen(pen)
        p.drawLine(start, end)
        for pen, start, end in others:
            p.setPen(pen)
            p.drawLine(start, end)
        font = self.style["tickFont"]  # type: ignore[attr-defined]
        if font is not None:
            p.setFont(font)
        p.setPen(self.textPen())  # type: ignore[attr-defined]
        p.setClipRect(self.boundingRect().toAlignedRect(), Qt.ClipOperation.IntersectClip)  # type: ignore[attr-defined]
        for rect, flags, text in textSpecs:
            p.drawText(rect, int(flags), text)


class GridAxis(GridAxisMixin, pg.AxisItem):  # type: ignore[misc]
    """A value axis whose grid lines are cheap to paint."""


class CalendarAxis(GridAxisMixin, pg.DateAxisItem):  # type: ignore[misc]
    """Bottom axis in epoch seconds, labelled in this computer's local calendar."""

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self._labels: dict[float, str] = {}

    def tickValues(
        self, minVal: float, maxVal: float, size: float
    ) -> list[tuple[float, list[float]]]:  # noqa: N802, N803
        unit, step, days = calendar_ticks(minVal, maxVal, size)
        values = [day_x(d) for d in days]
        self._labels = {v: tick_label(d, unit, step) for v, d in zip(values, days, strict=True)}
        spacing = (step if unit == "day" else step * 30.4) * 86_400.0
        return [(spacing, values)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [
            self._labels.get(v) or datetime.fromtimestamp(v).strftime("%d %b %Y") for v in values
        ]
