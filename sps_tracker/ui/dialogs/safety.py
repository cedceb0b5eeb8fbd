"""Data safety in the window: backups and restore, recently deleted entries, an entry's history.

Every message box here has no icon: a warning icon makes some desktops play their
alert sound, and a sudden sound can set off spasms in stiff-person syndrome.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
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

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.scales import SCALES
from sps_tracker.safety import BackupInfo, RestoreReport, list_backups
from sps_tracker.services import Tracker
from sps_tracker.storage.errors import DatabaseError
from sps_tracker.storage.models import (
    AuditEntry,
    Patient,
    PatientRecord,
    Record,
)
from sps_tracker.ui.widgets import MIN_CONTROL_HEIGHT, enlarge_controls, quiet_corner

log = logging.getLogger(__name__)

# Fields the machine keeps; a person's history of an entry leaves them out.
MACHINE_FIELDS = frozenset({"id", "uuid", "created_at", "updated_at", "deleted_at", "patient_id"})

COUNT_WORDS = {
    "patient": ("%d patient", "%d patients"),
    "assessment": ("%d assessment", "%d assessments"),
    "fall": ("%d fall", "%d falls"),
    "infusion": ("%d infusion course", "%d infusion courses"),
    "medication": ("%d medication", "%d medications"),
    "lab": ("%d lab result", "%d lab results"),
}

ACTION_WORDS = {
    "add": "Added",
    "edit": "Changed",
    "delete": "Deleted",
    "restore": "Restored",
    "import": "Imported",
}

# Stored keys shown as the forms' words.
CHOICE_FIELDS: dict[str, tuple[vocab.Choice, ...]] = {
    "source": vocab.ASSESSMENT_SOURCES,
    "walking_status": vocab.WALKING_STATUSES,
    "trigger": vocab.FALL_TRIGGERS,
    "antibody_status": vocab.ANTIBODY_STATUSES,
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Safety", text)


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def reason_text(reason: str) -> str:
    """Why a backup was taken, in words."""
    fixed = {
        "start": _tr("automatic, when the app started"),
        "exit": _tr("automatic, when the app closed"),
        "scheduled": _tr("automatic, while the app was open"),
        "manual": _tr("by hand"),
        "before-restore": _tr("kept before a restore"),
        "self-test": _tr("self-test"),
    }
    if reason in fixed:
        return fixed[reason]
    if reason.startswith("before-upgrade"):
        return _tr("kept before an upgrade")
    return reason


def counts_text(counts: Mapping[str, int]) -> str:
    """'2 patients, 40 assessments, 3 falls' (kinds with none left out)."""
    parts = []
    for kind, (one, many) in COUNT_WORDS.items():
        number = counts.get(kind, 0)
        if number:
            parts.append(_tr(one if number == 1 else many) % number)
    return ", ".join(parts) if parts else _tr("no records")


def message(parent: QWidget | None, title: str, text: str, informative: str = "") -> None:
    """A calm message with one OK button, no icon and no sound."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.NoIcon)
    box.setWindowTitle(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    # Wide enough that a folder's path is not broken over many short lines.
    box.setStyleSheet("QLabel { min-width: 26em; }")
    for button in box.buttons():
        button.setMinimumHeight(MIN_CONTROL_HEIGHT)
        button.setAccessibleName(button.text().replace("&", ""))
    box.exec()


def ask(parent: QWidget | None, title: str, text: str, informative: str, yes: str) -> bool:
    """A calm question; Cancel is the default, so Enter never destroys anything."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.NoIcon)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(informative)
    go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setStyleSheet("QLabel { min-width: 26em; }")
    for button in (go, cancel):
        button.setMinimumHeight(MIN_CONTROL_HEIGHT)
        button.setAccessibleName(button.text().replace("&", ""))
    box.exec()
    return box.clickedButton() is go


def _set_up(table: QTableWidget, columns: list[str], name: str) -> QTableWidget:
    """A read-only table of rows: one chosen at a time, no edits, no corner button."""
    table.setColumnCount(len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    quiet_corner(table, _tr("Select all rows"))
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # The last column takes the rest of the width and wraps, so nothing hides off the right.
    header.setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
    header.setHighlightSections(False)
    table.setWordWrap(True)
    return table


def _table(columns: list[str], name: str) -> QTableWidget:
    return _set_up(QTableWidget(), columns, name)


def _cell(text: str, data: Any = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def _chosen_row(table: QTableWidget) -> int:
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else -1


# -- backups and restore --------------------------------------------------------


class BackupTable(QTableWidget):
    """The automatic (and by-hand) backups of a data folder, newest first."""

    def __init__(self, backups: list[BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _set_up(self, [_tr("Taken"), _tr("Why"), _tr("State"), _tr("Records")], _tr("Backups"))
        self.backups = backups
        self.setRowCount(len(backups))
        for row, info in enumerate(backups):
            taken = _cell(local_time(info.taken_at), str(info.path))
            taken.setToolTip(str(info.path))
            self.setItem(row, 0, taken)
            self.setItem(row, 1, _cell(reason_text(info.reason)))
            self.setItem(row, 2, _cell(info.problem or _tr("readable")))
            self.setItem(row, 3, _cell(counts_text(info.record_counts)))
        self.resizeRowsToContents()

    def chosen(self) -> BackupInfo | None:
        row = _chosen_row(self)
        return self.backups[row] if row >= 0 else None


class RestoreDialog(QDialog):
    """Choose a backup (from the list or a file), confirm, and put it in place.

    ``restore`` does the work (through the window's session, or restore_database at
    start); a refusal is shown and the dialog stays open. ``problem`` says why the
    dialog opened by itself (a damaged database at start).
    """

    def __init__(
        self,
        folder: Path,
        restore: Callable[[Path], RestoreReport],
        parent: QWidget | None = None,
        *,
        problem: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.folder = folder
        self.restore = restore
        self.report: RestoreReport | None = None
        self.setWindowTitle(self.tr("Restore from backup"))
        self.setMinimumSize(680, 380)

        layout = QVBoxLayout(self)
        if problem:
            heading = QLabel(self.tr("The database cannot be opened."))
            heading.setObjectName("restoreProblemHeading")
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            layout.addWidget(heading)
            self.problem = QLabel(problem)
            self.problem.setObjectName("restoreProblem")
            self.problem.setWordWrap(True)
            self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(self.problem)
            intro = self.tr(
                "The file was left exactly as it is. You can put one of the backups below "
                "in its place, or choose a backup file. The damaged file is kept aside."
            )
        else:
            intro = self.tr(
                "The backup you choose takes the place of the current database. "
                "The current database is backed up first, so nothing is lost."
            )
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        layout.addWidget(intro_label)

        self.table = BackupTable(list_backups(folder))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.restore_chosen())
        self.empty = QLabel(self.tr("There are no backups in this data folder yet."))
        self.empty.setVisible(not self.table.backups)
        self.table.setVisible(bool(self.table.backups))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

        self.choose_button = QPushButton(self.tr("Choose &file…"))
        self.choose_button.setAccessibleName(self.tr("Choose a backup file"))
        self.choose_button.clicked.connect(self.choose_file)
        self.restore_button = QPushButton(self.tr("&Restore"))
        self.restore_button.setAccessibleName(self.tr("Restore the chosen backup"))
        self.restore_button.clicked.connect(self.restore_chosen)
        self.cancel_button = QPushButton(self.tr("&Quit") if problem else self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.cancel_button.text().replace("&", ""))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        enlarge_controls(self)
        if self.table.backups:
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.table.chosen() is not None)

    def restore_chosen(self) -> None:
        info = self.table.chosen()
        if info is None:
            return
        described = self.tr("the backup taken %s (%s): %s") % (
            local_time(info.taken_at),
            reason_text(info.reason),
            counts_text(info.record_counts),
        )
        self.restore_from(info.path, described)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Restore from a backup file"),
            str(self.folder),
            self.tr("SPS Tracker databases (*.db *.sqlite);;All files (*)"),
        )
        if chosen:
            self.restore_from(Path(chosen), str(chosen))

    def restore_from(self, path: Path, described: str) -> None:
        if not ask(
            self,
            self.tr("Restore from backup"),
            self.tr("Put %s in place of the current database?") % described,
            self.tr(
                "Entries made after that backup will not be in the restored database. "
                "The current database is kept first."
            ),
            self.tr("Restore"),
        ):
            return
        try:
            self.report = self.restore(path)
        except DatabaseError as error:
            log.warning("restore refused: %s", type(error).__name__)
            message(self, self.tr("Restore from backup"), str(error))
            return
        self.accept()


def restored_text(report: RestoreReport) -> str:
    text = _tr("Restored %s.") % counts_text(report.record_counts)
    if report.upgraded_from:
        text += " " + _tr("The backup was upgraded to this version of SPS Tracker.")
    if report.previous_kept_at is not None:
        text += " " + _tr("The database it replaced was kept as %s.") % report.previous_kept_at
    return text


# -- recently deleted ---------------------------------------------------------------


def record_summary(record: Record) -> str:
    from sps_tracker.ui.history import describe

    if isinstance(record, PatientRecord):
        return describe(record)
    if isinstance(record, Patient):
        parts = [record.display_name]
        if record.clinic_identifier:
            parts.append(record.clinic_identifier)
        if record.birth_date:
            parts.append(_tr("born %s") % record.birth_date.isoformat())
        return " · ".join(parts)
    return ""


class RecentlyDeletedDialog(QDialog):
    """Deleted entries and patients, newest deletion first; Restore brings one back."""

    restore_requested = Signal(object)

    def __init__(self, tracker: Tracker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recentlyDeletedDialog")
        self.tracker = tracker
        self.setWindowTitle(self.tr("Recently deleted"))
        self.setMinimumSize(720, 400)
        intro = QLabel(
            self.tr(
                "Deleted entries stay here until you restore them. "
                "They are left out of the history, the charts and exports."
            )
        )
        intro.setWordWrap(True)
        self.table = _table(
            [self.tr("Kind"), self.tr("Patient"), self.tr("Deleted"), self.tr("Details")],
            self.tr("Recently deleted entries"),
        )
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty = QLabel(self.tr("Nothing has been deleted."))
        self.restore_button = QPushButton(self.tr("&Restore"))
        self.restore_button.setAccessibleName(self.tr("Restore the chosen entry"))
        self.restore_button.clicked.connect(self._restore_chosen)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        for button in close.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.records: list[Record] = []
        self.refresh()
        enlarge_controls(self)

    def refresh(self) -> None:
        self.records = self.tracker.deleted()
        names = {s.patient.id: s.patient.display_name for s in self.tracker.list_patients()}
        names.update({r.id: r.display_name for r in self.records if isinstance(r, Patient)})
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            if isinstance(record, PatientRecord):
                patient = names.get(record.patient_id, "")
            elif isinstance(record, Patient):
                patient = record.display_name
            else:
                patient = ""
            when = local_time(record.deleted_at) if record.deleted_at else ""
            self.table.setItem(row, 0, _cell(self.tr(record.label)))
            self.table.setItem(row, 1, _cell(patient))
            self.table.setItem(row, 2, _cell(when))
            self.table.setItem(row, 3, _cell(record_summary(record)))
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(self.records))
        self.empty.setVisible(not self.records)
        if self.records:
            self.table.selectRow(0)
        self._update_buttons()

    def chosen(self) -> Record | None:
        row = _chosen_row(self.table)
        return self.records[row] if row >= 0 else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.chosen() is not None)

    def _restore_chosen(self) -> None:
        record = self.chosen()
        if record is not None:
            self.restore_requested.emit(record)
            self.refresh()


# -- one record's history ----------------------------------------------------------

_FIELD_LABELS: dict[type[Record], dict[str, str]] = {}


def field_labels(kind: type[Record]) -> dict[str, str]:
    """Each field's name as its form labels it (read off a form that is never shown)."""
    if kind in _FIELD_LABELS:
        return _FIELD_LABELS[kind]
    labels: dict[str, str] = {}
    for scale in SCALES:
        for item, column in zip(scale.items, scale.columns, strict=True):
            labels[column] = f"{_tr(scale.name)}: {_tr(item.label)}"
        labels[scale.total_column] = _tr("%s total") % _tr(scale.name)
    try:
        form = _form_of(kind)
    except Exception:  # the labels are a nicety; the history must open anyway
        log.exception("could not read the form's labels")
        form = None
    if form is not None:
        for field, widget in form._field_widgets.items():
            name = widget.accessibleName().strip()
            if name:
                labels.setdefault(field, name)
        form.deleteLater()
    _FIELD_LABELS[kind] = labels
    return labels


def _form_of(kind: type[Record]) -> Any:
    if kind is Patient:
        from sps_tracker.ui.forms.patient import PatientForm

        return PatientForm(None, None)
    from sps_tracker.ui.forms import form_class

    form_type: Any = form_class(kind) if issubclass(kind, PatientRecord) else None
    return None if form_type is None else form_type(None, None)


def field_label(kind: type[Record], field: str) -> str:
    return field_labels(kind).get(field) or field.replace("_", " ").capitalize()


def value_text(field: str, value: object) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "":
        return _tr("(empty)")
    if isinstance(value, bool):
        return _tr("yes") if value else _tr("no")
    if field in CHOICE_FIELDS and isinstance(value, str):
        return _tr(vocab.label(CHOICE_FIELDS[field], value))
    if field == "reactions" and isinstance(value, str):
        keys = [k for k in value.split(";") if k]
        return ", ".join(_tr(vocab.label(vocab.INFUSION_REACTIONS, k)) for k in keys)
    if isinstance(value, int) and any(field in s.columns for s in SCALES):
        return _tr("yes") if value else _tr("no")
    if isinstance(value, float):
        return f"{value:g}"
    if field.endswith("_at") and isinstance(value, str):
        try:
            return local_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _values(text: str | None) -> dict[str, object]:
    if not text:
        return {}
    try:
        loaded = json.loads(text)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def change_lines(kind: type[Record], entry: AuditEntry) -> list[str]:
    """What an audit entry changed, one line per field, in the forms' words."""
    old, new = _values(entry.old_values), _values(entry.new_values)
    lines: list[str] = []
    if entry.action == "edit":
        for field in new.keys() | old.keys():
            if field in MACHINE_FIELDS:
                continue
            lines.append(
                f"{field_label(kind, field)}: {value_text(field, old.get(field))} → "
                f"{value_text(field, new.get(field))}"
            )
    elif new:
        for field, value in new.items():
            if field in MACHINE_FIELDS or value is None or value == "":
                continue
            lines.append(f"{field_label(kind, field)}: {value_text(field, value)}")
    return sorted(lines)


class RecordHistoryDialog(QDialog):
    """The audit trail of one entry: when, who, what was done, old → new values."""

    def __init__(self, tracker: Tracker, record: Record, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordHistoryDialog")
        kind = type(record)
        self.setWindowTitle(self.tr("History of this entry"))
        self.setMinimumSize(720, 420)
        heading = QLabel(f"{self.tr(kind.label)} · {record_summary(record)}")
        heading.setWordWrap(True)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.table = _table(
            [self.tr("When"), self.tr("Who"), self.tr("What"), self.tr("Values")],
            self.tr("Changes to this entry"),
        )
        self.table.setWordWrap(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.entries = tracker.audit_trail(record.uuid)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            action = ACTION_WORDS.get(entry.action, entry.action)
            lines = change_lines(kind, entry)
            self.table.setItem(row, 0, _cell(local_time(entry.at)))
            self.table.setItem(row, 1, _cell(entry.actor or self.tr("(not recorded)")))
            self.table.setItem(row, 2, _cell(self.tr(action)))
            self.table.setItem(row, 3, _cell("\n".join(lines) if lines else "—"))
        self.table.resizeRowsToContents()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        for button in close.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(close)
        enlarge_controls(self)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def row_texts(self) -> list[list[str]]:
        """The table as text, as a person reads it (for tests and the gallery)."""
        return [
            [self._text(r, c) for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]


__all__ = [
    "BackupTable",
    "RecentlyDeletedDialog",
    "RecordHistoryDialog",
    "RestoreDialog",
    "ask",
    "message",
    "restored_text",
]
