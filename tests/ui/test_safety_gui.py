"""Data safety in the window: one writer, backups in the status bar, restore, deleted, audit."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from sps_tracker.paths import backups_dir, database_path
from sps_tracker.safety import WritingSession, backup_now
from sps_tracker.services import Tracker
from sps_tracker.storage.lock import FolderLock
from sps_tracker.storage.models import Fall
from sps_tracker.storage.rotation import record_attempt
from sps_tracker.ui.dialogs import safety as safety_dialogs
from sps_tracker.ui.dialogs.safety import (
    RecentlyDeletedDialog,
    RecordHistoryDialog,
    RestoreDialog,
)
from sps_tracker.ui.main_window import MainWindow
from tests.ui.driving import click_row, dialog_of

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def quiet(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Every question answered yes, every message noted instead of shown (no modal boxes)."""
    seen: dict[str, list[str]] = {"asked": [], "told": []}

    def ask(_parent: Any, _title: str, text: str, _info: str, _yes: str) -> bool:
        seen["asked"].append(text)
        return True

    def message(_parent: Any, _title: str, text: str, informative: str = "") -> None:
        seen["told"].append(f"{text} {informative}".strip())

    monkeypatch.setattr(safety_dialogs, "ask", ask)
    monkeypatch.setattr(safety_dialogs, "message", message)
    return seen


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every data file under the folder with its size and modification time.

    The log (logs/) is left out: the refused start is noted there, on purpose.
    """
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).parts[0] != "logs"
    }


def run_app(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "sps_tracker", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_a_second_window_on_the_same_folder_is_refused_and_writes_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    session = WritingSession(data_dir, "first")
    tracker = session.open()
    tracker.add_patient(display_name="Ada Held")
    before = snapshot(data_dir)
    picture = tmp_path / "second.png"
    try:
        second = run_app(data_dir, "--screenshot", str(picture))
        assert second.returncode == 1, second.stderr
        assert "SPS Tracker is already open on this data folder" in second.stderr
        assert not picture.exists()
        assert snapshot(data_dir) == before
        assert "sps-tracker.db" in before and any(k.startswith("backups") for k in before)
    finally:
        session.close()
    # Once the first lets go, the folder opens again.
    again = run_app(data_dir, "--screenshot", str(picture))
    assert again.returncode == 0, again.stderr
    assert picture.exists()


def test_delete_then_restore_from_recently_deleted_brings_the_entry_back(
    qtbot: Any, open_window: Any, tracker: Any
) -> None:
    patient = tracker.add_patient(display_name="Bo Deleted")
    fall = tracker.add(
        Fall, patient.id, occurred_at=datetime(2025, 3, 1, 9, tzinfo=UTC), trigger="touch"
    )
    window = open_window()
    table = window.history.table
    click_row(qtbot, table, window.history.row_of(Fall, fall.id))
    qtbot.mouseClick(window.history.delete_button, LEFT)
    box = dialog_of(window, qtbot)
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Delete"), LEFT)
    qtbot.waitUntil(lambda: window.history.row_of(Fall, fall.id) == -1)

    window.recently_deleted_action.trigger()
    deleted = dialog_of(window, qtbot)
    assert isinstance(deleted, RecentlyDeletedDialog)
    assert deleted.table.rowCount() == 1
    row = [deleted.table.item(0, c).text() for c in range(4)]
    assert row[0] == "Fall" and row[1] == "Bo Deleted" and row[2]
    click_row(qtbot, deleted.table, 0)
    qtbot.mouseClick(deleted.restore_button, LEFT)
    qtbot.waitUntil(lambda: window.history.row_of(Fall, fall.id) != -1)
    assert deleted.table.isHidden() and deleted.empty.isVisibleTo(deleted)
    assert not deleted.restore_button.isEnabled()
    deleted.reject()
    assert window.history.selected() is not None and window.history.selected().id == fall.id

    # The restore is one undoable step like any other.
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.history.row_of(Fall, fall.id) == -1)
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: window.history.row_of(Fall, fall.id) != -1)
    actions = [e.action for e in tracker.audit_trail(fall.uuid)]
    assert actions == ["add", "delete", "restore", "delete", "restore"]


def test_the_history_of_an_edited_entry_shows_old_and_new_values(
    qtbot: Any, open_window: Any, tracker: Any
) -> None:
    patient = tracker.add_patient(display_name="Cy Edited")
    fall = tracker.add(
        Fall, patient.id, occurred_at=datetime(2025, 3, 1, 9, tzinfo=UTC), trigger="startle_noise"
    )
    tracker.update(Fall, fall.id, trigger="emotion", injury=True, injury_description="bruise")
    window = open_window()
    table = window.history.table
    click_row(qtbot, table, window.history.row_of(Fall, fall.id))
    # Right click on the row, then "History of this entry…" from its menu.
    rect = table.visualRect(table.model().index(0, 1))
    table.customContextMenuRequested.emit(rect.center())
    menu = window.history.context_menu
    assert menu is not None
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert "History of this entry…" in texts
    menu.actions()[texts.index("History of this entry…")].trigger()
    menu.close()
    dialog = dialog_of(window, qtbot)
    assert isinstance(dialog, RecordHistoryDialog)
    rows = dialog.row_texts()
    assert [r[2] for r in rows] == ["Added", "Changed"]
    assert rows[0][1] == "test"  # who
    changed = rows[1][3].splitlines()
    assert "Set off by: startle / noise → emotion" in changed, changed
    assert "Injury: no → yes" in changed
    assert "Injury description: (empty) → bruise" in changed
    assert all("updated_at" not in line and "Updated" not in line for line in changed)
    dialog.reject()


def test_the_restore_dialog_puts_a_chosen_backup_in_place(
    qtbot: Any, data_dir: Path, quiet: dict[str, list[str]]
) -> None:
    first = Tracker.open(data_dir, actor="test")
    first.add_patient(display_name="Di Before")
    first.close()
    session = WritingSession(data_dir, "test")
    tracker = session.open()  # the start backup holds Di only
    tracker.add_patient(display_name="Ed After")
    window = MainWindow(tracker, data_dir=data_dir, mode="clinic", session=session)
    qtbot.addWidget(window)
    window.show()
    assert window.patient_list.count() == 2

    window.restore_action.trigger()
    dialog = dialog_of(window, qtbot)
    assert isinstance(dialog, RestoreDialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 3).text() == "1 patient"
    assert "started" in dialog.table.item(0, 1).text()
    click_row(qtbot, dialog.table, 0)
    qtbot.mouseClick(dialog.restore_button, LEFT)
    qtbot.waitUntil(lambda: window.current_dialog is None)

    assert len(quiet["asked"]) == 1 and "1 patient" in quiet["asked"][0]
    assert quiet["told"] and quiet["told"][-1].startswith("Restored 1 patient.")
    assert window.tracker is session.tracker
    assert window.chart_view.tracker is window.summary_view.tracker is session.tracker
    assert [window.patient_list.item(i).text() for i in range(window.patient_list.count())] == [
        "Di Before"
    ]
    # The database it replaced was kept, with Ed in it.
    reasons = [i.reason for i in safety_dialogs.list_backups(data_dir)]
    assert "before-restore" in reasons
    # The window goes on working on the restored file; closing lets go of the folder.
    window.tracker.add_patient(display_name="Fi New")
    window.close()
    with FolderLock(data_dir):
        pass
    check = Tracker.open(data_dir)
    try:
        assert sorted(s.patient.display_name for s in check.list_patients()) == [
            "Di Before",
            "Fi New",
        ]
    finally:
        check.close()


def test_the_status_bar_shows_the_last_backup_and_a_warning_until_fixed(
    qtbot: Any, open_window: Any, tracker: Any, data_dir: Path
) -> None:
    tracker.add_patient(display_name="Gus Backed")
    taken = backup_now(data_dir)
    window = open_window()
    label = window.backup_label
    local = datetime.now().astimezone().strftime("%Y-%m-%d")
    assert label.text().startswith("Last backup: " + local), label.text()
    assert "Warning" not in label.text()
    assert window.backup_fix_button.isHidden()

    record_attempt(backups_dir(data_dir), False, "the disk is full")
    window.backup_timer.timeout.emit()  # the hourly check
    assert label.text().startswith("Warning: the last backup failed (the disk is full).")
    assert "Last backup: " + local in label.text()  # the good one is still named
    assert window.backup_fix_button.isVisibleTo(window)
    window.update_backup_status()
    assert "Warning" in label.text()  # it stays until fixed

    qtbot.mouseClick(window.backup_fix_button, LEFT)
    assert "Warning" not in label.text(), label.text()
    assert window.backup_fix_button.isHidden()
    assert len(list(backups_dir(data_dir).glob("*-manual.db"))) == 2
    assert taken.exists()


def test_with_no_backup_yet_the_status_bar_says_so(open_window: Any, tracker: Any) -> None:
    tracker.add_patient(display_name="Hal New")
    window = open_window()
    assert window.backup_label.text() == "Warning: a backup is overdue.  Last backup: none yet"


def wreck(data_dir: Path) -> bytes:
    database = database_path(data_dir)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    database.write_bytes(b"this is not a database " * 400)
    return database.read_bytes()


def test_a_damaged_database_offers_the_backups_and_opens_after_a_restore(
    qtbot: Any, data_dir: Path, quiet: dict[str, list[str]]
) -> None:
    from sps_tracker.ui.application import open_main_window

    tracker = Tracker.open(data_dir, actor="test")
    tracker.add_patient(display_name="Ivy Saved")
    tracker.close()
    backup_now(data_dir)
    wrecked = wreck(data_dir)
    seen: dict[str, Any] = {}

    def choose_the_backup() -> None:
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, RestoreDialog)), None
        )
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(50, choose_the_backup)
            return
        seen["problem"] = dialog.problem.text()
        seen["rows"] = dialog.table.rowCount()
        seen["counts"] = dialog.table.item(0, 3).text()
        qtbot.mouseClick(dialog.restore_button, LEFT)

    QTimer.singleShot(50, choose_the_backup)
    window = open_main_window(data_dir=data_dir, mode="clinic", view=None, interactive=True)
    assert window is not None
    qtbot.addWidget(window)
    assert "not" in seen["problem"].lower() and seen["rows"] == 1
    assert seen["counts"] == "1 patient"
    assert isinstance(window, MainWindow)
    assert window.patient_list.item(0).text() == "Ivy Saved"
    window.close()
    # The wrecked file was moved aside untouched, not overwritten.
    kept = list(data_dir.glob("replaced-*/" + database_path(data_dir).name))
    assert len(kept) == 1 and kept[0].read_bytes() == wrecked


def test_a_damaged_database_is_refused_without_a_screen_and_left_as_it_was(
    data_dir: Path, tmp_path: Path
) -> None:
    tracker = Tracker.open(data_dir, actor="test")
    tracker.add_patient(display_name="Jo Damaged")
    tracker.close()
    wrecked = wreck(data_dir)
    result = run_app(data_dir, "--screenshot", str(tmp_path / "x.png"))
    assert result.returncode == 1
    assert "sps-tracker:" in result.stderr and "database" in result.stderr.lower()
    assert database_path(data_dir).read_bytes() == wrecked
    assert not (tmp_path / "x.png").exists()


def test_the_audit_trail_names_who_made_each_change(
    qtbot: Any, open_window: Any, tracker: Any
) -> None:
    from datetime import UTC, datetime

    from sps_tracker.storage.models import Fall
    from sps_tracker.ui.mode import default_user_name

    patient = tracker.add_patient(display_name="Audit Ann")
    window = open_window()
    fall = window.tracker.add(Fall, patient.id, occurred_at=datetime.now(UTC), trigger="touch")
    assert window.tracker.audit_trail(fall.uuid)[-1].actor == default_user_name()

    window._mode_chosen(window.mode, "Dr Rivera")  # as the Settings dialog's OK does
    window.set_patient(window.tracker.get_patient(patient.id))
    window.tracker.update(Fall, fall.id, notes="seen in clinic")
    assert window.tracker.audit_trail(fall.uuid)[-1].actor == "Dr Rivera"

    window._mode_chosen("personal", "")
    window.set_patient(window.tracker.get_patient(patient.id))
    window.tracker.update(Fall, fall.id, notes="my own note")
    assert window.tracker.audit_trail(fall.uuid)[-1].actor == "Audit Ann"


def test_the_start_backup_follows_the_first_paint(qtbot: Any, tracker: Any, data_dir: Path) -> None:
    from sps_tracker.paths import backups_dir
    from sps_tracker.storage.rotation import backup_files
    from sps_tracker.ui.application import open_main_window

    tracker.add_patient(display_name="Early Bird")
    tracker.close()
    window = open_main_window(data_dir=data_dir, mode="clinic", view=None, interactive=False)
    assert window is not None
    qtbot.addWidget(window)
    assert [b.reason for b in backup_files(backups_dir(data_dir))] == []
    qtbot.waitUntil(
        lambda: [b.reason for b in backup_files(backups_dir(data_dir))] == ["start"],
        timeout=5000,
    )
    assert "Last backup" in window.backup_label.text()
    window.close()
    # Nothing was written while the window was open: the start backup is the exit's copy.
    assert [b.reason for b in backup_files(backups_dir(data_dir))] == ["start"]
