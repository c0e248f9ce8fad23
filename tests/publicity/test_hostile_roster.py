"""Hostile rosters: each is refused with a Chinese message naming the row or limit, nothing is
half-imported, and parsing stays inside 512 MB (checked in a memory-capped child process)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publicity import roster
from publicity.models import PublicityEntry
from tests.hostile_files import (
    lying_zip_bomb,
    run_capped,
    small_xlsx,
    with_billion_laughs,
    xlsx_claiming,
    zip_bomb,
)
from tests.publicity.test_roster import HEADER, csv_bytes, person, xlsx_bytes

CLEAN_ROWS = [person(1, "王建国"), person(2, "李秀梅", "女", "助理工程师", remark="初定")]


def test_control_and_bidi_characters_are_stripped_from_cells():
    rows = [person(1, "王\x1f建\u202e国\u200f"), person(2, "李秀\x85梅", "女")]
    result = roster.parse_roster(csv_bytes(rows))
    assert result.is_clean
    assert [row.name for row in result.rows] == ["王建国", "李秀梅"]


def test_over_long_fields_are_row_errors_naming_the_column():
    long_unit = "新疆" * 100
    row = person(1, "王建国")
    row[9] = long_unit
    result = roster.parse_roster(csv_bytes([row]))
    assert not result.rows
    assert result.errors[0].row_number == 3
    assert "工作单位" in result.errors[0].reason and "150" in result.errors[0].reason


def test_sort_order_beyond_32_bits_is_a_row_error():
    row = person(1, "王建国")
    row[0] = str(2**31)
    result = roster.parse_roster(csv_bytes([row, person(2, "李秀梅", "女")]))
    assert [error.row_number for error in result.errors] == [3]
    assert "序号" in result.errors[0].reason
    assert [row.name for row in result.rows] == ["李秀梅"]


def test_a_200_kb_csv_field_is_refused_naming_the_row():
    row = person(1, "王建国")
    row[11] = "评审" + "x" * 200_000
    with pytest.raises(roster.RosterFileError, match="第 3 行"):
        roster.parse_roster(csv_bytes([row]))


def test_csv_row_and_column_caps(settings):
    too_wide = csv_bytes([person(1, "王建国") + [""] * 100])
    with pytest.raises(roster.RosterFileError, match="第 3 行超过 60 列"):
        roster.read_table(too_wide)
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["x"]] * (roster.MAX_ROWS + 1))
    with pytest.raises(roster.RosterFileError, match="5000 行"):
        roster.read_table(buffer.getvalue().encode())


def test_xlsx_claiming_xfd20000_is_refused_at_once():
    data = xlsx_claiming("A1:XFD20000", [HEADER, person(1, "王建国")])
    assert len(data) < 8000
    with pytest.raises(roster.RosterFileError, match="表格范围过大"):
        roster.parse_roster(data)


def test_xlsx_claiming_a_small_range_is_read_by_its_real_cells():
    """A lying small dimension is not trusted either: the real cells decide, within the caps."""
    rows = [HEADER, *CLEAN_ROWS]
    data = xlsx_claiming("A1:B2", rows)
    assert [row.name for row in roster.parse_roster(data).rows] == ["王建国", "李秀梅"]
    wide = xlsx_claiming("A1:B2", [HEADER, person(1, "王建国") + ["x"] * 80])
    with pytest.raises(roster.RosterFileError, match="60 列"):
        roster.parse_roster(wide)


def test_billion_laughs_xlsx_is_refused():
    data = with_billion_laughs(
        xlsx_bytes(CLEAN_ROWS), "xl/worksheets/sheet1.xml", b'<worksheet xmlns="x">'
    )
    with pytest.raises(roster.RosterFileError, match="DOCTYPE"):
        roster.parse_roster(data)


def test_zip_bombs_are_refused_before_decompression():
    base = xlsx_bytes(CLEAN_ROWS)
    with pytest.raises(roster.RosterFileError, match="解压后|压缩比"):
        roster.read_table(zip_bomb("xl/media/big.bin", base), "")


def test_malformed_xml_is_a_clear_error():
    from tests.hostile_files import rewrite_zip

    data = rewrite_zip(xlsx_bytes(CLEAN_ROWS), {"xl/worksheets/sheet1.xml": b"<worksheet><row"})
    with pytest.raises(roster.RosterFileError, match="不是有效的 XLSX"):
        roster.parse_roster(data)


@pytest.mark.parametrize(
    "build",
    [
        lambda: xlsx_claiming("A1:XFD20000", [HEADER, person(1, "王建国")]),
        lambda: with_billion_laughs(
            small_xlsx([HEADER]), "xl/worksheets/sheet1.xml", b'<worksheet xmlns="x">'
        ),
        lambda: zip_bomb("xl/media/big.bin", small_xlsx([HEADER])),
        lambda: lying_zip_bomb(small_xlsx([HEADER]), "xl/media/big.bin"),
        lambda: csv_bytes([person(1, "王建国")[:11] + ["x" * 3_000_000]]),
    ],
    ids=["dimension", "laughs", "bomb", "lying-bomb", "huge-field"],
)
def test_hostile_files_are_refused_within_512_mb(build, tmp_path):
    verdict = run_capped("publicity.roster.parse_roster", build(), tmp_path)
    assert verdict.get("type") == "RosterFileError", verdict


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "e@example.cn", "pw")
    client.force_login(user)
    return client


def test_admin_upload_of_a_hostile_file_is_a_form_error_not_a_500(editor_client, make_publicity):
    page = make_publicity(people=[])
    url = reverse("publicity_admin:import_roster", args=[page.pk])
    data = xlsx_claiming("A1:XFD20000", [HEADER, person(1, "王建国")])
    response = editor_client.post(url, {"file": SimpleUploadedFile("r.xlsx", data)})
    assert response.status_code == 400  # the form again, with the error (the app's convention)
    assert "表格范围过大" in response.content.decode()
    assert not PublicityEntry.objects.filter(publicity=page).exists()
