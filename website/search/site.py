"""The public site search: which pages a query finds, filtered by kind, year and authority.

Plain functions, testable without a request; ``views.search`` only parses the form and renders.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from modelsearch.index import SearchField
from wagtail.models import Page

from .analyzer import query_words

#: Longer queries are cut to this many characters: nobody types more, and it bounds the work.
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class Kind:
    """A 类型 choice of the search page and the page models it covers."""

    value: str
    label: str
    models: tuple[str, ...]

    def resolve(self) -> list[type[Page]]:
        """The models of this kind that exist now; apps still being written are skipped."""
        found = []
        for label in self.models:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            if issubclass(model, Page):
                found.append(model)
        return found


KINDS = [
    Kind("notice", "通知", ("notices.NoticePage",)),
    Kind("template", "模板", ("notices.TemplatePage",)),
    Kind("publicity", "公示", ("publicity.PublicityPage",)),
    Kind("approval", "审批文件", ("approvals.ApprovalIndexPage", "approvals.ApprovalDocument")),
]
KINDS_BY_VALUE = {kind.value: kind for kind in KINDS}

#: Fields that hold a page's review year or issuing authority, in the order tried.
YEAR_FIELDS = ("review_year",)
AUTHORITY_FIELDS = ("authority",)


def clean_query(raw: str | None) -> tuple[str, bool]:
    """The query as searched (blanks collapsed, at most MAX_QUERY_LENGTH characters) and
    whether it was cut."""
    query = " ".join((raw or "").split())
    if len(query) > MAX_QUERY_LENGTH:
        return query[:MAX_QUERY_LENGTH].rstrip(), True
    return query, False


def _model_field(model, names) -> str | None:
    for name in names:
        try:
            model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist; any lookup failure means "not here"
            continue
        return name
    return None


def searchable_pages(kinds: list[str] | None = None, year: int | None = None, authority_id=None):
    """Live, public pages (not the tree root) narrowed to the chosen kinds, year and authority.

    Year: a page type with a review year (NoticePage.review_year) is filtered on it, every
    other page on the year it was first published. Authority: only page types with an
    ``authority`` field can match. Both go through ``pk__in`` on ``Page`` so one search covers
    every page type.
    """
    pages = Page.objects.live().public().filter(depth__gt=1)
    # An ended publicity leaves search at once, even before the scheduler unpublishes it.
    expired = list(
        Page.objects.live().filter(expire_at__lte=timezone.now()).values_list("pk", flat=True)
    )
    if expired:
        pages = pages.exclude(pk__in=expired)
    models: list[type[Page]] = []
    if kinds:
        for value in kinds:
            kind = KINDS_BY_VALUE.get(value)
            if kind:
                models.extend(kind.resolve())
        if not models:
            return pages.none()
        pages = pages.type(*models)
    candidates = models or [model for kind in KINDS for model in kind.resolve()]
    if year is not None:
        year_models = [(m, _model_field(m, YEAR_FIELDS)) for m in candidates]
        year_models = [(m, f) for m, f in year_models if f]
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
        for model in candidates:
            field = _model_field(model, AUTHORITY_FIELDS)
            if field:
                pks.update(
                    model.objects.filter(**{f"{field}_id": authority_id}).values_list(
                        "pk", flat=True
                    )
                )
        pages = pages.filter(pk__in=sorted(pks))
    return pages


def search_pages(query: str, kinds=None, year=None, authority_id=None):
    """Search results (lazy, sliceable, countable) for the public search page."""
    return searchable_pages(kinds, year, authority_id).search(query, operator="and")


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


# Approval documents (approvals.ApprovalDocument) are not pages: they are searched beside the
# pages and shown as their own results, linked to their entry on /approvals/ and their PDF.
DOCUMENT_KIND = "approval"


def _document_model():
    try:
        return apps.get_model("approvals", "ApprovalDocument")
    except LookupError:
        return None


def searchable_documents(year: int | None = None, authority_id=None):
    """Public approval documents: issued ones and, marked as such, superseded ones (they stay
    listed on /approvals/, and whoever holds the old number must learn it was replaced).
    Drafts and documents still being issued are never returned. Year is the number's year."""
    from approvals.models import PUBLIC_DOCUMENT_STATUSES

    model = _document_model()
    documents = model.objects.filter(status__in=PUBLIC_DOCUMENT_STATUSES).select_related(
        "authority"
    )
    if year is not None:
        documents = documents.filter(year=year)
    if authority_id is not None:
        documents = documents.filter(authority=authority_id)
    return documents


def search_documents(query: str, year=None, authority_id=None):
    """Search results over the public approval documents (lazy, sliceable, countable)."""
    from modelsearch.backends import get_search_backend

    # The model's plain manager has no .search(); the backend takes any queryset.
    documents = searchable_documents(year, authority_id)
    return get_search_backend().search(query, documents, operator="and")


def wants_documents(kinds: list[str] | None) -> bool:
    """Whether a search with these 类型 covers approval documents."""
    return _document_model() is not None and (not kinds or DOCUMENT_KIND in kinds)


def document_text(document) -> str:
    """The text of a document shown in its result snippet: body, then who was approved."""
    persons = document.search_persons()
    return " ".join(
        part
        for part in (
            document.summary,
            f"主送：{document.addressees}" if document.addressees else "",
            document.body,
            "人员：" + "；".join(persons.splitlines()) if persons else "",
        )
        if part
    )


def approvals_index_page():
    """The live /approvals/ listing page, or None."""
    from approvals.models import ApprovalIndexPage

    return ApprovalIndexPage.objects.live().public().first()


def document_url(document, index_page=None) -> str | None:
    """Where a document is shown: its own page if it has one, else its entry on the
    /approvals/ listing (filtered to its year and authority, on the page that holds it).
    Pass ``index_page`` (see approvals_index_page) to look it up once for many documents."""
    if hasattr(document, "get_absolute_url"):
        return document.get_absolute_url()
    index_page = index_page or approvals_index_page()
    if index_page is None:
        return None
    listed = searchable_documents(document.year).filter(authority=document.authority_id)
    # The listing orders by -date, -year, -sequence: count the entries before this one.
    before = listed.filter(
        Q(date__gt=document.date)
        | Q(date=document.date, year__gt=document.year)
        | Q(date=document.date, year=document.year, sequence__gt=document.sequence)
    ).count()
    page_number = before // index_page.per_page + 1
    params = {"year": document.year, "authority": document.authority.slug}
    if page_number > 1:
        params["page"] = page_number
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{index_page.url}?{query}#doc-{document.pk}"


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


def kind_label(page: Page) -> str:
    """The 类型 a page belongs to, for the badge in the result list."""
    for kind in KINDS:
        if any(isinstance(page, model) for model in kind.resolve()):
            return kind.label
    return "页面"
