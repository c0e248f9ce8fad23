"""/api/v1/publicities/: publicities, read-only — period, counts; names only while running,
and never any character of an ID number."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest

from website import api
from website.people import LISTED_FIELDS

from .models import PublicityPage
from .outcomes import publicity_outcome

#: What an entry shows while the publicity runs (as on the page). No id_masked, no id_hash.
ENTRY_FIELDS = LISTED_FIELDS


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
        "authority": api.authority_ref(page.authority),
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
        notice=api.page_ref(notice),
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


@api.api_get
def publicity_list(request: HttpRequest):
    pages = api.filter_listing(request, public_publicities())
    return api.json_response(api.paginated(request, pages, publicity_summary), cache=False)


@api.api_get
def publicity_detail(request: HttpRequest, pk: int):
    # Never cached: the names must disappear the moment the period ends.
    return api.detail(
        public_publicities(),
        pk,
        "没有这个公示。",
        publicity_detail_data,
        shown=lambda page: page.has_started or page.live,
        cache=False,
    )


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
ENTRY = api.object_schema(
    {field: {"type": "string"} for field in ENTRY_FIELDS}, required=True, additionalProperties=False
)


def api_schema() -> dict:
    return {
        "paths": {
            "/api/v1/publicities/": api.list_operation(
                "评审结果公示列表",
                "listPublicities",
                [api.AUTHORITY_PARAMETER, api.PAGE_PARAMETER],
                "PublicityList",
            ),
            "/api/v1/publicities/{id}": api.detail_operation(
                "一次公示：公示期、人数；名单仅在公示期内提供，不含任何身份证号码字符",
                "getPublicity",
                "Publicity",
            ),
        },
        "schemas": {
            "PublicitySummary": api.object_schema(SUMMARY, required=True),
            "PublicityList": api.list_schema("PublicitySummary"),
            "Publicity": api.object_schema(
                {
                    **SUMMARY,
                    "objection_contact": {"type": "string"},
                    "notice": api.PAGE_REF,
                    "approved_count": {
                        "type": "integer",
                        "nullable": True,
                        "description": "公示期满后通过的人数（公示结束后提供）",
                    },
                    "entries": api.array_of(
                        ENTRY, nullable=True, description="公示名单，仅在公示期内提供"
                    ),
                    "documents": api.array_of(
                        api.object_schema({"title": {"type": "string"}, "url": {"type": "string"}})
                    ),
                },
                [*SUMMARY, "entries", "approved_count", "notice", "documents"],
            ),
        },
    }
