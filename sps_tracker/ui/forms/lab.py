"""A laboratory result, e.g. an anti-GAD65 titre: value, unit and lab as entered."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QWidget

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.errors import ProblemCollector
from sps_tracker.domain.validation import validate_lab_result
from sps_tracker.storage.models import LabResult
from sps_tracker.ui.forms.base import EntryForm, notes_box
from sps_tracker.ui.widgets import date_edit, date_of, format_number


class LabForm(EntryForm):
    def __init__(
        self,
        parent: QWidget | None = None,
        result: LabResult | None = None,
        *,
        birth_date: date | None = None,
    ) -> None:
        title = self.tr("New lab result") if result is None else self.tr("Edit lab result")
        super().__init__(parent, title, birth_date=birth_date)
        self.quiet = result is None
        self.analyte = QComboBox()
        self.analyte.setEditable(True)
        self.analyte.addItems(list(vocab.LAB_ANALYTES))
        self.analyte.setCurrentText(result.analyte if result else vocab.LAB_ANALYTES[0])
        self.value = QLineEdit(format_number(result.value) if result else "")
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.addItems(list(vocab.LAB_UNITS))
        self.unit.setCurrentText(result.unit if result else vocab.LAB_UNITS[0])
        self.unit.setAccessibleName(self.tr("Unit"))
        amount = QWidget()
        amount_row = QHBoxLayout(amount)
        amount_row.setContentsMargins(0, 0, 0, 0)
        amount_row.addWidget(self.value, 1)
        amount_row.addWidget(self.unit)
        self.lab = QLineEdit(result.lab if result else "")
        self.lab.setPlaceholderText(self.tr("laboratory name"))
        self.taken_on = date_edit(result.taken_on if result else None)
        self.notes = notes_box()
        self.notes.setPlainText(result.notes if result else "")

        form = QFormLayout()
        self.add_field(form, self.tr("&Test:"), self.analyte, "analyte")
        self.add_field(form, self.tr("&Value:"), amount, "value", focus=self.value)
        self.register_field("unit", self.unit, self._problem_labels["value"])
        self.add_field(form, self.tr("&Laboratory:"), self.lab, "lab")
        self.add_field(form, self.tr("&Sample date:"), self.taken_on, "taken_on")
        self.add_field(form, self.tr("N&otes:"), self.notes, "notes")
        self.analyte.editTextChanged.connect(self.revalidate)
        self.unit.editTextChanged.connect(self.revalidate)
        self.finish(form)
        self.resize(460, self.sizeHint().height())

    def collect(self, problems: ProblemCollector) -> dict[str, Any]:
        return {
            "analyte": self.analyte.currentText().strip(),
            "value": self.number(problems, "value", self.value, self.tr("Value")),
            "unit": self.unit.currentText().strip(),
            "lab": self.lab.text().strip(),
            "taken_on": date_of(self.taken_on),
            "notes": self.notes.toPlainText(),
        }

    def check(self, values: dict[str, Any]) -> None:
        validate_lab_result(values, birth_date=self.birth_date)
