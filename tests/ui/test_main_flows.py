"""The main flows, driven with clicks and keys; the database must hold what the person saw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from sps_tracker.services import Tracker
from sps_tracker.storage.models import Assessment, Fall, InfusionCourse
from sps_tracker.ui.history import describe
from tests.ui.driving import click_row, dialog_of, shortcut, tick

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton


def test_a_visit_recorded_edited_deleted_and_undone(qtbot: Any, open_window: Any, data_dir: Path):
    window = open_window()
    assert window.banner.name.text() == "No patient selected"

    # A new patient, typed in.
    qtbot.mouseClick(window.new_patient_button, LEFT)
    form = dialog_of(window, qtbot)
    assert not form.save_button.isEnabled()  # no name yet
    qtbot.keyClicks(form.name, "Ada Example")
    qtbot.keyClicks(form.clinic_identifier, "MRN-7")
    qtbot.mouseClick(form.save_button, LEFT)
    qtbot.waitUntil(lambda: window.current_dialog is None)
    assert window.banner.name.text() == "Ada Example"
    assert "MRN-7" in window.banner.details.text()

    # An assessment: three areas clicked on the body map, two triggers ticked.
    shortcut(qtbot, window, Qt.Key.Key_N, CTRL)
    form = dialog_of(window, qtbot)
    assert "Ada Example" in form.windowTitle()
    for area in ("face", "legs", "abdomen"):
        rect = form.body_map.shape_rects(area)[0]
        qtbot.mouseClick(form.body_map, LEFT, pos=rect.center().toPoint())
    assert [k for k, box in form.stiff_areas.items() if box.isChecked()] == [
        "legs",
        "face",
        "abdomen",
    ]
    # A second click on the map takes an area off again.
    qtbot.mouseClick(
        form.body_map, LEFT, pos=form.body_map.shape_rects("face")[0].center().toPoint()
    )
    assert not form.stiff_areas["face"].isChecked()
    assert form.body_map.selected() == {"legs", "abdomen"}
    tick(qtbot, form.triggers["unexpected_noise"])
    tick(qtbot, form.triggers["nocturnal"])
    assert form.dsi_total.text() == "Stiffness index: 2 of 6"
    assert form.hss_total.text() == "Sensitivity score: 2 of 7"
    form.walking_status.setFocus()
    qtbot.keyClick(form.walking_status, Qt.Key.Key_Down)  # "not recorded" -> independent
    qtbot.keyClicks(form.rater, "Dr Who")
    qtbot.mouseClick(form.save_button, LEFT)
    qtbot.waitUntil(lambda: window.current_dialog is None)

    # A fall with an injury.
    shortcut(qtbot, window, Qt.Key.Key_F, CTRL_SHIFT)
    form = dialog_of(window, qtbot)
    form.trigger.setFocus()
    qtbot.keyClick(form.trigger, Qt.Key.Key_Down)  # startle / noise -> touch
    tick(qtbot, form.injury)
    qtbot.keyClicks(form.injury_description, "bruised knee")
    qtbot.mouseClick(form.save_button, LEFT)
    qtbot.waitUntil(lambda: window.current_dialog is None)

    # A two-day infusion course: g/kg and weight typed, the total follows.
    shortcut(qtbot, window, Qt.Key.Key_I, CTRL_SHIFT)
    form = dialog_of(window, qtbot)
    form.days.setFocus()
    form.days.selectAll()
    qtbot.keyClicks(form.days, "2")
    qtbot.keyClicks(form.product.lineEdit(), "Privigen")
    qtbot.keyClicks(form.grams_per_kg, "2")
    qtbot.keyClicks(form.dosing_weight_kg, "70")
    assert form.total_grams.text() == "140"
    qtbot.keyClicks(form.lot_numbers, "LOT-1, LOT-2")
    tick(qtbot, form.reactions["headache"])
    qtbot.mouseClick(form.save_button, LEFT)
    qtbot.waitUntil(lambda: window.current_dialog is None)
    assert window.history.model.rowCount() == 3

    # Edit the fall: open its row with a double click, change the description.
    table = window.history.table
    fall = next(e.record for e in window.history.model.entries if isinstance(e.record, Fall))
    click_row(qtbot, table, window.history.row_of(Fall, fall.id), double=True)
    form = dialog_of(window, qtbot)
    assert form.injury_description.text() == "bruised knee"
    form.injury_description.selectAll()
    qtbot.keyClicks(form.injury_description, "bruised left knee")
    qtbot.mouseClick(form.save_button, LEFT)
    qtbot.waitUntil(lambda: window.current_dialog is None)

    # Delete the assessment with the Delete key, confirm, then undo the delete.
    assessment = next(
        e.record for e in window.history.model.entries if isinstance(e.record, Assessment)
    )
    click_row(qtbot, table, window.history.row_of(Assessment, assessment.id))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    box = dialog_of(window, qtbot)
    assert isinstance(box, QMessageBox)
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    qtbot.mouseClick(delete, LEFT)
    qtbot.waitUntil(lambda: window.history.model.rowCount() == 2)
    shortcut(qtbot, window, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: window.history.model.rowCount() == 3)
    seen = {type(e.record): describe(e.record) for e in window.history.model.entries}
    shown_rows = [
        [window.history.proxy.index(r, c).data() for c in range(4)]
        for r in range(window.history.proxy.rowCount())
    ]
    window.close()

    # A fresh look at the file: exactly what the person saw.
    fresh = Tracker.open(data_dir)
    try:
        [summary] = fresh.list_patients()
        patient = summary.patient
        assert (patient.display_name, patient.clinic_identifier) == ("Ada Example", "MRN-7")
        history = fresh.history(patient.id)
        assert {type(e.record): describe(e.record) for e in history} == seen
        assert len(shown_rows) == len(history) == 3
        [a] = fresh.records(Assessment, patient.id)
        assert a.answers(__import__("sps_tracker.domain.scales").domain.scales.DSI) == {
            "lower_trunk": False,
            "upper_trunk": False,
            "legs": True,
            "arms": False,
            "face": False,
            "abdomen": True,
        }
        assert (a.dsi_total, a.hss_total) == (2, 2)
        assert a.hss_unexpected_noise and a.hss_nocturnal and not a.hss_touch
        assert (a.source, a.rater, a.walking_status) == ("clinician", "Dr Who", "independent")
        [f] = fresh.records(Fall, patient.id)
        assert (f.trigger, f.injury, f.injury_description) == ("touch", True, "bruised left knee")
        [c] = fresh.records(InfusionCourse, patient.id)
        assert (c.days, c.product, c.total_grams, c.grams_per_kg, c.dosing_weight_kg) == (
            2,
            "Privigen",
            140,
            2,
            70,
        )
        assert c.lot_numbers == "LOT-1, LOT-2"
        assert c.reaction_keys == ("headache",)
        assert fresh.deleted(patient.id) == []
        actions = [e.action for e in fresh.audit_trail(a.uuid)]
        assert actions == ["add", "delete", "restore"]
    finally:
        fresh.close()


def test_redo_after_undo_of_an_add_deletes_again(qtbot: Any, open_window: Any, tracker: Any):
    patient = tracker.add_patient(display_name="Bo Test")
    window = open_window()
    assert window.patient is not None and window.patient.id == patient.id
    shortcut(qtbot, window, Qt.Key.Key_F, CTRL_SHIFT)
    form = dialog_of(window, qtbot)
    qtbot.mouseClick(form.save_button, LEFT)
    qtbot.waitUntil(lambda: window.history.model.rowCount() == 1)
    shortcut(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert window.history.model.rowCount() == 0
    assert tracker.records(Fall, patient.id) == []
    shortcut(qtbot, window, Qt.Key.Key_Z, CTRL_SHIFT)
    assert window.history.model.rowCount() == 1
    assert len(tracker.records(Fall, patient.id)) == 1


def test_undo_of_an_edit_puts_the_old_values_back(qtbot: Any, open_window: Any, tracker: Any):
    from datetime import UTC, datetime, timedelta

    patient = tracker.add_patient(display_name="Cy Test")
    fall = tracker.add(
        Fall,
        patient.id,
        occurred_at=datetime.now(UTC) - timedelta(days=1),
        trigger="emotion",
        notes="first",
    )
    window = open_window()
    click_row(qtbot, window.history.table, 0)
    shortcut(qtbot, window, Qt.Key.Key_O, CTRL)
    form = dialog_of(window, qtbot)
    form.notes.selectAll()
    qtbot.keyClicks(form.notes, "second")
    qtbot.mouseClick(form.save_button, LEFT)
    assert tracker.get(Fall, fall.id).notes == "second"
    shortcut(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert tracker.get(Fall, fall.id).notes == "first"
    assert window.undo_action.isEnabled() is False


def test_cancelled_delete_keeps_the_entry(qtbot: Any, open_window: Any, tracker: Any):
    from datetime import date

    patient = tracker.add_patient(display_name="Di Test")
    tracker.add(InfusionCourse, patient.id, first_day=date(2024, 3, 1), days=2)
    window = open_window()
    click_row(qtbot, window.history.table, 0)
    qtbot.mouseClick(window.history.delete_button, LEFT)
    box = dialog_of(window, qtbot)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.current_dialog is None)
    assert len(tracker.records(InfusionCourse, patient.id)) == 1
    assert not window.undo_stack.canUndo()
