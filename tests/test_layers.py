"""Core, storage, exchange and services never load Qt; a plain start never loads Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE = [
    "sps_tracker.domain.scales",
    "sps_tracker.domain.validation",
    "sps_tracker.domain.vocabulary",
    "sps_tracker.storage.db",
    "sps_tracker.storage.models",
    "sps_tracker.storage.backup",
    "sps_tracker.storage.migrate",
    "sps_tracker.services",
    "sps_tracker.cli",
    "sps_tracker.demo",
    "sps_tracker.paths",
]


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_core_modules_do_not_load_qt() -> None:
    import pkgutil

    import sps_tracker

    modules = list(CORE)
    for package in ("domain", "storage", "exchange"):
        path = Path(sps_tracker.__file__).parent / package
        if path.is_dir():
            modules += [
                f"sps_tracker.{package}.{m.name}"
                for m in pkgutil.iter_modules([str(path)])
                if m.name != "migrations"
            ]
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(set(modules))!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'shiboken6')))"
    )
    assert run(code) == "[]"


def test_opening_a_current_database_does_not_load_alembic(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom pathlib import Path\nfrom sps_tracker.services import Tracker\n"
        f"Tracker.open(Path({str(tmp_path)!r})).close()\n"
        f"Tracker.open(Path({str(tmp_path)!r})).close()\n"
        "print('alembic' in sys.modules)"
    )
    assert run(code) == "False"
