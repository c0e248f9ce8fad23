"""Purge the page cache (and a frontend cache) when content changes.

Connected from `WebsiteConfig.ready()`. Page events are Wagtail's own signals; other models are
hooked by label through `website.cache.register_model`, so a rule naming a model of an app that
does not exist yet is simply not connected.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import pre_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from website import cache

# Non-page models and what shows them. Each app may add its own with `cache.register_model`.
MODEL_RULES: list[tuple[str, dict]] = [
    # Shown site-wide (authority names, series, documents' sizes, the site's host name).
    ("website.Authority", {"everything": True}),
    ("website.Series", {"everything": True}),
    ("website.Specialty", {"everything": True}),
    ("wagtaildocs.Document", {"everything": True}),
    ("wagtailimages.Image", {"everything": True}),
    ("wagtailcore.Site", {"everything": True}),
    # Notices: phases, fees, attachments are page children saved with the page revision, so
    # publishing purges them; these rules cover rows edited outside a revision.
    ("notices.NoticePhase", {}),
    ("notices.NoticeAttachment", {}),
    # Publicity: entries imported into a live page show at once; objections exclude entries.
    ("publicity.PublicityEntry", {}),
    ("publicity.CalendarYear", {"everything": True}),
    ("publicity.CalendarDay", {"everything": True}),
    # Approvals: an issued document appears on the approvals index; a revocation changes what
    # verification by number says.
    ("approvals.ApprovalDocument", {"page_types": ["approvals.ApprovalIndexPage"]}),
    (
        "approvals.Certificate",
        {
            "page_types": ["approvals.ApprovalIndexPage"],
            "groups": [cache.CONTENT_GROUP, cache.VERIFY_GROUP],
        },
    ),
]

# Pages that show another page: (row model, field pointing at the changed page, page to purge).
REFERENCES: list[tuple[str, str, str | None]] = [
    ("notices.NoticeAttachment", "template_page", "page"),  # a notice lists its templates
    ("publicity.PublicityPage", "notice", None),  # a publicity names its notice
]


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
    page_published.connect(on_page_published, dispatch_uid="website.cache:published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="website.cache:unpublished")
    # Per page model, not for every model: a receiver for all senders would disable Django's
    # fast deletes everywhere.
    for model in apps.get_models():
        if issubclass(model, Page):
            pre_delete.connect(
                on_page_deleted,
                sender=model,
                dispatch_uid=f"website.cache:deleted:{model._meta.label}",
            )
    post_page_move.connect(on_page_moved, dispatch_uid="website.cache:moved")
    page_slug_changed.connect(on_slug_changed, dispatch_uid="website.cache:slug")
    for label, options in MODEL_RULES:
        cache.register_model(label, **options)
    if not cache._references:
        for reference in REFERENCES:
            cache.register_reference(*reference)
    cache.connect_model_rules()
