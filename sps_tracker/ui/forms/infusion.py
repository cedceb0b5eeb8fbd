"""An IVIg infusion course: a span of days, the dose three ways, product, lots, reactions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.errors import ProblemCollector
from sps_tracker.domain.validation import COURSE_DAYS_MAX, complete_dose, validate_infusion_course
from sps_tracker.storage.models import InfusionCourse
from sps_tracker.ui.forms.base import EntryForm, notes_box
from sps_tracker.ui.widgets import date_edit, date_of, format_number, parse_number

DOSE_FIELDS = ("total_grams", "grams_per_kg", "dosing_weight_kg")


class InfusionForm(EntryForm):
    def __init__(
        self,
        parent: QWidget | None = None,
        course: InfusionCourse | None = None,
        *,
        birth_date: date | None = None,
    ) -> None:
        title = (
            self.tr("New infusion course") if course is None else self.tr("Edit infusion course")
        )
        super().__init__(parent, title, birth_date=birth_date)
        self.quiet = course is None
        c = course
        self.first_day = date_edit(c.first_day if c else None)
        self.days = QSpinBox()
        self.days.setRange(1, COURSE_DAYS_MAX)
        self.days.setValue(c.days if c else 2)
        self.days.setSuffix(self.tr(" day(s)"))
        self.span = QLabel()
        span = QWidget()
        span_row = QHBoxLayout(span)
        span_row.setContentsMargins(0, 0, 0, 0)
        span_row.addWidget(self.days)
        span_row.addWidget(self.span, 1)

        self.product = QComboBox()
        self.product.setEditable(True)
        self.product.addItems(list(vocab.IVIG_PRODUCTS))
        self.product.setCurrentText(c.product if c else "")
        product_edit = self.product.lineEdit()
        if product_edit is not None:
            product_edit.setPlaceholderText(self.tr("choose or type a product"))

        self.total_grams = QLineEdit(format_number(c.total_grams) if c else "")
        self.grams_per_kg = QLineEdit(format_number(c.grams_per_kg) if c else "")
        self.dosing_weight_kg = QLineEdit(format_number(c.dosing_weight_kg) if c else "")
        self.total_grams.setPlaceholderText(self.tr("g"))
        self.grams_per_kg.setPlaceholderText(self.tr("g/kg"))
        self.dosing_weight_kg.setPlaceholderText(self.tr("kg"))
        self._dose_edits = dict(
            zip(
                DOSE_FIELDS,
                (self.total_grams, self.grams_per_kg, self.dosing_weight_kg),
                strict=True,
            )
        )
        # The two figures typed last are the person's; the third is worked out from them.
        self._typed: list[str] = [f for f in DOSE_FIELDS if self._dose_edits[f].text()][:2]
        for field, edit in self._dose_edits.items():
            edit.textEdited.connect(lambda _text, f=field: self._dose_typed(f))
        self.dose_hint = QLabel(self.tr("Enter any two; the third follows."))
        self.dose_hint.setEnabled(False)

        self.lot_numbers = QLineEdit(c.lot_numbers if c else "")
        self.lot_numbers.setPlaceholderText(self.tr("separate several with commas"))
        self.rate = QLineEdit(c.rate if c else "")
        self.premedication = QLineEdit(c.premedication if c else "")

        chosen = set(c.reaction_keys) if c else set()
        self.reactions: dict[str, QCheckBox] = {}
        reactions = QGroupBox(self.tr("Reactions"))
        reaction_grid = QGridLayout()
        for n, choice in enumerate(vocab.INFUSION_REACTIONS):
            box = QCheckBox(self.tr(choice.label))
            box.setAccessibleName(self.tr("Reaction: %s") % self.tr(choice.label))
            box.setChecked(choice.key in chosen)
            self.reactions[choice.key] = box
            reaction_grid.addWidget(box, n // 3, n % 3)
        self.reaction_notes = QLineEdit(c.reaction_notes if c else "")
        self.reaction_notes.setPlaceholderText(self.tr("anything else about reactions"))
        reaction_form = QFormLayout()
        self.add_field(
            reaction_form, self.tr("Reaction &details:"), self.reaction_notes, "reaction_notes"
        )
        reaction_column = QVBoxLayout(reactions)
        reaction_column.addLayout(reaction_grid)
        reaction_column.addLayout(reaction_form)
        self.reaction_problem = self._problem_labels["reaction_notes"]
        self.register_field("reactions", reactions, self.reaction_problem)

        self.notes = notes_box()
        self.notes.setPlainText(c.notes if c else "")

        form = QFormLayout()
        self.add_field(form, self.tr("&First day:"), self.first_day, "first_day")
        self.add_field(form, self.tr("&Length:"), span, "days", focus=self.days)
        self.add_field(form, self.tr("&Product:"), self.product, "product")
        self.add_field(form, self.tr("&Total dose (g):"), self.total_grams, "total_grams")
        self.add_field(form, self.tr("Dose per &kg (g/kg):"), self.grams_per_kg, "grams_per_kg")
        self.add_field(
            form, self.tr("Dosing &weight (kg):"), self.dosing_weight_kg, "dosing_weight_kg"
        )
        form.addRow("", self.dose_hint)
        self.add_field(form, self.tr("&Lot numbers:"), self.lot_numbers, "lot_numbers")
        self.add_field(form, self.tr("&Rate:"), self.rate, "rate")
        self.add_field(form, self.tr("Pre&medication:"), self.premedication, "premedication")

        column = QVBoxLayout()
        column.addLayout(form)
        column.addWidget(reactions)
        notes_form = QFormLayout()
        self.add_field(notes_form, self.tr("N&otes:"), self.notes, "notes")
        column.addLayout(notes_form)

        self.first_day.dateChanged.connect(self._update_span)
        self.days.valueChanged.connect(self._update_span)
        self.product.editTextChanged.connect(self.revalidate)
        self._update_span()
        self.finish(column)
        self.resize(560, self.sizeHint().height())

    def _update_span(self) -> None:
        first = date_of(self.first_day)
        last = first + timedelta(days=self.days.value() - 1)
        if last == first:
            self.span.setText(self.tr("on %s") % first.isoformat())
        else:
            self.span.setText(self.tr("%s to %s") % (first.isoformat(), last.isoformat()))

    def _dose_typed(self, field: str) -> None:
        if field in self._typed:
            self._typed.remove(field)
        if self._dose_edits[field].text().strip():
            self._typed.append(field)
        self._typed = self._typed[-2:]
        if len(self._typed) < 2:
            return
        try:
            given = {f: parse_number(self._dose_edits[f].text()) for f in self._typed}
        except ValueError:
            return
        if any(v is None or v <= 0 for v in given.values()):
            return
        missing = next(f for f in DOSE_FIELDS if f not in self._typed)
        figures = [given.get(f) for f in DOSE_FIELDS]
        completed = dict(zip(DOSE_FIELDS, complete_dose(*figures), strict=True))
        # setText does not emit textEdited, so the worked-out figure stays "not typed".
        self._dose_edits[missing].setText(format_number(completed[missing]))

    def collect(self, problems: ProblemCollector) -> dict[str, Any]:
        labels = {
            "total_grams": self.tr("Total dose"),
            "grams_per_kg": self.tr("Dose per kg"),
            "dosing_weight_kg": self.tr("Dosing weight"),
        }
        values: dict[str, Any] = {
            "first_day": date_of(self.first_day),
            "days": self.days.value(),
            "product": self.product.currentText().strip(),
        }
        for field, edit in self._dose_edits.items():
            values[field] = self.number(problems, field, edit, labels[field])
        values.update(
            {
                "lot_numbers": self.lot_numbers.text().strip(),
                "rate": self.rate.text().strip(),
                "premedication": self.premedication.text().strip(),
                "reactions": [k for k, box in self.reactions.items() if box.isChecked()],
                "reaction_notes": self.reaction_notes.text().strip(),
                "notes": self.notes.toPlainText(),
            }
        )
        return values

    def check(self, values: dict[str, Any]) -> None:
        validate_infusion_course(values, birth_date=self.birth_date)
