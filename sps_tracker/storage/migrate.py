"""Upgrading an older database with Alembic, behind a backup.

SQLite batch migrations drop and recreate tables; with foreign keys on, an
``ON DELETE CASCADE`` would then empty child tables without a word. So keys
are off around the migration and checked afterwards.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sps_tracker.storage.errors import MigrationError

if TYPE_CHECKING:
    from alembic.config import Config

    from sps_tracker.storage.db import Database

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_with_backup(database: Database, from_revision: str) -> Path | None:
    """Back the file up, then upgrade it to the head revision."""
    from sps_tracker.paths import backups_dir
    from sps_tracker.storage.backup import backup_to, timestamped_name

    backup: Path | None = None
    if database.path is not None:
        backup = backup_to(
            database.path,
            backups_dir(database.path.parent)
            / timestamped_name(f"before-upgrade-from-{from_revision}"),
        )
    upgrade(database)
    return backup


def upgrade(database: Database, revision: str = "head") -> None:
    from alembic import command

    config = alembic_config()
    with database.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise MigrationError(
                        f"The upgrade left {len(broken)} rows pointing at missing records"
                    )
        finally:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    log.info("database upgraded to %s", revision)
