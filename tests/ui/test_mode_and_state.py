"""The first-start question, the settings dialog, and state kept out of the user's home."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from sps_tracker.ui.mode import ModeQuestion, resolve_mode
from sps_tracker.ui.settings import app_settings, settings_path
from tests.ui.driving import dialog_of

LEFT = Qt.MouseButton.LeftButton


def never_ask() -> str | None:
    raise AssertionError("the question must not be asked")


def test_first_start_asks_who_is_using_the_app(qtbot: Any, tracker: Any) -> None:
    asked = []

    def ask() -> str | None:
        question = ModeQuestion()
        qtbot.addWidget(question)
        question.show()
        qtbot.mouseClick(question.personal, LEFT)
        asked.append(question.chosen)
        return question.chosen

    settings = app_settings()
    assert resolve_mode(settings, tracker, explicit=None, interactive=True, ask=ask) == "personal"
    assert asked == ["personal"]
    # Remembered: the next start does not ask again.
    assert resolve_mode(
        app_settings(), tracker, explicit=None, interactive=True, ask=never_ask
    ) == ("personal")


def test_no_question_when_the_folder_has_patients(tracker: Any) -> None:
    tracker.add_patient(display_name="Already Here")
    mode = resolve_mode(app_settings(), tracker, explicit=None, interactive=True, ask=never_ask)
    assert mode == "clinic"


@pytest.mark.parametrize("explicit", ["clinic", "personal"])
def test_no_question_when_mode_is_given(tracker: Any, explicit: str) -> None:
    settings = app_settings()
    mode = resolve_mode(settings, tracker, explicit=explicit, interactive=True, ask=never_ask)
    assert mode == explicit


@pytest.mark.parametrize("has_patients", [False, True])
def test_screenshot_never_waits_on_the_question(
    data_dir: Path, tmp_path: Path, has_patients: bool
) -> None:
    from sps_tracker.cli import run
    from sps_tracker.services import Tracker

    if has_patients:
        tracker = Tracker.open(data_dir)
        tracker.add_patient(display_name="Shown Once")
        tracker.close()

    picture = tmp_path / "empty.png"
    assert run(["--data-dir", str(data_dir), "--screenshot", str(picture)]) == 0
    assert picture.stat().st_size > 1000
    # Nobody answered, so nothing was decided for the next, real start, nor remembered.
    assert app_settings().allKeys() == []


def test_the_clinic_question_button_chooses_clinic(qtbot: Any) -> None:
    question = ModeQuestion()
    qtbot.addWidget(question)
    question.show()
    qtbot.mouseClick(question.clinic, LEFT)
    assert question.chosen == "clinic"
    assert not question.isVisible()


def test_settings_dialog_switches_to_personal_mode(
    qtbot: Any, open_window: Any, tracker: Any
) -> None:
    tracker.add_patient(display_name="Only Me")
    window = open_window()
    assert window.patient_panel.isVisible()
    window.open_settings()
    dialog = dialog_of(window, qtbot)
    qtbot.mouseClick(dialog.personal, LEFT)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_dialog is None)
    assert window.mode == "personal"
    assert not window.patient_panel.isVisible()
    assert app_settings().value("mode") == "personal"


def test_settings_live_in_the_test_folder_not_the_home(
    qtbot: Any, open_window: Any, tracker: Any, tmp_path: Path
) -> None:
    tracker.add_patient(display_name="Ann One")
    second = tracker.add_patient(display_name="Bob Two")
    window = open_window()
    window.resize(760, 520)
    window.history.table.setColumnWidth(1, 211)
    row = next(
        i
        for i in range(window.patient_list.count())
        if window.patient_list.item(i).text() == "Bob Two"
    )
    window.patient_list.setCurrentRow(row)
    assert window.patient.id == second.id
    window.close()

    assert settings_path().is_relative_to(tmp_path / "config")
    assert Path(app_settings().fileName()) == settings_path()
    assert settings_path().is_file()
    home = tmp_path / "home"
    assert not home.exists() or not any(home.rglob("*"))

    again = open_window()
    assert again.patient.id == second.id  # the last patient comes back
    assert again.history.table.columnWidth(1) == 211  # and the column layout
    assert again.size().width() == 760


def test_a_personal_diary_starts_with_the_profile(qtbot: Any, open_window: Any, tracker: Any):
    window = open_window(mode="personal")
    assert window.banner.name.text() == "No profile yet"
    assert not window.new_assessment_action.isEnabled()
    qtbot.mouseClick(window.empty_button, LEFT)
    form = dialog_of(window, qtbot)
    assert form.windowTitle() == "Your profile"
    qtbot.keyClicks(form.name, "Pat Diary")
    qtbot.mouseClick(form.save_button, LEFT)
    qtbot.waitUntil(lambda: window.patient is not None)
    assert window.banner.name.text() == "Pat Diary"
    assert window.new_assessment_action.isEnabled()
    assert [s.patient.display_name for s in tracker.list_patients()] == ["Pat Diary"]


def test_show_view_switches_between_history_and_chart(open_window: Any, tracker: Any) -> None:
    tracker.add_patient(display_name="Vi Ew")
    window = open_window()
    assert window.tabs.currentWidget() is window.history
    window.show_view("chart")
    assert window.tabs.currentWidget() is window.chart_view
    window.show_view("nonsense")  # an unknown view leaves the window where it is
    assert window.tabs.currentWidget() is window.chart_view
    window.show_view("history")
    assert window.tabs.currentWidget() is window.history
