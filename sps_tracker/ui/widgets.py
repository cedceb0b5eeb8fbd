"""Small building blocks shared by the forms: large controls, dates, numbers, messages."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

# Stiff hands need large targets (issue 3: at least 32 px high).
MIN_CONTROL_HEIGHT = 32
DATE_FORMAT = "yyyy-MM-dd"
DATETIME_FORMAT = "yyyy-MM-dd  HH:mm"
EARLIEST = QDate(1900, 1, 1)

INPUT_TYPES = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractButton)


def enlarge_controls(root: QWidget) -> None:
    """Give every input and button under ``root`` a height a stiff hand can hit."""
    for widget in root.findChildren(QWidget):
        if isinstance(widget, INPUT_TYPES) and widget.minimumHeight() < MIN_CONTROL_HEIGHT:
            widget.setMinimumHeight(MIN_CONTROL_HEIGHT)


def date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setMinimumDate(EARLIEST)
    edit.setDate(qdate(value) if value else QDate.currentDate())
    return edit


def datetime_edit(value: datetime | None = None) -> QDateTimeEdit:
    """A local date and time; ``value`` is an aware instant (shown in local time)."""
    edit = QDateTimeEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATETIME_FORMAT)
    edit.setMinimumDate(EARLIEST)
    local = (value.astimezone() if value else datetime.now().astimezone()).replace(
        tzinfo=None, second=0, microsecond=0
    )
    edit.setDateTime(QDateTime(qdate(local.date()), QTime(local.hour, local.minute)))
    return edit


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def instant_of(edit: QDateTimeEdit) -> datetime:
    """The aware local instant shown in a date-time box."""
    naive = edit.dateTime().toPython()
    assert isinstance(naive, datetime)
    return naive.replace(second=0, microsecond=0).astimezone()


def date_of(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


def parse_number(text: str) -> float | None:
    """A number as people type it ('1.5' or '1,5'); empty is None; ValueError otherwise."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def format_number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def problem_label() -> QLabel:
    """Where a field's problem is written, right under the field."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setProperty("problem", True)
    label.hide()
    return label


def problem_style(palette: QPalette) -> str:
    """A red that reads on light and dark windows alike."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return f"color: {'#ff8a80' if dark else '#b3261e'};"


class OptionalDate(QWidget):
    """A date that may be unknown: a check box turns the date on."""

    changed = Signal()

    def __init__(self, label: str, value: date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.known = QCheckBox(self.tr("Known"))
        self.known.setAccessibleName(self.tr("%s known") % label)
        self.edit = date_edit(value)
        self.edit.setAccessibleName(label)
        self.known.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.known)
        layout.addWidget(self.edit, 1)
        self.known.toggled.connect(self.edit.setEnabled)
        self.known.toggled.connect(self.changed)
        self.edit.dateChanged.connect(self.changed)
        self.setFocusProxy(self.known)

    def value(self) -> date | None:
        return date_of(self.edit) if self.known.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.known.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(qdate(value))


def quiet_corner(table: QTableView, name: str) -> None:
    """A table's corner button selects everything: off, and named for screen readers."""
    table.setCornerButtonEnabled(False)
    for corner in table.findChildren(QAbstractButton, "qt_tableview_cornerbutton"):
        corner.setAccessibleName(name)


class PatientView(QWidget):
    """A tab showing one patient that reads the database only while it is on screen.

    Subclasses implement ``refresh()``; ``set_patient`` marks the view stale and a hidden
    view catches up when it is next shown, so a hidden tab costs nothing.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.patient_id: int | None = None
        self._stale = False

    def set_patient(self, patient_id: int | None) -> None:
        self.patient_id = patient_id
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError
