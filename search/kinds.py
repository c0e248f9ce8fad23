"""What each app contributes to the site search: its 类型 (kinds).

The search page imports no app's models. Each app declares its kinds in its
``wagtail_hooks.py``::

    @hooks.register("register_site_search_kind")
    def site_search_kind():
        return SearchKind("notice", "通知", models=(NoticePage,), year_field="review_year",
                          authority_field="authority")

A hook returns one ``SearchKind`` or a list of them; the 类型 choices follow the hooks' order
(``INSTALLED_APPS`` order, or the hook's ``order``). A kind whose objects are not pages (the
approval documents) also gives a ``DocumentSource``: those objects are searched beside the pages
and shown as a block of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from wagtail import hooks
from wagtail.models import Page

HOOK_NAME = "register_site_search_kind"


@dataclass(frozen=True)
class DocumentSource:
    """Objects other than pages that a kind's search covers.

    ``queryset()`` returns the public objects only (never a draft); each object's
    ``get_absolute_url()`` is where a result links (None: shown without a link).
    """

    queryset: Callable[[], QuerySet]
    #: The text of an object's result snippet.
    text: Callable[[Any], str]
    #: Field holding the object's year (the 年度 filter), or None.
    year_field: str | None = None
    #: Foreign key to the issuing authority (the 发文机关 filter), or None.
    authority_field: str | None = None
    #: Whether an object is marked as replaced in its result.
    superseded: Callable[[Any], bool] = field(default=lambda obj: False)
    #: Measure word of the block's count: 审批文件（4 份）.
    unit: str = "份"
    template: str = "search/includes/document_result.html"


@dataclass(frozen=True)
class SearchKind:
    """A 类型 choice of the search page: the page models it covers and their filter fields."""

    value: str
    label: str
    models: tuple[type[Page], ...] = ()
    #: Field of these page models holding their year (the 年度 filter); pages without one are
    #: filtered on the year they were first published.
    year_field: str | None = None
    #: Foreign key of these page models to the issuing authority; without one a page never
    #: matches a 发文机关 filter.
    authority_field: str | None = None
    documents: DocumentSource | None = None
    #: The page's own date as shown on its result (成文日期 2023年8月14日 of a notice, the period
    #: of a publicity). Without it (or when it gives None) the date of first publication is shown.
    date: Callable[[Page], str | None] | None = None
    #: The plain text of a page's result snippet (never markup such as table rows). Without
    #: it, the page's search fields are used.
    text: Callable[[Page], str] | None = None
    #: Called once with a result page's pages of this kind before ``date`` and ``text``, so
    #: what they read can be loaded in one query rather than one per result.
    prepare: Callable[[list[Page]], None] | None = None

    def __post_init__(self):
        for model in self.models:
            if not issubclass(model, Page):
                raise TypeError(f"{model!r} is not a page model; give it as a DocumentSource.")


def site_kinds() -> list[SearchKind]:
    """Every registered kind, in hook order; a value registered twice keeps its first."""
    kinds: dict[str, SearchKind] = {}
    for hook in hooks.get_hooks(HOOK_NAME):
        found = hook()
        for kind in found if isinstance(found, list | tuple) else [found]:
            if not isinstance(kind, SearchKind):
                raise TypeError(f"{hook!r} returned {kind!r}, not a SearchKind.")
            kinds.setdefault(kind.value, kind)
    return list(kinds.values())


def kinds_by_value() -> dict[str, SearchKind]:
    return {kind.value: kind for kind in site_kinds()}


def page_models(kinds: list[SearchKind]) -> list[type[Page]]:
    return [model for kind in kinds for model in kind.models]
