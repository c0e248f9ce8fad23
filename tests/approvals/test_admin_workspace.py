"""The editor's workspace on certificates: issuance register, annual statistics, the PDF from
the admin, Beijing time in detail views, document search by a person's name."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission

from approvals.issuing.issue import issue_approval
from approvals.issuing.revocation import revoke_certificate
from approvals.models import Certificate
from tests.factories import UserFactory

from .helpers import make_document

pytestmark = pytest.mark.django_db

REVOKED_UTC = dt.datetime(2026, 3, 1, 18, 44, tzinfo=dt.UTC)  # 2 March 02:44 in Beijing


@pytest.fixture
def issued(authority, signing_key, time_machine, admin_client):
    document = issue_approval(make_document(authority, 3))
    certificate = Certificate.objects.get(number="TOUTUNHE-2024-000002")
    time_machine.move_to(REVOKED_UTC, tick=False)
    revoke_certificate(certificate, "材料造假", admin_client.user)
    return document


def _xlsx_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_issuance_register_xlsx_and_csv(admin_client, issued):
    url = "/admin/approvals/certificates/"
    rows = _xlsx_rows(admin_client.get(url, {"export": "xlsx"}))
    assert rows[0][:5] == ("审批文件文号", "成文日期", "证书编号", "姓名", "性别")
    assert len(rows) == 4
    by_number = {row[2]: row for row in rows[1:]}
    revoked = by_number["TOUTUNHE-2024-000002"]
    assert revoked[0] == issued.number
    assert revoked[11] == "已撤销" and by_number["TOUTUNHE-2024-000001"][11] == "有效"
    assert revoked[13] == dt.datetime(2026, 3, 2, 2, 44)
    assert revoked[14] == "材料造假"
    assert by_number["TOUTUNHE-2024-000001"][13] is None  # empty, not 「None」
    response = admin_client.get(url, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 4 and "2026-03-02 02:44:00" in text and "None" not in text


def test_certificate_inspect_shows_beijing_time(admin_client, issued):
    certificate = Certificate.objects.get(number="TOUTUNHE-2024-000002")
    html = admin_client.get(f"/admin/approvals/certificates/inspect/{certificate.pk}/").content
    html = html.decode()
    assert "02:44" in html and "18:44" not in html


def test_annual_statistics_page_and_exports(admin_client, issued):
    from approvals.statistics import annual_statistics

    year = issued.year
    rows = annual_statistics(year)
    assert [(r.series, r.level, r.total, r.valid, r.revoked) for r in rows[:-1]] == [
        ("工程系列", "中级", 3, 2, 1)
    ]
    assert rows[-1].authority == "合计" and rows[-1].total == 3
    url = "/admin/approvals/certificates/statistics/"
    html = admin_client.get(url, {"year": year}).content.decode()
    assert "合计" in html and "工程系列" in html
    sheet = _xlsx_rows(admin_client.get(url, {"year": year, "export": "xlsx"}))
    assert sheet[0] == ("年度", "发文机关", "系列", "级别", "证书总数", "有效", "已撤销")
    assert sheet[1][2:] == ("工程系列", "中级", 3, 2, 1)
    text = admin_client.get(url, {"year": year, "export": "csv"}).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[-1][1] == "合计"
    assert annual_statistics(year + 1) == []


def test_certificate_pdf_from_the_admin(admin_client, issued, client):
    certificate = Certificate.objects.get(number="TOUTUNHE-2024-000001")
    url = f"/admin/approvals/certificates/pdf/{certificate.pk}/"
    response = admin_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "inline" in response["Content-Disposition"]
    download = admin_client.get(url, {"download": "1"})
    assert "attachment" in download["Content-Disposition"]
    listing = admin_client.get("/admin/approvals/certificates/").content.decode()
    assert url in listing

    # An admin user without certificate permissions gets no PDF.
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(url).status_code in (302, 403)


def test_document_search_by_person_name(admin_client, issued):
    html = admin_client.get("/admin/approvals/documents/", {"q": "李华"}).content.decode()
    assert issued.number in html
    html = admin_client.get("/admin/approvals/documents/", {"q": "没有此人"}).content.decode()
    assert issued.number not in html
