"""Turning one cell's text into a value, with a message a person can act on."""

from __future__ import annotations

import math
import operator
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sps_tracker.exchange.formats import Cell, Column, restore

YES = frozenset({"1", "yes", "y", "true", "wahr", "vrai", "ja", "oui", "si", "sí"})
NO = frozenset({"0", "no", "n", "false", "falsch", "faux", "nein", "non"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_MONTH = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})")
_DECIMAL_COMMA = re.compile(r"-?\d+,\d+")
_ISO_HINT = "write dates as YYYY-MM-DD (for example 2025-04-03)"
# The form str(uuid.UUID(...)) gives, so such text is already its own canonical form.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FAST_YES_NO = {"1": True, "0": False}

CellParser = Callable[[str], object]
ColumnReader = Callable[[Sequence[str]], list[object] | None]
_STARTS_QUOTE = operator.methodcaller("startswith", "'")
_TZINFO = operator.attrgetter("tzinfo")


class CellError(ValueError):
    """The cell's text is not a value of its column."""


@dataclass(frozen=True, slots=True)
class ReadingOptions:
    """How to read cells that spreadsheets write in their own way."""

    date_format: str | None = None  # strptime format for date cells, e.g. %d/%m/%Y
    decimal_comma: bool = False  # semicolon files from spreadsheets write 2,5 for 2.5


def parse_uuid(text: str) -> str:
    """A UUID in its usual lower-case form."""
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise CellError(
            f"'{_short(text)}' is not a UUID (it should look like "
            "0b9e5c2a-4f1d-4c3e-9a7b-2d8f6e1c5a40)"
        ) from None


def parse_date(text: str, options: ReadingOptions) -> date:
    value = text.strip()
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CellError(f"'{value}' is not a real date") from None
    if options.date_format:
        try:
            return datetime.strptime(value, options.date_format).date()
        except ValueError:
            raise CellError(
                f"'{_short(value)}' is not a date in the format {options.date_format}"
            ) from None
    found = _DAY_MONTH.fullmatch(value)
    if found and int(found.group(1)) <= 12 and int(found.group(2)) <= 12:
        first, second = int(found.group(1)), int(found.group(2))
        if first != second:
            raise CellError(
                f"'{value}' could mean day {first} of month {second} or day {second} of "
                f"month {first}; the date was not guessed. Please {_ISO_HINT}, or give "
                "the file's date format (--date-format, e.g. %d/%m/%Y)"
            )
    raise CellError(
        f"'{_short(value)}' is not a date in the form YYYY-MM-DD; please {_ISO_HINT}, "
        "or give the file's date format (--date-format)"
    )


def parse_instant(text: str) -> datetime:
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CellError(
            f"'{_short(value)}' is not a date and time in the form "
            "YYYY-MM-DDTHH:MM:SS+HH:MM (for example 2025-04-03T09:30:00+01:00)"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CellError(
            f"'{value}' has no UTC offset, so the hour is ambiguous; add it, "
            "for example 2025-04-03T09:30:00+01:00 (or +00:00 for UTC)"
        )
    return moment.astimezone(UTC)


def parse_number(text: str, options: ReadingOptions) -> float:
    value = text.strip()
    if options.decimal_comma and _DECIMAL_COMMA.fullmatch(value):
        value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        raise CellError(f"'{_short(value)}' is not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise CellError(f"'{value}' is not a finite number")
    return number + 0.0  # -0.0 becomes 0.0, the number SQLite stores for it


def parse_int(text: str) -> int:
    value = text.strip()
    try:
        number = float(value)
    except ValueError:
        raise CellError(f"'{_short(value)}' is not a whole number") from None
    if not number.is_integer():
        raise CellError(f"'{value}' is not a whole number")
    return int(number)


def parse_yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellError(f"'{_short(text)}' must be 1 or 0 (yes or no)")


def parse_cell(column: Column, text: str, options: ReadingOptions) -> object:
    """The value of one cell; empty cells give None where the column allows unknown."""
    cell = column.cell
    if cell in (Cell.TEXT, Cell.OPTIONAL_TEXT):
        if text == "":
            return "" if cell is Cell.TEXT else None
        return restore(text)
    if not text.strip():
        if cell is Cell.YES_NO:
            raise CellError("is empty; write 1 for yes or 0 for no")
        return None
    if cell in (Cell.UUID, Cell.PATIENT):
        return parse_uuid(text)
    if cell in (Cell.KEY, Cell.OPTIONAL_KEY):
        return text.strip().lower()
    if cell in (Cell.DATE, Cell.OPTIONAL_DATE):
        return parse_date(text, options)
    if cell in (Cell.INSTANT, Cell.STAMP):
        return parse_instant(text)
    if cell is Cell.INT or cell is Cell.TOTAL:
        return parse_int(text)
    if cell in (Cell.NUMBER, Cell.OPTIONAL_NUMBER):
        return parse_number(text, options)
    if cell is Cell.YES_NO:
        return parse_yes_no(text)
    raise AssertionError(cell)


def column_parser(column: Column, options: ReadingOptions) -> CellParser:
    """parse_cell for one column, chosen once per file instead of once per cell.

    Each parser first tries the form SPS Tracker itself writes (ISO dates and
    instants in UTC, 0/1, plain numbers, canonical UUIDs) and hands anything
    else to parse_cell, so every other text gets the same value or message.
    """
    cell = column.cell

    def slow(text: str) -> object:
        return parse_cell(column, text, options)

    if cell in (Cell.TEXT, Cell.OPTIONAL_TEXT):
        empty = "" if cell is Cell.TEXT else None

        def text_cell(text: str) -> object:
            if not text:
                return empty
            return restore(text) if text[0] == "'" else text

        return text_cell
    if cell in (Cell.UUID, Cell.PATIENT):
        canonical = _CANONICAL_UUID.fullmatch

        def uuid_cell(text: str) -> object:
            return text if canonical(text) else slow(text)

        return uuid_cell
    if cell in (Cell.KEY, Cell.OPTIONAL_KEY):

        def key_cell(text: str) -> object:
            return text.strip().lower() or None

        return key_cell
    if cell in (Cell.DATE, Cell.OPTIONAL_DATE):
        from_iso_date = date.fromisoformat

        def date_cell(text: str) -> object:
            if len(text) == 10 and text[4] == "-" and text[7] == "-":
                try:
                    return from_iso_date(text)
                except ValueError:
                    pass
            return slow(text)

        return date_cell
    if cell in (Cell.INSTANT, Cell.STAMP):
        from_iso_instant = datetime.fromisoformat

        def instant_cell(text: str) -> object:
            try:
                moment = from_iso_instant(text)
            except ValueError:
                return slow(text)
            return moment if moment.tzinfo is UTC else slow(text)

        return instant_cell
    if cell is Cell.INT or cell is Cell.TOTAL:

        def int_cell(text: str) -> object:
            # Short ASCII digits only: int() and the float() of parse_int agree on them.
            if len(text) < 16 and text.isascii() and text.isdigit():
                return int(text)
            return slow(text)

        return int_cell
    if cell in (Cell.NUMBER, Cell.OPTIONAL_NUMBER):
        finite = math.isfinite

        def number_cell(text: str) -> object:
            try:
                number = float(text)
            except ValueError:
                return slow(text)
            return number + 0.0 if finite(number) else slow(text)

        return number_cell
    if cell is Cell.YES_NO:
        fast = _FAST_YES_NO.get

        def yes_no_cell(text: str) -> object:
            answer = fast(text)
            return slow(text) if answer is None else answer

        return yes_no_cell
    raise AssertionError(cell)


def column_reader(column: Column) -> ColumnReader:
    """Values of a whole column at once when every cell is in the form SPS Tracker writes.

    Returns None when any cell is not; the caller then reads that column cell by
    cell with column_parser, which gives the same values and the messages. Each
    check here is done by C-level map() calls, not a Python call per cell.
    """
    cell = column.cell
    if cell in (Cell.TEXT, Cell.OPTIONAL_TEXT):
        optional = cell is Cell.OPTIONAL_TEXT

        def text_column(texts: Sequence[str]) -> list[object] | None:
            if any(map(_STARTS_QUOTE, texts)):
                return None  # a neutralised formula: restore() it cell by cell
            return [t or None for t in texts] if optional else list(texts)

        return text_column
    if cell in (Cell.UUID, Cell.PATIENT):
        canonical = _CANONICAL_UUID.fullmatch

        def uuid_column(texts: Sequence[str]) -> list[object] | None:
            return list(texts) if all(map(canonical, texts)) else None

        return uuid_column
    if cell in (Cell.KEY, Cell.OPTIONAL_KEY):

        def key_column(texts: Sequence[str]) -> list[object] | None:
            keys = list(map(str.lower, map(str.strip, texts)))
            return list(keys) if all(keys) else [k or None for k in keys]

        return key_column
    if cell in (Cell.DATE, Cell.OPTIONAL_DATE):

        def date_column(texts: Sequence[str]) -> list[object] | None:
            try:
                days = list(map(date.fromisoformat, texts))
            except ValueError:
                return None
            # Only YYYY-MM-DD writes itself back: other ISO forms go the strict way.
            return list(days) if list(map(date.isoformat, days)) == list(texts) else None

        return date_column
    if cell in (Cell.INSTANT, Cell.STAMP):

        def instant_column(texts: Sequence[str]) -> list[object] | None:
            try:
                moments = list(map(datetime.fromisoformat, texts))
            except ValueError:
                return None
            zones = set(map(_TZINFO, moments))  # a handful of distinct offsets at most
            return list(moments) if all(zone is UTC for zone in zones) else None

        return instant_column
    if cell is Cell.INT or cell is Cell.TOTAL:

        def int_column(texts: Sequence[str]) -> list[object] | None:
            if not (all(map(str.isdigit, texts)) and all(map(str.isascii, texts))):
                return None
            if max(map(len, texts), default=0) >= 16:
                return None  # beyond float's exact integers, where parse_int rounds
            return list(map(int, texts))

        return int_column
    if cell in (Cell.NUMBER, Cell.OPTIONAL_NUMBER):

        def number_column(texts: Sequence[str]) -> list[object] | None:
            try:
                numbers = list(map(float, texts))
            except ValueError:
                return None
            if not all(map(math.isfinite, numbers)):
                return None
            # -0.0 (== 0.0) becomes 0.0: SQLite stores no negative zero, so the audit has none.
            return [n + 0.0 for n in numbers] if 0.0 in numbers else list(numbers)

        return number_column
    if cell is Cell.YES_NO:
        answer = _FAST_YES_NO.__getitem__

        def yes_no_column(texts: Sequence[str]) -> list[object] | None:
            try:
                return list(map(answer, texts))
            except KeyError:
                return None

        return yes_no_column
    raise AssertionError(cell)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
