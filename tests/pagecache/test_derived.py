"""Values derived from the site's content, kept until a purge says the content changed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page, Site

from pagecache import kept_until_content_changes, purge_all, purge_groups, purge_urls
from pagecache.derived import forget
from website.sites import current_site


@pytest.fixture(autouse=True)
def empty_page_cache():
    caches["pages"].clear()
    forget()
    yield
    caches["pages"].clear()


class Counter:
    """A computation that says how often it ran."""

    def __init__(self):
        self.runs = 0

    def __call__(self):
        self.runs += 1
        return self.runs


def test_kept_while_nothing_changes(db):
    compute = Counter()
    assert [kept_until_content_changes("n", compute) for _ in range(3)] == [1, 1, 1]


def test_recomputed_after_any_content_purge(db, django_capture_on_commit_callbacks):
    compute = Counter()
    kept_until_content_changes("n", compute)
    with django_capture_on_commit_callbacks(execute=True):
        purge_urls(["/notices/x/"])  # purges the content group by default
    assert kept_until_content_changes("n", compute) == 2
    with django_capture_on_commit_callbacks(execute=True):
        purge_all()
    assert kept_until_content_changes("n", compute) == 3


def test_a_purge_of_another_group_leaves_it(db, django_capture_on_commit_callbacks):
    compute = Counter()
    kept_until_content_changes("n", compute)
    with django_capture_on_commit_callbacks(execute=True):
        purge_groups("verify")
    assert kept_until_content_changes("n", compute) == 1


def test_publishing_a_page_makes_it_stale(home_page, django_capture_on_commit_callbacks):
    titles = lambda: sorted(Page.objects.live().values_list("title", flat=True))  # noqa: E731
    assert "新页" not in kept_until_content_changes("titles", titles)
    page = home_page.add_child(instance=Page(title="新页", slug="new", live=False))
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert "新页" in kept_until_content_changes("titles", titles)


def test_never_kept_past_a_scheduled_expiry(home_page):
    compute = Counter()
    now = timezone.now()
    page = home_page.add_child(instance=Page(title="将到期", slug="expiring"))
    Page.objects.filter(pk=page.pk).update(expire_at=now + dt.timedelta(minutes=5))
    with time_machine.travel(now, tick=False):
        assert kept_until_content_changes("n", compute) == 1
        assert kept_until_content_changes("n", compute) == 1
    with time_machine.travel(now + dt.timedelta(minutes=6), tick=False):
        assert kept_until_content_changes("n", compute) == 2


def test_nothing_is_kept_when_the_page_cache_cannot_be_read(db, monkeypatch):
    compute = Counter()

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(caches["pages"], "get_many", broken)
    assert [kept_until_content_changes("n", compute) for _ in range(2)] == [1, 2]


def test_a_change_during_the_computation_is_not_hidden(db, django_capture_on_commit_callbacks):
    """The versions are read before computing: a purge while it runs leaves the value under
    the old versions, and the next call computes again."""
    runs = []

    def compute():
        runs.append(1)
        if len(runs) == 1:
            with django_capture_on_commit_callbacks(execute=True):
                purge_all()
        return len(runs)

    assert kept_until_content_changes("n", compute) == 1
    assert kept_until_content_changes("n", compute) == 2
    assert kept_until_content_changes("n", compute) == 2


@override_settings(ALLOWED_HOSTS=["www.example.cn", "testserver"])
def test_the_request_site_is_kept_per_host_and_follows_a_site_change(
    home_page, rf, django_capture_on_commit_callbacks, django_assert_num_queries
):
    site = Site.objects.get(is_default_site=True)
    assert current_site(rf.get("/", HTTP_HOST="www.example.cn")) == site
    with django_assert_num_queries(0):
        request = rf.get("/", HTTP_HOST="www.example.cn")
        assert current_site(request) == site
        assert Site.find_for_request(request) == site  # Wagtail reuses it
    other = Site.objects.create(hostname="www.example.cn", root_page=home_page, site_name="新站")
    with django_capture_on_commit_callbacks(execute=True):
        other.save()
    assert current_site(rf.get("/", HTTP_HOST="www.example.cn")) == other


def test_a_request_reads_the_versions_once(client, home_page, monkeypatch):
    """However many derived values a page asks for (the search page: its filters and the
    pages it hides), the versions are read once per request; the next request reads them
    again."""
    from pagecache import derived

    reads = []
    read = derived._read_versions
    monkeypatch.setattr(derived, "_read_versions", lambda: reads.append(1) or read())
    calls = []
    kept = derived.kept_until_content_changes

    def counting(name, compute):
        calls.append(name)
        return kept(name, compute)

    monkeypatch.setattr("search.views.kept_until_content_changes", counting)
    monkeypatch.setattr("search.site.kept_until_content_changes", counting)
    for _ in range(2):
        assert client.get("/search/", {"q": "评审"}).status_code == 200
    assert len(calls) >= 4
    assert len(reads) == 2


def test_a_purge_inside_a_request_is_seen_by_its_later_calls(
    db, django_capture_on_commit_callbacks
):
    """(The request signals' handlers called directly: sending Django's own signals here would
    also close the test's database connection.)"""
    from pagecache import derived

    compute = Counter()
    derived.request_started()
    try:
        assert kept_until_content_changes("n", compute) == 1
        assert kept_until_content_changes("n", compute) == 1
        with django_capture_on_commit_callbacks(execute=True):
            purge_all()
        assert kept_until_content_changes("n", compute) == 2
    finally:
        derived.request_finished()
