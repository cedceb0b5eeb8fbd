"""Import rules: conflicts, a diary into an existing patient, dry runs, the CLI, no Qt."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sps_tracker.cli import run
from sps_tracker.domain.scales import SCALES
from sps_tracker.services import Tracker
from sps_tracker.storage.models import Assessment, Fall, LabResult

from .conftest import open_tracker, read_rows, record_counts, set_cell, write_rows


def test_changed_record_is_a_conflict_never_overwritten(
    source: Tracker, exported: Path, empty: Tracker
) -> None:
    assert empty.import_csv(exported).written
    set_cell(exported / "labs.csv", 0, "value", "99")
    header, rows = read_rows(exported / "labs.csv")
    before = record_counts(empty)
    result = empty.import_csv(exported)
    assert not result.written and result.conflicting == 1
    assert "labs.csv, row 2: this lab result is already in the database with a different value" in (
        "\n".join(str(p) for p in result.problems)
    )
    patient = empty.list_patients()[0].patient
    assert empty.records(LabResult, patient.id)[0].value == 24000.0
    assert record_counts(empty) == before


def test_keep_existing_imports_the_rest(exported: Path, empty: Tracker) -> None:
    assert empty.import_csv(exported).written
    set_cell(exported / "labs.csv", 0, "value", "99")
    header, rows = read_rows(exported / "falls.csv")
    new_fall = list(rows[0])
    new_fall[0] = "5f0c6a8e-8d3e-4a55-9f7a-3a1b2c3d4e5f"
    write_rows(exported / "falls.csv", header, [*rows, new_fall])
    result = empty.import_csv(exported, keep_existing=True)
    assert result.written and result.new == 1 and result.conflicting == 1
    patient = empty.list_patients()[0].patient
    assert empty.records(LabResult, patient.id)[0].value == 24000.0
    assert len(empty.records(Fall, patient.id)) == 2


def test_dry_run_reports_and_writes_nothing(exported: Path, empty: Tracker) -> None:
    before = record_counts(empty)
    result = empty.import_csv(exported, dry_run=True)
    assert result.dry_run and not result.written and not result.problems
    assert result.new == 7
    by_file = {f.file: f for f in result.files}
    assert by_file["assessments.csv"].new == 2
    assert (
        by_file["assessments.csv"].preview[0][0] == read_rows(exported / "assessments.csv")[1][0][0]
    )
    assert by_file["summary.csv"].skipped
    assert record_counts(empty) == before


def test_diary_goes_into_an_existing_patient(exported: Path, empty: Tracker) -> None:
    clinic_copy = empty.add_patient(display_name="Z. O'Neil", clinic_identifier="H-0001")
    other = empty.add_patient(display_name="Zoë O'Neil, Jr.")  # same name: never matched
    result = empty.import_csv(exported, patient_id=clinic_copy.id)
    assert result.written, [str(p) for p in result.problems]
    assert {f.file: f.skipped != "" for f in result.files}["patients.csv"]
    assert len(empty.records(Assessment, clinic_copy.id)) == 2
    assert empty.records(Assessment, other.id) == []
    assert len(empty.list_patients()) == 2
    again = empty.import_csv(exported, patient_id=clinic_copy.id)
    assert again.new == 0 and again.unchanged == 6
    # The same diary into another patient is a conflict, not a copy.
    moved = empty.import_csv(exported, patient_id=other.id)
    assert moved.conflicting == 6 and not moved.written


def test_ambiguous_dates_with_a_date_format(exported: Path, empty: Tracker) -> None:
    set_cell(exported / "labs.csv", 0, "taken_on", "01/02/2025")
    assert empty.import_csv(exported).problems
    result = empty.import_csv(exported, date_format="%d/%m/%Y")
    assert result.written, [str(p) for p in result.problems]  # ISO dates are always read
    patient = empty.list_patients()[0].patient
    assert empty.records(LabResult, patient.id)[0].taken_on == date(2025, 2, 1)


def test_hand_written_diary_without_uuids(empty: Tracker, tmp_path: Path) -> None:
    patient = empty.add_patient(display_name="Kim", birth_date=date(1980, 1, 1))
    path = tmp_path / "falls.csv"
    path.write_text(
        "occurred_at;trigger;injury;notes\n2025-01-05T08:00:00+01:00;touch;ja;on the stairs\n",
        encoding="utf-8",
    )
    result = empty.import_csv(path, patient_id=patient.id)
    assert result.written and "no uuid" in result.warnings[0]
    fall = empty.records(Fall, patient.id)[0]
    assert fall.occurred_at == datetime(2025, 1, 5, 7, 0, tzinfo=UTC) and fall.injury


def test_cli_export_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = str(tmp_path / "first"), str(tmp_path / "second")
    assert run(["--data-dir", first, "demo", "--patients", "2", "--until", "2025-06-30"]) == 0
    out = str(tmp_path / "out")
    assert run(["--data-dir", first, "export", "--out", out, "--patient", "DEMO-1-001"]) == 0
    assert run(["--data-dir", second, "import", out, "--dry-run"]) == 0
    assert "Dry run, nothing written" in capsys.readouterr().out
    assert run(["--data-dir", second, "import", out]) == 0
    assert "Imported" in capsys.readouterr().out
    set_cell(Path(out) / "labs.csv", 0, "value", "x")
    assert run(["--data-dir", second, "import", out]) == 1
    captured = capsys.readouterr()
    assert "labs.csv, row 2, column value: 'x' is not a number" in captured.err
    assert run(["--data-dir", second, "export", "--out", out, "--patient", "nobody"]) == 2


def test_exchange_does_not_load_qt() -> None:
    code = (
        "import sys, sps_tracker.exchange.csv_import, sps_tracker.exchange.csv_export, "
        "sps_tracker.exchange.summary; "
        "sys.exit(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_summary_rows(tmp_path: Path) -> None:
    tracker = open_tracker(tmp_path / "s")
    p = tracker.add_patient(display_name="A", clinic_identifier="=cmd")
    for day, dsi in ((date(2025, 1, 3), ["legs", "arms"]), (date(2025, 1, 20), ["legs"])):
        tracker.add_assessment(
            p.id,
            assessed_at=datetime(day.year, day.month, day.day, tzinfo=UTC),
            source="clinician",
            dsi=dsi,
        )
    tracker.add_assessment(
        p.id, assessed_at=datetime(2025, 3, 1, tzinfo=UTC), source="patient", dsi=[]
    )
    tracker.add(Fall, p.id, occurred_at=datetime(2025, 2, 2, tzinfo=UTC), trigger="touch")
    rows = tracker.monthly_summary([p.id])
    assert [r.month for r in rows] == ["2025-01", "2025-02", "2025-03"]
    cells = [r.cells() for r in rows]
    assert cells[0][2] == "'=cmd"
    assert cells[0][4:11] == [2, "1.50", 1, 2, "0.00", 0, 0]
    assert cells[1][4] == 0 and cells[1][5] == "" and cells[1][14] == 1
    assert cells[2][11:14] == ["2025-01", "-1.50", "0.00"]
    later = tracker.monthly_summary([p.id], date_from=date(2025, 3, 1))
    assert [r.month for r in later] == ["2025-03"] and later[0].baseline_month == "2025-01"
    tracker.close()


DOCS = Path(__file__).parents[2] / "docs" / "csv-format.md"


def test_docs_name_every_column() -> None:
    from sps_tracker.exchange.formats import RECORD_FORMATS, SUMMARY_COLUMNS

    text = DOCS.read_text(encoding="utf-8")
    names = {c.name for f in RECORD_FORMATS for c in f.columns} | set(SUMMARY_COLUMNS)
    assert sorted(n for n in names if f"`{n}`" not in text) == []


def test_docs_examples_import(empty: Tracker, tmp_path: Path) -> None:
    blocks = DOCS.read_text(encoding="utf-8").split("```\n")[1::2]
    patient = empty.add_patient(display_name="Kim", clinic_identifier="H-0001")
    diary = tmp_path / "falls.csv"
    diary.write_text(blocks[0], encoding="utf-8")
    assert empty.import_csv(diary, patient_id=patient.id).written
    one = tmp_path / "assessments.csv"
    one.write_text(blocks[1], encoding="utf-8")
    result = empty.import_csv(one, patient_id=patient.id)
    assert result.written, [str(p) for p in result.problems]
    assessment = empty.records(Assessment, patient.id)[0]
    assert assessment.notes == '=worse after flu, "much" stiffer'
    assert assessment.total(SCALES[0]) == 2
