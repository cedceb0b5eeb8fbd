"""What every entry form shares: labelled fields, a problem message under each field,
Save enabled only while the entry is valid, and nothing written until Save succeeds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sps_tracker.domain.errors import Problem, ProblemCollector, ValidationError
from sps_tracker.ui import drafts
from sps_tracker.ui.widgets import (
    MIN_CONTROL_HEIGHT,
    enlarge_controls,
    parse_number,
    problem_label,
    problem_style,
)

SaveHandler = Callable[[dict[str, Any]], None]


def plain(text: str) -> str:
    """A label's text without its mnemonic '&' or trailing colon."""
    return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&").rstrip(": ")


def notes_box() -> QPlainTextEdit:
    box = QPlainTextEdit()
    # Tab moves on to the next field; a note needs no tab characters.
    box.setTabChangesFocus(True)
    box.setFixedHeight(72)
    return box


class EntryForm(QDialog):
    """One record's form. Subclasses build fields, then ``collect`` and ``check`` values."""

    def __init__(
        self, parent: QWidget | None, title: str, *, birth_date: date | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.birth_date = birth_date
        self.on_save: SaveHandler | None = None
        # A fresh form stays quiet until the person changes something; Save is off meanwhile.
        self.quiet = False
        self._started = False
        self.saved_values: dict[str, Any] | None = None
        self._problem_labels: dict[str, QLabel] = {}
        self._field_widgets: dict[str, QWidget] = {}
        # Whose entry this is, inside the form too: a wrong-patient entry is the worst error.
        self.for_patient = QLabel()
        self.for_patient.setObjectName("formPatient")
        self.for_patient.hide()
        self.general_problems = problem_label()
        self.general_problems.setObjectName("generalProblems")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button = save
        self.save_button.setAccessibleName(self.tr("Save"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setAccessibleName(self.tr("Cancel"))
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

    # -- building ---------------------------------------------------------

    def add_field(
        self,
        form: QFormLayout,
        text: str,
        widget: QWidget,
        field: str | None = None,
        *,
        focus: QWidget | None = None,
    ) -> QLabel:
        """A labelled row; the label is the input's buddy and names it for screen readers."""
        label = QLabel(text)
        # As tall as a control, text centred: the label lines up with its field's middle.
        label.setMinimumHeight(MIN_CONTROL_HEIGHT)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        target = focus or widget
        label.setBuddy(target)
        if not target.accessibleName():
            target.setAccessibleName(plain(text))
        if field is None:
            form.addRow(label, widget)
            return label
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        problem = problem_label()
        column.addWidget(problem)
        self.register_field(field, target, problem)
        form.addRow(label, holder)
        return label

    def set_patient_name(self, name: str) -> None:
        self.for_patient.setText(self.tr("For <b>%s</b>") % name.replace("<", "&lt;"))
        self.for_patient.setTextFormat(Qt.TextFormat.RichText)
        self.for_patient.show()
        self.setWindowTitle(f"{self.windowTitle()} — {name}")

    def keep_drafts(self, data_dir: Path, name: str) -> None:
        """If the app fails while this form is open, what was typed is kept as a draft."""
        self._draft = (data_dir, name)
        unregister = drafts.register(self.save_draft)
        self.finished.connect(unregister)
        self.accepted.connect(lambda: drafts.discard_draft(data_dir, name))

    def save_draft(self) -> str | None:
        """Called by the crash handler: write the values typed so far, if any."""
        draft = getattr(self, "_draft", None)
        if draft is None or not self._started or self.quiet:
            return None
        values, _problems = self.current()
        drafts.write_draft(draft[0], draft[1], values)
        return self.tr("the entry in '%s'") % self.windowTitle()

    def register_field(self, field: str, widget: QWidget, problem: QLabel) -> None:
        self._problem_labels[field] = problem
        self._field_widgets[field] = widget

    def finish(self, body: QWidget | QLayout) -> None:
        """Lay out the body above the general messages and the buttons; start checking."""
        layout = QVBoxLayout(self)
        layout.addWidget(self.for_patient)
        if isinstance(body, QLayout):
            layout.addLayout(body)
        else:
            layout.addWidget(body)
        layout.addWidget(self.general_problems)
        layout.addWidget(self.buttons)
        for label in [*self._problem_labels.values(), self.general_problems]:
            label.setStyleSheet(problem_style(self.palette()))
        enlarge_controls(self)
        self._watch_inputs()
        self.revalidate()
        self._started = True

    def _watch_inputs(self) -> None:
        for widget in self.findChildren(QWidget):
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.textChanged.connect(self.revalidate)
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self.revalidate)
            elif isinstance(widget, QDateTimeEdit):
                widget.dateTimeChanged.connect(self.revalidate)
            elif isinstance(widget, QSpinBox):
                widget.valueChanged.connect(self.revalidate)
            elif isinstance(widget, QAbstractButton) and widget.isCheckable():
                widget.toggled.connect(self.revalidate)

    # -- values -----------------------------------------------------------

    def collect(self, problems: ProblemCollector) -> dict[str, Any]:
        """The entry's values; fields that cannot even be read add a problem."""
        raise NotImplementedError

    def check(self, values: dict[str, Any]) -> None:
        """The domain rules for this kind of record (raises ValidationError)."""
        raise NotImplementedError

    def number(
        self, problems: ProblemCollector, field: str, edit: QLineEdit, label: str
    ) -> float | None:
        try:
            return parse_number(edit.text())
        except ValueError:
            problems.add(field, self.tr("%s must be a number, like 12.5") % label)
            return None

    def current(self) -> tuple[dict[str, Any], list[Problem]]:
        found = ProblemCollector()
        values = self.collect(found)
        unreadable = {p.field for p in found.problems}
        try:
            self.check(values)
        except ValidationError as error:
            found.problems.extend(p for p in error.problems if p.field not in unreadable)
        return values, found.problems

    def revalidate(self) -> bool:
        if self._started:
            self.quiet = False
        _values, problems = self.current()
        self.show_problems([] if self.quiet else problems)
        self.save_button.setEnabled(not problems)
        return not problems

    def show_problems(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        by_field: dict[str, list[str]] = {}
        general: list[str] = []
        for problem in problems:
            if problem.field in self._problem_labels:
                by_field.setdefault(problem.field, []).append(problem.message)
            else:
                general.append(problem.message)
        # Two fields may share one message line (a value and its unit).
        per_label: dict[int, list[str]] = {}
        for field, label in self._problem_labels.items():
            per_label.setdefault(id(label), []).extend(by_field.get(field, []))
            self._field_widgets[field].setAccessibleDescription("\n".join(by_field.get(field, [])))
        for label in self._problem_labels.values():
            text = "\n".join(per_label[id(label)])
            label.setText(text)
            label.setVisible(bool(text))
        self.general_problems.setText("\n".join(general))
        self.general_problems.setVisible(bool(general))

    def problem_text(self, field: str) -> str:
        label = self._problem_labels.get(field)
        return label.text() if label is not None and label.isVisibleTo(self) else ""

    def _save(self) -> None:
        values, problems = self.current()
        if problems:
            self.show_problems(problems)
            return
        if self.on_save is not None:
            try:
                self.on_save(values)
            except ValidationError as error:
                # The service said no: nothing was written; say why beside the fields.
                self.show_problems(error.problems)
                self.save_button.setEnabled(False)
                return
        self.saved_values = values
        self.accept()


def input_widgets(root: QWidget) -> list[QWidget]:
    """Every widget a person types into, picks or ticks under ``root``."""
    kinds = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractButton)
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, kinds):
            continue
        parent = widget.parentWidget()
        # A combo box's or spin box's own line edit is named through its owner.
        if isinstance(widget, QLineEdit) and isinstance(parent, QComboBox | QAbstractSpinBox):
            continue
        found.append(widget)
    return found
