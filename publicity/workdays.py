"""The official working-day calendar: which days count towards a publicity period.

The calendar is made of *complete years*, never of loose days. For a day and a region:

1. the national year must be complete: a `CalendarYear` (blank region) confirmed by an
   editor (typically imported from the State Council notice), else the `chinesecalendar`
   package for the years it has data for. No complete national year: `CalendarUnavailable`,
   whose message names what to enter. A draft never answers, whatever days it holds.
2. the region's own complete year, when there is one: a confirmed regional `CalendarYear`,
   else the built-in data in `publicity/data/regional_holidays.json` (Xinjiang's 肉孜节 and
   古尔邦节, with sources). 新疆生产建设兵团 uses the 自治区's year unless it has its own.
   A region that keeps its own holidays but has no complete year for the date gets a warning
   (the period then follows the national calendar only), not a silent answer.

Within a complete year a day not listed is a working day from Monday to Friday.

Counting rule: the start day is day 1 when it is a working day; when it is not, the first
working day after it is day 1. Weekend make-up workdays (调休) count and a period may end on one.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as _package_holidays
from chinese_calendar.constants import workdays as _package_workdays

from website.formatting import cn_date

SHANGHAI = ZoneInfo("Asia/Shanghai")
PACKAGE_FIRST_YEAR = min(_package_holidays).year
PACKAGE_LAST_YEAR = max(_package_holidays).year
PACKAGE_SOURCE = "chinesecalendar（国务院办公厅历年节假日安排）"
REGIONAL_DATA = Path(__file__).resolve().parent / "data" / "regional_holidays.json"
# A region without its own year for a date follows this one (兵团 follows the 自治区).
REGION_PARENTS = {"新疆生产建设兵团": "新疆维吾尔自治区"}
# A period longer than this many calendar days means the data is wrong (a year marked all off).
_MAX_SPAN_DAYS = 400
# chinesecalendar's Chinese labels are short (清明, 端午, 中秋); notices use the full names.
_HOLIDAY_NAMES = {
    Holiday.new_years_day.value: "元旦",
    Holiday.spring_festival.value: "春节",
    Holiday.tomb_sweeping_day.value: "清明节",
    Holiday.labour_day.value: "劳动节",
    Holiday.dragon_boat_festival.value: "端午节",
    Holiday.national_day.value: "国庆节",
    Holiday.mid_autumn_festival.value: "中秋节",
}
CALENDAR_MENU = "“公示 › 工作日历年度”"


def national_notice_title(year: int) -> str:
    return f"《国务院办公厅关于{year}年部分节假日安排的通知》"


class CalendarUnavailable(Exception):
    """The calendar cannot tell whether a day is a working day (no complete national year)."""

    def __init__(self, day: datetime.date, region: str | None = None, drafts: int = 0):
        self.day = day
        self.year = day.year
        self.region = region or ""
        draft_note = (
            f"（已有{day.year}年的草稿，但草稿不生效：核对完整并确认后才用于计算。）"
            if drafts
            else ""
        )
        super().__init__(
            f"无法确定{cn_date(day)}是否为工作日：尚未录入{day.year}年的放假和调休安排"
            f"（全国安排须为已确认的完整年度；内置的国务院节假日安排只覆盖"
            f"{PACKAGE_FIRST_YEAR}—{PACKAGE_LAST_YEAR}年）。"
            f"请在{CALENDAR_MENU}中导入{national_notice_title(day.year)}全文，"
            f"核对后确认为完整年度，再计算公示期。{draft_note}"
        )


@dataclass(frozen=True)
class Override:
    """One listed day of a year: working or not, with its name (e.g. 古尔邦节)."""

    is_working: bool
    name: str = ""


@dataclass(frozen=True)
class YearSchedule:
    """A complete year: its listed days (holidays and make-up workdays) and its source."""

    year: int
    region: str  # "" = national
    days: Mapping[datetime.date, Override]
    source: str = ""


@cache
def _package_year(year: int) -> YearSchedule | None:
    if not PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
        return None
    days: dict[datetime.date, Override] = {}
    for day, name in _package_holidays.items():
        if day.year == year:
            days[day] = Override(False, _HOLIDAY_NAMES.get(name, name))
    for day, name in _package_workdays.items():
        if day.year == year:
            days[day] = Override(True, f"{_HOLIDAY_NAMES.get(name, name)}调休上班")
    return YearSchedule(year, "", days, PACKAGE_SOURCE)


@cache
def builtin_regional_years() -> dict[tuple[int, str], YearSchedule]:
    """The regional years shipped with the code, keyed by (year, region)."""
    data = json.loads(REGIONAL_DATA.read_text(encoding="utf-8"))
    years: dict[tuple[int, str], YearSchedule] = {}
    for region, by_year in data.items():
        if region.startswith("_"):
            continue
        for year_text, entry in by_year.items():
            year = int(year_text)
            days = {
                datetime.date.fromisoformat(item["date"]): Override(
                    item["is_working"], item["name"]
                )
                for item in entry["days"]
            }
            if any(day.year != year for day in days):
                raise ValueError(f"{REGIONAL_DATA.name}: {region} {year} 含有其他年份的日期")
            source = entry["source"] + "；" + "；".join(entry["urls"])
            years[(year, region)] = YearSchedule(year, region, days, source)
    return years


def region_chain(region: str | None) -> list[str]:
    """The region and the regions it inherits from (兵团 → 自治区)."""
    chain: list[str] = []
    while region and region not in chain:
        chain.append(region)
        region = REGION_PARENTS.get(region)
    return chain


# The yearly notice each region publishes its own days in, so a warning can name what to enter.
REGIONAL_NOTICES = {
    "新疆维吾尔自治区": "《新疆维吾尔自治区人民政府办公厅关于{year}年节假日放假和冬夏季作息时间安排的通知》",
}


def missing_regional_message(region: str, year: int) -> str:
    owner = next((r for r in region_chain(region) if r in REGIONAL_NOTICES), "")
    if owner:
        notice = REGIONAL_NOTICES[owner].format(year=year)
        what = f"{notice}（或当年同类通知）全文，地区选“{owner}”，放假日和调休上班日都要录入"
    else:
        what = f"该地区{year}年的放假通知"
    return (
        f"{region}{year}年的地方节假日（如肉孜节、古尔邦节）尚未录入，公示期暂按全国安排计算，"
        f"可能把地方放假日算作工作日。请在{CALENDAR_MENU}中导入{what}，核对后确认为完整年度。"
    )


@dataclass
class WorkingCalendar:
    """A calendar for one region; complete years are loaded once per year.

    Pass `years` (keyed by (year, region), region "" = national) to use the calendar without a
    database, e.g. in tests or for an import preview; the package and the built-in regional
    data still apply unless `builtin=False`.
    """

    region: str | None = None
    years: Mapping[tuple[int, str], YearSchedule] | None = None
    builtin: bool = True
    _loaded: dict[int, tuple[YearSchedule | None, YearSchedule | None, int]] = field(
        default_factory=dict, repr=False
    )
    _keeps_own: bool | None = field(default=None, repr=False)

    # -- loading ---------------------------------------------------------------------------

    def _stored(self, year: int) -> tuple[dict[str, YearSchedule], int]:
        """Complete stored years for `year` by region, and how many drafts exist nationally."""
        regions = [""] + region_chain(self.region)
        if self.years is not None:
            found = {r: s for (y, r), s in self.years.items() if y == year and r in regions}
            return found, 0
        return _get_store().load_years(year, regions)

    def _year(self, year: int) -> tuple[YearSchedule | None, YearSchedule | None, int]:
        """(national schedule, regional schedule, national drafts) for one year."""
        if year not in self._loaded:
            stored, drafts = self._stored(year)
            national = stored.get("") or (_package_year(year) if self.builtin else None)
            regional = None
            for region in region_chain(self.region):
                regional = stored.get(region)
                if regional is None and self.builtin:
                    regional = builtin_regional_years().get((year, region))
                if regional is not None:
                    break  # a region with its own year does not inherit its parent's
            self._loaded[year] = (national, regional, drafts)
        return self._loaded[year]

    def keeps_own_holidays(self) -> bool:
        """Whether the region (or the one it inherits from) has ever had a regional year."""
        if self._keeps_own is None:
            chain = region_chain(self.region)
            if not chain:
                self._keeps_own = False
            elif self.builtin and any(
                r == reg for (_y, r) in builtin_regional_years() for reg in chain
            ):
                self._keeps_own = True
            elif self.years is not None:
                self._keeps_own = any(r in chain for (_y, r) in self.years)
            else:
                self._keeps_own = _get_store().has_regional_years(chain)
        return self._keeps_own

    # -- answers ---------------------------------------------------------------------------

    def lookup(self, day: datetime.date) -> tuple[bool, str]:
        """(is working, why) for a day; raises CalendarUnavailable when nobody knows."""
        national, regional, drafts = self._year(day.year)
        if national is None:
            raise CalendarUnavailable(day, self.region, drafts)
        for schedule in (regional, national):
            if schedule is not None and day in schedule.days:
                rule = schedule.days[day]
                if rule.is_working:
                    return True, (rule.name or "调休上班") if day.weekday() >= 5 else ""
                return False, rule.name or "放假"
        if day.weekday() >= 5:
            return False, "周末"
        return True, ""

    def is_working_day(self, day: datetime.date) -> bool:
        return self.lookup(day)[0]

    def warnings_for(self, first: datetime.date, last: datetime.date) -> list[str]:
        """Warnings for a period: a region keeping its own holidays without a year entered."""
        if not self.region or not self.keeps_own_holidays():
            return []
        messages = []
        for year in range(first.year, last.year + 1):
            _national, regional, _drafts = self._year(year)
            if regional is None:
                messages.append(missing_regional_message(self.region, year))
        return messages


class CalendarStore(Protocol):
    """Where entered years live (the database, via ``publicity.calendar_store``)."""

    def load_years(self, year: int, regions: list[str]) -> tuple[dict[str, YearSchedule], int]:
        """Confirmed schedules of `year` by region, and how many national drafts exist."""

    def has_regional_years(self, regions: list[str]) -> bool:
        """Whether any of `regions` has ever had a year entered."""


_store: CalendarStore | None = None


def use_store(store: CalendarStore) -> None:
    """Set where entered years are read from; the publicity app does it when it is ready, so
    this module (plain rules, testable without a database) never imports the models."""
    global _store
    _store = store


def _get_store() -> CalendarStore:
    if _store is None:
        raise RuntimeError("工作日历的数据来源未设置（publicity 应用尚未加载）。")
    return _store


def _calendar(region: str | None, calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar if calendar is not None else WorkingCalendar(region=region or None)


def is_working_day(
    day: datetime.date, region: str | None = None, calendar: WorkingCalendar | None = None
) -> bool:
    """Whether people work on `day` in `region` (blank: national)."""
    return _calendar(region, calendar).is_working_day(day)


@dataclass
class Period:
    """A counted period: its working days, the days skipped between them (with reasons) and
    warnings (a regional calendar not entered)."""

    start: datetime.date
    end: datetime.date
    counted: list[datetime.date]
    skipped: list[tuple[datetime.date, str]]
    warnings: list[str] = field(default_factory=list)

    @property
    def first_working_day(self) -> datetime.date:
        return self.counted[0]

    @property
    def start_note(self) -> str:
        """When the start is not a working day: that counting begins on the next one."""
        if self.counted[0] == self.start:
            return ""
        why = dict(self.skipped).get(self.start, "休息日")
        return (
            f"开始日期{cn_date(self.start)}是{why}（不计入工作日），"
            f"从下一个工作日{cn_date(self.counted[0])}起算第1个工作日。"
        )


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
    end = counted[-1]
    return Period(start, end, counted, skipped, cal.warnings_for(start, end))


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
