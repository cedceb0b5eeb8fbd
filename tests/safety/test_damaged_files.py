"""Corrupt, truncated, foreign or newer files are refused and never modified."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sps_tracker.cli import run
from sps_tracker.paths import database_path
from sps_tracker.safety import WritingSession, backup_now
from sps_tracker.services import Tracker
from sps_tracker.storage.db import Database, check_database_file
from sps_tracker.storage.errors import DatabaseError

from .test_backups import corrupt_page


def sound_database(folder: Path, patients: int = 40) -> Path:
    tracker = Tracker.open(folder, actor="test")
    for n in range(patients):
        tracker.add_patient(
            display_name=f"Patient {n}", notes="x" * 200, birth_date=date(1960, 1, 1)
        )
    tracker.close()
    path = database_path(folder)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path


def corrupt(folder: Path) -> None:
    corrupt_page(sound_database(folder), page=4)


def truncated(folder: Path) -> None:
    path = sound_database(folder)
    os.truncate(path, path.stat().st_size // 2)


def truncated_to_nothing(folder: Path) -> None:
    path = sound_database(folder)
    os.truncate(path, 0)


def header_only(folder: Path) -> None:
    path = sound_database(folder)
    os.truncate(path, 10)


def not_sqlite(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    database_path(folder).write_text("name;dsi\nAnn;3\n", encoding="utf-8")


def foreign_sqlite(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(database_path(folder))
    connection.execute("CREATE TABLE shopping (item TEXT)")
    connection.execute("INSERT INTO shopping VALUES ('bread')")
    connection.commit()
    connection.close()


def newer_schema(folder: Path) -> None:
    path = sound_database(folder)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "corrupt": (corrupt, "is damaged"),
    "truncated": (truncated, "is damaged"),
    "truncated to nothing": (truncated_to_nothing, "not an SQLite file"),
    "header only": (header_only, "not an SQLite file"),
    "not sqlite": (not_sqlite, "not an SQLite file"),
    "foreign sqlite": (foreign_sqlite, "not an SPS Tracker database"),
    "newer schema": (newer_schema, "newer version of SPS Tracker"),
}


def snapshot(path: Path) -> tuple[bytes, int, int]:
    stat = path.stat()
    return path.read_bytes(), stat.st_mtime_ns, stat.st_mode


@pytest.fixture(params=sorted(DAMAGES))
def damaged(request: pytest.FixtureRequest, data_dir: Path) -> tuple[Path, str]:
    make, words = DAMAGES[request.param]
    make(data_dir)
    return database_path(data_dir), words


def _writing_session(folder: Path) -> None:
    WritingSession(folder).open()


OPENERS: dict[str, Callable[[Path], object]] = {
    "Database.open": lambda folder: Database.open(database_path(folder)),
    "Tracker.open": lambda folder: Tracker.open(folder),
    "WritingSession.open": _writing_session,
    "backup_now": lambda folder: backup_now(folder),
}


@pytest.mark.parametrize("opener", sorted(OPENERS))
def test_opening_refuses_and_leaves_the_file_alone(
    damaged: tuple[Path, str], opener: str, data_dir: Path
) -> None:
    path, words = damaged
    before = snapshot(path)
    with pytest.raises(DatabaseError, match=words) as refused:
        OPENERS[opener](data_dir)
    assert "not changed" in str(refused.value)
    assert snapshot(path) == before
    # Nothing was backed up from it either.
    assert not list((data_dir / "backups").glob("*.db"))


CLI_COMMANDS = (
    ("check",),
    ("patients",),
    ("demo", "--patients", "1", "--years", "0.2"),
    ("backup",),
    ("audit-log", "audit.csv"),
)


@pytest.mark.parametrize("command", CLI_COMMANDS, ids=lambda c: c[0])
def test_cli_exits_1_with_the_same_words(
    damaged: tuple[Path, str],
    command: tuple[str, ...],
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = damaged
    before = snapshot(path)
    with pytest.raises(DatabaseError) as refused:
        check_database_file(path)
    monkeypatch.chdir(tmp_path)
    assert run(["--data-dir", str(data_dir), *command]) == 1
    assert str(refused.value) in capsys.readouterr().err
    assert snapshot(path) == before
    assert not (tmp_path / "audit.csv").exists()
