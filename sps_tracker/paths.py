"""Where the app keeps its files. Nothing is created at import time.

platformdirs gives the per-user folders; ``--data-dir`` and the
``SPS_TRACKER_DATA_DIR`` variable override the data folder (tests always do).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_DIR_NAME = "sps-tracker"
DATABASE_FILENAME = "sps-tracker.db"
DATA_DIR_VARIABLE = "SPS_TRACKER_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: the override, else $SPS_TRACKER_DATA_DIR, else the platform's."""
    if override:
        return Path(override).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_VARIABLE)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def database_path(folder: Path) -> Path:
    return folder / DATABASE_FILENAME


def backups_dir(folder: Path) -> Path:
    return folder / "backups"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))


def log_dir(folder: Path | None = None) -> Path:
    """Logs go beside the data when the data folder is overridden, so tests stay contained."""
    if folder is not None and (os.environ.get(DATA_DIR_VARIABLE) or folder != data_dir()):
        return folder / "logs"
    return Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))


def ensure_private_dir(folder: Path) -> Path:
    """Create a folder readable only by its owner (medical data)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        folder.chmod(0o700)
    return folder


def resources_dir() -> Path:
    """The shipped resources: inside the installed package, or the source tree's top level."""
    packaged = Path(__file__).resolve().parent / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "resources"
