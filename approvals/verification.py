"""Every verdict of 证书查验: by number, by QR token, and on uploaded PDFs.

Verdicts shown to the public (and returned by the JSON API):
valid · revoked · unknown · not_signed · foreign · tampered · not_pdf.

On uploaded PDFs: is this a document signed by the platform, unchanged?

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
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from approvals.crypto.keys import public_key_fingerprint
from approvals.crypto.signing import run_outside_event_loop
from approvals.models import (
    PUBLIC_DOCUMENT_STATUSES,
    ApprovalDocument,
    Certificate,
    PlatformCA,
    SigningKey,
)

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


# --- verdicts on a certificate: by number, by QR token, by upload -----------------------------

REVOKED = "revoked"
UNKNOWN = "unknown"

LABELS = {
    **VERDICT_LABELS,
    VALID: "有效",
    REVOKED: "已撤销",
    UNKNOWN: "未找到",
}
# A QR token is not a file: the same verdicts, said of a token.
TOKEN_LABELS = {
    TAMPERED: "已被篡改：二维码令牌被篡改或伪造",
    NOT_SIGNED: "不是有效的二维码令牌",
    FOREIGN: "非本平台签名：二维码令牌不是本平台的密钥所签",
}
#: /verify/t/<token> or ?token=/?t= : a whole QR address pasted where a token is expected.
QR_ADDRESS = re.compile(r"/verify/t/([^/?#\s]+)|[?&](?:t|token)=([^&#\s]+)")


def token_from_input(value: str) -> str:
    """The token in what a visitor pasted: the token itself or the QR code's full address."""
    value = (value or "").strip()
    match = QR_ADDRESS.search(value)
    if match:
        return unquote(match.group(1) or match.group(2))
    return value


@dataclass
class Verification:
    """One verification outcome; `certificate` / `document` when the platform knows the item."""

    verdict: str
    message: str
    certificate: Certificate | None = None
    document: ApprovalDocument | None = None
    sha256: str = ""
    key_id: str = ""
    #: What was checked: "file" (an upload, a number) or "token" (a QR code's token).
    subject: str = "file"

    @property
    def label(self) -> str:
        if self.subject == "token" and self.verdict in TOKEN_LABELS:
            return TOKEN_LABELS[self.verdict]
        return LABELS[self.verdict]

    def as_dict(self) -> dict:
        data = {
            "verdict": self.verdict,
            "label": self.label,
            "message": self.message,
            "certificate": certificate_public_data(self.certificate) if self.certificate else None,
            "document": document_public_data(self.document) if self.document else None,
        }
        if self.sha256:
            data["sha256"] = self.sha256
        if self.key_id:
            data["key_id"] = self.key_id
        return data


def public_certificates():
    return Certificate.objects.public().select_related("document", "document__authority")


def find_certificate(number: str) -> Certificate | None:
    number = (number or "").strip().upper()
    if not number or len(number) > 40:
        return None
    return public_certificates().filter(number=number).first()


def _revoked_message(certificate: Certificate) -> str:
    from website.formatting import cn_date

    return f"该证书已于{cn_date(certificate.revoked_at)}撤销，原因：{certificate.revoked_reason}"


def _judge_certificate(certificate: Certificate | None, what: str) -> Verification:
    if certificate is None:
        return Verification(UNKNOWN, f"未找到{what}对应的证书。")
    if certificate.is_revoked:
        return Verification(
            REVOKED, _revoked_message(certificate), certificate, certificate.document
        )
    return Verification(
        VALID, "证书有效：由本平台签发，未被撤销。", certificate, certificate.document
    )


def verify_number(number: str) -> Verification:
    """证书查验 by certificate number."""
    return _judge_certificate(find_certificate(number), "该编号")


def verify_token(token: str) -> Verification:
    """证书查验 by the signed token of the QR code: signature first, then the record."""
    from approvals.crypto import tokens

    verdict = tokens.verify_token(token_from_input(token))
    if verdict.status == "unknown_key":
        return Verification("foreign", verdict.message, key_id=verdict.key_id, subject="token")
    if not verdict.valid:
        status = "tampered" if verdict.status == "forged" else "not_signed"
        return Verification(status, verdict.message, key_id=verdict.key_id, subject="token")
    certificate = find_certificate(str(verdict.payload.get("n", "")))
    if certificate is not None and certificate.name != verdict.payload.get("nm"):
        return Verification(
            "tampered", "令牌内容与证书记录不符。", key_id=verdict.key_id, subject="token"
        )
    result = _judge_certificate(certificate, "二维码")
    result.key_id = verdict.key_id
    return result


def verify_upload(data: bytes) -> Verification:
    """证书查验 by uploading a PDF: the signature check, then which record it is."""
    pdf = verify_pdf_bytes(data)
    if not pdf.valid:
        return Verification(pdf.verdict, pdf.message, sha256=pdf.sha256, key_id=pdf.key_id)
    certificate = public_certificates().filter(pdf_sha256=pdf.sha256).first()
    if certificate is not None:
        result = _judge_certificate(certificate, "")
        result.sha256, result.key_id = pdf.sha256, pdf.key_id
        return result
    document = (
        ApprovalDocument.objects.filter(pdf_sha256=pdf.sha256, status__in=PUBLIC_DOCUMENT_STATUSES)
        .select_related("authority")
        .first()
    )
    if document is not None:
        message = "审批文件有效：由本平台签发，内容未被改动。"
        if document.status == "superseded":
            message = "审批文件由本平台签发、内容未被改动，但已被新的文件替代。"
        return Verification(VALID, message, None, document, pdf.sha256, pdf.key_id)
    signed = _signed_original(data)
    if signed is not None:
        # The platform's signature is intact over a file we issued, with bytes added after it:
        # not "unknown" — the file was changed after signing.
        # The record is not attached: a changed file must not be shown beside valid details.
        return Verification(
            TAMPERED,
            "签名后文件内容被改动：签名之后又追加了内容，请使用平台下载的原始文件。",
            sha256=pdf.sha256,
            key_id=pdf.key_id,
        )
    return Verification(
        UNKNOWN,
        "签名来自本平台，但平台上没有与该文件一致的已签发记录。",
        sha256=pdf.sha256,
        key_id=pdf.key_id,
    )


BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _signed_original(data: bytes) -> Certificate | ApprovalDocument | None:
    """The issued certificate or document whose file is a signed prefix of ``data``.

    A signature covers its file up to the end of its byte range; whatever follows was added
    later. When that prefix is exactly a file the platform issued, ``data`` is that file
    with something appended.
    """
    ends = {int(m[3]) + int(m[4]) for m in BYTE_RANGE.finditer(data)}
    for end in sorted(ends, reverse=True):
        if not 0 < end < len(data):
            continue
        digest = hashlib.sha256(data[:end]).hexdigest()
        certificate = public_certificates().filter(pdf_sha256=digest).first()
        if certificate is not None:
            return certificate
        document = ApprovalDocument.objects.filter(
            pdf_sha256=digest, status__in=PUBLIC_DOCUMENT_STATUSES
        ).first()
        if document is not None:
            return document
    return None


def certificate_public_data(certificate: Certificate) -> dict:
    """What anyone may see of a certificate: masked ID, no PDF, no token."""
    return {
        "number": certificate.number,
        "status": certificate.status,
        "status_label": certificate.get_status_display(),
        "name": certificate.name,
        "gender": certificate.gender,
        "id_masked": certificate.id_masked,
        "unit": certificate.unit,
        "series": certificate.series,
        "specialty": certificate.specialty,
        "qualification": certificate.qualification,
        "level": certificate.level,
        "date": certificate.date.isoformat(),
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revoked_reason": certificate.revoked_reason or None,
        "document_number": certificate.document.number,
    }


def document_public_data(document: ApprovalDocument) -> dict:
    return {
        "number": document.number,
        "title": document.title,
        "authority": document.authority.name,
        "date": document.date.isoformat(),
        "status": document.status,
        "pdf_url": document.pdf.url if document.pdf else None,
        "pdf_sha256": document.pdf_sha256,
    }
