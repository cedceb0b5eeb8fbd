"""The CSV files' columns, defined once for the writer, the reader and docs/csv-format.md.

Scale item columns come from sps_tracker.domain.scales, so a new DSI area or
HSS trigger reaches the files without touching this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from sps_tracker.domain.scales import SCALES
from sps_tracker.storage.models import (
    Assessment,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
    Patient,
    Record,
)


class Cell(Enum):
    """How a cell is written and read."""

    UUID = "uuid"  # the record's own UUID
    PATIENT = "patient"  # patient_uuid: the owner, resolved to a patient of the database
    TEXT = "text"  # free text, never null ("" when empty)
    OPTIONAL_TEXT = "optional_text"  # free text, empty means unknown
    KEY = "key"  # a vocabulary key
    OPTIONAL_KEY = "optional_key"
    DATE = "date"
    OPTIONAL_DATE = "optional_date"
    INSTANT = "instant"  # a date and time with its UTC offset
    STAMP = "stamp"  # created_at / updated_at: kept when given, now when empty
    INT = "int"
    NUMBER = "number"
    OPTIONAL_NUMBER = "optional_number"
    YES_NO = "yes_no"
    TOTAL = "total"  # derived from the items: written, checked on import, never stored


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    cell: Cell
    required: bool = False  # must appear in the header of an imported file
    unit: str = ""
    description: str = ""

    @property
    def field(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class FileFormat:
    """One kind of record and its file."""

    kind: str
    filename: str
    model: type[Record]
    columns: tuple[Column, ...]
    # The column whose presence in a header says which kind a file holds.
    signature: str
    # The column that places a record in time (for --from/--to and ordering).
    time_column: str | None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    @property
    def stored(self) -> tuple[Column, ...]:
        """Columns that map to a stored field of the record."""
        return tuple(c for c in self.columns if c.cell not in (Cell.PATIENT, Cell.TOTAL))


_STAMPS = (
    Column("created_at", Cell.STAMP, description="when the record was first written (UTC)"),
    Column("updated_at", Cell.STAMP, description="when the record was last changed (UTC)"),
)
_ID = Column("uuid", Cell.UUID, description="the record's identifier; keep it when editing")
_OWNER = Column(
    "patient_uuid", Cell.PATIENT, required=True, description="the uuid of the patient in patients"
)
_NOTES = Column("notes", Cell.TEXT, description="free text")


def _scale_columns() -> tuple[Column, ...]:
    columns: list[Column] = []
    for s in SCALES:
        for item, name in zip(s.items, s.columns, strict=True):
            columns.append(
                Column(
                    name, Cell.YES_NO, required=True, description=f"{s.abbreviation} {item.label}"
                )
            )
        columns.append(
            Column(
                s.total_column,
                Cell.TOTAL,
                description=f"{s.abbreviation} total, {s.minimum} to {s.maximum}: "
                "the number of items marked 1",
            )
        )
    return tuple(columns)


PATIENTS = FileFormat(
    kind="patient",
    filename="patients.csv",
    model=Patient,
    columns=(
        _ID,
        Column("display_name", Cell.TEXT, required=True, description="name as shown in the app"),
        Column("clinic_identifier", Cell.OPTIONAL_TEXT, description="hospital or clinic number"),
        Column("birth_date", Cell.OPTIONAL_DATE),
        Column("diagnosis_date", Cell.OPTIONAL_DATE),
        Column("antibody_status", Cell.KEY, description="positive, negative or unknown"),
        Column("synthetic", Cell.YES_NO, description="1 for made-up demo patients"),
        _NOTES,
        *_STAMPS,
    ),
    signature="display_name",
    time_column=None,
)

ASSESSMENTS = FileFormat(
    kind="assessment",
    filename="assessments.csv",
    model=Assessment,
    columns=(
        _ID,
        _OWNER,
        Column("assessed_at", Cell.INSTANT, required=True),
        Column("source", Cell.KEY, required=True, description="clinician or patient"),
        Column("rater", Cell.TEXT),
        Column("walking_status", Cell.OPTIONAL_KEY),
        *_scale_columns(),
        _NOTES,
        *_STAMPS,
    ),
    signature="assessed_at",
    time_column="assessed_at",
)

FALLS = FileFormat(
    kind="fall",
    filename="falls.csv",
    model=Fall,
    columns=(
        _ID,
        _OWNER,
        Column("occurred_at", Cell.INSTANT, required=True),
        Column("trigger", Cell.KEY, required=True),
        Column("trigger_other", Cell.TEXT, description="what set it off, when trigger is other"),
        Column("injury", Cell.YES_NO),
        Column("injury_description", Cell.TEXT),
        _NOTES,
        *_STAMPS,
    ),
    signature="occurred_at",
    time_column="occurred_at",
)

INFUSIONS = FileFormat(
    kind="infusion",
    filename="infusions.csv",
    model=InfusionCourse,
    columns=(
        _ID,
        _OWNER,
        Column("first_day", Cell.DATE, required=True),
        Column("days", Cell.INT, required=True, unit="days", description="consecutive days"),
        Column("product", Cell.TEXT),
        Column("total_grams", Cell.OPTIONAL_NUMBER, unit="g"),
        Column("grams_per_kg", Cell.OPTIONAL_NUMBER, unit="g/kg"),
        Column("dosing_weight_kg", Cell.OPTIONAL_NUMBER, unit="kg"),
        Column("lot_numbers", Cell.TEXT),
        Column("rate", Cell.TEXT),
        Column("premedication", Cell.TEXT),
        Column("reactions", Cell.TEXT, description="reaction keys separated by ;"),
        Column("reaction_notes", Cell.TEXT),
        _NOTES,
        *_STAMPS,
    ),
    signature="first_day",
    time_column="first_day",
)

MEDICATIONS = FileFormat(
    kind="medication",
    filename="medications.csv",
    model=MedicationPeriod,
    columns=(
        _ID,
        _OWNER,
        Column("drug", Cell.TEXT, required=True),
        Column("daily_dose", Cell.NUMBER, required=True, description="amount per day"),
        Column("dose_unit", Cell.TEXT, required=True, description="unit of daily_dose, e.g. mg"),
        Column("start_date", Cell.DATE, required=True),
        Column("stop_date", Cell.OPTIONAL_DATE, description="empty while still taken"),
        _NOTES,
        *_STAMPS,
    ),
    signature="drug",
    time_column="start_date",
)

LABS = FileFormat(
    kind="lab",
    filename="labs.csv",
    model=LabResult,
    columns=(
        _ID,
        _OWNER,
        Column("taken_on", Cell.DATE, required=True),
        Column("analyte", Cell.TEXT, required=True, description="e.g. anti-GAD65"),
        Column("value", Cell.NUMBER, required=True),
        Column("unit", Cell.TEXT, required=True, description="unit of value, as the lab gives it"),
        Column("lab", Cell.TEXT, description="laboratory"),
        _NOTES,
        *_STAMPS,
    ),
    signature="taken_on",
    time_column="taken_on",
)

RECORD_FORMATS: tuple[FileFormat, ...] = (
    PATIENTS,
    ASSESSMENTS,
    FALLS,
    INFUSIONS,
    MEDICATIONS,
    LABS,
)

SUMMARY_FILENAME = "summary.csv"
SUMMARY_COLUMNS: tuple[str, ...] = (
    "uuid",
    "patient_uuid",
    "clinic_identifier",
    "month",
    "assessments",
    "dsi_mean",
    "dsi_min",
    "dsi_max",
    "hss_mean",
    "hss_min",
    "hss_max",
    "baseline_month",
    "dsi_change_from_baseline",
    "hss_change_from_baseline",
    "falls",
    "infusion_courses",
    "ivig_grams",
    "courses_without_grams",
)
SUMMARY_SIGNATURE = "month"

# OWASP CSV injection: a cell starting with one of these is read as a formula.
FORMULA_STARTS = "=+-@\t\r"
_NEUTRALISED = re.compile(r"'*[=+\-@\t\r]")


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula.

    Text that already starts with apostrophes before such a character gets one
    more, so that :func:`restore` gives back exactly the original.
    """
    if _NEUTRALISED.match(text):
        return "'" + text
    return text


def restore(cell: str) -> str:
    """Undo :func:`neutralise` exactly (and leave any other text alone)."""
    if cell.startswith("'") and _NEUTRALISED.match(cell, 1):
        return cell[1:]
    return cell


def format_number(value: float | int) -> str:
    """Shortest text that reads back to the same number; whole numbers without '.0'."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def format_stored_instant(raw: object) -> str:
    """ISO 8601 with offset from SQLite's stored UTC text ('YYYY-MM-DD HH:MM:SS.ffffff').

    String slicing instead of datetime objects keeps a 100,000-row export fast;
    anything unexpected goes the slow, sure way.
    """
    if isinstance(raw, str) and len(raw) == 26 and raw[10] == " " and raw[19] == ".":
        if raw.endswith("000000"):
            return f"{raw[:10]}T{raw[11:19]}+00:00"
        return f"{raw[:10]}T{raw[11:]}+00:00"
    from datetime import UTC, datetime

    moment = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def by_kind(kind: str) -> FileFormat:
    for f in RECORD_FORMATS:
        if f.kind == kind:
            return f
    raise KeyError(kind)
