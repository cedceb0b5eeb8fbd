"""The always-visible banner naming the active patient: a wrong-patient entry is the
worst error a clinic can make, so the name is large and never scrolls away."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.storage.models import Patient


class PatientBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activePatientBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.name = QLabel()
        self.name.setObjectName("activePatientName")
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name.setFont(font)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.edit_button = QPushButton(self.tr("Edit patient…"))
        self.edit_button.setAccessibleName(self.tr("Edit patient"))
        self.edit_button.setMinimumHeight(32)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.name)
        text.addWidget(self.details)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        row.addLayout(text, 1)
        row.addWidget(self.edit_button)
        self.setAccessibleName(self.tr("Active patient"))
        self.show_patient(None, personal=False)

    def show_patient(self, patient: Patient | None, *, personal: bool) -> None:
        self.edit_button.setVisible(patient is not None)
        self.edit_button.setText(self.tr("Your profile…") if personal else self.tr("Edit patient…"))
        if patient is None:
            self.name.setText(
                self.tr("No profile yet") if personal else self.tr("No patient selected")
            )
            self.details.setText(
                self.tr("Create your profile to start your diary.")
                if personal
                else self.tr("Choose a patient from the list, or add one.")
            )
            self.setAccessibleDescription(self.name.text())
            return
        details = []
        if patient.clinic_identifier:
            details.append(self.tr("ID %s") % patient.clinic_identifier)
        if patient.birth_date:
            details.append(self.tr("born %s") % patient.birth_date.isoformat())
        if patient.diagnosis_date:
            details.append(self.tr("diagnosed %s") % patient.diagnosis_date.isoformat())
        details.append(self.tr(vocab.label(vocab.ANTIBODY_STATUSES, patient.antibody_status)))
        if patient.synthetic:
            details.append(self.tr("synthetic demo patient"))
        self.name.setText(patient.display_name)
        self.details.setText("  ·  ".join(details))
        self.setAccessibleDescription(f"{patient.display_name}; {self.details.text()}")
