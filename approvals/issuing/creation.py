"""Creating draft approval documents from an ended publicity or from a roster file.

A roster file (申报人员花名册, XLSX or CSV) is read by the publicity app's parser
(``publicity.roster.parse_roster``): the same columns, ID checks, level rules and upload checks
as a publicity import. On top of those, every field the PDFs draw must be drawable by the
embedded font, and each person needs a series and a specialty (the file's 系列/专业 columns or
the form's defaults).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from approvals.issuing import duplicates
from approvals.issuing.titles import default_title, issued_title
from approvals.models import ApprovalDocument, ApprovedPerson, DocumentStatus
from publicity import integrity, roster
from publicity.models import Objection, ObjectionStatus
from website.pdf.fonts import missing_characters
from website.people import copy_person


class CreationError(Exception):
    """Why a document cannot be created from this source (Chinese message)."""


DEFAULT_BODY = (
    "经{committee}评审，并经公示无异议，下列同志取得相应专业技术职务任职资格，"
    "资格取得时间自本文件成文之日起计算。\n\n特此通知。"
)
# A roster file is not a publicity: the text says only what happened (no 「经公示」).
ROSTER_BODY = (
    "经{committee}评审通过，下列同志取得相应专业技术职务任职资格，"
    "资格取得时间自本文件成文之日起计算。\n\n特此通知。"
)


def _log(document, action: str, user, **data) -> None:
    from wagtail.log_actions import log

    log(instance=document, action=action, user=user, data=data)


def documents_from(publicity):
    """Documents made from `publicity` that still count: not superseded by a correction."""
    return ApprovalDocument.objects.filter(source_publicity=publicity).exclude(
        status=DocumentStatus.SUPERSEDED
    )


def create_from_publicity(
    publicity, *, date: dt.date | None = None, user=None, supersedes=None
) -> ApprovalDocument:
    """A draft document listing the publicity's approved entries.

    Refused unless the names were public for the whole period (see
    ``publicity.integrity.document_problems``: ended, live from before its start to its end, no
    open objection), when the publicity already yielded a document (other than the one a
    correction `supersedes`), or when someone on it already holds a valid certificate for the
    same qualification and level.
    """
    problems = integrity.document_problems(publicity)
    if problems:
        raise CreationError(f"公示“{publicity.title}”不能据此起草审批文件：" + "；".join(problems))
    entries = list(publicity.approved_entries())
    if not entries:
        raise CreationError(f"公示“{publicity.title}”没有可审批的人员。")
    try:
        duplicates.check(entries)
    except duplicates.DuplicateError as error:
        raise CreationError(str(error)) from error
    committee = getattr(publicity, "review_committee", "") or publicity.authority.name
    with transaction.atomic():
        # Lock the publicity's row: two editors creating at once get one document.
        type(publicity).objects.select_for_update().filter(pk=publicity.pk).exists()
        existing = documents_from(publicity)
        if supersedes is not None:
            existing = existing.exclude(pk=supersedes.pk)
        earlier = existing.first()
        if earlier is not None:
            raise CreationError(
                f"公示“{publicity.title}”已起草审批文件“{earlier}”；一次公示只能形成一份审批文件"
                "（如需更正，请对已签发文件新建替代文件）。"
            )
        document = ApprovalDocument.objects.create(
            authority=publicity.authority,
            title=default_title(entries),
            addressees="各有关单位",
            body=DEFAULT_BODY.format(committee=committee),
            date=date or dt.date.today(),
            review_committee=committee,
            source_publicity=publicity,
            supersedes=supersedes,
        )
        ApprovedPerson.objects.bulk_create(
            [person_from_entry(document, entry, i) for i, entry in enumerate(entries)]
        )
        _log(document, "approvals.create_from_publicity", user, publicity=publicity.pk)
    return document


def left_out(document: ApprovalDocument) -> list[tuple[str, str]]:
    """Who of the source publicity is not on the document, and why: (name, reason)."""
    publicity = document.source_publicity
    if publicity is None:
        return []
    publicity = publicity.specific
    listed = set(document.persons.values_list("id_hash", flat=True))
    result = []
    for entry in publicity.entries.prefetch_related("objections").order_by("sort_order", "pk"):
        if entry.id_hash in listed:
            continue
        objections = list(entry.objections.all())
        upheld = [o for o in objections if o.status == ObjectionStatus.UPHELD]
        open_ = [o for o in objections if o.status in Objection.OPEN_STATUSES]
        if entry.excluded and upheld:
            notes = "；".join(o.notes for o in upheld if o.notes)
            reason = f"异议成立（{upheld[0].confirmation_number}）" + (
                f"：{notes}" if notes else ""
            )
        elif entry.excluded:
            reason = "已排除"
        elif open_:
            reason = f"异议待处理（{open_[0].confirmation_number}）"
        else:
            reason = "未列入（起草后从名单中删除）"
        result.append((entry.name, reason))
    return result


def person_from_entry(document: ApprovalDocument, entry, sort_order: int) -> ApprovedPerson:
    """An ApprovedPerson from a publicity entry (hash and mask; no birth data is stored)."""
    return copy_person(ApprovedPerson, entry, document=document, sort_order=sort_order)


def ended_publicity_pages():
    """Publicity pages whose period has ended and that have not yielded a document yet,
    newest first (for the admin's choice)."""
    from publicity.models import PublicityPage

    used = documents_from_any()
    pages = PublicityPage.objects.ended().select_related("authority").order_by("-end_date")
    return list(pages.exclude(pk__in=used))


def documents_from_any():
    return (
        ApprovalDocument.objects.exclude(status=DocumentStatus.SUPERSEDED)
        .filter(source_publicity__isnull=False)
        .values("source_publicity_id")
    )


# --- from a roster file ----------------------------------------------------------------------

# Person fields printed on the approval document and the certificates, with their column names.
_DRAWN_FIELDS = {
    "name": "姓名",
    "unit": "工作单位",
    "qualification": "拟晋升专业技术职务",
    "series": "系列",
    "specialty": "专业",
}


@dataclass
class DocumentHeader:
    """What the editor types for a document made from a roster file."""

    authority: object
    date: dt.date
    title: str = ""
    addressees: str = "各有关单位"
    review_committee: str = ""


def check_roster(
    data: bytes, filename: str = "", *, series: str = "", specialty: str = ""
) -> roster.RosterResult:
    """Parse a roster file and add the approval-specific row errors; nothing is saved.

    Raises ``publicity.roster.RosterFileError`` (Chinese message) for an unreadable upload: too
    large, not a spreadsheet, no header. Row errors are in ``result.errors`` with the row number
    the spreadsheet shows, sorted by row.
    """
    result = roster.parse_roster(data, filename, series=series, specialty=specialty)
    valid: list[roster.RosterRow] = []
    for row in result.rows:
        reasons = []
        if not row.series:
            reasons.append("缺少系列（请增加“系列”列或在表单中填写）")
        if not row.specialty:
            reasons.append("缺少专业（请增加“专业”列或在表单中填写）")
        for field_name, label in _DRAWN_FIELDS.items():
            value = getattr(row, field_name)
            limit = ApprovedPerson._meta.get_field(field_name).max_length
            if len(value) > limit:
                reasons.append(f"{label}超过{limit}个字")
            missing = missing_characters(value)
            if missing:
                reasons.append(
                    f"{label}中的“{'”“'.join(missing)}”无法用证书字体显示，"
                    "请改用通用汉字或联系管理员补充字体"
                )
        if reasons:
            result.errors.append(roster.RosterError(row.row_number, "；".join(reasons)))
        else:
            valid.append(row)
    result.rows = valid
    result.errors.sort(key=lambda error: error.row_number)
    return result


def create_from_rows(
    header: DocumentHeader, rows: list[roster.RosterRow], *, user=None
) -> ApprovalDocument:
    """A draft document listing `rows` (already checked by ``check_roster``), in file order.

    Its body says the persons passed review, not that they were publicised; it goes through the
    same submit → second-person approval as any document.
    """
    if not rows:
        raise CreationError("名单中没有“是否通过”为“是”的有效行，未创建审批文件。")
    try:
        duplicates.check(rows)
    except duplicates.DuplicateError as error:
        raise CreationError(str(error)) from error
    committee = header.review_committee.strip() or header.authority.name
    with transaction.atomic():
        document = ApprovalDocument.objects.create(
            authority=header.authority,
            title=issued_title(header.title, rows),
            addressees=header.addressees,
            body=ROSTER_BODY.format(committee=committee),
            date=header.date,
            review_committee=header.review_committee.strip(),
        )
        ApprovedPerson.objects.bulk_create(
            [person_from_row(document, row, i) for i, row in enumerate(rows)]
        )
        _log(document, "approvals.create_from_roster", user, persons=len(rows))
    return document


def create_from_roster(
    header: DocumentHeader, data: bytes, *, series: str = "", specialty: str = ""
) -> tuple[ApprovalDocument, roster.RosterResult]:
    """Check the file (XLSX or CSV, told apart by its bytes) and create the draft when every row
    is clean; the admin's 「只用有效行」 goes through ``check_roster`` and ``create_from_rows``.

    Raises ``RosterRowsError`` (carrying the result) when a row is invalid,
    ``publicity.roster.RosterFileError`` for an unreadable upload and ``CreationError`` when no
    valid row is left. Nothing is saved in any of those cases.
    """
    result = check_roster(data, series=series, specialty=specialty)
    if not result.is_clean:
        raise RosterRowsError(result)
    return create_from_rows(header, result.rows), result


class RosterRowsError(CreationError):
    """Some rows are invalid (``create_from_roster`` takes a clean file only)."""

    def __init__(self, result: roster.RosterResult):
        self.result = result
        super().__init__(f"名单文件有 {len(result.errors)} 行有误，未创建审批文件。")


def person_from_row(document: ApprovalDocument, row: roster.RosterRow, sort_order: int):
    """An ApprovedPerson from a roster row, mapped as ``person_from_entry`` maps an entry."""
    return copy_person(ApprovedPerson, row, document=document, sort_order=sort_order)
