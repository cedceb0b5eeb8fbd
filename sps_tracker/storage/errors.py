"""Why a database file cannot be opened, in words for the person at the screen."""

from __future__ import annotations


class DatabaseError(RuntimeError):
    """The database cannot be used as it is; it was not modified."""


class NewerSchemaError(DatabaseError):
    """Written by a newer version of SPS Tracker; opening it could damage it."""


class NotADatabaseError(DatabaseError):
    """The file is not an SPS Tracker database (corrupt, truncated or foreign)."""


class MigrationError(DatabaseError):
    """An upgrade of the database failed; the backup taken before it is intact."""


class DamagedDatabaseError(NotADatabaseError):
    """An SQLite file of ours that fails its integrity check (corrupt or truncated)."""
