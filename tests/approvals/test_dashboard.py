"""The approvals panels of the admin dashboard and the issuing progress endpoint."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from approvals import dashboard
from approvals.models import DocumentStatus
from tests.factories import ApprovalDocumentFactory, CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_document_counts_follow_every_declared_state(authority):
    ApprovalDocumentFactory.create_batch(2, authority=authority)
    ApprovalDocumentFactory(authority=authority, status=DocumentStatus.ISSUING, number="甲1号")
    rows = dashboard.document_counts()
    assert [row.value for row in rows] == list(DocumentStatus.values)
    counts = {row.label: row.count for row in rows}
    assert counts["草稿"] == 2 and counts["签发中"] == 1 and counts["已签发"] == 0
    assert rows[0].url.endswith("?status=draft")


def test_progress_endpoint_reports_the_stored_batch_progress(admin_client, authority):
    doc = ApprovalDocumentFactory(
        authority=authority, status=DocumentStatus.ISSUING, progress_done=16, progress_total=48
    )
    answer = admin_client.get(f"/admin/approvals/documents/progress/{doc.pk}/").json()
    assert answer["done"] == 16 and answer["total"] == 48 and answer["percent"] == 33
    assert answer["status_label"] == "签发中" and answer["failed"] is False
    doc.progress_done = 32
    doc.issue_error = "字体缺字：䶮"
    doc.save()
    answer = admin_client.get(f"/admin/approvals/documents/progress/{doc.pk}/").json()
    assert answer["done"] == 32 and answer["failed"] is True and "䶮" in answer["error"]


def test_progress_endpoint_refuses_users_without_permission(client, authority):
    from django.contrib.auth.models import Permission

    doc = ApprovalDocumentFactory(authority=authority, status=DocumentStatus.ISSUING)
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(f"/admin/approvals/documents/progress/{doc.pk}/").status_code in (302, 403)


def test_certificates_this_year_counts_from_beijing_new_year(authority):
    # 31 Dec 23:30 Beijing is still last year, though UTC says 15:30 the same day.
    with time_machine.travel(datetime.datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI)):
        CertificateFactory(document__authority=authority)
    with time_machine.travel(datetime.datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI)):
        CertificateFactory(document__authority=authority)
        revoked = CertificateFactory(document__authority=authority, status="revoked")
        revoked.revoked_at = timezone.now()
        revoked.save()
        figures = dashboard.certificates_this_year()
    assert figures == {"year": 2026, "total": 2, "revoked": 1, "valid": 1}


def test_revocation_panel_only_with_the_model():
    model = dashboard.revocation_request_model()
    counts = dashboard.revocation_request_counts()
    assert (counts is None) == (model is None)


def test_dashboard_panels_with_bounded_queries(
    admin_client, authority, django_assert_max_num_queries
):
    for i in range(5):
        ApprovalDocumentFactory(
            authority=authority,
            status=DocumentStatus.ISSUING,
            number=f"新经开人社〔2024〕{i + 1}号",
            progress_done=i,
            progress_total=10,
        )
        CertificateFactory(document__authority=authority)
    admin_client.get("/admin/")
    with django_assert_max_num_queries(60):
        response = admin_client.get("/admin/")
    html = response.content.decode()
    assert "审批文件" in html and "签发进度" in html and "已生成 4/10 份证书" in html
    assert "issuing-progress.js" in html
    assert "已签发证书 <strong>5</strong> 份" in html
    with django_assert_max_num_queries(3):
        dashboard.document_counts()
        dashboard.issuing_documents()
        dashboard.certificates_this_year()


def test_user_without_approval_permissions_sees_no_approval_panels(home_page):
    assert dashboard.panels_for(UserFactory()) == []


def test_documents_panel_offers_drafting_only_to_those_allowed(authority):
    from django.contrib.auth.models import Permission

    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_approvaldocument"))
    viewer = type(viewer).objects.get(pk=viewer.pk)  # fresh permission cache
    (panel,) = [p for p in dashboard.panels_for(viewer) if isinstance(p, dashboard.DocumentsPanel)]
    assert panel.get_context_data()["add_url"] == ""
    viewer.user_permissions.add(Permission.objects.get(codename="add_approvaldocument"))
    viewer = type(viewer).objects.get(pk=viewer.pk)
    (panel,) = [p for p in dashboard.panels_for(viewer) if isinstance(p, dashboard.DocumentsPanel)]
    assert panel.get_context_data()["add_url"].endswith("/from-publicity/")
