"""The main window: patient list, the active-patient banner, the patient's history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sps_tracker import APP_NAME, __version__
from sps_tracker.domain import vocabulary as vocab
from sps_tracker.services import HistoryEntry, Tracker
from sps_tracker.storage.models import (
    Assessment,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
    Patient,
)

ModelIndex = QModelIndex | QPersistentModelIndex


def describe(entry: HistoryEntry) -> str:
    """A one-line summary of an entry for the history table."""
    r = entry.record
    if isinstance(r, Assessment):
        return f"DSI {r.dsi_total}/6 · HSS {r.hss_total}/7"
    if isinstance(r, Fall):
        text = vocab.label(vocab.FALL_TRIGGERS, r.trigger)
        return text + (" · injury" if r.injury else "")
    if isinstance(r, InfusionCourse):
        grams = f" · {r.total_grams:g} g" if r.total_grams else ""
        return f"{r.product or 'IVIg'} · {r.days} day(s){grams}"
    if isinstance(r, MedicationPeriod):
        stop = f" until {r.stop_date.isoformat()}" if r.stop_date else ""
        return f"{r.drug} {r.daily_dose:g} {r.dose_unit}/day{stop}"
    if isinstance(r, LabResult):
        return f"{r.analyte} {r.value:g} {r.unit}"
    return ""


class HistoryModel(QAbstractTableModel):
    COLUMNS = ("When", "Entry", "Details", "Source")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self.entries = list(reversed(entries))  # newest first, as a diary reads
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        entry = self.entries[index.row()]
        r = entry.record
        column = index.column()
        if column == 0:
            if isinstance(r, Assessment | Fall):
                return entry.when.astimezone().strftime("%Y-%m-%d %H:%M")
            return entry.when.date().isoformat()
        if column == 1:
            return self.tr(r.label)
        if column == 2:
            return describe(entry)
        if column == 3 and isinstance(r, Assessment):
            return vocab.label(vocab.ASSESSMENT_SOURCES, r.source)
        return None


class MainWindow(QMainWindow):
    def __init__(self, tracker: Tracker, *, data_dir: Path, mode: str | None = None) -> None:
        super().__init__()
        self.tracker = tracker
        self.data_dir = data_dir
        self.mode = mode or "clinic"
        self.patient: Patient | None = None
        self.setWindowTitle(APP_NAME)

        self.banner = QLabel()
        self.banner.setObjectName("activePatientBanner")
        self.banner.setAccessibleName(self.tr("Active patient"))
        self.banner.setStyleSheet(
            "#activePatientBanner { padding: 10px; font-size: 16pt;"
            " font-weight: bold; border-bottom: 2px solid palette(mid); }"
        )

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search patients"))
        self.search.setAccessibleName(self.tr("Search patients"))
        self.search.textChanged.connect(self.refresh_patients)
        self.patient_list = QListWidget()
        self.patient_list.setAccessibleName(self.tr("Patients"))
        self.patient_list.currentItemChanged.connect(self._patient_chosen)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.patient_list)

        self.history_model = HistoryModel(self)
        self.history = QTableView()
        self.history.setAccessibleName(self.tr("History"))
        self.history.setModel(self.history_model)
        self.history.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.history.verticalHeader().hide()

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.history)
        splitter.setStretchFactor(1, 3)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.statusBar().showMessage(self.tr("Data folder: %s") % str(data_dir))
        self.refresh_patients()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.menuBar().addMenu(self.tr("&Edit"))
        self.menuBar().addMenu(self.tr("&View"))
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About SPS Tracker"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def refresh_patients(self) -> None:
        current = self.patient.id if self.patient else None
        self.patient_list.clear()
        for summary in self.tracker.list_patients(self.search.text()):
            p = summary.patient
            item = QListWidgetItem(f"{p.display_name}  ({summary.assessment_count})")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.patient_list.addItem(item)
            if p.id == current or (current is None and self.patient_list.count() == 1):
                self.patient_list.setCurrentItem(item)
        if self.patient_list.count() == 0:
            self.set_patient(None)

    def _patient_chosen(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        self.set_patient(self.tracker.get_patient(int(item.data(Qt.ItemDataRole.UserRole))))

    def set_patient(self, patient: Patient | None) -> None:
        self.patient = patient
        if patient is None:
            self.banner.setText(self.tr("No patient selected"))
            self.history_model.set_entries([])
            return
        details = [patient.display_name]
        if patient.clinic_identifier:
            details.append(patient.clinic_identifier)
        if patient.birth_date:
            details.append(self.tr("born %s") % patient.birth_date.isoformat())
        self.banner.setText(" · ".join(details))
        self.history_model.set_entries(self.tracker.history(patient.id))
        self.history.resizeColumnsToContents()

    def show_view(self, view: str) -> None:
        """Open on a named view of the current patient (``--view``)."""

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About SPS Tracker"),
            self.tr("SPS Tracker %s\nData folder: %s") % (__version__, self.data_dir),
        )

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.tracker.close()
        super().closeEvent(event)
