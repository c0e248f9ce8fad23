"""RSS/Atom feeds and a calendar of publicities (?authority=slug&series=id).

An ended publicity stays in the feed: its address is its public record (no names)."""

from __future__ import annotations

from django.db.models import Q

from notices.ics import CalendarEvent, calendar_of
from website.feeds import ColumnFeed, at_hour, atom_of


class PublicityRssFeed(ColumnFeed):
    column_title = "评审结果公示"
    description = "职称评审结果公示：公示时间、评审委员会、异议受理方式。"
    link = "/publicity/"

    def column_items(self, obj):
        # Publicities a visitor can open: running, or ended with their record page.
        from .models import PublicityPage

        pages = PublicityPage.objects.filter(Q(live=True) | Q(expired=True))
        return obj.narrow(pages.select_related("authority"), "entries__series").order_by(
            "-start_date", "-pk"
        )

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

    def item_event(self, item, base, host):
        """The publicity in /publicity/calendar.ics: its period as an all-day event."""
        return CalendarEvent(
            uid=f"publicity-{item.pk}@{host}",
            summary=f"公示：{item.title}",
            start=item.start_date,
            end=item.end_date,
            description=f"{item.review_committee}\n{item.period_label}",
            url=base + self.item_path(item),
        )


PublicityAtomFeed = atom_of(PublicityRssFeed)
publicity_calendar = calendar_of(PublicityRssFeed, "publicity.ics")
