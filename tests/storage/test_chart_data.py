"""The bulk read behind the charts and the reference-set import, on a real SQLite file."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sps_tracker.domain.errors import ValidationError
from sps_tracker.services import Tracker, scale_values
from sps_tracker.storage.models import Assessment, Fall, InfusionCourse, MedicationPeriod


def test_score_series_holds_what_the_database_holds(tracker: Tracker) -> None:
    patient = tracker.add_patient(display_name="A")
    other = tracker.add_patient(display_name="B")
    t0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
    second = tracker.add_assessment(
        patient.id, assessed_at=t0 + timedelta(days=1), source="patient", dsi=["legs"]
    )
    first = tracker.add_assessment(
        patient.id,
        assessed_at=t0,
        source="clinician",
        dsi=["legs", "arms", "face"],
        hss=["touch"],
    )
    gone = tracker.add_assessment(patient.id, assessed_at=t0, source="patient", dsi=["legs"])
    tracker.delete(Assessment, gone.id)
    tracker.add_assessment(other.id, assessed_at=t0, source="patient", dsi=["legs"])
    series = tracker.score_series(patient.id)
    assert series.record_ids == (first.id, second.id)
    assert series.at == (t0, t0 + timedelta(days=1))
    assert all(t.tzinfo is not None for t in series.at)
    assert series.sources == ("clinician", "patient")
    assert series.totals == {"dsi": (3, 1), "hss": (1, 0)}
    assert series.items["dsi"][0] == ("legs", "arms", "face")
    assert series.items["hss"] == (("touch",), ())


def test_score_times_are_read_as_numbers_and_any_other_text_as_before(tracker: Tracker) -> None:
    from sqlalchemy import text

    from sps_tracker.domain.analysis import Instants

    patient = tracker.add_patient(display_name="A")
    t0 = datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC)
    first = tracker.add_assessment(patient.id, assessed_at=t0, source="patient", dsi=["legs"])
    tracker.add_assessment(
        patient.id, assessed_at=t0 + timedelta(hours=1), source="patient", dsi=["arms"]
    )
    at = tracker.chart_data(patient.id).scores.at
    assert isinstance(at, Instants)
    assert at == (t0, t0 + timedelta(hours=1))
    assert at.seconds().tolist() == [t0.timestamp(), (t0 + timedelta(hours=1)).timestamp()]
    # Text the app never writes (here without the microseconds) is still read by the column type.
    with tracker.database.session() as session:
        session.execute(
            text("UPDATE assessment SET assessed_at = '2026-03-29 00:59:59' WHERE id = :id"),
            {"id": first.id},
        )
    at = tracker.chart_data(patient.id).scores.at
    assert not isinstance(at, Instants)
    assert at == (t0.replace(microsecond=0), t0 + timedelta(hours=1))


def test_chart_data_reads_scores_and_items_of_one_assessment_on_request(
    tracker: Tracker,
) -> None:
    patient = tracker.add_patient(display_name="A")
    t0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
    later = tracker.add_assessment(
        patient.id, assessed_at=t0 + timedelta(days=1), source="patient", hss=["nocturnal"]
    )
    first = tracker.add_assessment(
        patient.id, assessed_at=t0, source="clinician", dsi=["legs", "face"], hss=["touch"]
    )
    data = tracker.chart_data(patient.id)
    assert data.scores.record_ids == (first.id, later.id)
    assert data.scores.at == (t0, t0 + timedelta(days=1))
    assert all(t.tzinfo is UTC for t in data.scores.at)
    assert data.scores.sources == ("clinician", "patient")
    assert data.scores.totals == {"dsi": (2, 0), "hss": (1, 1)}
    # The charts name the items only when a point is hovered: read then, one at a time.
    assert data.scores.items == {}
    assert tracker.assessment_items(first.id) == {"dsi": ("legs", "face"), "hss": ("touch",)}
    assert tracker.assessment_items(later.id) == {"dsi": (), "hss": ("nocturnal",)}
    assert tracker.assessment_items(10_000) == {}


def test_chart_data_of_an_empty_patient(tracker: Tracker) -> None:
    patient = tracker.add_patient(display_name="A")
    data = tracker.chart_data(patient.id)
    assert len(data.scores) == 0 and data.scores.totals == {"dsi": (), "hss": ()}
    assert data.courses == [] and data.falls == [] and data.medications == []


def test_chart_data_reads_courses_falls_and_medication(tracker: Tracker) -> None:
    patient = tracker.add_patient(display_name="A")
    tracker.add(InfusionCourse, patient.id, first_day=date(2026, 1, 5), days=2)
    tracker.add(
        Fall,
        patient.id,
        occurred_at=datetime(2026, 1, 9, 12, tzinfo=UTC),
        trigger="startle_noise",
    )
    tracker.add(
        MedicationPeriod,
        patient.id,
        drug="diazepam",
        daily_dose=10,
        start_date=date(2026, 1, 1),
    )
    data = tracker.chart_data(patient.id)
    assert data.course_starts == [date(2026, 1, 5)]
    assert data.fall_times == [datetime(2026, 1, 9, 12, tzinfo=UTC)]
    assert [m.drug for m in data.medications] == ["diazepam"]


@pytest.mark.slow
def test_ten_years_of_daily_ratings_read_quickly(tracker: Tracker) -> None:
    patient = tracker.add_patient(display_name="A")
    t0 = datetime(2016, 1, 1, 9, tzinfo=UTC)
    rows = [
        Assessment(
            assessed_at=t0 + timedelta(days=i),
            source="patient",
            **scale_values(dsi=["legs"] if i % 2 else [], hss=[]),
        )
        for i in range(3650)
    ]
    tracker.bulk_add(patient, rows)
    started = time.perf_counter()
    series = tracker.score_series(patient.id)
    assert len(series) == 3650
    assert time.perf_counter() - started < 2.0


def _reference_file(folder: Path, set_id: str = "clinic-set") -> Path:
    path = folder / "set.json"
    path.write_text(
        json.dumps(
            {
                "format": "sps-tracker-reference-set",
                "version": 1,
                "id": set_id,
                "title": "A clinician's own band",
                "source": {"citation": "Own clinic", "kind": "user_supplied"},
                "population": "Our patients",
                "scale": "hss",
                "bands": [{"kind": "threshold", "value": 3}],
            }
        ),
        encoding="utf-8",
    )
    return path


def test_imported_reference_sets_are_kept_in_the_data_folder(
    tracker: Tracker, tmp_path: Path
) -> None:
    shipped, broken = tracker.reference_sets()
    assert broken == [] and len(shipped) == 4
    imported = tracker.import_reference_set(_reference_file(tmp_path))
    assert imported.id == "clinic-set"
    assert tracker.database.path is not None
    assert (tracker.database.path.parent / "reference-sets" / "clinic-set.json").exists()
    found, _ = tracker.reference_sets()
    assert [s.id for s in found][-1] == "clinic-set"


def test_an_import_may_not_shadow_a_shipped_set(tracker: Tracker, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="shipped with the app"):
        tracker.import_reference_set(_reference_file(tmp_path, "dsi-scale-bounds"))
    assert tracker.database.path is not None
    assert not (tracker.database.path.parent / "reference-sets").exists()
