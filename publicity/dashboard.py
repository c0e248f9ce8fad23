"""The publicity side of the admin dashboard: what an editor has to watch or do today.

Plain functions compute the figures (testable without a request, with a bounded number of
queries); the panels below fill their templates with them, and ``wagtail_hooks`` adds the ones a
user may act on to the home page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from website.dashboard import dashboard_panel

from . import workdays
from .models import Objection, ObjectionStatus, PublicityPage

#: How far ahead the calendar check looks (the issue: "the next 60 days' publicities").
CALENDAR_HORIZON_DAYS = 60
#: How many running, scheduled or open items a panel lists before "查看全部".
LISTED = 10


@dataclass
class PublicityRow:
    page: PublicityPage
    state: str  # 进行中 / 待发布
    days_left: int | None  # working days left; None when the calendar cannot say
    edit_url: str


def _calendar_for(cache: dict, region: str | None) -> workdays.WorkingCalendar:
    """One calendar per region for a whole panel: years are loaded once, not once per page."""
    if region not in cache:
        cache[region] = workdays.WorkingCalendar(region=region or None)
    return cache[region]


def publicity_rows(now: datetime.datetime | None = None) -> list[PublicityRow]:
    """Running publicities (fewest working days left first), then scheduled ones."""
    now = now or timezone.now()
    today = workdays.today_in_shanghai(now)
    calendars: dict = {}
    rows: list[PublicityRow] = []
    for state, pages in (
        ("进行中", PublicityPage.objects.running(now)[:LISTED]),
        ("待发布", PublicityPage.objects.upcoming(now)[:LISTED]),
    ):
        for page in pages:
            days_left = None
            if page.end_date:
                first = max(today, page.start_date)
                try:
                    days_left = workdays.working_days_between(
                        first, page.end_date, calendar=_calendar_for(calendars, page.region)
                    )
                except workdays.CalendarUnavailable:
                    days_left = None
            rows.append(
                PublicityRow(
                    page, state, days_left, reverse("wagtailadmin_pages:edit", args=[page.pk])
                )
            )
    return rows


@dataclass
class ObjectionStatusRow:
    label: str
    count: int
    oldest_days: int | None  # age in days of the oldest objection in this status
    url: str


@dataclass
class OpenObjection:
    objection: Objection
    age_days: int
    url: str


def _age_days(created: datetime.datetime, today: datetime.date) -> int:
    return (today - timezone.localtime(created, workdays.SHANGHAI).date()).days


def objection_summary(
    now: datetime.datetime | None = None,
) -> tuple[list[ObjectionStatusRow], list[OpenObjection]]:
    """Counts and oldest age per status (every status, zeros included), and the open
    objections oldest first: an objection waiting longest is the one to handle first."""
    today = workdays.today_in_shanghai(now or timezone.now())
    stats = {
        row["status"]: row
        for row in Objection.objects.values("status").annotate(n=Count("pk"), oldest=Min("created"))
    }
    index_url = reverse("wagtailsnippets_publicity_objection:list")
    rows = []
    for value, label in ObjectionStatus.choices:
        row = stats.get(value)
        rows.append(
            ObjectionStatusRow(
                label,
                row["n"] if row else 0,
                _age_days(row["oldest"], today) if row else None,
                f"{index_url}?status={value}",
            )
        )
    open_ones = (
        Objection.objects.filter(status__in=Objection.OPEN_STATUSES)
        .select_related("entry")
        .order_by("created")[:LISTED]
    )
    listed = [
        OpenObjection(
            objection,
            _age_days(objection.created, today),
            # Its 处理 form: a status changes only by a recorded decision.
            reverse("publicity_admin:decide_objection", args=[objection.pk]),
        )
        for objection in open_ones
    ]
    return rows, listed


@dataclass
class MissingYear:
    year: int
    region: str  # "" = the national calendar
    publicities: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.region_label}工作日历"

    @property
    def region_label(self) -> str:
        return self.region or "全国"


def missing_calendar_years(now: datetime.datetime | None = None) -> list[MissingYear]:
    """Calendar years the next 60 days' publicities need and nobody has entered completely:
    the national year (without it no period can be counted), or the regional year of an
    authority whose region keeps its own holidays (新疆's 肉孜节 and 古尔邦节)."""
    now = now or timezone.now()
    today = workdays.today_in_shanghai(now)
    horizon = today + datetime.timedelta(days=CALENDAR_HORIZON_DAYS)
    needed: dict[tuple[int, str], list[str]] = {}
    # The window itself needs the national years it spans, publicity or not: a publicity
    # scheduled in it must be counted.
    for year in range(today.year, horizon.year + 1):
        needed.setdefault((year, ""), [])
    pages = (
        PublicityPage.objects.filter(start_date__lte=horizon)
        .exclude(end_date__lt=today)
        .select_related("authority")
        .only("title", "start_date", "end_date", "authority__region")
    )
    for page in pages:
        last = page.end_date or horizon
        for year in range(page.start_date.year, max(last, page.start_date).year + 1):
            needed.setdefault((year, ""), []).append(page.title)
            if page.region:
                needed.setdefault((year, page.region), []).append(page.title)
    calendars: dict = {}
    missing = []
    for (year, region), titles in sorted(needed.items()):
        calendar = _calendar_for(calendars, region or None)
        if region:
            if not calendar.keeps_own_holidays():
                continue
            if not calendar.warnings_for(datetime.date(year, 1, 1), datetime.date(year, 1, 1)):
                continue
        else:
            try:
                calendar.lookup(datetime.date(year, 1, 1))
            except workdays.CalendarUnavailable:
                pass
            else:
                continue
        missing.append(MissingYear(year, region, sorted(set(titles))))
    return missing


@dashboard_panel("publicity_dashboard", 50, "publicity/admin/dashboard/publicity_panel.html")
def publicity_panel() -> dict:
    return {"rows": publicity_rows(), "index_url": reverse("wagtailadmin_explore_root")}


@dashboard_panel("objection_dashboard", 52, "publicity/admin/dashboard/objection_panel.html")
def objection_panel() -> dict:
    statuses, open_objections = objection_summary()
    return {
        "statuses": statuses,
        "open_objections": open_objections,
        "index_url": reverse("wagtailsnippets_publicity_objection:list"),
    }


@dashboard_panel("calendar_dashboard", 54, "publicity/admin/dashboard/calendar_panel.html")
def calendar_panel() -> dict:
    return {
        "missing": missing_calendar_years(),
        "horizon": CALENDAR_HORIZON_DAYS,
        "import_url": reverse("publicity_admin:calendar_import"),
        "years_url": reverse("wagtailsnippets_publicity_calendaryear:list"),
    }


def panels_for(user) -> list[Component]:
    """The panels this user may act on (each one's links lead to views they can open)."""
    panels = []
    if user.has_perm("wagtailadmin.access_admin"):
        panels.append(publicity_panel)
    if user.is_superuser or user.has_perm("publicity.change_objection"):
        panels.append(objection_panel)
    if user.is_superuser or user.has_perm("publicity.maintain_calendar"):
        panels.append(calendar_panel)
    return panels
