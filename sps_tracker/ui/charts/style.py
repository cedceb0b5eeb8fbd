"""Colours, symbols and time positions shared by the charts.

Colours come from the Okabe-Ito set (distinguishable with colour-vision deficiency),
with a lighter variant on dark themes; clinician and self-rated points also differ by
symbol and size, so colour is never the only cue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette

DAY_SECONDS = 86_400.0


@dataclass(frozen=True)
class ChartColours:
    dark: bool
    background: QColor
    foreground: QColor
    grid_alpha: float
    clinician: QColor
    patient: QColor
    course: QColor
    fall: QColor
    medication: QColor
    baseline: QColor
    threshold: QColor
    reference: QColor
    band: QColor
    trial: QColor
    cycle: QColor
    median: QColor


def _c(hex_rgb: str, alpha: int = 255) -> QColor:
    colour = QColor(hex_rgb)
    colour.setAlpha(alpha)
    return colour


def chart_colours(palette: QPalette) -> ChartColours:
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    dark = base.lightness() < 128
    if dark:
        return ChartColours(
            dark, base, text, 0.25,
            clinician=_c("#56B4E9"), patient=_c("#E69F00"), course=_c("#009E73", 70),
            fall=_c("#CC79A7"), medication=_c("#DDDDDD"), baseline=_c("#FFFFFF", 200),
            threshold=_c("#F0E442"), reference=_c("#BBBBBB"), band=_c("#BBBBBB", 45),
            trial=_c("#CC79A7", 40), cycle=_c("#56B4E9", 80), median=_c("#E69F00"),
        )  # fmt: skip
    return ChartColours(
        dark, base, text, 0.2,
        clinician=_c("#0072B2"), patient=_c("#D55E00"), course=_c("#009E73", 55),
        fall=_c("#AA4499"), medication=_c("#555555"), baseline=_c("#000000", 190),
        threshold=_c("#B8860B"), reference=_c("#666666"), band=_c("#666666", 40),
        trial=_c("#CC79A7", 45), cycle=_c("#0072B2", 70), median=_c("#D55E00"),
    )  # fmt: skip


def pen(colour: QColor, width: float = 1.0, style: str = "solid") -> pg.QtGui.QPen:
    from PySide6.QtCore import Qt

    styles = {
        "solid": Qt.PenStyle.SolidLine,
        "dash": Qt.PenStyle.DashLine,
        "dot": Qt.PenStyle.DotLine,
        "dashdot": Qt.PenStyle.DashDotLine,
    }
    p = pg.mkPen(colour, width=width)
    p.setStyle(styles[style])
    p.setCosmetic(True)
    return p


def instant_x(moment: datetime) -> float:
    """Epoch seconds, what pyqtgraph's DateAxisItem expects."""
    return moment.timestamp()


def day_x(day: date) -> float:
    """The start of a calendar day in this computer's zone, as epoch seconds."""
    return datetime.combine(day, time()).timestamp()


def short(text: str, limit: int = 48) -> str:
    """The first clause of a citation, for a legend; the tooltip gives it whole."""
    head = text.split(";")[0].split(" (")[0].strip()
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"
