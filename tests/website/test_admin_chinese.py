"""The admin speaks Chinese: a crawl of the pages an editor's journeys use fails on English UI text.

Wagtail's own zh_Hans catalogue lacks about 400 strings; the project ships them
(website/locale), renames the rows Django and Wagtail create in English (permissions, groups,
the default workflow) and overrides the few templates with hard-coded English.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

pytestmark = pytest.mark.django_db

#: Words that are names, formats or codes, not UI text.
ALLOWED = {
    "Wagtail", "JavaScript", "PDF", "DOCX", "XLSX", "CSV", "TSV", "Markdown", "Word", "URL",
    "API", "HTML", "JSON", "PEM", "CRL", "SHA", "QR", "ID", "KB", "MB", "AVIF", "GIF", "JPG",
    "JPEG", "PNG", "WEBP", "SVG", "RSS", "Atom", "ICS", "docx", "txt", "md", "xlsx", "csv",
    "http", "https", "domain.com", "work", "my-work", "year", "Asia/Shanghai", "TOUTUNHE",
    "Article page",  # a page model of the test-only app tests/whoosh_jieba/testapp
}  # fmt: skip
ENGLISH = re.compile(r"[A-Za-z][A-Za-z'’]+(?:[ -][A-Za-z'’]+)*")


class VisibleText(HTMLParser):
    """Text a person sees or hears: element text and the labelling attributes."""

    SKIPPED = {"script", "style", "template", "svg", "code", "pre", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.hidden_stack: list[str] = []  # open elements inside a `hidden` one
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.VOID:
            if self.hidden_stack or self.depth:
                return
        elif self.hidden_stack or "hidden" in attributes:
            self.hidden_stack.append(tag)
            return
        if tag in self.SKIPPED:
            self.depth += 1
        for name in ("placeholder", "title", "aria-label", "alt"):
            if attributes.get(name):
                self.texts.append(attributes[name])

    def handle_endtag(self, tag):
        if self.hidden_stack:
            if tag in self.hidden_stack:
                while self.hidden_stack.pop() != tag:
                    pass
            return
        if tag in self.SKIPPED and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and not self.hidden_stack and data.strip():
            self.texts.append(data.strip())


def english_phrases(html: str, names: tuple[str, ...] = ()) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        for phrase in ENGLISH.findall(text):
            words = phrase.split()
            if all(word in ALLOWED or word.upper() == word for word in words):
                continue
            if phrase in ALLOWED or phrase in names:
                continue
            found.append(phrase)
    return found


@pytest.fixture
def editor_client(client, django_user_model, home_page):
    call_command("migrate", verbosity=0)  # post_migrate renames run on the test database too
    user = django_user_model.objects.create_superuser("zhang", "zhang@example.cn", "pw-zhang-1")
    user.first_name, user.last_name = "伟", "张"
    user.save()
    client.force_login(user)
    return client


ADMIN_PAGES = [
    "/admin/",
    "/admin/pages/",
    "/admin/pages/search/",
    "/admin/account/",
    "/admin/groups/",
    "/admin/groups/new/",
    "/admin/users/",
    "/admin/workflows/list/",
    "/admin/workflows/tasks/index/",
    "/admin/reports/site-history/",
    "/admin/reports/locked/",
    "/admin/reports/aging-pages/",
    "/admin/documents/",
    "/admin/images/",
    "/admin/snippets/",
    "/admin/snippets/website/authority/",
    "/admin/snippets/website/authority/add/",
    "/admin/snippets/website/series/",
    "/admin/notices/import/",
    # The editor's workspace (issue 15): lists, registers, statistics, keys.
    "/admin/snippets/publicity/publicityentry/",
    "/admin/snippets/publicity/objection/",
    "/admin/snippets/publicity/calendarday/",
    "/admin/approvals/documents/",
    "/admin/approvals/certificates/",
    "/admin/approvals/certificates/statistics/",
    "/admin/signing_keys/",
    "/admin/signing_keys/rotate/",
]


def test_dashboard_with_work_to_do_has_no_english_ui_text(editor_client, home_page, authority):
    """The dashboard's panels filled: a running publicity, an open objection, a document being
    issued, certificates, a missing calendar year."""
    import datetime

    from publicity.demo import ensure_index
    from tests.factories import (
        ApprovalDocumentFactory,
        CertificateFactory,
        ObjectionFactory,
        PublicityEntryFactory,
        PublicityPageFactory,
    )

    index = ensure_index(home_page)
    today = datetime.date.today()
    page = index.add_child(
        instance=PublicityPageFactory.build(authority=authority, start_date=today)
    )
    page.save_revision().publish()
    ObjectionFactory(entry=PublicityEntryFactory(publicity=page))
    ApprovalDocumentFactory(
        authority=authority, status="issuing", number="甲1号", progress_done=3, progress_total=9
    )
    CertificateFactory(document__authority=authority)
    html = editor_client.get("/admin/").content.decode()
    assert "公示进度" in html and "签发进度" in html and "异议处理" in html
    assert english_phrases(html, ("zhang",)) == []


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_page_has_no_english_ui_text(editor_client, url):
    response = editor_client.get(url, follow=True)
    assert response.status_code == 200, url
    assert english_phrases(response.content.decode(), ("zhang",)) == []


def test_page_editor_has_no_english_ui_text(editor_client, home_page):
    for url in (f"/admin/pages/{home_page.pk}/", f"/admin/pages/{home_page.pk}/edit/"):
        response = editor_client.get(url)
        assert response.status_code == 200
        assert english_phrases(response.content.decode(), ("zhang",)) == [], url


def test_admin_titles_name_the_site_not_wagtail(editor_client, client):
    html = editor_client.get("/admin/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip().endswith("职称公示与证书平台 管理后台")


def test_permissions_groups_and_workflow_are_named_in_chinese(editor_client):
    assert not Permission.objects.filter(name__startswith="Can ").exists()
    assert Permission.objects.get(codename="add_authority").name == "可以添加发文机关"
    assert Permission.objects.get(codename="access_admin").name == "可以访问管理后台"
    names = set(Group.objects.values_list("name", flat=True))
    assert {"编辑", "审核员"} <= names and not names & {"Editors", "Moderators"}
    from wagtail.models import Workflow

    assert Workflow.objects.filter(name="审核员审批").exists()


def test_the_checker_finds_english():
    """The crawl can fail: English UI text is reported, names and formats are not."""
    html = (
        '<p>Autosave is paused</p><button title="Schedule to publish">x</button><p>PDF 文件</p>'
        "<div hidden><span>None</span></div><p>已保存</p>"
    )
    assert english_phrases(html) == ["Autosave is paused", "Schedule to publish"]


def test_project_catalogue_is_compiled():
    """The .mo files match the .po sources (run `python -m website.locale.compile` after edits)."""
    import gettext
    from pathlib import Path

    import polib

    base = Path(__file__).resolve().parents[2] / "website" / "locale" / "zh_Hans" / "LC_MESSAGES"
    for domain in ("django", "djangojs"):
        po = polib.pofile(str(base / f"{domain}.po"))
        with open(base / f"{domain}.mo", "rb") as handle:
            mo = gettext.GNUTranslations(handle)
        for entry in po:
            assert entry.translated(), entry.msgid
            if not entry.msgid_plural and not entry.msgctxt:
                assert mo.gettext(entry.msgid) == entry.msgstr
