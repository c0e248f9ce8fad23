"""Fixtures of the notices tests: the column pages and a published seed notice."""

import pytest

from notices.demo import seeds_dir

SEEDS = seeds_dir()


@pytest.fixture(autouse=True)
def _fresh_page_cache(settings):
    """The anonymous page cache is keyed by URL; seed notices get the same URL in every test.
    (Search indexing is off by default in the test settings.)"""
    from django.core.cache import caches

    if "pages" in settings.CACHES:
        caches["pages"].clear()


@pytest.fixture
def columns(home_page):
    """(NoticeIndexPage, TemplateIndexPage) at /notices/ and /downloads/."""
    from notices.demo import ensure_index_pages

    return ensure_index_pages()


def import_seed(name: str, slug: str, publish: bool = True):
    from notices.importer import parse_file
    from notices.importer.create import create_notice_page
    from website.models import Authority

    parsed = parse_file((SEEDS / name).read_bytes(), name)
    return create_notice_page(parsed, authority=Authority.objects.get(slug=slug), publish=publish)


@pytest.fixture
def bayingol_notice(columns):
    return import_seed("2023-bayingol-engineering-notice.txt", "bayingol")


@pytest.fixture
def toutunhe_notice(columns):
    return import_seed("2023-toutunhe-engineering-notice.txt", "toutunhe")
