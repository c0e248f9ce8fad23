"""Anonymous page cache: versions, exact invalidation and the purge API.

Public pages are the same for every anonymous visitor, so `pagecache.middleware.PageCacheMiddleware`
keeps the rendered response of an anonymous GET/HEAD and serves it to the next visitor without
touching the database.

Exactness comes from *versions*, not from deleting keys. Every cached entry records the version
tokens of what it depends on:

- its URL path (``path:/notices/x/``), shared by every query-string variant of that path
  (pagination, filters), so one bump invalidates them all;
- the groups its path belongs to (``PAGE_CACHE_GROUPS``: e.g. ``content`` for search results,
  feeds, calendars and the sitemap, which any content change may alter; ``verify`` for
  certificate verification, which a revocation alters);
- the global group ``all`` (snippets such as an authority's name appear on many pages).

An entry is served only while all its recorded tokens are current. Purging a URL or a group
writes a fresh token (`purge_urls`, `purge_page`, `purge_groups`, `purge_all`), after the
database transaction commits. Because the tokens are read *before* the view renders, a request
that rendered old data concurrently with an edit stores it under the old token, and the entry is
dead on arrival: no race can resurrect stale content.

Time also changes pages (today's phase, the days left, a publicity whose period ends at 24:00
even if the scheduler is late): an entry never outlives the next local midnight nor the next
scheduled ``go_live_at`` / ``expire_at`` of any page.

Pages that show another page (a notice listing its templates, a publicity naming its notice) are
found in Wagtail's `ReferenceIndex`, which Wagtail keeps for every page's foreign keys, inline
(ParentalKey) children, rich text and StreamField choosers: no hand-kept list to forget.

Wagtail's frontend-cache invalidation (``WAGTAILFRONTENDCACHE``: a CDN or reverse proxy) is driven
by the same purge functions, with the absolute URLs of the purged pages.

This module knows no app of the site: apps say what shows their models through
`pagecache.register_model` in their own ``AppConfig.ready``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from wagtail.models import Page

ALL_GROUP = "all"
CONTENT_GROUP = "content"
VERIFY_GROUP = "verify"
DEFAULT_TIMEOUT = 3600

# Paths whose content depends on the whole site rather than on one page. The site's own paths
# (its template downloads, its verification pages) are named in settings.PAGE_CACHE_GROUPS.
DEFAULT_GROUPS: dict[str, list[str]] = {
    CONTENT_GROUP: [
        r"^/search/",
        r"^/sitemap\.xml$",
        r"/feeds?(/|\.xml$|$)",
        r"/(rss|atom)(/|\.xml$|$)",
        r"\.(ics|rss|atom|xml)$",
    ],
}


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------


def is_enabled() -> bool:
    """Whether anonymous pages are served from and stored in the cache (``PAGE_CACHE_ENABLED``)."""
    return bool(getattr(settings, "PAGE_CACHE_ENABLED", False))


def get_cache():
    """The Django cache holding pages and versions (``PAGE_CACHE_ALIAS``, default "default")."""
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def _groups_setting() -> dict[str, list[str]]:
    return getattr(settings, "PAGE_CACHE_GROUPS", DEFAULT_GROUPS)


def normalise_path(url: str) -> str:
    """The decoded path of a URL or path, so `/通知/` and `/%E9%80%9A%E7%9F%A5/` are one key."""
    path = unquote(urlsplit(url).path)
    return path or "/"


def groups_for_path(path: str) -> list[str]:
    """Names of the groups whose patterns match ``path`` (besides the global group)."""
    return [
        name
        for name, patterns in _groups_setting().items()
        if any(re.search(pattern, path) for pattern in patterns)
    ]


def _digest(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()


def _version_key(name: str) -> str:
    return "pcv:" + _digest(name)


def edge_tag(name: str) -> str:
    """The tag of a dependency name in a frontend cache (``X-Cache-Tags``; ASCII, 16 hex).

    A page sent to the edge carries the tags of its dependency names; purging a name bans every
    object carrying its tag, as bumping its version does here.
    """
    return _digest(name)[:16]


def edge_tags(path: str) -> list[str]:
    """The tags of a path's dependency names (its path, its groups, the global group)."""
    return [edge_tag(name) for name in _dependency_names(path)]


def _dependency_names(path: str) -> list[str]:
    return [f"group:{ALL_GROUP}", f"path:{path}", *(f"group:{g}" for g in groups_for_path(path))]


def _new_token() -> str:
    return secrets.token_hex(8)


def next_time_boundary(now: datetime | None = None) -> datetime:
    """The next moment at which a page may change without an edit.

    The next local midnight (today's phase, days left, a publicity period ending at 24:00), or
    earlier the next scheduled ``go_live_at`` / ``expire_at`` of any page.
    """
    from django.db.models import Min, Q
    from wagtail.models import Page

    now = now or timezone.now()
    local = timezone.localtime(now)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    scheduled = Page.objects.filter(Q(go_live_at__gt=now) | Q(expire_at__gt=now, live=True))
    bounds = scheduled.aggregate(
        go_live=Min("go_live_at", filter=Q(go_live_at__gt=now)),
        expire=Min("expire_at", filter=Q(expire_at__gt=now, live=True)),
    )
    candidates = [midnight, *(value for value in bounds.values() if value is not None)]
    return min(candidates)


def version_timeout() -> int:
    """Life of a version key: longer than any entry, so expiry only ever causes a miss.

    A version key that expired and is created again gets a new random token, which no stored
    entry carries: expiry can never make a stale entry current.
    """
    return 2 * int(getattr(settings, "PAGE_CACHE_TIMEOUT", DEFAULT_TIMEOUT)) + 60


def entry_timeout(now: datetime | None = None) -> int:
    """Seconds a page rendered now may be served: the configured maximum, cut at the boundary."""
    now = now or timezone.now()
    maximum = int(getattr(settings, "PAGE_CACHE_TIMEOUT", DEFAULT_TIMEOUT))
    until_boundary = int((next_time_boundary(now) - now).total_seconds())
    return max(0, min(maximum, until_boundary))


def add_missing_group_versions(cache, names: list[str], found: dict[str, Any]) -> None:
    """Create the versions of the groups among ``names`` that ``found`` lacks (in place).

    Path versions are created only when an entry is stored (`_new_versions` in the
    middleware), so arbitrary paths cannot fill the cache with keys; the groups are a fixed
    handful of keys, created before anything renders, so that a value derived from them while
    a page renders (`pagecache.derived`) does not look like a purge to that page's store.
    """
    timeout = version_timeout()
    for name in names:
        key = _version_key(name)
        if name.startswith("group:") and found.get(key) is None:
            token = _new_token()
            found[key] = token if cache.add(key, token, timeout) else cache.get(key)


# ---------------------------------------------------------------------------------------------
# Purging
# ---------------------------------------------------------------------------------------------

_pending = threading.local()
#: Purges applied by this process: versions read before the last one may be stale.
purges_applied = 0


def _pending_batch() -> dict[str, set]:
    batch = getattr(_pending, "batch", None)
    if batch is None:
        batch = {"names": set(), "urls": set(), "page_ids": set(), "page_types": set()}
        _pending.batch = batch
    return batch


def _flush() -> None:
    """Apply every purge collected since the last flush (runs after the transaction commits)."""
    batch = getattr(_pending, "batch", None)
    _pending.batch = None
    if not batch:
        return
    if batch["page_ids"] or batch["page_types"]:
        # Model changes resolved here, once per transaction, not once per saved row.
        for page in _pages_for(batch["page_ids"], batch["page_types"]):
            paths, urls = _page_and_ancestor_urls(page)
            batch["names"].update(f"path:{p}" for p in paths)
            batch["urls"].update(urls)
    if batch["names"]:
        global purges_applied
        purges_applied += 1
        tokens = {_version_key(name): _new_token() for name in batch["names"]}
        try:
            get_cache().set_many(tokens, version_timeout())
        except Exception:
            # The cache is down: nothing can be served from it either; log loudly, because
            # entries that survive the outage would outlive this purge.
            logger.error("页面缓存清除失败：%s", sorted(batch["names"]), exc_info=True)
    if _frontend_enabled():
        _purge_frontend(batch["names"], batch["urls"])


def _schedule(
    *,
    paths: Iterable[str] = (),
    groups: Iterable[str] = (),
    urls: Iterable[str] = (),
    page_ids: Iterable[int] = (),
    page_types: Iterable[str] = (),
) -> None:
    batch = _pending_batch()
    batch["names"].update(f"path:{normalise_path(p)}" for p in paths)
    batch["names"].update(f"group:{g}" for g in groups)
    batch["urls"].update(urls)
    batch["page_ids"].update(page_ids)
    batch["page_types"].update(page_types)
    # Outside a transaction this runs at once; inside, after commit (never for a rollback,
    # whose pending purges then ride along with the next commit: harmless extra purges).
    transaction.on_commit(_flush)


def _frontend_enabled() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def edge_timeout() -> int:
    """Longest life of a page in a frontend cache (``s-maxage``), before the time boundary.

    ``PAGE_CACHE_EDGE_TIMEOUT``; by default the page cache's own when a frontend cache that we
    purge is configured (``WAGTAILFRONTENDCACHE``), else 0: a shared cache nobody purges must
    not keep pages.
    """
    configured = getattr(settings, "PAGE_CACHE_EDGE_TIMEOUT", None)
    if configured is not None:
        return int(configured)
    if not _frontend_enabled():
        return 0
    return int(getattr(settings, "PAGE_CACHE_TIMEOUT", DEFAULT_TIMEOUT))


def _purge_frontend(names: set[str], urls: set[str]) -> None:
    """Purge the frontend caches of ``WAGTAILFRONTENDCACHE`` after the page cache's purge.

    Backends that purge by tag (`pagecache.frontend.VarnishBackend`) get the tags of the very
    names purged here (a path with every query string, a group, everything); the others get the
    absolute URLs, and the site-wide listings when the content group changed.
    """
    from wagtail.contrib.frontend_cache.utils import get_backends, purge_urls_from_cache

    backends = get_backends()
    by_url = []
    for name, backend in backends.items():
        if hasattr(backend, "purge_tags"):
            if names:
                backend.purge_tags(sorted({edge_tag(n) for n in names}))
        else:
            by_url.append(name)
    if by_url and f"group:{CONTENT_GROUP}" in names:
        urls = urls | _frontend_extra_urls()
    if by_url and urls:
        purge_urls_from_cache(sorted(urls), backends=by_url)


def _frontend_extra_urls() -> set[str]:
    """Absolute URLs of site-wide listings to purge in a frontend cache on any content change.

    A CDN purges exact URLs: search pages with a query string are best given a short TTL there.
    """
    from wagtail.models import Site

    extra = getattr(settings, "PAGE_CACHE_FRONTEND_EXTRA_PATHS", ["/search/", "/sitemap.xml"])
    urls = set()
    for root in Site.get_site_root_paths():
        urls.update(root.root_url.rstrip("/") + path for path in extra)
    return urls


def _absolute(url: str) -> set[str]:
    if urlsplit(url).netloc:
        return {url}
    from wagtail.models import Site

    return {
        root.root_url.rstrip("/") + normalise_path(url) for root in Site.get_site_root_paths()[:1]
    }


def purge_urls(urls: Iterable[str], *, groups: Iterable[str] = (CONTENT_GROUP,)) -> None:
    """Invalidate the given URLs (absolute or site-relative; every query string of each path).

    ``groups`` are invalidated too; by default the ``content`` group (search results, feeds,
    calendars, sitemap), since whatever changed a page may change what lists it.
    """
    urls = list(urls)
    absolute: set[str] = set()
    if _frontend_enabled():
        for url in urls:
            absolute |= _absolute(url)
    _schedule(paths=urls, groups=groups, urls=absolute)


def purge_groups(*groups: str) -> None:
    """Invalidate every page of the named groups (e.g. ``purge_groups("verify")``)."""
    _schedule(groups=groups)


def purge_all() -> None:
    """Invalidate every cached page (a snippet shown site-wide changed)."""
    _schedule(groups=[ALL_GROUP])


def _page_urls(page: Page) -> tuple[list[str], list[str]]:
    """Relative paths and absolute URLs of a page and its extra cached sub-paths (feeds …)."""
    parts = page.get_url_parts()
    if not parts or parts[2] is None:
        return [], []
    _site_id, root_url, page_path = parts
    try:
        sub_paths = page.specific_deferred.get_cached_paths()
    except Exception:  # a page whose class is gone still has its own URL
        sub_paths = ["/"]
    paths = [page_path.rstrip("/") + "/" + sub.lstrip("/") for sub in sub_paths]
    paths = [p if p.startswith("/") else "/" + p for p in paths]
    urls = [root_url.rstrip("/") + p for p in paths] if root_url else []
    return paths, urls


def _page_and_ancestor_urls(page: Page) -> tuple[set[str], set[str]]:
    paths: set[str] = set()
    urls: set[str] = set()
    for each in [page, *page.get_ancestors()]:
        p, u = _page_urls(each)
        paths.update(p)
        urls.update(u)
    return paths, urls


def urls_for_url_path(url_path: str) -> tuple[set[str], set[str]]:
    """Relative paths and absolute URLs that a Wagtail ``url_path`` is served at on each site."""
    from wagtail.models import Site

    paths: set[str] = set()
    urls: set[str] = set()
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            path = "/" + url_path[len(root.root_path) :]
            paths.add(path)
            urls.add(root.root_url.rstrip("/") + path)
    return paths, urls


def purge_page(page: Page, *, include_descendants: bool = False) -> None:
    """Invalidate what shows a page: itself, its index and every ancestor up to the home page,
    the pages that reference it (`referencing_page_ids`), the site-wide listings (search, feeds,
    sitemap), and a frontend cache in front.

    The signal handlers call it on publish, unpublish, move and delete; apps call it after writes
    that send no signal (the publicity roster import's bulk writes).
    """
    paths, urls = _page_and_ancestor_urls(page)
    if page.pk:
        _schedule(page_ids=referencing_page_ids(page))
    if include_descendants:
        for descendant in page.get_descendants():
            p, u = urls_for_url_path(descendant.url_path)
            paths |= p
            urls |= u
    _schedule(paths=paths, groups=[CONTENT_GROUP], urls=urls)


def referencing_page_ids(page: Page) -> set[int]:
    """Ids of the pages that show ``page`` through a reference, from Wagtail's `ReferenceIndex`.

    Wagtail indexes every page's foreign keys and its inline (ParentalKey) children's under the
    page itself: a notice whose attachment row points at a template page is recorded as "notice →
    template", a publicity page's ``notice`` field as "publicity → notice". One query.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex

    page_type = ContentType.objects.get_for_model(Page)
    sources = ReferenceIndex.objects.filter(
        to_content_type=page_type, to_object_id=str(page.pk), base_content_type=page_type
    ).values_list("object_id", flat=True)
    ids = {int(pk) for pk in sources}
    ids.discard(page.pk)
    return ids


def _pages_for(page_ids: set[int], page_types: set[str]) -> list[Page]:
    from django.apps import apps
    from wagtail.models import Page

    pages = list(Page.objects.filter(pk__in=page_ids)) if page_ids else []
    for label in page_types:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        pages.extend(model.objects.live())
    return pages
