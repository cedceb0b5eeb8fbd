"""The rotating log: where it goes, that it rotates, and that no patient data reaches it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sps_tracker import logs
from sps_tracker.cli import run


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    yield
    logs.stop_file_logging()


def test_log_goes_beside_an_overridden_data_folder_and_only_once_used(data_dir: Path) -> None:
    path = logs.configure_logging(data_dir)
    assert path == data_dir / "logs" / "sps-tracker.log"
    assert not path.parent.exists()  # nothing logged, nothing created
    logging.getLogger("sps_tracker.test").info("opened")
    assert "INFO sps_tracker.test: opened" in path.read_text(encoding="utf-8")
    if os.name == "posix":
        assert path.parent.stat().st_mode & 0o777 == 0o700


def test_log_rotates(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 500)
    path = logs.configure_logging(data_dir)
    for n in range(100):
        logging.getLogger("sps_tracker.test").info("line %d", n)
    rotated = sorted(p.name for p in path.parent.iterdir())
    assert rotated[:3] == ["sps-tracker.log", "sps-tracker.log.1", "sps-tracker.log.2"]
    assert len(rotated) == logs.BACKUP_COUNT + 1


def test_configuring_again_replaces_the_handler(tmp_path: Path) -> None:
    logs.configure_logging(tmp_path / "a")
    second = logs.configure_logging(tmp_path / "b")
    logging.getLogger("sps_tracker.test").info("where")
    assert second.exists()
    assert not (tmp_path / "a" / "logs").exists()


def test_cli_commands_log_without_patient_data(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["demo", "--patients", "2", "--years", "0.2"]) == 0
    assert run(["patients"]) == 0
    listing = capsys.readouterr().out
    names = [line.split("\t")[1] for line in listing.splitlines() if "\t" in line]
    assert len(names) == 2
    text = (data_dir / "logs" / "sps-tracker.log").read_text(encoding="utf-8")
    assert "added patient" in text
    for name in names:
        assert name not in text
        assert name.split()[-1] not in text
    assert "DEMO-" not in text
