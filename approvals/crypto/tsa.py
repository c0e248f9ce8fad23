"""The platform's own RFC 3161 time-stamp authority (TSA).

One active :class:`approvals.models.TimeStampKey` at a time: an ECDSA P-256 key whose certificate
comes from the platform CA with the critical extended key usage ``timeStamping`` (RFC 3161
§2.3), its private key sealed under the KEK exactly like the signing keys. The same
:func:`answer` serves two callers:

- :class:`PlatformTimeStamper`, the pyHanko ``TimeStamper`` used in-process when signing (no
  network, no HTTP round trip per certificate);
- the public ``/tsa`` endpoint (approvals/views/tsa.py), for anyone who wants a time-stamp.

A bureau with its own TSA sets ``SIGNING_TSA_URL``; :func:`signing_timestamper` then returns
pyHanko's ``HTTPTimeStamper`` for that address instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import uuid
from dataclasses import dataclass

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

from approvals.crypto.keys import (
    decrypt_private_key,
    ensure_ca,
    issue_certificate,
    key_record,
    ocsp_url,
)
from approvals.models import TimeStampKey

TSA_NAME = "职称公示与证书平台时间戳服务"
# As long as the CA (capped to it): the newest document time-stamp must validate, at any later
# date, with only what the document carries, so its certificate must outlive the signing
# certificates (10 years) by as much as possible. refresh_timestamps re-time-stamps before it
# nears expiry, which needs a newer TSA certificate, i.e. a renewed CA by then.
TSA_VALIDITY_DAYS = 20 * 365
# Our time-stamp policy. 2.25.<UUID> (ITU-T X.667) is an OID anyone may mint without a
# registered arc; it only has to be stable and ours.
TSA_POLICY_OID = "2.25." + str(uuid.UUID("6f1d7c3e-8a52-4e8b-9a3f-2c0d5b7e41a9").int)
ACCEPTED_DIGESTS = {"sha256": 32, "sha384": 48, "sha512": 64}
MAX_REQUEST_BYTES = 4096  # a TimeStampReq with a SHA-512 imprint and a nonce is ~100 bytes


class TimeStampResp(tsp.TimeStampResp):
    """RFC 3161's TimeStampResp, whose token is OPTIONAL (absent from a rejection); asn1crypto
    declares it mandatory and refuses to encode a rejection."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


class TimeStampError(Exception):
    """A time-stamping problem an operator must fix (message in Chinese)."""


# --- the TSA key and certificate ------------------------------------------------------------


def tsa_extensions() -> list[tuple[x509.ExtensionType, bool]]:
    """What a TSA certificate adds to :func:`approvals.crypto.keys.issue_certificate`'s: EKU
    timeStamping only and critical (RFC 3161 §2.3), and its OCSP responder."""
    return [
        (x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), True),
        # Validators consult an OCSP response for a certificate only when it names a responder;
        # the documents carry one for this certificate (approvals.crypto.ltv.tsa_status_response)
        # and /keys/ocsp answers the same question online.
        (
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(ocsp_url()),
                    )
                ]
            ),
            False,
        ),
    ]


def tsa_validity_days() -> int:
    return int(getattr(settings, "SIGNING_TSA_VALIDITY_DAYS", TSA_VALIDITY_DAYS))


def create_tsa_key(*, validity_days: int | None = None) -> TimeStampKey:
    """A new active TSA key; the previous one is kept (its time-stamps must stay checkable)."""
    ca = ensure_ca()
    ca_cert = x509.load_pem_x509_certificate(ca.certificate_pem.encode())
    ca_key = decrypt_private_key(ca.encrypted_private_key)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate(
        TSA_NAME,
        key.public_key(),
        ca_key,
        ca_cert,
        validity_days=validity_days or tsa_validity_days(),
        extensions=tsa_extensions(),
    )
    with transaction.atomic():
        TimeStampKey.objects.select_for_update().filter(is_active=True).update(is_active=False)
        created = TimeStampKey.objects.create(**key_record(ca, key, cert))
    clear_tsa_cache()
    return created


def renewal_margin() -> dt.timedelta:
    """How long before its certificate expires a TSA key is replaced (and documents whose newest
    time-stamp it made are re-time-stamped): ``SIGNING_TSA_RENEWAL_DAYS``, default 365."""
    return dt.timedelta(days=int(getattr(settings, "SIGNING_TSA_RENEWAL_DAYS", 365)))


def ensure_tsa_key() -> TimeStampKey:
    """The active TSA key, created on first use and renewed once it is within
    :func:`renewal_margin` of expiry (a time-stamp must outlive its own validation)."""
    key = TimeStampKey.objects.filter(is_active=True).select_related("ca").first()
    if key is None:
        return create_tsa_key()
    now = timezone.now()
    if key.not_after - now < renewal_margin():
        # Renew only when a new certificate would outlive this one: it is capped by the CA's
        # own expiry, after which only a renewed CA helps (reported by refresh_timestamps).
        ca = ensure_ca()
        possible = min(now + dt.timedelta(days=tsa_validity_days()), ca.not_after)
        if possible - key.not_after > dt.timedelta(days=1):
            key = create_tsa_key()
    return key


@dataclass(frozen=True)
class LoadedTsa:
    key_id: str
    private_key: ec.EllipticCurvePrivateKey
    certificate: asn1_x509.Certificate
    ca_certificate: asn1_x509.Certificate
    not_after: dt.datetime

    def __repr__(self) -> str:  # never print key material
        return f"LoadedTsa(key_id={self.key_id!r})"


_loaded: LoadedTsa | None = None
_lock = threading.RLock()  # create_tsa_key clears the cache while loaded_tsa holds it


def _asn1(pem: str) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def loaded_tsa() -> LoadedTsa:
    """The active TSA key, decrypted once per process (reloaded after a renewal)."""
    global _loaded
    with _lock:
        # One small query (the active key, renewed when due); decryption only on a change.
        # Called when signing material is gathered (hourly) and by /tsa, never per certificate.
        key = ensure_tsa_key()
        if _loaded is None or _loaded.key_id != key.key_id:
            _loaded = LoadedTsa(
                key_id=key.key_id,
                private_key=decrypt_private_key(key.encrypted_private_key),
                certificate=_asn1(key.certificate_pem),
                ca_certificate=_asn1(key.ca.certificate_pem),
                not_after=key.not_after,
            )
        return _loaded


def clear_tsa_cache() -> None:
    global _loaded
    with _lock:
        _loaded = None


# --- answering a request --------------------------------------------------------------------


def _rejection(fail_info: str, text: str) -> TimeStampResp:
    return TimeStampResp(
        {
            "status": tsp.PKIStatusInfo(
                {
                    "status": tsp.PKIStatus("rejection"),
                    "status_string": [text],
                    "fail_info": tsp.PKIFailureInfo({fail_info}),
                }
            )
        }
    )


def parse_request(data: bytes) -> tsp.TimeStampReq | tsp.TimeStampResp:
    """A fully parsed TimeStampReq, or the rejection to send back for bytes that are not one."""
    if len(data) > MAX_REQUEST_BYTES:
        return _rejection("bad_data_format", "request too large")
    try:
        req = tsp.TimeStampReq.load(data, strict=True)
        _ = req.native  # asn1crypto parses lazily: force every field now, inside the try
    except (ValueError, TypeError, KeyError):
        return _rejection("bad_data_format", "malformed TimeStampReq")
    return req


def answer(req: tsp.TimeStampReq, tsa: LoadedTsa | None = None) -> tsp.TimeStampResp:
    """Grant or reject one request (RFC 3161 §2.4.2). Time is this server's UTC clock."""
    if req["version"].native != "v1":
        return _rejection("bad_request", "unsupported version")
    imprint = req["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    if algorithm not in ACCEPTED_DIGESTS:
        return _rejection("bad_alg", "unsupported hash algorithm")
    if len(imprint["hashed_message"].native) != ACCEPTED_DIGESTS[algorithm]:
        return _rejection("bad_data_format", "digest length does not match its algorithm")
    policy = req["req_policy"].native
    if policy is not None and policy != TSA_POLICY_OID:
        return _rejection("unaccepted_policy", "unknown policy")
    if req["extensions"].native:
        return _rejection("unaccepted_extension", "extensions are not supported")

    tsa = tsa or loaded_tsa()
    now = timezone.now().astimezone(dt.UTC)
    token = token_der(
        tsa,
        imprint=imprint.dump(),
        serial=secrets.randbits(120),
        now=now,
        nonce=req["nonce"].dump() if req["nonce"].native is not None else None,
        with_certificate=bool(req["cert_req"].native),
    )
    return TimeStampResp.load(_der(0x30, _GRANTED_STATUS + token))


def _der(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length, content."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


# The status part of a granted TimeStampResp: PKIStatusInfo { status granted (0) }.
_GRANTED_STATUS = tsp.PKIStatusInfo({"status": tsp.PKIStatus("granted")}).dump()


def token_der(
    tsa: LoadedTsa,
    *,
    imprint: bytes,
    serial: int,
    now: dt.datetime,
    nonce: bytes | None,
    with_certificate: bool,
) -> bytes:
    """The time-stamp token (CMS ContentInfo, DER) for a message imprint (its DER, as the
    request carries it): what asn1crypto encodes from the same values, assembled from the
    encodings of the values and of what every token of the key repeats (asn1crypto copies and
    re-encodes each nested structure, about 1 ms a token)."""
    parts = _token_parts(tsa)
    tst_info = _der(
        0x30,
        parts.tst_info_head
        + imprint
        + core.Integer(serial).dump()
        + core.GeneralizedTime(now).dump()
        + parts.tst_info_middle
        + (nonce or b"")
        + parts.tst_info_tail,
    )
    signed_attrs = (
        parts.content_type_attribute
        + _der(0x30, parts.signing_time_oid + _der(0x31, core.UTCTime(now).dump()))
        + _der(0x30, parts.message_digest_oid + _der(0x31, _der(0x04, _sha256(tst_info))))
        + parts.signing_certificate
    )
    signature = tsa.private_key.sign(_der(0x31, signed_attrs), ec.ECDSA(hashes.SHA256()))
    signer_info = _der(
        0x30,
        parts.signer_info_head
        + _der(0xA0, signed_attrs)
        + parts.signature_algorithm
        + _der(0x04, signature),
    )
    signed_data = _der(
        0x30,
        parts.signed_data_head
        + _der(0x30, parts.tst_info_oid + _der(0xA0, _der(0x04, tst_info)))
        + (parts.certificates if with_certificate else b"")
        + _der(0x31, signer_info),
    )
    return _der(0x30, parts.signed_data_oid + _der(0xA0, signed_data))


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@dataclass(frozen=True)
class _TokenParts:
    """The DER of what every token of one TSA key repeats, encoded once per key by asn1crypto
    (the same bytes it writes into each token)."""

    tst_info_head: bytes  # version, policy
    tst_info_middle: bytes  # accuracy (ordering FALSE is the default: not encoded)
    tst_info_tail: bytes  # the TSA's name, [0] EXPLICIT
    content_type_attribute: bytes
    signing_time_oid: bytes
    message_digest_oid: bytes
    signing_certificate: bytes
    signer_info_head: bytes  # version, signer identifier, digest algorithm
    signature_algorithm: bytes
    signed_data_head: bytes  # version, digest algorithms
    tst_info_oid: bytes
    certificates: bytes  # [0] IMPLICIT CertificateSet
    signed_data_oid: bytes


_parts: dict[str, _TokenParts] = {}


def _token_parts(tsa: LoadedTsa) -> _TokenParts:
    parts = _parts.get(tsa.key_id)
    if parts is None:
        cert = tsa.certificate
        sha256 = algos.DigestAlgorithm({"algorithm": "sha256"}).dump()
        tsa_name = asn1_x509.GeneralName(name="directory_name", value=cert.subject).dump()
        certificates = cms.CertificateSet([cert]).dump()
        parts = _TokenParts(
            tst_info_head=core.Integer(1).dump() + core.ObjectIdentifier(TSA_POLICY_OID).dump(),
            tst_info_middle=tsp.Accuracy({"seconds": 1}).dump(),
            tst_info_tail=_der(0xA0, tsa_name),
            content_type_attribute=simple_cms_attribute("content_type", "tst_info").dump(),
            signing_time_oid=cms.CMSAttributeType("signing_time").dump(),
            message_digest_oid=cms.CMSAttributeType("message_digest").dump(),
            signing_certificate=simple_cms_attribute(
                "signing_certificate_v2", as_signing_certificate_v2(cert, "sha256")
            ).dump(),
            signer_info_head=core.Integer(1).dump()
            + cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": cert.issuer, "serial_number": cert.serial_number}
                    )
                }
            ).dump()
            + sha256,
            signature_algorithm=algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}).dump(),
            signed_data_head=core.Integer(3).dump() + _der(0x31, sha256),
            tst_info_oid=cms.ContentType("tst_info").dump(),
            certificates=b"\xa0" + certificates[1:],
            signed_data_oid=cms.ContentType("signed_data").dump(),
        )
        _parts[tsa.key_id] = parts
    return parts


# --- pyHanko time stampers ------------------------------------------------------------------


class PlatformTimeStamper(TimeStamper):
    """pyHanko ``TimeStamper`` answered in-process by the platform TSA (no network)."""

    def __init__(self, tsa: LoadedTsa):
        super().__init__(include_nonce=True)
        self.tsa = tsa

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return answer(req, self.tsa)

    async def validation_paths(self, validation_context):
        # A context of signing material without fetching (ltv.LtaMaterial) carries the memo
        # of the paths its equivalent contexts found: validated once, not for each signature.
        memo = getattr(validation_context, "validation_memo", None)
        if memo is None:
            async for path in super().validation_paths(validation_context):
                yield path
            return
        key = ("tsa", self.tsa.key_id)
        paths = memo_get(memo, key)
        if paths is None:
            paths = [path async for path in super().validation_paths(validation_context)]
            memo_put(memo, key, paths, paths)
        for path in paths:
            yield path


def memo_get(memo: dict, key):
    """A validation result kept in ``memo`` (see ltv.LtaMaterial.paths), while every
    certificate of its paths is still within its validity; None otherwise."""
    entry = memo.get(key)
    if entry is None:
        return None
    value, not_before, not_after = entry
    return value if not_before <= timezone.now() < not_after else None


def memo_put(memo: dict, key, value, paths) -> None:
    """Keep ``value`` in ``memo`` for as long as every certificate of ``paths`` is valid."""
    certificates = [cert for path in paths for cert in path]
    memo[key] = (
        value,
        max(cert.not_valid_before for cert in certificates),
        min(cert.not_valid_after for cert in certificates),
    )


def external_tsa_url() -> str:
    return (getattr(settings, "SIGNING_TSA_URL", "") or "").strip()


def signing_timestamper() -> TimeStamper:
    """The time stamper for new signatures: the bureau's TSA when ``SIGNING_TSA_URL`` is set,
    else ours in-process."""
    url = external_tsa_url()
    if url:
        return HTTPTimeStamper(url, timeout=int(getattr(settings, "SIGNING_TSA_TIMEOUT", 10)))
    return PlatformTimeStamper(loaded_tsa())
