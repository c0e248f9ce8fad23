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


def test_command_json_and_region(capsys):
    from publicity.models import CalendarDay

    CalendarDay.objects.create(date="2025-06-06", region="新疆维吾尔自治区", name="古尔邦节")
    call_command("publicity_period", "2025-06-04", "--region", "新疆维吾尔自治区", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["end"] == "2025-06-11"
    assert {"date": "2025-06-06", "reason": "古尔邦节"} in data["skipped"]


def test_command_errors_are_chinese():
    with pytest.raises(CommandError, match="尚未录入"):
        call_command("publicity_period", f"{workdays.PACKAGE_LAST_YEAR + 1}-05-06")
    with pytest.raises(CommandError, match="格式不对"):
        call_command("publicity_period", "2023/11/01")
    with pytest.raises(CommandError, match="未知地区"):
        call_command("publicity_period", "2023-11-01", "--region", "火星")
