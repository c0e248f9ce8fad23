"""The public site search: which pages a query finds, filtered by kind, year and authority.

What the kinds are, and which fields hold their year and authority, the apps declare (see
``search.kinds``).

Plain functions, testable without a request; ``views.search`` only parses the form and renders.
"""

from __future__ import annotations

import difflib
import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from modelsearch.index import SearchField
from wagtail.models import Page, PageViewRestriction

from pagecache import kept_until_content_changes
from whoosh_jieba.analyzer import query_words

from .kinds import SearchKind, kinds_by_value, page_models, site_kinds

#: Longer queries are cut to this many characters: nobody types more, and it bounds the work.
MAX_QUERY_LENGTH = 100


def _chosen(kinds: list[str] | None) -> list[SearchKind]:
    """The registered kinds a search with these 类型 values covers (all when none is chosen)."""
    if not kinds:
        return site_kinds()
    by_value = kinds_by_value()
    return [by_value[value] for value in kinds if value in by_value]


def clean_query(raw: str | None) -> tuple[str, bool]:
    """The query as searched (blanks collapsed, at most MAX_QUERY_LENGTH characters) and
    whether it was cut."""
    query = " ".join((raw or "").split())
    if len(query) > MAX_QUERY_LENGTH:
        return query[:MAX_QUERY_LENGTH].rstrip(), True
    return query, False


def hidden_pages() -> tuple[list[tuple[str, int]], list[int]]:
    """What live pages search must not show: the private sections (path and depth of each page
    with a view restriction: it and its subtree) and the pages whose expiry has passed (an ended
    publicity leaves search at once, even before the scheduler unpublishes it).

    Kept until the content changes (a restriction added or removed purges everything) or the
    next scheduled expiry, whichever comes first: no query on each search.
    """
    private_sections = list(
        PageViewRestriction.objects.order_by().values_list("page__path", "page__depth")
    )
    expired = list(
        Page.objects.live()
        .filter(expire_at__lte=timezone.now())
        .order_by()
        .values_list("pk", flat=True)
    )
    return private_sections, expired


def searchable_pages(kinds: list[str] | None = None, year: int | None = None, authority_id=None):
    """Live, public pages (not the tree root) narrowed to the chosen kinds, year and authority.

    Year: a page type whose kind names a year field (NoticePage.review_year) is filtered on it,
    every other page on the year it was first published. Authority: only page types whose kind
    names an authority field can match. Both go through ``pk__in`` on ``Page`` so one search
    covers every page type.
    """
    private_sections, expired = kept_until_content_changes("search:hidden_pages", hidden_pages)
    pages = Page.objects.live().filter(depth__gt=1)
    if private_sections:
        # What PageQuerySet.public() excludes, without its query of the restrictions.
        private = Q()
        for path, depth in private_sections:
            private |= Q(path__startswith=path, depth__gte=depth)
        pages = pages.exclude(private)
    if expired:
        pages = pages.exclude(pk__in=expired)
    chosen = _chosen(kinds)
    if kinds:
        models = page_models(chosen)
        if not models:
            return pages.none()
        pages = pages.type(*models)
    if year is not None:
        year_models = [(m, k.year_field) for k in chosen if k.year_field for m in k.models]
        condition = Q(first_published_at__year=year)
        if year_models:
            cts = [ContentType.objects.get_for_model(m).pk for m, _f in year_models]
            pks = set()
            for model, field in year_models:
                pks.update(model.objects.filter(**{field: year}).values_list("pk", flat=True))
            condition = (~Q(content_type__in=cts) & condition) | Q(pk__in=sorted(pks))
        pages = pages.filter(condition)
    if authority_id is not None:
        pks = set()
        for kind in chosen:
            if kind.authority_field:
                for model in kind.models:
                    pks.update(
                        model.objects.filter(
                            **{f"{kind.authority_field}_id": authority_id}
                        ).values_list("pk", flat=True)
                    )
        pages = pages.filter(pk__in=sorted(pks))
    return pages


def publication_years(pages) -> set[int]:
    """The years (local time) in which any of ``pages`` was first published.

    Not ``pages.dates(..., "year")``: SQLite truncates each row's date in Python, 10,000 calls
    on every search page. The first and last dates (an index) bound the years, and one
    ``exists()`` per year in between (a handful) says which of them have a page.
    """
    bounds = pages.aggregate(first=Min("first_published_at"), last=Max("first_published_at"))
    if bounds["first"] is None:
        return set()
    first = timezone.localtime(bounds["first"]).year
    last = timezone.localtime(bounds["last"]).year
    if first == last:
        return {first}
    return {
        year
        for year in range(first, last + 1)
        if year in (first, last) or pages.filter(first_published_at__year=year).exists()
    }


def search_pages(query: str, kinds=None, year=None, authority_id=None):
    """Search results (lazy, sliceable, countable) for the public search page: the specific
    pages (a NoticePage, a TemplatePage…), loaded one query per page type."""
    return searchable_pages(kinds, year, authority_id).specific().search(query, operator="and")


#: What a new server process searches once before its first visitor (see ``warm_up``).
WARM_UP_QUERY = "职称评审"


def warm_up() -> None:
    """Answer one query of the search page (pages and every kind's documents) so that the
    index is open and what scoring reads from it for the fields every query searches is
    decoded before the first visitor's search (gunicorn's ``post_worker_init``)."""
    from modelsearch.backends import get_search_backend

    search_pages(WARM_UP_QUERY).count()
    for kind in document_kinds(None):
        search_documents(kind, WARM_UP_QUERY).count()
    backend = get_search_backend()
    if hasattr(backend, "complete_warm_up"):
        backend.complete_warm_up()


def suggestions(query: str, limit: int = 5) -> list[Page]:
    """Pages to offer when a query finds nothing: those matching any of its words, else the
    titles closest to it."""
    if not query_words(query):
        return []
    pages = searchable_pages()
    found = list(pages.search(query, operator="or")[:limit])
    if found:
        return found
    titles = dict(pages.order_by("-first_published_at").values_list("title", "pk")[:2000])
    close = difflib.get_close_matches(query, list(titles), n=limit, cutoff=0.3)
    by_pk = Page.objects.in_bulk([titles[title] for title in close])
    return [by_pk[titles[title]] for title in close if titles[title] in by_pk]


# Objects other than pages (the approval documents) come from a kind's DocumentSource: they are
# searched beside the pages and shown as results of their own, linked to get_absolute_url().


def document_kinds(kinds: list[str] | None) -> list[SearchKind]:
    """The kinds with objects other than pages that a search with these 类型 covers."""
    return [kind for kind in _chosen(kinds) if kind.documents is not None]


def searchable_documents(kind: SearchKind, year: int | None = None, authority_id=None):
    """The kind's public objects, narrowed to a year and an authority (where it has those
    fields; a filter on a field it lacks leaves nothing)."""
    source = kind.documents
    documents = source.queryset()
    if year is not None:
        if not source.year_field:
            return documents.none()
        documents = documents.filter(**{source.year_field: year})
    if authority_id is not None:
        if not source.authority_field:
            return documents.none()
        documents = documents.filter(**{f"{source.authority_field}_id": authority_id})
    return documents


def search_documents(kind: SearchKind, query: str, year=None, authority_id=None):
    """Search results over the kind's public objects (lazy, sliceable, countable)."""
    from modelsearch.backends import get_search_backend

    # A model's plain manager has no .search(); the backend takes any queryset.
    documents = searchable_documents(kind, year, authority_id)
    return get_search_backend().search(query, documents, operator="and")


def document_years(kind: SearchKind) -> set[int]:
    """The years of the kind's public objects (for the 年度 filter)."""
    field = kind.documents.year_field
    if not field:
        return set()
    return {y for y in searchable_documents(kind).values_list(field, flat=True) if y}


class ChainedResults:
    """Result sets one after the other, as one list for a Paginator: each set is counted
    once and a slice takes from each only what falls inside it."""

    def __init__(self, *parts):
        self.parts = parts
        self._sizes: list[int] | None = None

    def sizes(self) -> list[int]:
        if self._sizes is None:
            self._sizes = [part.count() for part in self.parts]
        return self._sizes

    def count(self) -> int:
        return sum(self.sizes())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list:
        start = key.start or 0
        items, offset = [], 0
        for part, size in zip(self.parts, self.sizes(), strict=True):
            low = max(start - offset, 0)
            high = size if key.stop is None else min(key.stop - offset, size)
            if low < high:
                items.extend(part[low:high])
            offset += size
        return items


def highlight_terms(query: str) -> list[str]:
    """The strings to mark in a result: the query's words and, for a multi-word query, the
    whole query, longest first."""
    terms = set(query_words(query))
    compact = query.strip().lower()
    if compact and len(terms) > 1:
        terms.add(compact)
    return sorted(terms, key=len, reverse=True)


def highlight(
    text: str, query: str, length: int | None = None, strip_html: bool = False
) -> SafeString:
    """``text`` HTML-escaped with every query word wrapped in ``<mark>``.

    ``strip_html`` drops the tags of rich text first (a title is plain text and keeps its
    ``<`` as written). With ``length``, only a window of about that many characters around
    the first match is kept (an ellipsis marks the cuts).
    """
    text = strip_tags(text or "") if strip_html else (text or "")
    text = " ".join(text.split())
    terms = highlight_terms(query)
    pattern = (
        re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE) if terms else None
    )
    if length is not None and len(text) > length:
        first = pattern.search(text) if pattern else None
        start = max(0, (first.start() if first else 0) - length // 4)
        end = min(len(text), start + length)
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    if pattern is None:
        return mark_safe(escape(text))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def page_text(page: Page) -> str:
    """The searchable text of a page other than its title, for the result snippet."""
    parts = [page.search_description or ""]
    for field in type(page).get_search_fields():
        if isinstance(field, SearchField) and field.field_name not in (
            "title",
            "search_description",
        ):
            value = field.get_value(page)
            if isinstance(value, list | tuple):
                value = " ".join(str(item) for item in value if item)
            if value:
                parts.append(str(value))
    return " ".join(part for part in parts if part)


def kind_label(page: Page, kinds: list[SearchKind] | None = None) -> str:
    """The 类型 a page belongs to, for the badge in the result list."""
    for kind in site_kinds() if kinds is None else kinds:
        if any(isinstance(page, model) for model in kind.models):
            return kind.label
    return "页面"


def authority_choices(kinds) -> list[tuple[int, str]]:
    """(pk, label) of every issuing body the kinds can be filtered by.

    The model is whatever the kinds' ``authority_field`` points at, so the search app names no
    app's model; its short name labels it when it has one.
    """
    models = set()
    for kind in kinds:
        for model in kind.models:
            field_name = kind.authority_field
            if field_name:
                models.add(model._meta.get_field(field_name).related_model)
    choices = []
    for model in sorted(models, key=lambda m: m._meta.label):
        for obj in model._default_manager.order_by("pk"):
            choices.append((obj.pk, getattr(obj, "short_name", "") or str(obj)))
    return sorted(choices, key=lambda choice: choice[1])
