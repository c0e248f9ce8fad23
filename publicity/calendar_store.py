"""The working-day calendar's entered years, read from the database (see ``workdays.use_store``).

``workdays`` holds the rules and never imports the models; this module is its database side,
installed by ``PublicityConfig.ready``.
"""

from __future__ import annotations

import datetime

from .models import CalendarDay, CalendarYear
from .workdays import Override, YearSchedule


def load_years(year: int, regions: list[str]) -> tuple[dict[str, YearSchedule], int]:
    """Confirmed schedules of `year` by region, and how many national drafts exist."""
    rows = list(
        CalendarYear.objects.filter(year=year, region__in=regions).values_list(
            "pk", "region", "status", "source"
        )
    )
    complete = {pk: (region, source) for pk, region, status, source in rows if status == "complete"}
    drafts = sum(1 for _pk, region, status, _s in rows if status != "complete" and region == "")
    days: dict[int, dict[datetime.date, Override]] = {pk: {} for pk in complete}
    if complete:
        for pk, date, working, name in CalendarDay.objects.filter(
            calendar_year__in=list(complete)
        ).values_list("calendar_year", "date", "is_working", "name"):
            days[pk][date] = Override(working, name)
    found = {
        region: YearSchedule(year, region, days[pk], source)
        for pk, (region, source) in complete.items()
    }
    return found, drafts


def has_regional_years(regions: list[str]) -> bool:
    """Whether any of `regions` has ever had a year entered (draft or confirmed)."""
    return CalendarYear.objects.filter(region__in=regions).exists()
