"""Where a phase stands on a given day: upcoming, open now (with days left), closed, or TBA.

Pure functions on dates so the timeline is testable with any 'today'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

UPCOMING, CURRENT, PAST, TBA, UNDATED = "upcoming", "current", "past", "tba", "undated"
STATUS_LABELS = {
    UPCOMING: "未开始",
    CURRENT: "进行中",
    PAST: "已结束",
    TBA: "另行通知",
    UNDATED: "",
}


@dataclass(frozen=True)
class PhaseState:
    status: str
    days_left: int | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def deadline_text(self) -> str:
        """今天截止 / 还剩 5 天 for an open phase."""
        if self.status != CURRENT or self.days_left is None:
            return ""
        return "今天截止" if self.days_left == 0 else f"距截止还剩 {self.days_left} 天"


def phase_state(
    start: dt.date | None, end: dt.date | None, to_be_announced: bool, today: dt.date
) -> PhaseState:
    """The state of a phase running from `start` to `end` inclusive (a single day if no end).

    A phase with only an end date is a deadline: open until that day. 另行通知 wins over dates.
    """
    if to_be_announced:
        return PhaseState(TBA)
    last = end or start
    if last is None:
        return PhaseState(UNDATED)
    if start is not None and today < start:
        return PhaseState(UPCOMING)
    if today > last:
        return PhaseState(PAST)
    return PhaseState(CURRENT, (last - today).days)
