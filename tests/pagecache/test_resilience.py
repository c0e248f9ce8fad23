"""Page-cache keys: created only for stored 200 responses, and every one expires."""

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache = caches["pages"]
    cache.clear()
    yield cache
    cache.clear()


def test_404_paths_create_no_keys(client, home_page, page_cache):
    """Arbitrary paths cannot fill the cache: they add no key of their own, only (once) the
    versions of the fixed groups every page depends on."""
    from pagecache import cache

    for index in range(50):
        assert client.get(f"/no-such-page-{index}/").status_code == 404
    groups = [cache.ALL_GROUP, cache.CONTENT_GROUP, cache.VERIFY_GROUP]
    allowed = {page_cache.make_key(cache._version_key(f"group:{g}")) for g in groups}
    assert set(page_cache._cache) <= allowed


def test_a_stored_page_and_its_version_keys_expire(client, home_page, page_cache):
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    assert len(page_cache._cache) >= 2
    assert all(expiry is not None for expiry in page_cache._expire_info.values())


def test_purged_versions_expire_too(home_page, page_cache, django_capture_on_commit_callbacks):
    from pagecache import cache

    with django_capture_on_commit_callbacks(execute=True):
        cache.purge_urls(["/"])
    assert page_cache._expire_info
    assert all(expiry is not None for expiry in page_cache._expire_info.values())
