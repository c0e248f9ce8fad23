"""website.uploads: control/bidi stripping, the zip inspector and formula escaping."""

import io
import zipfile

import pytest

from tests.hostile_files import lying_zip_bomb, small_xlsx, with_billion_laughs, zip_bomb
from website import uploads


def test_clean_text_strips_controls_and_bidi_but_keeps_tabs_and_newlines():
    dirty = "王\x00建\x1f国\u202e\u2066\u200f\x85\x7f\r\n第二行\t制表"
    assert uploads.clean_text(dirty) == "王建国\n第二行\t制表"
    assert uploads.clean_text("甲\n乙\t丙", multiline=False) == "甲乙丙"
    assert uploads.has_unsafe("a\u202eb") and not uploads.has_unsafe("正常文本\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("王建国", "王建国"),
        (42, 42),
    ],
)
def test_spreadsheet_safe(value, expected):
    assert uploads.spreadsheet_safe(value) == expected


def test_an_honest_xlsx_passes_the_inspector():
    uploads.inspect_zip(small_xlsx([["姓名"], ["王建国"]]), kind="XLSX")


def test_inspector_refusals_name_the_limit():
    base = small_xlsx([["x"]])
    with pytest.raises(uploads.UnsafeUpload, match="DOCTYPE"):
        uploads.inspect_zip(
            with_billion_laughs(base, "xl/worksheets/sheet1.xml", b"<worksheet>"), kind="XLSX"
        )
    with pytest.raises(uploads.UnsafeUpload, match="解压后过大|压缩比"):
        uploads.inspect_zip(zip_bomb("big.bin", base), kind="XLSX")
    with pytest.raises(uploads.UnsafeUpload, match="损坏"):
        uploads.inspect_zip(lying_zip_bomb(base, "big.bin"), kind="XLSX")
    with pytest.raises(uploads.UnsafeUpload, match="损坏"):
        uploads.inspect_zip(b"PK\x03\x04 not a zip", kind="XLSX")
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for index in range(30):
            archive.writestr(f"part{index}.txt", "x")
    with pytest.raises(uploads.UnsafeUpload, match="部件过多"):
        uploads.inspect_zip(many.getvalue(), kind="DOCX", limits=uploads.ZipLimits(max_members=20))


def test_the_template_spreadsheet_escapes_formulas():
    from notices.downloads import _sheet_row

    assert _sheet_row(['=HYPERLINK("x")', "王\x1f建国", 3]) == ['\'=HYPERLINK("x")', "王建国", 3]
