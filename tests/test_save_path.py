"""The save path checks the patient and the rules inside its one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sps_tracker.domain.errors import ValidationError
from sps_tracker.services import NotFoundError, Tracker
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
