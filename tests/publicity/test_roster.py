"""Roster import: clean files, bad rows, re-import, non-spreadsheets, the admin view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publicity import roster
from publicity.models import PublicityEntry
from tests.factories import ROSTER_HEADER, chinese_id_number, roster_csv, roster_row, roster_xlsx
from website import identity

pytestmark = pytest.mark.django_db

HEADER = ROSTER_HEADER
TITLE = "2023 年度 建材 专业职称申报人员花名册"


def person(n, name, gender="男", qualification="工程师", passed="是", remark="评审", number=None):
    import datetime

    number = number or chinese_id_number(
        region="650106", birth=datetime.date(1985, 1, n), sequence=n, gender=gender
    )
    return roster_row(n, name, number, gender, qualification, passed, remark)


CLEAN = [
    person(1, "王建国"),
    person(2, "李秀梅", "女", "助理工程师", remark="初定"),
    person(3, "张伟", qualification="高级工程师", remark="转评"),
    person(4, "落选者", passed="否"),
]


def csv_bytes(rows, encoding="utf-8-sig"):
    return roster_csv(rows, title=TITLE, encoding=encoding)


def xlsx_bytes(rows):
    return roster_xlsx(rows, title=TITLE)


@pytest.mark.parametrize(
    "data",
    [csv_bytes(CLEAN), csv_bytes(CLEAN, "gb18030"), csv_bytes(CLEAN, "utf-8"), xlsx_bytes(CLEAN)],
    ids=["csv-bom", "csv-gb18030", "csv-utf8", "xlsx"],
)
def test_clean_file_parses(data):
    result = roster.parse_roster(data, series="工程系列", specialty="建材")
    assert result.is_clean, result.errors
    assert [row.name for row in result.rows] == ["王建国", "李秀梅", "张伟"]
    assert result.not_passed == 1
    wang, li, zhang = result.rows
    assert (wang.level, wang.qualification, wang.review_type) == ("中级", "工程师", "评审")
    assert (li.level, li.review_type, li.gender) == ("初级", "初定", "女")
    assert (zhang.level, zhang.review_type) == ("副高级", "转评")
    assert wang.series == "工程系列" and wang.specialty == "建材"
    assert wang.id_masked == identity.mask(CLEAN[0][5]) and "*" * 8 in wang.id_masked
    assert wang.id_hash == identity.id_hash(CLEAN[0][5])


def test_bad_rows_are_reported_with_row_numbers_and_reasons():
    good = CLEAN[0]
    wrong_digit = person(5, "校验错")
    wrong_digit[5] = wrong_digit[5][:17] + ("0" if wrong_digit[5][17] != "0" else "1")
    rows = [good, wrong_digit, person(6, ""), person(7, "未知级别", qualification="首席专家"),
            person(8, "重复", number=good[5])]  # fmt: skip
    result = roster.parse_roster(csv_bytes(rows))
    reasons = {error.row_number: error.reason for error in result.errors}
    # Row 1 is the title, row 2 the header: the first person is on row 3.
    assert "身份证号码校验码错误" in reasons[4]
    assert "缺少姓名" in reasons[5]
    assert "无法确定“首席专家”的级别" in reasons[6]
    assert "与第3行的身份证号码重复" in reasons[7]
    assert [row.name for row in result.rows] == ["王建国"]


def test_gender_mismatch():
    row = person(1, "甲", gender="男")
    row[2] = "女"  # the ID number says male
    result = roster.parse_roster(csv_bytes([row]))
    assert "性别与身份证号码不符" in result.errors[0].reason


def test_not_a_spreadsheet_is_refused():
    for data in [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\x00" * 50, b"\x89PNG\r\n\x1a\n\x00\x00",
                 b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04garbage", b"hello,world\n1,2\n"]:  # fmt: skip
        with pytest.raises(roster.RosterFileError):
            roster.parse_roster(data)


def test_too_large_is_refused(settings):
    settings.PUBLICITY_ROSTER_MAX_BYTES = 100
    with pytest.raises(roster.RosterFileError, match="不能超过"):
        roster.parse_roster(csv_bytes(CLEAN))


def _upload(admin_client, page, data, name="花名册.csv", **extra):
    url = reverse("publicity_admin:import_roster", args=[page.pk])
    payload = {"file": SimpleUploadedFile(name, data), "series": "工程系列", "specialty": "建材"}
    payload.update(extra)
    return admin_client.post(url, payload)


def test_admin_import_clean_then_reimport_does_not_duplicate(admin_client, make_publicity):
    page = make_publicity(people=[], publish=False, live=False)
    response = _upload(admin_client, page, csv_bytes(CLEAN))
    assert response.status_code == 302
    assert page.entries.count() == 3
    response = _upload(admin_client, page, xlsx_bytes(CLEAN), name="花名册.xlsx")
    assert response.status_code == 302
    assert page.entries.count() == 3
    # No clear ID number anywhere in the table.
    numbers = {row[5] for row in CLEAN}
    for values in PublicityEntry.objects.values():
        assert not numbers & {str(value) for value in values.values()}


def test_admin_import_with_bad_rows_imports_nothing_until_asked(admin_client, make_publicity):
    page = make_publicity(people=[], publish=False, live=False)
    rows = [CLEAN[0], person(6, "")]
    response = _upload(admin_client, page, csv_bytes(rows))
    content = response.content.decode()
    assert response.status_code == 400
    assert "第 4 行" in content and "缺少姓名" in content
    assert "只导入有效行（1 行）" in content and f'value="{response.context["token"]}"' in content
    assert page.entries.count() == 0
    token = response.context["token"]
    response = admin_client.post(
        reverse("publicity_admin:import_roster", args=[page.pk]), {"token": token}
    )
    assert response.status_code == 302
    assert list(page.entries.values_list("name", flat=True)) == ["王建国"]
    # The token is used up.
    again = admin_client.post(
        reverse("publicity_admin:import_roster", args=[page.pk]), {"token": token}
    )
    assert again.status_code == 302 and page.entries.count() == 1


def test_admin_import_only_valid_rows_checkbox(admin_client, make_publicity):
    page = make_publicity(people=[], publish=False, live=False)
    response = _upload(admin_client, page, csv_bytes([CLEAN[0], person(6, "")]), only_valid="on")
    assert response.status_code == 302
    assert page.entries.count() == 1


def test_admin_import_refuses_a_non_spreadsheet(admin_client, make_publicity):
    page = make_publicity(people=[], publish=False, live=False)
    response = _upload(admin_client, page, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, name="照片.csv")
    assert response.status_code == 400
    assert "不是 XLSX 或 CSV 表格" in response.content.decode()
    assert page.entries.count() == 0


def test_admin_import_honours_a_raised_size_cap(admin_client, make_publicity, settings):
    # A file larger than the default 5 MB but under the configured cap is read whole.
    settings.PUBLICITY_ROSTER_MAX_BYTES = 6 * 1024 * 1024
    page = make_publicity(people=[], publish=False, live=False)
    head, *rows = csv_bytes(CLEAN).split(b"\r\n", 2)
    padded = b"\r\n".join([head, rows[0], b"\r\n" * (5 * 1024 * 1024 // 2 + 10), rows[1]])
    response = _upload(admin_client, page, padded)
    assert "不能超过" not in response.content.decode()
    assert page.entries.count() == 3  # the rows after the first 5 MB arrived too


def test_import_keeps_excluded_flag(make_publicity):
    page = make_publicity(people=[], publish=False, live=False)
    result = roster.parse_roster(csv_bytes(CLEAN))
    roster.import_rows(page, result.rows)
    page.entries.filter(name="王建国").update(excluded=True)
    summary = roster.import_rows(page, result.rows)
    assert (summary.created, summary.updated) == (0, 3)
    assert page.entries.get(name="王建国").excluded


def test_header_button_links_to_import(admin_client, make_publicity):
    page = make_publicity(people=[], publish=False, live=False)
    response = admin_client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    assert response.status_code == 200
    from publicity.wagtail_hooks import roster_button

    buttons = list(roster_button(page, admin_client.user, "edit"))
    assert buttons[0].url == reverse("publicity_admin:import_roster", args=[page.pk])


def test_import_into_a_live_page_is_refused_and_its_list_unchanged(admin_client, make_publicity):
    """Once public, the roster is locked: no import, by the domain function or the admin."""
    import datetime

    from .conftest import at

    page = make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1, 8), people=[])
    assert page.live and page.went_live_at is not None
    with pytest.raises(roster.RosterLocked, match="名单已锁定"):
        roster.import_rows(page, roster.parse_roster(csv_bytes(CLEAN)).rows)
    response = _upload(admin_client, page, csv_bytes(CLEAN))
    assert response.status_code == 400 and "名单已锁定" in response.content.decode()
    assert page.entries.count() == 0
    # The header offers 更正 instead of 导入名单.
    from publicity.wagtail_hooks import roster_button

    labels = [button.label for button in roster_button(page, admin_client.user, "edit")]
    assert labels == ["更正"]


def test_import_into_an_ended_page_is_refused(make_publicity):
    import datetime

    from .conftest import at

    page = make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1, 8), people=[])
    page.unpublish(set_expired=True)  # what publish_scheduled does at the end
    page.refresh_from_db()
    with pytest.raises(roster.RosterLocked):
        roster.import_rows(page, roster.parse_roster(csv_bytes(CLEAN)).rows)


def test_one_roster_goes_into_one_publicity(admin_client, make_publicity):
    first = make_publicity(people=[], publish=False, live=False)
    second = make_publicity(people=[], publish=False, live=False)
    assert _upload(admin_client, first, csv_bytes(CLEAN)).status_code == 302
    # The same file again, into another publicity: refused, naming the first.
    response = _upload(admin_client, second, csv_bytes(CLEAN))
    assert response.status_code == 400
    assert f"该名单文件已导入公示“{first.title}”" in response.content.decode()
    # The same people in another file (XLSX): refused too.
    response = _upload(admin_client, second, xlsx_bytes(CLEAN), name="花名册.xlsx")
    assert response.status_code == 400
    assert f"名单人员与公示“{first.title}”完全相同" in response.content.decode()
    assert second.entries.count() == 0
    # Each import is in the page's log with the file's hash and the actor.
    from wagtail.models import PageLogEntry

    entry = PageLogEntry.objects.get(page=first, action="publicity.roster_import")
    assert entry.user == admin_client.user and len(entry.data["sha256"]) == 64
    assert entry.data["created"] == 3
