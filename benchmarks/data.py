"""The benchmark data: demo patients generated deterministically into a temporary folder."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

# A fixed last day makes every run generate the same rows, UUIDs included.
UNTIL = date(2025, 7, 1)
SEED = 1
PATIENT_TABLES = ("assessment", "fall", "infusion_course", "medication_period", "lab_result")


@dataclass(frozen=True)
class DataSpec:
    """Arguments for sps_tracker.demo.generate (daily self-ratings throughout)."""

    patients: int
    years: float
    self_rating_every_days: int = 1

    def describe(self) -> str:
        return (
            f"demo --patients {self.patients} --years {self.years:g} --seed {SEED} "
            f"--until {UNTIL.isoformat()} --self-rating-every {self.self_rating_every_days}"
        )


# clinic: with seed 1 the window opens on the second demo patient (names sort that way), the
# one who does not respond to IVIg: ~3,700 assessments, ~125 courses, ~380 falls in 10 years.
FULL = {
    "clinic": DataSpec(patients=2, years=10),
    "history": DataSpec(patients=1, years=26),  # ~10,100 entries of one patient
    "exchange": DataSpec(patients=10, years=27.1),  # ~100,000 assessments
}
QUICK = {
    "clinic": DataSpec(patients=2, years=0.2),
    "history": DataSpec(patients=1, years=0.3),
    "exchange": DataSpec(patients=2, years=0.2),
}


def make(folder: Path, spec: DataSpec) -> dict[str, Any]:
    """Generate ``spec`` into ``folder``; describe the patient the window opens on."""
    from sps_tracker.demo import generate
    from sps_tracker.paths import database_path
    from sps_tracker.services import Tracker

    tracker = Tracker.open(folder, actor="bench")
    try:
        generate(
            tracker,
            patients=spec.patients,
            years=spec.years,
            seed=SEED,
            until=UNTIL,
            self_rating_every_days=spec.self_rating_every_days,
        )
        # MainWindow selects the first patient of the list; the benchmarks use that one.
        patient_id = tracker.list_patients()[0].patient.id
    finally:
        tracker.close()
    database = database_path(folder)
    connection = sqlite3.connect(database)
    try:
        counts = {
            table: connection.execute(
                f"SELECT count(*) FROM {table} WHERE patient_id = ? AND deleted_at IS NULL",
                (patient_id,),
            ).fetchone()[0]
            for table in PATIENT_TABLES
        }
        all_assessments = connection.execute("SELECT count(*) FROM assessment").fetchone()[0]
    finally:
        connection.close()
    return {
        "folder": str(folder),
        "database": str(database),
        "patient_id": patient_id,
        "counts": counts,
        "all_assessments": all_assessments,
        "spec": spec.describe(),
    }
