"""Clearly labelled synthetic patients with believable trajectories, for demos and tests.

The same seed and end date give the same data, UUIDs included. Shapes follow
sps-facts.md: high scores at baseline, IVIg courses every 4-6 weeks after a
few months, scores falling over 2-3 months, wearing-off before courses, fewer
falls on treatment, and one patient who does not respond.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sps_tracker.domain import vocabulary as vocab
from sps_tracker.domain.scales import DSI, HSS, Scale
from sps_tracker.services import Tracker, scale_values
from sps_tracker.storage.models import (
    Assessment,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
    Patient,
    PatientRecord,
)

FIRST_NAMES = ("Alex", "Sam", "Robin", "Jordan", "Kim", "Maria", "Jonas", "Leila", "Tomas", "Ines")
LAST_NAMES = ("Rivera", "Novak", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Berg", "Costa")


@dataclass(frozen=True, slots=True)
class Course:
    """How a demo patient's scores move."""

    name: str
    responds: bool
    wearing_off: float  # extra points in the last days before the next course


PATTERNS = {
    "responder": Course("responder", True, 0.4),
    "wearing-off": Course("wearing-off", True, 2.2),
    "non-responder": Course("non-responder", False, 0.0),
}


def pattern_for(index: int, count: int) -> Course:
    """First a responder, then one who wears off, then the one non-responder."""
    if count >= 2 and index == min(2, count - 1):
        return PATTERNS["non-responder"]
    if index == 1:
        return PATTERNS["wearing-off"]
    return PATTERNS["responder"]


class _Generator:
    def __init__(self, seed: int, until: date) -> None:
        self.rng = random.Random(seed)
        self.until = until

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def stamp(self, record: PatientRecord | Patient, at: datetime) -> None:
        record.uuid = self.uuid()
        record.created_at = at
        record.updated_at = at

    def scored_items(self, s: Scale, order: list[str], score: int) -> list[str]:
        chosen = order[:score]
        # Now and then a neighbouring area swaps in, as real examinations vary.
        if 0 < score < len(order) and self.rng.random() < 0.15:
            chosen[-1] = order[score]
        return chosen


def generate(
    tracker: Tracker,
    *,
    patients: int = 3,
    years: float = 2.0,
    seed: int = 1,
    until: date | None = None,
    self_rating_every_days: int = 7,
) -> list[Patient]:
    """Add ``patients`` synthetic patients covering ``years`` up to ``until`` (today)."""
    until = until or date.today()
    made: list[Patient] = []
    for index in range(patients):
        g = _Generator(seed * 1_000_003 + index, until)
        made.append(_one_patient(tracker, g, index, patients, years, seed, self_rating_every_days))
    return made


def _one_patient(
    tracker: Tracker, g: _Generator, index: int, count: int, years: float, seed: int, every: int
) -> Patient:
    rng = g.rng
    course = pattern_for(index, count)
    # Instants end yesterday so nothing can lie in the future of the clock.
    last_day = g.until - timedelta(days=1)
    span_days = max(30, int(years * 365.25))
    first_day = last_day - timedelta(days=span_days)
    birth = date(rng.randint(1952, 1988), rng.randint(1, 12), rng.randint(1, 28))
    diagnosis = first_day - timedelta(days=rng.randint(60, 900))
    name = f"Demo {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    patient_at = datetime.combine(first_day, time(9, 0), tzinfo=UTC)
    patient = tracker.add_patient(
        uuid=g.uuid(),
        created_at=patient_at,
        updated_at=patient_at,
        display_name=name,
        clinic_identifier=f"DEMO-{seed}-{index + 1:03d}",
        birth_date=birth,
        diagnosis_date=max(diagnosis, birth + timedelta(days=18 * 365)),
        antibody_status="positive",
        synthetic=True,
        notes=f"Synthetic demo patient ({course.name}); seed {seed}. Not a real person.",
    )

    records: list[PatientRecord] = []
    baseline_dsi = rng.uniform(4.3, 5.8)
    baseline_hss = rng.uniform(4.3, 6.6)
    treatment_start = first_day + timedelta(days=min(span_days // 3, rng.randint(90, 140)))
    interval = rng.choice((28, 35, 42))
    weight = round(rng.uniform(55, 95), 1)
    product = rng.choice(vocab.IVIG_PRODUCTS[:4])

    courses: list[date] = []
    day = treatment_start
    while day <= last_day:
        courses.append(day)
        day += timedelta(days=interval + rng.choice((-2, 0, 0, 0, 3)))
    for start in courses:
        days = rng.choice((2, 2, 2, 3, 5))
        reactions = [r for r in ("headache", "chills", "flushing") if rng.random() < 0.08]
        c = InfusionCourse(
            first_day=start,
            days=days,
            product=product,
            total_grams=round(2 * weight, 1),
            grams_per_kg=2.0,
            dosing_weight_kg=weight,
            lot_numbers=f"{rng.choice('ABCDEFGH')}{rng.randint(100000, 999999)}",
            rate="",
            premedication="paracetamol 1 g" if rng.random() < 0.5 else "",
            reactions=";".join(reactions),
            notes="",
        )
        g.stamp(c, datetime.combine(start, time(15, 0), tzinfo=UTC))
        records.append(c)

    def level(baseline: float, moment: date) -> float:
        if not course.responds or moment < treatment_start:
            drift = 0.2 * (moment - first_day).days / 365.25  # slow worsening untreated
            return baseline + drift
        floor = baseline * 0.35
        since = (moment - treatment_start).days
        value = floor + (baseline - floor) * math.exp(-since / 30)
        latest = max(c for c in courses if c <= moment)
        into_cycle = (moment - latest).days
        late = into_cycle - (interval - 12)
        if late > 0:
            value += course.wearing_off * min(1.0, late / 12)
        return value

    dsi_order = list(DSI.keys)
    hss_order = list(HSS.keys)
    rng.shuffle(dsi_order)
    rng.shuffle(hss_order)

    def score(s: Scale, baseline: float, moment: date, noise: float) -> list[str]:
        raw = level(baseline, moment) + rng.gauss(0, noise)
        total = max(0, min(s.maximum, round(raw)))
        order = dsi_order if s is DSI else hss_order
        return g.scored_items(s, order, total)

    def assessment(moment: datetime, source: str, noise: float) -> Assessment:
        dsi = score(DSI, baseline_dsi, moment.date(), noise)
        hss = score(HSS, baseline_hss, moment.date(), noise)
        walking = "independent"
        stiff = len(dsi)
        if stiff >= 5:
            walking = "walker" if rng.random() < 0.5 else "cane"
        elif stiff >= 3:
            walking = "cane" if rng.random() < 0.4 else "independent"
        a = Assessment(
            assessed_at=moment,
            source=source,
            rater="Dr Demo" if source == "clinician" else "",
            walking_status=walking if source == "clinician" else None,
            notes="",
            **scale_values(dsi, hss),
        )
        g.stamp(a, moment)
        return a

    # Clinic visits: at the start of a course (its trough) or every ~6 weeks before treatment.
    visit_days = [
        first_day + timedelta(days=d) for d in range(0, (treatment_start - first_day).days, 42)
    ]
    visit_days += courses[::2]
    for visit in visit_days:
        records.append(
            assessment(
                datetime.combine(
                    visit, time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))), tzinfo=UTC
                ),
                "clinician",
                0.35,
            )
        )
    day = first_day + timedelta(days=rng.randint(0, every - 1))
    while day <= last_day:
        moment = datetime.combine(day, time(rng.randint(18, 21), rng.randint(0, 59)), tzinfo=UTC)
        records.append(assessment(moment, "patient", 0.55))
        day += timedelta(days=every)

    # Falls: several a month untreated, fewer once IVIg works.
    day = first_day
    while day <= last_day:
        rate = (
            0.11 if (not course.responds or day < treatment_start + timedelta(days=60)) else 0.025
        )
        if rng.random() < rate:
            trigger = rng.choices(vocab.keys(vocab.FALL_TRIGGERS), weights=(5, 2, 3, 3, 1, 1))[0]
            injury = rng.random() < 0.2
            moment = datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=UTC)
            f = Fall(
                occurred_at=moment,
                trigger=trigger,
                trigger_other="slipped on a wet floor" if trigger == "other" else "",
                injury=injury,
                injury_description="bruised hip" if injury else "",
                notes="",
            )
            g.stamp(f, moment)
            records.append(f)
        day += timedelta(days=1)

    # Symptomatic drugs held steady, with one dose change (a confounder charts must show).
    diazepam = rng.choice((10.0, 15.0, 20.0))
    change = first_day + timedelta(days=span_days // 2)
    for drug, dose, start, stop in (
        ("diazepam", diazepam, first_day, change - timedelta(days=1)),
        ("diazepam", diazepam + 5.0, change, None),
        ("baclofen", rng.choice((20.0, 30.0)), first_day, None),
    ):
        m = MedicationPeriod(
            drug=drug, daily_dose=dose, dose_unit="mg", start_date=start, stop_date=stop, notes=""
        )
        g.stamp(m, datetime.combine(start, time(12, 0), tzinfo=UTC))
        records.append(m)

    # Anti-GAD65 every six months; values within the range of one NIH series (sps-facts.md).
    titre = rng.uniform(60_000, 180_000)
    day = first_day
    while day <= last_day:
        on_ivig = course.responds and day > treatment_start
        value = titre * (0.8 if on_ivig else 1.0) * rng.uniform(0.9, 1.1)
        lab = LabResult(
            analyte="anti-GAD65",
            value=round(max(24_000, min(200_000, value)), -2),
            unit="U/mL",
            lab="Demo laboratory",
            taken_on=day,
            notes="",
        )
        g.stamp(lab, datetime.combine(day, time(12, 0), tzinfo=UTC))
        records.append(lab)
        day += timedelta(days=182)

    tracker.bulk_add(patient, records)
    return patient
