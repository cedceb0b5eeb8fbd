"""Copies of the database made with SQLite's online backup API, checked after writing."""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sps_tracker.storage.errors import DatabaseError

log = logging.getLogger(__name__)


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


def backup_to(source: Path, target: Path) -> Path:
    """Copy a live database to ``target`` and check the copy; a bad copy is removed."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(target.name + ".partial")
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
    problems = integrity_problems(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise DatabaseError("The backup failed its check and was discarded: " + problems[0])
    if os.name == "posix":
        partial.chmod(0o600)
    os.replace(partial, target)
    log.info("backup written")
    return target


def timestamped_name(reason: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"sps-tracker-{stamp}-{reason}.db"
