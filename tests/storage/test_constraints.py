"""Every domain range is also a CHECK in the database: hand-written SQL cannot break it."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sps_tracker.domain.errors import ValidationError
from sps_tracker.domain.scales import DSI, HSS
from sps_tracker.services import Tracker
from sps_tracker.storage.models import (
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
)

STAMP = "'2026-01-01 00:00:00.000000'"


@pytest.fixture
def db(tracker: Tracker) -> Iterator[tuple[Tracker, sqlite3.Connection]]:
    tracker.add_patient(display_name="Ann Example", birth_date=date(1970, 5, 1))
    assert tracker.database.path is not None
    connection = sqlite3.connect(tracker.database.path)
    connection.execute("PRAGMA foreign_keys=ON")
    yield tracker, connection
    connection.close()


def insert(connection: sqlite3.Connection, table: str, **values: object) -> None:
    base: dict[str, object] = {
        "uuid": f"'{uuid.uuid4()}'",
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    if table != "patient":
        base.update(patient_id=1, notes="''")
    base.update(values)
    columns = ", ".join(base)
    literals = ", ".join(str(v) for v in base.values())
    with connection:
        connection.execute(f"INSERT INTO {table} ({columns}) VALUES ({literals})")


def assessment_values(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {"assessed_at": STAMP, "source": "'clinician'", "rater": "''"}
    values.update({c: 0 for c in (*DSI.columns, *HSS.columns)})
    values.update(changes)
    return values


GOOD = {
    "assessment": assessment_values(),
    "fall": {
        "occurred_at": STAMP,
        "trigger": "'touch'",
        "trigger_other": "''",
        "injury": 0,
        "injury_description": "''",
    },
    "infusion_course": {
        "first_day": "'2026-01-01'",
        "days": 2,
        "product": "''",
        "lot_numbers": "''",
        "rate": "''",
        "premedication": "''",
        "reactions": "''",
        "reaction_notes": "''",
    },
    "medication_period": {
        "drug": "'baclofen'",
        "daily_dose": 20,
        "dose_unit": "'mg'",
        "start_date": "'2026-01-01'",
    },
    "lab_result": {
        "analyte": "'anti-GAD65'",
        "value": 1000,
        "unit": "'U/mL'",
        "lab": "''",
        "taken_on": "'2026-01-01'",
    },
    "patient": {
        "display_name": "'Bo'",
        "antibody_status": "'unknown'",
        "synthetic": 0,
        "notes": "''",
    },
}

BAD = [
    ("assessment", {"dsi_legs": 2}, "ck_assessment_dsi_legs_bool"),
    ("assessment", {"hss_touch": -1}, "ck_assessment_hss_touch_bool"),
    ("assessment", {"source": "'nurse'"}, "ck_assessment_source_known"),
    ("assessment", {"walking_status": "'running'"}, "ck_assessment_walking_status_known"),
    ("assessment", {"patient_id": 99}, "FOREIGN KEY"),
    ("fall", {"trigger": "'gravity'"}, "ck_fall_trigger_known"),
    ("fall", {"trigger": "'other'", "trigger_other": "'  '"}, "ck_fall_other_trigger_described"),
    ("fall", {"injury": 3}, "ck_fall_injury_bool"),
    ("infusion_course", {"days": 0}, "ck_infusion_course_days_range"),
    ("infusion_course", {"total_grams": -10}, "ck_infusion_course_total_grams_positive"),
    ("infusion_course", {"grams_per_kg": 0}, "ck_infusion_course_grams_per_kg_positive"),
    ("infusion_course", {"dosing_weight_kg": 900}, "ck_infusion_course_dosing_weight_range"),
    ("medication_period", {"drug": "' '"}, "ck_medication_period_drug_present"),
    ("medication_period", {"daily_dose": -1}, "ck_medication_period_daily_dose_not_negative"),
    ("medication_period", {"stop_date": "'2025-12-31'"}, "ck_medication_period_stop_after_start"),
    ("lab_result", {"value": -1}, "ck_lab_result_value_not_negative"),
    ("lab_result", {"unit": "''"}, "ck_lab_result_unit_present"),
    ("patient", {"display_name": "'   '"}, "ck_patient_display_name_present"),
    ("patient", {"antibody_status": "'maybe'"}, "ck_patient_antibody_status_known"),
    (
        "patient",
        {"birth_date": "'1990-01-01'", "diagnosis_date": "'1980-01-01'"},
        "ck_patient_diagnosis_after_birth",
    ),
]


@pytest.mark.parametrize("table", sorted(GOOD))
def test_a_sound_row_is_accepted(db: tuple[Tracker, sqlite3.Connection], table: str) -> None:
    insert(db[1], table, **GOOD[table])


@pytest.mark.parametrize(("table", "change", "constraint"), BAD)
def test_database_refuses_out_of_range_rows(
    db: tuple[Tracker, sqlite3.Connection], table: str, change: dict[str, object], constraint: str
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match=constraint):
        insert(db[1], table, **{**GOOD[table], **change})


def test_a_stiffness_index_of_seven_cannot_be_written(
    db: tuple[Tracker, sqlite3.Connection],
) -> None:
    connection = db[1]
    with pytest.raises(sqlite3.OperationalError, match="generated column"):
        insert(connection, "assessment", **assessment_values(dsi_total=7))
    insert(connection, "assessment", **assessment_values(**{c: 1 for c in DSI.columns}))
    total = connection.execute("SELECT max(dsi_total) FROM assessment").fetchone()[0]
    assert total == 6
    # Even the generated total cannot be pushed past the range by an UPDATE.
    with pytest.raises(sqlite3.OperationalError), connection:
        connection.execute("UPDATE assessment SET dsi_total = 7")


NOW = datetime.now(UTC)
DOMAIN_BAD = [
    (Fall, {"occurred_at": NOW, "trigger": "gravity"}, "trigger"),
    (Fall, {"occurred_at": NOW, "trigger": "other", "trigger_other": " "}, "trigger_other"),
    (InfusionCourse, {"first_day": date(2026, 1, 1), "days": 0}, "days"),
    (
        InfusionCourse,
        {"first_day": date(2026, 1, 1), "days": 2, "total_grams": -10.0},
        "total_grams",
    ),
    (
        InfusionCourse,
        {"first_day": date(2026, 1, 1), "days": 2, "dosing_weight_kg": 900.0},
        "dosing_weight_kg",
    ),
    (
        MedicationPeriod,
        {"drug": " ", "daily_dose": 1.0, "dose_unit": "mg", "start_date": date(2026, 1, 1)},
        "drug",
    ),
    (
        MedicationPeriod,
        {"drug": "baclofen", "daily_dose": -1.0, "dose_unit": "mg", "start_date": date(2026, 1, 1)},
        "daily_dose",
    ),
    (
        MedicationPeriod,
        {
            "drug": "baclofen",
            "daily_dose": 1.0,
            "dose_unit": "mg",
            "start_date": date(2026, 1, 1),
            "stop_date": date(2025, 1, 1),
        },
        "stop_date",
    ),
    (
        LabResult,
        {"analyte": "anti-GAD65", "value": -1.0, "unit": "U/mL", "taken_on": date(2026, 1, 1)},
        "value",
    ),
    (
        LabResult,
        {"analyte": "anti-GAD65", "value": 1.0, "unit": "", "taken_on": date(2026, 1, 1)},
        "unit",
    ),
]


@pytest.mark.parametrize(("kind", "values", "field"), DOMAIN_BAD)
def test_the_service_refuses_the_same_rows_and_writes_nothing(
    db: tuple[Tracker, sqlite3.Connection], kind: type, values: dict[str, object], field: str
) -> None:
    tracker = db[0]
    with pytest.raises(ValidationError) as caught:
        tracker.add(kind, 1, **values)
    assert field in {p.field for p in caught.value.problems}
    assert tracker.count(kind) == 0
    assert len(tracker.audit_trail()) == 1  # only the patient's own "add"


def test_service_refuses_typed_totals_and_unknown_fields(
    db: tuple[Tracker, sqlite3.Connection],
) -> None:
    tracker = db[0]
    with pytest.raises(ValidationError, match="derived from the items"):
        tracker.add_assessment(1, assessed_at=NOW, source="clinician", dsi_total=7)
    with pytest.raises(ValidationError, match="not a field"):
        tracker.add_assessment(1, assessed_at=NOW, source="clinician", colour="red")


def test_pragmas_of_every_connection(tracker: Tracker, data_dir: Path) -> None:
    with tracker.database.engine.connect() as connection:

        def pragma(name: str) -> object:
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("foreign_keys") == 1
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == 5000
