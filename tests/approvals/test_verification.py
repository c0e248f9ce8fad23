"""Verification verdicts: every tamper class gets the right verdict and never an exception."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from approvals.crypto.keys import create_signing_key
from approvals.crypto.signing import sign_rendered
from approvals.pdf.certificate import render_certificate
from approvals.verification import Verdict, verify_pdf_bytes

from . import pdf_samples


@pytest.fixture
def rendered():
    return render_certificate(pdf_samples.certificate(), draw_seal=False)


@pytest.fixture
def signed(rendered, signing_key):
    return sign_rendered(rendered, signing_key, reason="颁发职称电子证书")


def _foreign_signer(foreign_ca_and_key):
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    _ca_key, ca_cert, key, cert = foreign_ca_and_key
    der = serialization.Encoding.DER
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(ca_cert.public_bytes(der))]
        ),
    )


def _sign_with(signer, data: bytes, field: str = "伪章") -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data), strict=False),
        signers.PdfSignatureMetadata(field_name=field),
        signer=signer,
        output=out,
    )
    return out.getvalue()


def test_valid(signed, signing_key):
    verdict = verify_pdf_bytes(signed)
    assert verdict.verdict == Verdict.VALID and verdict.valid
    assert verdict.key_id == signing_key.key_id
    import hashlib

    assert verdict.sha256 == hashlib.sha256(signed).hexdigest()


def test_appended_update_changing_visible_content_is_tampered(signed):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    # Paint over the name with a white box and write a different one: a classic forgery.
    stream = generic.StreamObject(stream_data=b"1 1 1 rg 150 600 200 40 re f")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    tampered = out.getvalue()
    assert tampered.startswith(signed)  # the original signed bytes are untouched
    verdict = verify_pdf_bytes(tampered)
    assert verdict.verdict == Verdict.TAMPERED, verdict
    assert "增量更新" in verdict.message


def test_byte_flipped_inside_signed_range_is_tampered(signed):
    data = bytearray(signed)
    position = signed.index(b"/Title")  # metadata inside the first signed range
    data[position + 1] ^= 0x01
    verdict = verify_pdf_bytes(bytes(data))
    assert verdict.verdict == Verdict.TAMPERED, verdict


def test_flip_inside_content_stream_is_tampered(signed):
    data = bytearray(signed)
    position = signed.index(b"stream\n") + 40
    data[position] ^= 0xFF
    assert verify_pdf_bytes(bytes(data)).verdict == Verdict.TAMPERED


def test_resigned_with_foreign_key_is_foreign(rendered, foreign_ca_and_key, signing_ca):
    forged = _sign_with(_foreign_signer(foreign_ca_and_key), rendered.data)
    verdict = verify_pdf_bytes(forged)
    assert verdict.verdict == Verdict.FOREIGN, verdict
    assert verdict.key_id == ""


def test_foreign_signature_appended_to_ours_is_not_valid(signed, foreign_ca_and_key):
    doubled = _sign_with(_foreign_signer(foreign_ca_and_key), signed)
    assert verify_pdf_bytes(doubled).verdict == Verdict.FOREIGN


def test_truncated_file_is_tampered(signed):
    for cut in (len(signed) // 2, len(signed) - 20, 200):
        verdict = verify_pdf_bytes(signed[:cut])
        assert verdict.verdict == Verdict.TAMPERED, (cut, verdict)


@pytest.mark.parametrize(
    "data", [b"", b"hello world", b"PK\x03\x04zipfile", "证书".encode(), b"\x00" * 100]
)
def test_not_a_pdf(db, data):
    assert verify_pdf_bytes(data).verdict == Verdict.NOT_PDF


def test_garbage_after_pdf_header_never_raises(db):
    for data in (
        b"%PDF-1.7\n",
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer<<>>\n%%EOF",
        b"%PDF-" + bytes(range(256)) * 20,
    ):
        assert verify_pdf_bytes(data).verdict in (Verdict.TAMPERED, Verdict.NOT_SIGNED)


def test_unsigned_pdf(rendered, db):
    assert verify_pdf_bytes(rendered.data).verdict == Verdict.NOT_SIGNED


def test_key_rotation_keeps_old_documents_valid(signed, signing_key, rendered):
    new_key = create_signing_key(signing_key.authority)
    signing_key.refresh_from_db()
    assert not signing_key.is_active
    old = verify_pdf_bytes(signed)
    assert old.verdict == Verdict.VALID and old.key_id == signing_key.key_id
    fresh = sign_rendered(rendered, new_key, reason="新密钥")
    new = verify_pdf_bytes(fresh)
    assert new.verdict == Verdict.VALID and new.key_id == new_key.key_id


def test_verify_pdf_command_exit_codes(signed, tmp_path, capsys):
    # Signed by the platform but never issued: the same verdict as the site, not 「有效」
    # (exit 0 for an issued certificate: tests/approvals/test_hostile_pdfs.py).
    good = tmp_path / "good.pdf"
    good.write_bytes(signed)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", str(good))
    assert exit_info.value.code == 1
    assert "未找到" in capsys.readouterr().out

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(signed[: len(signed) // 2])
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", str(bad), "--json")
    assert exit_info.value.code == 1
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == Verdict.TAMPERED and data["sha256"]


def test_verify_pdf_command_missing_file(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="找不到文件"):
        call_command("verify_pdf", "/nonexistent/file.pdf")
