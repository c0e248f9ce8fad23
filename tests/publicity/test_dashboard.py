"""The publicity panels of the admin dashboard: figures, links and bounded queries."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from publicity import dashboard
from publicity.models import ObjectionStatus
from tests.factories import ObjectionFactory
from tests.publicity.conftest import at

pytestmark = pytest.mark.django_db


def test_running_and_scheduled_publicities_with_working_days_left(make_publicity):
    running = make_publicity(
        start=datetime.date(2023, 11, 1), now=at(2023, 11, 1)
    )  # 1–7 Nov, 5 working days
    scheduled = make_publicity(start=datetime.date(2023, 11, 13), now=at(2023, 11, 2))
    with time_machine.travel(at(2023, 11, 3), tick=False):  # a Friday
        rows = dashboard.publicity_rows()
    by_page = {row.page.pk: row for row in rows}
    assert by_page[running.pk].state == "进行中"
    assert by_page[running.pk].days_left == 3  # Fri 3, Mon 6, Tue 7
    assert by_page[scheduled.pk].state == "待发布"
    assert by_page[scheduled.pk].days_left == 5
    assert by_page[running.pk].edit_url.endswith(f"/pages/{running.pk}/edit/")


def test_ended_publicity_is_not_listed(make_publicity):
    make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1))
    with time_machine.travel(at(2023, 11, 20), tick=False):
        assert dashboard.publicity_rows() == []


def test_objections_by_status_and_age(make_publicity):
    page = make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1))
    entry = page.entries.first()
    with time_machine.travel(at(2023, 11, 2), tick=False):
        old = ObjectionFactory(entry=entry)
    with time_machine.travel(at(2023, 11, 6), tick=False):
        ObjectionFactory(entry=entry, status=ObjectionStatus.CHECKING)
        ObjectionFactory(entry=entry, status=ObjectionStatus.REJECTED)
    with time_machine.travel(at(2023, 11, 9), tick=False):
        statuses, open_ones = dashboard.objection_summary()
    figures = {row.label: (row.count, row.oldest_days) for row in statuses}
    assert figures == {"已收到": (1, 7), "核查中": (1, 3), "成立": (0, None), "不成立": (1, 3)}
    assert [item.objection.pk for item in open_ones][0] == old.pk  # oldest first
    assert [item.age_days for item in open_ones] == [7, 3]
    assert open_ones[0].url.endswith(f"/objections/{old.pk}/decide/")  # its 处理 form


def test_missing_regional_year_for_a_coming_publicity(make_publicity):
    # 新疆 has its own holidays (2023 and 2025 shipped), 2024 is not entered.
    make_publicity(start=datetime.date(2024, 3, 5), now=at(2024, 3, 1), publish=False)
    with time_machine.travel(at(2024, 3, 1), tick=False):
        missing = dashboard.missing_calendar_years()
    assert [(item.year, item.region) for item in missing] == [(2024, "新疆维吾尔自治区")]
    assert missing[0].publicities == ["测试公示1"]
    assert missing[0].label == "2024年新疆维吾尔自治区工作日历"


def test_missing_national_year_at_the_end_of_the_known_years(home_page):
    from publicity.workdays import PACKAGE_LAST_YEAR

    with time_machine.travel(at(PACKAGE_LAST_YEAR, 12, 1), tick=False):
        missing = dashboard.missing_calendar_years()
    assert (PACKAGE_LAST_YEAR + 1, "") in [(item.year, item.region) for item in missing]


def test_complete_calendar_reports_nothing(home_page):
    with time_machine.travel(at(2023, 3, 1), tick=False):
        assert dashboard.missing_calendar_years() == []


def test_dashboard_shows_the_panels_with_bounded_queries(
    make_publicity, admin_client, django_assert_max_num_queries
):
    pages = [
        make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1)) for _ in range(4)
    ]
    with time_machine.travel(at(2023, 11, 2), tick=False):
        for page in pages:
            for entry in page.entries.all()[:2]:
                ObjectionFactory(entry=entry)
    with time_machine.travel(at(2023, 11, 3), tick=False):
        admin_client.get("/admin/")  # warm the session and caches
        with django_assert_max_num_queries(60):
            response = admin_client.get("/admin/")
    html = response.content.decode()
    assert "公示进度" in html and "异议处理" in html and "工作日历" in html
    assert pages[0].title in html
    assert "3 个工作日" in html
    assert "已等待 1 天" in html


def test_panel_queries_do_not_grow_with_publicities(make_publicity, django_assert_max_num_queries):
    for _ in range(6):
        page = make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1))
        ObjectionFactory(entry=page.entries.first())
    with time_machine.travel(at(2023, 11, 3), tick=False):
        with django_assert_max_num_queries(8):
            rows = dashboard.publicity_rows()
        with django_assert_max_num_queries(2):
            dashboard.objection_summary()
        with django_assert_max_num_queries(8):
            dashboard.missing_calendar_years()
    assert len(rows) == 6


def test_objection_panel_hidden_without_permission(home_page):
    from tests.factories import UserFactory

    user = UserFactory()
    assert dashboard.panels_for(user) == []
