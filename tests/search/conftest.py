"""Every search test starts from an empty index (the index lives outside the test database,
so the database rollback between tests does not clear it)."""

import pytest


@pytest.fixture(autouse=True)
def empty_index(search_index):
    return search_index


@pytest.fixture
def make_page(home_page):
    """Create a published child page of the home page with the given title."""
    from tests.factories import page_maker

    return page_maker(home_page)
