"""Per-app purge rules and the pages that show a page (Wagtail's ReferenceIndex)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction

import pagecache
from pagecache import cache, rules

pytestmark = pytest.mark.django_db

PAGECACHE_DIR = Path(pagecache.__file__).parent
SITE_APPS = ("website", "notices", "publicity", "approvals", "search")


@pytest.fixture(autouse=True)
def clean_page_cache():
    caches["pages"].clear()
    yield
    cache._pending.batch = None  # purges waiting for a commit the test never makes
    caches["pages"].clear()


def version(name: str):
    return caches["pages"].get(cache._version_key(name))


def stamp(*names: str) -> None:
    """Give each dependency a known version, so a purge shows as a changed one."""
    caches["pages"].set_many({cache._version_key(n): "before" for n in names}, None)


def purged(name: str) -> bool:
    return version(name) not in (None, "before")


def republish(page, capture) -> None:
    page.title += "（修订）"
    with capture(execute=True):
        page.save_revision().publish()


# ---- each app registers its own models ----------------------------------------------------------


def test_each_app_registers_its_own_models_rules():
    registered = rules.registered_rules()
    for label in ("website.Authority", "website.Series", "website.Specialty"):
        assert registered[label].everything, label
    # Wagtail's own models shown site-wide, registered by pagecache itself.
    for label in ("wagtailcore.Site", "wagtaildocs.Document", "wagtailimages.Image"):
        assert registered[label].everything, label
    for label in ("notices.NoticePhase", "notices.NoticeAttachment", "publicity.PublicityEntry"):
        rule = registered[label]
        assert (rule.everything, rule.groups, rule.page_types) == (False, ("content",), ()), label
    assert registered["publicity.CalendarDay"].everything
    document = registered["approvals.ApprovalDocument"]
    assert document.page_types == ("approvals.ApprovalIndexPage",)
    certificate = registered["approvals.Certificate"]
    assert certificate.page_types == ("approvals.ApprovalIndexPage",)
    assert set(certificate.groups) == {pagecache.CONTENT_GROUP, pagecache.VERIFY_GROUP}


def _strings_and_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node is not getattr(tree.body[0], "value", None):  # the module docstring
                found.append(node.value)
    return found


def test_pagecache_names_no_app_model_by_label():
    """Rules live with the apps: pagecache's code holds no "app.Model" label of the site's apps."""
    offenders = [
        (path.name, text)
        for path in PAGECACHE_DIR.rglob("*.py")
        for text in _strings_and_names(path)
        if any(text.startswith(app + ".") and text[len(app) + 1 : len(app) + 2].isupper()
               for app in SITE_APPS)
    ]  # fmt: skip
    assert offenders == []


def test_registering_a_model_purges_on_save_and_delete(
    home_page, django_capture_on_commit_callbacks
):
    """A model registered from an app's ready() purges what its foreign keys point at."""
    uid = "pagecache:wagtailcore.PageViewRestriction"
    pagecache.register_model(PageViewRestriction, groups=[pagecache.VERIFY_GROUP])
    try:
        stamp(f"path:{home_page.url}", "group:verify")
        restriction = PageViewRestriction(page=home_page, restriction_type="password")
        with django_capture_on_commit_callbacks(execute=True):
            restriction.save()
        assert purged(f"path:{home_page.url}") and purged("group:verify")
        stamp(f"path:{home_page.url}", "group:verify")
        with django_capture_on_commit_callbacks(execute=True):
            restriction.delete()
        assert purged(f"path:{home_page.url}") and purged("group:verify")
    finally:
        post_save.disconnect(sender=PageViewRestriction, dispatch_uid=uid + ":save")
        post_delete.disconnect(sender=PageViewRestriction, dispatch_uid=uid + ":delete")
        rules._model_rules.pop("wagtailcore.PageViewRestriction", None)


def test_an_app_rule_purges_the_page_its_row_belongs_to(
    home_page, authority, django_capture_on_commit_callbacks
):
    """publicity.PublicityEntry, registered by PublicityConfig.ready: an entry edited outside a
    revision purges its publicity page (its foreign key) and the site-wide listings."""
    from publicity.demo import ensure_index
    from publicity.models import PublicityEntry, PublicityPage

    page = ensure_index(home_page).add_child(
        instance=PublicityPage(
            title="测试公示", slug="running", authority=authority, start_date=dt.date(2023, 11, 1),
            review_committee="工程系列中级评审委员会", objection_contact="电话：0991—3757772",
        )
    )  # fmt: skip
    cache._pending.batch = None
    stamp(f"path:{page.url}", "path:/publicity/", "group:content")
    with django_capture_on_commit_callbacks(execute=True):
        PublicityEntry.objects.create(
            publicity=page, name="王小明", gender="男", id_hash="x" * 64, id_masked="6501**********0012",
            unit="某单位", series="工程系列", specialty="建筑工程", level="中级", qualification="工程师",
        )  # fmt: skip
    assert purged(f"path:{page.url}") and purged("path:/publicity/") and purged("group:content")


# ---- pages that show a page: Wagtail's ReferenceIndex ------------------------------------------


@pytest.fixture
def linked(home_page, authority, settings):
    """Two notices each listing its own template (attachments), a publicity naming notice 0."""
    from notices.demo import ensure_index_pages
    from notices.models import NoticePage, TemplatePage
    from publicity.demo import ensure_index
    from publicity.models import PublicityPage
    from tests.website.test_query_counts import add_notices

    backends = {name: dict(conf) for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()}
    for conf in backends.values():
        conf["AUTO_UPDATE"] = False
    settings.WAGTAILSEARCH_BACKENDS = backends
    add_notices(ensure_index_pages(), authority, 2)
    notices = list(NoticePage.objects.order_by("pk"))
    templates = list(TemplatePage.objects.order_by("pk"))
    publicity = ensure_index(home_page).add_child(
        instance=PublicityPage(
            title="测试公示", slug="running", authority=authority, start_date=dt.date(2023, 11, 1),
            review_committee="工程系列中级评审委员会", objection_contact="电话：0991—3757772",
            notice=notices[0],
        )
    )  # fmt: skip
    publicity.save_revision().publish()
    cache._pending.batch = None
    return {"notices": notices, "templates": templates, "publicity": publicity}


def test_the_reference_index_knows_which_pages_show_a_page(linked):
    notices, templates, publicity = linked["notices"], linked["templates"], linked["publicity"]
    # An inline (ParentalKey) attachment row's foreign key is recorded under its notice.
    assert cache.referencing_page_ids(templates[0]) == {notices[0].pk}
    assert cache.referencing_page_ids(templates[1]) == {notices[1].pk}
    # A page's own foreign key: the publicity names its notice.
    assert cache.referencing_page_ids(notices[0]) == {publicity.pk}
    assert cache.referencing_page_ids(notices[1]) == set()


def test_publishing_a_template_purges_the_notice_that_lists_it(
    linked, django_capture_on_commit_callbacks
):
    first, second = linked["notices"]
    stamp(f"path:{first.url}", f"path:{second.url}")
    republish(linked["templates"][0], django_capture_on_commit_callbacks)
    assert purged(f"path:{first.url}")
    assert version(f"path:{second.url}") == "before"  # lists another template


def test_publishing_a_notice_purges_the_publicity_naming_it(
    linked, django_capture_on_commit_callbacks
):
    publicity = linked["publicity"]
    stamp(f"path:{publicity.url}")
    republish(linked["notices"][1], django_capture_on_commit_callbacks)
    assert version(f"path:{publicity.url}") == "before"  # names the other notice
    republish(linked["notices"][0], django_capture_on_commit_callbacks)
    assert purged(f"path:{publicity.url}")


def test_a_reference_added_in_a_revision_is_followed(linked, django_capture_on_commit_callbacks):
    """The index follows edits: a notice that starts listing a template is purged with it."""
    from notices.models import NoticeAttachment

    second = linked["notices"][1]
    listed = linked["templates"][0]
    second.attachments.add(NoticeAttachment(title="新增附件", template_page=listed))
    republish(second, django_capture_on_commit_callbacks)
    assert second.pk in cache.referencing_page_ids(listed)
    stamp(f"path:{second.url}")
    republish(listed, django_capture_on_commit_callbacks)
    assert purged(f"path:{second.url}")
