"""The chart's cheap graphics items draw the pixels the person expects."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from sps_tracker.ui.charts.items import ScoreLine, Segments, SpanBars
from sps_tracker.ui.charts.style import pen

COURSE = QColor(0, 158, 115, 255)


def _pixels(widget: pg.GraphicsLayoutWidget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    bits = np.frombuffer(image.constBits(), np.uint8)
    rows = bits.reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, : image.width(), :3].astype(int)


def _view(qtbot: QtBot) -> tuple[pg.GraphicsLayoutWidget, pg.ViewBox]:
    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    widget.setBackground("w")
    widget.resize(420, 220)
    box = widget.addViewBox(enableMenu=False)
    box.setRange(xRange=(0, 1000), yRange=(0, 10), padding=0)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, box


def _coloured_columns(pixels: np.ndarray, colour: QColor) -> np.ndarray:
    target = np.array([colour.blue(), colour.green(), colour.red()])
    middle = pixels[pixels.shape[0] // 2]
    return np.flatnonzero(np.abs(middle - target).sum(axis=1) < 30)


def test_every_span_is_drawn_even_when_narrower_than_a_pixel(qtbot: QtBot) -> None:
    widget, box = _view(qtbot)
    starts = np.arange(25) * 40.0 + 10
    # A tenth of a pixel wide each: Qt's own fill drops most of these.
    box.addItem(SpanBars(x0=starts, width=0.2, y0=0, height=10, brush=COURSE, pen=None))
    columns = _coloured_columns(_pixels(widget), COURSE)
    runs = np.split(columns, np.flatnonzero(np.diff(columns) > 1) + 1)
    assert len(runs) == len(starts)
    assert all(len(run) <= 2 for run in runs)


def test_a_wide_span_covers_its_days_and_nothing_else(qtbot: QtBot) -> None:
    widget, box = _view(qtbot)
    box.addItem(SpanBars(x0=[250.0], width=[500.0], y0=2, height=6, brush=COURSE, pen=None))
    pixels = _pixels(widget)
    columns = _coloured_columns(pixels, COURSE)
    left = widget.mapFromScene(box.mapViewToScene(QPointF(250, 5))).x()
    right = widget.mapFromScene(box.mapViewToScene(QPointF(750, 5))).x()
    assert abs(columns[0] - left) <= 1 and abs(columns[-1] + 1 - right) <= 1
    assert len(columns) == columns[-1] - columns[0] + 1
    # Below y0 and above y0 + height stays background.
    for y in (1, 9):
        row = widget.mapFromScene(box.mapViewToScene(QPointF(500, y))).y()
        assert not len(_coloured_columns(pixels[row : row + 1], COURSE))


def test_segments_draw_each_line_with_their_pen(qtbot: QtBot) -> None:
    widget, box = _view(qtbot)
    box.addItem(Segments(pen(QColor("#0000ff"), 2), [(100, 2, 900, 2), (500, 0, 500, 10)]))
    pixels = _pixels(widget)
    blue = (pixels[:, :, 0] > 200) & (pixels[:, :, 1] < 80) & (pixels[:, :, 2] < 80)
    rows = np.flatnonzero(blue.sum(axis=1) > pixels.shape[1] // 2)
    columns = np.flatnonzero(blue.sum(axis=0) > pixels.shape[0] // 2)
    assert len(rows) >= 1 and len(columns) >= 1


def test_a_score_line_draws_the_points_pyqtgraphs_thinned_line_draws(qtbot: QtBot) -> None:
    widget, box = _view(qtbot)
    rng = np.random.default_rng(4)
    x = np.sort(rng.uniform(0, 1000, 5000))
    y = rng.integers(0, 7, len(x)).astype(float)
    line = ScoreLine(x, y, pen(QColor("#0000ff"), 1))
    box.addItem(line)
    reference = pg.PlotDataItem(x, y, pen=pen(QColor("#ff0000"), 1))
    box.addItem(reference)
    reference.setDownsampling(auto=True, method="peak")
    reference.setClipToView(True)
    for low, high in ((0, 1000), (100, 400), (-50, 30), (990, 1200), (500, 505), (0, 1000)):
        box.setXRange(low, high, padding=0)
        drawn, expected = line.getData(), reference.curve.getData()
        # Thinned where 5,000 points share ~400 pixels, every point where they have room.
        in_view = np.count_nonzero((x >= low) & (x <= high))
        assert (len(np.unique(drawn[0])) < in_view) == (high - low >= 1000)
        assert np.array_equal(drawn[0], expected[0]) and np.array_equal(drawn[1], expected[1])
    assert line.getOriginalDataset()[0] is not None
    assert np.array_equal(line.getOriginalDataset()[1], y)


def test_an_item_added_to_a_time_plot_is_in_its_view_and_follows_its_range(qtbot: QtBot) -> None:
    from sps_tracker.ui.charts.plot import TimePlot

    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    plot = TimePlot("DSI", QColor("black"))
    widget.ci.addItem(plot)
    widget.resize(420, 220)
    widget.show()
    qtbot.waitExposed(widget)
    x = np.arange(100.0)
    line = ScoreLine(x, x % 7, pen(QColor("#0000ff"), 1))
    plot.addItem(line)
    spans = SpanBars(x0=[10.0], width=[5.0], y0=0, height=6, brush=COURSE, pen=None)
    spans.setZValue(plot.vb.zValue() - 50)
    plot.addItem(spans, ignoreBounds=True)
    assert line.scene() is widget.scene() and line.getViewBox() is plot.vb
    assert spans.parentItem() is plot.vb.childGroup
    # As ViewBox.addItem: raised above the view box if below it, only bounded items counted.
    assert spans.zValue() == plot.vb.zValue() + 1 and line.zValue() == 0
    assert line in plot.vb.addedItems and spans not in plot.vb.addedItems
    plot.setXRange(20, 30, padding=0)
    assert line.getData()[0][0] == 19 and line.getData()[0][-1] == 30
    plot.clear()
    assert line.scene() is None and spans.scene() is None and plot.items == []


@pytest.mark.parametrize("grid", [90, False])
@pytest.mark.parametrize("margin", [0.0, 2.25, 3.6])
def test_grid_axes_draw_the_pixels_of_pyqtgraphs_axes(
    qtbot: QtBot, grid: int | bool, margin: float
) -> None:
    from sps_tracker.ui.charts.axis import GridAxis

    def drawn(kind: type[pg.AxisItem]) -> np.ndarray:
        widget = pg.GraphicsLayoutWidget()
        qtbot.addWidget(widget)
        widget.setBackground("w")
        widget.resize(420, 260)
        # Axes at fractional positions, as in the chart's layout.
        widget.ci.layout.setContentsMargins(margin, margin, margin, margin)
        black = QColor("black")
        axes = {side: kind(side, pen=black, textPen=black) for side in ("left", "bottom")}
        plot = widget.addPlot(axisItems=axes)
        plot.setRange(xRange=(0.3, 9.7), yRange=(0.1, 6.2), padding=0)
        for axis in axes.values():
            axis.setGrid(grid)  # translucent grid lines across the plot, or tick marks
        widget.show()
        qtbot.waitExposed(widget)
        return _pixels(widget)

    # Same ticks, labels and grid lines, drawn directly instead of from a played-back QPicture.
    expected = drawn(pg.AxisItem)
    assert (expected != 255).any(axis=2).sum() > 1000
    assert np.array_equal(drawn(GridAxis), expected)


def test_an_axis_label_changed_while_hidden_shows_its_new_text(qtbot: QtBot) -> None:
    from sps_tracker.ui.charts.axis import GridAxis

    black = QColor("black")
    axis = GridAxis("left", pen=black, textPen=black)
    axis.enableAutoSIPrefix(False)  # as the chart's plots: no relabelling on range changes
    axis.setLabel("Dose")
    assert axis.label.isVisibleTo(axis) and axis.label.toPlainText().strip() == "Dose"
    axis.showLabel(False)
    axis.setTextPen(QColor("#ff0000"))
    axis.labelText = "Dose per day"
    axis.showLabel(True)
    assert axis.label.toPlainText().strip() == "Dose per day"
    assert "#ff0000" in axis.label.toHtml()


@pytest.mark.parametrize("size", [(974, 800), (731, 555)])
def test_chart_tabs_draw_the_frame_a_tab_widget_draws(qtbot: QtBot, size: tuple[int, int]) -> None:
    from PySide6.QtWidgets import QLabel, QTabWidget

    from sps_tracker.ui.charts.frames import ChartTabs

    def drawn(kind: type[QTabWidget]) -> list[np.ndarray]:
        tabs = kind()
        qtbot.addWidget(tabs)
        tabs.addTab(QLabel("trend"), "Trend")
        tabs.addTab(QLabel("cycles"), "Infusion cycles")
        tabs.resize(*size)
        tabs.show()
        qtbot.waitExposed(tabs)
        shots = [_pixels(tabs)]
        tabs.setCurrentIndex(1)  # another selected tab: another frame
        shots.append(_pixels(tabs))
        shots.append(_pixels(tabs))  # drawn again from the kept picture
        return shots

    for mine, qts in zip(drawn(ChartTabs), drawn(QTabWidget), strict=True):
        assert np.array_equal(mine, qts)
