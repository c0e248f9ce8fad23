"""RSS 2.0 and Atom feeds of the latest live notices (?authority=slug&series=id)."""

from __future__ import annotations

from website.feeds import ColumnFeed, FeedFilter, at_hour, atom_of


def chosen_notices(chosen: FeedFilter):
    """Live public notices of the chosen authority and series (as a notice's scope says)."""
    from .models import NoticePage, filter_scope

    notices = chosen.narrow(NoticePage.objects.live().public().select_related("authority"))
    if chosen.series is not None:
        notices = filter_scope(notices, str(chosen.series.pk))
    return notices


class NoticeRssFeed(ColumnFeed):
    column_title = "通知公告"
    description = "职称评审通知：时间安排、评审费、附件模板。"
    link = "/notices/"

    def column_items(self, obj):
        return chosen_notices(obj).order_by("-first_published_at")

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
            return at_hour(item.issue_date, 9)
        return None

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [f"{item.review_year}年度"]


NoticeAtomFeed = atom_of(NoticeRssFeed)
