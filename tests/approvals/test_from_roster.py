"""Creating a draft approval document from a roster file (申报人员花名册), then issuing it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.issuing import creation
from approvals.issuing.issue import issue_approval
from approvals.models import ApprovalDocument, ApprovedPerson, Certificate, DocumentStatus
from publicity import roster
from tests.factories import ROSTER_HEADER, roster_csv, roster_row, roster_xlsx
from website import identity

from .helpers import id_number

pytestmark = pytest.mark.django_db

URL = "/admin/approvals/documents/from-roster/"
HEADER = ROSTER_HEADER
TITLE = "2024 年度 工程系列 申报人员花名册"


def person(i, name, qualification="工程师", passed="是", remark="评审", birth="19850612"):
    number = id_number(i, birth)
    return roster_row(i, name, number, identity.gender_of(number), qualification, passed, remark)


CLEAN = [
    person(1, "王建国"),
    person(2, "李秀梅", "助理工程师", remark="初定", birth="19920304"),
    person(3, "张伟", "高级工程师", remark="转评"),
    person(4, "落选者", passed="否"),
]


def csv_bytes(rows, header=HEADER):
    return roster_csv(rows, title=TITLE, header=header)


def xlsx_bytes(rows, header=HEADER):
    return roster_xlsx(rows, title=TITLE, header=header)


def upload(client, authority, data, name="花名册.csv", **extra):
    payload = {
        "authority": authority.pk,
        "title": "",
        "date": "2024-09-01",
        "addressees": "区属各企业",
        "review_committee": "工程系列中级专业技术职务任职资格评审委员会",
        "file": SimpleUploadedFile(name, data),
        "series": "工程系列",
        "specialty": "建筑材料",
    }
    payload.update(extra)
    return client.post(URL, payload)


@pytest.mark.parametrize(
    ("data", "name"),
    [(csv_bytes(CLEAN), "花名册.csv"), (xlsx_bytes(CLEAN), "花名册.xlsx")],
    ids=["csv", "xlsx"],
)
def test_clean_file_creates_draft_with_persons(admin_client, authority, data, name):
    response = upload(admin_client, authority, data, name)

    document = ApprovalDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/approvals/documents/edit/{document.pk}/"
    assert document.status == DocumentStatus.DRAFT
    assert (document.authority, document.date) == (authority, dt.date(2024, 9, 1))
    assert document.addressees == "区属各企业"
    # Computed from the list: three qualifications of three levels.
    assert document.title == "关于批准王建国等3名同志具备相应专业技术职务任职资格的通知"
    assert "工程系列中级专业技术职务任职资格评审委员会" in document.body
    persons = list(document.persons.order_by("sort_order"))
    got = [
        (p.name, p.gender, p.qualification, p.level, p.review_type, p.unit,
         identity.recover_birth_date(p.id_hash, p.id_masked).strftime("%Y-%m"))
        for p in persons
    ]  # fmt: skip
    # No birth data is stored: it comes back from hash and mask with the key.
    assert got == [
        ("王建国", "男", "工程师", "中级", "评审", "新疆天山建材工程有限公司", "1985-06"),
        ("李秀梅", "女", "助理工程师", "初级", "初定", "新疆天山建材工程有限公司", "1992-03"),
        ("张伟", "男", "高级工程师", "副高级", "转评", "新疆天山建材工程有限公司", "1985-06"),
    ]
    for person_, row in zip(persons, CLEAN, strict=False):
        assert (person_.series, person_.specialty) == ("工程系列", "建筑材料")
        assert person_.id_hash == identity.id_hash(row[5])
        assert person_.id_masked == identity.mask(row[5])
    # The clear ID numbers are stored nowhere.
    numbers = {row[5] for row in CLEAN}
    for values in ApprovedPerson.objects.values():
        assert not numbers & {str(value) for value in values.values()}


def test_series_and_specialty_columns_override_form_and_title_is_kept(admin_client, authority):
    rows = [[*person(1, "王建国"), "经济系列", "工商管理"]]
    data = xlsx_bytes(rows, header=[*HEADER, "系列", "专业"])
    response = upload(
        admin_client, authority, data, "花名册.xlsx", title="关于王建国取得资格的通知"
    )
    assert response.status_code == 302
    document = ApprovalDocument.objects.get()
    assert document.title == "关于王建国取得资格的通知"
    assert document.persons.get().series == "经济系列"
    assert document.persons.get().specialty == "工商管理"


def bad_rows():
    wrong_digit = person(5, "校验错")
    wrong_digit[5] = wrong_digit[5][:17] + ("0" if wrong_digit[5][17] != "0" else "1")
    # 王 + U+E000: a mis-encoded name, no font has it.
    return [CLEAN[0], wrong_digit, person(6, ""), person(7, "王\ue000"), CLEAN[2]]


def test_bad_rows_are_each_reported_and_nothing_is_created(admin_client, authority):
    response = upload(admin_client, authority, csv_bytes(bad_rows()))

    assert response.status_code == 400
    html = response.content.decode()
    # Row 1 is the title, row 2 the header: the first person is on row 3.
    assert "发现 3 行有误，尚未创建审批文件" in html
    assert "第 4 行" in html and "身份证号码校验码错误" in html
    assert "第 5 行" in html and "缺少姓名" in html
    assert "第 6 行" in html and "“\ue000”(U+E000)任何字体都无法显示" in html
    assert "只用有效行创建（2 人）" in html
    assert not ApprovalDocument.objects.exists()
    assert not ApprovedPerson.objects.exists()


def test_only_valid_rows_after_the_report(admin_client, authority):
    response = upload(admin_client, authority, csv_bytes(bad_rows()))
    token = response.context["token"]
    assert token

    response = admin_client.post(URL, {"token": token})

    assert response.status_code == 302
    document = ApprovalDocument.objects.get()
    assert [p.name for p in document.persons.order_by("sort_order")] == ["王建国", "张伟"]
    assert document.addressees == "区属各企业" and document.date == dt.date(2024, 9, 1)
    # The token is single-use: a second click does not create a second document.
    response = admin_client.post(URL, {"token": token}, follow=True)
    assert "已过期" in response.content.decode()
    assert ApprovalDocument.objects.count() == 1


def test_only_valid_checkbox_creates_valid_rows_at_once(admin_client, authority):
    response = upload(
        admin_client, authority, xlsx_bytes(bad_rows()), "花名册.xlsx", only_valid="on"
    )
    assert response.status_code == 302
    document = ApprovalDocument.objects.get()
    assert [p.name for p in document.persons.order_by("sort_order")] == ["王建国", "张伟"]


def test_no_valid_row_creates_nothing(admin_client, authority):
    response = upload(admin_client, authority, csv_bytes([person(6, "")]), only_valid="on")
    assert response.status_code == 400
    assert "没有“是否通过”为“是”的有效行" in response.content.decode()
    assert not ApprovalDocument.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "文件不是 XLSX 或 CSV 表格"),
        (b"PK\x03\x04not really a workbook", "文件不是有效的 XLSX 表格"),
        (b"%PDF-1.7\nhello\n", "找不到表头"),
    ],
    ids=["png", "zip", "pdf"],
)
def test_non_spreadsheet_is_a_clear_error(admin_client, authority, data, message):
    response = upload(admin_client, authority, data, "花名册.xlsx")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApprovalDocument.objects.exists()


def test_upload_is_size_capped(admin_client, authority, settings):
    settings.PUBLICITY_ROSTER_MAX_BYTES = 1024 * 1024
    data = csv_bytes(CLEAN) + b"\n" * (1024 * 1024)
    response = upload(admin_client, authority, data)
    assert response.status_code == 400
    assert "文件不能超过 1 MB" in response.content.decode()
    assert not ApprovalDocument.objects.exists()


def test_missing_series_is_a_row_error(authority):
    result = creation.check_roster(csv_bytes(CLEAN[:1]), specialty="建筑材料")
    assert [(e.row_number, e.reason) for e in result.errors] == [
        (3, "缺少系列（请增加“系列”列或在表单中填写）")
    ]
    assert result.rows == []


def test_index_offers_the_action_and_form_renders(admin_client, authority):
    html = admin_client.get("/admin/approvals/documents/").content.decode()
    assert "从名单文件创建" in html and URL in html
    html = admin_client.get(URL).content.decode()
    assert "花名册文件" in html and "只用有效行" in html


def test_requires_add_permission(client, django_user_model, authority):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.post(URL, {}).status_code in (302, 403)
    assert not ApprovalDocument.objects.exists()


def test_draft_from_roster_issues_one_certificate_per_person(authority, signing_key, admin_user):
    header = creation.DocumentHeader(authority=authority, date=dt.date(2024, 9, 1))
    document, result = creation.create_from_roster(
        header, xlsx_bytes(CLEAN), series="工程系列", specialty="建筑材料"
    )
    assert result.is_clean and result.not_passed == 1

    issued = issue_approval(document, admin_user)

    assert issued.status == DocumentStatus.ISSUED
    certificates = Certificate.objects.filter(document=issued).order_by("number")
    assert [c.name for c in certificates] == ["王建国", "李秀梅", "张伟"]
    assert [c.level for c in certificates] == ["中级", "初级", "副高级"]
    assert all(
        c.id_masked == identity.mask(row[5]) for c, row in zip(certificates, CLEAN[:3], strict=True)
    )


def test_create_from_roster_refuses_bad_rows_unless_asked(authority):
    header = creation.DocumentHeader(authority=authority, date=dt.date(2024, 9, 1))
    data = csv_bytes(bad_rows())
    with pytest.raises(creation.RosterRowsError) as error:
        creation.create_from_roster(header, data, series="工程系列", specialty="建筑材料")
    assert [e.row_number for e in error.value.result.errors] == [4, 5, 6]
    assert not ApprovalDocument.objects.exists()
    with pytest.raises(roster.RosterFileError):
        creation.create_from_roster(header, b"\x89PNG\r\n\x1a\n\x00\x00")
