"""What /healthz reports: one named check per dependency, each True (ok) or an error text.

The base checks (database, cache, task queue) live here; apps add theirs with
:func:`register` from their ``AppConfig.ready`` (approvals: the signing keys), so this layer
never imports a higher one.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connection

logger = logging.getLogger(__name__)

Check = Callable[[], None]  # raises on failure
_checks: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    _checks[name] = check


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    """A write and read-back in every configured cache (IGNORE_EXCEPTIONS would hide a get)."""
    for alias in settings.CACHES:
        cache = caches[alias]
        key, value = "healthz:probe", secrets.token_hex(4)
        cache.set(key, value, 30)
        if cache.get(key) != value:
            raise RuntimeError(f"缓存 {alias} 无法读写")


def check_queue() -> None:
    """The queue that long work is enqueued on answers (django-tasks-db: its table is readable)."""
    from django_tasks import task_backends

    backend = task_backends["queue"]
    if type(backend).__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        # The backend's alias names the task backend, not a database: the router picks that.
        DBTaskResult.objects.exists()


def run_checks() -> dict[str, str]:
    """Every check's verdict: "ok" or a short error (details go to the log, not the answer)."""
    checks = {"database": check_database, "cache": check_cache, "queue": check_queue, **_checks}
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:
            logger.error("健康检查 %s 失败", name, exc_info=True)
            results[name] = f"error: {type(error).__name__}"
        else:
            results[name] = "ok"
    return results
