"""History reads plain rows and builds each full record on first use, as the ORM would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect

from sps_tracker.domain.scales import DSI
from sps_tracker.services import HistoryEntry, Tracker
from sps_tracker.storage.models import (
    PATIENT_RECORD_TYPES,
    Assessment,
    Fall,
    InfusionCourse,
    LabResult,
    MedicationPeriod,
    PatientRecord,
    when,
)
from sps_tracker.storage.rows import RecordFactory

DAY = datetime(2025, 3, 1, tzinfo=UTC)


def _columns(record: PatientRecord) -> dict[str, object]:
    return {p.key: getattr(record, p.key) for p in inspect(type(record)).column_attrs}


def _patient_with_one_of_each(tracker: Tracker) -> int:
    patient = tracker.add_patient(display_name="Demo Rows", birth_date=date(1970, 1, 1))
    # Same instant for three kinds and two assessments: ties go by kind, then by id.
    tracker.add_assessment(patient.id, assessed_at=DAY, source="patient", dsi=["legs"])
    tracker.add_assessment(
        patient.id, assessed_at=DAY, source="clinician", hss={"touch": True}, rater="Dr Demo"
    )
    tracker.add(Fall, patient.id, occurred_at=DAY, trigger="other", trigger_other="a dog")
    tracker.add(InfusionCourse, patient.id, first_day=DAY.date(), days=5, reactions=["headache"])
    tracker.add(LabResult, patient.id, value=12.5, unit="U/mL", taken_on=date(2025, 2, 1))
    tracker.add(
        MedicationPeriod, patient.id, drug="diazepam", daily_dose=10, start_date=date(2024, 1, 1)
    )
    gone = tracker.add(Fall, patient.id, occurred_at=DAY - timedelta(days=3), trigger="touch")
    tracker.delete(Fall, gone.id)
    return patient.id


def test_history_records_equal_the_ones_the_orm_loads(tracker: Tracker) -> None:
    patient_id = _patient_with_one_of_each(tracker)
    entries = tracker.history(patient_id)
    assert [(e.kind, e.when) for e in entries] == [
        ("medication", datetime(2024, 1, 1, tzinfo=UTC)),
        ("lab", datetime(2025, 2, 1, tzinfo=UTC)),
        ("assessment", DAY),
        ("assessment", DAY),
        ("fall", DAY),
        ("infusion", DAY),
    ]
    assert entries[2].record_id < entries[3].record_id
    for entry in entries:
        record = entry.record
        loaded = tracker.get(type(record), entry.record_id)
        assert type(record) is entry.record_type and record.kind == entry.kind
        assert _columns(record) == _columns(loaded)
        assert when(record) == entry.when and entry.when.tzinfo is UTC
        state = inspect(record)
        assert state.detached and state.key == inspect(loaded).key and not state.modified
    assessments = [e.record for e in entries if isinstance(e.record, Assessment)]
    assert [(a.dsi_total, a.hss_total, a.answers(DSI)["legs"]) for a in assessments] == [
        (1, 0, True),
        (0, 1, False),
    ]


def test_a_record_is_built_only_when_asked_for_and_then_kept(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient_id = _patient_with_one_of_each(tracker)
    built: list[int] = []
    build = RecordFactory.from_row

    def counting(self: RecordFactory[Any], row: Sequence[Any]) -> Any:
        built.append(row[self.id_position])
        return build(self, row)

    monkeypatch.setattr(RecordFactory, "from_row", counting)
    entries = tracker.history(patient_id)
    # Sorting and filtering need only the time, kind and id.
    assert sorted(entries, key=lambda e: (e.kind, e.record_id)) and built == []
    assert [e for e in entries if e.kind == "lab"][0].when == datetime(2025, 2, 1, tzinfo=UTC)
    assert built == []
    record = entries[1].record
    assert built == [entries[1].record_id] and entries[1].record is record
    assert all(e.record.id == e.record_id for e in entries)
    assert len(built) == len(entries)


def test_history_can_be_filtered_by_kind(tracker: Tracker) -> None:
    patient_id = _patient_with_one_of_each(tracker)
    entries = tracker.history(patient_id, [Fall, LabResult])
    assert [type(e.record) for e in entries] == [LabResult, Fall]


def test_an_entry_made_from_a_record_keeps_it(tracker: Tracker) -> None:
    patient_id = _patient_with_one_of_each(tracker)
    [fall] = tracker.records(Fall, patient_id)
    entry = HistoryEntry(when(fall), fall)
    assert (entry.record, entry.kind, entry.record_id, entry.record_type) == (
        fall,
        "fall",
        fall.id,
        Fall,
    )


def test_history_records_are_complete_in_a_fresh_process(tmp_path: Path) -> None:
    # The first ORM work of a process configures the mappers; history may come first.
    folder = tmp_path / "fresh"
    tracker = Tracker.open(folder)
    patient_id = _patient_with_one_of_each(tracker)
    tracker.close()
    script = (
        "import sys; from pathlib import Path; from sps_tracker.services import Tracker; "
        "t = Tracker.open(Path(sys.argv[1])); "
        "print(';'.join(f'{e.kind}:{e.record.id}:{e.record.notes!r}' "
        "for e in t.history(int(sys.argv[2]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder), str(patient_id)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.count(":''") == len(PATIENT_RECORD_TYPES) + 1
