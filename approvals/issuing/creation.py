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

from approvals.issuing.titles import default_title, issued_title
from approvals.models import ApprovalDocument, ApprovedPerson
from publicity import roster
from website.pdf.fonts import missing_characters
from website.people import copy_person


class CreationError(Exception):
    """Why a document cannot be created from this source (Chinese message)."""


DEFAULT_BODY = (
    "经{committee}评审，并经公示无异议，下列同志取得相应专业技术职务任职资格，"
    "资格取得时间自本文件成文之日起计算。\n\n特此通知。"
)


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
            title=default_title(entries),
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
    """An ApprovedPerson from a publicity entry (hash and mask; no birth data is stored)."""
    return copy_person(ApprovedPerson, entry, document=document, sort_order=sort_order)


def ended_publicity_pages():
    """Publicity pages whose period has ended, newest first (for the admin's choice)."""
    from publicity.models import PublicityPage

    return list(PublicityPage.objects.ended().select_related("authority").order_by("-end_date"))


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


def create_from_rows(header: DocumentHeader, rows: list[roster.RosterRow]) -> ApprovalDocument:
    """A draft document listing `rows` (already checked by ``check_roster``), in file order."""
    if not rows:
        raise CreationError("名单中没有“是否通过”为“是”的有效行，未创建审批文件。")
    committee = header.review_committee.strip() or header.authority.name
    with transaction.atomic():
        document = ApprovalDocument.objects.create(
            authority=header.authority,
            title=issued_title(header.title, rows),
            addressees=header.addressees,
            body=DEFAULT_BODY.format(committee=committee),
            date=header.date,
            review_committee=header.review_committee.strip(),
        )
        ApprovedPerson.objects.bulk_create(
            [person_from_row(document, row, i) for i, row in enumerate(rows)]
        )
    return document


def create_from_roster(
    header: DocumentHeader,
    data: bytes,
    filename: str = "",
    *,
    series: str = "",
    specialty: str = "",
    only_valid: bool = False,
) -> tuple[ApprovalDocument, roster.RosterResult]:
    """Check the file and create the draft: all rows clean, or the valid ones when asked.

    Raises ``RosterRowsError`` (carrying the result) when a row is invalid and `only_valid` is
    false, ``publicity.roster.RosterFileError`` for an unreadable upload and ``CreationError``
    when no valid row is left. Nothing is saved in any of those cases.
    """
    result = check_roster(data, filename, series=series, specialty=specialty)
    if not result.is_clean and not only_valid:
        raise RosterRowsError(result)
    return create_from_rows(header, result.rows), result


class RosterRowsError(CreationError):
    """Some rows are invalid and the editor did not ask for the valid rows only."""

    def __init__(self, result: roster.RosterResult):
        self.result = result
        super().__init__(f"名单文件有 {len(result.errors)} 行有误，未创建审批文件。")


def person_from_row(document: ApprovalDocument, row: roster.RosterRow, sort_order: int):
    """An ApprovedPerson from a roster row, mapped as ``person_from_entry`` maps an entry."""
    return copy_person(ApprovedPerson, row, document=document, sort_order=sort_order)
