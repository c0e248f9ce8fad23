"""RSS/Atom feeds and a calendar of publicities (?authority=slug&series=id).

An ended publicity stays in the feed: its address is its public record (no names)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import content_disposition_header

from notices.ics import CalendarEvent, build_calendar
from website.feeds import ColumnFeed, FeedFilter, feed_filter

FEED_SIZE = 20


def public_publicities(chosen: FeedFilter):
    """Publicities a visitor can open: running, or ended with their record page."""
    from .models import PublicityPage

    pages = PublicityPage.objects.filter(Q(live=True) | Q(expired=True)).select_related("authority")
    if chosen.authority is not None:
        pages = pages.filter(authority=chosen.authority)
    if chosen.series is not None:
        pages = pages.filter(entries__series=chosen.series.name).distinct()
    return pages.order_by("-start_date", "-pk")


class PublicityRssFeed(ColumnFeed):
    column_title = "评审结果公示"
    description = "职称评审结果公示：公示时间、评审委员会、异议受理方式。"
    link = "/publicity/"

    def column_items(self, obj):
        return public_publicities(obj)[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.authority.name}\n{item.review_committee}\n{item.period_label}"

    def item_path(self, item):
        return item.url

    def item_pubdate(self, item):
        return timezone.make_aware(dt.datetime.combine(item.start_date, dt.time(0)))

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.authority.short_name


class PublicityAtomFeed(PublicityRssFeed):
    feed_type = Atom1Feed
    subtitle = PublicityRssFeed.description


def publicity_calendar(request) -> HttpResponse:
    """/publicity/calendar.ics: each publicity's period as an all-day event."""
    chosen = feed_filter(request)
    host = request.get_host().split(":")[0]
    events = [
        CalendarEvent(
            uid=f"publicity-{page.pk}@{host}",
            summary=f"公示：{page.title}",
            start=page.start_date,
            end=page.end_date or page.start_date,
            description=f"{page.review_committee}\n{page.period_label}",
            url=chosen.base + page.url,
        )
        for page in public_publicities(chosen)[:100]
    ]
    body = build_calendar(f"评审结果公示{chosen.label()}", events, timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "publicity.ics")
    return response
