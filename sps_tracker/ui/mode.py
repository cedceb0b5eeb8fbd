"""Who is using the app: one person's own diary, or a clinic with many patients."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sps_tracker.services import Tracker
from sps_tracker.ui.settings import stored_mode
from sps_tracker.ui.widgets import enlarge_controls

CLINIC = "clinic"
PERSONAL = "personal"


class ModeQuestion(QDialog):
    """Asked once, on the first start with an empty data folder."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to SPS Tracker"))
        self.chosen: str | None = None
        heading = QLabel(self.tr("Who is using SPS Tracker?"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.personal = QCommandLinkButton(
            self.tr("I track my own symptoms"),
            self.tr("One profile, your own diary. Entries are self-ratings."),
        )
        self.clinic = QCommandLinkButton(
            self.tr("I record patients at a clinic"),
            self.tr("A list of patients; entries are clinician examinations."),
        )
        self.personal.setAccessibleName(self.tr("I track my own symptoms"))
        self.clinic.setAccessibleName(self.tr("I record patients at a clinic"))
        self.personal.clicked.connect(lambda: self._choose(PERSONAL))
        self.clinic.clicked.connect(lambda: self._choose(CLINIC))
        later = QLabel(self.tr("You can change this later under Edit › Settings."))
        later.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addSpacing(8)
        layout.addWidget(self.personal)
        layout.addWidget(self.clinic)
        layout.addSpacing(8)
        layout.addWidget(later)
        enlarge_controls(self)
        self.resize(460, self.sizeHint().height())

    def _choose(self, mode: str) -> None:
        self.chosen = mode
        self.accept()


def ask_mode(parent: QWidget | None = None) -> str | None:
    question = ModeQuestion(parent)
    question.exec()
    return question.chosen


def resolve_mode(
    settings: QSettings,
    tracker: Tracker,
    *,
    explicit: str | None,
    interactive: bool,
    ask: Callable[[], str | None] = ask_mode,
) -> str:
    """--mode wins; then the remembered choice; a folder with patients is a clinic's;
    otherwise ask (never when there is nobody to answer, e.g. --screenshot)."""
    if explicit in (CLINIC, PERSONAL):
        return explicit
    remembered = stored_mode(settings)
    if remembered is not None:
        return remembered
    if not interactive:
        return CLINIC  # a screenshot decides nothing for the person's next start
    if tracker.list_patients():
        mode = CLINIC
    else:
        answer = ask()
        if answer is None:
            return CLINIC  # closed without an answer: ask again next time
        mode = answer
    settings.setValue("mode", mode)
    settings.sync()
    return mode


class SettingsDialog(QDialog):
    def __init__(self, mode: str, parent: QWidget | None = None, *, user_name: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        name_label = QLabel(self.tr("&Your name (recorded with every change you make):"))
        self.user_name = QLineEdit(user_name)
        self.user_name.setPlaceholderText(default_user_name())
        self.user_name.setAccessibleName(self.tr("Your name, recorded with every change"))
        name_label.setBuddy(self.user_name)
        intro = QLabel(self.tr("Who is using SPS Tracker on this computer?"))
        self.personal = QRadioButton(self.tr("I track my own symptoms (personal diary)"))
        self.clinic = QRadioButton(self.tr("I record patients at a clinic"))
        self.personal.setAccessibleName(self.tr("Personal mode"))
        self.clinic.setAccessibleName(self.tr("Clinic mode"))
        group = QButtonGroup(self)
        group.addButton(self.personal)
        group.addButton(self.clinic)
        (self.personal if mode == PERSONAL else self.clinic).setChecked(True)
        note = QLabel(
            self.tr(
                "Personal mode hides the patient list and records entries as self-ratings. "
                "Nothing is deleted when you switch."
            )
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for standard in (
            QDialogButtonBox.StandardButton.Ok,
            QDialogButtonBox.StandardButton.Cancel,
        ):
            button = buttons.button(standard)
            if button is not None:
                button.setAccessibleName(button.text().replace("&", ""))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.personal)
        layout.addWidget(self.clinic)
        layout.addWidget(note)
        layout.addWidget(name_label)
        layout.addWidget(self.user_name)
        layout.addStretch(1)
        layout.addWidget(buttons)
        enlarge_controls(self)
        self.resize(460, self.sizeHint().height())

    def mode(self) -> str:
        return PERSONAL if self.personal.isChecked() else CLINIC


def default_user_name() -> str:
    """The login name: who made a change in clinic mode unless a name is set."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return ""
