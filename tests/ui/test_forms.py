"""Every form: named inputs, large controls, messages beside fields, Save only when valid."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget

from sps_tracker.domain.scales import DSI
from sps_tracker.storage.models import (
    Assessment,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
)
from sps_tracker.ui.body_map import BodyMap
from sps_tracker.ui.forms.base import input_widgets
from sps_tracker.ui.widgets import MIN_CONTROL_HEIGHT
from tests.ui.driving import dialog_of, tick

LEFT = Qt.MouseButton.LeftButton
KINDS = (Assessment, Fall, InfusionCourse, MedicationPeriod, LabResult)


@pytest.fixture
def patient(tracker: Any) -> Any:
    return tracker.add_patient(display_name="Eve Form", birth_date=date(2000, 1, 1))


def each_form(window: Any, qtbot: Any, visit: Callable[[Any], None]) -> int:
    """Open every form the window has (new, edit, settings) and visit each while it is open."""
    openers: list[Callable[[], None]] = [lambda k=kind: window.new_entry(k) for kind in KINDS]
    openers += [window.new_patient, window.edit_patient, window.open_settings]
    for opener in openers:
        opener()
        form = dialog_of(window, qtbot)
        qtbot.waitExposed(form)
        visit(form)
        form.reject()
        qtbot.waitUntil(lambda: window.current_dialog is None)
    return len(openers)


def spoken_name(widget: QWidget) -> str:
    """What a screen reader is told: the set name, a button's text or a label buddy's."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface else ""


def test_every_input_of_every_form_has_an_accessible_name(
    qtbot: Any, open_window: Any, patient: Any
) -> None:
    window = open_window()
    checked: list[QWidget] = []
    nameless: list[str] = []

    def visit(root: QWidget) -> None:
        for widget in input_widgets(root):
            checked.append(widget)
            if not spoken_name(widget).strip():
                nameless.append(f"{type(root).__name__}: {type(widget).__name__}")

    visit(window)
    assert each_form(window, qtbot, visit) == 8
    assert nameless == [], "\n".join(nameless)
    assert len(checked) > 80  # the walk really found the forms' inputs


def test_every_control_is_at_least_32_pixels_high(qtbot: Any, open_window: Any, patient: Any):
    window = open_window()
    small: list[str] = []

    def visit(form: QWidget) -> None:
        for widget in input_widgets(form):
            if widget.isVisibleTo(form) and widget.height() < MIN_CONTROL_HEIGHT:
                small.append(f"{type(form).__name__}: {spoken_name(widget)} {widget.height()}")

    visit(window)
    each_form(window, qtbot, visit)
    assert small == []


def test_the_data_safety_dialogs_have_named_inputs_and_large_controls(
    qtbot: Any, open_window: Any, patient: Any, tracker: Any, data_dir: Any
) -> None:
    from sps_tracker.safety import backup_now

    fall = tracker.add(Fall, patient.id, occurred_at=datetime.now(UTC), trigger="touch")
    tracker.update(Fall, fall.id, injury=True)
    gone = tracker.add(Fall, patient.id, occurred_at=datetime.now(UTC), trigger="emotion")
    tracker.delete(Fall, gone.id)
    backup_now(data_dir)
    window = open_window()
    window.history.select(Fall, fall.id)
    problems: list[str] = []
    checked: list[QWidget] = []
    for opener in (
        window.restore_backup,
        window.show_recently_deleted,
        window.entry_history_action.trigger,
    ):
        opener()
        dialog = dialog_of(window, qtbot)
        qtbot.waitExposed(dialog)
        for widget in input_widgets(dialog):
            checked.append(widget)
            if not spoken_name(widget).strip():
                problems.append(f"{type(dialog).__name__}: {type(widget).__name__} has no name")
            if widget.isVisibleTo(dialog) and widget.height() < MIN_CONTROL_HEIGHT:
                problems.append(f"{type(dialog).__name__}: {spoken_name(widget)} {widget.height()}")
        dialog.reject()
        qtbot.waitUntil(lambda: window.current_dialog is None)
    assert problems == []
    assert len(checked) >= 7  # Choose file, Restore, Cancel; Restore, Close; Close; ...


def test_the_assessment_form_tabs_through_its_fields_in_reading_order(
    qtbot: Any, open_window: Any, patient: Any
) -> None:
    window = open_window()
    window.new_entry(Assessment)
    form = dialog_of(window, qtbot)
    form.assessed_at.setFocus()
    seen: list[QWidget] = []
    for _ in range(40):
        seen.append(form.focusWidget())
        qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    order = [form.assessed_at, form.source, form.rater, form.walking_status]
    order += list(form.stiff_areas.values()) + list(form.triggers.values()) + [form.notes]
    assert all(w in seen for w in order), [w.accessibleName() for w in seen]
    positions = [seen.index(w) for w in order]
    assert positions == sorted(positions)


def test_body_map_and_check_boxes_stay_in_step(qtbot: Any) -> None:
    from sps_tracker.ui.forms.assessment import AssessmentForm

    form = AssessmentForm()
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    for key in DSI.keys:
        rects = form.body_map.shape_rects(key)
        assert rects, key
        for rect in rects:  # both arms and both legs count for their one area
            qtbot.mouseClick(form.body_map, LEFT, pos=rect.center().toPoint())
            assert form.stiff_areas[key].isChecked() is (rects.index(rect) % 2 == 0)
        if len(rects) % 2 == 0:
            qtbot.mouseClick(form.body_map, LEFT, pos=rects[0].center().toPoint())
    assert form.body_map.selected() == set(DSI.keys)
    assert form.dsi_total.text() == "Stiffness index: 6 of 6"
    tick(qtbot, form.stiff_areas["face"])
    assert "face" not in form.body_map.selected()
    assert form.dsi_total.text() == "Stiffness index: 5 of 6"


def test_the_body_map_has_exactly_the_six_scored_areas(qtbot: Any) -> None:
    from sps_tracker.ui.body_map import region_key

    body_map = BodyMap()
    qtbot.addWidget(body_map)
    assert {region_key(i) for i in body_map._shapes} == set(DSI.keys)
    body_map.resize(220, 420)
    # Clicking between the shapes marks nothing.
    assert body_map.area_at(body_map.rect().topLeft().toPointF()) is None


def test_a_future_time_is_refused_beside_the_field(qtbot: Any, open_window: Any, patient: Any):
    window = open_window()
    window.new_entry(Fall)
    form = dialog_of(window, qtbot)
    assert form.save_button.isEnabled()
    form.occurred_at.setFocus()
    qtbot.keyClick(form.occurred_at, Qt.Key.Key_Up)  # the year section: next year
    assert "is in the future" in form.problem_text("occurred_at")
    assert not form.save_button.isEnabled()
    qtbot.keyClick(form.occurred_at, Qt.Key.Key_Down)
    assert form.problem_text("occurred_at") == ""
    assert form.save_button.isEnabled()


def test_a_date_before_birth_is_refused(qtbot: Any, open_window: Any, patient: Any, tracker: Any):
    window = open_window()
    window.new_entry(MedicationPeriod)
    form = dialog_of(window, qtbot)
    qtbot.keyClicks(form.drug, "baclofen")
    qtbot.keyClicks(form.daily_dose, "30")
    assert form.save_button.isEnabled()
    form.start_date.setFocus()
    for _ in range(datetime.now().year - 1999):
        qtbot.keyClick(form.start_date, Qt.Key.Key_Down)
    assert "before the patient's birth (2000-01-01)" in form.problem_text("start_date")
    assert not form.save_button.isEnabled()
    qtbot.keyClick(form.save_button, Qt.Key.Key_Space)
    assert tracker.records(MedicationPeriod, patient.id) == []


def test_an_unreadable_number_and_a_missing_unit_are_named(
    qtbot: Any, open_window: Any, patient: Any, tracker: Any
) -> None:
    window = open_window()
    window.new_entry(LabResult)
    form = dialog_of(window, qtbot)
    # A fresh form is quiet: Save is off, but nothing is called wrong before a change.
    assert form.problem_text("value") == ""
    assert not form.save_button.isEnabled()
    qtbot.keyClicks(form.lab, "City lab")
    assert form.problem_text("value") == "Value is required"
    qtbot.keyClicks(form.value, "lots")
    assert form.problem_text("value") == "Value must be a number, like 12.5"
    form.unit.lineEdit().selectAll()
    qtbot.keyClick(form.unit.lineEdit(), Qt.Key.Key_Delete)
    assert "Unit is required" in form.problem_text("value")
    assert not form.save_button.isEnabled()
    form.value.selectAll()
    qtbot.keyClicks(form.value, "1,5")
    qtbot.keyClicks(form.unit.lineEdit(), "nmol/L")
    assert form.save_button.isEnabled()
    qtbot.mouseClick(form.save_button, LEFT)
    [result] = tracker.records(LabResult, patient.id)
    assert (result.value, result.unit) == (1.5, "nmol/L")


def test_other_fall_trigger_needs_a_description(qtbot: Any, open_window: Any, patient: Any):
    window = open_window()
    window.new_entry(Fall)
    form = dialog_of(window, qtbot)
    form.trigger.setFocus()
    qtbot.keyClick(form.trigger, Qt.Key.Key_End)  # "other"
    assert form.trigger_other.isEnabled()
    assert form.problem_text("trigger_other") == "Description of the other trigger is required"
    qtbot.keyClicks(form.trigger_other, "slipped on ice")
    assert form.save_button.isEnabled()


def test_infusion_dose_third_figure_follows_the_two_typed(qtbot: Any) -> None:
    from sps_tracker.ui.forms.infusion import InfusionForm

    form = InfusionForm()
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.total_grams, "140")
    qtbot.keyClicks(form.dosing_weight_kg, "70")
    assert form.grams_per_kg.text() == "2"
    # Typing g/kg now makes it one of the two; the older typed figure (total) follows.
    form.grams_per_kg.selectAll()
    qtbot.keyClicks(form.grams_per_kg, "1")
    assert form.total_grams.text() == "70"
    assert form.save_button.isEnabled()
    # The course is shown as a span: two days from today by default.
    assert form.span.text().endswith(str((date.today() + timedelta(days=1)).isoformat()))


def test_a_service_refusal_keeps_the_form_open_and_writes_nothing(
    qtbot: Any, open_window: Any, patient: Any, tracker: Any
) -> None:
    window = open_window()
    window.new_entry(Fall)
    form = dialog_of(window, qtbot)
    # The patient's birth date changes behind the form's back (another window, the CLI).
    tracker.update_patient(patient.id, birth_date=date.today())
    form.occurred_at.setFocus()
    qtbot.keyClick(form.occurred_at, Qt.Key.Key_Down)  # a year ago: now before birth
    assert form.save_button.isEnabled()  # the form still knows the old birth date
    qtbot.mouseClick(form.save_button, LEFT)
    assert form.isVisible()
    assert "before the patient's birth" in form.problem_text("occurred_at")
    assert tracker.records(Fall, patient.id) == []
    assert not window.undo_stack.canUndo()


def test_personal_mode_records_self_ratings(qtbot: Any, open_window: Any, tracker: Any):
    tracker.add_patient(display_name="Me Myself")
    window = open_window(mode="personal")
    assert not window.patient_panel.isVisible()
    assert window.banner.name.text() == "Me Myself"
    window.new_entry(Assessment)
    form = dialog_of(window, qtbot)
    assert form.source.currentData() == "patient"
    qtbot.mouseClick(form.save_button, LEFT)
    [entry] = tracker.history(window.patient.id)
    assert entry.record.source == "patient"
    assert entry.record.assessed_at > datetime.now(UTC) - timedelta(minutes=2)
