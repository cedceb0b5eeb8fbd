"""The chart view of one patient: trend and cycle charts, the summary, export and import."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sps_tracker.domain import analysis
from sps_tracker.domain.errors import ValidationError
from sps_tracker.domain.reference import ReferenceSet
from sps_tracker.services import ChartData, Tracker
from sps_tracker.ui.charts.cycle import CycleChart
from sps_tracker.ui.charts.frames import ChartTabs
from sps_tracker.ui.charts.summary import SummaryPanel
from sps_tracker.ui.charts.trend import TrendChart
from sps_tracker.ui.widgets import PatientView

log = logging.getLogger(__name__)

SOURCE_CHOICES: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("all", None),
    ("clinician", frozenset({"clinician"})),
    ("patient", frozenset({"patient"})),
)


class ChartView(PatientView):
    """``set_patient(id)`` draws everything from one read of the service API."""

    def __init__(self, tracker: Tracker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.data: ChartData | None = None
        self.reference_sets: list[ReferenceSet] = []
        self.setAccessibleName(self.tr("Charts"))

        self.trend = TrendChart()
        self.trend.items_lookup = tracker.assessment_items
        self.cycles = CycleChart()
        self.summary = SummaryPanel()
        self.tabs = ChartTabs()
        self.tabs.setAccessibleName(self.tr("Chart views"))
        self.tabs.addTab(self.trend, self.tr("Trend"))
        self.tabs.addTab(self.cycles, self.tr("Infusion cycles"))

        self.sources = QComboBox()
        self.sources.setAccessibleName(self.tr("Scores counted"))
        self.sources.setMinimumHeight(32)
        for key, _ in SOURCE_CHOICES:
            text = {
                "all": self.tr("All ratings"),
                "clinician": self.tr("Clinician examinations only"),
                "patient": self.tr("Self-ratings only"),
            }[key]
            self.sources.addItem(text, key)
        self.sources.setToolTip(
            self.tr("Which ratings the baseline, response, comparison and cycles count")
        )
        self.sources.currentIndexChanged.connect(lambda _=0: self.refresh())
        self.baseline_days = QSpinBox()
        self.baseline_days.setRange(7, 365)
        self.baseline_days.setValue(analysis.DEFAULT_BASELINE_DAYS)
        self.baseline_days.setSuffix(self.tr(" days before the first course"))
        self.baseline_days.setMinimumHeight(32)
        self.baseline_days.setAccessibleName(self.tr("Baseline window"))
        self.baseline_days.setToolTip(
            self.tr("The baseline is the mean of the scores in these days (default 90)")
        )
        self.baseline_days.editingFinished.connect(self.refresh)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName(self.tr("Reference files that could not be read"))
        self.problems.hide()

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.summary)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow(self.tr("Scores counted"), self.sources)
        form.addRow(self.tr("Baseline window"), self.baseline_days)
        side_layout.addLayout(form)
        side_layout.addWidget(self.trend.overlay_box)
        side_layout.addWidget(self.problems)
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(300)
        scroll.setMaximumWidth(380)

        self.empty = QLabel(self.tr("Choose a patient to see their charts."))
        self.empty.setAccessibleName(self.tr("No patient"))
        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.tabs, 1)
        row.addWidget(scroll)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(charts)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    # -- data -----------------------------------------------------------------

    def chosen_sources(self) -> frozenset[str] | None:
        key = self.sources.currentData()
        return dict(SOURCE_CHOICES).get(key)

    def refresh(self) -> None:
        """Read the patient again (after an entry changed) and redraw everything."""
        self._stale = False
        if self.patient_id is None:
            self.data = None
            self.stack.setCurrentWidget(self.empty)
            return
        self.data = self.tracker.chart_data(self.patient_id)
        self.reference_sets, broken = self.tracker.reference_sets()
        self.problems.setVisible(bool(broken))
        self.problems.setText("\n".join(str(e) for e in broken))
        sources = self.chosen_sources()
        window = analysis.default_baseline_window(
            self.data.course_starts, days=self.baseline_days.value()
        )
        # Every chart counts days on this computer's calendar: work the days out once.
        placed = self.data.scores.placed(None)
        self.trend.set_data(
            self.data, self.reference_sets, sources=sources, baseline_window=window, placed=placed
        )
        self.cycles.set_data(self.data, sources=sources, placed=placed)
        self.summary.set_summary(
            analysis.summarize(
                self.data.scores,
                self.data.course_starts,
                self.data.fall_times,
                today=date.today(),
                tz=None,
                baseline_window=window,
                sources=sources,
                placed=placed,
            )
        )
        if self.stack.currentIndex() != 1:
            # The tab widget places its page only once shown: the plots, shown after it,
            # are laid out once at their size rather than first at a default size.
            graphics = self.trend.graphics
            graphics.hide()
            self.stack.setCurrentIndex(1)
            graphics.show()

    # -- export and import --------------------------------------------------------

    def current_graphics(self) -> pg.GraphicsLayoutWidget:
        chart = self.tabs.currentWidget()
        return self.cycles.graphics if chart is self.cycles else self.trend.graphics

    def export_image(self, path: Path) -> Path:
        """The chart on show as PNG or SVG, chosen by the file name's ending."""
        # Loaded on the first export, not at start-up.
        import pyqtgraph.exporters

        path = Path(path)
        scene_item = self.current_graphics().scene()
        suffix = path.suffix.lower()
        exporter: pyqtgraph.exporters.Exporter
        if suffix == ".png":
            exporter = pyqtgraph.exporters.ImageExporter(scene_item)
            width = max(int(self.current_graphics().width()), 1200)
            exporter.parameters()["width"] = width
            background = self.trend.colours.background
            exporter.parameters()["background"] = background
        elif suffix == ".svg":
            exporter = pyqtgraph.exporters.SVGExporter(scene_item)
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                exporter.export(str(path))
            except ValueError:
                # pyqtgraph 0.14 cannot parse the closed paths Qt >= 6.10 writes
                # (pyqtgraph issue 3495); Qt's own SVG writer draws the same scene.
                self._export_svg_with_qt(path)
            log.info("exported a chart as svg")
            return path
        else:
            raise ValidationError(
                "file", self.tr("Export as .png or .svg, not %1").replace("%1", suffix or path.name)
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        exporter.export(str(path))
        if not path.exists():
            raise OSError(self.tr("The chart could not be written to %1").replace("%1", str(path)))
        log.info("exported a chart as %s", suffix)
        return path

    def _export_svg_with_qt(self, path: Path) -> None:
        from PySide6.QtSvg import QSvgGenerator

        scene = self.current_graphics().scene()
        area = scene.sceneRect()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(area.size().toSize())
        generator.setViewBox(area)
        generator.setTitle(self.tr("SPS Tracker chart"))
        painter = QPainter(generator)
        try:
            painter.fillRect(area, self.trend.colours.background)
            scene.render(painter, area, area)
        finally:
            painter.end()

    def export_dialog(self, suffix: str) -> Path | None:
        """Ask where to save, then export (the File menu calls this with "png" or "svg")."""
        name_filter = {"png": self.tr("PNG image (*.png)"), "svg": self.tr("SVG drawing (*.svg)")}
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export chart"), f"chart.{suffix}", name_filter[suffix]
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != f".{suffix}":
            path = path.with_name(path.name + f".{suffix}")
        try:
            return self.export_image(path)
        except (OSError, ValidationError) as error:
            QMessageBox.warning(self, self.tr("Export chart"), str(error))
            return None

    def import_reference_file(self, path: Path) -> ReferenceSet:
        """Check and keep a reference-set file, then redraw; ValidationError if it is bad."""
        reference = self.tracker.import_reference_set(Path(path))
        self.refresh()
        return reference

    def import_reference_dialog(self) -> ReferenceSet | None:
        """Ask for a reference-set JSON file (the File menu calls this)."""
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import reference set"), "", self.tr("Reference set (*.json)")
        )
        if not chosen:
            return None
        try:
            reference = self.import_reference_file(Path(chosen))
        except ValidationError as error:
            details = "\n".join(f"• {p.message}" for p in error.problems)
            QMessageBox.warning(
                self,
                self.tr("Import reference set"),
                self.tr("The file was not imported:") + "\n" + details,
            )
            return None
        QMessageBox.information(
            self,
            self.tr("Import reference set"),
            self.tr("Imported “%1”. It is listed under Reference lines.").replace(
                "%1", reference.title
            ),
        )
        return reference
