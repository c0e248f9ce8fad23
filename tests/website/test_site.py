import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from wagtail.models import Page, Site

from website.models import Authority, HomePage, Series, Specialty


def test_home_page_renders_in_chinese_with_navigation(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert html.count("<h1") == 1
    for label in ["首页", "通知公告", "资料下载", "公示", "审批文件", "证书查验"]:
        assert f">{label}</a>" in html
    assert 'aria-current="page"' in html
    assert '<main id="main"' in html
    # Nothing from an outside CDN: absolute addresses in the head (share tags, canonical,
    # feeds) all name the site itself.
    head = html.split("<body")[0]
    for url in re.findall(r"https?://[^\s\"'<>]+", head):
        assert url.startswith("http://127.0.0.1:8000/"), url


def test_admin_login_renders_in_chinese(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_admin_dashboard_for_editor(admin_client, home_page):
    assert admin_client.get("/admin/").status_code == 200
    response = admin_client.get("/admin/snippets/website/authority/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "发文机关" in html
    assert "经济技术开发区（头屯河区）人力资源和社会保障局" in html


def test_load_demo_twice_creates_nothing_twice(db):
    call_command("load_demo")
    counts = (
        Page.objects.count(),
        Authority.objects.count(),
        Series.objects.count(),
        Specialty.objects.count(),
        Site.objects.count(),
    )
    call_command("load_demo")
    assert counts == (
        Page.objects.count(),
        Authority.objects.count(),
        Series.objects.count(),
        Specialty.objects.count(),
        Site.objects.count(),
    )
    assert HomePage.objects.count() == 1
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage


@pytest.mark.parametrize(
    "fmt, message",
    [
        ("和地职称办{year}{n}号", "〔{year}〕"),
        ("和地职称办[{year}]{n}号", "〔{year}〕"),
        ("和地职称办〔{year}〕号", "{n}"),
        ("和地职称办〔{year}〕{n}号{x}", "占位符"),
    ],
)
def test_authority_document_number_format_is_validated(db, fmt, message):
    authority = Authority(
        name="测试局",
        short_name="测试",
        slug="test",
        region="新疆维吾尔自治区",
        document_number_format=fmt,
        seal_text="测试局",
    )
    with pytest.raises(ValidationError) as excinfo:
        authority.full_clean()
    assert message in str(excinfo.value)


def test_authority_formats_document_numbers(authority):
    assert authority.format_document_number(2024, 12) == "新经开人社〔2024〕12号"
    assert authority.document_number_prefix == "新经开人社"


def test_authority_snippet_form_shows_error_and_keeps_input(admin_client, home_page):
    url = "/admin/snippets/website/authority/add/"
    data = {
        "name": "和田地区职称工作领导小组办公室",
        "short_name": "和地职称办",
        "slug": "hotan",
        "region": "新疆维吾尔自治区",
        "document_number_format": "和地职称办(2023)1号",
        "seal_text": "和田地区人力资源和社会保障局",
        "seal_purpose": "",
        "seal_shape": "round",
        "contacts-count": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "〔{year}〕" in html
    assert "和田地区职称工作领导小组办公室" in html  # the editor's input is kept
    assert not Authority.objects.filter(slug="hotan").exists()

    data["document_number_format"] = "和地职称办〔{year}〕{n}号"
    response = admin_client.post(url, data)
    # The seal must be the signer's own: not the parent bureau's.
    assert response.status_code == 200
    assert "印章文字应为本机关的名称" in response.content.decode()

    data["seal_text"] = ""  # the full name
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert Authority.objects.get(slug="hotan").seal_name == "和田地区职称工作领导小组办公室"
    assert (
        Authority.objects.get(slug="hotan").format_document_number(2023, 1)
        == "和地职称办〔2023〕1号"
    )


def test_series_specialty_is_unique_within_series(home_page):
    from django.db import IntegrityError, transaction

    series = Series.objects.get(name="工程系列")
    with pytest.raises(IntegrityError), transaction.atomic():
        Specialty.objects.create(series=series, name="机械电子")


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "queue": "ok", "keys": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_healthz_reads_the_database_queue_as_configured_in_production(client, db, settings):
    """The embedded and production runs enqueue on django-tasks-db (the test settings run
    tasks at once): its table is read through the router, not a database named "queue"."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "queue": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    response = client.get("/healthz")
    assert response.json()["checks"]["queue"] == "ok", response.json()
    assert response.status_code == 200


def test_healthz_reports_a_failing_dependency_with_503(client, db, monkeypatch):
    from website import health

    def broken():
        raise ConnectionError("down")

    monkeypatch.setitem(health._checks, "keys", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["keys"] == "error: ConnectionError"
