from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sps_tracker.cli import run

TABLES = ("patient", "assessment", "fall", "infusion_course", "medication_period", "lab_result")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sps_tracker", *args], capture_output=True, text=True, timeout=120
    )


def table_digest(folder: Path) -> dict[str, str]:
    connection = sqlite3.connect(folder / "sps-tracker.db")
    try:
        return {
            t: hashlib.sha256(
                repr(connection.execute(f"SELECT * FROM {t} ORDER BY uuid").fetchall()).encode()
            ).hexdigest()
            for t in TABLES
        }
    finally:
        connection.close()


def test_demo_then_patients_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "d"
    assert (
        run(["--data-dir", str(folder), "demo", "--patients", "3", "--years", "2", "--seed", "1"])
        == 0
    )
    capsys.readouterr()
    assert run(["--data-dir", str(folder), "patients"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for line in lines:
        number, name, count = line.split("\t")
        assert number.isdigit() and name.startswith("Demo ") and int(count) > 50
    assert run(["--data-dir", str(folder), "check"]) == 0
    assert capsys.readouterr().out.strip() == "The database is sound."


def test_same_seed_gives_the_same_data_uuids_included(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert (
            run(
                [
                    "--data-dir",
                    str(tmp_path / name),
                    "demo",
                    "--patients",
                    "3",
                    "--years",
                    "1",
                    "--seed",
                    "7",
                    "--until",
                    "2026-06-30",
                ]
            )
            == 0
        )
    assert (
        run(
            [
                "--data-dir",
                str(tmp_path / "c"),
                "demo",
                "--patients",
                "3",
                "--years",
                "1",
                "--seed",
                "8",
                "--until",
                "2026-06-30",
            ]
        )
        == 0
    )
    assert table_digest(tmp_path / "a") == table_digest(tmp_path / "b")
    assert table_digest(tmp_path / "a")["assessment"] != table_digest(tmp_path / "c")["assessment"]


def test_demo_has_the_promised_shapes(tmp_path: Path) -> None:
    from sps_tracker.services import Tracker
    from sps_tracker.storage.models import Assessment, Fall, InfusionCourse

    assert run(["--data-dir", str(tmp_path), "demo", "--patients", "3", "--years", "2"]) == 0
    tracker = Tracker.open(tmp_path)
    means = {}
    for summary in tracker.list_patients():
        p = summary.patient
        assert p.synthetic and "Synthetic" in p.notes
        courses = tracker.records(InfusionCourse, p.id)
        gaps = {
            (b.first_day - a.first_day).days for a, b in zip(courses, courses[1:], strict=False)
        }
        assert min(gaps) >= 25 and max(gaps) <= 46  # every 4-6 weeks
        first = courses[0].first_day
        scores = tracker.records(Assessment, p.id)
        before = [a.dsi_total for a in scores if a.assessed_at.date() < first]
        late = [a.dsi_total for a in scores if (a.assessed_at.date() - first).days > 120]
        falls = tracker.records(Fall, p.id)
        means[p.notes.split("(")[1].split(")")[0]] = (
            sum(before) / len(before),
            sum(late) / len(late),
            len(falls),
        )
    tracker.close()
    assert means["responder"][1] < 0.6 * means["responder"][0]
    assert means["wearing-off"][1] < 0.8 * means["wearing-off"][0]
    assert means["non-responder"][1] >= 0.9 * means["non-responder"][0]


@pytest.mark.parametrize(
    "args",
    [
        ["demo", "--patients", "0"],
        ["demo", "--patients", "three"],
        ["demo", "--years", "-1"],
        ["demo", "--until", "03/04/2025"],
        ["demo", "--until", "2999-01-01"],
        ["frobnicate"],
        ["--screenshot", "shot.jpg"],
    ],
)
def test_bad_arguments_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, args: list[str]
) -> None:
    folder = tmp_path / "d"
    result = cli("--data-dir", str(folder), *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("sps-tracker: error:")
    assert result.stdout == ""
    assert not (folder / "sps-tracker.db").exists()


def test_version() -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("sps-tracker ")


def test_check_exits_1_and_lists_problems(tmp_path: Path) -> None:
    assert run(["--data-dir", str(tmp_path), "demo", "--patients", "1", "--years", "1"]) == 0
    with sqlite3.connect(tmp_path / "sps-tracker.db") as connection:
        connection.execute(
            "UPDATE fall SET occurred_at = '2999-01-01 00:00:00' WHERE id = "
            "(SELECT min(id) FROM fall)"
        )
    connection.close()
    result = cli("--data-dir", str(tmp_path), "check")
    assert result.returncode == 1
    assert "1 problem(s) found" in result.stdout and "in the future" in result.stdout


def test_a_foreign_file_exits_1_and_is_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "sps-tracker.db"
    db.write_bytes(b"not a database at all")
    result = cli("--data-dir", str(tmp_path), "patients")
    assert result.returncode == 1
    assert "is not an SPS Tracker database" in result.stderr
    assert db.read_bytes() == b"not a database at all"


def test_data_dir_variable_is_honoured(tmp_path: Path, data_dir: Path) -> None:
    result = cli("demo", "--patients", "1", "--years", "1")
    assert result.returncode == 0
    assert (data_dir / "sps-tracker.db").exists()


def test_screenshot_renders_the_main_window(tmp_path: Path) -> None:
    assert run(["--data-dir", str(tmp_path), "demo", "--patients", "2", "--years", "1"]) == 0
    shot = tmp_path / "main.png"
    result = cli("--data-dir", str(tmp_path), "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert image.width() >= 800 and image.height() >= 600
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)
    }
    assert len(colours) > 5  # not a blank picture


def test_data_dir_may_follow_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["demo", "--patients", "1", "--years", "1", "--data-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    assert run(["patients", "--data-dir", str(tmp_path)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
