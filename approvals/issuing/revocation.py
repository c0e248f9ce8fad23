"""Revoking a certificate (撤销) and reinstating one (恢复): two people each time.

One person with 经办 or 撤销 rights for the certificate's authority files a request with a reason
(``request_revocation`` / ``request_reinstatement``); a second person with 撤销 rights who did
not file it approves (the certificate changes at once, verification says so) or rejects it.
Every step is a ``RevocationRequest`` row and a Wagtail log entry; a revocation is undone only by
an approved reinstatement request, never by editing the certificate.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from approvals.models import (
    Certificate,
    CertificateStatus,
    RequestKind,
    RequestStatus,
    RevocationRequest,
)
from website.roles import Role, has_role


class RevocationError(Exception):
    """Why a certificate cannot be revoked or reinstated now (Chinese message)."""


class NotAllowed(RevocationError):
    """The user lacks the role for this authority, or decides their own request (403)."""


def _authority_id(certificate: Certificate) -> int:
    return certificate.document.authority_id


def can_request(user, certificate: Certificate) -> bool:
    authority = _authority_id(certificate)
    return has_role(user, Role.REVOKE, authority) or has_role(user, Role.PREPARE, authority)


def can_decide(user, item: RevocationRequest) -> bool:
    return (
        item.status == RequestStatus.PENDING
        and item.requested_by_id != user.pk
        and has_role(user, Role.REVOKE, _authority_id(item.certificate))
    )


def _log(instance, action: str, user, **data) -> None:
    from wagtail.log_actions import log

    log(instance=instance, action=action, user=user, data=data)


def _file(certificate: Certificate, kind: str, reason: str, user) -> RevocationRequest:
    reason = (reason or "").strip()
    if not reason:
        raise RevocationError("请填写理由。")
    if not can_request(user, certificate):
        raise NotAllowed(f"您没有{certificate.document.authority}的撤销申请权限。")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if kind == RequestKind.REVOKE and locked.is_revoked:
            raise RevocationError(f"证书 {locked.number} 已于此前撤销。")
        if kind == RequestKind.REINSTATE and not locked.is_revoked:
            raise RevocationError(f"证书 {locked.number} 有效，无需恢复。")
        if locked.revocation_requests.filter(status=RequestStatus.PENDING).exists():
            raise RevocationError(f"证书 {locked.number} 已有待审核的申请。")
        try:
            with transaction.atomic():
                item = RevocationRequest.objects.create(
                    certificate=locked, kind=kind, reason=reason, requested_by=user
                )
        except IntegrityError as error:  # a concurrent request won the partial unique index
            raise RevocationError(f"证书 {locked.number} 已有待审核的申请。") from error
        _log(locked, f"approvals.{kind}_request", user, reason=reason, request=item.pk)
    return item


def request_revocation(certificate: Certificate, reason: str, user) -> RevocationRequest:
    return _file(certificate, RequestKind.REVOKE, reason, user)


def request_reinstatement(certificate: Certificate, reason: str, user) -> RevocationRequest:
    return _file(certificate, RequestKind.REINSTATE, reason, user)


def _decide(item: RevocationRequest, user, note: str, approve: bool) -> RevocationRequest:
    with transaction.atomic():
        item = (
            RevocationRequest.objects.select_for_update()
            .select_related("certificate__document")
            .get(pk=item.pk)
        )
        if item.status != RequestStatus.PENDING:
            raise RevocationError("该申请已处理。")
        if item.requested_by_id == user.pk:
            raise NotAllowed("申请人不能审核自己的申请，须由另一位撤销审核人员批准。")
        if not has_role(user, Role.REVOKE, _authority_id(item.certificate)):
            raise NotAllowed(f"您没有{item.certificate.document.authority}的撤销审核权限。")
        item.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        item.decided_by = user
        item.decided_at = timezone.now()
        item.decision_note = (note or "").strip()
        item.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve and item.kind == RequestKind.REVOKE:
            _revoke(item.certificate, item, user)
        elif approve:
            _reinstate(item.certificate, item, user)
        else:
            _log(item.certificate, "approvals.request_reject", user, request=item.pk, note=note)
    return item


def approve_request(item: RevocationRequest, user, note: str = "") -> RevocationRequest:
    return _decide(item, user, note, approve=True)


def reject_request(item: RevocationRequest, user, note: str = "") -> RevocationRequest:
    return _decide(item, user, note, approve=False)


def _revoke(certificate: Certificate, item: RevocationRequest, user) -> None:
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.is_revoked:
        raise RevocationError(f"证书 {locked.number} 已于此前撤销。")
    _set_status(locked, CertificateStatus.REVOKED, timezone.now(), item.reason, user)
    _log(
        locked,
        "approvals.revoke",
        user,
        reason=item.reason,
        request=item.pk,
        requested_by=item.requested_by_id,
    )


def _set_status(certificate: Certificate, status, revoked_at, reason: str, user) -> None:
    """The certificate's status with its revocation record (cleared when valid again), saved."""
    certificate.status = status
    certificate.revoked_at = revoked_at
    certificate.revoked_reason = reason
    certificate.revoked_by = user
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])


def _reinstate(certificate: Certificate, item: RevocationRequest, user) -> None:
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not locked.is_revoked:
        raise RevocationError(f"证书 {locked.number} 有效，无需恢复。")
    previous = locked.revoked_reason
    _set_status(locked, CertificateStatus.VALID, None, "", None)
    _log(
        locked,
        "approvals.reinstate",
        user,
        reason=item.reason,
        revoked_reason=previous,
        request=item.pk,
        requested_by=item.requested_by_id,
    )


def revoke_certificate(certificate: Certificate, reason: str, user=None) -> Certificate:
    """Revoke at once, without a second person: for data set-up from the operator's shell.

    The admin never calls this; there a revocation is a request approved by a second person.
    """
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
        _log(locked, "approvals.revoke", locked.revoked_by, reason=reason)
    return locked
