"""iCalendar (RFC 5545) export of a notice's dated phases as all-day events.

Written with the ``icalendar`` library, which does the TEXT escaping and the 75-octet line
folding (never inside a UTF-8 character, so Chinese text stays intact).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from website.feeds import ColumnFeed, feed_filter

PRODID = "-//职称公示与证书平台//通知公告//ZH"
TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: dt.date
    # The inclusive last day (None: the start day); DTEND is exclusive, so one day is added.
    end: dt.date | None = None
    description: str = ""
    url: str = ""


def build_calendar(name: str, events: Iterable[CalendarEvent], stamp: dt.datetime) -> bytes:
    """A VCALENDAR with one all-day VEVENT per event; `stamp` is DTSTAMP (UTC)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TIMEZONE)
    stamp = stamp.astimezone(dt.UTC)
    for event in events:
        vevent = icalendar.Event()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", event.start)
        vevent.add("dtend", (event.end or event.start) + dt.timedelta(days=1))
        vevent.add("summary", event.summary)
        if event.description:
            vevent.add("description", event.description)
        if event.url:
            vevent.add("url", event.url)
        vevent.add("transp", "TRANSPARENT")
        calendar.add_component(vevent)
    return calendar.to_ical()


def calendar_response(
    name: str, events: Iterable[CalendarEvent], filename: str, stamp: dt.datetime | None = None
) -> HttpResponse:
    """The calendar as an ``.ics`` answer shown inline (DTSTAMP ``stamp``, by default now)."""
    body = build_calendar(name, events, stamp or timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def column_calendar(request, name: str, filename: str, events) -> HttpResponse:
    """A column's calendar.ics?authority=&series=: ``events(chosen, host)`` for the chosen
    authority and series (``website.feeds.FeedFilter``), named ``name`` and the choice."""
    chosen = feed_filter(request)
    host = request.get_host().split(":")[0]
    return calendar_response(f"{name}{chosen.label()}", events(chosen, host), filename)


def calendar_of(feed: type[ColumnFeed], filename: str, size: int = 100):
    """The calendar.ics view of a column whose every item is one event: the first ``size`` of
    the feed's ``column_items`` for the chosen authority and series, each made an event by its
    ``item_event(item, base, host)``; the calendar is named after the feed's column."""
    column = feed()

    def view(request) -> HttpResponse:
        def events(chosen, host):
            items = column.column_items(chosen)[:size]
            return [column.item_event(item, chosen.base, host) for item in items]

        return column_calendar(request, column.column_title, filename, events)

    return view


def notice_events(notice, base_url: str, host: str) -> list[CalendarEvent]:
    """One event per dated phase; a deadline-only phase is an event on its last day."""
    events = []
    for phase in notice.phases.all():
        if phase.to_be_announced or not (phase.start_date or phase.end_date):
            continue
        label = phase.display_label
        if phase.start_date is None:
            label += "截止"
        description = notice.title + (f"\n{phase.note}" if phase.note else "")
        events.append(
            CalendarEvent(
                uid=f"notice-{notice.pk}-phase-{phase.pk}@{host}",
                summary=f"{label}（{notice.review_year}年度 {notice.authority.short_name}）",
                start=phase.start_date or phase.end_date,
                end=phase.end_date,
                description=description,
                url=base_url,
            )
        )
    return events
