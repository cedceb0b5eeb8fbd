"""Privacy on disk, logs without patient data, the audit log and its export."""

from __future__ import annotations

import csv
import json
import logging
import os
import stat
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sps_tracker.cli import run
from sps_tracker.exchange.audit_export import AUDIT_COLUMNS, export_audit_csv
from sps_tracker.paths import backups_dir, database_path
from sps_tracker.safety import backup_now, restore_database, writing_session
from sps_tracker.services import Tracker
from sps_tracker.storage.models import Fall, LabResult, Patient

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")

NAME = "Wilhelmina Quackenbush"
WHEN = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """A usual, permissive umask: privacy must not depend on a strict one."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@posix_only
def test_folder_database_wal_shm_and_backups_are_private(
    data_dir: Path, tmp_path: Path, usual_umask: None
) -> None:
    with writing_session(data_dir) as tracker:
        tracker.add_patient(display_name=NAME)
        files = {
            "folder": data_dir,
            "database": database_path(data_dir),
            "wal": Path(f"{database_path(data_dir)}-wal"),
            "shm": Path(f"{database_path(data_dir)}-shm"),
            "backups": backups_dir(data_dir),
            "lock": data_dir / "sps-tracker.lock",
        }
        for what, path in files.items():
            assert path.exists(), what
            assert mode(path) == (0o700 if path.is_dir() else 0o600), what
    for backup in backups_dir(data_dir).iterdir():
        assert mode(backup) == 0o600, backup.name
    copy = backup_now(data_dir, tmp_path / "copy.db")
    assert mode(copy) == 0o600
    restore_database(data_dir, copy)
    assert mode(database_path(data_dir)) == 0o600
    # A folder the person named for --out keeps its own permissions.
    outside = tmp_path / "Desktop"
    outside.mkdir(mode=0o755)
    outside.chmod(0o755)
    backup_now(data_dir, outside / "b.db")
    assert mode(outside) == 0o755


@posix_only
def test_a_loose_data_folder_is_tightened(data_dir: Path, usual_umask: None) -> None:
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    Tracker.open(data_dir).close()
    assert mode(data_dir) == 0o700
    assert mode(database_path(data_dir)) == 0o600


def test_logs_hold_no_patient_names_or_values(
    data_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with writing_session(data_dir, actor="Dr Someone") as tracker:
        patient = tracker.add_patient(
            display_name=NAME, clinic_identifier="MRN-998877", birth_date=date(1961, 7, 13)
        )
        lab = tracker.add(LabResult, patient.id, value=98765.4, unit="IU/mL", taken_on=date.today())
        tracker.update(LabResult, lab.id, value=45678.9)
        fall = tracker.add(
            Fall, patient.id, occurred_at=WHEN, trigger="other", trigger_other="Zebra crossing"
        )
        tracker.delete(Fall, fall.id)
        tracker.restore(Fall, fall.id)
    backup_now(data_dir, tmp_path / "b.db")
    restore_database(data_dir, tmp_path / "b.db")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records, "nothing was logged: the test would prove nothing"
    for secret in (NAME, "Wilhelmina", "MRN-998877", "1961-07-13", "98765", "45678", "Zebra"):
        assert secret not in text


def test_audit_trail_records_edit_delete_restore_with_who(data_dir: Path) -> None:
    tracker = Tracker.open(data_dir, actor="Dr Rater")
    patient = tracker.add_patient(display_name=NAME)
    fall = tracker.add(Fall, patient.id, occurred_at=WHEN, trigger="touch")
    tracker.update(Fall, fall.id, injury=True, injury_description="bruise")
    tracker.delete(Fall, fall.id)
    assert [r.uuid for r in tracker.deleted()] == [fall.uuid]
    assert tracker.records(Fall, patient.id) == []
    tracker.restore(Fall, fall.id)
    assert tracker.deleted() == [] and len(tracker.records(Fall, patient.id)) == 1
    trail = tracker.audit_trail(fall.uuid)
    tracker.close()
    assert [e.action for e in trail] == ["add", "edit", "delete", "restore"]
    assert {e.actor for e in trail} == {"Dr Rater"}
    edit = trail[1]
    assert json.loads(edit.old_values or "") == {"injury": False, "injury_description": ""}
    assert json.loads(edit.new_values or "") == {"injury": True, "injury_description": "bruise"}


def test_audit_log_export_writes_every_entry_including_deleted_records(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tracker = Tracker.open(data_dir, actor="Zoë")
    patient = tracker.add_patient(display_name=NAME, notes='a "quoted", multi\nline note')
    tracker.update(Patient, patient.id, antibody_status="positive")
    tracker.delete_patient(patient.id)
    entries = tracker.audit_trail()
    tracker.close()

    target = tmp_path / "audit.csv"
    assert export_audit_csv(entries, target) == 3
    with target.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert tuple(read[0]) == AUDIT_COLUMNS
    assert [r["action"] for r in read] == ["add", "edit", "delete"]
    assert {r["actor"] for r in read} == {"Zoë"}
    assert json.loads(read[0]["new_values"])["notes"] == 'a "quoted", multi\nline note'
    assert json.loads(read[1]["old_values"]) == {"antibody_status": "unknown"}
    assert read[2]["record_uuid"] == patient.uuid
    assert datetime.fromisoformat(read[0]["at"]).tzinfo is not None
    if sys.platform != "win32":
        assert mode(target) == 0o600

    assert run(["--data-dir", str(data_dir), "audit-log", str(tmp_path / "cli.csv")]) == 0
    assert "3 audit entries" in capsys.readouterr().out
    assert (tmp_path / "cli.csv").read_bytes() == target.read_bytes()


def test_audit_log_export_never_hands_a_formula_to_a_spreadsheet(
    data_dir: Path, tmp_path: Path
) -> None:
    actor = '=HYPERLINK("http://example.invalid","x")'
    tracker = Tracker.open(data_dir, actor=actor)
    tracker.add_patient(display_name=NAME)
    entries = tracker.audit_trail()
    tracker.close()
    target = tmp_path / "audit.csv"
    export_audit_csv(entries, target)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert read[0]["actor"] == "'" + actor
    for row in read:
        assert not any(cell[:1] in "=+-@\t\r" for cell in row.values() if cell)
