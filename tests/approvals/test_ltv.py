"""Long-term signatures: the platform TSA, PAdES B-LTA, key revocation from a date, archive
time-stamps, and the proof by time travel (2045, signing certificates expired, no CRL endpoint)
in our verifier and in pyHanko's own validator run as an outside tool."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from asn1crypto import algos, tsp
from asn1crypto import crl as asn1_crl
from cryptography import x509
from django.core.management import call_command
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from approvals import verification
from approvals.crypto import ltv, tsa
from approvals.crypto.keys import SigningKeyError, build_crl, key_set
from approvals.crypto.lifecycle import revoke_signing_key
from approvals.crypto.signing import sign_pdf, sign_rendered
from approvals.issuing.issue import issue_approval
from approvals.models import TimeStampKey
from approvals.pdf.approval_document import render_approval_document

from . import pdf_samples
from .helpers import make_document, pdfsig_output
from .helpers import require_tools as _require

pytestmark = pytest.mark.django_db

UTC = dt.UTC
PYHANKO = Path(sys.executable).with_name("pyhanko")


@pytest.fixture(autouse=True)
def fresh_caches():
    """Per-process caches (TSA key, CRL, LTA material) must not leak between tests that roll
    back the database or travel in time."""
    from approvals.crypto.lifecycle import forget_cached_material

    tsa.clear_tsa_cache()
    forget_cached_material()
    yield
    tsa.clear_tsa_cache()
    forget_cached_material()


@pytest.fixture
def rendered():
    return render_approval_document(pdf_samples.approval_document(5), draw_seal=False)


def _sign(rendered, key, **kwargs) -> bytes:
    return sign_rendered(rendered, key, reason="任职资格审批文件", **kwargs)


# --- the time-stamp authority ---------------------------------------------------------------


def test_tsa_certificate_is_for_time_stamping_only(signing_ca):
    key = tsa.ensure_tsa_key()
    cert = x509.load_pem_x509_certificate(key.certificate_pem.encode())
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical
    assert list(eku.value) == [x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]
    assert (
        cert.issuer == x509.load_pem_x509_certificate(signing_ca.certificate_pem.encode()).subject
    )
    # Stored only encrypted, like the signing keys.
    assert b"PRIVATE KEY" not in bytes(key.encrypted_private_key)
    assert tsa.ensure_tsa_key().pk == key.pk  # reused, not recreated


def test_tsa_key_is_renewed_before_expiry(signing_ca, settings):
    settings.SIGNING_TSA_RENEWAL_DAYS = 365
    settings.SIGNING_TSA_VALIDITY_DAYS = 5 * 365
    first = tsa.ensure_tsa_key()
    with time_machine.travel(first.not_after - dt.timedelta(days=100), tick=False):
        second = tsa.ensure_tsa_key()
    assert second.pk != first.pk and second.is_active
    first.refresh_from_db()
    assert not first.is_active  # kept: its time-stamps must stay checkable
    assert TimeStampKey.objects.count() == 2


def _request(digest: bytes = b"\x11" * 32, algorithm: str = "sha256", **extra) -> bytes:
    return tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}),
                "hashed_message": digest,
            },
            "nonce": 123456789,
            "cert_req": True,
            **extra,
        }
    ).dump()


def test_tsa_endpoint_grants_a_token_pyhanko_accepts(client, signing_ca):
    response = client.post(reverse("tsa"), _request(), content_type="application/timestamp-query")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/timestamp-reply"
    reply = tsp.TimeStampResp.load(response.content)
    assert reply["status"]["status"].native == "granted"
    token = reply["time_stamp_token"]
    info = token["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == b"\x11" * 32
    assert info["nonce"].native == 123456789
    assert info["policy"].native == tsa.TSA_POLICY_OID
    # pyHanko's own check of a time-stamp token against our CA.
    import asyncio

    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    from approvals.crypto.aio import run_outside_event_loop

    context = ValidationContext(trust_roots=ltv.trust_roots(), allow_fetching=False)
    status = run_outside_event_loop(
        lambda: asyncio.run(
            validate_tst_signed_data(token["content"], context, lambda _algo: b"\x11" * 32)
        )
    )
    assert status["intact"] and status["valid"] and status["trust_problem_indic"] is None


@pytest.mark.parametrize("nonce", [None, 7, 2**63 - 1])
@pytest.mark.parametrize("with_certificate", [True, False])
def test_tsa_token_is_what_asn1crypto_encodes_from_the_same_values(
    signing_ca, nonce, with_certificate
):
    """The token assembled from pre-encoded parts is byte for byte the ContentInfo asn1crypto
    builds from the same values (the signature made deterministic to compare them)."""
    import dataclasses
    import hashlib

    from asn1crypto import cms, core
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute

    class Deterministic:
        def sign(self, data, _algorithm):
            return hashlib.sha256(data).digest() * 2

    loaded = dataclasses.replace(tsa.loaded_tsa(), private_key=Deterministic())
    request = tsp.TimeStampReq.load(_request())
    imprint = request["message_imprint"]
    now = dt.datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    serial = 0x0123456789ABCDEF0123456789ABCD
    nonce_der = core.Integer(nonce).dump() if nonce is not None else None
    ours = tsa.token_der(
        loaded,
        imprint=imprint.dump(),
        serial=serial,
        now=now,
        nonce=nonce_der,
        with_certificate=with_certificate,
    )

    cert = loaded.certificate
    tst_info = {
        "version": "v1",
        "policy": tsa.TSA_POLICY_OID,
        "message_imprint": imprint,
        "serial_number": serial,
        "gen_time": core.GeneralizedTime(now),
        "accuracy": {"seconds": 1},
        "ordering": False,
        "tsa": asn1_x509.GeneralName(name="directory_name", value=cert.subject),
    }
    if nonce is not None:
        tst_info["nonce"] = nonce
    tst_info_der = tsp.TSTInfo(tst_info).dump()
    signed_attrs = cms.CMSAttributes(
        [
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(now)})),
            simple_cms_attribute("message_digest", hashlib.sha256(tst_info_der).digest()),
            simple_cms_attribute(
                "signing_certificate_v2", as_signing_certificate_v2(cert, "sha256")
            ),
        ]
    )
    signed_data = {
        "version": "v3",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": {
            "content_type": "tst_info",
            "content": core.ParsableOctetString(tst_info_der),
        },
        "signer_infos": [
            {
                "version": "v1",
                "sid": {
                    "issuer_and_serial_number": {
                        "issuer": cert.issuer,
                        "serial_number": cert.serial_number,
                    }
                },
                "digest_algorithm": {"algorithm": "sha256"},
                "signature_algorithm": {"algorithm": "sha256_ecdsa"},
                "signed_attrs": signed_attrs,
                "signature": Deterministic().sign(signed_attrs.dump(), None),
            }
        ],
    }
    if with_certificate:
        signed_data["certificates"] = [cert]
    expected = cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
    assert ours == expected


@pytest.mark.parametrize(
    "body,fail_info",
    [
        (b"not asn.1 at all", "bad_data_format"),
        (_request(b"\x11" * 20, "sha1"), "bad_alg"),
        (_request(b"\x11" * 31), "bad_data_format"),
        (_request(req_policy="1.2.3.4"), "unaccepted_policy"),
    ],
)
def test_tsa_endpoint_rejects_bad_requests_in_rfc3161_terms(client, signing_ca, body, fail_info):
    response = client.post(reverse("tsa"), body, content_type="application/timestamp-query")
    assert response.status_code == 200
    reply = tsa.TimeStampResp.load(response.content)
    assert reply["status"]["status"].native == "rejection"
    assert fail_info in reply["status"]["fail_info"].native
    assert not reply["time_stamp_token"].native


def test_tsa_endpoint_is_post_only_typed_capped_and_throttled(client, signing_ca, settings):
    url = reverse("tsa")
    assert client.get(url).status_code == 405
    assert client.post(url, _request(), content_type="application/json").status_code == 415
    big = b"\x30" * (tsa.MAX_REQUEST_BYTES + 1)
    assert client.post(url, big, content_type="application/timestamp-query").status_code == 413
    settings.SIGNING_TSA_RATE_LIMIT = (2, 60)
    from django.core.cache import cache

    cache.clear()
    codes = [
        client.post(url, _request(), content_type="application/timestamp-query").status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_external_tsa_url_is_used_when_configured(settings, signing_ca):
    from pyhanko.sign.timestamps import HTTPTimeStamper

    settings.SIGNING_TSA_URL = "https://tsa.example.gov.cn/tsr"
    stamper = tsa.signing_timestamper()
    assert isinstance(stamper, HTTPTimeStamper) and stamper.url == settings.SIGNING_TSA_URL
    settings.SIGNING_TSA_URL = ""
    assert isinstance(tsa.signing_timestamper(), tsa.PlatformTimeStamper)


# --- B-LTA signatures -----------------------------------------------------------------------


def test_signed_pdf_is_pades_b_lta(rendered, signing_key):
    signed = _sign(rendered, signing_key)
    reader = PdfFileReader(io.BytesIO(signed))
    (signature,) = reader.embedded_regular_signatures
    assert ltv.signature_timestamp_time(signature) is not None  # signature time-stamp
    assert len(reader.embedded_timestamp_signatures) == 1  # document time-stamp
    dss = reader.root["/DSS"]
    crls = [asn1_crl.CertificateList.load(c.get_object().data) for c in dss["/CRLs"]]
    assert (
        crls
        and crls[0]["tbs_cert_list"]["issuer"].native["common_name"] == "职称公示与证书平台根证书"
    )
    subjects = {
        x509.load_der_x509_certificate(c.get_object().data).subject.rfc4514_string()
        for c in dss["/Certs"]
    }
    assert any("根证书" in s for s in subjects) and any("时间戳服务" in s for s in subjects)

    verdict = verification.verify_pdf_bytes(signed)
    assert verdict.verdict == verification.Verdict.VALID, verdict
    (report,) = verdict.signatures
    assert report.long_term and report.timestamped_at
    assert report.modification_level == "LTA_UPDATES"


def test_pdfsig_accepts_the_lta_signature(rendered, signing_key, tmp_path):
    _require("pdfsig", "certutil", "crlutil")
    signed = _sign(rendered, signing_key)
    out = pdfsig_output(signed, signing_key, tmp_path)
    print("pdfsig:\n" + out)
    first, second = out.split("Signature #2")
    assert "Signature is Valid" in first and "Certificate is Trusted" in first, out
    assert "ETSI.CAdES.detached" in first
    # pdfsig lists the document time-stamp too but cannot check RFC 3161 time-stamps (it says
    # so); pyHanko checks them (tests above and below).
    assert "时间戳服务" in second


def test_lta_can_be_turned_off_for_comparison(rendered, signing_key):
    bare = sign_pdf(rendered.data, signing_key, reason="测试", lta=False)
    reader = PdfFileReader(io.BytesIO(bare))
    assert not reader.embedded_timestamp_signatures
    assert "/DSS" not in reader.root


# --- key revocation from a date -------------------------------------------------------------


def test_revocation_is_validated_and_published(signing_key, admin_user):
    now = dt.datetime.now(UTC)
    with pytest.raises(SigningKeyError, match="晚于当前时间"):
        revoke_signing_key(signing_key, compromised_from=now + dt.timedelta(hours=1))
    with pytest.raises(SigningKeyError, match="早于"):
        revoke_signing_key(signing_key, compromised_from=signing_key.not_before - dt.timedelta(1))
    since = now - dt.timedelta(hours=2)
    revoke_signing_key(signing_key, compromised_from=since, note="服务器失窃", user=admin_user)
    signing_key.refresh_from_db()
    assert signing_key.state == "revoked" and not signing_key.is_active
    with pytest.raises(SigningKeyError, match="已经吊销"):
        revoke_signing_key(signing_key, compromised_from=since)

    crl = x509.load_der_x509_crl(build_crl(signing_key.ca))
    entry = crl.get_revoked_certificate_by_serial_number(int(signing_key.serial_number, 16))
    assert entry is not None
    assert entry.revocation_date_utc == since.replace(microsecond=0)
    invalidity = entry.extensions.get_extension_for_class(x509.InvalidityDate).value
    assert invalidity.invalidity_date_utc == since.replace(microsecond=0)
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise
    )
    (published,) = [k for k in key_set()["keys"] if k["kid"] == signing_key.key_id]
    assert published["state"] == "revoked"
    assert published["compromised_from"] == since.isoformat()
    with pytest.raises(SigningKeyError, match="已吊销"):
        sign_pdf(b"%PDF-1.4", signing_key)


# --- the proof by time travel ---------------------------------------------------------------


def _adesverify(pdf: bytes, ca_pem: str, when: dt.datetime, tmp_path: Path) -> tuple[int, str]:
    """pyHanko's own AdES validator (`pyhanko sign adesverify`, the LTA-capable validator of the
    installed pyhanko-cli; `sign validate` has no LTV profile there) in a separate process."""
    pdf_path = tmp_path / f"doc-{abs(hash(pdf))}.pdf"
    pdf_path.write_bytes(pdf)
    (tmp_path / "ca.pem").write_text(ca_pem)
    result = subprocess.run(
        [
            str(PYHANKO),
            "sign",
            "adesverify",
            "--pretty-print",
            "--trust",
            str(tmp_path / "ca.pem"),
            "--trust-replace",
            "--validation-time",
            when.isoformat(),
            str(pdf_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        # No network: the CRL endpoint of the certificates must not be what makes it pass.
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "no_proxy": "",
            "http_proxy": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
        },
    )
    return result.returncode, result.stdout + result.stderr


ADES_SCRIPT = """
import asyncio, datetime, sys
from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec, RevinfoOnlineFetchingRule, RevocationInfoGatheringSpec,
    SignatureValidationSpec)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    REQUIRE_REVINFO, CertRevTrustPolicy, FreshnessReqType)
from pyhanko_certvalidator.registry import SimpleTrustManager
pdf, ca, when = sys.argv[1], sys.argv[2], datetime.datetime.fromisoformat(sys.argv[3])
root = x509.Certificate.load(pem.unarmor(open(ca, "rb").read())[2])
sig = PdfFileReader(open(pdf, "rb")).embedded_regular_signatures[0]
policy = CertValidationPolicySpec(
    trust_manager=SimpleTrustManager.build(trust_roots=[root]),
    revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO, freshness=None,
        freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION))
spec = PdfSignatureValidationSpec(SignatureValidationSpec(policy,
    revinfo_gathering_policy=RevocationInfoGatheringSpec(RevinfoOnlineFetchingRule.LOCAL_ONLY)),
    diff_policy=DEFAULT_DIFF_POLICY)
result = asyncio.run(ades_lta_validation(sig, spec, ValidationTimingInfo(when, when, False)))
print(f"{result.ades_subindic.status.name}:{result.ades_subindic.name}")
"""


def _ades_indication(pdf: bytes, tmp_path: Path, when: dt.datetime) -> str:
    """pyHanko's ETSI EN 319 102-1 LTA validation in a fresh interpreter (no Django, no
    network, the real clock), judged at ``when``: "STATUS:SUBINDICATION"."""
    script = tmp_path / "ades.py"
    script.write_text(ADES_SCRIPT)
    pdf_path = tmp_path / "ades-input.pdf"
    pdf_path.write_bytes(pdf)
    result = subprocess.run(
        [sys.executable, str(script), str(pdf_path), str(tmp_path / "ca.pem"), when.isoformat()],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    lines = result.stdout.strip().splitlines()
    assert lines, result.stderr[-2000:]
    return lines[-1]


@pytest.mark.skipif(not PYHANKO.exists(), reason="pyhanko-cli is not installed")
def test_2026_document_validates_in_2045_and_post_compromise_one_does_not(
    rendered, signing_key, tmp_path, settings
):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:9"  # nothing listens: no CRL, no OCSP
    now = dt.datetime.now(UTC).replace(microsecond=0)
    # Signed three hours ago, and one hour ago; the key turns out compromised from two hours
    # ago. (The past, not the future: pyHanko's CLI below runs on the real clock.)
    with time_machine.travel(now - dt.timedelta(hours=3), tick=False):
        before = _sign(rendered, signing_key)
    with time_machine.travel(now - dt.timedelta(hours=1), tick=False):
        after = _sign(rendered, signing_key)
    revoke_signing_key(
        signing_key, compromised_from=now - dt.timedelta(hours=2), note="密钥疑似泄露"
    )
    # The revocation reaches the documents the way every archive run does: the CRL of now in
    # their DSS, under a new document time-stamp.
    after = ltv.refresh_pdf(after, signing_key.ca)
    signing_cert = x509.load_pem_x509_certificate(signing_key.certificate_pem.encode())

    when = dt.datetime(2045, 6, 1, tzinfo=UTC)
    assert signing_cert.not_valid_after_utc < when  # the signing certificate is long expired
    with time_machine.travel(when, tick=False):
        ok = verification.verify_pdf_bytes(before)
        bad = verification.verify_pdf_bytes(after)
    assert ok.verdict == verification.Verdict.VALID, ok
    assert bad.verdict == verification.Verdict.REVOKED, bad
    assert "晚于该时间" in bad.message

    code, out = _adesverify(before, signing_key.ca.certificate_pem, when, tmp_path)
    print("pyhanko sign adesverify, 2026 document at 2045-06-01:\n" + out)
    assert code == 0, out
    # pyHanko's AdES LTA algorithm itself (not only the CLI's "Bottom line", which reflects the
    # classic integrity/trust status), in a separate plain-Python process with only ca.pem:
    assert _ades_indication(before, tmp_path, when) == "PASSED:OK"
    # For the record: pyHanko 0.35 (CLI and AdES indication alike) still passes the signature
    # made after the compromise date, although its time slide lands on the CRL's revocation date
    # before the signature time-stamp; the project's verifier (above) rejects it.
    code, out = _adesverify(after, signing_key.ca.certificate_pem, when, tmp_path)
    print("pyhanko sign adesverify, signed after the compromise date, at 2045-06-01:\n" + out)
    print("pyHanko AdES indication, after the compromise:", _ades_indication(after, tmp_path, when))


def test_baseline_b_signature_does_not_survive_to_2045(rendered, signing_key):
    """The control: without time-stamps and validation data the same document is not valid
    once its signing certificate expired, so LTA is what the previous test relies on."""
    bare = sign_pdf(rendered.data, signing_key, reason="测试", lta=False)
    with time_machine.travel(dt.datetime(2045, 6, 1, tzinfo=UTC), tick=False):
        verdict = verification.verify_pdf_bytes(bare)
    assert verdict.verdict != verification.Verdict.VALID


# --- archive time-stamps on stored documents ------------------------------------------------


def test_refresh_timestamps_command_is_idempotent_and_keeps_identity(
    authority, signing_key, settings
):
    settings.SIGNING_TSA_RENEWAL_DAYS = 365
    settings.SIGNING_TSA_VALIDITY_DAYS = 5 * 365  # renewable well within the CA's life
    document = issue_approval(make_document(authority, 1))
    certificate = document.certificates.get()
    issued_bytes = certificate.pdf.open("rb").read()
    expiry = ltv.newest_timestamp_expiry(issued_bytes)
    out = io.StringIO()
    call_command("refresh_timestamps", stdout=out)
    assert "追加存档时间戳 0 个" in out.getvalue()  # nothing near expiry yet

    with time_machine.travel(expiry - dt.timedelta(days=30), tick=False):
        tsa.clear_tsa_cache()
        out = io.StringIO()
        call_command("refresh_timestamps", stdout=out)
        assert "追加存档时间戳 2 个" in out.getvalue(), out.getvalue()
        out = io.StringIO()
        call_command("refresh_timestamps", stdout=out)
        assert "追加存档时间戳 0 个" in out.getvalue(), out.getvalue()

        certificate.refresh_from_db()
        refreshed = certificate.pdf.open("rb").read()
        assert refreshed.startswith(issued_bytes) and len(refreshed) > len(issued_bytes)
        reader = PdfFileReader(io.BytesIO(refreshed))
        assert len(reader.embedded_timestamp_signatures) == 2
        # The holder's copy from issue day and the refreshed stored file: the same certificate.
        assert verification.verify_upload(issued_bytes).certificate == certificate
        assert verification.verify_upload(refreshed).certificate == certificate


def test_revocation_list_is_signed_and_lists_revoked_numbers(client, authority, signing_key):
    from approvals.crypto.revocation_list import verify_revocation_list
    from approvals.issuing.revocation import revoke_certificate

    document = issue_approval(make_document(authority, 2))
    first, second = document.certificates.order_by("number")
    revoke_certificate(first, "以不正当手段取得", None)
    response = client.get(reverse("keys_revoked_json"))
    assert response.status_code == 200
    signed = response.json()
    payload = verify_revocation_list(signed)
    assert payload is not None
    assert payload["revoked"] == [first.number]
    assert payload["max_age_days"] >= 1 and payload["issued"]
    # Tampering with the list breaks its signature.
    forged = dict(
        signed, payload=signed["payload"][:-2] + ("AA" if signed["payload"][-2:] != "AA" else "BB")
    )
    assert verify_revocation_list(forged) is None
    assert json.dumps(payload, ensure_ascii=False).count(first.name) == 0  # numbers only


# --- admin ----------------------------------------------------------------------------------


def test_admin_shows_state_and_what_a_key_signed(admin_client, authority, signing_key):
    issue_approval(make_document(authority, 2))
    listing = admin_client.get("/admin/signing_keys/").content.decode()
    assert "审批文件 1 件，证书 2 张" in listing
    assert "启用" in listing and "吊销…" in listing


def test_admin_revocation_needs_the_permission(client, django_user_model, signing_key):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("clerk", password="pw-clerk-123")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    url = f"/admin/signing_keys/revoke/{signing_key.pk}/"
    since = (dt.datetime.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"compromised_from": since, "reason": "key_compromise"})
    assert response.status_code in (302, 403)
    signing_key.refresh_from_db()
    assert not signing_key.is_revoked

    user.user_permissions.add(Permission.objects.get(codename="revoke_signingkey"))
    user = django_user_model.objects.get(pk=user.pk)  # permission cache
    client.force_login(user)
    assert client.get(url).status_code == 200
    future = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"compromised_from": future, "reason": "key_compromise"})
    assert response.status_code == 400
    assert "不能晚于当前时间" in response.content.decode()
    response = client.post(
        url, {"compromised_from": since, "reason": "key_compromise", "note": "服务器失窃"}
    )
    assert response.status_code == 302
    signing_key.refresh_from_db()
    assert signing_key.is_revoked and signing_key.revoked_by == user
    assert signing_key.revocation_note == "服务器失窃"


def test_tokens_of_a_revoked_key_stay_valid_only_if_issued_before_the_compromise(
    client, authority, signing_key
):
    from approvals.crypto.revocation_list import verify_revocation_list

    certificate = issue_approval(make_document(authority, 1)).certificates.get()
    later = certificate.created_at + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        revoke_signing_key(signing_key, compromised_from=later - dt.timedelta(hours=1))
        assert verification.verify_token(certificate.token).verdict == verification.Verdict.VALID
        payload = verify_revocation_list(client.get(reverse("keys_revoked_json")).json())
    assert payload["revoked_keys"][signing_key.key_id]["valid_numbers"] == [certificate.number]
    page = client.get(reverse("keys_index")).content.decode()
    assert "已吊销" in page

    signing_key.compromised_from = certificate.created_at - dt.timedelta(minutes=1)
    signing_key.save(update_fields=["compromised_from"])
    verdict = verification.verify_token(certificate.token)
    assert verdict.verdict == verification.Verdict.REVOKED
    assert "不在吊销前签发之列" in verdict.message
