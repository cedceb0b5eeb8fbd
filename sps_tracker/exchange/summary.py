"""One row per patient per calendar month: scores, falls and IVIg given.

Months are UTC calendar months, like the times in the files. A patient's
baseline is the first month with any assessment in the whole record (not
only in the exported range), so the change column does not move when the
range does. Clinician and self-ratings are counted together here; the
assessments file keeps each one's source.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import ColumnElement, String, func, select, type_coerce

from sps_tracker.exchange.csv_export import ExportSelection
from sps_tracker.exchange.formats import neutralise
from sps_tracker.storage.db import Database
from sps_tracker.storage.models import Assessment, Fall, InfusionCourse, Patient

# Fixed, so that the same patient and month always get the same summary uuid.
SUMMARY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "sps-tracker:csv:summary")


@dataclass(frozen=True, slots=True)
class ScoreStats:
    mean: Fraction
    minimum: int
    maximum: int

    @classmethod
    def of(cls, scores: list[int]) -> ScoreStats:
        return cls(Fraction(sum(scores), len(scores)), min(scores), max(scores))


@dataclass(frozen=True, slots=True)
class MonthSummary:
    patient_uuid: str
    clinic_identifier: str
    month: str  # YYYY-MM
    assessments: int
    dsi: ScoreStats | None
    hss: ScoreStats | None
    baseline_month: str
    dsi_change: Fraction | None
    hss_change: Fraction | None
    falls: int
    infusion_courses: int
    ivig_grams: float | None
    courses_without_grams: int

    @property
    def uuid(self) -> str:
        return str(uuid.uuid5(SUMMARY_NAMESPACE, f"{self.patient_uuid}/{self.month}"))

    def cells(self) -> list[object]:
        def stats(s: ScoreStats | None) -> list[object]:
            return ["", "", ""] if s is None else [decimal(s.mean), s.minimum, s.maximum]

        return [
            self.uuid,
            self.patient_uuid,
            neutralise(self.clinic_identifier),
            self.month,
            self.assessments,
            *stats(self.dsi),
            *stats(self.hss),
            self.baseline_month,
            "" if self.dsi_change is None else decimal(self.dsi_change),
            "" if self.hss_change is None else decimal(self.hss_change),
            self.falls,
            self.infusion_courses,
            "" if self.ivig_grams is None else _grams(self.ivig_grams),
            self.courses_without_grams,
        ]


def decimal(value: Fraction) -> str:
    """Two decimals, computed exactly (no '-0.00' from float noise)."""
    hundredths = math.floor(abs(value) * 100 + Fraction(1, 2))  # half away from zero
    sign = "-" if value < 0 and hundredths else ""
    return f"{sign}{hundredths // 100}.{hundredths % 100:02d}"


def _grams(value: float) -> str:
    rounded = round(value, 3)
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def _in_range(day: str, selection: ExportSelection) -> bool:
    if selection.date_from is not None and day < selection.date_from.isoformat():
        return False
    return not (selection.date_to is not None and day > selection.date_to.isoformat())


def monthly_summary(
    database: Database, selection: ExportSelection | None = None
) -> list[MonthSummary]:
    """The summary rows of the selected patients, patient by patient, month by month."""
    selection = selection or ExportSelection()
    patients_query = (
        select(Patient.id, Patient.uuid, Patient.clinic_identifier)
        .where(Patient.deleted_at.is_(None))
        .order_by(func.lower(Patient.display_name), Patient.uuid)
    )
    if selection.patient_ids is not None:
        patients_query = patients_query.where(Patient.id.in_(selection.patient_ids))
    with database.engine.connect() as connection:
        patients = connection.execute(patients_query).all()
        chosen = [p.id for p in patients]

        def live(
            model: type[Assessment] | type[Fall] | type[InfusionCourse],
        ) -> list[ColumnElement[bool]]:
            return [model.deleted_at.is_(None), model.patient_id.in_(chosen)]

        assessments = connection.execute(
            select(
                Assessment.patient_id,
                type_coerce(Assessment.assessed_at, String),
                Assessment.dsi_total,
                Assessment.hss_total,
            ).where(*live(Assessment))
        ).all()
        falls = connection.execute(
            select(Fall.patient_id, type_coerce(Fall.occurred_at, String)).where(*live(Fall))
        ).all()
        courses = connection.execute(
            select(
                InfusionCourse.patient_id,
                type_coerce(InfusionCourse.first_day, String),
                InfusionCourse.total_grams,
            ).where(*live(InfusionCourse))
        ).all()

    scores: dict[int, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for patient_id, moment, dsi_total, hss_total in assessments:
        scores[patient_id][moment[:7]].append((dsi_total, hss_total))
    in_range_scores: dict[int, dict[str, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for patient_id, moment, dsi_total, hss_total in assessments:
        if _in_range(moment[:10], selection):
            in_range_scores[patient_id][moment[:7]].append((dsi_total, hss_total))
    fall_counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for patient_id, moment in falls:
        if _in_range(moment[:10], selection):
            fall_counts[patient_id][moment[:7]] += 1
    course_grams: dict[int, dict[str, list[float | None]]] = defaultdict(lambda: defaultdict(list))
    for patient_id, first_day, grams in courses:
        if _in_range(first_day[:10], selection):
            course_grams[patient_id][first_day[:7]].append(grams)

    rows: list[MonthSummary] = []
    for patient_id, patient_uuid, clinic_identifier in patients:
        baseline_month = min(scores[patient_id]) if scores[patient_id] else ""
        baseline = scores[patient_id].get(baseline_month, [])
        base_dsi = ScoreStats.of([d for d, _ in baseline]) if baseline else None
        base_hss = ScoreStats.of([h for _, h in baseline]) if baseline else None
        months = (
            set(in_range_scores[patient_id])
            | set(fall_counts[patient_id])
            | set(course_grams[patient_id])
        )
        for month in sorted(months):
            rated = in_range_scores[patient_id].get(month, [])
            dsi = ScoreStats.of([d for d, _ in rated]) if rated else None
            hss = ScoreStats.of([h for _, h in rated]) if rated else None
            given = course_grams[patient_id].get(month, [])
            known = [g for g in given if g is not None]
            rows.append(
                MonthSummary(
                    patient_uuid=patient_uuid,
                    clinic_identifier=clinic_identifier or "",
                    month=month,
                    assessments=len(rated),
                    dsi=dsi,
                    hss=hss,
                    baseline_month=baseline_month,
                    dsi_change=None
                    if dsi is None or base_dsi is None
                    else dsi.mean - base_dsi.mean,
                    hss_change=None
                    if hss is None or base_hss is None
                    else hss.mean - base_hss.mean,
                    falls=fall_counts[patient_id].get(month, 0),
                    infusion_courses=len(given),
                    ivig_grams=sum(known) if known else None,
                    courses_without_grams=len(given) - len(known),
                )
            )
    return rows
