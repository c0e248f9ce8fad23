"""/api/v1/publicities/: publicities, read-only — period, counts; names only while running,
and never any character of an ID number."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest

from website.api import api_get, json_response, not_found, paginated

from .models import PublicityPage
from .outcomes import publicity_outcome

#: What an entry shows while the publicity runs (as on the page). No id_masked, no id_hash.
ENTRY_FIELDS = (
    "name",
    "gender",
    "unit",
    "series",
    "specialty",
    "level",
    "qualification",
    "review_type",
)


def public_publicities():
    return (
        PublicityPage.objects.filter(Q(live=True) | Q(expired=True))
        .select_related("authority", "notice")
        .order_by("-start_date", "-pk")
    )


def state(page: PublicityPage) -> str:
    if page.has_ended:
        return "ended"
    return "running" if page.has_started else "upcoming"


def publicity_summary(page: PublicityPage) -> dict:
    return {
        "id": page.pk,
        "title": page.title,
        "url": page.full_url,
        "authority": {"slug": page.authority.slug, "name": page.authority.name},
        "review_committee": page.review_committee,
        "start_date": page.start_date.isoformat(),
        "end_date": page.end_date.isoformat() if page.end_date else None,
        "working_days": page.working_days,
        "state": state(page),
        "listed_count": page.entries.count(),
    }


def publicity_detail_data(page: PublicityPage) -> dict:
    data = publicity_summary(page)
    running = data["state"] == "running"
    notice = page.notice if page.notice_id and page.notice.live else None
    data.update(
        objection_contact=page.objection_contact,
        notice={"id": notice.pk, "title": notice.title, "url": notice.full_url} if notice else None,
        # The names are public only while the publicity runs; afterwards only the count.
        approved_count=page.approved_entries().count() if data["state"] == "ended" else None,
        entries=[
            dict(zip(ENTRY_FIELDS, row, strict=True))
            for row in page.entries.order_by("sort_order", "pk").values_list(*ENTRY_FIELDS)
        ]
        if running
        else None,
        documents=[{"title": item.title, "url": item.url} for item in publicity_outcome(page)],
    )
    return data


@api_get
def publicity_list(request: HttpRequest):
    pages = public_publicities()
    authority = request.GET.get("authority", "").strip()
    if authority:
        pages = pages.filter(authority__slug=authority)
    return json_response(paginated(request, pages, publicity_summary), cache=False)


@api_get
def publicity_detail(request: HttpRequest, pk: int):
    page = public_publicities().filter(pk=pk).first()
    if page is None or not (page.has_started or page.live):
        return not_found("没有这个公示。")
    # Never cached: the names must disappear the moment the period ends.
    return json_response(publicity_detail_data(page), cache=False)


SUMMARY = {
    "id": {"type": "integer"},
    "title": {"type": "string"},
    "url": {"type": "string"},
    "authority": {"$ref": "#/components/schemas/AuthorityRef"},
    "review_committee": {"type": "string"},
    "start_date": {"type": "string", "format": "date"},
    "end_date": {"type": "string", "format": "date", "nullable": True},
    "working_days": {"type": "integer"},
    "state": {"type": "string", "enum": ["upcoming", "running", "ended"]},
    "listed_count": {"type": "integer"},
}
ENTRY = {
    "type": "object",
    "additionalProperties": False,
    "required": list(ENTRY_FIELDS),
    "properties": {field: {"type": "string"} for field in ENTRY_FIELDS},
}


def api_schema() -> dict:
    from website.api import (
        AUTHORITY_PARAMETER,
        PAGE_PARAMETER,
        detail_operation,
        json_ok,
        list_schema,
    )

    return {
        "paths": {
            "/api/v1/publicities/": {
                "get": {
                    "summary": "评审结果公示列表",
                    "operationId": "listPublicities",
                    "parameters": [AUTHORITY_PARAMETER, PAGE_PARAMETER],
                    "responses": {"200": json_ok("PublicityList")},
                }
            },
            "/api/v1/publicities/{id}": detail_operation(
                "一次公示：公示期、人数；名单仅在公示期内提供，不含任何身份证号码字符",
                "getPublicity",
                "Publicity",
            ),
        },
        "schemas": {
            "PublicitySummary": {
                "type": "object",
                "required": list(SUMMARY),
                "properties": SUMMARY,
            },
            "PublicityList": list_schema("PublicitySummary"),
            "Publicity": {
                "type": "object",
                "required": [*SUMMARY, "entries", "approved_count", "notice", "documents"],
                "properties": {
                    **SUMMARY,
                    "objection_contact": {"type": "string"},
                    "notice": {
                        "type": "object",
                        "nullable": True,
                        "properties": {
                            "id": {"type": "integer"},
                            "title": {"type": "string"},
                            "url": {"type": "string"},
                        },
                    },
                    "approved_count": {
                        "type": "integer",
                        "nullable": True,
                        "description": "公示期满后通过的人数（公示结束后提供）",
                    },
                    "entries": {
                        "type": "array",
                        "nullable": True,
                        "items": ENTRY,
                        "description": "公示名单，仅在公示期内提供",
                    },
                    "documents": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"title": {"type": "string"}, "url": {"type": "string"}},
                        },
                    },
                },
            },
        },
    }
