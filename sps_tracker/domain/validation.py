"""Rules every entry must meet before anything is written.

Each ``validate_*`` takes the entry's values as a mapping (field name -> value)
and raises :class:`ValidationError` listing every broken rule with its field.
The database repeats the range rules as CHECK constraints; these give the
person a readable message first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.errors import ProblemCollector, ValidationError
from sps_tracker.domain.scales import SCALES

NAME_MAX = 200
TEXT_MAX = 500
NOTES_MAX = 20_000
COURSE_DAYS_MAX = 10  # a bound on typing errors, not a clinical rule (courses span 2-5 days)
WEIGHT_KG_MAX = 500.0
# Clocks of two machines disagree a little; an entry a few minutes ahead is not "in the future".
CLOCK_SKEW = timedelta(minutes=5)
# grams = g/kg x weight, allowing rounding of each figure to what people write down.
DOSE_TOLERANCE = 0.02

Values = Mapping[str, object]
# Each scale item with its column, worked out once: an import checks 100,000 assessments.
_ITEM_COLUMNS = tuple(
    (s, item, column) for s in SCALES for item, column in zip(s.items, s.columns, strict=True)
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware instant in UTC; a naive one is refused rather than guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("time", "A time must carry its time zone (UTC offset)")
    return value.astimezone(UTC)


def _text(
    p: ProblemCollector,
    values: Values,
    field: str,
    label: str,
    *,
    required: bool,
    maximum: int = TEXT_MAX,
) -> None:
    value = values.get(field)
    if value is None or value == "":
        if required:
            p.add(field, f"{label} is required")
        return
    if not isinstance(value, str):
        p.add(field, f"{label} must be text")
    elif required and not value.strip():
        p.add(field, f"{label} is required")
    elif len(value) > maximum:
        p.add(field, f"{label} is {len(value):,} characters long; at most {maximum:,} are kept")
    elif "\x00" in value:
        p.add(field, f"{label} contains a NUL character")


def _choice(
    p: ProblemCollector,
    values: Values,
    field: str,
    label: str,
    choices: tuple[vocab.Choice, ...],
    *,
    required: bool,
) -> None:
    value = values.get(field)
    if value is None or value == "":
        if required:
            p.add(field, f"{label} is required")
        return
    if value not in vocab.keys(choices):
        p.add(field, f"{label} '{value}' is not one of: " + ", ".join(vocab.keys(choices)))


def _number(
    p: ProblemCollector,
    values: Values,
    field: str,
    label: str,
    *,
    required: bool,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    integer: bool = False,
) -> None:
    value = values.get(field)
    if value is None:
        if required:
            p.add(field, f"{label} is required")
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        p.add(field, f"{label} must be a number")
        return
    if integer and not isinstance(value, int):
        p.add(field, f"{label} must be a whole number")
        return
    if math.isnan(value) or math.isinf(value):
        p.add(field, f"{label} must be a finite number")
        return
    if minimum is not None and (value <= minimum if exclusive_minimum else value < minimum):
        word = "more than" if exclusive_minimum else "at least"
        p.add(field, f"{label} must be {word} {minimum:g}")
    if maximum is not None and value > maximum:
        p.add(field, f"{label} must be at most {maximum:g}")


def _date(
    p: ProblemCollector,
    values: Values,
    field: str,
    label: str,
    *,
    required: bool,
    today: date,
    not_before: date | None = None,
    not_before_label: str = "",
) -> None:
    value = values.get(field)
    if value is None:
        if required:
            p.add(field, f"{label} is required")
        return
    if isinstance(value, datetime) or not isinstance(value, date):
        p.add(field, f"{label} must be a date")
        return
    if value > today:
        p.add(field, f"{label} {value.isoformat()} is in the future")
    if not_before is not None and value < not_before:
        p.add(
            field,
            f"{label} {value.isoformat()} is before {not_before_label} ({not_before.isoformat()})",
        )


def _instant(
    p: ProblemCollector,
    values: Values,
    field: str,
    label: str,
    *,
    now: datetime,
    birth_date: date | None,
) -> None:
    value = values.get(field)
    if value is None:
        p.add(field, f"{label} is required")
        return
    if not isinstance(value, datetime):
        p.add(field, f"{label} must be a date and time")
        return
    if value.tzinfo is None or value.utcoffset() is None:
        p.add(field, f"{label} must carry its time zone (UTC offset)")
        return
    if value > now + CLOCK_SKEW:
        p.add(field, f"{label} {value.isoformat(timespec='minutes')} is in the future")
    # Compare on the calendar of the entry's own offset: that is the day the person saw.
    if birth_date is not None and value.date() < birth_date:
        p.add(
            field,
            f"{label} {value.date().isoformat()} is before the patient's birth "
            f"({birth_date.isoformat()})",
        )


def validate_patient(values: Values, *, today: date | None = None) -> None:
    today = today or date.today()
    p = ProblemCollector()
    _text(p, values, "display_name", "Name", required=True, maximum=NAME_MAX)
    _text(p, values, "clinic_identifier", "Clinic identifier", required=False, maximum=NAME_MAX)
    _date(p, values, "birth_date", "Birth date", required=False, today=today)
    birth = values.get("birth_date")
    _date(
        p,
        values,
        "diagnosis_date",
        "Diagnosis date",
        required=False,
        today=today,
        not_before=birth if isinstance(birth, date) else None,
        not_before_label="the birth date",
    )
    _choice(p, values, "antibody_status", "Antibody status", vocab.ANTIBODY_STATUSES, required=True)
    _text(p, values, "notes", "Notes", required=False, maximum=NOTES_MAX)
    p.raise_if_any()


def validate_assessment(
    values: Values, *, birth_date: date | None = None, now: datetime | None = None
) -> None:
    now = now or utc_now()
    p = ProblemCollector()
    _instant(p, values, "assessed_at", "Assessment time", now=now, birth_date=birth_date)
    _choice(p, values, "source", "Source", vocab.ASSESSMENT_SOURCES, required=True)
    _text(p, values, "rater", "Rater", required=False, maximum=NAME_MAX)
    _choice(p, values, "walking_status", "Walking status", vocab.WALKING_STATUSES, required=False)
    for s, item, column in _ITEM_COLUMNS:
        value = values.get(column, False)
        if not isinstance(value, bool) and value not in (0, 1):
            p.add(column, f"{s.abbreviation} {item.label} must be yes or no, not {value!r}")
    _text(p, values, "notes", "Notes", required=False, maximum=NOTES_MAX)
    p.raise_if_any()


def validate_fall(
    values: Values, *, birth_date: date | None = None, now: datetime | None = None
) -> None:
    now = now or utc_now()
    p = ProblemCollector()
    _instant(p, values, "occurred_at", "Time of the fall", now=now, birth_date=birth_date)
    _choice(p, values, "trigger", "What set the fall off", vocab.FALL_TRIGGERS, required=True)
    if values.get("trigger") == "other":
        _text(p, values, "trigger_other", "Description of the other trigger", required=True)
    else:
        _text(p, values, "trigger_other", "Description of the other trigger", required=False)
    injury = values.get("injury", False)
    if not isinstance(injury, bool) and injury not in (0, 1):
        p.add("injury", f"Injury must be yes or no, not {injury!r}")
    _text(p, values, "injury_description", "Injury description", required=False)
    _text(p, values, "notes", "Notes", required=False, maximum=NOTES_MAX)
    p.raise_if_any()


def validate_infusion_course(
    values: Values, *, birth_date: date | None = None, today: date | None = None
) -> None:
    today = today or date.today()
    p = ProblemCollector()
    _date(
        p,
        values,
        "first_day",
        "First day of the course",
        required=True,
        today=today,
        not_before=birth_date,
        not_before_label="the patient's birth",
    )
    _number(
        p,
        values,
        "days",
        "Number of days",
        required=True,
        minimum=1,
        maximum=COURSE_DAYS_MAX,
        integer=True,
    )
    _text(p, values, "product", "Product", required=False, maximum=NAME_MAX)
    _number(
        p, values, "total_grams", "Total grams", required=False, minimum=0, exclusive_minimum=True
    )
    _number(
        p, values, "grams_per_kg", "Grams per kg", required=False, minimum=0, exclusive_minimum=True
    )
    _number(
        p,
        values,
        "dosing_weight_kg",
        "Dosing weight (kg)",
        required=False,
        minimum=0,
        exclusive_minimum=True,
        maximum=WEIGHT_KG_MAX,
    )
    total, per_kg, weight = (
        values.get(k) for k in ("total_grams", "grams_per_kg", "dosing_weight_kg")
    )
    if (
        isinstance(total, int | float)
        and isinstance(per_kg, int | float)
        and isinstance(weight, int | float)
        and not p.problems
        and abs(total - per_kg * weight) > DOSE_TOLERANCE * max(total, per_kg * weight)
    ):
        p.add(
            "total_grams",
            f"Total grams {total:g} does not equal grams per kg {per_kg:g} x "
            f"dosing weight {weight:g} kg = {per_kg * weight:g}",
        )
    _text(p, values, "lot_numbers", "Lot numbers", required=False)
    _text(p, values, "rate", "Rate", required=False)
    _text(p, values, "premedication", "Premedication", required=False)
    reactions = values.get("reactions") or ()
    if isinstance(reactions, str):
        reactions = tuple(r for r in reactions.split(";") if r)
    if not isinstance(reactions, list | tuple | set | frozenset):
        p.add("reactions", "Reactions must be a list")
    else:
        known = vocab.keys(vocab.INFUSION_REACTIONS)
        for reaction in reactions:
            if reaction not in known:
                p.add("reactions", f"Reaction '{reaction}' is not one of: " + ", ".join(known))
    _text(p, values, "reaction_notes", "Reaction notes", required=False, maximum=NOTES_MAX)
    _text(p, values, "notes", "Notes", required=False, maximum=NOTES_MAX)
    p.raise_if_any()


def validate_medication_period(
    values: Values, *, birth_date: date | None = None, today: date | None = None
) -> None:
    today = today or date.today()
    p = ProblemCollector()
    _text(p, values, "drug", "Drug", required=True, maximum=NAME_MAX)
    _number(p, values, "daily_dose", "Daily dose", required=True, minimum=0)
    _text(p, values, "dose_unit", "Dose unit", required=True, maximum=20)
    _date(
        p,
        values,
        "start_date",
        "Start date",
        required=True,
        today=today,
        not_before=birth_date,
        not_before_label="the patient's birth",
    )
    start = values.get("start_date")
    stop = values.get("stop_date")
    if stop is not None:
        if isinstance(stop, datetime) or not isinstance(stop, date):
            p.add("stop_date", "Stop date must be a date")
        elif isinstance(start, date) and stop < start:
            p.add(
                "stop_date",
                f"Stop date {stop.isoformat()} is before the start date {start.isoformat()}",
            )
    _text(p, values, "notes", "Notes", required=False, maximum=NOTES_MAX)
    p.raise_if_any()


def validate_lab_result(
    values: Values, *, birth_date: date | None = None, today: date | None = None
) -> None:
    today = today or date.today()
    p = ProblemCollector()
    _text(p, values, "analyte", "Analyte", required=True, maximum=NAME_MAX)
    _number(p, values, "value", "Value", required=True, minimum=0)
    _text(p, values, "unit", "Unit", required=True, maximum=20)
    _text(p, values, "lab", "Laboratory", required=False, maximum=NAME_MAX)
    _date(
        p,
        values,
        "taken_on",
        "Sample date",
        required=True,
        today=today,
        not_before=birth_date,
        not_before_label="the patient's birth",
    )
    _text(p, values, "notes", "Notes", required=False, maximum=NOTES_MAX)
    p.raise_if_any()


def complete_dose(
    total_grams: float | None, grams_per_kg: float | None, dosing_weight_kg: float | None
) -> tuple[float | None, float | None, float | None]:
    """Given two of total grams, g/kg and dosing weight, the third follows."""
    if total_grams is None and grams_per_kg is not None and dosing_weight_kg is not None:
        total_grams = round(grams_per_kg * dosing_weight_kg, 1)
    elif grams_per_kg is None and total_grams is not None and dosing_weight_kg:
        grams_per_kg = round(total_grams / dosing_weight_kg, 3)
    elif dosing_weight_kg is None and total_grams is not None and grams_per_kg:
        dosing_weight_kg = round(total_grams / grams_per_kg, 1)
    return total_grams, grams_per_kg, dosing_weight_kg
