"""What every page tells browsers, crawlers and share previews; JSON errors from the API."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_home_title_names_the_site_once(client, home_page):
    html = client.get("/").content.decode()
    assert _title(html) == "职称公示与证书平台"


def test_inner_page_title_is_page_then_site(client, home_page):
    from notices.models import NoticeIndexPage

    child = home_page.add_child(instance=NoticeIndexPage(title="通知公告", slug="notices"))
    child.save_revision().publish()
    html = client.get("/notices/").content.decode()
    assert _title(html) == "通知公告 - 职称公示与证书平台"


def test_share_tags_use_the_configured_public_address(client, home_page):
    html = client.get("/").content.decode()
    assert f'<meta property="og:url" content="{BASE}/">' in html
    assert f'<meta property="og:image" content="{BASE}/static/' in html
    assert '<meta name="description" content="' in html
    description = re.search(r'<meta name="description" content="([^"]+)"', html).group(1)
    assert "职称" in description and len(description) <= 120
    assert f'<link rel="canonical" href="{BASE}/">' in html


def test_feed_autodiscovery_and_icon_links(client, home_page):
    html = client.get("/").content.decode()
    assert 'rel="alternate" type="application/rss+xml"' in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'rel="icon"' in html


def test_robots_txt_points_at_the_absolute_sitemap(client, home_page):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert f"Sitemap: {BASE}/sitemap.xml" in text
    assert "Disallow: /admin/" in text and "Disallow: /api/" in text


def test_favicon_ico_resolves_to_an_icon(client, home_page):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".ico")


def test_sitemap_locations_are_on_the_public_host(client, home_page):
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith(BASE + "/") for loc in locs), locs


def test_demo_site_follows_public_base_url(settings, home_page):
    from wagtail.models import Site

    from website.demo import ensure_home_page

    settings.PUBLIC_BASE_URL = "https://zhicheng.example.gov.cn"
    ensure_home_page()
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "https://zhicheng.example.gov.cn"


@pytest.mark.parametrize("method", ["delete", "put", "patch"])
def test_api_answers_unsupported_methods_in_json(client, home_page, method):
    response = getattr(client, method)("/api/v1/certificates/X-2024-000001")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "GET" in response["Allow"]
    assert "error" in response.json()


def test_api_unknown_address_is_a_json_404(client, home_page):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["schema"] == "/api/v1/openapi.json"
