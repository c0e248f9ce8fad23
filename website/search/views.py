"""The /search/ page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from .forms import SearchForm
from .site import (
    KINDS,
    clean_query,
    highlight,
    kind_label,
    page_text,
    search_pages,
    searchable_pages,
    suggestions,
)

RESULTS_PER_PAGE = 10


def available_years() -> list[int]:
    """Years offered by the 年度 filter: publication years of live pages, newest first."""
    dates = searchable_pages().dates("first_published_at", "year", order="DESC")
    years = {d.year for d in dates}
    for kind in KINDS:
        for model in kind.resolve():
            if hasattr(model, "review_year"):
                years.update(
                    y for y in model.objects.live().values_list("review_year", flat=True) if y
                )
    return sorted(years, reverse=True)


def search(request: HttpRequest) -> HttpResponse:
    raw_query = request.GET.get("q", "")
    query, truncated = clean_query(raw_query)
    form = SearchForm(request.GET, years=available_years())
    filters = form.filters()
    page_obj = None
    results = []
    found = []
    if query:
        paginator = Paginator(search_pages(query, **filters), RESULTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        pages = [page.specific for page in page_obj.object_list]
        results = [
            {
                "page": page,
                "title": highlight(page.title, query),
                "snippet": highlight(page_text(page), query, length=140, strip_html=True),
                "kind": kind_label(page),
                "date": page.first_published_at,
            }
            for page in pages
        ]
        if not page_obj.paginator.count:
            found = suggestions(query)
    params = {key: value for key, value in request.GET.items() if key != "page" and value}
    if "q" in params:
        params["q"] = query
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "search_query": query,
            "query_truncated": truncated,
            "results": results,
            "page_obj": page_obj,
            "suggestions": found,
            "querystring_base": urlencode(params) + "&" if params else "",
        },
    )
