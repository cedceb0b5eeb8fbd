"""One writer per data folder: a second one is told who has it and writes nothing."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sps_tracker.cli import run
from sps_tracker.paths import database_path
from sps_tracker.safety import WritingSession, restore_database, writing_session
from sps_tracker.services import Tracker
from sps_tracker.storage.lock import FolderInUseError, FolderLock, writer_lock

MESSAGE = "SPS Tracker is already open on this data folder"


def digest(folder: Path) -> dict[str, str]:
    """Every file in the folder (database, backups) by content."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "sps-tracker.lock"
    }


def test_a_second_lock_is_refused_with_the_holder(data_dir: Path) -> None:
    with writer_lock(data_dir):
        with pytest.raises(FolderInUseError) as refused:
            FolderLock(data_dir).acquire()
        text = str(refused.value)
        assert text.startswith(MESSAGE)
        assert str(data_dir) in text and f"process {os.getpid()}" in text
    # Released: the next writer gets it.
    FolderLock(data_dir).acquire().release()


def test_a_second_session_does_not_open(data_dir: Path) -> None:
    with writing_session(data_dir) as tracker:
        tracker.add_patient(display_name="First")
        before = digest(data_dir)
        second = WritingSession(data_dir)
        with pytest.raises(FolderInUseError, match=MESSAGE):
            second.open()
        assert digest(data_dir) == before
        second.close()  # harmless, and must not release the first one's lock
        with pytest.raises(FolderInUseError):
            FolderLock(data_dir).acquire()


@pytest.mark.parametrize(
    "command",
    [("demo", "--patients", "1", "--years", "0.2"), ("restore", "BACKUP"), ("import", "CSV")],
    ids=["demo", "restore", "import"],
)
def test_writing_commands_exit_1_while_the_folder_is_held(
    data_dir: Path,
    tmp_path: Path,
    command: tuple[str, ...],
    capsys: pytest.CaptureFixture[str],
) -> None:
    tracker = Tracker.open(data_dir)
    tracker.add_patient(display_name="Kept")
    tracker.close()
    assert run(["--data-dir", str(data_dir), "backup", "--out", str(tmp_path / "b.db")]) == 0
    capsys.readouterr()
    (tmp_path / "falls.csv").write_text("patient_uuid,occurred_at,trigger\n", encoding="utf-8")
    stand_ins = {"BACKUP": str(tmp_path / "b.db"), "CSV": str(tmp_path / "falls.csv")}
    args = [stand_ins.get(a, a) for a in command]
    with writer_lock(data_dir):
        before = digest(data_dir)
        assert run(["--data-dir", str(data_dir), *args]) == 1
        assert MESSAGE in capsys.readouterr().err
        assert digest(data_dir) == before


def test_reading_commands_still_work_while_the_folder_is_held(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with writing_session(data_dir) as tracker:
        tracker.add_patient(display_name="Visible")
        assert run(["--data-dir", str(data_dir), "patients"]) == 0
        assert run(["--data-dir", str(data_dir), "backup", "--out", str(tmp_path / "b.db")]) == 0
        assert "Visible" in capsys.readouterr().out


def test_restore_takes_the_lock_itself(data_dir: Path, tmp_path: Path) -> None:
    with writing_session(data_dir), pytest.raises(FolderInUseError):
        restore_database(data_dir, tmp_path / "whatever.db")


HOLDER = """
import sys, time
from pathlib import Path
from sps_tracker.storage.lock import FolderLock
FolderLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_lock_left_by_a_killed_process_is_recovered(data_dir: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(FolderInUseError, match=f"process {holder.pid}"):
            FolderLock(data_dir).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    deadline = time.monotonic() + 5
    while True:
        try:
            lock = FolderLock(data_dir).acquire()
            break
        except FolderInUseError:
            assert time.monotonic() < deadline, "the dead process's lock never went away"
            time.sleep(0.05)
    # The stale lock file is still there, and it is no obstacle.
    assert (data_dir / "sps-tracker.lock").exists()
    lock.release()
    with writing_session(data_dir) as tracker:
        tracker.add_patient(display_name="After the crash")
    assert database_path(data_dir).exists()


def test_a_second_sps_tracker_process_is_refused(data_dir: Path) -> None:
    with writing_session(data_dir) as tracker:
        tracker.add_patient(display_name="Only one")
        before = digest(data_dir)
        result = subprocess.run(
            [sys.executable, "-m", "sps_tracker", "--data-dir", str(data_dir), "demo"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1
        assert MESSAGE in result.stderr and f"process {os.getpid()}" in result.stderr
        assert digest(data_dir) == before
