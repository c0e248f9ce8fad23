"""The page cache middleware: serve anonymous public pages from the cache, store what is safe.

Only responses of allow-listed views are stored (Wagtail's page serving and views named in
``PAGE_CACHE_VIEWS`` or decorated with `pagecache.cacheable_page`), and never a response that sets
a cookie, uses a CSRF token (pages with forms), is marked private / no-store / no-cache
(``never_cache``), or is not a 200. Requests carrying a session or messages cookie, an
Authorization header, or for the admin, documents or media bypass the cache entirely.

Entries of more than 1 KB of text are stored gzipped and sent as such to clients that accept
gzip (``Vary: Accept-Encoding``), decompressed for the others.

The same decision tells a shared cache in front (Varnish, a CDN) what it may keep: a stored page
goes out as ``Cache-Control: public, max-age=0, s-maxage=N`` (N: the entry's remaining life, at
most `cache.edge_timeout`, so never past midnight or the next scheduled go-live) with the tags of
its dependencies in ``X-Cache-Tags``, which `pagecache.frontend.VarnishBackend` bans on every
purge; everything else that passes here is ``private`` unless its view said ``public`` itself.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from .cache import (
    _dependency_names,
    _new_token,
    _version_key,
    add_missing_group_versions,
    edge_tags,
    edge_timeout,
    entry_timeout,
    get_cache,
    is_enabled,
    normalise_path,
    version_timeout,
)

logger = logging.getLogger(__name__)

# Public views whose anonymous responses may be shared (URL names or namespaced view names):
# Wagtail's. The site's own are named in settings.PAGE_CACHE_VIEWS or use `cacheable_page`.
DEFAULT_VIEWS = ["wagtail_serve", "sitemap"]
DEFAULT_EXCLUDED_PREFIXES = ["/admin/", "/django-admin/", "/documents/", "/static/", "/media/"]
# Response headers never replayed from the cache.
_SKIPPED_HEADERS = {"set-cookie", "x-page-cache"}
_REFUSING_CACHE_CONTROL = re.compile(r"\b(private|no-store|no-cache)\b|\bmax-age=0\b", re.I)

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


def _new_versions(cache, names: list[str], found: dict[str, Any]) -> list[str] | None:
    """Versions for storing an entry: the ones read before rendering, missing ones created now.

    Version keys are created only here, for a response worth storing (never for a 404 or a
    form), and expire, so arbitrary paths cannot fill the cache with keys. A missing key that
    someone else created while we rendered (a purge, or a concurrent visitor) means our render
    may predate it: None, and the response is not stored this time.
    """
    keys = [_version_key(name) for name in names]
    versions = []
    timeout = version_timeout()
    for key in keys:
        value = found.get(key)
        if value is None:
            value = _new_token()
            if not cache.add(key, value, timeout):
                return None
        versions.append(value)
    return versions


def _safe(operation: str, call: Callable[[], Any], default: Any) -> Any:
    """A cache call whose failure (Redis unreachable…) is a miss, logged, never a 500."""
    try:
        return call()
    except Exception:  # any backend error: the page is rendered as if nothing were cached
        logger.warning("页面缓存不可用（%s），按未缓存处理", operation, exc_info=True)
        return default


class PageCacheMiddleware:
    """Serve anonymous public pages from the cache; store what is safe to share.

    Placed right after WhiteNoise, before sessions and authentication, so a hit costs only the
    cache read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_enabled():
            return self.get_response(request)
        if _bypasses_cache(request):
            return _keep_private(self.get_response(request))
        try:
            host = request.get_host()
        except DisallowedHost:
            return _keep_private(self.get_response(request))

        cache = get_cache()
        path = normalise_path(request.path)
        names = _dependency_names(path)
        full = f"{request.scheme}://{host}{request.get_full_path()}"
        entry_key = "pce:" + hashlib.sha1(full.encode()).hexdigest()
        version_keys = [_version_key(name) for name in names]
        found = _safe("读取", lambda: cache.get_many([entry_key, *version_keys]), {})
        _safe("建立分组版本", lambda: add_missing_group_versions(cache, names, found), None)
        entry = found.get(entry_key)
        current = [found.get(key) for key in version_keys]
        if entry is not None and None not in current and entry.get("versions") == current:
            return self._replay(request, entry)

        response = self.get_response(request)
        if response_is_cacheable(request, response):
            timeout = entry_timeout()
            patch_vary_headers(response, ["Accept-Encoding"])
            compressed = _compress(response)
            versions = None
            if timeout > 0:
                versions = _safe("建立版本", lambda: _new_versions(cache, names, found), None)
            if versions is not None:
                headers = [
                    (key, value)
                    for key, value in response.items()
                    if key.lower() not in _SKIPPED_HEADERS
                ]
                stored = {
                    "versions": versions,
                    "status": response.status_code,
                    "headers": headers,
                    # Stored once, compressed when that pays: a 3,000-name publicity is
                    # 1.3 MB of HTML but ~100 KB gzipped, read and sent on every hit.
                    "content": response.content if compressed is None else None,
                    "gzip": compressed,
                    "expires": time.time() + timeout,
                }
                _safe("写入", lambda: cache.set(entry_key, stored, timeout), None)
            if compressed is not None and _accepts_gzip(request):
                _send_gzip(response, compressed)
            edge = 0
            if versions is not None and _still_current(cache, version_keys, versions):
                edge = timeout
            _share_with_edge(response, path, edge)
            response["X-Page-Cache"] = "miss"
        else:
            _keep_private(response)
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
        remaining = int(entry.get("expires", 0) - time.time())
        _share_with_edge(response, normalise_path(request.path), remaining)
        response["X-Page-Cache"] = "hit"
        return response


# ---------------------------------------------------------------------------------------------
# Headers for a shared cache in front
# ---------------------------------------------------------------------------------------------


def _still_current(cache, version_keys: list[str], versions: list[str]) -> bool:
    """Whether no purge touched the page while it rendered (one more read, on misses only).

    The page cache's own entry is dead on arrival then; a shared cache has no versions, so it
    is told not to keep the page. (A purge between this read and the proxy's store is still
    banned there: the ban reaches Varnish after the response left.)
    """
    if edge_timeout() <= 0:
        return False
    now = _safe("复查版本", lambda: cache.get_many(version_keys), {})
    return [now.get(key) for key in version_keys] == versions


def _share_with_edge(response: HttpResponse, path: str, seconds: int) -> None:
    """Let shared caches keep a page the page cache keeps, for ``seconds`` at most."""
    seconds = min(seconds, edge_timeout())
    if seconds <= 0:
        # Nobody purges a shared cache (none configured), or the page is about to change.
        patch_cache_control(response, no_cache=True)
        return
    # Browsers revalidate (a purge cannot reach them); the proxy keeps it until purged.
    patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
    response["X-Cache-Tags"] = " ".join(edge_tags(path))
    if len(settings.LANGUAGES) == 1:
        # LocaleMiddleware varies on Accept-Language even when one language is all there is:
        # one object per browser's header in the proxy for the same bytes.
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        kept = [v for v in vary if v.lower() != "accept-language"]
        if kept != vary:
            response["Vary"] = ", ".join(kept)
            if not kept:
                del response["Vary"]


def _keep_private(response: HttpResponse) -> HttpResponse:
    """Keep a response out of shared caches unless its view made it public on purpose
    (public keys, robots.txt, public media)."""
    if not re.search(r"\bpublic\b", response.get("Cache-Control", ""), re.I):
        patch_cache_control(response, private=True)
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
