"""history: a patient's ~10,000 entries through Tracker.history, against raw SELECTs."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from benchmarks.data import PATIENT_TABLES
from benchmarks.timing import Outcome, alternate, median

BUDGET = 3.0


def measure(manifest: dict[str, Any], scratch: Path, rounds: int, warmups: int) -> list[Outcome]:
    from sps_tracker.services import Tracker

    data = manifest["history"]
    patient_id = data["patient_id"]
    entries = sum(data["counts"].values())
    tracker = Tracker.open(Path(data["folder"]), actor="bench")
    connection = sqlite3.connect(data["database"])

    def app() -> float:
        started = time.perf_counter()
        found = tracker.history(patient_id)
        elapsed = time.perf_counter() - started
        if len(found) != entries:
            raise RuntimeError(f"history gave {len(found)} entries, the database has {entries}")
        return elapsed

    def baseline() -> float:
        started = time.perf_counter()
        rows = []
        for table in PATIENT_TABLES:
            rows.extend(
                connection.execute(
                    f"SELECT * FROM {table} WHERE patient_id = ? AND deleted_at IS NULL",
                    (patient_id,),
                ).fetchall()
            )
        return time.perf_counter() - started

    try:
        app_samples, baseline_samples = alternate(app, baseline, rounds=rounds, warmups=warmups)
    finally:
        tracker.close()
        connection.close()
    return [
        Outcome(
            "history",
            BUDGET,
            median(app_samples),
            median(baseline_samples),
            note=f"{entries} entries",
        )
    ]
