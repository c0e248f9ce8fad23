"""Shared approvals fixtures: one platform CA and one signing key, reused by every test.

The key material (P-256 keys, certificates, encrypted blobs) is generated once per session;
the database rows are (re)inserted per test with get_or_create — two cheap inserts — so the
fixtures work both with per-test rollback (``db``) and with flushing ``transaction=True`` /
``live_server`` tests. Because the key id stays the same for the whole session, the decrypted
key and pyHanko signer are cached once per process, as in production.

- ``signing_ca``: the saved :class:`approvals.models.PlatformCA`.
- ``signing_key``: a saved, active :class:`approvals.models.SigningKey` for the ``toutunhe``
  authority (the authority of the ``authority`` fixture in tests/conftest.py).
- ``foreign_ca_and_key``: (ca_key, ca_cert, key, cert) of a self-made CA and signing key the
  platform does NOT know, for "signed by someone else" cases.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def signing_material():
    """Keys, certificates and encrypted private keys, generated once per test session."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from approvals.crypto.keys import (
        build_ca,
        certificate_fingerprint,
        encrypt_private_key,
        issue_certificate,
        public_key_fingerprint,
    )

    ca_key, ca_cert = build_ca()
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate("经开区（头屯河区）人社局", key.public_key(), ca_key, ca_cert)
    pem = serialization.Encoding.PEM
    return {
        "ca_cert": ca_cert,
        "ca_pem": ca_cert.public_bytes(pem).decode(),
        "ca_blob": encrypt_private_key(ca_key),
        "ca_fingerprint": certificate_fingerprint(ca_cert),
        "cert": cert,
        "cert_pem": cert.public_bytes(pem).decode(),
        "key_blob": encrypt_private_key(key),
        "key_fingerprint": public_key_fingerprint(key.public_key()),
    }


@pytest.fixture
def signing_ca(db, signing_material):
    from approvals.models import PlatformCA

    m = signing_material
    ca, _ = PlatformCA.objects.get_or_create(
        fingerprint=m["ca_fingerprint"],
        defaults={
            "name": "职称公示与证书平台根证书",
            "certificate_pem": m["ca_pem"],
            "encrypted_private_key": m["ca_blob"],
            "not_before": m["ca_cert"].not_valid_before_utc,
            "not_after": m["ca_cert"].not_valid_after_utc,
        },
    )
    return ca


@pytest.fixture
def signing_key(signing_ca, signing_material):
    from approvals.models import SigningKey
    from website.demo import ensure_authorities

    authority = ensure_authorities()["toutunhe"]
    m = signing_material
    cert = m["cert"]
    SigningKey.objects.filter(authority=authority, is_active=True).exclude(
        fingerprint=m["key_fingerprint"]
    ).update(is_active=False)
    key, _ = SigningKey.objects.update_or_create(
        fingerprint=m["key_fingerprint"],
        defaults={
            "authority": authority,
            "ca": signing_ca,
            "key_id": m["key_fingerprint"][:16],
            "certificate_pem": m["cert_pem"],
            "encrypted_private_key": m["key_blob"],
            "serial_number": format(cert.serial_number, "x"),
            "not_before": cert.not_valid_before_utc,
            "not_after": cert.not_valid_after_utc,
            "is_active": True,
        },
    )
    return key


@pytest.fixture(scope="session")
def foreign_ca_and_key():
    """(ca_key, ca_cert, key, cert) of a CA the platform does not trust."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from approvals.crypto.keys import build_ca, issue_certificate

    ca_key, ca_cert = build_ca("伪造的根证书")
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate("经开区（头屯河区）人社局", key.public_key(), ca_key, ca_cert)
    return ca_key, ca_cert, key, cert
