"""The import's audit rows, built by SQLite, hold the text services.audit_json gives."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column as TableColumn
from sqlalchemy import Connection, MetaData, Table, create_engine, text

from sps_tracker.exchange import csv_import
from sps_tracker.exchange.csv_import import (
    FileReport,
    _add_audit_functions,
    _FileColumns,
    _Incoming,
    _write_audit,
    _write_records,
    stored_instants,
    stored_text_of_cells,
)
from sps_tracker.exchange.formats import PATIENTS, RECORD_FORMATS, Cell, FileFormat
from sps_tracker.services import Tracker, audit_json
from sps_tracker.storage.models import AuditEntry

from .conftest import read_rows, write_rows

# Numbers whose text differs between SQLite's printf and Python's repr.
NUMBERS = st.one_of(
    st.sampled_from([0.1, 1e-7, 1e16, 1e-300, 5e-324, 0.30000000000000004, 2.0, 123456.789]),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda n: n + 0.0),  # as cells read
)
INSTANTS = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
    lambda m: m.replace(tzinfo=UTC)
)
# Any text: quotes, backslashes, control characters, NUL, non-BMP and line separators.
TEXTS = st.one_of(
    st.text(),
    st.sampled_from(['"', "\\", "\x00", "\x1f\x7f", "\u2028", "Zoë 🧠", "%s %d %%", "'"]),
)


def cell_values(cell: Cell) -> st.SearchStrategy[Any]:
    """What the import's cell readers give for each kind of cell."""
    present: dict[Cell, st.SearchStrategy[Any]] = {
        Cell.UUID: st.uuids().map(str),
        Cell.TEXT: TEXTS,
        Cell.OPTIONAL_TEXT: TEXTS,
        Cell.KEY: TEXTS,
        Cell.OPTIONAL_KEY: TEXTS,
        Cell.DATE: st.dates(),
        Cell.OPTIONAL_DATE: st.dates(),
        Cell.INSTANT: INSTANTS,
        Cell.STAMP: INSTANTS,
        Cell.INT: st.integers(min_value=-(2**63), max_value=2**63 - 1),
        Cell.NUMBER: NUMBERS,
        Cell.OPTIONAL_NUMBER: NUMBERS,
        Cell.YES_NO: st.booleans(),
    }
    return st.one_of(st.none(), present[cell])


def record_values(file_format: FileFormat) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {c.name: cell_values(c.cell) for c in file_format.stored if c.name != "uuid"}
    )


@pytest.fixture(scope="module")
def plain_schema() -> Iterator[Connection]:
    """The app's tables with their column types but no constraints, so any value fits."""
    metadata = MetaData()
    for table in (*(f.model.__table__ for f in RECORD_FORMATS), AuditEntry.__table__):
        Table(
            table.name,
            metadata,
            *(
                TableColumn(c.name, c.type, primary_key=c.primary_key)
                for c in table.columns
                if not c.computed
            ),
        )
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.connect() as connection:
        _add_audit_functions(connection)
        yield connection


def incoming(file_format: FileFormat, values: dict[str, Any], owner: str) -> _Incoming:
    values = {"uuid": str(uuid.uuid4()), **values}
    record_uuid = values["uuid"]
    report = FileReport(file_format.filename, file_format.kind)
    owner = record_uuid if file_format is PATIENTS else owner
    # A file of one row, its columns as the import keeps them.
    columns = _FileColumns([2], {name: [value] for name, value in values.items()}, [owner], {})
    return _Incoming(
        file_format, report, 2, record_uuid, owner, values, None, frozenset(values), columns
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.data(),
    st.lists(st.sampled_from(RECORD_FORMATS[1:]), max_size=6),
)
def test_audit_text_is_services_audit_json_for_every_kind(
    plain_schema: Connection, data: st.DataObject, kinds: list[FileFormat]
) -> None:
    patient = incoming(PATIENTS, data.draw(record_values(PATIENTS)), "")
    # Kinds interleaved as files sorted by name can be: the audit keeps their order.
    new = [patient] + [
        incoming(kind, data.draw(record_values(kind)), patient.uuid) for kind in kinds
    ]
    expected = [(i.file_format.kind, i.uuid, i.owner, audit_json(i.values)) for i in new]
    now = datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=UTC)
    with plain_schema.begin() as transaction:
        after = _write_records(plain_schema, new)
        _write_audit(plain_schema, new, after, now, "tester")
        audit_rows = plain_schema.execute(
            text(
                "SELECT at, actor, action, record_kind, record_uuid, patient_uuid, old_values, "
                "new_values FROM audit_entry ORDER BY id"
            )
        ).all()
        transaction.rollback()  # each example starts from empty tables
    assert [(r.record_kind, r.record_uuid, r.patient_uuid, r.new_values) for r in audit_rows] == (
        expected
    )
    assert {(r.at, r.actor, r.action, r.old_values) for r in audit_rows} == {
        ("2026-01-02 03:04:05.000600", "tester", "import", None)
    }


def test_audit_numbers_are_written_as_python_writes_them() -> None:
    for number in (0.1, 1e-7, 1e16, 5e-324, 2.0, None):
        assert csv_import._audit_number(number) == json.dumps(number)


def edit(path: Path, changes: dict[str, str], row: int = 0) -> None:
    header, rows = read_rows(path)
    for column, value in changes.items():
        rows[row][header.index(column)] = value
    write_rows(path, header, rows)


def test_imported_audit_rows_are_the_importers_json_for_every_kind(
    empty: Tracker, exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(
        exported / "patients.csv",
        {
            "notes": 'tab\there, "quoted", back\\slash, \x01 control, \u2028 and 🧠',
            "clinic_identifier": "",
            "synthetic": "yes",
        },
    )
    edit(
        exported / "assessments.csv",
        {
            "assessed_at": "2025-03-04T09:30:00.250000+01:00",
            "walking_status": "",
            "dsi_arms": "Y",
            "dsi_total": "",
        },
    )
    edit(exported / "labs.csv", {"value": "-0", "created_at": ""})  # a stamp of now
    edit(exported / "infusions.csv", {"total_grams": "0.1", "grams_per_kg": "", "days": "3"})
    edit(exported / "medications.csv", {"daily_dose": "1e-7", "stop_date": ""})
    edit(exported / "falls.csv", {"injury": "0", "injury_description": "", "notes": "naïve"})
    expected: dict[str, str] = {}
    write = csv_import._write

    def write_noting_the_values(database: Any, new: list[_Incoming], actor: str) -> None:
        # What the importer wrote before: audit_json of each record's values at this point.
        expected.update({i.uuid: audit_json(i.values) for i in new})
        write(database, new, actor)

    monkeypatch.setattr(csv_import, "_write", write_noting_the_values)
    assert empty.import_csv(exported).written
    with empty.database.engine.connect() as connection:
        logged = dict(
            connection.execute(text("SELECT record_uuid, new_values FROM audit_entry")).all()
        )
    assert logged == expected
    assert len(expected) == sum(len(read_rows(p)[1]) for p in exported.glob("*.csv")) - len(
        read_rows(exported / "summary.csv")[1]
    )
    assert '"total_grams": 0.1' in next(v for v in logged.values() if '"days": 3' in v)
    assert '"daily_dose": 1e-07' in next(v for v in logged.values() if '"drug"' in v)
    # -0 is read as 0.0, the number SQLite stores, so the audit says what the record holds.
    assert '"value": 0.0' in next(v for v in logged.values() if '"analyte"' in v)


def test_audit_rows_follow_the_files_order_when_kinds_interleave(
    empty: Tracker, exported: Path
) -> None:
    # Sorted by name, falls come between two files of assessments.
    header, rows = read_rows(exported / "assessments.csv")
    write_rows(exported / "assessments.csv", header, rows[:1])
    write_rows(exported / "g_assessments.csv", header, rows[1:])
    order = [
        read_rows(exported / name)[1][k][0]
        for name in ("assessments.csv", "falls.csv", "g_assessments.csv")
        for k in range(len(read_rows(exported / name)[1]))
    ]
    assert empty.import_csv(exported).written
    with empty.database.engine.connect() as connection:
        logged = [
            u
            for (u,) in connection.execute(
                text(
                    "SELECT record_uuid FROM audit_entry "
                    "WHERE record_kind IN ('assessment', 'fall') ORDER BY id"
                )
            )
        ]
    assert logged == order


@given(st.lists(INSTANTS, min_size=1), st.booleans())
def test_instants_in_the_exports_form_become_the_stored_text(
    moments: list[datetime], whole_seconds: bool
) -> None:
    if whole_seconds:
        moments = [m.replace(microsecond=0) for m in moments]
    texts = [m.isoformat() for m in moments]
    got = stored_text_of_cells(texts)
    read = [datetime.fromisoformat(t) for t in texts]
    if len({len(t) for t in texts}) == 1:  # one form: whole seconds or microseconds
        assert got == stored_instants(read)
    else:
        assert got is None


@pytest.mark.parametrize(
    "text",
    [
        "2025-04-03T09:30:00Z",
        "2025-04-03T09:30:00+01:00",
        "2025-04-03 09:30:00+00:00",
        "2025-04-03T09:30:00.123+00:00",
        "2025-04-03T09:30+00:00",
        "٢٠٢٥-04-03T09:30:00+00:00",
        "",
    ],
)
def test_other_forms_of_instants_are_formatted_from_their_values(text: str) -> None:
    assert stored_text_of_cells(["2025-04-03T09:30:00+00:00", text]) is None
