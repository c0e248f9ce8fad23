"""Journey: on a phone, from the home page to the 2023 Bayingol notice, its phases, a template."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_notices(settings):
    from django.core.cache import caches

    from notices import demo
    from website.demo import load as load_site

    # Page saves need no search index here (Whoosh + jieba make each save slow).
    settings.WAGTAILSEARCH_BACKENDS = {
        name: {**conf, "AUTO_UPDATE": False}
        for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    load_site(lambda message: None)
    demo.load(lambda message: None)
    if "pages" in settings.CACHES:
        caches["pages"].clear()


def test_notice_journey_on_a_phone(live_server, phone_page, demo_notices):
    page = phone_page
    # The server thread reads the frozen clock too: 2023-09-27 is in 纸质材料报送.
    with time_machine.travel(
        dt.datetime(2023, 9, 27, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=True
    ):
        page.goto(live_server.url + "/")
        notice_link = page.get_by_role("link", name="关于开展2023年度自治州工程系列").first
        notice_link.click()
        page.wait_for_url("**/notices/2023-bayingol/")
        assert page.locator("h1").inner_text().startswith("关于开展2023年度自治州工程系列")

        timeline = page.locator(".timeline")
        timeline.scroll_into_view_if_needed()
        phases = timeline.locator(".timeline__item")
        assert phases.count() == 4
        current = timeline.locator(".timeline__item--current")
        assert "纸质材料报送" in current.inner_text()
        assert "距截止还剩 8 天" in current.inner_text()
        # No horizontal scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        link = page.locator(".attachments a.download").first
        assert "PDF，" in link.inner_text()
        with page.expect_download() as info:
            link.click()
        path = info.value.path()
        data = open(path, "rb").read()
        assert data.startswith(b"%PDF") or data.startswith(b"PK\x03\x04")
        assert info.value.suggested_filename.endswith((".pdf", ".docx"))
