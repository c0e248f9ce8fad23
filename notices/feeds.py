"""RSS 2.0 and Atom feeds of the latest live notices."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

FEED_SIZE = 20


class NoticeRssFeed(Feed):
    title = "通知公告 - 职称公示与证书平台"
    description = "职称评审通知：时间安排、评审费、附件模板。"
    link = "/notices/"

    def items(self):
        from .models import NoticePage

        return (
            NoticePage.objects.live()
            .public()
            .select_related("authority")
            .order_by("-first_published_at")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        parts = [item.authority.name]
        if item.document_number:
            parts.append(item.document_number)
        if item.summary:
            parts.append(item.summary)
        return "\n".join(parts)

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        # Atom's <id> must be an IRI: the notice's permanent absolute address.
        return item.full_url

    item_guid_is_permalink = True

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
