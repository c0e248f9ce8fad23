"""RSS/Atom feeds and a calendar of publicities (?authority=slug&series=id).

An ended publicity stays in the feed: its address is its public record (no names)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse

from notices.ics import CalendarEvent, column_calendar
from website.feeds import ColumnFeed, FeedFilter, at_hour, atom_of


def public_publicities(chosen: FeedFilter):
    """Publicities a visitor can open: running, or ended with their record page."""
    from .models import PublicityPage

    pages = PublicityPage.objects.filter(Q(live=True) | Q(expired=True)).select_related("authority")
    return chosen.narrow(pages, "entries__series").order_by("-start_date", "-pk")


class PublicityRssFeed(ColumnFeed):
    column_title = "评审结果公示"
    description = "职称评审结果公示：公示时间、评审委员会、异议受理方式。"
    link = "/publicity/"

    def column_items(self, obj):
        return public_publicities(obj)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.authority.name}\n{item.review_committee}\n{item.period_label}"

    def item_path(self, item):
        return item.url

    def item_pubdate(self, item):
        return at_hour(item.start_date, 0)

    def item_updateddate(self, item):
        return item.last_published_at


PublicityAtomFeed = atom_of(PublicityRssFeed)


def publicity_calendar(request) -> HttpResponse:
    """/publicity/calendar.ics: each publicity's period as an all-day event."""

    def events(chosen, host):
        return [
            CalendarEvent(
                uid=f"publicity-{page.pk}@{host}",
                summary=f"公示：{page.title}",
                start=page.start_date,
                end=page.end_date,
                description=f"{page.review_committee}\n{page.period_label}",
                url=chosen.base + page.url,
            )
            for page in public_publicities(chosen)[:100]
        ]

    return column_calendar(request, "评审结果公示", "publicity.ics", events)
