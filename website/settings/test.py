"""Settings for the test suite: the embedded default, isolated state, fast hashing."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from .dev import *  # noqa: F403

DEBUG = False
# Models of the whoosh_jieba backend's own tests (a page type and a plain model of no domain).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.whoosh_jieba.testapp"]  # noqa: F405


def _scratch_dir() -> Path:
    """A folder of this test process's own, removed when the process exits: each import in a
    new process (pytest, xdist workers, subprocesses) made one and left it in /tmp. Forked
    children (the issuance pool) share it and exit without removing it."""
    path = Path(tempfile.mkdtemp(prefix="zc-test-"))
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(path, ignore_errors=True)

    atexit.register(remove)
    return path


_TEST_VAR = _scratch_dir()
MEDIA_ROOT = _TEST_VAR / "media"
PRIVATE_MEDIA_ROOT = _TEST_VAR / "private"
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT  # noqa: F405
STATIC_ROOT = _TEST_VAR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WAGTAILSEARCH_BACKENDS["default"]["INDEX_PATH"] = _TEST_VAR / "search"  # noqa: F405
# Writing the Whoosh index costs about half a second per page save; only tests that search
# turn it on (the `search_index` fixture), which also gives them an empty index.
WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "queue": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
# The page cache stays off so other apps' tests see fresh renders; tests/pagecache/test_cache.py
# turns it on with override_settings.
PAGE_CACHE_ENABLED = False
CACHES = {
    **CACHES,  # noqa: F405
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
