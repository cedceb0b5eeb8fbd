"""Committed entries survive SIGKILL at any moment, and the file stays sound.

Writer processes add entries through the service API and report each UUID
only after its commit returned; the test kills them at random moments, many
times, then checks that every reported entry is in the database.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sps_tracker.paths import backups_dir, database_path
from sps_tracker.services import Tracker
from sps_tracker.storage.backup import integrity_problems
from sps_tracker.storage.lock import FolderLock
from sps_tracker.storage.models import RECORD_TYPES, Fall, LabResult
from sps_tracker.storage.rotation import BackupPolicy, backup_files

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        sys.platform != "linux", reason="forks writer processes and kills them with SIGKILL"
    ),
]

UNLOCKED_KILLS = 200  # two writers at a time on one database
LOCKED_KILLS = 50  # one writer through the lock and the start/exit backups
TIME_BUDGET_S = 60.0  # per test; about 8 s each on an idle 2-core machine
WRITER_LIFETIME_S = 5.0
START = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)


def _write_entries(tracker: Tracker, report: int, rng: random.Random) -> None:
    """Add entries forever; after each commit returns, report its UUID (unbuffered)."""
    patient_id = tracker.list_patients()[0].patient.id
    deadline = time.monotonic() + WRITER_LIFETIME_S
    last_fall: int | None = None
    while time.monotonic() < deadline:
        choice = rng.random()
        when = START + timedelta(minutes=rng.randrange(500_000))
        if choice < 0.4:
            record = tracker.add_assessment(
                patient_id,
                assessed_at=when,
                source="patient",
                dsi=rng.sample(["legs", "arms", "face", "abdomen"], rng.randrange(5)),
                hss=["touch"] if rng.random() < 0.5 else [],
            )
        elif choice < 0.7:
            record = tracker.add(Fall, patient_id, occurred_at=when, trigger="touch")
            last_fall = record.id
        elif choice < 0.85:
            record = tracker.add(
                LabResult,
                patient_id,
                value=rng.uniform(1, 100),
                unit="IU/mL",
                taken_on=date.today(),
            )
        elif choice < 0.95 or last_fall is None:
            record = tracker.add_patient(display_name=f"Writer {rng.randrange(10**6)}")
        else:
            tracker.update(Fall, last_fall, injury=True, injury_description="bruise")
            continue
        os.write(report, f"{record.uuid}\n".encode())


def _unlocked_writer(folder: str, report_path: str, seed: int) -> None:
    report = os.open(report_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    tracker = Tracker.open(Path(folder), actor="writer")
    _write_entries(tracker, report, random.Random(seed))
    os._exit(0)


def _locked_writer(folder: str, report_path: str, seed: int) -> None:
    from sps_tracker.safety import writing_session

    report = os.open(report_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    policy = BackupPolicy(last=2, daily=1, weekly=1, monthly=1)
    with writing_session(Path(folder), actor="writer", policy=policy) as tracker:
        _write_entries(tracker, report, random.Random(seed))
    os._exit(0)


def _reported(path: Path) -> set[str]:
    """The UUIDs reported in one writer's file, or in every file of a folder."""
    if path.is_dir():
        return set().union(*(_reported(f) for f in path.iterdir()))
    if not path.exists():
        return set()
    # A line cut by the kill has no newline and was never a finished report.
    text = path.read_text()
    return {line for line in text.split("\n")[:-1] if line}


def _present(database: Path) -> set[str]:
    connection = sqlite3.connect(database)
    try:
        found: set[str] = set()
        for kind in RECORD_TYPES:
            found.update(r[0] for r in connection.execute(f"SELECT uuid FROM {kind.__tablename__}"))
        return found
    finally:
        connection.close()


def _seed_database(folder: Path) -> None:
    tracker = Tracker.open(folder, actor="setup")
    tracker.add_patient(display_name="Crash Test", birth_date=date(1970, 1, 1))
    tracker.close()
    # The same work once in this process on a scratch file: forked writers inherit the
    # configured mappers and caches, so they reach their first commit in milliseconds.
    scratch = Tracker.open(folder.parent / "warm-up", actor="setup")
    _write_entries_once(scratch)
    scratch.close()


def _write_entries_once(tracker: Tracker) -> None:
    patient = tracker.add_patient(display_name="Warm Up")
    tracker.list_patients()
    tracker.add_assessment(patient.id, assessed_at=START, source="patient", dsi=["legs"])
    fall = tracker.add(Fall, patient.id, occurred_at=START, trigger="touch")
    tracker.add(LabResult, patient.id, value=1.0, unit="IU/mL", taken_on=date.today())
    tracker.update(Fall, fall.id, injury=True, injury_description="bruise")


@dataclass
class KillTally:
    kills: int = 0
    # Kills of a writer that had already committed: the ones that cut into writing.
    mid_write: int = 0


def _kill_rounds(
    folder: Path, reports: Path, target: str, kills_wanted: int, writers: int, max_delay: float
) -> KillTally:
    """Start writers, kill each at a random moment, until ``kills_wanted`` kills.

    The window for the moment adapts to the machine: it widens while no writer
    gets to commit before its kill (a loaded machine) and narrows back after.
    """
    context = multiprocessing.get_context("fork")
    function = _unlocked_writer if target == "unlocked" else _locked_writer
    rng = random.Random(20261123)
    tally = KillTally()
    window = max_delay
    reports.mkdir(exist_ok=True)
    budget_end = time.monotonic() + TIME_BUDGET_S
    while tally.kills < kills_wanted:
        assert time.monotonic() < budget_end, f"only {tally.kills} kills within the time budget"
        files = [reports / f"writer-{tally.kills + n}.txt" for n in range(writers)]
        processes = [
            context.Process(target=function, args=(str(folder), str(f), rng.randrange(2**32)))
            for f in files
        ]
        started = time.monotonic()
        for process in processes:
            process.start()
        # Each writer dies at its own random moment after the round began.
        for moment, process in sorted((rng.uniform(0, window), p) for p in processes):
            time.sleep(max(0.0, started + moment - time.monotonic()))
            process.kill()
        for process in processes:
            process.join(timeout=10)
            # A writer that died by itself (an error, a lock) is a failure too.
            assert process.exitcode == -signal.SIGKILL, f"writer ended with {process.exitcode}"
            tally.kills += 1
        wrote = sum(1 for f in files if _reported(f))
        tally.mid_write += wrote
        window = min(window * 1.3, 2.0) if wrote == 0 else max(window / 1.3, max_delay)
    return tally


def _assert_everything_committed_is_there(folder: Path, report: Path) -> int:
    database = database_path(folder)
    assert integrity_problems(database) == []
    reported = _reported(report)
    missing = reported - _present(database)
    assert not missing, f"{len(missing)} committed entries lost"
    tracker = Tracker.open(folder)
    try:
        assert tracker.check() == []
    finally:
        tracker.close()
    return len(reported)


def test_kills_of_two_writers_lose_no_committed_entry(data_dir: Path, tmp_path: Path) -> None:
    _seed_database(data_dir)
    report = tmp_path / "committed"
    tally = _kill_rounds(data_dir, report, "unlocked", UNLOCKED_KILLS, writers=2, max_delay=0.1)
    assert tally.kills >= UNLOCKED_KILLS
    _assert_everything_committed_is_there(data_dir, report)
    # Many kills must cut into writing, not only land before the first commit.
    assert tally.mid_write >= tally.kills // 4


def test_kills_during_locked_sessions_and_backups(data_dir: Path, tmp_path: Path) -> None:
    _seed_database(data_dir)
    report = tmp_path / "committed"
    tally = _kill_rounds(data_dir, report, "locked", LOCKED_KILLS, writers=1, max_delay=0.25)
    assert tally.kills >= LOCKED_KILLS
    assert tally.mid_write >= tally.kills // 5, "too few writers got past their start backup"
    _assert_everything_committed_is_there(data_dir, report)
    # The lock of every killed writer vanished with it.
    FolderLock(data_dir).acquire().release()
    # Every finished backup is sound; a copy cut short never took a backup's name.
    backups = backup_files(backups_dir(data_dir))
    assert backups
    for backup in backups:
        assert integrity_problems(backup.path) == [], backup.path.name
