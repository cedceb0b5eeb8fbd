"""File > Export… and File > Import…: CSV summaries out, a diary or an export in.

The import dialog always checks first (a dry run) and shows a preview and every
problem by file, row and column; only a clean check enables Import.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sps_tracker.exchange.csv_export import ALL_KINDS
from sps_tracker.exchange.csv_import import ImportResult
from sps_tracker.services import Tracker
from sps_tracker.ui.widgets import quiet_corner

KIND_LABELS = {
    "patient": "Patients",
    "assessment": "Assessments (DSI and HSS item by item)",
    "fall": "Falls",
    "infusion": "Infusion courses",
    "medication": "Medications",
    "lab": "Lab results",
    "summary": "Monthly summary",
}

# Offered besides ISO dates, which are always accepted; never guessed from the file.
DATE_FORMATS = (
    ("", "ISO only (YYYY-MM-DD)"),
    ("%d/%m/%Y", "day/month/year (31/12/2025)"),
    ("%m/%d/%Y", "month/day/year (12/31/2025)"),
    ("%d.%m.%Y", "day.month.year (31.12.2025)"),
)

MIN_HEIGHT = 32


def _tall(widget: QWidget) -> QWidget:
    widget.setMinimumHeight(MIN_HEIGHT)
    return widget


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class _DateBound(QWidget):
    """An optional date: a checkbox to use it and the date itself."""

    def __init__(self, label: str, initial: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox(label)
        self.enabled.setAccessibleName(label)
        self.edit = QDateEdit(_qdate(initial))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setAccessibleName(label + " date")
        self.edit.setEnabled(False)
        self.enabled.toggled.connect(self.edit.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_tall(self.enabled))
        layout.addWidget(_tall(self.edit), 1)

    def value(self) -> date | None:
        if not self.enabled.isChecked():
            return None
        d = self.edit.date()
        return date(d.year(), d.month(), d.day())


class ExportDialog(QDialog):
    """Choose patients, dates and kinds; write the CSV files into a folder."""

    def __init__(
        self,
        tracker: Tracker,
        parent: QWidget | None = None,
        *,
        patient_ids: Sequence[int] = (),
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.setWindowTitle(self.tr("Export CSV"))
        self.setMinimumWidth(560)

        self.patients = QListWidget()
        self.patients.setAccessibleName(self.tr("Patients to export"))
        for summary in tracker.list_patients():
            item = QListWidgetItem(summary.patient.display_name)
            item.setData(Qt.ItemDataRole.UserRole, summary.patient.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            chosen = not patient_ids or summary.patient.id in patient_ids
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
            self.patients.addItem(item)
        self.all_patients = QPushButton(self.tr("Select &all"))
        self.all_patients.clicked.connect(lambda: self._check_all(True))
        self.no_patients = QPushButton(self.tr("Select &none"))
        self.no_patients.clicked.connect(lambda: self._check_all(False))

        today = date.today()
        self.date_from = _DateBound(self.tr("From"), date(today.year - 1, 1, 1))
        self.date_to = _DateBound(self.tr("To"), today)

        self.kinds: dict[str, QCheckBox] = {}
        kinds_box = QGroupBox(self.tr("Include"))
        kinds_layout = QGridLayout(kinds_box)
        for index, kind in enumerate(ALL_KINDS):
            box = QCheckBox(self.tr(KIND_LABELS.get(kind, kind)))
            box.setChecked(True)
            box.setAccessibleName(self.tr(KIND_LABELS.get(kind, kind)))
            self.kinds[kind] = box
            kinds_layout.addWidget(_tall(box), index // 2, index % 2)

        self.folder = QLineEdit(str(folder or Path.home() / "sps-tracker-export"))
        self.folder.setAccessibleName(self.tr("Folder to write the CSV files into"))
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(_tall(self.folder), 1)
        folder_row.addWidget(_tall(browse))

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            self.tr("&Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)

        patient_buttons = QHBoxLayout()
        patient_buttons.addWidget(_tall(self.all_patients))
        patient_buttons.addWidget(_tall(self.no_patients))
        patient_buttons.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Patients"), self.patients)
        form.addRow("", patient_buttons)
        form.addRow(self.tr("Dates"), self.date_from)
        form.addRow("", self.date_to)
        form.addRow(self.tr("Folder"), folder_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(kinds_box)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.result_text = ""

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for row in range(self.patients.count()):
            self.patients.item(row).setCheckState(state)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Export into folder"), self.folder.text()
        )
        if chosen:
            self.folder.setText(chosen)

    def chosen_patients(self) -> list[int]:
        return [
            int(self.patients.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.patients.count())
            if self.patients.item(row).checkState() == Qt.CheckState.Checked
        ]

    def problems(self) -> list[str]:
        found = []
        if not self.chosen_patients():
            found.append(self.tr("Choose at least one patient."))
        if not any(box.isChecked() for box in self.kinds.values()):
            found.append(self.tr("Choose at least one kind of record to include."))
        start, end = self.date_from.value(), self.date_to.value()
        if start and end and start > end:
            found.append(self.tr("The 'From' date is after the 'To' date."))
        if not self.folder.text().strip():
            found.append(self.tr("Choose a folder to write into."))
        return found

    def export(self) -> None:
        problems = self.problems()
        if problems:
            self.message.setText(" ".join(problems))
            return
        kinds = [kind for kind, box in self.kinds.items() if box.isChecked()]
        try:
            result = self.tracker.export_csv(
                Path(self.folder.text().strip()).expanduser(),
                patient_ids=self.chosen_patients(),
                date_from=self.date_from.value(),
                date_to=self.date_to.value(),
                kinds=kinds,
            )
        except (OSError, ValueError) as error:
            self.message.setText(self.tr("Nothing was exported: %s") % error)
            return
        self.result_text = str(result)
        QMessageBox.information(self, self.tr("Export finished"), self.result_text)
        self.accept()


class ImportDialog(QDialog):
    """Check a CSV file or an export folder, show what it holds, then import it whole."""

    def __init__(
        self,
        tracker: Tracker,
        parent: QWidget | None = None,
        *,
        source: Path | None = None,
        patient_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.checked: ImportResult | None = None
        self.setWindowTitle(self.tr("Import CSV"))
        self.resize(820, 600)

        self.source = QLineEdit(str(source) if source else "")
        self.source.setAccessibleName(self.tr("File or folder to import"))
        self.source.setPlaceholderText(self.tr("A folder from Export, or one CSV file"))
        self.source.textChanged.connect(self._forget_check)
        choose_folder = QPushButton(self.tr("&Folder…"))
        choose_folder.clicked.connect(self._choose_folder)
        choose_file = QPushButton(self.tr("F&ile…"))
        choose_file.clicked.connect(self._choose_file)
        source_row = QHBoxLayout()
        source_row.addWidget(_tall(self.source), 1)
        source_row.addWidget(_tall(choose_folder))
        source_row.addWidget(_tall(choose_file))

        self.into = QComboBox()
        self.into.setAccessibleName(self.tr("Import into patient"))
        self.into.addItem(self.tr("The patients named in the files (matched by UUID)"), None)
        for summary in tracker.list_patients():
            p = summary.patient
            label = p.display_name + (f" · {p.clinic_identifier}" if p.clinic_identifier else "")
            self.into.addItem(self.tr("Into %s (a diary export)") % label, p.id)
        if patient_id is not None:
            self.into.setCurrentIndex(max(0, self.into.findData(patient_id)))
        self.into.currentIndexChanged.connect(self._forget_check)

        self.date_format = QComboBox()
        self.date_format.setAccessibleName(self.tr("Date format of the file"))
        for code, label in DATE_FORMATS:
            self.date_format.addItem(self.tr(label), code)
        self.date_format.currentIndexChanged.connect(self._forget_check)

        self.check_button = QPushButton(self.tr("&Check"))
        self.check_button.clicked.connect(self.check)
        self.summary = QLabel(
            self.tr(
                "Choose a file or folder, then Check. Nothing is written until you press Import."
            )
        )
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Import summary"))
        self.preview = QTabWidget()
        self.preview.setAccessibleName(self.tr("Preview of the files"))
        self.problem_list = QListWidget()
        self.problem_list.setAccessibleName(self.tr("Problems found"))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton(
            self.tr("&Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Source"), source_row)
        form.addRow(self.tr("Patient"), _tall(self.into))
        form.addRow(self.tr("Dates"), _tall(self.date_format))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_tall(self.check_button), 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 3)
        layout.addWidget(QLabel(self.tr("Problems (by file, row and column)")))
        layout.addWidget(self.problem_list, 2)
        layout.addWidget(self.buttons)
        for button in self.buttons.buttons():
            _tall(button)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Import a folder"))
        if chosen:
            self.source.setText(chosen)

    def _choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a CSV file"), filter=self.tr("CSV files (*.csv)")
        )
        if chosen:
            self.source.setText(chosen)

    def _forget_check(self) -> None:
        self.checked = None
        self.import_button.setEnabled(False)

    def _run(self, *, dry_run: bool) -> ImportResult | None:
        path = Path(self.source.text().strip()).expanduser()
        if not self.source.text().strip() or not path.exists():
            self.summary.setText(self.tr("Choose a file or folder that exists."))
            return None
        return self.tracker.import_csv(
            path,
            dry_run=dry_run,
            patient_id=self.into.currentData(),
            date_format=self.date_format.currentData() or None,
        )

    def check(self) -> None:
        result = self._run(dry_run=True)
        self.show_result(result)
        self.checked = result
        self.import_button.setEnabled(result is not None and result.ok and result.new > 0)

    def show_result(self, result: ImportResult | None) -> None:
        self.preview.clear()
        self.problem_list.clear()
        if result is None:
            return
        self.summary.setText(result.describe())
        for report in result.files:
            table = QTableWidget(len(report.preview), len(report.header))
            table.setAccessibleName(self.tr("Preview of %s") % report.file)
            table.setHorizontalHeaderLabels(report.header)
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            quiet_corner(table, self.tr("Select the whole preview"))
            for r, row in enumerate(report.preview):
                for c, cell in enumerate(row[: len(report.header)]):
                    table.setItem(r, c, QTableWidgetItem(cell))
            title = self.tr("%s: %d rows, %d new") % (report.file, report.rows, report.new)
            if report.skipped:
                title = f"{report.file}: {report.skipped}"
            self.preview.addTab(table, title)
        for problem in result.problems:
            self.problem_list.addItem(str(problem))
        for conflict in result.conflicts:
            self.problem_list.addItem(str(conflict))
        for warning in result.warnings:
            self.problem_list.addItem(self.tr("Note: %s") % warning)

    def run_import(self) -> None:
        if self.checked is None or not self.checked.ok:
            return
        result = self._run(dry_run=False)
        self.show_result(result)
        if result is not None and result.written:
            QMessageBox.information(self, self.tr("Import finished"), result.describe())
            self.accept()
