"""The cycle collector rests while the GUI loads; the loaded program is left out of later
collections, the window's objects are not."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from sps_tracker.collector import cycle_collector_paused
from tests.ui.probes import probe_output


def test_a_failed_start_still_gives_the_collector_back() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), cycle_collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("the window could not be opened")
    assert gc.isenabled()


def test_the_real_start_freezes_the_loaded_program_and_collects_afterwards(
    tracker: Any, data_dir: Path
) -> None:
    tracker.add_patient(display_name="Frozen start")
    tracker.close()
    probe = (
        "import gc\n"
        "from pathlib import Path\n"
        "from sps_tracker.app import run_gui\n"
        f"status = run_gui(data_dir=Path({str(data_dir)!r}), mode='clinic', "
        "quit_after_paint=True)\n"
        "from sps_tracker.ui.main_window import MainWindow\n"
        "windows = [o for o in gc.get_objects() if isinstance(o, MainWindow)]\n"
        "print(status, gc.isenabled(), gc.get_freeze_count(), len(windows))\n"
    )
    status, enabled, frozen, windows = probe_output(probe).split()
    assert (status, enabled) == ("0", "True")
    # Modules, classes and functions of the loaded program: well over 50,000 objects.
    assert int(frozen) > 50_000
    # The window is not frozen: once it is closed and dropped, a collection may free it.
    assert windows == "1"
