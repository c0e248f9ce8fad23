"""RSS/Atom feeds and a calendar of issued approval documents (?authority=slug&series=id)."""

from __future__ import annotations

from approvals.models import ApprovalDocument
from approvals.models.documents import LISTING_ORDER
from notices.ics import CalendarEvent, calendar_of
from website.feeds import ColumnFeed, at_hour, atom_of
from website.formatting import cn_date


class DocumentRssFeed(ColumnFeed):
    column_title = "任职资格审批文件"
    description = "已签发的任职资格审批文件（带电子签名的 PDF）。"
    link = "/approvals/"

    def column_items(self, obj):
        documents = ApprovalDocument.objects.public().select_related("authority")
        return obj.narrow(documents, "persons__series").order_by(*LISTING_ORDER)

    def item_title(self, item):
        return f"{item.number} {item.title}"

    def item_description(self, item):
        text = f"{item.authority.name}，成文日期 {cn_date(item.date)}"
        if item.status == "superseded":
            text += "（已被新的文件替代）"
        return text

    def item_path(self, item):
        return item.get_absolute_url() or "/approvals/"

    def item_guid(self, item):
        # The listing address moves as documents are added: the number identifies a document.
        return f"{item.feed_base}/api/v1/documents/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return at_hour(item.date, 9)

    def item_event(self, item, base, host):
        """The document in /approvals/calendar.ics: on its date (成文日期)."""
        return CalendarEvent(
            uid=f"approval-document-{item.pk}@{host}",
            summary=f"印发：{item.number} {item.title}",
            start=item.date,
            description=item.authority.name,
            url=base + self.item_path(item),
        )


DocumentAtomFeed = atom_of(DocumentRssFeed)
documents_calendar = calendar_of(DocumentRssFeed, "approvals.ics")
