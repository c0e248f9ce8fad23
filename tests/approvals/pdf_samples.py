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


# The longest real values the documents must hold without overflowing (one copy, shared with
# `manage.py render_samples`).
from approvals.pdf.samples import LONG_COMMITTEE, LONG_UNIT, RARE_NAMES  # noqa: E402

LONG_TITLE = "关于批准巴音郭楞蒙古自治州工程系列建材、石油、化工、纺织、机械电子专业吴杰等500名同志具备中级专业技术职务任职资格的通知"


def longest_document(n: int = 500) -> ApprovalDocumentData:
    """A 47-character committee signing a 60-character title over n persons with 40-character
    units, rare name characters among them, certificate numbers of the longest slug."""
    people = persons(n)
    for i, person in enumerate(people):
        person["unit"] = LONG_UNIT
        person["certificate_number"] = f"TOUTUNHE-2024-{i + 1:06d}"
        if i < len(RARE_NAMES):
            person["name"] = RARE_NAMES[i]
    return approval_document(
        n,
        persons=people,
        issuer_mark=f"{LONG_COMMITTEE}文件",
        issuer_name=LONG_COMMITTEE,
        seal_text=LONG_COMMITTEE,
        title=LONG_TITLE,
        addressees="巴音郭楞蒙古自治州各县（市）人力资源和社会保障局，州直各有关单位，各有关企业",
    )


def longest_certificate(**overrides) -> CertificateData:
    values = {
        "name": "欧阳䶮𠅤",
        "unit": LONG_UNIT,
        "committee": LONG_COMMITTEE,
        "issuer_name": LONG_COMMITTEE,
        "seal_text": LONG_COMMITTEE,
        "certificate_number": "TOUTUNHE-2024-000127",
        "specialty": "机械电子工程及自动化控制",
    }
    values.update(overrides)
    return certificate(**values)
