"""Compact signed QR tokens."""

from __future__ import annotations

import base64

import pytest

from approvals.crypto.keys import create_signing_key
from approvals.crypto.tokens import sign_token, verify_token

PAYLOAD = {
    "n": "XJTT-2024-000123",
    "nm": "欧阳明轩",
    "q": "高级工程师",
    "l": "副高级",
    "d": "20240901",
}


def test_sign_and_verify(signing_key):
    token = sign_token(PAYLOAD, signing_key)
    assert len(token) < 200
    assert all(c.isalnum() or c in "-_." for c in token)  # URL-safe as is
    verdict = verify_token(token)
    assert verdict.valid and verdict.status == "valid"
    assert verdict.payload["nm"] == "欧阳明轩" and verdict.key_id == signing_key.key_id


def _decode(segment: str) -> list[str]:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode().split("|")


def _reencode(token: str, index: int, value: str) -> str:
    segment, signature = token.split(".")
    parts = _decode(segment)
    parts[index] = value
    raw = "|".join(parts).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + signature


def test_changed_payload_is_forged(signing_key):
    token = sign_token(PAYLOAD, signing_key)
    verdict = verify_token(_reencode(token, 5, "正高级"))
    assert verdict.status == "forged" and not verdict.valid
    assert "篡改" in verdict.message


def test_changed_signature_is_forged(signing_key):
    token = sign_token(PAYLOAD, signing_key)
    segment, signature = token.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    assert verify_token(f"{segment}.{flipped}").status == "forged"


def test_unknown_key(signing_key):
    token = sign_token(PAYLOAD, signing_key)
    assert verify_token(_reencode(token, 1, "ffffffffffffffff")).status == "unknown_key"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b.c",
        "!!!.???",
        "eyJ9.AAAA",
        "W10." + "A" * 86,
        "MnxhfGJ8Y3xkfGV8Zg." + "A" * 86,  # version 2
        "x" * 5000,
        None,
    ],
)
def test_malformed_tokens_never_raise(db, token):
    assert verify_token(token).status == "malformed"


def test_payload_must_have_exactly_the_fields(signing_key):
    from approvals.crypto.tokens import TokenError

    with pytest.raises(TokenError, match="令牌字段必须是"):
        sign_token({"n": "1"}, signing_key)
    with pytest.raises(TokenError, match="不能包含"):
        sign_token({**PAYLOAD, "nm": "王|明"}, signing_key)


def test_rotation_keeps_old_tokens_valid(signing_key):
    token = sign_token(PAYLOAD, signing_key)
    new_key = create_signing_key(signing_key.authority)
    assert verify_token(token).valid
    assert verify_token(sign_token(PAYLOAD, new_key)).key_id == new_key.key_id


def test_token_verifies_with_the_published_jwk(client, signing_key):
    """An offline verifier needs only /keys/keys.json."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    token = sign_token(PAYLOAD, signing_key)
    keyset = client.get("/keys/keys.json").json()
    segment, signature = token.split(".")
    kid = _decode(segment)[1]
    (jwk,) = [k["jwk"] for k in keyset["keys"] if k["kid"] == kid]

    def b64(value: str) -> int:
        return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")

    public = ec.EllipticCurvePublicNumbers(
        b64(jwk["x"]), b64(jwk["y"]), ec.SECP256R1()
    ).public_key()
    raw = base64.urlsafe_b64decode(signature + "==")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, segment.encode(), ec.ECDSA(hashes.SHA256()))
