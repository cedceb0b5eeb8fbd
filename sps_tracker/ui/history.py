"""The patient's history: every entry in one table, in time order, filterable by kind."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.services import HistoryEntry
from sps_tracker.storage.models import (
    PATIENT_RECORD_TYPES,
    Assessment,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
    PatientRecord,
)
from sps_tracker.ui.widgets import quiet_corner

ModelIndex = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

KIND_TITLES = {
    "assessment": "Assessments",
    "fall": "Falls",
    "infusion": "Infusion courses",
    "medication": "Medication",
    "lab": "Lab results",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("History", text)


def describe(record: PatientRecord) -> str:
    """A one-line summary of an entry for the history table."""
    r = record
    if isinstance(r, Assessment):
        parts = [
            _tr("Stiffness %d/6") % r.dsi_total,
            _tr("Sensitivity %d/7") % r.hss_total,
        ]
        if r.walking_status:
            parts.append(_tr(vocab.label(vocab.WALKING_STATUSES, r.walking_status)))
        return " · ".join(parts)
    if isinstance(r, Fall):
        text = _tr(vocab.label(vocab.FALL_TRIGGERS, r.trigger))
        if r.trigger == "other" and r.trigger_other:
            text = r.trigger_other
        return text + (" · " + _tr("injury") if r.injury else "")
    if isinstance(r, InfusionCourse):
        parts = [r.product or _tr("IVIg")]
        if r.days == 1:
            parts.append(_tr("1 day"))
        else:
            parts.append(_tr("%d days, to %s") % (r.days, r.last_day.isoformat()))
        if r.total_grams:
            parts.append(f"{r.total_grams:g} g")
        if r.reaction_keys:
            parts.append(
                _tr("reactions: %s")
                % ", ".join(_tr(vocab.label(vocab.INFUSION_REACTIONS, k)) for k in r.reaction_keys)
            )
        return " · ".join(parts)
    if isinstance(r, MedicationPeriod):
        stop = _tr(" · stopped %s") % r.stop_date.isoformat() if r.stop_date else ""
        return _tr("%s %s %s a day") % (r.drug, f"{r.daily_dose:g}", r.dose_unit) + stop
    if isinstance(r, LabResult):
        lab = f" · {r.lab}" if r.lab else ""
        return f"{r.analyte} {r.value:g} {r.unit}{lab}"
    return ""


class HistoryModel(QAbstractTableModel):
    COLUMNS = ("When", "Entry", "Details", "Source")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(self.COLUMNS[section])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        column = index.column()
        if role == SORT_ROLE:
            if column == 0:
                return entry.when.timestamp()
            return str(self.data(index) or "").lower()
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        # Built on first use: only the rows on screen need a full record.
        r = entry.record
        if column == 0:
            if isinstance(r, Assessment | Fall):
                return entry.when.astimezone().strftime("%Y-%m-%d  %H:%M")
            return entry.when.date().isoformat()
        if column == 1:
            return _tr(r.label)
        if column == 2:
            return describe(r)
        if column == 3 and isinstance(r, Assessment):
            return _tr(vocab.label(vocab.ASSESSMENT_SOURCES, r.source))
        return None


class KindFilter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind: str | None = None

    def set_kind(self, kind: str | None) -> None:
        self.beginFilterChange()
        self.kind = kind
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: ModelIndex) -> bool:  # noqa: N802
        source = self.sourceModel()
        if self.kind is None or not isinstance(source, HistoryModel):
            return True
        return source.entries[row].kind == self.kind


class HistoryView(QWidget):
    """The table of entries with its filter and the Open / Delete buttons."""

    open_requested = Signal(object)
    delete_requested = Signal(object)
    history_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(self)
        self.proxy = KindFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)

        self.kind = QComboBox()
        self.kind.addItem(self.tr("All entries"), None)
        for kind in PATIENT_RECORD_TYPES:
            self.kind.addItem(self.tr(KIND_TITLES[kind.kind]), kind.kind)
        self.kind.currentIndexChanged.connect(
            lambda _i: self.proxy.set_kind(self.kind.currentData())
        )
        show = QLabel(self.tr("S&how:"))
        show.setBuddy(self.kind)
        self.kind.setAccessibleName(self.tr("Show entries of kind"))
        self.count = QLabel()

        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName(self.tr("History of entries"))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        quiet_corner(self.table, self.tr("Select all entries"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # "activated" is a double click or Enter, depending on the platform: one signal, one form.
        self.table.activated.connect(lambda _i: self._emit(self.open_requested))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.context_menu: QMenu | None = None

        self.open_button = QPushButton(self.tr("&Open…"))
        self.delete_button = QPushButton(self.tr("&Delete…"))
        self.open_button.clicked.connect(lambda: self._emit(self.open_requested))
        self.delete_button.clicked.connect(lambda: self._emit(self.delete_requested))
        for button in (self.open_button, self.delete_button):
            button.setEnabled(False)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        top = QHBoxLayout()
        top.addWidget(show)
        top.addWidget(self.kind)
        top.addStretch(1)
        top.addWidget(self.count)
        top.addSpacing(12)
        top.addWidget(self.open_button)
        top.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        selected = self.selected()
        self.model.set_entries(entries)
        self._update_count()
        if selected is not None:
            self.select(type(selected), selected.id)
        self._selection_changed()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = (
            self.tr("%d entries") % total
            if shown == total
            else self.tr("%d of %d") % (shown, total)
        )
        self.count.setText(text)

    def selected(self) -> PatientRecord | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.entries[self.proxy.mapToSource(rows[0]).row()].record

    def select(self, kind: type[PatientRecord], record_id: int) -> bool:
        for row, entry in enumerate(self.model.entries):
            if entry.record_id == record_id and issubclass(entry.record_type, kind):
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    self.table.selectRow(index.row())
                    self.table.scrollTo(index)
                    return True
        return False

    def row_of(self, kind: type[PatientRecord], record_id: int) -> int:
        """The visible row of a record, or -1."""
        for row, entry in enumerate(self.model.entries):
            if entry.record_id == record_id and issubclass(entry.record_type, kind):
                return self.proxy.mapFromSource(self.model.index(row, 0)).row()
        return -1

    def _selection_changed(self, *_args: object) -> None:
        chosen = self.selected() is not None
        self.open_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _show_context_menu(self, position: Any) -> None:
        """Right click on a row: choose it, then offer what can be done with it."""
        index = self.table.indexAt(position)
        if index.isValid():
            self.table.selectRow(index.row())
        if self.selected() is None:
            return
        menu = QMenu(self)
        menu.setObjectName("historyContextMenu")
        for text, signal in (
            (self.tr("&Open…"), self.open_requested),
            (self.tr("History of this &entry…"), self.history_requested),
            (self.tr("&Delete…"), self.delete_requested),
        ):
            action = menu.addAction(text)
            action.triggered.connect(lambda _c=False, s=signal: self._emit(s))
        self.context_menu = menu
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _emit(self, signal: Any) -> None:
        record = self.selected()
        if record is not None:
            signal.emit(record)
