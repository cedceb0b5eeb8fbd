from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sps_tracker.domain import validation as v
from sps_tracker.domain.errors import ValidationError

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def assessment(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {"assessed_at": NOW - timedelta(hours=1), "source": "clinician"}
    values.update(changes)
    return values


def problems(call: object, *args: object, **kwargs: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    found: dict[str, list[str]] = {}
    for p in caught.value.problems:
        found.setdefault(p.field, []).append(p.message)
    return found


def test_a_sound_assessment_passes() -> None:
    v.validate_assessment(assessment(dsi_legs=True), now=NOW)


def test_future_assessment_is_refused_but_clock_skew_is_tolerated() -> None:
    v.validate_assessment(assessment(assessed_at=NOW + timedelta(minutes=2)), now=NOW)
    found = problems(
        v.validate_assessment, assessment(assessed_at=NOW + timedelta(days=1)), now=NOW
    )
    assert found["assessed_at"] == ["Assessment time 2026-06-02T12:00+00:00 is in the future"]


def test_assessment_before_birth_is_refused() -> None:
    found = problems(
        v.validate_assessment, assessment(), birth_date=TODAY + timedelta(days=5), now=NOW
    )
    assert "before the patient's birth" in found["assessed_at"][0]


def test_naive_time_is_refused() -> None:
    found = problems(v.validate_assessment, assessment(assessed_at=datetime(2026, 1, 1)), now=NOW)
    assert "time zone" in found["assessed_at"][0]


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        v.validate_assessment,
        assessment(source="nurse", walking_status="running", dsi_face=3),
        now=NOW,
    )
    assert set(found) == {"source", "walking_status", "dsi_face"}


def test_fall_with_other_trigger_needs_a_description() -> None:
    values = {"occurred_at": NOW, "trigger": "other", "trigger_other": " "}
    assert "trigger_other" in problems(v.validate_fall, values, now=NOW)
    values["trigger_other"] = "tripped on a rug"
    v.validate_fall(values, now=NOW)


def test_infusion_dose_must_add_up() -> None:
    base = {"first_day": TODAY, "days": 2}
    v.validate_infusion_course(
        {**base, "total_grams": 140.0, "grams_per_kg": 2.0, "dosing_weight_kg": 70.0}, today=TODAY
    )
    found = problems(
        v.validate_infusion_course,
        {**base, "total_grams": 100.0, "grams_per_kg": 2.0, "dosing_weight_kg": 70.0},
        today=TODAY,
    )
    assert "does not equal" in found["total_grams"][0]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("days", 0, "at least 1"),
        ("days", 11, "at most 10"),
        ("days", 2.5, "whole number"),
        ("total_grams", -1.0, "more than 0"),
        ("dosing_weight_kg", 600.0, "at most 500"),
        ("grams_per_kg", float("nan"), "finite"),
        ("reactions", ["sneezing"], "not one of"),
        ("first_day", TODAY + timedelta(days=1), "in the future"),
    ],
)
def test_infusion_rules(field: str, value: object, words: str) -> None:
    values: dict[str, object] = {"first_day": TODAY, "days": 2, field: value}
    assert words in " ".join(problems(v.validate_infusion_course, values, today=TODAY)[field])


def test_medication_stop_before_start_is_refused() -> None:
    found = problems(
        v.validate_medication_period,
        {
            "drug": "baclofen",
            "daily_dose": 20.0,
            "dose_unit": "mg",
            "start_date": date(2026, 3, 1),
            "stop_date": date(2026, 2, 1),
        },
        today=TODAY,
    )
    assert found["stop_date"] == ["Stop date 2026-02-01 is before the start date 2026-03-01"]


def test_lab_and_patient_rules() -> None:
    found = problems(
        v.validate_lab_result,
        {"analyte": "anti-GAD65", "value": -5.0, "unit": "", "taken_on": TODAY},
        today=TODAY,
    )
    assert set(found) == {"value", "unit"}
    found = problems(
        v.validate_patient,
        {
            "display_name": " ",
            "antibody_status": "maybe",
            "birth_date": date(1980, 1, 1),
            "diagnosis_date": date(1979, 1, 1),
        },
        today=TODAY,
    )
    assert set(found) == {"display_name", "antibody_status", "diagnosis_date"}


def test_notes_have_a_length_limit() -> None:
    found = problems(v.validate_assessment, assessment(notes="x" * (v.NOTES_MAX + 1)), now=NOW)
    assert "at most" in found["notes"][0]


def test_time_in_another_zone_is_compared_as_an_instant() -> None:
    ahead = timezone(timedelta(hours=10))
    v.validate_assessment(assessment(assessed_at=NOW.astimezone(ahead)), now=NOW)


@given(st.floats(min_value=0.4, max_value=3.0), st.floats(min_value=30, max_value=200))
def test_complete_dose_gives_a_consistent_third_value(per_kg: float, weight: float) -> None:
    total, _, _ = v.complete_dose(None, per_kg, weight)
    assert total is not None
    v.validate_infusion_course(
        {
            "first_day": TODAY,
            "days": 2,
            "total_grams": total,
            "grams_per_kg": per_kg,
            "dosing_weight_kg": weight,
        },
        today=TODAY,
    )
    _, derived_per_kg, _ = v.complete_dose(total, None, weight)
    assert derived_per_kg == pytest.approx(per_kg, rel=0.01)
