"""The patient's monthly summary tab shows what summary.csv holds, and exports it."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sps_tracker.demo import generate
from sps_tracker.ui.main_window import MainWindow


def test_summary_tab_matches_the_export(
    qtbot: Any, open_window: Any, tracker: Any, tmp_path: Path
) -> None:
    generate(tracker, patients=2, years=1, seed=5)
    window: MainWindow = open_window()
    view = window.summary_view
    window.show_view("summary")
    qtbot.waitUntil(lambda: view.table.rowCount() > 0)
    assert window.patient is not None
    months = tracker.monthly_summary([window.patient.id])
    assert view.table.rowCount() == len(months)
    newest = months[-1]
    assert view.table.item(0, 0).text() == newest.month
    assert view.table.item(0, 1).text() == str(newest.assessments)
    assert view.table.item(0, 6).text() == str(newest.falls)
    assert newest.month in view.table.item(0, 0).text()
    assert months[0].baseline_month in view.baseline.text()

    written = view.export_to(tmp_path / "out")
    with written.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["patient_uuid"] for r in rows} == {window.patient.uuid}
    assert len(rows) == len(months)


def test_summary_follows_a_new_entry(qtbot: Any, open_window: Any, tracker: Any) -> None:
    from datetime import UTC, datetime

    patient = tracker.add_patient(display_name="Sum Mary")
    window: MainWindow = open_window()
    window.show_view("summary")
    assert window.summary_view.table.rowCount() == 0
    assert not window.summary_view.export_button.isEnabled()
    tracker.add_assessment(
        patient.id, assessed_at=datetime.now(UTC), source="patient", dsi=["legs"]
    )
    window.refresh_history()
    qtbot.waitUntil(lambda: window.summary_view.table.rowCount() == 1)
    assert window.summary_view.table.item(0, 2).text() == "1.00 (1–1)"


def test_a_hidden_summary_reads_nothing_until_shown(
    qtbot: Any, open_window: Any, tracker: Any, monkeypatch: Any
) -> None:
    generate(tracker, patients=1, years=1, seed=6)
    window: MainWindow = open_window()
    reads: list[object] = []
    real = window.tracker.monthly_summary
    monkeypatch.setattr(
        window.tracker, "monthly_summary", lambda *a, **k: reads.append(a) or real(*a, **k)
    )
    assert window.patient is not None
    window.set_patient(window.patient)  # on the History tab
    assert reads == [] and window.summary_view.table.rowCount() == 0
    window.show_view("summary")
    qtbot.waitUntil(lambda: window.summary_view.table.rowCount() > 0)
    assert len(reads) == 1
