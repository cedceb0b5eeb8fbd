"""The About dialog: version, where the data lives, and when it was last backed up."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
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
from sps_tracker.paths import database_path, resources_dir


def last_backup_text(data_dir: Path) -> str:
    """The last good backup and, in words, whether backups need attention."""
    from sps_tracker.safety import backup_status

    try:
        status = backup_status(data_dir)
    except OSError:
        return QCoreApplication.translate("AboutDialog", "the backups folder cannot be read")
    if status.last_good_at is None:
        text = QCoreApplication.translate("AboutDialog", "none yet")
    else:
        when = status.last_good_at.astimezone().strftime("%Y-%m-%d %H:%M")
        name = status.last_good_path.name if status.last_good_path else ""
        text = f"{when} ({name})"
    if status.failing:
        text += "\n" + QCoreApplication.translate(
            "AboutDialog", "Warning: the last backup failed (%s)."
        ) % (status.failure)
    elif status.overdue:
        text += "\n" + QCoreApplication.translate("AboutDialog", "Warning: a backup is overdue.")
    return text


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

        backup_text = last_backup_text(data_dir)
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
