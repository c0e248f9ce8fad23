"""Certificate lookup, verification and the download check: plain functions behind the views.

Verdicts shown to the public (and returned by the JSON API):
valid · revoked · unknown · not_signed · foreign · tampered · not_pdf.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from . import identity
from .models import PUBLIC_DOCUMENT_STATUSES, ApprovalDocument, Certificate
from .verification import VERDICT_LABELS, verify_pdf_bytes

VALID = "valid"
REVOKED = "revoked"
UNKNOWN = "unknown"

LABELS = {
    **VERDICT_LABELS,
    VALID: "有效",
    REVOKED: "已撤销",
    UNKNOWN: "未找到",
}

DOWNLOAD_FAILED = "证书编号、姓名或身份证号后六位不匹配，请核对后重试。"
RATE_LIMITED = "尝试次数过多，请稍后再试。"


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
    from . import tokens

    verdict = tokens.verify_token(token)
    if verdict.status == "unknown_key":
        return Verification("foreign", verdict.message, key_id=verdict.key_id)
    if not verdict.valid:
        status = "tampered" if verdict.status == "forged" else "not_signed"
        return Verification(status, verdict.message, key_id=verdict.key_id)
    certificate = find_certificate(str(verdict.payload.get("n", "")))
    if certificate is not None and certificate.name != verdict.payload.get("nm"):
        return Verification("tampered", "令牌内容与证书记录不符。", key_id=verdict.key_id)
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


# --- download check and rate limits ---------------------------------------------------------


def rate_limited(key: str, limit: int, window: int) -> bool:
    """Count one attempt under `key`; True once more than `limit` fall in the `window` (s)."""
    cache_key = f"approvals:rate:{key}"
    if cache.add(cache_key, 1, window):
        return False
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window)
        return False
    return count > limit


def download_limits() -> dict:
    return getattr(
        settings,
        "APPROVALS_DOWNLOAD_LIMITS",
        {"client": (20, 600), "number": (10, 3600)},
    )


def check_download(number: str, name: str, id_tail: str) -> Certificate | None:
    """The certificate when number, name and the last six ID characters all match, else None.

    A revoked certificate can still be downloaded by its holder (its QR check says revoked).
    """
    certificate = find_certificate(number)
    name = (name or "").strip()
    if certificate is None:
        # Do comparable work so that timing does not tell whether the number exists.
        identity.tail_matches("0" * 64, "000000********0000", "", id_tail)
        return None
    tail_ok = identity.tail_matches(
        certificate.id_hash, certificate.id_masked, certificate.birth_month, id_tail
    )
    if not tail_ok or certificate.name != name:
        return None
    return certificate
