"""Alternating measurements, medians, and the one-line report of each benchmark."""

from __future__ import annotations

import gc
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

S = TypeVar("S")


@dataclass
class Outcome:
    """One benchmark's result: medians of each side, or why it did not run."""

    name: str
    budget: float
    app: float | None = None
    baseline: float | None = None
    unit: str = "s"
    skipped: str | None = None
    error: str | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.app is None or not self.baseline:
            return None
        return self.app / self.baseline

    @property
    def ran(self) -> bool:
        return self.skipped is None

    @property
    def within_budget(self) -> bool:
        ratio = self.ratio
        return self.error is None and ratio is not None and ratio <= self.budget

    def line(self) -> str:
        ratio = self.ratio
        figures = (
            f"app={_figure(self.app, self.unit)} baseline={_figure(self.baseline, self.unit)} "
            f"ratio={'-' if ratio is None else f'{ratio:.2f}'} budget={self.budget:.2f}"
        )
        if self.skipped is not None:
            verdict = f"skipped ({self.skipped})"
        elif self.error is not None:
            verdict = f"FAIL (error: {self.error})"
        else:
            verdict = "ok" if self.within_budget else "FAIL"
            if self.note:
                verdict += f" ({self.note})"
        return f"bench {self.name}: {figures} {verdict}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        return cls(**data)


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "MiB":
        return f"{value:.0f}MiB"
    return f"{value:.3g}{unit}"


def alternate(
    app: Callable[[], S], baseline: Callable[[], S], *, rounds: int, warmups: int
) -> tuple[list[S], list[S]]:
    """Run A B A B ...; the first ``warmups`` pairs are thrown away.

    Each callable returns its own sample, so it can leave its set-up out of the timing.
    A full garbage collection before each sample keeps one side's leftovers from being
    collected in the other side's time; each side still pays for its own garbage.
    """
    app_samples: list[S] = []
    baseline_samples: list[S] = []
    for turn in range(warmups + rounds):
        gc.collect()
        a = app()
        gc.collect()
        b = baseline()
        if turn >= warmups:
            app_samples.append(a)
            baseline_samples.append(b)
    return app_samples, baseline_samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)
