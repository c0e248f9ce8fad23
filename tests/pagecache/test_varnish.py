"""Cached pages at the edge, through a real varnishd running deploy/varnish/zhicheng.vcl.

Varnish (Debian package `varnish`) sits in front of the test's live Django server; the test's
own process publishes, unpublishes and issues, and the page cache's purges reach Varnish through
Wagtail's frontend cache (`pagecache.frontend.VarnishBackend`). Outside CI a machine without
varnishd skips the Varnish tests; with CI=true a missing varnishd fails them.

The header tests at the top need no Varnish: what the app tells a shared cache.
"""

from __future__ import annotations

import os
import re
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.urls import path

from approvals import retrieval
from pagecache import cache, cacheable_page
from tests.bench.edge_bench import Varnish, varnishd_path
from tests.factories import CertificateFactory

# ---- a URLconf: the site plus two views that must never enter a shared cache ---------------


@cacheable_page
def form_view(request):
    """A public page with a form: its CSRF token belongs to one visitor."""
    template = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')
    return HttpResponse(template.render({}, request))


def public_cookie_view(request):
    """A view that wrongly says public while setting a cookie: the VCL refuses it anyway."""
    response = HttpResponse("cookie for you")
    response["Cache-Control"] = "public, max-age=60, s-maxage=60"
    response.set_cookie("seen", "1")
    return response


def _urlpatterns():
    from website import urls as site_urls

    return [
        path("edge-test/form/", form_view),
        path("edge-test/public-cookie/", public_cookie_view),
        *site_urls.urlpatterns,
    ]


urlpatterns = _urlpatterns()

VARNISH_BACKEND = "pagecache.frontend.VarnishBackend"


def frontend(location: str) -> dict:
    return {"varnish": {"BACKEND": VARNISH_BACKEND, "LOCATION": location}}


@pytest.fixture
def pages(notices):
    """Two live notices (tests/pagecache/conftest.py)."""
    return notices[0]


# ---- what the app tells a shared cache (no Varnish needed) --------------------------------------


@pytest.fixture
def page_cache_on(settings, clear_cache):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_TIMEOUT = 3600
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def _cache_control(response) -> dict[str, str]:
    return {
        part.split("=")[0].strip(): (part.split("=")[1] if "=" in part else "")
        for part in response.get("Cache-Control", "").split(",")
        if part.strip()
    }


def test_a_cacheable_page_is_public_for_a_purged_frontend_cache(
    client, pages, page_cache_on, settings
):
    settings.WAGTAILFRONTENDCACHE = frontend("http://127.0.0.1:9")  # nobody listens: logged
    url = pages[0].url
    for expected in ("miss", "hit"):
        response = client.get(url)
        assert response["X-Page-Cache"] == expected
        control = _cache_control(response)
        assert "public" in control and control["max-age"] == "0"
        assert 0 < int(control["s-maxage"]) <= cache.entry_timeout()
        assert response["X-Cache-Tags"].split() == cache.edge_tags(url)
        assert "Accept-Language" not in response.get("Vary", "")


def test_without_a_frontend_cache_shared_caches_must_not_keep_pages(
    client, pages, page_cache_on, settings
):
    settings.WAGTAILFRONTENDCACHE = {}
    for expected in ("miss", "hit"):
        response = client.get(pages[0].url)
        assert response["X-Page-Cache"] == expected
        assert _cache_control(response) == {"no-cache": ""}
        assert not response.has_header("X-Cache-Tags")


def test_personal_responses_are_private(client, admin_client, pages, page_cache_on, settings):
    settings.WAGTAILFRONTENDCACHE = frontend("http://127.0.0.1:9")
    logged_in = admin_client.get(pages[0].url)
    assert "private" in _cache_control(logged_in) and "public" not in _cache_control(logged_in)
    assert "private" in _cache_control(admin_client.get("/admin/"))
    download = client.get("/certificates/download/")
    assert {"private", "no-store"} <= set(_cache_control(download))
    # A view that made itself public on purpose (public keys, robots.txt) stays public.
    assert "public" in _cache_control(client.get("/robots.txt"))


# ---- through Varnish -----------------------------------------------------------------------------


def require_varnishd() -> str:
    """The varnishd binary; skip without it, but fail in CI (where it must be installed)."""
    found = varnishd_path()
    if found is None:
        message = "找不到 varnishd：请安装 Debian 软件包 varnish（./dev 与 .ci/run 会安装）。"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_a_missing_varnishd_fails_in_ci(monkeypatch):
    monkeypatch.setattr("tests.pagecache.test_varnish.varnishd_path", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require_varnishd()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_varnishd()


@pytest.fixture(scope="module")
def varnish(live_server):
    require_varnishd()
    with Varnish(live_server.thread.port) as running:
        yield running


@pytest.fixture
def edge(varnish, settings, home_page, clear_cache):
    """Varnish in front of the live server; the page cache on; purges reach Varnish."""
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_TIMEOUT = 3600
    settings.WAGTAILFRONTENDCACHE = frontend(varnish.url)
    settings.ROOT_URLCONF = __name__
    caches["pages"].clear()
    varnish.forget_everything()
    yield varnish
    caches["pages"].clear()


def get(varnish: Varnish, path: str, **headers: str) -> tuple[int, dict[str, str], str]:
    status, response, body = varnish.request("GET", path, headers)
    return status, response, body.decode("utf-8", errors="replace")


def state(varnish: Varnish, path: str, **headers: str) -> str:
    return get(varnish, path, **headers)[1]["x-cache"]


def assert_cached(varnish: Varnish, path: str) -> None:
    get(varnish, path)
    status, headers, _ = get(varnish, path)
    assert (status, headers["x-cache"]) == (200, "HIT"), (path, headers)
    assert int(headers["age"]) >= 0


pytestmark = pytest.mark.django_db(transaction=True)


def test_public_pages_are_a_miss_then_a_hit(edge, pages):
    certificate = CertificateFactory()
    for url in (
        "/",
        pages[0].url,
        "/notices/",
        "/notices/?page=1",
        "/search/?q=%E8%81%8C%E7%A7%B0",
        f"/verify/?number={certificate.number}",
    ):
        status, first, body = get(edge, url)
        assert (status, first["x-cache"]) == (200, "MISS"), url
        status, second, again = get(edge, url)
        assert (status, second["x-cache"]) == (200, "HIT"), url
        assert again == body
        # What leaves Varnish is kept by nobody else; the tags stay inside.
        assert second["cache-control"] == "no-cache"
        assert "x-cache-tags" not in second
    # An analytics cookie changes nothing: the visitor is still anonymous.
    assert state(edge, "/", Cookie="_ga=GA1.2.3") == "HIT"
    # The app's gzipped page is what Varnish keeps and sends to a browser that takes gzip.
    status, headers, body = get(edge, pages[0].url, **{"Accept-Encoding": "gzip"})
    assert headers.get("content-encoding") == "gzip" and headers["x-cache"] == "HIT"


def test_forms_cookies_admin_posts_and_downloads_never_enter_varnish(edge, pages):
    def never_cached(method: str, url: str, **headers: str) -> dict[str, str]:
        for _ in range(2):
            status, response, _ = edge.request(method, url, headers)
            assert response["x-cache"] == "MISS", (method, url, status, response)
        return response

    form = never_cached("GET", "/edge-test/form/")
    assert "csrftoken=" in form["set-cookie"] and "private" in form["cache-control"]
    never_cached("GET", "/edge-test/public-cookie/")
    never_cached("GET", "/admin/login/")
    never_cached("GET", "/admin/")
    download = never_cached("GET", "/certificates/download/")
    assert "no-store" in download["cache-control"]

    certificate = CertificateFactory()
    certificate.pdf.storage.save(certificate.pdf.name, ContentFile(b"%PDF-1.7 test"))
    (link,) = retrieval.download_links([certificate])
    pdf = never_cached("GET", f"/certificates/download/{link.token}/")
    assert pdf["content-type"] == "application/pdf" and "no-store" in pdf["cache-control"]

    # A POST is answered by the app, even where the GET is cached.
    assert_cached(edge, "/verify/")
    verdict = never_cached(
        "POST", "/verify/", **{"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert "no-store" in verdict["cache-control"]

    # A visitor with a session or CSRF cookie goes to the app, with the page cached or not.
    assert_cached(edge, pages[0].url)
    never_cached("GET", pages[0].url, Cookie="sessionid=abc")
    never_cached("GET", pages[0].url, Cookie="_ga=1; csrftoken=abc")


def test_a_logged_in_users_page_never_reaches_anonymous_visitors(edge, pages):
    user = get_user_model().objects.create_superuser("editor-edge", "e@example.cn", "pw-123456")
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    for _ in range(2):
        status, headers, body = get(edge, pages[0].url, Cookie=f"sessionid={session}")
        assert (status, headers["x-cache"]) == (200, "MISS")
        assert "private" in headers["cache-control"]
    assert "userbar" in body  # Wagtail's editing bar: this page is the editor's own
    status, headers, anonymous = get(edge, pages[0].url)
    assert headers["x-cache"] == "MISS" and "userbar" not in anonymous


def test_publishing_and_unpublishing_purge_exactly_through_wagtails_frontend_cache(edge, pages):
    changed, other = pages
    shown = [changed.url, "/notices/", "/notices/?page=1", "/", "/search/?q=%E9%80%9A%E7%9F%A5"]
    for url in [*shown, other.url]:
        assert_cached(edge, url)

    revision = changed.specific
    revision.title = "关于开展职称评审工作的通知（修订）"
    revision.save_revision().publish()

    for url in shown:
        assert state(edge, url) == "MISS", url
    assert "（修订）" in get(edge, changed.url)[2]
    assert "（修订）" in get(edge, "/notices/")[2]
    assert state(edge, other.url) == "HIT"  # exact: the other notice stays

    for url in shown:
        assert_cached(edge, url)
    changed.specific.unpublish()
    assert get(edge, changed.url)[0] == 404
    status, headers, body = get(edge, "/notices/")
    assert headers["x-cache"] == "MISS" and "（修订）" not in body
    assert state(edge, other.url) == "HIT"


def test_issuing_a_certificate_purges_every_verify_page(edge, pages):
    first = CertificateFactory()
    upcoming = "TEST-2099-000001"
    verify = [f"/verify/?number={first.number}", f"/verify/?number={upcoming}", "/verify/"]
    for url in [*verify, pages[0].url]:
        assert_cached(edge, url)
    before = get(edge, verify[1])[2]

    CertificateFactory(number=upcoming, document=first.document)

    for url in verify:
        assert state(edge, url) == "MISS", url
    assert get(edge, verify[1])[2] != before  # the new certificate is found now
    assert state(edge, pages[0].url) == "HIT"  # not in the group


def test_a_wagtail_url_purge_bans_the_path_with_every_query_string(edge, pages):
    from wagtail.contrib.frontend_cache.utils import purge_url_from_cache

    url = pages[0].url
    for variant in (url, url + "?a=1"):
        assert_cached(edge, variant)
    purge_url_from_cache(pages[0].full_url)
    assert state(edge, url) == "MISS" and state(edge, url + "?a=1") == "MISS"
    # The live server's own header, before Varnish: public, tagged.
    with urllib.request.urlopen(edge_backend_url(edge) + url) as response:
        assert re.search(r"s-maxage=\d+", response.headers["Cache-Control"])
        assert response.headers["X-Cache-Tags"].split() == cache.edge_tags(url)


def edge_backend_url(varnish: Varnish) -> str:
    return f"http://127.0.0.1:{varnish.backend_port}"
