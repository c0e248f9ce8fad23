"""A visitor on a phone reaches every column from the navigation."""

import pytest
from django.core.management import call_command

COLUMNS = ["通知公告", "资料下载", "公示", "审批文件", "证书查验"]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_every_column_is_reachable_from_the_navigation_on_a_phone(live_server, phone_page):
    call_command("load_demo")
    page = phone_page
    page.goto(live_server.url + "/")
    assert page.locator("h1").count() == 1
    nav = page.get_by_role("navigation", name="主导航")
    for label in COLUMNS:
        link = nav.get_by_role("link", name=label, exact=True)
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_load_state()
        assert page.locator("h1").count() == 1, f"{label}: exactly one h1"
        assert "页面不存在" not in page.locator("h1").inner_text(), f"{label} is missing"
        current = nav.locator('a[aria-current="page"]')
        assert current.inner_text() == label
        # Nothing overflows the phone's width.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        page.go_back()
        page.wait_for_load_state()
