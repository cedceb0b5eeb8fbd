"""A fall: when, what set it off, and whether it hurt."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QWidget

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.errors import ProblemCollector
from sps_tracker.domain.validation import validate_fall
from sps_tracker.storage.models import Fall
from sps_tracker.ui.forms.base import EntryForm, notes_box
from sps_tracker.ui.widgets import datetime_edit, instant_of


class FallForm(EntryForm):
    def __init__(
        self,
        parent: QWidget | None = None,
        fall: Fall | None = None,
        *,
        birth_date: date | None = None,
    ) -> None:
        title = self.tr("New fall") if fall is None else self.tr("Edit fall")
        super().__init__(parent, title, birth_date=birth_date)
        self.quiet = fall is None
        self.occurred_at = datetime_edit(fall.occurred_at if fall else None)
        self.trigger = QComboBox()
        for choice in vocab.FALL_TRIGGERS:
            self.trigger.addItem(self.tr(choice.label), choice.key)
        self.trigger.setCurrentIndex(max(0, self.trigger.findData(fall.trigger if fall else None)))
        self.trigger_other = QLineEdit(fall.trigger_other if fall else "")
        self.trigger_other.setPlaceholderText(self.tr("what happened"))
        self.injury = QCheckBox(self.tr("The fall caused an injury"))
        self.injury.setChecked(bool(fall and fall.injury))
        self.injury_description = QLineEdit(fall.injury_description if fall else "")
        self.notes = notes_box()
        self.notes.setPlainText(fall.notes if fall else "")

        form = QFormLayout()
        self.add_field(form, self.tr("&When:"), self.occurred_at, "occurred_at")
        self.add_field(form, self.tr("&Set off by:"), self.trigger, "trigger")
        self.add_field(form, self.tr("&Other trigger:"), self.trigger_other, "trigger_other")
        self.add_field(form, self.tr("In&jury:"), self.injury, "injury")
        self.add_field(
            form, self.tr("Injury &description:"), self.injury_description, "injury_description"
        )
        self.add_field(form, self.tr("N&otes:"), self.notes, "notes")
        self.trigger.currentIndexChanged.connect(self._enable_fields)
        self.injury.toggled.connect(self._enable_fields)
        self._enable_fields()
        self.finish(form)
        self.resize(480, self.sizeHint().height())

    def _enable_fields(self) -> None:
        self.trigger_other.setEnabled(self.trigger.currentData() == "other")
        self.injury_description.setEnabled(self.injury.isChecked())

    def collect(self, problems: ProblemCollector) -> dict[str, Any]:
        other = self.trigger.currentData() == "other"
        injured = self.injury.isChecked()
        return {
            "occurred_at": instant_of(self.occurred_at),
            "trigger": self.trigger.currentData(),
            "trigger_other": self.trigger_other.text().strip() if other else "",
            "injury": injured,
            "injury_description": self.injury_description.text().strip() if injured else "",
            "notes": self.notes.toPlainText(),
        }

    def check(self, values: dict[str, Any]) -> None:
        validate_fall(values, birth_date=self.birth_date)
