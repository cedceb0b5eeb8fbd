from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from sps_tracker.domain.errors import ValidationError
from sps_tracker.services import NotFoundError, Tracker
from sps_tracker.storage.models import Assessment, Fall, InfusionCourse, LabResult

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def patient_id(tracker: Tracker) -> int:
    return tracker.add_patient(
        display_name="Ann Example", clinic_identifier="C-17", birth_date=date(1970, 5, 1)
    ).id


def test_assessment_totals_are_derived_from_items(tracker: Tracker, patient_id: int) -> None:
    a = tracker.add_assessment(
        patient_id,
        assessed_at=NOW,
        source="clinician",
        dsi=["legs", "arms", "lower_trunk"],
        hss={"touch": True},
    )
    assert (a.dsi_total, a.hss_total) == (3, 1)
    edited = tracker.update(Assessment, a.id, dsi_legs=False)
    assert edited.dsi_total == 2
    assert tracker.get(Assessment, a.id).dsi_total == 2


def test_instants_come_back_in_utc(tracker: Tracker, patient_id: int) -> None:
    local = datetime(2026, 3, 29, 2, 30, tzinfo=__import__("datetime").timezone(timedelta(hours=2)))
    tracker.add(Fall, patient_id, occurred_at=local, trigger="touch")
    stored = tracker.records(Fall, patient_id)[0].occurred_at
    assert stored == local and stored.tzinfo == UTC and stored.hour == 0


def test_naive_time_is_refused(tracker: Tracker, patient_id: int) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        tracker.add(Fall, patient_id, occurred_at=datetime(2026, 1, 1), trigger="touch")


def test_entries_before_birth_are_refused(tracker: Tracker, patient_id: int) -> None:
    with pytest.raises(ValidationError, match="before the patient's birth"):
        tracker.add(InfusionCourse, patient_id, first_day=date(1960, 1, 1), days=2)


def test_history_is_in_time_order_and_skips_deleted(tracker: Tracker, patient_id: int) -> None:
    tracker.add(LabResult, patient_id, value=30000.0, unit="U/mL", taken_on=date(2026, 1, 5))
    fall = tracker.add(
        Fall, patient_id, occurred_at=datetime(2026, 1, 3, 9, tzinfo=UTC), trigger="emotion"
    )
    tracker.add_assessment(
        patient_id, assessed_at=datetime(2026, 1, 4, 9, tzinfo=UTC), source="patient"
    )
    assert [e.kind for e in tracker.history(patient_id)] == ["fall", "assessment", "lab"]
    tracker.delete(Fall, fall.id)
    assert [e.kind for e in tracker.history(patient_id)] == ["assessment", "lab"]
    assert [r.uuid for r in tracker.deleted(patient_id)] == [fall.uuid]
    tracker.restore(Fall, fall.id)
    assert len(tracker.history(patient_id)) == 3
    with pytest.raises(NotFoundError):
        tracker.restore(Fall, fall.id)


def test_every_change_leaves_an_audit_row(tracker: Tracker, patient_id: int) -> None:
    a = tracker.add_assessment(patient_id, assessed_at=NOW, source="clinician", dsi=["face"])
    tracker.update(Assessment, a.id, notes="calmer today")
    tracker.delete(Assessment, a.id)
    trail = tracker.audit_trail(a.uuid)
    assert [e.action for e in trail] == ["add", "edit", "delete"]
    assert json.loads(trail[1].old_values or "") == {"notes": ""}
    assert json.loads(trail[1].new_values or "") == {"notes": "calmer today"}
    assert all(e.actor == "test" for e in trail)


def test_patients_are_found_by_id_uuid_or_clinic_identifier(
    tracker: Tracker, patient_id: int
) -> None:
    p = tracker.get_patient(patient_id)
    for reference in (str(p.id), p.uuid, "C-17"):
        assert tracker.find_patient(reference).id == p.id
    with pytest.raises(NotFoundError):
        tracker.find_patient("Ann Example")


def test_list_patients_counts_and_searches(tracker: Tracker, patient_id: int) -> None:
    tracker.add_patient(display_name="Bo Other")
    tracker.add_assessment(patient_id, assessed_at=NOW, source="patient")
    summaries = tracker.list_patients()
    assert [(s.patient.display_name, s.assessment_count) for s in summaries] == [
        ("Ann Example", 1),
        ("Bo Other", 0),
    ]
    assert summaries[0].last_assessed_at == NOW
    assert [s.patient.display_name for s in tracker.list_patients("c-1")] == ["Ann Example"]


def test_a_refused_edit_changes_nothing(tracker: Tracker, patient_id: int) -> None:
    a = tracker.add_assessment(patient_id, assessed_at=NOW, source="clinician")
    with pytest.raises(ValidationError):
        tracker.update(Assessment, a.id, source="nurse", notes="changed")
    assert tracker.get(Assessment, a.id).notes == ""
    with pytest.raises(ValidationError, match="not a field"):
        tracker.update(Assessment, a.id, uuid="00000000-0000-4000-8000-000000000000")


def test_check_reports_rows_that_break_domain_rules(tracker: Tracker, patient_id: int) -> None:
    assert tracker.check() == []
    future = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    with tracker.database.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO fall (uuid, created_at, updated_at, patient_id, notes, occurred_at, "
            "trigger, trigger_other, injury, injury_description) VALUES "
            f"('00000000-0000-4000-8000-00000000000f', '{future}', '{future}', {patient_id}, "
            f"'', '{future}', 'touch', '', 0, '')"
        )
    problems = tracker.check()
    assert len(problems) == 1 and "in the future" in problems[0]


def test_infusion_reactions_are_kept_in_list_order_and_unknown_ones_named(
    tracker: Tracker, patient_id: int
) -> None:
    course = tracker.add(
        InfusionCourse,
        patient_id,
        first_day=date(2026, 1, 5),
        days=2,
        reactions=["rash", "headache"],
    )
    assert course.reaction_keys == ("headache", "rash")
    with pytest.raises(ValidationError, match="Reaction 'sneezing' is not one of"):
        tracker.add(
            InfusionCourse,
            patient_id,
            first_day=date(2026, 1, 5),
            days=2,
            reactions=["headache", "sneezing"],
        )
