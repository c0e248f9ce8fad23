"""Verdicts on uploaded PDFs: is this a document signed by the platform, unchanged?

pdf signature validity alone is not enough: a file whose visible content was changed by an
appended incremental update still carries a "valid" signature over its first revision (pdfsig
says "Signature is Valid"). We therefore use pyHanko's validation against the platform CA and
also require the signature to cover the whole file, or only later revisions that change nothing
visible (signature or form-filling updates).
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import asdict, dataclass, field

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .keys import public_key_fingerprint
from .models import PlatformCA, SigningKey
from .signing import run_outside_event_loop

logger = logging.getLogger(__name__)

VALID = "valid"
NOT_SIGNED = "not_signed"
FOREIGN = "foreign"
TAMPERED = "tampered"
NOT_PDF = "not_pdf"

VERDICT_LABELS = {
    VALID: "有效：本平台签发，内容未被改动",
    NOT_SIGNED: "未签名：文件没有电子签名，不是本平台签发的文件",
    FOREIGN: "非本平台签名：签名不是本平台的密钥所作",
    TAMPERED: "已被篡改：签名后文件内容被改动或文件已损坏",
    NOT_PDF: "不是 PDF 文件",
}

# Later revisions allowed after our signature: nothing, timestamps/validation data, or form
# filling (which includes adding another signature) — never new page content.
ALLOWED_MODIFICATIONS = ModificationLevel.FORM_FILLING


@dataclass
class SignatureReport:
    field_name: str
    signer: str = ""
    key_id: str = ""  # platform key id, empty when the key is not one of ours
    fingerprint: str = ""  # SHA-256 of the signer's public key
    signing_time: str = ""
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    coverage: str = ""
    modification_level: str = ""
    problem: str = ""


@dataclass
class PdfVerdict:
    """The outcome of :func:`verify_pdf_bytes`; ``key_id`` and ``sha256`` let the app look up the
    certificate/document and its revocation status."""

    verdict: str
    sha256: str
    message: str
    key_id: str = ""
    fingerprint: str = ""
    signer: str = ""
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.verdict == VALID

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["label"] = self.label
        return data


def _validation_context() -> ValidationContext:
    roots = [
        asn1_x509.Certificate.load(
            x509.load_pem_x509_certificate(ca.certificate_pem.encode()).public_bytes(
                serialization.Encoding.DER
            )
        )
        for ca in PlatformCA.objects.all()
    ]
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def verify_pdf_bytes(data: bytes) -> PdfVerdict:
    """Judge ``data``: valid · not_signed · foreign · tampered · not_pdf. Never raises on bad
    input — every malformed, truncated or hostile file gets a verdict."""
    sha256 = hashlib.sha256(data).hexdigest()
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        return PdfVerdict(NOT_PDF, sha256, VERDICT_LABELS[NOT_PDF])
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # a damaged PDF can fail in many ways inside the parser
        logger.info("unreadable PDF upload: %s", exc.__class__.__name__)
        return PdfVerdict(TAMPERED, sha256, "文件已损坏或不完整，无法读取签名。")
    if not embedded:
        return PdfVerdict(NOT_SIGNED, sha256, VERDICT_LABELS[NOT_SIGNED])

    context = _validation_context()
    reports = [_check_signature(sig, context) for sig in embedded]
    ours = [r for r in reports if r.key_id]
    primary = ours[0] if ours else reports[0]
    verdict_args = {
        "sha256": sha256,
        "key_id": primary.key_id,
        "fingerprint": primary.fingerprint,
        "signer": primary.signer,
        "signatures": reports,
    }

    def verdict(kind: str, message: str = "") -> PdfVerdict:
        return PdfVerdict(kind, message=message or VERDICT_LABELS[kind], **verdict_args)

    for report in reports:
        if report.problem == "damaged" or not report.intact:
            return verdict(TAMPERED, "签名所覆盖的内容已被改动（哈希不符）。")
    for report in ours:
        if not report.valid:
            return verdict(TAMPERED, "签名数据无效。")
        if report.problem == "modified":
            return verdict(TAMPERED, "签名后文件又被追加修改（增量更新改动了内容）。")
    if not ours or any(not r.trusted or not r.key_id for r in reports):
        return verdict(FOREIGN)
    return verdict(VALID)


def _check_signature(sig, context: ValidationContext) -> SignatureReport:
    report = SignatureReport(field_name=str(sig.field_name or ""))
    try:
        cert = sig.signer_cert
        report.signer = cert.subject.human_friendly
        public = x509.load_der_x509_certificate(cert.dump()).public_key()
        report.fingerprint = public_key_fingerprint(public)
        key = SigningKey.objects.filter(fingerprint=report.fingerprint).only("key_id").first()
        status = run_outside_event_loop(lambda: validate_pdf_signature(sig, context))
    except Exception as exc:  # malformed CMS, byte ranges beyond the file, …
        logger.info("signature could not be validated: %s", exc.__class__.__name__)
        report.problem = "damaged"
        return report
    report.intact = bool(status.intact)
    report.valid = bool(status.valid)
    report.trusted = bool(status.trusted)
    report.signing_time = status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""
    coverage = status.coverage
    level = status.modification_level
    report.coverage = coverage.name if coverage is not None else ""
    report.modification_level = level.name if level is not None else ""
    # Only a key of ours whose certificate chains to our CA counts as the platform's signature.
    if key is not None and report.trusted:
        report.key_id = key.key_id
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return report
    if (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and level is not None
        and level <= ALLOWED_MODIFICATIONS
    ):
        return report
    report.problem = "modified"
    return report


__all__ = [
    "FOREIGN",
    "NOT_PDF",
    "NOT_SIGNED",
    "TAMPERED",
    "VALID",
    "PdfVerdict",
    "SignatureReport",
    "verify_pdf_bytes",
]
