"""Fixtures shared by the whole suite."""

import pytest


@pytest.fixture
def home_page(db):
    """The site structure of load_demo: home page, default site, authorities, series."""
    from website.demo import ensure_authorities, ensure_home_page, ensure_series

    home = ensure_home_page()
    ensure_authorities()
    ensure_series()
    return home


@pytest.fixture
def authority(home_page):
    from website.models import Authority

    return Authority.objects.get(slug="toutunhe")


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "editor", "editor@example.cn", "pw-editor-123"
    )
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def clear_cache():
    """An empty default cache before and after the test (rate-limit counters live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def search_index(settings):
    """An empty search index that follows every change, as on the site.

    The test settings keep the index out of page saves (it is slow and lives outside the
    database, so rollbacks would not clear it); tests that search ask for this fixture.
    """
    from modelsearch.backends import get_search_backend

    backends = {name: dict(config) for name, config in settings.WAGTAILSEARCH_BACKENDS.items()}
    backends["default"]["AUTO_UPDATE"] = True
    settings.WAGTAILSEARCH_BACKENDS = backends
    backend = get_search_backend()
    backend.reset_indexes()
    return backend


@pytest.fixture(autouse=True)
def forget_derived_values():
    """No value derived from another test's (rolled back) content survives into this one:
    a rollback changes the content without the purge that would say so."""
    from pagecache.derived import forget

    forget()
    yield
    forget()
