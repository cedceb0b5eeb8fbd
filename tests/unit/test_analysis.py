"""Baseline, response, trial comparison, cycles, falls and the summary, without Qt."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sps_tracker.domain import analysis as a
from sps_tracker.domain.analysis import (
    DayWindow,
    MedicationChange,
    ResponseStatus,
    Score,
    ScoreSeries,
)


@contextlib.contextmanager
def computer_zone(zone: str) -> Iterator[None]:
    """This computer's time zone set to ``zone`` (TZ and tzset), as it was afterwards."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def at(day: date, hour: int = 9, tz: ZoneInfo | None = None) -> datetime:
    """An aware UTC instant at ``hour`` local time of ``day`` in ``tz`` (UTC when None)."""
    local = datetime(day.year, day.month, day.day, hour, tzinfo=tz or UTC)
    return local.astimezone(UTC)


def daily(first: date, totals: list[float], tz: ZoneInfo | None = None) -> list[Score]:
    return [Score(at(first + timedelta(days=i), tz=tz), t, "patient") for i, t in enumerate(totals)]


def series(scores_dsi: list[Score], hss: list[int] | None = None) -> ScoreSeries:
    n = len(scores_dsi)
    hss = hss if hss is not None else [0] * n
    return ScoreSeries(
        tuple(range(1, n + 1)),
        tuple(s.at for s in scores_dsi),  # type: ignore[misc]
        tuple(s.source for s in scores_dsi),
        {"dsi": tuple(int(s.total) for s in scores_dsi), "hss": tuple(hss)},
        {"dsi": tuple(() for _ in scores_dsi), "hss": tuple(() for _ in scores_dsi)},
    )


# -- calendar days ----------------------------------------------------------------


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        a.local_day(datetime(2026, 1, 1, 9), UTC)


def test_a_late_evening_in_new_york_is_that_local_day_not_the_utc_one() -> None:
    moment = datetime(2026, 1, 2, 3, 30, tzinfo=UTC)  # 22:30 on 1 January in New York
    assert a.local_day(moment, NEW_YORK) == date(2026, 1, 1)
    assert a.local_day(moment, UTC) == date(2026, 1, 2)


def test_days_since_a_course_ignores_daylight_saving_changes() -> None:
    # Berlin moved clocks forward on 29 March 2026: 09:00 local is 08:00 UTC before, 07:00 after.
    start = date(2026, 3, 20)
    before = at(date(2026, 3, 25), 9, BERLIN)
    after = at(date(2026, 4, 3), 9, BERLIN)
    assert a.days_since(before, start, BERLIN) == pytest.approx(5.375)
    assert a.days_since(after, start, BERLIN) == pytest.approx(14.375)
    # Counted in elapsed hours the second would land at 14.33 (one hour lost).
    assert (after - at(start, 0, BERLIN)).total_seconds() / 86400 == pytest.approx(14 + 8 / 24)


def test_autumn_change_keeps_day_counting_too() -> None:
    start = date(2026, 10, 20)
    after = at(date(2026, 10, 30), 9, BERLIN)  # clocks went back on 25 October
    assert a.days_since(after, start, BERLIN) == pytest.approx(10.375)


def test_a_date_counts_as_the_start_of_its_day() -> None:
    assert a.days_since(date(2026, 2, 3), date(2026, 2, 1), BERLIN) == 2.0


def test_day_window_rejects_an_end_before_its_start() -> None:
    with pytest.raises(ValueError, match="cannot end"):
        DayWindow(date(2026, 2, 2), date(2026, 2, 1))
    assert DayWindow(date(2026, 2, 1), date(2026, 2, 1)).days == 1


# -- baseline and response ------------------------------------------------------------


def test_default_baseline_window_is_the_90_days_before_the_first_course() -> None:
    window = a.default_baseline_window([date(2026, 6, 1), date(2026, 5, 1)])
    assert window == DayWindow(date(2026, 1, 31), date(2026, 4, 30))
    assert window.days == 90


def test_no_infusion_yet_means_no_default_baseline() -> None:
    assert a.default_baseline_window([]) is None
    assert a.baseline(daily(date(2026, 1, 1), [3, 4]), None, tz=UTC) is None


def test_baseline_window_is_configurable() -> None:
    window = a.default_baseline_window([date(2026, 5, 1)], days=14)
    assert window == DayWindow(date(2026, 4, 17), date(2026, 4, 30))


def test_baseline_is_the_mean_of_scores_inside_the_window_only() -> None:
    scores = daily(date(2026, 4, 28), [6, 4, 2, 0, 0])  # 28, 29, 30 April, 1, 2 May
    window = DayWindow(date(2026, 4, 29), date(2026, 4, 30))
    found = a.baseline(scores, window, tz=UTC)
    assert found is not None
    assert (found.mean, found.n) == (3.0, 2)
    assert found.response_threshold == 1.5


def test_baseline_with_no_score_in_the_window_is_none() -> None:
    scores = daily(date(2026, 5, 10), [3])
    assert a.baseline(scores, DayWindow(date(2026, 4, 1), date(2026, 4, 30)), tz=UTC) is None


def test_baseline_edges_use_the_local_day() -> None:
    # 23:30 in New York on the day before the course is 04:30 UTC on the course day.
    evening = datetime(2026, 5, 1, 3, 30, tzinfo=UTC)
    window = a.default_baseline_window([date(2026, 5, 1)])
    assert a.baseline([Score(evening, 4)], window, tz=NEW_YORK) is not None
    assert a.baseline([Score(evening, 4)], window, tz=UTC) is None


def _baseline(mean: float) -> a.Baseline:
    return a.Baseline(DayWindow(date(2026, 1, 1), date(2026, 3, 31)), mean, 3)


def test_response_needs_more_than_half_gone() -> None:
    course = [date(2026, 4, 1)]
    exactly_half = [Score(at(date(2026, 6, 1)), 2)]
    below = [Score(at(date(2026, 6, 1)), 1)]
    judged = a.response(exactly_half, _baseline(4), course, tz=UTC)
    assert judged.status is ResponseStatus.NOT_RESPONDER
    assert judged.threshold == 2
    assert a.response(below, _baseline(4), course, tz=UTC).status is ResponseStatus.RESPONDER


def test_response_judges_the_latest_score_since_the_first_course() -> None:
    scores = [Score(at(date(2026, 5, 1)), 1), Score(at(date(2026, 6, 1)), 4)]
    judged = a.response(list(reversed(scores)), _baseline(4), [date(2026, 4, 1)], tz=UTC)
    assert judged.score == scores[1]
    assert judged.status is ResponseStatus.NOT_RESPONDER


def test_response_without_baseline_or_without_treated_scores() -> None:
    before = [Score(at(date(2026, 3, 1)), 1)]
    assert a.response(before, None, [], tz=UTC).status is ResponseStatus.NO_BASELINE
    status = a.response(before, _baseline(4), [date(2026, 4, 1)], tz=UTC).status
    assert status is ResponseStatus.NO_SCORE_SINCE_COURSE
    zero = a.response(before, _baseline(0), [date(2026, 4, 1)], tz=UTC).status
    assert zero is ResponseStatus.BASELINE_ZERO


def test_change_from_baseline_in_points_and_percent() -> None:
    assert a.change_from(1, 4) == a.Change(-3, -75.0)
    assert a.change_from(2, 0) == a.Change(2, None)


# -- trial comparison ---------------------------------------------------------------


def test_trial_comparison_baseline_month_against_months_two_and_three() -> None:
    first = date(2026, 4, 1)
    scores = (
        daily(first - timedelta(days=31), [6])  # one day before the baseline month: ignored
        + daily(first - timedelta(days=30), [4] * 30)  # the baseline month
        + daily(first, [3] * 30)  # month 1 of treatment: not compared
        + daily(first + timedelta(days=30), [2] * 60)  # months 2 and 3
        + daily(first + timedelta(days=90), [6] * 5)  # after: ignored
    )
    found = a.trial_comparison(scores, [first, first + timedelta(days=42)], tz=UTC)
    assert found is not None
    assert found.baseline_window == DayWindow(date(2026, 3, 2), date(2026, 3, 31))
    assert found.treated_window == DayWindow(date(2026, 5, 1), date(2026, 6, 29))
    assert (found.baseline_mean, found.baseline_n) == (4.0, 30)
    assert (found.treated_mean, found.treated_n) == (2.0, 60)
    assert found.change == a.Change(-2.0, -50.0)


def test_trial_comparison_before_any_course_and_with_missing_months() -> None:
    assert a.trial_comparison(daily(date(2026, 1, 1), [3]), [], tz=UTC) is None
    found = a.trial_comparison(daily(date(2026, 3, 20), [3]), [date(2026, 4, 1)], tz=UTC)
    assert found is not None
    assert found.treated_mean is None and found.treated_n == 0
    assert found.change is None


# -- cycles -----------------------------------------------------------------------


def test_scores_are_placed_at_days_since_the_latest_course_on_or_before_them() -> None:
    starts = [date(2026, 1, 1), date(2026, 1, 29)]
    scores = daily(date(2025, 12, 30), [5] * 2 + [1] * 28 + [2] * 5)
    cycles = a.align_to_cycles(scores, starts, tz=UTC)
    assert [c.start for c in cycles] == starts
    assert cycles[0].days[0] == pytest.approx(0.375)
    assert len(cycles[0].days) == 28 and len(cycles[1].days) == 5
    assert cycles[0].length_days == 28 and cycles[1].length_days is None
    assert cycles[1].days[-1] == pytest.approx(4.375)


def test_no_infusion_means_no_cycles() -> None:
    assert a.align_to_cycles(daily(date(2026, 1, 1), [3, 3]), [], tz=UTC) == []


def test_a_course_with_no_scores_gives_an_empty_cycle() -> None:
    cycles = a.align_to_cycles([], [date(2026, 1, 1), date(2026, 1, 1)], tz=UTC)
    assert len(cycles) == 1 and cycles[0].days == ()


def test_cycle_alignment_across_daylight_saving_keeps_the_clock_time() -> None:
    start = date(2026, 3, 20)
    scores = daily(start, [3] * 20, tz=BERLIN)  # every day at 09:00 Berlin time
    (cycle,) = a.align_to_cycles(scores, [start], tz=BERLIN)
    assert cycle.days == pytest.approx([i + 0.375 for i in range(20)])


def test_typical_interval_is_the_median_gap() -> None:
    starts = [date(2026, 1, 1), date(2026, 1, 29), date(2026, 3, 5), date(2026, 4, 2)]
    assert a.typical_interval_days(starts) == 28.0  # gaps 28, 35, 28
    assert a.typical_interval_days([date(2026, 1, 1)]) is None
    assert a.typical_interval_days([]) is None


def test_median_curve_takes_each_cycles_mean_then_the_median_across_cycles() -> None:
    cycles = [
        a.Cycle(date(2026, 1, 1), None, (0.2, 0.8, 1.5), (2, 4, 5)),
        a.Cycle(date(2026, 2, 1), None, (0.5, 1.5), (1, 3)),
        a.Cycle(date(2026, 3, 1), None, (0.5, 2.5), (6, 6)),
    ]
    curve = a.median_cycle_curve(cycles)
    assert curve.days == (0.5, 1.5)  # day 2 had only one cycle
    assert curve.medians == (3.0, 4.0)  # day 0: means 3, 1, 6; day 1: 5, 3
    assert curve.cycles == (3, 2)
    weekly = a.median_cycle_curve(cycles, bin_days=7)
    assert weekly.days == (3.5,) and weekly.medians == pytest.approx((11 / 3,))


def test_median_curve_of_one_cycle_is_that_cycle() -> None:
    one = [a.Cycle(date(2026, 1, 1), None, (0.5, 3.5), (2, 3))]
    assert a.median_cycle_curve(one).medians == (2.0, 3.0)
    assert a.median_cycle_curve([]).days == ()


# -- falls --------------------------------------------------------------------------


def test_falls_in_last_days_includes_today_and_uses_local_days() -> None:
    today = date(2026, 5, 31)
    falls = [
        at(today),
        at(today - timedelta(days=29)),
        at(today - timedelta(days=30)),
        at(today - timedelta(days=89)),
        at(today - timedelta(days=90)),
    ]
    assert a.falls_in_last(falls, 30, today=today, tz=UTC) == 2
    assert a.falls_in_last(falls, 90, today=today, tz=UTC) == 4
    late = datetime(2026, 6, 1, 2, tzinfo=UTC)  # still 31 May in New York
    assert a.falls_in_last([late], 30, today=today, tz=NEW_YORK) == 1


def test_falls_per_30_days_keeps_empty_bins_in_gaps() -> None:
    first = date(2026, 1, 1)
    falls = [at(first), at(first + timedelta(days=1)), at(first + timedelta(days=95))]
    bins = a.falls_per_30_days(falls, tz=UTC)
    assert bins.starts == tuple(first + timedelta(days=30 * i) for i in range(4))
    assert bins.counts == (2, 0, 0, 1)
    ranged = a.falls_per_30_days(falls, tz=UTC, first_day=date(2025, 12, 2), last_day=first)
    assert ranged.counts == (0, 2)
    assert a.falls_per_30_days([], tz=UTC).counts == ()


@given(st.lists(st.integers(min_value=0, max_value=3000), max_size=50))
def test_every_fall_lands_in_exactly_one_bin(offsets: list[int]) -> None:
    falls = [date(2020, 1, 1) + timedelta(days=d) for d in offsets]
    bins = a.falls_per_30_days(falls, tz=UTC)
    assert sum(bins.counts) == len(falls)


# -- medication -----------------------------------------------------------------------


@dataclass
class Period:
    drug: str
    daily_dose: float
    dose_unit: str
    start_date: date
    stop_date: date | None


def test_medication_starts_stops_and_dose_changes() -> None:
    periods = [
        Period("Diazepam", 10, "mg", date(2026, 1, 1), date(2026, 2, 1)),
        Period("diazepam", 20, "mg", date(2026, 2, 2), None),
        Period("Baclofen", 30, "mg", date(2026, 1, 15), date(2026, 3, 1)),
    ]
    events = a.medication_events(periods)
    assert [(e.day, e.drug, e.change, e.dose) for e in events] == [
        (date(2026, 1, 1), "Diazepam", MedicationChange.START, "10 mg/day"),
        (date(2026, 1, 15), "Baclofen", MedicationChange.START, "30 mg/day"),
        (date(2026, 2, 2), "diazepam", MedicationChange.DOSE, "20 mg/day"),
        (date(2026, 3, 1), "Baclofen", MedicationChange.STOP, "30 mg/day"),
    ]


# -- summary ---------------------------------------------------------------------------


def test_summary_of_a_responder() -> None:
    first = date(2026, 1, 1)
    starts = [first + timedelta(days=28 * i) for i in range(5)]  # last: 23 April
    scores = daily(first - timedelta(days=90), [4] * 90 + [1] * 120)
    today = date(2026, 4, 30)
    s = a.summarize(
        series(scores, hss=[5] * 90 + [2] * 120),
        starts,
        [at(date(2026, 4, 29)), at(date(2026, 2, 20))],
        today=today,
        tz=UTC,
    )
    dsi, hss = s.scale("dsi"), s.scale("hss")
    assert dsi.baseline is not None and dsi.baseline.mean == 4.0 and dsi.baseline.n == 90
    assert dsi.latest is not None and dsi.latest.total == 1
    assert dsi.change == a.Change(-3.0, -75.0)
    assert hss.change == a.Change(-3.0, -60.0)
    assert s.response.status is ResponseStatus.RESPONDER
    assert (s.falls_last_30, s.falls_last_90) == (1, 2)
    assert s.last_course == date(2026, 4, 23) and s.days_since_last_course == 7
    assert s.typical_interval_days == 28.0
    assert s.next_course_due == date(2026, 5, 21)


def test_summary_with_no_infusions_yet() -> None:
    s = a.summarize(series(daily(date(2026, 1, 1), [3])), [], [], today=date(2026, 1, 2), tz=UTC)
    assert s.scale("dsi").latest is not None and s.scale("dsi").baseline is None
    assert s.scale("dsi").change is None
    assert s.response.status is ResponseStatus.NO_BASELINE
    assert s.last_course is None and s.days_since_last_course is None
    assert s.next_course_due is None and s.typical_interval_days is None


def test_summary_of_an_empty_record() -> None:
    s = a.summarize(ScoreSeries(), [], [], today=date(2026, 1, 2), tz=UTC)
    assert s.scale("dsi").latest is None
    assert s.falls_last_30 == 0


def test_summary_uses_a_planned_course_as_next_due_and_a_chosen_window() -> None:
    scores = daily(date(2026, 1, 1), [2, 4])
    s = a.summarize(
        series(scores),
        [date(2026, 1, 10), date(2026, 3, 1)],
        [],
        today=date(2026, 2, 1),
        tz=UTC,
        baseline_window=DayWindow(date(2026, 1, 2), date(2026, 1, 2)),
    )
    assert s.scale("dsi").baseline == a.Baseline(
        DayWindow(date(2026, 1, 2), date(2026, 1, 2)), 4, 1
    )
    assert s.next_course_due == date(2026, 3, 1)
    assert s.last_course == date(2026, 1, 10)


def test_summary_can_count_one_source_only() -> None:
    scores = [
        Score(at(date(2026, 1, 1)), 5, "clinician"),
        Score(at(date(2026, 1, 2)), 1, "patient"),
    ]
    ser = ScoreSeries(
        (1, 2),
        tuple(s.at for s in scores),  # type: ignore[misc]
        ("clinician", "patient"),
        {"dsi": (5, 1), "hss": (0, 0)},
        {"dsi": ((), ()), "hss": ((), ())},
    )
    s = a.summarize(ser, [], [], today=date(2026, 1, 3), tz=UTC, sources={"clinician"})
    assert s.scale("dsi").latest == scores[0]


def test_score_series_columns_must_line_up() -> None:
    with pytest.raises(ValueError, match="one value per assessment"):
        ScoreSeries((1,), (), (), {}, {})


# -- many moments at once (the charts' fast path) ------------------------------------

ZONES = [UTC, BERLIN, NEW_YORK, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Kolkata")]
# Instants from 2019 to 2027 at any second, so every daylight-saving change is crossed.
instants = st.integers(min_value=1_546_300_800, max_value=1_830_297_600).map(
    lambda s: datetime.fromtimestamp(s, UTC)
)


@given(st.lists(instants | st.dates(date(2019, 1, 1), date(2027, 12, 31)), max_size=40))
def test_placing_many_moments_matches_placing_each(moments: list[datetime | date]) -> None:
    for tz in ZONES:
        placed = a.place(moments, tz)
        assert [date.fromordinal(int(d)) for d in placed.days] == [
            a.local_day(m, tz) for m in moments
        ]
        assert placed.fractions.tolist() == [a.day_fraction(m, tz) for m in moments]
        assert placed.instants.tolist() == [a.as_instant(m).timestamp() for m in moments]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_placing_on_this_computers_zone_follows_its_daylight_saving(zone: str) -> None:
    with computer_zone(zone):
        # Every half hour for a year, across both changes of the clock.
        moments = [
            datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=30 * i) for i in range(17_520)
        ]
        placed = a.place(moments, None)
        assert [date.fromordinal(int(d)) for d in placed.days] == [
            a.local_day(m, None) for m in moments
        ]
        assert placed.fractions.tolist() == [a.day_fraction(m, None) for m in moments]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Australia/Lord_Howe", "Asia/Kathmandu"])
@given(moments=st.lists(instants, max_size=40))
def test_placing_utc_instants_on_this_computers_zone_matches_placing_each(
    zone: str, moments: list[datetime]
) -> None:
    # The database's instants (UTC) take a quicker path in place(); it must agree.

    with computer_zone(zone):
        placed = a.place(moments, None)
        assert [date.fromordinal(int(d)) for d in placed.days] == [
            a.local_day(m, None) for m in moments
        ]
        assert placed.fractions.tolist() == [a.day_fraction(m, None) for m in moments]
        assert placed.instants.tolist() == [m.timestamp() for m in moments]
        assert placed.days.dtype == np.int64


# Instants from 2019 to 2027 at any microsecond, as the database may hold them.
micro_instants = st.integers(min_value=1_546_300_800_000_000, max_value=1_830_297_600_000_000).map(
    lambda us: datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)
)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Australia/Lord_Howe", "Asia/Kathmandu"])
@given(moments=st.lists(micro_instants, max_size=40))
def test_instants_kept_as_numbers_stand_for_their_datetimes(
    zone: str, moments: list[datetime]
) -> None:

    kept = a.Instants.of(moments)
    assert kept == tuple(moments) and tuple(moments) == kept and list(kept) == moments
    assert all(t.tzinfo is UTC for t in kept)
    assert kept[1:] == moments[1:] and kept != [*moments, datetime.now(UTC)]
    assert kept.seconds().tolist() == [m.timestamp() for m in moments]
    with computer_zone(zone):
        # Placed from the numbers, as from the datetimes.
        placed, expected = a.place(kept, None), a.place(moments, None)
        assert placed.days.tolist() == expected.days.tolist()
        assert placed.fractions.tolist() == expected.fractions.tolist()
        assert placed.instants.tolist() == expected.instants.tolist()


def test_instants_refuse_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        a.Instants.of([datetime(2026, 1, 1, 9)])


def test_naive_times_are_refused_when_placing_many() -> None:
    with pytest.raises(ValueError, match="naive"):
        a.place([datetime(2026, 1, 1, 9)], None)


def _old_mean(scores: list[Score], window: DayWindow, tz: ZoneInfo) -> tuple[float, int] | None:
    inside = [s.total for s in scores if window.contains(a.local_day(s.at, tz))]
    return (sum(inside) / len(inside), len(inside)) if inside else None


def _old_cycles(scores: list[Score], starts: list[date], tz: ZoneInfo) -> list[tuple]:
    starts = sorted(set(starts))
    placed: list[list[tuple[float, float]]] = [[] for _ in starts]
    for s in scores:
        day = a.local_day(s.at, tz)
        owners = [i for i, start in enumerate(starts) if start <= day]
        if owners:
            placed[owners[-1]].append((a.days_since(s.at, starts[owners[-1]], tz), s.total))
    return [sorted(p) for p in placed]


scored = st.lists(
    st.builds(
        Score,
        instants,
        st.integers(min_value=0, max_value=7),
        st.sampled_from(["patient", "clinician"]),
    ),
    max_size=60,
)
course_starts = st.lists(st.dates(date(2019, 1, 1), date(2027, 12, 31)), max_size=6)


@given(scored, course_starts, st.sampled_from(ZONES))
def test_column_analyses_equal_the_one_score_at_a_time_rules(
    scores: list[Score], starts: list[date], tz: ZoneInfo
) -> None:
    window = a.default_baseline_window(starts) or DayWindow(date(2020, 1, 1), date(2024, 1, 1))
    found = a.mean_in_window(scores, window, tz=tz)
    expected = _old_mean(scores, window, tz)
    assert (found is None) == (expected is None)
    if found is not None and expected is not None:
        assert found == (pytest.approx(expected[0]), expected[1])
    cycles = a.align_to_cycles(scores, starts, tz=tz)
    assert [list(zip(c.days, c.totals, strict=True)) for c in cycles] == [
        [(pytest.approx(d), t) for d, t in c] for c in _old_cycles(scores, starts, tz)
    ]
    newest = max(scores, key=lambda s: s.at, default=None)
    assert a.latest(a.ScoreColumn.of(scores, tz)) == a.latest(scores) == newest
    if starts:
        first = min(starts)
        treated = [s for s in scores if a.local_day(s.at, tz) >= first]
        judged = a.response(scores, a.Baseline(window, 4, 1), starts, tz=tz)
        assert judged.score == max(treated, key=lambda s: s.at, default=None)


@given(scored, course_starts, st.sampled_from(ZONES), st.sampled_from([None, {"clinician"}]))
def test_a_placed_series_gives_the_same_summary_as_its_scores(
    scores: list[Score], starts: list[date], tz: ZoneInfo, sources: set[str] | None
) -> None:
    scores = sorted(scores, key=lambda s: s.at)
    ser = ScoreSeries(
        tuple(range(1, len(scores) + 1)),
        tuple(s.at for s in scores),  # type: ignore[misc]
        tuple(s.source for s in scores),
        {
            "dsi": tuple(int(s.total) % 7 for s in scores),
            "hss": tuple(int(s.total) for s in scores),
        },
        {"dsi": tuple(() for _ in scores), "hss": tuple(() for _ in scores)},
    )
    placed = ser.placed(tz)
    for key in ("dsi", "hss"):
        listed = ser.scores(key, sources)
        column = placed.column(key, sources)
        window = a.default_baseline_window(starts)
        assert a.baseline(column, window, tz=tz) == a.baseline(listed, window, tz=tz)
        assert a.latest(column) == a.latest(listed)
        assert a.trial_comparison(column, starts, tz=tz) == a.trial_comparison(
            listed, starts, tz=tz
        )
    summary = a.summarize(ser, starts, [], today=date(2026, 1, 1), tz=tz, sources=sources)
    assert summary == a.summarize(
        ser, starts, [], today=date(2026, 1, 1), tz=tz, sources=sources, placed=placed
    )


def test_a_column_placed_on_another_zone_is_refused() -> None:
    column = a.ScoreColumn.of(daily(date(2026, 1, 1), [3]), BERLIN)
    with pytest.raises(ValueError, match="another time zone"):
        a.mean_in_window(column, DayWindow(date(2026, 1, 1), date(2026, 1, 2)), tz=UTC)
