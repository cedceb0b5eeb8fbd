"""The self-test's Qt steps: the main window and the chart, offscreen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget

from sps_tracker import APP_NAME


class StepFailed(Exception):
    pass


def settle(milliseconds: int = 200) -> None:
    """Let layouts, timers and paints run, as they would before a person looks."""
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()
    QApplication.processEvents()


def open_main_window(ctx: Any) -> str:
    from sps_tracker.ui.about import AboutDialog
    from sps_tracker.ui.application import create_application
    from sps_tracker.ui.main_window import MainWindow

    # Settings go to the scratch folder too, in every format, on every platform.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(ctx.folder / "settings"))
    create_application()
    window = MainWindow(ctx.tracker, data_dir=ctx.folder)
    ctx.window = window
    ctx.cleanups.append(window.close)
    window.resize(1280, 800)
    window.show()
    settle()
    image = window.grab()
    if image.isNull() or not window.isVisible() or APP_NAME not in window.windowTitle():
        raise StepFailed("the window did not show")
    about = AboutDialog(ctx.folder, window)
    shown = about.values["database"].text()
    about.deleteLater()
    if str(ctx.folder) not in shown:
        raise StepFailed(f"About shows the database as {shown!r}")
    return f"shown {image.width()}x{image.height()}, About dialog names the database"


def plotted_points(window: QWidget) -> int:
    """How many data points the visible pyqtgraph views draw (any chart layout)."""
    import pyqtgraph as pg

    points = 0
    for view in window.findChildren(QGraphicsView):
        if not view.isVisible() or view.scene() is None:
            continue
        for item in view.scene().items():
            if not item.isVisible():
                continue
            if isinstance(item, pg.PlotCurveItem | pg.ScatterPlotItem):
                data = item.getData()
                if data is not None and data[0] is not None:
                    points += len(data[0])
            elif isinstance(item, pg.BarGraphItem):
                # Heights and positions may be numpy arrays or one number for every bar.
                import numpy as np

                given = [
                    item.opts[k] for k in ("x0", "x", "height") if item.opts.get(k) is not None
                ]
                points += max((int(np.size(v)) for v in given), default=0)
    return points


def draw_chart(ctx: Any) -> str:
    window = ctx.window
    if window is None:
        raise StepFailed("the main window is not open")
    window.show_view("chart")
    settle(300)
    points = plotted_points(window)
    if points == 0:
        raise StepFailed("the chart view shows no data points")
    if window.grab().isNull():
        raise StepFailed("the chart could not be drawn")
    return f"{points} points drawn"
