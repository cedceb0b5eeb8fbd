"""The bare start-up the app is measured against: the same stack, none of the app.

Run as its own process: ``python startup_baseline.py DATABASE PATIENT_ID``. It
imports PySide6, pyqtgraph and sqlalchemy.orm (the stack the app must load
anyway), reads the patient's scores with plain sqlite3, shows a QMainWindow with
a PlotWidget of them, and quits once the window has painted.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime

import pyqtgraph as pg
import sqlalchemy.orm  # noqa: F401  (loaded because the app has to load it too)
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget


class CloseAfterFirstPaint(QObject):
    """The same quit-after-paint as the app's hidden --quit-after-paint."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            QApplication.instance().removeEventFilter(self)
            QTimer.singleShot(0, self.window.close)
        return False


def read_scores(database: str, patient_id: int) -> tuple[list[float], list[int], list[int]]:
    connection = sqlite3.connect(database)
    rows = connection.execute(
        "SELECT assessed_at, dsi_total, hss_total FROM assessment "
        "WHERE patient_id = ? AND deleted_at IS NULL ORDER BY assessed_at",
        (patient_id,),
    ).fetchall()
    connection.close()
    seconds = [datetime.fromisoformat(r[0]).replace(tzinfo=UTC).timestamp() for r in rows]
    return seconds, [r[1] for r in rows], [r[2] for r in rows]


def main() -> int:
    database, patient_id = sys.argv[1], int(sys.argv[2])
    app = QApplication(sys.argv[:1])
    seconds, dsi, hss = read_scores(database, patient_id)
    window = QMainWindow()
    plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
    plot.plot(seconds, dsi, pen="b")
    plot.plot(seconds, hss, pen="r")
    window.setCentralWidget(plot)
    app.installEventFilter(CloseAfterFirstPaint(window))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
