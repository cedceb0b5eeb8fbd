"""startup and memory: a new app process to its first painted window, against a bare one.

Both come from the same alternating runs: wall time from spawning the process to
its exit, and its peak resident memory (ru_maxrss from wait4).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.timing import Outcome, alternate, median

BASELINE_SCRIPT = Path(__file__).with_name("startup_baseline.py")
STARTUP_BUDGET = 1.3
MEMORY_BUDGET = 1.3


def chart_exists() -> bool:
    return importlib.util.find_spec("sps_tracker.ui.charts") is not None


def app_command(data: dict[str, Any]) -> list[str]:
    script = Path(sys.executable).with_name("sps-tracker")
    start = [str(script)] if script.exists() else [sys.executable, "-m", "sps_tracker"]
    command = [*start, "--data-dir", data["folder"], "--quit-after-paint"]
    if chart_exists():
        command += ["--view", "chart"]
    return command


def baseline_command(data: dict[str, Any]) -> list[str]:
    return [sys.executable, str(BASELINE_SCRIPT), data["database"], str(data["patient_id"])]


def run_process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawn to exit, and peak RSS in MiB, of one process that must succeed."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"{command[0]} exited {process.returncode}: {' | '.join(tail)}")
    return elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def child_environment(scratch: Path, data: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["SPS_TRACKER_DATA_DIR"] = data["folder"]
    # Settings and logs of the app stay inside the benchmark's temporary folder.
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        env[variable] = str(scratch / variable.lower())
    return env


def measure(data: dict[str, Any], scratch: Path, rounds: int, warmups: int) -> list[Outcome]:
    what = "to the window painted with the chart of the patient"
    if not chart_exists():
        what = "to the main window painted with the patient's history; no chart view exists yet"
    startup = Outcome("startup", STARTUP_BUDGET, note=what)
    memory = Outcome("memory", MEMORY_BUDGET, unit="MiB", note="peak RSS of those start-ups")
    env = child_environment(scratch, data)
    try:
        app, baseline = alternate(
            lambda: run_process(app_command(data), env),
            lambda: run_process(baseline_command(data), env),
            rounds=rounds,
            warmups=warmups,
        )
    except (OSError, RuntimeError) as error:
        startup.error = memory.error = str(error)
        return [startup, memory]
    startup.app = median([s for s, _ in app])
    startup.baseline = median([s for s, _ in baseline])
    memory.app = median([m for _, m in app])
    memory.baseline = median([m for _, m in baseline])
    return [startup, memory]
