"""Revoking and reinstating a certificate take two people with 撤销 rights for its authority."""

from __future__ import annotations

import pytest
from wagtail.models import ModelLogEntry

from approvals.issuing import revocation
from approvals.issuing.issue import issue_approval
from approvals.models import CertificateStatus, RequestStatus
from approvals.verification import verify_number
from tests.factories import client_for, role_user
from website.roles import Role

from .helpers import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(authority, signing_key):
    return issue_approval(make_document(authority, 1)).certificates.get()


@pytest.fixture
def requester(authority):
    return role_user("requester", Role.REVOKE, authority=authority, full_name="赵申请")


@pytest.fixture
def approver(authority):
    return role_user("approver", Role.REVOKE, authority=authority, full_name="钱审核")


def test_request_then_second_person_revokes(certificate, requester, approver):
    item = revocation.request_revocation(certificate, "以不正当手段取得", requester)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID  # a request changes nothing yet
    # The requester cannot approve their own request.
    with pytest.raises(revocation.NotAllowed, match="申请人不能审核自己的申请"):
        revocation.approve_request(item, requester)
    response = client_for(requester).post(
        f"/admin/approvals/certificates/requests/{item.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID

    revocation.approve_request(item, approver, "核实属实")
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_by == approver
    assert verify_number(certificate.number).verdict == "revoked"
    item.refresh_from_db()
    assert item.status == RequestStatus.APPROVED and item.decided_by == approver
    entry = ModelLogEntry.objects.get(action="approvals.revoke")
    assert entry.user == approver and entry.data["requested_by"] == requester.pk
    assert entry.user_display_name == "钱审核"  # the full name in the history


def test_clerk_without_revoke_rights_gets_403(certificate, authority):
    outsider = role_user("outsider", Role.ISSUE, authority=authority)
    url = f"/admin/approvals/certificates/revoke/{certificate.pk}/"
    assert client_for(outsider).post(url, {"reason": "随便撤销"}).status_code == 403
    assert not certificate.revocation_requests.exists()


def test_revoker_of_another_authority_cannot_decide(certificate, requester, authority):
    from website.models import Authority

    other = Authority.objects.exclude(pk=authority.pk).first()
    foreign = role_user("foreign", Role.REVOKE, authority=other)
    item = revocation.request_revocation(certificate, "材料造假", requester)
    with pytest.raises(revocation.NotAllowed):
        revocation.approve_request(item, foreign)
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_only_one_open_request_and_a_reason_is_required(certificate, requester, approver):
    with pytest.raises(revocation.RevocationError, match="理由"):
        revocation.request_revocation(certificate, "  ", requester)
    revocation.request_revocation(certificate, "材料造假", requester)
    with pytest.raises(revocation.RevocationError, match="待审核"):
        revocation.request_revocation(certificate, "再次申请", approver)


def test_reinstatement_is_a_recorded_two_person_reversal(certificate, requester, approver):
    revocation.approve_request(
        revocation.request_revocation(certificate, "误认为材料造假", requester), approver
    )
    certificate.refresh_from_db()
    # No way back by editing: the admin has no certificate edit form.
    edit = client_for(approver).get(f"/admin/approvals/certificates/edit/{certificate.pk}/")
    assert edit.status_code != 200
    item = revocation.request_reinstatement(certificate, "复核后材料属实", approver)
    with pytest.raises(revocation.NotAllowed):
        revocation.approve_request(item, approver)
    revocation.approve_request(item, requester, "同意恢复")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID and not certificate.revoked_reason
    assert verify_number(certificate.number).verdict == "valid"
    entry = ModelLogEntry.objects.get(action="approvals.reinstate")
    assert entry.data["revoked_reason"] == "误认为材料造假"
    assert entry.data["reason"] == "复核后材料属实" and entry.user == requester
    kinds = list(
        certificate.revocation_requests.order_by("requested_at", "pk").values_list("kind", "status")
    )
    assert kinds == [("revoke", "approved"), ("reinstate", "approved")]


def test_history_and_inspect_pages_for_those_allowed(certificate, requester, approver):
    item = revocation.request_revocation(certificate, "材料造假", requester)
    inspect = client_for(approver).get(f"/admin/approvals/certificates/inspect/{certificate.pk}/")
    html = inspect.content.decode()
    assert inspect.status_code == 200 and "批准" in html and "赵申请" in html
    own = client_for(requester).get(f"/admin/approvals/certificates/inspect/{certificate.pk}/")
    assert "等待另一位撤销审核人员审核" in own.content.decode()
    revocation.reject_request(item, approver, "证据不足")
    history = client_for(approver).get(f"/admin/approvals/certificates/history/{certificate.pk}/")
    assert history.status_code == 200
    assert "申请撤销" in history.content.decode() and "驳回申请" in history.content.decode()
