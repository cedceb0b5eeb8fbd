"""The chart inside the main window: its tab, the File menu entries and ``--view chart``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from sps_tracker.services import Tracker
from sps_tracker.storage.models import InfusionCourse
from sps_tracker.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path) -> MainWindow:
    tracker = Tracker.open(data_dir)
    patient = tracker.add_patient(display_name="Anna")
    tracker.add_assessment(
        patient.id,
        assessed_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        source="clinician",
        dsi=["legs", "arms"],
    )
    tracker.add(InfusionCourse, patient.id, first_day=date(2026, 1, 10), days=2)
    w = MainWindow(tracker, data_dir=data_dir)
    qtbot.addWidget(w)
    w.show()
    return w


def _action(window: MainWindow, text: str):  # type: ignore[no-untyped-def]
    file_menu = window.menuBar().actions()[0].menu()
    for action in file_menu.actions():
        if action.text().replace("&", "") == text:
            return action
    raise AssertionError(f"no File menu entry {text!r}")


def test_view_chart_opens_the_chart_of_the_first_patient(window: MainWindow) -> None:
    window.show_view("chart")
    assert window.tabs.currentWidget() is window.chart_view
    assert window.chart_view.patient_id == window.patient.id  # type: ignore[union-attr]
    x, y = window.chart_view.trend.score_items[("dsi", "clinician")].getOriginalDataset()
    assert list(y) == [2]


def test_file_menu_exports_the_chart(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.svg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    _action(window, "Export chart as SVG…").trigger()
    assert window.tabs.currentWidget() is window.chart_view
    assert target.exists() and "<svg" in target.read_text(encoding="utf-8")
    png = tmp_path / "out.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(png), ""))
    _action(window, "Export chart as PNG…").trigger()
    assert png.exists()


def test_file_menu_imports_a_reference_set(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (chosen.append("asked") or "", "")
    )
    _action(window, "Import reference set…").trigger()
    assert chosen == ["asked"]


def test_export_without_a_patient_says_so(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = MainWindow(Tracker.open(data_dir), data_dir=data_dir)
    qtbot.addWidget(w)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    _action(w, "Export chart as PNG…").trigger()
    assert told == ["Choose a patient first."]


def test_view_chart_screenshot_from_the_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    from PySide6.QtGui import QColor, QImage

    folder = tmp_path / "d"
    base = [sys.executable, "-m", "sps_tracker", "--data-dir", str(folder)]
    made = subprocess.run(
        [*base, "demo", "--patients", "1", "--years", "1"], capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    shot = tmp_path / "chart.png"
    result = subprocess.run(
        [*base, "--view", "chart", "--screenshot", str(shot)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert image.width() >= 800
    # Clinician points are drawn in Okabe-Ito blue (0, 114, 178) on a light theme; the
    # history table has none, so finding it proves the chart is what was pictured.
    blue = 0
    for x in range(0, image.width(), 2):
        for y in range(0, image.height(), 2):
            c = QColor(image.pixel(x, y))
            if abs(c.red()) < 12 and abs(c.green() - 114) < 12 and abs(c.blue() - 178) < 12:
                blue += 1
    assert blue > 20


def test_a_start_on_the_chart_reads_the_history_only_when_its_tab_is_shown(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker = Tracker.open(data_dir)
    anna = tracker.add_patient(display_name="Anna")
    tracker.add_assessment(
        anna.id, assessed_at=datetime(2026, 1, 5, 9, tzinfo=UTC), source="clinician", dsi=["legs"]
    )
    tracker.add(InfusionCourse, anna.id, first_day=date(2026, 1, 10), days=2)
    bert = tracker.add_patient(display_name="Bert")
    read: list[int] = []
    history = tracker.history
    monkeypatch.setattr(tracker, "history", lambda pid, *a: read.append(pid) or history(pid, *a))
    w = MainWindow(tracker, data_dir=data_dir)
    qtbot.addWidget(w)
    w.show_view("chart")  # as `--view chart` does, before the window is shown
    w.show()
    qtbot.waitExposed(w)
    assert read == [] and w.history.model.rowCount() == 0
    drawn: list[int] = []
    draw = w.chart_view.trend.set_data
    monkeypatch.setattr(
        w.chart_view.trend, "set_data", lambda *a, **k: drawn.append(1) or draw(*a, **k)
    )
    # Choosing another patient on the chart draws the chart once and still skips the history.
    w.patient_list.setCurrentRow(1)
    assert w.chart_view.patient_id == bert.id and drawn == [1] and read == []
    w.patient_list.setCurrentRow(0)
    bar = w.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())
    assert w.tabs.currentWidget() is w.history
    assert read == [anna.id] and w.history.model.rowCount() == 2
