"""The patient's month-by-month summary (as in summary.csv), with its own export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sps_tracker.services import Tracker
from sps_tracker.ui.widgets import PatientView, quiet_corner

if TYPE_CHECKING:
    from sps_tracker.exchange.summary import MonthSummary, ScoreStats

COLUMNS = (
    "Month",
    "Assessments",
    "DSI mean (min–max)",
    "HSS mean (min–max)",
    "DSI change vs baseline",
    "HSS change vs baseline",
    "Falls",
    "IVIg courses",
    "IVIg grams",
)


def _stats(stats: ScoreStats | None) -> str:
    from sps_tracker.exchange.summary import decimal

    if stats is None:
        return ""
    return f"{decimal(stats.mean)} ({stats.minimum}–{stats.maximum})"


def cells(month: MonthSummary) -> list[str]:
    from sps_tracker.exchange.summary import decimal

    return [
        month.month,
        str(month.assessments),
        _stats(month.dsi),
        _stats(month.hss),
        "" if month.dsi_change is None else decimal(month.dsi_change),
        "" if month.hss_change is None else decimal(month.hss_change),
        str(month.falls),
        str(month.infusion_courses),
        "" if month.ivig_grams is None else f"{month.ivig_grams:g}",
    ]


class SummaryView(PatientView):
    """Newest month first; reads only when on screen, like the chart."""

    def __init__(self, tracker: Tracker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.months: list[MonthSummary] = []
        self.setAccessibleName(self.tr("Monthly summary"))
        self.baseline = QLabel()
        self.baseline.setWordWrap(True)
        self.export_button = QPushButton(self.tr("&Export this summary…"))
        self.export_button.setMinimumHeight(32)
        self.export_button.setAccessibleName(self.tr("Export this patient's monthly summary"))
        self.export_button.clicked.connect(self.export_dialog)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName(self.tr("Monthly summary table"))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        quiet_corner(self.table, self.tr("Select the whole summary"))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        top = QHBoxLayout()
        top.addWidget(self.baseline, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        self._stale = False
        self.months = (
            [] if self.patient_id is None else self.tracker.monthly_summary([self.patient_id])
        )
        self.export_button.setEnabled(bool(self.months))
        self.table.setRowCount(len(self.months))
        for row, month in enumerate(reversed(self.months)):
            for column, text in enumerate(cells(month)):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        if not self.months:
            self.baseline.setText(self.tr("No entries yet."))
        else:
            self.baseline.setText(
                self.tr(
                    "Changes are in points against the baseline month %s, the first month "
                    "with an assessment. Clinician and self-ratings are counted together."
                )
                % self.months[0].baseline_month
            )

    def export_dialog(self) -> None:
        if self.patient_id is None:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("Write summary.csv into folder"))
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> Path:
        assert self.patient_id is not None
        result = self.tracker.export_csv(folder, patient_ids=[self.patient_id], kinds=["summary"])
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.NoIcon)
        box.setWindowTitle(self.tr("Summary exported"))
        box.setText(str(result))
        box.open()
        return folder / "summary.csv"
