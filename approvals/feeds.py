"""RSS/Atom feeds and a calendar of issued approval documents (?authority=slug&series=id)."""

from __future__ import annotations

from django.http import HttpResponse

from approvals.models import PUBLIC_DOCUMENT_STATUSES, ApprovalDocument
from approvals.models.documents import LISTING_ORDER
from notices.ics import CalendarEvent, column_calendar
from website.feeds import ColumnFeed, FeedFilter, at_hour, atom_of
from website.formatting import cn_date


def public_documents(chosen: FeedFilter):
    documents = ApprovalDocument.objects.filter(status__in=PUBLIC_DOCUMENT_STATUSES)
    return chosen.narrow(documents.select_related("authority"), "persons__series").order_by(
        *LISTING_ORDER
    )


class DocumentRssFeed(ColumnFeed):
    column_title = "任职资格审批文件"
    description = "已签发的任职资格审批文件（带电子签名的 PDF）。"
    link = "/approvals/"

    def column_items(self, obj):
        return public_documents(obj)

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


DocumentAtomFeed = atom_of(DocumentRssFeed)


def documents_calendar(request) -> HttpResponse:
    """/approvals/calendar.ics: each document on its date (成文日期)."""

    def events(chosen, host):
        return [
            CalendarEvent(
                uid=f"approval-document-{document.pk}@{host}",
                summary=f"印发：{document.number} {document.title}",
                start=document.date,
                description=document.authority.name,
                url=chosen.base + (document.get_absolute_url() or "/approvals/"),
            )
            for document in public_documents(chosen)[:100]
        ]

    return column_calendar(request, "任职资格审批文件", "approvals.ics", events)
