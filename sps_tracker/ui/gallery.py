"""Pictures of every form, for looking at the GUI without a screen.

    python -m sps_tracker.ui.gallery --data-dir DIR OUT_FOLDER

Opens the main window offscreen on DIR (e.g. after ``sps-tracker demo``), opens each
form for the first patient, fills a few fields as a person would, and saves PNGs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sps_tracker.ui.gallery")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--mode", choices=("clinic", "personal"), default="clinic")
    parser.add_argument("--dark", action="store_true", help="a dark palette, as a dark desktop")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QWidget

    from sps_tracker.services import Tracker
    from sps_tracker.storage.models import (
        Assessment,
        Fall,
        InfusionCourse,
        LabResult,
        MedicationPeriod,
    )
    from sps_tracker.ui.application import create_application
    from sps_tracker.ui.forms.assessment import AssessmentForm
    from sps_tracker.ui.forms.infusion import InfusionForm
    from sps_tracker.ui.main_window import MainWindow
    from sps_tracker.ui.mode import ModeQuestion, SettingsDialog

    app = create_application()
    if args.dark:
        from PySide6.QtGui import QColor, QPalette

        app.setStyle("Fusion")
        dark = QPalette()
        for role, colour in (
            (QPalette.ColorRole.Window, "#2b2b2b"),
            (QPalette.ColorRole.WindowText, "#e6e6e6"),
            (QPalette.ColorRole.Base, "#1e1e1e"),
            (QPalette.ColorRole.AlternateBase, "#333333"),
            (QPalette.ColorRole.Text, "#e6e6e6"),
            (QPalette.ColorRole.Button, "#3a3a3a"),
            (QPalette.ColorRole.ButtonText, "#e6e6e6"),
            (QPalette.ColorRole.Highlight, "#3d7bd9"),
            (QPalette.ColorRole.HighlightedText, "#ffffff"),
        ):
            dark.setColor(role, QColor(colour))
        dark.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8a8a8a"))
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
            dark.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
        app.setPalette(dark)
    data_dir = Path(args.data_dir)
    window = MainWindow(Tracker.open(data_dir), data_dir=data_dir, mode=args.mode, remember=False)
    window.resize(1280, 800)
    window.show()
    args.out.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        loop = QEventLoop()
        QTimer.singleShot(150, loop.quit)
        loop.exec()

    def grab(widget: QWidget, name: str) -> None:
        settle()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path), "PNG")
        print(path)

    grab(window, "main")
    for kind, name in (
        (Assessment, "assessment"),
        (Fall, "fall"),
        (InfusionCourse, "infusion"),
        (MedicationPeriod, "medication"),
        (LabResult, "lab"),
    ):
        window.new_entry(kind)
        dialog = window.current_dialog
        assert dialog is not None
        if isinstance(dialog, AssessmentForm):
            for key in ("face", "legs", "lower_trunk"):
                dialog.stiff_areas[key].setChecked(True)
            dialog.triggers["unexpected_noise"].setChecked(True)
        if isinstance(dialog, InfusionForm):
            dialog.grams_per_kg.setText("2")
            dialog.grams_per_kg.textEdited.emit("2")
            dialog.dosing_weight_kg.setText("70")
            dialog.dosing_weight_kg.textEdited.emit("70")
            dialog.reactions["headache"].setChecked(True)
        grab(dialog, name)
        dialog.reject()
    window.new_patient()
    assert window.current_dialog is not None
    grab(window.current_dialog, "patient-new")
    window.current_dialog.reject()
    window.edit_patient()
    assert window.current_dialog is not None
    grab(window.current_dialog, "patient-edit")
    window.current_dialog.reject()
    window.new_entry(LabResult)
    lab = window.current_dialog
    assert lab is not None
    lab.value.setText("lots")  # type: ignore[attr-defined]
    lab.unit.setCurrentText("")  # type: ignore[attr-defined]
    grab(lab, "lab-problems")
    lab.reject()
    question = ModeQuestion()
    question.show()
    grab(question, "mode-question")
    settings = SettingsDialog(args.mode)
    settings.show()
    grab(settings, "settings")
    row = window.history.table.model().index(0, 0)
    window.history.table.selectRow(row.row())
    window.delete_entry(window.history.selected())  # type: ignore[arg-type]
    assert window.current_dialog is not None
    grab(window.current_dialog, "delete-confirm")
    window.current_dialog.reject()
    # Data safety: the dialogs only look; nothing is restored or changed.
    chosen = window.history.selected()
    assert chosen is not None
    openers: list[tuple[Callable[[], None], str]] = [
        (lambda: window.show_entry_history(chosen), "entry-history"),
        (window.show_recently_deleted, "recently-deleted"),
        (window.restore_backup, "restore"),
    ]
    for opener, name in openers:
        opener()
        assert window.current_dialog is not None
        grab(window.current_dialog, name)
        window.current_dialog.reject()
    window.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
