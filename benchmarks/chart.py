"""chart: build and render the patient's chart, against bare pyqtgraph with the same arrays.

Written against the chart issue's expected API: ``ChartView(tracker)`` and
``set_patient(patient_id)`` in ``sps_tracker.ui.charts``. Until that module
exists the benchmark is reported as skipped, never faked.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.timing import Outcome, alternate, median

BUDGET = 1.5
MODULE = "sps_tracker.ui.charts"
SIZE = (1280, 800)


def _scores(database: str, patient_id: int) -> tuple[Any, Any, Any]:
    import numpy as np

    connection = sqlite3.connect(database)
    rows = connection.execute(
        "SELECT assessed_at, dsi_total, hss_total FROM assessment "
        "WHERE patient_id = ? AND deleted_at IS NULL ORDER BY assessed_at",
        (patient_id,),
    ).fetchall()
    connection.close()
    seconds = np.array(
        [datetime.fromisoformat(r[0]).replace(tzinfo=UTC).timestamp() for r in rows], dtype=float
    )
    return seconds, np.array([r[1] for r in rows]), np.array([r[2] for r in rows])


def measure(manifest: dict[str, Any], scratch: Path, rounds: int, warmups: int) -> list[Outcome]:
    outcome = Outcome("chart", BUDGET)
    if importlib.util.find_spec(MODULE) is None:
        outcome.skipped = f"{MODULE} does not exist yet"
        return [outcome]

    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    from sps_tracker.services import Tracker

    # From here an import error in the chart module is a failure, not a skip.
    from sps_tracker.ui.charts import ChartView

    data = manifest["clinic"]
    patient_id = data["patient_id"]
    qt = QApplication.instance() or QApplication([])
    tracker = Tracker.open(Path(data["folder"]), actor="bench")
    seconds, dsi, hss = _scores(data["database"], patient_id)

    def render(widget: QWidget) -> None:
        widget.resize(*SIZE)
        widget.show()
        qt.processEvents()
        if widget.grab().isNull():
            raise RuntimeError(f"{type(widget).__name__} rendered nothing")

    def dispose(widget: QWidget) -> None:
        widget.close()
        widget.deleteLater()
        qt.processEvents()

    def app() -> float:
        started = time.perf_counter()
        view = ChartView(tracker)
        view.set_patient(patient_id)
        render(view)
        elapsed = time.perf_counter() - started
        dispose(view)
        return elapsed

    def baseline() -> float:
        started = time.perf_counter()
        widget = QWidget()
        layout = QVBoxLayout(widget)
        stiffness = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        sensitivity = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        sensitivity.setXLink(stiffness)
        stiffness.plot(seconds, dsi)
        sensitivity.plot(seconds, hss)
        layout.addWidget(stiffness)
        layout.addWidget(sensitivity)
        render(widget)
        elapsed = time.perf_counter() - started
        dispose(widget)
        return elapsed

    try:
        app_samples, baseline_samples = alternate(app, baseline, rounds=rounds, warmups=warmups)
    finally:
        tracker.close()
    outcome.app = median(app_samples)
    outcome.baseline = median(baseline_samples)
    outcome.note = f"{len(seconds)} assessments"
    return [outcome]
