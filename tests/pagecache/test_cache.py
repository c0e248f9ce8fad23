"""The anonymous page cache: what is cached, what never is, and exact invalidation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail.models import Page, PageViewRestriction

from pagecache import cache, cacheable_page, middleware, rules
from tests.factories import CertificateFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
RENDERS = {"count": 0}


# ---- test-only views, served through this module as the URLconf ------------------------------


@cacheable_page
def search_view(request):
    """Stands in for the site search: lists live page titles, so any publish changes it."""
    titles = sorted(Page.objects.live().filter(depth__gt=1).values_list("title", flat=True))
    return HttpResponse("|".join(titles))


@cacheable_page
def form_view(request):
    """A public page with a form: embeds a CSRF token."""
    template = engines["django"].from_string(
        '<form method="post">{% csrf_token %}<input name="x"></form>'
    )
    if request.method == "POST":
        return HttpResponse("posted:" + request.POST.get("x", ""))
    return HttpResponse(template.render({}, request))


@cacheable_page
def cookie_view(request):
    response = HttpResponse("with cookie")
    response.set_cookie("seen", "1")
    return response


@cacheable_page
@never_cache
def personal_view(request):
    return HttpResponse("your certificate")


def unlisted_view(request):
    """Not opted in: never cached, whatever it returns."""
    RENDERS["count"] += 1
    return HttpResponse(f"render {RENDERS['count']}")


@cacheable_page
def counter_view(request):
    RENDERS["count"] += 1
    return HttpResponse(f"render {RENDERS['count']} {request.GET.urlencode()}")


@cacheable_page
def racing_view(request):
    """An edit commits while this request renders: what it stored must not be served."""
    RENDERS["count"] += 1
    cache.purge_urls([request.path])
    return HttpResponse(f"render {RENDERS['count']}")


@cacheable_page
def verify_view(request, number):
    RENDERS["count"] += 1
    return JsonResponse({"render": RENDERS["count"]})


urlpatterns = [
    path("search/", search_view),
    path("form/", form_view),
    path("cookie/", cookie_view),
    path("personal/", personal_view),
    path("unlisted/", unlisted_view),
    path("counter/", counter_view),
    path("racing/", racing_view),
    path("verify/<str:number>/", verify_view),
    path("", include(wagtail_urls)),
]


class RecordingFrontendBackend:
    """A frontend-cache backend (CDN stand-in) that records what it was asked to purge."""

    purged: list[str] = []

    def __init__(self, params):
        pass

    def invalidates_hostname(self, hostname):
        return True

    def purge_batch(self, urls):
        type(self).purged.extend(urls)


# ---- fixtures -----------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db

cache_on = override_settings(
    PAGE_CACHE_ENABLED=True,
    ROOT_URLCONF="tests.pagecache.test_cache",
    PAGE_CACHE_TIMEOUT=3600,
)


@pytest.fixture(autouse=True)
def clean_page_cache():
    caches["pages"].clear()
    RENDERS["count"] = 0
    yield
    # Purges waiting for a commit that the test transaction never makes must not leak.
    cache._pending.batch = None
    caches["pages"].clear()


@pytest.fixture
def tree(home_page):
    """home / section / (alpha, beta), all plain Wagtail pages (template wagtailcore/page.html)."""
    cache._pending.batch = None  # the fixtures' own purges wait for a commit that never comes
    section = home_page.add_child(instance=Page(title="栏目", slug="section"))
    alpha = section.add_child(instance=Page(title="甲页", slug="alpha"))
    beta = section.add_child(instance=Page(title="乙页", slug="beta"))
    other = home_page.add_child(instance=Page(title="另一栏目", slug="other"))
    return {"home": home_page, "section": section, "alpha": alpha, "beta": beta, "other": other}


def state(client: Client, url: str, **extra) -> str:
    return client.get(url, **extra).headers.get("X-Page-Cache", "")


def assert_states(client: Client, expected: dict[str, str]) -> None:
    """Each URL answers with the cache state expected: what a change purged and what it left."""
    assert {url: state(client, url) for url in expected} == expected


def republish(page: Page, title: str, capture) -> None:
    page.title = title
    with capture(execute=True):
        page.save_revision().publish()


# ---- what is cached -----------------------------------------------------------------------------


def test_off_by_default_in_tests(client, tree):
    first = client.get("/section/alpha/")
    assert first.status_code == 200
    assert "X-Page-Cache" not in first.headers
    assert "X-Page-Cache" not in client.get("/section/alpha/").headers


@cache_on
def test_anonymous_page_is_stored_then_replayed(client, tree):
    first = client.get("/section/alpha/")
    second = client.get("/section/alpha/")
    assert (first.headers["X-Page-Cache"], second.headers["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert "甲页" in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]


@cache_on
def test_a_hit_runs_no_query(client, tree, django_assert_num_queries):
    client.get("/section/alpha/")
    with django_assert_num_queries(0):
        assert state(client, "/section/alpha/") == "hit"


@cache_on
def test_large_pages_are_stored_gzipped_and_sent_to_clients_that_accept_it(client, tree):
    import gzip

    # Title at most 255 characters; shown twice, it makes the page more than 1 KB.
    Page.objects.filter(pk=tree["alpha"].pk).update(title="甲页" + "长标题" * 80)
    plain = client.get("/section/alpha/")
    assert len(plain.content) > 1024
    assert plain["X-Page-Cache"] == "miss" and "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    zipped = client.get("/section/alpha/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["X-Page-Cache"] == "hit" and zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content)
    again = client.get("/section/alpha/")
    assert again["X-Page-Cache"] == "hit" and "Content-Encoding" not in again
    assert again.content == plain.content


@cache_on
def test_head_is_answered_from_the_get_entry_without_body(client, tree):
    client.get("/section/alpha/")
    response = client.head("/section/alpha/")
    assert response.headers["X-Page-Cache"] == "hit"
    assert response.content == b""


@cache_on
def test_query_strings_are_separate_entries(client, tree):
    assert client.get("/counter/?page=1").content == b"render 1 page=1"
    assert client.get("/counter/?page=2").content == b"render 2 page=2"
    assert client.get("/counter/?page=1").content == b"render 1 page=1"


# ---- what is never cached -----------------------------------------------------------------------


@cache_on
def test_logged_in_users_bypass_the_cache(admin_client, tree):
    Client().get("/section/alpha/")  # cached for anonymous visitors
    response = admin_client.get("/section/alpha/")
    assert "X-Page-Cache" not in response.headers  # neither read nor written
    assert response.status_code == 200


@cache_on
def test_a_logged_in_render_is_never_stored_for_anonymous_visitors(admin_client, tree):
    admin_client.get("/section/alpha/")
    assert state(Client(), "/section/alpha/") == "miss"


@cache_on
def test_posts_are_not_cached(client, tree):
    client.get("/counter/")
    response = client.post("/counter/")
    assert "X-Page-Cache" not in response.headers
    assert response.content == b"render 2 "


@cache_on
def test_pages_with_a_csrf_token_are_never_cached_and_their_form_works(tree):
    visitor = Client(enforce_csrf_checks=True)
    first = visitor.get("/form/")
    again = visitor.get("/form/")  # with the csrftoken cookie now set
    assert first.headers["X-Page-Cache"] == again.headers["X-Page-Cache"] == "skip"
    token = again.content.decode().split('value="')[1].split('"')[0]
    posted = visitor.post("/form/", {"x": "ok", "csrfmiddlewaretoken": token})
    assert posted.content == b"posted:ok"
    # A second visitor gets their own token, not the first one's.
    other = Client(enforce_csrf_checks=True).get("/form/")
    assert token not in other.content.decode()


@cache_on
def test_responses_setting_cookies_are_not_cached(client, tree):
    assert state(client, "/cookie/") == "skip"
    assert state(Client(), "/cookie/") == "skip"


@cache_on
def test_never_cache_responses_are_not_cached(client, tree):
    assert state(client, "/personal/") == "skip"
    assert state(client, "/personal/") == "skip"


@cache_on
def test_views_not_opted_in_are_not_cached(client, tree):
    assert client.get("/unlisted/").content == b"render 1"
    assert client.get("/unlisted/").content == b"render 2"


@cache_on
def test_not_found_is_not_cached(client, tree):
    assert client.get("/no-such-page/").status_code == 404
    assert state(client, "/no-such-page/") == "skip"


@cache_on
def test_admin_and_previews_are_never_touched(admin_client, tree):
    response = admin_client.get(f"/admin/pages/{tree['alpha'].pk}/edit/preview/")
    assert "X-Page-Cache" not in response.headers
    assert "X-Page-Cache" not in Client().get("/admin/login/").headers


def test_page_cache_decision_is_a_plain_function(rf, tree):
    request = rf.get("/x/")
    response = HttpResponse("x")
    response.set_cookie("a", "b")
    assert middleware.response_is_cacheable(request, response) is False


# ---- exact invalidation -------------------------------------------------------------------------


@cache_on
def test_publishing_purges_the_page_its_index_and_the_home_page_only(
    client, tree, django_capture_on_commit_callbacks
):
    for url in ("/", "/section/", "/section/alpha/", "/section/beta/", "/other/"):
        client.get(url)
        assert state(client, url) == "hit"
    republish(tree["alpha"], "甲页（修订）", django_capture_on_commit_callbacks)
    assert "甲页（修订）" in client.get("/section/alpha/").content.decode()
    assert state(client, "/section/alpha/") == "hit"  # cached again, with the new title
    # What shows the page was purged; its sibling and the other column were not.
    assert_states(
        client, {"/": "miss", "/section/": "miss", "/section/beta/": "hit", "/other/": "hit"}
    )


@cache_on
def test_publishing_purges_every_query_string_of_the_page(
    client, tree, django_capture_on_commit_callbacks
):
    client.get("/section/?page=2")
    assert state(client, "/section/?page=2") == "hit"
    republish(tree["section"], "栏目（修订）", django_capture_on_commit_callbacks)
    assert state(client, "/section/?page=2") == "miss"


@cache_on
def test_any_content_change_invalidates_search_results(
    client, tree, django_capture_on_commit_callbacks, search_index
):
    assert "甲页（修订）" not in client.get("/search/?q=甲").content.decode()
    assert state(client, "/search/?q=甲") == "hit"
    republish(tree["alpha"], "甲页（修订）", django_capture_on_commit_callbacks)
    assert "甲页（修订）" in client.get("/search/?q=甲").content.decode()


@cache_on
def test_unpublishing_removes_the_page_at_once(
    client, tree, django_capture_on_commit_callbacks, search_index
):
    client.get("/section/alpha/")
    client.get("/section/")
    with django_capture_on_commit_callbacks(execute=True):
        tree["alpha"].unpublish()
    assert client.get("/section/alpha/").status_code == 404
    assert state(client, "/section/") == "miss"
    assert "甲页" not in client.get("/search/").content.decode()


@cache_on
def test_deleting_purges_the_page_and_its_index(client, tree, django_capture_on_commit_callbacks):
    client.get("/section/alpha/")
    client.get("/section/")
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=tree["alpha"].pk).delete()
    assert client.get("/section/alpha/").status_code == 404
    assert state(client, "/section/") == "miss"


@cache_on
def test_moving_purges_old_and_new_urls_and_both_indexes(
    client, tree, django_capture_on_commit_callbacks
):
    for url in ("/section/", "/section/alpha/", "/other/"):
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=tree["alpha"].pk).move(tree["other"], pos="last-child")
    # The old URL is no longer the cached page: Wagtail's automatic redirect answers it.
    old = client.get("/section/alpha/")
    assert (old.status_code, old["Location"]) == (301, "/other/alpha/")
    assert "甲页" in client.get("/other/alpha/").content.decode()
    assert_states(client, {"/section/": "miss", "/other/": "miss"})


@cache_on
def test_changing_a_slug_purges_the_old_url_of_the_subtree(
    client, tree, django_capture_on_commit_callbacks
):
    client.get("/section/alpha/")
    section = Page.objects.get(pk=tree["section"].pk)
    section.slug = "renamed"
    with django_capture_on_commit_callbacks(execute=True):
        section.save_revision().publish()
    old = client.get("/section/alpha/")
    assert (old.status_code, old["Location"]) == (301, "/renamed/alpha/")
    assert client.get("/renamed/alpha/").status_code == 200


@cache_on
def test_a_snippet_shown_site_wide_purges_everything(
    client, tree, authority, django_capture_on_commit_callbacks
):
    client.get("/other/")
    authority.short_name = "新简称"
    with django_capture_on_commit_callbacks(execute=True):
        authority.save()
    assert state(client, "/other/") == "miss"


@cache_on
def test_making_a_page_private_stops_serving_its_cached_public_copy(
    client, tree, django_capture_on_commit_callbacks
):
    """A page cached while public must not be replayed once an editor restricts it (or a
    section above it): the restriction purges the cache, and the next visitor meets Wagtail's
    password form, which is never stored."""
    assert "甲页" in client.get("/section/alpha/").content.decode()
    assert state(client, "/section/alpha/") == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=tree["section"], restriction_type="password", password="s3cret"
        )
    response = client.get("/section/alpha/")
    assert response.headers["X-Page-Cache"] != "hit"
    assert "甲页" not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert "甲页" in client.get("/section/alpha/").content.decode()


@cache_on
def test_a_rolled_back_change_purges_nothing_before_a_commit(client, tree):
    client.get("/section/alpha/")
    cache.purge_page(tree["alpha"])  # inside the test transaction: waits for the commit
    assert state(client, "/section/alpha/") == "hit"


@cache_on
def test_a_purge_during_rendering_leaves_no_stale_entry(
    client, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the edit commits after the render
        assert client.get("/racing/").content == b"render 1"
    # The first render read the version before the purge: its entry is dead on arrival.
    assert client.get("/racing/").headers["X-Page-Cache"] == "miss"


@cache_on
def test_purge_groups_reaches_verification_pages(client, tree, django_capture_on_commit_callbacks):
    client.get("/verify/A-1/")
    assert state(client, "/verify/A-1/") == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        cache.purge_groups(cache.VERIFY_GROUP)
    assert state(client, "/verify/A-1/") == "miss"


def test_model_rules_purge_the_pages_a_row_points_at(tree, django_capture_on_commit_callbacks):
    restriction = PageViewRestriction(page=tree["alpha"], restriction_type="password")
    rule = rules.ModelRule("wagtailcore.PageViewRestriction", groups=[cache.VERIFY_GROUP])
    store = caches["pages"]
    keys = [cache._version_key(n) for n in ("path:/section/alpha/", "path:/", "group:verify")]
    store.set_many(dict.fromkeys(keys, "old"), None)
    with django_capture_on_commit_callbacks(execute=True):
        rule.apply(restriction)
    assert all(store.get(k) not in (None, "old") for k in keys)


# ---- time ---------------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2024, 3, 1, 23, 59, 0, tzinfo=SHANGHAI), tick=False)
def test_no_entry_outlives_midnight(tree):
    assert cache.entry_timeout() == 60


def test_no_entry_outlives_a_scheduled_expiry(tree):
    now = timezone.now()
    Page.objects.filter(pk=tree["beta"].pk).update(expire_at=now + dt.timedelta(minutes=10))
    assert cache.entry_timeout(now) <= 600


@cache_on
def test_an_expiring_page_is_not_served_from_the_cache_after_its_expiry(client, tree):
    start = dt.datetime(2024, 3, 1, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        Page.objects.filter(pk=tree["beta"].pk).update(expire_at=start + dt.timedelta(hours=2))
        client.get("/section/beta/")
        assert state(client, "/section/beta/") == "hit"
    with time_machine.travel(start + dt.timedelta(hours=2, seconds=1), tick=False):
        # The scheduler has not run: the page's own guard decides, never a stale entry.
        assert state(client, "/section/beta/") == "miss"


# ---- frontend cache (CDN / reverse proxy) -------------------------------------------------------


@override_settings(
    WAGTAILFRONTENDCACHE={"cdn": {"BACKEND": "tests.pagecache.test_cache.RecordingFrontendBackend"}}
)
def test_frontend_cache_is_purged_with_the_same_urls(tree, django_capture_on_commit_callbacks):
    RecordingFrontendBackend.purged = []
    republish(tree["alpha"], "甲页（修订）", django_capture_on_commit_callbacks)
    purged = set(RecordingFrontendBackend.purged)
    root = tree["home"].get_site().root_url
    assert {
        f"{root}/section/alpha/",
        f"{root}/section/",
        f"{root}/",
        f"{root}/search/",
        f"{root}/sitemap.xml",
    } <= purged
    assert f"{root}/section/beta/" not in purged


def test_frontend_cache_is_idle_when_not_configured(tree, django_capture_on_commit_callbacks):
    RecordingFrontendBackend.purged = []
    republish(tree["alpha"], "甲页（修订）", django_capture_on_commit_callbacks)
    assert RecordingFrontendBackend.purged == []


# ---- with the apps' pages -----------------------------------------------------------------------

real_urls_cache_on = override_settings(PAGE_CACHE_ENABLED=True, PAGE_CACHE_TIMEOUT=3600)


def version(name: str):
    return caches["pages"].get(cache._version_key(name))


@real_urls_cache_on
def test_publishing_a_notice_purges_its_list_home_and_feeds(
    client, notices, django_capture_on_commit_callbacks
):
    first, second = notices[0]
    urls = ["/", "/notices/", "/notices/feed/rss/", first.url, second.url]
    for url in urls:
        client.get(url)
        assert state(client, url) == "hit", url
    republish(first, "关于开展职称评审工作的通知（更正）", django_capture_on_commit_callbacks)
    assert "（更正）" in client.get("/notices/").content.decode()
    assert_states(
        client,
        {"/": "miss", "/notices/feed/rss/": "miss", first.url: "miss", second.url: "hit"},
    )


@real_urls_cache_on
def test_republishing_a_template_purges_the_notices_listing_it(
    client, notices, django_capture_on_commit_callbacks
):
    notice_pages, templates = notices
    listed = templates[0]  # the first notice's attachments point at the first template
    client.get(notice_pages[0].url)
    assert state(client, notice_pages[0].url) == "hit"
    client.get(notice_pages[1].url)
    republish(listed, "模板（修订）", django_capture_on_commit_callbacks)
    # The notice links the template's page and downloads: rendered afresh. The other notice,
    # listing another template, stays cached.
    assert_states(client, {notice_pages[0].url: "miss", notice_pages[1].url: "hit"})


@real_urls_cache_on
def test_issuing_a_document_and_revoking_a_certificate_purge_what_shows_them(
    client, home_page, authority, no_indexing, django_capture_on_commit_callbacks
):
    from approvals.demo import ensure_index
    from approvals.models import ApprovalDocument
    from tests.approvals.helpers import make_document

    index = ensure_index()
    cache._pending.batch = None
    client.get(index.url)
    assert state(client, index.url) == "hit"
    document = make_document(authority, 1, title="关于同意张伟取得工程师资格的通知")
    with django_capture_on_commit_callbacks(execute=True):
        document.status = "issued"
        document.number, document.year, document.sequence = "新经开人社〔2024〕9号", 2024, 9
        document.save()
    assert "关于同意张伟取得工程师资格的通知" in client.get(index.url).content.decode()
    assert ApprovalDocument.objects.filter(status="issued").count() == 1


def test_certificate_changes_invalidate_verification_pages(
    authority, home_page, no_indexing, django_capture_on_commit_callbacks
):
    from tests.approvals.helpers import make_document

    document = make_document(authority, 1)
    caches["pages"].set(cache._version_key("group:verify"), "before", None)
    certificate = CertificateFactory.build(number="TOUTUNHE-2024-000001", document=document)
    with django_capture_on_commit_callbacks(execute=True):
        certificate.save()
    assert version("group:verify") not in (None, "before")
    with django_capture_on_commit_callbacks(execute=True):
        certificate.status = "revoked"
        certificate.save()
    assert version("group:verify") != "before"


def _publicity(home_page, authority, *, start=dt.date(2023, 11, 1)):
    """A live 5-working-day publicity with the demo's names (published on its first morning)."""
    from publicity.demo import ensure_index, running_people
    from publicity.models import PublicityEntry, PublicityPage
    from website import identity

    with time_machine.travel(dt.datetime.combine(start, dt.time(8), SHANGHAI), tick=False):
        page = ensure_index(home_page).add_child(
            instance=PublicityPage(
                title="测试公示",
                slug="running",
                authority=authority,
                review_committee="工程系列中级评审委员会",
                start_date=start,
                objection_contact="电话：0991—3757772",
            )
        )
        for person in running_people():
            data = dict(person)
            number = data.pop("id_number")
            PublicityEntry.objects.create(
                publicity=page, id_hash=identity.id_hash(number), id_masked=identity.mask(number),
                **data,
            )  # fmt: skip
        page.save_revision().publish()
    cache._pending.batch = None
    page.refresh_from_db()
    return page


@real_urls_cache_on
def test_a_running_publicity_is_cached_and_its_objection_form_is_not(
    client, home_page, authority, no_indexing
):
    """The list is the same for everyone; the form (CSRF token, receipt) is per visitor."""
    page = _publicity(home_page, authority)
    with time_machine.travel(dt.datetime(2023, 11, 2, 12, 0, tzinfo=SHANGHAI), tick=False):
        first = client.get(page.url)
        assert first.status_code == 200 and "csrfmiddlewaretoken" not in first.content.decode()
        assert state(client, page.url) == "hit"
        form = client.get(page.objection_url())
        assert "csrfmiddlewaretoken" in form.content.decode()
        assert form["X-Page-Cache"] == "skip"
        assert state(client, page.objection_url()) == "skip"


@real_urls_cache_on
def test_a_cached_publicity_disappears_exactly_at_its_expiry(
    client, home_page, authority, no_indexing
):
    """Ends 2023-11-07 24:00: a page cached a minute before is not served a second after."""
    page = _publicity(home_page, authority)
    name = page.entries.first().name
    with time_machine.travel(dt.datetime(2023, 11, 7, 23, 59, 0, tzinfo=SHANGHAI), tick=False):
        assert name in client.get(page.url).content.decode()
        assert state(client, page.url) == "hit"
        assert cache.entry_timeout() <= 60
    with time_machine.travel(dt.datetime(2023, 11, 8, 0, 0, 1, tzinfo=SHANGHAI), tick=False):
        # The scheduler has not run: the cached list must not be replayed.
        response = client.get(page.url)
        assert response.status_code == 200  # the ended publicity's record, without names
        assert "公示已于2023年11月7日结束" in response.content.decode()
        assert name not in response.content.decode()
        assert response["X-Page-Cache"] != "hit"


@real_urls_cache_on
def test_a_cached_verification_by_number_shows_a_revocation_at_once(
    client, home_page, authority, no_indexing, django_capture_on_commit_callbacks
):
    from approvals.issuing.revocation import revoke_certificate
    from approvals.models import ApprovalDocument
    from tests.approvals.helpers import make_document

    document = make_document(authority, 1)
    ApprovalDocument.objects.filter(pk=document.pk).update(status="issued")
    certificate = CertificateFactory(number="TOUTUNHE-2024-000001", document=document)
    cache._pending.batch = None
    url = "/verify/?number=TOUTUNHE-2024-000001"
    assert "证书有效" in client.get(url).content.decode()
    assert state(client, url) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        revoke_certificate(certificate, "材料不实")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    content = response.content.decode()
    assert "已撤销" in content and "材料不实" in content and "证书有效" not in content


@real_urls_cache_on
def test_certificate_download_and_upload_verification_are_never_cached(client, home_page):
    assert state(client, "/verify/") in ("miss", "hit")  # the form page itself is shared
    download = client.get("/certificates/download/")
    assert download["X-Page-Cache"] == "skip" and "no-store" in download["Cache-Control"]
    upload = client.post("/verify/", {"file": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert upload.status_code == 200
    assert "no-store" in upload["Cache-Control"] and "private" in upload["Cache-Control"]
    assert "X-Page-Cache" not in upload  # POSTs bypass the cache
