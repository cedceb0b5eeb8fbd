"""Data safety for the GUI and the CLI: the one writer, backups, restore and their status.

The GUI holds a WritingSession for its whole life; the CLI's writing commands
hold one for a command. Both get the same refusals with the same words.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sps_tracker.paths import backups_dir, database_path, ensure_private_dir
from sps_tracker.services import Tracker
from sps_tracker.storage.backup import (
    CheckAhead,
    backup_to,
    content_mark,
    integrity_problems,
    record_counts,
    sync_folder,
    timestamped_name,
)
from sps_tracker.storage.db import (
    SCHEMA_HEAD,
    check_database_file,
    damaged_message,
    read_schema_revision,
)
from sps_tracker.storage.errors import DamagedDatabaseError, DatabaseError
from sps_tracker.storage.lock import FolderLock
from sps_tracker.storage.rotation import (
    BackupPolicy,
    automatic_backup,
    backup_files,
    last_attempt,
    newest_good,
    record_attempt,
)

log = logging.getLogger(__name__)

__all__ = [
    "BackupInfo",
    "BackupPolicy",
    "BackupStatus",
    "RestoreRefusedError",
    "RestoreReport",
    "WritingSession",
    "backup_now",
    "backup_status",
    "list_backups",
    "restore_database",
]


class RestoreRefusedError(DatabaseError):
    """The chosen file cannot be restored; the current database was not touched."""


@dataclass(frozen=True, slots=True)
class BackupStatus:
    """What the status bar says about backups."""

    last_good_at: datetime | None
    last_good_path: Path | None
    failing: bool
    failure: str
    overdue: bool

    @property
    def ok(self) -> bool:
        return not self.failing and not self.overdue

    @property
    def warning(self) -> str:
        """One sentence when something needs attention, else ""."""
        if self.failing:
            return f"Backups are failing: {self.failure}"
        if self.overdue:
            if self.last_good_at is None:
                return "There is no backup of this database yet."
            return f"The last backup is overdue (taken {self.last_good_at:%Y-%m-%d %H:%M} UTC)."
        return ""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file, for the restore dialog: when, why, and what is in it."""

    path: Path
    taken_at: datetime
    reason: str
    automatic: bool
    size_bytes: int
    schema_revision: str | None
    record_counts: dict[str, int] = field(default_factory=dict)
    problem: str = ""


@dataclass(frozen=True, slots=True)
class RestoreReport:
    restored_from: Path
    upgraded_from: str | None
    # The database that was replaced: a checked backup, or the damaged file moved aside.
    previous_kept_at: Path | None
    record_counts: dict[str, int]


def backup_status(
    folder: Path, policy: BackupPolicy | None = None, now: datetime | None = None
) -> BackupStatus:
    """The last good backup and whether backups are failing or overdue; reads only."""
    policy = policy or BackupPolicy()
    now = now or datetime.now(UTC)
    newest = newest_good(backup_files(backups_dir(folder)))
    attempt = last_attempt(backups_dir(folder))
    failing = attempt is not None and not attempt.ok
    has_database = database_path(folder).exists()
    overdue = has_database and (newest is None or now - newest.taken_at > policy.overdue_after)
    return BackupStatus(
        last_good_at=None if newest is None else newest.taken_at,
        last_good_path=None if newest is None else newest.path,
        failing=failing,
        failure=attempt.message if attempt is not None and failing else "",
        overdue=overdue,
    )


def list_backups(folder: Path, *, check: bool = False) -> list[BackupInfo]:
    """The backups in the data folder, newest first, with their record counts.

    ``check`` also runs the integrity check on each (slower; for a restore dialog's
    chosen file, restore_database checks anyway).
    """
    found: list[BackupInfo] = []
    for backup in backup_files(backups_dir(folder)):
        revision: str | None = None
        counts: dict[str, int] = {}
        problem = ""
        try:
            revision = read_schema_revision(backup.path)
            counts = record_counts(backup.path)
            if check:
                problems = integrity_problems(backup.path)
                problem = problems[0] if problems else ""
        except (DatabaseError, OSError) as error:
            problem = str(error)
        except Exception as error:  # an odd file must not break the list
            problem = f"cannot be read ({type(error).__name__})"
        found.append(
            BackupInfo(
                path=backup.path,
                taken_at=backup.taken_at,
                reason=backup.reason,
                automatic=backup.automatic,
                size_bytes=backup.path.stat().st_size,
                schema_revision=revision,
                record_counts=counts,
                problem=problem,
            )
        )
    return found


def backup_now(folder: Path, out: Path | None = None) -> Path:
    """A checked copy of the database: to ``out``, or into the backups folder."""
    database = database_path(folder)
    if not database.exists():
        raise DatabaseError(f"There is no database in {folder} to back up.")
    check_database_file(database)
    if out is not None:
        if out.exists():
            raise DatabaseError(f"{out} already exists; choose another file name.")
        return backup_to(database, out)
    target = ensure_private_dir(backups_dir(folder)) / timestamped_name("manual")
    try:
        backup_to(database, target)
    except DatabaseError as error:
        record_attempt(backups_dir(folder), False, str(error))
        raise
    record_attempt(backups_dir(folder), True, f"Backed up to {target.name}")
    return target


def restore_database(folder: Path, source: Path) -> RestoreReport:
    """Replace the folder's database with ``source``, for the CLI: takes the writer lock."""
    with FolderLock(folder):
        return _restore(folder, source)


def _restore(folder: Path, source: Path) -> RestoreReport:
    """Check ``source``, keep the current database, then put a checked copy in its place.

    The caller holds the writer lock and has no connection open to the database.
    """
    database = database_path(folder)
    source = source.expanduser().resolve()
    if not source.is_file():
        raise RestoreRefusedError(f"Nothing was restored: {source} does not exist.")
    if database.exists() and source.samefile(database):
        raise RestoreRefusedError("Nothing was restored: that file is the database itself.")
    try:
        revision = check_database_file(source)
    except DatabaseError as error:
        raise RestoreRefusedError(f"Nothing was restored: {error}") from error
    if revision is None:
        raise RestoreRefusedError(f"Nothing was restored: {source} holds no SPS Tracker data.")

    ensure_private_dir(folder)
    staging = database.with_name(database.name + ".restoring")
    _remove_with_companions(staging)
    try:
        backup_to(source, staging)
        if revision != SCHEMA_HEAD:
            _upgrade_copy(staging)
        previous = _keep_current(folder, database)
        for companion in _companions(database):
            # A stale -wal beside the new file would be replayed into it.
            companion.unlink(missing_ok=True)
        os.replace(staging, database)
        sync_folder(folder)
    finally:
        _remove_with_companions(staging)
    log.info("database restored from a backup (schema %s)", revision)
    return RestoreReport(
        restored_from=source,
        upgraded_from=None if revision == SCHEMA_HEAD else revision,
        previous_kept_at=previous,
        record_counts=record_counts(database),
    )


def _upgrade_copy(staging: Path) -> None:
    from sps_tracker.storage.db import Database, make_engine, sqlite_url
    from sps_tracker.storage.migrate import upgrade

    copy = Database(make_engine(sqlite_url(staging)), staging)
    try:
        upgrade(copy)
    finally:
        copy.dispose()
    if any(c.exists() and c.stat().st_size for c in _companions(staging)):
        raise RestoreRefusedError("Nothing was restored: the upgraded copy was not closed cleanly.")
    problems = integrity_problems(staging)
    if problems:
        raise RestoreRefusedError(
            f"Nothing was restored: the upgraded copy is damaged ({problems[0]})"
        )


def _keep_current(folder: Path, database: Path) -> Path | None:
    """Back the current database up, or move it aside untouched if it is damaged."""
    if not database.exists():
        return None
    try:
        check_database_file(database)
    except DatabaseError:
        aside = ensure_private_dir(folder / f"replaced-{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}")
        for path in (database, *_companions(database)):
            if path.exists():
                os.replace(path, aside / path.name)
        sync_folder(folder)
        log.warning("a damaged database was moved aside before a restore")
        return aside
    target = ensure_private_dir(backups_dir(folder)) / timestamped_name("before-restore")
    return backup_to(database, target)


def _companions(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))


def _remove_with_companions(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".partial"), *_companions(path)):
        candidate.unlink(missing_ok=True)


class WritingSession:
    """The one writer on a data folder: the lock, a backup at start and at a clean exit.

    ``open()`` raises FolderInUseError when another SPS Tracker has the folder,
    and the DatabaseError of a damaged, foreign or newer file (which stays as it
    was). A failed automatic backup does not stop the work: backup_status()
    reports it until a later backup succeeds.
    """

    def __init__(
        self,
        folder: Path,
        actor: str = "",
        policy: BackupPolicy | None = None,
        lock: FolderLock | None = None,
    ) -> None:
        self.folder = folder
        self.actor = actor
        self.policy = policy or BackupPolicy()
        # A lock the caller took early (to check the database ahead) is this session's.
        self._lock = lock or FolderLock(folder)
        self._tracker: Tracker | None = None
        self._start_backup_pending = False

    @property
    def tracker(self) -> Tracker:
        if self._tracker is None:
            raise RuntimeError("the session is not open")
        return self._tracker

    @property
    def database(self) -> Path:
        return database_path(self.folder)

    def open(self, *, defer_start_backup: bool = False, ahead: CheckAhead | None = None) -> Tracker:
        """Take the folder and open the database, backing it up first.

        With ``defer_start_backup`` a database that needs no upgrade is backed up by
        ``start_backup()`` later (the GUI calls it after the first paint); one that
        needs an upgrade is always backed up here, before the upgrade. ``ahead`` is an
        integrity check of this database started earlier; used if the file is unchanged.
        """
        self._lock.acquire()
        try:
            existed = self.database.exists()
            self._start_backup_pending = False
            if existed:
                found = (
                    ahead.result() if ahead is not None and ahead.path == self.database else None
                )
                revision = check_database_file(self.database, integrity=found is None)
                if found:
                    raise DamagedDatabaseError(damaged_message(self.database, found[0]))
                if defer_start_backup and revision == SCHEMA_HEAD:
                    self._start_backup_pending = True
                else:
                    # Always before Database.open, so before any upgrade it may run.
                    self._backup("start")
            # Checked just above, with the folder held: no second integrity check.
            self._tracker = Tracker.open(self.folder, actor=self.actor, checked=existed)
            if not existed:
                self._backup("start")
        except BaseException:
            self._lock.release()
            raise
        return self._tracker

    def start_backup(self) -> Path | None:
        """The start backup that ``open(defer_start_backup=True)`` left for later, once."""
        if not self._start_backup_pending or self._tracker is None:
            return None
        self._start_backup_pending = False
        return self._backup("start")

    def close(self, *, clean: bool = True) -> None:
        """Close the database; after a clean run, back it up; then let go of the folder.

        The exit backup is left out when the newest good backup already holds every
        record (nothing was written since): a second identical copy protects nothing.
        """
        try:
            if self._tracker is not None:
                self._tracker.close()
                self._tracker = None
                if clean:
                    if self._newest_backup_is_current():
                        log.info("exit backup not needed: nothing changed since the newest backup")
                    else:
                        self._backup("exit")
        finally:
            self._lock.release()

    def _newest_backup_is_current(self) -> bool:
        folder = backups_dir(self.folder)
        attempt = last_attempt(folder)
        # After a failed backup, try again: the warning stays until one succeeds.
        if attempt is None or not attempt.ok:
            return False
        newest = newest_good(backup_files(folder))
        if newest is None:
            return False
        mark = content_mark(self.database)
        return mark is not None and mark == content_mark(newest.path)

    def backup_if_due(self) -> Path | None:
        """A scheduled backup when the newest is older than the policy's due_after."""
        newest = newest_good(backup_files(backups_dir(self.folder)))
        if newest is not None and datetime.now(UTC) - newest.taken_at < self.policy.due_after:
            return None
        return self._backup("scheduled")

    def status(self) -> BackupStatus:
        return backup_status(self.folder, self.policy)

    def restore(self, source: Path) -> RestoreReport:
        """Restore from ``source`` while holding the folder; the Tracker is reopened after."""
        if self._tracker is not None:
            self._tracker.close()
            self._tracker = None
        try:
            return _restore(self.folder, source)
        finally:
            self._tracker = Tracker.open(self.folder, actor=self.actor)

    def _backup(self, reason: str) -> Path | None:
        try:
            return automatic_backup(
                self.database,
                ensure_private_dir(backups_dir(self.folder)),
                reason,
                self.policy,
            )
        except DatabaseError:
            # Recorded by automatic_backup; the status bar shows it until fixed.
            return None

    def __enter__(self) -> Tracker:
        return self.open()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(clean=kind is None)


def writing_session(
    folder: Path, actor: str = "", policy: BackupPolicy | None = None
) -> WritingSession:
    """``with writing_session(folder, actor) as tracker: ...`` for the CLI's writing commands."""
    return WritingSession(folder, actor, policy)
