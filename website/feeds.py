"""What the columns' RSS/Atom feeds share: filters by authority and series from the address.

``/notices/feed/rss/?authority=toutunhe&series=2``: an unknown authority or series is a 404
(a subscriber's typo should not silently become "everything").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

FEED_SIZE = 20


@dataclass(frozen=True)
class FeedFilter:
    authority: object | None = None
    series: object | None = None
    #: The site's root URL (from the Wagtail Site), for absolute entry IDs.
    base: str = ""

    def narrow(self, items, series_lookup: str | None = None):
        """``items`` of the chosen authority and, given ``series_lookup`` (the path to a
        person's series name), with someone of the chosen series."""
        if self.authority is not None:
            items = items.filter(authority=self.authority)
        if self.series is not None and series_lookup:
            items = items.filter(**{series_lookup: self.series.name}).distinct()
        return items

    def label(self) -> str:
        parts = []
        if self.authority is not None:
            parts.append(self.authority.short_name or self.authority.name)
        if self.series is not None:
            parts.append(self.series.name)
        return "（" + "，".join(parts) + "）" if parts else ""


def feed_filter(request) -> FeedFilter:
    from website.models import Authority, Series

    authority = series = None
    slug = request.GET.get("authority", "").strip()
    if slug:
        authority = Authority.objects.filter(slug=slug).first()
        if authority is None:
            raise Http404("没有这个发文机关。")
    series_id = request.GET.get("series", "").strip()
    if series_id:
        if not series_id.isdigit():
            raise Http404("系列编号应为数字。")
        series = Series.objects.filter(pk=int(series_id)).first()
        if series is None:
            raise Http404("没有这个系列。")
    from website.meta import site_base_url

    return FeedFilter(authority, series, site_base_url(request))


def at_hour(day: datetime.date, hour: int) -> datetime.datetime:
    """``day`` at ``hour`` o'clock, site time: an item's date as a feed's publication time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class ColumnFeed(Feed):
    """A column's feed: subclasses give ``column_items(filter)`` (newest first; the feed shows
    the first ``FEED_SIZE``) and ``item_path(item)``; an item's author is its authority."""

    column_title = ""

    def get_object(self, request, *args, **kwargs):
        return feed_filter(request)

    def title(self, obj: FeedFilter) -> str:
        return f"{self.column_title}{obj.label()} - 职称公示与证书平台"

    def items(self, obj: FeedFilter):
        items = list(self.column_items(obj)[:FEED_SIZE])
        for item in items:
            item.feed_base = obj.base  # absolute addresses without shared state on the feed
        return items

    def column_items(self, obj: FeedFilter):
        raise NotImplementedError

    def item_path(self, item) -> str:
        raise NotImplementedError

    def item_link(self, item):
        path = self.item_path(item)
        return path if path.startswith(("http://", "https://")) else item.feed_base + path

    def item_guid(self, item):
        # Atom's <id> must be an IRI: the item's permanent absolute address.
        return self.item_link(item)

    item_guid_is_permalink = True

    def item_author_name(self, item):
        return item.authority.short_name


def atom_of(rss: type[ColumnFeed]) -> type[ColumnFeed]:
    """The Atom twin of an RSS column feed: the same items, the description as its subtitle."""
    name = rss.__name__.replace("Rss", "Atom")
    return type(name, (rss,), {"feed_type": Atom1Feed, "subtitle": rss.description})
