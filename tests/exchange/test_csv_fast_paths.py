"""The import's and export's fast paths give exactly what the plain, per-cell ways give."""

from __future__ import annotations

import gc
import itertools
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, literal, select
from sqlalchemy.dialects import sqlite

from sps_tracker.exchange import csv_import
from sps_tracker.exchange.cells import (
    CellError,
    ReadingOptions,
    column_parser,
    column_reader,
    parse_cell,
)
from sps_tracker.exchange.csv_export import _iso_instant
from sps_tracker.exchange.csv_import import stored_instants
from sps_tracker.exchange.formats import ASSESSMENTS, Cell, Column, format_stored_instant
from sps_tracker.services import Tracker
from sps_tracker.storage.types import UTCDateTime

from .conftest import read_rows, record_counts, set_cell, write_rows

MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda m: m.replace(tzinfo=UTC)
)
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
# What SPS Tracker writes, what spreadsheets make of it, and junk.
EDGE_TEXTS = [
    "",
    " ",
    "0",
    "1",
    "yes",
    " 1 ",
    "Nein",
    "2",
    "-3",
    "+4",
    "007",
    "1e3",
    "2.5",
    "2,5",
    "nan",
    "inf",
    "-inf",
    "1_000",
    "12345678901234567890",
    "٣",
    "²",
    "2025-04-03",
    "2025-02-30",
    "20250403",
    "2025-W14-4",
    "03/04/2025",
    " 2025-04-03",
    "2025-04-03T09:30:00+00:00",
    "2025-04-03T09:30:00Z",
    "2025-04-03T09:30:00+01:00",
    "2025-04-03T09:30:00",
    "2025-04-03 09:30:00.123456+00:00",
    "0b9e5c2a-4f1d-4c3e-9a7b-2d8f6e1c5a40",
    "0B9E5C2A-4F1D-4C3E-9A7B-2D8F6E1C5A40",
    "{0b9e5c2a-4f1d-4c3e-9a7b-2d8f6e1c5a40}",
    "0b9e5c2a4f1d4c3e9a7b2d8f6e1c5a40",
    "Clinician",
    " patient ",
    "'=SUM(A1)",
    "''+1",
    "'plain",
    "=1+1",
]
CELL_TEXT = st.one_of(
    st.sampled_from(EDGE_TEXTS),
    MOMENTS.map(lambda m: m.isoformat()),
    st.builds(lambda m, z: m.astimezone(z).isoformat(), MOMENTS, OFFSETS),
    st.dates().map(date.isoformat),
    st.uuids().map(str),
    st.floats().map(repr),
    st.integers().map(str),
    st.text(max_size=12),
)
OPTIONS = st.sampled_from(
    [ReadingOptions(), ReadingOptions(decimal_comma=True), ReadingOptions("%d/%m/%Y")]
)


def outcome(parse: Any, text: str) -> tuple[str, object]:
    """A value with its exact type (and UTC offset), or the message, for comparing."""
    try:
        value = parse(text)
    except CellError as error:
        return ("error", str(error))
    if isinstance(value, datetime):
        return (type(value).__name__, (value, value.tzinfo is UTC))
    return (type(value).__name__, value)


@given(st.sampled_from(list(Cell)), st.lists(CELL_TEXT, max_size=8), OPTIONS)
def test_column_readers_and_parsers_match_parse_cell(
    cell: Cell, texts: list[str], options: ReadingOptions
) -> None:
    column = Column("c", cell)
    expected = [outcome(lambda t: parse_cell(column, t, options), t) for t in texts]
    parse = column_parser(column, options)
    assert [outcome(parse, t) for t in texts] == expected
    whole = column_reader(column)(texts)
    if whole is not None:  # None: read cell by cell, as checked above
        assert all(kind != "error" for kind, _ in expected)
        assert [outcome(lambda _t, v=v: v, "") for v in whole] == expected


@pytest.mark.parametrize("cell", list(Cell))
def test_every_edge_case_of_every_kind_of_cell(cell: Cell) -> None:
    column = Column("c", cell)
    for options in (ReadingOptions(), ReadingOptions(decimal_comma=True)):
        expected = [outcome(lambda t, o=options: parse_cell(column, t, o), t) for t in EDGE_TEXTS]
        parse = column_parser(column, options)
        assert [outcome(parse, t) for t in EDGE_TEXTS] == expected
        for text, wanted in zip(EDGE_TEXTS, expected, strict=True):
            whole = column_reader(column)([text, text])
            if whole is not None:
                assert [outcome(lambda _t, v=v: v, "") for v in whole] == [wanted, wanted], text


@given(st.lists(st.one_of(st.none(), st.builds(lambda m, z: m.astimezone(z), MOMENTS, OFFSETS))))
def test_stored_instants_are_what_the_type_stores(moments: list[datetime | None]) -> None:
    dialect = sqlite.dialect()
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    assert stored_instants(moments) == [None if m is None else process(m) for m in moments]
    # Repeated moments (every audit row of an import has the same one) take a short cut.
    present = [m for m in moments if m is not None] * 3
    assert stored_instants(present) == [process(m) for m in present]


@given(st.lists(st.one_of(st.none(), MOMENTS)))
def test_sql_instants_match_python(moments: list[datetime | None]) -> None:
    stored = stored_instants(moments)
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        for text in stored:
            got = connection.execute(select(_iso_instant(literal(text)))).scalar_one()
            assert got == (None if text is None else format_stored_instant(text))


def test_imported_audit_rows_hold_each_record_as_imported(empty: Tracker, exported: Path) -> None:
    header, rows = read_rows(exported / "assessments.csv")
    assert empty.import_csv(exported).written
    first = dict(zip(header, rows[0], strict=True))
    (entry,) = empty.audit_trail(first["uuid"])
    assert entry.action == "import" and entry.record_kind == "assessment"
    assert entry.patient_uuid == first["patient_uuid"]
    assert entry.new_values is not None
    logged = json.loads(entry.new_values)
    # Every stored field, none of the derived totals or the owner's uuid.
    assert set(logged) == {c.name for c in ASSESSMENTS.stored}
    assert logged["assessed_at"] == first["assessed_at"]
    assert logged["dsi_face"] is (first["dsi_face"] == "1")
    assert logged["uuid"] == first["uuid"]


def test_every_bad_cell_of_a_row_is_named_in_row_then_column_order(
    empty: Tracker, exported: Path
) -> None:
    path = exported / "assessments.csv"
    header, rows = read_rows(path)
    rows[0].extend(["x", "y"])  # two cells more than the header names
    rows[1][header.index("dsi_face")] = "maybe"
    rows[1][header.index("assessed_at")] = "yesterday"
    write_rows(path, header, rows)
    before = record_counts(empty)
    result = empty.import_csv(exported)
    assert not result.written and record_counts(empty) == before
    found = [(p.row, p.column) for p in result.problems]
    assert found == [(2, None), (3, "assessed_at"), (3, "dsi_face")]


def test_cells_as_spreadsheets_write_them_still_import(empty: Tracker, exported: Path) -> None:
    path = exported / "assessments.csv"
    header, rows = read_rows(path)
    rows[0][header.index("dsi_face")] = (
        " Yes " if rows[0][header.index("dsi_face")] == "1" else "no"
    )
    answer = rows[0][header.index("dsi_face")] == " Yes "
    rows[0][header.index("source")] = f" {rows[0][header.index('source')].upper()} "
    rows[0][header.index("assessed_at")] = rows[0][header.index("assessed_at")].replace(
        "+00:00", "Z"
    )
    write_rows(path, header, rows)
    result = empty.import_csv(exported)
    assert result.written, [str(p) for p in result.problems]
    (entry,) = empty.audit_trail(rows[0][header.index("uuid")])
    assert entry.new_values is not None
    logged = json.loads(entry.new_values)
    assert logged["dsi_face"] is answer
    assert logged["source"] == rows[0][header.index("source")].strip().lower()
    assert logged["assessed_at"].endswith("+00:00")


def test_import_gives_back_the_page_cache(empty: Tracker, exported: Path) -> None:
    def cache_size() -> int:
        with empty.database.engine.connect() as connection:
            return int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or 0)

    before = cache_size()
    assert empty.import_csv(exported).written
    assert cache_size() == before


@pytest.mark.parametrize("text", ["2025-04-03T09:30:00+01:00", "2025-04-03T08:30:00Z"])
def test_instants_with_other_offsets_take_the_careful_way(text: str) -> None:
    column = Column("c", Cell.INSTANT)
    assert column_reader(column)([text]) is None or text.endswith("Z")
    assert column_parser(column, ReadingOptions())(text) == datetime(2025, 4, 3, 8, 30, tzinfo=UTC)


def drop_column(path: Path, column: str) -> None:
    header, rows = read_rows(path)
    k = header.index(column)
    write_rows(path, header[:k] + header[k + 1 :], [row[:k] + row[k + 1 :] for row in rows])


def edit_cells(path: Path, row: int, **cells: str) -> None:
    for column, value in cells.items():
        set_cell(path, row, column, value)


SURGERY: dict[str, Callable[[Path], None]] = {
    "as exported": lambda folder: None,
    "hand-written cells": lambda folder: (
        edit_cells(folder / "assessments.csv", 0, uuid="", dsi_total="5"),
        edit_cells(folder / "assessments.csv", 1, created_at=""),
    ),
    "columns left out": lambda folder: (
        drop_column(folder / "falls.csv", "notes"),
        drop_column(folder / "falls.csv", "updated_at"),
        drop_column(folder / "labs.csv", "uuid"),
    ),
    "a uuid twice": lambda folder: set_cell(
        folder / "assessments.csv", 1, "uuid", read_rows(folder / "assessments.csv")[1][0][0]
    ),
    "a record without its patient": lambda folder: set_cell(
        folder / "falls.csv", 0, "patient_uuid", ""
    ),
}


@pytest.mark.parametrize("surgery", list(SURGERY))
def test_files_read_a_column_at_a_time_give_what_row_by_row_gives(
    empty: Tracker, exported: Path, surgery: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    SURGERY[surgery](exported)

    def read(one_by_one: bool) -> tuple[list[tuple[object, ...]], list[str], list[str]]:
        with monkeypatch.context() as patch:
            if one_by_one:
                patch.setattr(csv_import._Planner, "file_columns", lambda *_: None)
            made = itertools.count()  # the same new uuids, in the same order, both ways
            patch.setattr(csv_import.uuid_module, "uuid4", lambda: uuid.UUID(int=next(made)))
            planner = csv_import._Planner(empty.database, exported, csv_import.ImportOptions())
            planner.now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
            for path in sorted(exported.glob("*.csv")):
                planner.read_file(path)
        records = [
            (i.file.file, i.row, i.uuid, i.owner, list(i.values.items()), i.totals, i.given)
            for i in planner.incoming
        ]
        return records, planner.result.warnings, [str(p) for p in planner.result.problems]

    assert read(one_by_one=False) == read(one_by_one=True)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cycle_collector_is_left_as_it_was(
    empty: Tracker, exported: Path, enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    plan = csv_import._Planner.plan

    def plan_noting(planner: csv_import._Planner) -> None:
        seen.append(gc.isenabled())
        plan(planner)

    monkeypatch.setattr(csv_import._Planner, "plan", plan_noting)
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        assert empty.import_csv(exported).written
        assert gc.isenabled() is enabled
        set_cell(exported / "falls.csv", 0, "trigger", "nonsense")
        assert not empty.import_csv(exported).written  # refused, and as it was all the same
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False, False]  # paused while reading and checking
