"""The /search/ page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from wagtail.models import Page

from .forms import SearchForm
from .site import (
    DOCUMENT_KIND,
    KINDS,
    ChainedResults,
    approvals_index_page,
    clean_query,
    document_text,
    document_url,
    highlight,
    kind_label,
    page_text,
    search_documents,
    search_pages,
    searchable_documents,
    searchable_pages,
    suggestions,
    wants_documents,
)

RESULTS_PER_PAGE = 10
#: Approval documents shown beside the page results when no 类型 is chosen.
DOCUMENT_BLOCK_SIZE = 3


def available_years() -> list[int]:
    """Years offered by the 年度 filter: publication years of live pages, review years and the
    years of public approval documents, newest first."""
    dates = searchable_pages().dates("first_published_at", "year", order="DESC")
    years = {d.year for d in dates}
    for kind in KINDS:
        for model in kind.resolve():
            if hasattr(model, "review_year"):
                years.update(
                    y for y in model.objects.live().values_list("review_year", flat=True) if y
                )
    if wants_documents(None):
        years.update(y for y in searchable_documents().values_list("year", flat=True) if y)
    return sorted(years, reverse=True)


def page_result(page: Page, query: str) -> dict:
    return {
        "page": page,
        "title": highlight(page.title, query),
        "snippet": highlight(page_text(page), query, length=140, strip_html=True),
        "kind": kind_label(page),
        "date": page.first_published_at,
    }


def document_result(document, query: str, index_page) -> dict:
    return {
        "document": document,
        "title": highlight(document.title, query),
        "number": highlight(document.number, query),
        "snippet": highlight(document_text(document), query, length=140),
        "url": document_url(document, index_page),
        "superseded": document.status == "superseded",
    }


def search(request: HttpRequest) -> HttpResponse:
    raw_query = request.GET.get("q", "")
    query, truncated = clean_query(raw_query)
    form = SearchForm(request.GET, years=available_years())
    filters = form.filters()
    kinds = filters["kinds"]
    page_obj = None
    results = []
    found = []
    documents = []
    document_count = 0
    if query:
        pages = search_pages(query, **filters)
        index_page = approvals_index_page() if wants_documents(kinds) else None
        if kinds == [DOCUMENT_KIND] and wants_documents(kinds):
            # 类型 审批文件: the documents themselves, then the column's page, in one list.
            docs = search_documents(query, filters["year"], filters["authority_id"])
            listing = ChainedResults(docs, pages)
        else:
            listing = pages
            if wants_documents(kinds):
                docs = search_documents(query, filters["year"], filters["authority_id"])
                document_count = docs.count()
                documents = [
                    document_result(document, query, index_page)
                    for document in docs[:DOCUMENT_BLOCK_SIZE]
                ]
        paginator = Paginator(listing, RESULTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        results = [
            page_result(item.specific, query)
            if isinstance(item, Page)
            else document_result(item, query, index_page)
            for item in page_obj.object_list
        ]
        if not page_obj.paginator.count and not document_count:
            found = suggestions(query)
    params = {key: value for key, value in request.GET.items() if key != "page" and value}
    if "q" in params:
        params["q"] = query
    all_documents = {**params, "type": DOCUMENT_KIND}
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "search_query": query,
            "query_truncated": truncated,
            "results": results,
            "page_obj": page_obj,
            "total_count": (page_obj.paginator.count if page_obj else 0) + document_count,
            "documents": documents,
            "document_count": document_count,
            "all_documents_url": "?" + urlencode(all_documents),
            "suggestions": found,
            "querystring_base": urlencode(params) + "&" if params else "",
        },
    )
