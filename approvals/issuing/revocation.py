"""Revoking a certificate (撤销): recorded with when, why and by whom, and audit-logged."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from approvals.models import Certificate, CertificateStatus


class RevocationError(Exception):
    """Why a certificate cannot be revoked (Chinese message)."""


def revoke_certificate(certificate: Certificate, reason: str, user=None) -> Certificate:
    """Mark `certificate` revoked; verification by number, QR and upload says so at once."""
    from wagtail.log_actions import log

    reason = (reason or "").strip()
    if not reason:
        raise RevocationError("请填写撤销原因。")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.is_revoked:
            raise RevocationError(f"证书 {locked.number} 已于此前撤销。")
        locked.status = CertificateStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.revoked_by = user if user is not None and user.pk else None
        locked.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
        log(
            instance=locked,
            action="approvals.revoke",
            user=locked.revoked_by,
            data={"reason": reason},
        )
    return locked
