"""Driving the window as a person: find the open dialog, tick boxes, click rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QDialog, QTableView

from sps_tracker.ui.main_window import MainWindow


def dialog_of(window: MainWindow, qtbot: Any) -> Any:
    qtbot.waitUntil(lambda: window.current_dialog is not None and window.current_dialog.isVisible())
    dialog = window.current_dialog
    assert isinstance(dialog, QDialog)
    return dialog


def tick(qtbot: Any, button: QAbstractButton) -> None:
    """Click a check box on its box (the middle of a wide one may be empty space)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(10, button.height() // 2))


def click_row(qtbot: Any, table: QTableView, row: int, *, double: bool = False) -> None:
    rect = table.visualRect(table.model().index(row, 1))
    table.scrollTo(table.model().index(row, 1))
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if double:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def shortcut(qtbot: Any, window: MainWindow, key: Qt.Key, modifiers: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.focusWidget() or window, key, modifiers)
