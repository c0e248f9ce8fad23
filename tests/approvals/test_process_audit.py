"""Audit trail: key changes are logged; admin pages show times in Beijing time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from approvals.issuing.issue import issue_approval
from approvals.models import SigningKey

from .helpers import make_document

pytestmark = pytest.mark.django_db


def test_a_new_signing_key_is_in_the_log(signing_key, admin_client):
    call_command("create_signing_key", "--authority", signing_key.authority.slug)
    new = SigningKey.objects.get(authority=signing_key.authority, is_active=True)
    entry = ModelLogEntry.objects.for_instance(new).get(action="approvals.key_create")
    assert entry.data["key_id"] == new.key_id
    history = admin_client.get(f"/admin/signing_keys/history/{new.pk}/")
    if history.status_code == 200:  # the read-only key viewset may not offer a history page
        assert "启用新签章密钥" in history.content.decode()


# 2024-09-01 17:30 UTC is 2024-09-02 01:30 in Beijing: the date itself differs.
EVENING_UTC = dt.datetime(2024, 9, 1, 17, 30, tzinfo=dt.UTC)


def issued_at_evening_utc(authority):
    """A document issued now (the test signing key is valid from yesterday only), then dated
    back to EVENING_UTC: what the pages and exports print is what is tested."""
    from approvals.models import ApprovalDocument, Certificate

    document = issue_approval(make_document(authority, 1))
    ApprovalDocument.objects.filter(pk=document.pk).update(issued_at=EVENING_UTC)
    Certificate.objects.filter(document=document).update(created_at=EVENING_UTC)
    document.refresh_from_db()
    return document


def test_admin_pages_show_beijing_time(admin_client, authority, signing_key):
    document = issued_at_evening_utc(authority)
    certificate = document.certificates.get()
    html = admin_client.get(f"/admin/approvals/documents/inspect/{document.pk}/").content.decode()
    assert "2024-09-02 01:30" in html and "北京时间" in html
    html = admin_client.get(
        f"/admin/approvals/certificates/inspect/{certificate.pk}/"
    ).content.decode()
    assert "2024-09-02 01:30（北京时间）" in html
    i = html.find("2024年9月1日 17:30")
    assert i == -1, html[i - 600 : i + 100]
    assert "撤销时间" in html and ">None<" not in html


def test_the_issue_command_never_approves(authority, signing_key):
    from django.core.management.base import CommandError

    from approvals.issuing import issue as issuing
    from approvals.models import DocumentStatus

    document = make_document(authority, 1)
    with pytest.raises(CommandError, match="另一位有签发权限的人员审核签发"):
        call_command("issue_approval", str(document.pk))
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT and document.number is None
    # An approved document whose certificates were interrupted: the command completes it.
    issuing.prepare(document)
    call_command("issue_approval", str(document.pk))
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED


def test_exports_are_in_beijing_time(admin_client, authority, signing_key):
    document = issued_at_evening_utc(authority)
    csv_text = b"".join(
        admin_client.get("/admin/approvals/certificates/", {"export": "csv"}).streaming_content
    ).decode("utf-8-sig")
    assert "签发时间（北京时间）" in csv_text and "2024-09-02 01:30" in csv_text
    assert "17:30" not in csv_text
    xlsx = admin_client.get("/admin/approvals/documents/", {"export": "xlsx"})
    from io import BytesIO

    from openpyxl import load_workbook

    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    sheet = load_workbook(BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    issued_at = rows[1][rows[0].index("签发时间（北京时间）")]
    assert issued_at == dt.datetime(2024, 9, 2, 1, 30)
    assert rows[1][0] == document.number
