"""Purge the page cache (and a frontend cache) when pages change.

Connected from `PagecacheConfig.ready()`. Page events are Wagtail's own signals and concern every
page model alike; the pages that show a changed page are found in Wagtail's `ReferenceIndex`
(`cache.referencing_page_ids`). Non-page models are registered by the apps that own them
(`pagecache.register_model`); Wagtail's own models shown site-wide are registered here.
"""

from __future__ import annotations

from django.apps import apps
from django.core.signals import request_finished, request_started
from django.db.models.signals import pre_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import cache, derived
from .rules import register_model


def on_page_published(sender, instance: Page, **kwargs) -> None:
    cache.purge_page(instance)


def on_page_unpublished(sender, instance: Page, **kwargs) -> None:
    cache.purge_page(instance)


def on_page_deleted(sender, instance, **kwargs) -> None:
    # pre_delete: the URL and ancestors are computed while the tree still holds the page;
    # the purge itself happens after the deletion commits.
    if isinstance(instance, Page) and instance.depth and instance.depth > 1:
        cache.purge_page(instance)


def on_page_moved(sender, instance: Page, url_path_before: str, url_path_after: str, **kwargs):
    """Purge the subtree at its old and new URLs and both parents' lines of ancestors."""
    _purge_subtree_rename(instance, url_path_before, url_path_after)
    for parent in (kwargs.get("parent_page_before"), kwargs.get("parent_page_after")):
        if parent is not None:
            cache.purge_page(parent)


def on_slug_changed(sender, instance: Page, instance_before: Page, **kwargs) -> None:
    _purge_subtree_rename(instance, instance_before.url_path, instance.url_path)


def _purge_subtree_rename(page: Page, old_prefix: str, new_prefix: str) -> None:
    paths: set[str] = set()
    urls: set[str] = set()
    for url_path in [page.url_path, *page.get_descendants().values_list("url_path", flat=True)]:
        for candidate in {url_path, old_prefix + url_path[len(new_prefix) :]}:
            p, u = cache.urls_for_url_path(candidate)
            paths |= p
            urls |= u
    cache.purge_urls(sorted(urls | paths))
    cache.purge_page(page)


def connect() -> None:
    """Connect every handler; safe to call more than once."""
    page_published.connect(on_page_published, dispatch_uid="pagecache:published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="pagecache:unpublished")
    # Per page model, not for every model: a receiver for all senders would disable Django's
    # fast deletes everywhere.
    for model in apps.get_models():
        if issubclass(model, Page):
            pre_delete.connect(
                on_page_deleted,
                sender=model,
                dispatch_uid=f"pagecache:deleted:{model._meta.label}",
            )
    post_page_move.connect(on_page_moved, dispatch_uid="pagecache:moved")
    request_started.connect(derived.request_started, dispatch_uid="pagecache:derived:started")
    request_finished.connect(derived.request_finished, dispatch_uid="pagecache:derived:finished")
    page_slug_changed.connect(on_slug_changed, dispatch_uid="pagecache:slug")
    register_wagtail_models()


def register_wagtail_models() -> None:
    """Wagtail's models shown site-wide: documents' sizes, images, the site's host name; and
    the view restrictions, which turn a page and its subtree private (a copy cached while it
    was public must go, and the search leaves it: everything, since a restriction covers a
    whole subtree and changes rarely)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site

    models = [Site, PageViewRestriction]
    if apps.is_installed("wagtail.documents"):
        models.append(get_document_model())
    if apps.is_installed("wagtail.images"):
        models.append(get_image_model())
    for model in models:
        register_model(model, everything=True)
