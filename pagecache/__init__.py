"""The anonymous page cache with exact invalidation, as a small reusable app.

Public API (what the site's apps may import; the layer test allows nothing deeper):

- `cacheable_page`: opt a public view's anonymous responses into the cache;
- `purge_page`, `purge_urls`, `purge_groups`, `purge_all`: invalidate after a change the signals
  do not see (e.g. a ``bulk_create``);
- `register_model`: from an app's ``AppConfig.ready``, say what to purge when its model changes;
- `kept_until_content_changes`: a value derived from the whole site's content (a filter's
  choices), kept in the process until a purge of the content says it changed;
- the group names `ALL_GROUP`, `CONTENT_GROUP`, `VERIFY_GROUP`.

The middleware is `pagecache.middleware.PageCacheMiddleware`.
"""

from .cache import (
    ALL_GROUP,
    CONTENT_GROUP,
    VERIFY_GROUP,
    purge_all,
    purge_groups,
    purge_page,
    purge_urls,
)
from .decorators import cacheable_page
from .derived import kept_until_content_changes
from .rules import register_model

__all__ = [
    "ALL_GROUP",
    "CONTENT_GROUP",
    "VERIFY_GROUP",
    "cacheable_page",
    "kept_until_content_changes",
    "purge_all",
    "purge_groups",
    "purge_page",
    "purge_urls",
    "register_model",
]
