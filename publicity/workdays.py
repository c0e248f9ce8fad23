"""The official working-day calendar: which days count towards a publicity period.

Sources, in lookup order for a day and a region:

1. a regional `CalendarDay` override (e.g. 新疆 古尔邦节), when a region is given;
2. a national `CalendarDay` override (blank region: next year's State Council schedule
   before the package knows it, or a correction);
3. the `chinesecalendar` package (pinned; it covers the years it has data for).

A year the package does not cover is answered only when editors have entered that year's
national schedule (at least one national `CalendarDay` in that year): then a day without an
override is a working day from Monday to Friday. Otherwise the day is unknown and
`CalendarUnavailable` is raised — never a silent weekday guess.

Counting rule: the start day is day 1 when it is a working day; when it is not, the first
working day after it is day 1. Weekend make-up workdays (调休) count and a period may end on one.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as _package_holidays

from website.formatting import cn_date

SHANGHAI = ZoneInfo("Asia/Shanghai")
PACKAGE_FIRST_YEAR = min(_package_holidays).year
PACKAGE_LAST_YEAR = max(_package_holidays).year
# A period longer than this many calendar days means the data is wrong (a year marked all off).
_MAX_SPAN_DAYS = 400


class CalendarUnavailable(Exception):
    """The calendar cannot tell whether a day is a working day (year not covered)."""

    def __init__(self, day: datetime.date, region: str | None = None):
        self.day = day
        self.year = day.year
        self.region = region or ""
        super().__init__(
            f"无法确定{cn_date(day)}是否为工作日：内置的国务院节假日安排只覆盖"
            f"{PACKAGE_FIRST_YEAR}—{PACKAGE_LAST_YEAR}年，尚未录入{day.year}年的放假和调休安排。"
            f"请先在“公示 › 工作日历”中录入{day.year}年的放假安排（国务院办公厅通知）后再试。"
        )


@dataclass(frozen=True)
class Override:
    """One editor-maintained day: working or not, with its name (e.g. 古尔邦节)."""

    is_working: bool
    name: str = ""


@dataclass
class WorkingCalendar:
    """A calendar for one region; overrides are loaded from the database per year, once.

    Pass `overrides` (keyed by (date, region), region "" = national) to use the calendar
    without a database, e.g. in tests or for a preview.
    """

    region: str | None = None
    overrides: Mapping[tuple[datetime.date, str], Override] | None = None
    _loaded: dict[int, tuple[dict, bool]] = field(default_factory=dict, repr=False)

    def _year(self, year: int) -> tuple[dict[tuple[datetime.date, str], Override], bool]:
        """Overrides of one year and whether editors entered that year's national schedule."""
        if year not in self._loaded:
            if self.overrides is not None:
                days = {key: value for key, value in self.overrides.items() if key[0].year == year}
            else:
                days = _load_overrides(year, self.region)
            national = any(region == "" for (_day, region) in days)
            self._loaded[year] = (days, national)
        return self._loaded[year]

    def lookup(self, day: datetime.date) -> tuple[bool, str]:
        """(is working, why) for a day; raises CalendarUnavailable when nobody knows."""
        days, national_schedule = self._year(day.year)
        if self.region:
            override = days.get((day, self.region))
            if override is not None:
                return override.is_working, override.name or "地方安排"
        override = days.get((day, ""))
        if override is not None:
            return override.is_working, override.name or "全国安排"
        if PACKAGE_FIRST_YEAR <= day.year <= PACKAGE_LAST_YEAR:
            working = chinese_calendar.is_workday(day)
            if working and day.weekday() >= 5:
                return True, "调休上班"
            if not working:
                _on_holiday, name = chinese_calendar.get_holiday_detail(day)
                return False, _holiday_label(name, day)
            return True, ""
        if national_schedule:
            return day.weekday() < 5, "" if day.weekday() < 5 else "周末"
        raise CalendarUnavailable(day, self.region)

    def is_working_day(self, day: datetime.date) -> bool:
        return self.lookup(day)[0]


def _holiday_label(name: str | None, day: datetime.date) -> str:
    if name:
        try:
            return Holiday(name).chinese
        except ValueError:
            return name
    return "周末" if day.weekday() >= 5 else "休息日"


def _load_overrides(year: int, region: str | None) -> dict[tuple[datetime.date, str], Override]:
    from .models import CalendarDay

    regions = [""] + ([region] if region else [])
    rows = CalendarDay.objects.filter(date__year=year, region__in=regions).values_list(
        "date", "region", "is_working", "name"
    )
    return {(day, reg): Override(working, name) for day, reg, working, name in rows}


def _calendar(region: str | None, calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar if calendar is not None else WorkingCalendar(region=region or None)


def is_working_day(
    day: datetime.date, region: str | None = None, calendar: WorkingCalendar | None = None
) -> bool:
    """Whether people work on `day` in `region` (blank: national)."""
    return _calendar(region, calendar).is_working_day(day)


@dataclass
class Period:
    """A counted period: its working days and the days skipped between them, with reasons."""

    start: datetime.date
    end: datetime.date
    counted: list[datetime.date]
    skipped: list[tuple[datetime.date, str]]

    @property
    def first_working_day(self) -> datetime.date:
        return self.counted[0]


def count_period(
    start: datetime.date,
    n: int,
    region: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> Period:
    """The `n` working days beginning at `start` (day 1 = start, or the next working day)."""
    if n < 1:
        raise ValueError("工作日数必须至少为 1。")
    cal = _calendar(region, calendar)
    counted: list[datetime.date] = []
    skipped: list[tuple[datetime.date, str]] = []
    day = start
    while len(counted) < n:
        if (day - start).days > _MAX_SPAN_DAYS:
            raise CalendarUnavailable(day, region)
        working, why = cal.lookup(day)
        if working:
            counted.append(day)
        else:
            skipped.append((day, why))
        day += datetime.timedelta(days=1)
    return Period(start=start, end=counted[-1], counted=counted, skipped=skipped)


def add_working_days(
    start: datetime.date,
    n: int,
    region: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> datetime.date:
    """The last day of a period of `n` working days beginning at `start`.

    >>> add_working_days(datetime.date(2023, 11, 1), 5)  # Wednesday → next Tuesday
    datetime.date(2023, 11, 7)
    """
    return count_period(start, n, region, calendar).end


def working_days_between(
    a: datetime.date,
    b: datetime.date,
    region: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> int:
    """How many working days lie in [a, b], both ends included (0 when b is before a)."""
    cal = _calendar(region, calendar)
    total = 0
    day = a
    while day <= b:
        if cal.is_working_day(day):
            total += 1
        day += datetime.timedelta(days=1)
    return total


def period_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    """(go live, expire) datetimes: start 00:00 and 24:00 of `end`, Asia/Shanghai."""
    go_live = datetime.datetime.combine(start, datetime.time(0), tzinfo=SHANGHAI)
    expire = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time(0), tzinfo=SHANGHAI
    )
    return go_live, expire


def today_in_shanghai(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in Asia/Shanghai (the site's calendar day, whatever the server's zone)."""
    if now is None:
        now = datetime.datetime.now(tz=SHANGHAI)
    return now.astimezone(SHANGHAI).date()
