"""iCalendar (RFC 5545) export of a notice's dated phases as all-day events.

Written by hand: a handful of properties, with the escaping and 75-octet line folding the
RFC requires (folding counts UTF-8 octets, so Chinese text must not be split mid-character).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//职称公示与证书平台//通知公告//ZH"
TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: dt.date
    end: dt.date  # inclusive last day; DTEND is exclusive, so one day is added on output
    description: str = ""
    url: str = ""


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current = " "
            size = 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def build_calendar(name: str, events: Iterable[CalendarEvent], stamp: dt.datetime) -> str:
    """A VCALENDAR with one all-day VEVENT per event; `stamp` is DTSTAMP (UTC)."""
    stamp_text = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{TIMEZONE}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART;VALUE=DATE:{event.start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.end + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def notice_events(notice, base_url: str, host: str) -> list[CalendarEvent]:
    """One event per dated phase; a deadline-only phase is an event on its last day."""
    events = []
    for phase in notice.phases.all():
        if phase.to_be_announced or not (phase.start_date or phase.end_date):
            continue
        start = phase.start_date or phase.end_date
        end = phase.end_date or phase.start_date
        label = phase.display_label
        if phase.start_date is None:
            label += "截止"
        description = notice.title + (f"\n{phase.note}" if phase.note else "")
        events.append(
            CalendarEvent(
                uid=f"notice-{notice.pk}-phase-{phase.pk}@{host}",
                summary=f"{label}（{notice.review_year}年度 {notice.authority.short_name}）",
                start=start,
                end=end,
                description=description,
                url=base_url,
            )
        )
    return events
