"""Publicity pages: computed schedule, admin form, scheduler, request-time guard, listings."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from publicity import workdays
from publicity.models import PublicityPage

from .conftest import at

pytestmark = pytest.mark.django_db
D = datetime.date


def test_saving_sets_end_date_go_live_and_expiry(make_publicity):
    page = make_publicity(start=D(2023, 11, 1))
    assert page.end_date == D(2023, 11, 7)
    assert page.go_live_at == at(2023, 11, 1, 0)
    assert page.expire_at == at(2023, 11, 8, 0)
    assert page.period_label == "公示时间：2023年11月1日至2023年11月7日（5个工作日）"


def test_working_days_minimum_is_five(make_publicity, authority):
    page = make_publicity(start=D(2023, 11, 1), publish=False)
    page.working_days = 4
    with pytest.raises(Exception) as error:
        page.full_clean()
    assert "不得少于5个工作日" in str(error.value)


def _form_data(authority, start, **extra):
    data = {
        "title": "管理后台创建的公示",
        "slug": "admin-publicity",
        "authority": authority.pk,
        "review_committee": "工程系列评审委员会",
        "start_date": start,
        "working_days": "5",
        "intro": rich_text("<p>现予公示。</p>"),
        "objection_contact": "电话：0991—3757772",
        "notice": "",
    }
    data.update(extra)
    return data


def test_admin_create_computes_the_schedule(admin_client, publicity_index, authority):
    url = reverse("wagtailadmin_pages:add", args=["publicity", "publicitypage", publicity_index.pk])
    with time_machine.travel(at(2023, 10, 20), tick=False):
        response = admin_client.post(
            url, _form_data(authority, "2023-11-01", **{"action-publish": "1"})
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = PublicityPage.objects.get(slug="admin-publicity")
    assert page.end_date == D(2023, 11, 7)
    assert page.expire_at == at(2023, 11, 8, 0)
    assert not page.live  # scheduled for 2023-11-01 00:00
    assert page.revisions.filter(approved_go_live_at=at(2023, 11, 1, 0)).exists()


def test_admin_form_error_for_a_year_without_schedule(admin_client, publicity_index, authority):
    url = reverse("wagtailadmin_pages:add", args=["publicity", "publicitypage", publicity_index.pk])
    year = workdays.PACKAGE_LAST_YEAR + 1
    response = admin_client.post(url, _form_data(authority, f"{year}-03-01"))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"尚未录入{year}年的放假和调休安排" in content
    assert not PublicityPage.objects.filter(slug="admin-publicity").exists()


def test_admin_edit_shows_read_only_end_date_and_import_link(admin_client, make_publicity):
    page = make_publicity(start=D(2023, 11, 1))
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    content = response.content.decode()
    assert "公示结束日期" in content and "2023年11月7日" in content
    assert "publicity/js/period.js" in content
    assert reverse("publicity_admin:import_roster", args=[page.pk]) in content


def test_period_endpoint(client, authority):
    response = client.get(
        reverse("publicity:period"), {"start": "2023-09-28", "days": "5", "authority": authority.pk}
    )
    data = response.json()
    assert data["end"] == "2023-10-10"
    assert data["end_label"] == "2023年10月10日"
    assert data["expire_at"] == "2023-10-11T00:00:00+08:00"
    bad = client.get(reverse("publicity:period"), {"start": "11/01/2023"})
    assert bad.status_code == 400 and "格式" in bad.json()["error"]
    unknown = client.get(
        reverse("publicity:period"), {"start": f"{workdays.PACKAGE_LAST_YEAR + 1}-02-01"}
    )
    assert unknown.status_code == 400 and "录入" in unknown.json()["error"]
    short = client.get(reverse("publicity:period"), {"start": "2023-11-01", "days": "3"})
    assert short.status_code == 400


def _edit_and_publish(admin_client, page, **changes):
    data = _form_data(page.authority, page.start_date.isoformat(), title=page.title, slug=page.slug)
    data.update(changes)
    data["action-publish"] = "1"
    return admin_client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_publish_scheduled_goes_live_and_expires_then_re_editing_works(
    admin_client, make_publicity
):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 10, 25))
    assert not page.live
    with time_machine.travel(at(2023, 10, 31, 23, 59), tick=False):
        call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live
    with time_machine.travel(at(2023, 11, 1, 0, 1), tick=False):
        call_command("publish_scheduled")
        page.refresh_from_db()
        assert page.live
        assert admin_client.get(page.url).status_code == 200
    # Re-edit while live: the leftover go_live_at (now in the past) must not block saving.
    with time_machine.travel(at(2023, 11, 3), tick=False):
        response = _edit_and_publish(admin_client, page, title="测试公示（更正）")
        assert response.status_code == 302, response.content.decode()[:2000]
        page.refresh_from_db()
        assert page.live and page.title == "测试公示（更正）"
    with time_machine.travel(at(2023, 11, 7, 23, 59), tick=False):
        call_command("publish_scheduled")
        page.refresh_from_db()
        assert page.live
    with time_machine.travel(at(2023, 11, 8, 0, 1), tick=False):
        call_command("publish_scheduled")
        page.refresh_from_db()
        assert not page.live and page.expired
        # Re-edit after expiry: saving works and the publicity stays ended.
        response = _edit_and_publish(admin_client, page, review_committee="更正后的评审委员会")
        assert response.status_code == 302, response.content.decode()[:2000]
        page.refresh_from_db()
        assert page.review_committee == "更正后的评审委员会"
        # The ended publicity is a public record (200, noindex, no names), not a bare 410.
        response = admin_client.get(page.url)
        assert response.status_code == 200
        assert "公示已于2023年11月7日结束" in response.content.decode()
        # Editors still find it in the admin.
        listing = admin_client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
        assert page.title in listing.content.decode()


def test_rescheduling_after_expiry_is_refused_once_names_were_public(admin_client, make_publicity):
    """The names of an ended run were public: its dates stay as they were (a new run is a new
    publicity; a live one is changed only by a recorded correction)."""
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 10, 25))
    with time_machine.travel(at(2023, 11, 20), tick=False):
        call_command("publish_scheduled")
        page.refresh_from_db()
        assert page.went_live_at is not None
        response = _edit_and_publish(admin_client, page, start_date="2023-11-27")
        assert response.status_code == 200
        assert "开始日期和公示工作日数已锁定" in response.content.decode()
        page.refresh_from_db()
        assert page.start_date == D(2023, 11, 1) and page.end_date == D(2023, 11, 7)
        assert not page.revisions.filter(approved_go_live_at=at(2023, 11, 27, 0)).exists()


def test_request_time_guard_without_the_scheduler(
    client, make_publicity, publicity_index, home_page
):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 11, 1, 8))
    name = page.entries.first().name
    with time_machine.travel(at(2023, 11, 7, 23, 0), tick=False):
        assert page.get_sitemap_urls()
        response = client.get(page.url)
        assert response.status_code == 200 and name in response.content.decode()
        assert page.title in client.get(publicity_index.url).content.decode()
    with time_machine.travel(
        at(
            2023,
            11,
            8,
            0,
            0,
        ),
        tick=False,
    ):
        page.refresh_from_db()
        assert page.live  # the scheduler has not run
        response = client.get(page.url)
        content = response.content.decode()
        # A record of the ended publicity (period, counts, documents) without the names.
        assert response.status_code == 200
        assert '<meta name="robots" content="noindex">' in content
        assert "公示已于2023年11月7日结束" in content
        assert name not in content
        assert page.title not in client.get(publicity_index.url).content.decode()
        assert page.title not in client.get(home_page.url).content.decode()
        assert page.get_sitemap_urls() == []
        assert page.url not in client.get("/sitemap.xml").content.decode()


def test_page_shows_period_countdown_and_list(client, make_publicity):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 11, 1, 8))
    with time_machine.travel(at(2023, 11, 3, 9), tick=False):  # Friday, day 3
        response = client.get(page.url)
    content = response.content.decode()
    assert "公示时间：2023年11月1日至2023年11月7日（5个工作日）" in content
    assert "剩余 <strong data-countdown-days>3</strong> 个工作日" in content
    entry = page.entries.first()
    assert entry.name in content and entry.unit in content and entry.qualification in content
    assert 'id="filter-name"' in content and 'id="filter-unit"' in content


def test_filter_form_without_js_keeps_the_unit_and_specialty_asked_for(client, make_publicity):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 11, 1, 8))
    entry = page.entries.first()
    others = {e.unit for e in page.entries.all()} - {entry.unit}
    specialty = "·".join(part for part in (entry.series, entry.specialty) if part)
    with time_machine.travel(at(2023, 11, 3, 9), tick=False):
        response = client.get(page.url, {"unit": entry.unit, "specialty": specialty})
    content = response.content.decode()
    assert f'<option value="{entry.unit}" selected>{entry.unit}</option>' in content
    assert f'<option value="{specialty}" selected>{specialty}</option>' in content
    assert others and all(f'<option value="{unit}">{unit}</option>' in content for unit in others)
    assert "清除筛选" in content


def test_upcoming_publicity_on_index_and_home(client, make_publicity, publicity_index, home_page):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 10, 25))
    with time_machine.travel(at(2023, 10, 26), tick=False):
        home = client.get(home_page.url).content.decode()
        assert page.title in home and "2023年11月7日结束" in home
        assert page.title in client.get(publicity_index.url).content.decode()
        assert client.get(page.url).status_code == 404  # not live yet


def test_list_page_queries_do_not_grow_with_entries(
    client, make_publicity, django_assert_max_num_queries
):
    from publicity.demo import demo_people

    many = [
        (
            f"测试{i}",
            "男" if i % 2 else "女",
            f"新疆测试工程有限公司{i % 40}",
            "建材",
            "工程师",
            "评审",
        )
        for i in range(300)
    ]
    page = make_publicity(
        start=D(2023, 11, 1),
        now=at(2023, 11, 1, 8),
        people=demo_people(many, "650106", "工程系列", 0),
    )
    with time_machine.travel(at(2023, 11, 2), tick=False):
        with django_assert_max_num_queries(25):
            response = client.get(page.url)
    assert response.content.decode().count(f"{page.objection_url()}?entry=") == 300


def test_search_finds_names_while_running_and_not_after_expiry(make_publicity, search_index):
    from wagtail.models import Page

    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 11, 1, 8))
    assert "王建国" in page.entry_names()
    with time_machine.travel(at(2023, 11, 3, 10), tick=False):
        assert page.pk in [p.pk for p in Page.objects.live().search("王建国")]
    with time_machine.travel(at(2023, 11, 8, 0, 1), tick=False):
        call_command("publish_scheduled")
        assert page.pk not in [p.pk for p in Page.objects.live().search("王建国")]


def test_search_page_drops_an_ended_publicity_before_the_scheduler_runs(
    make_publicity, client, search_index
):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 11, 1, 8))
    with time_machine.travel(at(2023, 11, 7, 23, 0), tick=False):
        assert page.title in client.get("/search/", {"q": "王建国"}).content.decode()
    with time_machine.travel(at(2023, 11, 8, 0, 1), tick=False):
        # No publish_scheduled: the page is still live in the database and in the index.
        page.refresh_from_db()
        assert page.live
        html = client.get("/search/", {"q": "王建国"}).content.decode()
        assert page.title not in html
        assert "王建国" not in html.split('name="q"')[1].split("</form>", 1)[1]


def test_running_and_ended_querysets_agree_with_the_page_at_midnight(make_publicity):
    """Ends 2023-11-07 24:00 (Shanghai): running until then, ended from then on, in SQL too."""
    page = make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1, 8))
    for moment, ended in ((at(2023, 11, 7, 23, 59), False), (at(2023, 11, 8, 0, 0), True)):
        with time_machine.travel(moment, tick=False):
            page.refresh_from_db()
            assert page.has_ended is ended
            assert (page in PublicityPage.objects.ended()) is ended
            assert (page in PublicityPage.objects.running()) is not ended
