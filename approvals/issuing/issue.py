"""Issuing an approval document and its certificates, all or nothing, resumable.

States: draft → issuing → issued. The steps and why they are safe to interrupt:

1. ``check_issuable``: every text is glyph-checked and a signing key must exist — before any
   number is taken, so a bad name costs nothing.
2. ``prepare`` (one short transaction): the document number and a contiguous block of
   certificate numbers are allocated from the locked ``DocumentCounter`` rows and written onto
   the document and its persons; status becomes *issuing*. A retry reuses these numbers.
3. The document PDF is rendered, signed and written under a content-addressed name, then
   recorded. Certificate PDFs are produced in batches (both cores for large batches): each
   file is written first, then its ``Certificate`` row is created in the batch's transaction —
   a killed worker leaves at most unreferenced files, never a row without its PDF.
4. ``finalize`` (one transaction): all certificates present → status *issued*; a superseded
   document is marked so; unreferenced files of earlier attempts are deleted.

Until step 4 the document and its certificates are invisible to the public and to verification.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from approvals.issuing.lease import lease_owner
from approvals.issuing.numbers import allocate, certificate_number
from approvals.issuing.titles import issued_title
from approvals.models import (
    ApprovalDocument,
    ApprovedPerson,
    Certificate,
    DocumentCounter,
    DocumentStatus,
    private_storage,
)
from website import identity
from website.pdf.fonts import MissingGlyphError, register_font
from website.people import copy_person, person_values

logger = logging.getLogger(__name__)

# Below this many certificates a process pool costs more than it saves.
POOL_THRESHOLD = 40
BATCH_SIZE = 50


class IssuingError(Exception):
    """Why a document cannot be issued (Chinese message for the editor)."""


# --- data for the renderers -----------------------------------------------------------------


def issuer_mark(authority) -> str:
    """发文机关标志: the authority's full name followed by 文件."""
    return f"{authority.name}文件"


def document_data(document: ApprovalDocument, number: str | None = None):
    """The renderer's dataclass for `document` (number defaults to the allocated one)."""
    from approvals.pdf.approval_document import ApprovalDocumentData

    authority = document.authority
    paragraphs = [p.strip() for p in document.body.replace("\r\n", "\n").split("\n\n")]
    persons = list(document.persons.all())
    return ApprovalDocumentData(
        issuer_mark=issuer_mark(authority),
        document_number=number or document.number or "",
        title=issued_title(document.title, persons),
        addressees=document.addressees,
        body=[" ".join(p.split("\n")) for p in paragraphs if p],
        persons=[person_row(p) for p in persons],
        date=document.date,
        issuer_name=authority.name,
        seal_text=authority.seal_name,
        seal_purpose=authority.seal_purpose,
        seal_shape=authority.seal_shape,
    )


# The person fields an approval document prints: no birth month, no part of the ID number.
DOCUMENT_ROW_FIELDS = (
    "name", "gender", "unit", "series", "specialty", "qualification", "level", "review_type",
)  # fmt: skip


def person_row(person: ApprovedPerson) -> dict:
    return {
        **person_values(person, DOCUMENT_ROW_FIELDS),
        "certificate_number": person.certificate_number or "",
    }


def verify_url(token: str = "") -> str:
    base = getattr(settings, "SITE_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    return f"{base.rstrip('/')}/verify/t/{token}" if token else f"{base.rstrip('/')}/verify/"


@dataclass
class CertificateJob:
    """Everything one certificate needs, as plain values (sent to worker processes)."""

    number: str
    person_id: int
    name: str
    gender: str
    birth_month: str  # 1985-06, worked back from the hash at issuing (never stored)
    id_number: str  # whole number for the holder's PDF when recoverable, else the mask
    id_masked: str
    unit: str
    series: str
    specialty: str
    qualification: str
    level: str
    review_type: str
    review_committee: str
    document_number: str
    date: object
    authority_name: str
    seal_text: str
    seal_purpose: str
    key_id: str
    seal_shape: str = "round"
    photo: bytes | None = None
    token_fields: dict = field(default_factory=dict)


@dataclass
class CertificateOutput:
    number: str
    person_id: int
    pdf: bytes
    token: str


# --- step 1: checks -------------------------------------------------------------------------


def check_issuable(document: ApprovalDocument) -> None:
    """Raise IssuingError unless `document` can be issued now; nothing is changed."""
    from approvals.crypto.keys import active_signing_key
    from approvals.pdf.approval_document import check_approval_document
    from approvals.pdf.certificate import check_certificate

    if document.status not in (
        DocumentStatus.DRAFT,
        DocumentStatus.SUBMITTED,
        DocumentStatus.ISSUING,
    ):
        raise IssuingError(f"文件状态为“{document.get_status_display()}”，不能签发。")
    persons = list(document.persons.all())
    if not persons:
        raise IssuingError("名单为空：请先添加通过人员。")
    if not document.body.strip():
        raise IssuingError("正文为空。")
    if not document.number and not document.authority.document_number_format.strip():
        # An imported authority gets no invented 文号 format: an editor enters the real one.
        raise IssuingError(
            f"{document.authority}尚未设置发文字号格式（如 新经开人社〔{{year}}〕{{n}}号），"
            "请先在“发文机关”中填写。"
        )
    try:
        active_signing_key(document.authority)
    except Exception as error:
        raise IssuingError(
            f"{document.authority}没有可用的签章密钥，请先运行 create_signing_key。"
        ) from error
    sample = document.number or document.authority.format_document_number(document.date.year, 1)
    try:
        check_approval_document(document_data(document, sample))
        for i, job in enumerate(build_jobs(document, persons, sample, recover_ids=False), 1):
            try:
                check_certificate(certificate_data(job, verify_url("x")))
            except MissingGlyphError as error:
                raise IssuingError(f"名单第{i}行（{job.name}）的证书：{error}") from error
    except MissingGlyphError as error:
        raise IssuingError(str(error)) from error


# --- step 2: numbers ------------------------------------------------------------------------


def prepare(document: ApprovalDocument, user=None) -> ApprovalDocument:
    """Allocate the numbers (once) and mark the document *issuing*; returns it fresh."""
    from approvals.crypto.keys import active_signing_key

    with transaction.atomic():
        doc = ApprovalDocument.objects.select_for_update().get(pk=document.pk)
        # The admin reaches this only through approvals.issuing.process.approve (submitted,
        # second person); a draft is accepted for the operator's command and the demo data.
        if doc.status in (DocumentStatus.DRAFT, DocumentStatus.SUBMITTED):
            year = doc.date.year
            authority = doc.authority
            persons = list(doc.persons.order_by("sort_order", "pk"))
            sequence = allocate(authority, year, DocumentCounter.Kind.DOCUMENT)
            first = allocate(authority, year, DocumentCounter.Kind.CERTIFICATE, len(persons))
            for offset, person in enumerate(persons):
                person.certificate_number = certificate_number(authority, year, first + offset)
            ApprovedPerson.objects.bulk_update(persons, ["certificate_number"])
            doc.year = year
            doc.sequence = sequence
            doc.number = authority.format_document_number(year, sequence)
            # The title printed (and shown on the site) names the first person and the count of
            # the list being issued, not of an earlier draft.
            doc.title = issued_title(doc.title, persons)
            doc.signing_key = active_signing_key(authority)
            doc.status = DocumentStatus.ISSUING
            doc.progress_total = len(persons)
            doc.progress_done = 0
            doc.issued_by = user if user is not None and user.pk else None
        elif doc.status != DocumentStatus.ISSUING:
            raise IssuingError(f"文件状态为“{doc.get_status_display()}”，不能签发。")
        doc.issue_error = ""
        # This run holds the issuing lease from now on (see approvals.issuing.lease).
        doc.issuing_lease_owner = lease_owner()
        doc.issuing_heartbeat_at = timezone.now()
        doc.save()
    return doc


# --- step 3: PDFs ---------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _document_dir(doc: ApprovalDocument) -> str:
    return f"approvals/documents/{doc.pk}"


def _certificate_dir(doc: ApprovalDocument) -> str:
    return f"approvals/certificates/{doc.pk}"


def ensure_document_pdf(doc: ApprovalDocument) -> None:
    """Render, sign and store the document PDF unless an earlier attempt already did."""
    from approvals.crypto.signing import sign_rendered
    from approvals.pdf.approval_document import render_approval_document

    if doc.pdf and doc.pdf_sha256:
        return
    rendered = render_approval_document(document_data(doc), draw_seal=False)
    signed = sign_rendered(rendered, doc.signing_key, reason="任职资格审批文件")
    digest = _sha256(signed)
    name = f"{_document_dir(doc)}/{doc.authority.slug}-{doc.year}-{doc.sequence}-{digest[:12]}.pdf"
    stored = default_storage.save(name, ContentFile(signed))
    ApprovalDocument.objects.filter(pk=doc.pk).update(
        pdf=stored, pdf_sha256=digest, pdf_size=len(signed)
    )
    doc.pdf.name, doc.pdf_sha256, doc.pdf_size = stored, digest, len(signed)


def _token_fields(job: CertificateJob) -> dict:
    """The certificate's essential fields carried, signed, in its QR code."""
    return dict(n=job.number, nm=job.name, q=job.qualification, l=job.level, d=f"{job.date:%Y%m%d}")


def build_jobs(
    doc: ApprovalDocument,
    persons: Iterable[ApprovedPerson],
    number: str = "",
    *,
    recover_ids: bool = True,
) -> list[CertificateJob]:
    """One job per person; `recover_ids` puts the whole ID number on the holder's PDF."""
    authority = doc.authority
    committee_name = doc.review_committee or authority.name
    jobs = []
    for person in persons:
        whole = None
        if recover_ids:
            # The whole number and so the birth month come back from hash and mask with the key
            # (about 3,500 HMACs); no birth data is stored beside the mask.
            whole = identity.full_number(person.id_hash, person.id_masked)
        photo = None
        if person.photo and recover_ids:
            with person.photo.open("rb") as handle:
                photo = handle.read()
        job = copy_person(
            CertificateJob,
            person,
            number=person.certificate_number or "TEST-0000-000000",
            person_id=person.pk,
            id_number=whole or person.id_masked,
            birth_month=identity.birth_month_of(whole),
            review_committee=committee_name,
            document_number=number or doc.number or "",
            date=doc.date,
            authority_name=authority.name,
            seal_text=authority.seal_name,
            seal_purpose=authority.seal_purpose,
            seal_shape=authority.seal_shape,
            key_id=doc.signing_key.key_id if doc.signing_key_id else "",
            photo=photo,
        )
        job.token_fields = _token_fields(job)
        jobs.append(job)
    return jobs


# The worker processes inherit this (fork): the signing key with its authority and CA already
# loaded, its decrypted private key and pyHanko signer cached, and the registered font — loaded
# once in the parent, never per certificate, and no database access in the workers.
_worker_keys: dict = {}


def _prepare_worker_key(doc: ApprovalDocument):
    from approvals.crypto.keys import load_signing_key
    from approvals.crypto.signing import get_lta_material, get_signer
    from approvals.models import SigningKey

    key = SigningKey.objects.select_related("authority", "ca").get(pk=doc.signing_key_id)
    load_signing_key(key)
    get_signer(key)
    get_lta_material(key)  # TSA key and CRL, before forked workers that have no database
    register_font()
    # The seal (the signature's appearance, glyph outlines read with fontTools) drawn once here,
    # inherited by the workers instead of drawn again in each.
    from approvals.pdf.seal import seal_pdf

    authority = doc.authority
    seal_pdf(authority.seal_name, authority.seal_purpose, authority.seal_shape)
    _worker_keys[key.key_id] = key
    return key


def birth_label(birth_month: str) -> str:
    """1985-06 → 1985年6月."""
    if not birth_month:
        return ""
    year, month = birth_month.split("-")
    return f"{year}年{int(month)}月"


def certificate_data(job: CertificateJob, url: str):
    """The certificate renderer's dataclass for `job`; `url` is what the QR code carries."""
    from approvals.pdf.certificate import CertificateData

    return CertificateData(
        certificate_number=job.number,
        name=job.name,
        gender=job.gender,
        birth=birth_label(job.birth_month),
        id_number=job.id_number,
        unit=job.unit,
        series=job.series,
        specialty=job.specialty,
        qualification=job.qualification,
        level=job.level,
        committee=job.review_committee,
        approval_number=job.document_number,
        obtained_date=job.date,
        issuer_name=job.authority_name,
        seal_text=job.seal_text,
        seal_purpose=job.seal_purpose,
        seal_shape=job.seal_shape,
        issue_date=job.date,
        photo=job.photo,
        verify_url=url,
        verify_address=verify_url(),
    )


def produce_certificate(job: CertificateJob) -> CertificateOutput:
    """Render and sign one certificate (no database access: runs in worker processes too)."""
    from approvals.crypto.signing import sign_rendered
    from approvals.crypto.tokens import sign_token
    from approvals.pdf.certificate import render_certificate

    key = _worker_keys[job.key_id]
    token = sign_token(job.token_fields, key)
    data = certificate_data(job, verify_url(token))
    rendered = render_certificate(data, draw_seal=False)
    pdf = sign_rendered(rendered, key, reason="职称电子证书")
    return CertificateOutput(number=job.number, person_id=job.person_id, pdf=pdf, token=token)


def _run_jobs(jobs: list[CertificateJob], workers: int):
    """Yield outputs in batches; a process pool (fork) for large batches on several cores."""
    if workers > 1 and len(jobs) >= POOL_THRESHOLD:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for start in range(0, len(jobs), BATCH_SIZE):
                chunk = jobs[start : start + BATCH_SIZE]
                yield list(pool.map(produce_certificate, chunk, chunksize=4))
    else:
        for start in range(0, len(jobs), BATCH_SIZE):
            yield [produce_certificate(job) for job in jobs[start : start + BATCH_SIZE]]


def _store_batch(doc: ApprovalDocument, outputs: list[CertificateOutput]) -> None:
    """Write the files, then create their rows in one transaction (files first: see module doc)."""
    stored = []
    for out in outputs:
        digest = _sha256(out.pdf)
        name = private_storage().save(
            f"{_certificate_dir(doc)}/{out.number}-{digest[:12]}.pdf", ContentFile(out.pdf)
        )
        stored.append((out, name, digest))
    with transaction.atomic():
        locked = ApprovalDocument.objects.select_for_update().get(pk=doc.pk)
        if locked.status != DocumentStatus.ISSUING:
            raise IssuingError("文件已不在签发中状态，停止生成证书。")
        persons = {
            p.pk: p
            for p in ApprovedPerson.objects.filter(
                pk__in=[out.person_id for out, _n, _d in stored], certificate__isnull=True
            )
        }
        rows = []
        for out, name, digest in stored:
            person = persons.get(out.person_id)
            if person is None:  # another run got there first; its file is cleaned up later
                continue
            rows.append(
                copy_person(
                    Certificate,
                    person,
                    number=out.number,
                    document=doc,
                    person=person,
                    date=doc.date,
                    photo=person.photo.name if person.photo else "",
                    pdf=name,
                    pdf_sha256=digest,
                    pdf_size=len(out.pdf),
                    token=out.token,
                    signing_key=doc.signing_key,
                )
            )
        Certificate.objects.bulk_create(rows)
        done = Certificate.objects.filter(document=doc).count()
        # The heartbeat of the lease: one per batch; a run that stops beating is resumed.
        ApprovalDocument.objects.filter(pk=doc.pk).update(
            progress_done=done, issuing_heartbeat_at=timezone.now()
        )
        doc.progress_done = done


def produce_certificates(doc: ApprovalDocument, workers: int | None = None) -> None:
    """Create the missing certificates of `doc`, batch by batch."""
    pending = list(doc.persons.filter(certificate__isnull=True).order_by("sort_order", "pk"))
    if not pending:
        return
    _prepare_worker_key(doc)
    workers = workers if workers is not None else default_workers()
    for outputs in _run_jobs(build_jobs(doc, pending), workers):
        _store_batch(doc, outputs)


def default_workers() -> int:
    configured = getattr(settings, "APPROVALS_ISSUE_WORKERS", None)
    return int(configured) if configured else (os.cpu_count() or 1)


# --- step 4: finalize -----------------------------------------------------------------------


def summary_text(doc: ApprovalDocument) -> str:
    """共 12 人取得任职资格：工程师 8 人、助理工程师 4 人."""
    counts: dict[str, int] = {}
    for qualification in doc.persons.values_list("qualification", flat=True):
        counts[qualification] = counts.get(qualification, 0) + 1
    total = sum(counts.values())
    parts = "、".join(f"{q} {n} 人" for q, n in counts.items())
    return f"共 {total} 人取得任职资格：{parts}。"


def finalize(doc: ApprovalDocument, user=None) -> ApprovalDocument:
    """Flip to *issued* once every person has a certificate and the PDF exists."""
    from wagtail.log_actions import log

    with transaction.atomic():
        locked = ApprovalDocument.objects.select_for_update().get(pk=doc.pk)
        if locked.status == DocumentStatus.ISSUED:
            return locked
        missing = locked.persons.filter(certificate__isnull=True).count()
        if missing or not locked.pdf_sha256:
            raise IssuingError(f"仍有 {missing} 份证书未生成，不能完成签发。")
        locked.status = DocumentStatus.ISSUED
        locked.issued_at = timezone.now()
        if user is not None and user.pk:
            locked.issued_by = user
        locked.summary = summary_text(locked)
        locked.progress_done = locked.progress_total
        locked.issue_error = ""
        locked.issuing_lease_owner = ""
        locked.issuing_heartbeat_at = None
        # This save, with the status issued and every person in place, puts the final
        # document into the site search index (Wagtail's post_save handler).
        locked.save()
        if locked.supersedes_id:
            ApprovalDocument.objects.filter(
                pk=locked.supersedes_id, status=DocumentStatus.ISSUED
            ).update(status=DocumentStatus.SUPERSEDED)
        log(instance=locked, action="approvals.issue", user=locked.issued_by)
    if locked.supersedes_id:
        # update() sends no post_save: re-index the old document so search marks it superseded.
        from modelsearch.index import insert_or_update_object

        insert_or_update_object(ApprovalDocument.objects.get(pk=locked.supersedes_id))
    _remove_unreferenced_files(locked)
    return locked


def _remove_unreferenced_files(doc: ApprovalDocument) -> None:
    """Delete PDFs left by interrupted attempts (written but never recorded)."""
    referenced = set(Certificate.objects.filter(document=doc).values_list("pdf", flat=True))
    _prune(private_storage(), _certificate_dir(doc), referenced)
    _prune(default_storage, _document_dir(doc), {doc.pdf.name})


def _prune(storage, directory: str, keep: set[str]) -> None:
    try:
        _dirs, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for filename in files:
        name = f"{directory}/{filename}"
        if name not in keep:
            storage.delete(name)


# --- the whole thing ------------------------------------------------------------------------


def issue_approval(
    document: ApprovalDocument, user=None, *, workers: int | None = None
) -> ApprovalDocument:
    """Issue `document` (or resume an interrupted issuance); return it, now *issued*.

    Raises IssuingError (Chinese message) when it cannot be issued; any other failure leaves
    the document *issuing* with the error recorded, and calling this again completes it.
    """
    check_issuable(document)
    doc = prepare(document, user)
    try:
        ensure_document_pdf(doc)
        produce_certificates(doc, workers)
        return finalize(doc, user)
    except Exception as error:
        ApprovalDocument.objects.filter(pk=doc.pk).update(issue_error=str(error)[:2000])
        raise
