"""Fixtures of the page-cache tests: the site's notices, without search indexing."""

import pytest

from pagecache import cache


@pytest.fixture
def no_indexing(settings):
    backends = {name: dict(conf) for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()}
    for conf in backends.values():
        conf["AUTO_UPDATE"] = False
    settings.WAGTAILSEARCH_BACKENDS = backends


@pytest.fixture
def notices(home_page, authority, no_indexing):
    from notices.demo import ensure_index_pages
    from tests.website.test_query_counts import add_notices

    columns = ensure_index_pages()
    add_notices(columns, authority, 2)
    cache._pending.batch = None
    from notices.models import NoticePage, TemplatePage

    return list(NoticePage.objects.order_by("pk")), list(TemplatePage.objects.order_by("pk"))
