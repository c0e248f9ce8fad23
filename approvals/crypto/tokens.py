"""Compact signed tokens for certificate QR codes, verifiable offline with /keys/keys.json.

Format: ``<payload>.<signature>``, both base64url without padding.

- payload: UTF-8 text ``1|<kid>|<n>|<nm>|<q>|<l>|<d>`` — version 1, the signing key's id, then
  the certificate fields of :data:`FIELDS` in that fixed order (no keys, no JSON quoting: every
  byte saved shrinks the QR code);
- signature: ECDSA P-256 over SHA-256 of the ASCII payload *segment*, raw r‖s (64 bytes), the
  JWS ES256 convention, so the published JWK checks it with any JOSE-capable library.

A certificate token is ~190 characters, which keeps the QR code (URL included) at a version that
decodes from a 150 dpi print at 30 mm.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509 import load_pem_x509_certificate

from approvals.crypto.keys import load_signing_key
from approvals.models import SigningKey

VERSION = "1"
SEPARATOR = "|"
MAX_TOKEN_LENGTH = 1000

# The signed certificate fields, in wire order (the keys of sign_token's payload dict).
FIELDS = {
    "n": "证书编号",
    "nm": "姓名",
    "q": "资格名称",
    "l": "级别",
    "d": "取得资格时间（YYYYMMDD）",
}


class TokenError(ValueError):
    """A payload that cannot be put in a token (message in Chinese)."""


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_token(payload: dict, signing_key: SigningKey) -> str:
    """Sign ``payload`` (exactly the keys of :data:`FIELDS`) with ``signing_key``.

    The verified payload (see :func:`verify_token`) is the same dict plus ``k``, the key id.
    """
    if set(payload) != set(FIELDS):
        raise TokenError(f"令牌字段必须是 {', '.join(FIELDS)}，实际为 {', '.join(payload)}。")
    values = [str(payload[name]) for name in FIELDS]
    if any(SEPARATOR in value for value in values):
        raise TokenError(f"令牌字段不能包含字符“{SEPARATOR}”。")
    text = SEPARATOR.join([VERSION, signing_key.key_id, *values])
    segment = _b64e(text.encode("utf-8"))
    private_key = load_signing_key(signing_key).private_key
    der = private_key.sign(segment.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{segment}.{_b64e(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


class TokenStatus(StrEnum):
    """What the token check alone says (``approvals.verification`` turns it into a Verdict)."""

    VALID = "valid"
    FORGED = "forged"  # bad signature
    UNKNOWN_KEY = "unknown_key"  # signed by a key the platform never published
    MALFORMED = "malformed"  # not a token of ours at all


@dataclass(frozen=True)
class TokenVerdict:
    """The status of :func:`verify_token`, with the payload and key id when readable."""

    status: TokenStatus
    payload: dict = field(default_factory=dict)
    key_id: str = ""
    message: str = ""

    @property
    def valid(self) -> bool:
        return self.status == TokenStatus.VALID


def _parse(token: str) -> tuple[str, dict, bytes] | None:
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        return None
    segment, signature = token.split(".")
    try:
        parts = _b64d(segment).decode("utf-8").split(SEPARATOR)
        raw_signature = _b64d(signature)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if len(parts) != 2 + len(FIELDS) or parts[0] != VERSION or len(raw_signature) != 64:
        return None
    payload = dict(zip(FIELDS, parts[2:], strict=True))
    payload["k"] = parts[1]
    return segment, payload, raw_signature


def verify_token(token: str) -> TokenVerdict:
    """Check ``token`` against the published key it names (active or retired). Never raises."""
    parsed = _parse(token)
    if parsed is None:
        return TokenVerdict(
            TokenStatus.MALFORMED, message="二维码内容无法识别，不是本平台的证书令牌。"
        )
    segment, payload, raw_signature = parsed
    key_id = str(payload.get("k", ""))
    key = SigningKey.objects.filter(key_id=key_id).first() if key_id else None
    if key is None:
        return TokenVerdict(
            TokenStatus.UNKNOWN_KEY, payload, key_id, "令牌使用的签名密钥不是本平台发布的密钥。"
        )
    public_key = load_pem_x509_certificate(key.certificate_pem.encode()).public_key()
    der = encode_dss_signature(
        int.from_bytes(raw_signature[:32], "big"), int.from_bytes(raw_signature[32:], "big")
    )
    try:
        public_key.verify(der, segment.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return TokenVerdict(TokenStatus.FORGED, payload, key_id, "令牌签名无效：内容被篡改或伪造。")
    return TokenVerdict(TokenStatus.VALID, payload, key_id, "令牌签名有效。")
