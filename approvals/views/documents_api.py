"""/api/v1/documents/: issued approval documents, read-only, with the round they close."""

from __future__ import annotations

from django.http import HttpRequest

from approvals.models import PUBLIC_DOCUMENT_STATUSES, ApprovalDocument
from approvals.models.documents import LISTING_ORDER
from approvals.models.pages import document_sources
from website import api


def public_documents():
    return (
        ApprovalDocument.objects.filter(status__in=PUBLIC_DOCUMENT_STATUSES)
        .select_related("authority", "supersedes")
        .order_by(*LISTING_ORDER)
    )


def document_data(document: ApprovalDocument, source: dict | None = None) -> dict:
    return {
        "id": document.pk,
        "number": document.number,
        "title": document.title,
        "authority": api.authority_ref(document.authority),
        "date": document.date.isoformat(),
        "year": document.year,
        "status": document.status,
        "url": document.get_absolute_url(),
        "pdf_url": document.pdf.url if document.pdf else None,
        "pdf_size": document.pdf_size,
        "pdf_sha256": document.pdf_sha256,
        "supersedes": document.supersedes.number if document.supersedes_id else None,
        "publicity": api.page_ref(source["publicity"] if source else None),
        "notice": api.page_ref(source["notice"] if source else None),
        "person_count": document.persons.count(),
    }


def sourced_document_data(document: ApprovalDocument) -> dict:
    """``document_data`` with the publicity and notice the document closes."""
    return document_data(document, document_sources([document]).get(document.pk))


@api.api_get
def document_list(request: HttpRequest):
    """?year=&authority=&series=&page="""
    documents = api.filter_listing(request, public_documents(), year_field="year")
    series = request.GET.get("series", "")
    if series.isdigit():
        from website.models import Series

        name = Series.objects.filter(pk=int(series)).values_list("name", flat=True).first()
        documents = documents.filter(persons__series=name or "").distinct()

    return api.json_response(api.paginated(request, documents, sourced_document_data))


@api.api_get
def document_detail(request: HttpRequest, pk: int):
    return api.detail(public_documents(), pk, "没有这个审批文件。", sourced_document_data)


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
    "publicity": api.PAGE_REF,
    "notice": api.PAGE_REF,
    "person_count": {"type": "integer"},
}


def api_schema() -> dict:
    return {
        "paths": {
            "/api/v1/documents/": api.list_operation(
                "任职资格审批文件列表",
                "listDocuments",
                [
                    api.YEAR_PARAMETER,
                    api.AUTHORITY_PARAMETER,
                    api.SERIES_PARAMETER,
                    api.PAGE_PARAMETER,
                ],
                "ApprovalDocumentList",
            ),
            "/api/v1/documents/{id}": api.detail_operation(
                "一份审批文件及其来源公示、评审通知", "getDocument", "ApprovalDocument"
            ),
        },
        "schemas": {
            "ApprovalDocument": api.object_schema(PROPERTIES, required=True),
            "ApprovalDocumentList": api.list_schema("ApprovalDocument"),
        },
    }
