"""The app's log: a rotating file in the platform log folder, set up at GUI and CLI start.

Messages say what the program did (opened, backed up, failed with which error type),
never what a patient recorded: no names, identifiers, scores or free text.
"""

from __future__ import annotations

import logging
import platform
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from sps_tracker import __version__
from sps_tracker.paths import ensure_private_dir, log_dir

LOG_FILENAME = "sps-tracker.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_current: Path | None = None


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """Creates its folder (owner-only) when the first message arrives, not before."""

    def _open(self):  # type: ignore[no-untyped-def]
        ensure_private_dir(Path(self.baseFilename).parent)
        return super()._open()


def configure_logging(folder: Path | None = None, *, level: int = logging.INFO) -> Path:
    """Send the root logger to the rotating file for ``folder``; calling again replaces it."""
    global _current
    path = log_dir(folder) / LOG_FILENAME
    stop_file_logging()
    root = logging.getLogger()
    # delay=True: a command that logs nothing leaves no folder behind.
    handler = _PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    _current = path
    return path


def stop_file_logging() -> None:
    """Close and remove the file handler (the self-test's folder is about to go)."""
    global _current
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _PrivateRotatingFileHandler):
            root.removeHandler(handler)
            handler.close()
    _current = None


def current_log_file() -> Path | None:
    """The file configure_logging last chose, or None before it ran."""
    return _current


def log_startup(what: str) -> None:
    """One line naming the program, its version and platform: enough to read a report."""
    logging.getLogger("sps_tracker").info(
        "%s: sps-tracker %s, Python %s, %s%s",
        what,
        __version__,
        platform.python_version(),
        platform.platform(),
        " (frozen)" if getattr(sys, "frozen", False) else "",
    )
