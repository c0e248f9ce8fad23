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
from dataclasses import asdict, dataclass, field

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from approvals.crypto import ltv
from approvals.crypto.keys import public_key_fingerprint
from approvals.crypto.lifecycle import signed_after_compromise
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
REVOKED = "revoked"
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
    REVOKED: "签章密钥已吊销：签名晚于密钥泄露起始时间，签名无效",
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
    problem_message: str = ""
    timestamped_at: str = ""  # when the signature time-stamp proves the signature existed
    long_term: bool = False  # judged by PAdES LTA validation (document time-stamps present)


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


def _trust_roots() -> list:
    return [
        asn1_x509.Certificate.load(
            x509.load_pem_x509_certificate(ca.certificate_pem.encode()).public_bytes(
                serialization.Encoding.DER
            )
        )
        for ca in PlatformCA.objects.all()
    ]


def _validation_context(roots: list) -> ValidationContext:
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def _beijing(moment) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y年%m月%d日 %H:%M（北京时间）")


def verify_pdf_bytes(data: bytes) -> PdfVerdict:
    """Judge ``data``: valid · not_signed · foreign · tampered · not_pdf. Never raises on bad
    input — every malformed, truncated or hostile file gets a verdict."""
    sha256 = hashlib.sha256(data).hexdigest()
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        return PdfVerdict(NOT_PDF, sha256, VERDICT_LABELS[NOT_PDF])
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        # Document time-stamps (PAdES B-LTA) are judged as part of each signature's
        # long-term validation, not as signatures of their own.
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:  # a damaged PDF can fail in many ways inside the parser
        logger.info("unreadable PDF upload: %s", exc.__class__.__name__)
        return PdfVerdict(TAMPERED, sha256, "文件已损坏或不完整，无法读取签名。")
    if not embedded:
        return PdfVerdict(NOT_SIGNED, sha256, VERDICT_LABELS[NOT_SIGNED])

    roots = _trust_roots()
    context = _validation_context(roots)
    try:
        long_term = ltv.has_document_timestamp(reader)
    except Exception:  # a damaged time-stamp field: judged below with the signature itself
        long_term = False
    reports = [_check_signature(sig, context, roots, long_term=long_term) for sig in embedded]
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
    for report in reports:
        if report.problem == "key_revoked":
            return verdict(REVOKED, report.problem_message)
    for report in ours:
        if not report.valid:
            return verdict(TAMPERED, "签名数据无效。")
        if report.problem == "modified":
            return verdict(TAMPERED, "签名后文件又被追加修改（增量更新改动了内容）。")
    if not ours or any(not r.trusted or not r.key_id for r in reports):
        return verdict(FOREIGN)
    return verdict(VALID)


def _check_signature(
    sig, context: ValidationContext, roots: list, *, long_term: bool
) -> SignatureReport:
    report = SignatureReport(field_name=str(sig.field_name or ""), long_term=long_term)
    try:
        cert = sig.signer_cert
        report.signer = cert.subject.human_friendly
        public = x509.load_der_x509_certificate(cert.dump()).public_key()
        report.fingerprint = public_key_fingerprint(public)
        key = (
            SigningKey.objects.filter(fingerprint=report.fingerprint)
            .only("key_id", "compromised_from")
            .first()
        )
        claimed = ltv.signature_timestamp_time(sig)
        if long_term:
            # PAdES LTA: the time-stamps and embedded validation data prove the signature
            # valid when it was made, so it keeps validating after the signing certificate
            # expired and with no CRL endpoint reachable.
            result = ltv.validate_lta(sig, roots)
            status = result.status
            lta_passed = result.passed
        else:
            status = run_outside_event_loop(lambda: validate_pdf_signature(sig, context))
            lta_passed = True
    except Exception as exc:  # malformed CMS, byte ranges beyond the file, …
        logger.info(
            "signature could not be validated: %s", exc.__class__.__name__, exc_info=settings.DEBUG
        )
        report.problem = "damaged"
        return report
    report.timestamped_at = claimed.isoformat() if claimed else ""
    if status is None:
        report.problem = "damaged"
        return report
    report.intact = bool(status.intact)
    report.valid = bool(status.valid)
    report.trusted = bool(status.trusted) and lta_passed
    if key is not None and key.compromised_from is not None:
        # Revoked from a date: only a time-stamp before that date keeps the signature valid.
        if signed_after_compromise(key, claimed):
            report.problem = "key_revoked"
            report.problem_message = (
                f"签章密钥 {key.key_id} 已吊销（自 {_beijing(key.compromised_from)} 起视为泄露），"
                + (
                    f"该签名的时间戳为 {_beijing(claimed)}，晚于该时间，签名无效。"
                    if claimed
                    else "该签名没有可证明签署时间的时间戳，签名无效。"
                )
            )
            return report
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
    "REVOKED",
    "PdfVerdict",
    "SignatureReport",
    "verify_pdf_bytes",
]


# --- verdicts on a certificate: by number, by QR token, by upload -----------------------------

UNKNOWN = "unknown"

LABELS = {
    **VERDICT_LABELS,
    VALID: "有效",
    REVOKED: "已撤销",
    UNKNOWN: "未找到",
}


@dataclass
class Verification:
    """One verification outcome; `certificate` / `document` when the platform knows the item."""

    verdict: str
    message: str
    certificate: Certificate | None = None
    document: ApprovalDocument | None = None
    sha256: str = ""
    key_id: str = ""

    @property
    def label(self) -> str:
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

    verdict = tokens.verify_token(token)
    if verdict.status == "unknown_key":
        return Verification("foreign", verdict.message, key_id=verdict.key_id)
    if not verdict.valid:
        status = "tampered" if verdict.status == "forged" else "not_signed"
        return Verification(status, verdict.message, key_id=verdict.key_id)
    certificate = find_certificate(str(verdict.payload.get("n", "")))
    if certificate is not None and certificate.name != verdict.payload.get("nm"):
        return Verification("tampered", "令牌内容与证书记录不符。", key_id=verdict.key_id)
    key = (
        SigningKey.objects.filter(key_id=verdict.key_id).only("key_id", "compromised_from").first()
    )
    if key is not None and key.compromised_from is not None:
        # A token carries no time-stamp: only a certificate recorded before the compromise
        # (its row is written after its token was signed) keeps a revoked key's token valid.
        if certificate is None or certificate.created_at >= key.compromised_from:
            return Verification(
                REVOKED,
                f"该令牌的签章密钥已吊销（自 {_beijing(key.compromised_from)} 起视为泄露），"
                "该证书不在吊销前签发之列，不能认定为有效。",
                key_id=verdict.key_id,
            )
    result = _judge_certificate(certificate, "二维码")
    result.key_id = verdict.key_id
    return result


def verify_upload(data: bytes) -> Verification:
    """证书查验 by uploading a PDF: the signature check, then which record it is."""
    pdf = verify_pdf_bytes(data)
    if not pdf.valid:
        return Verification(pdf.verdict, pdf.message, sha256=pdf.sha256, key_id=pdf.key_id)
    # The file as issued, or a later copy with archive time-stamps appended (refresh_timestamps):
    # either way it starts with the bytes whose hash was recorded at issue.
    hashes = ltv.revision_hashes(data)
    certificate = public_certificates().filter(pdf_sha256__in=hashes).first()
    if certificate is not None:
        result = _judge_certificate(certificate, "")
        result.sha256, result.key_id = pdf.sha256, pdf.key_id
        return result
    document = (
        ApprovalDocument.objects.filter(pdf_sha256__in=hashes, status__in=PUBLIC_DOCUMENT_STATUSES)
        .select_related("authority")
        .first()
    )
    if document is not None:
        message = "审批文件有效：由本平台签发，内容未被改动。"
        if document.status == "superseded":
            message = "审批文件由本平台签发、内容未被改动，但已被新的文件替代。"
        return Verification(VALID, message, None, document, pdf.sha256, pdf.key_id)
    return Verification(
        UNKNOWN,
        "签名来自本平台，但平台上没有与该文件一致的已签发记录。",
        sha256=pdf.sha256,
        key_id=pdf.key_id,
    )


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
