"""A medication period: one drug at one daily dose from a start to an optional stop."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QCompleter, QFormLayout, QHBoxLayout, QLineEdit, QWidget

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.errors import ProblemCollector
from sps_tracker.domain.validation import validate_medication_period
from sps_tracker.storage.models import MedicationPeriod
from sps_tracker.ui.forms.base import EntryForm, notes_box
from sps_tracker.ui.widgets import OptionalDate, date_edit, date_of, format_number

# Symptomatic drugs named in sps-facts.md; offered as suggestions only, any name may be typed.
SUGGESTED_DRUGS = ("diazepam", "clonazepam", "baclofen", "gabapentin", "levetiracetam")


class MedicationForm(EntryForm):
    def __init__(
        self,
        parent: QWidget | None = None,
        period: MedicationPeriod | None = None,
        *,
        birth_date: date | None = None,
    ) -> None:
        title = self.tr("New medication") if period is None else self.tr("Edit medication")
        super().__init__(parent, title, birth_date=birth_date)
        self.quiet = period is None
        self.drug = QLineEdit(period.drug if period else "")
        self.drug.setCompleter(QCompleter(list(SUGGESTED_DRUGS), self.drug))
        self.daily_dose = QLineEdit(format_number(period.daily_dose) if period else "")
        self.daily_dose.setPlaceholderText(self.tr("per day"))
        self.dose_unit = QComboBox()
        self.dose_unit.setEditable(True)
        self.dose_unit.addItems(list(vocab.DOSE_UNITS))
        self.dose_unit.setCurrentText(period.dose_unit if period else "mg")
        self.dose_unit.setAccessibleName(self.tr("Dose unit"))
        dose = QWidget()
        dose_row = QHBoxLayout(dose)
        dose_row.setContentsMargins(0, 0, 0, 0)
        dose_row.addWidget(self.daily_dose, 1)
        dose_row.addWidget(self.dose_unit)
        self.start_date = date_edit(period.start_date if period else None)
        self.stop_date = OptionalDate(self.tr("Stop date"), period.stop_date if period else None)
        self.stop_date.known.setText(self.tr("Stopped"))
        self.notes = notes_box()
        self.notes.setPlainText(period.notes if period else "")

        form = QFormLayout()
        self.add_field(form, self.tr("&Drug:"), self.drug, "drug")
        self.add_field(form, self.tr("Daily d&ose:"), dose, "daily_dose", focus=self.daily_dose)
        self.register_field("dose_unit", self.dose_unit, self._problem_labels["daily_dose"])
        self.add_field(form, self.tr("&Start date:"), self.start_date, "start_date")
        self.add_field(
            form, self.tr("S&top date:"), self.stop_date, "stop_date", focus=self.stop_date.known
        )
        self.add_field(form, self.tr("N&otes:"), self.notes, "notes")
        self.stop_date.changed.connect(self.revalidate)
        self.dose_unit.editTextChanged.connect(self.revalidate)
        self.finish(form)
        self.resize(460, self.sizeHint().height())

    def collect(self, problems: ProblemCollector) -> dict[str, Any]:
        return {
            "drug": self.drug.text().strip(),
            "daily_dose": self.number(
                problems, "daily_dose", self.daily_dose, self.tr("Daily dose")
            ),
            "dose_unit": self.dose_unit.currentText().strip(),
            "start_date": date_of(self.start_date),
            "stop_date": self.stop_date.value(),
            "notes": self.notes.toPlainText(),
        }

    def check(self, values: dict[str, Any]) -> None:
        validate_medication_period(values, birth_date=self.birth_date)
