"""Helpers for the CSV exchange tests: small real databases and file surgery."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sps_tracker.services import Tracker
from sps_tracker.storage.models import (
    AuditEntry,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
    Patient,
)


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_rows(
    path: Path, header: list[str], rows: list[list[str]], *, delimiter: str = ","
) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Change one cell; row 0 is the first data row."""
    header, rows = read_rows(path)
    rows[row][header.index(column)] = value
    write_rows(path, header, rows)


def record_counts(tracker: Tracker) -> dict[str, int]:
    """Every row of every table, deleted ones included, and the audit trail."""
    from sqlalchemy import func, select

    from sps_tracker.storage.models import RECORD_TYPES

    counts: dict[str, int] = {}
    with tracker.database.read_session() as session:
        for kind in (*RECORD_TYPES, AuditEntry):
            counts[kind.__tablename__] = int(
                session.scalar(select(func.count()).select_from(kind)) or 0
            )
    return counts


def open_tracker(folder: Path) -> Tracker:
    return Tracker.open(folder, actor="test")


def small_clinic(tracker: Tracker) -> Patient:
    """One patient with one record of every kind, notes with commas, quotes and accents."""
    patient = tracker.add_patient(
        display_name="Zoë O'Neil, Jr.",
        clinic_identifier="H-0001",
        birth_date=date(1970, 5, 17),
        antibody_status="positive",
        notes='Says "stiff as a board",\nworse in winter',
    )
    tracker.add_assessment(
        patient.id,
        assessed_at=datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
        source="clinician",
        rater="Dr Ödön",
        walking_status="cane",
        dsi=["legs", "lower_trunk"],
        hss=["unexpected_noise"],
        notes='=HYPERLINK("http://x")',
    )
    tracker.add_assessment(
        patient.id,
        assessed_at=datetime(2025, 4, 1, 18, 0, tzinfo=UTC),
        source="patient",
        dsi=[],
        hss=[],
    )
    tracker.add(
        Fall,
        patient.id,
        occurred_at=datetime(2025, 3, 10, 7, 15, tzinfo=UTC),
        trigger="startle_noise",
        injury=True,
        injury_description="bruised knee",
    )
    tracker.add(
        InfusionCourse,
        patient.id,
        first_day=date(2025, 3, 20),
        days=2,
        product="Privigen",
        total_grams=140.0,
        grams_per_kg=2.0,
        dosing_weight_kg=70.0,
        reactions="headache",
    )
    tracker.add(
        MedicationPeriod,
        patient.id,
        drug="diazepam",
        daily_dose=15.0,
        dose_unit="mg",
        start_date=date(2024, 1, 1),
    )
    tracker.add(
        LabResult,
        patient.id,
        analyte="anti-GAD65",
        value=24000.0,
        unit="U/mL",
        taken_on=date(2025, 2, 1),
    )
    return patient


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Tracker]:
    tracker = open_tracker(tmp_path / "source")
    yield tracker
    tracker.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Tracker]:
    tracker = open_tracker(tmp_path / "empty")
    yield tracker
    tracker.close()


@pytest.fixture
def exported(source: Tracker, tmp_path: Path) -> Path:
    """The small clinic exported to a folder."""
    small_clinic(source)
    folder = tmp_path / "export"
    source.export_csv(folder)
    return folder
