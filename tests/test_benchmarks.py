"""The benchmark runner works end to end on tiny data (no timing is asserted here)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(
    r"^bench (?P<name>[a-z]+): app=\S+ baseline=\S+ ratio=\S+ budget=\d+\.\d\d "
    r"(?P<verdict>ok|FAIL|skipped)( \(.+\))?$"
)


@pytest.mark.slow
def test_quick_run_prints_one_line_per_benchmark_and_a_summary(tmp_path: Path) -> None:
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--quick",
            "--only",
            "chart,save,history,export,import",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = finished.stdout.strip().splitlines()
    assert len(lines) == 6, finished.stdout + finished.stderr
    matches = [LINE.match(line) for line in lines[:5]]
    assert all(matches), lines
    assert [m["name"] for m in matches if m] == ["chart", "save", "history", "export", "import"]
    verdicts = [m["verdict"] for m in matches if m]
    ran = [v for v in verdicts if v != "skipped"]
    assert len(ran) >= 2  # save and history always run
    within = ran.count("ok")
    assert lines[5].startswith(f"bench: {within} of {len(ran)} within budget")
    assert finished.returncode == (0 if within == len(ran) else 1)
    assert "error" not in finished.stdout


def test_instants_read_back_as_the_same_aware_utc_datetimes(tracker: object) -> None:
    from sps_tracker.services import Tracker

    assert isinstance(tracker, Tracker)
    patient = tracker.add_patient(display_name="Demo Reader", birth_date=None)
    at = datetime(2024, 3, 31, 1, 30, 15, 123456, tzinfo=UTC)
    added = tracker.add_assessment(patient.id, assessed_at=at, source="patient", dsi=["legs"])
    [entry] = tracker.history(patient.id)
    assert entry.record.id == added.id
    assert entry.when == at and entry.when.tzinfo is UTC
    assert entry.record.deleted_at is None
    whole_second = at.replace(microsecond=0)
    tracker.add_assessment(patient.id, assessed_at=whole_second, source="patient")
    assert [e.when for e in tracker.history(patient.id)] == [whole_second, at]
