"""The signed revocation list of certificates, for verifiers without a network.

``/keys/revoked.json`` is ``{"payload": <base64url JSON>, "signature": <base64url r‖s>,
"kid": "ca"}``: ECDSA P-256/SHA-256 by the platform CA over the ASCII payload segment (the
same convention as the QR tokens, so WebCrypto checks it against the CA's JWK in keys.json).
The payload says when it was issued, how old it may get before a verifier must warn, which
certificate numbers are revoked, and for each revoked signing key the moment it was compromised
and the certificates it signed before that moment (still valid: any other token of that key is
not). Only numbers are listed: nothing about the holders.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509 import load_pem_x509_certificate
from django.conf import settings
from django.utils import timezone

from approvals.crypto.keys import decrypt_private_key
from approvals.models import Certificate, CertificateStatus, PlatformCA, SigningKey

VERSION = 1


def max_age_days() -> int:
    """After this many days a verifier says plainly that its list is out of date."""
    return int(getattr(settings, "APPROVALS_OFFLINE_LIST_MAX_AGE_DAYS", 7))


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def revocation_payload(now: dt.datetime | None = None) -> dict:
    now = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    revoked = sorted(
        Certificate.objects.filter(status=CertificateStatus.REVOKED).values_list(
            "number", flat=True
        )
    )
    keys = {}
    for key in SigningKey.objects.filter(compromised_from__isnull=False).order_by("key_id"):
        # A certificate row is written after its PDF and token were signed, so one created
        # before the compromise was certainly signed before it.
        before = Certificate.objects.filter(
            signing_key=key, created_at__lt=key.compromised_from
        ).values_list("number", flat=True)
        keys[key.key_id] = {
            "compromised_from": key.compromised_from.astimezone(dt.UTC).isoformat(),
            "valid_numbers": sorted(before),
        }
    return {
        "v": VERSION,
        "issued": now.isoformat(),
        "max_age_days": max_age_days(),
        "revoked": revoked,
        "revoked_keys": keys,
    }


def signed_revocation_list(now: dt.datetime | None = None) -> dict:
    ca = PlatformCA.objects.order_by("created").first()
    if ca is None:
        raise LookupError("尚未创建平台根证书。")
    payload = json.dumps(
        revocation_payload(now), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )
    segment = _b64e(payload.encode("utf-8"))
    der = decrypt_private_key(ca.encrypted_private_key).sign(
        segment.encode("ascii"), ec.ECDSA(hashes.SHA256())
    )
    r, s = decode_dss_signature(der)
    return {
        "kid": "ca",
        "payload": segment,
        "signature": _b64e(r.to_bytes(32, "big") + s.to_bytes(32, "big")),
    }


def verify_revocation_list(document: dict) -> dict | None:
    """The payload of a signed list when its signature checks against a platform CA, else None
    (the same check the browser does, for tests and for operators)."""
    try:
        segment = document["payload"]
        raw = _b64d(document["signature"])
        r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    except (KeyError, TypeError, ValueError):
        return None
    for ca in PlatformCA.objects.all():
        public = load_pem_x509_certificate(ca.certificate_pem.encode()).public_key()
        try:
            public.verify(
                encode_dss_signature(r, s), segment.encode("ascii"), ec.ECDSA(hashes.SHA256())
            )
        except Exception:
            continue
        return json.loads(_b64d(segment))
    return None
