"""Reading one CSV file into a header and rows, refusing what is not a CSV text file.

Tolerates what spreadsheets do when they re-save a file: the byte-order mark
kept or dropped, commas, semicolons or tabs between cells, CRLF or LF line
ends, trailing empty cells and blank rows. Guesses nothing else: a file that
is not UTF-8 (or UTF-16 with its mark) is refused, with the line to look at.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

# An export of 100,000 assessments is about 25 MB; a file twice that is not a diary.
MAX_FILE_BYTES = 40_000_000
PREVIEW_ROWS = 20
DELIMITERS = (",", ";", "\t")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing wrong with an imported file, placed by file, row and column.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class FileRefused(Exception):
    """The file as a whole cannot be read; nothing of it is imported."""

    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(slots=True)
class CsvTable:
    path: Path
    header: list[str]
    # (row number as a spreadsheet shows it, cells), blank rows left out
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    delimiter: str = ","

    @property
    def name(self) -> str:
        return self.path.name


def _refuse(path: Path, message: str, row: int | None = None) -> FileRefused:
    return FileRefused(ImportProblem(path.name, row, None, message))


def decode(path: Path, data: bytes) -> str:
    """The file's text, or a refusal that says what is wrong in plain words."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _refuse(path, "is marked as UTF-16 text but is damaged") from None
    if b"\x00" in data:
        raise _refuse(
            path,
            "is not a CSV text file (it contains binary data). Choose a .csv file "
            "exported from SPS Tracker or saved as 'CSV UTF-8' from a spreadsheet.",
        )
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        before = data[: error.start]
        mixed = any(byte >= 0x80 for byte in before)
        what = (
            "mixes two text encodings"
            if mixed
            else "is not saved as UTF-8 text (it may be in an older Windows or Mac encoding)"
        )
        raise _refuse(
            path,
            f"{what}: line {line} has a character that cannot be read. "
            "Save the file as 'CSV UTF-8' and import it again.",
        ) from None


def sniff_delimiter(first_line: str) -> str:
    """Comma, semicolon or tab: whichever the header row uses most."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(path: Path) -> CsvTable:
    """Header and rows of one CSV file; raises FileRefused for a file that is not one."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _refuse(path, f"cannot be opened: {error.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise _refuse(
            path,
            f"is {size / 1_000_000:.1f} MB; files over {MAX_FILE_BYTES // 1_000_000} MB "
            "are not imported. Export fewer patients or a shorter period per file.",
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _refuse(path, f"cannot be read: {error.strerror}") from None
    text = decode(path, data)
    if not text.strip():
        raise _refuse(path, "is empty: there is no header row and no data")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    try:
        records.extend(reader)
    except csv.Error as error:
        detail = str(error)
        if "field larger than field limit" in detail:
            detail = f"a cell is longer than {csv.field_size_limit():,} characters"
        elif "expected" in detail and "after" in detail:
            detail = 'a double quote inside a cell must be written twice ("") in CSV'
        raise _refuse(path, f"cannot be read as CSV: {detail}", row=reader.line_num) from None
    while records and not any(cell.strip() for cell in records[0]):
        records.pop(0)  # blank lines above the header
    if not records:
        raise _refuse(path, "is empty: there is no header row and no data")
    header = [cell.strip().lower() for cell in records[0]]
    while header and not header[-1]:
        header.pop()  # spreadsheets sometimes add empty columns at the right
    table = CsvTable(path, header, delimiter=delimiter)
    for number, cells in enumerate(records[1:], start=2):
        if not any(map(str.strip, cells)):  # map: no Python call per cell
            continue
        table.rows.append((number, cells))
    return table
