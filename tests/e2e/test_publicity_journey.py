"""Browser journey: on a phone, find a name in a running publicity and object to it."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def running_publicity(home_page):
    from publicity import demo, workdays
    from publicity.models import CalendarDay, CalendarYear

    year = workdays.today_in_shanghai().year
    if year > workdays.PACKAGE_LAST_YEAR:
        # The package does not know this year yet: enter and confirm it, as an editor would.
        calendar_year, _ = CalendarYear.objects.get_or_create(year=year, region="")
        CalendarDay.objects.get_or_create(
            calendar_year=calendar_year,
            date=f"{year}-01-01",
            defaults={"name": "元旦", "is_working": False},
        )
        calendar_year.source = "测试"
        calendar_year.confirm(user=None)
    demo.load(lambda message: None)
    from publicity.models import PublicityPage

    return PublicityPage.objects.get(slug="toutunhe-engineering-running")


def test_find_a_name_and_object_on_a_phone(live_server, phone_page, running_publicity):
    from playwright.sync_api import expect

    from publicity.models import Objection

    page = phone_page
    page.goto(live_server.url + "/publicity/")
    page.get_by_role("link", name=running_publicity.title).click()
    assert page.get_by_role("heading", level=1).inner_text() == running_publicity.title
    assert "个工作日" in page.locator(".publicity__period").inner_text()

    page.get_by_label("姓名").fill("阿依古丽")
    rows = page.locator("tbody[data-filter-rows] tr:visible")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("阿依古丽")
    expect(page.locator("[data-filter-count]")).to_have_text("显示 1 人")

    rows.first.get_by_role("link", name="提出异议").click()
    assert page.locator("#id_entry option:checked").inner_text().startswith("阿依古丽")
    page.get_by_label("您的真实姓名").fill("李四")
    page.get_by_label("您的联系方式").fill("13800000000")
    page.get_by_label("异议事实与理由").fill("该同志的工作年限与申报材料不符。")
    page.get_by_role("button", name="提交异议").click()

    receipt = page.locator("[data-receipt]")
    receipt.wait_for()
    objection = Objection.objects.get(entry__publicity=running_publicity)
    assert receipt.inner_text() == objection.confirmation_number
    assert objection.entry.name == "阿依古丽"
    # The phone layout: the table became cards without horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
