"""The built wheel carries resources/ and works from a fresh venv outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from sps_tracker import APP_ID, __version__

ROOT = Path(__file__).resolve().parents[2]


def scripts(env_dir: Path) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin")


@pytest.mark.slow
def test_wheel_installs_elsewhere_and_passes_its_self_test(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = dist.glob("sps_tracker-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert f"sps_tracker/resources/icons/{APP_ID}.svg" in names
    assert "sps_tracker/storage/migrations/versions/0001_baseline.py" in names

    # A fresh environment in the test's own folder; the repository is not on its path.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    installed = subprocess.run(
        [str(scripts(env_dir) / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        env=clean,
        cwd=tmp_path,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr[-2000:]

    sentinel = tmp_path / "the-users-data"
    clean["SPS_TRACKER_DATA_DIR"] = str(sentinel)
    program = str(scripts(env_dir) / "sps-tracker")
    version = subprocess.run(
        [program, "--version"], capture_output=True, text=True, env=clean, cwd=tmp_path
    )
    assert version.stdout.strip() == f"sps-tracker {__version__}"

    result = subprocess.run(
        [program, "--self-test"],
        capture_output=True,
        text=True,
        env=clean,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "self-test passed" in result.stdout
    # Resources came from the installed package, not from this checkout.
    resources_line = next(x for x in result.stdout.splitlines() if "resources:" in x)
    assert str(env_dir) in resources_line and str(ROOT) not in resources_line
    assert not sentinel.exists()
