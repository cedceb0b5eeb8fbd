"""Instants read back from SQLite text: aware, in UTC, whatever form the text has."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.dialects import sqlite

from sps_tracker.storage.types import UTCDateTime


def _read(text: str | None) -> datetime | None:
    dialect = sqlite.dialect()
    process = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)
    assert process is not None
    value: datetime | None = process(text)
    return value


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2025-06-30 18:00:00.123456", datetime(2025, 6, 30, 18, 0, 0, 123456, tzinfo=UTC)),
        ("2025-06-30 18:00:00", datetime(2025, 6, 30, 18, 0, tzinfo=UTC)),
        # Not what the app writes, read as before: the wall time taken as UTC.
        ("2025-06-30T18:00:00+02:00", datetime(2025, 6, 30, 18, 0, tzinfo=UTC)),
        ("2025-06-30", datetime(2025, 6, 30, tzinfo=UTC)),
    ],
)
def test_stored_text_comes_back_as_an_aware_utc_instant(stored: str, expected: datetime) -> None:
    value = _read(stored)
    assert value == expected and value is not None
    assert value.tzinfo is UTC and value.hour == expected.hour


def test_null_stays_null_and_garbage_is_refused() -> None:
    assert _read(None) is None
    with pytest.raises(ValueError):
        _read("yesterday")
