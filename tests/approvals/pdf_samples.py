"""Sample inputs for the PDF renderers (plain dataclasses, no database)."""

from __future__ import annotations

import datetime as dt

from approvals.pdf.approval_document import ApprovalDocumentData
from approvals.pdf.certificate import CertificateData

AUTHORITY = "经济技术开发区（头屯河区）人力资源和社会保障局"
SEAL = "乌鲁木齐经济技术开发区（头屯河区）人力资源和社会保障局"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞"


def persons(n: int) -> list[dict]:
    """``n`` distinct people (distinct names, so the text check can find each one)."""
    result = []
    for i in range(n):
        name = SURNAMES[i % 20] + GIVEN[(i // 20) % 20] + GIVEN[(i * 7 + 3) % 20]
        result.append(
            {
                "name": name,
                "unit": "新疆某某石油化工有限责任公司",
                "series": "工程系列",
                "specialty": "化工",
                "qualification": "工程师",
                "level": "中级",
                "review_type": "评审",
            }
        )
    return result


def approval_document(n: int = 3, **overrides) -> ApprovalDocumentData:
    people = persons(n)
    data = {
        "issuer_mark": f"{AUTHORITY}文件",
        "document_number": "新经开人社〔2024〕12号",
        "title": f"关于{people[0]['name']}等{n}名同志取得工程系列中级专业技术职务任职资格的通知",
        "addressees": "区属各企业",
        "body": [
            "经工程系列中级专业技术职务任职资格评审委员会评审通过，并经公示无异议，"
            f"现批准{people[0]['name']}等{n}名同志具备工程系列中级专业技术职务任职资格。",
            "请各单位按照有关规定做好聘用工作。",
        ],
        "persons": people,
        "date": dt.date(2024, 9, 10),
        "issuer_name": AUTHORITY,
        "seal_text": SEAL,
        "seal_purpose": "职称评审专用章",
    }
    data.update(overrides)
    return ApprovalDocumentData(**data)


def certificate(**overrides) -> CertificateData:
    data = {
        "certificate_number": "XJTT-2024-000001",
        "name": "王小明",
        "gender": "男",
        "id_number": "650102********1234",
        "unit": "新疆某某建设工程有限公司",
        "series": "工程系列",
        "specialty": "建筑工程",
        "qualification": "工程师",
        "level": "中级",
        "committee": "工程系列中级专业技术职务任职资格评审委员会",
        "approval_number": "新经开人社〔2024〕12号",
        "obtained_date": dt.date(2024, 9, 1),
        "issuer_name": AUTHORITY,
        "seal_text": SEAL,
        "seal_purpose": "职称评审专用章",
        "issue_date": dt.date(2024, 9, 10),
        "verify_url": "https://zc.example.cn/verify/?t=" + "A" * 60,
        "birth": "1990年5月",
    }
    data.update(overrides)
    return CertificateData(**data)
