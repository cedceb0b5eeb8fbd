"""Add or edit a patient (in personal mode: the person's own profile)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.errors import ProblemCollector
from sps_tracker.domain.validation import validate_patient
from sps_tracker.storage.models import Patient
from sps_tracker.ui.forms.base import EntryForm, notes_box
from sps_tracker.ui.widgets import OptionalDate


class PatientForm(EntryForm):
    def __init__(
        self, parent: QWidget | None = None, patient: Patient | None = None, *, own: bool = False
    ) -> None:
        if own:
            title = self.tr("Your profile")
        elif patient is None:
            title = self.tr("New patient")
        else:
            title = self.tr("Edit patient")
        super().__init__(parent, title)
        self.quiet = patient is None
        self.name = QLineEdit(patient.display_name if patient else "")
        self.clinic_identifier = QLineEdit(patient.clinic_identifier or "" if patient else "")
        self.clinic_identifier.setPlaceholderText(self.tr("e.g. hospital number"))
        self.born = OptionalDate(self.tr("Birth date"), patient.birth_date if patient else None)
        self.diagnosed = OptionalDate(
            self.tr("Diagnosis date"), patient.diagnosis_date if patient else None
        )
        self.antibody_status = QComboBox()
        for choice in vocab.ANTIBODY_STATUSES:
            self.antibody_status.addItem(self.tr(choice.label), choice.key)
        self.antibody_status.setCurrentIndex(
            self.antibody_status.findData(patient.antibody_status if patient else "unknown")
        )
        self.notes = notes_box()
        self.notes.setPlainText(patient.notes if patient else "")

        form = QFormLayout()
        self.add_field(form, self.tr("&Name:"), self.name, "display_name")
        if not own:
            self.add_field(
                form, self.tr("Clinic &identifier:"), self.clinic_identifier, "clinic_identifier"
            )
        self.add_field(
            form,
            self.tr("&Birth date:"),
            self.born,
            "birth_date",
            focus=self.born.known,
        )
        self.add_field(
            form,
            self.tr("&Diagnosis date:"),
            self.diagnosed,
            "diagnosis_date",
            focus=self.diagnosed.known,
        )
        self.add_field(form, self.tr("&Antibody status:"), self.antibody_status, "antibody_status")
        self.add_field(form, self.tr("N&otes:"), self.notes, "notes")
        self.born.changed.connect(self.revalidate)
        self.diagnosed.changed.connect(self.revalidate)
        self.finish(form)
        self.resize(460, self.sizeHint().height())

    def collect(self, problems: ProblemCollector) -> dict[str, Any]:
        return {
            "display_name": self.name.text().strip(),
            "clinic_identifier": self.clinic_identifier.text().strip() or None,
            "birth_date": self.born.value(),
            "diagnosis_date": self.diagnosed.value(),
            "antibody_status": self.antibody_status.currentData(),
            "notes": self.notes.toPlainText(),
        }

    def check(self, values: dict[str, Any]) -> None:
        validate_patient(values)
