"""The /search/ page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from wagtail.models import Page

from pagecache import kept_until_content_changes
from website.formatting import cn_date

from .forms import SearchForm
from .kinds import SearchKind, site_kinds
from .site import (
    ChainedResults,
    authority_choices,
    clean_query,
    document_kinds,
    document_years,
    highlight,
    kind_label,
    page_text,
    publication_years,
    search_documents,
    search_pages,
    searchable_pages,
    suggestions,
)

RESULTS_PER_PAGE = 10
#: Objects other than pages (approval documents) shown beside the page results when no 类型 is
#: chosen.
DOCUMENT_BLOCK_SIZE = 3


def available_years(kinds: list[SearchKind]) -> list[int]:
    """Years offered by the 年度 filter: publication years of live pages, the years the kinds'
    pages declare (review years) and the years of their public documents, newest first.

    Whole-table queries that only a content change alters: `site_filters` keeps them.
    """
    years = publication_years(searchable_pages())
    for kind in kinds:
        if kind.year_field:
            for model in kind.models:
                years.update(
                    y
                    for y in model.objects.live()
                    .order_by()
                    .values_list(kind.year_field, flat=True)
                    .distinct()
                    if y
                )
        if kind.documents is not None:
            years.update(document_years(kind))
    return sorted(years, reverse=True)


def site_filters(kinds: list[SearchKind]) -> tuple[list[int], list[tuple[int, str]]]:
    """The 年度 and 发文机关 choices of the form, the same for every query: kept in the
    process until the site's content changes (``pagecache.kept_until_content_changes``), as
    the cached search pages themselves are."""
    names = ",".join(kind.value for kind in kinds)
    return kept_until_content_changes(
        f"search:filters:{names}", lambda: (available_years(kinds), authority_choices(kinds))
    )


def page_result(page: Page, query: str, kinds: list[SearchKind]) -> dict:
    kind = next((k for k in kinds if isinstance(page, k.models)), None)
    own = kind.date(page) if kind is not None and kind.date is not None else None
    if own is None and page.first_published_at:
        own = f"发布于 {cn_date(page.first_published_at)}"
    text = kind.text(page) if kind is not None and kind.text is not None else page_text(page)
    return {
        "page": page,
        "document": None,
        "title": highlight(page.title, query),
        "snippet": highlight(text, query, length=140, strip_html=True),
        "kind": kind_label(page, kinds),
        "date_text": own,
    }


def document_result(document, query: str, kind: SearchKind) -> dict:
    source = kind.documents
    return {
        "document": document,
        "kind": kind.label,
        "template": source.template,
        "title": highlight(document.title, query),
        "number": highlight(getattr(document, "number", "") or "", query),
        "snippet": highlight(source.text(document), query, length=140),
        "url": document.get_absolute_url() if hasattr(document, "get_absolute_url") else None,
        "superseded": source.superseded(document),
    }


def search(request: HttpRequest) -> HttpResponse:
    raw_query = request.GET.get("q", "")
    query, truncated = clean_query(raw_query)
    kinds = site_kinds()
    years, authorities = site_filters(kinds)
    form = SearchForm(request.GET, years=years, authorities=authorities, kinds=kinds)
    filters = form.filters()
    chosen = filters["kinds"]
    year, authority_id = filters["year"], filters["authority_id"]
    page_obj = None
    results = []
    found = []
    blocks = []
    params = {key: value for key, value in request.GET.items() if key != "page" and value}
    if "q" in params:
        params["q"] = query
    if query:
        pages = search_pages(query, **filters)
        with_documents = document_kinds(chosen)
        if chosen and with_documents:
            # One 类型 with documents (审批文件): the documents themselves, then the column's
            # page, in one list.
            kind = with_documents[0]
            listing = ChainedResults(search_documents(kind, query, year, authority_id), pages)
        else:
            kind = None
            listing = pages
            for block_kind in with_documents:
                docs = search_documents(block_kind, query, year, authority_id)
                count = docs.count()
                if not count:
                    continue
                blocks.append(
                    {
                        "kind": block_kind,
                        "count": count,
                        "results": [
                            document_result(document, query, block_kind)
                            for document in docs[:DOCUMENT_BLOCK_SIZE]
                        ],
                        "all_url": "?" + urlencode({**params, "type": block_kind.value}),
                    }
                )
        paginator = Paginator(listing, RESULTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        items = list(page_obj.object_list)
        for page_kind in kinds:
            of_kind = [item for item in items if isinstance(item, page_kind.models)]
            if page_kind.prepare is not None and of_kind:
                page_kind.prepare(of_kind)
        results = [
            page_result(item, query, kinds)
            if isinstance(item, Page)
            else document_result(item, query, kind)
            for item in items
        ]
    document_count = sum(block["count"] for block in blocks)
    if query and not page_obj.paginator.count and not document_count:
        found = suggestions(query)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            # The filters as sent, for the selected options (a missing key is not looked up
            # on the QueryDict, whose failed lookups are slow in templates).
            "chosen": {key: request.GET.get(key, "") for key in ("type", "year", "authority")},
            "search_query": query,
            "query_truncated": truncated,
            "results": results,
            "page_obj": page_obj,
            "total_count": (page_obj.paginator.count if page_obj else 0) + document_count,
            "document_blocks": blocks,
            "suggestions": found,
            "querystring_base": urlencode(params) + "&" if params else "",
        },
    )
