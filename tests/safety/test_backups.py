"""Automatic backups: taken at start and exit, checked, rotated; failures stay visible."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sps_tracker import safety
from sps_tracker.paths import backups_dir, database_path
from sps_tracker.safety import BackupPolicy, backup_status, list_backups, writing_session
from sps_tracker.services import Tracker
from sps_tracker.storage import rotation
from sps_tracker.storage.backup import (
    CheckAhead,
    content_mark,
    integrity_problems,
    parse_backup_name,
    timestamped_name,
)
from sps_tracker.storage.errors import DatabaseError
from sps_tracker.storage.models import Patient
from sps_tracker.storage.rotation import (
    BackupFile,
    automatic_backup,
    backup_files,
    newest_good,
    record_attempt,
    to_keep,
)

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def fake(folder: Path, at: datetime, reason: str = "start") -> BackupFile:
    return BackupFile(folder / timestamped_name(reason, at), at, reason)


def make_database(folder: Path, patients: int = 1) -> Path:
    tracker = Tracker.open(folder, actor="test")
    for n in range(patients):
        tracker.add_patient(display_name=f"Patient {n}", birth_date=date(1960, 1, 1))
    tracker.close()
    return database_path(folder)


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(backups_dir(folder).glob("*.db"))}


# -- names and rotation ---------------------------------------------------


def test_names_carry_time_and_reason_and_sort_by_time() -> None:
    name = timestamped_name("start", T0.replace(microsecond=42))
    assert parse_backup_name(name) == (T0.replace(microsecond=42), "start")
    assert parse_backup_name("sps-tracker-20261123T120000Z-before-upgrade-from-0001.db") == (
        T0,
        "before-upgrade-from-0001",
    )
    for other in ("notes.txt", name + ".partial", "sps-tracker.db"):
        assert parse_backup_name(other) is None


def test_rotation_keeps_last_daily_weekly_monthly(tmp_path: Path) -> None:
    # One backup every 6 hours for 400 days.
    backups = [fake(tmp_path, T0 - timedelta(hours=6 * i)) for i in range(4 * 400)]
    policy = BackupPolicy(last=3, daily=7, weekly=8, monthly=12)
    keep = to_keep(backups, policy)
    kept = sorted((b for b in backups if b.path in keep), key=lambda b: b.taken_at)
    days = {b.taken_at.date() for b in kept}
    months = {b.taken_at.strftime("%Y-%m") for b in kept}
    assert all(b.path in keep for b in backups[:3])
    assert {T0.date() - timedelta(days=d) for d in range(7)} <= days
    assert len(months) == 12
    assert len(kept) <= 3 + 7 + 8 + 12
    # Older than a year (12 months) is gone.
    assert kept[0].taken_at > T0 - timedelta(days=370)


def test_backups_by_hand_and_before_upgrades_are_never_rotated_out(tmp_path: Path) -> None:
    manual = fake(tmp_path, T0 - timedelta(days=900), "manual")
    upgrade = fake(tmp_path, T0 - timedelta(days=800), "before-upgrade-from-0001_baseline")
    automatic = [fake(tmp_path, T0 - timedelta(days=i)) for i in range(100)]
    kept = to_keep(
        [manual, upgrade, *automatic], BackupPolicy(last=1, daily=1, weekly=0, monthly=0)
    )
    assert kept == {automatic[0].path}  # to_keep speaks of automatic ones only
    for path in (manual.path, upgrade.path, *(a.path for a in automatic)):
        path.write_bytes(b"x")
    rotation.prune(tmp_path, BackupPolicy(last=1, daily=1, weekly=0, monthly=0))
    assert manual.path.exists() and upgrade.path.exists()
    assert [p for p in tmp_path.iterdir() if p.name.endswith("-start.db")] == [automatic[0].path]


@given(
    ages=st.lists(st.integers(min_value=0, max_value=2000 * 24), min_size=1, max_size=80),
    last=st.integers(0, 5),
    daily=st.integers(0, 10),
    weekly=st.integers(0, 10),
    monthly=st.integers(0, 15),
)
def test_rotation_always_keeps_the_newest_and_stays_bounded(
    ages: list[int], last: int, daily: int, weekly: int, monthly: int
) -> None:
    if last + daily + weekly + monthly == 0:
        last = 1
    folder = Path("/nonexistent")
    backups = [fake(folder, T0 - timedelta(hours=h, microseconds=i)) for i, h in enumerate(ages)]
    policy = BackupPolicy(last=last, daily=daily, weekly=weekly, monthly=monthly)
    kept = to_keep(backups, policy)
    newest = max(backups, key=lambda b: b.taken_at)
    assert newest.path in kept
    assert len(kept) <= max(last, 1) + daily + weekly + monthly
    # Each of the newest `daily` distinct days keeps one backup.
    days = sorted({b.taken_at.date() for b in backups}, reverse=True)[:daily]
    kept_days = {b.taken_at.date() for b in backups if b.path in kept}
    assert set(days) <= kept_days


def test_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="daily"):
        BackupPolicy(daily=-1)
    with pytest.raises(ValueError, match="at least one"):
        BackupPolicy(last=0, daily=0, weekly=0, monthly=0)


# -- automatic backups in a writing session --------------------------------


def test_session_backs_up_at_start_and_clean_exit(data_dir: Path) -> None:
    make_database(data_dir)
    with writing_session(data_dir, actor="test") as tracker:
        reasons = [b.reason for b in backup_files(backups_dir(data_dir))]
        assert reasons == ["start"]
        tracker.add_patient(display_name="Added in session")
    newest = list_backups(data_dir)[0]
    assert newest.reason == "exit"
    assert newest.record_counts["patient"] == 2
    assert integrity_problems(newest.path) == []
    status = backup_status(data_dir)
    assert status.ok and status.warning == "" and status.last_good_path == newest.path


def test_a_session_that_writes_nothing_takes_no_second_copy(data_dir: Path) -> None:
    make_database(data_dir)
    with writing_session(data_dir):
        pass
    assert [b.reason for b in backup_files(backups_dir(data_dir))] == ["start"]
    assert backup_status(data_dir).ok
    # A window closed before its deferred start backup ran: the newest copy is current.
    session = safety.WritingSession(data_dir)
    session.open(defer_start_backup=True)
    session.close()
    assert [b.reason for b in backup_files(backups_dir(data_dir))] == ["start"]
    # One edit and the exit backup is taken again, holding the edit.
    with writing_session(data_dir) as tracker:
        patient = tracker.list_patients()[0].patient
        tracker.update_patient(patient.id, display_name="Renamed")
    newest = newest_good(backup_files(backups_dir(data_dir)))
    assert newest is not None and newest.reason == "exit"
    copy = sqlite3.connect(newest.path)
    assert copy.execute("SELECT display_name FROM patient").fetchall() == [("Renamed",)]
    copy.close()


def test_every_kind_of_write_changes_the_content_mark(data_dir: Path) -> None:
    database = make_database(data_dir)
    tracker = Tracker.open(data_dir, actor="test")
    marks = [content_mark(database)]
    patient = tracker.add_patient(display_name="Marked", birth_date=date(1970, 1, 1))
    marks.append(content_mark(database))
    tracker.update_patient(patient.id, display_name="Marked again")
    marks.append(content_mark(database))
    tracker.delete_patient(patient.id)
    marks.append(content_mark(database))
    tracker.restore_patient(patient.id)
    marks.append(content_mark(database))
    tracker.close()
    assert None not in marks and len(set(marks)) == len(marks)
    assert content_mark(data_dir / "missing.db") is None


def test_after_a_failed_backup_an_unchanged_session_tries_again(data_dir: Path) -> None:
    make_database(data_dir)
    with writing_session(data_dir):
        pass
    record_attempt(backups_dir(data_dir), False, "Backup failed: disk full")
    session = safety.WritingSession(data_dir)
    session.open(defer_start_backup=True)
    session.close()
    assert sorted(b.reason for b in backup_files(backups_dir(data_dir))) == ["exit", "start"]
    assert backup_status(data_dir).ok


def test_a_session_ended_by_an_error_takes_no_exit_backup(data_dir: Path) -> None:
    make_database(data_dir)
    with pytest.raises(RuntimeError), writing_session(data_dir):
        raise RuntimeError("boom")
    assert [b.reason for b in backup_files(backups_dir(data_dir))] == ["start"]


def test_a_new_database_is_backed_up_at_once(data_dir: Path) -> None:
    with writing_session(data_dir):
        assert [b.reason for b in backup_files(backups_dir(data_dir))] == ["start"]
        assert backup_status(data_dir).ok


def pretend_a_later_schema(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Make the app one revision ahead of the file; record the backups present at upgrade."""
    seen: list[list[str]] = []

    def fake_upgrade(database: object, revision: str) -> None:
        seen.append([b.reason for b in backup_files(backups_dir(data_dir))])

    import sps_tracker.storage.db as db
    import sps_tracker.storage.migrate as migrate

    monkeypatch.setattr(db, "SCHEMA_HEAD", "9999_later")
    monkeypatch.setattr(db, "SCHEMA_REVISIONS", ("0001_baseline", "9999_later"))
    monkeypatch.setattr(safety, "SCHEMA_HEAD", "9999_later")
    monkeypatch.setattr(migrate, "upgrade_with_backup", fake_upgrade)
    return seen


def test_start_backup_comes_before_an_upgrade(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_database(data_dir)
    seen = pretend_a_later_schema(data_dir, monkeypatch)
    with writing_session(data_dir):
        pass
    assert seen == [["start"]]


def test_a_deferred_start_backup_is_taken_once_later(data_dir: Path) -> None:
    make_database(data_dir)
    session = safety.WritingSession(data_dir)
    session.open(defer_start_backup=True)
    assert backup_files(backups_dir(data_dir)) == []  # the window can paint first
    assert session.start_backup() is not None
    assert session.start_backup() is None
    assert [b.reason for b in backup_files(backups_dir(data_dir))] == ["start"]
    session.close()


def test_an_upgrade_is_backed_up_first_even_when_the_start_backup_may_wait(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_database(data_dir)
    seen = pretend_a_later_schema(data_dir, monkeypatch)
    session = safety.WritingSession(data_dir)
    session.open(defer_start_backup=True)
    assert seen == [["start"]]
    assert session.start_backup() is None
    session.close()


def test_a_failed_copy_is_discarded_and_pushes_nothing_out(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = make_database(data_dir)
    policy = BackupPolicy(last=1, daily=1, weekly=0, monthly=0)
    good = automatic_backup(database, backups_dir(data_dir), "start", policy)
    before = files(data_dir)

    real = rotation.backup_to.__globals__["integrity_problems"]

    def copy_fails(path: Path) -> list[str]:
        return ["page 3 is never used"] if path.name.endswith(".partial") else real(path)

    monkeypatch.setitem(rotation.backup_to.__globals__, "integrity_problems", copy_fails)
    with pytest.raises(DatabaseError, match="failed its check"):
        automatic_backup(database, backups_dir(data_dir), "exit", policy)
    assert files(data_dir) == before and good.exists()
    assert not list(backups_dir(data_dir).glob("*.partial"))
    status = backup_status(data_dir)
    assert status.failing and "failed its check" in status.warning
    assert status.last_good_path == good
    # The warning stays until a backup succeeds, then goes.
    monkeypatch.undo()
    automatic_backup(database, backups_dir(data_dir), "exit", policy)
    assert backup_status(data_dir).ok


def test_a_damaged_database_is_not_backed_up_over_good_copies(data_dir: Path) -> None:
    database = make_database(data_dir, patients=30)
    policy = BackupPolicy(last=1, daily=1, weekly=0, monthly=0)
    good = automatic_backup(database, backups_dir(data_dir), "start", policy)
    before = files(data_dir)
    corrupt_page(database, page=3)
    with pytest.raises(DatabaseError, match="not backed up"):
        automatic_backup(database, backups_dir(data_dir), "exit", policy)
    assert files(data_dir) == before and good.exists()
    assert backup_status(data_dir).failing


def test_a_file_that_is_not_a_database_is_not_backed_up(data_dir: Path) -> None:
    database = make_database(data_dir)
    policy = BackupPolicy(last=1, daily=1, weekly=0, monthly=0)
    good = automatic_backup(database, backups_dir(data_dir), "start", policy)
    before = files(data_dir)
    for companion in (database.with_name(database.name + s) for s in ("-wal", "-shm")):
        companion.unlink(missing_ok=True)
    database.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseError, match="not backed up"):
        automatic_backup(database, backups_dir(data_dir), "exit", policy)
    assert files(data_dir) == before and good.exists()
    assert not list(backups_dir(data_dir).glob("*.partial"))


def test_a_sound_backup_checks_the_copy_once_and_not_the_database_before(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The copy holds the database's pages as they are: checking both would double the cost.
    database = make_database(data_dir)
    checked: list[str] = []
    real = rotation.backup_to.__globals__["integrity_problems"]

    def counting(path: Path) -> list[str]:
        checked.append(path.name)
        return real(path)

    monkeypatch.setitem(rotation.backup_to.__globals__, "integrity_problems", counting)
    monkeypatch.setattr(rotation, "integrity_problems", counting)
    policy = BackupPolicy(last=1, daily=1, weekly=0, monthly=0)
    target = automatic_backup(database, backups_dir(data_dir), "exit", policy)
    assert checked == [target.name + ".partial"]


def test_session_keeps_working_when_backups_fail(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_database(data_dir)
    monkeypatch.setattr(
        rotation, "backup_to", lambda *_: (_ for _ in ()).throw(OSError(28, "No space left"))
    )
    with writing_session(data_dir) as tracker:
        tracker.add_patient(display_name="Still saved")
        status = safety.backup_status(data_dir)
        assert status.failing and "No space left" in status.warning
    tracker = Tracker.open(data_dir)
    assert tracker.count(Patient) == 2
    tracker.close()


def test_overdue_when_the_newest_backup_is_old(data_dir: Path) -> None:
    make_database(data_dir)
    assert backup_status(data_dir).overdue  # a database and no backup at all
    automatic_backup(database_path(data_dir), backups_dir(data_dir), "start", BackupPolicy())
    now = datetime.now(UTC)
    assert not backup_status(data_dir, now=now).overdue
    later = backup_status(data_dir, now=now + timedelta(days=3))
    assert later.overdue and "overdue" in later.warning
    assert backup_status(
        data_dir, BackupPolicy(overdue_after=timedelta(days=5)), now=now + timedelta(days=3)
    ).ok


def test_backup_if_due(data_dir: Path) -> None:
    session = safety.WritingSession(data_dir, policy=BackupPolicy(due_after=timedelta(hours=1)))
    session.open()
    try:
        assert session.backup_if_due() is None  # the start backup is fresh
        session.policy = BackupPolicy(due_after=timedelta(0))
        scheduled = session.backup_if_due()
        assert scheduled is not None and "scheduled" in scheduled.name
    finally:
        session.close()


def test_list_backups_reports_counts_and_problems(data_dir: Path) -> None:
    database = make_database(data_dir, patients=2)
    automatic_backup(database, backups_dir(data_dir), "start", BackupPolicy())
    broken = backups_dir(data_dir) / timestamped_name("manual", T0)
    broken.write_bytes(b"not a database at all")
    listed = list_backups(data_dir, check=True)
    assert [b.reason for b in listed] == ["start", "manual"]
    assert listed[0].record_counts == {
        "patient": 2,
        "assessment": 0,
        "fall": 0,
        "infusion": 0,
        "medication": 0,
        "lab": 0,
    }
    assert listed[0].problem == "" and listed[0].schema_revision == "0001_baseline"
    assert "not an SQLite file" in listed[1].problem


def corrupt_page(database: Path, page: int) -> None:
    """Overwrite one page of a database with garbage (after checkpointing its WAL)."""
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with database.open("r+b") as handle:
        handle.seek(page_size * (page - 1))
        handle.write(b"\xa5" * page_size)


def test_a_session_loads_neither_qt_nor_alembic(data_dir: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from sps_tracker.safety import writing_session\n"
        f"with writing_session(Path({str(data_dir)!r})) as t: t.add_patient(display_name='X')\n"
        "with writing_session(Path({!r})): pass\n".format(str(data_dir))
        + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'alembic')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- the integrity check made ahead, while the window's code loads -------------


def test_a_check_ahead_finds_what_the_check_finds(data_dir: Path) -> None:
    database = make_database(data_dir, patients=30)
    assert CheckAhead(database).result() == [] == integrity_problems(database)
    corrupt_page(database, page=3)
    found = CheckAhead(database).result()
    assert found and found == integrity_problems(database)


def test_a_check_ahead_of_a_file_that_changed_since_is_not_used(data_dir: Path) -> None:
    database = make_database(data_dir)
    ahead = CheckAhead(database)
    tracker = Tracker.open(data_dir, actor="test")
    tracker.add_patient(display_name="Written meanwhile")
    tracker.close()
    assert ahead.result() is None


def test_a_session_uses_the_check_made_ahead_and_checks_once(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sps_tracker.storage.backup as backup

    database = make_database(data_dir)
    ahead = CheckAhead(database)
    assert ahead.result() == []
    checked: list[str] = []
    monkeypatch.setattr(backup, "integrity_problems", lambda path: checked.append(path) or [])
    session = safety.WritingSession(data_dir)
    session.open(defer_start_backup=True, ahead=ahead)
    session.close(clean=False)
    assert checked == []


def test_a_session_refuses_a_database_the_check_ahead_found_damaged(data_dir: Path) -> None:
    database = make_database(data_dir, patients=30)
    corrupt_page(database, page=3)
    before = database.read_bytes()
    ahead = CheckAhead(database)
    session = safety.WritingSession(data_dir)
    with pytest.raises(DatabaseError, match="is damaged"):
        session.open(defer_start_backup=True, ahead=ahead)
    assert database.read_bytes() == before
    assert not session._lock.held
