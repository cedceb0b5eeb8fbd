"""Copies of the database made with SQLite's online backup API, checked after writing."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from sps_tracker.storage.errors import DatabaseError

log = logging.getLogger(__name__)


class CopyFailedError(DatabaseError):
    """The copy could not be made or failed its check; it was discarded."""


def integrity_problems(path: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` and ``foreign_key_check`` report; empty when sound."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
            problems = [] if rows == ["ok"] else rows
            for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check"):
                problems.append(f"{table} row {rowid} points to a missing {parent}")
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    return problems


def _file_state(path: Path) -> tuple[tuple[int, int, int] | None, ...]:
    """Size, change time and inode of a database and its WAL: any write changes one.

    An empty WAL counts as none: a reader may create one, and it holds nothing.
    """
    state: list[tuple[int, int, int] | None] = []
    for file in (path, path.with_name(path.name + "-wal")):
        try:
            found = file.stat()
        except FileNotFoundError:
            state.append(None)
        else:
            empty = found.st_size == 0 and file != path
            state.append(None if empty else (found.st_size, found.st_mtime_ns, found.st_ino))
    return tuple(state)


class CheckAhead:
    """``integrity_problems`` of a database file, run on another thread meanwhile.

    SQLite works without holding Python's lock, so the check runs while the caller
    loads the rest of the program; ``result()`` gives it only if the file is unchanged.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._before = _file_state(path)
        self._problems: list[str] = []
        self._thread = threading.Thread(target=self._run, name="integrity-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._problems = integrity_problems(self.path)

    def result(self) -> list[str] | None:
        """The problems found, or None when the file changed meanwhile (check it again)."""
        self._thread.join()
        if self._before[0] is None or _file_state(self.path) != self._before:
            return None
        return self._problems


def backup_to(source: Path, target: Path) -> Path:
    """Copy a live database to ``target`` and check the copy; a bad copy is removed."""
    # Only a folder made here is made private: --out may name the person's Desktop.
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(target.name + ".partial")
    # Created private before SQLite writes a byte (its journal copies this mode).
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # A single file is easier to keep than one with a -wal beside it.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise CopyFailedError(f"The backup could not be made and was discarded: {error}") from error
    # The backup API copies pages as they are, so this also checks the database copied.
    problems = integrity_problems(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise CopyFailedError("The backup failed its check and was discarded: " + problems[0])
    if os.name == "posix":
        partial.chmod(0o600)
    os.replace(partial, target)
    sync_folder(target.parent)
    log.info("backup written")
    return target


def content_mark(path: Path) -> tuple[object, ...] | None:
    """What changes whenever the app writes to the database at ``path``; None if unreadable.

    Every add, edit, delete, restore and import appends an audit row and an upgrade
    changes the schema revision, so two files with the same mark hold the same records.
    """
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            count = connection.execute("SELECT count(*) FROM audit_entry").fetchone()
            newest = connection.execute(
                "SELECT id, at, action, record_uuid FROM audit_entry ORDER BY id DESC LIMIT 1"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return (tuple(revision), count, newest)


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable across a power cut (POSIX only)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


BACKUP_NAME = re.compile(
    r"^sps-tracker-(?P<stamp>\d{8}T\d{6})(?:\.(?P<micro>\d{6}))?Z-(?P<reason>[a-z0-9_.-]+)\.db$"
)


def timestamped_name(reason: str, now: datetime | None = None) -> str:
    """``sps-tracker-20261123T160245.123456Z-start.db``: sorts by time, parsed back by name."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")
    return f"sps-tracker-{stamp}-{reason}.db"


def parse_backup_name(name: str) -> tuple[datetime, str] | None:
    """When a backup was taken and why, from its file name; None for other files."""
    match = BACKUP_NAME.match(name)
    if match is None:
        return None
    taken = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    if match["micro"]:
        taken = taken.replace(microsecond=int(match["micro"]))
    return taken, match["reason"]


def record_counts(path: Path) -> dict[str, int]:
    """Live (not deleted) records of each kind in a database file, read without changing it."""
    from sps_tracker.storage.models import RECORD_TYPES

    counts: dict[str, int] = {}
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for kind in RECORD_TYPES:
            row = connection.execute(
                f"SELECT count(*) FROM {kind.__tablename__} WHERE deleted_at IS NULL"
            ).fetchone()
            counts[kind.kind] = int(row[0])
    finally:
        connection.close()
    return counts
