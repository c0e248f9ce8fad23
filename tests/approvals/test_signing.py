"""Signing: PAdES signatures that pyHanko and poppler's pdfsig accept, the seal as appearance."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from approvals.crypto.signing import get_signer, sign_pdf, sign_rendered
from approvals.pdf.approval_document import render_approval_document
from approvals.pdf.certificate import render_certificate
from approvals.verification import Verdict, verify_pdf_bytes
from tests.bench.issuance_bench import bench_signing

from . import pdf_samples
from .helpers import pdfsig_output
from .helpers import require_tools as _require


@pytest.fixture
def signed_document(signing_key):
    rendered = render_approval_document(pdf_samples.approval_document(40), draw_seal=False)
    return rendered, sign_rendered(rendered, signing_key, reason="印发任职资格审批文件")


def test_signature_validates_with_pyhanko(signed_document, signing_key):
    _rendered, signed = signed_document
    verdict = verify_pdf_bytes(signed)
    assert verdict.verdict == Verdict.VALID, verdict
    (report,) = verdict.signatures
    assert report.intact and report.valid and report.trusted
    # PAdES B-LTA: the signed revision is followed by the DSS and a document time-stamp.
    assert report.coverage == "ENTIRE_REVISION"
    assert report.modification_level == "LTA_UPDATES"
    assert verdict.key_id == signing_key.key_id
    assert verdict.fingerprint == signing_key.fingerprint


def test_visible_signature_is_the_seal_at_the_seal_box(signed_document):
    rendered, signed = signed_document
    reader = PdfReader(io.BytesIO(signed))
    page = reader.pages[rendered.seal_page]
    widgets = [a.get_object() for a in page.get("/Annots", [])]
    # The document time-stamp (B-LTA) has an invisible widget of its own.
    (widget,) = [w for w in widgets if w.get("/FT") == "/Sig" and w.get("/T") == "公章"]
    rect = [round(float(v)) for v in widget["/Rect"]]
    assert rect == list(rendered.seal_box)
    assert int(widget["/F"]) & 4  # printed
    appearance = widget["/AP"]["/N"].get_object()
    xobjects = appearance["/Resources"]["/XObject"]
    (seal,) = [x.get_object() for x in xobjects.values()]
    seal_stream = seal.get_data()
    assert b" re" in seal_stream or b" c" in seal_stream or b" l" in seal_stream  # vectors
    # The unsigned rendering left the seal out: exactly one seal on the signed page.
    assert b"/BM /Multiply" not in rendered.data
    assert b"/Multiply" in signed


def test_invisible_signature_without_box(signing_key):
    plain = render_certificate(pdf_samples.certificate(), draw_seal=True).data
    signed = sign_pdf(plain, signing_key, reason="测试", field_name="签名")
    assert verify_pdf_bytes(signed).verdict == Verdict.VALID


def test_signer_is_built_once_per_key(signing_key):
    assert get_signer(signing_key) is get_signer(signing_key)


def test_pdfsig_says_valid_and_trusted(signed_document, signing_key, tmp_path):
    _require("pdfsig", "certutil", "crlutil")
    _rendered, signed = signed_document
    out = pdfsig_output(signed, signing_key, tmp_path)
    # Signature #1 is ours; #2 is the B-LTA document time-stamp, which pdfsig lists but cannot
    # check (its type is RFC 3161; it says "Unable to validate this type of signature").
    ours = out.split("Signature #2")[0]
    assert "Signature is Valid" in ours, out
    assert "Certificate is Trusted" in ours, out


def test_bench_signing_reports_medians(signing_key):
    result = bench_signing(2, signing_key)
    assert result["runs"] == 2
    assert 0 < result["bare_sign_s"] < 5
    assert 0 < result["render_and_sign_s"] < 10


def test_later_signatures_reuse_the_first_ones_room(signing_key, monkeypatch):
    """pyHanko sizes the signature with a dummy one only for a key's first signature; later
    ones reuse that room and still validate."""
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession

    from approvals.crypto import signing

    signing._reserved.pop(signing_key.key_id, None)
    plain = render_certificate(pdf_samples.certificate(), draw_seal=False)
    first = sign_rendered(plain, signing_key, reason="测试")
    room = signing._reserved[signing_key.key_id]
    assert room and room == signing._contents_size(first)

    def no_dummy(*args, **kwargs):
        raise AssertionError("dummy signature built again")

    monkeypatch.setattr(PdfSigningSession, "estimate_signature_container_size", no_dummy)
    second = sign_rendered(plain, signing_key, reason="测试")
    assert signing._contents_size(second) == room
    assert verify_pdf_bytes(second).verdict == Verdict.VALID


def test_a_signature_outgrowing_the_kept_room_is_sized_afresh(signing_key):
    from approvals.crypto import signing

    signing._reserved[signing_key.key_id] = 64  # far too small for any CMS container
    plain = render_certificate(pdf_samples.certificate(), draw_seal=False)
    signed = sign_rendered(plain, signing_key, reason="测试")
    assert verify_pdf_bytes(signed).verdict == Verdict.VALID
    assert signing._reserved[signing_key.key_id] == signing._contents_size(signed) > 64


def test_platform_signer_writes_what_pyhankos_own_signer_writes(signing_key, monkeypatch):
    """The signer encodes its certificate's attribute and identifier once per key; the signer
    info and certificates it produces are pyHanko's own, byte for byte (bar digest and value)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers import SimpleSigner

    from approvals.crypto import signing

    def parts(pdf: bytes):
        (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures
        info = signature.signer_info
        attrs = [a.dump() for a in info["signed_attrs"] if a["type"].native != "message_digest"]
        fields = ("version", "sid", "digest_algorithm", "signature_algorithm")
        certs = sorted(c.dump() for c in signature.signed_data["certificates"])
        return attrs, [info[f].dump() for f in fields], certs

    plain = render_certificate(pdf_samples.certificate(), draw_seal=False)
    ours = get_signer(signing_key)
    reference = SimpleSigner(
        signing_cert=ours.signing_cert,
        signing_key=ours.signing_key,
        cert_registry=ours.cert_registry,
    )
    made = parts(sign_rendered(plain, signing_key, reason="测试"))
    monkeypatch.setitem(signing._signers, signing_key.key_id, reference)
    assert made == parts(sign_rendered(plain, signing_key, reason="测试"))


def test_pre_signing_validation_is_kept_only_while_its_certificates_are_valid(
    signing_key, monkeypatch
):
    """The chain validation before signing runs for a key's first signature with its signing
    material, later ones take it from the material, and once a certificate of its paths has
    expired it runs again (so an expired certificate is refused as before)."""
    import datetime as dt

    import time_machine
    from cryptography import x509
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession

    from approvals.crypto.signing import clear_lta_cache, get_lta_material
    from approvals.crypto.tsa import memo_get

    clear_lta_cache()  # fresh material: nothing validated with it yet
    calls = []
    original = PdfSigningSession.perform_presign_validation

    async def counting(self, *args, **kwargs):
        calls.append(1)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(PdfSigningSession, "perform_presign_validation", counting)
    plain = render_certificate(pdf_samples.certificate(), draw_seal=False)
    first = sign_rendered(plain, signing_key, reason="测试")
    second = sign_rendered(plain, signing_key, reason="测试")
    assert len(calls) == 1
    assert verify_pdf_bytes(second).verdict == verify_pdf_bytes(first).verdict == Verdict.VALID
    memo = get_lta_material(signing_key).paths
    key = ("presign", signing_key.key_id)
    _info, _not_before, not_after = memo[key]
    signer_expiry = x509.load_pem_x509_certificate(
        signing_key.certificate_pem.encode()
    ).not_valid_after_utc
    assert not_after <= signer_expiry
    assert memo_get(memo, key) is not None
    with time_machine.travel(not_after + dt.timedelta(seconds=1), tick=False):
        assert memo_get(memo, key) is None
