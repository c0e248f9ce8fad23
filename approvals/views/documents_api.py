"""/api/v1/documents/: issued approval documents, read-only, with the round they close."""

from __future__ import annotations

from django.http import HttpRequest

from approvals.models import PUBLIC_DOCUMENT_STATUSES, ApprovalDocument
from approvals.models.documents import LISTING_ORDER
from approvals.models.pages import document_sources
from website.api import api_get, json_response, not_found, paginated


def public_documents():
    return (
        ApprovalDocument.objects.filter(status__in=PUBLIC_DOCUMENT_STATUSES)
        .select_related("authority", "supersedes")
        .order_by(*LISTING_ORDER)
    )


def document_data(document: ApprovalDocument, source: dict | None = None) -> dict:
    publicity = source["publicity"] if source else None
    notice = source["notice"] if source else None
    return {
        "id": document.pk,
        "number": document.number,
        "title": document.title,
        "authority": {"slug": document.authority.slug, "name": document.authority.name},
        "date": document.date.isoformat(),
        "year": document.year,
        "status": document.status,
        "url": document.get_absolute_url(),
        "pdf_url": document.pdf.url if document.pdf else None,
        "pdf_size": document.pdf_size,
        "pdf_sha256": document.pdf_sha256,
        "supersedes": document.supersedes.number if document.supersedes_id else None,
        "publicity": {"id": publicity.pk, "title": publicity.title, "url": publicity.full_url}
        if publicity
        else None,
        "notice": {"id": notice.pk, "title": notice.title, "url": notice.full_url}
        if notice
        else None,
        "person_count": document.persons.count(),
    }


@api_get
def document_list(request: HttpRequest):
    """?year=&authority=&series=&page="""
    documents = public_documents()
    year = request.GET.get("year", "")
    if year.isdigit():
        documents = documents.filter(year=int(year))
    authority = request.GET.get("authority", "").strip()
    if authority:
        documents = documents.filter(authority__slug=authority)
    series = request.GET.get("series", "")
    if series.isdigit():
        from website.models import Series

        name = Series.objects.filter(pk=int(series)).values_list("name", flat=True).first()
        documents = documents.filter(persons__series=name or "").distinct()

    def serialise(document):
        return document_data(document, document_sources([document]).get(document.pk))

    return json_response(paginated(request, documents, serialise))


@api_get
def document_detail(request: HttpRequest, pk: int):
    document = public_documents().filter(pk=pk).first()
    if document is None:
        return not_found("没有这个审批文件。")
    return json_response(document_data(document, document_sources([document]).get(document.pk)))


REF = {
    "type": "object",
    "nullable": True,
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": "string"},
    },
}
PROPERTIES = {
    "id": {"type": "integer"},
    "number": {"type": "string"},
    "title": {"type": "string"},
    "authority": {"$ref": "#/components/schemas/AuthorityRef"},
    "date": {"type": "string", "format": "date"},
    "year": {"type": "integer", "nullable": True},
    "status": {"type": "string", "enum": ["issued", "superseded"]},
    "url": {"type": "string", "nullable": True},
    "pdf_url": {"type": "string", "nullable": True},
    "pdf_size": {"type": "integer", "nullable": True},
    "pdf_sha256": {"type": "string"},
    "supersedes": {"type": "string", "nullable": True},
    "publicity": REF,
    "notice": REF,
    "person_count": {"type": "integer"},
}


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

    return {
        "paths": {
            "/api/v1/documents/": {
                "get": {
                    "summary": "任职资格审批文件列表",
                    "operationId": "listDocuments",
                    "parameters": [
                        YEAR_PARAMETER,
                        AUTHORITY_PARAMETER,
                        SERIES_PARAMETER,
                        PAGE_PARAMETER,
                    ],
                    "responses": {"200": json_ok("ApprovalDocumentList")},
                }
            },
            "/api/v1/documents/{id}": detail_operation(
                "一份审批文件及其来源公示、评审通知", "getDocument", "ApprovalDocument"
            ),
        },
        "schemas": {
            "ApprovalDocument": {
                "type": "object",
                "required": list(PROPERTIES),
                "properties": PROPERTIES,
            },
            "ApprovalDocumentList": list_schema("ApprovalDocument"),
        },
    }
