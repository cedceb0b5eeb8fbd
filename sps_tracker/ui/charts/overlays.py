"""Reference overlays: lines and bands behind the scores, each naming its source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from sps_tracker.domain.analysis import Baseline
from sps_tracker.domain.reference import BandKind, ReferenceSet, SourceKind
from sps_tracker.ui.charts.items import Segments, SpanBars
from sps_tracker.ui.charts.plot import TimePlot
from sps_tracker.ui.charts.style import DAY_SECONDS, ChartColours, day_x, pen, short


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReferenceOverlay", text)


def source_kind_text(kind: SourceKind) -> str:
    return {
        SourceKind.SCALE_BOUND: _tr("scale bound"),
        SourceKind.PUBLISHED_THRESHOLD: _tr("published threshold"),
        SourceKind.USER_SUPPLIED: _tr("user-supplied reference"),
    }[kind]


@dataclass(frozen=True)
class ReferenceLine:
    """A horizontal line as drawn, so hovering near it can name its source."""

    scale: str
    y: float
    x0: float
    x1: float
    text: str


@dataclass
class Overlay:
    key: str
    title: str
    source: str
    visible_by_default: bool = True
    items: list[tuple[str, pg.GraphicsObject]] = field(default_factory=list)  # (scale, item)
    lines: list[ReferenceLine] = field(default_factory=list)
    legend: list[tuple[pg.GraphicsObject, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why a band is not drawn
    # One item per scale and pen: the lines an overlay draws alike are drawn together.
    segments: dict[tuple[str, int, str, float], Segments] = field(default_factory=dict)

    def line(
        self,
        scale: str,
        y: float,
        x0: float,
        x1: float,
        colour: QColor,
        style: str,
        name: str,
        width: float = 1.5,
    ) -> Segments:
        key = (scale, colour.rgba(), style, width)
        item = self.segments.get(key)
        if item is None:
            item = self.segments[key] = Segments(pen(colour, width, style))
            self.items.append((scale, item))
        item.add(x0, y, x1, y)
        self.lines.append(ReferenceLine(scale, y, x0, x1, f"{name}\n{self.source}"))
        return item

    def band(
        self, scale: str, low: float, high: float, x0: float, x1: float, colour: QColor
    ) -> SpanBars:
        return self.bands(scale, low, high, [(x0, x1)], colour)

    def bands(
        self,
        scale: str,
        low: float,
        high: float,
        spans: Sequence[tuple[float, float]],
        colour: QColor,
    ) -> SpanBars:
        """Bands of one height and colour side by side, as one item."""
        item = SpanBars(
            x0=[x0 for x0, _ in spans],
            width=[x1 - x0 for x0, x1 in spans],
            y0=low,
            height=high - low,
            brush=colour,
            pen=None,
        )
        self.items.append((scale, item))
        return item

    def add_to(self, plots: Mapping[str, TimePlot]) -> None:
        for scale, item in self.items:
            item.setZValue(-5)
            plots[scale].addItem(item, ignoreBounds=True)

    def set_visible(self, visible: bool) -> None:
        for _, item in self.items:
            item.setVisible(visible)


def reference_overlay(
    reference: ReferenceSet,
    colours: ChartColours,
    *,
    x_extent: tuple[float, float],
    first_course: float | None,
    baselines: Mapping[str, Baseline | None],
) -> Overlay:
    """The graphics for one reference set; bands that cannot be placed say why."""
    kind = source_kind_text(reference.source_kind)
    source = _tr("Source: %1 (%2). Population: %3")
    source = source.replace("%1", reference.citation).replace("%2", kind)
    source = source.replace("%3", reference.population)
    overlay = Overlay(
        f"set:{reference.id}",
        reference.title,
        source,
        visible_by_default=reference.source_kind is not SourceKind.PUBLISHED_THRESHOLD
        or reference.id == "nct03829826-response",
    )
    scale = reference.scale
    for band in reference.bands:
        brief = reference.short_source or short(reference.citation, 28)
        # A scale bound's source is the scale itself; the tooltip and hover give the citation.
        where = kind if reference.source_kind is SourceKind.SCALE_BOUND else f"{kind}, {brief}"
        name = f"{band.label or reference.title} ({where})"
        if band.group:
            name += f" ({band.group})"
        span = band.anchor.day_span()
        if span is None:
            x0, x1 = x_extent
        elif first_course is None:
            overlay.skipped.append(_tr("%1: needs a first infusion course").replace("%1", name))
            continue
        else:
            x0, x1 = (
                first_course + span[0] * DAY_SECONDS,
                first_course + (span[1] + 1) * DAY_SECONDS,
            )
        if band.kind is BandKind.BOUND:
            assert band.low is not None and band.high is not None
            low = overlay.line(scale, band.low, x0, x1, colours.reference, "dash", name)
            overlay.line(scale, band.high, x0, x1, colours.reference, "dash", name)
            overlay.legend.append((low, name))
        elif band.kind is BandKind.THRESHOLD:
            assert band.value is not None
            item = overlay.line(scale, band.value, x0, x1, colours.threshold, "dashdot", name)
            overlay.legend.append((item, name))
        elif band.kind is BandKind.RANGE:
            assert band.low is not None and band.high is not None
            overlay.legend.append(
                (overlay.band(scale, band.low, band.high, x0, x1, colours.band), name)
            )
            overlay.line(scale, band.low, x0, x1, colours.reference, "dot", name, 1)
            overlay.line(scale, band.high, x0, x1, colours.reference, "dot", name, 1)
        elif band.kind is BandKind.MEAN_SD:
            assert band.mean is not None and band.sd is not None
            n = f", n={band.n}" if band.n else ""
            label = f"{name}: {band.mean:g} ± {band.sd:g}{n}"
            overlay.band(scale, band.mean - band.sd, band.mean + band.sd, x0, x1, colours.band)
            item = overlay.line(scale, band.mean, x0, x1, colours.reference, "solid", label, 2)
            overlay.legend.append((item, label))
        elif band.kind is BandKind.FRACTION_OF_BASELINE:
            assert band.fraction is not None
            found = baselines.get(scale)
            if found is None:
                overlay.skipped.append(_tr("%1: needs the patient's baseline").replace("%1", name))
                continue
            y = found.mean * band.fraction
            start = max(x0, day_x(found.window.first_day))
            label = f"{name}: {y:.2g}"
            item = overlay.line(scale, y, start, x1, colours.threshold, "dash", label, 2)
            overlay.legend.append((item, label))
    return overlay


def baseline_overlay(
    baselines: Mapping[str, Baseline | None], colours: ChartColours, x_end: float, window_text: str
) -> Overlay:
    source = _tr("The patient's own baseline: mean of the scores in %1").replace("%1", window_text)
    overlay = Overlay("baseline", _tr("Baseline"), source)
    for scale, found in baselines.items():
        if found is None:
            continue
        x0 = day_x(found.window.first_day)
        x1 = day_x(found.window.last_day) + DAY_SECONDS
        name = _tr("Baseline: mean %1 of %2 scores").replace("%1", f"{found.mean:.1f}")
        name = name.replace("%2", str(found.n))
        item = overlay.line(scale, found.mean, x0, x1, colours.baseline, "solid", name, 2.5)
        overlay.line(scale, found.mean, x1, max(x1, x_end), colours.baseline, "dot", name, 1.5)
        if not overlay.legend:
            overlay.legend.append((item, _tr("Patient's baseline")))
    return overlay
