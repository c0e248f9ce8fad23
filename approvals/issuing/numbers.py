"""Number allocation for approval documents (文号) and certificates (证书编号)."""

from __future__ import annotations

from django.db import transaction

from approvals.models import DocumentCounter


def allocate(authority, year: int, kind: str, count: int = 1) -> int:
    """Reserve `count` consecutive numbers for (authority, year, kind); return the first.

    Must run inside the caller's ``transaction.atomic()``: the counter row stays locked
    (``SELECT … FOR UPDATE``) until that transaction ends, so concurrent issuers wait for each
    other and a rolled-back issuance gives its numbers back instead of leaving a gap.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside transaction.atomic()")
    # INSERT … ON CONFLICT DO NOTHING: two first issuers of a year do not race on creating the row.
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(authority=authority, year=year, kind=kind, last=0)],
        ignore_conflicts=True,
    )
    counter = DocumentCounter.objects.select_for_update().get(
        authority=authority, year=year, kind=kind
    )
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first


def certificate_number(authority, year: int, sequence: int) -> str:
    """TOUTUNHE-2024-000127: the authority's slug in capitals, the year, six digits."""
    return f"{authority.slug.upper()}-{year}-{sequence:06d}"
