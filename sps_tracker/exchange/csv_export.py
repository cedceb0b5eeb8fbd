"""Writing the CSV files: one per kind of record, plus the monthly summary.

Rows are read in bulk with Core selects that skip SQLAlchemy's per-value type
processing (the stored text is already in the files' format), so an export
costs little more than a bare sqlite3 dump. Soft-deleted records, and records
of soft-deleted patients, are left out.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.sql.expression import ColumnClause

from sps_tracker.exchange.formats import (
    FORMULA_STARTS,
    PATIENTS,
    RECORD_FORMATS,
    SUMMARY_COLUMNS,
    SUMMARY_FILENAME,
    Cell,
    FileFormat,
)
from sps_tracker.storage.db import Database
from sps_tracker.storage.models import Patient

log = logging.getLogger(__name__)

# UTF-8 with a byte-order mark, so spreadsheets show accents; RFC 4180 line ends.
ENCODING = "utf-8-sig"
LINE_END = "\r\n"
SUMMARY_KIND = "summary"
ALL_KINDS: tuple[str, ...] = (*(f.kind for f in RECORD_FORMATS), SUMMARY_KIND)

_TEXT_CELLS = (Cell.TEXT, Cell.OPTIONAL_TEXT)
_INSTANT_CELLS = (Cell.INSTANT, Cell.STAMP)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: file name -> number of data rows."""

    folder: Path
    files: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        parts = ", ".join(f"{name} ({rows} rows)" for name, rows in self.files.items())
        return f"Wrote {parts} to {self.folder}"


@dataclass(frozen=True, slots=True)
class ExportSelection:
    """Which patients and which dates an export covers (None: all)."""

    patient_ids: tuple[int, ...] | None = None
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError(
                f"The end date {self.date_to.isoformat()} is before the start date "
                f"{self.date_from.isoformat()}"
            )


def export_csv(
    database: Database,
    folder: Path,
    selection: ExportSelection | None = None,
    kinds: Collection[str] | None = None,
) -> ExportResult:
    """Write the chosen kinds' files (default: all) into ``folder``, replacing files there."""
    selection = selection or ExportSelection()
    chosen = tuple(ALL_KINDS if kinds is None else kinds)
    unknown = set(chosen) - set(ALL_KINDS)
    if unknown:
        raise ValueError(f"Cannot export {', '.join(sorted(unknown))}: not one of {ALL_KINDS}")
    folder.mkdir(parents=True, exist_ok=True)
    result = ExportResult(folder)
    for file_format in RECORD_FORMATS:
        if file_format.kind in chosen:
            rows = record_rows(database, file_format, selection)
            _write(folder / file_format.filename, file_format.names, rows)
            result.files[file_format.filename] = len(rows)
    if SUMMARY_KIND in chosen:
        from sps_tracker.exchange.summary import monthly_summary

        summary = [s.cells() for s in monthly_summary(database, selection)]
        _write(folder / SUMMARY_FILENAME, SUMMARY_COLUMNS, summary)
        result.files[SUMMARY_FILENAME] = len(summary)
    log.info("exported %d files", len(result.files))
    return result


def write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    _write(path, header, rows)


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    # Write beside the target and rename, so a crash never leaves half a file.
    partial = path.with_name(path.name + ".part")
    with partial.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, lineterminator=LINE_END)
        writer.writerow(header)
        writer.writerows(rows)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def _raw(column: ColumnClause[Any] | ColumnElement[Any]) -> ColumnElement[Any]:
    """The stored value without SQLAlchemy's per-row conversion."""
    return type_coerce(column, String)


def _neutralised(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """formats.neutralise in SQL: an apostrophe before text that starts like a formula.

    Done by SQLite so the rows go from the cursor to csv.writer untouched (a test
    checks it against the Python function).
    """
    first = func.substr(func.ltrim(column, "'"), 1, 1)
    return case((first.in_(list(FORMULA_STARTS)), literal("'", String) + column), else_=column)


def _iso_instant(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """formats.format_stored_instant in SQL: 'YYYY-MM-DD HH:MM:SS.ffffff' -> ISO with offset.

    Two replace() calls instead of slicing: the stored text has one space, and
    '.000000' can only be its whole fraction. NULL stays NULL.
    """
    iso = func.replace(func.replace(column, " ", "T"), ".000000", "", type_=String)
    return iso + literal("+00:00", String)


def records_query(file_format: FileFormat, selection: ExportSelection) -> Select[Any]:
    """The select for one file's rows, in the file's order."""
    patients = Patient.__table__
    table = file_format.model.__table__
    is_patient = file_format is PATIENTS
    columns: list[ColumnElement[Any]] = []
    for column in file_format.columns:
        if column.cell is Cell.PATIENT:
            columns.append(patients.c.uuid)
        elif column.cell is Cell.TOTAL:
            columns.append(table.c[column.name])
        elif column.cell in _TEXT_CELLS:
            columns.append(_neutralised(_raw(table.c[column.name])))
        elif column.cell in _INSTANT_CELLS:
            columns.append(_iso_instant(_raw(table.c[column.name])))
        else:
            columns.append(_raw(table.c[column.name]))
    query: Select[Any] = select(*columns)
    if is_patient:
        query = query.where(patients.c.deleted_at.is_(None))
    else:
        query = query.select_from(table.join(patients, table.c.patient_id == patients.c.id)).where(
            table.c.deleted_at.is_(None), patients.c.deleted_at.is_(None)
        )
    if selection.patient_ids is not None:
        query = query.where(patients.c.id.in_(selection.patient_ids))
    if file_format.time_column is not None:
        query = query.where(*_date_conditions(file_format, selection))
    order: list[ColumnElement[Any]] = [func.lower(patients.c.display_name), patients.c.uuid]
    if file_format.time_column is not None:
        order.append(table.c[file_format.time_column])
    if not is_patient:
        order.append(table.c.uuid)
    return query.order_by(*order)


def _date_conditions(file_format: FileFormat, selection: ExportSelection) -> list[Any]:
    table = file_format.model.__table__
    assert file_format.time_column is not None
    moment = table.c[file_format.time_column]
    first, last = selection.date_from, selection.date_to
    conditions: list[Any] = []
    if file_format.kind == "medication":
        # A drug period counts when it overlaps the range, not only when it starts in it.
        if last is not None:
            conditions.append(_raw(moment) <= last.isoformat())
        if first is not None:
            stop = _raw(table.c.stop_date)
            conditions.append(or_(stop.is_(None), stop >= first.isoformat()))
        return conditions
    # Stored text compares in time order: 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS.ffffff'.
    stored = _raw(moment)
    if first is not None:
        conditions.append(stored >= first.isoformat())
    if last is not None:
        conditions.append(stored < (last + timedelta(days=1)).isoformat())
    return [and_(*conditions)] if conditions else []


def record_rows(
    database: Database, file_format: FileFormat, selection: ExportSelection
) -> list[tuple[Any, ...]]:
    """One file's rows as cells, ready for csv.writer, straight from the SQLite cursor."""
    query = records_query(file_format, selection)
    with database.engine.connect() as connection:
        compiled = query.compile(
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
        names = compiled.positiontup or []
        driver = connection.connection.driver_connection
        assert driver is not None
        cursor = driver.execute(str(compiled), [compiled.params[name] for name in names])
        try:
            return list(cursor.fetchall())
        finally:
            cursor.close()
