"""The QApplication, opening the main window on a data folder, and offscreen screenshots."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from sps_tracker import APP_ID, APP_NAME, ORGANISATION, __version__

if TYPE_CHECKING:
    from sps_tracker.storage.backup import CheckAhead
    from sps_tracker.storage.lock import FolderLock

log = logging.getLogger(__name__)
START_BACKUP_DELAY_MS = 500


def create_application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)
    app = QApplication(sys.argv[:1])
    from sps_tracker.ui.about import app_icon

    app.setWindowIcon(app_icon())
    # Startle triggers spasms in SPS: no widget animations anywhere.
    from PySide6.QtCore import Qt

    for effect in (
        Qt.UIEffect.UI_AnimateMenu,
        Qt.UIEffect.UI_FadeMenu,
        Qt.UIEffect.UI_AnimateCombo,
        Qt.UIEffect.UI_AnimateTooltip,
        Qt.UIEffect.UI_FadeTooltip,
        Qt.UIEffect.UI_AnimateToolBox,
    ):
        QApplication.setEffectEnabled(effect, False)
    return app


def open_main_window(
    *,
    data_dir: Path,
    mode: str | None,
    view: str | None,
    interactive: bool,
    lock: FolderLock | None = None,
    ahead: CheckAhead | None = None,
) -> QWidget | None:
    """The window on the data folder, held through a WritingSession until it closes.

    None (exit 1) when another SPS Tracker has the folder, or the database cannot be
    used and no backup was restored; the reason is on stderr and, on screen, in a box.
    """
    from sps_tracker.safety import WritingSession
    from sps_tracker.storage.errors import (
        DatabaseError,
        MigrationError,
        NewerSchemaError,
        NotADatabaseError,
    )
    from sps_tracker.storage.lock import FolderInUseError
    from sps_tracker.ui.main_window import MainWindow

    session = WritingSession(data_dir, actor="", lock=lock)
    while True:
        # The check made ahead is for the first try; after a restore the file is new.
        check, ahead = ahead, None
        try:
            tracker = session.open(defer_start_backup=True, ahead=check)
            break
        except FolderInUseError as error:
            log.error("data folder in use by another SPS Tracker")
            _refuse(
                str(error),
                interactive,
                QCoreApplication.translate(
                    "app",
                    "Use the window that is open, or close it and start again. "
                    "Nothing was written.",
                ),
            )
            return None
        except (NotADatabaseError, NewerSchemaError, MigrationError) as error:
            log.error("database could not be opened: %s", type(error).__name__)
            print(f"sps-tracker: {error}", file=sys.stderr)
            # Offer the backups; nothing is touched unless the person restores one.
            if not interactive or not offer_backups(data_dir, str(error)):
                return None
        except DatabaseError as error:
            log.error("database could not be opened: %s", type(error).__name__)
            _refuse(str(error), interactive)
            return None
    from sps_tracker.ui.mode import resolve_mode
    from sps_tracker.ui.settings import app_settings

    settings = app_settings()
    chosen = resolve_mode(settings, tracker, explicit=mode, interactive=interactive)
    window = MainWindow(
        tracker,
        data_dir=data_dir,
        mode=chosen,
        settings=settings,
        remember=interactive,
        session=session,
    )
    # Any way out of the event loop ends the session; closing twice is harmless.
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(session.close)
    if view:
        window.show_view(view)
    window.show()
    # The routine start backup waits until the window is up (an upgrade was backed up already).
    QTimer.singleShot(START_BACKUP_DELAY_MS, window.take_start_backup)
    return window


def _refuse(text: str, interactive: bool, advice: str = "") -> None:
    print(f"sps-tracker: {text}", file=sys.stderr)
    if interactive:
        from sps_tracker.ui.dialogs.safety import message

        message(None, QCoreApplication.translate("app", "SPS Tracker"), text, advice)


def offer_backups(data_dir: Path, problem: str) -> bool:
    """The damaged-database dialog; True when a backup was restored and opening may retry."""
    from sps_tracker.safety import restore_database
    from sps_tracker.ui.dialogs.safety import RestoreDialog, message, restored_text

    dialog = RestoreDialog(data_dir, lambda path: restore_database(data_dir, path), problem=problem)
    if dialog.exec() != RestoreDialog.DialogCode.Accepted or dialog.report is None:
        return False
    message(None, QCoreApplication.translate("app", "SPS Tracker"), restored_text(dialog.report))
    return True


def save_screenshot(app: QApplication, window: QWidget, path: Path) -> int:
    """Wait until the window has painted, then save a picture of it."""
    window.resize(max(window.width(), 1280), max(window.height(), 800))
    window.show()
    loop = QEventLoop()
    # A few event-loop turns let layouts settle and charts draw before the grab.
    QTimer.singleShot(300, loop.quit)
    loop.exec()
    app.processEvents()
    image = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if image.isNull() or not image.save(str(path), "PNG"):
        print(f"sps-tracker: could not write the screenshot {path}", file=sys.stderr)
        return 1
    print(f"Saved a screenshot of the main window to {path}")
    window.close()
    return 0


class _CloseAfterFirstPaint(QObject):
    """Closes a window once it has painted, so a benchmark can time a whole start."""

    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__(window)
        self.app = app
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Any widget of the window will do: the whole window paints in one pass.
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            self.app.removeEventFilter(self)
            # After this turn of the loop, so the rest of the window finishes painting.
            QTimer.singleShot(0, self.window.close)
        return False


def close_after_first_paint(app: QApplication, window: QWidget) -> None:
    """Quit once the window has painted (``--quit-after-paint``, used by `make bench`)."""
    app.installEventFilter(_CloseAfterFirstPaint(app, window))
