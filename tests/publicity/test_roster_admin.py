"""The 公示名单 and 异议 lists: publicity column and filter, no add form, working exports."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest

from tests.factories import ObjectionFactory, PublicityEntryFactory, PublicityPageFactory

pytestmark = pytest.mark.django_db

ROSTER = "/admin/snippets/publicity/publicityentry/"
OBJECTIONS = "/admin/snippets/publicity/objection/"


@pytest.fixture
def two_publicities(publicity_index, authority):
    first = publicity_index.add_child(
        instance=PublicityPageFactory.build(authority=authority, title="甲公示", slug="jia")
    )
    second = publicity_index.add_child(
        instance=PublicityPageFactory.build(authority=authority, title="乙公示", slug="yi")
    )
    PublicityEntryFactory(publicity=first, name="张三", unit="=cmd|' /C calc'!A0")
    PublicityEntryFactory(publicity=first, name="李四", excluded=True)
    PublicityEntryFactory(publicity=second, name="王五")
    return first, second


def test_roster_list_has_publicity_column_filter_and_yes_no(admin_client, two_publicities):
    first, _second = two_publicities
    html = admin_client.get(ROSTER).content.decode()
    assert "甲公示" in html and "乙公示" in html
    html = admin_client.get(ROSTER, {"publicity": first.pk}).content.decode()
    assert "张三" in html and "李四" in html and "王五" not in html
    assert "True" not in html and "False" not in html


def test_roster_has_no_add_form(admin_client, two_publicities):
    from publicity.models import PublicityEntry

    first, _ = two_publicities
    response = admin_client.get(ROSTER + "add/")
    assert response.status_code == 302 and response.url == "/admin/"  # permission denied
    before = PublicityEntry.objects.count()
    posted = {"name": "赵六", "gender": "男", "unit": "某单位", "level": "中级"}
    response = admin_client.post(ROSTER + "add/", {**posted, "publicity": first.pk})
    assert response.status_code == 302 and PublicityEntry.objects.count() == before
    html = admin_client.get(ROSTER).content.decode()
    assert ROSTER + "add/" not in html


def test_roster_xlsx_export_has_the_rows(admin_client, two_publicities):
    first, _second = two_publicities
    response = admin_client.get(ROSTER, {"export": "xlsx", "publicity": first.pk})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("公示", "序号", "姓名", "性别")
    assert [row[2] for row in rows[1:]] == ["张三", "李四"]
    assert rows[1][0] == "甲公示"
    assert rows[1][5] == "'=cmd|' /C calc'!A0"  # a formula stays text
    assert rows[2][-1] == "是" and rows[1][-1] == "否"


def test_roster_csv_export_reads_back(admin_client, two_publicities):
    response = admin_client.get(ROSTER, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][2] == "姓名" and {row[2] for row in rows[1:]} == {"张三", "李四", "王五"}


def test_objection_register_with_outcome_and_beijing_time(
    admin_client, two_publicities, time_machine
):
    first, _ = two_publicities
    time_machine.move_to(datetime.datetime(2026, 3, 1, 18, 44, tzinfo=datetime.UTC))
    objection = ObjectionFactory(entry=first.entries.get(name="张三"))
    objection.status = "不成立"
    objection.notes = "经核查，业绩属实。"
    objection.save()
    response = admin_client.get(OBJECTIONS, {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == (
        "回执编号",
        "提交时间",
        "公示",
        "异议对象",
        "工作单位",
        "异议事实与理由",
        "处理结果",
        "处理意见",
    )
    assert rows[1][1] == datetime.datetime(2026, 3, 2, 2, 44)
    assert rows[1][2:4] == ("甲公示", "张三")
    assert rows[1][6:] == ("不成立", "经核查，业绩属实。")
    csv_text = b"".join(admin_client.get(OBJECTIONS, {"export": "csv"}).streaming_content)
    assert "2026-03-02 02:44:00" in csv_text.decode("utf-8-sig")


def test_objection_list_filters_by_publicity(admin_client, two_publicities):
    first, second = two_publicities
    ObjectionFactory(entry=first.entries.get(name="张三"), facts="甲的异议")
    ObjectionFactory(entry=second.entries.get(name="王五"), facts="乙的异议")
    html = admin_client.get(OBJECTIONS, {"entry__publicity": second.pk}).content.decode()
    assert "王五" in html and "张三" not in html
