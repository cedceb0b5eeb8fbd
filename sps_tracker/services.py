"""The one API that the GUI and the CLI both call.

Every method opens a short session, validates through the domain rules,
writes an audit row with each change, commits, and returns detached records.
The UI never builds queries.
"""

from __future__ import annotations

import functools
import json
import logging
import operator
import uuid
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    Integer,
    Select,
    bindparam,
    func,
    insert,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.sqltypes import NullType

from sps_tracker.domain import validation
from sps_tracker.domain.errors import ValidationError
from sps_tracker.domain.reference import ReferenceSet
from sps_tracker.domain.scales import DSI, HSS, SCALES, Scale
from sps_tracker.paths import database_path
from sps_tracker.storage import rows
from sps_tracker.storage.db import Database
from sps_tracker.storage.errors import DatabaseError
from sps_tracker.storage.models import (
    PATIENT_RECORD_TYPES,
    Assessment,
    AuditEntry,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
    Patient,
    PatientRecord,
    Record,
    when,
)
from sps_tracker.storage.rows import RecordFactory

if TYPE_CHECKING:
    from collections.abc import Collection

    from sps_tracker.domain.analysis import Instants, ScoreSeries
    from sps_tracker.exchange.csv_export import ExportResult
    from sps_tracker.exchange.csv_import import ImportResult
    from sps_tracker.exchange.summary import MonthSummary

log = logging.getLogger(__name__)

REFERENCE_SETS_FOLDER = "reference-sets"

R = TypeVar("R", bound=PatientRecord)
T = TypeVar("T", bound=Record)

# Fields a caller may never set: they belong to the machine. An import or the demo may
# bring a record's own UUID and timestamps when adding it, never when editing.
_PROTECTED_ON_ADD = frozenset({"id", "deleted_at", "patient_id"})
_PROTECTED_ON_EDIT = _PROTECTED_ON_ADD | {"uuid", "created_at", "updated_at"}


class NotFoundError(LookupError):
    """No live record with that identifier."""


@dataclass(frozen=True, slots=True)
class PatientSummary:
    patient: Patient
    assessment_count: int
    last_assessed_at: datetime | None


class LivePatient(NamedTuple):
    """The patient's facts that adding a record needs (its rules and audit row)."""

    id: int
    uuid: str
    birth_date: date | None


class HistoryEntry:
    """One line of a patient's history: where it sits in time, what it is, and its record.

    ``record`` is a full detached record. History reads plain rows and builds a record
    only when it is first asked for (a table of 10,000 entries shows a screenful); from
    then on it is a plain attribute, as cheap to read as any other.
    """

    __slots__ = ("when", "kind", "record_id", "record", "_row", "_factory")
    when: datetime
    kind: str
    record_id: int
    record: PatientRecord
    _row: Sequence[Any]
    _factory: RecordFactory[Any] | None

    def __init__(self, when: datetime, record: PatientRecord) -> None:
        self.when = when
        self.kind = record.kind
        self.record_id = record.id
        self.record = record
        self._factory = None

    @classmethod
    def _of_row(
        cls, when: datetime, factory: RecordFactory[Any], row: Sequence[Any]
    ) -> HistoryEntry:
        entry = cls.__new__(cls)
        entry.when = when
        entry.kind = factory.kind.kind
        entry.record_id = row[factory.id_position]
        entry._row = row
        entry._factory = factory
        return entry

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            # Only an unset slot lands here: the record of a row, built on first use.
            if name != "record" or self._factory is None:
                raise AttributeError(name)
            self.record = self._factory.from_row(self._row)
            del self._row
            return self.record

    @property
    def record_type(self) -> type[PatientRecord]:
        return type(self.record) if self._factory is None else self._factory.kind

    def __repr__(self) -> str:
        return f"HistoryEntry({self.when.isoformat()}, {self.kind} {self.record_id})"


@dataclass(frozen=True, slots=True)
class ChartCourse:
    """What the charts show of an infusion course (its span and dose on hover)."""

    first_day: date
    days: int
    product: str
    total_grams: float | None
    grams_per_kg: float | None
    dosing_weight_kg: float | None

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days - 1)


@dataclass(frozen=True, slots=True)
class ChartFall:
    """What the charts show of a fall."""

    occurred_at: datetime
    trigger: str
    injury: bool


@dataclass(frozen=True, slots=True)
class ChartMedication:
    """What the charts show of a medication period (its starts, stops and dose changes)."""

    drug: str
    daily_dose: float
    dose_unit: str
    start_date: date
    stop_date: date | None


@dataclass(frozen=True, slots=True)
class ChartData:
    """Everything the charts of one patient draw, read at once (issue 4).

    Courses, falls and medication periods come as the few values the charts show, read
    as plain rows: hundreds of full records cost the loader more than drawing them.
    """

    patient: Patient
    scores: ScoreSeries
    courses: list[ChartCourse]
    falls: list[ChartFall]
    medications: list[ChartMedication]

    @property
    def course_starts(self) -> list[date]:
        return [c.first_day for c in self.courses]

    @property
    def fall_times(self) -> list[datetime]:
        return [f.occurred_at for f in self.falls]


_entry_time = attrgetter("when")


def _items_flags(s: Scale) -> ColumnElement[int]:
    """A scale's item answers as one number, bit i for item i (decoded by _items_table)."""
    flags = [
        type_coerce(getattr(Assessment, c), Integer) * (1 << i) for i, c in enumerate(s.columns)
    ]
    return functools.reduce(operator.add, flags)


@functools.cache
def _items_table(s: Scale) -> tuple[tuple[str, ...], ...]:
    """The item keys present for every possible number from _items_flags."""
    return tuple(
        tuple(k for i, k in enumerate(s.keys) if flags >> i & 1)
        for flags in range(1 << len(s.keys))
    )


def _score_series(session: Session, patient_id: int, *, items: bool = True) -> ScoreSeries:
    """A patient's scores as columns; ``items=False`` leaves the items out (the charts
    read one assessment's items when a point is hovered: ``Tracker.assessment_items``)."""
    # Imported here: analysis brings numpy, which the CLI does not otherwise need.
    from sps_tracker.domain import analysis

    # Through the session's connection: plain rows, without the ORM's per-row loading.
    connection = session.connection()
    rows = connection.execute(_score_query(items), {"patient_id": patient_id}).all()
    width = 3 + len(SCALES) * (2 if items else 1)
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    stored = _stored_instants(columns[1]) if connection.dialect.name == "sqlite" else None
    at: Sequence[datetime]
    if stored is not None:
        at = stored
    else:
        instant = _instant_processor(connection.dialect)
        at = tuple(map(instant, columns[1])) if instant is not None else columns[1]
    totals: dict[str, tuple[int, ...]] = {}
    found: dict[str, tuple[tuple[str, ...], ...]] = {}
    for index, s in enumerate(SCALES):
        totals[s.key] = columns[3 + index]
        if items:
            table = _items_table(s)
            found[s.key] = tuple(table[flags] for flags in columns[3 + len(SCALES) + index])
    return analysis.ScoreSeries(columns[0], at, columns[2], totals, found)


def _stored_instants(texts: Sequence[str]) -> Instants | None:
    """SQLite's UTC text of assessed_at ("2026-01-01 09:00:00.000000", as the app writes it)
    parsed at once by numpy; None for anything else, which the column type reads instead."""
    import numpy as np

    from sps_tracker.domain import analysis

    if any(len(text) != _STORED_INSTANT_LENGTH for text in texts):
        return None
    try:
        # numpy warns (and converts) when a text carries an offset: taken as not ours.
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            micros = np.array(texts, dtype="datetime64[us]").astype(np.int64)
    except (ValueError, TypeError, DeprecationWarning, UserWarning):
        return None
    return analysis.Instants(micros)


_STORED_INSTANT_LENGTH = len("2026-01-01 09:00:00.000000")


@functools.cache
def _score_query(items: bool) -> Select[*tuple[Any, ...]]:
    """The query of _score_series, built once (its cache key too) for any patient."""
    return (
        select(
            Assessment.id,
            # As stored: one column parsed below costs less than the driver's per-row hooks.
            type_coerce(Assessment.assessed_at, NullType()),
            type_coerce(Assessment.source, NullType()),
            *(type_coerce(getattr(Assessment, s.total_column), NullType()) for s in SCALES),
            *(_items_flags(s) for s in SCALES if items),
        )
        .where(Assessment.patient_id == bindparam("patient_id"), Assessment.deleted_at.is_(None))
        .order_by(Assessment.assessed_at, Assessment.id)
    )


def _instant_processor(dialect: Any) -> Callable[[Any], Any] | None:
    """How the assessed_at column turns stored values into aware UTC datetimes."""
    column_type = Assessment.__table__.c.assessed_at.type
    return column_type.dialect_impl(dialect).result_processor(dialect, None)


def _assessment_items(session: Session, record_id: int) -> dict[str, tuple[str, ...]]:
    """The items present in one assessment, per scale key (empty if there is no such row)."""
    row = (
        session.connection()
        .execute(select(*(_items_flags(s) for s in SCALES)).where(Assessment.id == record_id))
        .first()
    )
    if row is None:
        return {}
    return {s.key: _items_table(s)[flags] for s, flags in zip(SCALES, row, strict=True)}


def _live(session: Session, kind: type[R], patient_id: int) -> list[R]:
    """A patient's live records of one kind in time order (as Tracker.records)."""
    query = select(kind).where(kind.patient_id == patient_id, kind.deleted_at.is_(None))
    return sorted(session.scalars(query.order_by(kind.id)), key=when)


def _live_rows(
    session: Session, kind: type[PatientRecord], patient_id: int, *columns: Any
) -> list[Any]:
    """Some columns of a patient's live records of one kind, in the order of ``_live``.

    The first column is the one ``models.when`` places the record by.
    """
    query = (
        select(*columns)
        .where(kind.patient_id == patient_id, kind.deleted_at.is_(None))
        .order_by(kind.id)
    )
    return sorted(session.connection().execute(query).all(), key=itemgetter(0))


def _validator(kind: type[Record]) -> Callable[..., None]:
    validators: dict[type[Record], Callable[..., None]] = {
        Patient: validation.validate_patient,
        Assessment: validation.validate_assessment,
        Fall: validation.validate_fall,
        InfusionCourse: validation.validate_infusion_course,
        MedicationPeriod: validation.validate_medication_period,
        LabResult: validation.validate_lab_result,
    }
    return validators[kind]


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a value of a record")


def audit_json(values: Mapping[str, object]) -> str:
    # json calls the hook only for what it cannot write itself: the dates and instants.
    return json.dumps(dict(values), default=_json_value, sort_keys=True, ensure_ascii=False)


def scale_values(
    dsi: Iterable[str] | Mapping[str, object] | None = None,
    hss: Iterable[str] | Mapping[str, object] | None = None,
) -> dict[str, bool]:
    """Item columns from the DSI areas and HSS triggers marked present."""
    values: dict[str, bool] = {}
    for s, present in ((DSI, dsi), (HSS, hss)):
        if present is None:
            continue
        for key, answer in s.answers(present).items():
            values[s.column(key)] = answer
    return values


def _normalise(kind: type[Record], values: dict[str, Any]) -> dict[str, Any]:
    if kind is InfusionCourse and not isinstance(values.get("reactions", ""), str):
        from sps_tracker.domain.vocabulary import INFUSION_REACTIONS, keys

        chosen = set(values["reactions"])
        known = [k for k in keys(INFUSION_REACTIONS) if k in chosen]
        # Unknown reactions are kept so validation can name them, not silently dropped.
        values["reactions"] = ";".join(known + sorted(chosen - set(known)))
    for key, value in list(values.items()):
        if isinstance(value, datetime) and value.tzinfo is not None:
            values[key] = value.astimezone(UTC)
    return values


def _check_uuid(value: object) -> None:
    if value is None:
        return
    try:
        valid = isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        valid = False
    if not valid:
        raise ValidationError("uuid", f"'{value}' is not a UUID in its usual lower-case form")


class Tracker:
    """Records for the patients of one database."""

    def __init__(self, database: Database, actor: str = "") -> None:
        self.database = database
        self.actor = actor

    @classmethod
    def open(cls, data_dir: Path, actor: str = "", *, checked: bool = False) -> Tracker:
        return cls(Database.open(database_path(data_dir), checked=checked), actor)

    def close(self) -> None:
        self.database.dispose()

    # -- patients ---------------------------------------------------------

    def add_patient(self, **values: Any) -> Patient:
        values.setdefault("antibody_status", "unknown")
        return self._add(Patient, None, values)

    def update_patient(self, patient_id: int, **values: Any) -> Patient:
        return self._update(Patient, patient_id, values)

    def delete_patient(self, patient_id: int) -> Patient:
        return self._set_deleted(Patient, patient_id, deleted=True)

    def restore_patient(self, patient_id: int) -> Patient:
        return self._set_deleted(Patient, patient_id, deleted=False)

    def get_patient(self, patient_id: int) -> Patient:
        return self._get(Patient, patient_id)

    def find_patient(self, reference: str) -> Patient:
        """A patient by number, UUID or clinic identifier (never by name alone)."""
        with self.database.read_session() as session:
            query = select(Patient).where(Patient.deleted_at.is_(None))
            conditions = [Patient.uuid == reference, Patient.clinic_identifier == reference]
            if reference.isdigit():
                conditions.append(Patient.id == int(reference))
            found = session.scalars(query.where(or_(*conditions))).all()
        if len(found) != 1:
            raise NotFoundError(
                f"No patient with number, UUID or clinic identifier '{reference}'"
                if not found
                else f"'{reference}' matches {len(found)} patients"
            )
        return found[0]

    def list_patients(
        self, search: str = "", *, include_deleted: bool = False
    ) -> list[PatientSummary]:
        counts = (
            select(
                Assessment.patient_id,
                func.count().label("n"),
                func.max(Assessment.assessed_at).label("last"),
            )
            .where(Assessment.deleted_at.is_(None))
            .group_by(Assessment.patient_id)
            .subquery()
        )
        query = (
            select(Patient, counts.c.n, counts.c.last)
            .outerjoin(counts, counts.c.patient_id == Patient.id)
            .order_by(func.lower(Patient.display_name), Patient.id)
        )
        if not include_deleted:
            query = query.where(Patient.deleted_at.is_(None))
        if search.strip():
            pattern = f"%{search.strip().lower()}%"
            query = query.where(
                or_(
                    func.lower(Patient.display_name).like(pattern),
                    func.lower(Patient.clinic_identifier).like(pattern),
                )
            )
        with self.database.read_session() as session:
            rows = session.execute(query).all()
        return [PatientSummary(row[0], int(row[1] or 0), row[2]) for row in rows]

    # -- records of a patient ---------------------------------------------

    def add(self, kind: type[R], patient_id: int, **values: Any) -> R:
        record: R = self._add(kind, patient_id, values)
        return record

    def update(self, kind: type[R], record_id: int, **values: Any) -> R:
        record: R = self._update(kind, record_id, values)
        return record

    def delete(self, kind: type[R], record_id: int) -> R:
        record: R = self._set_deleted(kind, record_id, deleted=True)
        return record

    def restore(self, kind: type[R], record_id: int) -> R:
        record: R = self._set_deleted(kind, record_id, deleted=False)
        return record

    def get(self, kind: type[R], record_id: int) -> R:
        record: R = self._get(kind, record_id)
        return record

    def add_assessment(
        self,
        patient_id: int,
        *,
        assessed_at: datetime,
        source: str,
        dsi: Iterable[str] | Mapping[str, object] = (),
        hss: Iterable[str] | Mapping[str, object] = (),
        **values: Any,
    ) -> Assessment:
        values.update(scale_values(dsi, hss))
        return self._add(
            Assessment, patient_id, {"assessed_at": assessed_at, "source": source, **values}
        )

    def records(self, kind: type[R], patient_id: int, *, include_deleted: bool = False) -> list[R]:
        query = select(kind).where(kind.patient_id == patient_id).order_by(kind.id)
        if not include_deleted:
            query = query.where(kind.deleted_at.is_(None))
        with self.database.read_session() as session:
            found = list(session.scalars(query).all())
        return sorted(found, key=when)

    def history(
        self, patient_id: int, kinds: Sequence[type[PatientRecord]] | None = None
    ) -> list[HistoryEntry]:
        """All live entries of a patient in time order (oldest first)."""
        entries: list[HistoryEntry] = []
        dialect = self.database.engine.dialect
        # Plain rows in one read: records are built when an entry's record is asked for.
        with self.database.connect() as connection:
            self._live_patient(connection, patient_id)
            # In kind order, each in id order: a stable sort on time keeps ties (kind, id).
            for kind in sorted(kinds or PATIENT_RECORD_TYPES, key=lambda k: k.kind):
                factory = rows.factory(kind, dialect)
                instant = rows.timeline(factory)
                table = kind.__table__
                query = (
                    factory.raw_select()
                    .where(table.c.patient_id == patient_id, table.c.deleted_at.is_(None))
                    .order_by(table.c.id)
                )
                of_row = HistoryEntry._of_row
                found = connection.execute(query).all()
                entries.extend([of_row(instant(r), factory, r) for r in found])
        entries.sort(key=_entry_time)
        return entries

    def deleted(self, patient_id: int | None = None) -> list[Record]:
        """Recently deleted records, newest deletion first."""
        found: list[Record] = []
        with self.database.read_session() as session:
            kinds: tuple[type[Record], ...] = (Patient, *PATIENT_RECORD_TYPES)
            for kind in kinds:
                query = select(kind).where(kind.deleted_at.is_not(None))
                if patient_id is not None and issubclass(kind, PatientRecord):
                    query = query.where(kind.__table__.c.patient_id == patient_id)
                elif patient_id is not None:
                    query = query.where(kind.id == patient_id)
                found.extend(session.scalars(query))
        return sorted(
            found, key=lambda r: r.deleted_at or datetime.min.replace(tzinfo=UTC), reverse=True
        )

    def audit_trail(self, record_uuid: str | None = None) -> list[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if record_uuid is not None:
            query = query.where(AuditEntry.record_uuid == record_uuid)
        with self.database.read_session() as session:
            return list(session.scalars(query))

    def count(self, kind: type[Record]) -> int:
        with self.database.read_session() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(kind).where(kind.deleted_at.is_(None))
                )
                or 0
            )

    # -- charts (issue 4) --------------------------------------------------

    def score_series(self, patient_id: int) -> ScoreSeries:
        """All live assessments of a patient as columns, oldest first, in one Core query."""
        with self.database.read_session() as session:
            return _score_series(session, patient_id)

    def chart_data(self, patient_id: int) -> ChartData:
        """The patient, the score columns and the records drawn beside them, in one session."""
        with self.database.read_session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.deleted_at is not None:
                raise NotFoundError(f"No {Patient.label.lower()} number {patient_id}")
            series = _score_series(session, patient_id, items=False)
            courses = [
                ChartCourse(*row)
                for row in _live_rows(
                    session,
                    InfusionCourse,
                    patient_id,
                    InfusionCourse.first_day,
                    InfusionCourse.days,
                    InfusionCourse.product,
                    InfusionCourse.total_grams,
                    InfusionCourse.grams_per_kg,
                    InfusionCourse.dosing_weight_kg,
                )
            ]
            falls = [
                ChartFall(*row)
                for row in _live_rows(
                    session, Fall, patient_id, Fall.occurred_at, Fall.trigger, Fall.injury
                )
            ]
            medications = [
                ChartMedication(*row)
                for row in _live_rows(
                    session,
                    MedicationPeriod,
                    patient_id,
                    MedicationPeriod.drug,
                    MedicationPeriod.daily_dose,
                    MedicationPeriod.dose_unit,
                    MedicationPeriod.start_date,
                    MedicationPeriod.stop_date,
                )
            ]
        return ChartData(patient, series, courses, falls, medications)

    def assessment_items(self, record_id: int) -> dict[str, tuple[str, ...]]:
        """The item keys present in one assessment, per scale (what a chart's hover names)."""
        with self.database.read_session() as session:
            return _assessment_items(session, record_id)

    def reference_sets(self) -> tuple[list[ReferenceSet], list[ValidationError]]:
        """The shipped reference sets, then the ones imported into this data folder."""
        from sps_tracker.domain.reference import load_folder
        from sps_tracker.paths import resources_dir

        shipped, broken = load_folder(resources_dir() / REFERENCE_SETS_FOLDER)
        imported, broken_imported = load_folder(self._imported_reference_sets_dir())
        known = {r.id for r in shipped}
        return shipped + [r for r in imported if r.id not in known], broken + broken_imported

    def import_reference_set(self, path: Path) -> ReferenceSet:
        """Check a reference-set file and keep a copy in the data folder; refuse a bad one."""
        from sps_tracker.domain.reference import load_reference_set, to_json
        from sps_tracker.paths import ensure_private_dir, resources_dir

        reference = load_reference_set(path)
        if (resources_dir() / REFERENCE_SETS_FOLDER / f"{reference.id}.json").exists():
            raise ValidationError(
                "id", f"id '{reference.id}' belongs to a set shipped with the app; choose another"
            )
        folder = ensure_private_dir(self._imported_reference_sets_dir())
        target = folder / f"{reference.id}.json"
        partial = target.with_suffix(".json.partial")
        partial.write_text(to_json(reference), encoding="utf-8")
        partial.replace(target)
        log.info("imported reference set %s", reference.id)
        return reference

    def _imported_reference_sets_dir(self) -> Path:
        if self.database.path is None:
            raise DatabaseError("reference sets need a database stored in a folder")
        return self.database.path.parent / REFERENCE_SETS_FOLDER

    def bulk_add(
        self, patient: Patient, records: Sequence[PatientRecord], action: str = "add"
    ) -> None:
        """Validate then write many records of one patient in a single transaction."""
        for record in records:
            self._validate(type(record), record.values(), patient)
        with self._writing() as session:
            for record in records:
                record.patient_id = patient.id
                session.add(record)
            session.flush()
            rows = [
                self._audit_row(action, record, None, record.values(), patient.uuid)
                for record in records
            ]
            if rows:
                session.execute(insert(AuditEntry), rows)

    # -- exchange (CSV) ---------------------------------------------------

    def export_csv(
        self,
        folder: Path,
        *,
        patient_ids: Sequence[int] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        kinds: Collection[str] | None = None,
    ) -> ExportResult:
        """Write the CSV files (see docs/csv-format.md); kinds default to all, summary too."""
        from sps_tracker.exchange.csv_export import ExportSelection, export_csv

        selection = ExportSelection(
            None if patient_ids is None else tuple(patient_ids), date_from, date_to
        )
        return export_csv(self.database, folder, selection, kinds)

    def import_csv(
        self,
        source: Path,
        *,
        dry_run: bool = False,
        patient_id: int | None = None,
        date_format: str | None = None,
        keep_existing: bool = False,
    ) -> ImportResult:
        """Check and (unless dry_run or anything is wrong) import a folder or one CSV file."""
        from sps_tracker.exchange.csv_import import ImportOptions, import_csv

        options = ImportOptions(dry_run, patient_id, date_format, keep_existing, self.actor)
        return import_csv(self.database, source, options)

    def monthly_summary(
        self,
        patient_ids: Sequence[int] | None = None,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[MonthSummary]:
        """One row per patient per month, as in summary.csv (the patient view's summary)."""
        from sps_tracker.exchange.csv_export import ExportSelection
        from sps_tracker.exchange.summary import monthly_summary

        selection = ExportSelection(
            None if patient_ids is None else tuple(patient_ids), date_from, date_to
        )
        return monthly_summary(self.database, selection)

    # -- integrity --------------------------------------------------------

    def check(self) -> list[str]:
        """Everything wrong with the database: SQLite's checks, then the domain rules."""
        from sps_tracker.storage.backup import integrity_problems

        problems: list[str] = []
        if self.database.path is not None:
            problems.extend(integrity_problems(self.database.path))
        if problems:
            return problems
        with self.database.read_session() as session:
            patients = {p.id: p for p in session.scalars(select(Patient))}
            for patient in patients.values():
                try:
                    self._validate(Patient, patient.values(), None)
                except ValidationError as error:
                    problems.append(f"patient {patient.id}: {error}")
            for kind in PATIENT_RECORD_TYPES:
                for record in session.scalars(select(kind)):
                    owner = patients.get(record.patient_id)
                    try:
                        self._validate(kind, record.values(), owner)
                    except ValidationError as error:
                        problems.append(
                            f"{kind.kind} {record.id} of patient {record.patient_id}: {error}"
                        )
                    if isinstance(record, Assessment):
                        for s in SCALES:
                            stored = getattr(record, s.total_column)
                            if stored != record.total(s):
                                problems.append(
                                    f"assessment {record.id}: stored "
                                    f"{s.abbreviation} total {stored} differs "
                                    f"from its items ({record.total(s)})"
                                )
        return problems

    # -- the machinery ----------------------------------------------------

    def _writing(self) -> AbstractContextManager[Session]:
        return self.database.session()

    def _live_patient(self, connection: Connection, patient_id: int) -> LivePatient:
        """What a patient's records need of the patient; NotFoundError unless live."""
        row = connection.execute(_LIVE_PATIENT, {"patient_id": patient_id}).first()
        if row is None:
            raise NotFoundError(f"No {Patient.label.lower()} number {patient_id}")
        return LivePatient(patient_id, row.uuid, row.birth_date)

    def _get(self, kind: type[T], record_id: int, *, include_deleted: bool = False) -> T:
        with self.database.read_session() as session:
            record = session.get(kind, record_id)
        if record is None or (record.deleted_at is not None and not include_deleted):
            raise NotFoundError(f"No {kind.label.lower()} number {record_id}")
        return record

    def _validate(
        self,
        kind: type[Record],
        values: Mapping[str, Any],
        patient: Patient | LivePatient | None,
    ) -> None:
        validator = _validator(kind)
        if kind is Patient:
            validator(values)
        else:
            validator(values, birth_date=patient.birth_date if patient else None)

    def _check_fields(
        self, kind: type[Record], values: Mapping[str, Any], protected: frozenset[str]
    ) -> None:
        known = _writable_columns(kind).known
        for field in values:
            if field not in known or field in protected:
                if field in (s.total_column for s in SCALES):
                    raise ValidationError(
                        field, f"{field} is derived from the items and cannot be typed"
                    )
                raise ValidationError(field, f"'{field}' is not a field of {kind.label.lower()}")

    def _add(self, kind: type[T], patient_id: int | None, values: dict[str, Any]) -> T:
        values = _normalise(kind, dict(values))
        self._check_fields(kind, values, _PROTECTED_ON_ADD)
        _check_uuid(values.get("uuid"))
        columns = _writable_columns(kind)
        # Defaults that the database would fill are needed by validation already.
        for key, default in columns.scalar_defaults.items():
            if values.get(key) is None:
                values[key] = default
        # A Core INSERT of the values, not a unit of work: the record is built from what was
        # written. One transaction for the patient check, the record and its audit row.
        with self.database.transaction() as connection:
            patient = None
            if patient_id is not None:
                patient = self._live_patient(connection, patient_id)
            self._validate(kind, {key: values.get(key) for key in columns.keys}, patient)
            if patient is not None and issubclass(kind, PatientRecord):
                values["patient_id"] = patient.id
            try:
                result = connection.execute(columns.insert, values)
            except IntegrityError as error:
                raise _refused(error) from error
            # What was written (Python-side defaults included), then what the database made.
            params = result.last_inserted_params()
            assert not isinstance(params, list)  # one row
            written = dict(params)
            if result.returned_defaults is not None:
                written.update(result.returned_defaults._mapping)
            [written["id"]] = result.inserted_primary_key or (None,)
            record = rows.factory(kind, connection.dialect).from_values(written)
            self._audit(
                connection,
                "add",
                record,
                None,
                {key: written.get(key) for key in columns.keys},  # record.values(), read cheaply
                patient.uuid if patient else record.uuid,
            )
        log.info("added %s %s", kind.kind, record.id)
        return record

    def _update(self, kind: type[T], record_id: int, values: dict[str, Any]) -> T:
        values = _normalise(kind, dict(values))
        self._check_fields(kind, values, _PROTECTED_ON_EDIT)
        with self._writing() as session:
            record = session.get(kind, record_id)
            if record is None or record.deleted_at is not None:
                raise NotFoundError(f"No {kind.label.lower()} number {record_id}")
            old = record.values()
            patient = (
                session.get(Patient, record.patient_id)
                if isinstance(record, PatientRecord)
                else None
            )
            self._validate(kind, {**old, **values}, patient)
            for key, value in values.items():
                setattr(record, key, value)
            self._flush(session)
            new = record.values()
            changed_old = {k: v for k, v in old.items() if new.get(k) != v and k != "updated_at"}
            changed_new = {k: new[k] for k in changed_old}
            self._audit(
                session,
                "edit",
                record,
                changed_old,
                changed_new,
                patient.uuid if patient else record.uuid,
            )
            session.flush()
        log.info("edited %s %s", kind.kind, record_id)
        return record

    def _set_deleted(self, kind: type[T], record_id: int, *, deleted: bool) -> T:
        with self._writing() as session:
            record = session.get(kind, record_id)
            if record is None or (record.deleted_at is not None) == deleted:
                state = "live" if deleted else "deleted"
                raise NotFoundError(f"No {state} {kind.label.lower()} number {record_id}")
            record.deleted_at = datetime.now(UTC) if deleted else None
            patient = (
                session.get(Patient, record.patient_id)
                if isinstance(record, PatientRecord)
                else record
            )
            self._audit(
                session,
                "delete" if deleted else "restore",
                record,
                None,
                None,
                patient.uuid if patient else None,
            )
        log.info("%s %s %s", "deleted" if deleted else "restored", kind.kind, record_id)
        return record

    def _flush(self, session: Session) -> None:
        try:
            session.flush()
        except IntegrityError as error:
            raise _refused(error) from error

    def _audit(
        self,
        session: Session | Connection,
        action: str,
        record: Record,
        old: Mapping[str, object] | None,
        new: Mapping[str, object] | None,
        patient_uuid: str | None,
    ) -> None:
        session.execute(_AUDIT_INSERT, self._audit_row(action, record, old, new, patient_uuid))

    def _audit_row(
        self,
        action: str,
        record: Record,
        old: Mapping[str, object] | None,
        new: Mapping[str, object] | None,
        patient_uuid: str | None,
    ) -> dict[str, object]:
        # Plain rows, not objects: the audit is only ever inserted here, and a bulk
        # INSERT skips the second unit-of-work flush that every save used to pay.
        return {
            "actor": self.actor,
            "action": action,
            "record_kind": record.kind,
            "record_uuid": record.uuid,
            "patient_uuid": patient_uuid,
            "old_values": None if old is None else audit_json(old),
            "new_values": None if new is None else audit_json(new),
        }


def _refused(error: IntegrityError) -> DatabaseError:
    # The domain rules should have caught it; the database is the last guard.
    return DatabaseError(f"The database refused the entry: {error.orig}")


# Statements built once: a save runs three, and building them was a fair share of its time.
_AUDIT_INSERT = insert(AuditEntry.metadata.tables[AuditEntry.__tablename__])
_LIVE_PATIENT = select(Patient.uuid, Patient.birth_date).where(
    Patient.id == bindparam("patient_id"), Patient.deleted_at.is_(None)
)


@dataclass(frozen=True)
class _WritableColumns:
    insert: Insert
    keys: tuple[str, ...]
    known: frozenset[str]
    scalar_defaults: dict[str, Any]


@functools.cache
def _writable_columns(kind: type[Record]) -> _WritableColumns:
    """A kind's own columns (not generated) and their plain default values."""
    keys: list[str] = []
    defaults: dict[str, Any] = {}
    for column in kind.__table__.columns:
        if column.computed:
            continue
        keys.append(column.key)
        default = column.default
        if default is not None and getattr(default, "is_scalar", False):
            defaults[column.key] = getattr(default, "arg", None)
    table = kind.metadata.tables[kind.__tablename__]
    # The id and the generated totals come back with the INSERT (RETURNING where it can).
    return _WritableColumns(insert(table).return_defaults(), tuple(keys), frozenset(keys), defaults)


def scale_of(key: str) -> Scale:
    from sps_tracker.domain.scales import scale

    return scale(key)
