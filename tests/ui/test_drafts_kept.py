"""An unhandled error while a form is open keeps what was typed; the next form offers it back."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from sps_tracker.storage.models import Fall
from sps_tracker.ui import crash, drafts
from sps_tracker.ui.main_window import MainWindow
from tests.ui.driving import dialog_of


@pytest.fixture
def patient(tracker: Any) -> Any:
    return tracker.add_patient(display_name="Dee Raft", birth_date=date(1980, 1, 1))


def crash_now(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> list[str]:
    """Run the real exception hook as Qt would for an error in a slot; its dialog is skipped."""
    shown: list[str] = []

    class Dialog:
        def __init__(self, _details: str, _log: Path | None, kept: list[str], _parent: Any):
            shown.extend(kept)

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(crash, "CrashDialog", Dialog)
    hook = crash.ExceptionHook(data_dir / "logs" / "sps-tracker.log")
    try:
        raise RuntimeError("something broke in a slot")
    except RuntimeError as error:
        hook(RuntimeError, error, error.__traceback__)
    return shown


def test_a_fall_being_typed_survives_an_error(
    qtbot: Any, open_window: Any, patient: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window: MainWindow = open_window()
    window.new_entry(Fall)
    form = dialog_of(window, qtbot)
    form.trigger.setFocus()
    qtbot.keyClick(form.trigger, Qt.Key.Key_End)  # "other"
    qtbot.keyClicks(form.trigger_other, "slipped on the ice by the bus stop")
    kept = crash_now(monkeypatch, data_dir)
    assert len(kept) == 1 and "fall" in kept[0].lower()
    assert list((data_dir / "drafts").glob("*.json"))
    form.reject()
    assert drafts.registered() == 0  # a closed form no longer answers the hook

    questions: list[str] = []
    monkeypatch.setattr(
        MainWindow, "_ask", lambda _self, _title, text: questions.append(text) or True
    )
    window.current_dialog = None
    window.new_entry(Fall)
    again = dialog_of(window, qtbot)
    assert questions and "Continue with them?" in questions[0]
    assert again.trigger.currentData() == "other"
    assert again.trigger_other.text() == "slipped on the ice by the bus stop"
    assert "recovered" in again.windowTitle()
    assert not list((data_dir / "drafts").glob("*.json"))  # offered once
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    falls = window.tracker.records(Fall, patient.id)
    assert [f.trigger_other for f in falls] == ["slipped on the ice by the bus stop"]


def test_an_untouched_form_keeps_no_draft(
    qtbot: Any, open_window: Any, patient: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window: MainWindow = open_window()
    window.new_entry(Fall)
    dialog_of(window, qtbot)
    assert crash_now(monkeypatch, data_dir) == []
    assert not (data_dir / "drafts").exists()


def test_a_declined_draft_is_gone(
    qtbot: Any, open_window: Any, patient: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drafts.write_draft(data_dir, f"fall-new-{patient.uuid}", {"trigger": "touch"})
    monkeypatch.setattr(MainWindow, "_ask", lambda *_args: False)
    window: MainWindow = open_window()
    window.new_entry(Fall)
    form = dialog_of(window, qtbot)
    assert "recovered" not in form.windowTitle()
    assert not list((data_dir / "drafts").glob("*.json"))
