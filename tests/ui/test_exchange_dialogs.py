"""Export and import dialogs, driven as a person would."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from sps_tracker.demo import generate
from sps_tracker.services import Tracker
from sps_tracker.storage.models import Assessment
from sps_tracker.ui.dialogs.exchange import ExportDialog, ImportDialog


@pytest.fixture
def quiet_messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _parent, _title, text: shown.append(text)
    )
    return shown


@pytest.fixture
def demo(tracker: Tracker) -> Tracker:
    generate(tracker, patients=2, years=1, seed=3)
    return tracker


def type_into(qtbot: QtBot, widget: object, text: str) -> None:
    widget.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(widget, text)


def test_export_only_the_chosen_patient(
    qtbot: QtBot, demo: Tracker, tmp_path: Path, quiet_messages: list[str]
) -> None:
    dialog = ExportDialog(demo)
    qtbot.addWidget(dialog)
    dialog.show()
    # Untick the second patient with the keyboard: select it, press space.
    dialog.patients.setFocus()
    dialog.patients.setCurrentRow(1)
    qtbot.keyClick(dialog.patients, Qt.Key.Key_Space)
    assert len(dialog.chosen_patients()) == 1
    kept = dialog.chosen_patients()[0]
    out = tmp_path / "out"
    type_into(qtbot, dialog.folder, str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert quiet_messages and "assessments.csv" in quiet_messages[0]
    with (out / "assessments.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    uuid = demo.get_patient(kept).uuid
    assert rows and {r["patient_uuid"] for r in rows} == {uuid}
    assert len(rows) == len(demo.records(Assessment, kept))


def test_export_refuses_an_empty_choice(qtbot: QtBot, demo: Tracker, tmp_path: Path) -> None:
    dialog = ExportDialog(demo)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.no_patients, Qt.MouseButton.LeftButton)
    type_into(qtbot, dialog.folder, str(tmp_path / "never"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "at least one patient" in dialog.message.text()
    assert not (tmp_path / "never").exists()


def test_import_checks_first_then_imports_everything(
    qtbot: QtBot, demo: Tracker, tmp_path: Path, quiet_messages: list[str]
) -> None:
    export = tmp_path / "export"
    demo.export_csv(export)
    clinic = Tracker.open(tmp_path / "clinic")
    dialog = ImportDialog(clinic)
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.source, str(export))
    assert not dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.preview.count() >= 6
    assert dialog.problem_list.count() == 0
    assert clinic.count(Assessment) == 0  # the check wrote nothing
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert quiet_messages and quiet_messages[0].startswith("Imported")
    assert clinic.count(Assessment) == demo.count(Assessment)
    clinic.close()


def test_import_lists_problems_and_writes_nothing(
    qtbot: QtBot, demo: Tracker, tmp_path: Path
) -> None:
    export = tmp_path / "export"
    demo.export_csv(export)
    path = export / "assessments.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    rows[1][header.index("dsi_total")] = "7"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    clinic = Tracker.open(tmp_path / "clinic")
    dialog = ImportDialog(clinic, source=export)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    problems = [dialog.problem_list.item(i).text() for i in range(dialog.problem_list.count())]
    assert any("assessments.csv, row 2, column dsi_total" in p for p in problems)
    assert not dialog.import_button.isEnabled()
    assert "Nothing was imported" in dialog.summary.text()
    assert clinic.count(Assessment) == 0
    clinic.close()
