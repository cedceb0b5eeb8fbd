"""save: one assessment through Tracker.add_assessment, against a raw INSERT + COMMIT.

Each side writes to its own copy of the clinic database, so neither grows the
other's file or write-ahead log. A sample is the mean of a burst of saves, each
its own transaction, because one fsync-bound commit is too short to time alone.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.timing import Outcome, alternate, median

BUDGET = 3.0
SAVES_PER_SAMPLE = 20


def _copy(data: dict[str, Any], folder: Path) -> Path:
    from sps_tracker.paths import database_path

    folder.mkdir(parents=True)
    target = database_path(folder)
    source = sqlite3.connect(data["database"])
    copy = sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return target


def measure(manifest: dict[str, Any], scratch: Path, rounds: int, warmups: int) -> list[Outcome]:
    from sps_tracker.domain.scales import DSI, HSS
    from sps_tracker.services import Tracker
    from sps_tracker.storage.db import BUSY_TIMEOUT_MS

    data = manifest["clinic"]
    patient_id = data["patient_id"]
    _copy(data, scratch / "save-app")
    baseline_db = _copy(data, scratch / "save-baseline")
    tracker = Tracker.open(scratch / "save-app", actor="bench")
    connection = sqlite3.connect(baseline_db, isolation_level=None)
    for pragma in (
        "foreign_keys=ON",
        "journal_mode=WAL",
        "synchronous=FULL",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
    ):
        connection.execute(f"PRAGMA {pragma}")

    # Same rating on both sides: DSI trunk and legs, HSS noise; a minute apart, in the past.
    dsi = list(DSI.keys[:2])
    hss = list(HSS.keys[:1])
    items = {
        column: column in {DSI.column(k) for k in dsi} | {HSS.column(k) for k in hss}
        for column in (*DSI.columns, *HSS.columns)
    }
    columns = [
        "uuid", "created_at", "updated_at", "deleted_at", "patient_id", "notes",
        "assessed_at", "source", "rater", "walking_status", *items,
    ]  # fmt: skip
    insert = (
        f"INSERT INTO assessment ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    )
    start = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)
    counter = {"app": 0, "baseline": 0}

    def moment(side: str) -> datetime:
        counter[side] += 1
        return start - timedelta(minutes=counter[side])

    def app() -> float:
        started = time.perf_counter()
        for _ in range(SAVES_PER_SAMPLE):
            tracker.add_assessment(
                patient_id, assessed_at=moment("app"), source="patient", dsi=dsi, hss=hss
            )
        return (time.perf_counter() - started) / SAVES_PER_SAMPLE

    def baseline() -> float:
        started = time.perf_counter()
        for _ in range(SAVES_PER_SAMPLE):
            now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
            at = moment("baseline").replace(tzinfo=None).isoformat(" ", "microseconds")
            values = [str(uuid.uuid4()), now, now, None, patient_id, "", at, "patient", "", None]
            connection.execute("BEGIN")
            connection.execute(insert, [*values, *(int(v) for v in items.values())])
            connection.execute("COMMIT")
        return (time.perf_counter() - started) / SAVES_PER_SAMPLE

    try:
        app_samples, baseline_samples = alternate(app, baseline, rounds=rounds, warmups=warmups)
    finally:
        tracker.close()
        connection.close()
    return [
        Outcome(
            "save",
            BUDGET,
            median(app_samples),
            median(baseline_samples),
            note="per assessment, each its own commit",
        )
    ]
