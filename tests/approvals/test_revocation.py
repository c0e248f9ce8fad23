"""Revocation: reason required, recorded and logged; every verification path shows it at once."""

from __future__ import annotations

import pytest
from wagtail.models import ModelLogEntry

from approvals import verification
from approvals.issuing.issue import issue_approval
from approvals.issuing.revocation import RevocationError, revoke_certificate
from approvals.models import private_storage

from .helpers import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(authority, signing_key):
    return issue_approval(make_document(authority, 1)).certificates.get()


def test_revoke_records_who_when_why(certificate, admin_user):
    revoked = revoke_certificate(certificate, "以不正当手段取得", admin_user)
    assert revoked.is_revoked and revoked.revoked_by == admin_user and revoked.revoked_at
    entry = ModelLogEntry.objects.get(action="approvals.revoke")
    assert entry.user_id == admin_user.pk and entry.data == {"reason": "以不正当手段取得"}


def test_reason_required_and_no_double_revocation(certificate, admin_user):
    with pytest.raises(RevocationError, match="撤销原因"):
        revoke_certificate(certificate, "  ", admin_user)
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    revoke_certificate(certificate, "原因", admin_user)
    with pytest.raises(RevocationError, match="已于此前撤销"):
        revoke_certificate(certificate, "再次", admin_user)


def test_all_verification_paths_say_revoked(certificate, admin_user):
    with private_storage().open(certificate.pdf.name, "rb") as handle:
        pdf = handle.read()
    assert verification.verify_number(certificate.number).verdict == "valid"
    revoke_certificate(certificate, "材料造假", admin_user)
    for result in (
        verification.verify_number(certificate.number),
        verification.verify_token(certificate.token),
        verification.verify_upload(pdf),
    ):
        assert result.verdict == "revoked"
        assert "材料造假" in result.message
