"""Write the fixture database of one schema revision, with rows of every kind.

Run once when a revision ships, and commit the result:

    .venv/bin/python tests/migrations/make_fixture.py 0001_baseline

The schema comes from the Alembic scripts (not the models, which move on) and
the rows are plain SQL, so the file keeps showing what that version wrote.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Rows for the baseline schema: every table, nulls and non-nulls, deleted rows,
# accents, floats, every audit action. Later revisions add their own lists.
P1 = "11111111-1111-4111-8111-111111111111"
P2 = "22222222-2222-4222-8222-222222222222"
T = "2025-03-04 05:06:07.890123"
BASELINE_ROWS: dict[str, list[dict[str, object]]] = {
    "patient": [
        {
            "id": 1,
            "uuid": P1,
            "created_at": T,
            "updated_at": "2025-03-05 10:00:00.000000",
            "deleted_at": None,
            "display_name": "Zoë Ångström-Müller",
            "clinic_identifier": "C-0042",
            "birth_date": "1968-02-29",
            "diagnosis_date": "2019-11-30",
            "antibody_status": "positive",
            "synthetic": 0,
            "notes": 'Line one\nline two, "quoted"; semi',
        },
        {
            "id": 2,
            "uuid": P2,
            "created_at": T,
            "updated_at": T,
            "deleted_at": "2025-04-01 12:00:00.000000",
            "display_name": "Deleted Person",
            "clinic_identifier": None,
            "birth_date": None,
            "diagnosis_date": None,
            "antibody_status": "unknown",
            "synthetic": 1,
            "notes": "",
        },
    ],
    "assessment": [
        {
            "id": 1,
            "uuid": "a0000000-0000-4000-8000-000000000001",
            "created_at": T,
            "updated_at": T,
            "deleted_at": None,
            "patient_id": 1,
            "notes": "",
            "assessed_at": "2025-03-04 08:15:00.000000",
            "source": "clinician",
            "rater": "Dr Rater",
            "walking_status": "cane",
            "dsi_lower_trunk": 1,
            "dsi_upper_trunk": 1,
            "dsi_legs": 1,
            "dsi_arms": 0,
            "dsi_face": 0,
            "dsi_abdomen": 1,
            "hss_unexpected_noise": 1,
            "hss_visual": 0,
            "hss_touch": 1,
            "hss_voluntary_movement": 0,
            "hss_emotional_upset": 1,
            "hss_spontaneous": 0,
            "hss_nocturnal": 1,
        },
        {
            "id": 2,
            "uuid": "a0000000-0000-4000-8000-000000000002",
            "created_at": T,
            "updated_at": T,
            "deleted_at": "2025-03-06 00:00:00.000000",
            "patient_id": 1,
            "notes": "self-rating",
            "assessed_at": "2025-03-05 21:00:00.000000",
            "source": "patient",
            "rater": "",
            "walking_status": None,
            **{
                c: 0
                for c in (
                    "dsi_lower_trunk",
                    "dsi_upper_trunk",
                    "dsi_legs",
                    "dsi_arms",
                    "dsi_face",
                    "dsi_abdomen",
                    "hss_unexpected_noise",
                    "hss_visual",
                    "hss_touch",
                    "hss_voluntary_movement",
                    "hss_emotional_upset",
                    "hss_spontaneous",
                    "hss_nocturnal",
                )
            },
        },
    ],
    "fall": [
        {
            "id": 1,
            "uuid": "f0000000-0000-4000-8000-000000000001",
            "created_at": T,
            "updated_at": T,
            "deleted_at": None,
            "patient_id": 1,
            "notes": "",
            "occurred_at": "2025-03-10 17:45:00.000000",
            "trigger": "other",
            "trigger_other": "dog barked behind me",
            "injury": 1,
            "injury_description": "bruised hip",
        }
    ],
    "infusion_course": [
        {
            "id": 1,
            "uuid": "10000000-0000-4000-8000-000000000001",
            "created_at": T,
            "updated_at": T,
            "deleted_at": None,
            "patient_id": 1,
            "notes": "",
            "first_day": "2025-02-03",
            "days": 5,
            "product": "Privigen",
            "total_grams": 140.0,
            "grams_per_kg": 2.0,
            "dosing_weight_kg": 70.25,
            "lot_numbers": "LOT1; LOT2",
            "rate": "ramped",
            "premedication": "paracetamol",
            "reactions": "headache;chills",
            "reaction_notes": "day 2 headache",
        }
    ],
    "medication_period": [
        {
            "id": 1,
            "uuid": "30000000-0000-4000-8000-000000000001",
            "created_at": T,
            "updated_at": T,
            "deleted_at": None,
            "patient_id": 1,
            "notes": "",
            "drug": "diazepam",
            "daily_dose": 7.5,
            "dose_unit": "mg",
            "start_date": "2024-01-01",
            "stop_date": "2024-06-30",
        },
        {
            "id": 2,
            "uuid": "30000000-0000-4000-8000-000000000002",
            "created_at": T,
            "updated_at": T,
            "deleted_at": None,
            "patient_id": 2,
            "notes": "",
            "drug": "baclofen",
            "daily_dose": 30.0,
            "dose_unit": "mg",
            "start_date": "2024-07-01",
            "stop_date": None,
        },
    ],
    "lab_result": [
        {
            "id": 1,
            "uuid": "40000000-0000-4000-8000-000000000001",
            "created_at": T,
            "updated_at": T,
            "deleted_at": None,
            "patient_id": 1,
            "notes": "",
            "analyte": "anti-GAD65",
            "value": 12345.678,
            "unit": "IU/mL",
            "lab": "Lab Ü",
            "taken_on": "2024-12-24",
        }
    ],
    "audit_entry": [
        {
            "id": n + 1,
            "at": f"2025-03-0{n + 1} 09:00:00.000000",
            "actor": actor,
            "action": action,
            "record_kind": "patient",
            "record_uuid": P1,
            "patient_uuid": P1,
            "old_values": old,
            "new_values": new,
        }
        for n, (actor, action, old, new) in enumerate(
            [
                ("Dr Rater", "add", None, '{"display_name": "Zoë"}'),
                ("Dr Rater", "edit", '{"notes": ""}', '{"notes": "Line one"}'),
                ("", "delete", None, None),
                ("Zoë", "restore", None, None),
                ("import", "import", None, '{"antibody_status": "positive"}'),
            ]
        )
    ],
}

ROWS_BY_REVISION: dict[str, dict[str, list[dict[str, object]]]] = {
    "0001_baseline": BASELINE_ROWS,
}


def fixture_path(revision: str) -> Path:
    return FIXTURES / f"schema_{revision}.db"


def make_fixture(revision: str, target: Path) -> Path:
    from sps_tracker.storage.db import Database, make_engine, sqlite_url
    from sps_tracker.storage.migrate import upgrade

    target.unlink(missing_ok=True)
    database = Database(make_engine(sqlite_url(target)), target)
    upgrade(database, revision)
    database.dispose()
    connection = sqlite3.connect(target)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
        with connection:
            for table, rows in ROWS_BY_REVISION[revision].items():
                for row in rows:
                    columns = ", ".join(row)
                    marks = ", ".join("?" for _ in row)
                    connection.execute(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values())
                    )
        connection.execute("VACUUM")
    finally:
        connection.close()
    return target


if __name__ == "__main__":
    FIXTURES.mkdir(exist_ok=True)
    for name in sys.argv[1:] or list(ROWS_BY_REVISION):
        print(make_fixture(name, fixture_path(name)))
