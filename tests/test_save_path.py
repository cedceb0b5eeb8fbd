"""The save path checks the patient and the rules inside its one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from sps_tracker.domain.errors import ValidationError
from sps_tracker.services import NotFoundError, Tracker, audit_json
from sps_tracker.storage.errors import DatabaseError
from sps_tracker.storage.models import Assessment, AuditEntry

AT = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def _written(tracker: Tracker) -> tuple[int, int]:
    return tracker.count(Assessment), len(tracker.audit_trail())


def test_an_assessment_for_no_such_patient_writes_nothing(tracker: Tracker) -> None:
    before = _written(tracker)
    with pytest.raises(NotFoundError, match="No patient number 99"):
        tracker.add_assessment(99, assessed_at=AT, source="patient")
    assert _written(tracker) == before


def test_an_assessment_for_a_deleted_patient_writes_nothing(tracker: Tracker) -> None:
    patient = tracker.add_patient(display_name="Demo Gone")
    tracker.delete_patient(patient.id)
    before = _written(tracker)
    with pytest.raises(NotFoundError, match=f"No patient number {patient.id}"):
        tracker.add_assessment(patient.id, assessed_at=AT, source="patient")
    assert _written(tracker) == before


def test_an_invalid_assessment_writes_nothing(tracker: Tracker) -> None:
    patient = tracker.add_patient(display_name="Demo Rules")
    before = _written(tracker)
    with pytest.raises(ValidationError) as raised:
        tracker.add_assessment(patient.id, assessed_at=AT, source="neighbour")
    assert [p.field for p in raised.value.problems] == ["source"]
    assert _written(tracker) == before


def test_a_saved_assessment_has_its_audit_row(tracker: Tracker) -> None:
    patient = tracker.add_patient(display_name="Demo Saved")
    added = tracker.add_assessment(patient.id, assessed_at=AT, source="patient", dsi=["legs"])
    [audit] = tracker.audit_trail(added.uuid)
    assert isinstance(audit, AuditEntry)
    assert (audit.action, audit.patient_uuid) == ("add", patient.uuid)
    assert tracker.get(Assessment, added.id).dsi_total == 1


def test_the_saved_record_is_what_the_database_holds(tracker: Tracker) -> None:
    patient = tracker.add_patient(display_name="Demo Stored")
    added = tracker.add_assessment(
        patient.id, assessed_at=AT, source="clinician", dsi=["legs", "arms"], hss={"touch": 1}
    )
    stored = tracker.get(Assessment, added.id)
    columns = [p.key for p in inspect(Assessment).column_attrs]
    assert {k: getattr(added, k) for k in columns} == {k: getattr(stored, k) for k in columns}
    assert (added.dsi_total, added.hss_total, added.patient_id) == (2, 1, patient.id)
    state = inspect(added)
    assert state.detached and not state.modified and state.key == inspect(stored).key
    [audit] = tracker.audit_trail(added.uuid)
    assert audit.new_values == audit_json(added.values())
    assert audit.actor == "test" and audit.at is not None and audit.at.tzinfo is UTC


def test_a_save_the_database_refuses_writes_nothing(tracker: Tracker) -> None:
    patient = tracker.add_patient(display_name="Demo Twice")
    first = tracker.add_assessment(patient.id, assessed_at=AT, source="patient")
    before = _written(tracker)
    with pytest.raises(DatabaseError, match="refused"):
        # A UUID already taken passes the rules; the UNIQUE constraint is the last guard.
        tracker.add_assessment(patient.id, assessed_at=AT, source="patient", uuid=first.uuid)
    assert _written(tracker) == before
