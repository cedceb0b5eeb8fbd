"""DSI and HSS over time with infusion courses, falls, medication changes and reference lines."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGraphicsScene,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from sps_tracker.domain import analysis
from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.reference import ReferenceSet
from sps_tracker.domain.scales import SCALES, scale
from sps_tracker.services import ChartData
from sps_tracker.ui.charts.items import Legend, ScoreLine, Segments, SourceKey, SpanBars
from sps_tracker.ui.charts.overlays import Overlay, baseline_overlay, reference_overlay
from sps_tracker.ui.charts.plot import TimePlot
from sps_tracker.ui.charts.style import DAY_SECONDS, ChartColours, chart_colours, day_x, pen

RANGES = {"3m": 91, "1y": 365, "all": None}
HOVER_PIXELS = 8
# A legend entry's key and the spaces beside its name (pyqtgraph: 20 + 5 + 5 pixels).
LEGEND_KEY_ROOM = 30
# A point's symbol is drawn when the points in view leave it this many pixels of width.
SYMBOL_ROOM_PIXELS = 2


def _date_text(day: date) -> str:
    return day.strftime("%d %b %Y")


class TrendChart(QWidget):
    """Two score plots on one time axis, a falls track, and switchable reference overlays."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Trend chart"))
        self.colours: ChartColours = chart_colours(self.palette())
        self.data: ChartData | None = None
        self.overlays: dict[str, Overlay] = {}
        self.overlay_checks: dict[str, QCheckBox] = {}
        self.score_items: dict[tuple[str, str], ScoreLine] = {}
        self.symbol_items: dict[tuple[str, str], pg.ScatterPlotItem] = {}
        self.symbol_data: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.symbol_styles: dict[str, tuple[dict[str, Any], int]] = {}
        self.source_samples: dict[pg.GraphicsObject, str] = {}
        self.hidden_sources: set[str] = set()
        self._filling = False
        self.course_items: dict[str, pg.BarGraphItem] = {}
        self.hover_text = ""
        self.comparison: dict[str, analysis.TrialComparison | None] = {}
        self.times = np.array([], dtype=float)
        self.sources = np.array([], dtype=object)
        self.totals: dict[str, np.ndarray] = {}
        self.fall_x = np.array([], dtype=float)
        self.fall_bins = analysis.FallBins((), (), 30)
        self.medication_x = np.array([], dtype=float)
        self.medication_events: list[analysis.MedicationEvent] = []
        self.extent = (0.0, DAY_SECONDS)
        self.legend_entries: list[tuple[pg.GraphicsObject, str]] = []
        # Chart data leaves the items of each assessment out; hover asks for one at a time.
        self.items_lookup: Callable[[int], Mapping[str, tuple[str, ...]]] | None = None
        self._items_read: dict[int, dict[str, tuple[str, ...]]] = {}

        self.graphics = pg.GraphicsLayoutWidget()
        # A hundred items that move with every pan and zoom: Qt's BSP index of them costs
        # more to keep up than scanning them when painting or hit-testing.
        self.graphics.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.graphics.setAccessibleName(self.tr("DSI and HSS over time"))
        self.graphics.setBackground(self.colours.background)
        self.comparison_label = pg.LabelItem(justify="left", color=self.colours.foreground)
        self._place(self.comparison_label, 0)
        self.plots: dict[str, TimePlot] = {}
        foreground = self.colours.foreground
        for row, s in enumerate(SCALES, start=1):
            plot = TimePlot(f"{s.abbreviation} (0–{s.maximum})", foreground)
            self._place(plot, row)
            plot.getAxis("left").setTicks([[(i, str(i)) for i in range(s.maximum + 1)]])
            plot.showGrid(x=True, y=True, alpha=self.colours.grid_alpha)
            plot.setYRange(-0.5, s.maximum + 0.9, padding=0)
            plot.setLimits(yMin=-0.6, yMax=s.maximum + 1.0)
            self.plots[s.key] = plot
        self.falls_plot = TimePlot(self.tr("Falls / 30 d"), foreground)
        self._place(self.falls_plot, len(SCALES) + 1)
        self.falls_plot.setMaximumHeight(120)
        for plot in (*self.plots.values(), self.falls_plot):
            plot.setMouseEnabled(x=True, y=False)
            if plot is not self.plots[SCALES[0].key]:
                plot.setXLink(self.plots[SCALES[0].key])
            # Ranges are set once per patient (show_range): adding items must not refit them.
            plot.disableAutoRange()
        for key, plot in self.plots.items():
            update = lambda *_, k=key: self._update_symbols(k)  # noqa: E731
            plot.vb.sigXRangeChanged.connect(update)
            plot.vb.sigResized.connect(update)
        self.legend = Legend(colCount=2, labelTextColor=foreground, labelTextSize="9pt")
        self._place(self.legend, len(SCALES) + 2)
        self.legend.sigSampleClicked.connect(self._sample_clicked)
        # The legend's least width in two columns, by the entries given rows of their own.
        self._legend_widths: dict[frozenset[int], float] = {}
        self.graphics.viewport().installEventFilter(self)
        self.graphics.scene().sigMouseMoved.connect(self._mouse_moved)

        self.range_buttons: dict[str, QPushButton] = {}
        buttons = QHBoxLayout()
        group = QButtonGroup(self)
        for key, text in (
            ("3m", self.tr("3 months")),
            ("1y", self.tr("1 year")),
            ("all", self.tr("All")),
        ):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setMinimumHeight(36)
            button.setAccessibleName(self.tr("Show %1").replace("%1", text))
            button.clicked.connect(lambda _=False, k=key: self.show_range(k))
            group.addButton(button)
            buttons.addWidget(button)
            self.range_buttons[key] = button
        buttons.addStretch(1)
        hint = QLabel(self.tr("Drag or use the wheel to pan and zoom in time."))
        buttons.addWidget(hint)

        self.overlay_box = QGroupBox(self.tr("Reference lines"))
        self.overlay_box.setAccessibleName(self.tr("Reference lines"))
        self.overlay_layout = QVBoxLayout(self.overlay_box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.graphics, 1)

    def _place(self, item: pg.GraphicsWidget, row: int) -> None:
        """GraphicsLayout.addItem without its layout pass per item (each pass resized and
        re-ranged every plot placed before); the layout is done once, when shown."""
        layout = self.graphics.ci
        layout.items[item] = [(row, 0)]
        layout.rows.setdefault(row, {})[0] = item
        layout.layout.addItem(item, row, 0)

    # -- data -----------------------------------------------------------------

    def set_data(
        self,
        data: ChartData,
        reference_sets: Sequence[ReferenceSet] = (),
        *,
        sources: Collection[str] | None = None,
        baseline_window: analysis.DayWindow | None = None,
        placed: analysis.PlacedSeries | None = None,
    ) -> None:
        """Draw one patient's record; ``sources`` limits the baseline and trial comparison.

        ``placed`` is ``data.scores.placed(None)`` when the caller has worked it out already.
        """
        self.data = data
        self._items_read.clear()
        for plot in (*self.plots.values(), self.falls_plot):
            plot.clear()
        self.legend.clear()
        self.legend_entries = []
        self.score_items.clear()
        self.symbol_items.clear()
        self.symbol_data.clear()
        self.symbol_styles.clear()
        self.source_samples.clear()
        self.hidden_sources.clear()
        self.course_items.clear()
        self.overlays.clear()
        scores = data.scores
        if placed is None:
            placed = scores.placed(None)
        self.times = placed.calendar.instants
        self.sources = np.array(scores.sources, dtype=object)
        self.totals = {k: np.array(v, dtype=float) for k, v in scores.totals.items()}
        starts = analysis.course_days(data.course_starts)
        extent = self._extent(data)
        # The time range first, while the plots are empty: items added later move nothing.
        self.extent = extent
        for plot in (*self.plots.values(), self.falls_plot):
            plot.setLimits(xMin=extent[0] - 60 * DAY_SECONDS, xMax=extent[1] + 60 * DAY_SECONDS)
        self.show_range("all")
        self._draw_courses(data)
        self._draw_scores()
        self._draw_falls(data, extent)
        self._draw_medication(data)
        window = baseline_window or analysis.default_baseline_window(starts)
        columns = {s.key: placed.column(s.key, sources) for s in SCALES}
        baselines = {s.key: analysis.baseline(columns[s.key], window, tz=None) for s in SCALES}
        window_text = (
            self.tr("%1 to %2")
            .replace("%1", _date_text(window.first_day))
            .replace("%2", _date_text(window.last_day))
            if window
            else self.tr("no window: no infusion course yet")
        )
        overlays = [baseline_overlay(baselines, self.colours, extent[1], window_text)]
        first_course = day_x(starts[0]) if starts else None
        for reference in reference_sets:
            overlays.append(
                reference_overlay(
                    reference,
                    self.colours,
                    x_extent=extent,
                    first_course=first_course,
                    baselines=baselines,
                )
            )
        overlays.append(self._trial_overlay(columns, starts))
        # The legend is filled once below, not once per overlay.
        self._filling = True
        try:
            for overlay in overlays:
                self._add_overlay(overlay)
        finally:
            self._filling = False
        self._fill_legend()
        for key in self.plots:
            self._update_symbols(key)

    def _extent(self, data: ChartData) -> tuple[float, float]:
        xs = list(self.times[:1]) + list(self.times[-1:])
        xs += [day_x(c.first_day) for c in data.courses]
        xs += [day_x(c.last_day) + DAY_SECONDS for c in data.courses]
        xs += [f.occurred_at.timestamp() for f in data.falls]
        if not xs:
            today = day_x(date.today())
            return today - 30 * DAY_SECONDS, today + DAY_SECONDS
        return min(xs), max(xs)

    def _source_style(self, source: str) -> tuple[str, dict[str, Any]]:
        c = self.colours
        if source == "clinician":
            return self.tr("Clinician examination"), {
                "pen": pen(c.clinician, 2),
                "symbol": "d",
                "symbolSize": 11,
                "symbolBrush": c.clinician,
                "symbolPen": pg.mkPen(c.background, width=1),
            }
        return self.tr("Self-rating"), {
            "pen": pen(c.patient, 1),
            "symbol": "o",
            "symbolSize": 5,
            "symbolBrush": None,
            "symbolPen": pg.mkPen(c.patient, width=1),
        }

    def _draw_scores(self) -> None:
        for source in vocab.keys(vocab.ASSESSMENT_SOURCES):
            mask = self.sources == source
            if not mask.any():
                continue
            name, style = self._source_style(source)
            symbol_style = {
                "symbol": style["symbol"],
                "size": style["symbolSize"],
                "brush": style["symbolBrush"],
                "pen": style["symbolPen"],
            }
            z = 10 if source == "clinician" else 5
            for key, plot in self.plots.items():
                xs, ys = self.times[mask], self.totals[key][mask]
                # Ten years of daily ratings: drawn only in view, thinned to the pixels.
                item = ScoreLine(xs, ys, style["pen"])
                item.setZValue(z)
                plot.addItem(item)
                self.score_items[(key, source)] = item
                # Symbols in one scatter, made and filled when first roomy (_update_symbols).
                self.symbol_data[(key, source)] = (xs, ys)
            self.symbol_styles[source] = (symbol_style, z)
            # The legend samples line and symbol from one item that is never plotted;
            # clicking it shows or hides this source's scores in every plot.
            sample = SourceKey(
                style["pen"],
                style["symbol"],
                style["symbolSize"],
                style["symbolPen"],
                style["symbolBrush"],
            )
            self.source_samples[sample] = source
            self.legend_entries.append((sample, name))

    def _update_symbols(self, key: str) -> None:
        """Point symbols where each has room; denser spans show the line alone."""
        plot = self.plots[key]
        low, high = plot.vb.viewRange()[0]
        width = plot.vb.width()
        for source in vocab.keys(vocab.ASSESSMENT_SOURCES):
            found = self.symbol_data.get((key, source))
            if found is None:
                continue
            xs, ys = found
            shown = int(np.searchsorted(xs, high, "right") - np.searchsorted(xs, low, "left"))
            roomy = width > 0 and shown * SYMBOL_ROOM_PIXELS <= width
            points = self.symbol_items.get((key, source))
            if points is None:
                if not roomy:
                    continue  # ten years of daily ratings may never need theirs
                style, z = self.symbol_styles[source]
                points = self.symbol_items[(key, source)] = pg.ScatterPlotItem(
                    xs, ys, pxMode=True, **style
                )
                points.setZValue(z)
                plot.addItem(points)
            points.setVisible(roomy and source not in self.hidden_sources)

    def symbols_shown(self, scale_key: str, source: str) -> bool:
        """Whether one source's point symbols are drawn in one plot."""
        points = self.symbol_items.get((scale_key, source))
        return points is not None and points.isVisible()

    def _sample_clicked(self, sample: pg.GraphicsObject) -> None:
        source = self.source_samples.get(sample)
        if source is None:
            return
        shown = sample.isVisible()
        if shown:
            self.hidden_sources.discard(source)
        else:
            self.hidden_sources.add(source)
        for key in self.plots:
            item = self.score_items.get((key, source))
            if item is not None:
                item.setVisible(shown)
            self._update_symbols(key)

    def _draw_courses(self, data: ChartData) -> None:
        if not data.courses:
            return
        x0 = np.array([day_x(c.first_day) for c in data.courses])
        width = np.array([c.days * DAY_SECONDS for c in data.courses])
        for s in SCALES:
            spans = SpanBars(
                x0=x0,
                width=width,
                y0=-0.6,
                height=s.maximum + 1.6,
                brush=self.colours.course,
                pen=None,
            )
            spans.setZValue(-10)
            self.plots[s.key].addItem(spans, ignoreBounds=True)
            self.course_items[s.key] = spans
        self.legend_entries.append((self.course_items[SCALES[0].key], self.tr("IVIg course")))

    def _draw_falls(self, data: ChartData, extent: tuple[float, float]) -> None:
        c = self.colours
        bins = analysis.falls_per_30_days(
            data.fall_times,
            tz=None,
            first_day=datetime.fromtimestamp(extent[0]).date(),
            last_day=datetime.fromtimestamp(extent[1]).date(),
        )
        self.fall_bins = bins
        highest = max(bins.counts, default=0)
        if bins.counts:
            bars = pg.BarGraphItem(
                x0=np.array([day_x(d) for d in bins.starts]),
                width=bins.bin_days * DAY_SECONDS * 0.92,
                height=np.array(bins.counts, dtype=float),
                y0=0,
                brush=c.band,
                pen=pen(c.reference, 1),
            )
            self.falls_plot.addItem(bars)
            self.fall_bars = bars
        self.fall_x = np.array(sorted(f.occurred_at.timestamp() for f in data.falls), dtype=float)
        if len(self.fall_x):
            markers = pg.ScatterPlotItem(
                self.fall_x,
                np.full(len(self.fall_x), -0.6),
                symbol="t1",
                size=9,
                brush=c.fall,
                pen=pg.mkPen(c.fall),
            )
            self.falls_plot.addItem(markers)
            self.fall_markers = markers
            self.legend_entries.append((markers, self.tr("Fall (bars: per 30 days)")))
        self.falls_plot.setYRange(-1.2, max(highest, 2) + 0.5, padding=0)
        self.falls_plot.getAxis("left").setTicks(
            [[(i, str(i)) for i in range(0, max(highest, 2) + 1, max(1, (highest + 3) // 4))]]
        )

    def _draw_medication(self, data: ChartData) -> None:
        self.medication_events = analysis.medication_events(data.medications)
        if not self.medication_events:
            self.medication_x = np.array([])
            return
        self.medication_x = np.array([day_x(e.day) for e in self.medication_events])
        symbols = {"start": "t1", "stop": "t", "dose": "d"}
        for s in SCALES:
            plot = self.plots[s.key]
            # From below to above the plot's y limits: as tall as the view can show.
            days = Segments(
                pen(self.colours.medication, 1, "dot"),
                ((x, -1.0, x, s.maximum + 1.5) for x in self.medication_x),
            )
            plot.addItem(days, ignoreBounds=True)
            marks = pg.ScatterPlotItem(
                self.medication_x,
                np.full(len(self.medication_x), s.maximum + 0.55),
                symbol=[symbols[e.change.value] for e in self.medication_events],
                size=10,
                brush=self.colours.medication,
                pen=pg.mkPen(self.colours.medication),
            )
            plot.addItem(marks, ignoreBounds=True)
            if s is SCALES[0]:
                self.legend_entries.append((marks, self.tr("Medication change")))

    def _trial_overlay(
        self, columns: dict[str, analysis.ScoreColumn], starts: list[date]
    ) -> Overlay:
        overlay = Overlay(
            "trial",
            self.tr("Trial-style comparison"),
            self.tr("As in %1. Baseline month = the 30 days before the first course.").replace(
                "%1", analysis.TRIAL_SOURCE
            ),
        )
        self.comparison = {
            s.key: analysis.trial_comparison(columns[s.key], starts, tz=None) for s in SCALES
        }
        for s in SCALES:
            found = self.comparison[s.key]
            if found is None:
                continue
            windows = (found.baseline_window, found.treated_window)
            overlay.bands(
                s.key,
                -0.5,
                s.maximum + 0.5,
                [(day_x(w.first_day), day_x(w.last_day) + DAY_SECONDS) for w in windows],
                self.colours.trial,
            )
        self.comparison_label.setText(self.comparison_text())
        return overlay

    def comparison_text(self) -> str:
        """The comparison box: baseline month vs months 2-3 after the first course."""
        lines = []
        for s in SCALES:
            found = self.comparison.get(s.key)
            if found is None:
                lines.append(
                    self.tr("%1: no infusion course yet, nothing to compare").replace(
                        "%1", s.abbreviation
                    )
                )
                continue
            before = "–" if found.baseline_mean is None else f"{found.baseline_mean:.1f}"
            after = "–" if found.treated_mean is None else f"{found.treated_mean:.1f}"
            change = found.change
            if change is None:
                moved = self.tr("change not known (a window has no scores)")
            else:
                percent = "" if change.percent is None else f" ({change.percent:+.0f}%)"
                moved = self.tr("change %1 points%2").replace("%1", f"{change.points:+.1f}")
                moved = moved.replace("%2", percent)
            text = self.tr("%1: baseline month %2 (n=%3) → months 2–3 %4 (n=%5): %6")
            for key, value in (
                ("%1", s.abbreviation),
                ("%2", before),
                ("%3", str(found.baseline_n)),
                ("%4", after),
                ("%5", str(found.treated_n)),
                ("%6", moved),
            ):
                text = text.replace(key, value)
            lines.append(text)
        head = self.tr("Trial-style comparison (as in the 2001 IVIg trial)")
        return f"<b>{head}</b><br>" + "<br>".join(lines)

    # -- overlays ---------------------------------------------------------------

    def _add_overlay(self, overlay: Overlay) -> None:
        self.overlays[overlay.key] = overlay
        overlay.add_to(self.plots)
        check = self.overlay_checks.get(overlay.key)
        if check is None:
            title = overlay.title if len(overlay.title) <= 30 else overlay.title[:29] + "…"
            check = QCheckBox(title)
            check.setChecked(overlay.visible_by_default)
            check.setMinimumHeight(28)
            check.toggled.connect(lambda on, k=overlay.key: self.set_overlay_visible(k, on))
            self.overlay_layout.addWidget(check)
            self.overlay_checks[overlay.key] = check
        tip = f"{overlay.title}\n{overlay.source}"
        if overlay.skipped:
            tip += "\n" + "\n".join(overlay.skipped)
        check.setToolTip(tip)
        check.setAccessibleDescription(tip)
        self.set_overlay_visible(overlay.key, check.isChecked())

    def set_overlay_visible(self, key: str, visible: bool) -> None:
        overlay = self.overlays.get(key)
        if overlay is None:
            return
        overlay.set_visible(visible)
        if not self._filling:
            self._fill_legend()
        if key == "trial":
            self.comparison_label.setVisible(visible)
            self.comparison_label.setMaximumHeight(10_000 if visible else 0)

    def _fill_legend(self) -> None:
        """The legend lists what is drawn: hidden overlays leave it."""
        self.legend.clear()
        self._legend_widths.clear()
        entries = list(self.legend_entries)
        for key, overlay in self.overlays.items():
            check = self.overlay_checks.get(key)
            if check is None or check.isChecked():
                entries.extend(overlay.legend)
        self.legend.add_entries(entries)
        self._fit_legend()

    def _fit_legend(self) -> None:
        """Two legend columns where they fit the chart's width, a name too long for half of
        it on a row of its own; one column where even that is too wide.

        The plots are as wide as the widest row of the chart: a legend wider than the
        view would push their right end, the latest scores, out of sight.
        """
        view = self.graphics.viewport().width()
        if view <= 0 or not self.legend.items:
            return
        left, _, right, _ = self.graphics.ci.layout.getContentsMargins()
        room = view - left - right
        half = room / 2 - LEGEND_KEY_ROOM
        wide = frozenset(
            k for k, (_, label) in enumerate(self.legend.items) if label.preferredWidth() > half
        )
        needed = self._legend_widths.get(wide)
        if needed is None:
            self.legend.arrange(2, wide)
            needed = self._legend_widths[wide] = self.legend.minimumWidth()
        if needed <= room:
            self.legend.arrange(2, wide)
        else:
            self.legend.arrange(1, frozenset())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.graphics.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_legend()
        return super().eventFilter(watched, event)

    # -- ranges -------------------------------------------------------------------

    def show_range(self, key: str) -> None:
        """3 months, 1 year or everything, ending at the latest entry."""
        start, end = self.extent
        days = RANGES[key]
        pad = 3 * DAY_SECONDS
        if days is not None:
            start = max(start, end - days * DAY_SECONDS)
        self.plots[SCALES[0].key].setXRange(start - pad, end + pad, padding=0)
        self.range_buttons[key].setChecked(True)

    def x_range(self) -> tuple[float, float]:
        low, high = self.plots[SCALES[0].key].viewRange()[0]
        return float(low), float(high)

    # -- hover --------------------------------------------------------------------

    def _mouse_moved(self, position: QPointF) -> None:
        text = ""
        for key, plot in (*self.plots.items(), ("falls", self.falls_plot)):
            if plot.sceneBoundingRect().contains(position):
                point = plot.vb.mapSceneToView(position)
                text = self.describe_at(key, point.x(), point.y())
                break
        self.hover_text = text
        if text:
            QToolTip.showText(QCursor.pos(), text, self.graphics)
        else:
            QToolTip.hideText()

    def _near(self, xs: np.ndarray, x: float, tolerance: float) -> np.ndarray:
        low = int(np.searchsorted(xs, x - tolerance, side="left"))
        high = int(np.searchsorted(xs, x + tolerance, side="right"))
        return np.arange(low, high)

    def describe_at(self, plot_key: str, x: float, y: float) -> str:
        """What is under a point of a plot, in words (the hover text)."""
        if self.data is None:
            return ""
        plot = self.falls_plot if plot_key == "falls" else self.plots[plot_key]
        px, py = plot.vb.viewPixelSize()
        tx, ty = HOVER_PIXELS * px, HOVER_PIXELS * py
        if plot_key == "falls":
            return self._describe_fall(x, y, tx, ty)
        candidates = self._near(self.times, x, tx)
        if len(candidates):
            totals = self.totals[plot_key][candidates]
            close = np.abs(totals - y) <= ty
            if close.any():
                distance = np.hypot((self.times[candidates] - x) / px, (totals - y) / py)
                distance[~close] = np.inf
                return self._describe_score(plot_key, int(candidates[int(np.argmin(distance))]))
        s = scale(plot_key)
        if abs(y - (s.maximum + 0.55)) <= ty and len(self.medication_x):
            for index in np.flatnonzero(np.abs(self.medication_x - x) <= tx):
                e = self.medication_events[int(index)]
                return f"{_date_text(e.day)}: {e.drug} {self.tr(e.change.value)} · {e.dose}"
        for overlay in self.overlays.values():
            check = self.overlay_checks.get(overlay.key)
            if check is not None and not check.isChecked():
                continue
            for line in overlay.lines:
                if line.scale == plot_key and line.x0 <= x <= line.x1 and abs(line.y - y) <= ty:
                    return line.text
        return self._describe_course(x)

    def _describe_score(self, scale_key: str, index: int) -> str:
        assert self.data is not None
        scores = self.data.scores
        when = scores.at[index].astimezone().strftime("%d %b %Y %H:%M")
        who = vocab.label(vocab.ASSESSMENT_SOURCES, scores.sources[index])
        s = scale(scale_key)
        total = scores.totals[scale_key][index]
        present = [s.item(k).label for k in self._items_at(scale_key, index)]
        items = ", ".join(present) if present else self.tr("none")
        return f"{when} · {who}\n{s.abbreviation} {total} of {s.maximum}: {items}"

    def _items_at(self, scale_key: str, index: int) -> tuple[str, ...]:
        """The items present at one assessment: from the series, else read when hovered."""
        assert self.data is not None
        scores = self.data.scores
        column = scores.items.get(scale_key)
        if column is not None:
            return column[index]
        record_id = scores.record_ids[index]
        found = self._items_read.get(record_id)
        if found is None and self.items_lookup is not None:
            found = self._items_read[record_id] = dict(self.items_lookup(record_id))
        return (found or {}).get(scale_key, ())

    def _describe_course(self, x: float) -> str:
        assert self.data is not None
        for course in self.data.courses:
            if day_x(course.first_day) <= x < day_x(course.last_day) + DAY_SECONDS:
                parts = [course.product or self.tr("IVIg")]
                if course.total_grams:
                    parts.append(f"{course.total_grams:g} g")
                if course.grams_per_kg:
                    parts.append(f"{course.grams_per_kg:g} g/kg")
                if course.dosing_weight_kg:
                    parts.append(
                        self.tr("weight %1 kg").replace("%1", f"{course.dosing_weight_kg:g}")
                    )
                head = self.tr("IVIg course %1 to %2 (%3 days)")
                head = head.replace("%1", _date_text(course.first_day))
                head = head.replace("%2", _date_text(course.last_day)).replace(
                    "%3", str(course.days)
                )
                return head + "\n" + " · ".join(parts)
        return ""

    def _describe_fall(self, x: float, y: float, tx: float, ty: float) -> str:
        assert self.data is not None
        if abs(y + 0.6) <= ty:
            falls = sorted(self.data.falls, key=lambda f: f.occurred_at)
            for index in self._near(self.fall_x, x, tx):
                fall = falls[int(index)]
                when = fall.occurred_at.astimezone().strftime("%d %b %Y %H:%M")
                trigger = vocab.label(vocab.FALL_TRIGGERS, fall.trigger)
                injury = self.tr(", injury") if fall.injury else ""
                return (
                    self.tr("Fall %1: %2%3")
                    .replace("%1", when)
                    .replace("%2", trigger)
                    .replace("%3", injury)
                )
        bins = self.fall_bins
        for start, count in zip(bins.starts, bins.counts, strict=True):
            if day_x(start) <= x < day_x(start) + bins.bin_days * DAY_SECONDS and 0 <= y <= count:
                return (
                    self.tr("%1 falls in the 30 days from %2")
                    .replace("%1", str(count))
                    .replace("%2", _date_text(start))
                )
        return ""
