"""Anonymous page cache with exact invalidation.

Public pages are the same for every anonymous visitor, so `PageCacheMiddleware` keeps the rendered
response of an anonymous GET/HEAD and serves it to the next visitor without touching the database.

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

Only responses of allow-listed views are stored (Wagtail's page serving and views named in
``PAGE_CACHE_VIEWS`` or decorated with `cacheable_page`), and never a response that sets a cookie,
uses a CSRF token (pages with forms), is marked private / no-store / no-cache (``never_cache``),
or is not a 200. Requests carrying a session or messages cookie, an Authorization header, or for
the admin, documents or media bypass the cache entirely.

Entries of more than 1 KB of text are stored gzipped and sent as such to clients that accept
gzip (``Vary: Accept-Encoding``), decompressed for the others.

Wagtail's frontend-cache invalidation (``WAGTAILFRONTENDCACHE``: a CDN or reverse proxy) is driven
by the same purge functions, with the absolute URLs of the purged pages.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

if TYPE_CHECKING:
    from wagtail.models import Page

logger = logging.getLogger(__name__)

ALL_GROUP = "all"
CONTENT_GROUP = "content"
VERIFY_GROUP = "verify"

# Paths whose content depends on the whole site rather than on one page.
DEFAULT_GROUPS: dict[str, list[str]] = {
    CONTENT_GROUP: [
        r"^/search/",
        r"^/sitemap\.xml$",
        r"/feeds?(/|\.xml$|$)",
        r"/(rss|atom)(/|\.xml$|$)",
        r"\.(ics|rss|atom|xml)$",
        # Template downloads are addressed by page id, not under the page's URL.
        r"^/downloads/\d+/",
    ],
    VERIFY_GROUP: [r"^/verify/"],
}
# Public views whose anonymous responses may be shared (URL names or namespaced view names).
DEFAULT_VIEWS = [
    "wagtail_serve",
    "sitemap",
    "search:search",
    "notices:feed_rss",
    "notices:feed_atom",
    "notices:calendar",
    "notices:template_download",
]
DEFAULT_EXCLUDED_PREFIXES = ["/admin/", "/django-admin/", "/documents/", "/static/", "/media/"]
DEFAULT_TIMEOUT = 3600
# Response headers never replayed from the cache.
_SKIPPED_HEADERS = {"set-cookie", "x-page-cache"}
_REFUSING_CACHE_CONTROL = re.compile(r"\b(private|no-store|no-cache)\b|\bmax-age=0\b", re.I)


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


def _version_key(name: str) -> str:
    return "pcv:" + hashlib.sha1(name.encode()).hexdigest()


def _dependency_names(path: str) -> list[str]:
    return [f"group:{ALL_GROUP}", f"path:{path}", *(f"group:{g}" for g in groups_for_path(path))]


def _new_token() -> str:
    return secrets.token_hex(8)


# ---------------------------------------------------------------------------------------------
# Marking views
# ---------------------------------------------------------------------------------------------


def cacheable_page(view: Callable) -> Callable:
    """Allow a public view's anonymous responses into the page cache.

    The cache is opt-in per view: Wagtail pages and the views named in ``PAGE_CACHE_VIEWS`` are
    cacheable, anything else (a certificate download, a rate-limited lookup) is not, so a new
    personal view is never cached by accident. Personal views should still say so with Django's
    ``never_cache``, which this cache and every proxy honour.
    """
    view.page_cacheable = True
    return view


# ---------------------------------------------------------------------------------------------
# The middleware
# ---------------------------------------------------------------------------------------------


def _bypasses_cache(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return True
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    bypass_cookies = getattr(
        settings, "PAGE_CACHE_BYPASS_COOKIES", [settings.SESSION_COOKIE_NAME, "messages"]
    )
    if any(name in request.COOKIES for name in bypass_cookies):
        # A session may be logged in, a pending message must be shown: render for this visitor.
        return True
    prefixes = getattr(settings, "PAGE_CACHE_EXCLUDED_PREFIXES", DEFAULT_EXCLUDED_PREFIXES)
    return request.path.startswith(tuple(prefixes))


def _view_is_cacheable(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    views = getattr(settings, "PAGE_CACHE_VIEWS", DEFAULT_VIEWS)
    if match.url_name in views or match.view_name in views:
        return True
    return bool(getattr(match.func, "page_cacheable", False))


def response_is_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether an anonymous response may be stored and replayed to other visitors."""
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        # The page embeds a CSRF token (a form): each visitor needs their own.
        return False
    if _REFUSING_CACHE_CONTROL.search(response.get("Cache-Control", "")):
        return False
    if "*" in response.get("Vary", ""):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return _view_is_cacheable(request)


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


def entry_timeout(now: datetime | None = None) -> int:
    """Seconds a page rendered now may be served: the configured maximum, cut at the boundary."""
    now = now or timezone.now()
    maximum = int(getattr(settings, "PAGE_CACHE_TIMEOUT", DEFAULT_TIMEOUT))
    until_boundary = int((next_time_boundary(now) - now).total_seconds())
    return max(0, min(maximum, until_boundary))


def _current_versions(cache, names: list[str], found: dict[str, Any]) -> list[str]:
    keys = [_version_key(name) for name in names]
    missing = [key for key in keys if found.get(key) is None]
    if missing:
        # First visit since the cache was emptied: start every dependency at a fresh version.
        for key in missing:
            cache.add(key, _new_token(), None)
        found = {**found, **cache.get_many(missing)}
    return [found.get(key) for key in keys]


class PageCacheMiddleware:
    """Serve anonymous public pages from the cache; store what is safe to share.

    Placed right after WhiteNoise, before sessions and authentication, so a hit costs only the
    cache read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_enabled() or _bypasses_cache(request):
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)

        cache = get_cache()
        path = normalise_path(request.path)
        names = _dependency_names(path)
        full = f"{request.scheme}://{host}{request.get_full_path()}"
        entry_key = "pce:" + hashlib.sha1(full.encode()).hexdigest()
        found = cache.get_many([entry_key, *(_version_key(name) for name in names)])
        entry = found.get(entry_key)
        versions = _current_versions(cache, names, found)
        if entry is not None and entry["versions"] == versions:
            return self._replay(request, entry)

        response = self.get_response(request)
        if response_is_cacheable(request, response):
            timeout = entry_timeout()
            patch_vary_headers(response, ["Accept-Encoding"])
            compressed = _compress(response)
            if timeout > 0:
                headers = [
                    (key, value)
                    for key, value in response.items()
                    if key.lower() not in _SKIPPED_HEADERS
                ]
                cache.set(
                    entry_key,
                    {
                        "versions": versions,
                        "status": response.status_code,
                        "headers": headers,
                        # Stored once, compressed when that pays: a 3,000-name publicity is
                        # 1.3 MB of HTML but ~100 KB gzipped, read and sent on every hit.
                        "content": response.content if compressed is None else None,
                        "gzip": compressed,
                    },
                    timeout,
                )
            if compressed is not None and _accepts_gzip(request):
                _send_gzip(response, compressed)
            response["X-Page-Cache"] = "miss"
        else:
            response["X-Page-Cache"] = "skip"
        return response

    @staticmethod
    def _replay(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
        compressed = entry.get("gzip")
        if compressed is None:
            content = entry["content"]
        elif _accepts_gzip(request):
            content = compressed
        else:
            content = gzip.decompress(compressed)
        response = HttpResponse(
            b"" if request.method == "HEAD" else content, status=entry["status"]
        )
        for key, value in entry["headers"]:
            response[key] = value
        if compressed is not None and content is compressed:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(content))
        response["X-Page-Cache"] = "hit"
        return response


# Worth compressing: text, at least this long. Cached pages carry no secret (no CSRF token, no
# session: see response_is_cacheable), so compression leaks nothing (BREACH needs a secret).
_GZIP_MIN_BYTES = 1024
_GZIP_TYPES = re.compile(r"^(text/|application/(json|xml|rss\+xml|atom\+xml|javascript))", re.I)
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _accepts_gzip(request: HttpRequest) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _compress(response: HttpResponse) -> bytes | None:
    """The gzipped body of a cacheable response, or None when it is small or not text."""
    content = response.content
    if (
        len(content) < _GZIP_MIN_BYTES
        or response.has_header("Content-Encoding")
        or not _GZIP_TYPES.match(response.get("Content-Type", ""))
    ):
        return None
    compressed = gzip.compress(content, compresslevel=6, mtime=0)
    return compressed if len(compressed) < len(content) else None


def _send_gzip(response: HttpResponse, compressed: bytes) -> None:
    response.content = compressed
    response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(compressed))


# ---------------------------------------------------------------------------------------------
# Purging
# ---------------------------------------------------------------------------------------------

_pending = threading.local()


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
    if _frontend_enabled() and f"group:{CONTENT_GROUP}" in batch["names"]:
        batch["urls"] |= _frontend_extra_urls()
    if batch["names"]:
        get_cache().set_many({_version_key(name): _new_token() for name in batch["names"]}, None)
    if batch["urls"] and _frontend_enabled():
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        purge_urls_from_cache(sorted(batch["urls"]))


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
    the site-wide listings (search, feeds, sitemap), and a frontend cache in front.

    The publicity app calls this from its request-time expiry guard; the signal handlers call it
    on publish, unpublish, move and delete.
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


# ---------------------------------------------------------------------------------------------
# Registry: which non-page models show on which pages
# ---------------------------------------------------------------------------------------------


class ModelRule:
    """What to purge when a model instance is saved or deleted."""

    def __init__(
        self,
        label: str,
        *,
        page_types: Iterable[str] = (),
        groups: Iterable[str] = (CONTENT_GROUP,),
        everything: bool = False,
        urls: Callable[[Any], Iterable[str]] | None = None,
    ):
        self.label = label
        self.page_types = tuple(page_types)
        self.groups = tuple(groups)
        self.everything = everything
        self.urls = urls

    def apply(self, instance: Any) -> None:
        if self.everything:
            purge_all()
            return
        from wagtail.models import Page

        page_ids = []
        for field in instance._meta.concrete_fields:
            related = getattr(field, "related_model", None)
            if field.is_relation and related is not None and issubclass(related, Page):
                value = getattr(instance, field.attname, None)
                if value is not None:
                    page_ids.append(value)
        if isinstance(instance, Page):
            page_ids.append(instance.pk)
        extra = list(self.urls(instance)) if self.urls else []
        _schedule(paths=extra, groups=self.groups, page_ids=page_ids, page_types=self.page_types)


_model_rules: dict[str, ModelRule] = {}
_connected: set[str] = set()


def register_model(
    label: str,
    *,
    page_types: Iterable[str] = (),
    groups: Iterable[str] = (CONTENT_GROUP,),
    everything: bool = False,
    urls: Callable[[Any], Iterable[str]] | None = None,
) -> None:
    """Purge pages when instances of the model ``label`` ("app.Model") are saved or deleted.

    Purged: the pages its foreign keys point at (with their ancestors), every live page of the
    ``page_types`` labels (e.g. the approvals index), the ``groups``, and ``urls(instance)``;
    or, with ``everything``, the whole cache. A label whose app or model does not exist is
    ignored, so rules can name models of apps that are not there yet.
    """
    _model_rules[label] = ModelRule(
        label, page_types=page_types, groups=groups, everything=everything, urls=urls
    )
    from django.apps import apps

    if apps.models_ready:
        connect_model_rules()


def connect_model_rules() -> None:
    """Connect post_save/post_delete for each registered model that exists (idempotent)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label, _rule in _model_rules.items():
        if label in _connected:
            continue
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        uid = f"website.cache:{label}"
        post_save.connect(_model_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_model_changed, sender=model, dispatch_uid=uid + ":delete")
        _connected.add(label)


def _model_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixture loading
    rule = _model_rules.get(sender._meta.label)
    if rule is not None:
        rule.apply(instance)


_references: list[tuple[str, str, str | None]] = []


def register_reference(label: str, field: str, target: str | None = None) -> None:
    """When a page changes, also purge the pages that show it through a reference.

    ``label`` rows whose ``field`` points at the changed page name the pages to purge: the row
    itself when it is a page (a publicity page showing its notice), else its ``target`` field
    (a notice's attachment row pointing at a template page: purge the notice).
    """
    _references.append((label, field, target))


def referencing_page_ids(page: Page) -> set[int]:
    """Ids of pages that show ``page`` through a registered reference (one query per rule)."""
    from django.apps import apps

    ids: set[int] = set()
    for label, field, target in _references:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        rows = model._default_manager.filter(**{field: page.pk})
        ids.update(rows.values_list(f"{target}_id" if target else "pk", flat=True))
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
