"""Backup and restore by hand: the file is checked, the current database kept, then replaced."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sps_tracker import safety
from sps_tracker.cli import run
from sps_tracker.paths import backups_dir, database_path
from sps_tracker.safety import RestoreRefusedError, WritingSession, backup_now, restore_database
from sps_tracker.services import Tracker
from sps_tracker.storage.backup import integrity_problems, record_counts
from sps_tracker.storage.errors import DatabaseError
from sps_tracker.storage.models import Assessment, Fall, Patient

from .test_backups import corrupt_page
from .test_damaged_files import DAMAGES

WHEN = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


def fill(folder: Path, name: str = "Ann Example") -> dict[str, int]:
    tracker = Tracker.open(folder, actor="Dr Rater")
    patient = tracker.add_patient(display_name=name, birth_date=date(1970, 5, 1))
    tracker.add_assessment(patient.id, assessed_at=WHEN, source="clinician", dsi=["legs"])
    fall = tracker.add(Fall, patient.id, occurred_at=WHEN, trigger="touch")
    tracker.delete(Fall, fall.id)
    tracker.close()
    return record_counts(database_path(folder))


def everything(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {t: connection.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    finally:
        connection.close()


def test_backup_wreck_refuse_restore(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's walk-through: backup, wreck the file, refused, restore, all records back."""
    fill(data_dir)
    copy = tmp_path / "by-hand.db"
    assert run(["--data-dir", str(data_dir), "backup", "--out", str(copy)]) == 0
    assert f"Backed up to {copy}" in capsys.readouterr().out
    saved = everything(copy)
    assert saved["patient"] and saved["audit_entry"]

    corrupt_page(database_path(data_dir), page=2)
    wrecked = database_path(data_dir).read_bytes()
    assert run(["--data-dir", str(data_dir), "patients"]) == 1
    assert "is damaged" in capsys.readouterr().err

    assert run(["--data-dir", str(data_dir), "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "Restored from" in out and "patient: 1" in out and "kept at" in out
    assert everything(database_path(data_dir)) == saved
    assert run(["--data-dir", str(data_dir), "check"]) == 0
    # The wrecked file was moved aside, byte for byte, not deleted.
    (aside,) = data_dir.glob("replaced-*/sps-tracker.db")
    assert aside.read_bytes() == wrecked


def test_restore_keeps_a_backup_of_the_sound_database_it_replaces(
    data_dir: Path, tmp_path: Path
) -> None:
    fill(data_dir, "Old One")
    copy = backup_now(data_dir, tmp_path / "old.db")
    tracker = Tracker.open(data_dir)
    tracker.add_patient(display_name="Added after the backup")
    tracker.close()
    current = everything(database_path(data_dir))

    report = restore_database(data_dir, copy)
    assert report.record_counts["patient"] == 1 and report.upgraded_from is None
    assert report.previous_kept_at is not None
    assert report.previous_kept_at.parent == backups_dir(data_dir)
    assert "before-restore" in report.previous_kept_at.name
    assert everything(report.previous_kept_at) == current
    assert integrity_problems(database_path(data_dir)) == []


def test_a_stale_wal_is_not_replayed_into_the_restored_file(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    fill(source)
    copy = backup_now(source, tmp_path / "copy.db")
    # A database whose last writer died with committed pages still in its -wal.
    live = tmp_path / "live"
    fill(live, "Only In The Wal")
    connection = sqlite3.connect(database_path(live))
    connection.execute("PRAGMA wal_autocheckpoint=0")
    connection.execute("UPDATE patient SET notes = 'in the wal only'")
    connection.commit()
    data_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{database_path(live)}{suffix}", f"{database_path(data_dir)}{suffix}")
    connection.close()
    assert Path(f"{database_path(data_dir)}-wal").stat().st_size > 0

    report = restore_database(data_dir, copy)
    assert everything(database_path(data_dir)) == everything(copy)
    assert not Path(f"{database_path(data_dir)}-wal").exists()
    # The replaced database's backup holds what was in its -wal.
    assert report.previous_kept_at is not None
    kept = everything(report.previous_kept_at)["patient"]
    assert any("in the wal only" in row for row in kept)


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_bad_file_is_refused_and_nothing_changes(
    data_dir: Path, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    before = database_path(data_dir).read_bytes()
    make, words = DAMAGES[damage]
    make(tmp_path / "bad")
    bad = database_path(tmp_path / "bad")
    bad_before = bad.read_bytes()
    with pytest.raises(RestoreRefusedError, match=words) as refused:
        restore_database(data_dir, bad)
    assert str(refused.value).startswith("Nothing was restored")
    assert database_path(data_dir).read_bytes() == before
    assert bad.read_bytes() == bad_before
    assert not list(backups_dir(data_dir).glob("*before-restore*"))
    assert run(["--data-dir", str(data_dir), "restore", str(bad)]) == 1
    assert str(refused.value) in capsys.readouterr().err


def test_a_missing_file_or_the_database_itself_is_refused(data_dir: Path, tmp_path: Path) -> None:
    fill(data_dir)
    with pytest.raises(RestoreRefusedError, match="does not exist"):
        restore_database(data_dir, tmp_path / "nowhere.db")
    with pytest.raises(RestoreRefusedError, match="the database itself"):
        restore_database(data_dir, database_path(data_dir))


def test_an_older_schema_is_upgraded_on_restore(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sps_tracker.storage.db as db

    fill(tmp_path / "old")
    old = backup_now(tmp_path / "old", tmp_path / "old.db")
    fill(data_dir, "Current")
    upgraded: list[Path] = []
    real = safety._upgrade_copy

    def recording_upgrade(path: Path) -> None:
        upgraded.append(path)
        real(path)

    # Pretend the running version is one revision ahead of the file.
    monkeypatch.setattr(safety, "SCHEMA_HEAD", "0002_later")
    monkeypatch.setattr(db, "SCHEMA_REVISIONS", ("0001_baseline", "0002_later"))
    monkeypatch.setattr(safety, "_upgrade_copy", recording_upgrade)
    report = restore_database(data_dir, old)
    assert report.upgraded_from == "0001_baseline"
    assert upgraded and upgraded[0].name.endswith(".restoring")
    assert not upgraded[0].exists()  # the staging copy became the database
    assert everything(database_path(data_dir)) == everything(old)


def test_the_gui_restores_within_its_session(data_dir: Path, tmp_path: Path) -> None:
    fill(data_dir)
    copy = backup_now(data_dir, tmp_path / "copy.db")
    session = WritingSession(data_dir, actor="Dr Rater")
    tracker = session.open()
    tracker.add_patient(display_name="Second")
    report = session.restore(copy)
    assert report.record_counts["patient"] == 1
    assert session.tracker.count(Patient) == 1
    assert session.tracker.count(Assessment) == 1
    session.tracker.add_patient(display_name="After restore")
    session.close()
    assert record_counts(database_path(data_dir))["patient"] == 2
    # A refused restore leaves the session working on the same database.
    session.open()
    with pytest.raises(DatabaseError):
        session.restore(tmp_path / "nowhere.db")
    assert session.tracker.count(Patient) == 2
    session.close()


def test_backup_refuses_to_overwrite_and_needs_a_database(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database"):
        backup_now(data_dir)
    fill(data_dir)
    taken = tmp_path / "taken.db"
    taken.write_text("mine")
    with pytest.raises(DatabaseError, match="already exists"):
        backup_now(data_dir, taken)
    assert taken.read_text() == "mine"
    inside = backup_now(data_dir)
    assert inside.parent == backups_dir(data_dir) and "manual" in inside.name


def test_cli_backup_and_restore_end_to_end(data_dir: Path, tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sps_tracker", "--data-dir", str(data_dir), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    fill(data_dir)
    assert cli("backup", "--out", str(tmp_path / "b.db")).returncode == 0
    database_path(data_dir).write_bytes(b"wrecked by hand")
    refused = cli("check")
    assert refused.returncode == 1 and "not an SQLite file" in refused.stderr
    restored = cli("restore", str(tmp_path / "b.db"))
    assert restored.returncode == 0, restored.stderr
    listed = cli("backups")
    assert "manual" not in listed.stdout  # --out went elsewhere
    assert cli("check").returncode == 0
