"""Long-term validation (PAdES B-LTA) with pyHanko: what signing embeds, how a document's
archive time-stamps are renewed, and how the platform judges a signature decades later.

A B-LTA document is: the signature with a signature time-stamp from the platform TSA
(approvals.crypto.tsa), then an incremental update with the document security store (DSS: CA
certificate, the CRL current at signing time, every certificate of the chains), then a document
time-stamp over all of it. ``refresh_pdf`` adds, before the newest time-stamp's certificate
expires, the then-current validation data and another document time-stamp; this chain of
time-stamps is what lets pyHanko (``pyhanko sign adesverify``) and our verifier prove, in 2045
with the site gone, that the signature existed while its certificate was valid and unrevoked.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from dataclasses import dataclass, field

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, TimestampDSSContentSettings
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.status import SignatureStatus
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
    FreshnessReqType,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from approvals.crypto import tsa
from approvals.crypto.keys import build_crl
from approvals.models import PlatformCA

# The CRL embedded at signing is rebuilt at most this often in one process (and at once after
# a key is revoked, see clear_crl_cache); it is valid for 30 days, so it always covers the
# signing moment.
CRL_CACHE_SECONDS = 3600

_crl_cache: dict[str, tuple[dt.datetime, bytes]] = {}
_crl_lock = threading.Lock()


def current_crl(ca: PlatformCA) -> bytes:
    """The CA's 30-day CRL (DER) as of now, cached per process for :data:`CRL_CACHE_SECONDS`.

    Short-lived on purpose: an AdES validator slides its control time back to the issue time of
    revocation data that is no longer fresh, which is what lets it judge an expired certificate
    at the time a later time-stamp proves (ETSI EN 319 102-1 §5.6.2.1)."""
    now = timezone.now()
    cached = _crl_cache.get(ca.fingerprint)
    if cached is not None and 0 <= (now - cached[0]).total_seconds() < CRL_CACHE_SECONDS:
        return cached[1]
    with _crl_lock:
        data = build_crl(ca)
        _crl_cache[ca.fingerprint] = (now, data)
        return data


def tsa_status_response(ca: PlatformCA) -> bytes:
    """An OCSP response (DER, signed by the CA) saying the current TSA certificate is good,
    valid until that certificate expires.

    pyHanko's AdES validation (like any ETSI EN 319 102-1 validator) checks the newest document
    time-stamp at the validation time, with revocation data fresh at that time — normally
    fetched online. With the site gone, the only such data is what the document carries; a
    per-certificate OCSP response can say "good until this TSA certificate expires" for that one
    certificate without making the CA's CRL long-lived (which would stop validators from
    sliding back in time for every other certificate). refresh_timestamps re-time-stamps before
    that expiry, with a new TSA certificate and a new response."""
    from cryptography.x509 import ocsp

    from approvals.crypto.keys import decrypt_private_key
    from approvals.crypto.tsa import loaded_tsa

    loaded = loaded_tsa()
    tsa_cert = x509.load_der_x509_certificate(loaded.certificate.dump())
    ca_cert = x509.load_pem_x509_certificate(ca.certificate_pem.encode())
    now = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    response = (
        ocsp.OCSPResponseBuilder()
        .add_response(
            cert=tsa_cert,
            issuer=ca_cert,
            algorithm=hashes.SHA256(),
            cert_status=ocsp.OCSPCertStatus.GOOD,
            this_update=now,
            next_update=min(tsa_cert.not_valid_after_utc, ca_cert.not_valid_after_utc),
            revocation_time=None,
            revocation_reason=None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, ca_cert)
        .sign(decrypt_private_key(ca.encrypted_private_key), hashes.SHA256())
    )
    return response.public_bytes(serialization.Encoding.DER)


def append_tsa_status(data: bytes, ca: PlatformCA, status: bytes | None = None) -> bytes:
    """Append (as a DSS-only incremental update, a permitted change) the OCSP response of
    :func:`tsa_status_response` after the newest document time-stamp."""
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    DocumentSecurityStore.supply_dss_in_writer(
        writer,
        None,
        ocsps=[asn1_ocsp.OCSPResponse.load(status or tsa_status_response(ca))],
        embed_roots=False,
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def clear_crl_cache() -> None:
    with _crl_lock:
        _crl_cache.clear()


def asn1_cert(pem: str) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def trust_roots() -> list[asn1_x509.Certificate]:
    return [asn1_cert(ca.certificate_pem) for ca in PlatformCA.objects.order_by("created")]


@dataclass(frozen=True)
class LtaMaterial:
    """Everything signing needs besides the key, gathered with database access beforehand so that
    forked issuing workers never touch the database."""

    timestamper: object
    roots: tuple
    crls: tuple
    other_certs: tuple
    fetching: bool
    tsa_status: bytes | None = None  # OCSP response for our TSA certificate
    # Validation paths found with this material's contexts, by certificate (see
    # validation_memo): the same roots, CRL and OCSP response give the same paths every time.
    paths: dict = field(default_factory=dict, compare=False, repr=False)

    def validation_context(self) -> ValidationContext:
        # A fresh context per signature: pyHanko's contexts accumulate state. Every OCSP
        # response and CRL it holds goes into the DSS pyHanko writes with the signature, so the
        # status of our TSA certificate lands there too, under the document time-stamp.
        context = ValidationContext(
            trust_roots=list(self.roots),
            crls=list(self.crls),
            ocsps=[asn1_ocsp.OCSPResponse.load(self.tsa_status)] if self.tsa_status else [],
            other_certs=list(self.other_certs),
            allow_fetching=self.fetching,
            # Our own chain must be provably unrevoked when signing; an external TSA's
            # revocation data is fetched and may be unavailable (soft-fail).
            revocation_mode="soft-fail" if self.fetching else "hard-fail",
        )
        if not self.fetching:
            context.validation_memo = self.paths
        return context


def lta_material(ca: PlatformCA) -> LtaMaterial:
    timestamper = tsa.signing_timestamper()
    other = ()
    if isinstance(timestamper, tsa.PlatformTimeStamper):
        other = (timestamper.tsa.certificate,)
    return LtaMaterial(
        timestamper=timestamper,
        roots=tuple(trust_roots()) or (asn1_cert(ca.certificate_pem),),
        crls=(asn1_crl.CertificateList.load(current_crl(ca)),),
        other_certs=other,
        fetching=bool(tsa.external_tsa_url()),
        tsa_status=tsa_status_response(ca) if other else None,
    )


def lta_signature_metadata(material: LtaMaterial, **kwargs) -> signers.PdfSignatureMetadata:
    """pyHanko metadata for a B-LTA signature: validation data embedded, document time-stamp.

    One revision after the signature holds the DSS (chain, CRL, TSA certificate and its status)
    and the document time-stamp over it. pyHanko's default would add a third, after the
    time-stamp, only for the time-stamp's VRI entry (a PAdES relic modern validators ignore,
    see pyHanko's ``GeneralDSSContentSettings.include_vri``), re-reading the whole file for it.
    """
    return signers.PdfSignatureMetadata(
        embed_validation_info=True,
        use_pades_lta=True,
        validation_context=material.validation_context(),
        dss_settings=DSSContentSettings(
            next_ts_settings=TimestampDSSContentSettings(include_vri=False, update_before_ts=True)
        ),
        **kwargs,
    )


# --- archive time-stamps --------------------------------------------------------------------


def newest_timestamp_expiry(data: bytes) -> dt.datetime | None:
    """When the certificate of the newest document time-stamp in ``data`` expires (None: none)."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    stamps = reader.embedded_timestamp_signatures
    if not stamps:
        return None
    return stamps[-1].signer_cert.not_valid_after


def refresh_pdf(data: bytes, ca: PlatformCA) -> bytes:
    """Append the current validation data (DSS) and a new document time-stamp (pyHanko's
    archival time-stamp chain update). The earlier revisions stay byte-for-byte intact."""
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper

    from approvals.crypto.aio import run_outside_event_loop

    material = lta_material(ca)
    # update_archival_timestamp_chain validates the newest time-stamp first, so the new DSS
    # carries the then-current CRL and the certificates of every earlier time-stamp.
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    out = io.BytesIO()
    stamper = PdfTimeStamper(material.timestamper)
    run_outside_event_loop(
        lambda: stamper.update_archival_timestamp_chain(
            reader, material.validation_context(), in_place=False, output=out
        )
    )
    if material.tsa_status is None:  # an external TSA: its own revocation data applies
        return out.getvalue()
    return append_tsa_status(out.getvalue(), ca, material.tsa_status)


# --- long-term validation -------------------------------------------------------------------


@dataclass
class LtaResult:
    """pyHanko's AdES LTA verdict on one signature."""

    passed: bool
    indication: str
    message: str
    status: SignatureStatus | None
    best_signature_time: dt.datetime | None


def has_document_timestamp(reader: PdfFileReader) -> bool:
    return bool(reader.embedded_timestamp_signatures)


def validate_lta(embedded_sig, roots: list, *, at: dt.datetime | None = None) -> LtaResult:
    """ETSI EN 319 102-1 LTA validation (pyHanko ``ades_lta_validation``) at ``at`` (now), with
    only the validation data in the file: nothing is fetched, so the site may be long gone."""
    from approvals.crypto.aio import run_outside_event_loop

    moment = at or timezone.now()
    timing = ValidationTimingInfo(moment, moment, point_in_time_validation=False)
    cert_policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=roots),
        # As pyHanko's own `sign adesverify`: revocation data required, judged against the
        # moment the time-stamps prove (not against the validation time).
        revinfo_policy=CertRevTrustPolicy(
            REQUIRE_REVINFO,
            freshness=None,
            freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
        ),
    )
    spec = PdfSignatureValidationSpec(
        # Only what the document carries (and never the network): the verdict must not depend
        # on whether the site, its CRL or its OCSP responder still exist.
        signature_validation_spec=SignatureValidationSpec(
            cert_validation_policy=cert_policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        ),
        diff_policy=DEFAULT_DIFF_POLICY,
    )

    async def run():
        return await ades_lta_validation(embedded_sig, spec, timing_info=timing)

    import asyncio

    result = run_outside_event_loop(lambda: asyncio.run(run()))
    indication = result.ades_subindic
    return LtaResult(
        passed=indication.status.name == "PASSED",
        indication=indication.name,
        message=result.failure_msg or "",
        status=result.api_status,
        best_signature_time=getattr(result, "best_signature_time", None),
    )


def signature_timestamp_time(embedded_sig) -> dt.datetime | None:
    """The time the signature's own time-stamp token claims (None without one). Only a
    validated token proves it; callers use it to reject, or after validation passed."""
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    signed_data = next(extract_tst_data_iter(embedded_sig.signer_info, signed=False), None)
    if signed_data is None:
        return None
    tst_info = signed_data["encap_content_info"]["content"].parsed
    return tst_info["gen_time"].native


# --- stored documents -----------------------------------------------------------------------


@dataclass
class RefreshReport:
    checked: int = 0
    refreshed: int = 0
    blocked: int = 0  # due, but no TSA certificate outlives the current one (renew the CA)
    skipped_no_timestamp: int = 0
    failed: int = 0


def revision_hashes(data: bytes) -> list[str]:
    """SHA-256 of the whole file and of every earlier revision (each prefix ending at an
    ``%%EOF`` marker). A document re-time-stamped after issue still begins with exactly the bytes
    issued, so an older copy and the stored newer one are recognised as the same document."""
    import hashlib
    import re

    hashes = {hashlib.sha256(data).hexdigest()}
    for match in re.finditer(rb"%%EOF[ \t]*(\r\n|\r|\n)?", data):
        hashes.add(hashlib.sha256(data[: match.end()]).hexdigest())
    return sorted(hashes)


def refresh_due(data: bytes, margin: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """Is the newest time-stamp's certificate within ``margin`` of expiry?"""
    expiry = newest_timestamp_expiry(data)
    now = now or timezone.now()
    return expiry is not None and expiry - now < margin


def refresh_stored_documents(margin: dt.timedelta, *, log=None) -> RefreshReport:
    """Add an archive time-stamp to every stored PDF whose newest time-stamp's certificate expires
    within ``margin``. Idempotent: a refreshed file's newest time-stamp is fresh, so a second run
    finds nothing to do. The issued hash (``pdf_sha256``) is kept: it is the identity the
    refreshed file still starts with (see :func:`revision_hashes`)."""
    from django.db import transaction

    from approvals.crypto.tsa import loaded_tsa
    from approvals.models import ApprovalDocument, Certificate

    report = RefreshReport()
    ca = PlatformCA.objects.order_by("created").first()
    if ca is None:
        return report
    loaded_tsa()  # renew the TSA key first if it is itself near expiry
    sources = [
        ApprovalDocument.objects.exclude(pdf="").only("pk", "pdf", "pdf_size"),
        Certificate.objects.exclude(pdf="").only("pk", "number", "pdf", "pdf_size"),
    ]
    for queryset in sources:
        for item in queryset.iterator():
            report.checked += 1
            label = f"{item._meta.verbose_name} {getattr(item, 'number', '') or item.pk}"
            try:
                with item.pdf.open("rb") as handle:
                    data = handle.read()
                if newest_timestamp_expiry(data) is None:
                    report.skipped_no_timestamp += 1
                    continue
                if not refresh_due(data, margin):
                    continue
                if loaded_tsa().not_after <= newest_timestamp_expiry(data):
                    # Re-time-stamping with a certificate that expires no later gains nothing.
                    report.blocked += 1
                    if log:
                        log(
                            f"无法延长：{label}：时间戳证书已受平台根证书有效期限制，请更新根证书。"
                        )
                    continue
                refreshed = refresh_pdf(data, ca)
            except Exception as exc:  # one unreadable file must not stop the others
                report.failed += 1
                if log:
                    log(f"失败：{label}：{exc.__class__.__name__}: {exc}")
                continue
            storage = item.pdf.storage
            old_name = item.pdf.name
            from django.core.files.base import ContentFile

            new_name = storage.save(old_name, ContentFile(refreshed))
            with transaction.atomic():
                type(item).objects.filter(pk=item.pk).update(pdf=new_name, pdf_size=len(refreshed))
            if new_name != old_name:
                storage.delete(old_name)
            report.refreshed += 1
            if log:
                log(f"已追加存档时间戳：{label}（{len(data)} → {len(refreshed)} 字节）")
    return report


def answer_ocsp(request_der: bytes) -> bytes:
    """RFC 6960 answer of the CA's responder (/keys/ocsp) for a certificate it issued: a TSA
    certificate (good until it expires, as in the documents) or a signing certificate (good, or
    revoked from its compromise date; valid for a day)."""
    from cryptography.x509 import ocsp

    from approvals.crypto.keys import decrypt_private_key
    from approvals.models import SigningKey, TimeStampKey

    try:
        request = ocsp.load_der_ocsp_request(request_der)
        serial = format(request.serial_number, "x")
    except ValueError:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.MALFORMED_REQUEST
        ).public_bytes(serialization.Encoding.DER)
    now = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    found = TimeStampKey.objects.filter(serial_number=serial).select_related("ca").first()
    revoked_from = None
    if found is not None:
        next_update = found.not_after
    else:
        found = SigningKey.objects.filter(serial_number=serial).select_related("ca").first()
        next_update = now + dt.timedelta(days=1)
        if found is not None:
            revoked_from = found.compromised_from or found.revoked_at
    if found is None:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.UNAUTHORIZED
        ).public_bytes(serialization.Encoding.DER)
    ca_cert = x509.load_pem_x509_certificate(found.ca.certificate_pem.encode())
    cert = x509.load_pem_x509_certificate(found.certificate_pem.encode())
    if request.issuer_key_hash != _issuer_key_hash(ca_cert, request.hash_algorithm):
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.UNAUTHORIZED
        ).public_bytes(serialization.Encoding.DER)
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=cert,
        issuer=ca_cert,
        algorithm=request.hash_algorithm,
        cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_from else ocsp.OCSPCertStatus.GOOD,
        this_update=now,
        next_update=min(next_update, ca_cert.not_valid_after_utc),
        revocation_time=revoked_from.astimezone(dt.UTC).replace(microsecond=0)
        if revoked_from
        else None,
        revocation_reason=x509.ReasonFlags.key_compromise if revoked_from else None,
    )
    nonce = _request_nonce(request)
    if nonce is not None:
        builder = builder.add_extension(nonce, critical=False)
    response = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, ca_cert).sign(
        decrypt_private_key(found.ca.encrypted_private_key), hashes.SHA256()
    )
    return response.public_bytes(serialization.Encoding.DER)


def _issuer_key_hash(ca_cert: x509.Certificate, algorithm) -> bytes:
    from cryptography.hazmat.primitives.hashes import Hash

    spki = ca_cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # The hash is over the subjectPublicKey BIT STRING value: strip the SPKI header.
    from asn1crypto import keys as asn1_keys

    bits = asn1_keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]
    digest = Hash(algorithm)
    digest.update(bits)
    return digest.finalize()


def _request_nonce(request):
    try:
        return request.extensions.get_extension_for_class(x509.OCSPNonce).value
    except x509.ExtensionNotFound:
        return None
