"""What the trend, cycle and summary views show, computed without Qt.

Inputs are plain sequences (aware datetimes or dates), so the same numbers can
be shown by the GUI, printed by the CLI and tested here. Calendar days are
local days: an assessment at 09:00 local time is day N + 0.375 after a course
whatever daylight-saving did in between.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Protocol, overload

import numpy as np
from numpy.typing import NDArray

from sps_tracker.domain.scales import DSI, SCALES

# Response = DSI down by MORE than this fraction of the patient's own baseline (sps-facts.md).
RESPONSE_FRACTION = 0.5
RESPONSE_SOURCE = (
    "NCT03829826 response criterion (DSI down by more than 50% from the patient's own "
    "baseline at 12 weeks); the rituximab trial (Ann Neurol 2017;82:271-7) was powered "
    "for a 50% change"
)
# The default baseline window: the days before the first infusion course (issue 4).
DEFAULT_BASELINE_DAYS = 90
TRIAL_SOURCE = (
    "Dalakas et al., N Engl J Med 2001;345:1870-6: baseline month compared with "
    "months 2 and 3 of treatment"
)
# The trial counted in months; a 30-day month keeps the windows the same length every time.
MONTH_DAYS = 30

Moment = datetime | date


# -- calendar days --------------------------------------------------------------


def local_time(moment: datetime, tz: tzinfo | None) -> datetime:
    """The instant on the wall clock of ``tz`` (None: this computer's zone, DST included)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime refused: give instants with their UTC offset")
    return moment.astimezone(tz)


def local_day(moment: Moment, tz: tzinfo | None) -> date:
    """The calendar day a moment falls on; a date is already a day."""
    if isinstance(moment, datetime):
        return local_time(moment, tz).date()
    return moment


def day_fraction(moment: Moment, tz: tzinfo | None) -> float:
    """How far through its local day a moment is (0 for a date)."""
    if not isinstance(moment, datetime):
        return 0.0
    clock = local_time(moment, tz)
    return (clock.hour * 3600 + clock.minute * 60 + clock.second) / 86400


def days_since(moment: Moment, day: date, tz: tzinfo | None) -> float:
    """Local calendar days (with the time of day as a fraction) from the start of ``day``."""
    return (local_day(moment, tz) - day).days + day_fraction(moment, tz)


def as_instant(moment: Moment) -> datetime:
    """An aware UTC instant; a date counts from its 00:00 UTC (how the records place dates)."""
    if isinstance(moment, datetime):
        return local_time(moment, UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


# -- many moments at once ------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Placed:
    """Moments put on the local calendar of one zone once, as arrays (one entry per moment).

    ``days`` are local calendar days as ``date.toordinal()``, ``fractions`` how far
    through that day (0 for a date), ``instants`` the moments as epoch seconds
    (``as_instant``), so the analyses below compare numbers, not datetimes.
    """

    tz: tzinfo | None
    days: NDArray[np.int64]
    fractions: NDArray[np.float64]
    instants: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.days)


class Instants(Sequence[datetime]):
    """Aware UTC instants kept as whole microseconds since the epoch (how SQLite's text is
    read at once); an entry becomes a datetime only when it is asked for.

    Equal to any sequence of the same instants, as the tuple of datetimes it stands for.
    """

    __slots__ = ("micros",)

    def __init__(self, micros: NDArray[np.int64]) -> None:
        self.micros = micros

    @classmethod
    def of(cls, moments: Iterable[datetime]) -> Instants:
        """From aware datetimes (naive ones are refused)."""
        found = []
        for moment in moments:
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError("naive datetime refused: give instants with their UTC offset")
            found.append((moment - _EPOCH) // _MICROSECOND)
        return cls(np.array(found, dtype=np.int64))

    def seconds(self) -> NDArray[np.float64]:
        """Epoch seconds, the same floats as ``datetime.timestamp()`` of each."""
        # Whole microseconds are exact in float64, so one division rounds as timestamp() does.
        return self.micros / 1e6

    def __len__(self) -> int:
        return len(self.micros)

    @overload
    def __getitem__(self, index: int) -> datetime: ...
    @overload
    def __getitem__(self, index: slice) -> Instants: ...
    def __getitem__(self, index: int | slice) -> datetime | Instants:
        if isinstance(index, slice):
            return Instants(self.micros[index])
        return _EPOCH + timedelta(microseconds=int(self.micros[index]))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Instants):
            return bool(np.array_equal(self.micros, other.micros))
        if isinstance(other, Sequence):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Instants({len(self)} from {self[0]})" if len(self) else "Instants()"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def place(moments: Sequence[Moment], tz: tzinfo | None) -> Placed:
    """``local_day``, ``day_fraction`` and ``as_instant`` of every moment, in one pass."""
    if tz is None and isinstance(moments, Instants):
        return _place_seconds_locally(moments.seconds())
    if tz is None and all(type(m) is datetime and m.tzinfo is UTC for m in moments):
        return _place_utc_locally(moments)  # type: ignore[arg-type]
    days: list[int] = []
    seconds: list[int] = []
    instants: list[float] = []
    for moment in moments:
        if not isinstance(moment, datetime):
            days.append(moment.toordinal())
            seconds.append(0)
            instants.append(as_instant(moment).timestamp())
            continue
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive datetime refused: give instants with their UTC offset")
        instant = moment.timestamp()
        if tz is None:
            # What astimezone(None) does, without building a datetime: the computer's
            # offset at that second (DST included) added to the whole UTC seconds.
            whole = math.floor(instant)
            day, second = divmod(whole + time.localtime(whole).tm_gmtoff, 86_400)
            days.append(day + _EPOCH_DAY)
            seconds.append(second)
        else:
            clock = moment.astimezone(tz)
            days.append(clock.toordinal())
            seconds.append(clock.hour * 3600 + clock.minute * 60 + clock.second)
        instants.append(instant)
    return Placed(
        tz,
        np.array(days, dtype=np.int64),
        np.array(seconds, dtype=np.float64) / 86_400,
        np.array(instants, dtype=np.float64),
    )


_EPOCH_DAY = date(1970, 1, 1).toordinal()


def _place_utc_locally(moments: Sequence[datetime]) -> Placed:
    """``place(moments, None)`` for UTC datetimes (how the database returns them): the same
    sums as the loop in ``place``, with the computer's offset still asked at every second."""
    instants = np.fromiter((m.timestamp() for m in moments), dtype=np.float64, count=len(moments))
    return _place_seconds_locally(instants)


def _place_seconds_locally(instants: NDArray[np.float64]) -> Placed:
    """``place`` on this computer's calendar of instants given as epoch seconds."""
    localtime = time.localtime
    whole = np.floor(instants).astype(np.int64)
    offsets = np.fromiter(
        (localtime(w).tm_gmtoff for w in whole.tolist()), dtype=np.int64, count=len(instants)
    )
    day, second = np.divmod(whole + offsets, 86_400)
    return Placed(None, day + _EPOCH_DAY, second.astype(np.float64) / 86_400, instants)


@dataclass(frozen=True, slots=True)
class DayWindow:
    """Calendar days from ``first_day`` to ``last_day``, both included."""

    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError(
                f"A window cannot end ({self.last_day}) before it starts ({self.first_day})"
            )

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def mask(self, days: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Which of these day numbers (``date.toordinal()``) lie in the window."""
        return (days >= self.first_day.toordinal()) & (days <= self.last_day.toordinal())


# -- scores ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """One total of one scale at one moment, and who rated it."""

    at: Moment
    total: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class ScoreSeries:
    """A patient's assessments as columns, oldest first, as one query reads them.

    ``totals`` and ``items`` are keyed by scale key ("dsi", "hss"); ``items`` holds the
    keys of the items present at each assessment. ``at`` may be ``Instants``.
    """

    record_ids: tuple[int, ...] = ()
    at: Sequence[datetime] = ()
    sources: tuple[str, ...] = ()
    totals: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    items: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.record_ids)
        lengths = [len(self.at), len(self.sources)]
        lengths += [len(v) for v in self.totals.values()]
        lengths += [len(v) for v in self.items.values()]
        if any(length != n for length in lengths):
            raise ValueError("every column of a score series must have one value per assessment")

    def __len__(self) -> int:
        return len(self.record_ids)

    def scores(self, scale_key: str, sources: Collection[str] | None = None) -> list[Score]:
        totals = self.totals.get(scale_key, ())
        return [
            Score(at, total, source)
            for at, total, source in zip(self.at, totals, self.sources, strict=True)
            if sources is None or source in sources
        ]

    def placed(self, tz: tzinfo | None) -> PlacedSeries:
        """The series on the local calendar of ``tz``, worked out once for every analysis."""
        return PlacedSeries(self, place(self.at, tz), np.array(self.sources, dtype=object))


@dataclass(frozen=True, slots=True, eq=False)
class ScoreColumn:
    """Scores of one scale as arrays on one local calendar: what the analyses read.

    ``index`` picks this column's entries out of the original sequences (``moments``,
    ``raw_totals``, ``raw_sources``), so ``score(i)`` gives back the original values.
    """

    moments: Sequence[Moment]
    raw_totals: Sequence[float]
    raw_sources: Sequence[str]
    index: NDArray[np.intp]
    totals: NDArray[np.float64]
    placed: Placed

    def __len__(self) -> int:
        return len(self.index)

    @property
    def tz(self) -> tzinfo | None:
        return self.placed.tz

    @classmethod
    def of(cls, scores: Iterable[Score], tz: tzinfo | None) -> ScoreColumn:
        found = list(scores)
        moments = [s.at for s in found]
        totals = [s.total for s in found]
        return cls(
            moments,
            totals,
            [s.source for s in found],
            np.arange(len(found), dtype=np.intp),
            np.array(totals, dtype=np.float64),
            place(moments, tz),
        )

    def score(self, i: int) -> Score:
        j = int(self.index[i])
        return Score(self.moments[j], self.raw_totals[j], self.raw_sources[j])

    def where(self, mask: NDArray[np.bool_]) -> ScoreColumn:
        p = self.placed
        return replace(
            self,
            index=self.index[mask],
            totals=self.totals[mask],
            placed=Placed(p.tz, p.days[mask], p.fractions[mask], p.instants[mask]),
        )


@dataclass(frozen=True, slots=True, eq=False)
class PlacedSeries:
    """A ScoreSeries with its calendar days worked out (``ScoreSeries.placed``)."""

    series: ScoreSeries
    calendar: Placed
    sources: NDArray[np.object_]

    @property
    def tz(self) -> tzinfo | None:
        return self.calendar.tz

    def column(self, scale_key: str, sources: Collection[str] | None = None) -> ScoreColumn:
        """Like ``ScoreSeries.scores``: one scale, optionally only some sources."""
        raw = self.series.totals.get(scale_key, ())
        if len(raw) != len(self.series):
            raise KeyError(scale_key)
        everything = ScoreColumn(
            self.series.at,
            raw,
            self.series.sources,
            np.arange(len(raw), dtype=np.intp),
            np.array(raw, dtype=np.float64),
            self.calendar,
        )
        if sources is None:
            return everything
        chosen = np.zeros(len(raw), dtype=bool)
        for source in sources:
            chosen |= self.sources == source
        return everything.where(chosen)


Scores = Iterable[Score] | ScoreColumn


def column(scores: Scores, tz: tzinfo | None) -> ScoreColumn:
    """Scores as a column on the calendar of ``tz`` (a column already there is kept)."""
    if isinstance(scores, ScoreColumn):
        if scores.tz != tz:
            raise ValueError("these scores were placed on the calendar of another time zone")
        return scores
    return ScoreColumn.of(scores, tz)


def latest(scores: Scores) -> Score | None:
    if isinstance(scores, ScoreColumn):
        if not len(scores):
            return None
        # argmax takes the first of equal instants, as max() does.
        return scores.score(int(np.argmax(scores.placed.instants)))
    return max(scores, key=lambda s: as_instant(s.at), default=None)


def mean_in_window(
    scores: Scores, window: DayWindow, *, tz: tzinfo | None
) -> tuple[float, int] | None:
    """Mean total of the scores whose local day lies in the window, and how many there were."""
    found = column(scores, tz)
    inside = found.totals[window.mask(found.placed.days)].tolist()
    if not inside:
        return None
    return math.fsum(inside) / len(inside), len(inside)


# -- baseline and response ------------------------------------------------------


def course_days(starts: Iterable[date]) -> list[date]:
    """Course start days, each once, in order."""
    return sorted(set(starts))


def default_baseline_window(
    course_starts: Iterable[date], days: int = DEFAULT_BASELINE_DAYS
) -> DayWindow | None:
    """The ``days`` calendar days before the first course; None before any course."""
    starts = course_days(course_starts)
    if not starts:
        return None
    if days < 1:
        raise ValueError("A baseline window needs at least one day")
    first = starts[0]
    return DayWindow(first - timedelta(days=days), first - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class Baseline:
    """The patient's own starting level: the mean of the scores in a window."""

    window: DayWindow
    mean: float
    n: int

    @property
    def response_threshold(self) -> float:
        """A score below this is a fall of more than 50% (see RESPONSE_SOURCE)."""
        return self.mean * (1 - RESPONSE_FRACTION)


def baseline(scores: Scores, window: DayWindow | None, *, tz: tzinfo | None) -> Baseline | None:
    if window is None:
        return None
    found = mean_in_window(scores, window, tz=tz)
    if found is None:
        return None
    return Baseline(window, found[0], found[1])


@dataclass(frozen=True, slots=True)
class Change:
    points: float
    percent: float | None  # None when the baseline is 0: no fraction of nothing


def change_from(value: float, reference: float) -> Change:
    points = value - reference
    percent = None if reference == 0 else points / reference * 100
    return Change(points, percent)


class ResponseStatus(StrEnum):
    NO_BASELINE = "no_baseline"
    BASELINE_ZERO = "baseline_zero"
    NO_SCORE_SINCE_COURSE = "no_score_since_course"
    RESPONDER = "responder"
    NOT_RESPONDER = "not_responder"


@dataclass(frozen=True, slots=True)
class Response:
    """The latest DSI since the first course judged against the 50% criterion."""

    status: ResponseStatus
    baseline: Baseline | None = None
    score: Score | None = None

    @property
    def threshold(self) -> float | None:
        return None if self.baseline is None else self.baseline.response_threshold


def response(
    dsi_scores: Sequence[Score] | ScoreColumn,
    dsi_baseline: Baseline | None,
    course_starts: Iterable[date],
    *,
    tz: tzinfo | None,
) -> Response:
    if dsi_baseline is None:
        return Response(ResponseStatus.NO_BASELINE)
    if dsi_baseline.mean == 0:
        return Response(ResponseStatus.BASELINE_ZERO, dsi_baseline)
    starts = course_days(course_starts)
    judged = None
    if starts:
        found = column(dsi_scores, tz)
        judged = latest(found.where(found.placed.days >= starts[0].toordinal()))
    if judged is None:
        return Response(ResponseStatus.NO_SCORE_SINCE_COURSE, dsi_baseline)
    status = (
        ResponseStatus.RESPONDER
        if judged.total < dsi_baseline.response_threshold
        else ResponseStatus.NOT_RESPONDER
    )
    return Response(status, dsi_baseline, judged)


# -- the 2001 trial's comparison ------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrialWindows:
    """Days relative to the first course's first day (day 0), both ends included.

    The baseline month is read as the month before treatment began; months 2 and 3
    are days 30 to 89 after it.
    """

    baseline: tuple[int, int] = (-MONTH_DAYS, -1)
    treated: tuple[int, int] = (MONTH_DAYS, 3 * MONTH_DAYS - 1)


@dataclass(frozen=True, slots=True)
class TrialComparison:
    first_course: date
    baseline_window: DayWindow
    treated_window: DayWindow
    baseline_mean: float | None
    baseline_n: int
    treated_mean: float | None
    treated_n: int

    @property
    def change(self) -> Change | None:
        if self.baseline_mean is None or self.treated_mean is None:
            return None
        return change_from(self.treated_mean, self.baseline_mean)


def trial_comparison(
    scores: Sequence[Score] | ScoreColumn,
    course_starts: Iterable[date],
    *,
    tz: tzinfo | None,
    windows: TrialWindows = TrialWindows(),  # noqa: B008 - frozen, safe to share
) -> TrialComparison | None:
    """Baseline month vs months 2-3 after the first course; None before any course."""
    starts = course_days(course_starts)
    if not starts:
        return None
    first = starts[0]

    def window(span: tuple[int, int]) -> DayWindow:
        return DayWindow(first + timedelta(days=span[0]), first + timedelta(days=span[1]))

    before, after = window(windows.baseline), window(windows.treated)
    found = column(scores, tz)
    b = mean_in_window(found, before, tz=tz)
    t = mean_in_window(found, after, tz=tz)
    return TrialComparison(
        first,
        before,
        after,
        None if b is None else b[0],
        0 if b is None else b[1],
        None if t is None else t[0],
        0 if t is None else t[1],
    )


# -- infusion cycles ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cycle:
    """The scores from one course's first day until the next course began."""

    start: date
    next_start: date | None
    days: tuple[float, ...]
    totals: tuple[float, ...]

    @property
    def length_days(self) -> int | None:
        return None if self.next_start is None else (self.next_start - self.start).days


def align_to_cycles(
    scores: Scores, course_starts: Iterable[date], *, tz: tzinfo | None
) -> list[Cycle]:
    """Each score at its days since the start of the latest course on or before its day.

    Scores before the first course belong to no cycle. Every course gives a cycle,
    empty when nothing was rated during it.
    """
    starts = course_days(course_starts)
    found = column(scores, tz)
    first_days = np.array([s.toordinal() for s in starts], dtype=np.int64)
    owner = np.searchsorted(first_days, found.placed.days, side="right") - 1
    kept = owner >= 0
    owner = owner[kept]
    offsets = (found.placed.days[kept] - first_days[owner]) + found.placed.fractions[kept]
    totals = found.totals[kept]
    # By cycle, then (offset, total) as sorting the pairs would.
    order = np.lexsort((totals, offsets, owner))
    owner, offsets, totals = owner[order], offsets[order], totals[order]
    edges = np.searchsorted(owner, np.arange(len(starts) + 1), side="left")
    cycles = []
    for index, start in enumerate(starts):
        low, high = int(edges[index]), int(edges[index + 1])
        nxt = starts[index + 1] if index + 1 < len(starts) else None
        cycles.append(
            Cycle(start, nxt, tuple(offsets[low:high].tolist()), tuple(totals[low:high].tolist()))
        )
    return cycles


def typical_interval_days(course_starts: Iterable[date]) -> float | None:
    """The median gap between consecutive courses; None with fewer than two courses."""
    starts = course_days(course_starts)
    gaps = [(b - a).days for a, b in zip(starts, starts[1:], strict=False)]
    return float(statistics.median(gaps)) if gaps else None


@dataclass(frozen=True, slots=True)
class MedianCurve:
    """Per bin of days since course start: the median across cycles of each cycle's mean."""

    days: tuple[float, ...]  # bin centres
    medians: tuple[float, ...]
    cycles: tuple[int, ...]  # how many cycles had a score in the bin
    bin_days: int


def median_cycle_curve(
    cycles: Sequence[Cycle], *, bin_days: int = 1, min_cycles: int = 2
) -> MedianCurve:
    """A bin is shown when at least ``min_cycles`` cycles (or all, if fewer) have a score in it."""
    if bin_days < 1:
        raise ValueError("A bin needs at least one day")
    per_bin: dict[int, list[float]] = {}
    rated = 0
    for cycle in cycles:
        if not cycle.days:
            continue
        rated += 1
        sums: dict[int, list[float]] = {}
        for day, total in zip(cycle.days, cycle.totals, strict=True):
            sums.setdefault(math.floor(day / bin_days), []).append(total)
        for b, values in sums.items():
            per_bin.setdefault(b, []).append(math.fsum(values) / len(values))
    needed = max(1, min(min_cycles, rated))
    bins = sorted(b for b, values in per_bin.items() if len(values) >= needed)
    return MedianCurve(
        tuple(b * bin_days + bin_days / 2 for b in bins),
        tuple(float(statistics.median(per_bin[b])) for b in bins),
        tuple(len(per_bin[b]) for b in bins),
        bin_days,
    )


# -- falls ----------------------------------------------------------------------


def falls_in_last(
    fall_times: Iterable[Moment] | Placed, days: int, *, today: date, tz: tzinfo | None
) -> int:
    """Falls on the last ``days`` calendar days, today included."""
    window = DayWindow(today - timedelta(days=days - 1), today)
    found = fall_times if isinstance(fall_times, Placed) else place(list(fall_times), tz)
    return int(np.count_nonzero(window.mask(found.days)))


@dataclass(frozen=True, slots=True)
class FallBins:
    starts: tuple[date, ...]
    counts: tuple[int, ...]
    bin_days: int


def falls_per_30_days(
    fall_times: Iterable[Moment],
    *,
    tz: tzinfo | None,
    first_day: date | None = None,
    last_day: date | None = None,
    bin_days: int = 30,
) -> FallBins:
    """Falls counted in consecutive ``bin_days``-day bins from ``first_day`` (empty bins kept)."""
    days = place(list(fall_times), tz).days
    first = first_day or (date.fromordinal(int(days.min())) if len(days) else None)
    last = last_day or (date.fromordinal(int(days.max())) if len(days) else None)
    if first is None or last is None or last < first:
        return FallBins((), (), bin_days)
    n_bins = (last - first).days // bin_days + 1
    index = (days - first.toordinal()) // bin_days
    index = index[(index >= 0) & (index < n_bins)]
    counts = np.bincount(index, minlength=n_bins).tolist()
    starts = tuple(first + timedelta(days=i * bin_days) for i in range(n_bins))
    return FallBins(starts, tuple(counts), bin_days)


# -- medication changes ---------------------------------------------------------


class MedicationLike(Protocol):
    @property
    def drug(self) -> str: ...
    @property
    def daily_dose(self) -> float: ...
    @property
    def dose_unit(self) -> str: ...
    @property
    def start_date(self) -> date: ...
    @property
    def stop_date(self) -> date | None: ...


class MedicationChange(StrEnum):
    START = "start"
    STOP = "stop"
    DOSE = "dose"


@dataclass(frozen=True, slots=True)
class MedicationEvent:
    day: date
    drug: str
    change: MedicationChange
    dose: str  # e.g. "20 mg/day"; the new dose, or the last one for a stop


def _dose(period: MedicationLike) -> str:
    return f"{period.daily_dose:g} {period.dose_unit}/day"


def medication_events(periods: Iterable[MedicationLike]) -> list[MedicationEvent]:
    """Starts, stops and dose changes; a period that begins when one of the same drug
    ends (same or next day) is a dose change, not a stop and a start."""
    by_drug: dict[str, list[MedicationLike]] = {}
    for period in periods:
        by_drug.setdefault(period.drug.strip().lower(), []).append(period)
    events: list[MedicationEvent] = []
    for runs in by_drug.values():
        runs.sort(key=lambda p: p.start_date)
        for index, period in enumerate(runs):
            before = runs[index - 1] if index else None
            continues = (
                before is not None
                and before.stop_date is not None
                and 0 <= (period.start_date - before.stop_date).days <= 1
            )
            kind = MedicationChange.DOSE if continues else MedicationChange.START
            events.append(MedicationEvent(period.start_date, period.drug, kind, _dose(period)))
            after = runs[index + 1] if index + 1 < len(runs) else None
            followed = (
                after is not None
                and period.stop_date is not None
                and 0 <= (after.start_date - period.stop_date).days <= 1
            )
            if period.stop_date is not None and not followed:
                events.append(
                    MedicationEvent(
                        period.stop_date, period.drug, MedicationChange.STOP, _dose(period)
                    )
                )
    events.sort(key=lambda e: (e.day, e.drug.lower(), e.change))
    return events


# -- the summary panel ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScaleSummary:
    scale: str
    latest: Score | None
    baseline: Baseline | None

    @property
    def change(self) -> Change | None:
        if self.latest is None or self.baseline is None:
            return None
        return change_from(self.latest.total, self.baseline.mean)


@dataclass(frozen=True, slots=True)
class Summary:
    today: date
    scales: tuple[ScaleSummary, ...]
    response: Response
    falls_last_30: int
    falls_last_90: int
    last_course: date | None
    typical_interval_days: float | None
    next_course_due: date | None

    def scale(self, key: str) -> ScaleSummary:
        for found in self.scales:
            if found.scale == key:
                return found
        raise KeyError(key)

    @property
    def days_since_last_course(self) -> int | None:
        return None if self.last_course is None else (self.today - self.last_course).days


def summarize(
    series: ScoreSeries,
    course_starts: Iterable[date],
    fall_times: Sequence[Moment],
    *,
    today: date,
    tz: tzinfo | None,
    baseline_window: DayWindow | None = None,
    sources: Collection[str] | None = None,
    placed: PlacedSeries | None = None,
) -> Summary:
    """Everything the summary panel shows; ``baseline_window`` None means the default one.

    ``placed`` is ``series.placed(tz)`` when the caller has it already.
    """
    if placed is None:
        placed = series.placed(tz)
    elif placed.series is not series or placed.tz != tz:
        raise ValueError("placed must be this series on the calendar of tz")
    starts = course_days(course_starts)
    window = baseline_window or default_baseline_window(starts)
    columns = {s.key: placed.column(s.key, sources) for s in SCALES}
    scales = tuple(
        ScaleSummary(
            s.key,
            latest(columns[s.key]),
            baseline(columns[s.key], window, tz=tz),
        )
        for s in SCALES
    )
    dsi = next(x for x in scales if x.scale == DSI.key)
    judged = response(columns[DSI.key], dsi.baseline, starts, tz=tz)
    past = [s for s in starts if s <= today]
    planned = [s for s in starts if s > today]
    interval = typical_interval_days(past)
    last = past[-1] if past else None
    if planned:
        due: date | None = planned[0]
    elif last is not None and interval is not None:
        due = last + timedelta(days=round(interval))
    else:
        due = None
    falls = place(fall_times, tz)
    return Summary(
        today,
        scales,
        judged,
        falls_in_last(falls, 30, today=today, tz=tz),
        falls_in_last(falls, 90, today=today, tz=tz),
        last,
        interval,
        due,
    )
