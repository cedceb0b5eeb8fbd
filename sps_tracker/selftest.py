"""``sps-tracker --self-test``: does this installed copy work? One line per step.

Runs offscreen against a temporary data folder (never the person's own): creates
the database, adds demo data, opens the main window and the chart, exports CSV,
makes a backup. A feature that is not built yet reports "skipped (not built yet)"
rather than a pass. Exit 0 only when every step that exists passed.

A new feature adds its check as one more ``Step`` in ``STEPS``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from sps_tracker import APP_ID, __version__

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What the steps share: the scratch folder and what earlier steps opened."""

    folder: Path
    tracker: Any = None  # sps_tracker.services.Tracker once the database step ran
    window: Any = None  # the main window once it is open
    patient_names: list[str] = field(default_factory=list)
    cleanups: list[Callable[[], None]] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Context], str]  # returns a short detail; raises when the step fails
    needs: str | None = None  # a module that must exist, else "skipped (not built yet)"


class StepFailed(Exception):
    """The step ran but what it produced is wrong."""


def _resources(ctx: Context) -> str:
    from sps_tracker.paths import resources_dir

    icon = resources_dir() / "icons" / f"{APP_ID}.svg"
    if not icon.is_file():
        raise StepFailed(f"{icon} is missing")
    return f"found in {resources_dir()}"


def _database(ctx: Context) -> str:
    from sps_tracker.paths import database_path
    from sps_tracker.services import Tracker

    ctx.tracker = Tracker.open(ctx.folder, actor="self-test")
    ctx.cleanups.append(ctx.tracker.close)
    revision = ctx.tracker.database.schema_revision()
    return f"created {database_path(ctx.folder).name} at schema {revision}"


def _demo_data(ctx: Context) -> str:
    from sps_tracker.demo import generate
    from sps_tracker.storage.models import Assessment

    made = generate(ctx.tracker, patients=2, years=0.5, seed=1, until=date.today())
    ctx.patient_names = [p.display_name for p in made] + [
        p.clinic_identifier for p in made if p.clinic_identifier
    ]
    assessments = ctx.tracker.count(Assessment)
    if len(made) != 2 or assessments == 0:
        raise StepFailed(f"{len(made)} patients, {assessments} assessments")
    return f"{len(made)} synthetic patients, {assessments} assessments"


def _main_window(ctx: Context) -> str:
    from sps_tracker.ui.selftest import open_main_window

    return open_main_window(ctx)


def _chart(ctx: Context) -> str:
    from sps_tracker.ui.selftest import draw_chart

    return draw_chart(ctx)


def _csv_export(ctx: Context) -> str:
    # Imported by name: the exporter is another feature's module and may not exist yet.
    export_csv = importlib.import_module("sps_tracker.exchange.csv_export").export_csv
    out = ctx.folder / "export"
    result = export_csv(ctx.tracker.database, out)
    files = sorted(out.glob("*.csv"))
    if not files or any(f.stat().st_size == 0 for f in files):
        raise StepFailed(f"expected CSV files in {out}, found {[f.name for f in files]}")
    rows = sum(getattr(result, "files", {}).values())
    return f"{len(files)} files, {rows} rows"


def _backup(ctx: Context) -> str:
    from sps_tracker.paths import backups_dir, database_path
    from sps_tracker.storage.backup import backup_to, integrity_problems, timestamped_name

    target = backup_to(
        database_path(ctx.folder), backups_dir(ctx.folder) / timestamped_name("self-test")
    )
    problems = integrity_problems(target)
    if problems:
        raise StepFailed(problems[0])
    return f"{target.name}, {target.stat().st_size // 1024} KiB, integrity ok"


def _log_is_clean(ctx: Context) -> str:
    from sps_tracker.logs import current_log_file

    for handler in logging.getLogger().handlers:
        handler.flush()
    path = current_log_file()
    text = path.read_text(encoding="utf-8") if path and path.exists() else ""
    leaked = [name for name in ctx.patient_names if name and name in text]
    if leaked:
        raise StepFailed(f"the log names {len(leaked)} demo patient(s)")
    return f"{len(text.splitlines())} lines, no patient names"


STEPS: list[Step] = [
    Step("resources", _resources),
    Step("database", _database),
    Step("demo data", _demo_data),
    Step("main window", _main_window),
    Step("chart", _chart, needs="sps_tracker.ui.charts"),
    Step("CSV export", _csv_export, needs="sps_tracker.exchange.csv_export"),
    Step("backup", _backup),
    Step("log", _log_is_clean),
]


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def run(out: TextIO | None = None, steps: list[Step] | None = None) -> int:
    """Run every step in a fresh temporary data folder; 0 when all that exist passed."""
    out = out or sys.stdout
    # Before anything imports Qt: no screen is needed, and none is touched.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    passed = skipped = failed = 0
    with tempfile.TemporaryDirectory(
        prefix="sps-tracker-self-test-", ignore_cleanup_errors=True
    ) as scratch:
        folder = Path(scratch) / "data"
        saved = _isolate(Path(scratch))
        from sps_tracker.logs import configure_logging, log_startup, stop_file_logging

        configure_logging(folder)
        log_startup("self-test")
        print(f"SPS Tracker {__version__} self-test in {folder}", file=out)
        ctx = Context(folder)
        try:
            for step in STEPS if steps is None else steps:
                if step.needs and not _exists(step.needs):
                    print(f"SKIP  {step.name}: skipped (not built yet)", file=out)
                    skipped += 1
                    continue
                if failed:
                    print(f"FAIL  {step.name}: not run (an earlier step failed)", file=out)
                    failed += 1
                    continue
                started = time.perf_counter()
                try:
                    detail = step.run(ctx)
                except Exception as error:
                    failed += 1
                    print(f"FAIL  {step.name}: {type(error).__name__}: {error}", file=out)
                    traceback.print_exc(file=sys.stderr)
                    log.error("self-test step %s failed: %s", step.name, type(error).__name__)
                    continue
                seconds = time.perf_counter() - started
                passed += 1
                print(f"PASS  {step.name}: {detail} ({seconds:.2f} s)", file=out)
        finally:
            for cleanup in reversed(ctx.cleanups):
                try:
                    cleanup()
                except Exception as error:
                    log.warning("self-test clean-up failed: %s", type(error).__name__)
            stop_file_logging()
            _restore(saved)
    verdict = "passed" if failed == 0 else "FAILED"
    print(f"self-test {verdict}: {passed} passed, {skipped} skipped, {failed} failed", file=out)
    return 0 if failed == 0 else 1


_ISOLATED = ("SPS_TRACKER_DATA_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")


def _isolate(scratch: Path) -> dict[str, str | None]:
    """Point every per-user folder this process could write at the scratch folder."""
    saved = {variable: os.environ.get(variable) for variable in _ISOLATED}
    os.environ["SPS_TRACKER_DATA_DIR"] = str(scratch / "data")
    for variable in _ISOLATED[1:]:
        os.environ[variable] = str(scratch / variable.lower())
    return saved


def _restore(saved: dict[str, str | None]) -> None:
    for variable, value in saved.items():
        if value is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = value
