"""Linux desktop integration: one app id everywhere, valid files, icons, `make install-desktop`."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from sps_tracker import APP_ID, APP_NAME, __version__
from sps_tracker.paths import resources_dir

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MISSING = "not installed; on Debian: apt-get install desktop-file-utils appstream"


def desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_one_app_id_everywhere() -> None:
    entry = desktop_entry(DESKTOP)
    assert entry["Icon"] == APP_ID
    assert entry["Name"] == APP_NAME
    assert entry["Exec"].split()[0] == "sps-tracker"
    meta = ET.parse(METAINFO).getroot()
    assert meta.findtext("id") == APP_ID
    assert meta.find("launchable").text == f"{APP_ID}.desktop"  # type: ignore[union-attr]
    assert meta.find("content_rating") is not None
    assert meta.findall("screenshots/screenshot/image")
    assert meta.findtext("summary")
    flatpak = (ROOT / "packaging" / "flatpak" / f"{APP_ID}.yml").read_text(encoding="utf-8")
    assert f"id: {APP_ID}" in flatpak


def test_newest_release_is_this_version() -> None:
    releases = ET.parse(METAINFO).getroot().findall("releases/release")
    assert releases[0].get("version") == __version__.split("+")[0]


def test_the_installed_package_carries_this_version() -> None:
    # pyproject.toml takes the version from sps_tracker/__init__.py: one place to change it.
    from importlib.metadata import version

    assert version("sps-tracker") == __version__


def test_icons_are_the_sizes_they_claim() -> None:
    svg = resources_dir() / "icons" / f"{APP_ID}.svg"
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    pngs = sorted((LINUX / "icons" / "hicolor").glob(f"*/apps/{APP_ID}.png"))
    assert len(pngs) >= 6
    for png in pngs:
        size = int(png.parts[-3].split("x")[0])
        image = QImage(str(png))
        assert (image.width(), image.height()) == (size, size), png
        assert image.hasAlphaChannel()


@pytest.mark.skipif(
    not shutil.which("desktop-file-validate"), reason=f"desktop-file-validate {MISSING}"
)
def test_desktop_file_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason=f"appstreamcli {MISSING}")
def test_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_install_desktop_puts_files_in_the_users_data_folder(tmp_path: Path) -> None:
    if not (ROOT / ".venv" / "bin" / "sps-tracker").exists():
        pytest.skip("needs the checkout's .venv (make test creates it)")
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home)}
    env.pop("XDG_DATA_HOME", None)
    result = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "install-desktop"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    share = home / ".local" / "share"
    installed = share / "applications" / f"{APP_ID}.desktop"
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()
    exec_line = desktop_entry(installed)["Exec"]
    assert Path(exec_line).is_absolute() and Path(exec_line).exists()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(installed)], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stdout


def test_flatpak_lists_every_runtime_dependency_but_pyside() -> None:
    import re
    import tomllib

    def name(requirement: str) -> str:
        return re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].lower().replace("_", "-")

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {name(r) for r in project["dependencies"]} - {"pyside6-essentials", "pyside6"}
    listed = ROOT / "packaging" / "flatpak" / "requirements.txt"
    lines = [x.strip() for x in listed.read_text(encoding="utf-8").splitlines()]
    have = {name(x) for x in lines if x and not x.startswith("#")}
    assert "numpy" in have
    assert wanted <= have, wanted - have
