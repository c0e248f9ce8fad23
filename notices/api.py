"""/api/v1/notices/: the notices, read-only — phases, fees, contacts, attachments."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from website import api
from website.choices import Level

from .models import NoticePage, filter_scope


def public_notices():
    return (
        NoticePage.objects.live()
        .public()
        .select_related("authority")
        .prefetch_related("series")
        .order_by("-review_year", "-pk")
    )


def notice_summary(notice: NoticePage) -> dict:
    return {
        "id": notice.pk,
        "title": notice.title,
        "url": notice.full_url,
        "review_year": notice.review_year,
        "issue_date": notice.issue_date.isoformat() if notice.issue_date else None,
        "document_number": notice.document_number,
        "authority": api.authority_ref(notice.authority),
        "all_series": notice.all_series,
        "series": [{"id": s.pk, "name": s.name} for s in notice.series.all()],
        "levels": notice.level_list,
    }


def notice_detail_data(notice: NoticePage, today=None) -> dict:
    round_state = notice.round_state(today)
    data = notice_summary(notice)
    data.update(
        summary=notice.summary,
        round_over=round_state["over"],
        phases=[
            {
                "kind": item["phase"].kind,
                "label": item["phase"].display_label,
                "start_date": item["phase"].start_date.isoformat()
                if item["phase"].start_date
                else None,
                "end_date": item["phase"].end_date.isoformat() if item["phase"].end_date else None,
                "to_be_announced": item["phase"].to_be_announced,
                "note": item["phase"].note,
                "state": item["state"].status,
            }
            for item in notice.timeline(today)
        ],
        fees=[
            {"level": fee.level, "amount": fee.amount_display, "note": fee.note}
            for fee in notice.fees.all()
        ],
        contacts=[
            {
                "purpose": block.value.get("purpose", ""),
                "organisation": block.value.get("organisation", ""),
                "people": block.value.get("people", ""),
                "phones": list(block.value.get("phones") or []),
                "email": block.value.get("email", ""),
                "address": block.value.get("address", ""),
            }
            for block in notice.contacts
        ],
        attachments=[
            {
                "title": attachment.title,
                "url": attachment.template_page.full_url
                if attachment.template_page and attachment.template_page.live
                else None,
                "downloads": [
                    {"format": f["format"], "url": f["url"], "size": f["size"]}
                    for f in (
                        attachment.template_page.downloads()
                        if attachment.template_page and attachment.template_page.live
                        else []
                    )
                ],
            }
            for attachment in notice.attachments.select_related("template_page").all()
        ],
        round_items=[
            {"kind": item.kind, "title": item.title, "url": item.url, "date": item.date_text}
            for item in round_state["items"]
        ],
    )
    return data


@api.api_get
def notice_list(request: HttpRequest):
    """?year=&authority=&series=&level=&page= (series and level understand a notice's scope)."""
    notices = api.filter_listing(request, public_notices(), year_field="review_year")
    level = request.GET.get("level", "")
    if level and level not in Level.values:
        return api.json_response({"error": f"级别应为 {'、'.join(Level.values)} 之一。"}, 400)
    notices = filter_scope(notices, request.GET.get("series", ""), level)
    return api.json_response(api.paginated(request, notices, notice_summary))


@api.api_get
def notice_detail(request: HttpRequest, pk: int):
    today = timezone.localdate()
    return api.detail(
        public_notices(), pk, "没有这个通知。", lambda notice: notice_detail_data(notice, today)
    )


NOTICE_SUMMARY_PROPERTIES = {
    "id": {"type": "integer"},
    "title": {"type": "string"},
    "url": {"type": "string"},
    "review_year": {"type": "integer"},
    "issue_date": {"type": "string", "format": "date", "nullable": True},
    "document_number": {"type": "string"},
    "authority": {"$ref": "#/components/schemas/AuthorityRef"},
    "all_series": {"type": "boolean"},
    "series": api.array_of(
        api.object_schema({"id": {"type": "integer"}, "name": {"type": "string"}}, required=True)
    ),
    "levels": {"type": "array", "items": {"type": "string"}},
}
NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}
STRING = {"type": "string"}


def _strings(*names: str) -> dict:
    return dict.fromkeys(names, STRING)


NOTICE_PROPERTIES = {
    **NOTICE_SUMMARY_PROPERTIES,
    "summary": STRING,
    "round_over": {"type": "boolean"},
    "phases": api.array_of(
        api.object_schema(
            {
                **_strings("kind", "label"),
                "start_date": NULLABLE_DATE,
                "end_date": NULLABLE_DATE,
                "to_be_announced": {"type": "boolean"},
                "note": STRING,
                "state": {
                    "type": "string",
                    "enum": ["upcoming", "current", "past", "tba", "undated"],
                },
            },
            ["kind", "label", "start_date", "end_date", "state"],
        )
    ),
    "fees": api.array_of(
        api.object_schema(
            {"level": STRING, "amount": {"type": "string", "example": "300"}, "note": STRING},
            ["level", "amount"],
        )
    ),
    "contacts": api.array_of(
        api.object_schema(
            {
                **_strings("purpose", "organisation", "people"),
                "phones": api.array_of(STRING),
                **_strings("email", "address"),
            }
        )
    ),
    "attachments": api.array_of(
        api.object_schema(
            {
                "title": STRING,
                "url": {"type": "string", "nullable": True},
                "downloads": api.array_of(
                    api.object_schema(
                        {"format": STRING, "url": STRING, "size": {"type": "integer"}}
                    )
                ),
            },
            required=True,
        )
    ),
    "round_items": api.array_of(api.object_schema(_strings("kind", "title", "url", "date"))),
}


def api_schema() -> dict:
    level = api.query_parameter(
        "level", {"type": "string", "enum": list(Level.values)}, "级别（未写明级别的通知也会列出）"
    )
    return {
        "paths": {
            "/api/v1/notices/": api.list_operation(
                "评审通知列表",
                "listNotices",
                [
                    api.YEAR_PARAMETER,
                    api.AUTHORITY_PARAMETER,
                    api.SERIES_PARAMETER,
                    level,
                    api.PAGE_PARAMETER,
                ],
                "NoticeList",
            ),
            "/api/v1/notices/{id}": api.detail_operation(
                "一则评审通知：时间安排、评审费、联系方式、附件", "getNotice", "Notice"
            ),
        },
        "schemas": {
            "AuthorityRef": api.object_schema(
                {"slug": {"type": "string"}, "name": {"type": "string"}}, required=True
            ),
            "NoticeSummary": api.object_schema(NOTICE_SUMMARY_PROPERTIES, required=True),
            "NoticeList": api.list_schema("NoticeSummary"),
            "Notice": api.object_schema(
                NOTICE_PROPERTIES, [*NOTICE_SUMMARY_PROPERTIES, "phases", "fees", "contacts"]
            ),
        },
    }
