"""The summary beside the chart: where the patient stands now, in a few plain lines."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from sps_tracker.domain import analysis
from sps_tracker.domain.analysis import ResponseStatus
from sps_tracker.domain.scales import SCALES, scale


def _day(day: date) -> str:
    return day.strftime("%d %b %Y")


class SummaryPanel(QGroupBox):
    """Latest scores and change vs baseline, response, falls, courses."""

    KEYS = ("dsi", "hss", "response", "falls", "last_course", "next_course")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Summary"))
        self.setAccessibleName(self.tr("Summary"))
        self.values: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        titles = {
            "dsi": self.tr("Latest DSI"),
            "hss": self.tr("Latest HSS"),
            "response": self.tr("Response (50% criterion)"),
            "falls": self.tr("Falls"),
            "last_course": self.tr("Last infusion course"),
            "next_course": self.tr("Next course due"),
        }
        for key in self.KEYS:
            label = QLabel("–")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(titles[key])
            title = QLabel(f"<b>{titles[key]}</b>")
            title.setBuddy(label)
            form.addRow(title, label)
            self.values[key] = label
        self.setMinimumWidth(220)

    def set_summary(self, summary: analysis.Summary) -> None:
        for s in SCALES:
            self.values[s.key].setText(self.scale_text(summary.scale(s.key)))
        self.values["response"].setText(self.response_text(summary.response))
        self.values["response"].setToolTip(analysis.RESPONSE_SOURCE)
        self.values["falls"].setText(
            self.tr("%1 in the last 30 days, %2 in the last 90 days")
            .replace("%1", str(summary.falls_last_30))
            .replace("%2", str(summary.falls_last_90))
        )
        if summary.last_course is None:
            self.values["last_course"].setText(self.tr("none recorded"))
        else:
            self.values["last_course"].setText(
                self.tr("%1 (%2 days ago)")
                .replace("%1", _day(summary.last_course))
                .replace("%2", str(summary.days_since_last_course))
            )
        if summary.next_course_due is None:
            self.values["next_course"].setText(self.tr("not known (needs two courses)"))
        else:
            interval = summary.typical_interval_days
            basis = (
                self.tr("typical interval %1 days").replace("%1", f"{interval:g}")
                if interval is not None
                else self.tr("planned")
            )
            self.values["next_course"].setText(f"{_day(summary.next_course_due)} ({basis})")

    def scale_text(self, found: analysis.ScaleSummary) -> str:
        s = scale(found.scale)
        if found.latest is None:
            return self.tr("no assessment yet")
        day = analysis.local_day(found.latest.at, None)
        text = f"{found.latest.total:g} / {s.maximum} ({_day(day)})"
        change = found.change
        if change is None or found.baseline is None:
            return text + "\n" + self.tr("no baseline to compare with")
        percent = "" if change.percent is None else f", {change.percent:+.0f}%"
        return (
            text
            + "\n"
            + self.tr("%1 points vs baseline %2%3")
            .replace("%1", f"{change.points:+.1f}")
            .replace("%2", f"{found.baseline.mean:.1f}")
            .replace("%3", percent)
        )

    def response_text(self, response: analysis.Response) -> str:
        status = response.status
        if status is ResponseStatus.NO_BASELINE:
            return self.tr("not judged: no DSI baseline (no course yet, or no scores before it)")
        if status is ResponseStatus.BASELINE_ZERO:
            return self.tr("not judged: the DSI baseline is 0")
        if status is ResponseStatus.NO_SCORE_SINCE_COURSE:
            return self.tr("not judged yet: no DSI since the first course")
        assert response.score is not None and response.threshold is not None
        verdict = (
            self.tr("Responder")
            if status is ResponseStatus.RESPONDER
            else self.tr("Not a responder")
        )
        assert response.baseline is not None
        detail = self.tr("latest DSI %1; a response is below %2, half the baseline %3")
        detail = detail.replace("%1", f"{response.score.total:g}")
        detail = detail.replace("%2", f"{response.threshold:.2f}")
        return f"<b>{verdict}</b> — " + detail.replace("%3", f"{response.baseline.mean:.2f}")
