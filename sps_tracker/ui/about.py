"""The About dialog: version, where the data lives, and when it was last backed up."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from sps_tracker import APP_ID, APP_NAME, __version__
from sps_tracker.logs import current_log_file
from sps_tracker.paths import backups_dir, database_path, resources_dir


def last_backup(data_dir: Path) -> Path | None:
    """The newest backup file in the data folder's backups folder, if any."""
    folder = backups_dir(data_dir)
    try:
        copies = [p for p in folder.glob("*.db") if p.is_file()]
    except OSError:
        return None
    return max(copies, key=lambda p: p.stat().st_mtime, default=None)


def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"{APP_ID}.svg"))


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About SPS Tracker"))
        layout = QVBoxLayout(self)

        title = QLabel(f"<b>{APP_NAME}</b> {__version__}")
        title.setObjectName("aboutTitle")
        layout.addWidget(title)
        layout.addWidget(QLabel(self.tr("A diary and clinic record for stiff-person syndrome.")))

        backup = last_backup(data_dir)
        if backup is None:
            backup_text = self.tr("none yet")
        else:
            when = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            backup_text = f"{when} ({backup.name})"
        log_file = current_log_file()

        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for key, label, value in (
            ("version", self.tr("Version"), __version__),
            ("data_dir", self.tr("Data folder"), str(data_dir)),
            ("database", self.tr("Database"), str(database_path(data_dir))),
            ("last_backup", self.tr("Last backup"), backup_text),
            ("log_file", self.tr("Log file"), str(log_file) if log_file else self.tr("none")),
        ):
            shown = QLabel(value)
            shown.setObjectName(f"about_{key}")
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = shown
            form.addRow(label, shown)
        layout.addLayout(form)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def show_about(data_dir: Path, parent: QWidget | None = None) -> None:
    AboutDialog(data_dir, parent).exec()
