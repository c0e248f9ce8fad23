"""Values derived from the whole site's content, kept in this process until the content changes.

The search page's filters (the years and issuing bodies on offer, where the listing of
documents lives) are the same for every query and change only when content does, yet cost
several whole-table queries on every request. Such a value is kept here with the versions of
the page cache's ``content`` and ``all`` groups it was computed under: every change that
purges those groups (any page published, unpublished, moved or deleted; a model an app
registered with `register_model`; a snippet shown site-wide) makes it stale, exactly as it
makes the cached search pages themselves stale, and like them it never outlives the next
midnight or scheduled go-live/expiry (`next_time_boundary`). So the value is never older than
a cached search page would be.

The versions are read before computing, as the middleware reads them before rendering: a
change that lands while the value is computed leaves it under the old versions, and the next
call computes again. When the cache cannot be read, nothing is kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.utils import timezone

from . import cache as cache_module
from .cache import (
    ALL_GROUP,
    CONTENT_GROUP,
    _version_key,
    add_missing_group_versions,
    get_cache,
    next_time_boundary,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

_NAMES = [f"group:{ALL_GROUP}", f"group:{CONTENT_GROUP}"]
_kept: dict[str, tuple[list[str], datetime, Any]] = {}
_lock = threading.Lock()


_request = threading.local()


def request_started(**kwargs) -> None:
    """A request reads the versions once, however many derived values it asks for."""
    _request.versions = None


def request_finished(**kwargs) -> None:
    _request.__dict__.pop("versions", None)


def _versions() -> list[str] | None:
    """The current versions; inside a request, those read at its first call (unless this
    process purged since), as the page cache reads its versions once before rendering."""
    in_request = hasattr(_request, "versions")
    if in_request and _request.versions is not None:
        read_after, versions = _request.versions
        if read_after == cache_module.purges_applied:
            return versions
    read_after = cache_module.purges_applied
    versions = _read_versions()
    if in_request and versions is not None:
        _request.versions = (read_after, versions)
    return versions


def _read_versions() -> list[str] | None:
    cache = get_cache()
    keys = [_version_key(name) for name in _NAMES]
    try:
        found = cache.get_many(keys)
        add_missing_group_versions(cache, _NAMES, found)
    except Exception:
        logger.warning("页面缓存不可用，站点派生数据不作保留", exc_info=True)
        return None
    versions = [found.get(key) for key in keys]
    return None if None in versions else versions


def kept_until_content_changes(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, or the value it gave before if the site's content has not changed since.

    ``name`` identifies the value in this process (one entry per name).
    """
    versions = _versions()
    if versions is None:
        return compute()
    now = timezone.now()
    with _lock:
        kept = _kept.get(name)
    if kept is not None and kept[0] == versions and now < kept[1]:
        return kept[2]
    boundary = next_time_boundary(now)
    value = compute()
    with _lock:
        _kept[name] = (versions, boundary, value)
    return value


def forget() -> None:
    """Drop every kept value (tests, which roll the database back under a kept value)."""
    with _lock:
        _kept.clear()
