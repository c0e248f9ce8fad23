"""Demo content of the approvals column: the /approvals/ index, demo keys, and one issued
approval document with its certificates from the ended demo publicity. Idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from approvals.models import ApprovalDocument, ApprovalIndexPage, ApprovedPerson, DocumentStatus
from website.demo import ensure_authorities, ensure_child_page, ensure_home_page

FALLBACK_TITLE = "关于艾力江等3名同志取得专业技术职务任职资格的通知"
ENDED_PUBLICITY_SLUG = "bayingol-engineering-2023"
DEMO_DATE = dt.date(2023, 11, 20)

# Used only when the publicity demo is absent: (name, gender, unit, specialty, qualification).
FALLBACK_PEOPLE = [
    ("艾力江", "男", "巴州石油化工有限公司", "石油", "工程师"),
    ("李静", "女", "库尔勒建材集团", "建材", "助理工程师"),
    ("王建国", "男", "巴州纺织有限公司", "纺织", "工程师"),
]


def ensure_index() -> ApprovalIndexPage:
    return ensure_child_page(
        ensure_home_page(),
        ApprovalIndexPage,
        "approvals",
        title="任职资格审批文件",
        intro="<p>职称评审结果经公示无异议后，由发文机关印发任职资格审批文件并签发职称电子证书。</p>",
    )


def _from_publicity():
    """(document, {}) from the ended demo publicity, or (None, {})."""
    try:
        from publicity.models import PublicityPage
    except ImportError:
        return None, {}
    page = PublicityPage.objects.filter(slug=ENDED_PUBLICITY_SLUG).first()
    if page is None or not page.has_ended:
        return None, {}
    from approvals.issuing.creation import create_from_publicity

    return create_from_publicity(page, date=DEMO_DATE), {}


def fallback_id_number(i: int, gender: str) -> str:
    """A made-up valid ID number (odd 17th digit for men)."""
    from website.identity import check_digit

    first17 = f"652801{1980 + i}0{i + 3}1{i + 2}{11 + 2 * i + (0 if gender == '男' else 1):03d}"
    return first17 + check_digit(first17)


def _from_fallback_list():
    from website.identity import from_id_number

    authority = ensure_authorities()["bayingol"]
    document = ApprovalDocument.objects.create(
        authority=authority,
        title=FALLBACK_TITLE,
        addressees="各有关单位",
        body="经评审委员会评审，并经公示无异议，下列同志取得相应专业技术职务任职资格。\n\n特此通知。",
        date=DEMO_DATE,
        review_committee=authority.name,
    )
    clear = {}
    for i, (name, gender, unit, specialty, qualification) in enumerate(FALLBACK_PEOPLE):
        number = fallback_id_number(i, gender)
        stored = from_id_number(number)
        clear[stored["id_hash"]] = number
        ApprovedPerson.objects.create(
            document=document,
            sort_order=i,
            name=name,
            gender=gender,
            unit=unit,
            series="工程系列",
            specialty=specialty,
            qualification=qualification,
            level="中级" if qualification == "工程师" else "初级",
            id_hash=stored["id_hash"],
            id_masked=stored["id_masked"],
        )
    return document, clear


def load(log: Callable[[str], None]) -> None:
    from approvals.crypto.keys import ensure_demo_keys
    from approvals.issuing.issue import issue_approval

    ensure_index()
    ensure_demo_keys(log)
    document = (
        ApprovalDocument.objects.filter(source_publicity__slug=ENDED_PUBLICITY_SLUG)
        .order_by("pk")
        .first()
    ) or ApprovalDocument.objects.filter(title=FALLBACK_TITLE).order_by("pk").first()
    if document is None:
        document, _clear = _from_publicity()
        if document is None:
            document, _clear = _from_fallback_list()
    clear = _clear_ids()
    if document.status in (DocumentStatus.DRAFT, DocumentStatus.ISSUING):
        document = issue_approval(document)
        log(f"已签发演示审批文件：{document.number}（{document.certificates.count()} 份证书）")
    else:
        log(f"演示审批文件已存在：{document.number}")
    certificate = document.certificates.order_by("number").first()
    if certificate is not None:
        whole = clear.get(certificate.id_hash, "") or "（见公示演示数据）"
        log(f"演示证书下载：姓名 {certificate.name}，身份证号 {whole}（/certificates/download/）")


def _clear_ids() -> dict[str, str]:
    """Clear demo ID numbers by hash, to print the demo download secret (demo data only)."""
    from website.identity import id_hash

    numbers = [fallback_id_number(i, p[1]) for i, p in enumerate(FALLBACK_PEOPLE)]
    try:
        from publicity import demo as publicity_demo

        numbers += [p["id_number"] for p in publicity_demo.ended_people()]
    except (ImportError, AttributeError):
        pass
    return {id_hash(number): number for number in numbers}
