"""Opening the database: the engine factory, connection pragmas and schema version.

SQLite-specific code stays here so the same models can run on PostgreSQL later.
Alembic is imported only when a database actually needs upgrading: it costs a
noticeable share of start-up time otherwise.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from sps_tracker.storage.errors import (
    DamagedDatabaseError,
    DatabaseError,
    NewerSchemaError,
    NotADatabaseError,
)
from sps_tracker.storage.models import Base

log = logging.getLogger(__name__)

# Every revision that ever shipped, oldest first; the last is the head.
# A test checks this against the Alembic scripts.
SCHEMA_REVISIONS: tuple[str, ...] = ("0001_baseline",)
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Medical data: a commit is on disk when it returns, even across a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine with the project's connection settings for its dialect."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def read_schema_revision(path: Path) -> str | None:
    """The Alembic revision written in a database file, without loading SQLAlchemy or Alembic.

    Raises NotADatabaseError for a file that is not an SQLite database of ours.
    """
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotADatabaseError(
            f"{path} is not an SPS Tracker database: it is not an SQLite "
            "file (it may be damaged or truncated). It was not changed."
        )
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise NotADatabaseError(
                    f"{path} is an SQLite file, but not an SPS Tracker database. "
                    "It was not changed."
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise DamagedDatabaseError(damaged_message(path, str(error))) from error
    return None if row is None else str(row[0])


def damaged_message(path: Path, problem: str) -> str:
    return (
        f"{path} is damaged ({problem}). It was not changed; "
        "restore a backup to go on (sps-tracker restore FILE)."
    )


def check_database_file(path: Path, *, integrity: bool = True) -> str | None:
    """The schema revision of an existing database file, after making sure it can be used.

    Reads only: a file that is not ours, was written by a newer version or fails
    ``PRAGMA integrity_check`` raises a DatabaseError whose words the GUI and the
    CLI both show, and the file is left exactly as it was.
    """
    from sps_tracker.storage.backup import integrity_problems

    revision = read_schema_revision(path)
    if revision is not None and revision not in SCHEMA_REVISIONS:
        raise NewerSchemaError(
            f"{path} was written by a newer version of SPS Tracker (schema {revision}). "
            "Install the newer version to open it; this file was not changed."
        )
    if integrity:
        problems = integrity_problems(path)
        if problems:
            raise DamagedDatabaseError(damaged_message(path, problems[0]))
    return revision


class Database:
    """One database file: its engine and short-lived sessions."""

    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        # Detached objects stay readable after commit: sessions are per operation.
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path, *, checked: bool = False) -> Database:
        """Open (creating if needed) the database file at ``path``.

        An older schema is upgraded after a backup; a newer or foreign one is
        refused and left untouched. ``checked`` skips the integrity check when
        the caller holds the folder and has just run ``check_database_file``.
        """
        from sps_tracker.paths import ensure_private_dir

        ensure_private_dir(path.parent)
        if not path.exists():
            _create_new(path)
            checked = False
        # A 0-byte file is refused too: it is a truncated database, not a new one.
        revision = check_database_file(path, integrity=not checked)
        database = cls(make_engine(sqlite_url(path)), path)
        if revision is None:
            database.create_schema()
        elif revision != SCHEMA_HEAD:
            from sps_tracker.storage.migrate import upgrade_with_backup

            upgrade_with_backup(database, revision)
        _make_private(path)
        return database

    def create_schema(self) -> None:
        """A new database at the head revision, stamped without loading Alembic."""
        Base.metadata.create_all(self.engine)
        with self.engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
            )
            connection.exec_driver_sql("DELETE FROM alembic_version")
            connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": SCHEMA_HEAD})

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one operation: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def read_session(self) -> Session:
        return self._sessions()

    def connect(self) -> Connection:
        """A Core connection for reads that need no ORM objects (closed by ``with``)."""
        return self.engine.connect()

    def transaction(self) -> AbstractContextManager[Connection]:
        """A Core connection in a transaction: committed on success, rolled back on error."""
        return self.engine.begin()

    def schema_revision(self) -> str | None:
        with self.engine.connect() as connection:
            row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])

    def dispose(self) -> None:
        self.engine.dispose()


def _create_new(path: Path) -> None:
    """A complete, empty database at ``path``, or nothing: built aside, then linked in.

    A kill halfway leaves only a stray ``.new-PID`` file, never a half-made
    database; linking (not renaming) never replaces a file another process made.
    """
    temporary = path.with_name(f"{path.name}.new-{os.getpid()}")
    for stale in (temporary, *_companions(temporary)):
        stale.unlink(missing_ok=True)
    # Private before SQLite writes a byte: its -wal and -shm copy this file's mode.
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        fresh = Database(make_engine(sqlite_url(temporary)), temporary)
        try:
            fresh.create_schema()
        finally:
            fresh.dispose()
        if any(c.exists() and c.stat().st_size for c in _companions(temporary)):
            raise DatabaseError(f"{temporary} was not closed cleanly; nothing was created")
        try:
            os.link(temporary, path)
        except FileExistsError:
            log.info("another process created the database first")
        from sps_tracker.storage.backup import sync_folder

        sync_folder(path.parent)
    finally:
        for leftover in (temporary, *_companions(temporary)):
            leftover.unlink(missing_ok=True)


def _companions(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))


def _make_private(path: Path) -> None:
    if os.name == "posix":
        for candidate in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            if candidate.exists():
                candidate.chmod(0o600)
