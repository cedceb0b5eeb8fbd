"""Detached records made straight from plain rows and values, without the ORM's loader.

The ORM's loader pays for an identity map, loader options and events on every object.
A patient's history of 10,000 entries, of which a table shows a screenful, and a save
that has just written the values itself need none of that: here a record is built from
a row only when it is wanted, with the same column types, and is detached like one
loaded by a session that has closed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, inspect, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import InstanceState, configure_mappers
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.sql.sqltypes import NullType

from sps_tracker.storage.models import (
    Assessment,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
    PatientRecord,
    Record,
)

T = TypeVar("T", bound=Record)

# The column that places each kind on the patient's timeline (see models.when).
TIMELINE_COLUMN: dict[type[PatientRecord], str] = {
    Assessment: "assessed_at",
    Fall: "occurred_at",
    InfusionCourse: "first_day",
    MedicationPeriod: "start_date",
    LabResult: "taken_on",
}
_MIDNIGHT = time(0, 0)

Processor = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


class RecordFactory(Generic[T]):
    """Builds detached records of one kind from rows as the database driver returns them."""

    def __init__(self, kind: type[T], dialect: Dialect) -> None:
        # Instrumentation is complete only once the mappers are configured, which the ORM
        # otherwise does on its first query: this path may be the process's first.
        configure_mappers()
        mapper = inspect(kind)
        self.kind = kind
        self._mapper = mapper
        self.columns = tuple(kind.__table__.columns)
        self.keys = tuple(mapper.get_property_by_column(c).key for c in self.columns)
        self.positions = {key: i for i, key in enumerate(self.keys)}
        self.id_position = self.positions["id"]
        processors: list[tuple[int, Processor]] = []
        for i, column in enumerate(self.columns):
            process = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if process is not None:
                processors.append((i, process))
        self._processors = tuple(processors)
        self._new = kind.__new__
        self._setup = mapper.class_manager.setup_instance
        self._identity = mapper.identity_key_from_primary_key
        self._by_position = dict(processors)

    def raw_select(self) -> Select[Any]:
        """SELECT of every column with no type conversion: rows come back as stored."""
        columns: list[Any] = [type_coerce(c, NullType()).label(c.key) for c in self.columns]
        query: Select[Any] = select(*columns)
        return query

    def processor(self, position: int) -> Processor:
        """The conversion of one column of a raw row (the identity for plain columns)."""
        return self._by_position.get(position, _same)

    def from_row(self, row: Sequence[Any]) -> T:
        """The record of one raw row (from ``raw_select``)."""
        values = list(row)
        for i, process in self._processors:
            values[i] = process(values[i])
        return self._detached(dict(zip(self.keys, values, strict=True)))

    def from_values(self, values: Mapping[str, Any]) -> T:
        """A detached record holding ``values`` (the id among them; absent columns None)."""
        return self._detached({key: values.get(key) for key in self.keys})

    def _detached(self, values: dict[str, Any]) -> T:
        record = self._new(self.kind)
        self._setup(record)
        state: InstanceState[Any] = instance_state(record)
        state.dict.update(values)
        # What loading leaves: every column present, nothing pending, the identity key set
        # (make_transient_to_detached does the same with a slower, general path).
        state.key = self._identity((values["id"],))
        return record


_FACTORIES: dict[tuple[type[Record], str], RecordFactory[Any]] = {}


def factory(kind: type[T], dialect: Dialect) -> RecordFactory[T]:
    """The (cached) factory of one kind for one database dialect."""
    key = (kind, dialect.name)
    found = _FACTORIES.get(key)
    if found is None:
        found = _FACTORIES[key] = RecordFactory(kind, dialect)
    return found


def timeline(factory: RecordFactory[Any]) -> Callable[[Sequence[Any]], datetime]:
    """Where a raw row sits on the patient's timeline: models.when without building the record."""
    position = factory.positions[TIMELINE_COLUMN[factory.kind]]
    process = factory.processor(position)
    if issubclass(factory.kind, Assessment | Fall):

        def instant(row: Sequence[Any]) -> datetime:
            value: datetime = process(row[position])
            return value

        return instant

    def midnight(row: Sequence[Any]) -> datetime:
        day: date = process(row[position])
        return datetime.combine(day, _MIDNIGHT, tzinfo=UTC)

    return midnight
