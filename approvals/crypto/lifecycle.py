"""Key lifecycle beyond rotation: revoking a signing key from a compromise date.

Revoking never deletes anything. The key stops signing at once; the CA's CRL lists its
certificate from ``compromised_from``; keys.json says ``"state": "revoked"``. A signature whose
time-stamp proves it was made before ``compromised_from`` stays valid, anything later (or
without a time-stamp) is invalid — in approvals.verification and in any PAdES validator that is
given the new CRL (the archive time-stamp run embeds it in the affected documents).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from approvals.crypto.keys import SigningKeyError, clear_key_cache
from approvals.models import SigningKey
from approvals.models.keys import REVOCATION_REASONS

logger = logging.getLogger(__name__)

REASONS = dict(REVOCATION_REASONS)


def revoke_signing_key(
    key: SigningKey,
    *,
    compromised_from: dt.datetime,
    reason: str = "key_compromise",
    note: str = "",
    user=None,
) -> SigningKey:
    """Revoke ``key`` as of ``compromised_from`` (not in the future, not before the key
    existed). Raises :class:`SigningKeyError` with a Chinese message otherwise."""
    from wagtail.log_actions import log

    now = timezone.now()
    if reason not in REASONS:
        raise SigningKeyError("吊销原因无效。")
    if timezone.is_naive(compromised_from):
        raise SigningKeyError("泄露起始时间必须带时区。")
    if compromised_from > now:
        raise SigningKeyError("泄露起始时间不能晚于当前时间。")
    if compromised_from < key.not_before:
        raise SigningKeyError("泄露起始时间早于该密钥证书的生效时间，请核对。")
    with transaction.atomic():
        locked = SigningKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is not None:
            raise SigningKeyError("该密钥已经吊销。")
        locked.revoked_at = now
        locked.compromised_from = compromised_from
        locked.revocation_reason = reason
        locked.revocation_note = note
        locked.revoked_by = user if getattr(user, "pk", None) else None
        locked.is_active = False
        locked.save(
            update_fields=[
                "revoked_at",
                "compromised_from",
                "revocation_reason",
                "revocation_note",
                "revoked_by",
                "is_active",
            ]
        )
        log(
            instance=locked,
            action="approvals.revoke_key",
            user=user if getattr(user, "pk", None) else None,
            data={
                "compromised_from": compromised_from.isoformat(),
                "reason": REASONS[reason],
                "note": note,
            },
        )
        transaction.on_commit(forget_cached_material)
    logger.warning(
        "signing key %s revoked from %s (%s)", locked.key_id, compromised_from.isoformat(), reason
    )
    return locked


def forget_cached_material() -> None:
    """Drop every per-process cache that could still sign with, or vouch for, a revoked key."""
    from approvals.crypto.ltv import clear_crl_cache
    from approvals.crypto.signing import clear_lta_cache, clear_signer_cache

    clear_key_cache()
    clear_signer_cache()
    clear_lta_cache()
    clear_crl_cache()


def signed_after_compromise(key: SigningKey, signed_at: dt.datetime | None) -> bool:
    """Is a signature by ``key`` at ``signed_at`` (None: no time-stamp proves when) invalid?"""
    if key.compromised_from is None:
        return False
    return signed_at is None or signed_at >= key.compromised_from
