"""Test set-up: Qt offscreen before anything loads it; every test gets its own data folder."""

from __future__ import annotations

import os

# Must happen before any import of Qt (pytest-qt imports it when the plugin loads).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile("default")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app's data folder at a fresh temporary folder: no test touches real data."""
    folder = tmp_path / "data"
    monkeypatch.setenv("SPS_TRACKER_DATA_DIR", str(folder))
    # Keep QSettings and platformdirs' config/log folders inside the test too.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    yield folder


@pytest.fixture
def tracker(data_dir: Path) -> Iterator[object]:
    from sps_tracker.services import Tracker

    t = Tracker.open(data_dir, actor="test")
    yield t
    t.close()
