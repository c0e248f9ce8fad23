"""Every search test starts from an empty index (the index lives outside the test database,
so the database rollback between tests does not clear it)."""

import pytest


@pytest.fixture(autouse=True)
def empty_index(search_index):
    return search_index


@pytest.fixture
def make_page(home_page):
    """Create a published child page of the home page with the given title."""
    from wagtail.models import Page

    counter = {"n": 0}

    def make(title, parent=None, live=True):
        counter["n"] += 1
        page = Page(title=title, slug=f"p{counter['n']}", live=False)
        (parent or home_page).add_child(instance=page)
        if live:
            page.save_revision().publish()
            page.refresh_from_db()
        return page

    return make
