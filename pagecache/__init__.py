"""The anonymous page cache with exact invalidation, as a small reusable app.

Public API (what the site's apps may import; the layer test allows nothing deeper):

- `cacheable_page`: opt a public view's anonymous responses into the cache;
- `purge_page`, `purge_urls`, `purge_groups`, `purge_all`: invalidate after a change the signals
  do not see (e.g. a ``bulk_create``);
- `register_model`: from an app's ``AppConfig.ready``, say what to purge when its model changes;
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
from .rules import register_model

__all__ = [
    "ALL_GROUP",
    "CONTENT_GROUP",
    "VERIFY_GROUP",
    "cacheable_page",
    "purge_all",
    "purge_groups",
    "purge_page",
    "purge_urls",
    "register_model",
]
