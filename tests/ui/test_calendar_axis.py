"""The time axis labels each tick with the day it stands on, in local time."""

from __future__ import annotations

import os
import time
from datetime import date, datetime

import pytest

from sps_tracker.ui.charts.axis import calendar_ticks, tick_label
from sps_tracker.ui.charts.style import day_x


def _x(day: date) -> float:
    return day_x(day)


def test_two_years_on_a_wide_axis_are_labelled_by_month_and_year() -> None:
    unit, step, days = calendar_ticks(_x(date(2024, 10, 28)), _x(date(2026, 10, 30)), 1000)
    assert unit == "month" and step in (2, 3)
    assert all(d.day == 1 and (d.month - 1) % step == 0 for d in days)
    labels = [tick_label(d, unit, step) for d in days]
    assert labels[0] == days[0].strftime("%b %Y")
    assert len(set(labels)) == len(labels)  # never the same name on two ticks


def test_a_narrow_axis_takes_a_coarser_step() -> None:
    wide = calendar_ticks(_x(date(2016, 1, 1)), _x(date(2026, 1, 1)), 1200)
    narrow = calendar_ticks(_x(date(2016, 1, 1)), _x(date(2026, 1, 1)), 300)
    assert len(narrow[2]) < len(wide[2]) <= 1200 // 88


def test_three_months_are_labelled_by_week_on_mondays() -> None:
    unit, step, days = calendar_ticks(_x(date(2026, 1, 1)), _x(date(2026, 4, 1)), 1000)
    assert unit == "day" and step in (7, 14)
    assert all(d.weekday() == 0 for d in days)
    assert tick_label(days[0], unit, step) == days[0].strftime("%d %b")


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs tzset")
def test_ticks_stay_on_local_midnight_across_daylight_saving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        unit, step, days = calendar_ticks(_x(date(2026, 3, 1)), _x(date(2026, 5, 1)), 1000)
        for day in days:
            shown = datetime.fromtimestamp(day_x(day))
            assert (shown.date(), shown.hour) == (day, 0)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
        assert "TZ" not in os.environ


def test_an_empty_range_has_no_ticks() -> None:
    assert calendar_ticks(10.0, 10.0, 500)[2] == []
