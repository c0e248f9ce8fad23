"""Sample documents for reviewers (``manage.py render_samples``): realistic values, rare name
characters and — with ``longest`` — the longest real values the layout must hold."""

from __future__ import annotations

import datetime as dt

from approvals.pdf.approval_document import ApprovalDocumentData
from approvals.pdf.certificate import CertificateData

AUTHORITY = "经济技术开发区（头屯河区）人力资源和社会保障局"
LONG_COMMITTEE = (
    "巴音郭楞蒙古自治州工程系列建材、石油、化工、纺织、机械电子、光伏硅基专业中、初级职称评审委员会"
)
LONG_UNIT = "新疆生产建设兵团第十二师二二一团某某石油化工机械设备制造安装工程建设有限责任公司"
# Real names' characters beyond GB 2312, Extension A (䶮) and Extension B (𠅤 𪚥).
RARE_NAMES = [
    "王頔",
    "张喆",
    "刘堃",
    "李䶮",
    "赵𠅤",
    "钱𪚥",
    "欧阳玥珺",
    "周赟彧",
    "吴祎璟",
    "郑垚镕",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞"
UNITS = ["新疆天山建材工程有限公司", "新疆某某石油化工有限责任公司", "乌鲁木齐经济技术开发区建设局"]


def sample_persons(n: int, *, slug: str = "TOUTUNHE", unit: str = "") -> list[dict]:
    persons = []
    for i in range(n):
        name = RARE_NAMES[i] if i < len(RARE_NAMES) else (
            SURNAMES[i % 20] + GIVEN[(i // 20) % 20] + GIVEN[(i * 7 + 3) % 20]
        )  # fmt: skip
        persons.append(
            {
                "name": name,
                "unit": unit or UNITS[i % len(UNITS)],
                "series": "工程系列",
                "specialty": ["建筑材料", "化工", "机械电子"][i % 3],
                "qualification": "工程师",
                "level": "中级",
                "review_type": "评审",
                "certificate_number": f"{slug}-2026-{i + 1:06d}",
            }
        )
    return persons


def sample_document(*, longest: bool = False) -> ApprovalDocumentData:
    from approvals.issuing.titles import default_title

    issuer = LONG_COMMITTEE if longest else AUTHORITY
    persons = sample_persons(500 if longest else 48, unit=LONG_UNIT if longest else "")
    return ApprovalDocumentData(
        issuer_mark=f"{issuer}文件",
        document_number="巴州职称办〔2026〕7号" if longest else "新经开人社〔2026〕12号",
        title=default_title(persons),
        addressees="区属各企业、各有关单位",
        body=[
            "根据《关于深化职称制度改革的意见》和自治区职称评审有关规定，经工程系列中级专业技术"
            "职务任职资格评审委员会评审通过，并经公示无异议，"
            f"现批准{persons[0]['name']}等{len(persons)}名同志具备工程师任职资格，"
            "资格取得时间自本文件成文之日起计算。",
            "请各单位按照有关规定做好聘用工作。",
        ],
        persons=persons,
        date=dt.date(2026, 11, 28),
        issuer_name=issuer,
        seal_text=issuer,
        seal_purpose="职称评审专用章",
    )


def sample_certificate(*, longest: bool = False, photo: bytes | None = None) -> CertificateData:
    issuer = LONG_COMMITTEE if longest else AUTHORITY
    return CertificateData(
        certificate_number="TOUTUNHE-2026-000127",
        name="欧阳䶮𠅤" if longest else "王頔",
        gender="男",
        id_number="650102********1234",
        unit=LONG_UNIT if longest else "新疆天山建材工程有限公司",
        series="工程系列",
        specialty="建筑材料",
        qualification="工程师",
        level="中级",
        committee=LONG_COMMITTEE if longest else "工程系列中级专业技术职务任职资格评审委员会",
        approval_number="新经开人社〔2026〕12号",
        obtained_date=dt.date(2026, 11, 28),
        issuer_name=issuer,
        seal_text=issuer,
        seal_purpose="职称评审专用章",
        issue_date=dt.date(2026, 11, 28),
        verify_url="https://zc.example.gov.cn/verify/t/" + "A" * 120,
        verify_address="https://zc.example.gov.cn/verify/",
        birth="1990年5月",
        photo=photo,
    )
