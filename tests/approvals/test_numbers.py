"""Number allocation: per authority and year, contiguous blocks, never twice — also under
concurrent issuance on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from approvals.issuing.numbers import allocate, certificate_number
from approvals.models import DocumentCounter

from .helpers import concurrent_on_postgresql, signing_authority


@pytest.mark.django_db
def test_allocate_counts_per_authority_year_and_kind(authority):
    from website.models import Authority

    other = Authority.objects.get(slug="urumqi")
    with transaction.atomic():
        assert allocate(authority, 2024, "document") == 1
        assert allocate(authority, 2024, "document") == 2
        assert allocate(authority, 2025, "document") == 1
        assert allocate(other, 2024, "document") == 1
        assert allocate(authority, 2024, "certificate", 10) == 1
        assert allocate(authority, 2024, "certificate", 5) == 11
    assert (
        DocumentCounter.objects.get(authority=authority, year=2024, kind="certificate").last == 15
    )


@pytest.mark.django_db
def test_rolled_back_allocation_leaves_no_gap(authority):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            allocate(authority, 2024, "document")
            raise RuntimeError
    with transaction.atomic():
        assert allocate(authority, 2024, "document") == 1


def test_certificate_number_format():
    class A:
        slug = "toutunhe"

    assert certificate_number(A, 2024, 127) == "TOUTUNHE-2024-000127"


@concurrent_on_postgresql("并发分配需要 PostgreSQL 的行锁（SQLite 整库串行写入，无从并发）。")
def test_concurrent_issuance_on_postgresql():
    """Six threads issue documents at once: numbers unique, each document's block contiguous."""
    from approvals.issuing.issue import issue_approval
    from approvals.models import ApprovalDocument, Certificate

    from .helpers import make_document

    authority = signing_authority()
    documents = [make_document(authority, 3, title=f"文件{i}") for i in range(6)]
    barrier = threading.Barrier(len(documents))
    errors = []

    def run(document_id):
        try:
            barrier.wait()
            issue_approval(ApprovalDocument.objects.get(pk=document_id), workers=1)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(d.pk,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = list(ApprovalDocument.objects.values_list("sequence", flat=True))
    assert sorted(numbers) == list(range(1, 7))
    all_certs = list(Certificate.objects.values_list("number", flat=True))
    assert len(all_certs) == len(set(all_certs)) == 18
    for document in ApprovalDocument.objects.all():
        seqs = sorted(
            int(n.rsplit("-", 1)[1]) for n in document.certificates.values_list("number", flat=True)
        )
        assert seqs == list(range(seqs[0], seqs[0] + 3))  # no gap within a document
