"""The calendar in the admin: import a notice (preview → confirm), permissions, the period panel."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publicity.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
D = datetime.date
NOTICES = Path(__file__).parent / "notices"
IMPORT_URL = "publicity_admin:calendar_import"


def notice_text(name: str) -> str:
    return (NOTICES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.fixture
def editor(client, django_user_model):
    """An editor with admin access and every model permission, but not 维护工作日历."""
    user = django_user_model.objects.create_user("bianji", "b@example.cn", "pw-editor-123")
    group = Group.objects.create(name="日历编辑（无维护权限）")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="publicity", codename__endswith="calendaryear"
        ),
    )
    user.groups.add(group)
    client.force_login(user)
    client.user = user
    client.group = group
    return client


def test_preview_then_confirm_creates_a_complete_year(admin_client):
    url = reverse(IMPORT_URL)
    assert admin_client.get(url).status_code == 200
    preview = admin_client.post(url, {"text": notice_text("national_2026"), "action": "preview"})
    content = preview.content.decode()
    assert preview.status_code == 200
    assert "预览：2026年 全国" in content and "放假 33 天，调休上班 6 天" in content
    assert "2026年2月28日（星期六）" in content and "春节调休上班" in content
    assert not CalendarYear.objects.exists()  # a preview stores nothing
    confirm = admin_client.post(
        url,
        {
            "text": notice_text("national_2026"),
            "year": "2026",
            "source": "国办发明电〔2025〕7号",
            "action": "confirm",
        },
    )
    year = CalendarYear.objects.get(year=2026, region="")
    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("publicity_admin:calendar_year", args=[year.pk])
    assert year.is_complete and year.confirmed_by == admin_client.user
    assert year.source == "国办发明电〔2025〕7号" and "国务院办公厅" in year.source_text
    assert year.days.filter(is_working=True).count() == 6
    detail = admin_client.get(confirm["Location"]).content.decode()
    assert "已确认完整" in detail and "退回草稿" in detail


def test_upload_a_docx_notice(admin_client):
    import io

    import docx

    document = docx.Document()
    for line in notice_text("national_2024").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("2024年放假通知.docx", buffer.getvalue())
    response = admin_client.post(reverse(IMPORT_URL), {"file": upload, "action": "preview"})
    assert "预览：2024年 全国" in response.content.decode()


def test_bad_text_is_a_form_error_and_keeps_the_text(admin_client):
    text = notice_text("national_2026").replace("1月4日（周日）上班", "1月5日（周日）上班")
    response = admin_client.post(reverse(IMPORT_URL), {"text": text, "action": "preview"})
    content = response.content.decode()
    assert response.status_code == 400
    assert "2026年1月5日是星期一" in content
    assert "国务院办公厅关于2026年部分节假日安排的通知" in content  # nothing lost


def test_a_confirmed_year_is_replaced_only_when_asked(admin_client):
    data = {"text": notice_text("national_2025"), "action": "confirm"}
    admin_client.post(reverse(IMPORT_URL), data)
    again = admin_client.post(reverse(IMPORT_URL), data)
    assert again.status_code == 400 and "替换已确认的年度" in again.content.decode()
    replaced = admin_client.post(reverse(IMPORT_URL), {**data, "replace": "on"})
    assert replaced.status_code == 302
    assert CalendarYear.objects.filter(year=2025).count() == 1


def test_regional_import_keeps_only_the_regions_own_days(admin_client):
    data = {"text": notice_text("xinjiang_2025"), "region": "新疆维吾尔自治区"}
    preview = admin_client.post(reverse(IMPORT_URL), {**data, "action": "preview"})
    content = preview.content.decode()
    assert "放假 8 天，调休上班 0 天" in content and "古尔邦节" in content
    # The national number it cites is not the region's source: the editor must give one.
    refused = admin_client.post(reverse(IMPORT_URL), {**data, "action": "confirm"})
    assert refused.status_code == 400 and "请填写依据" in refused.content.decode()
    admin_client.post(
        reverse(IMPORT_URL),
        {**data, "action": "confirm", "source": "http://www.mnw.cn/news/cj/3018205.html"},
    )
    year = CalendarYear.objects.get(year=2025, region="新疆维吾尔自治区")
    assert set(year.days.values_list("name", flat=True)) == {"古尔邦节", "肉孜节"}


def test_confirm_and_reopen_from_the_year_page(admin_client):
    year = CalendarYear.objects.create(year=2027, source="")
    CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 1), name="元旦")
    confirm_url = reverse("publicity_admin:calendar_confirm", args=[year.pk])
    response = admin_client.post(confirm_url, follow=True)
    assert "确认前请填写依据" in response.content.decode()
    year.source = "国办发明电〔2026〕1号"
    year.save()
    admin_client.post(confirm_url)
    year.refresh_from_db()
    assert year.is_complete
    admin_client.post(reverse("publicity_admin:calendar_reopen", args=[year.pk]))
    year.refresh_from_db()
    assert not year.is_complete and year.confirmed_at is None
    assert admin_client.get(confirm_url).status_code == 405


def test_the_year_page_lists_its_days_or_says_there_are_none(admin_client):
    year = CalendarYear.objects.create(year=2027, source="")
    page_url = reverse("publicity_admin:calendar_year", args=[year.pk])
    assert "尚无日期。" in admin_client.get(page_url).content.decode()
    CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 1), name="元旦")
    content = admin_client.get(page_url).content.decode()
    assert '<time datetime="2027-01-01">' in content and "<td>元旦</td>" in content
    assert "尚无日期。" not in content


def test_calendar_needs_the_maintain_permission(editor):
    year = CalendarYear.objects.create(year=2027, source="x")
    urls = [
        reverse(IMPORT_URL),
        reverse("publicity_admin:calendar_year", args=[year.pk]),
        reverse("wagtailsnippets_publicity_calendaryear:list"),
        reverse("wagtailsnippets_publicity_calendaryear:edit", args=[year.pk]),
    ]
    for url in urls:
        assert editor.get(url).status_code in (302, 403), url
    confirm = editor.post(reverse("publicity_admin:calendar_confirm", args=[year.pk]))
    assert confirm.status_code in (302, 403)
    year.refresh_from_db()
    assert not year.is_complete
    editor.group.permissions.add(Permission.objects.get(codename="maintain_calendar"))
    for url in urls:
        assert editor.get(url).status_code == 200, url


def test_calendar_list_has_the_import_button(admin_client):
    content = admin_client.get(reverse("wagtailsnippets_publicity_calendaryear:list")).content
    assert reverse(IMPORT_URL) in content.decode()
    assert "导入放假通知" in content.decode()


# -- the period panel and its endpoint ---------------------------------------------------------


def test_period_endpoint_lists_skipped_days_and_the_start_note(client, authority):
    response = client.get(
        reverse("publicity:period"), {"start": "2025-06-06", "days": "5", "authority": authority.pk}
    )
    data = response.json()
    assert authority.region == "新疆维吾尔自治区"
    assert data["end"] == "2025-06-17"  # 古尔邦节 6/6–10, then 11–13, 16, 17
    assert {"date": "2025-06-09", "label": "2025年6月9日（星期一）", "reason": "古尔邦节"} in (
        data["skipped"]
    )
    assert "开始日期2025年6月6日是古尔邦节" in data["start_note"]
    assert data["warnings"] == []


def test_period_endpoint_warns_about_a_missing_regional_year(client, authority):
    data = client.get(
        reverse("publicity:period"), {"start": "2024-06-12", "authority": authority.pk}
    ).json()
    assert data["end"] == "2024-06-18"
    assert "新疆维吾尔自治区2024年的地方节假日" in data["warnings"][0]


def test_admin_panel_shows_the_skipped_days(admin_client, make_publicity):
    page = make_publicity(start=D(2025, 6, 4))
    assert page.end_date == D(2025, 6, 13)
    content = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "跳过的非工作日" in content
    assert "2025年6月6日（星期五）</time> 古尔邦节" in content
    assert "2025年6月7日（星期六）</time> 古尔邦节" in content


def test_saving_a_publicity_warns_when_the_regional_year_is_missing(admin_client, make_publicity):
    page = make_publicity(start=D(2024, 6, 12))
    from wagtail.test.utils.form_data import rich_text

    data = {
        "title": page.title,
        "slug": page.slug,
        "authority": page.authority.pk,
        "review_committee": page.review_committee,
        "start_date": "2024-06-12",
        "working_days": "5",
        "intro": rich_text("<p>现予公示。</p>"),
        "objection_contact": "电话：0991—3757772",
        "notice": "",
    }
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), data, follow=True
    )
    assert "新疆维吾尔自治区2024年的地方节假日" in response.content.decode()


def test_a_day_of_a_confirmed_year_cannot_be_edited_or_deleted_alone(admin_client):
    year = CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕1号")
    day = CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 1), name="元旦")
    year.confirm(admin_client.user)
    edit = reverse("wagtailsnippets_publicity_calendarday:edit", args=[day.pk])
    delete = reverse("wagtailsnippets_publicity_calendarday:delete", args=[day.pk])
    assert admin_client.get(edit).status_code in (302, 403)
    assert admin_client.post(delete).status_code in (302, 403)
    assert CalendarDay.objects.filter(pk=day.pk).exists()
    year.reopen()
    assert admin_client.get(edit).status_code == 200


def test_a_confirmed_year_keeps_its_year_and_region():
    from django.core.exceptions import ValidationError

    year = CalendarYear.objects.create(year=2027, source="x")
    CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 1), name="元旦")
    year.confirm(None)
    year.region = "新疆维吾尔自治区"
    with pytest.raises(ValidationError, match="退回草稿"):
        year.full_clean()
    year.reopen()
    year.region = ""
    year.year = 2028
    with pytest.raises(ValidationError, match="不在2028年内"):
        year.full_clean()
