"""The app's remembered state: one INI file in the platform's config folder.

An explicit file (not Qt's per-process cached default path) follows $XDG_CONFIG_HOME
at the moment it is opened, so each test gets its own settings and never the user's.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from sps_tracker.paths import config_dir

SETTINGS_FILENAME = "settings.ini"
MODES = ("clinic", "personal")


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILENAME


def app_settings() -> QSettings:
    return QSettings(str(settings_path()), QSettings.Format.IniFormat)


def stored_mode(settings: QSettings) -> str | None:
    value = settings.value("mode")
    return value if value in MODES else None
