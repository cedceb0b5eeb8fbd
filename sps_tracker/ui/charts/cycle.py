"""Scores against days since the latest course: is IVIg wearing off before the next one?"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from sps_tracker.domain import analysis
from sps_tracker.domain.scales import SCALES
from sps_tracker.services import ChartData
from sps_tracker.ui.charts.style import chart_colours, pen

# Sparse ratings (a few per cycle) are pooled by week so the median has something to take.
DENSE_POINTS_PER_CYCLE = 10


class CycleChart(QWidget):
    """Each cycle a faint line, the median across cycles bold, the typical interval marked.

    The caption is written at once; the plots are built and drawn when the chart is
    first on screen (it sits on a tab behind the trend chart).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Infusion-cycle chart"))
        self.colours = chart_colours(self.palette())
        self.cycles: dict[str, list[analysis.Cycle]] = {}
        self.medians: dict[str, analysis.MedianCurve] = {}
        self.cycle_items: dict[str, pg.PlotDataItem] = {}
        self.median_items: dict[str, pg.PlotDataItem] = {}
        self.interval_lines: dict[str, pg.InfiniteLine] = {}
        self.typical_interval: float | None = None
        self.plots: dict[str, pg.PlotItem] = {}
        self._graphics: pg.GraphicsLayoutWidget | None = None
        self._pending: tuple[ChartData, Collection[str] | None, analysis.PlacedSeries] | None = None

        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setAccessibleName(self.tr("Infusion-cycle summary"))
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.addWidget(self.caption)

    @property
    def graphics(self) -> pg.GraphicsLayoutWidget:
        """The plots, built on first use."""
        if self._graphics is None:
            self._graphics = self._build()
            self.column.addWidget(self._graphics, 1)
        return self._graphics

    def _build(self) -> pg.GraphicsLayoutWidget:
        graphics = pg.GraphicsLayoutWidget()
        graphics.setAccessibleName(self.tr("Scores by days since the latest course"))
        graphics.setBackground(self.colours.background)
        for row, s in enumerate(SCALES):
            plot = graphics.addPlot(row=row, col=0)
            plot.setLabel("left", f"{s.abbreviation} (0–{s.maximum})")
            plot.getAxis("left").setTicks([[(i, str(i)) for i in range(s.maximum + 1)]])
            plot.setYRange(-0.3, s.maximum + 0.3, padding=0)
            plot.setMouseEnabled(x=True, y=False)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.showGrid(x=True, y=True, alpha=self.colours.grid_alpha)
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setPen(self.colours.foreground)
                plot.getAxis(axis).setTextPen(self.colours.foreground)
            plot.getAxis("left").setWidth(60)
            if row:
                plot.setXLink(self.plots[SCALES[0].key])
            # The x-range is set once per patient in _draw.
            plot.disableAutoRange()
            self.plots[s.key] = plot
        last = self.plots[SCALES[-1].key]
        last.setLabel("bottom", self.tr("Days since the start of the latest course"))
        self.legend = pg.LegendItem(colCount=3, labelTextColor=self.colours.foreground)
        graphics.addItem(self.legend, row=len(SCALES), col=0)
        return graphics

    def set_data(
        self,
        data: ChartData,
        *,
        sources: Collection[str] | None = None,
        placed: analysis.PlacedSeries | None = None,
    ) -> None:
        """The caption now; the plots now if on screen, else when next shown."""
        starts = analysis.course_days(data.course_starts)
        self.typical_interval = analysis.typical_interval_days(starts)
        self.caption.setText(self.caption_text(len(starts)))
        if self._graphics is not None:
            self._graphics.setAccessibleDescription(self.caption.text())
        self._pending = (data, sources, placed if placed is not None else data.scores.placed(None))
        if self.isVisible():
            self._draw()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._pending is not None:
            self._draw()

    def _draw(self) -> None:
        assert self._pending is not None
        data, sources, placed = self._pending
        self._pending = None
        graphics = self.graphics
        for plot in self.plots.values():
            plot.clear()
        self.legend.clear()
        self.cycle_items.clear()
        self.median_items.clear()
        self.interval_lines.clear()
        starts = analysis.course_days(data.course_starts)
        longest = 0.0
        for s in SCALES:
            cycles = analysis.align_to_cycles(placed.column(s.key, sources), starts, tz=None)
            self.cycles[s.key] = cycles
            rated = [c for c in cycles if c.days]
            per_cycle = np.median([len(c.days) for c in rated]) if rated else 0
            bin_days = 1 if per_cycle >= DENSE_POINTS_PER_CYCLE else 7
            median = analysis.median_cycle_curve(cycles, bin_days=bin_days)
            self.medians[s.key] = median
            plot = self.plots[s.key]
            # All cycles in one item, broken by NaN: one draw call, not one per cycle.
            xs: list[float] = []
            ys: list[float] = []
            for cycle in rated:
                xs.extend(cycle.days)
                ys.extend(cycle.totals)
                xs.append(np.nan)
                ys.append(np.nan)
                longest = max(longest, cycle.days[-1])
            faint = pg.PlotDataItem(
                np.array(xs, dtype=float),
                np.array(ys, dtype=float),
                connect="finite",
                pen=pen(self.colours.cycle, 1),
            )
            plot.addItem(faint)
            self.cycle_items[s.key] = faint
            bold = pg.PlotDataItem(
                np.array(median.days),
                np.array(median.medians),
                pen=pen(self.colours.median, 4),
                symbol="o",
                symbolSize=6,
                symbolBrush=self.colours.median,
                symbolPen=None,
            )
            bold.setZValue(10)
            plot.addItem(bold)
            self.median_items[s.key] = bold
            if self.typical_interval is not None:
                line = pg.InfiniteLine(
                    pos=self.typical_interval,
                    angle=90,
                    pen=pen(self.colours.foreground, 2, "dash"),
                    label=self.tr("typical interval %1 days").replace(
                        "%1", f"{self.typical_interval:g}"
                    ),
                    labelOpts={"position": 0.9, "color": self.colours.foreground},
                )
                plot.addItem(line, ignoreBounds=True)
                self.interval_lines[s.key] = line
            if s is SCALES[0]:
                n = len(rated)
                self.legend.addItem(faint, self.tr("Each cycle (%1)").replace("%1", str(n)))
                unit = self.tr("daily") if bin_days == 1 else self.tr("weekly")
                name = self.tr("Median across cycles (%1)").replace("%1", unit)
                self.legend.addItem(bold, name)
                if s.key in self.interval_lines:
                    # The legend draws samples of data items only, so a stand-in carries the pen.
                    sample = pg.PlotDataItem(pen=pen(self.colours.foreground, 2, "dash"))
                    self.legend.addItem(sample, self.tr("Typical interval between courses"))
        right = max(
            (self.typical_interval or 0) * 1.25,
            min(longest, (self.typical_interval or 42) * 2) + 1,
            14,
        )
        self.plots[SCALES[0].key].setXRange(0, right, padding=0.02)
        graphics.setAccessibleDescription(self.caption.text())

    def caption_text(self, n_courses: int) -> str:
        if n_courses == 0:
            return self.tr("No infusion course recorded yet: there are no cycles to show.")
        if self.typical_interval is None:
            return self.tr("One infusion course so far; the typical interval needs two.")
        text = self.tr(
            "%1 courses; typical interval between courses %2 days (median gap). "
            "Scores rising towards the end of a cycle suggest wearing-off."
        )
        return text.replace("%1", str(n_courses)).replace("%2", f"{self.typical_interval:g}")
