"""Starting the GUI: the application object, the database, the main window.

Qt is imported only here and in ui/, and only when the window is wanted.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

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
    if window is None:
        return 1
    if screenshot is not None:
        from sps_tracker.ui.application import save_screenshot

        return save_screenshot(app, window, screenshot)
    if quit_after_paint:
        from sps_tracker.ui.application import close_after_first_paint

        close_after_first_paint(app, window)
    return app.exec()
