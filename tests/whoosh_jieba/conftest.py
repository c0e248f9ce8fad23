"""Every backend test starts from an empty index (the index lives outside the test database,
so the database rollback between tests does not clear it). The pages live under a section of
their own; nothing of the site's content or models is needed."""

import pytest


@pytest.fixture(autouse=True)
def empty_index(search_index):
    return search_index


@pytest.fixture
def section(db):
    """A live page at depth 2 that the tests' pages go under (the tree root is Wagtail's)."""
    from django.conf import settings
    from wagtail.models import Locale, Page

    from tests.whoosh_jieba.testapp.models import ArticlePage

    root = Page.get_first_root_node()
    if root is None:  # a transactional test's flush removed Wagtail's initial tree
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    page = ArticlePage(title="测试首页", slug="whoosh-jieba-tests", live=False)
    root.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def make_page(section):
    """Create a published child page of the section (or of ``parent``) with the given title;
    ``article=True`` makes it the test app's ArticlePage."""
    from wagtail.models import Page

    from tests.factories import page_maker
    from tests.whoosh_jieba.testapp.models import ArticlePage

    make = page_maker(section)

    def make_titled(title, parent=None, live=True, article=False):
        return make(title, parent, live, ArticlePage if article else Page)

    return make_titled
