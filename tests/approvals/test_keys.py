"""Platform CA, signing keys, the KEK, the create_signing_key command and the public keys."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtensionOID
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from approvals.crypto import keys
from approvals.models import SigningKey


def test_dev_kek_is_generated_once_with_mode_0600(settings, tmp_path):
    settings.SIGNING_KEK = ""
    settings.VAR_DIR = tmp_path
    first = keys.get_kek()
    path = tmp_path / "keys" / "kek"
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.get_kek() == first


def test_configured_kek_is_used_and_bad_kek_is_a_clear_error(settings, tmp_path):
    raw = os.urandom(32)
    settings.SIGNING_KEK = base64.b64encode(raw).decode()
    settings.VAR_DIR = tmp_path
    assert keys.get_kek() == raw
    assert not (tmp_path / "keys").exists()
    settings.SIGNING_KEK = base64.b64encode(b"short").decode()
    with pytest.raises(ImproperlyConfigured, match="32 字节"):
        keys.get_kek()
    settings.SIGNING_KEK = "not base64!!"
    with pytest.raises(ImproperlyConfigured, match="base64"):
        keys.get_kek()


def test_private_key_round_trip_and_wrong_kek(settings):
    from cryptography.hazmat.primitives.asymmetric import ec

    settings.SIGNING_KEK = base64.b64encode(os.urandom(32)).decode()
    key = ec.generate_private_key(ec.SECP256R1())
    blob = keys.encrypt_private_key(key)
    assert keys.decrypt_private_key(blob).private_numbers() == key.private_numbers()
    # The key material is not in the blob in clear.
    assert str(key.private_numbers().private_value).encode() not in blob
    settings.SIGNING_KEK = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(keys.SigningKeyError, match="SIGNING_KEK"):
        keys.decrypt_private_key(blob)


def test_certificates_have_the_extensions_pdfsig_needs(signing_key):
    cert = x509.load_pem_x509_certificate(signing_key.certificate_pem.encode())
    ca = x509.load_pem_x509_certificate(signing_key.ca.certificate_pem.encode())
    usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE)
    assert ca.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca
    assert ca.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value.key_cert_sign
    cert.verify_directly_issued_by(ca)
    assert cert.public_key().curve.name == "secp256r1"


def test_long_authority_name_uses_short_name_in_certificate(signing_ca, authority):
    key = keys.create_signing_key(authority)
    cert = x509.load_pem_x509_certificate(key.certificate_pem.encode())
    cn = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert len(authority.name.encode()) > 64
    assert cn == authority.short_name


def test_create_signing_key_command_rotates_without_deleting(signing_key, capsys):
    authority = signing_key.authority
    call_command("create_signing_key", "--authority", authority.slug)
    out = capsys.readouterr().out
    new = SigningKey.objects.get(authority=authority, is_active=True)
    assert new.pk != signing_key.pk
    assert new.key_id in out and "已为" in out
    signing_key.refresh_from_db()
    assert signing_key.is_active is False  # kept, only retired
    assert SigningKey.objects.filter(authority=authority).count() == 2


def test_create_signing_key_command_unknown_authority(db):
    with pytest.raises(CommandError, match="没有标识为“nowhere”的发文机关"):
        call_command("create_signing_key", "--authority", "nowhere")


def test_ensure_demo_keys_is_idempotent(home_page):
    from website.models import Authority

    first = keys.ensure_demo_keys()
    second = keys.ensure_demo_keys()
    assert [k.pk for k in first] == [k.pk for k in second]
    assert len(first) == Authority.objects.count()
    assert SigningKey.objects.filter(is_active=True).count() == Authority.objects.count()


def test_active_signing_key_missing_is_a_clear_error(home_page):
    from website.models import Authority

    authority = Authority.objects.get(slug="toutunhe")
    with pytest.raises(keys.SigningKeyError, match="create_signing_key --authority toutunhe"):
        keys.active_signing_key(authority)


def test_loaded_key_is_cached_and_never_printed(signing_key):
    loaded = keys.load_signing_key(signing_key)
    assert keys.load_signing_key(signing_key) is loaded
    assert "private" not in repr(loaded).lower() or "PRIVATE" not in repr(loaded)
    assert str(loaded.private_key.private_numbers().private_value) not in repr(loaded)


def test_public_key_urls(client, signing_key):
    ca = client.get("/keys/ca.pem")
    assert ca.status_code == 200
    assert ca.content.decode() == signing_key.ca.certificate_pem
    pem = client.get(f"/keys/{signing_key.key_id}.pem")
    assert pem.status_code == 200
    assert pem.content.decode() == signing_key.certificate_pem
    assert client.get("/keys/0000000000000000.pem").status_code == 404

    data = client.get("/keys/keys.json").json()
    assert data["ca"]["certificate_pem"] == signing_key.ca.certificate_pem
    (entry,) = [k for k in data["keys"] if k["kid"] == signing_key.key_id]
    assert entry["authority"] == signing_key.authority.name
    assert entry["active"] is True
    assert entry["jwk"]["crv"] == "P-256" and entry["jwk"]["kid"] == signing_key.key_id
    # The JWK is the certificate's public key.
    numbers = (
        x509.load_pem_x509_certificate(entry["certificate_pem"].encode())
        .public_key()
        .public_numbers()
    )
    x = base64.urlsafe_b64decode(entry["jwk"]["x"] + "==")
    assert int.from_bytes(x, "big") == numbers.x
    body = client.get("/keys/keys.json").content
    assert b"PRIVATE" not in body and b"encrypted" not in body


def test_keys_page_lists_keys(client, signing_key):
    response = client.get("/keys/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert signing_key.key_id in html and signing_key.authority.name in html
    assert "/keys/ca.pem" in html and "/keys/keys.json" in html


def test_production_refuses_to_start_without_kek(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("SIGNING_KEK", "DJANGO_SETTINGS_MODULE")
    }
    env["SECRET_KEY"] = "x" * 50
    result = subprocess.run(
        [sys.executable, "-c", "import website.settings.production"],
        env=env,
        capture_output=True,
        text=True,
        cwd=str(__import__("django").conf.settings.BASE_DIR),
    )
    assert result.returncode != 0
    assert "SIGNING_KEK" in result.stderr and "生产环境必须设置" in result.stderr


@pytest.mark.urls("tests.approvals.urls_admin_keys")
def test_signing_key_admin_is_read_only(admin_client, signing_key):
    listing = admin_client.get("/admin/signing_keys/")
    assert listing.status_code == 200
    assert signing_key.key_id in listing.content.decode()
    inspect = admin_client.get(f"/admin/signing_keys/inspect/{signing_key.pk}/")
    assert inspect.status_code == 200
    assert "BEGIN CERTIFICATE" in inspect.content.decode()
    assert admin_client.get("/admin/signing_keys/new/").status_code in (302, 403)
    assert admin_client.get(f"/admin/signing_keys/edit/{signing_key.pk}/").status_code in (302, 403)
    assert admin_client.get(f"/admin/signing_keys/delete/{signing_key.pk}/").status_code in (
        302,
        403,
    )


def test_crl_is_published_and_named_in_signing_certificates(client, signing_key):
    response = client.get("/keys/ca.crl")
    assert response.status_code == 200
    crl = x509.load_der_x509_crl(response.content)
    ca = x509.load_pem_x509_certificate(signing_key.ca.certificate_pem.encode())
    assert crl.is_signature_valid(ca.public_key())
    assert len(crl) == 0  # keys are retired, never revoked
    cert = x509.load_pem_x509_certificate(signing_key.certificate_pem.encode())
    points = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert points[0].full_name[0].value.endswith("/keys/ca.crl")
