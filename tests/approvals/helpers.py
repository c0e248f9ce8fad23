"""Builders for approval documents in tests (plain functions; fixtures live in each module)."""

from __future__ import annotations

import datetime as dt

from approvals.models import ApprovalDocument, ApprovedPerson
from website.identity import check_digit, from_id_number

NAMES = ["王小明", "李华", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏"]


def id_number(i: int, birth: str = "19850612") -> str:
    """A valid GB 11643 number, different for each i."""
    first17 = f"650102{birth}{i % 1000:03d}"
    return first17 + check_digit(first17)


def make_document(
    authority,
    n: int = 3,
    *,
    title: str = "关于王小明等同志取得工程师资格的通知",
    date: dt.date = dt.date(2024, 9, 1),
    **extra,
) -> ApprovalDocument:
    """A draft document with `n` persons (valid ID numbers, hashed and masked)."""
    document = ApprovalDocument.objects.create(
        authority=authority,
        title=title,
        addressees="区属各企业",
        body="经评审委员会评审，下列同志取得相应专业技术职务任职资格。\n\n特此通知。",
        date=date,
        review_committee="工程系列中级专业技术职务任职资格评审委员会",
        **extra,
    )
    for i in range(n):
        stored = from_id_number(id_number(i + 1))
        ApprovedPerson.objects.create(
            document=document,
            sort_order=i,
            name=NAMES[i % len(NAMES)]
            + ("" if i < len(NAMES) else str(i)).translate(
                str.maketrans("0123456789", "〇一二三四五六七八九")
            ),
            gender=stored["gender"],
            unit="新疆某某建设工程有限公司",
            series="工程系列",
            specialty="建筑工程",
            qualification="工程师",
            level="中级",
            review_type="评审",
            id_hash=stored["id_hash"],
            id_masked=stored["id_masked"],
        )
    return document
