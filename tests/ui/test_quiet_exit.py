"""A start and a close that change nothing write nothing: no settings rewrite, no copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sps_tracker.paths import backups_dir
from sps_tracker.storage.rotation import backup_files
from sps_tracker.ui.settings import settings_path
from tests.ui.probes import probe_output


def open_and_close(qtbot: Any, data_dir: Path) -> None:
    from sps_tracker.ui.application import open_main_window

    # Interactive: the window remembers its state, as when a person starts the app.
    window = open_main_window(data_dir=data_dir, mode="clinic", view="chart", interactive=True)
    assert window is not None
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.close()


def test_the_settings_file_is_rewritten_only_when_something_changed(
    qtbot: Any, tracker: Any, data_dir: Path
) -> None:
    tracker.add_patient(display_name="Settled")
    tracker.close()
    open_and_close(qtbot, data_dir)
    # The first restore may shift the window by its frame; from then on it stays put.
    open_and_close(qtbot, data_dir)
    first = settings_path().read_text(encoding="utf-8")
    assert "last_patient" in first
    stamp = settings_path().stat().st_mtime_ns
    open_and_close(qtbot, data_dir)
    assert settings_path().stat().st_mtime_ns == stamp
    assert settings_path().read_text(encoding="utf-8") == first


def test_one_integrity_check_when_the_window_opens_a_database(
    qtbot: Any, tracker: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sps_tracker.storage.backup as backup

    tracker.add_patient(display_name="Checked once")
    tracker.close()
    checked: list[str] = []
    real = backup.integrity_problems

    def counting(path: Path) -> list[str]:
        checked.append(path.name)
        return real(path)

    monkeypatch.setattr(backup, "integrity_problems", counting)
    from sps_tracker.ui.application import open_main_window

    window = open_main_window(data_dir=data_dir, mode="clinic", view=None, interactive=False)
    assert window is not None
    qtbot.addWidget(window)
    assert checked == ["sps-tracker.db"]
    window.close()
    # No copy existed and the deferred start backup had not run: the exit takes one.
    assert [b.reason for b in backup_files(backups_dir(data_dir))] == ["exit"]


def test_every_record_kind_has_its_form_loaded_on_first_use() -> None:
    from sps_tracker.storage.models import PATIENT_RECORD_TYPES, Patient
    from sps_tracker.ui.forms import form_class
    from sps_tracker.ui.forms.base import EntryForm

    for kind in PATIENT_RECORD_TYPES:
        form = form_class(kind)
        assert form is not None and issubclass(form, EntryForm), kind
    assert form_class(Patient) is None


def test_the_window_starts_without_loading_the_entry_forms(data_dir: Path) -> None:

    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sps_tracker.ui.application import create_application, open_main_window\n"
        "create_application()\n"
        f"window = open_main_window(data_dir=Path({str(data_dir)!r}), mode='clinic', "
        "view='chart', interactive=False)\n"
        "window.show()\n"
        "print(sorted(m for m in sys.modules if m.startswith('sps_tracker.ui.forms.')))\n"
        "window.close()\n"
    )
    assert probe_output(probe) == "[]"


def test_a_start_checks_the_database_once_while_its_code_loads(
    tracker: Any, data_dir: Path
) -> None:

    tracker.add_patient(display_name="Checked ahead")
    tracker.close()
    probe = (
        "import threading\n"
        "from pathlib import Path\n"
        "import sps_tracker.storage.backup as backup\n"
        "real, seen = backup.integrity_problems, []\n"
        "def counting(path):\n"
        "    seen.append((Path(path).name, threading.current_thread().name))\n"
        "    return real(path)\n"
        "backup.integrity_problems = counting\n"
        "from sps_tracker.app import run_gui\n"
        f"run_gui(data_dir=Path({str(data_dir)!r}), mode='clinic', quit_after_paint=True)\n"
        "print([s for s in seen if s[0] == 'sps-tracker.db'])\n"
    )
    assert probe_output(probe) == "[('sps-tracker.db', 'integrity-check')]"
