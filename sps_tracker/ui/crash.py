"""The unhandled-exception hook: log it, keep the entry being typed, tell the person.

The log gets the error's type and where it happened, not its message: a message can
carry what was typed. The dialog (on the person's own screen) shows everything, with
the log's path and a button that copies the details for a report.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sps_tracker import __version__
from sps_tracker.ui import drafts

log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def details_text(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """What "Copy details" puts on the clipboard: version, platform, the full traceback."""
    lines = [
        f"SPS Tracker {__version__}",
        f"Python {platform.python_version()} on {platform.platform()}",
        "",
        *traceback.format_exception(exc_type, exc, tb),
    ]
    return "\n".join(line.rstrip("\n") for line in lines)


def log_text(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """The error's type and the code path only: no message, no values."""
    return exc_type.__name__ + "\n" + "".join(traceback.format_tb(tb)).rstrip()


class CrashDialog(QDialog):
    def __init__(
        self,
        details: str,
        log_file: Path | None,
        kept: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.details = details
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("SPS Tracker ran into a problem"))
        layout = QVBoxLayout(self)

        message = self.tr(
            "Something went wrong inside SPS Tracker. Your saved records are not affected."
        )
        if kept:
            message += "\n" + self.tr("What you were typing was kept as a draft: %s.") % ", ".join(
                kept
            )
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        where = str(log_file) if log_file else self.tr("(no log file)")
        self.log_label = QLabel(self.tr("The log file is: %s") % where)
        self.log_label.setObjectName("crashLogPath")
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setWordWrap(True)
        layout.addWidget(self.log_label)

        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setAccessibleName(self.tr("Error details"))
        layout.addWidget(self.details_view, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy details"))
        self.copy_button.setObjectName("copyDetails")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def copy_details(self) -> None:
        log_line = self.log_label.text()
        QGuiApplication.clipboard().setText(self.details + "\n\n" + log_line)
        self.copy_button.setText(self.tr("Copied"))


class ExceptionHook:
    """Replaces sys.excepthook while the GUI runs; one dialog at a time."""

    def __init__(self, log_file: Path | None, previous: ExceptHook | None = None) -> None:
        self.log_file = log_file
        self.previous = previous
        self.showing = False
        self.dialog: CrashDialog | None = None

    def __call__(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            if self.previous:
                self.previous(exc_type, exc, tb)
            return
        log.critical("unhandled %s", log_text(exc_type, tb))
        if self.showing or QApplication.instance() is None:
            return  # an error inside the dialog, or no GUI: the log has it
        self.showing = True
        try:
            kept = drafts.save_all()
            self.dialog = CrashDialog(
                details_text(exc_type, exc, tb), self.log_file, kept, QApplication.activeWindow()
            )
            self.dialog.exec()
        except Exception as error:  # the hook must never raise
            log.error("the error dialog failed: %s", type(error).__name__)
        finally:
            self.showing = False
            self.dialog = None


def install_exception_hook(log_file: Path | None) -> ExceptionHook:
    hook = ExceptionHook(log_file, sys.excepthook)
    sys.excepthook = hook

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        # Not the GUI thread: no dialog from here, but the log keeps it.
        log.critical(
            "unhandled in thread %s: %s",
            args.thread.name if args.thread else "?",
            log_text(args.exc_type, args.exc_traceback),
        )

    threading.excepthook = thread_hook
    return hook
