"""Automatic backups that rotate: the last few, then one a day, a week, a month.

A backup only ever joins the rotation after it passed its check, and only then
are older copies pruned: a failed backup can never push a good one out. Each
attempt is noted in ``backups/last-attempt.json`` so a failure stays visible
until a later backup succeeds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sps_tracker.storage.backup import (
    CopyFailedError,
    backup_to,
    integrity_problems,
    parse_backup_name,
    sync_folder,
    timestamped_name,
)
from sps_tracker.storage.errors import DamagedDatabaseError, DatabaseError

log = logging.getLogger(__name__)

# Backups the app makes by itself; the rest (by hand, before an upgrade or a
# restore) stay until the person removes them.
AUTOMATIC_REASONS = frozenset({"start", "exit", "scheduled"})
ATTEMPT_FILENAME = "last-attempt.json"
STRAY_AFTER = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class BackupPolicy:
    """How many automatic backups to keep, and when the newest one counts as overdue."""

    last: int = 3
    daily: int = 7
    weekly: int = 8
    monthly: int = 12
    overdue_after: timedelta = timedelta(hours=48)
    # A running app takes a "scheduled" backup once the newest is this old.
    due_after: timedelta = timedelta(hours=24)

    def __post_init__(self) -> None:
        for name in ("last", "daily", "weekly", "monthly"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more")
        if self.last + self.daily + self.weekly + self.monthly < 1:
            raise ValueError("the policy must keep at least one backup")


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    taken_at: datetime
    reason: str

    @property
    def automatic(self) -> bool:
        return self.reason in AUTOMATIC_REASONS


@dataclass(frozen=True, slots=True)
class Attempt:
    """The outcome of the latest backup attempt."""

    at: datetime
    ok: bool
    message: str


def backup_files(folder: Path) -> list[BackupFile]:
    """The finished backups in a backups folder, newest first (partial copies are not)."""
    found: list[BackupFile] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        parsed = parse_backup_name(path.name)
        if parsed is not None and path.is_file():
            found.append(BackupFile(path, parsed[0], parsed[1]))
    found.sort(key=lambda b: b.taken_at, reverse=True)
    return found


def to_keep(backups: Sequence[BackupFile], policy: BackupPolicy) -> set[Path]:
    """The automatic backups a policy keeps: the newest few, then the newest of each period."""
    newest_first = sorted(
        (b for b in backups if b.automatic), key=lambda b: b.taken_at, reverse=True
    )
    keep = {b.path for b in newest_first[: max(policy.last, 1)]}
    periods: tuple[tuple[int, str], ...] = (
        (policy.daily, "%Y-%m-%d"),
        (policy.weekly, "%G-W%V"),
        (policy.monthly, "%Y-%m"),
    )
    for count, pattern in periods:
        seen: set[str] = set()
        for backup in newest_first:
            if len(seen) >= count:
                break
            period = backup.taken_at.strftime(pattern)
            if period not in seen:
                seen.add(period)
                keep.add(backup.path)
    return keep


def prune(folder: Path, policy: BackupPolicy) -> list[Path]:
    """Remove the automatic backups the policy no longer keeps; returns what went."""
    backups = backup_files(folder)
    keep = to_keep(backups, policy)
    removed = [b.path for b in backups if b.automatic and b.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    # A copy interrupted by a crash is never a backup; clear it away (but not one
    # another process may be writing right now).
    cutoff = datetime.now(UTC).timestamp() - STRAY_AFTER.total_seconds()
    for stray in folder.glob("*.db.partial*"):
        with contextlib.suppress(OSError):
            if stray.stat().st_mtime < cutoff:
                stray.unlink()
    if removed:
        log.info("pruned %d old automatic backups", len(removed))
    return removed


def record_attempt(folder: Path, ok: bool, message: str, at: datetime | None = None) -> None:
    from sps_tracker.paths import ensure_private_dir

    ensure_private_dir(folder)
    note = {"at": (at or datetime.now(UTC)).isoformat(), "ok": ok, "message": message}
    target = folder / ATTEMPT_FILENAME
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(note, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)
    sync_folder(folder)


def last_attempt(folder: Path) -> Attempt | None:
    try:
        note = json.loads((folder / ATTEMPT_FILENAME).read_text(encoding="utf-8"))
        return Attempt(datetime.fromisoformat(note["at"]), bool(note["ok"]), str(note["message"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def automatic_backup(
    database: Path,
    folder: Path,
    reason: str,
    policy: BackupPolicy,
    now: datetime | None = None,
) -> Path:
    """Back ``database`` up into ``folder``, check the copy, then rotate.

    A copy that fails its check is discarded before anything is pruned, so the
    good copies stay; the database itself is then checked to say which of the two
    is damaged. Either failure is recorded and raised as a DatabaseError.
    """
    now = now or datetime.now(UTC)
    try:
        target = folder / timestamped_name(reason, now)
        while target.exists():
            now += timedelta(microseconds=1)
            target = folder / timestamped_name(reason, now)
        try:
            backup_to(database, target)
        except CopyFailedError as failure:
            problems = integrity_problems(database)
            if problems:
                raise DamagedDatabaseError(
                    f"The database failed its check ({problems[0]}); "
                    "it was not backed up, and the earlier backups were kept."
                ) from failure
            raise
    except (DatabaseError, OSError) as error:
        message = str(error) if isinstance(error, DatabaseError) else f"Backup failed: {error}"
        log.warning("automatic %s backup failed", reason)
        record_attempt(folder, False, message, now)
        raise DatabaseError(message) from error
    record_attempt(folder, True, f"Backed up to {target.name}", now)
    prune(folder, policy)
    return target


def newest_good(backups: Iterable[BackupFile]) -> BackupFile | None:
    return max(backups, key=lambda b: b.taken_at, default=None)
