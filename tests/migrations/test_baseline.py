"""The Alembic scripts and the models describe the same schema; odd files are refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from sps_tracker.storage.db import SCHEMA_HEAD, SCHEMA_REVISIONS, Database, sqlite_url
from sps_tracker.storage.errors import NewerSchemaError, NotADatabaseError
from sps_tracker.storage.migrate import alembic_config, upgrade
from sps_tracker.storage.models import Base


def test_the_known_revisions_are_the_alembic_history() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    history = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert tuple(history) == SCHEMA_REVISIONS
    assert scripts.get_current_head() == SCHEMA_HEAD


def migrated_database(path: Path) -> Database:
    from sps_tracker.storage.db import make_engine

    database = Database(make_engine(sqlite_url(path)), path)
    upgrade(database)
    return database


def test_migrating_an_empty_file_gives_exactly_the_models(tmp_path: Path) -> None:
    database = migrated_database(tmp_path / "migrated.db")
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert database.schema_revision() == SCHEMA_HEAD


def schema_sql(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return sorted(
            row[0]
            for row in connection.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'alembic_version'"
            )
        )
    finally:
        connection.close()


def test_created_and_migrated_schemas_have_the_same_constraints(tmp_path: Path) -> None:
    migrated_database(tmp_path / "migrated.db").dispose()
    Database.open(tmp_path / "created.db").dispose()
    migrated = "\n".join(schema_sql(tmp_path / "migrated.db"))
    created = "\n".join(schema_sql(tmp_path / "created.db"))
    for name in (
        "ck_assessment_dsi_total_range",
        "GENERATED ALWAYS",
        "ON DELETE CASCADE",
        "ck_fall_other_trigger_described",
    ):
        assert name in migrated
        assert name in created


def test_a_migrated_baseline_opens_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "sps-tracker.db"
    database = migrated_database(path)
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO patient (uuid, created_at, updated_at, display_name, antibody_status,"
            " synthetic, notes) VALUES ('00000000-0000-4000-8000-000000000001', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 'Kept', 'unknown', 0, '')"
        )
    database.dispose()
    from sps_tracker.services import Tracker

    tracker = Tracker(Database.open(path))
    assert [s.patient.display_name for s in tracker.list_patients()] == ["Kept"]
    tracker.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "sps-tracker.db"
    Database.open(path).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()
    before = digest(path)
    with pytest.raises(NewerSchemaError, match="newer version of SPS Tracker"):
        Database.open(path)
    assert digest(path) == before


@pytest.mark.parametrize(
    "content", [b"hello, this is a letter", b"SQLite format 3\x00" + b"\x07" * 50]
)
def test_a_foreign_or_damaged_file_is_refused_and_left_untouched(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "sps-tracker.db"
    path.write_bytes(content)
    with pytest.raises(NotADatabaseError):
        Database.open(path)
    assert path.read_bytes() == content


def test_an_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sps-tracker.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.close()
    before = digest(path)
    with pytest.raises(NotADatabaseError, match="not an SPS Tracker database"):
        Database.open(path)
    assert digest(path) == before
