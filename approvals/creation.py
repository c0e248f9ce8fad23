"""Creating draft approval documents from an ended publicity (or a roster of rows)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from . import identity
from .models import ApprovalDocument, ApprovedPerson


class CreationError(Exception):
    """Why a document cannot be created from this source (Chinese message)."""


DEFAULT_BODY = (
    "经{committee}评审，并经公示无异议，下列同志取得相应专业技术职务任职资格，"
    "资格取得时间自本文件成文之日起计算。\n\n特此通知。"
)


def default_title(names: list[str]) -> str:
    if not names:
        return "关于取得专业技术职务任职资格的通知"
    if len(names) == 1:
        return f"关于{names[0]}同志取得专业技术职务任职资格的通知"
    return f"关于{names[0]}等{len(names)}名同志取得专业技术职务任职资格的通知"


def create_from_publicity(publicity, *, date: dt.date | None = None) -> ApprovalDocument:
    """A draft document listing the publicity's approved entries (no pending objection).

    Refused while the publicity runs: objections may still come in.
    """
    if not publicity.has_ended:
        raise CreationError(f"公示“{publicity.title}”尚未结束，期满后才能据此起草审批文件。")
    entries = list(publicity.approved_entries())
    if not entries:
        raise CreationError(f"公示“{publicity.title}”没有可审批的人员。")
    committee = getattr(publicity, "review_committee", "") or publicity.authority.name
    with transaction.atomic():
        document = ApprovalDocument.objects.create(
            authority=publicity.authority,
            title=default_title([e.name for e in entries]),
            addressees="各有关单位",
            body=DEFAULT_BODY.format(committee=committee),
            date=date or dt.date.today(),
            review_committee=committee,
            source_publicity=publicity,
        )
        ApprovedPerson.objects.bulk_create(
            [person_from_entry(document, entry, i) for i, entry in enumerate(entries)]
        )
    return document


def person_from_entry(document: ApprovalDocument, entry, sort_order: int) -> ApprovedPerson:
    """An ApprovedPerson from a publicity entry; the birth month is recovered from the hash."""
    birth = identity.recover_birth_date(entry.id_hash, entry.id_masked)
    return ApprovedPerson(
        document=document,
        sort_order=sort_order,
        name=entry.name,
        gender=entry.gender,
        birth_month=birth.strftime("%Y-%m") if birth else "",
        unit=entry.unit,
        series=entry.series,
        specialty=entry.specialty,
        qualification=entry.qualification,
        level=entry.level,
        review_type=entry.review_type,
        id_hash=entry.id_hash,
        id_masked=entry.id_masked,
    )


def ended_publicity_pages():
    """Publicity pages whose period has ended, newest first (for the admin's choice)."""
    from publicity.models import PublicityPage

    pages = PublicityPage.objects.select_related("authority").order_by("-end_date")
    return [page for page in pages if page.has_ended]
