"""No public page or API ever contains a whole ID number; the publicity_period command."""

import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from publicity import demo, workdays

from .conftest import at

pytestmark = pytest.mark.django_db


def test_no_public_page_contains_a_full_id_number(client, home_page, search_index):
    with time_machine.travel(at(2024, 5, 15, 10), tick=False):
        demo.load(lambda message: None)
        from publicity.models import PublicityPage

        running = PublicityPage.objects.get(slug="toutunhe-engineering-running")
        ended = PublicityPage.objects.get(slug="bayingol-engineering-2023")
        numbers = [p["id_number"] for p in demo.running_people() + demo.ended_people()]
        urls = [
            "/", "/publicity/", running.url, ended.url, "/sitemap.xml",
            "/publicity/period/?start=2023-11-01", f"/search/?q={running.entries.first().name}",
            "/notices/", "/verify/",
        ]  # fmt: skip
        bodies = []
        for url in urls:
            response = client.get(url)
            bodies.append(response.content.decode(errors="replace"))
        page = client.get(running.url).content.decode()
    assert running.entries.first().name in page  # the list is really there
    for number in numbers:
        for body in bodies:
            assert number not in body
            assert number[6:14] + number[14:] not in body  # not even the birth date and tail
    # The masked form is for editors only.
    assert running.entries.first().id_masked not in page


def test_demo_is_idempotent_and_has_a_running_and_an_ended_publicity(home_page):
    from publicity.models import Objection, PublicityPage

    with time_machine.travel(at(2024, 5, 15, 10), tick=False):
        demo.load(lambda message: None)
        demo.load(lambda message: None)
        running = PublicityPage.objects.get(slug="toutunhe-engineering-running")
        ended = PublicityPage.objects.get(slug="bayingol-engineering-2023")
        assert running.is_running and running.live
        assert ended.has_ended and not ended.live
    assert running.entries.count() == len(demo.RUNNING_PEOPLE)
    assert ended.entries.count() == len(demo.ENDED_PEOPLE)
    assert Objection.objects.count() == 1
    assert ended.approved_entries().count() == len(demo.ENDED_PEOPLE) - 1
    from website import identity

    for person in demo.running_people() + demo.ended_people():
        assert identity.validate(person["id_number"]) == person["id_number"]
        assert identity.gender_of(person["id_number"]) == person["gender"]


def test_command_prints_end_and_days(capsys):
    call_command("publicity_period", "2023-09-28")
    out = capsys.readouterr().out
    assert "公示时间：2023年9月28日至2023年10月10日（5个工作日）" in out
    assert "第2天 2023-10-07 星期六" in out
    assert "2023-10-01 星期日 国庆节" in out


@pytest.mark.parametrize(
    ("start", "region", "end", "skipped"),
    [
        (
            "2025-06-04",
            "新疆维吾尔自治区",
            "2025-06-13",
            {"date": "2025-06-09", "reason": "古尔邦节"},
        ),
        (
            "2026-03-18",
            "新疆生产建设兵团",
            "2026-03-25",
            {"date": "2026-03-20", "reason": "肉孜节"},
        ),
    ],
)
def test_command_json_and_region(capsys, start, region, end, skipped):
    call_command("publicity_period", start, "--region", region, "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["end"] == end
    assert skipped in data["skipped"]
    assert data["warnings"] == []


def test_command_xinjiang_cases(capsys):
    call_command("publicity_period", "2025-03-27", "--region", "新疆维吾尔自治区")
    out = capsys.readouterr().out
    assert "公示时间：2025年3月27日至2025年4月3日（5个工作日）" in out
    assert "2025-03-31 星期一 肉孜节" in out
    call_command("publicity_period", "2025-06-04", "--region", "新疆生产建设兵团")
    assert "至2025年6月13日" in capsys.readouterr().out
    call_command("publicity_period", "2026-05-25", "--region", "新疆维吾尔自治区")
    captured = capsys.readouterr()
    assert "公示时间：2026年5月25日至2026年6月3日（5个工作日）" in captured.out
    assert "2026-05-29 星期五 古尔邦节" in captured.out
    assert captured.err == ""


def test_command_start_on_a_holiday_and_missing_regional_year(capsys):
    call_command("publicity_period", "2024-10-03", "--region", "新疆维吾尔自治区")
    captured = capsys.readouterr()
    assert "开始日期2024年10月3日是国庆节（不计入工作日），从下一个工作日2024年10月8日起算" in (
        captured.out
    )
    assert "提示：新疆维吾尔自治区2024年的地方节假日" in captured.err


def test_command_refuses_a_year_with_only_a_draft_entry():
    from publicity.models import CalendarDay, CalendarYear

    draft = CalendarYear.objects.create(year=2027)
    CalendarDay.objects.create(calendar_year=draft, date="2027-01-01", name="元旦")
    for start in ("2027-02-08", "2027-09-29"):
        with pytest.raises(CommandError, match="国务院办公厅关于2027年部分节假日安排的通知"):
            call_command("publicity_period", start)


def test_import_command_makes_a_complete_year(capsys, tmp_path):
    from pathlib import Path

    from publicity.models import CalendarYear

    text = (Path(__file__).parent / "notices" / "national_2026.txt").read_text(encoding="utf-8")
    notice = tmp_path / "2027.txt"
    # The 2026 notice as if it were 2027's is refused: its weekdays do not match.
    notice.write_text(text.replace("2026年", "2027年"), encoding="utf-8")
    with pytest.raises(CommandError, match="星期"):
        call_command("import_holiday_notice", str(notice))
    notice.write_text(text, encoding="utf-8")
    call_command("import_holiday_notice", str(notice), "--replace")
    year = CalendarYear.objects.get(year=2026, region="")
    assert year.is_complete and year.source == "国办发明电〔2025〕7号"
    assert year.days.count() == 39


def test_command_errors_are_chinese():
    with pytest.raises(CommandError, match="尚未录入"):
        call_command("publicity_period", f"{workdays.PACKAGE_LAST_YEAR + 1}-05-06")
    with pytest.raises(CommandError, match="格式不对"):
        call_command("publicity_period", "2023/11/01")
    with pytest.raises(CommandError, match="未知地区"):
        call_command("publicity_period", "2023-11-01", "--region", "火星")
