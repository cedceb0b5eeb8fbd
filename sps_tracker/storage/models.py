"""The records, each defined once (SQLAlchemy 2 typed models).

CHECK constraints repeat the domain's ranges so that even SQL written by hand
cannot store, say, a stiffness index of 7.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    CheckConstraint,
    Computed,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.scales import DSI, HSS, Scale
from sps_tracker.domain.validation import utc_now
from sps_tracker.storage.types import UTCDateTime, YesNo

# Stable constraint names, so Alembic batch migrations can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in(column: str, choices: tuple[vocab.Choice, ...]) -> str:
    quoted = ", ".join(f"'{key}'" for key in vocab.keys(choices))
    return f"{column} IN ({quoted})"


def _new_uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Record(Base):
    """What every record has: a stable UUID for exchange, timestamps, soft delete."""

    __abstract__ = True
    kind: ClassVar[str]
    label: ClassVar[str]

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=_new_uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    # Deleting keeps the row, recoverable, until it is purged on purpose.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    def values(self) -> dict[str, Any]:
        """The record's own columns as a plain mapping (no ids of the machine)."""
        return {c.key: getattr(self, c.key) for c in self.__table__.columns if not c.computed}


class Patient(Record):
    __tablename__ = "patient"
    kind = "patient"
    label = "Patient"

    display_name: Mapped[str] = mapped_column(String(200))
    clinic_identifier: Mapped[str | None] = mapped_column(String(200), default=None)
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    diagnosis_date: Mapped[date | None] = mapped_column(Date, default=None)
    antibody_status: Mapped[str] = mapped_column(String(16), default="unknown")
    synthetic: Mapped[bool] = mapped_column(YesNo, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("length(trim(display_name)) > 0", name="display_name_present"),
        CheckConstraint(
            _in("antibody_status", vocab.ANTIBODY_STATUSES), name="antibody_status_known"
        ),
        CheckConstraint(
            "diagnosis_date IS NULL OR birth_date IS NULL OR diagnosis_date >= birth_date",
            name="diagnosis_after_birth",
        ),
        CheckConstraint("synthetic IN (0, 1)", name="synthetic_bool"),
    )


class PatientRecord(Record):
    """A record that belongs to one patient."""

    __abstract__ = True

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")


def _item_columns(s: Scale) -> dict[str, Any]:
    """One 0/1 column per scale item, named from the scale definition."""
    return {column: mapped_column(YesNo, default=False, nullable=False) for column in s.columns}


def _total_expression(s: Scale) -> str:
    return " + ".join(s.columns)


def _item_checks(s: Scale) -> list[CheckConstraint]:
    return [CheckConstraint(f"{column} IN (0, 1)", name=f"{column}_bool") for column in s.columns]


class Assessment(PatientRecord):
    """One rating of both scales, item by item, by a clinician or the patient."""

    __tablename__ = "assessment"
    __mapper_args__ = {"eager_defaults": True}  # read generated totals back after UPDATE too
    kind = "assessment"
    label = "Assessment"

    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16))
    rater: Mapped[str] = mapped_column(String(200), default="")
    walking_status: Mapped[str | None] = mapped_column(String(16), default=None)

    # Item columns come from the scale definitions (scales are data).
    locals().update(_item_columns(DSI))
    locals().update(_item_columns(HSS))

    # Totals are derived by the database itself and can never be written.
    dsi_total: Mapped[int] = mapped_column(
        Integer, Computed(_total_expression(DSI), persisted=True)
    )
    hss_total: Mapped[int] = mapped_column(
        Integer, Computed(_total_expression(HSS), persisted=True)
    )

    __table_args__ = (
        *_item_checks(DSI),
        *_item_checks(HSS),
        CheckConstraint(f"dsi_total BETWEEN 0 AND {DSI.maximum}", name="dsi_total_range"),
        CheckConstraint(f"hss_total BETWEEN 0 AND {HSS.maximum}", name="hss_total_range"),
        CheckConstraint(_in("source", vocab.ASSESSMENT_SOURCES), name="source_known"),
        CheckConstraint(
            "walking_status IS NULL OR " + _in("walking_status", vocab.WALKING_STATUSES),
            name="walking_status_known",
        ),
        Index("ix_assessment_patient_time", "patient_id", "assessed_at"),
    )

    def answers(self, s: Scale) -> dict[str, bool]:
        return {key: bool(getattr(self, s.column(key))) for key in s.keys}

    def total(self, s: Scale) -> int:
        return s.total(self.answers(s))


class Fall(PatientRecord):
    __tablename__ = "fall"
    kind = "fall"
    label = "Fall"

    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    trigger: Mapped[str] = mapped_column(String(16))
    trigger_other: Mapped[str] = mapped_column(String(500), default="")
    injury: Mapped[bool] = mapped_column(YesNo, default=False)
    injury_description: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (
        CheckConstraint(_in("trigger", vocab.FALL_TRIGGERS), name="trigger_known"),
        CheckConstraint(
            "trigger <> 'other' OR length(trim(trigger_other)) > 0", name="other_trigger_described"
        ),
        CheckConstraint("injury IN (0, 1)", name="injury_bool"),
        Index("ix_fall_patient_time", "patient_id", "occurred_at"),
    )


class InfusionCourse(PatientRecord):
    """An IVIg course: a span of consecutive days, not a point."""

    __tablename__ = "infusion_course"
    kind = "infusion"
    label = "Infusion course"

    first_day: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer, default=1)
    product: Mapped[str] = mapped_column(String(200), default="")
    total_grams: Mapped[float | None] = mapped_column(Float, default=None)
    grams_per_kg: Mapped[float | None] = mapped_column(Float, default=None)
    dosing_weight_kg: Mapped[float | None] = mapped_column(Float, default=None)
    lot_numbers: Mapped[str] = mapped_column(String(500), default="")
    rate: Mapped[str] = mapped_column(String(500), default="")
    premedication: Mapped[str] = mapped_column(String(500), default="")
    # Reaction keys from the vocabulary, ';'-separated in a fixed order.
    reactions: Mapped[str] = mapped_column(String(500), default="")
    reaction_notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("days BETWEEN 1 AND 10", name="days_range"),
        CheckConstraint("total_grams IS NULL OR total_grams > 0", name="total_grams_positive"),
        CheckConstraint("grams_per_kg IS NULL OR grams_per_kg > 0", name="grams_per_kg_positive"),
        CheckConstraint(
            "dosing_weight_kg IS NULL OR (dosing_weight_kg > 0 AND dosing_weight_kg <= 500)",
            name="dosing_weight_range",
        ),
        Index("ix_infusion_patient_day", "patient_id", "first_day"),
    )

    @property
    def last_day(self) -> date:
        from datetime import timedelta

        return self.first_day + timedelta(days=self.days - 1)

    @property
    def reaction_keys(self) -> tuple[str, ...]:
        return tuple(r for r in self.reactions.split(";") if r)


class MedicationPeriod(PatientRecord):
    """A drug at one daily dose from start to stop; a dose change starts a new period."""

    __tablename__ = "medication_period"
    kind = "medication"
    label = "Medication"

    drug: Mapped[str] = mapped_column(String(200))
    daily_dose: Mapped[float] = mapped_column(Float)
    dose_unit: Mapped[str] = mapped_column(String(20), default="mg")
    start_date: Mapped[date] = mapped_column(Date)
    stop_date: Mapped[date | None] = mapped_column(Date, default=None)

    __table_args__ = (
        CheckConstraint("length(trim(drug)) > 0", name="drug_present"),
        CheckConstraint("daily_dose >= 0", name="daily_dose_not_negative"),
        CheckConstraint("stop_date IS NULL OR stop_date >= start_date", name="stop_after_start"),
    )


class LabResult(PatientRecord):
    __tablename__ = "lab_result"
    kind = "lab"
    label = "Lab result"

    analyte: Mapped[str] = mapped_column(String(200), default="anti-GAD65")
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    lab: Mapped[str] = mapped_column(String(200), default="")
    taken_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("length(trim(analyte)) > 0", name="analyte_present"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("length(trim(unit)) > 0", name="unit_present"),
    )


class AuditEntry(Base):
    """Append-only: who changed which record when, with the values before and after."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    actor: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(16))
    record_kind: Mapped[str] = mapped_column(String(32))
    record_uuid: Mapped[str] = mapped_column(String(36), index=True)
    patient_uuid: Mapped[str | None] = mapped_column(String(36), default=None)
    old_values: Mapped[str | None] = mapped_column(Text, default=None)
    new_values: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (
        CheckConstraint(
            "action IN ('add', 'edit', 'delete', 'restore', 'import')", name="action_known"
        ),
    )


PATIENT_RECORD_TYPES: tuple[type[PatientRecord], ...] = (
    Assessment,
    Fall,
    InfusionCourse,
    MedicationPeriod,
    LabResult,
)
RECORD_TYPES: tuple[type[Record], ...] = (Patient, *PATIENT_RECORD_TYPES)


def record_type(kind: str) -> type[Record]:
    for t in RECORD_TYPES:
        if t.kind == kind:
            return t
    raise KeyError(kind)


def when(record: PatientRecord) -> datetime:
    """The instant a record is placed at on the patient's timeline (dates at 00:00 UTC)."""
    from datetime import UTC, time

    if isinstance(record, Assessment):
        return record.assessed_at
    if isinstance(record, Fall):
        return record.occurred_at
    day: date
    if isinstance(record, InfusionCourse):
        day = record.first_day
    elif isinstance(record, MedicationPeriod):
        day = record.start_date
    elif isinstance(record, LabResult):
        day = record.taken_on
    else:
        raise TypeError(type(record).__name__)
    return datetime.combine(day, time(0, 0), tzinfo=UTC)
