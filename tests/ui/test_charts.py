"""The chart view draws what the database holds, reacts to a person, exports and imports."""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from sps_tracker.services import Tracker, scale_values
from sps_tracker.storage.models import (
    Assessment,
    Fall,
    InfusionCourse,
    MedicationPeriod,
    Patient,
)
from sps_tracker.ui.charts import ChartView
from sps_tracker.ui.charts.style import day_x

FIRST_COURSE = date(2026, 4, 1)
DSI_ORDER = ["legs", "arms", "lower_trunk", "upper_trunk", "face", "abdomen"]


def _assessment(moment: datetime, source: str, dsi: int, hss: int) -> Assessment:
    return Assessment(
        assessed_at=moment,
        source=source,
        **scale_values(dsi=DSI_ORDER[:dsi], hss=["touch", "visual", "nocturnal"][:hss]),
    )


@pytest.fixture
def patient(tracker: Tracker) -> Patient:
    """120 days before treatment at DSI 4-5, then 3 courses and scores near 1."""
    p = tracker.add_patient(display_name="Chart Patient")
    records: list = []
    start = FIRST_COURSE - timedelta(days=120)
    for i in range(0, 200, 3):
        day = start + timedelta(days=i)
        before = day < FIRST_COURSE
        moment = datetime(day.year, day.month, day.day, 19, tzinfo=UTC)
        records.append(
            _assessment(moment, "patient", (4 + i % 2) if before else 1, 3 if before else 1)
        )
    for i in range(0, 200, 30):
        day = start + timedelta(days=i)
        moment = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
        records.append(_assessment(moment, "clinician", 5 if day < FIRST_COURSE else 2, 2))
    for k in range(3):
        records.append(
            InfusionCourse(
                first_day=FIRST_COURSE + timedelta(days=28 * k),
                days=2,
                product="Privigen",
                total_grams=140.0,
                grams_per_kg=2.0,
                dosing_weight_kg=70.0,
            )
        )
    for i in (5, 9, 40, 130):
        day = start + timedelta(days=i)
        records.append(
            Fall(
                occurred_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                trigger="touch",
                injury=False,
            )
        )
    records.append(
        MedicationPeriod(
            drug="diazepam",
            daily_dose=10,
            dose_unit="mg",
            start_date=start,
            stop_date=start + timedelta(days=59),
        )
    )
    records.append(
        MedicationPeriod(
            drug="diazepam", daily_dose=15, dose_unit="mg", start_date=start + timedelta(days=60)
        )
    )
    tracker.bulk_add(p, records)
    return p


@pytest.fixture
def view(qtbot: QtBot, tracker: Tracker, patient: Patient) -> ChartView:
    v = ChartView(tracker)
    qtbot.addWidget(v)
    v.resize(1300, 820)
    v.show()
    qtbot.waitExposed(v)
    v.set_patient(patient.id)
    return v


def test_plotted_scores_equal_the_database(
    view: ChartView, tracker: Tracker, patient: Patient
) -> None:
    stored = tracker.records(Assessment, patient.id)
    for source in ("clinician", "patient"):
        mine = sorted((a for a in stored if a.source == source), key=lambda a: a.assessed_at)
        for scale in ("dsi", "hss"):
            x, y = view.trend.score_items[(scale, source)].getOriginalDataset()
            assert list(x) == [a.assessed_at.timestamp() for a in mine]
            assert list(y) == [getattr(a, f"{scale}_total") for a in mine]


def test_infusion_spans_equal_the_courses(
    view: ChartView, tracker: Tracker, patient: Patient
) -> None:
    courses = tracker.records(InfusionCourse, patient.id)
    for scale in ("dsi", "hss"):
        spans = view.trend.course_items[scale].opts
        assert list(spans["x0"]) == [day_x(c.first_day) for c in courses]
        assert list(spans["width"]) == [c.days * 86400 for c in courses]


def _lines(view: ChartView, key: str, scale: str) -> list[float]:
    return sorted({line.y for line in view.trend.overlays[key].lines if line.scale == scale})


def test_reference_lines_equal_the_baseline_held_in_the_database(
    view: ChartView, tracker: Tracker, patient: Patient
) -> None:
    window_start = FIRST_COURSE - timedelta(days=90)
    stored = tracker.records(Assessment, patient.id)
    inside = [
        a.dsi_total
        for a in stored
        if window_start <= a.assessed_at.astimezone().date() < FIRST_COURSE
    ]
    expected = statistics.mean(inside)
    assert _lines(view, "baseline", "dsi") == pytest.approx([expected])
    assert _lines(view, "set:nct03829826-response", "dsi") == pytest.approx([expected / 2])
    assert _lines(view, "set:dsi-scale-bounds", "dsi") == [0, 6]
    assert _lines(view, "set:hss-scale-bounds", "hss") == [0, 7]
    legend = [label.text for _, label in view.trend.legend.items]
    assert any("NCT03829826" in text for text in legend)
    tips = view.trend.overlay_checks["set:nct03829826-response"].toolTip()
    assert "Ann Neurol 2017;82:271-7" in tips and "published threshold" in tips


def test_falls_and_medication_changes_are_drawn(view: ChartView) -> None:
    assert len(view.trend.fall_x) == 4
    assert sum(view.trend.fall_bins.counts) == 4
    changes = [e.change.value for e in view.trend.medication_events]
    assert changes == ["start", "dose"]


def test_switching_an_overlay_off_hides_it_and_leaves_the_legend(
    view: ChartView, qtbot: QtBot
) -> None:
    check = view.trend.overlay_checks["set:dsi-scale-bounds"]
    assert check.isChecked()
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert not check.isChecked()
    assert all(
        not item.isVisible() for _, item in view.trend.overlays["set:dsi-scale-bounds"].items
    )
    legend = [label.text for _, label in view.trend.legend.items]
    assert not any("DSI range" in text for text in legend)
    kysa = view.trend.overlay_checks["set:kysa8-entry"]
    assert not kysa.isChecked()
    qtbot.mouseClick(kysa, Qt.MouseButton.LeftButton)
    assert _lines(view, "set:kysa8-entry", "dsi") == [2]
    assert all(item.isVisible() for _, item in view.trend.overlays["set:kysa8-entry"].items)


def test_range_buttons(view: ChartView, qtbot: QtBot) -> None:
    qtbot.mouseClick(view.trend.range_buttons["3m"], Qt.MouseButton.LeftButton)
    low, high = view.trend.x_range()
    assert (high - low) / 86400 == pytest.approx(97, abs=1)
    assert high == pytest.approx(view.trend.extent[1] + 3 * 86400)
    qtbot.mouseClick(view.trend.range_buttons["all"], Qt.MouseButton.LeftButton)
    low, high = view.trend.x_range()
    assert low <= view.trend.extent[0] and high >= view.trend.extent[1]


def test_trial_comparison_box(view: ChartView, tracker: Tracker, patient: Patient) -> None:
    stored = tracker.records(Assessment, patient.id)
    months_2_3 = [
        a.dsi_total
        for a in stored
        if 30 <= (a.assessed_at.astimezone().date() - FIRST_COURSE).days <= 89
    ]
    found = view.trend.comparison["dsi"]
    assert found is not None
    assert found.treated_mean == pytest.approx(statistics.mean(months_2_3))
    assert found.treated_n == len(months_2_3)
    text = view.trend.comparison_text()
    assert f"months 2–3 {statistics.mean(months_2_3):.1f} (n={len(months_2_3)})" in text
    # Both windows are shaded in each plot, the baseline month and months 2-3.
    for scale in ("dsi", "hss"):
        window = view.trend.comparison[scale]
        assert window is not None
        (bands,) = [i for s, i in view.trend.overlays["trial"].items if s == scale]
        days = (window.baseline_window, window.treated_window)
        assert list(bands.opts["x0"]) == [day_x(w.first_day) for w in days]
        ends = [day_x(w.last_day) + 86400 for w in days]
        assert list(np.add(bands.opts["x0"], bands.opts["width"])) == ends
        assert bands.isVisible() and bands.scene() is view.trend.graphics.scene()


def _hover(view: ChartView, qtbot: QtBot, scale: str, x: float, y: float) -> str:
    plot = view.trend.plots[scale]
    scene_point = plot.vb.mapViewToScene(QPointF(x, y))
    widget_point = view.trend.graphics.mapFromScene(scene_point)
    qtbot.mouseMove(view.trend.graphics.viewport(), widget_point)
    qtbot.waitUntil(lambda: view.trend.hover_text != "", timeout=2000)
    return view.trend.hover_text


def test_hover_on_a_point_names_date_total_and_items(
    view: ChartView, qtbot: QtBot, tracker: Tracker, patient: Patient
) -> None:
    qtbot.mouseClick(view.trend.range_buttons["3m"], Qt.MouseButton.LeftButton)
    last = max(
        (a for a in tracker.records(Assessment, patient.id) if a.source == "clinician"),
        key=lambda a: a.assessed_at,
    )
    text = _hover(view, qtbot, "dsi", last.assessed_at.timestamp(), last.dsi_total)
    assert last.assessed_at.astimezone().strftime("%d %b %Y") in text
    assert "clinician examination" in text
    assert "DSI 2 of 6: legs, arms" in text


def test_hover_on_a_course_describes_it(view: ChartView, qtbot: QtBot) -> None:
    qtbot.mouseClick(view.trend.range_buttons["3m"], Qt.MouseButton.LeftButton)
    course_middle = day_x(FIRST_COURSE + timedelta(days=56)) + 86400
    text = _hover(view, qtbot, "hss", course_middle, 6.5)
    assert "IVIg course" in text and "Privigen" in text and "140 g" in text and "2 g/kg" in text


def _open_cycles_tab(view: ChartView, qtbot: QtBot) -> None:
    bar = view.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert view.tabs.currentWidget() is view.cycles


def test_cycle_chart_waits_for_its_tab_then_places_every_treated_score(
    view: ChartView, tracker: Tracker, patient: Patient, qtbot: QtBot
) -> None:
    # Behind the trend tab nothing is drawn yet; the caption is written at once.
    assert view.cycles.cycle_items == {}
    assert "typical interval between courses 28 days" in view.cycles.caption.text()
    _open_cycles_tab(view, qtbot)
    treated = [
        a
        for a in tracker.records(Assessment, patient.id)
        if a.assessed_at.astimezone().date() >= FIRST_COURSE
    ]
    x, y = view.cycles.cycle_items["dsi"].getOriginalDataset()
    finite = np.isfinite(x)
    assert finite.sum() == len(treated)
    assert sorted(y[finite]) == sorted(a.dsi_total for a in treated)
    assert view.cycles.typical_interval == 28
    assert view.cycles.interval_lines["dsi"].value() == 28
    assert "typical interval between courses 28 days" in view.cycles.caption.text()


def test_summary_panel(view: ChartView) -> None:
    values = {k: label.text() for k, label in view.summary.values.items()}
    assert values["dsi"].startswith("1 / 6")
    assert "Responder" in values["response"]
    assert "days ago" in values["last_course"]


def _not_blank(image: QImage) -> bool:
    small = image.scaled(200, 120)
    colours = {small.pixel(x, y) for x in range(small.width()) for y in range(small.height())}
    return len(colours) > 20


def test_each_plot_names_what_it_shows_on_its_axis(view: ChartView) -> None:
    plots = {**view.trend.plots, "falls": view.trend.falls_plot}
    for key, text in (("dsi", "DSI (0–6)"), ("hss", "HSS (0–7)"), ("falls", "Falls / 30 d")):
        label = plots[key].getAxis("left").label
        assert label.isVisible()
        assert label.toPlainText().strip() == text


def test_rendered_offscreen_is_not_blank(view: ChartView) -> None:
    assert _not_blank(view.grab().toImage())
    view.tabs.setCurrentWidget(view.cycles)
    assert _not_blank(view.grab().toImage())


def test_export_png_and_svg(view: ChartView, tmp_path: Path) -> None:
    png = view.export_image(tmp_path / "chart.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 1200 and _not_blank(image)
    view.tabs.setCurrentWidget(view.cycles)
    svg = view.export_image(tmp_path / "cycles.svg")
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "<path" in text
    with pytest.raises(ValueError, match=".png or .svg"):
        view.export_image(tmp_path / "chart.jpg")


def test_export_dialog_adds_the_ending(
    view: ChartView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "mine"), "")
    )
    assert view.export_dialog("png") == tmp_path / "mine.png"
    assert (tmp_path / "mine.png").exists()


def _reference_file(folder: Path, **change: object) -> Path:
    data = {
        "format": "sps-tracker-reference-set",
        "version": 1,
        "id": "clinic-hss-line",
        "title": "Our clinic's HSS line",
        "source": {"citation": "Clinic audit 2026", "kind": "user_supplied"},
        "population": "Our patients",
        "scale": "hss",
        "bands": [{"kind": "threshold", "label": "Clinic line", "value": 3}],
        **change,
    }
    path = folder / "reference.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_importing_a_reference_set_from_the_gui(
    view: ChartView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _reference_file(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    imported = view.import_reference_dialog()
    assert imported is not None and imported.id == "clinic-hss-line"
    assert "Our clinic's HSS line" in told[0]
    assert _lines(view, "set:clinic-hss-line", "hss") == [3]
    assert "user-supplied" in view.trend.overlay_checks["set:clinic-hss-line"].toolTip()


def test_a_bad_reference_file_is_refused_with_the_field_named(
    view: ChartView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tracker: Tracker
) -> None:
    path = _reference_file(tmp_path, scale="dsi", bands=[{"kind": "threshold", "value": 9}])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    assert view.import_reference_dialog() is None
    assert "bands[0].value (9) is outside the DSI range 0 to 6" in warned[0]
    assert tracker.database.path is not None
    assert not (tracker.database.path.parent / "reference-sets").exists()
    assert "set:clinic-hss-line" not in view.trend.overlays


def test_a_patient_with_no_records_yet(qtbot: QtBot, tracker: Tracker) -> None:
    empty = tracker.add_patient(display_name="New")
    v = ChartView(tracker)
    qtbot.addWidget(v)
    v.show()
    v.set_patient(empty.id)
    assert v.summary.values["dsi"].text() == "no assessment yet"
    assert "No infusion course" in v.cycles.caption.text()
    assert "no infusion course yet" in v.trend.comparison_text()
    assert v.trend.overlays["baseline"].lines == []
    v.set_patient(None)
    assert v.stack.currentWidget() is v.empty


def test_one_assessment_and_no_infusion(qtbot: QtBot, tracker: Tracker) -> None:
    p = tracker.add_patient(display_name="One")
    tracker.add_assessment(
        p.id, assessed_at=datetime(2026, 1, 5, 9, tzinfo=UTC), source="clinician", dsi=["legs"]
    )
    v = ChartView(tracker)
    qtbot.addWidget(v)
    v.set_patient(p.id)
    assert v.data is None  # not drawn while hidden
    v.show()
    x, y = v.trend.score_items[("dsi", "clinician")].getOriginalDataset()
    assert list(y) == [1]
    assert "no DSI baseline" in v.summary.values["response"].text()


@pytest.mark.slow
def test_ten_years_draw_and_pan_quickly(qtbot: QtBot, tracker: Tracker) -> None:
    p = tracker.add_patient(display_name="Ten years")
    t0 = datetime(2016, 1, 1, 19, tzinfo=UTC)
    records: list = [
        _assessment(t0 + timedelta(days=i), "patient", i % 7 % 6, i % 5) for i in range(3650)
    ]
    records += [
        InfusionCourse(first_day=date(2016, 3, 1) + timedelta(days=28 * k), days=2)
        for k in range(130)
    ]
    records += [
        Fall(occurred_at=t0 + timedelta(days=12 * k, hours=1), trigger="none", injury=False)
        for k in range(300)
    ]
    tracker.bulk_add(p, records)
    v = ChartView(tracker)
    qtbot.addWidget(v)
    v.resize(1300, 820)
    v.show()
    qtbot.waitExposed(v)
    started = time.perf_counter()
    v.set_patient(p.id)
    v.grab()
    drawn = time.perf_counter() - started
    started = time.perf_counter()
    low, high = v.trend.x_range()
    for step in range(20):
        shift = step * 10 * 86400
        v.trend.plots["dsi"].setXRange(low + shift, high + shift, padding=0)
        v.trend.graphics.grab()
    panned = (time.perf_counter() - started) / 20
    assert drawn < 5.0, drawn
    assert panned < 0.5, panned


def test_hover_near_a_reference_line_names_its_source(view: ChartView, qtbot: QtBot) -> None:
    qtbot.mouseClick(view.trend.range_buttons["3m"], Qt.MouseButton.LeftButton)
    (threshold,) = _lines(view, "set:nct03829826-response", "dsi")
    # Half a day after a self-rating: far from every point, on the line.
    x = datetime(2026, 6, 1, 7, tzinfo=UTC).timestamp()
    text = _hover(view, qtbot, "dsi", x, threshold)
    assert "NCT03829826" in text and "published threshold" in text


def test_the_baseline_window_can_be_chosen(view: ChartView, qtbot: QtBot) -> None:
    before = _lines(view, "baseline", "dsi")
    view.baseline_days.clear()
    qtbot.keyClicks(view.baseline_days, "7")
    qtbot.keyClick(view.baseline_days, Qt.Key.Key_Return)
    after = _lines(view, "baseline", "dsi")
    assert after != before
    found = view.trend.overlays["baseline"].lines[0]
    assert (found.x1 - found.x0) == pytest.approx(7 * 86400, abs=3600)
    assert "7 days before" in view.baseline_days.text()


def test_point_symbols_are_drawn_when_they_have_room(qtbot: QtBot, tracker: Tracker) -> None:
    p = tracker.add_patient(display_name="Daily")
    t0 = datetime(2023, 1, 1, 19, tzinfo=UTC)
    tracker.bulk_add(
        p,
        [_assessment(t0 + timedelta(days=i), "patient", i % 4, i % 3) for i in range(1000)]
        + [_assessment(t0 + timedelta(days=i, hours=-8), "clinician", 3, 2) for i in (5, 400)],
    )
    v = ChartView(tracker)
    qtbot.addWidget(v)
    v.resize(1300, 820)
    v.show()
    qtbot.waitExposed(v)
    v.set_patient(p.id)
    trend = v.trend
    # 1,000 daily ratings across ~1,000 pixels: the line alone; the two examinations keep theirs.
    for scale in ("dsi", "hss"):
        assert not trend.symbols_shown(scale, "patient")
        assert trend.symbols_shown(scale, "clinician")
    qtbot.mouseClick(trend.range_buttons["3m"], Qt.MouseButton.LeftButton)
    for scale in ("dsi", "hss"):
        points = trend.symbol_items[(scale, "patient")]
        assert points.isVisible()
        x, y = trend.score_items[(scale, "patient")].getOriginalDataset()
        assert list(points.data["x"]) == list(x) and list(points.data["y"]) == list(y)
    qtbot.mouseClick(trend.range_buttons["all"], Qt.MouseButton.LeftButton)
    assert not trend.symbols_shown("dsi", "patient")


def test_clicking_a_source_in_the_legend_hides_its_scores_in_both_plots(
    view: ChartView, qtbot: QtBot
) -> None:
    trend = view.trend
    sample = next(s for s, label in trend.legend.items if label.text == "Self-rating")
    centre = sample.mapToScene(sample.boundingRect().center())
    at = trend.graphics.mapFromScene(centre)
    qtbot.mouseClick(trend.graphics.viewport(), Qt.MouseButton.LeftButton, pos=at)
    for scale in ("dsi", "hss"):
        assert not trend.score_items[(scale, "patient")].isVisible()
        assert not trend.symbols_shown(scale, "patient")
        assert trend.score_items[(scale, "clinician")].isVisible()
    qtbot.mouseClick(trend.graphics.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert all(trend.score_items[(s, "patient")].isVisible() for s in ("dsi", "hss"))
    assert trend.symbols_shown("dsi", "patient")


def test_the_plots_are_laid_out_once_at_their_size_when_first_shown(
    qtbot: QtBot, tracker: Tracker, patient: Patient
) -> None:
    from PySide6.QtCore import QEvent, QObject

    class Sizes(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[tuple[int, int]] = []

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Resize:
                size = event.size()  # type: ignore[attr-defined]
                self.seen.append((size.width(), size.height()))
            return False

    v = ChartView(tracker)
    qtbot.addWidget(v)
    sizes = Sizes()
    v.trend.graphics.installEventFilter(sizes)
    v.set_patient(patient.id)
    v.resize(1280, 800)
    v.show()
    qtbot.waitExposed(v)
    graphics = v.trend.graphics
    # Not first at the tab widget's default page size and then again.
    assert sizes.seen == [(graphics.width(), graphics.height())]
    assert graphics.isVisible() and graphics.width() > 800 and v.trend.x_range()[1] > 0


@pytest.mark.parametrize("width", [1300, 1000, 880, 700, 560])
def test_the_chart_fits_its_view_at_any_width_so_the_latest_scores_stay_in_sight(
    view: ChartView, qtbot: QtBot, width: int
) -> None:
    view.resize(width, 820)
    qtbot.wait(20)  # the resize and the layout pass it sets off
    graphics = view.trend.graphics
    laid_out = graphics.ci.geometry().width()
    assert laid_out <= graphics.viewport().width()
    legend = view.trend.legend
    names = {label.text: label for _, label in legend.items}
    assert any("NCT03829826" in name for name in names)  # every entry is still listed
    # The legend is in two columns unless the chart is too narrow even for that.
    _, _, right, _ = graphics.ci.layout.getContentsMargins()
    assert legend.geometry().right() <= laid_out - right + 1
    if width >= 880:
        assert legend.columnCount == 2


def test_a_long_legend_name_gets_a_row_of_its_own_where_the_columns_are_narrow(
    view: ChartView, qtbot: QtBot
) -> None:
    legend = view.trend.legend
    long_name = next(label for _, label in legend.items if "NCT03829826" in label.text)
    short_name = next(label for _, label in legend.items if label.text == "Self-rating")
    assert legend.wide == frozenset()  # at 1300 pixels every name fits its column
    view.resize(880, 820)
    qtbot.wait(20)
    assert legend.columnCount == 2
    [number] = legend.wide
    assert legend.items[number][1] is long_name
    # Its row holds it alone, across both columns; the others keep to their column.
    assert long_name.geometry().width() > short_name.geometry().width()
    row_mates = [
        label
        for _, label in legend.items
        if label is not long_name and abs(label.pos().y() - long_name.pos().y()) < 1
    ]
    assert row_mates == []
    view.resize(1300, 820)
    qtbot.wait(20)
    assert legend.wide == frozenset()
