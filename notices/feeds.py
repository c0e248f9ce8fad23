"""RSS 2.0 and Atom feeds of the latest live notices (?authority=slug&series=id)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from website.feeds import ColumnFeed

FEED_SIZE = 20


class NoticeRssFeed(ColumnFeed):
    column_title = "通知公告"
    description = "职称评审通知：时间安排、评审费、附件模板。"
    link = "/notices/"

    def column_items(self, obj):
        from .models import NoticePage, filter_scope

        notices = NoticePage.objects.live().public().select_related("authority")
        if obj.authority is not None:
            notices = notices.filter(authority=obj.authority)
        if obj.series is not None:
            notices = filter_scope(notices, str(obj.series.pk))
        return notices.order_by("-first_published_at")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        parts = [item.authority.name]
        if item.document_number:
            parts.append(item.document_number)
        if item.summary:
            parts.append(item.summary)
        return "\n".join(parts)

    def item_path(self, item):
        return item.url

    def item_pubdate(self, item):
        # The notice's own date. An undated notice has none to give: its first publication on
        # this site may be long after it was issued (imported later), so no date is claimed.
        if item.issue_date:
            return timezone.make_aware(dt.datetime.combine(item.issue_date, dt.time(9)))
        return None

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.authority.short_name

    def item_categories(self, item):
        return [f"{item.review_year}年度"]


class NoticeAtomFeed(NoticeRssFeed):
    feed_type = Atom1Feed
    subtitle = NoticeRssFeed.description
