"""The main window: patient list, the active-patient banner, the patient's history."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sps_tracker import APP_NAME
from sps_tracker.safety import BackupStatus, RestoreReport, WritingSession, backup_status
from sps_tracker.services import NotFoundError, Tracker
from sps_tracker.storage.errors import DatabaseError
from sps_tracker.storage.models import (
    Assessment,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
    Patient,
    PatientRecord,
    Record,
)
from sps_tracker.ui.banner import PatientBanner
from sps_tracker.ui.commands import AddCommand, DeleteCommand, EditCommand, RestoreCommand
from sps_tracker.ui.forms import form_class
from sps_tracker.ui.history import HistoryView, describe
from sps_tracker.ui.mode import CLINIC, PERSONAL, SettingsDialog, default_user_name
from sps_tracker.ui.settings import app_settings, stored_mode
from sps_tracker.ui.widgets import MIN_CONTROL_HEIGHT, enlarge_controls

if TYPE_CHECKING:
    from sps_tracker.ui.forms.base import EntryForm

log = logging.getLogger(__name__)

# A running app checks hourly whether a scheduled backup is due (the policy says when).
BACKUP_CHECK_MS = 60 * 60 * 1000


def draft_record(
    kind: type[PatientRecord], values: dict[str, Any], base: PatientRecord | None
) -> PatientRecord:
    """An unsaved record holding a kept draft's values, to fill a form with."""
    from datetime import date, datetime

    from sqlalchemy import Date

    from sps_tracker.storage.types import UTCDateTime

    columns = {c.key: c for c in kind.__table__.columns if not c.computed}
    filled: dict[str, Any] = {} if base is None else dict(base.values())
    for key, value in values.items():
        column = columns.get(key)
        if column is None or key in ("id", "uuid", "patient_id"):
            continue
        if isinstance(value, str) and isinstance(column.type, UTCDateTime):
            value = datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        elif isinstance(value, list):
            value = ";".join(str(v) for v in value)
        filled[key] = value
    filled.pop("id", None)
    return kind(**filled)


class MainWindow(QMainWindow):
    def __init__(
        self,
        tracker: Tracker,
        *,
        data_dir: Path,
        mode: str | None = None,
        settings: QSettings | None = None,
        remember: bool = True,
        session: WritingSession | None = None,
    ) -> None:
        super().__init__()
        self.tracker = tracker
        # The app holds the folder through a session (lock, backups); tests may pass none.
        self.session = session
        self.data_dir = data_dir
        self.settings = settings or app_settings()
        # A screenshot or a gallery run looks, and leaves the person's window state alone.
        self.remember = remember
        self.mode = mode or stored_mode(self.settings) or CLINIC
        self.patient: Patient | None = None
        self.undo_stack = QUndoStack(self)
        self.current_dialog: QDialog | None = None
        self.views: dict[str, QWidget] = {}
        self._shown_once = False
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(720, 480)

        self.banner = PatientBanner()
        self.banner.edit_button.clicked.connect(self.edit_patient)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by name or ID"))
        self.search.setAccessibleName(self.tr("Search patients"))
        self.search.setClearButtonEnabled(True)
        for clear in self.search.findChildren(QToolButton):
            clear.setAccessibleName(self.tr("Clear search"))
        self.search.setMinimumHeight(MIN_CONTROL_HEIGHT)
        self.search.textChanged.connect(self.refresh_patients)
        self.search.returnPressed.connect(self._focus_list)
        self.patient_list = QListWidget()
        self.patient_list.setAccessibleName(self.tr("Patients"))
        self.patient_list.setSpacing(2)
        self.patient_list.currentItemChanged.connect(self._patient_chosen)
        self.new_patient_button = QPushButton(self.tr("New patient…"))
        self.new_patient_button.setMinimumHeight(MIN_CONTROL_HEIGHT)
        self.new_patient_button.clicked.connect(self.new_patient)
        patients_heading = QLabel(self.tr("&Patients"))
        patients_heading.setBuddy(self.search)

        self.patient_panel = QWidget()
        left = QVBoxLayout(self.patient_panel)
        left.setContentsMargins(8, 8, 0, 8)
        left.addWidget(patients_heading)
        left.addWidget(self.search)
        left.addWidget(self.patient_list, 1)
        left.addWidget(self.new_patient_button)

        self.history = HistoryView()
        self.history.open_requested.connect(self.edit_entry)
        self.history.delete_requested.connect(self.delete_entry)
        self.history.history_requested.connect(self.show_entry_history)
        self.history.table.selectionModel().selectionChanged.connect(self._update_actions)
        # The history reads when on screen (see refresh_history): a start on the chart skips it.
        self._history_stale = False
        self.history.installEventFilter(self)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.add_view("history", self.history, self.tr("History"))
        from sps_tracker.ui.charts import ChartView

        self.chart_view = ChartView(self.tracker)
        self.add_view("chart", self.chart_view, self.tr("Chart"))
        from sps_tracker.ui.summary_view import SummaryView

        self.summary_view = SummaryView(self.tracker)
        self.add_view("summary", self.summary_view, self.tr("Monthly summary"))

        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        self.empty_text = QLabel()
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        self.empty_button = QPushButton(self.tr("New patient…"))
        self.empty_button.setMinimumHeight(40)
        self.empty_button.clicked.connect(self.new_patient)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_text)
        empty_layout.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignCenter)
        empty_layout.addStretch(2)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.tabs)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 8, 8, 8)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.pages, 1)

        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.patient_panel)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([260, 900])
        self.setCentralWidget(self.splitter)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.undo_stack.indexChanged.connect(lambda _i: self._update_actions())
        self.statusBar().showMessage(self.tr("Data folder: %s") % str(data_dir))
        self._build_backup_status()
        self._restore_state()
        self.apply_mode(self.mode)
        enlarge_controls(self)
        # Qt's own overflow buttons get names too, so a screen reader never meets a blank.
        for name, text in (
            ("qt_menubar_ext_button", self.tr("More menus")),
            ("qt_toolbar_ext_button", self.tr("More tools")),
        ):
            for button in self.findChildren(QToolButton, name):
                button.setAccessibleName(text)

    # -- actions, menus, toolbar ------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | str | QKeySequence.StandardKey | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(
                f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
            )
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        def new(kind: type[PatientRecord]) -> Callable[[], None]:
            return lambda: self.new_entry(kind)

        self.new_assessment_action = self._action(
            self.tr("New &assessment…"),
            new(Assessment),
            "Ctrl+N",
            self.tr("Record stiff areas, triggers and walking"),
        )
        self.new_fall_action = self._action(
            self.tr("New &fall…"), new(Fall), "Ctrl+Shift+F", self.tr("Record a fall")
        )
        self.new_infusion_action = self._action(
            self.tr("New &infusion course…"),
            new(InfusionCourse),
            "Ctrl+Shift+I",
            self.tr("Record an IVIg course"),
        )
        self.new_medication_action = self._action(
            self.tr("New &medication…"),
            new(MedicationPeriod),
            "Ctrl+Shift+M",
            self.tr("Record a drug and its daily dose"),
        )
        self.new_lab_action = self._action(
            self.tr("New &lab result…"),
            new(LabResult),
            "Ctrl+Shift+L",
            self.tr("Record a lab result such as an anti-GAD65 titre"),
        )
        self.entry_actions = [
            self.new_assessment_action,
            self.new_fall_action,
            self.new_infusion_action,
            self.new_medication_action,
            self.new_lab_action,
        ]
        self.new_patient_action = self._action(
            self.tr("New &patient…"), self.new_patient, "Ctrl+Shift+N", self.tr("Add a patient")
        )
        self.edit_patient_action = self._action(
            self.tr("&Edit patient…"), self.edit_patient, "Ctrl+Shift+E"
        )
        self.quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)

        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.open_entry_action = self._action(
            self.tr("&Open entry…"), self._open_selected, "Ctrl+O"
        )
        self.delete_entry_action = self._action(
            self.tr("&Delete entry…"), self._delete_selected, QKeySequence.StandardKey.Delete
        )
        # The Delete key belongs to the history table, not to text fields being edited.
        self.delete_entry_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.history.table.addAction(self.delete_entry_action)
        self.settings_action = self._action(self.tr("&Settings…"), self.open_settings, "Ctrl+,")
        self.find_patient_action = self._action(
            self.tr("&Find patient"), self._focus_search, QKeySequence.StandardKey.Find
        )
        self.history_view_action = self._action(
            self.tr("&History"), lambda: self.show_view("history"), "Ctrl+1"
        )
        self.about_action = self._action(self.tr("&About SPS Tracker"), self.show_about)
        self.chart_view_action = self._action(
            self.tr("&Chart"), lambda: self.show_view("chart"), "Ctrl+2"
        )
        self.export_csv_action = self._action(self.tr("&Export CSV…"), self.export_csv)
        self.backup_now_action = self._action(
            self.tr("&Back up now…"), self.backup_now, tip=self.tr("Save a copy of the database")
        )
        self.restore_action = self._action(
            self.tr("&Restore from backup…"),
            self.restore_backup,
            tip=self.tr("Put a backup in place of the database"),
        )
        self.export_audit_action = self._action(
            self.tr("Export a&udit log…"),
            self.export_audit_log,
            tip=self.tr("Every addition, change and deletion as a CSV file"),
        )
        self.recently_deleted_action = self._action(
            self.tr("Recently &deleted…"), self.show_recently_deleted
        )
        self.entry_history_action = self._action(
            self.tr("&History of this entry…"), self._history_of_selected, "Ctrl+H"
        )
        self.import_csv_action = self._action(self.tr("&Import CSV…"), self.import_csv)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.new_patient_action)
        file_menu.addAction(self.edit_patient_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_csv_action)
        file_menu.addAction(self.import_csv_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_now_action)
        file_menu.addAction(self.restore_action)
        file_menu.addAction(self.export_audit_action)
        file_menu.addSeparator()
        self._add_chart_actions(file_menu)
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.open_entry_action)
        edit_menu.addAction(self.delete_entry_action)
        edit_menu.addAction(self.entry_history_action)
        edit_menu.addAction(self.recently_deleted_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.settings_action)
        record_menu = bar.addMenu(self.tr("&Record"))
        for action in self.entry_actions:
            record_menu.addAction(action)
        self.view_menu = bar.addMenu(self.tr("&View"))
        self.view_menu.addAction(self.history_view_action)
        self.view_menu.addAction(self.chart_view_action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.find_patient_action)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("Entries"))
        toolbar.setObjectName("entriesToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        short = {
            self.new_assessment_action: self.tr("Assessment"),
            self.new_fall_action: self.tr("Fall"),
            self.new_infusion_action: self.tr("Infusion"),
            self.new_medication_action: self.tr("Medication"),
            self.new_lab_action: self.tr("Lab result"),
        }
        for action, text in short.items():
            action.setIconText(text)
            toolbar.addAction(action)
        toolbar.addSeparator()
        self.undo_action.setIconText(self.tr("Undo"))
        self.redo_action.setIconText(self.tr("Redo"))
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        for action in toolbar.actions():
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setMinimumHeight(36)
                button.setAccessibleName(action.iconText())
        self.toolbar = toolbar
        self.addToolBar(toolbar)

    def _update_actions(self) -> None:
        has_patient = self.patient is not None
        for action in self.entry_actions:
            action.setEnabled(has_patient)
        self.edit_patient_action.setEnabled(has_patient)
        selected = self.history.selected() is not None
        self.open_entry_action.setEnabled(selected)
        self.delete_entry_action.setEnabled(selected)
        self.entry_history_action.setEnabled(selected)

    # -- views ------------------------------------------------------------

    def add_view(self, name: str, widget: QWidget, title: str) -> None:
        """A tab beside the history (the chart comes here); it gets set_patient(id)."""
        self.views[name] = widget
        self.tabs.addTab(widget, title)

    def show_view(self, view: str) -> None:
        """Open on a named view of the current patient (``--view``)."""
        widget = self.views.get(view)
        if widget is not None:
            self.tabs.setCurrentWidget(widget)

    # -- mode -------------------------------------------------------------

    def apply_mode(self, mode: str) -> None:
        self.mode = mode
        personal = mode == PERSONAL
        self.patient_panel.setVisible(not personal)
        self.new_patient_action.setVisible(not personal)
        self.find_patient_action.setVisible(not personal)
        self.new_patient_action.setEnabled(not personal)
        self.edit_patient_action.setText(
            self.tr("Your &profile…") if personal else self.tr("&Edit patient…")
        )
        self.refresh_patients()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.mode, self, user_name=self._user_name())
        self._show_dialog(dialog)
        dialog.accepted.connect(
            lambda: self._mode_chosen(dialog.mode(), dialog.user_name.text().strip())
        )

    def _mode_chosen(self, mode: str, user_name: str | None = None) -> None:
        self.settings.setValue("mode", mode)
        if user_name is not None:
            self.settings.setValue("user_name", user_name)
        self.apply_mode(mode)

    def _user_name(self) -> str:
        return str(self.settings.value("user_name", "") or "")

    def _update_actor(self) -> None:
        """Who the audit trail names: the profile in a personal diary, else the user's name."""
        if self.mode == PERSONAL and self.patient is not None:
            self.tracker.actor = self.patient.display_name
        else:
            self.tracker.actor = self._user_name() or default_user_name()

    # -- patients ---------------------------------------------------------

    def refresh_patients(self) -> None:
        wanted = self.patient.uuid if self.patient else self._last_patient_uuid()
        summaries = self.tracker.list_patients("" if self.mode == PERSONAL else self.search.text())
        self.patient_list.blockSignals(True)
        self.patient_list.clear()
        chosen: Patient | None = None
        for summary in summaries:
            p = summary.patient
            text = p.display_name
            if p.clinic_identifier:
                text += f"  ·  {p.clinic_identifier}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setSizeHint(item.sizeHint().expandedTo(self.search.sizeHint()))
            self.patient_list.addItem(item)
            if p.uuid == wanted:
                self.patient_list.setCurrentItem(item)
                chosen = p
        self.patient_list.blockSignals(False)
        # Nobody chosen yet: in a diary it is the one profile; at a clinic, the first patient.
        if (
            chosen is None
            and summaries
            and (self.mode == PERSONAL or (self.patient is None and not self.search.text()))
        ):
            chosen = summaries[0].patient
            self.patient_list.blockSignals(True)
            self.patient_list.setCurrentRow(0)
            self.patient_list.blockSignals(False)
        if chosen is None and self.patient is not None and wanted == self.patient.uuid:
            # The active patient is filtered out of the list but stays active: no silent switch.
            still = [s for s in self.tracker.list_patients() if s.patient.uuid == wanted]
            chosen = still[0].patient if still else None
        self.set_patient(chosen)

    def _last_patient_uuid(self) -> str | None:
        uuid = self.settings.value("last_patient")
        return uuid if isinstance(uuid, str) and uuid else None

    def _patient_chosen(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        try:
            self.set_patient(self.tracker.get_patient(int(item.data(Qt.ItemDataRole.UserRole))))
        except NotFoundError:
            self.refresh_patients()

    def set_patient(self, patient: Patient | None) -> None:
        self.patient = patient
        personal = self.mode == PERSONAL
        self.banner.show_patient(patient, personal=personal)
        if patient is None:
            self._history_stale = False
            self.history.set_entries([])
            self.pages.setCurrentWidget(self.empty)
            if personal:
                self.empty_text.setText(self.tr("Welcome. Your diary starts with a short profile."))
                self.empty_button.setText(self.tr("Create your profile…"))
            elif self.tracker.list_patients():
                self.empty_text.setText(self.tr("Choose a patient from the list."))
                self.empty_button.setText(self.tr("New patient…"))
            else:
                self.empty_text.setText(self.tr("No patients yet."))
                self.empty_button.setText(self.tr("New patient…"))
        else:
            if self.remember and self.settings.value("last_patient") != patient.uuid:
                self.settings.setValue("last_patient", patient.uuid)
            self.pages.setCurrentWidget(self.tabs)
            self.refresh_history()
        if patient is None:
            for view in self.views.values():
                if view is not self.history and hasattr(view, "set_patient"):
                    view.set_patient(None)
        self._update_actor()
        self._update_actions()

    def refresh_history(self) -> None:
        """Every view reads the patient again: now if on screen, else when next shown."""
        if self.patient is not None:
            self._history_stale = True
            if self.history.isVisible():
                self._load_history()
            for view in self.views.values():
                if view is not self.history and hasattr(view, "set_patient"):
                    view.set_patient(self.patient.id)
        self._update_actions()

    def _load_history(self) -> None:
        self._history_stale = False
        if self.patient is not None:
            self.history.set_entries(self.tracker.history(self.patient.id))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.history and event.type() == QEvent.Type.Show and self._history_stale:
            self._load_history()
        return super().eventFilter(watched, event)

    # -- exchange and charts ----------------------------------------------

    def export_csv(self) -> None:
        from sps_tracker.ui.dialogs.exchange import ExportDialog

        chosen = [self.patient.id] if self.patient is not None else []
        self._show_dialog(ExportDialog(self.tracker, self, patient_ids=chosen))

    def import_csv(self) -> None:
        from sps_tracker.ui.dialogs.exchange import ImportDialog

        dialog = ImportDialog(self.tracker, self)
        dialog.accepted.connect(self.refresh_patients)
        self._show_dialog(dialog)

    def _add_chart_actions(self, file_menu: QMenu) -> None:
        for text, handler in (
            (self.tr("Export chart as &PNG…"), lambda: self._export_chart("png")),
            (self.tr("Export chart as &SVG…"), lambda: self._export_chart("svg")),
            (self.tr("Import &reference set…"), self.chart_view.import_reference_dialog),
        ):
            action = QAction(text, self)
            action.triggered.connect(handler)
            file_menu.addAction(action)
        file_menu.addSeparator()

    def _export_chart(self, suffix: str) -> None:
        if self.patient is None:
            QMessageBox.information(
                self, self.tr("Export chart"), self.tr("Choose a patient first.")
            )
            return
        self.show_view("chart")
        self.chart_view.export_dialog(suffix)

    # -- data safety: backups, restore, deleted entries, audit ----------------

    def _build_backup_status(self) -> None:
        """The last good backup, always in view; a warning in words when backups need care."""
        self.backup_label = QLabel()
        self.backup_label.setObjectName("backupStatus")
        self.backup_label.setAccessibleName(self.tr("Backup status"))
        self.backup_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_fix_button = QPushButton(self.tr("Back up now"))
        self.backup_fix_button.setObjectName("backupFixButton")
        self.backup_fix_button.setAccessibleName(self.tr("Back up now"))
        self.backup_fix_button.setMinimumHeight(MIN_CONTROL_HEIGHT)
        self.backup_fix_button.clicked.connect(self._backup_into_folder)
        self.statusBar().addPermanentWidget(self.backup_label)
        self.statusBar().addPermanentWidget(self.backup_fix_button)
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(self.scheduled_backup)
        self.backup_timer.start()
        self.update_backup_status()

    def backup_state(self) -> BackupStatus:
        if self.session is not None:
            return self.session.status()
        return backup_status(self.data_dir)

    def take_start_backup(self) -> None:
        if self.session is not None:
            self.session.start_backup()
        self.update_backup_status()

    def update_backup_status(self) -> None:
        try:
            status = self.backup_state()
        except OSError as error:
            log.warning("backup status unreadable: %s", type(error).__name__)
            self.backup_label.setText(self.tr("Warning: the backups folder cannot be read."))
            self.backup_fix_button.show()
            return
        if status.last_good_at is None:
            last = self.tr("Last backup: none yet")
        else:
            when = status.last_good_at.astimezone().strftime("%Y-%m-%d %H:%M")
            last = self.tr("Last backup: %s") % when
        if status.failing:
            reason = status.failure.removeprefix("Backup failed: ").rstrip(".")
            text = self.tr("Warning: the last backup failed (%s).") % reason + "  " + last
        elif status.overdue:
            text = self.tr("Warning: a backup is overdue.") + "  " + last
        else:
            text = last
        self.backup_label.setText(text)
        self.backup_label.setToolTip(str(status.last_good_path or ""))
        self.backup_fix_button.setVisible(not status.ok)
        font = self.backup_label.font()
        font.setBold(not status.ok)
        self.backup_label.setFont(font)

    def scheduled_backup(self) -> None:
        if self.session is not None:
            self.session.backup_if_due()
        self.update_backup_status()

    def _backup_into_folder(self) -> None:
        """The status bar's fix: a checked backup into the backups folder, right now."""
        from sps_tracker.safety import backup_now
        from sps_tracker.ui.dialogs.safety import message

        try:
            backup_now(self.data_dir)
        except (DatabaseError, OSError) as error:
            message(self, self.tr("Back up now"), self.tr("The backup failed."), str(error))
        self.update_backup_status()

    def backup_now(self) -> None:
        from datetime import date

        from PySide6.QtWidgets import QFileDialog

        from sps_tracker.safety import backup_now
        from sps_tracker.ui.dialogs.safety import message

        suggested = Path.home() / f"sps-tracker-backup-{date.today().isoformat()}.db"
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Back up now"),
            str(suggested),
            self.tr("SPS Tracker databases (*.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not chosen:
            return
        try:
            written = backup_now(self.data_dir, Path(chosen))
        except (DatabaseError, OSError) as error:
            message(self, self.tr("Back up now"), self.tr("Nothing was backed up."), str(error))
            return
        message(
            self, self.tr("Back up now"), self.tr("The database was backed up to %s.") % written
        )
        self.update_backup_status()

    def restore_backup(self) -> None:
        from sps_tracker.ui.dialogs.safety import RestoreDialog

        dialog = RestoreDialog(self.data_dir, self._restore_database, self)
        dialog.accepted.connect(lambda: self._restored(dialog.report))
        self._show_dialog(dialog)

    def _restore_database(self, path: Path) -> RestoreReport:
        """Restore through the session (it keeps the folder); the window then uses the new file."""
        if self.session is not None:
            try:
                return self.session.restore(path)
            finally:
                self._use_tracker(self.session.tracker)
        from sps_tracker.safety import restore_database

        actor = self.tracker.actor
        self.tracker.close()
        try:
            return restore_database(self.data_dir, path)
        finally:
            self._use_tracker(Tracker.open(self.data_dir, actor=actor))

    def _use_tracker(self, tracker: Tracker) -> None:
        self.tracker = tracker
        for view in self.views.values():
            if hasattr(view, "tracker"):  # chart and summary read through their own reference
                view.tracker = tracker
        # Undo steps name records of the database that was replaced.
        self.undo_stack.clear()
        self.patient = None
        self.refresh_patients()

    def _restored(self, report: RestoreReport | None) -> None:
        from sps_tracker.ui.dialogs.safety import message, restored_text

        self.update_backup_status()
        if report is not None:
            message(self, self.tr("Restore from backup"), restored_text(report))

    def export_audit_log(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from sps_tracker.exchange.audit_export import export_audit_csv
        from sps_tracker.ui.dialogs.safety import message

        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export audit log"),
            str(Path.home() / "sps-tracker-audit-log.csv"),
            self.tr("CSV files (*.csv)"),
        )
        if not chosen:
            return
        try:
            written = export_audit_csv(self.tracker.audit_trail(), Path(chosen))
        except OSError as error:
            message(self, self.tr("Export audit log"), self.tr("Nothing was written."), str(error))
            return
        message(
            self,
            self.tr("Export audit log"),
            self.tr("Wrote %d audit entries to %s.") % (written, chosen),
        )

    def show_recently_deleted(self) -> None:
        from sps_tracker.ui.dialogs.safety import RecentlyDeletedDialog

        dialog = RecentlyDeletedDialog(self.tracker, self)
        dialog.restore_requested.connect(self.restore_deleted)
        self._show_dialog(dialog)

    def restore_deleted(self, record: Record) -> None:
        """Bring a deleted record back as an undoable step, and show it."""
        kind = type(record)
        try:
            if isinstance(record, Patient):
                back: Record = self.tracker.restore_patient(record.id)
            else:
                back = self.tracker.restore(kind, record.id)  # type: ignore[type-var]
        except NotFoundError:
            return
        label = back.display_name if isinstance(back, Patient) else self.tr(kind.label).lower()
        self.undo_stack.push(
            RestoreCommand(self.tracker, back, self.tr("Restore %s") % label, self._record_changed)
        )
        self._record_changed(back)

    def show_entry_history(self, record: Record) -> None:
        from sps_tracker.ui.dialogs.safety import RecordHistoryDialog

        self._show_dialog(RecordHistoryDialog(self.tracker, record, self))

    def _history_of_selected(self) -> None:
        record = self.history.selected()
        if record is not None:
            self.show_entry_history(record)

    def _focus_search(self) -> None:
        if self.mode == CLINIC:
            self.search.setFocus()
            self.search.selectAll()

    def _focus_list(self) -> None:
        self.patient_list.setFocus()

    def new_patient(self) -> None:
        from sps_tracker.ui.forms.patient import PatientForm

        form = PatientForm(self, own=self.mode == PERSONAL)
        form.on_save = self._save_new_patient
        self._show_dialog(form)

    def _save_new_patient(self, values: dict[str, Any]) -> None:
        patient = self.tracker.add_patient(**values)
        self.undo_stack.push(
            AddCommand(
                self.tracker,
                patient,
                self.tr("New patient %s") % patient.display_name,
                self._record_changed,
            )
        )
        self.search.clear()
        self.patient = patient
        self.refresh_patients()

    def edit_patient(self) -> None:
        if self.patient is None:
            if self.mode == PERSONAL:
                self.new_patient()
            return
        before = self.tracker.get_patient(self.patient.id)
        from sps_tracker.ui.forms.patient import PatientForm

        form = PatientForm(self, before, own=self.mode == PERSONAL)

        def save(values: dict[str, Any]) -> None:
            after = self.tracker.update_patient(before.id, **values)
            self.undo_stack.push(
                EditCommand(
                    self.tracker,
                    before,
                    after,
                    list(values),
                    self.tr("Edit patient %s") % after.display_name,
                    self._record_changed,
                )
            )
            self.patient = after
            self.refresh_patients()

        form.on_save = save
        self._show_dialog(form)

    # -- entries ----------------------------------------------------------

    def _form_for(self, kind: type[PatientRecord], record: PatientRecord | None) -> EntryForm:
        assert self.patient is not None
        birth = self.patient.birth_date
        if kind is Assessment:
            from sps_tracker.ui.forms.assessment import AssessmentForm

            personal = self.mode == PERSONAL
            return AssessmentForm(
                self,
                record,  # type: ignore[arg-type]
                birth_date=birth,
                default_source="patient" if personal else "clinician",
                default_rater=self.patient.display_name if personal else "",
            )
        form_type: Any = form_class(kind)
        form: EntryForm = form_type(self, record, birth_date=birth)
        return form

    def _recovered(
        self, kind: type[PatientRecord], name: str, record: PatientRecord | None
    ) -> PatientRecord | None:
        """A draft kept after a crash, offered back once; otherwise the record given."""
        from sps_tracker.ui.drafts import discard_draft, read_draft

        values = read_draft(self.data_dir, name)
        if values is None:
            return record
        discard_draft(self.data_dir, name)
        if not self._ask(
            self.tr("Recovered entry"),
            self.tr(
                "SPS Tracker stopped while this entry was being typed. Its values were kept. "
                "Continue with them?"
            ),
        ):
            return record
        try:
            return draft_record(kind, values, record)
        except (TypeError, ValueError):
            return record

    def new_entry(self, kind: type[PatientRecord]) -> None:
        if self.patient is None:
            return
        patient = self.patient
        draft_name = f"{kind.kind}-new-{patient.uuid}"
        recovered = self._recovered(kind, draft_name, None)
        form = self._form_for(kind, recovered)
        if recovered is not None:
            form.setWindowTitle(self.tr("New %s (recovered)") % self.tr(kind.label).lower())
        form.keep_drafts(self.data_dir, draft_name)
        form.set_patient_name(patient.display_name)

        def save(values: dict[str, Any]) -> None:
            record = self.tracker.add(kind, patient.id, **values)
            self.undo_stack.push(
                AddCommand(
                    self.tracker,
                    record,
                    self.tr("New %s") % self.tr(kind.label).lower(),
                    self._record_changed,
                )
            )
            self.refresh_history()
            self.history.select(kind, record.id)

        form.on_save = save
        self._show_dialog(form)

    def edit_entry(self, record: PatientRecord) -> None:
        if self.patient is None:
            return
        kind = type(record)
        try:
            before = self.tracker.get(kind, record.id)
        except NotFoundError:
            self.refresh_history()
            return
        draft_name = f"{kind.kind}-edit-{before.uuid}"
        form = self._form_for(kind, self._recovered(kind, draft_name, before))
        form.keep_drafts(self.data_dir, draft_name)
        form.set_patient_name(self.patient.display_name)

        def save(values: dict[str, Any]) -> None:
            after = self.tracker.update(kind, before.id, **values)
            self.undo_stack.push(
                EditCommand(
                    self.tracker,
                    before,
                    after,
                    list(values),
                    self.tr("Edit %s") % self.tr(kind.label).lower(),
                    self._record_changed,
                )
            )
            self.refresh_history()
            self.history.select(kind, after.id)

        form.on_save = save
        self._show_dialog(form)

    def delete_entry(self, record: PatientRecord) -> None:
        kind = type(record)
        # No icon: a message box with a warning icon may play the system's alert sound.
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.NoIcon)
        box.setWindowTitle(self.tr("Delete entry"))
        box.setText(self.tr("Delete this %s?") % self.tr(kind.label).lower())
        box.setInformativeText(
            f"{describe(record)}\n\n" + self.tr("You can undo this with Edit › Undo (Ctrl+Z).")
        )
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setStyleSheet("QLabel { min-width: 22em; }")
        for button in (delete, cancel):
            button.setMinimumHeight(MIN_CONTROL_HEIGHT)
            button.setAccessibleName(button.text().replace("&", ""))
        self.delete_button = delete

        def answered() -> None:
            if box.clickedButton() is not delete:
                return
            try:
                gone = self.tracker.delete(kind, record.id)
            except NotFoundError:
                self.refresh_history()
                return
            self.undo_stack.push(
                DeleteCommand(
                    self.tracker,
                    gone,
                    self.tr("Delete %s") % self.tr(kind.label).lower(),
                    self._record_changed,
                )
            )
            self.refresh_history()

        box.finished.connect(lambda _result: answered())
        self._show_dialog(box)

    def _ask(self, title: str, text: str) -> bool:
        """A yes/no question without an icon (an icon may come with the system's alert sound)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.NoIcon)
        box.setWindowTitle(title)
        box.setText(text)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        for button in box.buttons():
            button.setMinimumHeight(MIN_CONTROL_HEIGHT)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _open_selected(self) -> None:
        record = self.history.selected()
        if record is not None:
            self.edit_entry(record)

    def _delete_selected(self) -> None:
        record = self.history.selected()
        if record is not None:
            self.delete_entry(record)

    def _record_changed(self, record: Record) -> None:
        """After an undo or redo: show the patient it touched, so nothing changes unseen."""
        if isinstance(record, Patient):
            if record.deleted_at is not None and self.patient and self.patient.id == record.id:
                self.patient = None
            elif record.deleted_at is None:
                self.patient = record
            self.refresh_patients()
        elif isinstance(record, PatientRecord):
            if self.patient is None or self.patient.id != record.patient_id:
                self.search.clear()
                self.patient = self.tracker.get_patient(record.patient_id)
                self.refresh_patients()
            else:
                self.refresh_history()
            if record.deleted_at is None:
                self.history.select(type(record), record.id)

    def _show_dialog(self, dialog: QDialog) -> None:
        """Window-modal and non-blocking, so the event loop (and tests) keep running."""
        if self.current_dialog is not None and self.current_dialog.isVisible():
            # One form at a time: a second would hide behind the first.
            dialog.deleteLater()
            self.current_dialog.raise_()
            self.current_dialog.activateWindow()
            return
        self.current_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.current_dialog is dialog:
            self.current_dialog = None

    # -- state ------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 760)
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        header = self.settings.value("history/header")
        if isinstance(header, QByteArray):
            table_header = self.history.table.horizontalHeader()
            table_header.restoreState(header)
            self.history.table.sortByColumn(
                table_header.sortIndicatorSection(), table_header.sortIndicatorOrder()
            )
        else:
            for column, width in enumerate((150, 130, 460)):
                self.history.table.setColumnWidth(column, width)

    def save_state(self) -> None:
        if not self.remember:
            return
        state: dict[str, object] = {
            "window/geometry": self.saveGeometry(),
            "window/splitter": self.splitter.saveState(),
            "history/header": self.history.table.horizontalHeader().saveState(),
        }
        if self.patient is not None:
            state["last_patient"] = self.patient.uuid
        changed = {k: v for k, v in state.items() if self.settings.value(k) != v}
        # The file is rewritten (and synced to disk) only when something in it changed.
        for key, value in changed.items():
            self.settings.setValue(key, value)
        if changed:
            self.settings.sync()

    def show_about(self) -> None:
        from sps_tracker.ui.about import show_about

        show_about(self.data_dir, self)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # Start in the history, where Ctrl+Z undoes entries (a search box would take it).
            self.history.table.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        self.backup_timer.stop()
        if self.session is not None:
            # A clean exit: the session closes the database, backs it up, lets go of the folder.
            self.session.close()
        else:
            self.tracker.close()
        super().closeEvent(event)
