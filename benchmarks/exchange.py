"""export and import: CSV exchange of ~100,000 assessments, against sqlite3 + csv.writer and
sqlite3 executemany.

Export goes through ``Tracker.export_csv`` (the files of records, as the baseline writes);
import through the command line ``sps-tracker --data-dir D import DIR``, run in-process via
``sps_tracker.cli.run`` so no interpreter start-up is timed. Until ``sps_tracker.exchange``
and the export/import commands exist the benchmarks are reported as skipped, never faked.

Import also times a third side, the *floor*: bare sqlite3 doing only what an import must
write and check whatever the code (the records, one audit row per record with its values,
the commit, and the writing session's closing backup with its check). Its ratio to the
baseline says how much of a miss no parsing or validation speed-up can remove.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from benchmarks.data import PATIENT_TABLES
from benchmarks.timing import Outcome, alternate, median

EXPORT_BUDGET = 2.0
IMPORT_BUDGET = 3.0
TABLES = ("patient", *PATIENT_TABLES)


def missing() -> str | None:
    """Why the exchange benchmarks cannot run yet, or None when they can."""
    if importlib.util.find_spec("sps_tracker.exchange") is None:
        return "sps_tracker.exchange does not exist yet"
    from sps_tracker.cli import build_parser

    parser = build_parser()
    commands: set[str] = set()
    for action in parser._actions:  # argparse keeps its subcommands only here
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict):
            commands.update(choices)
    lacking = [c for c in ("export", "import") if c not in commands]
    if lacking:
        return f"no `sps-tracker {'/'.join(lacking)}` command yet"
    return None


def _cli(*arguments: str) -> None:
    from sps_tracker.cli import run

    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        status = run(list(arguments))
    if status != 0:
        raise RuntimeError(
            f"sps-tracker {arguments[2]} exited {status}: {output.getvalue()[-300:]}"
        )


def _export_baseline(database: str, folder: Path) -> None:
    folder.mkdir(parents=True)
    connection = sqlite3.connect(database)
    try:
        for table in TABLES:
            cursor = connection.execute(f"SELECT * FROM {table} WHERE deleted_at IS NULL")
            with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8-sig") as handle:
                writer = csv.writer(handle)
                writer.writerow([d[0] for d in cursor.description])
                writer.writerows(cursor)
    finally:
        connection.close()


def measure_export(
    manifest: dict[str, Any], scratch: Path, rounds: int, warmups: int
) -> list[Outcome]:
    outcome = Outcome("export", EXPORT_BUDGET)
    reason = missing()
    if reason:
        outcome.skipped = reason
        return [outcome]
    data = manifest["exchange"]
    turn = {"app": 0, "baseline": 0}

    def fresh(side: str) -> Path:
        turn[side] += 1
        folder = scratch / f"export-{side}-{turn[side]}"
        shutil.rmtree(scratch / f"export-{side}-{turn[side] - 1}", ignore_errors=True)
        return folder

    from sps_tracker.exchange.csv_export import ALL_KINDS, SUMMARY_KIND
    from sps_tracker.services import Tracker

    # The files of records only: the monthly summary.csv has no counterpart in the baseline.
    kinds = [k for k in ALL_KINDS if k != SUMMARY_KIND]
    tracker = Tracker.open(Path(data["folder"]), actor="bench")

    def app() -> float:
        folder = fresh("app")
        started = time.perf_counter()
        tracker.export_csv(folder, kinds=kinds)
        return time.perf_counter() - started

    def baseline() -> float:
        folder = fresh("baseline")
        started = time.perf_counter()
        _export_baseline(data["database"], folder)
        return time.perf_counter() - started

    try:
        app_samples, baseline_samples = alternate(app, baseline, rounds=rounds, warmups=warmups)
    finally:
        tracker.close()
    outcome.app = median(app_samples)
    outcome.baseline = median(baseline_samples)
    outcome.note = f"{data['all_assessments']} assessments; records' files, no summary.csv"
    return [outcome]


def _insertable_columns(connection: sqlite3.Connection, table: str) -> list[str]:
    # table_xinfo marks generated columns (the scale totals) as hidden 2 or 3.
    return [row[1] for row in connection.execute(f"PRAGMA table_xinfo({table})") if row[6] == 0]


def measure_import(
    manifest: dict[str, Any], scratch: Path, rounds: int, warmups: int
) -> list[Outcome]:
    from sps_tracker.paths import database_path
    from sps_tracker.services import Tracker
    from sps_tracker.storage.models import Assessment

    outcome = Outcome("import", IMPORT_BUDGET)
    reason = missing()
    if reason:
        outcome.skipped = reason
        return [outcome]
    data = manifest["exchange"]
    exported = scratch / "import-source"
    _cli("--data-dir", data["folder"], "export", "--out", str(exported))

    source = sqlite3.connect(data["database"])
    schema = [
        row[0]
        for row in source.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type = 'index'"
        )
    ]
    rows: dict[str, tuple[str, list[tuple[Any, ...]]]] = {}
    for table in TABLES:
        columns = _insertable_columns(source, table)
        insert = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        found = source.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE deleted_at IS NULL"
        ).fetchall()
        rows[table] = (insert, found)
    source.close()
    turn = {"app": 0, "baseline": 0, "floor": 0}
    # The audit rows exactly as the app wrote them, read (untimed) after its first import.
    audit: list[tuple[Any, ...]] = []
    floor_samples: list[float] = []

    def fresh(side: str) -> Path:
        turn[side] += 1
        shutil.rmtree(scratch / f"import-{side}-{turn[side] - 1}", ignore_errors=True)
        return scratch / f"import-{side}-{turn[side]}"

    def app() -> float:
        folder = fresh("app")
        Tracker.open(folder, actor="bench").close()  # an empty database, made untimed
        started = time.perf_counter()
        _cli("--data-dir", str(folder), "import", str(exported))
        elapsed = time.perf_counter() - started
        tracker = Tracker.open(folder, actor="bench")
        try:
            imported = tracker.count(Assessment)
        finally:
            tracker.close()
        if imported != data["all_assessments"]:
            raise RuntimeError(f"import wrote {imported} of {data['all_assessments']} assessments")
        if not audit:
            audit.extend(_audit_rows(database_path(folder)))
        return elapsed

    def empty_database(side: str) -> sqlite3.Connection:
        folder = fresh(side)
        folder.mkdir(parents=True)
        connection = sqlite3.connect(database_path(folder), isolation_level=None)
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=FULL"):
            connection.execute(f"PRAGMA {pragma}")
        for statement in schema:
            connection.execute(statement)
        return connection

    def baseline() -> float:
        connection = empty_database("baseline")
        started = time.perf_counter()
        connection.execute("BEGIN")
        for insert, values in rows.values():
            connection.executemany(insert, values)
        connection.execute("COMMIT")
        elapsed = time.perf_counter() - started
        connection.close()
        # The floor runs in the same turn, after the baseline: A B F A B F ...
        floor_samples.append(_floor(empty_database("floor"), rows, audit))
        return elapsed

    app_samples, baseline_samples = alternate(app, baseline, rounds=rounds, warmups=warmups)
    outcome.app = median(app_samples)
    outcome.baseline = median(baseline_samples)
    floor = median(floor_samples[warmups:])
    outcome.note = (
        f"{data['all_assessments']} assessments into an empty database; floor={floor:.3g}s "
        f"ratio={floor / outcome.baseline:.2f}: bare sqlite3 writing the records, one audit "
        "row each and the checked closing backup"
    )
    return [outcome]


_AUDIT_COLUMNS = "at, actor, action, record_kind, record_uuid, patient_uuid, old_values, new_values"


def _audit_rows(database: Path) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute(
            f"SELECT {_AUDIT_COLUMNS} FROM audit_entry ORDER BY id"
        ).fetchall()
    finally:
        connection.close()


def _floor(
    connection: sqlite3.Connection,
    rows: dict[str, tuple[str, list[tuple[Any, ...]]]],
    audit: list[tuple[Any, ...]],
) -> float:
    """What an import cannot do without, in bare sqlite3: the baseline's inserts, then the
    audit rows (their text made beforehand), one commit, and a backup checked as the app's is."""
    marks = ", ".join("?" * len(_AUDIT_COLUMNS.split(", ")))
    database = Path(connection.execute("PRAGMA database_list").fetchone()[2])
    started = time.perf_counter()
    connection.execute("BEGIN")
    for insert, values in rows.values():
        connection.executemany(insert, values)
    connection.executemany(f"INSERT INTO audit_entry ({_AUDIT_COLUMNS}) VALUES ({marks})", audit)
    connection.execute("COMMIT")
    connection.close()
    copy = database.with_name("backup.db")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    source.backup(target)
    target.execute("PRAGMA journal_mode=DELETE")
    target.close()
    source.close()
    check = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    if check.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
        raise RuntimeError("the floor's backup failed its check")
    check.execute("PRAGMA foreign_key_check").fetchall()
    check.close()
    return time.perf_counter() - started
