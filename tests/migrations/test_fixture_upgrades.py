"""Every schema that ever shipped upgrades to the head with every row and value intact."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sps_tracker.paths import backups_dir
from sps_tracker.services import Tracker
from sps_tracker.storage.backup import integrity_problems
from sps_tracker.storage.db import (
    SCHEMA_HEAD,
    SCHEMA_REVISIONS,
    Database,
    make_engine,
    read_schema_revision,
    sqlite_url,
)
from sps_tracker.storage.migrate import upgrade, upgrade_with_backup
from sps_tracker.storage.models import Fall, InfusionCourse, Patient

from .make_fixture import FIXTURES, ROWS_BY_REVISION, fixture_path

FIXTURE_FILES = sorted(FIXTURES.glob("schema_*.db"))


def rows(path: Path) -> dict[str, dict[int, dict[str, Any]]]:
    """Every row of every table by id, as column -> stored value."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        tables = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version'"
            )
        ]
        return {
            t: {int(r["id"]): dict(r) for r in connection.execute(f"SELECT * FROM {t}")}
            for t in tables
        }
    finally:
        connection.close()


def test_every_shipped_revision_has_a_fixture() -> None:
    assert [fixture_path(r) for r in SCHEMA_REVISIONS] == [
        f for f in FIXTURE_FILES if f.stem.removeprefix("schema_") in SCHEMA_REVISIONS
    ]
    assert set(ROWS_BY_REVISION) == set(SCHEMA_REVISIONS)


def test_the_fixtures_hold_rows_of_every_kind() -> None:
    for fixture in FIXTURE_FILES:
        stored = rows(fixture)
        assert all(stored[t] for t in stored), fixture.name
        revision = read_schema_revision(fixture)
        assert revision is not None
        for table, expected in ROWS_BY_REVISION[revision].items():
            for row in expected:
                assert {k: stored[table][row["id"]][k] for k in row} == row  # type: ignore[index]


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_upgrading_to_head_keeps_every_row_and_value(fixture: Path, data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    path = data_dir / "sps-tracker.db"
    shutil.copyfile(fixture, path)
    before = rows(path)
    revision = read_schema_revision(path)
    assert revision is not None

    database = Database(make_engine(sqlite_url(path)), path)
    backup = upgrade_with_backup(database, revision)
    database.dispose()

    assert read_schema_revision(path) == SCHEMA_HEAD
    assert integrity_problems(path) == []
    after = rows(path)
    for table, by_id in before.items():
        assert set(after[table]) == set(by_id), table
        for row_id, row in by_id.items():
            # New columns may appear; every old one keeps its exact value.
            assert {k: after[table][row_id][k] for k in row} == row, (table, row_id)
    # The backup taken before the upgrade is the fixture as it was.
    assert backup is not None and backup.parent == backups_dir(data_dir)
    assert rows(backup) == before


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_an_upgraded_fixture_reads_back_through_the_service(fixture: Path, data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    shutil.copyfile(fixture, data_dir / "sps-tracker.db")
    tracker = Tracker.open(data_dir)
    try:
        assert tracker.check() == []
        (patient,) = (s.patient for s in tracker.list_patients())
        assert patient.display_name == "Zoë Ångström-Müller"
        assert patient.birth_date is not None and patient.birth_date.isoformat() == "1968-02-29"
        (fall,) = tracker.records(Fall, patient.id)
        assert fall.occurred_at.tzinfo is not None and fall.occurred_at.hour == 17
        (course,) = tracker.records(InfusionCourse, patient.id)
        assert course.reaction_keys == ("headache", "chills") and course.dosing_weight_kg == 70.25
        assert [r.kind for r in tracker.deleted()] == ["patient", "assessment"]
        assert len(tracker.audit_trail(patient.uuid)) == 5
        assert tracker.count(Patient) == 1
    finally:
        tracker.close()


def _recreate_patient_table(connection: Any) -> int:
    """What a batch migration does to a parent table: copy, drop, rename."""
    foreign_keys = int(connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one())
    definition = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE name = 'patient'"
    ).scalar_one()
    connection.exec_driver_sql(
        definition.replace("CREATE TABLE patient", "CREATE TABLE _patient_copy", 1)
    )
    connection.exec_driver_sql("INSERT INTO _patient_copy SELECT * FROM patient")
    connection.exec_driver_sql("DROP TABLE patient")
    connection.exec_driver_sql("ALTER TABLE _patient_copy RENAME TO patient")
    return foreign_keys


def test_a_migration_that_recreates_a_parent_keeps_its_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Foreign keys are off around the migration, so ON DELETE CASCADE cannot empty children."""
    import alembic.command

    path = tmp_path / "fk.db"
    shutil.copyfile(fixture_path(SCHEMA_REVISIONS[0]), path)
    children_before = {t: rows(path)[t] for t in ("assessment", "fall", "lab_result")}
    seen: list[int] = []
    original = alembic.command.upgrade

    def upgrade_with_a_batch_step(config: Any, revision: str) -> None:
        seen.append(_recreate_patient_table(config.attributes["connection"]))
        original(config, revision)

    monkeypatch.setattr(alembic.command, "upgrade", upgrade_with_a_batch_step)
    database = Database(make_engine(sqlite_url(path)), path)
    upgrade(database)
    database.dispose()
    assert seen == [0]
    assert {t: rows(path)[t] for t in children_before} == children_before


def test_with_foreign_keys_on_the_same_step_would_empty_the_children(tmp_path: Path) -> None:
    """The guard above matters: this is what it prevents."""
    path = tmp_path / "fk-on.db"
    shutil.copyfile(fixture_path(SCHEMA_REVISIONS[0]), path)
    database = Database(make_engine(sqlite_url(path)), path)
    with database.engine.begin() as connection:
        assert _recreate_patient_table(connection) == 1
    database.dispose()
    assert rows(path)["fall"] == {}


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_the_fixture_has_the_schema_its_revision_script_makes(
    fixture: Path, tmp_path: Path
) -> None:
    """A shipped revision script must never change; before release, rerun make_fixture.py."""
    revision = read_schema_revision(fixture)
    assert revision is not None
    fresh = tmp_path / "fresh.db"
    database = Database(make_engine(sqlite_url(fresh)), fresh)
    upgrade(database, revision)
    database.dispose()

    def schema(path: Path) -> list[tuple[str, str]]:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return sorted(
                connection.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
            )
        finally:
            connection.close()

    assert schema(fixture) == schema(fresh), (
        f"{fixture.name} differs from what {revision} makes: "
        f"run tests/migrations/make_fixture.py {revision} (only if it never shipped)"
    )
