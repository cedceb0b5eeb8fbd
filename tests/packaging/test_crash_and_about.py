"""The crash dialog (log path, Copy details, drafts kept) and the About dialog, driven by qtbot."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from sps_tracker import __version__, logs
from sps_tracker.paths import backups_dir, database_path
from sps_tracker.storage.backup import backup_to, timestamped_name
from sps_tracker.ui import drafts
from sps_tracker.ui.crash import CrashDialog, ExceptionHook, install_exception_hook


@pytest.fixture(autouse=True)
def clean_state() -> Iterator[None]:
    saved = (sys.excepthook, drafts._savers.copy())
    yield
    sys.excepthook = saved[0]
    drafts._savers.clear()
    drafts._savers.update(saved[1])
    logs.stop_file_logging()


def when_shown(kind: type[QWidget], act: Callable[[QWidget], None]) -> list[QWidget]:
    """Act on the modal dialog once it is open (exec() blocks the test until it closes)."""
    seen: list[QWidget] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, look)
            return
        seen.append(dialog)
        act(dialog)

    QTimer.singleShot(0, look)
    return seen


def raise_and_hook(hook: ExceptionHook, message: str) -> None:
    try:
        raise ValueError(message)
    except ValueError:
        hook(*sys.exc_info())  # type: ignore[arg-type]


def test_crash_dialog_shows_log_path_and_copies_details(
    data_dir: Path, qtbot: QtBot, qapp: QApplication
) -> None:
    log_file = logs.configure_logging(data_dir)
    hook = install_exception_hook(log_file)
    assert sys.excepthook is hook
    copied: list[str] = []

    def act(dialog: QWidget) -> None:
        assert str(log_file) in dialog.findChild(QLabel, "crashLogPath").text()
        button = dialog.findChild(QPushButton, "copyDetails")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        copied.append(QGuiApplication.clipboard().text())
        dialog.reject()

    seen = when_shown(CrashDialog, act)
    raise_and_hook(hook, "Jane Example's note")
    assert len(seen) == 1
    assert "ValueError: Jane Example's note" in copied[0]
    assert f"SPS Tracker {__version__}" in copied[0]
    assert str(log_file) in copied[0]
    # The log has the type and the code path, not the message (it may hold what was typed).
    text = log_file.read_text(encoding="utf-8")
    assert "CRITICAL" in text and "ValueError" in text and "raise_and_hook" in text
    assert "Jane Example" not in text


def test_crash_keeps_the_entry_being_typed(
    data_dir: Path, qtbot: QtBot, qapp: QApplication
) -> None:
    typed = {"dsi_lower_trunk": 1, "notes": "stiff after the stairs"}

    def save_form() -> str:
        drafts.write_draft(data_dir, "assessment", typed)
        return "the assessment form"

    def broken_form() -> str:
        raise RuntimeError("half-built form")

    unregister = drafts.register(save_form)
    drafts.register(broken_form)
    drafts.register(lambda: None)  # a form with nothing typed
    hook = ExceptionHook(None)
    messages: list[str] = []

    def act(dialog: QWidget) -> None:
        messages.append(dialog.message.text())  # type: ignore[attr-defined]
        dialog.reject()

    when_shown(CrashDialog, act)
    raise_and_hook(hook, "boom")
    assert "kept as a draft: the assessment form" in messages[0]
    assert drafts.read_draft(data_dir, "assessment") == typed
    if sys.platform != "win32":
        assert (drafts.drafts_dir(data_dir) / "assessment.json").stat().st_mode & 0o777 == 0o600

    unregister()
    drafts.discard_draft(data_dir, "assessment")
    assert drafts.read_draft(data_dir, "assessment") is None
    assert drafts.save_all() == []  # the broken form is skipped, the other has nothing


def test_an_error_inside_the_dialog_opens_no_second_dialog(
    qtbot: QtBot, qapp: QApplication
) -> None:
    hook = ExceptionHook(None)
    seen: list[QWidget] = []

    def act(dialog: QWidget) -> None:
        seen.append(dialog)
        raise_and_hook(hook, "again")  # re-entered while the first is open
        QTimer.singleShot(50, dialog.reject)

    when_shown(CrashDialog, act)
    raise_and_hook(hook, "first")
    qtbot.wait(100)
    assert len(seen) == 1
    assert not hook.showing


def test_about_dialog_from_the_help_menu(data_dir: Path, qtbot: QtBot, qapp: QApplication) -> None:
    from sps_tracker.services import Tracker
    from sps_tracker.ui.about import AboutDialog
    from sps_tracker.ui.main_window import MainWindow

    window = MainWindow(Tracker.open(data_dir), data_dir=data_dir)
    qtbot.addWidget(window)
    window.show()
    about_action = next(
        a
        for menu in window.menuBar().actions()
        for a in menu.menu().actions()
        if "About" in a.text()
    )
    shown: list[dict[str, str]] = []

    def read(dialog: QWidget) -> None:
        shown.append({k: v.text() for k, v in dialog.values.items()})  # type: ignore[attr-defined]
        dialog.reject()

    when_shown(AboutDialog, read)
    about_action.trigger()
    assert shown[0]["version"] == __version__
    assert shown[0]["data_dir"] == str(data_dir)
    assert shown[0]["database"] == str(database_path(data_dir))
    # A database with no backup at all is overdue, and says so in words.
    assert shown[0]["last_backup"] == "none yet\nWarning: a backup is overdue."

    backups_dir(data_dir).mkdir(parents=True, exist_ok=True)
    copy = backup_to(database_path(data_dir), backups_dir(data_dir) / timestamped_name("manual"))
    when_shown(AboutDialog, read)
    about_action.trigger()
    assert copy.name in shown[1]["last_backup"]
    assert "Warning" not in shown[1]["last_backup"]
