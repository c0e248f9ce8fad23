"""Browser journey: the admin's end-date panel recomputes as the editor types, listing the days
it skipped (古尔邦节 for an authority in 新疆) and saying when counting starts later."""

import pytest

from .conftest import admin_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def publicity_in_xinjiang(home_page, settings, django_user_model):
    from publicity import demo
    from publicity.models import PublicityPage

    settings.WAGTAILSEARCH_BACKENDS = {
        name: {**conf, "AUTO_UPDATE": False}
        for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    demo.load(lambda message: None)
    django_user_model.objects.create_superuser("rili", "rili@example.cn", "pw-calendar-123")
    page = PublicityPage.objects.filter(authority__region="新疆维吾尔自治区").first()
    assert page is not None
    return page


def test_period_panel_lists_skipped_days_while_typing(live_server, browser, publicity_in_xinjiang):
    from playwright.sync_api import expect

    context, page = admin_page(browser, live_server, "rili", "pw-calendar-123")
    page.goto(f"{live_server.url}/admin/pages/{publicity_in_xinjiang.pk}/edit/")
    panel = page.locator("[data-publicity-period]")

    page.fill("#id_working_days", "5")
    page.fill("#id_start_date", "2025-06-04")
    page.locator("#id_start_date").dispatch_event("change")
    expect(panel.locator("[data-publicity-end]")).to_have_text("2025年6月13日")
    expect(panel.locator("[data-publicity-skipped-count]")).to_have_text("5")
    expect(panel.locator("[data-publicity-skipped] li").nth(3)).to_have_text(
        "2025年6月9日（星期一） 古尔邦节"
    )
    expect(panel.locator("[data-publicity-start-note]")).to_be_hidden()

    page.fill("#id_start_date", "2025-06-07")
    page.locator("#id_start_date").dispatch_event("change")
    expect(panel.locator("[data-publicity-end]")).to_have_text("2025年6月17日")
    expect(panel.locator("[data-publicity-start-note]")).to_contain_text(
        "开始日期2025年6月7日是古尔邦节（不计入工作日），从下一个工作日2025年6月11日起算"
    )

    page.fill("#id_start_date", "2027-02-08")
    page.locator("#id_start_date").dispatch_event("change")
    expect(panel.locator("[data-publicity-error]")).to_contain_text(
        "《国务院办公厅关于2027年部分节假日安排的通知》"
    )
    expect(panel.locator("[data-publicity-skipped-box]")).to_be_hidden()
    context.close()
