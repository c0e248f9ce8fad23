"""Spreadsheet cells: Beijing time, 是/否, no 「None」, formulas kept as text."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest

from website.exports import cell_value, escape_formula, table_response

UTC = datetime.UTC


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_escaped(text):
    assert escape_formula(text) == "'" + text
    assert cell_value(text) == "'" + text


def test_ordinary_text_numbers_and_empties():
    assert escape_formula("王小明") == "王小明"
    assert cell_value(None) == ""
    assert cell_value(True) == "是" and cell_value(False) == "否"
    assert cell_value(5) == 5


def test_times_are_beijing_time():
    revoked = datetime.datetime(2026, 3, 1, 18, 44, 5, 123, tzinfo=UTC)  # 02:44 on 2 March
    assert cell_value(revoked) == datetime.datetime(2026, 3, 2, 2, 44, 5)
    assert cell_value(revoked, "csv") == "2026-03-02 02:44:05"


def test_table_response_reads_back_in_both_formats():
    headings = ["姓名", "时间", "备注"]
    rows = [['=HYPERLINK("x")', datetime.datetime(2026, 3, 1, 18, 44, tzinfo=UTC), None]]
    book = openpyxl.load_workbook(io.BytesIO(table_response(headings, rows, "xlsx", "表").content))
    values = list(book.active.iter_rows(values_only=True))
    assert values[0] == ("姓名", "时间", "备注")
    assert values[1][0] == '\'=HYPERLINK("x")'
    assert values[1][1] == datetime.datetime(2026, 3, 2, 2, 44)
    response = table_response(headings, rows, "csv", "表")
    text = response.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == [
        '\'=HYPERLINK("x")',
        "2026-03-02 02:44:00",
        "",
    ]
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_log_lines_are_stamped_in_beijing_time():
    import logging

    from website.logformat import BeijingFormatter

    record = logging.LogRecord("approvals", logging.INFO, __file__, 1, "已撤销证书", None, None)
    record.created = datetime.datetime(2026, 3, 1, 18, 44, tzinfo=UTC).timestamp()
    line = BeijingFormatter("%(asctime)s %(message)s").format(record)
    assert line == "2026-03-02 02:44:00 已撤销证书"


def test_the_console_log_uses_the_beijing_formatter(settings):
    formatter = settings.LOGGING["handlers"]["console"]["formatter"]
    assert settings.LOGGING["formatters"][formatter]["()"].endswith("BeijingFormatter")
