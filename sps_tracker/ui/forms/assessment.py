"""An assessment: stiff areas on a body map (DSI), triggers (HSS), walking, who rated."""

from __future__ import annotations

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
    QVBoxLayout,
    QWidget,
)

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.errors import ProblemCollector
from sps_tracker.domain.scales import DSI, HSS, Scale
from sps_tracker.domain.validation import validate_assessment
from sps_tracker.storage.models import Assessment
from sps_tracker.ui.body_map import BodyMap
from sps_tracker.ui.forms.base import EntryForm, notes_box
from sps_tracker.ui.widgets import datetime_edit, instant_of


class AssessmentForm(EntryForm):
    def __init__(
        self,
        parent: QWidget | None = None,
        assessment: Assessment | None = None,
        *,
        birth_date: Any = None,
        default_source: str = "clinician",
        default_rater: str = "",
    ) -> None:
        title = self.tr("New assessment") if assessment is None else self.tr("Edit assessment")
        super().__init__(parent, title, birth_date=birth_date)
        self.quiet = assessment is None
        a = assessment
        self.assessed_at = datetime_edit(a.assessed_at if a else None)
        self.source = QComboBox()
        for choice in vocab.ASSESSMENT_SOURCES:
            self.source.addItem(self.tr(choice.label), choice.key)
        self.source.setCurrentIndex(self.source.findData(a.source if a else default_source))
        self.rater = QLineEdit(a.rater if a else default_rater)
        self.rater.setPlaceholderText(self.tr("who examined or rated"))
        self.walking_status = QComboBox()
        self.walking_status.addItem(self.tr("not recorded"), None)
        for choice in vocab.WALKING_STATUSES:
            self.walking_status.addItem(self.tr(choice.label), choice.key)
        self.walking_status.setCurrentIndex(
            max(0, self.walking_status.findData(a.walking_status if a else None))
        )

        details = QFormLayout()
        self.add_field(details, self.tr("&When:"), self.assessed_at, "assessed_at")
        self.add_field(details, self.tr("&Source:"), self.source, "source")
        self.add_field(details, self.tr("&Rater:"), self.rater, "rater")
        self.add_field(details, self.tr("&Walking:"), self.walking_status, "walking_status")

        self.body_map = BodyMap()
        self.stiff_areas = self._checklist(DSI, a)
        self.triggers = self._checklist(HSS, a)
        self.dsi_total = QLabel()
        self.hss_total = QLabel()
        for label in (self.dsi_total, self.hss_total):
            font = label.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.15)
            label.setFont(font)

        stiffness = QGroupBox(self.tr("Stiff areas (distribution-of-stiffness index)"))
        area_list = QVBoxLayout()
        for box in self.stiff_areas.values():
            area_list.addWidget(box)
        area_list.addStretch(1)
        area_list.addWidget(self.dsi_total)
        stiffness_row = QHBoxLayout(stiffness)
        stiffness_row.addWidget(self.body_map, 1)
        stiffness_row.addLayout(area_list)

        sensitivity = QGroupBox(self.tr("Triggers of spasms (heightened-sensitivity scale)"))
        trigger_list = QVBoxLayout(sensitivity)
        for box in self.triggers.values():
            trigger_list.addWidget(box)
        trigger_list.addStretch(1)
        trigger_list.addWidget(self.hss_total)

        for key, box in self.stiff_areas.items():
            self.body_map.set_selected(key, box.isChecked())
            box.toggled.connect(lambda on, k=key: self.body_map.set_selected(k, on))
            box.toggled.connect(self._update_totals)
        for box in self.triggers.values():
            box.toggled.connect(self._update_totals)
        # A click on the map ticks the box, so map and list can never disagree.
        self.body_map.area_clicked.connect(lambda key: self.stiff_areas[key].toggle())

        self.notes = notes_box()
        self.notes.setPlainText(a.notes if a else "")
        notes_form = QFormLayout()
        self.add_field(notes_form, self.tr("N&otes:"), self.notes, "notes")

        grid = QGridLayout()
        grid.addLayout(details, 0, 0, 1, 2)
        grid.addWidget(stiffness, 1, 0)
        grid.addWidget(sensitivity, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.addLayout(notes_form, 2, 0, 1, 2)
        self._update_totals()
        self.finish(grid)
        self.resize(820, 640)

    def _checklist(self, scale: Scale, a: Assessment | None) -> dict[str, QCheckBox]:
        boxes = {}
        for item in scale.items:
            box = QCheckBox(self.tr(item.label))
            box.setAccessibleName(f"{scale.abbreviation}: {self.tr(item.label)}")
            if item.description:
                box.setToolTip(self.tr(item.description))
                box.setAccessibleDescription(self.tr(item.description))
            box.setChecked(bool(a and getattr(a, scale.column(item.key))))
            boxes[item.key] = box
        return boxes

    def _update_totals(self) -> None:
        dsi = sum(box.isChecked() for box in self.stiff_areas.values())
        hss = sum(box.isChecked() for box in self.triggers.values())
        self.dsi_total.setText(self.tr("Stiffness index: %d of %d") % (dsi, DSI.maximum))
        self.hss_total.setText(self.tr("Sensitivity score: %d of %d") % (hss, HSS.maximum))

    def collect(self, problems: ProblemCollector) -> dict[str, Any]:
        values: dict[str, Any] = {
            "assessed_at": instant_of(self.assessed_at),
            "source": self.source.currentData(),
            "rater": self.rater.text().strip(),
            "walking_status": self.walking_status.currentData(),
            "notes": self.notes.toPlainText(),
        }
        for scale, boxes in ((DSI, self.stiff_areas), (HSS, self.triggers)):
            for key, box in boxes.items():
                values[scale.column(key)] = box.isChecked()
        return values

    def check(self, values: dict[str, Any]) -> None:
        validate_assessment(values, birth_date=self.birth_date)
