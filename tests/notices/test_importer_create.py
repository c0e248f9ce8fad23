"""From parsed facts to pages: no invented authority data, tables as tables, no duplicates,
templates published with their notice."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from notices.importer import NoticeImportError, parse_file, parse_text
from notices.importer.create import create_authority, create_notice_page, resolve_authority
from notices.models import NoticePage, TemplatePage
from website.models import Authority

from .conftest import SEEDS, import_seed
from .corpus_data import CORPUS, docx_bytes

pytestmark = pytest.mark.django_db


def test_new_authority_gets_only_what_the_text_says(columns):
    county = create_authority("某县人力资源和社会保障局")
    assert county.region == "" and county.document_number_format == ""
    county.full_clean()  # empty region and format are valid: the editor completes them
    shaanxi = create_authority("陕西省某县人力资源和社会保障局", "陕某人社发〔2023〕5号")
    assert shaanxi.region == "陕西省"
    assert shaanxi.document_number_format == "陕某人社发〔{year}〕{n}号"


def test_resolve_authority_creates_from_a_joint_title(columns):
    parsed = parse_file((CORPUS / "2025-zhejiang-accounting-senior.md").read_bytes(), "zj.md")
    authority = resolve_authority(parsed)
    assert authority.name == "浙江省财政厅 浙江省人力资源和社会保障厅"
    assert authority.region == "浙江省"
    assert authority.document_number_format == "浙财会〔{year}〕{n}号"


def test_word_fee_table_is_a_table_on_the_public_page(client, columns):
    spec_rows = [["级别", "评审费（元/人）"], ["高级", "580"], ["中级", "450"]]
    data = docx_bytes(
        ["关于2025年度职称评审收费标准的通知", "说明如下："],
        spec_rows,
        ["某市人社局", "2025年3月24日"],
    )
    parsed = parse_file(data, "fees.docx")
    page = create_notice_page(
        parsed, authority=Authority.objects.get(slug="toutunhe"), publish=True
    )
    section = page.body[0]
    assert section.value["heading"] == "" and section.value["content"][0].block_type == "table"
    assert [(f.level, str(f.amount)) for f in page.fees.all()] == [
        ("高级", "580.00"),
        ("中级", "450.00"),
    ]
    html = client.get(page.url).content.decode()
    assert "<table" in html and "580" in html
    assert "| 高级" not in html and "高级 |" not in html


def test_fees_without_a_level_are_not_stored(columns):
    parsed = parse_text(
        "关于2024年度职称评审工作的通知\n各单位：\n评审费每人280元。\n某局\n2024年5月1日\n"
    )
    page = create_notice_page(parsed, authority=Authority.objects.get(slug="toutunhe"))
    assert page.fees.count() == 0
    assert any("没有写明级别" in w for w in parsed.warnings)


def test_reimport_is_refused_or_updates_the_draft(columns):
    name = "2024-toutunhe-ftz-notice.txt"
    first = import_seed(name, "toutunhe", publish=False)
    parsed = parse_file((SEEDS / name).read_bytes(), name)
    authority = Authority.objects.get(slug="toutunhe")
    with pytest.raises(NoticeImportError, match="已有草稿"):
        create_notice_page(parsed, authority=authority)
    templates = TemplatePage.objects.count()
    updated = create_notice_page(parsed, authority=authority, update=first)
    assert updated.pk == first.pk and NoticePage.objects.count() == 1
    assert TemplatePage.objects.count() == templates  # templates updated, not added


def test_two_notices_cannot_share_a_document_number(admin_client, columns, authority):
    from django.urls import reverse

    from .test_admin import notice_form

    import_seed("2024-toutunhe-ftz-notice.txt", "toutunhe")
    NoticePage.objects.update(document_number="新经开人社〔2026〕3号")
    url = reverse("wagtailadmin_pages:add", args=["notices", "noticepage", columns[0].pk])
    response = admin_client.post(url, notice_form(authority))
    assert response.status_code == 200
    assert "已被通知" in str(response.context["form"].errors["document_number"])
    assert NoticePage.objects.count() == 1


def test_publishing_a_notice_publishes_its_draft_templates(columns):
    from notices.wagtail_hooks import publish_notice_templates

    notice = import_seed("2023-bayingol-engineering-notice.txt", "bayingol", publish=False)
    drafts = [a.template_page for a in notice.attachments.all() if a.template_page]
    assert drafts and not any(page.live for page in drafts)
    editor = get_user_model().objects.create_superuser("editor", "e@example.cn", "pw")
    request = RequestFactory().post("/")
    request.user = editor
    request.session = {}
    request._messages = FallbackStorage(request)
    notice.save_revision(user=editor).publish(user=editor)
    publish_notice_templates(request, notice)
    assert all(TemplatePage.objects.get(pk=page.pk).live for page in drafts)
    assert any("已同时发布附件模板" in str(m) for m in request._messages)


def test_templates_the_user_may_not_publish_are_reported(columns):
    from notices.publishing import publish_draft_templates

    notice = import_seed("2023-bayingol-engineering-notice.txt", "bayingol", publish=False)
    nobody = get_user_model().objects.create_user("nobody", "n@example.cn", "pw")
    result = publish_draft_templates(notice, nobody)
    assert result.published == [] and len(result.not_allowed) >= 1
    assert not TemplatePage.objects.filter(live=True).exists()
