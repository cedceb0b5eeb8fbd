"""Column types that keep the project's time rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, SmallInteger
from sqlalchemy.engine import Dialect, processors
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and read back as an aware UTC datetime.

    A naive datetime is refused: guessing its zone is how diaries shift by a day.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: store instants with their UTC offset")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)

    def result_processor(
        self, dialect: Dialect, coltype: Any
    ) -> Callable[[Any], datetime | None] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        # SQLite keeps the instant as ISO text in UTC, without an offset. Parsing it with the
        # offset appended is one C call (tzinfo comes back as datetime.UTC itself) and several
        # times quicker than .replace(tzinfo=UTC), which a history of 10,000 entries felt.
        parse = datetime.fromisoformat

        def process(value: str | None) -> datetime | None:
            if value is None:
                return None
            try:
                instant = parse(value + "+00:00")
            except (TypeError, ValueError):
                instant = None
            if instant is not None and instant.tzinfo is UTC:
                return instant
            # Text the app never writes (an offset already, a bare date): read as before.
            return parse(value).replace(tzinfo=UTC)

        return process


class YesNo(TypeDecorator[bool]):
    """A yes/no answer stored as 0 or 1.

    An integer (not a native boolean) so that CHECK (x IN (0, 1)) and the generated
    score totals (a sum of items) mean the same on SQLite and PostgreSQL.
    """

    impl = SmallInteger
    cache_ok = True

    def process_bind_param(self, value: bool | int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if value not in (0, 1):
            raise ValueError(f"a yes/no answer must be 0 or 1, not {value!r}")
        return int(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> bool | None:
        return None if value is None else bool(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        # The same conversion compiled: an assessment row has thirteen of these, and a
        # history of 10,000 entries paid two Python calls for each.
        to_bool: Callable[[Any], Any] = processors.int_to_boolean
        return to_bool
