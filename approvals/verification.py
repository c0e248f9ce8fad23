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

import datetime as dt
import hashlib
import io
import logging
import re
from dataclasses import asdict, dataclass, field, fields
from urllib.parse import unquote

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db.models import TextChoices
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from approvals.crypto import ltv
from approvals.crypto.aio import run_outside_event_loop
from approvals.crypto.keys import public_key_fingerprint
from approvals.crypto.tokens import TokenStatus
from approvals.models import (
    ApprovalDocument,
    Certificate,
    PlatformCA,
    SigningKey,
)
from website.people import person_values

logger = logging.getLogger(__name__)


class Verdict(TextChoices):
    """Every verdict of 证书查验, on the pages, in the JSON API and in its OpenAPI schema."""

    VALID = "valid", "有效"
    REVOKED = "revoked", "已撤销"
    UNKNOWN = "unknown", "未找到"
    NOT_SIGNED = "not_signed", "未签名：文件没有电子签名，不是本平台签发的文件"
    FOREIGN = "foreign", "非本平台签名：签名不是本平台的密钥所作"
    TAMPERED = "tampered", "已被篡改：签名后文件内容被改动或文件已损坏"
    NOT_PDF = "not_pdf", "不是 PDF 文件"
    TOO_COMPLEX = "too_complex", "无法核验：文件过于复杂"


# On a PDF alone, "valid" says what was checked: our signature over unchanged content. Whether
# the platform has a record of it is the record check's verdict (verify_upload).
PDF_VALID_LABEL = "有效：本平台签发，内容未被改动"


def pdf_label(verdict: str) -> str:
    """The label of a verdict on a PDF's signature alone."""
    return PDF_VALID_LABEL if verdict == Verdict.VALID else Verdict(verdict).label


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

    verdict: Verdict
    sha256: str
    message: str
    key_id: str = ""
    fingerprint: str = ""
    signer: str = ""
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def label(self) -> str:
        return pdf_label(self.verdict)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["label"] = self.label
        return data

    @classmethod
    def from_dict(cls, data: dict) -> PdfVerdict:
        """Inverse of :meth:`as_dict` (the bounded child's answer); unknown keys are ignored."""
        names = {f.name for f in fields(cls)} - {"verdict", "signatures"}
        report_names = {f.name for f in fields(SignatureReport)}
        return cls(
            verdict=Verdict(data["verdict"]),
            signatures=[
                SignatureReport(**{k: v for k, v in s.items() if k in report_names})
                for s in data.get("signatures", [])
            ],
            **{k: str(v) for k, v in data.items() if k in names},
        )


# Structure caps checked before pyHanko validates anything (a platform PDF has one or two
# signatures and a few hundred objects); memory, CPU time and output are capped by the child
# process that runs the check (approvals.sandbox).
MAX_SIGNATURES = 20
MAX_OBJECTS = 200_000
TOO_COMPLEX_MESSAGE = "文件过于复杂，无法核验（超出核验允许的结构、内存或时间上限）。"


@dataclass(frozen=True)
class TrustAnchors:
    """What the check needs from the database, as plain values (sent to the child process):
    the platform CA certificates (DER) and our signing keys by public-key fingerprint."""

    roots: tuple[bytes, ...]
    keys: dict[str, str]  # fingerprint → key_id
    # fingerprint → ISO time from which a revoked key counts as compromised
    compromised: dict[str, str] = field(default_factory=dict)
    # The moment to validate at (ISO), read from the web process's clock: the child's own
    # clock is not the one a caller (or a test travelling to 2045) means.
    validation_time: str = ""

    @property
    def moment(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.validation_time) if self.validation_time else None


def trust_anchors() -> TrustAnchors:
    roots = tuple(
        x509.load_pem_x509_certificate(ca.certificate_pem.encode()).public_bytes(
            serialization.Encoding.DER
        )
        for ca in PlatformCA.objects.all()
    )
    keys = dict(SigningKey.objects.values_list("fingerprint", "key_id"))
    compromised = {
        fingerprint: moment.isoformat()
        for fingerprint, moment in SigningKey.objects.filter(
            compromised_from__isnull=False
        ).values_list("fingerprint", "compromised_from")
    }
    return TrustAnchors(roots, keys, compromised, timezone.now().isoformat())


def _roots(anchors: TrustAnchors) -> list:
    return [asn1_x509.Certificate.load(der) for der in anchors.roots]


def _validation_context(anchors: TrustAnchors) -> ValidationContext:
    roots = _roots(anchors)
    return ValidationContext(
        trust_roots=roots,
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=anchors.moment,
    )


def _beijing(moment) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y年%m月%d日 %H:%M（北京时间）")


def verify_pdf_bytes(data: bytes) -> PdfVerdict:
    """Judge ``data``: valid · not_signed · foreign · tampered · not_pdf · too_complex.

    The check runs in a separate process with memory, CPU-time and output limits
    (``approvals.sandbox``), so no hostile file can take the web worker down with it.
    """
    from approvals import sandbox

    answer = sandbox.run_bounded(inspect_pdf_answer, data, trust_anchors())
    if answer is None:  # out of memory, CPU time or output, or killed
        return PdfVerdict(
            Verdict.TOO_COMPLEX, hashlib.sha256(data).hexdigest(), TOO_COMPLEX_MESSAGE
        )
    return PdfVerdict.from_dict(answer)


def inspect_pdf_answer(data: bytes, anchors: TrustAnchors, limits: dict) -> dict:
    """In the bounded child: :func:`inspect_pdf` as plain data (JSON, never pickled back)."""
    return inspect_pdf(data, anchors).as_dict()


def inspect_pdf(data: bytes, anchors: TrustAnchors) -> PdfVerdict:
    """The signature check itself, without the database. Never raises on bad input — every
    malformed, truncated or hostile file gets a verdict. Run it through verify_pdf_bytes."""
    sha256 = hashlib.sha256(data).hexdigest()
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        return PdfVerdict(Verdict.NOT_PDF, sha256, pdf_label(Verdict.NOT_PDF))
    if data.count(b"obj") > 2 * MAX_OBJECTS:  # "obj" and "endobj" per object
        return PdfVerdict(Verdict.TOO_COMPLEX, sha256, TOO_COMPLEX_MESSAGE)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        # Document time-stamps (PAdES B-LTA) are judged as part of each signature's
        # long-term validation, not as signatures of their own.
        embedded = []
        for sig in reader.embedded_regular_signatures:
            embedded.append(sig)
            if len(embedded) > MAX_SIGNATURES:
                return PdfVerdict(Verdict.TOO_COMPLEX, sha256, TOO_COMPLEX_MESSAGE)
    except MemoryError:
        return PdfVerdict(Verdict.TOO_COMPLEX, sha256, TOO_COMPLEX_MESSAGE)
    except Exception as exc:  # a damaged PDF can fail in many ways inside the parser
        logger.info("unreadable PDF upload: %s", exc.__class__.__name__)
        return PdfVerdict(Verdict.TAMPERED, sha256, "文件已损坏或不完整，无法读取签名。")
    if not embedded:
        return PdfVerdict(Verdict.NOT_SIGNED, sha256, pdf_label(Verdict.NOT_SIGNED))

    context = _validation_context(anchors)
    roots = _roots(anchors)
    try:
        long_term = ltv.has_document_timestamp(reader)
    except Exception:  # a damaged time-stamp field: judged below with the signature itself
        long_term = False
    reports = [
        _check_signature(sig, context, anchors, roots, long_term=long_term) for sig in embedded
    ]
    ours = [r for r in reports if r.key_id]
    primary = ours[0] if ours else reports[0]
    verdict_args = {
        "sha256": sha256,
        "key_id": primary.key_id,
        "fingerprint": primary.fingerprint,
        "signer": primary.signer,
        "signatures": reports,
    }

    def verdict(kind: Verdict, message: str = "") -> PdfVerdict:
        return PdfVerdict(kind, message=message or pdf_label(kind), **verdict_args)

    for report in reports:
        if report.problem == "damaged" or not report.intact:
            return verdict(Verdict.TAMPERED, "签名所覆盖的内容已被改动（哈希不符）。")
    for report in reports:
        if report.problem == "key_revoked":
            return verdict(Verdict.REVOKED, report.problem_message)
    for report in ours:
        if not report.valid:
            return verdict(Verdict.TAMPERED, "签名数据无效。")
        if report.problem == "modified":
            return verdict(Verdict.TAMPERED, "签名后文件又被追加修改（增量更新改动了内容）。")
    if _visible_unsigned_fields(reader):
        # pyHanko counts a new empty signature field as form filling, but one with an appearance
        # can paint over the signed content (an "overlay"): never valid.
        return verdict(Verdict.TAMPERED, "签名后被添加了可见的未签名签名域，可能遮盖了原有内容。")
    if not ours or any(not r.trusted or not r.key_id for r in reports):
        return verdict(Verdict.FOREIGN)
    return verdict(Verdict.VALID)


def _visible_unsigned_fields(reader) -> list[str]:
    """Names of unsigned signature fields whose widget has an appearance and a non-empty box."""
    from pyhanko.sign.fields import enumerate_sig_fields

    found = []
    try:
        for name, _value, ref in enumerate_sig_fields(reader, filled_status=False):
            field_dict = ref.get_object()
            widgets = [field_dict] + [k.get_object() for k in field_dict.get("/Kids", [])]
            for widget in widgets:
                rect = [float(x) for x in widget.get("/Rect", [0, 0, 0, 0])]
                if "/AP" in widget and abs(rect[2] - rect[0]) * abs(rect[3] - rect[1]) > 1:
                    found.append(str(name))
                    break
    except Exception as exc:  # a broken field tree: the signature checks above decide
        logger.info("signature fields could not be listed: %s", exc.__class__.__name__)
    return found


def _check_signature(
    sig, context: ValidationContext, anchors: TrustAnchors, roots: list, *, long_term: bool
) -> SignatureReport:
    report = SignatureReport(field_name=str(sig.field_name or ""), long_term=long_term)
    try:
        cert = sig.signer_cert
        report.signer = cert.subject.human_friendly
        public = x509.load_der_x509_certificate(cert.dump()).public_key()
        report.fingerprint = public_key_fingerprint(public)
        key_id = anchors.keys.get(report.fingerprint, "")
        compromised = anchors.compromised.get(report.fingerprint)
        compromised_from = dt.datetime.fromisoformat(compromised) if compromised else None
        claimed = ltv.signature_timestamp_time(sig)
        if long_term:
            # PAdES LTA: the time-stamps and embedded validation data prove the signature
            # valid when it was made, so it keeps validating after the signing certificate
            # expired and with no CRL endpoint reachable.
            result = ltv.validate_lta(sig, roots, at=anchors.moment)
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
    if compromised_from is not None:
        # Revoked from a date: only a time-stamp before that date keeps the signature valid.
        if claimed is None or claimed >= compromised_from:
            report.problem = "key_revoked"
            report.problem_message = (
                f"签章密钥 {key_id} 已吊销（自 {_beijing(compromised_from)} 起视为泄露），"
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
    if key_id and report.trusted:
        report.key_id = key_id
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
    "PdfVerdict",
    "Verdict",
    "SignatureReport",
    "TrustAnchors",
    "inspect_pdf",
    "verify_pdf_bytes",
]


# --- verdicts on a certificate: by number, by QR token, by upload -----------------------------

# A QR token is not a file: the same verdicts, said of a token.
TOKEN_LABELS = {
    Verdict.TAMPERED: "已被篡改：二维码令牌被篡改或伪造",
    Verdict.NOT_SIGNED: "不是有效的二维码令牌",
    Verdict.FOREIGN: "非本平台签名：二维码令牌不是本平台的密钥所签",
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

    verdict: Verdict
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
        return Verdict(self.verdict).label

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
        return Verification(Verdict.UNKNOWN, f"未找到{what}对应的证书。")
    if certificate.is_revoked:
        return Verification(
            Verdict.REVOKED, _revoked_message(certificate), certificate, certificate.document
        )
    return Verification(
        Verdict.VALID, "证书有效：由本平台签发，未被撤销。", certificate, certificate.document
    )


def verify_number(number: str) -> Verification:
    """证书查验 by certificate number."""
    return _judge_certificate(find_certificate(number), "该编号")


# A token that fails its own check: signed by an unknown key, forged, or not a token at all.
_TOKEN_VERDICTS = {
    TokenStatus.UNKNOWN_KEY: Verdict.FOREIGN,
    TokenStatus.FORGED: Verdict.TAMPERED,
    TokenStatus.MALFORMED: Verdict.NOT_SIGNED,
}


def verify_token(token: str) -> Verification:
    """证书查验 by the signed token of the QR code: signature first, then the record."""
    from approvals.crypto import tokens

    verdict = tokens.verify_token(token_from_input(token))
    if not verdict.valid:
        return Verification(
            _TOKEN_VERDICTS[verdict.status], verdict.message, key_id=verdict.key_id, subject="token"
        )
    certificate = find_certificate(str(verdict.payload.get("n", "")))
    if certificate is not None and certificate.name != verdict.payload.get("nm"):
        return Verification(
            Verdict.TAMPERED, "令牌内容与证书记录不符。", key_id=verdict.key_id, subject="token"
        )
    key = (
        SigningKey.objects.filter(key_id=verdict.key_id).only("key_id", "compromised_from").first()
    )
    if key is not None and key.compromised_from is not None:
        # A token carries no time-stamp: only a certificate recorded before the compromise
        # (its row is written after its token was signed) keeps a revoked key's token valid.
        if certificate is None or certificate.created_at >= key.compromised_from:
            return Verification(
                Verdict.REVOKED,
                f"该令牌的签章密钥已吊销（自 {_beijing(key.compromised_from)} 起视为泄露），"
                "该证书不在吊销前签发之列，不能认定为有效。",
                key_id=verdict.key_id,
                subject="token",
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
    # Only a file that ends with a complete revision (%%EOF) can be a refreshed copy; bytes
    # appended after the last revision are a change, judged below as such.
    hashes = ltv.revision_hashes(data) if data.rstrip().endswith(b"%%EOF") else [pdf.sha256]
    certificate = public_certificates().filter(pdf_sha256__in=hashes).first()
    if certificate is not None:
        result = _judge_certificate(certificate, "")
        result.sha256, result.key_id = pdf.sha256, pdf.key_id
        return result
    document = (
        ApprovalDocument.objects.public()
        .filter(pdf_sha256__in=hashes)
        .select_related("authority")
        .first()
    )
    if document is not None:
        message = "审批文件有效：由本平台签发，内容未被改动。"
        if document.status == "superseded":
            message = "审批文件由本平台签发、内容未被改动，但已被新的文件替代。"
        return Verification(Verdict.VALID, message, None, document, pdf.sha256, pdf.key_id)
    signed = _signed_original(data)
    if signed is not None:
        # The platform's signature is intact over a file we issued, with bytes added after it:
        # not "unknown" — the file was changed after signing.
        # The record is not attached: a changed file must not be shown beside valid details.
        return Verification(
            Verdict.TAMPERED,
            "签名后文件内容被改动：签名之后又追加了内容，请使用平台下载的原始文件。",
            sha256=pdf.sha256,
            key_id=pdf.key_id,
        )
    return Verification(
        Verdict.UNKNOWN,
        "签名来自本平台，但平台上没有与该文件一致的已签发记录。",
        sha256=pdf.sha256,
        key_id=pdf.key_id,
    )


EOF_MARKER = re.compile(rb"%%EOF[ \t]*(\r\n|\r|\n)?")
BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _signed_original(data: bytes) -> Certificate | ApprovalDocument | None:
    """The issued certificate or document whose file is a signed prefix of ``data``.

    A signature covers its file up to the end of its byte range, a revision ends at its
    %%EOF; whatever follows was added later. When that prefix is exactly a file the platform
    issued, ``data`` is that file with something appended.
    """
    ends = {int(m[3]) + int(m[4]) for m in BYTE_RANGE.finditer(data)}
    # An issued B-LTA file ends with a validation-data revision after its last signature: its
    # revisions' ends (%%EOF markers) are where the issued file may end, too.
    ends |= {m.end() for m in EOF_MARKER.finditer(data)}
    for end in sorted(ends, reverse=True):
        if not 0 < end < len(data):
            continue
        digest = hashlib.sha256(data[:end]).hexdigest()
        certificate = public_certificates().filter(pdf_sha256=digest).first()
        if certificate is not None:
            return certificate
        document = ApprovalDocument.objects.public().filter(pdf_sha256=digest).first()
        if document is not None:
            return document
    return None


# The person fields anyone may see on a verified certificate: what a verifier needs, never any
# character of the ID number (not even the mask), no gender or birth data.
PUBLIC_PERSON_FIELDS = (
    "name", "unit", "series", "specialty", "qualification", "level",
)  # fmt: skip


def certificate_public_data(certificate: Certificate) -> dict:
    """What anyone may see of a certificate: no ID characters, no PDF, no token."""
    return {
        "number": certificate.number,
        "status": certificate.status,
        "status_label": certificate.get_status_display(),
        **person_values(certificate, PUBLIC_PERSON_FIELDS),
        "date": certificate.date.isoformat(),
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revoked_reason": certificate.revoked_reason or None,
        "document_number": certificate.document.number,
        "authority": certificate.document.authority.name,
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
