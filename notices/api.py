"""/api/v1/notices/: the notices, read-only — phases, fees, contacts, attachments."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from website.api import api_get, json_response, not_found, paginated
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
        "authority": {"slug": notice.authority.slug, "name": notice.authority.name},
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


@api_get
def notice_list(request: HttpRequest):
    """?year=&authority=&series=&level=&page= (series and level understand a notice's scope)."""
    notices = public_notices()
    year = request.GET.get("year", "")
    if year.isdigit():
        notices = notices.filter(review_year=int(year))
    authority = request.GET.get("authority", "").strip()
    if authority:
        notices = notices.filter(authority__slug=authority)
    level = request.GET.get("level", "")
    if level and level not in Level.values:
        return json_response({"error": f"级别应为 {'、'.join(Level.values)} 之一。"}, 400)
    notices = filter_scope(notices, request.GET.get("series", ""), level)
    return json_response(paginated(request, notices, notice_summary))


@api_get
def notice_detail(request: HttpRequest, pk: int):
    notice = public_notices().filter(pk=pk).first()
    if notice is None:
        return not_found("没有这个通知。")
    return json_response(notice_detail_data(notice, timezone.localdate()))


NOTICE_SUMMARY_PROPERTIES = {
    "id": {"type": "integer"},
    "title": {"type": "string"},
    "url": {"type": "string"},
    "review_year": {"type": "integer"},
    "issue_date": {"type": "string", "format": "date", "nullable": True},
    "document_number": {"type": "string"},
    "authority": {"$ref": "#/components/schemas/AuthorityRef"},
    "all_series": {"type": "boolean"},
    "series": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        },
    },
    "levels": {"type": "array", "items": {"type": "string"}},
}
NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}


def api_schema() -> dict:
    from website.api import (
        AUTHORITY_PARAMETER,
        PAGE_PARAMETER,
        SERIES_PARAMETER,
        YEAR_PARAMETER,
        detail_operation,
        json_ok,
        list_schema,
    )

    level = {
        "name": "level",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": list(Level.values)},
        "description": "级别（未写明级别的通知也会列出）",
    }
    return {
        "paths": {
            "/api/v1/notices/": {
                "get": {
                    "summary": "评审通知列表",
                    "operationId": "listNotices",
                    "parameters": [
                        YEAR_PARAMETER,
                        AUTHORITY_PARAMETER,
                        SERIES_PARAMETER,
                        level,
                        PAGE_PARAMETER,
                    ],
                    "responses": {"200": json_ok("NoticeList")},
                }
            },
            "/api/v1/notices/{id}": detail_operation(
                "一则评审通知：时间安排、评审费、联系方式、附件", "getNotice", "Notice"
            ),
        },
        "schemas": {
            "AuthorityRef": {
                "type": "object",
                "required": ["slug", "name"],
                "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
            },
            "NoticeSummary": {
                "type": "object",
                "required": list(NOTICE_SUMMARY_PROPERTIES),
                "properties": NOTICE_SUMMARY_PROPERTIES,
            },
            "NoticeList": list_schema("NoticeSummary"),
            "Notice": {
                "type": "object",
                "required": [*NOTICE_SUMMARY_PROPERTIES, "phases", "fees", "contacts"],
                "properties": {
                    **NOTICE_SUMMARY_PROPERTIES,
                    "summary": {"type": "string"},
                    "round_over": {"type": "boolean"},
                    "phases": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["kind", "label", "start_date", "end_date", "state"],
                            "properties": {
                                "kind": {"type": "string"},
                                "label": {"type": "string"},
                                "start_date": NULLABLE_DATE,
                                "end_date": NULLABLE_DATE,
                                "to_be_announced": {"type": "boolean"},
                                "note": {"type": "string"},
                                "state": {
                                    "type": "string",
                                    "enum": ["upcoming", "current", "past", "tba", "undated"],
                                },
                            },
                        },
                    },
                    "fees": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["level", "amount"],
                            "properties": {
                                "level": {"type": "string"},
                                "amount": {"type": "string", "example": "300"},
                                "note": {"type": "string"},
                            },
                        },
                    },
                    "contacts": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "purpose": {"type": "string"},
                                "organisation": {"type": "string"},
                                "people": {"type": "string"},
                                "phones": {"type": "array", "items": {"type": "string"}},
                                "email": {"type": "string"},
                                "address": {"type": "string"},
                            },
                        },
                    },
                    "attachments": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["title", "url", "downloads"],
                            "properties": {
                                "title": {"type": "string"},
                                "url": {"type": "string", "nullable": True},
                                "downloads": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "format": {"type": "string"},
                                            "url": {"type": "string"},
                                            "size": {"type": "integer"},
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "round_items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "kind": {"type": "string"},
                                "title": {"type": "string"},
                                "url": {"type": "string"},
                                "date": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
    }
