"""Issuing: numbers, signed PDFs, one certificate per person, all or nothing, resumable."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader

from approvals.issuing import issue as issuing
from approvals.issuing.issue import IssuingError, issue_approval
from approvals.models import (
    ApprovalDocument,
    ApprovedPerson,
    Certificate,
    DocumentStatus,
    private_storage,
)

from .helpers import id_number, make_document

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_issue_creates_number_pdf_and_certificates(authority, signing_key, admin_user):
    document = make_document(authority, 3)

    issued = issue_approval(document, admin_user)

    assert issued.status == DocumentStatus.ISSUED
    assert issued.number == "新经开人社〔2024〕1号"
    assert (issued.year, issued.sequence) == (2024, 1)
    assert issued.issued_by == admin_user and issued.issued_at is not None
    assert issued.signing_key == signing_key
    data = issued.pdf.read()
    assert hashlib.sha256(data).hexdigest() == issued.pdf_sha256
    assert issued.pdf_size == len(data)
    text = pdf_text(data).replace(" ", "")
    assert issued.number in text and "王小明" in text and "李华" in text and "张伟" in text
    assert issued.summary == "共 3 人取得任职资格：工程师 3 人。"
    assert issued.progress_done == issued.progress_total == 3

    certificates = list(issued.certificates.order_by("number"))
    assert [c.number for c in certificates] == [
        "TOUTUNHE-2024-000001",
        "TOUTUNHE-2024-000002",
        "TOUTUNHE-2024-000003",
    ]
    first = certificates[0]
    whole = id_number(1)
    assert first.name == "王小明" and first.id_masked == f"650102********{whole[-4:]}"
    with private_storage().open(first.pdf.name, "rb") as handle:
        cert_pdf = handle.read()
    assert hashlib.sha256(cert_pdf).hexdigest() == first.pdf_sha256
    cert_text = pdf_text(cert_pdf).replace(" ", "")
    assert "TOUTUNHE-2024-000001" in cert_text and "王小明" in cert_text
    # The holder's own PDF carries the whole ID number (recovered, never stored).
    assert whole in cert_text
    assert first.token and "." in first.token


def test_certificate_token_verifies(authority, signing_key):
    from approvals.crypto.tokens import verify_token

    issued = issue_approval(make_document(authority, 1))
    verdict = verify_token(issued.certificates.get().token)
    assert verdict.valid
    assert verdict.payload["n"] == "TOUTUNHE-2024-000001"
    assert verdict.payload["nm"] == "王小明"


def test_missing_glyph_stops_before_any_number(authority, signing_key):
    document = make_document(authority, 2)
    # A private-use character (a mis-encoded name): no font has it.
    ApprovedPerson.objects.filter(document=document, sort_order=1).update(name="王\ue000")

    with pytest.raises(IssuingError) as error:
        issue_approval(document)

    assert "U+E000" in str(error.value)
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT and document.number is None
    assert not Certificate.objects.exists()
    # The number was not consumed: the next document still gets 1号.
    ApprovedPerson.objects.filter(document=document, sort_order=1).update(name="王迪")
    assert issue_approval(document).number == "新经开人社〔2024〕1号"


def test_empty_list_is_refused(authority, signing_key):
    document = make_document(authority, 0)
    with pytest.raises(IssuingError, match="名单为空"):
        issue_approval(document)


def test_authority_without_number_format_is_refused_and_nothing_numbered(authority, signing_key):
    """An imported authority has no 文号 format until an editor enters it: no empty 文号."""
    authority.document_number_format = ""
    authority.save()
    document = make_document(authority, 1)
    with pytest.raises(IssuingError, match="尚未设置发文字号格式"):
        issue_approval(document)
    document.refresh_from_db()
    assert not document.number and document.status == "draft"


def test_issued_document_cannot_be_issued_again(authority, signing_key):
    issued = issue_approval(make_document(authority, 1))
    with pytest.raises(IssuingError, match="已签发"):
        issue_approval(issued)
    assert Certificate.objects.count() == 1


def test_failure_part_way_leaves_nothing_issued_and_retry_completes(
    authority, signing_key, monkeypatch
):
    document = make_document(authority, 5)
    real = issuing.produce_certificate
    calls = {"n": 0}

    def flaky(job):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("worker killed")
        return real(job)

    monkeypatch.setattr(issuing, "produce_certificate", flaky)
    monkeypatch.setattr(issuing, "BATCH_SIZE", 2)

    with pytest.raises(RuntimeError):
        issue_approval(document)

    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUING  # not issued, not public
    assert document.issue_error == "worker killed"
    assert document.number == "新经开人社〔2024〕1号"
    assert document.progress_done == 2
    # Every certificate row that exists has its signed PDF.
    for certificate in Certificate.objects.all():
        assert private_storage().exists(certificate.pdf.name)
    assert not Certificate.objects.public().exists()

    monkeypatch.setattr(issuing, "produce_certificate", real)
    issued = issue_approval(document)

    assert issued.status == DocumentStatus.ISSUED
    assert issued.number == "新经开人社〔2024〕1号"  # same number, none consumed by the retry
    numbers = sorted(issued.certificates.values_list("number", flat=True))
    assert numbers == [f"TOUTUNHE-2024-{i:06d}" for i in range(1, 6)]
    # The files written by the failed batch but never recorded are gone.
    _dirs, files = private_storage().listdir(f"approvals/certificates/{issued.pk}")
    assert sorted(files) == sorted(
        n.rsplit("/", 1)[1] for n in issued.certificates.values_list("pdf", flat=True)
    )


def test_killed_after_files_written_before_rows(authority, signing_key, monkeypatch):
    """A worker killed between writing the files and recording them: retry finishes cleanly."""
    document = make_document(authority, 3)
    real_store = issuing._store_batch

    def die_after_files(doc, outputs):
        for out in outputs:
            private_storage().save(
                f"approvals/certificates/{doc.pk}/{out.number}-orphan.pdf", io.BytesIO(out.pdf)
            )
        raise KeyboardInterrupt  # like SIGKILL: nothing after this line runs

    monkeypatch.setattr(issuing, "_store_batch", die_after_files)
    with pytest.raises(KeyboardInterrupt):
        issue_approval(document)
    assert Certificate.objects.count() == 0
    monkeypatch.setattr(issuing, "_store_batch", real_store)

    issued = issue_approval(document)
    assert issued.certificates.count() == 3
    _dirs, files = private_storage().listdir(f"approvals/certificates/{issued.pk}")
    assert not [f for f in files if "orphan" in f]


def test_superseding_document_marks_old_one(authority, signing_key):
    old = issue_approval(make_document(authority, 1))
    correction = make_document(authority, 1, title="关于更正的通知", supersedes=old)
    issue_approval(correction)
    old.refresh_from_db()
    assert old.status == DocumentStatus.SUPERSEDED
    assert ApprovalDocument.objects.get(pk=correction.pk).number == "新经开人社〔2024〕2号"


def test_task_runs_issuance(authority, signing_key, admin_user):
    from approvals.issuing.tasks import issue_approval_task

    document = make_document(authority, 2)
    result = issue_approval_task.enqueue(document.pk, admin_user.pk)
    assert result.return_value == "新经开人社〔2024〕1号"
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED and document.issued_by == admin_user


def test_process_pool_path(authority, signing_key, monkeypatch):
    monkeypatch.setattr(issuing, "POOL_THRESHOLD", 2)
    issued = issue_approval(make_document(authority, 4), workers=2)
    assert issued.certificates.count() == 4
    for certificate in issued.certificates.all():
        with private_storage().open(certificate.pdf.name, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == certificate.pdf_sha256


def test_title_count_and_certificate_numbers_follow_the_issued_list(authority, signing_key):
    document = make_document(authority, 3, title="关于王小明等3名同志取得工程师资格的通知")
    document.persons.filter(sort_order=0).delete()

    issued = issue_approval(document)

    assert issued.title == "关于李华等2名同志取得工程师资格的通知"
    text = pdf_text(issued.pdf.read()).replace(" ", "").replace("\n", "")
    assert "关于李华等2名同志" in text and "王小明" not in text
    # Each holder finds their certificate number in the approval document's list.
    for certificate in issued.certificates.all():
        assert certificate.number in text


def test_issued_pdf_uses_the_authoritys_own_seal_shape(authority, signing_key):
    from pyhanko.pdf_utils.reader import PdfFileReader

    authority.seal_shape = "oval"
    authority.seal_text = ""
    authority.save()
    issued = issue_approval(make_document(authority, 1))
    reader = PdfFileReader(io.BytesIO(issued.pdf.read()))
    # B-LTA: the seal signature plus a document time-stamp (which has no visible box).
    (signature,) = reader.embedded_regular_signatures
    field = signature.sig_field
    rect = field["/Rect"] if "/Rect" in field else field["/Kids"][0]["/Rect"]
    x1, y1, x2, y2 = (float(v) for v in rect)
    assert round(x2 - x1) == 128 and round(y2 - y1) == 85  # 45 × 30 mm
