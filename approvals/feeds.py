"""RSS/Atom feeds and a calendar of issued approval documents (?authority=slug&series=id)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import content_disposition_header

from approvals.models import PUBLIC_DOCUMENT_STATUSES, ApprovalDocument
from approvals.models.documents import LISTING_ORDER
from notices.ics import CalendarEvent, build_calendar
from website.feeds import ColumnFeed, FeedFilter, feed_filter
from website.formatting import cn_date

FEED_SIZE = 20


def public_documents(chosen: FeedFilter):
    documents = ApprovalDocument.objects.filter(status__in=PUBLIC_DOCUMENT_STATUSES).select_related(
        "authority"
    )
    if chosen.authority is not None:
        documents = documents.filter(authority=chosen.authority)
    if chosen.series is not None:
        documents = documents.filter(persons__series=chosen.series.name).distinct()
    return documents.order_by(*LISTING_ORDER)


class DocumentRssFeed(ColumnFeed):
    column_title = "任职资格审批文件"
    description = "已签发的任职资格审批文件（带电子签名的 PDF）。"
    link = "/approvals/"

    def column_items(self, obj):
        return public_documents(obj)[:FEED_SIZE]

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
        return timezone.make_aware(dt.datetime.combine(item.date, dt.time(9)))

    def item_author_name(self, item):
        return item.authority.short_name


class DocumentAtomFeed(DocumentRssFeed):
    feed_type = Atom1Feed
    subtitle = DocumentRssFeed.description


def documents_calendar(request) -> HttpResponse:
    """/approvals/calendar.ics: each document on its date (成文日期)."""
    chosen = feed_filter(request)
    host = request.get_host().split(":")[0]
    events = [
        CalendarEvent(
            uid=f"approval-document-{document.pk}@{host}",
            summary=f"印发：{document.number} {document.title}",
            start=document.date,
            end=document.date,
            description=document.authority.name,
            url=chosen.base + (document.get_absolute_url() or "/approvals/"),
        )
        for document in public_documents(chosen)[:100]
    ]
    body = build_calendar(f"任职资格审批文件{chosen.label()}", events, timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "approvals.ics")
    return response
