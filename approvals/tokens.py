"""Compact signed tokens for certificate QR codes, verifiable offline with /keys/keys.json.

Format: ``<payload>.<signature>``, both base64url without padding. The payload is compact JSON
(short keys, no spaces) and always names the signing key in ``k``; the signature is ECDSA P-256
over SHA-256 of the ASCII payload segment, as raw r‖s (64 bytes) — the JWS ES256 convention, so
any JOSE-capable verifier can check it with the published JWK. A token is ~200 characters,
which keeps the QR code at a version that scans from a 30 mm print.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509 import load_pem_x509_certificate

from .keys import load_signing_key
from .models import SigningKey

MAX_TOKEN_LENGTH = 1000

# Payload keys used for certificates (documented here because the token is public).
CERTIFICATE_FIELDS = {
    "n": "证书编号",
    "nm": "姓名",
    "q": "资格名称",
    "l": "级别",
    "d": "取得资格时间（YYYYMMDD）",
    "k": "签名密钥标识",
}


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_token(payload: dict, signing_key: SigningKey) -> str:
    """Sign ``payload`` (JSON-serialisable, short keys) with ``signing_key``; adds ``k``."""
    body = dict(payload)
    body["k"] = signing_key.key_id
    segment = _b64e(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    private_key = load_signing_key(signing_key).private_key
    der = private_key.sign(segment.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{segment}.{_b64e(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


@dataclass(frozen=True)
class TokenVerdict:
    """``status``: valid · forged (bad signature) · unknown_key · malformed."""

    status: str
    payload: dict = field(default_factory=dict)
    key_id: str = ""
    message: str = ""

    @property
    def valid(self) -> bool:
        return self.status == "valid"


def _parse(token: str) -> tuple[str, dict, bytes] | None:
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        return None
    segment, signature = token.split(".")
    try:
        payload = json.loads(_b64d(segment).decode("utf-8"))
        raw_signature = _b64d(signature)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or len(raw_signature) != 64:
        return None
    return segment, payload, raw_signature


def verify_token(token: str) -> TokenVerdict:
    """Check ``token`` against the published key it names (active or retired). Never raises."""
    parsed = _parse(token)
    if parsed is None:
        return TokenVerdict("malformed", message="二维码内容无法识别，不是本平台的证书令牌。")
    segment, payload, raw_signature = parsed
    key_id = str(payload.get("k", ""))
    key = SigningKey.objects.filter(key_id=key_id).first() if key_id else None
    if key is None:
        return TokenVerdict(
            "unknown_key", payload, key_id, "令牌使用的签名密钥不是本平台发布的密钥。"
        )
    public_key = load_pem_x509_certificate(key.certificate_pem.encode()).public_key()
    der = encode_dss_signature(
        int.from_bytes(raw_signature[:32], "big"), int.from_bytes(raw_signature[32:], "big")
    )
    try:
        public_key.verify(der, segment.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return TokenVerdict("forged", payload, key_id, "令牌签名无效：内容被篡改或伪造。")
    return TokenVerdict("valid", payload, key_id, "令牌签名有效。")
