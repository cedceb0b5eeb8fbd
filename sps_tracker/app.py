"""Starting the GUI: the application object, the database, the main window.

Qt is imported only here and in ui/, and only when the window is wanted.
"""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sps_tracker.collector import cycle_collector_paused

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)


def run_gui(
    *,
    data_dir: Path,
    mode: str | None = None,
    screenshot: Path | None = None,
    view: str | None = None,
    quit_after_paint: bool = False,
) -> int:
    if screenshot is not None:
        # A picture needs no screen; the offscreen platform renders the same widgets.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Loading the program and building the window make ~200,000 lasting objects and
    # almost no cyclic garbage: collecting meanwhile walks them again and again (~0.1 s).
    with cycle_collector_paused():
        app, window = _open(data_dir=data_dir, mode=mode, view=view, screenshot=screenshot)
    if window is None:
        return 1
    if screenshot is not None:
        from sps_tracker.ui.application import save_screenshot

        return save_screenshot(app, window, screenshot)
    if quit_after_paint:
        from sps_tracker.ui.application import close_after_first_paint

        close_after_first_paint(app, window)
    return app.exec()


def _open(
    *, data_dir: Path, mode: str | None, view: str | None, screenshot: Path | None
) -> tuple[QApplication, QWidget | None]:
    """The application object and the main window on ``data_dir`` (None: exit 1)."""
    from sps_tracker.paths import database_path
    from sps_tracker.storage.backup import CheckAhead
    from sps_tracker.storage.lock import FolderInUseError, FolderLock

    # With the folder ours, the database's integrity check runs on another core while
    # the code below loads (a folder in use is refused later, with the window's words).
    lock = FolderLock(data_dir)
    ahead = None
    try:
        lock.acquire()
    except (FolderInUseError, OSError):
        pass  # the session tries again below and says why, in the window's words
    else:
        database = database_path(data_dir)
        ahead = CheckAhead(database) if database.is_file() else None
    # PySide6's import hook reads the source of every module imported after it, so the
    # Qt-free stack (SQLAlchemy, numpy and the app's core) loads first.
    import numpy  # noqa: F401

    import sps_tracker.domain.analysis
    import sps_tracker.safety  # noqa: F401
    from sps_tracker.ui.application import create_application, open_main_window

    app = create_application()
    # The program as loaded (~190,000 modules, classes, functions) lives as long as the
    # process: later collections leave it out instead of walking it each time (~80 ms).
    gc.freeze()
    from sps_tracker.logs import current_log_file, log_startup
    from sps_tracker.ui.crash import install_exception_hook

    log_startup("GUI start")
    install_exception_hook(current_log_file())
    window = open_main_window(
        data_dir=data_dir,
        mode=mode,
        view=view,
        interactive=screenshot is None,
        lock=lock,
        ahead=ahead,
    )
    return app, window
