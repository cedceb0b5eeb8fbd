"""Export -> import into an empty database -> export gives byte-identical files."""

from __future__ import annotations

import csv
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.scales import SCALES
from sps_tracker.exchange.formats import (
    RECORD_FORMATS,
    Cell,
    format_stored_instant,
    neutralise,
    restore,
)
from sps_tracker.services import Tracker
from sps_tracker.storage.models import (
    Assessment,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
    PatientRecord,
)

from .conftest import open_tracker, read_rows, record_counts, write_rows

HOSTILE_TEXT = st.sampled_from(
    [
        "=1+1",
        "'=x",
        "''-2",
        "-3 mg",
        "@SUM(A1)",
        "\tindent",
        "\rreturn",
        "+44 20",
        "a,b;c",
        'he said "no"',
        "line\nbreak",
        "crlf\r\nend",
        " spaced ",
        "naïve café 東京",
        "'plain",
    ]
)
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=25),
    HOSTILE_TEXT,
)
NAME = TEXT.filter(lambda s: bool(s.strip()))
INSTANT = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2024, 12, 31), timezones=st.just(UTC)
)
DAY = st.dates(min_value=date(2001, 1, 1), max_value=date(2024, 12, 31))
POSITIVE = st.floats(min_value=0.001, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def patient_records(draw: st.DrawFn) -> list[PatientRecord]:
    records: list[PatientRecord] = []
    for _ in range(draw(st.integers(0, 3))):
        items = {c: draw(st.booleans()) for s in SCALES for c in s.columns}
        records.append(
            Assessment(
                uuid=draw(st.uuids(version=4).map(str)),
                assessed_at=draw(INSTANT),
                source=draw(st.sampled_from(vocab.keys(vocab.ASSESSMENT_SOURCES))),
                rater=draw(TEXT),
                walking_status=draw(
                    st.none() | st.sampled_from(vocab.keys(vocab.WALKING_STATUSES))
                ),
                notes=draw(TEXT),
                **items,
            )
        )
    for _ in range(draw(st.integers(0, 2))):
        trigger = draw(st.sampled_from(vocab.keys(vocab.FALL_TRIGGERS)))
        records.append(
            Fall(
                uuid=draw(st.uuids(version=4).map(str)),
                occurred_at=draw(INSTANT),
                trigger=trigger,
                trigger_other=draw(NAME) if trigger == "other" else "",
                injury=draw(st.booleans()),
                injury_description=draw(TEXT),
                notes=draw(TEXT),
            )
        )
    for _ in range(draw(st.integers(0, 2))):
        reactions = draw(st.sets(st.sampled_from(vocab.keys(vocab.INFUSION_REACTIONS))))
        records.append(
            InfusionCourse(
                uuid=draw(st.uuids(version=4).map(str)),
                first_day=draw(DAY),
                days=draw(st.integers(1, 5)),
                product=draw(TEXT),
                total_grams=draw(st.none() | POSITIVE),
                grams_per_kg=None,
                dosing_weight_kg=draw(
                    st.none() | st.floats(min_value=1, max_value=500, allow_nan=False)
                ),
                lot_numbers=draw(TEXT),
                rate=draw(TEXT),
                premedication=draw(TEXT),
                reactions=";".join(
                    k for k in vocab.keys(vocab.INFUSION_REACTIONS) if k in reactions
                ),
                reaction_notes=draw(TEXT),
                notes=draw(TEXT),
            )
        )
    for _ in range(draw(st.integers(0, 2))):
        start = draw(DAY)
        records.append(
            MedicationPeriod(
                uuid=draw(st.uuids(version=4).map(str)),
                drug=draw(NAME),
                daily_dose=draw(st.floats(min_value=0, max_value=5000, allow_nan=False)),
                dose_unit=draw(st.sampled_from(vocab.DOSE_UNITS)),
                start_date=start,
                stop_date=draw(st.none() | st.dates(start, date(2025, 1, 1))),
                notes=draw(TEXT),
            )
        )
    for _ in range(draw(st.integers(0, 2))):
        records.append(
            LabResult(
                uuid=draw(st.uuids(version=4).map(str)),
                analyte=draw(NAME),
                value=draw(st.floats(min_value=0, max_value=1e7, allow_nan=False)),
                unit=draw(st.sampled_from(vocab.LAB_UNITS)),
                lab=draw(TEXT),
                taken_on=draw(DAY),
                notes=draw(TEXT),
            )
        )
    for record in records:
        record.created_at = draw(INSTANT)
        record.updated_at = record.created_at + timedelta(seconds=draw(st.integers(0, 10**6)))
    return records


@st.composite
def clinics(draw: st.DrawFn) -> list[tuple[dict[str, object], list[PatientRecord], bool]]:
    patients = []
    for _ in range(draw(st.integers(1, 3))):
        values: dict[str, object] = {
            "display_name": draw(NAME),
            "clinic_identifier": draw(st.none() | NAME),
            "birth_date": draw(st.none() | st.dates(date(1930, 1, 1), date(2000, 12, 31))),
            "antibody_status": draw(st.sampled_from(vocab.keys(vocab.ANTIBODY_STATUSES))),
            "synthetic": draw(st.booleans()),
            "notes": draw(TEXT),
            "uuid": draw(st.uuids(version=4).map(str)),
            "created_at": draw(INSTANT),
            "updated_at": draw(INSTANT),
        }
        patients.append((values, draw(patient_records()), draw(st.booleans())))
    return patients


def build(
    tracker: Tracker, clinic: list[tuple[dict[str, object], list[PatientRecord], bool]]
) -> None:
    for values, records, delete_one in clinic:
        patient = tracker.add_patient(**values)
        tracker.bulk_add(patient, records)
        if delete_one and records:
            tracker.delete(type(records[0]), records[0].id)


def same_folders(a: Path, b: Path) -> None:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@settings(max_examples=25)
@given(clinic=clinics())
def test_export_import_export_is_byte_identical(
    clinic: list[tuple[dict[str, object], list[PatientRecord], bool]],
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        first, second = open_tracker(root / "first"), open_tracker(root / "second")
        try:
            build(first, clinic)
            first.export_csv(root / "one")
            result = second.import_csv(root / "one")
            assert not result.problems, [str(p) for p in result.problems]
            second.export_csv(root / "two")
            same_folders(root / "one", root / "two")
            again = second.import_csv(root / "two")
            assert again.new == 0 and not again.problems and not again.written
        finally:
            first.close()
            second.close()


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_neutralising_is_reversed_exactly(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text) or neutralise(text)[0] not in "=+-@\t\r"


@given(INSTANT)
def test_stored_instant_text_is_isoformat(moment: datetime) -> None:
    stored = moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    assert format_stored_instant(stored) == moment.isoformat()


def test_demo_round_trip(tmp_path: Path) -> None:
    from sps_tracker.demo import generate

    first, second = open_tracker(tmp_path / "a"), open_tracker(tmp_path / "b")
    generate(first, patients=3, years=1.0, until=date(2025, 6, 30))
    first.export_csv(tmp_path / "one")
    assert second.import_csv(tmp_path / "one").written
    second.export_csv(tmp_path / "two")
    same_folders(tmp_path / "one", tmp_path / "two")
    first.close()
    second.close()


def test_soft_deleted_records_are_left_out(source: Tracker, exported: Path, tmp_path: Path) -> None:
    fall = source.records(Fall, source.list_patients()[0].patient.id)[0]
    source.delete(Fall, fall.id)
    source.export_csv(tmp_path / "after")
    _, rows = read_rows(tmp_path / "after" / "falls.csv")
    assert rows == []
    _, summary = read_rows(tmp_path / "after" / "summary.csv")
    assert all(r[14] == "0" for r in summary)  # the falls column


def test_formula_looking_note_keeps_its_text(exported: Path) -> None:
    header, rows = read_rows(exported / "assessments.csv")
    note = rows[0][header.index("notes")]
    assert note == '\'=HYPERLINK("http://x")'  # what a spreadsheet shows as text
    raw = (exported / "assessments.csv").read_text(encoding="utf-8-sig")
    assert ",=HYPERLINK" not in raw


def test_file_format_is_utf8_with_bom_crlf_and_quotes(exported: Path) -> None:
    data = (exported / "patients.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfuuid,display_name,")
    assert b'"Zo\xc3\xab O\'Neil, Jr."' in data
    assert b'"Says ""stiff as a board"",\nworse in winter"' in data
    assert data.endswith(b"\r\n")


def test_zero_is_written_as_zero_and_unknown_as_empty(exported: Path) -> None:
    header, rows = read_rows(exported / "assessments.csv")
    second = dict(zip(header, rows[1], strict=True))
    assert second["dsi_total"] == "0" and second["hss_touch"] == "0"
    assert second["walking_status"] == ""


def excel_resave(folder: Path, out: Path, *, day_first: bool) -> None:
    """What a European spreadsheet does: no BOM, semicolons, TRUE/FALSE, 2,5, local dates."""
    out.mkdir()
    for path in folder.iterdir():
        header, rows = read_rows(path)
        file_format = next((f for f in RECORD_FORMATS if f.filename == path.name), None)
        cells = {c.name: c.cell for c in file_format.columns} if file_format else {}
        changed = []
        for row in rows:
            new = []
            for name, value in zip(header, row, strict=True):
                cell = cells.get(name)
                if cell is Cell.YES_NO:
                    value = "WAHR" if value == "1" else "FALSCH"
                elif cell in (Cell.NUMBER, Cell.OPTIONAL_NUMBER) and value:
                    number = float(value)
                    value = str(int(number)) if number.is_integer() else value.replace(".", ",")
                elif cell in (Cell.DATE, Cell.OPTIONAL_DATE) and value and day_first:
                    value = date.fromisoformat(value).strftime("%d.%m.%Y")
                new.append(value)
            changed.append(new)
        with (out / path.name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(changed)


def test_spreadsheet_resave_imports_identically(exported: Path, tmp_path: Path) -> None:
    excel_resave(exported, tmp_path / "resaved", day_first=True)
    target = open_tracker(tmp_path / "target")
    refused = target.import_csv(tmp_path / "resaved")
    assert any("'17.05.1970' is not a date" in str(p) for p in refused.problems)
    result = target.import_csv(tmp_path / "resaved", date_format="%d.%m.%Y")
    assert result.written, [str(p) for p in result.problems]
    target.export_csv(tmp_path / "again")
    same_folders(exported, tmp_path / "again")
    target.close()


def test_lf_line_ends_and_yes_no_words(exported: Path, tmp_path: Path, empty: Tracker) -> None:
    path = exported / "falls.csv"
    header, rows = read_rows(path)
    rows[0][header.index("injury")] = "yes"
    write_rows(path, header, rows)
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").removeprefix(b"\xef\xbb\xbf"))
    assert empty.import_csv(exported).written
    assert empty.records(Fall, empty.list_patients()[0].patient.id)[0].injury is True


def test_import_is_idempotent_and_audited(source: Tracker, exported: Path, empty: Tracker) -> None:
    first = empty.import_csv(exported)
    assert first.written and first.new == 7
    counts = record_counts(empty)
    assert counts["audit_entry"] == 7
    assert {e.action for e in empty.audit_trail()} == {"import"}
    again = empty.import_csv(exported)
    assert again.new == 0 and again.unchanged == 7 and not again.written
    assert record_counts(empty) == counts
    # Importing into the database it came from adds nothing either.
    assert source.import_csv(exported).new == 0


@given(st.lists(st.one_of(TEXT, HOSTILE_TEXT), min_size=1, max_size=20))
def test_sql_neutralising_matches_python(texts: list[str]) -> None:
    from sqlalchemy import create_engine, literal, select

    from sps_tracker.exchange.csv_export import _neutralised

    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        for text in texts:
            got = connection.execute(select(_neutralised(literal(text)))).scalar_one()
            assert got == neutralise(text)


def test_date_range_filters_records(exported: Path, source: Tracker, tmp_path: Path) -> None:
    source.export_csv(tmp_path / "march", date_from=date(2025, 3, 5), date_to=date(2025, 3, 31))
    _, assessments = read_rows(tmp_path / "march" / "assessments.csv")
    _, falls = read_rows(tmp_path / "march" / "falls.csv")
    _, medications = read_rows(tmp_path / "march" / "medications.csv")
    _, labs = read_rows(tmp_path / "march" / "labs.csv")
    assert (len(assessments), len(falls), len(medications), len(labs)) == (0, 1, 1, 0)
    source.export_csv(tmp_path / "day", date_from=date(2025, 3, 4), date_to=date(2025, 3, 4))
    assert len(read_rows(tmp_path / "day" / "assessments.csv")[1]) == 1
