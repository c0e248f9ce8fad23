"""Marking a view's anonymous responses as shareable through the page cache."""

from __future__ import annotations

from collections.abc import Callable


def cacheable_page(view: Callable) -> Callable:
    """Allow a public view's anonymous responses into the page cache.

    The cache is opt-in per view: Wagtail pages and the views named in ``PAGE_CACHE_VIEWS`` are
    cacheable, anything else (a certificate download, a rate-limited lookup) is not, so a new
    personal view is never cached by accident. Personal views should still say so with Django's
    ``never_cache``, which this cache and every proxy honour.
    """
    view.page_cacheable = True
    return view
