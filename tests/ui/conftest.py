"""Helpers for driving the window as a person: open it, find the open dialog, click rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sps_tracker.services import Tracker
from sps_tracker.ui.main_window import MainWindow


@pytest.fixture
def open_window(qtbot: Any, data_dir: Path) -> Iterator[Callable[..., MainWindow]]:
    opened: list[MainWindow] = []

    def make(mode: str = "clinic") -> MainWindow:
        window = MainWindow(Tracker.open(data_dir, actor="test"), data_dir=data_dir, mode=mode)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        opened.append(window)
        return window

    yield make
    for window in opened:
        if window.isVisible():
            window.close()
