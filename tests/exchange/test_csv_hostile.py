"""Hostile files: each refused with a message naming file, row and column, nothing written."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sps_tracker.exchange.csv_import import ImportResult
from sps_tracker.exchange.csv_read import MAX_FILE_BYTES
from sps_tracker.services import Tracker

from .conftest import read_rows, record_counts, set_cell, write_rows


def refused(tracker: Tracker, path: Path, **options: object) -> ImportResult:
    before = record_counts(tracker)
    result = tracker.import_csv(path, **options)  # type: ignore[arg-type]
    assert result.problems, "the file should have been refused"
    assert not result.written
    assert record_counts(tracker) == before, "a refused import wrote something"
    return result


def messages(result: ImportResult) -> str:
    return "\n".join(str(p) for p in result.problems)


def test_empty_file(empty: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "assessments.csv"
    path.write_bytes(b"")
    assert "assessments.csv: is empty" in messages(refused(empty, path))


def test_header_only(empty: Tracker, exported: Path) -> None:
    path = exported / "falls.csv"
    header, _ = read_rows(path)
    write_rows(path, header, [])
    assert "falls.csv: has a header row but no records" in messages(refused(empty, path))


def test_folder_of_header_only_files(empty: Tracker, exported: Path) -> None:
    for path in exported.iterdir():
        header, _ = read_rows(path)
        write_rows(path, header, [])
    assert "holds no records" in messages(refused(empty, exported))


def test_unknown_column(empty: Tracker, exported: Path) -> None:
    path = exported / "labs.csv"
    header, rows = read_rows(path)
    write_rows(path, [*header, "colour"], [[*r, "blue"] for r in rows])
    assert "labs.csv, row 1: column colour is not a column of labs.csv" in messages(
        refused(empty, exported)
    )


def test_missing_column(empty: Tracker, exported: Path) -> None:
    path = exported / "assessments.csv"
    header, rows = read_rows(path)
    i = header.index("dsi_face")
    write_rows(path, header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows])
    assert "column dsi_face is missing" in messages(refused(empty, exported))


def test_unknown_area_key(empty: Tracker, exported: Path) -> None:
    path = exported / "assessments.csv"
    header, rows = read_rows(path)
    header[header.index("dsi_face")] = "dsi_left_leg"
    write_rows(path, header, rows)
    text = messages(refused(empty, exported))
    assert "'left_leg' is not a DSI stiffness area" in text
    assert "lower_trunk" in text  # the message lists the areas there are


def test_dsi_seven(empty: Tracker, exported: Path) -> None:
    set_cell(exported / "assessments.csv", 0, "dsi_total", "7")
    set_cell(exported / "assessments.csv", 1, "dsi_legs", "7")
    text = messages(refused(empty, exported))
    assert "assessments.csv, row 2, column dsi_total: DSI total 7 is outside 0 to 6" in text
    assert "assessments.csv, row 3, column dsi_legs: '7' must be 1 or 0" in text


def test_hss_minus_one(empty: Tracker, exported: Path) -> None:
    set_cell(exported / "assessments.csv", 0, "hss_total", "-1")
    set_cell(exported / "assessments.csv", 1, "hss_touch", "-1")
    text = messages(refused(empty, exported))
    assert "row 2, column hss_total: HSS total -1 is outside 0 to 7" in text
    assert "row 3, column hss_touch: '-1' must be 1 or 0" in text


def test_total_that_does_not_match_the_items(empty: Tracker, exported: Path) -> None:
    set_cell(exported / "assessments.csv", 0, "dsi_total", "5")
    assert "DSI total 5 does not match the 2 stiffness area(s) marked 1" in messages(
        refused(empty, exported)
    )


def test_fall_in_the_future(empty: Tracker, exported: Path) -> None:
    future = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    set_cell(exported / "falls.csv", 0, "occurred_at", future.isoformat())
    assert "falls.csv, row 2, column occurred_at: Time of the fall" in messages(
        refused(empty, exported)
    )
    assert "is in the future" in messages(refused(empty, exported))


def test_duplicate_uuids_in_one_file(empty: Tracker, exported: Path) -> None:
    path = exported / "assessments.csv"
    header, rows = read_rows(path)
    rows[1][0] = rows[0][0]
    write_rows(path, header, rows)
    assert (
        "assessments.csv, row 3, column uuid: the same uuid is already used in row 2"
        in messages(refused(empty, exported))
    )


def test_uuid_of_another_kind_in_the_same_import(empty: Tracker, exported: Path) -> None:
    _, assessments = read_rows(exported / "assessments.csv")
    set_cell(exported / "falls.csv", 0, "uuid", assessments[0][0])
    assert "already used in row 2 of assessments.csv" in messages(refused(empty, exported))


def test_uuid_of_another_kind_in_the_database(source: Tracker, exported: Path) -> None:
    _, assessments = read_rows(exported / "assessments.csv")
    for name in ("assessments.csv", "patients.csv", "infusions.csv", "labs.csv"):
        (exported / name).unlink()
    (exported / "medications.csv").unlink()
    set_cell(exported / "falls.csv", 0, "uuid", assessments[0][0])
    assert "falls.csv, row 2, column uuid: this uuid belongs to an assessment" in messages(
        refused(source, exported)
    )


def test_fifty_megabyte_file(empty: Tracker, exported: Path) -> None:
    path = exported / "assessments.csv"
    data = path.read_bytes()
    header, body = data.split(b"\r\n", 1)
    with path.open("wb") as handle:
        handle.write(header + b"\r\n")
        block = body * max(1, (1 << 20) // len(body))
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(block)
    assert path.stat().st_size > MAX_FILE_BYTES
    text = messages(refused(empty, exported))
    assert "assessments.csv: is 5" in text
    assert "files over 40 MB are not imported" in text


def test_binary_file(empty: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    assert "diary.csv: is not a CSV text file (it contains binary data)" in messages(
        refused(empty, path)
    )


def test_notes_of_a_hundred_thousand_characters(empty: Tracker, exported: Path) -> None:
    set_cell(exported / "falls.csv", 0, "notes", "stiff " * 16_667)
    assert "falls.csv, row 2, column notes: Notes is 100,002 characters long" in messages(
        refused(empty, exported)
    )


def test_mixed_encodings(empty: Tracker, exported: Path) -> None:
    path = exported / "labs.csv"
    data = path.read_bytes().replace(b"Demo", b"D\xc3\xa9mo")
    data = data.rstrip(b"\r\n") + b"\r\n" + data.split(b"\r\n")[1].replace(b"U/mL", b"\xb5g/mL")
    path.write_bytes(data.replace(b"anti-GAD65", b"anti-GAD65 caf\xc3\xa9", 1))
    text = messages(refused(empty, exported))
    assert "labs.csv: mixes two text encodings: line 3" in text
    assert "'CSV UTF-8'" in text


def test_whole_file_in_an_old_windows_encoding(empty: Tracker, exported: Path) -> None:
    path = exported / "patients.csv"
    path.write_bytes(path.read_bytes().decode("utf-8-sig").encode("cp1252"))
    assert "patients.csv: is not saved as UTF-8 text" in messages(refused(empty, exported))


def test_ambiguous_date_is_not_guessed(empty: Tracker, exported: Path) -> None:
    set_cell(exported / "labs.csv", 0, "taken_on", "03/04/2025")
    text = messages(refused(empty, exported))
    assert "labs.csv, row 2, column taken_on: '03/04/2025' could mean day 3 of month 4" in text
    assert "YYYY-MM-DD" in text


def test_time_without_offset(empty: Tracker, exported: Path) -> None:
    set_cell(exported / "falls.csv", 0, "occurred_at", "2025-03-10 07:15")
    assert "falls.csv, row 2, column occurred_at: '2025-03-10 07:15' has no UTC offset" in (
        messages(refused(empty, exported))
    )


def test_broken_quoting(empty: Tracker, tmp_path: Path, exported: Path) -> None:
    path = exported / "labs.csv"
    path.write_bytes(path.read_bytes().replace(b"Demo", b'De"mo').replace(b",U/mL", b',"U/mL"x'))
    assert "labs.csv" in messages(refused(empty, path))


def test_a_row_with_too_many_cells(empty: Tracker, exported: Path) -> None:
    path = exported / "medications.csv"
    header, rows = read_rows(path)
    write_rows(path, header, [[*rows[0], "extra"]])
    assert "medications.csv, row 2: has 11 cells but the header names 10 columns" in messages(
        refused(empty, exported)
    )


def test_a_file_that_is_not_one_of_ours(empty: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "shopping.csv"
    path.write_text("item,amount\nbread,1\n", encoding="utf-8")
    assert "cannot tell which records this file holds" in messages(refused(empty, path))


def test_a_patient_that_is_nowhere(empty: Tracker, exported: Path) -> None:
    (exported / "patients.csv").unlink()
    assert "is not a patient in this database or in patients.csv" in messages(
        refused(empty, exported)
    )


MUTATIONS: dict[str, Callable[[Path], None]] = {
    "bad_dsi": lambda folder: set_cell(folder / "assessments.csv", 0, "dsi_total", "7"),
    "bad_binary": lambda folder: (folder / "labs.csv").write_bytes(b"\x00\x01\x02"),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_one_bad_file_stops_the_good_ones(
    empty: Tracker, exported: Path, tmp_path: Path, mutation: str
) -> None:
    """All or nothing: patients.csv is fine, yet nothing of it is written."""
    copy = tmp_path / "copy"
    shutil.copytree(exported, copy)
    MUTATIONS[mutation](copy)
    result = refused(empty, copy)
    assert result.describe().startswith("Nothing was imported")
