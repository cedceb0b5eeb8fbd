"""Charts of one patient's record (pyqtgraph): trend, infusion cycles, summary."""

from sps_tracker.ui.charts.cycle import CycleChart
from sps_tracker.ui.charts.summary import SummaryPanel
from sps_tracker.ui.charts.trend import TrendChart
from sps_tracker.ui.charts.view import ChartView

__all__ = ["ChartView", "CycleChart", "SummaryPanel", "TrendChart"]
