"""Admin: create and edit notices with validation, 从文档导入, the import_notice command, demo."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from notices.models import NoticePage, TemplatePage

from .conftest import SEEDS
from .corpus_data import expectations, inputs

pytestmark = pytest.mark.django_db


def notice_form(authority, **overrides):
    data = {
        "title": "关于开展2026年度工程系列职称评审工作的通知",
        "slug": "2026-toutunhe",
        "review_year": 2026,
        "issue_date": "2026-03-01",
        "authority": authority.pk,
        "document_number": "新经开人社〔2026〕3号",
        "addressees": "区属各企业",
        "levels": ["初级", "中级"],
        "summary": "现将有关事项通知如下：",
        "body": streamfield([]),
        "contacts": streamfield([]),
        "phases": inline_formset(
            [
                {
                    "kind": "申报",
                    "label": "网上申报",
                    "start_date": "2026-03-10",
                    "end_date": "2026-03-31",
                    "note": "",
                }
            ]
        ),
        "fees": inline_formset([{"level": "中级", "amount": "380", "note": "职称评审费"}]),
        "attachments": inline_formset([]),
    }
    data.update(overrides)
    levels = data.pop("levels")
    form = nested_form_data(data)
    form["levels"] = levels  # a multiple choice: posted as repeated values, not nested
    return form


def test_admin_creates_a_notice(admin_client, columns, authority):
    index = columns[0]
    url = reverse("wagtailadmin_pages:add", args=["notices", "noticepage", index.pk])
    response = admin_client.post(url, notice_form(authority))
    assert response.status_code == 302, response.context["form"].errors
    page = NoticePage.objects.get(slug="2026-toutunhe")
    assert page.level_list == ["初级", "中级"]
    assert page.phases.get().label == "网上申报"
    assert str(page.fees.get().amount) == "380.00"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"phases": inline_formset([{"kind": "申报", "label": "", "start_date": "2026-03-31", "end_date": "2026-03-01", "note": ""}])},
            "截止日期早于开始日期",
        ),
        ({"fees": inline_formset([{"level": "中级", "amount": "0", "note": ""}])}, "评审费须为大于 0 的金额"),
        ({"fees": inline_formset([{"level": "中级", "amount": "-5", "note": ""}])}, "评审费须为大于 0 的金额"),
        ({"document_number": "新经开人社[2026]3号"}, "六角括号"),
        ({"document_number": "新经开人社〔2019〕3号"}, "与评审年度 2026 不符"),
    ],
)  # fmt: skip
def test_admin_validation_errors(admin_client, columns, authority, overrides, message):
    index = columns[0]
    url = reverse("wagtailadmin_pages:add", args=["notices", "noticepage", index.pk])
    response = admin_client.post(url, notice_form(authority, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NoticePage.objects.exists()


def test_admin_edits_an_imported_notice(admin_client, bayingol_notice):
    url = reverse("wagtailadmin_pages:edit", args=[bayingol_notice.pk])
    assert admin_client.get(url).status_code == 200
    form = notice_form(
        bayingol_notice.authority,
        title=bayingol_notice.title,
        slug=bayingol_notice.slug,
        review_year=2023,
        document_number="巴州职称办〔2023〕1号",
    )
    form["action-publish"] = "publish"
    response = admin_client.post(url, form)
    assert response.status_code == 302
    page = NoticePage.objects.get(pk=bayingol_notice.pk)
    assert page.document_number == "巴州职称办〔2023〕1号"
    # The form posted no existing phase rows (so they stay) and one new row.
    assert page.live and page.phases.count() == 5


def test_admin_edit_pages_of_templates_and_indexes_open(admin_client, bayingol_notice, columns):
    for page in [*columns, TemplatePage.objects.first()]:
        assert (
            admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
        )


def upload(client, data, name="n.txt"):
    """Post a file to 从文档导入, leaving the authority to be recognised."""
    file = SimpleUploadedFile(name, data)
    return client.post(reverse("notices_import"), {"file": file, "authority": ""})


def confirm(client, **fields):
    """Confirm the review of the file uploaded last, with the facts as corrected."""
    token = client.session["notice_import"]["token"]
    return client.post(reverse("notices_import"), {"token": token, **fields})


def test_import_upload_shows_review_then_creates_a_draft(admin_client, columns):
    data = (SEEDS / "2024-toutunhe-ftz-notice.txt").read_bytes()
    response = upload(admin_client, data, "notice.txt")
    # Nothing is saved before the editor confirms; the facts are shown with their sources.
    assert response.status_code == 200 and not NoticePage.objects.exists()
    html = response.content.decode()
    assert "确认并生成草稿" in html and '<mark id="fact-1"' in html
    assert "网上材料申报" in html
    fields = {"title": "关于开展2024年度中国（新疆）自由贸易试验区职称评审工作的通知（核对后）",
              "document_number": "", "review_year": "2024", "issue_date": "", "authority": ""}  # fmt: skip
    response = confirm(admin_client, **fields)
    page = NoticePage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert not page.live
    assert page.title == fields["title"]  # the editor's correction is used
    assert page.authority.slug == "toutunhe"  # matched by the signature
    assert [p.label for p in page.phases.all()] == ["网上材料申报", "网上材料审核", "缴费"]
    # The same file again (the same facts confirmed): the review says so, and confirming
    # without "update" is refused.
    upload(admin_client, data)
    response = confirm(admin_client, **fields)
    assert "已有草稿" in response.content.decode()
    assert NoticePage.objects.count() == 1
    response = confirm(admin_client, **fields, update_existing="on")
    assert response.status_code == 302 and NoticePage.objects.count() == 1


def test_import_review_unticked_facts_are_left_out(admin_client, columns):
    data = (SEEDS / "2024-toutunhe-ftz-notice.txt").read_bytes()
    response = upload(admin_client, data)
    html = response.content.decode()
    assert 'name="keep" value="phase-2"' in html and 'name="keep" value="contact-1"' in html
    assert "未能识别或需要核对的内容" in html
    response = confirm(
        admin_client,
        title="关于开展2024年度职称评审工作的通知",
        review_year="2024",
        facts_listed="1",
        keep=["phase-0", "contact-0"],
    )
    page = NoticePage.objects.get()
    assert [p.label for p in page.phases.all()] == ["网上材料申报"]
    assert len(page.contacts) == 1


def test_import_review_of_a_word_fee_table_shows_the_table_with_each_sum_marked(
    admin_client, columns
):
    # A real schedule from the corpus, as the Word table its text was laid out in.
    name = "2000-fujian-review-fee-tiers-table.docx.json"
    ((filename, data),) = inputs(name, expectations()[name])
    response = upload(admin_client, data, filename)
    html = response.content.decode()
    assert '<table class="notice-review__table">' in html and "<th>高级（元/人）</th>" in html
    assert "| 20人以下" not in html  # no row left as text with pipes
    assert '<td><mark id="fact-3" title="费用：高级 评审费 600 元">600</mark></td>' in html
    assert '<td><mark id="fact-11" title="费用：初级 评审费 100 元">100</mark></td>' in html
    assert 'name="keep" value="fee-9"' in html and '<a href="#fact-11">100</a>' in html
    assert "可加收论文鉴定费每篇100元</mark>" in html  # the prose fee after the table too
    response = confirm(admin_client, title=expectations()[name]["title"], review_year="2000")
    page = NoticePage.objects.get()
    assert [(f.level, int(f.amount)) for f in page.fees.all()][:3] == [
        ("高级", 600), ("中级", 500), ("初级", 300)
    ]  # fmt: skip
    assert page.fees.count() == 9  # the 鉴定费 without a level stays among the warnings
    tables = [b for block in page.body for b in block.value["content"] if b.block_type == "table"]
    assert len(tables) == 1


def test_import_confirm_with_stale_token_creates_nothing(admin_client, columns):
    response = admin_client.post(
        reverse("notices_import"),
        {"token": "forged", "title": "关于…的通知", "review_year": "2024"},
    )
    assert response.status_code == 302
    assert not NoticePage.objects.exists()


def test_import_menu_item_and_form(admin_client, columns):
    # The menu is serialised as JSON for the sidebar: look for its URL.
    assert (
        reverse("notices_import") in admin_client.get(reverse("wagtailadmin_home")).content.decode()
    )
    response = admin_client.get(reverse("notices_import"))
    assert response.status_code == 200
    assert "识别并核对" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "文件是空的"),
        ("binary.txt", bytes(range(256)) * 4, "无法识别文件格式"),
        ("scan.pdf", b"%PDF-1.4 binary", "暂不支持直接导入 PDF"),
        ("notes.txt", "会议纪要\n今天开会。".encode(), "没有识别出通知标题"),
    ],
)
def test_import_upload_bad_file_creates_nothing(admin_client, columns, name, data, message):
    response = upload(admin_client, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NoticePage.objects.exists()
    assert not TemplatePage.objects.exists()


def test_import_upload_without_identifiable_authority(admin_client, columns):
    data = (SEEDS / "2023-toutunhe-engineering-notice.txt").read_bytes()
    response = upload(admin_client, data)
    assert "请选择发文机关" in response.content.decode()
    assert not NoticePage.objects.exists()


def test_import_requires_permission(client, columns, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-reader-123")
    client.force_login(user)
    assert client.get(reverse("notices_import")).status_code in (302, 403)


def test_import_notice_command_json_dry_run(columns, capsys):
    call_command(
        "import_notice", str(SEEDS / "2023-bayingol-engineering-notice.txt"), "--dry-run", "--json"
    )
    data = json.loads(capsys.readouterr().out)
    assert data["issue_date"] == "2023-08-14"
    assert data["phases"][1]["start"] == "2023-09-26"
    # The same facts as the admin review, with where each came from and what was not read.
    start, end = data["phases"][1]["span"]
    assert "2023年9月26日" in data["text"][start:end]
    start, end = data["spans"]["title"]
    assert data["text"][start:end] == data["title"]
    assert isinstance(data["warnings"], list) and data["dates"]
    assert not NoticePage.objects.exists()


def test_import_notice_command_creates_and_publishes(columns, capsys):
    path = SEEDS / "2025-urumqi-all-series-notice.txt"
    call_command("import_notice", str(path), "--authority", "urumqi")
    draft = NoticePage.objects.get()
    assert not draft.live and draft.authority.slug == "urumqi"
    # Importing the same notice again is refused with a clear message…
    with pytest.raises(CommandError, match="已有草稿"):
        call_command("import_notice", str(path), "--authority", "urumqi", "--publish")
    assert NoticePage.objects.count() == 1
    # …or, when asked, updates that draft in place (and publishes it) instead of adding one.
    templates = TemplatePage.objects.count()
    call_command("import_notice", str(path), "--authority", "urumqi", "--publish", "--update")
    assert NoticePage.objects.live().get().slug == "2025-urumqi"
    assert NoticePage.objects.count() == 1 and TemplatePage.objects.count() == templates
    # A published notice is never replaced by an import.
    with pytest.raises(CommandError, match="已经发布"):
        call_command("import_notice", str(path), "--authority", "urumqi", "--update")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/notice.txt"], "找不到文件"),
        ([str(SEEDS / "2025-urumqi-all-series-notice.txt"), "--authority", "nobody"], "找不到标识为“nobody”的发文机关"),
        ([str(SEEDS / "2025-urumqi-all-series-notice.txt")], "请选择发文机关"),
    ],
)  # fmt: skip
def test_import_notice_command_errors(columns, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_notice", *args)
    assert not NoticePage.objects.exists()


def test_demo_is_idempotent(home_page, settings, tmp_path):
    from notices import demo

    messages = []
    demo.load(messages.append)
    demo.load(messages.append)
    assert NoticePage.objects.live().count() == 4
    assert TemplatePage.objects.live().count() == 5
    assert sum("已存在" in m for m in messages) == 4
    assert {p.authority.slug for p in NoticePage.objects.all()} == {
        "bayingol",
        "toutunhe",
        "urumqi",
    }


def test_demo_without_seed_folder(home_page, monkeypatch, tmp_path):
    from notices import demo

    monkeypatch.setattr(demo, "seeds_dir", lambda: tmp_path / "missing")
    messages = []
    demo.load(messages.append)
    assert any("未找到示例通知目录" in m for m in messages)
    assert not NoticePage.objects.exists()


def _docx_bytes(text="关于开展职称评审工作的通知"):
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: __import__("tests.hostile_files", fromlist=["x"]).with_billion_laughs(
                _docx_bytes(), "word/document.xml", b"<w:document>"
            ),
            "DOCTYPE",
        ),
        (
            lambda: __import__("tests.hostile_files", fromlist=["x"]).zip_bomb(
                "word/media/big.bin", _docx_bytes()
            ),
            "解压后",
        ),
    ],
    ids=["billion-laughs", "zip-bomb"],
)
def test_import_upload_of_a_hostile_docx_is_refused(admin_client, columns, build, message):
    response = upload(admin_client, build(), "n.docx")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NoticePage.objects.exists()


def test_import_upload_of_a_docx_with_malformed_xml_is_a_form_error(admin_client, columns):
    from tests.hostile_files import rewrite_zip

    data = rewrite_zip(_docx_bytes(), {"word/document.xml": b"<w:document><w:body><w:p>"})
    response = upload(admin_client, data, "n.docx")
    assert response.status_code == 200
    assert "无法" in response.content.decode() or "损坏" in response.content.decode()
    assert not NoticePage.objects.exists()
