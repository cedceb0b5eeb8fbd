"""Importing CSV files: all or nothing, idempotent by UUID, conflicts reported.

The import first plans everything (read, check every cell, every rule and
every UUID against the database) and writes only when nothing is wrong, in
one transaction with bulk inserts and an audit row per record. A record
whose UUID is already known is either unchanged (skipped) or a conflict
(reported, never overwritten).
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import operator
import re
import uuid as uuid_module
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Dialect,
    Float,
    Integer,
    String,
    func,
    insert,
    select,
)

from sps_tracker.collector import cycle_collector_paused
from sps_tracker.domain import validation
from sps_tracker.domain.errors import ValidationError
from sps_tracker.domain.scales import SCALES
from sps_tracker.exchange.cells import CellError, ReadingOptions, column_parser, column_reader
from sps_tracker.exchange.csv_read import (
    PREVIEW_ROWS,
    CsvTable,
    FileRefused,
    ImportProblem,
    read_table,
)
from sps_tracker.exchange.formats import (
    PATIENTS,
    RECORD_FORMATS,
    SUMMARY_SIGNATURE,
    Cell,
    Column,
    FileFormat,
)
from sps_tracker.storage.db import Database
from sps_tracker.storage.models import AuditEntry, Base, Patient
from sps_tracker.storage.types import UTCDateTime, YesNo

log = logging.getLogger(__name__)

_STAMP_COLUMNS = ("created_at", "updated_at")
_UNCOMPARED = frozenset({"uuid", "created_at", "updated_at"})
_LABELS = {f.kind: f.model.label.lower() for f in RECORD_FORMATS}


def _a(kind: str) -> str:
    label = _LABELS[kind]
    return ("an " if label[0] in "aeiou" else "a ") + label


@dataclass(frozen=True, slots=True)
class Conflict:
    """A record already in the database under this UUID, with different content."""

    file: str
    row: int
    kind: str
    uuid: str
    columns: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"{self.file}, row {self.row}: this {_LABELS[self.kind]} is already in the "
            f"database with a different {', '.join(self.columns)}; it was not overwritten"
        )


@dataclass(slots=True)
class FileReport:
    """One file of the import: what it holds and what would happen to it."""

    file: str
    kind: str | None
    header: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)  # the first rows, as written
    rows: int = 0
    new: int = 0
    unchanged: int = 0
    conflicting: int = 0
    skipped: str = ""  # why the file is not imported (a summary, patients with --patient)


@dataclass(slots=True)
class ImportResult:
    """What an import found and did; a dry run fills everything but ``written``."""

    source: Path
    dry_run: bool
    files: list[FileReport] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def unchanged(self) -> int:
        return sum(f.unchanged for f in self.files)

    @property
    def conflicting(self) -> int:
        return sum(f.conflicting for f in self.files)

    @property
    def ok(self) -> bool:
        """Nothing stands in the way of writing (conflicts do, unless kept)."""
        return not self.problems

    def describe(self) -> str:
        counts = f"{self.new} new, {self.unchanged} already here, {self.conflicting} conflicting"
        if self.problems:
            return f"Nothing was imported: {len(self.problems)} problem(s) found ({counts})."
        if self.written:
            return f"Imported {self.new} new record(s) ({counts})."
        if self.dry_run:
            return f"Dry run, nothing written: {counts}."
        return f"Nothing new to import ({counts})."


@dataclass(frozen=True, slots=True)
class ImportOptions:
    dry_run: bool = False
    patient_id: int | None = None  # import one patient's files into this existing patient
    date_format: str | None = None
    keep_existing: bool = False  # on conflict keep the database's version and import the rest
    actor: str = ""


@dataclass(slots=True)
class _Incoming:
    file_format: FileFormat
    file: FileReport
    row: int
    uuid: str
    owner: str | None  # the patient's uuid (a patient's own uuid for patients)
    values: dict[str, Any]  # the stored fields, as written
    # Scale totals as typed, when one disagrees with the items marked 1: never stored.
    totals: dict[str, Any] | None
    given: frozenset[str]  # columns present in the file
    # The file's rows a column at a time, for the write; None when the file has problems.
    columns: _FileColumns | None = None


@dataclass(eq=False, slots=True)
class _FileColumns:
    """A file's records a column at a time: the values of the records' dicts, by field.

    The write binds these columns instead of taking every field out of every dict.
    """

    numbers: list[int]  # the rows as a spreadsheet numbers them
    values: dict[str, list[Any]]  # every stored field
    owners: list[str]
    # Instants whose cells were written in the form SQLite stores (the app's own export).
    stored_text: dict[str, list[str]]


@dataclass(slots=True)
class _KnownPatient:
    id: int
    uuid: str
    birth_date: date | None
    deleted: bool


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    return [path]


def _recognise(table: CsvTable) -> FileFormat | str | None:
    """The file's format from its header, 'summary' for a summary, None if unknown."""
    found = [f for f in RECORD_FORMATS if f.signature in table.header]
    if len(found) == 1:
        return found[0]
    if not found and SUMMARY_SIGNATURE in table.header:
        return "summary"
    return None


def _header_problems(table: CsvTable, file_format: FileFormat, with_owner: bool) -> list[str]:
    messages: list[str] = []
    seen: set[str] = set()
    for name in table.header:
        if not name:
            messages.append("a column has no name in the header row")
        elif name in seen:
            messages.append(f"column {name} appears twice in the header row")
        seen.add(name)
        if name and file_format.column(name) is None:
            messages.append(_unknown_column(name, file_format))
    for column in file_format.columns:
        if column.name not in seen and column.required:
            if column.cell is Cell.PATIENT and not with_owner:
                continue
            messages.append(f"column {column.name} is missing; it is needed in this file")
    return messages


def _unknown_column(name: str, file_format: FileFormat) -> str:
    for s in SCALES:
        if name.startswith(s.key + "_") and file_format.column(s.total_column) is not None:
            return (
                f"column {name}: '{name[len(s.key) + 1 :]}' is not a {s.abbreviation} "
                f"{s.item_noun}; they are: " + ", ".join(s.keys)
            )
    return f"column {name} is not a column of {file_format.filename} (see docs/csv-format.md)"


class _Planner:
    def __init__(self, database: Database, source: Path, options: ImportOptions) -> None:
        self.database = database
        self.options = options
        self.result = ImportResult(source, options.dry_run)
        self.incoming: list[_Incoming] = []
        self.by_uuid: dict[str, _Incoming] = {}
        self.target: _KnownPatient | None = None
        self.patients: dict[str, _KnownPatient] = {}
        self.existing: set[str] = set()
        self.now = datetime.now(UTC)

    def problem(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.result.problems.append(ImportProblem(file, row, column, message))

    def plan(self) -> None:
        source = self.result.source
        if not source.exists():
            self.problem(source.name, None, None, "does not exist")
            return
        files = _files(source)
        if not files:
            self.problem(source.name, None, None, "holds no .csv files")
            return
        with self.database.read_session() as session:
            self.patients = {
                p.uuid: _KnownPatient(p.id, p.uuid, p.birth_date, p.deleted_at is not None)
                for p in session.scalars(select(Patient))
            }
        if self.options.patient_id is not None:
            found = [p for p in self.patients.values() if p.id == self.options.patient_id]
            if not found or found[0].deleted:
                self.problem(source.name, None, None, "the patient to import into is not found")
                return
            self.target = found[0]
        for path in files:
            self.read_file(path)
        if not self.result.problems and not self.incoming:
            self.problem(
                source.name,
                None,
                None,
                "has a header row but no records"
                if source.is_file()
                else "holds no records: every file has only its header row",
            )
        # A file that could not be read at all would make every owner look missing.
        if not self.result.problems:
            self.check_owners()
        self.validate()
        self.compare_with_database()

    def read_file(self, path: Path) -> None:
        try:
            table = read_table(path)
        except FileRefused as refused:
            self.result.files.append(FileReport(path.name, None))
            self.result.problems.append(refused.problem)
            return
        recognised = _recognise(table)
        report = FileReport(
            table.name,
            None,
            header=table.header,
            preview=[cells for _, cells in table.rows[:PREVIEW_ROWS]],
            rows=len(table.rows),
        )
        self.result.files.append(report)
        if recognised == "summary":
            report.kind = "summary"
            report.skipped = "a monthly summary is worked out from the records, not imported"
            return
        if not isinstance(recognised, FileFormat):
            self.problem(
                table.name,
                1,
                None,
                "cannot tell which records this file holds: its first row must be the "
                "header, with "
                + ", ".join(f"{f.signature} ({f.filename})" for f in RECORD_FORMATS),
            )
            return
        report.kind = recognised.kind
        if recognised is PATIENTS and self.target is not None:
            report.skipped = "the records are imported into the chosen patient"
            return
        header_problems = _header_problems(table, recognised, self.target is None)
        for message in header_problems:
            self.problem(table.name, 1, None, message)
        if header_problems:
            return
        if not table.rows:
            return  # an export of a patient without falls has a header-only falls.csv
        self.read_rows(table, recognised, report)

    def read_rows(self, table: CsvTable, file_format: FileFormat, report: FileReport) -> None:
        reading = ReadingOptions(self.options.date_format, decimal_comma=table.delimiter == ";")
        header = table.header
        columns: list[Column] = []
        for name in header:
            column = file_format.column(name)
            assert column is not None
            columns.append(column)
        width = len(header)
        # Rows that fit the header (short ones padded); wider ones are a problem of their own.
        too_wide: dict[int, int] = {}
        numbers: list[int] = []
        fitted: list[list[str]] = []
        for number, cells in table.rows:
            if len(cells) != width:
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    too_wide[number] = len(cells)
                    continue
                cells = cells[:width] + [""] * (width - len(cells))
            numbers.append(number)
            fitted.append(cells)
        # Column by column: a column of well-formed cells is read in one go; any other
        # column cell by cell, noting each unreadable cell under its row.
        texts_by_column = list(zip(*fitted, strict=True)) if fitted else [()] * width
        unreadable: dict[int, list[tuple[str, str]]] = {}
        read: list[list[object]] = []
        for column, texts in zip(columns, texts_by_column, strict=True):
            column_values = column_reader(column)(texts)
            if column_values is None:
                parse = column_parser(column, reading)
                column_values = []
                for r, text in enumerate(texts):
                    try:
                        column_values.append(parse(text))
                    except CellError as error:
                        unreadable.setdefault(r, []).append((column.name, str(error)))
                        column_values.append(None)
            read.append(column_values)
        stored = [k for k, c in enumerate(columns) if c.cell not in (Cell.PATIENT, Cell.TOTAL)]
        stored_names = [header[k] for k in stored]
        owners = next((read[k] for k, c in enumerate(columns) if c.cell is Cell.PATIENT), None)
        typed_totals = [(header[k], read[k]) for k, c in enumerate(columns) if c.cell is Cell.TOTAL]
        doubtful = _doubtful_totals(header, read, len(fitted)) if typed_totals else set()
        given = frozenset(header)
        # What a left-out column means; columns in the file overwrite nothing else.
        absent = {k: v for k, v in _defaults(file_format).items() if k not in given}
        if not too_wide and not unreadable:
            store = self.file_columns(table, file_format, header, read, absent, owners, numbers)
            if store is not None:
                _note_stored_instants(store, header, columns, texts_by_column)
                self.add_rows(file_format, report, store, typed_totals, doubtful, given)
                return
        # Some row needs its own message: row by row, in the rows' order.
        stamps = [name for name in _STAMP_COLUMNS if name in given]
        unstamped = [name for name in _STAMP_COLUMNS if name not in given]
        is_patients = file_format is PATIENTS
        target = None if self.target is None else self.target.uuid
        by_uuid = self.by_uuid
        incoming = self.incoming
        now = self.now
        missing_uuid = 0
        r = -1
        rows: list[tuple[object, ...]] = (
            list(zip(*(read[k] for k in stored), strict=True)) if stored else [()] * len(fitted)
        )
        for number, _ in table.rows:
            if number in too_wide:
                self.problem(
                    table.name,
                    number,
                    None,
                    f"has {too_wide[number]} cells but the header names {width} columns; "
                    "a cell containing the separator must be in double quotes",
                )
                continue
            r += 1
            if r in unreadable:
                for name, message in unreadable[r]:
                    self.problem(table.name, number, name, message)
                continue
            values: dict[str, Any] = dict(zip(stored_names, rows[r], strict=True))
            owner: Any = owners[r] if owners is not None else None
            # Only a total that disagrees with its items needs the row-by-row check.
            totals = {name: typed[r] for name, typed in typed_totals} if r in doubtful else None
            if absent:
                values.update(absent)
            for stamp in stamps:
                if values[stamp] is None:
                    values[stamp] = now  # a hand-written row is written now
            for stamp in unstamped:
                values[stamp] = now
            record_uuid = cast(str | None, values.get("uuid"))
            if record_uuid is None:
                missing_uuid += 1
                record_uuid = str(uuid_module.uuid4())
                values["uuid"] = record_uuid
            if is_patients:
                owner = record_uuid
            elif target is not None:
                owner = target
            elif owner is None:
                self.problem(table.name, number, "patient_uuid", "is empty; whose record is it?")
                continue
            earlier = by_uuid.get(record_uuid)
            if earlier is not None:
                where = "" if earlier.file is report else f" of {earlier.file.file}"
                self.problem(
                    table.name,
                    number,
                    "uuid",
                    f"the same uuid is already used in row {earlier.row}{where}; "
                    "every record needs its own",
                )
                continue
            item = _Incoming(file_format, report, number, record_uuid, owner, values, totals, given)
            by_uuid[record_uuid] = item
            incoming.append(item)
        if missing_uuid:
            self.result.warnings.append(
                f"{table.name}: {missing_uuid} row(s) have no uuid and get a new one; "
                "importing the same file again would add them again"
            )

    def file_columns(
        self,
        table: CsvTable,
        file_format: FileFormat,
        header: list[str],
        read: list[list[object]],
        absent: dict[str, Any],
        owners: list[object] | None,
        numbers: list[int],
    ) -> _FileColumns | None:
        """The file's records a column at a time, or None when some row needs a message.

        The same values as the row-by-row reading gives each record (stamps, new uuids,
        owners), worked out a column at a time.
        """
        count = len(numbers)
        values: dict[str, list[Any]] = {}
        for k, name in enumerate(header):
            if cast(Column, file_format.column(name)).cell not in (Cell.PATIENT, Cell.TOTAL):
                values[name] = read[k]
        for name, default in absent.items():
            values[name] = [default] * count
        now = self.now
        for name in _STAMP_COLUMNS:
            if name in absent:
                values[name] = [now] * count
            elif None in values[name]:
                values[name] = [now if v is None else v for v in values[name]]  # hand-written
        uuids: list[Any] = values["uuid"]
        missing = uuids.count(None)
        if missing:
            uuids = [str(uuid_module.uuid4()) if u is None else u for u in uuids]
        if file_format is PATIENTS:
            owned: list[Any] = uuids
        elif self.target is not None:
            owned = [self.target.uuid] * count
        elif owners is None or None in owners:
            return None  # a row without its patient
        else:
            owned = owners
        if len(set(uuids)) != count or not self.by_uuid.keys().isdisjoint(uuids):
            return None  # a uuid used twice
        if missing:
            values["uuid"] = uuids
            self.result.warnings.append(
                f"{table.name}: {missing} row(s) have no uuid and get a new one; "
                "importing the same file again would add them again"
            )
        return _FileColumns(numbers, values, owned, {})

    def add_rows(
        self,
        file_format: FileFormat,
        report: FileReport,
        store: _FileColumns,
        typed_totals: list[tuple[str, list[object]]],
        doubtful: set[int],
        given: frozenset[str],
    ) -> None:
        """One record per row of ``store``, all of them accepted."""
        count = len(store.numbers)
        names = list(store.values)
        records = list(
            map(dict, map(zip, itertools.repeat(names), zip(*store.values.values(), strict=True)))
        )
        totals: list[dict[str, Any] | None] = [None] * count
        for r in doubtful:  # only a total that disagrees with its items is checked row by row
            totals[r] = {name: typed[r] for name, typed in typed_totals}
        items = list(
            map(
                _Incoming,
                itertools.repeat(file_format),
                itertools.repeat(report),
                store.numbers,
                store.values["uuid"],
                store.owners,
                records,
                totals,
                itertools.repeat(given),
                itertools.repeat(store),
            )
        )
        self.by_uuid.update(zip(store.values["uuid"], items, strict=True))
        self.incoming.extend(items)

    def check_owners(self) -> None:
        in_files = {i.uuid for i in self.incoming if i.file_format is PATIENTS}
        if self.target is not None:
            return
        for item in self.incoming:
            if item.file_format is PATIENTS or item.owner in in_files:
                continue
            known = self.patients.get(item.owner or "")
            if known is None:
                self.problem(
                    item.file.file,
                    item.row,
                    "patient_uuid",
                    f"{item.owner} is not a patient in this database or in patients.csv",
                )
            elif known.deleted:
                self.problem(
                    item.file.file,
                    item.row,
                    "patient_uuid",
                    "this patient was deleted in this database; restore the patient first",
                )

    def birth_date(self, owner: str | None) -> date | None:
        if self.target is not None:
            return self.target.birth_date
        incoming = self.by_uuid.get(owner or "")
        if incoming is not None and incoming.file_format is PATIENTS:
            born = incoming.values.get("birth_date")
            return born if isinstance(born, date) else None
        known = self.patients.get(owner or "")
        return known.birth_date if known else None

    def validate(self) -> None:
        scales = [(s, s.columns) for s in SCALES]
        born: dict[str | None, date | None] = {}
        now = self.now
        for item in self.incoming:
            values = item.values
            if item.owner not in born:
                born[item.owner] = self.birth_date(item.owner)
            try:
                _VALIDATORS[item.file_format.kind](values, born[item.owner], now)
            except ValidationError as error:
                for found in error.problems:
                    column = found.field if item.file_format.column(found.field) else None
                    self.problem(item.file.file, item.row, column, found.message)
            if item.totals is None:
                continue
            for s, item_columns in scales:
                typed = item.totals.get(s.total_column)
                if typed is None:
                    continue
                marked = sum(1 for c in item_columns if values.get(c))
                if not s.minimum <= typed <= s.maximum:
                    self.problem(
                        item.file.file,
                        item.row,
                        s.total_column,
                        f"{s.abbreviation} total {typed} is outside {s.minimum} to {s.maximum}",
                    )
                elif typed != marked:
                    self.problem(
                        item.file.file,
                        item.row,
                        s.total_column,
                        f"{s.abbreviation} total {typed} does not match the "
                        f"{marked} {s.item_noun}(s) marked 1",
                    )

    def compare_with_database(self) -> None:
        """Sort every incoming record into new, unchanged or conflicting."""
        existing: dict[str, tuple[FileFormat, dict[str, Any]]] = {}
        incoming: str | None = None
        with self.database.read_session() as session:
            for file_format in RECORD_FORMATS:
                table = file_format.model.__table__
                patients = Patient.__table__
                count = session.scalar(select(func.count()).select_from(table)) or 0
                if count <= len(self.by_uuid):
                    # Reading the table's UUIDs costs less than looking each incoming one up.
                    wanted = [u for u in session.scalars(select(table.c.uuid)) if u in self.by_uuid]
                else:
                    # One indexed probe finds the few known UUIDs among the table's many.
                    incoming = incoming or json.dumps(list(self.by_uuid))
                    probe = func.json_each(incoming).table_valued("value")
                    wanted = list(
                        session.scalars(select(table.c.uuid).where(table.c.uuid.in_(select(probe))))
                    )
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start : start + 500]
                    if file_format is PATIENTS:
                        query = select(table).where(table.c.uuid.in_(chunk))
                    else:
                        query = (
                            select(table, patients.c.uuid.label("owner_uuid"))
                            .join(patients, table.c.patient_id == patients.c.id)
                            .where(table.c.uuid.in_(chunk))
                        )
                    for row in session.execute(query).mappings():
                        existing[row["uuid"]] = (file_format, dict(row))
        for item in self.incoming:
            found = existing.get(item.uuid)
            if found is None:
                item.file.new += 1
                continue
            stored_format, stored = found
            if stored_format is not item.file_format:
                self.problem(
                    item.file.file,
                    item.row,
                    "uuid",
                    f"this uuid belongs to {_a(stored_format.kind)} in this database, "
                    f"not {_a(item.file_format.kind)}",
                )
                continue
            differing = _differences(item, stored)
            if differing:
                item.file.conflicting += 1
                self.result.conflicts.append(
                    Conflict(item.file.file, item.row, item.file_format.kind, item.uuid, differing)
                )
            else:
                item.file.unchanged += 1
        self.existing = set(existing)


def _doubtful_totals(header: list[str], read: list[list[object]], rows: int) -> set[int]:
    """Rows whose typed scale total is not the number of its items marked 1.

    Worked out a column at a time; a total that agrees is also within the scale's
    range, so only these rows can hold a problem with their totals.
    """
    doubtful: set[int] = set()
    for s in SCALES:
        if s.total_column not in header:
            continue
        typed = read[header.index(s.total_column)]
        answers = [read[header.index(c)] for c in s.columns if c in header]
        try:
            marked: list[int] = list(map(sum, zip(*answers, strict=True)))
        except TypeError:  # an unreadable answer (None): that row is refused anyway
            marked = [sum(1 for a in row if a) for row in zip(*answers, strict=True)]
        if not answers:
            marked = [0] * rows
        doubtful.update(itertools.compress(range(rows), map(operator.ne, typed, marked)))
    return doubtful


def _defaults(file_format: FileFormat) -> dict[str, Any]:
    """What a column left out of a hand-written file means: the record's default."""
    values: dict[str, Any] = {}
    for column in file_format.stored:
        model_column = file_format.model.__table__.c[column.name]
        default = model_column.default
        if default is not None and getattr(default, "is_scalar", False):
            values[column.name] = default.arg
        else:
            values[column.name] = None
    return values


def _same(a: object, b: object) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a.replace(tzinfo=a.tzinfo or UTC) == b.replace(tzinfo=b.tzinfo or UTC)
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b) and a is not None and b is not None
    return a == b


def _differences(item: _Incoming, stored: Mapping[str, Any]) -> tuple[str, ...]:
    differing = [
        c.name
        for c in item.file_format.stored
        if c.name in item.given
        and c.name not in _UNCOMPARED
        and not _same(item.values.get(c.name), stored.get(c.name))
    ]
    if item.file_format is not PATIENTS and stored.get("owner_uuid") != item.owner:
        differing.insert(0, "patient")
    return tuple(differing)


def _validate_patient(values: dict[str, Any], _born: date | None, _now: datetime) -> None:
    validation.validate_patient(values)


_VALIDATORS: dict[str, Callable[[dict[str, Any], date | None, datetime], None]] = {
    "patient": _validate_patient,
    "assessment": lambda v, born, now: validation.validate_assessment(v, birth_date=born, now=now),
    "fall": lambda v, born, now: validation.validate_fall(v, birth_date=born, now=now),
    "infusion": lambda v, born, _now: validation.validate_infusion_course(v, birth_date=born),
    "medication": lambda v, born, _now: validation.validate_medication_period(v, birth_date=born),
    "lab": lambda v, born, _now: validation.validate_lab_result(v, birth_date=born),
}


def import_csv(
    database: Database, source: Path, options: ImportOptions | None = None
) -> ImportResult:
    """Check ``source`` (a folder of CSV files or one file) and import it if all is well."""
    # About ten objects per row and no reference cycles: nothing for the collector to find.
    with cycle_collector_paused():
        return _import(database, source, options or ImportOptions())


def _import(database: Database, source: Path, options: ImportOptions) -> ImportResult:
    planner = _Planner(database, source, options)
    planner.plan()
    result = planner.result
    if result.conflicts and not options.keep_existing:
        for conflict in result.conflicts:
            result.problems.append(
                ImportProblem(conflict.file, conflict.row, None, str(conflict).split(": ", 1)[1])
            )
    if result.problems or options.dry_run:
        log.info("import checked: %d problems, written: no", len(result.problems))
        return result
    new = [i for i in planner.incoming if i.uuid not in planner.existing]
    if new:
        _write(database, new, options.actor)
        result.written = True
    log.info("imported %d records", len(new))
    return result


def _write(database: Database, new: list[_Incoming], actor: str) -> None:
    """Everything in one transaction: bulk inserts, then one audit row per record."""
    now = datetime.now(UTC)
    with database.engine.connect() as connection:
        # Room for the UUID indexes' pages: with SQLite's 2 MB default a large import
        # spills and re-reads them many times. Only this connection, only this write.
        cache_size = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
        connection.exec_driver_sql(f"PRAGMA cache_size = {_IMPORT_CACHE_KIB}")
        connection.commit()  # ends the autobegun (empty) transaction of the pragmas
        _add_audit_functions(connection)
        try:
            with connection.begin():
                first_ids = _write_records(connection, new)
                _write_audit(connection, new, first_ids, now, actor)
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {cache_size}")
            connection.commit()


def _write_records(connection: Connection, new: list[_Incoming]) -> dict[str, int]:
    """Insert the records; the id each kind's new rows start after, by kind."""
    after: dict[str, int] = {}
    for file_format in RECORD_FORMATS:
        table = file_format.model.__table__
        after[file_format.kind] = int(
            connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        )
    patients = [i for i in new if i.file_format is PATIENTS]
    if patients:
        connection.execute(insert(Patient), [i.values for i in patients])
    owners = {i.owner for i in new if i.owner}
    ids: dict[str, int] = {}
    owner_list = list(owners)
    for start in range(0, len(owner_list), 500):
        chunk = owner_list[start : start + 500]
        for patient_id, patient_uuid in connection.execute(
            select(Patient.id, Patient.uuid).where(Patient.uuid.in_(chunk))
        ):
            ids[patient_uuid] = patient_id
    dialect = connection.dialect
    for file_format in RECORD_FORMATS[1:]:
        items = [i for i in new if i.file_format is file_format]
        if not items:
            continue
        table = file_format.model.__table__
        # Bound a file's rows at a time; the columns of one file are used as they are.
        parts: list[dict[str, Sequence[Any]]] = []
        for store, run in itertools.groupby(items, key=operator.attrgetter("columns")):
            values, stored_text, run_owners = _rows_of(store, list(run))
            part: dict[str, Sequence[Any]] = {"patient_id": list(map(ids.__getitem__, run_owners))}
            for name, column in values.items():
                if name in stored_text:
                    part[name] = stored_text[name]
                else:
                    bind = _binder(table.c[name], dialect)
                    part[name] = column if bind is None else bind(column)
            parts.append(part)
        bound = parts[0] if len(parts) == 1 else _joined(parts)
        names = [c.name for c in table.columns if c.name in bound]
        _insert_many(connection, file_format.model, names, [bound[name] for name in names])
    return after


def _joined(parts: list[dict[str, Sequence[Any]]]) -> dict[str, Sequence[Any]]:
    """The bound columns of several files of one kind, one after the other."""
    return {name: [v for part in parts for v in part[name]] for name in parts[0]}


def _rows_of(
    store: _FileColumns | None, run: list[_Incoming]
) -> tuple[Mapping[str, Sequence[Any]], Mapping[str, Sequence[str]], Sequence[str]]:
    """The values, stored instants and owners of ``run``, some or all rows of one file."""
    if store is None:
        # Only a file with a problem is read row by row, and then nothing is written.
        raise AssertionError("records without their file's columns")
    if len(run) == len(store.numbers):
        return store.values, store.stored_text, store.owners
    # Some rows are already in the database (unchanged, or kept on a conflict).
    index = {number: k for k, number in enumerate(store.numbers)}
    rows = [index[item.row] for item in run]

    def pick(column: Sequence[Any]) -> list[Any]:
        return [column[k] for k in rows]

    return (
        {name: pick(column) for name, column in store.values.items()},
        {name: pick(column) for name, column in store.stored_text.items()},
        pick(store.owners),
    )


def _write_audit(
    connection: Connection,
    new: list[_Incoming],
    after: dict[str, int],
    now: datetime,
    actor: str,
) -> None:
    """One audit row per record, in the order of ``new``, built by SQLite from the rows.

    The values are those of the record as inserted (the patient's id left out), in the
    same JSON text as services.audit_json writes for them: no Python call per record.
    """
    (at,) = stored_instants([now])
    done: dict[str, int] = {}
    for file_format, run in itertools.groupby(new, key=operator.attrgetter("file_format")):
        count = sum(1 for _ in run)
        kind = file_format.kind
        skip = done.get(kind, 0)
        done[kind] = skip + count
        written = connection.exec_driver_sql(
            _audit_insert(file_format),
            {"at": at, "actor": actor, "after": after[kind], "count": count, "skip": skip},
        )
        if written.rowcount != count:
            # The new rows' ids do not follow the table's largest (never seen in SQLite's
            # own rowid choice below 2**63): refuse rather than leave records without audit.
            raise AssertionError(f"{kind}: {written.rowcount} audit rows for {count} records")


_AUDIT_NUMBER = "sps_audit_number"


def _audit_number(value: float | int | None) -> str:
    """A number as json writes it (float repr), for the audit JSON built in SQL."""
    return json.dumps(value)


def _add_audit_functions(connection: Connection) -> None:
    raw = connection.connection.driver_connection
    raw.create_function(_AUDIT_NUMBER, 1, _audit_number, deterministic=True)  # type: ignore[union-attr]


def _json_value_sql(column: ColumnElement[Any], name: str) -> str:
    """SQL for a stored value as the JSON text services.audit_json gives its Python value."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        # Stored 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC; isoformat() leaves out zero microseconds.
        return (
            f"CASE WHEN {name} IS NULL THEN 'null' "
            f"WHEN substr({name}, 21) = '000000' "
            f"THEN '\"' || substr({name}, 1, 10) || 'T' || substr({name}, 12, 8) || '+00:00\"' "
            f"ELSE '\"' || substr({name}, 1, 10) || 'T' || substr({name}, 12) || '+00:00\"' END"
        )
    if isinstance(kind, YesNo):
        return f"CASE {name} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE 'null' END"
    if isinstance(kind, Float):
        return f"{_AUDIT_NUMBER}({name})"  # SQLite writes reals its own way (1.0e-07)
    if isinstance(kind, Integer | Date | String):  # Text is a String
        return f"json_quote({name})"
    raise TypeError(f"{column}: no audit JSON for {kind!r}")


@functools.cache
def _audit_insert(file_format: FileFormat) -> str:
    """INSERT of the audit rows of ``count`` new records of one kind, after ``skip`` others."""
    table = file_format.model.__table__
    names = sorted(c.name for c in file_format.stored)  # json's sort_keys order
    # One printf() per row: a chain of || would copy the growing text once per field.
    template = "{" + ", ".join(f"{json.dumps(name)}: %s" for name in names) + "}"
    arguments = ", ".join(_json_value_sql(table.c[name], f"r.{name}") for name in names)
    owner = (
        "r.uuid"
        if file_format is PATIENTS
        else f"(SELECT p.uuid FROM {Patient.__tablename__} AS p WHERE p.id = r.patient_id)"
    )
    columns = ", ".join(_AUDIT_COLUMNS)
    return (
        f"INSERT INTO {AuditEntry.__tablename__} ({columns}) "
        f"SELECT :at, :actor, 'import', '{file_format.kind}', r.uuid, {owner}, NULL, "
        f"printf('{template}', {arguments}) "
        f"FROM {file_format.model.__tablename__} AS r WHERE r.id > :after "
        "ORDER BY r.id LIMIT :count OFFSET :skip"
    )


_IMPORT_CACHE_KIB = -65536  # negative: KiB, so 64 MiB at most, and only while writing
_AUDIT_COLUMNS = (
    "at",
    "actor",
    "action",
    "record_kind",
    "record_uuid",
    "patient_uuid",
    "old_values",
    "new_values",
)


# An instant as the export writes it: SQLite's stored text with 'T' and the offset.
_WHOLE_SECONDS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+00:00")
_MICROSECONDS = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00"
)
_SPACE_FOR_T = operator.methodcaller("replace", "T", " ")
_FRACTION_FOR_OFFSET = operator.methodcaller("replace", "+00:00", ".000000")
_NO_OFFSET = operator.methodcaller("replace", "+00:00", "")


def stored_text_of_cells(texts: Sequence[str]) -> list[str] | None:
    """What UTCDateTime stores for cells of UTC instants in ISO form (as the export writes
    them), by replacing characters, or None when a cell has any other form.

    The cells must already have been read as instants: this checks the form, not the date.
    Formatting 100,000 datetimes again costs more than reading them did.
    """
    if all(map(_WHOLE_SECONDS.fullmatch, texts)):
        return list(map(_FRACTION_FOR_OFFSET, map(_SPACE_FOR_T, texts)))
    if all(map(_MICROSECONDS.fullmatch, texts)):
        return list(map(_NO_OFFSET, map(_SPACE_FOR_T, texts)))
    return None


def _note_stored_instants(
    store: _FileColumns,
    header: list[str],
    columns: list[Column],
    texts_by_column: Sequence[Sequence[str]],
) -> None:
    for name, column, texts in zip(header, columns, texts_by_column, strict=True):
        if column.cell in (Cell.INSTANT, Cell.STAMP):
            # Every cell in the stored form: none was empty, so none was stamped now.
            stored = stored_text_of_cells(texts)
            if stored is not None:
                store.stored_text[name] = stored


_TO_UTC = operator.methodcaller("astimezone", UTC)
_NAIVE = operator.methodcaller("replace", tzinfo=None)
_SPACED_ISO = operator.methodcaller("isoformat", " ", "microseconds")
_TZINFO = operator.attrgetter("tzinfo")


def stored_instants(moments: Sequence[datetime | None]) -> list[str | None]:
    """The text UTCDateTime stores on SQLite for aware instants (UTC, microseconds)."""
    if None in moments:
        return [None if m is None else _SPACED_ISO(_NAIVE(_TO_UTC(m))) for m in moments]
    distinct = set(moments)
    if 0 < len(distinct) * 2 <= len(moments):  # e.g. the one moment of every audit row
        stored = dict(zip(distinct, stored_instants(list(distinct)), strict=True))
        return list(map(stored.__getitem__, moments))
    if all(zone is UTC for zone in set(map(_TZINFO, moments))):
        # Already in UTC: the ISO text up to its '+00:00' is the stored text.
        return [text[:26] for text in map(_SPACED_ISO, moments)]
    return list(map(_SPACED_ISO, map(_NAIVE, map(_TO_UTC, moments))))


def _answers(values: Sequence[bool | int | None]) -> list[int | None]:
    """YesNo's bind step for a column of answers already checked to be yes or no."""
    if None in values:
        return [None if v is None else int(v) for v in values]
    return list(map(int, values))  # type: ignore[arg-type]


ColumnBinder = Callable[[Sequence[Any]], list[Any]]


def _binder(column: ColumnElement[Any], dialect: Dialect) -> ColumnBinder | None:
    """What the column's type does to a column of values before SQLite gets them."""
    if isinstance(column.type, UTCDateTime):
        return stored_instants  # the type's two Python steps as C-level maps
    if isinstance(column.type, YesNo):
        # The type's int(): sqlite3 binds a bool only after a slow search for an adapter.
        return _answers
    processor: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(
        dialect
    )
    if processor is None:
        return None
    process = processor

    def bind(values: Sequence[Any]) -> list[Any]:
        return [None if v is None else process(v) for v in values]

    return bind


def _insert_many(
    connection: Connection, model: type[Base], names: list[str], bound: list[Sequence[Any]]
) -> None:
    """Core's INSERT of ``names`` (in the table's order), values bound, in one executemany."""
    compiled = insert(model).compile(dialect=connection.dialect, column_keys=names)
    if list(compiled.positiontup or ()) != names:
        raise AssertionError(f"{model.__name__}: columns out of order: {compiled.positiontup}")
    connection.exec_driver_sql(compiled.string, list(zip(*bound, strict=True)))
